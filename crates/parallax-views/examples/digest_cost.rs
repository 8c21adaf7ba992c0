//! Times a story digest ([`parallax_intel::digest::digest`]) and the part of it that records the
//! claim ledger for the outlets' records (issue 11): the first N articles of an evaluation file
//! (JSON Lines with "id", "title", "text", optional "source"; default the allsides development
//! set) taken as one story, the worst case of a digest pass.
//!
//! `cargo run --release -p parallax-views --example digest_cost -- [FILE] [N]`
mod common;

use parallax_core::{Article, StoryId};
use std::time::Instant;

fn main() {
    let (path, n) = common::args();
    let articles: Vec<Article> = common::articles(&path, n);
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
