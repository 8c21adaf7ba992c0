//! [`PoliteClient`]: robots.txt, rate limits, concurrency, retries, redirects by hand, size caps.

use std::collections::HashMap;
use std::error::Error as StdError;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, SystemTime};

use reqwest::header::{
    ACCEPT, ACCEPT_ENCODING, CONTENT_ENCODING, CONTENT_TYPE, ETAG, HeaderMap, HeaderValue,
    IF_MODIFIED_SINCE, IF_NONE_MATCH, LAST_MODIFIED, LOCATION, RETRY_AFTER,
};
use reqwest::{Url, redirect};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio::time::Instant;

use crate::addr::{GuardedResolver, ResolveFailure, find_resolve_failure, is_non_public};
use crate::body::{BodyError, BodySink, Encoding};
use crate::error::{human_duration, is_transient_status};
use crate::{ClientConfig, FetchError, FetchOutcome, Page, Validators};

/// The product token robots.txt groups are matched against.
const ROBOTS_AGENT: &str = "ParallaxBot";
/// RFC 9309: parse at least the first 500 KiB of a robots.txt; the rest is ignored.
const ROBOTS_MAX_BYTES: usize = 512 * 1024;
/// RFC 9309: follow at least five redirects for robots.txt.
const ROBOTS_MAX_REDIRECTS: usize = 5;
/// Per-host and robots.txt caches are pruned of idle, expired entries when they reach this size.
const PRUNE_AT: usize = 10_000;
const ACCEPT_VALUE: &str = "text/html, application/xhtml+xml, application/rss+xml, application/atom+xml, \
                            application/xml;q=0.9, text/plain;q=0.8, */*;q=0.5";

/// The one HTTP client of Parallax. Cheap to clone (shares one connection pool, one robots.txt
/// cache and one set of per-host limits); `Send + Sync`.
#[derive(Clone)]
pub struct PoliteClient {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for PoliteClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PoliteClient")
            .field("user_agent", &self.inner.user_agent)
            .field("config", &self.inner.config)
            .finish_non_exhaustive()
    }
}

struct Inner {
    config: ClientConfig,
    user_agent: String,
    http: reqwest::Client,
    global: Arc<Semaphore>,
    hosts: Mutex<HashMap<String, Arc<HostState>>>,
    robots: Mutex<HashMap<String, Arc<tokio::sync::Mutex<Option<RobotsEntry>>>>>,
}

/// Per host-and-port limits.
struct HostState {
    permits: Arc<Semaphore>,
    schedule: Mutex<Schedule>,
}

struct Schedule {
    /// The earliest start of the next request.
    next_start: Instant,
    /// The site's robots.txt `Crawl-delay` (already capped).
    crawl_delay: Duration,
}

struct RobotsEntry {
    rules: RobotsRules,
    expires: Instant,
}

enum RobotsRules {
    AllowAll,
    Rules(Box<texting_robots::Robot>),
    /// 5xx or timeout: the whole site is disallowed until the entry expires.
    Unreachable(String),
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Purpose {
    Page,
    Robots,
}

/// A final (non-redirect) response. The body is read only for 2xx.
struct Raw {
    final_url: Url,
    status: u16,
    headers: HeaderMap,
    body: Vec<u8>,
    warnings: Vec<String>,
}

enum Hop {
    Redirect(Url),
    Done(Raw),
}

impl PoliteClient {
    /// Builds the client. Fails when the contact is missing or cannot go into a header, or a
    /// limit is zero.
    pub fn new(config: ClientConfig) -> Result<Self, FetchError> {
        let bad = |reason: &str| {
            Err(FetchError::Config {
                reason: reason.to_string(),
            })
        };
        let contact = config.user_agent_contact.trim();
        if contact.is_empty() {
            return bad(
                "a contact URL or mail address for the User-Agent is required (user_agent_contact)",
            );
        }
        if !contact.is_ascii()
            || contact
                .chars()
                .any(|c| c.is_control() || c == '(' || c == ')')
        {
            return bad(
                "the User-Agent contact must be plain ASCII without control characters or parentheses",
            );
        }
        let user_agent = format!("{ROBOTS_AGENT}/{} (+{contact})", env!("CARGO_PKG_VERSION"));
        let Ok(ua_header) = HeaderValue::from_str(&user_agent) else {
            return bad("the User-Agent contact must be plain ASCII text");
        };
        if config.per_host_concurrency == 0 || config.global_concurrency == 0 {
            return bad("per_host_concurrency and global_concurrency must be at least 1");
        }
        if config.max_body_bytes == 0 {
            return bad("max_body_bytes must be at least 1");
        }
        if config.connect_timeout.is_zero()
            || config.read_timeout.is_zero()
            || config.total_timeout.is_zero()
        {
            return bad("timeouts must be longer than zero");
        }
        // rustls with the ring provider. Installing is process-wide and idempotent: when a
        // provider is already installed, that one is used.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let http = reqwest::Client::builder()
            .user_agent(ua_header)
            .redirect(redirect::Policy::none())
            .no_proxy()
            .connect_timeout(config.connect_timeout)
            .read_timeout(config.read_timeout)
            .pool_idle_timeout(Duration::from_secs(60))
            .pool_max_idle_per_host(config.per_host_concurrency)
            .dns_resolver(GuardedResolver {
                allow_private: config.allow_private_addresses,
            })
            .build()
            .map_err(|e| FetchError::Config {
                reason: format!("could not build the HTTP client: {e}"),
            })?;
        Ok(PoliteClient {
            inner: Arc::new(Inner {
                global: Arc::new(Semaphore::new(
                    config.global_concurrency.min(Semaphore::MAX_PERMITS),
                )),
                config,
                user_agent,
                http,
                hosts: Mutex::new(HashMap::new()),
                robots: Mutex::new(HashMap::new()),
            }),
        })
    }

    /// The User-Agent sent with every request, e.g. `ParallaxBot/0.1.0 (+https://contact.example)`.
    pub fn user_agent(&self) -> &str {
        &self.inner.user_agent
    }

    /// The configuration the client was built with.
    pub fn config(&self) -> &ClientConfig {
        &self.inner.config
    }

    /// Fetches `url` with a GET. With `validators`, asks conditionally (`If-None-Match`,
    /// `If-Modified-Since`, sent on every hop) and gives [`FetchOutcome::NotModified`] on 304.
    ///
    /// Before each hop: the scheme (http/https), the address (non-public refused unless
    /// allowed) and the site's robots.txt are checked; then the hop waits for its host's turn
    /// and for a free slot. Redirects (301, 302, 303, 307, 308) are followed up to
    /// [`ClientConfig::max_redirects`]. Timeouts, connection trouble, 408, 429 and 5xx are
    /// retried up to [`ClientConfig::max_retries`] times with exponential backoff and jitter, or
    /// after the server's `Retry-After` (seconds or HTTP date) when it sent one; a `Retry-After`
    /// longer than [`ClientConfig::max_retry_after`] ends the fetch with
    /// [`FetchError::RetryLater`]. Any other non-2xx status is a [`FetchError::Http`].
    pub async fn get(
        &self,
        url: &str,
        validators: Option<&Validators>,
    ) -> Result<FetchOutcome, FetchError> {
        let start = parse_url(url)?;
        let validators = validators.filter(|v| !v.is_empty());
        let cfg = &self.inner.config;
        let mut warnings = Vec::new();
        let mut attempt: u32 = 0;
        loop {
            attempt += 1;
            let last = attempt > cfg.max_retries;
            match self
                .inner
                .fetch_chain(&start, validators, Purpose::Page)
                .await
            {
                Ok(raw) => {
                    let status = raw.status;
                    if (200..300).contains(&status) {
                        warnings.extend(raw.warnings.iter().cloned());
                        return Ok(FetchOutcome::Fetched(page_from(raw, warnings)));
                    }
                    if status == 304 && validators.is_some() {
                        return Ok(FetchOutcome::NotModified);
                    }
                    let retry_after = parse_retry_after(&raw.headers, SystemTime::now());
                    if is_transient_status(status) {
                        if let Some(after) = retry_after {
                            if after > cfg.max_retry_after {
                                // Nobody should ask this host again before then.
                                self.inner.pause_host(&raw.final_url, cfg.max_retry_after);
                                return Err(FetchError::RetryLater {
                                    url: raw.final_url.to_string(),
                                    after,
                                });
                            }
                            self.inner.pause_host(&raw.final_url, after);
                        }
                        if !last {
                            let delay = retry_after
                                .unwrap_or_else(|| backoff(cfg.retry_base_delay, attempt));
                            warnings.push(format!(
                                "the server answered {status}; asked again after {}",
                                human_duration(delay)
                            ));
                            tokio::time::sleep(delay).await;
                            continue;
                        }
                    }
                    return Err(FetchError::Http {
                        status,
                        url: raw.final_url.to_string(),
                        attempts: attempt,
                        retry_after,
                    });
                }
                Err(e) if !last && retry_now(&e) => {
                    let delay = backoff(cfg.retry_base_delay, attempt);
                    warnings.push(format!(
                        "{}; tried again after {}",
                        e.user_message(),
                        human_duration(delay)
                    ));
                    tokio::time::sleep(delay).await;
                }
                Err(e) => return Err(e),
            }
        }
    }
}

impl Inner {
    /// One attempt: hops through redirects to a final response.
    async fn fetch_chain(
        &self,
        start: &Url,
        validators: Option<&Validators>,
        purpose: Purpose,
    ) -> Result<Raw, FetchError> {
        let limit = match purpose {
            Purpose::Page => self.config.max_redirects,
            Purpose::Robots => ROBOTS_MAX_REDIRECTS,
        };
        let mut url = start.clone();
        let mut seen = vec![start.to_string()];
        let mut looped = false;
        loop {
            check_scheme(&url)?;
            self.check_literal_address(&url)?;
            if purpose == Purpose::Page {
                self.check_robots(&url).await?;
            }
            match self.exchange(&url, validators, purpose).await? {
                Hop::Done(raw) => return Ok(raw),
                Hop::Redirect(next) => {
                    if seen.len() > limit {
                        return Err(FetchError::TooManyRedirects {
                            url: start.to_string(),
                            limit,
                            looped,
                        });
                    }
                    let next_str = next.to_string();
                    looped |= seen.contains(&next_str);
                    seen.push(next_str);
                    url = next;
                }
            }
        }
    }

    /// One HTTP exchange, within the host's and the global limits and the total timeout.
    async fn exchange(
        &self,
        url: &Url,
        validators: Option<&Validators>,
        purpose: Purpose,
    ) -> Result<Hop, FetchError> {
        let host = self.host(&host_key(url));
        let _host_permit: Option<OwnedSemaphorePermit> =
            host.permits.clone().acquire_owned().await.ok();
        self.wait_turn(&host).await;
        let _global_permit: Option<OwnedSemaphorePermit> =
            self.global.clone().acquire_owned().await.ok();
        let total = self.config.total_timeout;
        match tokio::time::timeout(total, self.exchange_now(url, validators, purpose)).await {
            Ok(result) => result,
            Err(_) => Err(FetchError::Timeout {
                what: format!("after {} for the whole request", human_duration(total)),
                url: url.to_string(),
            }),
        }
    }

    async fn exchange_now(
        &self,
        url: &Url,
        validators: Option<&Validators>,
        purpose: Purpose,
    ) -> Result<Hop, FetchError> {
        let cfg = &self.config;
        let mut request = self
            .http
            .get(url.clone())
            .header(ACCEPT, ACCEPT_VALUE)
            .header(ACCEPT_ENCODING, "gzip, deflate, br");
        if let Some(v) = validators {
            if let Some(etag) = v
                .etag
                .as_deref()
                .and_then(|e| HeaderValue::from_str(e).ok())
            {
                request = request.header(IF_NONE_MATCH, etag);
            }
            if let Some(lm) = v
                .last_modified
                .as_deref()
                .and_then(|l| HeaderValue::from_str(l).ok())
            {
                request = request.header(IF_MODIFIED_SINCE, lm);
            }
        }
        tracing::debug!(url = %url, "GET");
        let wait = cfg.connect_timeout.saturating_add(cfg.read_timeout);
        let mut response = match tokio::time::timeout(wait, request.send()).await {
            Err(_) => {
                return Err(FetchError::Timeout {
                    what: format!("after {} waiting for the answer", human_duration(wait)),
                    url: url.to_string(),
                });
            }
            Ok(Err(e)) => return Err(self.map_reqwest(&e, url)),
            Ok(Ok(r)) => r,
        };
        let status = response.status().as_u16();
        if matches!(status, 301 | 302 | 303 | 307 | 308) {
            let location = response
                .headers()
                .get(LOCATION)
                .map(|l| String::from_utf8_lossy(l.as_bytes()).into_owned());
            return match location.as_deref().and_then(|l| url.join(l.trim()).ok()) {
                Some(mut next) => {
                    next.set_fragment(None);
                    Ok(Hop::Redirect(next))
                }
                None => Err(FetchError::BadRedirect {
                    url: url.to_string(),
                    location: location.unwrap_or_default(),
                }),
            };
        }
        let headers = response.headers().clone();
        let mut raw = Raw {
            final_url: url.clone(),
            status,
            headers,
            body: Vec::new(),
            warnings: Vec::new(),
        };
        if !(200..300).contains(&status) {
            return Ok(Hop::Done(raw));
        }

        let encoding = Encoding::from_header(header_str(&raw.headers, CONTENT_ENCODING.as_str()))
            .map_err(|reason| FetchError::Decode {
            url: url.to_string(),
            reason,
        })?;
        let (cap, truncate) = match purpose {
            Purpose::Page => (
                usize::try_from(cfg.max_body_bytes).unwrap_or(usize::MAX),
                false,
            ),
            Purpose::Robots => (ROBOTS_MAX_BYTES, true),
        };
        let too_large = || FetchError::TooLarge {
            url: url.to_string(),
            limit: cap as u64,
        };
        if !truncate
            && encoding == Encoding::Identity
            && response
                .content_length()
                .is_some_and(|len| len > cap as u64)
        {
            return Err(too_large());
        }
        let mut sink = BodySink::new(encoding, cap, truncate);
        loop {
            match tokio::time::timeout(cfg.read_timeout, response.chunk()).await {
                Err(_) => {
                    return Err(FetchError::Timeout {
                        what: format!(
                            "after {} waiting for the rest of the page",
                            human_duration(cfg.read_timeout)
                        ),
                        url: url.to_string(),
                    });
                }
                Ok(Err(e)) => return Err(self.map_reqwest(&e, url)),
                Ok(Ok(None)) => break,
                Ok(Ok(Some(chunk))) => {
                    sink.feed(&chunk).map_err(|e| match e {
                        BodyError::TooLarge => too_large(),
                        BodyError::Corrupt(reason) => FetchError::Decode {
                            url: url.to_string(),
                            reason,
                        },
                    })?;
                    if sink.is_over() {
                        break;
                    }
                }
            }
        }
        let (body, over, warning) = sink.finish().map_err(|e| match e {
            BodyError::TooLarge => too_large(),
            BodyError::Corrupt(reason) => FetchError::Decode {
                url: url.to_string(),
                reason,
            },
        })?;
        if over {
            raw.warnings
                .push(format!("only the first {cap} bytes were read"));
        }
        raw.warnings.extend(warning);
        raw.body = body;
        Ok(Hop::Done(raw))
    }

    fn map_reqwest(&self, e: &reqwest::Error, url: &Url) -> FetchError {
        let url_s = url.to_string();
        if let Some(failure) = find_resolve_failure(e as &(dyn StdError + 'static)) {
            return match failure {
                ResolveFailure::Blocked { addr } => FetchError::PrivateAddress {
                    url: url_s,
                    addr: *addr,
                },
                ResolveFailure::Lookup { reason } => FetchError::Dns {
                    url: url_s,
                    reason: reason.clone(),
                },
            };
        }
        if e.is_timeout() {
            let what = if e.is_connect() {
                format!(
                    "after {} connecting",
                    human_duration(self.config.connect_timeout)
                )
            } else {
                format!(
                    "after {} waiting for data",
                    human_duration(self.config.read_timeout)
                )
            };
            return FetchError::Timeout { what, url: url_s };
        }
        let reason = error_chain(e);
        if e.is_body() || e.is_decode() {
            FetchError::Body { url: url_s, reason }
        } else {
            FetchError::Connect { url: url_s, reason }
        }
    }

    fn check_literal_address(&self, url: &Url) -> Result<(), FetchError> {
        if self.config.allow_private_addresses {
            return Ok(());
        }
        let ip = match url.host() {
            Some(url::Host::Ipv4(ip)) => std::net::IpAddr::V4(ip),
            Some(url::Host::Ipv6(ip)) => std::net::IpAddr::V6(ip),
            _ => return Ok(()), // names are checked by the resolver the connection uses
        };
        if is_non_public(ip) {
            return Err(FetchError::PrivateAddress {
                url: url.to_string(),
                addr: ip,
            });
        }
        Ok(())
    }

    fn host(&self, key: &str) -> Arc<HostState> {
        let mut hosts = self.hosts.lock().unwrap_or_else(PoisonError::into_inner);
        if hosts.len() >= PRUNE_AT && !hosts.contains_key(key) {
            // Forget hosts nobody is using, with no pending pause and no crawl delay.
            let now = Instant::now();
            hosts.retain(|_, h| {
                Arc::strong_count(h) > 1 || {
                    let s = h.schedule.lock().unwrap_or_else(PoisonError::into_inner);
                    s.next_start > now || !s.crawl_delay.is_zero()
                }
            });
        }
        hosts
            .entry(key.to_string())
            .or_insert_with(|| {
                Arc::new(HostState {
                    permits: Arc::new(Semaphore::new(
                        self.config.per_host_concurrency.min(Semaphore::MAX_PERMITS),
                    )),
                    schedule: Mutex::new(Schedule {
                        next_start: Instant::now(),
                        crawl_delay: Duration::ZERO,
                    }),
                })
            })
            .clone()
    }

    /// Waits until the host may be asked again and books the next turn.
    async fn wait_turn(&self, host: &HostState) {
        let start = {
            let mut s = host.schedule.lock().unwrap_or_else(PoisonError::into_inner);
            let now = Instant::now();
            let start = s.next_start.max(now);
            let interval = self.config.per_host_min_interval.max(s.crawl_delay);
            s.next_start = start.checked_add(interval).unwrap_or(start);
            start
        };
        tokio::time::sleep_until(start).await;
    }

    /// Nobody asks the host of `url` again for `pause`.
    fn pause_host(&self, url: &Url, pause: Duration) {
        let host = self.host(&host_key(url));
        let mut s = host.schedule.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(until) = Instant::now().checked_add(pause) {
            s.next_start = s.next_start.max(until);
        }
    }

    fn set_crawl_delay(&self, url: &Url, delay: Duration) {
        let host = self.host(&host_key(url));
        host.schedule
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .crawl_delay = delay;
    }

    /// Whether the site's robots.txt lets Parallax fetch `url`; fetches it when not cached.
    async fn check_robots(&self, url: &Url) -> Result<(), FetchError> {
        if url.path() == "/robots.txt" {
            return Ok(());
        }
        let cell = {
            let mut map = self.robots.lock().unwrap_or_else(PoisonError::into_inner);
            if map.len() >= PRUNE_AT {
                let now = Instant::now();
                map.retain(|_, cell| {
                    Arc::strong_count(cell) > 1
                        || cell
                            .try_lock()
                            .map(|e| e.as_ref().is_some_and(|e| e.expires > now))
                            .unwrap_or(true)
                });
            }
            map.entry(origin_key(url)).or_default().clone()
        };
        let mut entry = cell.lock().await;
        let fresh = entry.as_ref().is_some_and(|e| e.expires > Instant::now());
        if !fresh {
            // Errors name the page asked for, not its robots.txt.
            let fetched = Box::pin(self.fetch_robots(url))
                .await
                .map_err(|e| e.with_url(url.as_str()))?;
            *entry = Some(fetched);
        }
        let Some(entry) = entry.as_ref() else {
            return Ok(());
        };
        match &entry.rules {
            RobotsRules::AllowAll => Ok(()),
            RobotsRules::Rules(robot) if robot.allowed(url.as_str()) => Ok(()),
            RobotsRules::Rules(_) => Err(FetchError::RobotsDisallowed {
                url: url.to_string(),
            }),
            RobotsRules::Unreachable(reason) => Err(FetchError::RobotsUnreachable {
                url: url.to_string(),
                reason: reason.clone(),
            }),
        }
    }

    /// Fetches and reads the robots.txt of `url`'s site (RFC 9309 semantics).
    async fn fetch_robots(&self, url: &Url) -> Result<RobotsEntry, FetchError> {
        let mut robots_url = url.clone();
        robots_url.set_path("/robots.txt");
        robots_url.set_query(None);
        robots_url.set_fragment(None);
        let ok_for = |rules, ttl: Duration| RobotsEntry {
            rules,
            expires: Instant::now().checked_add(ttl).unwrap_or_else(Instant::now),
        };
        let good_ttl = self.config.robots_ttl;
        let bad_ttl = self.config.robots_error_ttl;
        let result = self.fetch_chain(&robots_url, None, Purpose::Robots).await;
        let entry = match result {
            Ok(raw) if (200..300).contains(&raw.status) => {
                match texting_robots::Robot::new(ROBOTS_AGENT, &raw.body) {
                    Ok(robot) => {
                        let delay = robot
                            .delay
                            .filter(|d| d.is_finite() && *d > 0.0)
                            .map(|d| d.min(self.config.max_crawl_delay.as_secs_f32()))
                            .and_then(|d| Duration::try_from_secs_f32(d).ok())
                            .unwrap_or(Duration::ZERO);
                        self.set_crawl_delay(url, delay);
                        ok_for(RobotsRules::Rules(Box::new(robot)), good_ttl)
                    }
                    Err(e) => {
                        tracing::warn!(url = %robots_url, error = %e, "unreadable robots.txt; treated as allowing all");
                        ok_for(RobotsRules::AllowAll, good_ttl)
                    }
                }
            }
            Ok(raw) if raw.status == 429 || raw.status >= 500 => ok_for(
                RobotsRules::Unreachable(format!("it answered {}", raw.status)),
                bad_ttl,
            ),
            // 4xx (and odd statuses): "unavailable", so no restrictions.
            Ok(_) => ok_for(RobotsRules::AllowAll, good_ttl),
            Err(FetchError::Timeout { what, .. }) => ok_for(
                RobotsRules::Unreachable(format!("timed out {what}")),
                bad_ttl,
            ),
            Err(
                FetchError::TooManyRedirects { .. }
                | FetchError::BadRedirect { .. }
                | FetchError::UnsupportedScheme { .. }
                | FetchError::InvalidUrl { .. },
            ) => ok_for(RobotsRules::AllowAll, good_ttl),
            Err(e) => return Err(e),
        };
        Ok(entry)
    }
}

fn parse_url(text: &str) -> Result<Url, FetchError> {
    let mut url = Url::parse(text.trim()).map_err(|e| FetchError::InvalidUrl {
        url: text.to_string(),
        reason: e.to_string(),
    })?;
    url.set_fragment(None);
    check_scheme(&url)?;
    Ok(url)
}

fn check_scheme(url: &Url) -> Result<(), FetchError> {
    if !matches!(url.scheme(), "http" | "https") {
        return Err(FetchError::UnsupportedScheme {
            url: url.to_string(),
            scheme: url.scheme().to_string(),
        });
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(FetchError::InvalidUrl {
            url: url.to_string(),
            reason: "it has no host".to_string(),
        });
    }
    Ok(())
}

/// Host and port: the unit of rate limiting.
fn host_key(url: &Url) -> String {
    format!(
        "{}:{}",
        url.host_str().unwrap_or(""),
        url.port_or_known_default().unwrap_or(0)
    )
}

/// Scheme, host and port: the unit a robots.txt applies to.
fn origin_key(url: &Url) -> String {
    format!("{}://{}", url.scheme(), host_key(url))
}

pub(crate) fn header_str<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .filter(|v| !v.is_empty())
}

/// The charset parameter of a `Content-Type` value.
fn charset_of(content_type: &str) -> Option<String> {
    content_type.split(';').skip(1).find_map(|param| {
        let (name, value) = param.split_once('=')?;
        if !name.trim().eq_ignore_ascii_case("charset") {
            return None;
        }
        let value = value.trim().trim_matches(|c| c == '"' || c == '\'').trim();
        (!value.is_empty()).then(|| value.to_string())
    })
}

/// `Retry-After` as seconds or an HTTP date (a date in the past means now).
pub(crate) fn parse_retry_after(headers: &HeaderMap, now: SystemTime) -> Option<Duration> {
    let value = header_str(headers, RETRY_AFTER.as_str())?;
    if let Ok(secs) = value.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let when = httpdate::parse_http_date(value).ok()?;
    Some(when.duration_since(now).unwrap_or(Duration::ZERO))
}

/// `base × 2^(attempt-1)`, times a random factor in [0.5, 1.5), at most 10 minutes.
pub(crate) fn backoff(base: Duration, attempt: u32) -> Duration {
    let exp = 2f64.powi(attempt.saturating_sub(1).min(20) as i32);
    let secs = (base.as_secs_f64() * exp * (0.5 + fastrand::f64())).min(600.0);
    Duration::try_from_secs_f64(secs).unwrap_or(Duration::from_secs(600))
}

/// Failures worth another attempt right away (after the backoff).
fn retry_now(e: &FetchError) -> bool {
    matches!(
        e,
        FetchError::Timeout { .. } | FetchError::Connect { .. } | FetchError::Body { .. }
    )
}

/// The causes of an error, innermost last, without repeats.
pub(crate) fn error_chain(e: &(dyn StdError + 'static)) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut cur = e.source();
    while let Some(err) = cur {
        let text = err.to_string();
        if !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        cur = err.source();
    }
    if parts.is_empty() {
        e.to_string()
    } else {
        parts.join(": ")
    }
}

fn page_from(raw: Raw, warnings: Vec<String>) -> Page {
    let content_type = header_str(&raw.headers, CONTENT_TYPE.as_str()).map(str::to_string);
    let charset = content_type.as_deref().and_then(charset_of);
    let validators = Validators {
        etag: header_str(&raw.headers, ETAG.as_str()).map(str::to_string),
        last_modified: header_str(&raw.headers, LAST_MODIFIED.as_str()).map(str::to_string),
    };
    Page {
        final_url: raw.final_url.to_string(),
        status: raw.status,
        content_type,
        charset,
        body: raw.body,
        validators,
        warnings,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn charset_parameter() {
        assert_eq!(
            charset_of("text/html; charset=ISO-8859-1").as_deref(),
            Some("ISO-8859-1")
        );
        assert_eq!(
            charset_of("text/html;Charset=\"utf-8\"").as_deref(),
            Some("utf-8")
        );
        assert_eq!(charset_of("text/html"), None);
        assert_eq!(charset_of("text/html; charset="), None);
    }

    #[test]
    fn retry_after_seconds_and_dates() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(784_111_777); // Sun, 06 Nov 1994 08:49:37 GMT
        let mut h = HeaderMap::new();
        h.insert(RETRY_AFTER, HeaderValue::from_static("120"));
        assert_eq!(parse_retry_after(&h, now), Some(Duration::from_secs(120)));
        h.insert(
            RETRY_AFTER,
            HeaderValue::from_static("Sun, 06 Nov 1994 08:50:37 GMT"),
        );
        assert_eq!(parse_retry_after(&h, now), Some(Duration::from_secs(60)));
        h.insert(
            RETRY_AFTER,
            HeaderValue::from_static("Sun, 06 Nov 1994 08:00:00 GMT"),
        );
        assert_eq!(parse_retry_after(&h, now), Some(Duration::ZERO));
        h.insert(RETRY_AFTER, HeaderValue::from_static("soon"));
        assert_eq!(parse_retry_after(&h, now), None);
    }

    #[test]
    fn backoff_grows_with_jitter_and_is_bounded() {
        let base = Duration::from_millis(100);
        for attempt in 1..5 {
            let d = backoff(base, attempt);
            let nominal = 0.1 * 2f64.powi(attempt as i32 - 1);
            assert!(d.as_secs_f64() >= nominal * 0.5 && d.as_secs_f64() < nominal * 1.5);
        }
        assert!(backoff(Duration::from_secs(3600), u32::MAX) <= Duration::from_secs(600));
    }

    #[test]
    fn urls_are_checked() {
        assert!(matches!(
            parse_url("ftp://x.example/"),
            Err(FetchError::UnsupportedScheme { .. })
        ));
        assert!(matches!(
            parse_url("not a url"),
            Err(FetchError::InvalidUrl { .. })
        ));
        assert!(matches!(
            parse_url("file:///etc/passwd"),
            Err(FetchError::UnsupportedScheme { .. })
        ));
        assert_eq!(
            parse_url(" https://x.example/a#frag ").unwrap().as_str(),
            "https://x.example/a"
        );
        assert_eq!(
            origin_key(&parse_url("https://X.example/a?b").unwrap()),
            "https://x.example:443"
        );
    }

    #[test]
    fn the_client_and_its_futures_can_cross_threads() {
        fn send_sync_clone<T: Send + Sync + Clone>(_: &T) {}
        fn send<T: Send>(_: &T) {}
        let c = PoliteClient::new(ClientConfig {
            user_agent_contact: "ops@example.org".into(),
            ..ClientConfig::default()
        })
        .unwrap();
        send_sync_clone(&c);
        let fut = c.get("https://example.org/", None);
        send(&fut);
    }

    #[test]
    fn config_is_validated() {
        assert!(PoliteClient::new(ClientConfig::default()).is_err());
        let ok = ClientConfig {
            user_agent_contact: "https://contact.example/bot".into(),
            ..ClientConfig::default()
        };
        let client = PoliteClient::new(ok.clone()).unwrap();
        assert_eq!(
            client.user_agent(),
            format!(
                "ParallaxBot/{} (+https://contact.example/bot)",
                env!("CARGO_PKG_VERSION")
            )
        );
        let bad = ClientConfig {
            user_agent_contact: "a\nb".into(),
            ..ok.clone()
        };
        assert!(PoliteClient::new(bad).is_err());
        let bad = ClientConfig {
            user_agent_contact: "mailé@x".into(),
            ..ok.clone()
        };
        assert!(PoliteClient::new(bad).is_err());
        let bad = ClientConfig {
            per_host_concurrency: 0,
            ..ok
        };
        assert!(PoliteClient::new(bad).is_err());
    }
}
