//! [`PgStore`]: the PostgreSQL implementation of the store's roles, for installations that outgrow
//! one SQLite file (issue 13). Work in progress: it implements [`ProblemStore`], [`FeedStore`] and
//! [`TranslationStore`] so far; until it implements every role it is not a
//! [`parallax_core::Store`], and nothing in Parallax can be given one.
//!
//! # What it stores
//!
//! The same rows as the SQLite store, in PostgreSQL's own types: times as `timestamptz` (kept to
//! the microsecond), counts as `bigint`, lists as `text[]`. The schema is versioned: the table
//! `parallax_migrations` records every migration applied, and opening a store applies the ones
//! missing, each in one transaction; a database migrated by a newer Parallax is refused.
//!
//! # Invariants
//!
//! - Every trait call is one transaction on one pooled connection (`r2d2`, over the
//!   `postgres` client, itself over tokio-postgres): a process killed at any point leaves the
//!   database as it was before the call or after it.
//! - Nothing read is trusted: a value out of range gives [`Error::DataCorruption`], never a panic.
//! - Jobs ([`jobs`]) are leased with `FOR UPDATE SKIP LOCKED`: two workers never hold one job at
//!   once; a lease that expires (its worker died) makes the job due again for the next worker.
//! - A store may live in a schema of its own ([`PgStore::connect_in_schema`]): tests, and
//!   several installations in one database, never see each other's rows.

pub mod jobs;

use chrono::{DateTime, Utc};
use parallax_core::{
    Error, FeedState, FeedStore, Problem, ProblemStore, Result, SourceId, Translation,
    TranslationStore,
};
use postgres::{NoTls, Row};
use r2d2_postgres::PostgresConnectionManager;
use std::fmt;
use std::str::FromStr;
use std::time::Duration;

/// Pooled connections per store.
pub const POOL_SIZE: u32 = 4;
/// How long a call waits for a pooled connection (or for the server) before failing.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// The migrations, in order: the schema of version N is the first N applied.
const MIGRATIONS: [&str; 2] = [
    // 1: problems, feed states and the translation cache.
    r#"
CREATE TABLE problems (
    id      bigserial PRIMARY KEY,
    time    timestamptz NOT NULL,
    origin  text NOT NULL,
    message text NOT NULL
);
CREATE INDEX problems_by_time ON problems (time DESC, id DESC);

CREATE TABLE feeds (
    url                  text PRIMARY KEY,
    source_id            text NOT NULL,
    etag                 text,
    last_modified        text,
    last_polled          timestamptz,
    last_success         timestamptz,
    last_error           text,
    warnings             text[] NOT NULL,
    consecutive_failures bigint NOT NULL,
    interval_secs        bigint NOT NULL,
    next_poll            timestamptz NOT NULL,
    last_new_entries     bigint NOT NULL
);
CREATE INDEX feeds_by_source ON feeds (source_id);

CREATE TABLE translations (
    text_hash       text NOT NULL,
    source_language text NOT NULL,
    target_language text NOT NULL,
    backend         text NOT NULL,
    model           text,
    translation     text NOT NULL,
    translated_at   timestamptz NOT NULL,
    PRIMARY KEY (text_hash, source_language, target_language, backend)
);
"#,
    // 2: the job queue of the workers (`jobs`).
    r#"
CREATE TABLE jobs (
    id          bigserial PRIMARY KEY,
    kind        text NOT NULL,
    key         text NOT NULL,
    payload     text NOT NULL,
    state       text NOT NULL CHECK (state IN ('pending', 'leased', 'done', 'dead')),
    attempts    integer NOT NULL DEFAULT 0,
    not_before  timestamptz NOT NULL,
    leased_by   text,
    lease_until timestamptz,
    last_error  text,
    updated_at  timestamptz NOT NULL
);
-- One open job per (kind, key): enqueuing what is already pending or leased does nothing.
CREATE UNIQUE INDEX jobs_open ON jobs (kind, key) WHERE state IN ('pending', 'leased');
CREATE INDEX jobs_due ON jobs (kind, not_before, id) WHERE state IN ('pending', 'leased');
"#,
];

/// The schema version this code writes and reads.
pub const SCHEMA_VERSION: u32 = MIGRATIONS.len() as u32;

type Pool = r2d2::Pool<PostgresConnectionManager<NoTls>>;
type Conn = r2d2::PooledConnection<PostgresConnectionManager<NoTls>>;

/// The PostgreSQL store: a pool of connections to one database (and schema).
pub struct PgStore {
    pool: Pool,
    schema: Option<String>,
}

impl fmt::Debug for PgStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PgStore")
            .field("schema", &self.schema)
            .finish_non_exhaustive()
    }
}

/// A PostgreSQL error as the domain's: a refused constraint is [`Error::Invalid`], anything else
/// [`Error::Backend`] (with the server's own message when it sent one).
fn backend(e: postgres::Error) -> Error {
    if let Some(db) = e.as_db_error() {
        let code = db.code().code();
        // Class 23: integrity constraint violation.
        if code.starts_with("23") {
            return Error::Invalid(db.message().to_string());
        }
        return Error::Backend(format!("PostgreSQL: {} ({code})", db.message()));
    }
    Error::Backend(format!("PostgreSQL: {e}"))
}

fn pool_error(e: r2d2::Error) -> Error {
    Error::Backend(format!("PostgreSQL: no connection: {e}"))
}

/// A count read back: negative is corrupt.
fn count<T: TryFrom<i64>>(v: i64, what: &str) -> Result<T> {
    T::try_from(v).map_err(|_| Error::DataCorruption(format!("{what}: {v} is out of range")))
}

/// Whether `name` is a plain schema name (letters, digits, `_`; not starting with a digit).
fn plain_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 63
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !name.starts_with(|c: char| c.is_ascii_digit())
}

impl PgStore {
    /// Connects to the database at `url` (`postgres://user@host:port/db`, or the key=value form)
    /// and migrates it to [`SCHEMA_VERSION`].
    pub fn connect(url: &str) -> Result<Self> {
        Self::open(url, None)
    }

    /// Like [`PgStore::connect`], with every table in the schema `schema` (created when
    /// missing): stores in different schemas of one database never see each other's rows.
    /// `schema` is letters, digits and `_`.
    pub fn connect_in_schema(url: &str, schema: &str) -> Result<Self> {
        if !plain_name(schema) {
            return Err(Error::Invalid(format!(
                "{schema:?} is not a schema name (letters, digits and _)"
            )));
        }
        Self::open(url, Some(schema))
    }

    fn open(url: &str, schema: Option<&str>) -> Result<Self> {
        let mut config = postgres::Config::from_str(url)
            .map_err(|e| Error::Invalid(format!("{url:?} is not a PostgreSQL address: {e}")))?;
        config.connect_timeout(CONNECT_TIMEOUT);
        if let Some(s) = schema {
            // Created before the pool opens connections whose search path names it.
            let mut client = config.connect(NoTls).map_err(backend)?;
            client
                .batch_execute(&format!("CREATE SCHEMA IF NOT EXISTS {s}"))
                .map_err(backend)?;
            config.options(&format!("-c search_path={s}"));
        }
        let pool = r2d2::Pool::builder()
            .max_size(POOL_SIZE)
            .connection_timeout(CONNECT_TIMEOUT)
            .build(PostgresConnectionManager::new(config, NoTls))
            .map_err(pool_error)?;
        let store = PgStore {
            pool,
            schema: schema.map(str::to_string),
        };
        store.migrate()?;
        Ok(store)
    }

    /// The schema version of the database (equal to [`SCHEMA_VERSION`] once opened).
    pub fn schema_version(&self) -> Result<u32> {
        let mut conn = self.conn()?;
        version(&mut conn)
    }

    /// Applies the missing migrations, each in one transaction; refuses a newer database.
    fn migrate(&self) -> Result<()> {
        let mut conn = self.conn()?;
        conn.batch_execute(
            "CREATE TABLE IF NOT EXISTS parallax_migrations (
                 version    integer PRIMARY KEY,
                 applied_at timestamptz NOT NULL DEFAULT now()
             )",
        )
        .map_err(backend)?;
        let at = version(&mut conn)?;
        if at > SCHEMA_VERSION {
            return Err(Error::DataCorruption(format!(
                "database schema version {at} is newer than this parallax (knows {SCHEMA_VERSION})"
            )));
        }
        for (i, sql) in MIGRATIONS.iter().enumerate().skip(at as usize) {
            let mut tx = conn.transaction().map_err(backend)?;
            // Two processes migrating at once: the second waits here, then finds it done.
            tx.batch_execute("LOCK TABLE parallax_migrations IN EXCLUSIVE MODE")
                .map_err(backend)?;
            let done: i64 = tx
                .query_one(
                    "SELECT count(*) FROM parallax_migrations WHERE version = $1",
                    &[&(i as i32 + 1)],
                )
                .map_err(backend)?
                .get(0);
            if done == 0 {
                tx.batch_execute(sql).map_err(backend)?;
                tx.execute(
                    "INSERT INTO parallax_migrations (version) VALUES ($1)",
                    &[&(i as i32 + 1)],
                )
                .map_err(backend)?;
            }
            tx.commit().map_err(backend)?;
        }
        Ok(())
    }

    fn conn(&self) -> Result<Conn> {
        self.pool.get().map_err(pool_error)
    }

    /// Runs `f` in one transaction, committed when it succeeds.
    fn tx<T>(&self, f: impl FnOnce(&mut postgres::Transaction<'_>) -> Result<T>) -> Result<T> {
        let mut conn = self.conn()?;
        let mut tx = conn.transaction().map_err(backend)?;
        let out = f(&mut tx)?;
        tx.commit().map_err(backend)?;
        Ok(out)
    }
}

fn version(conn: &mut Conn) -> Result<u32> {
    let exists: bool = conn
        .query_one("SELECT to_regclass('parallax_migrations') IS NOT NULL", &[])
        .map_err(backend)?
        .get(0);
    if !exists {
        return Ok(0);
    }
    let v: Option<i32> = conn
        .query_one("SELECT max(version) FROM parallax_migrations", &[])
        .map_err(backend)?
        .get(0);
    count(i64::from(v.unwrap_or(0)), "schema version")
}

impl ProblemStore for PgStore {
    fn record_problem(&self, origin: &str, message: &str) -> Result<()> {
        self.tx(|tx| {
            tx.execute(
                "INSERT INTO problems (time, origin, message) VALUES ($1, $2, $3)",
                &[&Utc::now(), &origin, &message],
            )
            .map_err(backend)?;
            Ok(())
        })
    }

    fn problems(&self, limit: usize) -> Result<Vec<Problem>> {
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        self.tx(|tx| {
            tx.query(
                "SELECT time, origin, message FROM problems ORDER BY time DESC, id DESC LIMIT $1",
                &[&limit],
            )
            .map_err(backend)?
            .iter()
            .map(|r| {
                Ok(Problem {
                    at: r.try_get(0).map_err(backend)?,
                    origin: r.try_get(1).map_err(backend)?,
                    message: r.try_get(2).map_err(backend)?,
                })
            })
            .collect()
        })
    }
}

const FEED_COLUMNS: &str = "url, source_id, etag, last_modified, last_polled, last_success, \
     last_error, warnings, consecutive_failures, interval_secs, next_poll, last_new_entries";

fn feed_from_row(r: &Row) -> Result<FeedState> {
    let url: String = r.try_get(0).map_err(backend)?;
    let what = |field: &str| format!("feed {url}: {field}");
    Ok(FeedState {
        source: SourceId(r.try_get(1).map_err(backend)?),
        etag: r.try_get(2).map_err(backend)?,
        last_modified: r.try_get(3).map_err(backend)?,
        last_polled: r.try_get(4).map_err(backend)?,
        last_success: r.try_get(5).map_err(backend)?,
        last_error: r.try_get(6).map_err(backend)?,
        warnings: r.try_get(7).map_err(backend)?,
        consecutive_failures: count(
            r.try_get(8).map_err(backend)?,
            &what("consecutive_failures"),
        )?,
        interval_secs: count(r.try_get(9).map_err(backend)?, &what("interval_secs"))?,
        next_poll: r.try_get::<_, DateTime<Utc>>(10).map_err(backend)?,
        last_new_entries: count(r.try_get(11).map_err(backend)?, &what("last_new_entries"))?,
        url,
    })
}

impl FeedStore for PgStore {
    fn feed_states(&self) -> Result<Vec<FeedState>> {
        self.tx(|tx| {
            tx.query(
                &format!("SELECT {FEED_COLUMNS} FROM feeds ORDER BY url"),
                &[],
            )
            .map_err(backend)?
            .iter()
            .map(feed_from_row)
            .collect()
        })
    }

    fn save_feed_state(&self, f: &FeedState) -> Result<()> {
        let interval = i64::try_from(f.interval_secs).map_err(|_| {
            Error::Invalid(format!(
                "feed {}: interval_secs {} is too large to store",
                f.url, f.interval_secs
            ))
        })?;
        self.tx(|tx| {
            tx.execute(
                &format!(
                    "INSERT INTO feeds ({FEED_COLUMNS}) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) \
                     ON CONFLICT (url) DO UPDATE SET source_id = excluded.source_id, \
                     etag = excluded.etag, last_modified = excluded.last_modified, \
                     last_polled = excluded.last_polled, last_success = excluded.last_success, \
                     last_error = excluded.last_error, warnings = excluded.warnings, \
                     consecutive_failures = excluded.consecutive_failures, \
                     interval_secs = excluded.interval_secs, next_poll = excluded.next_poll, \
                     last_new_entries = excluded.last_new_entries"
                ),
                &[
                    &f.url,
                    &f.source.0,
                    &f.etag,
                    &f.last_modified,
                    &f.last_polled,
                    &f.last_success,
                    &f.last_error,
                    &f.warnings,
                    &i64::from(f.consecutive_failures),
                    &interval,
                    &f.next_poll,
                    &i64::from(f.last_new_entries),
                ],
            )
            .map_err(backend)?;
            Ok(())
        })
    }
}

impl TranslationStore for PgStore {
    fn translations(
        &self,
        text_hashes: &[String],
        target_language: &str,
    ) -> Result<Vec<Translation>> {
        if text_hashes.is_empty() {
            return Ok(Vec::new());
        }
        self.tx(|tx| {
            tx.query(
                "SELECT text_hash, source_language, target_language, backend, model, translation, \
                 translated_at FROM translations \
                 WHERE text_hash = ANY($1) AND target_language = $2 \
                 ORDER BY text_hash, translated_at DESC, source_language, backend",
                &[&text_hashes, &target_language],
            )
            .map_err(backend)?
            .iter()
            .map(|r| {
                Ok(Translation {
                    text_hash: r.try_get(0).map_err(backend)?,
                    source_language: r.try_get(1).map_err(backend)?,
                    target_language: r.try_get(2).map_err(backend)?,
                    backend: r.try_get(3).map_err(backend)?,
                    model: r.try_get(4).map_err(backend)?,
                    text: r.try_get(5).map_err(backend)?,
                    translated_at: r.try_get(6).map_err(backend)?,
                })
            })
            .collect()
        })
    }

    fn save_translations(&self, translations: &[Translation]) -> Result<()> {
        if translations.is_empty() {
            return Ok(());
        }
        self.tx(|tx| {
            for t in translations {
                tx.execute(
                    "INSERT INTO translations (text_hash, source_language, target_language, \
                     backend, model, translation, translated_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7) \
                     ON CONFLICT (text_hash, source_language, target_language, backend) \
                     DO UPDATE SET model = excluded.model, translation = excluded.translation, \
                     translated_at = excluded.translated_at",
                    &[
                        &t.text_hash,
                        &t.source_language,
                        &t.target_language,
                        &t.backend,
                        &t.model,
                        &t.text,
                        &t.translated_at,
                    ],
                )
                .map_err(backend)?;
            }
            Ok(())
        })
    }
}
