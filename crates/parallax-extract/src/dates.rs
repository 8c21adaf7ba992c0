//! Dates written by people and machines: ISO 8601, RFC 2822, "July 3, 2025", "3 July 2025",
//! "2025-07-03 04:38:47", dates in URLs.

use chrono::{DateTime, Datelike, Duration, FixedOffset, NaiveDate, NaiveDateTime, TimeZone, Utc};
use regex::Regex;
use std::sync::LazyLock;

/// One date found in a text: the time (UTC), whether a time of day was given, and where it was.
#[derive(Clone, Debug, PartialEq)]
pub struct FoundDate {
    /// The instant (midnight UTC when only the day is known).
    pub at: DateTime<Utc>,
    /// The UTC offset the date was written in, in seconds east (0 when none was given).
    pub offset: i32,
    /// Byte range in the text searched.
    pub start: usize,
    /// End of the byte range.
    pub end: usize,
}

const MONTHS: &str = r"(?:jan(?:uary|\.)?|feb(?:ruary|\.)?|mar(?:ch|\.)?|apr(?:il|\.)?|may|june?|july?|aug(?:ust|\.)?|sep(?:t(?:ember)?)?\.?|oct(?:ober|\.)?|nov(?:ember|\.)?|dec(?:ember|\.)?)";
const TIME: &str = r"(?:,?\s*(?:at\s+)?(\d{1,2})[:.](\d{2})(?:[:.](\d{2}))?\s*([ap]\.?m\.?)?\s*(z|gmt|utc|[+-]\d{2}:?\d{2}|(?:gmt|utc)\s*[+-]\d{1,2}(?::?\d{2})?)?)?";

static ISO: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)\b(\d{4})-(\d{1,2})-(\d{1,2})(?:[t\s]+(\d{1,2}):(\d{2})(?::(\d{2}))?(?:[.,]\d+)?\s*(z|gmt|utc|[+-]\d{2}(?::?\d{2})?)?)?",
    )
    .expect("static regex")
});
static SLASHED_YMD: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\b(\d{4})[/.](\d{1,2})[/.](\d{1,2})\b").expect("static regex"));
static DMY_NUMERIC: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?i)\b(\d{{1,2}})([./])(\d{{1,2}})[./](\d{{4}})\b{TIME}"
    ))
    .expect("static regex")
});
/// Month names and abbreviations, lower case, with their numbers: English, Spanish, Portuguese,
/// French, German, Dutch, Italian, Indonesian, Turkish, and Polish, Russian and Ukrainian in the
/// genitive a date uses ("9 октября 2020").
#[rustfmt::skip]
const MONTH_NAMES: &[(&str, u32)] = &[
    // English.
    ("january", 1), ("jan", 1), ("february", 2), ("feb", 2), ("march", 3), ("mar", 3),
    ("april", 4), ("apr", 4), ("may", 5), ("june", 6), ("jun", 6), ("july", 7), ("jul", 7),
    ("august", 8), ("aug", 8), ("september", 9), ("sept", 9), ("sep", 9), ("october", 10),
    ("oct", 10), ("november", 11), ("nov", 11), ("december", 12), ("dec", 12),
    // Spanish.
    ("enero", 1), ("febrero", 2), ("marzo", 3), ("abril", 4), ("mayo", 5), ("junio", 6),
    ("julio", 7), ("agosto", 8), ("septiembre", 9), ("setiembre", 9), ("octubre", 10),
    ("noviembre", 11), ("diciembre", 12),
    // Portuguese.
    ("janeiro", 1), ("fevereiro", 2), ("março", 3), ("maio", 5), ("junho", 6), ("julho", 7),
    ("setembro", 9), ("outubro", 10), ("novembro", 11), ("dezembro", 12),
    // French.
    ("janvier", 1), ("février", 2), ("fevrier", 2), ("mars", 3), ("avril", 4), ("mai", 5),
    ("juin", 6), ("juillet", 7), ("août", 8), ("aout", 8), ("septembre", 9), ("octobre", 10),
    ("novembre", 11), ("décembre", 12), ("decembre", 12),
    // German.
    ("januar", 1), ("jänner", 1), ("februar", 2), ("märz", 3), ("juni", 6), ("juli", 7),
    ("oktober", 10), ("dezember", 12),
    // Dutch and Indonesian.
    ("januari", 1), ("februari", 2), ("maart", 3), ("maret", 3), ("mei", 5), ("augustus", 8),
    ("agustus", 8), ("desember", 12),
    // Italian.
    ("gennaio", 1), ("febbraio", 2), ("aprile", 4), ("maggio", 5), ("giugno", 6), ("luglio", 7),
    ("settembre", 9), ("ottobre", 10), ("dicembre", 12),
    // Turkish.
    ("ocak", 1), ("şubat", 2), ("mart", 3), ("nisan", 4), ("mayıs", 5), ("haziran", 6),
    ("temmuz", 7), ("ağustos", 8), ("eylül", 9), ("ekim", 10), ("kasım", 11), ("aralık", 12),
    // Polish (genitive).
    ("stycznia", 1), ("lutego", 2), ("marca", 3), ("kwietnia", 4), ("maja", 5), ("czerwca", 6),
    ("lipca", 7), ("sierpnia", 8), ("września", 9), ("października", 10), ("listopada", 11),
    ("grudnia", 12),
    // Russian (genitive).
    ("января", 1), ("февраля", 2), ("марта", 3), ("апреля", 4), ("мая", 5), ("июня", 6),
    ("июля", 7), ("августа", 8), ("сентября", 9), ("октября", 10), ("ноября", 11),
    ("декабря", 12),
    // Ukrainian (genitive).
    ("січня", 1), ("лютого", 2), ("березня", 3), ("квітня", 4), ("травня", 5), ("червня", 6),
    ("липня", 7), ("серпня", 8), ("вересня", 9), ("жовтня", 10), ("грудня", 12),
];

/// Day, month name, year in any language of [`MONTH_NAMES`]: "3 July 2025", "3rd of July, 2025",
/// "9. Oktober 2020", "15 de abril de 2020", "1er janvier 2020", "9 октября 2020".
static DAY_MONTH_YEAR: LazyLock<Regex> = LazyLock::new(|| {
    let mut names: Vec<&str> = MONTH_NAMES.iter().map(|(n, _)| *n).collect();
    // Longest first, so that "june" wins over "jun".
    names.sort_by_key(|n| std::cmp::Reverse(n.chars().count()));
    let names = names
        .iter()
        .map(|n| regex::escape(n))
        .collect::<Vec<_>>()
        .join("|");
    Regex::new(&format!(
        r"(?i)\b(\d{{1,2}})(?:st|nd|rd|th|er|º|\.)?\s+(?:of\s+|de\s+)?({names})\b\.?,?\s+(?:de\s+|del\s+)?(\d{{4}})\b{TIME}"
    ))
    .expect("static regex")
});
static MONTH_DAY_YEAR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?i)\b({MONTHS})\b\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}})\b{TIME}"
    ))
    .expect("static regex")
});
static CJK_YMD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(\d{4})\s*[年년]\s*(\d{1,2})\s*[月월]\s*(\d{1,2})\s*[日일]").expect("static regex")
});
static COMPACT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(\d{4})(\d{2})(\d{2})(?:t?(\d{2})(\d{2})(\d{2})?)?$").expect("static regex")
});
static URL_DATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:^|[/_\-.])((?:199|20[0-9])\d)[/_\-.]?(0[1-9]|1[0-2])[/_\-.]?(0[1-9]|[12]\d|3[01])(?:[/_\-.]|$)")
        .expect("static regex")
});
static URL_YEAR_MONTH: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"/((?:199|20[0-9])\d)/(0[1-9]|1[0-2])/(0[1-9]|[12]\d|3[01])?")
        .expect("static regex")
});

fn month_number(name: &str) -> Option<u32> {
    let n = name.trim_end_matches('.').to_lowercase();
    if let Some((_, m)) = MONTH_NAMES.iter().find(|(k, _)| *k == n) {
        return Some(*m);
    }
    let m = match n.get(..3)? {
        "jan" => 1,
        "feb" => 2,
        "mar" => 3,
        "apr" => 4,
        "may" => 5,
        "jun" => 6,
        "jul" => 7,
        "aug" => 8,
        "sep" => 9,
        "oct" => 10,
        "nov" => 11,
        "dec" => 12,
        _ => return None,
    };
    Some(m)
}

fn offset_seconds(tz: &str) -> Option<i32> {
    let t = tz.trim().to_lowercase();
    let t = t.trim_start_matches("gmt").trim_start_matches("utc").trim();
    if t.is_empty() || t == "z" {
        return Some(0);
    }
    let (sign, rest) = match t.as_bytes().first()? {
        b'+' => (1, &t[1..]),
        b'-' => (-1, &t[1..]),
        _ => return None,
    };
    let digits: String = rest.chars().filter(|c| c.is_ascii_digit()).collect();
    let (h, m) = match digits.len() {
        1 | 2 => (digits.parse::<i32>().ok()?, 0),
        3 => (
            digits[..1].parse::<i32>().ok()?,
            digits[1..].parse::<i32>().ok()?,
        ),
        4 => (
            digits[..2].parse::<i32>().ok()?,
            digits[2..].parse::<i32>().ok()?,
        ),
        _ => return None,
    };
    if h > 14 || m > 59 {
        return None;
    }
    Some(sign * (h * 3600 + m * 60))
}

#[allow(clippy::too_many_arguments)]
fn build(
    y: i32,
    mo: u32,
    d: u32,
    h: Option<&str>,
    mi: Option<&str>,
    s: Option<&str>,
    ampm: Option<&str>,
    tz: Option<&str>,
) -> Option<DateTime<FixedOffset>> {
    let date = NaiveDate::from_ymd_opt(y, mo, d)?;
    let mut hour: u32 = h.and_then(|h| h.parse().ok()).unwrap_or(0);
    let minute: u32 = mi.and_then(|m| m.parse().ok()).unwrap_or(0);
    let second: u32 = s.and_then(|s| s.parse().ok()).unwrap_or(0);
    if let Some(ap) = ampm {
        let pm = ap.to_lowercase().starts_with('p');
        if hour == 12 {
            hour = if pm { 12 } else { 0 };
        } else if pm {
            hour += 12;
        }
    }
    let naive = date
        .and_hms_opt(hour, minute, second)
        .unwrap_or_else(|| date.and_hms_opt(0, 0, 0).unwrap_or_default());
    let off = tz.and_then(offset_seconds).unwrap_or(0);
    let offset = FixedOffset::east_opt(off)?;
    offset.from_local_datetime(&naive).single()
}

/// Whether `at` is a plausible publication time: not before 1995 and not in the future (a day of
/// slack for time zones).
pub fn plausible(at: DateTime<Utc>, now: DateTime<Utc>) -> bool {
    at.year() >= 1995 && at <= now + Duration::days(1)
}

/// All dates written in `text`, in order of position (overlapping matches removed).
pub fn find_dates(text: &str) -> Vec<FoundDate> {
    let mut out: Vec<FoundDate> = Vec::new();
    let mut push = |at: Option<DateTime<FixedOffset>>, start: usize, end: usize| {
        if let Some(at) = at {
            out.push(FoundDate {
                at: at.with_timezone(&Utc),
                offset: at.offset().local_minus_utc(),
                start,
                end,
            });
        }
    };
    for c in ISO.captures_iter(text) {
        let Some(m) = c.get(0) else { continue };
        let num = |i: usize| c.get(i).and_then(|x| x.as_str().parse::<u32>().ok());
        let y = c.get(1).and_then(|x| x.as_str().parse::<i32>().ok());
        if let (Some(y), Some(mo), Some(d)) = (y, num(2), num(3)) {
            let g = |i: usize| c.get(i).map(|x| x.as_str());
            push(
                build(y, mo, d, g(4), g(5), g(6), None, g(7)),
                m.start(),
                m.end(),
            );
        }
    }
    // Numeric year-month-day dates, day only: 2020/07/12, 2020年07月12日.
    for c in [&*SLASHED_YMD, &*CJK_YMD]
        .into_iter()
        .flat_map(|re| re.captures_iter(text))
    {
        let Some(m) = c.get(0) else { continue };
        let num = |i: usize| c.get(i).and_then(|x| x.as_str().parse::<u32>().ok());
        if let (Some(y), Some(mo), Some(d)) = (num(1), num(2), num(3)) {
            push(
                build(y as i32, mo, d, None, None, None, None, None),
                m.start(),
                m.end(),
            );
        }
    }
    for c in DMY_NUMERIC.captures_iter(text) {
        let Some(m) = c.get(0) else { continue };
        let num = |i: usize| c.get(i).and_then(|x| x.as_str().parse::<u32>().ok());
        let sep = c.get(2).map(|x| x.as_str()).unwrap_or(".");
        if let (Some(a), Some(b), Some(y)) = (num(1), num(3), num(4)) {
            // Day first unless that is impossible; "/" with a first part <= 12 reads US style.
            let (d, mo) = if a > 12 {
                (a, b)
            } else if b > 12 || sep == "/" {
                (b, a)
            } else {
                (a, b)
            };
            let g = |i: usize| c.get(i).map(|x| x.as_str());
            push(
                build(y as i32, mo, d, g(5), g(6), g(7), g(8), g(9)),
                m.start(),
                m.end(),
            );
        }
    }
    for c in DAY_MONTH_YEAR.captures_iter(text) {
        let Some(m) = c.get(0) else { continue };
        let d = c.get(1).and_then(|x| x.as_str().parse::<u32>().ok());
        let mo = c.get(2).and_then(|x| month_number(x.as_str()));
        let y = c.get(3).and_then(|x| x.as_str().parse::<i32>().ok());
        if let (Some(d), Some(mo), Some(y)) = (d, mo, y) {
            let g = |i: usize| c.get(i).map(|x| x.as_str());
            push(
                build(y, mo, d, g(4), g(5), g(6), g(7), g(8)),
                m.start(),
                m.end(),
            );
        }
    }
    for c in MONTH_DAY_YEAR.captures_iter(text) {
        let Some(m) = c.get(0) else { continue };
        let mo = c.get(1).and_then(|x| month_number(x.as_str()));
        let d = c.get(2).and_then(|x| x.as_str().parse::<u32>().ok());
        let y = c.get(3).and_then(|x| x.as_str().parse::<i32>().ok());
        if let (Some(d), Some(mo), Some(y)) = (d, mo, y) {
            let g = |i: usize| c.get(i).map(|x| x.as_str());
            push(
                build(y, mo, d, g(4), g(5), g(6), g(7), g(8)),
                m.start(),
                m.end(),
            );
        }
    }
    out.sort_by_key(|f| (f.start, std::cmp::Reverse(f.end)));
    let mut kept: Vec<FoundDate> = Vec::new();
    for f in out {
        if kept.last().is_some_and(|k| f.start < k.end) {
            continue;
        }
        kept.push(f);
    }
    kept
}

impl FoundDate {
    /// [`local_day_instant`] of this date: `at`, moved into the day it was written in.
    pub fn local_day_at(&self) -> DateTime<Utc> {
        FixedOffset::east_opt(self.offset)
            .map(|o| local_day_instant(self.at.with_timezone(&o)))
            .unwrap_or(self.at)
    }
}

/// Parses a date written in a metadata value (`content` of a meta tag, a JSON-LD field, a
/// `datetime` attribute): RFC 3339, RFC 2822, Unix seconds, compact `20250703`, or any form
/// [`find_dates`] knows. `None` when nothing is there.
pub fn parse_date(s: &str) -> Option<DateTime<Utc>> {
    parse_date_local(s).map(|dt| dt.with_timezone(&Utc))
}

/// [`parse_date`], keeping the UTC offset the date was written in (`+00:00` when none was given),
/// so that the writer's local day can be read from it.
pub fn parse_date_local(s: &str) -> Option<DateTime<FixedOffset>> {
    let s = s.trim();
    if s.is_empty() || s.len() > 200 {
        return None;
    }
    if let Ok(dt) = DateTime::parse_from_rfc3339(s) {
        return Some(dt);
    }
    if let Ok(dt) = DateTime::parse_from_rfc2822(s) {
        return Some(dt);
    }
    if let Ok(dt) = NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S%.f") {
        return Some(dt.and_utc().fixed_offset());
    }
    if let Some(c) = COMPACT.captures(&s.to_lowercase()) {
        let num = |i: usize| c.get(i).and_then(|x| x.as_str().parse::<u32>().ok());
        if let (Some(y), Some(mo), Some(d)) = (num(1), num(2), num(3)) {
            let g = |i: usize| c.get(i).map(|x| x.as_str().to_string());
            let (h, mi, sec) = (g(4), g(5), g(6));
            return build(
                y as i32,
                mo,
                d,
                h.as_deref(),
                mi.as_deref(),
                sec.as_deref(),
                None,
                None,
            );
        }
    }
    // Unix time in seconds or milliseconds.
    if s.len() >= 9 && s.len() <= 13 && s.bytes().all(|b| b.is_ascii_digit()) {
        let n: i64 = s.parse().ok()?;
        let secs = if s.len() == 13 { n / 1000 } else { n };
        return Utc
            .timestamp_opt(secs, 0)
            .single()
            .map(|d| d.fixed_offset());
    }
    find_dates(s)
        .into_iter()
        .next()
        .and_then(|f| FixedOffset::east_opt(f.offset).map(|o| f.at.with_timezone(&o)))
}

/// The instant closest to `at` whose UTC day is the day it was in where it was written: `at`
/// itself when the local and UTC days agree, else the first (or last) second of that local day in
/// UTC. A page stamped `2025-07-03T01:30+03:00` was published on the 3rd for its readers, though
/// that instant is the 2nd in UTC; the day a page gives is its publication day, and a consumer
/// reading the UTC day of `at` gets that day while `at` stays within the offset of the true
/// instant.
pub fn local_day_instant(at: DateTime<FixedOffset>) -> DateTime<Utc> {
    let utc = at.with_timezone(&Utc);
    let local_day = at.date_naive();
    let utc_day = utc.date_naive();
    if local_day == utc_day {
        return utc;
    }
    let start = local_day.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc();
    if local_day > utc_day {
        start
    } else {
        start + Duration::days(1) - Duration::seconds(1)
    }
}

/// A date in a URL path (`/2025/07/03/`, `/20250703/`, `-2025-07-03-`): midnight UTC of that day.
pub fn url_date(url: &str) -> Option<DateTime<Utc>> {
    let path = match url.find("://") {
        Some(i) => {
            let rest = &url[i + 3..];
            rest.find('/').map(|j| &rest[j..]).unwrap_or("")
        }
        None => url,
    };
    let path = path.split(['?', '#']).next().unwrap_or(path);
    let c = URL_DATE
        .captures(path)
        .or_else(|| URL_YEAR_MONTH.captures(path).filter(|c| c.get(3).is_some()))?;
    let num = |i: usize| c.get(i).and_then(|x| x.as_str().parse::<u32>().ok());
    let (y, mo, d) = (num(1)?, num(2)?, num(3)?);
    build(y as i32, mo, d, None, None, None, None, None).map(|d| d.with_timezone(&Utc))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ymd(at: DateTime<Utc>) -> String {
        at.format("%Y-%m-%d %H:%M").to_string()
    }

    #[test]
    fn parses_many_formats() {
        let cases = [
            ("2025-07-03T04:38:47Z", "2025-07-03 04:38"),
            ("2025-07-03T04:38:47+03:00", "2025-07-03 01:38"),
            ("2025-07-03T04:38:47+0300", "2025-07-03 01:38"),
            ("2025-07-03T04:38:47.123", "2025-07-03 04:38"),
            ("2025-07-03 04:38:47", "2025-07-03 04:38"),
            ("2025-07-03", "2025-07-03 00:00"),
            ("Thu, 03 Jul 2025 10:00:00 +0000", "2025-07-03 10:00"),
            ("July 3, 2025", "2025-07-03 00:00"),
            ("July 3rd, 2025 at 4:05 pm", "2025-07-03 16:05"),
            ("3 July 2025", "2025-07-03 00:00"),
            ("Tuesday, 02 January 2024 12:17 GMT", "2024-01-02 12:17"),
            ("Feb. 24, 2022", "2022-02-24 00:00"),
            ("03.07.2025", "2025-07-03 00:00"),
            ("2025/07/03", "2025-07-03 00:00"),
            ("20250703", "2025-07-03 00:00"),
            ("1751515200", "2025-07-03 04:00"),
        ];
        for (s, want) in cases {
            let got = parse_date(s).map(ymd);
            assert_eq!(got.as_deref(), Some(want), "{s}");
        }
        for bad in [
            "",
            "yesterday",
            "2025-13-45",
            "Foo 3, 2025",
            "99999999999999999999",
        ] {
            assert!(parse_date(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn finds_dates_in_text() {
        let f = find_dates("date 2025-07-22 Tuesday, 02 January 2024 12:17 GMT and more");
        assert_eq!(f.len(), 2);
        assert_eq!(ymd(f[0].at), "2025-07-22 00:00");
        assert_eq!(ymd(f[1].at), "2024-01-02 12:17");
    }

    #[test]
    fn finds_day_month_year_in_many_languages() {
        let cases = [
            ("Miércoles, 15 de Abril de 2020", "2020-04-15"),
            (
                "Ambulance | 9 oktober 2020 11:12 | Alarmeringen.nl",
                "2020-10-09",
            ),
            ("Freitag, 9. Oktober 2020", "2020-10-09"),
            ("publié le 1er janvier 2021", "2021-01-01"),
            ("9 de outubro de 2020", "2020-10-09"),
            ("9 октября 2020 г.", "2020-10-09"),
            ("9 жовтня 2020", "2020-10-09"),
            ("9 października 2020", "2020-10-09"),
            ("9 Ekim 2020 Cuma", "2020-10-09"),
            ("9 ottobre 2020", "2020-10-09"),
            ("3rd of June, 2025", "2025-06-03"),
            ("3 Jun. 2025", "2025-06-03"),
        ];
        for (text, want) in cases {
            let f = find_dates(text);
            assert_eq!(
                f.first()
                    .map(|f| f.at.format("%Y-%m-%d").to_string())
                    .as_deref(),
                Some(want),
                "{text}"
            );
        }
        // A number before a word that only starts like a month is no date.
        assert!(find_dates("12 marzipan 2020").is_empty());
        assert!(find_dates("5 mayors 2020").is_empty());
    }

    #[test]
    fn url_dates() {
        assert_eq!(
            url_date("https://x.com/news/2025/07/03/putin-trump")
                .map(ymd)
                .as_deref(),
            Some("2025-07-03 00:00")
        );
        assert_eq!(
            url_date("https://x.com/a/20250703-call.html")
                .map(ymd)
                .as_deref(),
            Some("2025-07-03 00:00")
        );
        assert_eq!(url_date("https://x.com/a/123456789"), None);
        assert_eq!(url_date("https://2025-07-03.example.com/"), None);
    }

    #[test]
    fn local_days() {
        let at = |s: &str| parse_date_local(s).map(local_day_instant).map(ymd);
        // The local day is kept; the instant moves no further than into that day.
        assert_eq!(
            at("2020-12-25T01:59:50+02:00").as_deref(),
            Some("2020-12-25 00:00")
        );
        assert_eq!(
            at("2020-08-15T20:53:24-04:00").as_deref(),
            Some("2020-08-15 23:59")
        );
        assert_eq!(
            at("2020-08-15T12:00:00-04:00").as_deref(),
            Some("2020-08-15 16:00")
        );
        assert_eq!(at("2020年07月12日").as_deref(), Some("2020-07-12 00:00"));
    }

    #[test]
    fn plausibility() {
        let now = Utc::now();
        assert!(!plausible(now + Duration::days(30), now));
        assert!(!plausible(parse_date("1990-01-01").unwrap_or(now), now));
        assert!(plausible(now - Duration::days(30), now));
    }
}
