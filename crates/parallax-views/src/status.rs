//! The status page's numbers and the problems met with inputs.

use chrono::{DateTime, Utc};
use parallax_core::Store;
use serde::Serialize;

/// A problem met with an input, as `GET /api/problems` returns it.
#[derive(Clone, Debug, PartialEq, Serialize, utoipa::ToSchema)]
pub struct ProblemRow {
    /// When it was recorded.
    pub time: DateTime<Utc>,
    /// The path or URL of the input.
    pub origin: String,
    /// What went wrong.
    pub message: String,
}

/// One fact about the serving process's set-up on the status page (`/status`): what ingestion does
/// about embeddings, whether translation is configured. The binary fills these in at start-up.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct StatusLine {
    /// What it is about (`embeddings`, `translation`).
    pub name: String,
    /// What it says, e.g. "off (no model in …); clustering falls back to lexical and entity
    /// evidence".
    pub value: String,
    /// Whether the capability is on (off ones are shown as warnings).
    pub ok: bool,
}

/// The status page as `GET /api/status` returns it.
#[derive(Clone, Debug, PartialEq, Serialize, utoipa::ToSchema)]
pub struct StatusView {
    /// Numbers of sources, articles and stories stored.
    pub sources: usize,
    /// Articles stored.
    pub articles: usize,
    /// Stories stored.
    pub stories: usize,
    /// Stored article vectors per embedding model.
    pub vectors: Vec<(String, usize)>,
    /// The serving process's set-up (empty when it reported none).
    pub lines: Vec<StatusLine>,
}

/// The status page: the store's numbers now, and `lines`.
pub fn status_view(store: &dyn Store, lines: &[StatusLine]) -> parallax_core::Result<StatusView> {
    let counts = store.counts()?;
    Ok(StatusView {
        sources: counts.sources,
        articles: counts.articles,
        stories: counts.stories,
        vectors: store
            .embedding_counts()?
            .into_iter()
            .map(|m| (m.model, m.vectors))
            .collect(),
        lines: lines.to_vec(),
    })
}

/// The most recent problems, newest first.
pub fn problem_rows(store: &dyn Store, limit: usize) -> parallax_core::Result<Vec<ProblemRow>> {
    Ok(store
        .problems(limit)?
        .into_iter()
        .map(|p| ProblemRow {
            time: p.at,
            origin: p.origin,
            message: p.message,
        })
        .collect())
}

// ---------------------------------------------------------------------------------------------
