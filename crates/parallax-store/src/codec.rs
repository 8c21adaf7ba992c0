//! Conversions between domain values and column values. Everything read from the file is checked:
//! a value that does not decode gives [`Error::DataCorruption`], never a panic.

use chrono::{DateTime, NaiveDateTime, Utc};
use parallax_core::{
    Article, ArticleId, Coverage, DateFound, FeedState, OwnershipType, PublishedTime, Rating,
    Source, SourceId, Story, StoryId, Tally,
};
use parallax_core::{Error, Result};
use rusqlite::Row;
use serde::Serialize;
use serde::de::DeserializeOwned;

/// Times are written as RFC 3339 in UTC with exactly nine fractional digits, so that within years
/// 0000 to 9999 their text sorts as the times do. Years outside that range (which only a broken
/// date can give) are written with a sign and still read back.
const TIME_FORMAT: &str = "%Y-%m-%dT%H:%M:%S%.9fZ";

/// The stored text of a time.
pub(crate) fn fmt_time(t: &DateTime<Utc>) -> String {
    t.format(TIME_FORMAT).to_string()
}

/// Reads a stored time; `what` names the value for the error message.
pub(crate) fn parse_time(s: &str, what: &str) -> Result<DateTime<Utc>> {
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Ok(t.with_timezone(&Utc));
    }
    NaiveDateTime::parse_from_str(s, TIME_FORMAT)
        .map(|t| t.and_utc())
        .map_err(|e| Error::DataCorruption(format!("{what}: {s:?} is not a time ({e})")))
}

/// JSON text of a value.
pub(crate) fn to_json<T: Serialize + ?Sized>(v: &T) -> Result<String> {
    serde_json::to_string(v).map_err(|e| Error::Invalid(format!("cannot encode as JSON: {e}")))
}

/// JSON text of a story's coverage. JSON has no NaN nor infinity (serde_json writes them as `null`,
/// which would not read back), so a share that is not a finite number is stored as 0.
pub(crate) fn coverage_json(c: &Coverage) -> Result<String> {
    let finite = |t: &[Tally]| t.iter().all(|t| t.share.is_finite());
    if [&c.countries, &c.languages, &c.bias, &c.ownership]
        .iter()
        .all(|t| finite(t))
    {
        return to_json(c);
    }
    let mut c = c.clone();
    for t in [
        &mut c.countries,
        &mut c.languages,
        &mut c.bias,
        &mut c.ownership,
    ] {
        for t in t.iter_mut().filter(|t| !t.share.is_finite()) {
            t.share = 0.0;
        }
    }
    to_json(&c)
}

/// Reads JSON text; `what` names the value for the error message.
pub(crate) fn from_json<T: DeserializeOwned>(s: &str, what: &str) -> Result<T> {
    serde_json::from_str(s).map_err(|e| Error::DataCorruption(format!("{what}: bad JSON ({e})")))
}

/// The serde label of a unit enum variant (`DateFound::JsonLd` → `"json_ld"`).
fn label<T: Serialize>(v: &T) -> Result<String> {
    match serde_json::to_value(v) {
        Ok(serde_json::Value::String(s)) => Ok(s),
        _ => Err(Error::Invalid("enum value has no label".to_string())),
    }
}

/// Reads a serde label back into its enum.
fn from_label<T: DeserializeOwned>(s: &str, what: &str) -> Result<T> {
    serde_json::from_value(serde_json::Value::String(s.to_string()))
        .map_err(|_| Error::DataCorruption(format!("{what}: unknown value {s:?}")))
}

/// Column text of a [`DateFound`].
pub(crate) fn date_found_label(f: DateFound) -> Result<String> {
    label(&f)
}

/// Column text of an [`OwnershipType`].
pub(crate) fn ownership_label(o: OwnershipType) -> Result<String> {
    label(&o)
}

/// Reads column `idx`, turning a type mismatch into [`Error::DataCorruption`].
fn col<T: rusqlite::types::FromSql>(row: &Row<'_>, idx: &str) -> Result<T> {
    row.get(idx).map_err(crate::backend)
}

/// The columns [`article_from_row`] reads, for `SELECT` lists (prefix with a table alias `a.`).
pub(crate) const ARTICLE_COLUMNS: &str = "a.id, a.source_id, a.url, a.canonical_url, a.title, \
     a.byline, a.published_at, a.published_found, a.published_confidence, a.language, \
     a.paragraphs, a.content_hash, a.fetched_at, a.origin, a.warnings, a.excerpts, a.story_id, \
     a.attribution, a.section";

/// An article from a row selected with [`ARTICLE_COLUMNS`].
pub(crate) fn article_from_row(row: &Row<'_>) -> Result<Article> {
    let id: String = col(row, "id")?;
    let what = |field: &str| format!("article {id}: {field}");
    let published_at: Option<String> = col(row, "published_at")?;
    let published_found: Option<String> = col(row, "published_found")?;
    let published_confidence: Option<f64> = col(row, "published_confidence")?;
    let published = match (published_at, published_found) {
        (None, None) => None,
        (Some(at), Some(found)) => Some(PublishedTime {
            at: parse_time(&at, &what("published_at"))?,
            found: from_label(&found, &what("published_found"))?,
            // SQLite stores NaN as NULL.
            confidence: published_confidence.map_or(f32::NAN, |c| c as f32),
        }),
        _ => {
            return Err(Error::DataCorruption(what(
                "publication time and its provenance are not both set",
            )));
        }
    };
    let paragraphs_json: String = col(row, "paragraphs")?;
    let warnings_json: String = col(row, "warnings")?;
    let fetched_at: String = col(row, "fetched_at")?;
    let excerpts_json: Option<String> = col(row, "excerpts")?;
    let attribution_json: Option<String> = col(row, "attribution")?;
    Ok(Article {
        attribution: match attribution_json {
            Some(j) => from_json(&j, &what("attribution"))?,
            None => Default::default(),
        },
        source: SourceId(col(row, "source_id")?),
        url: col(row, "url")?,
        canonical_url: col(row, "canonical_url")?,
        title: col(row, "title")?,
        byline: col(row, "byline")?,
        published,
        language: col(row, "language")?,
        paragraphs: from_json(&paragraphs_json, &what("paragraphs"))?,
        content_hash: col(row, "content_hash")?,
        fetched_at: parse_time(&fetched_at, &what("fetched_at"))?,
        origin: col(row, "origin")?,
        warnings: from_json(&warnings_json, &what("warnings"))?,
        excerpts: match excerpts_json {
            Some(j) => from_json(&j, &what("excerpts"))?,
            None => Vec::new(),
        },
        section: col(row, "section")?,
        id: ArticleId(id),
    })
}

/// The story id column of a row selected with [`ARTICLE_COLUMNS`].
pub(crate) fn article_story_from_row(row: &Row<'_>) -> Result<StoryId> {
    let story: Option<String> = col(row, "story_id")?;
    match story {
        Some(s) => Ok(StoryId(s)),
        None => {
            let id: String = col(row, "id")?;
            Err(Error::DataCorruption(format!(
                "article {id} belongs to no story"
            )))
        }
    }
}

/// The columns [`source_from_row`] reads.
pub(crate) const SOURCE_COLUMNS: &str = "id, name, home_page, country, languages, owner, \
     ownership, bias_value, bias_provenance, factuality_value, factuality_provenance, feeds, facts";

/// The facts of a [`Source`] kept as one JSON column (`sources.facts`).
#[derive(serde::Serialize, serde::Deserialize, Default)]
pub(crate) struct SourceFacts {
    #[serde(default)]
    pub(crate) provenance: parallax_core::SourceProvenance,
    #[serde(default)]
    pub(crate) feed_categories: std::collections::BTreeMap<String, String>,
    #[serde(default)]
    pub(crate) ratings: Vec<parallax_core::ProvidedRating>,
}

/// The `sources.facts` text of a source: `None` when it has none of them.
pub(crate) fn source_facts_json(s: &Source) -> Result<Option<String>> {
    if s.provenance == parallax_core::SourceProvenance::default()
        && s.feed_categories.is_empty()
        && s.ratings.is_empty()
    {
        return Ok(None);
    }
    to_json(&SourceFacts {
        provenance: s.provenance.clone(),
        feed_categories: s.feed_categories.clone(),
        ratings: s.ratings.clone(),
    })
    .map(Some)
}

fn rating(value: Option<String>, provenance: Option<String>, what: &str) -> Result<Option<Rating>> {
    match (value, provenance) {
        (None, None) => Ok(None),
        (Some(value), Some(provenance)) => Ok(Some(Rating { value, provenance })),
        _ => Err(Error::DataCorruption(format!(
            "{what}: value and provenance are not both set"
        ))),
    }
}

/// A source from a row selected with [`SOURCE_COLUMNS`].
pub(crate) fn source_from_row(row: &Row<'_>) -> Result<Source> {
    let id: String = col(row, "id")?;
    let what = |field: &str| format!("source {id}: {field}");
    let languages: String = col(row, "languages")?;
    let feeds: String = col(row, "feeds")?;
    let ownership: Option<String> = col(row, "ownership")?;
    let facts: Option<String> = col(row, "facts")?;
    let facts: SourceFacts = match facts {
        Some(j) => from_json(&j, &what("facts"))?,
        None => SourceFacts::default(),
    };
    Ok(Source {
        feed_categories: facts.feed_categories,
        provenance: facts.provenance,
        ratings: facts.ratings,
        name: col(row, "name")?,
        home_page: col(row, "home_page")?,
        country: col(row, "country")?,
        languages: from_json(&languages, &what("languages"))?,
        owner: col(row, "owner")?,
        ownership: ownership
            .map(|o| from_label(&o, &what("ownership")))
            .transpose()?,
        bias: rating(
            col(row, "bias_value")?,
            col(row, "bias_provenance")?,
            &what("bias"),
        )?,
        factuality: rating(
            col(row, "factuality_value")?,
            col(row, "factuality_provenance")?,
            &what("factuality"),
        )?,
        feeds: from_json(&feeds, &what("feeds"))?,
        id: SourceId(id),
    })
}

/// The columns [`story_from_row`] reads.
pub(crate) const STORY_COLUMNS: &str = "id, title, summary, coverage, first_seen, last_updated";

/// A story from a row selected with [`STORY_COLUMNS`]; its article list is read apart and given.
pub(crate) fn story_from_row(row: &Row<'_>, articles: Vec<ArticleId>) -> Result<Story> {
    let id: String = col(row, "id")?;
    let what = |field: &str| format!("story {id}: {field}");
    let summary: String = col(row, "summary")?;
    let coverage: String = col(row, "coverage")?;
    let first_seen: String = col(row, "first_seen")?;
    let last_updated: String = col(row, "last_updated")?;
    Ok(Story {
        title: col(row, "title")?,
        summary: from_json(&summary, &what("summary"))?,
        coverage: from_json(&coverage, &what("coverage"))?,
        articles,
        first_seen: parse_time(&first_seen, &what("first_seen"))?,
        last_updated: parse_time(&last_updated, &what("last_updated"))?,
        id: StoryId(id),
    })
}

/// The columns [`feed_from_row`] reads.
pub(crate) const FEED_COLUMNS: &str = "url, source_id, etag, last_modified, last_polled, \
     last_success, last_error, warnings, consecutive_failures, interval_secs, next_poll, \
     last_new_entries";

/// Column value of an unsigned count (SQLite integers are `i64`): refused with [`Error::Invalid`]
/// beyond `i64::MAX`, rather than stored as something that would read back differently.
pub(crate) fn unsigned_int(n: u64, what: &str) -> Result<i64> {
    i64::try_from(n).map_err(|_| Error::Invalid(format!("{what}: {n} is too large to store")))
}

/// Reads an integer column into an unsigned type, turning a negative or out-of-range value into
/// [`Error::DataCorruption`].
fn unsigned_col<T: TryFrom<i64>>(row: &Row<'_>, idx: &str, what: &str) -> Result<T> {
    let n: i64 = col(row, idx)?;
    T::try_from(n).map_err(|_| Error::DataCorruption(format!("{what}: {n} is out of range")))
}

/// A feed state from a row selected with [`FEED_COLUMNS`].
pub(crate) fn feed_from_row(row: &Row<'_>) -> Result<FeedState> {
    let url: String = col(row, "url")?;
    let what = |field: &str| format!("feed {url}: {field}");
    let time = |idx: &str| -> Result<Option<DateTime<Utc>>> {
        let t: Option<String> = col(row, idx)?;
        t.map(|t| parse_time(&t, &what(idx))).transpose()
    };
    let warnings: String = col(row, "warnings")?;
    let next_poll: String = col(row, "next_poll")?;
    Ok(FeedState {
        source: SourceId(col(row, "source_id")?),
        etag: col(row, "etag")?,
        last_modified: col(row, "last_modified")?,
        last_polled: time("last_polled")?,
        last_success: time("last_success")?,
        last_error: col(row, "last_error")?,
        warnings: from_json(&warnings, &what("warnings"))?,
        consecutive_failures: unsigned_col(
            row,
            "consecutive_failures",
            &what("consecutive_failures"),
        )?,
        interval_secs: unsigned_col(row, "interval_secs", &what("interval_secs"))?,
        next_poll: parse_time(&next_poll, &what("next_poll"))?,
        last_new_entries: unsigned_col(row, "last_new_entries", &what("last_new_entries"))?,
        url,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn times_round_trip_and_sort() {
        let times = [
            DateTime::<Utc>::MIN_UTC,
            Utc.with_ymd_and_hms(0, 1, 1, 0, 0, 0).unwrap(),
            Utc.with_ymd_and_hms(1999, 12, 31, 23, 59, 59).unwrap(),
            Utc.with_ymd_and_hms(2025, 7, 3, 12, 0, 0).unwrap() + chrono::Duration::nanoseconds(1),
            Utc.with_ymd_and_hms(9999, 12, 31, 23, 59, 59).unwrap(),
            DateTime::<Utc>::MAX_UTC,
        ];
        for t in times {
            let s = fmt_time(&t);
            assert_eq!(parse_time(&s, "t").unwrap(), t, "{s}");
        }
        let in_range: Vec<String> = times[1..5].iter().map(fmt_time).collect();
        let mut sorted = in_range.clone();
        sorted.sort();
        assert_eq!(sorted, in_range);
        assert_eq!(fmt_time(&times[2]), "1999-12-31T23:59:59.000000000Z");
        assert!(parse_time("yesterday", "t").is_err());
    }

    #[test]
    fn labels_follow_serde() {
        assert_eq!(date_found_label(DateFound::JsonLd).unwrap(), "json_ld");
        assert_eq!(
            ownership_label(OwnershipType::PublicService).unwrap(),
            "public_service"
        );
        let back: DateFound = from_label("time_element", "x").unwrap();
        assert_eq!(back, DateFound::TimeElement);
        assert!(from_label::<DateFound>("nope", "x").is_err());
    }
}
