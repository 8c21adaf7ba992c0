//! `parallax sources list|add|remove|import-opml|export-opml|status`.

use crate::cli::{Format, SourcesCommand};
use crate::config::Config;
use anyhow::{Context, Result, bail};
use parallax_core::Store;
use parallax_sources::{RegistryEntry, RegistryError, add_entries_to_file, remove_from_file};
use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::Path;
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
                    // stdout stays one JSON document; which file was read goes to stderr.
                    eprintln!("note: {}", operator_file_line(config));
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
                    println!("{}", operator_file_line(config));
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
            add_entries_to_file(&path, &config.base_registry(), &[entry])
                .map_err(|e| refusal(&path, e, &[slug.as_str()]))?;
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
        } => import_opml(config, &file, country.as_deref(), language.as_deref()),
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
        SourcesCommand::Show { id, format } => {
            let Some(store) = store else {
                bail!("no store")
            };
            crate::attribution::show(store, config, &id, format)
        }
        SourcesCommand::Reattribute { .. }
        | SourcesCommand::Attribution { .. }
        | SourcesCommand::ImportRatings { .. } => {
            unreachable!("handled with the store by commands::with_store")
        }
        SourcesCommand::Status { format } => {
            let Some(store) = store else {
                bail!("no store")
            };
            let rows = parallax_views::source_health(store)?;
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

fn site_of(feed: &str) -> Option<String> {
    let u = url::Url::parse(feed).ok()?;
    Some(format!("{}://{}/", u.scheme(), u.host_str()?))
}

/// A registry slug from a host or a title: lower-case ASCII letters, digits, '.' and '-' (runs of
/// anything else become one '-'); "source" when nothing is left.
fn slugify(s: &str) -> String {
    let mut slug = String::new();
    for c in s.chars() {
        if c.is_ascii_alphanumeric() || c == '.' {
            slug.push(c.to_ascii_lowercase());
        } else if !slug.ends_with('-') {
            slug.push('-');
        }
    }
    let slug = slug.trim_matches(|c| c == '-' || c == '.');
    let slug: String = slug.chars().take(80).collect();
    if slug.is_empty() {
        "source".to_string()
    } else {
        slug
    }
}

/// Which operator file the registry was read from (`sources list`).
fn operator_file_line(config: &Config) -> String {
    let path = config.operator_sources_file();
    format!(
        "Operator registry: {} ({}){}",
        path.display(),
        if path.is_file() { "read" } else { "not found" },
        if config.default_sources == Some(false) {
            ", without the built-in registry"
        } else {
            ", over the built-in registry"
        }
    )
}

/// A registry edit that was refused, with what to do about it. `adding`: the slugs of the edit.
fn refusal(path: &Path, e: RegistryError, adding: &[&str]) -> anyhow::Error {
    let file = path.display();
    let involved: Vec<&str> = match &e {
        RegistryError::SameSite { entry, other, .. } => vec![entry, other],
        _ => e.entry().into_iter().collect(),
    };
    if let Some(entry) = e.entry()
        && !involved.iter().any(|s| adding.contains(s))
    {
        return anyhow::anyhow!(
            "{e}\n{file} already has this problem, and an edit would keep it: fix that entry or \
             remove it with `parallax sources remove {entry}`, then try again. {file} is \
             unchanged."
        );
    }
    match &e {
        RegistryError::SameSite { entry, other, .. } => {
            let other = if adding.contains(&other.as_str()) {
                entry
            } else {
                other
            };
            anyhow::anyhow!(
                "{e}\n`{other}` already is this outlet: give its slug to change it (`parallax \
                 sources add {other} ...`), use a different slug without --home for another \
                 outlet of the same site, or remove it first with `parallax sources remove \
                 {other}`. {file} is unchanged."
            )
        }
        _ => anyhow::anyhow!("{e}\n{file} is unchanged: it would not load with this entry."),
    }
}

/// One outline of the OPML file as the import sees it.
struct Outline {
    title: String,
    feed: String,
    /// The site key (host, with the port when there is one) of its home page: `htmlUrl`, else the
    /// feed's own site.
    host: Option<String>,
    home_page: String,
    language: Option<String>,
    category: Option<String>,
}

/// What became of an outline.
enum Fate {
    Added(String),
    Merged(String),
    Skipped(String),
}

/// `parallax sources import-opml`: each outlet of the file becomes one registry entry with all
/// its feeds. Outlines are grouped by site and title: several outlines of one title on one site
/// are one outlet's feeds; outlines of different titles on one site (a feed service, a platform)
/// are different outlets, each with a slug from its title and no home page of its own (the site
/// is not theirs), so that each keeps its name and feeds. Every outline is reported: added,
/// merged into an existing entry, or skipped and why. The file is written once, and only if it
/// then loads.
fn import_opml(
    config: &Config,
    file: &Path,
    country: Option<&str>,
    language: Option<&str>,
) -> Result<ExitCode> {
    let bytes = std::fs::read(file).with_context(|| format!("cannot read {}", file.display()))?;
    let outlines = parallax_feeds::parse_opml(&bytes)
        .with_context(|| format!("{} is not a usable OPML file", file.display()))?;
    let path = config.operator_sources_file();
    let registry = config.registry()?;
    let country = country.map(str::to_ascii_uppercase);
    let language = language.map(primary_language);
    let origin = format!("imported from {}", file.display());

    // What the registry already has: every feed, and the outlets of each site.
    let mut known_feeds: HashMap<&str, &str> = HashMap::new();
    let mut at_host: HashMap<String, Vec<&RegistryEntry>> = HashMap::new();
    for e in registry.entries() {
        for f in &e.source.feeds {
            known_feeds.entry(f.as_str()).or_insert(e.slug.as_str());
        }
        let hosts: BTreeSet<String> = match e.source.home_page.as_deref() {
            Some(h) => parallax_core::site_key(h).into_iter().collect(),
            None => e
                .source
                .feeds
                .iter()
                .filter_map(|f| parallax_core::site_key(f))
                .collect(),
        };
        for h in hosts {
            at_host.entry(h).or_default().push(e);
        }
    }

    let mut fates: Vec<(String, Fate)> = Vec::new();
    let mut kept: Vec<Outline> = Vec::new();
    let mut seen = HashSet::new();
    for o in outlines {
        let label = match &o.title {
            Some(t) => format!("{} ({t})", o.xml_url),
            None => o.xml_url.clone(),
        };
        if let Some(slug) = known_feeds.get(o.xml_url.as_str()) {
            fates.push((label, Fate::Skipped(format!("already a feed of `{slug}`"))));
            continue;
        }
        if !seen.insert(o.xml_url.clone()) {
            fates.push((label, Fate::Skipped("listed twice in the file".into())));
            continue;
        }
        let Some(home_page) = o.html_url.clone().or_else(|| site_of(&o.xml_url)) else {
            fates.push((label, Fate::Skipped("the feed URL is not a URL".into())));
            continue;
        };
        let host = parallax_core::site_key(&home_page);
        let title = o
            .title
            .clone()
            .or_else(|| host.clone())
            .unwrap_or_else(|| o.xml_url.clone());
        kept.push(Outline {
            title,
            feed: o.xml_url,
            host,
            home_page,
            language: o.language.as_deref().map(primary_language),
            category: o.category,
        });
    }

    // A site is shared when outlines of different titles, or an existing entry of another name,
    // are on it.
    let key = |t: &str| t.trim().to_lowercase();
    let mut titles_at: HashMap<&str, BTreeSet<String>> = HashMap::new();
    for o in &kept {
        if let Some(h) = &o.host {
            titles_at.entry(h).or_default().insert(key(&o.title));
        }
    }
    let shared = |o: &Outline| -> bool {
        o.host.as_deref().is_some_and(|h| {
            titles_at.get(h).is_some_and(|t| t.len() > 1)
                || at_host
                    .get(h)
                    .is_some_and(|es| es.iter().any(|e| key(&e.source.name) != key(&o.title)))
        })
    };

    // Group: one outlet = one site and one title.
    let mut groups: Vec<Vec<&Outline>> = Vec::new();
    let mut group_of: HashMap<(Option<&str>, String), usize> = HashMap::new();
    for o in &kept {
        let k = (o.host.as_deref(), key(&o.title));
        match group_of.get(&k) {
            Some(&g) => groups[g].push(o),
            None => {
                group_of.insert(k, groups.len());
                groups.push(vec![o]);
            }
        }
    }

    let mut taken: HashSet<String> = registry.entries().iter().map(|e| e.slug.clone()).collect();
    let taken_ids: HashSet<String> = registry
        .entries()
        .iter()
        .map(|e| e.source.id.to_string())
        .collect();
    let mut unique = |base: &str| -> String {
        let mut slug = base.to_string();
        let mut n = 2;
        while taken.contains(&slug)
            || taken_ids.contains(&parallax_sources::source_id_for(&slug, None).to_string())
        {
            slug = format!("{base}-{n}");
            n += 1;
        }
        taken.insert(slug.clone());
        slug
    };
    // Entries to write, and which group (outlines) each stands for.
    let mut planned: Vec<(RegistryEntry, Vec<&Outline>, bool)> = Vec::new();
    for group in groups {
        let first = group[0];
        let same_outlet = first.host.as_deref().and_then(|h| {
            at_host
                .get(h)
                .and_then(|es| es.iter().find(|e| key(&e.source.name) == key(&first.title)))
        });
        let (mut entry, merged) = match same_outlet {
            Some(existing) if planned.iter().any(|(p, _, _)| p.slug == existing.slug) => {
                ((*existing).clone(), true)
            }
            // Feeds of an outlet the registry has: added to its entry (an override of a
            // built-in one).
            Some(existing) => {
                let mut e = (*existing).clone();
                let note = format!("feeds added from {}", file.display());
                e.notes = Some(match e.notes.take() {
                    Some(n) if !n.contains(&note) => format!("{n}; {note}"),
                    Some(n) => n,
                    None => note,
                });
                (e, true)
            }
            None if shared(first) => {
                let slug = unique(&slugify(&first.title));
                let mut e = RegistryEntry::new(&slug, &first.title);
                e.source.id = parallax_sources::source_id_for(&slug, None);
                e.notes = Some(format!(
                    "feeds served from {}, a site shared with other outlets: no home page of its own",
                    first.host.as_deref().unwrap_or("?")
                ));
                (e, false)
            }
            None => {
                let host = first.host.clone().unwrap_or_else(|| first.feed.clone());
                let slug = unique(&slugify(&host));
                let mut e = RegistryEntry::new(&slug, &first.title);
                e.source.id = parallax_sources::source_id_for(&slug, Some(&first.home_page));
                e.source.home_page = Some(first.home_page.clone());
                (e, false)
            }
        };
        if !merged {
            entry.source.country = country.clone();
            entry.source.languages = group
                .iter()
                .find_map(|o| o.language.clone())
                .or_else(|| language.clone())
                .into_iter()
                .collect();
            entry.origin = Some(origin.clone());
            let categories: BTreeSet<&str> =
                group.iter().filter_map(|o| o.category.as_deref()).collect();
            if !categories.is_empty() {
                let c = categories.into_iter().collect::<Vec<_>>().join(", ");
                entry.notes = Some(match entry.notes.take() {
                    Some(n) => format!("{c}; {n}"),
                    None => c,
                });
            }
        }
        // An existing entry on two sites can be matched by two groups: one entry, all feeds.
        let i = match planned.iter().position(|(p, _, _)| p.slug == entry.slug) {
            Some(i) => i,
            None => {
                planned.push((entry, Vec::new(), merged));
                planned.len() - 1
            }
        };
        let (entry, outlines, _) = &mut planned[i];
        for o in group {
            entry.source.feeds.push(o.feed.clone());
            if let Some(c) = o
                .category
                .as_deref()
                .map(|c| c.trim().to_lowercase().replace(' ', "-"))
                && parallax_sources::valid_feed_category(&c)
            {
                entry.source.feed_categories.insert(o.feed.clone(), c);
            }
            outlines.push(o);
        }
    }

    // Write once; an entry the registry would refuse is left out, with the reason, and the rest
    // tried again.
    let base = config.base_registry();
    loop {
        let entries: Vec<RegistryEntry> = planned.iter().map(|(e, _, _)| e.clone()).collect();
        if entries.is_empty() {
            break;
        }
        match add_entries_to_file(&path, &base, &entries) {
            Ok(()) => break,
            Err(e) => {
                let mut named = e.entry().into_iter().collect::<Vec<_>>();
                if let RegistryError::SameSite { other, .. } = &e {
                    named.push(other);
                }
                let culprit = named
                    .iter()
                    .find_map(|slug| planned.iter().position(|(p, _, _)| p.slug == *slug));
                let Some(i) = culprit else {
                    let adding: Vec<&str> =
                        planned.iter().map(|(p, _, _)| p.slug.as_str()).collect();
                    return Err(refusal(&path, e, &adding));
                };
                let (_, group, _) = planned.remove(i);
                for o in group {
                    fates.push((
                        format!("{} ({})", o.feed, o.title),
                        Fate::Skipped(format!("the registry would refuse it: {e}")),
                    ));
                }
            }
        }
    }
    let mut added = 0;
    for (entry, group, merged) in &planned {
        for o in group {
            added += 1;
            let fate = if *merged {
                Fate::Merged(entry.slug.clone())
            } else {
                Fate::Added(entry.slug.clone())
            };
            fates.push((format!("{} ({})", o.feed, o.title), fate));
        }
    }
    let skipped = fates
        .iter()
        .filter(|(_, f)| matches!(f, Fate::Skipped(_)))
        .count();
    println!(
        "Imported {added} feeds into {} ({skipped} skipped):",
        path.display()
    );
    for (label, fate) in &fates {
        match fate {
            Fate::Added(slug) => println!("  added {label} as `{slug}`"),
            Fate::Merged(slug) => println!("  merged {label} into `{slug}`"),
            Fate::Skipped(why) => println!("  skipped {label}: {why}"),
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// The primary subtag of a language tag, lower case ("en-US" gives "en").
fn primary_language(tag: &str) -> String {
    tag.trim()
        .split(['-', '_'])
        .next()
        .unwrap_or("")
        .to_ascii_lowercase()
}
