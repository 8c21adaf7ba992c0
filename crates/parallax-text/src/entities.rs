use crate::terms::is_stop_word;
use unicode_segmentation::UnicodeSegmentation;

/// Capitalised words that start many sentences but never name anything.
const NOT_NAMES: &[&str] = &[
    "according",
    "after",
    "again",
    "also",
    "although",
    "asked",
    "because",
    "before",
    "but",
    "during",
    "earlier",
    "every",
    "for",
    "here",
    "however",
    "if",
    "in",
    "it",
    "later",
    "many",
    "meanwhile",
    "monday",
    "more",
    "most",
    "now",
    "one",
    "some",
    "still",
    "that",
    "the",
    "then",
    "there",
    "these",
    "they",
    "this",
    "those",
    "thursday",
    "today",
    "tuesday",
    "wednesday",
    "friday",
    "saturday",
    "sunday",
    "two",
    "we",
    "what",
    "when",
    "while",
    "with",
    "yesterday",
    "a",
    "an",
    "as",
    "at",
    "by",
    "he",
    "she",
    "his",
    "her",
    "our",
    "their",
    "its",
    "i",
    "you",
    "and",
    "or",
    "on",
    "of",
    "to",
    "from",
    "so",
    "yet",
    "not",
    "no",
    "yes",
    "do",
    "did",
    "is",
    "was",
    "are",
    "were",
    "will",
    "would",
    "can",
    "could",
    "should",
    "may",
    "might",
    "read",
    "watch",
    "click",
    "subscribe",
    "share",
    "advertisement",
    "related",
    "photo",
    "video",
    "getty",
    "images",
    "file",
    "new",
];

/// Connectors allowed inside a name ("Bank of England", "Charles de Gaulle").
const CONNECTORS: &[&str] = &[
    "of", "de", "da", "del", "der", "van", "von", "al", "bin", "la", "le",
];

fn is_capitalised(word: &str) -> bool {
    word.chars().next().is_some_and(char::is_uppercase)
}

fn strip_possessive(word: &str) -> &str {
    word.trim_end_matches("'s")
        .trim_end_matches("’s")
        .trim_end_matches('\'')
        .trim_end_matches('’')
}

/// Whether `text` is written in title case (most words capitalised), as many headlines are: then
/// capitalisation says nothing about names.
pub fn is_title_case(text: &str) -> bool {
    let mut caps = 0usize;
    let mut total = 0usize;
    for w in text.unicode_words() {
        if !w.chars().next().is_some_and(char::is_alphabetic) {
            continue;
        }
        let lower = w.to_lowercase();
        if is_stop_word(&lower) && w.len() <= 4 {
            continue;
        }
        total += 1;
        if is_capitalised(w) {
            caps += 1;
        }
    }
    total >= 3 && caps * 10 >= total * 7
}

/// Named-entity candidates of `text`: runs of capitalised words ("Vladimir Putin", "White House",
/// "Bank of England"), lower-cased, possessives and leading articles removed. A capitalised word
/// that only starts a sentence and is a common sentence opener is not taken. Heuristic and
/// language-agnostic for Latin, Cyrillic and Greek scripts; scripts without case yield nothing.
pub fn named_entities(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current: Vec<String> = Vec::new();
    let mut pending_connector: Option<String> = None;
    let mut sentence_start = true;
    let mut current_starts_sentence = false;

    let flush = |current: &mut Vec<String>, starts_sentence: bool, out: &mut Vec<String>| {
        if current.is_empty() {
            return;
        }
        // Drop leading words that are openers ("The White House" → "white house").
        let mut skip = 0;
        while skip < current.len() && NOT_NAMES.contains(&current[skip].as_str()) {
            skip += 1;
        }
        let words = &current[skip..];
        if !words.is_empty() {
            let single_opener = words.len() == 1
                && skip == 0
                && starts_sentence
                && (is_stop_word(&words[0]) || words[0].chars().count() < 2);
            let too_short = words.len() == 1 && words[0].chars().count() < 2;
            if !single_opener && !too_short {
                out.push(words.join(" "));
            }
        }
        current.clear();
    };

    for token in text.split_word_bounds() {
        let first = token.chars().next().unwrap_or(' ');
        if first.is_alphanumeric() {
            let word = strip_possessive(token);
            if word.is_empty() {
                continue;
            }
            let lower = word.to_lowercase();
            if is_capitalised(word) && first.is_alphabetic() {
                if current.is_empty() {
                    current_starts_sentence = sentence_start;
                } else if let Some(c) = pending_connector.take() {
                    current.push(c);
                }
                current.push(lower);
                // A possessive ends the name ("Putin's aide").
                if word.len() != token.len() {
                    flush(&mut current, current_starts_sentence, &mut out);
                }
            } else if !current.is_empty()
                && pending_connector.is_none()
                && CONNECTORS.contains(&lower.as_str())
            {
                pending_connector = Some(lower);
            } else {
                pending_connector = None;
                flush(&mut current, current_starts_sentence, &mut out);
            }
            sentence_start = false;
        } else if token.chars().all(char::is_whitespace) {
            if token.contains('\n') {
                pending_connector = None;
                flush(&mut current, current_starts_sentence, &mut out);
                sentence_start = true;
            }
        } else {
            pending_connector = None;
            flush(&mut current, current_starts_sentence, &mut out);
            if token.chars().any(|c| {
                matches!(
                    c,
                    '.' | '!' | '?' | ':' | ';' | '"' | '“' | '”' | '—' | '|' | '•'
                )
            }) || token.chars().any(|c| c == '-' || c == '–') && sentence_start
            {
                sentence_start = true;
            }
        }
    }
    flush(&mut current, current_starts_sentence, &mut out);
    out
}

/// The numbers written in `text` with digits ("550", "4.5", "2025"), thousands separators removed.
/// Single digits are left out: they are too common to tell stories apart.
pub fn numbers(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for w in text.unicode_words() {
        if !w.chars().next().is_some_and(|c| c.is_ascii_digit()) {
            continue;
        }
        let mut n: String = w.chars().filter(|&c| c != ',' && c != '\u{a0}').collect();
        // Keep the numeric head of "6th", "24-hour", "10am".
        if let Some(end) = n.find(|c: char| !(c.is_ascii_digit() || c == '.')) {
            n.truncate(end);
        }
        let n = n.trim_end_matches('.');
        if n.len() >= 2 || (n.len() == 1 && n != "0" && n.contains('.')) {
            out.push(n.to_string());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_names() {
        let e = named_entities(
            "Kremlin aide Yuri Ushakov said that Vladimir Putin's call with US President Donald Trump \
             lasted an hour. The White House and the Bank of England agreed. Asked about it, he said no.",
        );
        assert!(e.contains(&"kremlin".to_string()), "{e:?}");
        assert!(e.contains(&"yuri ushakov".to_string()), "{e:?}");
        assert!(e.contains(&"vladimir putin".to_string()), "{e:?}");
        assert!(
            e.contains(&"us president donald trump".to_string()),
            "{e:?}"
        );
        assert!(e.contains(&"white house".to_string()), "{e:?}");
        assert!(e.contains(&"bank of england".to_string()), "{e:?}");
        assert!(!e.iter().any(|x| x == "asked" || x == "the"), "{e:?}");
    }

    #[test]
    fn title_case() {
        assert!(is_title_case(
            "Supreme Court Sides With Police Officers In Two Cases"
        ));
        assert!(!is_title_case(
            "Supreme Court sides with police officers in two cases"
        ));
    }

    #[test]
    fn finds_numbers() {
        assert_eq!(
            numbers(
                "Russia launched 550 drones, 1,200 shells and $4.5 trillion on the 6th at 10 a.m. 3 times"
            ),
            vec!["550", "1200", "4.5", "10"]
        );
        assert!(numbers("").is_empty());
        assert!(named_entities("").is_empty());
        assert!(named_entities("普京与特朗普通话。").is_empty());
    }
}
