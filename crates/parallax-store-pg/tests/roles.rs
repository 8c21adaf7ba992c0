//! One suite per store role, run against both backends: SQLite (in memory) and PostgreSQL at
//! 127.0.0.1:5432 (trust auth; `PARALLAX_TEST_POSTGRES` names another server), each PostgreSQL
//! test in a schema of its own, dropped afterwards. When no server answers, the tests run
//! `scripts/setup-postgres` (which starts one, as root) once and try again; a server that still
//! cannot be reached fails them.

use chrono::{DateTime, Duration, TimeZone, Utc};
use parallax_core::{
    Error, FeedState, FeedStore, ProblemStore, SourceId, Translation, TranslationStore,
};
use parallax_store::SqliteStore;
use parallax_store_pg::{PgStore, SCHEMA_VERSION};
use std::sync::atomic::{AtomicUsize, Ordering};

const DEFAULT_URL: &str = "host=127.0.0.1 port=5432 user=postgres dbname=test";

fn url() -> String {
    std::env::var("PARALLAX_TEST_POSTGRES").unwrap_or_else(|_| DEFAULT_URL.to_string())
}

/// A PostgreSQL store in a new schema, dropped with it.
struct PgSchema {
    store: Option<PgStore>,
    schema: String,
}

impl PgSchema {
    fn new() -> Self {
        static N: AtomicUsize = AtomicUsize::new(0);
        let schema = format!(
            "parallax_test_{}_{}_{}",
            std::process::id(),
            N.fetch_add(1, Ordering::SeqCst),
            Utc::now().timestamp_subsec_nanos()
        );
        let store = PgStore::connect_in_schema(&url(), &schema)
            .or_else(|_| {
                start_postgres();
                PgStore::connect_in_schema(&url(), &schema)
            })
            .unwrap_or_else(|e| {
                panic!(
                    "PostgreSQL at {:?} is needed (scripts/setup-postgres starts it): {e}",
                    url()
                )
            });
        PgSchema {
            store: Some(store),
            schema,
        }
    }
}

/// Runs `scripts/setup-postgres` once per test process.
fn start_postgres() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let script = concat!(env!("CARGO_MANIFEST_DIR"), "/../../scripts/setup-postgres");
        let status = std::process::Command::new("bash").arg(script).status();
        eprintln!("scripts/setup-postgres: {status:?}");
    });
}

impl Drop for PgSchema {
    fn drop(&mut self) {
        drop(self.store.take());
        if let Ok(mut c) = postgres::Client::connect(&url(), postgres::NoTls) {
            let _ = c.batch_execute(&format!("DROP SCHEMA IF EXISTS {} CASCADE", self.schema));
        }
    }
}

fn t(h: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2025, 7, 3, 12, 0, 0).unwrap() + Duration::hours(h)
}

/// Runs `suite` on an SQLite store and on a PostgreSQL one.
fn both<S>(suite: S)
where
    S: Fn(&str, &dyn Roles),
{
    suite("sqlite", &SqliteStore::open_in_memory().unwrap());
    let pg = PgSchema::new();
    suite("postgres", pg.store.as_ref().unwrap());
}

/// The roles this suite covers, as one object.
trait Roles: ProblemStore + FeedStore + TranslationStore {}
impl<T: ProblemStore + FeedStore + TranslationStore> Roles for T {}

#[test]
fn problems_are_kept_newest_first() {
    both(|name, store| {
        assert!(store.problems(10).unwrap().is_empty(), "{name}");
        for i in 0..5 {
            store
                .record_problem(&format!("/in/{i}.html"), &format!("problem {i} — ünïcødé"))
                .unwrap();
        }
        let p = store.problems(3).unwrap();
        let origins: Vec<&str> = p.iter().map(|p| p.origin.as_str()).collect();
        assert_eq!(
            origins,
            ["/in/4.html", "/in/3.html", "/in/2.html"],
            "{name}"
        );
        assert_eq!(p[0].message, "problem 4 — ünïcødé", "{name}");
        assert!(Utc::now() - p[0].at < Duration::minutes(1), "{name}");
        assert!(store.problems(0).unwrap().is_empty(), "{name}");
        assert_eq!(store.problems(100).unwrap().len(), 5, "{name}");
    });
}

#[test]
fn feed_states_round_trip_and_are_replaced() {
    both(|name, store| {
        let mut a = FeedState::new(
            "https://b.example/feed",
            SourceId::from_key("b.example"),
            900,
            t(0),
        );
        a.etag = Some("\"v1\"".into());
        a.last_modified = Some("Thu, 03 Jul 2025 12:00:00 GMT".into());
        a.last_polled = Some(t(0));
        a.last_error = Some("HTTP 503 <script>".into());
        a.warnings = vec!["3 entries without a link".into(), "ünïcødé".into()];
        a.consecutive_failures = 2;
        a.last_new_entries = 7;
        let b = FeedState::new(
            "https://a.example/feed",
            SourceId::from_key("a.example"),
            60,
            t(1),
        );
        store.save_feed_state(&a).unwrap();
        store.save_feed_state(&b).unwrap();
        assert_eq!(
            store.feed_states().unwrap(),
            vec![b.clone(), a.clone()],
            "{name}: by URL"
        );
        a.consecutive_failures = 0;
        a.last_error = None;
        a.last_success = Some(t(2));
        a.next_poll = t(3);
        store.save_feed_state(&a).unwrap();
        assert_eq!(
            store.feed_states().unwrap(),
            vec![b, a.clone()],
            "{name}: replaced"
        );
        a.interval_secs = u64::MAX;
        assert!(
            matches!(store.save_feed_state(&a), Err(Error::Invalid(_))),
            "{name}: an interval too large to store is refused"
        );
    });
}

#[test]
fn translations_are_cached_per_key() {
    both(|name, store| {
        let tr = |hash: &str, from: &str, backend: &str, text: &str, h: i64| Translation {
            text_hash: hash.into(),
            source_language: from.into(),
            target_language: "en".into(),
            backend: backend.into(),
            model: (backend == "model").then(|| "opus-mt".to_string()),
            text: text.into(),
            translated_at: t(h),
        };
        assert!(store.translations(&[], "en").unwrap().is_empty(), "{name}");
        let first = tr("h1", "de", "model", "The bridge", 0);
        let other = tr("h1", "de", "libretranslate", "The bridge (LT)", 1);
        let russian = tr("h2", "ru", "model", "The talks", 0);
        store
            .save_translations(&[first.clone(), other.clone(), russian.clone()])
            .unwrap();
        let got = store
            .translations(&["h1".to_string(), "h3".to_string()], "en")
            .unwrap();
        assert_eq!(
            got,
            vec![other.clone(), first.clone()],
            "{name}: newest first"
        );
        assert!(
            store
                .translations(&["h1".to_string()], "fr")
                .unwrap()
                .is_empty(),
            "{name}"
        );
        // The same key again replaces.
        let again = tr("h1", "de", "model", "The bridge again", 2);
        store
            .save_translations(std::slice::from_ref(&again))
            .unwrap();
        let got = store.translations(&["h1".to_string()], "en").unwrap();
        assert_eq!(got, vec![again, other], "{name}: replaced");
    });
}

#[test]
fn a_new_database_is_migrated_once_and_a_newer_one_refused() {
    let pg = PgSchema::new();
    let store = pg.store.as_ref().unwrap();
    assert_eq!(store.schema_version().unwrap(), SCHEMA_VERSION);
    // Opening it again changes nothing.
    let again = PgStore::connect_in_schema(&url(), &pg.schema).unwrap();
    assert_eq!(again.schema_version().unwrap(), SCHEMA_VERSION);
    drop(again);
    let mut c = postgres::Client::connect(&url(), postgres::NoTls).unwrap();
    c.batch_execute(&format!(
        "INSERT INTO {}.parallax_migrations (version) VALUES ({})",
        pg.schema,
        SCHEMA_VERSION + 1
    ))
    .unwrap();
    let newer = PgStore::connect_in_schema(&url(), &pg.schema);
    assert!(
        matches!(&newer, Err(Error::DataCorruption(m)) if m.contains("newer")),
        "{newer:?}"
    );
    assert!(matches!(
        PgStore::connect_in_schema(&url(), "x; DROP TABLE y"),
        Err(Error::Invalid(_))
    ));
}

// ----- the job queue (PostgreSQL only: it is what many workers share) -------------------------

use parallax_store_pg::jobs::MAX_ATTEMPTS;

#[test]
fn jobs_are_enqueued_once_and_leased_to_one_worker_at_a_time() {
    let pg = PgSchema::new();
    let store = pg.store.as_ref().unwrap();
    let now = t(0);
    for i in 0..20 {
        assert!(
            store
                .enqueue("fetch", &format!("https://a.example/{i}"), "{}", now)
                .unwrap()
        );
    }
    assert!(
        !store
            .enqueue("fetch", "https://a.example/0", "{}", now)
            .unwrap(),
        "open already"
    );
    assert!(
        store
            .enqueue("crawl", "https://a.example/0", "{}", now)
            .unwrap(),
        "another kind"
    );
    assert!(
        store
            .enqueue("fetch", "https://later.example/", "{}", t(5))
            .unwrap()
    );
    // Four workers lease at once: every due job goes to exactly one of them.
    let leased: Vec<Vec<i64>> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..4)
            .map(|w| {
                s.spawn(move || {
                    let mut mine = Vec::new();
                    loop {
                        let got = store
                            .lease(
                                "fetch",
                                &format!("w{w}"),
                                3,
                                std::time::Duration::from_secs(60),
                                now,
                            )
                            .unwrap();
                        if got.is_empty() {
                            return mine;
                        }
                        mine.extend(got.iter().map(|j| j.id));
                    }
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let mut all: Vec<i64> = leased.concat();
    all.sort();
    let n = all.len();
    all.dedup();
    assert_eq!(all.len(), n, "no job leased twice");
    assert_eq!(n, 20, "every due job, and not the one due later");
    // Only the holder ends a job.
    let id = leased.iter().flatten().next().copied().unwrap();
    let holder = leased.iter().position(|l| l.contains(&id)).unwrap();
    let other = (holder + 1) % 4;
    assert!(!store.complete(id, &format!("w{other}")).unwrap());
    assert!(store.complete(id, &format!("w{holder}")).unwrap());
    let state = store.job_state(id).unwrap().unwrap();
    assert_eq!((state.state.as_str(), state.attempts), ("done", 1));
    assert!(store.job_state(-1).unwrap().is_none());
}

#[test]
fn an_expired_lease_is_taken_over_and_failures_are_retried_then_dead() {
    let pg = PgSchema::new();
    let store = pg.store.as_ref().unwrap();
    let minute = std::time::Duration::from_secs(60);
    assert!(store.enqueue("embed", "article-1", "x", t(0)).unwrap());
    let first = store.lease("embed", "dies", 1, minute, t(0)).unwrap();
    assert_eq!(first.len(), 1);
    let id = first[0].id;
    // Within the lease nobody else gets it; after it, another worker does.
    assert!(
        store
            .lease("embed", "b", 1, minute, t(0))
            .unwrap()
            .is_empty()
    );
    let later = t(0) + Duration::minutes(2);
    let taken = store.lease("embed", "b", 1, minute, later).unwrap();
    assert_eq!(
        taken.iter().map(|j| (j.id, j.attempts)).collect::<Vec<_>>(),
        [(id, 2)]
    );
    assert!(
        !store.complete(id, "dies").unwrap(),
        "the first worker lost its lease"
    );
    // Failures: retried at the given time, dead after MAX_ATTEMPTS leases with the last error.
    assert!(store.fail(id, "b", "HTTP 503", later).unwrap());
    let mut at = later;
    for attempt in 3..=MAX_ATTEMPTS {
        let got = store.lease("embed", "b", 1, minute, at).unwrap();
        assert_eq!(got.len(), 1, "attempt {attempt}");
        assert_eq!(got[0].attempts, attempt);
        assert!(
            store
                .fail(id, "b", &format!("HTTP 503 #{attempt}"), at)
                .unwrap()
        );
        at += Duration::minutes(1);
    }
    let dead = store.job_state(id).unwrap().unwrap();
    assert_eq!(dead.state, "dead");
    assert_eq!(
        dead.last_error.as_deref(),
        Some(format!("HTTP 503 #{MAX_ATTEMPTS}").as_str())
    );
    assert!(store.lease("embed", "b", 1, minute, at).unwrap().is_empty());
    // A dead job's key can be enqueued anew.
    assert!(store.enqueue("embed", "article-1", "x", at).unwrap());
}
