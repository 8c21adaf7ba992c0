//! Coverage over time per region: when the story broke, how it spread, when each country picked
//! it up.
//!
//! Times are article publication times (UTC). An article's country is its outlet's
//! ([`Source::country`]); its region comes from the project's country table ([`region_of`]).
//! Articles whose outlet or country is unknown are counted under "unknown", never guessed.
//! Undated articles are counted apart: they have no place in time, so they appear in every
//! `undated` count but in no bucket and never as a first article.
//!
//! Buckets are hours and days in UTC, listed only when they hold an article, oldest first, each
//! with the running total, so a page can draw the spread without empty rows for a story that
//! lasted weeks.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Duration, DurationRound, Utc};
use parallax_core::{Article, ArticleId, Source, SourceId};
use serde::Serialize;

pub use crate::geo::{REGIONS, region_of};

/// The label for an unknown country or region.
pub const UNKNOWN: &str = "unknown";

/// Coverage of one story over time.
#[derive(Clone, Debug, Default, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Timeline {
    /// The first dated article: when and where the story broke.
    pub first: Option<Pickup>,
    /// Articles with a publication time.
    pub dated_articles: usize,
    /// Articles without one, in the order given.
    pub undated: Vec<ArticleId>,
    /// Per country (ISO code, or "unknown"): first article and counts; countries in the order
    /// they picked the story up, countries with only undated articles after them (by code).
    pub countries: Vec<CountryPickup>,
    /// Per region (or "unknown"), in the order they picked the story up.
    pub regions: Vec<RegionCoverage>,
    /// Every dated article by UTC hour.
    pub hourly: Vec<Bucket>,
    /// Every dated article by UTC day.
    pub daily: Vec<Bucket>,
}

/// One article as the first of a story, country or region.
#[derive(Clone, Debug, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Pickup {
    /// The article.
    pub article: ArticleId,
    /// Its publication time.
    pub at: DateTime<Utc>,
    /// Its outlet's country (ISO code, or "unknown").
    pub country: String,
    /// The country's region (or "unknown").
    pub region: String,
}

/// When one country picked the story up.
#[derive(Clone, Debug, PartialEq, Serialize, utoipa::ToSchema)]
pub struct CountryPickup {
    /// ISO 3166-1 alpha-2 code, upper case, or "unknown".
    pub country: String,
    /// Its region, or "unknown".
    pub region: String,
    /// Its first dated article.
    pub first: Option<ArticleId>,
    /// That article's publication time.
    pub first_at: Option<DateTime<Utc>>,
    /// Hours from the story's first article to this country's first (0 for the first country).
    pub hours_after_break: Option<f64>,
    /// Its articles, dated and undated.
    pub articles: usize,
    /// Of which undated.
    pub undated: usize,
}

/// Coverage of one region over time.
#[derive(Clone, Debug, PartialEq, Serialize, utoipa::ToSchema)]
pub struct RegionCoverage {
    /// The region ("Europe", "North America", ... or "unknown").
    pub region: String,
    /// Its first dated article.
    pub first: Option<ArticleId>,
    /// That article's publication time.
    pub first_at: Option<DateTime<Utc>>,
    /// Hours from the story's first article to this region's first.
    pub hours_after_break: Option<f64>,
    /// Its articles, dated and undated.
    pub articles: usize,
    /// Of which undated.
    pub undated: usize,
    /// Countries of the region covering the story.
    pub countries: usize,
    /// Its dated articles by UTC hour.
    pub hourly: Vec<Bucket>,
    /// Its dated articles by UTC day.
    pub daily: Vec<Bucket>,
}

/// Articles published in one hour or day.
#[derive(Clone, Debug, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Bucket {
    /// Start of the hour or day (UTC).
    pub start: DateTime<Utc>,
    /// Articles published in it.
    pub articles: usize,
    /// Articles published up to its end (running total).
    pub cumulative: usize,
}

struct Dated<'a> {
    article: &'a ArticleId,
    at: DateTime<Utc>,
    country: String,
    region: String,
}

fn buckets(times: &[DateTime<Utc>], width: Duration) -> Vec<Bucket> {
    let mut counts: BTreeMap<DateTime<Utc>, usize> = BTreeMap::new();
    for t in times {
        let start = t.duration_trunc(width).unwrap_or(*t);
        *counts.entry(start).or_default() += 1;
    }
    let mut total = 0;
    counts
        .into_iter()
        .map(|(start, articles)| {
            total += articles;
            Bucket {
                start,
                articles,
                cumulative: total,
            }
        })
        .collect()
}

fn hours(from: DateTime<Utc>, to: DateTime<Utc>) -> f64 {
    (to - from).num_seconds() as f64 / 3600.0
}

/// The timeline of one story: `articles` with `sources` giving their outlets' countries.
pub fn timeline(articles: &[Article], sources: &[Source]) -> Timeline {
    let by_id: HashMap<&SourceId, &Source> = sources.iter().map(|s| (&s.id, s)).collect();
    let country_of = |a: &Article| -> String {
        by_id
            .get(&a.source)
            .and_then(|s| s.known_country())
            .map(|c| c.trim().to_ascii_uppercase())
            .filter(|c| !c.is_empty())
            .unwrap_or_else(|| UNKNOWN.to_string())
    };
    let region_label = |country: &str| region_of(country).unwrap_or(UNKNOWN).to_string();

    let mut dated: Vec<Dated> = Vec::new();
    let mut undated: Vec<ArticleId> = Vec::new();
    // country → (articles, undated)
    let mut per_country: HashMap<String, (usize, usize)> = HashMap::new();
    for a in articles {
        let country = country_of(a);
        let e = per_country.entry(country.clone()).or_default();
        e.0 += 1;
        match &a.published {
            Some(p) => dated.push(Dated {
                article: &a.id,
                at: p.at,
                region: region_label(&country),
                country,
            }),
            None => {
                e.1 += 1;
                undated.push(a.id.clone());
            }
        }
    }
    dated.sort_by(|a, b| a.at.cmp(&b.at).then_with(|| a.article.cmp(b.article)));
    let first = dated.first().map(|d| Pickup {
        article: d.article.clone(),
        at: d.at,
        country: d.country.clone(),
        region: d.region.clone(),
    });
    let break_at = first.as_ref().map(|f| f.at);

    // Countries, in pickup order.
    let mut countries: Vec<CountryPickup> = per_country
        .iter()
        .map(|(c, &(n, u))| {
            let f = dated.iter().find(|d| &d.country == c);
            CountryPickup {
                country: c.clone(),
                region: region_label(c),
                first: f.map(|d| d.article.clone()),
                first_at: f.map(|d| d.at),
                hours_after_break: f.and_then(|d| break_at.map(|b| hours(b, d.at))),
                articles: n,
                undated: u,
            }
        })
        .collect();
    countries.sort_by(|a, b| match (a.first_at, b.first_at) {
        (Some(x), Some(y)) => x.cmp(&y).then_with(|| a.country.cmp(&b.country)),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => a.country.cmp(&b.country),
    });

    // Regions.
    let mut region_names: Vec<String> = countries.iter().map(|c| c.region.clone()).collect();
    region_names.dedup();
    let mut seen = std::collections::HashSet::new();
    region_names.retain(|r| seen.insert(r.clone()));
    let regions = region_names
        .into_iter()
        .map(|r| {
            let cs: Vec<&CountryPickup> = countries.iter().filter(|c| c.region == r).collect();
            let times: Vec<DateTime<Utc>> = dated
                .iter()
                .filter(|d| d.region == r)
                .map(|d| d.at)
                .collect();
            let f = dated.iter().find(|d| d.region == r);
            RegionCoverage {
                first: f.map(|d| d.article.clone()),
                first_at: f.map(|d| d.at),
                hours_after_break: f.and_then(|d| break_at.map(|b| hours(b, d.at))),
                articles: cs.iter().map(|c| c.articles).sum(),
                undated: cs.iter().map(|c| c.undated).sum(),
                countries: cs.iter().filter(|c| c.country != UNKNOWN).count(),
                hourly: buckets(&times, Duration::hours(1)),
                daily: buckets(&times, Duration::days(1)),
                region: r,
            }
        })
        .collect();
    let all: Vec<DateTime<Utc>> = dated.iter().map(|d| d.at).collect();
    Timeline {
        first,
        dated_articles: dated.len(),
        undated,
        countries,
        regions,
        hourly: buckets(&all, Duration::hours(1)),
        daily: buckets(&all, Duration::days(1)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use parallax_core::{DateFound, PublishedTime};

    fn src(name: &str, country: Option<&str>) -> Source {
        let mut s = Source::named(name);
        s.country = country.map(str::to_string);
        s
    }

    fn art(id: &str, source: &Source, at: Option<(u32, u32)>) -> Article {
        Article {
            section: None,
            id: ArticleId::from(id),
            source: source.id.clone(),
            url: None,
            canonical_url: None,
            title: id.into(),
            byline: None,
            published: at.map(|(d, h)| PublishedTime {
                at: Utc.with_ymd_and_hms(2025, 7, d, h, 30, 0).unwrap(),
                found: DateFound::Meta,
                confidence: 1.0,
            }),
            language: None,
            paragraphs: Vec::new(),
            content_hash: id.into(),
            fetched_at: Utc.with_ymd_and_hms(2025, 7, 9, 0, 0, 0).unwrap(),
            origin: id.into(),
            warnings: Vec::new(),
            excerpts: Vec::new(),
            attribution: Default::default(),
        }
    }

    #[test]
    fn spread_by_country_and_region() {
        let tass = src("TASS", Some("RU"));
        let ukr = src("Ukrinform", Some("ua"));
        let cnn = src("CNN", Some("US"));
        let nhk = src("NHK", Some("JP"));
        let anon = src("Somebody", None);
        let arts = vec![
            art("us1", &cnn, Some((3, 16))),
            art("ru1", &tass, Some((3, 14))),
            art("ua1", &ukr, Some((3, 15))),
            art("ru2", &tass, Some((3, 14))),
            art("jp1", &nhk, Some((4, 1))),
            art("us2", &cnn, None),
            art("x1", &anon, Some((3, 18))),
            art("lost", &Source::named("not in the list"), None),
        ];
        let t = timeline(&arts, &[tass, ukr, cnn, nhk, anon]);
        let first = t.first.as_ref().expect("first");
        assert_eq!(first.article, ArticleId::from("ru1"));
        assert_eq!(
            (first.country.as_str(), first.region.as_str()),
            ("RU", "Europe")
        );
        assert_eq!(t.dated_articles, 6);
        assert_eq!(
            t.undated,
            vec![ArticleId::from("us2"), ArticleId::from("lost")]
        );
        let order: Vec<&str> = t.countries.iter().map(|c| c.country.as_str()).collect();
        assert_eq!(order, ["RU", "UA", "US", "unknown", "JP"]);
        let us = &t.countries[2];
        assert_eq!((us.articles, us.undated), (2, 1));
        assert_eq!(us.hours_after_break, Some(2.0));
        assert_eq!(us.region, "North America");
        let unknown = &t.countries[3];
        assert_eq!((unknown.articles, unknown.undated), (2, 1));
        let regions: Vec<&str> = t.regions.iter().map(|r| r.region.as_str()).collect();
        assert_eq!(regions, ["Europe", "North America", "unknown", "Asia"]);
        let europe = &t.regions[0];
        assert_eq!((europe.articles, europe.countries), (3, 2));
        assert_eq!(europe.hourly.len(), 2);
        assert_eq!(
            (europe.hourly[0].articles, europe.hourly[0].cumulative),
            (2, 2)
        );
        assert_eq!(europe.hourly[1].cumulative, 3);
        assert_eq!(
            europe.hourly[0].start,
            Utc.with_ymd_and_hms(2025, 7, 3, 14, 0, 0).unwrap()
        );
        assert_eq!(t.daily.len(), 2);
        assert_eq!((t.daily[0].articles, t.daily[1].cumulative), (5, 6));
        assert_eq!(t.hourly.last().map(|b| b.cumulative), Some(6));
    }

    #[test]
    fn empty_and_all_undated() {
        assert_eq!(timeline(&[], &[]), Timeline::default());
        let s = src("A", Some("FR"));
        let t = timeline(&[art("a", &s, None)], &[s]);
        assert!(t.first.is_none() && t.hourly.is_empty());
        assert_eq!(t.countries[0].first, None);
        assert_eq!(t.regions[0].undated, 1);
    }
}
