use parallax_core::{OwnershipType, Rating};
use parallax_sources::{Registry, RegistryEntry, RegistryError, add_to_file, remove_from_file};
use std::collections::HashSet;

fn some_builtin_slug() -> String {
    Registry::builtin().entries()[0].slug.clone()
}

#[test]
fn builtin_registry_is_large_and_complete() {
    let reg = Registry::builtin();
    assert!(reg.len() >= 150, "only {} entries", reg.len());
    assert!(
        reg.countries().len() >= 50,
        "only {} countries",
        reg.countries().len()
    );
    let mut slugs = HashSet::new();
    let mut ids = HashSet::new();
    for e in reg.entries() {
        let s = &e.source;
        assert!(slugs.insert(e.slug.clone()), "duplicate slug {}", e.slug);
        assert!(
            ids.insert(s.id.clone()),
            "duplicate id {} ({})",
            s.id,
            e.slug
        );
        assert!(!s.name.trim().is_empty(), "{}: no name", e.slug);
        assert!(s.home_page.is_some(), "{}: no home page", e.slug);
        let c = s
            .country
            .as_deref()
            .unwrap_or_else(|| panic!("{}: no country", e.slug));
        assert!(
            c.len() == 2 && c.chars().all(|c| c.is_ascii_uppercase()),
            "{}: {c}",
            e.slug
        );
        assert!(!s.languages.is_empty(), "{}: no language", e.slug);
        assert!(!s.feeds.is_empty(), "{}: no feed", e.slug);
        assert!(
            e.origin.as_deref().is_some_and(|o| !o.is_empty()),
            "{}: no origin",
            e.slug
        );
        // The default registry carries no ratings: none of the public lists has usable terms.
        assert!(s.bias.is_none() && s.factuality.is_none(), "{}", e.slug);
        assert!(reg.get(&e.slug).is_some());
        assert_eq!(reg.get(s.id.as_str()).map(|x| &x.slug), Some(&e.slug));
    }
}

#[test]
fn builtin_ids_are_stable_and_match_the_host() {
    let reg = Registry::builtin();
    let e = &reg.entries()[0];
    let host = url::Url::parse(e.source.home_page.as_deref().unwrap())
        .unwrap()
        .host_str()
        .unwrap()
        .trim_start_matches("www.")
        .to_string();
    assert_eq!(e.source.id, parallax_core::SourceId::from_key(&host));
    assert_eq!(
        reg.find_by_host(&format!("www.{host}")).map(|x| &x.slug),
        Some(&e.slug)
    );
}

#[test]
fn load_without_operator_file_is_the_builtin() {
    let reg = Registry::load(None).unwrap();
    assert_eq!(reg.len(), Registry::builtin().len());
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("none.toml");
    assert_eq!(
        Registry::load(Some(&missing)).unwrap().len(),
        Registry::builtin().len()
    );
}

#[test]
fn operator_file_overrides_disables_and_adds() {
    let builtin = Registry::builtin();
    let first = builtin.entries()[0].clone();
    let second = builtin.entries()[1].clone();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sources.toml");
    std::fs::write(
        &path,
        format!(
            r#"
# my registry
[[source]]
id = "{first}"
name = "Renamed Outlet"
ownership = "non_profit"
bias = {{ value = "center", provenance = "my own reading" }}

[[source]]
id = "{second}"
disabled = true

[[source]]
id = "kyiv-independent"
name = "The Kyiv Independent"
home_page = "https://kyivindependent.com/"
country = "UA"
languages = ["en"]
feeds = ["https://kyivindependent.com/news-archive/rss/"]
"#,
            first = first.slug,
            second = second.slug
        ),
    )
    .unwrap();
    let reg = Registry::load(Some(&path)).unwrap();
    assert_eq!(reg.len(), builtin.len()); // one removed, one added
    let over = reg.get(&first.slug).unwrap();
    assert_eq!(over.source.name, "Renamed Outlet");
    assert_eq!(over.source.ownership, Some(OwnershipType::NonProfit));
    assert_eq!(
        over.source.bias,
        Some(Rating {
            value: "center".into(),
            provenance: "my own reading".into()
        })
    );
    // fields the override does not give are kept
    assert_eq!(over.source.feeds, first.source.feeds);
    assert_eq!(over.source.country, first.source.country);
    assert_eq!(over.source.id, first.source.id);
    assert!(reg.get(&second.slug).is_none());
    let added = reg.get("kyiv-independent").unwrap();
    assert_eq!(added.source.country.as_deref(), Some("UA"));
    assert_eq!(
        reg.find_by_host("kyivindependent.com")
            .map(|e| e.slug.as_str()),
        Some("kyiv-independent")
    );
}

fn operator_error(text: &str) -> String {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ops.toml");
    std::fs::write(&path, text).unwrap();
    match Registry::load(Some(&path)) {
        Ok(_) => panic!("accepted:\n{text}"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn bad_operator_files_give_readable_errors() {
    let e = operator_error(
        "[[source]]\nid = \"my-paper\"\nname = \"My Paper\"\ncountry = \"France\"\n",
    );
    assert!(
        e.contains("my-paper") && e.contains("country") && e.contains("France"),
        "{e}"
    );

    let e = operator_error("[[source]]\nid = \"x1\"\nname = \"X\"\nlanguages = [\"FR\"]\n");
    assert!(e.contains("x1") && e.contains("languages"), "{e}");

    let e = operator_error("[[source]]\nid = \"x2\"\nname = \"X\"\nfeeds = [\"ftp://a.b/feed\"]\n");
    assert!(
        e.contains("x2") && e.contains("feeds") && e.contains("http"),
        "{e}"
    );

    let e = operator_error("[[source]]\nid = \"x3\"\nname = \"X\"\nhome_page = \"not a url\"\n");
    assert!(e.contains("x3") && e.contains("home_page"), "{e}");

    let e = operator_error("[[source]]\nid = \"x4\"\nhome_page = \"https://x4.example/\"\n");
    assert!(e.contains("x4") && e.contains("name"), "{e}");

    let e = operator_error("[[source]]\nid = \"x5\"\nname = \"X\"\nownership = \"public\"\n");
    assert!(e.contains("x5") && e.contains("ownership"), "{e}");

    let e = operator_error("[[source]]\nid = \"x6\"\nname = \"X\"\ncountyr = \"FR\"\n");
    assert!(e.contains("x6") && e.contains("countyr"), "{e}");

    let e = operator_error("[[source]]\nname = \"No Id\"\n");
    assert!(e.contains("#1") && e.contains("id"), "{e}");

    let e = operator_error(
        "[[source]]\nid = \"x7\"\nname = \"A\"\n[[source]]\nid = \"x7\"\nname = \"B\"\n",
    );
    assert!(e.contains("x7") && e.contains("twice"), "{e}");

    let e = operator_error("[[source]\nid = \"broken\"\n");
    assert!(e.contains("ops.toml") && e.contains("TOML"), "{e}");

    let slug = some_builtin_slug();
    let e = operator_error(&format!("[[source]]\nid = \"{slug}\"\ncountry = \"ZZ\"\n"));
    assert!(e.contains(&slug) && e.contains("country"), "{e}");
}

#[test]
fn from_toml_validates_and_rejects_disabled() {
    let ok = Registry::from_toml(
        "[[source]]\nid = \"a\"\nname = \"A\"\nhome_page = \"https://a.example/\"\ncountry = \"DE\"\nlanguages = [\"de\"]\nfeeds = [\"https://a.example/rss\"]\n",
    )
    .unwrap();
    assert_eq!(ok.len(), 1);
    assert_eq!(ok.countries().into_iter().collect::<Vec<_>>(), vec!["DE"]);
    assert!(matches!(
        Registry::from_toml("[[source]]\nid = \"a\"\ndisabled = true\n"),
        Err(RegistryError::Field { .. })
    ));
    let dup = Registry::from_toml(
        "[[source]]\nid = \"a\"\nname = \"A\"\n[[source]]\nid = \"b\"\nname = \"B\"\nhome_page = \"https://same.example/\"\n[[source]]\nid = \"c\"\nname = \"C\"\nhome_page = \"https://www.same.example/x\"\n",
    )
    .unwrap_err()
    .to_string();
    assert!(dup.contains("`c`") && dup.contains("`b`"), "{dup}");
}

#[test]
fn add_and_remove_round_trip() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sub").join("sources.toml");
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(&path, "# operator notes: keep me\n").unwrap();

    let mut entry = RegistryEntry::new("local-gazette", "Local Gazette");
    entry.source.home_page = Some("https://gazette.example/".into());
    entry.source.country = Some("NZ".into());
    entry.source.languages = vec!["en".into()];
    entry.source.feeds = vec!["https://gazette.example/feed".into()];
    entry.source.ownership = Some(OwnershipType::Private);
    entry.source.factuality = Some(Rating {
        value: "high".into(),
        provenance: "operator".into(),
    });
    entry.origin = Some("added by hand".into());
    add_to_file(&path, &entry).unwrap();
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains("# operator notes: keep me"), "{text}");

    let reg = Registry::load(Some(&path)).unwrap();
    let got = reg.get("local-gazette").unwrap();
    assert_eq!(got.source.name, "Local Gazette");
    assert_eq!(got.source.feeds, entry.source.feeds);
    assert_eq!(got.source.factuality, entry.source.factuality);
    assert_eq!(got.source.ownership, Some(OwnershipType::Private));
    assert_eq!(got.origin.as_deref(), Some("added by hand"));

    // adding again replaces, not duplicates
    entry.source.name = "Local Gazette (new)".into();
    add_to_file(&path, &entry).unwrap();
    let reg = Registry::load(Some(&path)).unwrap();
    assert_eq!(
        reg.get("local-gazette").unwrap().source.name,
        "Local Gazette (new)"
    );
    assert_eq!(reg.len(), Registry::builtin().len() + 1);

    // an invalid entry is refused and the file is untouched
    let before = std::fs::read_to_string(&path).unwrap();
    let mut bad = entry.clone();
    bad.slug = "bad".into();
    bad.source.country = Some("nz".into());
    let e = add_to_file(&path, &bad).unwrap_err().to_string();
    assert!(e.contains("bad") && e.contains("country"), "{e}");
    assert_eq!(std::fs::read_to_string(&path).unwrap(), before);

    // removing an operator entry deletes it
    assert!(remove_from_file(&path, "local-gazette").unwrap());
    let reg = Registry::load(Some(&path)).unwrap();
    assert!(reg.get("local-gazette").is_none());
    assert_eq!(reg.len(), Registry::builtin().len());
    assert!(!remove_from_file(&path, "local-gazette").unwrap());

    // removing a built-in one writes `disabled = true`
    let slug = some_builtin_slug();
    assert!(remove_from_file(&path, &slug).unwrap());
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains("disabled = true"), "{text}");
    assert!(text.contains("# operator notes: keep me"), "{text}");
    let reg = Registry::load(Some(&path)).unwrap();
    assert!(reg.get(&slug).is_none());
    assert_eq!(reg.len(), Registry::builtin().len() - 1);

    // adding it back as an override re-enables it
    let mut back = Registry::builtin().get(&slug).unwrap().clone();
    back.notes = Some("re-enabled".into());
    add_to_file(&path, &back).unwrap();
    let reg = Registry::load(Some(&path)).unwrap();
    assert_eq!(reg.get(&slug).unwrap().notes.as_deref(), Some("re-enabled"));
}

#[test]
fn add_creates_a_missing_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("new.toml");
    let mut entry = RegistryEntry::new("fresh", "Fresh News");
    entry.source.feeds = vec!["https://fresh.example/rss".into()];
    add_to_file(&path, &entry).unwrap();
    assert!(Registry::load(Some(&path)).unwrap().get("fresh").is_some());
}
