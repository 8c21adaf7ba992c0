//! The front page: stories ranked by breadth and recency ("top"), by coverage velocity
//! ("rising") or by last change ("latest"), as cards, with filters by country and language and
//! pagination that stays stable while news arrives.
//!
//! Ranking is an editorial rule, not a fitted model (there is no labelled front page to fit it on):
//! - breadth `B = ln(1 + independent reports) + ln(1 + countries) + ½·ln(1 + outlets)`, where a
//!   story's independent reports come from its digest when current (its outlets otherwise), and
//!   countries are the known home countries of its outlets;
//! - top: `B − ln 2 · age / TOP_HALF_LIFE_HOURS`, age being the time since its latest dated
//!   article (since its last change when none is dated): a story's weight halves every
//!   [`TOP_HALF_LIFE_HOURS`] of silence;
//! - rising: articles per hour since its first report, for stories first reported within
//!   [`RISING_WINDOW_HOURS`]; older stories do not rise.
//!
//! Sections: a story is in a category ([`parallax_core::CATEGORIES`]) when any of its articles
//! was filed by its outlet under a section naming it (the page's `article:section` or JSON-LD
//! `articleSection`, else the feed entry's category; [`parallax_core::section_category`]); its
//! card shows the category most of its articles were filed under. `?section=KEY` keeps the
//! stories of one category; the page lists every category with its stories and their top three.
//! Topics: the people, places and organisations named by the most recent stories
//! ([`crate::topic_rows`]), each leading to its topic page. Nothing is guessed: a story whose
//! outlets named no section is in no category.
//!
//! Pagination is stable: every page is computed as of one instant (`at`, carried by the page
//! links), and stories first seen after it are left out, so that paging on never repeats or
//! skips a story because another one arrived.

use crate::EntityRow;
use crate::shared::Shared;
use chrono::{DateTime, Duration, SubsecRound, Utc};
use parallax_core::{CATEGORIES, ListedStory, Store, StoryId, Tally};
use parallax_intel::blindspots::{
    BiasCount, BlindspotConfig, Side, StoryCoverage, side_blindspots,
};
use serde::Serialize;
use std::sync::Arc;

/// The most recently updated stories the front page ranks.
pub const FRONT_CANDIDATES: usize = 600;
/// Cards per page.
pub const FRONT_PAGE_SIZE: usize = 30;
/// Top stories: a story's weight halves every this many hours without a new report.
pub const TOP_HALF_LIFE_HOURS: f64 = 18.0;
/// Rising stories: only those first reported within this many hours.
pub const RISING_WINDOW_HOURS: i64 = 48;
/// Topics the front page lists.
pub const FRONT_TOPICS: usize = 12;
/// Stories each section of the front page shows.
pub const SECTION_TOP_STORIES: usize = 3;

/// How the front page orders its stories.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum FrontOrder {
    /// Breadth and recency.
    #[default]
    Top,
    /// Coverage velocity.
    Rising,
    /// Last change first.
    Latest,
}

impl FrontOrder {
    /// The order named `name` ("top", "rising", "latest").
    pub fn parse(name: &str) -> Option<Self> {
        match name.trim() {
            "top" => Some(Self::Top),
            "rising" => Some(Self::Rising),
            "latest" => Some(Self::Latest),
            _ => None,
        }
    }

    /// Its name in addresses.
    pub fn name(self) -> &'static str {
        match self {
            Self::Top => "top",
            Self::Rising => "rising",
            Self::Latest => "latest",
        }
    }
}

/// What the front page is asked for.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FrontQuery {
    /// The order.
    pub order: FrontOrder,
    /// Only stories covered by outlets of this country (ISO 3166-1 alpha-2, upper case): a
    /// country known as an outlet's home, never one only inferred from coverage.
    pub country: Option<String>,
    /// Only stories with articles in this language (ISO 639-1, lower case).
    pub language: Option<String>,
    /// Only stories with articles filed under this category (a key of
    /// [`parallax_core::CATEGORIES`]).
    pub section: Option<String>,
    /// The page, from 1.
    pub page: usize,
    /// The instant the ranking is computed at; `None`: now.
    pub at: Option<DateTime<Utc>>,
}

/// A summary sentence on a card: the story's first bullet with its number of citations.
#[derive(Clone, Debug, PartialEq, Serialize, utoipa::ToSchema)]
pub struct CardLead {
    /// The sentence, as a source wrote it.
    pub text: String,
    /// Articles it cites.
    pub citations: usize,
}

/// One part of a card's coverage bar.
#[derive(Clone, Debug, PartialEq, Serialize, utoipa::ToSchema)]
pub struct BarSegment {
    /// "left", "center", ..., "unrated"; or a region, or "unknown".
    pub label: String,
    /// Outlets (bias bar) or articles (regions bar).
    pub count: usize,
    /// Share of the bar, 0 to 1.
    pub share: f64,
}

/// A card's coverage bar: the bias distribution of its outlets where any is rated, its regions
/// otherwise; unrated and unknown are parts of the bar, never left out.
#[derive(Clone, Debug, PartialEq, Serialize, utoipa::ToSchema)]
pub struct CoverageBar {
    /// "bias" (outlets by rating) or "regions" (articles by their outlet's region).
    pub kind: &'static str,
    /// The parts, in a fixed order (left to right, then unrated; regions by size, unknown last).
    pub segments: Vec<BarSegment>,
}

/// A story as the front page shows it.
#[derive(Clone, Debug, PartialEq, Serialize, utoipa::ToSchema)]
pub struct StoryCard {
    /// Story id.
    pub id: StoryId,
    /// Headline.
    pub title: String,
    /// Its first cited summary sentence, if it has a summary.
    pub lead: Option<CardLead>,
    /// Articles.
    pub articles: usize,
    /// Independent reports, when its digest is current.
    pub independent_reports: Option<usize>,
    /// Distinct known outlets.
    pub outlets: usize,
    /// Known home countries of its outlets.
    pub countries: usize,
    /// Languages of its articles, most frequent first ("unknown" included).
    pub languages: Vec<String>,
    /// Its earliest dated report.
    pub first_reported: Option<DateTime<Utc>>,
    /// When it last changed.
    pub last_updated: DateTime<Utc>,
    /// The coverage bar.
    pub bar: CoverageBar,
    /// "left" or "right" when the rated outlets covering it are mostly of one side (the
    /// blindspot rule of `/blindspots`); `None` otherwise or without ratings.
    pub one_sided: Option<&'static str>,
    /// Its rank score in the page's order (higher first).
    pub score: f64,
    /// The category most of its articles were filed under (a key of
    /// [`parallax_core::CATEGORIES`]); `None` when its outlets named no known section.
    pub section: Option<String>,
}

/// A story as a front-page section lists it.
#[derive(Clone, Debug, PartialEq, Serialize, utoipa::ToSchema)]
pub struct SectionStory {
    /// Story id.
    pub id: StoryId,
    /// Headline.
    pub title: String,
}

/// A category of the front page with its stories.
#[derive(Clone, Debug, PartialEq, Serialize, utoipa::ToSchema)]
pub struct FrontSection {
    /// The category's key (`?section=KEY`).
    pub key: String,
    /// Its label.
    pub label: String,
    /// Stories in it (under the page's country and language filters).
    pub stories: usize,
    /// Its first [`SECTION_TOP_STORIES`] stories in the page's order.
    pub top: Vec<SectionStory>,
}

/// A topic of the front page: an entity named by many recent stories.
#[derive(Clone, Debug, PartialEq, Serialize, utoipa::ToSchema)]
pub struct FrontTopic {
    /// Its key (the topic page is `/topic/KEY`).
    pub key: String,
    /// Its most used name.
    pub name: String,
    /// Recent stories naming it.
    pub stories: usize,
}

/// The front page.
#[derive(Clone, Debug, PartialEq, Serialize, utoipa::ToSchema)]
pub struct FrontView {
    /// The order.
    pub order: FrontOrder,
    /// The country filter.
    pub country: Option<String>,
    /// The language filter.
    pub language: Option<String>,
    /// The category filter.
    pub section: Option<String>,
    /// The instant the ranking was computed at (whole seconds): later pages use it.
    pub at: DateTime<Utc>,
    /// The page, from 1.
    pub page: usize,
    /// Whether a next page exists.
    pub has_next: bool,
    /// The stories ranked (after filters).
    pub ranked: usize,
    /// The cards of this page.
    pub cards: Vec<StoryCard>,
    /// The categories with stories (under the country and language filters, whatever the
    /// category filter), in [`parallax_core::CATEGORIES`] order.
    pub sections: Vec<FrontSection>,
    /// The entities the most recent stories name most.
    pub topics: Vec<FrontTopic>,
}

/// The front page as of now.
pub fn front_view(store: &dyn Store, query: &FrontQuery) -> parallax_core::Result<FrontView> {
    front_view_at(store, query, Utc::now())
}

/// [`front_view`] with `now` given (used when the query has no `at`).
pub fn front_view_at(
    store: &dyn Store,
    query: &FrontQuery,
    now: DateTime<Utc>,
) -> parallax_core::Result<FrontView> {
    let at = query.at.unwrap_or(now).trunc_subsecs(0);
    let c = candidates(store)?;
    let mut view = rank(&c.listed, query, at);
    view.topics = c.topics.clone();
    Ok(view)
}

/// What the front page ranks: the candidates and the topics.
struct Listed {
    listed: Vec<ListedStory>,
    topics: Vec<FrontTopic>,
}

static CANDIDATES: Shared<Listed> = Shared::new();

/// The [`FRONT_CANDIDATES`] most recently updated stories and the [`FRONT_TOPICS`] topics,
/// shared between requests ([`crate::shared`]).
fn candidates(store: &dyn Store) -> parallax_core::Result<Arc<Listed>> {
    CANDIDATES.get(store, |store| {
        Ok(Listed {
            listed: store.listed_stories(FRONT_CANDIDATES, 0)?,
            topics: crate::topic_rows(store, FRONT_TOPICS)?
                .into_iter()
                .map(|r: EntityRow| FrontTopic {
                    key: r.key,
                    name: r.name,
                    stories: r.stories,
                })
                .collect(),
        })
    })
}

/// Ranks, filters and pages the candidates as of `at`: the pure core of [`front_view_at`].
/// `topics` is left empty: [`front_view_at`] fills it.
fn rank(listed: &[ListedStory], query: &FrontQuery, at: DateTime<Utc>) -> FrontView {
    let mut scored: Vec<(f64, &ListedStory)> = listed
        .iter()
        .filter(|l| l.story.first_seen <= at)
        .filter(|l| {
            query
                .country
                .as_deref()
                .is_none_or(|c| covers_country(&l.story.coverage, c))
        })
        .filter(|l| {
            query.language.as_deref().is_none_or(|lang| {
                l.story
                    .coverage
                    .languages
                    .iter()
                    .any(|t| t.label == lang && t.count > 0)
            })
        })
        .filter_map(|l| Some((score(l, query.order, at)?, l)))
        .collect();
    scored.sort_by(|(sa, a), (sb, b)| {
        sb.total_cmp(sa)
            .then(b.story.last_updated.cmp(&a.story.last_updated))
            .then(a.story.id.cmp(&b.story.id))
    });
    let sections: Vec<FrontSection> = CATEGORIES
        .iter()
        .filter_map(|(key, label)| {
            let mut stories = scored.iter().filter(|(_, l)| in_section(l, key));
            let top: Vec<SectionStory> = stories
                .by_ref()
                .take(SECTION_TOP_STORIES)
                .map(|(_, l)| SectionStory {
                    id: l.story.id.clone(),
                    title: l.story.title.clone(),
                })
                .collect();
            let count = top.len() + stories.count();
            (count > 0).then(|| FrontSection {
                key: key.to_string(),
                label: label.to_string(),
                stories: count,
                top,
            })
        })
        .collect();
    if let Some(section) = query.section.as_deref() {
        scored.retain(|(_, l)| in_section(l, section));
    }
    let ranked = scored.len();
    let page = query.page.max(1);
    let start = (page - 1).saturating_mul(FRONT_PAGE_SIZE);
    let has_next = ranked > start.saturating_add(FRONT_PAGE_SIZE);
    let cards = scored
        .into_iter()
        .skip(start)
        .take(FRONT_PAGE_SIZE)
        .map(|(score, l)| card(l.clone(), score))
        .collect();
    FrontView {
        order: query.order,
        country: query.country.clone(),
        language: query.language.clone(),
        section: query.section.clone(),
        at,
        page,
        has_next,
        ranked,
        cards,
        sections,
        topics: Vec::new(),
    }
}

/// Whether any of the story's articles was filed under the category `key`.
fn in_section(l: &ListedStory, key: &str) -> bool {
    l.story
        .coverage
        .sections
        .iter()
        .any(|t| t.label == key && t.count > 0)
}

/// The category most of the story's articles were filed under (ties: the first in
/// [`CATEGORIES`]); `None` when none was filed under a known one.
fn main_section(c: &parallax_core::Coverage) -> Option<String> {
    CATEGORIES
        .iter()
        .filter_map(|(key, _)| {
            let n = c.sections.iter().find(|t| t.label == *key)?.count;
            (n > 0).then_some((key, n))
        })
        .fold(None::<(&&str, usize)>, |best, (k, n)| match best {
            Some((_, b)) if b >= n => best,
            _ => Some((k, n)),
        })
        .map(|(k, _)| k.to_string())
}

/// Whether outlets whose home is `country` cover the story (an inferred country does not count).
fn covers_country(c: &parallax_core::Coverage, country: &str) -> bool {
    let count = |tallies: &[Tally]| {
        tallies
            .iter()
            .find(|t| t.label == country)
            .map_or(0, |t| t.count)
    };
    count(&c.countries) > count(&c.inferred_countries)
}

/// Known home countries among the story's outlets' countries.
fn known_countries(c: &parallax_core::Coverage) -> usize {
    c.countries
        .iter()
        .filter(|t| t.label != "unknown")
        .filter(|t| {
            let inferred = c
                .inferred_countries
                .iter()
                .find(|i| i.label == t.label)
                .map_or(0, |i| i.count);
            t.count > inferred
        })
        .count()
}

/// The story's score in `order` as of `at`; `None` when it does not take part (a story too old
/// to rise).
fn score(l: &ListedStory, order: FrontOrder, at: DateTime<Utc>) -> Option<f64> {
    let s = &l.story;
    let hours = |d: Duration| d.num_seconds().max(0) as f64 / 3600.0;
    match order {
        FrontOrder::Latest => Some(s.last_updated.timestamp() as f64),
        FrontOrder::Top => {
            let outlets = s.coverage.sources as f64;
            let reports = l.independent_reports.map_or(outlets, |r| r as f64).max(1.0);
            let breadth = reports.ln_1p()
                + (known_countries(&s.coverage) as f64).ln_1p()
                + 0.5 * outlets.ln_1p();
            let latest = s
                .coverage
                .last_published
                .filter(|p| *p <= at)
                .unwrap_or(s.last_updated.min(at));
            Some(breadth - std::f64::consts::LN_2 * hours(at - latest) / TOP_HALF_LIFE_HOURS)
        }
        FrontOrder::Rising => {
            let first = s.coverage.first_published.filter(|p| *p <= at)?;
            if at - first > Duration::hours(RISING_WINDOW_HOURS) {
                return None;
            }
            let articles = s.articles.len().max(s.coverage.articles) as f64;
            Some(articles / hours(at - first).max(1.0))
        }
    }
}

/// Bias ratings from left to right; labels no scale knows come after them, unrated last.
const BIAS_ORDER: [&str; 6] = [
    "left",
    "lean left",
    "center",
    "mixed",
    "lean right",
    "right",
];

/// Where a bias label goes in a bar, left to right (any case, `-` or `_` for spaces): the known
/// ratings in [`BIAS_ORDER`], then other labels, "unrated" last.
pub fn bias_rank(label: &str) -> usize {
    let l = label.trim().to_ascii_lowercase().replace(['_', '-'], " ");
    if l == "unrated" {
        return BIAS_ORDER.len() + 1;
    }
    BIAS_ORDER
        .iter()
        .position(|b| *b == l)
        .unwrap_or(BIAS_ORDER.len())
}

/// The card of a story with its score.
pub(crate) fn card(l: ListedStory, score: f64) -> StoryCard {
    let s = l.story;
    let c = &s.coverage;
    let rated = c.bias.iter().any(|t| t.label != "unrated" && t.count > 0);
    let bar = if rated {
        let mut parts: Vec<&Tally> = c.bias.iter().filter(|t| t.count > 0).collect();
        parts.sort_by(|a, b| {
            bias_rank(&a.label)
                .cmp(&bias_rank(&b.label))
                .then(a.label.cmp(&b.label))
        });
        segments(
            "bias",
            parts.into_iter().map(|t| (t.label.clone(), t.count)),
        )
    } else {
        let mut regions: Vec<(String, usize)> = Vec::new();
        for t in &c.countries {
            let region = parallax_intel::region_of(&t.label).unwrap_or("unknown");
            match regions.iter_mut().find(|(r, _)| r == region) {
                Some((_, n)) => *n += t.count,
                None => regions.push((region.to_string(), t.count)),
            }
        }
        regions.sort_by(|a, b| {
            (a.0 == "unknown")
                .cmp(&(b.0 == "unknown"))
                .then(b.1.cmp(&a.1))
                .then(a.0.cmp(&b.0))
        });
        segments("regions", regions.into_iter())
    };
    let one_sided = side_blindspots(
        &[StoryCoverage {
            story: s.id.clone(),
            title: String::new(),
            countries: Vec::new(),
            bias: c
                .bias
                .iter()
                .map(|t| BiasCount {
                    label: t.label.clone(),
                    sources: t.count,
                })
                .collect(),
            last_updated: s.last_updated,
        }],
        &BlindspotConfig::default(),
    )
    .first()
    .map(|b| match b.covered_by {
        Side::Left => "left",
        Side::Right => "right",
    });
    StoryCard {
        lead: s.summary.first().map(|b| CardLead {
            text: b.text.clone(),
            citations: b.citations.len(),
        }),
        articles: s.articles.len().max(c.articles),
        independent_reports: l.independent_reports,
        outlets: c.sources,
        countries: known_countries(c),
        languages: c.languages.iter().map(|t| t.label.clone()).collect(),
        first_reported: c.first_published,
        last_updated: s.last_updated,
        bar,
        one_sided,
        score,
        section: main_section(c),
        id: s.id,
        title: s.title,
    }
}

fn segments(kind: &'static str, parts: impl Iterator<Item = (String, usize)>) -> CoverageBar {
    let parts: Vec<(String, usize)> = parts.collect();
    let total: usize = parts.iter().map(|(_, n)| n).sum();
    CoverageBar {
        kind,
        segments: parts
            .into_iter()
            .map(|(label, count)| BarSegment {
                share: if total == 0 {
                    0.0
                } else {
                    count as f64 / total as f64
                },
                label,
                count,
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use parallax_core::{Bullet, Coverage, Story};

    fn tally(label: &str, count: usize) -> Tally {
        Tally {
            label: label.into(),
            count,
            share: 0.0,
        }
    }

    fn listed(
        id: &str,
        outlets: usize,
        countries: &[(&str, usize)],
        hours_ago: i64,
    ) -> ListedStory {
        let at = Utc::now().trunc_subsecs(0) - Duration::hours(hours_ago);
        ListedStory {
            story: Story {
                id: StoryId(id.into()),
                title: id.into(),
                summary: vec![Bullet {
                    text: format!("{id} happened."),
                    citations: vec![],
                }],
                coverage: Coverage {
                    articles: outlets,
                    sources: outlets,
                    countries: countries.iter().map(|(c, n)| tally(c, *n)).collect(),
                    languages: vec![tally("en", outlets)],
                    bias: vec![tally("unrated", outlets)],
                    first_published: Some(at),
                    last_published: Some(at),
                    ..Coverage::default()
                },
                articles: vec![],
                first_seen: at,
                last_updated: at,
            },
            independent_reports: None,
        }
    }

    #[test]
    fn breadth_wins_until_age_outweighs_it() {
        let now = Utc::now().trunc_subsecs(0);
        let q = FrontQuery::default();
        let stories = vec![
            listed("narrow-new", 1, &[("US", 1)], 0),
            listed("broad-recent", 12, &[("US", 4), ("FR", 4), ("JP", 4)], 3),
            listed("broad-old", 12, &[("US", 4), ("FR", 4), ("JP", 4)], 24 * 7),
        ];
        let v = rank(&stories, &q, now);
        let ids: Vec<&str> = v.cards.iter().map(|c| c.id.as_str()).collect();
        assert_eq!(ids, ["broad-recent", "narrow-new", "broad-old"]);
        assert_eq!(v.cards[0].countries, 3);
        assert_eq!(v.cards[0].bar.kind, "regions");
        assert_eq!(
            v.cards[0].lead.as_ref().unwrap().text,
            "broad-recent happened."
        );
    }

    #[test]
    fn rising_leaves_out_old_stories() {
        let now = Utc::now().trunc_subsecs(0);
        let q = FrontQuery {
            order: FrontOrder::Rising,
            ..FrontQuery::default()
        };
        let v = rank(
            &[
                listed("old", 30, &[("US", 30)], 24 * 5),
                listed("fast", 10, &[("US", 10)], 2),
            ],
            &q,
            now,
        );
        let ids: Vec<&str> = v.cards.iter().map(|c| c.id.as_str()).collect();
        assert_eq!(ids, ["fast"]);
    }

    #[test]
    fn filters_and_stable_pages() {
        let now = Utc::now().trunc_subsecs(0);
        let mut stories: Vec<ListedStory> = (0..70)
            .map(|i| listed(&format!("s{i:02}"), 1 + i % 5, &[("US", 1)], i as i64))
            .collect();
        let mut inferred = listed("inferred-fr", 3, &[("FR", 3)], 1);
        inferred.story.coverage.inferred_countries = vec![tally("FR", 3)];
        stories.push(inferred);
        stories.push(listed("fr", 3, &[("FR", 3)], 1));
        let q = |page, country: Option<&str>, at| FrontQuery {
            page,
            country: country.map(str::to_string),
            at,
            ..FrontQuery::default()
        };
        let fr = rank(&stories, &q(1, Some("FR"), None), now);
        assert_eq!(fr.cards.len(), 1, "an inferred country is no filter match");
        let first = rank(&stories, &q(1, None, None), now);
        assert!(first.has_next);
        // A story that arrives after the first page was made is not on the second page.
        let mut later = stories.clone();
        let mut newcomer = listed("newcomer", 50, &[("US", 50)], 0);
        newcomer.story.first_seen = now + Duration::minutes(5);
        later.push(newcomer);
        let second = rank(&later, &q(2, None, Some(first.at)), now);
        let third = rank(&later, &q(3, None, Some(first.at)), now);
        let mut seen: Vec<&StoryId> = first
            .cards
            .iter()
            .chain(&second.cards)
            .chain(&third.cards)
            .map(|c| &c.id)
            .collect();
        assert_eq!(seen.len(), 72);
        seen.sort();
        seen.dedup();
        assert_eq!(seen.len(), 72, "no story twice across pages");
        assert!(!third.has_next);
    }

    #[test]
    fn sections_list_their_stories_and_filter_the_page() {
        let now = Utc::now().trunc_subsecs(0);
        let mut world = listed("world", 5, &[("US", 5)], 1);
        world.story.coverage.sections = vec![tally("world", 3), tally("politics", 2)];
        let mut politics = listed("politics", 2, &[("US", 2)], 1);
        politics.story.coverage.sections = vec![tally("politics", 2)];
        let mut other = listed("other", 1, &[("US", 1)], 1);
        other.story.coverage.sections = vec![tally("other", 1)];
        let none = listed("none", 1, &[("US", 1)], 1);
        let stories = vec![world, politics, other, none];
        let all = rank(&stories, &FrontQuery::default(), now);
        let sections: Vec<(&str, usize)> = all
            .sections
            .iter()
            .map(|s| (s.key.as_str(), s.stories))
            .collect();
        // In CATEGORIES order; "other" is no section of the page.
        assert_eq!(sections, [("world", 1), ("politics", 2)]);
        assert_eq!(all.sections[1].top.len(), 2);
        assert_eq!(
            all.sections[1].top[0].id.as_str(),
            "world",
            "in the page's order"
        );
        let card = |id: &str| all.cards.iter().find(|c| c.id.as_str() == id).unwrap();
        assert_eq!(card("world").section.as_deref(), Some("world"));
        assert_eq!(card("other").section, None);
        assert_eq!(card("none").section, None);
        let q = FrontQuery {
            section: Some("politics".into()),
            ..FrontQuery::default()
        };
        let politics_page = rank(&stories, &q, now);
        let ids: Vec<&str> = politics_page.cards.iter().map(|c| c.id.as_str()).collect();
        assert_eq!(ids, ["world", "politics"]);
        assert_eq!(politics_page.sections.len(), 2, "every section is listed");
    }

    #[test]
    fn bias_bar_in_order_with_unrated_and_one_sided_mark() {
        let now = Utc::now().trunc_subsecs(0);
        let mut s = listed("s", 7, &[("US", 7)], 1);
        s.story.coverage.bias = vec![
            tally("unrated", 1),
            tally("right", 1),
            tally("left", 4),
            tally("lean left", 1),
        ];
        let v = rank(&[s], &FrontQuery::default(), now);
        let bar = &v.cards[0].bar;
        assert_eq!(bar.kind, "bias");
        let labels: Vec<&str> = bar.segments.iter().map(|s| s.label.as_str()).collect();
        assert_eq!(labels, ["left", "lean left", "right", "unrated"]);
        assert_eq!(v.cards[0].one_sided, Some("left"));
    }
}
