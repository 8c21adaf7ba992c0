use crate::{ArticleId, SourceId};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// One news article, extracted and cleaned.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Article {
    /// Stable id (see [`ArticleId`]).
    pub id: ArticleId,
    /// The outlet that published it.
    pub source: SourceId,
    /// The URL it was fetched from; `None` for a local file with no known URL.
    pub url: Option<String>,
    /// The canonical URL the page declares (or the URL itself, cleaned).
    pub canonical_url: Option<String>,
    /// Headline.
    pub title: String,
    /// Byline, when found.
    pub byline: Option<String>,
    /// Publication time, with where it was found; `None` means undated (shown as such).
    pub published: Option<PublishedTime>,
    /// ISO 639-1 language code, when identified.
    pub language: Option<String>,
    /// Clean body paragraphs, boilerplate removed.
    pub paragraphs: Vec<String>,
    /// Hex SHA-256 of the normalised title and body: two documents with the same hash are the same.
    pub content_hash: String,
    /// When we fetched or imported it.
    pub fetched_at: DateTime<Utc>,
    /// Where the document came from (a path or URL), for messages.
    pub origin: String,
    /// Problems met while extracting it, in words a person understands.
    pub warnings: Vec<String>,
    /// Other articles the page quotes (an aggregator's list of coverage, related articles with
    /// their leads), kept apart from its own text: see [`Excerpt`].
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub excerpts: Vec<Excerpt>,
}

/// Another article quoted on a page: its title and the text the page shows of it (a lead or
/// snippet), as written there. Not the page's own text — never part of its paragraphs, summary or
/// content hash — but a report of its own: the claim ledger counts it as a separate source whose
/// outlet the page does not name, and cites it as an excerpt quoted on the page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Excerpt {
    /// The quoted article's title as the page gives it.
    pub title: String,
    /// The text the page shows of it (complete sentences only).
    pub text: String,
}

impl Article {
    /// Title and body as one text, paragraphs separated by blank lines.
    pub fn full_text(&self) -> String {
        let mut s = String::with_capacity(self.title.len() + 2 + self.body_len());
        s.push_str(&self.title);
        for p in &self.paragraphs {
            s.push_str("\n\n");
            s.push_str(p);
        }
        s
    }

    /// The body as one text.
    pub fn body(&self) -> String {
        self.paragraphs.join("\n\n")
    }

    fn body_len(&self) -> usize {
        self.paragraphs.iter().map(|p| p.len() + 2).sum()
    }
}

/// A publication time and how sure we are of it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PublishedTime {
    /// The time (UTC). When only a day is known it is midnight UTC of that day.
    pub at: DateTime<Utc>,
    /// Where it was found.
    pub found: DateFound,
    /// 0.0 to 1.0.
    pub confidence: f32,
}

/// Where a publication time was found.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DateFound {
    /// schema.org JSON-LD `datePublished`.
    JsonLd,
    /// OpenGraph / `<meta>` tags (`article:published_time`, `date`, ...).
    Meta,
    /// An HTML `<time datetime>` element.
    TimeElement,
    /// A date in the URL path (`/2025/07/03/`).
    Url,
    /// A date written in the visible text or a "date" line of a text file.
    Text,
    /// A feed entry's date.
    Feed,
    /// Given by the input data (JSON Lines field).
    Input,
}
