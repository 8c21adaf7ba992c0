//! The continuous crawl of `parallax run` and `parallax crawl --watch`: pass after pass over the
//! due feeds, the recent window regrouped when [`ConsolidationPolicy`] says so, the digests of the
//! changed stories brought up to date after every pass that changed any, failures reported with
//! a back-off, and a wait until the next feed is due.
//!
//! [`ConsolidationSchedule`] is the pure core of the policy (the caller gives the time);
//! [`crawl_continuously`] drives it with the ingestion thread ([`IngestHandle::settle`]).

use crate::{CrawlSummary, Crawler, IngestHandle};
use parallax_core::Source;
use parallax_ingest::Settled;
use std::time::{Duration, Instant};

/// When a continuous crawl regroups the recent window: a regrouping costs about two online passes
/// over the window, so after enough new articles, or a while after the last one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ConsolidationPolicy {
    /// Regroup once this many new articles came...
    pub after_articles: usize,
    /// ... or, when fewer came, this long after the last regrouping.
    pub every: Duration,
}

impl Default for ConsolidationPolicy {
    fn default() -> Self {
        ConsolidationPolicy {
            after_articles: 200,
            every: Duration::from_secs(600),
        }
    }
}

/// The policy's state over a run: new articles since the last regrouping, and when it was.
#[derive(Clone, Debug)]
pub struct ConsolidationSchedule {
    policy: ConsolidationPolicy,
    pending: usize,
    last: Instant,
}

impl ConsolidationSchedule {
    /// A schedule starting at `now`, nothing pending.
    pub fn new(policy: ConsolidationPolicy, now: Instant) -> Self {
        ConsolidationSchedule {
            policy,
            pending: 0,
            last: now,
        }
    }

    /// Counts new articles.
    pub fn add(&mut self, new_articles: usize) {
        self.pending = self.pending.saturating_add(new_articles);
    }

    /// Whether to regroup now: some new article waits, and enough came or enough time passed.
    pub fn due(&self, now: Instant) -> bool {
        self.pending > 0
            && (self.pending >= self.policy.after_articles
                || now.saturating_duration_since(self.last) >= self.policy.every)
    }

    /// Records a regrouping made at `now`.
    pub fn regrouped(&mut self, now: Instant) {
        self.pending = 0;
        self.last = now;
    }
}

/// What one pass of [`crawl_continuously`] did, for the caller's own follow-up (a translation
/// queue to wake, a status line).
#[derive(Debug)]
pub struct PassReport {
    /// The pass's number, from 1.
    pub pass: u64,
    /// The crawl pass, or the store failure that stopped it.
    pub summary: Result<CrawlSummary, parallax_core::Error>,
    /// The regrouping and digest pass that followed, when one ran.
    pub settled: Option<Settled>,
}

/// Crawls `sources` pass after pass until the future is dropped: after each pass, the recent
/// window is regrouped when `policy` says so and the digests of the stories that changed are
/// brought up to date (gists in `reader_language`); failing feeds are logged once per pass at
/// first, then less often while they keep failing; then it waits until the next feed is due
/// (between 5 and 60 seconds). `after_pass` sees each pass.
pub async fn crawl_continuously(
    crawler: &Crawler,
    sources: &[Source],
    handle: &IngestHandle,
    policy: ConsolidationPolicy,
    reader_language: &str,
    mut after_pass: impl FnMut(&PassReport),
) {
    let mut pass: u64 = 0;
    let mut failing_passes: u32 = 0;
    let mut schedule = ConsolidationSchedule::new(policy, Instant::now());
    loop {
        pass += 1;
        let summary = crawler.crawl_once(sources, handle, &|_| {}).await;
        let mut settled = None;
        match &summary {
            Ok(s) => {
                failing_passes = if s.feeds_failed > 0 {
                    failing_passes.saturating_add(1)
                } else {
                    0
                };
                schedule.add(s.new_articles);
                let result = if schedule.due(Instant::now()) {
                    let r = handle.settle(reader_language).await;
                    if r.is_ok() {
                        schedule.regrouped(Instant::now());
                    }
                    Some(r)
                } else if s.new_articles > 0 {
                    Some(
                        handle
                            .refresh_digests(reader_language)
                            .await
                            .map(|digests| Settled {
                                digests,
                                ..Settled::default()
                            }),
                    )
                } else {
                    None
                };
                match result {
                    Some(Ok(done)) => settled = Some(done),
                    Some(Err(e)) => {
                        tracing::warn!(error = %e, "could not regroup the recent stories")
                    }
                    None => {}
                }
                report(pass, s, failing_passes);
            }
            Err(e) => tracing::error!(error = %e, "the crawl pass failed on the store"),
        }
        after_pass(&PassReport {
            pass,
            summary,
            settled,
        });
        let wait = match crawler.next_due(sources) {
            Ok(Some(t)) => (t - chrono::Utc::now()).to_std().unwrap_or(Duration::ZERO),
            _ => Duration::from_secs(60),
        };
        tokio::time::sleep(wait.clamp(Duration::from_secs(5), Duration::from_secs(60))).await;
    }
}

/// One line per pass at most, backed off while the failures go on.
fn report(pass: u64, s: &CrawlSummary, failing_passes: u32) {
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
        tracing::info!(pass, new = s.new_articles, "crawl pass stored new articles");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regrouping_waits_for_enough_articles_or_time() {
        let t0 = Instant::now();
        let policy = ConsolidationPolicy {
            after_articles: 10,
            every: Duration::from_secs(60),
        };
        let mut s = ConsolidationSchedule::new(policy, t0);
        assert!(!s.due(t0 + Duration::from_secs(3600)), "nothing new");
        s.add(3);
        assert!(!s.due(t0 + Duration::from_secs(30)));
        assert!(s.due(t0 + Duration::from_secs(60)), "a while after");
        s.add(7);
        assert!(s.due(t0), "enough articles");
        s.regrouped(t0 + Duration::from_secs(61));
        assert!(!s.due(t0 + Duration::from_secs(200)));
        s.add(1);
        assert!(!s.due(t0 + Duration::from_secs(120)));
        assert!(s.due(t0 + Duration::from_secs(121)));
    }
}
