//! Tests of `SqliteStore` through the `Store` trait and its own methods: round trips of every
//! field, duplicates, reopening, migrations, corrupt data, atomicity, search and a second process
//! reading while the first writes. One integration-test binary for the crate.

use chrono::{DateTime, Duration, TimeZone, Utc};
use parallax_core::store_roles::*;
use parallax_core::{
    Article, ArticleId, ArticleInsert, Bullet, Coverage, DateFound, Error, FeedState,
    OwnershipType, PublishedTime, Rating, Source, SourceId, Story, StoryId, Tally, Translation,
    content_hash,
};
use parallax_store::{SCHEMA_VERSION, SqliteStore};
use std::path::Path;

/// The vectors stored per model, as (model, count).
fn vectors_per_model(store: &SqliteStore) -> Vec<(String, usize)> {
    store
        .embedding_counts()
        .unwrap()
        .into_iter()
        .map(|m| (m.model, m.vectors))
        .collect()
}

/// What the store should hold: sources, articles, stories.
fn stored(sources: usize, articles: usize, stories: usize) -> parallax_core::StoreCounts {
    parallax_core::StoreCounts {
        sources,
        articles,
        stories,
    }
}

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2025, 7, 3, 12, 0, 0).unwrap()
}

/// A plain article keyed by `key`, fetched at `t0() + minutes`.
fn article(key: &str, minutes: i64) -> Article {
    let url = format!("https://example.com/{key}");
    Article {
        section: None,
        id: ArticleId::from_key(&url),
        source: SourceId::from_key("example.com"),
        url: Some(url.clone()),
        canonical_url: Some(url),
        title: format!("Title {key}"),
        byline: None,
        published: None,
        language: Some("en".into()),
        paragraphs: vec![format!("Body of {key}."), "Second paragraph.".into()],
        content_hash: content_hash(key),
        fetched_at: t0() + Duration::minutes(minutes),
        origin: format!("/in/{key}.html"),
        warnings: vec![],
        excerpts: Vec::new(),
        attribution: Default::default(),
    }
}

/// A story listing `members` in that order, updated at `t0() + minutes`.
fn story(id: &str, members: &[&Article], minutes: i64) -> Story {
    Story {
        id: StoryId::from(id),
        title: format!("Story {id}"),
        summary: vec![],
        coverage: Coverage {
            articles: members.len(),
            ..Coverage::default()
        },
        articles: members.iter().map(|a| a.id.clone()).collect(),
        first_seen: t0() + Duration::minutes(minutes),
        last_updated: t0() + Duration::minutes(minutes),
    }
}

fn full_source() -> Source {
    Source {
        id: SourceId::from_key("kyivindependent.com"),
        name: "The Kyiv Independent — «Незалежний» 🇺🇦".into(),
        home_page: Some("https://kyivindependent.com/".into()),
        country: Some("UA".into()),
        languages: vec!["en".into(), "uk".into()],
        owner: Some("Its journalists' cooperative".into()),
        ownership: Some(OwnershipType::NonProfit),
        bias: Some(Rating {
            value: "center".into(),
            provenance: "AllSides, via the \"allsides-dev\" data set".into(),
        }),
        factuality: Some(Rating {
            value: "high".into(),
            provenance: "MBFC".into(),
        }),
        feeds: vec!["https://kyivindependent.com/feed/".into(), "x".into()],
        feed_categories: [("x".to_string(), "world".to_string())].into(),
        provenance: parallax_core::SourceProvenance {
            name: Some("the operator".into()),
            country: Some("Wikidata (CC0)".into()),
            country_basis: Some(parallax_core::CountryBasis::Home),
            languages: None,
            owner: Some("kite media_data (MIT)".into()),
            ownership_detail: Some("cooperative".into()),
        },
        ratings: vec![parallax_core::ProvidedRating {
            provider: "idiap-reliability".into(),
            kind: parallax_core::RatingKind::Reliability,
            domain: "kyivindependent.com".into(),
            value: "0.91".into(),
            score: Some(0.91),
            date: Some("2024".into()),
            licence: Some("Apache-2.0".into()),
            estimate: true,
        }],
    }
}

fn full_article() -> Article {
    let mut paragraphs: Vec<String> = (0..2000)
        .map(|i| {
            format!("Paragraph {i}: ünïcødé 日本語 العربية 🙂 \"quoted\" 'single' \\ \n tab\t")
        })
        .collect();
    paragraphs.push("x".repeat(5 * 1024 * 1024)); // one 5 MiB paragraph
    paragraphs.push(String::new());
    Article {
        section: None,
        id: ArticleId::from_key("https://news.example/ü/1?q=\"x\""),
        source: SourceId::from_key("news.example"),
        url: Some("https://news.example/ü/1?q=\"x\"&utm=1".into()),
        canonical_url: Some("https://news.example/ü/1?q=\"x\"".into()),
        title: "Переговоры в Стамбуле продолжатся — 首脳電話会談".into(),
        byline: Some("Ольга Петренко & Jean-Luc O'Neill".into()),
        published: Some(PublishedTime {
            at: t0() + Duration::nanoseconds(123_456_789),
            found: DateFound::JsonLd,
            confidence: 0.87,
        }),
        language: Some("ru".into()),
        paragraphs,
        content_hash: content_hash("full"),
        fetched_at: t0() + Duration::nanoseconds(987_654_321),
        origin: "/data/импорт/файл 1.html".into(),
        warnings: vec![
            "no publication date found".into(),
            "charset guessed: windows-1251".into(),
        ],
        excerpts: Vec::new(),
        attribution: parallax_core::Attribution {
            method: Some(parallax_core::AttributionMethod::Masthead),
            evidence: parallax_core::AttributionEvidence {
                masthead: vec!["Незалежний".into()],
                credit: Some("AFP".into()),
                ..Default::default()
            },
        },
    }
}

fn full_story(members: &[&Article]) -> Story {
    Story {
        id: StoryId::from_seed(&members[0].id),
        title: "Talks in Istanbul «to continue» 🕊".into(),
        summary: vec![
            Bullet {
                text: "The call lasted almost an hour.".into(),
                citations: members.iter().map(|a| a.id.clone()).collect(),
            },
            Bullet {
                text: "Дата не обсуждалась.".into(),
                citations: vec![members[0].id.clone()],
            },
        ],
        coverage: Coverage {
            articles: members.len(),
            sources: 2,
            unknown_source_articles: 1,
            countries: vec![Tally {
                label: "UA".into(),
                count: 2,
                share: 2.0 / 3.0,
            }],
            languages: vec![
                Tally {
                    label: "ru".into(),
                    count: 1,
                    share: 0.5,
                },
                Tally {
                    label: "unknown".into(),
                    count: 1,
                    share: 0.5,
                },
            ],
            bias: vec![Tally {
                label: "unrated".into(),
                count: 2,
                share: 1.0,
            }],
            ownership: vec![],
            first_published: Some(t0() - Duration::days(1)),
            last_published: Some(t0() + Duration::nanoseconds(5)),
            undated_articles: 1,
            countries_inferred: 1,
            inferred_countries: vec![Tally {
                label: "UA".into(),
                count: 1,
                share: 1.0 / 3.0,
            }],
            ..Coverage::default()
        },
        articles: members.iter().map(|a| a.id.clone()).collect(),
        first_seen: t0() - Duration::hours(3),
        last_updated: t0() + Duration::seconds(1),
    }
}

/// A raw connection to the file, for tests that tamper with it.
fn raw(path: &Path) -> rusqlite::Connection {
    let c = rusqlite::Connection::open(path).unwrap();
    c.busy_timeout(std::time::Duration::from_secs(5)).unwrap();
    c
}

fn temp_db() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("parallax.db");
    (dir, path)
}

#[test]
fn sources_round_trip_and_upsert_replaces() {
    let store = SqliteStore::open_in_memory().unwrap();
    let full = full_source();
    let bare = Source::named("Zeta Times");
    let mut only_bias = Source::named("Alpha Post");
    only_bias.bias = Some(Rating {
        value: "left".into(),
        provenance: "given".into(),
    });
    for s in [&full, &bare, &only_bias] {
        store.upsert_source(s).unwrap();
    }
    assert_eq!(store.source(&full.id).unwrap().as_ref(), Some(&full));
    assert_eq!(store.source(&bare.id).unwrap().as_ref(), Some(&bare));
    assert_eq!(
        store.source(&only_bias.id).unwrap().as_ref(),
        Some(&only_bias)
    );
    assert_eq!(store.source(&SourceId::from("src-none")).unwrap(), None);

    // Every ownership type survives.
    for o in [
        OwnershipType::State,
        OwnershipType::PublicService,
        OwnershipType::Private,
        OwnershipType::PubliclyTraded,
        OwnershipType::NonProfit,
        OwnershipType::Agency,
    ] {
        let mut s = bare.clone();
        s.ownership = Some(o);
        store.upsert_source(&s).unwrap();
        assert_eq!(store.source(&s.id).unwrap().unwrap().ownership, Some(o));
    }

    // Upsert replaces every field, including back to None.
    let mut changed = full.clone();
    changed.name = "Kyiv Independent".into();
    changed.bias = None;
    changed.languages.clear();
    changed.feeds.clear();
    changed.ownership = None;
    store.upsert_source(&changed).unwrap();
    assert_eq!(store.source(&full.id).unwrap(), Some(changed.clone()));

    let names: Vec<String> = store
        .sources()
        .unwrap()
        .into_iter()
        .map(|s| s.name)
        .collect();
    assert_eq!(names, ["Alpha Post", "Kyiv Independent", "Zeta Times"]);
    assert_eq!(store.counts().unwrap(), stored(3, 0, 0));
}

#[test]
fn articles_round_trip_every_field() {
    let store = SqliteStore::open_in_memory().unwrap();
    let full = full_article();
    let mut bare = article("bare", 0);
    bare.url = None;
    bare.canonical_url = None;
    bare.language = None;
    bare.paragraphs = vec![];
    bare.title = String::new();
    bare.source = SourceId::unknown();
    let mut nan = article("nan", 1);
    nan.published = Some(PublishedTime {
        at: Utc.with_ymd_and_hms(1969, 12, 31, 23, 59, 59).unwrap(),
        found: DateFound::Feed,
        confidence: f32::NAN,
    });
    let s = full_story(&[&full]);
    assert_eq!(
        store.commit_article(&full, &s).unwrap(),
        ArticleInsert::Inserted
    );
    let s2 = story("sto-bare", &[&bare], 0);
    assert_eq!(
        store.commit_article(&bare, &s2).unwrap(),
        ArticleInsert::Inserted
    );
    let s3 = story("sto-nan", &[&nan], 0);
    store.commit_article(&nan, &s3).unwrap();

    assert_eq!(store.article(&full.id).unwrap().as_ref(), Some(&full));
    assert_eq!(store.article(&bare.id).unwrap().as_ref(), Some(&bare));
    let back = store.article(&nan.id).unwrap().unwrap();
    assert!(back.published.as_ref().unwrap().confidence.is_nan());
    assert_eq!(
        back.published.as_ref().unwrap().at,
        nan.published.as_ref().unwrap().at
    );
    assert_eq!(store.article(&ArticleId::from("art-none")).unwrap(), None);

    // Every way a date can be found survives.
    for (i, found) in [
        DateFound::JsonLd,
        DateFound::Meta,
        DateFound::TimeElement,
        DateFound::Url,
        DateFound::Text,
        DateFound::Feed,
        DateFound::Input,
    ]
    .into_iter()
    .enumerate()
    {
        let mut a = article(&format!("found-{i}"), 2);
        a.published = Some(PublishedTime {
            at: t0() - Duration::days(i as i64),
            found,
            confidence: 1.0 / (i as f32 + 1.0),
        });
        store
            .commit_article(&a, &story(&format!("sto-found-{i}"), &[&a], 2))
            .unwrap();
        assert_eq!(store.article(&a.id).unwrap(), Some(a));
    }
}

#[test]
fn stories_round_trip_and_keep_first_seen() {
    let store = SqliteStore::open_in_memory().unwrap();
    let a = article("a", 0);
    let b = article("b", 1);
    let s1 = full_story(&[&a]);
    store.commit_article(&a, &s1).unwrap();
    assert_eq!(store.story(&s1.id).unwrap().as_ref(), Some(&s1));
    assert_eq!(store.story(&StoryId::from("sto-none")).unwrap(), None);

    // The second article joins, listed first: the story's order is kept, first_seen is not
    // replaced, everything else is.
    let mut s2 = full_story(&[&b, &a]);
    s2.id = s1.id.clone();
    s2.title = "New title".into();
    s2.summary.pop();
    s2.coverage.first_published = None;
    s2.first_seen = t0() + Duration::days(5);
    s2.last_updated = t0() + Duration::days(6);
    store.commit_article(&b, &s2).unwrap();
    let back = store.story(&s1.id).unwrap().unwrap();
    let mut expected = s2.clone();
    expected.first_seen = s1.first_seen;
    assert_eq!(back, expected);
    let members: Vec<ArticleId> = store
        .story_articles(&s1.id)
        .unwrap()
        .into_iter()
        .map(|x| x.id)
        .collect();
    assert_eq!(members, [b.id.clone(), a.id.clone()]);
    assert_eq!(
        store.story_articles(&b.id.0.as_str().into()).unwrap(),
        vec![]
    );
    assert_eq!(store.counts().unwrap(), stored(0, 2, 1));
}

#[test]
fn stories_are_listed_newest_first_ties_by_id() {
    let store = SqliteStore::open_in_memory().unwrap();
    let specs = [("sto-c", 5), ("sto-a", 5), ("sto-b", 9), ("sto-d", 1)];
    for (i, (id, minutes)) in specs.iter().enumerate() {
        let a = article(&format!("a{i}"), 0);
        store
            .commit_article(&a, &story(id, &[&a], *minutes))
            .unwrap();
    }
    let ids = |limit, offset| -> Vec<String> {
        store
            .stories(limit, offset)
            .unwrap()
            .into_iter()
            .map(|s| s.id.0)
            .collect()
    };
    assert_eq!(ids(10, 0), ["sto-b", "sto-a", "sto-c", "sto-d"]);
    assert_eq!(ids(2, 1), ["sto-a", "sto-c"]);
    assert_eq!(ids(0, 0), Vec::<String>::new());
    assert_eq!(ids(10, 10), Vec::<String>::new());
    assert_eq!(ids(usize::MAX, usize::MAX), Vec::<String>::new());
    // Stories come with their article lists.
    assert_eq!(store.stories(1, 0).unwrap()[0].articles.len(), 1);
}

#[test]
fn duplicates_by_id_canonical_url_or_hash_write_nothing() {
    let store = SqliteStore::open_in_memory().unwrap();
    let a = article("a", 0);
    let s = story("sto-a", &[&a], 0);
    store.commit_article(&a, &s).unwrap();
    let before = (store.counts().unwrap(), store.story(&s.id).unwrap());

    let same_id = {
        let mut d = article("other-1", 5);
        d.id = a.id.clone();
        d
    };
    let same_url = {
        let mut d = article("other-2", 5);
        d.canonical_url = a.canonical_url.clone();
        d
    };
    let same_hash = {
        let mut d = article("other-3", 5);
        d.content_hash = a.content_hash.clone();
        d
    };
    for d in [&a, &same_id, &same_url, &same_hash] {
        assert_eq!(store.find_duplicate(d).unwrap(), Some(a.id.clone()));
        let mut s2 = story("sto-new", &[d], 9);
        s2.title = "must not be written".into();
        assert_eq!(
            store.commit_article(d, &s2).unwrap(),
            ArticleInsert::Duplicate(a.id.clone())
        );
        // The story of a duplicate commit is not written either, nor is the known story changed.
        assert_eq!(store.story(&s2.id).unwrap(), None);
        assert_eq!(
            (store.counts().unwrap(), store.story(&s.id).unwrap()),
            before
        );
    }
    assert_eq!(store.search("other", 10).unwrap(), vec![]);

    // No canonical URL on either side is not a match.
    let mut x = article("x", 0);
    x.canonical_url = None;
    let mut y = article("y", 0);
    y.canonical_url = None;
    store.commit_article(&x, &story("sto-x", &[&x], 0)).unwrap();
    assert_eq!(store.find_duplicate(&y).unwrap(), None);
    assert_eq!(
        store.commit_article(&y, &story("sto-y", &[&y], 0)).unwrap(),
        ArticleInsert::Inserted
    );
    // The same article committed twice is a duplicate the second time.
    assert_eq!(
        store.commit_article(&y, &story("sto-y", &[&y], 0)).unwrap(),
        ArticleInsert::Duplicate(y.id.clone())
    );
    assert_eq!(store.counts().unwrap(), stored(0, 3, 3));
}

#[test]
fn reopened_file_holds_everything() {
    let (_dir, path) = temp_db();
    let src = full_source();
    let a = full_article();
    let b = article("b", 3);
    let s = full_story(&[&a, &b]);
    {
        let store = SqliteStore::open(&path).unwrap();
        assert_eq!(store.path(), Some(path.as_path()));
        store.upsert_source(&src).unwrap();
        store.commit_article(&a, &full_story(&[&a])).unwrap();
        store.commit_article(&b, &s).unwrap();
        store.record_problem("/in/bad.html", "empty file").unwrap();
    }
    let store = SqliteStore::open(&path).unwrap();
    assert_eq!(store.counts().unwrap(), stored(1, 2, 1));
    assert_eq!(store.sources().unwrap(), vec![src]);
    assert_eq!(store.article(&a.id).unwrap(), Some(a.clone()));
    let mut expected = s.clone();
    expected.first_seen = full_story(&[&a]).first_seen;
    assert_eq!(store.story(&s.id).unwrap(), Some(expected));
    assert_eq!(
        store.story_articles(&s.id).unwrap(),
        vec![a.clone(), b.clone()]
    );
    let problems = store.problems(10).unwrap();
    assert_eq!(problems.len(), 1);
    assert_eq!(problems[0].origin, "/in/bad.html");
    assert_eq!(store.search("Стамбуле", 10).unwrap(), vec![a.id]);
    assert!(format!("{store:?}").contains("parallax.db"));
}

#[test]
fn migrations_bring_a_new_file_to_the_current_version() {
    let (_dir, path) = temp_db();
    let store = SqliteStore::open(&path).unwrap();
    assert_eq!(store.schema_version().unwrap(), SCHEMA_VERSION);
    drop(store);
    let c = raw(&path);
    let v: u32 = c
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    assert_eq!(v, SCHEMA_VERSION);
    let logged: Vec<u32> = c
        .prepare("SELECT version FROM schema_migrations ORDER BY version")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(logged, (1..=SCHEMA_VERSION).collect::<Vec<_>>());
    let mode: String = c
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .unwrap();
    assert_eq!(mode, "wal");
    drop(c);
    // Opening again changes nothing.
    let store = SqliteStore::open(&path).unwrap();
    assert_eq!(store.schema_version().unwrap(), SCHEMA_VERSION);
    let in_memory = SqliteStore::open_in_memory().unwrap();
    assert_eq!(in_memory.schema_version().unwrap(), SCHEMA_VERSION);
}

#[test]
fn a_file_from_a_newer_parallax_is_refused() {
    let (_dir, path) = temp_db();
    drop(SqliteStore::open(&path).unwrap());
    raw(&path)
        .pragma_update(None, "user_version", SCHEMA_VERSION + 1)
        .unwrap();
    match SqliteStore::open(&path) {
        Err(Error::DataCorruption(m)) => assert!(
            m.contains(&format!(
                "database schema version {} is newer than this parallax (knows {SCHEMA_VERSION})",
                SCHEMA_VERSION + 1
            )),
            "{m}"
        ),
        other => panic!("expected DataCorruption, got {other:?}"),
    }
}

#[test]
fn files_that_are_not_parallax_databases_are_refused() {
    let (dir, path) = temp_db();
    std::fs::write(&path, b"this is not a database at all, just some text ....").unwrap();
    assert!(
        matches!(SqliteStore::open(&path), Err(Error::DataCorruption(_))),
        "garbage file"
    );

    let other = dir.path().join("other.db");
    let c = raw(&other);
    c.execute_batch("CREATE TABLE t (x); PRAGMA user_version = 1;")
        .unwrap();
    drop(c);
    assert!(
        matches!(SqliteStore::open(&other), Err(Error::DataCorruption(_))),
        "another application's database"
    );

    let missing = dir.path().join("no/such/folder/p.db");
    assert!(matches!(
        SqliteStore::open(&missing),
        Err(Error::Backend(_))
    ));
}

#[test]
fn corrupt_rows_give_errors_not_panics() {
    let (_dir, path) = temp_db();
    let store = SqliteStore::open(&path).unwrap();
    let a = article("a", 0);
    let s = story("sto-a", &[&a], 0);
    store.commit_article(&a, &s).unwrap();
    store.upsert_source(&full_source()).unwrap();
    store.record_problem("x", "y").unwrap();

    let c = raw(&path);
    let tamper = |sql: &str| c.execute_batch(sql).unwrap();
    let is_corrupt = |r: Result<(), Error>, what: &str| {
        assert!(matches!(r, Err(Error::DataCorruption(_))), "{what}: {r:?}");
    };
    let article_reads = |what: &str| {
        is_corrupt(store.article(&a.id).map(drop), what);
        is_corrupt(store.story_articles(&s.id).map(drop), what);
        is_corrupt(store.recent_articles(t0()).map(drop), what);
    };

    let cases_article = [
        "UPDATE articles SET paragraphs = '[\"unterminated'",
        "UPDATE articles SET paragraphs = '{\"not\": \"a list\"}'",
        "UPDATE articles SET warnings = 'null'",
        "UPDATE articles SET fetched_at = 'yesterday'",
        "UPDATE articles SET published_at = 'soon', published_found = 'meta'",
        "UPDATE articles SET published_at = '2025-01-01T00:00:00Z', published_found = 'telepathy'",
        "UPDATE articles SET title = x'00ff'",
        "UPDATE articles SET published_at = '2025-01-01T00:00:00Z', published_found = 'meta', published_confidence = 'high'",
        "UPDATE articles SET byline = CAST(x'c328' AS TEXT)",
    ];
    let original = "UPDATE articles SET paragraphs = '[]', warnings = '[]', \
        fetched_at = '2025-07-03T12:00:00.000000000Z', published_at = NULL, \
        published_found = NULL, published_confidence = NULL, title = 'T', byline = NULL";
    for sql in cases_article {
        tamper(sql);
        article_reads(sql);
        tamper(original);
        store.article(&a.id).unwrap().unwrap();
    }
    // An article that lost its story pointer.
    tamper("PRAGMA foreign_keys = OFF; UPDATE articles SET story_id = NULL");
    is_corrupt(store.recent_articles(t0()).map(drop), "no story");
    tamper("UPDATE articles SET story_id = 'sto-a'");

    for sql in [
        "UPDATE stories SET summary = 'not json'",
        "UPDATE stories SET coverage = '{\"articles\": -1}'",
        "UPDATE stories SET first_seen = '2025-13-45T00:00:00Z'",
    ] {
        tamper(sql);
        is_corrupt(store.story(&s.id).map(drop), sql);
        is_corrupt(store.stories(10, 0).map(drop), sql);
        tamper(
            "UPDATE stories SET summary = '[]', coverage = '{\"articles\":1,\"sources\":0,\
             \"unknown_source_articles\":0,\"countries\":[],\"languages\":[],\"bias\":[],\
             \"ownership\":[],\"first_published\":null,\"last_published\":null,\
             \"undated_articles\":0}', first_seen = last_updated",
        );
        store.story(&s.id).unwrap().unwrap();
    }

    for sql in [
        "UPDATE sources SET languages = '[1, 2]'",
        "UPDATE sources SET feeds = ''",
        "UPDATE sources SET ownership = 'pirate'",
    ] {
        tamper(sql);
        is_corrupt(store.sources().map(drop), sql);
        is_corrupt(store.source(&full_source().id).map(drop), sql);
        tamper("UPDATE sources SET languages = '[]', feeds = '[]', ownership = NULL");
        store.sources().unwrap();
    }

    tamper("UPDATE problems SET time = 'then'");
    is_corrupt(store.problems(10).map(drop), "problem time");
}

/// Problems are not counted as sources, articles or stories. (Their order and limits are tested
/// on both backends by the role suite, `crates/parallax-store-pg/tests/roles.rs`.)
#[test]
fn problems_are_not_counted_as_stored_things() {
    let store = SqliteStore::open_in_memory().unwrap();
    store.record_problem("/in/0.html", "problem").unwrap();
    assert_eq!(store.problems(10).unwrap().len(), 1);
    assert_eq!(store.counts().unwrap(), stored(0, 0, 0));
}

#[test]
fn recent_articles_come_in_insertion_order_with_their_stories() {
    let store = SqliteStore::open_in_memory().unwrap();
    // Fetched out of order: insertion order wins.
    let a = article("a", 30);
    let b = article("b", 10);
    let c = article("c", 20);
    let old = article("old", -100);
    store.commit_article(&a, &story("sto-1", &[&a], 0)).unwrap();
    store
        .commit_article(&old, &story("sto-2", &[&old], 1))
        .unwrap();
    store
        .commit_article(&b, &story("sto-1", &[&a, &b], 2))
        .unwrap();
    store
        .commit_article(&c, &story("sto-2", &[&old, &c], 3))
        .unwrap();
    let recent: Vec<(ArticleId, StoryId)> = store
        .recent_articles(t0() + Duration::minutes(10))
        .unwrap()
        .into_iter()
        .map(|r| (r.article.id, r.story))
        .collect();
    assert_eq!(
        recent,
        [
            (a.id.clone(), StoryId::from("sto-1")),
            (b.id.clone(), StoryId::from("sto-1")),
            (c.id.clone(), StoryId::from("sto-2")),
        ]
    );
    let all = store.recent_articles(DateTime::<Utc>::MIN_UTC).unwrap();
    assert_eq!(all.len(), 4);
    assert_eq!(all[1].article, old);
    assert!(
        store
            .recent_articles(t0() + Duration::days(1))
            .unwrap()
            .is_empty()
    );
}

#[test]
fn an_article_moved_to_another_story_follows_it() {
    let store = SqliteStore::open_in_memory().unwrap();
    let a1 = article("a1", 0);
    let a2 = article("a2", 1);
    let a3 = article("a3", 2);
    let b1 = article("b1", 3);
    store
        .commit_article(&a1, &story("sto-s1", &[&a1], 0))
        .unwrap();
    store
        .commit_article(&a2, &story("sto-s1", &[&a1, &a2], 1))
        .unwrap();
    store
        .commit_article(&b1, &story("sto-s2", &[&b1], 2))
        .unwrap();
    // The clusterer moves a2 to s2 with the new a3.
    store
        .commit_article(&a3, &story("sto-s2", &[&b1, &a2, &a3], 3))
        .unwrap();
    let ids = |s: &str| -> Vec<ArticleId> {
        store
            .story_articles(&StoryId::from(s))
            .unwrap()
            .into_iter()
            .map(|a| a.id)
            .collect()
    };
    assert_eq!(ids("sto-s1"), vec![a1.id.clone()]);
    assert_eq!(ids("sto-s2"), [b1.id.clone(), a2.id.clone(), a3.id.clone()]);
    assert_eq!(
        store
            .story(&StoryId::from("sto-s1"))
            .unwrap()
            .unwrap()
            .articles,
        vec![a1.id.clone()]
    );
    let story_of = |id: &ArticleId| {
        store
            .recent_articles(DateTime::<Utc>::MIN_UTC)
            .unwrap()
            .into_iter()
            .find(|r| &r.article.id == id)
            .unwrap()
            .story
    };
    assert_eq!(story_of(&a2.id), StoryId::from("sto-s2"));
    assert_eq!(story_of(&a1.id), StoryId::from("sto-s1"));

    // Taking a story's last article removes that story.
    let a4 = article("a4", 4);
    store
        .commit_article(&a4, &story("sto-s2", &[&b1, &a2, &a3, &a1, &a4], 4))
        .unwrap();
    assert_eq!(store.story(&StoryId::from("sto-s1")).unwrap(), None);
    assert_eq!(store.counts().unwrap(), stored(0, 5, 1));
    assert_eq!(story_of(&a1.id), StoryId::from("sto-s2"));
}

#[test]
fn inconsistent_stories_are_refused_and_nothing_is_written() {
    let store = SqliteStore::open_in_memory().unwrap();
    let a = article("a", 0);
    let b = article("b", 1);
    store.commit_article(&a, &story("sto-1", &[&a], 0)).unwrap();
    let before = (
        store.counts().unwrap(),
        store.story(&StoryId::from("sto-1")).unwrap(),
    );
    let ghost = article("ghost", 0);
    let refused = [
        ("not listing the article", story("sto-1", &[&a], 5)),
        ("listing it twice", story("sto-1", &[&a, &b, &b], 5)),
        (
            "listing an unknown article",
            story("sto-1", &[&a, &ghost, &b], 5),
        ),
        ("dropping a stored article", story("sto-1", &[&b], 5)),
        ("a new story of its own", story("sto-2", &[&b], 5)),
    ];
    for (what, s) in &refused[..4] {
        let r = store.commit_article(&b, s);
        assert!(matches!(r, Err(Error::Invalid(_))), "{what}: {r:?}");
        assert_eq!(
            (
                store.counts().unwrap(),
                store.story(&StoryId::from("sto-1")).unwrap()
            ),
            before,
            "{what}"
        );
        assert_eq!(store.article(&b.id).unwrap(), None, "{what}");
        assert!(store.search("b", 10).unwrap().is_empty(), "{what}");
    }
    // A new story of its own is fine.
    store.commit_article(&b, &refused[4].1).unwrap();
    assert_eq!(store.counts().unwrap(), stored(0, 2, 2));
}

#[test]
fn a_failed_commit_leaves_no_article_behind() {
    let (_dir, path) = temp_db();
    let store = SqliteStore::open(&path).unwrap();
    let a = article("a", 0);
    let b = article("b", 1);
    let c = article("c", 2);
    store.commit_article(&a, &story("sto-1", &[&a], 0)).unwrap();

    // Make the story write fail after the article row is written, for a new story and for an
    // update of a stored one.
    let conn = raw(&path);
    conn.execute_batch(
        "CREATE TRIGGER fail_insert BEFORE INSERT ON stories BEGIN SELECT RAISE(ABORT, 'forced'); END;
         CREATE TRIGGER fail_update BEFORE UPDATE ON stories BEGIN SELECT RAISE(ABORT, 'forced'); END;",
    )
    .unwrap();
    let new_story = story("sto-2", &[&b], 1);
    let joined = story("sto-1", &[&a, &c], 2);
    assert!(store.commit_article(&b, &new_story).is_err());
    assert!(store.commit_article(&c, &joined).is_err());
    for x in [&b, &c] {
        assert_eq!(store.article(&x.id).unwrap(), None);
        assert_eq!(store.find_duplicate(x).unwrap(), None);
    }
    assert_eq!(store.counts().unwrap(), stored(0, 1, 1));
    assert_eq!(store.story(&new_story.id).unwrap(), None);
    assert_eq!(
        store.story(&joined.id).unwrap().unwrap().articles,
        vec![a.id.clone()]
    );
    assert!(store.search("Body of b", 10).unwrap().is_empty());
    assert!(store.search("c", 10).unwrap().is_empty());
    let n: i64 = conn
        .query_row("SELECT count(*) FROM articles", [], |r| r.get(0))
        .unwrap();
    assert_eq!(n, 1);

    // Once the fault is gone the same commits succeed: nothing half-written stands in the way.
    conn.execute_batch("DROP TRIGGER fail_insert; DROP TRIGGER fail_update;")
        .unwrap();
    assert_eq!(
        store.commit_article(&b, &new_story).unwrap(),
        ArticleInsert::Inserted
    );
    assert_eq!(
        store.commit_article(&c, &joined).unwrap(),
        ArticleInsert::Inserted
    );
    assert_eq!(store.counts().unwrap(), stored(0, 3, 2));
    assert_eq!(store.search("c", 10).unwrap(), vec![c.id]);
}

#[test]
fn search_finds_words_and_never_errors_on_odd_queries() {
    let store = SqliteStore::open_in_memory().unwrap();
    let mut a = article("harbor", 0);
    a.title = "Storm closes the harbour".into();
    a.paragraphs = vec![
        "Fishermen in Gdańsk said the breakwater failed overnight.".into(),
        "The mayor's office called it \"unprecedented\".".into(),
    ];
    let mut b = article("council", 1);
    b.title = "Council votes on the budget".into();
    b.paragraphs = vec!["The vote was close, officials said.".into()];
    store.commit_article(&a, &story("sto-a", &[&a], 0)).unwrap();
    store.commit_article(&b, &story("sto-b", &[&b], 1)).unwrap();

    assert_eq!(store.search("breakwater", 10).unwrap(), vec![a.id.clone()]);
    assert_eq!(store.search("HARBOUR", 10).unwrap(), vec![a.id.clone()]);
    assert_eq!(store.search("gdansk", 10).unwrap(), vec![a.id.clone()]);
    assert_eq!(
        store.search("unprecedented", 10).unwrap(),
        vec![a.id.clone()]
    );
    assert_eq!(store.search("mayor's", 10).unwrap(), vec![a.id.clone()]);
    assert_eq!(
        store.search("council vote", 10).unwrap(),
        vec![b.id.clone()]
    );
    assert_eq!(store.search("said", 10).unwrap().len(), 2);
    assert_eq!(store.search("said", 1).unwrap().len(), 1);
    assert_eq!(store.search("said", 0).unwrap(), vec![]);
    assert_eq!(store.search("breakwater budget", 10).unwrap(), vec![]);
    assert_eq!(store.search("nothing-like-this", 10).unwrap(), vec![]);

    for q in [
        "\"quote",
        "a OR",
        "OR",
        "AND",
        "NOT",
        "NEAR(",
        "NEAR(a b, 3)",
        "*",
        "harb*",
        "-harbor",
        "title:harbour",
        "^storm",
        "(",
        ")",
        "\"",
        "\"\"",
        "''",
        "{title body}: x",
        "a + b",
        "🙂",
        "",
        "   ",
        "\0",
        "日本語",
        "\"unprecedented\"",
    ] {
        if let Err(e) = store.search(q, 10) {
            panic!("query {q:?} failed: {e}");
        }
    }
    assert_eq!(
        store.search("\"unprecedented\"", 10).unwrap(),
        vec![a.id.clone()]
    );
}

#[test]
fn a_second_store_reads_while_the_first_writes() {
    let (_dir, path) = temp_db();
    let writer = SqliteStore::open(&path).unwrap();
    let reader = SqliteStore::open(&path).unwrap();
    const N: usize = 150;
    let done = std::sync::atomic::AtomicBool::new(false);
    std::thread::scope(|scope| {
        let w = scope.spawn(|| {
            let mut members: Vec<Article> = Vec::new();
            for i in 0..N {
                let a = article(&format!("c{i}"), i as i64);
                members.push(a.clone());
                let refs: Vec<&Article> = members.iter().collect();
                let s = story("sto-big", &refs, i as i64);
                assert_eq!(
                    writer.commit_article(&a, &s).unwrap(),
                    ArticleInsert::Inserted
                );
                if i % 10 == 0 {
                    writer.record_problem("p", "q").unwrap();
                }
            }
            done.store(true, std::sync::atomic::Ordering::SeqCst);
        });
        let mut last = 0;
        let mut reads = 0;
        while !done.load(std::sync::atomic::Ordering::SeqCst) || reads == 0 {
            let articles = reader.counts().unwrap().articles;
            assert!(
                articles >= last,
                "count went back from {last} to {articles}"
            );
            last = articles;
            // A story read is one snapshot: its list and its articles agree.
            if let Some(s) = reader.stories(1, 0).unwrap().pop() {
                assert_eq!(s.coverage.articles, s.articles.len());
            }
            let recent = reader.recent_articles(t0()).unwrap();
            assert!(recent.len() >= articles);
            reads += 1;
        }
        w.join().unwrap();
        assert!(reads > 0);
    });
    assert_eq!(reader.counts().unwrap(), stored(0, N, 1));
    assert_eq!(
        reader
            .story_articles(&StoryId::from("sto-big"))
            .unwrap()
            .len(),
        N
    );
    // The store is shareable across threads as the trait requires.
    fn shareable<T: Send + Sync>(_: &T) {}
    shareable(&reader);
}

#[test]
fn member_lists_keep_their_order_through_moves_and_reorders() {
    let store = SqliteStore::open_in_memory().unwrap();
    let a: Vec<Article> = (0..6).map(|i| article(&format!("m{i}"), i)).collect();
    let ids =
        |s: &str| -> Vec<ArticleId> { store.story(&StoryId::from(s)).unwrap().unwrap().articles };
    store
        .commit_article(&a[0], &story("sto-1", &[&a[0]], 0))
        .unwrap();
    store
        .commit_article(&a[1], &story("sto-1", &[&a[0], &a[1]], 1))
        .unwrap();
    store
        .commit_article(&a[2], &story("sto-1", &[&a[0], &a[1], &a[2]], 2))
        .unwrap();
    // The middle one moves away: a gap in sto-1's positions.
    store
        .commit_article(&a[3], &story("sto-2", &[&a[1], &a[3]], 3))
        .unwrap();
    assert_eq!(ids("sto-1"), [a[0].id.clone(), a[2].id.clone()]);
    // Appending after the gap.
    store
        .commit_article(&a[4], &story("sto-1", &[&a[0], &a[2], &a[4]], 4))
        .unwrap();
    assert_eq!(
        ids("sto-1"),
        [a[0].id.clone(), a[2].id.clone(), a[4].id.clone()]
    );
    // A new order, the new article in the middle.
    store
        .commit_article(&a[5], &story("sto-1", &[&a[4], &a[5], &a[0], &a[2]], 5))
        .unwrap();
    let expected = [&a[4], &a[5], &a[0], &a[2]].map(|x| x.id.clone());
    assert_eq!(ids("sto-1"), expected);
    let members: Vec<ArticleId> = store
        .story_articles(&StoryId::from("sto-1"))
        .unwrap()
        .into_iter()
        .map(|x| x.id)
        .collect();
    assert_eq!(members, expected);
    assert_eq!(ids("sto-2"), [a[1].id.clone(), a[3].id.clone()]);
    assert_eq!(store.counts().unwrap(), stored(0, 6, 2));
}

#[test]
fn two_writers_on_one_file_wait_for_each_other() {
    let (_dir, path) = temp_db();
    let one = SqliteStore::open(&path).unwrap();
    let two = SqliteStore::open(&path).unwrap();
    let shared = article("shared", 0);
    let results = std::thread::scope(|scope| {
        let shared = &shared;
        let run = move |store: &SqliteStore, tag: &'static str| {
            let mut shared_result = None;
            for i in 0..40 {
                let a = article(&format!("{tag}{i}"), i);
                let s = story(&format!("sto-{tag}{i}"), &[&a], i);
                assert_eq!(
                    store.commit_article(&a, &s).unwrap(),
                    ArticleInsert::Inserted
                );
                if i == 20 {
                    let s = story(&format!("sto-shared-{tag}"), &[shared], i);
                    shared_result = Some(store.commit_article(shared, &s).unwrap());
                }
            }
            shared_result.unwrap()
        };
        let (one, two) = (&one, &two);
        let h1 = scope.spawn(move || run(one, "x"));
        let h2 = scope.spawn(move || run(two, "y"));
        [h1.join().unwrap(), h2.join().unwrap()]
    });
    // The same document committed by both: stored once.
    let inserted = results
        .iter()
        .filter(|r| **r == ArticleInsert::Inserted)
        .count();
    assert_eq!(inserted, 1, "{results:?}");
    assert!(results.contains(&ArticleInsert::Duplicate(shared.id.clone())));
    assert_eq!(one.counts().unwrap(), stored(0, 81, 81));
}

#[test]
fn a_share_that_is_not_a_number_does_not_make_a_story_unreadable() {
    let store = SqliteStore::open_in_memory().unwrap();
    let a = article("a", 0);
    let mut s = story("sto-nan", &[&a], 0);
    s.coverage.bias = vec![
        Tally {
            label: "unrated".into(),
            count: 0,
            share: f64::NAN,
        },
        Tally {
            label: "left".into(),
            count: 1,
            share: f64::INFINITY,
        },
        Tally {
            label: "right".into(),
            count: 1,
            share: 0.25,
        },
    ];
    store.commit_article(&a, &s).unwrap();
    let back = store.story(&s.id).unwrap().unwrap();
    let shares: Vec<f64> = back.coverage.bias.iter().map(|t| t.share).collect();
    assert_eq!(shares, [0.0, 0.0, 0.25]);
    assert_eq!(store.stories(10, 0).unwrap().len(), 1);
}

/// A feed state with every optional field set and extreme values.
fn full_feed() -> FeedState {
    FeedState {
        url: "https://kyivindependent.com/feed/?lang=uk&ü=1".into(),
        source: SourceId::from_key("kyivindependent.com"),
        etag: Some("W/\"5f3-«тег»\"".into()),
        last_modified: Some("Thu, 03 Jul 2025 11:59:59 GMT".into()),
        last_polled: Some(t0() + Duration::nanoseconds(123_456_789)),
        last_success: Some(t0() - Duration::days(1)),
        last_error: Some("HTTP 503: the server is busy — will retry".into()),
        warnings: vec![
            "entry 3 has no link".into(),
            String::new(),
            "entry \"x\" repeated".into(),
        ],
        consecutive_failures: u32::MAX,
        interval_secs: i64::MAX as u64,
        next_poll: t0() + Duration::minutes(15),
        last_new_entries: u32::MAX,
    }
}

#[test]
fn feed_states_round_trip_replace_and_come_by_url() {
    let (_dir, path) = temp_db();
    let store = SqliteStore::open(&path).unwrap();
    assert_eq!(store.feed_states().unwrap(), vec![]);

    let full = full_feed();
    let bare = FeedState::new(
        "https://b.example/rss",
        SourceId::from_key("b.example"),
        0,
        t0(),
    );
    let first = FeedState::new(
        "https://a.example/atom",
        SourceId::from_key("a.example"),
        60,
        t0(),
    );
    for f in [&full, &bare, &first] {
        store.save_feed_state(f).unwrap();
    }
    let expected = vec![first.clone(), bare.clone(), full.clone()];
    assert_eq!(store.feed_states().unwrap(), expected);

    // Replacing: every field follows, Some to None and back, and no row is added.
    let mut emptied = FeedState::new(&full.url, SourceId::from_key("other.example"), 1, t0());
    emptied.warnings = vec![];
    store.save_feed_state(&emptied).unwrap();
    let mut filled = full_feed();
    filled.url = bare.url.clone();
    store.save_feed_state(&filled).unwrap();
    let expected = vec![first.clone(), filled.clone(), emptied.clone()];
    assert_eq!(store.feed_states().unwrap(), expected);

    // An interval SQLite cannot hold is refused, and nothing is written.
    let mut huge = first.clone();
    huge.interval_secs = u64::MAX;
    huge.consecutive_failures = 7;
    assert!(matches!(
        store.save_feed_state(&huge),
        Err(Error::Invalid(_))
    ));
    assert_eq!(store.feed_states().unwrap(), expected);

    drop(store);
    let store = SqliteStore::open(&path).unwrap();
    assert_eq!(store.feed_states().unwrap(), expected);
    assert_eq!(
        store.counts().unwrap(),
        stored(0, 0, 0),
        "feeds are not sources"
    );
}

#[test]
fn articles_are_found_by_url_or_canonical_url() {
    let store = SqliteStore::open_in_memory().unwrap();
    let mut a = article("a", 0);
    a.url = Some("https://example.com/a?utm_source=feed".into());
    let mut local = article("local", 1);
    local.url = None;
    local.canonical_url = None;
    let mut plain = article("plain", 2);
    plain.canonical_url = None;
    store.commit_article(&a, &story("sto-a", &[&a], 0)).unwrap();
    store
        .commit_article(&local, &story("sto-a", &[&a, &local], 1))
        .unwrap();
    store
        .commit_article(&plain, &story("sto-a", &[&a, &local, &plain], 2))
        .unwrap();

    let by = |url: &str| store.article_by_url(url).unwrap();
    assert_eq!(
        by("https://example.com/a?utm_source=feed"),
        Some(a.id.clone())
    );
    assert_eq!(by("https://example.com/a"), Some(a.id.clone()));
    assert_eq!(by("https://example.com/plain"), Some(plain.id.clone()));
    assert_eq!(by("https://example.com/local"), None);
    assert_eq!(
        by("https://example.com/A"),
        None,
        "URLs are compared exactly"
    );
    assert_eq!(by(""), None);
    assert_eq!(
        by("/in/local.html"),
        None,
        "the origin is not a URL of the article"
    );
}

#[test]
fn articles_are_counted_per_source_since_a_day() {
    let store = SqliteStore::open_in_memory().unwrap();
    assert_eq!(store.source_article_counts(t0()).unwrap(), vec![]);
    const DAY: i64 = 24 * 60;
    let in_source = |key: &str, minutes: i64, source: &str| Article {
        source: SourceId::from_key(source),
        ..article(key, minutes)
    };
    // t0 is 12:00 UTC: -11 h is the same day, -13 h the day before.
    let arts = [
        in_source("a1", 0, "a.example"),
        in_source("a2", DAY, "a.example"),
        in_source("a3", 2 * DAY, "a.example"),
        in_source("b1", -11 * 60, "b.example"),
        in_source("c1", 3 * DAY, "c.example"),
        in_source("c2", -13 * 60, "c.example"),
    ];
    let mut members: Vec<&Article> = Vec::new();
    for a in &arts {
        members.push(a);
        store.commit_article(a, &story("sto", &members, 0)).unwrap();
    }
    let (a, b, c) = (
        SourceId::from_key("a.example"),
        SourceId::from_key("b.example"),
        SourceId::from_key("c.example"),
    );
    let sorted = |mut v: Vec<(SourceId, usize)>| {
        v.sort();
        v
    };
    let counts = |minutes: i64| {
        store
            .source_article_counts(t0() + Duration::minutes(minutes))
            .map(|v| {
                v.into_iter()
                    .map(|c| (c.source, c.articles))
                    .collect::<Vec<_>>()
            })
    };
    assert_eq!(
        counts(-DAY).unwrap(),
        sorted(vec![(a.clone(), 3), (b.clone(), 1), (c.clone(), 2)])
    );
    // Whole days: every article fetched on the day of `since` counts, at any hour.
    assert_eq!(
        counts(11 * 60).unwrap(),
        sorted(vec![(a.clone(), 3), (b.clone(), 1), (c.clone(), 1)])
    );
    assert_eq!(
        counts(DAY).unwrap(),
        sorted(vec![(a.clone(), 2), (c.clone(), 1)])
    );
    assert_eq!(counts(3 * DAY).unwrap(), vec![(c.clone(), 1)]);
    assert_eq!(counts(4 * DAY).unwrap(), vec![]);

    // An article attributed to another outlet moves its count with it.
    let moved = &arts[3];
    store
        .reattribute(&parallax_core::Reattribution {
            sources: vec![],
            articles: vec![parallax_core::ArticleAttribution {
                article: moved.id.clone(),
                story: parallax_core::StoryId("sto".into()),
                source: c.clone(),
                url: moved.url.clone(),
                canonical_url: moved.canonical_url.clone(),
                attribution: Default::default(),
            }],
            stories: vec![],
            setting: None,
        })
        .unwrap();
    assert_eq!(
        counts(-DAY).unwrap(),
        sorted(vec![(a, 3), (c, 3)]),
        "b.example has no article left"
    );
}

#[test]
fn corrupt_feed_rows_give_errors_not_panics() {
    let (_dir, path) = temp_db();
    let store = SqliteStore::open(&path).unwrap();
    store.save_feed_state(&full_feed()).unwrap();
    let c = raw(&path);
    for sql in [
        "UPDATE feeds SET consecutive_failures = -1",
        "UPDATE feeds SET consecutive_failures = 4294967296",
        "UPDATE feeds SET last_new_entries = -5",
        "UPDATE feeds SET last_new_entries = 9999999999",
        "UPDATE feeds SET interval_secs = -1",
        "UPDATE feeds SET interval_secs = 'hourly'",
        "UPDATE feeds SET interval_secs = 1.5",
        "UPDATE feeds SET next_poll = 'soon'",
        "UPDATE feeds SET last_polled = 'yesterday'",
        "UPDATE feeds SET last_success = 42",
        "UPDATE feeds SET warnings = 'not json'",
        "UPDATE feeds SET warnings = '[1, 2]'",
        "UPDATE feeds SET etag = x'00ff'",
    ] {
        c.execute_batch(sql).unwrap();
        let r = store.feed_states();
        assert!(matches!(r, Err(Error::DataCorruption(_))), "{sql}: {r:?}");
        c.execute("DELETE FROM feeds", []).unwrap();
        store.save_feed_state(&full_feed()).unwrap();
        assert_eq!(store.feed_states().unwrap(), vec![full_feed()]);
    }
}

fn embedding(a: &Article, model: &str, vector: Vec<f32>) -> parallax_core::ArticleEmbedding {
    parallax_core::ArticleEmbedding {
        article: a.id.clone(),
        model: model.into(),
        vector,
        created_at: t0(),
    }
}

/// Vectors come back bit for bit (odd values included), by id in the order asked, per model,
/// and for the window in the order the articles were stored; a reopened file still has them.
#[test]
fn embeddings_round_trip_by_id_and_for_the_window() {
    let (_dir, path) = temp_db();
    let a = article("a", 0);
    let b = article("b", 10);
    let c = article("c", 20);
    let va = vec![0.5, -0.25, f32::MIN_POSITIVE, 1e-38, -0.0, 3.0];
    let vb: Vec<f32> = (0..384).map(|i| (i as f32 * 0.37).sin()).collect();
    {
        let store = SqliteStore::open(&path).unwrap();
        let ea = embedding(&a, "m1", va.clone());
        assert_eq!(
            store
                .commit_article_embedded(&a, &story("s1", &[&a], 0), Some(&ea))
                .unwrap(),
            ArticleInsert::Inserted
        );
        store
            .commit_article_embedded(&b, &story("s1", &[&a, &b], 10), None)
            .unwrap();
        store.commit_article(&c, &story("s2", &[&c], 20)).unwrap();
        store
            .put_embeddings(&[
                embedding(&b, "m1", vb.clone()),
                embedding(&c, "m1", vec![1.0; 6]),
                embedding(&a, "m2", vec![2.0; 3]),
            ])
            .unwrap();
        // The same (article, model) again replaces the vector.
        store
            .put_embeddings(&[embedding(&c, "m1", vec![0.25; 4])])
            .unwrap();
    }
    let store = SqliteStore::open(&path).unwrap();
    let got = store
        .embeddings(
            "m1",
            &[c.id.clone(), a.id.clone(), ArticleId::from_key("none")],
        )
        .unwrap();
    assert_eq!(got.len(), 2);
    assert_eq!(got[0], embedding(&c, "m1", vec![0.25; 4]));
    assert_eq!(got[1].article, a.id);
    let bits = |v: &[f32]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
    assert_eq!(bits(&got[1].vector), bits(&va));
    assert!(store.embeddings("m1", &[]).unwrap().is_empty());

    let window = store
        .recent_embeddings("m1", t0() + Duration::minutes(5))
        .unwrap();
    let ids: Vec<_> = window.iter().map(|e| e.article.clone()).collect();
    assert_eq!(ids, vec![b.id.clone(), c.id.clone()]);
    assert_eq!(window[0].vector, vb);
    assert_eq!(
        store.recent_embeddings("m2", t0()).unwrap(),
        vec![embedding(&a, "m2", vec![2.0; 3])]
    );
    assert!(store.recent_embeddings("other", t0()).unwrap().is_empty());
    assert_eq!(
        vectors_per_model(&store),
        vec![("m1".to_string(), 3), ("m2".to_string(), 1)]
    );
}

/// A duplicate commit writes no vector; a vector of an article that is not stored, or an empty
/// one, is refused and nothing of its batch is written.
#[test]
fn embeddings_are_never_half_written() {
    let store = SqliteStore::open_in_memory().unwrap();
    let a = article("a", 0);
    store
        .commit_article_embedded(
            &a,
            &story("s1", &[&a], 0),
            Some(&embedding(&a, "m", vec![1.0])),
        )
        .unwrap();
    let mut again = a.clone();
    again.id = ArticleId::from_key("other id, same content");
    assert_eq!(
        store
            .commit_article_embedded(
                &again,
                &story("s9", &[&again], 0),
                Some(&embedding(&again, "m", vec![2.0]))
            )
            .unwrap(),
        ArticleInsert::Duplicate(a.id.clone())
    );
    let ghost = article("ghost", 0);
    let err = store
        .put_embeddings(&[
            embedding(&a, "m", vec![3.0]),
            embedding(&ghost, "m", vec![1.0]),
        ])
        .unwrap_err();
    assert!(matches!(err, Error::Invalid(_)), "{err}");
    assert!(matches!(
        store.put_embeddings(&[embedding(&a, "m", vec![])]),
        Err(Error::Invalid(_))
    ));
    // An embedding of another article committed with this one is refused with it.
    let b = article("b", 1);
    assert!(
        store
            .commit_article_embedded(
                &b,
                &story("s2", &[&b], 1),
                Some(&embedding(&a, "m", vec![5.0]))
            )
            .is_err()
    );
    assert_eq!(store.article(&b.id).unwrap(), None);
    assert_eq!(
        store
            .embeddings("m", &[a.id.clone(), again.id.clone()])
            .unwrap(),
        vec![embedding(&a, "m", vec![1.0])]
    );
    assert_eq!(vectors_per_model(&store), vec![("m".to_string(), 1)]);
}

/// A stored vector whose length does not match its dimension reads as corrupt data.
#[test]
fn corrupt_embeddings_give_errors_not_panics() {
    let (_dir, path) = temp_db();
    let a = article("a", 0);
    {
        let store = SqliteStore::open(&path).unwrap();
        store
            .commit_article_embedded(
                &a,
                &story("s1", &[&a], 0),
                Some(&embedding(&a, "m", vec![1.0, 2.0])),
            )
            .unwrap();
    }
    raw(&path)
        .execute_batch(
            "PRAGMA ignore_check_constraints = ON; UPDATE embeddings SET vector = x'0000803f'",
        )
        .unwrap();
    let store = SqliteStore::open(&path).unwrap();
    let err = store
        .embeddings("m", std::slice::from_ref(&a.id))
        .unwrap_err();
    assert!(matches!(err, Error::DataCorruption(_)), "{err}");
    assert!(store.recent_embeddings("m", t0()).is_err());
}

fn translation(
    original: &str,
    source: &str,
    target: &str,
    backend: &str,
    text: &str,
) -> Translation {
    Translation {
        text_hash: Translation::hash_of(original),
        source_language: source.into(),
        target_language: target.into(),
        backend: backend.into(),
        model: (backend == "openai").then(|| "small-model".to_string()),
        text: text.into(),
        translated_at: t0(),
    }
}

#[test]
fn translations_are_cached_by_text_language_and_backend_and_never_touch_originals() {
    let (_dir, path) = temp_db();
    let store = SqliteStore::open(&path).unwrap();
    let a = Article {
        title: "Grève des ferries".into(),
        language: Some("fr".into()),
        ..article("fr", 0)
    };
    store.commit_article(&a, &story("sto", &[&a], 0)).unwrap();
    let hash = Translation::hash_of(&a.title);
    assert!(
        store
            .translations(std::slice::from_ref(&hash), "en")
            .unwrap()
            .is_empty()
    );
    assert!(store.translations(&[], "en").unwrap().is_empty());
    store.save_translations(&[]).unwrap();

    let libre = translation(&a.title, "fr", "en", "libretranslate", "Ferry strike");
    let openai = translation(&a.title, "fr", "en", "openai", "Ferries strike");
    let german = translation(&a.title, "fr", "de", "libretranslate", "Fährenstreik");
    let other = translation("Autre titre", "fr", "en", "libretranslate", "Other title");
    store
        .save_translations(&[libre.clone(), openai.clone(), german.clone(), other.clone()])
        .unwrap();
    let mut got = store
        .translations(std::slice::from_ref(&hash), "en")
        .unwrap();
    got.sort_by(|x, y| x.backend.cmp(&y.backend));
    assert_eq!(got, vec![libre.clone(), openai.clone()]);
    assert_eq!(
        store
            .translations(std::slice::from_ref(&hash), "de")
            .unwrap(),
        vec![german]
    );
    let both = store
        .translations(
            &[hash.clone(), other.text_hash.clone(), "unknown".into()],
            "en",
        )
        .unwrap();
    assert_eq!(both.len(), 3);

    // The same key again replaces the translation; the original is as it was.
    let newer = Translation {
        text: "Ferry workers strike".into(),
        translated_at: t0() + Duration::minutes(5),
        ..libre.clone()
    };
    store
        .save_translations(std::slice::from_ref(&newer))
        .unwrap();
    drop(store);
    let store = SqliteStore::open(&path).unwrap();
    let got = store.translations(&[hash], "en").unwrap();
    assert_eq!(got.len(), 2);
    assert_eq!(got[0], newer, "newest first");
    assert_eq!(store.article(&a.id).unwrap(), Some(a));
}

// ----- search grouped by story (issue 12) -------------------------------------------------------

/// An article of `site` (whose source is `site`) in `language`, published `days` after t0().
fn search_article(
    site: &str,
    key: &str,
    language: &str,
    title: &str,
    body: &str,
    days: i64,
) -> Article {
    let mut a = article(&format!("{site}-{key}"), 0);
    a.source = SourceId::from_key(site);
    a.language = Some(language.into());
    a.title = title.into();
    a.paragraphs = vec![body.into(), "Second paragraph.".into()];
    a.published = Some(PublishedTime {
        at: t0() + Duration::days(days),
        found: DateFound::JsonLd,
        confidence: 0.9,
    });
    a
}

fn search_source(site: &str, country: &str) -> Source {
    Source {
        id: SourceId::from_key(site),
        country: Some(country.into()),
        ..Source::named(site)
    }
}

fn search(text: &str) -> parallax_core::SearchQuery {
    parallax_core::SearchQuery {
        text: text.into(),
        limit: 10,
        ..Default::default()
    }
}

/// The ids of the matching articles, story by story.
fn found(store: &SqliteStore, q: &parallax_core::SearchQuery) -> Vec<(String, Vec<ArticleId>)> {
    store
        .search_stories(q)
        .unwrap()
        .stories
        .into_iter()
        .map(|s| (s.id.0, s.articles.into_iter().map(|a| a.id).collect()))
        .collect()
}

/// A store with stories in English (two outlets, two countries), Chinese, Japanese, Arabic and
/// Russian.
fn search_store() -> (SqliteStore, Vec<Article>) {
    let store = SqliteStore::open_in_memory().unwrap();
    for (site, country) in [
        ("harbour.co.uk", "GB"),
        ("port.com", "US"),
        ("xinhua.cn", "CN"),
        ("nhk.jp", "JP"),
        ("aljazeera.net", "QA"),
        ("ria.ru", "RU"),
    ] {
        store.upsert_source(&search_source(site, country)).unwrap();
    }
    let a = vec![
        search_article(
            "harbour.co.uk",
            "a",
            "en",
            "Storm closes the harbour",
            "The breakwater failed at dawn near the harbour.",
            1,
        ),
        search_article(
            "port.com",
            "b",
            "en",
            "Harbor storm",
            "A storm hit the harbour city; the breakwater held.",
            2,
        ),
        search_article(
            "port.com",
            "c",
            "en",
            "Elections tomorrow",
            "Voters go to the polls; harbour workers strike.",
            5,
        ),
        search_article(
            "xinhua.cn",
            "d",
            "zh",
            "新华社报道",
            "国家主席习近平今天在北京会见了外国代表团。",
            3,
        ),
        search_article(
            "nhk.jp",
            "e",
            "ja",
            "台風のニュース",
            "東京都では台風の影響で電車が止まりました。",
            3,
        ),
        search_article(
            "aljazeera.net",
            "f",
            "ar",
            "عاصفة في الميناء",
            "ضربت العاصفة مدينة القاهرة صباح اليوم.",
            3,
        ),
        search_article(
            "ria.ru",
            "g",
            "ru",
            "Шторм в порту",
            "Сильный шторм обрушился на Москву в понедельник.",
            3,
        ),
    ];
    let stories = [
        ("sto-storm", vec![0, 1]),
        ("sto-vote", vec![2]),
        ("sto-zh", vec![3]),
        ("sto-ja", vec![4]),
        ("sto-ar", vec![5]),
        ("sto-ru", vec![6]),
    ];
    for (i, (id, members)) in stories.iter().enumerate() {
        let mut listed: Vec<&Article> = Vec::new();
        for &m in members {
            listed.push(&a[m]);
            store
                .commit_article(&a[m], &story(id, &listed, i as i64 * 10 + m as i64))
                .unwrap();
        }
    }
    (store, a)
}

#[test]
fn search_groups_matching_articles_by_story_best_first() {
    let (store, a) = search_store();
    let results = store.search_stories(&search("harbour breakwater")).unwrap();
    assert_eq!(results.total, 1);
    let s = &results.stories[0];
    assert_eq!(s.id, StoryId::from("sto-storm"));
    assert_eq!(s.title, "Story sto-storm");
    assert_eq!(s.matching, 2);
    let ids: Vec<&ArticleId> = s.articles.iter().map(|x| &x.id).collect();
    // "harbour" is in a's title and text: it ranks first.
    assert_eq!(ids, vec![&a[0].id, &a[1].id]);
    let first = &s.articles[0];
    assert_eq!(first.source, a[0].source);
    assert_eq!(first.language.as_deref(), Some("en"));
    assert_eq!(first.published, a[0].published.as_ref().map(|p| p.at));
    assert_eq!(first.title.plain(), a[0].title);
    assert_eq!(first.title.marked().collect::<Vec<_>>(), vec!["harbour"]);
    assert!(first.snippet.plain().contains("The breakwater failed"));
    let marks: Vec<&str> = first.snippet.marked().collect();
    assert!(
        marks.contains(&"breakwater") && marks.contains(&"harbour"),
        "{marks:?}"
    );

    // Words in double quotes are one phrase: adjacent, in that order.
    assert_eq!(found(&store, &search("\"breakwater failed\"")).len(), 1);
    assert!(found(&store, &search("\"failed breakwater\"")).is_empty());
    assert_eq!(found(&store, &search("failed breakwater")).len(), 1);

    // One word in two stories: both, the better match first.
    let both = found(&store, &search("harbour"));
    assert_eq!(both.len(), 2);
    assert_eq!(both[0].0, "sto-storm");
    assert_eq!(both[1], ("sto-vote".to_string(), vec![a[2].id.clone()]));
    // Pages of stories.
    let mut q = search("harbour");
    q.limit = 1;
    q.offset = 1;
    let page = store.search_stories(&q).unwrap();
    assert_eq!(page.total, 2);
    assert_eq!(page.stories.len(), 1);
    assert_eq!(page.stories[0].id, StoryId::from("sto-vote"));
}

#[test]
fn search_filters_by_country_language_outlet_and_dates() {
    let (store, a) = search_store();
    let mut q = search("harbour");
    q.country = Some("gb".into());
    assert_eq!(
        found(&store, &q),
        vec![("sto-storm".to_string(), vec![a[0].id.clone()])]
    );
    let mut q = search("harbour");
    q.source = Some(SourceId::from_key("port.com"));
    let got = found(&store, &q);
    assert_eq!(got.len(), 2);
    assert!(got.iter().all(|(_, ids)| !ids.contains(&a[0].id)));
    let mut q = search("harbour");
    q.language = Some("ru".into());
    assert!(found(&store, &q).is_empty());
    let mut q = search("harbour");
    q.since = Some(t0() + Duration::days(2));
    q.until = Some(t0() + Duration::days(3));
    assert_eq!(
        found(&store, &q),
        vec![("sto-storm".to_string(), vec![a[1].id.clone()])]
    );
    let mut q = search("harbour");
    q.since = Some(t0() + Duration::days(4));
    assert_eq!(
        found(&store, &q),
        vec![("sto-vote".to_string(), vec![a[2].id.clone()])]
    );
}

#[test]
fn search_finds_words_in_every_script() {
    let (store, a) = search_store();
    for (query, story, article, mark) in [
        ("习近平", "sto-zh", &a[3], "习近平"), // Chinese, inside a sentence
        ("北京", "sto-zh", &a[3], ""),         // two characters: titles only, not here
        ("新华社", "sto-zh", &a[3], "新华社"), // in the title
        ("台風の影響", "sto-ja", &a[4], "台風の影響"), // Japanese, inside a sentence
        ("القاهرة", "sto-ar", &a[5], "القاهرة"), // Arabic
        ("шторм", "sto-ru", &a[6], "Шторм"),   // Russian, any case
        ("Москву", "sto-ru", &a[6], "Москву"),
    ] {
        let results = store.search_stories(&search(query)).unwrap();
        if mark.is_empty() {
            assert!(results.stories.is_empty(), "{query}");
            continue;
        }
        assert_eq!(results.stories.len(), 1, "{query}");
        assert_eq!(results.stories[0].id, StoryId::from(story), "{query}");
        let hit = &results.stories[0].articles[0];
        assert_eq!(hit.id, article.id, "{query}");
        let marks: Vec<&str> = hit.title.marked().chain(hit.snippet.marked()).collect();
        assert!(marks.contains(&mark), "{query}: {marks:?}");
        assert_eq!(hit.title.plain(), article.title);
    }
    // A short Chinese or Japanese query finds titles holding it.
    let short = store.search_stories(&search("台風")).unwrap();
    assert_eq!(short.stories.len(), 1);
    assert_eq!(
        short.stories[0].articles[0]
            .title
            .marked()
            .collect::<Vec<_>>(),
        vec!["台風"]
    );
}

#[test]
fn search_never_errors_on_query_syntax() {
    let (store, _) = search_store();
    for query in [
        "\"unbalanced OR (",
        "NEAR(a b",
        "* ^ : -",
        "\"\"",
        "",
        "   ",
        "%_\\",
        "習\"(",
        "harbour)\"OR",
    ] {
        let results = store.search_stories(&search(query));
        assert!(results.is_ok(), "{query}: {results:?}");
    }
    assert_eq!(found(&store, &search("harbour)\"OR")).len(), 0);
    let mut q = search("harbour");
    q.limit = 0;
    assert!(store.search_stories(&q).unwrap().stories.is_empty());
}
