//! Direct quotes: finding quoted spans, normalising them for a word-for-word check, and telling the
//! same words apart from altered ones.
//!
//! Quote marks: straight `"…"`, curly `“…”` and `‘…’`, `„…“`, `„…”`, `«…»`, `‹…›`, `「…」`,
//! `『…』`. A double quote left open at the end of a paragraph runs to its end (the convention for
//! quotes that go on in the next paragraph). Straight single quotes are not read as quotes: they
//! are apostrophes too often.
//!
//! The word-for-word check normalises only whitespace and the glyphs of quote marks and
//! apostrophes; everything else (words, spelling, hyphens, case) must match, except the case of a
//! quote's first letter, which follows the sentence around it rather than the speaker.

/// A quoted span of a text, as byte offsets.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct QuoteSpan {
    /// The opening quote mark.
    pub open: usize,
    /// The first byte inside.
    pub start: usize,
    /// Just past the last byte inside.
    pub end: usize,
    /// Just past the closing quote mark (or the end of the text when left open).
    pub close: usize,
}

fn closers(open: char) -> &'static [char] {
    match open {
        '“' => &['”'],
        '„' => &['“', '”'],
        '«' => &['»'],
        '‹' => &['›'],
        '「' => &['」'],
        '『' => &['』'],
        '"' => &['"'],
        '‘' => &['’'],
        _ => &[],
    }
}

/// The quoted spans of `text`, outermost only, in order.
pub(crate) fn quote_spans(text: &str) -> Vec<QuoteSpan> {
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let byte = |k: usize| chars.get(k).map_or(text.len(), |x| x.0);
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let (open, c) = chars[i];
        let close_set = closers(c);
        if close_set.is_empty() {
            i += 1;
            continue;
        }
        let prev = i.checked_sub(1).map(|p| chars[p].1);
        let opens_here = prev.is_none_or(|p| !p.is_alphanumeric())
            && chars.get(i + 1).is_some_and(|n| !n.1.is_whitespace());
        if !opens_here {
            i += 1;
            continue;
        }
        let mut found = None;
        for (k, &(_, d)) in chars.iter().enumerate().skip(i + 1) {
            if !close_set.contains(&d) {
                continue;
            }
            if c == '‘' || c == '"' {
                // A closing mark ends a word: not an apostrophe inside one ("Russia’s").
                let next = chars.get(k + 1).map(|x| x.1);
                if next.is_some_and(char::is_alphanumeric) {
                    continue;
                }
            }
            found = Some(k);
            break;
        }
        match found {
            Some(k) => {
                out.push(QuoteSpan {
                    open,
                    start: byte(i + 1),
                    end: byte(k),
                    close: byte(k + 1),
                });
                i = k + 1;
            }
            None if c != '‘' => {
                out.push(QuoteSpan {
                    open,
                    start: byte(i + 1),
                    end: text.len(),
                    close: text.len(),
                });
                break;
            }
            None => i += 1,
        }
    }
    out
}

/// `s` with quote marks as `"`, apostrophes as `'` and each run of whitespace as one space,
/// trimmed.
pub(crate) fn normalize(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut space = false;
    for c in s.chars() {
        if c.is_whitespace() {
            space = !out.is_empty();
            continue;
        }
        if space {
            out.push(' ');
            space = false;
        }
        out.push(match c {
            '“' | '”' | '„' | '‟' | '«' | '»' | '‹' | '›' | '「' | '」' | '『' | '』' | '＂'
            | '〝' | '〞' => '"',
            '‘' | '’' | '‚' | '‛' | '′' | '`' | '´' => '\'',
            c => c,
        });
    }
    out
}

/// The words of a quote for the word-for-word check: normalised, without the punctuation and quote
/// marks at its ends, first letter lower-cased.
pub(crate) fn core(quote: &str) -> String {
    let n = normalize(quote);
    let t = n.trim_matches(|c: char| !c.is_alphanumeric());
    let mut chars = t.chars();
    match chars.next() {
        Some(f) => f.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// Whether the words of `quote` appear, word for word, in `text`.
pub(crate) fn verbatim_in(quote: &str, text: &str) -> bool {
    let q = core(quote);
    if q.is_empty() {
        return false;
    }
    let n = normalize(text);
    if n.contains(&q) {
        return true;
    }
    // The first letter may be capitalised in the text.
    let mut chars = q.chars();
    let upper: String = chars
        .next()
        .map(|f| f.to_uppercase().chain(chars).collect())
        .unwrap_or_default();
    n.contains(&upper)
}

/// Lower-case letter-and-digit words (hyphenated words split), for finding the same quote worded
/// differently.
pub(crate) fn loose_words(s: &str) -> Vec<String> {
    s.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// How two quotes relate.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Relation {
    /// One holds the other word for word.
    Same,
    /// They are visibly the same quote, worded differently.
    Altered,
    /// Unrelated.
    Unrelated,
}

/// A quote prepared for comparisons.
pub(crate) struct QuoteKey {
    core: String,
    words: Vec<String>,
    fours: std::collections::HashSet<String>,
    letters: String,
    set: std::collections::HashSet<String>,
}

impl QuoteKey {
    /// Prepares `quote`.
    pub(crate) fn new(quote: &str) -> QuoteKey {
        let words = loose_words(quote);
        QuoteKey {
            core: core(quote),
            fours: words.windows(4).map(|g| g.join(" ")).collect(),
            letters: words.concat(),
            set: words.iter().cloned().collect(),
            words,
        }
    }

    /// The loose words of the quote.
    pub(crate) fn words(&self) -> &[String] {
        &self.words
    }
}

/// Compares two quotes: the same words (one contains the other word for word, the shorter having
/// at least three words), altered (a shared run of four words; or, for a short quote, the same
/// letters ignoring spaces and hyphens; or three quarters of the shorter's words in the longer,
/// three of them content words), or unrelated.
#[cfg(test)]
pub(crate) fn relate(a: &str, b: &str) -> Relation {
    relate_keys(&QuoteKey::new(a), &QuoteKey::new(b))
}

/// [`relate`] on prepared quotes.
pub(crate) fn relate_keys(a: &QuoteKey, b: &QuoteKey) -> Relation {
    if a.core.is_empty() || b.core.is_empty() {
        return Relation::Unrelated;
    }
    let (short, long) = if a.words.len() <= b.words.len() {
        (a, b)
    } else {
        (b, a)
    };
    if short.core == long.core
        || (short.words.len() >= 3 && long.core.contains(short.core.as_str()))
    {
        return Relation::Same;
    }
    if short.words.len() >= 4 && !short.fours.is_disjoint(&long.fours) {
        return Relation::Altered;
    }
    if short.words.len() <= 3 {
        if short.letters.chars().count() >= 8 && long.letters.contains(&short.letters) {
            return Relation::Altered;
        }
        return Relation::Unrelated;
    }
    let shared = short.words.iter().filter(|w| long.set.contains(*w)).count();
    let content = short
        .words
        .iter()
        .filter(|w| long.set.contains(*w) && !parallax_text::is_stop_word(w))
        .count();
    if shared * 4 >= short.words.len() * 3 && content >= 3 {
        Relation::Altered
    } else {
        Relation::Unrelated
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn quoted(text: &str) -> Vec<&str> {
        quote_spans(text)
            .into_iter()
            .map(|q| &text[q.start..q.end])
            .collect()
    }

    #[test]
    fn finds_quotes_in_every_style() {
        assert_eq!(
            quoted("He said “we talked,” and ‘He may be offended,’ Putin’s aide said."),
            vec!["we talked,", "He may be offended,"]
        );
        assert_eq!(
            quoted("Er sagte „wir reden“ und «nous parlons» und \"we talk\" too."),
            vec!["wir reden", "nous parlons", "we talk"]
        );
        assert_eq!(quoted("“Open to the end"), vec!["Open to the end"]);
        assert_eq!(quoted("Russia’s leaders’ talks"), Vec::<&str>::new());
        assert_eq!(quoted("“Outer ‘inner’ outer”"), vec!["Outer ‘inner’ outer"]);
        assert!(quoted("").is_empty());
    }

    #[test]
    fn word_for_word() {
        assert!(verbatim_in(
            "frank, businesslike and concrete.",
            "described it as \"frank,   businesslike and concrete.\""
        ));
        assert!(verbatim_in("didn’t talk", "they didn't talk"));
        assert!(!verbatim_in(
            "business-like",
            "frank, businesslike and concrete"
        ));
        assert_eq!(
            relate("business-like", "frank, businesslike and concrete."),
            Relation::Altered
        );
        assert_eq!(
            relate(
                "strive to achieve its goals, namely the elimination of the well-known root causes that led to the current state of affairs.",
                "Our president also said that Russia will achieve its goals, that is, the elimination of all the root causes that led to the current state of affairs"
            ),
            Relation::Altered
        );
        assert_eq!(
            relate(
                "willing to pursue negotiations",
                "Putin is willing to pursue negotiations, he said"
            ),
            Relation::Same
        );
        assert_eq!(relate("no progress", "a good day"), Relation::Unrelated);
    }
}
