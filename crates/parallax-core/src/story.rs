use crate::{ArticleId, StoryId};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// A news story: the articles that report one event, and what we say about them.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Story {
    /// Stable id.
    pub id: StoryId,
    /// Headline chosen for the story.
    pub title: String,
    /// Summary bullets; each one is a sentence taken from the articles, citing them.
    pub summary: Vec<Bullet>,
    /// Coverage details.
    pub coverage: Coverage,
    /// Member articles, oldest first.
    pub articles: Vec<ArticleId>,
    /// When Parallax first saw the story.
    pub first_seen: DateTime<Utc>,
    /// When the story last changed.
    pub last_updated: DateTime<Utc>,
}

/// One summary bullet.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Bullet {
    /// The sentence, as written in the article it was taken from.
    pub text: String,
    /// Every article that states it; the first is the one the text was taken from.
    pub citations: Vec<ArticleId>,
}

/// Coverage details of a story.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Coverage {
    /// Number of articles.
    pub articles: usize,
    /// Number of distinct known sources.
    pub sources: usize,
    /// Articles whose source is unknown (imported files with no outlet).
    pub unknown_source_articles: usize,
    /// Articles per country (ISO code; "unknown" for unknown).
    pub countries: Vec<Tally>,
    /// Articles per language (ISO 639-1; "unknown" for unidentified).
    pub languages: Vec<Tally>,
    /// Sources per bias rating; unrated sources are counted under "unrated".
    pub bias: Vec<Tally>,
    /// Sources per ownership type; unknown under "unknown".
    pub ownership: Vec<Tally>,
    /// Earliest publication time among the articles, if any is dated.
    pub first_published: Option<DateTime<Utc>>,
    /// Latest publication time among the articles, if any is dated.
    pub last_published: Option<DateTime<Utc>>,
    /// Articles without a publication time.
    pub undated_articles: usize,
}

/// A label and a count, with its share of the total.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Tally {
    /// Label ("US", "en", "left", "unrated", ...).
    pub label: String,
    /// Count.
    pub count: usize,
    /// Share of the total, 0.0 to 1.0.
    pub share: f64,
}
