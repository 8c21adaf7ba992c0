//! Times a story digest ([`parallax_intel::digest::digest`]) and the part of it that records the
//! claim ledger for the outlets' records (issue 11): the first N articles of an evaluation file
//! (JSON Lines with "id", "title", "text", optional "source"; default the allsides development
//! set) taken as one story, the worst case of a digest pass.
//!
//! `cargo run --release -p parallax-web --example digest_cost -- [FILE] [N]`
use parallax_core::{Article, ArticleId, SourceId, StoryId};
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
    let story = StoryId::from("sto-bench");
    let start = Instant::now();
    let d = parallax_intel::digest::digest(&story, chrono::DateTime::UNIX_EPOCH, &articles, &[]);
    let whole = start.elapsed();
    let start = Instant::now();
    let independence = parallax_intel::wire::detect(&articles);
    let claims = parallax_intel::claims::ledger(&articles, &[], &independence);
    let ledger = parallax_intel::outlets::ledger_claims(&articles, &claims, &independence);
    let ledger_part = start.elapsed();
    let json = serde_json::to_string(&d).unwrap_or_default();
    let without: usize = {
        let mut d = d.clone();
        d.ledger.clear();
        serde_json::to_string(&d).map(|s| s.len()).unwrap_or(0)
    };
    println!(
        "{} articles as one story: digest {:.1} ms, of which the ledger (wire detection, claims, \
         outlets' standings) {:.1} ms; {} claims recorded; digest JSON {} bytes ({} without \
         the ledger)",
        articles.len(),
        whole.as_secs_f64() * 1e3,
        ledger_part.as_secs_f64() * 1e3,
        ledger.len(),
        json.len(),
        without
    );
}
