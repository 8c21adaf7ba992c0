//! The front page (`/`, `/api/front`): story cards from [`parallax_views::front_view`], with the
//! orders, filters and stable pagination it defines. Coverage bars are inline SVG drawn here; the
//! same numbers are written out beside them as text, for screen readers and text browsers.

use crate::bars::{Segment, segments};
use crate::pages::{path_segment, render_ok};
use crate::{
    AppState, blocking, country_param, html_failure, json_error, json_failure, language_param,
    query_number,
};
use askama::Template;
use axum::{
    Json,
    extract::{Query, State},
    http::StatusCode,
    response::{IntoResponse, Response},
};
use chrono::{DateTime, Utc};
use parallax_views::{CoverageBar, FrontOrder, FrontQuery, FrontView, StoryCard, front_view};
use std::collections::HashMap;

/// The front page a request asks for: `order`, `country`, `lang`, `section`, `page`, `at`
/// (RFC 3339).
pub(crate) fn front_query(params: &HashMap<String, String>) -> Result<FrontQuery, String> {
    let get = |k: &str| params.get(k).map(|v| v.trim()).filter(|v| !v.is_empty());
    let order = match get("order") {
        None => FrontOrder::default(),
        Some(o) => FrontOrder::parse(o)
            .ok_or_else(|| "`order` must be \"top\", \"rising\" or \"latest\"".to_string())?,
    };
    let (country, language) = (country_param(params)?, language_param(params)?);
    let section = get("section")
        .map(|s| {
            let key = s.to_ascii_lowercase();
            parallax_core::category_label(&key)
                .map(|_| key)
                .ok_or_else(|| {
                    let keys: Vec<&str> =
                        parallax_core::CATEGORIES.iter().map(|(k, _)| *k).collect();
                    format!("`section` must be one of {}", keys.join(", "))
                })
        })
        .transpose()?;
    let at = get("at")
        .map(|t| {
            DateTime::parse_from_rfc3339(t)
                .map(|t| t.with_timezone(&Utc))
                .map_err(|_| {
                    "`at` must be an RFC 3339 time such as 2025-07-03T12:00:00Z".to_string()
                })
        })
        .transpose()?;
    Ok(FrontQuery {
        order,
        country,
        language,
        section,
        // A page number that is not one is the first page, as links cut short may leave it.
        page: query_number(params, "page")
            .ok()
            .flatten()
            .unwrap_or(1)
            .clamp(1, 100_000),
        at,
    })
}

pub(crate) async fn front_page(
    State(state): State<AppState>,
    Query(params): Query<HashMap<String, String>>,
) -> Response {
    let query = match front_query(&params) {
        Ok(q) => q,
        Err(e) => return crate::pages::error_page(StatusCode::BAD_REQUEST, "Bad request", &e),
    };
    match blocking(&state, move |s| front_view(s, &query)).await {
        Ok(view) => render_ok(&FrontPage::of(&view)),
        Err(f) => html_failure(f),
    }
}

#[utoipa::path(
    get,
    path = "/api/front",
    tag = "stories",
    params(
        ("order" = Option<parallax_views::FrontOrder>, Query, description = "`top` (breadth and recency, the default), `rising` (coverage velocity) or `latest` (last change first)"),
        ("country" = Option<String>, Query, description = "Only stories covered by outlets of this country (ISO 3166-1 alpha-2)", pattern = "^[A-Za-z]{2}$"),
        ("lang" = Option<String>, Query, description = "Only stories with articles in this language (ISO 639-1)"),
        ("section" = Option<String>, Query, description = "Only stories with articles their outlets filed under this category: world, national, politics, business, technology, science, health, environment, sport, culture or opinion"),
        ("page" = Option<usize>, Query, description = "The page, from 1 (default 1; a value that is not a number is page 1)"),
        ("at" = Option<chrono::DateTime<chrono::Utc>>, Query, description = "The instant the ranking is computed at (RFC 3339; default now): pass the `at` of the first page to page on without repeats or gaps"),
    ),
    responses(
        (status = 200, description = "One page of the front page's story cards", body = parallax_views::FrontView),
        (status = 400, description = "`order`, `country`, `lang`, `section` or `at` is not valid", body = crate::openapi::ApiError),
        (status = 500, description = "Internal error (logged for the operator)", body = crate::openapi::ApiError),
    )
)]
pub(crate) async fn api_front(
    State(state): State<AppState>,
    Query(params): Query<HashMap<String, String>>,
) -> Response {
    let query = match front_query(&params) {
        Ok(q) => q,
        Err(e) => return json_error(StatusCode::BAD_REQUEST, &e),
    };
    match blocking(&state, move |s| front_view(s, &query)).await {
        Ok(view) => Json(view).into_response(),
        Err(f) => json_failure(f),
    }
}

/// The address of the front page with these parameters (empty ones left out), in the view's
/// category.
fn front_href(view: &FrontView, order: FrontOrder, page: Option<usize>) -> String {
    section_href(view, order, view.section.as_deref(), page)
}

/// [`front_href`] in the category `section` (`None`: all).
fn section_href(
    view: &FrontView,
    order: FrontOrder,
    section: Option<&str>,
    page: Option<usize>,
) -> String {
    let mut parts: Vec<String> = Vec::new();
    if order != FrontOrder::Top {
        parts.push(format!("order={}", order.name()));
    }
    if let Some(c) = &view.country {
        parts.push(format!("country={c}"));
    }
    if let Some(l) = &view.language {
        parts.push(format!("lang={l}"));
    }
    if let Some(s) = section {
        parts.push(format!("section={s}"));
    }
    if let Some(p) = page {
        parts.push(format!("page={p}"));
        parts.push(format!("at={}", view.at.format("%Y-%m-%dT%H:%M:%SZ")));
    }
    if parts.is_empty() {
        "/".to_string()
    } else {
        format!("/?{}", parts.join("&"))
    }
}

/// "3 hours ago", "2 days ago", as of `now`.
fn ago(t: DateTime<Utc>, now: DateTime<Utc>) -> String {
    let secs = (now - t).num_seconds();
    let (n, unit) = match secs {
        s if s < 0 => return "in the future".to_string(),
        s if s < 3600 => ((s / 60).max(1), "minute"),
        s if s < 86_400 => (s / 3600, "hour"),
        s if s < 86_400 * 60 => (s / 86_400, "day"),
        s if s < 86_400 * 730 => (s / (86_400 * 30), "month"),
        s => (s / (86_400 * 365), "year"),
    };
    format!("{n} {unit}{} ago", if n == 1 { "" } else { "s" })
}

struct Tab {
    label: &'static str,
    href: String,
    current: bool,
}

pub(crate) struct Bar {
    /// "Bias distribution of its outlets" or "Regions of its articles".
    pub(crate) caption: &'static str,
    pub(crate) unit: &'static str,
    pub(crate) segments: Vec<Segment>,
}

/// A story card as `card.html` shows it (front page and topic pages).
pub(crate) struct Card {
    pub(crate) href: String,
    pub(crate) title: String,
    pub(crate) lead: Option<(String, usize)>,
    pub(crate) bar: Bar,
    pub(crate) counts: String,
    pub(crate) first_reported: Option<String>,
    pub(crate) languages: String,
    pub(crate) one_sided: Option<&'static str>,
    /// The label of its main category, with the front page of that category.
    pub(crate) section: Option<(&'static str, String)>,
}

/// A category in the front page's section list.
struct SectionLink {
    label: &'static str,
    href: String,
    stories: usize,
    current: bool,
    /// Its first stories, as (address, title).
    top: Vec<(String, String)>,
}

/// A topic in the front page's topic list.
struct TopicLink {
    name: String,
    href: String,
    stories: usize,
}

#[derive(Template)]
#[template(path = "front.html")]
struct FrontPage {
    heading: &'static str,
    note: &'static str,
    tabs: Vec<Tab>,
    country: String,
    language: String,
    order: &'static str,
    /// The category filter's key (empty: all).
    section: String,
    section_label: Option<&'static str>,
    sections: Vec<SectionLink>,
    /// The "All" entry of the section list.
    all_sections_href: String,
    /// Section blocks are shown (first page, no category chosen).
    blocks: bool,
    topics: Vec<TopicLink>,
    cards: Vec<Card>,
    page: usize,
    ranked: usize,
    prev_href: Option<String>,
    next_href: Option<String>,
    filtered: bool,
    api_href: String,
}

fn bar(b: &CoverageBar) -> Bar {
    let segments = segments(
        b.kind,
        b.segments
            .iter()
            .map(|s| (s.label.clone(), s.count, s.share)),
    );
    if b.kind == "bias" {
        Bar {
            caption: "Bias distribution of its outlets",
            unit: "outlet",
            segments,
        }
    } else {
        Bar {
            caption: "Regions of its outlets (no outlet is rated)",
            unit: "article",
            segments,
        }
    }
}

fn plural(n: usize, one: &str) -> String {
    format!("{n} {one}{}", if n == 1 { "" } else { "s" })
}

pub(crate) fn card(c: &StoryCard, at: DateTime<Utc>) -> Card {
    let mut counts = vec![plural(c.articles, "article")];
    if let Some(r) = c.independent_reports {
        counts.push(plural(r, "independent report"));
    }
    counts.push(plural(c.outlets, "outlet"));
    counts.push(plural(c.countries, "country").replace("countrys", "countries"));
    Card {
        href: format!("/story/{}", path_segment(c.id.as_str())),
        title: c.title.clone(),
        lead: c.lead.as_ref().map(|l| (l.text.clone(), l.citations)),
        bar: bar(&c.bar),
        counts: counts.join(" · "),
        first_reported: c.first_reported.map(|t| ago(t, at)),
        languages: c.languages.join(", "),
        one_sided: c.one_sided,
        section: c.section.as_deref().and_then(|key| {
            parallax_core::category_label(key).map(|label| (label, format!("/?section={key}")))
        }),
    }
}

impl FrontPage {
    fn of(view: &FrontView) -> Self {
        let tabs = [
            (FrontOrder::Top, "Top"),
            (FrontOrder::Rising, "Rising"),
            (FrontOrder::Latest, "Latest"),
        ]
        .into_iter()
        .map(|(o, label)| Tab {
            label,
            href: front_href(view, o, None),
            current: o == view.order,
        })
        .collect();
        let section_label = view
            .section
            .as_deref()
            .and_then(parallax_core::category_label);
        let (heading, note) = match view.order {
            FrontOrder::Top => (
                "Top stories",
                "Ranked by breadth (independent reports, countries, outlets) and recency.",
            ),
            FrontOrder::Rising => (
                "Rising stories",
                "Stories first reported in the last 48 hours, by articles per hour.",
            ),
            FrontOrder::Latest => ("Latest stories", "Most recently updated first."),
        };
        let page = view.page;
        let mut api = front_href(view, view.order, Some(page));
        api.replace_range(0..1, "/api/front");
        FrontPage {
            heading,
            note,
            tabs,
            country: view.country.clone().unwrap_or_default(),
            language: view.language.clone().unwrap_or_default(),
            order: view.order.name(),
            section: view.section.clone().unwrap_or_default(),
            section_label,
            sections: view
                .sections
                .iter()
                .filter_map(|s| {
                    Some(SectionLink {
                        label: parallax_core::category_label(&s.key)?,
                        href: section_href(view, view.order, Some(&s.key), None),
                        stories: s.stories,
                        current: view.section.as_deref() == Some(s.key.as_str()),
                        top: s
                            .top
                            .iter()
                            .map(|t| {
                                (
                                    format!("/story/{}", path_segment(t.id.as_str())),
                                    t.title.clone(),
                                )
                            })
                            .collect(),
                    })
                })
                .collect(),
            all_sections_href: section_href(view, view.order, None, None),
            blocks: view.section.is_none() && page == 1 && !view.sections.is_empty(),
            topics: view
                .topics
                .iter()
                .map(|t| TopicLink {
                    name: t.name.clone(),
                    href: format!("/topic/{}", path_segment(&t.key)),
                    stories: t.stories,
                })
                .collect(),
            cards: view.cards.iter().map(|c| card(c, view.at)).collect(),
            page,
            ranked: view.ranked,
            prev_href: (page > 1).then(|| front_href(view, view.order, Some(page - 1))),
            next_href: view
                .has_next
                .then(|| front_href(view, view.order, Some(page + 1))),
            filtered: view.country.is_some() || view.language.is_some() || view.section.is_some(),
            api_href: api,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ages_read_naturally() {
        let now = Utc::now();
        assert_eq!(
            ago(now - chrono::Duration::seconds(20), now),
            "1 minute ago"
        );
        assert_eq!(ago(now - chrono::Duration::hours(3), now), "3 hours ago");
        assert_eq!(ago(now - chrono::Duration::days(1), now), "1 day ago");
        assert_eq!(ago(now + chrono::Duration::days(1), now), "in the future");
    }

    #[test]
    fn queries_are_checked() {
        let q = |pairs: &[(&str, &str)]| {
            front_query(
                &pairs
                    .iter()
                    .map(|(k, v)| (k.to_string(), v.to_string()))
                    .collect(),
            )
        };
        assert_eq!(
            q(&[]).unwrap(),
            FrontQuery {
                page: 1,
                ..FrontQuery::default()
            }
        );
        let full = q(&[
            ("order", "rising"),
            ("country", "fr"),
            ("lang", "FR"),
            ("page", "2"),
            ("at", "2025-07-03T12:00:00Z"),
        ])
        .unwrap();
        assert_eq!(full.order, FrontOrder::Rising);
        assert_eq!(full.country.as_deref(), Some("FR"));
        assert_eq!(full.language.as_deref(), Some("fr"));
        assert_eq!(full.page, 2);
        assert_eq!(
            q(&[("section", "World")]).unwrap().section.as_deref(),
            Some("world")
        );
        for bad in [
            ("section", "news"),
            ("order", "best"),
            ("country", "France"),
            ("lang", "<x>"),
            ("at", "July"),
        ] {
            assert!(q(&[bad]).is_err(), "{bad:?}");
        }
    }
}
