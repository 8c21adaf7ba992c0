//! HTML pages: one parse with `dom_query`; metadata read from the tree first, then the same tree
//! handed to `dom_smoothie` (Readability) for the main text.

use crate::clean::{clean_paragraphs, normalize_space};
use crate::dates::{find_dates, local_day_instant, parse_date_local, plausible, url_date};
use crate::urls::clean_url;
use crate::{Extracted, decode_html, detect_lang};
use chrono::{DateTime, Duration, Timelike, Utc};
use dom_query::{Document, Matcher, NodeRef};
use parallax_core::{DateFound, PublishedTime};
use serde_json::Value;
use std::sync::LazyLock;

fn sel(s: &str) -> Matcher {
    // Every selector here is a literal that parses; a failure would be a bug caught by the tests.
    Matcher::new(s).unwrap_or_else(|_| Matcher::new("*").expect("universal selector"))
}

static META: LazyLock<Matcher> = LazyLock::new(|| sel("meta"));
static LINK: LazyLock<Matcher> = LazyLock::new(|| sel("link[href]"));
static A_AUTHOR: LazyLock<Matcher> = LazyLock::new(|| sel("a[rel~=author]"));
static TITLE: LazyLock<Matcher> = LazyLock::new(|| sel("title"));
static H1: LazyLock<Matcher> = LazyLock::new(|| sel("h1"));
static HTML_EL: LazyLock<Matcher> = LazyLock::new(|| sel("html"));
static LD_JSON: LazyLock<Matcher> = LazyLock::new(|| sel(r#"script[type="application/ld+json"]"#));
static LD_DATE_PUBLISHED: LazyLock<regex::Regex> = LazyLock::new(|| {
    regex::Regex::new(r#""datePublished"\s*:\s*"([^"]{6,40})""#).expect("static regex")
});
static TIME_EL: LazyLock<Matcher> = LazyLock::new(|| sel("time[datetime]"));
static ITEMPROP_DATE: LazyLock<Matcher> = LazyLock::new(|| sel(r#"[itemprop="datePublished"]"#));
static ITEMPROP_AUTHOR: LazyLock<Matcher> = LazyLock::new(|| sel(r#"[itemprop="author"]"#));
static DATE_CLASS: LazyLock<Matcher> = LazyLock::new(|| {
    sel(r#"[class*="date"], [class*="Date"], [class*="publish"], [class*="time"], [id*="date"]"#)
});
static PARA_FALLBACK: LazyLock<Matcher> =
    LazyLock::new(|| sel("article p, main p, [role=main] p, body p, pre, blockquote"));

/// The meta tags that state a publication time, most trusted first.
const DATE_META: &[&str] = &[
    "article:published_time",
    "og:published_time",
    "og:article:published_time",
    "datepublished",
    "publishdate",
    "publish-date",
    "publish_date",
    "published_time",
    "published-date",
    "pubdate",
    "parsely-pub-date",
    "sailthru.date",
    "dc.date.issued",
    "dc.date",
    "dcterms.date",
    "dcterms.created",
    "dc.date.created",
    "citation_publication_date",
    "citation_date",
    "date",
    "article.published",
    "article_date_original",
    "original-publish-date",
    "cxenseparse:recs:publishtime",
    "displaydate",
    "timestamp",
    "sort_date",
    "created",
];

/// Meta tags, keyed by lower-cased `name`, `property` or `itemprop`, in document order.
struct Metas(Vec<(String, String)>);

impl Metas {
    fn get(&self, key: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, v)| k == key && !v.trim().is_empty())
            .map(|(_, v)| v.as_str())
    }
}

fn metas(doc: &Document) -> Metas {
    let mut out = Vec::new();
    for el in doc.select_matcher(&META).nodes() {
        let key = el
            .attr("property")
            .or_else(|| el.attr("name"))
            .or_else(|| el.attr("itemprop"))
            .or_else(|| el.attr("http-equiv"));
        if let (Some(k), Some(v)) = (key, el.attr("content")) {
            out.push((k.trim().to_ascii_lowercase(), v.trim().to_string()));
        }
    }
    Metas(out)
}

/// What the page's JSON-LD says about the article.
#[derive(Default)]
struct LdInfo {
    headline: Option<String>,
    date: Option<String>,
    author: Option<String>,
    publisher: Option<String>,
    section: Option<String>,
}

fn ld_types(v: &Value) -> Vec<String> {
    match v.get("@type") {
        Some(Value::String(s)) => vec![s.clone()],
        Some(Value::Array(a)) => a
            .iter()
            .filter_map(|x| x.as_str().map(str::to_string))
            .collect(),
        _ => Vec::new(),
    }
}

fn is_article_type(types: &[String]) -> bool {
    types.iter().any(|t| {
        let t = t.to_ascii_lowercase();
        t.contains("article")
            || t.contains("posting")
            || t == "report"
            || t == "webpage"
            || t == "creativework"
    })
}

fn ld_objects<'a>(v: &'a Value, out: &mut Vec<&'a Value>, depth: usize) {
    if depth > 8 {
        return;
    }
    match v {
        Value::Array(a) => a.iter().for_each(|x| ld_objects(x, out, depth + 1)),
        Value::Object(o) => {
            out.push(v);
            if let Some(g) = o.get("@graph") {
                ld_objects(g, out, depth + 1);
            }
            if let Some(m) = o.get("mainEntity") {
                ld_objects(m, out, depth + 1);
            }
        }
        _ => {}
    }
}

fn person_names(v: &Value) -> Vec<String> {
    match v {
        Value::String(s) => vec![s.clone()],
        Value::Array(a) => a.iter().flat_map(person_names).collect(),
        Value::Object(o) => o
            .get("name")
            .and_then(Value::as_str)
            .map(|s| vec![s.to_string()])
            .unwrap_or_default(),
        _ => Vec::new(),
    }
}

fn str_field(v: &Value, key: &str) -> Option<String> {
    match v.get(key)? {
        Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_string()),
        Value::Array(a) => a
            .iter()
            .find_map(|x| x.as_str().map(|s| s.trim().to_string())),
        _ => None,
    }
}

fn json_ld(doc: &Document) -> LdInfo {
    let mut info = LdInfo::default();
    let mut values = Vec::new();
    let mut fallback_date: Option<String> = None;
    for s in doc.select_matcher(&LD_JSON).nodes() {
        let raw = s.text();
        let raw = raw.trim();
        let raw = raw
            .trim_start_matches("//<![CDATA[")
            .trim_start_matches("<![CDATA[")
            .trim_end_matches("//]]>")
            .trim_end_matches("]]>")
            .trim()
            .trim_end_matches(';');
        // Values one after another, or one followed by stray text (an extra closing brace),
        // are read up to the first error.
        for v in serde_json::Deserializer::from_str(raw).into_iter::<Value>() {
            match v {
                Ok(v) => values.push(v),
                Err(_) => {
                    // A broken block can still state its publication time plainly.
                    if fallback_date.is_none() {
                        fallback_date = LD_DATE_PUBLISHED
                            .captures(raw)
                            .and_then(|c| c.get(1))
                            .map(|m| m.as_str().to_string());
                    }
                    break;
                }
            }
        }
    }
    let mut objects = Vec::new();
    for v in &values {
        ld_objects(v, &mut objects, 0);
    }
    // Article-typed objects first, then anything with the field.
    let (articles, others): (Vec<&Value>, Vec<&Value>) = objects
        .into_iter()
        .partition(|o| is_article_type(&ld_types(o)));
    for o in articles.iter().chain(others.iter()) {
        let article = is_article_type(&ld_types(o));
        if info.headline.is_none() && article {
            info.headline = str_field(o, "headline");
        }
        if info.section.is_none() && article {
            info.section = str_field(o, "articleSection");
        }
        if info.date.is_none() {
            info.date = str_field(o, "datePublished").or_else(|| {
                if article {
                    str_field(o, "dateCreated")
                } else {
                    None
                }
            });
        }
        if info.author.is_none()
            && let Some(a) = o.get("author")
        {
            let names: Vec<String> = person_names(a)
                .into_iter()
                .map(|n| normalize_space(&n))
                .filter(|n| !n.is_empty() && !n.starts_with("http"))
                .collect();
            if !names.is_empty() {
                info.author = Some(names.join(", "));
            }
        }
        if info.publisher.is_none()
            && let Some(p) = o.get("publisher")
        {
            info.publisher = person_names(p).into_iter().next();
        }
    }
    if info.date.is_none() {
        info.date = fallback_date;
    }
    info
}

fn element_text(e: &NodeRef<'_>) -> String {
    normalize_space(&e.text())
}

/// `<title>` without the site's name: "Headline | Site", "Headline - Site", "Site: Headline".
fn strip_site_suffix(title: &str, site: Option<&str>) -> String {
    let t = normalize_space(title);
    if let Some(site) = site.map(str::trim).filter(|s| !s.is_empty()) {
        for sep in [" | ", " - ", " – ", " — ", " :: ", " · ", " • "] {
            if let Some(rest) = t.strip_suffix(&format!("{sep}{site}")) {
                return rest.trim().to_string();
            }
            if let Some(rest) = t.strip_prefix(&format!("{site}{sep}")) {
                return rest.trim().to_string();
            }
        }
    }
    for sep in [" | ", " – ", " — ", " - ", " :: ", " · ", " • "] {
        if let Some(i) = t.rfind(sep) {
            let (head, tail) = (&t[..i], &t[i + sep.len()..]);
            // The part after the last separator is short: a site name.
            if tail.split_whitespace().count() <= 4 && head.split_whitespace().count() >= 3 {
                return head.trim().to_string();
            }
        }
    }
    t
}

fn language_code(raw: &str) -> Option<String> {
    let primary = raw
        .trim()
        .split(['-', '_', ','])
        .next()?
        .trim()
        .to_ascii_lowercase();
    if (2..=3).contains(&primary.len()) && primary.bytes().all(|b| b.is_ascii_lowercase()) {
        Some(primary)
    } else {
        None
    }
}

struct DateCandidate {
    at: DateTime<Utc>,
    found: DateFound,
    confidence: f32,
}

/// The date candidates the tree and the URL give, most trusted first, read before Readability
/// changes the tree; the rejected ones (future, or before 1995) as quoted strings.
fn date_candidates(
    doc: &Document,
    metas: &Metas,
    ld: &LdInfo,
    url: Option<&str>,
    now: DateTime<Utc>,
) -> (Vec<DateCandidate>, Vec<String>) {
    let mut candidates: Vec<DateCandidate> = Vec::new();
    let mut rejected: Vec<String> = Vec::new();
    let mut consider = |raw: &str, found: DateFound, confidence: f32| {
        if let Some(at) = parse_date_local(raw).map(local_day_instant) {
            if plausible(at, now) {
                candidates.push(DateCandidate {
                    at,
                    found,
                    confidence,
                });
            } else {
                rejected.push(format!("{raw:?}"));
            }
        }
    };
    if let Some(d) = &ld.date {
        consider(d, DateFound::JsonLd, 0.95);
    }
    for key in DATE_META {
        if let Some(v) = metas.get(key) {
            consider(v, DateFound::Meta, 0.9);
        }
    }
    for e in doc.select_matcher(&ITEMPROP_DATE).nodes() {
        if let Some(v) = e.attr("content").or_else(|| e.attr("datetime")) {
            consider(&v, DateFound::Meta, 0.85);
        }
    }
    for e in doc.select_matcher(&TIME_EL).nodes().iter().take(20) {
        if let Some(v) = e.attr("datetime") {
            let pub_hint =
                e.has_attr("pubdate") || e.attr("class").is_some_and(|c| c.contains("publish"));
            consider(&v, DateFound::TimeElement, if pub_hint { 0.8 } else { 0.7 });
        }
    }
    if let Some(u) = url
        && let Some(at) = url_date(u)
        && plausible(at, now)
    {
        candidates.push(DateCandidate {
            at,
            found: DateFound::Url,
            confidence: 0.6,
        });
    }
    // Visible text: elements whose class says "date", then the top of the article.
    if candidates.is_empty() {
        for e in doc.select_matcher(&DATE_CLASS).nodes().iter().take(30) {
            let t = element_text(e);
            if t.len() > 200 {
                continue;
            }
            if let Some(f) = find_dates(&t).into_iter().find(|f| plausible(f.at, now)) {
                candidates.push(DateCandidate {
                    at: f.local_day_at(),
                    found: DateFound::Text,
                    confidence: 0.45,
                });
                break;
            }
        }
    }
    (candidates, rejected)
}

/// The publication time: the best of the tree's candidates, else a date at the top of the text.
fn pick_date(
    (mut candidates, rejected): (Vec<DateCandidate>, Vec<String>),
    body_head: &str,
    now: DateTime<Utc>,
    warnings: &mut Vec<String>,
) -> Option<PublishedTime> {
    if candidates.is_empty()
        && let Some(f) = find_dates(body_head)
            .into_iter()
            .find(|f| plausible(f.at, now))
    {
        candidates.push(DateCandidate {
            at: f.local_day_at(),
            found: DateFound::Text,
            confidence: 0.3,
        });
    }
    if candidates.is_empty() && !rejected.is_empty() {
        warnings.push(format!(
            "publication dates found but rejected as in the future or before 1995: {}",
            rejected.join(", ")
        ));
    }
    let best = candidates.first()?;
    let mut at = best.at;
    let mut confidence = best.confidence;
    // A day in the URL is set by the site when it publishes; a stated time a day off from it and
    // within six hours of midnight was written in another zone (often UTC for a site west of
    // Greenwich), so the URL's day stands.
    if let Some(u) = candidates.iter().find(|c| c.found == DateFound::Url)
        && best.found != DateFound::Url
    {
        let (url_day, day) = (u.at.date_naive(), at.date_naive());
        let hour = at.hour();
        let near_boundary = (day > url_day && hour < 6) || (day < url_day && hour >= 18);
        if (day - url_day).num_days().abs() == 1 && near_boundary {
            let start = u.at;
            at = if day > url_day {
                start + Duration::days(1) - Duration::seconds(1)
            } else {
                start
            };
        }
    }
    // A URL date or JSON-LD that disagrees by more than two days lowers the confidence.
    let disagree = candidates
        .iter()
        .skip(1)
        .filter(|c| {
            matches!(
                c.found,
                DateFound::Url | DateFound::Meta | DateFound::JsonLd
            )
        })
        .any(|c| (c.at - at).num_days().abs() > 2);
    if disagree {
        confidence *= 0.7;
        warnings
            .push("the page states different publication dates; took the most trusted one".into());
    }
    Some(PublishedTime {
        at,
        found: best.found,
        confidence,
    })
}

/// Page parts that are never article text, removed before Readability looks at the page.
/// Each was measured on the scrapinghub set (see `MEASUREMENTS.md`); none lowers F1.
static PRE_REMOVE: LazyLock<Matcher> = LazyLock::new(|| {
    sel(
        "figure, figcaption, [class*=caption], [class*=credit], aside, nav, footer, time, \
    [class*=related], [class*=share], [class*=social], [class*=newsletter], [class*=byline], \
    [class*=timestamp], [class*=tags], [class*=comment], [id*=comment], [class*=recommend], \
    [class*=popular], [class*=trending]",
    )
});

/// Main text through Readability, which takes (and changes) the parsed page; `None` when it finds
/// nothing.
fn readability_text(doc: Document, html: &str, url: Option<&str>) -> Option<String> {
    let cfg = dom_smoothie::Config {
        text_mode: dom_smoothie::TextMode::Formatted,
        ..Default::default()
    };
    let url = url.filter(|u| u.starts_with("http://") || u.starts_with("https://"));
    doc.select_matcher(&PRE_REMOVE).remove();
    let mut r = dom_smoothie::Readability::with_document(doc, url, Some(cfg.clone()))
        .or_else(|_| dom_smoothie::Readability::new(html, None, Some(cfg)))
        .ok()?;
    let article = r.parse().ok()?;
    Some(article.text_content.to_string())
}

/// Paragraph-level fallback: the text of `<p>` elements outside navigation and footers.
fn fallback_paragraphs(doc: &Document) -> Vec<String> {
    let mut out = Vec::new();
    for p in doc.select_matcher(&PARA_FALLBACK).nodes() {
        let in_chrome = p.ancestors_it(None).any(|a| {
            matches!(
                a.node_name().as_deref(),
                Some(
                    "nav"
                        | "footer"
                        | "header"
                        | "aside"
                        | "script"
                        | "style"
                        | "noscript"
                        | "form"
                )
            )
        });
        if in_chrome {
            continue;
        }
        let t = element_text(p);
        if t.chars().count() >= 40 && !out.contains(&t) {
            out.push(t);
        }
    }
    out
}

fn split_paragraphs(text: &str) -> Vec<String> {
    text.lines()
        .map(normalize_space)
        .filter(|l| !l.is_empty())
        .collect()
}

/// Full extraction of an HTML page; see [`crate::extract_html`].
pub fn extract(bytes: &[u8], url: Option<&str>, header_charset: Option<&str>) -> Extracted {
    let (html, mut warnings) = decode_html(bytes, header_charset);
    // Scripts, style sheets, SVG and comments never hold article text: cut before parsing.
    let html = crate::inert::strip_inert(&html);
    // One parse. Everything read from the tree is read first: Readability then takes the tree and
    // removes page parts (`time`, bylines) the metadata comes from.
    let doc = Document::from(html.as_ref());
    let now = Utc::now();
    let metas = metas(&doc);
    let ld = json_ld(&doc);

    // Site name, title, byline.
    let site_name = metas
        .get("og:site_name")
        .map(normalize_space)
        .or_else(|| ld.publisher.as_deref().map(normalize_space))
        .or_else(|| metas.get("application-name").map(normalize_space))
        .filter(|s| !s.is_empty());
    let first_text = |m: &Matcher| {
        doc.select_single_matcher(m)
            .nodes()
            .first()
            .map(element_text)
    };
    let title_tag = first_text(&TITLE)
        .map(|t| strip_site_suffix(&t, site_name.as_deref()))
        .filter(|t| !t.is_empty());
    let title = ld
        .headline
        .as_deref()
        .map(normalize_space)
        .or_else(|| {
            metas
                .get("og:title")
                .map(|t| strip_site_suffix(t, site_name.as_deref()))
        })
        .or_else(|| {
            metas
                .get("twitter:title")
                .map(|t| strip_site_suffix(t, site_name.as_deref()))
        })
        .or(title_tag)
        .or_else(|| first_text(&H1))
        .map(|t| crate::clean::strip_artifacts(&t))
        .filter(|t| !t.is_empty())
        .unwrap_or_default();
    if title.is_empty() {
        warnings.push("no title found".to_string());
    }
    let byline = ld
        .author
        .clone()
        .or_else(|| {
            [
                "author",
                "article:author",
                "byl",
                "dc.creator",
                "parsely-author",
                "sailthru.author",
            ]
            .iter()
            .filter_map(|k| metas.get(k))
            .map(normalize_space)
            .find(|a| !a.is_empty() && !a.contains("://") && a.len() < 200)
        })
        .or_else(|| {
            let itemprop = doc.select_matcher(&ITEMPROP_AUTHOR);
            let rel = doc.select_matcher(&A_AUTHOR);
            itemprop
                .nodes()
                .iter()
                .chain(rel.nodes())
                .map(element_text)
                .find(|a| !a.is_empty() && a.len() < 120)
        })
        .map(|a| {
            let a = a.trim();
            a.strip_prefix("By ")
                .or_else(|| a.strip_prefix("by "))
                .unwrap_or(a)
                .trim()
                .to_string()
        });

    // Canonical URL: rel=canonical, og:url, else the page URL itself; all cleaned.
    let canonical_href = doc
        .select_matcher(&LINK)
        .nodes()
        .iter()
        .find(|l| {
            l.attr("rel").is_some_and(|r| {
                r.split_whitespace()
                    .any(|x| x.eq_ignore_ascii_case("canonical"))
            })
        })
        .and_then(|l| l.attr("href"));
    let canonical_url = canonical_href
        .and_then(|h| clean_url(&h, url))
        .or_else(|| metas.get("og:url").and_then(|h| clean_url(h, url)))
        .or_else(|| url.and_then(|u| clean_url(u, None)));

    // Language as declared; detected from the body below when the page declares none.
    let declared_lang = doc
        .select_single_matcher(&HTML_EL)
        .nodes()
        .first()
        .and_then(|h| h.attr("lang").or_else(|| h.attr("xml:lang")))
        .and_then(|l| language_code(&l))
        .or_else(|| metas.get("content-language").and_then(language_code))
        .or_else(|| metas.get("og:locale").and_then(language_code))
        .or_else(|| metas.get("language").and_then(language_code));

    let dates = date_candidates(&doc, &metas, &ld, url, now);

    // The section the outlet filed it under: Open Graph's, JSON-LD's, then the common tags.
    let section = [
        "article:section",
        "og:article:section",
        "section",
        "parsely-section",
        "sailthru.section",
        "articlesection",
    ]
    .iter()
    .find_map(|k| metas.get(k).and_then(parallax_core::clean_section))
    .or_else(|| ld.section.as_deref().and_then(parallax_core::clean_section));

    // Main text: Readability takes the tree.
    let mut paragraphs = readability_text(doc, &html, url)
        .map(|t| split_paragraphs(&t))
        .unwrap_or_default();
    let main_chars: usize = paragraphs.iter().map(|p| p.chars().count()).sum();
    if main_chars < 200 {
        // Rare: the page is parsed again, untouched, for its paragraphs.
        let fb = fallback_paragraphs(&Document::from(html.as_ref()));
        let fb_chars: usize = fb.iter().map(|p| p.chars().count()).sum();
        if fb_chars > main_chars * 2 {
            paragraphs = fb;
        }
    }
    let paragraphs = clean_paragraphs(paragraphs);
    if paragraphs.is_empty() {
        warnings.push("no main text found".to_string());
    }

    let body_head: String = paragraphs
        .iter()
        .take(3)
        .cloned()
        .collect::<Vec<_>>()
        .join("\n");
    let language = declared_lang.or_else(|| detect_lang(&paragraphs));
    let published = pick_date(dates, &body_head, now, &mut warnings);

    Extracted {
        title,
        byline: byline.filter(|b| !b.is_empty()),
        published,
        canonical_url,
        site_name,
        language,
        paragraphs,
        warnings,
        excerpts: Vec::new(),
        section,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn title_suffix() {
        assert_eq!(
            strip_site_suffix("Putin and Trump talk for an hour | The Daily", None),
            "Putin and Trump talk for an hour"
        );
        assert_eq!(
            strip_site_suffix("Daily News - Putin and Trump talk", Some("Daily News")),
            "Putin and Trump talk"
        );
        assert_eq!(strip_site_suffix("Well - done", None), "Well - done");
    }

    #[test]
    fn lang_codes() {
        assert_eq!(language_code("en-US").as_deref(), Some("en"));
        assert_eq!(language_code("ru_RU").as_deref(), Some("ru"));
        assert_eq!(language_code("x").as_deref(), None);
    }
}
