//! Story analysis: the headline, the cited summary bullets and the coverage details of a story.
//!
//! Architecture invariant: pure functions over the domain types; no IO, no panics on any input.
//!
//! # How the summary is chosen
//!
//! Every article is split into sentences ([`parallax_text::sentences`]) and each sentence into stemmed
//! index terms ([`parallax_text::Analyzer`], numerals made uniform so "sixth" meets "6th"). Terms are
//! weighted by their inverse sentence frequency within the story, so that words every sentence uses
//! (the names of the protagonists) count for little and specific details count for much.
//!
//! A sentence `s` of article `a` is *stated* by another article `b` to the degree that `b`'s closest
//! sentence contains `s`'s weighted terms (containment, with a floor on the denominator so that a
//! short, vague sentence cannot be "contained" everywhere). The support of `s` is the expected number
//! of other articles stating it. Bullets are picked greedily by support, plus the sentence's cosine
//! to the story's TF-IDF centroid (in stories of several articles), its closeness to the other
//! articles and a small lead-position bonus, skipping any candidate that repeats a chosen bullet, so
//! the first bullets are the best. Beyond [`MIN_BULLETS`], facts another article states are added
//! within 150 words, others only within 120 (candidates too long to fit are skipped for shorter
//! ones). Each bullet cites its own article first, then every other article that states it. Sentences that are not complete
//! statements (questions, fragments, headline-like lines, cut quotes, over 60 words) are used only
//! when a story has fewer than [`MIN_BULLETS`] good ones.
//!
//! Limits: the title and summary look at the first 80 articles of a story (coverage counts them
//! all) and at the first 25 usable sentences of each; matching is lexical, so paraphrases with no
//! shared words and stories in several languages match less well.

#![warn(missing_docs)]

pub mod ratings;

use parallax_core::{Article, ArticleId, Bullet, Coverage, Source, SourceId, Tally};
use parallax_text::{Analyzer, detect_language, sentences, words};
use std::collections::{HashMap, HashSet};

/// What the analysis says about a story.
#[derive(Clone, Debug, PartialEq)]
pub struct Analysis {
    /// The headline chosen for the story.
    pub title: String,
    /// Summary bullets: sentences taken verbatim from the articles, each citing every article that
    /// states it (the article the text was taken from first).
    pub summary: Vec<Bullet>,
    /// Coverage details.
    pub coverage: Coverage,
}

/// The most bullets a summary gets.
pub const MAX_BULLETS: usize = 6;
/// The fewest bullets a summary gets when the story has that many distinct usable sentences.
pub const MIN_BULLETS: usize = 3;

/// Sentences longer than this (in words) are not used as bullets.
const MAX_SENTENCE_WORDS: usize = 60;
/// Sentences shorter than this (in words) are not used as bullets.
const MIN_SENTENCE_WORDS: usize = 6;
/// Titles outside this range (in words) are considered broken.
const MIN_TITLE_WORDS: usize = 3;
const MAX_TITLE_WORDS: usize = 25;
/// An article states a sentence when its closest sentence contains at least this share of it.
const CITE_THRESHOLD: f64 = 0.4;
/// Two bullets are redundant when either contains at least this share of the other.
const REDUNDANCY_THRESHOLD: f64 = 0.5;
/// Support ramp: containment below LOW counts as not stating, above HIGH as stating for sure.
const SUPPORT_LOW: f64 = 0.2;
const SUPPORT_HIGH: f64 = 0.6;
/// Only this many candidate sentences per article are considered for bullets (leads first), and
/// only this many articles are compared, to keep big stories fast.
const MAX_CANDIDATES_PER_ARTICLE: usize = 25;
const MAX_ARTICLES_COMPARED: usize = 80;
/// Beyond the minimum, bullets are only added while the summary stays under this many words.
const WORD_BUDGET: usize = 150;
/// Beyond the minimum, a bullet no other article states is added only while the summary stays
/// under this many words, so that a short summary still reads as a full paragraph.
const FILL_BUDGET: usize = 120;
/// Weight of a sentence's cosine similarity to the story's TF-IDF centroid in its score.
const CENTRALITY_WEIGHT: f64 = 2.0;

/// Analyzes a story.
///
/// `articles`: the story's articles (oldest first); `sources`: the sources they refer to (may lack
/// some ids: those articles count as from an unknown source).
pub fn analyze(articles: &[Article], sources: &[Source]) -> Analysis {
    let corpus = Corpus::build(articles, sources);
    Analysis {
        title: choose_title(articles, &corpus),
        summary: summarize(articles, &corpus),
        coverage: coverage(articles, sources),
    }
}

// ---------------------------------------------------------------------------------------------
// Text preparation
// ---------------------------------------------------------------------------------------------

/// A sentence of an article with its terms.
struct Sentence {
    /// The text (verbatim from the article, leading list markers and agency tags removed).
    text: String,
    /// Sorted, deduplicated term ids.
    terms: Vec<u32>,
    /// Position within the article (0 = first sentence of the body).
    position: usize,
    /// Whether it is fit to be a bullet: a complete, informative statement.
    candidate: bool,
    /// Whether it may serve as a bullet when the story has too few candidates (a plain statement
    /// that is not a complete sentence by the strict rules).
    fallback: bool,
    /// Word count.
    words: usize,
}

/// An article, prepared.
struct Doc {
    /// Index into the articles slice.
    index: usize,
    /// The title without a site-name suffix, whitespace tidied.
    headline: String,
    /// Term ids of the title (sorted, deduplicated).
    title_terms: Vec<u32>,
    /// Term ids of the whole article (sorted, deduplicated).
    all_terms: Vec<u32>,
    /// Body sentences.
    sentences: Vec<Sentence>,
}

/// The prepared story: documents, the term dictionary and term weights.
struct Corpus {
    docs: Vec<Doc>,
    /// Inverse sentence frequency of each term id.
    idf: Vec<f64>,
}

impl Corpus {
    fn build(articles: &[Article], sources: &[Source]) -> Corpus {
        let names: HashMap<&SourceId, &str> =
            sources.iter().map(|s| (&s.id, s.name.as_str())).collect();
        let mut dict: HashMap<String, u32> = HashMap::new();
        let mut analyzers: HashMap<Option<String>, Analyzer> = HashMap::new();
        let mut docs = Vec::new();
        for (index, article) in articles.iter().enumerate().take(MAX_ARTICLES_COMPARED) {
            let lang: Option<String> = match article.language.as_deref() {
                Some(l) if !l.trim().is_empty() => Some(l.trim().to_lowercase()),
                _ => detect_language(&article.full_text()).map(str::to_string),
            };
            let analyzer = analyzers
                .entry(lang.clone())
                .or_insert_with(|| Analyzer::new(lang.as_deref()));
            let english = lang.as_deref().is_none_or(|l| l == "en");
            let mut term_ids = |text: &str| -> Vec<u32> {
                let mut ids: Vec<u32> = analyzer
                    .terms(text)
                    .into_iter()
                    .map(|t| if english { canonical_numeral(t) } else { t })
                    .map(|t| {
                        let next = dict.len() as u32;
                        *dict.entry(t).or_insert(next)
                    })
                    .collect();
                ids.sort_unstable();
                ids.dedup();
                ids
            };
            let headline = headline(&article.title, names.get(&article.source).copied());
            let title_terms = term_ids(&headline);
            let mut seen_texts: HashSet<String> = HashSet::new();
            let mut sents = Vec::new();
            for paragraph in &article.paragraphs {
                for raw in sentences(paragraph) {
                    let text = clean_sentence(&raw).to_string();
                    if text.is_empty() || !seen_texts.insert(text.to_lowercase()) {
                        continue;
                    }
                    let terms = term_ids(&text);
                    let word_count = words(&text).len();
                    let candidate = is_bullet_quality(&text, word_count) && terms.len() >= 3;
                    let fallback =
                        !candidate && is_fallback_quality(&text, word_count, terms.len());
                    sents.push(Sentence {
                        text,
                        terms,
                        position: sents.len(),
                        candidate,
                        fallback,
                        words: word_count,
                    });
                }
            }
            let mut all_terms: Vec<u32> = title_terms.clone();
            for s in &sents {
                all_terms.extend_from_slice(&s.terms);
            }
            all_terms.sort_unstable();
            all_terms.dedup();
            docs.push(Doc {
                index,
                headline,
                title_terms,
                all_terms,
                sentences: sents,
            });
        }

        // Inverse sentence frequency (titles count as sentences).
        let mut df = vec![0usize; dict.len()];
        let mut n = 0usize;
        for doc in &docs {
            n += 1;
            for &t in &doc.title_terms {
                df[t as usize] += 1;
            }
            for s in &doc.sentences {
                n += 1;
                for &t in &s.terms {
                    df[t as usize] += 1;
                }
            }
        }
        let idf = df
            .iter()
            .map(|&d| (1.0 + n as f64 / d.max(1) as f64).ln())
            .collect();
        Corpus { docs, idf }
    }

    fn weight(&self, terms: &[u32]) -> f64 {
        terms.iter().map(|&t| self.idf[t as usize]).sum()
    }

    fn overlap(&self, a: &[u32], b: &[u32]) -> f64 {
        let (mut i, mut j, mut sum) = (0, 0, 0.0);
        while i < a.len() && j < b.len() {
            match a[i].cmp(&b[j]) {
                std::cmp::Ordering::Less => i += 1,
                std::cmp::Ordering::Greater => j += 1,
                std::cmp::Ordering::Equal => {
                    sum += self.idf[a[i] as usize];
                    i += 1;
                    j += 1;
                }
            }
        }
        sum
    }

    /// Weighted share of `a`'s terms found in `b`, with `floor` as the least denominator.
    fn containment(&self, a: &[u32], b: &[u32], floor: f64) -> f64 {
        let w = self.weight(a).max(floor);
        if w <= 0.0 {
            return 0.0;
        }
        (self.overlap(a, b) / w).min(1.0)
    }
}

/// Makes English number words and numerals meet ("sixth" and "6th", "three" and "3").
fn canonical_numeral(term: String) -> String {
    const MAP: &[(&str, &str)] = &[
        ("three", "3"),
        ("four", "4"),
        ("five", "5"),
        ("six", "6"),
        ("seven", "7"),
        ("eight", "8"),
        ("nine", "9"),
        ("ten", "10"),
        ("twelv", "12"),
        ("twelve", "12"),
        ("first", "1st"),
        ("second", "2nd"),
        ("third", "3rd"),
        ("fourth", "4th"),
        ("fifth", "5th"),
        ("sixth", "6th"),
        ("seventh", "7th"),
        ("eighth", "8th"),
        ("ninth", "9th"),
        ("tenth", "10th"),
    ];
    match MAP.iter().find(|(w, _)| *w == term) {
        Some((_, n)) => (*n).to_string(),
        None => term,
    }
}

/// Removes list markers ("- ", "• ") and a leading agency tag ("(MENAFN) ", "(Reuters) - ") from a
/// sentence; the result is a substring of the input.
fn clean_sentence(s: &str) -> &str {
    let mut s = s.trim();
    loop {
        let before = s;
        s = s
            .trim_start_matches(['-', '–', '—', '•', '*', '·', '►', '▪'])
            .trim_start();
        if s.starts_with('(')
            && let Some(end) = s.find(')')
        {
            let tag = &s[1..end];
            let is_tag = !tag.is_empty()
                && tag.len() <= 24
                && !tag.contains(' ')
                && tag.chars().any(|c| c.is_uppercase())
                && tag.chars().next().is_some_and(|c| c.is_uppercase());
            if is_tag {
                s = s[end + 1..].trim_start();
            }
        }
        if s == before {
            return s;
        }
    }
}

const BOILERPLATE: &[&str] = &[
    "subscribe",
    "newsletter",
    "cookie",
    "all rights reserved",
    "click here",
    "sign up",
    "read more",
    "follow us",
    "download the app",
    "in the app",
    "advertisement",
    "javascript",
    "privacy policy",
    "terms of use",
    "copyright",
];

/// Whether a sentence that fails [`is_bullet_quality`] may still serve when a story has too few
/// good ones: a statement of a few words, not a question, a link or boilerplate.
fn is_fallback_quality(text: &str, word_count: usize, terms: usize) -> bool {
    let lower = text.to_lowercase();
    (4..=80).contains(&word_count)
        && terms >= 2
        && !text.contains('?')
        && !text.contains('？')
        && !lower.contains("http://")
        && !lower.contains("https://")
        && !lower.contains("www.")
        && !BOILERPLATE.iter().any(|b| lower.contains(b))
}

/// Whether a sentence is fit to be a bullet: a complete, informative statement.
fn is_bullet_quality(text: &str, word_count: usize) -> bool {
    if !(MIN_SENTENCE_WORDS..=MAX_SENTENCE_WORDS).contains(&word_count) {
        return false;
    }
    let trimmed = text.trim_end_matches(['"', '”', '’', '\'', ')', ']', '»', '」', '』']);
    if trimmed.ends_with("...") || trimmed.ends_with('…') {
        return false; // cut off
    }
    match trimmed.chars().last() {
        Some('.' | '!' | '。' | '！' | '．' | '।' | '؟') => {}
        _ => return false, // a question, a fragment or a headline-like line
    }
    if text.contains('?') || text.contains('？') {
        return false;
    }
    // Starts like a sentence: not in the middle of one (a lower-case word, a comma).
    let first = text
        .chars()
        .find(|c| !matches!(c, '"' | '“' | '„' | '«' | '\'' | '‘' | '('));
    match first {
        Some(c) if c.is_lowercase() => return false,
        Some(c) if c.is_alphanumeric() => {}
        _ => return false,
    }
    // Quotes must be whole, not cut mid-way.
    if !text.matches('"').count().is_multiple_of(2)
        || text.matches('“').count() != text.matches('”').count()
        || text.matches('«').count() != text.matches('»').count()
        || text.matches('(').count() != text.matches(')').count()
    {
        return false;
    }
    let lower = text.to_lowercase();
    if lower.contains("http://") || lower.contains("https://") || lower.contains("www.") {
        return false;
    }
    if BOILERPLATE.iter().any(|b| lower.contains(b)) {
        return false;
    }
    // Headline-like: nearly every longer word capitalised.
    let long: Vec<&str> = words(text)
        .into_iter()
        .filter(|w| w.chars().count() > 3)
        .collect();
    if long.len() >= 4 {
        let caps = long
            .iter()
            .filter(|w| w.chars().next().is_some_and(char::is_uppercase))
            .count();
        if caps * 10 >= long.len() * 8 {
            return false;
        }
    }
    true
}

// ---------------------------------------------------------------------------------------------
// Summary
// ---------------------------------------------------------------------------------------------

struct Candidate {
    doc: usize,
    /// A candidate by the strict rules (else a fallback, used only to reach [`MIN_BULLETS`]).
    strict: bool,
    sentence: usize,
    score: f64,
    support: f64,
    /// Other documents stating it (indexes into `corpus.docs`), in story order.
    citing: Vec<usize>,
}

fn ramp(x: f64) -> f64 {
    ((x - SUPPORT_LOW) / (SUPPORT_HIGH - SUPPORT_LOW)).clamp(0.0, 1.0)
}

fn summarize(articles: &[Article], corpus: &Corpus) -> Vec<Bullet> {
    let docs = &corpus.docs;
    // The least denominator for containment: half the median weight of candidate sentences.
    let mut weights: Vec<f64> = docs
        .iter()
        .flat_map(|d| d.sentences.iter().filter(|s| s.candidate))
        .map(|s| corpus.weight(&s.terms))
        .collect();
    weights.sort_by(f64::total_cmp);
    let floor = weights.get(weights.len() / 2).copied().unwrap_or(0.0) * 0.5;
    let others = docs.len().saturating_sub(1);

    // Inverted index over every sentence (titles included): term -> flat sentence numbers.
    let mut sentence_doc: Vec<usize> = Vec::new();
    let mut postings: Vec<Vec<u32>> = vec![Vec::new(); corpus.idf.len()];
    for (di, doc) in docs.iter().enumerate() {
        let all = doc
            .sentences
            .iter()
            .map(|s| &s.terms)
            .chain(std::iter::once(&doc.title_terms));
        for terms in all {
            let flat = sentence_doc.len() as u32;
            sentence_doc.push(di);
            for &t in terms {
                postings[t as usize].push(flat);
            }
        }
    }
    // The story's TF-IDF centroid: each term weighted by its idf times the sentences using it.
    let mut centroid = vec![0.0f64; corpus.idf.len()];
    for doc in docs {
        for s in &doc.sentences {
            for &t in &s.terms {
                centroid[t as usize] += corpus.idf[t as usize];
            }
        }
    }
    let centroid_norm = centroid.iter().map(|x| x * x).sum::<f64>().sqrt();
    let centrality = |terms: &[u32]| -> f64 {
        let dot: f64 = terms
            .iter()
            .map(|&t| corpus.idf[t as usize] * centroid[t as usize])
            .sum();
        let norm = terms
            .iter()
            .map(|&t| corpus.idf[t as usize].powi(2))
            .sum::<f64>()
            .sqrt();
        if norm > 0.0 && centroid_norm > 0.0 {
            dot / (norm * centroid_norm)
        } else {
            0.0
        }
    };
    let mut overlap = vec![0.0f64; sentence_doc.len()];
    let mut touched: Vec<u32> = Vec::new();
    let mut best = vec![0.0f64; docs.len()];

    let mut candidates: Vec<Candidate> = Vec::new();
    for (di, doc) in docs.iter().enumerate() {
        for (si, s) in doc
            .sentences
            .iter()
            .enumerate()
            .filter(|(_, s)| s.candidate || s.fallback)
            .take(MAX_CANDIDATES_PER_ARTICLE)
        {
            // Weighted overlap of `s` with every sentence sharing a term, then the best per article.
            for &t in &s.terms {
                let w = corpus.idf[t as usize];
                for &j in &postings[t as usize] {
                    if overlap[j as usize] == 0.0 {
                        touched.push(j);
                    }
                    overlap[j as usize] += w;
                }
            }
            let denominator = corpus.weight(&s.terms).max(floor);
            best.iter_mut().for_each(|b| *b = 0.0);
            for &j in &touched {
                let dj = sentence_doc[j as usize];
                if dj != di && denominator > 0.0 {
                    let c = (overlap[j as usize] / denominator).min(1.0);
                    if c > best[dj] {
                        best[dj] = c;
                    }
                }
                overlap[j as usize] = 0.0;
            }
            touched.clear();

            let mut support = 0.0;
            let mut closeness = 0.0;
            let mut citing = Vec::new();
            for (dj, &b) in best.iter().enumerate() {
                if dj == di {
                    continue;
                }
                support += ramp(b);
                closeness += b;
                if b >= CITE_THRESHOLD {
                    citing.push(dj);
                }
            }
            let closeness = if others > 0 {
                closeness / others as f64
            } else {
                0.0
            };
            // Lead sentences carry the news; a small bonus that decays with position.
            let lead = 0.3 / (1.0 + s.position as f64 / 2.0);
            // Centrality: how much of what the whole story says the sentence says (a lone article
            // is its own centroid, so there the lead order stands).
            let central = if others > 0 {
                CENTRALITY_WEIGHT * centrality(&s.terms)
            } else {
                0.0
            };
            let score = support + 0.5 * closeness + lead + central;
            candidates.push(Candidate {
                doc: di,
                sentence: si,
                strict: s.candidate,
                score,
                support,
                citing,
            });
        }
    }

    let mut chosen: Vec<usize> = Vec::new();
    let mut total_words = 0usize;
    let mut available: Vec<bool> = vec![true; candidates.len()];
    while chosen.len() < MAX_BULLETS {
        let mut best: Option<(usize, (bool, f64))> = None;
        for (ci, c) in candidates.iter().enumerate() {
            if !available[ci] {
                continue;
            }
            let terms = &docs[c.doc].sentences[c.sentence].terms;
            let redundancy = chosen
                .iter()
                .map(|&k| {
                    let o = &docs[candidates[k].doc].sentences[candidates[k].sentence].terms;
                    corpus
                        .containment(terms, o, 0.0)
                        .max(corpus.containment(o, terms, 0.0))
                })
                .fold(0.0, f64::max);
            if redundancy >= REDUNDANCY_THRESHOLD {
                available[ci] = false;
                continue;
            }
            if !c.strict && chosen.len() >= MIN_BULLETS {
                continue;
            }
            // Strict candidates always rank above fallbacks.
            let key = (c.strict, c.score * (1.0 - redundancy));
            let better = match best {
                None => true,
                Some((_, b)) => (key.0 && !b.0) || (key.0 == b.0 && key.1 > b.1),
            };
            if better {
                best = Some((ci, key));
            }
        }
        let Some((ci, _)) = best else { break };
        available[ci] = false;
        let c = &candidates[ci];
        let words = docs[c.doc].sentences[c.sentence].words;
        if chosen.len() >= MIN_BULLETS {
            // Beyond the minimum (in stories of several articles): facts another article states
            // too within the word budget, else the most central remaining ones within the fill budget.
            let budget = if c.support >= 1.0 {
                WORD_BUDGET
            } else {
                FILL_BUDGET
            };
            if docs.len() < 2 {
                break;
            }
            if total_words + words > budget {
                continue; // too long to fit: a shorter one may still
            }
        }
        total_words += words;
        chosen.push(ci);
    }

    chosen
        .into_iter()
        .map(|ci| {
            let c = &candidates[ci];
            let doc = &docs[c.doc];
            let mut citations: Vec<ArticleId> = vec![articles[doc.index].id.clone()];
            for &dj in &c.citing {
                let id = &articles[docs[dj].index].id;
                if !citations.contains(id) {
                    citations.push(id.clone());
                }
            }
            Bullet {
                text: doc.sentences[c.sentence].text.clone(),
                citations,
            }
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Title
// ---------------------------------------------------------------------------------------------

/// Whether a title looks like a usable headline.
fn title_ok(title: &str) -> bool {
    let title = title.trim();
    let ws = words(title);
    if !(MIN_TITLE_WORDS..=MAX_TITLE_WORDS).contains(&ws.len()) || title.chars().count() > 250 {
        return false;
    }
    if title.chars().next().is_some_and(char::is_lowercase) {
        return false;
    }
    if title.ends_with([':', ',', ';', '-', '–', '—']) || title.ends_with("...") {
        return false;
    }
    let numeric = ws
        .iter()
        .filter(|w| w.chars().any(|c| c.is_ascii_digit()))
        .count();
    if numeric * 10 >= ws.len() * 4 {
        return false;
    }
    let lower = title.to_lowercase();
    !(lower.contains("http://") || lower.contains("https://"))
}

fn choose_title(articles: &[Article], corpus: &Corpus) -> String {
    let docs = &corpus.docs;
    let mut best: Option<(f64, usize)> = None;
    for (di, doc) in docs.iter().enumerate() {
        let title = &doc.headline;
        if !title_ok(title) || doc.title_terms.is_empty() {
            continue;
        }
        // Representativeness: the share of the title's terms found in each other article.
        let mut rep = 1.0;
        if docs.len() > 1 {
            let sum: f64 = docs
                .iter()
                .enumerate()
                .filter(|(dj, _)| *dj != di)
                .map(|(_, other)| {
                    let common = intersect_count(&doc.title_terms, &other.all_terms);
                    common as f64 / doc.title_terms.len() as f64
                })
                .sum();
            rep = sum / (docs.len() - 1) as f64;
        }
        let wc = words(title).len() as f64;
        let length = (wc / 6.0).min(1.0) * (16.0 / wc).min(1.0);
        let score = rep * length;
        if best.is_none_or(|(b, _)| score > b) {
            best = Some((score, di));
        }
    }
    if let Some((_, di)) = best {
        return docs[di].headline.clone();
    }

    // Fall back to the first sentence of the most central article.
    let central = (0..docs.len()).max_by(|&a, &b| {
        centrality(corpus, a)
            .total_cmp(&centrality(corpus, b))
            .then(b.cmp(&a))
    });
    if let Some(di) = central {
        let doc = &docs[di];
        let sentence = doc
            .sentences
            .iter()
            .find(|s| s.candidate)
            .or_else(|| doc.sentences.iter().find(|s| s.words >= MIN_TITLE_WORDS))
            .or(doc.sentences.first());
        if let Some(s) = sentence {
            return shorten(&s.text, MAX_TITLE_WORDS);
        }
    }
    articles
        .iter()
        .map(|a| tidy(&a.title))
        .find(|t| !t.is_empty())
        .map(|t| shorten(&t, MAX_TITLE_WORDS))
        .unwrap_or_else(|| "Untitled story".to_string())
}

fn centrality(corpus: &Corpus, di: usize) -> f64 {
    let a = &corpus.docs[di].all_terms;
    corpus
        .docs
        .iter()
        .enumerate()
        .filter(|(dj, _)| *dj != di)
        .map(|(_, d)| {
            let common = corpus.overlap(a, &d.all_terms);
            let union = corpus.weight(a) + corpus.weight(&d.all_terms) - common;
            if union > 0.0 { common / union } else { 0.0 }
        })
        .sum()
}

fn intersect_count(a: &[u32], b: &[u32]) -> usize {
    let (mut i, mut j, mut n) = (0, 0, 0);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                n += 1;
                i += 1;
                j += 1;
            }
        }
    }
    n
}

/// The title without a trailing site name ("Putin and Trump talk - Reuters", "... | Example News"),
/// whitespace tidied. A " - " suffix is only removed when it is the source's name; a " | " suffix
/// also when it is short (a site name or section).
fn headline(title: &str, source_name: Option<&str>) -> String {
    let mut t = tidy(title);
    for _ in 0..2 {
        let mut cut = None;
        for sep in [" | ", " - ", " – ", " — ", " :: ", " · "] {
            if let Some((head, tail)) = t.rsplit_once(sep) {
                let tail = tail.trim();
                let is_name = source_name
                    .map(|n| n.trim())
                    .is_some_and(|n| !n.is_empty() && n.eq_ignore_ascii_case(tail));
                let short_site = matches!(sep, " | " | " :: " | " · ")
                    && words(tail).len() <= 4
                    && words(head).len() >= MIN_TITLE_WORDS;
                if (is_name || short_site) && !head.trim().is_empty() {
                    cut = Some(head.trim().to_string());
                    break;
                }
            }
        }
        match cut {
            Some(c) => t = c,
            None => break,
        }
    }
    t
}

fn tidy(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The first `max_words` words of `s` (whitespace-separated), with an ellipsis when cut.
fn shorten(s: &str, max_words: usize) -> String {
    let parts: Vec<&str> = s.split_whitespace().collect();
    if parts.len() <= max_words {
        parts.join(" ")
    } else {
        format!("{}…", parts[..max_words].join(" "))
    }
}

// ---------------------------------------------------------------------------------------------
// Coverage
// ---------------------------------------------------------------------------------------------

/// The coverage details of a story's articles. Articles whose source is [`SourceId::unknown`] or
/// missing from `sources` count in `unknown_source_articles`, never as a source. An outlet's
/// country only inferred from its coverage ([`Source::country_is_inferred`]) is counted under
/// that country and again in `countries_inferred` / `inferred_countries`, so that pages can say
/// so. Imported ratings are counted per provider ([`ratings::rating_distributions`]).
pub fn coverage(articles: &[Article], sources: &[Source]) -> Coverage {
    let by_id: HashMap<&SourceId, &Source> = sources.iter().map(|s| (&s.id, s)).collect();
    let known = |id: &SourceId| -> Option<&Source> {
        if id.is_unknown() {
            None
        } else {
            by_id.get(id).copied()
        }
    };

    let mut countries: HashMap<String, usize> = HashMap::new();
    let mut inferred: HashMap<String, usize> = HashMap::new();
    let mut languages: HashMap<String, usize> = HashMap::new();
    let mut distinct: Vec<&Source> = Vec::new();
    let mut seen: HashSet<&SourceId> = HashSet::new();
    let mut unknown_source_articles = 0;
    let mut first_published = None;
    let mut last_published = None;
    let mut undated_articles = 0;
    let mut sections: HashMap<String, usize> = HashMap::new();

    for article in articles {
        if let Some(section) = article.section.as_deref().filter(|s| !s.trim().is_empty()) {
            let category =
                parallax_core::section_category(section).unwrap_or(parallax_core::OTHER_SECTION);
            *sections.entry(category.to_string()).or_default() += 1;
        }
        let source = known(&article.source);
        match source {
            Some(s) => {
                if seen.insert(&s.id) {
                    distinct.push(s);
                }
            }
            None => unknown_source_articles += 1,
        }
        let country = source
            .and_then(|s| s.country.as_deref())
            .map(|c| c.trim().to_uppercase())
            .filter(|c| !c.is_empty())
            .unwrap_or_else(|| "unknown".to_string());
        if country != "unknown" && source.is_some_and(Source::country_is_inferred) {
            *inferred.entry(country.clone()).or_default() += 1;
        }
        *countries.entry(country).or_default() += 1;
        let language = article
            .language
            .as_deref()
            .map(|l| l.trim().to_lowercase())
            .filter(|l| !l.is_empty())
            .unwrap_or_else(|| "unknown".to_string());
        *languages.entry(language).or_default() += 1;
        match &article.published {
            Some(p) => {
                if first_published.is_none_or(|f| p.at < f) {
                    first_published = Some(p.at);
                }
                if last_published.is_none_or(|l| p.at > l) {
                    last_published = Some(p.at);
                }
            }
            None => undated_articles += 1,
        }
    }

    let mut bias: HashMap<String, usize> = HashMap::new();
    let mut ownership: HashMap<String, usize> = HashMap::new();
    for s in &distinct {
        let b = s
            .bias
            .as_ref()
            .map(|r| r.value.trim().to_lowercase())
            .filter(|v| !v.is_empty())
            .unwrap_or_else(|| "unrated".to_string());
        *bias.entry(b).or_default() += 1;
        let o = s.ownership.map(|o| o.label()).unwrap_or("unknown");
        *ownership.entry(o.to_string()).or_default() += 1;
    }

    let ratings = ratings::rating_distributions(&distinct);
    let countries_inferred = inferred.values().sum();
    Coverage {
        articles: articles.len(),
        sources: distinct.len(),
        unknown_source_articles,
        countries: tallies(countries),
        languages: tallies(languages),
        bias: tallies(bias),
        ownership: tallies(ownership),
        first_published,
        last_published,
        undated_articles,
        countries_inferred,
        inferred_countries: shares_of(inferred, articles.len()),
        ratings,
        sections: shares_of(sections, articles.len()),
    }
}

/// Tallies of part of a whole (`total`), sorted like [`tallies`], with their shares of the whole.
fn shares_of(counts: HashMap<String, usize>, total: usize) -> Vec<Tally> {
    let mut out = tallies(counts);
    for t in &mut out {
        t.share = if total > 0 {
            t.count as f64 / total as f64
        } else {
            0.0
        };
    }
    out
}

/// Tallies sorted by count (descending), then label, with their shares of the total.
fn tallies(counts: HashMap<String, usize>) -> Vec<Tally> {
    let total: usize = counts.values().sum();
    let mut out: Vec<Tally> = counts
        .into_iter()
        .map(|(label, count)| Tally {
            label,
            count,
            share: if total > 0 {
                count as f64 / total as f64
            } else {
                0.0
            },
        })
        .collect();
    out.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.label.cmp(&b.label)));
    out
}

#[cfg(test)]
mod tests;
