//! Attributing stored articles again when what attribution knows changes: a new registry (an
//! upgrade, the operator's edits), a new outlet directory, imported ratings.
//!
//! [`reattribute`] runs the same [`Attributor`] ingestion uses over every stored article's kept
//! evidence, writes the sources, the articles whose outlet changed and their stories analysed
//! again in one transaction ([`parallax_core::SourceStore::reattribute`]), and records the
//! attributor's fingerprint with them. [`ensure_attributed`] does it only when that fingerprint
//! differs from the stored one, so an upgrade attributes everything once and an unchanged
//! installation does nothing.

use crate::pipeline::PipelineError;
use parallax_core::{
    Article, ArticleAttribution, AttributionEvidence, AttributionMethod, Reattribution, Source,
    SourceId, Store, Story, StoryId,
};
use parallax_sources::{Attributor, Directory, Registry};
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// The settings key under which the fingerprint of the last attribution is kept.
pub const ATTRIBUTION_SETTING: &str = "attribution_fingerprint";

/// What one [`reattribute`] pass did.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct ReattributionPass {
    /// Stored articles looked at.
    pub articles: usize,
    /// Articles whose outlet or attribution changed.
    pub articles_changed: usize,
    /// Sources written (new, or with changed facts).
    pub sources_written: usize,
    /// Stories analysed again because an article's outlet or an outlet's facts changed.
    pub stories_reanalysed: usize,
    /// The attributor's fingerprint now recorded.
    pub fingerprint: String,
}

/// How far attribution got over the stored articles ([`attribution_summary`]).
#[derive(Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct AttributionSummary {
    /// Stored articles.
    pub articles: usize,
    /// Articles whose outlet is known.
    pub known_outlet: usize,
    /// Articles whose outlet's country is known (on any basis).
    pub known_country: usize,
    /// Articles by the basis of their outlet's country ("unknown" for none, "unrecorded" for a
    /// country with no basis recorded).
    pub country_basis: BTreeMap<String, usize>,
    /// Articles by how their outlet was established ("unknown" for none).
    pub method: BTreeMap<String, usize>,
    /// Articles per country of their outlet ("unknown" for none).
    pub countries: BTreeMap<String, usize>,
    /// Stored outlets with an imported rating, per provider.
    pub rated_outlets: BTreeMap<String, usize>,
}

/// Counts, over the stored articles, how many have a known outlet and country, on which basis,
/// and how their outlets were established.
pub fn attribution_summary(store: &dyn Store) -> Result<AttributionSummary, PipelineError> {
    let sources: HashMap<SourceId, Source> = store
        .sources()?
        .into_iter()
        .map(|s| (s.id.clone(), s))
        .collect();
    let mut out = AttributionSummary::default();
    for a in store.attributions()? {
        out.articles += 1;
        let method = a.attribution.method.map_or("unknown", |m| m.label());
        *out.method.entry(method.to_string()).or_default() += 1;
        let source = (!a.source.is_unknown())
            .then(|| sources.get(&a.source))
            .flatten();
        out.known_outlet += usize::from(source.is_some());
        let (country, basis) = match source.and_then(|s| s.country.clone().map(|c| (c, s))) {
            Some((c, s)) => (
                c,
                s.provenance
                    .country_basis
                    .map_or("unrecorded", parallax_core::CountryBasis::label),
            ),
            None => ("unknown".to_string(), "unknown"),
        };
        out.known_country += usize::from(country != "unknown");
        *out.country_basis.entry(basis.to_string()).or_default() += 1;
        *out.countries.entry(country).or_default() += 1;
    }
    for s in sources.values() {
        let providers: BTreeSet<&str> = s.ratings.iter().map(|r| r.provider.as_str()).collect();
        for p in providers {
            *out.rated_outlets.entry(p.to_string()).or_default() += 1;
        }
    }
    Ok(out)
}

/// The attributor ingestion uses by default: the built-in registry, the built-in directory and
/// the ratings the operator imported into `store`.
pub fn default_attributor(store: &dyn Store) -> Result<Attributor, PipelineError> {
    Ok(Attributor::new(
        Registry::builtin(),
        Directory::builtin(),
        store.ratings()?,
    ))
}

/// Attributes the stored articles again with `attributor` when the store's articles were last
/// attributed with anything else (or never); `None` when they are up to date.
pub fn ensure_attributed(
    store: &dyn Store,
    attributor: &Attributor,
) -> Result<Option<ReattributionPass>, PipelineError> {
    if store.setting(ATTRIBUTION_SETTING)?.as_deref() == Some(attributor.fingerprint()) {
        return Ok(None);
    }
    reattribute(store, attributor).map(Some)
}

/// Attributes every stored article again with `attributor` and writes what changed in one
/// transaction: sources, articles, and their stories' title, summary and coverage (their digests
/// are made again by the next digest pass).
pub fn reattribute(
    store: &dyn Store,
    attributor: &Attributor,
) -> Result<ReattributionPass, PipelineError> {
    let rows = store.attributions()?;
    let stored: HashMap<SourceId, Source> = store
        .sources()?
        .into_iter()
        .map(|s| (s.id.clone(), s))
        .collect();
    let mut new_sources: HashMap<SourceId, Source> = HashMap::new();
    let mut changed_articles = Vec::new();
    let mut stories: BTreeSet<StoryId> = BTreeSet::new();
    for row in &rows {
        let evidence = if row.attribution == Default::default() {
            legacy_evidence(row, stored.get(&row.source), attributor.registry())
        } else {
            row.attribution.evidence.clone()
        };
        let found =
            attributor.attribute(row.url.as_deref(), row.canonical_url.as_deref(), &evidence);
        let (source_id, method) = match (&found.source, found.method) {
            (Some(s), m) => (s.id.clone(), m),
            // A feed source the registry no longer has keeps its outlet as stored.
            (None, Some(AttributionMethod::Feed)) => {
                (row.source.clone(), Some(AttributionMethod::Feed))
            }
            (None, _) => (SourceId::unknown(), None),
        };
        if let Some(s) = found.source {
            new_sources.entry(s.id.clone()).or_insert(s);
        }
        let attribution = parallax_core::Attribution { method, evidence };
        if source_id != row.source || attribution != row.attribution {
            if source_id != row.source {
                stories.insert(row.story.clone());
            }
            changed_articles.push(ArticleAttribution {
                source: source_id,
                attribution,
                ..row.clone()
            });
        }
    }
    // Sources whose facts changed: their stories' coverage changes too.
    let mut sources: Vec<Source> = new_sources
        .into_values()
        .filter(|s| stored.get(&s.id) != Some(s))
        .collect();
    sources.sort_by(|a, b| a.id.cmp(&b.id));
    let source_of: HashMap<_, _> = changed_articles
        .iter()
        .map(|c| (c.article.clone(), c.source.clone()))
        .collect();
    let changed_ids: BTreeSet<&SourceId> = sources.iter().map(|s| &s.id).collect();
    for row in &rows {
        let now = source_of.get(&row.article).unwrap_or(&row.source);
        if changed_ids.contains(now) {
            stories.insert(row.story.clone());
        }
    }
    let fresh: HashMap<&SourceId, &Source> = sources.iter().map(|s| (&s.id, s)).collect();
    let mut analysed = Vec::with_capacity(stories.len());
    for id in &stories {
        let Some(story) = store.story(id)? else {
            continue;
        };
        let mut members: Vec<Article> = store.story_articles(id)?;
        for a in &mut members {
            if let Some(s) = source_of.get(&a.id) {
                a.source = s.clone();
            }
        }
        let mut member_sources = Vec::new();
        let mut seen = BTreeSet::new();
        for a in &members {
            if !seen.insert(a.source.clone()) {
                continue;
            }
            match fresh.get(&a.source) {
                Some(s) => member_sources.push((*s).clone()),
                None => {
                    if let Some(s) = stored.get(&a.source) {
                        member_sources.push(s.clone());
                    }
                }
            }
        }
        analysed.push(reanalysed(&story, &members, &member_sources));
    }
    let pass = ReattributionPass {
        articles: rows.len(),
        articles_changed: changed_articles.len(),
        sources_written: sources.len(),
        stories_reanalysed: analysed.len(),
        fingerprint: attributor.fingerprint().to_string(),
    };
    store.reattribute(&Reattribution {
        sources,
        articles: changed_articles,
        stories: analysed,
        setting: Some((
            ATTRIBUTION_SETTING.to_string(),
            attributor.fingerprint().to_string(),
        )),
    })?;
    Ok(pass)
}

/// The story analysed again over its members and their sources; members and times unchanged.
fn reanalysed(story: &Story, members: &[Article], sources: &[Source]) -> Story {
    let analysis = parallax_analysis::analyze(members, sources);
    Story {
        title: analysis.title,
        summary: analysis.summary,
        coverage: analysis.coverage,
        ..story.clone()
    }
}

/// The evidence of an article stored before evidence was kept, read back from what was stored:
/// a registry source's feed, a source named by the input (its id is its name's, with the country
/// and bias the input gave), a page's outlet with the site name it declared, or else the
/// article's address alone.
fn legacy_evidence(
    row: &ArticleAttribution,
    source: Option<&Source>,
    registry: &Registry,
) -> AttributionEvidence {
    let mut e = AttributionEvidence::default();
    if row.source.is_unknown() {
        return e;
    }
    if registry.get(row.source.as_str()).is_some() {
        e.feed_source = Some(row.source.clone());
        return e;
    }
    let Some(s) = source else {
        return e;
    };
    let named_by_host = parallax_core::site_key(s.home_page.as_deref().unwrap_or_default())
        .as_deref()
        == Some(s.name.as_str());
    if named_by_host {
        // A page's outlet known by its host only: its address says it all.
        return e;
    }
    if SourceId::from_key(&s.name.trim().to_lowercase()) == row.source {
        e.record_source = Some(s.name.clone());
        e.record_country = s.country.clone();
        e.record_bias = s
            .bias
            .as_ref()
            .filter(|b| b.provenance == "given with the imported data")
            .map(|b| b.value.clone());
    } else {
        // A page's outlet, named by the site name it declared.
        e.site_name = Some(s.name.clone());
    }
    e
}

#[cfg(test)]
mod tests {
    use super::*;
    use parallax_core::{ArticleId, Attribution, Rating, StoryId};

    fn row(source: &SourceId) -> ArticleAttribution {
        ArticleAttribution {
            article: ArticleId::from("art-1"),
            story: StoryId::from("sto-1"),
            source: source.clone(),
            url: Some("https://edition.example.com/a".into()),
            canonical_url: None,
            attribution: Attribution::default(),
        }
    }

    #[test]
    fn evidence_of_articles_stored_before_it_was_kept() {
        let registry = Registry::from_toml(
            "[[source]]\nid = \"ex\"\nname = \"Example\"\nhome_page = \"https://example.org/\"\n",
        )
        .unwrap();
        // A registry source: its feed delivered the article.
        let fed = registry.entries()[0].source.id.clone();
        let e = legacy_evidence(&row(&fed), None, &registry);
        assert_eq!(e.feed_source, Some(fed));
        // A source whose id is its name's: a record or `--source` named it, with its facts.
        let mut named = Source::named("Local Paper (News)");
        named.country = Some("IE".into());
        named.bias = Some(Rating {
            value: "center".into(),
            provenance: "given with the imported data".into(),
        });
        let e = legacy_evidence(&row(&named.id), Some(&named), &registry);
        assert_eq!(e.record_source.as_deref(), Some("Local Paper (News)"));
        assert_eq!(e.record_country.as_deref(), Some("IE"));
        assert_eq!(e.record_bias.as_deref(), Some("center"));
        // A page's site keyed by its host, named by its declared site name.
        let mut page = Source::named("Example News");
        page.id = SourceId::from_key("edition.example.com");
        page.home_page = Some("https://edition.example.com/".into());
        let e = legacy_evidence(&row(&page.id), Some(&page), &registry);
        assert_eq!(e.site_name.as_deref(), Some("Example News"));
        assert_eq!(e.record_source, None);
        // Named by its host only: nothing but the address.
        let mut host = Source::named("edition.example.com");
        host.id = SourceId::from_key("edition.example.com");
        host.home_page = Some("https://edition.example.com/".into());
        assert_eq!(
            legacy_evidence(&row(&host.id), Some(&host), &registry),
            AttributionEvidence::default()
        );
        assert_eq!(
            legacy_evidence(&row(&SourceId::unknown()), None, &registry),
            AttributionEvidence::default()
        );
    }
}
