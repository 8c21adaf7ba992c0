//! Micro-benchmarks of the hot paths: HTML extraction, text analysis, the clustering step and
//! story analysis (summary, title, coverage). Inputs are the synthetic articles of
//! `parallax_benches` (written for the project, deterministic).
//!
//! `cargo bench -p parallax-benches` runs them all; `cargo bench -p parallax-benches -- cluster`
//! runs those whose name contains "cluster". CI compiles them (clippy `--all-targets`) but does not
//! run them: timings on shared 2-core machines are noise, and figures that matter go through
//! `parallax eval` and `scripts/bench-peers` into BENCHMARKS.md.

use divan::counter::{BytesCount, ItemsCount};
use divan::{Bencher, black_box};
use parallax_benches::{articles, core_articles, html_page};
use parallax_cluster::{ClusterConfig, ClusterDoc, Clusterer};

fn main() {
    divan::main();
}

/// Main-content extraction of one article page (decode, parse, boilerplate removal, metadata).
#[divan::bench(args = [4, 16, 64])]
fn extract_html(bencher: Bencher, paragraphs: usize) {
    let page = html_page(&articles(1, 1, paragraphs)[0]);
    bencher
        .counter(BytesCount::new(page.len()))
        .bench(|| parallax_extract::extract_html(black_box(page.as_bytes()), None, None));
}

/// Plain-text page cleaning (navigation lines, promotions, related links).
#[divan::bench]
fn extract_text(bencher: Bencher) {
    let a = &articles(1, 1, 16)[0];
    let text = format!(
        "Home\nWorld\nPolitics\n{}\n\n{}\n\nGet the full experience in the app\nRelated\nAnother headline\n",
        a.title,
        a.paragraphs.join("\n\n")
    );
    bencher
        .counter(BytesCount::new(text.len()))
        .bench(|| parallax_extract::extract_text(black_box(&text)));
}

mod text {
    use super::*;

    fn body() -> String {
        articles(1, 1, 16)[0].paragraphs.join("\n\n")
    }

    /// Sentence segmentation.
    #[divan::bench]
    fn sentences(bencher: Bencher) {
        let text = body();
        bencher
            .counter(BytesCount::new(text.len()))
            .bench(|| parallax_text::sentences(black_box(&text)));
    }

    /// Index terms: lower-casing, stop words, stemming.
    #[divan::bench]
    fn terms(bencher: Bencher) {
        let text = body();
        let analyzer = parallax_text::Analyzer::new(Some("en"));
        bencher
            .counter(BytesCount::new(text.len()))
            .bench(|| analyzer.terms(black_box(&text)));
    }

    /// Capitalised-phrase entities and numbers.
    #[divan::bench]
    fn entities_and_numbers(bencher: Bencher) {
        let text = body();
        bencher.counter(BytesCount::new(text.len())).bench(|| {
            (
                parallax_text::named_entities(black_box(&text)),
                parallax_text::numbers(black_box(&text)),
            )
        });
    }

    /// Language identification.
    #[divan::bench]
    fn detect_language(bencher: Bencher) {
        let text = body();
        bencher
            .counter(BytesCount::new(text.len()))
            .bench(|| parallax_text::detect_language(black_box(&text)));
    }
}

/// The clustering step: a fresh clusterer takes a stream of `n` articles (about three per story,
/// interleaved), each joining a story or starting one. Items are articles.
#[divan::bench(args = [500, 2000], sample_count = 10)]
fn cluster_stream(bencher: Bencher, n: usize) {
    let docs: Vec<ClusterDoc> = core_articles(&articles(n, n / 3, 3), 40)
        .into_iter()
        .map(|a| ClusterDoc {
            id: a.id.clone(),
            title: a.title.clone(),
            text: a.body(),
            language: a.language.clone(),
            published: a.published.as_ref().map(|p| p.at),
            source: Some(a.source.as_str().to_string()),
            embedding: None,
        })
        .collect();
    bencher.counter(ItemsCount::new(n)).bench(|| {
        let mut clusterer = Clusterer::new(ClusterConfig::default());
        for d in &docs {
            black_box(clusterer.assign(d));
        }
        clusterer.stories()
    });
}

/// Story analysis: title, cited summary bullets and coverage of a story of `n` articles.
#[divan::bench(args = [5, 20, 80])]
fn analyze_story(bencher: Bencher, n: usize) {
    let story = core_articles(&articles(n, 1, 6), 12);
    bencher
        .counter(ItemsCount::new(n))
        .bench(|| parallax_analysis::analyze(black_box(&story), &[]));
}
