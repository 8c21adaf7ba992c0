//! The crawler against a fixture news web on 127.0.0.1: every article ingested once, conditional
//! requests on the second pass, and misbehaving sites recorded as readable per-source errors or
//! warnings without harming the others.

mod server;

use parallax_core::{Source, Store};
use parallax_crawl::{CrawlConfig, Crawler, IngestWorker};
use parallax_http::{ClientConfig, PoliteClient};
use parallax_store::SqliteStore;
use std::sync::Arc;
use std::time::Duration;

fn client() -> PoliteClient {
    PoliteClient::new(ClientConfig {
        user_agent_contact: "https://parallax.example/contact".to_string(),
        allow_private_addresses: true,
        connect_timeout: Duration::from_millis(500),
        read_timeout: Duration::from_millis(800),
        total_timeout: Duration::from_secs(5),
        per_host_concurrency: 4,
        per_host_min_interval: Duration::ZERO,
        retry_base_delay: Duration::from_millis(50),
        max_retry_after: Duration::from_secs(2),
        ..ClientConfig::default()
    })
    .unwrap()
}

fn make_all_due(store: &dyn Store) {
    for mut s in store.feed_states().unwrap() {
        s.next_poll = chrono::Utc::now() - chrono::Duration::seconds(1);
        store.save_feed_state(&s).unwrap();
    }
}

async fn pass(store: &Arc<dyn Store>, sources: &[Source]) -> parallax_crawl::CrawlSummary {
    let crawler = Crawler::new(client(), CrawlConfig::default(), store.clone());
    let worker = IngestWorker::spawn(store.clone()).unwrap();
    let handle = worker.handle();
    let summary = crawler.crawl_once(sources, &handle, &|_| {}).await.unwrap();
    drop(handle);
    tokio::task::spawn_blocking(move || worker.shutdown())
        .await
        .unwrap();
    summary
}

fn all_articles(store: &dyn Store) -> Vec<parallax_core::Article> {
    let mut out = Vec::new();
    for s in store.stories(10_000, 0).unwrap() {
        out.extend(store.story_articles(&s.id).unwrap());
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ingests_every_article_once_then_polls_conditionally() {
    let fx = server::start().await;
    let dir = tempfile::tempdir().unwrap();
    let store: Arc<dyn Store> = Arc::new(SqliteStore::open(&dir.path().join("p.db")).unwrap());
    let good: Vec<Source> = server::sources(&fx)
        .into_iter()
        .filter(|s| {
            ["a", "b", "c", "d", "repeat"]
                .iter()
                .any(|k| s.name == format!("Fixture {k}"))
        })
        .collect();
    assert_eq!(good.len(), 5);

    let first = pass(&store, &good).await;
    assert_eq!(first.feeds_polled, 5, "{first:?}");
    assert_eq!(first.feeds_failed, 0, "{first:?}");
    assert_eq!(first.new_articles, 7, "{first:?}");
    assert_eq!(first.feed_only_articles, 0, "{first:?}");
    for page in [
        "/a/article-1.html",
        "/a/article-2.html",
        "/b/artikel-1.html",
        "/c/statya-1.html",
        "/d/kiji-1.html",
        "/repeat/story.html",
    ] {
        assert_eq!(fx.hits(page), 1, "{page} fetched once");
    }
    let articles = all_articles(store.as_ref());
    assert_eq!(articles.len(), 7);
    let text: String = articles.iter().map(|a| a.full_text()).collect();
    assert!(
        text.contains("Überfahrten"),
        "ISO-8859-1/windows-1252 page decoded"
    );
    assert!(
        text.contains("Забастовка паромщиков"),
        "windows-1251 page decoded"
    );
    assert!(text.contains("ストライキ"), "Shift_JIS page decoded");
    let langs: std::collections::BTreeSet<_> =
        articles.iter().filter_map(|a| a.language.clone()).collect();
    for l in ["de", "en", "ja", "ru"] {
        assert!(langs.contains(l), "{l} in {langs:?}");
    }
    // Tracking parameters are gone from stored URLs.
    assert!(
        articles
            .iter()
            .all(|a| !a.url.as_deref().unwrap_or("").contains("utm_"))
    );
    // The feed that repeats its entry says so.
    let states = store.feed_states().unwrap();
    let repeat = states
        .iter()
        .find(|s| s.url.ends_with("/repeat/rss.xml"))
        .unwrap();
    assert!(
        repeat.warnings.iter().any(|w| w.contains("repeated")),
        "{:?}",
        repeat.warnings
    );

    make_all_due(store.as_ref());
    let second = pass(&store, &good).await;
    assert_eq!(second.new_articles, 0, "{second:?}");
    assert_eq!(store.counts().unwrap().articles, 7);
    for feed in [
        "/a/rss.xml",
        "/b/atom.xml",
        "/c/feed.json",
        "/d/sitemap.xml",
    ] {
        assert_eq!(
            fx.conditional_hits(feed),
            1,
            "{feed}: the second poll is conditional"
        );
    }
    assert_eq!(second.feeds_not_modified, 4, "{second:?}");
    assert_eq!(
        fx.hits("/a/article-1.html"),
        1,
        "pages are not fetched again"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn misbehaving_sites_are_recorded_per_source_and_harm_no_one() {
    let fx = server::start().await;
    let dir = tempfile::tempdir().unwrap();
    let store: Arc<dyn Store> = Arc::new(SqliteStore::open(&dir.path().join("p.db")).unwrap());
    let sources = server::sources(&fx);
    let summary = pass(&store, &sources).await;

    let error_of = |slug: &str| -> Option<String> {
        let url = fx.url(&format!("/{slug}/"));
        store
            .feed_states()
            .unwrap()
            .into_iter()
            .find(|s| s.url.starts_with(&url))
            .and_then(|s| s.last_error)
    };
    let err = |slug: &str| {
        error_of(slug).unwrap_or_else(|| panic!("{slug}: no error recorded; {summary:?}"))
    };
    assert!(err("slow").contains("timed out"), "{}", err("slow"));
    assert!(err("err").contains("500"), "{}", err("err"));
    assert!(
        err("loop").to_lowercase().contains("redirect"),
        "{}",
        err("loop")
    );
    assert!(err("bad").contains("could not be read"), "{}", err("bad"));
    assert!(err("private").contains("robots.txt"), "{}", err("private"));
    assert_eq!(
        error_of("limited"),
        None,
        "429 with Retry-After: 1 is waited out"
    );
    assert_eq!(summary.feeds_failed, 5, "{summary:?}");

    // The good outlets are unaffected.
    let articles = all_articles(store.as_ref());
    for url in [
        "/a/article-1.html",
        "/b/artikel-1.html",
        "/c/statya-1.html",
        "/d/kiji-1.html",
    ] {
        assert!(
            articles
                .iter()
                .any(|a| a.url.as_deref() == Some(&fx.url(url))),
            "{url} stored"
        );
    }
    // The 20 MB page and the gzip bomb are refused; their feed entries are kept and marked.
    for slug in ["big", "bomb"] {
        let a = articles
            .iter()
            .find(|a| {
                a.url
                    .as_deref()
                    .is_some_and(|u| u.contains(&format!("/{slug}/page.html")))
            })
            .unwrap_or_else(|| panic!("{slug}: the feed entry is kept"));
        assert!(
            a.warnings
                .iter()
                .any(|w| w.contains("full text unavailable") && w.contains("larger")),
            "{slug}: {:?}",
            a.warnings
        );
    }
    assert_eq!(summary.feed_only_articles, 2, "{summary:?}");
    // Nothing half-written: every stored article has a title and text, and belongs to a story.
    for a in &articles {
        assert!(!a.title.is_empty() && !a.paragraphs.is_empty(), "{a:?}");
    }
    assert_eq!(articles.len(), store.counts().unwrap().articles);
}

/// The continuous crawl: its first pass stores the fixture web's articles, then (with a policy
/// that regroups after one article) regroups the window and digests every story, as `parallax
/// run` does; the pass is reported to the caller with what followed it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_continuous_crawl_regroups_and_digests_after_a_pass() {
    let fx = server::start().await;
    let dir = tempfile::tempdir().unwrap();
    let store: Arc<dyn Store> = Arc::new(SqliteStore::open(&dir.path().join("p.db")).unwrap());
    let good: Vec<Source> = server::sources(&fx)
        .into_iter()
        .filter(|s| ["a", "b"].iter().any(|k| s.name == format!("Fixture {k}")))
        .collect();
    let crawler = Crawler::new(client(), CrawlConfig::default(), store.clone());
    let worker = IngestWorker::spawn(store.clone()).unwrap();
    let handle = worker.handle();
    let policy = parallax_crawl::ConsolidationPolicy {
        after_articles: 1,
        every: Duration::from_secs(3600),
    };
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let crawl = parallax_crawl::crawl_continuously(&crawler, &good, &handle, policy, "en", |r| {
        let _ = tx.send((
            r.pass,
            r.summary.as_ref().map(|s| s.new_articles).ok(),
            r.settled,
        ));
    });
    let first = tokio::select! {
        () = crawl => unreachable!("the crawl runs until dropped"),
        first = rx.recv() => first.unwrap(),
    };
    let (pass, new_articles, settled) = first;
    assert_eq!(pass, 1);
    assert!(new_articles.is_some_and(|n| n > 0), "{new_articles:?}");
    let settled = settled.expect("a regrouping and digest pass followed");
    assert!(settled.regrouped.articles > 0, "{settled:?}");
    assert!(settled.digests.digested > 0, "{settled:?}");
    assert!(
        store.stale_digests(100).unwrap().is_empty(),
        "every story has a current digest"
    );
    drop(handle);
    tokio::task::spawn_blocking(move || worker.shutdown())
        .await
        .unwrap();
}
