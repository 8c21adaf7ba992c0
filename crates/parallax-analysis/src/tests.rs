use super::*;
use chrono::{DateTime, TimeZone, Utc};
use parallax_core::{
    CountryBasis, DateFound, OwnershipType, ProvidedRating, PublishedTime, Rating, RatingKind,
};

fn at(day: u32, hour: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2025, 7, day, hour, 0, 0).unwrap()
}

fn article(key: &str, source: &SourceId, title: &str, paragraphs: &[&str]) -> Article {
    Article {
        section: None,
        id: ArticleId::from_key(key),
        source: source.clone(),
        url: Some(format!("https://example.com/{key}")),
        canonical_url: None,
        title: title.to_string(),
        byline: None,
        published: None,
        language: Some("en".to_string()),
        paragraphs: paragraphs.iter().map(|p| p.to_string()).collect(),
        content_hash: parallax_core::content_hash(key),
        fetched_at: at(4, 0),
        origin: key.to_string(),
        warnings: Vec::new(),
        excerpts: Vec::new(),
        attribution: Default::default(),
    }
}

fn dated(mut a: Article, day: u32, hour: u32) -> Article {
    a.published = Some(PublishedTime {
        at: at(day, hour),
        found: DateFound::Meta,
        confidence: 0.9,
    });
    a
}

fn source(
    name: &str,
    country: Option<&str>,
    bias: Option<&str>,
    own: Option<OwnershipType>,
) -> Source {
    let mut s = Source::named(name);
    s.country = country.map(str::to_string);
    s.bias = bias.map(|b| Rating {
        value: b.to_string(),
        provenance: "test".to_string(),
    });
    s.ownership = own;
    s
}

/// A small story about a fictional bridge collapse, told by three outlets.
fn bridge_story() -> (Vec<Article>, Vec<Source>) {
    let a = source(
        "Alpha News",
        Some("US"),
        Some("left"),
        Some(OwnershipType::Private),
    );
    let b = source("Beta Times", Some("GB"), None, None);
    let c = source(
        "Gamma Wire",
        Some("US"),
        Some("center"),
        Some(OwnershipType::Agency),
    );
    let arts = [
        article(
            "a1",
            &a.id,
            "Riverside bridge collapses during morning rush hour",
            &[
                "The Riverside bridge in Millbrook collapsed on Monday morning during rush hour, sending four cars into the river.",
                "Firefighters rescued eleven people from the water, the city fire department said.",
                "Mayor Jane Holt ordered an inspection of all bridges in the county.",
                "Was the bridge safe?",
                "Local resident Tom Price said he heard a loud crack before the collapse.",
            ],
        ),
        article(
            "b1",
            &b.id,
            "Millbrook bridge collapse: eleven rescued from river",
            &[
                "Eleven people were rescued from the river after the Riverside bridge in Millbrook collapsed on Monday morning.",
                "Four cars fell into the river when the bridge collapsed during the morning rush hour.",
                "Mayor Jane Holt ordered an inspection of every bridge in the county after the collapse.",
                "The bridge was built in 1962 and last renovated in 1998.",
            ],
        ),
        article(
            "c1",
            &c.id,
            "Bridge",
            &[
                "A bridge in Millbrook collapsed on Monday morning during rush hour, and four cars fell into the river.",
                "Fire crews rescued eleven people from the water.",
                "The mayor, Jane Holt, ordered inspections of all county bridges.",
                "Engineers had warned about corrosion on the bridge supports in a report last year.",
            ],
        ),
    ];
    (
        vec![
            dated(arts[0].clone(), 7, 9),
            dated(arts[1].clone(), 7, 11),
            arts[2].clone(),
        ],
        vec![a, b, c],
    )
}

fn term_set(text: &str) -> HashSet<String> {
    Analyzer::new(Some("en")).terms(text).into_iter().collect()
}

/// Unweighted containment of the smaller term set in the other.
fn near_duplicate(a: &str, b: &str) -> bool {
    let (x, y) = (term_set(a), term_set(b));
    let common = x.intersection(&y).count() as f64;
    let small = x.len().min(y.len()).max(1) as f64;
    common / small >= 0.75
}

/// Whether `text` is taken from the article (sentences come with whitespace runs made single spaces).
fn verbatim_in(text: &str, articles: &[Article], id: &ArticleId) -> bool {
    articles
        .iter()
        .find(|a| &a.id == id)
        .is_some_and(|a| a.paragraphs.iter().any(|p| tidy(p).contains(text)))
}

#[test]
fn summary_prefers_facts_many_articles_report_and_cites_them() {
    let (articles, sources) = bridge_story();
    let analysis = analyze(&articles, &sources);
    let summary = &analysis.summary;
    assert!((3..=MAX_BULLETS).contains(&summary.len()), "{summary:#?}");
    // Every bullet is verbatim from the article it cites first.
    for b in summary {
        assert!(verbatim_in(&b.text, &articles, &b.citations[0]), "{b:?}");
        let unique: HashSet<_> = b.citations.iter().collect();
        assert_eq!(unique.len(), b.citations.len());
    }
    // The top bullets are the facts all three report: the collapse, the rescue, the inspection.
    for b in summary.iter().take(3) {
        assert_eq!(b.citations.len(), 3, "{b:?}");
    }
    let joined: String = summary
        .iter()
        .take(3)
        .map(|b| b.text.as_str())
        .collect::<Vec<_>>()
        .join(" ");
    assert!(joined.contains("collapsed"), "{joined}");
    assert!(joined.contains("rescued"), "{joined}");
    assert!(joined.contains("inspection"), "{joined}");
    // No question, no single-source detail ahead of shared facts, no near-duplicates.
    assert!(summary.iter().all(|b| !b.text.contains('?')));
    for (i, x) in summary.iter().enumerate() {
        for y in &summary[i + 1..] {
            assert!(!near_duplicate(&x.text, &y.text), "{x:?} / {y:?}");
        }
    }
}

#[test]
fn title_is_representative_and_not_broken() {
    let (articles, sources) = bridge_story();
    let analysis = analyze(&articles, &sources);
    // "Bridge" is too short; of the other two, both are fine, and either is representative.
    assert!(analysis.title.contains("bridge") || analysis.title.contains("Bridge"));
    assert_ne!(analysis.title, "Bridge");
}

#[test]
fn title_falls_back_to_a_sentence_when_every_title_is_broken() {
    let s = SourceId::unknown();
    let articles = vec![
        article(
            "x1",
            &s,
            "",
            &[
                "The central bank raised its main interest rate by half a point on Thursday, to 4.5 percent.",
            ],
        ),
        article(
            "x2",
            &s,
            "Home | News",
            &["The central bank raised interest rates by half a point on Thursday."],
        ),
    ];
    let analysis = analyze(&articles, &[]);
    assert!(
        analysis.title.contains("central bank"),
        "{}",
        analysis.title
    );
    assert!(analysis.title.split_whitespace().count() <= MAX_TITLE_WORDS + 1);
}

#[test]
fn single_article_gets_lead_sentences() {
    let s = SourceId::unknown();
    let articles = vec![article(
        "solo",
        &s,
        "Storm closes schools across the north",
        &[
            "A winter storm closed hundreds of schools across the north of the country on Tuesday.",
            "Forecasters expect up to forty centimetres of snow by Wednesday evening.",
            "Train services between the two largest cities were suspended for the day.",
            "Officials urged drivers to stay off the roads unless their journey was essential.",
            "The last storm of this strength hit the region in 2010.",
        ],
    )];
    let analysis = analyze(&articles, &[]);
    assert_eq!(analysis.title, "Storm closes schools across the north");
    assert_eq!(analysis.summary.len(), MIN_BULLETS);
    assert!(analysis.summary[0].text.starts_with("A winter storm"));
    for b in &analysis.summary {
        assert_eq!(b.citations, vec![articles[0].id.clone()]);
    }
}

#[test]
fn fragments_questions_and_cut_quotes_are_not_bullets() {
    assert!(!is_bullet_quality("Was the bridge safe to use at all?", 7));
    assert!(!is_bullet_quality(
        "and then the bridge fell into the river.",
        8
    ));
    assert!(!is_bullet_quality(
        "Related Links From Our Partners And Friends",
        7
    ));
    assert!(!is_bullet_quality(
        "\"We had a call that lasted almost one hour.",
        9
    ));
    assert!(!is_bullet_quality(
        "The talks stalled after the second round of…",
        8
    ));
    assert!(!is_bullet_quality(
        "Subscribe to our newsletter for daily news updates today.",
        9
    ));
    assert!(is_bullet_quality(
        "The call lasted almost an hour, the Kremlin said.",
        9
    ));
    assert!(is_bullet_quality(
        "\"It was a long call,\" he told reporters at the airport.",
        11
    ));
    assert_eq!(
        clean_sentence("(MENAFN) Russian President Vladimir Putin spoke."),
        "Russian President Vladimir Putin spoke."
    );
    assert_eq!(
        clean_sentence("- On July 3, the call took place."),
        "On July 3, the call took place."
    );
    assert_eq!(
        clean_sentence("(The call was brief.)"),
        "(The call was brief.)"
    );
}

#[test]
fn coverage_counts_sources_languages_and_dates() {
    let (mut articles, sources) = bridge_story();
    // An article from an unknown source and one whose source is missing from `sources`.
    let mut unknown = article(
        "u1",
        &SourceId::unknown(),
        "Bridge collapse in Millbrook",
        &["A bridge collapsed."],
    );
    unknown.language = None;
    articles.push(unknown);
    let mut missing = article(
        "m1",
        &SourceId::from("src-missing"),
        "Bridge collapse",
        &["A bridge collapsed."],
    );
    missing.language = Some("de".to_string());
    articles.push(missing);
    // A second article from Alpha: one more article, not one more source.
    articles.push(article(
        "a2",
        &sources[0].id,
        "More on the bridge",
        &["The bridge collapsed."],
    ));

    let c = coverage(&articles, &sources);
    assert_eq!(c.articles, 6);
    assert_eq!(c.sources, 3);
    assert_eq!(c.unknown_source_articles, 2);
    let labels = |t: &[Tally]| {
        t.iter()
            .map(|x| (x.label.clone(), x.count))
            .collect::<Vec<_>>()
    };
    assert_eq!(
        labels(&c.countries),
        vec![("US".into(), 3), ("unknown".into(), 2), ("GB".into(), 1)]
    );
    assert_eq!(
        labels(&c.languages),
        vec![("en".into(), 4), ("de".into(), 1), ("unknown".into(), 1)]
    );
    assert_eq!(
        labels(&c.bias),
        vec![
            ("center".into(), 1),
            ("left".into(), 1),
            ("unrated".into(), 1)
        ]
    );
    assert_eq!(
        labels(&c.ownership),
        vec![
            ("agency".into(), 1),
            ("private".into(), 1),
            ("unknown".into(), 1)
        ]
    );
    assert!((c.countries[0].share - 0.5).abs() < 1e-9);
    assert!((c.bias.iter().map(|t| t.share).sum::<f64>() - 1.0).abs() < 1e-9);
    assert_eq!(c.first_published, Some(at(7, 9)));
    assert_eq!(c.last_published, Some(at(7, 11)));
    assert_eq!(c.undated_articles, 4);
}

fn provided(provider: &str, value: &str, score: Option<f64>, estimate: bool) -> ProvidedRating {
    ProvidedRating {
        provider: provider.to_string(),
        kind: RatingKind::Reliability,
        domain: "example.com".to_string(),
        value: value.to_string(),
        score,
        date: Some("2024".to_string()),
        licence: Some(format!("licence of {provider}")),
        estimate,
    }
}

/// Issue 11: per provider, the story's sources by their imported rating, unrated ones counted as
/// such; the bias tally unchanged; inferred countries counted apart.
#[test]
fn coverage_distributes_provider_ratings_with_the_unrated_share() {
    let (mut articles, mut sources) = bridge_story();
    // Alpha: rated by both providers. Beta: by Idiap only. Gamma: by neither.
    sources[0].ratings = vec![
        provided("idiap-reliability", "0.83", Some(0.83), true),
        provided(
            "wikipedia-perennial",
            "generally reliable",
            Some(1.0),
            false,
        ),
    ];
    sources[1].ratings = vec![provided("idiap-reliability", "-0.45", Some(-0.45), true)];
    // Beta's country is only inferred from its coverage (GDELT).
    sources[1].provenance.country_basis = Some(CountryBasis::InferredFromCoverage);
    sources[1].provenance.country = Some("GDELT Project".to_string());
    // An unknown-source article is no source: it changes no distribution.
    articles.push(article(
        "u1",
        &SourceId::unknown(),
        "Bridge collapse in Millbrook",
        &["A bridge collapsed."],
    ));

    let c = coverage(&articles, &sources);
    assert_eq!(c.sources, 3);
    let labels = |t: &[Tally]| {
        t.iter()
            .map(|x| (x.label.clone(), x.count))
            .collect::<Vec<_>>()
    };
    assert_eq!(c.ratings.len(), 2, "{:?}", c.ratings);
    let idiap = &c.ratings[0];
    assert_eq!(idiap.provider, "idiap-reliability");
    assert_eq!(idiap.kind, RatingKind::Reliability);
    assert!(idiap.estimate);
    assert_eq!(
        idiap.licence.as_deref(),
        Some("licence of idiap-reliability")
    );
    assert!(idiap.scale.as_deref().unwrap().contains("-0.2"));
    assert_eq!(
        labels(&idiap.tallies),
        vec![("high".into(), 1), ("low".into(), 1), ("unrated".into(), 1)]
    );
    let wiki = &c.ratings[1];
    assert_eq!(wiki.provider, "wikipedia-perennial");
    assert!(!wiki.estimate);
    assert_eq!(wiki.scale, None);
    assert_eq!(
        labels(&wiki.tallies),
        vec![("unrated".into(), 2), ("generally reliable".into(), 1)]
    );
    let unrated = &wiki.tallies[0];
    assert!((unrated.share - 2.0 / 3.0).abs() < 1e-9);
    for d in &c.ratings {
        let total: usize = d.tallies.iter().map(|t| t.count).sum();
        assert_eq!(total, c.sources, "every known source counted once");
    }
    // Bias keeps its own tally, unrated as such.
    assert_eq!(
        labels(&c.bias),
        vec![
            ("center".into(), 1),
            ("left".into(), 1),
            ("unrated".into(), 1)
        ]
    );
    // Beta's one article is counted under GB, and as inferred.
    assert_eq!(c.countries_inferred, 1);
    assert_eq!(labels(&c.inferred_countries), vec![("GB".into(), 1)]);
    assert!((c.inferred_countries[0].share - 1.0 / 4.0).abs() < 1e-9);
    assert!(labels(&c.countries).contains(&("GB".into(), 1)));

    // No ratings at all: no distribution, nothing inferred.
    let (articles, sources) = bridge_story();
    let c = coverage(&articles, &sources);
    assert!(c.ratings.is_empty());
    assert_eq!(c.countries_inferred, 0);
    assert!(c.inferred_countries.is_empty());
    // An inferred basis without a country is no country: unknown, not inferred.
    let (articles, mut sources) = bridge_story();
    sources[1].country = None;
    sources[1].provenance.country_basis = Some(CountryBasis::InferredFromCoverage);
    let c = coverage(&articles, &sources);
    assert_eq!(c.countries_inferred, 0);
    assert!(labels(&c.countries).contains(&("unknown".into(), 1)));
}

#[test]
fn empty_and_degenerate_input_does_not_panic() {
    let a = analyze(&[], &[]);
    assert_eq!(a.title, "Untitled story");
    assert!(a.summary.is_empty());
    assert_eq!(a.coverage, Coverage::default());

    let s = SourceId::unknown();
    let weird = vec![
        article(
            "w1",
            &s,
            "   ",
            &["", "   ", "?!", "(", "\u{0}\u{feff}", "“”«»", "..."],
        ),
        article(
            "w2",
            &s,
            "日本語のタイトルです",
            &["普京与特朗普通话。通话持续了将近一个小时。"],
        ),
        article("w3", &s, &"word ".repeat(500), &[&"long ".repeat(5000)]),
    ];
    let a = analyze(&weird, &[]);
    assert!(!a.title.is_empty());
    assert_eq!(a.coverage.articles, 3);
}

#[test]
fn numerals_meet_number_words() {
    assert_eq!(canonical_numeral("sixth".into()), "6th");
    assert_eq!(canonical_numeral("6th".into()), "6th");
    assert_eq!(canonical_numeral("bridg".into()), "bridg");
}

#[test]
fn big_story_is_fast_enough() {
    let s = SourceId::unknown();
    let vocab: Vec<String> = (0..400).map(|i| format!("word{i}")).collect();
    let mut seed = 7u64;
    let mut next = move || {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (seed >> 33) as usize
    };
    let articles: Vec<Article> = (0..120)
        .map(|i| {
            let paragraphs: Vec<String> = (0..50)
                .map(|_| {
                    let n = 8 + next() % 20;
                    let body: Vec<&str> = (0..n)
                        .map(|_| vocab[next() % vocab.len()].as_str())
                        .collect();
                    format!("The {}.", body.join(" "))
                })
                .collect();
            let refs: Vec<&str> = paragraphs.iter().map(String::as_str).collect();
            article(
                &format!("big{i}"),
                &s,
                "A big story about many things today",
                &refs,
            )
        })
        .collect();
    let start = std::time::Instant::now();
    let a = analyze(&articles, &[]);
    let took = start.elapsed();
    println!("120 articles x 50 sentences: {took:?}");
    assert!(a.summary.len() >= MIN_BULLETS);
    assert!(took.as_secs_f64() < 10.0, "{took:?}");
}

#[test]
fn site_names_are_cut_from_titles() {
    assert_eq!(
        headline("Putin and Trump talk - Reuters", Some("Reuters")),
        "Putin and Trump talk"
    );
    assert_eq!(
        headline(
            "Putin and Trump talk for an hour | World | Example News",
            None
        ),
        "Putin and Trump talk for an hour"
    );
    assert_eq!(
        headline(
            "Ukraine war latest - as Trump says he is disappointed",
            Some("Sky")
        ),
        "Ukraine war latest - as Trump says he is disappointed"
    );
    assert_eq!(headline("  A  | B ", None), "A | B");
}

#[test]
fn random_hostile_text_never_panics() {
    const PIECES: &[&str] = &[
        "Putin",
        "Trump",
        "call",
        " ",
        " ",
        "\n\n",
        "\n",
        ".",
        "?",
        "!",
        "\"",
        "“",
        "”",
        "«",
        "»",
        "(",
        ")",
        "-",
        " - ",
        " | ",
        "…",
        "...",
        "Mr.",
        "U.S.",
        "6th",
        "sixth",
        "普京",
        "。",
        "é",
        "\u{301}",
        "\u{200b}",
        "\u{feff}",
        "\u{202e}",
        "🙂",
        "(MENAFN)",
        "'s",
        "’s",
        "0",
        "2025-07-03",
        "ß",
        "İ",
        "The",
        "said",
        "hour",
        "Ушаков",
        "سلام",
        "\t",
        "\r\n",
        "=",
        "<script>",
    ];
    let seed = std::cell::Cell::new(42u64);
    let next = |n: usize| {
        let v = seed
            .get()
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        seed.set(v);
        ((v >> 33) as usize) % n.max(1)
    };
    let text = |max: usize| -> String {
        let len = next(max);
        (0..len).map(|_| PIECES[next(PIECES.len())]).collect()
    };
    for round in 0..200 {
        let n = next(5);
        let articles: Vec<Article> = (0..n)
            .map(|i| {
                let paragraphs: Vec<String> = (0..next(6)).map(|_| text(80)).collect();
                let refs: Vec<&str> = paragraphs.iter().map(String::as_str).collect();
                let mut a = article(
                    &format!("r{round}-{i}"),
                    &SourceId::unknown(),
                    &text(20),
                    &refs,
                );
                if next(3) == 0 {
                    a.language = None;
                }
                a
            })
            .collect();
        let a = analyze(&articles, &[]);
        assert!(!a.title.is_empty());
        assert!(a.summary.len() <= MAX_BULLETS);
        for b in &a.summary {
            assert!(!b.citations.is_empty());
            assert!(verbatim_in(&b.text, &articles, &b.citations[0]), "{b:?}");
        }
    }
}

#[test]
fn a_story_without_complete_sentences_still_gets_bullets() {
    let s = SourceId::unknown();
    let articles = vec![article(
        "lines",
        &s,
        "Election results",
        &[
            "Turnout reached 71 percent in the capital",
            "The governing party won 212 of 400 seats",
            "Opposition leaders called for a recount in three districts",
            "Read more",
        ],
    )];
    let a = analyze(&articles, &[]);
    assert_eq!(a.summary.len(), 3, "{:#?}", a.summary);
    assert_eq!(
        a.summary[0].text,
        "Turnout reached 71 percent in the capital"
    );
}

/// Sections count per category of the section each outlet filed its article under; a section
/// naming no category counts as "other"; an article with no section is not counted.
#[test]
fn coverage_counts_the_categories_of_the_articles_sections() {
    let (mut articles, sources) = bridge_story();
    articles.truncate(3);
    articles[0].section = Some("World News".into());
    articles[1].section = Some("International".into());
    articles[2].section = Some("Trending".into());
    articles.push(article(
        "x",
        &sources[0].id,
        "Bridge",
        &["A bridge collapsed."],
    ));
    let c = coverage(&articles, &sources);
    let got: Vec<(&str, usize)> = c
        .sections
        .iter()
        .map(|t| (t.label.as_str(), t.count))
        .collect();
    assert_eq!(got, [("world", 2), ("other", 1)]);
    assert!((c.sections[0].share - 0.5).abs() < 1e-9);
}
