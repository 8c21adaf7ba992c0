//! Fake translation servers on 127.0.0.1 for the tests: one that follows the LibreTranslate API
//! contract, one that follows the OpenAI chat-completions contract. Each path prefix (`/{mode}`)
//! picks a behaviour, and every request is recorded.
#![allow(dead_code)]

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use serde_json::{Value, json};

/// The key the `key` modes want.
pub const KEY: &str = "test-key-123";

/// One request: mode, arrival, body, Authorization header.
pub type Request = (String, Instant, Value, Option<String>);

/// What the servers saw.
#[derive(Default)]
pub struct Seen {
    /// Every request.
    pub requests: Mutex<Vec<Request>>,
    /// Arrival of the last request per mode, for the rate check.
    last: Mutex<HashMap<String, Instant>>,
}

impl Seen {
    pub fn hits(&self, mode: &str) -> usize {
        self.requests
            .lock()
            .unwrap()
            .iter()
            .filter(|r| r.0 == mode)
            .count()
    }
    pub fn total(&self) -> usize {
        self.requests.lock().unwrap().len()
    }
    pub fn bodies(&self, mode: &str) -> Vec<Value> {
        self.requests
            .lock()
            .unwrap()
            .iter()
            .filter(|r| r.0 == mode)
            .map(|r| r.2.clone())
            .collect()
    }
    pub fn arrivals(&self, mode: &str) -> Vec<Instant> {
        self.requests
            .lock()
            .unwrap()
            .iter()
            .filter(|r| r.0 == mode)
            .map(|r| r.1)
            .collect()
    }
    pub fn auth(&self, mode: &str) -> Vec<Option<String>> {
        self.requests
            .lock()
            .unwrap()
            .iter()
            .filter(|r| r.0 == mode)
            .map(|r| r.3.clone())
            .collect()
    }
}

pub struct Server {
    pub addr: SocketAddr,
    pub seen: Arc<Seen>,
}

impl Server {
    /// The URL an operator would configure for a mode.
    pub fn url(&self, mode: &str) -> String {
        format!("http://{}/{mode}", self.addr)
    }
}

fn record(seen: &Seen, mode: &str, body: &Value, headers: &HeaderMap) -> usize {
    let auth = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let mut r = seen.requests.lock().unwrap();
    r.push((mode.to_string(), Instant::now(), body.clone(), auth));
    r.iter().filter(|x| x.0 == mode).count()
}

fn error(status: StatusCode, message: &str) -> Response {
    (status, axum::Json(json!({ "error": message }))).into_response()
}

/// The fake "translation": the target in brackets before the text. Mode `hostile` answers
/// markup instead.
fn fake_translation(mode: &str, text: &str, target: &str) -> String {
    if mode == "hostile" {
        return format!("<script>alert('{target}')</script><b>{text}</b>");
    }
    format!("[{target}] {text}")
}

const LANGUAGES: &[&str] = &["en", "fr", "de", "es", "ja", "it"];

/// `POST /{mode}/translate`, following LibreTranslate: JSON body with `q` (a string or an array),
/// `source` (a code or `auto`), `target`, `format` (`text`/`html`), `api_key`; the answer is
/// `{"translatedText": ..}` of the same shape as `q`, with `detectedLanguage` for `auto`; errors
/// are `{"error": ".."}` with 400 (bad request, unsupported language), 403 (invalid key), 429
/// (slow down), 500 (translation failed).
///
/// Modes: `ok`, `hostile`, `key` (wants `api_key` = [`KEY`]), `busy` (429 to the first two
/// requests), `down` (always 500), `flaky` (500 once, then fine), `slow` (answers after 2 s),
/// `short` (one translation too few), `paced` (429 when two requests come less than 90 ms
/// apart).
async fn libre(
    State(seen): State<Arc<Seen>>,
    Path(mode): Path<String>,
    headers: HeaderMap,
    body: String,
) -> Response {
    let Ok(body) = serde_json::from_str::<Value>(&body) else {
        return error(StatusCode::BAD_REQUEST, "Invalid JSON format");
    };
    let n = record(&seen, &mode, &body, &headers);
    if mode == "paced" {
        let mut last = seen.last.lock().unwrap();
        let now = Instant::now();
        let early = last
            .get(&mode)
            .is_some_and(|t| now.duration_since(*t) < Duration::from_millis(90));
        last.insert(mode.clone(), now);
        if early {
            return error(StatusCode::TOO_MANY_REQUESTS, "Slowdown: 10 per 1 second");
        }
    }
    match mode.as_str() {
        "busy" if n <= 2 => {
            return (
                StatusCode::TOO_MANY_REQUESTS,
                [(header::RETRY_AFTER, "0")],
                axum::Json(json!({"error": "Slowdown: 1 per 1 minute"})),
            )
                .into_response();
        }
        "down" => {
            return error(
                StatusCode::INTERNAL_SERVER_ERROR,
                "Cannot translate text: model crashed",
            );
        }
        "flaky" if n == 1 => {
            return error(
                StatusCode::INTERNAL_SERVER_ERROR,
                "Cannot translate text: busy",
            );
        }
        "slow" => tokio::time::sleep(Duration::from_secs(2)).await,
        _ => {}
    }
    if mode == "key" {
        match body.get("api_key").and_then(Value::as_str) {
            None | Some("") => {
                return error(
                    StatusCode::BAD_REQUEST,
                    "Please contact the server operator to get an API key",
                );
            }
            Some(k) if k != KEY => return error(StatusCode::FORBIDDEN, "Invalid API key"),
            Some(_) => {}
        }
    }
    let q = body.get("q").cloned().unwrap_or(Value::Null);
    let (texts, batch): (Vec<String>, bool) = match &q {
        Value::String(s) if !s.is_empty() => (vec![s.clone()], false),
        Value::Array(a) if !a.is_empty() => {
            let texts: Option<Vec<String>> =
                a.iter().map(|v| v.as_str().map(str::to_string)).collect();
            match texts {
                Some(t) => (t, true),
                None => return error(StatusCode::BAD_REQUEST, "Invalid request: q"),
            }
        }
        _ => {
            return error(
                StatusCode::BAD_REQUEST,
                "Invalid request: missing q parameter",
            );
        }
    };
    let Some(source) = body.get("source").and_then(Value::as_str) else {
        return error(
            StatusCode::BAD_REQUEST,
            "Invalid request: missing source parameter",
        );
    };
    let Some(target) = body.get("target").and_then(Value::as_str) else {
        return error(
            StatusCode::BAD_REQUEST,
            "Invalid request: missing target parameter",
        );
    };
    let format = body.get("format").and_then(Value::as_str).unwrap_or("text");
    if format != "text" && format != "html" {
        return error(
            StatusCode::BAD_REQUEST,
            &format!("{format} format is not supported"),
        );
    }
    for lang in [source, target] {
        if lang != "auto" && !LANGUAGES.contains(&lang) {
            return error(StatusCode::BAD_REQUEST, &format!("{lang} is not supported"));
        }
    }
    let mut out: Vec<Value> = texts
        .iter()
        .map(|t| Value::String(fake_translation(&mode, t, target)))
        .collect();
    if mode == "short" {
        out.pop();
    }
    let translated = if batch {
        Value::Array(out)
    } else {
        out.into_iter().next().unwrap_or(Value::Null)
    };
    let mut answer = json!({ "translatedText": translated });
    if source == "auto" {
        let one = json!({"confidence": 90.0, "language": "fr"});
        answer["detectedLanguage"] = if batch {
            Value::Array(vec![one; texts.len()])
        } else {
            one
        };
    }
    axum::Json(answer).into_response()
}

fn openai_error(status: StatusCode, message: &str) -> Response {
    (
        status,
        axum::Json(json!({"error": {"message": message, "type": "invalid_request_error"}})),
    )
        .into_response()
}

/// `POST /{mode}/chat/completions`, following OpenAI: the bearer key, `model`, `messages`; the
/// answer's `choices[0].message.content` holds one `N. translation` line per numbered input
/// line. Errors are `{"error": {"message": ..}}`.
///
/// Modes: `ok` (wants `Authorization: Bearer` [`KEY`]), `missing` (drops the last line),
/// `chatty` (a sentence before the list), `renumbered` (starts at 0), `cut` (finish_reason
/// `length`), `hostile`.
async fn chat(
    State(seen): State<Arc<Seen>>,
    Path(mode): Path<String>,
    headers: HeaderMap,
    body: String,
) -> Response {
    let Ok(body) = serde_json::from_str::<Value>(&body) else {
        return openai_error(StatusCode::BAD_REQUEST, "We could not parse the JSON body");
    };
    record(&seen, &mode, &body, &headers);
    let auth = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if auth != format!("Bearer {KEY}") {
        return openai_error(StatusCode::UNAUTHORIZED, "Incorrect API key provided");
    }
    if body.get("model").and_then(Value::as_str).is_none() {
        return openai_error(
            StatusCode::BAD_REQUEST,
            "you must provide a model parameter",
        );
    }
    let user = body["messages"]
        .as_array()
        .and_then(|m| m.iter().find(|m| m["role"] == "user"))
        .and_then(|m| m["content"].as_str())
        .unwrap_or("")
        .to_string();
    let mut lines: Vec<String> = user
        .lines()
        .map(|l| {
            let (num, text) = l.split_once(". ").unwrap_or(("?", l));
            let num: i64 = num.parse().unwrap_or(0);
            let num = if mode == "renumbered" { num - 1 } else { num };
            format!("{num}. {}", fake_translation(&mode, text, "en"))
        })
        .collect();
    match mode.as_str() {
        "missing" => {
            lines.pop();
        }
        "chatty" => lines.insert(0, "Sure! Here are the translations:".to_string()),
        _ => {}
    }
    let finish = if mode == "cut" { "length" } else { "stop" };
    axum::Json(json!({
        "id": "chatcmpl-test",
        "object": "chat.completion",
        "model": body["model"],
        "choices": [{
            "index": 0,
            "message": {"role": "assistant", "content": lines.join("\n")},
            "finish_reason": finish,
        }],
    }))
    .into_response()
}

/// Starts both fakes on one port of 127.0.0.1.
pub async fn start() -> Server {
    let seen = Arc::new(Seen::default());
    let app = Router::new()
        .route("/{mode}/translate", post(libre))
        .route("/{mode}/chat/completions", post(chat))
        .with_state(seen.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    Server { addr, seen }
}

/// A port on 127.0.0.1 where nothing listens. A port below 1024 that refuses connections now: the
/// system never hands such a port out as an ephemeral one, so no other test's server can take it
/// before it is used (a port freed by dropping a listener can be, and was, taken by a fixture
/// server of a test running alongside, which then answered 404).
pub fn closed_port() -> u16 {
    for port in [1u16, 9, 13, 17, 19, 37, 79] {
        match std::net::TcpStream::connect(("127.0.0.1", port)) {
            Err(e) if e.kind() == std::io::ErrorKind::ConnectionRefused => return port,
            _ => {}
        }
    }
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    l.local_addr().unwrap().port()
}
