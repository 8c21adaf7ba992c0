//! The claim ledger and the perspectives on real pages: the five seed pages in
//! `../shared/seeds` (one event, a July 2025 Putin–Trump call, as told by five outlets). Tests that
//! need the seeds skip, saying why, when they are absent.

use parallax_core::{Article, ArticleId, SourceId};
use parallax_intel::claims::{Claim, ClaimForm, ClaimKind, ledger, quote_is_verbatim};
use parallax_intel::wire;
use std::collections::HashSet;
use std::path::Path;

const SEEDS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/seeds");

/// A plain-text page as a crude article: the first line is the title, every longer line a
/// paragraph (as `parallax-analysis`'s seed test builds them), without the pages' leading
/// `date YYYY-MM-DD` marker (which extraction reads as the date).
fn crude_article(name: &str, text: &str) -> Article {
    let strip_date = |l: &str| -> String {
        let l = l.trim();
        match l.strip_prefix("date ") {
            Some(rest)
                if rest.len() >= 10
                    && rest[..10].chars().all(|c| c.is_ascii_digit() || c == '-') =>
            {
                rest[10..].trim().to_string()
            }
            _ => l.to_string(),
        }
    };
    let title = strip_date(text.lines().next().unwrap_or(""));
    let paragraphs = text
        .lines()
        .skip(1)
        .map(strip_date)
        .filter(|l| l.chars().count() > 60)
        .collect();
    Article {
        section: None,
        id: ArticleId::from_key(name),
        source: SourceId::from_key(name),
        url: None,
        canonical_url: None,
        title,
        byline: None,
        published: None,
        language: Some("en".to_string()),
        paragraphs,
        content_hash: parallax_core::content_hash(text),
        fetched_at: chrono::DateTime::UNIX_EPOCH,
        origin: name.to_string(),
        warnings: Vec::new(),
        excerpts: Vec::new(),
        attribution: Default::default(),
    }
}

/// The seed articles, their file names and their raw page texts.
fn seeds() -> Option<(Vec<Article>, Vec<String>, Vec<String>)> {
    let mut paths: Vec<_> = std::fs::read_dir(Path::new(SEEDS))
        .ok()?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    paths.sort();
    let mut articles = Vec::new();
    let mut names = Vec::new();
    let mut pages = Vec::new();
    for p in &paths {
        let text = std::fs::read_to_string(p).ok()?;
        let name = p.file_name()?.to_string_lossy().to_string();
        articles.push(crude_article(&name, &text));
        names.push(name);
        pages.push(text);
    }
    (articles.len() >= 5).then_some((articles, names, pages))
}

fn print(claims: &[Claim], articles: &[Article], names: &[String]) {
    let short = |id: &ArticleId| {
        let i = articles.iter().position(|a| &a.id == id).unwrap_or(99);
        names.get(i).map_or("?", |n| &n[..3]).to_string()
    };
    for c in claims {
        let srcs: Vec<String> = c.sources.iter().map(|s| short(&s.article)).collect();
        println!(
            "{:?} {:?} [{}] {} {:?} | {} {:?}",
            c.kind,
            c.form,
            c.independent_sources,
            srcs.join(","),
            c.slot,
            c.text,
            c.values
        );
        if let Some(q) = &c.quote_check {
            println!(
                "    quote: speaker {:?} verbatim {} also_in {:?} altered {:?}",
                q.speaker,
                q.verbatim,
                q.also_in.iter().map(short).collect::<Vec<_>>(),
                q.altered
                    .iter()
                    .map(|v| (short(&v.article), v.quote.clone(), v.speaker.clone()))
                    .collect::<Vec<_>>()
            );
        }
        if c.kind != ClaimKind::SingleSource {
            for s in &c.sources {
                println!("    - {} {:?}: {}", short(&s.article), s.value, s.sentence);
            }
        }
    }
}

#[test]
fn seeds_ledger() {
    let Some((articles, names, pages)) = seeds() else {
        println!("skipped: no seed pages in {SEEDS}");
        return;
    };
    let independence = wire::detect(&articles);
    let claims = ledger(&articles, &[], &independence);
    print(&claims, &articles, &names);
    println!(
        "{}",
        serde_json::to_string_pretty(&claims[..2]).unwrap_or_default()
    );
    let seed = |prefix: &str| {
        names
            .iter()
            .position(|n| n.starts_with(prefix))
            .expect("seed")
    };
    let id = |prefix: &str| articles[seed(prefix)].id.clone();

    // Every citation is an exact sentence of the article it cites.
    for c in &claims {
        for s in &c.sources {
            let a = articles
                .iter()
                .find(|a| a.id == s.article)
                .expect("cited article");
            assert!(a.full_text().contains(&s.sentence), "{s:?}");
        }
    }

    // The call's duration is disputed: "almost an hour" and its variants against "several minutes".
    let duration = claims
        .iter()
        .find(|c| c.slot.as_deref() == Some("duration of the conversation"))
        .expect("a claim on the call's duration");
    assert_eq!(duration.kind, ClaimKind::Disputed, "{duration:#?}");
    let hour = duration
        .sides
        .iter()
        .find(|s| s.values.iter().any(|v| v == "almost an hour"))
        .expect("the 'almost an hour' side");
    let minutes = duration
        .sides
        .iter()
        .find(|s| s.values.iter().any(|v| v == "several minutes"))
        .expect("the 'several minutes' side");
    assert!(
        hour.values.iter().any(|v| v == "nearly an hour"),
        "{hour:?}"
    );
    assert!(hour.independent_sources >= 3, "{hour:?}");
    for prefix in ["000", "001", "003", "004"] {
        assert!(
            hour.articles.contains(&id(prefix)),
            "{prefix} says about an hour"
        );
    }
    assert_eq!(minutes.articles, vec![id("002")]);
    for s in &duration.sources {
        let v = s.value.as_deref().expect("each source gives its value");
        assert!(s.sentence.contains(v), "{s:?}");
    }

    // "Sixth conversation" is agreed by at least three independent sources, across paraphrases.
    let sixth = claims
        .iter()
        .find(|c| c.kind == ClaimKind::Agreed && c.values.iter().any(|v| v == "sixth"))
        .expect("an agreed 'sixth' claim");
    assert_eq!(sixth.slot.as_deref(), Some("ordinal of the conversation"));
    assert!(sixth.independent_sources >= 3, "{sixth:#?}");
    let sixth_articles: HashSet<&ArticleId> = sixth.sources.iter().map(|s| &s.article).collect();
    assert!(sixth_articles.len() >= 3);
    for s in &sixth.sources {
        let lower = s.sentence.to_lowercase();
        assert!(lower.contains("sixth") || lower.contains("6th"), "{s:?}");
    }
    assert!(
        sixth.sources.iter().any(|s| s
            .sentence
            .contains("sixth time since the beginning of the year")),
        "'the sixth time ... spoken over the phone' aligns too"
    );

    // Ushakov's quoted words, checked word for word against the pages they come from.
    let ushakov: Vec<&Claim> = claims
        .iter()
        .filter(|c| c.form == ClaimForm::Quote)
        .filter(|c| c.speaker.as_deref().is_some_and(|s| s.contains("Ushakov")))
        .collect();
    assert!(ushakov.len() >= 3, "{ushakov:#?}");
    for q in &ushakov {
        let check = q.quote_check.as_ref().expect("quotes are checked");
        assert!(check.verbatim, "{q:#?}");
        for s in &q.sources {
            let page = &pages[articles.iter().position(|a| a.id == s.article).unwrap()];
            assert!(
                quote_is_verbatim(&q.text, page),
                "{:?} not in its page",
                q.text
            );
        }
    }
    let goals = ushakov
        .iter()
        .find(|q| {
            q.text
                .contains("And Russia will not back down from these goals")
        })
        .expect("Ushakov's quote on Russia's goals");
    assert_eq!(goals.sources[0].article, id("003"));
    // Another page words the same quote differently (a different translation): flagged.
    let altered = &goals.quote_check.as_ref().unwrap().altered;
    assert!(
        altered.iter().any(|v| v.article == id("004")),
        "{altered:#?}"
    );
    let frank = ushakov
        .iter()
        .find(|q| q.text.starts_with("frank, businesslike and concrete"))
        .expect("Ushakov's 'frank, businesslike and concrete'");
    assert_eq!(frank.sources[0].article, id("002"));
    // The same words as "business-like" in 001 are not word for word: flagged, not merged.
    let altered = &frank.quote_check.as_ref().unwrap().altered;
    assert!(
        altered
            .iter()
            .any(|v| v.article == id("001") && v.quote.contains("business-like"))
    );
    // A quote altered in its own page would fail: the check is real.
    assert!(!quote_is_verbatim(
        "Russia will never back down from these goals",
        &pages[seed("003")]
    ));
}
