//! HTML and plain-text pages to clean article text, metadata and warnings.
//!
//! - [`decode_html`]: bytes to text (HTTP charset, BOM, `<meta charset>`, detection).
//! - [`extract_html`]: main text through `dom_smoothie` (a port of Readability.js, chosen by
//!   measurement: see `MEASUREMENTS.md`), cleaned of page furniture; metadata (title, byline,
//!   publication time with its provenance, canonical URL, site name, language) read from the same
//!   `dom_query` tree before Readability takes it (one parse per page).
//! - [`extract_text`]: plain-text pages with their navigation, promotions and related-link lists
//!   removed by general line rules.
//!
//! Architecture invariant: pure functions, no IO, no panics on any input. Problems with the input
//! are reported as warnings in words a person understands, never as errors.
#![warn(missing_docs)]

mod clean;
mod dates;
mod decode;
mod html;
mod inert;
pub use inert::strip_inert;
mod masthead;
pub use masthead::{Masthead, masthead};
mod text;
mod urls;

pub use dates::{find_dates, parse_date, url_date};
pub use decode::MAX_PAGE_BYTES;
pub use urls::clean_url;

/// The most characters of a plain-text page that are read.
pub const MAX_TEXT_CHARS: usize = 10_000_000;

/// What extraction found in one page.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Extracted {
    /// Best headline ("" when none was found; then a warning says so).
    pub title: String,
    /// Byline, when found.
    pub byline: Option<String>,
    /// Publication time, with where it was found and how sure we are.
    pub published: Option<parallax_core::PublishedTime>,
    /// `<link rel=canonical>`, else `og:url`, else the page URL; resolved against the page URL,
    /// tracking parameters (`utm_*`, `fbclid`, `gclid`, ...) and fragment removed.
    pub canonical_url: Option<String>,
    /// `og:site_name` or the JSON-LD publisher's name.
    pub site_name: Option<String>,
    /// ISO 639-1 code: declared by the page when it says, else detected from the body.
    pub language: Option<String>,
    /// Clean main-content paragraphs: text only, no markup.
    pub paragraphs: Vec<String>,
    /// Problems met, in words a person understands.
    pub warnings: Vec<String>,
    /// Other articles the page quotes with their text (an aggregator's coverage list, related
    /// articles with their leads), kept out of `paragraphs`. Plain-text pages only for now.
    pub excerpts: Vec<parallax_core::Excerpt>,
    /// The section the page says it was filed under (`article:section`, JSON-LD
    /// `articleSection`, ...), cleaned ([`parallax_core::clean_section`]).
    pub section: Option<String>,
}

/// Decodes page bytes to text: charset from a BOM, the HTTP header value (if given), `<meta
/// charset>`/`http-equiv`, else detection (chardetng). Never fails; warnings say what was wrong (a
/// declaration the bytes contradict, undecodable bytes, a page cut at [`MAX_PAGE_BYTES`]).
pub fn decode_html(bytes: &[u8], header_charset: Option<&str>) -> (String, Vec<String>) {
    decode::decode_html(bytes, header_charset)
}

/// Full extraction of an HTML page (decodes it itself). `url` is the page URL when known: it
/// resolves relative links and may carry a date.
pub fn extract_html(bytes: &[u8], url: Option<&str>, header_charset: Option<&str>) -> Extracted {
    html::extract(bytes, url, header_charset)
}

/// Clean article text from a plain-text page: title, body paragraphs, the date of a `date ...`
/// line, with navigation, promotions, subscription prompts and related-link lists removed.
pub fn extract_text(text: &str) -> Extracted {
    text::extract(text)
}

/// Language of the body, when it can be told.
pub(crate) fn detect_lang(paragraphs: &[String]) -> Option<String> {
    let mut sample = String::new();
    for p in paragraphs {
        if sample.len() > 2000 {
            break;
        }
        sample.push_str(p);
        sample.push('\n');
    }
    parallax_text::detect_language(&sample)
        .filter(|l| *l != "und")
        .map(str::to_string)
}
