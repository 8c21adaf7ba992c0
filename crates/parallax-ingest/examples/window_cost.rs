//! The cost of one article as the store and the clustering window grow: the baseline issue 13
//! asks to make flat. Imports the records of a JSON Lines file one at a time into a new SQLite
//! file (lexical clustering, no embedding model) and prints, per block of articles, the
//! milliseconds per article (extraction, deduplication, clustering, analysis and commit) and the
//! window's size; then the consolidation pass over the window, timed.
//!
//! ```text
//! python3 scripts/bench_web_helper.py gen ../shared/eval bench-out/stream.jsonl --count 30000
//! cargo run --release -p parallax-ingest --example window_cost -- bench-out/stream.jsonl [BLOCK]
//! ```
//! The records come in publication order, as `scripts/bench-web` makes them (every replay of the
//! evaluation sets with its own words, URLs and times), so the window fills as it would from a
//! crawl. BLOCK defaults to 2,000 articles.

use parallax_ingest::{Outcome, Pipeline, load_file};
use parallax_store::SqliteStore;
use std::path::PathBuf;
use std::time::Instant;

fn main() {
    let mut args = std::env::args().skip(1);
    let Some(input) = args.next().map(PathBuf::from) else {
        eprintln!("usage: window_cost RECORDS.jsonl [BLOCK]");
        std::process::exit(2);
    };
    let block: usize = args.next().and_then(|b| b.parse().ok()).unwrap_or(2_000);
    let (docs, errors) = load_file(&input).unwrap_or_else(|e| {
        eprintln!("{}: {}", e.origin, e.message);
        std::process::exit(1);
    });
    if !errors.is_empty() {
        eprintln!("{} records could not be read", errors.len());
    }
    let dir = tempfile::tempdir().expect("a temporary folder");
    let store = SqliteStore::open(&dir.path().join("window.db")).expect("a new store");
    let mut pipeline = Pipeline::new(&store).expect("a pipeline");
    println!("articles\tms_per_article\twindow_stories\twindow_documents");
    let (mut imported, mut in_block) = (0usize, 0usize);
    let mut started = Instant::now();
    for doc in &docs {
        if let Ok(Outcome::Imported { .. }) = pipeline.ingest(doc) {
            imported += 1;
            in_block += 1;
        }
        if in_block == block {
            let ms = started.elapsed().as_secs_f64() * 1000.0 / block as f64;
            let (stories, documents) = pipeline.window_size();
            println!("{imported}\t{ms:.2}\t{stories}\t{documents}");
            in_block = 0;
            started = Instant::now();
        }
    }
    let t = Instant::now();
    let pass = pipeline.consolidate().expect("a consolidation pass");
    println!(
        "consolidation over the window: {:.1} s ({} articles, {} stories written)",
        t.elapsed().as_secs_f64(),
        pass.articles,
        pass.stories_written
    );
}
