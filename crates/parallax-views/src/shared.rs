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
