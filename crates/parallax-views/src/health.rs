//! Source health: how the feeds of each source are doing, from the crawler's [`FeedState`]s. Shown on
//! `/sources`, returned by `/api/sources`, and printed by `parallax sources status`.

use chrono::{DateTime, Duration, Utc};
use parallax_core::{FeedState, SourceId, Store};
use serde::Serialize;
use std::collections::{HashMap, HashSet};

/// Days over which "articles per day" is averaged.
pub const ARTICLES_PER_DAY_WINDOW_DAYS: i64 = 7;
/// Most warnings kept per source.
const MAX_WARNINGS: usize = 5;

/// Status of a source whose every polled feed failed its last poll.
pub const STATUS_FAILING: &str = "failing";
/// Status of a source some of whose polled feeds failed their last poll.
pub const STATUS_DEGRADED: &str = "degraded";
/// Status of a source whose polled feeds all succeeded their last poll.
pub const STATUS_OK: &str = "ok";
/// Status of a source none of whose feeds was ever polled.
pub const STATUS_NEVER_POLLED: &str = "never polled";

/// The health of one source with feeds.
#[derive(Serialize, Clone, Debug, PartialEq, utoipa::ToSchema)]
pub struct SourceHealth {
    /// Source id.
    pub id: SourceId,
    /// Display name.
    pub name: String,
    /// ISO 3166-1 alpha-2 country code, when known.
    pub country: Option<String>,
    /// ISO 639-1 language codes.
    pub languages: Vec<String>,
    /// Feeds in the source (`Source.feeds.len()`).
    pub feeds: usize,
    /// Feeds whose last poll failed (`FeedState.last_error` is set).
    pub feeds_failing: usize,
    /// The latest successful poll over its feeds.
    pub last_success: Option<DateTime<Utc>>,
    /// The most recent error among its feeds (by last poll), prefixed with the feed URL ("URL: error")
    /// when the source has several feeds.
    pub last_error: Option<String>,
    /// Its feeds' warnings, deduplicated, at most 5.
    pub warnings: Vec<String>,
    /// Articles stored from it per day, averaged over the last 7 days.
    pub articles_per_day: f64,
    /// The earliest next poll over its feeds; `None` when never polled.
    pub next_poll: Option<DateTime<Utc>>,
    /// "ok", "failing" (all polled feeds failing), "degraded" (some failing) or "never polled".
    pub status: &'static str,
}

/// The health of every source that has at least one feed, as of now: failing sources first, then
/// degraded ones, then the rest, each group by name.
pub fn source_health(store: &dyn Store) -> parallax_core::Result<Vec<SourceHealth>> {
    source_health_at(store, Utc::now())
}

/// [`source_health`] as of `now` (which sets the window of "articles per day").
pub fn source_health_at(
    store: &dyn Store,
    now: DateTime<Utc>,
) -> parallax_core::Result<Vec<SourceHealth>> {
    let sources = store.sources()?;
    let mut states: HashMap<SourceId, Vec<FeedState>> = HashMap::new();
    for state in store.feed_states()? {
        states.entry(state.source.clone()).or_default().push(state);
    }
    let since = now - Duration::days(ARTICLES_PER_DAY_WINDOW_DAYS);
    let counts: HashMap<SourceId, usize> = store
        .source_article_counts(since)?
        .into_iter()
        .map(|c| (c.source, c.articles))
        .collect();

    let mut rows: Vec<SourceHealth> = sources
        .into_iter()
        .filter(|s| !s.feeds.is_empty())
        .map(|source| {
            let mut feeds = states.remove(&source.id).unwrap_or_default();
            feeds.sort_by(|a, b| a.url.cmp(&b.url));
            let several = source.feeds.len() > 1 || feeds.len() > 1;
            let polled = feeds.iter().filter(|f| was_polled(f)).count();
            let feeds_failing = feeds.iter().filter(|f| f.last_error.is_some()).count();
            let status = if polled == 0 {
                STATUS_NEVER_POLLED
            } else if feeds_failing >= polled {
                STATUS_FAILING
            } else if feeds_failing > 0 {
                STATUS_DEGRADED
            } else {
                STATUS_OK
            };
            // Most recent by last poll; among equals, the first URL.
            let last_error = feeds
                .iter()
                .filter_map(|f| f.last_error.as_ref().map(|e| (f, e)))
                .fold(None::<(&FeedState, &String)>, |best, (f, e)| match best {
                    Some((b, _)) if b.last_polled >= f.last_polled => best,
                    _ => Some((f, e)),
                })
                .map(|(f, e)| {
                    if several {
                        format!("{}: {e}", f.url)
                    } else {
                        e.clone()
                    }
                });
            let mut seen = HashSet::new();
            let warnings = feeds
                .iter()
                .flat_map(|f| f.warnings.iter())
                .filter(|w| seen.insert(w.as_str()))
                .take(MAX_WARNINGS)
                .cloned()
                .collect();
            let next_poll = if status == STATUS_NEVER_POLLED {
                None
            } else {
                feeds.iter().map(|f| f.next_poll).min()
            };
            let recent = counts.get(&source.id).copied().unwrap_or(0);
            SourceHealth {
                feeds: source.feeds.len(),
                feeds_failing,
                last_success: feeds.iter().filter_map(|f| f.last_success).max(),
                last_error,
                warnings,
                articles_per_day: recent as f64 / ARTICLES_PER_DAY_WINDOW_DAYS as f64,
                next_poll,
                status,
                id: source.id,
                name: source.name,
                country: source.country,
                languages: source.languages,
            }
        })
        .collect();
    rows.sort_by(|a, b| {
        status_rank(a.status)
            .cmp(&status_rank(b.status))
            .then_with(|| a.name.cmp(&b.name))
            .then_with(|| a.id.cmp(&b.id))
    });
    Ok(rows)
}

/// The one-line summary shown above the table: "N sources, M failing, K never polled".
pub fn source_health_summary(rows: &[SourceHealth]) -> String {
    let failing = rows.iter().filter(|r| r.status == STATUS_FAILING).count();
    let never = rows
        .iter()
        .filter(|r| r.status == STATUS_NEVER_POLLED)
        .count();
    format!(
        "{} source{}, {failing} failing, {never} never polled",
        rows.len(),
        if rows.len() == 1 { "" } else { "s" }
    )
}

/// Whether the crawler ever polled this feed, whatever the result.
fn was_polled(f: &FeedState) -> bool {
    f.last_polled.is_some() || f.last_success.is_some() || f.last_error.is_some()
}

fn status_rank(status: &str) -> u8 {
    match status {
        STATUS_FAILING => 0,
        STATUS_DEGRADED => 1,
        _ => 2,
    }
}
