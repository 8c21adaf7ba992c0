//! Reads shared between requests: what many pages read whole (the front page's candidates, the
//! window of recent digests) is read once per [`SHARED_TTL`] instead of once per request.
//!
//! A value is kept per store (by its address) together with the newest story as it was when the
//! value was read ([`ArticleStore::listed_stories`]`(1, 0)`, one indexed row): a new or changed newest
//! story makes it stale at once, a change to an older story shows within [`SHARED_TTL`]. While one
//! request reads a stale value again, the others go on with the stale one rather than wait (or all
//! read it at once); a request finding no value for its store reads it itself.

use crate::DIGEST_WINDOW;
use parallax_core::{DigestedStory, ListedStory, Store};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How long a shared read is reused while the newest story stays the same.
pub const SHARED_TTL: Duration = Duration::from_secs(5);

/// One shared read: the value last read, and whether a request is reading it again.
pub(crate) struct Shared<T> {
    slot: Mutex<Option<Entry<T>>>,
    refreshing: AtomicBool,
}

struct Entry<T> {
    store: usize,
    newest: Option<ListedStory>,
    read: Instant,
    value: Arc<T>,
}

/// Clears the refreshing flag however the read ends.
struct Refreshing<'a>(&'a AtomicBool);

impl Drop for Refreshing<'_> {
    fn drop(&mut self) {
        self.0.store(false, Ordering::Release);
    }
}

impl<T> Shared<T> {
    pub(crate) const fn new() -> Self {
        Shared {
            slot: Mutex::new(None),
            refreshing: AtomicBool::new(false),
        }
    }

    /// The value for `store`: the one kept when it is fresh (or stale while another request
    /// reads it again), else `read(store)`, kept for the next requests.
    pub(crate) fn get(
        &self,
        store: &dyn Store,
        read: impl FnOnce(&dyn Store) -> parallax_core::Result<T>,
    ) -> parallax_core::Result<Arc<T>> {
        let address = store as *const dyn Store as *const () as usize;
        let newest = store.listed_stories(1, 0)?.into_iter().next();
        let mut guard = None;
        {
            let slot = self.slot.lock().unwrap_or_else(|e| e.into_inner());
            if let Some(e) = slot.as_ref().filter(|e| e.store == address) {
                if e.newest == newest && e.read.elapsed() < SHARED_TTL {
                    return Ok(e.value.clone());
                }
                if self.refreshing.swap(true, Ordering::AcqRel) {
                    return Ok(e.value.clone());
                }
                guard = Some(Refreshing(&self.refreshing));
            }
        }
        let value = Arc::new(read(store)?);
        *self.slot.lock().unwrap_or_else(|e| e.into_inner()) = Some(Entry {
            store: address,
            newest,
            read: Instant::now(),
            value: value.clone(),
        });
        drop(guard);
        Ok(value)
    }
}

static RECENT_DIGESTS: Shared<Vec<DigestedStory>> = Shared::new();

/// The [`DIGEST_WINDOW`] most recently updated digested stories
/// ([`DigestStore::digested_stories`]), shared between requests: the country pages, the blindspot
/// feeds and the entity and topic lists read them.
pub(crate) fn recent_digests(store: &dyn Store) -> parallax_core::Result<Arc<Vec<DigestedStory>>> {
    RECENT_DIGESTS.get(store, |s| s.digested_stories(DIGEST_WINDOW, 0))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Utc;
    use parallax_core::store_roles::*;
    use parallax_core::{Article, ArticleId, SourceId, Story, StoryId};
    use parallax_store::SqliteStore;
    use std::sync::atomic::AtomicUsize;

    fn commit(store: &SqliteStore, key: &str) {
        let url = format!("https://example.com/{key}");
        let article = Article {
            id: ArticleId::from_key(&url),
            source: SourceId::from_key("example.com"),
            url: Some(url.clone()),
            canonical_url: Some(url),
            title: format!("Title {key}"),
            byline: None,
            published: None,
            language: Some("en".into()),
            paragraphs: vec![format!("Body of {key}.")],
            content_hash: parallax_core::content_hash(key),
            fetched_at: Utc::now(),
            origin: key.into(),
            warnings: vec![],
            excerpts: vec![],
            attribution: Default::default(),
            section: None,
        };
        let story = Story {
            id: StoryId::from_seed(&article.id),
            title: article.title.clone(),
            summary: vec![],
            coverage: Default::default(),
            articles: vec![article.id.clone()],
            first_seen: Utc::now(),
            last_updated: Utc::now(),
        };
        store.commit_article(&article, &story).unwrap();
    }

    /// A read is made once and shared while the newest story stays the same; a new story, or
    /// another store, reads again.
    #[test]
    fn a_read_is_shared_until_the_newest_story_changes() {
        let store = SqliteStore::open_in_memory().unwrap();
        let other = SqliteStore::open_in_memory().unwrap();
        commit(&store, "a");
        let shared: Shared<usize> = Shared::new();
        let reads = AtomicUsize::new(0);
        let read = |_: &dyn Store| Ok(reads.fetch_add(1, Ordering::SeqCst) + 1);
        assert_eq!(*shared.get(&store, read).unwrap(), 1);
        assert_eq!(*shared.get(&store, read).unwrap(), 1, "shared");
        commit(&store, "b");
        assert_eq!(*shared.get(&store, read).unwrap(), 2, "a new story");
        assert_eq!(*shared.get(&other, read).unwrap(), 3, "another store");
        // A failed read keeps nothing and leaves no refresh pending.
        commit(&other, "c");
        let failing = |_: &dyn Store| Err(parallax_core::Error::Backend("down".into()));
        assert!(shared.get(&other, failing).is_err());
        assert_eq!(*shared.get(&other, read).unwrap(), 4);
    }
}
