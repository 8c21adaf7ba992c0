//! [`ServiceClient`]: JSON requests to an API endpoint the operator configured (a translation
//! server), as opposed to the web pages [`crate::PoliteClient`] fetches.

use std::time::{Duration, SystemTime};

use reqwest::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE, HeaderValue};
use reqwest::{Url, redirect};

use crate::FetchError;
use crate::client::{error_chain, parse_retry_after};
use crate::error::human_duration;

/// How a [`ServiceClient`] behaves.
#[derive(Debug, Clone, PartialEq)]
pub struct ServiceConfig {
    /// The most time to set up a connection (TCP and TLS). Default 10 s.
    pub connect_timeout: Duration,
    /// The most time one exchange (connect, send, whole answer) may take. Default 60 s.
    pub total_timeout: Duration,
    /// The largest answer body accepted. Default 4 MiB.
    pub max_body_bytes: u64,
}

impl Default for ServiceConfig {
    fn default() -> Self {
        ServiceConfig {
            connect_timeout: Duration::from_secs(10),
            total_timeout: Duration::from_secs(60),
            max_body_bytes: 4 * 1024 * 1024,
        }
    }
}

/// The answer of a service: any status, with its (capped) body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceResponse {
    /// The HTTP status.
    pub status: u16,
    /// The body, as received (not decompressed: the client asks for none).
    pub body: Vec<u8>,
    /// The `Retry-After` the server sent, as a duration from now.
    pub retry_after: Option<Duration>,
}

/// A client for one kind of operator-configured API endpoint: a LibreTranslate server, an
/// OpenAI-compatible chat-completions endpoint.
///
/// It differs from [`crate::PoliteClient`] on purpose, because the operator chose the endpoint
/// and it is not a site being crawled:
///
/// - **private addresses are allowed**: such servers usually run on the same machine or the
///   local network (`http://127.0.0.1:5000`);
/// - **no robots.txt and no per-host spacing**: rate limits are the caller's (per backend);
/// - **redirects are never followed**: a request carrying an API key is never sent anywhere but
///   where the operator said; a 3xx comes back as a plain response;
/// - **no retries**: each call is one exchange, and the caller decides what to retry.
///
/// Like the polite client it accepts only `http` and `https` URLs, bounds every exchange by
/// timeouts, caps the body it reads, and never panics on any answer. Cheap to clone.
#[derive(Clone, Debug)]
pub struct ServiceClient {
    http: reqwest::Client,
    config: ServiceConfig,
}

impl ServiceClient {
    /// Builds the client. Fails when a timeout or the size cap is zero.
    pub fn new(config: ServiceConfig) -> Result<Self, FetchError> {
        let bad = |reason: &str| {
            Err(FetchError::Config {
                reason: reason.to_string(),
            })
        };
        if config.connect_timeout.is_zero() || config.total_timeout.is_zero() {
            return bad("timeouts must be longer than zero");
        }
        if config.max_body_bytes == 0 {
            return bad("max_body_bytes must be at least 1");
        }
        let _ = rustls::crypto::ring::default_provider().install_default();
        let user_agent = format!("Parallax/{}", env!("CARGO_PKG_VERSION"));
        let http = reqwest::Client::builder()
            .user_agent(user_agent)
            .redirect(redirect::Policy::none())
            .no_proxy()
            .connect_timeout(config.connect_timeout)
            .pool_idle_timeout(Duration::from_secs(60))
            .build()
            .map_err(|e| FetchError::Config {
                reason: format!("could not build the HTTP client: {e}"),
            })?;
        Ok(ServiceClient { http, config })
    }

    /// The configuration the client was built with.
    pub fn config(&self) -> &ServiceConfig {
        &self.config
    }

    /// POSTs `body` (JSON) to `url`, with `Authorization: Bearer <bearer>` when given, and
    /// returns the answer whatever its status. Fails on a bad URL, a timeout, no connection or
    /// an answer larger than [`ServiceConfig::max_body_bytes`].
    pub async fn post_json(
        &self,
        url: &str,
        body: Vec<u8>,
        bearer: Option<&str>,
    ) -> Result<ServiceResponse, FetchError> {
        let url = parse_service_url(url)?;
        let total = self.config.total_timeout;
        let result = match tokio::time::timeout(total, self.exchange(&url, body, bearer)).await {
            Ok(result) => result,
            Err(_) => Err(FetchError::Timeout {
                what: format!("after {} for the whole request", human_duration(total)),
                url: url.to_string(),
            }),
        };
        // Credentials in the URL (`https://user:secret@host/`) never reach a message.
        result.map_err(|e| e.with_url(&shown(&url)))
    }

    async fn exchange(
        &self,
        url: &Url,
        body: Vec<u8>,
        bearer: Option<&str>,
    ) -> Result<ServiceResponse, FetchError> {
        let mut request = self
            .http
            .post(url.clone())
            .header(CONTENT_TYPE, "application/json")
            .header(ACCEPT, "application/json")
            .body(body);
        if let Some(key) = bearer.map(str::trim).filter(|k| !k.is_empty()) {
            let mut value = HeaderValue::from_str(&format!("Bearer {key}")).map_err(|_| {
                FetchError::Config {
                    reason: "the API key cannot go into a header (control characters?)".to_string(),
                }
            })?;
            value.set_sensitive(true);
            request = request.header(AUTHORIZATION, value);
        }
        tracing::debug!(url = %shown(url), "POST");
        let mut response = request
            .send()
            .await
            .map_err(|e| self.map_reqwest(&e, url))?;
        let status = response.status().as_u16();
        let retry_after = parse_retry_after(response.headers(), SystemTime::now());
        let cap = self.config.max_body_bytes;
        let too_large = || FetchError::TooLarge {
            url: url.to_string(),
            limit: cap,
        };
        if response.content_length().is_some_and(|len| len > cap) {
            return Err(too_large());
        }
        let mut body = Vec::new();
        while let Some(chunk) = response
            .chunk()
            .await
            .map_err(|e| self.map_reqwest(&e, url))?
        {
            if (body.len() + chunk.len()) as u64 > cap {
                return Err(too_large());
            }
            body.extend_from_slice(&chunk);
        }
        Ok(ServiceResponse {
            status,
            body,
            retry_after,
        })
    }

    fn map_reqwest(&self, e: &reqwest::Error, url: &Url) -> FetchError {
        let url_s = url.to_string();
        if e.is_timeout() {
            return FetchError::Timeout {
                what: format!(
                    "after {} connecting",
                    human_duration(self.config.connect_timeout)
                ),
                url: url_s,
            };
        }
        let reason = error_chain(e);
        if e.is_body() || e.is_decode() {
            FetchError::Body { url: url_s, reason }
        } else {
            FetchError::Connect { url: url_s, reason }
        }
    }
}

/// The URL without user name and password, for messages.
fn shown(url: &Url) -> String {
    let mut u = url.clone();
    let _ = u.set_password(None);
    let _ = u.set_username("");
    u.to_string()
}

fn parse_service_url(text: &str) -> Result<Url, FetchError> {
    let url = Url::parse(text.trim()).map_err(|e| FetchError::InvalidUrl {
        url: "(the configured URL)".to_string(),
        reason: e.to_string(),
    })?;
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
    Ok(url)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_http_urls_with_a_host() {
        assert!(parse_service_url("http://127.0.0.1:5000/translate").is_ok());
        assert!(matches!(
            parse_service_url("file:///etc/passwd"),
            Err(FetchError::UnsupportedScheme { .. })
        ));
        assert!(matches!(
            parse_service_url("not a url"),
            Err(FetchError::InvalidUrl { .. })
        ));
    }

    #[test]
    fn credentials_are_not_shown() {
        let u = parse_service_url("http://user:secret@127.0.0.1:5000/translate").unwrap();
        assert_eq!(shown(&u), "http://127.0.0.1:5000/translate");
    }

    #[test]
    fn zero_limits_are_refused() {
        let zero = ServiceConfig {
            total_timeout: Duration::ZERO,
            ..ServiceConfig::default()
        };
        assert!(matches!(
            ServiceClient::new(zero),
            Err(FetchError::Config { .. })
        ));
    }
}
