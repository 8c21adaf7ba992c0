use crate::cli::{Cli, Command, EvalCommand, Format, ImportArgs, ModelsCommand, SourcesCommand};
use crate::config::Config;
use anyhow::{Context, Result};
use indicatif::{ProgressBar, ProgressStyle};
use parallax_core::{Store, StoryId};
use parallax_ingest::{Outcome, Pipeline, collect_files, load_file};
use parallax_store::SqliteStore;
use std::process::ExitCode;
use std::sync::Arc;

pub fn run(cli: Cli) -> Result<ExitCode> {
    let config = Config::load(cli.config.as_deref())?;
    match cli.command {
        Command::Eval(e) => eval(e),
        Command::Models(m) => models(m),
        Command::Sources(c) if !matches!(c, SourcesCommand::Status { .. }) => {
            crate::sources::sources(None, &config, c)
        }
        command => {
            let store = SqliteStore::open(&cli.db)
                .with_context(|| format!("cannot open the database {}", cli.db.display()))?;
            with_store(Arc::new(store), &config, command)
        }
    }
}

fn with_store(store: Arc<SqliteStore>, config: &Config, command: Command) -> Result<ExitCode> {
    match command {
        Command::Import(args) => import(store.as_ref(), &args),
        Command::Stories { limit, format } => stories(store.as_ref(), limit, format),
        Command::Story { id, format } => story(store.as_ref(), &id, format),
        Command::Problems { limit, format } => problems(store.as_ref(), limit, format),
        Command::Serve(args) => {
            serve(store, args.addr)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Run {
            import: paths,
            allow_private_addresses,
            no_crawl,
            serve: args,
        } => {
            let mut code = ExitCode::SUCCESS;
            if !paths.is_empty() {
                let import_args = ImportArgs {
                    paths,
                    source: None,
                    quiet: false,
                };
                code = import(store.as_ref(), &import_args)?;
            }
            if no_crawl {
                serve(store, args.addr)?;
            } else {
                crate::crawl::run(store, config, allow_private_addresses, Some(args.addr))?;
            }
            Ok(code)
        }
        Command::Crawl {
            once,
            allow_private_addresses,
            quiet,
        } => {
            if once {
                crate::crawl::crawl_once(store, config, allow_private_addresses, quiet)
            } else {
                crate::crawl::run(store, config, allow_private_addresses, None)
            }
        }
        Command::Sources(c) => crate::sources::sources(Some(store.as_ref()), config, c),
        Command::Eval(_) | Command::Models(_) => {
            unreachable!("handled before the store is opened")
        }
    }
}

fn serve(store: Arc<SqliteStore>, addr: std::net::SocketAddr) -> Result<()> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    runtime.block_on(parallax_web::serve(store, addr))
}

#[derive(Default)]
struct ImportSummary {
    imported: usize,
    new_stories: usize,
    duplicates: usize,
    with_warnings: usize,
    failed: Vec<(String, String)>,
}

fn import(store: &dyn Store, args: &ImportArgs) -> Result<ExitCode> {
    let (files, missing) = collect_files(&args.paths);
    let mut pipeline = Pipeline::new(store)?;
    if let Some(name) = &args.source {
        pipeline = pipeline.with_default_source(name);
    }
    let mut summary = ImportSummary::default();
    for e in missing {
        pipeline.record_problem(&e.origin, &e.message)?;
        summary.failed.push((e.origin, e.message));
    }
    let bar = if args.quiet || files.len() < 2 {
        ProgressBar::hidden()
    } else {
        ProgressBar::new(files.len() as u64)
    };
    bar.set_style(
        ProgressStyle::with_template("{bar:40} {pos}/{len} files  {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    for file in &files {
        match load_file(file) {
            Ok((docs, errors)) => {
                for e in errors {
                    pipeline.record_problem(&e.origin, &e.message)?;
                    summary.failed.push((e.origin, e.message));
                }
                for doc in &docs {
                    match pipeline.ingest(doc)? {
                        Outcome::Imported {
                            new_story,
                            warnings,
                            ..
                        } => {
                            summary.imported += 1;
                            summary.new_stories += usize::from(new_story);
                            summary.with_warnings += usize::from(!warnings.is_empty());
                        }
                        Outcome::Duplicate(_) => summary.duplicates += 1,
                        Outcome::Rejected(reason) => {
                            summary.failed.push((doc.origin().to_string(), reason))
                        }
                    }
                    bar.set_message(format!(
                        "{} imported, {} duplicates, {} failed",
                        summary.imported,
                        summary.duplicates,
                        summary.failed.len()
                    ));
                }
            }
            Err(e) => {
                pipeline.record_problem(&e.origin, &e.message)?;
                summary.failed.push((e.origin, e.message));
            }
        }
        bar.inc(1);
    }
    bar.finish_and_clear();
    println!(
        "Imported {} article{} ({} new stor{}), {} duplicate{}, {} failed.",
        summary.imported,
        plural(summary.imported),
        summary.new_stories,
        if summary.new_stories == 1 { "y" } else { "ies" },
        summary.duplicates,
        plural(summary.duplicates),
        summary.failed.len()
    );
    if summary.with_warnings > 0 {
        println!(
            "{} imported article{} carry extraction warnings (see `parallax story ID`).",
            summary.with_warnings,
            plural(summary.with_warnings)
        );
    }
    for (origin, reason) in &summary.failed {
        println!("  failed: {origin}: {reason}");
    }
    Ok(if summary.failed.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

fn stories(store: &dyn Store, limit: usize, format: Format) -> Result<ExitCode> {
    let rows = parallax_web::story_rows(store, limit, 0)?;
    match format {
        Format::Json => println!("{}", serde_json::to_string_pretty(&rows)?),
        Format::Table => {
            if rows.is_empty() {
                println!("No stories yet. Import some articles: parallax import PATH...");
            } else {
                println!("{:<20}  {:>8}  {:>7}  TITLE", "ID", "ARTICLES", "SOURCES");
                for r in &rows {
                    println!(
                        "{:<20}  {:>8}  {:>7}  {}",
                        r.id,
                        r.article_count,
                        r.source_count,
                        truncate(&r.title, 90)
                    );
                }
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn story(store: &dyn Store, id: &str, format: Format) -> Result<ExitCode> {
    let Some(view) = parallax_web::story_view(store, &StoryId(id.to_string()))? else {
        eprintln!("error: no story with id {id:?} (see `parallax stories`)");
        return Ok(ExitCode::from(1));
    };
    if format == Format::Json {
        println!("{}", serde_json::to_string_pretty(&view)?);
        return Ok(ExitCode::SUCCESS);
    }
    println!("{}\n{}\n", view.title, view.id);
    let index: std::collections::HashMap<_, _> = view
        .articles
        .iter()
        .enumerate()
        .map(|(i, a)| (a.id.clone(), i + 1))
        .collect();
    println!("Summary");
    for b in &view.summary {
        let cites: Vec<String> = b
            .citations
            .iter()
            .map(|c| {
                index
                    .get(c)
                    .map_or_else(|| c.to_string(), |n| n.to_string())
            })
            .collect();
        println!("  • {} [{}]", b.text, cites.join(", "));
    }
    let c = &view.coverage;
    println!("\nCoverage");
    println!(
        "  {} articles, {} sources{}",
        c.articles,
        c.sources,
        if c.unknown_source_articles > 0 {
            format!(
                " (+{} articles from unknown sources)",
                c.unknown_source_articles
            )
        } else {
            String::new()
        }
    );
    for (name, tallies) in [
        ("countries", &c.countries),
        ("languages", &c.languages),
        ("bias", &c.bias),
        ("ownership", &c.ownership),
    ] {
        let parts: Vec<String> = tallies
            .iter()
            .map(|t| format!("{} {} ({:.0}%)", t.label, t.count, t.share * 100.0))
            .collect();
        if parts.is_empty() {
            println!("  {name}: no known sources");
        } else {
            println!("  {name}: {}", parts.join(", "));
        }
    }
    let day = |d: Option<chrono::DateTime<chrono::Utc>>| {
        d.map_or_else(
            || "unknown".to_string(),
            |d| d.format("%Y-%m-%d %H:%M UTC").to_string(),
        )
    };
    println!(
        "  first published: {}, last published: {}, undated articles: {}",
        day(c.first_published),
        day(c.last_published),
        c.undated_articles
    );
    println!("\nArticles");
    for (i, a) in view.articles.iter().enumerate() {
        let date = a.published.as_ref().map_or_else(
            || "undated".to_string(),
            |p| p.at.format("%Y-%m-%d").to_string(),
        );
        println!(
            "  [{}] {} — {} ({}, {})",
            i + 1,
            a.title,
            a.source_name,
            a.language.as_deref().unwrap_or("language unknown"),
            date
        );
        if let Some(u) = &a.url {
            println!("      {u}");
        }
        for w in &a.warnings {
            println!("      warning: {w}");
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn problems(store: &dyn Store, limit: usize, format: Format) -> Result<ExitCode> {
    let rows = store.problems(limit)?;
    match format {
        Format::Json => {
            let json: Vec<_> = rows
                .iter()
                .map(|(t, o, m)| serde_json::json!({"time": t, "origin": o, "message": m}))
                .collect();
            println!("{}", serde_json::to_string_pretty(&json)?);
        }
        Format::Table => {
            if rows.is_empty() {
                println!("No problems recorded.");
            }
            for (t, o, m) in rows {
                println!("{}  {o}: {m}", t.format("%Y-%m-%d %H:%M:%S"));
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn models(command: ModelsCommand) -> Result<ExitCode> {
    match command {
        ModelsCommand::Install { dir } => {
            let dir = dir.unwrap_or_else(parallax_embed::default_model_dir);
            let report = parallax_embed::install(&dir, |msg: &str| eprintln!("{msg}"))
                .with_context(|| format!("installing the model into {}", dir.display()))?;
            if report.changed {
                println!(
                    "Installed multilingual-e5-small into {}.",
                    report.model_dir.display()
                );
            } else {
                println!(
                    "multilingual-e5-small is already installed in {} (checked).",
                    report.model_dir.display()
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        ModelsCommand::Status { dir } => {
            let dir = dir.unwrap_or_else(parallax_embed::default_model_dir);
            let status = parallax_embed::status(&dir);
            println!("{status}");
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn eval(command: EvalCommand) -> Result<ExitCode> {
    match command {
        EvalCommand::Extract { data, format } => {
            let r = parallax_eval::extract::run(&data)
                .with_context(|| format!("evaluating extraction on {}", data.display()))?;
            print_report(&r, format, |r| {
                format!(
                    "extraction on {} documents ({})\n  precision {:.3}  recall {:.3}  F1 {:.3}\n  {:.0} pages/s",
                    r.docs, r.extractor, r.precision, r.recall, r.f1, r.pages_per_second
                )
            })
        }
        EvalCommand::Dates { data, format } => {
            let r = parallax_eval::dates::run(&data)
                .with_context(|| format!("evaluating dates on {}", data.display()))?;
            print_report(&r, format, |r| {
                format!(
                    "publication dates of {} pages (exact day)\n  precision {:.3}  recall {:.3}  F1 {:.3}  accuracy {:.3}\n  {:.0} pages/s",
                    r.docs, r.precision, r.recall, r.f1, r.accuracy, r.pages_per_second
                )
            })
        }
        EvalCommand::Summarize {
            articles,
            references,
            words,
            format,
        } => {
            let r = parallax_eval::summarize::run(&articles, &references, words).with_context(
                || format!("evaluating summaries against {}", references.display()),
            )?;
            print_report(&r, format, |r| {
                format!(
                    "summaries of {} stories at {} words\n  ROUGE-1 R {:.3} F1 {:.3}\n  ROUGE-2 R {:.3} F1 {:.3}\n  ROUGE-L R {:.3} F1 {:.3}",
                    r.stories,
                    r.words,
                    r.rouge1_recall,
                    r.rouge1_f1,
                    r.rouge2_recall,
                    r.rouge2_f1,
                    r.rougeL_recall,
                    r.rougeL_f1
                )
            })
        }
        EvalCommand::Cluster {
            data,
            embeddings,
            format,
        } => {
            let r = match &embeddings {
                Some(cache) => parallax_eval::cluster::run_with_embeddings(&data, cache),
                None => parallax_eval::cluster::run(&data),
            }
            .with_context(|| format!("evaluating clustering on {}", data.display()))?;
            print_report(&r, format, |r| {
                format!(
                    "clustering of {} articles into {} stories (gold: {}; embeddings: {})\n  BCubed   P {:.3}  R {:.3}  F1 {:.3}\n  pairwise P {:.3}  R {:.3}  F1 {:.3}\n  {:.0} articles/s",
                    r.articles,
                    r.stories,
                    r.gold_stories,
                    if r.embeddings { "yes" } else { "no" },
                    r.bcubed_precision,
                    r.bcubed_recall,
                    r.bcubed_f1,
                    r.pairwise_precision,
                    r.pairwise_recall,
                    r.pairwise_f1,
                    r.articles_per_second
                )
            })
        }
    }
}

fn print_report<R: serde::Serialize>(
    report: &R,
    format: Format,
    table: impl Fn(&R) -> String,
) -> Result<ExitCode> {
    match format {
        Format::Json => println!("{}", serde_json::to_string_pretty(report)?),
        Format::Table => println!("{}", table(report)),
    }
    Ok(ExitCode::SUCCESS)
}

fn truncate(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        let cut: String = s.chars().take(max - 1).collect();
        format!("{cut}…")
    }
}
