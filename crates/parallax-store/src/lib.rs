//! [`SqliteStore`]: the SQLite implementation of [`parallax_core::Store`], Parallax's default store,
//! one file on disk.
//!
//! # What it stores
//!
//! - `sources`: every field of [`Source`]; languages and feeds as JSON text, each rating as a value
//!   column and a provenance column.
//! - `articles`: every field of [`Article`], plus `seq` (insertion order, never reused) and
//!   `story_id` (the story that lists the article). Unique by id, by content hash and by canonical
//!   URL (where there is one); indexed by URL too, for [`ArticleStore::article_by_url`].
//! - `stories` and `story_articles`: every field of [`Story`]; summary and coverage as JSON text,
//!   the ordered member list as rows of `story_articles`.
//! - `problems`: what went wrong with which input, and when.
//! - `feeds`: every field of [`FeedState`], keyed by feed URL; warnings as JSON text. Counts are
//!   SQLite integers: an `interval_secs` above `i64::MAX` is refused with [`Error::Invalid`], and
//!   a stored count that is negative or too large for its type reads as [`Error::DataCorruption`].
//! - `articles_fts`: a full-text index of article titles and bodies, for [`SqliteStore::search`]
//!   and [`ArticleStore::search_stories`]; `articles_trigram`: titles and first paragraphs (the whole
//!   texts of articles in Chinese, Japanese and other scripts written without spaces) indexed by
//!   trigrams, for queries in those scripts, filled by a trigger on `articles`.
//! - `translations`: the machine-translation cache ([`Translation`]), keyed by the hash of the
//!   original text, its language, the target language and the backend. The originals are never
//!   written by [`TranslationStore::save_translations`].
//! - `embeddings`: one vector per (article, model) ([`ArticleEmbedding`]) as `dim` little-endian
//!   f32 values in a BLOB; written with its article in one transaction
//!   ([`EmbeddingStore::commit_article_embedded`]) and read back for the clustering window
//!   ([`EmbeddingStore::recent_embeddings`]).
//!
//! Times are RFC 3339 text in UTC with a fixed number of digits, so their text sorts as the times
//! do. The file's schema version is `PRAGMA user_version`; opening a file migrates it (see
//! [`SCHEMA_VERSION`]) and refuses a file written by a newer Parallax.
//!
//! # Invariants
//!
//! - Every trait call is one SQLite transaction; writes take the write lock at their start
//!   (`BEGIN IMMEDIATE`). With the write-ahead log, a process killed at any point, or a power cut,
//!   leaves the file as it was before the call or after it: nothing is ever half-written. (With
//!   `synchronous=NORMAL` a power cut may lose the last few committed calls, never corrupt.)
//! - An article is listed by at most one story, and its `story_id` is that story. A commit that
//!   lists an article already listed by another story moves it; a story left with no articles by
//!   such a move is deleted. A commit that would leave a stored article in no story is refused
//!   with [`Error::Invalid`]. The story that lost an article keeps its stored title, summary and
//!   coverage until it is committed again.
//! - Upserting a stored story replaces everything but its `first_seen`.
//! - The full-text index is written in the same transaction as the article.
//! - Nothing read from the file is trusted: a value that does not decode gives
//!   [`Error::DataCorruption`], never a panic.
//!
//! # Concurrency
//!
//! One [`SqliteStore`] on a file holds one writing connection and a pool of [`READERS`] reading
//! connections: writes are serialised on the writer, reads run side by side on the readers (each
//! read sees the file as of its start, every committed write included), so page reads never wait
//! for an import's writes. A store in memory has one connection for both. Several processes may
//! open the same file (the web server while an import runs): readers never block the writer nor
//! each other, and a writer waits up to five seconds for another writer before failing with
//! [`Error::Backend`].
//!
//! ```
//! use parallax_core::store_roles::*;
//! use parallax_store::SqliteStore;
//!
//! let store = SqliteStore::open_in_memory()?; // or SqliteStore::open(Path::new("parallax.db"))
//! assert_eq!(store.counts()?.articles, 0);
//! assert!(store.search("\"unbalanced OR", 10)?.is_empty());
//! # Ok::<(), parallax_core::Error>(())
//! ```
#![warn(missing_docs)]

mod codec;
mod schema;
mod search;

pub use schema::SCHEMA_VERSION;

use chrono::{DateTime, Utc};
use codec::{
    ARTICLE_COLUMNS, FEED_COLUMNS, SOURCE_COLUMNS, STORY_COLUMNS, article_from_row,
    article_story_from_row, feed_from_row, fmt_time, from_json, parse_time, source_from_row,
    story_from_row, to_json,
};
use parallax_core::store_roles::*;
use parallax_core::{
    Article, ArticleAttribution, ArticleEmbedding, ArticleId, ArticleInsert, Attribution,
    CountryVolume, DigestedStory, EntityStory, Error, FeedState, ListedStory, ModelVectors,
    Problem, ProvidedRating, RatingKind, Reattribution, Result, SearchQuery, SearchResults, Source,
    SourceArticles, SourceId, StoreCounts, Story, StoryDigest, StoryId, StoryRecord, Translation,
};
use rusqlite::types::ToSql;
use rusqlite::{Connection, ErrorCode, Row, TransactionBehavior, params};
use std::collections::{BTreeSet, HashMap, HashSet};
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::Duration;

/// Reading connections of a store on a file: on two cores, four let page reads overlap an
/// import's writes and each other's waits for the disk.
pub const READERS: usize = 4;

/// How long a write waits for another process's write to finish before giving up.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// Maps an SQLite error to the domain's error: a damaged file or a value of the wrong type is
/// [`Error::DataCorruption`], a refused constraint is [`Error::Invalid`], anything else is
/// [`Error::Backend`].
pub(crate) fn backend(e: rusqlite::Error) -> Error {
    use rusqlite::Error as E;
    match &e {
        E::SqliteFailure(f, _) => match f.code {
            ErrorCode::DatabaseCorrupt | ErrorCode::NotADatabase => {
                Error::DataCorruption(e.to_string())
            }
            ErrorCode::ConstraintViolation => Error::Invalid(e.to_string()),
            _ => Error::Backend(e.to_string()),
        },
        E::InvalidColumnType(..)
        | E::FromSqlConversionFailure(..)
        | E::IntegralValueOutOfRange(..)
        | E::Utf8Error(..) => Error::DataCorruption(e.to_string()),
        _ => Error::Backend(e.to_string()),
    }
}

/// A count or limit as SQLite's integer (saturating: SQLite has no larger one).
fn sql_int(n: usize) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

/// A stored count as `usize`.
fn count(n: i64, what: &str) -> Result<usize> {
    usize::try_from(n).map_err(|_| Error::DataCorruption(format!("{what}: count {n} is negative")))
}

/// The rows of a query, each decoded by `f`.
fn query_vec<T>(
    conn: &Connection,
    sql: &str,
    params: &[&dyn ToSql],
    mut f: impl FnMut(&Row<'_>) -> Result<T>,
) -> Result<Vec<T>> {
    let mut stmt = conn.prepare_cached(sql).map_err(backend)?;
    let mut rows = stmt.query(params).map_err(backend)?;
    let mut out = Vec::new();
    while let Some(row) = rows.next().map_err(backend)? {
        out.push(f(row)?);
    }
    Ok(out)
}

/// The first row of a query, decoded by `f`.
fn query_opt<T>(
    conn: &Connection,
    sql: &str,
    params: &[&dyn ToSql],
    f: impl FnOnce(&Row<'_>) -> Result<T>,
) -> Result<Option<T>> {
    let mut stmt = conn.prepare_cached(sql).map_err(backend)?;
    let mut rows = stmt.query(params).map_err(backend)?;
    match rows.next().map_err(backend)? {
        Some(row) => Ok(Some(f(row)?)),
        None => Ok(None),
    }
}

/// Runs a statement that changes rows; the number changed.
fn exec(conn: &Connection, sql: &str, params: &[&dyn ToSql]) -> Result<usize> {
    conn.prepare_cached(sql)
        .and_then(|mut s| s.execute(params))
        .map_err(backend)
}

fn text(row: &Row<'_>, idx: usize) -> Result<String> {
    row.get(idx).map_err(backend)
}

/// The SQLite implementation of [`Store`]: one database file (or memory), one connection.
///
/// See the [crate documentation](crate) for the schema and the invariants it keeps.
pub struct SqliteStore {
    /// The writer; the only connection of a store in memory.
    conn: Mutex<Connection>,
    /// The reading connections (none in memory, where a second connection would be another
    /// database).
    readers: Vec<Mutex<Connection>>,
    /// Where the next read starts looking for a free reader.
    next_reader: AtomicUsize,
    path: Option<PathBuf>,
}

impl fmt::Debug for SqliteStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SqliteStore")
            .field("path", &self.path)
            .finish_non_exhaustive()
    }
}

impl SqliteStore {
    /// Opens the database file at `path`, creating it when it does not exist, and migrates it to
    /// [`SCHEMA_VERSION`].
    ///
    /// Fails with [`Error::DataCorruption`] when the file is not a Parallax database or was written
    /// by a newer Parallax, and with [`Error::Backend`] when it cannot be opened (a missing folder,
    /// no permission) or another process holds the write lock for longer than five seconds.
    pub fn open(path: &Path) -> Result<Self> {
        let at = |e: Error| match e {
            Error::DataCorruption(m) => Error::DataCorruption(format!("{}: {m}", path.display())),
            Error::Backend(m) => Error::Backend(format!("{}: {m}", path.display())),
            other => other,
        };
        let conn = Connection::open(path).map_err(|e| at(backend(e)))?;
        Self::init(conn, Some(path.to_path_buf()), SCHEMA_VERSION).map_err(at)
    }

    /// A new, empty store in memory, gone when dropped. For tests and one-off runs.
    pub fn open_in_memory() -> Result<Self> {
        let conn = Connection::open_in_memory().map_err(backend)?;
        Self::init(conn, None, SCHEMA_VERSION)
    }

    /// Opens the file and migrates it to `version` only: a file as the Parallax of that version
    /// left it, for migration tests. Only the calls that version supported may be made on it.
    #[cfg(test)]
    fn open_at_version(path: &Path, version: u32) -> Result<Self> {
        let conn = Connection::open(path).map_err(backend)?;
        Self::init(conn, Some(path.to_path_buf()), version)
    }

    /// Sets the connection up and migrates the file to `version` (always [`SCHEMA_VERSION`] but
    /// in tests).
    fn init(mut conn: Connection, path: Option<PathBuf>, version: u32) -> Result<Self> {
        conn.busy_timeout(BUSY_TIMEOUT).map_err(backend)?;
        conn.pragma_update(None, "foreign_keys", true)
            .map_err(backend)?;
        conn.pragma_update(None, "synchronous", "NORMAL")
            .map_err(backend)?;
        // Reading the version first makes a file that is not a database fail here, clearly.
        schema::version(&conn)?;
        if path.is_some() {
            let mode: String = conn
                .pragma_query_value(None, "journal_mode", |r| r.get(0))
                .map_err(backend)?;
            if !mode.eq_ignore_ascii_case("wal") {
                // The mode is kept in the file: only its first opening changes it. Where WAL is
                // not possible (some network file systems) SQLite keeps the old mode, which is
                // still correct, only less concurrent.
                let _: String = conn
                    .pragma_update_and_check(None, "journal_mode", "WAL", |r| r.get(0))
                    .map_err(backend)?;
            }
        }
        schema::migrate(&mut conn, version)?;
        let readers = match &path {
            Some(p) => (0..READERS)
                .map(|_| open_reader(p).map(Mutex::new))
                .collect::<Result<Vec<_>>>()?,
            None => Vec::new(),
        };
        Ok(SqliteStore {
            conn: Mutex::new(conn),
            readers,
            next_reader: AtomicUsize::new(0),
            path,
        })
    }

    /// The file this store was opened on; `None` in memory.
    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    /// The schema version of the open database (equal to [`SCHEMA_VERSION`] once opened).
    pub fn schema_version(&self) -> Result<u32> {
        schema::version(&self.lock())
    }

    /// Articles whose title or body hold every word of `query`, best match first, at most `limit`.
    ///
    /// Words are matched whole, case- and accent-insensitively. The query is plain words, not
    /// FTS5 syntax: quotes, `OR`, `NEAR`, `*` and other operators are taken as ordinary text, so
    /// no query is an error. A query with no letter or digit finds nothing.
    pub fn search(&self, query: &str, limit: usize) -> Result<Vec<ArticleId>> {
        let Some(fts) = fts_query(query) else {
            return Ok(Vec::new());
        };
        if limit == 0 {
            return Ok(Vec::new());
        }
        self.read(|conn| {
            query_vec(
                conn,
                "SELECT a.id FROM articles_fts f JOIN articles a ON a.seq = f.rowid \
                 WHERE articles_fts MATCH ?1 ORDER BY f.rank, a.seq LIMIT ?2",
                &[&fts, &sql_int(limit)],
                |r| Ok(ArticleId(text(r, 0)?)),
            )
        })
    }

    /// The connection. A panic in an earlier call cannot leave a transaction open (a dropped
    /// transaction rolls back), so a poisoned lock is safe to take over.
    fn lock(&self) -> MutexGuard<'_, Connection> {
        settled(self.conn.lock().unwrap_or_else(PoisonError::into_inner))
    }

    /// A reading connection: the first free one from where the last read started, or, when all
    /// are busy, the next one in turn (waiting for it). The writer in memory.
    fn lock_reader(&self) -> MutexGuard<'_, Connection> {
        let n = self.readers.len();
        if n == 0 {
            return self.lock();
        }
        let start = self.next_reader.fetch_add(1, Ordering::Relaxed);
        for i in 0..n {
            if let Ok(conn) = self.readers[(start + i) % n].try_lock() {
                return settled(conn);
            }
        }
        settled(
            self.readers[start % n]
                .lock()
                .unwrap_or_else(PoisonError::into_inner),
        )
    }

    /// Runs `f` in a read transaction: it sees one consistent state of the file.
    fn read<T>(&self, f: impl FnOnce(&Connection) -> Result<T>) -> Result<T> {
        let mut conn = self.lock_reader();
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Deferred)
            .map_err(backend)?;
        let out = f(&tx)?;
        tx.commit().map_err(backend)?;
        Ok(out)
    }

    /// Runs `f` in a write transaction, committed when `f` succeeds and rolled back when it fails.
    fn write<T>(&self, f: impl FnOnce(&Connection) -> Result<T>) -> Result<T> {
        let mut conn = self.lock();
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(backend)?;
        let out = f(&tx)?;
        tx.commit().map_err(backend)?;
        Ok(out)
    }
}

/// The day (UTC, `YYYY-MM-DD`) of a time, as `source_days` keys it.
fn day_of(t: &DateTime<Utc>) -> String {
    t.format("%Y-%m-%d").to_string()
}

/// A connection as a call finds it: a transaction a panicking call left open is rolled back.
fn settled(conn: MutexGuard<'_, Connection>) -> MutexGuard<'_, Connection> {
    if !conn.is_autocommit() {
        let _ = conn.execute_batch("ROLLBACK");
    }
    conn
}

/// How much of the file a reading connection maps into memory: pages are then read where the
/// operating system caches them, shared by every reader, instead of being copied by a system call
/// into each connection's own cache (system calls were 43 % of a search's time at 100,000
/// articles). The rest of a larger file is read as usual.
const READER_MMAP_BYTES: i64 = 1 << 30;

/// A reading connection to the (already migrated) file at `path`.
fn open_reader(path: &Path) -> Result<Connection> {
    let conn = Connection::open(path).map_err(backend)?;
    conn.busy_timeout(BUSY_TIMEOUT).map_err(backend)?;
    // Search's scratch tables (the `temp` schema) live in memory, never in a temporary file.
    conn.pragma_update(None, "temp_store", "MEMORY")
        .map_err(backend)?;
    // Where memory mapping is not available SQLite reads as before.
    let _: i64 = conn
        .pragma_update_and_check(None, "mmap_size", READER_MMAP_BYTES, |r| r.get(0))
        .map_err(backend)?;
    Ok(conn)
}

/// The FTS5 query for a user's words: each word quoted as a phrase, and words the user put
/// between double quotes kept together as one phrase (`"phone call"`: adjacent words); all of
/// them required. A quote left open runs to the end. Nothing the user types is query syntax.
/// `None` when no word holds a letter or digit.
fn fts_query(query: &str) -> Option<String> {
    let mut terms: Vec<String> = Vec::new();
    for (i, part) in query.split('"').enumerate() {
        let words: Vec<&str> = part
            .split_whitespace()
            .filter(|t| t.chars().any(char::is_alphanumeric))
            .collect();
        if words.is_empty() {
            continue;
        }
        if i % 2 == 1 {
            // Inside quotes: one phrase.
            terms.push(format!("\"{}\"", words.join(" ")));
        } else {
            terms.extend(words.iter().map(|w| format!("\"{w}\"")));
        }
    }
    (!terms.is_empty()).then(|| terms.join(" "))
}

fn duplicate_of(conn: &Connection, article: &Article) -> Result<Option<ArticleId>> {
    let id_of = |r: &Row<'_>| Ok(ArticleId(text(r, 0)?));
    if let Some(id) = query_opt(
        conn,
        "SELECT id FROM articles WHERE id = ?1",
        &[&article.id.0],
        id_of,
    )? {
        return Ok(Some(id));
    }
    if let Some(url) = &article.canonical_url
        && let Some(id) = query_opt(
            conn,
            "SELECT id FROM articles WHERE canonical_url = ?1",
            &[url],
            id_of,
        )?
    {
        return Ok(Some(id));
    }
    query_opt(
        conn,
        "SELECT id FROM articles WHERE content_hash = ?1",
        &[&article.content_hash],
        id_of,
    )
}

fn insert_article(conn: &Connection, a: &Article) -> Result<()> {
    let (published_at, published_found, published_confidence) = match &a.published {
        Some(p) => (
            Some(fmt_time(&p.at)),
            Some(codec::date_found_label(p.found)?),
            Some(f64::from(p.confidence)).filter(|c| !c.is_nan()),
        ),
        None => (None, None, None),
    };
    // An article without excerpts leaves the column NULL, and one whose outlet nothing was said
    // about leaves `attribution` NULL; the statement then does not name them (as before
    // migrations 5 and 6, so that a file at an older version can still be written in tests).
    let excerpts = if a.excerpts.is_empty() {
        None
    } else {
        Some(to_json(&a.excerpts)?)
    };
    let attribution = if a.attribution == parallax_core::Attribution::default() {
        None
    } else {
        Some(to_json(&a.attribution)?)
    };
    let paragraphs = to_json(&a.paragraphs)?;
    let fetched_at = fmt_time(&a.fetched_at);
    let warnings = to_json(&a.warnings)?;
    let mut columns = String::from(
        "id, source_id, url, canonical_url, title, byline, published_at, published_found, \
         published_confidence, language, paragraphs, content_hash, fetched_at, origin, warnings",
    );
    let mut values: Vec<&dyn ToSql> = vec![
        &a.id.0,
        &a.source.0,
        &a.url,
        &a.canonical_url,
        &a.title,
        &a.byline,
        &published_at,
        &published_found,
        &published_confidence,
        &a.language,
        &paragraphs,
        &a.content_hash,
        &fetched_at,
        &a.origin,
        &warnings,
    ];
    if let Some(e) = &excerpts {
        columns.push_str(", excerpts");
        values.push(e);
    }
    if let Some(at) = &attribution {
        columns.push_str(", attribution");
        values.push(at);
    }
    // Likewise a section (migration 11).
    if let Some(section) = &a.section {
        columns.push_str(", section");
        values.push(section);
    }
    let placeholders: Vec<String> = (1..=values.len()).map(|i| format!("?{i}")).collect();
    let sql = format!(
        "INSERT INTO articles ({columns}) VALUES ({})",
        placeholders.join(", ")
    );
    exec(conn, &sql, &values)?;
    let seq = conn.last_insert_rowid();
    exec(
        conn,
        "INSERT INTO articles_fts (rowid, title, body) VALUES (?1, ?2, ?3)",
        params![seq, a.title, a.body()],
    )?;
    Ok(())
}

/// Inserts the source, or replaces the stored one with the same id.
fn upsert_source(conn: &Connection, s: &Source) -> Result<()> {
    let ownership = s.ownership.map(codec::ownership_label).transpose()?;
    let languages = to_json(&s.languages)?;
    let feeds = to_json(&s.feeds)?;
    // A source without provenance, feed categories or ratings leaves `facts` NULL, and the
    // statement does not name it (as before migration 6).
    let facts = codec::source_facts_json(s)?;
    let sql = format!(
        "INSERT INTO sources (id, name, home_page, country, languages, owner, ownership, \
         bias_value, bias_provenance, factuality_value, factuality_provenance, feeds{}) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12{}) \
         ON CONFLICT (id) DO UPDATE SET name = excluded.name, \
         home_page = excluded.home_page, country = excluded.country, \
         languages = excluded.languages, owner = excluded.owner, \
         ownership = excluded.ownership, bias_value = excluded.bias_value, \
         bias_provenance = excluded.bias_provenance, \
         factuality_value = excluded.factuality_value, \
         factuality_provenance = excluded.factuality_provenance, feeds = excluded.feeds{}",
        if facts.is_some() { ", facts" } else { "" },
        if facts.is_some() { ", ?13" } else { "" },
        if facts.is_some() {
            ", facts = excluded.facts"
        } else {
            ""
        },
    );
    let bias_value = s.bias.as_ref().map(|r| &r.value);
    let bias_provenance = s.bias.as_ref().map(|r| &r.provenance);
    let factuality_value = s.factuality.as_ref().map(|r| &r.value);
    let factuality_provenance = s.factuality.as_ref().map(|r| &r.provenance);
    let mut values: Vec<&dyn ToSql> = vec![
        &s.id.0,
        &s.name,
        &s.home_page,
        &s.country,
        &languages,
        &s.owner,
        &ownership,
        &bias_value,
        &bias_provenance,
        &factuality_value,
        &factuality_provenance,
        &feeds,
    ];
    if let Some(f) = &facts {
        values.push(f);
    }
    exec(conn, &sql, &values)?;
    Ok(())
}

/// Writes the story and its member list, keeping every article in exactly one story.
fn upsert_story(conn: &Connection, story: &Story) -> Result<()> {
    let sid = &story.id.0;
    exec(
        conn,
        "INSERT INTO stories (id, title, summary, coverage, first_seen, last_updated) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6) \
         ON CONFLICT (id) DO UPDATE SET title = excluded.title, summary = excluded.summary, \
         coverage = excluded.coverage, last_updated = excluded.last_updated",
        params![
            sid,
            story.title,
            to_json(&story.summary)?,
            codec::coverage_json(&story.coverage)?,
            fmt_time(&story.first_seen),
            fmt_time(&story.last_updated),
        ],
    )?;
    let previous = query_vec(
        conn,
        "SELECT article_id FROM story_articles WHERE story_id = ?1 ORDER BY position",
        &[sid],
        |r| text(r, 0),
    )?;
    let previous_set: HashSet<&str> = previous.iter().map(String::as_str).collect();
    let listed: HashSet<&str> = story.articles.iter().map(ArticleId::as_str).collect();
    if let Some(dropped) = previous.iter().find(|p| !listed.contains(p.as_str())) {
        return Err(Error::Invalid(format!(
            "story {sid} no longer lists article {dropped}, and no other story does"
        )));
    }
    // Articles new to this story: take them from the story that lists them, if any, and point
    // them here.
    let mut losers = BTreeSet::new();
    for aid in story
        .articles
        .iter()
        .filter(|a| !previous_set.contains(a.as_str()))
    {
        if let Some(other) = query_opt(
            conn,
            "SELECT story_id FROM story_articles WHERE article_id = ?1",
            &[&aid.0],
            |r| text(r, 0),
        )? {
            exec(
                conn,
                "DELETE FROM story_articles WHERE article_id = ?1",
                &[&aid.0],
            )?;
            losers.insert(other);
        }
        let changed = exec(
            conn,
            "UPDATE articles SET story_id = ?1 WHERE id = ?2",
            params![sid, aid.0],
        )?;
        if changed == 0 {
            return Err(Error::Invalid(format!(
                "story {sid} lists article {aid}, which is not stored"
            )));
        }
    }
    // The member list. The usual change appends to it: only the new rows are written then.
    let appended = story.articles.len() >= previous.len()
        && story.articles.iter().zip(&previous).all(|(a, p)| a.0 == *p);
    let (start, base) = if appended {
        let next: i64 = query_opt(
            conn,
            "SELECT coalesce(max(position) + 1, 0) FROM story_articles WHERE story_id = ?1",
            &[sid],
            |r| r.get(0).map_err(backend),
        )?
        .unwrap_or(0);
        (previous.len(), next)
    } else {
        exec(
            conn,
            "DELETE FROM story_articles WHERE story_id = ?1",
            &[sid],
        )?;
        (0, 0)
    };
    for (i, aid) in story.articles.iter().enumerate().skip(start) {
        exec(
            conn,
            "INSERT INTO story_articles (story_id, position, article_id) VALUES (?1, ?2, ?3)",
            params![sid, base + sql_int(i - start), aid.0],
        )?;
    }
    // A story that lost its last article to this one is gone.
    for loser in losers.iter().filter(|l| *l != sid) {
        exec(
            conn,
            "DELETE FROM stories WHERE id = ?1 \
             AND NOT EXISTS (SELECT 1 FROM story_articles WHERE story_id = ?1)",
            &[loser],
        )?;
    }
    Ok(())
}

/// The article whose URL or canonical URL is `?1`. Both columns are indexed: SQLite answers the
/// OR with two index lookups. The oldest match wins when two articles match (one by URL, another
/// by canonical URL).
const ARTICLE_BY_URL: &str =
    "SELECT id FROM articles WHERE url = ?1 OR canonical_url = ?1 ORDER BY seq LIMIT 1";

fn article_ids(conn: &Connection, story: &str) -> Result<Vec<ArticleId>> {
    query_vec(
        conn,
        "SELECT article_id FROM story_articles WHERE story_id = ?1 ORDER BY position",
        &[&story],
        |r| Ok(ArticleId(text(r, 0)?)),
    )
}

/// Stores the article and its story (see [`ArticleStore::commit_article`]), inside the caller's
/// transaction.
fn commit_in(conn: &Connection, article: &Article, story: &Story) -> Result<ArticleInsert> {
    // Under the write lock: no other process can store the same document meanwhile.
    if let Some(existing) = duplicate_of(conn, article)? {
        return Ok(ArticleInsert::Duplicate(existing));
    }
    if !story.articles.contains(&article.id) {
        return Err(Error::Invalid(format!(
            "story {} does not list the article {} committed with it",
            story.id, article.id
        )));
    }
    let mut seen = HashSet::new();
    if let Some(twice) = story.articles.iter().find(|a| !seen.insert(*a)) {
        return Err(Error::Invalid(format!(
            "story {} lists article {twice} twice",
            story.id
        )));
    }
    insert_article(conn, article)?;
    upsert_story(conn, story)?;
    Ok(ArticleInsert::Inserted)
}

/// Inserts or replaces one embedding. The article must be stored (foreign key).
fn insert_embedding(conn: &Connection, e: &ArticleEmbedding) -> Result<()> {
    if e.vector.is_empty() {
        return Err(Error::Invalid(format!(
            "the {} embedding of article {} is empty",
            e.model, e.article
        )));
    }
    let dim = sql_int(e.vector.len());
    let mut blob = Vec::with_capacity(e.vector.len() * 4);
    for x in &e.vector {
        blob.extend_from_slice(&x.to_le_bytes());
    }
    exec(
        conn,
        "INSERT INTO embeddings (article_id, model, dim, vector, created_at) \
         VALUES (?1, ?2, ?3, ?4, ?5) \
         ON CONFLICT (article_id, model) DO UPDATE SET dim = excluded.dim, \
         vector = excluded.vector, created_at = excluded.created_at",
        params![e.article.0, e.model, dim, blob, fmt_time(&e.created_at)],
    )
    .map_err(|err| match err {
        Error::Invalid(m) => Error::Invalid(format!(
            "the embedding of article {} cannot be stored (is the article stored?): {m}",
            e.article
        )),
        other => other,
    })?;
    Ok(())
}

/// Columns read by [`embedding_from_row`].
const EMBEDDING_COLUMNS: &str = "e.article_id, e.model, e.dim, e.vector, e.created_at";

fn embedding_from_row(r: &Row<'_>) -> Result<ArticleEmbedding> {
    let article = ArticleId(text(r, 0)?);
    let dim: i64 = r.get(2).map_err(backend)?;
    let blob: Vec<u8> = r.get(3).map_err(backend)?;
    let dim = count(dim, "embedding dimension")?;
    if dim == 0 || blob.len() != dim * 4 {
        return Err(Error::DataCorruption(format!(
            "the embedding of article {article} has {} bytes for {dim} dimensions",
            blob.len()
        )));
    }
    let vector = blob
        .chunks_exact(4)
        .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
        .collect();
    Ok(ArticleEmbedding {
        article,
        model: text(r, 1)?,
        vector,
        created_at: parse_time(&text(r, 4)?, "embedding time")?,
    })
}

impl ArticleStore for SqliteStore {
    fn find_duplicate(&self, article: &Article) -> Result<Option<ArticleId>> {
        self.read(|conn| duplicate_of(conn, article))
    }

    fn commit_article(&self, article: &Article, story: &Story) -> Result<ArticleInsert> {
        self.write(|conn| commit_in(conn, article, story))
    }

    fn regroup(&self, stories: &[Story]) -> Result<()> {
        self.write(|conn| {
            let mut listed = HashSet::new();
            let mut written = HashSet::new();
            for story in stories {
                if !written.insert(story.id.as_str()) {
                    return Err(Error::Invalid(format!(
                        "story {} is written twice in one regrouping",
                        story.id
                    )));
                }
                for a in &story.articles {
                    if !listed.insert(a.as_str()) {
                        return Err(Error::Invalid(format!(
                            "article {a} is listed twice in one regrouping"
                        )));
                    }
                }
            }
            // Every listed article leaves the story that held it; those stories are looked at
            // after the writes (kept when something still lists them, deleted when empty).
            let mut left = BTreeSet::new();
            let mut came_from: HashMap<&str, String> = HashMap::new();
            for a in &listed {
                if let Some(old) = query_opt(
                    conn,
                    "SELECT story_id FROM story_articles WHERE article_id = ?1",
                    &[a],
                    |r| text(r, 0),
                )? {
                    came_from.insert(a, old.clone());
                    left.insert(old);
                }
                exec(
                    conn,
                    "DELETE FROM story_articles WHERE article_id = ?1",
                    &[a],
                )?;
            }
            for story in stories {
                upsert_story(conn, story)?;
            }
            for old in left.iter().filter(|o| !written.contains(o.as_str())) {
                // A story that lost some articles and keeps others must be written too (its
                // title, summary and coverage would describe articles it no longer has).
                if let Some(kept) = query_opt(
                    conn,
                    "SELECT article_id FROM story_articles WHERE story_id = ?1 LIMIT 1",
                    &[old],
                    |r| text(r, 0),
                )? {
                    return Err(Error::Invalid(format!(
                        "story {old} loses articles in a regrouping but is not written \
                         (it keeps article {kept})"
                    )));
                }
                exec(conn, "DELETE FROM stories WHERE id = ?1", &[old])?;
                // Its address now leads to the story that took most of its articles (ties: the
                // first written).
                let mut best: Option<(&StoryId, usize)> = None;
                for story in stories {
                    let n = story
                        .articles
                        .iter()
                        .filter(|a| came_from.get(a.as_str()) == Some(old))
                        .count();
                    if n > best.map_or(0, |b| b.1) {
                        best = Some((&story.id, n));
                    }
                }
                if let Some((to, _)) = best {
                    exec(
                        conn,
                        "INSERT INTO story_aliases (old_id, new_id, merged_at) VALUES (?1, ?2, ?3) \
                         ON CONFLICT (old_id) DO UPDATE SET new_id = excluded.new_id, \
                         merged_at = excluded.merged_at",
                        params![old, to.0, fmt_time(&Utc::now())],
                    )?;
                }
            }
            // A story written under an id that was an alias is a story again.
            for story in stories {
                exec(
                    conn,
                    "DELETE FROM story_aliases WHERE old_id = ?1",
                    &[&story.id.0],
                )?;
            }
            Ok(())
        })
    }

    fn article(&self, id: &ArticleId) -> Result<Option<Article>> {
        self.read(|conn| {
            query_opt(
                conn,
                &format!("SELECT {ARTICLE_COLUMNS} FROM articles a WHERE a.id = ?1"),
                &[&id.0],
                article_from_row,
            )
        })
    }

    fn story_articles(&self, id: &StoryId) -> Result<Vec<Article>> {
        self.read(|conn| {
            query_vec(
                conn,
                &format!(
                    "SELECT {ARTICLE_COLUMNS} FROM story_articles sa \
                     JOIN articles a ON a.id = sa.article_id \
                     WHERE sa.story_id = ?1 ORDER BY sa.position"
                ),
                &[&id.0],
                article_from_row,
            )
        })
    }

    fn story(&self, id: &StoryId) -> Result<Option<Story>> {
        self.read(|conn| {
            let articles = article_ids(conn, &id.0)?;
            query_opt(
                conn,
                &format!("SELECT {STORY_COLUMNS} FROM stories WHERE id = ?1"),
                &[&id.0],
                |r| story_from_row(r, articles),
            )
        })
    }

    fn stories(&self, limit: usize, offset: usize) -> Result<Vec<Story>> {
        self.read(|conn| {
            query_vec(
                conn,
                &format!(
                    "SELECT {STORY_COLUMNS} FROM stories ORDER BY last_updated DESC, id \
                     LIMIT ?1 OFFSET ?2"
                ),
                &[&sql_int(limit), &sql_int(offset)],
                |r| story_from_row(r, article_ids(conn, &text(r, 0)?)?),
            )
        })
    }

    fn listed_stories(&self, limit: usize, offset: usize) -> Result<Vec<ListedStory>> {
        self.read(|conn| {
            query_vec(
                conn,
                "SELECT s.id, s.title, s.summary, s.coverage, s.first_seen, s.last_updated, \
                 d.independent_reports AS reports, \
                 d.story_updated >= s.last_updated AS current \
                 FROM stories s LEFT JOIN story_digests d ON d.story_id = s.id \
                 ORDER BY s.last_updated DESC, s.id LIMIT ?1 OFFSET ?2",
                &[&sql_int(limit), &sql_int(offset)],
                |r| {
                    let story = story_from_row(r, article_ids(conn, &text(r, 0)?)?)?;
                    let current: Option<bool> = r.get("current").map_err(backend)?;
                    let reports: Option<i64> = r.get("reports").map_err(backend)?;
                    let independent_reports = match (current, reports) {
                        (Some(true), Some(n)) => Some(usize::try_from(n).map_err(|_| {
                            Error::DataCorruption(format!(
                                "story {}: independent reports {n}",
                                story.id
                            ))
                        })?),
                        _ => None,
                    };
                    Ok(ListedStory {
                        story,
                        independent_reports,
                    })
                },
            )
        })
    }

    fn recent_articles(&self, since: DateTime<Utc>) -> Result<Vec<StoryRecord>> {
        self.read(|conn| {
            query_vec(
                conn,
                &format!(
                    "SELECT {ARTICLE_COLUMNS} FROM articles a WHERE a.fetched_at >= ?1 \
                     ORDER BY a.seq"
                ),
                &[&fmt_time(&since)],
                |r| {
                    Ok(StoryRecord {
                        article: article_from_row(r)?,
                        story: article_story_from_row(r)?,
                    })
                },
            )
        })
    }

    fn counts(&self) -> Result<StoreCounts> {
        self.read(|conn| {
            let row = query_opt(
                conn,
                "SELECT (SELECT count(*) FROM sources), (SELECT count(*) FROM articles), \
                 (SELECT count(*) FROM stories)",
                &[],
                |r| {
                    let n = |i| r.get::<_, i64>(i).map_err(backend);
                    Ok(StoreCounts {
                        sources: count(n(0)?, "sources")?,
                        articles: count(n(1)?, "articles")?,
                        stories: count(n(2)?, "stories")?,
                    })
                },
            )?;
            row.ok_or_else(|| Error::Backend("count query returned no row".to_string()))
        })
    }

    fn search_stories(&self, query: &SearchQuery) -> Result<SearchResults> {
        if query.limit == 0 {
            return Ok(SearchResults::default());
        }
        self.read(|conn| search::search_stories(conn, query))
    }

    fn article_by_url(&self, url: &str) -> Result<Option<ArticleId>> {
        self.read(|conn| {
            query_opt(conn, ARTICLE_BY_URL, &[&url], |r| {
                Ok(ArticleId(text(r, 0)?))
            })
        })
    }

    fn story_alias(&self, id: &StoryId) -> Result<Option<StoryId>> {
        self.read(|conn| {
            // Follow merges of merges, a few steps at most, to a story that exists.
            let mut at = id.0.clone();
            for _ in 0..8 {
                let Some(next) = query_opt(
                    conn,
                    "SELECT new_id FROM story_aliases WHERE old_id = ?1",
                    &[&at],
                    |r| text(r, 0),
                )?
                else {
                    return Ok(None);
                };
                let exists = query_opt(
                    conn,
                    "SELECT 1 FROM stories WHERE id = ?1",
                    &[&next],
                    |_| Ok(()),
                )?
                .is_some();
                if exists {
                    return Ok(Some(StoryId(next)));
                }
                at = next;
            }
            Ok(None)
        })
    }
}

impl ProblemStore for SqliteStore {
    fn record_problem(&self, origin: &str, message: &str) -> Result<()> {
        let now = fmt_time(&Utc::now());
        self.write(|conn| {
            exec(
                conn,
                "INSERT INTO problems (time, origin, message) VALUES (?1, ?2, ?3)",
                params![now, origin, message],
            )?;
            Ok(())
        })
    }

    fn problems(&self, limit: usize) -> Result<Vec<Problem>> {
        self.read(|conn| {
            query_vec(
                conn,
                "SELECT time, origin, message FROM problems ORDER BY time DESC, id DESC LIMIT ?1",
                &[&sql_int(limit)],
                |r| {
                    Ok(Problem {
                        at: parse_time(&text(r, 0)?, "problem time")?,
                        origin: text(r, 1)?,
                        message: text(r, 2)?,
                    })
                },
            )
        })
    }
}

impl FeedStore for SqliteStore {
    fn feed_states(&self) -> Result<Vec<FeedState>> {
        self.read(|conn| {
            query_vec(
                conn,
                &format!("SELECT {FEED_COLUMNS} FROM feeds ORDER BY url"),
                &[],
                feed_from_row,
            )
        })
    }

    fn save_feed_state(&self, f: &FeedState) -> Result<()> {
        let what = |field: &str| format!("feed {}: {field}", f.url);
        let interval = codec::unsigned_int(f.interval_secs, &what("interval_secs"))?;
        let warnings = to_json(&f.warnings)?;
        self.write(|conn| {
            exec(
                conn,
                "INSERT OR REPLACE INTO feeds (url, source_id, etag, last_modified, last_polled, \
                 last_success, last_error, warnings, consecutive_failures, interval_secs, \
                 next_poll, last_new_entries) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
                params![
                    f.url,
                    f.source.0,
                    f.etag,
                    f.last_modified,
                    f.last_polled.as_ref().map(fmt_time),
                    f.last_success.as_ref().map(fmt_time),
                    f.last_error,
                    warnings,
                    f.consecutive_failures,
                    interval,
                    fmt_time(&f.next_poll),
                    f.last_new_entries,
                ],
            )?;
            Ok(())
        })
    }
}

impl TranslationStore for SqliteStore {
    fn translations(
        &self,
        text_hashes: &[String],
        target_language: &str,
    ) -> Result<Vec<Translation>> {
        if text_hashes.is_empty() {
            return Ok(Vec::new());
        }
        // The hashes go in as one JSON array: one cached statement whatever their number.
        let hashes = to_json(text_hashes)?;
        self.read(|conn| {
            query_vec(
                conn,
                "SELECT text_hash, source_language, target_language, backend, model, translation, \
                 translated_at FROM translations \
                 WHERE text_hash IN (SELECT value FROM json_each(?1)) AND target_language = ?2 \
                 ORDER BY text_hash, translated_at DESC, source_language, backend",
                &[&hashes, &target_language],
                |r| {
                    Ok(Translation {
                        text_hash: text(r, 0)?,
                        source_language: text(r, 1)?,
                        target_language: text(r, 2)?,
                        backend: text(r, 3)?,
                        model: r.get(4).map_err(backend)?,
                        text: text(r, 5)?,
                        translated_at: parse_time(&text(r, 6)?, "translation time")?,
                    })
                },
            )
        })
    }

    fn save_translations(&self, translations: &[Translation]) -> Result<()> {
        if translations.is_empty() {
            return Ok(());
        }
        self.write(|conn| {
            for t in translations {
                exec(
                    conn,
                    "INSERT INTO translations (text_hash, source_language, target_language, \
                     backend, model, translation, translated_at) \
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) \
                     ON CONFLICT (text_hash, source_language, target_language, backend) \
                     DO UPDATE SET model = excluded.model, translation = excluded.translation, \
                     translated_at = excluded.translated_at",
                    params![
                        t.text_hash,
                        t.source_language,
                        t.target_language,
                        t.backend,
                        t.model,
                        t.text,
                        fmt_time(&t.translated_at),
                    ],
                )?;
            }
            Ok(())
        })
    }
}

impl EmbeddingStore for SqliteStore {
    fn commit_article_embedded(
        &self,
        article: &Article,
        story: &Story,
        embedding: Option<&ArticleEmbedding>,
    ) -> Result<ArticleInsert> {
        self.write(|conn| {
            let done = commit_in(conn, article, story)?;
            if let (ArticleInsert::Inserted, Some(e)) = (&done, embedding) {
                if e.article != article.id {
                    return Err(Error::Invalid(format!(
                        "the embedding of article {} was committed with article {}",
                        e.article, article.id
                    )));
                }
                insert_embedding(conn, e)?;
            }
            Ok(done)
        })
    }

    fn put_embeddings(&self, embeddings: &[ArticleEmbedding]) -> Result<()> {
        if embeddings.is_empty() {
            return Ok(());
        }
        self.write(|conn| {
            for e in embeddings {
                insert_embedding(conn, e)?;
            }
            Ok(())
        })
    }

    fn embeddings(&self, model: &str, ids: &[ArticleId]) -> Result<Vec<ArticleEmbedding>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        // The ids go in as one JSON array: one cached statement whatever their number.
        let ids: Vec<&str> = ids.iter().map(ArticleId::as_str).collect();
        let ids = to_json(&ids)?;
        self.read(|conn| {
            query_vec(
                conn,
                &format!(
                    "SELECT {EMBEDDING_COLUMNS} FROM json_each(?1) j \
                     JOIN embeddings e ON e.article_id = j.value AND e.model = ?2 \
                     ORDER BY j.key"
                ),
                &[&ids, &model],
                embedding_from_row,
            )
        })
    }

    fn recent_embeddings(
        &self,
        model: &str,
        since: DateTime<Utc>,
    ) -> Result<Vec<ArticleEmbedding>> {
        self.read(|conn| {
            query_vec(
                conn,
                &format!(
                    "SELECT {EMBEDDING_COLUMNS} FROM articles a \
                     JOIN embeddings e ON e.article_id = a.id AND e.model = ?2 \
                     WHERE a.fetched_at >= ?1 ORDER BY a.seq"
                ),
                &[&fmt_time(&since), &model],
                embedding_from_row,
            )
        })
    }

    fn embedding_counts(&self) -> Result<Vec<ModelVectors>> {
        self.read(|conn| {
            query_vec(
                conn,
                "SELECT model, count(*) FROM embeddings GROUP BY model ORDER BY model",
                &[],
                |r| {
                    let model = text(r, 0)?;
                    let vectors = count(r.get(1).map_err(backend)?, &model)?;
                    Ok(ModelVectors { model, vectors })
                },
            )
        })
    }
}

impl DigestStore for SqliteStore {
    fn stale_digests(&self, limit: usize) -> Result<Vec<StoryId>> {
        self.read(|conn| {
            query_vec(
                conn,
                "SELECT s.id FROM stories s LEFT JOIN story_digests d ON d.story_id = s.id \
                 WHERE d.story_id IS NULL OR d.story_updated < s.last_updated \
                 OR d.version < ?2 \
                 ORDER BY s.last_updated DESC, s.id LIMIT ?1",
                params![sql_int(limit), parallax_core::DIGEST_VERSION],
                |r| Ok(StoryId(text(r, 0)?)),
            )
        })
    }

    fn save_digest(&self, d: &StoryDigest) -> Result<()> {
        let json = to_json(d)?;
        let updated = fmt_time(&d.story_updated);
        self.write(|conn| {
            let exists = query_opt(
                conn,
                "SELECT 1 FROM stories WHERE id = ?1",
                &[&d.story.0],
                |_| Ok(()),
            )?
            .is_some();
            let newer = query_opt(
                conn,
                "SELECT 1 FROM story_digests WHERE story_id = ?1 AND story_updated > ?2",
                &[&d.story.0, &updated],
                |_| Ok(()),
            )?
            .is_some();
            if !exists || newer {
                return Ok(());
            }
            exec(
                conn,
                "INSERT INTO story_digests (story_id, story_updated, articles, \
                 independent_reports, digest, version) VALUES (?1, ?2, ?3, ?4, ?5, ?6) \
                 ON CONFLICT (story_id) DO UPDATE SET story_updated = excluded.story_updated, \
                 articles = excluded.articles, independent_reports = excluded.independent_reports, \
                 digest = excluded.digest, version = excluded.version",
                params![
                    d.story.0,
                    updated,
                    sql_int(d.articles),
                    sql_int(d.independent_reports),
                    json,
                    d.version
                ],
            )?;
            exec(
                conn,
                "DELETE FROM story_entities WHERE story_id = ?1",
                &[&d.story.0],
            )?;
            // Each key once, as its first entity names it.
            let mut keys: BTreeSet<&str> = BTreeSet::new();
            for e in &d.entities {
                if e.key.is_empty() || !keys.insert(e.key.as_str()) {
                    continue;
                }
                exec(
                    conn,
                    "INSERT INTO story_entities (entity_key, story_id, story_updated, entity) \
                     VALUES (?1, ?2, ?3, ?4)",
                    params![e.key, d.story.0, updated, to_json(e)?],
                )?;
            }
            Ok(())
        })
    }

    fn digest(&self, story: &StoryId) -> Result<Option<StoryDigest>> {
        self.read(|conn| {
            query_opt(
                conn,
                "SELECT digest FROM story_digests WHERE story_id = ?1",
                &[&story.0],
                |r| from_json(&text(r, 0)?, &format!("digest of story {story}")),
            )
        })
    }

    fn digested_stories(&self, limit: usize, offset: usize) -> Result<Vec<DigestedStory>> {
        self.read(|conn| {
            query_vec(
                conn,
                // Gists and ledger are most of a digest's text: SQLite's JSON parser drops
                // them faster than serde would decode them.
                "SELECT s.id, s.title, s.last_updated, \
                 json_remove(d.digest, '$.gists', '$.ledger') FROM stories s \
                 JOIN story_digests d ON d.story_id = s.id \
                 ORDER BY s.last_updated DESC, s.id LIMIT ?1 OFFSET ?2",
                &[&sql_int(limit), &sql_int(offset)],
                digested_from_row,
            )
        })
    }

    fn entity_stories(&self, key: &str, limit: usize) -> Result<Vec<EntityStory>> {
        const SELECT: &str = "SELECT s.id, s.title, s.last_updated, e.entity \
             FROM story_entities e JOIN stories s ON s.id = e.story_id";
        self.read(|conn| {
            let mut rows = query_vec(
                conn,
                &format!(
                    "{SELECT} WHERE e.entity_key = ?1 AND e.entity <> '' \
                     ORDER BY e.story_updated DESC, e.story_id LIMIT ?2"
                ),
                &[&key, &sql_int(limit)],
                entity_story_from_row,
            )?;
            if rows.is_empty() && !key.is_empty() {
                // A surname alone: the longer names ending with it (a scan of the index).
                let pattern = format!(
                    "%-{}",
                    key.replace('\\', "\\\\")
                        .replace('%', "\\%")
                        .replace('_', "\\_")
                );
                rows = query_vec(
                    conn,
                    &format!(
                        // The keys first (one scan of the index's keys), then their stories in
                        // index order: joining before filtering took a second at 95,000 rows.
                        "{SELECT} WHERE e.entity_key IN (SELECT DISTINCT entity_key \
                         FROM story_entities WHERE entity_key LIKE ?1 ESCAPE '\\') \
                         AND e.entity <> '' ORDER BY e.story_updated DESC, e.story_id LIMIT ?2"
                    ),
                    &[&pattern, &sql_int(limit)],
                    entity_story_from_row,
                )?;
            }
            Ok(rows)
        })
    }
}

impl SourceStore for SqliteStore {
    fn upsert_source(&self, s: &Source) -> Result<()> {
        self.write(|conn| upsert_source(conn, s))
    }

    fn source(&self, id: &SourceId) -> Result<Option<Source>> {
        self.read(|conn| {
            query_opt(
                conn,
                &format!("SELECT {SOURCE_COLUMNS} FROM sources WHERE id = ?1"),
                &[&id.0],
                source_from_row,
            )
        })
    }

    fn sources(&self) -> Result<Vec<Source>> {
        self.read(|conn| {
            query_vec(
                conn,
                &format!("SELECT {SOURCE_COLUMNS} FROM sources ORDER BY name, id"),
                &[],
                source_from_row,
            )
        })
    }

    fn source_article_counts(&self, since: DateTime<Utc>) -> Result<Vec<SourceArticles>> {
        self.read(|conn| {
            query_vec(
                conn,
                "SELECT source_id, sum(articles) FROM source_days WHERE day >= ?1 \
                 GROUP BY source_id HAVING sum(articles) > 0 ORDER BY source_id",
                &[&day_of(&since)],
                |r| {
                    let id = text(r, 0)?;
                    let articles = count(r.get(1).map_err(backend)?, &id)?;
                    Ok(SourceArticles {
                        source: SourceId(id),
                        articles,
                    })
                },
            )
        })
    }

    fn attributions(&self) -> Result<Vec<ArticleAttribution>> {
        self.read(|conn| {
            query_vec(
                conn,
                "SELECT id, story_id, source_id, url, canonical_url, attribution FROM articles \
                 ORDER BY seq",
                &[],
                |r| {
                    let id = text(r, 0)?;
                    let story: Option<String> = r.get(1).map_err(backend)?;
                    let attribution: Option<String> = r.get(5).map_err(backend)?;
                    Ok(ArticleAttribution {
                        story: StoryId(story.ok_or_else(|| {
                            Error::DataCorruption(format!("article {id} belongs to no story"))
                        })?),
                        source: SourceId(text(r, 2)?),
                        url: r.get(3).map_err(backend)?,
                        canonical_url: r.get(4).map_err(backend)?,
                        attribution: match attribution {
                            Some(j) => from_json(&j, &format!("article {id}: attribution"))?,
                            None => Attribution::default(),
                        },
                        article: ArticleId(id),
                    })
                },
            )
        })
    }

    fn reattribute(&self, change: &Reattribution) -> Result<()> {
        self.write(|conn| {
            for s in &change.sources {
                upsert_source(conn, s)?;
            }
            for a in &change.articles {
                let attribution = if a.attribution == Attribution::default() {
                    None
                } else {
                    Some(to_json(&a.attribution)?)
                };
                let n = exec(
                    conn,
                    "UPDATE articles SET source_id = ?2, attribution = ?3 WHERE id = ?1",
                    params![a.article.0, a.source.0, attribution],
                )?;
                if n == 0 {
                    return Err(Error::Invalid(format!(
                        "article {} is not stored: it cannot be attributed again",
                        a.article
                    )));
                }
            }
            for story in &change.stories {
                let n = exec(
                    conn,
                    "UPDATE stories SET title = ?2, summary = ?3, coverage = ?4 WHERE id = ?1",
                    params![
                        story.id.0,
                        story.title,
                        to_json(&story.summary)?,
                        codec::coverage_json(&story.coverage)?
                    ],
                )?;
                if n == 0 {
                    return Err(Error::Invalid(format!(
                        "story {} is not stored: it cannot be analysed again",
                        story.id
                    )));
                }
                // Its digest counted outlets per country and rating as they were: the digest
                // pass makes it again.
                exec(
                    conn,
                    "DELETE FROM story_digests WHERE story_id = ?1",
                    &[&story.id.0],
                )?;
            }
            if let Some((key, value)) = &change.setting {
                exec(
                    conn,
                    "INSERT INTO settings (key, value) VALUES (?1, ?2) \
                     ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                    params![key, value],
                )?;
            }
            Ok(())
        })
    }

    fn replace_ratings(
        &self,
        provider: &str,
        kind: RatingKind,
        ratings: &[ProvidedRating],
    ) -> Result<()> {
        if let Some(r) = ratings
            .iter()
            .find(|r| r.provider != provider || r.kind != kind)
        {
            return Err(Error::Invalid(format!(
                "a {} rating of {} by {} was given with the {} ratings of {provider}",
                r.kind.label(),
                r.domain,
                r.provider,
                kind.label()
            )));
        }
        let now = fmt_time(&Utc::now());
        self.write(|conn| {
            exec(
                conn,
                "DELETE FROM ratings WHERE provider = ?1 AND kind = ?2",
                params![provider, kind.label()],
            )?;
            for r in ratings {
                exec(
                    conn,
                    "INSERT INTO ratings (provider, kind, domain, value, score, date, licence, \
                     estimate, imported_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) \
                     ON CONFLICT (provider, kind, domain) DO UPDATE SET value = excluded.value, \
                     score = excluded.score, date = excluded.date, licence = excluded.licence, \
                     estimate = excluded.estimate, imported_at = excluded.imported_at",
                    params![
                        provider,
                        kind.label(),
                        r.domain,
                        r.value,
                        r.score.filter(|s| s.is_finite()),
                        r.date,
                        r.licence,
                        r.estimate,
                        now
                    ],
                )?;
            }
            Ok(())
        })
    }

    fn ratings(&self) -> Result<Vec<ProvidedRating>> {
        self.read(|conn| {
            query_vec(
                conn,
                "SELECT provider, kind, domain, value, score, date, licence, estimate \
                 FROM ratings ORDER BY provider, kind, domain",
                &[],
                |r| {
                    let kind = text(r, 1)?;
                    Ok(ProvidedRating {
                        provider: text(r, 0)?,
                        kind: match kind.as_str() {
                            "bias" => RatingKind::Bias,
                            "reliability" => RatingKind::Reliability,
                            other => {
                                return Err(Error::DataCorruption(format!(
                                    "rating kind {other:?} is not known"
                                )));
                            }
                        },
                        domain: text(r, 2)?,
                        value: text(r, 3)?,
                        score: r.get(4).map_err(backend)?,
                        date: r.get(5).map_err(backend)?,
                        licence: r.get(6).map_err(backend)?,
                        estimate: r.get(7).map_err(backend)?,
                    })
                },
            )
        })
    }

    fn setting(&self, key: &str) -> Result<Option<String>> {
        self.read(|conn| {
            query_opt(
                conn,
                "SELECT value FROM settings WHERE key = ?1",
                &[&key],
                |r| text(r, 0),
            )
        })
    }

    fn source_stories(&self, source: &SourceId, limit: usize) -> Result<Vec<Story>> {
        let ids: Vec<StoryId> = self.read(|conn| {
            query_vec(
                conn,
                "SELECT s.id FROM stories s WHERE s.id IN \
                 (SELECT story_id FROM articles WHERE source_id = ?1 AND story_id IS NOT NULL) \
                 ORDER BY s.last_updated DESC, s.id LIMIT ?2",
                params![source.0, sql_int(limit)],
                |r| Ok(StoryId(text(r, 0)?)),
            )
        })?;
        let mut out = Vec::with_capacity(ids.len());
        for id in ids {
            if let Some(s) = self.story(&id)? {
                out.push(s);
            }
        }
        Ok(out)
    }

    fn country_volumes(&self, since: DateTime<Utc>) -> Result<Vec<CountryVolume>> {
        self.read(|conn| {
            query_vec(
                conn,
                // Counted per outlet from the (fetched_at, source_id) index alone, then per
                // country: the sources table is read once per outlet, not once per article.
                "SELECT upper(trim(s.country)) AS c, sum(a.n), count(*) \
                 FROM (SELECT source_id, sum(articles) AS n FROM source_days WHERE day >= ?1 \
                       GROUP BY source_id HAVING sum(articles) > 0) a \
                 JOIN sources s ON s.id = a.source_id \
                 WHERE trim(coalesce(s.country, '')) <> '' \
                 AND coalesce(json_extract(s.facts, '$.provenance.country_basis'), '') \
                     <> 'inferred_from_coverage' \
                 GROUP BY c ORDER BY 2 DESC, c",
                &[&day_of(&since)],
                |r| {
                    let country = text(r, 0)?;
                    Ok(CountryVolume {
                        articles: count(r.get(1).map_err(backend)?, &country)?,
                        outlets: count(r.get(2).map_err(backend)?, &country)?,
                        country,
                    })
                },
            )
        })
    }
}

/// A story with its digest: `id, title, last_updated, digest`.
fn digested_from_row(r: &Row<'_>) -> Result<DigestedStory> {
    let story = StoryId(text(r, 0)?);
    let digest: StoryDigest = from_json(&text(r, 3)?, &format!("digest of story {story}"))?;
    Ok(DigestedStory {
        title: text(r, 1)?,
        last_updated: parse_time(&text(r, 2)?, "story last_updated")?,
        digest,
        story,
    })
}

fn entity_story_from_row(r: &Row<'_>) -> Result<EntityStory> {
    let story = StoryId(text(r, 0)?);
    let entity = from_json(&text(r, 3)?, &format!("entity of story {story}"))?;
    Ok(EntityStory {
        title: text(r, 1)?,
        last_updated: parse_time(&text(r, 2)?, "story last_updated")?,
        entity,
        story,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use parallax_core::{Coverage, content_hash};

    /// What the store should hold: sources, articles, stories.
    fn stored(sources: usize, articles: usize, stories: usize) -> StoreCounts {
        StoreCounts {
            sources,
            articles,
            stories,
        }
    }

    fn t0() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2025, 7, 3, 12, 0, 0).unwrap()
    }

    fn article(key: &str, source: &str) -> Article {
        let url = format!("https://{source}/{key}");
        Article {
            section: None,
            id: ArticleId::from_key(&url),
            source: SourceId::from_key(source),
            url: Some(format!("{url}?utm_source=x")),
            canonical_url: Some(url),
            title: format!("Title {key}"),
            byline: None,
            published: None,
            language: Some("en".into()),
            paragraphs: vec![format!("Body of {key}.")],
            content_hash: content_hash(key),
            fetched_at: t0(),
            origin: format!("/in/{key}.html"),
            warnings: vec![],
            excerpts: Vec::new(),
            attribution: Default::default(),
        }
    }

    fn story(id: &str, members: &[&Article]) -> Story {
        Story {
            id: StoryId::from(id),
            title: format!("Story {id}"),
            summary: vec![],
            coverage: Coverage::default(),
            articles: members.iter().map(|a| a.id.clone()).collect(),
            first_seen: t0(),
            last_updated: t0(),
        }
    }

    /// A file written by the version 1 code (every call it had) opens with the current code,
    /// migrated, with all its data, and takes the calls that came later.
    #[test]
    fn a_version_1_file_migrates_without_losing_data() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("v1.db");
        let a = article("a", "example.com");
        let b = article("b", "example.org");
        let source = Source {
            id: SourceId::from_key("example.com"),
            name: "Example".into(),
            home_page: Some("https://example.com/".into()),
            country: Some("US".into()),
            languages: vec!["en".into()],
            owner: None,
            ownership: None,
            bias: None,
            factuality: None,
            feeds: vec!["https://example.com/feed".into()],
            ..Source::named("Example")
        };
        {
            let v1 = SqliteStore::open_at_version(&path, 1).unwrap();
            assert_eq!(v1.schema_version().unwrap(), 1);
            v1.upsert_source(&source).unwrap();
            v1.commit_article(&a, &story("sto-a", &[&a])).unwrap();
            v1.commit_article(&b, &story("sto-a", &[&a, &b])).unwrap();
            v1.record_problem("/in/bad.html", "refused").unwrap();
            let c = v1.lock();
            let feeds: i64 = c
                .query_row(
                    "SELECT count(*) FROM sqlite_schema WHERE name = 'feeds'",
                    [],
                    |r| r.get(0),
                )
                .unwrap();
            assert_eq!(feeds, 0, "version 1 has no feeds table");
        }

        let store = SqliteStore::open(&path).unwrap();
        assert_eq!(store.schema_version().unwrap(), SCHEMA_VERSION);
        assert_eq!(SCHEMA_VERSION, 13);
        assert_eq!(store.counts().unwrap(), stored(1, 2, 1));
        assert_eq!(store.source(&source.id).unwrap(), Some(source));
        assert_eq!(store.article(&a.id).unwrap(), Some(a.clone()));
        assert_eq!(
            store
                .story(&StoryId::from("sto-a"))
                .unwrap()
                .unwrap()
                .articles,
            vec![a.id.clone(), b.id.clone()]
        );
        assert_eq!(store.problems(10).unwrap().len(), 1);
        assert_eq!(store.search("Body", 10).unwrap().len(), 2);
        let logged: Vec<u32> = query_vec(
            &store.lock(),
            "SELECT version FROM schema_migrations ORDER BY version",
            &[],
            |r| r.get(0).map_err(backend),
        )
        .unwrap();
        assert_eq!(logged, vec![1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13]);

        // The new calls work on the migrated file, on the old rows.
        assert_eq!(
            store.article_by_url(a.url.as_deref().unwrap()).unwrap(),
            Some(a.id.clone())
        );
        assert_eq!(
            store.source_article_counts(t0()).unwrap(),
            vec![
                SourceArticles {
                    source: a.source.clone(),
                    articles: 1
                },
                SourceArticles {
                    source: b.source.clone(),
                    articles: 1
                }
            ]
        );
        let feed = FeedState::new("https://example.com/feed", a.source.clone(), 900, t0());
        store.save_feed_state(&feed).unwrap();
        assert_eq!(store.feed_states().unwrap(), vec![feed]);
        let translation = Translation {
            text_hash: Translation::hash_of(&a.title),
            source_language: "en".into(),
            target_language: "de".into(),
            backend: "libretranslate".into(),
            model: None,
            text: "Titel a".into(),
            translated_at: t0(),
        };
        store
            .save_translations(std::slice::from_ref(&translation))
            .unwrap();
        drop(store);
        let again = SqliteStore::open(&path).unwrap();
        assert_eq!(again.counts().unwrap(), stored(1, 2, 1));
        assert_eq!(again.feed_states().unwrap().len(), 1);
        assert_eq!(
            again
                .translations(std::slice::from_ref(&translation.text_hash), "de")
                .unwrap(),
            vec![translation]
        );
    }

    /// A file at version 2 (crawler tables, no translation cache) gains the cache and keeps
    /// everything else.
    #[test]
    fn a_version_2_file_gains_the_translation_cache() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("v2.db");
        let a = article("a", "example.com");
        {
            let v2 = SqliteStore::open_at_version(&path, 2).unwrap();
            v2.commit_article(&a, &story("sto-a", &[&a])).unwrap();
            let c = v2.lock();
            let n: i64 = c
                .query_row(
                    "SELECT count(*) FROM sqlite_schema WHERE name = 'translations'",
                    [],
                    |r| r.get(0),
                )
                .unwrap();
            assert_eq!(n, 0, "version 2 has no translation cache");
        }
        let store = SqliteStore::open(&path).unwrap();
        assert_eq!(store.schema_version().unwrap(), SCHEMA_VERSION);
        assert_eq!(store.article(&a.id).unwrap(), Some(a.clone()));
        assert!(
            store
                .translations(&[Translation::hash_of(&a.title)], "en")
                .unwrap()
                .is_empty()
        );
    }

    /// A version 4 file gains excerpts and digests; its articles read back with no excerpts.
    #[test]
    fn a_version_4_file_gains_excerpts_and_digests() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("v4.db");
        let a = article("a", "example.com");
        {
            let v4 = SqliteStore::open_at_version(&path, 4).unwrap();
            v4.commit_article(&a, &story("sto-a", &[&a])).unwrap();
        }
        let store = SqliteStore::open(&path).unwrap();
        assert_eq!(store.schema_version().unwrap(), SCHEMA_VERSION);
        assert_eq!(store.article(&a.id).unwrap(), Some(a.clone()));
        let mut b = article("b", "example.com");
        b.excerpts = vec![parallax_core::Excerpt {
            title: "Quoted title".into(),
            text: "Quoted lead of another outlet's article.".into(),
        }];
        store.commit_article(&b, &story("sto-b", &[&b])).unwrap();
        assert_eq!(store.article(&b.id).unwrap(), Some(b));
    }

    /// A version 6 file gains the trigram index, filled with the articles it holds: a Chinese
    /// word inside a sentence is found in them and in articles stored after.
    #[test]
    fn a_version_6_file_gains_the_trigram_index() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("v6.db");
        let mut a = article("a", "example.com");
        a.paragraphs = vec!["国家主席习近平今天会见了代表团。".into()];
        {
            let v6 = SqliteStore::open_at_version(&path, 6).unwrap();
            v6.commit_article(&a, &story("sto-a", &[&a])).unwrap();
        }
        let store = SqliteStore::open(&path).unwrap();
        let query = parallax_core::SearchQuery {
            text: "习近平".into(),
            limit: 10,
            ..Default::default()
        };
        let found = store.search_stories(&query).unwrap();
        assert_eq!(found.stories.len(), 1);
        assert_eq!(found.stories[0].articles[0].id, a.id);
        let mut b = article("b", "example.com");
        b.paragraphs = vec!["习近平在北京。".into()];
        store.commit_article(&b, &story("sto-b", &[&b])).unwrap();
        assert_eq!(store.search_stories(&query).unwrap().total, 2);
    }

    /// Articles in Chinese (and other scripts written without spaces) are searched in their whole
    /// text, those stored before version 13 too; other articles in their first paragraph.
    #[test]
    fn chinese_articles_are_searched_in_their_whole_text() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("v12.db");
        let zh = |key: &str, lang: Option<&str>| {
            let mut a = article(key, "example.com");
            a.language = lang.map(str::to_string);
            a.title = "新闻".into();
            a.paragraphs = vec![
                "第一段。".into(),
                "第二段。".into(),
                format!("国家主席习近平今天会见了代表团{key}。"),
            ];
            a
        };
        let old = zh("old", Some("zh"));
        {
            let v12 = SqliteStore::open_at_version(&path, 12).unwrap();
            v12.commit_article(&old, &story("sto-old", &[&old]))
                .unwrap();
        }
        let store = SqliteStore::open(&path).unwrap();
        let new = zh("new", None);
        store
            .commit_article(&new, &story("sto-new", &[&new]))
            .unwrap();
        let mut english = zh("en", Some("en"));
        english.title = "News".into();
        store
            .commit_article(&english, &story("sto-en", &[&english]))
            .unwrap();
        let query = parallax_core::SearchQuery {
            text: "习近平".into(),
            limit: 10,
            ..Default::default()
        };
        let mut ids: Vec<String> = store
            .search_stories(&query)
            .unwrap()
            .stories
            .into_iter()
            .map(|s| s.id.0)
            .collect();
        ids.sort();
        assert_eq!(ids, ["sto-new", "sto-old"]);
    }

    /// A version 9 file's entity index gains each row's entity, read from the digests: an
    /// entity's stories come back with the entity as their story names it.
    #[test]
    fn a_version_9_file_gains_the_entities_of_its_index() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("v9.db");
        let a = article("a", "example.com");
        let s = story("sto-a", &[&a]);
        let mut d = digest_of(&s, "ivan-petrov", 1);
        d.entities[0].name = "Ivan Petrov".into();
        d.entities[0].mentions = 3;
        {
            let v9 = SqliteStore::open_at_version(&path, 9).unwrap();
            v9.commit_article(&a, &s).unwrap();
            // A version 9 writer: the digest and its index rows without the entity column.
            let json = to_json(&d).unwrap();
            v9.write(|conn| {
                exec(
                    conn,
                    "INSERT INTO story_digests (story_id, story_updated, articles, \
                     independent_reports, digest, version) VALUES (?1, ?2, 1, 1, ?3, ?4)",
                    params![s.id.0, fmt_time(&s.last_updated), json, d.version],
                )?;
                exec(
                    conn,
                    "INSERT INTO story_entities (entity_key, story_id, story_updated) \
                     VALUES ('ivan-petrov', ?1, ?2)",
                    params![s.id.0, fmt_time(&s.last_updated)],
                )
            })
            .unwrap();
        }
        let store = SqliteStore::open(&path).unwrap();
        let found = store.entity_stories("ivan-petrov", 10).unwrap();
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].entity, d.entities[0]);
        assert_eq!(store.entity_stories("petrov", 10).unwrap().len(), 1);
    }

    /// Reads on a file run on their own connections: a read made while another call holds the
    /// writer answers, and sees every write committed before it.
    #[test]
    fn reads_do_not_wait_for_the_writer() {
        let dir = tempfile::tempdir().unwrap();
        let store = SqliteStore::open(&dir.path().join("p.db")).unwrap();
        assert_eq!(store.readers.len(), READERS);
        let a = article("a", "example.com");
        store.commit_article(&a, &story("sto-a", &[&a])).unwrap();
        let writer = store.lock();
        for _ in 0..READERS * 2 {
            assert_eq!(store.article(&a.id).unwrap(), Some(a.clone()));
        }
        drop(writer);
        let b = article("b", "example.com");
        store.commit_article(&b, &story("sto-b", &[&b])).unwrap();
        assert_eq!(store.counts().unwrap().articles, 2);
        assert_eq!(store.article(&b.id).unwrap(), Some(b));
    }

    fn digest_of(story: &Story, key: &str, reports: usize) -> parallax_core::StoryDigest {
        parallax_core::StoryDigest {
            story: story.id.clone(),
            story_updated: story.last_updated,
            articles: story.articles.len(),
            independent_reports: reports,
            entities: vec![parallax_core::EntityRef {
                key: key.to_string(),
                name: key.to_string(),
                kind: "person".into(),
                variants: vec![key.to_string()],
                articles: 1,
                mentions: 1,
            }],
            countries: vec![],
            bias: vec![],
            gists: Vec::new(),
            ..parallax_core::StoryDigest::default()
        }
    }

    /// Digests follow their stories: stale when the story changes, replaced whole (entity index
    /// included), ignored when older than the stored one, gone with the story.
    #[test]
    fn digests_follow_their_stories() {
        let store = SqliteStore::open_in_memory().unwrap();
        let a = article("a", "one.example");
        let b = article("b", "two.example");
        let mut s1 = story("sto-1", &[&a]);
        store.commit_article(&a, &s1).unwrap();
        let s2 = story("sto-2", &[&b]);
        store.commit_article(&b, &s2).unwrap();
        let mut stale = store.stale_digests(10).unwrap();
        stale.sort();
        assert_eq!(stale, vec![s1.id.clone(), s2.id.clone()]);

        store
            .save_digest(&digest_of(&s1, "ivan-petrov", 1))
            .unwrap();
        store
            .save_digest(&digest_of(&s2, "ivan-petrov", 1))
            .unwrap();
        assert!(store.stale_digests(10).unwrap().is_empty());
        assert_eq!(store.entity_stories("ivan-petrov", 10).unwrap().len(), 2);
        // A surname alone finds the longer name.
        assert_eq!(store.entity_stories("petrov", 10).unwrap().len(), 2);
        assert!(store.entity_stories("petro", 10).unwrap().is_empty());
        assert!(store.entity_stories("%", 10).unwrap().is_empty());
        assert_eq!(store.digested_stories(10, 0).unwrap().len(), 2);

        // The story changes: its digest is stale until replaced; the new one replaces the
        // entity rows too.
        let c = article("c", "three.example");
        s1.articles.push(c.id.clone());
        s1.last_updated = t0() + chrono::Duration::hours(1);
        store.commit_article(&c, &s1).unwrap();
        assert_eq!(store.stale_digests(10).unwrap(), vec![s1.id.clone()]);
        let d = store.digested_stories(10, 0).unwrap();
        assert!(d.iter().any(|d| d.story == s1.id && !d.is_current()));
        store
            .save_digest(&digest_of(&s1, "anna-smirnova", 2))
            .unwrap();
        assert!(store.stale_digests(10).unwrap().is_empty());
        assert_eq!(store.entity_stories("ivan-petrov", 10).unwrap().len(), 1);
        assert_eq!(
            store.digest(&s1.id).unwrap().unwrap().independent_reports,
            2
        );
        // An older digest (made before the change, saved late) is ignored.
        let mut old = digest_of(&s1, "ivan-petrov", 1);
        old.story_updated = t0();
        store.save_digest(&old).unwrap();
        assert_eq!(
            store.digest(&s1.id).unwrap().unwrap().independent_reports,
            2
        );
        // A digest of a story that is not stored is ignored.
        let ghost = story("sto-ghost", &[]);
        store.save_digest(&digest_of(&ghost, "ghost", 1)).unwrap();
        assert!(store.digest(&ghost.id).unwrap().is_none());

        // Story 2's article moves to story 1: story 2 is gone, and so are its digest and rows.
        s1.articles.push(b.id.clone());
        s1.last_updated = t0() + chrono::Duration::hours(2);
        let d = article("d", "four.example");
        s1.articles.push(d.id.clone());
        store.commit_article(&d, &s1).unwrap();
        assert!(store.story(&s2.id).unwrap().is_none());
        assert!(store.digest(&s2.id).unwrap().is_none());
        assert!(store.entity_stories("ivan-petrov", 10).unwrap().is_empty());
    }

    /// A regrouping moves articles between stories in one transaction, deletes the stories left
    /// empty (with their digests), and refuses one that leaves a story it does not write with
    /// fewer articles.
    #[test]
    fn regroup_moves_articles_and_drops_empty_stories() {
        let store = SqliteStore::open_in_memory().unwrap();
        let a = article("a", "one.example");
        let b = article("b", "two.example");
        let c = article("c", "three.example");
        let s1 = story("sto-1", &[&a]);
        store.commit_article(&a, &s1).unwrap();
        let mut s2 = story("sto-2", &[&b]);
        store.commit_article(&b, &s2).unwrap();
        s2.articles.push(c.id.clone());
        store.commit_article(&c, &s2).unwrap();
        store
            .save_digest(&digest_of(&s2, "ivan-petrov", 2))
            .unwrap();

        // Taking c from story 2 without writing story 2 (which keeps b) is refused, and nothing
        // changes.
        let bad = story("sto-1", &[&a, &c]);
        assert!(matches!(
            store.regroup(std::slice::from_ref(&bad)),
            Err(Error::Invalid(_))
        ));
        assert_eq!(store.story(&s2.id).unwrap().unwrap().articles.len(), 2);
        // Listing an article twice is refused.
        assert!(
            store
                .regroup(&[story("sto-1", &[&a, &b]), story("sto-3", &[&b, &c])])
                .is_err()
        );

        // Story 1 takes b and c: story 2 is gone, with its digest.
        store.regroup(&[story("sto-1", &[&a, &b, &c])]).unwrap();
        let s1 = store.story(&s1.id).unwrap().unwrap();
        assert_eq!(s1.articles, vec![a.id.clone(), b.id.clone(), c.id.clone()]);
        assert!(store.story(&s2.id).unwrap().is_none());
        assert!(store.digest(&s2.id).unwrap().is_none());
        assert_eq!(store.counts().unwrap().stories, 1);
        // Its address leads to the story that took its articles.
        assert_eq!(store.story_alias(&s2.id).unwrap(), Some(s1.id.clone()));
        assert_eq!(store.story_alias(&s1.id).unwrap(), None);
        let members: Vec<ArticleId> = store
            .story_articles(&s1.id)
            .unwrap()
            .into_iter()
            .map(|x| x.id)
            .collect();
        assert_eq!(members, s1.articles);

        // A split: c goes to a new story, the rest stays.
        store
            .regroup(&[story("sto-1", &[&a, &b]), story("sto-4", &[&c])])
            .unwrap();
        assert_eq!(store.counts().unwrap().stories, 2);
        let recent = store.recent_articles(t0()).unwrap();
        let of_c = recent.iter().find(|r| r.article.id == c.id).unwrap();
        assert_eq!(of_c.story, StoryId::from("sto-4"));
    }

    /// The cache lookup goes through the primary key, not a scan of every translation.
    #[test]
    fn translation_lookup_is_indexed() {
        let store = SqliteStore::open_in_memory().unwrap();
        let plan: Vec<String> = query_vec(
            &store.lock(),
            "EXPLAIN QUERY PLAN SELECT translation FROM translations \
             WHERE text_hash IN (SELECT value FROM json_each(?1)) AND target_language = ?2",
            &[&"[\"x\"]", &"en"],
            |r| text(r, 3),
        )
        .unwrap();
        let plan = plan.join("\n");
        assert!(plan.contains("USING PRIMARY KEY"), "{plan}");
    }

    /// The URL lookup uses the indexes, not a scan of every article.
    #[test]
    fn article_by_url_is_indexed() {
        let store = SqliteStore::open_in_memory().unwrap();
        let plan: Vec<String> = query_vec(
            &store.lock(),
            &format!("EXPLAIN QUERY PLAN {ARTICLE_BY_URL}"),
            &[&"https://example.com/a"],
            |r| text(r, 3),
        )
        .unwrap();
        let plan = plan.join("\n");
        assert!(plan.contains("articles_by_url"), "{plan}");
        assert!(plan.contains("articles_by_canonical_url"), "{plan}");
        assert!(!plan.contains("SCAN articles"), "{plan}");
    }

    /// Volumes count articles fetched in the period per home country; a country only inferred
    /// from coverage, or none, counts nothing.
    #[test]
    fn country_volumes_count_home_countries_only() {
        use parallax_core::{CountryBasis, SourceProvenance};
        let store = SqliteStore::open_in_memory().unwrap();
        let outlet = |host: &str, country: Option<&str>, basis: Option<CountryBasis>| Source {
            id: SourceId::from_key(host),
            country: country.map(str::to_string),
            provenance: SourceProvenance {
                country_basis: basis,
                ..SourceProvenance::default()
            },
            ..Source::named(host)
        };
        store
            .upsert_source(&outlet("ua.example", Some("UA"), Some(CountryBasis::Home)))
            .unwrap();
        store
            .upsert_source(&outlet(
                "tld.example",
                Some("ua"),
                Some(CountryBasis::TopLevelDomain),
            ))
            .unwrap();
        store
            .upsert_source(&outlet("plain.example", Some("FR"), None))
            .unwrap();
        store
            .upsert_source(&outlet(
                "guess.example",
                Some("DE"),
                Some(CountryBasis::InferredFromCoverage),
            ))
            .unwrap();
        store
            .upsert_source(&outlet("nowhere.example", None, None))
            .unwrap();
        let mut old = article("old", "ua.example");
        old.fetched_at = t0() - chrono::Duration::days(40);
        let articles = [
            article("a1", "ua.example"),
            article("a2", "ua.example"),
            article("a3", "tld.example"),
            article("a4", "plain.example"),
            article("a5", "guess.example"),
            article("a6", "nowhere.example"),
            article("a7", "unlisted.example"),
            old,
        ];
        for a in &articles {
            store
                .commit_article(a, &story(&format!("sto-{}", a.id), &[a]))
                .unwrap();
        }
        let got = store
            .country_volumes(t0() - chrono::Duration::days(30))
            .unwrap();
        assert_eq!(
            got,
            vec![
                CountryVolume {
                    country: "UA".into(),
                    articles: 3,
                    outlets: 2
                },
                CountryVolume {
                    country: "FR".into(),
                    articles: 1,
                    outlets: 1
                },
            ]
        );
    }

    #[test]
    fn fts_queries_are_quoted() {
        assert_eq!(fts_query("harbor"), Some("\"harbor\"".to_string()));
        assert_eq!(
            fts_query("\"quote a OR"),
            Some("\"quote a OR\"".to_string()),
            "a quote left open runs to the end"
        );
        assert_eq!(
            fts_query("talks \"phone call\" NEAR(x)"),
            Some("\"talks\" \"phone call\" \"NEAR(x)\"".to_string())
        );
        assert_eq!(fts_query("  \" * ( ) "), None);
        assert_eq!(fts_query(""), None);
    }
}
