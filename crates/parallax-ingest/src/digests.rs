//! The digest pass: brings the digests of stories that changed up to date
//! ([`parallax_core::StoryDigest`], made by [`parallax_intel::digest::digest`]), for the pages
//! across stories (entity pages, blindspot feeds, independent-report counts).
//!
//! It runs after an import, after each crawl pass and when the server starts, never inside the
//! per-article transaction: a story that gains ten articles in one import is digested once, and
//! ingestion speed does not depend on story size. A digest made from a story that changed while it
//! was being made is stale at once and made again by the next pass; a process killed during the
//! pass leaves every story with its old digest or its new one.

use std::collections::{HashMap, HashSet};
use std::sync::Mutex;

use parallax_core::{Embedder, Result, Store};

/// Stories asked for at a time: each call walks the stories newest first past the ones already
/// digested, so fewer, larger batches keep a long pass from growing with the square of the stories.
const BATCH: usize = 1_024;

/// Sentence vectors kept between digest passes in this process (the most recently used).
/// A multilingual story that gains an article is digested again, and without the cache every
/// sentence of up to ten articles would be embedded again (about 20 sentences a second on two
/// cores); with it only the new ones are. 8,192 vectors of 384 floats take about 13 MB.
pub const SENTENCE_CACHE: usize = 8192;

/// Sentence vectors by model and text, with when each was last used.
struct SentenceCache {
    vectors: HashMap<String, (u64, Vec<f32>)>,
    clock: u64,
}

static SENTENCES: Mutex<Option<SentenceCache>> = Mutex::new(None);

fn cache_key(model: &str, text: &str) -> String {
    format!("{model}\u{0}{text}")
}

/// `embedder`'s vectors of `texts`, in order: those of texts embedded before (by the same model)
/// from the cache, the others in one call to the model. An error or a wrong number of vectors
/// from the model is an error; nothing of it is cached.
fn embed_cached(
    embedder: &dyn Embedder,
    texts: &[&str],
) -> std::result::Result<Vec<Vec<f32>>, String> {
    let model = embedder.model();
    let mut out: Vec<Option<Vec<f32>>> = vec![None; texts.len()];
    {
        let mut guard = SENTENCES.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(cache) = guard.as_mut() {
            for (slot, text) in out.iter_mut().zip(texts) {
                cache.clock += 1;
                let now = cache.clock;
                if let Some((used, v)) = cache.vectors.get_mut(&cache_key(model, text)) {
                    *used = now;
                    *slot = Some(v.clone());
                }
            }
        }
    }
    let missing: Vec<usize> = (0..texts.len()).filter(|&i| out[i].is_none()).collect();
    if !missing.is_empty() {
        let batch: Vec<&str> = missing.iter().map(|&i| texts[i]).collect();
        let vectors = embedder.embed_documents(&batch)?;
        if vectors.len() != batch.len() {
            return Err(format!(
                "the model gave {} vectors for {} sentences",
                vectors.len(),
                batch.len()
            ));
        }
        let mut guard = SENTENCES.lock().unwrap_or_else(|e| e.into_inner());
        let cache = guard.get_or_insert_with(|| SentenceCache {
            vectors: HashMap::new(),
            clock: 0,
        });
        for (&i, v) in missing.iter().zip(vectors) {
            cache.clock += 1;
            cache
                .vectors
                .insert(cache_key(model, texts[i]), (cache.clock, v.clone()));
            out[i] = Some(v);
        }
        if cache.vectors.len() > SENTENCE_CACHE {
            // Down to three quarters at once, least recently used first.
            let mut by_use: Vec<(u64, String)> = cache
                .vectors
                .iter()
                .map(|(k, (used, _))| (*used, k.clone()))
                .collect();
            by_use.sort_unstable();
            let drop = cache.vectors.len() - SENTENCE_CACHE * 3 / 4;
            for (_, k) in by_use.into_iter().take(drop) {
                cache.vectors.remove(&k);
            }
        }
    }
    Ok(out.into_iter().map(Option::unwrap_or_default).collect())
}

/// What a digest pass did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct DigestPass {
    /// Digests made and saved.
    pub digested: usize,
    /// Stale stories left for a later pass (the pass stopped at its limit).
    pub left: bool,
}

/// Makes the digests of up to `max` stories whose digest is missing or stale, most recently
/// updated first (without gists: see [`refresh_digests_with`]).
pub fn refresh_digests(store: &dyn Store, max: usize) -> Result<DigestPass> {
    refresh_digests_with(store, max, None)
}

/// [`refresh_digests_with`] over every stale story, a failure logged rather than returned: the pages
/// then show the older digests, and the next pass tries again. What `serve` runs at its start, and
/// what [`crate::Pipeline::refresh_digests`] runs after new articles.
pub fn refresh_digests_logged(
    store: &dyn Store,
    gist: Option<(&dyn Embedder, &str)>,
) -> DigestPass {
    match refresh_digests_with(store, usize::MAX, gist) {
        Ok(p) => {
            if p.digested > 0 {
                tracing::debug!(stories = p.digested, "stories digested");
            }
            p
        }
        Err(e) => {
            tracing::warn!(error = %e, "could not bring the story digests up to date");
            DigestPass::default()
        }
    }
}

/// [`refresh_digests`], and with `gist` (an embedding model and the readers' language) the
/// cross-lingual gists of the stories told in more than one language
/// ([`parallax_intel::gist::gists`]). A model that fails leaves the digest without gists.
/// Sentence vectors are kept between passes ([`SENTENCE_CACHE`]).
pub fn refresh_digests_with(
    store: &dyn Store,
    max: usize,
    gist: Option<(&dyn Embedder, &str)>,
) -> Result<DigestPass> {
    let mut pass = DigestPass::default();
    let mut seen = HashSet::new();
    let mut sources = None;
    while pass.digested < max {
        let ids = store.stale_digests(BATCH)?;
        let fresh: Vec<_> = ids
            .into_iter()
            .filter(|id| seen.insert(id.clone()))
            .collect();
        if fresh.is_empty() {
            // Nothing stale, or only stories already digested in this pass (changed meanwhile):
            // those wait for the next pass.
            return Ok(pass);
        }
        if sources.is_none() {
            sources = Some(store.sources()?);
        }
        let sources = sources.as_deref().unwrap_or_default();
        for id in fresh {
            if pass.digested >= max {
                pass.left = true;
                return Ok(pass);
            }
            let Some(story) = store.story(&id)? else {
                continue;
            };
            let articles = store.story_articles(&id)?;
            let mut digest =
                parallax_intel::digest::digest(&id, story.last_updated, &articles, sources);
            if let Some((embedder, reader)) = gist {
                digest.gists = parallax_intel::gist::gists(
                    &articles,
                    reader,
                    embedder.model(),
                    &mut |texts| {
                        // A model that fails or panics gives no gist, never a failed pass.
                        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                            embed_cached(embedder, texts)
                        }))
                        .unwrap_or_else(|_| Err("the embedding model panicked".to_string()));
                        match result {
                            Ok(v) => Some(v),
                            Err(e) => {
                                tracing::warn!(error = %e, story = %id, "no cross-lingual gist");
                                None
                            }
                        }
                    },
                );
            }
            store.save_digest(&digest)?;
            pass.digested += 1;
        }
    }
    pass.left = !store.stale_digests(1)?.is_empty();
    Ok(pass)
}
