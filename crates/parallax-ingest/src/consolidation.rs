//! The consolidation pass: the recent window regrouped at once
//! ([`parallax_cluster::consolidate`]), and the stories that changed written back in one
//! transaction ([`parallax_core::ArticleStore::regroup`]).
//!
//! The online clusterer decides for each article as it arrives, once; consolidation looks at the
//! whole window together and repairs what those one-pass decisions got wrong (a story split in two
//! because its first articles said little, an article that joined the wrong story). It runs after
//! an import and after each crawl pass, never per article.
//!
//! Invariants:
//! - The grouping depends only on the window's articles (and their vectors), not on the order or
//!   the sessions they arrived in: an import killed and run again ends with the same stories as one
//!   clean import.
//! - A story's id is that of its earliest article in the window (the store's order), as for a
//!   story the online clusterer starts: a story whose members do not change keeps its id; a story
//!   that absorbs an earlier one takes the earlier id (the absorbed story's page then says it may
//!   have been merged).
//! - Stories that also hold articles older than the window are left as they are, with all their
//!   articles.
//! - All changes are one transaction; the stories that changed get a new analysis (title, summary,
//!   coverage) and `last_updated`, so their digests are rebuilt by the next digest pass.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{Duration, Utc};
use parallax_cluster::{ClusterConfig, consolidate};
use parallax_core::{Article, ArticleId, Store, Story, StoryId};

use crate::PipelineError;
use crate::pipeline::{WINDOW_DAYS, analyze_members, cluster_doc};

/// Most articles one pass regroups: the most recent ones of the window. Bounds the pass (about
/// 0.65 ms an article on one core, so some 13 s at the cap) on a machine that stores tens of
/// thousands of articles a day; stories reaching back beyond them stay as they are.
pub const MAX_CONSOLIDATION_ARTICLES: usize = 20_000;

/// What a consolidation pass did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ConsolidationPass {
    /// Articles looked at (the window, less the stories that reach back beyond it).
    pub articles: usize,
    /// Articles now in another story than before.
    pub moved: usize,
    /// Stories written (new or changed).
    pub stories_written: usize,
    /// Stories gone (all their articles moved to other stories).
    pub stories_removed: usize,
}

/// Regroups the articles stored in the last [`WINDOW_DAYS`] days (the most recent
/// [`MAX_CONSOLIDATION_ARTICLES`] of them) and writes the stories that changed. `model` names the embedding model whose stored vectors join the evidence (the one the
/// pipeline clusters with), if any.
pub fn consolidate_window(
    store: &dyn Store,
    model: Option<&str>,
) -> Result<ConsolidationPass, PipelineError> {
    let since = Utc::now() - Duration::days(WINDOW_DAYS);
    let mut records = store.recent_articles(since)?;
    if records.len() > MAX_CONSOLIDATION_ARTICLES {
        records.drain(..records.len() - MAX_CONSOLIDATION_ARTICLES);
    }
    // Stories that reach back beyond the window stay whole and as they are.
    let mut in_window: HashMap<StoryId, usize> = HashMap::new();
    for r in &records {
        *in_window.entry(r.story.clone()).or_default() += 1;
    }
    let mut stories: HashMap<StoryId, Story> = HashMap::new();
    for id in in_window.keys() {
        if let Some(s) = store.story(id)? {
            stories.insert(id.clone(), s);
        }
    }
    let eligible = |id: &StoryId| {
        stories
            .get(id)
            .is_some_and(|s| s.articles.len() == in_window.get(id).copied().unwrap_or(0))
    };
    let records: Vec<_> = records.into_iter().filter(|r| eligible(&r.story)).collect();
    let mut pass = ConsolidationPass {
        articles: records.len(),
        ..ConsolidationPass::default()
    };
    if records.len() < 2 {
        return Ok(pass);
    }
    let mut vectors: HashMap<ArticleId, Vec<f32>> = match model {
        Some(m) => {
            let ids: Vec<ArticleId> = records.iter().map(|r| r.article.id.clone()).collect();
            store
                .embeddings(m, &ids)?
                .into_iter()
                .map(|e| (e.article, e.vector))
                .collect()
        }
        None => HashMap::new(),
    };
    let docs: Vec<_> = records
        .iter()
        .map(|r| cluster_doc(&r.article, vectors.remove(&r.article.id)))
        .collect();
    let groups = consolidate(&docs, &ClusterConfig::default());

    // Members of each group and of each current story, in store order.
    let mut group_members: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for (i, g) in groups.iter().enumerate() {
        group_members.entry(*g).or_default().push(i);
    }
    let mut current: HashMap<&StoryId, Vec<usize>> = HashMap::new();
    for (i, r) in records.iter().enumerate() {
        current.entry(&r.story).or_default().push(i);
    }
    let mut written: Vec<Story> = Vec::new();
    let mut kept_ids: HashSet<StoryId> = HashSet::new();
    for members in group_members.values() {
        let first = &records[members[0]];
        let id = StoryId::from_seed(&first.article.id);
        kept_ids.insert(id.clone());
        let unchanged = first.story == id && current.get(&id).is_some_and(|m| m == members);
        if unchanged {
            continue;
        }
        pass.moved += members.iter().filter(|&&i| records[i].story != id).count();
        let articles: Vec<Article> = members
            .iter()
            .map(|&i| records[i].article.clone())
            .collect();
        // First seen: the earliest of the stories its articles come from.
        let first_seen = members
            .iter()
            .filter_map(|&i| stories.get(&records[i].story))
            .map(|s| s.first_seen)
            .min()
            .unwrap_or_else(Utc::now);
        written.push(analyze_members(store, &id, first_seen, &articles)?);
    }
    if written.is_empty() {
        return Ok(pass);
    }
    pass.stories_written = written.len();
    pass.stories_removed = current.keys().filter(|id| !kept_ids.contains(**id)).count();
    store.regroup(&written)?;
    Ok(pass)
}
