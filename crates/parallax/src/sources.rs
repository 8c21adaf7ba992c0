//! `parallax sources list|add|remove|import-opml|export-opml|status`.

use crate::cli::{Format, SourcesCommand};
use crate::config::Config;
use anyhow::{Context, Result, bail};
use parallax_core::Store;
use parallax_sources::{RegistryEntry, add_to_file, remove_from_file};
use std::process::ExitCode;

pub fn sources(
    store: Option<&dyn Store>,
    config: &Config,
    command: SourcesCommand,
) -> Result<ExitCode> {
    match command {
        SourcesCommand::List { format, country } => {
            let registry = config.registry()?;
            let entries: Vec<&RegistryEntry> = registry
                .entries()
                .iter()
                .filter(|e| {
                    country.as_ref().is_none_or(|c| {
                        e.source.country.as_deref() == Some(c.to_ascii_uppercase().as_str())
                    })
                })
                .collect();
            match format {
                Format::Json => {
                    let json: Vec<_> = entries
                        .iter()
                        .map(|e| serde_json::json!({"slug": e.slug, "source": e.source, "origin": e.origin}))
                        .collect();
                    println!("{}", serde_json::to_string_pretty(&json)?);
                }
                Format::Table => {
                    println!(
                        "{:<24} {:<3} {:<6} {:>5}  NAME",
                        "SLUG", "CC", "LANG", "FEEDS"
                    );
                    for e in &entries {
                        let s = &e.source;
                        println!(
                            "{:<24} {:<3} {:<6} {:>5}  {}",
                            e.slug,
                            s.country.as_deref().unwrap_or("?"),
                            s.languages.join(","),
                            s.feeds.len(),
                            s.name
                        );
                    }
                    let countries: std::collections::BTreeSet<_> = entries
                        .iter()
                        .filter_map(|e| e.source.country.clone())
                        .collect();
                    println!(
                        "{} sources in {} countries.",
                        entries.len(),
                        countries.len()
                    );
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        SourcesCommand::Add {
            slug,
            name,
            home_page,
            country,
            languages,
            feeds,
            owner,
        } => {
            let mut entry = RegistryEntry::new(&slug, &name);
            entry.source.id = parallax_sources::source_id_for(&slug, home_page.as_deref());
            entry.source.home_page = home_page;
            entry.source.country = country.map(|c| c.to_ascii_uppercase());
            entry.source.languages = languages;
            entry.source.feeds = feeds;
            entry.source.owner = owner;
            entry.origin = Some("added by the operator".to_string());
            let path = config.operator_sources_file();
            add_to_file(&path, &entry)?;
            println!("Added {slug} to {}.", path.display());
            Ok(ExitCode::SUCCESS)
        }
        SourcesCommand::Remove { slug } => {
            let path = config.operator_sources_file();
            if remove_from_file(&path, &slug)? {
                println!("Removed {slug} (recorded in {}).", path.display());
                Ok(ExitCode::SUCCESS)
            } else {
                eprintln!("error: no source {slug:?} in the registry");
                Ok(ExitCode::from(1))
            }
        }
        SourcesCommand::ImportOpml {
            file,
            country,
            language,
        } => {
            let bytes =
                std::fs::read(&file).with_context(|| format!("cannot read {}", file.display()))?;
            let outlines = parallax_feeds::parse_opml(&bytes)
                .with_context(|| format!("{} is not a usable OPML file", file.display()))?;
            let path = config.operator_sources_file();
            let registry = config.registry()?;
            let (mut added, mut skipped) = (0, 0);
            for o in outlines {
                let home = o.html_url.clone().or_else(|| site_of(&o.xml_url));
                let host = home
                    .as_deref()
                    .and_then(host_of)
                    .unwrap_or_else(|| o.xml_url.clone());
                if registry
                    .entries()
                    .iter()
                    .any(|e| e.source.feeds.contains(&o.xml_url))
                {
                    skipped += 1;
                    continue;
                }
                let slug = slugify(&host);
                let mut entry = RegistryEntry::new(&slug, o.title.as_deref().unwrap_or(&host));
                entry.source.id = parallax_sources::source_id_for(&slug, home.as_deref());
                entry.source.home_page = home;
                entry.source.country = country.as_ref().map(|c| c.to_ascii_uppercase());
                entry.source.languages = o
                    .language
                    .iter()
                    .chain(language.iter())
                    .take(1)
                    .cloned()
                    .collect();
                entry.source.feeds = vec![o.xml_url.clone()];
                entry.origin = Some(format!("imported from {}", file.display()));
                entry.notes = o.category.clone();
                match add_to_file(&path, &entry) {
                    Ok(()) => added += 1,
                    Err(e) => {
                        eprintln!("  skipped {}: {e}", o.xml_url);
                        skipped += 1;
                    }
                }
            }
            println!(
                "Imported {added} feeds into {} ({skipped} skipped).",
                path.display()
            );
            Ok(ExitCode::SUCCESS)
        }
        SourcesCommand::ExportOpml { file } => {
            let registry = config.registry()?;
            let outlines: Vec<parallax_feeds::OpmlOutline> = registry
                .entries()
                .iter()
                .flat_map(|e| {
                    e.source
                        .feeds
                        .iter()
                        .map(move |f| parallax_feeds::OpmlOutline {
                            title: Some(e.source.name.clone()),
                            xml_url: f.clone(),
                            html_url: e.source.home_page.clone(),
                            category: e.source.country.clone(),
                            language: e.source.languages.first().cloned(),
                        })
                })
                .collect();
            let xml = parallax_feeds::write_opml("Parallax sources", &outlines);
            match file {
                Some(f) => {
                    std::fs::write(&f, xml)
                        .with_context(|| format!("cannot write {}", f.display()))?;
                    println!("Wrote {} feeds to {}.", outlines.len(), f.display());
                }
                None => print!("{xml}"),
            }
            Ok(ExitCode::SUCCESS)
        }
        SourcesCommand::Status { format } => {
            let Some(store) = store else {
                bail!("no store")
            };
            let rows = parallax_web::source_health(store)?;
            match format {
                Format::Json => println!("{}", serde_json::to_string_pretty(&rows)?),
                Format::Table => {
                    if rows.is_empty() {
                        println!("No source has been crawled yet: run `parallax crawl --once`.");
                    }
                    let time = |t: Option<chrono::DateTime<chrono::Utc>>| {
                        t.map_or_else(
                            || "never".to_string(),
                            |t| t.format("%Y-%m-%d %H:%M").to_string(),
                        )
                    };
                    println!(
                        "{:<12} {:<28} {:<3} {:>7}  {:<16} {:<16}  LAST ERROR",
                        "STATUS", "SOURCE", "CC", "ART/DAY", "LAST SUCCESS", "NEXT POLL"
                    );
                    for r in &rows {
                        println!(
                            "{:<12} {:<28} {:<3} {:>7.1}  {:<16} {:<16}  {}",
                            r.status,
                            truncate(&r.name, 28),
                            r.country.as_deref().unwrap_or("?"),
                            r.articles_per_day,
                            time(r.last_success),
                            time(r.next_poll),
                            r.last_error.as_deref().unwrap_or("")
                        );
                    }
                }
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn truncate(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        s.chars().take(n - 1).chain(std::iter::once('…')).collect()
    }
}

fn host_of(u: &str) -> Option<String> {
    let u = url::Url::parse(u).ok()?;
    let h = u.host_str()?.to_ascii_lowercase();
    Some(h.strip_prefix("www.").unwrap_or(&h).to_string())
}

fn site_of(feed: &str) -> Option<String> {
    let u = url::Url::parse(feed).ok()?;
    Some(format!("{}://{}/", u.scheme(), u.host_str()?))
}

fn slugify(s: &str) -> String {
    let slug: String = s
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '.' || c == '-' {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    slug.trim_matches('-').to_string()
}
