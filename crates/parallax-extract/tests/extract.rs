//! Extraction on small invented fixtures (`tests/data/extract/`) and on hostile input.

use parallax_core::DateFound;
use parallax_extract::{Extracted, extract_html, extract_text};

fn fixture(name: &str) -> String {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/data/extract")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn body(ex: &Extracted) -> String {
    ex.paragraphs.join("\n")
}

fn assert_absent(ex: &Extracted, lines: &[&str]) {
    let b = body(ex);
    for l in lines {
        assert!(!b.contains(l), "boilerplate {l:?} survived:\n{b}");
        assert_ne!(ex.title, *l);
    }
}

fn assert_present(ex: &Extracted, sentences: &[&str]) {
    let b = body(ex);
    for s in sentences {
        assert!(b.contains(s), "sentence {s:?} lost:\n{b}");
    }
}

#[test]
fn text_with_navigation_and_app_promotion() {
    let ex = extract_text(&fixture("promo_tail.txt"));
    assert_absent(
        &ex,
        &[
            "Summary Logo",
            "Story Header Image",
            "Riverside Herald",
            "Monday, March 9",
            "Other Perspectives",
            "What the Region Is Saying",
            "Infrastructure Spending",
            "Local News Coverage",
            "Get the whole story in our app",
            "Spin the Map",
            "Regional stories that no one else is reporting.",
            "30 regions, 90 papers",
            "Google Play Store Badge",
        ],
    );
    assert_present(
        &ex,
        &[
            "The city council said that the new bridge will open to traffic before the winter.",
            "Council member Anna Berg told reporters on Monday that the bridge over the Elm River passed its final safety inspection.",
            "According to Berg, the remaining work on the lighting will be finished within three weeks.",
            "She added that the project came in slightly under its budget of 40 million dollars.",
            "The old crossing, built in 1958, will be closed to cars and turned into a footpath.",
        ],
    );
    assert_eq!(ex.paragraphs.len(), 5, "{:#?}", ex.paragraphs);
    // No headline line: the first sentence is the title.
    assert!(
        ex.title.starts_with("The city council said"),
        "{}",
        ex.title
    );
    assert_eq!(ex.language.as_deref(), Some("en"));
}

#[test]
fn text_with_conflicting_date_line() {
    let ex = extract_text(&fixture("date_conflict.txt"));
    assert_eq!(
        ex.title,
        "City council approves plan to rebuild the old harbour wall"
    );
    let p = ex.published.as_ref().expect("a date");
    assert_eq!(p.at.format("%Y-%m-%d").to_string(), "2024-11-05");
    assert_eq!(p.found, DateFound::Text);
    assert!(p.confidence < 0.5);
    assert!(
        ex.warnings.iter().any(|w| w.contains("date line")),
        "{:?}",
        ex.warnings
    );
    assert_absent(&ex, &["2024-11-05 09:12:01", "March 2019", "date "]);
    assert_present(
        &ex,
        &[
            "(CITYWIRE) The city council voted on Monday to rebuild the harbour wall that was damaged in last winter's storms. The vote passed by nine votes to two.",
            "Engineers said the work would start in the spring and take about eighteen months.",
        ],
    );
}

#[test]
fn text_with_coverage_list() {
    let ex = extract_text(&fixture("coverage_list.txt"));
    assert_eq!(
        ex.title,
        "Harbour wall rebuild approved after long debate in council"
    );
    assert_present(
        &ex,
        &[
            "On November 4, 2024, the council approved a plan to rebuild the harbour wall at a cost of 12 million dollars.",
            "Opponents said the money should go to flood defences further up the river.",
            "The mayor called the vote \"a good day for the waterfront.\"",
        ],
    );
    assert_absent(
        &ex,
        &[
            "48 Articles",
            "Council backs harbour plan despite objections",
            "the mayor insisted that the…",
            "]]>",
            "Coverage Details",
            "Bias Distribution",
            "55% of the sources",
            "Upgrade to Premium",
            "- On November",
        ],
    );
    assert_eq!(ex.paragraphs.len(), 3);
    let p = ex.published.as_ref().expect("a date in the text");
    assert_eq!(p.at.format("%Y-%m-%d").to_string(), "2024-11-04");
}

#[test]
fn text_with_related_links() {
    let ex = extract_text(&fixture("related_links.txt"));
    assert_present(
        &ex,
        &[
            "\"It is a strong wall and it will last a hundred years,\" the chief engineer told reporters at the harbour on Tuesday.",
            "Asked whether the budget would hold, she replied: \"We have planned for the worst winters on record.\"",
            "The work is expected to create around 200 jobs during construction.",
        ],
    );
    assert_absent(
        &ex,
        &[
            "Related Links",
            "HarbourNews.com",
            "Subscribe",
            "Port authority signs deal",
            "Ferry company adds winter timetable",
            "|",
        ],
    );
    assert_eq!(ex.paragraphs.len(), 3);
    // No headline line: the first sentence, quotation marks balanced.
    assert!(
        ex.title.starts_with("\"It is a strong wall"),
        "{}",
        ex.title
    );
    let p = ex.published.as_ref().expect("a date");
    assert_eq!(p.at.format("%Y-%m-%d").to_string(), "2024-11-05");
    assert!(p.confidence >= 0.5);
}

#[test]
fn text_edge_cases_never_fail() {
    for input in [
        "",
        "\n\n\n",
        "\u{0}\u{1}\u{2}garbage\u{7f}",
        "a",
        "date",
        " date 2099-01-01 x",
        "|||",
    ] {
        let ex = extract_text(input);
        assert!(ex.paragraphs.iter().all(|p| !p.is_empty()));
    }
    assert!(
        extract_text("")
            .warnings
            .iter()
            .any(|w| w.contains("no main text"))
    );
    let future = extract_text(" date 2099-01-01 The council met on Monday to discuss the harbour.");
    assert!(future.published.is_none());
}

const HOSTILE: &str = r#"<!doctype html><html lang="en"><head>
<title>Bridge opens to traffic after three years | Riverside Herald</title>
<meta property="og:site_name" content="Riverside Herald">
<link rel="canonical" href="/news/2024/11/05/bridge-opens?utm_source=feed&utm_medium=rss&id=7&fbclid=xyz">
<script>var secret = "SCRIPT-CONTENT-MUST-NOT-APPEAR"; document.write("<p>evil</p>");</script>
<style>p { color: red } .STYLE-CONTENT {}</style>
<script type="application/ld+json">{"@context":"https://schema.org","@type":"NewsArticle",
 "headline":"Bridge over the Elm River opens to traffic","datePublished":"2024-11-05T08:30:00+01:00",
 "author":{"@type":"Person","name":"Anna Berg"},"publisher":{"@type":"Organization","name":"Riverside Herald"}}</script>
</head><body onload="alert('ONLOAD-HANDLER')">
<nav><a href="javascript:alert('JS-LINK')">Home</a> <a href="/news">News</a></nav>
<article>
<h1>Bridge over the Elm River opens to traffic</h1>
<p onclick="alert('ONCLICK-HANDLER')">The new bridge over the Elm River opened to traffic on Tuesday morning, three years after construction began and two months ahead of schedule.</p>
<p>Council member Anna Berg said the bridge passed its final safety inspection last week and that the lighting work would be finished within three weeks.</p>
<script>console.log("INLINE-SCRIPT-IN-ARTICLE")</script>
<p>The project came in slightly under its budget of 40 million dollars, according to figures released by the council. <a href="javascript:void(0)" onmouseover="steal()">More</a></p>
<noscript><img src="x" onerror="alert('NOSCRIPT')"></noscript>
<p>The old crossing, built in 1958, will be closed to cars and turned into a footpath and cycle lane next spring.</p>
</article>
<footer>Copyright 2024 Riverside Herald. All rights reserved.</footer>
</body></html>"#;

#[test]
fn html_with_scripts_and_handlers_gives_only_text() {
    let ex = extract_html(HOSTILE.as_bytes(), Some("https://herald.example/x"), None);
    let b = body(&ex);
    for bad in [
        "SCRIPT-CONTENT",
        "STYLE-CONTENT",
        "ONLOAD",
        "ONCLICK",
        "JS-LINK",
        "INLINE-SCRIPT",
        "NOSCRIPT",
        "javascript:",
        "alert(",
        "<",
        ">",
        "Copyright",
    ] {
        assert!(!b.contains(bad), "{bad:?} in body:\n{b}");
    }
    assert!(b.contains("The new bridge over the Elm River opened to traffic on Tuesday morning"));
    assert!(b.contains("turned into a footpath and cycle lane next spring."));
    assert_eq!(ex.title, "Bridge over the Elm River opens to traffic");
    assert_eq!(ex.byline.as_deref(), Some("Anna Berg"));
    assert_eq!(ex.site_name.as_deref(), Some("Riverside Herald"));
    assert_eq!(ex.language.as_deref(), Some("en"));
    assert_eq!(
        ex.canonical_url.as_deref(),
        Some("https://herald.example/news/2024/11/05/bridge-opens?id=7")
    );
    let p = ex.published.as_ref().expect("a date");
    assert_eq!(p.found, DateFound::JsonLd);
    assert_eq!(
        p.at.format("%Y-%m-%dT%H:%M").to_string(),
        "2024-11-05T07:30"
    );
}

#[test]
fn html_metadata_fallbacks() {
    let html = r#"<html><head><title>Harbour wall to be rebuilt - Coast Times</title>
<meta name="author" content="By Jon Sand">
<meta property="article:published_time" content="2099-01-01T00:00:00Z">
<meta property="og:url" content="https://coast.example/a?gclid=1"></head>
<body><div><p>The harbour wall that was damaged in last winter's storms will be rebuilt, the council decided on Monday after a long debate.</p>
<p>Engineers said the work would start in the spring and take about eighteen months to complete, weather permitting.</p></div></body></html>"#;
    let ex = extract_html(
        html.as_bytes(),
        Some("https://coast.example/news/2024/11/04/harbour"),
        None,
    );
    assert_eq!(ex.title, "Harbour wall to be rebuilt");
    assert_eq!(ex.byline.as_deref(), Some("Jon Sand"));
    assert_eq!(ex.canonical_url.as_deref(), Some("https://coast.example/a"));
    // The meta date is in the future: rejected; the URL date is used.
    let p = ex.published.as_ref().expect("the URL date");
    assert_eq!(p.found, DateFound::Url);
    assert_eq!(p.at.format("%Y-%m-%d").to_string(), "2024-11-04");
    assert_eq!(ex.language.as_deref(), Some("en"));
    assert!(body(&ex).contains("eighteen months"));
}

#[test]
fn html_in_windows_1251_and_shift_jis() {
    let ru = "<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=windows-1251\"><title>Новый мост открыт для движения</title></head><body><article><p>Новый мост через реку открылся для движения во вторник утром, через три года после начала строительства.</p><p>Член городского совета сообщила, что мост прошёл окончательную проверку безопасности на прошлой неделе.</p></article></body></html>";
    let (bytes, _, _) = encoding_rs::WINDOWS_1251.encode(ru);
    let ex = extract_html(&bytes, None, None);
    assert_eq!(ex.title, "Новый мост открыт для движения");
    assert!(
        body(&ex).contains("Новый мост через реку открылся"),
        "{:?}",
        ex.paragraphs
    );
    assert_eq!(ex.language.as_deref(), Some("ru"));

    let ja = "<html><head><title>新しい橋が開通</title></head><body><article><p>川に架かる新しい橋が火曜日の朝に開通しました。建設開始から三年が経ちました。市議会によると、最終的な安全検査は先週終わりました。</p><p>照明工事は三週間以内に完了する予定です。古い橋は歩道と自転車道になります。</p></article></body></html>";
    let (bytes, _, _) = encoding_rs::SHIFT_JIS.encode(ja);
    let ex = extract_html(&bytes, None, Some("Shift_JIS"));
    assert_eq!(ex.title, "新しい橋が開通");
    assert!(
        body(&ex).contains("新しい橋が火曜日の朝に開通しました"),
        "{:?}",
        ex.paragraphs
    );
    let ex = extract_html(&bytes, None, None);
    assert!(
        body(&ex).contains("照明工事"),
        "detected: {:?}",
        ex.paragraphs
    );
}

#[test]
fn html_bad_input_never_fails() {
    let empty = extract_html(b"", None, None);
    assert!(empty.paragraphs.is_empty());
    assert!(empty.warnings.iter().any(|w| w.contains("no main text")));
    assert!(empty.warnings.iter().any(|w| w.contains("no title")));

    let garbage: Vec<u8> = (0..200_000u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    let ex = extract_html(&garbage, Some("not a url"), Some("bogus"));
    assert!(
        ex.paragraphs
            .iter()
            .all(|p| !p.chars().any(|c| c.is_control()))
    );

    for weird in [
        "<html><body><p>unclosed <b>tags <i>everywhere",
        "<<<>>><p></p></div></body></html><html>",
        "<script>never closed",
        "<meta charset=\"utf-16\"><p>ascii page that lies about utf-16 being its encoding.</p>",
        "<script type=\"application/ld+json\">{not json</script><p>x</p>",
    ] {
        let _ = extract_html(weird.as_bytes(), Some("https://a.example/"), None);
    }
}

#[test]
fn html_huge_page_is_capped() {
    let para = "<p>The council met again on Monday to discuss the harbour wall and the bridge, and the budget for both.</p>\n";
    let mut page =
        String::from("<html><head><title>A very long page indeed</title></head><body><article>");
    while page.len() < 50 * 1024 * 1024 {
        page.push_str(para);
    }
    page.push_str("</article></body></html>");
    let ex = extract_html(page.as_bytes(), None, None);
    assert!(
        ex.warnings
            .iter()
            .any(|w| w.contains("only the first 10 MB")),
        "{:?}",
        ex.warnings
    );
}

mod inert_cut {
    use parallax_extract::strip_inert;
    use proptest::prelude::*;

    /// Closed page parts the cut removes, with content that would confuse a careless scanner.
    const INERT: &[&str] = &[
        "<script>if (a < b && c > d) { s = '</p><p>'; }</script>",
        "<SCRIPT src=\"x.js\"></SCRIPT >",
        "<style media=\"a>b\">p { color: red }</style>",
        "<!-- a comment with <p>markup</p> -->",
        "<!---->",
        "<svg viewBox=\"0 0 1 1\"><title>icon</title><path d=\"M0\"/></svg>",
        "<svg/>",
    ];

    fn fragment() -> impl Strategy<Value = (String, Option<String>)> {
        prop_oneof![
            // A word of text: must survive.
            "[a-zA-Zа-яё]{3,9}".prop_map(|w| (format!(" {w} "), Some(w))),
            // Markup that stays.
            prop::sample::select(vec![
                "<p>",
                "</p>",
                "<div class=\"x\">",
                "</div>",
                "<br>",
                "<a href=\"/s\">"
            ])
            .prop_map(|t| (t.to_string(), None)),
            prop::sample::select(INERT.to_vec()).prop_map(|t| (t.to_string(), None)),
            Just((
                "<script type=\"application/ld+json\">{\"headline\": \"kept\"}</script>"
                    .to_string(),
                Some("kept".to_string())
            )),
        ]
    }

    proptest! {
        #[test]
        fn cut_keeps_every_word_and_drops_every_inert_part(parts in prop::collection::vec(fragment(), 0..40)) {
            let page: String = parts.iter().map(|(f, _)| f.as_str()).collect();
            let cut = strip_inert(&page);
            prop_assert!(cut.len() <= page.len());
            for (_, word) in &parts {
                if let Some(w) = word {
                    prop_assert!(cut.contains(w.as_str()), "{w} lost from {page:?}: {cut:?}");
                }
            }
            for needle in ["a < b", "color: red", "a comment", "icon", "x.js"] {
                prop_assert!(!cut.contains(needle), "{needle} kept in {cut:?}");
            }
        }

        #[test]
        fn cut_never_panics_on_any_text(page in "(<|>|!|-|/|\"|'|[a-z]| |\\n|é|script|style|svg|ld\\+json){0,200}") {
            let cut = strip_inert(&page);
            prop_assert!(cut.len() <= page.len());
            if !page.contains('<') {
                prop_assert_eq!(cut.as_ref(), page.as_str());
            }
        }
    }
}

/// The section an outlet files a page under comes from Open Graph's `article:section`, else from
/// JSON-LD's `articleSection` (the first of a list), cleaned; a page naming none has none.
#[test]
fn sections_from_page_metadata() {
    let body = "<p>The ministers met for three hours in the capital and agreed on a text about the border crossings.</p>";
    let og = format!(
        "<html><head><title>T</title><meta property=\"article:section\" content=\"  World \n News \"></head><body><article>{body}</article></body></html>"
    );
    assert_eq!(
        extract_html(og.as_bytes(), None, None).section.as_deref(),
        Some("World News")
    );
    let ld = format!(
        "<html><head><title>T</title><script type=\"application/ld+json\">{{\"@type\":\"NewsArticle\",\"headline\":\"T\",\"articleSection\":[\"Politik\",\"Inland\"]}}</script></head><body><article>{body}</article></body></html>"
    );
    assert_eq!(
        extract_html(ld.as_bytes(), None, None).section.as_deref(),
        Some("Politik")
    );
    let none =
        format!("<html><head><title>T</title></head><body><article>{body}</article></body></html>");
    assert_eq!(extract_html(none.as_bytes(), None, None).section, None);
}
