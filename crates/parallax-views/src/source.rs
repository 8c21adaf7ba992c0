//! Source pages (`/source/ID`, `/api/sources/ID`): everything known about one outlet, each fact
//! with where it came from; the ratings operators imported, each with its provider, licence and,
//! for estimates, the label "estimate"; the health of its feeds; its recent stories; and its
//! record in the claim ledger across its stories, read from the story digests
//! ([`parallax_core::StoryDigest::ledger`]): how many of its claims were agreed by a report of
//! another outlet, disputed, or stayed single-source, each with a link to the claim. Facts, not a
//! score.

use crate::{SourceHealth, source_health};
use chrono::{DateTime, Utc};
use parallax_core::{
    ClaimStanding, FeedState, Rating, Source, SourceId, Store, StoryDigest, StoryId,
};
use serde::Serialize;

/// Recent stories a source page lists.
pub const SOURCE_STORIES: usize = 20;
/// Recent stories whose digests make an outlet's ledger record.
pub const LEDGER_STORIES: usize = 200;
/// Claims listed per kind in a ledger record (the counts cover them all).
pub const LEDGER_CLAIMS_LISTED: usize = 50;
/// The GDELT Project, credited wherever a country inferred from its data is shown.
pub const GDELT_URL: &str = "https://www.gdeltproject.org/";

/// One outlet, as its page and `GET /api/sources/ID` show it.
#[derive(Clone, Debug, PartialEq, Serialize, utoipa::ToSchema)]
pub struct SourceView {
    /// Source id.
    pub id: SourceId,
    /// Display name.
    pub name: String,
    /// Where the name came from.
    pub name_provenance: Option<String>,
    /// Home page URL (any scheme: only `http:`/`https:` are ever made links).
    pub home_page: Option<String>,
    /// ISO 3166-1 alpha-2 country code, when known.
    pub country: Option<String>,
    /// What the country is based on: "home", "top_level_domain" or "inferred_from_coverage".
    pub country_basis: Option<String>,
    /// Whether the country is only inferred from what the outlet covers (GDELT): a guess, never
    /// its home.
    pub country_inferred: bool,
    /// Where the country came from (for an inferred one, the GDELT Project's credit).
    pub country_provenance: Option<String>,
    /// ISO 639-1 languages it publishes in.
    pub languages: Vec<String>,
    /// Where the languages came from.
    pub languages_provenance: Option<String>,
    /// Owner, when known.
    pub owner: Option<String>,
    /// Kind of ownership ("state", "private", ...), when known.
    pub ownership: Option<String>,
    /// The ownership as the list that gave it says it, when finer than `ownership`.
    pub ownership_detail: Option<String>,
    /// Where the owner and the ownership came from.
    pub owner_provenance: Option<String>,
    /// Political bias rating with its provenance; `None`: unrated.
    pub bias: Option<Rating>,
    /// Factuality rating with its provenance; `None`: unrated.
    pub factuality: Option<Rating>,
    /// Ratings imported from providers.
    pub ratings: Vec<RatingRow>,
    /// Its feeds, each with its category and the crawler's last word on it.
    pub feeds: Vec<FeedRow>,
    /// The health of its feeds taken together, as `/sources` shows it (`None` without feeds).
    pub health: Option<SourceHealth>,
    /// Articles stored from it.
    pub articles: usize,
    /// Its most recently updated stories (at most [`SOURCE_STORIES`]).
    pub recent_stories: Vec<SourceStoryRow>,
    /// Its record in the claim ledger.
    pub ledger: LedgerRecord,
}

/// A rating imported from a provider.
#[derive(Clone, Debug, PartialEq, Serialize, utoipa::ToSchema)]
pub struct RatingRow {
    /// Who rated.
    pub provider: String,
    /// "bias" or "reliability".
    pub kind: &'static str,
    /// The domain rated.
    pub domain: String,
    /// The rating as a label.
    pub value: String,
    /// The provider's number, when it gives one.
    pub score: Option<f64>,
    /// When the provider made it.
    pub date: Option<String>,
    /// The licence it is used under and the credit it asks for.
    pub licence: Option<String>,
    /// Whether it is an estimate computed by a method rather than an editorial judgement.
    pub estimate: bool,
    /// "estimate" or "rating", as pages label it.
    pub label: &'static str,
}

/// One feed of a source.
#[derive(Clone, Debug, PartialEq, Serialize, utoipa::ToSchema)]
pub struct FeedRow {
    /// The feed URL.
    pub url: String,
    /// Its category ("world", "business", ...), when the registry gives one.
    pub category: Option<String>,
    /// "ok", "failing" (last poll failed) or "never polled".
    pub status: &'static str,
    /// When it was last polled, whatever the result.
    pub last_polled: Option<DateTime<Utc>>,
    /// When a poll last succeeded.
    pub last_success: Option<DateTime<Utc>>,
    /// The last error, when the last poll failed.
    pub last_error: Option<String>,
    /// Failed polls in a row.
    pub consecutive_failures: u32,
    /// Warnings of the last poll.
    pub warnings: Vec<String>,
    /// When it is due next; `None` when never polled.
    pub next_poll: Option<DateTime<Utc>>,
}

/// A story of the source.
#[derive(Clone, Debug, PartialEq, Serialize, utoipa::ToSchema)]
pub struct SourceStoryRow {
    /// Story id.
    pub id: StoryId,
    /// Its headline.
    pub title: String,
    /// Articles in it (of every outlet).
    pub articles: usize,
    /// When it last changed.
    pub last_updated: DateTime<Utc>,
}

/// An outlet's record in the claim ledger of its recent stories (at most [`LEDGER_STORIES`]),
/// from their digests.
#[derive(Clone, Debug, Default, PartialEq, Serialize, utoipa::ToSchema)]
pub struct LedgerRecord {
    /// Its claims agreed by at least one report of another outlet (not a copy of its own
    /// report).
    pub agreed: usize,
    /// Its claims disputed by independent reports.
    pub disputed: usize,
    /// Its claims no other outlet's independent report states.
    pub single_source: usize,
    /// Stories whose digests were read.
    pub stories: usize,
    /// Stories not counted because their digest is missing, stale or made by an older Parallax
    /// (the next digest pass makes it).
    pub stories_pending: usize,
    /// The claims, disputed first, then agreed, then single-source, at most
    /// [`LEDGER_CLAIMS_LISTED`] of each kind, most recent story first.
    pub claims: Vec<LedgerEntry>,
    /// Claims counted but not listed.
    pub claims_not_listed: usize,
}

/// One claim of an outlet's record.
#[derive(Clone, Debug, PartialEq, Serialize, utoipa::ToSchema)]
pub struct LedgerEntry {
    /// The story.
    pub story: StoryId,
    /// Its headline.
    pub story_title: String,
    /// The claim's number in the story's ledger, from 1 (`claims[N - 1]` of the story's API).
    pub claim: usize,
    /// The claim on the story page: `/story/ID#claim-N`.
    pub href: String,
    /// How it stands for this outlet: "agreed", "disputed" or "single_source".
    pub standing: ClaimStanding,
    /// The claim, shortened.
    pub text: String,
}

/// The page of the source `id`; `None` when there is no such source.
pub fn source_view(store: &dyn Store, id: &SourceId) -> parallax_core::Result<Option<SourceView>> {
    if id.is_unknown() {
        return Ok(None);
    }
    let Some(source) = store.source(id)? else {
        return Ok(None);
    };
    let health = if source.feeds.is_empty() {
        None
    } else {
        source_health(store)?
            .into_iter()
            .find(|h| h.id == source.id)
    };
    let states: Vec<FeedState> = store
        .feed_states()?
        .into_iter()
        .filter(|f| f.source == source.id)
        .collect();
    let articles = store
        .source_article_counts(DateTime::<Utc>::UNIX_EPOCH)?
        .into_iter()
        .find(|c| c.source == source.id)
        .map_or(0, |c| c.articles);
    let stories = store.source_stories(&source.id, LEDGER_STORIES)?;
    let mut digests: Vec<(StoryId, String, Option<StoryDigest>)> = Vec::new();
    for s in &stories {
        let current = store
            .digest(&s.id)?
            .filter(|d| d.story_updated >= s.last_updated && !d.is_outdated());
        digests.push((s.id.clone(), s.title.clone(), current));
    }
    let ledger = ledger_record(&source.id, &digests);
    let recent_stories = stories
        .into_iter()
        .take(SOURCE_STORIES)
        .map(|s| SourceStoryRow {
            articles: s.articles.len().max(s.coverage.articles),
            id: s.id,
            title: s.title,
            last_updated: s.last_updated,
        })
        .collect();
    Ok(Some(view_of(
        source,
        health,
        &states,
        articles,
        recent_stories,
        ledger,
    )))
}

/// The source a page address names: a source id (`src-…`), or the site of a source (its home
/// page's host, `www.` aside: `/source/reuters.com`) or the name of a source known only by name.
pub fn find_source(store: &dyn Store, given: &str) -> parallax_core::Result<Option<SourceId>> {
    let given = given.trim();
    if given.is_empty() {
        return Ok(None);
    }
    let id = SourceId(given.to_string());
    if !id.is_unknown() && store.source(&id)?.is_some() {
        return Ok(Some(id));
    }
    if given.starts_with("src-") {
        return Ok(None);
    }
    let key = given.to_lowercase();
    let key = key.strip_prefix("www.").unwrap_or(&key);
    let id = SourceId::from_key(key);
    Ok(store.source(&id)?.map(|s| s.id))
}

/// The outlet's record over the digests of its stories (`None`: no current digest).
fn ledger_record(
    source: &SourceId,
    digests: &[(StoryId, String, Option<StoryDigest>)],
) -> LedgerRecord {
    let mut record = LedgerRecord::default();
    let mut entries: Vec<LedgerEntry> = Vec::new();
    for (story, title, digest) in digests {
        let Some(d) = digest else {
            record.stories_pending += 1;
            continue;
        };
        record.stories += 1;
        for claim in &d.ledger {
            let Some(o) = claim.outlets.iter().find(|o| &o.source == source) else {
                continue;
            };
            match o.standing {
                ClaimStanding::Agreed => record.agreed += 1,
                ClaimStanding::Disputed => record.disputed += 1,
                ClaimStanding::SingleSource => record.single_source += 1,
            }
            entries.push(LedgerEntry {
                story: story.clone(),
                story_title: title.clone(),
                claim: claim.number,
                href: format!(
                    "/story/{}#{}",
                    crate::path_segment(story.as_str()),
                    claim.anchor()
                ),
                standing: o.standing,
                text: claim.text.clone(),
            });
        }
    }
    // Disputed, agreed, single-source; stories in the order given (most recent first), claims
    // in ledger order.
    let rank = |s: ClaimStanding| match s {
        ClaimStanding::Disputed => 0,
        ClaimStanding::Agreed => 1,
        ClaimStanding::SingleSource => 2,
    };
    entries.sort_by_key(|e| rank(e.standing));
    let mut listed = [0usize; 3];
    for e in entries {
        let r = rank(e.standing);
        if listed[r] < LEDGER_CLAIMS_LISTED {
            listed[r] += 1;
            record.claims.push(e);
        } else {
            record.claims_not_listed += 1;
        }
    }
    record
}

fn view_of(
    source: Source,
    health: Option<SourceHealth>,
    states: &[FeedState],
    articles: usize,
    recent_stories: Vec<SourceStoryRow>,
    ledger: LedgerRecord,
) -> SourceView {
    let text = |s: &Option<String>| s.clone().filter(|v| !v.trim().is_empty());
    let p = &source.provenance;
    let has_country = source.country.is_some();
    let feeds = source
        .feeds
        .iter()
        .map(|url| {
            let state = states.iter().find(|f| &f.url == url);
            let polled = state.is_some_and(|f| {
                f.last_polled.is_some() || f.last_success.is_some() || f.last_error.is_some()
            });
            FeedRow {
                url: url.clone(),
                category: source.feed_categories.get(url).cloned(),
                status: match state {
                    Some(f) if f.last_error.is_some() => crate::STATUS_FAILING,
                    _ if polled => crate::STATUS_OK,
                    _ => crate::STATUS_NEVER_POLLED,
                },
                last_polled: state.and_then(|f| f.last_polled),
                last_success: state.and_then(|f| f.last_success),
                last_error: state.and_then(|f| f.last_error.clone()),
                consecutive_failures: state.map_or(0, |f| f.consecutive_failures),
                warnings: state.map(|f| f.warnings.clone()).unwrap_or_default(),
                next_poll: state.filter(|_| polled).map(|f| f.next_poll),
            }
        })
        .collect();
    SourceView {
        country_inferred: source.country_is_inferred(),
        country_basis: p
            .country_basis
            .filter(|_| has_country)
            .map(|b| b.label().to_string()),
        country_provenance: text(&p.country).filter(|_| has_country),
        name_provenance: text(&p.name),
        languages_provenance: text(&p.languages),
        owner_provenance: text(&p.owner),
        ownership_detail: text(&p.ownership_detail),
        ownership: source.ownership.map(|o| o.label().to_string()),
        ratings: source
            .ratings
            .iter()
            .map(|r| RatingRow {
                provider: r.provider.clone(),
                kind: r.kind.label(),
                domain: r.domain.clone(),
                value: r.value.clone(),
                score: r.score.filter(|s| s.is_finite()),
                date: r.date.clone(),
                licence: r.licence.clone(),
                estimate: r.estimate,
                label: if r.estimate { "estimate" } else { "rating" },
            })
            .collect(),
        feeds,
        health,
        articles,
        recent_stories,
        ledger,
        id: source.id,
        name: source.name,
        home_page: source.home_page,
        country: source.country,
        languages: source.languages,
        owner: source.owner,
        bias: source.bias,
        factuality: source.factuality,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use parallax_core::{LedgerClaim, OutletClaim};

    fn digest(claims: Vec<LedgerClaim>) -> StoryDigest {
        StoryDigest {
            ledger: claims,
            ..StoryDigest::default()
        }
    }

    fn claim(number: usize, outlets: &[(&str, ClaimStanding)]) -> LedgerClaim {
        LedgerClaim {
            number,
            kind: outlets[0].1,
            text: format!("claim {number}"),
            outlets: outlets
                .iter()
                .map(|(s, k)| OutletClaim {
                    source: SourceId::from(*s),
                    standing: *k,
                })
                .collect(),
        }
    }

    #[test]
    fn the_record_counts_this_outlets_standing_and_links_each_claim() {
        use ClaimStanding::*;
        let me = SourceId::from("src-me");
        let digests = vec![
            (
                StoryId::from("sto-2"),
                "Second".to_string(),
                Some(digest(vec![
                    claim(1, &[("src-me", Disputed), ("src-other", Disputed)]),
                    // Agreed in the story, only among my own reports: single-source for me.
                    claim(2, &[("src-me", SingleSource)]),
                    claim(3, &[("src-other", Agreed), ("src-third", Agreed)]),
                ])),
            ),
            (StoryId::from("sto-pending"), "Pending".to_string(), None),
            (
                StoryId::from("sto-1"),
                "First".to_string(),
                Some(digest(vec![claim(
                    4,
                    &[("src-other", Agreed), ("src-me", Agreed)],
                )])),
            ),
        ];
        let r = ledger_record(&me, &digests);
        assert_eq!((r.agreed, r.disputed, r.single_source), (1, 1, 1));
        assert_eq!((r.stories, r.stories_pending), (2, 1));
        let listed: Vec<(&str, ClaimStanding)> = r
            .claims
            .iter()
            .map(|e| (e.href.as_str(), e.standing))
            .collect();
        assert_eq!(
            listed,
            vec![
                ("/story/sto-2#claim-1", Disputed),
                ("/story/sto-1#claim-4", Agreed),
                ("/story/sto-2#claim-2", SingleSource),
            ]
        );
        assert_eq!(r.claims[1].story_title, "First");
        assert_eq!(r.claims_not_listed, 0);
    }
}
