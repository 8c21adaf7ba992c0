//! The crawler: polls the sources' feeds through the one polite HTTP client
//! ([`parallax_http::PoliteClient`]), fetches the pages of new entries, and hands each one to
//! ingestion, which extracts, clusters and stores it.
//!
//! ```text
//! registry ─▶ due feeds ─▶ PoliteClient (robots, rate limits, conditional GET) ─▶ parse_feed
//!          ─▶ new entries ─▶ PoliteClient ─▶ Document::Crawled ─▶ ingest thread (Pipeline) ─▶ Store
//! ```
//!
//! Architecture invariants:
//! - Every request goes through `PoliteClient`; nothing here opens a connection of its own.
//! - Ingestion runs on one thread ([`IngestWorker`]), so articles are committed one at a time,
//!   each in one transaction; stopping the crawler lets the article in hand finish and drops the
//!   rest, which the next pass fetches again (nothing is lost, nothing half-written). With an
//!   embedder ([`IngestWorker::spawn_with`]) a feed's new pages are sent together and embedded
//!   in batches on the pipeline's embedding thread, still committed one at a time in feed order.
//! - A feed's state (validators, schedule, last error) is saved after every poll, whatever the
//!   result: a failing site is visible per source and polled less and less often.
//! - No log flood: a feed that keeps failing logs (at debug level) at its 1st, 2nd, 4th, 8th...
//!   failure in a row; the warnings a person sees are one line per pass, written by
//!   [`crawl_continuously`] (or the caller of a single pass) from [`CrawlSummary`], and backed off
//!   the same way.
//! - The policy of a continuous crawl lives here, once ([`crawl_continuously`]): when to regroup
//!   the recent window ([`ConsolidationPolicy`]), and the digests after every pass that changed a
//!   story; the binary only wires it.
#![warn(missing_docs)]

mod continuous;
mod schedule;
mod worker;

pub use continuous::{ConsolidationPolicy, ConsolidationSchedule, PassReport, crawl_continuously};
pub use schedule::{next_interval, retry_delay};
pub use worker::{IngestHandle, IngestWorker};

use chrono::{DateTime, Utc};
use parallax_core::{FeedState, Source, Store};
use parallax_feeds::{FeedEntry, FeedKind, parse_feed};
use parallax_http::{FetchError, FetchOutcome, PoliteClient, Validators};
use parallax_ingest::{Crawled, Document, FetchedPage, Outcome};
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;
use tokio::task::JoinSet;

/// How the crawler schedules feeds.
#[derive(Clone, Debug)]
pub struct CrawlConfig {
    /// A feed is never polled more often than this.
    pub min_interval: Duration,
    /// Nor less often than this while it works.
    pub max_interval: Duration,
    /// The interval of a feed polled for the first time.
    pub default_interval: Duration,
    /// Failing feeds back off up to this.
    pub max_backoff: Duration,
    /// At most this many new entries are fetched per feed and pass (newest first).
    pub max_new_per_feed: usize,
    /// At most this many child sitemaps are read from a sitemap index.
    pub max_child_sitemaps: usize,
    /// At most this many feeds are polled at once (the HTTP client also limits per host).
    pub feed_concurrency: usize,
}

impl Default for CrawlConfig {
    fn default() -> Self {
        CrawlConfig {
            min_interval: Duration::from_secs(10 * 60),
            max_interval: Duration::from_secs(6 * 3600),
            default_interval: Duration::from_secs(30 * 60),
            max_backoff: Duration::from_secs(24 * 3600),
            max_new_per_feed: 50,
            max_child_sitemaps: 5,
            feed_concurrency: 16,
        }
    }
}

/// What one pass did.
#[derive(Clone, Debug, Default)]
pub struct CrawlSummary {
    /// Feeds that were due and polled.
    pub feeds_polled: usize,
    /// Feeds that answered "not modified".
    pub feeds_not_modified: usize,
    /// Feeds whose poll failed.
    pub feeds_failed: usize,
    /// New articles stored.
    pub new_articles: usize,
    /// Of those, articles stored from the feed's title and summary because the page failed.
    pub feed_only_articles: usize,
    /// Entries that turned out to be stored already.
    pub duplicates: usize,
    /// Entries that gave nothing usable.
    pub rejected: usize,
    /// Feeds whose host could not be reached at all (DNS or connection failure).
    pub unreachable_feeds: usize,
    /// Per feed problems: (source name, feed URL, message).
    pub problems: Vec<(String, String, String)>,
}

impl CrawlSummary {
    fn merge(&mut self, other: FeedResult) {
        self.feeds_polled += 1;
        self.feeds_not_modified += usize::from(other.not_modified);
        self.new_articles += other.new_articles;
        self.feed_only_articles += other.feed_only;
        self.duplicates += other.duplicates;
        self.rejected += other.rejected;
        if let Some(e) = other.error {
            self.feeds_failed += 1;
            self.problems.push((other.source_name, other.feed_url, e));
        }
    }
}

#[derive(Default)]
struct FeedResult {
    source_name: String,
    feed_url: String,
    not_modified: bool,
    new_articles: usize,
    feed_only: usize,
    duplicates: usize,
    rejected: usize,
    error: Option<String>,
}

/// Progress of a pass, for a progress bar.
#[derive(Clone, Copy, Debug)]
pub struct Progress {
    /// Feeds done.
    pub done: usize,
    /// Feeds due in this pass.
    pub total: usize,
    /// New articles so far.
    pub new_articles: usize,
}

/// Polls feeds and fetches pages. Cheap to clone.
#[derive(Clone)]
pub struct Crawler {
    client: PoliteClient,
    config: CrawlConfig,
    store: Arc<dyn Store>,
}

impl Crawler {
    /// A crawler over `store`, fetching through `client`.
    pub fn new(client: PoliteClient, config: CrawlConfig, store: Arc<dyn Store>) -> Self {
        Crawler {
            client,
            config,
            store,
        }
    }

    /// Stores the sources (so pages and health can name them) and returns every (source, feed)
    /// pair whose feed is due at `now`.
    pub fn due_feeds(
        &self,
        sources: &[Source],
        now: DateTime<Utc>,
    ) -> Result<Vec<(Source, FeedState)>, parallax_core::Error> {
        let states: HashMap<String, FeedState> = self
            .store
            .feed_states()?
            .into_iter()
            .map(|s| (s.url.clone(), s))
            .collect();
        let mut due = Vec::new();
        for source in sources {
            if self.store.source(&source.id)?.as_ref() != Some(source) {
                self.store.upsert_source(source)?;
            }
            for feed in &source.feeds {
                let state = states.get(feed).cloned().unwrap_or_else(|| {
                    FeedState::new(
                        feed,
                        source.id.clone(),
                        self.config.default_interval.as_secs(),
                        now,
                    )
                });
                if state.next_poll <= now {
                    due.push((source.clone(), state));
                }
            }
        }
        Ok(due)
    }

    /// The earliest time any feed of `sources` is due (now if one has never been polled).
    pub fn next_due(
        &self,
        sources: &[Source],
    ) -> Result<Option<DateTime<Utc>>, parallax_core::Error> {
        let states: HashMap<String, DateTime<Utc>> = self
            .store
            .feed_states()?
            .into_iter()
            .map(|s| (s.url, s.next_poll))
            .collect();
        Ok(sources
            .iter()
            .flat_map(|s| s.feeds.iter())
            .map(|f| states.get(f).copied().unwrap_or_else(Utc::now))
            .min())
    }

    /// One pass over every due feed of `sources`: poll, fetch new pages, ingest through `ingest`.
    /// `progress` is called after each feed.
    pub async fn crawl_once(
        &self,
        sources: &[Source],
        ingest: &IngestHandle,
        progress: &(dyn Fn(Progress) + Sync),
    ) -> Result<CrawlSummary, parallax_core::Error> {
        let due = self.due_feeds(sources, Utc::now())?;
        let total = due.len();
        let mut summary = CrawlSummary::default();
        let mut tasks = JoinSet::new();
        let mut queue = due.into_iter();
        let mut unreachable = 0usize;
        loop {
            while tasks.len() < self.config.feed_concurrency.max(1) {
                let Some((source, state)) = queue.next() else {
                    break;
                };
                let this = self.clone();
                let ingest = ingest.clone();
                tasks.spawn(async move { this.poll_feed(source, state, &ingest).await });
            }
            let Some(joined) = tasks.join_next().await else {
                break;
            };
            match joined {
                Ok(Ok((result, was_unreachable))) => {
                    unreachable += usize::from(was_unreachable);
                    summary.merge(result);
                }
                Ok(Err(e)) => return Err(e),
                Err(e) => {
                    // A panic in a feed task is a bug; keep crawling the others and say so.
                    tracing::error!(error = %e, "a feed task failed");
                }
            }
            progress(Progress {
                done: summary.feeds_polled,
                total,
                new_articles: summary.new_articles,
            });
        }
        summary.unreachable_feeds = unreachable;
        tracing::info!(
            polled = summary.feeds_polled,
            failed = summary.feeds_failed,
            new = summary.new_articles,
            "crawl pass done"
        );
        Ok(summary)
    }

    /// Polls one feed, ingests its new entries and saves its state. Returns the result and
    /// whether the feed's host could not be reached at all.
    async fn poll_feed(
        &self,
        source: Source,
        mut state: FeedState,
        ingest: &IngestHandle,
    ) -> Result<(FeedResult, bool), parallax_core::Error> {
        let mut result = FeedResult {
            source_name: source.name.clone(),
            feed_url: state.url.clone(),
            ..FeedResult::default()
        };
        let now = Utc::now();
        state.last_polled = Some(now);
        let validators = Validators {
            etag: state.etag.clone(),
            last_modified: state.last_modified.clone(),
        };
        let mut unreachable = false;
        let fetched = self.client.get(&state.url, Some(&validators)).await;
        let outcome: Result<Vec<FeedEntry>, (String, Option<Duration>)> = match fetched {
            Ok(FetchOutcome::NotModified) => {
                result.not_modified = true;
                Ok(Vec::new())
            }
            Ok(FetchOutcome::Fetched(page)) => match parse_feed(&page.body, &page.final_url) {
                Ok(feed) => {
                    state.etag = page.validators.etag.clone();
                    state.last_modified = page.validators.last_modified.clone();
                    state.warnings = feed.warnings.clone();
                    let mut entries = feed.entries;
                    if feed.kind == FeedKind::SitemapIndex {
                        entries.extend(
                            self.child_sitemaps(&feed.sitemaps, &mut state.warnings)
                                .await,
                        );
                    }
                    Ok(entries)
                }
                Err(e) => Err((format!("the feed could not be read: {e}"), None)),
            },
            Err(e) => {
                unreachable = is_unreachable(&e);
                Err((e.user_message(), e.retry_after()))
            }
        };
        match outcome {
            Ok(entries) => {
                let fresh = self
                    .ingest_entries(&source, entries, ingest, &mut result)
                    .await?;
                state.last_success = Some(now);
                state.last_error = None;
                state.consecutive_failures = 0;
                state.last_new_entries = fresh.len() as u32;
                let interval = next_interval(
                    Duration::from_secs(state.interval_secs),
                    &fresh,
                    &self.config,
                );
                state.interval_secs = interval.as_secs();
                state.next_poll = now + chrono::Duration::from_std(interval).unwrap_or_default();
            }
            Err((message, retry_after)) => {
                state.consecutive_failures = state.consecutive_failures.saturating_add(1);
                let failures = state.consecutive_failures;
                // Per-feed failures are debug-level and backed off; the caller logs one line per
                // pass (see `CrawlSummary`), so a dead network never floods the log.
                if failures.is_power_of_two() {
                    tracing::debug!(source = %source.name, feed = %state.url, failures, "{message}");
                }
                let delay = retry_delay(failures, retry_after, &state.url, &self.config);
                state.next_poll = now + chrono::Duration::from_std(delay).unwrap_or_default();
                state.last_error = Some(message.clone());
                result.error = Some(message);
            }
        }
        self.store.save_feed_state(&state)?;
        Ok((result, unreachable))
    }

    async fn child_sitemaps(&self, urls: &[String], warnings: &mut Vec<String>) -> Vec<FeedEntry> {
        let mut entries = Vec::new();
        if urls.len() > self.config.max_child_sitemaps {
            warnings.push(format!(
                "the sitemap index lists {} sitemaps; only the first {} are read",
                urls.len(),
                self.config.max_child_sitemaps
            ));
        }
        for url in urls.iter().take(self.config.max_child_sitemaps) {
            match self.client.get(url, None).await {
                Ok(FetchOutcome::Fetched(page)) => match parse_feed(&page.body, &page.final_url) {
                    Ok(child) => {
                        entries.extend(child.entries);
                        warnings.extend(child.warnings);
                    }
                    Err(e) => warnings.push(format!("child sitemap {url} could not be read: {e}")),
                },
                Ok(FetchOutcome::NotModified) => {}
                Err(e) => warnings.push(format!("child sitemap {url}: {}", e.user_message())),
            }
        }
        entries
    }

    /// Fetches the pages of the entries not stored yet (newest first, at most
    /// `max_new_per_feed`) and ingests them. Returns the entries that were new.
    async fn ingest_entries(
        &self,
        source: &Source,
        mut entries: Vec<FeedEntry>,
        ingest: &IngestHandle,
        result: &mut FeedResult,
    ) -> Result<Vec<FeedEntry>, parallax_core::Error> {
        // Newest first; undated entries keep feed order after the dated ones.
        entries.sort_by_key(|e| std::cmp::Reverse(e.published));
        let mut fresh = Vec::new();
        for e in entries {
            if fresh.len() >= self.config.max_new_per_feed {
                break;
            }
            if self.store.article_by_url(&e.url)?.is_none() {
                fresh.push(e);
            }
        }
        let mut pages = JoinSet::new();
        for (i, entry) in fresh.iter().cloned().enumerate() {
            let client = self.client.clone();
            pages.spawn(async move {
                let page = match client.get(&entry.url, None).await {
                    Ok(FetchOutcome::Fetched(p)) if (200..300).contains(&p.status) => {
                        Ok(FetchedPage {
                            final_url: p.final_url,
                            bytes: p.body,
                            charset: p.charset,
                        })
                    }
                    Ok(FetchOutcome::Fetched(p)) => {
                        Err(format!("the page answered HTTP {}", p.status))
                    }
                    Ok(FetchOutcome::NotModified) => {
                        Err("the page answered 304 Not Modified to a plain request".to_string())
                    }
                    Err(e) => Err(e.user_message()),
                };
                (i, entry, page)
            });
        }
        let mut done = Vec::with_capacity(fresh.len());
        while let Some(joined) = pages.join_next().await {
            if let Ok(x) = joined {
                done.push(x);
            }
        }
        // Ingest in feed order, whatever order the pages arrived in; all of the feed's new
        // documents at once, so that they are embedded in one batch.
        done.sort_by_key(|(i, _, _)| *i);
        let mut feed_only = Vec::with_capacity(done.len());
        let mut docs = Vec::with_capacity(done.len());
        for (_, entry, page) in done {
            feed_only.push(page.is_err());
            docs.push(Document::Crawled(Box::new(Crawled {
                source: source.clone(),
                url: entry.url.clone(),
                feed_title: entry.title.clone(),
                feed_summary: entry.summary.clone(),
                feed_published: entry.published,
                feed_language: entry.language.clone(),
                feed_category: entry.category.clone(),
                page,
            })));
        }
        let outcomes = ingest.submit_all(docs).await;
        for (outcome, feed_only) in outcomes.into_iter().zip(feed_only) {
            match outcome? {
                Outcome::Imported { .. } => {
                    result.new_articles += 1;
                    result.feed_only += usize::from(feed_only);
                }
                Outcome::Duplicate(_) => result.duplicates += 1,
                Outcome::Rejected(_) => result.rejected += 1,
            }
        }
        Ok(fresh)
    }
}

fn is_unreachable(e: &FetchError) -> bool {
    matches!(e, FetchError::Connect { .. } | FetchError::Dns { .. })
}
