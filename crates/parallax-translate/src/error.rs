//! What can go wrong with a translation request, in words an operator understands.

use std::time::Duration;

/// Why a batch could not be translated. Every variant but [`TranslateError::Config`] names the
/// endpoint; [`TranslateError::user_message`] gives one plain line. No variant ever holds the API
/// key.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TranslateError {
    /// The settings cannot work (no URL, no model for a chat endpoint, a zero limit).
    #[error("translation is misconfigured: {reason}")]
    Config {
        /// What is wrong.
        reason: String,
    },
    /// No connection could be made (refused, unknown host, TLS failure).
    #[error("{endpoint}: could not reach the translation server: {reason}")]
    Unreachable {
        /// The URL asked.
        endpoint: String,
        /// What the network stack said.
        reason: String,
    },
    /// The server did not answer in time.
    #[error("{endpoint}: the translation server did not answer in time ({what})")]
    Timeout {
        /// The URL asked.
        endpoint: String,
        /// Which timeout ran out.
        what: String,
    },
    /// The server refused the key (401, 403: a missing, wrong or banned key).
    #[error("{endpoint}: the translation server refused access ({status}: {message})")]
    Unauthorized {
        /// The URL asked.
        endpoint: String,
        /// The HTTP status.
        status: u16,
        /// The server's own message.
        message: String,
    },
    /// The server refused this request (400, 413, 422: a language it does not have, a text too
    /// long). Other requests may still succeed.
    #[error("{endpoint}: the translation server refused the request ({status}: {message})")]
    Refused {
        /// The URL asked.
        endpoint: String,
        /// The HTTP status.
        status: u16,
        /// The server's own message.
        message: String,
    },
    /// The server kept answering 429 Too Many Requests.
    #[error("{endpoint}: the translation server asks to slow down (429, {attempts} attempt{}): {message}", if *attempts == 1 { "" } else { "s" })]
    RateLimited {
        /// The URL asked.
        endpoint: String,
        /// How many times it was asked.
        attempts: u32,
        /// The last `Retry-After`, when the server sent one.
        retry_after: Option<Duration>,
        /// The server's own message.
        message: String,
    },
    /// The server failed (5xx after the retries), or answered a status that makes no sense for
    /// this API (a 404: is the URL right?).
    #[error("{endpoint}: the translation server answered {status} ({attempts} attempt{}): {message}", if *attempts == 1 { "" } else { "s" })]
    Failed {
        /// The URL asked.
        endpoint: String,
        /// The last HTTP status.
        status: u16,
        /// How many times it was asked.
        attempts: u32,
        /// The server's own message.
        message: String,
    },
    /// The answer is not what the API promises (not JSON, a field missing, cut off, lines that
    /// are not numbered as asked).
    #[error("{endpoint}: the answer is not a usable translation: {reason}")]
    BadResponse {
        /// The URL asked.
        endpoint: String,
        /// What is wrong with it.
        reason: String,
    },
    /// The answer holds another number of translations than texts were sent: it cannot be mapped
    /// back, so none of it is used.
    #[error("{endpoint}: sent {expected} texts, got {got} translations back")]
    CountMismatch {
        /// The URL asked.
        endpoint: String,
        /// Texts sent.
        expected: usize,
        /// Translations received.
        got: usize,
    },
}

impl TranslateError {
    /// One line a person understands.
    pub fn user_message(&self) -> String {
        self.to_string().replace(['\n', '\r'], " ")
    }

    /// Whether only this request was refused (a language or a text the server does not take),
    /// while the server works: other requests may go on.
    pub fn is_refusal(&self) -> bool {
        matches!(self, TranslateError::Refused { .. })
    }

    /// How long the server asked to wait, when it said so.
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            TranslateError::RateLimited { retry_after, .. } => *retry_after,
            _ => None,
        }
    }
}

/// The server's message from an error body: `{"error": "..."}` (LibreTranslate),
/// `{"error": {"message": "..."}}` (OpenAI), or the start of the body as text. One line, at most
/// 300 characters.
pub(crate) fn server_message(body: &[u8]) -> String {
    let from_json = serde_json::from_slice::<serde_json::Value>(body)
        .ok()
        .and_then(|v| {
            let e = v.get("error")?;
            match e {
                serde_json::Value::String(s) => Some(s.clone()),
                serde_json::Value::Object(o) => o
                    .get("message")
                    .and_then(|m| m.as_str())
                    .map(str::to_string),
                _ => None,
            }
        });
    let text = from_json.unwrap_or_else(|| String::from_utf8_lossy(body).into_owned());
    let one_line: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if one_line.is_empty() {
        return "no message".to_string();
    }
    shorten(&one_line, 300)
}

/// At most `max` characters, with an ellipsis when cut.
pub(crate) fn shorten(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        let cut: String = s.chars().take(max.saturating_sub(1)).collect();
        format!("{cut}…")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn server_messages_from_both_apis_and_plain_text() {
        assert_eq!(
            server_message(br#"{"error":"Invalid API key"}"#),
            "Invalid API key"
        );
        assert_eq!(
            server_message(br#"{"error":{"message":"Rate limit reached","type":"x"}}"#),
            "Rate limit reached"
        );
        assert_eq!(
            server_message(b"<html>\n Bad\n gateway</html>"),
            "<html> Bad gateway</html>"
        );
        assert_eq!(server_message(b""), "no message");
        assert_eq!(
            server_message("é".repeat(400).as_bytes()).chars().count(),
            300
        );
    }

    #[test]
    fn messages_are_one_line() {
        let e = TranslateError::Failed {
            endpoint: "http://127.0.0.1:5000/translate".into(),
            status: 500,
            attempts: 3,
            message: "Cannot translate\ntext".into(),
        };
        assert!(!e.user_message().contains('\n'));
        assert!(
            e.user_message().contains("500 (3 attempts)"),
            "{}",
            e.user_message()
        );
        assert!(!e.is_refusal());
    }
}
