//! The story analysis of [`parallax_intel::analyze_story`], memoised per process.
//!
//! The analysis of a big story takes a noticeable time (154 articles: about 0.17 s, 308: 0.38 s on
//! the project's 2-core machine, growing about as n^1.5), and a story page, its JSON and the CLI
//! ask for it on every view. It is a pure function of the story's articles and their outlets, so
//! its result is kept under a fingerprint of exactly those inputs (every field of every article
//! and source, serialized): any change to an article, to the set of articles or to an outlet's
//! ratings gives another fingerprint, so a stale analysis is never served. The newest
//! [`CAPACITY`] analyses are kept.

use parallax_core::{Article, Source};
use parallax_intel::StoryIntel;
use std::collections::HashMap;
use std::hash::{DefaultHasher, Hasher};
use std::sync::{Arc, Mutex};

/// How many story analyses are kept.
pub const CAPACITY: usize = 64;

struct Cache {
    /// Fingerprint → (last use, analysis).
    entries: HashMap<(u64, u64), (u64, Arc<StoryIntel>)>,
    clock: u64,
}

static CACHE: Mutex<Option<Cache>> = Mutex::new(None);

/// Two hashers fed with the same serialized bytes.
struct HashWriter([DefaultHasher; 2]);

impl std::io::Write for HashWriter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        for h in &mut self.0 {
            h.write(buf);
        }
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Two independent 64-bit hashes of the serialized inputs (so that a collision needs both to
/// collide), from one serialization; `None` if they cannot be serialized (then nothing is cached).
fn fingerprint(articles: &[Article], sources: &[Source]) -> Option<(u64, u64)> {
    let mut w = HashWriter([DefaultHasher::new(), DefaultHasher::new()]);
    for (salt, h) in w.0.iter_mut().enumerate() {
        h.write_u64(salt as u64);
    }
    w.0.iter_mut().for_each(|h| h.write_usize(articles.len()));
    serde_json::to_writer(&mut w, articles).ok()?;
    w.0.iter_mut().for_each(|h| h.write_usize(sources.len()));
    serde_json::to_writer(&mut w, sources).ok()?;
    Some((w.0[0].finish(), w.0[1].finish()))
}

/// [`parallax_intel::analyze_story`] of `articles` and `sources`, from the cache when the same
/// inputs were analysed before.
pub fn analyze_story(articles: &[Article], sources: &[Source]) -> Arc<StoryIntel> {
    let Some(key) = fingerprint(articles, sources) else {
        return Arc::new(parallax_intel::analyze_story(articles, sources));
    };
    {
        let mut guard = CACHE.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(cache) = guard.as_mut() {
            cache.clock += 1;
            let now = cache.clock;
            if let Some((used, intel)) = cache.entries.get_mut(&key) {
                *used = now;
                return Arc::clone(intel);
            }
        }
    }
    // Computed outside the lock: other pages are not held up by a big story.
    let intel = Arc::new(parallax_intel::analyze_story(articles, sources));
    let mut guard = CACHE.lock().unwrap_or_else(|e| e.into_inner());
    let cache = guard.get_or_insert_with(|| Cache {
        entries: HashMap::new(),
        clock: 0,
    });
    cache.clock += 1;
    let now = cache.clock;
    if cache.entries.len() >= CAPACITY
        && !cache.entries.contains_key(&key)
        && let Some(oldest) = cache
            .entries
            .iter()
            .min_by_key(|(_, (used, _))| *used)
            .map(|(k, _)| *k)
    {
        cache.entries.remove(&oldest);
    }
    cache.entries.insert(key, (now, Arc::clone(&intel)));
    intel
}

#[cfg(test)]
mod tests {
    use super::*;
    use parallax_core::{ArticleId, SourceId};

    fn article(key: &str, text: &str) -> Article {
        Article {
            section: None,
            id: ArticleId::from_key(key),
            source: SourceId::from_key(&format!("outlet {key}")),
            url: None,
            canonical_url: None,
            title: format!("Headline {key}"),
            byline: None,
            published: None,
            language: Some("en".to_string()),
            paragraphs: vec![text.to_string()],
            content_hash: parallax_core::content_hash(text),
            fetched_at: chrono::DateTime::UNIX_EPOCH,
            origin: key.to_string(),
            warnings: Vec::new(),
            excerpts: Vec::new(),
            attribution: Default::default(),
        }
    }

    #[test]
    fn same_inputs_share_an_analysis_and_any_change_gives_a_new_one() {
        let a = vec![
            article(
                "a1",
                "The council approved the budget on Monday by nine votes to two.",
            ),
            article(
                "a2",
                "The budget was approved on Monday, nine votes to two, by the council.",
            ),
        ];
        let first = analyze_story(&a, &[]);
        let again = analyze_story(&a, &[]);
        assert!(
            Arc::ptr_eq(&first, &again),
            "the same inputs are analysed once"
        );
        assert_eq!(*first, parallax_intel::analyze_story(&a, &[]));

        let mut changed = a.clone();
        changed[1].paragraphs[0].push_str(" The mayor objected.");
        let other = analyze_story(&changed, &[]);
        assert!(!Arc::ptr_eq(&first, &other));
        assert_eq!(*other, parallax_intel::analyze_story(&changed, &[]));

        let fewer = analyze_story(&a[..1], &[]);
        assert!(!Arc::ptr_eq(&first, &fewer));
    }
}
