//! `parallax crawl`, `parallax run` and `parallax sources`: the crawler and the source registry from
//! the command line.

use crate::config::{Config, NO_CONTACT};
use anyhow::{Context, Result};
use indicatif::{ProgressBar, ProgressStyle};
use parallax_core::{Embedder, Source, Store};
use parallax_crawl::{CrawlSummary, Crawler, IngestWorker, Progress};
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
    let summary = rt.block_on(async {
        tokio::select! {
            s = async {
                let s = crawler.crawl_once(&sources, &handle, &progress).await;
                // New articles: regroup the recent window once they are all committed.
                if s.as_ref().is_ok_and(|s| s.new_articles > 0)
                    && let Err(e) = handle.consolidate().await
                {
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
    let reader = config.reader_language();
    crate::commands::digest_stories_with(
        store.as_ref(),
        gister.as_deref().map(|e| (e, reader.as_str())),
    );
    let Some(summary) = summary else {
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

/// `parallax run` and `parallax crawl` regroup the recent stories after this many new articles...
const CONSOLIDATE_AFTER_ARTICLES: usize = 200;
/// ... or, when fewer came, after this long.
const CONSOLIDATE_EVERY: Duration = Duration::from_secs(600);

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
    let gister = embedder.clone();
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
    let crawl_loop = async {
        let mut pass: u64 = 0;
        let mut failing_passes: u32 = 0;
        // Regrouping costs about two online passes over the window: after enough new articles,
        // or a while after the last one.
        let mut unconsolidated: usize = 0;
        let mut last_consolidation = std::time::Instant::now();
        loop {
            pass += 1;
            match crawler.crawl_once(&sources, &handle, &|_| {}).await {
                Ok(s) => {
                    if s.feeds_failed > 0 {
                        failing_passes += 1;
                    } else {
                        failing_passes = 0;
                    }
                    // New articles: regroup the recent window once they are committed, then
                    // the digests of the stories that changed (entity pages, blindspots, report
                    // counts), off the async threads.
                    unconsolidated += s.new_articles;
                    let mut regrouped = false;
                    if unconsolidated > 0
                        && (unconsolidated >= CONSOLIDATE_AFTER_ARTICLES
                            || last_consolidation.elapsed() >= CONSOLIDATE_EVERY)
                    {
                        match handle.consolidate().await {
                            Ok(p) => {
                                unconsolidated = 0;
                                last_consolidation = std::time::Instant::now();
                                regrouped = p.stories_written > 0;
                            }
                            Err(e) => {
                                tracing::warn!(error = %e, "could not regroup the recent stories")
                            }
                        }
                    }
                    if s.new_articles > 0 || regrouped {
                        let store = store.clone();
                        let (gister, reader) = (gister.clone(), reader.clone());
                        let _ = tokio::task::spawn_blocking(move || {
                            crate::commands::digest_stories_with(
                                store.as_ref(),
                                gister.as_deref().map(|e| (e, reader.as_str())),
                            );
                        })
                        .await;
                    }
                    // New stories: translate them soon, on the translation thread.
                    if s.new_articles > 0
                        && let Some(t) = &translator
                    {
                        t.nudge();
                    }
                    // One line per pass at most, and backed off while the failures go on.
                    if s.feeds_failed > 0 && failing_passes.is_power_of_two() {
                        let hint = if s.unreachable_feeds == s.feeds_polled {
                            " (no feed could be reached: is the network down?)"
                        } else {
                            ""
                        };
                        tracing::warn!(
                            pass,
                            polled = s.feeds_polled,
                            failed = s.feeds_failed,
                            new = s.new_articles,
                            "{} of {} feeds failed{hint}; see /sources",
                            s.feeds_failed,
                            s.feeds_polled
                        );
                    } else if s.new_articles > 0 {
                        tracing::info!(
                            pass,
                            new = s.new_articles,
                            "crawl pass stored new articles"
                        );
                    }
                }
                Err(e) => tracing::error!(error = %e, "the crawl pass failed on the store"),
            }
            let wait = match crawler.next_due(&sources) {
                Ok(Some(t)) => (t - chrono::Utc::now()).to_std().unwrap_or(Duration::ZERO),
                _ => Duration::from_secs(60),
            };
            tokio::time::sleep(wait.clamp(Duration::from_secs(5), Duration::from_secs(60))).await;
        }
    };
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
