//! Plain-text cleaning of titles and summaries, and lenient date parsing.

use chrono::{DateTime, NaiveDate, NaiveDateTime, TimeZone, Utc};

/// Longest summary taken from an entry's content when it has no summary of its own (chars).
pub(crate) const CONTENT_SUMMARY_CHARS: usize = 1000;

/// Converts a possibly-HTML, possibly-escaped string to plain text: strips CDATA artifacts and
/// tags (dropping `<script>`/`<style>` bodies), decodes HTML entities, collapses whitespace.
/// Returns `None` when nothing is left.
pub(crate) fn plain_text(input: &str) -> Option<String> {
    let mut s = input.replace("<![CDATA[", "").replace("]]>", "");
    for round in 0..2 {
        let stripped = strip_tags(&s);
        let decoded = html_escape::decode_html_entities(&stripped).into_owned();
        let again = round == 0 && looks_like_markup(&decoded);
        s = decoded;
        if !again {
            break;
        }
    }
    let out = collapse_whitespace(&s);
    (!out.is_empty()).then_some(out)
}

/// Like [`plain_text`], cut to at most `max` characters at a word boundary (with an ellipsis).
pub(crate) fn plain_text_truncated(input: &str, max: usize) -> Option<String> {
    let text = plain_text(input)?;
    if text.chars().count() <= max {
        return Some(text);
    }
    let cut: String = text.chars().take(max).collect();
    let cut = match cut.rfind(' ') {
        Some(p) if p > max / 2 => cut[..p].to_owned(),
        _ => cut,
    };
    Some(format!("{}…", cut.trim_end()))
}

fn looks_like_markup(s: &str) -> bool {
    let b = s.as_bytes();
    b.windows(2)
        .any(|w| w[0] == b'<' && (w[1].is_ascii_alphabetic() || w[1] == b'/' || w[1] == b'!'))
}

const BLOCK_TAGS: &[&str] = &[
    "p",
    "br",
    "div",
    "li",
    "ul",
    "ol",
    "tr",
    "td",
    "th",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "blockquote",
    "section",
    "article",
    "header",
    "footer",
    "figure",
    "figcaption",
    "hr",
    "img",
    "table",
    "pre",
    "dd",
    "dt",
];

fn strip_tags(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(lt) = rest.find('<') {
        out.push_str(&rest[..lt]);
        let after = &rest[lt + 1..];
        let first = after.as_bytes().first().copied();
        let is_tag = matches!(first, Some(c) if c.is_ascii_alphabetic() || c == b'/' || c == b'!' || c == b'?');
        if !is_tag {
            out.push('<');
            rest = after;
            continue;
        }
        if let Some(body) = after.strip_prefix("!--") {
            rest = body.find("-->").map_or("", |p| &body[p + 3..]);
            continue;
        }
        let Some(gt) = after.find('>') else {
            // An unterminated tag: drop it rather than leak markup.
            rest = "";
            break;
        };
        let tag = &after[..gt];
        let name: String = tag
            .trim_start_matches('/')
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect::<String>()
            .to_ascii_lowercase();
        rest = &after[gt + 1..];
        if (name == "script" || name == "style") && !tag.starts_with('/') && !tag.ends_with('/') {
            let close = format!("</{name}");
            let lower = rest.to_ascii_lowercase();
            rest = match lower.find(&close) {
                Some(p) => rest[p..].find('>').map_or("", |q| &rest[p + q + 1..]),
                None => "",
            };
            out.push(' ');
            continue;
        }
        if BLOCK_TAGS.contains(&name.as_str()) {
            out.push(' ');
        }
    }
    out.push_str(rest);
    out
}

fn collapse_whitespace(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for word in s
        .split(|c: char| c.is_whitespace() || c == '\u{200b}' || c == '\u{feff}')
        .filter(|w| !w.is_empty())
    {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

/// Trims a string; `None` when empty.
pub(crate) fn non_empty(s: &str) -> Option<String> {
    let t = s.trim();
    (!t.is_empty()).then(|| t.to_owned())
}

/// Parses W3C datetime (sitemaps), RFC 3339, RFC 2822 and a few common sloppy variants.
pub(crate) fn parse_date(input: &str) -> Option<DateTime<Utc>> {
    let s = input.trim();
    if s.is_empty() || s.len() > 64 {
        return None;
    }
    if let Ok(d) = DateTime::parse_from_rfc3339(s) {
        return Some(d.with_timezone(&Utc));
    }
    if let Ok(d) = DateTime::parse_from_rfc2822(s) {
        return Some(d.with_timezone(&Utc));
    }
    for fmt in [
        "%Y-%m-%dT%H:%M%:z",
        "%Y-%m-%dT%H:%M%z",
        "%Y-%m-%dT%H:%M:%S%z",
        "%Y-%m-%dT%H:%M:%S%.f%z",
        "%Y-%m-%d %H:%M:%S%:z",
        "%Y-%m-%d %H:%M:%S%z",
    ] {
        if let Ok(d) = DateTime::parse_from_str(s, fmt) {
            return Some(d.with_timezone(&Utc));
        }
    }
    let naive = s.trim_end_matches(['Z', 'z']);
    for fmt in [
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%dT%H:%M:%S",
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%d %H:%M:%S",
        "%Y-%m-%d %H:%M",
    ] {
        if let Ok(d) = NaiveDateTime::parse_from_str(naive, fmt) {
            return Some(Utc.from_utc_datetime(&d));
        }
    }
    if let Ok(d) = NaiveDate::parse_from_str(s, "%Y-%m-%d") {
        return d.and_hms_opt(0, 0, 0).map(|d| Utc.from_utc_datetime(&d));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cleans_html() {
        assert_eq!(
            plain_text("<p>Tom &amp; Jerry&nbsp;return</p><script>alert(1)</script>").as_deref(),
            Some("Tom & Jerry return")
        );
        assert_eq!(
            plain_text("&lt;b&gt;Bold&lt;/b&gt; move").as_deref(),
            Some("Bold move")
        );
        assert_eq!(
            plain_text("x < y and y > z").as_deref(),
            Some("x < y and y > z")
        );
        assert_eq!(plain_text("Title]]>").as_deref(), Some("Title"));
        assert_eq!(plain_text("  <br/> ").as_deref(), None);
        assert_eq!(plain_text("a<b>c</b>d").as_deref(), Some("acd"));
        assert_eq!(
            plain_text("unterminated <a href=").as_deref(),
            Some("unterminated")
        );
    }

    #[test]
    fn truncates() {
        let long = "word ".repeat(500);
        let t = plain_text_truncated(&long, 100).unwrap();
        assert!(t.chars().count() <= 101);
        assert!(t.ends_with('…'));
    }

    #[test]
    fn dates() {
        let d = |s| parse_date(s).map(|d| d.to_rfc3339());
        assert_eq!(
            d("2024-05-01").as_deref(),
            Some("2024-05-01T00:00:00+00:00")
        );
        assert_eq!(
            d("2024-05-01T10:00+02:00").as_deref(),
            Some("2024-05-01T08:00:00+00:00")
        );
        assert_eq!(
            d("2024-05-01T10:00:00Z").as_deref(),
            Some("2024-05-01T10:00:00+00:00")
        );
        assert_eq!(
            d("2024-05-01T10:00:00.5+00:00").as_deref(),
            Some("2024-05-01T10:00:00.500+00:00")
        );
        assert_eq!(
            d("Wed, 01 May 2024 10:00:00 GMT").as_deref(),
            Some("2024-05-01T10:00:00+00:00")
        );
        assert_eq!(
            d("2024-05-01T10:00:00"),
            Some("2024-05-01T10:00:00+00:00".to_owned())
        );
        assert_eq!(d("yesterday"), None);
    }
}
