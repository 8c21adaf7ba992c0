//! Attribution: the order of trust, subdomain folding, the masthead and credit rules, ratings.

use parallax_core::{
    AttributionEvidence, AttributionMethod, CountryBasis, ProvidedRating, RatingKind, SourceId,
};
use parallax_sources::{Attributed, Attributor, Directory, Registry};

const TSV: &str = "\
#origin\twd\tWikidata (CC0)
#origin\tsmm\tState Media Monitor via ASD-at-GMF state-media-profiles (MIT)
host\tname\tname_origin\tcountry\tcountry_origin\tlanguages\tlanguages_origin\towner\townership\townership_detail\townership_origin\tinferred_country\tinferred_share
cnn.com\t\t\t\t\t\t\t\t\t\t\tUS\t0.62
menafn.com\t\t\t\t\t\t\t\t\t\t\tUS\t0.36
ukrinform.ua\tUkrinform\tsmm\tUA\tsmm\t\t\tUkrinform\tstate\tstate-controlled (State Media Monitor: SC)\tsmm\tUA\t0.70
ukrinform.net\tUkrinform\tsmm\tUA\tsmm\t\t\tUkrinform\tstate\tstate-controlled (State Media Monitor: SC)\tsmm\tUA\t0.71
kyivpost.com\tKyiv Post\twd\tUA\twd\ten\twd\t\t\t\t\tUA\t0.80
dailyplanet.ua\tDaily Planet\twd\t\t\t\t\t\t\t\t\tRU\t0.50
dailyplanet.com\tDaily Planet\twd\tUS\twd\t\t\t\t\t\t\t\t
twins-a.com\tTwin\twd\tFR\twd\t\t\t\t\t\t\t\t
twins-b.com\tTwin\twd\tDE\twd\t\t\t\t\t\t\t\t
afp.com\tAgence France-Presse\twd\tFR\twd\t\t\t\t\t\t\t\t
afp.gov.au\tAustralian Federal Police\twd\tAU\twd\t\t\t\t\t\t\t\t
lemonde.fr\t\t\t\t\t\t\t\t\t\t\tUS\t0.40
";

const REGISTRY: &str = r#"
[[source]]
id = "reuters"
name = "Reuters"
home_page = "https://www.reuters.com/"
country = "GB"
languages = ["en"]
feeds = ["https://www.reuters.com/rss"]
origin = "kite media_data (MIT); country: kite media_data (MIT)"
"#;

fn attributor(ratings: Vec<ProvidedRating>) -> Attributor {
    let directory: &'static Directory = Box::leak(Box::new(Directory::from_tsv(TSV).unwrap()));
    Attributor::new(Registry::from_toml(REGISTRY).unwrap(), directory, ratings)
}

fn by_url(a: &Attributor, url: &str) -> Attributed {
    a.attribute(Some(url), None, &AttributionEvidence::default())
}

fn name_country(a: &Attributed) -> (String, Option<String>, Option<CountryBasis>) {
    let s = a.source.as_ref().expect("an outlet");
    (
        s.name.clone(),
        s.country.clone(),
        s.provenance.country_basis,
    )
}

#[test]
fn the_order_of_trust() {
    let a = attributor(Vec::new());
    let reuters = Registry::from_toml(REGISTRY).unwrap().entries()[0]
        .source
        .id
        .clone();
    let mut e = AttributionEvidence {
        feed_source: Some(reuters.clone()),
        given_source: Some("Kyiv Post".into()),
        record_source: Some("CNN (Online News)".into()),
        site_name: Some("Some Site".into()),
        masthead: vec!["Ukrinform".into()],
        masthead_in_text: vec!["Ukrinform".into()],
        credit: Some("MENAFN".into()),
        ..Default::default()
    };
    let url = Some("https://edition.cnn.com/2025/07/03/x.html");
    let got = a.attribute(url, None, &e);
    assert_eq!(got.method, Some(AttributionMethod::Feed));
    assert_eq!(got.source.unwrap().id, reuters);
    e.feed_source = None;
    let got = a.attribute(url, None, &e);
    assert_eq!(got.method, Some(AttributionMethod::Given));
    assert_eq!(
        name_country(&got),
        (
            "Kyiv Post".into(),
            Some("UA".into()),
            Some(CountryBasis::Home)
        )
    );
    e.given_source = None;
    let got = a.attribute(url, None, &e);
    assert_eq!(got.method, Some(AttributionMethod::Record));
    // The record's name stands; the country comes from the address (inferred: GDELT only).
    assert_eq!(
        name_country(&got),
        (
            "CNN (Online News)".into(),
            Some("US".into()),
            Some(CountryBasis::InferredFromCoverage)
        )
    );
    let s = got.source.unwrap();
    assert_eq!(s.id, SourceId::from_key("cnn (online news)"));
    assert!(s.provenance.country.unwrap().contains("gdeltproject.org"));
    e.record_source = None;
    let got = a.attribute(url, None, &e);
    assert_eq!(got.method, Some(AttributionMethod::Url));
    assert_eq!(got.source.unwrap().id, SourceId::from_key("cnn.com"));
    let got = a.attribute(None, None, &e);
    assert_eq!(got.method, Some(AttributionMethod::SiteName));
    e.site_name = None;
    let got = a.attribute(None, None, &e);
    assert_eq!(got.method, Some(AttributionMethod::Masthead));
    assert_eq!(got.source.unwrap().name, "Ukrinform");
    e.masthead.clear();
    e.masthead_in_text.clear();
    let got = a.attribute(None, None, &e);
    assert_eq!(got.method, Some(AttributionMethod::Credit));
    e.credit = None;
    assert_eq!(a.attribute(None, None, &e).source, None);
}

#[test]
fn a_record_country_is_the_records_and_its_bias_is_given() {
    let a = attributor(Vec::new());
    let e = AttributionEvidence {
        record_source: Some("Local Paper".into()),
        record_country: Some("ie".into()),
        record_bias: Some("Center".into()),
        ..Default::default()
    };
    let got = a.attribute(Some("https://cnn.com/a"), None, &e);
    let s = got.source.unwrap();
    assert_eq!(s.country.as_deref(), Some("IE"));
    assert_eq!(s.provenance.country_basis, Some(CountryBasis::Home));
    assert_eq!(s.bias.unwrap().value, "center");
}

#[test]
fn subdomains_fold_to_the_outlet() {
    let a = attributor(Vec::new());
    for url in [
        "https://edition.cnn.com/x",
        "https://m.cnn.com/x",
        "https://amp.cnn.com/x",
        "https://WWW.CNN.COM./x",
        "https://cnn.com/x",
    ] {
        let got = by_url(&a, url);
        assert_eq!(
            got.source.unwrap().id,
            SourceId::from_key("cnn.com"),
            "{url}"
        );
    }
    // The registry's outlet for any of its subdomains, with the registry's facts.
    let got = by_url(&a, "https://uk.reuters.com/article/x");
    assert_eq!(
        name_country(&got),
        (
            "Reuters".into(),
            Some("GB".into()),
            Some(CountryBasis::Home)
        )
    );
    // A host the directory does not know is keyed by its registrable domain.
    let got = by_url(&a, "https://news.example.co.uk/a");
    let s = got.source.unwrap();
    assert_eq!(s.id, SourceId::from_key("example.co.uk"));
    assert_eq!(s.name, "example.co.uk");
    assert_eq!(s.country.as_deref(), Some("GB"));
    assert_eq!(
        s.provenance.country_basis,
        Some(CountryBasis::TopLevelDomain)
    );
    // An address has no registrable domain: the site as Parallax keys it.
    let got = by_url(&a, "http://127.0.0.1:8080/a");
    assert_eq!(got.source.unwrap().id, SourceId::from_key("127.0.0.1:8080"));
}

#[test]
fn countries_follow_the_order_of_trust() {
    let a = attributor(Vec::new());
    // A curated home country beats GDELT's inference.
    let got = by_url(&a, "https://www.ukrinform.ua/x");
    assert_eq!(name_country(&got).1.as_deref(), Some("UA"));
    let s = got.source.unwrap();
    assert_eq!(s.provenance.country_basis, Some(CountryBasis::Home));
    assert_eq!(s.ownership, Some(parallax_core::OwnershipType::State));
    assert!(s.provenance.owner.unwrap().contains("State Media Monitor"));
    // The country-code domain beats GDELT's inference (lemonde.fr would be "US" by coverage).
    let got = by_url(&a, "https://www.lemonde.fr/x");
    assert_eq!(
        name_country(&got).1.as_deref(),
        Some("FR"),
        "{:?}",
        got.source
    );
    // With nothing better, GDELT's country, labelled as inferred.
    let got = by_url(&a, "https://cnn.com/x");
    assert!(got.source.unwrap().country_is_inferred());
    // Unknown stays unknown.
    let got = by_url(&a, "https://unheard-of-site.com/x");
    assert_eq!(name_country(&got).1, None);
}

#[test]
fn a_masthead_names_one_known_outlet_or_nothing() {
    let a = attributor(Vec::new());
    // Every line also named again in the page's text, unless said otherwise.
    let masthead = |lines: &[&str]| AttributionEvidence {
        masthead: lines.iter().map(|l| l.to_string()).collect(),
        masthead_in_text: lines.iter().map(|l| l.to_string()).collect(),
        ..Default::default()
    };
    // One known outlet among page furniture: that outlet (its two hosts are one outlet).
    let got = a.attribute(
        None,
        None,
        &masthead(&[
            "Overview Logo",
            "Ukrinform",
            "Ukraine",
            "General News Coverage",
        ]),
    );
    assert_eq!(got.method, Some(AttributionMethod::Masthead));
    assert_eq!(
        name_country(&got),
        (
            "Ukrinform".into(),
            Some("UA".into()),
            Some(CountryBasis::Home)
        )
    );
    // Spelling and case of the name do not matter; its words do.
    assert!(
        a.attribute(None, None, &masthead(&["KYIV  POST"]))
            .source
            .is_some()
    );
    assert!(
        a.attribute(None, None, &masthead(&["Kyiv Posts"]))
            .source
            .is_none()
    );
    // Two different known outlets: ambiguous, so unknown.
    assert!(
        a.attribute(None, None, &masthead(&["Ukrinform", "Kyiv Post"]))
            .source
            .is_none()
    );
    // One name, two outlets in different countries: ambiguous.
    assert!(
        a.attribute(None, None, &masthead(&["Twin"]))
            .source
            .is_none()
    );
    // Nothing known: unknown.
    assert!(
        a.attribute(None, None, &masthead(&["Breaking News", "Menu"]))
            .source
            .is_none()
    );
    // A known name the page never names again is a label, not a masthead ("Sport" may be some
    // outlet's name): unknown.
    let mut lone = masthead(&["Menu", "Kyiv Post"]);
    lone.masthead_in_text = vec!["Menu".into()];
    assert!(a.attribute(None, None, &lone).source.is_none());
}

#[test]
fn a_credit_names_a_known_outlet_or_domain() {
    let a = attributor(Vec::new());
    let credit = |c: &str| AttributionEvidence {
        credit: Some(c.to_string()),
        ..Default::default()
    };
    let got = a.attribute(None, None, &credit("MENAFN"));
    assert_eq!(got.method, Some(AttributionMethod::Credit));
    let s = got.source.unwrap();
    assert_eq!(s.id, SourceId::from_key("menafn.com"));
    assert_eq!(s.name, "MENAFN");
    assert!(s.country_is_inferred());
    assert_eq!(
        a.attribute(None, None, &credit("Reuters"))
            .source
            .unwrap()
            .name,
        "Reuters"
    );
    // "AFP" is the name of two domains of different outlets: ambiguous.
    assert!(a.attribute(None, None, &credit("AFP")).source.is_none());
    assert!(a.attribute(None, None, &credit("Photo")).source.is_none());
}

#[test]
fn imported_ratings_attach_with_their_provider() {
    let rating = |provider: &str, kind, domain: &str, value: &str| ProvidedRating {
        provider: provider.into(),
        kind,
        domain: domain.into(),
        value: value.into(),
        score: None,
        date: Some("2024".into()),
        licence: Some("Apache-2.0".into()),
        estimate: true,
    };
    let a = attributor(vec![
        rating("idiap", RatingKind::Reliability, "cnn.com", "0.80"),
        rating("someone", RatingKind::Bias, "cnn.com", "Left"),
        rating("idiap", RatingKind::Reliability, "reuters.com", "0.90"),
    ]);
    let s = by_url(&a, "https://edition.cnn.com/x").source.unwrap();
    assert_eq!(s.ratings.len(), 2);
    let bias = s.bias.unwrap();
    assert_eq!(bias.value, "left");
    assert!(bias.provenance.contains("someone") && bias.provenance.contains("estimate"));
    let r = by_url(&a, "https://www.reuters.com/x").source.unwrap();
    assert_eq!(r.ratings[0].value, "0.90");
    assert!(r.bias.is_none());
    // The ratings are part of what attribution depends on.
    assert_ne!(a.fingerprint(), attributor(Vec::new()).fingerprint());
    assert_eq!(
        attributor(Vec::new()).fingerprint(),
        attributor(Vec::new()).fingerprint()
    );
}
