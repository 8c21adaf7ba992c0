//! Stories: the story list ([`story_rows`]) and a story with everything its page shows
//! ([`story_view_in`]): its articles with their outlets' facts and provenance, the cached machine
//! translations into the reader's language, and the story intelligence.

use crate::intel_cache;
use crate::related::{RELATED_STORIES, RelatedStory, related_stories};
use crate::translations::{self, BulletView, DEFAULT_LANGUAGE, TranslationView};
use chrono::{DateTime, Utc};
use parallax_core::{
    Article, ArticleId, Coverage, ListedStory, PublishedTime, Source, SourceId, Store, StoryId,
};
use parallax_intel::StoryIntel;
use serde::Serialize;
use std::collections::HashMap;

/// The name shown for articles whose source is unknown.
pub const UNKNOWN_SOURCE_NAME: &str = "Unknown source";

/// One line of the story list.
#[derive(Clone, Debug, PartialEq, Serialize, utoipa::ToSchema)]
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
#[derive(Clone, Debug, PartialEq, Serialize, utoipa::ToSchema)]
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
    /// Other stories naming the most of this story's people, places and organisations, most
    /// shared first (at most [`crate::RELATED_STORIES`]; empty until digests are made).
    pub related: Vec<RelatedStory>,
}

/// An article as listed on a story page.
#[derive(Clone, Debug, PartialEq, Serialize, utoipa::ToSchema)]
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
    /// The source's bias rating as rated ("left", "center", ...), when it is rated.
    pub bias: Option<String>,
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

/// The story list: `limit` stories after skipping `offset`, most recently updated first.
pub fn story_rows(
    store: &dyn Store,
    limit: usize,
    offset: usize,
) -> parallax_core::Result<Vec<StoryRow>> {
    let stories = store.listed_stories(limit, offset)?;
    Ok(stories
        .into_iter()
        .map(
            |ListedStory {
                 story: s,
                 independent_reports,
             }| StoryRow {
                article_count: s.articles.len().max(s.coverage.articles),
                source_count: s.coverage.sources,
                independent_reports,
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
            },
        )
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
    let digest = store.digest(id)?;
    // Related stories through the story's entities, most mentioned first: the digest's, or the
    // intel's when there is no digest yet.
    let entity_keys: Vec<(String, String)> = match &digest {
        Some(d) if !d.entities.is_empty() => d
            .entities
            .iter()
            .map(|e| (e.key.clone(), e.name.clone()))
            .collect(),
        _ => intel
            .entities
            .iter()
            .map(|e| (e.key.clone(), e.name.clone()))
            .collect(),
    };
    let related = related_stories(store, id, &entity_keys, RELATED_STORIES)?;
    let gists: Vec<parallax_core::ArticleGist> = digest
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
        related,
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
        bias: source
            .and_then(|s| s.bias.as_ref())
            .map(|b| b.value.trim().to_string())
            .filter(|b| !b.is_empty()),
        language: article.language,
        title_translation: None,
        published: article.published,
        byline: article.byline,
        warnings: article.warnings,
    }
}
