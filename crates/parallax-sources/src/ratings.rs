//! Reading an outlet-ratings file for `parallax sources import-ratings`: JSON or CSV, by domain.
//!
//! Ratings are never applied by default. An operator imports a provider's file; every rating keeps
//! its provider, kind, date and licence, and an estimate computed by a method is labelled as one.
//!
//! Accepted shapes:
//! - JSON object by domain, each value a number, a string, or an object of named numbers from
//!   which one field is read (`{"thehindu.com": {"p+fp-average": 0.94, ...}}`).
//! - JSON array of objects with a `domain` field and a value field.
//! - CSV with a header row: a `domain` column and a value column (the field named, else the
//!   second column).
//!
//! Two providers are known by name and need no options (`../shared/sources/idiap-reliability`):
//! `idiap-reliability` (the NAACL 2024 estimates from the CC-News hyperlink graph, field
//! `p+fp-average`, -1 to 1, an estimate, Apache-2.0) and `wikipedia-perennial` (English Wikipedia's
//! perennial-sources consensus, -2 to 1 with its labels, CC BY-SA 4.0).

use parallax_core::{ProvidedRating, RatingKind};
use std::collections::BTreeMap;

/// How to read one provider's file.
#[derive(Clone, Debug, PartialEq)]
pub struct RatingsFormat {
    /// The provider's name, as ratings will credit it.
    pub provider: String,
    /// What the file rates.
    pub kind: RatingKind,
    /// The field holding the value (objects in JSON, a column in CSV).
    pub field: Option<String>,
    /// Labels of numeric values (`1` -> "generally reliable"); without one the number is the
    /// label.
    pub labels: BTreeMap<String, String>,
    /// The licence the ratings are used under, and the credit it asks for.
    pub licence: Option<String>,
    /// When the provider made them.
    pub date: Option<String>,
    /// Whether they are estimates computed by a method rather than editorial judgements.
    pub estimate: bool,
}

impl RatingsFormat {
    /// The format of a provider: the known ones' settings for `idiap-reliability` and
    /// `wikipedia-perennial`, else reliability ratings read as given.
    pub fn for_provider(provider: &str) -> Self {
        let mut f = RatingsFormat {
            provider: provider.trim().to_string(),
            kind: RatingKind::Reliability,
            field: None,
            labels: BTreeMap::new(),
            licence: None,
            date: None,
            estimate: false,
        };
        match provider.trim() {
            "idiap-reliability" => {
                f.field = Some("p+fp-average".to_string());
                f.licence = Some(
                    "Apache-2.0; Idiap Research Institute, Burdisso et al., \"Reliability \
                     Estimation of News Media Sources: Birds of a Feather Flock Together\", \
                     NAACL 2024"
                        .to_string(),
                );
                f.date = Some("2024".to_string());
                f.estimate = true;
            }
            "wikipedia-perennial" => {
                f.labels = [
                    ("1", "generally reliable"),
                    ("0", "no consensus"),
                    ("-1", "generally unreliable"),
                    ("-2", "deprecated"),
                ]
                .into_iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect();
                f.licence = Some(
                    "CC BY-SA 4.0; English Wikipedia, \"Wikipedia:Reliable sources/Perennial \
                     sources\" (share alike)"
                        .to_string(),
                );
            }
            _ => {}
        }
        f
    }
}

/// What a ratings file gave.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RatingsFile {
    /// One rating per domain (a domain rated twice keeps its last rating).
    pub ratings: Vec<ProvidedRating>,
    /// Entries that could not be read, each with where and why.
    pub skipped: Vec<String>,
}

/// Reads a ratings file. `csv` chooses CSV (by the file's extension); otherwise JSON. Fails only
/// when the file as a whole is unreadable; a bad entry is skipped with a message.
pub fn parse_ratings(text: &str, csv: bool, format: &RatingsFormat) -> Result<RatingsFile, String> {
    let mut out = RatingsFile::default();
    let mut by_domain: BTreeMap<String, ProvidedRating> = BTreeMap::new();
    let mut add = |domain: &str, value: Value, out: &mut RatingsFile, at: &str| {
        let Some(domain) = normal_domain(domain) else {
            out.skipped
                .push(format!("{at}: {domain:?} is not a domain"));
            return;
        };
        match rating(&domain, value, format) {
            Ok(r) => {
                by_domain.insert(domain, r);
            }
            Err(why) => out.skipped.push(format!("{at} ({domain}): {why}")),
        }
    };
    if csv {
        let mut lines = text
            .lines()
            .enumerate()
            .filter(|(_, l)| !l.trim().is_empty());
        let Some((_, header)) = lines.next() else {
            return Err("the file is empty".to_string());
        };
        let header: Vec<String> = split_csv(header)
            .into_iter()
            .map(|h| h.trim().to_lowercase())
            .collect();
        let domain_col = header
            .iter()
            .position(|h| h == "domain" || h == "host" || h == "site")
            .ok_or("the CSV header has no `domain` column")?;
        let value_col = match &format.field {
            Some(f) => header
                .iter()
                .position(|h| h == &f.to_lowercase())
                .ok_or_else(|| format!("the CSV header has no `{f}` column"))?,
            None => (0..header.len())
                .find(|&i| i != domain_col)
                .ok_or("the CSV header has no value column")?,
        };
        for (n, line) in lines {
            let cells = split_csv(line);
            let at = format!("line {}", n + 1);
            match (cells.get(domain_col), cells.get(value_col)) {
                (Some(d), Some(v)) => add(d, Value::Text(v.trim().to_string()), &mut out, &at),
                _ => out.skipped.push(format!("{at}: too few columns")),
            }
        }
    } else {
        let json: serde_json::Value =
            serde_json::from_str(text).map_err(|e| format!("not valid JSON: {e}"))?;
        match json {
            serde_json::Value::Object(map) => {
                for (domain, v) in map {
                    let value = json_value(&v, format.field.as_deref());
                    add(&domain, value, &mut out, &format!("entry {domain:?}"));
                }
            }
            serde_json::Value::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    let at = format!("item {}", i + 1);
                    match item.get("domain").and_then(|d| d.as_str()) {
                        Some(d) => {
                            let field = format.field.as_deref().unwrap_or("value");
                            let value = item
                                .get(field)
                                .map_or(Value::Missing, |v| json_value(v, None));
                            add(d, value, &mut out, &at);
                        }
                        None => out.skipped.push(format!("{at}: no \"domain\" string")),
                    }
                }
            }
            _ => {
                return Err(
                    "expected a JSON object by domain or an array of objects with a \"domain\""
                        .to_string(),
                );
            }
        }
    }
    out.ratings = by_domain.into_values().collect();
    Ok(out)
}

enum Value {
    Number(f64),
    Text(String),
    Missing,
}

fn json_value(v: &serde_json::Value, field: Option<&str>) -> Value {
    match v {
        serde_json::Value::Number(n) => n.as_f64().map_or(Value::Missing, Value::Number),
        serde_json::Value::String(s) => Value::Text(s.trim().to_string()),
        serde_json::Value::Object(o) => match field.and_then(|f| o.get(f)) {
            Some(inner) if !inner.is_object() => json_value(inner, None),
            _ => Value::Missing,
        },
        _ => Value::Missing,
    }
}

fn rating(domain: &str, value: Value, f: &RatingsFormat) -> Result<ProvidedRating, String> {
    let (value, score) = match value {
        Value::Number(x) if x.is_finite() => (number_label(x, f), Some(x)),
        Value::Number(_) => return Err("the value is not a finite number".to_string()),
        Value::Text(t) if t.is_empty() => return Err("the value is empty".to_string()),
        Value::Text(t) => match t.parse::<f64>() {
            Ok(x) if x.is_finite() => (number_label(x, f), Some(x)),
            _ => (t.chars().take(80).collect(), None),
        },
        Value::Missing => {
            return Err(match &f.field {
                Some(field) => format!("no value in field `{field}`"),
                None => "no value (name the field with --field)".to_string(),
            });
        }
    };
    Ok(ProvidedRating {
        provider: f.provider.clone(),
        kind: f.kind,
        domain: domain.to_string(),
        value,
        score,
        date: f.date.clone(),
        licence: f.licence.clone(),
        estimate: f.estimate,
    })
}

fn number_label(x: f64, f: &RatingsFormat) -> String {
    let plain = if x.fract() == 0.0 && x.abs() < 1e15 {
        format!("{}", x as i64)
    } else {
        format!("{x:.2}")
    };
    f.labels.get(&plain).cloned().unwrap_or(plain)
}

/// A rated domain as ratings are keyed: lower case, no scheme, path or leading `www.`.
fn normal_domain(d: &str) -> Option<String> {
    let d = d.trim().to_ascii_lowercase();
    let d = d
        .strip_prefix("https://")
        .or_else(|| d.strip_prefix("http://"))
        .unwrap_or(&d);
    let d = d
        .split('/')
        .next()
        .unwrap_or_default()
        .trim_end_matches('.');
    let d = d.strip_prefix("www.").unwrap_or(d);
    let ok = d.contains('.')
        && d.len() <= 253
        && d.split('.')
            .all(|l| !l.is_empty() && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'));
    ok.then(|| d.to_string())
}

/// One CSV line's cells (double quotes quote, `""` is a quote).
fn split_csv(line: &str) -> Vec<String> {
    let mut cells = vec![String::new()];
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' if quoted && chars.peek() == Some(&'"') => {
                chars.next();
                cells.last_mut().expect("one cell").push('"');
            }
            '"' => quoted = !quoted,
            ',' if !quoted => cells.push(String::new()),
            c => cells.last_mut().expect("one cell").push(c),
        }
    }
    cells
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn idiap_objects_read_their_field_as_an_estimate() {
        let f = RatingsFormat::for_provider("idiap-reliability");
        let r = parse_ratings(
            r#"{"WWW.TheHindu.com": {"f-reliability": 0.1, "p+fp-average": 0.94}, "bad": {"p+fp-average": 1}, "x.org": {"other": 1}}"#,
            false,
            &f,
        )
        .unwrap();
        assert_eq!(r.ratings.len(), 1);
        let h = &r.ratings[0];
        assert_eq!(
            (h.domain.as_str(), h.value.as_str()),
            ("thehindu.com", "0.94")
        );
        assert_eq!(h.score, Some(0.94));
        assert!(h.estimate);
        assert!(h.licence.as_deref().unwrap().contains("Apache-2.0"));
        assert_eq!(r.skipped.len(), 2, "{:?}", r.skipped);
    }

    #[test]
    fn wikipedia_values_get_their_labels() {
        let f = RatingsFormat::for_provider("wikipedia-perennial");
        let r = parse_ratings(
            r#"{"afp.com": 1, "112.ua": -1, "x.com": -2, "y.com": 0}"#,
            false,
            &f,
        )
        .unwrap();
        let v: Vec<(&str, &str)> = r
            .ratings
            .iter()
            .map(|r| (r.domain.as_str(), r.value.as_str()))
            .collect();
        assert_eq!(
            v,
            [
                ("112.ua", "generally unreliable"),
                ("afp.com", "generally reliable"),
                ("x.com", "deprecated"),
                ("y.com", "no consensus")
            ]
        );
        assert!(!r.ratings[0].estimate);
    }

    #[test]
    fn csv_by_column() {
        let mut f = RatingsFormat::for_provider("my-bias");
        f.kind = RatingKind::Bias;
        f.field = Some("rating".to_string());
        let r = parse_ratings(
            "name,domain,rating\n\"Example, Inc\",https://www.example.com/,left\nNo Domain,,center\n",
            true,
            &f,
        )
        .unwrap();
        assert_eq!(r.ratings.len(), 1);
        assert_eq!(r.ratings[0].value, "left");
        assert_eq!(r.ratings[0].kind, RatingKind::Bias);
        assert_eq!(r.skipped.len(), 1);
        assert!(parse_ratings("name,rating\nx,1\n", true, &f).is_err());
        assert!(parse_ratings("[1, 2", false, &f).is_err());
    }
}
