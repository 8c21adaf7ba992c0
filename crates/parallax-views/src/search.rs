//! Search ([`search_view`]), shared by `/search`, `/api/search` and `parallax search`. Results
//! come grouped by story from [`ArticleStore::search_stories`]; the matched words arrive as marked
//! plain-text fragments ([`Highlighted`]), which renderers escape fragment by fragment.

use chrono::{DateTime, Days, NaiveDate, Utc};
use parallax_core::{ArticleId, Highlighted, SearchQuery, SourceId, Store, StoryId};
use serde::Serialize;
use std::collections::HashMap;

/// Stories per page of `/search`, and the default `limit` of `/api/search`.
pub const SEARCH_PAGE_SIZE: usize = 20;
/// The largest `limit` of `/api/search`.
pub const SEARCH_MAX_LIMIT: usize = 100;

/// One page of search results, grouped by story.
#[derive(Clone, Debug, PartialEq, Serialize, utoipa::ToSchema)]
pub struct SearchView {
    /// The words searched for.
    pub query: String,
    /// Stories found among the matching articles read (a lower bound when `more`).
    pub total: usize,
    /// More articles match than were read: only the most recently stored matches are ranked.
    pub more: bool,
    /// Stories skipped before this page.
    pub offset: usize,
    /// Stories per page.
    pub limit: usize,
    /// The stories of the page, best match first.
    pub stories: Vec<SearchStory>,
}

/// A story with its matching articles.
#[derive(Clone, Debug, PartialEq, Serialize, utoipa::ToSchema)]
pub struct SearchStory {
    /// Story id.
    pub id: StoryId,
    /// Headline.
    pub title: String,
    /// When the story last changed.
    pub last_updated: DateTime<Utc>,
    /// How many of its articles match.
    pub matching: usize,
    /// The best matching articles.
    pub articles: Vec<SearchArticle>,
}

/// A matching article.
#[derive(Clone, Debug, PartialEq, Serialize, utoipa::ToSchema)]
pub struct SearchArticle {
    /// Article id.
    pub id: ArticleId,
    /// Its title: plain-text fragments, the matches marked.
    pub title: Highlighted,
    /// Its outlet.
    pub source: SourceId,
    /// The outlet's name ([`crate::UNKNOWN_SOURCE_NAME`] when it is not stored).
    pub source_name: String,
    /// The outlet's country, when known.
    pub country: Option<String>,
    /// Its language, when known.
    pub language: Option<String>,
    /// When it was published, when known.
    pub published: Option<DateTime<Utc>>,
    /// A passage around the first match: plain-text fragments, the matches marked.
    pub snippet: Highlighted,
}

/// Searches the store: the stories of `query`'s page, each article with its outlet's name and
/// country.
pub fn search_view(store: &dyn Store, query: &SearchQuery) -> parallax_core::Result<SearchView> {
    let results = store.search_stories(query)?;
    let mut outlets: HashMap<SourceId, (String, Option<String>)> = HashMap::new();
    let mut stories = Vec::with_capacity(results.stories.len());
    for s in results.stories {
        let mut articles = Vec::with_capacity(s.articles.len());
        for a in s.articles {
            if !outlets.contains_key(&a.source) {
                let outlet = store.source(&a.source)?.map_or_else(
                    || (crate::UNKNOWN_SOURCE_NAME.to_string(), None),
                    |src| (src.name, src.country),
                );
                outlets.insert(a.source.clone(), outlet);
            }
            let (source_name, country) = outlets[&a.source].clone();
            articles.push(SearchArticle {
                id: a.id,
                title: a.title,
                source: a.source,
                source_name,
                country,
                language: a.language,
                published: a.published,
                snippet: a.snippet,
            });
        }
        stories.push(SearchStory {
            id: s.id,
            title: s.title,
            last_updated: s.last_updated,
            matching: s.matching,
            articles,
        });
    }
    Ok(SearchView {
        query: query.text.clone(),
        total: results.total,
        more: results.more,
        offset: query.offset,
        limit: query.limit,
        stories,
    })
}

/// A date of a search filter: `YYYY-MM-DD` (midnight UTC starting that day, or with `until`
/// the midnight ending it, so that the day is included) or an RFC 3339 time.
pub fn search_date(text: &str, until: bool) -> Result<DateTime<Utc>, String> {
    let t = text.trim();
    if let Ok(day) = NaiveDate::parse_from_str(t, "%Y-%m-%d") {
        let day = if until {
            day.checked_add_days(Days::new(1)).unwrap_or(day)
        } else {
            day
        };
        return Ok(day.and_time(chrono::NaiveTime::MIN).and_utc());
    }
    DateTime::parse_from_rfc3339(t)
        .map(|d| d.with_timezone(&Utc))
        .map_err(|_| format!("\"{t}\" is not a date (YYYY-MM-DD)"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_include_the_until_day() {
        assert_eq!(
            search_date("2025-07-03", false).unwrap().to_rfc3339(),
            "2025-07-03T00:00:00+00:00"
        );
        assert_eq!(
            search_date("2025-07-03", true).unwrap().to_rfc3339(),
            "2025-07-04T00:00:00+00:00"
        );
        assert!(search_date("July", false).is_err());
    }
}
