//! [`Store::search_stories`](parallax_core::Store::search_stories): full-text search grouped by
//! story, with the matches marked.
//!
//! Matching: a query in a script written with spaces goes to `articles_fts` (unicode61: whole
//! words, case and accents folded); one holding Chinese, Japanese or another script written without
//! spaces goes to `articles_trigram` (substrings of titles and first paragraphs: whole bodies
//! cost about a fifth more import time) when every word has at least three characters, the
//! trigram index's smallest unit, and to `LIKE` on titles when a word is shorter.
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

/// Matching articles read at most per search: stories are grouped and counted among these.
const SCAN_LIMIT: usize = 2000;
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
    title: String,
    last_updated: String,
    best: f64,
    seqs: Vec<i64>,
    matching: usize,
}

pub(crate) fn search_stories(conn: &Connection, q: &SearchQuery) -> Result<SearchResults> {
    let Some(matcher) = Matcher::new(&q.text) else {
        return Ok(SearchResults::default());
    };
    let mut groups = matching_stories(conn, &matcher, q)?;
    let total = groups.len();
    groups.sort_by(|a, b| {
        a.best
            .total_cmp(&b.best)
            .then_with(|| b.last_updated.cmp(&a.last_updated))
            .then_with(|| a.id.cmp(&b.id))
    });
    let page: Vec<Group> = groups.into_iter().skip(q.offset).take(q.limit).collect();
    let seqs: Vec<i64> = page.iter().flat_map(|g| g.seqs.iter().copied()).collect();
    let mut articles = shown_articles(conn, &matcher, &seqs)?;
    let mut stories = Vec::with_capacity(page.len());
    for g in page {
        stories.push(StoryMatch {
            id: StoryId(g.id),
            title: g.title,
            last_updated: parse_time(&g.last_updated, "stories.last_updated")?,
            matching: g.matching,
            articles: g.seqs.iter().filter_map(|s| articles.remove(s)).collect(),
        });
    }
    Ok(SearchResults { stories, total })
}

/// The stories of the first [`SCAN_LIMIT`] matching articles (best first), in the order of their
/// best article, each with its best [`SEARCH_ARTICLES_PER_STORY`] articles.
fn matching_stories(conn: &Connection, m: &Matcher, q: &SearchQuery) -> Result<Vec<Group>> {
    let mut params: Vec<String> = Vec::new();
    let unfiltered = q.country.as_deref().is_none_or(|c| c.trim().is_empty())
        && q.language.as_deref().is_none_or(|l| l.trim().is_empty())
        && q.source.is_none()
        && q.since.is_none()
        && q.until.is_none();
    let (from, mut condition, rank) = match m {
        // Without filters, the best matches are picked in the index itself, before any join: a
        // common word matching ten thousand articles joined them all before (125-160 ms).
        Matcher::Words(fts) if unfiltered => {
            params.push(fts.clone());
            (
                format!(
                    "(SELECT rowid, rank FROM articles_fts WHERE articles_fts MATCH ? \
                      ORDER BY rank LIMIT {SCAN_LIMIT}) f JOIN articles a ON a.seq = f.rowid"
                ),
                "1".to_string(),
                "f.rank",
            )
        }
        Matcher::Words(fts) => {
            params.push(fts.clone());
            (
                "articles_fts f JOIN articles a ON a.seq = f.rowid".to_string(),
                "articles_fts MATCH ?".to_string(),
                "f.rank",
            )
        }
        Matcher::Trigram(fts) => {
            params.push(fts.clone());
            (
                "articles_trigram f JOIN articles a ON a.seq = f.rowid".to_string(),
                "articles_trigram MATCH ?".to_string(),
                "f.rank",
            )
        }
        Matcher::TitleLike(words) => {
            let likes: Vec<&str> = words.iter().map(|_| "a.title LIKE ? ESCAPE '\\'").collect();
            params.extend(words.iter().map(|w| format!("%{}%", like_escape(w))));
            ("articles a".to_string(), likes.join(" AND "), "0.0")
        }
    };
    if let Some(c) = q
        .country
        .as_deref()
        .map(str::trim)
        .filter(|c| !c.is_empty())
    {
        condition.push_str(" AND a.source_id IN (SELECT id FROM sources WHERE upper(country) = ?)");
        params.push(c.to_uppercase());
    }
    if let Some(l) = q
        .language
        .as_deref()
        .map(str::trim)
        .filter(|l| !l.is_empty())
    {
        condition.push_str(" AND lower(a.language) = ?");
        params.push(l.to_lowercase());
    }
    if let Some(s) = &q.source {
        condition.push_str(" AND a.source_id = ?");
        params.push(s.0.clone());
    }
    if let Some(t) = &q.since {
        condition.push_str(" AND coalesce(a.published_at, a.fetched_at) >= ?");
        params.push(fmt_time(t));
    }
    if let Some(t) = &q.until {
        condition.push_str(" AND coalesce(a.published_at, a.fetched_at) < ?");
        params.push(fmt_time(t));
    }
    let sql = format!(
        "SELECT a.seq, a.story_id, {rank}, st.title, st.last_updated \
         FROM {from} JOIN stories st ON st.id = a.story_id WHERE {condition} \
         ORDER BY {rank}, coalesce(a.published_at, a.fetched_at) DESC, a.seq DESC LIMIT {SCAN_LIMIT}"
    );
    let values: Vec<&dyn ToSql> = params.iter().map(|p| p as &dyn ToSql).collect();
    let rows = query_vec(conn, &sql, &values, |r| {
        Ok((
            r.get::<_, i64>(0).map_err(backend)?,
            text(r, 1)?,
            r.get::<_, f64>(2).map_err(backend)?,
            text(r, 3)?,
            text(r, 4)?,
        ))
    })?;
    let mut groups: Vec<Group> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    for (seq, story, rank, title, last_updated) in rows {
        let i = *index.entry(story.clone()).or_insert_with(|| {
            groups.push(Group {
                id: story,
                title,
                last_updated,
                best: rank,
                seqs: Vec::new(),
                matching: 0,
            });
            groups.len() - 1
        });
        let g = &mut groups[i];
        g.matching += 1;
        if g.seqs.len() < SEARCH_ARTICLES_PER_STORY {
            g.seqs.push(seq);
        }
    }
    Ok(groups)
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
            for (seq, s) in &shown {
                exec(
                    conn,
                    &format!("INSERT INTO temp.{table} (rowid, title, body) VALUES (?1, ?2, ?3)"),
                    &[seq, &s.title, &s.body],
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
                marked.insert(seq, (from_marks(&title), from_marks(&snippet)));
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
    let start = body[..first]
        .char_indices()
        .rev()
        .nth(LIKE_SNIPPET_CHARS / 4)
        .map_or(0, |(i, _)| i);
    let end = body[start..]
        .char_indices()
        .nth(LIKE_SNIPPET_CHARS)
        .map_or(body.len(), |(i, _)| start + i);
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
