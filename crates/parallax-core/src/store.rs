use crate::{
    Article, ArticleId, Attribution, DigestedStory, EntityStory, FeedState, ListedStory,
    ProvidedRating, RatingKind, Result, Source, SourceId, Story, StoryDigest, StoryId, Translation,
};
use chrono::{DateTime, Utc};

/// What [`ArticleStore::commit_article`] did.
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

/// A stored article's outlet and the evidence it was established from: what attributing stored
/// articles again needs ([`SourceStore::attributions`]).
#[derive(Clone, Debug, PartialEq)]
pub struct ArticleAttribution {
    /// The article.
    pub article: ArticleId,
    /// Its story.
    pub story: StoryId,
    /// Its outlet.
    pub source: SourceId,
    /// The URL it was fetched from.
    pub url: Option<String>,
    /// Its canonical URL.
    pub canonical_url: Option<String>,
    /// How the outlet was established, with the evidence.
    pub attribution: Attribution,
}

/// One pass of attributing stored articles again, written in one transaction
/// ([`SourceStore::reattribute`]).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Reattribution {
    /// Sources to insert or replace.
    pub sources: Vec<Source>,
    /// Articles whose outlet or attribution changed: `source` and `attribution` are written
    /// (`story`, `url` and `canonical_url` are not).
    pub articles: Vec<ArticleAttribution>,
    /// Stories analysed again over their new sources: title, summary and coverage are written
    /// (members and times are not), and their digests are dropped so that the digest pass makes
    /// them again.
    pub stories: Vec<Story>,
    /// A setting written in the same transaction: (key, value), such as the fingerprint of the
    /// registry and directory the articles are now attributed with.
    pub setting: Option<(String, String)>,
}

/// How much a store holds ([`ArticleStore::counts`]).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct StoreCounts {
    /// Sources.
    pub sources: usize,
    /// Articles.
    pub articles: usize,
    /// Stories.
    pub stories: usize,
}

/// A problem recorded with an input ([`ProblemStore::problems`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    /// When it was recorded.
    pub at: DateTime<Utc>,
    /// The input it concerns (a path or URL).
    pub origin: String,
    /// What went wrong, in words a person understands.
    pub message: String,
}

/// Vectors stored for one model ([`EmbeddingStore::embedding_counts`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ModelVectors {
    /// The model's name.
    pub model: String,
    /// Vectors stored.
    pub vectors: usize,
}

/// Articles of one outlet over a period ([`SourceStore::source_article_counts`]).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct SourceArticles {
    /// The outlet.
    pub source: SourceId,
    /// Its articles.
    pub articles: usize,
}

/// Articles and outlets of one country over a period ([`SourceStore::country_volumes`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CountryVolume {
    /// ISO 3166-1 alpha-2 code, upper case.
    pub country: String,
    /// Articles of its outlets fetched in the period.
    pub articles: usize,
    /// Distinct outlets of the country with at least one of those articles.
    pub outlets: usize,
}

/// Outlets: their facts, the attribution of articles to them, their articles per day, imported
/// ratings, and small settings.
pub trait SourceStore {
    /// Inserts the source, or replaces the stored one with the same id.
    fn upsert_source(&self, source: &Source) -> Result<()>;

    /// The source with this id.
    fn source(&self, id: &SourceId) -> Result<Option<Source>>;

    /// All sources, by name.
    fn sources(&self) -> Result<Vec<Source>>;

    /// Articles stored per source since the day of `since` (by fetch time; whole days, UTC), for
    /// "articles per day".
    fn source_article_counts(&self, since: DateTime<Utc>) -> Result<Vec<SourceArticles>>;

    /// Every stored article's outlet and attribution evidence, in the order they were stored.
    fn attributions(&self) -> Result<Vec<ArticleAttribution>>;

    /// Writes a re-attribution in one transaction (see [`Reattribution`]). A story or article
    /// that is not stored is refused with [`crate::Error::Invalid`], changing nothing.
    fn reattribute(&self, change: &Reattribution) -> Result<()>;

    /// Replaces every rating of `kind` by `provider` with `ratings`, in one transaction. A rating
    /// in `ratings` of another provider or kind is refused with [`crate::Error::Invalid`].
    fn replace_ratings(
        &self,
        provider: &str,
        kind: RatingKind,
        ratings: &[ProvidedRating],
    ) -> Result<()>;

    /// Every imported rating, by provider, kind and domain.
    fn ratings(&self) -> Result<Vec<ProvidedRating>>;

    /// A setting written by [`SourceStore::reattribute`]; `None` when never written.
    fn setting(&self, key: &str) -> Result<Option<String>>;

    /// The `limit` most recently updated stories with at least one article of `source`.
    fn source_stories(&self, source: &SourceId, limit: usize) -> Result<Vec<Story>>;

    /// Articles fetched since the day of `since` (by `fetched_at`: when Parallax stored them, so
    /// a period means the same for dated and undated articles; whole days, UTC) and their distinct outlets, per outlet
    /// country, most articles first, then by code. Only a home country (curated, the operator's,
    /// or the site's country-code domain) counts: an outlet whose country is only inferred from
    /// its coverage, or unknown, counts for no country.
    fn country_volumes(&self, since: DateTime<Utc>) -> Result<Vec<CountryVolume>>;
}

/// Articles and the stories that list them: commits, reads, search. Every method is one
/// transaction.
pub trait ArticleStore {
    /// The id of a stored article that is the same document as `article`: same id, same canonical
    /// URL, or same content hash.
    fn find_duplicate(&self, article: &Article) -> Result<Option<ArticleId>>;

    /// Stores a new article and the new state of the story it joined, in one transaction. When the
    /// article is a duplicate (see [`ArticleStore::find_duplicate`]) nothing is written.
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

    /// [`ArticleStore::stories`] with each story's independent reports from its digest when the digest
    /// is up to date: what story lists rank by, in one read.
    fn listed_stories(&self, limit: usize, offset: usize) -> Result<Vec<ListedStory>>;

    /// Articles fetched at or after `since`, with their stories, in the order they were stored: what
    /// the clusterer needs to rebuild its window after a restart.
    fn recent_articles(&self, since: DateTime<Utc>) -> Result<Vec<StoryRecord>>;

    /// How many sources, articles and stories are stored.
    fn counts(&self) -> Result<StoreCounts>;

    /// The stored article whose URL or canonical URL is `url`: lets the crawler skip pages it has.
    fn article_by_url(&self, url: &str) -> Result<Option<ArticleId>>;

    /// The stories whose articles hold every word of `query.text` and pass its filters, best
    /// match first (the best article's relevance, then the story's last update), the page of
    /// `query.limit` stories after `query.offset`, each with its best matching articles and their
    /// matches marked. The words are plain text, never query syntax: no text is an error; a text
    /// with no letter or digit finds nothing.
    fn search_stories(&self, query: &crate::SearchQuery) -> Result<crate::SearchResults>;

    /// The story that took over the articles of story `id` when a regrouping merged it away
    /// (following merges of merges to a story that exists); `None` for a story that exists or
    /// was never merged.
    fn story_alias(&self, id: &StoryId) -> Result<Option<StoryId>>;
}

/// What went wrong with which input, where a person can see it.
pub trait ProblemStore {
    /// Records a problem met with an input (a file that failed, a page that was refused), so that a
    /// user can see it later. `origin` is the path or URL.
    fn record_problem(&self, origin: &str, message: &str) -> Result<()>;

    /// The most recent problems, newest first.
    fn problems(&self, limit: usize) -> Result<Vec<Problem>>;
}

/// The state of every polled feed (validators, schedule, last error).
pub trait FeedStore {
    /// The state of every feed the crawler has polled, by URL.
    fn feed_states(&self) -> Result<Vec<FeedState>>;

    /// Inserts or replaces the state of one feed.
    fn save_feed_state(&self, state: &FeedState) -> Result<()>;
}

/// The machine-translation cache; originals are never written here.
pub trait TranslationStore {
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
}

/// Article vectors (title and lead), per model.
pub trait EmbeddingStore {
    // ----- article embeddings (vectors of title and lead) -----------------------------------

    /// Like [`ArticleStore::commit_article`], and stores the article's embedding in the same
    /// transaction, so an article is never left without the vector it was clustered with.
    fn commit_article_embedded(
        &self,
        article: &Article,
        story: &Story,
        embedding: Option<&crate::ArticleEmbedding>,
    ) -> Result<ArticleInsert>;

    /// Stores embeddings of stored articles, all in one transaction; the vector of the same
    /// (article, model) is replaced. An embedding of an article that is not stored is refused
    /// with [`crate::Error::Invalid`].
    fn put_embeddings(&self, embeddings: &[crate::ArticleEmbedding]) -> Result<()>;

    /// The `model` embeddings of the articles `ids` that have one, in the order of `ids`.
    fn embeddings(&self, model: &str, ids: &[ArticleId]) -> Result<Vec<crate::ArticleEmbedding>>;

    /// The `model` embeddings of the articles fetched at or after `since`, in the order the
    /// articles were stored: the vectors of the clustering window ([`ArticleStore::recent_articles`]).
    fn recent_embeddings(
        &self,
        model: &str,
        since: DateTime<Utc>,
    ) -> Result<Vec<crate::ArticleEmbedding>>;

    /// Number of stored vectors per model, by model name.
    fn embedding_counts(&self) -> Result<Vec<ModelVectors>>;
}

/// Story digests and the entity index: what pages across stories read.
pub trait DigestStore {
    // ----- story digests (entity pages, blindspot feeds, independent-report counts) ---------

    /// Up to `limit` stories whose digest is missing, older than the story, or made by an older
    /// Parallax (its version below [`crate::DIGEST_VERSION`]), most recently updated first.
    fn stale_digests(&self, limit: usize) -> Result<Vec<StoryId>>;

    /// Stores the digest of its story in one transaction, replacing the story's previous one
    /// (and its entity index rows). A digest of a story that is not stored, or that is older than
    /// the stored digest, is ignored.
    fn save_digest(&self, digest: &StoryDigest) -> Result<()>;

    /// The digest of one story, current or stale; `None` when it has none.
    fn digest(&self, story: &StoryId) -> Result<Option<StoryDigest>>;

    /// The `limit` most recently updated stories that have a digest, with it, skipping `offset`.
    /// The digests come without their gists and ledger (pages across stories never show them;
    /// [`DigestStore::digest`] reads a whole one).
    fn digested_stories(&self, limit: usize, offset: usize) -> Result<Vec<DigestedStory>>;

    /// The stories whose digest names the entity `key`, most recently updated first (as of their
    /// digests), at most `limit`; when none does, those naming a longer name that ends with it (a surname alone:
    /// "zelenski" finds "volodimir-zelenski").
    fn entity_stories(&self, key: &str, limit: usize) -> Result<Vec<EntityStory>>;
}

/// Where Parallax keeps sources, articles and stories: every role together, what the pages, the
/// ingestion and the CLI are given. A type with every role is a `Store`; each role is a trait of
/// its own ([`SourceStore`], [`ArticleStore`], [`ProblemStore`], [`FeedStore`],
/// [`TranslationStore`], [`EmbeddingStore`], [`DigestStore`]), every method required: none does
/// nothing by default.
///
/// Implementations: SQLite (one file, the default) and, later, PostgreSQL for many workers. Callers
/// only see these traits. Every method is a complete unit (one transaction): a write either
/// happens whole or not at all, so a process killed at any point leaves the store as it was before
/// the call or after it.
pub trait Store:
    SourceStore
    + ArticleStore
    + ProblemStore
    + FeedStore
    + TranslationStore
    + EmbeddingStore
    + DigestStore
    + Send
    + Sync
{
}

impl<T> Store for T where
    T: SourceStore
        + ArticleStore
        + ProblemStore
        + FeedStore
        + TranslationStore
        + EmbeddingStore
        + DigestStore
        + Send
        + Sync
{
}
