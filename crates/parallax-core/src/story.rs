use crate::{ArticleId, RatingKind, StoryId};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// A story as lists rank and show it: its record, and its independent reports when its digest is
/// up to date with it (`None` otherwise: the count may lag the story).
#[derive(Clone, Debug, PartialEq)]
pub struct ListedStory {
    /// The story.
    pub story: Story,
    /// Independent reports among its articles (wire copies and rewrites of one report count once).
    pub independent_reports: Option<usize>,
}

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
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
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
    /// Of the articles counted in `countries` under a country, those whose outlet's country is
    /// only inferred from what it covers (GDELT), not known as its home: a guess, shown as one.
    #[serde(default)]
    #[schema(required = true)]
    pub countries_inferred: usize,
    /// The same articles per country (ISO code), with their share of all the articles: which
    /// entries of `countries` are partly or wholly inferred.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub inferred_countries: Vec<Tally>,
    /// Per provider and kind of rating, the story's sources by the rating an operator imported
    /// from that provider ([`crate::ProvidedRating`]); sources it does not rate are counted under
    /// "unrated". Only providers rating at least one of the story's sources are listed.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ratings: Vec<RatingDistribution>,
    /// Articles per category of the section their outlet filed them under (keys of
    /// [`crate::CATEGORIES`], or [`crate::OTHER_SECTION`] for a section that names none), with
    /// their share of all the articles; articles whose section is not known are not counted.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sections: Vec<Tally>,
}

/// A story's sources by the ratings of one provider (see [`Coverage::ratings`]).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct RatingDistribution {
    /// Who rated ("idiap-reliability", "wikipedia-perennial", ...).
    pub provider: String,
    /// What is rated.
    pub kind: RatingKind,
    /// The licence the ratings are used under and the credit it asks for (the first one given
    /// among the ratings counted).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub licence: Option<String>,
    /// Whether any rating counted is an estimate computed by a method rather than an editorial
    /// judgement.
    #[serde(default)]
    #[schema(required = true)]
    pub estimate: bool,
    /// How numeric scores were put into the labels, when they were ("scores from -1 to 1: low
    /// below -0.2, ..."); `None` when the labels are the provider's own.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub scale: Option<String>,
    /// Sources per label, "unrated" for the story's sources without a rating from this provider.
    pub tallies: Vec<Tally>,
}

/// A label and a count, with its share of the total.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Tally {
    /// Label ("US", "en", "left", "unrated", ...).
    pub label: String,
    /// Count.
    pub count: usize,
    /// Share of the total, 0.0 to 1.0.
    pub share: f64,
}
