//! The outlet directory: host folding, the public-suffix floor, country-code top-level domains,
//! name and label look-ups, and the facts of the shipped directory.

use parallax_core::OwnershipType;
use parallax_sources::{Directory, GDELT_CREDIT, country_from_tld, registrable_domain};

const HEAD: &str = "#origin\tt\tTest list (CC0)\n\
    host\tname\tname_origin\tcountry\tcountry_origin\tlanguages\tlanguages_origin\towner\t\
    ownership\townership_detail\townership_origin\tinferred_country\tinferred_share\n";

/// A directory of rows given as (host, name, home country, inferred country).
fn directory(rows: &[(&str, &str, &str, &str)]) -> Directory {
    let mut text = HEAD.to_string();
    for (host, name, country, inferred) in rows {
        let name_origin = if name.is_empty() { "" } else { "t" };
        let country_origin = if country.is_empty() { "" } else { "t" };
        let share = if inferred.is_empty() { "" } else { "0.50" };
        text.push_str(&format!(
            "{host}\t{name}\t{name_origin}\t{country}\t{country_origin}\t\t\t\t\t\t\t{inferred}\t{share}\n"
        ));
    }
    Directory::from_tsv(&text).unwrap()
}

fn host_of(d: &Directory, query: &str) -> Option<String> {
    d.lookup(query).map(|e| e.host.clone())
}

#[test]
fn subdomains_and_mobile_sites_fold_to_the_listed_host() {
    let d = directory(&[
        ("cnn.com", "CNN", "", "US"),
        ("lemonde.fr", "Le Monde", "FR", "FR"),
    ]);
    for query in [
        "cnn.com",
        "edition.cnn.com",
        "m.cnn.com",
        "amp.cnn.com",
        "mobile.cnn.com",
        "WWW.CNN.COM",
        "www.cnn.com.",
        "Edition.CNN.com.",
        "a.b.edition.cnn.com",
    ] {
        assert_eq!(host_of(&d, query).as_deref(), Some("cnn.com"), "{query}");
    }
    assert_eq!(host_of(&d, "www.lemonde.fr").as_deref(), Some("lemonde.fr"));
    assert_eq!(host_of(&d, "fox.com"), None);
    assert_eq!(host_of(&d, "cnn.co"), None);
    assert_eq!(host_of(&d, ""), None);
    assert_eq!(host_of(&d, "127.0.0.1"), None);
}

#[test]
fn lookups_never_go_above_the_registrable_domain() {
    let d = directory(&[
        ("blogspot.com", "Blogger", "", "US"),
        ("foo.blogspot.com", "Foo", "", ""),
        ("co.uk", "", "", "GB"),
        ("bbc.co.uk", "BBC", "GB", "GB"),
        ("github.io", "", "", "US"),
    ]);
    assert_eq!(
        host_of(&d, "foo.blogspot.com").as_deref(),
        Some("foo.blogspot.com")
    );
    assert_eq!(
        host_of(&d, "www.foo.blogspot.com").as_deref(),
        Some("foo.blogspot.com")
    );
    assert_eq!(
        host_of(&d, "bar.foo.blogspot.com").as_deref(),
        Some("foo.blogspot.com")
    );
    assert_eq!(host_of(&d, "other.blogspot.com"), None);
    assert_eq!(host_of(&d, "x.other.blogspot.com"), None);
    assert_eq!(host_of(&d, "someone.github.io"), None);
    assert_eq!(host_of(&d, "news.bbc.co.uk").as_deref(), Some("bbc.co.uk"));
    assert_eq!(host_of(&d, "example.co.uk"), None);
    assert_eq!(host_of(&d, "www.example.co.uk"), None);
    // The host itself is always found, even a bare suffix.
    assert_eq!(host_of(&d, "blogspot.com").as_deref(), Some("blogspot.com"));
}

#[test]
fn registrable_domains_follow_the_public_suffix_list() {
    let cases = [
        ("edition.cnn.com", Some("cnn.com")),
        ("news.bbc.co.uk", Some("bbc.co.uk")),
        ("WWW.BBC.CO.UK.", Some("bbc.co.uk")),
        ("foo.blogspot.com", Some("foo.blogspot.com")),
        ("a.b.foo.blogspot.com", Some("foo.blogspot.com")),
        ("www.abc.net.au", Some("abc.net.au")),
        ("co.uk", None),
        ("com", None),
        ("blogspot.com", None),
        ("192.168.1.1", None),
        ("[2001:db8::1]", None),
        ("localhost", None),
        ("not a host", None),
        ("example.invalidtld", None),
    ];
    for (host, want) in cases {
        assert_eq!(registrable_domain(host).as_deref(), want, "{host}");
    }
}

#[test]
fn country_code_top_level_domains_name_countries() {
    let cases = [
        ("bbc.co.uk", Some("GB")),
        ("www.lemonde.fr", Some("FR")),
        ("ukrinform.ua", Some("UA")),
        ("news.am", Some("AM")),
        ("ruv.is", Some("IS")),
        ("xn--e1afmkfd.xn--p1ai", Some("RU")),
        ("пример.рф", Some("RU")),
        ("cnn.com", None),
        ("europa.eu", None),
        ("twitch.tv", None),
        ("example.io", None),
        ("t.co", None),
        ("bit.ly", None),
        ("about.me", None),
        ("example.fm", None),
        ("foo.service.gov.uk", None),
        ("www.gov.uk", Some("GB")),
        ("foo.blogspot.com", None),
        ("co.uk", None),
        ("10.0.0.1", None),
    ];
    for (host, want) in cases {
        assert_eq!(country_from_tld(host), want, "{host}");
    }
}

#[test]
fn names_match_after_folding_case_diacritics_and_punctuation() {
    let d = directory(&[
        ("lemonde.fr", "Le Monde", "FR", ""),
        ("adevarul.ro", "Adevărul", "RO", ""),
        ("ukrinform.ua", "Ukrinform", "UA", ""),
        ("ukrinform.net", "Ukrinform", "UA", ""),
        ("lemonde-diplomatique.fr", "Le Monde diplomatique", "FR", ""),
    ]);
    for query in ["Le Monde", "le monde", "LE-MONDE", "  Le   Monde. "] {
        let hosts: Vec<&str> = d.by_name(query).iter().map(|e| e.host.as_str()).collect();
        assert_eq!(hosts, ["lemonde.fr"], "{query}");
    }
    assert_eq!(d.by_name("Adevarul").len(), 1);
    assert_eq!(d.by_name("ADEVĂRUL").len(), 1);
    let hosts: Vec<&str> = d
        .by_name("UKRINFORM")
        .iter()
        .map(|e| e.host.as_str())
        .collect();
    assert_eq!(hosts, ["ukrinform.net", "ukrinform.ua"]);
    assert!(d.by_name("Monde").is_empty());
    assert!(d.by_name("").is_empty());
}

#[test]
fn labels_find_the_registrable_domains_first_label() {
    let d = directory(&[
        ("menafn.com", "MENAFN", "", "US"),
        ("news.menafn.net", "", "", ""),
        ("bbc.co.uk", "BBC", "GB", ""),
        ("news.bbc.co.uk", "", "", ""),
        ("menafnx.com", "", "", ""),
    ]);
    let hosts =
        |label: &str| -> Vec<String> { d.by_label(label).iter().map(|e| e.host.clone()).collect() };
    assert_eq!(hosts("menafn"), ["menafn.com", "news.menafn.net"]);
    assert_eq!(hosts("MENAFN"), ["menafn.com", "news.menafn.net"]);
    assert_eq!(hosts("bbc"), ["bbc.co.uk", "news.bbc.co.uk"]);
    assert!(hosts("co").is_empty());
    assert!(hosts("news").is_empty());
}

#[test]
fn the_builtin_directory_is_large_and_counts_home_countries() {
    let d = Directory::builtin();
    assert!(d.len() >= 100_000, "{} hosts", d.len());
    assert!(!d.is_empty());
    let home = d.home_countries();
    assert!(home.len() >= 100, "{} home countries", home.len());
    assert!(home["US"] > 100);
    assert!(home.values().sum::<usize>() < d.len());
    assert!(GDELT_CREDIT.contains("https://www.gdeltproject.org/"));
}

#[test]
fn ukrinform_is_ukrainian_state_media_by_the_state_media_list() {
    let d = Directory::builtin();
    for host in ["ukrinform.ua", "www.ukrinform.net", "ukrinform.net"] {
        let e = d.lookup(host).unwrap_or_else(|| panic!("{host} missing"));
        assert_eq!(e.country.as_deref(), Some("UA"), "{host}");
        let origin = e.country_origin.as_deref().unwrap_or_default();
        assert!(origin.contains("State Media Monitor"), "{host}: {origin}");
        assert!(e.owner.is_some(), "{host}");
        assert_eq!(e.ownership, Some(OwnershipType::State), "{host}");
        let detail = e.ownership_detail.as_deref().unwrap_or_default();
        assert!(
            detail.contains("State Media Monitor: SC"),
            "{host}: {detail}"
        );
        assert!(
            e.ownership_origin
                .as_deref()
                .unwrap_or_default()
                .contains("State Media")
        );
        assert_eq!(e.inferred_country.as_deref(), Some("UA"), "{host}");
    }
    let hosts: Vec<&str> = d
        .by_name("Ukrinform")
        .iter()
        .map(|e| e.host.as_str())
        .collect();
    assert!(
        hosts.contains(&"ukrinform.ua") && hosts.contains(&"ukrinform.net"),
        "{hosts:?}"
    );
}

#[test]
fn cnn_has_an_inferred_country_and_no_home_from_gdelt() {
    let d = Directory::builtin();
    let e = d.lookup("edition.cnn.com").expect("cnn.com");
    assert_eq!(e.host, "cnn.com");
    assert_eq!(e.inferred_country.as_deref(), Some("US"));
    assert!(e.inferred_share.is_some_and(|s| s > 0.3 && s <= 1.0));
    // A home country only from a curated list, never from GDELT.
    if e.country.is_some() {
        let origin = e.country_origin.as_deref().unwrap_or_default();
        assert!(!origin.is_empty() && !origin.contains("GDELT"), "{origin}");
    }
}

#[test]
fn aljazeera_home_country_is_not_gdelts() {
    let d = Directory::builtin();
    let e = d.lookup("www.aljazeera.com").expect("aljazeera.com");
    // GDELT's most-mentioned country is the US; the outlet's home is Qatar.
    assert_eq!(e.inferred_country.as_deref(), Some("US"));
    assert_eq!(e.country.as_deref(), Some("QA"));
    let origin = e.country_origin.as_deref().unwrap_or_default();
    assert!(!origin.contains("GDELT"), "{origin}");
}

#[test]
fn hosts_known_only_to_gdelt_have_no_home_country() {
    let d = Directory::builtin();
    let e = d.lookup("00221.info").expect("a GDELT-only domain");
    assert_eq!(e.country, None);
    assert_eq!(e.name, None);
    assert_eq!(e.inferred_country.as_deref(), Some("SN"));
    let with_home = d.home_countries().values().sum::<usize>();
    assert!(with_home < d.len() / 10, "{with_home} of {}", d.len());
}

#[test]
fn non_outlet_hosts_are_not_in_the_builtin_directory() {
    let d = Directory::builtin();
    for host in [
        "facebook.com",
        "youtube.com",
        "twitter.com",
        "wikipedia.org",
        "blogspot.com",
    ] {
        assert!(d.lookup(host).is_none(), "{host}");
    }
    assert!(!d.by_label("menafn").is_empty());
}

/// Time and memory of the first parse of the shipped directory:
/// `cargo test -p parallax-sources --release --test directory -- --ignored --nocapture`.
#[test]
#[ignore = "a measurement, not a check"]
fn builtin_parse_time_and_memory() {
    let rss = || {
        std::fs::read_to_string("/proc/self/status")
            .ok()
            .and_then(|s| {
                s.lines()
                    .find(|l| l.starts_with("VmRSS:"))
                    .and_then(|l| l.split_whitespace().nth(1)?.parse::<u64>().ok())
            })
            .unwrap_or(0)
    };
    let before = rss();
    let start = std::time::Instant::now();
    let d = Directory::builtin();
    let parsed = start.elapsed();
    let after = rss();
    let start = std::time::Instant::now();
    let found = [
        "edition.cnn.com",
        "ukrinform.ua",
        "www.aljazeera.com",
        "nowhere.example",
    ]
    .iter()
    .filter(|h| d.lookup(h).is_some())
    .count();
    let looked_up = start.elapsed();
    println!(
        "{} hosts: first use {parsed:?}, RSS +{} kB; {found} of 4 look-ups found in {looked_up:?}",
        d.len(),
        after.saturating_sub(before)
    );
}
