//! Story digests: what pages across stories need of each story, kept up to date by a pass over
//! the stories that changed (`parallax_intel::digest`), stored beside the story.
//!
//! A story page computes its claim ledger, perspectives and timeline from its articles when it is
//! shown. Pages that list many stories — an entity's stories, the blindspot feeds, the story list's
//! count of independent reports — cannot read every article of every story, so each story gets a
//! digest: its entities, the outlets per country and per bias rating, its number of independent
//! reports, and which outlets state which claim of its ledger (the outlets' records on their
//! source pages). A digest records the story's `last_updated` it was made from; a story updated since
//! has a stale digest until the next pass rebuilds it ([`crate::DigestStore::stale_digests`]).

use crate::{ArticleId, SourceId, StoryId};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// The version of what [`crate::StoryDigest`] records. Digests made by an older Parallax
/// (a lower [`StoryDigest::version`]) lack what was added since (the claim ledger, version 1) and
/// should be made again even when their story did not change.
pub const DIGEST_VERSION: u32 = 1;

/// What pages across stories need of one story.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StoryDigest {
    /// The story.
    pub story: StoryId,
    /// The story's `last_updated` when the digest was made: the digest is current while the
    /// story's `last_updated` is still this.
    pub story_updated: DateTime<Utc>,
    /// Articles digested.
    pub articles: usize,
    /// Independent reports among them (wire copies and rewrites of one report count once).
    pub independent_reports: usize,
    /// People, places and organisations, spelling variants merged, most mentioned first.
    pub entities: Vec<EntityRef>,
    /// Articles and distinct outlets per country (ISO 3166-1 upper case, or "unknown").
    pub countries: Vec<CountrySources>,
    /// Distinct outlets per bias rating as rated (lower case), unrated outlets under "unrated".
    pub bias: Vec<BiasSources>,
    /// For articles in another language than the readers': which of their sentences say what the
    /// readers'-language articles also say, and which are their own (made only when an embedding
    /// model is at hand).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub gists: Vec<ArticleGist>,
    /// The claims of the story's ledger stated by known outlets, each with the outlets stating
    /// it and how it stands for each (the outlets' records on their source pages).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ledger: Vec<LedgerClaim>,
    /// What this digest records ([`DIGEST_VERSION`] when made by this code; 0 for digests made
    /// before versions were kept).
    #[serde(default)]
    pub version: u32,
}

impl Default for StoryDigest {
    /// An empty digest of no story, made by this code (fill in the fields with
    /// `..StoryDigest::default()`).
    fn default() -> Self {
        StoryDigest {
            story: StoryId(String::new()),
            story_updated: DateTime::<Utc>::default(),
            articles: 0,
            independent_reports: 0,
            entities: Vec::new(),
            countries: Vec::new(),
            bias: Vec::new(),
            gists: Vec::new(),
            ledger: Vec::new(),
            version: DIGEST_VERSION,
        }
    }
}

impl StoryDigest {
    /// Whether the digest was made by an older Parallax and lacks what was added since.
    pub fn is_outdated(&self) -> bool {
        self.version < DIGEST_VERSION
    }
}

/// One claim of a story's ledger as the outlets' records need it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LedgerClaim {
    /// Its number in the story's claim ledger, from 1: the story page's anchor `#claim-N`, and
    /// `claims[N - 1]` of the story's API. Numbers follow the story as it was digested.
    pub number: usize,
    /// How the claim stands in the story.
    pub kind: ClaimStanding,
    /// The claim in words, shortened.
    pub text: String,
    /// The known outlets stating it, each once, and how it stands for each.
    pub outlets: Vec<OutletClaim>,
}

impl LedgerClaim {
    /// The claim's anchor on its story page (`claim-N`).
    pub fn anchor(&self) -> String {
        format!("claim-{}", self.number)
    }
}

/// An outlet stating a claim, and how the claim stands for that outlet.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutletClaim {
    /// The outlet.
    pub source: SourceId,
    /// `agreed` when at least one report of another outlet, independent of this outlet's reports
    /// stating it (not a copy of the same report), states it too; `disputed` when the claim is
    /// disputed; `single_source` otherwise (agreed in the story only among this outlet's own
    /// reports, or stated by one report only).
    pub standing: ClaimStanding,
}

/// How a claim of the ledger stands: the ledger's three kinds.
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
pub enum ClaimStanding {
    /// Stated by two or more independent reports.
    Agreed,
    /// Stated with incompatible values by independent reports.
    Disputed,
    /// Stated by one independent report only.
    SingleSource,
}

impl ClaimStanding {
    /// The label used in the API ("agreed", "disputed", "single_source").
    pub fn label(self) -> &'static str {
        match self {
            ClaimStanding::Agreed => "agreed",
            ClaimStanding::Disputed => "disputed",
            ClaimStanding::SingleSource => "single_source",
        }
    }
}

/// What one article in another language adds to its story, without a translator: each of its
/// first sentences, aligned by embedding similarity with the most similar sentence of the
/// articles in the readers' language, or marked as its own.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ArticleGist {
    /// The article.
    pub article: ArticleId,
    /// Its language.
    pub language: String,
    /// The readers' language it was compared with.
    pub reader_language: String,
    /// The embedding model that aligned it.
    pub model: String,
    /// Its sentences, in order.
    pub sentences: Vec<GistSentence>,
}

/// One sentence of an [`ArticleGist`].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct GistSentence {
    /// The sentence as written.
    pub text: String,
    /// The readers'-language sentence saying the same, when one is similar enough; `None`: the
    /// sentence is the article's own.
    pub also_in: Option<GistMatch>,
}

/// A readers'-language sentence aligned with a sentence in another language.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct GistMatch {
    /// The article it is in.
    pub article: ArticleId,
    /// The sentence.
    pub sentence: String,
    /// Cosine similarity of the two sentences' embeddings.
    pub similarity: f32,
}

/// One entity of a story, as entity pages list it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EntityRef {
    /// The key every spelling variant shares ("zelenski"): the entity page's address.
    pub key: String,
    /// The display name in this story.
    pub name: String,
    /// "person", "place", "organisation" or "unknown".
    pub kind: String,
    /// Every spelling seen in this story, most frequent first.
    pub variants: Vec<String>,
    /// Articles of the story mentioning it.
    pub articles: usize,
    /// Mentions over all of them.
    pub mentions: usize,
}

/// Articles and outlets of one country in a story.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CountrySources {
    /// ISO 3166-1 alpha-2 code (upper case), or "unknown".
    pub country: String,
    /// Articles.
    pub articles: usize,
    /// Distinct outlets.
    pub sources: usize,
}

/// Outlets with one bias rating in a story.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BiasSources {
    /// The rating as given, lower case ("left", "lean right", ...), or "unrated".
    pub label: String,
    /// Distinct outlets.
    pub sources: usize,
}

/// A story with its digest, as listing pages read them.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DigestedStory {
    /// The story's id.
    pub story: StoryId,
    /// Its headline now.
    pub title: String,
    /// When it last changed.
    pub last_updated: DateTime<Utc>,
    /// Its digest (possibly made before the last change: compare `story_updated`).
    pub digest: StoryDigest,
}

impl DigestedStory {
    /// Whether the digest was made from the story as it is now.
    pub fn is_current(&self) -> bool {
        self.digest.story_updated >= self.last_updated
    }
}

/// One story mentioning an entity, as its entity page lists it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EntityStory {
    /// The story.
    pub story: StoryId,
    /// Its headline now.
    pub title: String,
    /// When it last changed.
    pub last_updated: DateTime<Utc>,
    /// The entity as this story names it.
    pub entity: EntityRef,
}
