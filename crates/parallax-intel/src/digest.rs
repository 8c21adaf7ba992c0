//! A story's digest ([`parallax_core::StoryDigest`]): what pages across stories (entity pages,
//! blindspot feeds, the story list's independent-report counts) need of it, made from its
//! articles by the same code as the story page.

use chrono::{DateTime, Utc};
use parallax_core::{
    Article, BiasSources, CountrySources, DigestedStory, EntityRef, Source, StoryDigest, StoryId,
};

use crate::blindspots::{BiasCount, CountryCount, StoryCoverage};
use crate::entities::Entity;

/// The digest of the story `story` (last updated at `story_updated`) from its articles and what
/// is known of their outlets.
pub fn digest(
    story: &StoryId,
    story_updated: DateTime<Utc>,
    articles: &[Article],
    sources: &[Source],
) -> StoryDigest {
    let independence = crate::wire::detect(articles);
    let entities = crate::entities::extract(articles);
    let coverage =
        StoryCoverage::from_articles(story.clone(), "", articles, sources, story_updated);
    StoryDigest {
        story: story.clone(),
        story_updated,
        articles: articles.len(),
        independent_reports: independence.independent_count(),
        entities: entities.iter().map(entity_ref).collect(),
        countries: coverage
            .countries
            .into_iter()
            .map(|c| CountrySources {
                country: c.country,
                articles: c.articles,
                sources: c.sources,
            })
            .collect(),
        bias: coverage
            .bias
            .into_iter()
            .map(|b| BiasSources {
                label: b.label,
                sources: b.sources,
            })
            .collect(),
        gists: Vec::new(),
    }
}

/// An entity as a digest keeps it.
pub fn entity_ref(e: &Entity) -> EntityRef {
    EntityRef {
        key: e.key.clone(),
        name: e.name.clone(),
        kind: e.kind.label().to_string(),
        variants: e.variants.clone(),
        articles: e.articles.len(),
        mentions: e.mentions,
    }
}

impl StoryCoverage {
    /// The coverage summary of a digested story, for the blindspot feeds.
    pub fn from_digest(d: &DigestedStory) -> Self {
        StoryCoverage {
            story: d.story.clone(),
            title: d.title.clone(),
            countries: d
                .digest
                .countries
                .iter()
                .map(|c| CountryCount {
                    country: c.country.clone(),
                    articles: c.articles,
                    sources: c.sources,
                })
                .collect(),
            bias: d
                .digest
                .bias
                .iter()
                .map(|b| BiasCount {
                    label: b.label.clone(),
                    sources: b.sources,
                })
                .collect(),
            last_updated: d.last_updated,
        }
    }
}
