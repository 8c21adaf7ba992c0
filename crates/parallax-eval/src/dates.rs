//! `parallax eval dates`: publication dates measured on the Media Cloud 2020 half of the htmldate
//! evaluation set (`shared/eval/README.md`, section dates/mediacloud2020).
//!
//! Per page, the day extracted by `parallax_extract::extract_html` (the UTC day of
//! `published.at`) is compared with the true day: a right day is a TP, a wrong day an FP, no date an
//! FN. A few pages have no true date (`NaN` in `truth.json`, as htmldate's set writes it): no date
//! there is a TN, any date an FP (as htmldate's own evaluation counts them). Precision is
//! TP / (TP + FP), recall TP / (TP + FN), F1 their harmonic mean and accuracy (TP + TN) / pages.

use anyhow::{Context, Result};
use std::collections::HashMap;
use std::io::Read;
use std::path::Path;
use std::sync::LazyLock;
use std::time::{Duration, Instant};

static NAN_DATE: LazyLock<regex::Regex> =
    LazyLock::new(|| regex::Regex::new(r#"("date"\s*:\s*)NaN\b"#).expect("static regex"));

/// What `parallax eval dates` reports.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct DatesReport {
    /// TP / (TP + FP): of the dates given, the share on the right day.
    pub precision: f64,
    /// TP / (TP + FN): of the pages with a right day or none, the share with the right day.
    pub recall: f64,
    /// Harmonic mean of `precision` and `recall`.
    pub f1: f64,
    /// (TP + TN) / pages.
    pub accuracy: f64,
    /// Pages evaluated.
    pub docs: usize,
    /// Pages given the right day.
    pub tp: usize,
    /// Pages given a wrong day, or a day where there is none.
    pub fp: usize,
    /// Pages with a true date given no date.
    #[serde(rename = "fn")]
    pub fn_: usize,
    /// Pages without a true date given none.
    pub tn: usize,
    /// Pages per second, extraction calls only (no reading or decompressing), one thread; for
    /// predictions, from their `seconds` (`None` when they have none).
    pub pages_per_second: Option<f64>,
    /// The system measured (`parallax`, or the name given with predictions).
    pub system: String,
    /// Every page not given its right day (or given one where it has none), in page order.
    pub misses: Vec<DateMiss>,
}

/// A page given the wrong day, no day, or a day where it has none.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct DateMiss {
    /// The page (its URL, the key of `truth.json`).
    pub id: String,
    /// The true day, `None` when the page has none.
    pub truth: Option<String>,
    /// The day given, `None` for none.
    pub predicted: Option<String>,
}

/// The outcome of one page.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// The right day.
    Right,
    /// A wrong day.
    Wrong,
    /// No date, where there is one.
    Missing,
    /// No date, where there is none.
    RightlyNone,
}

/// The outcome of a page whose true day is `truth` ("YYYY-MM-DD", `None` when the page has none)
/// and predicted day `predicted`.
pub fn outcome(truth: Option<&str>, predicted: Option<&str>) -> Outcome {
    match (truth.map(str::trim), predicted) {
        (None, None) => Outcome::RightlyNone,
        (Some(_), None) => Outcome::Missing,
        (Some(t), Some(p)) if p == t => Outcome::Right,
        (_, Some(_)) => Outcome::Wrong,
    }
}

/// (precision, recall, F1, accuracy) from the counts of right days, wrong days, missing days and
/// rightly missing days (each 0.0 when its denominator is 0).
pub fn metrics(tp: usize, fp: usize, fn_: usize, tn: usize) -> (f64, f64, f64, f64) {
    let ratio = |a: usize, b: usize| if b > 0 { a as f64 / b as f64 } else { 0.0 };
    let precision = ratio(tp, tp + fp);
    let recall = ratio(tp, tp + fn_);
    let f1 = if precision + recall > 0.0 {
        2.0 * precision * recall / (precision + recall)
    } else {
        0.0
    };
    (precision, recall, f1, ratio(tp + tn, tp + fp + fn_ + tn))
}

/// One page of the set: URL, HTML bytes (decompressed) and the true day.
pub struct DatedPage {
    /// Page URL.
    pub url: String,
    /// Raw HTML bytes.
    pub html: Vec<u8>,
    /// The true publication day, "YYYY-MM-DD"; `None` when the page has none.
    pub date: Option<String>,
}

#[derive(serde::Deserialize)]
struct TruthEntry {
    file: String,
    date: Option<String>,
}

/// Reads the set in `data_dir` (`truth.json` and `html/<file>.gz`), sorted by URL.
pub fn load(data_dir: &Path) -> Result<Vec<DatedPage>> {
    let truth_path = data_dir.join("truth.json");
    let text = std::fs::read_to_string(&truth_path)
        .with_context(|| format!("reading {}", truth_path.display()))?;
    // The set writes a missing date as Python's bare `NaN`, which is not JSON.
    let text = NAN_DATE.replace_all(&text, "${1}null");
    let truth: HashMap<String, TruthEntry> =
        serde_json::from_str(&text).with_context(|| format!("parsing {}", truth_path.display()))?;
    let mut pages = Vec::with_capacity(truth.len());
    for (url, entry) in truth {
        let path = data_dir.join("html").join(format!("{}.gz", entry.file));
        let file =
            std::fs::File::open(&path).with_context(|| format!("opening {}", path.display()))?;
        let mut html = Vec::new();
        flate2::read::GzDecoder::new(file)
            .read_to_end(&mut html)
            .with_context(|| format!("decompressing {}", path.display()))?;
        pages.push(DatedPage {
            url,
            html,
            date: entry.date,
        });
    }
    pages.sort_by(|a, b| a.url.cmp(&b.url));
    Ok(pages)
}

/// Measures the publication dates `parallax_extract::extract_html` finds on the set in `data_dir`
/// (the folder holding `truth.json` and `html/`); only the extraction calls are timed.
pub fn run(data_dir: &Path) -> Result<DatesReport> {
    let pages = load(data_dir)?;
    anyhow::ensure!(!pages.is_empty(), "no pages in {}", data_dir.display());
    let mut elapsed = Duration::ZERO;
    let mut days = Vec::with_capacity(pages.len());
    for page in &pages {
        let start = Instant::now();
        let ex = parallax_extract::extract_html(&page.html, Some(&page.url), None);
        elapsed += start.elapsed();
        days.push(
            ex.published
                .map(|p| p.at.date_naive().format("%Y-%m-%d").to_string()),
        );
    }
    let truths: Vec<Option<&str>> = pages.iter().map(|p| p.date.as_deref()).collect();
    let predicted: Vec<Option<&str>> = days.iter().map(|d| d.as_deref()).collect();
    let ids: Vec<&str> = pages.iter().map(|p| p.url.as_str()).collect();
    Ok(score(
        &ids,
        &truths,
        &predicted,
        Some(pages.len() as f64 / elapsed.as_secs_f64().max(1e-9)),
        "parallax",
    ))
}

/// The report of the predicted days `predicted` against the true days `truths` of the pages
/// `ids` (all three in the same order).
pub fn score(
    ids: &[&str],
    truths: &[Option<&str>],
    predicted: &[Option<&str>],
    pages_per_second: Option<f64>,
    system: &str,
) -> DatesReport {
    let (mut tp, mut fp, mut fn_, mut tn) = (0usize, 0usize, 0usize, 0usize);
    let mut misses = Vec::new();
    for ((id, truth), day) in ids.iter().zip(truths).zip(predicted) {
        let o = outcome(*truth, *day);
        match o {
            Outcome::Right => tp += 1,
            Outcome::Wrong => fp += 1,
            Outcome::Missing => fn_ += 1,
            Outcome::RightlyNone => tn += 1,
        }
        if matches!(o, Outcome::Wrong | Outcome::Missing) {
            misses.push(DateMiss {
                id: id.to_string(),
                truth: truth.map(str::to_string),
                predicted: day.map(str::to_string),
            });
        }
    }
    let (precision, recall, f1, accuracy) = metrics(tp, fp, fn_, tn);
    DatesReport {
        precision,
        recall,
        f1,
        accuracy,
        docs: truths.len().min(predicted.len()),
        tp,
        fp,
        fn_,
        tn,
        pages_per_second,
        system: system.to_string(),
        misses,
    }
}

/// A predicted day: "YYYY-MM-DD" (checked), or `null` / absent for no date.
pub fn parse_day(v: &serde_json::Value, line: usize) -> Result<Option<String>> {
    match v.get("date") {
        None | Some(serde_json::Value::Null) => Ok(None),
        Some(serde_json::Value::String(s)) => {
            let day = chrono::NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d")
                .with_context(|| format!("line {line}: date {s:?} is not YYYY-MM-DD"))?;
            Ok(Some(day.format("%Y-%m-%d").to_string()))
        }
        Some(_) => anyhow::bail!("line {line}: \"date\" is neither a string nor null"),
    }
}

/// Scores the days in the predictions file `predictions` (JSON Lines, one `{"id", "date"}` per
/// page of the set: `id` the page's URL, the key of `truth.json`, as [`load`] reads it; `date`
/// "YYYY-MM-DD" or `null`; an optional `seconds`) on the set in `data_dir`, as [`run`] scores
/// Parallax's.
pub fn run_predictions(data_dir: &Path, predictions: &Path, system: &str) -> Result<DatesReport> {
    let pages = load(data_dir)?;
    anyhow::ensure!(!pages.is_empty(), "no pages in {}", data_dir.display());
    let ids: Vec<&str> = pages.iter().map(|p| p.url.as_str()).collect();
    let preds = crate::predictions::load(
        predictions,
        "id",
        &ids.iter().copied().collect(),
        &ids,
        parse_day,
    )?;
    let truths: Vec<Option<&str>> = pages.iter().map(|p| p.date.as_deref()).collect();
    let predicted: Vec<Option<&str>> = pages
        .iter()
        .map(|p| preds.by_key.get(&p.url).and_then(|d| d.as_deref()))
        .collect();
    Ok(score(
        &ids,
        &truths,
        &predicted,
        preds.items_per_second(),
        system,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outcomes() {
        let t = Some("2020-03-04");
        assert_eq!(outcome(t, Some("2020-03-04")), Outcome::Right);
        assert_eq!(outcome(t, Some("2020-03-05")), Outcome::Wrong);
        assert_eq!(outcome(t, None), Outcome::Missing);
        assert_eq!(outcome(None, Some("2020-03-04")), Outcome::Wrong);
        assert_eq!(outcome(None, None), Outcome::RightlyNone);
    }

    #[test]
    fn hand_computed_metrics() {
        // 6 right, 2 wrong, 2 missing: P = 6/8, R = 6/8, F1 = 0.75, accuracy 6/10.
        let (p, r, f1, a) = metrics(6, 2, 2, 0);
        assert!((p - 0.75).abs() < 1e-12 && (r - 0.75).abs() < 1e-12);
        assert!((f1 - 0.75).abs() < 1e-12 && (a - 0.6).abs() < 1e-12);
        // 8 right, 0 wrong, 2 missing: P = 1, R = 0.8, F1 = 1.6/1.8, accuracy 0.8.
        let (p, r, f1, a) = metrics(8, 0, 2, 0);
        assert!((p - 1.0).abs() < 1e-12 && (r - 0.8).abs() < 1e-12);
        assert!((f1 - 1.6 / 1.8).abs() < 1e-12 && (a - 0.8).abs() < 1e-12);
        // 3 right, 1 wrong, 0 missing: P = 0.75, R = 1, F1 = 1.5/1.75, accuracy 0.75.
        let (p, r, f1, a) = metrics(3, 1, 0, 0);
        assert!((p - 0.75).abs() < 1e-12 && (r - 1.0).abs() < 1e-12);
        assert!((f1 - 1.5 / 1.75).abs() < 1e-12 && (a - 0.75).abs() < 1e-12);
        // Nothing right: all zero, no division by zero.
        // 5 right, 1 wrong, 2 missing, 2 rightly none: P = 5/6, R = 5/7, F1 = 10/13,
        // accuracy 7/10.
        let (p, r, f1, a) = metrics(5, 1, 2, 2);
        assert!((p - 5.0 / 6.0).abs() < 1e-12 && (r - 5.0 / 7.0).abs() < 1e-12);
        assert!((f1 - 10.0 / 13.0).abs() < 1e-12 && (a - 0.7).abs() < 1e-12);
        // Nothing right: all zero, no division by zero.
        assert_eq!(metrics(0, 0, 0, 0), (0.0, 0.0, 0.0, 0.0));
        assert_eq!(metrics(0, 2, 3, 0), (0.0, 0.0, 0.0, 0.0));
    }

    #[test]
    fn nan_dates_read_as_none() {
        let text = r#"{"u1": {"file": "a.html", "date": NaN}, "u2": {"file": "NaN", "date": "2020-01-02"}}"#;
        let fixed = NAN_DATE.replace_all(text, "${1}null");
        let t: HashMap<String, TruthEntry> = serde_json::from_str(&fixed).expect("parses");
        assert_eq!(t["u1"].date, None);
        assert_eq!(t["u2"].file, "NaN");
        assert_eq!(t["u2"].date.as_deref(), Some("2020-01-02"));
    }

    #[test]
    fn report_serializes_fn() {
        let r = DatesReport {
            precision: 1.0,
            recall: 1.0,
            f1: 1.0,
            accuracy: 1.0,
            docs: 1,
            tp: 1,
            fp: 0,
            fn_: 0,
            tn: 0,
            pages_per_second: Some(1.0),
            system: "parallax".to_string(),
            misses: Vec::new(),
        };
        let v = serde_json::to_value(&r).expect("serializes");
        assert_eq!(v["fn"], 0);
        assert!(v.get("fn_").is_none());
    }

    #[test]
    fn predictions_scored() {
        // Pages u1..u5: truths 2020-01-02, 2020-01-03, none, 2020-01-05, none.
        let ids = ["u1", "u2", "u3", "u4", "u5"];
        let truths = [
            Some("2020-01-02"),
            Some("2020-01-03"),
            None,
            Some("2020-01-05"),
            None,
        ];
        // u1 right, u2 wrong, u3 a date where there is none (wrong), u4 missing, u5 rightly none:
        // TP 1, FP 2, FN 1, TN 1 -> P 1/3, R 1/2, F1 0.4, accuracy 2/5.
        let lines = r#"{"id": "u1", "date": "2020-01-02", "seconds": 0.1}
{"id": "u2", "date": "2020-01-04", "seconds": 0.1}
{"id": "u3", "date": "2019-12-31", "seconds": 0.1}
{"id": "u4", "date": null, "seconds": 0.1}
{"id": "u5", "seconds": 0.1}"#;
        let preds =
            crate::predictions::parse(lines, "id", &ids.iter().copied().collect(), &ids, parse_day)
                .unwrap();
        let predicted: Vec<Option<&str>> =
            ids.iter().map(|id| preds.by_key[*id].as_deref()).collect();
        let r = score(
            &ids,
            &truths,
            &predicted,
            preds.items_per_second(),
            "htmldate",
        );
        assert_eq!((r.tp, r.fp, r.fn_, r.tn), (1, 2, 1, 1));
        let missed: Vec<(&str, Option<&str>, Option<&str>)> = r
            .misses
            .iter()
            .map(|m| (m.id.as_str(), m.truth.as_deref(), m.predicted.as_deref()))
            .collect();
        assert_eq!(
            missed,
            [
                ("u2", Some("2020-01-03"), Some("2020-01-04")),
                ("u3", None, Some("2019-12-31")),
                ("u4", Some("2020-01-05"), None)
            ]
        );
        assert!((r.precision - 1.0 / 3.0).abs() < 1e-12 && (r.recall - 0.5).abs() < 1e-12);
        assert!((r.f1 - 0.4).abs() < 1e-12 && (r.accuracy - 0.4).abs() < 1e-12);
        assert!((r.pages_per_second.unwrap() - 10.0).abs() < 1e-9);
        assert_eq!(r.system, "htmldate");
        // Dates must be days.
        let v = serde_json::json!({"id": "u1", "date": "2020-01-02T10:00:00"});
        assert!(parse_day(&v, 1).is_err());
        let v = serde_json::json!({"id": "u1", "date": "2020-02-30"});
        assert!(parse_day(&v, 1).is_err());
    }

    /// Runs on the real set when it is there (`cargo test -p parallax-eval --release -- --ignored`).
    #[test]
    #[ignore = "reads ../shared/eval; slow in debug builds"]
    fn mediacloud2020_set() {
        let dir = Path::new(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../../shared/eval/dates/mediacloud2020"
        ));
        if !dir.exists() {
            eprintln!("skipped: {} is absent", dir.display());
            return;
        }
        let r = run(dir).expect("the set reads");
        eprintln!("{r:?}");
        assert_eq!(r.docs, 91);
        assert_eq!(r.tp + r.fp + r.fn_ + r.tn, r.docs);
    }
}
