//! Cross-lingual gist without a translator: for an article in another language than the
//! readers', which of its sentences say what the readers'-language articles of the story also say
//! (aligned by sentence-embedding similarity), and which are its own.
//!
//! Pure: the embedding model is passed in as a function. The work is bounded: at most
//! [`GIST_ARTICLES`] articles on each side (the earliest), their first [`GIST_SENTENCES`]
//! sentences of at least [`MIN_WORDS`] words, all embedded in one call.

use parallax_core::{
    Article, ArticleGist, ArticleId, GistMatch, GistSentence, cosine, same_language,
};

/// Two sentences in different languages say the same when their embeddings' cosine reaches this.
/// Measured with multilingual-e5-small on the project's four-language fixture
/// (`tests/data/multilingual`): translated sentences 0.894–0.951 with their English counterpart;
/// other sentences of the same story at most 0.880, except a headline against the lead that
/// repeats it (0.898).
pub const GIST_SIMILARITY: f32 = 0.89;
/// The embedding model as [`gists`] uses it: one vector per text, `None` when it fails.
pub type EmbedFn<'a> = dyn FnMut(&[&str]) -> Option<Vec<Vec<f32>>> + 'a;

/// Articles read on each side at most (the earliest).
pub const GIST_ARTICLES: usize = 5;
/// Sentences read per article at most (title first).
pub const GIST_SENTENCES: usize = 20;
/// Shorter sentences are left out (bylines, captions, fragments).
pub const MIN_WORDS: usize = 4;

fn sentences_of(a: &Article) -> Vec<String> {
    std::iter::once(a.title.clone())
        .chain(
            a.paragraphs
                .iter()
                .flat_map(|p| parallax_text::sentences(p)),
        )
        .map(|s| s.trim().to_string())
        .filter(|s| s.split_whitespace().count() >= MIN_WORDS)
        .take(GIST_SENTENCES)
        .collect()
}

/// The gists of the story's articles in a known language other than `reader`, when the story
/// also has articles in `reader`'s language; `embed` gives one vector per text (`None` when the
/// model fails: then no gist). `model` names the model in the result. Articles in story order.
pub fn gists(
    articles: &[Article],
    reader: &str,
    model: &str,
    embed: &mut EmbedFn<'_>,
) -> Vec<ArticleGist> {
    let known = |a: &&Article| a.language.as_deref().is_some_and(|l| !l.trim().is_empty());
    let readers: Vec<&Article> = articles
        .iter()
        .filter(known)
        .filter(|a| {
            a.language
                .as_deref()
                .is_some_and(|l| same_language(l, reader))
        })
        .take(GIST_ARTICLES)
        .collect();
    let foreign: Vec<&Article> = articles
        .iter()
        .filter(known)
        .filter(|a| {
            !a.language
                .as_deref()
                .is_some_and(|l| same_language(l, reader))
        })
        .take(GIST_ARTICLES)
        .collect();
    if readers.is_empty() || foreign.is_empty() {
        return Vec::new();
    }
    // Every sentence of both sides, embedded in one call.
    let reader_sents: Vec<(ArticleId, String)> = readers
        .iter()
        .flat_map(|a| sentences_of(a).into_iter().map(|s| (a.id.clone(), s)))
        .collect();
    let foreign_sents: Vec<Vec<String>> = foreign.iter().map(|a| sentences_of(a)).collect();
    let texts: Vec<&str> = reader_sents
        .iter()
        .map(|(_, s)| s.as_str())
        .chain(foreign_sents.iter().flatten().map(String::as_str))
        .collect();
    if texts.is_empty() {
        return Vec::new();
    }
    let Some(vectors) = embed(&texts).filter(|v| v.len() == texts.len()) else {
        return Vec::new();
    };
    let (reader_vecs, mut rest) = vectors.split_at(reader_sents.len());
    let mut out = Vec::with_capacity(foreign.len());
    for (a, sents) in foreign.iter().zip(&foreign_sents) {
        let (mine, tail) = rest.split_at(sents.len());
        rest = tail;
        let sentences = sents
            .iter()
            .zip(mine)
            .map(|(text, v)| {
                let best = reader_vecs
                    .iter()
                    .enumerate()
                    .map(|(k, r)| (k, cosine(v, r)))
                    .max_by(|x, y| x.1.total_cmp(&y.1).then(y.0.cmp(&x.0)));
                let also_in = best
                    .filter(|&(_, c)| c >= GIST_SIMILARITY)
                    .map(|(k, c)| GistMatch {
                        article: reader_sents[k].0.clone(),
                        sentence: reader_sents[k].1.clone(),
                        similarity: c,
                    });
                GistSentence {
                    text: text.clone(),
                    also_in,
                }
            })
            .collect();
        out.push(ArticleGist {
            article: a.id.clone(),
            language: a.language.clone().unwrap_or_default(),
            reader_language: reader.to_string(),
            model: model.to_string(),
            sentences,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use parallax_core::SourceId;

    fn article(key: &str, lang: &str, title: &str, text: &str) -> Article {
        Article {
            section: None,
            id: ArticleId::from_key(key),
            source: SourceId::unknown(),
            url: None,
            canonical_url: None,
            title: title.into(),
            byline: None,
            published: None,
            language: Some(lang.into()),
            paragraphs: vec![text.into()],
            content_hash: key.into(),
            fetched_at: chrono::DateTime::UNIX_EPOCH,
            origin: key.into(),
            warnings: Vec::new(),
            excerpts: Vec::new(),
            attribution: Default::default(),
        }
    }

    /// A stand-in model: a sentence's vector is set by a keyword it holds, so that "translations"
    /// share a vector.
    fn embed(texts: &[&str]) -> Option<Vec<Vec<f32>>> {
        Some(
            texts
                .iter()
                .map(|t| {
                    let mut v = vec![0.01f32; 4];
                    for (i, k) in ["quake", "mayor", "minister"].iter().enumerate() {
                        if t.contains(k) {
                            v[i] = 1.0;
                        }
                    }
                    if t.contains("football") {
                        v[3] = 1.0;
                    }
                    v
                })
                .collect(),
        )
    }

    #[test]
    fn shared_sentences_are_aligned_and_the_rest_is_its_own() {
        let en = article(
            "en",
            "en",
            "The quake hit the island today",
            "The mayor said forty houses were damaged. The minister will send engineers soon.",
        );
        let de = article(
            "de",
            "de",
            "Das quake traf heute die Insel",
            "Der mayor sagte, vierzig Häuser seien beschädigt. Der football Verein sagte das Spiel ab.",
        );
        let g = gists(&[en.clone(), de.clone()], "en", "fake", &mut |t| embed(t));
        assert_eq!(g.len(), 1);
        let g = &g[0];
        assert_eq!(g.article, de.id);
        assert_eq!(g.language, "de");
        assert_eq!(g.sentences.len(), 3);
        let m = g.sentences[0].also_in.as_ref().unwrap();
        assert_eq!(m.article, en.id);
        assert_eq!(m.sentence, "The quake hit the island today");
        assert_eq!(
            g.sentences[1].also_in.as_ref().unwrap().sentence,
            "The mayor said forty houses were damaged."
        );
        assert!(g.sentences[2].also_in.is_none(), "{:?}", g.sentences[2]);
    }

    #[test]
    fn nothing_without_both_sides_or_without_vectors() {
        let en = article(
            "en",
            "en",
            "The quake hit the island today",
            "The mayor spoke at noon.",
        );
        let de = article(
            "de",
            "de",
            "Das quake traf heute die Insel",
            "Der mayor sprach mittags.",
        );
        assert!(gists(std::slice::from_ref(&en), "en", "m", &mut |t| embed(t)).is_empty());
        assert!(gists(std::slice::from_ref(&de), "en", "m", &mut |t| embed(t)).is_empty());
        assert!(gists(&[en.clone(), de.clone()], "en", "m", &mut |_| None).is_empty());
        // A model answering with the wrong number of vectors gives no gist either.
        assert!(gists(&[en, de], "en", "m", &mut |_| Some(vec![vec![1.0]])).is_empty());
    }
}
