//! Atom feeds, for feed readers: the blindspot lists (`/blindspots/country.atom?country=CC` and
//! `/blindspots/one-sided.atom`), the top stories (`/feeds/top.atom`), a country's top stories
//! (`/country/{cc}/feed.atom`) and a search (`/search.atom?q=...`, with the filters of `/search`).
//! Every text from articles is escaped, and characters XML 1.0 does not allow are dropped; links
//! are relative to the feed's own address.

use crate::escape::escape_html;
use crate::{AppState, blocking, json_error, json_failure};
use axum::{
    extract::{Path, Query, State},
    http::{HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};
use chrono::{DateTime, Utc};
use parallax_core::SearchQuery;
use parallax_views::{
    BlindspotsView, CountryView, FrontQuery, SEARCH_PAGE_SIZE, SearchView, StoryCard, front_view,
    search_view,
};
use std::collections::HashMap;

/// Text fit for an XML element or attribute: escaped, without the control characters XML 1.0
/// forbids.
fn xml(s: &str) -> String {
    let clean: String = s
        .chars()
        .filter(|c| !c.is_control() || matches!(c, '\t' | '\n' | '\r'))
        .filter(|c| !matches!(c, '\u{FFFE}' | '\u{FFFF}'))
        .collect();
    escape_html(&clean)
}

pub(crate) struct Entry {
    pub(crate) id: String,
    pub(crate) title: String,
    pub(crate) href: String,
    pub(crate) summary: String,
    pub(crate) updated: DateTime<Utc>,
}

pub(crate) fn feed(id: &str, title: &str, self_href: &str, entries: &[Entry]) -> String {
    let updated = entries
        .iter()
        .map(|e| e.updated)
        .max()
        .unwrap_or(DateTime::UNIX_EPOCH);
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    out.push_str("<feed xmlns=\"http://www.w3.org/2005/Atom\">\n");
    out.push_str(&format!("  <id>{}</id>\n", xml(id)));
    out.push_str(&format!("  <title>{}</title>\n", xml(title)));
    out.push_str(&format!("  <updated>{}</updated>\n", updated.to_rfc3339()));
    out.push_str(&format!(
        "  <link rel=\"self\" href=\"{}\"/>\n",
        xml(self_href)
    ));
    out.push_str("  <author><name>Parallax</name></author>\n");
    for e in entries {
        out.push_str("  <entry>\n");
        out.push_str(&format!("    <id>{}</id>\n", xml(&e.id)));
        out.push_str(&format!("    <title>{}</title>\n", xml(&e.title)));
        out.push_str(&format!(
            "    <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n",
            xml(&e.href)
        ));
        out.push_str(&format!(
            "    <updated>{}</updated>\n",
            e.updated.to_rfc3339()
        ));
        out.push_str(&format!(
            "    <summary type=\"text\">{}</summary>\n",
            xml(&e.summary)
        ));
        out.push_str("  </entry>\n");
    }
    out.push_str("</feed>\n");
    out
}

/// The country blindspot feed of `view`.
pub fn country_feed(view: &BlindspotsView) -> String {
    let entries: Vec<Entry> = view
        .country_blindspots
        .iter()
        .map(|b| Entry {
            id: format!("urn:parallax:blindspot:{}:{}", view.country, b.story),
            title: b.title.clone(),
            href: format!("../story/{}", crate::pages::path_segment(b.story.as_str())),
            summary: format!(
                "Covered by {} outlets in {} other countries and {} in {}.",
                b.abroad_sources, b.abroad_countries, b.home_sources, view.country
            ),
            updated: b.last_updated,
        })
        .collect();
    feed(
        &format!("urn:parallax:blindspots:{}", view.country),
        &format!(
            "Parallax: covered abroad, little or not at all in {}",
            view.country
        ),
        &format!("country.atom?country={}", view.country),
        &entries,
    )
}

/// The one-sided stories feed of `view`.
pub fn one_sided_feed(view: &BlindspotsView) -> String {
    use parallax_intel::blindspots::Side;
    let entries: Vec<Entry> = view
        .one_sided
        .iter()
        .map(|b| {
            let (by, missing) = match b.covered_by {
                Side::Left => ("left", "right"),
                Side::Right => ("right", "left"),
            };
            Entry {
                id: format!("urn:parallax:one-sided:{}", b.story),
                title: b.title.clone(),
                href: format!("../story/{}", crate::pages::path_segment(b.story.as_str())),
                summary: format!(
                    "Covered mostly by the {by} ({:.0}% of rated left and right outlets), missed by the {missing}: left {}, center {}, right {}, unrated {}.",
                    b.share * 100.0,
                    b.left,
                    b.center,
                    b.right,
                    b.unrated
                ),
                updated: b.last_updated,
            }
        })
        .collect();
    feed(
        "urn:parallax:one-sided",
        "Parallax: stories covered mostly by one side",
        "one-sided.atom",
        &entries,
    )
}

/// The story `id`'s page, from a feed `depth` directories below the site's root.
pub(crate) fn story_href(depth: usize, id: &str) -> String {
    format!(
        "{}story/{}",
        "../".repeat(depth),
        crate::pages::path_segment(id)
    )
}

/// The top stories feed (`/feeds/top.atom`): the first page of the front page's top stories, in
/// its order, each with its first summary bullet.
pub fn top_feed(cards: &[StoryCard]) -> String {
    let entries: Vec<Entry> = cards
        .iter()
        .map(|c| Entry {
            id: format!("urn:parallax:story:{}", c.id),
            title: c.title.clone(),
            href: story_href(1, c.id.as_str()),
            summary: c.lead.as_ref().map(|l| l.text.clone()).unwrap_or_default(),
            updated: c.last_updated,
        })
        .collect();
    feed(
        "urn:parallax:top",
        "Parallax: top stories",
        "top.atom",
        &entries,
    )
}

/// The feed of a country's top stories (`/country/{cc}/feed.atom`), in the country page's order.
pub fn country_top_feed(view: &CountryView) -> String {
    let entries: Vec<Entry> = view
        .top_stories
        .iter()
        .map(|s| Entry {
            id: format!("urn:parallax:story:{}", s.story),
            title: s.title.clone(),
            href: story_href(2, s.story.as_str()),
            summary: format!(
                "Covered by {} outlets of {} ({} articles) and {} outlets in {} other countries.",
                s.home_outlets, view.code, s.home_articles, s.other_outlets, s.other_countries
            ),
            updated: s.last_updated,
        })
        .collect();
    feed(
        &format!("urn:parallax:country:{}", view.code),
        &format!("Parallax: top stories of {}", view.name),
        "feed.atom",
        &entries,
    )
}

/// The feed of a search (`/search.atom?QUERY`): the stories found, newest first, each with its
/// best matching article's passage. `query_string` is the search's own (encoded) query string.
pub fn search_feed(view: &SearchView, query_string: &str) -> String {
    let mut stories: Vec<_> = view.stories.iter().collect();
    stories.sort_by_key(|s| std::cmp::Reverse(s.last_updated));
    let entries: Vec<Entry> = stories
        .into_iter()
        .map(|s| {
            let passage: String = s
                .articles
                .first()
                .map(|a| a.snippet.parts.iter().map(|p| p.text.as_str()).collect())
                .unwrap_or_default();
            let matching = format!(
                "{} matching article{}.",
                s.matching,
                if s.matching == 1 { "" } else { "s" }
            );
            Entry {
                id: format!("urn:parallax:story:{}", s.id),
                title: s.title.clone(),
                href: story_href(0, s.id.as_str()),
                summary: if passage.is_empty() {
                    matching
                } else {
                    format!("{passage} ({matching})")
                },
                updated: s.last_updated,
            }
        })
        .collect();
    feed(
        &format!("urn:parallax:search:{query_string}"),
        &format!("Parallax: search for {}", view.query),
        &format!("search.atom?{query_string}"),
        &entries,
    )
}

/// An Atom response.
pub(crate) fn atom(body: String) -> Response {
    (
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/atom+xml; charset=utf-8"),
        )],
        body,
    )
        .into_response()
}

/// `GET /feeds/top.atom`: the front page's first page of stories.
pub(crate) async fn top_atom(State(state): State<AppState>) -> Response {
    match blocking(&state, |s| front_view(s, &FrontQuery::default())).await {
        Ok(view) => atom(top_feed(&view.cards)),
        Err(f) => json_failure(f),
    }
}

/// `GET /country/{cc}/feed.atom`: 404 for a country the map does not have.
pub(crate) async fn country_atom(
    State(state): State<AppState>,
    Path(code): Path<String>,
) -> Response {
    match blocking(&state, move |s| parallax_views::country_view(s, &code)).await {
        Ok(Some(view)) => atom(country_top_feed(&view)),
        Ok(None) => json_error(StatusCode::NOT_FOUND, "no such country"),
        Err(f) => json_failure(f),
    }
}

/// The search a feed request asks for, read as `/search` reads it: `q`, `country`, `lang`,
/// `source`, `since`, `until`, `limit` (at most [`SEARCH_PAGE_SIZE`]) and `offset`; empty
/// parameters are no filter. With it, the query string that asks for it again.
fn search_feed_query(params: &HashMap<String, String>) -> Result<(SearchQuery, String), String> {
    let query = crate::search::search_query(params, SEARCH_PAGE_SIZE)?;
    if query.text.trim().is_empty() {
        return Err("`q` (the words to search) is required".into());
    }
    let get = |k: &str| params.get(k).map(|v| v.trim()).filter(|v| !v.is_empty());
    let mut again = String::new();
    for k in [
        "q", "country", "lang", "source", "since", "until", "limit", "offset",
    ] {
        if let Some(v) = get(k) {
            if !again.is_empty() {
                again.push('&');
            }
            again.push_str(&format!("{k}={}", crate::search::form_encode(v)));
        }
    }
    Ok((query, again))
}

/// `GET /search.atom?q=...`: 400 without words to search or with a bad filter.
pub(crate) async fn search_atom(
    State(state): State<AppState>,
    Query(params): Query<HashMap<String, String>>,
) -> Response {
    let (query, again) = match search_feed_query(&params) {
        Ok(q) => q,
        Err(e) => return json_error(StatusCode::BAD_REQUEST, &e),
    };
    match blocking(&state, move |s| search_view(s, &query)).await {
        Ok(view) => atom(search_feed(&view, &again)),
        Err(f) => json_failure(f),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_are_escaped_and_link_to_their_stories() {
        use parallax_intel::blindspots::{CountryBlindspot, Side, SideBlindspot};
        let at = DateTime::parse_from_rfc3339("2025-07-04T10:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        let view = BlindspotsView {
            country: "US".into(),
            country_blindspots: vec![CountryBlindspot {
                story: parallax_core::StoryId::from("sto-1"),
                title: "Flood <script>alert(1)</script> & more\u{0}".into(),
                country: "US".into(),
                home_sources: 0,
                abroad_sources: 6,
                abroad_countries: 4,
                home_share: 0.0,
                last_updated: at,
            }],
            one_sided: vec![SideBlindspot {
                story: parallax_core::StoryId::from("sto-2"),
                title: "Budget <b>vote</b>".into(),
                covered_by: Side::Right,
                left: 0,
                center: 1,
                right: 5,
                unrated: 2,
                share: 1.0,
                last_updated: at,
            }],
            stories_considered: 2,
            stale_digests: 0,
            rated_sources: 6,
        };
        let atom = country_feed(&view);
        assert!(
            atom.contains("<title>Flood &lt;script&gt;alert(1)&lt;/script&gt; &amp; more</title>"),
            "{atom}"
        );
        assert!(atom.contains("href=\"../story/sto-1\""), "{atom}");
        assert!(
            atom.contains("<updated>2025-07-04T10:00:00+00:00</updated>"),
            "{atom}"
        );
        assert!(!atom.contains('\u{0}'));
        let atom = one_sided_feed(&view);
        assert!(
            atom.contains("<title>Budget &lt;b&gt;vote&lt;/b&gt;</title>"),
            "{atom}"
        );
        assert!(atom.contains("missed by the left"), "{atom}");
    }

    #[test]
    fn xml_text_is_escaped_and_clean() {
        assert_eq!(
            xml("a <b> & \"c\"\u{0}\u{1b}"),
            "a &lt;b&gt; &amp; &quot;c&quot;"
        );
        assert_eq!(xml("line\nnext"), "line\nnext");
    }
}
