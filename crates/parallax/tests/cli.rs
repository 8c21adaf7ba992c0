//! End-to-end tests of the `parallax` binary: import, re-import, a killed import, bad files, and
//! the pages served afterwards. One integration-test binary for the crate.

use parallax_core::store_roles::*;
use parallax_core::{Store, Story};
use parallax_store::SqliteStore;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

fn parallax(db: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_parallax"));
    c.arg("--db").arg(db);
    // No embedding model, whatever this machine has installed: the tests run as on a machine
    // without one (the ones about embeddings set their own).
    c.env("PARALLAX_MODELS", NO_MODELS);
    c
}

/// A models root that holds no model.
const NO_MODELS: &str = "/nonexistent/parallax-test-models";

fn run(cmd: &mut Command) -> Output {
    cmd.output().expect("the parallax binary runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn shared(rel: &str) -> Option<PathBuf> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared")
        .join(rel);
    if p.exists() {
        Some(p)
    } else {
        eprintln!("skipping: {} is absent", p.display());
        None
    }
}

fn data(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/data")
        .join(rel)
}

/// Polls the store that a running import or crawl writes until it holds at least `n` articles
/// (or a minute has passed); returns how many it holds.
fn wait_for_articles(db: &Path, n: usize) -> usize {
    let start = Instant::now();
    loop {
        std::thread::sleep(Duration::from_millis(20));
        let stored = SqliteStore::open(db)
            .ok()
            .and_then(|s| s.counts().ok())
            .map_or(0, |c| c.articles);
        if stored >= n || start.elapsed() > Duration::from_secs(60) {
            return stored;
        }
    }
}

/// What must be equal between two stores holding the same import: every story (without its
/// timestamps) and every article id.
type StoryRows = Vec<(String, String, String, Vec<String>)>;

fn snapshot(db: &Path) -> (StoryRows, usize) {
    let store = SqliteStore::open(db).unwrap();
    let mut stories: Vec<Story> = store.stories(1_000_000, 0).unwrap();
    stories.sort_by(|a, b| a.id.cmp(&b.id));
    let rows = stories
        .iter()
        .map(|s| {
            (
                s.id.to_string(),
                s.title.clone(),
                serde_json::to_string(&(&s.summary, &s.coverage)).unwrap(),
                s.articles.iter().map(|a| a.to_string()).collect(),
            )
        })
        .collect();
    (rows, store.counts().unwrap().articles)
}

#[test]
fn seeds_make_one_cited_story_without_boilerplate() {
    let Some(seeds) = shared("seeds") else { return };
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("p.db");
    let out = run(parallax(&db).arg("import").arg(&seeds));
    assert!(out.status.success(), "{}", stdout(&out));
    assert!(
        stdout(&out).contains("Imported 5 articles (1 new story)"),
        "{}",
        stdout(&out)
    );

    let out = run(parallax(&db).args(["stories", "--format", "json"]));
    let rows: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let rows = rows.as_array().unwrap();
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert_eq!(rows[0]["article_count"], 5);
    let title = rows[0]["title"].as_str().unwrap();
    assert!(
        title.contains("Putin") && title.contains("Trump"),
        "title: {title}"
    );

    let id = rows[0]["id"].as_str().unwrap();
    let out = run(parallax(&db).args(["story", id, "--format", "json"]));
    let story: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let summary = story["summary"].as_array().unwrap();
    assert!(summary.len() >= 3, "{summary:?}");
    let article_ids: Vec<&str> = story["articles"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["id"].as_str().unwrap())
        .collect();
    for b in summary {
        let cites = b["citations"].as_array().unwrap();
        assert!(!cites.is_empty());
        assert!(
            cites
                .iter()
                .all(|c| article_ids.contains(&c.as_str().unwrap()))
        );
    }
    assert!(story["coverage"]["articles"] == 5);

    let store = SqliteStore::open(&db).unwrap();
    let stories = store.stories(10, 0).unwrap();
    let articles = store.story_articles(&stories[0].id).unwrap();
    let boilerplate = [
        "Get the full experience in the app",
        "Scroll the Globe",
        "Apple App Store Badge",
        "Overview Logo",
        "Article Main Image",
        "Subscribe Free To Our Daily Newsletters",
        "Related Links",
        "Upgrade to Premium",
        "Learn about nuclear weapons doctrine",
        "Dalai Lama",
        "Coverage Details",
        "Bias Distribution",
        "]]>",
    ];
    for a in &articles {
        let text = a.full_text();
        for b in boilerplate {
            assert!(!text.contains(b), "{b:?} survived in {}:\n{text}", a.origin);
        }
    }
    // The real text survived.
    let all: String = articles.iter().map(|a| a.full_text()).collect();
    assert!(all.contains("sixth conversation"));
    assert!(all.contains("Ushakov"));
}

/// Issue 6 on the seeds, through `parallax import` and the story's JSON as `parallax story` and
/// the API give it: the call's duration disputed with the sources on each side, "sixth" agreed by
/// three or more independent reports, Ushakov's quoted words checked word for word against the
/// page they come from, spelling variants merged into one entity; then the entity and blindspot
/// commands and pages.
#[test]
fn seed_story_has_its_claim_ledger_quotes_and_entities() {
    let Some(seeds) = shared("seeds") else { return };
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("p.db");
    let out = run(parallax(&db).arg("import").arg(&seeds));
    assert!(out.status.success(), "{}", stdout(&out));
    let out = run(parallax(&db).args(["stories", "--format", "json"]));
    let rows: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let id = rows[0]["id"].as_str().unwrap().to_string();
    // Digested after the import: five articles from five independent reports.
    assert_eq!(rows[0]["independent_reports"], 5, "{rows}");
    let out = run(parallax(&db).args(["story", &id, "--format", "json"]));
    assert!(out.status.success());
    let story: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let claims = story["claims"].as_array().unwrap();
    let texts = |c: &serde_json::Value| -> Vec<String> {
        c["sources"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["sentence"].as_str().unwrap().to_string())
            .collect()
    };

    // Disputed: "almost an hour" and its variants against "several minutes", each side sourced.
    let duration = claims
        .iter()
        .find(|c| {
            c["kind"] == "disputed"
                && c["values"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|v| v == "several minutes")
        })
        .unwrap_or_else(|| panic!("no disputed duration in {claims:#?}"));
    let sides = duration["sides"].as_array().unwrap();
    assert!(sides.len() >= 2, "{duration}");
    let side_with = |value: &str| {
        sides
            .iter()
            .find(|s| {
                s["values"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|v| v.as_str().unwrap().contains(value))
            })
            .unwrap_or_else(|| panic!("no side with {value}: {duration}"))
    };
    let hour = side_with("an hour");
    let minutes = side_with("several minutes");
    assert!(hour["independent_sources"].as_u64().unwrap() >= 3, "{hour}");
    assert!(!minutes["articles"].as_array().unwrap().is_empty());
    // "several minutes" comes from another outlet's article quoted on the aggregator page: cited
    // as an excerpt of that page, with its exact sentence.
    let minutes_source = minutes["articles"][0].as_str().unwrap();
    assert!(minutes_source.contains("#excerpt-"), "{minutes_source}");
    assert!(
        duration["sources"].as_array().unwrap().iter().any(|s| {
            s["article"] == minutes_source
                && s["sentence"]
                    .as_str()
                    .unwrap()
                    .contains("lasted for several minutes")
        }),
        "{duration}"
    );
    assert!(
        texts(duration)
            .iter()
            .any(|t| t.contains("lasted almost an hour")),
        "{duration}"
    );
    assert_eq!(
        story["excerpts"].as_array().unwrap().len(),
        4,
        "the aggregator page quotes four articles: {}",
        story["excerpts"]
    );

    // Agreed: the sixth conversation, by three or more independent reports.
    let sixth = claims
        .iter()
        .find(|c| {
            c["kind"] == "agreed"
                && c["values"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|v| v.as_str().unwrap().eq_ignore_ascii_case("sixth"))
        })
        .unwrap_or_else(|| panic!("no agreed 'sixth' in {claims:#?}"));
    assert!(
        sixth["independent_sources"].as_u64().unwrap() >= 3,
        "{sixth}"
    );

    // Ushakov's quoted words, checked word for word against the stored page they come from.
    let store = SqliteStore::open(&db).unwrap();
    let ushakov: Vec<&serde_json::Value> = claims
        .iter()
        .filter(|c| {
            c["form"] == "quote" && c["speaker"].as_str().is_some_and(|s| s.contains("Ushakov"))
        })
        .collect();
    assert!(!ushakov.is_empty(), "no Ushakov quote in {claims:#?}");
    for q in &ushakov {
        assert_eq!(q["quote_check"]["verbatim"], true, "{q}");
        let words = q["text"].as_str().unwrap();
        for s in q["sources"].as_array().unwrap() {
            let article = parallax_core::ArticleId(s["article"].as_str().unwrap().to_string());
            let page = store.article(&article).unwrap().unwrap().full_text();
            assert!(
                parallax_intel::claims::quote_is_verbatim(words, &page),
                "{words:?} is not in {}",
                article
            );
        }
    }

    // Entities: spelling variants merged (Kiev / Kyiv, Yuri / Yury Ushakov).
    let entities = story["entities"].as_array().unwrap();
    let entity = |name: &str| {
        entities
            .iter()
            .find(|e| e["name"] == name)
            .unwrap_or_else(|| panic!("no entity {name}: {entities:#?}"))
    };
    let variants = |e: &serde_json::Value| -> Vec<String> {
        e["variants"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap().to_string())
            .collect()
    };
    let kyiv = variants(entity("Kyiv"));
    assert!(kyiv.contains(&"Kiev".to_string()), "{kyiv:?}");
    let ushakov = variants(entity("Yuri Ushakov"));
    assert!(ushakov.contains(&"Yury Ushakov".to_string()), "{ushakov:?}");

    // The terminal shows the ledger; entity and blindspot commands read the digests.
    let out = run(parallax(&db).args(["story", &id]));
    let text = stdout(&out);
    assert!(text.contains("DISPUTED"), "{text}");
    assert!(text.contains("several minutes"), "{text}");
    let out = run(parallax(&db).args(["entity", "Kiev", "--format", "json"]));
    assert!(out.status.success(), "{}", stdout(&out));
    let e: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(e["name"], "Kyiv");
    assert_eq!(e["stories"][0]["id"], id.as_str());
    // A surname alone finds the full name.
    let out = run(parallax(&db).args(["entity", "Zelensky", "--format", "json"]));
    assert!(out.status.success(), "{}", stdout(&out));
    let e: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(e["name"], "Volodymyr Zelenskyy", "{e}");
    let out = run(parallax(&db).args(["entity", "Nobody Whatsoever"]));
    assert_eq!(out.status.code(), Some(1));
    let out = run(parallax(&db).args(["blindspots", "--format", "json"]));
    assert!(out.status.success());
    let b: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(b["stories_considered"], 1, "{b}");
    assert_eq!(b["rated_sources"], 0, "{b}");
    let out = run(parallax(&db).args(["blindspots", "--country", "USA"]));
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn reimport_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("p.db");
    let out = run(parallax(&db).arg("import").arg(data("import")));
    assert!(out.status.success(), "{}", stdout(&out));
    let first = snapshot(&db);
    assert!(first.1 >= 4, "{}", stdout(&out));
    let out = run(parallax(&db).arg("import").arg(data("import")));
    assert!(out.status.success());
    assert!(
        stdout(&out).starts_with("Imported 0 articles"),
        "{}",
        stdout(&out)
    );
    assert_eq!(snapshot(&db), first);
}

/// Many synthetic articles on distinct made-up events, as JSON Lines.
fn synthetic_jsonl(path: &Path, events: usize, per_event: usize) {
    const WORDS: &[&str] = &[
        "harbor",
        "council",
        "bridge",
        "festival",
        "drought",
        "senate",
        "vaccine",
        "railway",
        "election",
        "factory",
        "glacier",
        "tariff",
        "museum",
        "satellite",
        "refinery",
        "stadium",
        "orchard",
        "pipeline",
        "embassy",
        "reactor",
        "canal",
        "archive",
        "lottery",
        "ferry",
        "bakery",
        "monsoon",
        "airline",
        "quarry",
        "tunnel",
        "vineyard",
        "library",
        "summit",
    ];
    let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
    let mut next = || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let mut out = String::new();
    for e in 0..events {
        let topic: Vec<&str> = (0..4)
            .map(|_| WORDS[(next() % WORDS.len() as u64) as usize])
            .collect();
        let place = format!("Town{}", e * 7919 % 100_003);
        for k in 0..per_event {
            let title = format!(
                "{} {} {} in {place} draws reaction",
                topic[0], topic[1], topic[2]
            );
            let text = format!(
                "Officials in {place} said the {} and the {} were affected on day {e}. Residents described the {} as unprecedented, report {k}.\nThe {} authority of {place} will meet again next week.",
                topic[0], topic[1], topic[2], topic[3]
            );
            let line = serde_json::json!({
                "id": format!("{e}-{k}"), "source": format!("Outlet {k}"), "title": title,
                "url": format!("https://outlet{k}.example/{e}"), "text": text
            });
            out.push_str(&line.to_string());
            out.push('\n');
        }
    }
    std::fs::write(path, out).unwrap();
}

#[test]
fn killed_import_resumes_to_the_same_state() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("many.jsonl");
    synthetic_jsonl(&input, 400, 4);

    let clean = dir.path().join("clean.db");
    let out = run(parallax(&clean).args(["import", "-q"]).arg(&input));
    assert!(out.status.success(), "{}", stdout(&out));
    let expected = snapshot(&clean);
    assert_eq!(expected.1, 1600);

    let killed = dir.path().join("killed.db");
    let mut child = parallax(&killed)
        .args(["import", "-q"])
        .arg(&input)
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // Wait until part of the import is committed, then SIGKILL it.
    wait_for_articles(&killed, 200);
    child.kill().unwrap(); // SIGKILL on Unix
    child.wait().unwrap();
    let partial = SqliteStore::open(&killed)
        .unwrap()
        .counts()
        .unwrap()
        .articles;
    assert!(
        partial > 0 && partial < 1600,
        "killed after {partial} articles"
    );

    let out = run(parallax(&killed).args(["import", "-q"]).arg(&input));
    assert!(out.status.success(), "{}", stdout(&out));
    assert_eq!(snapshot(&killed), expected);
}

#[test]
fn bad_files_get_clear_messages_and_the_rest_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in");
    std::fs::create_dir(&input).unwrap();
    std::fs::write(input.join("empty.html"), b"").unwrap();
    std::fs::write(
        input.join("binary.html"),
        [0x7f, b'E', b'L', b'F', 2, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0],
    )
    .unwrap();
    let mut huge = b"<html><body><p>".to_vec();
    huge.resize(50 * 1024 * 1024, b'a');
    std::fs::write(input.join("huge.html"), huge).unwrap();
    let cyr = "<html><head><meta charset=\"windows-1251\"><title>Переговоры в Стамбуле продолжатся</title></head><body><article><h1>Переговоры в Стамбуле продолжатся</h1><p>Помощник президента России заявил журналистам, что переговоры в Стамбуле останутся двусторонними, а конкретные даты третьего раунда пока не обсуждались.</p><p>По его словам, разговор двух президентов продолжался почти час и был деловым.</p></article></body></html>";
    std::fs::write(
        input.join("cp1251.html"),
        encoding_rs::WINDOWS_1251.encode(cyr).0,
    )
    .unwrap();
    let ja = "<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=Shift_JIS\"><title>首脳電話会談、約一時間に及ぶ</title></head><body><article><h1>首脳電話会談、約一時間に及ぶ</h1><p>ロシア大統領府の補佐官は、両首脳の電話会談が約一時間続いたと記者団に語った。会談ではウクライナ情勢や中東問題が話し合われた。</p><p>補佐官によると、両首脳は今後も対話を続けることで合意したという。</p></article></body></html>";
    std::fs::write(input.join("sjis.html"), encoding_rs::SHIFT_JIS.encode(ja).0).unwrap();
    std::fs::copy(data("hostile/scripts.html"), input.join("scripts.html")).unwrap();
    std::fs::copy(data("import/harbor-en.html"), input.join("good.html")).unwrap();

    let db = dir.path().join("p.db");
    let out = run(parallax(&db).arg("import").arg(&input));
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.contains("empty.html: empty file"), "{text}");
    assert!(text.contains("binary.html: binary data"), "{text}");
    assert!(text.contains("huge.html: file is 50.0 MB"), "{text}");
    assert!(text.contains("3 failed"), "{text}");
    assert!(text.starts_with("Imported 4 articles"), "{text}");

    let store = SqliteStore::open(&db).unwrap();
    let problems = store.problems(10).unwrap();
    assert_eq!(problems.len(), 3);
    let mut bodies = String::new();
    for s in store.stories(100, 0).unwrap() {
        for a in store.story_articles(&s.id).unwrap() {
            bodies.push_str(&a.full_text());
        }
    }
    assert!(
        bodies.contains("Переговоры в Стамбуле"),
        "windows-1251 decoded: {bodies}"
    );
    assert!(
        bodies.contains("約一時間続いた"),
        "Shift_JIS decoded: {bodies}"
    );
    assert!(!bodies.contains("alert("), "script text stored: {bodies}");

    // Every page served afterwards holds no live script from the articles.
    let store: std::sync::Arc<dyn Store> = std::sync::Arc::new(store);
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let mut pages = vec![
        "/".to_string(),
        "/problems".to_string(),
        "/api/stories".to_string(),
        "/entities".to_string(),
        "/api/entities".to_string(),
        "/blindspots".to_string(),
        "/api/blindspots".to_string(),
    ];
    for s in store.stories(100, 0).unwrap() {
        pages.push(format!("/story/{}", s.id));
        pages.push(format!("/api/stories/{}", s.id));
    }
    // Every entity page of every story (the import digested them).
    for d in store.digested_stories(100, 0).unwrap() {
        for e in d.digest.entities {
            let segment: String = e
                .key
                .bytes()
                .map(|b| {
                    if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
                        (b as char).to_string()
                    } else {
                        format!("%{b:02X}")
                    }
                })
                .collect();
            pages.push(format!("/entity/{segment}"));
        }
    }
    for page in pages {
        let (status, body) = rt.block_on(get(store.clone(), &page));
        assert_eq!(status, 200, "{page}");
        let lower = body.to_lowercase();
        assert!(!lower.contains("<script"), "{page} has a script tag");
        assert!(!lower.contains("onerror="), "{page} has an event handler");
        assert!(
            !lower.contains("href=\"javascript:"),
            "{page} has a javascript: link"
        );
    }
}

/// The first stored story with an article that `pred` accepts.
fn story_with(store: &dyn Store, pred: impl Fn(&parallax_core::Article) -> bool) -> Option<Story> {
    store
        .stories(100, 0)
        .unwrap()
        .into_iter()
        .find(|s| store.story_articles(&s.id).unwrap().iter().any(&pred))
}

async fn get(store: std::sync::Arc<dyn Store>, path: &str) -> (u16, String) {
    use tower::ServiceExt;
    let app = parallax_web::router(store);
    let req = axum::http::Request::get(path)
        .body(axum::body::Body::empty())
        .unwrap();
    let resp = app.oneshot(req).await.unwrap();
    let status = resp.status().as_u16();
    let bytes = axum::body::to_bytes(resp.into_body(), usize::MAX)
        .await
        .unwrap();
    (status, String::from_utf8_lossy(&bytes).into_owned())
}

// ---------------------------------------------------------------------------------------------
// Crawling, through the binary, against the fixture news web on 127.0.0.1.

#[path = "../../parallax-crawl/tests/server/mod.rs"]
mod server;

/// A configuration file that crawls only the well-behaved fixture outlets.
fn crawl_config(dir: &Path, fx: &server::Fixture, interval_ms: u64) -> PathBuf {
    let mut registry = String::new();
    for s in server::sources(fx) {
        let slug = s.name.trim_start_matches("Fixture ").to_string();
        if !["a", "b", "c", "d", "repeat"].contains(&slug.as_str()) {
            continue;
        }
        registry.push_str(&format!(
            "[[source]]\nid = \"fixture-{slug}\"\nname = \"{}\"\nhome_page = \"{}\"\ncountry = \"{}\"\nlanguages = [\"{}\"]\nfeeds = [\"{}\"]\n\n",
            s.name,
            s.home_page.unwrap(),
            s.country.unwrap(),
            s.languages[0],
            s.feeds[0]
        ));
    }
    std::fs::write(dir.join("sources.toml"), registry).unwrap();
    let config = dir.join("parallax.toml");
    std::fs::write(
        &config,
        format!(
            "contact = \"https://parallax.example/contact\"\nallow_private_addresses = true\nsources_file = \"sources.toml\"\ndefault_sources = false\n\n[http]\nper_host_interval_ms = {interval_ms}\nread_timeout_secs = 2\n"
        ),
    )
    .unwrap();
    config
}

fn fixture_runtime() -> (tokio::runtime::Runtime, server::Fixture) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let fx = rt.block_on(server::start());
    (rt, fx)
}

fn stored_urls(db: &Path) -> Vec<String> {
    let store = SqliteStore::open(db).unwrap();
    let mut urls: Vec<String> = store
        .stories(10_000, 0)
        .unwrap()
        .iter()
        .flat_map(|s| store.story_articles(&s.id).unwrap())
        .filter_map(|a| a.url)
        .collect();
    urls.sort();
    urls
}

#[test]
fn crawl_once_twice_ingests_each_article_once() {
    let (_rt, fx) = fixture_runtime();
    let dir = tempfile::tempdir().unwrap();
    let config = crawl_config(dir.path(), &fx, 0);
    let db = dir.path().join("p.db");
    let out = run(parallax(&db)
        .arg("--config")
        .arg(&config)
        .args(["crawl", "--once", "-q"]));
    assert!(
        out.status.success(),
        "{}{}",
        stdout(&out),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout(&out).contains("Polled 5 feeds (0 not modified, 0 failed): 7 new articles"),
        "{}",
        stdout(&out)
    );
    // Everything is due again only later; a second pass now polls nothing.
    let out = run(parallax(&db)
        .arg("--config")
        .arg(&config)
        .args(["crawl", "--once", "-q"]));
    assert!(stdout(&out).contains("Polled 0 feeds"), "{}", stdout(&out));
    assert_eq!(stored_urls(&db).len(), 7);

    let out = run(parallax(&db)
        .arg("--config")
        .arg(&config)
        .args(["sources", "status", "--format", "json"]));
    let rows: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(rows.as_array().unwrap().len(), 5, "{rows}");
    assert!(
        rows.as_array().unwrap().iter().all(|r| r["status"] == "ok"),
        "{rows}"
    );
}

#[test]
fn killed_crawl_restarts_without_duplicates_or_losses() {
    let (_rt, fx) = fixture_runtime();
    let dir = tempfile::tempdir().unwrap();
    // Slow enough (one request per 400 ms and site) to be killed half way.
    let config = crawl_config(dir.path(), &fx, 400);
    let db = dir.path().join("p.db");
    let mut child = parallax(&db)
        .arg("--config")
        .arg(&config)
        .args(["crawl", "--once", "-q"])
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let before = wait_for_articles(&db, 2);
    child.kill().unwrap();
    child.wait().unwrap();
    assert!((2..7).contains(&before), "killed after {before} articles");
    let kept = stored_urls(&db);

    // Feeds polled before the kill are not due yet; make them due, as time would.
    {
        let store = SqliteStore::open(&db).unwrap();
        for mut s in store.feed_states().unwrap() {
            s.next_poll = chrono::Utc::now() - chrono::Duration::seconds(1);
            store.save_feed_state(&s).unwrap();
        }
    }
    let out = run(parallax(&db)
        .arg("--config")
        .arg(&config)
        .args(["crawl", "--once", "-q"]));
    assert!(out.status.success(), "{}", stdout(&out));
    let after = stored_urls(&db);
    assert_eq!(after.len(), 7, "{after:?}");
    assert!(
        kept.iter().all(|u| after.contains(u)),
        "nothing committed was lost"
    );
    let mut dedup = after.clone();
    dedup.dedup();
    assert_eq!(dedup, after, "no duplicates");
}

fn http_get(addr: &str, path: &str) -> Option<String> {
    use std::io::{Read, Write};
    let mut s = std::net::TcpStream::connect(addr).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .ok()?;
    let mut body = String::new();
    s.read_to_string(&mut body).ok()?;
    Some(body)
}

fn cpu_seconds(pid: u32) -> f64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    let fields: Vec<&str> = stat
        .rsplit(')')
        .next()
        .unwrap_or("")
        .split_whitespace()
        .collect();
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|f| f.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    (ticks(11) + ticks(12)) / 100.0
}

#[test]
fn run_without_network_serves_pages_and_shows_errors_without_spinning() {
    let dir = tempfile::tempdir().unwrap();
    // `.invalid` never resolves (RFC 6761): this is what a machine without internet sees.
    let mut registry = String::new();
    for i in 0..20 {
        registry.push_str(&format!(
            "[[source]]\nid = \"offline-{i}\"\nname = \"Offline outlet {i}\"\nhome_page = \"https://outlet{i}.invalid/\"\ncountry = \"FR\"\nlanguages = [\"fr\"]\nfeeds = [\"https://outlet{i}.invalid/rss.xml\"]\n\n"
        ));
    }
    std::fs::write(dir.path().join("sources.toml"), registry).unwrap();
    let config = dir.path().join("parallax.toml");
    std::fs::write(&config, "contact = \"https://parallax.example/contact\"\nsources_file = \"sources.toml\"\ndefault_sources = false\n").unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let addr = format!("127.0.0.1:{port}");
    let db = dir.path().join("p.db");
    let mut child = parallax(&db)
        .arg("--config")
        .arg(&config)
        .args(["run", "--addr", &addr])
        .env("PARALLAX_LOG", "info")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let start = Instant::now();
    let mut sources_page = String::new();
    while start.elapsed() < Duration::from_secs(60) {
        std::thread::sleep(Duration::from_millis(200));
        if let Some(page) = http_get(&addr, "/api/sources")
            && page.contains("\"failing\"")
            && page.matches("\"failing\"").count() == 20
        {
            sources_page = page;
            break;
        }
    }
    assert!(
        !sources_page.is_empty(),
        "every source shows its error on /api/sources"
    );
    let index = http_get(&addr, "/").unwrap_or_default();
    assert!(index.starts_with("HTTP/1.1 200"), "{index}");
    // Idle, not spinning: a few seconds more cost almost no CPU.
    let cpu_before = cpu_seconds(child.id());
    std::thread::sleep(Duration::from_secs(4));
    let cpu_used = cpu_seconds(child.id()) - cpu_before;
    assert!(cpu_used < 1.0, "used {cpu_used} s of CPU in 4 s while idle");
    child.kill().unwrap();
    let out = child.wait_with_output().unwrap();
    let log = String::from_utf8_lossy(&out.stderr);
    let lines = log.lines().filter(|l| !l.trim().is_empty()).count();
    assert!(lines <= 5, "the log is not flooded: {lines} lines:\n{log}");
    assert!(log.contains("is the network down?"), "{log}");
    assert!(sources_page.contains("could not"), "{sources_page}");
}

#[test]
fn ctrl_c_stops_a_crawl_cleanly() {
    let (_rt, fx) = fixture_runtime();
    let dir = tempfile::tempdir().unwrap();
    let config = crawl_config(dir.path(), &fx, 400);
    let db = dir.path().join("p.db");
    let child = parallax(&db)
        .arg("--config")
        .arg(&config)
        .args(["crawl", "--once", "-q"])
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    wait_for_articles(&db, 1);
    let status = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(130), "{}", stdout(&out));
    assert!(stdout(&out).contains("Interrupted"), "{}", stdout(&out));
    // What was stored is whole: every article has text and belongs to a story.
    let store = SqliteStore::open(&db).unwrap();
    let articles = store.counts().unwrap().articles;
    assert_eq!(stored_urls(&db).len(), articles);
    for s in store.stories(100, 0).unwrap() {
        for a in store.story_articles(&s.id).unwrap() {
            assert!(!a.title.is_empty() && !a.paragraphs.is_empty());
        }
    }
}

#[test]
fn sources_commands_edit_the_operator_registry() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("parallax.toml");
    std::fs::write(&config, "sources_file = \"mine.toml\"\n").unwrap();
    let db = dir.path().join("p.db");
    let cmd = |args: &[&str]| run(parallax(&db).arg("--config").arg(&config).args(args));

    let out = cmd(&["sources", "list"]);
    let text = stdout(&out);
    let last = text.lines().last().unwrap_or("");
    let (n, countries) = {
        let w: Vec<&str> = last.split_whitespace().collect();
        (
            w[0].parse::<usize>().unwrap(),
            w[3].parse::<usize>().unwrap(),
        )
    };
    assert!(n >= 150 && countries >= 50, "{last}");

    let out = cmd(&[
        "sources",
        "add",
        "harbor-herald",
        "--name",
        "Harbor Herald",
        "--home",
        "https://harbor-herald.example/",
        "--country",
        "no",
        "--language",
        "nb",
        "--feed",
        "https://harbor-herald.example/rss.xml",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = cmd(&["sources", "list", "--country", "NO", "--format", "json"]);
    let rows: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(
        rows.as_array()
            .unwrap()
            .iter()
            .any(|r| r["slug"] == "harbor-herald"),
        "{rows}"
    );

    // Export everything, import it into a fresh file: nothing new, since every feed is known.
    let opml = dir.path().join("all.opml");
    assert!(
        cmd(&["sources", "export-opml", opml.to_str().unwrap()])
            .status
            .success()
    );
    let out = cmd(&["sources", "import-opml", opml.to_str().unwrap()]);
    assert!(
        stdout(&out).starts_with("Imported 0 feeds"),
        "{}",
        stdout(&out)
    );
    // An OPML with one new feed adds one source.
    let one = dir.path().join("one.opml");
    std::fs::write(&one, "<?xml version=\"1.0\"?><opml version=\"2.0\"><head><title>x</title></head><body><outline text=\"Fjord Post\" type=\"rss\" xmlUrl=\"https://fjord-post.example/feed\" htmlUrl=\"https://fjord-post.example/\"/></body></opml>").unwrap();
    let out = cmd(&[
        "sources",
        "import-opml",
        one.to_str().unwrap(),
        "--country",
        "NO",
        "--language",
        "nb",
    ]);
    assert!(
        stdout(&out).starts_with("Imported 1 feeds"),
        "{}",
        stdout(&out)
    );
    let after: usize = {
        let t = stdout(&cmd(&["sources", "list"]));
        t.lines()
            .last()
            .unwrap()
            .split_whitespace()
            .next()
            .unwrap()
            .parse()
            .unwrap()
    };
    assert_eq!(after, n + 2);

    assert!(
        cmd(&["sources", "remove", "harbor-herald"])
            .status
            .success()
    );
    let out = cmd(&["sources", "remove", "no-such-source"]);
    assert_eq!(out.status.code(), Some(1));
    let t = stdout(&cmd(&["sources", "list"]));
    let after: usize = t
        .lines()
        .last()
        .unwrap()
        .split_whitespace()
        .next()
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(after, n + 1);
}

// ---------------------------------------------------------------------------------------------
// Machine translation, through the binary, against a fake LibreTranslate on 127.0.0.1.

#[path = "../../parallax-translate/tests/fake/mod.rs"]
mod fake_translator;

/// Adds a `[translate]` section pointing at `url` to the configuration file.
fn add_translate_section(config: &Path, url: &str, extra: &str) {
    let mut text = std::fs::read_to_string(config).unwrap();
    text.push_str(&format!(
        "\n[translate]\nbackend = \"libretranslate\"\nurl = \"{url}\"\nrequests_per_minute = 0\nmax_retries = 0\ntimeout_secs = 2\n{extra}"
    ));
    std::fs::write(config, text).unwrap();
}

#[test]
fn translate_caches_labelled_translations_that_story_pages_show() {
    let (rt, fx) = fixture_runtime();
    let tr = rt.block_on(fake_translator::start());
    let dir = tempfile::tempdir().unwrap();
    let config = crawl_config(dir.path(), &fx, 0);
    add_translate_section(&config, &tr.url("ok"), "");
    let db = dir.path().join("p.db");
    let cmd = |args: &[&str]| run(parallax(&db).arg("--config").arg(&config).args(args));
    let out = cmd(&["crawl", "--once", "-q"]);
    assert!(out.status.success(), "{}", stdout(&out));
    assert_eq!(tr.seen.total(), 0, "crawl --once does not translate");

    let out = cmd(&["translate"]);
    let text = stdout(&out);
    assert!(
        out.status.success(),
        "{text}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(text.starts_with("Translated "), "{text}");
    assert!(!text.starts_with("Translated 0 "), "{text}");
    // The fake has no Russian: that language is refused, said, recorded, and the rest goes on.
    assert!(text.contains("refused for ru"), "{text}");
    let hits = tr.seen.total();
    let sent: Vec<String> = tr
        .seen
        .bodies("ok")
        .iter()
        .map(|b| b["source"].as_str().unwrap().to_string())
        .collect();
    assert!(
        sent.contains(&"de".to_string()) && sent.contains(&"ja".to_string()),
        "{sent:?}"
    );
    assert!(
        !sent.contains(&"en".to_string()),
        "English is never sent: {sent:?}"
    );

    // Everything is cached: a second pass sends nothing.
    let out = cmd(&["translate", "--format", "json"]);
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["translated"], 0, "{report}");
    assert_eq!(
        report["requests"], 1,
        "only the refused language is asked again: {report}"
    );
    assert_eq!(tr.seen.total(), hits + 1);

    let store: std::sync::Arc<dyn Store> = std::sync::Arc::new(SqliteStore::open(&db).unwrap());
    let problems = store.problems(10).unwrap();
    assert!(
        problems
            .iter()
            .any(|p| p.origin.starts_with("translation: libretranslate at ")
                && p.message.contains("\"ru\"")),
        "{problems:?}"
    );
    // A German story: its page shows the original with its language and the labelled
    // translation; the API carries the same.
    let story = story_with(store.as_ref(), |a| a.language.as_deref() == Some("de"))
        .expect("a German story");
    let german = store
        .story_articles(&story.id)
        .unwrap()
        .into_iter()
        .find(|a| a.language.as_deref() == Some("de"))
        .unwrap();
    let (status, page) = rt.block_on(get(store.clone(), &format!("/story/{}", story.id)));
    assert_eq!(status, 200);
    assert!(
        page.contains("machine translation (libretranslate)"),
        "{page}"
    );
    assert!(page.contains(r#"<span class="lang">de</span>"#), "{page}");
    assert!(page.contains("[en] "), "{page}");
    let out = cmd(&["story", story.id.as_str(), "--format", "json"]);
    let view: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let row = view["articles"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["id"] == german.id.as_str())
        .unwrap();
    assert_eq!(row["title"], german.title.as_str(), "the original is kept");
    assert_eq!(
        row["title_translation"]["text"],
        format!("[en] {}", german.title)
    );
    let out = cmd(&["story", story.id.as_str()]);
    assert!(
        stdout(&out).contains("(machine translation (libretranslate))"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn crawling_goes_on_while_the_translation_backend_is_down() {
    let (_rt, fx) = fixture_runtime();
    let dir = tempfile::tempdir().unwrap();
    let config = crawl_config(dir.path(), &fx, 0);
    let down = format!("http://127.0.0.1:{}", fake_translator::closed_port());
    add_translate_section(&config, &down, "interval_secs = 1\n");
    let db = dir.path().join("p.db");
    let mut child = parallax(&db)
        .arg("--config")
        .arg(&config)
        .args(["crawl"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    assert_eq!(wait_for_articles(&db, 7), 7, "every article is stored");
    let start = Instant::now();
    let problem = loop {
        let found = SqliteStore::open(&db)
            .ok()
            .and_then(|s| s.problems(20).ok())
            .and_then(|p| p.into_iter().find(|p| p.origin.starts_with("translation:")));
        if let Some(p) = found {
            break p;
        }
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "no translation problem recorded"
        );
        std::thread::sleep(Duration::from_millis(100));
    };
    child.kill().unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        stdout(&out)
            .contains("Translating titles and summary sentences into en with libretranslate"),
        "{}",
        stdout(&out)
    );
    assert!(problem.origin.contains(&down), "{problem:?}");
    assert!(
        problem
            .message
            .contains("could not reach the translation server"),
        "{problem:?}"
    );
    assert_eq!(stored_urls(&db).len(), 7);

    // On demand, the failure is an exit code 1 with the reason.
    let out = run(parallax(&db).arg("--config").arg(&config).arg("translate"));
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    assert!(stdout(&out).contains("failed: "), "{}", stdout(&out));

    // Without a [translate] section there is nothing to run, and it says so.
    let plain = dir.path().join("plain.toml");
    std::fs::write(&plain, "contact = \"https://parallax.example/contact\"\n").unwrap();
    let out = run(parallax(&db).arg("--config").arg(&plain).arg("translate"));
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("translation is not configured"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// `parallax doctor` on a machine without a model: exit 0, embeddings off with the fallback
/// stated, in both formats; it creates no database.
#[test]
fn doctor_without_a_model_says_clustering_falls_back() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("p.db");
    let out = run(parallax(&db).arg("doctor").current_dir(dir.path()));
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    let text = stdout(&out);
    for expected in [
        "store:",
        "does not exist yet",
        "sources:",
        "models:",
        "multilingual-e5-small",
        "not installed",
        "embeddings:  off (no model in /nonexistent/parallax-test-models/multilingual-e5-small",
        "clustering falls back to lexical and entity evidence",
        "translation:",
        "network:",
        "private and loopback addresses: refused",
    ] {
        assert!(text.contains(expected), "{expected:?} in:\n{text}");
    }
    assert!(!db.exists(), "doctor created the database");

    // With a database, and as JSON; and `enabled = false` is reported as such.
    let out = run(parallax(&db).arg("import").arg(data("import")));
    assert!(out.status.success(), "{}", stdout(&out));
    let config = dir.path().join("parallax.toml");
    std::fs::write(&config, "[embeddings]\nenabled = false\n").unwrap();
    let out = run(parallax(&db)
        .args(["doctor", "--format", "json"])
        .arg("--config")
        .arg(&config));
    assert_eq!(out.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["embeddings"]["on"], false);
    assert!(
        v["embeddings"]["line"]
            .as_str()
            .unwrap()
            .contains("disabled in the configuration"),
        "{v}"
    );
    assert_eq!(v["store"]["exists"], true);
    assert!(v["store"]["articles"].as_u64().unwrap() >= 4, "{v}");
    assert_eq!(v["store"]["vectors"], serde_json::json!([]));
    assert_eq!(v["models"][0]["installed"], false);
    assert!(v["network"]["connect_timeout_secs"].as_f64().is_some());
}

/// An import without a model stores no vectors and says why on stderr; the status page shows the
/// same embeddings line.
#[test]
fn without_a_model_import_stores_no_vectors_and_the_status_page_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("p.db");
    let out = run(parallax(&db).arg("import").arg(data("import")));
    assert!(out.status.success(), "{}", stdout(&out));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("embeddings: off") && err.contains("falls back to lexical"),
        "{err}"
    );
    assert!(!stdout(&out).contains("embedded with"), "{}", stdout(&out));
    let store = SqliteStore::open(&db).unwrap();
    assert!(store.counts().unwrap().articles >= 4);
    assert!(store.embedding_counts().unwrap().is_empty());
    drop(store);

    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let addr = format!("127.0.0.1:{port}");
    let mut child = parallax(&db)
        .args(["serve", "--addr", &addr])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let start = Instant::now();
    let page = loop {
        if let Some(p) = http_get(&addr, "/status") {
            break Some(p);
        }
        if start.elapsed() > Duration::from_secs(30) {
            break None;
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let api = http_get(&addr, "/api/status");
    child.kill().unwrap();
    child.wait().unwrap();
    let page = page.expect("the status page is served");
    assert!(
        page.contains("clustering falls back to lexical and entity evidence"),
        "{page}"
    );
    assert!(
        page.contains("href=\"/status\""),
        "the nav links the status page"
    );
    let api = api.expect("the status API answers");
    assert!(api.contains("\"vectors\":[]"), "{api}");
}

/// With the e5 model installed (skipped, saying so, without it): an import embeds and stores a
/// vector for every article, and an import interrupted after half the articles and resumed in a
/// new process (which reloads the window's vectors) ends with the same stories as one import.
#[test]
fn with_the_model_import_stores_vectors_and_a_restart_clusters_the_same() {
    let models = parallax_embed::default_models_root();
    let e5 = models.join(parallax_embed::MODEL_DIR_NAME);
    if !parallax_embed::status(&e5).installed {
        eprintln!(
            "skipping: multilingual-e5-small is not installed in {} (`parallax models install`)",
            e5.display()
        );
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let all = dir.path().join("all.jsonl");
    synthetic_jsonl(&all, 8, 3);
    let text = std::fs::read_to_string(&all).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let (first, second) = (dir.path().join("a.jsonl"), dir.path().join("b.jsonl"));
    std::fs::write(&first, lines[..12].join("\n")).unwrap();
    std::fs::write(&second, lines[12..].join("\n")).unwrap();

    let import = |db: &Path, file: &Path| {
        let out = run(parallax(db)
            .env("PARALLAX_MODELS", &models)
            .args(["import", "-q"])
            .arg(file));
        assert!(out.status.success(), "{}", stdout(&out));
        out
    };
    let once = dir.path().join("once.db");
    let out = import(&once, &all);
    assert!(
        stdout(&out)
            .contains("24 of the new articles were embedded with intfloat/multilingual-e5-small."),
        "{}",
        stdout(&out)
    );
    let store = SqliteStore::open(&once).unwrap();
    assert_eq!(
        store.embedding_counts().unwrap(),
        vec![parallax_core::ModelVectors {
            model: "intfloat/multilingual-e5-small".to_string(),
            vectors: 24
        }]
    );
    let ids: Vec<_> = store
        .recent_articles(chrono::Utc::now() - chrono::Duration::days(1))
        .unwrap()
        .into_iter()
        .map(|r| r.article.id)
        .collect();
    let vectors = store
        .embeddings("intfloat/multilingual-e5-small", &ids)
        .unwrap();
    assert_eq!(vectors.len(), 24);
    for v in &vectors {
        assert_eq!(v.vector.len(), 384);
        let norm: f32 = v.vector.iter().map(|x| x * x).sum::<f32>().sqrt();
        assert!((norm - 1.0).abs() < 1e-3, "{norm}");
    }
    drop(store);

    let twice = dir.path().join("twice.db");
    import(&twice, &first);
    import(&twice, &second);
    assert_eq!(snapshot(&twice), snapshot(&once));
}

/// A model directory that looks installed but holds garbage: the import warns, stores every
/// article without a vector and succeeds; doctor says the files are not verified and embeddings
/// are off.
#[test]
fn a_model_that_does_not_load_is_a_warning_not_a_crash() {
    let dir = tempfile::tempdir().unwrap();
    let models = dir.path().join("models");
    let e5 = models.join("multilingual-e5-small");
    std::fs::create_dir_all(&e5).unwrap();
    let mut files = Vec::new();
    for (name, bytes) in [
        ("e5-small-q4.bin", b"E5S1 but not really".as_slice()),
        ("tokenizer.json", b"{\"not\": \"a tokenizer\"}".as_slice()),
    ] {
        std::fs::write(e5.join(name), bytes).unwrap();
        files.push(serde_json::json!({
            "name": name, "bytes": bytes.len(), "sha256": "0".repeat(64),
            "package": "fake", "member": name
        }));
    }
    let manifest = serde_json::json!({
        "model": "intfloat/multilingual-e5-small", "installed_at": "2026-01-01T00:00:00Z",
        "packages": [], "files": files
    });
    std::fs::write(e5.join("manifest.json"), manifest.to_string()).unwrap();

    let db = dir.path().join("p.db");
    let out = run(parallax(&db)
        .env("PARALLAX_MODELS", &models)
        .arg("import")
        .arg(data("import")));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{}\n{err}", stdout(&out));
    assert!(err.contains("warning: the embedding model in"), "{err}");
    assert!(err.contains("did not load"), "{err}");
    assert!(
        err.contains("falls back to lexical and entity evidence"),
        "{err}"
    );
    let store = SqliteStore::open(&db).unwrap();
    assert!(store.counts().unwrap().articles >= 4);
    assert!(store.embedding_counts().unwrap().is_empty());
    drop(store);

    let out = run(parallax(&db).env("PARALLAX_MODELS", &models).arg("doctor"));
    assert_eq!(out.status.code(), Some(0));
    let text = stdout(&out);
    assert!(text.contains("installed, NOT verified"), "{text}");
    assert!(text.contains("embeddings:  off (the model in"), "{text}");
}

/// Issue 5: one event told in English, German, Russian and French (fixtures written for the
/// project, `tests/data/multilingual`), plus an unrelated English article. Each article's language
/// is identified and shown; with the embedding model installed, the four accounts are one story
/// (after the consolidation pass too) and the unrelated article is not in it.
#[test]
fn a_story_in_four_languages() {
    let dir = tempfile::tempdir().unwrap();
    let fixtures = data("multilingual");
    // Languages, with or without the model.
    let db = dir.path().join("lexical.db");
    let out = run(parallax(&db).args(["import", "-q"]).arg(&fixtures));
    assert!(out.status.success(), "{}", stdout(&out));
    let store = SqliteStore::open(&db).unwrap();
    let mut languages: Vec<(String, String)> = Vec::new();
    for s in store.stories(100, 0).unwrap() {
        for a in store.story_articles(&s.id).unwrap() {
            let file = a.origin.rsplit('/').next().unwrap().to_string();
            languages.push((file, a.language.clone().unwrap_or_default()));
        }
    }
    languages.sort();
    assert_eq!(
        languages,
        [
            ("budget-en.txt", "en"),
            ("quake-de.txt", "de"),
            ("quake-en.txt", "en"),
            ("quake-fr.txt", "fr"),
            ("quake-ru.txt", "ru"),
        ]
        .map(|(f, l)| (f.to_string(), l.to_string()))
    );
    // Without the model a story with an article in another language says what the gist needs.
    let mixed = story_with(&store, |a| a.language.as_deref() != Some("en")).unwrap();
    let shared: std::sync::Arc<dyn Store> = std::sync::Arc::new(SqliteStore::open(&db).unwrap());
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let (status, page) = rt.block_on(get(shared, &format!("/story/{}", mixed.id)));
    assert_eq!(status, 200);
    assert!(page.contains("parallax models install"), "{page}");

    let models = parallax_embed::default_models_root();
    let e5 = models.join(parallax_embed::MODEL_DIR_NAME);
    if !parallax_embed::status(&e5).installed {
        eprintln!(
            "skipping the cross-lingual part: multilingual-e5-small is not installed in {} (`parallax models install`)",
            e5.display()
        );
        return;
    }
    let db = dir.path().join("e5.db");
    let out = run(parallax(&db)
        .env("PARALLAX_MODELS", &models)
        .args(["import", "-q"])
        .arg(&fixtures));
    assert!(out.status.success(), "{}", stdout(&out));
    let out = run(parallax(&db).args(["stories", "--format", "json"]));
    let rows: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let quake = rows
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["article_count"] == 4)
        .unwrap_or_else(|| panic!("no story of the four accounts: {rows:#}"));
    assert_eq!(rows.as_array().unwrap().len(), 2, "{rows:#}");
    let mut langs: Vec<&str> = quake["languages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l.as_str().unwrap())
        .collect();
    langs.sort();
    assert_eq!(langs, ["de", "en", "fr", "ru"]);
    // The story page labels each foreign article with its language.
    let id = quake["id"].as_str().unwrap();
    let out = run(parallax(&db).args(["story", id, "--format", "json"]));
    let story: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let mut shown: Vec<&str> = story["articles"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["language"].as_str().unwrap())
        .collect();
    shown.sort();
    assert_eq!(shown, ["de", "en", "fr", "ru"]);

    // Gist alignment: each foreign article's sentences aligned with the English article's, the
    // Russian article's extra sentence marked as its own.
    let en_id = story["articles"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["language"] == "en")
        .unwrap()["id"]
        .clone();
    let gists = story["gists"].as_array().unwrap();
    let mut gist_langs: Vec<&str> = gists
        .iter()
        .map(|g| g["language"].as_str().unwrap())
        .collect();
    gist_langs.sort();
    assert_eq!(gist_langs, ["de", "fr", "ru"], "{gists:#?}");
    for g in gists {
        let sentences = g["sentences"].as_array().unwrap();
        assert!(sentences.len() >= 5, "{g:#}");
        let mayor = sentences
            .iter()
            .find(|s| s["text"].as_str().unwrap().contains("40"))
            .unwrap_or_else(|| panic!("{g:#}"));
        assert_eq!(mayor["also_in"]["article"], en_id, "{mayor:#}");
        assert!(
            mayor["also_in"]["sentence"]
                .as_str()
                .unwrap()
                .starts_with("Mayor Nikos Andreou said 40 houses"),
            "{mayor:#}"
        );
        let own: Vec<&str> = sentences
            .iter()
            .filter(|s| s["also_in"].is_null())
            .map(|s| s["text"].as_str().unwrap())
            .collect();
        if g["language"] == "ru" {
            assert_eq!(own.len(), 1, "{own:?}");
            assert!(own[0].contains("футбольный клуб"), "{own:?}");
        } else {
            assert!(own.is_empty(), "{own:?}");
        }
    }
    // The story page shows it.
    let store: std::sync::Arc<dyn Store> = std::sync::Arc::new(SqliteStore::open(&db).unwrap());
    let (status, page) = rt.block_on(get(store, &format!("/story/{id}")));
    assert_eq!(status, 200);
    assert!(
        page.contains("What the articles in other languages add"),
        "{page}"
    );
    assert!(page.contains("its own"), "{page}");
}
