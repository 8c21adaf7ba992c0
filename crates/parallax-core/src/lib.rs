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
mod source;
mod store;
mod story;
mod translation;

pub use article::{Article, DateFound, Excerpt, PublishedTime};
pub use digest::{
    ArticleGist, BiasSources, CountrySources, DigestedStory, EntityRef, EntityStory, GistMatch,
    GistSentence, StoryDigest,
};
pub use embedding::{ArticleEmbedding, Embedder, cosine};
pub use error::{Error, Result};
pub use feed::FeedState;
pub use id::{ArticleId, SourceId, StoryId, content_hash, short_hash, site_key};
pub use source::{OwnershipType, Rating, Source};
pub use store::{ArticleInsert, Store, StoryRecord};
pub use story::{Bullet, Coverage, Story, Tally};
pub use translation::{Translation, is_language_code, same_language};
