use crate::ArticleId;
use chrono::{DateTime, Utc};

/// The sentence embedding of one article under one model, as the store keeps it.
///
/// The vector's length is its dimension; vectors of different models are never compared.
#[derive(Clone, Debug, PartialEq)]
pub struct ArticleEmbedding {
    /// The article.
    pub article: ArticleId,
    /// The model that made the vector (e.g. `multilingual-e5-small`).
    pub model: String,
    /// The vector (unit length for the models Parallax ships).
    pub vector: Vec<f32>,
    /// When it was computed.
    pub created_at: DateTime<Utc>,
}

/// A sentence-embedding model, as ingestion sees it: documents in, one vector each out.
///
/// The implementation does the model's own input conventions (the `"passage: "` prefix of e5,
/// truncation); callers pass the text to embed (Parallax passes an article's title and lead).
/// Must be cheap to share between threads: it is loaded once per process.
pub trait Embedder: Send + Sync {
    /// The model's name, stored with every vector ([`ArticleEmbedding::model`]).
    fn model(&self) -> &str;

    /// The vectors' dimension.
    fn dim(&self) -> usize;

    /// One vector per text, in input order. Pass many texts per call: models are much faster on
    /// batches. An error is a message for a person (the caller carries on without vectors).
    fn embed_documents(&self, texts: &[&str]) -> std::result::Result<Vec<Vec<f32>>, String>;
}

/// Cosine similarity of two vectors (0 when either is zero; extra elements of the longer one are
/// ignored). For the unit vectors an [`Embedder`] returns this equals the dot product.
pub fn cosine(a: &[f32], b: &[f32]) -> f32 {
    let (mut dot, mut na, mut nb) = (0f32, 0f32, 0f32);
    for (x, y) in a.iter().zip(b) {
        dot += x * y;
        na += x * x;
        nb += y * y;
    }
    if na == 0.0 || nb == 0.0 {
        0.0
    } else {
        dot / (na.sqrt() * nb.sqrt())
    }
}
