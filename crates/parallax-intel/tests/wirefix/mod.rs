//! Wire-copy fixtures: turns the dispatches of `tests/data/wire/events.json` (written for the
//! project) into stories of originals, copies, rewrites, copies of copies, other outlets'
//! independent dispatches and translated leads, each article labelled with its gold family (the
//! dispatch its text derives from) and gold report (the family, or the agency when the dispatch
//! credits one: see `parallax_intel::wire`). Deterministic: a fixed generator seeded by ids.
//!
//! Shared by `tests/intel.rs` and `examples/wire_bench.rs`.
#![allow(dead_code)]

use std::path::Path;

use chrono::{DateTime, Duration, Utc};
use parallax_core::{Article, ArticleId, DateFound, PublishedTime, SourceId};
use serde::Deserialize;

#[derive(Deserialize)]
struct Fixture {
    outlets: Vec<String>,
    headers: Vec<String>,
    footers: Vec<String>,
    synonyms: Vec<(String, String)>,
    events: Vec<Event>,
}

#[derive(Deserialize)]
struct Event {
    id: String,
    start: DateTime<Utc>,
    local: Vec<String>,
    dispatches: Vec<Dispatch>,
    translations: Vec<Translation>,
}

#[derive(Deserialize)]
struct Dispatch {
    id: String,
    agency: Option<String>,
    dateline: String,
    #[serde(default)]
    credit_line: Option<String>,
    offset_min: i64,
    paragraphs: Vec<String>,
}

#[derive(Deserialize)]
struct Translation {
    id: String,
    lang: String,
    agency: Option<String>,
    of: String,
    paragraphs: Vec<String>,
}

/// How a fixture article was made.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    /// An agency's or outlet's own dispatch.
    Original,
    /// The whole dispatch, light word edits, a sentence maybe dropped, new header and footer.
    Copy,
    /// The first 60 % of the dispatch's paragraphs.
    Truncated,
    /// 40–70 % of the dispatch's sentences, some edited, with the outlet's own sentences added.
    Rewrite,
    /// A light copy of a copy or of a rewrite.
    CopyOfCopy,
    /// Another language: a translated lead and the outlet's own lines. Never a copy.
    TranslatedLead,
}

/// One generated article and its gold labels.
pub struct Labelled {
    /// The article.
    pub article: Article,
    /// The dispatch its text derives from (its own id for a translation).
    pub family: String,
    /// The report it belongs to under the same-agency rule.
    pub report: String,
    /// How it was made.
    pub kind: Kind,
}

/// One event's articles.
pub struct Story {
    /// The event id.
    pub event: String,
    /// Its articles, originals first.
    pub articles: Vec<Labelled>,
}

/// xorshift64*: small, deterministic, good enough to pick variants.
struct Rng(u64);

impl Rng {
    fn new(seed: &str) -> Self {
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        for b in seed.bytes() {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        Rng(h | 1)
    }
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
    fn chance(&mut self, p: f64) -> bool {
        (self.next() % 10_000) as f64 / 10_000.0 < p
    }
    fn range(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * (self.next() % 10_000) as f64 / 10_000.0
    }
}

/// A dispatch as paragraphs of sentences, without its credit.
type Body = Vec<Vec<String>>;

fn body_of(paragraphs: &[String]) -> Body {
    paragraphs
        .iter()
        .map(|p| parallax_text::sentences(p))
        .filter(|p| !p.is_empty())
        .collect()
}

fn replace_word(s: &str, from: &str, to: &str) -> Option<String> {
    let mut start = 0;
    while let Some(i) = s[start..].find(from) {
        let at = start + i;
        let before = s[..at].chars().next_back();
        let after = s[at + from.len()..].chars().next();
        if !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric) {
            return Some(format!("{}{}{}", &s[..at], to, &s[at + from.len()..]));
        }
        start = at + from.len();
    }
    None
}

fn edit(s: &str, rng: &mut Rng, synonyms: &[(String, String)]) -> String {
    let offset = rng.below(synonyms.len());
    for k in 0..synonyms.len() {
        let (from, to) = &synonyms[(offset + k) % synonyms.len()];
        if let Some(out) = replace_word(s, from, to) {
            return out;
        }
    }
    // No synonym applies: the sentence stays as it is.
    s.to_string()
}

struct Gen<'a> {
    fx: &'a Fixture,
}

impl Gen<'_> {
    /// An outlet's page around `body`: its own fixed header and footer lines, as a site's
    /// template would add them.
    fn boilerplate(&self, outlet: usize, body: Vec<String>) -> Vec<String> {
        let name = &self.fx.outlets[outlet];
        let (h, f) = (self.fx.headers.len(), self.fx.footers.len());
        let mut out: Vec<String> = (0..outlet % 3)
            .map(|k| self.fx.headers[(outlet + 3 * k) % h].replace("{outlet}", name))
            .collect();
        out.extend(body);
        out.extend(
            (0..1 + outlet % 2)
                .map(|k| self.fx.footers[(2 * outlet + 5 * k) % f].replace("{outlet}", name)),
        );
        out
    }

    fn outlet(&self, rng: &mut Rng) -> (usize, SourceId) {
        let o = rng.below(self.fx.outlets.len());
        (o, SourceId::from_key(&self.fx.outlets[o]))
    }

    fn render(body: &Body, dateline: Option<&str>, credit_line: Option<&str>) -> Vec<String> {
        let mut out: Vec<String> = body.iter().map(|p| p.join(" ")).collect();
        if let (Some(d), Some(first)) = (dateline.filter(|d| !d.is_empty()), out.first_mut()) {
            *first = format!("{d} {first}");
        }
        if let Some(c) = credit_line {
            out.push(c.to_string());
        }
        out
    }

    fn light(&self, body: &Body, rng: &mut Rng, rate: f64, drop: f64) -> Body {
        let mut b: Body = body
            .iter()
            .map(|p| {
                p.iter()
                    .map(|s| {
                        if rng.chance(rate) {
                            edit(s, rng, &self.fx.synonyms)
                        } else {
                            s.clone()
                        }
                    })
                    .collect()
            })
            .collect();
        if rng.chance(drop) {
            let p = rng.below(b.len());
            if b[p].len() > 1 {
                let s = rng.below(b[p].len());
                b[p].remove(s);
            }
        }
        b
    }

    /// Keeps 40–70 % of the sentences and adds `own` (the outlet's own sentences).
    fn rewrite(&self, body: &Body, own: &[String], rng: &mut Rng) -> Body {
        let all: Vec<&String> = body.iter().flatten().collect();
        let keep_share = rng.range(0.4, 0.7);
        let keep = ((all.len() as f64 * keep_share).round() as usize).clamp(2, all.len());
        let mut idx: Vec<usize> = (0..all.len()).collect();
        // Partial Fisher–Yates: choose `keep` sentences, then restore their order.
        for i in 0..keep {
            let j = i + rng.below(all.len() - i);
            idx.swap(i, j);
        }
        let mut chosen: Vec<usize> = idx[..keep].to_vec();
        chosen.sort_unstable();
        let mut sentences: Vec<String> = chosen
            .iter()
            .map(|&i| {
                if rng.chance(0.5) {
                    edit(all[i], rng, &self.fx.synonyms)
                } else {
                    all[i].clone()
                }
            })
            .collect();
        for s in own {
            let at = rng.below(sentences.len() + 1);
            sentences.insert(at, s.clone());
        }
        // Paragraphs of one or two sentences.
        let mut out: Body = Vec::new();
        let mut i = 0;
        while i < sentences.len() {
            let n = (1 + rng.below(2)).min(sentences.len() - i);
            out.push(sentences[i..i + n].to_vec());
            i += n;
        }
        out
    }
}

fn article(
    id: &str,
    source: SourceId,
    at: Option<DateTime<Utc>>,
    lang: &str,
    paragraphs: Vec<String>,
) -> Article {
    Article {
        section: None,
        id: ArticleId::from(id),
        source,
        url: None,
        canonical_url: None,
        title: format!("Headline of {id}"),
        byline: None,
        published: at.map(|at| PublishedTime {
            at,
            found: DateFound::Input,
            confidence: 1.0,
        }),
        language: Some(lang.to_string()),
        content_hash: parallax_core::content_hash(&paragraphs.join("\n\n")),
        paragraphs,
        fetched_at: DateTime::UNIX_EPOCH,
        origin: format!("wire fixture {id}"),
        warnings: Vec::new(),
        excerpts: Vec::new(),
        attribution: Default::default(),
    }
}

/// Reads the fixture file and generates every story.
pub fn load(path: &Path) -> Vec<Story> {
    let text = std::fs::read_to_string(path).expect("fixture file");
    let fx: Fixture = serde_json::from_str(&text).expect("fixture JSON");
    let g = Gen { fx: &fx };
    let mut stories = Vec::new();
    for ev in &fx.events {
        let mut arts: Vec<Labelled> = Vec::new();
        // The outlets' own sentences, each used by one rewrite only (two outlets do not write
        // the same sentence), shuffled once per event.
        let mut local: Vec<String> = ev.local.clone();
        let mut lr = Rng::new(&ev.id);
        for i in (1..local.len()).rev() {
            local.swap(i, lr.below(i + 1));
        }
        let mut local = local.into_iter();
        let report_of = |agency: &Option<String>, own: &str| match agency {
            Some(a) => format!("agency:{}:{a}", ev.id),
            None => own.to_string(),
        };
        for d in &ev.dispatches {
            let body = body_of(&d.paragraphs);
            let t0 = ev.start + Duration::minutes(d.offset_min);
            let report = report_of(&d.agency, &d.id);
            let mut push = |suffix: &str,
                            kind: Kind,
                            source: SourceId,
                            at: Option<DateTime<Utc>>,
                            paragraphs: Vec<String>| {
                arts.push(Labelled {
                    article: article(&format!("{}-{suffix}", d.id), source, at, "en", paragraphs),
                    family: d.id.clone(),
                    report: report.clone(),
                    kind,
                });
            };
            let dateline = Some(d.dateline.as_str());
            let credit = d.credit_line.as_deref();
            let own_source = SourceId::from_key(d.agency.as_deref().unwrap_or(&d.id));
            push(
                "orig",
                Kind::Original,
                own_source,
                Some(t0),
                Gen::render(&body, dateline, credit),
            );
            let mut rng = Rng::new(&d.id);
            let later = |rng: &mut Rng, from: DateTime<Utc>| {
                (!rng.chance(0.1)).then(|| from + Duration::minutes(5 + rng.below(300) as i64))
            };
            // Two copies.
            let mut copies = Vec::new();
            for (n, (rate, hdr_seed)) in [(0.3, "a"), (0.5, "b")].into_iter().enumerate() {
                let mut r = Rng::new(&format!("{}-copy-{hdr_seed}", d.id));
                let b = g.light(&body, &mut r, rate, 0.3);
                let keep = r.chance(0.7);
                let (o, src) = g.outlet(&mut r);
                let paras = g.boilerplate(
                    o,
                    Gen::render(&b, dateline.filter(|_| keep), credit.filter(|_| keep)),
                );
                let at = later(&mut rng, t0);
                copies.push((b.clone(), at));
                push(&format!("copy{}", n + 1), Kind::Copy, src, at, paras);
            }
            // A truncated copy.
            {
                let mut r = Rng::new(&format!("{}-trunc", d.id));
                let n = ((body.len() as f64 * 0.6).ceil() as usize).max(1);
                let b = g.light(&body[..n].to_vec(), &mut r, 0.2, 0.0);
                let keep = r.chance(0.5);
                let (o, src) = g.outlet(&mut r);
                let paras = g.boilerplate(o, Gen::render(&b, dateline.filter(|_| keep), None));
                let at = later(&mut rng, t0);
                push("trunc", Kind::Truncated, src, at, paras);
            }
            // Two rewrites.
            let mut rewrites = Vec::new();
            for n in 1..=2 {
                let mut r = Rng::new(&format!("{}-rewrite-{n}", d.id));
                let own: Vec<String> = local.by_ref().take(2).collect();
                let b = g.rewrite(&body, &own, &mut r);
                let keep = r.chance(0.3);
                let (o, src) = g.outlet(&mut r);
                let paras = g.boilerplate(o, Gen::render(&b, dateline.filter(|_| keep), None));
                let at = later(&mut rng, t0);
                rewrites.push((b.clone(), at));
                push(&format!("rewrite{n}"), Kind::Rewrite, src, at, paras);
            }
            // Copies of copies: of the first rewrite and of the first copy.
            for (n, (src, at)) in [&rewrites[0], &copies[0]].into_iter().enumerate() {
                let mut r = Rng::new(&format!("{}-cc-{n}", d.id));
                let b = g.light(src, &mut r, 0.3, 0.2);
                let (o, src) = g.outlet(&mut r);
                let paras = g.boilerplate(o, Gen::render(&b, None, None));
                let at = later(&mut rng, at.unwrap_or(t0));
                push(&format!("cc{}", n + 1), Kind::CopyOfCopy, src, at, paras);
            }
        }
        for t in &ev.translations {
            let d = ev
                .dispatches
                .iter()
                .find(|d| d.id == t.of)
                .expect("translated dispatch");
            let at = ev.start + Duration::minutes(d.offset_min + 90);
            arts.push(Labelled {
                article: article(
                    &t.id,
                    SourceId::from_key(&t.id),
                    Some(at),
                    &t.lang,
                    t.paragraphs.clone(),
                ),
                family: t.id.clone(),
                report: report_of(&t.agency, &t.id),
                kind: Kind::TranslatedLead,
            });
        }
        stories.push(Story {
            event: ev.id.clone(),
            articles: arts,
        });
    }
    stories
}

/// Pair counts of one clustering against gold labels.
#[derive(Clone, Copy, Debug, Default)]
pub struct PairCounts {
    /// Pairs together in both.
    pub tp: usize,
    /// Pairs together in the prediction only.
    pub fp: usize,
    /// Pairs together in the gold only.
    pub fn_: usize,
}

impl PairCounts {
    /// Adds the pairs of one story: `pred[i]` and `gold[i]` are article i's labels.
    pub fn add<P: PartialEq, G: PartialEq>(&mut self, pred: &[P], gold: &[G]) {
        for i in 0..pred.len() {
            for j in (i + 1)..pred.len() {
                match (pred[i] == pred[j], gold[i] == gold[j]) {
                    (true, true) => self.tp += 1,
                    (true, false) => self.fp += 1,
                    (false, true) => self.fn_ += 1,
                    (false, false) => {}
                }
            }
        }
    }
    /// Precision.
    pub fn precision(&self) -> f64 {
        let d = self.tp + self.fp;
        if d == 0 {
            1.0
        } else {
            self.tp as f64 / d as f64
        }
    }
    /// Recall.
    pub fn recall(&self) -> f64 {
        let d = self.tp + self.fn_;
        if d == 0 {
            1.0
        } else {
            self.tp as f64 / d as f64
        }
    }
    /// F1.
    pub fn f1(&self) -> f64 {
        let (p, r) = (self.precision(), self.recall());
        if p + r == 0.0 {
            0.0
        } else {
            2.0 * p * r / (p + r)
        }
    }
}

/// Everything the benchmark reports for one configuration.
#[derive(Debug, Default)]
pub struct Scores {
    /// Copy pairs: same report (agency rule off) against same text family.
    pub copies: PairCounts,
    /// Grouping: same report (as configured) against the gold reports.
    pub reports: PairCounts,
    /// Articles.
    pub articles: usize,
    /// Independent reports found / in the gold.
    pub found_reports: usize,
    /// Gold reports.
    pub gold_reports: usize,
    /// Translated leads placed in a report with any other article by text alone.
    pub translations_copied: usize,
    /// Translated leads.
    pub translations: usize,
    /// Per kind: (articles in their original's text report, articles).
    pub by_kind: std::collections::BTreeMap<Kind, (usize, usize)>,
    /// Families whose predicted report starts with the family's original.
    pub first_right: usize,
    /// Families.
    pub families: usize,
}

/// Scores `cfg` on `stories`.
pub fn score(stories: &[Story], cfg: &parallax_intel::wire::WireConfig) -> Scores {
    use parallax_intel::wire::{WireConfig, detect_with};
    let text_cfg = WireConfig {
        merge_agency: false,
        ..cfg.clone()
    };
    let mut sc = Scores::default();
    for st in stories {
        let arts: Vec<Article> = st.articles.iter().map(|l| l.article.clone()).collect();
        let text = detect_with(&arts, &text_cfg);
        let full = detect_with(&arts, cfg);
        let label = |ind: &parallax_intel::wire::Independence| -> Vec<usize> {
            arts.iter()
                .map(|a| ind.report_of(&a.id).expect("every article has a report"))
                .collect()
        };
        let text_l = label(&text);
        let full_l = label(&full);
        let fam: Vec<&str> = st.articles.iter().map(|l| l.family.as_str()).collect();
        let rep: Vec<&str> = st.articles.iter().map(|l| l.report.as_str()).collect();
        sc.copies.add(&text_l, &fam);
        sc.reports.add(&full_l, &rep);
        sc.articles += arts.len();
        sc.found_reports += full.independent_count();
        let mut g = rep.clone();
        g.sort_unstable();
        g.dedup();
        sc.gold_reports += g.len();
        for (i, l) in st.articles.iter().enumerate() {
            if l.kind == Kind::TranslatedLead {
                sc.translations += 1;
                if text_l
                    .iter()
                    .enumerate()
                    .any(|(j, &r)| j != i && r == text_l[i])
                {
                    sc.translations_copied += 1;
                }
                continue;
            }
            let orig = st
                .articles
                .iter()
                .position(|o| o.family == l.family && o.kind == Kind::Original)
                .expect("original");
            let e = sc.by_kind.entry(l.kind).or_default();
            e.1 += 1;
            if text_l[i] == text_l[orig] {
                e.0 += 1;
            }
            if l.kind == Kind::Original {
                sc.families += 1;
                if text.reports[text_l[i]].original == l.article.id {
                    sc.first_right += 1;
                }
            }
        }
    }
    sc
}

/// The fixture file.
pub fn fixture_path() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/wire/events.json")
}
