//! Line- and paragraph-level cleaning shared by the HTML and plain-text paths: white space, markup
//! artifacts, and the boilerplate phrases that news pages wrap around an article.

use regex::Regex;
use std::sync::LazyLock;

/// Collapses every run of white space to one space and trims.
pub fn normalize_space(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for w in s.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(w);
    }
    out
}

static ARTIFACTS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:\]\]>|<!\[CDATA\[|//\s*\]\]>|<!--|-->)").expect("static regex")
});
static TAG: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?is)<(?:script|style)\b.*?(?:</(?:script|style)\s*>|$)|</?[a-z][a-z0-9]*(?:\s[^<>]*)?/?>")
        .expect("static regex")
});

/// Removes CDATA/comment leftovers, stray tags and edge pipes from a line of text.
pub fn strip_artifacts(s: &str) -> String {
    let s = ARTIFACTS.replace_all(s, " ");
    let s = if s.contains('<') {
        TAG.replace_all(&s, " ").into_owned()
    } else {
        s.into_owned()
    };
    let s = normalize_space(&s);
    s.trim_matches(|c: char| c == '|' || c.is_whitespace())
        .to_string()
}

/// Whole-line boilerplate: navigation, share buttons, promotions, subscription prompts, ratings
/// widgets. Matched only against short lines (see [`is_boilerplate_line`]).
static BOILERPLATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?ix)^(?:
          advertisement|advert|ad|sponsored(?:\s+content)?|promoted|
          share|share\s+this(?:\s+(?:article|story))?|share\s+on\s+\w+|tweet|print|email|e-mail|
          (?:leave\s+a\s+|\d+\s+)?comments?|skip\s+to\s+(?:main\s+)?content|
          (?:read|see|view|show|load)\s+(?:more|less|all|full\s+article|comments)\b.*|
          click\s+here\b.*|continue\s+reading\b.*|back\s+to\s+top|top\s+stories|
          (?:more|latest|top|related|recommended|trending|popular)\s+(?:news|stories|articles|links|coverage|videos|posts|reading|from\b.*)|
          related|recommended(?:\s+for\s+you)?|you\s+may\s+also\s+like|don.t\s+miss|most\s+(?:read|popular|viewed|shared)|
          follow\s+us\b.*|like\s+us\s+on\b.*|all\s+rights\s+reserved\.?|copyright\b.*|©.*|
          (?:privacy|cookie)\s+policy|terms\s+(?:of\s+(?:use|service)|and\s+conditions)|
          (?:sign|log)\s*(?:in|up|out)\b.*|register|create\s+(?:a\s+free\s+|an\s+)?account|
          already\s+a\s+subscriber\b.*|subscribe\b.*|.*\bnewsletters?\b.*|.*\bupgrade\s+to\s+premium\b.*|
          .*\b(?:app\s+store|google\s+play|get\s+the\s+app|download\s+(?:the|our)\s+app|in\s+the\s+app|our\s+app)\b.*|
          .*\b(?:logo|badge|main\s+image|featured\s+image|thumbnail|icon)|
          image|photo|video|watch|listen|audio|gallery|
          (?:image|photo|picture|video)\s*(?:credit|source)?\s*:.*|
          coverage\s+details|bias\s+distribution|factuality|.*\bfactuality\s+data\b.*|
          \d[\d,.]*\s*%\s+of\s+(?:the\s+)?sources\b.*|
          \d[\d,.]*\s+(?:articles|sources|stories|comments|shares|views|replies)|
          (?:reporting|editing|writing)\s+by\b.*|
          tags?\s*:.*|topics?\s*:.*|filed\s+under\b.*|categories?\s*:.*|
          previous(?:\s+(?:article|post|story))?|next(?:\s+(?:article|post|story))?|
          home|menu|search|close|open|toggle\s+navigation|navigation|overview
        )[\s.:!|»›>-]*$",
    )
    .expect("static regex")
});

/// Headings after which a page lists other articles, promotions or widgets, never the article.
static TAIL_MARKER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?ix)^(?:
          related(?:\s+(?:links|articles|stories|news|coverage|content|posts|reading|topics))?|
          (?:more|latest|top|recommended|trending|popular)\s+(?:news|stories|articles|links|coverage|videos|posts|reading|from\b.*)|
          you\s+(?:may|might)\s+also\s+(?:like|be\s+interested\s+in)|read\s+(?:more|also|next)|see\s+also|
          most\s+(?:read|popular|viewed|shared)|
          coverage\s+details|bias\s+distribution|
          \d[\d,.]*\s+(?:articles|sources|stories)|
          get\s+the\s+(?:full\s+experience|whole\s+story|app)\b.*|.*\b(?:in\s+(?:the|our)\s+app|app\s+store|google\s+play)\b.*|
          (?:\|\s*)?subscribe\b.*|.*\bnewsletters?\b.*|
          comments?|leave\s+a\s+(?:comment|reply)|join\s+the\s+conversation
        )[\s.:!|»›>-]*$",
    )
    .expect("static regex")
});

static DATE_WORDS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)\b(?:mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)(?:day|nesday|rsday|urday|sday)?\b|\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\b|\b(?:at|am|pm|a\.m|p\.m|gmt|utc|est|edt|cet|cest|bst|msk|ist|z|t|st|nd|rd|th|of|updated|published|posted)\b|[\d\s.,:/+\-–|()]+",
    )
    .expect("static regex")
});
/// A line is only a date and/or a time ("2025-07-22 04:38:47", "Thursday, July 3").
pub fn is_date_only(line: &str) -> bool {
    line.len() <= 80
        && line.chars().any(|c| c.is_ascii_digit())
        && DATE_WORDS.replace_all(line, "").trim().is_empty()
}

static CAPTION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^(?:image|photo|picture|slide)\s+\d+\s+of\s+\d+$|\((?:image|photo|picture)(?:\s+credit)?\s*:[^)]*\)$|\bcredits?\s*:\s*[^.]{0,80}$|^\[[^\]]{1,40}\]$")
        .expect("static regex")
});
static BYLINE_LINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?i:by|von|par|por|door|di)\s+\p{Lu}[^.!?]{0,80}$|^(?i:updated|published|posted)\b.{0,60}\d").expect("static regex")
});

/// Words in `s`.
pub fn word_count(s: &str) -> usize {
    s.split_whitespace().count()
}

/// Whether a (short) line is navigation, promotion or other page furniture.
pub fn is_boilerplate_line(s: &str) -> bool {
    word_count(s) <= 12 && BOILERPLATE.is_match(s.trim())
}

/// Whether a line announces the end of the article (related links, promotions, comments).
pub fn is_tail_marker(s: &str) -> bool {
    word_count(s) <= 10 && TAIL_MARKER.is_match(s.trim())
}

/// Whether the line ends like a sentence.
pub fn ends_like_sentence(s: &str) -> bool {
    let t = s.trim_end_matches(|c: char| {
        matches!(c, '"' | '\'' | '”' | '’' | '»' | ')' | ']' | '*') || c.is_whitespace()
    });
    t.ends_with(['.', '!', '?', '…', '。', '！', '？', ':', ';', '؟'])
}

/// Post-processing of extracted HTML paragraphs: artifacts stripped, furniture lines dropped,
/// exact repeats removed.
pub fn clean_paragraphs(paragraphs: Vec<String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::with_capacity(paragraphs.len());
    for p in paragraphs {
        let p = strip_artifacts(&p);
        if p.is_empty() || !p.chars().any(char::is_alphanumeric) {
            continue;
        }
        if is_boilerplate_line(&p) {
            continue;
        }
        // Dates, bylines ("By ... ", "Updated ... 5:27 am") and photo counters/credits.
        if is_date_only(&p) || BYLINE_LINE.is_match(&p) || CAPTION.is_match(&p) {
            continue;
        }
        if out.last() == Some(&p) {
            continue;
        }
        out.push(p);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn boilerplate_lines() {
        for l in [
            "Advertisement",
            "Share this article",
            "Subscribe Free To Our Daily Newsletters",
            "To view factuality data please Upgrade to Premium",
            "Apple App Store Badge",
            "Overview Logo",
            "160 Articles",
            "- 41% of the sources are Center",
            "Coverage Details",
        ] {
            let l = l.trim_start_matches("- ");
            assert!(is_boilerplate_line(l), "{l}");
        }
        for l in [
            "The Kremlin said that the call lasted almost an hour.",
            "Putin and Trump to speak by phone in their 6th conversation this year",
            "Share prices fell sharply after the announcement on Monday.",
        ] {
            assert!(!is_boilerplate_line(l), "{l}");
        }
    }

    #[test]
    fn artifacts() {
        assert_eq!(strip_artifacts("the stance.]]>"), "the stance.");
        assert_eq!(strip_artifacts("|Subscribe|"), "Subscribe");
        assert_eq!(strip_artifacts("a <b>bold</b> move"), "a bold move");
        assert_eq!(strip_artifacts("x <script>alert(1)</script> y"), "x y");
    }
}
