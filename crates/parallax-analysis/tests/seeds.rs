//! The five seed documents in ../shared/seeds describe one event (a July 2025 Putin–Trump phone
//! call) as told by different outlets. Built into crude articles, they must give a cited summary.

use parallax_analysis::analyze;
use parallax_core::{Article, ArticleId, SourceId};
use parallax_text::Analyzer;
use std::collections::HashSet;
use std::path::Path;

const SEEDS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/seeds");

fn crude_article(name: &str, text: &str) -> Article {
    let title = text.lines().next().unwrap_or("").trim().to_string();
    let paragraphs = text
        .lines()
        .skip(1)
        .map(str::trim)
        .filter(|l| l.chars().count() > 60)
        .map(str::to_string)
        .collect();
    Article {
        section: None,
        id: ArticleId::from_key(name),
        source: SourceId::unknown(),
        url: None,
        canonical_url: None,
        title,
        byline: None,
        published: None,
        language: Some("en".to_string()),
        paragraphs,
        content_hash: parallax_core::content_hash(text),
        fetched_at: chrono::Utc::now(),
        origin: name.to_string(),
        warnings: Vec::new(),
        excerpts: Vec::new(),
        attribution: Default::default(),
    }
}

fn load() -> Option<Vec<Article>> {
    let dir = Path::new(SEEDS);
    let mut paths: Vec<_> = std::fs::read_dir(dir)
        .ok()?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    paths.sort();
    let articles: Vec<Article> = paths
        .iter()
        .filter_map(|p| {
            let text = std::fs::read_to_string(p).ok()?;
            Some(crude_article(&p.file_name()?.to_string_lossy(), &text))
        })
        .collect();
    (articles.len() >= 2).then_some(articles)
}

fn terms(text: &str) -> HashSet<String> {
    Analyzer::new(Some("en")).terms(text).into_iter().collect()
}

#[test]
fn seeds_give_a_cited_summary() {
    let Some(articles) = load() else {
        println!("skipped: no seed documents in {SEEDS}");
        return;
    };
    let analysis = analyze(&articles, &[]);
    println!("title: {}", analysis.title);
    for b in &analysis.summary {
        println!(
            "- {:?} {}",
            b.citations
                .iter()
                .map(|c| articles.iter().position(|a| &a.id == c).unwrap_or(99))
                .collect::<Vec<_>>(),
            b.text
        );
    }

    let title = analysis.title.to_lowercase();
    assert!(
        title.contains("putin") || title.contains("trump"),
        "{title}"
    );

    let summary = &analysis.summary;
    assert!(summary.len() >= 3, "{summary:#?}");
    assert!(summary.len() <= 6);
    // Every bullet is verbatim from the first article it cites.
    for b in summary {
        let source = articles.iter().find(|a| a.id == b.citations[0]).unwrap();
        assert!(
            source.paragraphs.iter().any(|p| p.contains(&b.text)),
            "{b:?}"
        );
    }
    // The seeds agree on the main facts: every bullet should be stated by two articles or more.
    for b in summary {
        assert!(b.citations.len() >= 2, "single-source bullet: {b:?}");
    }
    // No near-duplicates.
    for (i, x) in summary.iter().enumerate() {
        for y in &summary[i + 1..] {
            let (tx, ty) = (terms(&x.text), terms(&y.text));
            let common = tx.intersection(&ty).count() as f64;
            let small = tx.len().min(ty.len()).max(1) as f64;
            assert!(common / small < 0.75, "near-duplicates: {x:?} / {y:?}");
        }
    }
    // The facts most outlets report.
    let all = summary
        .iter()
        .map(|b| b.text.to_lowercase())
        .collect::<Vec<_>>()
        .join(" ");
    assert!(
        all.contains("hour") || all.contains("sixth") || all.contains("ushakov"),
        "{all}"
    );
}
