//! Full-text search across stories: the question ([`SearchQuery`]) and the answer, grouped by
//! story ([`SearchResults`]), with the matched words marked in plain-text fragments
//! ([`Highlighted`]) so that every presentation escapes the text and marks only the matches.

use crate::{ArticleId, SourceId, StoryId};
use chrono::{DateTime, Utc};
use serde::Serialize;

/// Matching articles shown per story at most; the story says how many matched in all.
pub const SEARCH_ARTICLES_PER_STORY: usize = 5;

/// A search: plain words (never query syntax) and filters, and the page of stories wanted.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SearchQuery {
    /// The words, all of which an article must hold (title or text).
    pub text: String,
    /// Only articles of outlets of this country (ISO 3166-1 alpha-2, any case).
    pub country: Option<String>,
    /// Only articles in this language (ISO 639-1, any case).
    pub language: Option<String>,
    /// Only articles of this outlet.
    pub source: Option<SourceId>,
    /// Only articles published (or, undated, fetched) at this time or later.
    pub since: Option<DateTime<Utc>>,
    /// Only articles published (or, undated, fetched) before this time.
    pub until: Option<DateTime<Utc>>,
    /// Stories per page.
    pub limit: usize,
    /// Stories skipped.
    pub offset: usize,
}

/// A text cut into fragments, the matched words marked. Joined, the fragments give the text (or,
/// for a snippet, the part of it shown, with "…" where it was cut).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct Highlighted {
    /// The fragments, in order.
    pub parts: Vec<Fragment>,
}

/// A piece of a [`Highlighted`] text.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Fragment {
    /// The text, plain (never markup).
    pub text: String,
    /// Whether it is a match.
    pub mark: bool,
}

/// Serialized transparently (`#[serde(transparent)]`): an array of [`Fragment`]s, which utoipa's
/// derive does not know, so the schema is written here.
impl utoipa::PartialSchema for Highlighted {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::schema::ArrayBuilder::new()
            .items(utoipa::openapi::Ref::from_schema_name("Fragment"))
            .description(Some(
                "A text cut into fragments, the matched words marked: joined, the fragments give \
                 the text (or the part of it shown).",
            ))
            .into()
    }
}

impl utoipa::ToSchema for Highlighted {
    fn schemas(
        schemas: &mut Vec<(
            String,
            utoipa::openapi::RefOr<utoipa::openapi::schema::Schema>,
        )>,
    ) {
        schemas.push((
            "Fragment".to_string(),
            <Fragment as utoipa::PartialSchema>::schema(),
        ));
    }
}

impl Highlighted {
    /// `text` with the given non-overlapping byte ranges marked (ranges out of order, overlapping
    /// or not on character boundaries are skipped).
    pub fn from_ranges(text: &str, ranges: &[(usize, usize)]) -> Self {
        let mut out = Highlighted::default();
        let mut at = 0;
        for &(start, end) in ranges {
            if start < at || end <= start || text.get(start..end).is_none() {
                continue;
            }
            out.push(&text[at..start], false);
            out.push(&text[start..end], true);
            at = end;
        }
        out.push(&text[at..], false);
        out
    }

    /// Appends a fragment, merged with the last one when both are marked alike.
    pub fn push(&mut self, text: &str, mark: bool) {
        if text.is_empty() {
            return;
        }
        match self.parts.last_mut() {
            Some(last) if last.mark == mark => last.text.push_str(text),
            _ => self.parts.push(Fragment {
                text: text.to_string(),
                mark,
            }),
        }
    }

    /// The text without marks.
    pub fn plain(&self) -> String {
        self.parts.iter().map(|p| p.text.as_str()).collect()
    }

    /// The marked fragments' texts.
    pub fn marked(&self) -> impl Iterator<Item = &str> {
        self.parts
            .iter()
            .filter(|p| p.mark)
            .map(|p| p.text.as_str())
    }
}

/// One page of search results, grouped by story.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct SearchResults {
    /// The stories of the page, best first.
    pub stories: Vec<StoryMatch>,
    /// Stories found among the matching articles read (see `more`).
    pub total: usize,
    /// More articles match than the store read: it ranks and counts the most recently stored
    /// matches only (a thousand, for SQLite), so `total` is a lower bound.
    pub more: bool,
}

/// A story with its matching articles.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct StoryMatch {
    /// Story id.
    pub id: StoryId,
    /// Headline.
    pub title: String,
    /// When the story last changed.
    pub last_updated: DateTime<Utc>,
    /// How many of its articles match.
    pub matching: usize,
    /// The best matching articles, at most [`SEARCH_ARTICLES_PER_STORY`], best first.
    pub articles: Vec<ArticleMatch>,
}

/// A matching article.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ArticleMatch {
    /// Article id.
    pub id: ArticleId,
    /// Its title, the matches marked.
    pub title: Highlighted,
    /// Its outlet.
    pub source: SourceId,
    /// Its language, when known.
    pub language: Option<String>,
    /// When it was published, when known.
    pub published: Option<DateTime<Utc>>,
    /// A passage of its text around the first match, the matches marked (its beginning when only
    /// the title matched).
    pub snippet: Highlighted,
}

/// Whether `c` belongs to a script written without spaces between words (Chinese, Japanese,
/// Korean, Thai, Lao, Khmer, Myanmar), which word tokenizers cannot split: queries holding one
/// are matched as substrings.
pub fn is_unspaced_script(c: char) -> bool {
    matches!(c,
        '\u{0E00}'..='\u{0EFF}'      // Thai, Lao
        | '\u{1000}'..='\u{109F}'    // Myanmar
        | '\u{1780}'..='\u{17FF}'    // Khmer
        | '\u{3040}'..='\u{30FF}'    // Hiragana, Katakana
        | '\u{31F0}'..='\u{31FF}'    // Katakana extensions
        | '\u{3400}'..='\u{4DBF}'    // CJK extension A
        | '\u{4E00}'..='\u{9FFF}'    // CJK unified ideographs
        | '\u{AC00}'..='\u{D7AF}'    // Hangul syllables
        | '\u{F900}'..='\u{FAFF}'    // CJK compatibility ideographs
        | '\u{FF66}'..='\u{FF9F}'    // half-width Katakana
        | '\u{20000}'..='\u{3134F}') // CJK extensions B–G
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_mark_exactly_their_text() {
        let h = Highlighted::from_ranges("北京下雨了", &[(0, 6)]);
        assert_eq!(h.plain(), "北京下雨了");
        assert_eq!(h.marked().collect::<Vec<_>>(), vec!["北京"]);
        // Not on a character boundary, or overlapping: skipped.
        let h = Highlighted::from_ranges("北京下雨了", &[(1, 4), (0, 3), (2, 6)]);
        assert_eq!(h.marked().collect::<Vec<_>>(), vec!["北"]);
        assert_eq!(h.plain(), "北京下雨了");
    }

    #[test]
    fn scripts_without_spaces() {
        assert!("東京".chars().all(is_unspaced_script));
        assert!("ひらがな".chars().all(is_unspaced_script));
        assert!(!"Москва".chars().any(is_unspaced_script));
        assert!(!"القاهرة".chars().any(is_unspaced_script));
    }
}
