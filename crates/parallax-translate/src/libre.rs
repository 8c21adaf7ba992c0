//! The LibreTranslate backend: `POST /translate` with an array `q`.

use serde::Serialize;
use serde_json::Value;

use crate::endpoint::Endpoint;
use crate::error::{server_message, shorten};
use crate::settings::join_path;
use crate::{BackendKind, BoxFuture, Settings, TranslateError, Translator};

/// A LibreTranslate server (or anything that speaks its API).
///
/// One request per batch: `POST {url}/translate` with the JSON body
/// `{"q": [texts], "source": "fr" | "auto", "target": "en", "format": "text", "api_key": ".."}`,
/// answered by `{"translatedText": [translations]}` in the same order. Errors come as
/// `{"error": ".."}` with 400 (refused: a language the server lacks, a text too long), 403
/// (banned or a wrong key), 429 (slow down) or 500 (translation failed).
#[derive(Debug)]
pub struct LibreTranslate {
    endpoint: Endpoint,
    api_key: Option<String>,
}

#[derive(Serialize)]
struct Request<'a> {
    q: &'a [String],
    source: &'a str,
    target: &'a str,
    format: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    api_key: Option<&'a str>,
}

impl LibreTranslate {
    /// The backend of these settings (`url` is the server's root).
    pub fn new(settings: &Settings) -> Result<Self, TranslateError> {
        let url = join_path(&settings.url, "/translate");
        Ok(LibreTranslate {
            endpoint: Endpoint::new(url, settings)?,
            api_key: settings.api_key.clone().filter(|k| !k.trim().is_empty()),
        })
    }

    async fn run(
        &self,
        texts: &[String],
        source: Option<&str>,
        target: &str,
    ) -> Result<Vec<String>, TranslateError> {
        if texts.is_empty() {
            return Ok(Vec::new());
        }
        let body = serde_json::to_vec(&Request {
            q: texts,
            source: source.unwrap_or("auto"),
            target,
            format: "text",
            api_key: self.api_key.as_deref(),
        })
        .map_err(|e| TranslateError::Config {
            reason: format!("cannot write the request: {e}"),
        })?;
        let reply = self.endpoint.post(&body, None).await?;
        let endpoint = self.endpoint.shown_url().to_string();
        match reply.status {
            200..=299 => parse_answer(&reply.body, texts.len(), &endpoint),
            status => Err(status_error(
                status,
                reply.attempts,
                reply.retry_after,
                &reply.body,
                endpoint,
            )),
        }
    }
}

/// The typed error of a non-2xx answer (shared by both backends).
pub(crate) fn status_error(
    status: u16,
    attempts: u32,
    retry_after: Option<std::time::Duration>,
    body: &[u8],
    endpoint: String,
) -> TranslateError {
    let message = server_message(body);
    match status {
        401 | 403 => TranslateError::Unauthorized {
            endpoint,
            status,
            message,
        },
        400 | 413 | 422 => TranslateError::Refused {
            endpoint,
            status,
            message,
        },
        429 => TranslateError::RateLimited {
            endpoint,
            attempts,
            retry_after,
            message,
        },
        _ => TranslateError::Failed {
            endpoint,
            status,
            attempts,
            message,
        },
    }
}

fn parse_answer(
    body: &[u8],
    expected: usize,
    endpoint: &str,
) -> Result<Vec<String>, TranslateError> {
    let bad = |reason: String| TranslateError::BadResponse {
        endpoint: endpoint.to_string(),
        reason,
    };
    let value: Value = serde_json::from_slice(body).map_err(|e| {
        bad(format!(
            "not JSON ({e}): {}",
            shorten(&String::from_utf8_lossy(body), 120)
        ))
    })?;
    let translated = value
        .get("translatedText")
        .ok_or_else(|| bad("no \"translatedText\" in the answer".to_string()))?;
    let out: Vec<String> = match translated {
        Value::Array(items) => items
            .iter()
            .map(|v| {
                v.as_str()
                    .map(str::to_string)
                    .ok_or_else(|| bad("a translation is not a string".to_string()))
            })
            .collect::<Result<_, _>>()?,
        // A server that answers a one-text array with a plain string.
        Value::String(s) if expected == 1 => vec![s.clone()],
        Value::String(_) => {
            return Err(TranslateError::CountMismatch {
                endpoint: endpoint.to_string(),
                expected,
                got: 1,
            });
        }
        _ => {
            return Err(bad(
                "\"translatedText\" is neither a list nor a string".to_string()
            ));
        }
    };
    if out.len() != expected {
        return Err(TranslateError::CountMismatch {
            endpoint: endpoint.to_string(),
            expected,
            got: out.len(),
        });
    }
    Ok(out)
}

impl Translator for LibreTranslate {
    fn backend(&self) -> &str {
        BackendKind::LibreTranslate.name()
    }

    fn model(&self) -> Option<&str> {
        None
    }

    fn endpoint(&self) -> &str {
        self.endpoint.shown_url()
    }

    fn translate<'a>(
        &'a self,
        texts: &'a [String],
        source: Option<&'a str>,
        target: &'a str,
    ) -> BoxFuture<'a, Result<Vec<String>, TranslateError>> {
        Box::pin(self.run(texts, source, target))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_map_one_to_one_or_are_rejected() {
        let e = "http://x/translate";
        assert_eq!(
            parse_answer(br#"{"translatedText":["a","b"]}"#, 2, e).unwrap(),
            vec!["a", "b"]
        );
        assert_eq!(
            parse_answer(br#"{"translatedText":"a"}"#, 1, e).unwrap(),
            vec!["a"]
        );
        assert!(matches!(
            parse_answer(br#"{"translatedText":["a"]}"#, 2, e),
            Err(TranslateError::CountMismatch {
                expected: 2,
                got: 1,
                ..
            })
        ));
        assert!(matches!(
            parse_answer(br#"{"translatedText":"a"}"#, 2, e),
            Err(TranslateError::CountMismatch { .. })
        ));
        assert!(matches!(
            parse_answer(br#"{"translatedText":[1]}"#, 1, e),
            Err(TranslateError::BadResponse { .. })
        ));
        assert!(matches!(
            parse_answer(b"<html>", 1, e),
            Err(TranslateError::BadResponse { .. })
        ));
        assert!(matches!(
            parse_answer(br#"{"detectedLanguage":{}}"#, 1, e),
            Err(TranslateError::BadResponse { .. })
        ));
    }

    #[test]
    fn the_request_follows_the_api() {
        let q = vec!["Bonjour".to_string()];
        let body = serde_json::to_value(Request {
            q: &q,
            source: "fr",
            target: "en",
            format: "text",
            api_key: None,
        })
        .unwrap();
        assert_eq!(
            body,
            serde_json::json!({"q": ["Bonjour"], "source": "fr", "target": "en", "format": "text"})
        );
    }
}
