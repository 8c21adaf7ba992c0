//! Story intelligence: what sets a Parallax story page apart. Pure: no IO, no clocks.
//!
//! Given the articles of one story and what is known of their outlets, this crate works out
//! - [`wire`]: which articles are wire copies or rewrites of which (shingle containment, agency
//!   credits), grouped into independent reports, with the first publisher of each;
//! - [`claims`]: the claim ledger — attributed statements, direct quotes (checked word for word
//!   against their source text, with the speaker), figures and events, aligned across articles and
//!   sorted into agreed, single-source and disputed;
//! - [`entities`]: people, places and organisations, with spelling variants merged;
//! - [`perspectives`]: what each country / region / bias group's coverage emphasises that the
//!   others do not, with citations;
//! - [`timeline`]: coverage over time per region;
//! - [`blindspots`]: across stories, those covered widely abroad but little in a chosen country, or
//!   mostly by one side.
//!
//! [`analyze_story`] runs the per-story parts together.
#![warn(missing_docs)]

pub mod blindspots;
pub mod claims;
pub mod entities;
mod geo;
pub mod perspectives;
pub mod timeline;
pub mod wire;

use parallax_core::{Article, Source};
use serde::Serialize;

/// Everything this crate knows about one story.
#[derive(Clone, Debug, Serialize)]
pub struct StoryIntel {
    /// Independent reports and wire copies.
    pub independence: wire::Independence,
    /// The claim ledger.
    pub claims: Vec<claims::Claim>,
    /// Entities with merged spelling variants.
    pub entities: Vec<entities::Entity>,
    /// Perspectives per country / region / bias group (the "alternative takes").
    pub perspectives: Vec<perspectives::Perspective>,
    /// The world's current take: agreed claims that hold across groups.
    pub current_take: Vec<perspectives::TakeClaim>,
    /// Coverage over time per region.
    pub timeline: timeline::Timeline,
}

/// Runs every per-story analysis over `articles` (one story), with `sources` giving what is known
/// of their outlets (articles whose outlet is missing from `sources` count as unknown outlets).
pub fn analyze_story(articles: &[Article], sources: &[Source]) -> StoryIntel {
    let independence = wire::detect(articles);
    let claims = claims::ledger(articles, sources, &independence);
    let entities = entities::extract(articles);
    let perspectives = perspectives::perspectives_with(articles, sources, &claims, &independence);
    let current_take = perspectives::current_take(articles, sources, &claims);
    let timeline = timeline::timeline(articles, sources);
    StoryIntel {
        independence,
        claims,
        entities,
        perspectives,
        current_take,
        timeline,
    }
}
