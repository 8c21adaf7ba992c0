//! The digest pass: brings the digests of stories that changed up to date
//! ([`parallax_core::StoryDigest`], made by [`parallax_intel::digest::digest`]), for the pages
//! across stories (entity pages, blindspot feeds, independent-report counts).
//!
//! It runs after an import, after each crawl pass and when the server starts, never inside the
//! per-article transaction: a story that gains ten articles in one import is digested once, and
//! ingestion speed does not depend on story size. A digest made from a story that changed while it
//! was being made is stale at once and made again by the next pass; a process killed during the
//! pass leaves every story with its old digest or its new one.

use std::collections::HashSet;

use parallax_core::{Embedder, Result, Store};

/// Stories asked for at a time.
const BATCH: usize = 64;

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

/// [`refresh_digests`], and with `gist` (an embedding model and the readers' language) the
/// cross-lingual gists of the stories told in more than one language
/// ([`parallax_intel::gist::gists`]). A model that fails leaves the digest without gists.
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
                            embedder.embed_documents(texts)
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
