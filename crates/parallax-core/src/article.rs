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
    /// How its outlet ([`Article::source`]) was established, with the evidence kept so that it can
    /// be established again when the registry or the outlet directory changes.
    #[serde(default)]
    pub attribution: Attribution,
    /// The section its outlet filed it under, as the outlet names it (the page's
    /// `article:section` or JSON-LD `articleSection`, else the feed entry's first category);
    /// `None` when neither says. See [`crate::section_category`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub section: Option<String>,
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
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct PublishedTime {
    /// The time (UTC). When only a day is known it is midnight UTC of that day.
    pub at: DateTime<Utc>,
    /// Where it was found.
    pub found: DateFound,
    /// 0.0 to 1.0.
    pub confidence: f32,
}

/// Where a publication time was found.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
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

/// How an article's outlet was established, and the evidence it was established from.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attribution {
    /// Which evidence decided; `None` when the outlet is unknown.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub method: Option<AttributionMethod>,
    /// Everything the document said about its outlet.
    #[serde(default)]
    pub evidence: AttributionEvidence,
}

/// What a document said about its outlet, besides its URL and canonical URL (kept on the
/// article itself). Kept whole, so that attribution is a pure function of it and of the
/// registry and directory of the day.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttributionEvidence {
    /// The registry source whose feed delivered the document (crawled articles).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub feed_source: Option<crate::SourceId>,
    /// The outlet name the operator gave for the import (`parallax import --source`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub given_source: Option<String>,
    /// The outlet name a JSON Lines record gave (`source`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub record_source: Option<String>,
    /// The outlet's country a JSON Lines record gave (`country`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub record_country: Option<String>,
    /// The outlet's bias rating a JSON Lines record gave (`bias`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub record_bias: Option<String>,
    /// The site name an HTML page declares (`og:site_name`, JSON-LD publisher).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub site_name: Option<String>,
    /// Short stand-alone lines at the head of a plain-text page, where a masthead names its
    /// outlet ("Ukrinform").
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub masthead: Vec<String>,
    /// The masthead lines that the page names again elsewhere in its text ("As Ukrinform
    /// reports"): a masthead line decides the outlet only when the page repeats it, so that a
    /// section label ("Sport", "Opinion") never does.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub masthead_in_text: Vec<String>,
    /// The credit at the start of a plain-text page's first paragraph ("(MENAFN)",
    /// "KYIV (Reuters) -"): the name inside it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credit: Option<String>,
}

/// Which evidence established an article's outlet, in the order of trust.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AttributionMethod {
    /// The registry source whose feed delivered it.
    Feed,
    /// The operator's `--source` for the import.
    Given,
    /// The JSON Lines record's `source` field.
    Record,
    /// The site of the page's URL or canonical URL.
    Url,
    /// The site name the HTML page declares (no URL known).
    SiteName,
    /// A plain-text page's masthead naming a known outlet.
    Masthead,
    /// A plain-text page's credit line naming a known outlet or domain.
    Credit,
}

impl AttributionMethod {
    /// The lower-case label used in the API and the UI.
    pub fn label(self) -> &'static str {
        match self {
            AttributionMethod::Feed => "feed",
            AttributionMethod::Given => "given",
            AttributionMethod::Record => "record",
            AttributionMethod::Url => "url",
            AttributionMethod::SiteName => "site_name",
            AttributionMethod::Masthead => "masthead",
            AttributionMethod::Credit => "credit",
        }
    }

    /// In words, for pages and the terminal.
    pub fn describe(self) -> &'static str {
        match self {
            AttributionMethod::Feed => "the feed that delivered it",
            AttributionMethod::Given => "the outlet named for the import (--source)",
            AttributionMethod::Record => "the outlet named in the imported record",
            AttributionMethod::Url => "the site of its address",
            AttributionMethod::SiteName => "the site name the page declares",
            AttributionMethod::Masthead => "the masthead of the page",
            AttributionMethod::Credit => "the credit line of the page",
        }
    }
}
