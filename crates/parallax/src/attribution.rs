//! `parallax sources reattribute|attribution|import-ratings`: attributing stored articles to their
//! outlets again, how far attribution got, and ratings imported with their provenance.

use crate::cli::Format;
use crate::config::Config;
use anyhow::{Context, Result, bail};
use parallax_core::{RatingKind, Store};
use parallax_sources::Attributor;
use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;

/// `parallax sources reattribute`: every stored article attributed again with the registry, the
/// directory and the ratings of now, whatever was recorded.
pub fn reattribute(store: &dyn Store, config: &Config, format: Format) -> Result<ExitCode> {
    let attributor = attributor(config, store)?;
    let pass = parallax_ingest::reattribute(store, &attributor)?;
    parallax_ingest::refresh_digests_logged(store, None);
    match format {
        Format::Json => println!("{}", serde_json::to_string_pretty(&pass)?),
        Format::Table => println!(
            "Attributed {} stored articles again: {} changed outlet or evidence, {} outlets \
             written, {} stories updated.",
            pass.articles, pass.articles_changed, pass.sources_written, pass.stories_reanalysed
        ),
    }
    Ok(ExitCode::SUCCESS)
}

/// `parallax sources attribution`: the share of stored articles with a known outlet and country.
pub fn summary(store: &dyn Store, config: &Config, format: Format) -> Result<ExitCode> {
    let attributor = attributor(config, store)?;
    attribution_up_to_date(store, &attributor, format == Format::Json)?;
    let out = parallax_ingest::attribution_summary(store)?;
    match format {
        Format::Json => println!("{}", serde_json::to_string_pretty(&out)?),
        Format::Table => {
            let pct = |n: usize| 100.0 * n as f64 / out.articles.max(1) as f64;
            println!("{} stored articles.", out.articles);
            println!(
                "Outlet known:  {:>6} ({:.1}%)",
                out.known_outlet,
                pct(out.known_outlet)
            );
            println!(
                "Country known: {:>6} ({:.1}%)",
                out.known_country,
                pct(out.known_country)
            );
            for (basis, n) in &out.country_basis {
                println!("  {basis:<24} {n:>6} ({:.1}%)", pct(*n));
            }
            println!("How the outlet was established:");
            for (m, n) in &out.method {
                println!("  {m:<24} {n:>6} ({:.1}%)", pct(*n));
            }
            let mut top: Vec<_> = out.countries.iter().collect();
            top.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
            let top: Vec<String> = top
                .iter()
                .take(12)
                .map(|(c, n)| format!("{c} {n}"))
                .collect();
            println!("Countries: {}", top.join(", "));
            for (p, n) in &out.rated_outlets {
                println!("Outlets rated by {p}: {n}");
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// What `parallax sources import-ratings` was asked to read.
pub struct RatingsArgs<'a> {
    pub file: &'a Path,
    pub provider: &'a str,
    pub kind: Option<RatingKind>,
    pub field: Option<&'a str>,
    pub labels: Option<&'a str>,
    pub licence: Option<&'a str>,
    pub date: Option<&'a str>,
    pub estimate: bool,
    pub format: Format,
}

/// `parallax sources import-ratings FILE --provider NAME`: the provider's ratings replace its
/// earlier ones; the stored articles' outlets then carry them, and their stories' coverage shows
/// them.
pub fn import_ratings(
    store: &dyn Store,
    config: &Config,
    args: RatingsArgs<'_>,
) -> Result<ExitCode> {
    let provider = args.provider.trim();
    if provider.is_empty()
        || !provider
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
    {
        bail!(
            "--provider must be a short name of letters, digits, '-', '_' or '.' (\"idiap-reliability\")"
        );
    }
    let mut format = parallax_sources::RatingsFormat::for_provider(provider);
    if let Some(k) = args.kind {
        format.kind = k;
    }
    if let Some(f) = args.field {
        format.field = Some(f.to_string());
    }
    if let Some(l) = args.labels {
        format.labels = l
            .split(',')
            .filter(|p| !p.trim().is_empty())
            .map(|pair| {
                pair.split_once('=')
                    .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
                    .with_context(|| format!("--labels: {pair:?} is not VALUE=LABEL"))
            })
            .collect::<Result<_>>()?;
    }
    if let Some(l) = args.licence {
        format.licence = Some(l.to_string());
    }
    if let Some(d) = args.date {
        format.date = Some(d.to_string());
    }
    format.estimate |= args.estimate;
    let text = std::fs::read_to_string(args.file)
        .with_context(|| format!("cannot read {}", args.file.display()))?;
    let csv = args
        .file
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("csv"));
    let parsed = parallax_sources::parse_ratings(&text, csv, &format)
        .map_err(anyhow::Error::msg)
        .with_context(|| {
            format!(
                "{} is not a ratings file Parallax can read",
                args.file.display()
            )
        })?;
    if parsed.ratings.is_empty() {
        bail!(
            "{}: no rating could be read ({} entries skipped{})",
            args.file.display(),
            parsed.skipped.len(),
            parsed
                .skipped
                .first()
                .map(|s| format!("; the first: {s}"))
                .unwrap_or_default()
        );
    }
    store.replace_ratings(provider, format.kind, &parsed.ratings)?;
    let attributor = attributor(config, store)?;
    let pass = parallax_ingest::reattribute(store, &attributor)?;
    parallax_ingest::refresh_digests_logged(store, None);
    let rated = store
        .sources()?
        .iter()
        .filter(|s| s.ratings.iter().any(|r| r.provider == provider))
        .count();
    match args.format {
        Format::Json => println!(
            "{}",
            serde_json::to_string_pretty(&serde_json::json!({
                "provider": provider,
                "kind": format.kind.label(),
                "ratings": parsed.ratings.len(),
                "skipped": parsed.skipped,
                "stored_outlets_rated": rated,
                "reattribution": pass,
            }))?
        ),
        Format::Table => {
            println!(
                "Imported {} {} ratings by {provider}{} ({} entries skipped).",
                parsed.ratings.len(),
                format.kind.label(),
                if format.estimate { " (estimates)" } else { "" },
                parsed.skipped.len()
            );
            for s in parsed.skipped.iter().take(5) {
                println!("  skipped {s}");
            }
            println!(
                "{rated} stored outlets now carry them; {} stories updated.",
                pass.stories_reanalysed
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// `parallax sources show ID`: one outlet's page in the terminal.
pub fn show(store: &dyn Store, config: &Config, id: &str, format: Format) -> Result<ExitCode> {
    let id = id.trim();
    let source_id = if id.starts_with("src-") {
        parallax_core::SourceId(id.to_string())
    } else {
        match config.registry()?.get(id) {
            Some(e) => e.source.id.clone(),
            None => bail!("no source {id:?}: give its id (src-...) or its registry slug"),
        }
    };
    let Some(view) = parallax_views::source_view(store, &source_id)? else {
        bail!("no source {id:?} is stored (sources are stored with their first article)");
    };
    match format {
        Format::Json => println!("{}", serde_json::to_string_pretty(&view)?),
        Format::Table => print_source(&view),
    }
    Ok(ExitCode::SUCCESS)
}

fn print_source(v: &parallax_views::SourceView) {
    let or_unknown = |x: &Option<String>| x.clone().unwrap_or_else(|| "unknown".to_string());
    let from = |p: &Option<String>| p.as_ref().map(|p| format!("  [{p}]")).unwrap_or_default();
    println!("{}  ({}){}", v.name, v.id, from(&v.name_provenance));
    if let Some(h) = &v.home_page {
        println!("Home page:  {h}");
    }
    let country = match (&v.country, v.country_inferred) {
        (Some(c), true) => format!("{c} (inferred from coverage, not its home)"),
        (Some(c), false) => c.clone(),
        (None, _) => "unknown".to_string(),
    };
    println!("Country:    {country}{}", from(&v.country_provenance));
    let languages = if v.languages.is_empty() {
        "unknown".to_string()
    } else {
        v.languages.join(", ")
    };
    println!("Languages:  {languages}{}", from(&v.languages_provenance));
    let ownership = match (&v.ownership, &v.ownership_detail) {
        (Some(o), Some(d)) => format!("{o} ({d})"),
        (Some(o), None) => o.clone(),
        (None, Some(d)) => d.clone(),
        (None, None) => "unknown".to_string(),
    };
    println!("Owner:      {}", or_unknown(&v.owner));
    println!("Ownership:  {ownership}{}", from(&v.owner_provenance));
    match &v.bias {
        Some(b) => println!("Bias:       {}  [{}]", b.value, b.provenance),
        None => println!("Bias:       unrated"),
    }
    for r in &v.ratings {
        println!(
            "Rated {}:  {} by {}{}{}{}",
            r.kind,
            r.value,
            r.provider,
            if r.estimate { " (an estimate)" } else { "" },
            r.date
                .as_ref()
                .map(|d| format!(", {d}"))
                .unwrap_or_default(),
            r.licence
                .as_ref()
                .map(|l| format!("  [{l}]"))
                .unwrap_or_default()
        );
    }
    for f in &v.feeds {
        println!(
            "Feed:       {} {}  {}{}",
            f.url,
            f.category
                .as_ref()
                .map(|c| format!("({c})"))
                .unwrap_or_default(),
            f.status,
            f.last_error
                .as_ref()
                .map(|e| format!(": {e}"))
                .unwrap_or_default()
        );
    }
    println!("Articles:   {}", v.articles);
    let l = &v.ledger;
    println!(
        "In the claim ledger of {} stories: {} of its claims agreed by another outlet's report, \
         {} disputed, {} single-source{}.",
        l.stories,
        l.agreed,
        l.disputed,
        l.single_source,
        if l.stories_pending > 0 {
            format!(" ({} stories not digested yet)", l.stories_pending)
        } else {
            String::new()
        }
    );
    for c in l.claims.iter().take(10) {
        println!("  {:?}  {}  {}", c.standing, c.href, c.text);
    }
    if !v.recent_stories.is_empty() {
        println!("Recent stories:");
        for s in &v.recent_stories {
            println!("  {}  {}", s.id, s.title);
        }
    }
}

/// The attributor of this installation: the operator's registry over the built-in one, the
/// built-in outlet directory and the ratings imported into `store`.
pub(crate) fn attributor(config: &Config, store: &dyn Store) -> Result<Arc<Attributor>> {
    Ok(Arc::new(Attributor::new(
        config.registry()?,
        parallax_sources::Directory::builtin(),
        store.ratings()?,
    )))
}

/// Attributes the stored articles again when the registry, the directory or the ratings changed
/// since they were attributed (an upgrade, an edited registry), and says so.
pub(crate) fn attribution_up_to_date(
    store: &dyn Store,
    attributor: &Attributor,
    quiet: bool,
) -> Result<()> {
    if let Some(pass) = parallax_ingest::ensure_attributed(store, attributor)?
        && !quiet
        && pass.articles > 0
    {
        eprintln!(
            "Attributed the {} stored articles again (the registry, the outlet directory or the \
             ratings changed): {} changed outlet or evidence, {} stories updated.",
            pass.articles, pass.articles_changed, pass.stories_reanalysed
        );
    }
    Ok(())
}
