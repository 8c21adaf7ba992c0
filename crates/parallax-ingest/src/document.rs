use serde::Deserialize;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

/// Pages (HTML or text) larger than this are refused: no news article is that large, and parsing
/// one would hold up the whole import.
pub const MAX_PAGE_BYTES: u64 = 32 * 1024 * 1024;

/// One document to ingest.
#[derive(Clone, Debug)]
pub enum Document {
    /// An HTML page.
    Html {
        /// The raw bytes (any charset).
        bytes: Vec<u8>,
        /// The page's URL, when known.
        url: Option<String>,
        /// Where it came from (path or URL), for messages.
        origin: String,
    },
    /// A plain-text page (text copied or saved from a news site).
    Text {
        /// The text.
        text: String,
        /// Where it came from.
        origin: String,
    },
    /// An article given as structured data (a JSON Lines record).
    Record(Record),
    /// A feed entry found by the crawler, with its page when the page could be fetched.
    Crawled(Box<Crawled>),
}

/// A feed entry the crawler found, and what fetching its page gave.
#[derive(Clone, Debug)]
pub struct Crawled {
    /// The outlet (from the source registry): crawled articles are attributed to it.
    pub source: parallax_core::Source,
    /// The entry's canonical URL.
    pub url: String,
    /// The entry's title in the feed.
    pub feed_title: Option<String>,
    /// The entry's summary in the feed (plain text).
    pub feed_summary: Option<String>,
    /// The entry's date in the feed.
    pub feed_published: Option<chrono::DateTime<chrono::Utc>>,
    /// The language the feed declares.
    pub feed_language: Option<String>,
    /// The entry's first category in the feed (its section, for most news feeds).
    pub feed_category: Option<String>,
    /// The fetched page, or why it could not be fetched (in words a person understands).
    pub page: Result<FetchedPage, String>,
}

/// A fetched article page.
#[derive(Clone, Debug)]
pub struct FetchedPage {
    /// The URL after redirects.
    pub final_url: String,
    /// The body (decompressed).
    pub bytes: Vec<u8>,
    /// The charset named in the `Content-Type` header, if any.
    pub charset: Option<String>,
}

impl Document {
    /// Where the document came from, for messages.
    pub fn origin(&self) -> &str {
        match self {
            Document::Html { origin, .. } | Document::Text { origin, .. } => origin,
            Document::Record(r) => &r.origin,
            Document::Crawled(c) => &c.url,
        }
    }
}

/// An article given as structured data: one line of a JSON Lines file such as the allsides
/// evaluation set (`{"id", "source", "bias", "title", "url", "text"}`); every field but `text` is
/// optional.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct Record {
    /// The record's own id, if any (kept for messages).
    #[serde(default)]
    pub id: Option<String>,
    /// Outlet name.
    #[serde(default)]
    pub source: Option<String>,
    /// The outlet's bias rating as the data set gives it.
    #[serde(default)]
    pub bias: Option<String>,
    /// Headline.
    #[serde(default)]
    pub title: Option<String>,
    /// Article URL.
    #[serde(default)]
    pub url: Option<String>,
    /// Body text; paragraphs separated by line breaks.
    #[serde(default)]
    pub text: String,
    /// Publication time (RFC 3339 or YYYY-MM-DD).
    #[serde(default, alias = "date", alias = "published_at")]
    pub published: Option<String>,
    /// ISO 639-1 language code.
    #[serde(default)]
    pub language: Option<String>,
    /// ISO 3166-1 alpha-2 country code of the outlet.
    #[serde(default)]
    pub country: Option<String>,
    /// The section the outlet filed it under ("World", "Politik").
    #[serde(default, alias = "category")]
    pub section: Option<String>,
    /// Where the record came from (file and line), filled in by the loader.
    #[serde(skip)]
    pub origin: String,
}

/// Why a file could not be read into documents.
#[derive(Debug)]
pub struct LoadError {
    /// The file.
    pub origin: String,
    /// What went wrong, for a person.
    pub message: String,
}

impl std::fmt::Display for LoadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.origin, self.message)
    }
}

impl std::error::Error for LoadError {}

fn err(path: &Path, message: impl Into<String>) -> LoadError {
    LoadError {
        origin: path.display().to_string(),
        message: message.into(),
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Html,
    Text,
    JsonLines,
}

fn kind_of(path: &Path) -> Option<(Kind, bool)> {
    let name = path.file_name()?.to_str()?.to_ascii_lowercase();
    let (name, gz) = match name.strip_suffix(".gz") {
        Some(n) => (n.to_string(), true),
        None => (name, false),
    };
    let ext = name.rsplit_once('.').map(|(_, e)| e)?;
    let kind = match ext {
        "html" | "htm" | "xhtml" => Kind::Html,
        "txt" | "text" => Kind::Text,
        "jsonl" | "ndjson" => Kind::JsonLines,
        _ => return None,
    };
    Some((kind, gz))
}

/// Expands `paths` into the files to import: a file is taken as it is; a directory is walked
/// recursively for `.html`, `.htm`, `.txt`, `.jsonl` (each optionally `.gz`), in name order. Paths
/// that do not exist are returned as errors and the rest goes on.
pub fn collect_files(paths: &[PathBuf]) -> (Vec<PathBuf>, Vec<LoadError>) {
    let mut files = Vec::new();
    let mut errors = Vec::new();
    for p in paths {
        match std::fs::metadata(p) {
            Ok(m) if m.is_dir() => walk(p, &mut files, &mut errors),
            Ok(_) => files.push(p.clone()),
            Err(e) => errors.push(err(p, format!("cannot read: {e}"))),
        }
    }
    (files, errors)
}

fn walk(dir: &Path, files: &mut Vec<PathBuf>, errors: &mut Vec<LoadError>) {
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) => {
            errors.push(err(dir, format!("cannot list directory: {e}")));
            return;
        }
    };
    let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    for p in paths {
        if p.is_dir() {
            walk(&p, files, errors);
        } else if kind_of(&p).is_some() {
            files.push(p);
        }
    }
}

/// Reads one file into documents: an HTML or text page gives one, a JSON Lines file one per line.
/// A JSON Lines line that does not parse is returned as an error for that line; the other lines
/// still load.
pub fn load_file(path: &Path) -> Result<(Vec<Document>, Vec<LoadError>), LoadError> {
    let Some((kind, gz)) = kind_of(path) else {
        return Err(err(
            path,
            "unsupported file type: expected .html, .htm, .txt or .jsonl (optionally .gz)",
        ));
    };
    let meta = std::fs::metadata(path).map_err(|e| err(path, format!("cannot read: {e}")))?;
    if meta.len() == 0 {
        return Err(err(path, "empty file"));
    }
    let file = std::fs::File::open(path).map_err(|e| err(path, format!("cannot open: {e}")))?;
    let origin = path.display().to_string();
    if kind == Kind::JsonLines {
        let reader: Box<dyn Read> = if gz {
            Box::new(flate2::read::MultiGzDecoder::new(file))
        } else {
            Box::new(file)
        };
        return Ok(read_jsonl(BufReader::new(reader), &origin));
    }
    if !gz && meta.len() > MAX_PAGE_BYTES {
        return Err(err(path, too_large(meta.len())));
    }
    let mut bytes = Vec::new();
    let read = if gz {
        // Read one byte past the limit so that a decompression bomb is caught without inflating it.
        flate2::read::MultiGzDecoder::new(file)
            .take(MAX_PAGE_BYTES + 1)
            .read_to_end(&mut bytes)
    } else {
        BufReader::new(file).read_to_end(&mut bytes)
    };
    read.map_err(|e| {
        err(
            path,
            format!(
                "cannot read{}: {e}",
                if gz { " (bad gzip data)" } else { "" }
            ),
        )
    })?;
    if bytes.len() as u64 > MAX_PAGE_BYTES {
        return Err(err(
            path,
            format!("{} after decompression", too_large(bytes.len() as u64)),
        ));
    }
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(err(path, "the file holds only white space"));
    }
    if looks_binary(&bytes) {
        return Err(err(
            path,
            "binary data, not a web page or text (NUL bytes or mostly control characters)",
        ));
    }
    let doc = match kind {
        Kind::Html => Document::Html {
            bytes,
            url: None,
            origin,
        },
        _ => {
            let text = decode_text(&bytes);
            if looks_like_html(&text) {
                Document::Html {
                    bytes,
                    url: None,
                    origin,
                }
            } else {
                Document::Text { text, origin }
            }
        }
    };
    Ok((vec![doc], Vec::new()))
}

fn too_large(len: u64) -> String {
    format!(
        "file is {:.1} MB; pages larger than {} MB are refused",
        len as f64 / 1_048_576.0,
        MAX_PAGE_BYTES / 1_048_576
    )
}

fn read_jsonl(reader: impl BufRead, origin: &str) -> (Vec<Document>, Vec<LoadError>) {
    let mut docs = Vec::new();
    let mut errors = Vec::new();
    for (i, line) in reader.split(b'\n').enumerate() {
        let line_origin = format!("{origin}:{}", i + 1);
        let line = match line {
            Ok(l) => l,
            Err(e) => {
                errors.push(LoadError {
                    origin: line_origin,
                    message: format!("cannot read: {e}"),
                });
                break;
            }
        };
        let text = String::from_utf8_lossy(&line);
        let text = text.trim();
        if text.is_empty() {
            continue;
        }
        match serde_json::from_str::<Record>(text) {
            Ok(mut r) => {
                r.origin = line_origin;
                docs.push(Document::Record(r));
            }
            Err(e) => errors.push(LoadError {
                origin: line_origin,
                message: format!("not a valid JSON article record: {e}"),
            }),
        }
    }
    (docs, errors)
}

fn looks_binary(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(8192)];
    if head.contains(&0) {
        // UTF-16 text has NULs too; it starts with a BOM.
        return !(head.starts_with(&[0xFF, 0xFE]) || head.starts_with(&[0xFE, 0xFF]));
    }
    let control = head
        .iter()
        .filter(|&&b| b < 0x20 && !matches!(b, b'\n' | b'\r' | b'\t' | 0x0C | 0x1B))
        .count();
    control * 10 > head.len()
}

fn looks_like_html(text: &str) -> bool {
    let head: String = text
        .chars()
        .take(1024)
        .collect::<String>()
        .to_ascii_lowercase();
    let head = head.trim_start();
    head.starts_with("<!doctype html") || head.starts_with("<html") || head.contains("<body")
}

/// Text files: UTF-8 (with or without BOM), UTF-16 with BOM, else the detected legacy charset.
fn decode_text(bytes: &[u8]) -> String {
    if let Some((enc, bom_len)) = encoding_rs::Encoding::for_bom(bytes) {
        return enc
            .decode_without_bom_handling(&bytes[bom_len..])
            .0
            .into_owned();
    }
    match std::str::from_utf8(bytes) {
        Ok(s) => s.to_string(),
        Err(_) => {
            let mut det = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
            det.feed(&bytes[..bytes.len().min(256 * 1024)], true);
            det.guess(None, chardetng::Utf8Detection::Allow)
                .decode(bytes)
                .0
                .into_owned()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds() {
        assert!(matches!(
            kind_of(Path::new("a/b.HTML.gz")),
            Some((Kind::Html, true))
        ));
        assert!(matches!(
            kind_of(Path::new("x.jsonl")),
            Some((Kind::JsonLines, false))
        ));
        assert!(kind_of(Path::new("x.pdf")).is_none());
        assert!(kind_of(Path::new("noext")).is_none());
    }

    #[test]
    fn binary_detection() {
        assert!(looks_binary(&[0x7f, b'E', b'L', b'F', 0, 0, 1]));
        assert!(!looks_binary("Привет, мир\n".as_bytes()));
        assert!(!looks_binary(&[0xFF, 0xFE, b'a', 0]));
    }

    #[test]
    fn decodes_legacy_text() {
        let (bytes, _, _) = encoding_rs::WINDOWS_1251
            .encode("Президент России провёл телефонный разговор с президентом США.");
        assert!(decode_text(&bytes).contains("Президент"));
    }
}
