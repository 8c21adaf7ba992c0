//! Language-independent lexical evidence that two articles report the same story: shared terms
//! (TF-IDF), shared names, shared numbers and a shared headline vocabulary. Names and numbers are
//! written alike in most languages that share a script, so they carry across languages where the
//! words do not.

use parallax_text::{Analyzer, is_stop_word, named_entities, numbers, sentences};
use std::collections::{BTreeMap, HashMap, HashSet};

/// Characters of a word kept in a name or headline key: enough to tell names apart, few enough
/// that inflected forms meet ("Trump" / "Trumpa", "Bidens" / "Biden").
const KEY_CHARS: usize = 5;

/// The lexical view of one text, computed once.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct TextProfile {
    /// Index terms (stemmed words; CJK as character bigrams) with their counts.
    pub terms: BTreeMap<String, u32>,
    /// Keys of the words of the named entities found.
    pub names: HashSet<String>,
    /// Numbers written with digits.
    pub numbers: HashSet<String>,
    /// Keys of the content words of the first sentence (the headline in this data).
    pub headline: HashSet<String>,
}

impl TextProfile {
    /// The profile of `text`, written in the ISO 639-1 language `lang`.
    pub fn new(text: &str, lang: Option<&str>) -> Self {
        let analyzer = Analyzer::new(lang);
        let mut terms = BTreeMap::new();
        for t in cjk_bigrams(analyzer.terms(text)) {
            *terms.entry(t).or_insert(0) += 1;
        }
        let names = named_entities(text)
            .iter()
            .flat_map(|e| e.split(' ').map(str::to_string).collect::<Vec<_>>())
            .filter(|w| w.chars().count() >= 2 && !is_stop_word(w) && !is_connector(w))
            .map(|w| key(&w))
            .collect();
        let numbers = numbers(text).into_iter().collect();
        let first = sentences(text).into_iter().next().unwrap_or_default();
        let headline = cjk_bigrams(
            parallax_text::words(&first)
                .iter()
                .map(|w| w.to_lowercase()),
        )
        .into_iter()
        .filter(|w| (w.chars().count() >= 3 || is_cjk_text(w)) && !is_stop_word(w))
        .map(|w| key(&w))
        .collect();
        TextProfile {
            terms,
            names,
            numbers,
            headline,
        }
    }
}

fn is_connector(w: &str) -> bool {
    matches!(
        w,
        "of" | "de" | "da" | "del" | "der" | "van" | "von" | "al" | "bin" | "la" | "le"
    )
}

/// The first [`KEY_CHARS`] characters of a lower-cased word, without diacritics on Latin letters.
fn key(word: &str) -> String {
    word.chars()
        .flat_map(char::to_lowercase)
        .map(fold_latin)
        .take(KEY_CHARS)
        .collect()
}

/// Strips the diacritic of the common accented Latin letters ("é" → "e", "ł" → "l").
fn fold_latin(c: char) -> char {
    match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' | 'ą' | 'ă' => 'a',
        'ç' | 'ć' | 'č' => 'c',
        'ď' | 'đ' => 'd',
        'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ę' | 'ě' => 'e',
        'ğ' => 'g',
        'ì' | 'í' | 'î' | 'ï' | 'ı' | 'ī' => 'i',
        'ł' | 'ľ' => 'l',
        'ñ' | 'ń' | 'ň' => 'n',
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ō' | 'ő' => 'o',
        'ř' => 'r',
        'ś' | 'š' | 'ş' | 'ș' => 's',
        'ť' | 'ţ' | 'ț' => 't',
        'ù' | 'ú' | 'û' | 'ü' | 'ū' | 'ů' | 'ű' => 'u',
        'ý' | 'ÿ' => 'y',
        'ź' | 'ż' | 'ž' => 'z',
        _ => c,
    }
}

fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x3040..=0x30FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0xAC00..=0xD7AF)
}

fn is_cjk_text(w: &str) -> bool {
    w.chars().next().is_some_and(is_cjk)
}

/// Word segmentation splits Chinese and Japanese into single characters; runs of them become
/// overlapping character bigrams (a lone character stays as it is). Other words pass through.
fn cjk_bigrams(words: impl IntoIterator<Item = String>) -> Vec<String> {
    let mut out = Vec::new();
    let mut run: Vec<char> = Vec::new();
    let flush = |run: &mut Vec<char>, out: &mut Vec<String>| {
        match run.len() {
            0 => {}
            1 => out.push(run[0].to_string()),
            _ => out.extend(run.windows(2).map(|w| w.iter().collect())),
        }
        run.clear();
    };
    for w in words {
        let mut chars = w.chars();
        match (chars.next(), chars.next()) {
            (Some(c), None) if is_cjk(c) => run.push(c),
            _ => {
                flush(&mut run, &mut out);
                out.push(w);
            }
        }
    }
    flush(&mut run, &mut out);
    out
}

/// Inverse document frequencies of the terms of `profiles`: `ln((N + 1) / (df + 1)) + 1`.
pub fn idf(profiles: &[&TextProfile]) -> HashMap<String, f64> {
    let mut df: HashMap<&str, u32> = HashMap::new();
    for p in profiles {
        for t in p.terms.keys() {
            *df.entry(t).or_insert(0) += 1;
        }
    }
    let n = profiles.len() as f64;
    df.into_iter()
        .map(|(t, d)| (t.to_string(), ((n + 1.0) / (f64::from(d) + 1.0)).ln() + 1.0))
        .collect()
}

/// Cosine of the two texts' TF-IDF vectors (sublinear term frequency `1 + ln tf`; terms missing
/// from `idf` weigh as the rarest).
pub fn term_cosine(a: &TextProfile, b: &TextProfile, idf: &HashMap<String, f64>) -> f64 {
    let max_idf = idf.values().copied().fold(1.0, f64::max);
    let weight =
        |t: &str, tf: u32| (1.0 + f64::from(tf).ln()) * idf.get(t).copied().unwrap_or(max_idf);
    let norm = |p: &TextProfile| {
        p.terms
            .iter()
            .map(|(t, &tf)| weight(t, tf).powi(2))
            .sum::<f64>()
            .sqrt()
    };
    let (na, nb) = (norm(a), norm(b));
    if na == 0.0 || nb == 0.0 {
        return 0.0;
    }
    let dot: f64 = a
        .terms
        .iter()
        .filter_map(|(t, &tf)| b.terms.get(t).map(|&tg| weight(t, tf) * weight(t, tg)))
        .sum();
    dot / (na * nb)
}

/// Overlap of two sets as the cosine of their indicator vectors, `|A ∩ B| / √(|A|·|B|)`; 0 when
/// either is empty.
pub fn set_cosine(a: &HashSet<String>, b: &HashSet<String>) -> f64 {
    if a.is_empty() || b.is_empty() {
        return 0.0;
    }
    let shared = a.intersection(b).count();
    shared as f64 / ((a.len() * b.len()) as f64).sqrt()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(xs: &[&str]) -> HashSet<String> {
        xs.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn set_cosine_hand_computed() {
        // 2 shared of 4 and 2: 2 / √8.
        let v = set_cosine(&set(&["a", "b", "c", "d"]), &set(&["a", "b"]));
        assert!((v - 2.0 / 8f64.sqrt()).abs() < 1e-12);
        assert_eq!(set_cosine(&set(&[]), &set(&["a"])), 0.0);
        assert_eq!(set_cosine(&set(&["a"]), &set(&["a"])), 1.0);
    }

    #[test]
    fn names_meet_across_languages_and_inflection() {
        let en = TextProfile::new(
            "Donald Trump met Andrzej Duda in Warsaw on Monday.",
            Some("en"),
        );
        let pl = TextProfile::new(
            "Prezydent Andrzej Duda spotkał się z Donaldem Trumpem w Warszawie.",
            Some("pl"),
        );
        for k in ["andrz", "duda", "trump", "donal"] {
            assert!(en.names.contains(k), "{k} in {:?}", en.names);
            assert!(pl.names.contains(k), "{k} in {:?}", pl.names);
        }
        assert!(set_cosine(&en.names, &pl.names) > 0.5);
    }

    #[test]
    fn numbers_and_headline() {
        let p = TextProfile::new(
            "Spain passes China: 738 deaths in one day\nMadrid reported 738 deaths and 2,500 cases.",
            Some("en"),
        );
        assert!(p.numbers.contains("738") && p.numbers.contains("2500"));
        assert!(p.headline.contains("spain") && p.headline.contains("death"));
        assert!(!p.headline.contains("madri"));
    }

    #[test]
    fn chinese_becomes_bigrams() {
        let p = TextProfile::new("美国大使馆遭到袭击", Some("zh"));
        assert!(
            p.terms.contains_key("美国") && p.terms.contains_key("大使"),
            "{:?}",
            p.terms
        );
        let q = TextProfile::new("伊拉克美国大使馆", Some("zh"));
        let profiles = [&p, &q];
        let idf = idf(&profiles);
        let c = term_cosine(&p, &q, &idf);
        assert!(c > 0.2 && c < 1.0, "{c}");
        assert!((term_cosine(&p, &p, &idf) - 1.0).abs() < 1e-9);
    }

    #[test]
    fn term_cosine_hand_computed() {
        // Two documents, no shared terms → 0; identical → 1.
        let a = TextProfile::new("apples oranges", Some("en"));
        let b = TextProfile::new("tractors", Some("en"));
        let idf = idf(&[&a, &b]);
        assert_eq!(term_cosine(&a, &b, &idf), 0.0);
        // Shared "appl" only: a = {appl: w, orang: w}, c = {appl: w}: cosine 1/√2 (all idf equal
        // to ln(4/2)+1 except df... all terms have df 1 over {a, c}).
        let c = TextProfile::new("apple", Some("en"));
        let idf = super::idf(&[&a, &c]);
        // appl: df 2 → ln(3/3)+1 = 1; orang: df 1 → ln(3/2)+1.
        let w_or = (1.5f64).ln() + 1.0;
        let expected = 1.0 / (1.0 + w_or * w_or).sqrt();
        assert!((term_cosine(&a, &c, &idf) - expected).abs() < 1e-12);
        assert_eq!(term_cosine(&TextProfile::default(), &a, &idf), 0.0);
    }

    #[test]
    fn keys_fold_diacritics() {
        assert_eq!(key("Łódź"), "lodz");
        assert_eq!(key("Erdoğan"), "erdog");
        assert_eq!(key("Москва"), "москв");
    }
}
