//! Search rendered: `/search` (the page) and `/api/search` (JSON), from
//! [`parallax_views::search_view`]. The matched words arrive as marked plain-text fragments
//! ([`Highlighted`]), which the template wraps in `<mark>` after escaping each fragment: nothing
//! from an article is ever taken as markup.

use crate::{
    AppState, blocking, country_param, html_failure, json_error, json_failure, language_param,
    pages, query_number,
};
use askama::Template;
use axum::{
    Json,
    extract::{Query, State},
    http::StatusCode,
    response::{IntoResponse, Response},
};
use parallax_core::{Highlighted, SearchQuery, SourceId};
use parallax_views::{
    SEARCH_MAX_LIMIT, SEARCH_PAGE_SIZE, SearchArticle, SearchStory, search_date, search_view,
};
use std::collections::HashMap;

/// The search a request asks for: `q`, `country`, `lang`, `source`, `since`, `until`, `limit`
/// (at most `max_limit`) and `offset`. Empty parameters are no filter.
pub(crate) fn search_query(
    params: &HashMap<String, String>,
    max_limit: usize,
) -> Result<SearchQuery, String> {
    let get = |k: &str| params.get(k).map(|v| v.trim()).filter(|v| !v.is_empty());
    let (country, language) = (country_param(params)?, language_param(params)?);
    Ok(SearchQuery {
        text: get("q").unwrap_or_default().to_string(),
        country,
        language,
        source: get("source").map(|s| SourceId(s.to_string())),
        since: get("since").map(|d| search_date(d, false)).transpose()?,
        until: get("until").map(|d| search_date(d, true)).transpose()?,
        limit: query_number(params, "limit")?
            .unwrap_or(SEARCH_PAGE_SIZE)
            .min(max_limit),
        offset: query_number(params, "offset")?.unwrap_or(0),
    })
}

#[utoipa::path(
    get,
    path = "/api/search",
    tag = "search",
    params(
        ("q" = String, Query, description = "The words to search for (required)"),
        ("country" = Option<String>, Query, description = "Only articles of outlets of this country (ISO 3166-1 alpha-2)", pattern = "^[A-Za-z]{2}$"),
        ("lang" = Option<String>, Query, description = "Only articles in this language (ISO 639-1)"),
        ("source" = Option<String>, Query, description = "Only articles of this source (source id)"),
        ("since" = Option<String>, Query, description = "Only articles published on or after this day (YYYY-MM-DD) or time (RFC 3339)"),
        ("until" = Option<String>, Query, description = "Only articles published on or before this day (YYYY-MM-DD) or time (RFC 3339)"),
        ("limit" = Option<usize>, Query, description = "Stories per page (default 20, at most 100: larger values are cut to 100)"),
        ("offset" = Option<usize>, Query, description = "Stories skipped (default 0)"),
    ),
    responses(
        (status = 200, description = "One page of matching stories, best match first, each with its best matching articles", body = parallax_views::SearchView),
        (status = 400, description = "`q` is missing, or a filter or `limit`/`offset` is not valid", body = crate::openapi::ApiError),
        (status = 500, description = "Internal error (logged for the operator)", body = crate::openapi::ApiError),
    )
)]
pub(crate) async fn api_search(
    State(state): State<AppState>,
    Query(params): Query<HashMap<String, String>>,
) -> Response {
    let query = match search_query(&params, SEARCH_MAX_LIMIT) {
        Ok(q) if q.text.trim().is_empty() => {
            return json_error(
                StatusCode::BAD_REQUEST,
                "`q` (the words to search) is required",
            );
        }
        Ok(q) => q,
        Err(e) => return json_error(StatusCode::BAD_REQUEST, &e),
    };
    match blocking(&state, move |s| search_view(s, &query)).await {
        Ok(view) => Json(view).into_response(),
        Err(f) => json_failure(f),
    }
}

pub(crate) async fn search_page(
    State(state): State<AppState>,
    Query(params): Query<HashMap<String, String>>,
) -> Response {
    let query = match search_query(&params, SEARCH_PAGE_SIZE) {
        Ok(q) => q,
        Err(e) => return pages::error_page(StatusCode::BAD_REQUEST, "Bad request", &e),
    };
    let form = SearchForm::of(&params);
    if query.text.trim().is_empty() {
        return crate::pages::render_ok(&SearchPage {
            form,
            searched: false,
            total: 0,
            more: false,
            stories: Vec::new(),
            previous: None,
            next: None,
        });
    }
    let (offset, limit) = (query.offset, query.limit);
    match blocking(&state, move |s| search_view(s, &query)).await {
        Ok(view) => {
            let page = |offset: usize| format!("/search?{}", form.query_string(offset));
            let next = (offset + view.stories.len() < view.total && limit > 0)
                .then(|| page(offset + limit));
            let previous = (offset > 0).then(|| page(offset.saturating_sub(limit)));
            crate::pages::render_ok(&SearchPage {
                searched: true,
                total: view.total,
                more: view.more,
                stories: view.stories.iter().map(StoryItem::of).collect(),
                form,
                previous,
                next,
            })
        }
        Err(f) => html_failure(f),
    }
}

/// The form's fields as the reader filled them in (shown again, escaped by the template).
struct SearchForm {
    q: String,
    country: String,
    lang: String,
    source: String,
    since: String,
    until: String,
}

impl SearchForm {
    fn of(params: &HashMap<String, String>) -> Self {
        let get = |k: &str| {
            params
                .get(k)
                .map(|v| v.trim().to_string())
                .unwrap_or_default()
        };
        SearchForm {
            q: get("q"),
            country: get("country"),
            lang: get("lang"),
            source: get("source"),
            since: get("since"),
            until: get("until"),
        }
    }

    /// The query string of the same search at `offset`.
    fn query_string(&self, offset: usize) -> String {
        let mut out = format!("q={}", form_encode(&self.q));
        for (k, v) in [
            ("country", &self.country),
            ("lang", &self.lang),
            ("source", &self.source),
            ("since", &self.since),
            ("until", &self.until),
        ] {
            if !v.is_empty() {
                out.push_str(&format!("&{k}={}", form_encode(v)));
            }
        }
        if offset > 0 {
            out.push_str(&format!("&offset={offset}"));
        }
        out
    }
}

/// `s` percent-encoded for a query string (everything but unreserved characters).
pub(crate) fn form_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

struct StoryItem {
    href: String,
    title: String,
    updated: String,
    matching: usize,
    articles: Vec<ArticleItem>,
}

impl StoryItem {
    fn of(s: &SearchStory) -> Self {
        StoryItem {
            href: format!("/story/{}", pages::path_segment(&s.id.0)),
            title: s.title.clone(),
            updated: pages::show_time(&s.last_updated),
            matching: s.matching,
            articles: s.articles.iter().map(ArticleItem::of).collect(),
        }
    }
}

struct ArticleItem {
    title: Highlighted,
    source_name: String,
    source_href: Option<String>,
    country: String,
    language: String,
    published: String,
    snippet: Highlighted,
}

impl ArticleItem {
    fn of(a: &SearchArticle) -> Self {
        ArticleItem {
            title: a.title.clone(),
            source_name: a.source_name.clone(),
            source_href: pages::source_href(&a.source),
            country: a.country.clone().unwrap_or_default(),
            language: a.language.clone().unwrap_or_default(),
            published: a
                .published
                .map_or_else(|| "undated".to_string(), |t| pages::show_time(&t)),
            snippet: a.snippet.clone(),
        }
    }
}

#[derive(Template)]
#[template(path = "search.html")]
struct SearchPage {
    form: SearchForm,
    searched: bool,
    total: usize,
    /// Only the most recently stored matches were read: `total` is a lower bound.
    more: bool,
    stories: Vec<StoryItem>,
    previous: Option<String>,
    next: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_strings_are_encoded() {
        let form = SearchForm::of(&HashMap::from([
            ("q".to_string(), "a&b=c \"北京\"".to_string()),
            ("lang".to_string(), "zh".to_string()),
        ]));
        assert_eq!(
            form.query_string(20),
            "q=a%26b%3Dc%20%22%E5%8C%97%E4%BA%AC%22&lang=zh&offset=20"
        );
    }
}
