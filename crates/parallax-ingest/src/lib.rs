//! The ingestion pipeline: documents (local files now, crawled pages later) become stored articles,
//! and each article joins or starts a story whose analysis is brought up to date.
//!
//! ```text
//! files ──load──▶ Document ──extract──▶ Article ──dedupe──▶ [embed] ──▶ cluster ──analyze──▶ Store::commit_article_embedded
//! ```
//!
//! With an embedding model ([`Pipeline::with_embedder`]), each new article's title and lead
//! ([`embedding_input`]) is embedded before it is clustered: in batches, on a worker thread that
//! runs while this thread extracts the next documents and commits the previous batch
//! ([`Pipeline::ingest_stream`]). Without one, or when the model fails, articles are clustered on
//! lexical and entity evidence alone and stored without a vector.
//!
//! Architecture invariants:
//! - One article, its vector (if any) and the new state of its story are written in one
//!   transaction ([`parallax_core::EmbeddingStore::commit_article_embedded`]), so a killed import never
//!   leaves half an article or half a story, and running it again resumes where it stopped.
//! - Articles are clustered and committed in input order, batched or not; a pipeline rebuilt
//!   from the store (with the stored vectors of its model) is in the state the previous one left.
//! - A document that is already stored (same id, canonical URL or content hash) changes nothing.
//! - Bad input is a per-document failure with a message for a person, recorded in the store; it never
//!   stops the rest of the import.
//! - After new articles, one sequence ([`Pipeline::settle`]) for every entry point (import, crawl,
//!   run): the recent window regrouped, then the digests of the stories that changed.
#![warn(missing_docs)]

mod attribution;
mod consolidation;
mod digests;
mod document;
mod pipeline;

pub use attribution::{
    ATTRIBUTION_SETTING, AttributionSummary, ReattributionPass, attribution_summary,
    default_attributor, ensure_attributed, reattribute,
};
pub use consolidation::{ConsolidationPass, MAX_CONSOLIDATION_ARTICLES, consolidate_window};
pub use digests::{
    DigestPass, SENTENCE_CACHE, refresh_digests, refresh_digests_logged, refresh_digests_with,
};
pub use document::{
    Crawled, Document, FetchedPage, LoadError, MAX_PAGE_BYTES, Record, collect_files, load_file,
};
pub use pipeline::{
    EMBED_JOB_DOCS, LEAD_WORDS, Next, Outcome, Pipeline, PipelineError, Prep, Prepared, Settled,
    embedding_input,
};
