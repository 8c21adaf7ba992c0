//! Pure parsing of syndication feeds (RSS 0.9x / 1.0 (RDF) / 2.0, Atom, JSON Feed), XML sitemaps
//! (`urlset` with Google News extensions, `sitemapindex`) and OPML subscription lists.
//!
//! Invariants, for every public function of this crate:
//!
//! * **Pure**: no IO of any kind (no network, no filesystem, no clock); bytes in, values out.
//! * **Never panics**, whatever the input: broken, hostile or binary bodies give a [`FeedError`]
//!   (or a [`ParsedFeed`] with `warnings`), never a panic. Gzip bodies are inflated with a hard
//!   cap ([`MAX_INFLATED_BYTES`]).
//! * **Output URLs are absolute and canonical**: every [`FeedEntry::url`] and every
//!   [`ParsedFeed::sitemaps`] entry is an absolute `http(s)` URL that went through
//!   [`canonical_url`], so `canonical_url(u, None) == Some(u)` holds for them.
//!
//! Recovery is preferred to rejection: wrong or missing charsets, BOMs, leading junk, HTML
//! entities such as `&nbsp;` in XML, bare `&`, stray `]]>` and missing RSS versions are repaired,
//! and what was repaired is reported in [`ParsedFeed::warnings`].
#![warn(missing_docs)]

mod decode;
mod feed;
mod opml;
mod sitemap;
mod text;
mod urls;

use chrono::{DateTime, Utc};

pub use decode::MAX_INFLATED_BYTES;
pub use opml::{OpmlOutline, parse_opml, write_opml};
pub use urls::{canonical_url, is_tracking_param};

/// The format a body was recognised as.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FeedKind {
    /// RSS 0.91 / 0.92 / 2.0 (`<rss>` root).
    Rss,
    /// Atom 1.0 (`<feed>` root, or a lone `<entry>` document).
    Atom,
    /// JSON Feed 1.0 / 1.1.
    JsonFeed,
    /// RSS 0.90 / 1.0 (`<rdf:RDF>` root).
    Rdf,
    /// An XML sitemap (`<urlset>`), possibly with Google News extensions.
    Sitemap,
    /// A sitemap index (`<sitemapindex>`) listing child sitemaps.
    SitemapIndex,
}

/// One article link found in a feed or sitemap.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedEntry {
    /// Absolute, canonical `http(s)` URL (see [`canonical_url`]); relative links are resolved
    /// against `xml:base`, the feed URL, or the feed's own `<link>`.
    pub url: String,
    /// Plain-text title (HTML tags stripped, entities decoded, whitespace collapsed).
    pub title: Option<String>,
    /// Plain-text summary (no markup). Falls back to the start of the entry's content when the
    /// feed gives no summary.
    pub summary: Option<String>,
    /// Publication time, else update time. Sitemaps: `news:publication_date`, else `lastmod`.
    pub published: Option<DateTime<Utc>>,
    /// The entry's `guid` / `id`, when the feed gives one.
    pub id: Option<String>,
    /// `news:language`, the entry's language or the feed's language, when given.
    pub language: Option<String>,
    /// The entry's first category (RSS `<category>`, Atom `<category label|term>`), else the
    /// feed's: for most news feeds the section the article was filed under.
    pub category: Option<String>,
}

/// The result of [`parse_feed`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedFeed {
    /// What the body was recognised as.
    pub kind: FeedKind,
    /// The feed's plain-text title (`None` for sitemaps).
    pub title: Option<String>,
    /// Entries, deduplicated by canonical URL, in feed order (first occurrence wins; missing
    /// fields are filled from later repeats).
    pub entries: Vec<FeedEntry>,
    /// For a sitemap index: the child sitemap URLs (absolute, canonical, deduplicated).
    pub sitemaps: Vec<String>,
    /// Human-readable notes about what was skipped or repaired.
    pub warnings: Vec<String>,
}

/// Why a body could not be parsed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FeedError {
    /// The body is not a feed; the payload says what it looks like instead
    /// (e.g. "an HTML page, not a feed", "an empty body").
    #[error("not a feed: {0}")]
    NotAFeed(String),
    /// The body looks like a feed but cannot be parsed; the payload is the reason in plain words.
    #[error("malformed feed: {0}")]
    Malformed(String),
    /// A compressed body inflates to more than [`MAX_INFLATED_BYTES`] (likely a decompression bomb).
    #[error("body too large: {0}")]
    TooLarge(String),
}

/// Parses a feed or sitemap body fetched from `feed_url`.
///
/// Sniffs RSS 0.9x / 1.0 (RDF) / 2.0, Atom, JSON Feed, sitemap `urlset` and `sitemapindex`;
/// inflates gzip bodies; decodes any declared or detected charset to UTF-8. `feed_url` is used to
/// resolve relative links; it may be empty or invalid, in which case the feed's own `<link>` is
/// used as a base where possible.
///
/// Never panics.
pub fn parse_feed(bytes: &[u8], feed_url: &str) -> Result<ParsedFeed, FeedError> {
    feed::parse(bytes, feed_url)
}
