use crate::{
    Article, ArticleId, DigestedStory, EntityStory, FeedState, Result, Source, SourceId, Story,
    StoryDigest, StoryId, Translation,
};
use chrono::{DateTime, Utc};

/// What [`Store::commit_article`] did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ArticleInsert {
    /// The article was new and is now stored, with its story.
    Inserted,
    /// The same document was already stored under this id; nothing was written.
    Duplicate(ArticleId),
}

/// A stored article together with the story it belongs to.
#[derive(Clone, Debug, PartialEq)]
pub struct StoryRecord {
    /// The article.
    pub article: Article,
    /// Its story.
    pub story: StoryId,
}

/// Where Parallax keeps sources, articles and stories.
///
/// Implementations: SQLite (one file, the default) and, later, PostgreSQL for many workers. Callers
/// only see this trait. Every method is a complete unit: a write either happens whole or not at all,
/// so a process killed at any point leaves the store as it was before the call or after it.
pub trait Store: Send + Sync {
    /// Inserts the source, or replaces the stored one with the same id.
    fn upsert_source(&self, source: &Source) -> Result<()>;

    /// The source with this id.
    fn source(&self, id: &SourceId) -> Result<Option<Source>>;

    /// All sources, by name.
    fn sources(&self) -> Result<Vec<Source>>;

    /// The id of a stored article that is the same document as `article`: same id, same canonical
    /// URL, or same content hash.
    fn find_duplicate(&self, article: &Article) -> Result<Option<ArticleId>>;

    /// Stores a new article and the new state of the story it joined, in one transaction. When the
    /// article is a duplicate (see [`Store::find_duplicate`]) nothing is written.
    fn commit_article(&self, article: &Article, story: &Story) -> Result<ArticleInsert>;

    /// Writes a regrouping of stories in one transaction: each story in `stories` is written
    /// with its full member list (every article it lists moves to it from the story that held
    /// it), and a story that is left with no article is deleted. A story written must list every
    /// article it keeps. Refused with [`crate::Error::Invalid`], changing nothing: an article
    /// whose story is written without it and that no story in `stories` lists, a story that loses
    /// articles and keeps others without being written, an article listed twice or not stored.
    fn regroup(&self, stories: &[Story]) -> Result<()>;

    /// The article with this id.
    fn article(&self, id: &ArticleId) -> Result<Option<Article>>;

    /// The articles of a story, in the story's order.
    fn story_articles(&self, id: &StoryId) -> Result<Vec<Article>>;

    /// The story with this id.
    fn story(&self, id: &StoryId) -> Result<Option<Story>>;

    /// Stories, most recently updated first (ties by id), `limit` of them after skipping `offset`.
    fn stories(&self, limit: usize, offset: usize) -> Result<Vec<Story>>;

    /// Articles fetched at or after `since`, with their stories, in the order they were stored: what
    /// the clusterer needs to rebuild its window after a restart.
    fn recent_articles(&self, since: DateTime<Utc>) -> Result<Vec<StoryRecord>>;

    /// Records a problem met with an input (a file that failed, a page that was refused), so that a
    /// user can see it later. `origin` is the path or URL.
    fn record_problem(&self, origin: &str, message: &str) -> Result<()>;

    /// The most recent problems, newest first: (time, origin, message).
    fn problems(&self, limit: usize) -> Result<Vec<(DateTime<Utc>, String, String)>>;

    /// Numbers of (sources, articles, stories).
    fn counts(&self) -> Result<(usize, usize, usize)>;

    /// The stored article whose URL or canonical URL is `url`: lets the crawler skip pages it has.
    fn article_by_url(&self, url: &str) -> Result<Option<ArticleId>>;

    /// The state of every feed the crawler has polled, by URL.
    fn feed_states(&self) -> Result<Vec<FeedState>>;

    /// Inserts or replaces the state of one feed.
    fn save_feed_state(&self, state: &FeedState) -> Result<()>;

    /// Articles stored per source since `since` (by fetch time), for "articles per day".
    fn source_article_counts(&self, since: DateTime<Utc>) -> Result<Vec<(SourceId, usize)>>;

    /// The cached machine translations into `target_language` of the texts whose
    /// [`Translation::hash_of`] is in `text_hashes`: every source language and backend, in no
    /// particular order. Unknown hashes are simply absent.
    fn translations(
        &self,
        text_hashes: &[String],
        target_language: &str,
    ) -> Result<Vec<Translation>>;

    /// Caches translations, all in one transaction. A translation with the same key (text hash,
    /// source language, target language, backend) is replaced. Only the cache is written: no
    /// article, story or other original text is ever changed.
    fn save_translations(&self, translations: &[Translation]) -> Result<()>;

    // ----- article embeddings (vectors of title and lead) -----------------------------------
    // A store that keeps no vectors may leave these four as they are: it then stores none, finds
    // none, and clustering uses lexical and entity evidence only.

    /// Like [`Store::commit_article`], and stores the article's embedding in the same
    /// transaction, so an article is never left without the vector it was clustered with. The
    /// default commits, then calls [`Store::put_embeddings`]; a store that can should do both in
    /// one transaction (the SQLite store does).
    fn commit_article_embedded(
        &self,
        article: &Article,
        story: &Story,
        embedding: Option<&crate::ArticleEmbedding>,
    ) -> Result<ArticleInsert> {
        let done = self.commit_article(article, story)?;
        if let (ArticleInsert::Inserted, Some(e)) = (&done, embedding) {
            self.put_embeddings(std::slice::from_ref(e))?;
        }
        Ok(done)
    }

    /// Stores embeddings of stored articles, all in one transaction; the vector of the same
    /// (article, model) is replaced. An embedding of an article that is not stored is refused
    /// with [`crate::Error::Invalid`]. Default: stores nothing.
    fn put_embeddings(&self, embeddings: &[crate::ArticleEmbedding]) -> Result<()> {
        let _ = embeddings;
        Ok(())
    }

    /// The `model` embeddings of the articles `ids` that have one, in the order of `ids`.
    /// Default: none.
    fn embeddings(&self, model: &str, ids: &[ArticleId]) -> Result<Vec<crate::ArticleEmbedding>> {
        let _ = (model, ids);
        Ok(Vec::new())
    }

    /// The `model` embeddings of the articles fetched at or after `since`, in the order the
    /// articles were stored: the vectors of the clustering window ([`Store::recent_articles`]).
    /// Default: none.
    fn recent_embeddings(
        &self,
        model: &str,
        since: DateTime<Utc>,
    ) -> Result<Vec<crate::ArticleEmbedding>> {
        let _ = (model, since);
        Ok(Vec::new())
    }

    /// Number of stored vectors per model, by model name. Default: none.
    fn embedding_counts(&self) -> Result<Vec<(String, usize)>> {
        Ok(Vec::new())
    }

    // ----- story digests (entity pages, blindspot feeds, independent-report counts) ---------
    // A store that keeps no digests may leave these four as they are: it then stores none, and the
    // pages across stories are empty (story pages do not need digests).

    /// Up to `limit` stories whose digest is missing or older than the story, most recently
    /// updated first. Default: none.
    fn stale_digests(&self, limit: usize) -> Result<Vec<StoryId>> {
        let _ = limit;
        Ok(Vec::new())
    }

    /// Stores the digest of its story in one transaction, replacing the story's previous one
    /// (and its entity index rows). A digest of a story that is not stored, or that is older than
    /// the stored digest, is ignored. Default: stores nothing.
    fn save_digest(&self, digest: &StoryDigest) -> Result<()> {
        let _ = digest;
        Ok(())
    }

    /// The story that took over the articles of story `id` when a regrouping merged it away
    /// (following merges of merges to a story that exists); `None` for a story that exists or
    /// was never merged. Default: none.
    fn story_alias(&self, id: &StoryId) -> Result<Option<StoryId>> {
        let _ = id;
        Ok(None)
    }

    /// The digest of one story, current or stale; `None` when it has none. Default: none.
    fn digest(&self, story: &StoryId) -> Result<Option<StoryDigest>> {
        let _ = story;
        Ok(None)
    }

    /// The `limit` most recently updated stories that have a digest, with it, skipping `offset`.
    /// Default: none.
    fn digested_stories(&self, limit: usize, offset: usize) -> Result<Vec<DigestedStory>> {
        let _ = (limit, offset);
        Ok(Vec::new())
    }

    /// The stories whose digest names the entity `key`, most recently updated first, at most
    /// `limit`; when none does, those naming a longer name that ends with it (a surname alone:
    /// "zelenski" finds "volodimir-zelenski"). Default: none.
    fn entity_stories(&self, key: &str, limit: usize) -> Result<Vec<EntityStory>> {
        let _ = (key, limit);
        Ok(Vec::new())
    }
}
