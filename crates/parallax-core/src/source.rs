use crate::SourceId;
use serde::{Deserialize, Serialize};

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
        }
    }
}

/// A rating of a source and its provenance.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
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
