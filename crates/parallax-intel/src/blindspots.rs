//! Stories covered widely abroad but little in a chosen country, or mostly by one side.
//!
//! Pure functions over per-story coverage summaries ([`StoryCoverage`]), built from a story's
//! articles and sources ([`StoryCoverage::from_articles`]) or given directly. Two feeds:
//!
//! - **Country blindspots** ([`country_blindspots`], default country the United States): a story
//!   is one for country C when at least [`BlindspotConfig::min_abroad_sources`] distinct outlets
//!   from at least [`BlindspotConfig::min_abroad_countries`] other countries cover it, and C's
//!   outlets are at most [`BlindspotConfig::max_home_share`] of the outlets whose country is known.
//!   Outlets of unknown country count on neither side. Ranked by outlets abroad, then countries
//!   abroad, then most recently updated, then id.
//! - **One-sided stories** ([`side_blindspots`]): outlets rated left (left, lean left, left-center,
//!   center-left, far left) or right (the mirror labels) are the two sides; center ratings are
//!   counted and shown but belong to neither; **unrated outlets and unknown labels are never
//!   counted as a side**. A story is one-sided when at least
//!   [`BlindspotConfig::min_side_sources`] outlets of the two sides cover it and one side holds at
//!   least [`BlindspotConfig::min_side_share`] of them. Ranked by that share, then by the number
//!   of side outlets, then most recently updated, then id.
//!
//! Counting outlets rather than articles keeps one prolific outlet from making a story look
//! widely covered.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{DateTime, Utc};
use parallax_core::{Article, Source, SourceId, StoryId};
use serde::Serialize;

/// Coverage of one story, as the blindspot feeds need it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct StoryCoverage {
    /// The story.
    pub story: StoryId,
    /// Its title, for the feed.
    pub title: String,
    /// Per country (ISO code upper case, or "unknown"): articles and distinct outlets.
    pub countries: Vec<CountryCount>,
    /// Per bias label as rated (lower case, e.g. "lean left"), distinct outlets; unrated outlets
    /// under "unrated".
    pub bias: Vec<BiasCount>,
    /// When the story last changed.
    pub last_updated: DateTime<Utc>,
}

/// Articles and outlets of one country in a story.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CountryCount {
    /// ISO 3166-1 alpha-2 code (upper case), or "unknown".
    pub country: String,
    /// Articles.
    pub articles: usize,
    /// Distinct outlets.
    pub sources: usize,
}

/// Outlets with one bias label in a story.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct BiasCount {
    /// The label as rated, lower case ("left", "lean right", "center", ...), or "unrated".
    pub label: String,
    /// Distinct outlets.
    pub sources: usize,
}

impl StoryCoverage {
    /// The coverage summary of a story from its articles and what is known of their outlets.
    /// Articles of the unknown source, or of an outlet missing from `sources`, count under the
    /// "unknown" country and as unrated.
    pub fn from_articles(
        story: StoryId,
        title: &str,
        articles: &[Article],
        sources: &[Source],
        last_updated: DateTime<Utc>,
    ) -> Self {
        let by_id: HashMap<&SourceId, &Source> = sources.iter().map(|s| (&s.id, s)).collect();
        let mut countries: BTreeMap<String, (usize, HashSet<&SourceId>)> = BTreeMap::new();
        let mut bias: BTreeMap<String, HashSet<&SourceId>> = BTreeMap::new();
        for a in articles {
            let src = by_id.get(&a.source).copied();
            // A country only inferred from coverage is a guess: no blindspot rests on it.
            let country = src
                .and_then(|s| s.known_country())
                .map(|c| c.trim().to_ascii_uppercase())
                .filter(|c| !c.is_empty())
                .unwrap_or_else(|| "unknown".to_string());
            let e = countries.entry(country).or_default();
            e.0 += 1;
            if !a.source.is_unknown() {
                e.1.insert(&a.source);
                let label = src
                    .and_then(|s| s.bias.as_ref())
                    .map(|r| r.value.trim().to_lowercase())
                    .filter(|v| !v.is_empty())
                    .unwrap_or_else(|| "unrated".to_string());
                bias.entry(label).or_default().insert(&a.source);
            }
        }
        StoryCoverage {
            story,
            title: title.to_string(),
            countries: countries
                .into_iter()
                .map(|(country, (articles, s))| CountryCount {
                    country,
                    articles,
                    sources: s.len(),
                })
                .collect(),
            bias: bias
                .into_iter()
                .map(|(label, s)| BiasCount {
                    label,
                    sources: s.len(),
                })
                .collect(),
            last_updated,
        }
    }
}

/// The thresholds of both feeds; see the module docs. [`BlindspotConfig::default`] is what the
/// feeds use unless told otherwise.
#[derive(Clone, Debug, PartialEq)]
pub struct BlindspotConfig {
    /// Distinct outlets outside the chosen country needed (5).
    pub min_abroad_sources: usize,
    /// Other countries needed (3).
    pub min_abroad_countries: usize,
    /// Largest share of known-country outlets the chosen country may hold (0.10).
    pub max_home_share: f64,
    /// Rated left + right outlets needed for a side verdict (4).
    pub min_side_sources: usize,
    /// Share of left + right outlets one side must hold (0.80).
    pub min_side_share: f64,
}

impl Default for BlindspotConfig {
    fn default() -> Self {
        BlindspotConfig {
            min_abroad_sources: 5,
            min_abroad_countries: 3,
            max_home_share: 0.10,
            min_side_sources: 4,
            min_side_share: 0.80,
        }
    }
}

/// The country [`country_blindspots`] is usually asked about: the United States.
pub const DEFAULT_COUNTRY: &str = "US";

/// A story little covered in one country.
#[derive(Clone, Debug, PartialEq, Serialize, utoipa::ToSchema)]
pub struct CountryBlindspot {
    /// The story.
    pub story: StoryId,
    /// Its title.
    pub title: String,
    /// The country it is a blindspot for.
    pub country: String,
    /// That country's outlets covering it (often 0).
    pub home_sources: usize,
    /// Outlets elsewhere covering it.
    pub abroad_sources: usize,
    /// Other countries covering it.
    pub abroad_countries: usize,
    /// Home outlets / known-country outlets.
    pub home_share: f64,
    /// When the story last changed.
    pub last_updated: DateTime<Utc>,
}

/// A side of the left–right scale.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Side {
    /// Left, lean left, left-center.
    Left,
    /// Right, lean right, right-center.
    Right,
}

/// The side a bias label belongs to; `None` for center, unrated, mixed and unknown labels.
pub fn side_of(label: &str) -> Option<Side> {
    let l: String = label
        .trim()
        .to_lowercase()
        .chars()
        .map(|c| if c == '-' || c == '_' { ' ' } else { c })
        .collect();
    let l = l.split_whitespace().collect::<Vec<_>>().join(" ");
    match l.as_str() {
        "left" | "lean left" | "leans left" | "left center" | "center left" | "centre left"
        | "left centre" | "far left" | "extreme left" => Some(Side::Left),
        "right" | "lean right" | "leans right" | "right center" | "center right"
        | "centre right" | "right centre" | "far right" | "extreme right" => Some(Side::Right),
        _ => None,
    }
}

fn is_center(label: &str) -> bool {
    matches!(
        label.trim().to_lowercase().as_str(),
        "center" | "centre" | "least biased"
    )
}

/// A story covered mostly by one side.
#[derive(Clone, Debug, PartialEq, Serialize, utoipa::ToSchema)]
pub struct SideBlindspot {
    /// The story.
    pub story: StoryId,
    /// Its title.
    pub title: String,
    /// The side covering it (the other side's readers are the ones missing it).
    pub covered_by: Side,
    /// Left outlets.
    pub left: usize,
    /// Center outlets (on neither side).
    pub center: usize,
    /// Right outlets.
    pub right: usize,
    /// Unrated outlets (never counted as a side).
    pub unrated: usize,
    /// `covered_by`'s share of left + right.
    pub share: f64,
    /// When the story last changed.
    pub last_updated: DateTime<Utc>,
}

/// Stories that are blindspots for `country` (ISO code, any case), ranked (see the module docs).
pub fn country_blindspots(
    stories: &[StoryCoverage],
    country: &str,
    cfg: &BlindspotConfig,
) -> Vec<CountryBlindspot> {
    let home_code = country.trim().to_ascii_uppercase();
    let mut out: Vec<CountryBlindspot> = stories
        .iter()
        .filter_map(|s| {
            let mut home = 0;
            let mut abroad = 0;
            let mut abroad_countries = 0;
            for c in &s.countries {
                if c.country.eq_ignore_ascii_case("unknown") || c.sources == 0 {
                    continue;
                }
                if c.country.eq_ignore_ascii_case(&home_code) {
                    home += c.sources;
                } else {
                    abroad += c.sources;
                    abroad_countries += 1;
                }
            }
            let known = home + abroad;
            let share = if known == 0 {
                0.0
            } else {
                home as f64 / known as f64
            };
            (abroad >= cfg.min_abroad_sources
                && abroad_countries >= cfg.min_abroad_countries
                && share <= cfg.max_home_share)
                .then(|| CountryBlindspot {
                    story: s.story.clone(),
                    title: s.title.clone(),
                    country: home_code.clone(),
                    home_sources: home,
                    abroad_sources: abroad,
                    abroad_countries,
                    home_share: share,
                    last_updated: s.last_updated,
                })
        })
        .collect();
    out.sort_by(|a, b| {
        b.abroad_sources
            .cmp(&a.abroad_sources)
            .then(b.abroad_countries.cmp(&a.abroad_countries))
            .then(b.last_updated.cmp(&a.last_updated))
            .then(a.story.cmp(&b.story))
    });
    out
}

/// Stories covered mostly by one side, ranked (see the module docs).
pub fn side_blindspots(stories: &[StoryCoverage], cfg: &BlindspotConfig) -> Vec<SideBlindspot> {
    let mut out: Vec<SideBlindspot> = stories
        .iter()
        .filter_map(|s| {
            let (mut left, mut right, mut center, mut unrated) = (0, 0, 0, 0);
            for b in &s.bias {
                match side_of(&b.label) {
                    Some(Side::Left) => left += b.sources,
                    Some(Side::Right) => right += b.sources,
                    None if is_center(&b.label) => center += b.sources,
                    None => unrated += b.sources,
                }
            }
            let sides = left + right;
            if sides < cfg.min_side_sources || sides == 0 {
                return None;
            }
            let (covered_by, n) = if left >= right {
                (Side::Left, left)
            } else {
                (Side::Right, right)
            };
            let share = n as f64 / sides as f64;
            (share >= cfg.min_side_share).then(|| SideBlindspot {
                story: s.story.clone(),
                title: s.title.clone(),
                covered_by,
                left,
                center,
                right,
                unrated,
                share,
                last_updated: s.last_updated,
            })
        })
        .collect();
    out.sort_by(|a, b| {
        b.share
            .total_cmp(&a.share)
            .then((b.left + b.right).cmp(&(a.left + a.right)))
            .then(b.last_updated.cmp(&a.last_updated))
            .then(a.story.cmp(&b.story))
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use parallax_core::{ArticleId, Rating};

    fn cov(
        id: &str,
        countries: &[(&str, usize)],
        bias: &[(&str, usize)],
        day: u32,
    ) -> StoryCoverage {
        StoryCoverage {
            story: StoryId::from(id),
            title: id.to_string(),
            countries: countries
                .iter()
                .map(|&(c, n)| CountryCount {
                    country: c.into(),
                    articles: n * 2,
                    sources: n,
                })
                .collect(),
            bias: bias
                .iter()
                .map(|&(l, n)| BiasCount {
                    label: l.into(),
                    sources: n,
                })
                .collect(),
            last_updated: Utc.with_ymd_and_hms(2025, 7, day, 0, 0, 0).unwrap(),
        }
    }

    #[test]
    fn country_feed() {
        let stories = vec![
            // Wide abroad, none at home: yes.
            cov(
                "a",
                &[("RU", 3), ("UA", 2), ("DE", 1), ("unknown", 9)],
                &[],
                3,
            ),
            // One US outlet among 12: share 1/12 <= 0.10: yes, ranked first (more abroad).
            cov("b", &[("US", 1), ("GB", 5), ("FR", 4), ("IN", 2)], &[], 2),
            // Too few countries abroad.
            cov("c", &[("GB", 5), ("FR", 4)], &[], 3),
            // Covered at home.
            cov("d", &[("US", 3), ("GB", 5), ("FR", 4), ("IN", 2)], &[], 3),
            // Unknown countries do not make a story wide.
            cov("e", &[("unknown", 40)], &[], 3),
        ];
        let cfg = BlindspotConfig::default();
        let feed = country_blindspots(&stories, "us", &cfg);
        let ids: Vec<&str> = feed.iter().map(|b| b.story.as_str()).collect();
        assert_eq!(ids, ["b", "a"]);
        assert_eq!(feed[0].country, "US");
        assert_eq!(
            (
                feed[0].home_sources,
                feed[0].abroad_sources,
                feed[0].abroad_countries
            ),
            (1, 11, 3)
        );
        assert_eq!(feed[1].home_sources, 0);
        // For Russia, story a is covered at home.
        let ru = country_blindspots(&stories, "RU", &cfg);
        assert!(ru.iter().all(|b| b.story.as_str() != "a"));
        assert!(ru.iter().any(|b| b.story.as_str() == "d"));
    }

    #[test]
    fn side_feed_never_counts_unrated() {
        let stories = vec![
            cov(
                "l",
                &[],
                &[
                    ("left", 3),
                    ("lean left", 2),
                    ("center", 4),
                    ("unrated", 30),
                ],
                1,
            ),
            cov(
                "r",
                &[],
                &[("Lean Right", 4), ("left", 1), ("unrated", 2)],
                2,
            ),
            cov("bal", &[], &[("left", 3), ("right", 3)], 3),
            // Unrated outlets are not a side, however many.
            cov("u", &[], &[("right", 1), ("unrated", 50), ("mixed", 5)], 4),
            cov("few", &[], &[("right", 3)], 5),
        ];
        let feed = side_blindspots(&stories, &BlindspotConfig::default());
        let ids: Vec<&str> = feed.iter().map(|b| b.story.as_str()).collect();
        assert_eq!(ids, ["l", "r"]);
        assert_eq!(feed[0].covered_by, Side::Left);
        assert_eq!(
            (feed[0].left, feed[0].center, feed[0].right, feed[0].unrated),
            (5, 4, 0, 30)
        );
        assert_eq!(feed[1].covered_by, Side::Right);
        assert!((feed[1].share - 0.8).abs() < 1e-9);
        assert_eq!(side_of("Left-Center"), Some(Side::Left));
        assert_eq!(side_of("center"), None);
        assert_eq!(side_of("unrated"), None);
    }

    #[test]
    fn summary_from_articles() {
        let mut a = Source::named("Alpha");
        a.country = Some("us".into());
        a.bias = Some(Rating {
            value: "Lean Left".into(),
            provenance: "test".into(),
        });
        let mut b = Source::named("Beta");
        b.country = Some("GB".into());
        let art = |id: &str, s: &SourceId| Article {
            section: None,
            id: ArticleId::from(id),
            source: s.clone(),
            url: None,
            canonical_url: None,
            title: id.into(),
            byline: None,
            published: None,
            language: None,
            paragraphs: Vec::new(),
            content_hash: id.into(),
            fetched_at: chrono::DateTime::UNIX_EPOCH,
            origin: id.into(),
            warnings: Vec::new(),
            excerpts: Vec::new(),
            attribution: Default::default(),
        };
        let arts = vec![
            art("1", &a.id),
            art("2", &a.id),
            art("3", &b.id),
            art("4", &SourceId::unknown()),
        ];
        let c = StoryCoverage::from_articles(
            StoryId::from("s"),
            "T",
            &arts,
            &[a, b],
            chrono::DateTime::UNIX_EPOCH,
        );
        assert_eq!(
            c.countries,
            vec![
                CountryCount {
                    country: "GB".into(),
                    articles: 1,
                    sources: 1
                },
                CountryCount {
                    country: "US".into(),
                    articles: 2,
                    sources: 1
                },
                CountryCount {
                    country: "unknown".into(),
                    articles: 1,
                    sources: 0
                },
            ]
        );
        assert_eq!(
            c.bias,
            vec![
                BiasCount {
                    label: "lean left".into(),
                    sources: 1
                },
                BiasCount {
                    label: "unrated".into(),
                    sources: 1
                },
            ]
        );
    }
}
