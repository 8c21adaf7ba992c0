//! Each outlet's record in the claim ledger: which claims of a story its articles state, and how
//! each stands for it — agreed by a report of another outlet, disputed, or single-source. Kept in
//! the story's digest ([`parallax_core::StoryDigest::ledger`]) so that a source page can count an
//! outlet's record across its stories without running the ledger again. Facts, not a score.
//!
//! How a claim stands for an outlet `O` stating it:
//! - **disputed** when the ledger lists it as disputed (`O` states one of its values);
//! - **agreed** when the ledger lists it as agreed and at least one article of another outlet
//!   states it whose report (see [`crate::wire::Independence`]) is none of the reports of `O`'s
//!   articles stating it: a wire copy of `O`'s own report, or `O`'s own second report, is no
//!   confirmation. An article of unknown outlet (an excerpt quoted on a page, a file with no
//!   outlet) is another outlet's report here: the ledger counts it as an independent report;
//! - **single-source** otherwise.
//!
//! Only known outlets get a record; the claim's number is its place in the ledger, from 1, which
//! the story page's anchors (`#claim-N`) and the story API's `claims` follow.

use std::collections::{HashMap, HashSet};

use parallax_core::{Article, ArticleId, ClaimStanding, LedgerClaim, OutletClaim, SourceId};

use crate::claims::{Claim, ClaimKind};
use crate::wire::Independence;

/// Words kept of a claim's text in a digest.
pub const CLAIM_TEXT_WORDS: usize = 30;

/// The ledger's kind as a digest keeps it.
pub fn standing(kind: ClaimKind) -> ClaimStanding {
    match kind {
        ClaimKind::Agreed => ClaimStanding::Agreed,
        ClaimKind::Disputed => ClaimStanding::Disputed,
        ClaimKind::SingleSource => ClaimStanding::SingleSource,
    }
}

/// The claims of `claims` (the ledger of `units`, the story's articles and the excerpts quoted on
/// them, with `independence` over the same units) that known outlets state, each with how it
/// stands for each of them (see the module documentation).
pub fn ledger_claims(
    units: &[Article],
    claims: &[Claim],
    independence: &Independence,
) -> Vec<LedgerClaim> {
    let outlet_of: HashMap<&ArticleId, &SourceId> =
        units.iter().map(|a| (&a.id, &a.source)).collect();
    let report_of: HashMap<&ArticleId, usize> = independence
        .reports
        .iter()
        .enumerate()
        .flat_map(|(i, r)| r.articles.iter().map(move |a| (a, i)))
        .collect();
    let mut out = Vec::new();
    for (i, c) in claims.iter().enumerate() {
        // Every article stating it: its source sentences, and the sides of a dispute.
        let mut seen = HashSet::new();
        let articles: Vec<&ArticleId> = c
            .sources
            .iter()
            .map(|s| &s.article)
            .chain(c.sides.iter().flat_map(|s| s.articles.iter()))
            .filter(|a| seen.insert(*a))
            .collect();
        // Known outlets in the order they first state it, each with its articles.
        let mut outlets: Vec<(&SourceId, Vec<&ArticleId>)> = Vec::new();
        for a in &articles {
            let Some(&source) = outlet_of.get(a) else {
                continue;
            };
            if source.is_unknown() {
                continue;
            }
            match outlets.iter_mut().find(|(s, _)| *s == source) {
                Some((_, own)) => own.push(a),
                None => outlets.push((source, vec![a])),
            }
        }
        if outlets.is_empty() {
            continue;
        }
        let outlets = outlets
            .into_iter()
            .map(|(source, own)| {
                let standing = match c.kind {
                    ClaimKind::Disputed => ClaimStanding::Disputed,
                    ClaimKind::SingleSource => ClaimStanding::SingleSource,
                    ClaimKind::Agreed => {
                        let own_reports: HashSet<usize> = own
                            .iter()
                            .filter_map(|a| report_of.get(a).copied())
                            .collect();
                        let confirmed = articles.iter().any(|a| {
                            outlet_of.get(a).is_some_and(|s| *s != source)
                                && report_of.get(a).is_some_and(|r| !own_reports.contains(r))
                        });
                        if confirmed {
                            ClaimStanding::Agreed
                        } else {
                            ClaimStanding::SingleSource
                        }
                    }
                };
                OutletClaim {
                    source: source.clone(),
                    standing,
                }
            })
            .collect();
        out.push(LedgerClaim {
            number: i + 1,
            kind: standing(c.kind),
            text: shorten(&c.text, CLAIM_TEXT_WORDS),
            outlets,
        });
    }
    out
}

/// The first `max_words` words of `s`, with an ellipsis when cut.
fn shorten(s: &str, max_words: usize) -> String {
    let words: Vec<&str> = s.split_whitespace().collect();
    if words.len() <= max_words {
        words.join(" ")
    } else {
        format!("{}…", words[..max_words].join(" "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::claims::{ClaimForm, ClaimSide, ClaimSource};
    use crate::wire::Report;

    fn art(id: &str, source: &str) -> Article {
        Article {
            section: None,
            id: ArticleId::from(id),
            source: if source.is_empty() {
                SourceId::unknown()
            } else {
                SourceId::from(source)
            },
            url: None,
            canonical_url: None,
            title: String::new(),
            byline: None,
            published: None,
            language: Some("en".into()),
            paragraphs: Vec::new(),
            content_hash: id.to_string(),
            fetched_at: chrono::DateTime::<chrono::Utc>::default(),
            origin: id.to_string(),
            warnings: Vec::new(),
            excerpts: Vec::new(),
            attribution: Default::default(),
        }
    }

    fn report(articles: &[&str]) -> Report {
        Report {
            original: ArticleId::from(articles[0]),
            first_published: None,
            articles: articles.iter().map(|a| ArticleId::from(*a)).collect(),
            copies: Vec::new(),
            agency: None,
        }
    }

    fn claim(kind: ClaimKind, text: &str, articles: &[&str]) -> Claim {
        Claim {
            kind,
            text: text.to_string(),
            sources: articles
                .iter()
                .map(|a| ClaimSource {
                    article: ArticleId::from(*a),
                    sentence: text.to_string(),
                    value: None,
                })
                .collect(),
            values: Vec::new(),
            form: ClaimForm::Event,
            slot: None,
            speaker: None,
            independent_sources: 0,
            sides: Vec::new(),
            quote_check: None,
        }
    }

    fn standings(c: &LedgerClaim) -> Vec<(&str, ClaimStanding)> {
        c.outlets
            .iter()
            .map(|o| (o.source.as_str(), o.standing))
            .collect()
    }

    #[test]
    fn agreement_needs_a_report_of_another_outlet() {
        // x1 is Reuters' report, y1 a copy of it at Yonder; z1 Zed's own report; x2 a second
        // report of Reuters; u1 a report of unknown outlet.
        let units = vec![
            art("x1", "src-x"),
            art("y1", "src-y"),
            art("z1", "src-z"),
            art("x2", "src-x"),
            art("u1", ""),
        ];
        let independence = Independence {
            reports: vec![
                report(&["x1", "y1"]),
                report(&["z1"]),
                report(&["x2"]),
                report(&["u1"]),
            ],
            articles: 5,
            undated: Vec::new(),
        };
        let mut disputed = claim(ClaimKind::Disputed, "duration", &[]);
        disputed.sides = vec![
            ClaimSide {
                range: "1 h".into(),
                values: vec!["an hour".into()],
                articles: vec![ArticleId::from("x1")],
                independent_sources: 1,
            },
            ClaimSide {
                range: "5 min".into(),
                values: vec!["minutes".into()],
                articles: vec![ArticleId::from("z1")],
                independent_sources: 1,
            },
        ];
        let long = "word ".repeat(40);
        let claims = vec![
            disputed,
            // Reuters, its copy at Yonder, and Zed's own report.
            claim(ClaimKind::Agreed, "agreed widely", &["x1", "y1", "z1"]),
            // Reuters' two reports only: agreed in the ledger, no other outlet's report.
            claim(ClaimKind::Agreed, "agreed by one outlet", &["x1", "x2"]),
            // Reuters and Yonder's copy of it: one report.
            claim(ClaimKind::Agreed, "copy", &["y1", "x1", "u1"]),
            claim(ClaimKind::SingleSource, &long, &["z1"]),
            // Only an outlet not known: no record.
            claim(ClaimKind::SingleSource, "unknown only", &["u1"]),
        ];
        let got = ledger_claims(&units, &claims, &independence);
        assert_eq!(got.len(), 5);
        assert_eq!(got[0].number, 1);
        assert_eq!(got[0].anchor(), "claim-1");
        assert_eq!(
            standings(&got[0]),
            vec![
                ("src-x", ClaimStanding::Disputed),
                ("src-z", ClaimStanding::Disputed)
            ]
        );
        assert_eq!(
            standings(&got[1]),
            vec![
                ("src-x", ClaimStanding::Agreed),
                ("src-y", ClaimStanding::Agreed),
                ("src-z", ClaimStanding::Agreed)
            ]
        );
        assert_eq!(got[2].kind, ClaimStanding::Agreed);
        assert_eq!(
            standings(&got[2]),
            vec![("src-x", ClaimStanding::SingleSource)]
        );
        // Yonder's copy is not confirmed by Reuters' own report; the unknown outlet's report
        // confirms both.
        assert_eq!(
            standings(&got[3]),
            vec![
                ("src-y", ClaimStanding::Agreed),
                ("src-x", ClaimStanding::Agreed)
            ]
        );
        assert_eq!(got[4].number, 5);
        assert_eq!(
            standings(&got[4]),
            vec![("src-z", ClaimStanding::SingleSource)]
        );
        assert!(got[4].text.ends_with('…'));
        assert_eq!(got[4].text.split_whitespace().count(), CLAIM_TEXT_WORDS);

        // Without the unknown outlet, a copy and its original are one report: single-source.
        let claims = vec![claim(ClaimKind::Agreed, "copy", &["y1", "x1"])];
        let got = ledger_claims(&units, &claims, &independence);
        assert_eq!(
            standings(&got[0]),
            vec![
                ("src-y", ClaimStanding::SingleSource),
                ("src-x", ClaimStanding::SingleSource)
            ]
        );
    }
}
