use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// A machine translation of one text (an article title or a summary sentence), as the store caches
/// it. The original is never replaced: it stays where it is (in its article or story) and a
/// translation is only ever shown beside it, labelled with its backend.
///
/// The cache key is ([`Translation::text_hash`], [`Translation::source_language`],
/// [`Translation::target_language`], [`Translation::backend`]).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Translation {
    /// [`Translation::hash_of`] the original text, exactly as stored.
    pub text_hash: String,
    /// The language of the original (ISO 639-1 code), or `auto` when the backend detected it.
    pub source_language: String,
    /// The language of the translation (ISO 639-1 code, e.g. `en`).
    pub target_language: String,
    /// The backend that made it, e.g. `libretranslate` or `openai`.
    pub backend: String,
    /// The backend's model, when it names one.
    pub model: Option<String>,
    /// The translated text.
    pub text: String,
    /// When it was made.
    pub translated_at: DateTime<Utc>,
}

impl Translation {
    /// The key of an original text in the translation cache: the hex SHA-256 of its exact text.
    pub fn hash_of(original: &str) -> String {
        crate::content_hash(original)
    }
}

/// Whether two language codes name the same language: `en`, `EN` and `en-GB` do, `en` and `de` do
/// not. Only the primary subtag counts, case-insensitively.
pub fn same_language(a: &str, b: &str) -> bool {
    fn primary(s: &str) -> &str {
        s.trim().split(['-', '_']).next().unwrap_or("")
    }
    let (a, b) = (primary(a), primary(b));
    !a.is_empty() && a.eq_ignore_ascii_case(b)
}

/// Whether `code` looks like a language code: 2 or 3 ASCII letters, optionally one region or
/// script subtag (`pt-BR`, `zh-Hans`). Such a code is safe to put in an HTML `lang` attribute.
pub fn is_language_code(code: &str) -> bool {
    let mut parts = code.split('-');
    let primary = parts.next().unwrap_or("");
    let rest: Vec<&str> = parts.collect();
    (2..=3).contains(&primary.len())
        && primary.chars().all(|c| c.is_ascii_alphabetic())
        && rest.len() <= 1
        && rest
            .iter()
            .all(|r| (2..=4).contains(&r.len()) && r.chars().all(|c| c.is_ascii_alphanumeric()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn languages_compare_by_primary_subtag() {
        assert!(same_language("en", "en"));
        assert!(same_language("EN", "en-GB"));
        assert!(same_language("pt_BR", "pt"));
        assert!(!same_language("en", "de"));
        assert!(!same_language("", ""));
    }

    #[test]
    fn language_codes() {
        for ok in ["en", "fra", "pt-BR", "zh-Hans"] {
            assert!(is_language_code(ok), "{ok}");
        }
        for bad in ["", "e", "english", "en-", "en-US-x", "e1", "en\"><"] {
            assert!(!is_language_code(bad), "{bad}");
        }
    }

    #[test]
    fn hash_is_of_the_exact_text() {
        assert_eq!(Translation::hash_of("a"), crate::content_hash("a"));
        assert_ne!(Translation::hash_of("a"), Translation::hash_of("a "));
    }
}
