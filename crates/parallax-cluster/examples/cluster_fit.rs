//! Fits the clusterer's pair model (`ClusterConfig::pair_weights`): logistic regression over the
//! channels of `parallax_cluster::PAIR_CHANNELS`, on (document, candidate story) pairs collected by
//! replaying the development sets with the gold clustering as state (positives: the document's gold
//! story built so far; negatives: the other top candidates by the hand-weighted score, i.e. hard
//! negatives). Each set weighs the same in the fit. Prints the cross-set figures (fitted on one
//! set, measured on the other) and the weights fitted on both, as Rust.
//!
//! `cargo run --release -p parallax-cluster --example cluster_fit [allsides.jsonl neus.jsonl]`
//!
//! With `PX_EMBED=1` (or `PX_EMBED=DIR`), the sets' cached embeddings are attached (see
//! `attach_embeddings`) and the embedding pair model (`PAIR_EMBED_CHANNELS`) is fitted instead, on
//! the pairs whose document and story both have embeddings; the lexical weights stay as they are.
//! `PX_CROSS=1`: also fit on each set alone and measure on both. `PX_CUTS=0.5,0.55`: join cuts
//! measured. `PX_LOSS=1`: per-channel AUC and pair-level log loss with and without the embedding
//! channels. `PX_RERANK`, `PX_ECAND`, `PX_ERANK`: `rerank`, `embed_candidates`,
//! `embed_rank_weight`.
use parallax_cluster::{ClusterConfig, Clusterer, PAIR_CHANNELS, PAIR_EMBED_CHANNELS};
use parallax_core::ArticleId;
use std::collections::HashMap;

mod common;
use common::*;

/// (channels, label) pairs from a gold-state replay.
fn pairs(docs: &[Doc], cfg: &ClusterConfig) -> Vec<(Vec<f32>, f32)> {
    let mut c = Clusterer::new(cfg.clone());
    let mut seed_of: HashMap<String, ArticleId> = HashMap::new();
    let mut out = Vec::new();
    for d in docs {
        let gseed = seed_of.get(&d.gold).cloned();
        for (seed, x) in c.pair_features(&d.doc) {
            let y = if Some(&seed) == gseed.as_ref() {
                1.0
            } else {
                0.0
            };
            out.push((x, y));
        }
        let seed = gseed.unwrap_or_else(|| d.doc.id.clone());
        c.insert_known(&d.doc, &seed);
        seed_of.entry(d.gold.clone()).or_insert(seed);
    }
    out
}

/// Logistic regression by Newton's method (a few iterations of plain second-order gradient
/// descent), with a small ridge; `sets` weigh the same in total.
fn fit(sets: &[&[(Vec<f32>, f32)]]) -> Vec<f64> {
    let k = sets.iter().find_map(|s| s.first()).map_or(0, |x| x.0.len());
    let mut w = vec![0.0f64; k];
    let ridge = 1e-3;
    for _ in 0..30 {
        let mut g = vec![0.0f64; k];
        let mut h = vec![vec![0.0f64; k]; k];
        for set in sets {
            let sw = 1.0 / set.len() as f64;
            for (x, y) in set.iter() {
                let z: f64 = x.iter().zip(&w).map(|(a, b)| *a as f64 * b).sum();
                let p = 1.0 / (1.0 + (-z).exp());
                for i in 0..k {
                    g[i] += sw * (p - *y as f64) * x[i] as f64;
                    for j in 0..k {
                        h[i][j] += sw * p * (1.0 - p) * x[i] as f64 * x[j] as f64;
                    }
                }
            }
        }
        for i in 0..k {
            g[i] += ridge * w[i];
            h[i][i] += ridge;
        }
        let step = solve(h, g);
        let mut done = true;
        for i in 0..k {
            w[i] -= step[i];
            done &= step[i].abs() < 1e-6;
        }
        if done {
            break;
        }
    }
    w
}

fn solve(mut a: Vec<Vec<f64>>, mut b: Vec<f64>) -> Vec<f64> {
    let n = b.len();
    for c in 0..n {
        let p = (c..n)
            .max_by(|&i, &j| a[i][c].abs().total_cmp(&a[j][c].abs()))
            .unwrap();
        a.swap(c, p);
        b.swap(c, p);
        let d = a[c][c];
        if d.abs() < 1e-12 {
            continue;
        }
        for r in 0..n {
            if r != c {
                let f = a[r][c] / d;
                let pivot = a[c].clone();
                for (x, y) in a[r].iter_mut().zip(&pivot).skip(c) {
                    *x -= f * y;
                }
                b[r] -= f * b[c];
            }
        }
    }
    (0..n)
        .map(|i| {
            if a[i][i].abs() < 1e-12 {
                0.0
            } else {
                b[i] / a[i][i]
            }
        })
        .collect()
}

fn online_bcubed(docs: &[Doc], cfg: &ClusterConfig) -> (f64, f64, f64) {
    let mut c = Clusterer::new(cfg.clone());
    let mut pc: HashMap<ArticleId, usize> = HashMap::new();
    let mut gc: HashMap<&str, usize> = HashMap::new();
    let mut both: HashMap<(ArticleId, &str), usize> = HashMap::new();
    let pred: Vec<ArticleId> = docs.iter().map(|d| c.assign(&d.doc)).collect();
    for (p, d) in pred.iter().zip(docs) {
        *pc.entry(p.clone()).or_default() += 1;
        *gc.entry(d.gold.as_str()).or_default() += 1;
        *both.entry((p.clone(), d.gold.as_str())).or_default() += 1;
    }
    let n = docs.len() as f64;
    let (mut p, mut r) = (0.0, 0.0);
    for (pp, d) in pred.iter().zip(docs) {
        let b = both[&(pp.clone(), d.gold.as_str())] as f64;
        p += b / pc[pp] as f64;
        r += b / gc[d.gold.as_str()] as f64;
    }
    let (p, r) = (p / n, r / n);
    (p, r, 2.0 * p * r / (p + r))
}

fn with(w: &[f64], cut: f32) -> ClusterConfig {
    let weights: Vec<f32> = w.iter().map(|&x| x as f32).collect();
    let mut cfg = if embed() {
        ClusterConfig {
            embed_pair_weights: weights,
            embed_join_probability: cut,
            ..ClusterConfig::default()
        }
    } else {
        ClusterConfig {
            pair_weights: weights,
            join_probability: cut,
            ..ClusterConfig::default()
        }
    };
    if let Ok(n) = std::env::var("PX_ECAND") {
        cfg.embed_candidates = n.parse().expect("number");
    }
    if let Ok(n) = std::env::var("PX_ERANK") {
        cfg.embed_rank_weight = n.parse().expect("number");
    }
    if let Ok(r) = std::env::var("PX_RERANK") {
        cfg.rerank = r.parse().expect("number");
    }
    cfg
}

/// Area under the ROC curve of `score` over labelled pairs.
fn auc(d: &[(Vec<f32>, f32)], score: impl Fn(&[f32]) -> f64) -> f64 {
    let mut v: Vec<(f64, bool)> = d.iter().map(|(x, y)| (score(x), *y > 0.5)).collect();
    v.sort_by(|a, b| a.0.total_cmp(&b.0));
    let (mut neg, mut sum, mut pos) = (0.0f64, 0.0f64, 0.0f64);
    for (_, y) in &v {
        if *y {
            sum += neg;
            pos += 1.0;
        } else {
            neg += 1.0;
        }
    }
    sum / (pos * neg).max(1.0)
}

fn embed() -> bool {
    std::env::var("PX_EMBED").is_ok()
}

fn main() {
    let files = common::files_or_default();
    let sets: Vec<Vec<Doc>> = files.iter().map(|f| load(f)).collect();
    let mut base = ClusterConfig::default();
    if let Ok(r) = std::env::var("PX_RERANK") {
        base.rerank = r.parse().expect("number");
    }
    if let Ok(n) = std::env::var("PX_ECAND") {
        base.embed_candidates = n.parse().expect("number");
    }
    if let Ok(n) = std::env::var("PX_ERANK") {
        base.embed_rank_weight = n.parse().expect("number");
    }
    let (names, n): (&[&str], usize) = if embed() {
        (&PAIR_EMBED_CHANNELS, PAIR_EMBED_CHANNELS.len())
    } else {
        (&PAIR_CHANNELS, PAIR_CHANNELS.len())
    };
    let data: Vec<Vec<(Vec<f32>, f32)>> = sets
        .iter()
        .map(|s| {
            let mut p = pairs(s, &base);
            p.retain(|x| x.0.len() == n);
            p
        })
        .collect();
    for (f, d) in files.iter().zip(&data) {
        let pos = d.iter().filter(|x| x.1 > 0.5).count();
        println!("{f}: {} pairs, {pos} positive", d.len());
    }
    let cuts: Vec<f32> = std::env::var("PX_CUTS")
        .map(|s| s.split(',').map(|x| x.parse().expect("cut")).collect())
        .unwrap_or_else(|_| vec![0.3, 0.4, 0.5, 0.6, 0.7]);
    let report = |name: &str, w: &[f64]| {
        println!("== fitted on {name}");
        for (c, &x) in names.iter().zip(w) {
            println!("  {c:<22} {x:+.4}");
        }
        for &cut in &cuts {
            let cfg = with(w, cut);
            let figs: Vec<String> = sets
                .iter()
                .map(|s| {
                    let (p, r, f) = online_bcubed(s, &cfg);
                    format!("P {p:.4} R {r:.4} F1 {f:.4}")
                })
                .collect();
            println!("  cut {cut:.2}: {}", figs.join(" | "));
        }
    };
    if data.len() == 2 && std::env::var("PX_CROSS").is_ok() {
        report(&files[0], &fit(&[&data[0]]));
        report(&files[1], &fit(&[&data[1]]));
    }
    let refs: Vec<&[(Vec<f32>, f32)]> = data.iter().map(|d| d.as_slice()).collect();
    if std::env::var("PX_LOSS").is_ok() {
        // Pair-level log loss and AUC of each channel, and of the model on subsets of channels.
        for (f, d) in files.iter().zip(&data) {
            for (c, name) in names.iter().enumerate().skip(1) {
                println!("  {f:.30} {name:<40} AUC {:.4}", auc(d, |x| x[c] as f64));
            }
        }
        for keep in [PAIR_CHANNELS.len(), n] {
            let cut: Vec<Vec<(Vec<f32>, f32)>> = data
                .iter()
                .map(|d| d.iter().map(|(x, y)| (x[..keep].to_vec(), *y)).collect())
                .collect();
            let r: Vec<&[(Vec<f32>, f32)]> = cut.iter().map(|d| d.as_slice()).collect();
            let w = fit(&r);
            for d in &cut {
                let z = |x: &[f32]| x.iter().zip(&w).map(|(a, b)| *a as f64 * b).sum::<f64>();
                let ll: f64 = d
                    .iter()
                    .map(|(x, y)| {
                        let p = 1.0 / (1.0 + (-z(x)).exp());
                        -(if *y > 0.5 { p } else { 1.0 - p }).max(1e-12).ln()
                    })
                    .sum::<f64>()
                    / d.len() as f64;
                println!(
                    "  {keep} channels: log loss {ll:.4} AUC {:.4}",
                    auc(d, |x| z(x))
                );
            }
        }
    }
    let w = fit(&refs);
    report("all", &w);
    let list: Vec<String> = w.iter().map(|x| format!("{:.4}", x)).collect();
    let name = if embed() {
        "FITTED_EMBED_PAIR_WEIGHTS"
    } else {
        "FITTED_PAIR_WEIGHTS"
    };
    println!(
        "pub const {name}: [f32; {}] = [{}];",
        w.len(),
        list.join(", ")
    );
}
