//! Topics (`/topic/KEY`, `/api/topics`): the stories about one person, place or organisation,
//! or using one key phrase, as story cards. A topic is an entity the articles themselves name
//! (the story digests' entity index; its key is the entity key, shared by every spelling), or a
//! phrase of two or more words ([`parallax_intel::phrases`]): the stories whose articles use
//! those words in that order (full-text search). Nothing is invented.

use crate::front::card;
use crate::{EntityRow, entity_rows, entity_view};
use parallax_core::{ListedStory, SearchQuery, Store, StoryId};
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
    /// "person", "place", "organisation", "unknown", or "phrase" (a key phrase).
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
        return phrase_topic(store, name_or_key);
    };
    let ids: Vec<StoryId> = entity
        .stories
        .iter()
        .take(TOPIC_STORIES)
        .map(|r| r.id.clone())
        .collect();
    Ok(Some(TopicView {
        total_stories: entity.stories.len(),
        stories: cards(store, &ids)?,
        key: entity.key,
        name: entity.name,
        kind: entity.kind,
        variants: entity.variants,
    }))
}

/// The topic of a phrase of two or more words: the stories whose articles use it, best match
/// first; `None` when it is one word or no story uses it.
fn phrase_topic(store: &dyn Store, phrase: &str) -> parallax_core::Result<Option<TopicView>> {
    let words: Vec<String> = phrase
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect();
    if words.len() < 2 {
        return Ok(None);
    }
    let key = words.join(" ");
    let found = store.search_stories(&SearchQuery {
        text: format!("\"{key}\""),
        limit: TOPIC_STORIES,
        ..SearchQuery::default()
    })?;
    if found.stories.is_empty() {
        return Ok(None);
    }
    let ids: Vec<StoryId> = found.stories.iter().map(|s| s.id.clone()).collect();
    Ok(Some(TopicView {
        total_stories: found.total,
        stories: cards(store, &ids)?,
        name: key.clone(),
        kind: "phrase".to_string(),
        variants: vec![key.clone()],
        key,
    }))
}

/// The cards of these stories, in this order (stories gone since are left out).
fn cards(store: &dyn Store, ids: &[StoryId]) -> parallax_core::Result<Vec<crate::StoryCard>> {
    let mut stories = Vec::new();
    for id in ids {
        let Some(story) = store.story(id)? else {
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
    Ok(stories)
}

/// The topics named by the most recent stories, at most `limit` ([`entity_rows`]).
pub fn topic_rows(store: &dyn Store, limit: usize) -> parallax_core::Result<Vec<EntityRow>> {
    entity_rows(store, limit)
}
