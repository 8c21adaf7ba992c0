//! What a plain-text page says about its own outlet: the short stand-alone lines of its head,
//! where a masthead names the outlet ("Ukrinform"), and the credit that opens its first
//! paragraphs ("(MENAFN) Russian President ...", "KYIV, July 3 (Reuters) - ...").
//!
//! These are candidates only: whether one names a known outlet, exactly and unambiguously, is
//! decided against the registry and the outlet directory (`parallax_sources::Attributor`).

use regex::Regex;
use std::sync::OnceLock;

/// How many non-empty lines of the page's head are looked at.
const HEAD_LINES: usize = 20;
/// The head ends after this many body-like lines (the masthead comes before the story).
const HEAD_BODY_LINES: usize = 3;
/// A masthead line has at most this many words and characters.
const MAX_WORDS: usize = 5;
const MAX_CHARS: usize = 50;

/// The candidates of a plain-text page: its masthead lines, in order, and the name in the credit
/// that opens one of its first paragraphs.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Masthead {
    /// Short stand-alone lines of the head (no sentence, no date, no number-only line).
    pub lines: Vec<String>,
    /// Those of `lines` that the page names again elsewhere, as whole words in the same case.
    pub in_text: Vec<String>,
    /// The name a credit gives ("MENAFN", "Reuters").
    pub credit: Option<String>,
}

/// The masthead candidates of `text`.
pub fn masthead(text: &str) -> Masthead {
    let mut out = Masthead::default();
    let mut body_lines = 0;
    for line in text
        .lines()
        .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|l| !l.is_empty())
        .take(HEAD_LINES)
    {
        let words = line.split(' ').count();
        if is_body_like(&line, words) {
            if out.credit.is_none() {
                out.credit = credit(&line);
            }
            body_lines += 1;
            if body_lines >= HEAD_BODY_LINES {
                break;
            }
            continue;
        }
        if words <= MAX_WORDS
            && line.chars().count() <= MAX_CHARS
            && !line.ends_with(['.', '!', '?', ':', ';', ','])
            && line.chars().filter(|c| c.is_alphabetic()).count() >= 2
            && !line.chars().any(|c| c.is_ascii_digit())
            && !line.to_lowercase().starts_with("date ")
            && !out.lines.contains(&line)
        {
            out.lines.push(line);
        }
    }
    out.in_text = out
        .lines
        .iter()
        .filter(|l| occurrences(text, l) >= 2)
        .cloned()
        .collect();
    out
}

/// How often `needle` stands in `text` as whole words (not inside a longer word), white space
/// folded.
fn occurrences(text: &str, needle: &str) -> usize {
    let words: Vec<&str> = needle.split(' ').collect();
    let hay: Vec<&str> = text.split_whitespace().collect();
    let bare = |w: &str| w.trim_matches(|c: char| !c.is_alphanumeric()).to_string();
    let first = bare(words[0]);
    let last = bare(words[words.len() - 1]);
    hay.windows(words.len())
        .filter(|win| {
            win.iter().zip(&words).enumerate().all(|(i, (h, w))| {
                if words.len() == 1 {
                    bare(h) == first
                } else if i == 0 {
                    h.ends_with(w) && bare(h) == first
                } else if i == words.len() - 1 {
                    h.starts_with(w) && bare(h) == last
                } else {
                    h == w
                }
            })
        })
        .count()
}

fn is_body_like(line: &str, words: usize) -> bool {
    words >= 12 || (words >= 6 && line.ends_with(['.', '!', '?', '"', '”']))
}

/// The name in a credit at the start of `line`: `(NAME)` first on the line, or after a short
/// dateline and followed by a dash.
fn credit(line: &str) -> Option<String> {
    static RE: OnceLock<Regex> = OnceLock::new();
    let re = RE.get_or_init(|| {
        Regex::new(
            r"^(?:\(([^()]{2,40})\)(?:\s*([-\u{2013}\u{2014}]))?\s|([^()]{1,40}?)\s\(([^()]{2,40})\)\s*[-\u{2013}\u{2014}])",
        )
        .expect("the credit pattern is valid")
    });
    let caps = re.captures(line)?;
    let name = caps.get(1).or_else(|| caps.get(4))?.as_str().trim();
    // "(MENAFN) Russian ..." and "(Reuters) - Russia ...": a bracket alone opening a paragraph
    // credits only in capitals or before a dash; "(Opinion) The ..." is a label.
    if caps.get(1).is_some() && caps.get(2).is_none() && name.chars().any(char::is_lowercase) {
        return None;
    }
    if let Some(dateline) = caps.get(3) {
        // A dateline is a place and maybe a date: no sentence before the credit.
        let d = dateline.as_str();
        if d.split_whitespace().count() > 5 || d.ends_with(['.', '!', '?']) {
            return None;
        }
    }
    let looks_like_a_name = name.split_whitespace().count() <= 4
        && name.chars().next().is_some_and(char::is_uppercase)
        && !name.contains(['/', ':', '=']);
    looks_like_a_name.then(|| name.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_masthead_between_the_lead_and_the_story() {
        let m = masthead(
            "Overview Logo\nArticle Main Image\n\nThe Kremlin said that the call lasted almost an hour.\n\nUkrinform\n\nUkraine\n\nThursday, July 3\n\nKremlin aide Yuri Ushakov said that the Russian leader had a telephone conversation on Thursday.\n\nAs Ukrinform reports, this was reported by the Russian service of the BBC.\n\nAccording to Ushakov, the conversation lasted almost an hour.\n\nTrailing Line\n",
        );
        assert_eq!(
            m.lines,
            [
                "Overview Logo",
                "Article Main Image",
                "Ukrinform",
                "Ukraine"
            ]
        );
        // "As Ukrinform reports": the page names it again; "Ukraine" stands only in the head.
        assert_eq!(m.in_text, ["Ukrinform"]);
        // Whole words in the same case only.
        assert_eq!(occurrences("Sport: the sportsman. SPORT", "Sport"), 1);
        assert_eq!(occurrences("Kyiv Post, and the Kyiv Post.", "Kyiv Post"), 2);
        assert_eq!(m.credit, None);
    }

    #[test]
    fn credits_at_the_start_of_a_paragraph() {
        let m = masthead(
            " date 2025-07-22 Tuesday\nKremlin aide unveils specifics of Putin-Trump phone call\n\n2025-07-22 04:38:47\n(MENAFN) Russian President Vladimir Putin and US President Donald Trump discussed the Ukraine conflict.\n",
        );
        assert_eq!(m.credit.as_deref(), Some("MENAFN"));
        assert!(m.lines.is_empty(), "{:?}", m.lines);
        let dateline = masthead(
            "KYIV, July 3 (Reuters) - Russia launched its largest drone attack of the war overnight, officials said.\n",
        );
        assert_eq!(dateline.credit.as_deref(), Some("Reuters"));
        let dashed = masthead(
            "(Reuters) - Russia launched its largest drone attack of the war overnight, officials said.\n",
        );
        assert_eq!(dashed.credit.as_deref(), Some("Reuters"));
        let label = masthead(
            "(Opinion) The war will not end with one phone call between two presidents, whatever they say.\n",
        );
        assert_eq!(label.credit, None);
    }

    #[test]
    fn mentions_in_the_story_are_not_credits() {
        let m = masthead(
            "According to TASS calculations, Trump spoke with Putin on average five times a year (TASS) - he said.\n\
             The talks (in Istanbul) will remain bilateral between Russia and Ukraine, the aide said today.\n\
             He said (photo/AP) that nothing changed in the position of the two sides this week.\n",
        );
        assert_eq!(m.credit, None);
        assert!(m.lines.is_empty());
    }
}
