//! Topic pages (`/topic/KEY`, `/api/topics`, `/api/topics/KEY`, `/topic/KEY/feed.atom`): the
//! stories about one person, place or organisation the articles name, as story cards, from
//! [`parallax_views::topic_view`].

use crate::front::{Card, card};
use crate::pages::{error_page, path_segment, render_ok};
use crate::{AppState, blocking, html_failure, json_error, json_failure};
use askama::Template;
use axum::{
    Json,
    extract::{Path, State},
    http::StatusCode,
    response::{IntoResponse, Response},
};
use chrono::Utc;
use parallax_views::{TopicView, topic_rows, topic_view};

/// Topics `/api/topics` lists.
const TOPICS_LISTED: usize = 100;

const NOT_FOUND: &str = "No story names this topic (yet: topics follow the story digests, \
                         brought up to date after each import and crawl pass).";

#[derive(Template)]
#[template(path = "topic.html")]
struct TopicPage {
    name: String,
    kind: String,
    variants: String,
    total: usize,
    cards: Vec<Card>,
    /// The entity page (mentions per story); `None` for a key phrase.
    entity_href: Option<String>,
    /// The search for the phrase; `None` for an entity.
    search_href: Option<String>,
    feed_href: String,
    api_href: String,
}

pub(crate) async fn topic_page(State(state): State<AppState>, Path(key): Path<String>) -> Response {
    match blocking(&state, move |s| topic_view(s, &key)).await {
        Ok(Some(v)) => {
            let key = path_segment(&v.key);
            let now = Utc::now();
            render_ok(&TopicPage {
                cards: v.stories.iter().map(|c| card(c, now)).collect(),
                variants: v.variants.join(", "),
                total: v.total_stories,
                entity_href: (v.kind != "phrase").then(|| format!("/entity/{key}")),
                search_href: (v.kind == "phrase").then(|| {
                    let words: Vec<String> = v.key.split(' ').map(path_segment).collect();
                    format!("/search?q=%22{}%22", words.join("+"))
                }),
                feed_href: format!("/topic/{key}/feed.atom"),
                api_href: format!("/api/topics/{key}"),
                name: v.name,
                kind: v.kind,
            })
        }
        Ok(None) => error_page(StatusCode::NOT_FOUND, "Topic not found", NOT_FOUND),
        Err(f) => html_failure(f),
    }
}

#[utoipa::path(
    get,
    path = "/api/topics/{key}",
    tag = "topics",
    params(
        ("key" = String, Path, description = "Topic key (an entity key, as in `/api/topics`), a spelling of its name, or a key phrase of two or more words (the stories whose articles use it)"),
    ),
    responses(
        (status = 200, description = "The topic with its most recently updated stories, as cards", body = parallax_views::TopicView),
        (status = 404, description = "No digested story names this topic, and no story uses it as a phrase", body = crate::openapi::ApiError),
        (status = 500, description = "Internal error (logged for the operator)", body = crate::openapi::ApiError),
    )
)]
pub(crate) async fn api_topic(State(state): State<AppState>, Path(key): Path<String>) -> Response {
    match blocking(&state, move |s| topic_view(s, &key)).await {
        Ok(Some(v)) => Json(v).into_response(),
        Ok(None) => json_error(StatusCode::NOT_FOUND, NOT_FOUND),
        Err(f) => json_failure(f),
    }
}

#[utoipa::path(
    get,
    path = "/api/topics",
    tag = "topics",
    responses(
        (status = 200, description = "The topics most named by recent stories (at most 100)", body = Vec<parallax_views::EntityRow>),
        (status = 500, description = "Internal error (logged for the operator)", body = crate::openapi::ApiError),
    )
)]
pub(crate) async fn api_topics(State(state): State<AppState>) -> Response {
    match blocking(&state, |s| topic_rows(s, TOPICS_LISTED)).await {
        Ok(rows) => Json(rows).into_response(),
        Err(f) => json_failure(f),
    }
}

pub(crate) async fn topic_atom(State(state): State<AppState>, Path(key): Path<String>) -> Response {
    match blocking(&state, move |s| topic_view(s, &key)).await {
        Ok(Some(v)) => crate::feeds::atom(topic_feed(&v)),
        Ok(None) => json_error(StatusCode::NOT_FOUND, NOT_FOUND),
        Err(f) => json_failure(f),
    }
}

/// The Atom feed of a topic's stories, most recently updated first; links are relative to
/// `/topic/KEY/feed.atom`.
pub(crate) fn topic_feed(v: &TopicView) -> String {
    let entries: Vec<crate::feeds::Entry> = v
        .stories
        .iter()
        .map(|c| crate::feeds::Entry {
            id: format!("urn:parallax:story:{}", c.id),
            title: c.title.clone(),
            href: crate::feeds::story_href(2, c.id.as_str()),
            summary: c.lead.as_ref().map(|l| l.text.clone()).unwrap_or_default(),
            updated: c.last_updated,
        })
        .collect();
    crate::feeds::feed(
        &format!("urn:parallax:topic:{}", v.key),
        &format!("Parallax: {}", v.name),
        "feed.atom",
        &entries,
    )
}
