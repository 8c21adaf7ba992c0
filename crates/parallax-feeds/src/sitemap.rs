//! Hand-written sitemap parsing (`urlset` incl. Google News, `sitemapindex`) on quick-xml.
//! Namespaces are handled loosely: elements are matched by local name and by their parent.

use std::collections::HashSet;

use quick_xml::Reader;
use quick_xml::events::{BytesRef, Event};

use crate::feed::{Collector, UrlOutcome};
use crate::text::{non_empty, parse_date, plain_text};
use crate::{FeedEntry, FeedError, FeedKind, ParsedFeed, canonical_url};

/// Resolves a character or predefined entity reference; anything else is kept as written.
pub(crate) fn resolve_ref(r: &BytesRef<'_>) -> String {
    if let Ok(Some(c)) = r.resolve_char_ref() {
        return c.to_string();
    }
    let name: &str = r;
    match quick_xml::escape::resolve_predefined_entity(name) {
        Some(s) => s.to_owned(),
        None => format!("&{name};"),
    }
}

pub(crate) fn local_lower(qname: &str) -> String {
    qname
        .rsplit(':')
        .next()
        .unwrap_or(qname)
        .to_ascii_lowercase()
}

#[derive(Default)]
struct UrlRecord {
    loc: Option<String>,
    lastmod: Option<String>,
    news_title: Option<String>,
    news_date: Option<String>,
    news_language: Option<String>,
}

/// Parses an already repaired sitemap document; `index` selects `sitemapindex` semantics.
pub(crate) fn parse_sitemap(
    xml: &str,
    base: Option<&str>,
    index: bool,
    mut warnings: Vec<String>,
) -> Result<ParsedFeed, FeedError> {
    let mut reader = Reader::from_str(xml);
    let mut stack: Vec<String> = Vec::new();
    let mut text = String::new();
    let mut current: Option<UrlRecord> = None;
    let mut collector = Collector::default();
    let mut sitemaps: Vec<String> = Vec::new();
    let mut seen_sitemaps: HashSet<String> = HashSet::new();
    let mut sitemap_loc: Option<String> = None;
    let mut in_sitemap = false;
    let mut sitemaps_missing = 0usize;
    let mut sitemaps_bad = 0usize;
    let mut sitemaps_repeated = 0usize;

    loop {
        let event = match reader.read_event() {
            Ok(ev) => ev,
            Err(e) => {
                return Err(FeedError::Malformed(format!(
                    "the sitemap XML is not well-formed near byte {}: {e}",
                    reader.error_position()
                )));
            }
        };
        match event {
            Event::Start(e) => {
                let name = local_lower(e.name().as_ref());
                let parent = stack.last().map(String::as_str);
                if name == "url" && parent == Some("urlset") {
                    current = Some(UrlRecord::default());
                } else if name == "sitemap" && parent == Some("sitemapindex") {
                    in_sitemap = true;
                    sitemap_loc = None;
                }
                stack.push(name);
                text.clear();
            }
            Event::Text(t) => text.push_str(&t.xml10_content()),
            Event::CData(t) => text.push_str(&t.xml10_content()),
            Event::GeneralRef(r) => text.push_str(&resolve_ref(&r)),
            Event::End(_) => {
                let name = stack.pop().unwrap_or_default();
                let parent = stack.last().map(String::as_str);
                let value = std::mem::take(&mut text);
                match (name.as_str(), parent) {
                    ("loc", Some("url")) => {
                        if let Some(c) = current.as_mut() {
                            c.loc = non_empty(&value);
                        }
                    }
                    ("lastmod", Some("url")) => {
                        if let Some(c) = current.as_mut() {
                            c.lastmod = non_empty(&value);
                        }
                    }
                    ("title", Some("news")) => {
                        if let Some(c) = current.as_mut() {
                            c.news_title = Some(value);
                        }
                    }
                    ("publication_date", Some("news")) => {
                        if let Some(c) = current.as_mut() {
                            c.news_date = non_empty(&value);
                        }
                    }
                    ("language", Some("publication")) => {
                        if let Some(c) = current.as_mut() {
                            c.news_language = non_empty(&value);
                        }
                    }
                    ("url", Some("urlset")) => {
                        if let Some(rec) = current.take() {
                            add_record(&mut collector, rec, base);
                        }
                    }
                    ("loc", Some("sitemap")) if in_sitemap => sitemap_loc = non_empty(&value),
                    ("sitemap", Some("sitemapindex")) => {
                        in_sitemap = false;
                        match sitemap_loc.take() {
                            None => sitemaps_missing += 1,
                            Some(loc) => match canonical_url(&loc, base) {
                                None => sitemaps_bad += 1,
                                Some(u) => {
                                    if seen_sitemaps.insert(u.clone()) {
                                        sitemaps.push(u);
                                    } else {
                                        sitemaps_repeated += 1;
                                    }
                                }
                            },
                        }
                    }
                    _ => {}
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if !stack.is_empty() {
        let root = if index { "sitemapindex" } else { "urlset" };
        warnings.push(format!(
            "the sitemap ends before its closing </{root}>; it may be truncated"
        ));
        if let Some(rec) = current.take() {
            add_record(&mut collector, rec, base);
        }
    }
    let entries = collector.finish(&mut warnings, "<url>", "<url> elements", "<loc>");
    if index {
        if sitemaps_missing > 0 {
            warnings.push(format!(
                "{sitemaps_missing} <sitemap> elements had no <loc> and were skipped"
            ));
        }
        if sitemaps_bad > 0 {
            warnings.push(format!(
                "{sitemaps_bad} <sitemap> elements had a <loc> that is not an absolute http(s) URL and were skipped"
            ));
        }
        if sitemaps_repeated > 0 {
            warnings.push(if sitemaps_repeated == 1 {
                "1 repeated child sitemap was dropped".to_owned()
            } else {
                format!("{sitemaps_repeated} repeated child sitemaps were dropped")
            });
        }
        if sitemaps.is_empty() {
            warnings.push("the sitemap index lists no sitemaps".to_owned());
        }
    }
    Ok(ParsedFeed {
        kind: if index {
            FeedKind::SitemapIndex
        } else {
            FeedKind::Sitemap
        },
        title: None,
        entries,
        sitemaps,
        warnings,
    })
}

fn add_record(collector: &mut Collector, rec: UrlRecord, base: Option<&str>) {
    let outcome = match rec.loc.as_deref() {
        None => UrlOutcome::Missing,
        Some(loc) => match canonical_url(loc, base) {
            Some(u) => UrlOutcome::Found(u),
            None => UrlOutcome::Unusable(loc.to_owned()),
        },
    };
    collector.add(outcome, || FeedEntry {
        url: String::new(),
        title: rec.news_title.as_deref().and_then(plain_text),
        summary: None,
        published: rec
            .news_date
            .as_deref()
            .and_then(parse_date)
            .or_else(|| rec.lastmod.as_deref().and_then(parse_date)),
        id: None,
        language: rec.news_language,
        category: None,
    });
}
