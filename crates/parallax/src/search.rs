//! `parallax search`: the stories whose articles match, as `/search` and `/api/search` show them
//! (the view is `parallax_views::search_view`), matches marked «like this» in the terminal.

use std::process::ExitCode;

use anyhow::{Result, bail};
use parallax_core::{Highlighted, SearchQuery, SourceId, Store, is_language_code};

use crate::cli::{Format, SearchArgs};

/// Runs `parallax search`.
pub(crate) fn search(store: &dyn Store, args: &SearchArgs) -> Result<ExitCode> {
    let country = match args.country.as_deref().map(str::trim) {
        Some(c) if parallax_views::is_country_code(c) => Some(c.to_ascii_uppercase()),
        Some(c) => bail!("--country {c}: not a two-letter country code such as US"),
        None => None,
    };
    let language = match args.lang.as_deref().map(str::trim) {
        Some(l) if is_language_code(l) => Some(l.to_ascii_lowercase()),
        Some(l) => bail!("--lang {l}: not a language code such as en"),
        None => None,
    };
    let date = |d: &Option<String>, until: bool, flag: &str| {
        d.as_deref()
            .map(|d| {
                parallax_views::search_date(d, until).map_err(|e| anyhow::anyhow!("{flag}: {e}"))
            })
            .transpose()
    };
    let query = SearchQuery {
        text: args.query.join(" "),
        country,
        language,
        source: args
            .source
            .as_deref()
            .map(|s| SourceId(s.trim().to_string())),
        since: date(&args.since, false, "--since")?,
        until: date(&args.until, true, "--until")?,
        limit: args.limit,
        offset: 0,
    };
    let view = parallax_views::search_view(store, &query)?;
    match args.format {
        Format::Json => println!("{}", serde_json::to_string_pretty(&view)?),
        Format::Table => {
            if view.stories.is_empty() {
                println!("No story matches.");
            }
            for (i, s) in view.stories.iter().enumerate() {
                println!(
                    "{}. {}  [{}]\n   {} matching article{} · updated {}",
                    i + 1,
                    s.title,
                    s.id,
                    s.matching,
                    if s.matching == 1 { "" } else { "s" },
                    s.last_updated.format("%Y-%m-%d %H:%M UTC"),
                );
                for a in &s.articles {
                    let when = a.published.map_or_else(
                        || "undated".to_string(),
                        |t| t.format("%Y-%m-%d").to_string(),
                    );
                    let language = a.language.as_deref().unwrap_or("?");
                    println!(
                        "   - {} ({}, {language}, {when})\n     {}",
                        terminal(&a.title),
                        a.source_name,
                        terminal(&a.snippet)
                    );
                }
            }
            if view.total > view.stories.len() {
                println!(
                    "\n{} of {} stories shown (--limit).",
                    view.stories.len(),
                    view.total
                );
            }
            if view.more {
                println!(
                    "Only the most recently stored matching articles were ranked; narrow the search (--since, --until, --country, --lang, --source) to reach older ones."
                );
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// A highlighted text for the terminal: matches between « », on one line.
fn terminal(h: &Highlighted) -> String {
    let mut out = String::new();
    for p in &h.parts {
        let text = p.text.split_whitespace().collect::<Vec<_>>().join(" ");
        let text = if p.text.starts_with(char::is_whitespace) && !out.is_empty() {
            format!(" {text}")
        } else {
            text
        };
        let text = if p.text.ends_with(char::is_whitespace) && !text.is_empty() {
            format!("{text} ")
        } else {
            text
        };
        if p.mark {
            out.push_str(&format!("«{text}»"));
        } else {
            out.push_str(&text);
        }
    }
    out.trim().to_string()
}
