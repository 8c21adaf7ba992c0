use crate::document::{Crawled, Document, Record};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use parallax_cluster::{ClusterConfig, ClusterDoc, Clusterer};
use parallax_core::{
    Article, ArticleId, ArticleInsert, DateFound, PublishedTime, Rating, Source, SourceId, Store,
    Story, StoryId, content_hash,
};
use parallax_extract::Extracted;
use std::collections::{HashMap, HashSet};

/// How far back the clusterer looks for stories an article may join.
const WINDOW_DAYS: i64 = 30;

/// What happened to one document.
#[derive(Clone, Debug, PartialEq)]
pub enum Outcome {
    /// Stored as a new article in this story.
    Imported {
        /// The article.
        article: ArticleId,
        /// The story it joined or started.
        story: StoryId,
        /// Whether it started the story.
        new_story: bool,
        /// Extraction warnings, also stored with the article.
        warnings: Vec<String>,
    },
    /// The same document was already stored; nothing changed.
    Duplicate(ArticleId),
    /// The document held nothing usable; the reason was recorded in the store.
    Rejected(String),
}

/// A failure of the store itself (not of one document): the import must stop.
#[derive(Debug, thiserror::Error)]
#[error("storage failed: {0}")]
pub struct PipelineError(#[from] pub parallax_core::Error);

/// Turns documents into stored articles and stories. Holds the clustering window in memory; build
/// one per process with [`Pipeline::new`], which rebuilds the window from the store.
pub struct Pipeline<'s> {
    store: &'s dyn Store,
    clusterer: Clusterer,
    /// Seed article of each story in the window → the story's id.
    story_of_seed: HashMap<ArticleId, StoryId>,
    known_sources: HashSet<SourceId>,
    /// Source used for documents with no known outlet, when the user named one.
    default_source: Option<Source>,
}

impl<'s> Pipeline<'s> {
    /// A pipeline writing to `store`, its clustering window rebuilt from the articles stored in the
    /// last [`WINDOW_DAYS`] days, in the order they were stored.
    pub fn new(store: &'s dyn Store) -> Result<Self, PipelineError> {
        let mut clusterer = Clusterer::new(ClusterConfig::default());
        let mut story_of_seed = HashMap::new();
        let mut seeded: HashSet<StoryId> = HashSet::new();
        let mut seed_of_story: HashMap<StoryId, ArticleId> = HashMap::new();
        for rec in store.recent_articles(Utc::now() - Duration::days(WINDOW_DAYS))? {
            let seed = seed_of_story
                .entry(rec.story.clone())
                .or_insert_with(|| rec.article.id.clone())
                .clone();
            if seeded.insert(rec.story.clone()) {
                story_of_seed.insert(seed.clone(), rec.story.clone());
            }
            clusterer.insert_known(&cluster_doc(&rec.article), &seed);
        }
        let known_sources = store.sources()?.into_iter().map(|s| s.id).collect();
        Ok(Pipeline {
            store,
            clusterer,
            story_of_seed,
            known_sources,
            default_source: None,
        })
    }

    /// Attributes documents whose outlet cannot be found to the source named `name`.
    pub fn with_default_source(mut self, name: &str) -> Self {
        self.default_source = Some(Source::named(name));
        self
    }

    /// Records a problem with an input that never became a document (an unreadable file).
    pub fn record_problem(&self, origin: &str, message: &str) -> Result<(), PipelineError> {
        Ok(self.store.record_problem(origin, message)?)
    }

    /// Ingests one document: extract, drop if already stored, cluster, re-analyse the story, and
    /// commit article and story together.
    pub fn ingest(&mut self, doc: &Document) -> Result<Outcome, PipelineError> {
        let (article, source) = match build_article(doc, self.default_source.as_ref()) {
            Ok(x) => x,
            Err(reason) => {
                self.store.record_problem(doc.origin(), &reason)?;
                return Ok(Outcome::Rejected(reason));
            }
        };
        if let Some(existing) = self.store.find_duplicate(&article)? {
            return Ok(Outcome::Duplicate(existing));
        }
        if let Some(source) = &source
            && !self.known_sources.contains(&source.id)
        {
            self.store.upsert_source(source)?;
            self.known_sources.insert(source.id.clone());
        }

        let seed = self.clusterer.assign(&cluster_doc(&article));
        let new_story = seed == article.id;
        let story_id = self
            .story_of_seed
            .entry(seed.clone())
            .or_insert_with(|| StoryId::from_seed(&seed))
            .clone();
        let previous = if new_story {
            None
        } else {
            self.store.story(&story_id)?
        };
        let mut members = match &previous {
            Some(_) => self.store.story_articles(&story_id)?,
            None => Vec::new(),
        };
        members.push(article.clone());
        let story = self.analyze(&story_id, previous.as_ref(), &members)?;
        match self.store.commit_article(&article, &story)? {
            ArticleInsert::Inserted => Ok(Outcome::Imported {
                article: article.id.clone(),
                story: story_id,
                new_story: previous.is_none(),
                warnings: article.warnings.clone(),
            }),
            ArticleInsert::Duplicate(id) => Ok(Outcome::Duplicate(id)),
        }
    }

    fn analyze(
        &self,
        id: &StoryId,
        previous: Option<&Story>,
        members: &[Article],
    ) -> Result<Story, PipelineError> {
        let mut sources = Vec::new();
        let mut seen = HashSet::new();
        for a in members {
            if seen.insert(a.source.clone())
                && let Some(s) = self.store.source(&a.source)?
            {
                sources.push(s);
            }
        }
        let analysis = parallax_analysis::analyze(members, &sources);
        let now = Utc::now();
        Ok(Story {
            id: id.clone(),
            title: analysis.title,
            summary: analysis.summary,
            coverage: analysis.coverage,
            articles: members.iter().map(|a| a.id.clone()).collect(),
            first_seen: previous.map_or(now, |p| p.first_seen),
            last_updated: now,
        })
    }
}

fn cluster_doc(a: &Article) -> ClusterDoc {
    ClusterDoc {
        id: a.id.clone(),
        title: a.title.clone(),
        text: a.body(),
        language: a.language.clone(),
        published: a.published.as_ref().map(|p| p.at),
        source: (!a.source.is_unknown()).then(|| a.source.to_string()),
        embedding: None,
    }
}

/// Extraction and identity: the article a document becomes, and its source when one is known.
fn build_article(
    doc: &Document,
    default_source: Option<&Source>,
) -> Result<(Article, Option<Source>), String> {
    let (ex, url, source) = match doc {
        Document::Html { bytes, url, .. } => {
            let ex = parallax_extract::extract_html(bytes, url.as_deref(), None);
            let source = source_from_page(&ex, url.as_deref());
            (ex, url.clone(), source)
        }
        Document::Text { text, .. } => (parallax_extract::extract_text(text), None, None),
        Document::Record(r) => {
            let (ex, source) = from_record(r);
            (ex, r.url.clone(), source)
        }
        Document::Crawled(c) => (from_crawled(c), Some(c.url.clone()), Some(c.source.clone())),
    };
    let source = source.or_else(|| default_source.cloned());
    if ex.paragraphs.is_empty() && ex.title.trim().is_empty() {
        let mut reason = "no article text found".to_string();
        if !ex.warnings.is_empty() {
            reason.push_str(" (");
            reason.push_str(&ex.warnings.join("; "));
            reason.push(')');
        }
        return Err(reason);
    }
    let hash = content_hash(&normalised(&ex.title, &ex.paragraphs));
    let canonical = ex.canonical_url.clone().or_else(|| url.clone());
    let id = match &canonical {
        Some(u) => ArticleId::from_key(u),
        None => ArticleId::from_key(&hash),
    };
    let article = Article {
        id,
        source: source
            .as_ref()
            .map_or_else(SourceId::unknown, |s| s.id.clone()),
        url,
        canonical_url: canonical,
        title: ex.title,
        byline: ex.byline,
        published: ex.published,
        language: ex.language,
        paragraphs: ex.paragraphs,
        content_hash: hash,
        fetched_at: Utc::now(),
        origin: doc.origin().to_string(),
        warnings: ex.warnings,
    };
    Ok((article, source))
}

/// The text that identifies a document's content: white space and case folded, so that the same
/// article saved twice hashes the same.
fn normalised(title: &str, paragraphs: &[String]) -> String {
    let mut s = String::new();
    for part in std::iter::once(title).chain(paragraphs.iter().map(String::as_str)) {
        for w in part.split_whitespace() {
            s.push_str(&w.to_lowercase());
            s.push(' ');
        }
        s.push('\n');
    }
    s
}

fn source_from_page(ex: &Extracted, url: Option<&str>) -> Option<Source> {
    let page = url.or(ex.canonical_url.as_deref());
    let host = page.and_then(parallax_core::site_key);
    match (&ex.site_name, host) {
        (_, Some(host)) => {
            let mut s = Source::named(ex.site_name.as_deref().unwrap_or(&host));
            s.id = SourceId::from_key(&host);
            s.home_page = page
                .and_then(|u| url::Url::parse(u).ok())
                .map(|u| format!("{}://{host}/", u.scheme()));
            Some(s)
        }
        (Some(name), None) => Some(Source::named(name)),
        (None, None) => None,
    }
}

fn from_record(r: &Record) -> (Extracted, Option<Source>) {
    let mut warnings = Vec::new();
    let paragraphs: Vec<String> = r
        .text
        .split('\n')
        .map(|p| p.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|p| !p.is_empty())
        .collect();
    let title = r
        .title
        .as_deref()
        .map(|t| t.split_whitespace().collect::<Vec<_>>().join(" "))
        .unwrap_or_default();
    let published = r.published.as_deref().and_then(|d| {
        let parsed = parse_record_date(d);
        if parsed.is_none() {
            warnings.push(format!(
                "publication date {d:?} is not a date Parallax can read"
            ));
        }
        parsed
    });
    let language = r.language.clone().or_else(|| {
        let sample = format!("{title}\n{}", r.text);
        parallax_text::detect_language(&sample).map(str::to_string)
    });
    let source = r
        .source
        .as_deref()
        .filter(|s| !s.trim().is_empty())
        .map(|name| {
            let mut s = Source::named(name);
            s.country = r.country.as_ref().map(|c| c.to_ascii_uppercase());
            s.bias = r
                .bias
                .as_ref()
                .filter(|b| !b.trim().is_empty())
                .map(|b| Rating {
                    value: b.trim().to_lowercase(),
                    provenance: "given with the imported data".to_string(),
                });
            if let Some(l) = &language {
                s.languages = vec![l.clone()];
            }
            s
        });
    let ex = Extracted {
        title,
        byline: None,
        published,
        canonical_url: None,
        site_name: None,
        language,
        paragraphs,
        warnings,
    };
    (ex, source)
}

/// Below this much body text, a fetched page is taken to be a paywall, a consent wall or an error
/// page, and the feed's summary is used when it says more.
const THIN_PAGE_CHARS: usize = 400;

fn from_crawled(c: &Crawled) -> Extracted {
    let feed_paragraphs = || -> Vec<String> {
        c.feed_summary
            .iter()
            .flat_map(|s| s.split('\n'))
            .map(|p| p.split_whitespace().collect::<Vec<_>>().join(" "))
            .filter(|p| !p.is_empty())
            .collect()
    };
    let feed_date = c.feed_published.map(|at| PublishedTime {
        at,
        found: DateFound::Feed,
        confidence: 0.8,
    });
    match &c.page {
        Ok(page) => {
            let mut ex = parallax_extract::extract_html(
                &page.bytes,
                Some(&page.final_url),
                page.charset.as_deref(),
            );
            if ex.title.trim().is_empty()
                && let Some(t) = &c.feed_title
            {
                ex.title = t.clone();
            }
            if ex.published.is_none() {
                ex.published = feed_date;
            }
            if ex.language.is_none() {
                ex.language = c.feed_language.clone();
            }
            let body_chars: usize = ex.paragraphs.iter().map(|p| p.chars().count()).sum();
            let summary = feed_paragraphs();
            let summary_chars: usize = summary.iter().map(|p| p.chars().count()).sum();
            if body_chars < THIN_PAGE_CHARS && summary_chars > body_chars {
                ex.paragraphs = summary;
                ex.warnings.push(
                    "the page gave almost no article text (a paywall, consent wall or error page?); showing the feed's summary instead".to_string(),
                );
            }
            ex
        }
        Err(reason) => {
            let paragraphs = feed_paragraphs();
            let language = c.feed_language.clone().or_else(|| {
                let sample = format!(
                    "{} {}",
                    c.feed_title.as_deref().unwrap_or(""),
                    paragraphs.join(" ")
                );
                parallax_text::detect_language(&sample).map(str::to_string)
            });
            Extracted {
                title: c.feed_title.clone().unwrap_or_default(),
                byline: None,
                published: feed_date,
                canonical_url: Some(c.url.clone()),
                site_name: None,
                language,
                paragraphs,
                warnings: vec![format!(
                    "full text unavailable ({reason}); showing the feed's title and summary"
                )],
            }
        }
    }
}

fn parse_record_date(d: &str) -> Option<PublishedTime> {
    let d = d.trim();
    let (at, confidence) = if let Ok(t) = DateTime::parse_from_rfc3339(d) {
        (t.with_timezone(&Utc), 1.0)
    } else {
        let day = NaiveDate::parse_from_str(d.get(..10)?, "%Y-%m-%d").ok()?;
        (day.and_hms_opt(0, 0, 0)?.and_utc(), 0.9)
    };
    Some(PublishedTime {
        at,
        found: DateFound::Input,
        confidence,
    })
}
