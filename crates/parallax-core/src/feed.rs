use crate::SourceId;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// What the crawler knows about one feed (RSS, Atom, JSON Feed or sitemap URL) between polls: the
/// validators for conditional requests, when to poll next, and the health shown to a person.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FeedState {
    /// The feed URL (the key).
    pub url: String,
    /// The source it belongs to.
    pub source: SourceId,
    /// `ETag` of the last 200 answer, sent back as `If-None-Match`.
    pub etag: Option<String>,
    /// `Last-Modified` of the last 200 answer, sent back as `If-Modified-Since`.
    pub last_modified: Option<String>,
    /// When it was last polled, whatever the result.
    pub last_polled: Option<DateTime<Utc>>,
    /// When a poll last succeeded (200 or 304).
    pub last_success: Option<DateTime<Utc>>,
    /// The last error, in words a person understands; `None` after a success.
    pub last_error: Option<String>,
    /// Warnings of the last poll (malformed entries, repeated entries, ...).
    pub warnings: Vec<String>,
    /// Failed polls in a row (drives the back-off).
    pub consecutive_failures: u32,
    /// Seconds between polls, adapted to how often the feed publishes.
    pub interval_secs: u64,
    /// When the feed is due next.
    pub next_poll: DateTime<Utc>,
    /// New articles found by the last successful poll.
    pub last_new_entries: u32,
}

impl FeedState {
    /// A feed never polled, due now.
    pub fn new(url: &str, source: SourceId, interval_secs: u64, now: DateTime<Utc>) -> Self {
        FeedState {
            url: url.to_string(),
            source,
            etag: None,
            last_modified: None,
            last_polled: None,
            last_success: None,
            last_error: None,
            warnings: Vec::new(),
            consecutive_failures: 0,
            interval_secs,
            next_poll: now,
            last_new_entries: 0,
        }
    }
}
