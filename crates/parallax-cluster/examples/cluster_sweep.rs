//! Measures the clusterer on the evaluation sets (read from ../shared/eval at run time) with the
//! default configuration, or with values overridden from the environment (`PX_THRESHOLD=0.3`, ...),
//! in file order and in a shuffled order.
//!
//! `cargo run --release -p parallax-cluster --example cluster_sweep [files...]`
//!
//! `PX_EMBED=1` (or a directory) attaches the cached embeddings (`target/embeddings/<set>.e5.bin`).
use parallax_cluster::{ClusterConfig, Clusterer};
use parallax_core::ArticleId;
use std::collections::HashMap;
use std::time::Instant;

mod common;
use common::*;

fn env(name: &str, v: &mut f32) {
    if let Ok(s) = std::env::var(name) {
        *v = s.parse().expect("number");
    }
}

fn run(docs: &[&Doc], cfg: &ClusterConfig) -> (Vec<usize>, f64) {
    let (pred, rate, _) = run_keep(docs, cfg);
    (pred, rate)
}

fn run_keep(docs: &[&Doc], cfg: &ClusterConfig) -> (Vec<usize>, f64, Clusterer) {
    let mut c = Clusterer::new(cfg.clone());
    let mut ids: HashMap<ArticleId, usize> = HashMap::new();
    let start = Instant::now();
    let seeds: Vec<ArticleId> = docs.iter().map(|d| c.assign(&d.doc)).collect();
    let secs = start.elapsed().as_secs_f64();
    let pred = seeds
        .into_iter()
        .map(|s| {
            let n = ids.len();
            *ids.entry(s).or_insert(n)
        })
        .collect();
    (pred, docs.len() as f64 / secs, c)
}

/// Offline story-merge post-pass (diagnostic): from the final state, each document's scores
/// against the other candidate stories give story–story links; pairs whose linkage passes the cut
/// are merged (union-find). Modes: `avg` (hand score, sum of member links over both sizes),
/// `max` (best member link, hand score), `pavg`/`pmax` (pair-model probability, top-`rerank`),
/// `avgm` (`avg`, mutual best partners only), `avgx` (`avg`, greedy best-first, no chaining).
/// Also prints, against gold (majority label of each predicted story), how many linked pairs are
/// the same story per similarity bin (`PX_MERGE_HIST=pmax`: by pair-model probability).
/// `PX_MERGE=1 PX_MERGE_MODES=avg,avgm cargo run --release -p parallax-cluster --example cluster_sweep`
fn merge_sweep(docs: &[&Doc], cfg: &ClusterConfig, gold: &[usize]) {
    let (pred, _, mut c) = run_keep(docs, cfg);
    // The same state replayed with a wider pair-model rerank (`PX_MERGE_RERANK`, default 8).
    let mut wide = cfg.clone();
    wide.rerank = std::env::var("PX_MERGE_RERANK")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(8);
    let mut c2 = Clusterer::new(wide);
    {
        let mut seed_of: Vec<ArticleId> = Vec::new();
        let mut first: HashMap<usize, ArticleId> = HashMap::new();
        for (d, &p) in docs.iter().zip(&pred) {
            seed_of.push(first.entry(p).or_insert_with(|| d.doc.id.clone()).clone());
        }
        for (d, s) in docs.iter().zip(&seed_of) {
            c2.insert_known(&d.doc, s);
        }
    }
    let k = pred.iter().max().map_or(0, |m| m + 1);
    let mut size = vec![0usize; k];
    for &p in &pred {
        size[p] += 1;
    }
    let mut seed_story: HashMap<ArticleId, usize> = HashMap::new();
    for (d, &p) in docs.iter().zip(&pred) {
        seed_story.entry(d.doc.id.clone()).or_insert(p);
    }
    // (a, b) with a < b -> (sum hand, max hand, sum prob, max prob)
    let mut links: HashMap<(usize, usize), [f32; 4]> = HashMap::new();
    for (d, &a) in docs.iter().zip(&pred) {
        for (seed, score) in c.candidates(&d.doc) {
            let Some(&b) = seed_story.get(&seed) else {
                continue;
            };
            if b == a {
                continue;
            }
            let e = links.entry((a.min(b), a.max(b))).or_insert([0.0; 4]);
            e[0] += score.max(0.0);
            e[1] = e[1].max(score);
        }
        for (seed, x) in c2.pair_features(&d.doc) {
            let Some(&b) = seed_story.get(&seed) else {
                continue;
            };
            if b == a {
                continue;
            }
            let w = if x.len() == cfg.pair_weights.len() {
                &cfg.pair_weights
            } else {
                &cfg.embed_pair_weights
            };
            let z: f32 = x.iter().zip(w).map(|(a, b)| a * b).sum();
            let p = 1.0 / (1.0 + (-z).exp());
            let e = links.entry((a.min(b), a.max(b))).or_insert([0.0; 4]);
            e[2] += p;
            e[3] = e[3].max(p);
        }
    }
    let base = bcubed(&pred, gold).2;
    {
        // Oracle: is each linked pair of predicted stories the same gold story (by majority)?
        let mut cnt: HashMap<(usize, usize), usize> = HashMap::new();
        for (&p, &g) in pred.iter().zip(gold) {
            *cnt.entry((p, g)).or_default() += 1;
        }
        let mut maj = vec![(0usize, usize::MAX); k];
        let mut keys: Vec<_> = cnt.iter().collect();
        keys.sort();
        for (&(p, g), &n) in keys {
            if n > maj[p].0 {
                maj[p] = (n, g);
            }
        }
        let mut hist = [[0usize; 2]; 12];
        let mut best = vec![(usize::MAX, 0.0f32); k];
        let pm = std::env::var("PX_MERGE_HIST").is_ok_and(|v| v == "pmax");
        for (&(a, b), v) in &links {
            let sim = if pm {
                v[3]
            } else {
                v[0] / (size[a] + size[b]) as f32
            };
            let bin = ((sim / 0.05) as usize).min(11);
            hist[bin][(maj[a].1 == maj[b].1) as usize] += 1;
            if sim > best[a].1 || (sim == best[a].1 && b < best[a].0) {
                best[a] = (b, sim);
            }
            if sim > best[b].1 || (sim == best[b].1 && a < best[b].0) {
                best[b] = (a, sim);
            }
        }
        let mut row = format!(
            "  {} bins (wrong/right):",
            if pm { "pair-prob max" } else { "avg-sim" }
        );
        for (i, h) in hist.iter().enumerate() {
            row.push_str(&format!(" {:.2}:{}/{}", i as f32 * 0.05, h[0], h[1]));
        }
        println!("{row}");
        let mut mh = [[0usize; 2]; 12];
        for a in 0..k {
            let (b, sim) = best[a];
            if b != usize::MAX && best[b].0 == a && a < b {
                mh[((sim / 0.05) as usize).min(11)][(maj[a].1 == maj[b].1) as usize] += 1;
            }
        }
        let mut row = String::from("  mutual-best bins (wrong/right):");
        for (i, h) in mh.iter().enumerate() {
            row.push_str(&format!(" {:.2}:{}/{}", i as f32 * 0.05, h[0], h[1]));
        }
        println!("{row}");
    }
    let modes: Vec<String> = std::env::var("PX_MERGE_MODES")
        .unwrap_or_else(|_| "avg,max,pavg,pmax".into())
        .split(',')
        .map(str::to_string)
        .collect();
    for mode in &modes {
        let cuts: &[f32] = match mode.as_str() {
            "avg" | "avgm" | "avgx" => &[0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.6],
            "max" => &[0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6, 0.7],
            "pavg" => &[0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.4],
            _ => &[0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8],
        };
        let mut row = format!("  merge {mode:<5} base {base:.4}:");
        for &cut in cuts {
            let mut parent: Vec<usize> = (0..k).collect();
            fn find(p: &mut [usize], mut x: usize) -> usize {
                while p[x] != x {
                    p[x] = p[p[x]];
                    x = p[x];
                }
                x
            }
            let mut pairs: Vec<(&(usize, usize), &[f32; 4])> = links.iter().collect();
            pairs.sort_by(|a, b| a.0.cmp(b.0));
            let mut merges = 0;
            let simf = |a: usize, b: usize, v: &[f32; 4]| match mode.as_str() {
                "avg" | "avgm" | "avgx" => v[0] / (size[a] + size[b]) as f32,
                "max" => v[1],
                "pavg" => v[2] / (size[a] + size[b]) as f32,
                _ => v[3],
            };
            // Best partner of each story (for mutual-best).
            let mut best = vec![(usize::MAX, 0.0f32); k];
            for &(&(a, b), v) in &pairs {
                let sim = simf(a, b, v);
                if sim > best[a].1 {
                    best[a] = (b, sim);
                }
                if sim > best[b].1 {
                    best[b] = (a, sim);
                }
            }
            if mode == "avgx" {
                pairs.sort_by(|x, y| {
                    simf(y.0.0, y.0.1, y.1)
                        .total_cmp(&simf(x.0.0, x.0.1, x.1))
                        .then(x.0.cmp(y.0))
                });
            }
            let mut used = vec![false; k];
            for (&(a, b), v) in pairs {
                if mode == "avgm" && !(best[a].0 == b && best[b].0 == a) {
                    continue;
                }
                if mode == "avgx" && (used[a] || used[b]) {
                    continue;
                }
                let sim = match mode.as_str() {
                    "avg" | "avgm" | "avgx" => v[0] / (size[a] + size[b]) as f32,
                    "max" => v[1],
                    "pavg" => v[2] / (size[a] + size[b]) as f32,
                    _ => v[3],
                };
                if sim >= cut {
                    let (ra, rb) = (find(&mut parent, a), find(&mut parent, b));
                    if ra != rb {
                        used[a] = true;
                        used[b] = true;
                        parent[ra.max(rb)] = ra.min(rb);
                        merges += 1;
                    }
                }
            }
            let merged: Vec<usize> = pred.iter().map(|&p| find(&mut parent, p)).collect();
            let (p, r, f1) = bcubed(&merged, gold);
            row.push_str(&format!(
                " | {cut}: F1 {f1:.4} (P {p:.3} R {r:.3}, -{merges})"
            ));
        }
        println!("{row}");
    }
}

fn main() {
    let mut cfg = ClusterConfig::default();
    env("PX_THRESHOLD", &mut cfg.threshold);
    env("PX_CENTROID", &mut cfg.centroid_weight);
    env("PX_TITLE", &mut cfg.title_weight);
    env("PX_ENTITY", &mut cfg.entity_weight);
    env("PX_NUMBER", &mut cfg.number_weight);
    env("PX_NAMEW", &mut cfg.name_word_weight);
    env("PX_PSEUDO", &mut cfg.idf_pseudo_docs);
    env("PX_PRATE", &mut cfg.idf_pseudo_rate);
    env("PX_SLOPE", &mut cfg.length_slope);
    env("PX_PREFIX", &mut cfg.prefix_weight);
    env("PX_CROWD", &mut cfg.crowd_damping);
    env("PX_BIGRAM", &mut cfg.bigram_weight);
    env("PX_IDFP", &mut cfg.idf_power);
    env("PX_JOIN", &mut cfg.join_probability);
    env("PX_EJOIN", &mut cfg.embed_join_probability);
    env("PX_ERANK", &mut cfg.embed_rank_weight);
    let mut ecand = cfg.embed_candidates as f32;
    env("PX_ECAND", &mut ecand);
    cfg.embed_candidates = ecand as usize;
    let mut ewin = cfg.embed_window as f32;
    env("PX_EWIN", &mut ewin);
    cfg.embed_window = ewin as usize;
    let mut rerank = cfg.rerank as f32;
    env("PX_RERANK", &mut rerank);
    cfg.rerank = rerank as usize;
    if std::env::var("PX_HAND").is_ok() {
        // The hand-weighted score alone (no pair model).
        cfg.pair_weights.clear();
    }
    let mut cand = cfg.candidates as f32;
    env("PX_CAND", &mut cand);
    cfg.candidates = cand as usize;
    env("PX_MAXDF", &mut cfg.max_df_fraction);
    let mut words = cfg.max_body_words as f32;
    env("PX_WORDS", &mut words);
    cfg.max_body_words = words as usize;
    let files = common::files_or_default();
    let shuffle = std::env::var("PX_SHUFFLE").is_ok();
    for f in files {
        let mut docs = load(&f);
        if std::env::var("PX_NOSOURCE").is_ok() {
            for d in &mut docs {
                d.doc.source = None;
            }
        }
        if std::env::var("PX_LONG").is_ok() {
            // Speed check on article-length bodies: each body followed by four others' bodies.
            let bodies: Vec<String> = docs.iter().map(|d| d.doc.text.clone()).collect();
            for (i, d) in docs.iter_mut().enumerate() {
                for k in 1..5 {
                    d.doc.text.push_str("\n\n");
                    d.doc.text.push_str(&bodies[(i + k * 97) % bodies.len()]);
                }
            }
        }
        let mut gid: HashMap<&str, usize> = HashMap::new();
        let order: Vec<&Doc> = docs.iter().collect();
        let gold: Vec<usize> = order
            .iter()
            .map(|d| {
                let n = gid.len();
                *gid.entry(d.gold.as_str()).or_insert(n)
            })
            .collect();
        if std::env::var("PX_PRIOR").is_ok() {
            let mut c = Clusterer::new(ClusterConfig::default());
            for d in &docs {
                c.insert_known(&d.doc, &d.doc.id);
            }
            cfg.prior = Some(std::sync::Arc::new(c.idf_prior()));
        }
        if std::env::var("PX_EDIAG").is_ok() {
            diagnose_embed(&order, &cfg);
        }
        if std::env::var("PX_DIAG").is_ok() {
            diagnose(&order, &cfg);
        }
        if let Ok(n) = std::env::var("PX_DEBUG") {
            debug_errors(&order, &cfg, n.parse().unwrap_or(20));
        }
        if std::env::var("PX_MERGE").is_ok() {
            merge_sweep(&order, &cfg, &gold);
        }
        let (pred, rate) = run(&order, &cfg);
        let (p, r, f1) = bcubed(&pred, &gold);
        let k = pred.iter().max().map_or(0, |m| m + 1);
        if std::env::var("PX_SIZES").is_ok() {
            let mut sizes = vec![0usize; k];
            for &p in &pred {
                sizes[p] += 1;
            }
            sizes.sort_unstable_by(|a, b| b.cmp(a));
            println!("largest: {:?}", &sizes[..sizes.len().min(15)]);
        }
        println!(
            "{:<40} P {p:.4} R {r:.4} F1 {f1:.4} pairwise F1 {:.4} stories {k}/{} {rate:.0} docs/s",
            f.rsplit('/').next().unwrap_or(""),
            pairwise(&pred, &gold),
            gid.len()
        );
        if shuffle {
            // Fixed-seed shuffle (xorshift).
            let mut idx: Vec<usize> = (0..docs.len()).collect();
            let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
            for i in (1..idx.len()).rev() {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                idx.swap(i, (x % (i as u64 + 1)) as usize);
            }
            let sorder: Vec<&Doc> = idx.iter().map(|&i| &docs[i]).collect();
            let sgold: Vec<usize> = idx.iter().map(|&i| gold[i]).collect();
            let (spred, _) = run(&sorder, &cfg);
            let (p, r, f1) = bcubed(&spred, &sgold);
            // Agreement between the two orders' clusterings.
            let mut back = vec![0usize; docs.len()];
            for (pos, &i) in idx.iter().enumerate() {
                back[i] = spred[pos];
            }
            let (_, _, agree) = bcubed(&back, &pred);
            println!(
                "  shuffled: P {p:.4} R {r:.4} F1 {f1:.4} pairwise F1 {:.4}; BCubed F1 between orders {agree:.4}",
                pairwise(&spred, &sgold)
            );
        }
    }
}

#[allow(dead_code)]
fn debug_errors(docs: &[&Doc], cfg: &ClusterConfig, limit: usize) {
    let mut c = Clusterer::new(cfg.clone());
    let mut gold_of: HashMap<ArticleId, String> = HashMap::new();
    let mut shown = 0;
    for d in docs {
        let m = c.best_match(&d.doc);
        let seed = c.assign(&d.doc);
        gold_of.insert(d.doc.id.clone(), d.gold.clone());
        let sg = &gold_of[&seed];
        let first_of_story = !gold_of
            .iter()
            .any(|(id, g)| g == &d.gold && *id != d.doc.id);
        let wrong = (seed != d.doc.id && *sg != d.gold) || (seed == d.doc.id && !first_of_story);
        if wrong && shown < limit {
            shown += 1;
            println!(
                "--- {} [{}] joined {} ({:?})\n  T: {}\n  X: {}",
                d.doc.id,
                d.gold,
                seed,
                m.map(|x| x.1),
                d.doc.title,
                d.doc.text.chars().take(200).collect::<String>()
            );
            if let Some(sd) = docs.iter().find(|x| x.doc.id == seed) {
                println!(
                    "  seed T: {}\n  seed X: {}",
                    sd.doc.title,
                    sd.doc.text.chars().take(200).collect::<String>()
                );
            }
        }
    }
}

/// With the gold clustering as state: how often the right story ranks first, and how the scores
/// of right and wrong stories are spread.
fn diagnose(docs: &[&Doc], cfg: &ClusterConfig) {
    let mut c = Clusterer::new(cfg.clone());
    let mut seed_of: HashMap<String, ArticleId> = HashMap::new();
    let (mut ranked_ok, mut joiners) = (0, 0);
    let mut right = Vec::new();
    let mut wrong_j = Vec::new();
    let mut wrong_first = Vec::new();
    for d in docs {
        let cands = c.candidates(&d.doc);
        let gseed = seed_of.get(&d.gold).cloned();
        let best_wrong = cands
            .iter()
            .filter(|x| Some(&x.0) != gseed.as_ref())
            .map(|x| x.1)
            .fold(0.0f32, f32::max);
        match &gseed {
            Some(g) => {
                joiners += 1;
                let r = cands.iter().find(|x| &x.0 == g).map_or(0.0, |x| x.1);
                if r > best_wrong {
                    ranked_ok += 1;
                } else if std::env::var("PX_SHOWRANK").is_ok() && joiners % 7 == 0 {
                    let w = cands.iter().find(|x| Some(&x.0) != gseed.as_ref()).unwrap();
                    let find = |id: &ArticleId| {
                        docs.iter()
                            .find(|x| &x.doc.id == id)
                            .map(|x| {
                                format!(
                                    "{} | {}",
                                    x.doc.title,
                                    x.doc.text.chars().take(150).collect::<String>()
                                )
                            })
                            .unwrap_or_default()
                    };
                    println!(
                        "DOC {:.3}/{:.3}: {} | {}\n  RIGHT: {}\n  WRONG: {}",
                        r,
                        w.1,
                        d.doc.title,
                        d.doc.text.chars().take(150).collect::<String>(),
                        find(g),
                        find(&w.0)
                    );
                }
                right.push(r);
                wrong_j.push(best_wrong);
            }
            None => wrong_first.push(best_wrong),
        }
        let seed = gseed.unwrap_or_else(|| d.doc.id.clone());
        c.insert_known(&d.doc, &seed);
        seed_of.entry(d.gold.clone()).or_insert(seed);
    }
    let q = |v: &mut Vec<f32>| {
        v.sort_by(|a, b| a.total_cmp(b));
        let n = v.len();
        format!(
            "p10 {:.3} p25 {:.3} p50 {:.3} p75 {:.3} p90 {:.3}",
            v[n / 10],
            v[n / 4],
            v[n / 2],
            v[3 * n / 4],
            v[9 * n / 10]
        )
    };
    println!(
        "ranking acc {:.4} ({ranked_ok}/{joiners})",
        ranked_ok as f64 / joiners as f64
    );
    println!("right story score      {}", q(&mut right));
    println!("best wrong (joiners)   {}", q(&mut wrong_j));
    println!("best wrong (firsts)    {}", q(&mut wrong_first));
}

/// With embeddings and the gold clustering as state: how often the gold story is the nearest by
/// embedding centroid cosine (and within the top 2 / 5), and how its cosine compares with the best
/// wrong one.
fn diagnose_embed(docs: &[&Doc], cfg: &ClusterConfig) {
    let lambdas = [0.0f32, 0.5, 1.0, 2.0, 4.0, 8.0];
    let mut hybrid = vec![0usize; lambdas.len()];
    let mut c = Clusterer::new(cfg.clone());
    let mut seed_of: HashMap<String, ArticleId> = HashMap::new();
    let mut gold_of_seed: HashMap<ArticleId, String> = HashMap::new();
    let mut sums: Vec<(String, Vec<f32>)> = Vec::new();
    let (mut n, mut top1, mut top2, mut top5) = (0, 0, 0, 0);
    let mut margins = Vec::new();
    for d in docs {
        let Some(e) = &d.doc.embedding else { return };
        let mut cos: Vec<(f32, bool)> = sums
            .iter()
            .map(|(g, s)| {
                let norm = s.iter().map(|x| x * x).sum::<f32>().sqrt();
                let c = s.iter().zip(e).map(|(a, b)| a * b).sum::<f32>() / norm;
                (c, *g == d.gold)
            })
            .collect();
        let lex: HashMap<String, f32> = c
            .candidates(&d.doc)
            .into_iter()
            .map(|(seed, x)| (gold_of_seed[&seed].clone(), x))
            .collect();
        if seed_of.contains_key(&d.gold) {
            for (k, &l) in lambdas.iter().enumerate() {
                let sc = |g: &str, cs: f32| lex.get(g).copied().unwrap_or(0.0) + l * cs;
                let mut best: Option<(f32, bool)> = None;
                for ((g, _), (cs, _)) in sums.iter().zip(&cos) {
                    let v = sc(g, *cs);
                    if best.is_none_or(|b| v > b.0) {
                        best = Some((v, *g == d.gold));
                    }
                }
                hybrid[k] += best.is_some_and(|b| b.1) as usize;
            }
        }
        let seed = seed_of
            .get(&d.gold)
            .cloned()
            .unwrap_or_else(|| d.doc.id.clone());
        c.insert_known(&d.doc, &seed);
        seed_of.entry(d.gold.clone()).or_insert(seed.clone());
        gold_of_seed.insert(seed, d.gold.clone());
        cos.sort_by(|a, b| b.0.total_cmp(&a.0));
        if let Some(r) = cos.iter().position(|x| x.1) {
            n += 1;
            top1 += (r < 1) as usize;
            top2 += (r < 2) as usize;
            top5 += (r < 5) as usize;
            let right = cos[r].0;
            let wrong = cos.iter().find(|x| !x.1).map_or(0.0, |x| x.0);
            margins.push(right - wrong);
        }
        match sums.iter_mut().find(|(g, _)| *g == d.gold) {
            Some((_, s)) => s.iter_mut().zip(e).for_each(|(a, b)| *a += b),
            None => sums.push((d.gold.clone(), e.clone())),
        }
    }
    margins.sort_by(|a, b| a.total_cmp(b));
    let m = margins.len();
    for (l, h) in lambdas.iter().zip(&hybrid) {
        println!(
            "  lexical + {l} x embedding: top1 {:.4}",
            *h as f64 / n as f64
        );
    }
    println!(
        "embedding ranking: top1 {:.4} top2 {:.4} top5 {:.4} of {n}; margin p10 {:.3} p25 {:.3} p50 {:.3}",
        top1 as f64 / n as f64,
        top2 as f64 / n as f64,
        top5 as f64 / n as f64,
        margins[m / 10],
        margins[m / 4],
        margins[m / 2]
    );
}
