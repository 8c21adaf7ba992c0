//! What can go wrong with a fetch, in words a person understands.

use std::net::IpAddr;
use std::time::Duration;

/// Why a fetch failed. Every variant carries the URL it is about; [`FetchError::user_message`]
/// turns it into one plain line.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum FetchError {
    /// The client could not be built from its configuration.
    #[error("the HTTP client is misconfigured: {reason}")]
    Config {
        /// What is wrong with the configuration.
        reason: String,
    },
    /// The text is not a URL.
    #[error("\"{url}\" is not a valid URL: {reason}")]
    InvalidUrl {
        /// The text given.
        url: String,
        /// Why it does not parse.
        reason: String,
    },
    /// Only `http` and `https` URLs are fetched.
    #[error("{url}: the scheme \"{scheme}\" is not supported (only http and https)")]
    UnsupportedScheme {
        /// The URL.
        url: String,
        /// Its scheme.
        scheme: String,
    },
    /// The site's robots.txt forbids Parallax to fetch this URL.
    #[error("{url}: the site's robots.txt does not allow Parallax to fetch this page")]
    RobotsDisallowed {
        /// The URL that was refused.
        url: String,
    },
    /// The site's robots.txt could not be read (server error or timeout); per RFC 9309 the whole
    /// site is treated as disallowed for a while.
    #[error(
        "{url}: the site's robots.txt could not be read ({reason}), so the site is not fetched for now"
    )]
    RobotsUnreachable {
        /// The URL that was not fetched.
        url: String,
        /// What happened to the robots.txt request.
        reason: String,
    },
    /// The host resolves to (or is) a loopback, private, link-local or otherwise non-public address.
    #[error("{url}: refused to connect to the non-public address {addr}")]
    PrivateAddress {
        /// The URL (of the hop) that was refused.
        url: String,
        /// The refused address.
        addr: IpAddr,
    },
    /// A timeout ran out.
    #[error("{url}: timed out {what}")]
    Timeout {
        /// What was being waited for, e.g. "connecting (after 5 s)".
        what: String,
        /// The URL.
        url: String,
    },
    /// The (decompressed) body is larger than the limit.
    #[error("{url}: the page is larger than the limit of {limit} bytes")]
    TooLarge {
        /// The URL.
        url: String,
        /// The limit, in bytes, of the decompressed body.
        limit: u64,
    },
    /// More redirects than allowed.
    #[error("{url}: more than {limit} redirects{}", if *looped { " (the redirects go round in a loop)" } else { "" })]
    TooManyRedirects {
        /// The URL first asked for.
        url: String,
        /// The redirect limit.
        limit: usize,
        /// Whether a URL came up twice in the chain.
        looped: bool,
    },
    /// A redirect without a usable `Location`.
    #[error("{url}: the server redirected to \"{location}\", which is not a usable URL")]
    BadRedirect {
        /// The URL that answered with the redirect.
        url: String,
        /// The `Location` header as sent (may be empty).
        location: String,
    },
    /// The server answered with an error status (after the retries, for transient ones).
    #[error("{url}: the server answered {} {}", status, times(*attempts))]
    Http {
        /// The last status code.
        status: u16,
        /// The URL that answered.
        url: String,
        /// How many times the server was asked.
        attempts: u32,
        /// The last `Retry-After`, if the server sent one.
        retry_after: Option<Duration>,
    },
    /// The server asked to come back later than the client is willing to wait.
    #[error("{url}: the server asks to come back in {}", human_duration(*after))]
    RetryLater {
        /// The URL.
        url: String,
        /// How long the server asked to wait.
        after: Duration,
    },
    /// The host name could not be resolved.
    #[error("{url}: could not look up the host name: {reason}")]
    Dns {
        /// The URL.
        url: String,
        /// The resolver's answer.
        reason: String,
    },
    /// No connection could be made (refused, reset, TLS failure...).
    #[error("{url}: could not connect: {reason}")]
    Connect {
        /// The URL.
        url: String,
        /// What the network stack said.
        reason: String,
    },
    /// The body is compressed in a way that cannot be undone (broken data, or an encoding the
    /// client did not ask for).
    #[error("{url}: could not decompress the page: {reason}")]
    Decode {
        /// The URL.
        url: String,
        /// What went wrong.
        reason: String,
    },
    /// The connection failed while the body was being read.
    #[error("{url}: could not read the page: {reason}")]
    Body {
        /// The URL.
        url: String,
        /// What went wrong.
        reason: String,
    },
}

impl FetchError {
    /// One line a person understands, naming the URL and what happened.
    pub fn user_message(&self) -> String {
        match self {
            FetchError::Http {
                status,
                url,
                attempts,
                ..
            } => {
                let reason = reqwest::StatusCode::from_u16(*status)
                    .ok()
                    .and_then(|s| s.canonical_reason())
                    .map(|r| format!(" {r}"))
                    .unwrap_or_default();
                format!(
                    "{url}: the server answered {status}{reason} {}",
                    times(*attempts)
                )
            }
            FetchError::RetryLater { url, after } => format!(
                "{url}: the server is busy and asks to come back in {}; try again then",
                human_duration(*after)
            ),
            other => other.to_string(),
        }
        .replace(['\n', '\r'], " ")
    }

    /// How long the server asked to wait, when it said so (`Retry-After`).
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            FetchError::RetryLater { after, .. } => Some(*after),
            FetchError::Http { retry_after, .. } => *retry_after,
            _ => None,
        }
    }

    /// Whether trying again later may succeed (timeouts, network trouble, 5xx, 429, busy
    /// robots.txt); `false` for refusals that will not change by themselves (robots, private
    /// addresses, size limits, 4xx, bad URLs).
    pub fn is_transient(&self) -> bool {
        match self {
            FetchError::Timeout { .. }
            | FetchError::RetryLater { .. }
            | FetchError::Dns { .. }
            | FetchError::Connect { .. }
            | FetchError::Body { .. }
            | FetchError::RobotsUnreachable { .. } => true,
            FetchError::Http { status, .. } => is_transient_status(*status),
            _ => false,
        }
    }

    /// The URL the error is about (empty for [`FetchError::Config`]).
    pub fn url(&self) -> &str {
        match self {
            FetchError::Config { .. } => "",
            FetchError::InvalidUrl { url, .. }
            | FetchError::UnsupportedScheme { url, .. }
            | FetchError::RobotsDisallowed { url }
            | FetchError::RobotsUnreachable { url, .. }
            | FetchError::PrivateAddress { url, .. }
            | FetchError::Timeout { url, .. }
            | FetchError::TooLarge { url, .. }
            | FetchError::TooManyRedirects { url, .. }
            | FetchError::BadRedirect { url, .. }
            | FetchError::Http { url, .. }
            | FetchError::RetryLater { url, .. }
            | FetchError::Dns { url, .. }
            | FetchError::Connect { url, .. }
            | FetchError::Decode { url, .. }
            | FetchError::Body { url, .. } => url,
        }
    }
}

impl FetchError {
    /// The same error about another URL.
    pub(crate) fn with_url(mut self, new: &str) -> Self {
        match &mut self {
            FetchError::Config { .. } => {}
            FetchError::InvalidUrl { url, .. }
            | FetchError::UnsupportedScheme { url, .. }
            | FetchError::RobotsDisallowed { url }
            | FetchError::RobotsUnreachable { url, .. }
            | FetchError::PrivateAddress { url, .. }
            | FetchError::Timeout { url, .. }
            | FetchError::TooLarge { url, .. }
            | FetchError::TooManyRedirects { url, .. }
            | FetchError::BadRedirect { url, .. }
            | FetchError::Http { url, .. }
            | FetchError::RetryLater { url, .. }
            | FetchError::Dns { url, .. }
            | FetchError::Connect { url, .. }
            | FetchError::Decode { url, .. }
            | FetchError::Body { url, .. } => *url = new.to_string(),
        }
        self
    }
}

/// Statuses worth asking again for: request timeout, too many requests, and server trouble.
pub(crate) fn is_transient_status(status: u16) -> bool {
    matches!(status, 408 | 429 | 500 | 502 | 503 | 504)
}

fn times(n: u32) -> String {
    let word = match n {
        0 | 1 => return "once".to_string(),
        2 => "twice",
        3 => "three times",
        4 => "four times",
        5 => "five times",
        6 => "six times",
        _ => return format!("{n} times"),
    };
    word.to_string()
}

/// "45 s", "3 min", "2 h 5 min".
pub(crate) fn human_duration(d: Duration) -> String {
    let s = d.as_secs();
    if s < 1 {
        format!("{} ms", d.as_millis())
    } else if s < 120 {
        format!("{s} s")
    } else if s < 2 * 3600 {
        format!("{} min", s.div_ceil(60))
    } else if s < 2 * 86_400 {
        format!("{} h {} min", s / 3600, (s % 3600) / 60)
    } else {
        format!("{} days", s / 86_400)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_are_one_plain_line() {
        let e = FetchError::Http {
            status: 500,
            url: "https://a.example/x".into(),
            attempts: 3,
            retry_after: None,
        };
        assert_eq!(
            e.user_message(),
            "https://a.example/x: the server answered 500 Internal Server Error three times"
        );
        assert!(e.is_transient());
        let e = FetchError::RetryLater {
            url: "u".into(),
            after: Duration::from_secs(3600),
        };
        assert!(e.user_message().contains("60 min"), "{}", e.user_message());
        assert_eq!(e.retry_after(), Some(Duration::from_secs(3600)));
        let e = FetchError::Http {
            status: 404,
            url: "u".into(),
            attempts: 1,
            retry_after: None,
        };
        assert!(!e.is_transient());
        assert!(e.user_message().contains("404 Not Found once"));
        let e = FetchError::TooManyRedirects {
            url: "u".into(),
            limit: 5,
            looped: true,
        };
        assert!(e.user_message().contains("loop"));
    }
}
