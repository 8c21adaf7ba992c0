//! What each country, region or bias group's coverage emphasises that the rest of the story's
//! coverage does not, and the take that holds across groups.
//!
//! Groups: the country of each article's outlet (`country:RU`), its region (`region:Europe`, left
//! out when it holds exactly the articles of one country group) and its bias rating where one
//! exists (`bias:left`; unrated outlets never form a bias group). A group is formed only when the
//! story also has articles outside it. Articles whose outlet is unknown belong to no group (they
//! still count as "the rest").
//!
//! For each group:
//! - **distinctive terms**: stemmed content words scored by the log-odds ratio with an informative
//!   Dirichlet prior (Monroe, Colaresi & Quinn 2008, "Fightin' Words") of the group's articles
//!   against the rest of the story, the prior being the story's own term frequencies scaled to
//!   [`PRIOR_STRENGTH`] × the story's size; a term is distinctive with a z-score of at least
//!   [`MIN_Z`], at most [`TERMS_PER_GROUP`] of them, each cited by sentences of the group's articles.
//!   Copies of one report (see [`crate::wire`]) share one weight, so a wire story printed ten times
//!   counts once;
//! - **distinctive claims**: ledger claims stated mostly inside the group (more of their
//!   independent reports inside than outside, and a larger share inside than the group's share of
//!   the story), most supported first, then those richest in the group's distinctive terms.
//!
//! [`current_take`] is the other half of the page: the agreed claims that hold across groups.

use std::collections::{BTreeMap, HashMap, HashSet};

use parallax_core::{Article, ArticleId, Source, SourceId};
use parallax_text::{Analyzer, detect_language};
use serde::Serialize;

use crate::claims::{Claim, ClaimKind, ClaimSource};
use crate::geo::region_of;

/// Distinctive terms kept per group.
pub const TERMS_PER_GROUP: usize = 8;
/// Distinctive claims kept per group.
pub const CLAIMS_PER_GROUP: usize = 5;
/// Least z-score of a distinctive term. A word the group uses once and the rest never scores
/// about 0.7–0.9; one the rest uses as often scores 0 or less.
pub const MIN_Z: f64 = 0.5;
/// Strength of the prior, as a multiple of the story's (weighted) number of terms.
pub const PRIOR_STRENGTH: f64 = 0.5;
/// Claims kept in the current take.
pub const TAKE_CLAIMS: usize = 8;

/// One group's take.
#[derive(Clone, Debug, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Perspective {
    /// "country:RU", "region:Europe", "bias:left", ...
    pub group: String,
    /// "country", "region" or "bias".
    pub dimension: String,
    /// The group's value: a country code, a region name or a bias rating.
    pub label: String,
    /// Articles of the group.
    pub articles: usize,
    /// Their ids, in story order.
    pub article_ids: Vec<ArticleId>,
    /// Independent reports among them.
    pub independent_sources: usize,
    /// Terms this group uses more than the rest of the story, most distinctive first.
    pub terms: Vec<DistinctiveTerm>,
    /// Claims stated mostly by this group, most supported first.
    pub claims: Vec<DistinctiveClaim>,
}

/// A term one group uses more than the others.
#[derive(Clone, Debug, PartialEq, Serialize, utoipa::ToSchema)]
pub struct DistinctiveTerm {
    /// The word as the group mostly writes it.
    pub term: String,
    /// Its stem (what was counted).
    pub stem: String,
    /// Log-odds z-score against the rest of the story.
    pub z: f64,
    /// Occurrences in the group's articles (copies of one report count once between them).
    pub in_group: f64,
    /// Occurrences in the other articles, counted the same way.
    pub elsewhere: f64,
    /// Sentences of the group's articles using it (one per article, at most two).
    pub citations: Vec<ClaimSource>,
}

/// A ledger claim stated mostly by one group.
#[derive(Clone, Debug, PartialEq, Serialize, utoipa::ToSchema)]
pub struct DistinctiveClaim {
    /// Index of the claim in the story's ledger.
    pub claim: usize,
    /// The claim in words.
    pub text: String,
    /// The claim's status across the whole story.
    pub kind: ClaimKind,
    /// Independent reports inside the group stating it.
    pub in_group: usize,
    /// Independent reports outside the group stating it.
    pub elsewhere: usize,
    /// The group's sources for it.
    pub sources: Vec<ClaimSource>,
}

/// A claim of the current take: agreed across groups.
#[derive(Clone, Debug, PartialEq, Serialize, utoipa::ToSchema)]
pub struct TakeClaim {
    /// Index of the claim in the story's ledger.
    pub claim: usize,
    /// The claim in words.
    pub text: String,
    /// Independent reports stating it.
    pub independent_sources: usize,
    /// The groups whose articles state it.
    pub groups: Vec<String>,
    /// Every source.
    pub sources: Vec<ClaimSource>,
}

/// The groups an article belongs to, given its outlet.
fn groups_of(source: Option<&Source>) -> Vec<(String, String)> {
    let Some(s) = source else {
        return Vec::new();
    };
    let mut out = Vec::new();
    // A country only inferred from coverage is a guess: it forms no take.
    if let Some(c) = s.known_country().map(str::trim).filter(|c| !c.is_empty()) {
        let c = c.to_uppercase();
        if let Some(r) = region_of(&c) {
            out.push(("region".to_string(), r.to_string()));
        }
        out.push(("country".to_string(), c));
    }
    if let Some(b) = &s.bias {
        let v = b.value.trim().to_lowercase();
        if !v.is_empty() && !matches!(v.as_str(), "unrated" | "unknown" | "not rated" | "n/a") {
            out.push(("bias".to_string(), v));
        }
    }
    out
}

/// Weighted term counts of one article.
struct Counts {
    terms: HashMap<String, f64>,
    total: f64,
    /// Position of each term's first use in the article.
    first: HashMap<String, usize>,
}

/// The story's articles prepared for group comparisons.
struct Prepared {
    counts: Vec<Counts>,
    surfaces: HashMap<String, HashMap<String, usize>>,
    report: Vec<usize>,
    /// group key -> (dimension, label, article indices)
    groups: BTreeMap<String, (String, String, Vec<usize>)>,
    /// Stems of each article's sentences, for citations: (sentence, stems).
    sentences: Vec<Vec<(String, HashSet<String>)>>,
}

fn prepare(articles: &[Article], sources: &[Source], report: Vec<usize>) -> Prepared {
    let by_id: HashMap<&SourceId, &Source> = sources.iter().map(|s| (&s.id, s)).collect();
    let mut report_size: HashMap<usize, usize> = HashMap::new();
    for &r in &report {
        *report_size.entry(r).or_default() += 1;
    }
    let mut analyzers: HashMap<Option<String>, Analyzer> = HashMap::new();
    let mut counts = Vec::new();
    let mut surfaces: HashMap<String, HashMap<String, usize>> = HashMap::new();
    let mut sentences = Vec::new();
    for (i, a) in articles.iter().enumerate() {
        let lang: Option<String> = match a.language.as_deref() {
            Some(l) if !l.trim().is_empty() => Some(l.trim().to_lowercase()),
            _ => detect_language(&a.full_text()).map(str::to_string),
        };
        let analyzer = analyzers
            .entry(lang.clone())
            .or_insert_with(|| Analyzer::new(lang.as_deref()));
        let weight = 1.0 / report_size.get(&report[i]).copied().unwrap_or(1) as f64;
        let mut terms: HashMap<String, f64> = HashMap::new();
        let mut first: HashMap<String, usize> = HashMap::new();
        let mut position = 0usize;
        let mut total = 0.0;
        let mut sents = Vec::new();
        let blocks =
            std::iter::once(a.title.as_str()).chain(a.paragraphs.iter().map(String::as_str));
        for block in blocks {
            for (s0, s1) in crate::claims::text::sentence_spans(block) {
                let sentence = &block[s0..s1];
                let mut stems = HashSet::new();
                for w in parallax_text::words(sentence) {
                    let Some(stem) = analyzer.terms(w).into_iter().next() else {
                        continue;
                    };
                    if stem.chars().all(|c| c.is_ascii_digit()) || stem.chars().count() < 2 {
                        continue;
                    }
                    *terms.entry(stem.clone()).or_default() += weight;
                    first.entry(stem.clone()).or_insert(position);
                    position += 1;
                    total += weight;
                    *surfaces
                        .entry(stem.clone())
                        .or_default()
                        .entry(w.to_lowercase())
                        .or_default() += 1;
                    stems.insert(stem);
                }
                sents.push((sentence.to_string(), stems));
            }
        }
        counts.push(Counts {
            terms,
            total,
            first,
        });
        sentences.push(sents);
    }
    let mut groups: BTreeMap<String, (String, String, Vec<usize>)> = BTreeMap::new();
    for (i, a) in articles.iter().enumerate() {
        for (dim, label) in groups_of(by_id.get(&a.source).copied()) {
            groups
                .entry(format!("{dim}:{label}"))
                .or_insert_with(|| (dim, label, Vec::new()))
                .2
                .push(i);
        }
    }
    // Drop groups that hold the whole story, and regions that repeat one country exactly.
    let country_sets: HashSet<Vec<usize>> = groups
        .values()
        .filter(|g| g.0 == "country")
        .map(|g| g.2.clone())
        .collect();
    groups.retain(|_, g| {
        g.2.len() < articles.len() && !(g.0 == "region" && country_sets.contains(&g.2))
    });
    Prepared {
        counts,
        surfaces,
        report,
        groups,
        sentences,
    }
}

/// The log-odds z-scores of every term of `members` against the other articles.
fn log_odds(p: &Prepared, members: &[usize]) -> Vec<(String, f64, f64, f64)> {
    let inside: HashSet<usize> = members.iter().copied().collect();
    let mut yg: HashMap<&str, f64> = HashMap::new();
    let mut yr: HashMap<&str, f64> = HashMap::new();
    let (mut ng, mut nr) = (0.0, 0.0);
    for (i, c) in p.counts.iter().enumerate() {
        let (y, n) = if inside.contains(&i) {
            (&mut yg, &mut ng)
        } else {
            (&mut yr, &mut nr)
        };
        *n += c.total;
        for (t, &v) in &c.terms {
            *y.entry(t.as_str()).or_default() += v;
        }
    }
    let n_all = ng + nr;
    if ng <= 0.0 || nr <= 0.0 {
        return Vec::new();
    }
    let alpha0 = PRIOR_STRENGTH * n_all;
    let mut out = Vec::new();
    for (&t, &g) in &yg {
        let r = yr.get(t).copied().unwrap_or(0.0);
        let alpha = alpha0 * (g + r) / n_all;
        let lg = ((g + alpha) / (ng + alpha0 - g - alpha)).ln();
        let lr = ((r + alpha) / (nr + alpha0 - r - alpha)).ln();
        let var = 1.0 / (g + alpha) + 1.0 / (r + alpha);
        let z = (lg - lr) / var.sqrt();
        out.push((t.to_string(), z, g, r));
    }
    // Ties (common in short texts, where most words occur once) go to the word used earliest.
    let first = |t: &str| {
        members
            .iter()
            .filter_map(|&m| p.counts[m].first.get(t).copied())
            .min()
            .unwrap_or(usize::MAX)
    };
    out.sort_by(|a, b| {
        b.1.partial_cmp(&a.1)
            .unwrap_or(std::cmp::Ordering::Equal)
            .then_with(|| first(&a.0).cmp(&first(&b.0)))
            .then_with(|| a.0.cmp(&b.0))
    });
    out
}

fn reports_of(p: &Prepared, articles: impl IntoIterator<Item = usize>) -> HashSet<usize> {
    articles.into_iter().map(|a| p.report[a]).collect()
}

/// The perspectives of one story: one per country, region and bias group that has articles both
/// inside and outside it. `claims` is the story's ledger ([`crate::claims::ledger`]).
pub fn perspectives(
    articles: &[Article],
    sources: &[Source],
    claims: &[Claim],
) -> Vec<Perspective> {
    let independence = crate::wire::detect(articles);
    perspectives_with(articles, sources, claims, &independence)
}

/// [`perspectives`] with the story's independent reports already worked out.
pub fn perspectives_with(
    articles: &[Article],
    sources: &[Source],
    claims: &[Claim],
    independence: &crate::wire::Independence,
) -> Vec<Perspective> {
    let report: Vec<usize> = articles
        .iter()
        .enumerate()
        .map(|(i, a)| {
            independence
                .report_of(&a.id)
                .unwrap_or(independence.reports.len() + i)
        })
        .collect();
    let p = prepare(articles, sources, report);
    let index: HashMap<&ArticleId, usize> = articles
        .iter()
        .enumerate()
        .map(|(i, a)| (&a.id, i))
        .collect();
    let story_reports = reports_of(&p, 0..articles.len()).len().max(1);
    let mut out = Vec::new();
    for (key, (dim, label, members)) in &p.groups {
        let inside: HashSet<usize> = members.iter().copied().collect();
        let group_reports = reports_of(&p, members.iter().copied());
        // Terms.
        let mut terms = Vec::new();
        for (stem, z, g, r) in log_odds(&p, members) {
            if z < MIN_Z || terms.len() >= TERMS_PER_GROUP {
                break;
            }
            let term = p
                .surfaces
                .get(&stem)
                .and_then(|s| {
                    s.iter()
                        .max_by(|a, b| a.1.cmp(b.1).then_with(|| b.0.cmp(a.0)))
                })
                .map_or_else(|| stem.clone(), |(w, _)| w.clone());
            let mut citations = Vec::new();
            for &a in members {
                if citations.len() >= 2 {
                    break;
                }
                if let Some((s, _)) = p.sentences[a].iter().find(|(_, st)| st.contains(&stem)) {
                    citations.push(ClaimSource {
                        article: articles[a].id.clone(),
                        sentence: s.clone(),
                        value: None,
                    });
                }
            }
            terms.push(DistinctiveTerm {
                term,
                stem,
                z,
                in_group: g,
                elsewhere: r,
                citations,
            });
        }
        // Claims.
        let group_share = group_reports.len() as f64 / story_reports as f64;
        let term_z: HashMap<&str, f64> = terms.iter().map(|t| (t.stem.as_str(), t.z)).collect();
        let mut picked: Vec<(usize, f64, DistinctiveClaim)> = Vec::new();
        for (ci, c) in claims.iter().enumerate() {
            if c.kind == ClaimKind::Disputed {
                continue;
            }
            let arts: Vec<usize> = c
                .sources
                .iter()
                .filter_map(|s| index.get(&s.article).copied())
                .collect();
            let r_in = reports_of(&p, arts.iter().copied().filter(|a| inside.contains(a)));
            let r_out = reports_of(&p, arts.iter().copied().filter(|a| !inside.contains(a)));
            let r_out: HashSet<usize> = r_out.difference(&r_in).copied().collect();
            let (n_in, n_out) = (r_in.len(), r_out.len());
            if n_in == 0 || n_in <= n_out {
                continue;
            }
            if (n_in as f64 / (n_in + n_out) as f64) <= group_share {
                continue;
            }
            let stems: HashSet<String> = c
                .sources
                .iter()
                .filter(|s| index.get(&s.article).is_some_and(|a| inside.contains(a)))
                .flat_map(|s| {
                    p.sentences[index[&s.article]]
                        .iter()
                        .filter(|(t, _)| t == &s.sentence)
                        .flat_map(|(_, st)| st.iter().cloned())
                        .collect::<Vec<_>>()
                })
                .collect();
            let score: f64 = stems.iter().filter_map(|s| term_z.get(s.as_str())).sum();
            picked.push((
                n_in,
                score,
                DistinctiveClaim {
                    claim: ci,
                    text: c.text.clone(),
                    kind: c.kind,
                    in_group: n_in,
                    elsewhere: n_out,
                    sources: c
                        .sources
                        .iter()
                        .filter(|s| index.get(&s.article).is_some_and(|a| inside.contains(a)))
                        .cloned()
                        .collect(),
                },
            ));
        }
        picked.sort_by(|a, b| {
            b.0.cmp(&a.0)
                .then(b.1.partial_cmp(&a.1).unwrap_or(std::cmp::Ordering::Equal))
                .then(a.2.claim.cmp(&b.2.claim))
        });
        let claims_out = picked
            .into_iter()
            .filter(|x| x.0 >= 2 || x.1 > 0.0)
            .take(CLAIMS_PER_GROUP)
            .map(|x| x.2)
            .collect();
        out.push(Perspective {
            group: key.clone(),
            dimension: dim.clone(),
            label: label.clone(),
            articles: members.len(),
            article_ids: members.iter().map(|&a| articles[a].id.clone()).collect(),
            independent_sources: group_reports.len(),
            terms,
            claims: claims_out,
        });
    }
    out
}

/// The world's current take: agreed claims, those stated across the most groups and independent
/// reports first (when the story has no groups, simply the best-supported agreed claims), at most
/// [`TAKE_CLAIMS`].
pub fn current_take(articles: &[Article], sources: &[Source], claims: &[Claim]) -> Vec<TakeClaim> {
    let by_id: HashMap<&SourceId, &Source> = sources.iter().map(|s| (&s.id, s)).collect();
    let groups: HashMap<&ArticleId, Vec<String>> = articles
        .iter()
        .map(|a| {
            (
                &a.id,
                groups_of(by_id.get(&a.source).copied())
                    .into_iter()
                    .map(|(d, l)| format!("{d}:{l}"))
                    .collect(),
            )
        })
        .collect();
    let mut take: Vec<(usize, usize, TakeClaim)> = claims
        .iter()
        .enumerate()
        .filter(|(_, c)| c.kind == ClaimKind::Agreed)
        .map(|(i, c)| {
            let mut gs: Vec<String> = c
                .sources
                .iter()
                .flat_map(|s| groups.get(&s.article).cloned().unwrap_or_default())
                .collect();
            gs.sort();
            gs.dedup();
            // Breadth: the most groups of any one dimension.
            let mut per_dim: HashMap<&str, usize> = HashMap::new();
            for g in &gs {
                *per_dim
                    .entry(g.split(':').next().unwrap_or(""))
                    .or_default() += 1;
            }
            let breadth = per_dim.values().copied().max().unwrap_or(0);
            (
                breadth,
                c.independent_sources,
                TakeClaim {
                    claim: i,
                    text: c.text.clone(),
                    independent_sources: c.independent_sources,
                    groups: gs.clone(),
                    sources: c.sources.clone(),
                },
            )
        })
        .collect();
    let any_breadth = take.iter().any(|t| t.0 >= 2);
    if any_breadth {
        take.retain(|t| t.0 >= 2);
    }
    take.sort_by(|a, b| {
        b.0.cmp(&a.0)
            .then(b.1.cmp(&a.1))
            .then(a.2.claim.cmp(&b.2.claim))
    });
    take.into_iter().take(TAKE_CLAIMS).map(|t| t.2).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use parallax_core::Rating;

    fn article(key: &str, source: &str, paragraphs: &[&str]) -> Article {
        Article {
            section: None,
            id: ArticleId::from_key(key),
            source: SourceId::from_key(source),
            url: None,
            canonical_url: None,
            title: String::new(),
            byline: None,
            published: None,
            language: Some("en".to_string()),
            paragraphs: paragraphs.iter().map(|p| p.to_string()).collect(),
            content_hash: parallax_core::content_hash(key),
            fetched_at: chrono::DateTime::UNIX_EPOCH,
            origin: key.to_string(),
            warnings: Vec::new(),
            excerpts: Vec::new(),
            attribution: Default::default(),
        }
    }

    fn source(name: &str, country: Option<&str>, bias: Option<&str>) -> Source {
        let mut s = Source::named(name);
        s.id = SourceId::from_key(name);
        s.country = country.map(str::to_string);
        s.bias = bias.map(|b| Rating {
            value: b.to_string(),
            provenance: "test".to_string(),
        });
        s
    }

    #[test]
    fn groups_need_a_rest_and_ratings() {
        let arts = vec![
            article(
                "a",
                "left1",
                &[
                    "The council approved the harbour budget after a long debate about flood defences and flood insurance.",
                ],
            ),
            article(
                "b",
                "right1",
                &[
                    "The council approved the harbour budget, and taxpayers will carry the cost of the harbour wall.",
                ],
            ),
            article(
                "c",
                "unrated",
                &["The council approved the harbour budget on Monday evening."],
            ),
        ];
        let sources = vec![
            source("left1", Some("GB"), Some("left")),
            source("right1", Some("GB"), Some("right")),
            source("unrated", Some("GB"), None),
        ];
        let claims = crate::claims::ledger(&arts, &sources, &crate::wire::detect(&arts));
        let ps = perspectives(&arts, &sources, &claims);
        let keys: Vec<&str> = ps.iter().map(|p| p.group.as_str()).collect();
        // Everyone is in GB (and Europe): no country or region group; unrated forms no group.
        assert_eq!(keys, vec!["bias:left", "bias:right"]);
        let left = &ps[0];
        assert!(
            left.terms.iter().any(|t| t.stem == "flood"),
            "{:?}",
            left.terms
        );
        for t in &left.terms {
            assert!(t.in_group > 0.0);
            for c in &t.citations {
                assert_eq!(c.article, arts[0].id);
            }
        }
        let right = &ps[1];
        assert!(
            right.terms.iter().any(|t| t.term == "taxpayers"),
            "{:?}",
            right.terms
        );
        let take = current_take(&arts, &sources, &claims);
        assert!(
            take.iter()
                .all(|t| claims[t.claim].kind == ClaimKind::Agreed)
        );
    }

    #[test]
    fn an_inferred_country_forms_no_take() {
        let mut guessed = source("guessed", Some("US"), None);
        guessed.provenance.country_basis = Some(parallax_core::CountryBasis::InferredFromCoverage);
        let mut home = source("home", Some("US"), None);
        home.provenance.country_basis = Some(parallax_core::CountryBasis::Home);
        assert!(groups_of(Some(&guessed)).is_empty());
        assert!(groups_of(Some(&home)).contains(&("country".to_string(), "US".to_string())));
    }

    #[test]
    fn no_sources_no_groups() {
        let arts = vec![article(
            "a",
            "x",
            &["One sentence here about nothing much at all today."],
        )];
        assert!(perspectives(&arts, &[], &[]).is_empty());
        assert!(current_take(&arts, &[], &[]).is_empty());
        assert!(perspectives(&[], &[], &[]).is_empty());
    }
}
