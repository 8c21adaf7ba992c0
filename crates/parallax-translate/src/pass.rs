//! The translation pass: find foreign-language titles and summary sentences of recent stories,
//! translate the ones not cached yet, cache them.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use parallax_core::{Article, ArticleId, Store, Story, Translation, same_language};

use crate::{Settings, TranslateError, Translator};

/// What one pass does.
#[derive(Debug, Clone, PartialEq)]
pub struct PassOptions {
    /// The language to translate into.
    pub target: String,
    /// The most texts translated by this pass (the others wait for a later one).
    pub max_texts: usize,
    /// The most texts in one request.
    pub batch_size: usize,
    /// How many of the most recently updated stories to look at.
    pub max_stories: usize,
    /// Texts longer than this (in characters) are left untranslated.
    pub max_text_chars: usize,
    /// Only stories updated after this time (the background worker passes the newest time it
    /// has fully handled); `None` looks at all of the `max_stories`.
    pub since: Option<DateTime<Utc>>,
}

impl PassOptions {
    /// The options of a full pass under these settings.
    pub fn from_settings(settings: &Settings) -> Self {
        PassOptions {
            target: settings.target.trim().to_string(),
            max_texts: settings.max_per_pass,
            batch_size: settings.batch_size.max(1),
            max_stories: settings.max_stories_per_pass,
            max_text_chars: settings.max_text_chars,
            since: None,
        }
    }
}

/// What a pass did.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PassReport {
    /// Stories looked at.
    pub stories: usize,
    /// Distinct foreign-language texts found (titles and summary sentences).
    pub wanted: usize,
    /// Of those, the ones already cached (by this backend).
    pub cached: usize,
    /// Texts translated and cached by this pass.
    pub translated: usize,
    /// Requests sent to the backend (one per batch, retries not counted).
    pub requests: usize,
    /// Texts still to translate: over the pass's limit, or not reached because the backend
    /// failed.
    pub left: usize,
    /// Source languages whose batch the server refused (a language it lacks), with why; their
    /// texts were skipped for this pass.
    pub refused: Vec<(String, TranslateError)>,
    /// Why the pass gave up, when the backend failed (down, too slow, refusing the key,
    /// answering nonsense). Nothing after the failure was sent.
    pub failure: Option<TranslateError>,
    /// The latest `last_updated` among the stories looked at.
    pub newest: Option<DateTime<Utc>>,
}

impl PassReport {
    /// Whether every text found is now cached or was refused: nothing left for a later pass.
    pub fn complete(&self) -> bool {
        self.failure.is_none() && self.left == 0
    }
}

struct Candidate {
    text: String,
    hash: String,
    language: String,
}

/// The language of `lang` when it is known and is not `target`.
fn foreign<'a>(lang: Option<&'a str>, target: &str) -> Option<&'a str> {
    lang.map(str::trim)
        .filter(|l| !l.is_empty() && !l.eq_ignore_ascii_case("unknown"))
        .filter(|l| !same_language(l, target))
}

fn members(store: &dyn Store, story: &Story) -> parallax_core::Result<Vec<Article>> {
    let articles = store.story_articles(&story.id)?;
    if !articles.is_empty() {
        return Ok(articles);
    }
    let mut out = Vec::new();
    for id in &story.articles {
        if let Some(a) = store.article(id)? {
            out.push(a);
        }
    }
    Ok(out)
}

/// One translation pass over the most recently updated stories: the titles of their articles
/// whose language is not `options.target`, and their summary sentences whose article (the first
/// one cited) is in another language. Texts already cached for this backend are skipped; the
/// others are sent in batches of one source language, at most `options.max_texts` of them, and
/// cached batch by batch.
///
/// Texts of unknown language are left alone. A batch the server refuses
/// ([`TranslateError::is_refusal`]) skips its language for this pass; any other backend failure
/// ends the pass at once, with the failure in [`PassReport::failure`] and everything cached so
/// far kept. Only a store error is an `Err`. The originals are never changed.
pub async fn translate_pass(
    store: &dyn Store,
    translator: &dyn Translator,
    options: &PassOptions,
) -> parallax_core::Result<PassReport> {
    let target = options.target.as_str();
    let mut report = PassReport::default();
    let mut seen: HashSet<(String, String)> = HashSet::new();
    let mut candidates: Vec<Candidate> = Vec::new();
    let mut push = |text: &str, language: &str| {
        if text.trim().is_empty() || text.chars().count() > options.max_text_chars {
            return;
        }
        let hash = Translation::hash_of(text);
        if seen.insert((hash.clone(), language.to_string())) {
            candidates.push(Candidate {
                text: text.to_string(),
                hash,
                language: language.to_string(),
            });
        }
    };
    for story in store.stories(options.max_stories, 0)? {
        if options
            .since
            .is_some_and(|since| story.last_updated <= since)
        {
            break; // stories come most recently updated first
        }
        report.stories += 1;
        report.newest = report.newest.max(Some(story.last_updated));
        let articles = members(store, &story)?;
        let language: HashMap<&ArticleId, Option<&str>> = articles
            .iter()
            .map(|a| (&a.id, a.language.as_deref()))
            .collect();
        for a in &articles {
            if let Some(lang) = foreign(a.language.as_deref(), target) {
                push(&a.title, lang);
            }
        }
        for bullet in &story.summary {
            let lang = bullet
                .citations
                .first()
                .and_then(|id| language.get(id).copied().flatten());
            if let Some(lang) = foreign(lang, target) {
                push(&bullet.text, lang);
            }
        }
    }
    report.wanted = candidates.len();

    let mut cached: HashSet<(String, String)> = HashSet::new();
    for chunk in candidates.chunks(500) {
        let hashes: Vec<String> = chunk.iter().map(|c| c.hash.clone()).collect();
        for t in store.translations(&hashes, target)? {
            if t.backend == translator.backend() {
                cached.insert((t.text_hash, t.source_language));
            }
        }
    }
    let todo: Vec<&Candidate> = candidates
        .iter()
        .filter(|c| !cached.contains(&(c.hash.clone(), c.language.clone())))
        .collect();
    report.cached = candidates.len() - todo.len();
    let now_count = todo.len().min(options.max_texts);
    report.left = todo.len() - now_count;

    // One source language per request, languages in the order they were first met.
    let mut groups: Vec<(&str, Vec<&Candidate>)> = Vec::new();
    for c in &todo[..now_count] {
        match groups.iter_mut().find(|(l, _)| *l == c.language) {
            Some((_, g)) => g.push(c),
            None => groups.push((c.language.as_str(), vec![c])),
        }
    }
    let mut remaining = now_count;
    for (lang, group) in groups {
        let batch_size = options.batch_size.max(1);
        for (i, batch) in group.chunks(batch_size).enumerate() {
            let texts: Vec<String> = batch.iter().map(|c| c.text.clone()).collect();
            report.requests += 1;
            let result = translator.translate(&texts, Some(lang), target).await;
            let result = result.and_then(|out| {
                if out.len() == texts.len() {
                    Ok(out)
                } else {
                    Err(TranslateError::CountMismatch {
                        endpoint: translator.endpoint().to_string(),
                        expected: texts.len(),
                        got: out.len(),
                    })
                }
            });
            match result {
                Ok(out) => {
                    let at = Utc::now();
                    let rows: Vec<Translation> = batch
                        .iter()
                        .zip(out)
                        .filter(|(_, t)| !t.trim().is_empty())
                        .map(|(c, t)| Translation {
                            text_hash: c.hash.clone(),
                            source_language: c.language.clone(),
                            target_language: target.to_string(),
                            backend: translator.backend().to_string(),
                            model: translator.model().map(str::to_string),
                            text: t,
                            translated_at: at,
                        })
                        .collect();
                    store.save_translations(&rows)?;
                    report.translated += rows.len();
                    remaining -= batch.len();
                }
                Err(e) if e.is_refusal() => {
                    tracing::info!(language = lang, error = %e.user_message(), "translation refused for a language");
                    remaining -= group.len() - i * batch_size;
                    report.refused.push((lang.to_string(), e));
                    break;
                }
                Err(e) => {
                    report.left += remaining;
                    report.failure = Some(e);
                    return Ok(report);
                }
            }
        }
    }
    Ok(report)
}
