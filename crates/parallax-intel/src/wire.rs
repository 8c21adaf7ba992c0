//! Wire copies and rewrites, grouped into independent reports.
//!
//! "160 articles from 41 independent reports": many articles of a story are an agency's dispatch
//! printed again, lightly edited, with the outlet's own header and footer, or rewritten around some
//! of its sentences. This module finds them and groups each original with its copies.
//!
//! # How
//!
//! - **Shingles.** Each article's body (the title is left out: outlets rewrite headlines) becomes
//!   the set of its word 5-grams, lower-cased, within paragraphs and never across a quotation mark.
//!   Text inside quotation marks is left out: independent reports quote the same officials word for
//!   word, copies share the reporter's own sentences. (An article with fewer than
//!   [`WireConfig::min_own_shingles`] shingles outside quotes is compared on all its shingles.)
//! - **Boilerplate is no evidence.** Short paragraphs (20 words or fewer) at the top or bottom of
//!   two articles or more of one outlet in the story ("Sign up for our newsletter", lists of
//!   related headlines) are what the outlet repeats on all its pages. They still count in the
//!   containment, but not towards the shared shingles a copy needs, so two pages of one outlet are
//!   not copies of each other for their footer.
//! - **Exact containment, no MinHash.** A story holds tens to a few hundred short articles, so the
//!   shared-shingle count of every pair is computed exactly with an inverted index (shingle →
//!   articles): the cost is the number of (shingle, article, article) co-occurrences, a few
//!   milliseconds for 200 articles, and there is no sampling error to explain. MinHash would only pay
//!   off for thousands of long documents.
//! - **Copy test.** Two articles are copies when they share at least [`WireConfig::min_shared`]
//!   shingles outside boilerplate and either one's shingles are at least [`WireConfig::threshold`] contained in the
//!   other (the later in the earlier for a trimmed or rewritten copy; the earlier in the later for a
//!   copy that added the outlet's own paragraphs).
//! - **Agency credits.** [`agency_credits`] reads the byline, the dateline ("MOSCOW, July 3
//!   (Reuters) -", "KYIV /TASS/", "(서울=연합뉴스)") and the closing credit lines ("— AP", "Source:
//!   TASS", "Quelle: dpa", "Fuente: EFE", "Reporting by …; Editing by …") in several languages and
//!   scripts. A mention in running text ("according to TASS calculations") is not a credit, nor is a
//!   photo credit.
//! - **Grouping.** Articles are taken in publication order (dated ones by time, then undated ones;
//!   ties by id). Each article's parent is the earlier article it copies best; without a textual
//!   parent, an article that credits exactly one agency joins the earliest earlier article crediting
//!   only that agency. Each tree is one independent report, its root the first publisher as far as
//!   known. Trees rather than connected components: an article mixing two dispatches ("with Reuters
//!   and AFP") joins the one it copies most and does not fuse two independent reports into one.
//!
//! # Two articles crediting the same agency with different text
//!
//! They are **one** report: an agency's successive dispatches on one story (a first flash, an
//! update, a write-through) are one newsroom's reporting, not independent confirmation, and
//! counting them apart would let one agency look like several sources in the claim ledger. The edge
//! says "agency credit" (not "shingles") so a page can show that the link is the credit alone.
//! Articles crediting several agencies ("dpa/AFP") are grouped by their text only, and so are
//! articles crediting none. `WireConfig { merge_agency: false, .. }` turns this rule off.
//!
//! Translations are not copies here: shingles do not cross languages, so a translated lead is its
//! own report unless it credits the same single agency.

use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

use chrono::{DateTime, Utc};
use parallax_core::{Article, ArticleId, SourceId};
use regex::Regex;
use serde::Serialize;

/// The articles of a story grouped into independent reports.
#[derive(Clone, Debug, Default, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Independence {
    /// One entry per independent report, earliest first (reports whose first article is undated
    /// come last, by id).
    pub reports: Vec<Report>,
    /// Number of articles grouped ("160 articles from 41 independent reports").
    pub articles: usize,
    /// Articles with no publication time: their place in the order is unknown (shown as undated).
    pub undated: Vec<ArticleId>,
}

/// One independent report: an original article and the copies and rewrites of it.
#[derive(Clone, Debug, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Report {
    /// The earliest-published article of the group (the first publisher as far as known).
    pub original: ArticleId,
    /// Publication time of `original`; `None` when it is undated (then no article of the report
    /// has a date).
    pub first_published: Option<DateTime<Utc>>,
    /// Every article of the group, `original` included, earliest first.
    pub articles: Vec<ArticleId>,
    /// Copy edges: (copy, copied from, containment 0..=1, how it was detected).
    pub copies: Vec<CopyEdge>,
    /// The agency credited ("Reuters", "AP", "AFP", "TASS", ...), when one is credited.
    pub agency: Option<String>,
}

/// One article copying or rewriting another.
#[derive(Clone, Debug, PartialEq, Serialize, utoipa::ToSchema)]
pub struct CopyEdge {
    /// The later article.
    pub copy: ArticleId,
    /// The article it copies (the earlier one).
    pub source: ArticleId,
    /// Share of the copy's shingles found in the source (0..=1).
    pub containment: f32,
    /// Why: "shingles", "agency credit", or both ("shingles, agency credit").
    pub evidence: String,
}

impl Independence {
    /// Number of independent reports.
    pub fn independent_count(&self) -> usize {
        self.reports.len()
    }

    /// The report index holding `article`, if any.
    pub fn report_of(&self, article: &ArticleId) -> Option<usize> {
        self.reports
            .iter()
            .position(|r| r.articles.contains(article))
    }

    /// "160 articles from 41 independent reports" (singulars where they apply).
    pub fn describe(&self) -> String {
        let n = self.articles;
        let r = self.reports.len();
        format!(
            "{n} article{} from {r} independent report{}",
            if n == 1 { "" } else { "s" },
            if r == 1 { "" } else { "s" }
        )
    }
}

/// The knobs of [`detect_with`]; [`WireConfig::default`] is what [`detect`] uses.
#[derive(Clone, Debug, PartialEq)]
pub struct WireConfig {
    /// Words per shingle (5).
    pub shingle_words: usize,
    /// Containment at or above which two articles are copies (0.25).
    pub threshold: f32,
    /// Shared shingles outside the story's boilerplate needed besides (10): keeps two short
    /// briefs from matching on one phrase, or two pages of one outlet on its footer.
    pub min_shared: usize,
    /// Below this many shingles outside quotations and boilerplate (20), an article is compared
    /// on all of them.
    pub min_own_shingles: usize,
    /// Leave quoted text out of the comparison (true).
    pub skip_quotes: bool,
    /// Group articles crediting the same single agency into one report (true).
    pub merge_agency: bool,
}

impl Default for WireConfig {
    fn default() -> Self {
        WireConfig {
            shingle_words: 5,
            threshold: 0.25,
            min_shared: 10,
            min_own_shingles: 20,
            skip_quotes: true,
            merge_agency: true,
        }
    }
}

/// Groups `articles` (one story) into independent reports.
pub fn detect(articles: &[Article]) -> Independence {
    detect_with(articles, &WireConfig::default())
}

/// The shingle comparison of two articles.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct PairScore {
    /// Shingles in common (outside quotations, unless an article has too few there).
    pub shared: usize,
    /// Of which outside the story's boilerplate: the evidence counted against
    /// [`WireConfig::min_shared`].
    pub shared_outside_boilerplate: usize,
    /// Share of the first article's shingles found in the second.
    pub first_in_second: f32,
    /// Share of the second article's shingles found in the first.
    pub second_in_first: f32,
}

impl PairScore {
    /// Whether the pair passes the copy test of `cfg`.
    pub fn is_copy(&self, cfg: &WireConfig) -> bool {
        self.shared_outside_boilerplate >= cfg.min_shared
            && self.first_in_second.max(self.second_in_first) >= cfg.threshold
    }
}

/// Shingle sets of one article: all of them, those outside quotations (compared), and those
/// outside quotations and the story's boilerplate (the evidence counted).
struct Shingled {
    all: Vec<u64>,
    cmp: Vec<u64>,
    own: Vec<u64>,
}

/// One paragraph, its words hashed once: (byte offset, word hash).
struct Para<'a> {
    text: &'a str,
    words: Vec<(usize, u64)>,
}

impl<'a> Para<'a> {
    fn new(text: &'a str) -> Self {
        let base = text.as_ptr() as usize;
        let words = parallax_text::words(text)
            .into_iter()
            .map(|w| (w.as_ptr() as usize - base, word_hash(w)))
            .collect();
        Para { text, words }
    }

    /// The whole paragraph's key: its word sequence, hashed.
    fn key(&self) -> u64 {
        combine(self.words.iter().map(|w| w.1))
    }
}

/// An article's paragraphs as compared (its body, or its title when it has none) and which of
/// them are short paragraphs at its edges.
struct Prepared<'a> {
    paras: Vec<Para<'a>>,
    edges: Vec<bool>,
}

/// Words of a short (boilerplate-sized) paragraph, at most.
const SHORT_PARAGRAPH_WORDS: usize = 20;

impl<'a> Prepared<'a> {
    fn new(article: &'a Article) -> Self {
        let texts: Vec<&str> = if article.paragraphs.iter().any(|p| !p.trim().is_empty()) {
            article.paragraphs.iter().map(String::as_str).collect()
        } else {
            vec![article.title.as_str()]
        };
        let paras: Vec<Para> = texts.into_iter().map(Para::new).collect();
        // The runs of short paragraphs before the first long one and after the last long one
        // (for an article of short paragraphs only, the first two and the last three).
        let short: Vec<bool> = paras
            .iter()
            .map(|p| p.words.len() <= SHORT_PARAGRAPH_WORDS)
            .collect();
        let n = paras.len();
        let (lead, tail) = match (
            short.iter().position(|s| !s),
            short.iter().rposition(|s| !s),
        ) {
            (Some(first), Some(last)) => (first, n - 1 - last),
            _ => (2, 3),
        };
        let edges = (0..n)
            .map(|i| short[i] && (i < lead || i >= n.saturating_sub(tail)))
            .collect();
        Prepared { paras, edges }
    }
}

/// Boilerplate of one story: short paragraphs at the edges of two articles or more of one outlet
/// ("Sign up for our newsletter", a list of related headlines), as (outlet, paragraph key). An
/// outlet with several articles in a story repeats them on every page, and they would link its
/// articles as copies of each other. Copies across outlets share short paragraphs too, but those
/// are the dispatch's, so only repeats within an outlet count (articles of unknown outlets have
/// none).
fn story_boilerplate(articles: &[Article], prepared: &[Prepared]) -> HashSet<(SourceId, u64)> {
    let mut seen: HashMap<(SourceId, u64), usize> = HashMap::new();
    for (a, p) in articles.iter().zip(prepared) {
        if a.source.is_unknown() {
            continue;
        }
        let mut keys: Vec<u64> = p
            .paras
            .iter()
            .zip(&p.edges)
            .filter(|(para, edge)| **edge && !para.words.is_empty())
            .map(|(para, _)| para.key())
            .collect();
        keys.sort_unstable();
        keys.dedup();
        for k in keys {
            *seen.entry((a.source.clone(), k)).or_default() += 1;
        }
    }
    seen.into_iter()
        .filter(|(_, n)| *n >= 2)
        .map(|(k, _)| k)
        .collect()
}

/// Order-sensitive combination of word hashes.
fn combine(hashes: impl Iterator<Item = u64>) -> u64 {
    hashes.fold(0x9e37_79b9_7f4a_7c15u64, |h, w| {
        (h ^ w).wrapping_mul(0x0100_0000_01b3).rotate_left(17)
    })
}

impl Shingled {
    fn new(
        article: &Article,
        prepared: &Prepared,
        cfg: &WireConfig,
        boilerplate: &HashSet<(SourceId, u64)>,
    ) -> Self {
        let k = cfg.shingle_words.max(1);
        let mut all = Vec::new();
        let mut cmp = Vec::new();
        let mut own = Vec::new();
        for (p, &edge) in prepared.paras.iter().zip(&prepared.edges) {
            let hashes: Vec<u64> = p.words.iter().map(|w| w.1).collect();
            all.extend(hashes.windows(k).map(|w| combine(w.iter().copied())));
            let start = cmp.len();
            if cfg.skip_quotes {
                // Runs of words inside one unquoted segment.
                let base = p.text.as_ptr() as usize;
                for seg in unquoted(p.text) {
                    let (s, e) = (
                        seg.as_ptr() as usize - base,
                        seg.as_ptr() as usize - base + seg.len(),
                    );
                    let run: Vec<u64> = p
                        .words
                        .iter()
                        .filter(|w| w.0 >= s && w.0 < e)
                        .map(|w| w.1)
                        .collect();
                    cmp.extend(run.windows(k).map(|w| combine(w.iter().copied())));
                }
            } else {
                cmp.extend_from_slice(&all[all.len() - hashes.len().saturating_sub(k - 1)..]);
            }
            let is_boilerplate = edge
                && !boilerplate.is_empty()
                && boilerplate.contains(&(article.source.clone(), p.key()));
            if !is_boilerplate {
                own.extend_from_slice(&cmp[start..]);
            }
        }
        for set in [&mut all, &mut cmp, &mut own] {
            set.sort_unstable();
            set.dedup();
        }
        Shingled { all, cmp, own }
    }

    /// The shingles of every article of a story.
    fn story(articles: &[Article], cfg: &WireConfig) -> Vec<Shingled> {
        let prepared: Vec<Prepared> = articles.iter().map(Prepared::new).collect();
        let boilerplate = story_boilerplate(articles, &prepared);
        articles
            .iter()
            .zip(&prepared)
            .map(|(a, p)| Shingled::new(a, p, cfg, &boilerplate))
            .collect()
    }
}

/// The word `k`-shingles of `text` (lower-cased Unicode words, within paragraphs), as sorted,
/// deduplicated 64-bit FNV-1a hashes.
pub fn shingles(text: &str, k: usize) -> Vec<u64> {
    let k = k.max(1);
    let mut out = Vec::new();
    for p in text.split("\n\n") {
        let words: Vec<u64> = Para::new(p).words.iter().map(|w| w.1).collect();
        out.extend(words.windows(k).map(|w| combine(w.iter().copied())));
    }
    out.sort_unstable();
    out.dedup();
    out
}

/// FNV-1a of a word, lower-cased, typographic apostrophes as ASCII ones; no allocation.
fn word_hash(w: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let mut buf = [0u8; 4];
    for c in w.chars().flat_map(char::to_lowercase) {
        let c = if c == '’' { '\'' } else { c };
        for b in c.encode_utf8(&mut buf).as_bytes() {
            h ^= u64::from(*b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    }
    h
}

/// The parts of `paragraph` outside quotation marks (“…”, „…“, «…», "…", 「…」, 『…』). A quote
/// left open runs to the end of the paragraph, as English multi-paragraph quotes do.
fn unquoted(paragraph: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut closer: Option<&[char]> = None;
    for (i, c) in paragraph.char_indices() {
        match closer {
            None => {
                let close: Option<&[char]> = match c {
                    '“' => Some(&['”', '“']),
                    '„' => Some(&['“', '”']),
                    '«' => Some(&['»']),
                    '"' => Some(&['"']),
                    '「' => Some(&['」']),
                    '『' => Some(&['』']),
                    _ => None,
                };
                if let Some(cl) = close {
                    out.push(&paragraph[start..i]);
                    closer = Some(cl);
                }
            }
            Some(cl) => {
                if cl.contains(&c) {
                    closer = None;
                    start = i + c.len_utf8();
                }
            }
        }
    }
    if closer.is_none() {
        out.push(&paragraph[start..]);
    }
    out
}

/// Shared-shingle counts of every pair of sets, exactly, through an inverted index.
/// `result[i]` maps `j` (any index other than `i`) to the number of shingles they share.
fn shared_counts(sets: &[&[u64]]) -> Vec<HashMap<u32, u32>> {
    let mut postings: HashMap<u64, Vec<u32>> = HashMap::new();
    for (i, set) in sets.iter().enumerate() {
        for &h in *set {
            postings.entry(h).or_default().push(i as u32);
        }
    }
    let mut counts = vec![0u32; sets.len()];
    let mut out = Vec::with_capacity(sets.len());
    for (i, set) in sets.iter().enumerate() {
        let mut touched: Vec<u32> = Vec::new();
        for h in *set {
            for &j in &postings[h] {
                if j as usize != i {
                    if counts[j as usize] == 0 {
                        touched.push(j);
                    }
                    counts[j as usize] += 1;
                }
            }
        }
        let mut m = HashMap::with_capacity(touched.len());
        for j in touched {
            m.insert(j, counts[j as usize]);
            counts[j as usize] = 0;
        }
        out.push(m);
    }
    out
}

/// The pairwise shingle comparison of `articles` under `cfg`: `(i, j, score)` for every pair
/// `i < j` that shares at least one shingle. For diagnostics and benchmarks.
pub fn pair_scores(articles: &[Article], cfg: &WireConfig) -> Vec<(usize, usize, PairScore)> {
    let sh = Shingled::story(articles, cfg);
    let scorer = Scorer::new(&sh, cfg);
    let mut out = Vec::new();
    for i in 0..articles.len() {
        for j in (i + 1)..articles.len() {
            let s = scorer.score(i, j);
            if s.shared > 0 {
                out.push((i, j, s));
            }
        }
    }
    out
}

struct Scorer<'a> {
    sh: &'a [Shingled],
    min_own: usize,
    all: Vec<HashMap<u32, u32>>,
    cmp: Vec<HashMap<u32, u32>>,
    own: Vec<HashMap<u32, u32>>,
}

impl<'a> Scorer<'a> {
    fn new(sh: &'a [Shingled], cfg: &WireConfig) -> Self {
        let sets = |f: fn(&Shingled) -> &[u64]| -> Vec<HashMap<u32, u32>> {
            shared_counts(&sh.iter().map(f).collect::<Vec<_>>())
        };
        Scorer {
            sh,
            min_own: cfg.min_own_shingles,
            all: sets(|s| &s.all),
            cmp: sets(|s| &s.cmp),
            own: sets(|s| &s.own),
        }
    }

    fn score(&self, i: usize, j: usize) -> PairScore {
        let count = |m: &[HashMap<u32, u32>]| m[i].get(&(j as u32)).copied().unwrap_or(0) as usize;
        let big = |f: fn(&Shingled) -> usize| {
            f(&self.sh[i]) >= self.min_own && f(&self.sh[j]) >= self.min_own
        };
        let (shared, li, lj) = if big(|s| s.cmp.len()) {
            (count(&self.cmp), self.sh[i].cmp.len(), self.sh[j].cmp.len())
        } else {
            (count(&self.all), self.sh[i].all.len(), self.sh[j].all.len())
        };
        let evidence = if big(|s| s.own.len()) {
            count(&self.own)
        } else {
            shared
        };
        let ratio = |n: usize| {
            if n == 0 {
                0.0
            } else {
                shared as f32 / n as f32
            }
        };
        PairScore {
            shared,
            shared_outside_boilerplate: evidence,
            first_in_second: ratio(li),
            second_in_first: ratio(lj),
        }
    }
}

/// Groups `articles` (one story) into independent reports under `cfg` (see the module docs).
pub fn detect_with(articles: &[Article], cfg: &WireConfig) -> Independence {
    let n = articles.len();
    // Publication order: dated by time, then undated; ties by id.
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&a, &b| {
        let ka = articles[a].published.as_ref().map(|p| p.at);
        let kb = articles[b].published.as_ref().map(|p| p.at);
        match (ka, kb) {
            (Some(x), Some(y)) => x.cmp(&y),
            (Some(_), None) => std::cmp::Ordering::Less,
            (None, Some(_)) => std::cmp::Ordering::Greater,
            (None, None) => std::cmp::Ordering::Equal,
        }
        .then_with(|| articles[a].id.cmp(&articles[b].id))
    });
    let sh = Shingled::story(articles, cfg);
    let scorer = Scorer::new(&sh, cfg);
    let credits: Vec<Vec<&'static str>> = articles.iter().map(agency_credits).collect();

    // parent[i] = (parent index, score of i in parent, evidence)
    let mut parent: Vec<Option<(usize, f32, String)>> = vec![None; n];
    for (pos, &p) in order.iter().enumerate() {
        let earlier = &order[..pos];
        let mut best: Option<(usize, f32, f32)> = None; // (q, max containment, copy-in-source)
        for &q in earlier {
            let s = scorer.score(p, q);
            if !s.is_copy(cfg) {
                continue;
            }
            let m = s.first_in_second.max(s.second_in_first);
            if best.is_none_or(|(_, bm, _)| m > bm) {
                best = Some((q, m, s.first_in_second));
            }
        }
        let same_agency = |q: usize| {
            credits[p].len() == 1 && credits[q].len() == 1 && credits[p][0] == credits[q][0]
        };
        if let Some((q, _, c)) = best {
            let evidence = if same_agency(q) {
                "shingles, agency credit"
            } else {
                "shingles"
            };
            parent[p] = Some((q, c, evidence.to_string()));
        } else if cfg.merge_agency
            && let Some(&q) = earlier.iter().find(|&&q| same_agency(q))
        {
            let c = scorer.score(p, q).first_in_second;
            parent[p] = Some((q, c, "agency credit".to_string()));
        }
    }

    // Roots and their trees.
    let root_of = |mut i: usize| {
        while let Some((q, _, _)) = &parent[i] {
            i = *q;
        }
        i
    };
    let rank: Vec<usize> = {
        let mut r = vec![0; n];
        for (pos, &i) in order.iter().enumerate() {
            r[i] = pos;
        }
        r
    };
    let mut by_root: HashMap<usize, Vec<usize>> = HashMap::new();
    for &i in &order {
        by_root.entry(root_of(i)).or_default().push(i);
    }
    let mut roots: Vec<usize> = by_root.keys().copied().collect();
    roots.sort_by_key(|&r| rank[r]);
    let reports = roots
        .into_iter()
        .map(|r| {
            let members = &by_root[&r];
            let copies = members
                .iter()
                .filter_map(|&m| {
                    parent[m].as_ref().map(|(q, c, ev)| CopyEdge {
                        copy: articles[m].id.clone(),
                        source: articles[*q].id.clone(),
                        containment: *c,
                        evidence: ev.clone(),
                    })
                })
                .collect();
            let agency = if credits[r].len() == 1 {
                Some(credits[r][0].to_string())
            } else {
                let mut tally: HashMap<&str, usize> = HashMap::new();
                for &m in members {
                    if credits[m].len() == 1 {
                        *tally.entry(credits[m][0]).or_default() += 1;
                    }
                }
                let mut t: Vec<(&str, usize)> = tally.into_iter().collect();
                t.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
                t.first().map(|(a, _)| a.to_string())
            };
            Report {
                original: articles[r].id.clone(),
                first_published: articles[r].published.as_ref().map(|p| p.at),
                articles: members.iter().map(|&m| articles[m].id.clone()).collect(),
                copies,
                agency,
            }
        })
        .collect();
    Independence {
        reports,
        articles: n,
        undated: order
            .iter()
            .filter(|&&i| articles[i].published.is_none())
            .map(|&i| articles[i].id.clone())
            .collect(),
    }
}

/// News agencies and wire services: the name Parallax shows, then the spellings that credit it
/// (case-sensitive: "AP" is a credit, "ap" is not).
pub const AGENCIES: &[(&str, &[&str])] = &[
    (
        "AP",
        &[
            "AP",
            "Associated Press",
            "The Associated Press",
            "美联社",
            "美聯社",
            "Ассошиэйтед Пресс",
            "أسوشيتد برس",
        ],
    ),
    (
        "Reuters",
        &[
            "Reuters",
            "Рейтер",
            "Рейтерс",
            "路透社",
            "ロイター",
            "로이터",
            "رويترز",
        ],
    ),
    (
        "AFP",
        &[
            "AFP",
            "Agence France-Presse",
            "Agence France Presse",
            "France-Presse",
            "Франс Пресс",
            "Франс-Пресс",
            "法新社",
            "فرانس برس",
            "أ ف ب",
        ],
    ),
    ("dpa", &["dpa", "DPA", "Deutsche Presse-Agentur"]),
    ("EFE", &["EFE", "Agencia EFE"]),
    ("ANSA", &["ANSA"]),
    ("TASS", &["TASS", "ТАСС", "塔斯社"]),
    ("RIA Novosti", &["RIA Novosti", "РИА Новости", "RIA"]),
    ("Interfax", &["Interfax", "Интерфакс"]),
    (
        "Interfax-Ukraine",
        &["Interfax-Ukraine", "Інтерфакс-Україна", "Интерфакс-Украина"],
    ),
    ("Xinhua", &["Xinhua", "新华社", "新華社", "Синьхуа"]),
    ("PTI", &["PTI", "Press Trust of India"]),
    ("IANS", &["IANS"]),
    ("ANI", &["ANI"]),
    (
        "Kyodo",
        &["Kyodo", "Kyodo News", "共同通信", "共同社", "共同"],
    ),
    ("Jiji", &["Jiji", "Jiji Press", "時事通信", "時事"]),
    ("Yonhap", &["Yonhap", "연합뉴스", "聯合ニュース", "聯合"]),
    ("Ukrinform", &["Ukrinform", "Укрінформ", "Укринформ"]),
    ("UNIAN", &["UNIAN", "УНІАН", "УНИАН"]),
    (
        "Anadolu",
        &["Anadolu", "Anadolu Agency", "Anadolu Ajansı", "AA"],
    ),
    ("Sputnik", &["Sputnik", "Спутник"]),
    ("BelTA", &["BelTA", "БелТА"]),
    ("Bernama", &["Bernama"]),
    ("Antara", &["Antara"]),
    ("PAP", &["PAP"]),
    ("CTK", &["ČTK", "CTK"]),
    ("MTI", &["MTI"]),
    ("APA", &["APA"]),
    ("Belga", &["Belga"]),
    ("ANP", &["ANP"]),
    ("Lusa", &["Lusa"]),
    ("Europa Press", &["Europa Press"]),
    ("AAP", &["AAP"]),
    (
        "Canadian Press",
        &["The Canadian Press", "Canadian Press", "CP"],
    ),
    ("KCNA", &["KCNA"]),
    ("IRNA", &["IRNA"]),
    ("WAFA", &["WAFA"]),
    ("MENA", &["MENA"]),
    ("SPA", &["SPA"]),
    ("QNA", &["QNA"]),
    ("KUNA", &["KUNA"]),
    ("WAM", &["WAM"]),
    ("Prensa Latina", &["Prensa Latina"]),
    ("Agência Brasil", &["Agência Brasil"]),
    ("AGI", &["AGI"]),
    ("Adnkronos", &["Adnkronos"]),
    ("NTB", &["NTB"]),
    ("TT", &["TT"]),
    ("Ritzau", &["Ritzau"]),
    ("STT", &["STT"]),
    ("BTA", &["BTA"]),
    ("Agerpres", &["Agerpres"]),
    ("HINA", &["HINA", "Hina"]),
    ("Tanjug", &["Tanjug"]),
    (
        "Keystone-SDA",
        &["Keystone-SDA", "Keystone-ATS", "SDA", "ATS"],
    ),
    ("UPI", &["UPI"]),
    ("Bloomberg", &["Bloomberg"]),
    ("MENAFN", &["MENAFN"]),
];

/// The agency named by `spelling` exactly (one of [`AGENCIES`]' spellings).
fn agency_of(spelling: &str) -> Option<&'static str> {
    AGENCIES
        .iter()
        .find(|(_, spellings)| spellings.contains(&spelling))
        .map(|(name, _)| *name)
}

/// Every spelling, longest first, as a regex alternation.
fn alternation() -> String {
    let mut all: Vec<&str> = AGENCIES
        .iter()
        .flat_map(|(_, s)| s.iter().copied())
        .collect();
    all.sort_by_key(|s| std::cmp::Reverse(s.len()));
    all.iter()
        .map(|s| regex::escape(s))
        .collect::<Vec<_>>()
        .join("|")
}

/// Letters or digits around a match mean it is part of a longer word.
const WB_AFTER: &str = r"(?:$|[^\p{L}\p{N}])";

static ANY_AGENCY: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(&format!("({})", alternation())).expect("agency regex"));
static BRACKETS: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"[(（【\[]([^()（）【】\[\]]{1,60})[)）】\]]").expect("brackets"));
static SLASHED: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(&format!(r"/\s*({})\s*/", alternation())).expect("slashed"));
static LEADING: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(r"^\s*({})\s*(?:[-–—:|]|--)", alternation())).expect("leading")
});
static SOURCE_LINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?i:sources?|quellen?|fuentes?|fontes?|źródło|kaynak|bron|källa|kilde|lähde|zdroj|forrás|izvor|джерело|источник|来源|來源|出典|출처|المصدر)\s*[:：]\s*(?:[\p{{L}} ]{{0,30}}[,/&]\s*)?({})",
        alternation()
    ))
    .expect("source line")
});
static WITH_LINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?:^|[\s(\[])(?i:with|avec|mit|con|com)\s+(?:(?i:material from|material von|reporting from|reporting by|additional reporting by|información de|informaci[oó]n de|informações da|informações de|agencies and|agences et|le agenzie|)\s*)?({}){WB_AFTER}",
        alternation()
    ))
    .expect("with line")
});
static TRAILING_DASH: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?:^|\s)(?:[-–—]|--)\s*({})[\s.)\]]*$",
        alternation()
    ))
    .expect("trailing dash")
});
static TRAILING_BRACKET: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(r"[(\[]\s*({})\s*[)\]]\s*\.?\s*$", alternation())).expect("trailing")
});
static CJK_DATELINE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\s*(新华社|新華社|中新社)\S{0,20}电").expect("cjk dateline"));

/// The agencies named as whole words in `text`.
fn agencies_named(text: &str) -> Vec<&'static str> {
    let is_word = |c: Option<char>| c.is_some_and(char::is_alphanumeric);
    ANY_AGENCY
        .find_iter(text)
        .filter(|m| {
            !is_word(text[..m.start()].chars().next_back())
                && !is_word(text[m.end()..].chars().next())
        })
        .filter_map(|m| agency_of(m.as_str()))
        .collect()
}

/// Words that mark a photo or image credit, which is not a credit for the text.
fn is_photo_credit(text: &str) -> bool {
    let lower = text.to_lowercase();
    [
        "photo", "foto", "image", "picture", "getty", "фото", "写真", "图片", "사진", "file:",
    ]
    .iter()
    .any(|w| lower.contains(w))
}

/// The agencies `article` credits for its text, in the order found, each once: from the byline,
/// the dateline at the start of the body, and the credit lines at its end. Mentions in running
/// text ("according to TASS calculations") and photo credits do not count.
pub fn agency_credits(article: &Article) -> Vec<&'static str> {
    let mut out: Vec<&'static str> = Vec::new();
    let mut add = |name: &'static str| {
        if !out.contains(&name) {
            out.push(name);
        }
    };
    if let Some(byline) = &article.byline
        && !is_photo_credit(byline)
    {
        for a in agencies_named(byline) {
            add(a);
        }
    }
    let paragraphs: Vec<&str> = article
        .paragraphs
        .iter()
        .map(|p| p.trim())
        .filter(|p| !p.is_empty())
        .collect();
    // The dateline: the start of the first paragraph.
    if let Some(first) = paragraphs.first() {
        let head: String = first.chars().take(200).collect();
        for a in dateline_credits(&head) {
            add(a);
        }
    }
    // The credit lines: the last three paragraphs.
    let tail_start = paragraphs.len().saturating_sub(3);
    for p in &paragraphs[tail_start..] {
        for a in credit_line(p) {
            add(a);
        }
    }
    out
}

fn dateline_credits(head: &str) -> Vec<&'static str> {
    let mut out = Vec::new();
    for m in BRACKETS.captures_iter(head) {
        let whole = m.get(0).expect("match");
        let at_start = head[..whole.start()].trim().is_empty();
        let after = head[whole.end()..].trim_start();
        let dash_after =
            after.is_empty() || after.starts_with(['-', '–', '—', ':', '.', '|', ',']) || at_start;
        if !dash_after && !head.starts_with('【') {
            continue;
        }
        for piece in m[1].split(['/', ',', '=', '·', ';', '&', '|']) {
            if let Some(a) = agency_of(piece.trim()) {
                out.push(a);
            }
        }
    }
    for m in SLASHED.captures_iter(head) {
        if let Some(a) = agency_of(&m[1]) {
            out.push(a);
        }
    }
    if let Some(m) = LEADING.captures(head)
        && let Some(a) = agency_of(&m[1])
    {
        out.push(a);
    }
    if let Some(m) = CJK_DATELINE.captures(head) {
        match &m[1] {
            "中新社" => {}
            _ => out.push("Xinhua"),
        }
    }
    out
}

fn credit_line(p: &str) -> Vec<&'static str> {
    let mut out = Vec::new();
    if p.contains("Reporting by") && (p.contains("Editing by") || p.contains("Writing by")) {
        out.push("Reuters");
    }
    if is_photo_credit(p) {
        return out;
    }
    let short = p.chars().count() <= 200;
    let end: String = {
        let n = p.chars().count();
        p.chars().skip(n.saturating_sub(80)).collect()
    };
    if short {
        // The whole line is agency names: "AFP", "(Reuters)", "dpa/AFP", "— AP".
        let bare = p.trim_matches(|c: char| {
            c.is_whitespace() || matches!(c, '(' | ')' | '[' | ']' | '-' | '–' | '—' | '.' | '©')
        });
        let pieces: Vec<&str> = bare
            .split(['/', ',', '&', ';'])
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .collect();
        if !pieces.is_empty() && pieces.iter().all(|s| agency_of(s).is_some()) {
            out.extend(pieces.iter().filter_map(|s| agency_of(s)));
        }
        for re in [&*SOURCE_LINE, &*WITH_LINE] {
            for m in re.captures_iter(p) {
                if let Some(a) = agency_of(&m[1]) {
                    out.push(a);
                }
            }
        }
    }
    for re in [&*TRAILING_DASH, &*TRAILING_BRACKET] {
        if let Some(m) = re.captures(&end)
            && let Some(a) = agency_of(&m[1])
        {
            out.push(a);
        }
    }
    if !short
        && let Some(m) = SOURCE_LINE.captures(&end)
        && let Some(a) = agency_of(&m[1])
    {
        out.push(a);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use parallax_core::{DateFound, PublishedTime, SourceId};

    fn art(id: &str, hour: Option<u32>, paragraphs: &[&str]) -> Article {
        Article {
            section: None,
            id: ArticleId::from(id),
            source: SourceId::unknown(),
            url: None,
            canonical_url: None,
            title: format!("title {id}"),
            byline: None,
            published: hour.map(|h| PublishedTime {
                at: Utc.with_ymd_and_hms(2025, 7, 3, h, 0, 0).unwrap(),
                found: DateFound::Meta,
                confidence: 1.0,
            }),
            language: Some("en".into()),
            paragraphs: paragraphs.iter().map(|s| s.to_string()).collect(),
            content_hash: id.into(),
            fetched_at: Utc.with_ymd_and_hms(2025, 7, 4, 0, 0, 0).unwrap(),
            origin: id.into(),
            warnings: Vec::new(),
            excerpts: Vec::new(),
            attribution: Default::default(),
        }
    }

    const DISPATCH: &[&str] = &[
        "MOSCOW, July 3 (Reuters) - The port authority of Valdoria closed the northern harbour on Thursday after a cargo ship ran aground near the breakwater, officials said.",
        "The ship, carrying grain bound for the southern coast, struck a sandbank shortly after dawn and tugs failed to free it during the morning high tide.",
        "Harbour master Elin Varga told reporters that no crew member was hurt and that divers would inspect the hull before any attempt to refloat the vessel.",
        "Traders said the closure could delay about forty shipments this week and push up freight rates along the coast, which have already risen by a tenth since June.",
        "The authority said it expected to reopen the harbour on Saturday if the weather held.",
    ];

    #[test]
    fn copies_rewrites_and_independents() {
        let original = art("a-orig", Some(8), DISPATCH);
        let mut copy_paras: Vec<&str> = vec!["Home | World | Business"];
        copy_paras.extend_from_slice(&DISPATCH[1..]);
        copy_paras.push("Follow us for more news from the coast.");
        let copy = art("b-copy", Some(9), &copy_paras);
        let rewrite = art(
            "c-rewrite",
            Some(10),
            &[
                DISPATCH[1],
                "Local fishermen were told to keep clear of the channel while the salvage work goes on, our correspondent reported.",
                DISPATCH[3],
            ],
        );
        let independent = art(
            "d-indep",
            Some(7),
            &[
                "Valdoria's northern harbour was shut on Thursday morning when a grain carrier became stuck on a sandbank at the harbour mouth.",
                "\"No crew member was hurt and divers will inspect the hull before any attempt to refloat the vessel,\" the harbour master said in a statement.",
                "Shipping companies warned of delays and higher costs for customers across the region.",
            ],
        );
        let copy_of_copy = art("e-copy2", None, &copy_paras[1..]);
        let arts = vec![original, copy, rewrite, independent, copy_of_copy];
        let ind = detect(&arts);
        assert_eq!(ind.articles, 5);
        assert_eq!(ind.independent_count(), 2, "{ind:#?}");
        assert_eq!(ind.reports[0].original, ArticleId::from("d-indep"));
        assert_eq!(ind.reports[0].articles.len(), 1);
        let wire = &ind.reports[1];
        assert_eq!(wire.original, ArticleId::from("a-orig"));
        assert_eq!(wire.agency.as_deref(), Some("Reuters"));
        assert_eq!(
            wire.articles,
            ["a-orig", "b-copy", "c-rewrite", "e-copy2"].map(ArticleId::from)
        );
        assert_eq!(
            wire.first_published.map(|t| t.to_rfc3339()).as_deref(),
            Some("2025-07-03T08:00:00+00:00")
        );
        assert_eq!(ind.undated, vec![ArticleId::from("e-copy2")]);
        assert_eq!(ind.describe(), "5 articles from 2 independent reports");
        for e in &wire.copies {
            assert!(e.evidence.contains("shingles"), "{e:?}");
            assert!(e.containment > 0.2 && e.containment <= 1.0, "{e:?}");
        }
        assert_eq!(ind.report_of(&ArticleId::from("e-copy2")), Some(1));
        assert_eq!(ind.report_of(&ArticleId::from("zzz")), None);
    }

    #[test]
    fn same_agency_different_text_is_one_report_unless_told() {
        let a = art(
            "a",
            Some(1),
            &["KYIV, July 3 (Reuters) - Ukraine's grain exports rose in June, the ministry said."],
        );
        let b = art(
            "b",
            Some(2),
            &[
                "Rain delayed the harvest in the south, farmers said on Thursday.",
                "(Reuters)",
            ],
        );
        let c = art(
            "c",
            Some(3),
            &["WASHINGTON (AP) — The Senate passed the budget bill late on Wednesday."],
        );
        let ind = detect(&[a.clone(), b.clone(), c.clone()]);
        assert_eq!(ind.independent_count(), 2);
        assert_eq!(ind.reports[0].copies[0].evidence, "agency credit");
        let apart = detect_with(
            &[a, b, c],
            &WireConfig {
                merge_agency: false,
                ..WireConfig::default()
            },
        );
        assert_eq!(apart.independent_count(), 3);
    }

    #[test]
    fn order_is_stable_and_undated_last() {
        let a = art("z", None, &["one two three"]);
        let b = art("y", Some(5), &["four five six"]);
        let c = art("x", Some(5), &["seven eight nine"]);
        let ind = detect(&[a, b, c]);
        let o: Vec<&str> = ind.reports.iter().map(|r| r.original.as_str()).collect();
        assert_eq!(o, ["x", "y", "z"]);
        assert_eq!(ind.reports[2].first_published, None);
        assert_eq!(
            detect(&[]).describe(),
            "0 articles from 0 independent reports"
        );
    }

    #[test]
    fn credits() {
        let c = |first: &str, last: &str, byline: Option<&str>| {
            let mut a = art(
                "a",
                None,
                &[first, "Middle paragraph with nothing in it at all.", last],
            );
            a.byline = byline.map(str::to_string);
            agency_credits(&a)
        };
        assert_eq!(
            c("MOSCOW, July 3 (Reuters) - Text.", "End.", None),
            ["Reuters"]
        );
        assert_eq!(c("WASHINGTON (AP) — Text.", "End.", None), ["AP"]);
        assert_eq!(c("KYIV, July 3. /TASS/. Text.", "End.", None), ["TASS"]);
        assert_eq!(c("BERLIN (dpa/AFP) - Text.", "End.", None), ["dpa", "AFP"]);
        assert_eq!(c("(서울=연합뉴스) 기사 본문.", "끝.", None), ["Yonhap"]);
        assert_eq!(c("新华社北京7月3日电 正文。", "完。", None), ["Xinhua"]);
        assert_eq!(
            c("МОСКВА, 3 июля. /ТАСС/. Текст.", "Конец.", None),
            ["TASS"]
        );
        assert_eq!(
            c("(MENAFN) Russian President spoke.", "End.", None),
            ["MENAFN"]
        );
        assert_eq!(c("Text.", "Source: TASS", None), ["TASS"]);
        assert_eq!(c("Text.", "Quelle: dpa", None), ["dpa"]);
        assert_eq!(c("Texto.", "Con información de EFE.", None), ["EFE"]);
        assert_eq!(c("Texte.", "(avec AFP)", None), ["AFP"]);
        assert_eq!(
            c("Text.", "The talks will resume on Monday. — AP", None),
            ["AP"]
        );
        assert_eq!(
            c(
                "Text.",
                "Reporting by Jane Doe in Kyiv; Editing by John Roe",
                None
            ),
            ["Reuters"]
        );
        assert_eq!(c("Text.", "End.", Some("By Reuters Staff")), ["Reuters"]);
        assert_eq!(
            c("Text.", "End.", Some("Jane Doe, The Associated Press")),
            ["AP"]
        );
        // Mentions and photo credits are not credits.
        assert!(
            c(
                "Text.",
                "According to TASS calculations, Trump spoke with Putin five times a year.",
                None
            )
            .is_empty()
        );
        assert!(c("The NATO (alliance) said.", "Photo: AFP", None).is_empty());
        assert!(c("Anadolu Agency (AA) reported the news.", "End.", None).is_empty());
        assert!(c("Text.", "REUTERS/Evelyn Hockstein", None).is_empty());
        assert!(c("The map (AP) shows it.", "End.", Some("Photo: AP")).is_empty());
    }

    #[test]
    fn quotes_are_left_out() {
        assert_eq!(
            unquoted("He said “we will win” and left."),
            ["He said ", " and left."]
        );
        assert_eq!(unquoted("«Да» сказал он"), ["", " сказал он"]);
        assert_eq!(unquoted("An open \"quote runs on"), ["An open "]);
        assert_eq!(shingles("a b c d e f", 5).len(), 2);
        assert!(shingles("a b", 5).is_empty());
        assert_eq!(shingles("A B C D E", 5), shingles("a  b, c d e", 5));
    }
}
