//! The read model of Parallax: what a reader is shown, computed from a [`Store`] and nothing else.
//!
//! Every page of `parallax-web`, its JSON API and the CLI's reading commands (`parallax stories`,
//! `story`, `search`, `sources show`, `entities`, `blindspots`) show these views, so the three
//! never disagree. The views are plain data (`serde::Serialize`): no HTML, no HTTP, no escaping,
//! which is the renderers' job.
//!
//! Invariants:
//! - A view holds only what the store holds or what is computed from it here: nothing is
//!   invented. What is unknown stays `None` (or "unknown"), and what is only inferred says so
//!   with its provenance (an outlet's country inferred from coverage carries the GDELT credit).
//! - Machine translations are shown only beside their originals: each foreign-language article
//!   title and summary sentence keeps its text and language, and a cached translation into the
//!   reader's language comes with it, labelled with its backend ([`TranslationView`]).
//! - Every function takes the store (and, where time matters, `now`) as arguments: the `_at`
//!   variants are pure over the store's contents.
//!
//! [`Store`]: parallax_core::Store

#![warn(missing_docs)]

mod blindspots;
mod entity;
mod front;
mod health;
pub mod intel_cache;
mod related;
mod search;
mod shared;
mod source;
mod status;
mod story;
mod topic;
mod translations;
mod world;

pub use blindspots::{BlindspotsView, blindspots_view, is_country_code};
pub use entity::{
    DIGEST_WINDOW, ENTITY_STORIES_LIMIT, EntityRow, EntityStoryRow, EntityView, entity_rows,
    entity_view,
};
pub use front::{
    BarSegment, CardLead, CoverageBar, FRONT_CANDIDATES, FRONT_PAGE_SIZE, FRONT_TOPICS, FrontOrder,
    FrontQuery, FrontSection, FrontTopic, FrontView, RISING_WINDOW_HOURS, SECTION_TOP_STORIES,
    SectionStory, StoryCard, TOP_HALF_LIFE_HOURS, bias_rank, front_view, front_view_at,
};
pub use health::{
    ARTICLES_PER_DAY_WINDOW_DAYS, STATUS_DEGRADED, STATUS_FAILING, STATUS_NEVER_POLLED, STATUS_OK,
    SourceHealth, source_health, source_health_at, source_health_summary,
};
pub use related::{RELATED_ENTITIES, RELATED_STORIES, RelatedStory, related_stories};
pub use search::{
    SEARCH_MAX_LIMIT, SEARCH_PAGE_SIZE, SearchArticle, SearchStory, SearchView, search_date,
    search_view,
};
pub use source::{
    FeedRow, GDELT_URL, LEDGER_CLAIMS_LISTED, LEDGER_STORIES, LedgerEntry, LedgerRecord, RatingRow,
    SOURCE_STORIES, SourceStoryRow, SourceView, find_source, source_view,
};
pub use status::{ProblemRow, StatusLine, StatusView, problem_rows, status_view};
pub use story::{
    ArticleRow, StoryRow, StoryView, UNKNOWN_SOURCE_NAME, story_rows, story_view, story_view_in,
};
pub use topic::{TOPIC_STORIES, TopicView, topic_rows, topic_view};
pub use translations::{
    BulletView, DEFAULT_LANGUAGE, TranslationView, is_foreign, machine_translation_label,
};
pub use world::{
    COUNTRY_STORIES, CountryOutlet, CountryStoryRow, CountryView, CountryVolumeRow,
    DEFAULT_WORLD_PERIOD, MapCountry, MapShape, OVERLOOKED_MAX_OTHER_OUTLETS,
    OVERLOOKED_MIN_HOME_OUTLETS, WORLD_PERIODS, WorldMap, WorldView, country_view, country_view_at,
    parse_world_map, volume_class, world_map, world_view, world_view_at,
};

/// Percent-encodes an id for use as one path segment.
pub fn path_segment(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}
