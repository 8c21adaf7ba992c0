//! Precision and recall of wire-copy detection on the project's fixtures
//! (`tests/data/wire/events.json`, expanded by `tests/wirefix`): copy pairs (same report with the
//! agency rule off, against the same text family) and reports (the default grouping against the
//! gold reports), a threshold sweep, and the time per story.
//!
//! `cargo run --release -p parallax-intel --example wire_bench`

#[path = "../tests/wirefix/mod.rs"]
mod wirefix;

use parallax_intel::wire::{WireConfig, detect};
use std::time::Instant;

fn row(name: &str, s: &wirefix::Scores) {
    println!(
        "| {name} | {:.3} / {:.3} / {:.3} | {:.3} / {:.3} / {:.3} | {} / {} | {} of {} |",
        s.copies.precision(),
        s.copies.recall(),
        s.copies.f1(),
        s.reports.precision(),
        s.reports.recall(),
        s.reports.f1(),
        s.found_reports,
        s.gold_reports,
        s.translations_copied,
        s.translations,
    );
}

fn main() {
    let stories = wirefix::load(&wirefix::fixture_path());
    let n: usize = stories.iter().map(|s| s.articles.len()).sum();
    println!("{} stories, {n} articles\n", stories.len());
    println!(
        "| configuration | copy pairs P / R / F1 | reports P / R / F1 | reports found / gold | translated leads taken for copies |"
    );
    println!("|---|---|---|---|---|");
    let def = WireConfig::default();
    let s = wirefix::score(&stories, &def);
    row(
        "default (5-word shingles, containment ≥ 0.25, quotes left out)",
        &s,
    );
    for t in [0.10, 0.15, 0.20, 0.30, 0.35, 0.40, 0.50, 0.60] {
        let cfg = WireConfig {
            threshold: t,
            ..def.clone()
        };
        row(
            &format!("threshold {t:.2}"),
            &wirefix::score(&stories, &cfg),
        );
    }
    let cfg = WireConfig {
        skip_quotes: false,
        ..def.clone()
    };
    row("quotes kept", &wirefix::score(&stories, &cfg));
    for k in [3, 4, 6, 8] {
        let cfg = WireConfig {
            shingle_words: k,
            ..def.clone()
        };
        row(
            &format!("{k}-word shingles"),
            &wirefix::score(&stories, &cfg),
        );
    }
    println!(
        "\nDefault, per kind of article: in its original's report (agency rule off) / articles"
    );
    for (k, (ok, all)) in &s.by_kind {
        println!("  {k:?}: {ok} / {all}");
    }
    println!(
        "first publisher right: {} / {} families",
        s.first_right, s.families
    );
    println!(
        "pairs: copies {} found, {} wrong, {} missed; reports {} found, {} wrong, {} missed",
        s.copies.tp, s.copies.fp, s.copies.fn_, s.reports.tp, s.reports.fp, s.reports.fn_
    );

    if std::env::var_os("PX_ERRORS").is_some() {
        errors(&stories);
    }
    let arts: Vec<Vec<parallax_core::Article>> = stories
        .iter()
        .map(|s| s.articles.iter().map(|l| l.article.clone()).collect())
        .collect();
    let flat: Vec<&parallax_core::Article> = arts.iter().flatten().collect();
    let t = Instant::now();
    for _ in 0..10 {
        for a in &flat {
            std::hint::black_box(parallax_intel::wire::agency_credits(a));
        }
    }
    println!(
        "credits: {:.1} µs per article",
        t.elapsed().as_secs_f64() * 1e6 / (10 * flat.len()) as f64
    );
    let t = Instant::now();
    for _ in 0..10 {
        for a in &flat {
            std::hint::black_box(parallax_intel::wire::shingles(&a.body(), 5));
        }
    }
    println!(
        "shingles: {:.1} µs per article",
        t.elapsed().as_secs_f64() * 1e6 / (10 * flat.len()) as f64
    );
    let rounds = 50;
    let t = Instant::now();
    for _ in 0..rounds {
        for a in &arts {
            std::hint::black_box(detect(a));
        }
    }
    let per = t.elapsed().as_secs_f64() / (rounds * arts.len()) as f64;
    println!(
        "time: {:.2} ms per story of about {} articles",
        per * 1000.0,
        n / arts.len()
    );
    // A large story: every fixture article in one, to show how it scales.
    let all: Vec<parallax_core::Article> = arts.concat();
    let t = Instant::now();
    let ind = detect(&all);
    println!(
        "all {} articles as one story (timing only): {:.1} ms, {}",
        all.len(),
        t.elapsed().as_secs_f64() * 1000.0,
        ind.describe()
    );
    // The whole story page's analysis (reports, ledger, entities, perspectives, timeline) of
    // that large story, as `parallax story` and the story page compute it on every view.
    let t = Instant::now();
    let intel = parallax_intel::analyze_story(&all, &[]);
    println!(
        "analyze_story over all {} articles: {:.0} ms ({} claims)",
        all.len(),
        t.elapsed().as_secs_f64() * 1000.0,
        intel.claims.len()
    );
    // Twice as many (each article again under another id): how the analysis scales.
    let mut twice = all.clone();
    twice.extend(all.iter().map(|a| {
        let mut b = a.clone();
        b.id = parallax_core::ArticleId(format!("{}-again", a.id));
        b
    }));
    let t = Instant::now();
    let intel = parallax_intel::analyze_story(&twice, &[]);
    println!(
        "analyze_story over {} articles: {:.0} ms ({} claims)",
        twice.len(),
        t.elapsed().as_secs_f64() * 1000.0,
        intel.claims.len()
    );
}

/// With `PX_ERRORS=1`: the reports mixing families and the articles missing from theirs.
fn errors(stories: &[wirefix::Story]) {
    use parallax_intel::wire::detect_with;
    let cfg = WireConfig {
        merge_agency: false,
        ..WireConfig::default()
    };
    for st in stories {
        let arts: Vec<parallax_core::Article> =
            st.articles.iter().map(|l| l.article.clone()).collect();
        let ind = detect_with(&arts, &cfg);
        let scores = parallax_intel::wire::pair_scores(&arts, &cfg);
        for (i, l) in st.articles.iter().enumerate() {
            let orig = st
                .articles
                .iter()
                .position(|o| o.family == l.family && o.kind == wirefix::Kind::Original);
            let Some(o) = orig else { continue };
            if ind.report_of(&l.article.id) != ind.report_of(&st.articles[o].article.id) {
                let best: Vec<String> = scores
                    .iter()
                    .filter(|(a, b, _)| {
                        (*a == i || *b == i)
                            && st.articles[if *a == i { *b } else { *a }].family == l.family
                    })
                    .map(|(a, b, s)| {
                        format!(
                            "{}:{}/{} {:.2}/{:.2}",
                            st.articles[if *a == i { *b } else { *a }].article.id,
                            s.shared,
                            s.shared_outside_boilerplate,
                            s.first_in_second,
                            s.second_in_first
                        )
                    })
                    .collect();
                println!(
                    "missed {} ({} paragraphs): {best:?}",
                    l.article.id,
                    l.article.paragraphs.len()
                );
            }
        }
        for r in &ind.reports {
            let fams: Vec<&str> = r
                .articles
                .iter()
                .map(|id| {
                    st.articles
                        .iter()
                        .find(|l| &l.article.id == id)
                        .map(|l| l.family.as_str())
                        .unwrap_or("?")
                })
                .collect();
            let mut f = fams.clone();
            f.sort_unstable();
            f.dedup();
            if f.len() > 1 {
                println!(
                    "mixed report {}: {:?}",
                    r.original,
                    r.copies
                        .iter()
                        .map(|e| (e.copy.as_str(), e.source.as_str(), e.containment))
                        .collect::<Vec<_>>()
                );
            }
        }
    }
}
