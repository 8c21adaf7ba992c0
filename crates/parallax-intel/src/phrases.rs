//! Key phrases: the word sequences several outlets use when they report the story ("phone call",
//! "peace talks", "state of emergency"), taken from the articles' own titles and leads, never
//! made up. With the story's entities they are its topic tags.
//!
//! Rule (fixed, not fitted): sequences of two or three words of a title or of the first
//! [`LEAD_PARAGRAPHS`] paragraphs, compared lower case, that
//! - begin and end with a word of at least four letters that is no function word (English stop
//!   words, the commonest longer function words of a few other languages) and no word of time or
//!   quantity that says nothing of the story ("first", "million", "Friday");
//! - hold no digit (figures are the claim ledger's);
//! - do not overlap one of the story's entity names of several words ("Donald Trump", "President
//!   Donald Trump", "Prime Minister Benjamin"), and are not two entities joined ("Israel and
//!   Hamas");
//! - occur in articles of at least [`MIN_OUTLETS`] distinct outlets (articles of unknown outlets
//!   count as one).
//!
//! Ranked by outlets, then articles, shorter first; a phrase overlapping one ranked before it
//! ("cease fire", then "cease fire took" or "fire took effect") is dropped. The form shown is
//! the spelling used most in running text (a headline's Title Case only when nothing else).

use crate::entities::Entity;
use parallax_core::Article;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// Paragraphs of each article, after its title, that phrases are read from.
pub const LEAD_PARAGRAPHS: usize = 2;
/// Distinct outlets a phrase must occur in.
pub const MIN_OUTLETS: usize = 2;
/// Key phrases kept per story.
pub const MAX_PHRASES: usize = 6;

/// Function words of four letters or more in languages with no stop-word list here.
const FUNCTION_WORDS: [&str; 48] = [
    "para",
    "sobre",
    "entre",
    "como",
    "pero",
    "esta",
    "este",
    "estos",
    "desde",
    "hasta",
    "dans",
    "avec",
    "pour",
    "sont",
    "mais",
    "plus",
    "cette",
    "leur",
    "leurs",
    "selon",
    "eine",
    "einer",
    "einem",
    "einen",
    "nicht",
    "oder",
    "wird",
    "sind",
    "wurde",
    "auch",
    "nach",
    "über",
    "sich",
    "beim",
    "noch",
    "dass",
    "durch",
    "gegen",
    "nella",
    "della",
    "degli",
    "delle",
    "sono",
    "anche",
    "когда",
    "чтобы",
    "также",
    "после",
];

/// Words of time and quantity (and the commonest reporting verbs), which alone make no topic;
/// the weekdays too ([`crate::WEEKDAYS`]).
const GENERIC_WORDS: [&str; 33] = [
    "first",
    "time",
    "times",
    "people",
    "year",
    "years",
    "week",
    "weeks",
    "month",
    "months",
    "million",
    "billion",
    "percent",
    "around",
    "world",
    "early",
    "late",
    "last",
    "next",
    "says",
    "said",
    "told",
    "according",
    "today",
    "yesterday",
    "tomorrow",
    "news",
    "report",
    "reports",
    "update",
    "live",
    "video",
    "photos",
];

/// A phrase several outlets use.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct KeyPhrase {
    /// Lower case, words separated by single spaces: what the phrase's topic page searches for.
    pub key: String,
    /// The spelling used most.
    pub text: String,
    /// Articles using it.
    pub articles: usize,
    /// Distinct outlets using it.
    pub outlets: usize,
}

/// Whether `w` (lower case) may begin or end a phrase.
fn is_edge_word(w: &str) -> bool {
    w.chars().count() >= 4
        && w.chars().all(char::is_alphabetic)
        && !parallax_text::is_stop_word(w)
        && !FUNCTION_WORDS.contains(&w)
        && !GENERIC_WORDS.contains(&w)
        && !crate::WEEKDAYS.contains(&w)
}

/// Whether `a` and `b` (word lists) overlap: one holds the other, or an end of one is the
/// start of the other.
fn overlap(a: &[&str], b: &[&str]) -> bool {
    let holds = |x: &[&str], y: &[&str]| y.len() <= x.len() && x.windows(y.len()).any(|w| w == y);
    let joins =
        |x: &[&str], y: &[&str]| (1..x.len().min(y.len())).any(|k| x[x.len() - k..] == y[..k]);
    holds(a, b) || holds(b, a) || joins(a, b) || joins(b, a)
}

/// Whether every word of `text` starts with a capital (a headline's Title Case).
fn title_cased(text: &str) -> bool {
    text.split(' ')
        .all(|w| w.chars().next().is_some_and(char::is_uppercase))
}

/// The story's key phrases, most widely used first, at most [`MAX_PHRASES`].
pub fn key_phrases(articles: &[Article], entities: &[Entity]) -> Vec<KeyPhrase> {
    // phrase key -> (outlets, articles, spellings)
    struct Seen {
        outlets: BTreeSet<String>,
        articles: usize,
        spellings: HashMap<String, usize>,
    }
    let mut seen: BTreeMap<String, Seen> = BTreeMap::new();
    for a in articles {
        let outlet = a.source.to_string();
        let mut texts: Vec<&str> = vec![a.title.as_str()];
        texts.extend(
            a.paragraphs
                .iter()
                .take(LEAD_PARAGRAPHS)
                .map(String::as_str),
        );
        let mut in_article: HashMap<String, String> = HashMap::new();
        for text in texts {
            let words: Vec<&str> = parallax_text::words(text);
            let lower: Vec<String> = words.iter().map(|w| w.to_lowercase()).collect();
            for n in 2..=3 {
                for i in 0..lower.len().saturating_sub(n - 1) {
                    let gram = &lower[i..i + n];
                    if !is_edge_word(&gram[0]) || !is_edge_word(&gram[n - 1]) {
                        continue;
                    }
                    if gram.iter().any(|w| w.chars().any(|c| c.is_numeric())) {
                        continue;
                    }
                    in_article
                        .entry(gram.join(" "))
                        .or_insert_with(|| words[i..i + n].join(" "));
                }
            }
        }
        for (key, spelling) in in_article {
            let s = seen.entry(key).or_insert_with(|| Seen {
                outlets: BTreeSet::new(),
                articles: 0,
                spellings: HashMap::new(),
            });
            s.outlets.insert(outlet.clone());
            s.articles += 1;
            *s.spellings.entry(spelling).or_default() += 1;
        }
    }
    let names: Vec<String> = entities
        .iter()
        .flat_map(|e| std::iter::once(&e.name).chain(&e.variants))
        .map(|n| parallax_text::words(n).join(" ").to_lowercase())
        .collect();
    let name_words: Vec<Vec<&str>> = names.iter().map(|n| n.split(' ').collect()).collect();
    let one_word_names: BTreeSet<&str> =
        name_words.iter().flat_map(|n| n.iter().copied()).collect();
    let unwanted = |key: &str| {
        let words: Vec<&str> = key.split(' ').collect();
        name_words
            .iter()
            .any(|n| (n.len() > 1 && overlap(&words, n)) || n.as_slice() == words.as_slice())
            || (one_word_names.contains(words[0])
                && one_word_names.contains(words[words.len() - 1]))
    };
    let mut phrases: Vec<KeyPhrase> = seen
        .into_iter()
        .filter(|(key, s)| s.outlets.len() >= MIN_OUTLETS && !unwanted(key))
        .map(|(key, s)| {
            let mut spellings: Vec<(String, usize)> = s.spellings.into_iter().collect();
            spellings.sort_by(|a, b| {
                title_cased(&a.0)
                    .cmp(&title_cased(&b.0))
                    .then(b.1.cmp(&a.1))
                    .then(a.0.cmp(&b.0))
            });
            KeyPhrase {
                text: spellings.swap_remove(0).0,
                key,
                articles: s.articles,
                outlets: s.outlets.len(),
            }
        })
        .collect();
    phrases.sort_by(|a, b| {
        b.outlets
            .cmp(&a.outlets)
            .then(b.articles.cmp(&a.articles))
            .then(a.key.split(' ').count().cmp(&b.key.split(' ').count()))
            .then(a.key.cmp(&b.key))
    });
    let mut kept: Vec<KeyPhrase> = Vec::new();
    for p in phrases {
        let words: Vec<&str> = p.key.split(' ').collect();
        let covered = kept.iter().any(|k| {
            let kw: Vec<&str> = k.key.split(' ').collect();
            overlap(&words, &kw)
        });
        if !covered {
            kept.push(p);
        }
        if kept.len() == MAX_PHRASES {
            break;
        }
    }
    kept
}

#[cfg(test)]
mod tests {
    use super::*;
    use parallax_core::{ArticleId, SourceId};

    fn article(id: &str, source: &str, title: &str, lead: &str) -> Article {
        Article {
            id: ArticleId(id.into()),
            source: SourceId(source.into()),
            url: None,
            canonical_url: None,
            title: title.into(),
            byline: None,
            published: None,
            language: Some("en".into()),
            paragraphs: vec![lead.into(), "Sign up for our newsletter today.".into()],
            content_hash: id.into(),
            fetched_at: chrono::Utc::now(),
            origin: id.into(),
            warnings: vec![],
            excerpts: vec![],
            attribution: Default::default(),
            section: None,
        }
    }

    #[test]
    fn phrases_several_outlets_use_and_nothing_else() {
        let articles = [
            article(
                "a",
                "one",
                "Putin and Trump hold phone call",
                "The phone call lasted almost an hour, the Kremlin said. Donald Trump spoke of peace talks.",
            ),
            article(
                "b",
                "two",
                "Trump, Putin speak by phone",
                "In a phone call of 2025 minutes, Donald Trump raised the peace talks again.",
            ),
            article(
                "c",
                "two",
                "Phone call: no progress",
                "The Phone Call ended without progress on the peace talks.",
            ),
            article(
                "d",
                "three",
                "Weather",
                "Sunny skies over the capital all week.",
            ),
        ];
        let trump = Entity {
            name: "Donald Trump".into(),
            key: "trump".into(),
            kind: crate::entities::EntityKind::Person,
            variants: vec!["Donald Trump".into(), "Trump".into()],
            articles: vec![],
            mentions: 3,
        };
        let got = key_phrases(&articles, &[trump]);
        let keys: Vec<(&str, usize, usize)> = got
            .iter()
            .map(|p| (p.key.as_str(), p.outlets, p.articles))
            .collect();
        assert_eq!(keys, [("peace talks", 2, 3), ("phone call", 2, 3)]);
        assert_eq!(got[1].text, "phone call", "the spelling used most");
        // The newsletter line is not in a lead; "donald trump" is an entity's name; "2025
        // minutes" holds a figure; the weather story's words are one outlet's.
    }

    #[test]
    fn overlapping_phrases_and_entity_fragments_are_dropped() {
        let netanyahu = Entity {
            name: "Benjamin Netanyahu".into(),
            key: "netanyahu".into(),
            kind: crate::entities::EntityKind::Person,
            variants: vec!["Benjamin Netanyahu".into()],
            articles: vec![],
            mentions: 2,
        };
        let israel = Entity {
            name: "Israel".into(),
            key: "israel".into(),
            variants: vec!["Israel".into()],
            ..netanyahu.clone()
        };
        let hamas = Entity {
            name: "Hamas".into(),
            key: "hamas".into(),
            variants: vec!["Hamas".into()],
            ..netanyahu.clone()
        };
        let lead = "Prime Minister Benjamin Netanyahu said the cease fire took effect between Israel and Hamas.";
        let articles = [
            article("a", "one", "Cease Fire Holds", lead),
            article("b", "two", "Truce", lead),
        ];
        let got = key_phrases(&articles, &[netanyahu, israel, hamas]);
        let texts: Vec<&str> = got.iter().map(|p| p.text.as_str()).collect();
        // "Prime Minister" (a title, in Title Case wherever written) overlaps no name of several
        // words; "minister benjamin", "israel and hamas", "cease fire took" and "fire took
        // effect" are dropped. "cease fire" is spelled as in running text, not as the headline.
        assert_eq!(texts, ["cease fire", "Prime Minister", "took effect"]);
    }
}
