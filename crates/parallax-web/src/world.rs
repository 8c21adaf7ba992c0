//! "Pick a country" rendered: the world map (`/world`, `/api/countries`) drawn inline on the
//! server from [`parallax_views::world_map`] (no script, no request to another host), and the
//! country pages (`/country/CC`, `/api/countries/CC`) from [`parallax_views::country_view`].

use crate::pages::{error_page, path_segment, show_time};
use crate::{AppState, blocking, html_failure, json_error, json_failure};
use askama::Template;
use axum::{
    Json,
    extract::{Path, Query, State},
    http::StatusCode,
    response::{IntoResponse, Response},
};
use parallax_views::{
    CountryStoryRow, CountryView, CountryVolumeRow, DEFAULT_WORLD_PERIOD, MapShape,
    OVERLOOKED_MAX_OTHER_OUTLETS, OVERLOOKED_MIN_HOME_OUTLETS, WORLD_PERIODS, WorldView,
    country_view, world_map, world_view,
};
use std::collections::HashMap;

// ---------------------------------------------------------------------------------------------
// Pages and API
// ---------------------------------------------------------------------------------------------

/// The period asked for with `?days=`: one of [`WORLD_PERIODS`], else [`DEFAULT_WORLD_PERIOD`].
fn period(query: &HashMap<String, String>) -> Result<u32, String> {
    match query.get("days").map(|d| d.trim()) {
        None | Some("") => Ok(DEFAULT_WORLD_PERIOD),
        Some(d) => d
            .parse::<u32>()
            .ok()
            .filter(|d| WORLD_PERIODS.contains(d))
            .ok_or_else(|| "`days` must be 7, 30 or 365".to_string()),
    }
}

fn articles_label(n: usize) -> String {
    if n == 1 {
        "1 article".to_string()
    } else {
        format!("{n} articles")
    }
}

struct PeriodLink {
    days: u32,
    current: bool,
}

struct MapItem {
    href: String,
    class: u8,
    title: String,
    path: String,
    dot: bool,
    x: i32,
    y: i32,
}

struct ListItem {
    href: String,
    name: String,
    articles: usize,
    outlets: usize,
    on_map: bool,
}

struct LegendItem {
    class: u8,
    label: &'static str,
}

#[derive(Template)]
#[template(path = "world.html")]
struct WorldPage {
    days: u32,
    periods: Vec<PeriodLink>,
    since: String,
    articles: usize,
    view_box: String,
    shapes: Vec<MapItem>,
    legend: Vec<LegendItem>,
    list: Vec<ListItem>,
}

fn world_page_html(view: &WorldView) -> Response {
    let map = world_map();
    let by_code: HashMap<&str, &CountryVolumeRow> = view
        .countries
        .iter()
        .map(|c| (c.code.as_str(), c))
        .collect();
    let shapes = map
        .countries
        .iter()
        .map(|c| {
            let (articles, class) = by_code
                .get(c.code.as_str())
                .map_or((0, 0), |v| (v.articles, v.class));
            let (path, dot, x, y) = match &c.shape {
                MapShape::Path(d) => (d.clone(), false, 0, 0),
                MapShape::Dot { x, y } => (String::new(), true, *x, *y),
            };
            MapItem {
                href: format!("/country/{}", path_segment(&c.code)),
                class,
                title: format!("{}: {}", c.name, articles_label(articles)),
                path,
                dot,
                x,
                y,
            }
        })
        .collect();
    let list = view
        .countries
        .iter()
        .map(|c| ListItem {
            href: format!("/country/{}", path_segment(&c.code)),
            name: c.name.clone(),
            articles: c.articles,
            outlets: c.outlets,
            on_map: c.on_map,
        })
        .collect();
    crate::pages::render_ok(&WorldPage {
        days: view.days,
        periods: WORLD_PERIODS
            .iter()
            .map(|&days| PeriodLink {
                days,
                current: days == view.days,
            })
            .collect(),
        since: show_time(&view.since),
        articles: view.articles,
        view_box: map.view_box.clone(),
        shapes,
        legend: vec![
            LegendItem {
                class: 0,
                label: "no article",
            },
            LegendItem {
                class: 1,
                label: "1–9 articles",
            },
            LegendItem {
                class: 2,
                label: "10–99",
            },
            LegendItem {
                class: 3,
                label: "100–999",
            },
            LegendItem {
                class: 4,
                label: "1,000 or more",
            },
        ],
        list,
    })
}

struct StoryItem {
    href: String,
    title: String,
    home_outlets: usize,
    home_articles: usize,
    other_outlets: usize,
    other_countries: usize,
    last_updated: String,
}

struct OutletItem {
    href: String,
    name: String,
    status: &'static str,
    feeds: usize,
    feeds_failing: usize,
    articles_per_day: String,
    last_success: String,
}

#[derive(Template)]
#[template(path = "country.html")]
struct CountryPage {
    code: String,
    name: String,
    days: u32,
    articles: usize,
    active_outlets: usize,
    top: Vec<StoryItem>,
    overlooked: Vec<StoryItem>,
    blindspots: Vec<crate::pages::CountryBlindspotItem>,
    outlets: Vec<OutletItem>,
    min_home: usize,
    max_other: usize,
    considered: usize,
    stale: usize,
}

fn story_items(rows: &[CountryStoryRow]) -> Vec<StoryItem> {
    rows.iter()
        .map(|r| StoryItem {
            href: format!("/story/{}", path_segment(r.story.as_str())),
            title: r.title.clone(),
            home_outlets: r.home_outlets,
            home_articles: r.home_articles,
            other_outlets: r.other_outlets,
            other_countries: r.other_countries,
            last_updated: show_time(&r.last_updated),
        })
        .collect()
}

fn country_page_html(view: &CountryView) -> Response {
    crate::pages::render_ok(&CountryPage {
        code: view.code.clone(),
        name: view.name.clone(),
        days: DEFAULT_WORLD_PERIOD,
        articles: view.volume.articles,
        active_outlets: view.volume.outlets,
        top: story_items(&view.top_stories),
        overlooked: story_items(&view.overlooked_elsewhere),
        blindspots: view
            .blindspots
            .iter()
            .map(crate::pages::CountryBlindspotItem::of)
            .collect(),
        outlets: view
            .outlets
            .iter()
            .map(|o| OutletItem {
                href: format!("/source/{}", path_segment(o.id.as_str())),
                name: o.name.clone(),
                status: o.health.as_ref().map_or("no feeds", |h| h.status),
                feeds: o.health.as_ref().map_or(0, |h| h.feeds),
                feeds_failing: o.health.as_ref().map_or(0, |h| h.feeds_failing),
                articles_per_day: o
                    .health
                    .as_ref()
                    .map_or_else(|| "–".to_string(), |h| format!("{:.1}", h.articles_per_day)),
                last_success: o
                    .health
                    .as_ref()
                    .and_then(|h| h.last_success.as_ref())
                    .map_or_else(|| "never".to_string(), show_time),
            })
            .collect(),
        min_home: OVERLOOKED_MIN_HOME_OUTLETS,
        max_other: OVERLOOKED_MAX_OTHER_OUTLETS,
        considered: view.stories_considered,
        stale: view.stale_digests,
    })
}

const NO_COUNTRY: &str = "There is no country with this code on the map (ISO 3166-1 alpha-2).";

/// `GET /world?days=7|30|365`.
pub(crate) async fn world_page(
    State(state): State<AppState>,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    let days = match period(&query) {
        Ok(d) => d,
        Err(e) => return error_page(StatusCode::BAD_REQUEST, "Bad request", &e),
    };
    match blocking(&state, move |s| world_view(s, days)).await {
        Ok(view) => world_page_html(&view),
        Err(f) => html_failure(f),
    }
}

/// `GET /api/countries?days=7|30|365`.
#[utoipa::path(
    get,
    path = "/api/countries",
    tag = "world",
    params(
        ("days" = Option<u32>, Query, description = "The period in days: 7, 30 (the default) or 365"),
    ),
    responses(
        (status = 200, description = "Articles and active outlets per country over the period", body = parallax_views::WorldView),
        (status = 400, description = "`days` is not 7, 30 or 365", body = crate::openapi::ApiError),
        (status = 500, description = "Internal error (logged for the operator)", body = crate::openapi::ApiError),
    )
)]
pub(crate) async fn api_countries(
    State(state): State<AppState>,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    let days = match period(&query) {
        Ok(d) => d,
        Err(e) => return json_error(StatusCode::BAD_REQUEST, &e),
    };
    match blocking(&state, move |s| world_view(s, days)).await {
        Ok(view) => Json(view).into_response(),
        Err(f) => json_failure(f),
    }
}

/// `GET /country/{cc}`.
pub(crate) async fn country_page(
    State(state): State<AppState>,
    Path(code): Path<String>,
) -> Response {
    match blocking(&state, move |s| country_view(s, &code)).await {
        Ok(Some(view)) => country_page_html(&view),
        Ok(None) => error_page(StatusCode::NOT_FOUND, "Country not found", NO_COUNTRY),
        Err(f) => html_failure(f),
    }
}

/// `GET /api/countries/{cc}`.
#[utoipa::path(
    get,
    path = "/api/countries/{cc}",
    tag = "world",
    params(
        ("cc" = String, Path, description = "Country code (ISO 3166-1 alpha-2)"),
    ),
    responses(
        (status = 200, description = "The country: its volume, top and overlooked stories, blindspots and outlets", body = parallax_views::CountryView),
        (status = 404, description = "No country with this code on the map", body = crate::openapi::ApiError),
        (status = 500, description = "Internal error (logged for the operator)", body = crate::openapi::ApiError),
    )
)]
pub(crate) async fn api_country(
    State(state): State<AppState>,
    Path(code): Path<String>,
) -> Response {
    match blocking(&state, move |s| country_view(s, &code)).await {
        Ok(Some(view)) => Json(view).into_response(),
        Ok(None) => json_error(StatusCode::NOT_FOUND, "no such country"),
        Err(f) => json_failure(f),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periods_are_checked() {
        let q = |v: &str| HashMap::from([("days".to_string(), v.to_string())]);
        assert_eq!(period(&HashMap::new()), Ok(30));
        assert_eq!(period(&q("7")), Ok(7));
        assert_eq!(period(&q("365")), Ok(365));
        assert!(period(&q("8")).is_err());
        assert!(period(&q("x")).is_err());
    }
}
