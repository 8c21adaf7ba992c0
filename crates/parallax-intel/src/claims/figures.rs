//! Figures of a sentence: durations, counts, ordinals, amounts of money and dates, each with what it
//! measures (its *slot*) and its value normalised to a range.
//!
//! Values: durations in minutes, amounts in units of their currency, counts and ordinals as numbers,
//! dates as `yyyymmdd` (year 0 when not written). Hedges widen a value into a range: "almost an
//! hour" is 45–60 minutes, "about 50" is 37.5–62.5, "more than two hours" 120–240, "up to 10" 0–10,
//! and vague quantities have fixed ranges ("several minutes" 3–15, "a few" 2–6, "dozens" 24–120).
//!
//! What a figure measures is found from the words around it: the noun after an adjective ("hour-long
//! *call*", "30-day *moratorium*"), the verb before "for" ("*spoke* for nearly an hour"), the subject
//! before "lasted", the noun a count or an ordinal qualifies ("550 *drones*", "sixth publicly
//! disclosed *conversation*"). Words for the same kind of event share a concept ("call",
//! "conversation", "discussion", "spoke" are all a conversation), and "previous", "last", "first"
//! before the event word make a different slot ("the last known call was on 14 June").
//! English only: other languages yield no figures.

use super::text::{Kind, Tok, tokenize};
use parallax_text::{Analyzer, is_stop_word};

/// The kind of quantity a figure is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum Quantity {
    /// How long something lasted (minutes).
    Duration,
    /// How many of something.
    Count,
    /// Which one in a series ("sixth").
    Ordinal,
    /// A sum of money.
    Amount,
    /// A calendar day.
    Date,
}

/// One figure found in a sentence.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Figure {
    /// The kind of quantity.
    pub quantity: Quantity,
    /// "min" for durations, a currency code for amounts, empty otherwise.
    pub unit: &'static str,
    /// What it measures ("conversation", "previous conversation", "drone", "people killed"), when
    /// found.
    pub measure: Option<String>,
    /// Lowest value the words allow.
    pub lo: f64,
    /// Highest value the words allow.
    pub hi: f64,
    /// The figure as written ("almost an hour", "6th").
    pub surface: String,
    /// Whether what it measures is an event of the lexicon ("conversation", "attack") or a count
    /// of people in a state ("killed", "injured"), rather than any noun ("jobs", "doses").
    pub event: bool,
    /// Whether the sentence gives it as a rate ("a day", "average") or an expectation
    /// ("expected", "forecast", "required") rather than as a fact.
    pub hedged: bool,
}

impl Figure {
    /// The slot key: quantity, unit and measure. `None` when what it measures is unknown.
    pub fn slot_key(&self) -> Option<String> {
        let m = self.measure.as_ref()?;
        Some(format!("{:?}|{}|{m}", self.quantity, self.unit))
    }

    /// The slot in words ("duration of the conversation").
    pub fn slot_label(&self) -> String {
        let m = self.measure.as_deref().unwrap_or("unspecified");
        match self.quantity {
            Quantity::Duration => format!("duration of the {m}"),
            Quantity::Count => format!("number of {m}"),
            Quantity::Ordinal => format!("ordinal of the {m}"),
            Quantity::Amount => format!("amount ({}) for {m}", self.unit),
            Quantity::Date => format!("date of the {m}"),
        }
    }

    /// Whether two values can both be true: their ranges overlap, with a small tolerance for
    /// rounding (10 % for durations, 2 % for amounts; counts, ordinals and dates must meet exactly;
    /// a date without a year meets the same day of any year).
    pub fn compatible(&self, other: &Figure) -> bool {
        if self.quantity == Quantity::Date {
            let (a, b) = (self.lo as i64, other.lo as i64);
            return if a / 10000 == 0 || b / 10000 == 0 {
                a % 10000 == b % 10000
            } else {
                a == b
            };
        }
        let tol = match self.quantity {
            Quantity::Duration => 0.10,
            Quantity::Amount => 0.02,
            _ => 0.0,
        };
        self.lo * (1.0 - tol) <= other.hi * (1.0 + tol) + 1e-9
            && other.lo * (1.0 - tol) <= self.hi * (1.0 + tol) + 1e-9
    }

    /// Whether different values in this slot contradict each other: durations and counts of an
    /// event, or of people killed, injured, arrested, missing or displaced, stated as facts. Not
    /// ordinals and dates (the sixth and the first conversation, or calls on two days, are
    /// different events), not amounts or counts of other things (the jobs added and the jobs
    /// expected are different numbers), not rates or expectations.
    pub fn disputable(&self) -> bool {
        self.measure.is_some()
            && self.event
            && !self.hedged
            && matches!(self.quantity, Quantity::Duration | Quantity::Count)
    }

    /// The normalised value in words ("45–60 min", "6", "2025-07-03").
    pub fn range_label(&self) -> String {
        let fmt = |v: f64| {
            if (v - v.round()).abs() < 1e-6 {
                format!("{}", v.round() as i64)
            } else {
                format!("{v:.1}")
            }
        };
        match self.quantity {
            Quantity::Date => {
                let v = self.lo as i64;
                let (y, m, d) = (v / 10000, v / 100 % 100, v % 100);
                if y == 0 {
                    format!("--{m:02}-{d:02}")
                } else {
                    format!("{y:04}-{m:02}-{d:02}")
                }
            }
            _ => {
                let unit = match self.quantity {
                    Quantity::Duration => " min",
                    Quantity::Amount => self.unit,
                    _ => "",
                };
                let sep = if self.quantity == Quantity::Amount {
                    " "
                } else {
                    ""
                };
                let (lo, hi) = (fmt(self.lo), fmt(self.hi));
                if lo == hi {
                    format!("{lo}{sep}{unit}")
                } else {
                    format!("{lo}–{hi}{sep}{unit}")
                }
            }
        }
    }
}

/// The figures of `sentence`, in order of kind (dates, amounts, durations, ordinals, counts).
pub(crate) fn figures(sentence: &str, analyzer: &Analyzer) -> Vec<Figure> {
    let t = tokenize(sentence);
    let mut used = vec![false; t.len()];
    let mut out = Vec::new();
    let surface = |a: usize, b: usize| sentence[t[a].start..t[b - 1].end].to_string();
    let stem = |w: &str| analyzer.terms(w).into_iter().next();

    // Dates.
    let mut i = 0;
    while i < t.len() {
        if let Some((value, end)) = date_at(&t, i) {
            let measure = date_concept(&t, i, end);
            out.push(Figure {
                quantity: Quantity::Date,
                unit: "",
                measure,
                lo: value,
                hi: value,
                surface: surface(i, end),
                event: false,
                hedged: false,
            });
            used[i..end].iter_mut().for_each(|u| *u = true);
            i = end;
        } else {
            i += 1;
        }
    }
    // Amounts.
    let mut i = 0;
    while i < t.len() {
        if !used[i]
            && let Some((lo, hi, unit, end)) = amount_at(&t, i)
            && !used[i..end].iter().any(|&u| u)
        {
            let forward = (end..(end + 3).min(t.len()))
                .take_while(|&k| t[k].kind != Kind::Punct)
                .find(|&k| content_word(&t[k]));
            let backward = (i.saturating_sub(3)..i)
                .rev()
                .take_while(|&k| t[k].kind != Kind::Punct)
                .find(|&k| content_word(&t[k]));
            let measure = forward.or(backward).and_then(|k| stem(&t[k].lower));
            out.push(Figure {
                quantity: Quantity::Amount,
                unit,
                measure,
                lo,
                hi,
                surface: surface(i, end),
                event: false,
                hedged: hedged(&t, i, end),
            });
            used[i..end].iter_mut().for_each(|u| *u = true);
            i = end;
        } else {
            i += 1;
        }
    }
    // Durations.
    let mut i = 0;
    while i < t.len() {
        if used[i] {
            i += 1;
            continue;
        }
        let Some(d) = duration_at(&t, i) else {
            i += 1;
            continue;
        };
        if used[i..d.end].iter().any(|&u| u) {
            i += 1;
            continue;
        }
        let prev = i.checked_sub(1).map(|p| t[p].lower.as_str());
        let lead = matches!(
            prev,
            Some(
                "for"
                    | "lasted"
                    | "lasting"
                    | "lasts"
                    | "last"
                    | "took"
                    | "taking"
                    | "takes"
                    | "spent"
                    | "spending"
            )
        );
        let long_after = t.get(d.end).is_some_and(|x| x.lower == "long");
        if !(d.adjective || lead || long_after) {
            i += 1;
            continue;
        }
        let measure = if d.adjective {
            let end = if long_after { d.end + 1 } else { d.end };
            forward_concept(&t, end, 3).or_else(|| {
                (end..(end + 2).min(t.len()))
                    .take_while(|&k| t[k].kind != Kind::Punct)
                    .find(|&k| content_word(&t[k]))
                    .and_then(|k| stem(&t[k].lower))
            })
        } else if prev == Some("for") && i >= 2 && concept(&t[i - 2].lower).is_some() {
            concept_at(&t, i - 2)
        } else {
            backward_concept(&t, i)
        };
        let event = measure.as_deref().is_some_and(is_event_measure);
        out.push(Figure {
            quantity: Quantity::Duration,
            unit: "min",
            measure,
            lo: d.lo,
            hi: d.hi,
            surface: surface(i, d.end),
            event,
            hedged: hedged(&t, i, d.end),
        });
        used[i..d.end].iter_mut().for_each(|u| *u = true);
        i = d.end;
    }
    // Ordinals.
    for i in 0..t.len() {
        if used[i] {
            continue;
        }
        let Some(v) = ordinal(&t[i].lower) else {
            continue;
        };
        let determined = i == 0
            || matches!(
                t[i - 1].lower.as_str(),
                "the" | "their" | "his" | "her" | "its" | "our" | "a" | "an" | "this" | "that"
            );
        if !determined || t.get(i + 1).is_none_or(|n| !n.is_word()) {
            continue;
        }
        // "their first direct exchange in nearly three years": a gap, not a place in a series.
        let gap = (i + 1..t.len()).any(|k| {
            t[k].lower == "in" && {
                let (_, hl) = hedge_at(&t, k + 1);
                number_at(&t, k + 1 + hl, true).is_some_and(|n| {
                    t.get(k + 1 + hl + n.len)
                        .and_then(|u| unit(&u.lower))
                        .is_some_and(|(m, _)| m >= 10080.0)
                })
            }
        });
        if gap {
            continue;
        }
        if t.get(i + 1).is_some_and(|n| n.lower == "of") {
            continue;
        }
        let mut measure = None;
        for k in i + 1..(i + 5).min(t.len()) {
            if t[k].kind == Kind::Punct || is_stop_word(&t[k].lower) {
                break;
            }
            if concept(&t[k].lower).is_some() {
                measure = concept(&t[k].lower).map(str::to_string);
                break;
            }
            if t[k].lower == "time" || t[k].lower == "times" {
                // "the sixth time ... they have spoken", "met for the third time".
                measure = forward_concept(&t, k + 1, t.len()).or_else(|| backward_concept(&t, i));
                break;
            }
        }
        if measure.is_none() && content_word(&t[i + 1]) && t[i + 1].lower != "time" {
            measure = stem(&t[i + 1].lower);
        }
        let event = measure.as_deref().is_some_and(is_event_measure);
        out.push(Figure {
            quantity: Quantity::Ordinal,
            unit: "",
            measure,
            lo: v,
            hi: v,
            surface: surface(i, i + 1),
            event,
            hedged: false,
        });
        used[i] = true;
    }
    // Counts.
    let mut i = 0;
    while i < t.len() {
        if used[i] {
            i += 1;
            continue;
        }
        let Some((lo, hi, noun, end)) = count_at(&t, i) else {
            i += 1;
            continue;
        };
        if used[i..end].iter().any(|&u| u) {
            i += 1;
            continue;
        }
        let w = t[noun].lower.as_str();
        let mut measure = if w == "times" {
            forward_concept(&t, 0, t.len())
        } else {
            concept(w).map(str::to_string).or_else(|| stem(w))
        };
        let mut event = measure.as_deref().is_some_and(is_event_measure);
        if let Some(m) = measure.as_mut() {
            let window = i.saturating_sub(4)..(end + 4).min(t.len());
            if let Some(state) = window.clone().find_map(|k| state_word(&t[k].lower)) {
                *m = format!("{m} {state}");
                event = true;
            }
        }
        out.push(Figure {
            quantity: Quantity::Count,
            unit: "",
            measure,
            lo,
            hi,
            surface: surface(i, end),
            event,
            hedged: hedged(&t, i, end),
        });
        used[i..end].iter_mut().for_each(|u| *u = true);
        i = end;
    }
    out
}

/// Whether a measure is an event of the lexicon (with or without a qualifier).
fn is_event_measure(m: &str) -> bool {
    let last = m.rsplit(' ').next().unwrap_or(m);
    CONCEPTS.iter().any(|(c, _)| *c == last)
}

/// Whether the figure at `a..b` is given as a rate ("a day", "per week", "on average", "279 deaths
/// Sunday") or an expectation ("expected", "forecast", "required", "target") rather than a fact.
fn hedged(t: &[Tok], a: usize, b: usize) -> bool {
    const EXPECT: &[&str] = &[
        "expected",
        "expect",
        "expects",
        "expectations",
        "forecast",
        "forecasts",
        "forecasters",
        "anticipated",
        "predicted",
        "projected",
        "projection",
        "consensus",
        "required",
        "requires",
        "target",
        "goal",
        "planned",
        "proposed",
        "average",
        "averaging",
        "averaged",
        "median",
        "per",
        "daily",
        "weekly",
        "monthly",
        "annually",
        "annual",
        "seven-day",
    ];
    if t.iter().any(|x| EXPECT.contains(&x.lower.as_str())) {
        return true;
    }
    let word = |k: usize| t.get(k).map_or("", |x| x.lower.as_str());
    // "a day", "a month", "each year" right after the figure (or after its noun).
    (b..(b + 3).min(t.len())).any(|k| {
        matches!(word(k), "a" | "each" | "every")
            && matches!(
                word(k + 1),
                "day" | "week" | "month" | "year" | "hour" | "minute"
            )
    }) || crate::WEEKDAYS.contains(&word(b))
        || (a > 0 && matches!(word(a - 1), "every" | "each"))
}

fn content_word(t: &Tok) -> bool {
    t.is_word()
        && !is_stop_word(&t.lower)
        && t.lower.chars().count() > 2
        && scale(&t.lower).is_none()
        && unit(&t.lower).is_none()
}

fn state_word(w: &str) -> Option<&'static str> {
    match w {
        "killed" | "dead" | "died" | "die" | "deaths" | "death" | "fatalities" => Some("killed"),
        "injured" | "wounded" | "hurt" | "injuries" => Some("injured"),
        "arrested" | "detained" | "arrests" => Some("arrested"),
        "missing" => Some("missing"),
        "displaced" | "evacuated" => Some("displaced"),
        _ => None,
    }
}

/// Event words and the concept each stands for.
const CONCEPTS: &[(&str, &[&str])] = &[
    (
        "conversation",
        &[
            "conversation",
            "conversations",
            "call",
            "calls",
            "phone-call",
            "telephone",
            "talk",
            "talks",
            "talked",
            "talking",
            "spoke",
            "spoken",
            "speak",
            "speaks",
            "speaking",
            "discussion",
            "discussions",
            "exchange",
            "exchanges",
            "chat",
            "dialogue",
            "dialog",
            "phoned",
            "conversed",
        ],
    ),
    (
        "meeting",
        &[
            "meeting", "meetings", "met", "meet", "meets", "summit", "summits", "visit", "visits",
            "visited",
        ],
    ),
    (
        "speech",
        &[
            "speech",
            "speeches",
            "address",
            "remarks",
            "briefing",
            "interview",
            "press-conference",
        ],
    ),
    (
        "war",
        &[
            "war",
            "wars",
            "conflict",
            "invasion",
            "fighting",
            "hostilities",
        ],
    ),
    (
        "ceasefire",
        &[
            "ceasefire",
            "cease-fire",
            "truce",
            "moratorium",
            "armistice",
        ],
    ),
    (
        "attack",
        &[
            "attack",
            "attacks",
            "strike",
            "strikes",
            "airstrike",
            "airstrikes",
            "air-strike",
            "bombardment",
            "shelling",
            "raid",
            "raids",
            "assault",
            "barrage",
        ],
    ),
    (
        "sentence",
        &["sentence", "sentenced", "imprisonment", "jail", "prison"],
    ),
];

fn concept(w: &str) -> Option<&'static str> {
    CONCEPTS
        .iter()
        .find(|(_, words)| words.contains(&w))
        .map(|(c, _)| *c)
}

/// The concept at `p`, with a qualifier ("previous", "first", "next") found in the three tokens
/// before it.
fn concept_at(t: &[Tok], p: usize) -> Option<String> {
    let c = concept(&t[p].lower)?;
    let qualifier = (p.saturating_sub(3)..p).find_map(|k| match t[k].lower.as_str() {
        "previous" | "last" | "earlier" | "prior" | "preceding" => Some("previous"),
        "first" => Some("first"),
        "next" | "upcoming" => Some("next"),
        _ => None,
    });
    Some(match qualifier {
        Some(q) => format!("{q} {c}"),
        None => c.to_string(),
    })
}

fn forward_concept(t: &[Tok], from: usize, n: usize) -> Option<String> {
    (from..from.saturating_add(n).min(t.len()))
        .find(|&k| concept(&t[k].lower).is_some())
        .and_then(|k| concept_at(t, k))
}

fn backward_concept(t: &[Tok], before: usize) -> Option<String> {
    (0..before)
        .rev()
        .find(|&k| concept(&t[k].lower).is_some())
        .and_then(|k| concept_at(t, k))
}

/// The event a date belongs to: the nearest event word before it, else the nearest after it.
fn date_concept(t: &[Tok], a: usize, b: usize) -> Option<String> {
    backward_concept(t, a).or_else(|| forward_concept(t, b, t.len()))
}

fn word_number(w: &str) -> Option<f64> {
    const SMALL: &[&str] = &[
        "zero",
        "one",
        "two",
        "three",
        "four",
        "five",
        "six",
        "seven",
        "eight",
        "nine",
        "ten",
        "eleven",
        "twelve",
        "thirteen",
        "fourteen",
        "fifteen",
        "sixteen",
        "seventeen",
        "eighteen",
        "nineteen",
    ];
    const TENS: &[&str] = &[
        "", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety",
    ];
    if let Some(n) = SMALL.iter().position(|&s| s == w) {
        return Some(n as f64);
    }
    if let Some(n) = TENS.iter().position(|&s| !s.is_empty() && s == w) {
        return Some((n * 10) as f64);
    }
    if let Some((a, b)) = w.split_once('-') {
        let tens = TENS.iter().position(|&s| !s.is_empty() && s == a)?;
        let unit = SMALL
            .iter()
            .position(|&s| s == b)
            .filter(|&u| (1..10).contains(&u))?;
        return Some((tens * 10 + unit) as f64);
    }
    match w {
        "hundred" => Some(100.0),
        "dozen" => Some(12.0),
        _ => None,
    }
}

fn ordinal(w: &str) -> Option<f64> {
    const WORDS: &[&str] = &[
        "first",
        "second",
        "third",
        "fourth",
        "fifth",
        "sixth",
        "seventh",
        "eighth",
        "ninth",
        "tenth",
        "eleventh",
        "twelfth",
        "thirteenth",
        "fourteenth",
        "fifteenth",
        "sixteenth",
        "seventeenth",
        "eighteenth",
        "nineteenth",
        "twentieth",
    ];
    if let Some(n) = WORDS.iter().position(|&s| s == w) {
        return Some((n + 1) as f64);
    }
    let digits: String = w.chars().take_while(char::is_ascii_digit).collect();
    let rest = &w[digits.len()..];
    if !digits.is_empty() && matches!(rest, "st" | "nd" | "rd" | "th") {
        return digits.parse::<f64>().ok();
    }
    None
}

fn scale(w: &str) -> Option<f64> {
    match w {
        "thousand" | "k" => Some(1e3),
        "million" | "millions" | "mn" | "mln" | "m" => Some(1e6),
        "billion" | "billions" | "bn" | "bln" | "b" => Some(1e9),
        "trillion" | "trillions" | "tn" | "trn" => Some(1e12),
        _ => None,
    }
}

/// A duration unit: its length in minutes and whether it is plural.
fn unit(w: &str) -> Option<(f64, bool)> {
    let (base, plural) = match w.strip_suffix('s') {
        Some(b) => (b, true),
        None => (w, false),
    };
    let m = match base {
        "second" | "sec" => 1.0 / 60.0,
        "minute" | "min" => 1.0,
        "hour" | "hr" => 60.0,
        "day" => 1440.0,
        "week" => 10080.0,
        "month" => 43200.0,
        "year" => 525600.0,
        "decade" => 5256000.0,
        _ => return None,
    };
    Some((m, plural))
}

fn month(w: &str) -> Option<u32> {
    Some(match w {
        "january" | "jan" => 1,
        "february" | "feb" => 2,
        "march" | "mar" => 3,
        "april" | "apr" => 4,
        "may" => 5,
        "june" | "jun" => 6,
        "july" | "jul" => 7,
        "august" | "aug" => 8,
        "september" | "sep" | "sept" => 9,
        "october" | "oct" => 10,
        "november" | "nov" => 11,
        "december" | "dec" => 12,
        _ => return None,
    })
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Hedge {
    Exact,
    Nearly,
    About,
    Over,
    JustOver,
    Under,
}

const HEDGES: &[(&[&str], Hedge)] = &[
    (&["slightly", "more", "than"], Hedge::JustOver),
    (&["slightly", "less", "than"], Hedge::Nearly),
    (&["no", "more", "than"], Hedge::Under),
    (&["no", "fewer", "than"], Hedge::Over),
    (&["no", "less", "than"], Hedge::Over),
    (&["in", "excess", "of"], Hedge::Over),
    (&["more", "or", "less"], Hedge::About),
    (&["just", "under"], Hedge::Nearly),
    (&["just", "over"], Hedge::JustOver),
    (&["more", "than"], Hedge::Over),
    (&["less", "than"], Hedge::Under),
    (&["fewer", "than"], Hedge::Under),
    (&["at", "least"], Hedge::Over),
    (&["at", "most"], Hedge::Under),
    (&["up", "to"], Hedge::Under),
    (&["close", "to"], Hedge::Nearly),
    (&["upwards", "of"], Hedge::Over),
    (&["well", "over"], Hedge::Over),
    (&["an", "estimated"], Hedge::About),
    (&["only"], Hedge::Exact),
    (&["just"], Hedge::Exact),
    (&["barely"], Hedge::Exact),
    (&["merely"], Hedge::Exact),
    (&["almost"], Hedge::Nearly),
    (&["nearly"], Hedge::Nearly),
    (&["about"], Hedge::About),
    (&["around"], Hedge::About),
    (&["approximately"], Hedge::About),
    (&["roughly"], Hedge::About),
    (&["some"], Hedge::About),
    (&["estimated"], Hedge::About),
    (&["circa"], Hedge::About),
    (&["over"], Hedge::Over),
    (&["under"], Hedge::Under),
    (&["below"], Hedge::Under),
    (&["above"], Hedge::Over),
];

fn hedge_at(t: &[Tok], i: usize) -> (Hedge, usize) {
    for (words, h) in HEDGES {
        if i + words.len() <= t.len() && words.iter().zip(&t[i..]).all(|(w, tok)| tok.lower == *w) {
            return (*h, words.len());
        }
    }
    (Hedge::Exact, 0)
}

fn apply(h: Hedge, lo: f64, hi: f64) -> (f64, f64) {
    match h {
        Hedge::Exact => (lo, hi),
        Hedge::Nearly => (0.75 * lo, hi),
        Hedge::About => (0.75 * lo, 1.25 * hi),
        Hedge::Over => (lo, 2.0 * hi),
        Hedge::JustOver => (lo, 1.25 * hi),
        Hedge::Under => (0.0, hi),
    }
}

/// A number written with digits: the value of its numeric head and what follows it ("6th" → 6,
/// "th"; "4.5tn" → 4.5, "tn").
fn digits(w: &str) -> Option<(f64, &str)> {
    let head_len = w
        .char_indices()
        .find(|&(_, c)| !(c.is_ascii_digit() || c == '.' || c == ','))
        .map_or(w.len(), |(k, _)| k);
    let head: String = w[..head_len].chars().filter(|&c| c != ',').collect();
    let v = head.trim_end_matches('.').parse::<f64>().ok()?;
    Some((v, &w[head_len..]))
}

struct Num {
    lo: f64,
    hi: f64,
    len: usize,
    word: bool,
}

/// A number at `i`: digits, number words ("twenty-five", "one and a half"), "a"/"an" when
/// `article`, "half a(n)", vague quantities ("several", "a few", "dozens of"), each with an
/// optional scale word ("4.5 trillion").
fn number_at(t: &[Tok], i: usize, article: bool) -> Option<Num> {
    let w = t.get(i)?.lower.as_str();
    let next = |k: usize| t.get(i + k).map_or("", |x| x.lower.as_str());
    let vague = |lo: f64, hi: f64, len: usize| {
        let len = if next(len) == "of" { len + 1 } else { len };
        Some(Num {
            lo,
            hi,
            len,
            word: true,
        })
    };
    match (w, next(1)) {
        ("several", _) => return vague(3.0, 15.0, 1),
        ("a", "few") => return vague(2.0, 6.0, 2),
        ("few", _) if i > 0 && t[i - 1].lower == "a" => return None,
        ("a", "couple") => return vague(2.0, 3.0, 2),
        ("dozens", _) => return vague(24.0, 120.0, 1),
        ("hundreds", _) => return vague(200.0, 999.0, 1),
        ("thousands", _) => return vague(2000.0, 9999.0, 1),
        ("half", "a" | "an") => {
            return Some(Num {
                lo: 0.5,
                hi: 0.5,
                len: 2,
                word: true,
            });
        }
        _ => {}
    }
    let (mut v, mut len, word) = if t[i].kind == Kind::Number {
        let (v, rest) = digits(w)?;
        if let Some(s) = scale(rest) {
            (v * s, 1, false)
        } else if rest.is_empty() {
            (v, 1, false)
        } else {
            return None;
        }
    } else if let Some(v) = word_number(w) {
        (v, 1, true)
    } else if article && (w == "a" || w == "an") {
        if next(1) == "dozen" {
            (12.0, 2, true)
        } else {
            (1.0, 1, true)
        }
    } else {
        return None;
    };
    if next(len) == "and" && next(len + 1) == "a" && next(len + 2) == "half" {
        v += 0.5;
        len += 3;
    }
    if let Some(s) = scale(next(len)).filter(|_| next(len).len() > 1) {
        v *= s;
        len += 1;
    }
    Some(Num {
        lo: v,
        hi: v,
        len,
        word,
    })
}

struct Duration {
    lo: f64,
    hi: f64,
    end: usize,
    adjective: bool,
}

/// A duration as a hyphenated adjective ("two-hour", "90-minute", "hour-long", "hours-long").
fn compound_duration(w: &str) -> Option<(f64, f64)> {
    let w = w.strip_suffix("-long").unwrap_or(w);
    let (num, u) = match w.rsplit_once('-') {
        Some((n, u)) => (Some(n), u),
        None => (None, w),
    };
    let (m, plural) = unit(u)?;
    let Some(num) = num else {
        return Some(if plural { (2.0 * m, 12.0 * m) } else { (m, m) });
    };
    let v = match digits(num) {
        Some((v, "")) => v,
        _ => word_number(num).or(match num {
            "a" | "an" => Some(1.0),
            "half" | "half-an" | "half-a" => Some(0.5),
            _ => None,
        })?,
    };
    Some((v * m, v * m))
}

fn duration_at(t: &[Tok], i: usize) -> Option<Duration> {
    let (h, hl) = hedge_at(t, i);
    let j = i + hl;
    let tok = t.get(j)?;
    if tok.lower.contains('-')
        && let Some((lo, hi)) = compound_duration(&tok.lower)
    {
        let (lo, hi) = apply(h, lo, hi);
        return Some(Duration {
            lo,
            hi,
            end: j + 1,
            adjective: true,
        });
    }
    if let Some(n) = number_at(t, j, true) {
        let k = j + n.len;
        let (m, _) = unit(&t.get(k)?.lower)?;
        let (mut lo, mut hi) = (n.lo * m, n.hi * m);
        let mut end = k + 1;
        let word = |x: usize| t.get(x).map_or("", |x| x.lower.as_str());
        if word(end) == "and" && word(end + 1) == "a" && word(end + 2) == "half" {
            lo += 0.5 * m;
            hi += 0.5 * m;
            end += 3;
        }
        let (lo, hi) = apply(h, lo, hi);
        return Some(Duration {
            lo,
            hi,
            end,
            adjective: false,
        });
    }
    if h == Hedge::Exact
        && let Some((m, true)) = unit(&tok.lower)
    {
        let (lo, hi) = if m == 1.0 {
            (2.0, 30.0)
        } else {
            (2.0 * m, 12.0 * m)
        };
        return Some(Duration {
            lo,
            hi,
            end: j + 1,
            adjective: false,
        });
    }
    None
}

fn is_year(t: &Tok) -> bool {
    t.kind == Kind::Number
        && t.lower.len() == 4
        && t.lower
            .parse::<u32>()
            .is_ok_and(|y| (1800..=2100).contains(&y))
}

fn date_at(t: &[Tok], i: usize) -> Option<(f64, usize)> {
    let day_of = |k: usize| -> Option<u32> {
        let tok = t.get(k)?;
        if tok.kind != Kind::Number {
            return None;
        }
        let (v, rest) = digits(&tok.lower)?;
        let d = v as u32;
        ((1..=31).contains(&d)
            && (v - d as f64).abs() < 1e-9
            && matches!(rest, "" | "st" | "nd" | "rd" | "th"))
        .then_some(d)
    };
    let month_of = |k: usize| t.get(k).filter(|x| x.cap).and_then(|x| month(&x.lower));
    let year_after = |mut k: usize| -> (u32, usize) {
        if t.get(k).is_some_and(|x| x.is_punct(',')) {
            k += 1;
        }
        match t.get(k) {
            Some(y) if is_year(y) => (y.lower.parse().unwrap_or(0), k + 1),
            _ => (0, k),
        }
    };
    let value = |y: u32, m: u32, d: u32| (y * 10000 + m * 100 + d) as f64;
    if let Some(m) = month_of(i) {
        let mut k = i + 1;
        if t.get(k).is_some_and(|x| x.is_punct('.')) {
            k += 1;
        }
        let d = day_of(k)?;
        let (y, end) = year_after(k + 1);
        let end = if y == 0 { k + 1 } else { end };
        return Some((value(y, m, d), end));
    }
    let d = day_of(i)?;
    let mut k = i + 1;
    if t.get(k).is_some_and(|x| x.lower == "of") {
        k += 1;
    }
    let m = month_of(k)?;
    let (y, end) = year_after(k + 1);
    let end = if y == 0 { k + 1 } else { end };
    Some((value(y, m, d), end))
}

fn currency_symbol(w: &str) -> Option<&'static str> {
    Some(match w {
        "$" => "USD",
        "€" => "EUR",
        "£" => "GBP",
        "¥" => "JPY",
        "₽" => "RUB",
        "₴" => "UAH",
        "₹" => "INR",
        _ => return None,
    })
}

fn currency_word(w: &str) -> Option<&'static str> {
    Some(match w {
        "dollars" | "dollar" | "usd" => "USD",
        "euros" | "euro" | "eur" => "EUR",
        "pounds" | "gbp" => "GBP",
        "rubles" | "roubles" | "ruble" | "rouble" | "rub" => "RUB",
        "hryvnias" | "hryvnia" | "hryvnas" | "uah" => "UAH",
        "yuan" | "cny" => "CNY",
        "yen" | "jpy" => "JPY",
        "rupees" | "inr" => "INR",
        _ => return None,
    })
}

fn amount_at(t: &[Tok], i: usize) -> Option<(f64, f64, &'static str, usize)> {
    let (h, hl) = hedge_at(t, i);
    let j = i + hl;
    let tok = t.get(j)?;
    let symbol = if tok.kind == Kind::Punct {
        currency_symbol(&tok.lower)
    } else if tok.lower.len() == 3 && tok.lower.chars().all(|c| c.is_ascii_alphabetic()) {
        currency_word(&tok.lower).filter(|_| tok.cap)
    } else {
        None
    };
    if let Some(code) = symbol {
        let n = number_at(t, j + 1, false).filter(|n| !n.word)?;
        let (lo, hi) = apply(h, n.lo, n.hi);
        return Some((lo, hi, code, j + 1 + n.len));
    }
    let n = number_at(t, j, false)?;
    let k = j + n.len;
    let code = currency_word(&t.get(k)?.lower)?;
    let (lo, hi) = apply(h, n.lo, n.hi);
    Some((lo, hi, code, k + 1))
}

fn plural_noun(t: &Tok) -> bool {
    const IRREGULAR: &[&str] = &[
        "people",
        "children",
        "men",
        "women",
        "personnel",
        "police",
        "staff",
        "troops",
        "aircraft",
        "crew",
        "livestock",
    ];
    let w = t.lower.as_str();
    t.is_word()
        && (IRREGULAR.contains(&w)
            || (w.len() > 3 && w.ends_with('s') && !w.ends_with("ss") && !w.ends_with("us")))
        && !is_stop_word(w)
        && unit(w).is_none()
        && scale(w).is_none()
        && currency_word(w).is_none()
        && !matches!(
            w,
            "percent" | "others" | "sides" | "hundreds" | "thousands" | "dozens"
        )
}

/// A count at `i`: the range, the index of the counted noun and the end of the figure.
fn count_at(t: &[Tok], i: usize) -> Option<(f64, f64, usize, usize)> {
    let (h, hl) = hedge_at(t, i);
    let j = i + hl;
    let tok = t.get(j)?;
    if is_year(tok) || tok.lower == "a" || tok.lower == "an" {
        return None;
    }
    let n = number_at(t, j, false)?;
    if n.word && n.lo == 2.0 && n.hi == 2.0 && h == Hedge::Exact {
        // "the two leaders": "two" is mostly "both".
        return None;
    }
    if n.hi < 2.0 {
        return None;
    }
    let k = j + n.len;
    let mut noun = None;
    for (x, tok) in t.iter().enumerate().skip(k).take(3) {
        if !tok.is_word() || is_stop_word(&tok.lower) {
            break;
        }
        if month(&tok.lower).is_some() && tok.cap {
            return None;
        }
        if plural_noun(tok) {
            noun = Some(x);
            break;
        }
    }
    let noun = noun?;
    let (lo, hi) = apply(h, n.lo, n.hi);
    Some((lo, hi, noun, noun + 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn figs(s: &str) -> Vec<Figure> {
        figures(s, &Analyzer::new(Some("en")))
    }

    fn one(s: &str, q: Quantity) -> Figure {
        let f = figs(s);
        f.into_iter()
            .find(|f| f.quantity == q)
            .unwrap_or_else(|| panic!("no {q:?} in {s:?}"))
    }

    #[test]
    fn durations_and_what_they_measure() {
        let f = one(
            "According to Ushakov, the conversation between Putin and Trump lasted almost an hour.",
            Quantity::Duration,
        );
        assert_eq!((f.lo, f.hi), (45.0, 60.0));
        assert_eq!(f.measure.as_deref(), Some("conversation"));
        assert_eq!(f.surface, "almost an hour");

        let f = one(
            "The call, which lasted for several minutes and addressed Iran, changed nothing.",
            Quantity::Duration,
        );
        assert_eq!((f.lo, f.hi), (3.0, 15.0));
        assert_eq!(f.measure.as_deref(), Some("conversation"));

        let f = one(
            "During the nearly hour-long call, the leaders discussed Ukraine.",
            Quantity::Duration,
        );
        assert_eq!((f.lo, f.hi), (45.0, 60.0));
        assert_eq!(f.measure.as_deref(), Some("conversation"));

        let f = one(
            "Ushakov said Putin and Trump spoke for nearly an hour.",
            Quantity::Duration,
        );
        assert_eq!(f.measure.as_deref(), Some("conversation"));

        let f = one(
            "They agreed a 30-day moratorium on strikes.",
            Quantity::Duration,
        );
        assert_eq!((f.lo, f.hi), (43200.0, 43200.0));
        assert_eq!(f.measure.as_deref(), Some("ceasefire"));

        let f = one(
            "The meeting lasted more than two hours.",
            Quantity::Duration,
        );
        assert_eq!((f.lo, f.hi), (120.0, 240.0));
        assert_eq!(f.measure.as_deref(), Some("meeting"));

        let f = one("They talked for an hour and a half.", Quantity::Duration);
        assert_eq!((f.lo, f.hi), (90.0, 90.0));

        // Offsets and gaps are not durations of anything.
        assert!(
            figs("Now, 164 days after returning, their first exchange in nearly three years.")
                .iter()
                .all(|f| f.quantity != Quantity::Duration)
        );
        assert!(
            figs("He would have the war ended within 24 hours.")
                .iter()
                .all(|f| f.quantity != Quantity::Duration)
        );
    }

    #[test]
    fn incompatible_durations() {
        let a = one("The call lasted almost an hour.", Quantity::Duration);
        let b = one("The call lasted for several minutes.", Quantity::Duration);
        let c = one("It was an hour-long call.", Quantity::Duration);
        assert_eq!(a.slot_key(), b.slot_key());
        assert_eq!(a.slot_key(), c.slot_key());
        assert!(!a.compatible(&b));
        assert!(a.compatible(&c));
        assert!(a.disputable());
        let expected = one(
            "The call was expected to last two hours.",
            Quantity::Duration,
        );
        assert!(!expected.disputable());
        assert_eq!(a.slot_label(), "duration of the conversation");
        assert_eq!(a.range_label(), "45–60 min");
    }

    #[test]
    fn ordinals() {
        for s in [
            "This was the sixth conversation between Putin and Trump.",
            "Trump held a phone conversation with Putin, marking their sixth discussion publicly disclosed this year.",
            "It was the sixth publicly disclosed conversation between the two leaders this year.",
            "This is the sixth time since the beginning of the year that the presidents have spoken over the phone.",
            "Putin and Trump to speak by phone in their 6th conversation this year",
            "Sixth call between Trump and Putin this year",
        ] {
            let f = one(s, Quantity::Ordinal);
            assert_eq!(f.lo, 6.0, "{s}");
            assert_eq!(f.measure.as_deref(), Some("conversation"), "{s}");
            assert!(!f.disputable());
        }
        assert!(
            figs("It was their first direct exchange in nearly three years.")
                .iter()
                .all(|f| f.quantity != Quantity::Ordinal)
        );
        assert!(
            figs("Trump first raised the issue.")
                .iter()
                .all(|f| f.quantity != Quantity::Ordinal)
        );
    }

    #[test]
    fn counts_amounts_dates() {
        let f = one(
            "Russia launched 550 drones and missiles overnight.",
            Quantity::Count,
        );
        assert_eq!((f.lo, f.hi), (550.0, 550.0));
        assert_eq!(f.measure.as_deref(), Some("drone"));

        let f = one("At least 12 people were killed.", Quantity::Count);
        assert_eq!((f.lo, f.hi), (12.0, 24.0));
        assert_eq!(f.measure.as_deref(), Some("peopl killed"));
        assert!(f.disputable());
        let f = one("The country averages 1,500 deaths a day.", Quantity::Count);
        assert!(!f.disputable());
        let f = one("Employers added 235,000 jobs last month.", Quantity::Count);
        assert!(!f.disputable(), "jobs are not an event");

        let f = one(
            "Since January they have had at least five phone conversations.",
            Quantity::Count,
        );
        assert_eq!(f.measure.as_deref(), Some("conversation"));
        assert!(
            figs("The two leaders agreed.")
                .iter()
                .all(|f| f.quantity != Quantity::Count)
        );

        let f = one(
            "Putin wished Trump success on his $4.5 trillion tax and spending cut bill.",
            Quantity::Amount,
        );
        assert_eq!(f.unit, "USD");
        assert_eq!(f.lo, 4.5e12);
        assert_eq!(f.measure.as_deref(), Some("tax"));

        let a = one(
            "Their previous conversation on June 14 addressed Iran.",
            Quantity::Date,
        );
        let b = one(
            "The last known call between the two leaders was on 14 June.",
            Quantity::Date,
        );
        assert_eq!(a.measure.as_deref(), Some("previous conversation"));
        assert_eq!(a.slot_key(), b.slot_key());
        assert!(a.compatible(&b));
        let c = one(
            "On July 3, 2025, Trump held a phone conversation.",
            Quantity::Date,
        );
        assert_eq!(c.range_label(), "2025-07-03");
        assert_eq!(c.measure.as_deref(), Some("conversation"));
        let d = one("Russia invaded Ukraine on Feb. 24, 2022.", Quantity::Date);
        assert_eq!(d.range_label(), "2022-02-24");
        assert!(figs("").is_empty());
    }
}
