//! Related stories: the other stories that name the most of a story's people, places and
//! organisations (read from the entity index through [`DigestStore::entity_stories`]).

use chrono::{DateTime, Utc};
use parallax_core::{Store, StoryId};
use serde::Serialize;
use std::collections::HashMap;

/// Related stories a story page lists at most.
pub const RELATED_STORIES: usize = 8;
/// The story's entities (most mentioned first) whose other stories are looked up.
pub const RELATED_ENTITIES: usize = 6;
/// Stories fetched per entity (most recently updated first), from the entity index alone
/// (`Store::entity_stories`; the entity is stored beside each row since schema 10).
const STORIES_PER_ENTITY: usize = 15;

/// Another story sharing entities with a story.
#[derive(Clone, Debug, PartialEq, Serialize, utoipa::ToSchema)]
pub struct RelatedStory {
    /// Story id.
    pub id: StoryId,
    /// Its headline now.
    pub title: String,
    /// When it last changed.
    pub last_updated: DateTime<Utc>,
    /// The entities it shares with the story, as the story names them, in the story's order
    /// (most mentioned first).
    pub shared: Vec<String>,
}

/// The stories other than `story` that name the most of `entities` (`(key, name)`, most
/// mentioned first; only the first [`RELATED_ENTITIES`] are looked up), most shared entities
/// first, then most recently updated; at most `limit`.
pub fn related_stories(
    store: &dyn Store,
    story: &StoryId,
    entities: &[(String, String)],
    limit: usize,
) -> parallax_core::Result<Vec<RelatedStory>> {
    let mut found: HashMap<StoryId, RelatedStory> = HashMap::new();
    let mut seen_keys: Vec<&str> = Vec::new();
    for (key, name) in entities {
        if key.is_empty() || seen_keys.contains(&key.as_str()) {
            continue;
        }
        if seen_keys.len() == RELATED_ENTITIES {
            break;
        }
        seen_keys.push(key);
        for s in store.entity_stories(key, STORIES_PER_ENTITY)? {
            if &s.story == story {
                continue;
            }
            let row = found
                .entry(s.story.clone())
                .or_insert_with(|| RelatedStory {
                    id: s.story.clone(),
                    title: s.title.clone(),
                    last_updated: s.last_updated,
                    shared: Vec::new(),
                });
            if !row.shared.contains(name) {
                row.shared.push(name.clone());
            }
        }
    }
    let mut rows: Vec<RelatedStory> = found.into_values().collect();
    rows.sort_by(|a, b| {
        b.shared
            .len()
            .cmp(&a.shared.len())
            .then(b.last_updated.cmp(&a.last_updated))
            .then(a.id.as_str().cmp(b.id.as_str()))
    });
    rows.truncate(limit);
    Ok(rows)
}
