use rust_stemmers::{Algorithm, Stemmer};
use unicode_segmentation::UnicodeSegmentation;

/// English stop words (function words that say nothing about a story).
const STOP_EN: &[&str] = &[
    "a",
    "about",
    "above",
    "after",
    "again",
    "against",
    "all",
    "also",
    "am",
    "an",
    "and",
    "any",
    "are",
    "as",
    "at",
    "be",
    "because",
    "been",
    "before",
    "being",
    "below",
    "between",
    "both",
    "but",
    "by",
    "can",
    "could",
    "did",
    "do",
    "does",
    "doing",
    "down",
    "during",
    "each",
    "few",
    "for",
    "from",
    "further",
    "had",
    "has",
    "have",
    "having",
    "he",
    "her",
    "here",
    "hers",
    "herself",
    "him",
    "himself",
    "his",
    "how",
    "i",
    "if",
    "in",
    "into",
    "is",
    "it",
    "its",
    "itself",
    "just",
    "me",
    "more",
    "most",
    "my",
    "myself",
    "no",
    "nor",
    "not",
    "now",
    "of",
    "off",
    "on",
    "once",
    "only",
    "or",
    "other",
    "our",
    "ours",
    "ourselves",
    "out",
    "over",
    "own",
    "same",
    "she",
    "should",
    "so",
    "some",
    "such",
    "than",
    "that",
    "the",
    "their",
    "theirs",
    "them",
    "themselves",
    "then",
    "there",
    "these",
    "they",
    "this",
    "those",
    "through",
    "to",
    "too",
    "under",
    "until",
    "up",
    "very",
    "was",
    "we",
    "were",
    "what",
    "when",
    "where",
    "which",
    "while",
    "who",
    "whom",
    "why",
    "will",
    "with",
    "would",
    "you",
    "your",
    "yours",
    "yourself",
    "said",
    "says",
    "say",
    "told",
    "according",
    "mr",
    "mrs",
    "ms",
    "s",
    "t",
    "new",
    "one",
    "two",
    "us",
    "may",
    "might",
    "must",
    "shall",
    "since",
    "still",
    "yet",
    "however",
    "although",
    "though",
    "many",
    "much",
    "even",
    "well",
    "back",
    "get",
    "got",
    "like",
    "make",
    "made",
];

/// Whether `word` (lower case) is an English stop word.
pub fn is_stop_word(word: &str) -> bool {
    // The list above is grouped by kind, not sorted: a sorted copy, searched in O(log n).
    static SORTED: std::sync::LazyLock<Vec<&'static str>> = std::sync::LazyLock::new(|| {
        let mut v = STOP_EN.to_vec();
        v.sort_unstable();
        v
    });
    SORTED.binary_search(&word).is_ok()
}

/// Turns text into index terms for one language: lower-cased words, stop words dropped, stemmed
/// where a stemmer for the language exists.
pub struct Analyzer {
    stemmer: Option<Stemmer>,
    english: bool,
}

impl Analyzer {
    /// An analyzer for the ISO 639-1 language `lang` (`None` or unknown: no stemming, English stop
    /// words only).
    pub fn new(lang: Option<&str>) -> Self {
        let algorithm = match lang.unwrap_or("en") {
            "en" => Some(Algorithm::English),
            "de" => Some(Algorithm::German),
            "fr" => Some(Algorithm::French),
            "es" => Some(Algorithm::Spanish),
            "it" => Some(Algorithm::Italian),
            "pt" => Some(Algorithm::Portuguese),
            "nl" => Some(Algorithm::Dutch),
            "ru" => Some(Algorithm::Russian),
            "sv" => Some(Algorithm::Swedish),
            "nb" | "no" => Some(Algorithm::Norwegian),
            "da" => Some(Algorithm::Danish),
            "fi" => Some(Algorithm::Finnish),
            "hu" => Some(Algorithm::Hungarian),
            "ro" => Some(Algorithm::Romanian),
            "tr" => Some(Algorithm::Turkish),
            "ar" => Some(Algorithm::Arabic),
            "el" => Some(Algorithm::Greek),
            "ta" => Some(Algorithm::Tamil),
            _ => None,
        };
        Analyzer {
            stemmer: algorithm.map(Stemmer::create),
            english: lang.is_none_or(|l| l == "en"),
        }
    }

    /// The index terms of `text`, in order.
    pub fn terms(&self, text: &str) -> Vec<String> {
        let mut out = Vec::new();
        for word in text.unicode_words() {
            let lower = word.to_lowercase();
            let lower = lower.trim_end_matches("'s").trim_end_matches("’s");
            if lower.is_empty() || (self.english && is_stop_word(lower)) {
                continue;
            }
            let term = match &self.stemmer {
                Some(s) => s.stem(lower).into_owned(),
                None => lower.to_string(),
            };
            out.push(term);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stems_and_drops_stop_words() {
        let a = Analyzer::new(Some("en"));
        assert_eq!(
            a.terms("The presidents talked about Ukraine's negotiations"),
            vec!["presid", "talk", "ukrain", "negoti"]
        );
    }

    #[test]
    fn every_listed_stop_word_is_one_and_others_are_not() {
        for w in STOP_EN {
            assert!(is_stop_word(w), "{w}");
        }
        for w in ["president", "ukraine", "call", "zzz", ""] {
            assert!(!is_stop_word(w), "{w}");
        }
    }
}
