//! `parallax eval extract`: main-content extraction measured on the scrapinghub
//! article-extraction-benchmark split, with that benchmark's own metric (`evaluate.py`).
//!
//! Tokens are the Unicode `\w+` matches of a text, case kept; shingles are runs of 4 tokens (a text
//! of fewer than 4 tokens is one shingle, an empty text none). Per document, TP is the number of
//! shingles shared (as multisets), FP the predicted-only and FN the truth-only ones, each divided by
//! TP+FP+FN. Precision is averaged over documents with TP+FP > 0, recall over documents with
//! TP+FN > 0; F1 is the harmonic mean of the two averages.

use anyhow::{Context, Result};
use regex::Regex;
use std::collections::HashMap;
use std::io::Read;
use std::path::Path;
use std::sync::LazyLock;
use std::time::{Duration, Instant};

/// What `parallax eval extract` reports.
#[derive(Clone, Debug, serde::Serialize)]
pub struct ExtractReport {
    /// Mean per-document precision.
    pub precision: f64,
    /// Mean per-document recall.
    pub recall: f64,
    /// Harmonic mean of `precision` and `recall`.
    pub f1: f64,
    /// Documents evaluated.
    pub docs: usize,
    /// Documents per second, extraction calls only (no reading or decompressing), one thread;
    /// for predictions, from their `seconds` (`None` when they have none).
    pub pages_per_second: Option<f64>,
    /// The extractor measured.
    pub extractor: String,
    /// The system measured (`parallax`, or the name given with predictions).
    pub system: String,
}

static TOKEN: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\w+").expect("static regex"));

/// The `\w+` tokens of `text`.
pub fn tokenize(text: &str) -> Vec<&str> {
    TOKEN.find_iter(text).map(|m| m.as_str()).collect()
}

/// The 4-token shingles of `text` with their counts.
pub fn shingles(text: &str) -> HashMap<Vec<&str>, usize> {
    let tokens = tokenize(text);
    let mut out: HashMap<Vec<&str>, usize> = HashMap::new();
    if tokens.is_empty() {
        return out;
    }
    let n = 4;
    let count = tokens.len().saturating_sub(n - 1).max(1);
    for i in 0..count {
        let end = (i + n).min(tokens.len());
        *out.entry(tokens[i..end].to_vec()).or_insert(0) += 1;
    }
    out
}

/// Normalised (TP, FP, FN) of one document: shared, predicted-only and truth-only shingles, each
/// divided by their sum (all zero when both texts are empty).
pub fn shingle_matching(truth: &str, pred: &str) -> (f64, f64, f64) {
    let t = shingles(truth);
    let p = shingles(pred);
    let (mut tp, mut fp, mut fn_) = (0usize, 0usize, 0usize);
    for (k, &tc) in &t {
        let pc = p.get(k).copied().unwrap_or(0);
        tp += tc.min(pc);
        fn_ += tc.saturating_sub(pc);
    }
    for (k, &pc) in &p {
        let tc = t.get(k).copied().unwrap_or(0);
        fp += pc.saturating_sub(tc);
    }
    let s = (tp + fp + fn_) as f64;
    if s > 0.0 {
        (tp as f64 / s, fp as f64 / s, fn_ as f64 / s)
    } else {
        (0.0, 0.0, 0.0)
    }
}

fn precision_score(tp: f64, fp: f64, fn_: f64) -> f64 {
    if fp == 0.0 && fn_ == 0.0 {
        1.0
    } else if tp == 0.0 && fp == 0.0 {
        0.0
    } else {
        tp / (tp + fp)
    }
}

fn recall_score(tp: f64, fp: f64, fn_: f64) -> f64 {
    if fp == 0.0 && fn_ == 0.0 {
        1.0
    } else if tp == 0.0 && fn_ == 0.0 {
        0.0
    } else {
        tp / (tp + fn_)
    }
}

/// (precision, recall, F1) over documents' normalised (TP, FP, FN), as `evaluate.py` computes them.
pub fn metrics(tp_fp_fns: &[(f64, f64, f64)]) -> (f64, f64, f64) {
    let mean = |v: Vec<f64>| {
        if v.is_empty() {
            0.0
        } else {
            v.iter().sum::<f64>() / v.len() as f64
        }
    };
    let precision = mean(
        tp_fp_fns
            .iter()
            .filter(|(tp, fp, _)| tp + fp > 0.0)
            .map(|&(tp, fp, fn_)| precision_score(tp, fp, fn_))
            .collect(),
    );
    let recall = mean(
        tp_fp_fns
            .iter()
            .filter(|(tp, _, fn_)| tp + fn_ > 0.0)
            .map(|&(tp, fp, fn_)| recall_score(tp, fp, fn_))
            .collect(),
    );
    let f1 = if precision + recall > 0.0 {
        2.0 * precision * recall / (precision + recall)
    } else {
        0.0
    };
    (precision, recall, f1)
}

/// One page of the set: id, URL, HTML bytes (decompressed) and the true article body.
pub struct Page {
    /// Document id (file stem).
    pub id: String,
    /// Page URL.
    pub url: String,
    /// Raw HTML bytes.
    pub html: Vec<u8>,
    /// The annotated article body.
    pub truth: String,
}

/// Reads the set in `data_dir` (`ground-truth.json` and `html/<id>.html.gz`), sorted by id.
pub fn load(data_dir: &Path) -> Result<Vec<Page>> {
    let gt_path = data_dir.join("ground-truth.json");
    let gt_text = std::fs::read_to_string(&gt_path)
        .with_context(|| format!("reading {}", gt_path.display()))?;
    let gt: HashMap<String, serde_json::Value> =
        serde_json::from_str(&gt_text).with_context(|| format!("parsing {}", gt_path.display()))?;
    let mut pages = Vec::with_capacity(gt.len());
    for (id, v) in gt {
        let path = data_dir.join("html").join(format!("{id}.html.gz"));
        let file =
            std::fs::File::open(&path).with_context(|| format!("opening {}", path.display()))?;
        let mut html = Vec::new();
        flate2::read::GzDecoder::new(file)
            .read_to_end(&mut html)
            .with_context(|| format!("decompressing {}", path.display()))?;
        pages.push(Page {
            url: v
                .get("url")
                .and_then(|u| u.as_str())
                .unwrap_or_default()
                .to_string(),
            truth: v
                .get("articleBody")
                .and_then(|u| u.as_str())
                .unwrap_or_default()
                .to_string(),
            id,
            html,
        });
    }
    pages.sort_by(|a, b| a.id.cmp(&b.id));
    Ok(pages)
}

/// Measures `parallax_extract::extract_html` on the set in `data_dir` (the folder holding
/// `ground-truth.json` and `html/`): the predicted text is the paragraphs joined with "\n"; only
/// the extraction calls are timed.
pub fn run(data_dir: &Path) -> Result<ExtractReport> {
    let pages = load(data_dir)?;
    anyhow::ensure!(!pages.is_empty(), "no pages in {}", data_dir.display());
    let mut elapsed = Duration::ZERO;
    let mut scores = Vec::with_capacity(pages.len());
    for page in &pages {
        let start = Instant::now();
        let ex = parallax_extract::extract_html(&page.html, Some(&page.url), None);
        elapsed += start.elapsed();
        let pred = ex.paragraphs.join("\n");
        scores.push(shingle_matching(&page.truth, &pred));
    }
    let (precision, recall, f1) = metrics(&scores);
    Ok(ExtractReport {
        precision,
        recall,
        f1,
        docs: pages.len(),
        pages_per_second: Some(pages.len() as f64 / elapsed.as_secs_f64().max(1e-9)),
        extractor: "parallax-extract (dom_smoothie, formatted text, cleaned)".to_string(),
        system: "parallax".to_string(),
    })
}

/// Scores the texts in the predictions file `predictions` (JSON Lines, one `{"id", "text"}` per
/// page of the set, `id` the page's file stem as [`load`] reads it, `text` the extracted text or
/// `null`, an optional `seconds`) on the set in `data_dir`, with the same metric as [`run`].
pub fn run_predictions(data_dir: &Path, predictions: &Path, system: &str) -> Result<ExtractReport> {
    let pages = load(data_dir)?;
    anyhow::ensure!(!pages.is_empty(), "no pages in {}", data_dir.display());
    let ids: Vec<&str> = pages.iter().map(|p| p.id.as_str()).collect();
    let preds = crate::predictions::load(
        predictions,
        "id",
        &ids.iter().copied().collect(),
        &ids,
        |v, n| crate::predictions::text_field(v, "text", n),
    )?;
    Ok(score_predictions(&pages, &preds, system, predictions))
}

/// Scores `preds` (every page's predicted text) on `pages`.
pub fn score_predictions(
    pages: &[Page],
    preds: &crate::predictions::Predictions<String>,
    system: &str,
    origin: &Path,
) -> ExtractReport {
    let scores: Vec<(f64, f64, f64)> = pages
        .iter()
        .map(|p| {
            let pred = preds.by_key.get(&p.id).map(String::as_str).unwrap_or("");
            shingle_matching(&p.truth, pred)
        })
        .collect();
    let (precision, recall, f1) = metrics(&scores);
    ExtractReport {
        precision,
        recall,
        f1,
        docs: pages.len(),
        pages_per_second: preds.items_per_second(),
        extractor: format!("predictions from {}", origin.display()),
        system: system.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_and_shingles() {
        assert_eq!(
            tokenize("Putin-Trump call, 6th! Ünïcode_x"),
            vec!["Putin", "Trump", "call", "6th", "Ünïcode_x"]
        );
        let s = shingles("a b c d e");
        assert_eq!(s.len(), 2);
        assert_eq!(s.get(&vec!["a", "b", "c", "d"]), Some(&1));
        // Fewer than 4 tokens: one shingle; no tokens: none.
        assert_eq!(shingles("a b").get(&vec!["a", "b"]), Some(&1));
        assert!(shingles(" ,. ").is_empty());
        // Repeats count as a multiset.
        assert_eq!(
            shingles("a a a a a").get(&vec!["a", "a", "a", "a"]),
            Some(&2)
        );
    }

    #[test]
    fn hand_computed_document() {
        // truth: a b c d e -> {abcd, bcde}; pred: b c d e f -> {bcde, cdef}
        // TP = 1, FP = 1, FN = 1 -> each 1/3.
        let (tp, fp, fn_) = shingle_matching("a b c d e", "b c d e f");
        assert!((tp - 1.0 / 3.0).abs() < 1e-12 && (fp - 1.0 / 3.0).abs() < 1e-12);
        assert!((fn_ - 1.0 / 3.0).abs() < 1e-12);
        // Identical: TP = 1.
        assert_eq!(shingle_matching("x y z w v", "x y z w v"), (1.0, 0.0, 0.0));
        // Case matters.
        assert_eq!(shingle_matching("A b c d", "a b c d"), (0.0, 0.5, 0.5));
    }

    #[test]
    fn hand_computed_metrics() {
        // doc1: perfect; doc2: empty prediction (counts in recall only, as 0);
        // doc3: TP 1/3, FP 1/3, FN 1/3 -> P = R = 0.5.
        let docs = [
            (1.0, 0.0, 0.0),
            (0.0, 0.0, 1.0),
            (1.0 / 3.0, 1.0 / 3.0, 1.0 / 3.0),
        ];
        let (p, r, f1) = metrics(&docs);
        assert!((p - 0.75).abs() < 1e-12, "{p}");
        assert!((r - 0.5).abs() < 1e-12, "{r}");
        assert!((f1 - 0.6).abs() < 1e-12, "{f1}");
        assert_eq!(metrics(&[]), (0.0, 0.0, 0.0));
    }

    fn page(id: &str, truth: &str) -> Page {
        Page {
            id: id.to_string(),
            url: String::new(),
            html: Vec::new(),
            truth: truth.to_string(),
        }
    }

    #[test]
    fn predictions_scored_like_parallax_output() {
        // The three documents of `hand_computed_metrics`: perfect, empty (null), one third each.
        let pages = [
            page("p1", "a b c d"),
            page("p2", "e f g h"),
            page("p3", "a b c d e"),
        ];
        let lines = "{\"id\": \"p1\", \"text\": \"a b c d\", \"seconds\": 0.25}\n\
                     {\"id\": \"p2\", \"text\": null, \"seconds\": 0.25}\n\
                     {\"id\": \"p3\", \"text\": \"b c d e f\", \"seconds\": 1.0}\n";
        let ids = ["p1", "p2", "p3"];
        let known = ids.iter().copied().collect();
        let preds = crate::predictions::parse(lines, "id", &known, &ids, |v, n| {
            crate::predictions::text_field(v, "text", n)
        })
        .unwrap();
        let r = score_predictions(&pages, &preds, "peer", Path::new("p.jsonl"));
        assert!((r.precision - 0.75).abs() < 1e-12, "{r:?}");
        assert!((r.recall - 0.5).abs() < 1e-12, "{r:?}");
        assert!((r.f1 - 0.6).abs() < 1e-12, "{r:?}");
        assert_eq!(r.docs, 3);
        assert_eq!(r.system, "peer");
        assert_eq!(r.pages_per_second, Some(2.0));
        // A page without a line is an error, not an empty text.
        assert!(
            crate::predictions::parse(
                &lines[..lines.find('\n').unwrap()],
                "id",
                &known,
                &ids,
                |v, n| { crate::predictions::text_field(v, "text", n) }
            )
            .is_err()
        );
    }

    /// Runs on the real set when it is there (`cargo test -p parallax-eval --release -- --ignored`).
    #[test]
    #[ignore = "reads ../shared/eval; slow in debug builds"]
    fn scrapinghub_set() {
        let dir = &Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../../shared/eval/extraction/scrapinghub");
        if !dir.exists() {
            eprintln!("skipped: {} is absent", dir.display());
            return;
        }
        let r = run(dir).expect("the set reads");
        eprintln!("{r:?}");
        assert_eq!(r.docs, 181);
        assert!(r.f1 >= 0.95, "{r:?}");
    }
}
