//! Machine translations beside the originals: which cached translation goes with which title and
//! summary sentence of a story, and how it is labelled.

use chrono::{DateTime, Utc};
use parallax_core::{ArticleId, Store, Translation, same_language};
use serde::Serialize;
use std::collections::HashMap;

/// The language translations are shown in when neither the operator nor the reader chose one.
pub const DEFAULT_LANGUAGE: &str = "en";

/// A cached machine translation as pages and the API show it: always next to its original, never
/// instead of it.
#[derive(Clone, Debug, PartialEq, Serialize, utoipa::ToSchema)]
pub struct TranslationView {
    /// The translated text.
    pub text: String,
    /// Its language.
    pub language: String,
    /// The language it was translated from.
    pub source_language: String,
    /// The backend that made it (`libretranslate`, `openai`).
    pub backend: String,
    /// The backend's model, when it named one.
    pub model: Option<String>,
    /// What readers see next to it: "machine translation (libretranslate)".
    pub label: String,
    /// When it was made.
    pub translated_at: DateTime<Utc>,
}

/// One summary bullet: the sentence as written, its language, and its translation when one is
/// cached.
#[derive(Clone, Debug, PartialEq, Serialize, utoipa::ToSchema)]
pub struct BulletView {
    /// The sentence, as written in the article it was taken from.
    pub text: String,
    /// Every article that states it; the first is the one the text was taken from.
    pub citations: Vec<ArticleId>,
    /// The sentence's language: the language of the article it was taken from, when known.
    pub language: Option<String>,
    /// Its machine translation into the reader's language, when the sentence is in another
    /// language and a translation is cached.
    pub translation: Option<TranslationView>,
}

/// "machine translation (libretranslate)", "machine translation (openai, gpt-4o-mini)".
pub fn machine_translation_label(backend: &str, model: Option<&str>) -> String {
    match model.map(str::trim).filter(|m| !m.is_empty()) {
        Some(m) => format!("machine translation ({backend}, {m})"),
        None => format!("machine translation ({backend})"),
    }
}

fn view(t: Translation) -> TranslationView {
    TranslationView {
        label: machine_translation_label(&t.backend, t.model.as_deref()),
        text: t.text,
        language: t.target_language,
        source_language: t.source_language,
        backend: t.backend,
        model: t.model,
        translated_at: t.translated_at,
    }
}

/// Whether a text in `language` needs a translation for a reader of `reader`.
pub fn is_foreign(language: Option<&str>, reader: &str) -> bool {
    language.is_some_and(|l| !l.trim().is_empty() && !same_language(l, reader))
}

/// The cached translations into `reader` of these (text, language) pairs, found in one store
/// call: for each text, the newest translation made from its language (or from `auto`). Texts
/// in the reader's language or of unknown language get none.
pub(crate) fn lookup(
    store: &dyn Store,
    texts: &[(&str, Option<&str>)],
    reader: &str,
) -> parallax_core::Result<HashMap<(String, String), TranslationView>> {
    let wanted: Vec<(String, &str)> = texts
        .iter()
        .filter(|(t, l)| !t.trim().is_empty() && is_foreign(*l, reader))
        .map(|(t, l)| (Translation::hash_of(t), l.unwrap_or_default()))
        .collect();
    if wanted.is_empty() {
        return Ok(HashMap::new());
    }
    let mut hashes: Vec<String> = wanted.iter().map(|(h, _)| h.clone()).collect();
    hashes.sort();
    hashes.dedup();
    let mut best: HashMap<(String, String), Translation> = HashMap::new();
    for t in store.translations(&hashes, reader)? {
        for (hash, lang) in &wanted {
            let matches = *hash == t.text_hash
                && (same_language(&t.source_language, lang) || t.source_language == "auto");
            if !matches || t.text.trim().is_empty() {
                continue;
            }
            let key = (hash.clone(), lang.to_string());
            let newer = best
                .get(&key)
                .is_none_or(|b| t.translated_at > b.translated_at);
            if newer {
                best.insert(key, t.clone());
            }
        }
    }
    Ok(best.into_iter().map(|(k, t)| (k, view(t))).collect())
}

/// The key [`lookup`] files a text's translation under.
pub(crate) fn key(text: &str, language: Option<&str>) -> (String, String) {
    (
        Translation::hash_of(text),
        language.unwrap_or_default().to_string(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_name_the_backend_and_model() {
        assert_eq!(
            machine_translation_label("libretranslate", None),
            "machine translation (libretranslate)"
        );
        assert_eq!(
            machine_translation_label("openai", Some("gpt-4o-mini")),
            "machine translation (openai, gpt-4o-mini)"
        );
        assert!(is_foreign(Some("fr"), "en"));
        assert!(!is_foreign(Some("en-GB"), "en"));
        assert!(!is_foreign(None, "en"));
    }
}
