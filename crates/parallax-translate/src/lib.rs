//! Machine translation of what readers see: article titles and the sentences of story summaries,
//! translated into the operator's language (English by default), cached in the store, and shown
//! beside the originals, labelled as machine translation with the backend that made it.
//!
//! # Pieces
//!
//! - [`Translator`]: a batch of texts, a source language (or auto-detection) and a target
//!   language in; the translations, in the same order, or a typed [`TranslateError`] out.
//! - Two backends an operator points at (see [`Settings`]):
//!   [`LibreTranslate`] (`POST {url}/translate`, the LibreTranslate API) and
//!   [`OpenAiCompatible`] (`POST {url}/chat/completions`, a strict numbered-lines prompt whose
//!   answer must map back one to one). Both go through `parallax_http::ServiceClient`, with a
//!   rate limit per backend ([`Settings::requests_per_minute`]), timeouts, and retries with
//!   exponential backoff (and `Retry-After`) on timeouts, lost connections, 429 and 5xx.
//! - [`translate_pass`]: one pass over the recently updated stories; texts already cached are
//!   never sent again ([`parallax_core::TranslationStore::translations`]).
//! - [`TranslateWorker`]: passes on their own thread, nudged after crawl passes, backing off
//!   when the backend fails.
//!
//! # Invariants
//!
//! - **Translation never blocks ingestion.** It runs apart from crawling and importing (its own
//!   thread, its own runtime); a backend that is down, slow, or answering nonsense ends the pass,
//!   records a problem the operator sees on `/problems`, and the next pass tries again later.
//! - **Originals are never replaced.** Translations live in their own cache, keyed by the hash of
//!   the exact original text, its language, the target language and the backend; pages show
//!   them only beside the original and its language, labelled "machine translation (backend)".
//! - **A translation is attached to its text or not at all.** An answer with another number of
//!   translations than texts sent, or (chat backends) lines that are not numbered 1 to N in
//!   order, is refused whole.
//! - **The API key goes only to the configured endpoint**: no redirect is followed, and the key
//!   is never logged, recorded or shown.
//!
//! ```no_run
//! use parallax_translate::{BackendKind, Settings};
//!
//! # async fn demo() -> Result<(), parallax_translate::TranslateError> {
//! let settings = Settings {
//!     backend: BackendKind::LibreTranslate,
//!     url: "http://127.0.0.1:5000".to_string(),
//!     ..Settings::default()
//! };
//! let translator = settings.translator()?;
//! let out = translator
//!     .translate(&["Grève des ferries".to_string()], Some("fr"), "en")
//!     .await?;
//! assert_eq!(out.len(), 1);
//! # Ok(())
//! # }
//! ```
#![warn(missing_docs)]

mod endpoint;
mod error;
mod libre;
mod openai;
mod pass;
mod settings;
mod worker;

pub use error::TranslateError;
pub use libre::LibreTranslate;
pub use openai::OpenAiCompatible;
pub use pass::{PassOptions, PassReport, translate_pass};
pub use settings::{BackendKind, Settings};
pub use worker::{TranslateWorker, WorkerOptions, failure_message, problem_origin};

use std::future::Future;
use std::pin::Pin;

/// A boxed future, so that [`Translator`] can be used as `dyn Translator`.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// A machine-translation backend.
pub trait Translator: Send + Sync {
    /// The backend's name, stored with each translation and shown to readers
    /// (`libretranslate`, `openai`).
    fn backend(&self) -> &str;

    /// The model, when the backend names one.
    fn model(&self) -> Option<&str>;

    /// The URL requests go to, for messages (it never holds the key).
    fn endpoint(&self) -> &str;

    /// Translates `texts` from `source` (`None`: let the backend detect it) into `target`.
    /// Returns exactly one translation per text, in order, or an error: never a partial or
    /// reordered answer.
    fn translate<'a>(
        &'a self,
        texts: &'a [String],
        source: Option<&'a str>,
        target: &'a str,
    ) -> BoxFuture<'a, Result<Vec<String>, TranslateError>>;
}
