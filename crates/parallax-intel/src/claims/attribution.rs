//! Who says it: the speaker of a reported statement or a quote ("Ushakov said", "according to the
//! Kremlin", "said Kremlin aide Yuri Ushakov", "Putin's aide added", "he told reporters").
//!
//! Names are runs of capitalised words next to a verb of speech; a role noun after a name ("Putin's
//! aide") is kept with it. Pronouns are returned as such and resolved by the caller to the last
//! speaker named earlier in the same article. English patterns only.

use super::text::{Kind, Tok, is_pronoun, is_speech_verb};

/// A speaker as written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Speaker {
    /// A name or a named role ("Yuri Ushakov", "Kremlin", "Putin's aide").
    Named(String),
    /// "he", "she", ...: to be resolved from the context.
    Pronoun,
}

/// Words that may sit between a speaker and the verb ("Ushakov *also* noted").
fn is_adverb(w: &str) -> bool {
    matches!(
        w,
        "also"
            | "later"
            | "earlier"
            | "again"
            | "further"
            | "previously"
            | "then"
            | "has"
            | "have"
            | "had"
            | "reportedly"
            | "repeatedly"
            | "once"
            | "separately"
            | "subsequently"
            | "publicly"
            | "privately"
            | "recently"
            | "first"
            | "just"
            | "himself"
            | "herself"
    )
}

/// Role nouns that name a speaker together with the name before them ("Putin's aide").
fn is_role(w: &str) -> bool {
    matches!(
        w,
        "aide"
            | "adviser"
            | "advisor"
            | "spokesman"
            | "spokeswoman"
            | "spokesperson"
            | "official"
            | "officials"
            | "minister"
            | "ministry"
            | "president"
            | "secretary"
            | "office"
            | "statement"
            | "readout"
            | "government"
            | "embassy"
            | "military"
            | "army"
            | "police"
            | "service"
            | "press"
            | "mayor"
            | "governor"
            | "prosecutor"
            | "prosecutors"
            | "lawyer"
            | "lawyers"
            | "attorney"
            | "witnesses"
            | "witness"
            | "residents"
            | "analysts"
            | "experts"
            | "researchers"
            | "scientists"
            | "authorities"
            | "sources"
            | "source"
            | "agency"
            | "company"
    )
}

/// Titles that may precede a name.
fn is_title(w: &str) -> bool {
    matches!(
        w,
        "president"
            | "minister"
            | "chancellor"
            | "secretary"
            | "senator"
            | "sen"
            | "rep"
            | "gov"
            | "governor"
            | "mayor"
            | "mr"
            | "mrs"
            | "ms"
            | "dr"
            | "king"
            | "queen"
            | "pope"
            | "general"
            | "gen"
            | "prince"
            | "princess"
            | "premier"
            | "ambassador"
            | "spokesman"
            | "spokeswoman"
            | "aide"
            | "adviser"
            | "advisor"
    )
}

/// Capitalised words that start sentences without naming anyone.
fn is_opener(w: &str) -> bool {
    matches!(
        w,
        "the"
            | "a"
            | "an"
            | "this"
            | "that"
            | "these"
            | "those"
            | "it"
            | "in"
            | "on"
            | "at"
            | "as"
            | "but"
            | "and"
            | "asked"
            | "when"
            | "while"
            | "after"
            | "before"
            | "earlier"
            | "later"
            | "meanwhile"
            | "however"
            | "also"
            | "then"
            | "so"
            | "our"
            | "their"
            | "his"
            | "her"
    )
}

fn cap_word(t: &Tok) -> bool {
    t.kind == Kind::Word && t.cap
}

/// The name ending at token `last` (inclusive), walking back over capitalised words; a role noun at
/// `last` takes the capitalised words before it too. `None` when there is no name there.
fn name_ending_at(text: &str, t: &[Tok], last: usize) -> Option<Speaker> {
    name_span(text, t, last).map(|(_, s)| s)
}

/// [`name_ending_at`] with the index of the name's first token.
fn name_span(text: &str, t: &[Tok], last: usize) -> Option<(usize, Speaker)> {
    let tok = &t[last];
    if tok.kind != Kind::Word {
        return None;
    }
    if is_pronoun(&tok.lower) {
        return (tok.lower != "it").then_some((last, Speaker::Pronoun));
    }
    let role = !tok.cap && is_role(&tok.lower);
    if !tok.cap && !role {
        return None;
    }
    let possessive = |k: usize| {
        let w = &text[t[k].start..t[k].end];
        w.ends_with("'s") || w.ends_with("’s")
    };
    let mut first = last;
    while first > 0 && cap_word(&t[first - 1]) {
        // A possessive starts a role phrase ("Putin's aide") but ends a name ("Russia's Putin").
        if possessive(first - 1) && !(role && first == last) {
            break;
        }
        first -= 1;
        if possessive(first) {
            break;
        }
    }
    if role && first == last {
        // "the mayor said", "officials said".
        return Some((last, Speaker::Named(text[tok.start..tok.end].to_string())));
    }
    while first <= last && t[first].cap && is_opener(&t[first].lower) {
        first += 1;
    }
    if first > last {
        return None;
    }
    // Titles before a name go ("US President Donald Trump" is "Donald Trump").
    if !role && let Some(k) = (first..last).rev().find(|&k| is_title(&t[k].lower)) {
        first = k + 1;
    }
    let name = text[t[first].start..tok.end].trim();
    (!name.is_empty()).then(|| (first, Speaker::Named(name.to_string())))
}

/// The subject of the speech verb at `v`, looking back over adverbs.
fn subject_before(text: &str, t: &[Tok], v: usize) -> Option<Speaker> {
    let mut k = v;
    while k > 0 {
        k -= 1;
        if t[k].kind == Kind::Word && is_adverb(&t[k].lower) && !t[k].cap {
            continue;
        }
        return name_ending_at(text, t, k);
    }
    None
}

/// A name right after the speech verb at `v` ("said Kremlin aide Yuri Ushakov"): the last run of
/// capitalised words before the clause ends.
fn subject_after(text: &str, t: &[Tok], v: usize) -> Option<Speaker> {
    let mut last_cap = None;
    for (k, tok) in t.iter().enumerate().skip(v + 1).take(7) {
        if tok.kind == Kind::Punct || tok.lower == "that" {
            break;
        }
        if cap_word(tok) {
            last_cap = Some(k);
        } else if tok.lower == "the"
            || is_role(&tok.lower)
            || (last_cap.is_none() && tok.lower.chars().count() > 2)
        {
            continue;
        } else {
            break;
        }
    }
    name_ending_at(text, t, last_cap?)
}

/// "according to NAME" anywhere in `t`.
fn according_to(text: &str, t: &[Tok]) -> Option<Speaker> {
    let k = t
        .windows(2)
        .position(|w| w[0].lower == "according" && w[1].lower == "to")?;
    let mut end = None;
    for (x, tok) in t.iter().enumerate().skip(k + 2).take(6) {
        if cap_word(tok) || (end.is_none() && tok.lower == "the") {
            if cap_word(tok) {
                end = Some(x);
            }
        } else {
            break;
        }
    }
    name_ending_at(text, t, end?)
}

/// The speaker of a sentence that reports speech: "according to X", or the subject of its first
/// verb of speech that has one ("X said that ...", "..., X said.", "..., said X").
pub(crate) fn statement_speaker(text: &str, t: &[Tok]) -> Option<Speaker> {
    if let Some(s) = according_to(text, t) {
        return Some(s);
    }
    for (v, tok) in t.iter().enumerate() {
        if tok.kind != Kind::Word || tok.cap && v > 0 || !is_speech_verb(&tok.lower) {
            continue;
        }
        if let Some(s) = subject_before(text, t, v) {
            return Some(s);
        }
        // "..., said Ushakov." — only when the verb follows a comma or quote.
        if v > 0
            && t[v - 1].kind == Kind::Punct
            && let Some(s) = subject_after(text, t, v)
        {
            return Some(s);
        }
    }
    None
}

/// The speaker of a quote from the words after it, up to the end of the clause: `, Ushakov said`,
/// `, said Ushakov`, `," he told reporters`.
pub(crate) fn speaker_after_quote(text: &str) -> Option<Speaker> {
    let t = super::text::tokenize(text);
    let mut k = 0;
    while k < t.len()
        && t[k].kind == Kind::Punct
        && matches!(t[k].lower.as_str(), "," | "—" | "–" | "-")
    {
        k += 1;
    }
    let t = &t[k..];
    // NAME (adverbs) VERB
    let mut v = None;
    for (x, tok) in t.iter().enumerate().take(8) {
        if tok.kind == Kind::Punct {
            break;
        }
        if !tok.cap && is_speech_verb(&tok.lower) {
            v = Some(x);
            break;
        }
    }
    let v = v?;
    if v == 0 {
        return subject_after(text, t, 0);
    }
    subject_before(text, t, v)
}

/// The speaker of a quote from the words before it in its sentence: the subject of the last verb of
/// speech that has one ("Ushakov described the conversation as", "he replied:"), "according to
/// X", or "X:" right before the quote.
pub(crate) fn speaker_before_quote(text: &str) -> Option<Speaker> {
    let t = super::text::tokenize(text);
    if t.len() >= 2 && t[t.len() - 1].is_punct(':') {
        // "Trump: “...”" — a name that opens its clause.
        if let Some((first, s @ Speaker::Named(_))) = name_span(text, &t, t.len() - 2)
            && (first == 0 || t[first - 1].kind == Kind::Punct)
        {
            return Some(s);
        }
    }
    for v in (0..t.len()).rev() {
        if t[v].kind == Kind::Word
            && !t[v].cap
            && is_speech_verb(&t[v].lower)
            && let Some(s) = subject_before(text, &t, v)
        {
            return Some(s);
        }
    }
    according_to(text, &t)
}

/// The name a sentence opens with ("Mayor Jane Smith spoke ..." → "Jane Smith"): two capitalised
/// words or more, titles left out, for resolving a later "she said".
pub(crate) fn leading_name(text: &str, t: &[Tok]) -> Option<String> {
    let mut k = 0;
    while k < t.len() && cap_word(&t[k]) && is_opener(&t[k].lower) {
        k += 1;
    }
    let start = k;
    while k < t.len() && cap_word(&t[k]) {
        k += 1;
    }
    if k == start || t.get(k).is_some_and(|x| x.kind == Kind::Word && x.cap) {
        return None;
    }
    match name_span(text, t, k - 1)? {
        (first, Speaker::Named(n)) if k - first >= 2 && n.split_whitespace().count() >= 2 => {
            Some(n)
        }
        _ => None,
    }
}

/// The key under which spellings of one speaker meet: a role phrase as a whole, otherwise the last
/// word of the name ("Yuri Ushakov", "Yury Ushakov" and "Ushakov" share "ushakov").
pub(crate) fn speaker_key(name: &str) -> String {
    let t = super::text::tokenize(name);
    if t.iter().any(|x| x.kind == Kind::Word && !x.cap) {
        return t
            .iter()
            .map(|x| x.lower.as_str())
            .collect::<Vec<_>>()
            .join(" ");
    }
    t.iter()
        .rev()
        .find(|x| x.kind == Kind::Word)
        .map_or_else(|| name.to_lowercase(), |x| x.lower.clone())
}

#[cfg(test)]
mod tests {
    use super::super::text::tokenize;
    use super::*;

    fn stmt(s: &str) -> Option<Speaker> {
        statement_speaker(s, &tokenize(s))
    }

    fn named(s: &str) -> Option<Speaker> {
        Some(Speaker::Named(s.to_string()))
    }

    #[test]
    fn statements() {
        assert_eq!(
            stmt("According to Ushakov, the conversation lasted almost an hour."),
            named("Ushakov")
        );
        assert_eq!(
            stmt("Ushakov also noted that Trump again raised the issue."),
            named("Ushakov")
        );
        assert_eq!(
            stmt("Putin's aide added that the talks will remain bilateral."),
            named("Putin's aide")
        );
        assert_eq!(
            stmt("Putin reaffirmed the commitment, presidential aide Yury Ushakov said."),
            named("Yury Ushakov")
        );
        assert_eq!(
            stmt("The Kremlin said that they did not discuss it."),
            named("Kremlin")
        );
        assert_eq!(
            stmt("He added that the Kremlin leader agreed."),
            Some(Speaker::Pronoun)
        );
        assert_eq!(stmt("The call followed a Pentagon decision."), None);
        assert_eq!(stmt("The deal is done, the mayor said."), named("mayor"));
        let s = "Mayor Jane Smith spoke at the harbour.";
        assert_eq!(leading_name(s, &tokenize(s)).as_deref(), Some("Jane Smith"));
        let s = "Trump spoke.";
        assert_eq!(leading_name(s, &tokenize(s)), None);
        assert_eq!(
            stmt("The talks, said Kremlin aide Yuri Ushakov, were frank."),
            named("Yuri Ushakov")
        );
    }

    #[test]
    fn quotes() {
        assert_eq!(speaker_after_quote(", Ushakov said."), named("Ushakov"));
        assert_eq!(
            speaker_after_quote(" Ushakov told reporters after the call."),
            named("Ushakov")
        );
        assert_eq!(
            speaker_after_quote(", said Kremlin aide Yuri Ushakov."),
            named("Yuri Ushakov")
        );
        assert_eq!(
            speaker_after_quote(" he told reporters."),
            Some(Speaker::Pronoun)
        );
        assert_eq!(speaker_after_quote(". The call ended."), None);
        assert_eq!(
            speaker_before_quote("Kremlin adviser Yuri Ushakov described the conversation as "),
            named("Yuri Ushakov")
        );
        assert_eq!(
            speaker_before_quote("Asked about progress, he replied: "),
            Some(Speaker::Pronoun)
        );
        assert_eq!(
            speaker_before_quote("On Ukraine, Putin told Trump that he is "),
            named("Putin")
        );
        assert_eq!(speaker_before_quote("Trump: "), named("Trump"));
        assert_eq!(speaker_before_quote("He had to go and call Trump: "), None);
        assert_eq!(
            stmt("US President Donald Trump said it went well."),
            named("Donald Trump")
        );
        assert_eq!(speaker_key("Yury Ushakov"), "ushakov");
        assert_eq!(speaker_key("Putin's aide"), "putin aide");
    }
}
