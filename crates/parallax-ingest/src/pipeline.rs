use crate::document::{Crawled, Document, Record};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use parallax_cluster::{ClusterConfig, ClusterDoc, Clusterer};
use parallax_core::{
    Article, ArticleEmbedding, ArticleId, ArticleInsert, Attribution, AttributionEvidence,
    AttributionMethod, DateFound, Embedder, PublishedTime, Source, SourceId, Store, Story, StoryId,
    content_hash,
};
use parallax_extract::Extracted;
use parallax_sources::Attributor;
use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::Arc;

/// How far back the clusterer looks for stories an article may join.
pub(crate) const WINDOW_DAYS: i64 = 30;

/// Words of the body embedded after the title: the lead carries the story. The clusterer's
/// embedding weights were fitted on title + first 100 words; title + 50 words (80 tokens with e5)
/// clusters as well (BCubed F1 0.815 vs 0.815 on allsides-dev, 0.828 vs 0.827 on 600 NeuS
/// stories) at 1.7 times the speed: see BENCHMARKS.md, "Ingestion with embeddings".
pub const LEAD_WORDS: usize = 50;

/// Documents per embedding job in [`Pipeline::ingest_stream`] (the embedder sorts a job by length
/// and runs it in smaller batches of similar length).
pub const EMBED_JOB_DOCS: usize = 32;

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
        /// Whether it was clustered with (and stored with) an embedding of its title and lead.
        embedded: bool,
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
/// one per process with [`Pipeline::new`] or [`Pipeline::with_embedder`], which rebuild the window
/// from the store.
///
/// With an [`Embedder`], every new article's title and lead ([`embedding_input`]) is embedded
/// before it is clustered: the vector is evidence for the clusterer (its recent window of story
/// centroids is the vector index new articles are compared with, brute force) and is stored with
/// the article in the same transaction. Without one, or when the embedder fails, articles are
/// clustered on lexical and entity evidence alone.
pub struct Pipeline<'s> {
    store: &'s dyn Store,
    clusterer: Clusterer,
    /// Seed article of each story in the window → the story's id.
    story_of_seed: HashMap<ArticleId, StoryId>,
    known_sources: HashSet<SourceId>,
    /// The outlet the operator named for every document of this import (`--source`).
    given_source: Option<String>,
    /// Establishes each document's outlet (see [`parallax_sources::Attributor`]): the one given
    /// with [`Pipeline::with_attributor`], else the default one, made when the first document
    /// needs it (a pipeline rebuilt only for its clustering window never makes one).
    attributor: std::sync::OnceLock<Arc<Attributor>>,
    embedder: Option<Arc<dyn Embedder>>,
    /// Articles that were to be embedded and could not be (the embedder failed).
    embed_failures: usize,
}

/// A document that was extracted and found new by [`Pipeline::prepare`], waiting for its
/// embedding and for [`Pipeline::commit`].
#[derive(Clone, Debug)]
pub struct Prepared {
    article: Article,
    source: Option<Source>,
}

impl Prepared {
    /// The article it became.
    pub fn article(&self) -> &Article {
        &self.article
    }
}

/// What [`Pipeline::settle`] did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Settled {
    /// The regrouping of the recent window.
    pub regrouped: crate::ConsolidationPass,
    /// The digest pass after it.
    pub digests: crate::DigestPass,
}

/// What [`Pipeline::prepare`] made of a document.
#[derive(Clone, Debug)]
pub enum Prep {
    /// New: embed it (optionally) and commit it.
    Ready(Box<Prepared>),
    /// Nothing more to do: a duplicate or a rejected document.
    Done(Outcome),
}

/// What a source of documents has for [`Pipeline::ingest_stream`].
#[derive(Debug)]
// A short-lived value, moved once: boxing the document would only add an allocation per document.
#[allow(clippy::large_enum_variant)]
pub enum Next<T> {
    /// A document, with the caller's tag for it (handed back with its outcome).
    Doc(Document, T),
    /// Nothing right now (asked without waiting); more may come.
    Idle,
    /// No more documents.
    End,
}

/// The text of an article that is embedded: its title, a line break and the first
/// [`LEAD_WORDS`] words of its body (the model's own prefix is the embedder's business).
pub fn embedding_input(article: &Article) -> String {
    let mut s = article.title.trim().to_string();
    s.push('\n');
    let words = article
        .paragraphs
        .iter()
        .flat_map(|p| p.split_whitespace())
        .take(LEAD_WORDS);
    for (i, w) in words.enumerate() {
        if i > 0 {
            s.push(' ');
        }
        s.push_str(w);
    }
    s
}

impl<'s> Pipeline<'s> {
    /// A pipeline writing to `store`, its clustering window rebuilt from the articles stored in the
    /// last [`WINDOW_DAYS`] days, in the order they were stored. No embeddings.
    pub fn new(store: &'s dyn Store) -> Result<Self, PipelineError> {
        Self::with_embedder(store, None)
    }

    /// A pipeline that embeds new articles with `embedder` (when given). The window is rebuilt
    /// with the vectors stored for that model, so a restarted process clusters as the one before
    /// it would have.
    pub fn with_embedder(
        store: &'s dyn Store,
        embedder: Option<Arc<dyn Embedder>>,
    ) -> Result<Self, PipelineError> {
        let since = Utc::now() - Duration::days(WINDOW_DAYS);
        let mut vectors: HashMap<ArticleId, Vec<f32>> = match &embedder {
            Some(e) => store
                .recent_embeddings(e.model(), since)?
                .into_iter()
                .map(|e| (e.article, e.vector))
                .collect(),
            None => HashMap::new(),
        };
        let mut clusterer = Clusterer::new(ClusterConfig::default());
        let mut story_of_seed = HashMap::new();
        let mut seeded: HashSet<StoryId> = HashSet::new();
        let mut seed_of_story: HashMap<StoryId, ArticleId> = HashMap::new();
        for rec in store.recent_articles(since)? {
            let seed = seed_of_story
                .entry(rec.story.clone())
                .or_insert_with(|| rec.article.id.clone())
                .clone();
            if seeded.insert(rec.story.clone()) {
                story_of_seed.insert(seed.clone(), rec.story.clone());
            }
            let embedding = vectors.remove(&rec.article.id);
            clusterer.insert_known(&cluster_doc(&rec.article, embedding), &seed);
        }
        let known_sources = store.sources()?.into_iter().map(|s| s.id).collect();
        Ok(Pipeline {
            store,
            clusterer,
            story_of_seed,
            known_sources,
            given_source: None,
            attributor: std::sync::OnceLock::new(),
            embedder,
            embed_failures: 0,
        })
    }

    /// The embedder in use, if any.
    pub fn embedder(&self) -> Option<&Arc<dyn Embedder>> {
        self.embedder.as_ref()
    }

    /// Stories and documents in the clustering window now.
    pub fn window_size(&self) -> (usize, u64) {
        (self.clusterer.stories(), self.clusterer.documents())
    }

    /// Articles committed without a vector because the embedder failed on them (each failure is
    /// also logged as a warning).
    pub fn embed_failures(&self) -> usize {
        self.embed_failures
    }

    /// A digest of the clustering window, to check that a pipeline rebuilt from the store is in
    /// the state the previous one left (see `parallax_cluster::Clusterer::state_fingerprint`).
    pub fn window_fingerprint(&self) -> String {
        self.clusterer.state_fingerprint()
    }

    /// Attributes every document that no feed delivered to the outlet named `name` (the
    /// operator's `--source`: second in the order of trust, after the delivering feed). The
    /// outlet's facts come from the registry or the directory when they know it by that name.
    pub fn with_given_source(mut self, name: &str) -> Self {
        self.given_source = Some(name.trim().to_string()).filter(|n| !n.is_empty());
        self
    }

    /// Attributes documents with `attributor` (the operator's registry, the directory and the
    /// imported ratings) instead of the built-in registry's.
    pub fn with_attributor(mut self, attributor: Arc<Attributor>) -> Self {
        self.attributor = std::sync::OnceLock::from(attributor);
        self
    }

    /// The attributor in use (the default one is made on first use).
    fn attributor(&self) -> Result<&Arc<Attributor>, PipelineError> {
        if let Some(a) = self.attributor.get() {
            return Ok(a);
        }
        let made = Arc::new(crate::attribution::default_attributor(self.store)?);
        Ok(self.attributor.get_or_init(|| made))
    }

    /// Records a problem with an input that never became a document (an unreadable file).
    pub fn record_problem(&self, origin: &str, message: &str) -> Result<(), PipelineError> {
        Ok(self.store.record_problem(origin, message)?)
    }

    /// Ingests one document: extract, drop if already stored, embed (with an embedder), cluster,
    /// re-analyse the story, and commit article, vector and story together.
    pub fn ingest(&mut self, doc: &Document) -> Result<Outcome, PipelineError> {
        Ok(self
            .ingest_batch(std::slice::from_ref(doc))?
            .pop()
            .expect("one outcome per document"))
    }

    /// Ingests documents in order, embedding the new ones in one batch (much faster than one at a
    /// time). One outcome per document, in input order.
    pub fn ingest_batch(&mut self, docs: &[Document]) -> Result<Vec<Outcome>, PipelineError> {
        let mut out: Vec<Option<Outcome>> = Vec::with_capacity(docs.len());
        let mut ready = Vec::new();
        for (i, doc) in docs.iter().enumerate() {
            match self.prepare(doc)? {
                Prep::Done(o) => out.push(Some(o)),
                Prep::Ready(p) => {
                    out.push(None);
                    ready.push((i, *p));
                }
            }
        }
        let vectors = match &self.embedder {
            Some(e) if !ready.is_empty() => {
                let texts: Vec<String> = ready
                    .iter()
                    .map(|(_, p)| embedding_input(&p.article))
                    .collect();
                embed_texts(e.as_ref(), &texts)
            }
            _ => vec![None; ready.len()],
        };
        if self.embedder.is_some() {
            self.embed_failures += vectors.iter().filter(|v| v.is_none()).count();
        }
        for ((i, p), v) in ready.into_iter().zip(vectors) {
            out[i] = Some(self.commit(p, v)?);
        }
        Ok(out
            .into_iter()
            .map(|o| o.expect("every document has an outcome"))
            .collect())
    }

    /// Ingests a stream of documents, with embedding overlapped: while a worker thread embeds one
    /// batch of new articles, this thread extracts the next documents and commits the previous
    /// batch. Commit order is input order; `done` gets every document's tag with its outcome (the
    /// duplicates and rejected ones as soon as they are known, the others once committed), or
    /// with the store's failure on it. When `done` returns an error the stream stops with it
    /// (documents not reported yet are dropped, uncommitted); otherwise it goes on.
    ///
    /// `next(wait)` gives the next document. With `wait == false` it should answer
    /// [`Next::Idle`] rather than block when nothing is ready (the pending batch is then embedded
    /// and committed without waiting for more); with `wait == true` the pipeline has nothing left
    /// to do and it may block. Without an embedder this is [`Pipeline::ingest`] per document.
    pub fn ingest_stream<T>(
        &mut self,
        mut next: impl FnMut(bool) -> Next<T>,
        mut done: impl FnMut(T, Result<Outcome, PipelineError>) -> Result<(), PipelineError>,
    ) -> Result<(), PipelineError> {
        let Some(embedder) = self.embedder.clone() else {
            loop {
                match next(true) {
                    Next::Doc(doc, tag) => done(tag, self.ingest(&doc))?,
                    Next::Idle => {}
                    Next::End => return Ok(()),
                }
            }
        };
        std::thread::scope(|scope| {
            let (job_tx, job_rx) = std::sync::mpsc::sync_channel::<Vec<String>>(1);
            let (res_tx, res_rx) = std::sync::mpsc::channel::<Vec<Option<Vec<f32>>>>();
            let worker = std::thread::Builder::new()
                .name("parallax-embed".to_string())
                .spawn_scoped(scope, move || {
                    for texts in job_rx {
                        if res_tx.send(embed_texts(embedder.as_ref(), &texts)).is_err() {
                            break;
                        }
                    }
                });
            if let Err(e) = &worker {
                tracing::warn!(
                    "cannot start the embedding thread ({e}); storing articles without vectors"
                );
            }
            // Batches sent to the worker, oldest first, and the one being filled.
            let mut sent: VecDeque<Vec<(Prepared, T)>> = VecDeque::new();
            let mut filling: Vec<(Prepared, T)> = Vec::new();
            let mut ended = false;
            // Commits the oldest sent batch with its vectors (none if the worker is gone).
            let commit_oldest = |this: &mut Self,
                                 sent: &mut VecDeque<Vec<(Prepared, T)>>,
                                 done: &mut dyn FnMut(
                T,
                Result<Outcome, PipelineError>,
            ) -> Result<(), PipelineError>|
             -> Result<(), PipelineError> {
                let Some(batch) = sent.pop_front() else {
                    return Ok(());
                };
                let vectors = res_rx.recv().unwrap_or_else(|_| {
                    tracing::warn!(
                        "the embedding thread stopped; {} articles are stored without vectors",
                        batch.len()
                    );
                    vec![None; batch.len()]
                });
                if vectors.iter().any(Option::is_none) {
                    this.embed_failures += vectors.iter().filter(|v| v.is_none()).count();
                }
                for ((p, tag), v) in batch.into_iter().zip(vectors) {
                    done(tag, this.commit(p, v))?;
                }
                Ok(())
            };
            let send = |batch: Vec<(Prepared, T)>, sent: &mut VecDeque<Vec<(Prepared, T)>>| {
                let texts = batch
                    .iter()
                    .map(|(p, _)| embedding_input(&p.article))
                    .collect();
                // A closed channel (no worker) makes the batch's vectors come back as none.
                let _ = job_tx.send(texts);
                sent.push_back(batch);
            };
            loop {
                if ended {
                    if !filling.is_empty() {
                        send(std::mem::take(&mut filling), &mut sent);
                    }
                    if sent.is_empty() {
                        break;
                    }
                    commit_oldest(self, &mut sent, &mut done)?;
                    continue;
                }
                let wait = filling.is_empty() && sent.is_empty();
                match next(wait) {
                    Next::Doc(doc, tag) => match self.prepare(&doc) {
                        Err(e) => done(tag, Err(e))?,
                        Ok(Prep::Done(o)) => done(tag, Ok(o))?,
                        Ok(Prep::Ready(p)) => {
                            filling.push((*p, tag));
                            if filling.len() >= EMBED_JOB_DOCS {
                                // Keep at most two batches in flight: one embedding, one queued.
                                while sent.len() >= 2 {
                                    commit_oldest(self, &mut sent, &mut done)?;
                                }
                                send(std::mem::take(&mut filling), &mut sent);
                            }
                        }
                    },
                    Next::Idle => {
                        if !filling.is_empty() && sent.len() < 2 {
                            send(std::mem::take(&mut filling), &mut sent);
                        } else {
                            commit_oldest(self, &mut sent, &mut done)?;
                        }
                    }
                    Next::End => ended = true,
                }
            }
            drop(job_tx);
            Ok(())
        })
    }

    /// Extracts `doc` and checks the store for it: a [`Prepared`] article when it is new, else
    /// the outcome (a duplicate, or a rejected document, whose reason is recorded in the store).
    pub fn prepare(&self, doc: &Document) -> Result<Prep, PipelineError> {
        let (article, source) =
            match build_article(doc, self.given_source.as_deref(), self.attributor()?) {
                Ok(x) => x,
                Err(reason) => {
                    self.store.record_problem(doc.origin(), &reason)?;
                    return Ok(Prep::Done(Outcome::Rejected(reason)));
                }
            };
        if let Some(existing) = self.store.find_duplicate(&article)? {
            return Ok(Prep::Done(Outcome::Duplicate(existing)));
        }
        Ok(Prep::Ready(Box::new(Prepared { article, source })))
    }

    /// Clusters a prepared article (with its embedding, if any), re-analyses its story and
    /// commits article, vector and story in one transaction. A document stored since it was
    /// prepared (the same one twice in a batch) is a duplicate and changes nothing.
    pub fn commit(
        &mut self,
        prepared: Prepared,
        embedding: Option<Vec<f32>>,
    ) -> Result<Outcome, PipelineError> {
        let Prepared { article, source } = prepared;
        if let Some(existing) = self.store.find_duplicate(&article)? {
            return Ok(Outcome::Duplicate(existing));
        }
        if let Some(source) = &source
            && !self.known_sources.contains(&source.id)
        {
            self.store.upsert_source(source)?;
            self.known_sources.insert(source.id.clone());
        }
        let stored_embedding = match (&self.embedder, &embedding) {
            (Some(e), Some(v)) => Some(ArticleEmbedding {
                article: article.id.clone(),
                model: e.model().to_string(),
                vector: v.clone(),
                created_at: Utc::now(),
            }),
            _ => None,
        };
        let embedded = stored_embedding.is_some();
        let seed = self.clusterer.assign(&cluster_doc(&article, embedding));
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
        match self
            .store
            .commit_article_embedded(&article, &story, stored_embedding.as_ref())?
        {
            ArticleInsert::Inserted => Ok(Outcome::Imported {
                article: article.id.clone(),
                story: story_id,
                new_story: previous.is_none(),
                warnings: article.warnings.clone(),
                embedded,
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
        let first_seen = previous.map_or_else(Utc::now, |p| p.first_seen);
        analyze_members(self.store, id, first_seen, members)
    }

    /// What follows new articles, whatever brought them (an import, a crawl pass): the recent
    /// window regrouped ([`Pipeline::consolidate`]), then the digests of the stories that changed
    /// ([`Pipeline::refresh_digests`]). Also when nothing new came: an import killed during its
    /// consolidation and run again still ends as one clean import would (a pass over a
    /// consolidated window changes nothing).
    pub fn settle(&mut self, reader_language: &str) -> Result<Settled, PipelineError> {
        let regrouped = self.consolidate()?;
        let digests = self.refresh_digests(reader_language);
        Ok(Settled { regrouped, digests })
    }

    /// Brings the digests of the stories that changed up to date, with the cross-lingual gists of
    /// multilingual stories in `reader_language` when this pipeline embeds
    /// ([`crate::refresh_digests_logged`]: a failure is logged, the next pass tries again).
    pub fn refresh_digests(&self, reader_language: &str) -> crate::DigestPass {
        crate::refresh_digests_logged(
            self.store,
            self.embedder
                .as_deref()
                .map(|e| (e as &dyn Embedder, reader_language)),
        )
    }

    /// Regroups the recent window ([`crate::consolidate_window`], with this pipeline's embedding
    /// model) and, when stories changed, rebuilds the clustering window from the store so that the
    /// next article is clustered against the regrouped stories.
    pub fn consolidate(&mut self) -> Result<crate::ConsolidationPass, PipelineError> {
        let model = self.embedder.as_ref().map(|e| e.model().to_string());
        let pass = crate::consolidate_window(self.store, model.as_deref())?;
        if pass.stories_written > 0 {
            let rebuilt = Pipeline::with_embedder(self.store, self.embedder.clone())?;
            self.clusterer = rebuilt.clusterer;
            self.story_of_seed = rebuilt.story_of_seed;
        }
        Ok(pass)
    }
}

/// The story `id` made of `members`: its analysis (title, cited summary, coverage) with the
/// members' sources as stored, first seen at `first_seen`, updated now.
pub(crate) fn analyze_members(
    store: &dyn Store,
    id: &StoryId,
    first_seen: DateTime<Utc>,
    members: &[Article],
) -> Result<Story, PipelineError> {
    let mut sources = Vec::new();
    let mut seen = HashSet::new();
    for a in members {
        if seen.insert(a.source.clone())
            && let Some(s) = store.source(&a.source)?
        {
            sources.push(s);
        }
    }
    let analysis = parallax_analysis::analyze(members, &sources);
    Ok(Story {
        id: id.clone(),
        title: analysis.title,
        summary: analysis.summary,
        coverage: analysis.coverage,
        articles: members.iter().map(|a| a.id.clone()).collect(),
        first_seen,
        last_updated: Utc::now(),
    })
}

/// Embeds `texts`; `None` for every text when the embedder fails (logged) and for any vector that
/// is not finite or not of the embedder's dimension. Never panics, whatever the model does.
fn embed_texts(embedder: &dyn Embedder, texts: &[String]) -> Vec<Option<Vec<f32>>> {
    if texts.is_empty() {
        return Vec::new();
    }
    let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        embedder.embed_documents(&refs)
    }))
    .unwrap_or_else(|_| Err("the embedding model panicked".to_string()));
    match result {
        Ok(vectors) if vectors.len() == texts.len() => vectors
            .into_iter()
            .map(|v| (v.len() == embedder.dim() && v.iter().all(|x| x.is_finite())).then_some(v))
            .collect(),
        Ok(vectors) => {
            tracing::warn!(
                model = embedder.model(),
                "the embedding model returned {} vectors for {} texts; storing these articles without vectors",
                vectors.len(),
                texts.len()
            );
            vec![None; texts.len()]
        }
        Err(e) => {
            tracing::warn!(
                model = embedder.model(),
                "embedding failed ({e}); {} articles are clustered on lexical evidence only",
                texts.len()
            );
            vec![None; texts.len()]
        }
    }
}

pub(crate) fn cluster_doc(a: &Article, embedding: Option<Vec<f32>>) -> ClusterDoc {
    ClusterDoc {
        id: a.id.clone(),
        title: a.title.clone(),
        text: a.body(),
        language: a.language.clone(),
        published: a.published.as_ref().map(|p| p.at),
        source: (!a.source.is_unknown()).then(|| a.source.to_string()),
        embedding,
    }
}

/// Extraction and identity: the article a document becomes, and its source when one is known.
fn build_article(
    doc: &Document,
    given_source: Option<&str>,
    attributor: &Attributor,
) -> Result<(Article, Option<Source>), String> {
    let mut evidence = AttributionEvidence::default();
    let (ex, url) = match doc {
        Document::Html { bytes, url, .. } => {
            let ex = parallax_extract::extract_html(bytes, url.as_deref(), None);
            evidence.site_name = ex.site_name.clone();
            (ex, url.clone())
        }
        Document::Text { text, .. } => {
            let m = parallax_extract::masthead(text);
            evidence.masthead = m.lines;
            evidence.masthead_in_text = m.in_text;
            evidence.credit = m.credit;
            (parallax_extract::extract_text(text), None)
        }
        Document::Record(r) => {
            let nonempty = |s: &Option<String>| {
                s.as_deref()
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(str::to_string)
            };
            evidence.record_source = nonempty(&r.source);
            evidence.record_country = nonempty(&r.country);
            evidence.record_bias = nonempty(&r.bias);
            (from_record(r), r.url.clone())
        }
        Document::Crawled(c) => {
            evidence.feed_source = Some(c.source.id.clone());
            (from_crawled(c), Some(c.url.clone()))
        }
    };
    if !matches!(doc, Document::Crawled(_)) {
        evidence.given_source = given_source.map(str::to_string);
    }
    let attributed = attributor.attribute(url.as_deref(), ex.canonical_url.as_deref(), &evidence);
    let (source, method) = match (doc, attributed.source) {
        // A feed of a registry other than the attributor's: the crawler's own source.
        (Document::Crawled(c), None) => (Some(c.source.clone()), Some(AttributionMethod::Feed)),
        (_, source) => (source, attributed.method),
    };
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
        excerpts: ex.excerpts,
        attribution: Attribution { method, evidence },
        section: ex.section,
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

fn from_record(r: &Record) -> Extracted {
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
    let language =
        declared_language(r.language.as_deref(), "record", &mut warnings).or_else(|| {
            let sample = format!("{title}\n{}", r.text);
            parallax_text::detect_language(&sample).map(str::to_string)
        });
    Extracted {
        title,
        byline: None,
        published,
        canonical_url: None,
        site_name: None,
        language,
        paragraphs,
        warnings,
        excerpts: Vec::new(),
        section: r.section.as_deref().and_then(parallax_core::clean_section),
    }
}

/// A language an input declares (a record's `language`, a feed's `<language>`), lower-cased,
/// when it is a language code; anything else is left out with a warning, so that detection
/// decides instead.
fn declared_language(
    given: Option<&str>,
    what: &str,
    warnings: &mut Vec<String>,
) -> Option<String> {
    let given = given.map(str::trim).filter(|l| !l.is_empty())?;
    if parallax_core::is_language_code(given) {
        Some(given.to_ascii_lowercase())
    } else {
        let shown: String = given.chars().take(40).collect();
        warnings.push(format!(
            "the {what}'s language {shown:?} is not a language code; the language was detected instead"
        ));
        None
    }
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
            if ex.section.is_none() {
                ex.section = c
                    .feed_category
                    .as_deref()
                    .and_then(parallax_core::clean_section);
            }
            if ex.language.is_none() {
                ex.language =
                    declared_language(c.feed_language.as_deref(), "feed", &mut ex.warnings);
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
            let mut warnings = vec![format!(
                "full text unavailable ({reason}); showing the feed's title and summary"
            )];
            let language = declared_language(c.feed_language.as_deref(), "feed", &mut warnings)
                .or_else(|| {
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
                warnings,
                excerpts: Vec::new(),
                section: c
                    .feed_category
                    .as_deref()
                    .and_then(parallax_core::clean_section),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_declared_language_must_be_a_language_code() {
        let record = |language: &str| Record {
            title: Some("The harbour bridge reopened after the storm".into()),
            text: "The harbour bridge reopened on Monday after the storm damaged it last week."
                .into(),
            language: Some(language.into()),
            ..Record::default()
        };
        let ok = from_record(&record("EN"));
        assert_eq!(ok.language.as_deref(), Some("en"));
        assert!(ok.warnings.is_empty(), "{:?}", ok.warnings);
        let hostile = from_record(&record("<img src=x onerror=alert(1)>"));
        assert_eq!(hostile.language.as_deref(), Some("en"), "detected instead");
        assert!(
            hostile
                .warnings
                .iter()
                .any(|w| w.contains("not a language code")),
            "{:?}",
            hostile.warnings
        );
    }

    /// A record's section (or `category`) is kept, cleaned; a crawled entry takes the page's
    /// section, else the feed entry's category.
    #[test]
    fn sections_come_from_the_record_the_page_or_the_feed() {
        let record: Record = serde_json::from_str(
            r#"{"title": "Bridge reopened", "text": "The bridge reopened.", "category": " World  News "}"#,
        )
        .unwrap();
        assert_eq!(from_record(&record).section.as_deref(), Some("World News"));
        let crawled = |html: &str| Crawled {
            source: parallax_core::Source::named("Daily"),
            url: "https://daily.example/a".into(),
            feed_title: Some("Bridge reopened".into()),
            feed_summary: None,
            feed_published: None,
            feed_language: None,
            feed_category: Some("Politics".into()),
            page: Ok(crate::FetchedPage {
                bytes: html.as_bytes().to_vec(),
                final_url: "https://daily.example/a".into(),
                charset: None,
            }),
        };
        let body = "<p>The harbour bridge reopened on Monday after the storm damaged it last week, the council said.</p>";
        let with = format!(
            "<html><head><meta property=\"article:section\" content=\"Local\"></head><body><article>{body}</article></body></html>"
        );
        assert_eq!(
            from_crawled(&crawled(&with)).section.as_deref(),
            Some("Local")
        );
        let without = format!("<html><body><article>{body}</article></body></html>");
        assert_eq!(
            from_crawled(&crawled(&without)).section.as_deref(),
            Some("Politics")
        );
    }
}
