//! Story intelligence: what sets a Parallax story page apart. Pure: no IO, no clocks.
//!
//! Given the articles of one story and what is known of their outlets, this crate works out
//! - [`wire`]: which articles are wire copies or rewrites of which (shingle containment, agency
//!   credits), grouped into independent reports, with the first publisher of each;
//! - [`claims`]: the claim ledger — attributed statements, direct quotes (checked word for word
//!   against their source text, with the speaker), figures and events, aligned across articles and
//!   sorted into agreed, single-source and disputed;
//! - [`entities`]: people, places and organisations, with spelling variants merged;
//! - [`perspectives`]: what each country / region / bias group's coverage emphasises that the
//!   others do not, with citations;
//! - [`timeline`]: coverage over time per region;
//! - [`phrases`]: the key phrases several outlets use, which with the entities are the story's
//!   topic tags;
//! - [`blindspots`]: across stories, those covered widely abroad but little in a chosen country, or
//!   mostly by one side.
//!
//! [`analyze_story`] runs the per-story parts together; [`digest::digest`] keeps what pages across
//! stories need (entities, outlets per country and rating, independent reports).
#![warn(missing_docs)]

pub mod blindspots;
pub mod claims;
pub mod digest;
pub mod entities;
mod geo;
pub use geo::region_of;
pub mod gist;
pub mod outlets;
pub mod perspectives;
pub mod phrases;
pub mod timeline;
pub mod wire;

use parallax_core::{Article, ArticleId, Source};

/// English weekday names, lower case.
pub(crate) const WEEKDAYS: [&str; 7] = [
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
];
use serde::Serialize;

/// Everything this crate knows about one story.
#[derive(Clone, Debug, PartialEq, Serialize, utoipa::ToSchema)]
pub struct StoryIntel {
    /// Independent reports and wire copies among the story's articles.
    pub independence: wire::Independence,
    /// Other articles quoted on the story's pages ([`parallax_core::Excerpt`]): each is a report
    /// of its own in the claim ledger, the perspectives and the current take, which cite it by
    /// its id `ARTICLE#excerpt-N` (the N-th excerpt of that article; see [`excerpt_host`]).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub excerpts: Vec<ExcerptRef>,
    /// The claim ledger.
    pub claims: Vec<claims::Claim>,
    /// Entities with merged spelling variants.
    pub entities: Vec<entities::Entity>,
    /// Perspectives per country / region / bias group (the "alternative takes").
    pub perspectives: Vec<perspectives::Perspective>,
    /// The world's current take: agreed claims that hold across groups.
    pub current_take: Vec<perspectives::TakeClaim>,
    /// Coverage over time per region.
    pub timeline: timeline::Timeline,
    /// Key phrases several outlets use (with the entities, the topic tags).
    pub phrases: Vec<phrases::KeyPhrase>,
}

/// An excerpt of another article quoted on a story's page, as the ledger cites it.
#[derive(Clone, Debug, PartialEq, Serialize, utoipa::ToSchema)]
pub struct ExcerptRef {
    /// The id the ledger cites it by: `ARTICLE#excerpt-N`.
    pub id: ArticleId,
    /// The article whose page quotes it.
    pub article: ArticleId,
    /// Its number among that page's excerpts, from 1.
    pub number: usize,
    /// The quoted article's title as the page gives it.
    pub title: String,
}

/// The article quoting an excerpt, and the excerpt's number, from an excerpt's id
/// (`ARTICLE#excerpt-N`); `None` for any other id.
pub fn excerpt_host(id: &ArticleId) -> Option<(ArticleId, usize)> {
    let (host, n) = id.as_str().rsplit_once("#excerpt-")?;
    let n: usize = n.parse().ok()?;
    (n > 0 && !host.is_empty()).then(|| (ArticleId(host.to_string()), n))
}

/// The excerpts quoted on `articles`' pages as articles of their own: unknown outlet, no date,
/// the quoting article's language, id `ARTICLE#excerpt-N`.
pub fn excerpt_articles(articles: &[Article]) -> Vec<Article> {
    let mut out = Vec::new();
    for a in articles {
        for (i, e) in a.excerpts.iter().enumerate() {
            let id = ArticleId(format!("{}#excerpt-{}", a.id, i + 1));
            out.push(Article {
                section: None,
                source: parallax_core::SourceId::unknown(),
                url: None,
                canonical_url: None,
                title: e.title.clone(),
                byline: None,
                published: None,
                language: a.language.clone(),
                paragraphs: vec![e.text.clone()],
                content_hash: parallax_core::content_hash(&format!("{}\n\n{}", e.title, e.text)),
                fetched_at: a.fetched_at,
                origin: format!("{}#excerpt-{}", a.origin, i + 1),
                warnings: Vec::new(),
                excerpts: Vec::new(),
                attribution: Default::default(),
                id,
            });
        }
    }
    out
}

/// Runs every per-story analysis over `articles` (one story), with `sources` giving what is known
/// of their outlets (articles whose outlet is missing from `sources` count as unknown outlets).
/// Excerpts quoted on the pages count as reports of their own in the ledger and the perspectives
/// ([`StoryIntel::excerpts`]); independence, entities and the timeline are the articles' own.
pub fn analyze_story(articles: &[Article], sources: &[Source]) -> StoryIntel {
    let quoted = excerpt_articles(articles);
    let independence = wire::detect(articles);
    let (units, unit_independence) = if quoted.is_empty() {
        (std::borrow::Cow::Borrowed(articles), independence.clone())
    } else {
        let all: Vec<Article> = articles
            .iter()
            .cloned()
            .chain(quoted.iter().cloned())
            .collect();
        let ind = wire::detect(&all);
        (std::borrow::Cow::Owned(all), ind)
    };
    let claims = claims::ledger(&units, sources, &unit_independence);
    let entities = entities::extract(articles);
    let perspectives =
        perspectives::perspectives_with(&units, sources, &claims, &unit_independence);
    let current_take = perspectives::current_take(&units, sources, &claims);
    let timeline = timeline::timeline(articles, sources);
    let phrases = phrases::key_phrases(articles, &entities);
    let excerpts = quoted
        .into_iter()
        .filter_map(|q| {
            let (article, number) = excerpt_host(&q.id)?;
            Some(ExcerptRef {
                id: q.id,
                article,
                number,
                title: q.title,
            })
        })
        .collect();
    StoryIntel {
        independence,
        excerpts,
        claims,
        entities,
        perspectives,
        current_take,
        timeline,
        phrases,
    }
}
