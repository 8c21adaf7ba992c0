//! Terminal output of story intelligence: the story's ledger, reports, perspectives, timeline and
//! entities (`parallax story`), entity pages (`parallax entity`) and blindspots
//! (`parallax blindspots`). The views are `parallax_views`'s, so the terminal, the pages and the API
//! say the same.

use std::collections::HashMap;
use std::process::ExitCode;

use anyhow::Result;
use parallax_core::{ArticleId, Store};
use parallax_intel::claims::{Claim, ClaimKind};
use parallax_views::StoryView;

use crate::cli::Format;

/// Single-source claims printed at most (all are in `--format json`).
const SINGLE_SOURCE_PRINTED: usize = 10;

/// Prints the intelligence sections of a story, citing articles by their number in the article
/// list printed after them.
pub(crate) fn print_story_intel(view: &StoryView) {
    let number: HashMap<&ArticleId, usize> = view
        .articles
        .iter()
        .enumerate()
        .map(|(i, a)| (&a.id, i + 1))
        .collect();
    // An excerpt of another article quoted on article N's page is cited as "N, excerpt K".
    let cite = |id: &ArticleId| match number.get(id) {
        Some(n) => n.to_string(),
        None => parallax_intel::excerpt_host(id)
            .and_then(|(host, k)| number.get(&host).map(|n| format!("{n}, excerpt {k}")))
            .unwrap_or_else(|| "?".to_string()),
    };
    let cites = |ids: &mut dyn Iterator<Item = &ArticleId>| {
        let mut seen = Vec::new();
        for id in ids {
            let c = cite(id);
            if !seen.contains(&c) {
                seen.push(c);
            }
        }
        seen.join("; ")
    };
    let intel = &view.intel;
    println!("\nIndependent reports: {}", intel.independence.describe());
    for (i, r) in intel.independence.reports.iter().enumerate() {
        let when = r.first_published.map_or_else(
            || "undated".to_string(),
            |t| t.format("%Y-%m-%d %H:%M UTC").to_string(),
        );
        let agency = r
            .agency
            .as_ref()
            .map(|a| format!(", credits {a}"))
            .unwrap_or_default();
        println!(
            "  {}. first [{}] ({when}{agency})",
            i + 1,
            cite(&r.original)
        );
        for e in &r.copies {
            println!(
                "     [{}] copies [{}] ({}, {:.0}% contained)",
                cite(&e.copy),
                cite(&e.source),
                e.evidence,
                f64::from(e.containment) * 100.0
            );
        }
    }
    let print_claim = |c: &Claim| {
        let label = match c.kind {
            ClaimKind::Agreed => "agreed",
            ClaimKind::Disputed => "DISPUTED",
            ClaimKind::SingleSource => "single source",
        };
        println!(
            "  • [{label}, {} independent] {} [{}]",
            c.independent_sources,
            c.text,
            cites(&mut c.sources.iter().map(|s| &s.article))
        );
        for side in &c.sides {
            println!(
                "      {} ({}; {} independent) [{}]",
                side.values.join(" / "),
                side.range,
                side.independent_sources,
                cites(&mut side.articles.iter())
            );
        }
        if let Some(q) = &c.quote_check {
            println!(
                "      quote {}{}",
                if q.verbatim {
                    "checked word for word"
                } else {
                    "NOT found word for word in its source"
                },
                q.speaker
                    .as_ref()
                    .map(|s| format!(", said by {s}"))
                    .unwrap_or_default()
            );
            for v in &q.altered {
                println!(
                    "      worded differently in [{}]: “{}”",
                    cite(&v.article),
                    v.quote
                );
            }
        }
    };
    let of = |k: ClaimKind| intel.claims.iter().filter(move |c| c.kind == k);
    println!("\nDisputed");
    if of(ClaimKind::Disputed).next().is_none() {
        println!("  (none)");
    }
    of(ClaimKind::Disputed).for_each(print_claim);
    println!("\nAgreed (two or more independent reports)");
    if of(ClaimKind::Agreed).next().is_none() {
        println!("  (none)");
    }
    of(ClaimKind::Agreed).for_each(print_claim);
    let single = of(ClaimKind::SingleSource).count();
    println!("\nSingle source ({single})");
    of(ClaimKind::SingleSource)
        .take(SINGLE_SOURCE_PRINTED)
        .for_each(print_claim);
    if single > SINGLE_SOURCE_PRINTED {
        println!(
            "  … {} more (--format json lists them all)",
            single - SINGLE_SOURCE_PRINTED
        );
    }
    if !intel.current_take.is_empty() {
        println!("\nThe world's current take");
        for t in &intel.current_take {
            let groups = if t.groups.is_empty() {
                String::new()
            } else {
                format!(" ({})", t.groups.join(", "))
            };
            println!(
                "  • {}{groups} [{}]",
                t.text,
                cites(&mut t.sources.iter().map(|s| &s.article))
            );
        }
    }
    let takes: Vec<_> = intel
        .perspectives
        .iter()
        .filter(|p| !p.claims.is_empty() || !p.terms.is_empty())
        .collect();
    if !takes.is_empty() {
        println!("\nAlternative takes");
        for p in takes {
            println!(
                "  {} {} ({} articles, {} independent)",
                p.dimension, p.label, p.articles, p.independent_sources
            );
            for c in p.claims.iter().take(3) {
                println!(
                    "    • {} [{}]",
                    c.text,
                    cites(&mut c.sources.iter().map(|s| &s.article))
                );
            }
            if !p.terms.is_empty() {
                let terms: Vec<&str> = p.terms.iter().take(8).map(|t| t.term.as_str()).collect();
                println!("    words: {}", terms.join(", "));
            }
        }
    }
    let t = &intel.timeline;
    println!("\nTimeline");
    match &t.first {
        Some(p) => println!(
            "  broke {} in {} ({}) with [{}]; {} dated, {} undated",
            p.at.format("%Y-%m-%d %H:%M UTC"),
            if p.country == "unknown" {
                "an unknown country"
            } else {
                &p.country
            },
            p.region,
            cite(&p.article),
            t.dated_articles,
            t.undated.len()
        ),
        None => println!("  no dated article: when it broke is unknown"),
    }
    for r in &t.regions {
        println!(
            "  {}: {} article{}, first {}",
            r.region,
            r.articles,
            if r.articles == 1 { "" } else { "s" },
            match (r.first_at, r.hours_after_break) {
                (Some(at), Some(h)) => format!("{} (+{h:.1} h)", at.format("%Y-%m-%d %H:%M UTC")),
                _ => "undated".to_string(),
            }
        );
    }
    if !view.gists.is_empty() {
        println!("\nWhat the articles in other languages add (aligned by meaning, no translation)");
        for g in &view.gists {
            println!("  [{}] ({})", cite(&g.article), g.language);
            for s in &g.sentences {
                match &s.also_in {
                    Some(m) => println!(
                        "    = {}  (also in [{}]: “{}”)",
                        s.text,
                        cite(&m.article),
                        m.sentence
                    ),
                    None => println!("    + {}  (its own)", s.text),
                }
            }
        }
    }
    if !intel.excerpts.is_empty() {
        println!(
            "\nOther articles quoted on these pages (outlets not named; reports of their own)"
        );
        for e in &intel.excerpts {
            println!("  [{}] {}", cite(&e.id), e.title);
        }
    }
    if !intel.entities.is_empty() {
        println!("\nEntities");
        for e in intel.entities.iter().take(20) {
            let variants = if e.variants.len() > 1 {
                format!(" — also {}", e.variants.join(" / "))
            } else {
                String::new()
            };
            println!(
                "  {} ({}, {} article{}){variants}",
                e.name,
                e.kind.label(),
                e.articles.len(),
                if e.articles.len() == 1 { "" } else { "s" }
            );
        }
    }
}

/// `parallax entity [NAME]`.
pub(crate) fn entity(
    store: &dyn Store,
    name: Option<&str>,
    limit: usize,
    format: Format,
) -> Result<ExitCode> {
    parallax_ingest::refresh_digests_logged(store, None);
    let Some(name) = name else {
        let rows = parallax_views::entity_rows(store, limit)?;
        match format {
            Format::Json => println!("{}", serde_json::to_string_pretty(&rows)?),
            Format::Table => {
                if rows.is_empty() {
                    println!("No entities yet: import or crawl some articles first.");
                }
                println!(
                    "{:<32}  {:<12}  {:>7}  {:>8}  KEY",
                    "NAME", "KIND", "STORIES", "ARTICLES"
                );
                for r in &rows {
                    println!(
                        "{:<32}  {:<12}  {:>7}  {:>8}  {}",
                        r.name, r.kind, r.stories, r.articles, r.key
                    );
                }
            }
        }
        return Ok(ExitCode::SUCCESS);
    };
    let Some(view) = parallax_views::entity_view(store, name)? else {
        eprintln!("error: no story names {name:?} (see `parallax entity` for the list)");
        return Ok(ExitCode::from(1));
    };
    match format {
        Format::Json => println!("{}", serde_json::to_string_pretty(&view)?),
        Format::Table => {
            println!("{} ({}; key {})", view.name, view.kind, view.key);
            println!("spellings: {}", view.variants.join(" / "));
            for s in &view.stories {
                println!(
                    "  {}  {} — as “{}” in {} article{}",
                    s.id,
                    s.title,
                    s.name,
                    s.articles,
                    if s.articles == 1 { "" } else { "s" }
                );
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// `parallax blindspots [--country CC]`.
pub(crate) fn blindspots(store: &dyn Store, country: &str, format: Format) -> Result<ExitCode> {
    if !parallax_views::is_country_code(country) {
        eprintln!("error: --country must be a two-letter country code such as US");
        return Ok(ExitCode::from(2));
    }
    parallax_ingest::refresh_digests_logged(store, None);
    let view = parallax_views::blindspots_view(store, country)?;
    if format == Format::Json {
        println!("{}", serde_json::to_string_pretty(&view)?);
        return Ok(ExitCode::SUCCESS);
    }
    println!(
        "Covered abroad, little or not at all in {} (of the {} most recent stories)",
        view.country, view.stories_considered
    );
    if view.country_blindspots.is_empty() {
        println!("  (none)");
    }
    for b in &view.country_blindspots {
        println!(
            "  {}  {} — {} outlets in {} other countries, {} in {}",
            b.story, b.title, b.abroad_sources, b.abroad_countries, b.home_sources, view.country
        );
    }
    println!("\nCovered mostly by one side");
    if view.rated_sources == 0 {
        println!("  no source has a bias rating: unrated outlets never form a side");
    } else if view.one_sided.is_empty() {
        println!("  (none)");
    }
    for b in &view.one_sided {
        println!(
            "  {}  {} — {:?} {:.0}% (left {}, center {}, right {}, unrated {})",
            b.story,
            b.title,
            b.covered_by,
            b.share * 100.0,
            b.left,
            b.center,
            b.right,
            b.unrated
        );
    }
    Ok(ExitCode::SUCCESS)
}
