//! The one polite HTTP client every outgoing request of Parallax goes through.
//!
//! # Invariants
//!
//! - **Every outgoing HTTP request of Parallax goes through this crate**: web pages through
//!   [`PoliteClient`], operator-configured API endpoints through [`ServiceClient`]. No other
//!   crate builds its own HTTP client; this is where politeness and safety are enforced, once.
//! - Every request names itself: `User-Agent: ParallaxBot/<version> (+<contact>)`, the contact
//!   coming from the configuration (a client without one is refused).
//! - **robots.txt and the private-address rule apply to every hop**, redirects included:
//!   redirects are followed by hand (never by the HTTP library), and before each hop the hop's
//!   site's robots.txt is consulted and its address checked.
//! - The address checked is the address connected to: host names are resolved by a resolver
//!   that drops non-public addresses, and that resolver is the one the connection uses (no DNS
//!   rebinding window). IP-literal hosts are checked before connecting. Private addresses are
//!   refused unless [`ClientConfig::allow_private_addresses`] is set (tests, intranets).
//! - robots.txt is fetched through the same rules (address check, rate limit, concurrency,
//!   timeouts, size cap), cached per site for [`ClientConfig::robots_ttl`]; a 4xx means
//!   "allowed", a 5xx or a timeout means "disallowed for a while" (RFC 9309), no connection at
//!   all is an error.
//! - At most [`ClientConfig::per_host_concurrency`] requests to one host (host and port) at a
//!   time, at least [`ClientConfig::per_host_min_interval`] (or the site's `Crawl-delay`, up to
//!   [`ClientConfig::max_crawl_delay`]) between the starts of two of them, and at most
//!   [`ClientConfig::global_concurrency`] requests in flight overall. A `Retry-After` pauses the
//!   whole host.
//! - Bodies are decompressed by this crate, chunk by chunk as they arrive, and the size cap
//!   applies to the decompressed bytes: a decompression bomb stops at the cap.
//! - No input makes it panic: every failure is a [`FetchError`] with a plain-words
//!   [`FetchError::user_message`].
//!
//! The one other client, [`ServiceClient`], is for API endpoints the operator configured (a
//! translation server): there the operator's choice replaces robots.txt and the private-address
//! rule, and redirects are never followed so that an API key goes nowhere else.
#![warn(missing_docs)]

mod addr;
mod body;
mod client;
mod error;
mod service;

use std::time::Duration;

pub use addr::is_non_public;
pub use client::PoliteClient;
pub use error::FetchError;
pub use service::{ServiceClient, ServiceConfig, ServiceResponse};

/// How the client behaves. [`Default`] gives polite production values; the contact must be set.
#[derive(Debug, Clone, PartialEq)]
pub struct ClientConfig {
    /// A URL (or mail address) where site owners learn about the bot and reach its operator;
    /// goes into the User-Agent. Required.
    pub user_agent_contact: String,
    /// Allow connecting to loopback, private and link-local addresses (tests, intranets).
    /// Default `false`.
    pub allow_private_addresses: bool,
    /// The most time to set up a connection (TCP and TLS). Default 10 s.
    pub connect_timeout: Duration,
    /// The most time to wait for the response headers, and then for each piece of the body.
    /// Default 30 s.
    pub read_timeout: Duration,
    /// The most time one HTTP exchange (one hop: connect, headers, whole body) may take.
    /// Retries and redirect hops each get their own. Default 120 s.
    pub total_timeout: Duration,
    /// The largest body accepted, counted after decompression. Default 10 MiB.
    pub max_body_bytes: u64,
    /// The most redirects followed for one fetch. Default 5.
    pub max_redirects: usize,
    /// The most requests in flight to one host (host and port) at a time. Default 2.
    pub per_host_concurrency: usize,
    /// The most requests in flight overall. Default 32.
    pub global_concurrency: usize,
    /// The least time between the starts of two requests to one host. Default 1 s.
    pub per_host_min_interval: Duration,
    /// How many times a transient failure (timeout, connection trouble, 408, 429, 5xx) is
    /// retried. Default 2 (so at most three requests).
    pub max_retries: u32,
    /// The first backoff before a retry; it doubles each time, with random jitter (×0.5–1.5).
    /// Default 1 s.
    pub retry_base_delay: Duration,
    /// The longest `Retry-After` honoured by waiting; a longer one ends the fetch with
    /// [`FetchError::RetryLater`]. Default 120 s.
    pub max_retry_after: Duration,
    /// How long a site's robots.txt is trusted. Default 24 h.
    pub robots_ttl: Duration,
    /// How long a site whose robots.txt answered 5xx or timed out stays disallowed before
    /// robots.txt is asked again. Default 10 min.
    pub robots_error_ttl: Duration,
    /// The longest robots.txt `Crawl-delay` honoured. Default 30 s.
    pub max_crawl_delay: Duration,
}

impl Default for ClientConfig {
    fn default() -> Self {
        ClientConfig {
            user_agent_contact: String::new(),
            allow_private_addresses: false,
            connect_timeout: Duration::from_secs(10),
            read_timeout: Duration::from_secs(30),
            total_timeout: Duration::from_secs(120),
            max_body_bytes: 10 * 1024 * 1024,
            max_redirects: 5,
            per_host_concurrency: 2,
            global_concurrency: 32,
            per_host_min_interval: Duration::from_secs(1),
            max_retries: 2,
            retry_base_delay: Duration::from_secs(1),
            max_retry_after: Duration::from_secs(120),
            robots_ttl: Duration::from_secs(24 * 3600),
            robots_error_ttl: Duration::from_secs(600),
            max_crawl_delay: Duration::from_secs(30),
        }
    }
}

/// The validators of a fetched page, to store per URL and send back for a conditional GET.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Validators {
    /// The `ETag` header, verbatim (sent back as `If-None-Match`).
    pub etag: Option<String>,
    /// The `Last-Modified` header, verbatim (sent back as `If-Modified-Since`).
    pub last_modified: Option<String>,
}

impl Validators {
    /// Whether there is nothing to send.
    pub fn is_empty(&self) -> bool {
        self.etag.is_none() && self.last_modified.is_none()
    }
}

/// What a successful fetch gives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FetchOutcome {
    /// The page, fetched.
    Fetched(Page),
    /// The page did not change since the validators were taken (304).
    NotModified,
}

/// A fetched page (final status 2xx).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page {
    /// The URL after redirects.
    pub final_url: String,
    /// The HTTP status (2xx).
    pub status: u16,
    /// The `Content-Type` header, verbatim.
    pub content_type: Option<String>,
    /// The charset named in the `Content-Type` header, if any.
    pub charset: Option<String>,
    /// The body, decompressed; never more than [`ClientConfig::max_body_bytes`].
    pub body: Vec<u8>,
    /// `ETag` and `Last-Modified` of the response, for the next conditional GET.
    pub validators: Validators,
    /// Things worth knowing that did not stop the fetch (redirects, retries, a truncated
    /// compressed stream...).
    pub warnings: Vec<String>,
}

impl Page {
    /// The body as text: the charset from the HTTP header, a byte-order mark, a `<meta>` tag, or
    /// detection (via `parallax_extract::decode_html`). Returns the text and what was noticed.
    pub fn text(&self) -> (String, Vec<String>) {
        parallax_extract::decode_html(&self.body, self.charset.as_deref())
    }
}
