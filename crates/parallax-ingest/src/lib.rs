//! The ingestion pipeline: documents (local files now, crawled pages later) become stored articles,
//! and each article joins or starts a story whose analysis is brought up to date.
//!
//! ```text
//! files ──load──▶ Document ──extract──▶ Article ──dedupe──▶ cluster ──analyze──▶ Store::commit_article
//! ```
//!
//! Architecture invariants:
//! - One article and the new state of its story are written in one transaction
//!   ([`parallax_core::Store::commit_article`]), so a killed import never leaves half an article or half a
//!   story, and running it again resumes where it stopped.
//! - A document that is already stored (same id, canonical URL or content hash) changes nothing.
//! - Bad input is a per-document failure with a message for a person, recorded in the store; it never
//!   stops the rest of the import.
#![warn(missing_docs)]

mod document;
mod pipeline;

pub use document::{
    Crawled, Document, FetchedPage, LoadError, MAX_PAGE_BYTES, Record, collect_files, load_file,
};
pub use pipeline::{Outcome, Pipeline, PipelineError};
