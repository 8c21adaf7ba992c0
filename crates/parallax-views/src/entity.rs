//! Entities across stories (`/entities`, `/entity/KEY`), read from the story digests.

use chrono::{DateTime, Utc};
use parallax_core::{Store, StoryId};
use serde::Serialize;
use std::collections::HashMap;

/// Stories an entity page lists at most.
pub const ENTITY_STORIES_LIMIT: usize = 200;
/// Recent digested stories the entity index and the blindspot feeds look at.
pub const DIGEST_WINDOW: usize = 1_000;

/// One story on an entity page.
#[derive(Clone, Debug, PartialEq, Serialize, utoipa::ToSchema)]
pub struct EntityStoryRow {
    /// Story id.
    pub id: StoryId,
    /// Its headline.
    pub title: String,
    /// When it last changed.
    pub last_updated: DateTime<Utc>,
    /// The entity's name in this story.
    pub name: String,
    /// Articles of the story mentioning it.
    pub articles: usize,
    /// Mentions in them.
    pub mentions: usize,
}

/// An entity page: one person, place or organisation across stories.
#[derive(Clone, Debug, PartialEq, Serialize, utoipa::ToSchema)]
pub struct EntityView {
    /// The key every spelling shares.
    pub key: String,
    /// The most used name.
    pub name: String,
    /// "person", "place", "organisation" or "unknown" (the kind most stories give it).
    pub kind: String,
    /// Every spelling seen, most frequent first.
    pub variants: Vec<String>,
    /// Its stories, most recently updated first.
    pub stories: Vec<EntityStoryRow>,
}

/// One line of the entity index.
#[derive(Clone, Debug, PartialEq, Serialize, utoipa::ToSchema)]
pub struct EntityRow {
    /// The key (the entity page's address is `/entity/KEY`).
    pub key: String,
    /// The most used name.
    pub name: String,
    /// Its kind.
    pub kind: String,
    /// Stories mentioning it among the recent ones.
    pub stories: usize,
    /// Articles mentioning it in them.
    pub articles: usize,
}

/// Most frequent first, ties by text.
fn ranked(counts: HashMap<String, usize>) -> Vec<String> {
    let mut v: Vec<(String, usize)> = counts.into_iter().collect();
    v.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    v.into_iter().map(|(s, _)| s).collect()
}

/// One entity as several stories name it: the names, kinds and spellings they use.
#[derive(Default)]
struct EntityTally {
    names: HashMap<String, usize>,
    kinds: HashMap<String, usize>,
    variants: HashMap<String, usize>,
    stories: usize,
    articles: usize,
}

impl EntityTally {
    /// Adds one story's entity, its name counted `name_weight` times.
    fn add(&mut self, e: &parallax_core::EntityRef, name_weight: usize) {
        *self.names.entry(e.name.clone()).or_default() += name_weight;
        if e.kind != "unknown" {
            *self.kinds.entry(e.kind.clone()).or_default() += 1;
        }
        for v in &e.variants {
            *self.variants.entry(v.clone()).or_default() += 1;
        }
        self.stories += 1;
        self.articles += e.articles;
    }

    /// The most used name (`key` when there is none), the kind most stories give it, and every
    /// spelling, most used first.
    fn resolve(self, key: &str) -> (String, String, Vec<String>) {
        (
            ranked(self.names)
                .into_iter()
                .next()
                .unwrap_or_else(|| key.to_string()),
            ranked(self.kinds)
                .into_iter()
                .next()
                .unwrap_or_else(|| "unknown".to_string()),
            ranked(self.variants),
        )
    }
}

/// The entity page of `name_or_key`: a key as entity pages use them ("zelenski"), or any
/// spelling of the name ("Zelensky", "Зеленский"), which gives the same key. `None` when no
/// digested story names it.
pub fn entity_view(
    store: &dyn Store,
    name_or_key: &str,
) -> parallax_core::Result<Option<EntityView>> {
    let given = name_or_key.trim();
    if given.is_empty() {
        return Ok(None);
    }
    let mut key = given.to_string();
    let mut found = store.entity_stories(&key, ENTITY_STORIES_LIMIT)?;
    if found.is_empty() {
        key = parallax_intel::entities::entity_key(given);
        if key.is_empty() {
            return Ok(None);
        }
        found = store.entity_stories(&key, ENTITY_STORIES_LIMIT)?;
    }
    if found.is_empty() {
        return Ok(None);
    }
    let mut tally = EntityTally::default();
    for f in &found {
        tally.add(&f.entity, f.entity.articles.max(1));
    }
    let (name, kind, variants) = tally.resolve(&key);
    Ok(Some(EntityView {
        name,
        kind,
        variants,
        stories: found
            .into_iter()
            .map(|f| EntityStoryRow {
                id: f.story,
                title: f.title,
                last_updated: f.last_updated,
                name: f.entity.name,
                articles: f.entity.articles,
                mentions: f.entity.mentions,
            })
            .collect(),
        key,
    }))
}

/// The entities named by the most stories among the [`DIGEST_WINDOW`] most recently updated
/// digested stories, at most `limit`.
pub fn entity_rows(store: &dyn Store, limit: usize) -> parallax_core::Result<Vec<EntityRow>> {
    let mut acc: HashMap<String, EntityTally> = HashMap::new();
    for d in crate::shared::recent_digests(store)?.iter() {
        for e in &d.digest.entities {
            acc.entry(e.key.clone()).or_default().add(e, 1);
        }
    }
    let mut rows: Vec<EntityRow> = acc
        .into_iter()
        .filter(|(k, _)| !k.is_empty())
        .map(|(key, a)| {
            let (stories, articles) = (a.stories, a.articles);
            let (name, kind, _) = a.resolve(&key);
            EntityRow {
                name,
                kind,
                stories,
                articles,
                key,
            }
        })
        .collect();
    rows.sort_by(|a, b| {
        b.stories
            .cmp(&a.stories)
            .then(b.articles.cmp(&a.articles))
            .then(a.key.cmp(&b.key))
    });
    rows.truncate(limit);
    Ok(rows)
}
