//! One backend endpoint: its HTTP client, its rate limit, and retries with backoff.

use std::time::Duration;

use parallax_http::{FetchError, ServiceClient, ServiceConfig};
use tokio::time::Instant;

use crate::{Settings, TranslateError};

/// Spaces the starts of requests at least `interval` apart (a token bucket of one token): with
/// `requests_per_minute = 60`, one request a second at most, whatever the number of callers.
#[derive(Debug)]
pub(crate) struct RateLimiter {
    interval: Duration,
    next: tokio::sync::Mutex<Option<Instant>>,
}

impl RateLimiter {
    /// `per_minute` requests a minute; 0 means no limit.
    pub(crate) fn per_minute(per_minute: u32) -> Self {
        let interval = if per_minute == 0 {
            Duration::ZERO
        } else {
            Duration::from_secs(60) / per_minute
        };
        RateLimiter {
            interval,
            next: tokio::sync::Mutex::new(None),
        }
    }

    /// Waits for the next free slot and takes it.
    pub(crate) async fn acquire(&self) {
        if self.interval.is_zero() {
            return;
        }
        let mut next = self.next.lock().await;
        if let Some(at) = *next {
            tokio::time::sleep_until(at).await;
        }
        *next = Some(Instant::now() + self.interval);
    }
}

/// A final answer of the endpoint (after the retries): any status, with its body.
#[derive(Debug)]
pub(crate) struct Reply {
    pub(crate) status: u16,
    pub(crate) body: Vec<u8>,
    pub(crate) attempts: u32,
    pub(crate) retry_after: Option<Duration>,
}

/// The URL of one API call, with the client, rate limit and retry policy of its backend.
#[derive(Debug)]
pub(crate) struct Endpoint {
    client: ServiceClient,
    url: String,
    /// `url` without credentials, for messages.
    shown: String,
    limiter: RateLimiter,
    max_retries: u32,
    retry_base_delay: Duration,
    max_retry_after: Duration,
}

/// `url` without a `user:password@` part.
pub(crate) fn without_credentials(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    match rest[..authority_end].rfind('@') {
        Some(at) => format!("{scheme}://{}", &rest[at + 1..]),
        None => url.to_string(),
    }
}

/// Statuses worth asking again for: request timeout, too many requests, server trouble.
fn transient_status(status: u16) -> bool {
    matches!(status, 408 | 429 | 500 | 502 | 503 | 504)
}

/// `base × 2^(attempt-1)`, times a random factor in [0.5, 1.5), at most a minute.
fn backoff(base: Duration, attempt: u32) -> Duration {
    let exp = 2f64.powi(attempt.saturating_sub(1).min(16) as i32);
    let secs = (base.as_secs_f64() * exp * (0.5 + fastrand::f64())).min(60.0);
    Duration::try_from_secs_f64(secs).unwrap_or(Duration::from_secs(60))
}

impl Endpoint {
    pub(crate) fn new(url: String, settings: &Settings) -> Result<Self, TranslateError> {
        let client = ServiceClient::new(ServiceConfig {
            connect_timeout: settings.connect_timeout.min(settings.timeout),
            total_timeout: settings.timeout,
            max_body_bytes: 4 * 1024 * 1024,
        })
        .map_err(|e| TranslateError::Config {
            reason: e.user_message(),
        })?;
        Ok(Endpoint {
            client,
            shown: without_credentials(&url),
            url,
            limiter: RateLimiter::per_minute(settings.requests_per_minute),
            max_retries: settings.max_retries,
            retry_base_delay: settings.retry_base_delay,
            max_retry_after: settings.max_retry_after,
        })
    }

    /// The URL, without credentials: for messages.
    pub(crate) fn shown_url(&self) -> &str {
        &self.shown
    }

    /// POSTs the JSON `body`, within the rate limit; retries timeouts, lost connections, 408,
    /// 429 and 5xx with exponential backoff (or after the server's `Retry-After`, when it is not
    /// longer than allowed). Returns the last answer, whatever its status.
    pub(crate) async fn post(
        &self,
        body: &[u8],
        bearer: Option<&str>,
    ) -> Result<Reply, TranslateError> {
        let mut attempt = 0;
        loop {
            attempt += 1;
            self.limiter.acquire().await;
            let result = self
                .client
                .post_json(&self.url, body.to_vec(), bearer)
                .await;
            let (retryable, server_wait) = match &result {
                Ok(r) => (transient_status(r.status), r.retry_after),
                Err(e) => (e.is_transient(), None),
            };
            let wait = server_wait.unwrap_or_else(|| backoff(self.retry_base_delay, attempt));
            if !retryable || attempt > self.max_retries || wait > self.max_retry_after {
                return match result {
                    Ok(r) => Ok(Reply {
                        status: r.status,
                        body: r.body,
                        attempts: attempt,
                        retry_after: r.retry_after,
                    }),
                    Err(e) => Err(self.network_error(e)),
                };
            }
            tracing::debug!(url = %self.shown, attempt, ?wait, "translation request retried");
            tokio::time::sleep(wait).await;
        }
    }

    fn network_error(&self, e: FetchError) -> TranslateError {
        let endpoint = self.shown.clone();
        match e {
            FetchError::Timeout { what, .. } => TranslateError::Timeout { endpoint, what },
            FetchError::Connect { reason, .. }
            | FetchError::Dns { reason, .. }
            | FetchError::Body { reason, .. } => TranslateError::Unreachable { endpoint, reason },
            FetchError::InvalidUrl { .. }
            | FetchError::UnsupportedScheme { .. }
            | FetchError::Config { .. } => TranslateError::Config {
                reason: e.user_message(),
            },
            other => TranslateError::BadResponse {
                endpoint,
                reason: other.user_message(),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_with_jitter_and_is_bounded() {
        let base = Duration::from_millis(100);
        for attempt in 1..5 {
            let d = backoff(base, attempt).as_secs_f64();
            let nominal = 0.1 * 2f64.powi(attempt as i32 - 1);
            assert!(d >= nominal * 0.5 && d < nominal * 1.5, "{d}");
        }
        assert!(backoff(Duration::from_secs(10), 30) <= Duration::from_secs(60));
    }

    #[test]
    fn credentials_are_cut_from_shown_urls() {
        assert_eq!(
            without_credentials("https://u:secret@api.example/v1/chat/completions"),
            "https://api.example/v1/chat/completions"
        );
        assert_eq!(
            without_credentials("http://127.0.0.1:5000/translate?x=a@b"),
            "http://127.0.0.1:5000/translate?x=a@b"
        );
    }

    #[tokio::test]
    async fn the_limiter_spaces_request_starts() {
        let limiter = RateLimiter::per_minute(600); // one per 100 ms
        let start = Instant::now();
        for _ in 0..5 {
            limiter.acquire().await;
        }
        let elapsed = start.elapsed();
        assert!(elapsed >= Duration::from_millis(400), "{elapsed:?}");
        assert!(elapsed < Duration::from_millis(1500), "{elapsed:?}");
        let free = RateLimiter::per_minute(0);
        let start = Instant::now();
        for _ in 0..100 {
            free.acquire().await;
        }
        assert!(start.elapsed() < Duration::from_millis(50));
    }
}
