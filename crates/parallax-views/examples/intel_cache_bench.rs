//! Times a story page's analysis uncached and from [`parallax_views::intel_cache`]: the first N
//! articles of an evaluation file (JSON Lines with "id", "title", "text", optional "source"; default
//! the allsides development set) taken as one story.
//!
//! `cargo run --release -p parallax-views --example intel_cache_bench -- [FILE] [N]`
mod common;

use parallax_core::Article;
use std::time::Instant;

fn main() {
    let (path, n) = common::args();
    let articles: Vec<Article> = common::articles(&path, n);
    let start = Instant::now();
    let fresh = parallax_intel::analyze_story(&articles, &[]);
    let uncached = start.elapsed();
    parallax_views::intel_cache::analyze_story(&articles, &[]);
    let start = Instant::now();
    let cached = parallax_views::intel_cache::analyze_story(&articles, &[]);
    let hit = start.elapsed();
    if *cached != fresh {
        let (a, b) = (
            serde_json::to_string_pretty(&*cached).unwrap_or_default(),
            serde_json::to_string_pretty(&fresh).unwrap_or_default(),
        );
        let line = a
            .lines()
            .zip(b.lines())
            .position(|(x, y)| x != y)
            .unwrap_or(0);
        let ctx: Vec<&str> = a.lines().skip(line.saturating_sub(12)).take(16).collect();
        let ctx2: Vec<&str> = b.lines().skip(line.saturating_sub(12)).take(16).collect();
        eprintln!(
            "DIFF at line {line}:\n{}\n-----\n{}",
            ctx.join("\n"),
            ctx2.join("\n")
        );
    }
    println!(
        "{} articles as one story: analysis {:.1} ms; from the cache {:.2} ms (fingerprint of the inputs)",
        articles.len(),
        uncached.as_secs_f64() * 1e3,
        hit.as_secs_f64() * 1e3
    );
}
