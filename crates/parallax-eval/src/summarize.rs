//! `parallax eval summarize`: story summaries measured with ROUGE against the allsides editors'
//! neutral roundups (`shared/eval/README.md`, section summarization).
//!
//! ROUGE follows Google's `rouge-score` package: text is lower-cased, every run of characters other
//! than `[a-z0-9]` becomes a space, the tokens are the whitespace-separated pieces and, with
//! stemming on, tokens longer than 3 characters are stemmed. ROUGE-N counts the n-grams shared by
//! candidate and reference as multisets: recall is the overlap over the reference's n-grams,
//! precision the overlap over the candidate's, F1 their harmonic mean. ROUGE-L is `rougeL` there:
//! the longest common subsequence of the two whole token sequences (newlines ignored), over the
//! reference's length (recall) and the candidate's (precision).
//!
//! Known difference: `rouge-score` stems with NLTK's Porter stemmer (its `NLTK_EXTENSIONS` mode);
//! this uses the Snowball English stemmer (Porter2, `rust-stemmers`), which agrees on most words but
//! not all, so figures may differ slightly from the package's.

use anyhow::{Context, bail};
use parallax_core::{Article, ArticleId, SourceId};
use rust_stemmers::{Algorithm, Stemmer};
use std::collections::HashMap;
use std::path::Path;
use std::sync::LazyLock;

/// Precision, recall and F1 of one ROUGE comparison.
#[derive(Clone, Copy, Debug, Default, PartialEq, serde::Serialize)]
pub struct Score {
    /// Shared units over the candidate's.
    pub precision: f64,
    /// Shared units over the reference's.
    pub recall: f64,
    /// Harmonic mean of `precision` and `recall` (0.0 when both are 0).
    pub f1: f64,
}

impl Score {
    fn from_counts(overlap: usize, candidate: usize, reference: usize) -> Self {
        let precision = overlap as f64 / candidate.max(1) as f64;
        let recall = overlap as f64 / reference.max(1) as f64;
        let f1 = if precision + recall > 0.0 {
            2.0 * precision * recall / (precision + recall)
        } else {
            0.0
        };
        Score {
            precision,
            recall,
            f1,
        }
    }
}

/// What `parallax eval summarize` reports: means over the stories scored.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
#[allow(non_snake_case)]
pub struct SummarizeReport {
    /// Mean ROUGE-1 recall.
    pub rouge1_recall: f64,
    /// Mean ROUGE-1 F1.
    pub rouge1_f1: f64,
    /// Mean ROUGE-2 recall.
    pub rouge2_recall: f64,
    /// Mean ROUGE-2 F1.
    pub rouge2_f1: f64,
    /// Mean ROUGE-L recall.
    pub rougeL_recall: f64,
    /// Mean ROUGE-L F1.
    pub rougeL_f1: f64,
    /// Stories scored (those with a reference and at least one article).
    pub stories: usize,
    /// The word budget the summaries were cut to.
    pub words: usize,
    /// Stories summarised per second (Parallax: the `analyze` calls alone, which also compute the
    /// story's title and coverage; predictions: from their `seconds`, `None` when they have none).
    pub stories_per_second: Option<f64>,
    /// The system measured (`parallax`, or the name given with predictions).
    pub system: String,
}

static STEMMER: LazyLock<Stemmer> = LazyLock::new(|| Stemmer::create(Algorithm::English));

/// The ROUGE tokens of `text`: lower-cased, split on every character other than `[a-z0-9]`, tokens
/// longer than 3 characters stemmed when `stem` is on.
pub fn tokenize(text: &str, stem: bool) -> Vec<String> {
    let lower = text.to_lowercase();
    lower
        .split(|c: char| !(c.is_ascii_lowercase() || c.is_ascii_digit()))
        .filter(|t| !t.is_empty())
        .map(|t| {
            if stem && t.len() > 3 {
                STEMMER.stem(t).into_owned()
            } else {
                t.to_string()
            }
        })
        .filter(|t| !t.is_empty())
        .collect()
}

fn ngrams(tokens: &[String], n: usize) -> HashMap<&[String], usize> {
    let mut out: HashMap<&[String], usize> = HashMap::new();
    if n == 0 {
        return out;
    }
    for gram in tokens.windows(n) {
        *out.entry(gram).or_insert(0) += 1;
    }
    out
}

/// ROUGE-N of `candidate` against `reference`: n-gram multiset overlap.
pub fn rouge_n(candidate: &str, reference: &str, n: usize, stem: bool) -> Score {
    let c = tokenize(candidate, stem);
    let r = tokenize(reference, stem);
    let cg = ngrams(&c, n);
    let rg = ngrams(&r, n);
    let overlap: usize = rg
        .iter()
        .map(|(g, &rc)| rc.min(cg.get(g).copied().unwrap_or(0)))
        .sum();
    Score::from_counts(overlap, cg.values().sum(), rg.values().sum())
}

/// Length of the longest common subsequence of `a` and `b`.
pub fn lcs_len<T: PartialEq>(a: &[T], b: &[T]) -> usize {
    let mut prev = vec![0usize; b.len() + 1];
    let mut cur = vec![0usize; b.len() + 1];
    for x in a {
        for (j, y) in b.iter().enumerate() {
            cur[j + 1] = if x == y {
                prev[j] + 1
            } else {
                prev[j + 1].max(cur[j])
            };
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

/// ROUGE-L (`rougeL` of `rouge-score`) of `candidate` against `reference`: the longest common
/// subsequence of the whole token sequences. All zero when either text has no tokens.
pub fn rouge_l(candidate: &str, reference: &str, stem: bool) -> Score {
    let c = tokenize(candidate, stem);
    let r = tokenize(reference, stem);
    if c.is_empty() || r.is_empty() {
        return Score::default();
    }
    Score::from_counts(lcs_len(&c, &r), c.len(), r.len())
}

/// The first `words` whitespace-separated words of `text`, joined by single spaces.
pub fn cut_words(text: &str, words: usize) -> String {
    text.split_whitespace()
        .take(words)
        .collect::<Vec<_>>()
        .join(" ")
}

fn story_key(v: &serde_json::Value, line: usize) -> anyhow::Result<String> {
    Ok(match &v["story"] {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Number(x) => x.to_string(),
        _ => bail!("line {line}: no \"story\""),
    })
}

fn read_lines(path: &Path) -> anyhow::Result<Vec<(usize, serde_json::Value)>> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    let mut out = Vec::new();
    for (n, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let v: serde_json::Value = serde_json::from_str(line)
            .with_context(|| format!("{} line {}: not JSON", path.display(), n + 1))?;
        out.push((n + 1, v));
    }
    Ok(out)
}

/// The article of one allsides articles line (`{"story", "id", "source", "title", "text", ...}`):
/// paragraphs are the text's non-blank lines; language "en"; no URL, date or byline.
pub fn article_from_line(v: &serde_json::Value, line: usize) -> Article {
    let s = |x: &serde_json::Value| x.as_str().unwrap_or("").to_string();
    let id = match v["id"].as_str() {
        Some(id) => id.to_string(),
        None => format!("line{line}"),
    };
    let title = s(&v["title"]);
    let text = s(&v["text"]);
    let paragraphs: Vec<String> = text
        .split('\n')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(str::to_string)
        .collect();
    let source = match v["source"].as_str() {
        Some(name) if !name.trim().is_empty() => SourceId::from_key(name.trim()),
        _ => SourceId::unknown(),
    };
    let content_hash =
        parallax_core::content_hash(&format!("{title}\n\n{}", paragraphs.join("\n\n")));
    Article {
        section: None,
        id: ArticleId(id.clone()),
        source,
        url: None,
        canonical_url: None,
        title,
        byline: None,
        published: None,
        language: Some("en".to_string()),
        paragraphs,
        content_hash,
        fetched_at: chrono::DateTime::<chrono::Utc>::default(),
        origin: id,
        warnings: Vec::new(),
        excerpts: Vec::new(),
        attribution: Default::default(),
    }
}

fn articles_by_story(articles: &Path) -> anyhow::Result<HashMap<String, Vec<Article>>> {
    let mut by_story: HashMap<String, Vec<Article>> = HashMap::new();
    for (n, v) in read_lines(articles)? {
        let story = story_key(&v, n).with_context(|| articles.display().to_string())?;
        by_story
            .entry(story)
            .or_default()
            .push(article_from_line(&v, n));
    }
    Ok(by_story)
}

/// The (story, reference summary) pairs of `references` whose story has articles in `by_story`
/// and whose summary is not blank, in file order: the stories scored.
fn scored_references(
    references: &Path,
    by_story: &HashMap<String, Vec<Article>>,
) -> anyhow::Result<Vec<(String, String)>> {
    let mut out = Vec::new();
    for (n, v) in read_lines(references)? {
        let story = story_key(&v, n).with_context(|| references.display().to_string())?;
        let reference = v["summary"].as_str().unwrap_or("");
        if reference.trim().is_empty() || !by_story.contains_key(&story) {
            continue;
        }
        out.push((story, reference.to_string()));
    }
    Ok(out)
}

/// The report of `candidates` (one summary per story, uncut) against `references` (same order):
/// each candidate cut to `words` words and scored, stemmed, against the whole reference; means
/// over the stories.
pub fn score(
    candidates: &[&str],
    references: &[&str],
    words: usize,
    stories_per_second: Option<f64>,
    system: &str,
) -> SummarizeReport {
    let mut sums = [0.0f64; 6];
    let mut stories = 0usize;
    for (text, reference) in candidates.iter().zip(references) {
        let candidate = cut_words(text, words);
        let r1 = rouge_n(&candidate, reference, 1, true);
        let r2 = rouge_n(&candidate, reference, 2, true);
        let rl = rouge_l(&candidate, reference, true);
        for (sum, x) in sums
            .iter_mut()
            .zip([r1.recall, r1.f1, r2.recall, r2.f1, rl.recall, rl.f1])
        {
            *sum += x;
        }
        stories += 1;
    }
    let mean = |i: usize| {
        if stories > 0 {
            sums[i] / stories as f64
        } else {
            0.0
        }
    };
    SummarizeReport {
        rouge1_recall: mean(0),
        rouge1_f1: mean(1),
        rouge2_recall: mean(2),
        rouge2_f1: mean(3),
        rougeL_recall: mean(4),
        rougeL_f1: mean(5),
        stories,
        words,
        stories_per_second,
        system: system.to_string(),
    }
}

/// Summarises every story of `articles` (the allsides articles JSONL, grouped by `story`) that has
/// a reference in `references` (`{"story", "summary", ...}` per line) with
/// `parallax_analysis::analyze`, joins the bullets with spaces, cuts the result to `words` words and
/// scores it, stemmed, against the whole reference summary.
pub fn run(articles: &Path, references: &Path, words: usize) -> anyhow::Result<SummarizeReport> {
    let by_story = articles_by_story(articles)?;
    let refs = scored_references(references, &by_story)?;
    anyhow::ensure!(
        !refs.is_empty(),
        "no story of {} has a reference in {}",
        articles.display(),
        references.display()
    );
    let mut elapsed = std::time::Duration::ZERO;
    let mut texts = Vec::with_capacity(refs.len());
    for (story, _) in &refs {
        let start = std::time::Instant::now();
        let analysis = parallax_analysis::analyze(&by_story[story], &[]);
        elapsed += start.elapsed();
        texts.push(
            analysis
                .summary
                .iter()
                .map(|b| b.text.as_str())
                .collect::<Vec<_>>()
                .join(" "),
        );
    }
    let candidates: Vec<&str> = texts.iter().map(String::as_str).collect();
    let references: Vec<&str> = refs.iter().map(|(_, r)| r.as_str()).collect();
    let rate = Some(refs.len() as f64 / elapsed.as_secs_f64().max(1e-9));
    Ok(score(&candidates, &references, words, rate, "parallax"))
}

/// Scores the summaries in the predictions file `predictions` (JSON Lines, one `{"story",
/// "summary"}` per story: `story` as in the articles file, `summary` the whole summary or `null`,
/// cut to `words` words here; an optional `seconds`) like [`run`] scores Parallax's. Every story
/// that [`run`] scores needs a line; lines for other stories of `articles` are ignored.
pub fn run_predictions(
    articles: &Path,
    references: &Path,
    words: usize,
    predictions: &Path,
    system: &str,
) -> anyhow::Result<SummarizeReport> {
    let by_story = articles_by_story(articles)?;
    let refs = scored_references(references, &by_story)?;
    anyhow::ensure!(
        !refs.is_empty(),
        "no story of {} has a reference in {}",
        articles.display(),
        references.display()
    );
    let known: std::collections::HashSet<&str> = by_story.keys().map(String::as_str).collect();
    let required: Vec<&str> = refs.iter().map(|(s, _)| s.as_str()).collect();
    let preds = crate::predictions::load(predictions, "story", &known, &required, |v, n| {
        crate::predictions::text_field(v, "summary", n)
    })?;
    Ok(score_predictions(&refs, &preds, words, system))
}

fn score_predictions(
    refs: &[(String, String)],
    preds: &crate::predictions::Predictions<String>,
    words: usize,
    system: &str,
) -> SummarizeReport {
    let candidates: Vec<&str> = refs
        .iter()
        .map(|(s, _)| preds.by_key.get(s).map(String::as_str).unwrap_or(""))
        .collect();
    let references: Vec<&str> = refs.iter().map(|(_, r)| r.as_str()).collect();
    score(
        &candidates,
        &references,
        words,
        preds.items_per_second(),
        system,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-12
    }

    #[test]
    fn tokens() {
        assert_eq!(
            tokenize("The U.S. isn't 2nd-rate!", false),
            vec!["the", "u", "s", "isn", "t", "2nd", "rate"]
        );
        // Non-ASCII letters are separators, as in rouge-score.
        assert_eq!(tokenize("Café déjà", false), vec!["caf", "d", "j"]);
        // Only tokens longer than 3 characters are stemmed.
        assert_eq!(
            tokenize("cats running was", true),
            vec!["cat", "run", "was"]
        );
        assert!(tokenize(" ,. ", true).is_empty());
    }

    #[test]
    fn rouge1_and_2_hand_computed() {
        // cand: the cat sat on the mat (6 tokens); ref: the cat is on the mat (6 tokens).
        // Unigram overlap: the x2, cat, on, mat = 5 -> P = R = 5/6.
        let s = rouge_n("the cat sat on the mat", "the cat is on the mat", 1, false);
        assert!(close(s.precision, 5.0 / 6.0) && close(s.recall, 5.0 / 6.0));
        assert!(close(s.f1, 5.0 / 6.0));
        // Bigrams: cand {the cat, cat sat, sat on, on the, the mat}, ref {the cat, cat is, is on,
        // on the, the mat}: overlap 3 of 5 each.
        let s = rouge_n("the cat sat on the mat", "the cat is on the mat", 2, false);
        assert!(close(s.precision, 0.6) && close(s.recall, 0.6) && close(s.f1, 0.6));
        // Unequal lengths: cand "a b" vs ref "a b c d": P = 1, R = 0.5, F1 = 2/3.
        let s = rouge_n("a b", "a b c d", 1, false);
        assert!(close(s.precision, 1.0) && close(s.recall, 0.5) && close(s.f1, 2.0 / 3.0));
        // Multiset clipping: cand "a a a" vs ref "a b": overlap 1 -> P = 1/3, R = 1/2, F1 = 0.4.
        let s = rouge_n("a a a", "a b", 1, false);
        assert!(close(s.precision, 1.0 / 3.0) && close(s.recall, 0.5) && close(s.f1, 0.4));
    }

    #[test]
    fn empty_candidate() {
        assert_eq!(rouge_n("", "the cat", 1, true), Score::default());
        assert_eq!(rouge_n("...", "the cat", 2, true), Score::default());
        assert_eq!(rouge_l("", "the cat", true), Score::default());
        // Shorter than n: no n-grams.
        assert_eq!(rouge_n("cat", "the cat", 2, false), Score::default());
    }

    #[test]
    fn stemming_matters() {
        // "running dogs" vs "dogs run": unstemmed only "dogs" matches (P = R = 1/2); stemmed
        // "run dog" vs "dog run" both tokens match (P = R = 1).
        let plain = rouge_n("running dogs", "dogs run", 1, false);
        assert!(close(plain.f1, 0.5));
        let stemmed = rouge_n("running dogs", "dogs run", 1, true);
        assert!(close(stemmed.f1, 1.0));
        // ROUGE-L: stemmed LCS of [run, dog] and [dog, run] is 1 -> P = R = 1/2.
        let l = rouge_l("running dogs", "dogs run", true);
        assert!(close(l.precision, 0.5) && close(l.recall, 0.5));
    }

    #[test]
    fn rouge_l_hand_computed() {
        // cand: police shot the man (4); ref: the police officers shot a man (6).
        // LCS: police shot man = 3 -> P = 3/4, R = 1/2, F1 = 0.6.
        let s = rouge_l(
            "police shot the man",
            "the police officers shot a man",
            false,
        );
        assert!(close(s.precision, 0.75) && close(s.recall, 0.5) && close(s.f1, 0.6));
        assert_eq!(lcs_len(&[1, 2, 3, 4], &[2, 4, 3]), 2);
        assert_eq!(lcs_len::<u8>(&[], &[1]), 0);
        // Identical texts: all 1.
        let s = rouge_l("Same text here.", "same text here", true);
        assert!(close(s.f1, 1.0));
    }

    #[test]
    fn cuts_words() {
        assert_eq!(cut_words(" a  b\nc d ", 3), "a b c");
        assert_eq!(cut_words("a b", 100), "a b");
        assert_eq!(cut_words("a b", 0), "");
    }

    #[test]
    fn article_lines() {
        let v: serde_json::Value = serde_json::from_str(
            r#"{"story": "1", "id": "1-left", "source": "CNN", "title": "T", "text": "P one.\n\nP two.\n"}"#,
        )
        .expect("json");
        let a = article_from_line(&v, 1);
        assert_eq!(a.id.as_str(), "1-left");
        assert_eq!(a.paragraphs, vec!["P one.", "P two."]);
        assert_eq!(a.language.as_deref(), Some("en"));
        assert_eq!(a.source, SourceId::from_key("CNN"));
    }

    #[test]
    fn report_field_names() {
        let r = SummarizeReport {
            rouge1_recall: 0.0,
            rouge1_f1: 0.0,
            rouge2_recall: 0.0,
            rouge2_f1: 0.0,
            rougeL_recall: 0.0,
            rougeL_f1: 0.0,
            stories: 0,
            words: 100,
            stories_per_second: None,
            system: "parallax".to_string(),
        };
        let v = serde_json::to_value(&r).expect("serializes");
        for k in ["rouge1_f1", "rouge2_recall", "rougeL_recall", "rougeL_f1"] {
            assert!(v.get(k).is_some(), "{k}");
        }
    }

    #[test]
    fn predictions_scored() {
        // Two stories with references; the predictions are cut to 3 words before scoring.
        // s1: "the cat sat on" -> "the cat sat" vs "the cat sat": all 1.
        // s2: null -> all 0. Means: 0.5 everywhere.
        let refs = vec![
            ("s1".to_string(), "the cat sat".to_string()),
            ("s2".to_string(), "a dog ran".to_string()),
        ];
        let known = ["s1", "s2", "s3"].into_iter().collect();
        let lines = r#"{"story": "s1", "summary": "the cat sat on", "seconds": 0.5}
{"story": "s2", "summary": null, "seconds": 0.5}
{"story": "s3", "summary": "no reference, not scored", "seconds": 1.0}"#;
        let preds = crate::predictions::parse(lines, "story", &known, &["s1", "s2"], |v, n| {
            crate::predictions::text_field(v, "summary", n)
        })
        .unwrap();
        let r = score_predictions(&refs, &preds, 3, "lead");
        assert_eq!(r.stories, 2);
        for x in [r.rouge1_f1, r.rouge1_recall, r.rouge2_f1, r.rougeL_f1] {
            assert!(close(x, 0.5), "{r:?}");
        }
        assert_eq!(r.stories_per_second, Some(1.5));
        assert_eq!(r.system, "lead");
        // A scored story without a line is an error.
        assert!(
            crate::predictions::parse(lines, "story", &known, &["s1", "s2", "s4"], |v, n| {
                crate::predictions::text_field(v, "summary", n)
            })
            .is_err()
        );
    }

    /// Runs on the real sets when they are there
    /// (`cargo test -p parallax-eval --release -- --ignored`).
    #[test]
    #[ignore = "reads ../shared/eval; slow in debug builds"]
    fn allsides_dev_roundups() {
        let shared = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/eval");
        let articles = &shared.join("clustering/allsides-dev.articles.jsonl");
        let references = &shared.join("summarization/allsides-dev.roundups.jsonl");
        if !articles.exists() || !references.exists() {
            eprintln!("skipped: the allsides-dev sets are absent");
            return;
        }
        let r = run(articles, references, 100).expect("the sets read");
        eprintln!("{r:?}");
        assert!(r.stories > 0);
    }
}
