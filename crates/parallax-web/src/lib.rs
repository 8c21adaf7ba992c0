//! The web interface and JSON API of Parallax (axum, askama): it routes and renders the read
//! model of [`parallax_views`], which the CLI shows too, and maps every failure to an HTTP status
//! in one place (`Failure`): internal error text is logged, never shown to visitors.
//!
//! Security rules: everything that comes from articles goes through askama's HTML escaping (never
//! `|safe`); only `http:` and `https:` URLs become links; every response carries a strict
//! Content-Security-Policy (no scripts at all), `X-Content-Type-Options: nosniff` and
//! `Referrer-Policy: no-referrer`.
//!
//! Machine translations are shown only beside their originals, labelled "machine translation
//! (backend)" ([`parallax_views::TranslationView`]); `?lang=` on a story page picks the reader's
//! language. Provenance is shown with every fact about an outlet (`/source/ID`,
//! `/api/sources/ID`; [`parallax_views::source_view`]).
//!
//! The [`Store`] is synchronous: every call runs in [`tokio::task::spawn_blocking`].

#![warn(missing_docs)]

mod bars;
pub mod escape;
mod feeds;
mod front;
mod openapi;
mod pages;
mod search;
mod topic;
mod world;

use axum::{
    Json, Router,
    extract::{Path, Query, State},
    http::{HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
    routing::get,
};
use parallax_core::{Store, StoryId, is_language_code};
use parallax_views::{
    BlindspotsView, DEFAULT_LANGUAGE, SourceView, StatusLine, blindspots_view, entity_rows,
    entity_view, find_source, is_country_code, problem_rows, source_health, source_view,
    status_view, story_rows, story_view_in,
};
use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Arc;
use tower_http::set_header::SetResponseHeaderLayer;

/// The Content-Security-Policy sent with every response: no scripts, no external anything.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; style-src 'self' 'unsafe-inline'; img-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// Default and largest `limit` of `GET /api/stories`.
const API_DEFAULT_LIMIT: usize = 50;
const API_MAX_LIMIT: usize = 500;
/// Problems shown.
const PROBLEMS_LIMIT: usize = 100;

// ---------------------------------------------------------------------------------------------
// JSON views (shared with the CLI)
// ---------------------------------------------------------------------------------------------

// ---------------------------------------------------------------------------------------------
// Router
// ---------------------------------------------------------------------------------------------

#[derive(Clone)]
struct AppState {
    store: Arc<dyn Store>,
    status: Arc<[StatusLine]>,
    /// The language translations are shown in unless the reader asks for another (`?lang=`).
    language: Arc<str>,
}

/// How the web application is set up by the process that serves it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WebOptions {
    /// The serving process's set-up, shown on `/status`.
    pub status: Vec<StatusLine>,
    /// The language machine translations are shown in by default (the operator's
    /// `[translate] target`); readers may ask for another with `?lang=` on a story.
    pub language: String,
}

impl Default for WebOptions {
    fn default() -> Self {
        WebOptions {
            status: Vec::new(),
            language: DEFAULT_LANGUAGE.to_string(),
        }
    }
}

/// The web application: HTML pages and the JSON API, with the security headers on every response.
pub fn router(store: Arc<dyn Store>) -> Router {
    router_with_status(store, Vec::new())
}

/// [`router`], with the serving process's set-up shown on `/status`.
pub fn router_with_status(store: Arc<dyn Store>, status: Vec<StatusLine>) -> Router {
    router_with_options(
        store,
        WebOptions {
            status,
            ..WebOptions::default()
        },
    )
}

/// [`router`], set up with `options`.
pub fn router_with_options(store: Arc<dyn Store>, options: WebOptions) -> Router {
    let language = if is_language_code(options.language.trim()) {
        options.language.trim().to_string()
    } else {
        DEFAULT_LANGUAGE.to_string()
    };
    Router::new()
        .route("/", get(front::front_page))
        .route("/api/front", get(front::api_front))
        .route("/story/{id}", get(story_page))
        .route("/sources", get(sources_page))
        .route("/source/{id}", get(source_page))
        .route("/problems", get(problems_page))
        .route("/status", get(status_page))
        .route("/api/status", get(api_status))
        .route("/api/openapi.json", get(openapi::api_openapi))
        .route("/api/stories", get(api_stories))
        .route("/api/stories/{id}", get(api_story))
        .route("/api/sources", get(api_sources))
        .route("/api/sources/{id}", get(api_source))
        .route("/api/problems", get(api_problems))
        .route("/topic/{key}", get(topic::topic_page))
        .route("/topic/{key}/feed.atom", get(topic::topic_atom))
        .route("/api/topics", get(topic::api_topics))
        .route("/api/topics/{key}", get(topic::api_topic))
        .route("/entities", get(entities_page))
        .route("/entity/{key}", get(entity_page))
        .route("/blindspots", get(blindspots_page))
        .route("/blindspots/country.atom", get(country_atom))
        .route("/blindspots/one-sided.atom", get(one_sided_atom))
        .route("/feeds/top.atom", get(feeds::top_atom))
        .route("/api/entities", get(api_entities))
        .route("/api/entities/{key}", get(api_entity))
        .route("/api/blindspots", get(api_blindspots))
        .route("/world", get(world::world_page))
        .route("/country/{cc}", get(world::country_page))
        .route("/country/{cc}/feed.atom", get(feeds::country_atom))
        .route("/api/countries", get(world::api_countries))
        .route("/api/countries/{cc}", get(world::api_country))
        .route("/search", get(search::search_page))
        .route("/search.atom", get(feeds::search_atom))
        .route("/api/search", get(search::api_search))
        .route("/healthz", get(healthz))
        .fallback(not_found_page)
        .with_state(AppState {
            store,
            status: options.status.into(),
            language: language.into(),
        })
        .layer(SetResponseHeaderLayer::overriding(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(CONTENT_SECURITY_POLICY),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::REFERRER_POLICY,
            HeaderValue::from_static("no-referrer"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_FRAME_OPTIONS,
            HeaderValue::from_static("DENY"),
        ))
}

/// Serves the web application on `addr` until Ctrl-C. Prints "Serving on http://ADDR".
pub async fn serve(store: Arc<dyn Store>, addr: SocketAddr) -> anyhow::Result<()> {
    serve_with_status(store, addr, Vec::new()).await
}

/// [`serve`], with the serving process's set-up shown on `/status`.
pub async fn serve_with_status(
    store: Arc<dyn Store>,
    addr: SocketAddr,
    status: Vec<StatusLine>,
) -> anyhow::Result<()> {
    serve_with_options(
        store,
        addr,
        WebOptions {
            status,
            ..WebOptions::default()
        },
    )
    .await
}

/// [`serve`], set up with `options`.
pub async fn serve_with_options(
    store: Arc<dyn Store>,
    addr: SocketAddr,
    options: WebOptions,
) -> anyhow::Result<()> {
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|e| anyhow::anyhow!("cannot listen on {addr}: {e}"))?;
    let local = listener.local_addr()?;
    println!("Serving on http://{local}");
    axum::serve(listener, router_with_options(store, options))
        .with_graceful_shutdown(async {
            if let Err(e) = tokio::signal::ctrl_c().await {
                tracing::warn!("cannot listen for Ctrl-C: {e}");
                std::future::pending::<()>().await;
            }
        })
        .await?;
    Ok(())
}

/// What can go wrong while answering a request.
/// A request that failed inside the engine. This is the one mapping from errors to HTTP statuses
/// and to what a visitor is told: the internal error text is logged where it happens
/// ([`blocking`]), never shown.
enum Failure {
    Store(parallax_core::Error),
    Task,
}

impl Failure {
    fn status(&self) -> StatusCode {
        match self {
            Failure::Store(parallax_core::Error::NotFound(_)) => StatusCode::NOT_FOUND,
            _ => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// What a visitor is told.
    fn public_message(&self) -> &'static str {
        if self.status() == StatusCode::NOT_FOUND {
            "Not found."
        } else {
            "An internal error stopped this page; it has been logged for the operator."
        }
    }
}

/// Runs a synchronous store call off the async threads.
async fn blocking<T, F>(state: &AppState, f: F) -> Result<T, Failure>
where
    T: Send + 'static,
    F: FnOnce(&dyn Store) -> parallax_core::Result<T> + Send + 'static,
{
    let store = state.store.clone();
    match tokio::task::spawn_blocking(move || f(store.as_ref())).await {
        Ok(Ok(v)) => Ok(v),
        Ok(Err(e)) => {
            tracing::error!("store: {e}");
            Err(Failure::Store(e))
        }
        Err(e) => {
            tracing::error!("store task: {e}");
            Err(Failure::Task)
        }
    }
}

fn html_failure(f: Failure) -> Response {
    pages::error_page(f.status(), "Something went wrong", f.public_message())
}

fn json_error(status: StatusCode, message: &str) -> Response {
    (status, Json(serde_json::json!({ "error": message }))).into_response()
}

fn json_failure(f: Failure) -> Response {
    json_error(f.status(), f.public_message())
}

/// `?country=`: a two-letter country code, upper-cased; `None` when absent or empty.
fn country_param(query: &HashMap<String, String>) -> Result<Option<String>, String> {
    match query
        .get("country")
        .map(|c| c.trim())
        .filter(|c| !c.is_empty())
    {
        Some(c) if is_country_code(c) => Ok(Some(c.to_ascii_uppercase())),
        Some(_) => Err("`country` must be a two-letter country code such as \"US\"".into()),
        None => Ok(None),
    }
}

/// `?lang=`: a language code, lower-cased; `None` when absent or empty.
fn language_param(query: &HashMap<String, String>) -> Result<Option<String>, String> {
    match query
        .get("lang")
        .map(|l| l.trim())
        .filter(|l| !l.is_empty())
    {
        Some(l) if is_language_code(l) => Ok(Some(l.to_ascii_lowercase())),
        Some(_) => Err("`lang` must be a language code such as \"en\"".into()),
        None => Ok(None),
    }
}

/// Parses an optional non-negative number from a query parameter.
fn query_number(query: &HashMap<String, String>, key: &str) -> Result<Option<usize>, String> {
    match query.get(key).map(|v| v.trim()) {
        None | Some("") => Ok(None),
        Some(v) => v
            .parse::<usize>()
            .map(Some)
            .map_err(|_| format!("`{key}` must be a non-negative whole number")),
    }
}

/// The reader's language: `?lang=` when it is a language code, else the server's.
fn reader_language(state: &AppState, query: &HashMap<String, String>) -> Result<String, String> {
    match query.get("lang").map(|l| l.trim()) {
        None | Some("") => Ok(state.language.to_string()),
        Some(l) if is_language_code(l) => Ok(l.to_string()),
        Some(_) => Err("`lang` must be a language code such as \"en\" or \"pt-BR\"".to_string()),
    }
}

async fn story_page(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    let id = StoryId(id);
    let language = reader_language(&state, &query).unwrap_or_else(|_| state.language.to_string());
    let wanted = id.clone();
    match blocking(&state, move |s| story_view_in(s, &id, &language)).await {
        Ok(Some(view)) => pages::story_page(&view),
        Ok(None) => match blocking(&state, move |s| s.story_alias(&wanted)).await {
            Ok(Some(to)) => moved_to(&format!("/story/{}", pages::path_segment(to.as_str()))),
            Ok(None) => pages::error_page(
                StatusCode::NOT_FOUND,
                "Story not found",
                "There is no story with this id.",
            ),
            Err(f) => html_failure(f),
        },
        Err(f) => html_failure(f),
    }
}

/// A permanent redirect to a local path: the story was merged into another one.
fn moved_to(path: &str) -> Response {
    match HeaderValue::from_str(path) {
        Ok(location) => (
            StatusCode::PERMANENT_REDIRECT,
            [(header::LOCATION, location)],
            "this story was merged into another one\n",
        )
            .into_response(),
        Err(_) => json_error(StatusCode::NOT_FOUND, "story not found"),
    }
}

async fn problems_page(State(state): State<AppState>) -> Response {
    match blocking(&state, |s| problem_rows(s, PROBLEMS_LIMIT)).await {
        Ok(rows) => pages::problems_page(&rows),
        Err(f) => html_failure(f),
    }
}

async fn sources_page(State(state): State<AppState>) -> Response {
    match blocking(&state, |s| source_health(s)).await {
        Ok(rows) => pages::sources_page(&rows),
        Err(f) => html_failure(f),
    }
}

async fn status_page(State(state): State<AppState>) -> Response {
    let lines = state.status.clone();
    match blocking(&state, move |s| status_view(s, &lines)).await {
        Ok(view) => pages::status_page(&view),
        Err(f) => html_failure(f),
    }
}

#[utoipa::path(
    get,
    path = "/api/status",
    tag = "status",
    responses(
        (status = 200, description = "The numbers of sources, articles, stories and vectors stored, and the server's set-up", body = parallax_views::StatusView),
        (status = 500, description = "Internal error (logged for the operator)", body = crate::openapi::ApiError),
    )
)]
async fn api_status(State(state): State<AppState>) -> Response {
    let lines = state.status.clone();
    match blocking(&state, move |s| status_view(s, &lines)).await {
        Ok(view) => Json(view).into_response(),
        Err(f) => json_failure(f),
    }
}

async fn not_found_page() -> Response {
    pages::error_page(
        StatusCode::NOT_FOUND,
        "Page not found",
        "There is no page at this address.",
    )
}

#[utoipa::path(
    get,
    path = "/api/stories",
    tag = "stories",
    params(
        ("limit" = Option<usize>, Query, description = "Stories per page (default 50, at most 500: larger values are cut to 500)"),
        ("offset" = Option<usize>, Query, description = "Stories skipped (default 0)"),
    ),
    responses(
        (status = 200, description = "Stories, most recently updated first", body = Vec<parallax_views::StoryRow>),
        (status = 400, description = "`limit` or `offset` is not a non-negative whole number", body = crate::openapi::ApiError),
        (status = 500, description = "Internal error (logged for the operator)", body = crate::openapi::ApiError),
    )
)]
async fn api_stories(
    State(state): State<AppState>,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    let (limit, offset) = match (
        query_number(&query, "limit"),
        query_number(&query, "offset"),
    ) {
        (Ok(l), Ok(o)) => (
            l.unwrap_or(API_DEFAULT_LIMIT).min(API_MAX_LIMIT),
            o.unwrap_or(0),
        ),
        (Err(e), _) | (_, Err(e)) => return json_error(StatusCode::BAD_REQUEST, &e),
    };
    match blocking(&state, move |s| story_rows(s, limit, offset)).await {
        Ok(rows) => Json(rows).into_response(),
        Err(f) => json_failure(f),
    }
}

#[utoipa::path(
    get,
    path = "/api/stories/{id}",
    tag = "stories",
    params(
        ("id" = String, Path, description = "Story id (`sto-` and 16 hex digits)"),
        ("lang" = Option<String>, Query, description = "The reader's language (a language code such as \"en\" or \"pt-BR\"): translations are into it; default: the server's"),
    ),
    responses(
        (status = 200, description = "The story with its articles, coverage, translations and story intelligence", body = parallax_views::StoryView),
        (status = 308, description = "The story was merged into another one: `Location` is its address", headers(("Location" = String, description = "`/api/stories/ID` of the story it was merged into"))),
        (status = 400, description = "`lang` is not a language code", body = crate::openapi::ApiError),
        (status = 404, description = "No story with this id", body = crate::openapi::ApiError),
        (status = 500, description = "Internal error (logged for the operator)", body = crate::openapi::ApiError),
    )
)]
async fn api_story(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    let id = StoryId(id);
    let language = match reader_language(&state, &query) {
        Ok(l) => l,
        Err(e) => return json_error(StatusCode::BAD_REQUEST, &e),
    };
    let wanted = id.clone();
    match blocking(&state, move |s| story_view_in(s, &id, &language)).await {
        Ok(Some(view)) => Json(view).into_response(),
        Ok(None) => match blocking(&state, move |s| s.story_alias(&wanted)).await {
            Ok(Some(to)) => moved_to(&format!(
                "/api/stories/{}",
                pages::path_segment(to.as_str())
            )),
            Ok(None) => json_error(StatusCode::NOT_FOUND, "story not found"),
            Err(f) => json_failure(f),
        },
        Err(f) => json_failure(f),
    }
}

#[utoipa::path(
    get,
    path = "/api/problems",
    tag = "status",
    responses(
        (status = 200, description = "The most recent problems met with inputs (at most 100), newest first", body = Vec<parallax_views::ProblemRow>),
        (status = 500, description = "Internal error (logged for the operator)", body = crate::openapi::ApiError),
    )
)]
async fn api_problems(State(state): State<AppState>) -> Response {
    match blocking(&state, |s| problem_rows(s, PROBLEMS_LIMIT)).await {
        Ok(rows) => Json(rows).into_response(),
        Err(f) => json_failure(f),
    }
}

#[utoipa::path(
    get,
    path = "/api/sources",
    tag = "sources",
    responses(
        (status = 200, description = "Every source with the health of its feeds", body = Vec<parallax_views::SourceHealth>),
        (status = 500, description = "Internal error (logged for the operator)", body = crate::openapi::ApiError),
    )
)]
async fn api_sources(State(state): State<AppState>) -> Response {
    match blocking(&state, |s| source_health(s)).await {
        Ok(rows) => Json(rows).into_response(),
        Err(f) => json_failure(f),
    }
}

/// The page of the source `given` names (an id, or a site: see [`find_source`]).
fn source_by_address(store: &dyn Store, given: &str) -> parallax_core::Result<Option<SourceView>> {
    match find_source(store, given)? {
        Some(id) => source_view(store, &id),
        None => Ok(None),
    }
}

async fn source_page(State(state): State<AppState>, Path(id): Path<String>) -> Response {
    match blocking(&state, move |s| source_by_address(s, &id)).await {
        Ok(Some(view)) => pages::source_page(&view),
        Ok(None) => pages::error_page(
            StatusCode::NOT_FOUND,
            "Source not found",
            "There is no source with this id.",
        ),
        Err(f) => html_failure(f),
    }
}

#[utoipa::path(
    get,
    path = "/api/sources/{id}",
    tag = "sources",
    params(
        ("id" = String, Path, description = "Source id (`src-` and 16 hex digits), or its site (`example.com`)"),
    ),
    responses(
        (status = 200, description = "The source with its facts and their provenance, ratings, feeds, recent stories and claim ledger record", body = parallax_views::SourceView),
        (status = 404, description = "No source with this id or site", body = crate::openapi::ApiError),
        (status = 500, description = "Internal error (logged for the operator)", body = crate::openapi::ApiError),
    )
)]
async fn api_source(State(state): State<AppState>, Path(id): Path<String>) -> Response {
    match blocking(&state, move |s| source_by_address(s, &id)).await {
        Ok(Some(view)) => Json(view).into_response(),
        Ok(None) => json_error(StatusCode::NOT_FOUND, "source not found"),
        Err(f) => json_failure(f),
    }
}

/// Entities listed on `/entities` and by `GET /api/entities`.
const ENTITY_ROWS_LIMIT: usize = 200;

async fn entities_page(State(state): State<AppState>) -> Response {
    match blocking(&state, |s| entity_rows(s, ENTITY_ROWS_LIMIT)).await {
        Ok(rows) => pages::entities_page(&rows),
        Err(f) => html_failure(f),
    }
}

#[utoipa::path(
    get,
    path = "/api/entities",
    tag = "entities",
    responses(
        (status = 200, description = "The entities most named in recent stories (at most 200)", body = Vec<parallax_views::EntityRow>),
        (status = 500, description = "Internal error (logged for the operator)", body = crate::openapi::ApiError),
    )
)]
async fn api_entities(State(state): State<AppState>) -> Response {
    match blocking(&state, |s| entity_rows(s, ENTITY_ROWS_LIMIT)).await {
        Ok(rows) => Json(rows).into_response(),
        Err(f) => json_failure(f),
    }
}

async fn entity_page(State(state): State<AppState>, Path(key): Path<String>) -> Response {
    match blocking(&state, move |s| entity_view(s, &key)).await {
        Ok(Some(view)) => pages::entity_page(&view),
        Ok(None) => pages::error_page(
            StatusCode::NOT_FOUND,
            "Entity not found",
            "No story names this person, place or organisation (yet: entity pages follow the \
             story digests, brought up to date after each import and crawl pass).",
        ),
        Err(f) => html_failure(f),
    }
}

#[utoipa::path(
    get,
    path = "/api/entities/{key}",
    tag = "entities",
    params(
        ("key" = String, Path, description = "Entity key (as in `/api/entities`), or a spelling of its name"),
    ),
    responses(
        (status = 200, description = "The entity with its spellings and stories", body = parallax_views::EntityView),
        (status = 404, description = "No digested story names this entity", body = crate::openapi::ApiError),
        (status = 500, description = "Internal error (logged for the operator)", body = crate::openapi::ApiError),
    )
)]
async fn api_entity(State(state): State<AppState>, Path(key): Path<String>) -> Response {
    match blocking(&state, move |s| entity_view(s, &key)).await {
        Ok(Some(view)) => Json(view).into_response(),
        Ok(None) => json_error(StatusCode::NOT_FOUND, "no story names this entity"),
        Err(f) => json_failure(f),
    }
}

/// The country of the blindspot feed: `?country=` when it is a country code, else the default.
fn blindspot_country(query: &HashMap<String, String>) -> Result<String, String> {
    Ok(country_param(query)?
        .unwrap_or_else(|| parallax_intel::blindspots::DEFAULT_COUNTRY.to_string()))
}

async fn blindspots_page(
    State(state): State<AppState>,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    let country = match blindspot_country(&query) {
        Ok(c) => c,
        Err(e) => return pages::error_page(StatusCode::BAD_REQUEST, "Bad request", &e),
    };
    match blocking(&state, move |s| blindspots_view(s, &country)).await {
        Ok(view) => pages::blindspots_page(&view),
        Err(f) => html_failure(f),
    }
}

async fn blindspot_feed(
    state: AppState,
    query: HashMap<String, String>,
    render: fn(&BlindspotsView) -> String,
) -> Response {
    let country = match blindspot_country(&query) {
        Ok(c) => c,
        Err(e) => return json_error(StatusCode::BAD_REQUEST, &e),
    };
    match blocking(&state, move |s| blindspots_view(s, &country)).await {
        Ok(view) => (
            [(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/atom+xml; charset=utf-8"),
            )],
            render(&view),
        )
            .into_response(),
        Err(f) => json_failure(f),
    }
}

async fn country_atom(
    State(state): State<AppState>,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    blindspot_feed(state, query, feeds::country_feed).await
}

async fn one_sided_atom(
    State(state): State<AppState>,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    blindspot_feed(state, query, feeds::one_sided_feed).await
}

#[utoipa::path(
    get,
    path = "/api/blindspots",
    tag = "world",
    params(
        ("country" = Option<String>, Query, description = "The country of the first feed (ISO 3166-1 alpha-2; default US)", pattern = "^[A-Za-z]{2}$"),
    ),
    responses(
        (status = 200, description = "Stories the country's outlets miss, and stories covered by one side only", body = parallax_views::BlindspotsView),
        (status = 400, description = "`country` is not a two-letter country code", body = crate::openapi::ApiError),
        (status = 500, description = "Internal error (logged for the operator)", body = crate::openapi::ApiError),
    )
)]
async fn api_blindspots(
    State(state): State<AppState>,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    let country = match blindspot_country(&query) {
        Ok(c) => c,
        Err(e) => return json_error(StatusCode::BAD_REQUEST, &e),
    };
    match blocking(&state, move |s| blindspots_view(s, &country)).await {
        Ok(view) => Json(view).into_response(),
        Err(f) => json_failure(f),
    }
}

async fn healthz() -> Response {
    (
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        "ok\n",
    )
        .into_response()
}
