//! `parallax crawl`, `parallax run` and `parallax sources`: the crawler and the source registry from
//! the command line.

use crate::config::{Config, NO_CONTACT};
use anyhow::{Context, Result};
use indicatif::{ProgressBar, ProgressStyle};
use parallax_core::{Embedder, Source, Store};
use parallax_crawl::{ConsolidationPolicy, CrawlSummary, Crawler, IngestWorker, Progress};
use parallax_http::PoliteClient;
use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

fn runtime() -> Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")
}

fn enabled_sources(config: &Config) -> Result<Vec<Source>> {
    Ok(config
        .registry()?
        .entries()
        .iter()
        .map(|e| e.source.clone())
        .filter(|s| !s.feeds.is_empty())
        .collect())
}

fn crawler(config: &Config, allow_private: bool, store: Arc<dyn Store>) -> Result<Crawler> {
    if config.contact.is_none() {
        eprintln!(
            "note: no `contact` is set in {}; the User-Agent says so ({NO_CONTACT}). Set one so that site owners can reach you.",
            crate::config::DEFAULT_CONFIG
        );
    }
    let client = PoliteClient::new(config.client_config(allow_private))
        .context("cannot set up the HTTP client")?;
    Ok(Crawler::new(client, config.crawl_config(), store))
}

/// `parallax crawl --once`: one pass over every due feed.
pub fn crawl_once(
    store: Arc<dyn Store>,
    config: &Config,
    allow_private: bool,
    quiet: bool,
    embedder: Option<Arc<dyn Embedder>>,
) -> Result<ExitCode> {
    let sources = enabled_sources(config)?;
    let rt = runtime()?;
    let crawler = crawler(config, allow_private, store.clone())?;
    let gister = embedder.clone();
    let worker = IngestWorker::spawn_with(store.clone(), embedder)?;
    let bar = if quiet {
        ProgressBar::hidden()
    } else {
        ProgressBar::new(0)
    };
    bar.set_style(
        ProgressStyle::with_template("{bar:40} {pos}/{len} feeds  {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let progress = |p: Progress| {
        bar.set_length(p.total as u64);
        bar.set_position(p.done as u64);
        bar.set_message(format!("{} new articles", p.new_articles));
    };
    let handle = worker.handle();
    let reader = config.reader_language();
    let summary = rt.block_on(async {
        tokio::select! {
            s = async {
                let s = crawler.crawl_once(&sources, &handle, &progress).await;
                // New articles: regroup the recent window once they are all committed, then
                // the digests (`Pipeline::settle`); without any, the digests alone (stories
                // left stale by an earlier run).
                let done = if s.as_ref().is_ok_and(|s| s.new_articles > 0) {
                    handle.settle(&reader).await.map(drop)
                } else {
                    handle.refresh_digests(&reader).await.map(drop)
                };
                if let Err(e) = done {
                    tracing::warn!(error = %e, "could not regroup the recent stories");
                }
                s
            } => Some(s),
            _ = tokio::signal::ctrl_c() => None,
        }
    });
    drop(handle);
    rt.shutdown_timeout(Duration::from_secs(5));
    worker.shutdown();
    bar.finish_and_clear();
    let Some(summary) = summary else {
        // What was stored before the interruption gets its digests.
        parallax_ingest::refresh_digests_logged(
            store.as_ref(),
            gister.as_deref().map(|e| (e, reader.as_str())),
        );
        println!("Interrupted: what was stored so far is kept; run it again to continue.");
        return Ok(ExitCode::from(130));
    };
    let summary = summary?;
    print_summary(&summary);
    Ok(ExitCode::SUCCESS)
}

fn print_summary(s: &CrawlSummary) {
    println!(
        "Polled {} feed{} ({} not modified, {} failed): {} new article{} ({} from the feed's summary only), {} already stored, {} rejected.",
        s.feeds_polled,
        if s.feeds_polled == 1 { "" } else { "s" },
        s.feeds_not_modified,
        s.feeds_failed,
        s.new_articles,
        if s.new_articles == 1 { "" } else { "s" },
        s.feed_only_articles,
        s.duplicates,
        s.rejected
    );
    for (source, feed, message) in &s.problems {
        println!("  {source}: {feed}: {message}");
    }
}

/// `parallax run` and `parallax crawl`: crawl continuously, and serve the pages (with these
/// status-page lines) when `serve` is given, until Ctrl-C.
pub fn run(
    store: Arc<dyn Store>,
    config: &Config,
    allow_private: bool,
    serve: Option<(SocketAddr, Vec<parallax_views::StatusLine>)>,
    embedder: Option<Arc<dyn Embedder>>,
) -> Result<ExitCode> {
    let sources = enabled_sources(config)?;
    let rt = runtime()?;
    let crawler = crawler(config, allow_private, store.clone())?;
    let reader = config.reader_language();
    let worker = IngestWorker::spawn_with(store.clone(), embedder)?;
    let handle = worker.handle();
    // Translation runs on its own thread: a slow or failing backend never holds up crawling.
    let translator = crate::translate::start_worker(store.clone(), config);
    println!(
        "Crawling {} source{} ({} feeds); `parallax sources status` or /sources shows their health.",
        sources.len(),
        if sources.len() == 1 { "" } else { "s" },
        sources.iter().map(|s| s.feeds.len()).sum::<usize>()
    );
    let crawl_loop = parallax_crawl::crawl_continuously(
        &crawler,
        &sources,
        &handle,
        ConsolidationPolicy::default(),
        &reader,
        |report| {
            // New stories: translate them soon, on the translation thread.
            if report.summary.as_ref().is_ok_and(|s| s.new_articles > 0)
                && let Some(t) = &translator
            {
                t.nudge();
            }
        },
    );
    let served = rt.block_on(async {
        match serve {
            Some((addr, status)) => {
                tokio::select! {
                    r = parallax_web::serve_with_options(store.clone(), addr, config.web_options(status)) => r,
                    () = crawl_loop => Ok(()),
                }
            }
            None => {
                tokio::select! {
                    r = tokio::signal::ctrl_c() => r.context("cannot listen for Ctrl-C"),
                    () = crawl_loop => Ok(()),
                }
            }
        }
    });
    drop(handle);
    rt.shutdown_timeout(Duration::from_secs(5));
    worker.shutdown();
    if let Some(t) = translator {
        t.shutdown();
    }
    served?;
    Ok(ExitCode::SUCCESS)
}
