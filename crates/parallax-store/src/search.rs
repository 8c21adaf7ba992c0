//! [`ArticleStore::search_stories`](parallax_core::ArticleStore::search_stories): full-text search grouped by
//! story, with the matches marked.
//!
//! Matching: a query in a script written with spaces goes to `articles_fts` (unicode61: whole
//! words, case and accents folded); one holding Chinese, Japanese or another script written without
//! spaces goes to `articles_trigram` (substrings: the whole texts of articles in such scripts,
//! the titles and first paragraphs of the others, as whole bodies of every article cost about a
//! fifth more import time) when every word has at least three characters, the trigram index's
//! smallest unit, and to `LIKE` on titles when a word is shorter.
//!
//! Snippets: both indexes are contentless (the text lives once, in `articles`), so FTS5's
//! `snippet()` cannot read them. For the few articles shown, their title and text are put in a
//! scratch FTS5 table of the connection's `temp` schema (same tokenizer as the index that
//! matched, never in the file) and `highlight()` / `snippet()` run there, so the marked words are
//! exactly those the index matched, folded the same way. The marks are private-use characters
//! (removed from the text first) turned into [`Highlighted`] fragments: plain text, never markup.

use crate::codec::{fmt_time, from_json, parse_time};
use crate::{backend, exec, fts_query, query_vec, text};
use parallax_core::{
    ArticleId, ArticleMatch, Highlighted, Result, SEARCH_ARTICLES_PER_STORY, SearchQuery,
    SearchResults, SourceId, StoryId, StoryMatch, is_unspaced_script,
};
use rusqlite::Connection;
use rusqlite::types::ToSql;
use std::collections::HashMap;

/// Matching articles read at most per search, most recently stored first: stories are ranked,
/// grouped and counted among these ([`SearchResults::more`] says when more match).
pub(crate) const SCAN_LIMIT: usize = 1000;
/// Tokens of a snippet (for the trigram tokenizer, characters).
const SNIPPET_TOKENS: usize = 24;
/// Characters of a snippet of a title-only (`LIKE`) match.
const LIKE_SNIPPET_CHARS: usize = 120;
/// The marks `highlight()` and `snippet()` put around matches (private-use characters).
const MARK_START: char = '\u{E000}';
const MARK_END: char = '\u{E001}';

/// How a query is matched.
enum Matcher {
    /// An FTS5 query on `articles_fts`.
    Words(String),
    /// An FTS5 query on `articles_trigram`.
    Trigram(String),
    /// Substrings of the title, each of them.
    TitleLike(Vec<String>),
}

impl Matcher {
    fn new(text: &str) -> Option<Matcher> {
        if !text.chars().any(is_unspaced_script) {
            return fts_query(text).map(Matcher::Words);
        }
        let words: Vec<String> = text
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .map(str::to_string)
            .collect();
        if words.is_empty() {
            None
        } else if words.iter().all(|w| w.chars().count() >= 3) {
            fts_query(&words.join(" ")).map(Matcher::Trigram)
        } else {
            Some(Matcher::TitleLike(words))
        }
    }

    /// The scratch table of the snippets and its tokenizer; `None` for `LIKE`.
    fn scratch(&self) -> Option<(&'static str, &'static str, &str)> {
        match self {
            Matcher::Words(q) => Some(("search_words", "unicode61 remove_diacritics 2", q)),
            Matcher::Trigram(q) => Some(("search_trigram", "trigram", q)),
            Matcher::TitleLike(_) => None,
        }
    }
}

/// A story among the matches, while grouping.
struct Group {
    id: String,
    /// The time (published, else fetched) of its newest matching article.
    newest: String,
    best: f64,
    seqs: Vec<i64>,
    matching: usize,
}

pub(crate) fn search_stories(conn: &Connection, q: &SearchQuery) -> Result<SearchResults> {
    let Some(matcher) = Matcher::new(&q.text) else {
        return Ok(SearchResults::default());
    };
    let (mut groups, more) = matching_stories(conn, &matcher, q)?;
    let total = groups.len();
    groups.sort_by(|a, b| {
        a.best
            .total_cmp(&b.best)
            .then_with(|| b.newest.cmp(&a.newest))
            .then_with(|| a.id.cmp(&b.id))
    });
    let page: Vec<Group> = groups.into_iter().skip(q.offset).take(q.limit).collect();
    let seqs: Vec<i64> = page.iter().flat_map(|g| g.seqs.iter().copied()).collect();
    let mut articles = shown_articles(conn, &matcher, &seqs)?;
    let mut stories = Vec::with_capacity(page.len());
    for g in page {
        // The story's title and last change, for the page's stories only.
        let Some((title, last_updated)) = crate::query_opt(
            conn,
            "SELECT title, last_updated FROM stories WHERE id = ?1",
            &[&g.id],
            |r| Ok((text(r, 0)?, text(r, 1)?)),
        )?
        else {
            continue;
        };
        stories.push(StoryMatch {
            id: StoryId(g.id),
            title,
            last_updated: parse_time(&last_updated, "stories.last_updated")?,
            matching: g.matching,
            articles: g.seqs.iter().filter_map(|s| articles.remove(s)).collect(),
        });
    }
    Ok(SearchResults {
        stories,
        total,
        more,
    })
}

/// The stories of the [`SCAN_LIMIT`] most recently stored matching articles, each with its best
/// [`SEARCH_ARTICLES_PER_STORY`] articles (best first); and whether more articles match.
///
/// Recency first, then relevance: the index yields its matches newest first and stops at the
/// limit, so that only those are ranked and joined. Ranking every match of a common word first
/// (10,837 for "trump" at 100,000 articles) cost 8 ms in bm25 and 11 ms in joins per search.
fn matching_stories(conn: &Connection, m: &Matcher, q: &SearchQuery) -> Result<(Vec<Group>, bool)> {
    let mut params: Vec<String> = Vec::new();
    let mut filters = String::new();
    if let Some(c) = q
        .country
        .as_deref()
        .map(str::trim)
        .filter(|c| !c.is_empty())
    {
        filters.push_str(" AND a.source_id IN (SELECT id FROM sources WHERE upper(country) = ?)");
        params.push(c.to_uppercase());
    }
    if let Some(l) = q
        .language
        .as_deref()
        .map(str::trim)
        .filter(|l| !l.is_empty())
    {
        filters.push_str(" AND lower(a.language) = ?");
        params.push(l.to_lowercase());
    }
    if let Some(s) = &q.source {
        filters.push_str(" AND a.source_id = ?");
        params.push(s.0.clone());
    }
    if let Some(t) = &q.since {
        filters.push_str(" AND coalesce(a.published_at, a.fetched_at) >= ?");
        params.push(fmt_time(t));
    }
    if let Some(t) = &q.until {
        filters.push_str(" AND coalesce(a.published_at, a.fetched_at) < ?");
        params.push(fmt_time(t));
    }
    // The matching articles, newest first, one more than the limit (to know whether more match).
    let scan = SCAN_LIMIT + 1;
    let inner = match m {
        Matcher::Words(fts) | Matcher::Trigram(fts) => {
            let table = if matches!(m, Matcher::Words(_)) {
                "articles_fts"
            } else {
                "articles_trigram"
            };
            params.insert(0, fts.clone());
            if filters.is_empty() {
                format!(
                    "SELECT rowid AS seq, rank FROM {table} WHERE {table} MATCH ? \
                     ORDER BY rowid DESC LIMIT {scan}"
                )
            } else {
                format!(
                    "SELECT f.rowid AS seq, f.rank AS rank FROM {table} f \
                     JOIN articles a ON a.seq = f.rowid WHERE {table} MATCH ?{filters} \
                     ORDER BY f.rowid DESC LIMIT {scan}"
                )
            }
        }
        Matcher::TitleLike(words) => {
            let likes: Vec<&str> = words.iter().map(|_| "a.title LIKE ? ESCAPE '\\'").collect();
            for (i, w) in words.iter().enumerate() {
                params.insert(i, format!("%{}%", like_escape(w)));
            }
            format!(
                "SELECT a.seq AS seq, 0.0 AS rank FROM articles a WHERE {}{filters} \
                 ORDER BY a.seq DESC LIMIT {scan}",
                likes.join(" AND ")
            )
        }
    };
    let sql = format!(
        "SELECT m.seq, a.story_id, m.rank, coalesce(a.published_at, a.fetched_at) \
         FROM ({inner}) m JOIN articles a ON a.seq = m.seq WHERE a.story_id IS NOT NULL"
    );
    let values: Vec<&dyn ToSql> = params.iter().map(|p| p as &dyn ToSql).collect();
    let mut rows = query_vec(conn, &sql, &values, |r| {
        Ok((
            r.get::<_, i64>(0).map_err(backend)?,
            text(r, 1)?,
            r.get::<_, f64>(2).map_err(backend)?,
            text(r, 3)?,
        ))
    })?;
    let more = rows.len() > SCAN_LIMIT;
    rows.sort_by(|a, b| {
        a.2.total_cmp(&b.2)
            .then_with(|| b.3.cmp(&a.3))
            .then_with(|| b.0.cmp(&a.0))
    });
    rows.truncate(SCAN_LIMIT);
    let mut groups: Vec<Group> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    for (seq, story, rank, at) in rows {
        let i = *index.entry(story.clone()).or_insert_with(|| {
            groups.push(Group {
                id: story,
                newest: String::new(),
                best: rank,
                seqs: Vec::new(),
                matching: 0,
            });
            groups.len() - 1
        });
        let g = &mut groups[i];
        g.matching += 1;
        if at > g.newest {
            g.newest = at;
        }
        if g.seqs.len() < SEARCH_ARTICLES_PER_STORY {
            g.seqs.push(seq);
        }
    }
    Ok((groups, more))
}

/// `LIKE` pattern text matching `w` literally.
fn like_escape(w: &str) -> String {
    w.replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}

/// The articles shown, by seq, with their title and a snippet marked.
fn shown_articles(
    conn: &Connection,
    m: &Matcher,
    seqs: &[i64],
) -> Result<HashMap<i64, ArticleMatch>> {
    struct Shown {
        id: String,
        source: String,
        language: Option<String>,
        published: Option<String>,
        title: String,
        body: String,
    }
    let mut shown: Vec<(i64, Shown)> = Vec::with_capacity(seqs.len());
    for &seq in seqs {
        let rows = query_vec(
            conn,
            "SELECT id, source_id, language, published_at, title, paragraphs \
             FROM articles WHERE seq = ?1",
            &[&seq],
            |r| {
                let paragraphs: Vec<String> = from_json(&text(r, 5)?, "articles.paragraphs")?;
                Ok(Shown {
                    id: text(r, 0)?,
                    source: text(r, 1)?,
                    language: r.get(2).map_err(backend)?,
                    published: r.get(3).map_err(backend)?,
                    title: unmarked(&text(r, 4)?),
                    body: unmarked(&paragraphs.join("\n\n")),
                })
            },
        )?;
        shown.extend(rows.into_iter().map(|s| (seq, s)));
    }
    let mut marked: HashMap<i64, (Highlighted, Highlighted)> = HashMap::new();
    match m.scratch() {
        Some((table, tokenizer, fts)) => {
            conn.execute_batch(&format!(
                "CREATE VIRTUAL TABLE IF NOT EXISTS temp.{table} USING fts5 \
                 (title, body, tokenize = '{tokenizer}'); DELETE FROM temp.{table};"
            ))
            .map_err(backend)?;
            let words = query_words(fts);
            let mut cut: HashMap<i64, (bool, bool)> = HashMap::with_capacity(shown.len());
            for (seq, s) in &shown {
                let (start, end) = snippet_window(&s.body, &words);
                cut.insert(*seq, (start > 0, end < s.body.len()));
                exec(
                    conn,
                    &format!("INSERT INTO temp.{table} (rowid, title, body) VALUES (?1, ?2, ?3)"),
                    &[seq, &s.title, &&s.body[start..end]],
                )?;
            }
            let sql = format!(
                "SELECT rowid, highlight({table}, 0, ?2, ?3), \
                 snippet({table}, 1, ?2, ?3, '…', {SNIPPET_TOKENS}) \
                 FROM temp.{table} WHERE {table} MATCH ?1"
            );
            let (start, end) = (MARK_START.to_string(), MARK_END.to_string());
            for (seq, title, snippet) in query_vec(conn, &sql, &[&fts, &start, &end], |r| {
                Ok((
                    r.get::<_, i64>(0).map_err(backend)?,
                    text(r, 1)?,
                    text(r, 2)?,
                ))
            })? {
                let (cut_start, cut_end) = cut.get(&seq).copied().unwrap_or_default();
                let mut marked_snippet = Highlighted::default();
                if cut_start && !snippet.starts_with('…') {
                    marked_snippet.push("…", false);
                }
                for part in from_marks(&snippet).parts {
                    marked_snippet.push(&part.text, part.mark);
                }
                if cut_end && !snippet.ends_with('…') {
                    marked_snippet.push("…", false);
                }
                marked.insert(seq, (from_marks(&title), marked_snippet));
            }
            conn.execute_batch(&format!("DELETE FROM temp.{table};"))
                .map_err(backend)?;
        }
        None => {
            if let Matcher::TitleLike(words) = m {
                for (seq, s) in &shown {
                    let title = Highlighted::from_ranges(&s.title, &occurrences(&s.title, words));
                    marked.insert(*seq, (title, like_snippet(&s.body, words)));
                }
            }
        }
    }
    let mut out = HashMap::with_capacity(shown.len());
    for (seq, s) in shown {
        let (title, snippet) = marked.remove(&seq).unwrap_or_else(|| {
            (
                Highlighted::from_ranges(&s.title, &[]),
                like_snippet(&s.body, &[]),
            )
        });
        let published = s
            .published
            .as_deref()
            .map(|p| parse_time(p, "articles.published_at"))
            .transpose()?;
        out.insert(
            seq,
            ArticleMatch {
                id: ArticleId(s.id),
                title,
                source: SourceId(s.source),
                language: s.language,
                published,
                snippet,
            },
        );
    }
    Ok(out)
}

/// Characters of an article's text given to the scratch table: a window around the first place
/// a query word occurs. Tokenizing, indexing and cutting snippets from whole bodies was a third of
/// a search's time.
const SNIPPET_WINDOW_CHARS: usize = 1_500;

/// The query's words, lower case, from its FTS5 text (quoted words).
fn query_words(fts: &str) -> Vec<String> {
    fts.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// The byte range of `body` the snippet is cut from: [`SNIPPET_WINDOW_CHARS`] characters
/// starting a little before the first occurrence of one of `words` (any case), or the start of
/// the body when none occurs as written (the index also matches words whose accents differ:
/// their snippet may then show no mark).
fn snippet_window(body: &str, words: &[String]) -> (usize, usize) {
    let lower = body.to_lowercase();
    // Lower-casing keeps byte offsets for nearly every text; where it does not, the start.
    let first = if lower.len() == body.len() {
        words
            .iter()
            .filter_map(|w| lower.find(w.as_str()))
            .min()
            .filter(|i| body.is_char_boundary(*i))
            .unwrap_or(0)
    } else {
        0
    };
    char_window(body, first, SNIPPET_WINDOW_CHARS / 5, SNIPPET_WINDOW_CHARS)
}

/// The byte range of `len` characters of `text` starting `before` characters ahead of the byte
/// offset `at` (a character boundary), cut short by either end of the text.
fn char_window(text: &str, at: usize, before: usize, len: usize) -> (usize, usize) {
    let start = text[..at]
        .char_indices()
        .rev()
        .nth(before)
        .map_or(0, |(i, _)| i);
    let end = text[start..]
        .char_indices()
        .nth(len)
        .map_or(text.len(), |(i, _)| start + i);
    (start, end)
}

/// `text` without the characters used as marks.
fn unmarked(text: &str) -> String {
    text.replace([MARK_START, MARK_END], "")
}

/// The fragments of a text marked by `highlight()` / `snippet()`.
fn from_marks(marked: &str) -> Highlighted {
    let mut out = Highlighted::default();
    let mut mark = false;
    let mut piece = String::new();
    for c in marked.chars() {
        if c == MARK_START || c == MARK_END {
            out.push(&piece, mark);
            piece.clear();
            mark = c == MARK_START;
        } else {
            piece.push(c);
        }
    }
    out.push(&piece, mark);
    out
}

/// The byte ranges where any of `words` occurs in `text` (exactly), in order, not overlapping.
fn occurrences(text: &str, words: &[String]) -> Vec<(usize, usize)> {
    let mut found: Vec<(usize, usize)> = words
        .iter()
        .filter(|w| !w.is_empty())
        .flat_map(|w| {
            text.match_indices(w.as_str())
                .map(|(i, m)| (i, i + m.len()))
        })
        .collect();
    found.sort_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)));
    let mut out: Vec<(usize, usize)> = Vec::new();
    for r in found {
        if out.last().is_none_or(|last| r.0 >= last.1) {
            out.push(r);
        }
    }
    out
}

/// Up to [`LIKE_SNIPPET_CHARS`] characters of `body` around the first occurrence of a word (its
/// beginning when none occurs), the occurrences marked, "…" where it is cut.
fn like_snippet(body: &str, words: &[String]) -> Highlighted {
    let ranges = occurrences(body, words);
    let first = ranges.first().map_or(0, |r| r.0);
    let (start, end) = char_window(body, first, LIKE_SNIPPET_CHARS / 4, LIKE_SNIPPET_CHARS);
    let inside: Vec<(usize, usize)> = ranges
        .iter()
        .filter(|r| r.0 >= start && r.1 <= end)
        .map(|r| (r.0 - start, r.1 - start))
        .collect();
    let mut out = Highlighted::default();
    if start > 0 {
        out.push("…", false);
    }
    for part in Highlighted::from_ranges(&body[start..end], &inside).parts {
        out.push(&part.text, part.mark);
    }
    if end < body.len() {
        out.push("…", false);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snippets_are_cut_from_a_window_around_the_first_match() {
        let body = format!(
            "{} Zelensky met Trump. {}",
            "a ".repeat(2000),
            "b ".repeat(2000)
        );
        let words = query_words("\"trump\" \"zelensky\"");
        assert_eq!(words, ["trump", "zelensky"]);
        let (start, end) = snippet_window(&body, &words);
        assert!(start > 0 && end < body.len());
        assert!(body[start..end].contains("Zelensky met Trump"));
        assert_eq!(body[start..end].chars().count(), SNIPPET_WINDOW_CHARS);
        // No match as written: the start of the body.
        assert_eq!(snippet_window("short text", &words), (0, 10));
    }

    #[test]
    fn marks_become_fragments() {
        let h = from_marks("a \u{E000}b\u{E001} c \u{E000}d\u{E001}");
        assert_eq!(h.plain(), "a b c d");
        assert_eq!(h.marked().collect::<Vec<_>>(), vec!["b", "d"]);
    }

    #[test]
    fn like_snippets_cut_around_the_first_match() {
        let body = format!("{}北京下雨{}", "あ".repeat(200), "い".repeat(200));
        let h = like_snippet(&body, &["北京".to_string()]);
        assert_eq!(h.marked().collect::<Vec<_>>(), vec!["北京"]);
        assert!(h.plain().starts_with('…') && h.plain().ends_with('…'));
        assert!(h.plain().chars().count() <= LIKE_SNIPPET_CHARS + 2);
    }

    #[test]
    fn queries_pick_their_index() {
        assert!(matches!(Matcher::new("Москва"), Some(Matcher::Words(_))));
        assert!(matches!(Matcher::new("习近平"), Some(Matcher::Trigram(_))));
        assert!(matches!(Matcher::new("北京"), Some(Matcher::TitleLike(_))));
        assert!(Matcher::new("\" ( *").is_none());
    }
}
