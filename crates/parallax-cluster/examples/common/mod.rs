//! Shared by the examples: reading the evaluation sets (allsides and NeuS triplets) into
//! `ClusterDoc`s with their gold stories, with the cached embeddings attached when asked.
#![allow(dead_code)]

use parallax_cluster::ClusterDoc;
use parallax_core::ArticleId;
use std::collections::HashMap;

pub(crate) struct Doc {
    pub(crate) gold: String,
    pub(crate) doc: ClusterDoc,
}

/// With `PX_EMBED` set (to `1`, or to a directory): attaches the cached embeddings of the set
/// (`<dir>/<set>.e5.bin`, `<set>` the file name up to its first dot; default directory
/// `target/embeddings`), checking that the ids match the articles in order.
pub(crate) fn attach_embeddings(path: &str, docs: &mut [Doc]) {
    let Ok(dir) = std::env::var("PX_EMBED") else {
        return;
    };
    let dir = if dir == "1" {
        concat!(env!("CARGO_MANIFEST_DIR"), "/../../target/embeddings").to_string()
    } else {
        dir
    };
    let name = path
        .rsplit('/')
        .next()
        .unwrap_or("")
        .split('.')
        .next()
        .unwrap_or("");
    let cache = format!("{dir}/{name}.e5.bin");
    let b = std::fs::read(&cache).unwrap_or_else(|e| panic!("{cache}: {e}"));
    assert_eq!(&b[..8], b"PXEMB1\0\0", "{cache}: bad magic");
    let u = |p: usize| u32::from_le_bytes([b[p], b[p + 1], b[p + 2], b[p + 3]]) as usize;
    let (dim, count, m) = (u(8), u(12), u(16));
    assert_eq!(
        count,
        docs.len(),
        "{cache}: {count} vectors for {} articles",
        docs.len()
    );
    let mut p = 20 + m;
    for d in docs.iter() {
        let n = u(p);
        assert_eq!(
            &b[p + 4..p + 4 + n],
            d.doc.id.as_str().as_bytes(),
            "{cache}: id order"
        );
        p += 4 + n;
    }
    for d in docs.iter_mut() {
        let v: Vec<f32> = b[p..p + 4 * dim]
            .chunks_exact(4)
            .map(|s| f32::from_le_bytes([s[0], s[1], s[2], s[3]]))
            .collect();
        p += 4 * dim;
        d.doc.embedding = Some(v);
    }
}

/// The files named on the command line, or the two development sets (allsides-dev and
/// neus-train) found relative to the repository.
pub(crate) fn files_or_default() -> Vec<String> {
    let files: Vec<String> = std::env::args().skip(1).collect();
    if !files.is_empty() {
        return files;
    }
    vec![
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../../shared/eval/clustering/allsides-dev.articles.jsonl"
        )
        .into(),
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../../shared/eval/clustering/neus-train.triplets.jsonl"
        )
        .into(),
    ]
}

pub(crate) fn load(path: &str) -> Vec<Doc> {
    let text = std::fs::read_to_string(path).expect("read eval file");
    let mut out = Vec::new();
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let v: serde_json::Value = serde_json::from_str(line).expect("json");
        let story = v["story"].as_str().unwrap_or("").to_string();
        if let Some(arts) = v["articles"].as_array() {
            for (i, a) in arts.iter().enumerate() {
                out.push(Doc {
                    gold: story.clone(),
                    doc: ClusterDoc {
                        id: ArticleId(format!("{story}-{i}")),
                        title: a["title"].as_str().unwrap_or("").to_string(),
                        text: a["text"].as_str().unwrap_or("").to_string(),
                        language: None,
                        published: None,
                        source: None,
                        embedding: None,
                    },
                });
            }
        } else {
            out.push(Doc {
                gold: story,
                doc: ClusterDoc {
                    id: ArticleId(v["id"].as_str().unwrap_or("").to_string()),
                    title: v["title"].as_str().unwrap_or("").to_string(),
                    text: v["text"].as_str().unwrap_or("").to_string(),
                    language: None,
                    published: None,
                    source: v["source"].as_str().map(str::to_string),
                    embedding: None,
                },
            });
        }
    }
    attach_embeddings(path, &mut out);
    out
}

/// BCubed precision, recall and F1 of a predicted clustering against the gold one.
pub(crate) fn bcubed(pred: &[usize], gold: &[usize]) -> (f64, f64, f64) {
    let mut pc: HashMap<usize, usize> = HashMap::new();
    let mut gc: HashMap<usize, usize> = HashMap::new();
    let mut both: HashMap<(usize, usize), usize> = HashMap::new();
    for (&p, &g) in pred.iter().zip(gold) {
        *pc.entry(p).or_default() += 1;
        *gc.entry(g).or_default() += 1;
        *both.entry((p, g)).or_default() += 1;
    }
    let n = pred.len() as f64;
    let (mut p, mut r) = (0.0, 0.0);
    for (&pp, &g) in pred.iter().zip(gold) {
        let b = both[&(pp, g)] as f64;
        p += b / pc[&pp] as f64;
        r += b / gc[&g] as f64;
    }
    let (p, r) = (p / n, r / n);
    (p, r, 2.0 * p * r / (p + r))
}

/// Pairwise F1 over article pairs.
pub(crate) fn pairwise(pred: &[usize], gold: &[usize]) -> f64 {
    let mut pc: HashMap<usize, u64> = HashMap::new();
    let mut gc: HashMap<usize, u64> = HashMap::new();
    let mut both: HashMap<(usize, usize), u64> = HashMap::new();
    for (&p, &g) in pred.iter().zip(gold) {
        *pc.entry(p).or_default() += 1;
        *gc.entry(g).or_default() += 1;
        *both.entry((p, g)).or_default() += 1;
    }
    let pairs =
        |m: &mut dyn Iterator<Item = u64>| m.map(|n| n * n.saturating_sub(1) / 2).sum::<u64>();
    let tp = pairs(&mut both.values().copied()) as f64;
    let pp = pairs(&mut pc.values().copied()) as f64;
    let gp = pairs(&mut gc.values().copied()) as f64;
    let (p, r) = (tp / pp.max(1.0), tp / gp.max(1.0));
    if p + r > 0.0 {
        2.0 * p * r / (p + r)
    } else {
        0.0
    }
}
