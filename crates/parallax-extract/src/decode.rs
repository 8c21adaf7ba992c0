//! Bytes to text: charset from the HTTP header, a BOM, `<meta charset>`, or detection.

use encoding_rs::{Encoding, UTF_8};
use regex::bytes::Regex as BytesRegex;
use std::sync::LazyLock;

/// The most bytes of a page that are read; the rest is dropped with a warning.
pub const MAX_PAGE_BYTES: usize = 10 * 1024 * 1024;

static META_CHARSET: LazyLock<BytesRegex> = LazyLock::new(|| {
    BytesRegex::new(r#"(?i-u)<meta[^>]{0,400}?charset\s*=\s*["']?\s*([a-z0-9_\-:.]{1,40})"#)
        .expect("static regex")
});

fn megabytes(n: usize) -> String {
    let mb = n as f64 / (1024.0 * 1024.0);
    if mb >= 10.0 {
        format!("{mb:.0} MB")
    } else {
        format!("{mb:.1} MB")
    }
}

/// The charset a page declares in its first 4 KiB (`<meta charset>` or `http-equiv` content type).
fn meta_charset(bytes: &[u8]) -> Option<(&'static Encoding, String)> {
    let head = &bytes[..bytes.len().min(4096)];
    let caps = META_CHARSET.captures(head)?;
    let label = caps.get(1)?.as_bytes();
    let label_text = String::from_utf8_lossy(label).into_owned();
    Encoding::for_label(label).map(|e| (e, label_text))
}

/// Encodings that can decode any byte sequence without errors, so that a wrong declaration of them is
/// only visible through other evidence.
fn is_single_byte(enc: &'static Encoding) -> bool {
    enc != UTF_8
        && enc.is_ascii_compatible()
        && !matches!(
            enc.name(),
            "Shift_JIS" | "EUC-JP" | "ISO-2022-JP" | "GBK" | "gb18030" | "Big5" | "EUC-KR"
        )
}

/// Whether `bytes` are valid UTF-8 that uses multi-byte sequences (strong evidence of UTF-8).
fn looks_like_utf8(bytes: &[u8]) -> bool {
    // A cut in the middle of a character at the very end does not count against it.
    let valid = match std::str::from_utf8(bytes) {
        Ok(_) => true,
        Err(e) => e.error_len().is_none(),
    };
    valid && bytes.iter().any(|b| *b >= 0x80)
}

fn detect(bytes: &[u8]) -> &'static Encoding {
    let mut det = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    det.feed(&bytes[..bytes.len().min(256 * 1024)], true);
    det.guess(None, chardetng::Utf8Detection::Allow)
}

/// Decodes `bytes` with `enc`, returning the text and the number of malformed sequences replaced.
fn decode_with(enc: &'static Encoding, bytes: &[u8]) -> (String, usize) {
    let (text, had_errors) = enc.decode_without_bom_handling(bytes);
    if !had_errors {
        // Nothing was replaced: the counts below (two passes over the page) are not needed.
        return (text.into_owned(), 0);
    }
    let before = bytecount_replacement(bytes, enc);
    let replaced = text.matches('\u{FFFD}').count().saturating_sub(before);
    (text.into_owned(), replaced)
}

/// U+FFFD characters already present (encoded) in the input, which are not decoding errors.
fn bytecount_replacement(bytes: &[u8], enc: &'static Encoding) -> usize {
    if enc == UTF_8 {
        bytes.windows(3).filter(|w| w == b"\xEF\xBF\xBD").count()
    } else {
        0
    }
}

/// Whether `bytes` (UTF-8) may hold a control character other than white space. C0 controls are
/// single bytes; C1 controls (U+0080-U+009F) are 0xC2 0x80-0x9F. Scanned in blocks without
/// branches, so that a clean page (almost every page) costs one fast pass.
fn may_hold_controls(bytes: &[u8]) -> bool {
    let suspect = |b: u8| {
        ((b < 0x20) & (b != b'\n') & (b != b'\r') & (b != b'\t') & (b != 0x0C))
            | (b == 0x7F)
            | (b == 0xC2)
    };
    bytes.chunks(64).enumerate().any(|(k, block)| {
        block.iter().fold(false, |acc, &b| acc | suspect(b))
            && block.iter().enumerate().any(|(i, &b)| {
                suspect(b)
                    && (b != 0xC2
                        || bytes
                            .get(k * 64 + i + 1)
                            .is_some_and(|n| (0x80..=0x9F).contains(n)))
            })
    })
}

/// Decodes page bytes to text. The charset comes from, in order: a byte-order mark, the HTTP
/// `Content-Type` charset (`header_charset`), a `<meta charset>` or `http-equiv` declaration, and
/// finally detection. A declaration that the bytes plainly contradict is overridden, with a warning.
/// Never fails: undecodable bytes become U+FFFD and are counted in a warning.
pub fn decode_html(bytes: &[u8], header_charset: Option<&str>) -> (String, Vec<String>) {
    let mut warnings = Vec::new();
    let mut bytes = bytes;
    if bytes.len() > MAX_PAGE_BYTES {
        warnings.push(format!(
            "page is {}; only the first {} were read",
            megabytes(bytes.len()),
            megabytes(MAX_PAGE_BYTES)
        ));
        bytes = &bytes[..MAX_PAGE_BYTES];
    }
    if bytes.is_empty() {
        warnings.push("page is empty".to_string());
        return (String::new(), warnings);
    }

    let (enc, body, how) = if let Some((enc, bom_len)) = Encoding::for_bom(bytes) {
        (enc, &bytes[bom_len..], "byte-order mark".to_string())
    } else {
        let header = header_charset.map(str::trim).filter(|h| !h.is_empty());
        let declared = match header {
            Some(label) => match Encoding::for_label(label.trim_matches('"').as_bytes()) {
                Some(e) => Some((e, format!("HTTP header charset {label}"))),
                None => {
                    warnings.push(format!(
                        "the HTTP header declares an unknown charset \"{label}\"; ignored it"
                    ));
                    None
                }
            },
            None => None,
        };
        let declared = declared.or_else(|| {
            meta_charset(bytes).map(|(e, label)| (e, format!("charset declared {label}")))
        });
        match declared {
            Some((enc, how)) => {
                // A page cannot declare UTF-16 inside an ASCII-compatible document.
                let enc = if enc.is_ascii_compatible() {
                    enc
                } else {
                    UTF_8
                };
                if is_single_byte(enc) && looks_like_utf8(bytes) {
                    warnings.push(format!(
                        "{how} but the bytes are valid UTF-8; decoded as UTF-8"
                    ));
                    (UTF_8, bytes, how)
                } else {
                    (enc, bytes, how)
                }
            }
            None => {
                if std::str::from_utf8(bytes).is_ok() || looks_like_utf8(bytes) {
                    (UTF_8, bytes, "detected UTF-8".to_string())
                } else {
                    let enc = detect(bytes);
                    (enc, bytes, format!("detected {}", enc.name()))
                }
            }
        }
    };

    let (mut text, mut replaced) = decode_with(enc, body);
    // A page cut at MAX_PAGE_BYTES may end in half a character: that is not the page's fault.
    if bytes.len() == MAX_PAGE_BYTES && text.ends_with('\u{FFFD}') {
        text.pop();
        replaced = replaced.saturating_sub(1);
    }
    if replaced > 0 {
        // The declaration may be wrong: try what the bytes look like.
        let guess = detect(body);
        if guess != enc {
            let (alt, alt_replaced) = decode_with(guess, body);
            if alt_replaced * 4 < replaced {
                warnings.push(format!(
                    "{how} but {replaced} byte sequences are not valid {}; decoded as {} instead",
                    enc.name(),
                    guess.name()
                ));
                text = alt;
                replaced = alt_replaced;
            }
        }
    }
    if replaced > 0 {
        warnings.push(format!(
            "{replaced} byte sequences could not be decoded and were replaced"
        ));
    }

    // Control characters other than white space are never text: binary data or a broken page.
    let maybe_controls = may_hold_controls(text.as_bytes());
    let controls = if !maybe_controls {
        0
    } else {
        text.chars()
            .filter(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t' | '\u{0C}'))
            .count()
    };
    if controls > 0 {
        let total = text.chars().count().max(1);
        if controls * 20 > total {
            warnings.push(
                "the page looks like binary data, not text: its control characters were removed"
                    .to_string(),
            );
        }
        text.retain(|c| !c.is_control() || matches!(c, '\n' | '\r' | '\t' | '\u{0C}'));
    }
    (text, warnings)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_windows_1251_from_meta() {
        let html = "<html><head><meta charset=\"windows-1251\"></head><body><p>Привет, мир! Кремль сообщил о разговоре.</p></body></html>";
        let (bytes, _, _) = encoding_rs::WINDOWS_1251.encode(html);
        let (text, warnings) = decode_html(&bytes, None);
        assert!(text.contains("Привет, мир!"), "{text}");
        assert!(warnings.is_empty(), "{warnings:?}");
    }

    #[test]
    fn decodes_windows_1251_detected_without_declaration() {
        let html = "<html><body><p>Президент России Владимир Путин и президент США провели телефонный разговор, который продолжался почти час.</p></body></html>";
        let (bytes, _, _) = encoding_rs::WINDOWS_1251.encode(html);
        let (text, _) = decode_html(&bytes, None);
        assert!(text.contains("Владимир Путин"), "{text}");
    }

    #[test]
    fn decodes_shift_jis_from_header() {
        let html =
            "<html><body><p>東京で会議が開かれました。日本語のテキストです。</p></body></html>";
        let (bytes, _, _) = encoding_rs::SHIFT_JIS.encode(html);
        let (text, warnings) = decode_html(&bytes, Some("Shift_JIS"));
        assert!(text.contains("東京で会議が開かれました"), "{text}");
        assert!(warnings.is_empty(), "{warnings:?}");
        let (text, _) = decode_html(&bytes, None);
        assert!(text.contains("日本語のテキストです"), "{text}");
    }

    #[test]
    fn wrong_single_byte_declaration_is_overridden() {
        let html = "<meta charset=windows-1251><p>Україна — це країна.</p>";
        let (text, warnings) = decode_html(html.as_bytes(), None);
        assert!(text.contains("Україна"));
        assert!(warnings[0].contains("windows-1251"), "{warnings:?}");
    }

    #[test]
    fn utf8_declared_but_broken_falls_back() {
        let html = "<meta charset=utf-8><p>Президент России Владимир Путин провел телефонный разговор с президентом США.</p>";
        let (bytes, _, _) = encoding_rs::WINDOWS_1251.encode(html);
        let (text, warnings) = decode_html(&bytes, None);
        assert!(text.contains("Владимир Путин"), "{text} {warnings:?}");
        assert!(!warnings.is_empty());
    }

    #[test]
    fn empty_and_garbage_never_fail() {
        let (t, w) = decode_html(b"", None);
        assert!(t.is_empty() && !w.is_empty());
        let garbage: Vec<u8> = (0..10_000u32).map(|i| (i * 7919 % 256) as u8).collect();
        let (t, _) = decode_html(&garbage, Some("nonsense-charset"));
        assert!(!t.chars().any(|c| c == '\0'));
    }

    #[test]
    fn control_scan_finds_c0_and_c1_but_not_white_space_or_latin() {
        assert!(!may_hold_controls(
            "a\tb\r\nc\u{0C} café £ \u{A0}".as_bytes()
        ));
        assert!(may_hold_controls("text\u{1}".as_bytes()));
        assert!(may_hold_controls("x\u{7F}".as_bytes()));
        let long = format!("{}\u{85}{}", "a".repeat(63), "b".repeat(100));
        assert!(
            may_hold_controls(long.as_bytes()),
            "a C1 control across a block boundary"
        );
        assert!(!may_hold_controls(&[]));
    }

    #[test]
    fn bom_wins() {
        let mut bytes = vec![0xEF, 0xBB, 0xBF];
        bytes.extend_from_slice("<p>café</p>".as_bytes());
        let (t, w) = decode_html(&bytes, Some("iso-8859-1"));
        assert_eq!(t, "<p>café</p>");
        assert!(w.is_empty());
    }
}
