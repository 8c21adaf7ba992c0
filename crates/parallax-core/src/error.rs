/// Errors of the storage layer and of domain validation.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Something the user asked for does not exist (an unknown story id, say).
    #[error("not found: {0}")]
    NotFound(String),
    /// The input was refused: it breaks a rule of the domain.
    #[error("invalid input: {0}")]
    Invalid(String),
    /// The stored data does not read back as it was written (a corrupt file, a newer schema).
    #[error("stored data is corrupt or from a newer version: {0}")]
    DataCorruption(String),
    /// The storage backend failed (disk full, locked database, lost connection).
    #[error("storage backend: {0}")]
    Backend(String),
}

/// Result with [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
