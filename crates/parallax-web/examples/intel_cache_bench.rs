//! Times a story page's analysis uncached and from [`parallax_web::intel_cache`]: the first N
//! articles of an evaluation file (JSON Lines with "id", "title", "text", optional "source"; default
//! the allsides development set) taken as one story.
//!
//! `cargo run --release -p parallax-web --example intel_cache_bench -- [FILE] [N]`
use parallax_core::{Article, ArticleId, SourceId};
use std::time::Instant;

fn main() {
    let mut args = std::env::args().skip(1);
    let path = args
        .next()
        .unwrap_or_else(|| "../shared/eval/clustering/allsides-dev.articles.jsonl".to_string());
    let n: usize = args.next().and_then(|s| s.parse().ok()).unwrap_or(300);
    let text = std::fs::read_to_string(&path).expect("the articles file");
    let articles: Vec<Article> = text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .take(n)
        .enumerate()
        .map(|(i, l)| {
            let v: serde_json::Value = serde_json::from_str(l).expect("JSON line");
            let s = |k: &str| v[k].as_str().unwrap_or_default().to_string();
            let body = s("text");
            Article {
                id: ArticleId::from_key(&format!("{i}")),
                source: SourceId::from_key(&s("source")),
                url: None,
                canonical_url: None,
                title: s("title"),
                byline: None,
                published: None,
                language: Some("en".to_string()),
                paragraphs: body
                    .lines()
                    .map(str::to_string)
                    .filter(|p| !p.is_empty())
                    .collect(),
                content_hash: parallax_core::content_hash(&body),
                fetched_at: chrono::DateTime::UNIX_EPOCH,
                origin: path.clone(),
                warnings: Vec::new(),
                excerpts: Vec::new(),
                attribution: Default::default(),
            }
        })
        .collect();
    let start = Instant::now();
    let fresh = parallax_intel::analyze_story(&articles, &[]);
    let uncached = start.elapsed();
    parallax_web::intel_cache::analyze_story(&articles, &[]);
    let start = Instant::now();
    let cached = parallax_web::intel_cache::analyze_story(&articles, &[]);
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
