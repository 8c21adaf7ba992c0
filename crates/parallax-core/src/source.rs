use crate::SourceId;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A news outlet.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Source {
    /// Stable id.
    pub id: SourceId,
    /// Display name ("Reuters").
    pub name: String,
    /// Home page URL, when known.
    pub home_page: Option<String>,
    /// ISO 3166-1 alpha-2 country code, upper case ("UA"), when known.
    pub country: Option<String>,
    /// ISO 639-1 language codes the outlet publishes in.
    pub languages: Vec<String>,
    /// Owner (a company, a state, a person), when known.
    pub owner: Option<String>,
    /// Kind of ownership, when known.
    pub ownership: Option<OwnershipType>,
    /// Political bias rating, with where it came from; `None` means unrated (shown as such).
    pub bias: Option<Rating>,
    /// Factuality rating, with where it came from; `None` means unrated.
    pub factuality: Option<Rating>,
    /// Feed URLs.
    pub feeds: Vec<String>,
    /// The category of each feed that has one (feed URL to "world", "business", ...).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub feed_categories: BTreeMap<String, String>,
    /// Where each fact came from.
    #[serde(default)]
    pub provenance: SourceProvenance,
    /// Ratings an operator imported from providers, each with its provenance.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ratings: Vec<ProvidedRating>,
}

impl Source {
    /// A source known only by name: everything else unknown.
    pub fn named(name: &str) -> Self {
        Source {
            id: SourceId::from_key(&name.trim().to_lowercase()),
            name: name.trim().to_string(),
            home_page: None,
            country: None,
            languages: Vec::new(),
            owner: None,
            ownership: None,
            bias: None,
            factuality: None,
            feeds: Vec::new(),
            feed_categories: BTreeMap::new(),
            provenance: SourceProvenance::default(),
            ratings: Vec::new(),
        }
    }

    /// The country when it is more than a guess: `None` when unknown or only inferred from
    /// coverage. What groups outlets by country (takes per country, blindspots, the timeline per
    /// region) uses this; coverage tallies count inferred countries apart.
    pub fn known_country(&self) -> Option<&str> {
        if self.country_is_inferred() {
            None
        } else {
            self.country.as_deref()
        }
    }

    /// Whether the country is only inferred from coverage (see [`CountryBasis`]).
    pub fn country_is_inferred(&self) -> bool {
        self.country.is_some()
            && self
                .provenance
                .country_basis
                .is_some_and(CountryBasis::is_inferred)
    }
}

/// A rating of a source and its provenance.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Rating {
    /// The value as the rater states it ("left", "center", "right", "high", ...).
    pub value: String,
    /// Who rated it and how we got it ("AllSides, via the allsides-dev data set").
    pub provenance: String,
}

/// How an outlet is owned.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OwnershipType {
    /// Funded or controlled by a state.
    State,
    /// Public-service broadcaster with editorial independence by law.
    PublicService,
    /// Privately owned company or person.
    Private,
    /// Owned by a publicly listed company.
    PubliclyTraded,
    /// Non-profit, foundation or cooperative.
    NonProfit,
    /// A news agency (wire service).
    Agency,
}

impl OwnershipType {
    /// The lower-case label used in tallies and the UI.
    pub fn label(self) -> &'static str {
        match self {
            OwnershipType::State => "state",
            OwnershipType::PublicService => "public_service",
            OwnershipType::Private => "private",
            OwnershipType::PubliclyTraded => "publicly_traded",
            OwnershipType::NonProfit => "non_profit",
            OwnershipType::Agency => "agency",
        }
    }
}

/// Where each fact about a [`Source`] came from. `None` for a fact that is unknown or whose
/// origin was not recorded (sources stored before provenance was kept).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct SourceProvenance {
    /// Where the name came from ("kite media_data (MIT)", "the page's site name", ...).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Where the country came from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
    /// What the country is: the outlet's home, read off its domain, or only inferred from what
    /// its articles cover.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country_basis: Option<CountryBasis>,
    /// Where the languages came from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub languages: Option<String>,
    /// Where the owner and the ownership type came from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    /// The ownership as the list that gave it says it, when finer than [`OwnershipType`]
    /// ("state-controlled (State Media Monitor: SC)").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ownership_detail: Option<String>,
}

/// What a source's country is based on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CountryBasis {
    /// The outlet's home country, as a curated list or the operator states it.
    Home,
    /// The country named by the site's country-code top-level domain (`.ua`).
    TopLevelDomain,
    /// Only inferred from the countries its articles mention most (GDELT): a guess, shown as
    /// one, never as the outlet's home.
    InferredFromCoverage,
}

impl CountryBasis {
    /// The lower-case label used in the API and the UI.
    pub fn label(self) -> &'static str {
        match self {
            CountryBasis::Home => "home",
            CountryBasis::TopLevelDomain => "top_level_domain",
            CountryBasis::InferredFromCoverage => "inferred_from_coverage",
        }
    }

    /// Whether a country on this basis is only a guess.
    pub fn is_inferred(self) -> bool {
        self == CountryBasis::InferredFromCoverage
    }
}

/// What a [`ProvidedRating`] rates.
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum RatingKind {
    /// Political bias ("left", "center", ...).
    Bias,
    /// Reliability or factuality of reporting.
    Reliability,
}

impl RatingKind {
    /// The lower-case label used in the API, the UI and on the command line.
    pub fn label(self) -> &'static str {
        match self {
            RatingKind::Bias => "bias",
            RatingKind::Reliability => "reliability",
        }
    }
}

/// A rating of an outlet that an operator imported from a provider
/// (`parallax sources import-ratings`): never applied by default, always shown with who gave it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ProvidedRating {
    /// Who rated ("idiap-reliability", "wikipedia-perennial", ...), as the operator named it.
    pub provider: String,
    /// What is rated.
    pub kind: RatingKind,
    /// The domain the provider rated (the outlet's registrable domain).
    pub domain: String,
    /// The rating as a label ("high", "left", "generally reliable").
    pub value: String,
    /// The provider's number, when it gives one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub score: Option<f64>,
    /// When the provider made it (its data's date), when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    /// The licence the rating is used under, and the credit it asks for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub licence: Option<String>,
    /// Whether this is an estimate computed by a method rather than an editorial judgement.
    #[serde(default)]
    pub estimate: bool,
}
