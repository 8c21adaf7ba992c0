//! When to poll a feed next: adapted to how often it publishes, and backing off when it fails.

use crate::CrawlConfig;
use parallax_feeds::FeedEntry;
use std::time::Duration;

/// The interval after a successful poll that found `fresh` new entries: half the typical gap
/// between the feed's recent entries when they are dated, else shorter when new entries keep
/// coming and longer when none do; always within the configured bounds.
pub fn next_interval(current: Duration, fresh: &[FeedEntry], config: &CrawlConfig) -> Duration {
    let current = if current.is_zero() {
        config.default_interval
    } else {
        current
    };
    let mut dates: Vec<_> = fresh.iter().filter_map(|e| e.published).collect();
    dates.sort();
    let target = if dates.len() >= 3 {
        let span = (*dates.last().unwrap_or(&dates[0]) - dates[0])
            .num_seconds()
            .max(0) as u64;
        let gap = span / (dates.len() as u64 - 1);
        // Poll about twice per typical gap, blended with the current interval to avoid jumps.
        Duration::from_secs((gap / 2 + current.as_secs()) / 2)
    } else if fresh.len() >= 3 {
        current / 2
    } else if fresh.is_empty() {
        current.mul_f64(1.5)
    } else {
        current
    };
    target.clamp(config.min_interval, config.max_interval)
}

/// The delay before the next poll after `failures` failed polls in a row: exponential from the
/// default interval, with ±10 % jitter derived from the URL (so feeds of one dead host spread out),
/// at least the server's `Retry-After` when it gave one, at most `max_backoff`.
pub fn retry_delay(
    failures: u32,
    retry_after: Option<Duration>,
    url: &str,
    config: &CrawlConfig,
) -> Duration {
    let exp = failures.saturating_sub(1).min(16);
    let base = config
        .min_interval
        .saturating_mul(1u32 << exp)
        .min(config.max_backoff);
    let jitter = (fnv(url) % 201) as f64 / 1000.0 - 0.1; // -0.1 ..= +0.1
    let delay = base.mul_f64(1.0 + jitter);
    let delay = match retry_after {
        Some(r) if r > delay => r,
        _ => delay,
    };
    delay.min(config.max_backoff)
}

fn fnv(s: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in s.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{TimeZone, Utc};

    fn entry(minute: u32) -> FeedEntry {
        FeedEntry {
            url: format!("https://example.com/{minute}"),
            title: None,
            summary: None,
            published: Some(Utc.with_ymd_and_hms(2026, 1, 1, 12, minute, 0).unwrap()),
            id: None,
            language: None,
            category: None,
        }
    }

    #[test]
    fn busy_feeds_are_polled_more_often_quiet_ones_less() {
        let c = CrawlConfig::default();
        let cur = Duration::from_secs(3600);
        let busy: Vec<_> = (0..10).map(|i| entry(i * 2)).collect();
        assert!(next_interval(cur, &busy, &c) < cur);
        assert!(next_interval(cur, &[], &c) > cur);
        assert_eq!(
            next_interval(Duration::from_secs(1), &busy, &c),
            c.min_interval
        );
        assert_eq!(next_interval(c.max_interval, &[], &c), c.max_interval);
    }

    #[test]
    fn failures_back_off_exponentially_and_honour_retry_after() {
        let c = CrawlConfig::default();
        let d1 = retry_delay(1, None, "https://a.example/feed", &c);
        let d2 = retry_delay(2, None, "https://a.example/feed", &c);
        let d5 = retry_delay(5, None, "https://a.example/feed", &c);
        assert!(d2 > d1 && d5 > d2);
        assert!(retry_delay(40, None, "x", &c) <= c.max_backoff);
        let long = Duration::from_secs(5 * 3600);
        assert_eq!(retry_delay(1, Some(long), "x", &c), long);
    }
}
