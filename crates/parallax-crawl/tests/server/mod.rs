//! A fixture news web on 127.0.0.1: well-behaved outlets (RSS, Atom, JSON Feed, a news sitemap;
//! pages in English, German/ISO-8859-1, Russian/windows-1251 and Japanese/Shift_JIS) and
//! misbehaving ones (slow, 500, 429, redirect loop, 20 MB page, gzip bomb, malformed XML, robots
//! disallow, repeated entries). Counts every request so tests can check politeness.

use axum::Router;
use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

#[derive(Default)]
pub struct Log {
    /// (path, had If-None-Match or If-Modified-Since)
    pub requests: Vec<(String, bool)>,
    pub limited_hits: usize,
}

/// One listener per outlet, so that each outlet is its own site (host and port), as on the web.
#[derive(Clone)]
#[allow(dead_code)]
pub struct Fixture {
    pub addrs: std::collections::HashMap<String, SocketAddr>,
    pub log: Arc<Mutex<Log>>,
}

pub const OUTLETS: &[&str] = &[
    "a", "b", "c", "d", "slow", "err", "limited", "loop", "big", "bomb", "bad", "private", "repeat",
];

impl Fixture {
    /// The URL of `path` ("/OUTLET/...") on that outlet's site.
    pub fn url(&self, path: &str) -> String {
        let outlet = path.trim_start_matches('/').split('/').next().unwrap_or("");
        format!("http://{}{}", self.addrs[outlet], path)
    }

    #[allow(dead_code)]
    pub fn hits(&self, path: &str) -> usize {
        self.log
            .lock()
            .unwrap()
            .requests
            .iter()
            .filter(|(p, _)| p == path)
            .count()
    }

    #[allow(dead_code)]
    pub fn conditional_hits(&self, path: &str) -> usize {
        self.log
            .lock()
            .unwrap()
            .requests
            .iter()
            .filter(|(p, c)| p == path && *c)
            .count()
    }
}

type Shared = (String, Arc<Mutex<Log>>);

/// Starts one server per outlet on free ports of 127.0.0.1, on the current tokio runtime.
pub async fn start() -> Fixture {
    let log = Arc::new(Mutex::new(Log::default()));
    let mut addrs = std::collections::HashMap::new();
    for outlet in OUTLETS {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        addrs.insert(outlet.to_string(), addr);
        let base = format!("http://{addr}");
        let app = Router::new()
            .route(
                "/robots.txt",
                get(|| async { "User-agent: *\nDisallow: /private/\n" }),
            )
            .route("/{outlet}/{file}", get(serve))
            .with_state((base, log.clone()));
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
    }
    Fixture { addrs, log }
}

fn article(lang: &str, title: &str, paragraphs: &[&str], date: &str) -> String {
    let body: String = paragraphs.iter().map(|p| format!("<p>{p}</p>\n")).collect();
    format!(
        "<!DOCTYPE html><html lang=\"{lang}\"><head><meta charset=\"CHARSET\"><title>{title}</title>\
         <meta property=\"article:published_time\" content=\"{date}\"></head><body>\
         <nav><a href=\"/\">Home</a></nav><article><h1>{title}</h1>\n{body}</article>\
         <footer>Footer text of the outlet</footer></body></html>"
    )
}

fn encoded(html: String, enc: &'static encoding_rs::Encoding) -> (Vec<u8>, String) {
    let html = html.replace("CHARSET", enc.name());
    (enc.encode(&html).0.into_owned(), enc.name().to_string())
}

fn page(name: &str) -> Option<(Vec<u8>, String)> {
    Some(match name {
        "a/article-1.html" => encoded(
            article(
                "en",
                "Ferry strike halts crossings to the islands",
                &[
                    "Ferry crews went on strike on Monday, halting all crossings between the mainland and the northern islands, the operator said.",
                    "The union said the strike would last 48 hours unless the operator improved its pay offer. About 4,000 passengers a day use the routes.",
                    "The regional government urged both sides to return to talks.",
                ],
                "2026-05-04T07:00:00Z",
            ),
            encoding_rs::UTF_8,
        ),
        "a/article-2.html" => encoded(
            article(
                "en",
                "Orchard growers report record cherry harvest",
                &[
                    "Cherry growers in the southern valley expect a record harvest after a warm spring, their association said on Tuesday.",
                    "Growers said the crop could reach 31,000 tonnes, a fifth more than last year, and that they were short of pickers.",
                ],
                "2026-05-05T09:30:00Z",
            ),
            encoding_rs::UTF_8,
        ),
        "a/article-3.html" => encoded(
            article(
                "en",
                "City council approves new tram line",
                &[
                    "The city council approved plans for a new tram line linking the university to the central station on Wednesday.",
                    "Construction is due to start next spring and cost about 240 million euros, the mayor said.",
                ],
                "2026-05-06T12:00:00Z",
            ),
            encoding_rs::UTF_8,
        ),
        "b/artikel-1.html" => encoded(
            article(
                "de",
                "Fährstreik legt Verbindungen zu den Inseln lahm",
                &[
                    "Die Besatzungen der Fähren sind am Montag in den Streik getreten, alle Überfahrten zwischen dem Festland und den nördlichen Inseln fielen aus.",
                    "Die Gewerkschaft erklärte, der Streik werde 48 Stunden dauern, falls der Betreiber sein Lohnangebot nicht verbessere. Täglich nutzen etwa 4.000 Fahrgäste die Verbindungen.",
                ],
                "2026-05-04T08:15:00Z",
            ),
            encoding_rs::WINDOWS_1252,
        ),
        "c/statya-1.html" => encoded(
            article(
                "ru",
                "Забастовка паромщиков остановила переправу на острова",
                &[
                    "Экипажи паромов в понедельник объявили забастовку, все рейсы между материком и северными островами отменены, сообщил оператор.",
                    "Профсоюз заявил, что забастовка продлится 48 часов, если оператор не улучшит предложение по зарплате.",
                ],
                "2026-05-04T09:00:00Z",
            ),
            encoding_rs::WINDOWS_1251,
        ),
        "d/kiji-1.html" => encoded(
            article(
                "ja",
                "フェリー乗組員がストライキ、島への航路が全面運休",
                &[
                    "フェリーの乗組員が月曜日にストライキに入り、本土と北部の島々を結ぶ全ての便が運休となったと運航会社が発表した。",
                    "労働組合は、運航会社が賃金提案を改善しなければストライキは48時間続くと述べた。",
                ],
                "2026-05-04T10:00:00Z",
            ),
            encoding_rs::SHIFT_JIS,
        ),
        "repeat/story.html" => encoded(
            article(
                "en",
                "Library extends opening hours for exam season",
                &[
                    "The central library will stay open until midnight during the exam season, the city said on Thursday.",
                    "Students had asked for longer hours in a petition signed by 2,300 people.",
                ],
                "2026-05-07T10:00:00Z",
            ),
            encoding_rs::UTF_8,
        ),
        _ => return None,
    })
}

fn rss(base: &str, items: &[(&str, &str, &str)]) -> String {
    let items: String = items
        .iter()
        .map(|(path, title, date)| {
            format!("<item><title>{title}</title><link>{base}{path}</link><description>Summary of {title}.</description><pubDate>{date}</pubDate></item>")
        })
        .collect();
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><rss version=\"2.0\"><channel><title>Outlet</title><link>{base}/</link><description>d</description>{items}</channel></rss>"
    )
}

async fn serve(
    State((base, log)): State<Shared>,
    Path((outlet, file)): Path<(String, String)>,
    headers: HeaderMap,
) -> Response {
    let path = format!("/{outlet}/{file}");
    let conditional = headers.contains_key(header::IF_NONE_MATCH)
        || headers.contains_key(header::IF_MODIFIED_SINCE);
    log.lock()
        .unwrap()
        .requests
        .push((path.clone(), conditional));
    let xml = |body: String| {
        (
            [(header::CONTENT_TYPE, "application/xml; charset=utf-8")],
            body,
        )
            .into_response()
    };
    let etag = "\"v1\"";
    let validated = |body: String, ctype: &'static str| {
        if headers
            .get(header::IF_NONE_MATCH)
            .and_then(|v| v.to_str().ok())
            == Some(etag)
        {
            return StatusCode::NOT_MODIFIED.into_response();
        }
        (
            [
                (header::CONTENT_TYPE, ctype),
                (header::ETAG, etag),
                (header::LAST_MODIFIED, "Mon, 04 May 2026 10:00:00 GMT"),
            ],
            body,
        )
            .into_response()
    };
    match path.as_str() {
        "/a/rss.xml" => validated(
            rss(
                &base,
                &[
                    (
                        "/a/article-1.html",
                        "Ferry strike halts crossings",
                        "Mon, 04 May 2026 07:00:00 GMT",
                    ),
                    (
                        "/a/article-2.html?utm_source=rss&amp;utm_medium=feed",
                        "Record cherry harvest",
                        "Tue, 05 May 2026 09:30:00 GMT",
                    ),
                    (
                        "/a/article-3.html",
                        "New tram line",
                        "Wed, 06 May 2026 12:00:00 GMT",
                    ),
                ],
            ),
            "application/rss+xml; charset=utf-8",
        ),
        "/b/atom.xml" => validated(
            format!(
                "<?xml version=\"1.0\" encoding=\"utf-8\"?><feed xmlns=\"http://www.w3.org/2005/Atom\"><title>B</title><id>urn:b</id><updated>2026-05-04T08:15:00Z</updated>\
             <entry><title>Fährstreik</title><id>urn:b:1</id><link rel=\"alternate\" href=\"{base}/b/artikel-1.html\"/><updated>2026-05-04T08:15:00Z</updated><summary>Streik.</summary></entry></feed>"
            ),
            "application/atom+xml",
        ),
        "/c/feed.json" => validated(
            format!(
                "{{\"version\":\"https://jsonfeed.org/version/1.1\",\"title\":\"C\",\"items\":[{{\"id\":\"1\",\"url\":\"{base}/c/statya-1.html\",\"title\":\"Забастовка паромщиков\",\"date_published\":\"2026-05-04T09:00:00Z\"}}]}}"
            ),
            "application/feed+json",
        ),
        "/d/sitemap.xml" => validated(
            format!(
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?><urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\" xmlns:news=\"http://www.google.com/schemas/sitemap-news/0.9\">\
             <url><loc>{base}/d/kiji-1.html</loc><news:news><news:publication><news:name>D</news:name><news:language>ja</news:language></news:publication><news:publication_date>2026-05-04T10:00:00Z</news:publication_date><news:title>フェリー乗組員がストライキ</news:title></news:news></url></urlset>"
            ),
            "application/xml",
        ),
        "/slow/rss.xml" => {
            tokio::time::sleep(Duration::from_secs(3)).await;
            xml(rss(&base, &[]))
        }
        "/err/rss.xml" => (StatusCode::INTERNAL_SERVER_ERROR, "boom").into_response(),
        "/limited/rss.xml" => {
            let first = {
                let mut l = log.lock().unwrap();
                l.limited_hits += 1;
                l.limited_hits == 1
            };
            if first {
                (
                    StatusCode::TOO_MANY_REQUESTS,
                    [(header::RETRY_AFTER, "1")],
                    "slow down",
                )
                    .into_response()
            } else {
                xml(rss(&base, &[]))
            }
        }
        "/loop/rss.xml" => {
            (StatusCode::FOUND, [(header::LOCATION, "/loop/rss.xml")]).into_response()
        }
        "/big/rss.xml" => xml(rss(
            &base,
            &[(
                "/big/page.html",
                "A very large page",
                "Thu, 07 May 2026 08:00:00 GMT",
            )],
        )),
        "/big/page.html" => {
            let mut body = b"<html><body><p>".to_vec();
            body.resize(20 * 1024 * 1024, b'x');
            ([(header::CONTENT_TYPE, "text/html")], body).into_response()
        }
        "/bomb/rss.xml" => xml(rss(
            &base,
            &[(
                "/bomb/page.html",
                "A compressed bomb",
                "Thu, 07 May 2026 09:00:00 GMT",
            )],
        )),
        "/bomb/page.html" => {
            use std::io::Write;
            let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
            let zeros = vec![b' '; 1 << 20];
            for _ in 0..256 {
                enc.write_all(&zeros).unwrap();
            }
            let gz = enc.finish().unwrap();
            Response::builder()
                .header(header::CONTENT_TYPE, "text/html")
                .header(header::CONTENT_ENCODING, "gzip")
                .body(Body::from(gz))
                .unwrap()
        }
        "/bad/rss.xml" => {
            xml("<?xml version=\"1.0\"?><rss><channel><title>Broken<item><link>".to_string())
        }
        "/private/rss.xml" => xml(rss(&base, &[])),
        "/repeat/rss.xml" => xml(rss(
            &base,
            &[
                (
                    "/repeat/story.html",
                    "Library hours",
                    "Thu, 07 May 2026 10:00:00 GMT",
                ),
                (
                    "/repeat/story.html",
                    "Library hours",
                    "Thu, 07 May 2026 10:00:00 GMT",
                ),
                (
                    "/repeat/story.html?utm_campaign=x",
                    "Library hours",
                    "Thu, 07 May 2026 10:00:00 GMT",
                ),
            ],
        )),
        other => match page(other.trim_start_matches('/')) {
            Some((bytes, charset)) => (
                [(
                    header::CONTENT_TYPE,
                    format!("text/html; charset={charset}"),
                )],
                bytes,
            )
                .into_response(),
            None => (StatusCode::NOT_FOUND, "not found").into_response(),
        },
    }
}

/// The fixture outlets as sources, keyed by the feed path.
#[allow(dead_code)] // each test binary that includes this module uses part of it
pub fn sources(f: &Fixture) -> Vec<parallax_core::Source> {
    let mk = |slug: &str, country: &str, lang: &str, feed: &str| {
        let mut s = parallax_core::Source::named(&format!("Fixture {slug}"));
        s.id = parallax_core::SourceId::from_key(slug);
        s.home_page = Some(f.url(&format!("/{slug}/")));
        s.country = Some(country.to_string());
        s.languages = vec![lang.to_string()];
        s.feeds = vec![f.url(feed)];
        s
    };
    vec![
        mk("a", "GB", "en", "/a/rss.xml"),
        mk("b", "DE", "de", "/b/atom.xml"),
        mk("c", "RU", "ru", "/c/feed.json"),
        mk("d", "JP", "ja", "/d/sitemap.xml"),
        mk("slow", "US", "en", "/slow/rss.xml"),
        mk("err", "US", "en", "/err/rss.xml"),
        mk("limited", "US", "en", "/limited/rss.xml"),
        mk("loop", "US", "en", "/loop/rss.xml"),
        mk("big", "US", "en", "/big/rss.xml"),
        mk("bomb", "US", "en", "/bomb/rss.xml"),
        mk("bad", "US", "en", "/bad/rss.xml"),
        mk("private", "US", "en", "/private/rss.xml"),
        mk("repeat", "US", "en", "/repeat/rss.xml"),
    ]
}
