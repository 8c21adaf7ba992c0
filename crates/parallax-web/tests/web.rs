//! The router driven in-process over a small in-memory store holding hostile article data.

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use chrono::{DateTime, TimeZone, Utc};
use http_body_util::BodyExt;
use parallax_core::store_roles::*;
use parallax_core::{
    Article, ArticleAttribution, ArticleId, ArticleInsert, ArticleMatch, Bullet, Coverage,
    DateFound, DigestedStory, EntityStory, Error, FeedState, Highlighted, ListedStory,
    OwnershipType, ProvidedRating, PublishedTime, Rating, RatingKind, Reattribution, Result,
    SEARCH_ARTICLES_PER_STORY, SearchQuery, SearchResults, Source, SourceId, SourceStore, Story,
    StoryDigest, StoryId, StoryMatch, StoryRecord, Tally, Translation,
};
use parallax_views::{
    source_health, source_health_at, source_health_summary, story_rows, story_view,
};
use parallax_web::{CONTENT_SECURITY_POLICY, router};
use serde_json::Value;
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use tower::ServiceExt;

// ---------------------------------------------------------------------------------------------
// In-memory store
// ---------------------------------------------------------------------------------------------

#[derive(Default)]
struct MemStore {
    sources: Mutex<Vec<Source>>,
    articles: Mutex<Vec<(Article, StoryId)>>,
    stories: Mutex<Vec<Story>>,
    problems: Mutex<Vec<(DateTime<Utc>, String, String)>>,
    feeds: Mutex<BTreeMap<String, FeedState>>,
    translations: Mutex<Vec<Translation>>,
    digests: Mutex<Vec<StoryDigest>>,
    aliases: Mutex<Vec<(StoryId, StoryId)>>,
    ratings: Mutex<Vec<ProvidedRating>>,
    settings: Mutex<BTreeMap<String, String>>,
    embeddings: Mutex<Vec<parallax_core::ArticleEmbedding>>,
}

impl SourceStore for MemStore {
    fn upsert_source(&self, source: &Source) -> Result<()> {
        let mut s = self.sources.lock().unwrap();
        s.retain(|x| x.id != source.id);
        s.push(source.clone());
        Ok(())
    }
    fn source(&self, id: &SourceId) -> Result<Option<Source>> {
        Ok(self
            .sources
            .lock()
            .unwrap()
            .iter()
            .find(|s| &s.id == id)
            .cloned())
    }
    fn sources(&self) -> Result<Vec<Source>> {
        let mut v = self.sources.lock().unwrap().clone();
        v.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(v)
    }
    fn source_article_counts(
        &self,
        since: DateTime<Utc>,
    ) -> Result<Vec<parallax_core::SourceArticles>> {
        let mut counts = BTreeMap::new();
        for (a, _) in self.articles.lock().unwrap().iter() {
            if a.fetched_at.date_naive() >= since.date_naive() {
                *counts.entry(a.source.clone()).or_insert(0) += 1;
            }
        }
        Ok(counts
            .into_iter()
            .map(|(source, articles)| parallax_core::SourceArticles { source, articles })
            .collect())
    }

    fn attributions(&self) -> Result<Vec<ArticleAttribution>> {
        Ok(self
            .articles
            .lock()
            .unwrap()
            .iter()
            .map(|(a, story)| ArticleAttribution {
                article: a.id.clone(),
                story: story.clone(),
                source: a.source.clone(),
                url: a.url.clone(),
                canonical_url: a.canonical_url.clone(),
                attribution: a.attribution.clone(),
            })
            .collect())
    }
    fn reattribute(&self, change: &Reattribution) -> Result<()> {
        let mut articles = self.articles.lock().unwrap();
        let mut stories = self.stories.lock().unwrap();
        // Check everything first: a refused change writes nothing.
        for a in &change.articles {
            if !articles.iter().any(|(x, _)| x.id == a.article) {
                return Err(Error::Invalid(format!(
                    "article {} is not stored",
                    a.article
                )));
            }
        }
        for s in &change.stories {
            if !stories.iter().any(|x| x.id == s.id) {
                return Err(Error::Invalid(format!("story {} is not stored", s.id)));
            }
        }
        {
            let mut sources = self.sources.lock().unwrap();
            for s in &change.sources {
                sources.retain(|x| x.id != s.id);
                sources.push(s.clone());
            }
        }
        for a in &change.articles {
            if let Some((x, _)) = articles.iter_mut().find(|(x, _)| x.id == a.article) {
                x.source = a.source.clone();
                x.attribution = a.attribution.clone();
            }
        }
        let mut digests = self.digests.lock().unwrap();
        for s in &change.stories {
            if let Some(x) = stories.iter_mut().find(|x| x.id == s.id) {
                x.title = s.title.clone();
                x.summary = s.summary.clone();
                x.coverage = s.coverage.clone();
            }
            digests.retain(|d| d.story != s.id);
        }
        if let Some((k, v)) = &change.setting {
            self.settings.lock().unwrap().insert(k.clone(), v.clone());
        }
        Ok(())
    }
    fn replace_ratings(
        &self,
        provider: &str,
        kind: RatingKind,
        ratings: &[ProvidedRating],
    ) -> Result<()> {
        if let Some(r) = ratings
            .iter()
            .find(|r| r.provider != provider || r.kind != kind)
        {
            return Err(Error::Invalid(format!(
                "a rating of {} ({}) among those of {provider} ({})",
                r.provider,
                r.kind.label(),
                kind.label()
            )));
        }
        let mut all = self.ratings.lock().unwrap();
        all.retain(|r| !(r.provider == provider && r.kind == kind));
        all.extend(ratings.iter().cloned());
        Ok(())
    }
    fn ratings(&self) -> Result<Vec<ProvidedRating>> {
        let mut v = self.ratings.lock().unwrap().clone();
        v.sort_by(|a, b| (&a.provider, a.kind, &a.domain).cmp(&(&b.provider, b.kind, &b.domain)));
        Ok(v)
    }
    fn setting(&self, key: &str) -> Result<Option<String>> {
        Ok(self.settings.lock().unwrap().get(key).cloned())
    }
    fn source_stories(&self, source: &SourceId, limit: usize) -> Result<Vec<Story>> {
        let with_source: Vec<StoryId> = self
            .articles
            .lock()
            .unwrap()
            .iter()
            .filter(|(a, _)| &a.source == source)
            .map(|(_, s)| s.clone())
            .collect();
        Ok(self
            .stories(usize::MAX, 0)?
            .into_iter()
            .filter(|s| with_source.contains(&s.id))
            .take(limit)
            .collect())
    }
    fn country_volumes(&self, since: DateTime<Utc>) -> Result<Vec<parallax_core::CountryVolume>> {
        let sources = self.sources.lock().unwrap();
        let mut per: BTreeMap<String, (usize, std::collections::BTreeSet<SourceId>)> =
            BTreeMap::new();
        for (a, _) in self.articles.lock().unwrap().iter() {
            if a.fetched_at.date_naive() < since.date_naive() {
                continue;
            }
            let Some(country) = sources
                .iter()
                .find(|s| s.id == a.source)
                .and_then(|s| s.known_country())
                .map(|c| c.trim().to_ascii_uppercase())
                .filter(|c| !c.is_empty())
            else {
                continue;
            };
            let e = per.entry(country).or_default();
            e.0 += 1;
            e.1.insert(a.source.clone());
        }
        let mut out: Vec<parallax_core::CountryVolume> = per
            .into_iter()
            .map(
                |(country, (articles, outlets))| parallax_core::CountryVolume {
                    country,
                    articles,
                    outlets: outlets.len(),
                },
            )
            .collect();
        out.sort_by(|a, b| b.articles.cmp(&a.articles).then(a.country.cmp(&b.country)));
        Ok(out)
    }
}

impl ArticleStore for MemStore {
    fn find_duplicate(&self, article: &Article) -> Result<Option<ArticleId>> {
        Ok(self
            .articles
            .lock()
            .unwrap()
            .iter()
            .find(|(a, _)| {
                a.id == article.id
                    || a.content_hash == article.content_hash
                    || (a.canonical_url.is_some() && a.canonical_url == article.canonical_url)
            })
            .map(|(a, _)| a.id.clone()))
    }
    fn commit_article(&self, article: &Article, story: &Story) -> Result<ArticleInsert> {
        if let Some(id) = self.find_duplicate(article)? {
            return Ok(ArticleInsert::Duplicate(id));
        }
        self.articles
            .lock()
            .unwrap()
            .push((article.clone(), story.id.clone()));
        let mut stories = self.stories.lock().unwrap();
        stories.retain(|s| s.id != story.id);
        stories.push(story.clone());
        Ok(ArticleInsert::Inserted)
    }
    fn article(&self, id: &ArticleId) -> Result<Option<Article>> {
        Ok(self
            .articles
            .lock()
            .unwrap()
            .iter()
            .find(|(a, _)| &a.id == id)
            .map(|(a, _)| a.clone()))
    }
    fn story_articles(&self, id: &StoryId) -> Result<Vec<Article>> {
        let Some(story) = self.story(id)? else {
            return Ok(Vec::new());
        };
        let arts = self.articles.lock().unwrap();
        Ok(story
            .articles
            .iter()
            .filter_map(|aid| {
                arts.iter()
                    .find(|(a, _)| &a.id == aid)
                    .map(|(a, _)| a.clone())
            })
            .collect())
    }
    fn story(&self, id: &StoryId) -> Result<Option<Story>> {
        Ok(self
            .stories
            .lock()
            .unwrap()
            .iter()
            .find(|s| &s.id == id)
            .cloned())
    }
    fn stories(&self, limit: usize, offset: usize) -> Result<Vec<Story>> {
        let mut v = self.stories.lock().unwrap().clone();
        v.sort_by(|a, b| {
            b.last_updated
                .cmp(&a.last_updated)
                .then_with(|| a.id.cmp(&b.id))
        });
        Ok(v.into_iter().skip(offset).take(limit).collect())
    }
    fn listed_stories(&self, limit: usize, offset: usize) -> Result<Vec<ListedStory>> {
        self.stories(limit, offset)?
            .into_iter()
            .map(|story| {
                let independent_reports = self
                    .digest(&story.id)?
                    .filter(|d| d.story_updated >= story.last_updated)
                    .map(|d| d.independent_reports);
                Ok(ListedStory {
                    story,
                    independent_reports,
                })
            })
            .collect()
    }
    fn recent_articles(&self, since: DateTime<Utc>) -> Result<Vec<StoryRecord>> {
        Ok(self
            .articles
            .lock()
            .unwrap()
            .iter()
            .filter(|(a, _)| a.fetched_at >= since)
            .map(|(a, s)| StoryRecord {
                article: a.clone(),
                story: s.clone(),
            })
            .collect())
    }
    fn counts(&self) -> Result<parallax_core::StoreCounts> {
        Ok(parallax_core::StoreCounts {
            sources: self.sources.lock().unwrap().len(),
            articles: self.articles.lock().unwrap().len(),
            stories: self.stories.lock().unwrap().len(),
        })
    }
    fn article_by_url(&self, url: &str) -> Result<Option<ArticleId>> {
        Ok(self
            .articles
            .lock()
            .unwrap()
            .iter()
            .find(|(a, _)| a.url.as_deref() == Some(url) || a.canonical_url.as_deref() == Some(url))
            .map(|(a, _)| a.id.clone()))
    }
    fn search_stories(&self, query: &SearchQuery) -> Result<SearchResults> {
        // Every word (lowercased, as a substring) in the title or text; stories in the order of
        // their last update.
        let words: Vec<String> = query
            .text
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .map(str::to_lowercase)
            .collect();
        if words.is_empty() || query.limit == 0 {
            return Ok(SearchResults::default());
        }
        let sources = self.sources.lock().unwrap().clone();
        let articles = self.articles.lock().unwrap().clone();
        let mut matching: Vec<(StoryId, Article)> = articles
            .into_iter()
            .filter(|(a, _)| {
                let text = format!("{}\n{}", a.title, a.body()).to_lowercase();
                let when = a.published.as_ref().map_or(a.fetched_at, |p| p.at);
                words.iter().all(|w| text.contains(w.as_str()))
                    && query.country.as_ref().is_none_or(|c| {
                        sources
                            .iter()
                            .any(|s| s.id == a.source && s.country.as_deref() == Some(c.as_str()))
                    })
                    && query
                        .language
                        .as_ref()
                        .is_none_or(|l| a.language.as_ref() == Some(l))
                    && query.source.as_ref().is_none_or(|s| &a.source == s)
                    && query.since.is_none_or(|t| when >= t)
                    && query.until.is_none_or(|t| when < t)
            })
            .map(|(a, s)| (s, a))
            .collect();
        let mut stories: Vec<Story> = self
            .stories(usize::MAX, 0)?
            .into_iter()
            .filter(|s| matching.iter().any(|(id, _)| id == &s.id))
            .collect();
        stories.sort_by(|a, b| b.last_updated.cmp(&a.last_updated).then(a.id.cmp(&b.id)));
        let total = stories.len();
        let mark = |text: &str| {
            let lower = text.to_lowercase();
            let mut ranges: Vec<(usize, usize)> = Vec::new();
            if lower.len() == text.len() {
                for w in &words {
                    ranges.extend(
                        lower
                            .match_indices(w.as_str())
                            .map(|(i, m)| (i, i + m.len())),
                    );
                }
            }
            ranges.sort();
            Highlighted::from_ranges(text, &ranges)
        };
        let stories = stories
            .into_iter()
            .skip(query.offset)
            .take(query.limit)
            .map(|s| {
                let hits: Vec<Article> = matching
                    .iter_mut()
                    .filter(|(id, _)| id == &s.id)
                    .map(|(_, a)| a.clone())
                    .collect();
                StoryMatch {
                    matching: hits.len(),
                    articles: hits
                        .iter()
                        .take(SEARCH_ARTICLES_PER_STORY)
                        .map(|a| ArticleMatch {
                            id: a.id.clone(),
                            title: mark(&a.title),
                            source: a.source.clone(),
                            language: a.language.clone(),
                            published: a.published.as_ref().map(|p| p.at),
                            snippet: mark(&a.body()),
                        })
                        .collect(),
                    id: s.id,
                    title: s.title,
                    last_updated: s.last_updated,
                }
            })
            .collect();
        Ok(SearchResults {
            stories,
            total,
            more: false,
        })
    }
    fn story_alias(&self, id: &StoryId) -> Result<Option<StoryId>> {
        Ok(self
            .aliases
            .lock()
            .unwrap()
            .iter()
            .find(|(old, _)| old == id)
            .map(|(_, new)| new.clone()))
    }
    fn regroup(&self, stories: &[Story]) -> Result<()> {
        let mut all = self.stories.lock().unwrap();
        let mut articles = self.articles.lock().unwrap();
        for s in stories {
            for a in &s.articles {
                for other in all.iter_mut() {
                    other.articles.retain(|x| x != a);
                }
                for (art, story) in articles.iter_mut() {
                    if &art.id == a {
                        *story = s.id.clone();
                    }
                }
            }
        }
        for s in stories {
            all.retain(|x| x.id != s.id);
            all.push(s.clone());
        }
        all.retain(|x| !x.articles.is_empty());
        Ok(())
    }
}

impl ProblemStore for MemStore {
    fn record_problem(&self, origin: &str, message: &str) -> Result<()> {
        self.problems
            .lock()
            .unwrap()
            .push((t(5, 12), origin.to_string(), message.to_string()));
        Ok(())
    }
    fn problems(&self, limit: usize) -> Result<Vec<parallax_core::Problem>> {
        let mut v = self.problems.lock().unwrap().clone();
        v.reverse();
        v.truncate(limit);
        Ok(v.into_iter()
            .map(|(at, origin, message)| parallax_core::Problem {
                at,
                origin,
                message,
            })
            .collect())
    }
}

impl FeedStore for MemStore {
    fn feed_states(&self) -> Result<Vec<FeedState>> {
        Ok(self.feeds.lock().unwrap().values().cloned().collect())
    }
    fn save_feed_state(&self, state: &FeedState) -> Result<()> {
        self.feeds
            .lock()
            .unwrap()
            .insert(state.url.clone(), state.clone());
        Ok(())
    }
}

impl TranslationStore for MemStore {
    fn translations(&self, text_hashes: &[String], target: &str) -> Result<Vec<Translation>> {
        Ok(self
            .translations
            .lock()
            .unwrap()
            .iter()
            .filter(|t| t.target_language == target && text_hashes.contains(&t.text_hash))
            .cloned()
            .collect())
    }
    fn save_translations(&self, translations: &[Translation]) -> Result<()> {
        let mut all = self.translations.lock().unwrap();
        for t in translations {
            all.retain(|x| {
                (
                    &x.text_hash,
                    &x.source_language,
                    &x.target_language,
                    &x.backend,
                ) != (
                    &t.text_hash,
                    &t.source_language,
                    &t.target_language,
                    &t.backend,
                )
            });
            all.push(t.clone());
        }
        Ok(())
    }
}

impl EmbeddingStore for MemStore {
    fn commit_article_embedded(
        &self,
        article: &Article,
        story: &Story,
        embedding: Option<&parallax_core::ArticleEmbedding>,
    ) -> Result<ArticleInsert> {
        // Memory has no transaction to share: the commit, then its vector.
        let done = self.commit_article(article, story)?;
        if let (ArticleInsert::Inserted, Some(e)) = (&done, embedding) {
            self.put_embeddings(std::slice::from_ref(e))?;
        }
        Ok(done)
    }
    fn put_embeddings(&self, embeddings: &[parallax_core::ArticleEmbedding]) -> Result<()> {
        let articles = self.articles.lock().unwrap();
        if let Some(e) = embeddings
            .iter()
            .find(|e| !articles.iter().any(|(a, _)| a.id == e.article))
        {
            return Err(parallax_core::Error::Invalid(format!(
                "article {} is not stored",
                e.article
            )));
        }
        let mut stored = self.embeddings.lock().unwrap();
        for e in embeddings {
            stored.retain(|x| !(x.article == e.article && x.model == e.model));
            stored.push(e.clone());
        }
        Ok(())
    }
    fn embeddings(
        &self,
        model: &str,
        ids: &[ArticleId],
    ) -> Result<Vec<parallax_core::ArticleEmbedding>> {
        let stored = self.embeddings.lock().unwrap();
        Ok(ids
            .iter()
            .filter_map(|id| {
                stored
                    .iter()
                    .find(|e| &e.article == id && e.model == model)
                    .cloned()
            })
            .collect())
    }
    fn recent_embeddings(
        &self,
        model: &str,
        since: DateTime<Utc>,
    ) -> Result<Vec<parallax_core::ArticleEmbedding>> {
        let ids: Vec<ArticleId> = self
            .articles
            .lock()
            .unwrap()
            .iter()
            .filter(|(a, _)| a.fetched_at >= since)
            .map(|(a, _)| a.id.clone())
            .collect();
        self.embeddings(model, &ids)
    }
    fn embedding_counts(&self) -> Result<Vec<parallax_core::ModelVectors>> {
        let mut counts: BTreeMap<String, usize> = BTreeMap::new();
        for e in self.embeddings.lock().unwrap().iter() {
            *counts.entry(e.model.clone()).or_default() += 1;
        }
        Ok(counts
            .into_iter()
            .map(|(model, vectors)| parallax_core::ModelVectors { model, vectors })
            .collect())
    }
}

impl DigestStore for MemStore {
    fn stale_digests(&self, limit: usize) -> Result<Vec<StoryId>> {
        let digests = self.digests.lock().unwrap();
        Ok(self
            .stories
            .lock()
            .unwrap()
            .iter()
            .filter(|s| {
                !digests
                    .iter()
                    .any(|d| d.story == s.id && d.story_updated >= s.last_updated)
            })
            .take(limit)
            .map(|s| s.id.clone())
            .collect())
    }
    fn save_digest(&self, digest: &StoryDigest) -> Result<()> {
        let mut d = self.digests.lock().unwrap();
        d.retain(|x| x.story != digest.story);
        d.push(digest.clone());
        Ok(())
    }
    fn digest(&self, story: &StoryId) -> Result<Option<StoryDigest>> {
        Ok(self
            .digests
            .lock()
            .unwrap()
            .iter()
            .find(|d| &d.story == story)
            .cloned())
    }
    fn digested_stories(&self, limit: usize, offset: usize) -> Result<Vec<DigestedStory>> {
        let digests = self.digests.lock().unwrap();
        Ok(self
            .stories(usize::MAX, 0)?
            .into_iter()
            .filter_map(|s| {
                let mut d = digests.iter().find(|d| d.story == s.id)?.clone();
                d.gists.clear();
                d.ledger.clear();
                Some(DigestedStory {
                    story: s.id,
                    title: s.title,
                    last_updated: s.last_updated,
                    digest: d,
                })
            })
            .skip(offset)
            .take(limit)
            .collect())
    }
    fn entity_stories(&self, key: &str, limit: usize) -> Result<Vec<EntityStory>> {
        Ok(self
            .digested_stories(usize::MAX, 0)?
            .into_iter()
            .filter_map(|d| {
                let entity = d.digest.entities.into_iter().find(|e| e.key == key)?;
                Some(EntityStory {
                    story: d.story,
                    title: d.title,
                    last_updated: d.last_updated,
                    entity,
                })
            })
            .take(limit)
            .collect())
    }
}

// ---------------------------------------------------------------------------------------------
// Fixture: one story full of hostile data
// ---------------------------------------------------------------------------------------------

const XSS_SCRIPT: &str = "<script>alert(1)</script>";
const XSS_IMG: &str = "<img src=x onerror=alert(1)>";
const XSS_URL: &str = "javascript:alert(1)";

fn t(day: u32, hour: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2025, 7, day, hour, 0, 0).unwrap()
}

fn article(
    key: &str,
    source: &SourceId,
    url: Option<&str>,
    title: &str,
    paragraphs: &[&str],
) -> Article {
    Article {
        section: None,
        id: ArticleId::from_key(key),
        source: source.clone(),
        url: url.map(str::to_string),
        canonical_url: None,
        title: title.to_string(),
        byline: None,
        published: None,
        language: Some("en".to_string()),
        paragraphs: paragraphs.iter().map(|p| p.to_string()).collect(),
        content_hash: parallax_core::content_hash(key),
        fetched_at: t(4, 0),
        origin: key.to_string(),
        warnings: Vec::new(),
        excerpts: Vec::new(),
        attribution: Default::default(),
    }
}

struct Fixture {
    store: Arc<MemStore>,
    story: StoryId,
    articles: Vec<ArticleId>,
}

fn fixture() -> Fixture {
    let store = Arc::new(MemStore::default());
    let mut good = Source::named("Good Wire");
    good.country = Some("US".into());
    good.bias = Some(Rating {
        value: "center".into(),
        provenance: "test".into(),
    });
    good.ownership = Some(OwnershipType::Agency);
    let mut evil = Source::named("Evil <script>alert(1)</script> Times");
    evil.country = Some("<img src=x onerror=alert(1)>".into());
    store.upsert_source(&good).unwrap();
    store.upsert_source(&evil).unwrap();

    let mut a1 = article(
        "a1",
        &good.id,
        Some("https://example.com/bridge?a=1&b=2"),
        "Bridge collapses in Millbrook",
        &[
            "The Riverside bridge in Millbrook collapsed on Monday morning, sending four cars into the river.",
        ],
    );
    a1.published = Some(PublishedTime {
        at: t(7, 9),
        found: DateFound::Meta,
        confidence: 0.9,
    });
    a1.byline = Some("Jane Doe".into());
    let mut a2 = article(
        "a2",
        &evil.id,
        Some(XSS_URL),
        &format!("Evil headline {XSS_SCRIPT}"),
        &[&format!(
            "Eleven people were rescued {XSS_IMG} from the river."
        )],
    );
    a2.byline = Some(format!("By {XSS_SCRIPT}"));
    a2.warnings = vec![format!("odd markup {XSS_IMG}")];
    a2.language = Some(XSS_SCRIPT.into());
    let a3 = article(
        "a3",
        &SourceId::unknown(),
        Some("  JavaScript:alert(document.cookie)"),
        "\"><script>alert(1)</script>",
        &["A local file with no outlet."],
    );

    let story_id = StoryId::from_seed(&a1.id);
    let story = Story {
        id: story_id.clone(),
        title: format!("Bridge collapse {XSS_SCRIPT}"),
        summary: vec![
            Bullet {
                text: "The Riverside bridge in Millbrook collapsed on Monday morning, sending four cars into the river.".into(),
                citations: vec![a1.id.clone(), a2.id.clone()],
            },
            Bullet {
                text: format!("Eleven people were rescued {XSS_IMG} from the river."),
                citations: vec![a2.id.clone(), ArticleId::from("art-gone")],
            },
        ],
        coverage: Coverage {
            articles: 3,
            sources: 2,
            unknown_source_articles: 1,
            countries: vec![
                Tally { label: "US".into(), count: 1, share: 1.0 / 3.0 },
                Tally { label: XSS_IMG.into(), count: 1, share: 1.0 / 3.0 },
                Tally { label: "unknown".into(), count: 1, share: 1.0 / 3.0 },
            ],
            languages: vec![
                Tally { label: "en".into(), count: 2, share: 2.0 / 3.0 },
                Tally { label: XSS_SCRIPT.into(), count: 1, share: 1.0 / 3.0 },
            ],
            bias: vec![
                Tally { label: "center".into(), count: 1, share: 0.5 },
                Tally { label: "unrated".into(), count: 1, share: 0.5 },
            ],
            ownership: vec![
                Tally { label: "agency".into(), count: 1, share: 0.5 },
                Tally { label: "unknown".into(), count: 1, share: 0.5 },
            ],
            first_published: Some(t(7, 9)),
            last_published: Some(t(7, 9)),
            undated_articles: 2,
            // A category, and a label no category has (from a damaged file): never shown.
            sections: vec![
                Tally { label: "world".into(), count: 2, share: 2.0 / 3.0 },
                Tally { label: XSS_SCRIPT.into(), count: 1, share: 1.0 / 3.0 },
            ],
            ..Coverage::default()
        },
        articles: vec![a1.id.clone(), a2.id.clone(), a3.id.clone()],
        first_seen: t(7, 10),
        last_updated: t(7, 12),
    };
    let ids = vec![a1.id.clone(), a2.id.clone(), a3.id.clone()];
    for a in [&a1, &a2, &a3] {
        store.commit_article(a, &story).unwrap();
    }
    store
        .record_problem(
            "/data/broken <script>alert(1)</script>.html",
            "not a news article: <img src=x onerror=alert(1)>",
        )
        .unwrap();
    Fixture {
        store,
        story: story_id,
        articles: ids,
    }
}

/// The fixture plus sources with feeds: one failing (two feeds, the newest error hostile), one
/// degraded, one ok (with articles), one never polled (state saved, never polled) and one whose
/// feed has no state at all. The fixture's own sources have no feeds.
fn health_fixture() -> Fixture {
    let f = fixture();
    let store = &f.store;
    let with_feeds = |name: &str, feeds: &[&str]| {
        let mut s = Source::named(name);
        s.feeds = feeds.iter().map(|u| u.to_string()).collect();
        store.upsert_source(&s).unwrap();
        s
    };
    let polled = |url: &str, source: &Source, at: DateTime<Utc>, error: Option<&str>| {
        let mut st = FeedState::new(url, source.id.clone(), 3600, t(1, 0));
        st.last_polled = Some(at);
        st.next_poll = at + chrono::Duration::hours(1);
        match error {
            Some(e) => {
                st.last_error = Some(e.to_string());
                st.consecutive_failures = 2;
            }
            None => st.last_success = Some(at),
        }
        st
    };

    let mut zeta = Source::named("Zeta Failing");
    zeta.country = Some("DE".into());
    zeta.languages = vec!["de".into(), "en".into()];
    zeta.feeds = vec![
        "https://zeta.example/one.xml".into(),
        "https://zeta.example/two.xml".into(),
    ];
    store.upsert_source(&zeta).unwrap();
    let mut one = polled(&zeta.feeds[0], &zeta, t(9, 0), Some("HTTP 500"));
    one.last_success = Some(t(8, 0));
    one.warnings = vec!["w1".into(), "w2".into(), "w3".into()];
    let mut two = polled(
        &zeta.feeds[1],
        &zeta,
        t(9, 6),
        Some(&format!("not a feed: {XSS_SCRIPT}")),
    );
    two.warnings = vec!["w2".into(), "w4".into(), XSS_IMG.into(), "w6".into()];
    store.save_feed_state(&one).unwrap();
    store.save_feed_state(&two).unwrap();

    let yankee = with_feeds(
        "Yankee Degraded",
        &[
            "https://yankee.example/a.xml",
            "https://yankee.example/b.xml",
        ],
    );
    store
        .save_feed_state(&polled(&yankee.feeds[0], &yankee, t(9, 0), None))
        .unwrap();
    store
        .save_feed_state(&polled(
            &yankee.feeds[1],
            &yankee,
            t(9, 1),
            Some("timed out"),
        ))
        .unwrap();

    let alpha = with_feeds("Alpha OK", &["https://alpha.example/rss"]);
    store
        .save_feed_state(&polled(&alpha.feeds[0], &alpha, t(9, 12), None))
        .unwrap();
    // Seven articles in the window before t(10, 0), one older.
    let story = store.story(&f.story).unwrap().unwrap();
    for i in 0..8 {
        let mut a = article(
            &format!("alpha-{i}"),
            &alpha.id,
            Some(&format!("https://alpha.example/{i}")),
            "Alpha",
            &["Text."],
        );
        a.fetched_at = if i == 0 { t(1, 0) } else { t(4, 0) };
        store.commit_article(&a, &story).unwrap();
    }

    let beta = with_feeds("Beta New", &["https://beta.example/feed"]);
    store
        .save_feed_state(&FeedState::new(
            &beta.feeds[0],
            beta.id.clone(),
            3600,
            t(9, 0),
        ))
        .unwrap();
    with_feeds("Charlie Stateless", &["https://charlie.example/feed"]);
    f
}

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

struct Reply {
    status: StatusCode,
    headers: axum::http::HeaderMap,
    body: String,
}

async fn get(store: Arc<MemStore>, uri: &str) -> Reply {
    let app = router(store);
    let response = app
        .oneshot(Request::builder().uri(uri).body(Body::empty()).unwrap())
        .await
        .unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    Reply {
        status,
        headers,
        body: String::from_utf8_lossy(&bytes).into_owned(),
    }
}

fn assert_safe(uri: &str, r: &Reply) {
    let lower = r.body.to_lowercase();
    assert!(
        !lower.contains("<script"),
        "{uri}: unescaped <script\n{}",
        r.body
    );
    assert!(!lower.contains("<img"), "{uri}: unescaped <img\n{}", r.body);
    assert!(
        !lower.contains("onerror="),
        "{uri}: onerror= present\n{}",
        r.body
    );
    assert!(
        !lower.contains("href=\"javascript:"),
        "{uri}: javascript: link\n{}",
        r.body
    );
    assert!(
        !lower.contains("href=\" javascript:"),
        "{uri}: javascript: link"
    );
    assert_security_headers(uri, r);
}

fn assert_security_headers(uri: &str, r: &Reply) {
    assert_eq!(
        r.headers
            .get(header::CONTENT_SECURITY_POLICY)
            .and_then(|v| v.to_str().ok()),
        Some(CONTENT_SECURITY_POLICY),
        "{uri}: CSP"
    );
    assert_eq!(
        r.headers.get(header::X_CONTENT_TYPE_OPTIONS).unwrap(),
        "nosniff",
        "{uri}"
    );
    assert_eq!(
        r.headers.get(header::REFERRER_POLICY).unwrap(),
        "no-referrer",
        "{uri}"
    );
}

// ---------------------------------------------------------------------------------------------
// Tests
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn every_page_is_ok_escaped_and_has_security_headers() {
    let f = fixture();
    let story_uri = format!("/story/{}", f.story);
    for uri in [
        "/",
        "/?page=1",
        "/?page=abc",
        "/?page=-1&page=%ZZ",
        "/?page=99999999999999999999999",
        "/problems",
        "/sources",
        story_uri.as_str(),
        "/healthz",
    ] {
        let r = get(f.store.clone(), uri).await;
        assert_eq!(r.status, StatusCode::OK, "{uri}");
        assert_safe(uri, &r);
    }
    for uri in [
        "/api/stories",
        "/api/problems",
        "/api/sources",
        &format!("/api/stories/{}", f.story),
    ] {
        let r = get(f.store.clone(), uri).await;
        assert_eq!(r.status, StatusCode::OK, "{uri}");
        assert_security_headers(uri, &r);
        assert!(
            r.headers
                .get(header::CONTENT_TYPE)
                .unwrap()
                .to_str()
                .unwrap()
                .starts_with("application/json"),
            "{uri}"
        );
    }
}

#[tokio::test]
async fn story_list_shows_the_story() {
    let f = fixture();
    let r = get(f.store.clone(), "/").await;
    assert!(
        r.body.contains(&format!("href=\"/story/{}\"", f.story)),
        "{}",
        r.body
    );
    assert!(
        r.body
            .contains("Bridge collapse &lt;script&gt;alert(1)&lt;/script&gt;"),
        "{}",
        r.body
    );
    assert!(r.body.contains("3 articles"));
    assert!(r.body.contains("2 outlets"));
    // Far past the end: an empty page, still 200, whose previous page keeps the instant ranked at.
    let r = get(f.store.clone(), "/?page=99&at=2030-01-01T00:00:00Z").await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("No more stories"));
    assert!(
        r.body
            .contains("href=\"/?page&#61;98&amp;at&#61;2030-01-01T00:00:00Z\""),
        "{}",
        r.body
    );
    // Filters and orders are checked; the JSON of the page says what was asked.
    for bad in ["/?order=best", "/?country=France", "/?at=yesterday"] {
        assert_eq!(
            get(f.store.clone(), bad).await.status,
            StatusCode::BAD_REQUEST,
            "{bad}"
        );
    }
    let r = get(f.store.clone(), "/api/front?order=latest&lang=en").await;
    assert_eq!(r.status, StatusCode::OK);
    let v: Value = serde_json::from_str(&r.body).unwrap();
    assert_eq!(v["order"], "latest");
    assert_eq!(v["language"], "en");
    assert!(v["cards"].as_array().is_some());
    let r = get(f.store.clone(), "/?country=ZZ").await;
    assert!(
        r.body.contains("No story matches these filters"),
        "{}",
        r.body
    );
    // Sections: the story's category on its card, in the section list and its block; a
    // category filter; an unknown category is refused.
    let r = get(f.store.clone(), "/").await;
    assert!(
        r.body
            .contains("<nav class=\"tabs sections\" aria-label=\"Sections\">"),
        "{}",
        r.body
    );
    assert!(
        r.body.contains("href=\"/?section&#61;world\">World"),
        "{}",
        r.body
    );
    assert!(
        r.body.contains("<h2 id=\"by-section\">By section</h2>"),
        "{}",
        r.body
    );
    assert!(!r.body.contains("<script>"), "{}", r.body);
    let r = get(f.store.clone(), "/?section=world").await;
    assert!(
        r.body.contains(&format!("href=\"/story/{}\"", f.story)),
        "{}",
        r.body
    );
    assert!(r.body.contains("<h1>Top stories: World</h1>"), "{}", r.body);
    assert!(!r.body.contains("By section"), "no blocks inside a section");
    let r = get(f.store.clone(), "/?section=politics").await;
    assert!(
        r.body.contains("No story matches these filters"),
        "{}",
        r.body
    );
    assert_eq!(
        get(f.store.clone(), "/?section=news").await.status,
        StatusCode::BAD_REQUEST
    );
    let r = get(f.store.clone(), "/api/front?section=WORLD").await;
    let v: Value = serde_json::from_str(&r.body).unwrap();
    assert_eq!(v["section"], "world");
    assert_eq!(v["cards"][0]["section"], "world");
    assert_eq!(v["sections"][0]["key"], "world");
    assert_eq!(v["sections"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn story_page_has_bullets_citations_coverage_and_articles() {
    let f = fixture();
    let r = get(f.store.clone(), &format!("/story/{}", f.story)).await;
    let body = &r.body;
    if std::env::var_os("PARALLAX_DUMP_HTML").is_some() {
        println!("{body}");
    }
    // Bullets and their citations, numbered links to the articles on the page.
    assert!(body.contains("The Riverside bridge in Millbrook collapsed on Monday morning"));
    assert!(body.contains(
        "Eleven people were rescued &lt;img src&#61;x onerror&#61;alert(1)&gt; from the river."
    ));
    assert!(body.contains("href=\"#a-1\""), "{body}");
    assert!(body.contains("href=\"#a-2\""));
    assert!(body.contains("[1]") && body.contains("[2]"));
    assert!(
        body.contains("id=\"a-1\"") && body.contains("id=\"a-2\"") && body.contains("id=\"a-3\"")
    );
    assert!(
        body.contains("[?]"),
        "a citation of an article not on the page is shown, unlinked"
    );
    // Escaped text.
    assert!(body.contains("&lt;script&gt;"));
    assert!(body.contains("Evil headline &lt;script&gt;alert(1)&lt;/script&gt;"));
    // Links to originals: only http(s), with rel; other schemes as plain text.
    assert!(body.contains("href=\"https://example.com/bridge?a&#61;1&amp;b&#61;2\" rel=\"noopener noreferrer nofollow\""), "{body}");
    assert!(
        body.contains("javascript:alert(1)"),
        "the refused URL is still shown as text"
    );
    assert!(!body.to_lowercase().contains("href=\"javascript"));
    // Sources, unknown source, dates, bylines, warnings.
    assert!(body.contains("Good Wire"));
    assert!(body.contains("Unknown source"));
    assert!(body.contains("Evil &lt;script&gt;alert(1)&lt;/script&gt; Times"));
    assert!(body.contains("undated"));
    assert!(body.contains("2025-07-07 09:00 UTC"));
    assert!(body.contains("Jane Doe"));
    assert!(body.contains("odd markup &lt;img src&#61;x onerror&#61;alert(1)&gt;"));
    // Coverage details.
    assert!(body.contains("Unknown-source articles"));
    assert!(body.contains("unrated: 1 (50%)"), "{body}");
    assert!(body.contains("agency: 1 (50%)"));
    assert!(body.contains("unknown: 1 (50%)"));
    assert!(body.contains("en: 2 (67%)"));
    assert!(body.contains("2 undated"));
    assert_safe("/story", &r);
}

#[tokio::test]
async fn problems_page_lists_problems_escaped() {
    let f = fixture();
    let r = get(f.store.clone(), "/problems").await;
    assert!(
        r.body
            .contains("/data/broken &lt;script&gt;alert(1)&lt;/script&gt;.html")
    );
    assert!(r.body.contains("not a news article"));
    assert_safe("/problems", &r);
}

#[tokio::test]
async fn json_api_shapes() {
    let f = fixture();
    let r = get(f.store.clone(), "/api/stories").await;
    let v: Value = serde_json::from_str(&r.body).unwrap();
    let rows = v.as_array().unwrap();
    assert_eq!(rows.len(), 1);
    let row = &rows[0];
    assert_eq!(row["id"], f.story.as_str());
    assert_eq!(row["title"], format!("Bridge collapse {XSS_SCRIPT}"));
    assert_eq!(row["article_count"], 3);
    assert_eq!(row["source_count"], 2);
    assert!(row["languages"].is_array() && row["countries"].is_array());
    assert!(row["first_published"].is_string());
    assert!(row["last_updated"].is_string());

    let r = get(f.store.clone(), "/api/stories?limit=0").await;
    assert_eq!(
        serde_json::from_str::<Value>(&r.body)
            .unwrap()
            .as_array()
            .unwrap()
            .len(),
        0
    );
    let r = get(f.store.clone(), "/api/stories?offset=1").await;
    assert_eq!(
        serde_json::from_str::<Value>(&r.body)
            .unwrap()
            .as_array()
            .unwrap()
            .len(),
        0
    );
    let r = get(f.store.clone(), "/api/stories?limit=abc").await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(serde_json::from_str::<Value>(&r.body).unwrap()["error"].is_string());

    let r = get(f.store.clone(), &format!("/api/stories/{}", f.story)).await;
    let v: Value = serde_json::from_str(&r.body).unwrap();
    assert_eq!(v["id"], f.story.as_str());
    let summary = v["summary"].as_array().unwrap();
    assert_eq!(summary.len(), 2);
    assert!(summary[0]["text"].is_string());
    assert_eq!(
        summary[0]["citations"],
        serde_json::json!([f.articles[0].as_str(), f.articles[1].as_str()])
    );
    assert_eq!(v["coverage"]["articles"], 3);
    assert_eq!(v["coverage"]["unknown_source_articles"], 1);
    assert_eq!(v["coverage"]["bias"][1]["label"], "unrated");
    let articles = v["articles"].as_array().unwrap();
    assert_eq!(articles.len(), 3);
    assert_eq!(articles[0]["source_name"], "Good Wire");
    assert_eq!(articles[0]["country"], "US");
    assert_eq!(articles[1]["url"], XSS_URL);
    assert_eq!(articles[2]["source_name"], "Unknown source");
    assert_eq!(articles[2]["source"], "src-unknown");
    assert!(articles[2]["published"].is_null());
    assert!(articles[1]["warnings"].is_array());
    assert!(v["first_seen"].is_string() && v["last_updated"].is_string());

    let r = get(f.store.clone(), "/api/problems").await;
    let v: Value = serde_json::from_str(&r.body).unwrap();
    assert_eq!(
        v[0]["origin"],
        "/data/broken <script>alert(1)</script>.html"
    );
    assert!(v[0]["message"].is_string() && v[0]["time"].is_string());
}

#[tokio::test]
async fn missing_things_are_404() {
    let f = fixture();
    let r = get(f.store.clone(), "/story/sto-doesnotexist").await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert!(r.body.contains("Story not found"));
    assert_safe("/story/missing", &r);

    let r = get(
        f.store.clone(),
        "/story/%3Cscript%3Ealert(1)%3C%2Fscript%3E",
    )
    .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_safe("/story/<script>", &r);

    let r = get(f.store.clone(), "/api/stories/sto-doesnotexist").await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let v: Value = serde_json::from_str(&r.body).unwrap();
    assert_eq!(v["error"], "story not found");
    assert_security_headers("/api/stories/missing", &r);

    let r = get(f.store.clone(), "/no/such/page").await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_safe("/no/such/page", &r);
}

#[test]
fn views_for_the_cli() {
    let f = fixture();
    let rows = story_rows(f.store.as_ref(), 10, 0).unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(
        rows[0].languages,
        vec!["en".to_string(), XSS_SCRIPT.to_string()]
    );
    let view = story_view(f.store.as_ref(), &f.story).unwrap().unwrap();
    assert_eq!(view.articles.len(), 3);
    assert_eq!(
        view.articles[1].source_name,
        "Evil <script>alert(1)</script> Times"
    );
    assert!(
        story_view(f.store.as_ref(), &StoryId::from("sto-none"))
            .unwrap()
            .is_none()
    );
}

#[tokio::test]
async fn serve_answers_on_a_local_port() {
    let f = fixture();
    // Bind to an ephemeral port through `router` + axum::serve, as `serve` does.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let app = router(f.store.clone());
    let server = tokio::spawn(async move { axum::serve(listener, app).await });
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    stream
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
        .await
        .unwrap();
    let mut buf = Vec::new();
    stream.read_to_end(&mut buf).await.unwrap();
    let text = String::from_utf8_lossy(&buf);
    assert!(text.starts_with("HTTP/1.1 200"), "{text}");
    assert!(text.contains("ok"));
    server.abort();
}

#[test]
fn source_health_values_and_order() {
    let f = health_fixture();
    let rows = source_health_at(f.store.as_ref(), t(10, 0)).unwrap();
    let names: Vec<&str> = rows.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "Zeta Failing",
            "Yankee Degraded",
            "Alpha OK",
            "Beta New",
            "Charlie Stateless"
        ],
        "failing, degraded, then by name; sources without feeds left out"
    );
    let statuses: Vec<&str> = rows.iter().map(|r| r.status).collect();
    assert_eq!(
        statuses,
        ["failing", "degraded", "ok", "never polled", "never polled"]
    );

    let zeta = &rows[0];
    assert_eq!((zeta.feeds, zeta.feeds_failing), (2, 2));
    assert_eq!(
        zeta.last_error.as_deref(),
        Some(format!("https://zeta.example/two.xml: not a feed: {XSS_SCRIPT}").as_str()),
        "the most recent error, prefixed with its feed when there are several"
    );
    assert_eq!(zeta.last_success, Some(t(8, 0)));
    assert_eq!(zeta.warnings, ["w1", "w2", "w3", "w4", XSS_IMG]);
    assert_eq!(zeta.next_poll, Some(t(9, 1)));
    assert_eq!(zeta.country.as_deref(), Some("DE"));
    assert_eq!(zeta.languages, ["de", "en"]);
    assert_eq!(zeta.articles_per_day, 0.0);

    let yankee = &rows[1];
    assert_eq!((yankee.feeds, yankee.feeds_failing), (2, 1));
    assert_eq!(
        yankee.last_error.as_deref(),
        Some("https://yankee.example/b.xml: timed out")
    );
    assert_eq!(yankee.last_success, Some(t(9, 0)));

    let alpha = &rows[2];
    assert_eq!((alpha.feeds, alpha.feeds_failing), (1, 0));
    assert_eq!(alpha.last_error, None);
    assert_eq!(alpha.last_success, Some(t(9, 12)));
    assert_eq!(alpha.next_poll, Some(t(9, 13)));
    assert!(
        (alpha.articles_per_day - 1.0).abs() < 1e-9,
        "7 articles in 7 days: {}",
        alpha.articles_per_day
    );

    for never in &rows[3..] {
        assert_eq!(never.feeds, 1);
        assert_eq!(never.feeds_failing, 0);
        assert_eq!(never.last_success, None);
        assert_eq!(never.last_error, None);
        assert_eq!(never.next_poll, None);
    }
    assert_eq!(
        source_health_summary(&rows),
        "5 sources, 1 failing, 2 never polled"
    );
    // As of now, the fixture's articles are all older than a week.
    let now_rows = source_health(f.store.as_ref()).unwrap();
    assert_eq!(now_rows.len(), 5);
    assert!(now_rows.iter().all(|r| r.articles_per_day == 0.0));

    // One failing feed alone: its error is not prefixed.
    let store = Arc::new(MemStore::default());
    let mut solo = Source::named("Solo");
    solo.feeds = vec!["https://solo.example/feed".into()];
    store.upsert_source(&solo).unwrap();
    let mut st = FeedState::new(&solo.feeds[0], solo.id.clone(), 60, t(1, 0));
    st.last_polled = Some(t(2, 0));
    st.last_error = Some("HTTP 404".into());
    store.save_feed_state(&st).unwrap();
    let rows = source_health_at(store.as_ref(), t(3, 0)).unwrap();
    assert_eq!(rows[0].status, "failing");
    assert_eq!(rows[0].last_error.as_deref(), Some("HTTP 404"));
    assert_eq!(
        source_health_summary(&rows),
        "1 source, 1 failing, 0 never polled"
    );
}

#[tokio::test]
async fn sources_page_lists_health_escaped() {
    let f = health_fixture();
    let r = get(f.store.clone(), "/sources").await;
    assert_eq!(r.status, StatusCode::OK);
    assert_safe("/sources", &r);
    let body = &r.body;
    assert!(
        body.contains("5 sources, 1 failing, 2 never polled"),
        "{body}"
    );
    assert!(
        body.contains(
            "https://zeta.example/two.xml: not a feed: &lt;script&gt;alert(1)&lt;/script&gt;"
        ),
        "{body}"
    );
    assert!(body.contains("&lt;img src&#61;x onerror&#61;alert(1)&gt;"));
    assert!(body.contains("2025-07-08 00:00 UTC"), "last success");
    assert!(body.contains("2025-07-09 13:00 UTC"), "next poll");
    assert!(body.contains(">never<"), "{body}");
    assert!(body.contains("never polled"));
    assert!(body.contains("de, en"));
    let pos = |s: &str| body.find(s).unwrap_or_else(|| panic!("{s} missing"));
    assert!(pos("Zeta Failing") < pos("Yankee Degraded"));
    assert!(pos("Yankee Degraded") < pos("Alpha OK"));
    assert!(pos("Alpha OK") < pos("Beta New"));
    assert!(
        !body.contains("Good Wire"),
        "a source without feeds is not listed"
    );
    // Linked from the navigation of every page.
    for uri in ["/", "/problems", "/sources"] {
        let r = get(f.store.clone(), uri).await;
        assert!(r.body.contains("<a href=\"/sources\">Sources</a>"), "{uri}");
    }
    // No sources with feeds: an empty page, still 200.
    let r = get(fixture().store, "/sources").await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("0 sources, 0 failing, 0 never polled"));
}

#[tokio::test]
async fn api_sources_shape() {
    let f = health_fixture();
    let r = get(f.store.clone(), "/api/sources").await;
    assert_eq!(r.status, StatusCode::OK);
    assert_security_headers("/api/sources", &r);
    let v: Value = serde_json::from_str(&r.body).unwrap();
    let rows = v.as_array().unwrap();
    assert_eq!(rows.len(), 5);
    let zeta = &rows[0];
    assert_eq!(zeta["name"], "Zeta Failing");
    assert!(zeta["id"].as_str().unwrap().starts_with("src-"));
    assert_eq!(zeta["country"], "DE");
    assert_eq!(zeta["languages"], serde_json::json!(["de", "en"]));
    assert_eq!(zeta["feeds"], 2);
    assert_eq!(zeta["feeds_failing"], 2);
    assert_eq!(zeta["status"], "failing");
    assert_eq!(
        zeta["last_error"],
        format!("https://zeta.example/two.xml: not a feed: {XSS_SCRIPT}")
    );
    assert!(zeta["last_success"].is_string());
    assert!(zeta["next_poll"].is_string());
    assert_eq!(zeta["warnings"].as_array().unwrap().len(), 5);
    assert!(zeta["articles_per_day"].is_number());
    let never = &rows[3];
    assert_eq!(never["status"], "never polled");
    assert!(never["last_success"].is_null());
    assert!(never["last_error"].is_null());
    assert!(never["next_poll"].is_null());
    assert!(never["country"].is_null());
    assert_eq!(rows[2]["status"], "ok");
    assert_eq!(rows[1]["status"], "degraded");
}

// ---------------------------------------------------------------------------------------------
// Machine translations
// ---------------------------------------------------------------------------------------------

fn translated(original: &str, from: &str, into: &str, backend: &str, text: &str) -> Translation {
    Translation {
        text_hash: Translation::hash_of(original),
        source_language: from.into(),
        target_language: into.into(),
        backend: backend.into(),
        model: None,
        text: text.into(),
        translated_at: t(8, 0),
    }
}

/// A story with a French article, a German one and an English one, French and German summary
/// sentences, and cached translations: some plain, some hostile (markup from the backend).
fn translated_fixture() -> (Arc<MemStore>, StoryId) {
    let store = Arc::new(MemStore::default());
    let src = Source::named("Le Monde Test");
    store.upsert_source(&src).unwrap();
    let mut fr = article(
        "fr",
        &src.id,
        Some("https://example.fr/greve"),
        "Grève des ferries à Marseille",
        &["Les marins ont cessé le travail lundi."],
    );
    fr.language = Some("fr".into());
    let mut de = article(
        "de",
        &src.id,
        None,
        "Fährstreik in Marseille",
        &["Die Seeleute streikten."],
    );
    de.language = Some("de".into());
    let en = article(
        "en",
        &src.id,
        None,
        "Ferry strike in Marseille",
        &["Sailors struck."],
    );
    let story = Story {
        id: StoryId::from_seed(&fr.id),
        title: fr.title.clone(),
        summary: vec![
            Bullet {
                text: "Les marins ont cessé le travail lundi.".into(),
                citations: vec![fr.id.clone(), en.id.clone()],
            },
            Bullet {
                text: "Die Seeleute streikten.".into(),
                citations: vec![de.id.clone()],
            },
            Bullet {
                text: "Sailors struck.".into(),
                citations: vec![en.id.clone()],
            },
        ],
        coverage: Coverage::default(),
        articles: vec![fr.id.clone(), de.id.clone(), en.id.clone()],
        first_seen: t(7, 10),
        last_updated: t(7, 12),
    };
    for a in [&fr, &de, &en] {
        store.commit_article(a, &story).unwrap();
    }
    store
        .save_translations(&[
            translated(
                &fr.title,
                "fr",
                "en",
                "libretranslate",
                "Ferry strike in Marseille",
            ),
            translated(
                "Les marins ont cessé le travail lundi.",
                "fr",
                "en",
                "libretranslate",
                "Sailors stopped work on Monday.",
            ),
            translated(
                "Die Seeleute streikten.",
                "de",
                "en",
                "evil<script>alert(1)</script>",
                &format!("The sailors {XSS_SCRIPT} went on strike {XSS_IMG}."),
            ),
            translated(
                &fr.title,
                "fr",
                "de",
                "libretranslate",
                "Fährstreik in Marseille (de)",
            ),
            // A translation of the English sentence must never be shown to an English reader.
            translated("Sailors struck.", "en", "en", "libretranslate", "WRONG"),
        ])
        .unwrap();
    (store, story.id)
}

#[tokio::test]
async fn story_page_shows_originals_with_their_language_and_labelled_translations() {
    let (store, id) = translated_fixture();
    let uri = format!("/story/{id}");
    let r = get(store.clone(), &uri).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_safe(&uri, &r);
    let page = &r.body;
    // Originals, marked with their language, and the translation under each.
    assert!(page.contains(r#"<span lang="fr">Les marins ont cessé le travail lundi.</span> <span class="lang">fr</span>"#), "{page}");
    assert!(page.contains(r#"<span lang="en">Sailors stopped work on Monday.</span> <span class="mt">machine translation (libretranslate)</span>"#), "{page}");
    assert!(page.contains("Grève des ferries à Marseille"));
    assert!(page.contains(r#"<p class="translation"><span lang="en">Ferry strike in Marseille</span> <span class="mt">machine translation (libretranslate)</span></p>"#), "{page}");
    // Hostile text from the backend is escaped, in the translation and in its label.
    assert!(page.contains("The sailors &lt;script&gt;alert(1)&lt;/script&gt; went on strike &lt;img src&#61;x onerror&#61;alert(1)&gt;."), "{page}");
    assert!(
        page.contains("machine translation (evil&lt;script&gt;alert(1)&lt;/script&gt;)"),
        "{page}"
    );
    // English text is neither labelled nor translated for an English reader.
    assert!(!page.contains("WRONG"));
    assert!(!page.contains(r#"<span class="lang">en</span>"#));
    assert_eq!(
        page.matches(r#"class="mt""#).count(),
        4,
        "headline, two bullets, one title"
    );

    // Another reader's language: the German translation, where there is one.
    let r = get(store.clone(), &format!("{uri}?lang=de")).await;
    assert!(
        r.body.contains("Fährstreik in Marseille (de)"),
        "{}",
        r.body
    );
    assert!(!r.body.contains("Sailors stopped work"));
    // A language that is not a code is ignored on the page.
    let r = get(store, &format!("{uri}?lang=%3Cscript%3E")).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("Sailors stopped work on Monday."));
}

#[tokio::test]
async fn story_api_carries_languages_and_translations() {
    let (store, id) = translated_fixture();
    let r = get(store.clone(), &format!("/api/stories/{id}")).await;
    assert_eq!(r.status, StatusCode::OK);
    let v: Value = serde_json::from_str(&r.body).unwrap();
    assert_eq!(v["language"], "en");
    assert_eq!(v["title"], "Grève des ferries à Marseille");
    assert_eq!(v["title_translation"]["text"], "Ferry strike in Marseille");
    let first = &v["summary"][0];
    assert_eq!(first["text"], "Les marins ont cessé le travail lundi.");
    assert_eq!(first["language"], "fr");
    assert_eq!(
        first["translation"]["text"],
        "Sailors stopped work on Monday."
    );
    assert_eq!(first["translation"]["source_language"], "fr");
    assert_eq!(first["translation"]["backend"], "libretranslate");
    assert_eq!(
        first["translation"]["label"],
        "machine translation (libretranslate)"
    );
    assert!(v["summary"][2]["translation"].is_null());
    assert_eq!(v["articles"][0]["language"], "fr");
    assert_eq!(
        v["articles"][0]["title_translation"]["text"],
        "Ferry strike in Marseille"
    );
    assert!(
        v["articles"][1]["title_translation"].is_null(),
        "none cached"
    );
    assert!(v["articles"][2]["title_translation"].is_null(), "English");

    let r = get(store.clone(), &format!("/api/stories/{id}?lang=de")).await;
    let v: Value = serde_json::from_str(&r.body).unwrap();
    assert_eq!(v["language"], "de");
    assert_eq!(
        v["title_translation"]["text"],
        "Fährstreik in Marseille (de)"
    );
    let r = get(store, &format!("/api/stories/{id}?lang=not-a-language")).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn the_operators_language_is_the_default() {
    let (store, id) = translated_fixture();
    let app = parallax_web::router_with_options(
        store,
        parallax_web::WebOptions {
            language: "de".into(),
            ..parallax_web::WebOptions::default()
        },
    );
    let response = app
        .oneshot(
            Request::builder()
                .uri(format!("/api/stories/{id}"))
                .body(Body::empty())
                .unwrap(),
        )
        .await
        .unwrap();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    let v: Value = serde_json::from_slice(&bytes).unwrap();
    assert_eq!(v["language"], "de");
    assert_eq!(
        v["title_translation"]["text"],
        "Fährstreik in Marseille (de)"
    );
}

/// Digests of every story of the fixture, as the digest pass makes them.
fn digest_all(store: &MemStore) {
    for id in store.stale_digests(100).unwrap() {
        let story = store.story(&id).unwrap().unwrap();
        let articles = store.story_articles(&id).unwrap();
        let sources = store.sources().unwrap();
        store
            .save_digest(&parallax_intel::digest::digest(
                &id,
                story.last_updated,
                &articles,
                &sources,
            ))
            .unwrap();
    }
    assert!(store.stale_digests(100).unwrap().is_empty());
}

#[tokio::test]
async fn story_intelligence_entity_pages_and_blindspots_are_served_escaped() {
    let f = fixture();
    digest_all(&f.store);
    // The story page shows the ledger, reports, perspectives, timeline and entities.
    let r = get(f.store.clone(), &format!("/story/{}", f.story)).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_safe("/story", &r);
    for section in [
        "What the sources dispute",
        "What the sources agree on",
        "Independent reports",
        "Alternative Takes",
        "Timeline",
        "People, places and organisations",
    ] {
        assert!(r.body.contains(section), "missing {section}:\n{}", r.body);
    }
    assert!(r.body.contains("href=\"/entity/milbrok\""), "{}", r.body);
    // The API carries the same, with the ledger as `claims`.
    let r = get(f.store.clone(), &format!("/api/stories/{}", f.story)).await;
    let v: Value = serde_json::from_str(&r.body).unwrap();
    for key in [
        "claims",
        "independence",
        "entities",
        "perspectives",
        "timeline",
    ] {
        assert!(v.get(key).is_some(), "no {key} in {v}");
    }
    assert!(v["independence"]["reports"].as_array().unwrap().len() >= 2);
    // A gist (as a digest pass with a model makes it) is shown escaped.
    let mut d = f.store.digest(&f.story).unwrap().unwrap();
    d.gists = vec![parallax_core::ArticleGist {
        article: f.articles[1].clone(),
        language: XSS_SCRIPT.into(),
        reader_language: "en".into(),
        model: "test".into(),
        sentences: vec![
            parallax_core::GistSentence {
                text: format!("Eleven rescued {XSS_IMG}"),
                also_in: Some(parallax_core::GistMatch {
                    article: f.articles[0].clone(),
                    sentence: format!("Four cars fell {XSS_SCRIPT}"),
                    similarity: 0.93,
                }),
            },
            parallax_core::GistSentence {
                text: "A sentence of its own.".into(),
                also_in: None,
            },
        ],
    }];
    f.store.save_digest(&d).unwrap();
    let r = get(f.store.clone(), &format!("/story/{}", f.story)).await;
    assert_safe("/story with a gist", &r);
    assert!(
        r.body.contains("What the articles in other languages add"),
        "{}",
        r.body
    );
    assert!(
        r.body.contains("Four cars fell &lt;script&gt;"),
        "{}",
        r.body
    );
    assert!(r.body.contains("its own"), "{}", r.body);
    let v: Value = serde_json::from_str(
        &get(f.store.clone(), &format!("/api/stories/{}", f.story))
            .await
            .body,
    )
    .unwrap();
    assert_eq!(v["gists"][0]["sentences"][1]["also_in"], Value::Null, "{v}");
    // The story list says how many independent reports.
    let r = get(f.store.clone(), "/").await;
    assert!(r.body.contains("independent report"), "{}", r.body);
    let v: Value = serde_json::from_str(&get(f.store.clone(), "/api/stories").await.body).unwrap();
    assert!(v[0]["independent_reports"].as_u64().unwrap() >= 2, "{v}");

    // Entity pages: any spelling of the name or the key.
    for uri in [
        "/entities",
        "/entity/milbrok",
        "/entity/Millbrook",
        "/blindspots",
        "/blindspots?country=de",
    ] {
        let r = get(f.store.clone(), uri).await;
        assert_eq!(r.status, StatusCode::OK, "{uri}: {}", r.body);
        assert_safe(uri, &r);
    }
    let r = get(f.store.clone(), "/entity/milbrok").await;
    assert!(
        r.body.contains(&format!("href=\"/story/{}\"", f.story)),
        "{}",
        r.body
    );
    let r = get(f.store.clone(), "/api/entities/Millbrook").await;
    let v: Value = serde_json::from_str(&r.body).unwrap();
    assert_eq!(v["name"], "Millbrook", "{v}");
    assert_eq!(v["stories"][0]["id"], f.story.as_str());
    let r = get(f.store.clone(), "/api/entities").await;
    let v: Value = serde_json::from_str(&r.body).unwrap();
    assert!(
        v.as_array().unwrap().iter().any(|e| e["key"] == "milbrok"),
        "{v}"
    );
    let r = get(f.store.clone(), "/entity/nobody-at-all").await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    // Topic pages: the entity's stories as cards, by any spelling, with a feed and JSON.
    let r = get(f.store.clone(), "/topic/Millbrook").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_safe("/topic/Millbrook", &r);
    assert!(r.body.contains("<h1>Millbrook</h1>"), "{}", r.body);
    assert!(
        r.body.contains(&format!("href=\"/story/{}\"", f.story)),
        "{}",
        r.body
    );
    assert!(r.body.contains("class=\"card\""), "{}", r.body);
    let v: Value =
        serde_json::from_str(&get(f.store.clone(), "/api/topics/milbrok").await.body).unwrap();
    assert_eq!(v["key"], "milbrok", "{v}");
    assert_eq!(v["stories"][0]["id"], f.story.as_str(), "{v}");
    let v: Value = serde_json::from_str(&get(f.store.clone(), "/api/topics").await.body).unwrap();
    assert!(
        v.as_array().unwrap().iter().any(|e| e["key"] == "milbrok"),
        "{v}"
    );
    let r = get(f.store.clone(), "/topic/milbrok/feed.atom").await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(
        r.body.contains("<title>Parallax: Millbrook</title>"),
        "{}",
        r.body
    );
    assert!(
        r.body
            .contains(&format!("href=\"../../story/{}\"", f.story)),
        "{}",
        r.body
    );
    for uri in [
        "/topic/nobody-at-all",
        "/api/topics/nobody-at-all",
        "/topic/nobody-at-all/feed.atom",
    ] {
        assert_eq!(
            get(f.store.clone(), uri).await.status,
            StatusCode::NOT_FOUND,
            "{uri}"
        );
    }
    // A phrase of two or more words is a topic too: the stories using it.
    let r = get(f.store.clone(), "/topic/riverside%20bridge").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_safe("/topic/riverside%20bridge", &r);
    assert!(r.body.contains("Key phrase used by 1 story"), "{}", r.body);
    assert!(
        r.body.contains(&format!("href=\"/story/{}\"", f.story)),
        "{}",
        r.body
    );
    let v: Value = serde_json::from_str(
        &get(f.store.clone(), "/api/topics/riverside%20bridge")
            .await
            .body,
    )
    .unwrap();
    assert_eq!(v["kind"], "phrase", "{v}");
    assert_eq!(v["key"], "riverside bridge", "{v}");
    // Blindspots: the fixture has one rated outlet, so no side can be one-sided.
    let r = get(f.store.clone(), "/api/blindspots?country=us").await;
    let v: Value = serde_json::from_str(&r.body).unwrap();
    assert_eq!(v["country"], "US");
    assert_eq!(v["stories_considered"], 1);
    assert_eq!(v["one_sided"].as_array().unwrap().len(), 0);
    // The feeds: well-formed Atom, escaped.
    for uri in [
        "/blindspots/country.atom?country=de",
        "/blindspots/one-sided.atom",
    ] {
        let r = get(f.store.clone(), uri).await;
        assert_eq!(r.status, StatusCode::OK, "{uri}");
        assert!(
            r.headers
                .get(header::CONTENT_TYPE)
                .unwrap()
                .to_str()
                .unwrap()
                .starts_with("application/atom+xml"),
            "{uri}"
        );
        assert!(r.body.starts_with("<?xml"), "{}", r.body);
        assert!(
            r.body
                .contains("<feed xmlns=\"http://www.w3.org/2005/Atom\">")
        );
        assert!(r.body.trim_end().ends_with("</feed>"));
        assert_safe(uri, &r);
    }
    let r = get(f.store.clone(), "/api/blindspots?country=%3Cscript%3E").await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    let r = get(f.store.clone(), "/blindspots?country=%3Cscript%3E").await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_safe("/blindspots bad", &r);
}

/// A story merged away by a regrouping: its page and its API address redirect to the story that
/// took its articles.
#[tokio::test]
async fn a_merged_story_redirects_to_the_story_that_took_it_over() {
    let f = fixture();
    f.store
        .aliases
        .lock()
        .unwrap()
        .push((StoryId::from("sto-merged"), f.story.clone()));
    let r = get(f.store.clone(), "/story/sto-merged").await;
    assert_eq!(r.status, StatusCode::PERMANENT_REDIRECT);
    assert_eq!(
        r.headers.get(header::LOCATION).unwrap(),
        &format!("/story/{}", f.story)
    );
    assert_security_headers("/story/sto-merged", &r);
    let r = get(f.store.clone(), "/api/stories/sto-merged").await;
    assert_eq!(r.status, StatusCode::PERMANENT_REDIRECT);
    assert_eq!(
        r.headers.get(header::LOCATION).unwrap(),
        &format!("/api/stories/{}", f.story)
    );
    let r = get(f.store.clone(), "/story/sto-never").await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
}

// ---------------------------------------------------------------------------------------------
// Issue 11: provenance, ratings and source pages
// ---------------------------------------------------------------------------------------------

const GDELT_CREDIT: &str = "inferred from the countries its articles mention, with data of the GDELT Project (https://www.gdeltproject.org/)";

fn provided(
    provider: &str,
    value: &str,
    score: Option<f64>,
    estimate: bool,
    licence: &str,
) -> ProvidedRating {
    ProvidedRating {
        provider: provider.to_string(),
        kind: RatingKind::Reliability,
        domain: "ukrinform.net".to_string(),
        value: value.to_string(),
        score,
        date: Some("2024".to_string()),
        licence: Some(licence.to_string()),
        estimate,
    }
}

fn tally(label: &str, count: usize, of: usize) -> Tally {
    Tally {
        label: label.into(),
        count,
        share: count as f64 / of as f64,
    }
}

struct SourceFixture {
    store: Arc<MemStore>,
    ukrinform: Source,
    inferred: Source,
    hostile: Source,
    /// Articles with real text; its digest is made by the digest code.
    story: StoryId,
    /// Digest written by hand: a disputed claim, an agreed one, one of another outlet.
    later: StoryId,
    /// A digest made before the ledger was kept (version 0): not counted yet.
    outdated: StoryId,
}

/// Three outlets: Ukrinform (every fact with its provenance, two ratings providers, two feeds),
/// one whose country is only inferred from its coverage (GDELT), one with hostile data.
fn source_fixture() -> SourceFixture {
    use parallax_core::{AttributionMethod, ClaimStanding, CountryBasis, LedgerClaim, OutletClaim};
    let store = Arc::new(MemStore::default());

    let mut ukrinform = Source::named("Ukrinform");
    ukrinform.id = SourceId::for_site("https://www.ukrinform.net/").unwrap();
    ukrinform.home_page = Some("https://www.ukrinform.net/".into());
    ukrinform.country = Some("UA".into());
    ukrinform.languages = vec!["uk".into(), "en".into()];
    ukrinform.owner = Some("Ministry of Culture of Ukraine".into());
    ukrinform.ownership = Some(OwnershipType::State);
    ukrinform.bias = Some(Rating {
        value: "center".into(),
        provenance: "Test Bias Raters, via the test set".into(),
    });
    ukrinform.feeds = vec![
        "https://www.ukrinform.net/rss/block-lastnews".into(),
        "https://www.ukrinform.net/rss/economy".into(),
    ];
    ukrinform.feed_categories = [
        (ukrinform.feeds[0].clone(), "world".to_string()),
        (ukrinform.feeds[1].clone(), "business".to_string()),
    ]
    .into_iter()
    .collect();
    ukrinform.provenance.name = Some("kite media_data (MIT)".into());
    ukrinform.provenance.country = Some("State Media Monitor list".into());
    ukrinform.provenance.country_basis = Some(CountryBasis::Home);
    ukrinform.provenance.languages = Some("the registry".into());
    ukrinform.provenance.owner = Some("State Media Monitor 2024".into());
    ukrinform.provenance.ownership_detail =
        Some("state-controlled (State Media Monitor: SC)".into());
    ukrinform.ratings = vec![
        provided(
            "idiap-reliability",
            "0.55",
            Some(0.55),
            true,
            "Apache-2.0; Idiap Research Institute",
        ),
        provided(
            "wikipedia-perennial",
            "generally reliable",
            Some(1.0),
            false,
            "CC BY-SA 4.0; English Wikipedia",
        ),
    ];
    store.upsert_source(&ukrinform).unwrap();

    let mut inferred = Source::named("Inferred Daily");
    inferred.home_page = Some("https://inferred-daily.example/".into());
    inferred.id = SourceId::for_site("https://inferred-daily.example/").unwrap();
    inferred.country = Some("US".into());
    inferred.provenance.country = Some(GDELT_CREDIT.into());
    inferred.provenance.country_basis = Some(CountryBasis::InferredFromCoverage);
    store.upsert_source(&inferred).unwrap();

    let mut hostile = Source::named(&format!("{XSS_SCRIPT} Gazette"));
    hostile.home_page = Some(XSS_URL.into());
    hostile.owner = Some(XSS_IMG.into());
    hostile.country = Some("GB".into());
    hostile.provenance.country = Some(format!("list {XSS_SCRIPT}"));
    hostile.provenance.country_basis = Some(CountryBasis::TopLevelDomain);
    hostile.provenance.ownership_detail = Some(XSS_IMG.into());
    hostile.feeds = vec![format!("{XSS_URL}/feed")];
    hostile.feed_categories = [(hostile.feeds[0].clone(), XSS_SCRIPT.to_string())]
        .into_iter()
        .collect();
    hostile.ratings = vec![ProvidedRating {
        provider: XSS_SCRIPT.into(),
        kind: RatingKind::Bias,
        domain: XSS_IMG.into(),
        value: XSS_SCRIPT.into(),
        score: None,
        date: Some(XSS_IMG.into()),
        licence: Some(XSS_SCRIPT.into()),
        estimate: true,
    }];
    store.upsert_source(&hostile).unwrap();

    // Feed health: Ukrinform's first feed fine, its second failing.
    let mut ok = FeedState::new(&ukrinform.feeds[0], ukrinform.id.clone(), 3600, t(1, 0));
    ok.last_polled = Some(t(9, 0));
    ok.last_success = Some(t(9, 0));
    ok.next_poll = t(9, 1);
    store.save_feed_state(&ok).unwrap();
    let mut failing = FeedState::new(&ukrinform.feeds[1], ukrinform.id.clone(), 3600, t(1, 0));
    failing.last_polled = Some(t(9, 2));
    failing.last_error = Some("HTTP 503 from the server".into());
    failing.consecutive_failures = 3;
    failing.next_poll = t(9, 5);
    store.save_feed_state(&failing).unwrap();
    let mut hostile_feed = FeedState::new(&hostile.feeds[0], hostile.id.clone(), 3600, t(1, 0));
    hostile_feed.last_polled = Some(t(9, 2));
    hostile_feed.last_error = Some(format!("not a feed: {XSS_SCRIPT}"));
    hostile_feed.warnings = vec![XSS_IMG.into()];
    store.save_feed_state(&hostile_feed).unwrap();

    // Story 1: real text, so that the digest code makes its ledger.
    let attributed = |mut a: Article, by: AttributionMethod| {
        a.attribution.method = Some(by);
        a
    };
    let u1 = attributed(
        article(
            "u1",
            &ukrinform.id,
            Some("https://www.ukrinform.net/a1"),
            "Storm floods the harbour district of Millbrook",
            &[
                "The storm flooded forty homes in the harbour district of Millbrook on Tuesday night, the fire service said.",
                "Mayor Jane Holt opened the town hall as a shelter for the families.",
                "The harbour wall was last repaired in 1998, according to council records.",
                "A regional minister is expected to visit the area on Thursday.",
            ],
        ),
        AttributionMethod::Url,
    );
    let i1 = attributed(
        article(
            "i1",
            &inferred.id,
            Some("https://inferred-daily.example/b1"),
            "Forty homes flooded in Millbrook harbour storm",
            &[
                "Residents of the coastal town spent Wednesday pumping water out of their cellars.",
                "Forty homes in the harbour district of Millbrook were flooded on Tuesday night by the storm, the fire service said.",
                "Insurers expect claims to reach two million pounds after the worst weather in a decade.",
                "Fishermen said the waves broke over the old sea wall shortly before midnight.",
                "Schools in the district will stay closed until Friday while engineers check the buildings.",
            ],
        ),
        AttributionMethod::Masthead,
    );
    let h1 = article(
        "h1",
        &hostile.id,
        Some("https://gazette.example/c1"),
        &format!("Millbrook counts the cost {XSS_SCRIPT}"),
        &["A fishing boat sank at its mooring during the storm, its owner said."],
    );
    let story = StoryId::from_seed(&u1.id);
    let s1 = Story {
        id: story.clone(),
        title: "Storm floods the harbour district of Millbrook".into(),
        summary: vec![Bullet {
            text: "The storm flooded forty homes in the harbour district of Millbrook on Tuesday night, the fire service said.".into(),
            citations: vec![u1.id.clone(), i1.id.clone()],
        }],
        coverage: Coverage {
            articles: 3,
            sources: 3,
            countries: vec![tally("GB", 1, 3), tally("UA", 1, 3), tally("US", 1, 3)],
            countries_inferred: 1,
            inferred_countries: vec![tally("US", 1, 3)],
            languages: vec![tally("en", 3, 3)],
            bias: vec![tally("unrated", 2, 3), tally("center", 1, 3)],
            ownership: vec![tally("unknown", 2, 3), tally("state", 1, 3)],
            ratings: vec![
                parallax_core::RatingDistribution {
                    provider: "idiap-reliability".into(),
                    kind: RatingKind::Reliability,
                    licence: Some("Apache-2.0; Idiap Research Institute".into()),
                    estimate: true,
                    scale: Some("scores from -1 to 1: low below -0.2, mixed from -0.2 to 0.2, high above 0.2".into()),
                    tallies: vec![tally("unrated", 2, 3), tally("high", 1, 3)],
                },
                parallax_core::RatingDistribution {
                    provider: "wikipedia-perennial".into(),
                    kind: RatingKind::Reliability,
                    licence: Some("CC BY-SA 4.0; English Wikipedia".into()),
                    estimate: false,
                    scale: None,
                    tallies: vec![tally("unrated", 2, 3), tally("generally reliable", 1, 3)],
                },
            ],
            undated_articles: 3,
            ..Coverage::default()
        },
        articles: vec![u1.id.clone(), i1.id.clone(), h1.id.clone()],
        first_seen: t(7, 10),
        last_updated: t(7, 12),
    };
    for a in [&u1, &i1, &h1] {
        store.commit_article(a, &s1).unwrap();
    }
    digest_all(&store);

    // Story 2, more recent, with a digest written by hand.
    let u2 = article(
        "u2",
        &ukrinform.id,
        Some("https://www.ukrinform.net/a2"),
        "Talks end without a date",
        &["The talks ended without a date for the next round."],
    );
    let later = StoryId::from_seed(&u2.id);
    let s2 = Story {
        id: later.clone(),
        title: format!("Talks {XSS_SCRIPT}"),
        summary: vec![],
        coverage: Coverage {
            articles: 1,
            sources: 1,
            ..Coverage::default()
        },
        articles: vec![u2.id.clone()],
        first_seen: t(8, 0),
        last_updated: t(8, 1),
    };
    store.commit_article(&u2, &s2).unwrap();
    let claim = |number: usize,
                 kind: ClaimStanding,
                 text: &str,
                 outlets: Vec<(&SourceId, ClaimStanding)>| LedgerClaim {
        number,
        kind,
        text: text.to_string(),
        outlets: outlets
            .into_iter()
            .map(|(s, standing)| OutletClaim {
                source: s.clone(),
                standing,
            })
            .collect(),
    };
    store
        .save_digest(&StoryDigest {
            story: later.clone(),
            story_updated: t(8, 1),
            articles: 1,
            independent_reports: 1,
            ledger: vec![
                claim(
                    1,
                    ClaimStanding::Disputed,
                    &format!("duration of the talks {XSS_IMG}"),
                    vec![
                        (&ukrinform.id, ClaimStanding::Disputed),
                        (&hostile.id, ClaimStanding::Disputed),
                    ],
                ),
                claim(
                    2,
                    ClaimStanding::Agreed,
                    "The talks ended without a date.",
                    vec![
                        (&hostile.id, ClaimStanding::Agreed),
                        (&ukrinform.id, ClaimStanding::Agreed),
                    ],
                ),
                claim(
                    3,
                    ClaimStanding::SingleSource,
                    "Only the Gazette says this.",
                    vec![(&hostile.id, ClaimStanding::SingleSource)],
                ),
            ],
            ..StoryDigest::default()
        })
        .unwrap();

    // Story 3: a digest made before the ledger was kept.
    let u3 = article(
        "u3",
        &ukrinform.id,
        Some("https://www.ukrinform.net/a3"),
        "Old story",
        &["An old story."],
    );
    let outdated = StoryId::from_seed(&u3.id);
    let s3 = Story {
        id: outdated.clone(),
        title: "Old story".into(),
        summary: vec![],
        coverage: Coverage::default(),
        articles: vec![u3.id.clone()],
        first_seen: t(6, 0),
        last_updated: t(6, 1),
    };
    store.commit_article(&u3, &s3).unwrap();
    store
        .save_digest(&StoryDigest {
            story: outdated.clone(),
            story_updated: t(6, 1),
            version: 0,
            ..StoryDigest::default()
        })
        .unwrap();

    SourceFixture {
        store,
        ukrinform,
        inferred,
        hostile,
        story,
        later,
        outdated,
    }
}

/// What the digests say of `source`: (agreed, disputed, single-source), from the stored digests.
fn record_in_digests(store: &MemStore, source: &SourceId) -> (usize, usize, usize) {
    use parallax_core::ClaimStanding;
    let mut n = (0, 0, 0);
    for d in store
        .digests
        .lock()
        .unwrap()
        .iter()
        .filter(|d| !d.is_outdated())
    {
        for c in &d.ledger {
            match c
                .outlets
                .iter()
                .find(|o| &o.source == source)
                .map(|o| o.standing)
            {
                Some(ClaimStanding::Agreed) => n.0 += 1,
                Some(ClaimStanding::Disputed) => n.1 += 1,
                Some(ClaimStanding::SingleSource) => n.2 += 1,
                None => {}
            }
        }
    }
    n
}

#[tokio::test]
async fn a_source_page_shows_every_fact_with_provenance_ratings_feeds_and_ledger() {
    use parallax_web::escape::escape_html;
    let f = source_fixture();
    let uri = format!("/source/{}", f.ukrinform.id);
    let r = get(f.store.clone(), &uri).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_safe(&uri, &r);
    let body = &r.body;
    if std::env::var_os("PARALLAX_DUMP_HTML").is_some() {
        println!("{body}");
    }
    for text in [
        "<h1>Ukrinform</h1>",
        "href=\"https://www.ukrinform.net/\"",
        "Source: State Media Monitor list",
        "Source: kite media_data (MIT)",
        "uk, en",
        "Source: the registry",
        "Ministry of Culture of Ukraine",
        "state — state-controlled (State Media Monitor: SC)",
        "Source: State Media Monitor 2024",
        "Rated by: Test Bias Raters, via the test set",
        // Both providers, with value, score, date and licence; the estimate labelled.
        "idiap-reliability",
        "(score 0.55)",
        "Apache-2.0; Idiap Research Institute",
        "<span class=\"badge estimate\">estimate</span>",
        "wikipedia-perennial",
        "generally reliable",
        "CC BY-SA 4.0; English Wikipedia",
        "<span class=\"badge\">rating</span>",
        // Feeds with their categories and health.
        "https://www.ukrinform.net/rss/block-lastnews",
        "world",
        "business",
        "HTTP 503 from the server",
        "degraded · 1 of 2 feeds failing",
        // Articles and recent stories.
        "3 articles stored",
        "Talks &lt;script&gt;",
    ] {
        assert!(
            body.contains(&escape_html(text)) || body.contains(text),
            "missing {text:?}:\n{body}"
        );
    }
    assert!(!body.contains("inferred from coverage"), "{body}");
    assert!(body.contains(&format!("href=\"/story/{}\"", f.story)));
    assert!(body.contains(&format!("href=\"/story/{}\"", f.later)));
    // The ledger record: counts from the digests, each claim linked to its anchor.
    let (agreed, disputed, single) = record_in_digests(&f.store, &f.ukrinform.id);
    assert!(agreed >= 2, "the real digest has an agreed claim too");
    assert_eq!(disputed, 1);
    assert!(
        body.contains(&format!("<strong>{agreed}</strong> claim")),
        "{body}"
    );
    assert!(body.contains(&format!("<strong>{disputed}</strong> disputed")));
    assert!(body.contains(&format!("<strong>{single}</strong> single-source")));
    assert!(body.contains("1 more story is not counted yet"), "{body}");
    assert!(body.contains(&format!("href=\"/story/{}#claim-1\"", f.later)));
    assert!(body.contains(&format!("href=\"/story/{}#claim-2\"", f.later)));
    assert!(
        !body.contains(&format!("href=\"/story/{}#claim-3\"", f.later)),
        "not Ukrinform's"
    );
    assert!(body.contains("duration of the talks &lt;img src&#61;x"));
    // Each link of the real digest leads to an anchor of the story page.
    let story_page = get(f.store.clone(), &format!("/story/{}", f.story))
        .await
        .body;
    let prefix = format!("href=\"/story/{}#", f.story);
    let mut linked = 0;
    for part in body.split(&prefix).skip(1) {
        let anchor = part.split('"').next().unwrap();
        assert!(
            story_page.contains(&format!("id=\"{anchor}\"")),
            "no {anchor} on the story page"
        );
        linked += 1;
    }
    assert!(linked >= 1);
    // The outlet is reachable by its site too.
    let r = get(f.store.clone(), "/source/ukrinform.net").await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("<h1>Ukrinform</h1>"));
}

#[tokio::test]
async fn the_source_api_carries_provenance_ratings_feeds_and_the_ledger_record() {
    let f = source_fixture();
    let r = get(f.store.clone(), &format!("/api/sources/{}", f.ukrinform.id)).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_security_headers("/api/sources/ID", &r);
    let v: Value = serde_json::from_str(&r.body).unwrap();
    assert_eq!(v["id"], f.ukrinform.id.as_str());
    assert_eq!(v["name"], "Ukrinform");
    assert_eq!(v["name_provenance"], "kite media_data (MIT)");
    assert_eq!(v["country"], "UA");
    assert_eq!(v["country_basis"], "home");
    assert_eq!(v["country_inferred"], false);
    assert_eq!(v["country_provenance"], "State Media Monitor list");
    assert_eq!(v["languages"], serde_json::json!(["uk", "en"]));
    assert_eq!(v["ownership"], "state");
    assert_eq!(
        v["ownership_detail"],
        "state-controlled (State Media Monitor: SC)"
    );
    assert_eq!(v["owner_provenance"], "State Media Monitor 2024");
    assert_eq!(v["bias"]["value"], "center");
    assert_eq!(v["articles"], 3);
    let ratings = v["ratings"].as_array().unwrap();
    assert_eq!(ratings.len(), 2);
    assert_eq!(ratings[0]["provider"], "idiap-reliability");
    assert_eq!(ratings[0]["kind"], "reliability");
    assert_eq!(ratings[0]["score"], 0.55);
    assert_eq!(ratings[0]["estimate"], true);
    assert_eq!(ratings[0]["label"], "estimate");
    assert_eq!(ratings[0]["date"], "2024");
    assert_eq!(ratings[1]["provider"], "wikipedia-perennial");
    assert_eq!(ratings[1]["value"], "generally reliable");
    assert_eq!(ratings[1]["label"], "rating");
    assert_eq!(ratings[1]["licence"], "CC BY-SA 4.0; English Wikipedia");
    let feeds = v["feeds"].as_array().unwrap();
    assert_eq!(feeds.len(), 2);
    assert_eq!(feeds[0]["category"], "world");
    assert_eq!(feeds[0]["status"], "ok");
    assert_eq!(feeds[1]["status"], "failing");
    assert_eq!(feeds[1]["consecutive_failures"], 3);
    assert_eq!(v["health"]["status"], "degraded");
    assert_eq!(v["health"]["feeds_failing"], 1);
    let stories: Vec<&str> = v["recent_stories"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        stories,
        vec![f.later.as_str(), f.story.as_str(), f.outdated.as_str()]
    );
    let (agreed, disputed, single) = record_in_digests(&f.store, &f.ukrinform.id);
    let ledger = &v["ledger"];
    assert_eq!(ledger["agreed"], agreed);
    assert_eq!(ledger["disputed"], disputed);
    assert_eq!(ledger["single_source"], single);
    assert_eq!(ledger["stories"], 2);
    assert_eq!(ledger["stories_pending"], 1);
    let claims = ledger["claims"].as_array().unwrap();
    assert_eq!(claims.len(), agreed + disputed + single);
    assert_eq!(claims[0]["standing"], "disputed");
    assert_eq!(claims[0]["story"], f.later.as_str());
    assert_eq!(claims[0]["claim"], 1);
    assert_eq!(claims[0]["href"], format!("/story/{}#claim-1", f.later));
    // The same by site.
    let r = get(f.store.clone(), "/api/sources/www.ukrinform.net").await;
    assert_eq!(r.status, StatusCode::OK);
}

#[tokio::test]
async fn an_inferred_country_is_said_to_be_inferred_with_the_gdelt_credit() {
    let f = source_fixture();
    let uri = format!("/source/{}", f.inferred.id);
    let r = get(f.store.clone(), &uri).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_safe(&uri, &r);
    assert!(r.body.contains("inferred from coverage"), "{}", r.body);
    assert!(r.body.contains("href=\"https://www.gdeltproject.org/\""));
    assert!(r.body.contains("GDELT Project"));
    assert!(r.body.contains("No feed"));
    let r = get(f.store.clone(), &format!("/api/sources/{}", f.inferred.id)).await;
    let v: Value = serde_json::from_str(&r.body).unwrap();
    assert_eq!(v["country"], "US");
    assert_eq!(v["country_basis"], "inferred_from_coverage");
    assert_eq!(v["country_inferred"], true);
    assert_eq!(v["country_provenance"], GDELT_CREDIT);
    assert_eq!(v["health"], Value::Null);
}

#[tokio::test]
async fn unknown_sources_are_404() {
    let f = source_fixture();
    for uri in [
        "/source/src-0123456789abcdef",
        "/source/src-unknown",
        "/source/nowhere.example",
        "/source/%3Cscript%3E",
    ] {
        let r = get(f.store.clone(), uri).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{uri}");
        assert!(r.body.contains("Source not found"), "{uri}");
        assert_safe(uri, &r);
    }
    for uri in [
        "/api/sources/src-0123456789abcdef",
        "/api/sources/src-unknown",
    ] {
        let r = get(f.store.clone(), uri).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{uri}");
        let v: Value = serde_json::from_str(&r.body).unwrap();
        assert_eq!(v["error"], "source not found");
    }
    assert!(
        parallax_views::source_view(f.store.as_ref(), &SourceId::from("src-0123456789abcdef"))
            .unwrap()
            .is_none()
    );
}

#[tokio::test]
async fn hostile_source_data_is_escaped_on_every_page() {
    let f = source_fixture();
    for uri in [
        format!("/source/{}", f.hostile.id),
        format!("/story/{}", f.story),
        format!("/story/{}", f.later),
        "/sources".to_string(),
    ] {
        let r = get(f.store.clone(), &uri).await;
        assert_eq!(r.status, StatusCode::OK, "{uri}");
        assert_safe(&uri, &r);
    }
    let r = get(f.store.clone(), &format!("/source/{}", f.hostile.id)).await;
    assert!(
        r.body
            .contains("&lt;script&gt;alert(1)&lt;/script&gt; Gazette"),
        "{}",
        r.body
    );
    // A home page that is no http(s) URL is shown, not linked.
    assert!(r.body.contains("(not linked)"));
    assert!(r.body.contains("(by its domain)"));
    // The outlet names link to their pages, on /sources and on the story page.
    let r = get(f.store.clone(), "/sources").await;
    assert!(
        r.body.contains(&format!(
            "<a href=\"/source/{}\">Ukrinform</a>",
            f.ukrinform.id
        )),
        "{}",
        r.body
    );
    let r = get(f.store.clone(), &format!("/story/{}", f.story)).await;
    assert!(r.body.contains(&format!(
        "<a href=\"/source/{}\">&lt;script&gt;",
        f.hostile.id
    )));
}

#[tokio::test]
async fn the_story_page_shows_country_provenance_attribution_and_rating_distributions() {
    let f = source_fixture();
    let uri = format!("/story/{}", f.story);
    let r = get(f.store.clone(), &uri).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_safe(&uri, &r);
    let body = &r.body;
    // Each article: its outlet linked, its ownership, its country with what it rests on.
    assert!(
        body.contains(&format!(
            "<a href=\"/source/{}\">Ukrinform</a> (state-controlled (State Media Monitor: SC))",
            f.ukrinform.id
        )),
        "{body}"
    );
    assert!(
        body.contains("title=\"State Media Monitor list\">UA</span>"),
        "{body}"
    );
    assert!(
        body.contains(
            "US</span> (inferred from coverage; <a href=\"https://www.gdeltproject.org/\""
        ),
        "{body}"
    );
    assert!(body.contains("outlet known from the site of its address"));
    assert!(body.contains("outlet known from the masthead of the page"));
    // Coverage: inferred countries said so, with the credit.
    assert!(body.contains("US (inferred): 1 (33%)"), "{body}");
    assert!(
        body.contains("1 article's country is only inferred from what its outlet covers"),
        "{body}"
    );
    // The bias mix with who rated, and each provider's reliability distribution.
    assert!(body.contains("Rated by: Test Bias Raters, via the test set"));
    assert!(
        body.contains("<dt>Reliability (idiap-reliability)</dt>"),
        "{body}"
    );
    assert!(body.contains("high: 1 (33%)"));
    assert!(body.contains("2 of 3 sources (67%) not rated by it"));
    assert!(body.contains("Apache-2.0; Idiap Research Institute"));
    assert!(body.contains("<span class=\"badge estimate\">estimate</span>"));
    assert!(body.contains("low below -0.2"));
    assert!(body.contains("<dt>Reliability (wikipedia-perennial)</dt>"));
    assert!(body.contains("generally reliable: 1 (33%)"));
    assert!(body.contains("CC BY-SA 4.0; English Wikipedia"));
    // Claims have anchors.
    assert!(body.contains("id=\"claim-1\""), "{body}");

    // The story JSON carries the same.
    let r = get(f.store.clone(), &format!("/api/stories/{}", f.story)).await;
    let v: Value = serde_json::from_str(&r.body).unwrap();
    let a = &v["articles"][0];
    assert_eq!(a["country"], "UA");
    assert_eq!(a["country_basis"], "home");
    assert_eq!(a["country_provenance"], "State Media Monitor list");
    assert_eq!(a["attributed_by"], "url");
    assert_eq!(a["ownership"], "state");
    assert_eq!(
        a["ownership_detail"],
        "state-controlled (State Media Monitor: SC)"
    );
    let b = &v["articles"][1];
    assert_eq!(b["country_basis"], "inferred_from_coverage");
    assert_eq!(b["country_provenance"], GDELT_CREDIT);
    assert_eq!(b["attributed_by"], "masthead");
    assert_eq!(v["articles"][2]["attributed_by"], Value::Null);
    assert_eq!(v["coverage"]["countries_inferred"], 1);
    assert_eq!(v["coverage"]["inferred_countries"][0]["label"], "US");
    let ratings = v["coverage"]["ratings"].as_array().unwrap();
    assert_eq!(ratings.len(), 2);
    assert_eq!(ratings[0]["provider"], "idiap-reliability");
    assert_eq!(ratings[0]["kind"], "reliability");
    assert_eq!(ratings[0]["estimate"], true);
    assert_eq!(ratings[0]["tallies"][0]["label"], "unrated");
    assert_eq!(ratings[0]["tallies"][0]["count"], 2);
    assert_eq!(v["bias_rated_by"][0], "Test Bias Raters, via the test set");
}

/// Issue 11: every claim of the ledger has its anchor (`claim-N`) on the story page, those past
/// the single-source list's cut too, so that source pages can link to any of them.
#[tokio::test]
async fn every_claim_has_its_anchor_on_the_story_page() {
    let store = Arc::new(MemStore::default());
    let source = Source::named("Long Reads");
    store.upsert_source(&source).unwrap();
    let places = [
        "Millbrook",
        "Riverside",
        "Oakton",
        "Hillcrest",
        "Lakeside",
        "Brookfield",
        "Fairview",
        "Greenwood",
        "Kingsport",
        "Westfield",
    ];
    let things = [
        "library", "bridge", "hospital", "school", "market", "station", "museum",
    ];
    let mut paragraphs = Vec::new();
    for (i, place) in places.iter().enumerate() {
        for (j, thing) in things.iter().enumerate() {
            paragraphs.push(format!(
                "The council of {place} approved {} new rules for its {thing} on Monday, officials said.",
                i * 7 + j + 2
            ));
        }
    }
    let refs: Vec<&str> = paragraphs.iter().map(String::as_str).collect();
    let a = article(
        "long",
        &source.id,
        None,
        "Councils approve new rules",
        &refs,
    );
    let story = Story {
        id: StoryId::from_seed(&a.id),
        title: "Councils approve new rules".into(),
        summary: vec![],
        coverage: Coverage::default(),
        articles: vec![a.id.clone()],
        first_seen: t(7, 0),
        last_updated: t(7, 0),
    };
    store.commit_article(&a, &story).unwrap();
    let r = get(store.clone(), &format!("/api/stories/{}", story.id)).await;
    let v: Value = serde_json::from_str(&r.body).unwrap();
    let claims = v["claims"].as_array().unwrap().len();
    assert!(
        claims > 40,
        "{claims} claims: too few to pass the list's cut"
    );
    let r = get(store.clone(), &format!("/story/{}", story.id)).await;
    assert_safe("/story", &r);
    for n in 1..=claims {
        assert!(
            r.body.contains(&format!("id=\"claim-{n}\"")),
            "no anchor claim-{n}"
        );
    }
    assert!(!r.body.contains(&format!("id=\"claim-{}\"", claims + 1)));
    assert!(r.body.contains("more, in short:"), "{}", r.body);
}

// ---------------------------------------------------------------------------------------------
// Issue 12: the story page in the seed products' words and order
// ---------------------------------------------------------------------------------------------

/// A story of four outlets in three countries: a dispute over how long a meeting lasted, a claim
/// two independent reports agree on, and a wire copy of the first report (an AFP report) by a
/// fourth outlet, all dated; plus another story naming the same harbour town.
fn ledger_fixture() -> (Arc<MemStore>, StoryId, StoryId) {
    let store = Arc::new(MemStore::default());
    let outlet = |name: &str, country: &str, bias: Option<&str>| {
        let mut s = Source::named(name);
        s.country = Some(country.into());
        s.bias = bias.map(|b| Rating {
            value: b.into(),
            provenance: "test".into(),
        });
        store.upsert_source(&s).unwrap();
        s
    };
    let post = outlet("Harbour Post", "GB", Some("left"));
    let daily = outlet("Wire Daily", "US", Some("right"));
    let coast = outlet("Coast Times", "FR", None);
    let herald = outlet("Copy Herald", "US", Some("right"));
    let body = "The harbour council of Portwick met on Tuesday evening in the town hall to decide \
                the future of the old sea wall, which was damaged in the winter storms. Residents \
                filled the hall and many spoke against the plan to demolish the wall and build a \
                new promenade along the beach.";
    let dated = |mut a: Article, day: u32, hour: u32| {
        a.published = Some(PublishedTime {
            at: t(day, hour),
            found: DateFound::Meta,
            confidence: 0.9,
        });
        a
    };
    let a = dated(
        article(
            "lf-a",
            &post.id,
            Some("https://post.example/a"),
            "Ministers meet over Portwick harbour",
            &[
                body,
                "The meeting between the two ministers lasted almost two hours, officials said.",
                "The port authority said the harbour of Portwick would reopen on Friday.",
                "(AFP)",
            ],
        ),
        7,
        9,
    );
    let b = dated(
        article(
            "lf-b",
            &daily.id,
            Some("https://daily.example/b"),
            "Portwick harbour talks end early",
            &[
                "The meeting between the ministers lasted only 20 minutes, according to a statement.",
                "The port authority said the harbour of Portwick would reopen on Friday.",
            ],
        ),
        7,
        11,
    );
    let c = dated(
        article(
            "lf-c",
            &coast.id,
            None,
            "Ministers discuss Portwick harbour",
            &[
                "The ministers met for nearly two hours on Tuesday to discuss the harbour of Portwick.",
            ],
        ),
        8,
        10,
    );
    let d = dated(
        article(
            "lf-d",
            &herald.id,
            None,
            "Ministers meet over Portwick harbour",
            &[
                body,
                "The meeting between the two ministers lasted almost two hours, officials said.",
                "The port authority said the harbour of Portwick would reopen on Friday.",
                "(AFP)",
            ],
        ),
        7,
        12,
    );
    let story = Story {
        id: StoryId::from_seed(&a.id),
        title: a.title.clone(),
        summary: vec![Bullet {
            text: "The meeting between the two ministers lasted almost two hours, officials said."
                .into(),
            citations: vec![a.id.clone(), d.id.clone()],
        }],
        coverage: Coverage {
            articles: 4,
            sources: 4,
            bias: vec![
                Tally {
                    label: "left".into(),
                    count: 1,
                    share: 0.25,
                },
                Tally {
                    label: "right".into(),
                    count: 2,
                    share: 0.5,
                },
                Tally {
                    label: "unrated".into(),
                    count: 1,
                    share: 0.25,
                },
            ],
            ownership: vec![Tally {
                label: "unknown".into(),
                count: 4,
                share: 1.0,
            }],
            countries: vec![
                Tally {
                    label: "US".into(),
                    count: 2,
                    share: 0.5,
                },
                Tally {
                    label: "GB".into(),
                    count: 1,
                    share: 0.25,
                },
                Tally {
                    label: "FR".into(),
                    count: 1,
                    share: 0.25,
                },
            ],
            first_published: Some(t(7, 9)),
            last_published: Some(t(8, 10)),
            ..Coverage::default()
        },
        articles: vec![a.id.clone(), b.id.clone(), d.id.clone(), c.id.clone()],
        first_seen: t(7, 10),
        last_updated: t(8, 12),
    };
    for x in [&a, &b, &d, &c] {
        store.commit_article(x, &story).unwrap();
    }
    let e = article(
        "lf-e",
        &coast.id,
        None,
        "Portwick fishermen protest new quotas",
        &["Fishermen in Portwick blocked the harbour of Portwick on Monday over new quotas."],
    );
    let other = Story {
        id: StoryId::from_seed(&e.id),
        title: e.title.clone(),
        summary: Vec::new(),
        coverage: Coverage::default(),
        articles: vec![e.id.clone()],
        first_seen: t(6, 10),
        last_updated: t(6, 12),
    };
    store.commit_article(&e, &other).unwrap();
    digest_all(&store);
    (store, story.id, other.id)
}

/// The position of `needle` in `body`, which must hold it.
fn position(body: &str, needle: &str) -> usize {
    body.find(needle)
        .unwrap_or_else(|| panic!("no {needle:?} in the page:\n{body}"))
}

#[tokio::test]
async fn the_story_page_has_the_seed_products_sections_in_their_order() {
    let (store, id, other) = ledger_fixture();
    let uri = format!("/story/{id}");
    let r = get(store.clone(), &uri).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_safe(&uri, &r);
    let body = &r.body;
    if std::env::var_os("PARALLAX_DUMP_HTML").is_some() {
        println!("{body}");
    }
    // The sections, in the seed products' words and order.
    let mut at = position(body, "<h1>Ministers meet over Portwick harbour</h1>");
    for heading in [
        ">The World's Current Take</h2>",
        ">Coverage Details</h2>",
        ">Bias Distribution</h3>",
        ">Ownership</h3>",
        ">Where it is covered</h3>",
        ">Alternative Takes</h2>",
        ">Claim Ledger</h2>",
        ">What the sources dispute</h3>",
        ">What the sources agree on</h3>",
        ">Reported by one source only</h3>",
        ">Timeline</h2>",
        ">General News Coverage</h2>",
        ">People, places and organisations</h2>",
        ">Related stories</h2>",
        ">Topics</h2>",
    ] {
        let next = position(body, heading);
        assert!(next > at, "{heading} is out of order");
        at = next;
    }
    // Headings never skip a level.
    let mut level = 1;
    for (i, _) in body.match_indices("<h") {
        if let Some(l) = body[i + 2..].chars().next().and_then(|c| c.to_digit(10)) {
            assert!(
                l <= level + 1,
                "h{l} after h{level} at {}",
                &body[i..i + 60]
            );
            level = l;
        }
    }
    // A citation reveals its article's outlet and title without script.
    let cite = position(body, "<details class=\"cite\"><summary");
    let cite_body = &body[cite..cite + 700];
    assert!(cite_body.contains("Harbour Post"), "{cite_body}");
    assert!(cite_body.contains("href=\"#a-1\""), "{cite_body}");
    // Who reported first, and the bars and map drawn as SVG with their numbers as text.
    assert!(
        body.contains("Harbour Post, 2025-07-07 09:00 UTC"),
        "{body}"
    );
    assert!(body.contains("<rect class=\"seg seg-left\""), "{body}");
    assert!(body.contains("<rect class=\"seg seg-unrated\""), "{body}");
    assert!(body.contains("unrated: 1 (25%)"), "{body}");
    assert!(body.contains("unknown: 4 (100%)"), "{body}");
    assert!(body.contains("<svg class=\"story-map\""), "{body}");
    assert!(body.contains("<path class=\"on\""), "{body}");
    assert!(
        body.contains(
            "<a href=\"/country/GB\">GB: 1 (25%)</a> <span class=\"muted\">United Kingdom</span>"
        ),
        "{body}"
    );
    // The timeline chart: an SVG image with a text alternative and a table.
    let chart = position(body, "<svg class=\"chart\"");
    assert!(body[chart..].contains("role=\"img\""));
    assert!(body.contains("<desc id=\"chart-desc\">"), "{body}");
    assert!(
        body.contains("Articles per hour and region, as a table"),
        "{body}"
    );
    // Disputed claims come before agreed ones.
    let disputed = position(body, "<span class=\"badge disputed\">disputed</span>");
    let agreed = position(body, "<span class=\"badge agreed\">agreed</span>");
    assert!(disputed < agreed);
    // General News Coverage: by country, then side; the wire copy folded under its original.
    let coverage = position(body, ">General News Coverage</h2>");
    for country in [
        ">United States (US) <span class=\"muted\">· 1 article</span>",
        ">United Kingdom (GB) <span class=\"muted\">· 1 article and 1 copy folded under it</span>",
        ">France (FR) <span class=\"muted\">· 1 article</span>",
    ] {
        assert!(position(body, country) > coverage, "{country}");
    }
    assert!(
        body[coverage..].contains("<h4>Outlets rated right</h4>"),
        "{body}"
    );
    let fold = position(
        body,
        "<details class=\"fold\"><summary>1 copy of an AFP report</summary>",
    );
    assert!(fold > coverage);
    assert!(
        body[fold..fold + 2000].contains("Copy Herald"),
        "the copy is inside the fold"
    );
    // Related stories through shared entities, and topic tags linking to topic pages.
    let related = position(body, ">Related stories</h2>");
    assert!(
        body[related..].contains(&format!("href=\"/story/{other}\"")),
        "{body}"
    );
    assert!(!body[related..].contains(&format!("href=\"/story/{id}\"")));
    let topics = position(body, ">Topics</h2>");
    assert!(body[topics..].contains("href=\"/topic/"), "{body}");
    // The API carries the related stories.
    let r = get(store, &format!("/api/stories/{id}")).await;
    let v: Value = serde_json::from_str(&r.body).unwrap();
    assert_eq!(v["related"][0]["id"], other.as_str(), "{v}");
}

// ---------------------------------------------------------------------------------------------
// "Pick a country": the world map and the country pages
// ---------------------------------------------------------------------------------------------

/// Outlets in Ukraine (home, country-code domain, one with a hostile name and a feed), France
/// (no basis recorded) and Germany (only inferred from coverage), with articles fetched in the
/// last day (and one French article 40 days ago); a Ukrainian story, a story Ukraine shares with
/// others, and a story covered widely abroad but not in Ukraine, each with a digest.
fn world_fixture() -> Arc<MemStore> {
    use parallax_core::CountryBasis;
    let store = Arc::new(MemStore::default());
    let now = Utc::now();
    let outlet = |name: &str, country: &str, basis: Option<CountryBasis>| {
        let mut s = Source::named(name);
        s.country = Some(country.into());
        s.provenance.country_basis = basis;
        store.upsert_source(&s).unwrap();
        s
    };
    let mut kyiv = Source::named(&format!("Kyiv Daily {XSS_SCRIPT}"));
    kyiv.country = Some("UA".into());
    kyiv.provenance.country_basis = Some(CountryBasis::Home);
    kyiv.feeds = vec!["https://kyiv.example/feed".into()];
    store.upsert_source(&kyiv).unwrap();
    let lviv = outlet("Lviv Post", "UA", Some(CountryBasis::TopLevelDomain));
    let paris = outlet("Paris Soir", "FR", None);
    let guess = outlet(
        "Guess Gazette",
        "DE",
        Some(CountryBasis::InferredFromCoverage),
    );

    let story = |id: &str, title: &str| Story {
        id: StoryId::from(id),
        title: title.into(),
        summary: Vec::new(),
        coverage: Coverage::default(),
        articles: Vec::new(),
        first_seen: now - chrono::Duration::hours(3),
        last_updated: now - chrono::Duration::hours(2),
    };
    let local = story("sto-local", "Kharkiv tram line reopens");
    let shared = story("sto-shared", "Grain corridor talks resume");
    let world = story("sto-world", "Summit on ocean treaty");
    let mut n = 0;
    let mut add = |source: &Source, story: &Story, fetched: DateTime<Utc>| {
        n += 1;
        let mut a = article(&format!("w{n}"), &source.id, None, &story.title, &["Text."]);
        a.fetched_at = fetched;
        store.commit_article(&a, story).unwrap();
    };
    let recent = now - chrono::Duration::days(1);
    for _ in 0..11 {
        add(&kyiv, &local, recent);
    }
    add(&lviv, &local, recent);
    add(&kyiv, &shared, recent);
    for _ in 0..3 {
        add(&paris, &world, recent);
    }
    add(&paris, &world, now - chrono::Duration::days(40));
    for _ in 0..50 {
        add(&guess, &world, recent);
    }

    let countries = |c: &[(&str, usize)]| {
        c.iter()
            .map(|(country, sources)| parallax_core::CountrySources {
                country: (*country).into(),
                articles: *sources,
                sources: *sources,
            })
            .collect()
    };
    for (s, c) in [
        (&local, countries(&[("UA", 2)])),
        (&shared, countries(&[("UA", 1), ("FR", 1), ("US", 2)])),
        (
            &world,
            countries(&[("US", 2), ("GB", 2), ("FR", 1), ("PL", 1), ("unknown", 3)]),
        ),
    ] {
        store
            .save_digest(&StoryDigest {
                story: s.id.clone(),
                story_updated: s.last_updated,
                countries: c,
                ..StoryDigest::default()
            })
            .unwrap();
    }
    store
}

#[tokio::test]
async fn the_world_map_links_every_country_shaded_by_its_outlets_volume() {
    let store = world_fixture();
    let r = get(store.clone(), "/world").await;
    assert_eq!(r.status, StatusCode::OK);
    assert_safe("/world", &r);
    assert!(r.body.contains("<a href=\"/world\">World</a>"), "nav link");
    let map = parallax_views::world_map();
    let svg = &r.body[r.body.find("<svg").unwrap()..r.body.find("</svg>").unwrap()];
    assert_eq!(
        svg.matches("<a href=\"/country/").count(),
        map.countries.len(),
        "one link per country in the map"
    );
    for c in &map.countries {
        let link = format!("<a href=\"/country/{}\">", c.code);
        assert!(svg.contains(&link), "{} is not a link", c.code);
        // And listed beside the map.
        assert!(
            r.body.matches(&link).count() >= 2,
            "{} is not listed",
            c.code
        );
    }
    // 12 + 1 articles: 10–99; 3: 1–9; a country only inferred from coverage counts nothing.
    assert!(
        svg.contains("<a href=\"/country/UA\"><path class=\"v2\" d=\"M"),
        "{svg}"
    );
    assert!(svg.contains("<title>Ukraine: 13 articles</title>"), "{svg}");
    assert!(svg.contains("<a href=\"/country/FR\"><path class=\"v1\""));
    assert!(svg.contains("<title>France: 3 articles</title>"));
    assert!(svg.contains("<a href=\"/country/DE\"><path class=\"v0\""));
    assert!(svg.contains("<title>Germany: 0 articles</title>"));
    // Microstates are dots.
    assert!(svg.contains("<a href=\"/country/SG\"><circle class=\"v0\""));
    // The list puts the busiest first; the legend names the classes.
    let list = &r.body[r.body.find("id=\"list-title\"").unwrap()..];
    assert!(list.find("/country/UA").unwrap() < list.find("/country/FR").unwrap());
    assert!(list.contains("13 articles, 2 outlets"));
    assert!(r.body.contains("10–99"), "legend");
    // A longer period counts the older article; a period not offered is refused.
    let r = get(store.clone(), "/world?days=365").await;
    assert!(r.body.contains("<title>France: 4 articles</title>"));
    assert!(r.body.contains("<strong>last 365 days</strong>"));
    let r = get(store.clone(), "/world?days=8").await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_safe("/world?days=8", &r);
}

#[tokio::test]
async fn api_countries_gives_every_countrys_volume() {
    let store = world_fixture();
    let r = get(store.clone(), "/api/countries").await;
    assert_eq!(r.status, StatusCode::OK);
    assert_security_headers("/api/countries", &r);
    let v: Value = serde_json::from_str(&r.body).unwrap();
    assert_eq!(v["days"], 30);
    assert_eq!(v["articles"], 16);
    let countries = v["countries"].as_array().unwrap();
    assert_eq!(countries.len(), parallax_views::world_map().countries.len());
    assert_eq!(countries[0]["code"], "UA");
    assert_eq!(countries[0]["name"], "Ukraine");
    assert_eq!(countries[0]["articles"], 13);
    assert_eq!(countries[0]["outlets"], 2);
    assert_eq!(countries[0]["class"], 2);
    assert_eq!(countries[0]["on_map"], true);
    let de = countries.iter().find(|c| c["code"] == "DE").unwrap();
    assert_eq!(
        (de["articles"].as_u64(), de["class"].as_u64()),
        (Some(0), Some(0))
    );
    let v: Value =
        serde_json::from_str(&get(store.clone(), "/api/countries?days=365").await.body).unwrap();
    let fr = v["countries"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["code"] == "FR")
        .unwrap();
    assert_eq!(fr["articles"], 4);
    let r = get(store, "/api/countries?days=0").await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn a_country_page_lists_its_stories_blindspots_and_outlets() {
    let store = world_fixture();
    for uri in ["/country/UA", "/country/ua"] {
        let r = get(store.clone(), uri).await;
        assert_eq!(r.status, StatusCode::OK, "{uri}");
        assert_safe(uri, &r);
        assert!(r.body.contains("<h1>Ukraine"), "{}", r.body);
        let at = |s: &str| {
            r.body
                .find(s)
                .unwrap_or_else(|| panic!("{s} missing:\n{}", r.body))
        };
        let (top, overlooked, blind, outlets) = (
            at("Top stories of its outlets"),
            at("<h2>Overlooked elsewhere"),
            at("<h2>Blindspots"),
            at("<h2>Outlets"),
        );
        let top_part = &r.body[top..overlooked];
        assert!(top_part.contains("Kharkiv tram line reopens"));
        assert!(top_part.contains("Grain corridor talks resume"));
        assert!(!top_part.contains("Summit on ocean treaty"));
        let overlooked_part = &r.body[overlooked..blind];
        assert!(overlooked_part.contains("href=\"/story/sto-local\""));
        assert!(!overlooked_part.contains("Grain corridor"));
        let blind_part = &r.body[blind..outlets];
        assert!(
            blind_part.contains("Summit on ocean treaty"),
            "{blind_part}"
        );
        let outlet_part = &r.body[outlets..];
        assert!(
            outlet_part.contains("Kyiv Daily &lt;script&gt;"),
            "{outlet_part}"
        );
        assert!(outlet_part.contains("Lviv Post"));
        assert!(
            outlet_part.contains("never polled"),
            "health of the outlet with a feed"
        );
        assert!(outlet_part.contains("no feeds"));
    }
    // Only an inferred country: no outlet of Germany.
    let r = get(store.clone(), "/country/DE").await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(!r.body.contains("Guess Gazette"));
    assert!(r.body.contains("No outlet is known to be based in Germany"));

    let r = get(store.clone(), "/api/countries/UA").await;
    assert_eq!(r.status, StatusCode::OK);
    let v: Value = serde_json::from_str(&r.body).unwrap();
    assert_eq!(v["code"], "UA");
    assert_eq!(v["volume"]["articles"], 13);
    assert_eq!(v["top_stories"][0]["story"], "sto-local");
    assert_eq!(v["top_stories"][0]["home_outlets"], 2);
    assert_eq!(v["top_stories"][1]["other_outlets"], 3);
    assert_eq!(v["top_stories"][1]["other_countries"], 2);
    assert_eq!(v["overlooked_elsewhere"].as_array().unwrap().len(), 1);
    assert_eq!(v["blindspots"][0]["story"], "sto-world");
    let outlets = v["outlets"].as_array().unwrap();
    assert_eq!(outlets.len(), 2);
    assert!(
        outlets
            .iter()
            .any(|o| o["health"]["status"] == "never polled")
    );
    assert!(outlets.iter().any(|o| o["health"].is_null()));
}

#[tokio::test]
async fn an_unknown_country_is_404() {
    let store = world_fixture();
    for uri in [
        "/country/ZZ",
        "/country/USA",
        "/country/%3Cscript%3E",
        "/country/AQ",
    ] {
        let r = get(store.clone(), uri).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{uri}");
        assert_safe(uri, &r);
    }
    let r = get(store, "/api/countries/ZZ").await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let v: Value = serde_json::from_str(&r.body).unwrap();
    assert!(v["error"].is_string());
}

// ---------------------------------------------------------------------------------------------
// Search (issue 12)
// ---------------------------------------------------------------------------------------------

/// The texts inside `<mark>…</mark>` in a page.
fn marked(body: &str) -> Vec<String> {
    body.split("<mark>")
        .skip(1)
        .map(|rest| rest.split("</mark>").next().unwrap_or_default().to_string())
        .collect()
}

#[tokio::test]
async fn search_page_escapes_hostile_titles_and_snippets_and_marks_only_matches() {
    let f = fixture();
    for uri in [
        "/search",
        "/search?q=",
        "/search?q=evil",
        "/search?q=script",
        "/search?q=rescued+river",
        "/search?q=%3Cscript%3Ealert(1)%3C%2Fscript%3E",
        "/search?q=%22unbalanced+OR+(",
        "/search?q=evil&country=US&lang=en&since=2025-07-01&until=2025-07-31&source=x",
    ] {
        let r = get(f.store.clone(), uri).await;
        assert_eq!(r.status, StatusCode::OK, "{uri}");
        assert_safe(uri, &r);
    }
    let r = get(f.store.clone(), "/search?q=script").await;
    // The hostile title and the story's title are shown escaped, "script" marked inside them.
    assert!(
        r.body.contains(
            "Evil headline &#60;<mark>script</mark>&#62;alert(1)&#60;/<mark>script</mark>&#62;"
        ) || r.body.contains(
            "Evil headline &lt;<mark>script</mark>&gt;alert(1)&lt;/<mark>script</mark>&gt;"
        ),
        "{}",
        r.body
    );
    assert!(
        marked(&r.body).iter().all(|m| m == "script"),
        "{:?}",
        marked(&r.body)
    );
    let r = get(f.store.clone(), "/search?q=rescued").await;
    let marks = marked(&r.body);
    assert_eq!(marks, vec!["rescued"], "{}", r.body);
    assert!(r.body.contains(&format!("href=\"/story/{}\"", f.story)));
    // The query is shown back in the form, escaped.
    let r = get(f.store.clone(), "/search?q=%22%3E%3Cscript%3Ezzqq").await;
    assert_safe("hostile query", &r);
    assert!(marked(&r.body).is_empty());
    // A filter that fits no article: nothing found; a bad filter: 400.
    let r = get(f.store.clone(), "/search?q=evil&country=FR").await;
    assert!(r.body.contains("No story matches."));
    let r = get(f.store.clone(), "/search?q=evil&country=France").await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    let r = get(f.store.clone(), "/search?q=evil&since=yesterday").await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    // The site header has a search box on every page.
    let r = get(f.store.clone(), "/").await;
    assert!(r.body.contains("action=\"/search\""));
}

#[tokio::test]
async fn search_api_paginates_stories() {
    let store = Arc::new(MemStore::default());
    let source = Source::named("Port News");
    store.upsert_source(&source).unwrap();
    for i in 0..5u32 {
        let a = article(
            &format!("h{i}"),
            &source.id,
            None,
            &format!("Harbour report {i}"),
            &["The harbour <b>reopened</b>."],
        );
        let story = Story {
            id: StoryId::from_seed(&a.id),
            title: format!("Harbour story {i}"),
            summary: Vec::new(),
            coverage: Coverage::default(),
            articles: vec![a.id.clone()],
            first_seen: t(1, i),
            last_updated: t(1, i),
        };
        store.commit_article(&a, &story).unwrap();
    }
    let mut seen = Vec::new();
    for (offset, expected) in [(0, 2), (2, 2), (4, 1), (6, 0)] {
        let uri = format!("/api/search?q=harbour&limit=2&offset={offset}");
        let r = get(store.clone(), &uri).await;
        assert_eq!(r.status, StatusCode::OK, "{uri}");
        assert_security_headers(&uri, &r);
        let v: Value = serde_json::from_str(&r.body).unwrap();
        assert_eq!(v["total"], 5, "{uri}");
        assert_eq!(v["offset"], offset, "{uri}");
        assert_eq!(v["limit"], 2, "{uri}");
        let stories = v["stories"].as_array().unwrap();
        assert_eq!(stories.len(), expected, "{uri}");
        for s in stories {
            seen.push(s["id"].as_str().unwrap().to_string());
            let a = &s["articles"][0];
            assert_eq!(a["source_name"], "Port News");
            assert_eq!(
                a["title"][0],
                serde_json::json!({"text": "Harbour", "mark": true})
            );
            // Fragments are plain text: the article's markup is text, never rendered.
            assert!(a["snippet"].to_string().contains("<b>reopened</b>"));
        }
    }
    seen.sort();
    seen.dedup();
    assert_eq!(seen.len(), 5, "every story once over the pages");
    for uri in [
        "/api/search",
        "/api/search?q=%20",
        "/api/search?q=harbour&limit=x",
        "/api/search?q=harbour&lang=english",
    ] {
        let r = get(store.clone(), uri).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{uri}");
    }
    // The page links to the next page of the same search.
    let r = get(store.clone(), "/search?q=harbour+%C3%A9").await;
    assert!(r.body.contains("No story matches."));
    let r = get(store, "/search?q=harbour").await;
    assert!(r.body.contains("5 stories match."), "{}", r.body);
    assert!(!r.body.contains("Next →"));
}

// ---------------------------------------------------------------------------------------------
// Atom feeds of top stories, per country and per search (issue 12)
// ---------------------------------------------------------------------------------------------

const ATOM_NS: &str = "http://www.w3.org/2005/Atom";

/// Text of XML with its entity and character references resolved; panics on a bad reference or
/// a raw `<`.
fn xml_text(raw: &str) -> String {
    assert!(!raw.contains('<'), "raw < in text: {raw}");
    let mut out = String::new();
    let mut rest = raw;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        let end = rest[at..]
            .find(';')
            .unwrap_or_else(|| panic!("unterminated reference in {raw}"));
        let name = &rest[at + 1..at + end];
        let c = match name {
            "lt" => '<',
            "gt" => '>',
            "amp" => '&',
            "quot" => '"',
            "apos" => '\'',
            n if n.starts_with("#x") => char::from_u32(u32::from_str_radix(&n[2..], 16).unwrap())
                .unwrap_or_else(|| panic!("bad reference &{n};")),
            n if n.starts_with('#') => char::from_u32(n[1..].parse().unwrap())
                .unwrap_or_else(|| panic!("bad reference &{n};")),
            n => panic!("unknown entity &{n}; in {raw}"),
        };
        out.push(c);
        rest = &rest[at + end + 1..];
    }
    out.push_str(rest);
    out
}

/// An XML element: name, attributes (resolved), children and text (resolved).
#[derive(Debug, Default)]
struct Element {
    name: String,
    attributes: BTreeMap<String, String>,
    children: Vec<Element>,
    text: String,
}

impl Element {
    fn child(&self, name: &str) -> &Element {
        self.children
            .iter()
            .find(|c| c.name == name)
            .unwrap_or_else(|| panic!("no <{name}> in <{}>", self.name))
    }

    fn all(&self, name: &str) -> Vec<&Element> {
        self.children.iter().filter(|c| c.name == name).collect()
    }
}

/// Parses a whole XML document (declaration, one root element, no DTD, comments or CDATA),
/// panicking when it is not well-formed.
fn parse_xml(doc: &str) -> Element {
    let mut rest = doc.trim_start();
    if rest.starts_with("<?xml") {
        rest = &rest[rest.find("?>").expect("end of the declaration") + 2..];
    }
    let mut stack: Vec<Element> = vec![Element::default()];
    loop {
        let Some(open) = rest.find('<') else {
            assert!(rest.trim().is_empty(), "text after the root: {rest}");
            break;
        };
        let text = xml_text(&rest[..open]);
        stack.last_mut().unwrap().text.push_str(&text);
        rest = &rest[open..];
        let close = rest.find('>').expect("unterminated tag");
        let tag = &rest[1..close];
        rest = &rest[close + 1..];
        assert!(!tag.starts_with('!') && !tag.starts_with('?'), "<{tag}>");
        if let Some(name) = tag.strip_prefix('/') {
            let done = stack.pop().unwrap();
            assert_eq!(done.name, name.trim(), "mismatched end tag");
            assert!(!stack.is_empty(), "end tag without start");
            stack.last_mut().unwrap().children.push(done);
            continue;
        }
        let empty = tag.ends_with('/');
        let tag = tag.trim_end_matches('/');
        let name_end = tag.find(char::is_whitespace).unwrap_or(tag.len());
        let mut element = Element {
            name: tag[..name_end].to_string(),
            ..Element::default()
        };
        let mut attrs = tag[name_end..].trim();
        while !attrs.is_empty() {
            let eq = attrs
                .find("=\"")
                .unwrap_or_else(|| panic!("bad attribute in <{tag}>"));
            let key = attrs[..eq].trim().to_string();
            let value_end = attrs[eq + 2..].find('"').expect("unterminated attribute");
            let value = xml_text(&attrs[eq + 2..eq + 2 + value_end]);
            assert!(
                element.attributes.insert(key, value).is_none(),
                "repeated attribute in <{tag}>"
            );
            attrs = attrs[eq + 2 + value_end + 1..].trim_start();
        }
        if empty {
            stack.last_mut().unwrap().children.push(element);
        } else {
            stack.push(element);
        }
    }
    assert_eq!(stack.len(), 1, "unclosed elements");
    let mut top = stack.pop().unwrap();
    assert_eq!(top.children.len(), 1, "one root element");
    top.children.pop().unwrap()
}

/// A feed answer: 200, Atom's content type, the security headers, well-formed, Atom's namespace;
/// its entries as (id, title, link, summary, updated).
fn atom_entries(uri: &str, r: &Reply) -> Vec<(String, String, String, String, String)> {
    assert_eq!(r.status, StatusCode::OK, "{uri}: {}", r.body);
    assert_security_headers(uri, r);
    assert_eq!(
        r.headers.get(header::CONTENT_TYPE).unwrap(),
        "application/atom+xml; charset=utf-8",
        "{uri}"
    );
    let feed = parse_xml(&r.body);
    assert_eq!(feed.name, "feed", "{uri}");
    assert_eq!(feed.attributes["xmlns"], ATOM_NS, "{uri}");
    for required in ["id", "title", "updated", "author"] {
        feed.child(required);
    }
    assert!(
        DateTime::parse_from_rfc3339(&feed.child("updated").text).is_ok(),
        "{uri}"
    );
    feed.all("entry")
        .into_iter()
        .map(|e| {
            let link = e.child("link");
            assert_eq!(link.attributes["rel"], "alternate");
            assert!(DateTime::parse_from_rfc3339(&e.child("updated").text).is_ok());
            (
                e.child("id").text.clone(),
                e.child("title").text.clone(),
                link.attributes["href"].clone(),
                e.child("summary").text.clone(),
                e.child("updated").text.clone(),
            )
        })
        .collect()
}

const HOSTILE_TITLE: &str = "Flood <script>alert(1)</script> ]]> & \"more\"";

/// Three stories, the newest with a hostile title and summary, the oldest without a summary.
fn feed_fixture() -> Arc<MemStore> {
    let store = Arc::new(MemStore::default());
    let source = Source::named("Port News");
    store.upsert_source(&source).unwrap();
    for (i, title, bullet) in [
        (0u32, "Harbour quiet again", None),
        (1, "Harbour strike ends", Some("Dockers went back to work.")),
        (
            2,
            HOSTILE_TITLE,
            Some("Harbour <img src=x onerror=alert(1)> flooded ]]> & closed."),
        ),
    ] {
        let a = article(
            &format!("f{i}"),
            &source.id,
            None,
            &format!("Harbour {title}"),
            &["The harbour <b>reopened</b> & ]]> more."],
        );
        let story = Story {
            id: StoryId::from(format!("sto-f{i}").as_str()),
            title: title.into(),
            summary: bullet
                .into_iter()
                .map(|text: &str| Bullet {
                    text: text.into(),
                    citations: vec![a.id.clone()],
                })
                .collect(),
            coverage: Coverage::default(),
            articles: vec![a.id.clone()],
            first_seen: t(1, i),
            last_updated: t(2, i),
        };
        store.commit_article(&a, &story).unwrap();
    }
    store
}

#[tokio::test]
async fn the_top_stories_feed_lists_the_front_pages_stories_escaped() {
    let store = feed_fixture();
    let r = get(store.clone(), "/feeds/top.atom").await;
    let entries = atom_entries("/feeds/top.atom", &r);
    let ids: Vec<&str> = entries.iter().map(|e| e.0.as_str()).collect();
    assert_eq!(
        ids,
        [
            "urn:parallax:story:sto-f2",
            "urn:parallax:story:sto-f1",
            "urn:parallax:story:sto-f0"
        ],
        "most recently updated first"
    );
    assert_eq!(entries[0].1, HOSTILE_TITLE, "the title survives escaping");
    assert_eq!(entries[0].2, "../story/sto-f2", "relative to /feeds/");
    assert_eq!(
        entries[0].3,
        "Harbour <img src=x onerror=alert(1)> flooded ]]> & closed."
    );
    assert_eq!(entries[0].4, "2025-07-02T02:00:00+00:00");
    assert_eq!(entries[1].3, "Dockers went back to work.");
    assert_eq!(entries[2].3, "", "no summary, empty");
    assert!(!r.body.contains("<script"), "{}", r.body);
    assert!(!r.body.contains("<img"), "{}", r.body);
    assert!(!r.body.contains("]]>"), "{}", r.body);
    assert!(r.body.contains("&amp;"), "{}", r.body);
    let feed = parse_xml(&r.body);
    assert_eq!(feed.child("updated").text, "2025-07-02T02:00:00+00:00");
    assert_eq!(feed.child("link").attributes["href"], "top.atom");
    // An empty store gives an empty, well-formed feed.
    let r = get(Arc::new(MemStore::default()), "/feeds/top.atom").await;
    assert!(atom_entries("empty", &r).is_empty());
}

#[tokio::test]
async fn a_countrys_feed_lists_its_top_stories_and_an_unknown_country_is_404() {
    let store = world_fixture();
    for uri in ["/country/UA/feed.atom", "/country/ua/feed.atom"] {
        let r = get(store.clone(), uri).await;
        let entries = atom_entries(uri, &r);
        let links: Vec<&str> = entries.iter().map(|e| e.2.as_str()).collect();
        assert_eq!(
            links,
            ["../../story/sto-local", "../../story/sto-shared"],
            "{uri}: the country page's order, relative to /country/CC/"
        );
        assert_eq!(entries[0].1, "Kharkiv tram line reopens");
        assert!(entries[0].3.contains("2 outlets of UA"), "{:?}", entries[0]);
        assert!(entries[1].3.contains("3 outlets in 2 other countries"));
        let feed = parse_xml(&r.body);
        assert_eq!(feed.child("id").text, "urn:parallax:country:UA");
        assert!(feed.child("title").text.contains("Ukraine"));
    }
    for uri in [
        "/country/ZZ/feed.atom",
        "/country/USA/feed.atom",
        "/country/%3Cscript%3E/feed.atom",
    ] {
        let r = get(store.clone(), uri).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{uri}");
        assert_safe(uri, &r);
    }
}

#[tokio::test]
async fn the_search_feed_lists_the_stories_found_newest_first_with_the_search_filters() {
    let store = feed_fixture();
    let uri = "/search.atom?q=harbour";
    let r = get(store.clone(), uri).await;
    let entries = atom_entries(uri, &r);
    let links: Vec<&str> = entries.iter().map(|e| e.2.as_str()).collect();
    assert_eq!(
        links,
        ["story/sto-f2", "story/sto-f1", "story/sto-f0"],
        "newest first, relative to /"
    );
    assert_eq!(entries[0].1, HOSTILE_TITLE);
    assert!(
        entries[0].3.contains("1 matching article."),
        "{:?}",
        entries[0]
    );
    assert!(!r.body.contains("<script"), "{}", r.body);
    assert!(!r.body.contains("<b>"), "{}", r.body);
    assert!(!r.body.contains("]]>"), "{}", r.body);
    let feed = parse_xml(&r.body);
    assert_eq!(
        feed.child("link").attributes["href"],
        "search.atom?q=harbour"
    );
    // The page's filters: limit, a country that fits no outlet, a hostile query.
    let r = get(store.clone(), "/search.atom?q=harbour&limit=1").await;
    assert_eq!(atom_entries("limit", &r).len(), 1);
    let r = get(store.clone(), "/search.atom?q=harbour&country=FR").await;
    assert!(atom_entries("country", &r).is_empty());
    let uri = "/search.atom?q=%3Cscript%3E%5D%5D%3E%26";
    let r = get(store.clone(), uri).await;
    atom_entries(uri, &r);
    assert!(!r.body.contains("<script"), "{}", r.body);
    assert_eq!(
        parse_xml(&r.body).child("link").attributes["href"],
        "search.atom?q=%3Cscript%3E%5D%5D%3E%26"
    );
    for uri in [
        "/search.atom",
        "/search.atom?q=",
        "/search.atom?q=%20",
        "/search.atom?q=harbour&country=France",
        "/search.atom?q=harbour&lang=english",
        "/search.atom?q=harbour&since=yesterday",
        "/search.atom?q=harbour&limit=x",
    ] {
        let r = get(store.clone(), uri).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{uri}");
        assert_security_headers(uri, &r);
    }
}

#[tokio::test]
async fn pages_link_to_their_feeds() {
    let has_alternate = |body: &str, href: &str| {
        body.split("<link rel=\"alternate\" type=\"application/atom+xml\"")
            .skip(1)
            .any(|rest| {
                let tag = &rest[..rest.find('>').unwrap()];
                tag.contains(&format!("href=\"{href}\""))
            })
    };
    let store = feed_fixture();
    let r = get(store.clone(), "/").await;
    assert!(has_alternate(&r.body, "/feeds/top.atom"), "{}", r.body);
    assert!(r.body.contains("<a href=\"/feeds/top.atom\">"));
    let head = &r.body[..r.body.find("</head>").unwrap()];
    assert!(head.contains("application/atom+xml"), "in the head");

    let r = get(store.clone(), "/search?q=harbour+%26+%3Cb%3E").await;
    assert_safe("search", &r);
    // `=` is written as an entity by the strict escaper: the same link once decoded.
    let href = "/search.atom?q&#61;harbour%20%26%20%3Cb%3E";
    assert!(has_alternate(&r.body, href), "{}", r.body);
    assert!(
        r.body.contains(&format!("<a href=\"{href}\">")),
        "{}",
        r.body
    );
    let r = get(store.clone(), "/search").await;
    assert!(
        !r.body.contains("application/atom+xml"),
        "no search, no feed"
    );

    let r = get(world_fixture(), "/country/ua").await;
    assert!(
        has_alternate(&r.body, "/country/UA/feed.atom"),
        "{}",
        r.body
    );
    assert!(r.body.contains("<a href=\"/country/UA/feed.atom\">"));
}

// ---------------------------------------------------------------------------------------------
// Issue 12: the OpenAPI document
// ---------------------------------------------------------------------------------------------

/// The `/api/` routes the router serves, read from its source (`.route("/api/...", ...)`).
fn api_routes() -> Vec<String> {
    let source = include_str!("../src/lib.rs");
    let routes: Vec<String> = source
        .split(".route(\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .filter(|route| route.starts_with("/api/"))
        .map(str::to_string)
        .collect();
    assert!(routes.len() >= 14, "{routes:?}");
    routes
}

/// `value` with every `#/components/schemas/X` reference made `#/$defs/X`.
fn refs_to_defs(value: &Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| match (k.as_str(), v) {
                    ("$ref", Value::String(r)) => (
                        k.clone(),
                        Value::String(r.replace("#/components/schemas/", "#/$defs/")),
                    ),
                    _ => (k.clone(), refs_to_defs(v)),
                })
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(refs_to_defs).collect()),
        other => other.clone(),
    }
}

/// A JSON Schema (draft 2020-12) validator for the JSON body of `GET path` answering `status`,
/// from the document, the components embedded as `$defs`.
fn response_validator(doc: &Value, path: &str, status: u16) -> jsonschema::Validator {
    let response = &doc["paths"][path]["get"]["responses"][status.to_string()];
    assert!(
        response.is_object(),
        "{path}: status {status} is not documented"
    );
    let schema = &response["content"]["application/json"]["schema"];
    assert!(
        schema.is_object(),
        "{path} {status}: no application/json schema: {response}"
    );
    let mut schema = refs_to_defs(schema);
    schema["$schema"] = Value::from("https://json-schema.org/draft/2020-12/schema");
    let mut defs = refs_to_defs(&doc["components"]["schemas"]);
    // Strict: a property a response has and its schema does not declare is an error too. Not for
    // the schemas merged into another with `allOf` (`#[serde(flatten)]`): the merged one is
    // strict for both.
    let merged: Vec<String> = defs
        .as_object()
        .unwrap()
        .values()
        .filter_map(|d| d["allOf"].as_array())
        .flatten()
        .filter_map(|part| part["$ref"].as_str())
        .map(|r| r.trim_start_matches("#/$defs/").to_string())
        .collect();
    for (name, def) in defs.as_object_mut().unwrap() {
        if (def.get("properties").is_some() || def.get("allOf").is_some()) && !merged.contains(name)
        {
            def["unevaluatedProperties"] = Value::Bool(false);
        }
    }
    schema["$defs"] = defs;
    jsonschema::draft202012::new(&schema)
        .unwrap_or_else(|e| panic!("{path} {status}: the schema does not compile: {e}"))
}

/// Requests `uri`, expects `status`, and validates the body against the document's schema for
/// `path` (the route's template) and `status`. Returns the body.
async fn check_against_document(
    doc: &Value,
    store: Arc<MemStore>,
    uri: &str,
    path: &str,
    status: StatusCode,
) -> Value {
    let r = get(store, uri).await;
    assert_eq!(r.status, status, "{uri}: {}", r.body);
    assert!(
        r.headers[header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("application/json"),
        "{uri}"
    );
    let body: Value = serde_json::from_str(&r.body).unwrap();
    let validator = response_validator(doc, path, status.as_u16());
    let errors: Vec<String> = validator
        .iter_errors(&body)
        .map(|e| format!("at {}: {e}", e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "{uri}: the response does not match the schema of {path} {status}:\n{}",
        errors.join("\n")
    );
    body
}

#[tokio::test]
async fn the_openapi_document_covers_every_api_route_and_describes_real_responses() {
    let f = fixture();
    digest_all(&f.store);
    let r = get(f.store.clone(), "/api/openapi.json").await;
    assert_eq!(r.status, StatusCode::OK);
    assert_security_headers("/api/openapi.json", &r);
    let doc: Value = serde_json::from_str(&r.body).unwrap();
    let version = doc["openapi"].as_str().unwrap();
    assert!(version.starts_with("3.1."), "{version}");
    assert_eq!(doc["info"]["title"], "Parallax");
    assert_eq!(doc["info"]["version"], env!("CARGO_PKG_VERSION"));
    assert!(doc["info"]["license"]["name"].is_string());
    // Every `/api/` route is described, with its path parameters.
    for route in api_routes() {
        let op = &doc["paths"][&route]["get"];
        assert!(op.is_object(), "{route} is not in the document");
        for param in route.split('{').skip(1) {
            let name = param.split('}').next().unwrap();
            assert!(
                op["parameters"]
                    .as_array()
                    .is_some_and(|ps| ps.iter().any(|p| p["name"] == name && p["in"] == "path")),
                "{route}: path parameter {name} is not described"
            );
        }
        for status in ["200", "500"] {
            assert!(
                op["responses"][status].is_object() || route == "/api/openapi.json",
                "{route}: no {status}"
            );
        }
    }
    // Pagination and filters are described as query parameters.
    for (route, params) in [
        ("/api/stories", &["limit", "offset"][..]),
        (
            "/api/front",
            &["order", "country", "lang", "section", "page", "at"],
        ),
        (
            "/api/search",
            &[
                "q", "country", "lang", "source", "since", "until", "limit", "offset",
            ],
        ),
        ("/api/countries", &["days"]),
        ("/api/blindspots", &["country"]),
        ("/api/stories/{id}", &["lang"]),
    ] {
        let described = doc["paths"][route]["get"]["parameters"].as_array().unwrap();
        for name in params {
            assert!(
                described
                    .iter()
                    .any(|p| p["name"] == *name && p["in"] == "query"),
                "{route}: query parameter {name} is not described"
            );
        }
    }

    let ok = StatusCode::OK;
    let doc = &doc;
    let story = f.story.to_string();
    for (uri, path, status) in [
        ("/api/openapi.json".to_string(), "/api/openapi.json", ok),
        ("/api/status".to_string(), "/api/status", ok),
        ("/api/stories".to_string(), "/api/stories", ok),
        (
            "/api/stories?limit=1&offset=0".to_string(),
            "/api/stories",
            ok,
        ),
        (format!("/api/stories/{story}"), "/api/stories/{id}", ok),
        (
            format!("/api/stories/{story}?lang=fr"),
            "/api/stories/{id}",
            ok,
        ),
        ("/api/front".to_string(), "/api/front", ok),
        (
            "/api/front?order=latest&page=2".to_string(),
            "/api/front",
            ok,
        ),
        ("/api/sources".to_string(), "/api/sources", ok),
        ("/api/problems".to_string(), "/api/problems", ok),
        ("/api/entities".to_string(), "/api/entities", ok),
        ("/api/blindspots".to_string(), "/api/blindspots", ok),
        ("/api/countries".to_string(), "/api/countries", ok),
        ("/api/countries/US".to_string(), "/api/countries/{cc}", ok),
        ("/api/search?q=bridge".to_string(), "/api/search", ok),
        // Errors.
        (
            "/api/stories?limit=x".to_string(),
            "/api/stories",
            StatusCode::BAD_REQUEST,
        ),
        (
            format!("/api/stories/{story}?lang=%3Cx%3E"),
            "/api/stories/{id}",
            StatusCode::BAD_REQUEST,
        ),
        (
            "/api/front?order=best".to_string(),
            "/api/front",
            StatusCode::BAD_REQUEST,
        ),
        (
            "/api/blindspots?country=France".to_string(),
            "/api/blindspots",
            StatusCode::BAD_REQUEST,
        ),
        (
            "/api/countries?days=8".to_string(),
            "/api/countries",
            StatusCode::BAD_REQUEST,
        ),
        (
            "/api/search".to_string(),
            "/api/search",
            StatusCode::BAD_REQUEST,
        ),
        (
            "/api/stories/sto-never".to_string(),
            "/api/stories/{id}",
            StatusCode::NOT_FOUND,
        ),
        (
            "/api/sources/src-never".to_string(),
            "/api/sources/{id}",
            StatusCode::NOT_FOUND,
        ),
        (
            "/api/entities/nobody-at-all".to_string(),
            "/api/entities/{key}",
            StatusCode::NOT_FOUND,
        ),
        (
            "/api/countries/ZZ".to_string(),
            "/api/countries/{cc}",
            StatusCode::NOT_FOUND,
        ),
    ] {
        check_against_document(doc, f.store.clone(), &uri, path, status).await;
    }
    // Every entity and every source of the fixture.
    let entities =
        check_against_document(doc, f.store.clone(), "/api/entities", "/api/entities", ok).await;
    assert!(!entities.as_array().unwrap().is_empty());
    for e in entities.as_array().unwrap() {
        let uri = format!("/api/entities/{}", e["key"].as_str().unwrap());
        check_against_document(doc, f.store.clone(), &uri, "/api/entities/{key}", ok).await;
    }
    for s in f.store.sources().unwrap() {
        let uri = format!("/api/sources/{}", s.id);
        check_against_document(doc, f.store.clone(), &uri, "/api/sources/{id}", ok).await;
    }
    // Topics, when the router has them.
    if api_routes().iter().any(|r| r == "/api/topics") {
        let topics =
            check_against_document(doc, f.store.clone(), "/api/topics", "/api/topics", ok).await;
        for t in topics.as_array().unwrap() {
            let uri = format!("/api/topics/{}", t["key"].as_str().unwrap());
            check_against_document(doc, f.store.clone(), &uri, "/api/topics/{key}", ok).await;
        }
        check_against_document(
            doc,
            f.store.clone(),
            "/api/topics/nobody-at-all",
            "/api/topics/{key}",
            StatusCode::NOT_FOUND,
        )
        .await;
    }

    // Richer data: provenance, ratings, feeds and ledgers; feed health; countries; translations;
    // search results.
    let sf = source_fixture();
    for s in [&sf.ukrinform, &sf.inferred, &sf.hostile] {
        let uri = format!("/api/sources/{}", s.id);
        check_against_document(doc, sf.store.clone(), &uri, "/api/sources/{id}", ok).await;
    }
    for story in [&sf.story, &sf.later, &sf.outdated] {
        let uri = format!("/api/stories/{story}");
        check_against_document(doc, sf.store.clone(), &uri, "/api/stories/{id}", ok).await;
    }
    for uri in ["/api/blindspots", "/api/front", "/api/entities"] {
        check_against_document(doc, sf.store.clone(), uri, uri, ok).await;
    }
    let hf = health_fixture();
    let sources =
        check_against_document(doc, hf.store.clone(), "/api/sources", "/api/sources", ok).await;
    for s in sources.as_array().unwrap() {
        let uri = format!("/api/sources/{}", s["id"].as_str().unwrap());
        check_against_document(doc, hf.store.clone(), &uri, "/api/sources/{id}", ok).await;
    }
    let world = world_fixture();
    for (uri, path) in [
        ("/api/countries", "/api/countries"),
        ("/api/countries?days=7", "/api/countries"),
        ("/api/countries/UA", "/api/countries/{cc}"),
        ("/api/countries/FR", "/api/countries/{cc}"),
        ("/api/blindspots?country=UA", "/api/blindspots"),
        ("/api/front?country=UA", "/api/front"),
        ("/api/front?order=rising", "/api/front"),
        ("/api/stories", "/api/stories"),
    ] {
        check_against_document(doc, world.clone(), uri, path, ok).await;
    }
    let (translated, story) = translated_fixture();
    let body = check_against_document(
        doc,
        translated.clone(),
        &format!("/api/stories/{story}?lang=en"),
        "/api/stories/{id}",
        ok,
    )
    .await;
    assert!(
        body["articles"]
            .as_array()
            .unwrap()
            .iter()
            .any(|a| a["title_translation"].is_object()),
        "a translation is validated"
    );
    let feeds = feed_fixture();
    let body = check_against_document(
        doc,
        feeds.clone(),
        "/api/search?q=harbour&limit=5",
        "/api/search",
        ok,
    )
    .await;
    assert!(body["total"].as_u64().unwrap() > 0, "{body}");
    check_against_document(
        doc,
        feeds.clone(),
        "/api/search?q=harbour&since=yesterday",
        "/api/search",
        StatusCode::BAD_REQUEST,
    )
    .await;
}

#[test]
fn the_schemas_reject_what_the_views_never_write() {
    // The test above would catch a schema that drifts from the views: a response missing a
    // required field, with a field of another type or with a field the schema does not declare
    // fails validation.
    let doc: Value = serde_json::from_str(&{
        let rt = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        rt.block_on(async {
            get(Arc::new(MemStore::default()), "/api/openapi.json")
                .await
                .body
        })
    })
    .unwrap();
    let validator = response_validator(&doc, "/api/status", 200);
    let good = serde_json::json!({
        "sources": 1, "articles": 2, "stories": 3,
        "vectors": [["model", 4]],
        "lines": [{"name": "embeddings", "value": "on", "ok": true}],
    });
    assert!(validator.is_valid(&good));
    let mut missing = good.clone();
    missing.as_object_mut().unwrap().remove("stories");
    assert!(!validator.is_valid(&missing), "a missing field is caught");
    let mut wrong = good.clone();
    wrong["sources"] = Value::from("one");
    assert!(!validator.is_valid(&wrong), "a wrong type is caught");
    let mut extra = good.clone();
    extra["surprise"] = Value::from(1);
    assert!(!validator.is_valid(&extra), "an undeclared field is caught");
    // A field that is `null` when unknown must be present (null), and nothing else than null
    // or its type.
    let validator = response_validator(&doc, "/api/stories", 200);
    let row = serde_json::json!({
        "id": "sto-1", "title": "t", "article_count": 1, "source_count": 1,
        "independent_reports": null, "languages": ["en"], "countries": ["US"],
        "first_published": null, "last_updated": "2025-07-07T12:00:00Z",
    });
    assert!(validator.is_valid(&serde_json::json!([row.clone()])));
    let mut absent = row.clone();
    absent
        .as_object_mut()
        .unwrap()
        .remove("independent_reports");
    assert!(!validator.is_valid(&serde_json::json!([absent])));
    let mut wrong = row;
    wrong["first_published"] = Value::from(3);
    assert!(!validator.is_valid(&serde_json::json!([wrong])));
    // Errors are `{"error": string}`.
    let validator = response_validator(&doc, "/api/stories/{id}", 404);
    assert!(validator.is_valid(&serde_json::json!({"error": "story not found"})));
    assert!(!validator.is_valid(&serde_json::json!({"message": "story not found"})));
}
