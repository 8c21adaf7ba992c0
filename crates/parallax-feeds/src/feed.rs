//! Body preparation, sniffing, feed-rs glue and the entry collector shared with sitemaps.

use std::collections::HashMap;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::LazyLock;

use feed_rs::model::{Entry, Feed, FeedType, Link};
use feed_rs::parser::{ParseErrorKind, ParseFeedError};
use quick_xml::Reader;
use quick_xml::events::Event;
use regex::Regex;

use crate::decode::{
    decode_to_string, fix_prolog, maybe_gunzip, repair_xml, skip_leading_junk, trim_body,
};
use crate::text::{CONTENT_SUMMARY_CHARS, non_empty, plain_text, plain_text_truncated};
use crate::{FeedEntry, FeedError, FeedKind, ParsedFeed, canonical_url, sitemap};

pub(crate) const HTML_PAGE: &str = "an HTML page, not a feed";

/// A body decoded to UTF-8 and classified by its first character.
pub(crate) enum Body {
    /// Starts with `{`.
    Json(String),
    /// Starts with `<`; already repaired by [`repair_xml`].
    Xml(String),
}

/// Inflates, decodes, trims and classifies a body.
pub(crate) fn prepare(bytes: &[u8], warnings: &mut Vec<String>) -> Result<Body, FeedError> {
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(FeedError::NotAFeed("an empty body".to_owned()));
    }
    let inflated = maybe_gunzip(bytes)?;
    let text = decode_to_string(&inflated, warnings);
    let trimmed = trim_body(&text);
    if trimmed.is_empty() {
        return Err(FeedError::NotAFeed("an empty body".to_owned()));
    }
    let trimmed = skip_leading_junk(trimmed, warnings);
    match trimmed.as_bytes()[0] {
        b'{' => Ok(Body::Json(trimmed.to_owned())),
        b'<' => Ok(Body::Xml(repair_xml(&fix_prolog(trimmed)))),
        b'[' if serde_json::from_str::<serde_json::Value>(trimmed).is_ok() => Err(
            FeedError::NotAFeed("a JSON array, not a JSON Feed".to_owned()),
        ),
        _ => Err(FeedError::NotAFeed(describe_non_markup(trimmed))),
    }
}

fn describe_non_markup(s: &str) -> String {
    let total = s.chars().take(2048).count().max(1);
    let odd = s
        .chars()
        .take(2048)
        .filter(|&c| c == '\u{fffd}' || (c.is_control() && !c.is_whitespace()))
        .count();
    if odd * 10 > total {
        "binary data, not a feed".to_owned()
    } else {
        "plain text, not a feed".to_owned()
    }
}

/// The root element of an XML document.
pub(crate) struct Root {
    /// Local name, as written (case kept).
    pub(crate) name: String,
    /// The `version` attribute, if any.
    pub(crate) version: Option<String>,
}

fn looks_like_html(xml: &str) -> bool {
    let mut end = xml.len().min(2048);
    while !xml.is_char_boundary(end) {
        end -= 1;
    }
    let head = xml[..end].to_ascii_lowercase();
    head.contains("<!doctype html") || head.contains("<html") || head.contains("<head>")
}

/// Finds the root element, reporting HTML pages and malformed prologs.
pub(crate) fn find_root(xml: &str) -> Result<Root, FeedError> {
    let mut reader = Reader::from_str(xml);
    loop {
        match reader.read_event() {
            Ok(Event::Start(e)) | Ok(Event::Empty(e)) => {
                let name = String::from_utf8_lossy(e.local_name().as_ref().as_bytes()).into_owned();
                if matches!(
                    name.to_ascii_lowercase().as_str(),
                    "html" | "head" | "body" | "div" | "p" | "span" | "table" | "meta" | "title"
                ) {
                    return Err(FeedError::NotAFeed(HTML_PAGE.to_owned()));
                }
                let version = e
                    .attributes()
                    .flatten()
                    .find(|a| a.key.local_name().as_ref() == "version")
                    .map(|a| {
                        a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
                            .map(|v| v.into_owned())
                            .unwrap_or_default()
                    });
                return Ok(Root { name, version });
            }
            Ok(Event::DocType(d)) => {
                if d.trim_start().to_ascii_lowercase().starts_with("html") {
                    return Err(FeedError::NotAFeed(HTML_PAGE.to_owned()));
                }
            }
            Ok(Event::Eof) => {
                return Err(FeedError::NotAFeed(
                    "an XML document without any element".to_owned(),
                ));
            }
            Ok(Event::Text(t)) if !t.trim().is_empty() => {
                return Err(FeedError::NotAFeed(if looks_like_html(xml) {
                    HTML_PAGE.to_owned()
                } else {
                    "text outside any XML element, not a feed".to_owned()
                }));
            }
            Ok(_) => {}
            Err(e) => {
                if looks_like_html(xml) {
                    return Err(FeedError::NotAFeed(HTML_PAGE.to_owned()));
                }
                return Err(FeedError::Malformed(format!(
                    "the XML is not well-formed near byte {}: {e}",
                    reader.error_position()
                )));
            }
        }
    }
}

pub(crate) fn parse(bytes: &[u8], feed_url: &str) -> Result<ParsedFeed, FeedError> {
    let mut warnings = Vec::new();
    let feed_base = canonical_url(feed_url, None);
    match prepare(bytes, &mut warnings)? {
        Body::Json(json) => parse_json_feed(&json, feed_base.as_deref(), warnings),
        Body::Xml(xml) => {
            let root = find_root(&xml)?;
            match root.name.to_ascii_lowercase().as_str() {
                "rss" => {
                    let xml = fix_rss_version(&xml, root.version.as_deref(), &mut warnings);
                    run_and_convert(&xml, feed_base.as_deref(), false, warnings)
                }
                "rdf" => run_and_convert(&xml, feed_base.as_deref(), false, warnings),
                "feed" | "entry" => run_and_convert(&xml, feed_base.as_deref(), true, warnings),
                "urlset" => sitemap::parse_sitemap(&xml, feed_base.as_deref(), false, warnings),
                "sitemapindex" => {
                    sitemap::parse_sitemap(&xml, feed_base.as_deref(), true, warnings)
                }
                "opml" => Err(FeedError::NotAFeed(
                    "an OPML subscription list, not a feed (use parse_opml)".to_owned(),
                )),
                "channel" => Err(FeedError::NotAFeed(
                    "an RSS <channel> without the <rss> root element".to_owned(),
                )),
                _ => Err(FeedError::NotAFeed(format!(
                    "an XML document with root element <{}>, not a feed",
                    root.name.chars().take(64).collect::<String>()
                ))),
            }
        }
    }
}

static RSS_TAG: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"<rss\b[^>]*>").expect("valid regex"));
static VERSION_ATTR: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r#"\s+version\s*=\s*("[^"]*"|'[^']*')"#).expect("valid regex"));
static XML_BASE_ATTR: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r#"\s+xml:base\s*=\s*("[^"]*"|'[^']*')"#).expect("valid regex"));

/// feed-rs only accepts `<rss>` with version 2.0, 0.91, 0.92 or empty: rewrite anything else.
fn fix_rss_version(xml: &str, version: Option<&str>, warnings: &mut Vec<String>) -> String {
    if matches!(version, Some("2.0" | "0.91" | "0.92" | "")) {
        return xml.to_owned();
    }
    let Some(m) = RSS_TAG.find(xml) else {
        return xml.to_owned();
    };
    match version {
        Some(v) => warnings.push(format!(
            "feed declares RSS version \"{}\"; parsed as RSS 2.0",
            v.chars().take(32).collect::<String>()
        )),
        None => warnings.push("feed declares no RSS version; parsed as RSS 2.0".to_owned()),
    }
    let tag = m.as_str();
    let without = VERSION_ATTR.replace_all(&tag[4..], "");
    format!(
        "{}<rss version=\"2.0\"{}{}",
        &xml[..m.start()],
        without,
        &xml[m.end()..]
    )
}

fn run_feed_rs(body: &str, base: Option<&str>) -> Result<Feed, ParseFeedError> {
    let parser = feed_rs::parser::Builder::new()
        .base_uri(base)
        .id_generator(|_, _, _| String::new())
        .sanitize_content(false)
        .build();
    match catch_unwind(AssertUnwindSafe(|| parser.parse(body.as_bytes()))) {
        Ok(r) => r,
        Err(_) => Err(ParseFeedError::ParseError(ParseErrorKind::IllegalState {
            position: 0,
            reference: "the feed parser crashed on this input".to_owned(),
        })),
    }
}

fn map_error(e: ParseFeedError) -> FeedError {
    match e {
        ParseFeedError::ParseError(ParseErrorKind::NoFeedRoot) => {
            FeedError::NotAFeed("a document without a recognisable feed root element".to_owned())
        }
        ParseFeedError::ParseError(kind) => {
            FeedError::Malformed(format!("the feed structure is invalid: {kind}"))
        }
        ParseFeedError::XmlReader(x) => {
            FeedError::Malformed(format!("the XML is not well-formed: {x}"))
        }
        ParseFeedError::JsonSerde(j) => FeedError::Malformed(format!(
            "the JSON does not have the shape of a JSON Feed: {j}"
        )),
        ParseFeedError::JsonUnsupportedVersion(v) => {
            FeedError::Malformed(format!("unsupported JSON Feed version {v:?}"))
        }
        ParseFeedError::IoError(io) => {
            FeedError::Malformed(format!("could not read the body: {io}"))
        }
    }
}

/// Runs feed-rs on an XML feed. `atom`: relative links resolve against `xml:base`, then the feed
/// URL (the document's own URL, as the Atom spec says); otherwise (RSS, RDF) against the channel's
/// `<link>` first, since RSS feeds are often served from another host than their site.
/// Like [`map_error`], for documents whose feed root element was already recognised: feed-rs
/// reports an unreadable root (e.g. a broken attribute) as "no feed root".
fn map_xml_error(e: ParseFeedError) -> FeedError {
    match e {
        ParseFeedError::ParseError(ParseErrorKind::NoFeedRoot) => FeedError::Malformed(
            "the feed's root element could not be read (broken attributes or namespaces?)"
                .to_owned(),
        ),
        other => map_error(other),
    }
}

fn run_and_convert(
    xml: &str,
    feed_url: Option<&str>,
    atom: bool,
    mut warnings: Vec<String>,
) -> Result<ParsedFeed, FeedError> {
    let base = if atom { feed_url } else { None };
    let feed = match run_feed_rs(xml, base) {
        Ok(f) => f,
        Err(first) if xml.contains("xml:base") => {
            // An unparsable xml:base makes feed-rs reject the whole document: drop them and retry.
            let stripped = XML_BASE_ATTR.replace_all(xml, "");
            match run_feed_rs(&stripped, base) {
                Ok(f) => {
                    warnings.push("feed has an invalid xml:base; it was ignored".to_owned());
                    f
                }
                Err(_) => return Err(map_xml_error(first)),
            }
        }
        Err(e) => return Err(map_xml_error(e)),
    };
    Ok(convert(feed, feed_url, atom, warnings))
}

fn parse_json_feed(
    json: &str,
    base: Option<&str>,
    mut warnings: Vec<String>,
) -> Result<ParsedFeed, FeedError> {
    let mut value: serde_json::Value = serde_json::from_str(json)
        .map_err(|e| FeedError::Malformed(format!("the body is not valid JSON: {e}")))?;
    let Some(obj) = value.as_object_mut() else {
        return Err(FeedError::NotAFeed(
            "a JSON document, not a JSON Feed".to_owned(),
        ));
    };
    let version = obj
        .get("version")
        .and_then(|v| v.as_str())
        .map(str::to_owned);
    let is_json_feed = version
        .as_deref()
        .is_some_and(|v| v.contains("jsonfeed.org"))
        || obj.get("items").is_some_and(|i| i.is_array());
    if !is_json_feed {
        return Err(FeedError::NotAFeed(
            "a JSON document, not a JSON Feed".to_owned(),
        ));
    }
    if !version
        .as_deref()
        .is_some_and(|v| v.starts_with("https://jsonfeed.org/version/1"))
    {
        if !version
            .as_deref()
            .is_some_and(|v| v.starts_with("http://jsonfeed.org/version/1"))
        {
            warnings.push(format!(
                "feed declares JSON Feed version {:?}; parsed as JSON Feed 1.1",
                version.as_deref().unwrap_or("(none)")
            ));
        }
        obj.insert(
            "version".to_owned(),
            serde_json::Value::String("https://jsonfeed.org/version/1.1".to_owned()),
        );
    }
    if !obj.get("items").is_some_and(|i| i.is_array()) {
        obj.insert("items".to_owned(), serde_json::Value::Array(Vec::new()));
    }
    let patched = value.to_string();
    let feed = run_feed_rs(&patched, None).map_err(map_error)?;
    Ok(convert(feed, base, false, warnings))
}

const NON_ARTICLE_RELS: &[&str] = &[
    "self",
    "edit",
    "edit-media",
    "enclosure",
    "replies",
    "license",
    "hub",
    "first",
    "last",
    "next",
    "previous",
    "payment",
    "via",
];

/// Picks the article link: `rel="alternate"`, then no rel, then any non-technical rel.
fn pick_link(links: &[Link]) -> Option<&str> {
    let plain = |l: &&Link| l.target.is_none() && !l.href.trim().is_empty();
    links
        .iter()
        .filter(plain)
        .find(|l| {
            l.rel
                .as_deref()
                .is_some_and(|r| r.eq_ignore_ascii_case("alternate"))
        })
        .or_else(|| links.iter().filter(plain).find(|l| l.rel.is_none()))
        .or_else(|| {
            links.iter().filter(plain).find(|l| {
                l.rel
                    .as_deref()
                    .is_some_and(|r| !NON_ARTICLE_RELS.contains(&r.to_ascii_lowercase().as_str()))
            })
        })
        .map(|l| l.href.as_str())
}

fn site_link(feed: &Feed) -> Option<String> {
    pick_link(&feed.links).and_then(|l| canonical_url(l, None))
}

fn convert(
    feed: Feed,
    feed_url: Option<&str>,
    feed_url_first: bool,
    mut warnings: Vec<String>,
) -> ParsedFeed {
    let kind = match feed.feed_type {
        FeedType::Atom => FeedKind::Atom,
        FeedType::JSON => FeedKind::JsonFeed,
        FeedType::RSS1 => FeedKind::Rdf,
        FeedType::RSS0 | FeedType::RSS2 => FeedKind::Rss,
    };
    let base = if feed_url_first {
        feed_url.map(str::to_owned).or_else(|| site_link(&feed))
    } else {
        site_link(&feed).or_else(|| feed_url.map(str::to_owned))
    };
    let feed_language = feed.language.as_deref().and_then(non_empty);
    let feed_category = first_category(&feed.categories);
    let mut collector = Collector::default();
    for entry in &feed.entries {
        collector.add(entry_url(entry, base.as_deref()), || {
            let mut e = convert_entry(entry, feed_language.as_deref());
            e.category = e.category.or_else(|| feed_category.clone());
            e
        });
    }
    let entries = collector.finish(&mut warnings, "entry", "entries", "link");
    ParsedFeed {
        kind,
        title: feed.title.as_ref().and_then(|t| plain_text(&t.content)),
        entries,
        sitemaps: Vec::new(),
        warnings,
    }
}

/// The outcome of looking for an entry's URL.
pub(crate) enum UrlOutcome {
    /// A canonical absolute URL.
    Found(String),
    /// No link at all.
    Missing,
    /// A link that is not (resolvable to) an absolute http(s) URL.
    Unusable(String),
}

fn entry_url(entry: &Entry, base: Option<&str>) -> UrlOutcome {
    let entry_base = entry
        .base
        .as_deref()
        .and_then(|b| canonical_url(b, base))
        .or_else(|| base.map(str::to_owned));
    if let Some(href) = pick_link(&entry.links) {
        return match canonical_url(href, entry_base.as_deref()) {
            Some(u) => UrlOutcome::Found(u),
            None => UrlOutcome::Unusable(href.trim().to_owned()),
        };
    }
    // RSS items without <link> often carry their permalink in <guid>.
    let id = entry.id.trim();
    if (id.starts_with("http://") || id.starts_with("https://"))
        && let Some(u) = canonical_url(id, None)
    {
        return UrlOutcome::Found(u);
    }
    UrlOutcome::Missing
}

/// The first category with a readable name (its label, else its term), as plain text.
fn first_category(categories: &[feed_rs::model::Category]) -> Option<String> {
    categories.iter().find_map(|c| {
        c.label
            .as_deref()
            .and_then(plain_text)
            .or_else(|| plain_text(&c.term))
            .filter(|t| !t.contains("://"))
    })
}

fn convert_entry(entry: &Entry, feed_language: Option<&str>) -> FeedEntry {
    let summary = entry
        .summary
        .as_ref()
        .and_then(|t| plain_text(&t.content))
        .or_else(|| {
            entry
                .content
                .as_ref()
                .and_then(|c| c.body.as_deref())
                .and_then(|b| plain_text_truncated(b, CONTENT_SUMMARY_CHARS))
        });
    FeedEntry {
        url: String::new(),
        title: entry.title.as_ref().and_then(|t| plain_text(&t.content)),
        summary,
        published: entry.published.or(entry.updated),
        id: non_empty(&entry.id),
        language: entry
            .language
            .as_deref()
            .and_then(non_empty)
            .or_else(|| feed_language.map(str::to_owned)),
        category: first_category(&entry.categories),
    }
}

/// Collects entries: skips and counts linkless ones, deduplicates by canonical URL (first wins,
/// gaps filled from repeats), and turns all of it into warnings.
#[derive(Default)]
pub(crate) struct Collector {
    entries: Vec<FeedEntry>,
    index: HashMap<String, usize>,
    counts: Vec<usize>,
    missing: usize,
    unusable: usize,
    unusable_example: Option<String>,
}

impl Collector {
    /// Adds one entry; `make` builds it (its `url` is overwritten) only when the URL is usable.
    pub(crate) fn add(&mut self, url: UrlOutcome, make: impl FnOnce() -> FeedEntry) {
        let url = match url {
            UrlOutcome::Found(u) => u,
            UrlOutcome::Missing => {
                self.missing += 1;
                return;
            }
            UrlOutcome::Unusable(raw) => {
                self.unusable += 1;
                if self.unusable_example.is_none() {
                    self.unusable_example = Some(raw.chars().take(100).collect());
                }
                return;
            }
        };
        let mut entry = make();
        if let Some(&i) = self.index.get(&url) {
            self.counts[i] += 1;
            let kept = &mut self.entries[i];
            kept.title = kept.title.take().or(entry.title);
            kept.summary = kept.summary.take().or(entry.summary);
            kept.published = kept.published.or(entry.published);
            kept.id = kept.id.take().or(entry.id);
            kept.language = kept.language.take().or(entry.language);
            return;
        }
        entry.url = url.clone();
        self.index.insert(url, self.entries.len());
        self.entries.push(entry);
        self.counts.push(1);
    }

    /// Finishes, appending warnings. `one`/`many` name the items, `link` their link element.
    pub(crate) fn finish(
        self,
        warnings: &mut Vec<String>,
        one: &str,
        many: &str,
        link: &str,
    ) -> Vec<FeedEntry> {
        let noun = |n: usize| if n == 1 { one } else { many };
        let verb = |n: usize| if n == 1 { "was" } else { "were" };
        if self.missing > 0 {
            warnings.push(format!(
                "{} {} had no {link} and {} skipped",
                self.missing,
                noun(self.missing),
                verb(self.missing)
            ));
        }
        if self.unusable > 0 {
            warnings.push(format!(
                "{} {} had a {link} that is not an absolute http(s) URL and {} skipped (e.g. {:?})",
                self.unusable,
                noun(self.unusable),
                verb(self.unusable),
                self.unusable_example.unwrap_or_default()
            ));
        }
        let repeated: Vec<(usize, &str)> = self
            .counts
            .iter()
            .zip(&self.entries)
            .filter(|(c, _)| **c > 1)
            .map(|(c, e)| (*c, e.url.as_str()))
            .collect();
        for (count, url) in repeated.iter().take(10) {
            warnings.push(format!("{one} repeated {count} times: {url}"));
        }
        if repeated.len() > 10 {
            warnings.push(format!(
                "... and {} more repeated {many}",
                repeated.len() - 10
            ));
        }
        self.entries
    }
}
