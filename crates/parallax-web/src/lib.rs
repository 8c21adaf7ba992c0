//! The web interface and JSON API of Parallax (axum, askama).
//!
//! Security rules: everything that comes from articles goes through askama's HTML escaping (never
//! `|safe`); only `http:` and `https:` URLs become links; every response carries a strict
//! Content-Security-Policy (no scripts at all), `X-Content-Type-Options: nosniff` and
//! `Referrer-Policy: no-referrer`.
//!
//! Machine translations are shown only beside their originals: each foreign-language article
//! title and summary sentence keeps its text and language, and a cached translation into the
//! reader's language (the operator's `[translate] target`, or `?lang=` on the story page and its
//! API) comes with it, labelled "machine translation (backend)" ([`TranslationView`]).
//!
//! Provenance is shown with every fact about an outlet: each article's country with what it rests
//! on (a country only inferred from the outlet's coverage says so, with the GDELT Project's
//! credit), how its outlet was established, and the outlet's page ([`source_view`]: `/source/ID`,
//! `/api/sources/ID`) with its facts and their sources, the ratings operators imported (with
//! provider, licence, and "estimate" where it is one), its feeds' health, its recent stories and
//! its record in the claim ledger, read from the story digests.
//!
//! The [`Store`] is synchronous: every call runs in [`tokio::task::spawn_blocking`].

#![warn(missing_docs)]

pub mod escape;
mod feeds;
mod health;
pub mod intel_cache;
mod pages;
mod search;
mod source_view;
mod translations;
mod world;

pub use health::{
    ARTICLES_PER_DAY_WINDOW_DAYS, STATUS_DEGRADED, STATUS_FAILING, STATUS_NEVER_POLLED, STATUS_OK,
    SourceHealth, source_health, source_health_at, source_health_summary,
};
pub use search::{
    SEARCH_PAGE_SIZE, SearchArticle, SearchStory, SearchView, search_date, search_view,
};
pub use source_view::{
    FeedRow, GDELT_URL, LEDGER_CLAIMS_LISTED, LEDGER_STORIES, LedgerEntry, LedgerRecord, RatingRow,
    SOURCE_STORIES, SourceStoryRow, SourceView, find_source, source_view,
};
pub use translations::{BulletView, DEFAULT_LANGUAGE, TranslationView, machine_translation_label};
pub use world::{
    COUNTRY_STORIES, CountryOutlet, CountryStoryRow, CountryView, CountryVolumeRow,
    DEFAULT_WORLD_PERIOD, MapCountry, MapShape, OVERLOOKED_MAX_OTHER_OUTLETS,
    OVERLOOKED_MIN_HOME_OUTLETS, WORLD_PERIODS, WorldMap, WorldView, country_view, country_view_at,
    parse_world_map, volume_class, world_map, world_view, world_view_at,
};

use axum::{
    Json, Router,
    extract::{Path, Query, State},
    http::{HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
    routing::get,
};
use chrono::{DateTime, Utc};
use parallax_core::{
    Article, ArticleId, Coverage, PublishedTime, Source, SourceId, Store, StoryId, is_language_code,
};
use parallax_intel::StoryIntel;
use parallax_intel::blindspots::{
    BlindspotConfig, CountryBlindspot, SideBlindspot, StoryCoverage, country_blindspots,
    side_blindspots,
};
use serde::Serialize;
use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Arc;
use tower_http::set_header::SetResponseHeaderLayer;

/// The Content-Security-Policy sent with every response: no scripts, no external anything.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; style-src 'self' 'unsafe-inline'; img-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// Stories per page of the story list.
pub const PAGE_SIZE: usize = 30;
/// Default and largest `limit` of `GET /api/stories`.
const API_DEFAULT_LIMIT: usize = 50;
const API_MAX_LIMIT: usize = 500;
/// Problems shown.
const PROBLEMS_LIMIT: usize = 100;

/// The name shown for articles whose source is unknown.
pub const UNKNOWN_SOURCE_NAME: &str = "Unknown source";

// ---------------------------------------------------------------------------------------------
// JSON views (shared with the CLI)
// ---------------------------------------------------------------------------------------------

/// One line of the story list.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct StoryRow {
    /// Story id.
    pub id: StoryId,
    /// Headline.
    pub title: String,
    /// Number of articles.
    pub article_count: usize,
    /// Number of distinct known sources.
    pub source_count: usize,
    /// Independent reports among the articles (wire copies and rewrites of one report count
    /// once); `None` until the story's digest is brought up to date.
    pub independent_reports: Option<usize>,
    /// Languages of the articles (ISO 639-1 or "unknown"), most frequent first.
    pub languages: Vec<String>,
    /// Countries of the sources (ISO 3166-1 or "unknown"), most frequent first.
    pub countries: Vec<String>,
    /// Earliest publication time of its articles, if any is dated.
    pub first_published: Option<DateTime<Utc>>,
    /// When the story last changed.
    pub last_updated: DateTime<Utc>,
}

/// A story with everything shown on its page.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct StoryView {
    /// Story id.
    pub id: StoryId,
    /// Headline.
    pub title: String,
    /// The headline's machine translation into [`StoryView::language`], when the headline is
    /// an article title in another language and a translation is cached.
    pub title_translation: Option<TranslationView>,
    /// Summary bullets, each with the ids of the articles it cites, its language and, when
    /// cached, its machine translation.
    pub summary: Vec<BulletView>,
    /// Coverage details.
    pub coverage: Coverage,
    /// Who rated the bias of the story's sources (`Coverage::bias`): each distinct provenance
    /// of their ratings ("AllSides, via the allsides-dev data set"), in order of appearance.
    pub bias_rated_by: Vec<String>,
    /// The articles, in the story's order (oldest first).
    pub articles: Vec<ArticleRow>,
    /// When Parallax first saw the story.
    pub first_seen: DateTime<Utc>,
    /// When the story last changed.
    pub last_updated: DateTime<Utc>,
    /// The reader's language: the translations shown are into it.
    pub language: String,
    /// Story intelligence, computed from the articles as they are now: independent reports and
    /// wire copies (`independence`), the claim ledger (`claims`: `{kind, text, sources: [{article,
    /// sentence}], values, ...}`), `entities`, `perspectives`, `current_take` and `timeline`.
    #[serde(flatten)]
    pub intel: StoryIntel,
    /// For articles in another language than the readers': which of their sentences say what the
    /// readers'-language articles say and which are their own (from the story's digest, made
    /// when an embedding model is installed; empty otherwise).
    pub gists: Vec<parallax_core::ArticleGist>,
}

/// An article as listed on a story page.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ArticleRow {
    /// Article id.
    pub id: ArticleId,
    /// Headline.
    pub title: String,
    /// Where it was fetched from (any scheme: only `http:`/`https:` are ever made links).
    pub url: Option<String>,
    /// Its source.
    pub source: SourceId,
    /// The source's name; "Unknown source" when unknown.
    pub source_name: String,
    /// The source's country, when known.
    pub country: Option<String>,
    /// What the country is based on: "home" (a curated list or the operator), "top_level_domain"
    /// (the site's country-code domain) or "inferred_from_coverage" (only guessed from the
    /// countries the outlet's articles mention, by GDELT: never the outlet's home); `None` when
    /// not recorded.
    pub country_basis: Option<String>,
    /// Where the country came from (for an inferred one, the GDELT Project's credit).
    pub country_provenance: Option<String>,
    /// How the article's outlet was established ("feed", "given", "record", "url", "site_name",
    /// "masthead", "credit"); `None` when the outlet is unknown or was not recorded.
    pub attributed_by: Option<String>,
    /// The source's kind of ownership ("state", "public_service", "private", ...), when known.
    pub ownership: Option<String>,
    /// The ownership as the list that gave it says it ("state-controlled (State Media Monitor:
    /// SC)"), when finer than `ownership`.
    pub ownership_detail: Option<String>,
    /// The article's language, when identified.
    pub language: Option<String>,
    /// The title's machine translation into the reader's language, when the article is in
    /// another language and a translation is cached.
    pub title_translation: Option<TranslationView>,
    /// Publication time; `None` means undated.
    pub published: Option<PublishedTime>,
    /// Byline, when found.
    pub byline: Option<String>,
    /// Problems met while extracting it.
    pub warnings: Vec<String>,
}

/// A problem met with an input, as `GET /api/problems` returns it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ProblemRow {
    /// When it was recorded.
    pub time: DateTime<Utc>,
    /// The path or URL of the input.
    pub origin: String,
    /// What went wrong.
    pub message: String,
}

/// The story list: `limit` stories after skipping `offset`, most recently updated first.
pub fn story_rows(
    store: &dyn Store,
    limit: usize,
    offset: usize,
) -> parallax_core::Result<Vec<StoryRow>> {
    let stories = store.stories(limit, offset)?;
    let mut reports = HashMap::new();
    for s in &stories {
        if let Some(d) = store.digest(&s.id)?
            && d.story_updated >= s.last_updated
        {
            reports.insert(s.id.clone(), d.independent_reports);
        }
    }
    Ok(stories
        .into_iter()
        .map(|s| StoryRow {
            article_count: s.articles.len().max(s.coverage.articles),
            source_count: s.coverage.sources,
            independent_reports: reports.get(&s.id).copied(),
            languages: s
                .coverage
                .languages
                .iter()
                .map(|t| t.label.clone())
                .collect(),
            countries: s
                .coverage
                .countries
                .iter()
                .map(|t| t.label.clone())
                .collect(),
            first_published: s.coverage.first_published,
            last_updated: s.last_updated,
            id: s.id,
            title: s.title,
        })
        .collect())
}

/// The story with this id and its articles, with translations into [`DEFAULT_LANGUAGE`];
/// `None` when there is no such story.
pub fn story_view(store: &dyn Store, id: &StoryId) -> parallax_core::Result<Option<StoryView>> {
    story_view_in(store, id, DEFAULT_LANGUAGE)
}

/// The story with this id and its articles, with the cached machine translations into
/// `language` of its foreign-language titles and summary sentences (one more store call);
/// `None` when there is no such story.
pub fn story_view_in(
    store: &dyn Store,
    id: &StoryId,
    language: &str,
) -> parallax_core::Result<Option<StoryView>> {
    let Some(story) = store.story(id)? else {
        return Ok(None);
    };
    let mut articles = store.story_articles(id)?;
    if articles.is_empty() {
        // A store that cannot list a story's articles directly: fetch them one by one.
        for aid in &story.articles {
            if let Some(a) = store.article(aid)? {
                articles.push(a);
            }
        }
    }
    let mut sources: HashMap<SourceId, Option<Source>> = HashMap::new();
    for article in &articles {
        if !sources.contains_key(&article.source) {
            let source = if article.source.is_unknown() {
                None
            } else {
                store.source(&article.source)?
            };
            sources.insert(article.source.clone(), source);
        }
    }
    let known: Vec<Source> = sources.values().flatten().cloned().collect();
    let mut bias_rated_by: Vec<String> = Vec::new();
    for article in &articles {
        if let Some(Some(s)) = sources.get(&article.source)
            && let Some(b) = &s.bias
        {
            let p = b.provenance.trim();
            if !p.is_empty() && !bias_rated_by.iter().any(|x| x == p) {
                bias_rated_by.push(p.to_string());
            }
        }
    }
    let intel = StoryIntel::clone(&intel_cache::analyze_story(&articles, &known));
    // Gists of the story's articles as they are now (a digest made before an article left the
    // story may name it: such gists are dropped).
    let gists: Vec<parallax_core::ArticleGist> = store
        .digest(id)?
        .map(|d| d.gists)
        .unwrap_or_default()
        .into_iter()
        .filter(|g| articles.iter().any(|a| a.id == g.article))
        .collect();
    let mut rows = Vec::with_capacity(articles.len());
    for article in articles {
        let source = sources.get(&article.source).and_then(Option::as_ref);
        rows.push(article_row(article, source));
    }
    // A bullet's language is the language of the article it was taken from (its first citation).
    let language_of: HashMap<&ArticleId, Option<&str>> = rows
        .iter()
        .map(|r| (&r.id, r.language.as_deref()))
        .collect();
    let bullet_languages: Vec<Option<String>> = story
        .summary
        .iter()
        .map(|b| {
            b.citations
                .first()
                .and_then(|c| language_of.get(c).copied().flatten())
                .map(str::to_string)
        })
        .collect();
    // The headline is one of the article titles: it has that article's language.
    let title_language = rows
        .iter()
        .find(|r| r.title == story.title)
        .and_then(|r| r.language.clone());
    let mut texts: Vec<(&str, Option<&str>)> = rows
        .iter()
        .map(|r| (r.title.as_str(), r.language.as_deref()))
        .collect();
    texts.extend(
        story
            .summary
            .iter()
            .zip(&bullet_languages)
            .map(|(b, l)| (b.text.as_str(), l.as_deref())),
    );
    let found = translations::lookup(store, &texts, language)?;
    let translation_of =
        |text: &str, lang: Option<&str>| found.get(&translations::key(text, lang)).cloned();
    let title_translation = translation_of(&story.title, title_language.as_deref());
    for r in &mut rows {
        r.title_translation = translation_of(&r.title, r.language.as_deref());
    }
    let summary = story
        .summary
        .into_iter()
        .zip(bullet_languages)
        .map(|(b, language)| BulletView {
            translation: translation_of(&b.text, language.as_deref()),
            text: b.text,
            citations: b.citations,
            language,
        })
        .collect();
    Ok(Some(StoryView {
        id: story.id,
        title: story.title,
        title_translation,
        summary,
        coverage: story.coverage,
        bias_rated_by,
        articles: rows,
        first_seen: story.first_seen,
        last_updated: story.last_updated,
        language: language.to_string(),
        intel,
        gists,
    }))
}

fn article_row(article: Article, source: Option<&Source>) -> ArticleRow {
    ArticleRow {
        id: article.id,
        title: article.title,
        url: article.url.or(article.canonical_url),
        source: article.source,
        source_name: source
            .map(|s| s.name.trim())
            .filter(|n| !n.is_empty())
            .unwrap_or(UNKNOWN_SOURCE_NAME)
            .to_string(),
        country: source.and_then(|s| s.country.clone()),
        country_basis: source.and_then(|s| {
            s.country
                .as_ref()
                .and(s.provenance.country_basis)
                .map(|b| b.label().to_string())
        }),
        country_provenance: source.and_then(|s| {
            s.country
                .as_ref()
                .and(s.provenance.country.clone())
                .filter(|p| !p.trim().is_empty())
        }),
        attributed_by: source
            .and(article.attribution.method)
            .map(|m| m.label().to_string()),
        ownership: source
            .and_then(|s| s.ownership)
            .map(|o| o.label().to_string()),
        ownership_detail: source
            .and_then(|s| s.provenance.ownership_detail.clone())
            .filter(|d| !d.trim().is_empty()),
        language: article.language,
        title_translation: None,
        published: article.published,
        byline: article.byline,
        warnings: article.warnings,
    }
}

/// One fact about the serving process's set-up on the status page (`/status`): what ingestion does
/// about embeddings, whether translation is configured. The binary fills these in at start-up.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct StatusLine {
    /// What it is about (`embeddings`, `translation`).
    pub name: String,
    /// What it says, e.g. "off (no model in …); clustering falls back to lexical and entity
    /// evidence".
    pub value: String,
    /// Whether the capability is on (off ones are shown as warnings).
    pub ok: bool,
}

/// The status page as `GET /api/status` returns it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct StatusView {
    /// Numbers of sources, articles and stories stored.
    pub sources: usize,
    /// Articles stored.
    pub articles: usize,
    /// Stories stored.
    pub stories: usize,
    /// Stored article vectors per embedding model.
    pub vectors: Vec<(String, usize)>,
    /// The serving process's set-up (empty when it reported none).
    pub lines: Vec<StatusLine>,
}

/// The status page: the store's numbers now, and `lines`.
pub fn status_view(store: &dyn Store, lines: &[StatusLine]) -> parallax_core::Result<StatusView> {
    let (sources, articles, stories) = store.counts()?;
    Ok(StatusView {
        sources,
        articles,
        stories,
        vectors: store.embedding_counts()?,
        lines: lines.to_vec(),
    })
}

/// The most recent problems, newest first.
pub fn problem_rows(store: &dyn Store, limit: usize) -> parallax_core::Result<Vec<ProblemRow>> {
    Ok(store
        .problems(limit)?
        .into_iter()
        .map(|(time, origin, message)| ProblemRow {
            time,
            origin,
            message,
        })
        .collect())
}

// ---------------------------------------------------------------------------------------------
// Entities and blindspots (pages across stories, read from the story digests)
// ---------------------------------------------------------------------------------------------

/// Stories an entity page lists at most.
pub const ENTITY_STORIES_LIMIT: usize = 200;
/// Recent digested stories the entity index and the blindspot feeds look at.
pub const DIGEST_WINDOW: usize = 1_000;

/// One story on an entity page.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct EntityStoryRow {
    /// Story id.
    pub id: StoryId,
    /// Its headline.
    pub title: String,
    /// When it last changed.
    pub last_updated: DateTime<Utc>,
    /// The entity's name in this story.
    pub name: String,
    /// Articles of the story mentioning it.
    pub articles: usize,
    /// Mentions in them.
    pub mentions: usize,
}

/// An entity page: one person, place or organisation across stories.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct EntityView {
    /// The key every spelling shares.
    pub key: String,
    /// The most used name.
    pub name: String,
    /// "person", "place", "organisation" or "unknown" (the kind most stories give it).
    pub kind: String,
    /// Every spelling seen, most frequent first.
    pub variants: Vec<String>,
    /// Its stories, most recently updated first.
    pub stories: Vec<EntityStoryRow>,
}

/// One line of the entity index.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct EntityRow {
    /// The key (the entity page's address is `/entity/KEY`).
    pub key: String,
    /// The most used name.
    pub name: String,
    /// Its kind.
    pub kind: String,
    /// Stories mentioning it among the recent ones.
    pub stories: usize,
    /// Articles mentioning it in them.
    pub articles: usize,
}

/// Most frequent first, ties by text.
fn ranked(counts: HashMap<String, usize>) -> Vec<String> {
    let mut v: Vec<(String, usize)> = counts.into_iter().collect();
    v.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    v.into_iter().map(|(s, _)| s).collect()
}

/// One entity as several stories name it: the names, kinds and spellings they use.
#[derive(Default)]
struct EntityTally {
    names: HashMap<String, usize>,
    kinds: HashMap<String, usize>,
    variants: HashMap<String, usize>,
    stories: usize,
    articles: usize,
}

impl EntityTally {
    /// Adds one story's entity, its name counted `name_weight` times.
    fn add(&mut self, e: &parallax_core::EntityRef, name_weight: usize) {
        *self.names.entry(e.name.clone()).or_default() += name_weight;
        if e.kind != "unknown" {
            *self.kinds.entry(e.kind.clone()).or_default() += 1;
        }
        for v in &e.variants {
            *self.variants.entry(v.clone()).or_default() += 1;
        }
        self.stories += 1;
        self.articles += e.articles;
    }

    /// The most used name (`key` when there is none), the kind most stories give it, and every
    /// spelling, most used first.
    fn resolve(self, key: &str) -> (String, String, Vec<String>) {
        (
            ranked(self.names)
                .into_iter()
                .next()
                .unwrap_or_else(|| key.to_string()),
            ranked(self.kinds)
                .into_iter()
                .next()
                .unwrap_or_else(|| "unknown".to_string()),
            ranked(self.variants),
        )
    }
}

/// The entity page of `name_or_key`: a key as entity pages use them ("zelenski"), or any
/// spelling of the name ("Zelensky", "Зеленский"), which gives the same key. `None` when no
/// digested story names it.
pub fn entity_view(
    store: &dyn Store,
    name_or_key: &str,
) -> parallax_core::Result<Option<EntityView>> {
    let given = name_or_key.trim();
    if given.is_empty() {
        return Ok(None);
    }
    let mut key = given.to_string();
    let mut found = store.entity_stories(&key, ENTITY_STORIES_LIMIT)?;
    if found.is_empty() {
        key = parallax_intel::entities::entity_key(given);
        if key.is_empty() {
            return Ok(None);
        }
        found = store.entity_stories(&key, ENTITY_STORIES_LIMIT)?;
    }
    if found.is_empty() {
        return Ok(None);
    }
    let mut tally = EntityTally::default();
    for f in &found {
        tally.add(&f.entity, f.entity.articles.max(1));
    }
    let (name, kind, variants) = tally.resolve(&key);
    Ok(Some(EntityView {
        name,
        kind,
        variants,
        stories: found
            .into_iter()
            .map(|f| EntityStoryRow {
                id: f.story,
                title: f.title,
                last_updated: f.last_updated,
                name: f.entity.name,
                articles: f.entity.articles,
                mentions: f.entity.mentions,
            })
            .collect(),
        key,
    }))
}

/// The entities named by the most stories among the [`DIGEST_WINDOW`] most recently updated
/// digested stories, at most `limit`.
pub fn entity_rows(store: &dyn Store, limit: usize) -> parallax_core::Result<Vec<EntityRow>> {
    let mut acc: HashMap<String, EntityTally> = HashMap::new();
    for d in store.digested_stories(DIGEST_WINDOW, 0)? {
        for e in &d.digest.entities {
            acc.entry(e.key.clone()).or_default().add(e, 1);
        }
    }
    let mut rows: Vec<EntityRow> = acc
        .into_iter()
        .filter(|(k, _)| !k.is_empty())
        .map(|(key, a)| {
            let (stories, articles) = (a.stories, a.articles);
            let (name, kind, _) = a.resolve(&key);
            EntityRow {
                name,
                kind,
                stories,
                articles,
                key,
            }
        })
        .collect();
    rows.sort_by(|a, b| {
        b.stories
            .cmp(&a.stories)
            .then(b.articles.cmp(&a.articles))
            .then(a.key.cmp(&b.key))
    });
    rows.truncate(limit);
    Ok(rows)
}

/// The two blindspot feeds, as `GET /api/blindspots` returns them.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct BlindspotsView {
    /// The country of the first feed (ISO 3166-1 alpha-2, upper case).
    pub country: String,
    /// Stories covered widely abroad but little or not at all by that country's outlets.
    pub country_blindspots: Vec<CountryBlindspot>,
    /// Stories covered mostly by outlets of one side (rated left or right; unrated outlets never
    /// form a side).
    pub one_sided: Vec<SideBlindspot>,
    /// Recent stories looked at (those with a digest).
    pub stories_considered: usize,
    /// Of those, stories whose digest predates their last change (their counts may lag).
    pub stale_digests: usize,
    /// Outlets with a bias rating among the known sources: without ratings there is no side.
    pub rated_sources: usize,
}

/// The blindspot feeds for `country` over the [`DIGEST_WINDOW`] most recently updated digested
/// stories, with the default thresholds.
pub fn blindspots_view(store: &dyn Store, country: &str) -> parallax_core::Result<BlindspotsView> {
    let digested = store.digested_stories(DIGEST_WINDOW, 0)?;
    let stale = digested.iter().filter(|d| !d.is_current()).count();
    let coverage: Vec<StoryCoverage> = digested.iter().map(StoryCoverage::from_digest).collect();
    let cfg = BlindspotConfig::default();
    let country = country.trim().to_ascii_uppercase();
    Ok(BlindspotsView {
        country_blindspots: country_blindspots(&coverage, &country, &cfg),
        one_sided: side_blindspots(&coverage, &cfg),
        stories_considered: digested.len(),
        stale_digests: stale,
        rated_sources: store.sources()?.iter().filter(|s| s.bias.is_some()).count(),
        country,
    })
}

/// Whether `code` looks like an ISO 3166-1 alpha-2 country code.
pub fn is_country_code(code: &str) -> bool {
    let c = code.trim();
    c.len() == 2 && c.chars().all(|ch| ch.is_ascii_alphabetic())
}

// ---------------------------------------------------------------------------------------------
// Router
// ---------------------------------------------------------------------------------------------

#[derive(Clone)]
struct AppState {
    store: Arc<dyn Store>,
    status: Arc<[StatusLine]>,
    /// The language translations are shown in unless the reader asks for another (`?lang=`).
    language: Arc<str>,
}

/// How the web application is set up by the process that serves it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WebOptions {
    /// The serving process's set-up, shown on `/status`.
    pub status: Vec<StatusLine>,
    /// The language machine translations are shown in by default (the operator's
    /// `[translate] target`); readers may ask for another with `?lang=` on a story.
    pub language: String,
}

impl Default for WebOptions {
    fn default() -> Self {
        WebOptions {
            status: Vec::new(),
            language: DEFAULT_LANGUAGE.to_string(),
        }
    }
}

/// The web application: HTML pages and the JSON API, with the security headers on every response.
pub fn router(store: Arc<dyn Store>) -> Router {
    router_with_status(store, Vec::new())
}

/// [`router`], with the serving process's set-up shown on `/status`.
pub fn router_with_status(store: Arc<dyn Store>, status: Vec<StatusLine>) -> Router {
    router_with_options(
        store,
        WebOptions {
            status,
            ..WebOptions::default()
        },
    )
}

/// [`router`], set up with `options`.
pub fn router_with_options(store: Arc<dyn Store>, options: WebOptions) -> Router {
    let language = if is_language_code(options.language.trim()) {
        options.language.trim().to_string()
    } else {
        DEFAULT_LANGUAGE.to_string()
    };
    Router::new()
        .route("/", get(index_page))
        .route("/story/{id}", get(story_page))
        .route("/sources", get(sources_page))
        .route("/source/{id}", get(source_page))
        .route("/problems", get(problems_page))
        .route("/status", get(status_page))
        .route("/api/status", get(api_status))
        .route("/api/stories", get(api_stories))
        .route("/api/stories/{id}", get(api_story))
        .route("/api/sources", get(api_sources))
        .route("/api/sources/{id}", get(api_source))
        .route("/api/problems", get(api_problems))
        .route("/entities", get(entities_page))
        .route("/entity/{key}", get(entity_page))
        .route("/blindspots", get(blindspots_page))
        .route("/blindspots/country.atom", get(country_atom))
        .route("/blindspots/one-sided.atom", get(one_sided_atom))
        .route("/feeds/top.atom", get(feeds::top_atom))
        .route("/api/entities", get(api_entities))
        .route("/api/entities/{key}", get(api_entity))
        .route("/api/blindspots", get(api_blindspots))
        .route("/world", get(world::world_page))
        .route("/country/{cc}", get(world::country_page))
        .route("/country/{cc}/feed.atom", get(feeds::country_atom))
        .route("/api/countries", get(world::api_countries))
        .route("/api/countries/{cc}", get(world::api_country))
        .route("/search", get(search::search_page))
        .route("/search.atom", get(feeds::search_atom))
        .route("/api/search", get(search::api_search))
        .route("/healthz", get(healthz))
        .fallback(not_found_page)
        .with_state(AppState {
            store,
            status: options.status.into(),
            language: language.into(),
        })
        .layer(SetResponseHeaderLayer::overriding(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(CONTENT_SECURITY_POLICY),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::REFERRER_POLICY,
            HeaderValue::from_static("no-referrer"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_FRAME_OPTIONS,
            HeaderValue::from_static("DENY"),
        ))
}

/// Serves the web application on `addr` until Ctrl-C. Prints "Serving on http://ADDR".
pub async fn serve(store: Arc<dyn Store>, addr: SocketAddr) -> anyhow::Result<()> {
    serve_with_status(store, addr, Vec::new()).await
}

/// [`serve`], with the serving process's set-up shown on `/status`.
pub async fn serve_with_status(
    store: Arc<dyn Store>,
    addr: SocketAddr,
    status: Vec<StatusLine>,
) -> anyhow::Result<()> {
    serve_with_options(
        store,
        addr,
        WebOptions {
            status,
            ..WebOptions::default()
        },
    )
    .await
}

/// [`serve`], set up with `options`.
pub async fn serve_with_options(
    store: Arc<dyn Store>,
    addr: SocketAddr,
    options: WebOptions,
) -> anyhow::Result<()> {
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|e| anyhow::anyhow!("cannot listen on {addr}: {e}"))?;
    let local = listener.local_addr()?;
    println!("Serving on http://{local}");
    axum::serve(listener, router_with_options(store, options))
        .with_graceful_shutdown(async {
            if let Err(e) = tokio::signal::ctrl_c().await {
                tracing::warn!("cannot listen for Ctrl-C: {e}");
                std::future::pending::<()>().await;
            }
        })
        .await?;
    Ok(())
}

/// What can go wrong while answering a request.
enum Failure {
    Store(parallax_core::Error),
    Task(String),
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Failure::Store(e) => write!(f, "{e}"),
            Failure::Task(e) => write!(f, "internal error: {e}"),
        }
    }
}

/// Runs a synchronous store call off the async threads.
async fn blocking<T, F>(state: &AppState, f: F) -> Result<T, Failure>
where
    T: Send + 'static,
    F: FnOnce(&dyn Store) -> parallax_core::Result<T> + Send + 'static,
{
    let store = state.store.clone();
    match tokio::task::spawn_blocking(move || f(store.as_ref())).await {
        Ok(Ok(v)) => Ok(v),
        Ok(Err(e)) => {
            tracing::error!("store: {e}");
            Err(Failure::Store(e))
        }
        Err(e) => {
            tracing::error!("store task: {e}");
            Err(Failure::Task(e.to_string()))
        }
    }
}

fn html_failure(f: Failure) -> Response {
    let status = match &f {
        Failure::Store(parallax_core::Error::NotFound(_)) => StatusCode::NOT_FOUND,
        _ => StatusCode::INTERNAL_SERVER_ERROR,
    };
    pages::error_page(status, "Something went wrong", &f.to_string())
}

fn json_error(status: StatusCode, message: &str) -> Response {
    (status, Json(serde_json::json!({ "error": message }))).into_response()
}

fn json_failure(f: Failure) -> Response {
    let status = match &f {
        Failure::Store(parallax_core::Error::NotFound(_)) => StatusCode::NOT_FOUND,
        _ => StatusCode::INTERNAL_SERVER_ERROR,
    };
    json_error(status, &f.to_string())
}

/// Parses an optional non-negative number from a query parameter.
fn query_number(query: &HashMap<String, String>, key: &str) -> Result<Option<usize>, String> {
    match query.get(key).map(|v| v.trim()) {
        None | Some("") => Ok(None),
        Some(v) => v
            .parse::<usize>()
            .map(Some)
            .map_err(|_| format!("`{key}` must be a non-negative whole number")),
    }
}

async fn index_page(
    State(state): State<AppState>,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    let page = query_number(&query, "page")
        .ok()
        .flatten()
        .unwrap_or(1)
        .clamp(1, 1_000_000);
    let offset = (page - 1) * PAGE_SIZE;
    // One more than a page, to know whether there is a next page.
    match blocking(&state, move |s| story_rows(s, PAGE_SIZE + 1, offset)).await {
        Ok(mut rows) => {
            let has_next = rows.len() > PAGE_SIZE;
            rows.truncate(PAGE_SIZE);
            pages::index_page(&rows, page, has_next)
        }
        Err(f) => html_failure(f),
    }
}

/// The reader's language: `?lang=` when it is a language code, else the server's.
fn reader_language(state: &AppState, query: &HashMap<String, String>) -> Result<String, String> {
    match query.get("lang").map(|l| l.trim()) {
        None | Some("") => Ok(state.language.to_string()),
        Some(l) if is_language_code(l) => Ok(l.to_string()),
        Some(_) => Err("`lang` must be a language code such as \"en\" or \"pt-BR\"".to_string()),
    }
}

async fn story_page(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    let id = StoryId(id);
    let language = reader_language(&state, &query).unwrap_or_else(|_| state.language.to_string());
    let wanted = id.clone();
    match blocking(&state, move |s| story_view_in(s, &id, &language)).await {
        Ok(Some(view)) => pages::story_page(&view),
        Ok(None) => match blocking(&state, move |s| s.story_alias(&wanted)).await {
            Ok(Some(to)) => moved_to(&format!("/story/{}", pages::path_segment(to.as_str()))),
            Ok(None) => pages::error_page(
                StatusCode::NOT_FOUND,
                "Story not found",
                "There is no story with this id.",
            ),
            Err(f) => html_failure(f),
        },
        Err(f) => html_failure(f),
    }
}

/// A permanent redirect to a local path: the story was merged into another one.
fn moved_to(path: &str) -> Response {
    match HeaderValue::from_str(path) {
        Ok(location) => (
            StatusCode::PERMANENT_REDIRECT,
            [(header::LOCATION, location)],
            "this story was merged into another one\n",
        )
            .into_response(),
        Err(_) => json_error(StatusCode::NOT_FOUND, "story not found"),
    }
}

async fn problems_page(State(state): State<AppState>) -> Response {
    match blocking(&state, |s| problem_rows(s, PROBLEMS_LIMIT)).await {
        Ok(rows) => pages::problems_page(&rows),
        Err(f) => html_failure(f),
    }
}

async fn sources_page(State(state): State<AppState>) -> Response {
    match blocking(&state, |s| source_health(s)).await {
        Ok(rows) => pages::sources_page(&rows),
        Err(f) => html_failure(f),
    }
}

async fn status_page(State(state): State<AppState>) -> Response {
    let lines = state.status.clone();
    match blocking(&state, move |s| status_view(s, &lines)).await {
        Ok(view) => pages::status_page(&view),
        Err(f) => html_failure(f),
    }
}

async fn api_status(State(state): State<AppState>) -> Response {
    let lines = state.status.clone();
    match blocking(&state, move |s| status_view(s, &lines)).await {
        Ok(view) => Json(view).into_response(),
        Err(f) => json_failure(f),
    }
}

async fn not_found_page() -> Response {
    pages::error_page(
        StatusCode::NOT_FOUND,
        "Page not found",
        "There is no page at this address.",
    )
}

async fn api_stories(
    State(state): State<AppState>,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    let (limit, offset) = match (
        query_number(&query, "limit"),
        query_number(&query, "offset"),
    ) {
        (Ok(l), Ok(o)) => (
            l.unwrap_or(API_DEFAULT_LIMIT).min(API_MAX_LIMIT),
            o.unwrap_or(0),
        ),
        (Err(e), _) | (_, Err(e)) => return json_error(StatusCode::BAD_REQUEST, &e),
    };
    match blocking(&state, move |s| story_rows(s, limit, offset)).await {
        Ok(rows) => Json(rows).into_response(),
        Err(f) => json_failure(f),
    }
}

async fn api_story(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    let id = StoryId(id);
    let language = match reader_language(&state, &query) {
        Ok(l) => l,
        Err(e) => return json_error(StatusCode::BAD_REQUEST, &e),
    };
    let wanted = id.clone();
    match blocking(&state, move |s| story_view_in(s, &id, &language)).await {
        Ok(Some(view)) => Json(view).into_response(),
        Ok(None) => match blocking(&state, move |s| s.story_alias(&wanted)).await {
            Ok(Some(to)) => moved_to(&format!(
                "/api/stories/{}",
                pages::path_segment(to.as_str())
            )),
            Ok(None) => json_error(StatusCode::NOT_FOUND, "story not found"),
            Err(f) => json_failure(f),
        },
        Err(f) => json_failure(f),
    }
}

async fn api_problems(State(state): State<AppState>) -> Response {
    match blocking(&state, |s| problem_rows(s, PROBLEMS_LIMIT)).await {
        Ok(rows) => Json(rows).into_response(),
        Err(f) => json_failure(f),
    }
}

async fn api_sources(State(state): State<AppState>) -> Response {
    match blocking(&state, |s| source_health(s)).await {
        Ok(rows) => Json(rows).into_response(),
        Err(f) => json_failure(f),
    }
}

/// The page of the source `given` names (an id, or a site: see [`find_source`]).
fn source_by_address(store: &dyn Store, given: &str) -> parallax_core::Result<Option<SourceView>> {
    match find_source(store, given)? {
        Some(id) => source_view(store, &id),
        None => Ok(None),
    }
}

async fn source_page(State(state): State<AppState>, Path(id): Path<String>) -> Response {
    match blocking(&state, move |s| source_by_address(s, &id)).await {
        Ok(Some(view)) => pages::source_page(&view),
        Ok(None) => pages::error_page(
            StatusCode::NOT_FOUND,
            "Source not found",
            "There is no source with this id.",
        ),
        Err(f) => html_failure(f),
    }
}

async fn api_source(State(state): State<AppState>, Path(id): Path<String>) -> Response {
    match blocking(&state, move |s| source_by_address(s, &id)).await {
        Ok(Some(view)) => Json(view).into_response(),
        Ok(None) => json_error(StatusCode::NOT_FOUND, "source not found"),
        Err(f) => json_failure(f),
    }
}

/// Entities listed on `/entities` and by `GET /api/entities`.
const ENTITY_ROWS_LIMIT: usize = 200;

async fn entities_page(State(state): State<AppState>) -> Response {
    match blocking(&state, |s| entity_rows(s, ENTITY_ROWS_LIMIT)).await {
        Ok(rows) => pages::entities_page(&rows),
        Err(f) => html_failure(f),
    }
}

async fn api_entities(State(state): State<AppState>) -> Response {
    match blocking(&state, |s| entity_rows(s, ENTITY_ROWS_LIMIT)).await {
        Ok(rows) => Json(rows).into_response(),
        Err(f) => json_failure(f),
    }
}

async fn entity_page(State(state): State<AppState>, Path(key): Path<String>) -> Response {
    match blocking(&state, move |s| entity_view(s, &key)).await {
        Ok(Some(view)) => pages::entity_page(&view),
        Ok(None) => pages::error_page(
            StatusCode::NOT_FOUND,
            "Entity not found",
            "No story names this person, place or organisation (yet: entity pages follow the \
             story digests, brought up to date after each import and crawl pass).",
        ),
        Err(f) => html_failure(f),
    }
}

async fn api_entity(State(state): State<AppState>, Path(key): Path<String>) -> Response {
    match blocking(&state, move |s| entity_view(s, &key)).await {
        Ok(Some(view)) => Json(view).into_response(),
        Ok(None) => json_error(StatusCode::NOT_FOUND, "no story names this entity"),
        Err(f) => json_failure(f),
    }
}

/// The country of the blindspot feed: `?country=` when it is a country code, else the default.
fn blindspot_country(query: &HashMap<String, String>) -> Result<String, String> {
    match query.get("country").map(|c| c.trim()) {
        None | Some("") => Ok(parallax_intel::blindspots::DEFAULT_COUNTRY.to_string()),
        Some(c) if is_country_code(c) => Ok(c.to_ascii_uppercase()),
        Some(_) => Err("`country` must be a two-letter country code such as \"US\"".to_string()),
    }
}

async fn blindspots_page(
    State(state): State<AppState>,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    let country = match blindspot_country(&query) {
        Ok(c) => c,
        Err(e) => return pages::error_page(StatusCode::BAD_REQUEST, "Bad request", &e),
    };
    match blocking(&state, move |s| blindspots_view(s, &country)).await {
        Ok(view) => pages::blindspots_page(&view),
        Err(f) => html_failure(f),
    }
}

async fn blindspot_feed(
    state: AppState,
    query: HashMap<String, String>,
    render: fn(&BlindspotsView) -> String,
) -> Response {
    let country = match blindspot_country(&query) {
        Ok(c) => c,
        Err(e) => return json_error(StatusCode::BAD_REQUEST, &e),
    };
    match blocking(&state, move |s| blindspots_view(s, &country)).await {
        Ok(view) => (
            [(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/atom+xml; charset=utf-8"),
            )],
            render(&view),
        )
            .into_response(),
        Err(f) => json_failure(f),
    }
}

async fn country_atom(
    State(state): State<AppState>,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    blindspot_feed(state, query, feeds::country_feed).await
}

async fn one_sided_atom(
    State(state): State<AppState>,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    blindspot_feed(state, query, feeds::one_sided_feed).await
}

async fn api_blindspots(
    State(state): State<AppState>,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    let country = match blindspot_country(&query) {
        Ok(c) => c,
        Err(e) => return json_error(StatusCode::BAD_REQUEST, &e),
    };
    match blocking(&state, move |s| blindspots_view(s, &country)).await {
        Ok(view) => Json(view).into_response(),
        Err(f) => json_failure(f),
    }
}

async fn healthz() -> Response {
    (
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        "ok\n",
    )
        .into_response()
}
