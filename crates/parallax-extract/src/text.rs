//! Plain-text pages (copied or scraped article text with the page furniture still in it).
//!
//! The rules are general, by line shape and position: a `date ...` header line; a headline line at
//! the top; navigation, promotion and subscription lines by phrase; runs of short title-like lines
//! (menus, tag lists, related-link lists) wherever they are; everything after a heading that starts
//! the page's tail (related links, app promotions, coverage widgets).

use crate::clean::{
    ends_like_sentence, is_boilerplate_line, is_date_only, is_tail_marker, normalize_space,
    strip_artifacts, word_count,
};
use crate::dates::{find_dates, plausible};
use crate::{Extracted, MAX_TEXT_CHARS, detect_lang};
use chrono::{DateTime, Utc};
use parallax_core::{DateFound, PublishedTime};
use regex::Regex;
use std::sync::LazyLock;

static DATE_HEADER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^(?:date|dated|published(?:\s+on)?|posted(?:\s+on)?|updated(?:\s+on)?|dateline)\s*[:\-–]?\s*(.*)$")
        .expect("static regex")
});
static BULLET: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(?:[-–—•*·▪►]|\d{1,2}[.)])\s+").expect("static regex"));
static BYLINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^(?i:by)\s+(\p{Lu}[\p{L}.'’\-]*(?:\s+(?:\p{Lu}[\p{L}.'’\-]*|and|de|van|von|al|bin))*)$",
    )
    .expect("static regex")
});

#[derive(Clone, Debug)]
struct Line {
    text: String,
    /// Index of the block (blank-line separated group) it belongs to.
    bullet: bool,
}

impl Line {
    fn words(&self) -> usize {
        word_count(&self.text)
    }
    fn sentence_like(&self) -> bool {
        ends_like_sentence(&self.text)
    }
    /// Looks like a headline, menu item or link title: no final punctuation, not long.
    fn title_like(&self) -> bool {
        !self.sentence_like() && self.words() <= 20
    }
    /// Clearly article text.
    fn body_like(&self) -> bool {
        (self.sentence_like() && self.words() >= 8) || self.words() >= 25
    }
}

/// Shortens a sentence to a headline-length title at a word boundary.
pub(crate) fn shorten_title(s: &str) -> String {
    let s = normalize_space(s);
    if s.chars().count() <= 120 {
        return s;
    }
    let mut out = String::new();
    for w in s.split_whitespace() {
        if out.chars().count() + w.chars().count() + 1 > 110 {
            break;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(w);
    }
    let out = out.trim_end_matches([',', ';', ':', '-', '–', '—', ' ']);
    format!("{out}…")
}

fn first_sentence_title(paragraphs: &[String]) -> String {
    let Some(first) = paragraphs.first() else {
        return String::new();
    };
    let sentences = parallax_text::sentences(first);
    let mut title = String::new();
    for s in sentences {
        if !title.is_empty() {
            title.push(' ');
        }
        title.push_str(&s);
        if word_count(&title) >= 6 {
            break;
        }
    }
    let mut title = shorten_title(&title);
    // An opening quotation mark whose quote goes on past the cut is dropped.
    let quotes = title.matches(['"', '“', '”']).count();
    if quotes % 2 == 1
        && let Some(rest) = title.strip_prefix(['"', '“'])
    {
        title = rest.to_string();
    }
    title
}

struct DateLine {
    at: DateTime<Utc>,
    conflict: Option<String>,
    rest: String,
}

/// Parses a `date ...` header line: the first date is the publication date; other dates on the
/// line that disagree with it are a conflict; text after the dates is article text.
fn parse_date_line(line: &str, now: DateTime<Utc>) -> Option<DateLine> {
    let caps = DATE_HEADER.captures(line)?;
    let rest = caps.get(1)?.as_str();
    let dates = find_dates(rest);
    let first = dates.first()?;
    if first.start > 12 {
        return None;
    }
    // The date part: leading dates and date words; what follows is text.
    let mut end = first.end;
    let mut others = Vec::new();
    for d in dates.iter().skip(1) {
        let between = &rest[end..d.start];
        if is_date_only(&format!("0{between}")) || between.trim().is_empty() {
            end = d.end;
            others.push(d.clone());
        } else {
            break;
        }
    }
    let tail = rest[end..].trim();
    let tail = tail
        .trim_start_matches(|c: char| c.is_ascii_punctuation() && c != '"' && c != '\'' && c != '(')
        .trim();
    let text = if is_date_only(&format!("0 {tail}")) || tail.is_empty() {
        String::new()
    } else {
        tail.to_string()
    };
    if !plausible(first.at, now) {
        return None;
    }
    let conflict = others
        .iter()
        .find(|d| (d.at - first.at).num_days().abs() > 1)
        .map(|d| rest[d.start..d.end].trim().to_string());
    Some(DateLine {
        at: first.at,
        conflict,
        rest: text,
    })
}

/// Splits the input into cleaned lines, `None` standing for a blank line.
fn lines_of(text: &str) -> Vec<Option<Line>> {
    let mut out: Vec<Option<Line>> = Vec::new();
    for raw in text.lines() {
        let t = strip_artifacts(raw);
        if t.is_empty() || !t.chars().any(char::is_alphanumeric) {
            out.push(None);
            continue;
        }
        let (t, bullet) = match BULLET.find(&t) {
            Some(m) if m.end() < t.len() => (t[m.end()..].trim().to_string(), true),
            _ => (t, false),
        };
        // A hard-wrapped paragraph: join a line that does not end a sentence with a following
        // line that starts in lower case.
        if let Some(Some(prev)) = out.last_mut()
            && !bullet
            && !prev.sentence_like()
            && prev.text.chars().count() >= 40
            && t.chars().next().is_some_and(char::is_lowercase)
        {
            prev.text.push(' ');
            prev.text.push_str(&t);
            continue;
        }
        out.push(Some(Line { text: t, bullet }));
    }
    out
}

/// Clean article text from a plain-text page; see [`crate::extract_text`].
pub fn extract(text: &str) -> Extracted {
    let now = Utc::now();
    let mut warnings = Vec::new();
    let mut text = text.trim_start_matches('\u{FEFF}');
    let total_chars = text.chars().count();
    if total_chars > MAX_TEXT_CHARS {
        let cut = text
            .char_indices()
            .nth(MAX_TEXT_CHARS)
            .map_or(text.len(), |(i, _)| i);
        text = &text[..cut];
        warnings.push(format!(
            "text is {} million characters; only the first {} million were read",
            total_chars / 1_000_000,
            MAX_TEXT_CHARS / 1_000_000
        ));
    }
    let controls = text
        .chars()
        .filter(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
        .count();
    let owned;
    if controls > 0 {
        if controls * 20 > total_chars.max(1) {
            warnings.push(
                "the text looks like binary data: its control characters were removed".into(),
            );
        }
        owned = text
            .chars()
            .filter(|c| !c.is_control() || matches!(c, '\n' | '\r' | '\t'))
            .collect::<String>();
        text = &owned;
    }

    let mut lines = lines_of(text);

    // 1. A date header line among the first lines.
    let mut published: Option<PublishedTime> = None;
    let first_idx: Vec<usize> = lines
        .iter()
        .enumerate()
        .filter(|(_, l)| l.is_some())
        .map(|(i, _)| i)
        .take(3)
        .collect();
    for i in first_idx {
        let Some(line) = lines[i].clone() else {
            continue;
        };
        if let Some(dl) = parse_date_line(&line.text, now) {
            let day = dl.at.format("%Y-%m-%d");
            let confidence = if let Some(other) = &dl.conflict {
                warnings.push(format!(
                    "the date line gives {day} but also \"{other}\"; took {day} with low confidence"
                ));
                0.3
            } else {
                0.7
            };
            published = Some(PublishedTime {
                at: dl.at,
                found: DateFound::Text,
                confidence,
            });
            lines[i] = if dl.rest.is_empty() {
                None
            } else {
                Some(Line {
                    text: dl.rest,
                    bullet: false,
                })
            };
            break;
        }
    }

    // 2. Date-only lines carry no text; the first with a full date can date an undated page.
    for l in lines.iter_mut() {
        if let Some(line) = l
            && is_date_only(&line.text)
        {
            if published.is_none()
                && let Some(f) = find_dates(&line.text).into_iter().next()
                && plausible(f.at, now)
            {
                published = Some(PublishedTime {
                    at: f.at,
                    found: DateFound::Text,
                    confidence: 0.5,
                });
            }
            *l = None;
        }
    }

    // 3. Where the article starts, and a headline before it.
    let body_start = lines
        .iter()
        .position(|l| l.as_ref().is_some_and(Line::body_like))
        .unwrap_or(lines.len());
    let mut title = String::new();
    let mut byline = None;
    for l in lines.iter_mut().take(body_start) {
        let Some(line) = l else { continue };
        if let Some(c) = BYLINE.captures(&line.text)
            && byline.is_none()
            && line.words() <= 8
        {
            byline = c.get(1).map(|m| m.as_str().to_string());
            *l = None;
            continue;
        }
        let t = &line.text;
        let headline = title.is_empty()
            && !line.bullet
            && (4..=30).contains(&line.words())
            && !t.trim_end().ends_with('.')
            && !is_boilerplate_line(t)
            && !is_tail_marker(t);
        if headline {
            title = shorten_title(t);
            *l = None;
        } else if !line.body_like() && (line.title_like() || line.words() < 4) {
            // Furniture before the article: logos, sections, image captions, source names.
            *l = None;
        }
    }

    // 4. The tail: everything from a heading that starts related links or promotions.
    let mut seen_body = false;
    let mut cut = lines.len();
    for (i, l) in lines.iter().enumerate() {
        let Some(line) = l else { continue };
        if seen_body && is_tail_marker(&line.text) {
            cut = i;
            break;
        }
        if line.body_like() || line.sentence_like() {
            seen_body = true;
        }
    }
    let excerpts = tail_excerpts(&lines[cut..]);
    lines.truncate(cut);

    // 5. Furniture lines anywhere, and runs of title-like lines (menus, link lists).
    let mut keep: Vec<Option<Line>> = Vec::with_capacity(lines.len());
    let non_blank: Vec<(usize, Line)> = lines
        .iter()
        .enumerate()
        .filter_map(|(i, l)| l.clone().map(|l| (i, l)))
        .collect();
    let mut drop = vec![false; non_blank.len()];
    let mut i = 0;
    while i < non_blank.len() {
        let mut j = i;
        while j < non_blank.len() && non_blank[j].1.title_like() {
            j += 1;
        }
        if j - i >= 3 {
            drop[i..j].iter_mut().for_each(|d| *d = true);
        }
        i = j.max(i + 1);
    }
    for (k, (_, line)) in non_blank.into_iter().enumerate() {
        let furniture = drop[k]
            || is_boilerplate_line(&line.text)
            || (line.words() < 4 && !line.sentence_like());
        keep.push(if furniture { None } else { Some(line) });
    }
    let paragraphs: Vec<String> = keep
        .into_iter()
        .flatten()
        .map(|l| normalize_space(&l.text))
        .filter(|p| !p.is_empty())
        .collect();

    if paragraphs.is_empty() {
        warnings.push("no main text found".to_string());
    }
    if title.is_empty() {
        title = first_sentence_title(&paragraphs);
        if title.is_empty() {
            warnings.push("no title found".to_string());
        } else {
            warnings.push("no headline line; the title is the article's first sentence".into());
        }
    }

    // 6. Dates in the text against the stated date; or the first date in the text when none.
    let body_dates: Vec<DateTime<Utc>> = paragraphs
        .iter()
        .flat_map(|p| find_dates(p))
        .map(|f| f.at)
        .filter(|at| plausible(*at, now))
        .collect();
    if let Some(p) = published.as_mut() {
        if let Some(later) = body_dates
            .iter()
            .filter(|d| (**d - p.at).num_days() > 2)
            .max()
        {
            warnings.push(format!(
                "publication date line contradicts dates in the text: it says {} but the text mentions {}",
                p.at.format("%Y-%m-%d"),
                later.format("%Y-%m-%d")
            ));
            p.confidence = (p.confidence * 0.5).min(0.3);
        }
    } else if let Some(first) = paragraphs
        .iter()
        .take(3)
        .flat_map(|p| find_dates(p))
        .map(|f| f.at)
        .find(|at| plausible(*at, now))
    {
        published = Some(PublishedTime {
            at: first,
            found: DateFound::Text,
            confidence: 0.3,
        });
    }

    let language = detect_lang(&paragraphs);
    Extracted {
        title,
        byline,
        published,
        canonical_url: None,
        site_name: None,
        language,
        paragraphs,
        warnings,
        excerpts,
        section: None,
    }
}

/// Excerpts quoted on a page at most.
const MAX_EXCERPTS: usize = 50;
/// Fewest words of a quoted lead: shorter lines under a heading are slogans and promotions.
const MIN_EXCERPT_WORDS: usize = 15;
/// Tail headings that start promotions, prompts or comments rather than a list of articles.
static PROMOTION_MARKER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)\b(?:app|apps|store|play|subscribe|subscription|newsletters?|comments?|reply|conversation|experience|premium|download|sign\s+up)\b",
    )
    .expect("static regex")
});

/// Other articles quoted in a page's tail: a headline-like line followed by a paragraph of
/// sentences (an aggregator's list of coverage, related articles with their leads). The quoted
/// text keeps its complete sentences only: a snippet cut off mid-sentence ("… Afte…") loses its
/// last, unfinished sentence.
fn tail_excerpts(tail: &[Option<Line>]) -> Vec<parallax_core::Excerpt> {
    let lines: Vec<&Line> = tail.iter().flatten().collect();
    let mut out: Vec<parallax_core::Excerpt> = Vec::new();
    // Only the parts of the tail that list articles ("Related coverage", "160 Articles"), not
    // app promotions, subscription prompts or comments.
    let mut listing = false;
    let mut i = 0;
    while i + 1 < lines.len() && out.len() < MAX_EXCERPTS {
        let (head, next) = (lines[i], lines[i + 1]);
        if is_tail_marker(&head.text) {
            listing = !PROMOTION_MARKER.is_match(&head.text);
            i += 1;
            continue;
        }
        if !listing {
            i += 1;
            continue;
        }
        let headline = !head.bullet
            && (4..=30).contains(&head.words())
            && !head.sentence_like()
            && !is_boilerplate_line(&head.text)
            && !is_tail_marker(&head.text);
        if !(headline && next.body_like() && !next.bullet && next.words() >= MIN_EXCERPT_WORDS) {
            i += 1;
            continue;
        }
        let text = complete_sentences(&strip_artifacts(&next.text));
        if word_count(&text) >= 8 && !out.iter().any(|e| e.text == text) {
            out.push(parallax_core::Excerpt {
                title: normalize_space(&head.text),
                text,
            });
        }
        i += 2;
    }
    out
}

/// The text without a final sentence that was cut off ("…", "...", or no final stop).
fn complete_sentences(text: &str) -> String {
    let sentences = parallax_text::sentences(text);
    let mut keep: Vec<&str> = sentences.iter().map(|s| s.trim()).collect();
    if let Some(last) = keep.last() {
        let cut = last.ends_with('…') || last.ends_with("...") || !ends_like_sentence(last);
        if cut {
            keep.pop();
        }
    }
    normalize_space(&keep.join(" "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn date_only_lines() {
        assert!(is_date_only("2025-07-22 04:38:47"));
        assert!(is_date_only("Thursday, July 3"));
        assert!(is_date_only("Tuesday, 02 January 2024 12:17 GMT"));
        assert!(!is_date_only("Thursday, July 3: Putin calls Trump"));
        assert!(!is_date_only("Ukraine"));
    }

    #[test]
    fn date_line_conflict() {
        let now = Utc::now();
        let d = parse_date_line("date 2025-07-22 Tuesday, 02 January 2024 12:17 GMT", now);
        let d = d.expect("a date line");
        assert_eq!(d.at.format("%Y-%m-%d").to_string(), "2025-07-22");
        assert!(d.conflict.is_some());
        assert!(d.rest.is_empty());
        let d = parse_date_line("date 2025-07-03 Russian President said hello.", now);
        let d = d.expect("a date line");
        assert!(d.conflict.is_none());
        assert_eq!(d.rest, "Russian President said hello.");
    }

    /// A page written for this test: an article, then an aggregator's list of coverage (titles
    /// with leads, the last lead cut off), then an app promotion whose slogan pairs look alike.
    const AGGREGATOR_PAGE: &str = "Harbour reopens after storm damage\n\n\
        The port authority said the northern harbour reopened on Tuesday after three days of repairs to the storm-damaged quay.\n\n\
        Crews worked through the night to clear debris from the entrance channel, the authority said.\n\n\
        24 Articles\n\n\
        Storm-hit harbour back in business as ferries return\n\n\
        Ferries returned to the northern harbour on Tuesday morning after crews repaired the quay. The first crossing left at seven with a full load of lorries and passengers.\n\n\
        Harbour repairs took four days, union says\n\n\
        Dock workers said repairs to the storm-damaged quay took four days, not three, and that the night shifts were unpaid. The port authority has not commented on the claim. The union said it would raise the matter at the next meeting with the board and\u{2026}\n\n\
        Weather\n\n\
        Get the full experience in the app\n\n\
        Every harbour, every ferry, every day\n\n\
        Live departures from three hundred ports in forty countries, with alerts for delays and weather warnings.\n";

    #[test]
    fn quoted_articles_in_a_coverage_list_are_excerpts_not_text() {
        let ex = extract(AGGREGATOR_PAGE);
        assert_eq!(ex.title, "Harbour reopens after storm damage");
        let body = ex.paragraphs.join("\n");
        assert!(body.contains("reopened on Tuesday"), "{body}");
        assert!(!body.contains("Ferries returned"), "{body}");
        assert!(!body.contains("Live departures"), "{body}");
        assert_eq!(ex.excerpts.len(), 2, "{:?}", ex.excerpts);
        assert_eq!(
            ex.excerpts[0].title,
            "Storm-hit harbour back in business as ferries return"
        );
        assert!(ex.excerpts[0].text.ends_with("lorries and passengers."));
        // The lead cut off mid-sentence loses its unfinished sentence, and only that.
        let second = &ex.excerpts[1].text;
        assert!(second.starts_with("Dock workers said repairs"), "{second}");
        assert!(
            second.ends_with("has not commented on the claim."),
            "{second}"
        );
        // The promotion's slogan and blurb after an app heading are not an excerpt.
        assert!(
            ex.excerpts
                .iter()
                .all(|e| !e.text.contains("Live departures"))
        );
    }

    #[test]
    fn a_page_without_a_coverage_list_has_no_excerpts() {
        let ex = extract(
            "A headline for the test page\n\nThe first paragraph says something complete about the event today.\n\nRelated\n\nSome other story title here\n\nAnother story title over there\n",
        );
        assert!(ex.excerpts.is_empty(), "{:?}", ex.excerpts);
    }

    #[test]
    fn title_shortening() {
        let long = "Russian President Vladimir Putin and President Donald Trump held a telephone conversation on Thursday and discussed the settlement of the conflict.";
        let t = shorten_title(long);
        assert!(t.chars().count() <= 112, "{t}");
        assert!(t.ends_with('…'));
    }
}
