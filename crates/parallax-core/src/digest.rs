//! Story digests: what pages across stories need of each story, kept up to date by a pass over
//! the stories that changed (`parallax_intel::digest`), stored beside the story.
//!
//! A story page computes its claim ledger, perspectives and timeline from its articles when it is
//! shown. Pages that list many stories — an entity's stories, the blindspot feeds, the story list's
//! count of independent reports — cannot read every article of every story, so each story gets a
//! digest: its entities, the outlets per country and per bias rating, and its number of independent
//! reports. A digest records the story's `last_updated` it was made from; a story updated since
//! has a stale digest until the next pass rebuilds it ([`crate::Store::stale_digests`]).

use crate::{ArticleId, StoryId};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

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
}

/// What one article in another language adds to its story, without a translator: each of its
/// first sentences, aligned by embedding similarity with the most similar sentence of the
/// articles in the readers' language, or marked as its own.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
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
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct GistSentence {
    /// The sentence as written.
    pub text: String,
    /// The readers'-language sentence saying the same, when one is similar enough; `None`: the
    /// sentence is the article's own.
    pub also_in: Option<GistMatch>,
}

/// A readers'-language sentence aligned with a sentence in another language.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
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
