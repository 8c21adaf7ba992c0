//! What the operator configures: which backend, where, with which key and limits.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use parallax_core::is_language_code;

use crate::{LibreTranslate, OpenAiCompatible, TranslateError, Translator};

/// The kind of translation server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BackendKind {
    /// A LibreTranslate server, or anything that speaks its API (`POST /translate`).
    LibreTranslate,
    /// An OpenAI-compatible chat-completions endpoint (`POST {url}/chat/completions`): OpenAI,
    /// or a local server such as llama.cpp, vLLM or Ollama.
    OpenAi,
}

impl BackendKind {
    /// The name stored with each translation and shown to readers.
    pub fn name(self) -> &'static str {
        match self {
            BackendKind::LibreTranslate => "libretranslate",
            BackendKind::OpenAi => "openai",
        }
    }
}

/// The translation settings (the `[translate]` section of `parallax.toml`). [`Default`] gives
/// the defaults of every limit; `url` must be set.
#[derive(Clone, PartialEq)]
pub struct Settings {
    /// Which API the server speaks.
    pub backend: BackendKind,
    /// LibreTranslate: the server's root (`http://127.0.0.1:5000`; `/translate` is added).
    /// OpenAI-compatible: the API base (`https://api.openai.com/v1`; `/chat/completions` is
    /// added).
    pub url: String,
    /// The API key, when the server wants one. Never logged, never shown, never stored.
    pub api_key: Option<String>,
    /// The model (OpenAI-compatible backends: required).
    pub model: Option<String>,
    /// The language translations are made into (ISO 639-1). Default `en`.
    pub target: String,
    /// The most requests a minute to the server (every attempt counts). Default 60; 0 means no
    /// limit.
    pub requests_per_minute: u32,
    /// The most texts sent in one request. Default 16.
    pub batch_size: usize,
    /// The most texts translated by one pass; the rest wait for the next pass. Default 200.
    pub max_per_pass: usize,
    /// How many of the most recently updated stories a pass looks at. Default 100.
    pub max_stories_per_pass: usize,
    /// The longest text sent (in characters); longer ones are left untranslated. Default 2000.
    pub max_text_chars: usize,
    /// The most time one request may take, answer included. Default 30 s.
    pub timeout: Duration,
    /// The most time to set up a connection. Default 10 s.
    pub connect_timeout: Duration,
    /// How many times a timeout, lost connection, 429 or 5xx is retried. Default 2.
    pub max_retries: u32,
    /// The first backoff before a retry; it doubles each time, with jitter. Default 1 s.
    pub retry_base_delay: Duration,
    /// The longest `Retry-After` waited for; a longer one ends the request. Default 60 s.
    pub max_retry_after: Duration,
    /// The time between two passes of the background worker. Default 2 min.
    pub interval: Duration,
    /// The longest pause after repeated failures (the pause doubles per failure). Default 1 h.
    pub max_backoff: Duration,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            backend: BackendKind::LibreTranslate,
            url: String::new(),
            api_key: None,
            model: None,
            target: "en".to_string(),
            requests_per_minute: 60,
            batch_size: 16,
            max_per_pass: 200,
            max_stories_per_pass: 100,
            max_text_chars: 2000,
            timeout: Duration::from_secs(30),
            connect_timeout: Duration::from_secs(10),
            max_retries: 2,
            retry_base_delay: Duration::from_secs(1),
            max_retry_after: Duration::from_secs(60),
            interval: Duration::from_secs(120),
            max_backoff: Duration::from_secs(3600),
        }
    }
}

impl fmt::Debug for Settings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Settings")
            .field("backend", &self.backend)
            .field("url", &self.url)
            .field("api_key", &self.api_key.as_ref().map(|_| "[set]"))
            .field("model", &self.model)
            .field("target", &self.target)
            .field("requests_per_minute", &self.requests_per_minute)
            .field("batch_size", &self.batch_size)
            .field("max_per_pass", &self.max_per_pass)
            .field("timeout", &self.timeout)
            .field("max_retries", &self.max_retries)
            .finish_non_exhaustive()
    }
}

impl Settings {
    /// Refuses settings that cannot work, saying which key is wrong.
    pub fn validate(&self) -> Result<(), TranslateError> {
        let bad = |reason: String| Err(TranslateError::Config { reason });
        let url = self.url.trim();
        if url.is_empty() {
            return bad("`url` is required: where the translation server is".to_string());
        }
        if !(url.starts_with("http://") || url.starts_with("https://")) {
            return bad(format!(
                "`url` must be an http:// or https:// URL, not {url:?}"
            ));
        }
        if self.backend == BackendKind::OpenAi
            && self.model.as_deref().is_none_or(|m| m.trim().is_empty())
        {
            return bad("`model` is required with backend = \"openai\"".to_string());
        }
        if !is_language_code(self.target.trim()) {
            return bad(format!(
                "`target` must be a language code such as \"en\", not {:?}",
                self.target
            ));
        }
        if self.batch_size == 0 || self.max_per_pass == 0 || self.max_stories_per_pass == 0 {
            return bad(
                "`batch_size`, `max_per_pass` and `max_stories_per_pass` must be at least 1"
                    .to_string(),
            );
        }
        if self.timeout.is_zero() || self.connect_timeout.is_zero() || self.interval.is_zero() {
            return bad("timeouts and `interval_secs` must be longer than zero".to_string());
        }
        if let Some(key) = &self.api_key
            && key.chars().any(char::is_control)
        {
            return bad("`api_key` holds control characters".to_string());
        }
        Ok(())
    }

    /// `url` without any `user:password@` part, for messages and status pages.
    pub fn shown_url(&self) -> String {
        crate::endpoint::without_credentials(self.url.trim())
    }

    /// The translator these settings describe.
    pub fn translator(&self) -> Result<Arc<dyn Translator>, TranslateError> {
        self.validate()?;
        Ok(match self.backend {
            BackendKind::LibreTranslate => Arc::new(LibreTranslate::new(self)?),
            BackendKind::OpenAi => Arc::new(OpenAiCompatible::new(self)?),
        })
    }
}

/// `base` with `path` appended, unless it already ends with it.
pub(crate) fn join_path(base: &str, path: &str) -> String {
    let base = base.trim().trim_end_matches('/');
    if base.ends_with(path) {
        base.to_string()
    } else {
        format!("{base}{path}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_are_checked_and_the_key_never_printed() {
        let ok = Settings {
            url: "http://127.0.0.1:5000".into(),
            api_key: Some("sk-very-secret".into()),
            ..Settings::default()
        };
        assert!(ok.validate().is_ok());
        assert!(!format!("{ok:?}").contains("very-secret"));
        let no_model = Settings {
            backend: BackendKind::OpenAi,
            ..ok.clone()
        };
        assert!(
            matches!(no_model.validate(), Err(TranslateError::Config { reason }) if reason.contains("model"))
        );
        for broken in [
            Settings {
                url: String::new(),
                ..ok.clone()
            },
            Settings {
                url: "file:///x".into(),
                ..ok.clone()
            },
            Settings {
                target: "english".into(),
                ..ok.clone()
            },
            Settings {
                batch_size: 0,
                ..ok.clone()
            },
            Settings {
                timeout: Duration::ZERO,
                ..ok.clone()
            },
        ] {
            assert!(broken.validate().is_err(), "{broken:?}");
        }
    }

    #[test]
    fn paths_are_joined_once() {
        assert_eq!(
            join_path("http://h:5000/", "/translate"),
            "http://h:5000/translate"
        );
        assert_eq!(
            join_path("http://h/translate", "/translate"),
            "http://h/translate"
        );
        assert_eq!(
            join_path("https://api.example/v1", "/chat/completions"),
            "https://api.example/v1/chat/completions"
        );
    }
}
