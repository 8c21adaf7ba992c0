//! Tokens with byte offsets, sentence spans and the small word lists the claim extractors share.

/// What a token is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    /// Letters (with inner hyphens and apostrophes: "hour-long", "didn't").
    Word,
    /// Starts with a digit ("550", "4.5", "1,200", "6th", "30-day").
    Number,
    /// Any other single character that is not a space.
    Punct,
}

/// One token of a text.
#[derive(Clone, Debug)]
pub(crate) struct Tok {
    /// Byte offset of the first character.
    pub start: usize,
    /// Byte offset just past the last character.
    pub end: usize,
    /// What it is.
    pub kind: Kind,
    /// Lower case, apostrophes as `'`, a final possessive `'s` removed.
    pub lower: String,
    /// Whether the token starts with an upper-case letter.
    pub cap: bool,
}

impl Tok {
    /// Whether this is a word (letters).
    pub fn is_word(&self) -> bool {
        self.kind == Kind::Word
    }

    /// Whether this is the punctuation character `c`.
    pub fn is_punct(&self, c: char) -> bool {
        self.kind == Kind::Punct && self.lower.starts_with(c)
    }
}

fn joins(c: char) -> bool {
    matches!(c, '-' | '\'' | '’' | '‐' | '‑')
}

/// Splits `s` into words, numbers and punctuation, with byte offsets into `s`.
pub(crate) fn tokenize(s: &str) -> Vec<Tok> {
    let chars: Vec<(usize, char)> = s.char_indices().collect();
    let end_of = |k: usize| chars.get(k).map_or(s.len(), |x| x.0);
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let (start, c) = chars[i];
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        if !c.is_alphanumeric() {
            out.push(Tok {
                start,
                end: end_of(i + 1),
                kind: Kind::Punct,
                lower: c.to_string(),
                cap: false,
            });
            i += 1;
            continue;
        }
        let mut j = i + 1;
        while j < chars.len() {
            let c2 = chars[j].1;
            if c2.is_alphanumeric() {
                j += 1;
                continue;
            }
            let next = chars.get(j + 1).map(|x| x.1);
            let prev = chars[j - 1].1;
            let inner = if joins(c2) {
                next.is_some_and(char::is_alphanumeric)
            } else if c2 == '.' || c2 == ',' {
                prev.is_ascii_digit() && next.is_some_and(|n| n.is_ascii_digit())
            } else {
                false
            };
            if !inner {
                break;
            }
            j += 1;
        }
        let end = end_of(j);
        let text = &s[start..end];
        let mut lower: String = text
            .chars()
            .map(|c| if joins(c) && c != '-' { '\'' } else { c })
            .map(|c| if c == '‐' || c == '‑' { '-' } else { c })
            .collect::<String>()
            .to_lowercase();
        if lower.ends_with("'s") && lower.len() > 2 {
            lower.truncate(lower.len() - 2);
        }
        out.push(Tok {
            start,
            end,
            kind: if c.is_ascii_digit() {
                Kind::Number
            } else {
                Kind::Word
            },
            lower,
            cap: c.is_uppercase(),
        });
        i = j;
    }
    out
}

/// Collapses every run of whitespace in `s` to one space, keeping for each byte of the result the
/// byte offset in `s` it came from (plus one entry for the end).
pub(crate) fn collapse_with_map(s: &str) -> (String, Vec<usize>) {
    let mut out = String::with_capacity(s.len());
    let mut map = Vec::with_capacity(s.len() + 1);
    let mut in_space = false;
    for (i, c) in s.char_indices() {
        if c.is_whitespace() {
            if !in_space {
                out.push(' ');
                map.push(i);
            }
            in_space = true;
            continue;
        }
        in_space = false;
        let before = out.len();
        out.push(c);
        for k in 0..(out.len() - before) {
            map.push(i + k);
        }
    }
    map.push(s.len());
    (out, map)
}

/// The byte spans of the sentences of `block` (as [`parallax_text::sentences`] splits them), each
/// span an exact slice of `block`, leading list markers ("- ", "• ") left out.
pub(crate) fn sentence_spans(block: &str) -> Vec<(usize, usize)> {
    let (flat, map) = collapse_with_map(block);
    let mut spans = Vec::new();
    let mut from = 0;
    for s in parallax_text::sentences(block) {
        let Some(pos) = flat[from..].find(&s) else {
            continue;
        };
        let a = from + pos;
        let b = a + s.len();
        from = b;
        let mut start = map[a];
        let marker = block[start..]
            .trim_start_matches(['-', '–', '—', '•', '*', '·', '►', '▪'])
            .trim_start();
        if !marker.is_empty() {
            start = block.len() - marker.len();
        }
        // `map[b]` is the start of the character after the sentence; step back over spaces.
        let end = block[..map[b]].trim_end().len().max(start);
        if end > start {
            spans.push((start, end));
        }
    }
    spans
}

/// Verbs that introduce reported speech, in the forms news text uses.
pub(crate) const SPEECH_VERBS: &[&str] = &[
    "said",
    "says",
    "say",
    "told",
    "tells",
    "added",
    "adds",
    "adding",
    "noted",
    "notes",
    "stated",
    "states",
    "wrote",
    "writes",
    "replied",
    "replies",
    "declared",
    "declares",
    "stressed",
    "stresses",
    "emphasised",
    "emphasized",
    "emphasises",
    "emphasizes",
    "insisted",
    "insists",
    "warned",
    "warns",
    "explained",
    "explains",
    "announced",
    "announces",
    "claimed",
    "claims",
    "confirmed",
    "confirms",
    "denied",
    "denies",
    "argued",
    "argues",
    "recalled",
    "reported",
    "reports",
    "remarked",
    "asserted",
    "acknowledged",
    "admitted",
    "described",
    "describes",
    "called",
    "calls",
    "tweeted",
    "posted",
    "answered",
    "asked",
    "urged",
    "reiterated",
    "revealed",
    "disclosed",
    "suggested",
    "indicated",
    "pointed",
];

/// Whether `w` (lower case) introduces reported speech.
pub(crate) fn is_speech_verb(w: &str) -> bool {
    SPEECH_VERBS.contains(&w)
}

/// Personal pronouns that can stand for a speaker.
pub(crate) fn is_pronoun(w: &str) -> bool {
    matches!(w, "he" | "she" | "they" | "we" | "i" | "it")
}

/// Words of negation.
pub(crate) fn is_negation(w: &str) -> bool {
    matches!(
        w,
        "not" | "no" | "never" | "neither" | "nor" | "none" | "nothing" | "without" | "cannot"
    ) || w.ends_with("n't")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_keep_offsets_and_compounds() {
        let s = "Putin’s nearly hour-long call cost $4.5 trillion, 1,200 drones; didn't.";
        let t = tokenize(s);
        let words: Vec<&str> = t.iter().map(|t| &s[t.start..t.end]).collect();
        assert_eq!(
            words,
            vec![
                "Putin’s",
                "nearly",
                "hour-long",
                "call",
                "cost",
                "$",
                "4.5",
                "trillion",
                ",",
                "1,200",
                "drones",
                ";",
                "didn't",
                "."
            ]
        );
        assert_eq!(t[0].lower, "putin");
        assert!(t[0].cap);
        assert_eq!(t[6].kind, Kind::Number);
    }

    #[test]
    fn spans_are_exact_slices() {
        let block = "Trump spoke at 10 a.m.  Eastern Time. The U.S.\nPresident said \"no.\"";
        let spans = sentence_spans(block);
        assert_eq!(spans.len(), 2);
        assert_eq!(
            &block[spans[0].0..spans[0].1],
            "Trump spoke at 10 a.m.  Eastern Time."
        );
        assert_eq!(
            &block[spans[1].0..spans[1].1],
            "The U.S.\nPresident said \"no.\""
        );
        assert!(sentence_spans("").is_empty());
    }
}
