//! The schema and its versioned migrations.
//!
//! The version of a database file is SQLite's `PRAGMA user_version`, written in the same
//! transaction as the migration that reaches it, so a file is always at exactly one version.
//! `schema_migrations` keeps a human-readable log of when each migration ran.

use crate::backend;
use chrono::Utc;
use parallax_core::{Error, Result};
use rusqlite::{Connection, TransactionBehavior};

/// `PRAGMA application_id` of Parallax files ("PLX1" in ASCII), set by the first migration.
pub(crate) const APPLICATION_ID: i32 = 0x504c_5831;

/// The migrations, in order: migration `i` (0-based) brings a file from version `i` to `i + 1`.
/// Append only: never edit a migration that has shipped.
pub(crate) const MIGRATIONS: &[&str] = &[
    // 1: the first schema.
    r#"
CREATE TABLE schema_migrations (
    version    INTEGER PRIMARY KEY NOT NULL,
    applied_at TEXT NOT NULL
);

CREATE TABLE sources (
    id                    TEXT PRIMARY KEY NOT NULL,
    name                  TEXT NOT NULL,
    home_page             TEXT,
    country               TEXT,
    languages             TEXT NOT NULL,          -- JSON array of strings
    owner                 TEXT,
    ownership             TEXT,                   -- OwnershipType, snake_case
    bias_value            TEXT,
    bias_provenance       TEXT,
    factuality_value      TEXT,
    factuality_provenance TEXT,
    feeds                 TEXT NOT NULL,          -- JSON array of strings
    CHECK ((bias_value IS NULL) = (bias_provenance IS NULL)),
    CHECK ((factuality_value IS NULL) = (factuality_provenance IS NULL))
);
CREATE INDEX sources_by_name ON sources (name, id);

CREATE TABLE stories (
    id           TEXT PRIMARY KEY NOT NULL,
    title        TEXT NOT NULL,
    summary      TEXT NOT NULL,                   -- JSON array of Bullet
    coverage     TEXT NOT NULL,                   -- JSON Coverage
    first_seen   TEXT NOT NULL,                   -- RFC 3339, UTC, fixed width
    last_updated TEXT NOT NULL
);
CREATE INDEX stories_by_update ON stories (last_updated DESC, id);

-- seq is the rowid: insertion order, never reused (AUTOINCREMENT), and the rowid of the
-- article's row in articles_fts. id is the article's stable id and its key everywhere else.
CREATE TABLE articles (
    seq                  INTEGER PRIMARY KEY AUTOINCREMENT,
    id                   TEXT NOT NULL UNIQUE,
    source_id            TEXT NOT NULL,
    url                  TEXT,
    canonical_url        TEXT,
    title                TEXT NOT NULL,
    byline               TEXT,
    published_at         TEXT,                    -- RFC 3339, UTC, fixed width
    published_found      TEXT,                    -- DateFound, snake_case
    published_confidence REAL,                    -- NULL with a date: NaN
    language             TEXT,
    paragraphs           TEXT NOT NULL,           -- JSON array of strings
    content_hash         TEXT NOT NULL UNIQUE,
    fetched_at           TEXT NOT NULL,           -- RFC 3339, UTC, fixed width
    origin               TEXT NOT NULL,
    warnings             TEXT NOT NULL,           -- JSON array of strings
    story_id             TEXT REFERENCES stories (id),
    CHECK ((published_at IS NULL) = (published_found IS NULL)),
    CHECK (published_at IS NOT NULL OR published_confidence IS NULL)
);
CREATE UNIQUE INDEX articles_by_canonical_url ON articles (canonical_url)
    WHERE canonical_url IS NOT NULL;
CREATE INDEX articles_by_fetch ON articles (fetched_at);
CREATE INDEX articles_by_story ON articles (story_id);
CREATE INDEX articles_by_source ON articles (source_id);

-- The ordered member list of each story. An article is listed by at most one story, and
-- articles.story_id names that story.
CREATE TABLE story_articles (
    story_id   TEXT NOT NULL REFERENCES stories (id) ON DELETE CASCADE,
    position   INTEGER NOT NULL,
    article_id TEXT NOT NULL UNIQUE REFERENCES articles (id),
    PRIMARY KEY (story_id, position)
);

CREATE TABLE problems (
    id      INTEGER PRIMARY KEY AUTOINCREMENT,
    time    TEXT NOT NULL,                        -- RFC 3339, UTC, fixed width
    origin  TEXT NOT NULL,
    message TEXT NOT NULL
);
CREATE INDEX problems_by_time ON problems (time DESC, id DESC);

-- Full-text index of article title and body; rowid = articles.seq. Contentless: it holds only
-- the index, the text lives in articles.
CREATE VIRTUAL TABLE articles_fts USING fts5 (
    title, body,
    content = '', contentless_delete = 1,
    tokenize = 'unicode61 remove_diacritics 2'
);
"#,
    // 2: the crawler's feed states, and article lookup by URL.
    r#"
-- What the crawler knows about each feed between polls (FeedState). No foreign key to sources,
-- like articles.source_id: a feed may be recorded before its source is.
CREATE TABLE feeds (
    url                  TEXT PRIMARY KEY NOT NULL,
    source_id            TEXT NOT NULL,
    etag                 TEXT,
    last_modified        TEXT,                    -- the server's text, as received
    last_polled          TEXT,                    -- RFC 3339, UTC, fixed width
    last_success         TEXT,                    -- RFC 3339, UTC, fixed width
    last_error           TEXT,
    warnings             TEXT NOT NULL,           -- JSON array of strings
    consecutive_failures INTEGER NOT NULL,        -- u32
    interval_secs        INTEGER NOT NULL,        -- u64, at most i64::MAX
    next_poll            TEXT NOT NULL,           -- RFC 3339, UTC, fixed width
    last_new_entries     INTEGER NOT NULL         -- u32
);
CREATE INDEX feeds_by_source ON feeds (source_id);

CREATE INDEX articles_by_url ON articles (url);
"#,
    // 3: the machine-translation cache.
    r#"
-- Machine translations of article titles and summary sentences (Translation). The originals stay
-- in articles and stories, untouched; a translation is keyed by the hex SHA-256 of the exact
-- original text, its language, the language translated into and the backend that made it.
CREATE TABLE translations (
    text_hash       TEXT NOT NULL,
    source_language TEXT NOT NULL,
    target_language TEXT NOT NULL,
    backend         TEXT NOT NULL,
    model           TEXT,
    translation     TEXT NOT NULL,
    translated_at   TEXT NOT NULL,                -- RFC 3339, UTC, fixed width
    PRIMARY KEY (text_hash, source_language, target_language, backend)
) WITHOUT ROWID;
"#,
    // 4: article embeddings.
    r#"
-- The sentence embedding of an article's title and lead under one model (ArticleEmbedding):
-- `dim` little-endian f32 values in `vector`. Written in the same transaction as the article
-- (Store::commit_article_embedded); gone with nothing else, since articles are never deleted.
CREATE TABLE embeddings (
    article_id TEXT NOT NULL REFERENCES articles (id),
    model      TEXT NOT NULL,
    dim        INTEGER NOT NULL,
    vector     BLOB NOT NULL,
    created_at TEXT NOT NULL,                     -- RFC 3339, UTC, fixed width
    PRIMARY KEY (article_id, model),
    CHECK (dim > 0 AND length(vector) = 4 * dim)
) WITHOUT ROWID;
"#,
    // 5: excerpts of other articles quoted on a page; story digests and the entity index; aliases
    // of stories merged away.
    r#"
-- Other articles a page quotes (Article::excerpts): JSON array of {title, text}; NULL for none.
ALTER TABLE articles ADD COLUMN excerpts TEXT;

-- What pages across stories need of each story (StoryDigest): entities, outlets per country and
-- per bias rating, independent reports. Rebuilt by a pass over the stories whose last_updated is
-- later than story_updated; gone with its story.
CREATE TABLE story_digests (
    story_id            TEXT PRIMARY KEY NOT NULL REFERENCES stories (id) ON DELETE CASCADE,
    story_updated       TEXT NOT NULL,            -- the story's last_updated it was made from
    articles            INTEGER NOT NULL,
    independent_reports INTEGER NOT NULL,
    digest              TEXT NOT NULL             -- JSON StoryDigest
) WITHOUT ROWID;

-- The entity index: one row per (entity key, story) of the current digests.
CREATE TABLE story_entities (
    entity_key TEXT NOT NULL,
    story_id   TEXT NOT NULL REFERENCES story_digests (story_id) ON DELETE CASCADE,
    PRIMARY KEY (entity_key, story_id)
) WITHOUT ROWID;
CREATE INDEX story_entities_by_story ON story_entities (story_id);

-- Stories merged away by a regrouping (Store::regroup): the story that took most of their
-- articles, so that old addresses lead somewhere.
CREATE TABLE story_aliases (
    old_id    TEXT PRIMARY KEY NOT NULL,
    new_id    TEXT NOT NULL,
    merged_at TEXT NOT NULL                       -- RFC 3339, UTC, fixed width
) WITHOUT ROWID;
"#,
    // 6: attribution: where each fact about a source came from, how each article's outlet was
    // established; imported ratings; settings.
    r#"
-- JSON {provenance, feed_categories, ratings} of Source; NULL for none (rows written before).
ALTER TABLE sources ADD COLUMN facts TEXT;

-- JSON Attribution: how the article's outlet was established, with its evidence; NULL for
-- articles stored before (attributed again from their URL and their source's name).
ALTER TABLE articles ADD COLUMN attribution TEXT;

-- Ratings of outlets an operator imported (ProvidedRating), by provider, kind and domain.
CREATE TABLE ratings (
    provider    TEXT NOT NULL,
    kind        TEXT NOT NULL,                    -- RatingKind, snake_case
    domain      TEXT NOT NULL,
    value       TEXT NOT NULL,
    score       REAL,
    date        TEXT,
    licence     TEXT,
    estimate    INTEGER NOT NULL,                 -- 0 or 1
    imported_at TEXT NOT NULL,                    -- RFC 3339, UTC, fixed width
    PRIMARY KEY (provider, kind, domain)
) WITHOUT ROWID;

-- Small named values, such as the fingerprint of the registry and directory the stored articles
-- were last attributed with.
CREATE TABLE settings (
    key   TEXT PRIMARY KEY NOT NULL,
    value TEXT NOT NULL
) WITHOUT ROWID;
"#,
    // 7: a trigram index for searching scripts written without spaces (Chinese, Japanese).
    r#"
-- Trigram index of article titles and first paragraphs, rowid = articles.seq, contentless like
-- articles_fts: unicode61 cannot split Chinese or Japanese text into words, so such queries are
-- matched as substrings here. Indexing whole bodies made importing allsides-dev about 21% slower;
-- titles and first paragraphs, about 11%. Filled by a trigger on the article's insertion (in the
-- same transaction, like articles_fts), and here for the articles stored before.
CREATE VIRTUAL TABLE articles_trigram USING fts5 (
    title, lead,
    content = '', contentless_delete = 1,
    tokenize = 'trigram'
);
INSERT INTO articles_trigram (rowid, title, lead)
    SELECT seq, title, json_extract(paragraphs, '$[0]') FROM articles;
CREATE TRIGGER articles_trigram_insert AFTER INSERT ON articles BEGIN
    INSERT INTO articles_trigram (rowid, title, lead)
        VALUES (new.seq, new.title, json_extract(new.paragraphs, '$[0]'));
END;
"#,
    // 8: reads that stay fast at a hundred thousand articles.
    r#"
-- The digest's format version in a column of its own: finding the stale digests no longer parses
-- every digest's JSON (that made the digest pass quadratic in the stories, about 0.9 s a call at
-- 10,000 digests).
ALTER TABLE story_digests ADD COLUMN version INTEGER NOT NULL DEFAULT 0;
UPDATE story_digests SET version = coalesce(json_extract(digest, '$.version'), 0);

-- Articles per outlet since a time (the world map's volumes, the feeds' health) read from this
-- index alone, never from the article rows.
CREATE INDEX articles_by_fetch_source ON articles (fetched_at, source_id);
"#,
    // 9: an entity's stories newest first from the index alone.
    r#"
-- The story's last change as its digest saw it, beside each (entity, story) of the index: an
-- entity's most recent stories (entity and topic pages, related stories) are read in index order,
-- never sorted out of every story naming it (an entity named by 60,000 stories took a second).
ALTER TABLE story_entities ADD COLUMN story_updated TEXT NOT NULL DEFAULT '';
UPDATE story_entities SET story_updated = coalesce(
    (SELECT d.story_updated FROM story_digests d WHERE d.story_id = story_entities.story_id), '');
CREATE INDEX story_entities_by_time ON story_entities (entity_key, story_updated DESC, story_id);
"#,
    // 10: an entity's stories without their digests.
    r#"
-- The entity as the story names it (JSON EntityRef) beside each (entity, story) of the index:
-- entity, topic and related-story reads no longer decode each story's whole digest (about 1 ms a
-- story at 100,000 articles).
ALTER TABLE story_entities ADD COLUMN entity TEXT NOT NULL DEFAULT '';
UPDATE story_entities SET entity = coalesce(
    (SELECT j.value FROM story_digests d, json_each(d.digest, '$.entities') j
     WHERE d.story_id = story_entities.story_id
       AND json_extract(j.value, '$.key') = story_entities.entity_key
     ORDER BY j.key LIMIT 1), '');
"#,
    // 11: the section an outlet filed an article under.
    r#"
ALTER TABLE articles ADD COLUMN section TEXT;            -- as the outlet names it; NULL: unknown
"#,
    // 12: articles per outlet and day, kept by triggers.
    r#"
-- Articles per outlet and day fetched (UTC), kept up to date by triggers on articles (which are
-- never deleted): the world map's volumes and the feeds' health sum a few thousand rows instead of
-- counting every article of the period (0.13 s a call at 100,000 articles, twice a country page).
CREATE TABLE source_days (
    source_id TEXT NOT NULL,
    day       TEXT NOT NULL,                     -- YYYY-MM-DD of fetched_at
    articles  INTEGER NOT NULL,
    PRIMARY KEY (source_id, day)
) WITHOUT ROWID;
CREATE INDEX source_days_by_day ON source_days (day, source_id);
INSERT INTO source_days (source_id, day, articles)
    SELECT source_id, substr(fetched_at, 1, 10), count(*) FROM articles GROUP BY 1, 2;
CREATE TRIGGER source_days_insert AFTER INSERT ON articles BEGIN
    INSERT INTO source_days (source_id, day, articles)
        VALUES (new.source_id, substr(new.fetched_at, 1, 10), 1)
        ON CONFLICT (source_id, day) DO UPDATE SET articles = articles + 1;
END;
CREATE TRIGGER source_days_reattribute AFTER UPDATE OF source_id ON articles
WHEN old.source_id IS NOT new.source_id BEGIN
    UPDATE source_days SET articles = articles - 1
        WHERE source_id = old.source_id AND day = substr(old.fetched_at, 1, 10);
    DELETE FROM source_days WHERE source_id = old.source_id
        AND day = substr(old.fetched_at, 1, 10) AND articles <= 0;
    INSERT INTO source_days (source_id, day, articles)
        VALUES (new.source_id, substr(new.fetched_at, 1, 10), 1)
        ON CONFLICT (source_id, day) DO UPDATE SET articles = articles + 1;
END;
"#,
    // 13: whole bodies of articles in scripts written without spaces in the trigram index.
    r#"
-- The trigram index's `lead` column holds the whole text of articles in Chinese, Japanese,
-- Korean, Thai, Lao, Khmer or Burmese (by their language, or by such characters in the title
-- when the language is not known), so that a word anywhere in them is found; other articles
-- keep their first paragraph only (unicode61 finds their words in articles_fts, and whole bodies
-- of every article made importing a fifth slower).
DROP TRIGGER articles_trigram_insert;
CREATE TRIGGER articles_trigram_insert AFTER INSERT ON articles BEGIN
    INSERT INTO articles_trigram (rowid, title, lead)
        VALUES (new.seq, new.title,
            CASE WHEN lower(substr(coalesce(new.language, ''), 1, 2))
                          IN ('zh', 'ja', 'ko', 'th', 'lo', 'km', 'my')
                      OR (new.language IS NULL
                          AND new.title GLOB '*[぀-ヿ㐀-鿿가-힯฀-๿]*')
                 THEN (SELECT group_concat(value, char(10)) FROM json_each(new.paragraphs))
                 ELSE json_extract(new.paragraphs, '$[0]') END);
END;
DELETE FROM articles_trigram WHERE rowid IN (
    SELECT seq FROM articles
    WHERE lower(substr(coalesce(language, ''), 1, 2)) IN ('zh', 'ja', 'ko', 'th', 'lo', 'km', 'my')
       OR (language IS NULL AND title GLOB '*[぀-ヿ㐀-鿿가-힯฀-๿]*'));
INSERT INTO articles_trigram (rowid, title, lead)
    SELECT seq, title, (SELECT group_concat(value, char(10)) FROM json_each(paragraphs))
    FROM articles
    WHERE lower(substr(coalesce(language, ''), 1, 2)) IN ('zh', 'ja', 'ko', 'th', 'lo', 'km', 'my')
       OR (language IS NULL AND title GLOB '*[぀-ヿ㐀-鿿가-힯฀-๿]*');
"#,
];

/// The schema version this code writes and reads.
pub const SCHEMA_VERSION: u32 = MIGRATIONS.len() as u32;

/// The version recorded in the file (0 for a new file).
pub(crate) fn version(conn: &Connection) -> Result<u32> {
    let v: i64 = conn
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .map_err(backend)?;
    u32::try_from(v)
        .map_err(|_| Error::DataCorruption(format!("database schema version {v} is not valid")))
}

fn check_not_newer(v: u32) -> Result<()> {
    if v > SCHEMA_VERSION {
        return Err(Error::DataCorruption(format!(
            "database schema version {v} is newer than this parallax (knows {SCHEMA_VERSION})"
        )));
    }
    Ok(())
}

fn check_application_id(conn: &Connection) -> Result<()> {
    let id: i32 = conn
        .pragma_query_value(None, "application_id", |r| r.get(0))
        .map_err(backend)?;
    if id != APPLICATION_ID {
        return Err(Error::DataCorruption(format!(
            "the file is an SQLite database of another application (application_id {id:#x})"
        )));
    }
    Ok(())
}

/// Brings the file to version `upto`, [`SCHEMA_VERSION`] but in tests (which stop short of it
/// to build files as an older Parallax left them), one transaction per migration. Safe against
/// another process migrating the same file at the same time: each step re-reads the version under
/// the write lock. A file that is already at `upto` or later is only read.
pub(crate) fn migrate(conn: &mut Connection, upto: u32) -> Result<()> {
    let current = version(conn)?;
    check_not_newer(current)?;
    if current > 0 {
        check_application_id(conn)?;
    }
    if current >= upto {
        return Ok(());
    }
    for (i, sql) in MIGRATIONS.iter().enumerate().take(upto as usize) {
        let target = i as u32 + 1;
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(backend)?;
        let now = version(&tx)?;
        check_not_newer(now)?;
        if now >= target {
            continue; // done already, by us or by another process; the transaction rolls back
        }
        tx.execute_batch(sql).map_err(|e| {
            Error::Backend(format!("migration to schema version {target} failed: {e}"))
        })?;
        if target == 1 {
            tx.pragma_update(None, "application_id", APPLICATION_ID)
                .map_err(backend)?;
        }
        tx.execute(
            "INSERT INTO schema_migrations (version, applied_at) VALUES (?1, ?2)",
            rusqlite::params![target, crate::codec::fmt_time(&Utc::now())],
        )
        .map_err(backend)?;
        tx.pragma_update(None, "user_version", target)
            .map_err(backend)?;
        tx.commit().map_err(backend)?;
    }
    Ok(())
}
