use unicode_segmentation::UnicodeSegmentation;

/// Abbreviations after which a full stop does not end a sentence (compared lower-cased, without the
/// final dot).
const ABBREVIATIONS: &[&str] = &[
    "mr", "mrs", "ms", "dr", "prof", "sr", "jr", "st", "gen", "col", "lt", "sgt", "capt", "gov",
    "sen", "rep", "pres", "rev", "hon", "no", "vs", "etc", "inc", "ltd", "co", "corp", "jan",
    "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "u.s", "u.k",
    "u.n", "e.u", "a.m", "p.m", "d.c", "i.e", "e.g", "approx", "dept", "est", "fig", "mt", "ft",
];

/// Splits `text` into sentences (Unicode UAX #29 boundaries, repaired after common abbreviations and
/// initials), trimmed, empty ones dropped. Works for every script, including CJK full stops.
pub fn sentences(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut pending = String::new();
    for raw in text.split_sentence_bounds() {
        // A paragraph break always ends a sentence.
        let mut parts = raw.split("\n\n").peekable();
        while let Some(part) = parts.next() {
            pending.push_str(part);
            let ends_paragraph = parts.peek().is_some();
            let trimmed = pending.trim_end();
            if ends_paragraph || !ends_with_abbreviation(trimmed) {
                push_sentence(&mut out, &pending);
                pending.clear();
            }
        }
    }
    push_sentence(&mut out, &pending);
    out
}

fn push_sentence(out: &mut Vec<String>, s: &str) {
    let s = s.split_whitespace().collect::<Vec<_>>().join(" ");
    if !s.is_empty() {
        out.push(s);
    }
}

fn ends_with_abbreviation(s: &str) -> bool {
    let Some(body) = s.strip_suffix('.') else {
        return false;
    };
    let last = body
        .rsplit(|c: char| c.is_whitespace() || c == '(' || c == '"' || c == '“')
        .next()
        .unwrap_or("");
    if last.is_empty() {
        return false;
    }
    // A single capital letter: an initial ("Donald J. Trump").
    let mut chars = last.chars();
    if let (Some(c), None) = (chars.next(), chars.next()) {
        return c.is_uppercase();
    }
    let lower = last.to_lowercase();
    ABBREVIATIONS.contains(&lower.as_str())
}

/// The words of `text` (Unicode UAX #29 word boundaries; punctuation and spaces dropped).
pub fn words(text: &str) -> Vec<&str> {
    text.unicode_words().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_sentences_and_keeps_abbreviations() {
        let s = sentences(
            "Trump spoke at 10 a.m. Eastern Time. The U.S. President said \"no progress.\" Russia invaded on Feb. 24, 2022.\n\nNew paragraph",
        );
        assert_eq!(
            s,
            vec![
                "Trump spoke at 10 a.m. Eastern Time.",
                "The U.S. President said \"no progress.\"",
                "Russia invaded on Feb. 24, 2022.",
                "New paragraph"
            ]
        );
    }

    #[test]
    fn splits_cjk() {
        let s = sentences("普京与特朗普通话。通话持续了将近一个小时。");
        assert_eq!(s.len(), 2);
    }

    #[test]
    fn words_drop_punctuation() {
        assert_eq!(
            words("Putin-Trump call, 6th!"),
            vec!["Putin", "Trump", "call", "6th"]
        );
    }
}
