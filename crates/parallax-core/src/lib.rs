//! Parallax's domain: sources, articles, stories, cached machine translations, their stable ids,
//! and the [`Store`] trait that every storage backend implements.
//!
//! Architecture invariant: this crate does no IO and depends on no other Parallax crate. Everything
//! else in the workspace speaks these types.
#![warn(missing_docs)]

mod article;
mod digest;
mod embedding;
mod error;
mod feed;
mod id;
mod search;
mod section;
mod source;
mod store;
mod story;
mod translation;

pub use article::{
    Article, Attribution, AttributionEvidence, AttributionMethod, DateFound, Excerpt, PublishedTime,
};
pub use digest::{
    ArticleGist, BiasSources, ClaimStanding, CountrySources, DIGEST_VERSION, DigestedStory,
    EntityRef, EntityStory, GistMatch, GistSentence, LedgerClaim, OutletClaim, StoryDigest,
};
pub use embedding::{ArticleEmbedding, Embedder, cosine};
pub use error::{Error, Result};
pub use feed::FeedState;
pub use id::{ArticleId, SourceId, StoryId, content_hash, short_hash, site_key};
pub use search::{
    ArticleMatch, Fragment, Highlighted, SEARCH_ARTICLES_PER_STORY, SearchQuery, SearchResults,
    StoryMatch, is_unspaced_script,
};
pub use section::{CATEGORIES, OTHER_SECTION, category_label, clean_section, section_category};
pub use source::{
    CountryBasis, OwnershipType, ProvidedRating, Rating, RatingKind, Source, SourceProvenance,
};
pub use store::{
    ArticleAttribution, ArticleInsert, ArticleStore, CountryVolume, DigestStore, EmbeddingStore,
    FeedStore, ModelVectors, Problem, ProblemStore, Reattribution, SourceArticles, SourceStore,
    Store, StoreCounts, StoryRecord, TranslationStore,
};
pub use story::{Bullet, Coverage, ListedStory, RatingDistribution, Story, Tally};
pub use translation::{Translation, is_language_code, same_language};

/// Every role trait of the store, for `use parallax_core::store_roles::*;` where a concrete store
/// (not `dyn Store`) is called.
pub mod store_roles {
    pub use crate::{
        ArticleStore, DigestStore, EmbeddingStore, FeedStore, ProblemStore, SourceStore, Store,
        TranslationStore,
    };
}
