//! OPML subscription lists: reading (nested outlines, categories from parents) and writing.

use std::collections::HashSet;

use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};

use crate::FeedError;
use crate::feed::{Body, find_root, prepare};
use crate::sitemap::local_lower;

/// One feed subscription in an OPML file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpmlOutline {
    /// The outline's `title` (else its `text`), when non-empty.
    pub title: Option<String>,
    /// The feed URL (`xmlUrl`), trimmed; never empty.
    pub xml_url: String,
    /// The site URL (`htmlUrl`), when given.
    pub html_url: Option<String>,
    /// The nearest enclosing outline's `text` (else `title`); for a top-level outline, the first
    /// entry of its `category` attribute, when given.
    pub category: Option<String>,
    /// The outline's `language` attribute, when given.
    pub language: Option<String>,
}

struct Attrs {
    text: Option<String>,
    title: Option<String>,
    xml_url: Option<String>,
    html_url: Option<String>,
    category: Option<String>,
    language: Option<String>,
}

fn non_empty(s: String) -> Option<String> {
    let t = s.trim();
    if t.is_empty() {
        None
    } else if t.len() == s.len() {
        Some(s)
    } else {
        Some(t.to_owned())
    }
}

fn read_attrs(e: &BytesStart<'_>) -> Attrs {
    let mut a = Attrs {
        text: None,
        title: None,
        xml_url: None,
        html_url: None,
        category: None,
        language: None,
    };
    for attr in e.attributes().with_checks(false).flatten() {
        let key = local_lower(attr.key.as_ref());
        let value = match attr.normalized_value(quick_xml::XmlVersion::Implicit1_0) {
            Ok(v) => v.into_owned(),
            Err(_) => attr.value.clone().into_owned(),
        };
        let value = non_empty(value);
        match key.as_str() {
            "text" => a.text = value,
            "title" => a.title = value,
            "xmlurl" => a.xml_url = value,
            "htmlurl" => a.html_url = value,
            "category" => a.category = value,
            "language" => a.language = value,
            _ => {}
        }
    }
    a
}

/// Parses an OPML document into its feed outlines, in document order.
///
/// Outlines are read at any depth; an outline without `xmlUrl` is a folder whose `text` becomes
/// the `category` of the feeds nested in it. Outlines repeating an earlier `xmlUrl` are dropped.
/// Accepts the same damaged input as [`crate::parse_feed`] (charsets, BOMs, HTML entities, gzip).
/// Never panics.
pub fn parse_opml(bytes: &[u8]) -> Result<Vec<OpmlOutline>, FeedError> {
    let mut warnings = Vec::new();
    let xml = match prepare(bytes, &mut warnings)? {
        Body::Json(_) => {
            return Err(FeedError::NotAFeed(
                "a JSON document, not an OPML file".to_owned(),
            ));
        }
        Body::Xml(xml) => xml,
    };
    let root = find_root(&xml)?;
    if !root.name.eq_ignore_ascii_case("opml") {
        return Err(FeedError::NotAFeed(format!(
            "an XML document with root element <{}>, not an OPML file",
            root.name.chars().take(64).collect::<String>()
        )));
    }

    let mut reader = Reader::from_str(&xml);
    // One slot per open <outline>: its folder name, if any.
    let mut folders: Vec<Option<String>> = Vec::new();
    let mut out = Vec::new();
    let mut seen = HashSet::new();
    loop {
        let event = match reader.read_event() {
            Ok(ev) => ev,
            Err(e) => {
                return Err(FeedError::Malformed(format!(
                    "the OPML is not well-formed near byte {}: {e}",
                    reader.error_position()
                )));
            }
        };
        let (start, is_empty) = match &event {
            Event::Start(e) => (e, false),
            Event::Empty(e) => (e, true),
            Event::End(e) => {
                if local_lower(e.name().as_ref()) == "outline" {
                    folders.pop();
                }
                continue;
            }
            Event::Eof => break,
            _ => continue,
        };
        if local_lower(start.name().as_ref()) != "outline" {
            continue;
        }
        let a = read_attrs(start);
        let label = a.text.clone().or_else(|| a.title.clone());
        if let Some(xml_url) = a.xml_url {
            let category = folders.iter().rev().find_map(|f| f.clone()).or_else(|| {
                a.category.as_deref().and_then(|c| {
                    let first = c.split(',').next().unwrap_or("").trim().trim_matches('/');
                    (!first.is_empty()).then(|| first.to_owned())
                })
            });
            if seen.insert(xml_url.clone()) {
                out.push(OpmlOutline {
                    title: a.title.or(a.text),
                    xml_url,
                    html_url: a.html_url,
                    category,
                    language: a.language,
                });
            }
            if !is_empty {
                folders.push(None);
            }
        } else if !is_empty {
            folders.push(label);
        }
    }
    Ok(out)
}

/// Escapes text for XML content and attribute values, dropping characters XML 1.0 forbids.
fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            '\t' => out.push_str("&#9;"),
            c if (c as u32) < 0x20 || c == '\u{fffe}' || c == '\u{ffff}' => {}
            c => out.push(c),
        }
    }
    out
}

fn write_feed_outline(out: &mut String, indent: &str, o: &OpmlOutline) {
    let title = o.title.as_deref().unwrap_or("");
    out.push_str(indent);
    out.push_str("<outline type=\"rss\" text=\"");
    out.push_str(&escape(title));
    out.push('"');
    if o.title.is_some() {
        out.push_str(" title=\"");
        out.push_str(&escape(title));
        out.push('"');
    }
    out.push_str(" xmlUrl=\"");
    out.push_str(&escape(&o.xml_url));
    out.push('"');
    if let Some(h) = &o.html_url {
        out.push_str(" htmlUrl=\"");
        out.push_str(&escape(h));
        out.push('"');
    }
    if let Some(l) = &o.language {
        out.push_str(" language=\"");
        out.push_str(&escape(l));
        out.push('"');
    }
    out.push_str("/>\n");
}

/// Writes an OPML 2.0 document: feeds grouped into one folder outline per category (in order of
/// first appearance), uncategorised feeds at the top level. All text is XML-escaped; the output
/// round-trips through [`parse_opml`] (up to trimming of surrounding whitespace).
pub fn write_opml(title: &str, outlines: &[OpmlOutline]) -> String {
    let mut groups: Vec<(Option<&str>, Vec<&OpmlOutline>)> = Vec::new();
    for o in outlines {
        let cat = o.category.as_deref().filter(|c| !c.trim().is_empty());
        match groups.iter_mut().find(|(c, _)| *c == cat) {
            Some((_, list)) => list.push(o),
            None => groups.push((cat, vec![o])),
        }
    }
    let mut out = String::new();
    out.push_str(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<opml version=\"2.0\">\n  <head>\n    <title>",
    );
    out.push_str(&escape(title));
    out.push_str("</title>\n  </head>\n  <body>\n");
    for (cat, list) in groups {
        match cat {
            None => {
                for o in list {
                    write_feed_outline(&mut out, "    ", o);
                }
            }
            Some(cat) => {
                let c = escape(cat);
                out.push_str(&format!("    <outline text=\"{c}\" title=\"{c}\">\n"));
                for o in list {
                    write_feed_outline(&mut out, "      ", o);
                }
                out.push_str("    </outline>\n");
            }
        }
    }
    out.push_str("  </body>\n</opml>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes() {
        assert_eq!(
            escape("a&b<\"c\">'\n\u{1}"),
            "a&amp;b&lt;&quot;c&quot;&gt;&apos;&#10;"
        );
    }
}
