//! The claim ledger: what the articles of a story state, aligned across articles and sorted into
//! agreed, single-source and disputed.
//!
//! How it is built:
//! 1. Every sentence of every article (title included) is a unit, cut from the article's own text
//!    so that each citation is exact. A unit has its stemmed content terms, its figures
//!    (durations, counts, ordinals, amounts, dates, each with its slot and a value range; see the
//!    `figures` submodule), its speaker when it reports speech ("X said", "according to X";
//!    pronouns resolved to the last person named earlier in the article) and whether it is
//!    negated.
//! 2. **Figures** are grouped by slot (kind of quantity + what it measures). Values whose ranges
//!    overlap form one side. A slot with two or more sides is **disputed** ("almost an hour"
//!    against "several minutes"), listing every side with its sources, when its values are
//!    durations or counts of an event (a conversation, an attack) or of people killed, injured,
//!    arrested, missing or displaced, stated as facts (not as rates or expectations), by two or more
//!    independent reports, with at least one pair of sentences across sides
//!    [`DISPUTE_LINK_SIMILARITY`] alike. Otherwise a value stated by two or more independent
//!    reports, in sentences at least [`FIGURE_LINK_SIMILARITY`] alike, is an **agreed** figure
//!    ("sixth", "6th" conversation).
//! 3. **Quotes** are taken from every paragraph with their speaker, checked word for
//!    word against the article they are shown from, and compared with the quotes of the other
//!    articles: the same words (one holds the other) make one claim; a visibly related quote worded
//!    differently is listed as altered. A quote's words found unquoted in another article are
//!    listed too.
//! 4. **Statements and events**: the remaining sentences are aligned across articles by sentence
//!    similarity and grouped by average linkage at [`SIMILARITY_THRESHOLD`]; a group is agreed when
//!    its articles belong to two or more independent reports, single-source otherwise.
//!
//! Independent reports come from [`crate::wire::Independence`]: copies of one report count once.
//! Figures and attribution read English; other languages still get quotes and statements.

mod attribution;
mod figures;
mod quotes;
pub(crate) mod text;

use std::collections::{BTreeMap, HashMap, HashSet};

use parallax_core::{Article, ArticleId, Source};
use parallax_text::{Analyzer, detect_language, is_title_case};
use serde::Serialize;

use crate::wire::Independence;
use attribution::{
    Speaker, leading_name, speaker_after_quote, speaker_before_quote, speaker_key,
    statement_speaker,
};
use figures::{Figure, Quantity};
use text::{is_negation, sentence_spans, tokenize};

/// Two sentences of different articles state the same claim when their similarity reaches this:
/// the mean of the weighted overlap coefficient and the weighted Dice coefficient of their stemmed
/// content terms (inverse sentence frequency weights within the story; figures count as terms),
/// with at least [`MIN_SHARED_TERMS`] terms in common, the same polarity (negated or not) and no
/// incompatible figure in a shared slot. Groups are merged only while their average pairwise
/// similarity stays at or above 0.8 × this and no pair across them falls under 0.5 × this.
///
/// Read off the pair scores of the seed pages: paraphrases of one fact score 0.40–0.72 there,
/// sentences on different facts of the same event mostly stay below 0.40 (a few paraphrases, at
/// 0.33–0.38, are missed).
pub const SIMILARITY_THRESHOLD: f64 = 0.40;

/// Least number of shared terms for two sentences to state the same claim; two of them at least
/// must be words (not numbers alone, not figure values).
pub const MIN_SHARED_TERMS: usize = 3;

/// Two mentions of the same figure value in one slot agree only when their sentences are at least
/// this alike (the similarity of [`SIMILARITY_THRESHOLD`]): the same value in unrelated sentences
/// ("the first contact in three years", "the first call after the inauguration") is not agreement.
pub const FIGURE_LINK_SIMILARITY: f64 = 0.2;

/// A dispute needs two sentences, one on each side, at least this alike (the similarity of
/// [`SIMILARITY_THRESHOLD`], where sharing the slot counts as a shared term): the same kind of
/// figure in unrelated sentences ("a two-day summit", "a 15-minute meeting in 1969") is not a
/// dispute.
pub const DISPUTE_LINK_SIMILARITY: f64 = 0.15;

/// Sentences read per article (the first ones), which bounds the work on very long articles.
pub const MAX_SENTENCES_PER_ARTICLE: usize = 80;

const LINK_FACTOR: f64 = 0.8;
const LEAST_FACTOR: f64 = 0.5;

/// Agreement status of a claim across the story's independent sources.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ClaimKind {
    /// Stated by two or more independent sources.
    Agreed,
    /// Stated by one independent source only.
    SingleSource,
    /// The same slot with incompatible values across sources.
    Disputed,
}

/// What sort of claim it is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ClaimForm {
    /// A figure: a duration, count, ordinal, amount or date in one slot.
    Figure,
    /// A direct quote.
    Quote,
    /// A statement attributed to someone ("X said ...").
    Statement,
    /// Any other statement of fact.
    Event,
}

/// One claim of the ledger, as `parallax story ID --format json` shows it:
/// `{kind, text, sources: [{article, sentence}], values}`, with the extra fields that apply.
#[derive(Clone, Debug, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Claim {
    /// Agreed, single-source or disputed.
    pub kind: ClaimKind,
    /// The claim in words: a representative source sentence, the quote itself, or for a dispute
    /// the slot and the values on each side.
    pub text: String,
    /// Every article stating it, with the exact sentence.
    pub sources: Vec<ClaimSource>,
    /// For figures and disputes: the values stated (e.g. "almost an hour", "several minutes").
    pub values: Vec<String>,
    /// Figure, quote, attributed statement or event.
    pub form: ClaimForm,
    /// For figures: the slot in words ("duration of the conversation").
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub slot: Option<String>,
    /// Who says it, when the sentences or the quote name a speaker.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub speaker: Option<String>,
    /// Number of independent reports among the sources.
    pub independent_sources: usize,
    /// For disputes: the incompatible values, one side each, most supported first.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub sides: Vec<ClaimSide>,
    /// For quotes: the word-for-word check.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub quote_check: Option<QuoteCheck>,
}

/// Where a claim is stated.
#[derive(Clone, Debug, PartialEq, Serialize, utoipa::ToSchema)]
pub struct ClaimSource {
    /// The article.
    pub article: ArticleId,
    /// The exact sentence of the article.
    pub sentence: String,
    /// For figures: the value as this sentence writes it.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub value: Option<String>,
}

/// One side of a dispute: values that agree with each other and not with the other sides.
#[derive(Clone, Debug, PartialEq, Serialize, utoipa::ToSchema)]
pub struct ClaimSide {
    /// The normalised value range ("45–60 min").
    pub range: String,
    /// The values as written.
    pub values: Vec<String>,
    /// The articles stating them.
    pub articles: Vec<ArticleId>,
    /// Number of independent reports among them.
    pub independent_sources: usize,
}

/// The word-for-word check of a direct quote.
#[derive(Clone, Debug, PartialEq, Serialize, utoipa::ToSchema)]
pub struct QuoteCheck {
    /// The speaker, when the article names one.
    pub speaker: Option<String>,
    /// Whether the quote was found word for word (only whitespace and quote and apostrophe glyphs
    /// normalised) in the text of every article it is cited from.
    pub verbatim: bool,
    /// Other articles whose text holds the same words without quoting them.
    pub also_in: Vec<ArticleId>,
    /// The same quote worded differently in other articles.
    pub altered: Vec<QuoteVariant>,
}

/// A quote in another article that is visibly the same quote, worded differently.
#[derive(Clone, Debug, PartialEq, Serialize, utoipa::ToSchema)]
pub struct QuoteVariant {
    /// The article.
    pub article: ArticleId,
    /// The exact sentence holding the variant.
    pub sentence: String,
    /// The variant's words.
    pub quote: String,
    /// Its speaker there, when named.
    pub speaker: Option<String>,
}

/// Whether the words of `quote` appear word for word in `text`, normalising only whitespace, the
/// glyphs of quote marks and apostrophes, the punctuation at the quote's ends and the case of its
/// first letter.
pub fn quote_is_verbatim(quote: &str, text: &str) -> bool {
    quotes::verbatim_in(quote, text)
}

/// One sentence of one article.
struct Unit {
    article: usize,
    text: String,
    terms: Vec<u32>,
    figures: Vec<Figure>,
    speaker: Option<String>,
    negated: bool,
    claim_worthy: bool,
}

/// One direct quote as one article gives it.
struct QuoteMention {
    article: usize,
    text: String,
    sentence: String,
    speaker: Option<String>,
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
    "upgrade to premium",
];

/// Words of reporting that say nothing about what is reported.
const REPORTING_STEMS: &[&str] = &[
    "ad", "add", "note", "report", "accord", "also", "said", "told",
];

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

fn claim_worthy(text: &str, words: usize, terms: usize, quoted: f64) -> bool {
    let lower = text.to_lowercase();
    (6..=80).contains(&words)
        && terms >= 3
        && quoted < 0.5
        && !text.contains('?')
        && !text.trim_end().ends_with('…')
        && !lower.contains("http://")
        && !lower.contains("https://")
        && !lower.contains("www.")
        && !BOILERPLATE.iter().any(|b| lower.contains(b))
}

/// Everything read from the articles of one story.
struct Story<'a> {
    articles: &'a [Article],
    units: Vec<Unit>,
    quotes: Vec<QuoteMention>,
    idf: Vec<f64>,
    /// Whether each term is a word (has a letter and is not a figure's value).
    wordy: Vec<bool>,
    report: Vec<usize>,
    /// Normalised full text of each article, for quote checks.
    normalized: Vec<String>,
    /// The articles holding each lower-case word, for finding quotes' words elsewhere.
    word_articles: HashMap<String, Vec<usize>>,
}

impl<'a> Story<'a> {
    fn read(articles: &'a [Article], independence: &Independence) -> Story<'a> {
        let mut dict: HashMap<String, u32> = HashMap::new();
        let mut units = Vec::new();
        let mut quote_mentions = Vec::new();
        let mut analyzers: HashMap<Option<String>, Analyzer> = HashMap::new();
        let english_analyzer = Analyzer::new(Some("en"));
        for (ai, article) in articles.iter().enumerate() {
            let lang: Option<String> = match article.language.as_deref() {
                Some(l) if !l.trim().is_empty() => Some(l.trim().to_lowercase()),
                _ => detect_language(&article.full_text()).map(str::to_string),
            };
            let english = lang.as_deref().is_none_or(|l| l == "en");
            let analyzer = analyzers
                .entry(lang.clone())
                .or_insert_with(|| Analyzer::new(lang.as_deref()));
            let mut last_named: Option<String> = None;
            let resolve = |s: Option<Speaker>, last: &mut Option<String>| match s {
                Some(Speaker::Named(n)) => {
                    *last = Some(n.clone());
                    Some(n)
                }
                Some(Speaker::Pronoun) => last.clone(),
                None => None,
            };
            let mut count = 0usize;
            let blocks = std::iter::once(article.title.as_str())
                .chain(article.paragraphs.iter().map(String::as_str));
            for block in blocks {
                if count >= MAX_SENTENCES_PER_ARTICLE {
                    break;
                }
                let spans = sentence_spans(block);
                let qspans = quotes::quote_spans(block);
                let sentence_of = |pos: usize| {
                    spans
                        .iter()
                        .position(|&(a, b)| a <= pos && pos < b.max(a + 1))
                        .or_else(|| spans.iter().rposition(|&(a, _)| a <= pos))
                };
                let mut quotes_done = vec![false; qspans.len()];
                for (si, &(a, b)) in spans.iter().enumerate() {
                    count += 1;
                    let text = &block[a..b];
                    let toks = tokenize(text);
                    let speaker = if english {
                        let s = resolve(statement_speaker(text, &toks), &mut last_named);
                        if s.is_none()
                            && let Some(n) = leading_name(text, &toks)
                        {
                            last_named = Some(n);
                        }
                        s
                    } else {
                        None
                    };
                    // Quotes opening in this sentence.
                    for (qi, q) in qspans.iter().enumerate() {
                        if quotes_done[qi] || sentence_of(q.open) != Some(si) {
                            continue;
                        }
                        quotes_done[qi] = true;
                        let last_si = sentence_of(q.close.saturating_sub(1)).unwrap_or(si);
                        let (s0, s1) = (spans[si].0, spans[last_si.max(si)].1);
                        let raw = &block[q.start..q.end];
                        let quote = raw.trim().trim_end_matches(',').trim_end();
                        let n_words = quotes::loose_words(quote).len();
                        if !(2..=120).contains(&n_words) {
                            continue;
                        }
                        let who = if english {
                            let after_end = s1.max(q.close).min(block.len());
                            speaker_after_quote(&block[q.close.min(after_end)..after_end])
                                .or_else(|| speaker_before_quote(&block[s0.min(q.open)..q.open]))
                        } else {
                            None
                        };
                        let who = resolve(who, &mut last_named);
                        if who.is_none() && n_words <= 8 && is_title_case(quote) {
                            continue;
                        }
                        quote_mentions.push(QuoteMention {
                            article: ai,
                            text: quote.to_string(),
                            sentence: block[s0..s1.max(s0)].to_string(),
                            speaker: who,
                        });
                    }
                    let quoted: usize = qspans
                        .iter()
                        .map(|q| q.end.min(b).saturating_sub(q.start.max(a)))
                        .sum();
                    let quoted = quoted as f64 / (b - a).max(1) as f64;
                    let figs = if english {
                        figures::figures(text, &english_analyzer)
                    } else {
                        Vec::new()
                    };
                    let mut term_strings: Vec<String> = analyzer
                        .terms(text)
                        .into_iter()
                        .filter(|t| !REPORTING_STEMS.contains(&t.as_str()))
                        .map(|t| if english { canonical_numeral(t) } else { t })
                        .collect();
                    let content_terms = term_strings.len();
                    for f in &figs {
                        if let Some(k) = f.slot_key() {
                            term_strings.push(format!("\u{1}{k}"));
                            term_strings.push(format!("\u{1}{k}|{}", f.range_label()));
                        }
                    }
                    let mut terms: Vec<u32> = term_strings
                        .into_iter()
                        .map(|t| {
                            let next = dict.len() as u32;
                            *dict.entry(t).or_insert(next)
                        })
                        .collect();
                    terms.sort_unstable();
                    terms.dedup();
                    let words = quotes::loose_words(text).len();
                    units.push(Unit {
                        article: ai,
                        text: text.to_string(),
                        terms,
                        figures: figs,
                        speaker,
                        negated: toks.iter().any(|t| is_negation(&t.lower)),
                        claim_worthy: claim_worthy(text, words, content_terms, quoted),
                    });
                }
            }
        }
        let mut wordy = vec![false; dict.len()];
        for (t, &id) in &dict {
            wordy[id as usize] = !t.starts_with('\u{1}') && t.chars().any(char::is_alphabetic);
        }
        let mut df = vec![0usize; dict.len()];
        for u in &units {
            for &t in &u.terms {
                df[t as usize] += 1;
            }
        }
        let n = units.len().max(1) as f64;
        let idf = df
            .iter()
            .map(|&d| (1.0 + n / d.max(1) as f64).ln())
            .collect();
        let report = articles
            .iter()
            .enumerate()
            .map(|(i, a)| {
                independence
                    .report_of(&a.id)
                    .unwrap_or(independence.reports.len() + i)
            })
            .collect();
        let normalized: Vec<String> = articles
            .iter()
            .map(|a| quotes::normalize(&a.full_text()))
            .collect();
        let mut word_articles: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, n) in normalized.iter().enumerate() {
            let words: HashSet<String> = quotes::loose_words(n).into_iter().collect();
            for w in words {
                word_articles.entry(w).or_default().push(i);
            }
        }
        Story {
            articles,
            units,
            quotes: quote_mentions,
            idf,
            wordy,
            report,
            normalized,
            word_articles,
        }
    }

    fn weight(&self, terms: &[u32]) -> f64 {
        terms.iter().map(|&t| self.idf[t as usize]).sum()
    }

    /// Similarity of two units (see [`SIMILARITY_THRESHOLD`]); 0 when they cannot state the same
    /// claim.
    fn similarity(&self, a: &Unit, b: &Unit) -> f64 {
        if a.negated != b.negated {
            return 0.0;
        }
        for fa in &a.figures {
            for fb in &b.figures {
                if fa.disputable() && fa.slot_key() == fb.slot_key() && !fa.compatible(fb) {
                    return 0.0;
                }
            }
        }
        self.term_similarity(a, b)
    }

    fn term_similarity(&self, a: &Unit, b: &Unit) -> f64 {
        let (mut i, mut j, mut shared, mut n, mut words) = (0, 0, 0.0, 0usize, 0usize);
        while i < a.terms.len() && j < b.terms.len() {
            match a.terms[i].cmp(&b.terms[j]) {
                std::cmp::Ordering::Less => i += 1,
                std::cmp::Ordering::Greater => j += 1,
                std::cmp::Ordering::Equal => {
                    shared += self.idf[a.terms[i] as usize];
                    n += 1;
                    words += usize::from(self.wordy[a.terms[i] as usize]);
                    i += 1;
                    j += 1;
                }
            }
        }
        if n < MIN_SHARED_TERMS || words < 2 {
            return 0.0;
        }
        let (wa, wb) = (self.weight(&a.terms), self.weight(&b.terms));
        if wa <= 0.0 || wb <= 0.0 {
            return 0.0;
        }
        0.5 * shared / wa.min(wb) + 0.5 * 2.0 * shared / (wa + wb)
    }

    fn independent(&self, articles: impl IntoIterator<Item = usize>) -> usize {
        articles
            .into_iter()
            .map(|a| self.report[a])
            .collect::<HashSet<_>>()
            .len()
    }

    fn id(&self, article: usize) -> ArticleId {
        self.articles[article].id.clone()
    }
}

/// Union-find over `n` items.
struct Sets(Vec<usize>);

impl Sets {
    fn new(n: usize) -> Sets {
        Sets((0..n).collect())
    }
    fn find(&mut self, x: usize) -> usize {
        let mut r = x;
        while self.0[r] != r {
            r = self.0[r];
        }
        let mut y = x;
        while self.0[y] != r {
            let next = self.0[y];
            self.0[y] = r;
            y = next;
        }
        r
    }
    fn union(&mut self, a: usize, b: usize) {
        let (ra, rb) = (self.find(a), self.find(b));
        if ra != rb {
            self.0[ra.max(rb)] = ra.min(rb);
        }
    }
    fn groups(&mut self) -> Vec<Vec<usize>> {
        let mut by_root: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
        for x in 0..self.0.len() {
            let r = self.find(x);
            by_root.entry(r).or_default().push(x);
        }
        by_root.into_values().collect()
    }
}

fn dedup_values(values: impl IntoIterator<Item = String>) -> Vec<String> {
    let mut seen = HashSet::new();
    values
        .into_iter()
        .filter(|v| seen.insert(v.to_lowercase()))
        .collect()
}

/// The spellings of the speakers, by [`speaker_key`], each with how often it occurs, in a fixed
/// order (by spelling).
fn speaker_spellings<'s>(
    names: impl Iterator<Item = &'s str>,
) -> HashMap<String, Vec<(&'s str, usize)>> {
    let mut counts: HashMap<String, HashMap<&str, usize>> = HashMap::new();
    for n in names {
        *counts
            .entry(speaker_key(n))
            .or_default()
            .entry(n)
            .or_default() += 1;
    }
    counts
        .into_iter()
        .map(|(k, spellings)| {
            let mut v: Vec<(&str, usize)> = spellings.into_iter().collect();
            v.sort_unstable();
            (k, v)
        })
        .collect()
}

/// Whether two names with one [`speaker_key`] (one last word) can be one speaker: one of them is a
/// single word ("Ushakov", "Yuri Ushakov"), or their first words start alike ("Yuri Ushakov",
/// "Yury Ushakov"); "Select Committee" and "Budget Committee" are two.
fn same_speaker(a: &str, b: &str) -> bool {
    let (mut wa, mut wb) = (a.split_whitespace(), b.split_whitespace());
    let (Some(fa), Some(fb)) = (wa.next(), wb.next()) else {
        return true;
    };
    if wa.next().is_none() || wb.next().is_none() {
        return true;
    }
    let initial = |w: &str| {
        w.chars()
            .next()
            .map(|c| c.to_lowercase().collect::<String>())
    };
    initial(fa) == initial(fb)
}

/// How a speaker named `name` is shown: among the spellings of the same speaker in the story, the
/// most frequent one of two or three words, else the most frequent one; ties to the shorter, then
/// the one with more capitals, then the first in alphabetical order (never hash order).
fn display_name(spellings: &HashMap<String, Vec<(&str, usize)>>, name: &str) -> String {
    spellings
        .get(&speaker_key(name))
        .and_then(|list| {
            list.iter()
                .filter(|(s, _)| same_speaker(s, name))
                .max_by_key(|(s, c)| {
                    let w = s.split_whitespace().count();
                    (
                        (2..=3).contains(&w),
                        *c,
                        std::cmp::Reverse(s.len()),
                        s.chars().filter(|c| c.is_uppercase()).count(),
                        std::cmp::Reverse(*s),
                    )
                })
                .map(|(s, _)| s.to_string())
        })
        .unwrap_or_else(|| name.to_string())
}

/// Builds the ledger of one story: disputed claims first, then agreed ones (most independent
/// reports first), then single-source ones in article order.
pub fn ledger(
    articles: &[Article],
    _sources: &[Source],
    independence: &Independence,
) -> Vec<Claim> {
    let story = Story::read(articles, independence);
    let spellings = speaker_spellings(
        story
            .units
            .iter()
            .filter_map(|u| u.speaker.as_deref())
            .chain(story.quotes.iter().filter_map(|q| q.speaker.as_deref())),
    );
    let display = |s: &Option<String>| s.as_ref().map(|n| display_name(&spellings, n));
    let mut claims = Vec::new();
    let mut covered: HashSet<(usize, String)> = HashSet::new();
    figure_claims(&story, &mut claims, &mut covered);
    quote_claims(&story, &display, &mut claims);
    statement_claims(&story, &display, &covered, &mut claims);

    // Order: disputed, agreed (most reports first), single-source; stable within.
    let first_pos = |c: &Claim| {
        c.sources
            .iter()
            .filter_map(|s| articles.iter().position(|a| a.id == s.article))
            .min()
            .unwrap_or(usize::MAX)
    };
    let mut keyed: Vec<(u8, std::cmp::Reverse<usize>, usize, usize, Claim)> = claims
        .into_iter()
        .enumerate()
        .map(|(i, c)| {
            let rank = match c.kind {
                ClaimKind::Disputed => 0,
                ClaimKind::Agreed => 1,
                ClaimKind::SingleSource => 2,
            };
            let reports = if c.kind == ClaimKind::SingleSource {
                0
            } else {
                c.independent_sources
            };
            (rank, std::cmp::Reverse(reports), first_pos(&c), i, c)
        })
        .collect();
    keyed.sort_by_key(|k| (k.0, k.1, k.2, k.3));
    keyed.into_iter().map(|k| k.4).collect()
}

/// Disputed and agreed figures, slot by slot.
fn figure_claims(story: &Story, claims: &mut Vec<Claim>, covered: &mut HashSet<(usize, String)>) {
    // slot key -> (unit, figure index)
    let mut slots: BTreeMap<String, Vec<(usize, usize)>> = BTreeMap::new();
    for (ui, u) in story.units.iter().enumerate() {
        for (fi, f) in u.figures.iter().enumerate() {
            if let Some(k) = f.slot_key() {
                slots.entry(k).or_default().push((ui, fi));
            }
        }
    }
    for mentions in slots.values() {
        let fig = |m: (usize, usize)| &story.units[m.0].figures[m.1];
        let all_reports = story.independent(mentions.iter().map(|m| story.units[m.0].article));
        if all_reports < 2 {
            continue;
        }
        let reports_of = |side: &[(usize, usize)]| {
            story.independent(side.iter().map(|m| story.units[m.0].article))
        };
        // Sides: values that can both be true.
        let sides_of = |ms: &[(usize, usize)]| {
            let mut sets = Sets::new(ms.len());
            for i in 0..ms.len() {
                for j in i + 1..ms.len() {
                    if fig(ms[i]).compatible(fig(ms[j])) {
                        sets.union(i, j);
                    }
                }
            }
            let mut sides: Vec<Vec<(usize, usize)>> = sets
                .groups()
                .into_iter()
                .map(|g| g.into_iter().map(|i| ms[i]).collect())
                .collect();
            sides.sort_by_key(|s| std::cmp::Reverse(reports_of(s)));
            sides
        };
        let sides = sides_of(mentions);
        let first = fig(mentions[0]);
        let source = |m: (usize, usize)| ClaimSource {
            article: story.id(story.units[m.0].article),
            sentence: story.units[m.0].text.clone(),
            value: Some(fig(m).surface.clone()),
        };
        // Sides of a dispute: only the values stated as facts of the event.
        let facts: Vec<(usize, usize)> = mentions
            .iter()
            .copied()
            .filter(|&m| fig(m).disputable())
            .collect();
        let factual = sides_of(&facts);
        let context = |a: &[(usize, usize)], b: &[(usize, usize)]| {
            a.iter().any(|&m| {
                b.iter().any(|&n| {
                    story.units[m.0].article != story.units[n.0].article
                        && story.term_similarity(&story.units[m.0], &story.units[n.0])
                            >= DISPUTE_LINK_SIMILARITY
                })
            })
        };
        let fact_reports = reports_of(&facts);
        let disputed = factual.len() >= 2
            && fact_reports >= 2
            && (0..factual.len())
                .any(|x| (x + 1..factual.len()).any(|y| context(&factual[x], &factual[y])));
        if disputed {
            let sides = factual;
            let side_values: Vec<Vec<String>> = sides
                .iter()
                .map(|s| dedup_values(s.iter().map(|&m| fig(m).surface.to_lowercase())))
                .collect();
            let label = first.slot_label();
            let mut text = String::new();
            text.push_str(&label[..1].to_uppercase());
            text.push_str(&label[1..]);
            text.push_str(": ");
            text.push_str(
                &side_values
                    .iter()
                    .map(|v| v.join(" / "))
                    .collect::<Vec<_>>()
                    .join(" against "),
            );
            let claim_sides = sides
                .iter()
                .zip(&side_values)
                .map(|(s, values)| {
                    let lo = s.iter().map(|&m| fig(m).lo).fold(f64::INFINITY, f64::min);
                    let hi = s
                        .iter()
                        .map(|&m| fig(m).hi)
                        .fold(f64::NEG_INFINITY, f64::max);
                    let range = Figure {
                        lo,
                        hi,
                        ..fig(s[0]).clone()
                    }
                    .range_label();
                    let mut arts: Vec<usize> = s.iter().map(|m| story.units[m.0].article).collect();
                    arts.sort_unstable();
                    arts.dedup();
                    ClaimSide {
                        range,
                        values: values.clone(),
                        independent_sources: story.independent(arts.iter().copied()),
                        articles: arts.into_iter().map(|a| story.id(a)).collect(),
                    }
                })
                .collect();
            let mut sources = Vec::new();
            for s in &sides {
                for &m in s {
                    covered.insert((story.units[m.0].article, story.units[m.0].text.clone()));
                    sources.push(source(m));
                }
            }
            claims.push(Claim {
                kind: ClaimKind::Disputed,
                text,
                values: side_values.into_iter().flatten().collect(),
                sources: dedup_sources(sources),
                form: ClaimForm::Figure,
                slot: Some(label),
                speaker: None,
                independent_sources: fact_reports,
                sides: claim_sides,
                quote_check: None,
            });
            continue;
        }
        // Agreement: within each side, mentions linked by similar sentences.
        for side in &sides {
            let mut sets = Sets::new(side.len());
            for i in 0..side.len() {
                for j in i + 1..side.len() {
                    let (a, b) = (&story.units[side[i].0], &story.units[side[j].0]);
                    if a.article == b.article
                        || story.term_similarity(a, b) >= FIGURE_LINK_SIMILARITY
                    {
                        sets.union(i, j);
                    }
                }
            }
            for group in sets.groups() {
                let ms: Vec<(usize, usize)> = group.into_iter().map(|i| side[i]).collect();
                let reports = reports_of(&ms);
                if reports < 2 {
                    continue;
                }
                let rep = ms
                    .iter()
                    .min_by_key(|m| {
                        let u = &story.units[m.0];
                        (!u.claim_worthy, u.text.split_whitespace().count())
                    })
                    .map(|m| story.units[m.0].text.clone())
                    .unwrap_or_default();
                for &m in &ms {
                    covered.insert((story.units[m.0].article, story.units[m.0].text.clone()));
                }
                claims.push(Claim {
                    kind: ClaimKind::Agreed,
                    text: rep,
                    values: dedup_values(ms.iter().map(|&m| fig(m).surface.to_lowercase())),
                    sources: dedup_sources(ms.iter().map(|&m| source(m)).collect()),
                    form: ClaimForm::Figure,
                    slot: Some(first.slot_label()),
                    speaker: None,
                    independent_sources: reports,
                    sides: Vec::new(),
                    quote_check: None,
                });
            }
        }
    }
}

fn dedup_sources(sources: Vec<ClaimSource>) -> Vec<ClaimSource> {
    let mut seen = HashSet::new();
    sources
        .into_iter()
        .filter(|s| seen.insert((s.article.clone(), s.sentence.clone(), s.value.clone())))
        .collect()
}

/// Direct quotes: one claim per set of quotes with the same words, with the check.
fn quote_claims(
    story: &Story,
    display: &dyn Fn(&Option<String>) -> Option<String>,
    claims: &mut Vec<Claim>,
) {
    let qs = &story.quotes;
    let keys: Vec<quotes::QuoteKey> = qs.iter().map(|q| quotes::QuoteKey::new(&q.text)).collect();
    let mut sets = Sets::new(qs.len());
    let mut altered: Vec<(usize, usize)> = Vec::new();
    for i in 0..qs.len() {
        for j in i + 1..qs.len() {
            match quotes::relate_keys(&keys[i], &keys[j]) {
                quotes::Relation::Same => sets.union(i, j),
                quotes::Relation::Altered if qs[i].article != qs[j].article => {
                    altered.push((i, j));
                }
                _ => {}
            }
        }
    }
    for group in sets.groups() {
        let longest = *group
            .iter()
            .max_by_key(|&&i| (qs[i].text.len(), std::cmp::Reverse(i)))
            .unwrap_or(&group[0]);
        let text = qs[longest].text.clone();
        let verbatim = group
            .iter()
            .all(|&i| quotes::verbatim_in(&qs[i].text, &story.normalized[qs[i].article]));
        let members: HashSet<usize> = group.iter().map(|&i| qs[i].article).collect();
        let words = keys[longest].words();
        // Only articles holding every word of the quote can hold the quote.
        let candidates = words
            .iter()
            .filter_map(|w| story.word_articles.get(w))
            .min_by_key(|list| list.len());
        let also_in: Vec<ArticleId> = match candidates {
            Some(list) if words.len() >= 3 => list
                .iter()
                .copied()
                .filter(|a| !members.contains(a))
                .filter(|&a| quotes::verbatim_in(&text, &story.normalized[a]))
                .map(|a| story.id(a))
                .collect(),
            _ => Vec::new(),
        };
        let in_group: HashSet<usize> = group.iter().copied().collect();
        let mut variants = Vec::new();
        for &(i, j) in &altered {
            let other = match (in_group.contains(&i), in_group.contains(&j)) {
                (true, false) => j,
                (false, true) => i,
                _ => continue,
            };
            variants.push(QuoteVariant {
                article: story.id(qs[other].article),
                sentence: qs[other].sentence.clone(),
                quote: qs[other].text.clone(),
                speaker: display(&qs[other].speaker),
            });
        }
        let mut seen = HashSet::new();
        variants.retain(|v| seen.insert((v.article.clone(), v.quote.clone())));
        let mut speaker_votes: HashMap<String, usize> = HashMap::new();
        for &i in &group {
            if let Some(s) = display(&qs[i].speaker) {
                *speaker_votes.entry(s).or_default() += 1;
            }
        }
        let speaker = speaker_votes
            .into_iter()
            .max_by(|a, b| a.1.cmp(&b.1).then_with(|| b.0.cmp(&a.0)))
            .map(|(s, _)| s);
        let reports = story.independent(group.iter().map(|&i| qs[i].article));
        let sources = dedup_sources(
            group
                .iter()
                .map(|&i| ClaimSource {
                    article: story.id(qs[i].article),
                    sentence: qs[i].sentence.clone(),
                    value: None,
                })
                .collect(),
        );
        claims.push(Claim {
            kind: if reports >= 2 {
                ClaimKind::Agreed
            } else {
                ClaimKind::SingleSource
            },
            text,
            sources,
            values: Vec::new(),
            form: ClaimForm::Quote,
            slot: None,
            speaker: speaker.clone(),
            independent_sources: reports,
            sides: Vec::new(),
            quote_check: Some(QuoteCheck {
                speaker,
                verbatim,
                also_in,
                altered: variants,
            }),
        });
    }
}

/// Statements and events: sentences aligned across articles.
fn statement_claims(
    story: &Story,
    display: &dyn Fn(&Option<String>) -> Option<String>,
    covered: &HashSet<(usize, String)>,
    claims: &mut Vec<Claim>,
) {
    let units: Vec<usize> = (0..story.units.len())
        .filter(|&u| story.units[u].claim_worthy)
        .collect();
    // Candidate pairs through an inverted index on the terms.
    let mut postings: HashMap<u32, Vec<usize>> = HashMap::new();
    for (k, &u) in units.iter().enumerate() {
        for &t in &story.units[u].terms {
            postings.entry(t).or_default().push(k);
        }
    }
    let common = (units.len() / 10).max(50);
    let mut shared: HashMap<(usize, usize), usize> = HashMap::new();
    for list in postings.values() {
        if list.len() > common {
            continue;
        }
        for (x, &a) in list.iter().enumerate() {
            for &b in &list[x + 1..] {
                if story.units[units[a]].article != story.units[units[b]].article {
                    *shared.entry((a, b)).or_default() += 1;
                }
            }
        }
    }
    let mut pairs: Vec<(f64, usize, usize)> = shared
        .into_keys()
        .filter_map(|(a, b)| {
            let s = story.similarity(&story.units[units[a]], &story.units[units[b]]);
            (s >= SIMILARITY_THRESHOLD).then_some((s, a, b))
        })
        .collect();
    pairs.sort_by(|x, y| {
        y.0.partial_cmp(&x.0)
            .unwrap_or(std::cmp::Ordering::Equal)
            .then((x.1, x.2).cmp(&(y.1, y.2)))
    });
    let mut cluster: Vec<usize> = (0..units.len()).collect();
    let mut members: Vec<Vec<usize>> = (0..units.len()).map(|k| vec![k]).collect();
    let mut cache: HashMap<(usize, usize), f64> = HashMap::new();
    let mut sim = |a: usize, b: usize| -> f64 {
        let key = (a.min(b), a.max(b));
        *cache.entry(key).or_insert_with(|| {
            story.similarity(&story.units[units[key.0]], &story.units[units[key.1]])
        })
    };
    for &(_, a, b) in &pairs {
        let (ca, cb) = (cluster[a], cluster[b]);
        if ca == cb {
            continue;
        }
        let arts_a: HashSet<usize> = members[ca]
            .iter()
            .map(|&k| story.units[units[k]].article)
            .collect();
        if members[cb]
            .iter()
            .any(|&k| arts_a.contains(&story.units[units[k]].article))
        {
            continue;
        }
        let (mut total, mut least) = (0.0, f64::INFINITY);
        for &x in &members[ca] {
            for &y in &members[cb] {
                let s = sim(x, y);
                total += s;
                least = least.min(s);
            }
        }
        let mean = total / (members[ca].len() * members[cb].len()) as f64;
        if mean < SIMILARITY_THRESHOLD * LINK_FACTOR || least < SIMILARITY_THRESHOLD * LEAST_FACTOR
        {
            continue;
        }
        let (keep, gone) = if members[ca].len() >= members[cb].len() {
            (ca, cb)
        } else {
            (cb, ca)
        };
        let moved = std::mem::take(&mut members[gone]);
        for &k in &moved {
            cluster[k] = keep;
        }
        members[keep].extend(moved);
    }
    for group in members.into_iter().filter(|m| !m.is_empty()) {
        let mut group = group;
        group.sort_by_key(|&k| units[k]);
        let us: Vec<&Unit> = group.iter().map(|&k| &story.units[units[k]]).collect();
        if us
            .iter()
            .all(|u| covered.contains(&(u.article, u.text.clone())))
        {
            continue;
        }
        // The representative: the most central member, then the shortest.
        let scores: Vec<f64> = (0..group.len())
            .map(|x| {
                (0..group.len())
                    .filter(|&y| y != x)
                    .map(|y| sim(group[x], group[y]))
                    .sum()
            })
            .collect();
        let rep = (0..group.len())
            .max_by(|&i, &j| {
                scores[i]
                    .partial_cmp(&scores[j])
                    .unwrap_or(std::cmp::Ordering::Equal)
                    .then(us[j].text.len().cmp(&us[i].text.len()))
            })
            .unwrap_or(0);
        let reports = story.independent(us.iter().map(|u| u.article));
        let mut speaker_votes: HashMap<String, usize> = HashMap::new();
        for u in &us {
            if let Some(s) = display(&u.speaker) {
                *speaker_votes.entry(s).or_default() += 1;
            }
        }
        let speaker = speaker_votes
            .into_iter()
            .max_by(|a, b| a.1.cmp(&b.1).then_with(|| b.0.cmp(&a.0)))
            .map(|(s, _)| s);
        let has_figures = us.iter().any(|u| !u.figures.is_empty());
        claims.push(Claim {
            kind: if reports >= 2 {
                ClaimKind::Agreed
            } else {
                ClaimKind::SingleSource
            },
            text: us[rep].text.clone(),
            sources: us
                .iter()
                .map(|u| ClaimSource {
                    article: story.id(u.article),
                    sentence: u.text.clone(),
                    value: None,
                })
                .collect(),
            values: dedup_values(
                us.iter()
                    .flat_map(|u| u.figures.iter())
                    .filter(|f| f.quantity != Quantity::Date || f.measure.is_some())
                    .map(|f| f.surface.clone()),
            ),
            form: if speaker.is_some() {
                ClaimForm::Statement
            } else if has_figures && us.len() == 1 {
                ClaimForm::Figure
            } else {
                ClaimForm::Event
            },
            slot: None,
            speaker,
            independent_sources: reports,
            sides: Vec::new(),
            quote_check: None,
        });
    }
}

#[cfg(test)]
mod tests;
