//! Predictions made by another system, read from JSON Lines, so that `parallax eval ...
//! --predictions FILE` scores them with the same metric code as Parallax's own output.
//!
//! Each line is a JSON object holding the item's key (`id` or `story`, as the stage's loader names
//! its items) and the prediction; an optional number `seconds` gives the time the system spent on
//! that item. Every item of the evaluation set must have exactly one line, and no line may name an
//! item the set does not hold: a mismatch of ids is an error, never a silent zero.

use anyhow::{Context, bail};
use std::collections::{HashMap, HashSet};
use std::path::Path;

/// The predictions of one file, by item key.
#[derive(Clone, Debug, PartialEq)]
pub struct Predictions<T> {
    /// The prediction of each item.
    pub by_key: HashMap<String, T>,
    /// The sum of the lines' `seconds`, when every line has one.
    pub seconds: Option<f64>,
}

impl<T> Predictions<T> {
    /// Items per second: the number of lines over their summed `seconds` (`None` without
    /// timings, or when they sum to 0).
    pub fn items_per_second(&self) -> Option<f64> {
        match self.seconds {
            Some(s) if s > 0.0 => Some(self.by_key.len() as f64 / s),
            _ => None,
        }
    }
}

/// The item key of a line: a string, or a number written as a string.
fn key_of(v: &serde_json::Value, field: &str) -> Option<String> {
    match v.get(field)? {
        serde_json::Value::String(s) => Some(s.clone()),
        serde_json::Value::Number(x) => Some(x.to_string()),
        _ => None,
    }
}

/// Parses predictions from `text` (JSON Lines): `field` names the key of each line, `parse`
/// reads a line's prediction (the whole line object, and its 1-based number). `known` is every
/// key of the evaluation set (a line with another key is an error) and `required` the keys that
/// must have a line (a missing one is an error). Blank lines are skipped.
pub fn parse<T>(
    text: &str,
    field: &str,
    known: &HashSet<&str>,
    required: &[&str],
    parse: impl Fn(&serde_json::Value, usize) -> anyhow::Result<T>,
) -> anyhow::Result<Predictions<T>> {
    let mut by_key = HashMap::new();
    let mut seconds = Some(0.0f64);
    for (n, line) in text.lines().enumerate() {
        let n = n + 1;
        if line.trim().is_empty() {
            continue;
        }
        let v: serde_json::Value =
            serde_json::from_str(line).with_context(|| format!("line {n}: not JSON"))?;
        if !v.is_object() {
            bail!("line {n}: not a JSON object");
        }
        let Some(key) = key_of(&v, field) else {
            bail!("line {n}: no \"{field}\"");
        };
        if !known.contains(key.as_str()) {
            bail!("line {n}: {field} {key:?} is not in the evaluation set");
        }
        let prediction = parse(&v, n)?;
        seconds = match (seconds, v.get("seconds")) {
            (Some(sum), Some(s)) => match s.as_f64() {
                Some(x) if x.is_finite() && x >= 0.0 => Some(sum + x),
                _ => bail!("line {n}: \"seconds\" is not a non-negative number"),
            },
            _ => None,
        };
        if by_key.insert(key.clone(), prediction).is_some() {
            bail!("line {n}: a second prediction for {field} {key:?}");
        }
    }
    let missing: Vec<&str> = required
        .iter()
        .copied()
        .filter(|k| !by_key.contains_key(*k))
        .collect();
    if !missing.is_empty() {
        bail!(
            "no prediction for {} of the {} items, e.g. {:?}",
            missing.len(),
            required.len(),
            &missing[..missing.len().min(3)]
        );
    }
    if by_key.is_empty() {
        seconds = None;
    }
    Ok(Predictions { by_key, seconds })
}

/// Reads the predictions file at `path` (see [`parse`]).
pub fn load<T>(
    path: &Path,
    field: &str,
    known: &HashSet<&str>,
    required: &[&str],
    parse_line: impl Fn(&serde_json::Value, usize) -> anyhow::Result<T>,
) -> anyhow::Result<Predictions<T>> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    parse(&text, field, known, required, parse_line)
        .with_context(|| format!("predictions {}", path.display()))
}

/// A line's string field `name`: `null` or absent reads as "" (nothing predicted).
pub fn text_field(v: &serde_json::Value, name: &str, line: usize) -> anyhow::Result<String> {
    match v.get(name) {
        None | Some(serde_json::Value::Null) => Ok(String::new()),
        Some(serde_json::Value::String(s)) => Ok(s.clone()),
        Some(_) => bail!("line {line}: \"{name}\" is not a string"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys<'a>(ks: &[&'a str]) -> HashSet<&'a str> {
        ks.iter().copied().collect()
    }

    fn text(v: &serde_json::Value, n: usize) -> anyhow::Result<String> {
        text_field(v, "text", n)
    }

    #[test]
    fn reads_lines_and_timings() {
        let p = parse(
            "{\"id\": \"a\", \"text\": \"x y\", \"seconds\": 0.5}\n\n{\"id\": 7, \"text\": null, \"seconds\": 1.5}\n",
            "id",
            &keys(&["a", "7"]),
            &["a", "7"],
            text,
        )
        .unwrap();
        assert_eq!(p.by_key["a"], "x y");
        assert_eq!(p.by_key["7"], "");
        assert_eq!(p.seconds, Some(2.0));
        assert_eq!(p.items_per_second(), Some(1.0));
    }

    #[test]
    fn timings_only_when_every_line_has_one() {
        let p = parse(
            "{\"id\": \"a\", \"text\": \"\", \"seconds\": 0.5}\n{\"id\": \"b\", \"text\": \"\"}",
            "id",
            &keys(&["a", "b"]),
            &[],
            text,
        )
        .unwrap();
        assert_eq!(p.seconds, None);
        assert_eq!(p.items_per_second(), None);
        let bad = parse(
            "{\"id\": \"a\", \"seconds\": -1}",
            "id",
            &keys(&["a"]),
            &[],
            text,
        );
        assert!(bad.is_err());
    }

    #[test]
    fn mismatched_ids_are_errors() {
        let known = keys(&["a", "b"]);
        // Unknown id.
        let e = parse("{\"id\": \"c\"}", "id", &known, &[], text).unwrap_err();
        assert!(format!("{e:#}").contains("\"c\""), "{e:#}");
        // Twice the same id.
        assert!(parse("{\"id\": \"a\"}\n{\"id\": \"a\"}", "id", &known, &[], text).is_err());
        // A required id missing.
        let e = parse("{\"id\": \"a\"}", "id", &known, &["a", "b"], text).unwrap_err();
        assert!(format!("{e:#}").contains("1 of the 2"), "{e:#}");
        // No key, not an object, not JSON, a text that is not a string.
        assert!(parse("{\"story\": \"a\"}", "id", &known, &[], text).is_err());
        assert!(parse("[\"a\"]", "id", &known, &[], text).is_err());
        assert!(parse("{id: a}", "id", &known, &[], text).is_err());
        assert!(parse("{\"id\": \"a\", \"text\": 3}", "id", &known, &[], text).is_err());
    }
}
