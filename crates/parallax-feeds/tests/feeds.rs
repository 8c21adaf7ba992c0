//! Integration tests for parallax-feeds: fixtures in `tests/data/feeds/`, damaged input,
//! OPML round trips and property tests.

use std::io::Write;

use chrono::{TimeZone, Utc};
use parallax_feeds::{
    FeedError, FeedKind, OpmlOutline, ParsedFeed, canonical_url, parse_feed, parse_opml, write_opml,
};
use proptest::prelude::*;

const FEED_URL: &str = "https://feeds.example.com/path/feed.xml";

fn fixture(name: &str) -> Vec<u8> {
    let path = format!(
        "{}/../../tests/data/feeds/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read(&path).unwrap_or_else(|e| panic!("cannot read {path}: {e}"))
}

fn parse_fixture(name: &str) -> ParsedFeed {
    parse_feed(&fixture(name), FEED_URL).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn urls(feed: &ParsedFeed) -> Vec<&str> {
    feed.entries.iter().map(|e| e.url.as_str()).collect()
}

fn assert_canonical(feed: &ParsedFeed) {
    for u in feed
        .entries
        .iter()
        .map(|e| &e.url)
        .chain(feed.sitemaps.iter())
    {
        assert_eq!(canonical_url(u, None).as_deref(), Some(u.as_str()), "{u}");
    }
}

#[test]
fn rss2_fixture() {
    let f = parse_fixture("rss2.xml");
    assert_eq!(f.kind, FeedKind::Rss);
    assert_eq!(f.title.as_deref(), Some("The Example Herald – World"));
    assert_eq!(
        urls(&f),
        [
            // whitespace trimmed, host lowercased, tracking params and fragment dropped
            "https://herald.example.com/world/2024/05/01/summit-ends?id=42",
            // relative link resolved against the channel <link>
            "https://herald.example.com/markets/2024/05/02/rally",
            // no <link>: permalink guid
            "https://herald.example.com/world/2024/05/03/guid-only",
            "https://herald.example.com/culture/2024/05/04/content-only",
        ]
    );
    let first = &f.entries[0];
    assert_eq!(
        first.title.as_deref(),
        Some("Summit ends with joint statement")
    );
    assert_eq!(
        first.summary.as_deref(),
        Some("Leaders agreed on a five-point plan.")
    );
    assert_eq!(
        first.published,
        Some(Utc.with_ymd_and_hms(2024, 5, 1, 10, 30, 0).unwrap())
    );
    assert_eq!(first.id.as_deref(), Some("herald-42"));
    assert_eq!(first.language.as_deref(), Some("en-gb"));
    // CDATA wrapped twice: no "]]>" artifact left
    assert_eq!(
        f.entries[1].title.as_deref(),
        Some("Markets rally after rate decision")
    );
    assert_eq!(
        f.entries[2].published,
        Some(Utc.with_ymd_and_hms(2024, 5, 3, 12, 0, 0).unwrap())
    );
    // content:encoded only: summary from content, script dropped
    assert_eq!(
        f.entries[3].summary.as_deref(),
        Some("Full article text here.")
    );
    assert_eq!(f.warnings, ["1 entry had no link and was skipped"]);
    assert_canonical(&f);
}

#[test]
fn rss091_fixture() {
    let f = parse_fixture("rss091.xml");
    assert_eq!(f.kind, FeedKind::Rss);
    assert_eq!(f.title.as_deref(), Some("Old Gazette"));
    assert_eq!(
        urls(&f),
        [
            "http://gazette.example.net/stories/1.html",
            "http://gazette.example.net/stories/2.html"
        ]
    );
    assert!(f.warnings.is_empty(), "{:?}", f.warnings);
}

#[test]
fn rdf_fixture() {
    let f = parse_fixture("rdf.xml");
    assert_eq!(f.kind, FeedKind::Rdf);
    assert_eq!(
        urls(&f),
        [
            "https://tribune.example.org/a/1",
            "https://tribune.example.org/a/2"
        ]
    );
    assert_eq!(
        f.entries[0].published,
        Some(Utc.with_ymd_and_hms(2024, 4, 30, 7, 15, 0).unwrap())
    );
    assert_eq!(f.entries[0].language.as_deref(), Some("de"));
}

#[test]
fn atom_fixture() {
    let f = parse_fixture("atom.xml");
    assert_eq!(f.kind, FeedKind::Atom);
    assert_eq!(f.title.as_deref(), Some("The Example Observer"));
    assert_eq!(
        urls(&f),
        [
            // rel="alternate" preferred over self / replies; resolved against xml:base
            "https://observer.example.org/blog/2024/alternate",
            // entry-level xml:base
            "https://observer.example.org/other/piece.html",
            "https://observer.example.org/blog/2024/english",
        ]
    );
    let first = &f.entries[0];
    assert_eq!(first.summary.as_deref(), Some("An HTML summary here."));
    // published preferred over updated
    assert_eq!(
        first.published,
        Some(Utc.with_ymd_and_hms(2024, 5, 4, 6, 0, 0).unwrap())
    );
    // updated when there is no published
    assert_eq!(
        f.entries[1].published,
        Some(Utc.with_ymd_and_hms(2024, 5, 3, 7, 0, 0).unwrap())
    );
    assert_eq!(f.entries[1].summary.as_deref(), Some("XHTML content body."));
    assert_eq!(first.id.as_deref(), Some("tag:observer.example.org,2024:1"));
    assert_eq!(first.language.as_deref(), Some("fr"));
}

#[test]
fn json_feed_fixture() {
    let f = parse_fixture("feed.json");
    assert_eq!(f.kind, FeedKind::JsonFeed);
    assert_eq!(f.title.as_deref(), Some("Example Wire"));
    assert_eq!(
        urls(&f),
        [
            "https://wire.example.com/2024/05/01/one",
            "https://wire.example.com/2024/05/02/two",
            "https://elsewhere.example.net/story",
        ]
    );
    assert_eq!(f.entries[1].summary.as_deref(), Some("Texto completo."));
    assert_eq!(
        f.entries[1].published,
        Some(Utc.with_ymd_and_hms(2024, 5, 2, 9, 0, 0).unwrap())
    );
    assert_eq!(f.entries[0].language.as_deref(), Some("es"));
    assert_eq!(f.warnings, ["1 entry had no link and was skipped"]);
}

#[test]
fn json_feed_old_version_and_non_feed_json() {
    let old = br#"{"version":"http://jsonfeed.org/version/1","title":"T","items":[{"id":"1","url":"https://a.example.com/x"}]}"#;
    let f = parse_feed(old, FEED_URL).unwrap();
    assert_eq!(urls(&f), ["https://a.example.com/x"]);
    assert!(f.warnings.is_empty(), "{:?}", f.warnings);

    let err = parse_feed(br#"{"hello":"world"}"#, FEED_URL).unwrap_err();
    assert!(
        matches!(err, FeedError::NotAFeed(ref m) if m.contains("JSON")),
        "{err}"
    );
    let err = parse_feed(br#"{"items": [1, 2"#, FEED_URL).unwrap_err();
    assert!(matches!(err, FeedError::Malformed(_)), "{err}");
}

#[test]
fn sitemap_news_fixture() {
    let f = parse_fixture("sitemap-news.xml");
    assert_eq!(f.kind, FeedKind::Sitemap);
    assert_eq!(f.title, None);
    assert_eq!(
        urls(&f),
        [
            "https://daily.example.com/politics/2024/05/01/vote?ref=home",
            "https://daily.example.com/sport/2024/05/01/final",
            "https://daily.example.com/world/2024/05/02/cdata",
        ]
    );
    let vote = &f.entries[0];
    assert_eq!(
        vote.title.as_deref(),
        Some("Parliament & senate vote on budget")
    );
    // news:publication_date wins over lastmod
    assert_eq!(
        vote.published,
        Some(Utc.with_ymd_and_hms(2024, 5, 1, 9, 0, 0).unwrap())
    );
    assert_eq!(vote.language.as_deref(), Some("en"));
    // lastmod as a plain date
    assert_eq!(
        f.entries[1].published,
        Some(Utc.with_ymd_and_hms(2024, 5, 1, 0, 0, 0).unwrap())
    );
    assert_eq!(f.entries[2].title.as_deref(), Some("Un titre important"));
    assert_eq!(f.entries[2].language.as_deref(), Some("fr"));
    assert!(
        f.warnings
            .iter()
            .any(|w| w == "1 <url> had no <loc> and was skipped")
    );
    assert!(
        f.warnings
            .iter()
            .any(|w| w
                .contains("repeated 2 times: https://daily.example.com/sport/2024/05/01/final"))
    );
    assert_canonical(&f);
}

#[test]
fn sitemap_index_fixture() {
    let f = parse_fixture("sitemap-index.xml");
    assert_eq!(f.kind, FeedKind::SitemapIndex);
    assert!(f.entries.is_empty());
    assert_eq!(
        f.sitemaps,
        [
            "https://daily.example.com/sitemaps/news.xml",
            "https://daily.example.com/sitemaps/2024-04.xml.gz",
            "https://feeds.example.com/sitemaps/2024-03.xml",
        ]
    );
    assert_eq!(f.warnings, ["1 repeated child sitemap was dropped"]);
}

#[test]
fn gzip_sitemap() {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    enc.write_all(&fixture("sitemap-news.xml")).unwrap();
    let gz = enc.finish().unwrap();
    let f = parse_feed(&gz, "https://daily.example.com/sitemap.xml.gz").unwrap();
    assert_eq!(f.kind, FeedKind::Sitemap);
    assert_eq!(f.entries.len(), 3);
}

#[test]
fn gzip_bomb_is_an_error() {
    // 60 MB of zeros compresses to ~60 KB; inflating must stop at the 50 MB cap.
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    let chunk = vec![0u8; 1024 * 1024];
    for _ in 0..60 {
        enc.write_all(&chunk).unwrap();
    }
    let gz = enc.finish().unwrap();
    assert!(gz.len() < 1024 * 1024);
    let err = parse_feed(&gz, FEED_URL).unwrap_err();
    assert!(matches!(err, FeedError::TooLarge(_)), "{err}");

    let err = parse_feed(&[0x1f, 0x8b, 8, 0, 0, 0], FEED_URL).unwrap_err();
    assert!(matches!(err, FeedError::Malformed(_)), "{err}");
}

#[test]
fn cp1251_fixture() {
    let f = parse_fixture("cp1251-rss.xml");
    assert_eq!(f.title.as_deref(), Some("Пример Вестник"));
    assert_eq!(f.entries[0].title.as_deref(), Some("Главная новость дня"));
    assert_eq!(
        f.entries[0].summary.as_deref(),
        Some("Краткое описание — с тире.")
    );
    assert_eq!(f.entries[0].language.as_deref(), Some("ru"));
    assert!(f.warnings.is_empty(), "{:?}", f.warnings);
}

#[test]
fn latin1_generated_and_mislabelled_charsets() {
    let doc = "<?xml version='1.0' encoding='ISO-8859-1'?><rss version='2.0'><channel><title>Crème brûlée</title>\
               <item><title>Señor Müller</title><link>https://latin.example.com/a</link></item></channel></rss>";
    let (bytes, _, _) = encoding_rs::WINDOWS_1252.encode(doc);
    let f = parse_feed(&bytes, FEED_URL).unwrap();
    assert_eq!(f.title.as_deref(), Some("Crème brûlée"));
    assert_eq!(f.entries[0].title.as_deref(), Some("Señor Müller"));

    // Declares UTF-8 but is actually windows-1251: detected, decoded, warned about.
    let doc = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><rss version=\"2.0\"><channel><title>Новости</title>\
               <item><title>Сегодня в городе прошёл большой праздник</title><link>https://ru.example.com/1</link></item></channel></rss>";
    let (bytes, _, _) = encoding_rs::WINDOWS_1251.encode(doc);
    let f = parse_feed(&bytes, FEED_URL).unwrap();
    assert_eq!(f.title.as_deref(), Some("Новости"));
    assert!(
        f.warnings
            .iter()
            .any(|w| w.contains("declares encoding UTF-8 but")),
        "{:?}",
        f.warnings
    );

    // UTF-16 with BOM.
    let mut utf16 = vec![0xff, 0xfe];
    for unit in "<rss version=\"2.0\"><channel><title>Wide</title><item><link>https://w.example.com/</link></item></channel></rss>".encode_utf16() {
        utf16.extend_from_slice(&unit.to_le_bytes());
    }
    let f = parse_feed(&utf16, FEED_URL).unwrap();
    assert_eq!(f.title.as_deref(), Some("Wide"));
    assert_eq!(urls(&f), ["https://w.example.com/"]);
}

#[test]
fn bom_and_leading_whitespace() {
    let mut body = b"\xef\xbb\xbf\n\n   ".to_vec();
    body.extend_from_slice(&fixture("rss091.xml"));
    let f = parse_feed(&body, FEED_URL).unwrap();
    assert_eq!(f.entries.len(), 2);

    let body = b"Warning: something in /var/www/feed.php on line 3\n<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>J</title></channel></rss>";
    let f = parse_feed(body, FEED_URL).unwrap();
    assert_eq!(f.title.as_deref(), Some("J"));
    assert!(f.warnings.iter().any(|w| w.contains("ignored")));
}

#[test]
fn entities_fixture() {
    let f = parse_fixture("entities.xml");
    assert_eq!(f.title.as_deref(), Some("Café Chronicle"));
    let e = &f.entries[0];
    assert_eq!(e.url, "https://chronicle.example.com/story?a=1&b=2");
    assert_eq!(e.title.as_deref(), Some("AT&T — earnings beat – again"));
    assert_eq!(
        e.summary.as_deref(),
        Some("Résumé … with markup &unknownentity; here")
    );
}

#[test]
fn repeated_fixture() {
    let f = parse_fixture("repeated.xml");
    assert_eq!(
        urls(&f),
        [
            "https://echo.example.com/same",
            "https://echo.example.com/other"
        ]
    );
    assert_eq!(f.entries[0].title.as_deref(), Some("Same story"));
    // missing fields are filled from the repeats
    assert!(f.entries[0].published.is_some());
    assert_eq!(
        f.warnings,
        ["entry repeated 4 times: https://echo.example.com/same"]
    );
}

#[test]
fn malformed_fixture() {
    let err = parse_feed(&fixture("malformed.xml"), FEED_URL).unwrap_err();
    match err {
        FeedError::Malformed(msg) => assert!(msg.contains("</titel>"), "{msg}"),
        other => panic!("expected Malformed, got {other:?}"),
    }
    let err = parse_feed(b"<rss version=\"2.0\"><channel><title>x</chan", FEED_URL).unwrap_err();
    assert!(matches!(err, FeedError::Malformed(_)), "{err}");
}

#[test]
fn html_and_other_non_feeds() {
    let err = parse_feed(&fixture("html-page.html"), FEED_URL).unwrap_err();
    assert_eq!(
        err,
        FeedError::NotAFeed("an HTML page, not a feed".to_owned())
    );
    // HTML that is not even well-formed XML
    let err = parse_feed(b"<html><body><p>unclosed<br></body></html>", FEED_URL).unwrap_err();
    assert_eq!(
        err,
        FeedError::NotAFeed("an HTML page, not a feed".to_owned())
    );

    for empty in [&b""[..], b"   \n\t", b"\xef\xbb\xbf"] {
        let err = parse_feed(empty, FEED_URL).unwrap_err();
        assert_eq!(err, FeedError::NotAFeed("an empty body".to_owned()));
    }
    assert!(matches!(
        parse_feed(b"just some words", FEED_URL),
        Err(FeedError::NotAFeed(m)) if m.contains("plain text")
    ));
    assert!(matches!(
        parse_feed(b"<svg xmlns='http://www.w3.org/2000/svg'/>", FEED_URL),
        Err(FeedError::NotAFeed(m)) if m.contains("<svg>")
    ));
    assert!(matches!(
        parse_feed(b"<opml version='2.0'><body/></opml>", FEED_URL),
        Err(FeedError::NotAFeed(m)) if m.contains("OPML")
    ));
}

#[test]
fn rss_without_or_with_odd_version() {
    let body = b"<rss><channel><title>No version</title><item><link>https://nv.example.com/1</link></item></channel></rss>";
    let f = parse_feed(body, FEED_URL).unwrap();
    assert_eq!(urls(&f), ["https://nv.example.com/1"]);
    assert!(f.warnings.iter().any(|w| w.contains("no RSS version")));

    let body = b"<rss version='0.94'><channel><title>Odd</title><item><link>https://nv.example.com/2</link></item></channel></rss>";
    let f = parse_feed(body, FEED_URL).unwrap();
    assert_eq!(urls(&f), ["https://nv.example.com/2"]);
}

#[test]
fn unusable_links_and_bad_feed_url() {
    let body =
        b"<rss version='2.0'><channel><title>T</title><link>https://site.example.com/</link>\
        <item><link>mailto:desk@example.com</link></item>\
        <item><link>javascript:void(0)</link></item>\
        <item><link>/ok</link></item></channel></rss>";
    // An unusable feed URL: the channel link is the base.
    let f = parse_feed(body, "not a url").unwrap();
    assert_eq!(urls(&f), ["https://site.example.com/ok"]);
    assert!(
        f.warnings
            .iter()
            .any(|w| w.starts_with("2 entries had a link that is not an absolute http(s) URL")),
        "{:?}",
        f.warnings
    );
}

#[test]
fn atom_without_feed_url_uses_alternate_link() {
    let body = br#"<feed xmlns="http://www.w3.org/2005/Atom"><title>A</title>
        <link rel="alternate" href="https://atom.example.com/"/>
        <entry><title>E</title><link href="posts/1"/><id>1</id></entry></feed>"#;
    let f = parse_feed(body, "").unwrap();
    assert_eq!(urls(&f), ["https://atom.example.com/posts/1"]);
}

#[test]
fn invalid_xml_base_is_ignored() {
    let body = br#"<feed xmlns="http://www.w3.org/2005/Atom" xml:base="http://[broken"><title>A</title>
        <entry><title>E</title><link href="https://atom.example.com/p/1"/><id>1</id></entry></feed>"#;
    let f = parse_feed(body, FEED_URL).unwrap();
    assert_eq!(urls(&f), ["https://atom.example.com/p/1"]);
}

#[test]
fn opml_parse_nested() {
    let opml = r#"<?xml version="1.0" encoding="UTF-8"?>
<opml version="2.0">
  <head><title>My feeds</title></head>
  <body>
    <outline text="News">
      <outline text="World" title="World desk">
        <outline type="rss" text="Herald" xmlUrl="https://herald.example.com/rss.xml" htmlUrl="https://herald.example.com/" language="en"/>
      </outline>
      <outline type="rss" text="Tribune" xmlUrl=" https://tribune.example.org/rss "/>
    </outline>
    <outline type="rss" title="Loose &amp; free" xmlUrl="https://loose.example.net/feed" category="/Tech/Web,/Other"/>
    <outline type="rss" text="Duplicate" xmlUrl="https://herald.example.com/rss.xml"/>
    <outline text="Empty folder"/>
    <outline type="rss" text="No url" xmlUrl=""/>
  </body>
</opml>"#;
    let out = parse_opml(opml.as_bytes()).unwrap();
    assert_eq!(
        out,
        [
            OpmlOutline {
                title: Some("Herald".into()),
                xml_url: "https://herald.example.com/rss.xml".into(),
                html_url: Some("https://herald.example.com/".into()),
                category: Some("World".into()),
                language: Some("en".into()),
            },
            OpmlOutline {
                title: Some("Tribune".into()),
                xml_url: "https://tribune.example.org/rss".into(),
                html_url: None,
                category: Some("News".into()),
                language: None,
            },
            OpmlOutline {
                title: Some("Loose & free".into()),
                xml_url: "https://loose.example.net/feed".into(),
                html_url: None,
                category: Some("Tech/Web".into()),
                language: None,
            },
        ]
    );
}

#[test]
fn opml_errors() {
    assert!(matches!(parse_opml(b""), Err(FeedError::NotAFeed(_))));
    assert!(matches!(
        parse_opml(&fixture("rss2.xml")),
        Err(FeedError::NotAFeed(m)) if m.contains("not an OPML")
    ));
    assert!(matches!(
        parse_opml(b"<opml><body><outline xmlUrl='x'></body></opml>"),
        Err(FeedError::Malformed(_))
    ));
    assert_eq!(
        parse_opml(&fixture("html-page.html")),
        Err(FeedError::NotAFeed("an HTML page, not a feed".to_owned()))
    );
}

#[test]
fn opml_round_trip() {
    let outlines = vec![
        OpmlOutline {
            title: Some("Tom & Jerry's \"feed\" <daily>".into()),
            xml_url: "https://a.example.com/feed?x=1&y=2".into(),
            html_url: Some("https://a.example.com/".into()),
            category: Some("Cartoons & more".into()),
            language: Some("en".into()),
        },
        OpmlOutline {
            title: None,
            xml_url: "https://b.example.com/rss".into(),
            html_url: None,
            category: None,
            language: None,
        },
        OpmlOutline {
            title: Some("Новости\tдня".into()),
            xml_url: "https://c.example.ru/rss".into(),
            html_url: None,
            category: Some("Cartoons & more".into()),
            language: Some("ru".into()),
        },
    ];
    let xml = write_opml("Export <1> & co", &outlines);
    assert!(xml.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<opml version=\"2.0\">"));
    assert!(xml.contains("<title>Export &lt;1&gt; &amp; co</title>"));
    let back = parse_opml(xml.as_bytes()).unwrap();
    // grouped by category: the two "Cartoons" feeds come together, in first-appearance order
    let expected = vec![
        outlines[0].clone(),
        outlines[2].clone(),
        outlines[1].clone(),
    ];
    assert_eq!(back, expected);
}

#[test]
fn canonical_url_examples() {
    assert_eq!(
        canonical_url(
            "HTTP://WWW.Example.COM:80/a/./b/../c?utm_source=x&q=1&gclid=2&mc_cid=3&mc_eid=4&igshid=5&ocid=6&cmpid=7&_ga=8&ref_src=9&z=0#frag",
            None
        )
        .as_deref(),
        Some("http://www.example.com/a/c?q=1&z=0")
    );
    assert_eq!(
        canonical_url("../x?b=2&a=1", Some("https://example.com/a/b/c")).as_deref(),
        Some("https://example.com/a/x?b=2&a=1")
    );
    assert_eq!(canonical_url("ftp://example.com/", None), None);
    assert_eq!(
        canonical_url("https://bücher.example/", None).as_deref(),
        Some("https://xn--bcher-kva.example/")
    );
}

fn url_strategy() -> impl Strategy<Value = String> {
    let scheme = prop_oneof![
        Just("http://"),
        Just("HTTPS://"),
        Just("https://"),
        Just("ftp://"),
        Just(""),
        Just("//")
    ];
    let host = prop_oneof![
        Just("Example.COM".to_owned()),
        Just("a.example.org:80".to_owned()),
        Just("b.example.net:443".to_owned()),
        Just("[::1]:8080".to_owned()),
        Just("127.0.0.1".to_owned()),
        Just("bücher.example".to_owned()),
        "[a-z0-9.-]{0,12}",
    ];
    let path = "(/[a-zA-Z0-9%._~!$&'()*+,;=:@ -]{0,8}){0,4}";
    let query = prop_oneof![
        Just(String::new()),
        "\\?([a-zA-Z_]{1,8}(=[a-zA-Z0-9%+ ]{0,6})?&?){0,4}",
        Just("?utm_source=x&a=1&fbclid=2".to_owned()),
        Just("?".to_owned()),
    ];
    let fragment = prop_oneof![Just(String::new()), "#[a-z]{0,5}"];
    (scheme, host, path, query, fragment).prop_map(|(s, h, p, q, f)| format!("{s}{h}{p}{q}{f}"))
}

proptest! {
    // 512 cases by default; set PROPTEST_CASES for a longer fuzzing run.
    #![proptest_config(ProptestConfig {
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(512),
        ..ProptestConfig::default()
    })]

    #[test]
    fn parse_feed_never_panics_on_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        let _ = parse_feed(&bytes, FEED_URL);
        let _ = parse_opml(&bytes);
    }

    #[test]
    fn parse_feed_never_panics_on_xmlish(s in "(<[a-zA-Z:]{0,6}( [a-z:]{1,8}=['\"][^'\"]{0,8}['\"])?/?>|</[a-z]{0,6}>|&[a-z#0-9]{0,6};?|<!\\[CDATA\\[|\\]\\]>|<\\?xml[^>]{0,10}\\?>|[^<&]{0,10}){0,40}") {
        for prefix in ["", "<rss version='2.0'><channel>", "<feed xmlns='http://www.w3.org/2005/Atom'>", "<urlset><url><loc>", "<opml><body>"] {
            let body = format!("{prefix}{s}");
            let _ = parse_feed(body.as_bytes(), FEED_URL);
            let _ = parse_feed(body.as_bytes(), "");
            let _ = parse_opml(body.as_bytes());
        }
    }

    #[test]
    fn parse_feed_never_panics_on_damaged_fixtures(idx in 0usize..9, cut in 0usize..4096, flip in any::<u8>(), at in 0usize..4096) {
        let names = ["rss2.xml", "rss091.xml", "rdf.xml", "atom.xml", "feed.json", "sitemap-news.xml", "sitemap-index.xml", "entities.xml", "cp1251-rss.xml"];
        let mut bytes = fixture(names[idx]);
        if !bytes.is_empty() {
            let at = at % bytes.len();
            bytes[at] = flip;
        }
        bytes.truncate(cut.min(bytes.len()));
        let _ = parse_feed(&bytes, FEED_URL);
    }

    #[test]
    fn canonical_url_is_idempotent(url in url_strategy(), base in prop_oneof![Just(None), Just(Some("https://base.example.com/dir/page?x=1"))]) {
        if let Some(c) = canonical_url(&url, base) {
            prop_assert_eq!(canonical_url(&c, None), Some(c.clone()));
            prop_assert!(c.starts_with("http://") || c.starts_with("https://"));
            prop_assert!(!c.contains('#'));
            prop_assert!(!c.contains("utm_"));
        }
    }

    #[test]
    fn canonical_url_is_idempotent_on_any_string(url in "\\PC{0,40}") {
        if let Some(c) = canonical_url(&url, Some("https://base.example.com/")) {
            prop_assert_eq!(canonical_url(&c, None), Some(c.clone()));
        }
    }

    #[test]
    fn opml_round_trips(entries in proptest::collection::vec(("\\PC{0,12}", "[a-z]{1,8}", proptest::option::of("[A-Za-z &<>\"']{1,8}")), 0..8)) {
        let outlines: Vec<OpmlOutline> = entries.iter().enumerate().map(|(i, (t, host, cat))| OpmlOutline {
            title: Some(t.trim().to_owned()).filter(|t| !t.is_empty() && !t.chars().any(|c| c.is_control())),
            xml_url: format!("https://{host}.example.com/{i}"),
            html_url: None,
            category: cat.as_ref().map(|c| c.trim().to_owned()).filter(|c| !c.is_empty()),
            language: None,
        }).collect();
        let xml = write_opml("t", &outlines);
        let back = parse_opml(xml.as_bytes()).unwrap();
        let mut expected = Vec::new();
        let mut cats: Vec<Option<String>> = Vec::new();
        for o in &outlines {
            if !cats.contains(&o.category) { cats.push(o.category.clone()); }
        }
        for c in &cats {
            expected.extend(outlines.iter().filter(|o| &o.category == c).cloned());
        }
        prop_assert_eq!(back, expected);
    }
}

/// An entry's section is its first category (an Atom label before its term); entries without
/// one take the feed's.
#[test]
fn entries_carry_their_first_category() {
    let rss = br#"<?xml version="1.0"?><rss version="2.0"><channel><title>T</title><link>https://news.example.com/</link>
<category>World</category>
<item><title>A</title><link>https://news.example.com/a</link><category>Business</category><category>Markets</category></item>
<item><title>B</title><link>https://news.example.com/b</link></item>
</channel></rss>"#;
    let feed = parse_feed(rss, FEED_URL).unwrap();
    let cats: Vec<Option<&str>> = feed.entries.iter().map(|e| e.category.as_deref()).collect();
    assert_eq!(cats, [Some("Business"), Some("World")]);
    let atom = br#"<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>T</title><id>urn:x</id><updated>2025-07-03T12:00:00Z</updated>
<entry><title>A</title><id>urn:a</id><updated>2025-07-03T12:00:00Z</updated><link href="https://news.example.com/a"/><category term="pol" label="Politics"/></entry>
</feed>"#;
    let feed = parse_feed(atom, FEED_URL).unwrap();
    assert_eq!(feed.entries[0].category.as_deref(), Some("Politics"));
}
