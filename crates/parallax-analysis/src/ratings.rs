//! Imported ratings in a story's coverage: per provider, the story's sources by rating.
//!
//! An operator imports ratings of outlets from providers (`parallax sources import-ratings`);
//! each [`Source`] carries the ratings of its domain ([`Source::ratings`]). Coverage counts the
//! story's distinct known sources per provider and kind of rating, under the provider's label:
//!
//! - a rating given as a word keeps it, trimmed and lower case (Wikipedia's perennial sources:
//!   "generally reliable", "no consensus", "generally unreliable", "deprecated");
//! - a number from a provider whose scores run from -1 to 1 ([`is_minus_one_to_one`]: the Idiap
//!   reliability estimates) is put into three labels: "low" below [`LOW_BELOW`], "mixed" from
//!   [`LOW_BELOW`] to [`HIGH_ABOVE`] inclusive, "high" above [`HIGH_ABOVE`] (a fifth of the scale
//!   either side of its middle: the sign of the estimate is only read as low or high when it is
//!   clear of zero);
//! - any other number is kept as given: its scale is not known here, and guessing one would
//!   misread it.
//!
//! Sources the provider does not rate are counted under [`UNRATED`], never guessed. Providers
//! rating none of the story's sources are not listed.

use parallax_core::{ProvidedRating, RatingDistribution, RatingKind, Source};
use std::collections::{BTreeMap, HashMap};

/// The label of the story's sources a provider does not rate.
pub const UNRATED: &str = "unrated";

/// Scores of a -1-to-1 provider below this are "low".
pub const LOW_BELOW: f64 = -0.2;

/// Scores of a -1-to-1 provider above this are "high"; from [`LOW_BELOW`] to this, "mixed".
pub const HIGH_ABOVE: f64 = 0.2;

/// How the scores of a -1-to-1 provider are labelled, as coverage states it.
pub const MINUS_ONE_TO_ONE_SCALE: &str =
    "scores from -1 to 1: low below -0.2, mixed from -0.2 to 0.2, high above 0.2";

/// Whether `provider`'s reliability scores run from -1 to 1: the Idiap Research Institute's
/// estimates (`idiap-reliability`, or any provider name starting with "idiap").
pub fn is_minus_one_to_one(provider: &str, kind: RatingKind) -> bool {
    kind == RatingKind::Reliability && provider.trim().to_ascii_lowercase().starts_with("idiap")
}

/// The label `rating` is counted under, and whether it was made from a score (see the module
/// documentation). `None` for a rating with neither a usable label nor a score: counted as
/// unrated.
pub fn rating_label(rating: &ProvidedRating) -> Option<(String, bool)> {
    let value = rating.value.trim();
    let number = rating
        .score
        .filter(|s| s.is_finite())
        .or_else(|| value.parse::<f64>().ok().filter(|s| s.is_finite()));
    let is_word = !value.is_empty() && value.parse::<f64>().is_err();
    if is_word {
        return Some((value.to_lowercase(), false));
    }
    match number {
        Some(x) if is_minus_one_to_one(&rating.provider, rating.kind) => {
            let label = if x < LOW_BELOW {
                "low"
            } else if x > HIGH_ABOVE {
                "high"
            } else {
                "mixed"
            };
            Some((label.to_string(), true))
        }
        _ if !value.is_empty() => Some((value.to_string(), false)),
        Some(x) => Some((format!("{x}"), false)),
        None => None,
    }
}

/// Per provider and kind, `sources` (distinct, known) by their rating from it, "unrated" for
/// those it does not rate; ordered by kind, then provider.
pub fn rating_distributions(sources: &[&Source]) -> Vec<RatingDistribution> {
    let mut keys: BTreeMap<(RatingKind, String), ()> = BTreeMap::new();
    for s in sources {
        for r in &s.ratings {
            let provider = r.provider.trim();
            if !provider.is_empty() {
                keys.insert((r.kind, provider.to_string()), ());
            }
        }
    }
    keys.into_keys()
        .map(|(kind, provider)| {
            let mut counts: HashMap<String, usize> = HashMap::new();
            let mut licence = None;
            let mut estimate = false;
            let mut scaled = false;
            for s in sources {
                let rating = s
                    .ratings
                    .iter()
                    .find(|r| r.kind == kind && r.provider.trim() == provider);
                let label = match rating.and_then(|r| rating_label(r).map(|l| (r, l))) {
                    Some((r, (label, from_score))) => {
                        scaled |= from_score;
                        estimate |= r.estimate;
                        if licence.is_none() {
                            licence = r
                                .licence
                                .as_deref()
                                .map(str::trim)
                                .filter(|l| !l.is_empty())
                                .map(str::to_string);
                        }
                        label
                    }
                    None => UNRATED.to_string(),
                };
                *counts.entry(label).or_default() += 1;
            }
            RatingDistribution {
                provider,
                kind,
                licence,
                estimate,
                scale: scaled.then(|| MINUS_ONE_TO_ONE_SCALE.to_string()),
                tallies: crate::tallies(counts),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rating(provider: &str, value: &str, score: Option<f64>) -> ProvidedRating {
        ProvidedRating {
            provider: provider.to_string(),
            kind: RatingKind::Reliability,
            domain: "example.com".to_string(),
            value: value.to_string(),
            score,
            date: None,
            licence: None,
            estimate: false,
        }
    }

    #[test]
    fn minus_one_to_one_scores_are_bucketed_at_documented_bounds() {
        let label = |score: f64| {
            rating_label(&rating(
                "idiap-reliability",
                &format!("{score:.2}"),
                Some(score),
            ))
            .unwrap()
        };
        assert_eq!(label(-0.9), ("low".to_string(), true));
        assert_eq!(label(-0.21), ("low".to_string(), true));
        assert_eq!(label(-0.2), ("mixed".to_string(), true));
        assert_eq!(label(0.0), ("mixed".to_string(), true));
        assert_eq!(label(0.2), ("mixed".to_string(), true));
        assert_eq!(label(0.21), ("high".to_string(), true));
        assert_eq!(label(1.0), ("high".to_string(), true));
        // Named otherwise by the operator, still an Idiap estimate; the number in the label only.
        assert_eq!(
            rating_label(&rating("Idiap", "0.80", None)),
            Some(("high".to_string(), true))
        );
    }

    #[test]
    fn word_labels_are_kept_and_unknown_scales_not_guessed() {
        // Wikipedia's perennial sources: a score and its label; the label is kept.
        assert_eq!(
            rating_label(&rating(
                "wikipedia-perennial",
                "Generally reliable",
                Some(1.0)
            )),
            Some(("generally reliable".to_string(), false))
        );
        assert_eq!(
            rating_label(&rating("wikipedia-perennial", "deprecated", Some(-2.0))),
            Some(("deprecated".to_string(), false))
        );
        // A number on a scale not known here stays as given.
        assert_eq!(
            rating_label(&rating("someone", "87", Some(87.0))),
            Some(("87".to_string(), false))
        );
        // Nothing usable: unrated.
        assert_eq!(rating_label(&rating("someone", "  ", None)), None);
        assert_eq!(rating_label(&rating("someone", "", Some(f64::NAN))), None);
        // Bias ratings of an Idiap-named provider are not read as reliability scores.
        let mut bias = rating("idiap", "0.5", Some(0.5));
        bias.kind = RatingKind::Bias;
        assert_eq!(rating_label(&bias), Some(("0.5".to_string(), false)));
    }
}
