//! Topics (`/topic/KEY`, `/api/topics`): the stories about one person, place or organisation,
//! as story cards. A topic is an entity the articles themselves name (the story digests' entity
//! index): nothing is invented, and a topic's key is its entity key, shared by every spelling.

use crate::front::card;
use crate::{EntityRow, entity_rows, entity_view};
use parallax_core::{ListedStory, Store};
use serde::Serialize;

/// Stories a topic page shows at most (most recently updated first).
pub const TOPIC_STORIES: usize = 50;

/// A topic and its stories.
#[derive(Clone, Debug, PartialEq, Serialize, utoipa::ToSchema)]
pub struct TopicView {
    /// The key every spelling shares (the page's address is `/topic/KEY`).
    pub key: String,
    /// The most used name.
    pub name: String,
    /// "person", "place", "organisation" or "unknown".
    pub kind: String,
    /// Every spelling seen, most frequent first.
    pub variants: Vec<String>,
    /// Stories naming it, as many as the entity index holds (up to its limit).
    pub total_stories: usize,
    /// The [`TOPIC_STORIES`] most recently updated of them, as cards.
    pub stories: Vec<crate::StoryCard>,
}

/// The topic `name_or_key` (a key, or any spelling of the name); `None` when no digested story
/// names it.
pub fn topic_view(
    store: &dyn Store,
    name_or_key: &str,
) -> parallax_core::Result<Option<TopicView>> {
    let Some(entity) = entity_view(store, name_or_key)? else {
        return Ok(None);
    };
    let mut stories = Vec::new();
    for row in entity.stories.iter().take(TOPIC_STORIES) {
        let Some(story) = store.story(&row.id)? else {
            continue;
        };
        let independent_reports = store
            .digest(&story.id)?
            .filter(|d| d.story_updated >= story.last_updated)
            .map(|d| d.independent_reports);
        let score = story.last_updated.timestamp() as f64;
        stories.push(card(
            ListedStory {
                story,
                independent_reports,
            },
            score,
        ));
    }
    Ok(Some(TopicView {
        total_stories: entity.stories.len(),
        key: entity.key,
        name: entity.name,
        kind: entity.kind,
        variants: entity.variants,
        stories,
    }))
}

/// The topics named by the most recent stories, at most `limit` ([`entity_rows`]).
pub fn topic_rows(store: &dyn Store, limit: usize) -> parallax_core::Result<Vec<EntityRow>> {
    entity_rows(store, limit)
}
