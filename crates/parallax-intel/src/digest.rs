//! A story's digest ([`parallax_core::StoryDigest`]): what pages across stories (entity pages,
//! blindspot feeds, the story list's independent-report counts, the outlets' records on source
//! pages) need of it, made from its articles by the same code as the story page.

use chrono::{DateTime, Utc};
use parallax_core::{
    Article, BiasSources, CountrySources, DIGEST_VERSION, DigestedStory, EntityRef, Source,
    StoryDigest, StoryId,
};

use crate::blindspots::{BiasCount, CountryCount, StoryCoverage};
use crate::entities::Entity;

/// The digest of the story `story` (last updated at `story_updated`) from its articles and what
/// is known of their outlets. Its claims ([`StoryDigest::ledger`]) are those of the story page's
/// ledger ([`crate::analyze_story`]), numbered in the same order.
pub fn digest(
    story: &StoryId,
    story_updated: DateTime<Utc>,
    articles: &[Article],
    sources: &[Source],
) -> StoryDigest {
    let independence = crate::wire::detect(articles);
    // The ledger as `analyze_story` builds it: the excerpts quoted on the pages are reports of
    // their own, with independence over articles and excerpts together.
    let quoted = crate::excerpt_articles(articles);
    let (units, unit_independence) = if quoted.is_empty() {
        (std::borrow::Cow::Borrowed(articles), None)
    } else {
        let all: Vec<Article> = articles.iter().cloned().chain(quoted).collect();
        let ind = crate::wire::detect(&all);
        (std::borrow::Cow::Owned(all), Some(ind))
    };
    let unit_independence = unit_independence.as_ref().unwrap_or(&independence);
    let claims = crate::claims::ledger(&units, sources, unit_independence);
    let ledger = crate::outlets::ledger_claims(&units, &claims, unit_independence);
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
        ledger,
        version: DIGEST_VERSION,
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

#[cfg(test)]
mod tests {
    use super::*;
    use parallax_core::{ArticleId, ClaimStanding, Excerpt, SourceId};

    fn article(key: &str, source: &SourceId, paragraphs: &[&str]) -> Article {
        Article {
            section: None,
            id: ArticleId::from_key(key),
            source: source.clone(),
            url: Some(format!("https://{key}.example/story")),
            canonical_url: None,
            title: paragraphs[0].to_string(),
            byline: None,
            published: None,
            language: Some("en".into()),
            paragraphs: paragraphs.iter().map(|p| p.to_string()).collect(),
            content_hash: parallax_core::content_hash(key),
            fetched_at: DateTime::<Utc>::default(),
            origin: key.to_string(),
            warnings: Vec::new(),
            excerpts: Vec::new(),
            attribution: Default::default(),
        }
    }

    /// The digest's claims are the story page's ledger, numbered in its order, with the outlets
    /// that state each (excerpts quoted on a page included as reports of unknown outlets).
    #[test]
    fn the_digest_ledger_follows_the_story_pages_numbering() {
        let north = Source::named("North Post");
        let south = Source::named("South Herald");
        let east = Source::named("East Courier");
        let mut a = article(
            "n1",
            &north.id,
            &[
                "Storm floods the harbour district of Millbrook",
                "The storm flooded forty homes in the harbour district of Millbrook on Tuesday night, the fire service said.",
                "Mayor Jane Holt opened the town hall as a shelter for the families.",
                "The harbour wall was last repaired in 1998.",
            ],
        );
        a.excerpts = vec![Excerpt {
            title: "Harbour flood".into(),
            text: "Forty homes in the harbour district of Millbrook were flooded by the storm on Tuesday night, the fire service said.".into(),
        }];
        let b = article(
            "s1",
            &south.id,
            &[
                "Forty homes flooded in Millbrook harbour storm",
                "Forty homes in the harbour district of Millbrook were flooded on Tuesday night by the storm, the fire service said.",
                "Mayor Jane Holt opened the town hall as a shelter for the families, officials said.",
                "Insurers expect claims to reach two million pounds.",
            ],
        );
        let c = article(
            "e1",
            &east.id,
            &[
                "Millbrook counts the cost of the storm",
                "A fishing boat sank at its mooring during the storm, its owner said.",
            ],
        );
        let articles = vec![a, b, c];
        let sources = vec![north.clone(), south.clone(), east.clone()];
        let story = StoryId::from("sto-test");
        let d = digest(&story, DateTime::<Utc>::default(), &articles, &sources);
        let intel = crate::analyze_story(&articles, &sources);
        assert_eq!(d.version, DIGEST_VERSION);
        assert!(!d.ledger.is_empty());
        assert!(
            d.ledger.iter().any(|c| c.kind == ClaimStanding::Agreed),
            "{:#?}",
            intel.claims
        );
        let mut numbers = Vec::new();
        for lc in &d.ledger {
            numbers.push(lc.number);
            let claim = &intel.claims[lc.number - 1];
            assert_eq!(lc.kind, crate::outlets::standing(claim.kind));
            assert!(claim.text.starts_with(lc.text.trim_end_matches('…')));
            for o in &lc.outlets {
                assert!(
                    claim.sources.iter().any(|s| articles
                        .iter()
                        .any(|a| a.id == s.article && a.source == o.source))
                        || claim
                            .sides
                            .iter()
                            .any(|side| side.articles.iter().any(|id| articles
                                .iter()
                                .any(|a| &a.id == id && a.source == o.source))),
                    "{lc:?}"
                );
            }
        }
        // Every claim a known outlet states is recorded, in ledger order.
        let stated_by_known = intel
            .claims
            .iter()
            .enumerate()
            .filter(|(_, c)| {
                c.sources.iter().any(|s| {
                    articles
                        .iter()
                        .any(|a| a.id == s.article && !a.source.is_unknown())
                })
            })
            .map(|(i, _)| i + 1)
            .collect::<Vec<_>>();
        assert_eq!(numbers, stated_by_known);
        // The digest round-trips through JSON (it is stored so), and one made before the ledger
        // reads as outdated.
        let json = serde_json::to_string(&d).unwrap();
        let back: StoryDigest = serde_json::from_str(&json).unwrap();
        assert_eq!(back, d);
        let mut old: serde_json::Value = serde_json::from_str(&json).unwrap();
        let o = old.as_object_mut().unwrap();
        o.remove("ledger");
        o.remove("version");
        let old: StoryDigest = serde_json::from_value(old).unwrap();
        assert!(old.ledger.is_empty() && old.is_outdated());
    }
}
