//! The backends against fake LibreTranslate and OpenAI-compatible servers on 127.0.0.1, the
//! cached pass over a real store, and the worker while the backend is down or slow. One
//! integration-test binary for the crate.

mod fake;

use parallax_core::store_roles::*;
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{TimeZone, Utc};
use parallax_core::{
    Article, ArticleId, Bullet, Coverage, SourceId, Store, Story, StoryId, Translation,
    content_hash,
};
use parallax_store::SqliteStore;
use parallax_translate::{
    BackendKind, PassOptions, Settings, TranslateError, TranslateWorker, Translator, WorkerOptions,
    translate_pass,
};
use serde_json::json;

fn settings(backend: BackendKind, url: String) -> Settings {
    Settings {
        backend,
        url,
        model: (backend == BackendKind::OpenAi).then(|| "tiny-translator".to_string()),
        api_key: (backend == BackendKind::OpenAi).then(|| fake::KEY.to_string()),
        requests_per_minute: 0,
        timeout: Duration::from_millis(700),
        connect_timeout: Duration::from_millis(500),
        retry_base_delay: Duration::from_millis(10),
        ..Settings::default()
    }
}

fn libre(url: String) -> Arc<dyn Translator> {
    settings(BackendKind::LibreTranslate, url)
        .translator()
        .unwrap()
}

fn texts(t: &[&str]) -> Vec<String> {
    t.iter().map(|s| s.to_string()).collect()
}

// ---------------------------------------------------------------------------------------------
// LibreTranslate

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn libretranslate_translates_a_batch_in_order_following_the_api() {
    let s = fake::start().await;
    let t = libre(s.url("ok"));
    assert_eq!(t.backend(), "libretranslate");
    assert_eq!(t.model(), None);
    assert_eq!(t.endpoint(), format!("{}/translate", s.url("ok")));
    let out = t
        .translate(&texts(&["Grève des ferries", "Deux"]), Some("fr"), "en")
        .await
        .unwrap();
    assert_eq!(out, vec!["[en] Grève des ferries", "[en] Deux"]);
    assert_eq!(
        s.seen.bodies("ok"),
        vec![
            json!({"q": ["Grève des ferries", "Deux"], "source": "fr", "target": "en", "format": "text"})
        ]
    );
    // Auto-detection sends "auto"; nothing at all sends nothing.
    let out = t.translate(&texts(&["Ciao"]), None, "en").await.unwrap();
    assert_eq!(out, vec!["[en] Ciao"]);
    assert_eq!(s.seen.bodies("ok")[1]["source"], "auto");
    assert!(t.translate(&[], Some("fr"), "en").await.unwrap().is_empty());
    assert_eq!(s.seen.hits("ok"), 2);
}

/// The fake follows the real contract for a plain-string `q` too (the answer is a string).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_fake_answers_a_string_q_with_a_string() {
    let s = fake::start().await;
    let c = parallax_http::ServiceClient::new(parallax_http::ServiceConfig::default()).unwrap();
    let r = c
        .post_json(
            &format!("{}/translate", s.url("ok")),
            br#"{"q":"Hola","source":"auto","target":"en"}"#.to_vec(),
            None,
        )
        .await
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&r.body).unwrap();
    assert_eq!(v["translatedText"], "[en] Hola");
    assert_eq!(v["detectedLanguage"]["language"], "fr");
    let r = c
        .post_json(&format!("{}/translate", s.url("ok")), b"{}".to_vec(), None)
        .await
        .unwrap();
    assert_eq!(r.status, 400);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_api_key_is_sent_and_a_wrong_one_is_a_typed_error() {
    let s = fake::start().await;
    let with = |key: Option<&str>| {
        Settings {
            api_key: key.map(str::to_string),
            ..settings(BackendKind::LibreTranslate, s.url("key"))
        }
        .translator()
        .unwrap()
    };
    let out = with(Some(fake::KEY))
        .translate(&texts(&["Hallo"]), Some("de"), "en")
        .await
        .unwrap();
    assert_eq!(out, vec!["[en] Hallo"]);
    assert_eq!(s.seen.bodies("key")[0]["api_key"], fake::KEY);

    let err = with(Some("wrong"))
        .translate(&texts(&["Hallo"]), Some("de"), "en")
        .await
        .unwrap_err();
    assert!(
        matches!(&err, TranslateError::Unauthorized { status: 403, message, .. } if message == "Invalid API key"),
        "{err:?}"
    );
    assert!(
        !err.user_message().contains("wrong"),
        "the key is never shown"
    );
    let err = with(None)
        .translate(&texts(&["Hallo"]), Some("de"), "en")
        .await
        .unwrap_err();
    assert!(
        matches!(err, TranslateError::Refused { status: 400, .. }),
        "{err:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn too_many_requests_are_retried_after_the_servers_wait_then_given_up() {
    let s = fake::start().await;
    let out = libre(s.url("busy"))
        .translate(&texts(&["Hola"]), Some("es"), "en")
        .await
        .unwrap();
    assert_eq!(out, vec!["[en] Hola"]);
    assert_eq!(s.seen.hits("busy"), 3, "two 429s, then the answer");

    let s = fake::start().await;
    let t = Settings {
        max_retries: 1,
        ..settings(BackendKind::LibreTranslate, s.url("busy"))
    }
    .translator()
    .unwrap();
    let err = t
        .translate(&texts(&["Hola"]), Some("es"), "en")
        .await
        .unwrap_err();
    assert!(
        matches!(&err, TranslateError::RateLimited { attempts: 2, retry_after: Some(d), message, .. }
            if d.is_zero() && message.starts_with("Slowdown")),
        "{err:?}"
    );
    assert!(!err.is_refusal());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn server_errors_are_retried_with_backoff_then_reported() {
    let s = fake::start().await;
    let out = libre(s.url("flaky"))
        .translate(&texts(&["Hola"]), Some("es"), "en")
        .await
        .unwrap();
    assert_eq!(out, vec!["[en] Hola"]);
    assert_eq!(s.seen.hits("flaky"), 2);

    let err = libre(s.url("down"))
        .translate(&texts(&["Hola"]), Some("es"), "en")
        .await
        .unwrap_err();
    assert!(
        matches!(&err, TranslateError::Failed { status: 500, attempts: 3, message, .. }
            if message.contains("model crashed")),
        "{err:?}"
    );
    assert_eq!(s.seen.hits("down"), 3, "the first try and two retries");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_slow_answer_times_out_and_a_closed_port_is_unreachable() {
    let s = fake::start().await;
    let t = Settings {
        max_retries: 0,
        timeout: Duration::from_millis(300),
        ..settings(BackendKind::LibreTranslate, s.url("slow"))
    }
    .translator()
    .unwrap();
    let start = Instant::now();
    let err = t
        .translate(&texts(&["Hola"]), Some("es"), "en")
        .await
        .unwrap_err();
    assert!(matches!(err, TranslateError::Timeout { .. }), "{err:?}");
    assert!(
        start.elapsed() < Duration::from_millis(1500),
        "{:?}",
        start.elapsed()
    );

    let err = libre(format!("http://127.0.0.1:{}", fake::closed_port()))
        .translate(&texts(&["Hola"]), Some("es"), "en")
        .await
        .unwrap_err();
    assert!(matches!(err, TranslateError::Unreachable { .. }), "{err:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn answers_that_do_not_map_one_to_one_are_rejected() {
    let s = fake::start().await;
    let err = libre(s.url("short"))
        .translate(&texts(&["a", "b", "c"]), Some("fr"), "en")
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            TranslateError::CountMismatch {
                expected: 3,
                got: 2,
                ..
            }
        ),
        "{err:?}"
    );
    let err = libre(s.url("ok"))
        .translate(&texts(&["Habari"]), Some("sw"), "en")
        .await
        .unwrap_err();
    assert!(err.is_refusal(), "{err:?}");
    assert!(
        err.user_message().contains("sw is not supported"),
        "{err:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_rate_limit_spaces_requests_as_configured() {
    let s = fake::start().await;
    // The server refuses requests less than 90 ms apart; 600 a minute is one per 100 ms.
    let t = Settings {
        requests_per_minute: 600,
        max_retries: 0,
        ..settings(BackendKind::LibreTranslate, s.url("paced"))
    }
    .translator()
    .unwrap();
    let batches: Vec<Vec<String>> = (0..5).map(|i| vec![format!("texte {i}")]).collect();
    let calls = batches.iter().map(|b| t.translate(b, Some("fr"), "en"));
    let mut handles = Vec::new();
    for c in calls {
        handles.push(c);
    }
    for r in futures_join(handles).await {
        r.unwrap();
    }
    let mut at = s.seen.arrivals("paced");
    at.sort();
    assert_eq!(at.len(), 5);
    for pair in at.windows(2) {
        let gap = pair[1] - pair[0];
        assert!(gap >= Duration::from_millis(90), "{gap:?}");
    }
}

/// Runs the futures concurrently on this task.
async fn futures_join<F: std::future::Future>(futures: Vec<F>) -> Vec<F::Output> {
    let mut pinned: Vec<_> = futures.into_iter().map(Box::pin).collect();
    let mut out: Vec<Option<F::Output>> = pinned.iter().map(|_| None).collect();
    std::future::poll_fn(|cx| {
        let mut pending = false;
        for (f, slot) in pinned.iter_mut().zip(out.iter_mut()) {
            if slot.is_none() {
                match f.as_mut().poll(cx) {
                    std::task::Poll::Ready(v) => *slot = Some(v),
                    std::task::Poll::Pending => pending = true,
                }
            }
        }
        if pending {
            std::task::Poll::Pending
        } else {
            std::task::Poll::Ready(())
        }
    })
    .await;
    out.into_iter().map(Option::unwrap).collect()
}

// ---------------------------------------------------------------------------------------------
// OpenAI-compatible

fn openai(url: String) -> Arc<dyn Translator> {
    settings(BackendKind::OpenAi, url).translator().unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn chat_completions_translate_numbered_lines_with_the_key() {
    let s = fake::start().await;
    let t = openai(s.url("ok"));
    assert_eq!(
        (t.backend(), t.model()),
        ("openai", Some("tiny-translator"))
    );
    let out = t
        .translate(&texts(&["Grève\ndes ferries", "Deux"]), Some("fr"), "en")
        .await
        .unwrap();
    assert_eq!(out, vec!["[en] Grève des ferries", "[en] Deux"]);
    let body = &s.seen.bodies("ok")[0];
    assert_eq!(body["model"], "tiny-translator");
    assert_eq!(body["temperature"], 0);
    let system = body["messages"][0]["content"].as_str().unwrap();
    assert!(
        system.contains("exactly 2 lines") && system.contains("French (fr)"),
        "{system}"
    );
    assert_eq!(
        body["messages"][1]["content"],
        "1. Grève des ferries\n2. Deux"
    );
    assert_eq!(
        s.seen.auth("ok"),
        vec![Some(format!("Bearer {}", fake::KEY))]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn chat_answers_that_do_not_map_back_are_refused_whole() {
    let s = fake::start().await;
    let three = texts(&["un", "deux", "trois"]);
    let err = openai(s.url("missing"))
        .translate(&three, Some("fr"), "en")
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            TranslateError::CountMismatch {
                expected: 3,
                got: 2,
                ..
            }
        ),
        "{err:?}"
    );
    for mode in ["chatty", "renumbered", "cut"] {
        let err = openai(s.url(mode))
            .translate(&three, Some("fr"), "en")
            .await
            .unwrap_err();
        assert!(
            matches!(err, TranslateError::BadResponse { .. }),
            "{mode}: {err:?}"
        );
    }
    let err = Settings {
        api_key: Some("sk-wrong".into()),
        ..settings(BackendKind::OpenAi, s.url("ok"))
    }
    .translator()
    .unwrap()
    .translate(&three, Some("fr"), "en")
    .await
    .unwrap_err();
    assert!(
        matches!(&err, TranslateError::Unauthorized { status: 401, message, .. }
            if message == "Incorrect API key provided"),
        "{err:?}"
    );
    assert!(!err.user_message().contains("sk-wrong"));
}

// ---------------------------------------------------------------------------------------------
// The pass and the cache

fn article(key: &str, title: &str, language: Option<&str>, minutes: i64) -> Article {
    let url = format!("https://news.example/{key}");
    Article {
        section: None,
        id: ArticleId::from_key(&url),
        source: SourceId::from_key("news.example"),
        url: Some(url.clone()),
        canonical_url: Some(url),
        title: title.to_string(),
        byline: None,
        published: None,
        language: language.map(str::to_string),
        paragraphs: vec![format!("Body of {key}.")],
        content_hash: content_hash(key),
        fetched_at: Utc.with_ymd_and_hms(2026, 5, 4, 10, 0, 0).unwrap()
            + chrono::Duration::minutes(minutes),
        origin: url_origin(key),
        warnings: vec![],
        excerpts: Vec::new(),
        attribution: Default::default(),
    }
}

fn url_origin(key: &str) -> String {
    format!("https://news.example/{key}")
}

/// Commits the articles as one story whose bullets are `(text, index of the cited article)`.
fn commit_story(store: &dyn Store, id: &str, articles: &[Article], bullets: &[(&str, usize)]) {
    let mut story = Story {
        id: StoryId::from(id),
        title: articles[0].title.clone(),
        summary: vec![],
        coverage: Coverage::default(),
        articles: vec![],
        first_seen: articles[0].fetched_at,
        last_updated: articles[0].fetched_at,
    };
    for (i, a) in articles.iter().enumerate() {
        story.articles.push(a.id.clone());
        story.last_updated = a.fetched_at;
        if i + 1 == articles.len() {
            story.summary = bullets
                .iter()
                .map(|(text, cited)| Bullet {
                    text: text.to_string(),
                    citations: vec![articles[*cited].id.clone()],
                })
                .collect();
        }
        store.commit_article(a, &story).unwrap();
    }
}

/// Two stories: French, German and English articles about a ferry strike; a Japanese one and
/// one of unknown language. Six foreign texts for an English reader.
fn stocked_store() -> Arc<SqliteStore> {
    let store = Arc::new(SqliteStore::open_in_memory().unwrap());
    commit_story(
        store.as_ref(),
        "sto-ferry",
        &[
            article("fr", "Grève des ferries à Marseille", Some("fr"), 0),
            article("en", "Ferry strike in Marseille", Some("en"), 1),
            article("de", "Fährstreik in Marseille", Some("de"), 2),
        ],
        &[
            ("Les marins ont cessé le travail lundi.", 0),
            ("Sailors stopped work on Monday.", 1),
            ("Die Seeleute legten am Montag die Arbeit nieder.", 2),
        ],
    );
    commit_story(
        store.as_ref(),
        "sto-ja",
        &[
            article("ja", "フェリー乗組員がストライキ", Some("ja"), 10),
            article("xx", "Ttt qqq", None, 11),
        ],
        &[("乗組員は月曜日に仕事をやめた。", 0), ("Qqq ttt.", 1)],
    );
    store
}

fn pass_options() -> PassOptions {
    PassOptions {
        target: "en".into(),
        max_texts: 100,
        batch_size: 16,
        max_stories: 10,
        max_text_chars: 2000,
        since: None,
    }
}

fn cached(store: &dyn Store, original: &str) -> Vec<Translation> {
    store
        .translations(&[Translation::hash_of(original)], "en")
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pass_translates_foreign_titles_and_sentences_once_and_caches_them() {
    let s = fake::start().await;
    let store = stocked_store();
    let before: Vec<Article> = store.story_articles(&StoryId::from("sto-ferry")).unwrap();
    let t = libre(s.url("ok"));
    let report = translate_pass(store.as_ref(), t.as_ref(), &pass_options())
        .await
        .unwrap();
    assert_eq!(report.stories, 2);
    assert_eq!((report.wanted, report.cached, report.translated), (6, 0, 6));
    assert_eq!(report.requests, 3, "one batch per source language");
    assert!(report.complete() && report.failure.is_none());

    let sent: Vec<serde_json::Value> = s.seen.bodies("ok");
    let all: Vec<String> = sent
        .iter()
        .flat_map(|b| b["q"].as_array().unwrap().clone())
        .map(|v| v.as_str().unwrap().to_string())
        .collect();
    assert!(
        !all.iter()
            .any(|t| t.contains("Ferry strike") || t.contains("Sailors")),
        "{all:?}"
    );
    assert!(
        !all.iter().any(|t| t.contains("Qqq")),
        "unknown language is left alone"
    );
    let fr = sent.iter().find(|b| b["source"] == "fr").unwrap();
    assert_eq!(
        fr["q"],
        json!([
            "Grève des ferries à Marseille",
            "Les marins ont cessé le travail lundi."
        ])
    );

    let got = cached(store.as_ref(), "Grève des ferries à Marseille");
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].text, "[en] Grève des ferries à Marseille");
    assert_eq!(
        (got[0].source_language.as_str(), got[0].backend.as_str()),
        ("fr", "libretranslate")
    );
    assert_eq!(
        cached(store.as_ref(), "乗組員は月曜日に仕事をやめた。").len(),
        1
    );
    assert!(cached(store.as_ref(), "Ferry strike in Marseille").is_empty());
    // The originals are as they were.
    assert_eq!(
        store.story_articles(&StoryId::from("sto-ferry")).unwrap(),
        before
    );

    // A second pass finds everything cached and sends nothing.
    let hits = s.seen.total();
    let again = translate_pass(store.as_ref(), t.as_ref(), &pass_options())
        .await
        .unwrap();
    assert_eq!(
        (again.wanted, again.cached, again.translated, again.requests),
        (6, 6, 0, 0)
    );
    assert_eq!(s.seen.total(), hits, "no request for cached texts");

    // Another backend has its own cache entries.
    let chat = openai(s.url("ok"));
    let other = translate_pass(store.as_ref(), chat.as_ref(), &pass_options())
        .await
        .unwrap();
    assert_eq!(other.translated, 6);
    assert_eq!(
        cached(store.as_ref(), "Grève des ferries à Marseille").len(),
        2
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_per_pass_limit_leaves_the_rest_for_the_next_pass() {
    let s = fake::start().await;
    let store = stocked_store();
    let t = libre(s.url("ok"));
    let limited = PassOptions {
        max_texts: 4,
        batch_size: 3,
        ..pass_options()
    };
    let first = translate_pass(store.as_ref(), t.as_ref(), &limited)
        .await
        .unwrap();
    assert_eq!((first.translated, first.left), (4, 2));
    assert!(!first.complete());
    let second = translate_pass(store.as_ref(), t.as_ref(), &limited)
        .await
        .unwrap();
    assert_eq!((second.cached, second.translated, second.left), (4, 2, 0));
    assert!(second.complete());
    // Only stories updated after `since` are looked at.
    let later = PassOptions {
        since: second.newest,
        ..pass_options()
    };
    let none = translate_pass(store.as_ref(), t.as_ref(), &later)
        .await
        .unwrap();
    assert_eq!((none.stories, none.wanted), (0, 0));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failing_backend_ends_the_pass_and_a_refused_language_only_skips_itself() {
    let s = fake::start().await;
    let store = stocked_store();
    let down = Settings {
        max_retries: 0,
        ..settings(BackendKind::LibreTranslate, s.url("down"))
    }
    .translator()
    .unwrap();
    let report = translate_pass(store.as_ref(), down.as_ref(), &pass_options())
        .await
        .unwrap();
    assert!(matches!(
        report.failure,
        Some(TranslateError::Failed { status: 500, .. })
    ));
    assert_eq!((report.translated, report.requests, report.left), (0, 1, 6));
    assert_eq!(
        s.seen.hits("down"),
        1,
        "the pass gives up at the first failure"
    );

    // The fake has no Swahili: that batch is refused, the others go on.
    let store = Arc::new(SqliteStore::open_in_memory().unwrap());
    commit_story(
        store.as_ref(),
        "sto-mixed",
        &[
            article("sw", "Mgomo wa feri", Some("sw"), 0),
            article("it", "Sciopero dei traghetti", Some("it"), 1),
        ],
        &[],
    );
    let report = translate_pass(store.as_ref(), libre(s.url("ok")).as_ref(), &pass_options())
        .await
        .unwrap();
    assert_eq!(report.translated, 1);
    assert_eq!(report.refused.len(), 1);
    assert_eq!(report.refused[0].0, "sw");
    assert!(report.complete());
}

// ---------------------------------------------------------------------------------------------
// The worker

fn worker_options(interval_ms: u64) -> WorkerOptions {
    WorkerOptions {
        pass: pass_options(),
        interval: Duration::from_millis(interval_ms),
        max_backoff: Duration::from_millis(interval_ms * 4),
        first_delay: Duration::ZERO,
    }
}

fn wait_until(what: &str, mut done: impl FnMut() -> bool) {
    let start = Instant::now();
    while !done() {
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "timed out waiting for {what}"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn the_worker_translates_in_the_background_and_picks_up_new_stories() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let s = rt.block_on(fake::start());
    let store = stocked_store();
    let t = libre(s.url("ok"));
    let worker = TranslateWorker::spawn(store.clone(), t, worker_options(60_000)).unwrap();
    wait_until("the first pass", || {
        !cached(store.as_ref(), "フェリー乗組員がストライキ").is_empty()
    });
    commit_story(
        store.as_ref(),
        "sto-new",
        &[article("es", "Huelga de transbordadores", Some("es"), 30)],
        &[],
    );
    worker.nudge();
    wait_until("the nudged pass", || {
        !cached(store.as_ref(), "Huelga de transbordadores").is_empty()
    });
    let start = Instant::now();
    worker.shutdown();
    assert!(start.elapsed() < Duration::from_secs(2));
    assert!(store.problems(10).unwrap().is_empty());
}

#[test]
fn ingestion_goes_on_while_the_backend_is_down_or_slow_and_the_failure_is_recorded() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let s = rt.block_on(fake::start());
    let store = stocked_store();

    // Down: nothing listens. The failure is recorded as a problem, once for now.
    let down = libre(format!("http://127.0.0.1:{}", fake::closed_port()));
    let worker = TranslateWorker::spawn(store.clone(), down, worker_options(100)).unwrap();
    wait_until("a recorded problem", || {
        !store.problems(10).unwrap().is_empty()
    });
    for i in 0..20 {
        let start = Instant::now();
        commit_story(
            store.as_ref(),
            &format!("sto-busy-{i}"),
            &[article(
                &format!("n{i}"),
                &format!("Nouvelle {i}"),
                Some("fr"),
                40 + i,
            )],
            &[],
        );
        assert!(start.elapsed() < Duration::from_secs(1));
    }
    std::thread::sleep(Duration::from_millis(300));
    worker.shutdown();
    assert_eq!(
        store.counts().unwrap().articles,
        25,
        "every article was stored"
    );
    let problems = store.problems(100).unwrap();
    let parallax_core::Problem {
        origin, message, ..
    } = &problems[problems.len() - 1];
    assert!(
        origin.starts_with("translation: libretranslate at http://127.0.0.1:"),
        "{origin}"
    );
    assert!(
        message.contains("could not reach the translation server"),
        "{message}"
    );
    assert!(message.contains("crawling and imports go on"), "{message}");
    assert!(
        problems.len() <= 3,
        "backed off, not one problem per pass: {problems:?}"
    );

    // Slow: a request in flight does not hold up writes, and stopping does not wait for it.
    let slow = Settings {
        timeout: Duration::from_secs(10),
        ..settings(BackendKind::LibreTranslate, s.url("slow"))
    }
    .translator()
    .unwrap();
    let worker = TranslateWorker::spawn(store.clone(), slow, worker_options(100)).unwrap();
    wait_until("a request in flight", || s.seen.hits("slow") > 0);
    let start = Instant::now();
    commit_story(
        store.as_ref(),
        "sto-while-slow",
        &[article("slow", "Encore une nouvelle", Some("fr"), 90)],
        &[],
    );
    assert!(start.elapsed() < Duration::from_secs(1));
    let start = Instant::now();
    worker.shutdown();
    assert!(
        start.elapsed() < Duration::from_secs(1),
        "{:?}",
        start.elapsed()
    );
}
