use parallax_core::{CountryBasis, OwnershipType, Rating};
use parallax_sources::{Registry, RegistryEntry, RegistryError, add_to_file, remove_from_file};
use std::collections::{BTreeMap, HashSet};

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

// ---------------------------------------------------------------------------------------------
// Feed categories, provenance, lenient loading, validated edits.

#[test]
fn feed_categories_round_trip() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sources.toml");
    std::fs::write(
        &path,
        r#"# mine
[[source]]
id = "mixed-feeds"
name = "Mixed Feeds"
home_page = "https://mixed.example/"
country = "IE"
languages = ["en"]
feeds = [
    "https://mixed.example/all.xml",
    { url = "https://mixed.example/world.xml", category = "world" },
    "https://mixed.example/other.xml",
    { url = "https://mixed.example/biz.xml", category = "business_news" },
]
"#,
    )
    .unwrap();
    let reg = Registry::load(Some(&path)).unwrap();
    let e = reg.get("mixed-feeds").unwrap().clone();
    assert_eq!(
        e.source.feeds,
        [
            "https://mixed.example/all.xml",
            "https://mixed.example/world.xml",
            "https://mixed.example/other.xml",
            "https://mixed.example/biz.xml",
        ]
    );
    assert_eq!(
        e.source.feed_categories,
        BTreeMap::from([
            (
                "https://mixed.example/world.xml".to_string(),
                "world".to_string()
            ),
            (
                "https://mixed.example/biz.xml".to_string(),
                "business_news".to_string()
            ),
        ])
    );

    // Written back the same way: plain URLs and inline tables, then loaded again unchanged.
    let mut changed = e.clone();
    changed.source.name = "Mixed Feeds Daily".into();
    add_to_file(&path, &changed).unwrap();
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains("# mine"), "{text}");
    assert!(
        text.contains(r#"{ url = "https://mixed.example/world.xml", category = "world" }"#),
        "{text}"
    );
    assert!(
        text.contains(r#""https://mixed.example/all.xml""#),
        "{text}"
    );
    let again = Registry::load(Some(&path)).unwrap();
    let got = again.get("mixed-feeds").unwrap();
    assert_eq!(got.source.name, "Mixed Feeds Daily");
    assert_eq!(got.source.feeds, e.source.feeds);
    assert_eq!(got.source.feed_categories, e.source.feed_categories);

    // A new entry with categories written to a fresh file loads back the same.
    let fresh = dir.path().join("fresh.toml");
    let mut entry = RegistryEntry::new("cat-news", "Cat News");
    entry.source.home_page = Some("https://cat.example/".into());
    entry.source.feeds = vec![
        "https://cat.example/a.xml".into(),
        "https://cat.example/b.xml".into(),
    ];
    entry
        .source
        .feed_categories
        .insert("https://cat.example/b.xml".into(), "sport".into());
    add_to_file(&fresh, &entry).unwrap();
    let got = Registry::load(Some(&fresh)).unwrap();
    let got = got.get("cat-news").unwrap();
    assert_eq!(got.source.feeds, entry.source.feeds);
    assert_eq!(got.source.feed_categories, entry.source.feed_categories);
}

#[test]
fn bad_feed_tables_name_the_entry_and_the_field() {
    let e = operator_error(
        "[[source]]\nid = \"f1\"\nname = \"F\"\nfeeds = [{ url = \"https://f.example/a\", categroy = \"world\" }]\n",
    );
    assert!(
        e.contains("`f1`") && e.contains("`feeds`") && e.contains("categroy"),
        "{e}"
    );
    let e = operator_error(
        "[[source]]\nid = \"f2\"\nname = \"F\"\nfeeds = [{ url = \"https://f.example/a\", category = \"World News\" }]\n",
    );
    assert!(
        e.contains("`f2`") && e.contains("`feeds`") && e.contains("World News"),
        "{e}"
    );
    let long = "a".repeat(41);
    let e = operator_error(&format!(
        "[[source]]\nid = \"f3\"\nname = \"F\"\nfeeds = [{{ url = \"https://f.example/a\", category = \"{long}\" }}]\n"
    ));
    assert!(e.contains("`f3`") && e.contains("`feeds`"), "{e}");
    let e = operator_error(
        "[[source]]\nid = \"f4\"\nname = \"F\"\nfeeds = [{ category = \"world\" }]\n",
    );
    assert!(
        e.contains("`f4`") && e.contains("`feeds`") && e.contains("url"),
        "{e}"
    );
    let e = operator_error("[[source]]\nid = \"f5\"\nname = \"F\"\nfeeds = [42]\n");
    assert!(e.contains("`f5`") && e.contains("`feeds`"), "{e}");
}

#[test]
fn provenance_comes_from_the_origin() {
    let reg = Registry::from_toml(
        r#"
[[source]]
id = "kyiv"
name = "Kyiv Paper"
home_page = "https://kyiv.example/"
country = "UA"
languages = ["uk", "en"]
feeds = ["https://kyiv.example/rss"]
owner = "Kyiv Media"
ownership = "private"
origin = "awesome-rss-feeds (CC0) + kite feeds (MIT); country: kite media_data (MIT); feeds: yavuz (MIT); languages: kite feeds category language; owner: kite media_data (MIT)"

[[source]]
id = "lists-only"
name = "Lists Only"
home_page = "https://lists.example/"
country = "FR"
languages = ["fr"]
origin = "yavuz (MIT); feeds: yavuz (MIT)"

[[source]]
id = "nothing-known"
name = "Nothing Known"
origin = "somebody's list"
"#,
    )
    .unwrap();
    let p = &reg.get("kyiv").unwrap().source.provenance;
    assert_eq!(
        p.name.as_deref(),
        Some("awesome-rss-feeds (CC0) + kite feeds (MIT)")
    );
    assert_eq!(p.country.as_deref(), Some("kite media_data (MIT)"));
    assert_eq!(p.country_basis, Some(CountryBasis::Home));
    assert_eq!(p.languages.as_deref(), Some("kite feeds category language"));
    assert_eq!(p.owner.as_deref(), Some("kite media_data (MIT)"));

    // A fact without a part of its own is credited to the whole origin.
    let p = &reg.get("lists-only").unwrap().source.provenance;
    assert_eq!(p.name.as_deref(), Some("yavuz (MIT)"));
    assert_eq!(
        p.country.as_deref(),
        Some("yavuz (MIT); feeds: yavuz (MIT)")
    );
    assert_eq!(p.country_basis, Some(CountryBasis::Home));
    assert_eq!(p.owner, None);

    // Unknown facts have no provenance.
    let p = &reg.get("nothing-known").unwrap().source.provenance;
    assert_eq!(p.name.as_deref(), Some("somebody's list"));
    assert_eq!(
        (&p.country, p.country_basis, &p.languages, &p.owner),
        (&None, None, &None, &None)
    );

    // A country read off the domain says so.
    let reg = Registry::from_toml(
        "[[source]]\nid = \"x\"\nname = \"X\"\nhome_page = \"https://x.example.at/\"\ncountry = \"AT\"\norigin = \"kite feeds (MIT); country: the host's country-code domain; name: the host (no list names it)\"\n",
    )
    .unwrap();
    let p = &reg.get("x").unwrap().source.provenance;
    assert_eq!(p.country_basis, Some(CountryBasis::TopLevelDomain));
    assert_eq!(p.country.as_deref(), Some("the host's country-code domain"));
    assert_eq!(p.name.as_deref(), Some("the host (no list names it)"));

    // The built-in registry's entries all say where their country came from.
    for e in Registry::builtin().entries() {
        let p = &e.source.provenance;
        assert!(p.country.is_some() && p.name.is_some(), "{}", e.slug);
        assert!(p.country_basis.is_some(), "{}", e.slug);
        assert!(
            !p.country.as_deref().unwrap().contains("country:"),
            "{}",
            e.slug
        );
    }
}

#[test]
fn operator_facts_are_credited_to_the_operator_file() {
    let first = Registry::builtin().entries()[0].clone();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ops.toml");
    std::fs::write(
        &path,
        format!(
            "[[source]]\nid = \"{}\"\ncountry = \"NZ\"\n\n[[source]]\nid = \"own\"\nname = \"Own\"\ncountry = \"DE\"\nlanguages = [\"de\"]\n",
            first.slug
        ),
    )
    .unwrap();
    let reg = Registry::load(Some(&path)).unwrap();
    let file = format!("operator registry {}", path.display());
    let over = &reg.get(&first.slug).unwrap().source.provenance;
    assert_eq!(over.country.as_deref(), Some(file.as_str()));
    assert_eq!(over.name, first.source.provenance.name, "not changed: kept");
    let own = &reg.get("own").unwrap().source.provenance;
    assert_eq!(own.country.as_deref(), Some(file.as_str()));
    assert_eq!(own.name.as_deref(), Some(file.as_str()));
    assert_eq!(own.languages.as_deref(), Some(file.as_str()));
    assert_eq!(own.country_basis, Some(CountryBasis::Home));
}

#[test]
fn lenient_load_skips_each_bad_entry_and_names_it() {
    let builtin = Registry::builtin();
    let first = builtin.entries()[0].clone();
    let second = builtin.entries()[1].clone();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sources.toml");
    std::fs::write(
        &path,
        format!(
            r#"
[[source]]
id = "good-one"
name = "Good One"
home_page = "https://good-one.example/"
feeds = ["https://good-one.example/rss"]

[[source]]
id = "bad-country"
name = "Bad Country"
country = "France"

[[source]]
id = "copycat"
name = "Copycat"
home_page = "{home}"

[[source]]
id = "{first}"
country = "ZZ"

[[source]]
id = "{second}"
name = "Second, renamed"

[[source]]
id = "good-one"
name = "Good One again"

[[source]]
name = "no id"

[[source]]
id = "good-two"
name = "Good Two"
"#,
            home = second.source.home_page.as_deref().unwrap(),
            first = first.slug,
            second = second.slug,
        ),
    )
    .unwrap();
    assert!(Registry::load(Some(&path)).is_err());
    let (reg, problems) = Registry::load_lenient(Some(&path)).unwrap();
    let text: Vec<String> = problems.iter().map(|p| p.to_string()).collect();
    assert_eq!(problems.len(), 5, "{text:#?}");
    let has = |entry: &str, field: &str| {
        text.iter().any(|t| {
            t.contains("sources.toml")
                && t.contains(&format!("source `{entry}`"))
                && t.contains(&format!("field `{field}`"))
        })
    };
    assert!(has("bad-country", "country"), "{text:#?}");
    assert!(has("copycat", "home_page"), "{text:#?}");
    assert!(
        text.iter()
            .any(|t| t.contains("copycat") && t.contains(&second.slug)),
        "{text:#?}"
    );
    assert!(has(&first.slug, "country"), "{text:#?}");
    assert!(has("good-one", "id"), "{text:#?}");
    assert!(has("#7", "id"), "{text:#?}");
    assert_eq!(
        problems
            .iter()
            .filter_map(|p| p.entry())
            .collect::<Vec<_>>()
            .len(),
        5
    );
    // The rest is loaded: good entries added, the good override applied, the bad override
    // leaves the built-in entry as it was.
    assert_eq!(reg.len(), builtin.len() + 2);
    assert_eq!(reg.get("good-one").unwrap().source.name, "Good One");
    assert!(reg.get("good-two").is_some());
    assert!(reg.get("bad-country").is_none() && reg.get("copycat").is_none());
    assert_eq!(reg.get(&first.slug).unwrap(), &first);
    assert_eq!(
        reg.get(&second.slug).unwrap().source.name,
        "Second, renamed"
    );

    // A file that is not TOML is still an error.
    std::fs::write(&path, "[[source]\nid = \"x\"\n").unwrap();
    let e = Registry::load_lenient(Some(&path)).unwrap_err().to_string();
    assert!(e.contains("TOML"), "{e}");
    // An empty base (no built-in registry) works the same.
    std::fs::write(
        &path,
        "[[source]]\nid = \"a\"\nname = \"A\"\nhome_page = \"https://a.example/\"\n[[source]]\nid = \"b\"\nname = \"B\"\nhome_page = \"https://www.a.example/\"\n[[source]]\nid = \"gone\"\ndisabled = true\n",
    )
    .unwrap();
    let (reg, problems) = Registry::default()
        .with_operator_file_lenient(Some(&path))
        .unwrap();
    assert_eq!(reg.len(), 1);
    assert_eq!(problems.len(), 1);
    assert!(problems[0].to_string().contains("`b`"), "{}", problems[0]);
}

#[test]
fn add_refuses_what_would_not_load() {
    let builtin = Registry::builtin();
    let taken = builtin.entries()[3].clone();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sources.toml");
    std::fs::write(&path, "# keep me\n").unwrap();
    let mut copy = RegistryEntry::new("my-copy", "My Copy");
    copy.source.home_page = taken.source.home_page.clone();
    copy.source.feeds = vec!["https://elsewhere.example/rss".into()];
    let e = add_to_file(&path, &copy).unwrap_err();
    assert!(matches!(e, RegistryError::SameSite { .. }), "{e}");
    let e = e.to_string();
    assert!(
        e.contains("my-copy") && e.contains(&format!("`{}`", taken.slug)),
        "{e}"
    );
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "# keep me\n");
    // Without the built-in registry under it, the same entry is fine.
    parallax_sources::add_entries_to_file(&path, &Registry::default(), &[copy.clone()]).unwrap();
    assert!(std::fs::read_to_string(&path).unwrap().contains("my-copy"));

    // A file that already has a bad entry: add says so and writes nothing; remove still works.
    std::fs::write(
        &path,
        "[[source]]\nid = \"broken\"\nname = \"B\"\ncountry = \"XX\"\n",
    )
    .unwrap();
    let before = std::fs::read_to_string(&path).unwrap();
    let mut fine = RegistryEntry::new("fine", "Fine");
    fine.source.home_page = Some("https://fine.example/".into());
    let e = add_to_file(&path, &fine).unwrap_err().to_string();
    assert!(e.contains("broken") && e.contains("country"), "{e}");
    assert_eq!(std::fs::read_to_string(&path).unwrap(), before);
    assert!(remove_from_file(&path, "broken").unwrap());
    add_to_file(&path, &fine).unwrap();
    assert!(Registry::load(Some(&path)).unwrap().get("fine").is_some());
}

#[test]
fn outlets_without_a_home_page_on_one_feed_host_are_kept_apart() {
    let reg = Registry::from_toml(
        r#"
[[source]]
id = "alpha-news"
name = "Alpha News"
feeds = ["https://feeds.example.net/a.xml"]

[[source]]
id = "beta-news"
name = "Beta News"
feeds = ["https://feeds.example.net/b.xml"]

[[source]]
id = "feed-host"
name = "Feed Host"
home_page = "https://feeds.example.net/"
"#,
    )
    .unwrap();
    let ids: HashSet<_> = reg.entries().iter().map(|e| e.source.id.clone()).collect();
    assert_eq!(ids.len(), 3);
    assert_eq!(
        reg.get("alpha-news").unwrap().source.id,
        parallax_sources::source_id_for("alpha-news", None)
    );
}
