//! `parallax eval cluster`: story clustering measured against a gold clustering.
//!
//! Reads either the allsides articles format (one article per line: `{"story", "id", "title",
//! "text", ...}`) or the NeuS triplets format (one story per line: `{"story", "articles": [{"title",
//! "text"}, ...]}`, flattened, article ids `story-index`), feeds the articles to the online
//! clusterer in file order, then consolidates the whole set at once
//! ([`parallax_cluster::consolidate`], the whole set being the window), and scores both with
//! BCubed and pairwise precision/recall/F1 (as defined in `shared/eval/README.md`). The report's
//! main figures describe the consolidated stories (what the product shows after its consolidation
//! pass); the online pass's are under [`ClusterReport::online`].

use anyhow::{Context, bail};
use parallax_cluster::{ClusterConfig, ClusterDoc, Clusterer, consolidate};
use parallax_core::ArticleId;
use parallax_embed::cache::EmbeddingCache;
use std::collections::HashMap;
use std::hash::Hash;
use std::path::Path;
use std::time::Instant;

/// The scores of one clustering run. For Parallax the main figures (BCubed, pairwise, `stories`,
/// `articles_per_second`) describe the consolidated stories, and [`ClusterReport::online`] the
/// online pass before consolidation; for predictions, the predicted clusters.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct ClusterReport {
    /// The scores of the stories measured (flattened into the report's JSON).
    #[serde(flatten)]
    pub scores: ClusterScores,
    /// Articles clustered.
    pub articles: usize,
    /// Stories in the gold clustering.
    pub gold_stories: usize,
    /// Whether the articles carried embeddings (from a cache file, see
    /// [`run_with_embeddings`]).
    pub embeddings: bool,
    /// The system measured (`parallax`, or the name given with predictions).
    pub system: String,
    /// Parallax: the online pass alone, before consolidation (`None`, and left out of the JSON,
    /// for predictions).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub online: Option<ClusterScores>,
    /// Parallax: seconds of the consolidation step alone (`None`, and left out of the JSON, for
    /// predictions).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub consolidation_seconds: Option<f64>,
}

/// The scores of one clustering of the set: the report's main figures, and the online pass in
/// [`ClusterReport::online`].
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct ClusterScores {
    /// BCubed precision (mean over articles).
    pub bcubed_precision: f64,
    /// BCubed recall (mean over articles).
    pub bcubed_recall: f64,
    /// BCubed F1 (from the two means).
    pub bcubed_f1: f64,
    /// Pairwise precision: of the article pairs put together, the share that belong together.
    pub pairwise_precision: f64,
    /// Pairwise recall: of the article pairs that belong together, the share put together.
    pub pairwise_recall: f64,
    /// Pairwise F1.
    pub pairwise_f1: f64,
    /// Stories predicted.
    pub stories: usize,
    /// Seconds of the clustering measured (`None` for predictions, and left out of the JSON).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub seconds: Option<f64>,
    /// Articles per second through the clustering steps alone (no reading or parsing): for
    /// Parallax's main figures the online pass and the consolidation together; for predictions,
    /// from their `seconds` (`None` when they have none, or when too fast to time).
    pub articles_per_second: Option<f64>,
}

/// One article of an evaluation set with its gold story.
#[derive(Clone, Debug, PartialEq)]
pub struct GoldDoc {
    /// The gold story.
    pub story: String,
    /// The article as the clusterer sees it.
    pub doc: ClusterDoc,
}

/// Reads an evaluation set, detecting its format line by line (allsides articles or NeuS
/// triplets).
pub fn load(path: &Path) -> anyhow::Result<Vec<GoldDoc>> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    parse(&text).with_context(|| format!("parsing {}", path.display()))
}

/// Parses the lines of an evaluation set (see [`load`]).
pub fn parse(text: &str) -> anyhow::Result<Vec<GoldDoc>> {
    let mut out = Vec::new();
    for (n, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let v: serde_json::Value =
            serde_json::from_str(line).with_context(|| format!("line {}: not JSON", n + 1))?;
        let story = match &v["story"] {
            serde_json::Value::String(s) => s.clone(),
            serde_json::Value::Number(x) => x.to_string(),
            _ => bail!("line {}: no \"story\"", n + 1),
        };
        let s = |x: &serde_json::Value| x.as_str().unwrap_or("").to_string();
        if let Some(articles) = v["articles"].as_array() {
            for (i, a) in articles.iter().enumerate() {
                out.push(GoldDoc {
                    story: story.clone(),
                    doc: ClusterDoc {
                        id: ArticleId(format!("{story}-{i}")),
                        title: s(&a["title"]),
                        text: s(&a["text"]),
                        language: None,
                        published: None,
                        source: None,
                        embedding: None,
                    },
                });
            }
        } else {
            let id = match v["id"].as_str() {
                Some(id) => id.to_string(),
                None => format!("{story}-line{}", n + 1),
            };
            out.push(GoldDoc {
                story,
                doc: ClusterDoc {
                    id: ArticleId(id),
                    title: s(&v["title"]),
                    text: s(&v["text"]),
                    language: None,
                    published: None,
                    source: v["source"].as_str().map(str::to_string),
                    embedding: None,
                },
            });
        }
    }
    Ok(out)
}

/// Clusters the evaluation set at `path` with the default configuration, in file order, and scores
/// it.
pub fn run(path: &Path) -> anyhow::Result<ClusterReport> {
    let docs = load(path)?;
    if docs.is_empty() {
        bail!("{}: no articles", path.display());
    }
    Ok(evaluate(&docs, ClusterConfig::default()))
}

/// Like [`run`], with each article's embedding taken from the embedding cache file `cache` (as
/// written by `parallax-embed`'s `embed_jsonl` example: one vector per article of the set, ids in
/// the order [`load`] reads them).
pub fn run_with_embeddings(path: &Path, cache: &Path) -> anyhow::Result<ClusterReport> {
    let mut docs = load(path)?;
    if docs.is_empty() {
        bail!("{}: no articles", path.display());
    }
    attach_embeddings(&mut docs, &parallax_embed::cache::read(cache)?)
        .with_context(|| format!("{} with {}", path.display(), cache.display()))?;
    Ok(evaluate(&docs, ClusterConfig::default()))
}

/// Gives each article its vector from `cache`: the cache must hold exactly the set's articles, in
/// order (ids compared).
pub fn attach_embeddings(docs: &mut [GoldDoc], cache: &EmbeddingCache) -> anyhow::Result<()> {
    if cache.ids.len() != docs.len() {
        bail!(
            "the cache holds {} vectors for {} articles",
            cache.ids.len(),
            docs.len()
        );
    }
    if cache.dim == 0 {
        bail!("the cache's vectors are empty");
    }
    for (i, (d, id)) in docs.iter_mut().zip(&cache.ids).enumerate() {
        if d.doc.id.as_str() != id {
            bail!(
                "article {i}: id {} in the set, {id} in the cache",
                d.doc.id.as_str()
            );
        }
        d.doc.embedding = Some(cache.data[i * cache.dim..(i + 1) * cache.dim].to_vec());
    }
    Ok(())
}

/// Clusters `docs` with `config`: the online pass in the given order, then the consolidation of
/// all of them ([`parallax_cluster::consolidate`]); scores both (the consolidated stories in the
/// main figures, the online pass in [`ClusterReport::online`]).
pub fn evaluate(docs: &[GoldDoc], config: ClusterConfig) -> ClusterReport {
    let gold: Vec<&str> = docs.iter().map(|d| d.story.as_str()).collect();
    // In the pipeline extraction detects each article's language before it is clustered: so
    // here, outside the timing (the same detection the clusterer would run, so the same groups).
    let plain: Vec<ClusterDoc> = docs
        .iter()
        .map(|d| {
            let mut doc = d.doc.clone();
            if doc.language.is_none() {
                // Undetermined stays unknown, as extraction leaves it.
                doc.language =
                    Some(parallax_cluster::language_of(&doc, &config)).filter(|l| l != "und");
            }
            doc
        })
        .collect();
    let (seeds, online_secs) = {
        let mut clusterer = Clusterer::new(config.clone());
        let start = Instant::now();
        let seeds: Vec<ArticleId> = plain.iter().map(|d| clusterer.assign(d)).collect();
        (seeds, start.elapsed().as_secs_f64())
    };
    let start = Instant::now();
    let groups = consolidate(&plain, &config);
    let consolidation_secs = start.elapsed().as_secs_f64();
    let mut online = report(&seeds, &gold, per_second(seeds.len(), online_secs)).scores;
    online.seconds = Some(online_secs);
    let mut r = report(
        &groups,
        &gold,
        per_second(groups.len(), online_secs + consolidation_secs),
    );
    r.scores.seconds = Some(online_secs + consolidation_secs);
    r.online = Some(online);
    r.consolidation_seconds = Some(consolidation_secs);
    r.embeddings = docs.iter().any(|d| d.doc.embedding.is_some());
    r
}

/// `n` articles over `secs` seconds (`None` when too fast to time).
fn per_second(n: usize, secs: f64) -> Option<f64> {
    (secs > 0.0).then(|| n as f64 / secs)
}

/// Scores the clustering in the predictions file `predictions` (JSON Lines, one `{"id",
/// "cluster"}` per article of the set at `path`: `id` as [`load`] names the article — the `id` of
/// an allsides line, `story-index` for NeuS triplets —, `cluster` any string or number, equal for
/// the articles put together; an optional `seconds`) against the set's gold stories.
pub fn run_predictions(
    path: &Path,
    predictions: &Path,
    system: &str,
) -> anyhow::Result<ClusterReport> {
    let docs = load(path)?;
    if docs.is_empty() {
        bail!("{}: no articles", path.display());
    }
    let ids: Vec<&str> = docs.iter().map(|d| d.doc.id.as_str()).collect();
    let preds = crate::predictions::load(
        predictions,
        "id",
        &ids.iter().copied().collect(),
        &ids,
        parse_cluster,
    )?;
    Ok(score_predictions(&docs, &preds, system))
}

/// A line's `cluster`: a string, or a number written as a string.
pub fn parse_cluster(v: &serde_json::Value, line: usize) -> anyhow::Result<String> {
    match v.get("cluster") {
        Some(serde_json::Value::String(s)) => Ok(s.clone()),
        Some(serde_json::Value::Number(x)) => Ok(x.to_string()),
        _ => bail!("line {line}: no \"cluster\" (a string or a number)"),
    }
}

/// Scores `preds` (every article's predicted cluster) against the gold stories of `docs`.
pub fn score_predictions(
    docs: &[GoldDoc],
    preds: &crate::predictions::Predictions<String>,
    system: &str,
) -> ClusterReport {
    let labels: Vec<Option<&String>> = docs
        .iter()
        .map(|d| preds.by_key.get(d.doc.id.as_str()))
        .collect();
    let gold: Vec<&str> = docs.iter().map(|d| d.story.as_str()).collect();
    let mut r = report(&labels, &gold, preds.items_per_second());
    r.system = system.to_string();
    r
}

fn report<P: Eq + Hash, G: Eq + Hash>(
    pred: &[P],
    gold: &[G],
    articles_per_second: Option<f64>,
) -> ClusterReport {
    let (bp, br, bf) = bcubed(pred, gold);
    let (pp, pr, pf) = pairwise(pred, gold);
    ClusterReport {
        scores: ClusterScores {
            bcubed_precision: bp,
            bcubed_recall: br,
            bcubed_f1: bf,
            pairwise_precision: pp,
            pairwise_recall: pr,
            pairwise_f1: pf,
            stories: count_distinct(pred),
            seconds: None,
            articles_per_second,
        },
        articles: pred.len(),
        gold_stories: count_distinct(gold),
        embeddings: false,
        system: "parallax".to_string(),
        online: None,
        consolidation_seconds: None,
    }
}

fn count_distinct<T: Eq + Hash>(xs: &[T]) -> usize {
    xs.iter().collect::<std::collections::HashSet<_>>().len()
}

fn f1(p: f64, r: f64) -> f64 {
    if p + r > 0.0 {
        2.0 * p * r / (p + r)
    } else {
        0.0
    }
}

/// BCubed precision, recall and F1 of the clustering `pred` against `gold` (labels per item, same
/// order): per item, P = |own cluster ∩ gold cluster| / |own cluster| and R = |own cluster ∩ gold
/// cluster| / |gold cluster|, averaged over items; F1 from the two means. Empty input: all zero.
/// Extra items of the longer slice are ignored.
pub fn bcubed<P: Eq + Hash, G: Eq + Hash>(pred: &[P], gold: &[G]) -> (f64, f64, f64) {
    let n = pred.len().min(gold.len());
    if n == 0 {
        return (0.0, 0.0, 0.0);
    }
    let mut pred_size: HashMap<&P, usize> = HashMap::new();
    let mut gold_size: HashMap<&G, usize> = HashMap::new();
    let mut both: HashMap<(&P, &G), usize> = HashMap::new();
    for (p, g) in pred[..n].iter().zip(&gold[..n]) {
        *pred_size.entry(p).or_default() += 1;
        *gold_size.entry(g).or_default() += 1;
        *both.entry((p, g)).or_default() += 1;
    }
    let (mut sp, mut sr) = (0.0, 0.0);
    for (p, g) in pred[..n].iter().zip(&gold[..n]) {
        let b = both[&(p, g)] as f64;
        sp += b / pred_size[p] as f64;
        sr += b / gold_size[g] as f64;
    }
    let (p, r) = (sp / n as f64, sr / n as f64);
    (p, r, f1(p, r))
}

/// Pairwise precision, recall and F1 over item pairs: a pair is predicted positive when both items
/// share a predicted cluster, and truly positive when they share a gold cluster. A measure with
/// nothing to count (no predicted pairs, or no gold pairs) is 1 when the other side has none
/// either, else 0.
pub fn pairwise<P: Eq + Hash, G: Eq + Hash>(pred: &[P], gold: &[G]) -> (f64, f64, f64) {
    let n = pred.len().min(gold.len());
    let pairs = |k: usize| (k * k.saturating_sub(1) / 2) as f64;
    let mut pred_size: HashMap<&P, usize> = HashMap::new();
    let mut gold_size: HashMap<&G, usize> = HashMap::new();
    let mut both: HashMap<(&P, &G), usize> = HashMap::new();
    for (p, g) in pred[..n].iter().zip(&gold[..n]) {
        *pred_size.entry(p).or_default() += 1;
        *gold_size.entry(g).or_default() += 1;
        *both.entry((p, g)).or_default() += 1;
    }
    let tp: f64 = both.values().map(|&k| pairs(k)).sum();
    let predicted: f64 = pred_size.values().map(|&k| pairs(k)).sum();
    let actual: f64 = gold_size.values().map(|&k| pairs(k)).sum();
    let ratio = |a: f64, b: f64| {
        if b > 0.0 {
            a / b
        } else if actual == 0.0 && predicted == 0.0 {
            1.0
        } else {
            0.0
        }
    };
    let (p, r) = (ratio(tp, predicted), ratio(tp, actual));
    (p, r, f1(p, r))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-9
    }

    #[test]
    fn bcubed_hand_computed() {
        // Gold: {a1,a2,a3} {b1,b2}; predicted: {a1,a2} {a3,b1,b2}.
        let gold = ["a", "a", "a", "b", "b"];
        let pred = [1, 1, 2, 2, 2];
        let (p, r, f) = bcubed(&pred, &gold);
        // Precision: a1 2/2, a2 2/2, a3 1/3, b1 2/3, b2 2/3 → (1+1+1/3+2/3+2/3)/5 = 11/15.
        assert!(close(p, 11.0 / 15.0), "{p}");
        // Recall: a1 2/3, a2 2/3, a3 1/3, b1 2/2, b2 2/2 → (2/3+2/3+1/3+1+1)/5 = 11/15.
        assert!(close(r, 11.0 / 15.0), "{r}");
        assert!(close(f, 11.0 / 15.0));
    }

    #[test]
    fn bcubed_extremes() {
        let gold = ["a", "a", "b", "b"];
        let (p, r, f) = bcubed(&[1, 2, 3, 4], &gold);
        assert!(close(p, 1.0) && close(r, 0.5) && close(f, 2.0 / 3.0));
        let (p, r, _) = bcubed(&[1, 1, 1, 1], &gold);
        assert!(close(p, 0.5) && close(r, 1.0));
        let (p, r, f) = bcubed(&gold, &gold);
        assert!(close(p, 1.0) && close(r, 1.0) && close(f, 1.0));
        let empty: [u8; 0] = [];
        assert_eq!(bcubed(&empty, &empty), (0.0, 0.0, 0.0));
    }

    #[test]
    fn pairwise_hand_computed() {
        // Same case: gold pairs a1a2 a1a3 a2a3 b1b2 = 4; predicted pairs a1a2, a3b1, a3b2, b1b2 = 4;
        // true positives a1a2, b1b2 = 2.
        let gold = ["a", "a", "a", "b", "b"];
        let pred = [1, 1, 2, 2, 2];
        let (p, r, f) = pairwise(&pred, &gold);
        assert!(close(p, 0.5) && close(r, 0.5) && close(f, 0.5));
        // All singletons: no predicted pairs → precision 0 (there are gold pairs), recall 0.
        let (p, r, f) = pairwise(&[1, 2, 3, 4, 5], &gold);
        assert!(close(p, 0.0) && close(r, 0.0) && close(f, 0.0));
        // Singletons against singletons: perfect.
        let (p, r, f) = pairwise(&[1, 2], &["x", "y"]);
        assert!(close(p, 1.0) && close(r, 1.0) && close(f, 1.0));
    }

    #[test]
    fn parses_both_formats() {
        let allsides = r#"{"story": "1", "id": "1-left", "source": "X", "bias": "left", "title": "T", "url": "u", "text": "body"}
{"story": "1", "id": "1-right", "source": "Y", "bias": "right", "title": "T2", "url": "u2", "text": "body2"}"#;
        let docs = parse(allsides).unwrap();
        assert_eq!(docs.len(), 2);
        assert_eq!(docs[1].doc.id.as_str(), "1-right");
        let neus = r#"{"story": "n-0", "articles": [{"title": "a", "text": "x"}, {"title": "b", "text": "y"}, {"title": "c", "text": "z"}], "summary": "s"}"#;
        let docs = parse(neus).unwrap();
        assert_eq!(docs.len(), 3);
        assert_eq!(docs[2].doc.id.as_str(), "n-0-2");
        assert_eq!(docs[2].story, "n-0");
        assert!(parse("not json").is_err());
    }

    #[test]
    fn predictions_scored() {
        // The case of `bcubed_hand_computed` and `pairwise_hand_computed`, as a predictions file
        // over NeuS-format articles: gold {a-0,a-1,a-2} {b-0,b-1}; predicted {a-0,a-1}
        // {a-2,b-0,b-1} (labels of mixed types).
        let neus = r#"{"story": "a", "articles": [{"title": "", "text": ""}, {"title": "", "text": ""}, {"title": "", "text": ""}]}
{"story": "b", "articles": [{"title": "", "text": ""}, {"title": "", "text": ""}]}"#;
        let docs = parse(neus).unwrap();
        let ids: Vec<&str> = docs.iter().map(|d| d.doc.id.as_str()).collect();
        let lines = r#"{"id": "a-0", "cluster": 1}
{"id": "a-1", "cluster": "1"}
{"id": "a-2", "cluster": "x"}
{"id": "b-0", "cluster": "x"}
{"id": "b-1", "cluster": "x"}"#;
        let preds = crate::predictions::parse(
            lines,
            "id",
            &ids.iter().copied().collect(),
            &ids,
            parse_cluster,
        )
        .unwrap();
        let r = score_predictions(&docs, &preds, "tfidf");
        let s = &r.scores;
        assert!(close(s.bcubed_precision, 11.0 / 15.0) && close(s.bcubed_recall, 11.0 / 15.0));
        assert!(close(s.pairwise_f1, 0.5));
        assert_eq!((r.articles, s.stories, r.gold_stories), (5, 2, 2));
        assert_eq!(s.articles_per_second, None);
        assert_eq!(r.system, "tfidf");
        assert!(!r.embeddings);
        // A line without a cluster, an id of another set.
        let known = ids.iter().copied().collect();
        assert!(
            crate::predictions::parse("{\"id\": \"a-0\"}", "id", &known, &[], parse_cluster)
                .is_err()
        );
        assert!(
            crate::predictions::parse(
                "{\"id\": \"a-3\", \"cluster\": 1}",
                "id",
                &known,
                &[],
                parse_cluster
            )
            .is_err()
        );
    }

    fn eval_file(name: &str) -> Option<std::path::PathBuf> {
        let p = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../../shared/eval/clustering")
            .join(name);
        if p.exists() {
            Some(p)
        } else {
            eprintln!("skipped: evaluation file {name} not found");
            None
        }
    }

    /// Writes a cache of `ids` with 2-d vectors and reads it back.
    fn cache_of(dir: &Path, ids: &[&str], vectors: &[[f32; 2]]) -> EmbeddingCache {
        let path = dir.join("c.bin");
        let ids: Vec<String> = ids.iter().map(|s| s.to_string()).collect();
        let vectors: Vec<Vec<f32>> = vectors.iter().map(|v| v.to_vec()).collect();
        parallax_embed::cache::write(&path, "test", &ids, &vectors).unwrap();
        parallax_embed::cache::read(&path).unwrap()
    }

    #[test]
    fn embedding_cache_is_attached_in_order() {
        let dir = tempfile::tempdir().unwrap();
        let cache = cache_of(dir.path(), &["n-0-0", "n-0-1"], &[[1.0, 0.0], [0.6, 0.8]]);
        let neus = r#"{"story": "n-0", "articles": [{"title": "a", "text": "x"}, {"title": "b", "text": "y"}]}"#;
        let mut docs = parse(neus).unwrap();
        attach_embeddings(&mut docs, &cache).unwrap();
        assert_eq!(docs[1].doc.embedding.as_deref(), Some(&[0.6f32, 0.8][..]));
        // Wrong order, wrong count.
        let swapped = cache_of(dir.path(), &["n-0-1", "n-0-0"], &[[0.0; 2]; 2]);
        assert!(attach_embeddings(&mut docs, &swapped).is_err());
        let short = cache_of(dir.path(), &["n-0-0"], &[[0.0; 2]]);
        assert!(attach_embeddings(&mut docs, &short).is_err());
    }

    fn embedding_cache(set: &str) -> Option<std::path::PathBuf> {
        let p = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../target/embeddings")
            .join(format!("{set}.e5.bin"));
        if p.exists() {
            Some(p)
        } else {
            eprintln!("skipped: embedding cache {} not found", p.display());
            None
        }
    }

    /// With embeddings, replaying the assignments with `insert_known` rebuilds the same state.
    #[test]
    fn replay_with_embeddings_is_exact() {
        let (Some(path), Some(cache)) = (
            eval_file("allsides-dev.articles.jsonl"),
            embedding_cache("allsides-dev"),
        ) else {
            return;
        };
        let mut docs = load(&path).unwrap();
        attach_embeddings(&mut docs, &parallax_embed::cache::read(&cache).unwrap()).unwrap();
        let docs = &docs[..300];
        let mut a = Clusterer::new(ClusterConfig::default());
        let seeds: Vec<ArticleId> = docs.iter().map(|d| a.assign(&d.doc)).collect();
        let mut b = Clusterer::new(ClusterConfig::default());
        for (d, s) in docs.iter().zip(&seeds) {
            b.insert_known(&d.doc, s);
        }
        assert_eq!(a.state_fingerprint(), b.state_fingerprint());
        assert!(a.state_fingerprint().contains("embeddings="));
    }

    /// Run with `cargo test --release -p parallax-eval cluster -- --ignored --nocapture`.
    /// The online floors are those of the embedding pair model's tuning; the consolidation was
    /// not measured with embeddings (it scores pairs with the lexical model, embeddings only add
    /// candidates): it must at least keep the online floor.
    #[test]
    #[ignore = "reads the evaluation data and embedding caches; slow in debug builds"]
    fn eval_sets_with_embeddings() {
        for (name, set, floor) in [
            ("allsides-dev.articles.jsonl", "allsides-dev", 0.80),
            ("neus-train.triplets.jsonl", "neus-train", 0.755),
        ] {
            let (Some(path), Some(cache)) = (eval_file(name), embedding_cache(set)) else {
                continue;
            };
            let report = run_with_embeddings(&path, &cache).unwrap();
            println!("{name}: {}", serde_json::to_string(&report).unwrap());
            assert!(report.embeddings);
            let online = report.online.as_ref().expect("online figures");
            assert!(online.bcubed_f1 >= floor, "{name}: {report:?}");
            assert!(report.scores.bcubed_f1 >= floor, "{name}: {report:?}");
        }
    }

    /// Run with `cargo test --release -p parallax-eval cluster -- --ignored --nocapture`.
    /// Guards against regressions: the floors are just under the figures measured when the
    /// clusterer was tuned (online 0.818 and 0.752, consolidated 0.870 and 0.797; the issue's
    /// targets, 0.83 and 0.78, are printed beside them).
    #[test]
    #[ignore = "reads the evaluation data; slow in debug builds"]
    fn eval_sets_do_not_regress() {
        for (name, online_floor, floor, target) in [
            ("allsides-dev.articles.jsonl", 0.81, 0.865, 0.83),
            ("neus-train.triplets.jsonl", 0.745, 0.79, 0.78),
        ] {
            let Some(path) = eval_file(name) else {
                continue;
            };
            let report = run(&path).unwrap();
            println!(
                "{name}: {} (issue target {target})",
                serde_json::to_string(&report).unwrap()
            );
            let online = report.online.as_ref().expect("online figures");
            assert!(online.bcubed_f1 >= online_floor, "{name}: {report:?}");
            assert!(report.scores.bcubed_f1 >= floor, "{name}: {report:?}");
        }
    }

    /// Four stories of three articles each (NeuS format), worded differently.
    const SMALL_SET: &str = r#"{"story": "call", "articles": [{"title": "Putin and Trump hold hour-long phone call on Ukraine", "text": "Russian President Vladimir Putin and US President Donald Trump spoke by phone for almost an hour on Thursday, discussing the war in Ukraine and Iran, Kremlin aide Yuri Ushakov said."}, {"title": "Kremlin: Putin told Trump Russia will not back down in Ukraine", "text": "Kremlin adviser Yuri Ushakov said Vladimir Putin told Donald Trump during their phone call that Russia would not back down from its goals in Ukraine."}, {"title": "Trump says no progress after call with Putin", "text": "Donald Trump said he made no progress toward a Ukraine ceasefire in his phone call with Vladimir Putin, which the Kremlin said lasted nearly an hour."}]}
{"story": "fire", "articles": [{"title": "Wildfire forces thousands to evacuate in California", "text": "A fast-moving wildfire in northern California forced thousands of residents to evacuate on Tuesday as firefighters battled flames fanned by strong winds."}, {"title": "California wildfire spreads, evacuation orders widen", "text": "Firefighters in northern California struggled to contain a wildfire that spread across dry hills, and officials widened evacuation orders for thousands of residents as strong winds fanned the flames."}, {"title": "Thousands flee as wildfire rages in northern California", "text": "Strong winds drove a wildfire through northern California, forcing thousands to flee their homes while firefighters fought the flames."}]}
{"story": "rates", "articles": [{"title": "Central bank raises interest rates to fight inflation", "text": "The central bank raised its benchmark interest rate by half a point on Wednesday, saying inflation remained far above its target."}, {"title": "Rate hike: central bank raises interest rate again to curb inflation", "text": "Borrowing costs rose again after the central bank lifted its benchmark interest rate by half a point to curb stubborn inflation."}, {"title": "Inflation prompts another interest rate increase", "text": "Citing persistent inflation, the central bank announced another increase of its benchmark interest rate, the fourth this year."}]}
{"story": "cup", "articles": [{"title": "Striker's late goal wins cup final for United", "text": "A late goal from the striker gave United a 2-1 win over City in the cup final at Wembley on Saturday."}, {"title": "United beat City in dramatic cup final", "text": "United won the cup final 2-1 against City at Wembley after their striker scored a late goal."}, {"title": "Late winner seals cup final victory for United over City", "text": "United's striker scored a late winner as they beat City 2-1 in the cup final at Wembley."}]}"#;

    /// The main figures are those of the consolidated groups, the online ones those of the
    /// online pass: with an online pass that never joins (join cut above any probability) the
    /// two differ, and each matches its own clustering scored directly.
    #[test]
    fn consolidated_figures_come_from_the_consolidated_groups() {
        let docs = parse(SMALL_SET).unwrap();
        let config = ClusterConfig {
            join_probability: 2.0,
            embed_join_probability: 2.0,
            ..ClusterConfig::default()
        };
        let r = evaluate(&docs, config.clone());
        let gold: Vec<&str> = docs.iter().map(|d| d.story.as_str()).collect();
        let plain: Vec<ClusterDoc> = docs.iter().map(|d| d.doc.clone()).collect();
        let groups = consolidate(&plain, &config);
        let (bp, br, bf) = bcubed(&groups, &gold);
        let (pp, pr, pf) = pairwise(&groups, &gold);
        assert_eq!(
            (
                r.scores.bcubed_precision,
                r.scores.bcubed_recall,
                r.scores.bcubed_f1
            ),
            (bp, br, bf)
        );
        assert_eq!(
            (
                r.scores.pairwise_precision,
                r.scores.pairwise_recall,
                r.scores.pairwise_f1
            ),
            (pp, pr, pf)
        );
        assert_eq!(r.scores.stories, count_distinct(&groups));
        assert_eq!((r.articles, r.gold_stories), (12, 4));
        // The consolidation finds the four stories.
        assert_eq!(r.scores.stories, 4);
        assert!(close(r.scores.bcubed_f1, 1.0) && close(r.scores.pairwise_f1, 1.0));
        // The online pass left every article alone.
        let online = r.online.as_ref().expect("online figures");
        assert_eq!(online.stories, 12);
        let singles: Vec<usize> = (0..docs.len()).collect();
        let (bp, br, bf) = bcubed(&singles, &gold);
        let (pp, pr, pf) = pairwise(&singles, &gold);
        assert_eq!(
            (
                online.bcubed_precision,
                online.bcubed_recall,
                online.bcubed_f1
            ),
            (bp, br, bf)
        );
        assert_eq!(
            (
                online.pairwise_precision,
                online.pairwise_recall,
                online.pairwise_f1
            ),
            (pp, pr, pf)
        );
        assert!(
            online.seconds.is_some_and(|s| s >= 0.0)
                && r.consolidation_seconds.is_some_and(|s| s >= 0.0)
        );
        assert!(!r.embeddings);
        // Both in the JSON; none of it in a predictions report.
        let json = serde_json::to_value(&r).unwrap();
        assert_eq!(json["stories"], 4);
        assert_eq!(json["online"]["stories"], 12);
        assert!(json["online"]["bcubed_f1"].is_number());
        assert!(json["consolidation_seconds"].is_number());
        let mut p = r.clone();
        (p.online, p.consolidation_seconds) = (None, None);
        let json = serde_json::to_value(&p).unwrap();
        assert!(json.get("online").is_none() && json.get("consolidation_seconds").is_none());
    }

    /// With the default settings, on the small set: both passes find the stories.
    #[test]
    fn evaluate_scores_both_passes() {
        let docs = parse(SMALL_SET).unwrap();
        let r = evaluate(&docs, ClusterConfig::default());
        assert!(close(r.scores.bcubed_f1, 1.0), "{r:?}");
        let online = r.online.as_ref().expect("online figures");
        assert!(close(online.bcubed_f1, 1.0), "{r:?}");
        assert_eq!((r.scores.stories, online.stories), (4, 4));
    }

    /// The `--embeddings` path: vectors from a cache file, the online pass and the consolidation
    /// both run and are reported.
    #[test]
    fn run_with_embeddings_reports_both_passes() {
        let dir = tempfile::tempdir().unwrap();
        let set = dir.path().join("set.jsonl");
        std::fs::write(&set, SMALL_SET).unwrap();
        let docs = load(&set).unwrap();
        let ids: Vec<String> = docs.iter().map(|d| d.doc.id.as_str().to_string()).collect();
        // Per story a direction, plus a small per-article part.
        let vectors: Vec<Vec<f32>> = docs
            .iter()
            .enumerate()
            .map(|(i, d)| {
                let mut v = vec![0.05f32; 16];
                let story = ["call", "fire", "rates", "cup"]
                    .iter()
                    .position(|s| *s == d.story)
                    .unwrap();
                v[story] = 1.0;
                v[4 + i] = 0.3;
                v
            })
            .collect();
        let cache = dir.path().join("set.e5.bin");
        parallax_embed::cache::write(&cache, "test", &ids, &vectors).unwrap();
        let r = run_with_embeddings(&set, &cache).unwrap();
        assert!(r.embeddings);
        assert_eq!(r.articles, 12);
        assert!(close(r.scores.bcubed_f1, 1.0), "{r:?}");
        assert!(r.online.is_some() && r.consolidation_seconds.is_some());
        // The same as evaluating the set with its vectors attached.
        let mut attached = docs.clone();
        attach_embeddings(&mut attached, &parallax_embed::cache::read(&cache).unwrap()).unwrap();
        let e = evaluate(&attached, ClusterConfig::default());
        assert_eq!(
            (
                e.scores.bcubed_f1,
                e.scores.stories,
                e.online.map(|o| o.bcubed_f1)
            ),
            (
                r.scores.bcubed_f1,
                r.scores.stories,
                r.online.map(|o| o.bcubed_f1)
            )
        );
    }
}
