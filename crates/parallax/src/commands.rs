use crate::cli::{Cli, Command, EvalCommand, Format, ImportArgs, ModelsCommand, SourcesCommand};
use crate::config::Config;
use anyhow::{Context, Result};
use indicatif::{ProgressBar, ProgressStyle};
use parallax_core::{Store, StoryId};
use parallax_ingest::{Document, Next, Outcome, Pipeline, collect_files, load_file};
use parallax_sources::Attributor;
use parallax_store::SqliteStore;
use std::cell::RefCell;
use std::collections::VecDeque;
use std::process::ExitCode;
use std::sync::Arc;

pub fn run(cli: Cli) -> Result<ExitCode> {
    let config = Config::load(cli.config.as_deref())?;
    let db = cli.database_path().map_err(anyhow::Error::msg)?;
    match cli.command {
        Command::Eval(e) => eval(e),
        Command::Models(m) => models(m),
        Command::Doctor { format } => {
            crate::doctor::doctor(&db, cli.config.as_deref(), &config, format)
        }
        Command::Sources(c)
            if !matches!(
                c,
                SourcesCommand::Status { .. }
                    | SourcesCommand::Show { .. }
                    | SourcesCommand::Reattribute { .. }
                    | SourcesCommand::Attribution { .. }
                    | SourcesCommand::ImportRatings { .. }
            ) =>
        {
            crate::sources::sources(None, &config, c)
        }
        command => {
            let store = SqliteStore::open(&db)
                .with_context(|| format!("cannot open the database {}", db.display()))?;
            with_store(Arc::new(store), &config, command)
        }
    }
}

/// The embedding model for a command that ingests (loaded once, here), with its line for the
/// user and the status page.
fn ingest_model(config: &Config, quiet: bool) -> crate::embedding::Loaded {
    let loaded = crate::embedding::load(config);
    if !quiet {
        eprintln!("{}", loaded.line);
    }
    loaded
}

fn with_store(store: Arc<SqliteStore>, config: &Config, command: Command) -> Result<ExitCode> {
    // Commands that ingest or serve first bring the stored articles' attribution up to date;
    // the importing ones then attribute new documents with the same attributor.
    let ingest_attributor = if matches!(
        command,
        Command::Import(_) | Command::Run { .. } | Command::Crawl { .. } | Command::Serve(_)
    ) {
        let quiet = matches!(&command, Command::Import(a) if a.quiet)
            || matches!(&command, Command::Crawl { quiet: true, .. });
        let a = crate::attribution::attributor(config, store.as_ref())?;
        crate::attribution::attribution_up_to_date(store.as_ref(), &a, quiet)?;
        Some(a)
    } else {
        None
    };
    let ingest_attributor = || {
        ingest_attributor
            .clone()
            .expect("made above for every command that imports")
    };
    match command {
        Command::Import(args) => {
            let model = ingest_model(config, args.quiet);
            import(
                store.as_ref(),
                &args,
                model.embedder,
                &config.reader_language(),
                ingest_attributor(),
            )
        }
        Command::Stories { limit, format } => stories(store.as_ref(), limit, format),
        Command::Story { id, format } => {
            story(store.as_ref(), &id, format, &config.reader_language())
        }
        Command::Problems { limit, format } => problems(store.as_ref(), limit, format),
        Command::Entity {
            name,
            limit,
            format,
        } => crate::intel::entity(store.as_ref(), name.as_deref(), limit, format),
        Command::Search(args) => crate::search::search(store.as_ref(), &args),
        Command::Blindspots { country, format } => {
            crate::intel::blindspots(store.as_ref(), &country, format)
        }
        Command::Translate { limit, format } => {
            crate::translate::translate_once(store, config, limit, format)
        }
        Command::Serve(args) => {
            let status = crate::doctor::status_lines(config, None);
            serve(store, args.addr, config.web_options(status))?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Run {
            import: paths,
            allow_private_addresses,
            no_crawl,
            serve: args,
        } => {
            let mut code = ExitCode::SUCCESS;
            let model = if paths.is_empty() && no_crawl {
                None
            } else {
                Some(ingest_model(config, false))
            };
            let embedder = model.as_ref().and_then(|m| m.embedder.clone());
            let status = crate::doctor::status_lines(config, model.map(|m| m.line));
            if !paths.is_empty() {
                let import_args = ImportArgs {
                    paths,
                    source: None,
                    quiet: false,
                };
                code = import(
                    store.as_ref(),
                    &import_args,
                    embedder.clone(),
                    &config.reader_language(),
                    ingest_attributor(),
                )?;
            }
            if no_crawl {
                serve(store, args.addr, config.web_options(status))?;
            } else {
                crate::crawl::run(
                    store,
                    config,
                    allow_private_addresses,
                    Some((args.addr, status)),
                    embedder,
                )?;
            }
            Ok(code)
        }
        Command::Crawl {
            once,
            allow_private_addresses,
            quiet,
        } => {
            let embedder = ingest_model(config, quiet).embedder;
            if once {
                crate::crawl::crawl_once(store, config, allow_private_addresses, quiet, embedder)
            } else {
                crate::crawl::run(store, config, allow_private_addresses, None, embedder)
            }
        }
        Command::Sources(SourcesCommand::Reattribute { format }) => {
            crate::attribution::reattribute(store.as_ref(), config, format)
        }
        Command::Sources(SourcesCommand::Attribution { format }) => {
            crate::attribution::summary(store.as_ref(), config, format)
        }
        Command::Sources(SourcesCommand::ImportRatings {
            file,
            provider,
            kind,
            field,
            labels,
            licence,
            date,
            estimate,
            format,
        }) => crate::attribution::import_ratings(
            store.as_ref(),
            config,
            crate::attribution::RatingsArgs {
                file: &file,
                provider: &provider,
                kind: kind.map(Into::into),
                field: field.as_deref(),
                labels: labels.as_deref(),
                licence: licence.as_deref(),
                date: date.as_deref(),
                estimate,
                format,
            },
        ),
        Command::Sources(c) => crate::sources::sources(Some(store.as_ref()), config, c),
        Command::Eval(_) | Command::Models(_) | Command::Doctor { .. } => {
            unreachable!("handled before the store is opened")
        }
    }
}

fn serve(
    store: Arc<SqliteStore>,
    addr: std::net::SocketAddr,
    options: parallax_web::WebOptions,
) -> Result<()> {
    // A database written by an older Parallax, or an import killed before its digest pass: bring
    // the digests up to date beside the server.
    {
        let store = store.clone();
        std::thread::spawn(move || parallax_ingest::refresh_digests_logged(store.as_ref(), None));
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    runtime.block_on(parallax_web::serve_with_options(store, addr, options))
}

#[derive(Default)]
struct ImportSummary {
    imported: usize,
    new_stories: usize,
    duplicates: usize,
    with_warnings: usize,
    /// Imported with a vector of their title and lead.
    embedded: usize,
    failed: Vec<(String, String)>,
}

fn import(
    store: &dyn Store,
    args: &ImportArgs,
    embedder: Option<Arc<dyn parallax_core::Embedder>>,
    reader_language: &str,
    attributor: Arc<Attributor>,
) -> Result<ExitCode> {
    let (files, missing) = collect_files(&args.paths);
    let embedding_model = embedder.as_ref().map(|e| e.model().to_string());
    let mut pipeline = Pipeline::with_embedder(store, embedder)?.with_attributor(attributor);
    if let Some(name) = &args.source {
        pipeline = pipeline.with_given_source(name);
    }
    let summary = RefCell::new(ImportSummary::default());
    for e in missing {
        pipeline.record_problem(&e.origin, &e.message)?;
        summary.borrow_mut().failed.push((e.origin, e.message));
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
    // Files are read as the pipeline asks for documents; with an embedder, the pipeline embeds
    // one batch on its worker thread while this one extracts the next and commits the last.
    let mut files = files.iter();
    let mut queue: VecDeque<Document> = VecDeque::new();
    let mut store_error: Option<parallax_core::Error> = None;
    let next = |_wait: bool| -> Next<String> {
        loop {
            if let Some(doc) = queue.pop_front() {
                let origin = doc.origin().to_string();
                return Next::Doc(doc, origin);
            }
            let Some(file) = files.next() else {
                return Next::End;
            };
            let errors = match load_file(file) {
                Ok((docs, errors)) => {
                    queue.extend(docs);
                    errors
                }
                Err(e) => vec![e],
            };
            for e in errors {
                if let Err(err) = store.record_problem(&e.origin, &e.message) {
                    store_error = Some(err);
                    return Next::End;
                }
                summary.borrow_mut().failed.push((e.origin, e.message));
            }
            bar.inc(1);
        }
    };
    let done = |origin: String, outcome: Result<Outcome, parallax_ingest::PipelineError>| {
        let mut summary = summary.borrow_mut();
        match outcome? {
            Outcome::Imported {
                new_story,
                warnings,
                embedded,
                ..
            } => {
                summary.imported += 1;
                summary.new_stories += usize::from(new_story);
                summary.with_warnings += usize::from(!warnings.is_empty());
                summary.embedded += usize::from(embedded);
            }
            Outcome::Duplicate(_) => summary.duplicates += 1,
            Outcome::Rejected(reason) => summary.failed.push((origin, reason)),
        }
        bar.set_message(format!(
            "{} imported, {} duplicates, {} failed",
            summary.imported,
            summary.duplicates,
            summary.failed.len()
        ));
        Ok(())
    };
    pipeline.ingest_stream(next, done)?;
    if let Some(e) = store_error {
        return Err(e.into());
    }
    // The whole recent window regrouped at once (repairs the one-pass decisions), then the
    // digests of the stories that changed (`Pipeline::settle`), also when nothing new came.
    let regrouped = pipeline.settle(reader_language)?.regrouped;
    let summary = summary.into_inner();
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
    if let Some(model) = &embedding_model
        && summary.imported > 0
    {
        println!(
            "{} of the new articles were embedded with {model}{}.",
            summary.embedded,
            if summary.embedded < summary.imported {
                " (the others are clustered on lexical and entity evidence only)"
            } else {
                ""
            }
        );
    }
    if regrouped.moved > 0 {
        println!(
            "Regrouping the recent stories moved {} article{} ({} stor{} written, {} merged away).",
            regrouped.moved,
            plural(regrouped.moved),
            regrouped.stories_written,
            if regrouped.stories_written == 1 {
                "y"
            } else {
                "ies"
            },
            regrouped.stories_removed
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
    let rows = parallax_views::story_rows(store, limit, 0)?;
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

fn story(store: &dyn Store, id: &str, format: Format, language: &str) -> Result<ExitCode> {
    let mut view = parallax_views::story_view_in(store, &StoryId(id.to_string()), language)?;
    if view.is_none()
        && let Some(to) = store.story_alias(&StoryId(id.to_string()))?
    {
        eprintln!("story {id} was merged into story {to}");
        view = parallax_views::story_view_in(store, &to, language)?;
    }
    let Some(view) = view else {
        eprintln!("error: no story with id {id:?} (see `parallax stories`)");
        return Ok(ExitCode::from(1));
    };
    if format == Format::Json {
        println!("{}", serde_json::to_string_pretty(&view)?);
        return Ok(ExitCode::SUCCESS);
    }
    // A machine translation, under its original.
    let translated = |t: &Option<parallax_views::TranslationView>, indent: &str| {
        if let Some(t) = t {
            println!("{indent}↳ {} ({})", t.text, t.label);
        }
    };
    println!("{}", view.title);
    translated(&view.title_translation, "");
    println!("{}\n", view.id);
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
        let language = match &b.language {
            Some(l) if !parallax_core::same_language(l, &view.language) => format!(" ({l})"),
            _ => String::new(),
        };
        println!("  • {}{language} [{}]", b.text, cites.join(", "));
        translated(&b.translation, "    ");
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
    // A country known only by inference from coverage is marked as such.
    let inferred: std::collections::HashMap<&str, usize> = c
        .inferred_countries
        .iter()
        .map(|t| (t.label.as_str(), t.count))
        .collect();
    let rating_lines: Vec<(String, &Vec<parallax_core::Tally>)> = c
        .ratings
        .iter()
        .map(|d| {
            (
                format!(
                    "{} by {}{}",
                    d.kind.label(),
                    d.provider,
                    if d.estimate { " (estimates)" } else { "" }
                ),
                &d.tallies,
            )
        })
        .collect();
    for (name, tallies) in [
        ("countries".to_string(), &c.countries),
        ("languages".to_string(), &c.languages),
        ("bias".to_string(), &c.bias),
        ("ownership".to_string(), &c.ownership),
    ]
    .into_iter()
    .chain(rating_lines)
    {
        let parts: Vec<String> = tallies
            .iter()
            .map(|t| {
                let guess = match inferred.get(t.label.as_str()) {
                    Some(n) if name == "countries" && *n == t.count => ", inferred".to_string(),
                    Some(n) if name == "countries" => format!(", {n} inferred"),
                    _ => String::new(),
                };
                format!("{} {} ({:.0}%{guess})", t.label, t.count, t.share * 100.0)
            })
            .collect();
        if parts.is_empty() {
            println!("  {name}: no known sources");
        } else {
            println!("  {name}: {}", parts.join(", "));
        }
    }
    if c.countries_inferred > 0 {
        println!(
            "  (inferred: the country its articles mention most, not its home; {})",
            parallax_sources::GDELT_CREDIT
        );
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
    crate::intel::print_story_intel(&view);
    println!("\nArticles");
    for (i, a) in view.articles.iter().enumerate() {
        let date = a.published.as_ref().map_or_else(
            || "undated".to_string(),
            |p| p.at.format("%Y-%m-%d").to_string(),
        );
        let country = match (&a.country, a.country_basis.as_deref()) {
            (Some(c), Some("inferred_from_coverage")) => format!("{c}, inferred"),
            (Some(c), _) => c.clone(),
            (None, _) => "country unknown".to_string(),
        };
        println!(
            "  [{}] {} — {} ({country}; {}, {})",
            i + 1,
            a.title,
            a.source_name,
            a.language.as_deref().unwrap_or("language unknown"),
            date
        );
        translated(&a.title_translation, "      ");
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
                .map(
                    |p| serde_json::json!({"time": p.at, "origin": p.origin, "message": p.message}),
                )
                .collect();
            println!("{}", serde_json::to_string_pretty(&json)?);
        }
        Format::Table => {
            if rows.is_empty() {
                println!("No problems recorded.");
            }
            for p in rows {
                println!(
                    "{}  {}: {}",
                    p.at.format("%Y-%m-%d %H:%M:%S"),
                    p.origin,
                    p.message
                );
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn models(command: ModelsCommand) -> Result<ExitCode> {
    match command {
        ModelsCommand::Install { model, dir } => {
            let kind = model.unwrap_or(parallax_embed::ModelKind::E5Small);
            let dir = dir.unwrap_or_else(|| kind.default_dir());
            let report = parallax_embed::install_model(kind, &dir, |msg: &str| eprintln!("{msg}"))
                .with_context(|| format!("installing {kind} into {}", dir.display()))?;
            if report.changed {
                println!("Installed {kind} into {}.", report.model_dir.display());
            } else {
                println!(
                    "{kind} is already installed in {} (checked).",
                    report.model_dir.display()
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        ModelsCommand::Status { model, dir } => {
            let kinds = match (model, &dir) {
                (Some(kind), _) => vec![kind],
                (None, Some(_)) => vec![parallax_embed::ModelKind::E5Small],
                (None, None) => parallax_embed::ModelKind::ALL.to_vec(),
            };
            for kind in kinds {
                let dir = dir.clone().unwrap_or_else(|| kind.default_dir());
                println!("{}", parallax_embed::model_status(kind, &dir));
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn eval(command: EvalCommand) -> Result<ExitCode> {
    match command {
        EvalCommand::Extract {
            data,
            predictions,
            system,
            format,
        } => {
            let mut r = match &predictions {
                Some(p) => parallax_eval::extract::run_predictions(&data, p, &system),
                None => parallax_eval::extract::run(&data),
            }
            .with_context(|| format!("evaluating extraction on {}", data.display()))?;
            r.system = system;
            print_report(&r, format, |r| {
                format!(
                    "extraction on {} documents by {} ({})\n  precision {:.3}  recall {:.3}  F1 {:.3}\n  {} pages/s",
                    r.docs,
                    r.system,
                    r.extractor,
                    r.precision,
                    r.recall,
                    r.f1,
                    rate(r.pages_per_second)
                )
            })
        }
        EvalCommand::Dates {
            data,
            predictions,
            system,
            format,
        } => {
            let mut r = match &predictions {
                Some(p) => parallax_eval::dates::run_predictions(&data, p, &system),
                None => parallax_eval::dates::run(&data),
            }
            .with_context(|| format!("evaluating dates on {}", data.display()))?;
            r.system = system;
            print_report(&r, format, |r| {
                let mut out = format!(
                    "publication dates of {} pages by {} (exact day)\n  precision {:.3}  recall {:.3}  F1 {:.3}  accuracy {:.3}\n  {} pages/s",
                    r.docs,
                    r.system,
                    r.precision,
                    r.recall,
                    r.f1,
                    r.accuracy,
                    rate(r.pages_per_second)
                );
                if !r.misses.is_empty() {
                    out.push_str("\n  missed (true day / day given):");
                    for m in &r.misses {
                        out.push_str(&format!(
                            "\n    {} / {}  {}",
                            m.truth.as_deref().unwrap_or("none"),
                            m.predicted.as_deref().unwrap_or("none"),
                            m.id
                        ));
                    }
                }
                out
            })
        }
        EvalCommand::Summarize {
            articles,
            references,
            words,
            predictions,
            system,
            format,
        } => {
            let mut r = match &predictions {
                Some(p) => parallax_eval::summarize::run_predictions(
                    &articles,
                    &references,
                    words,
                    p,
                    &system,
                ),
                None => parallax_eval::summarize::run(&articles, &references, words),
            }
            .with_context(|| format!("evaluating summaries against {}", references.display()))?;
            r.system = system;
            print_report(&r, format, |r| {
                format!(
                    "summaries of {} stories by {} at {} words\n  ROUGE-1 R {:.3} F1 {:.3}\n  ROUGE-2 R {:.3} F1 {:.3}\n  ROUGE-L R {:.3} F1 {:.3}\n  {} stories/s",
                    r.stories,
                    r.system,
                    r.words,
                    r.rouge1_recall,
                    r.rouge1_f1,
                    r.rouge2_recall,
                    r.rouge2_f1,
                    r.rougeL_recall,
                    r.rougeL_f1,
                    rate(r.stories_per_second)
                )
            })
        }
        EvalCommand::Cluster {
            data,
            embeddings,
            predictions,
            system,
            format,
        } => {
            let mut r = match (&predictions, &embeddings) {
                (Some(p), _) => parallax_eval::cluster::run_predictions(&data, p, &system),
                (None, Some(cache)) => parallax_eval::cluster::run_with_embeddings(&data, cache),
                (None, None) => parallax_eval::cluster::run(&data),
            }
            .with_context(|| format!("evaluating clustering on {}", data.display()))?;
            r.system = system;
            print_report(&r, format, |r| {
                format!(
                    "clustering of {} articles by {} into {} stories (gold: {}; embeddings: {})\n  BCubed   P {:.3}  R {:.3}  F1 {:.3}\n  pairwise P {:.3}  R {:.3}  F1 {:.3}\n  {} articles/s",
                    r.articles,
                    r.system,
                    r.scores.stories,
                    r.gold_stories,
                    if r.embeddings { "yes" } else { "no" },
                    r.scores.bcubed_precision,
                    r.scores.bcubed_recall,
                    r.scores.bcubed_f1,
                    r.scores.pairwise_precision,
                    r.scores.pairwise_recall,
                    r.scores.pairwise_f1,
                    rate(r.scores.articles_per_second)
                ) + &r.online.as_ref().map_or_else(String::new, |o| {
                    format!(
                        "\n  (stories after the consolidation pass; the online pass alone: {} stories, BCubed F1 {:.3}, pairwise F1 {:.3})",
                        o.stories, o.bcubed_f1, o.pairwise_f1
                    )
                })
            })
        }
        EvalCommand::Crosslingual {
            data,
            model_dir,
            cache,
            extra_embeddings,
            prefix,
            whole_only,
            features_out,
            format,
        } => {
            use parallax_eval::crosslingual as xl;
            let options = xl::Options {
                prefix: match prefix {
                    crate::cli::E5Prefix::Query => xl::Prefix::Query,
                    crate::cli::E5Prefix::Passage => xl::Prefix::Passage,
                },
                cache,
                whole_only,
                extra: extra_embeddings,
                features_out,
            };
            let dir = model_dir.unwrap_or_else(parallax_embed::default_model_dir);
            let installed = parallax_embed::status(&dir).installed;
            if !installed {
                eprintln!(
                    "multilingual-e5-small is not installed in {} (parallax models install)",
                    dir.display()
                );
            }
            // The model is loaded only if the cache does not already hold the vectors.
            let mut model: Option<parallax_embed::Embedder> = None;
            let mut embed = |texts: &[String]| -> Result<Vec<Vec<f32>>> {
                if model.is_none() {
                    let opts = parallax_embed::EmbedOptions {
                        max_tokens: xl::MAX_TOKENS,
                        ..Default::default()
                    };
                    model = Some(
                        parallax_embed::Embedder::load_with(&dir, opts)
                            .with_context(|| format!("loading the model in {}", dir.display()))?,
                    );
                }
                let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
                Ok(model.as_ref().expect("loaded above").embed_raw(&refs)?)
            };
            let embed: Option<&mut xl::EmbedFn<'_>> =
                if installed { Some(&mut embed) } else { None };
            let r = xl::run(&data, &options, embed).with_context(|| {
                format!("evaluating cross-lingual similarity on {}", data.display())
            })?;
            let f = |x: Option<f64>| x.map_or_else(|| "n/a".to_string(), |x| format!("{x:.3}"));
            print_report(&r, format, |r| {
                let mut out = format!(
                    "cross-lingual story similarity on {} pairs (r against -Overall, higher is better)\n  Pearson r {}  Spearman {}  ({})\n  zero-shot e5 cosine r {} (language-centred {})\n  embeddings: {}, prefix {:?}; {:.1} s ({:.0} pairs/s, embedding {:.1} s)\n  features alone:",
                    r.pairs,
                    f(r.pearson),
                    f(r.spearman),
                    r.method,
                    f(r.zero_shot_cosine_pearson),
                    f(r.zero_shot_centred_cosine_pearson),
                    r.embeddings,
                    r.prefix,
                    r.seconds,
                    r.pairs_per_second,
                    r.embedding_seconds
                );
                for s in &r.features {
                    out.push_str(&format!("\n    {:<18} r {}", s.name, f(s.pearson)));
                }
                out.push_str("\n  per language pair (pairs, r, zero-shot cosine r):");
                for l in &r.by_language_pair {
                    out.push_str(&format!(
                        "\n    {:<6} {:>4}  {}  {}",
                        l.languages,
                        l.pairs,
                        f(l.pearson),
                        f(l.cosine_pearson)
                    ));
                }
                out
            })
        }
    }
}

/// A speed for the text reports: whole numbers, or "unknown" when predictions carried no timings.
fn rate(per_second: Option<f64>) -> String {
    per_second.map_or_else(|| "unknown".to_string(), |x| format!("{x:.0}"))
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
