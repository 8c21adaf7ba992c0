//! Byte-level preparation: gzip inflation, charset decoding, prolog repair and the entity /
//! control-character repair pass that turns "almost XML" into XML.

use std::borrow::Cow;
use std::io::Read;
use std::sync::LazyLock;

use encoding_rs::{Encoding, UTF_8, UTF_16BE, UTF_16LE, WINDOWS_1252};
use regex::bytes::Regex as BytesRegex;

use crate::FeedError;

/// Hard cap on the output of gzip inflation (50 MB). A body inflating past it is refused with
/// [`FeedError::TooLarge`].
pub const MAX_INFLATED_BYTES: usize = 50 * 1024 * 1024;

/// Inflates `bytes` if they start with the gzip magic, with the [`MAX_INFLATED_BYTES`] cap.
pub(crate) fn maybe_gunzip(bytes: &[u8]) -> Result<Cow<'_, [u8]>, FeedError> {
    gunzip_capped(bytes, MAX_INFLATED_BYTES)
}

pub(crate) fn gunzip_capped(bytes: &[u8], cap: usize) -> Result<Cow<'_, [u8]>, FeedError> {
    if bytes.len() < 2 || bytes[0] != 0x1f || bytes[1] != 0x8b {
        return Ok(Cow::Borrowed(bytes));
    }
    let decoder = flate2::read::MultiGzDecoder::new(bytes);
    let mut out = Vec::new();
    let mut limited = decoder.take(cap as u64 + 1);
    if let Err(e) = limited.read_to_end(&mut out) {
        return Err(FeedError::Malformed(format!(
            "the body is gzip-compressed but could not be inflated: {e}"
        )));
    }
    if out.len() > cap {
        return Err(FeedError::TooLarge(format!(
            "the gzip body inflates to more than {} MB (possible decompression bomb)",
            cap / (1024 * 1024)
        )));
    }
    Ok(Cow::Owned(out))
}

static DECL_ENCODING: LazyLock<BytesRegex> = LazyLock::new(|| {
    BytesRegex::new(r#"(?i)encoding\s*=\s*["']\s*([A-Za-z0-9._:\-]+)\s*["']"#).expect("valid regex")
});

/// Returns the `encoding` pseudo-attribute of a leading `<?xml ...?>` declaration, read as ASCII.
fn declared_encoding(bytes: &[u8]) -> Option<String> {
    let start = bytes.iter().position(|b| !b.is_ascii_whitespace())?;
    let rest = &bytes[start..];
    if !rest.starts_with(b"<?xml") {
        return None;
    }
    let window = &rest[..rest.len().min(1024)];
    let end = window.windows(2).position(|w| w == b"?>")?;
    let caps = DECL_ENCODING.captures(&window[..end])?;
    let label = caps.get(1)?.as_bytes();
    Some(String::from_utf8_lossy(label).into_owned())
}

/// Decodes a body to UTF-8: BOM first, then a UTF-16 sniff, then the encoding declared in the
/// XML prolog, then UTF-8 with a charset-detection fallback when the bytes are not valid UTF-8.
pub(crate) fn decode_to_string(bytes: &[u8], warnings: &mut Vec<String>) -> String {
    if let Some((enc, bom_len)) = Encoding::for_bom(bytes) {
        let (text, had_errors) = enc.decode_without_bom_handling(&bytes[bom_len..]);
        if had_errors {
            warnings.push(format!(
                "the body starts with a {} byte-order mark but contains invalid {} sequences; they were replaced",
                enc.name(),
                enc.name()
            ));
        }
        return text.into_owned();
    }
    if bytes.starts_with(&[0x3c, 0x00, 0x3f, 0x00]) || bytes.starts_with(&[0x3c, 0x00, 0x72, 0x00])
    {
        return UTF_16LE.decode_without_bom_handling(bytes).0.into_owned();
    }
    if bytes.starts_with(&[0x00, 0x3c, 0x00, 0x3f]) || bytes.starts_with(&[0x00, 0x3c, 0x00, 0x72])
    {
        return UTF_16BE.decode_without_bom_handling(bytes).0.into_owned();
    }

    let declared = declared_encoding(bytes);
    if let Some(label) = &declared {
        match Encoding::for_label(label.as_bytes()) {
            Some(enc) if enc == UTF_16LE || enc == UTF_16BE => {
                // The prolog was readable as ASCII, so the body cannot really be UTF-16.
                warnings.push(format!(
                    "feed declares encoding {label} but is 8-bit text; decoded as UTF-8"
                ));
            }
            Some(enc) if enc != UTF_8 => {
                let (text, had_errors) = enc.decode_without_bom_handling(bytes);
                if had_errors {
                    warnings.push(format!(
                        "feed declares encoding {label} but contains bytes invalid in it; they were replaced"
                    ));
                }
                return text.into_owned();
            }
            Some(_) => {}
            None => warnings.push(format!(
                "feed declares encoding {label}, which is not a known charset; decoded as UTF-8"
            )),
        }
    }

    match std::str::from_utf8(bytes) {
        Ok(s) => s.to_owned(),
        Err(e) if e.error_len().is_none() => {
            // Only an incomplete sequence at the very end: a truncated body, not a wrong charset.
            warnings
                .push("the body ends in the middle of a UTF-8 character (truncated?)".to_owned());
            String::from_utf8_lossy(bytes).into_owned()
        }
        Err(_) => {
            let mut detector =
                chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
            detector.feed(bytes, true);
            let mut enc = detector.guess(None, chardetng::Utf8Detection::Deny);
            if enc == UTF_8 {
                enc = WINDOWS_1252;
            }
            let what = match &declared {
                Some(label) => format!("feed declares encoding {label} but"),
                None => "the feed declares no encoding and".to_owned(),
            };
            warnings.push(format!(
                "{what} the body is not valid UTF-8; decoded as {}",
                enc.name()
            ));
            enc.decode_without_bom_handling(bytes).0.into_owned()
        }
    }
}

/// Strips BOM characters and whitespace at the start, NULs and whitespace at the end.
pub(crate) fn trim_body(s: &str) -> &str {
    s.trim_start_matches(|c: char| c == '\u{feff}' || c.is_whitespace())
        .trim_end_matches(|c: char| c == '\0' || c.is_whitespace())
}

/// Skips junk (e.g. a PHP warning) printed before the XML, if an XML start is found early on.
pub(crate) fn skip_leading_junk<'a>(s: &'a str, warnings: &mut Vec<String>) -> &'a str {
    if s.starts_with('<') || s.starts_with('{') || s.starts_with('[') {
        return s;
    }
    let mut limit = s.len().min(4096);
    while !s.is_char_boundary(limit) {
        limit -= 1;
    }
    let head = &s[..limit];
    let markers = [
        "<?xml",
        "<rss",
        "<feed",
        "<rdf:RDF",
        "<RDF",
        "<urlset",
        "<sitemapindex",
        "<opml",
    ];
    let found = markers.iter().filter_map(|m| head.find(m)).min();
    match found {
        Some(pos) => {
            warnings.push(format!(
                "{pos} bytes of non-XML text before the document were ignored"
            ));
            &s[pos..]
        }
        None => s,
    }
}

/// Replaces a leading XML declaration by one declaring UTF-8 (the text is UTF-8 by now).
pub(crate) fn fix_prolog(s: &str) -> Cow<'_, str> {
    if let Some(rest) = s.strip_prefix("<?xml")
        && let Some(end) = rest.find("?>")
    {
        let after = &rest[end + 2..];
        return Cow::Owned(format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?>{after}"));
    }
    Cow::Borrowed(s)
}

fn is_xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{d7ff}' | '\u{e000}'..='\u{fffd}' | '\u{10000}'..)
}

/// Makes "almost XML" parseable: removes characters XML forbids, turns HTML named entities into
/// numeric references, escapes bare `&`, and repairs invalid numeric references. CDATA sections,
/// comments and processing instructions are copied unchanged (minus forbidden characters).
pub(crate) fn repair_xml(input: &str) -> String {
    let s: Cow<'_, str> = if input.chars().all(is_xml_char) {
        Cow::Borrowed(input)
    } else {
        Cow::Owned(input.chars().filter(|&c| is_xml_char(c)).collect())
    };
    let s = s.as_ref();
    let mut out = String::with_capacity(s.len() + s.len() / 16);
    let mut i = 0;
    let bytes = s.as_bytes();
    while i < s.len() {
        let rest = &s[i..];
        let b = bytes[i];
        if b == b'<' {
            let verbatim_end = if rest.starts_with("<![CDATA[") {
                Some(rest.find("]]>").map_or(rest.len(), |p| p + 3))
            } else if let Some(comment) = rest.strip_prefix("<!--") {
                Some(comment.find("-->").map_or(rest.len(), |p| p + 7))
            } else if rest.starts_with("<?") {
                Some(rest.find("?>").map_or(rest.len(), |p| p + 2))
            } else {
                None
            };
            match verbatim_end {
                Some(end) => {
                    out.push_str(&rest[..end]);
                    i += end;
                }
                None => {
                    out.push('<');
                    i += 1;
                }
            }
        } else if b == b'&' {
            let (replacement, consumed) = repair_reference(rest);
            out.push_str(&replacement);
            i += consumed;
        } else {
            // Copy a run of ordinary characters up to the next '<' or '&'.
            let end = rest.find(['<', '&']).unwrap_or(rest.len());
            out.push_str(&rest[..end]);
            i += end;
        }
    }
    out
}

/// `rest` starts with '&'. Returns the replacement text and how many bytes of `rest` it replaces.
fn repair_reference(rest: &str) -> (Cow<'static, str>, usize) {
    let body = &rest[1..];
    let end = body
        .char_indices()
        .take(40)
        .find(|&(_, c)| c == ';' || !(c.is_ascii_alphanumeric() || c == '#'))
        .map(|(p, c)| (p, c == ';'));
    let Some((len, true)) = end else {
        return (Cow::Borrowed("&amp;"), 1);
    };
    let name = &body[..len];
    let consumed = len + 2;
    if let Some(num) = name.strip_prefix('#') {
        let code = if let Some(hex) = num.strip_prefix(['x', 'X']) {
            u32::from_str_radix(hex, 16).ok()
        } else {
            num.parse::<u32>().ok()
        };
        let Some(code) = code else {
            return (Cow::Borrowed("&amp;"), 1);
        };
        let c = if (0x80..=0x9f).contains(&code) {
            // Windows-1252 code points written as numeric references (e.g. &#150; for a dash).
            WINDOWS_1252
                .decode_without_bom_handling(&[code as u8])
                .0
                .chars()
                .next()
        } else {
            char::from_u32(code)
        };
        return match c {
            Some(c) if is_xml_char(c) => (Cow::Owned(format!("&#{};", c as u32)), consumed),
            _ => (Cow::Borrowed(""), consumed),
        };
    }
    if name.is_empty() || name.contains('#') || !name.as_bytes()[0].is_ascii_alphabetic() {
        return (Cow::Borrowed("&amp;"), 1);
    }
    if matches!(name, "amp" | "lt" | "gt" | "quot" | "apos") {
        return (Cow::Owned(format!("&{name};")), consumed);
    }
    let entity = &rest[..consumed];
    let decoded = html_escape::decode_html_entities(entity);
    if decoded != entity {
        let mut rep = String::new();
        for c in decoded.chars().filter(|&c| is_xml_char(c)) {
            rep.push_str(&format!("&#{};", c as u32));
        }
        return (Cow::Owned(rep), consumed);
    }
    (Cow::Borrowed("&amp;"), 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repairs_entities() {
        assert_eq!(repair_xml("a&nbsp;b"), "a&#160;b");
        assert_eq!(repair_xml("AT&T &amp; co"), "AT&amp;T &amp; co");
        assert_eq!(repair_xml("x &#150; y"), "x &#8211; y");
        assert_eq!(repair_xml("bad &#0; ref"), "bad  ref");
        assert_eq!(repair_xml("<![CDATA[a&b]]>&c"), "<![CDATA[a&b]]>&amp;c");
        assert_eq!(repair_xml("<!-- & -->"), "<!-- & -->");
        assert_eq!(repair_xml("&unknownthing;"), "&amp;unknownthing;");
        assert_eq!(repair_xml("a\u{1}b&"), "ab&amp;");
        assert_eq!(repair_xml("&eacute;"), "&#233;");
    }

    #[test]
    fn decodes_declared_charset() {
        let (bytes, _, _) = encoding_rs::WINDOWS_1251
            .encode("<?xml version=\"1.0\" encoding=\"windows-1251\"?><a>Привет</a>");
        let mut w = Vec::new();
        let s = decode_to_string(&bytes, &mut w);
        assert!(s.contains("Привет"));
        assert_eq!(
            fix_prolog(&s),
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?><a>Привет</a>"
        );
        assert!(w.is_empty());
    }

    #[test]
    fn gzip_cap() {
        use flate2::Compression;
        use flate2::write::GzEncoder;
        use std::io::Write;
        let mut enc = GzEncoder::new(Vec::new(), Compression::best());
        enc.write_all(&vec![b'a'; 4096]).unwrap();
        let gz = enc.finish().unwrap();
        assert_eq!(gunzip_capped(&gz, 8192).unwrap().len(), 4096);
        assert!(matches!(
            gunzip_capped(&gz, 1024),
            Err(FeedError::TooLarge(_))
        ));
        assert!(matches!(
            gunzip_capped(&[0x1f, 0x8b, 1, 2, 3], 1024),
            Err(FeedError::Malformed(_))
        ));
    }
}
