//! HTML pages (askama templates in `templates/`). Every value that reaches a template is plain text
//! that askama escapes; no template uses `|safe`.

use crate::{ArticleRow, ProblemRow, SourceHealth, StatusView, StoryRow, StoryView};
use askama::Template;
use axum::{
    http::{StatusCode, header},
    response::{IntoResponse, Response},
};
use chrono::{DateTime, Timelike, Utc};
use parallax_core::{PublishedTime, Tally};
use std::collections::HashMap;

fn render<T: Template>(status: StatusCode, page: &T) -> Response {
    match page.render() {
        Ok(html) => (
            status,
            [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
            html,
        )
            .into_response(),
        Err(e) => {
            tracing::error!("template: {e}");
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
                "internal error: the page could not be rendered\n",
            )
                .into_response()
        }
    }
}

/// A time as shown on pages.
pub(crate) fn show_time(t: &DateTime<Utc>) -> String {
    t.format("%Y-%m-%d %H:%M UTC").to_string()
}

/// A publication time: only the day when only the day is known (midnight UTC).
fn show_published(p: &Option<PublishedTime>) -> String {
    match p {
        None => "undated".to_string(),
        Some(p) if p.at.hour() == 0 && p.at.minute() == 0 && p.at.second() == 0 => {
            p.at.format("%Y-%m-%d").to_string()
        }
        Some(p) => show_time(&p.at),
    }
}

/// The URL when it may become a link: `http:` or `https:` only, nothing that could smuggle
/// whitespace or control characters.
pub(crate) fn safe_link(url: &str) -> Option<String> {
    let u = url.trim();
    let lower = u.to_ascii_lowercase();
    let scheme_ok = lower.starts_with("http://") || lower.starts_with("https://");
    let clean = !u.chars().any(|c| c.is_control() || c.is_whitespace());
    (scheme_ok && clean && u.len() > "https://".len()).then(|| u.to_string())
}

/// Percent-encodes an id for use as one path segment.
fn path_segment(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn label(s: &str) -> String {
    s.replace('_', " ")
}

fn percent(share: f64) -> String {
    if share.is_finite() {
        format!("{:.0}%", (share * 100.0).clamp(0.0, 100.0))
    } else {
        "–".to_string()
    }
}

pub(crate) struct TallyItem {
    label: String,
    count: usize,
    percent: String,
}

fn tally_items(tallies: &[Tally]) -> Vec<TallyItem> {
    tallies
        .iter()
        .map(|t| TallyItem {
            label: label(&t.label),
            count: t.count,
            percent: percent(t.share),
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Story list
// ---------------------------------------------------------------------------------------------

pub(crate) struct StoryItem {
    href: String,
    title: String,
    article_count: usize,
    source_count: usize,
    languages: String,
    last_updated: String,
}

#[derive(Template)]
#[template(path = "index.html")]
struct IndexPage {
    stories: Vec<StoryItem>,
    page: usize,
    prev_href: Option<String>,
    next_href: Option<String>,
}

pub(crate) fn index_page(rows: &[StoryRow], page: usize, has_next: bool) -> Response {
    let stories = rows
        .iter()
        .map(|r| StoryItem {
            href: format!("/story/{}", path_segment(r.id.as_str())),
            title: r.title.clone(),
            article_count: r.article_count,
            source_count: r.source_count,
            languages: if r.languages.is_empty() {
                "unknown".to_string()
            } else {
                r.languages.join(", ")
            },
            last_updated: show_time(&r.last_updated),
        })
        .collect();
    let prev_href = match page {
        0 | 1 => None,
        2 => Some("/".to_string()),
        p => Some(format!("/?page={}", p - 1)),
    };
    let next_href = has_next.then(|| format!("/?page={}", page + 1));
    render(
        StatusCode::OK,
        &IndexPage {
            stories,
            page,
            prev_href,
            next_href,
        },
    )
}

// ---------------------------------------------------------------------------------------------
// Story page
// ---------------------------------------------------------------------------------------------

pub(crate) struct CiteItem {
    number: usize,
    /// `#a-N` when the cited article is listed on the page.
    anchor: Option<String>,
    title: String,
}

/// A machine translation shown under its original.
pub(crate) struct TranslationItem {
    text: String,
    /// The `lang` attribute, when the language is a well-formed code.
    lang: Option<String>,
    /// "machine translation (backend)".
    label: String,
}

fn translation_item(t: &Option<crate::TranslationView>) -> Option<TranslationItem> {
    t.as_ref().map(|t| TranslationItem {
        text: t.text.clone(),
        lang: lang_attr(Some(&t.language)),
        label: t.label.clone(),
    })
}

/// A language code fit for a `lang` attribute (escaped anyway).
fn lang_attr(language: Option<&str>) -> Option<String> {
    language
        .map(str::trim)
        .filter(|l| parallax_core::is_language_code(l))
        .map(str::to_string)
}

/// The language label of a text in another language than the reader's: `None` for the reader's
/// language and for an unknown one.
fn foreign_label(language: Option<&str>, reader: &str) -> Option<String> {
    crate::translations::is_foreign(language, reader)
        .then(|| language.unwrap_or_default().trim().to_string())
}

pub(crate) struct BulletItem {
    text: String,
    cites: Vec<CiteItem>,
    /// The `lang` attribute of the original.
    lang: Option<String>,
    /// The original's language, shown when it is not the reader's.
    language_label: Option<String>,
    translation: Option<TranslationItem>,
}

pub(crate) struct ArticleItem {
    anchor: String,
    title: String,
    link: Option<String>,
    /// A URL that is not made a link (another scheme), shown as text.
    plain_url: Option<String>,
    source_name: String,
    language: String,
    /// The `lang` attribute of the title.
    lang: Option<String>,
    /// The title's language, shown next to it when it is not the reader's.
    language_label: Option<String>,
    title_translation: Option<TranslationItem>,
    country: String,
    date: String,
    byline: Option<String>,
    warnings: Vec<String>,
}

#[derive(Template)]
#[template(path = "story.html")]
struct StoryPage {
    title: String,
    title_translation: Option<TranslationItem>,
    bullets: Vec<BulletItem>,
    articles: Vec<ArticleItem>,
    article_count: usize,
    source_count: usize,
    unknown_source_articles: usize,
    countries: Vec<TallyItem>,
    languages: Vec<TallyItem>,
    bias: Vec<TallyItem>,
    ownership: Vec<TallyItem>,
    first_published: String,
    last_published: String,
    undated_articles: usize,
    first_seen: String,
    last_updated: String,
}

fn article_item(number: usize, a: &ArticleRow, reader: &str) -> ArticleItem {
    let link = a.url.as_deref().and_then(safe_link);
    let plain_url = match (&link, &a.url) {
        (None, Some(u)) if !u.trim().is_empty() => Some(u.trim().to_string()),
        _ => None,
    };
    ArticleItem {
        anchor: format!("a-{number}"),
        title: if a.title.trim().is_empty() {
            "(untitled)".to_string()
        } else {
            a.title.clone()
        },
        link,
        plain_url,
        source_name: a.source_name.clone(),
        language: a.language.clone().unwrap_or_else(|| "unknown".to_string()),
        lang: lang_attr(a.language.as_deref()),
        language_label: foreign_label(a.language.as_deref(), reader),
        title_translation: translation_item(&a.title_translation),
        country: a.country.clone().unwrap_or_else(|| "unknown".to_string()),
        date: show_published(&a.published),
        byline: a.byline.clone().filter(|b| !b.trim().is_empty()),
        warnings: a.warnings.clone(),
    }
}

pub(crate) fn story_page(view: &StoryView) -> Response {
    let articles: Vec<ArticleItem> = view
        .articles
        .iter()
        .enumerate()
        .map(|(i, a)| article_item(i + 1, a, &view.language))
        .collect();
    let numbers: HashMap<&str, usize> = view
        .articles
        .iter()
        .enumerate()
        .map(|(i, a)| (a.id.as_str(), i + 1))
        .collect();
    let bullets = view
        .summary
        .iter()
        .map(|b| BulletItem {
            text: b.text.clone(),
            lang: lang_attr(b.language.as_deref()),
            language_label: foreign_label(b.language.as_deref(), &view.language),
            translation: translation_item(&b.translation),
            cites: b
                .citations
                .iter()
                .map(|id| match numbers.get(id.as_str()) {
                    Some(&n) => CiteItem {
                        number: n,
                        anchor: Some(format!("#a-{n}")),
                        title: articles[n - 1].title.clone(),
                    },
                    None => CiteItem {
                        number: 0,
                        anchor: None,
                        title: format!("article {id} (no longer in this story)"),
                    },
                })
                .collect(),
        })
        .collect();
    let c = &view.coverage;
    let page = StoryPage {
        title: view.title.clone(),
        title_translation: translation_item(&view.title_translation),
        bullets,
        article_count: view.articles.len().max(c.articles),
        source_count: c.sources,
        unknown_source_articles: c.unknown_source_articles,
        countries: tally_items(&c.countries),
        languages: tally_items(&c.languages),
        bias: tally_items(&c.bias),
        ownership: tally_items(&c.ownership),
        first_published: c
            .first_published
            .as_ref()
            .map(show_time)
            .unwrap_or_else(|| "undated".to_string()),
        last_published: c
            .last_published
            .as_ref()
            .map(show_time)
            .unwrap_or_else(|| "undated".to_string()),
        undated_articles: c.undated_articles,
        first_seen: show_time(&view.first_seen),
        last_updated: show_time(&view.last_updated),
        articles,
    };
    render(StatusCode::OK, &page)
}

// ---------------------------------------------------------------------------------------------
// Sources
// ---------------------------------------------------------------------------------------------

pub(crate) struct SourceItem {
    name: String,
    country: String,
    languages: String,
    status: &'static str,
    /// CSS class of the status (no spaces).
    status_class: &'static str,
    feeds: usize,
    feeds_failing: usize,
    last_success: String,
    last_error: Option<String>,
    warnings: Vec<String>,
    articles_per_day: String,
    next_poll: String,
}

#[derive(Template)]
#[template(path = "sources.html")]
struct SourcesPage {
    summary: String,
    sources: Vec<SourceItem>,
}

fn status_class(status: &str) -> &'static str {
    match status {
        crate::STATUS_FAILING => "status-failing",
        crate::STATUS_DEGRADED => "status-degraded",
        crate::STATUS_NEVER_POLLED => "status-never",
        _ => "status-ok",
    }
}

pub(crate) fn sources_page(rows: &[SourceHealth]) -> Response {
    let sources = rows
        .iter()
        .map(|h| SourceItem {
            name: if h.name.trim().is_empty() {
                h.id.to_string()
            } else {
                h.name.clone()
            },
            country: h.country.clone().unwrap_or_else(|| "unknown".to_string()),
            languages: if h.languages.is_empty() {
                "unknown".to_string()
            } else {
                h.languages.join(", ")
            },
            status: h.status,
            status_class: status_class(h.status),
            feeds: h.feeds,
            feeds_failing: h.feeds_failing,
            last_success: h
                .last_success
                .as_ref()
                .map(show_time)
                .unwrap_or_else(|| "never".to_string()),
            last_error: h.last_error.clone(),
            warnings: h.warnings.clone(),
            articles_per_day: if h.articles_per_day.is_finite() {
                format!("{:.1}", h.articles_per_day)
            } else {
                "–".to_string()
            },
            next_poll: h
                .next_poll
                .as_ref()
                .map(show_time)
                .unwrap_or_else(|| "–".to_string()),
        })
        .collect();
    render(
        StatusCode::OK,
        &SourcesPage {
            summary: crate::source_health_summary(rows),
            sources,
        },
    )
}

// ---------------------------------------------------------------------------------------------
// Problems, errors
// ---------------------------------------------------------------------------------------------

pub(crate) struct ProblemItem {
    time: String,
    origin: String,
    message: String,
}

#[derive(Template)]
#[template(path = "problems.html")]
struct ProblemsPage {
    problems: Vec<ProblemItem>,
}

pub(crate) fn problems_page(rows: &[ProblemRow]) -> Response {
    let problems = rows
        .iter()
        .map(|p| ProblemItem {
            time: show_time(&p.time),
            origin: p.origin.clone(),
            message: p.message.clone(),
        })
        .collect();
    render(StatusCode::OK, &ProblemsPage { problems })
}

#[derive(Template)]
#[template(path = "status.html")]
struct StatusPage<'a> {
    view: &'a StatusView,
    vectors: String,
}

pub(crate) fn status_page(view: &StatusView) -> Response {
    let vectors = if view.vectors.is_empty() {
        "none".to_string()
    } else {
        view.vectors
            .iter()
            .map(|(model, n)| format!("{n} ({model})"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    render(StatusCode::OK, &StatusPage { view, vectors })
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    status: u16,
    heading: &'a str,
    message: &'a str,
}

pub(crate) fn error_page(status: StatusCode, heading: &str, message: &str) -> Response {
    render(
        status,
        &ErrorPage {
            status: status.as_u16(),
            heading,
            message,
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_http_links() {
        assert_eq!(
            safe_link("https://example.com/a"),
            Some("https://example.com/a".into())
        );
        assert_eq!(
            safe_link(" HTTP://example.com "),
            Some("HTTP://example.com".into())
        );
        assert_eq!(safe_link("javascript:alert(1)"), None);
        assert_eq!(safe_link("JaVaScRiPt:alert(1)"), None);
        assert_eq!(safe_link("data:text/html,<script>"), None);
        assert_eq!(safe_link("https://exa mple.com"), None);
        assert_eq!(safe_link("https://"), None);
        assert_eq!(safe_link("/relative"), None);
    }

    #[test]
    fn path_segments_are_encoded() {
        assert_eq!(path_segment("sto-0123abcd"), "sto-0123abcd");
        assert_eq!(path_segment("a/b\"<"), "a%2Fb%22%3C");
    }
}
