//! Crawl benchmark: a loopback "news web" of OUTLETS sites, each with a feed of PER_OUTLET entries
//! whose pages are generated (English text about made-up events, each event covered by several
//! outlets), crawled by one `crawl_once` pass through the real client, extraction, clustering,
//! analysis and SQLite store. Prints articles per second and peak memory (VmHWM).
//!
//! `cargo run --release -p parallax-crawl --example bench_crawl [-- OUTLETS PER_OUTLET]`
//! (default 20 × 500 = 10,000 articles).

use axum::Router;
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;
use parallax_core::{Source, SourceId, Store};
use parallax_crawl::{CrawlConfig, Crawler, IngestWorker};
use parallax_http::{ClientConfig, PoliteClient};
use parallax_store::SqliteStore;
use std::sync::Arc;
use std::time::{Duration, Instant};

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
    "budget",
    "strike",
    "flood",
    "wildfire",
    "merger",
    "verdict",
    "protest",
    "treaty",
];

fn rng(mut x: u64) -> impl FnMut() -> u64 {
    move || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x
    }
}

/// The event an article reports: every 5 consecutive article numbers across outlets share one.
fn event_words(event: u64) -> Vec<&'static str> {
    let mut r = rng(event.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
    (0..5)
        .map(|_| WORDS[(r() % WORDS.len() as u64) as usize])
        .collect()
}

fn page(outlet: u64, n: u64) -> String {
    let event = n / 5 * 1000 + (n + outlet) % 7;
    let w = event_words(event);
    let place = format!("Town{}", event % 9973);
    let title = format!(
        "{} {} {} in {place} as {} talks stall",
        w[0], w[1], w[2], w[3]
    );
    let mut r = rng(outlet * 1_000_003 + n + 1);
    let mut paragraphs = String::new();
    for p in 0..5 {
        let extra: Vec<&str> = (0..6)
            .map(|_| WORDS[(r() % WORDS.len() as u64) as usize])
            .collect();
        paragraphs.push_str(&format!(
            "<p>Officials in {place} said on day {event} that the {} and the {} were affected, and that the {} would be reviewed. Residents described the {} and the {} as a turning point, paragraph {p}. Analysts linked it to the {} and the {}.</p>\n",
            w[0], w[1], w[2], w[3], extra[0], extra[1], extra[2]
        ));
    }
    format!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{title}</title>\
         <meta property=\"article:published_time\" content=\"2026-05-{:02}T{:02}:00:00Z\"></head>\
         <body><nav><a href=\"/\">Home</a> <a href=\"/world\">World</a></nav><article><h1>{title}</h1>{paragraphs}</article>\
         <footer>Outlet {outlet} · Terms · Privacy</footer></body></html>",
        1 + n % 28,
        n % 24
    )
}

#[derive(Clone)]
struct Site {
    outlet: u64,
    per_outlet: u64,
    base: String,
}

async fn feed(State(site): State<Site>) -> impl IntoResponse {
    let mut items = String::new();
    for n in 0..site.per_outlet {
        items.push_str(&format!(
            "<item><title>Item {n}</title><link>{}/article/{n}</link><pubDate>Mon, 04 May 2026 07:00:00 GMT</pubDate></item>",
            site.base
        ));
    }
    (
        [(header::CONTENT_TYPE, "application/rss+xml")],
        format!(
            "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Outlet {}</title><link>{}/</link><description>d</description>{items}</channel></rss>",
            site.outlet, site.base
        ),
    )
}

async fn article(State(site): State<Site>, Path(n): Path<u64>) -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        page(site.outlet, n),
    )
}

fn peak_rss_mib() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|kb| kb.parse::<f64>().ok())
        .map_or(0.0, |kb| kb / 1024.0)
}

fn main() {
    let args: Vec<u64> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let outlets = args.first().copied().unwrap_or(20);
    let per_outlet = args.get(1).copied().unwrap_or(500);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let store: Arc<dyn Store> = Arc::new(SqliteStore::open(&dir.path().join("bench.db")).unwrap());

    let sources: Vec<Source> = rt.block_on(async {
        let mut sources = Vec::new();
        for outlet in 0..outlets {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            let base = format!("http://{}", listener.local_addr().unwrap());
            let site = Site {
                outlet,
                per_outlet,
                base: base.clone(),
            };
            let app = Router::new()
                .route("/rss.xml", get(feed))
                .route("/article/{n}", get(article))
                .with_state(site);
            tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
            let mut s = Source::named(&format!("Bench outlet {outlet}"));
            s.id = SourceId::from_key(&base);
            s.home_page = Some(format!("{base}/"));
            s.country = Some("GB".to_string());
            s.languages = vec!["en".to_string()];
            s.feeds = vec![format!("{base}/rss.xml")];
            sources.push(s);
        }
        sources
    });

    let client = PoliteClient::new(ClientConfig {
        user_agent_contact: "https://parallax.example/bench".to_string(),
        allow_private_addresses: true,
        per_host_min_interval: Duration::ZERO,
        ..ClientConfig::default()
    })
    .unwrap();
    let config = CrawlConfig {
        max_new_per_feed: per_outlet as usize,
        ..CrawlConfig::default()
    };
    let crawler = Crawler::new(client, config, store.clone());
    let worker = IngestWorker::spawn(store.clone()).unwrap();
    let handle = worker.handle();
    let start = Instant::now();
    let summary = rt
        .block_on(crawler.crawl_once(&sources, &handle, &|p| {
            if p.done % 5 == 0 {
                eprintln!("{}/{} feeds, {} articles", p.done, p.total, p.new_articles);
            }
        }))
        .unwrap();
    let secs = start.elapsed().as_secs_f64();
    let parallax_core::StoreCounts {
        articles,
        stories: online_stories,
        ..
    } = store.counts().unwrap();
    // The consolidation pass `parallax crawl` runs after a pass that stored articles.
    let start = Instant::now();
    let regrouped = rt.block_on(handle.consolidate()).unwrap();
    let consolidation_secs = start.elapsed().as_secs_f64();
    drop(handle);
    worker.shutdown();
    let stories = store.counts().unwrap().stories;
    println!(
        "{{\"outlets\": {outlets}, \"articles\": {articles}, \"online_stories\": {online_stories}, \"stories\": {stories}, \"moved\": {}, \"new_articles\": {}, \"failed_feeds\": {}, \"seconds\": {secs:.1}, \"articles_per_second\": {:.1}, \"consolidation_seconds\": {consolidation_secs:.1}, \"peak_rss_mib\": {:.0}}}",
        regrouped.moved,
        summary.new_articles,
        summary.feeds_failed,
        articles as f64 / secs,
        peak_rss_mib()
    );
}
