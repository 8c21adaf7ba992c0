use super::*;
use parallax_core::SourceId;

fn article(key: &str, title: &str, paragraphs: &[&str]) -> Article {
    Article {
        section: None,
        id: ArticleId::from_key(key),
        source: SourceId::from_key(key),
        url: None,
        canonical_url: None,
        title: title.to_string(),
        byline: None,
        published: None,
        language: Some("en".to_string()),
        paragraphs: paragraphs.iter().map(|p| p.to_string()).collect(),
        content_hash: parallax_core::content_hash(key),
        fetched_at: chrono::DateTime::UNIX_EPOCH,
        origin: key.to_string(),
        warnings: Vec::new(),
        excerpts: Vec::new(),
        attribution: Default::default(),
    }
}

fn run(articles: &[Article]) -> Vec<Claim> {
    ledger(articles, &[], &crate::wire::detect(articles))
}

#[test]
fn empty_story() {
    assert!(run(&[]).is_empty());
    let a = article("a", "", &[]);
    assert!(run(&[a]).is_empty());
}

/// Every cited sentence is found, exactly, in the article it cites.
fn assert_exact(claims: &[Claim], articles: &[Article]) {
    for c in claims {
        assert!(!c.sources.is_empty(), "{c:?}");
        for s in &c.sources {
            let a = articles
                .iter()
                .find(|a| a.id == s.article)
                .expect("cited article");
            assert!(a.full_text().contains(&s.sentence), "{s:?}");
            if let Some(v) = &s.value {
                assert!(s.sentence.contains(v.as_str()), "{s:?}");
            }
        }
    }
}

#[test]
fn durations_that_cannot_both_be_true_are_disputed() {
    let arts = [
        article(
            "a",
            "Ministers meet over harbour",
            &["The meeting between the two ministers lasted almost two hours, officials said."],
        ),
        article(
            "b",
            "Harbour talks end early",
            &[
                "The meeting between the ministers lasted only 20 minutes, according to a statement.",
            ],
        ),
        article(
            "c",
            "Ministers discuss harbour",
            &["The ministers met for nearly two hours on Tuesday to discuss the harbour."],
        ),
    ];
    let claims = run(&arts);
    assert_exact(&claims, &arts);
    let d = &claims[0];
    assert_eq!(d.kind, ClaimKind::Disputed, "{claims:#?}");
    assert_eq!(d.slot.as_deref(), Some("duration of the meeting"));
    assert_eq!(d.sides.len(), 2);
    assert_eq!(d.sides[0].independent_sources, 2);
    assert_eq!(d.sides[0].range, "90–120 min");
    assert_eq!(d.sides[1].values, vec!["only 20 minutes"]);
    assert_eq!(d.sides[1].articles, vec![arts[1].id.clone()]);
    assert_eq!(d.independent_sources, 3);
    assert!(d.text.contains("almost two hours") && d.text.contains("against only 20 minutes"));
    assert_eq!(
        claims
            .iter()
            .filter(|c| c.kind == ClaimKind::Disputed)
            .count(),
        1
    );
}

#[test]
fn a_copy_does_not_dispute_or_agree_with_its_original() {
    let body = "The harbour council met on Tuesday evening in the town hall to decide the future of \
                the old sea wall, which was damaged in the winter storms. Residents filled the hall \
                and many spoke against the plan to demolish the wall and build a new promenade.";
    let arts = [
        article(
            "original",
            "Council decides on sea wall",
            &[
                body,
                "The meeting lasted almost three hours before the vote was taken.",
            ],
        ),
        article(
            "copy",
            "Council decides on sea wall",
            &[
                body,
                "The meeting lasted 15 minutes before the vote was taken.",
            ],
        ),
    ];
    let independence = crate::wire::detect(&arts);
    assert_eq!(
        independence.reports.len(),
        1,
        "the copy is one report with its original"
    );
    let claims = ledger(&arts, &[], &independence);
    assert_exact(&claims, &arts);
    assert!(
        claims.iter().all(|c| c.kind != ClaimKind::Disputed),
        "{claims:#?}"
    );
    assert!(
        claims.iter().all(|c| c.kind != ClaimKind::Agreed),
        "{claims:#?}"
    );
    assert!(claims.iter().all(|c| c.independent_sources == 1));
}

#[test]
fn ordinals_agree_across_paraphrases() {
    let arts = [
        article(
            "a",
            "",
            &["This was the third meeting of the two ministers this year."],
        ),
        article(
            "b",
            "",
            &["The talks in Oslo marked their 3rd meeting in 2025, a spokesman said."],
        ),
        article(
            "c",
            "",
            &["The ministers met for the third time since January, in Oslo."],
        ),
        article(
            "d",
            "",
            &["It was the first meeting of the new harbour board since its election."],
        ),
    ];
    let claims = run(&arts);
    assert_exact(&claims, &arts);
    let third = claims
        .iter()
        .find(|c| c.slot.as_deref() == Some("ordinal of the meeting"))
        .expect("an ordinal claim");
    assert_eq!(third.kind, ClaimKind::Agreed);
    assert_eq!(third.independent_sources, 3);
    assert_eq!(third.values, vec!["third", "3rd"]);
    assert!(!third.sources.iter().any(|s| s.article == arts[3].id));
}

#[test]
fn quotes_are_checked_word_for_word_with_their_speaker() {
    let arts = [
        article(
            "a",
            "",
            &[
                "Mayor Jane Smith spoke at the harbour on Friday. “We will never give up the fight for our harbour,” she said.",
            ],
        ),
        article(
            "b",
            "",
            &[
                "“We will never give up this fight for our harbour,” Smith told reporters on Friday.",
            ],
        ),
        article(
            "c",
            "",
            &[
                "The mayor repeated that \"we will never give up the fight for our harbour\" in her speech, said Jane Smith's office.",
            ],
        ),
    ];
    let claims = run(&arts);
    assert_exact(&claims, &arts);
    let quotes: Vec<&Claim> = claims
        .iter()
        .filter(|c| c.form == ClaimForm::Quote)
        .collect();
    assert_eq!(quotes.len(), 2, "{quotes:#?}");
    let same = quotes
        .iter()
        .find(|c| c.kind == ClaimKind::Agreed)
        .expect("a shared quote");
    assert_eq!(same.independent_sources, 2);
    let check = same.quote_check.as_ref().unwrap();
    assert!(check.verbatim);
    assert_eq!(check.speaker.as_deref(), Some("Jane Smith"));
    assert_eq!(check.altered.len(), 1);
    assert_eq!(check.altered[0].article, arts[1].id);
    assert_eq!(
        check.altered[0].quote,
        "We will never give up this fight for our harbour"
    );
    let other = quotes
        .iter()
        .find(|c| c.kind == ClaimKind::SingleSource)
        .unwrap();
    let check = other.quote_check.as_ref().unwrap();
    assert!(check.verbatim);
    assert_eq!(check.speaker.as_deref(), Some("Jane Smith"));
    assert_eq!(check.altered.len(), 2);

    assert!(quote_is_verbatim(
        "we will never give up the fight",
        &arts[0].full_text()
    ));
    assert!(!quote_is_verbatim(
        "we will never give up this fight",
        &arts[0].full_text()
    ));
}

#[test]
fn statements_align_but_not_across_negation() {
    let arts = [
        article(
            "a",
            "",
            &[
                "The harbour council approved the new sea wall budget of the town on Monday evening.",
            ],
        ),
        article(
            "b",
            "",
            &[
                "On Monday evening the harbour council approved the town's sea wall budget, the mayor said.",
            ],
        ),
        article(
            "c",
            "",
            &[
                "The harbour council did not approve the new sea wall budget of the town on Monday evening.",
            ],
        ),
    ];
    let claims = run(&arts);
    assert_exact(&claims, &arts);
    let agreed: Vec<&Claim> = claims
        .iter()
        .filter(|c| c.kind == ClaimKind::Agreed)
        .collect();
    assert_eq!(agreed.len(), 1, "{claims:#?}");
    let ids: Vec<&ArticleId> = agreed[0].sources.iter().map(|s| &s.article).collect();
    assert_eq!(ids, vec![&arts[0].id, &arts[1].id]);
    assert_eq!(agreed[0].speaker.as_deref(), Some("mayor"));
    assert!(
        claims
            .iter()
            .any(|c| c.kind == ClaimKind::SingleSource && c.sources[0].article == arts[2].id)
    );
}

#[test]
fn other_languages_still_get_quotes_and_statements() {
    let mut a = article(
        "a",
        "",
        &[
            "Der Minister sagte: „Wir geben den Hafen niemals auf.“ Das Treffen dauerte zwei Stunden.",
        ],
    );
    a.language = Some("de".to_string());
    let claims = run(&[a.clone()]);
    assert_exact(&claims, &[a]);
    assert!(
        claims
            .iter()
            .any(|c| c.form == ClaimForm::Quote && c.text == "Wir geben den Hafen niemals auf.")
    );
}

#[test]
fn speakers_with_one_last_word_are_one_only_when_they_can_be() {
    assert!(same_speaker("Ushakov", "Yuri Ushakov"));
    assert!(same_speaker("Yuri Ushakov", "Yury Ushakov"));
    assert!(!same_speaker("Select Committee", "Budget Committee"));
    let names = [
        "Select Committee",
        "Budget Committee",
        "Budget Committee",
        "Ushakov",
        "Yuri Ushakov",
        "analysts",
        "Analysts",
    ];
    let spellings = speaker_spellings(names.iter().copied());
    assert_eq!(
        display_name(&spellings, "Select Committee"),
        "Select Committee"
    );
    assert_eq!(display_name(&spellings, "Ushakov"), "Yuri Ushakov");
    // A tie of equal counts and lengths goes to the capitalised spelling, whatever the hash order.
    for _ in 0..20 {
        let spellings = speaker_spellings(names.iter().rev().copied());
        assert_eq!(display_name(&spellings, "analysts"), "Analysts");
        assert_eq!(display_name(&spellings, "Analysts"), "Analysts");
    }
}
