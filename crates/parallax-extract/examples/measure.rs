//! Measures main-text extractors on the scrapinghub article-extraction-benchmark split with the
//! benchmark's own metric (the same as `parallax-eval`'s `extract` module), one thread, timing only
//! the extraction calls.
//!
//! rs-trafilatura was measured with this program too (an extra `"trafilatura" =>
//! rs_trafilatura::extract(&text).map(|r| r.content_text)` arm and a dev-dependency
//! `rs-trafilatura = "0.2.2"`); it lost on speed and was removed (see `MEASUREMENTS.md`).
//!
//! ```text
//! cargo run --release -p parallax-extract --example measure -- \
//!     ../shared/eval/extraction/scrapinghub [parallax|smoothie|smoothie-raw|decode|parse|parse-cut]... [--dump DIR]
//! ```
use std::collections::HashMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

fn tokens(text: &str, re: &regex::Regex) -> Vec<String> {
    re.find_iter(text).map(|m| m.as_str().to_string()).collect()
}

fn shingles(text: &str, re: &regex::Regex) -> HashMap<Vec<String>, usize> {
    let t = tokens(text, re);
    let mut out = HashMap::new();
    if t.is_empty() {
        return out;
    }
    for i in 0..t.len().saturating_sub(3).max(1) {
        *out.entry(t[i..(i + 4).min(t.len())].to_vec()).or_insert(0) += 1;
    }
    out
}

fn matching(truth: &str, pred: &str, re: &regex::Regex) -> (f64, f64, f64) {
    let (t, p) = (shingles(truth, re), shingles(pred, re));
    let (mut tp, mut fp, mut fn_) = (0usize, 0usize, 0usize);
    for (k, &tc) in &t {
        let pc = p.get(k).copied().unwrap_or(0);
        tp += tc.min(pc);
        fn_ += tc.saturating_sub(pc);
    }
    for (k, &pc) in &p {
        fp += pc.saturating_sub(t.get(k).copied().unwrap_or(0));
    }
    let s = (tp + fp + fn_) as f64;
    if s == 0.0 {
        return (0.0, 0.0, 0.0);
    }
    (tp as f64 / s, fp as f64 / s, fn_ as f64 / s)
}

fn metrics(v: &[(f64, f64, f64)]) -> (f64, f64, f64) {
    let ps: Vec<f64> = v
        .iter()
        .filter(|d| d.0 + d.1 > 0.0)
        .map(|&(tp, fp, fn_)| {
            if fp == 0.0 && fn_ == 0.0 {
                1.0
            } else {
                tp / (tp + fp)
            }
        })
        .collect();
    let rs: Vec<f64> = v
        .iter()
        .filter(|d| d.0 + d.2 > 0.0)
        .map(|&(tp, fp, fn_)| {
            if fp == 0.0 && fn_ == 0.0 {
                1.0
            } else {
                tp / (tp + fn_)
            }
        })
        .collect();
    let p = ps.iter().sum::<f64>() / ps.len().max(1) as f64;
    let r = rs.iter().sum::<f64>() / rs.len().max(1) as f64;
    (
        p,
        r,
        if p + r > 0.0 {
            2.0 * p * r / (p + r)
        } else {
            0.0
        },
    )
}

fn smoothie(html: &str, url: &str, mode: dom_smoothie::TextMode) -> String {
    let cfg = dom_smoothie::Config {
        text_mode: mode,
        ..Default::default()
    };
    dom_smoothie::Readability::new(html, Some(url), Some(cfg))
        .ok()
        .and_then(|mut r| r.parse().ok())
        .map(|a| a.text_content.to_string())
        .unwrap_or_default()
}

fn main() {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let mut dump: Option<PathBuf> = None;
    if let Some(i) = args.iter().position(|a| a == "--dump") {
        dump = args.get(i + 1).map(PathBuf::from);
        args.drain(i..(i + 2).min(args.len()));
    }
    let dir = PathBuf::from(args.first().cloned().unwrap_or_else(|| {
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../../shared/eval/extraction/scrapinghub"
        )
        .into()
    }));
    let mut which: Vec<String> = args.iter().skip(1).cloned().collect();
    if which.is_empty() {
        which = vec!["parallax".into(), "smoothie".into()];
    }
    let gt: HashMap<String, serde_json::Value> = serde_json::from_str(
        &std::fs::read_to_string(dir.join("ground-truth.json")).expect("ground truth"),
    )
    .expect("json");
    let mut pages: Vec<(String, String, Vec<u8>, String)> = gt
        .iter()
        .map(|(id, v)| {
            let mut html = Vec::new();
            let f = std::fs::File::open(Path::new(&dir).join("html").join(format!("{id}.html.gz")))
                .expect("page");
            flate2::read::GzDecoder::new(f)
                .read_to_end(&mut html)
                .expect("gunzip");
            (
                id.clone(),
                v["url"].as_str().unwrap_or_default().to_string(),
                html,
                v["articleBody"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect();
    pages.sort();
    // The candidates take text: decode once, outside the timing (parallax decodes itself, timed).
    let texts: Vec<String> = pages
        .iter()
        .map(|p| parallax_extract::decode_html(&p.2, None).0)
        .collect();
    let re = regex::Regex::new(r"\w+").expect("regex");
    for name in &which {
        let mut elapsed = Duration::ZERO;
        let mut scores = Vec::new();
        let mut rows = Vec::new();
        for (k, (id, url, html, truth)) in pages.iter().enumerate() {
            let start = Instant::now();
            let pred = match name.as_str() {
                "parallax" => parallax_extract::extract_html(html, Some(url), None)
                    .paragraphs
                    .join("\n"),
                "smoothie" => smoothie(&texts[k], url, dom_smoothie::TextMode::Formatted),
                "smoothie-raw" => smoothie(&texts[k], url, dom_smoothie::TextMode::Raw),
                // Floors: what decoding, or one HTML parse alone, costs (no text comes out).
                "decode" => {
                    std::hint::black_box(parallax_extract::decode_html(html, None));
                    String::new()
                }
                "parse" => {
                    std::hint::black_box(dom_query::Document::from(texts[k].as_str()));
                    String::new()
                }
                // The parse of the page as extraction parses it: inert parts cut first (timed).
                "parse-cut" => {
                    let cut = parallax_extract::strip_inert(&texts[k]);
                    std::hint::black_box(dom_query::Document::from(cut.as_ref()));
                    String::new()
                }
                other => panic!("unknown extractor {other}"),
            };
            elapsed += start.elapsed();
            let s = matching(truth, &pred, &re);
            rows.push(format!("{id}\t{:.3}\t{:.3}\t{:.3}\t{url}", s.0, s.1, s.2));
            scores.push(s);
            if let Some(d) = &dump {
                std::fs::create_dir_all(d.join(name)).ok();
                std::fs::write(d.join(name).join(format!("{id}.txt")), &pred).ok();
            }
        }
        let (p, r, f1) = metrics(&scores);
        println!(
            "{name:<14} F1 {f1:.3}  P {p:.3}  R {r:.3}  docs {}  {:.0} pages/s",
            scores.len(),
            scores.len() as f64 / elapsed.as_secs_f64()
        );
        if let Some(d) = &dump {
            std::fs::write(d.join(format!("{name}.tsv")), rows.join("\n")).ok();
        }
    }
}
