//! Inputs for Parallax's micro-benchmarks (`benches/hot_paths.rs`): a deterministic stream of
//! synthetic news articles, written for the project, so the benchmarks need no third-party text
//! and give the same input on every machine.
//!
//! Each story has its own people, places, numbers and topic words; its articles share some of
//! them and vary the rest, and every article also carries common filler words, so similarity,
//! entity and number features behave roughly as on real news. Run the benchmarks with
//! `cargo bench -p parallax-benches`; CI only compiles them (`cargo clippy --all-targets`).
#![warn(missing_docs)]

use chrono::{Duration, TimeZone, Utc};
use parallax_core::{Article, ArticleId, PublishedTime, SourceId, content_hash};

const FIRST: &[&str] = &[
    "Amara", "Boris", "Chen", "Dalia", "Emil", "Farid", "Greta", "Hugo", "Ines", "Jonas", "Kemal",
    "Lena", "Marek", "Nadia", "Omar", "Petra", "Quentin", "Rosa", "Stefan", "Tariq",
];
const LAST: &[&str] = &[
    "Almeida", "Brandt", "Castillo", "Duval", "Eriksen", "Fontaine", "Galvez", "Horvath",
    "Ivanova", "Jansen", "Kowalski", "Laurent", "Moreau", "Novak", "Okafor", "Petrov", "Quist",
    "Rossi", "Sato", "Tanaka",
];
const PLACES: &[&str] = &[
    "Arden",
    "Belmont",
    "Corvale",
    "Dunmere",
    "Eastwick",
    "Farrow",
    "Glenhaven",
    "Harlow",
    "Ivybridge",
    "Juniper Bay",
    "Kestrel Point",
    "Lowmoor",
    "Marrowgate",
    "Northfield",
    "Oakridge",
];
const TOPIC: &[&str] = &[
    "budget",
    "harbor",
    "election",
    "strike",
    "flood",
    "vaccine",
    "tariff",
    "bridge",
    "pipeline",
    "drought",
    "merger",
    "summit",
    "wildfire",
    "railway",
    "protest",
    "ceasefire",
    "satellite",
    "subsidy",
    "curfew",
    "reactor",
    "treaty",
    "audit",
    "pension",
    "airport",
    "landslide",
];
const VERBS: &[&str] = &[
    "announced",
    "rejected",
    "approved",
    "criticised",
    "delayed",
    "confirmed",
    "questioned",
    "welcomed",
    "suspended",
    "expanded",
    "proposed",
    "defended",
];
const FILLER: &[&str] = &[
    "officials",
    "said",
    "on",
    "the",
    "plan",
    "would",
    "after",
    "weeks",
    "of",
    "talks",
    "with",
    "local",
    "leaders",
    "and",
    "residents",
    "who",
    "have",
    "long",
    "argued",
    "that",
    "new",
    "measures",
    "were",
    "needed",
    "before",
    "winter",
    "according",
    "to",
    "a",
    "statement",
    "released",
    "late",
    "in",
    "day",
    "government",
    "council",
    "ministry",
    "spokesperson",
];

/// A small deterministic generator (xorshift64*), so the input is the same on every run.
#[derive(Clone, Debug)]
pub struct Rng(u64);

impl Rng {
    /// A generator from a seed (0 is replaced by a fixed non-zero value).
    pub fn new(seed: u64) -> Self {
        Self(if seed == 0 {
            0x9E37_79B9_7F4A_7C15
        } else {
            seed
        })
    }

    /// The next value.
    pub fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// A value in `0..n`.
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }

    /// One element of `items`.
    pub fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

/// One synthetic article: its story number, title and paragraphs.
#[derive(Clone, Debug)]
pub struct SyntheticArticle {
    /// Index of the story it belongs to.
    pub story: usize,
    /// Headline.
    pub title: String,
    /// Body paragraphs.
    pub paragraphs: Vec<String>,
}

struct StoryFacts {
    person: String,
    other: String,
    place: &'static str,
    topic: &'static str,
    topic2: &'static str,
    number: u32,
}

fn facts(story: usize) -> StoryFacts {
    let mut r = Rng::new(story as u64 * 7919 + 17);
    StoryFacts {
        person: format!("{} {}", r.pick(FIRST), r.pick(LAST)),
        other: format!("{} {}", r.pick(FIRST), r.pick(LAST)),
        place: r.pick(PLACES),
        topic: r.pick(TOPIC),
        topic2: r.pick(TOPIC),
        number: 10 + r.below(990) as u32,
    }
}

fn filler(r: &mut Rng, words: usize) -> String {
    (0..words)
        .map(|_| r.pick(FILLER))
        .collect::<Vec<_>>()
        .join(" ")
}

/// `count` articles over `stories` stories, interleaved the way a feed stream interleaves them
/// (article `i` belongs to story `i % stories`), each with `paragraphs` paragraphs.
pub fn articles(count: usize, stories: usize, paragraphs: usize) -> Vec<SyntheticArticle> {
    let stories = stories.max(1);
    (0..count)
        .map(|i| {
            let story = i % stories;
            let f = facts(story);
            let mut r = Rng::new(i as u64 + 1);
            let verb = r.pick(VERBS);
            let title = format!(
                "{} {} {} {} plan in {}",
                f.person,
                verb,
                f.topic,
                r.pick(&[f.topic2, "new", "disputed"]),
                f.place
            );
            let paragraphs = (0..paragraphs)
                .map(|p| {
                    let lead = match p % 3 {
                        0 => format!(
                            "{} {} the {} plan for {} on Tuesday, {} people attended.",
                            f.person, verb, f.topic, f.place, f.number
                        ),
                        1 => format!(
                            "{} said the {} and {} talks would resume, {}.",
                            f.other,
                            f.topic,
                            f.topic2,
                            filler(&mut r, 6)
                        ),
                        _ => format!(
                            "The {} in {} cost {} million, {}.",
                            f.topic2,
                            f.place,
                            f.number / 3 + 1,
                            filler(&mut r, 5)
                        ),
                    };
                    format!("{lead} {}.", filler(&mut r, 20))
                })
                .collect();
            SyntheticArticle {
                story,
                title,
                paragraphs,
            }
        })
        .collect()
}

/// A synthetic article page: navigation, scripts, a headline, the paragraphs, a related-links
/// list and a footer, as extraction meets them on news sites.
pub fn html_page(article: &SyntheticArticle) -> String {
    let mut html = String::from(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta property=\"article:published_time\" content=\"2025-07-03T14:05:00Z\">",
    );
    html.push_str(&format!(
        "<title>{} | Example Daily</title><script>var tracker = {{}};</script></head><body>",
        article.title
    ));
    html.push_str("<nav><ul>");
    for section in [
        "World", "Politics", "Business", "Sport", "Culture", "Opinion",
    ] {
        html.push_str(&format!("<li><a href=\"/{section}\">{section}</a></li>"));
    }
    html.push_str("</ul></nav><main><article>");
    html.push_str(&format!(
        "<h1>{}</h1><p class=\"byline\">By Staff Reporter</p>",
        article.title
    ));
    for p in &article.paragraphs {
        html.push_str(&format!("<p>{p}</p>"));
    }
    html.push_str("</article><aside><h2>Related</h2><ul>");
    for i in 0..8 {
        html.push_str(&format!(
            "<li><a href=\"/story/{i}\">Another headline number {i}</a></li>"
        ));
    }
    html.push_str(
        "</ul></aside></main><footer>Copyright Example Daily. All rights reserved. \
         Get the app.</footer></body></html>",
    );
    html
}

/// The synthetic articles as [`Article`]s from `sources` outlets, published a few minutes apart.
pub fn core_articles(items: &[SyntheticArticle], sources: usize) -> Vec<Article> {
    let start = Utc.with_ymd_and_hms(2025, 7, 3, 8, 0, 0).unwrap();
    items
        .iter()
        .enumerate()
        .map(|(i, a)| {
            let key = format!("bench-{i}");
            let source = SourceId::from_key(&format!("outlet{}.example", i % sources.max(1)));
            Article {
                section: None,
                id: ArticleId::from_key(&key),
                source,
                url: Some(format!(
                    "https://outlet{}.example/{key}",
                    i % sources.max(1)
                )),
                canonical_url: None,
                title: a.title.clone(),
                byline: None,
                published: Some(PublishedTime {
                    at: start + Duration::minutes(7 * i as i64),
                    found: parallax_core::DateFound::Meta,
                    confidence: 0.9,
                }),
                language: Some("en".to_string()),
                paragraphs: a.paragraphs.clone(),
                content_hash: content_hash(&key),
                fetched_at: start,
                origin: key,
                warnings: Vec::new(),
                excerpts: Vec::new(),
                attribution: Default::default(),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_stream_is_deterministic_and_interleaved() {
        let a = articles(12, 4, 3);
        let b = articles(12, 4, 3);
        assert_eq!(a.len(), 12);
        for (x, y) in a.iter().zip(&b) {
            assert_eq!(x.title, y.title);
            assert_eq!(x.paragraphs, y.paragraphs);
        }
        assert_eq!(a[5].story, 1);
        // Articles of one story share its person; different stories mostly do not.
        let person =
            |s: &SyntheticArticle| s.title.split(' ').take(2).collect::<Vec<_>>().join(" ");
        assert_eq!(person(&a[1]), person(&a[5]));
        assert_eq!(a[0].paragraphs.len(), 3);
    }

    #[test]
    fn pages_hold_the_paragraphs_and_boilerplate() {
        let a = &articles(1, 1, 2)[0];
        let page = html_page(a);
        assert!(page.contains(&a.paragraphs[1]));
        assert!(page.contains("<nav>") && page.contains("<footer>"));
    }
}
