//! The embedding model of ingestion: whether it is on (`[embeddings]` in `parallax.toml` and an
//! installed model), loading it once per process, and the same facts in words for `parallax doctor`
//! and the status page.

use crate::config::Config;
use parallax_core::Embedder as _;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

/// What clustering uses when there are no vectors, in the words `doctor` and `/status` use.
pub const FALLBACK: &str = "clustering falls back to lexical and entity evidence";

/// Tokens per text unless `[embeddings] max_tokens` says otherwise: "passage: " + title +
/// `parallax_ingest::LEAD_WORDS` words is about 80 tokens in English, and cost grows with tokens.
pub const DEFAULT_MAX_TOKENS: usize = 80;

/// multilingual-e5-small behind the core [`parallax_core::Embedder`] trait: `"passage: "` +
/// the text, truncated to the token limit ([`DEFAULT_MAX_TOKENS`]), mean-pooled, unit length.
pub struct E5 {
    inner: parallax_embed::Embedder,
}

impl parallax_core::Embedder for E5 {
    fn model(&self) -> &str {
        parallax_embed::MODEL_NAME
    }

    fn dim(&self) -> usize {
        self.inner.dim()
    }

    fn embed_documents(&self, texts: &[&str]) -> Result<Vec<Vec<f32>>, String> {
        self.inner.embed_passages(texts).map_err(|e| e.to_string())
    }
}

/// Whether ingestion will embed, and why (without loading anything).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Plan {
    /// `[embeddings] enabled = false`.
    Disabled,
    /// Enabled, but the model directory lacks the model.
    NotInstalled {
        /// The model directory looked at.
        dir: PathBuf,
        /// What is missing, in words.
        missing: Vec<String>,
    },
    /// The model is installed in `dir`: ingestion loads it.
    Ready {
        /// The model directory.
        dir: PathBuf,
    },
}

/// The model directory the configuration names, else the default one.
pub fn model_dir(config: &Config) -> PathBuf {
    config
        .embeddings
        .model_dir
        .clone()
        .unwrap_or_else(parallax_embed::default_model_dir)
}

/// What ingestion will do about embeddings with this configuration.
pub fn plan(config: &Config) -> Plan {
    if config.embeddings.enabled == Some(false) {
        return Plan::Disabled;
    }
    let dir = model_dir(config);
    let status = parallax_embed::status(&dir);
    if status.installed {
        Plan::Ready { dir }
    } else {
        Plan::NotInstalled {
            dir,
            missing: status.missing,
        }
    }
}

/// The model loaded for ingestion, or why there is none.
pub struct Loaded {
    /// The model, when it is on.
    pub embedder: Option<Arc<dyn parallax_core::Embedder>>,
    /// One line saying what ingestion does about embeddings.
    pub line: String,
}

/// Loads the model for ingestion when the configuration and the installation allow, once per
/// process (~1 s, ~440 MiB). A model that fails to load is a warning on stderr, never an error:
/// ingestion then clusters on lexical and entity evidence alone.
pub fn load(config: &Config) -> Loaded {
    match plan(config) {
        Plan::Disabled => Loaded {
            embedder: None,
            line: format!("embeddings: off (disabled in the configuration); {FALLBACK}"),
        },
        Plan::NotInstalled { dir, .. } => Loaded {
            embedder: None,
            line: format!(
                "embeddings: off (no model in {}; `parallax models install` installs it); {FALLBACK}",
                dir.display()
            ),
        },
        Plan::Ready { dir } => {
            let options = parallax_embed::EmbedOptions {
                batch_size: config
                    .embeddings
                    .batch_size
                    .unwrap_or(parallax_embed::EmbedOptions::default().batch_size),
                max_tokens: config.embeddings.max_tokens.unwrap_or(DEFAULT_MAX_TOKENS),
            };
            let t = Instant::now();
            match parallax_embed::Embedder::load_with(&dir, options) {
                Ok(inner) => {
                    let e5 = E5 { inner };
                    let line = format!(
                        "embeddings: on ({}, {} dimensions, loaded from {} in {:.1} s)",
                        e5.model(),
                        e5.dim(),
                        dir.display(),
                        t.elapsed().as_secs_f64()
                    );
                    Loaded {
                        embedder: Some(Arc::new(e5)),
                        line,
                    }
                }
                Err(e) => {
                    eprintln!(
                        "warning: the embedding model in {} did not load ({e}); {FALLBACK}",
                        dir.display()
                    );
                    Loaded {
                        embedder: None,
                        line: format!(
                            "embeddings: off (the model in {} did not load: {e}); {FALLBACK}",
                            dir.display()
                        ),
                    }
                }
            }
        }
    }
}
