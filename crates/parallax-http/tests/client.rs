//! The polite client against real HTTP servers on loopback that misbehave on purpose.

use std::collections::HashMap;
use std::io::Write;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use parallax_http::{ClientConfig, FetchError, FetchOutcome, Page, PoliteClient, Validators};

const CONTACT: &str = "https://contact.example/parallax-bot";

/// What the server saw.
#[derive(Default)]
struct Seen {
    hits: Mutex<HashMap<String, usize>>,
    headers: Mutex<HashMap<String, HeaderMap>>,
    starts: Mutex<Vec<Instant>>,
    in_flight: AtomicUsize,
    max_in_flight: AtomicUsize,
}

impl Seen {
    fn hits(&self, path: &str) -> usize {
        self.hits.lock().unwrap().get(path).copied().unwrap_or(0)
    }
    fn total_hits(&self) -> usize {
        self.hits.lock().unwrap().values().sum()
    }
    fn headers(&self, path: &str) -> HeaderMap {
        self.headers
            .lock()
            .unwrap()
            .get(path)
            .cloned()
            .unwrap_or_default()
    }
}

type S = Arc<Seen>;

async fn track(State(seen): State<S>, req: Request, next: Next) -> Response {
    let path = req.uri().path().to_string();
    *seen.hits.lock().unwrap().entry(path.clone()).or_default() += 1;
    seen.headers
        .lock()
        .unwrap()
        .insert(path.clone(), req.headers().clone());
    if path != "/robots.txt" {
        seen.starts.lock().unwrap().push(Instant::now());
    }
    let now = seen.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
    seen.max_in_flight.fetch_max(now, Ordering::SeqCst);
    let response = next.run(req).await;
    seen.in_flight.fetch_sub(1, Ordering::SeqCst);
    response
}

const ROBOTS: &str = "User-agent: ParallaxBot\nDisallow: /no-parallax\nDisallow: /private\n\nUser-agent: *\nDisallow: /private\n";

/// Routes that misbehave on purpose. `robots` is the robots.txt, or None for a 404.
fn app(seen: S, robots: Option<&'static str>, robots_status: StatusCode) -> Router {
    let mut router = Router::new()
        .route("/page", get(page))
        .route(
            "/ua",
            get(|headers: HeaderMap| async move {
                headers
                    .get(header::USER_AGENT)
                    .map(|v| v.to_str().unwrap_or("").to_string())
                    .unwrap_or_default()
            }),
        )
        .route("/private/x", get(|| async { "secret" }))
        .route("/no-parallax", get(|| async { "not for parallax" }))
        .route(
            "/slow",
            get(|| async {
                tokio::time::sleep(Duration::from_secs(3)).await;
                "late"
            }),
        )
        .route(
            "/slow-body",
            get(|| async {
                let stream = futures_util::stream::unfold(0u32, |n| async move {
                    if n > 0 {
                        tokio::time::sleep(Duration::from_secs(3)).await;
                    }
                    (n < 2).then_some((Ok::<_, std::io::Error>(vec![b'x'; 100]), n + 1))
                });
                Body::from_stream(stream)
            }),
        )
        .route(
            "/trickle",
            get(|| async {
                let stream = futures_util::stream::unfold(0u32, |n| async move {
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    (n < 50).then_some((Ok::<_, std::io::Error>(vec![b'x'; 10]), n + 1))
                });
                Body::from_stream(stream)
            }),
        )
        .route("/500", get(|| async { StatusCode::INTERNAL_SERVER_ERROR }))
        .route("/404", get(|| async { StatusCode::NOT_FOUND }))
        .route(
            "/429",
            get(|State(seen): State<S>| async move {
                if seen.hits("/429") == 1 {
                    (
                        StatusCode::TOO_MANY_REQUESTS,
                        [(header::RETRY_AFTER, "1")],
                        "slow down",
                    )
                        .into_response()
                } else {
                    "finally".into_response()
                }
            }),
        )
        .route(
            "/503-long",
            get(|| async {
                (
                    StatusCode::SERVICE_UNAVAILABLE,
                    [(header::RETRY_AFTER, "86400")],
                    "come back tomorrow",
                )
            }),
        )
        .route(
            "/loop",
            get(|| async { (StatusCode::FOUND, [(header::LOCATION, "/loop")]) }),
        )
        .route(
            "/hop/1",
            get(|| async { (StatusCode::MOVED_PERMANENTLY, [(header::LOCATION, "2")]) }),
        )
        .route(
            "/hop/2",
            get(|| async {
                (
                    StatusCode::SEE_OTHER,
                    [(header::LOCATION, "../arrived?x=1")],
                )
            }),
        )
        .route("/arrived", get(|| async { "arrived" }))
        .route(
            "/to-private",
            get(|| async { (StatusCode::FOUND, [(header::LOCATION, "/private/x")]) }),
        )
        .route(
            "/to-ftp",
            get(|| async {
                (
                    StatusCode::FOUND,
                    [(header::LOCATION, "ftp://files.example/x")],
                )
            }),
        )
        .route("/big", get(|| async { vec![b'a'; 20 * 1024 * 1024] }))
        .route(
            "/bomb",
            get(|| async {
                (
                    [
                        (header::CONTENT_ENCODING, "gzip"),
                        (header::CONTENT_TYPE, "text/html"),
                    ],
                    gzip_bomb().to_vec(),
                )
            }),
        )
        .route(
            "/gz",
            get(|| async {
                (
                    [(header::CONTENT_ENCODING, "gzip")],
                    gzip(b"<p>hello, compressed world</p>"),
                )
            }),
        )
        .route(
            "/broken-gz",
            get(|| async {
                (
                    [(header::CONTENT_ENCODING, "gzip")],
                    b"definitely not gzip data".to_vec(),
                )
            }),
        )
        .route(
            "/zstd",
            get(|| async { ([(header::CONTENT_ENCODING, "zstd")], b"whatever".to_vec()) }),
        )
        .route(
            "/latin1",
            get(|| async {
                (
                    [(header::CONTENT_TYPE, "text/html; charset=ISO-8859-1")],
                    b"<p>caf\xe9</p>".to_vec(),
                )
            }),
        )
        .route(
            "/work",
            get(|| async {
                tokio::time::sleep(Duration::from_millis(150)).await;
                "done"
            }),
        );
    if let Some(text) = robots {
        router = router.route(
            "/robots.txt",
            get(move || async move { (robots_status, text) }),
        );
    }
    router
        .layer(middleware::from_fn_with_state(seen.clone(), track))
        .with_state(seen)
}

async fn page(headers: HeaderMap) -> Response {
    let etag = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok());
    let since = headers
        .get(header::IF_MODIFIED_SINCE)
        .and_then(|v| v.to_str().ok());
    if etag == Some("\"v1\"") && since == Some("Wed, 21 Oct 2015 07:28:00 GMT") {
        return StatusCode::NOT_MODIFIED.into_response();
    }
    (
        [
            (header::ETAG, "\"v1\""),
            (header::LAST_MODIFIED, "Wed, 21 Oct 2015 07:28:00 GMT"),
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
        ],
        "<p>the page</p>",
    )
        .into_response()
}

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(data).unwrap();
    e.finish().unwrap()
}

/// About 1 MiB of gzip that inflates to 1 GiB of zeros, made once: 16 gzip members (a valid
/// gzip file may have several) of 64 MiB of zeros each.
fn gzip_bomb() -> &'static [u8] {
    static BOMB: OnceLock<Vec<u8>> = OnceLock::new();
    BOMB.get_or_init(|| {
        let zeros = vec![0u8; 1 << 20];
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        for _ in 0..64 {
            e.write_all(&zeros).unwrap();
        }
        let member = e.finish().unwrap();
        member.repeat(16)
    })
}

struct Server {
    seen: S,
    addr: SocketAddr,
}

impl Server {
    fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.addr, path)
    }
}

async fn listen(router: Router) -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    addr
}

async fn server_with(robots: Option<&'static str>, robots_status: StatusCode) -> Server {
    let seen = S::default();
    let addr = listen(app(seen.clone(), robots, robots_status)).await;
    Server { seen, addr }
}

async fn server() -> Server {
    server_with(Some(ROBOTS), StatusCode::OK).await
}

fn config() -> ClientConfig {
    ClientConfig {
        user_agent_contact: CONTACT.to_string(),
        allow_private_addresses: true,
        connect_timeout: Duration::from_millis(500),
        read_timeout: Duration::from_millis(300),
        total_timeout: Duration::from_secs(2),
        per_host_min_interval: Duration::ZERO,
        retry_base_delay: Duration::from_millis(20),
        max_retry_after: Duration::from_secs(5),
        ..ClientConfig::default()
    }
}

fn client() -> PoliteClient {
    PoliteClient::new(config()).unwrap()
}

fn fetched(outcome: FetchOutcome) -> Page {
    match outcome {
        FetchOutcome::Fetched(page) => page,
        FetchOutcome::NotModified => panic!("expected a page, got NotModified"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn conditional_get_gives_not_modified() {
    let s = server().await;
    let c = client();
    let page = fetched(c.get(&s.url("/page"), None).await.unwrap());
    assert_eq!(page.status, 200);
    assert_eq!(page.body, b"<p>the page</p>");
    assert_eq!(page.validators.etag.as_deref(), Some("\"v1\""));
    assert_eq!(
        page.validators.last_modified.as_deref(),
        Some("Wed, 21 Oct 2015 07:28:00 GMT")
    );
    assert_eq!(
        page.content_type.as_deref(),
        Some("text/html; charset=utf-8")
    );
    assert_eq!(page.final_url, s.url("/page"));

    let outcome = c
        .get(&s.url("/page"), Some(&page.validators))
        .await
        .unwrap();
    assert_eq!(outcome, FetchOutcome::NotModified);
    let h = s.seen.headers("/page");
    assert_eq!(h.get(header::IF_NONE_MATCH).unwrap(), "\"v1\"");
    assert_eq!(
        h.get(header::IF_MODIFIED_SINCE).unwrap(),
        "Wed, 21 Oct 2015 07:28:00 GMT"
    );

    // Empty validators are a plain GET.
    let page = fetched(
        c.get(&s.url("/page"), Some(&Validators::default()))
            .await
            .unwrap(),
    );
    assert_eq!(page.status, 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn user_agent_names_parallax_and_the_contact() {
    let s = server().await;
    let c = client();
    assert!(c.user_agent().starts_with("ParallaxBot/"));
    let page = fetched(c.get(&s.url("/ua"), None).await.unwrap());
    let ua = String::from_utf8(page.body).unwrap();
    assert!(ua.contains("Parallax") && ua.contains(CONTACT), "{ua}");
    assert_eq!(ua, c.user_agent());
    // robots.txt is asked with the same User-Agent.
    let robots_ua = s.seen.headers("/robots.txt");
    assert_eq!(
        robots_ua.get(header::USER_AGENT).unwrap().to_str().unwrap(),
        c.user_agent()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn robots_is_fetched_once_and_obeyed() {
    let s = server().await;
    let c = client();
    let err = c.get(&s.url("/private/x"), None).await.unwrap_err();
    assert!(
        matches!(err, FetchError::RobotsDisallowed { .. }),
        "{err:?}"
    );
    assert!(!err.is_transient());
    // The group for ParallaxBot is the one applied.
    let err = c.get(&s.url("/no-parallax"), None).await.unwrap_err();
    assert!(
        matches!(err, FetchError::RobotsDisallowed { .. }),
        "{err:?}"
    );
    let url = s.url("/page");
    let gets: Vec<_> = (0..8).map(|_| c.get(&url, None)).collect();
    for result in futures_util::future::join_all(gets).await {
        fetched(result.unwrap());
    }
    // A clone shares the cache.
    fetched(c.clone().get(&s.url("/page"), None).await.unwrap());
    assert_eq!(s.seen.hits("/robots.txt"), 1);
    assert_eq!(s.seen.hits("/private/x"), 0);
    assert_eq!(s.seen.hits("/no-parallax"), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn robots_applies_to_every_redirect_hop() {
    let s = server().await;
    let err = client().get(&s.url("/to-private"), None).await.unwrap_err();
    assert!(
        matches!(err, FetchError::RobotsDisallowed { ref url } if url.ends_with("/private/x")),
        "{err:?}"
    );
    assert_eq!(s.seen.hits("/private/x"), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn robots_404_allows_all_and_5xx_disallows_for_a_while() {
    let s = server_with(None, StatusCode::OK).await;
    let c = client();
    fetched(c.get(&s.url("/private/x"), None).await.unwrap());
    fetched(c.get(&s.url("/page"), None).await.unwrap());
    assert_eq!(s.seen.hits("/robots.txt"), 1);

    let s = server_with(Some("oops"), StatusCode::INTERNAL_SERVER_ERROR).await;
    for _ in 0..2 {
        let err = c.get(&s.url("/page"), None).await.unwrap_err();
        assert!(
            matches!(err, FetchError::RobotsUnreachable { .. }),
            "{err:?}"
        );
        assert!(err.is_transient());
    }
    assert_eq!(s.seen.hits("/robots.txt"), 1, "the failure is cached too");
    assert_eq!(s.seen.hits("/page"), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slow_answers_time_out_after_bounded_retries() {
    let s = server().await;
    let c = client();
    let t = Instant::now();
    let err = c.get(&s.url("/slow"), None).await.unwrap_err();
    assert!(matches!(err, FetchError::Timeout { .. }), "{err:?}");
    assert!(err.is_transient());
    assert_eq!(s.seen.hits("/slow"), 3, "one try and two retries");
    assert!(t.elapsed() < Duration::from_secs(6), "{:?}", t.elapsed());

    let err = c.get(&s.url("/slow-body"), None).await.unwrap_err();
    assert!(matches!(err, FetchError::Timeout { .. }), "{err:?}");
    assert_eq!(s.seen.hits("/slow-body"), 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn server_errors_are_retried_then_reported_in_plain_words() {
    let s = server().await;
    let c = client();
    let err = c.get(&s.url("/500"), None).await.unwrap_err();
    assert!(
        matches!(
            err,
            FetchError::Http {
                status: 500,
                attempts: 3,
                ..
            }
        ),
        "{err:?}"
    );
    assert_eq!(s.seen.hits("/500"), 3);
    let msg = err.user_message();
    assert!(
        msg.contains("500 Internal Server Error three times"),
        "{msg}"
    );
    assert!(!msg.contains('\n'));

    let err = c.get(&s.url("/404"), None).await.unwrap_err();
    assert!(
        matches!(
            err,
            FetchError::Http {
                status: 404,
                attempts: 1,
                ..
            }
        ),
        "{err:?}"
    );
    assert_eq!(s.seen.hits("/404"), 1, "a 404 is not retried");
    assert!(!err.is_transient());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn retry_after_is_honoured() {
    let s = server().await;
    let c = client();
    let t = Instant::now();
    let page = fetched(c.get(&s.url("/429"), None).await.unwrap());
    assert!(t.elapsed() >= Duration::from_secs(1), "{:?}", t.elapsed());
    assert_eq!(page.body, b"finally");
    assert_eq!(s.seen.hits("/429"), 2);
    assert!(
        page.warnings.iter().any(|w| w.contains("429")),
        "{:?}",
        page.warnings
    );

    let t = Instant::now();
    let err = c.get(&s.url("/503-long"), None).await.unwrap_err();
    assert!(t.elapsed() < Duration::from_secs(1));
    assert_eq!(err.retry_after(), Some(Duration::from_secs(86_400)));
    assert!(matches!(err, FetchError::RetryLater { .. }), "{err:?}");
    assert!(
        err.user_message().contains("come back in"),
        "{}",
        err.user_message()
    );
    assert_eq!(s.seen.hits("/503-long"), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redirects_are_followed_by_hand_and_limited() {
    let s = server().await;
    let c = client();
    let err = c.get(&s.url("/loop"), None).await.unwrap_err();
    assert!(
        matches!(
            err,
            FetchError::TooManyRedirects {
                limit: 5,
                looped: true,
                ..
            }
        ),
        "{err:?}"
    );
    assert_eq!(
        s.seen.hits("/loop"),
        6,
        "the first request and five redirects"
    );

    let page = fetched(c.get(&s.url("/hop/1"), None).await.unwrap());
    assert_eq!(page.final_url, s.url("/arrived?x=1"));
    assert_eq!(page.body, b"arrived");

    let err = c.get(&s.url("/to-ftp"), None).await.unwrap_err();
    assert!(
        matches!(err, FetchError::UnsupportedScheme { .. }),
        "{err:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn private_addresses_are_refused_unless_allowed() {
    let s = server().await;
    let strict = PoliteClient::new(ClientConfig {
        allow_private_addresses: false,
        ..config()
    })
    .unwrap();
    let err = strict.get(&s.url("/page"), None).await.unwrap_err();
    assert!(matches!(err, FetchError::PrivateAddress { .. }), "{err:?}");
    assert!(
        err.user_message().contains("127.0.0.1"),
        "{}",
        err.user_message()
    );
    // Through the resolver: a name that resolves to loopback.
    let url = format!("http://localhost:{}/page", s.addr.port());
    let err = strict.get(&url, None).await.unwrap_err();
    assert!(matches!(err, FetchError::PrivateAddress { .. }), "{err:?}");
    assert_eq!(
        err.url(),
        url,
        "the error names the page, not its robots.txt"
    );
    assert!(matches!(
        strict
            .get(&format!("http://[::1]:{}/page", s.addr.port()), None)
            .await,
        Err(FetchError::PrivateAddress { .. })
    ));
    assert_eq!(s.seen.total_hits(), 0, "not even robots.txt was asked");
    // The same with private addresses allowed.
    fetched(
        client()
            .get(&format!("http://localhost:{}/page", s.addr.port()), None)
            .await
            .unwrap(),
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn large_pages_and_bombs_stop_at_the_cap() {
    let s = server().await;
    let c = client();
    let err = c.get(&s.url("/big"), None).await.unwrap_err();
    assert!(
        matches!(err, FetchError::TooLarge { limit, .. } if limit == 10 * 1024 * 1024),
        "{err:?}"
    );

    let bomb = gzip_bomb();
    assert!(bomb.len() < 2 << 20, "{}", bomb.len());
    let t = Instant::now();
    let err = c.get(&s.url("/bomb"), None).await.unwrap_err();
    assert!(matches!(err, FetchError::TooLarge { .. }), "{err:?}");
    assert!(t.elapsed() < Duration::from_secs(2), "{:?}", t.elapsed());
    assert_eq!(s.seen.hits("/bomb"), 1, "not retried");

    // A smaller cap, and a streamed body without Content-Length checks while reading.
    let small = PoliteClient::new(ClientConfig {
        max_body_bytes: 1000,
        ..config()
    })
    .unwrap();
    let err = small.get(&s.url("/bomb"), None).await.unwrap_err();
    assert!(
        matches!(err, FetchError::TooLarge { limit: 1000, .. }),
        "{err:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bodies_are_decompressed_and_charsets_reported() {
    let s = server().await;
    let c = client();
    let page = fetched(c.get(&s.url("/gz"), None).await.unwrap());
    assert_eq!(page.body, b"<p>hello, compressed world</p>");
    let sent = s.seen.headers("/gz");
    assert!(
        sent.get(header::ACCEPT_ENCODING)
            .unwrap()
            .to_str()
            .unwrap()
            .contains("gzip")
    );

    let err = c.get(&s.url("/broken-gz"), None).await.unwrap_err();
    assert!(matches!(err, FetchError::Decode { .. }), "{err:?}");
    assert!(!err.is_transient());
    assert_eq!(s.seen.hits("/broken-gz"), 1, "broken data is not retried");
    let err = c.get(&s.url("/zstd"), None).await.unwrap_err();
    assert!(matches!(err, FetchError::Decode { .. }), "{err:?}");

    let page = fetched(c.get(&s.url("/latin1"), None).await.unwrap());
    assert_eq!(page.charset.as_deref(), Some("ISO-8859-1"));
    let (text, _) = page.text();
    assert!(text.contains("café"), "{text}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn per_host_concurrency_is_limited() {
    let s = server().await;
    let c = client();
    let url = s.url("/work");
    let gets: Vec<_> = (0..6).map(|_| c.get(&url, None)).collect();
    for result in futures_util::future::join_all(gets).await {
        fetched(result.unwrap());
    }
    assert_eq!(s.seen.max_in_flight.load(Ordering::SeqCst), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn global_concurrency_is_limited() {
    // Three "hosts" (ports) on one shared counter.
    let seen = S::default();
    let mut addrs = Vec::new();
    for _ in 0..3 {
        addrs.push(listen(app(seen.clone(), Some(ROBOTS), StatusCode::OK)).await);
    }
    let c = PoliteClient::new(ClientConfig {
        global_concurrency: 3,
        ..config()
    })
    .unwrap();
    let urls: Vec<String> = (0..12)
        .map(|i| format!("http://{}/work", addrs[i % 3]))
        .collect();
    let gets: Vec<_> = urls.iter().map(|u| c.get(u, None)).collect();
    for result in futures_util::future::join_all(gets).await {
        fetched(result.unwrap());
    }
    let max = seen.max_in_flight.load(Ordering::SeqCst);
    assert!((2..=3).contains(&max), "{max}");
    assert_eq!(seen.hits("/robots.txt"), 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn requests_to_one_host_are_spaced() {
    let s = server().await;
    let c = PoliteClient::new(ClientConfig {
        per_host_min_interval: Duration::from_millis(100),
        ..config()
    })
    .unwrap();
    let url = s.url("/ua");
    let gets: Vec<_> = (0..4).map(|_| c.get(&url, None)).collect();
    for result in futures_util::future::join_all(gets).await {
        fetched(result.unwrap());
    }
    let mut starts = s.seen.starts.lock().unwrap().clone();
    starts.sort();
    // Without spacing the four requests would arrive together (gaps of a few ms); with 100 ms
    // spacing they arrive about 100 ms apart. The server sees the arrivals, so scheduling jitter
    // on a loaded machine (a whole test suite running beside it) can shorten one gap by tens of
    // ms: half the interval separates the two cases with room to spare.
    for pair in starts.windows(2) {
        let gap = pair[1] - pair[0];
        assert!(gap >= Duration::from_millis(50), "{gap:?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_input_is_an_error_not_a_panic() {
    let c = client();
    for url in [
        "",
        "not a url",
        "ftp://x.example/",
        "file:///etc/passwd",
        "http://",
        "mailto:a@b.example",
        "http://[::1",
    ] {
        let err = c.get(url, None).await.unwrap_err();
        assert!(
            matches!(
                err,
                FetchError::InvalidUrl { .. } | FetchError::UnsupportedScheme { .. }
            ),
            "{url}: {err:?}"
        );
        assert!(!err.user_message().is_empty());
    }
    // Nothing listens on this port: a connection error, retried, then reported.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    let err = c
        .get(&format!("http://127.0.0.1:{port}/"), None)
        .await
        .unwrap_err();
    assert!(matches!(err, FetchError::Connect { .. }), "{err:?}");
    assert!(err.is_transient());
    // Validators that cannot go into a header are skipped.
    let s = server().await;
    let odd = Validators {
        etag: Some("\"a\nb\"".into()),
        last_modified: Some("\u{1F600}".into()),
    };
    fetched(c.get(&s.url("/page"), Some(&odd)).await.unwrap());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_total_timeout_bounds_a_trickling_body() {
    let s = server().await;
    let c = PoliteClient::new(ClientConfig {
        total_timeout: Duration::from_millis(500),
        max_retries: 0,
        ..config()
    })
    .unwrap();
    let t = Instant::now();
    let err = c.get(&s.url("/trickle"), None).await.unwrap_err();
    assert!(
        matches!(err, FetchError::Timeout { ref what, .. } if what.contains("whole request")),
        "{err:?}"
    );
    assert!(t.elapsed() < Duration::from_secs(2), "{:?}", t.elapsed());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn crawl_delay_spaces_requests() {
    let s = server_with(Some("User-agent: *\nCrawl-delay: 0.2\n"), StatusCode::OK).await;
    let c = client();
    let url = s.url("/ua");
    let gets: Vec<_> = (0..3).map(|_| c.get(&url, None)).collect();
    for result in futures_util::future::join_all(gets).await {
        fetched(result.unwrap());
    }
    let mut starts = s.seen.starts.lock().unwrap().clone();
    starts.sort();
    assert_eq!(starts.len(), 3);
    for pair in starts.windows(2) {
        let gap = pair[1] - pair[0];
        assert!(gap >= Duration::from_millis(180), "{gap:?}");
    }
}

// ---------------------------------------------------------------------------------------------
// ServiceClient: operator-configured API endpoints on loopback.

fn service_app() -> Router {
    use axum::routing::post;
    Router::new()
        .route(
            "/echo",
            post(|headers: HeaderMap, body: String| async move {
                let auth = headers
                    .get(header::AUTHORIZATION)
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or("")
                    .to_string();
                let ct = headers
                    .get(header::CONTENT_TYPE)
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or("")
                    .to_string();
                format!("{auth}|{ct}|{body}")
            }),
        )
        .route(
            "/busy",
            post(|| async {
                (
                    StatusCode::TOO_MANY_REQUESTS,
                    [(header::RETRY_AFTER, "7")],
                    "{\"error\":\"Slowdown\"}",
                )
            }),
        )
        .route(
            "/moved",
            post(|| async {
                (
                    StatusCode::TEMPORARY_REDIRECT,
                    [(header::LOCATION, "http://elsewhere.invalid/steal-the-key")],
                )
            }),
        )
        .route("/big", post(|| async { "x".repeat(10_000) }))
        .route(
            "/slow",
            post(|| async {
                tokio::time::sleep(Duration::from_secs(3)).await;
                "late"
            }),
        )
}

fn service_client(total: Duration) -> parallax_http::ServiceClient {
    parallax_http::ServiceClient::new(parallax_http::ServiceConfig {
        total_timeout: total,
        max_body_bytes: 1000,
        ..parallax_http::ServiceConfig::default()
    })
    .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn service_client_posts_json_to_loopback_and_reports_every_status() {
    let addr = listen(service_app()).await;
    let c = service_client(Duration::from_secs(2));
    let url = |p: &str| format!("http://{addr}{p}");

    let r = c
        .post_json(&url("/echo"), b"{\"q\":1}".to_vec(), Some("sk-secret"))
        .await
        .unwrap();
    assert_eq!(r.status, 200);
    assert_eq!(
        String::from_utf8(r.body).unwrap(),
        "Bearer sk-secret|application/json|{\"q\":1}"
    );
    let r = c
        .post_json(&url("/echo"), b"{}".to_vec(), None)
        .await
        .unwrap();
    assert!(r.body.starts_with(b"|application/json|"));

    let r = c.post_json(&url("/busy"), vec![], None).await.unwrap();
    assert_eq!(r.status, 429);
    assert_eq!(r.retry_after, Some(Duration::from_secs(7)));

    // A redirect comes back as it is: the key is never sent to another host.
    let r = c
        .post_json(&url("/moved"), vec![], Some("k"))
        .await
        .unwrap();
    assert_eq!(r.status, 307);

    let err = c.post_json(&url("/big"), vec![], None).await.unwrap_err();
    assert!(
        matches!(err, FetchError::TooLarge { limit: 1000, .. }),
        "{err:?}"
    );

    let err = c
        .post_json("ftp://127.0.0.1/x", vec![], None)
        .await
        .unwrap_err();
    assert!(
        matches!(err, FetchError::UnsupportedScheme { .. }),
        "{err:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn service_client_times_out_and_reports_a_closed_port() {
    let addr = listen(service_app()).await;
    let c = service_client(Duration::from_millis(300));
    let t = Instant::now();
    let err = c
        .post_json(&format!("http://{addr}/slow"), vec![], None)
        .await
        .unwrap_err();
    assert!(matches!(err, FetchError::Timeout { .. }), "{err:?}");
    assert!(t.elapsed() < Duration::from_secs(2), "{:?}", t.elapsed());

    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = closed.local_addr().unwrap().port();
    drop(closed);
    let err = c
        .post_json(&format!("http://127.0.0.1:{port}/translate"), vec![], None)
        .await
        .unwrap_err();
    assert!(matches!(err, FetchError::Connect { .. }), "{err:?}");
    assert!(err.is_transient());
}
