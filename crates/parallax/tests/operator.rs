//! The operator's side of the binary, driven for real: the registry file that `sources add` and
//! `import-opml` write and `crawl` reads with no configuration file, outlets that share a feed
//! host, a registry with a bad entry, and output to a closed pipe.

use std::path::Path;
use std::process::{Command, Output, Stdio};

/// A models root that holds no model: the tests run as on a machine without one.
const NO_MODELS: &str = "/nonexistent/parallax-test-models";

/// The binary, run in `dir` with the database `dir/p.db` and no configuration file: neither
/// `--config` nor `PARALLAX_CONFIG`, and `dir` has no parallax.toml unless a test writes one.
fn parallax(dir: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_parallax"));
    c.current_dir(dir)
        .arg("--db")
        .arg(dir.join("p.db"))
        .env("PARALLAX_MODELS", NO_MODELS)
        .env_remove("PARALLAX_CONFIG")
        .env_remove("PARALLAX_DB")
        .env_remove("PARALLAX_LOG");
    c
}

fn run(cmd: &mut Command) -> Output {
    cmd.output().expect("the parallax binary runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[track_caller]
fn ok(o: Output) -> Output {
    assert!(
        o.status.success(),
        "status {:?}\nstdout:\n{}\nstderr:\n{}",
        o.status,
        stdout(&o),
        stderr(&o)
    );
    o
}

/// An OPML file of one outline per (title, feed URL, site URL).
fn opml(outlines: &[(&str, String, Option<String>)]) -> String {
    let mut body = String::new();
    for (title, xml, html) in outlines {
        let html = html
            .as_ref()
            .map(|h| format!(" htmlUrl=\"{h}\""))
            .unwrap_or_default();
        body.push_str(&format!(
            "<outline text=\"{title}\" title=\"{title}\" type=\"rss\" xmlUrl=\"{xml}\"{html}/>\n"
        ));
    }
    format!(
        "<?xml version=\"1.0\"?>\n<opml version=\"2.0\"><head><title>outlets</title></head><body>\n{body}</body></opml>\n"
    )
}

/// A registry file that disables every built-in source (their slugs as the binary lists them):
/// the built-in registry stays on, as with no configuration, but no real feed is ever polled.
fn disable_builtin(dir: &Path) -> String {
    let empty = tempfile::tempdir().unwrap();
    let out = ok(run(
        parallax(empty.path()).args(["sources", "list", "--format", "json"])
    ));
    let rows: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let rows = rows.as_array().unwrap();
    assert!(rows.len() > 100, "{} built-in sources", rows.len());
    let mut text = String::from("# every built-in source off: tests never reach the web\n");
    for r in rows {
        text.push_str(&format!(
            "[[source]]\nid = \"{}\"\ndisabled = true\n\n",
            r["slug"].as_str().unwrap()
        ));
    }
    std::fs::write(dir.join("sources.toml"), &text).unwrap();
    text
}

fn registry_in(dir: &Path) -> parallax_sources::Registry {
    parallax_sources::Registry::load(Some(&dir.join("sources.toml"))).unwrap()
}

const OUTLETS: [&str; 4] = ["Alpha Daily", "Beta Weekly", "Gamma Post", "Delta Times"];

#[test]
fn import_opml_keeps_four_outlets_on_one_host_apart() {
    let dir = tempfile::tempdir().unwrap();
    let known = parallax_sources::Registry::builtin().entries()[0].clone();
    let host = "https://feeds.example.net";
    let mut outlines: Vec<(&str, String, Option<String>)> = OUTLETS
        .iter()
        .zip(["a", "b", "c", "d"])
        .map(|(t, f)| (*t, format!("{host}/{f}.xml"), Some(format!("{host}/"))))
        .collect();
    // A second feed of the first outlet (same title, same host): one entry with both feeds.
    outlines.push((OUTLETS[0], format!("{host}/a-world.xml"), None));
    // A feed the registry has already.
    outlines.push((
        "Known",
        known.source.feeds[0].clone(),
        known.source.home_page.clone(),
    ));
    std::fs::write(dir.path().join("outlets.opml"), opml(&outlines)).unwrap();

    let out = ok(run(parallax(dir.path()).args([
        "sources",
        "import-opml",
        "outlets.opml",
        "--language",
        "en",
    ])));
    let text = stdout(&out);
    assert!(
        text.starts_with("Imported 5 feeds into sources.toml (1 skipped)"),
        "{text}"
    );
    // Every outline is accounted for, one line each.
    for f in ["a", "b", "c", "d", "a-world"] {
        assert!(
            text.lines()
                .any(|l| l.contains(&format!("{host}/{f}.xml")) && l.contains("added")),
            "{f}: {text}"
        );
    }
    assert!(
        text.contains(&format!("skipped {}", known.source.feeds[0]))
            && text.contains(&format!("already a feed of `{}`", known.slug)),
        "{text}"
    );

    let reg = registry_in(dir.path());
    let mine: Vec<_> = reg
        .entries()
        .iter()
        .filter(|e| e.source.feeds.iter().any(|f| f.starts_with(host)))
        .collect();
    assert_eq!(mine.len(), 4, "{mine:#?}");
    let mut ids = std::collections::HashSet::new();
    for (name, feed) in OUTLETS.iter().zip(["a", "b", "c", "d"]) {
        let e = mine
            .iter()
            .find(|e| e.source.name == *name)
            .unwrap_or_else(|| panic!("{name} is missing: {mine:#?}"));
        assert!(
            e.source.feeds.contains(&format!("{host}/{feed}.xml")),
            "{e:#?}"
        );
        // The shared host is nobody's home page; the note says why.
        assert_eq!(e.source.home_page, None, "{e:#?}");
        assert!(
            e.notes.as_deref().is_some_and(|n| n.contains("shared")),
            "{e:#?}"
        );
        assert_eq!(e.source.languages, ["en"]);
        assert!(ids.insert(e.source.id.clone()), "same id twice: {e:#?}");
    }
    let alpha = mine.iter().find(|e| e.source.name == OUTLETS[0]).unwrap();
    assert_eq!(
        alpha.source.feeds,
        [format!("{host}/a.xml"), format!("{host}/a-world.xml")]
    );

    // Again: nothing new, every outline said so.
    let out = ok(run(parallax(dir.path()).args([
        "sources",
        "import-opml",
        "outlets.opml",
    ])));
    assert!(
        stdout(&out).starts_with("Imported 0 feeds into sources.toml (6 skipped)"),
        "{}",
        stdout(&out)
    );

    // A new feed of an outlet the file has is merged into its entry.
    std::fs::write(
        dir.path().join("more.opml"),
        opml(&[(OUTLETS[2], format!("{host}/c-sport.xml"), None)]),
    )
    .unwrap();
    let out = ok(run(parallax(dir.path()).args([
        "sources",
        "import-opml",
        "more.opml",
    ])));
    let gamma = mine.iter().find(|e| e.source.name == OUTLETS[2]).unwrap();
    assert!(
        stdout(&out).contains(&format!(
            "merged {host}/c-sport.xml (Gamma Post) into `{}`",
            gamma.slug
        )),
        "{}",
        stdout(&out)
    );
    let reg = registry_in(dir.path());
    assert_eq!(
        reg.get(&gamma.slug).unwrap().source.feeds,
        [format!("{host}/c.xml"), format!("{host}/c-sport.xml")]
    );
}

#[test]
fn an_outlet_on_the_site_of_a_built_in_source_gets_its_own_entry() {
    let dir = tempfile::tempdir().unwrap();
    let builtin = parallax_sources::Registry::builtin().entries()[2].clone();
    let home = builtin.source.home_page.clone().unwrap();
    let site = home.trim_end_matches('/');
    std::fs::write(
        dir.path().join("podcast.opml"),
        opml(&[(
            "A Podcast Hosted There",
            format!("{site}/podcast-feed-for-tests.xml"),
            Some(home.clone()),
        )]),
    )
    .unwrap();
    let out = ok(run(parallax(dir.path()).args([
        "sources",
        "import-opml",
        "podcast.opml",
    ])));
    assert!(
        stdout(&out).starts_with("Imported 1 feeds"),
        "{}",
        stdout(&out)
    );
    let reg = registry_in(dir.path());
    let e = reg
        .entries()
        .iter()
        .find(|e| e.source.name == "A Podcast Hosted There")
        .unwrap();
    assert_eq!(e.source.home_page, None);
    assert_ne!(e.source.id, builtin.source.id);
    assert_eq!(reg.get(&builtin.slug).unwrap(), &builtin, "untouched");
}

#[test]
fn add_refuses_the_home_page_of_a_built_in_source_and_leaves_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let builtin = parallax_sources::Registry::builtin().entries()[1].clone();
    let before = "# my sources\n[[source]]\nid = \"mine\"\nname = \"Mine\"\nhome_page = \"https://mine.example/\"\n";
    std::fs::write(dir.path().join("sources.toml"), before).unwrap();
    let out = run(parallax(dir.path()).args([
        "sources",
        "add",
        "my-copy",
        "--name",
        "My Copy",
        "--home",
        builtin.source.home_page.as_deref().unwrap(),
        "--feed",
        "https://elsewhere.example/rss",
    ]));
    assert_eq!(out.status.code(), Some(2), "{}", stdout(&out));
    let e = stderr(&out);
    assert!(
        e.contains("my-copy")
            && e.contains(&format!("same site as source `{}`", builtin.slug))
            && e.contains("sources remove")
            && e.contains("unchanged"),
        "{e}"
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("sources.toml")).unwrap(),
        before
    );
    // The same outlet under another slug with a home page of its own is fine.
    ok(run(parallax(dir.path()).args([
        "sources",
        "add",
        "my-copy",
        "--name",
        "My Copy",
        "--home",
        "https://my-copy.example/",
    ])));
    assert!(registry_in(dir.path()).get("my-copy").is_some());
}

#[test]
fn a_bad_entry_is_skipped_with_a_warning_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let builtin = parallax_sources::Registry::builtin().entries()[0].clone();
    std::fs::write(
        dir.path().join("sources.toml"),
        format!(
            "[[source]]\nid = \"good\"\nname = \"Good Outlet\"\nhome_page = \"https://good.example/\"\ncountry = \"NZ\"\n\n[[source]]\nid = \"same-site\"\nname = \"Same Site\"\nhome_page = \"{}\"\n\n[[source]]\nid = \"bad-country\"\nname = \"Bad\"\ncountry = \"Narnia\"\n",
            builtin.source.home_page.as_deref().unwrap()
        ),
    )
    .unwrap();
    let out = ok(run(parallax(dir.path()).args([
        "sources",
        "list",
        "--country",
        "NZ",
    ])));
    let e = stderr(&out);
    assert!(
        e.contains(
            "warning: sources.toml: source `same-site`: field `home_page`: same site as source"
        ) && e.contains("warning: sources.toml: source `bad-country`: field `country`")
            && e.contains("this entry is skipped"),
        "{e}"
    );
    assert!(stdout(&out).contains("Good Outlet"), "{}", stdout(&out));
    assert!(
        stdout(&out).contains("Operator registry: sources.toml (read)"),
        "{}",
        stdout(&out)
    );

    // Editing a file that has bad entries: refused, with the way out; removing them works.
    let before = std::fs::read_to_string(dir.path().join("sources.toml")).unwrap();
    let add = || {
        run(parallax(dir.path()).args([
            "sources",
            "add",
            "new-one",
            "--name",
            "New One",
            "--home",
            "https://new-one.example/",
        ]))
    };
    let out = add();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("already has this problem")
            && stderr(&out).contains("parallax sources remove"),
        "{}",
        stderr(&out)
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("sources.toml")).unwrap(),
        before
    );
    ok(run(parallax(dir.path()).args([
        "sources",
        "remove",
        "same-site",
    ])));
    ok(run(parallax(dir.path()).args([
        "sources",
        "remove",
        "bad-country",
    ])));
    let out = ok(add());
    assert!(stderr(&out).is_empty(), "{}", stderr(&out));
}

#[test]
fn sources_list_and_doctor_name_the_operator_file() {
    let dir = tempfile::tempdir().unwrap();
    // No configuration, no file: the default file is named, and not found.
    let out = ok(run(parallax(dir.path()).args(["sources", "list"])));
    assert!(
        stdout(&out).contains("Operator registry: sources.toml (not found)"),
        "{}",
        stdout(&out)
    );
    let out = ok(run(parallax(dir.path()).arg("doctor")));
    assert!(
        stdout(&out).contains("sources.toml, not found"),
        "{}",
        stdout(&out)
    );
    // With a configuration elsewhere, its sources_file is relative to it: what `sources add`
    // writes is what `sources list` reads.
    let conf_dir = dir.path().join("etc");
    std::fs::create_dir_all(&conf_dir).unwrap();
    std::fs::write(
        conf_dir.join("parallax.toml"),
        "sources_file = \"outlets.toml\"\n",
    )
    .unwrap();
    let with_config = |args: &[&str]| {
        run(parallax(dir.path())
            .arg("--config")
            .arg(conf_dir.join("parallax.toml"))
            .args(args))
    };
    ok(with_config(&[
        "sources",
        "add",
        "harbour",
        "--name",
        "Harbour News",
        "--home",
        "https://harbour.example/",
        "--country",
        "NZ",
    ]));
    assert!(conf_dir.join("outlets.toml").is_file());
    let out = ok(with_config(&["sources", "list", "--country", "NZ"]));
    let file = conf_dir.join("outlets.toml").display().to_string();
    assert!(
        stdout(&out).contains(&format!("Operator registry: {file} (read)"))
            && stdout(&out).contains("Harbour News"),
        "{}",
        stdout(&out)
    );
    let out = ok(with_config(&["doctor"]));
    assert!(stdout(&out).contains(&file), "{}", stdout(&out));
}

/// `true` when the process ended as `ls | head -1` ends `ls`: exit 0, or killed by SIGPIPE.
fn ended_like_ls(status: std::process::ExitStatus) -> bool {
    use std::os::unix::process::ExitStatusExt;
    status.success() || status.signal() == Some(13)
}

/// Runs `args` with stdout a pipe whose reader reads one line and closes it.
fn first_line_then_close(dir: &Path, args: &[&str]) -> (String, Output) {
    use std::io::BufRead;
    let mut child = parallax(dir)
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    {
        let mut reader = std::io::BufReader::new(child.stdout.take().unwrap());
        reader.read_line(&mut line).unwrap();
    } // the reader is closed here
    let out = child.wait_with_output().unwrap();
    (line, out)
}

#[test]
fn output_to_a_closed_pipe_ends_quietly() {
    let dir = tempfile::tempdir().unwrap();
    // Far more than a pipe holds (64 KiB), so that the writer is still writing when the reader
    // goes away.
    let full = ok(run(
        parallax(dir.path()).args(["sources", "list", "--format", "json"])
    ));
    assert!(full.stdout.len() > 200_000, "{} bytes", full.stdout.len());
    for args in [
        &["sources", "list", "--format", "json"][..],
        &["sources", "list"][..],
        &["sources", "export-opml"][..],
        &["sources", "status"][..],
    ] {
        let (line, out) = first_line_then_close(dir.path(), args);
        assert!(!line.is_empty(), "{args:?}");
        let e = stderr(&out);
        assert!(
            !e.contains("panicked") && !e.contains("Broken pipe") && !e.contains("error"),
            "{args:?}: {e}"
        );
        assert!(ended_like_ls(out.status), "{args:?}: {:?}", out.status);
    }
    let (_, out) = first_line_then_close(dir.path(), &["sources", "list", "--format", "json"]);
    {
        use std::os::unix::process::ExitStatusExt;
        assert_eq!(out.status.signal(), Some(13), "{:?}", out.status);
    }

    // A command that keeps ignoring SIGPIPE (it talks to the network), its stdout closed before
    // it prints: the same quiet end, through the panic hook.
    std::fs::write(dir.path().join("sources.toml"), "").unwrap();
    std::fs::write(
        dir.path().join("parallax.toml"),
        "contact = \"https://parallax.example/contact\"\ndefault_sources = false\n",
    )
    .unwrap();
    let mut child = parallax(dir.path())
        .args(["crawl", "--once", "-q"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    let e = stderr(&out);
    assert!(!e.contains("panicked") && !e.contains("Broken pipe"), "{e}");
    assert!(ended_like_ls(out.status), "{:?}: {e}", out.status);
}

// ---------------------------------------------------------------------------------------------
// The OPML flow end to end: four outlets whose feeds live on one host, imported with no
// configuration file, crawled from a fixture web on 127.0.0.1, each article under its outlet.

mod web {
    use axum::Router;
    use axum::extract::{Path, State};
    use axum::http::{StatusCode, header};
    use axum::response::IntoResponse;
    use axum::routing::get;

    /// (feed file, outlet, articles: (page file, headline, paragraphs))
    pub type Site = Vec<(
        &'static str,
        &'static str,
        Vec<(String, String, Vec<String>)>,
    )>;

    pub fn site() -> Site {
        let topics = [
            ("a", "Alpha Daily", vec!["harbour", "bridge"]),
            ("b", "Beta Weekly", vec!["orchard"]),
            ("c", "Gamma Post", vec!["glacier"]),
            ("d", "Delta Times", vec!["railway", "library"]),
        ];
        topics
            .into_iter()
            .map(|(feed, outlet, words)| {
                let articles = words
                    .iter()
                    .map(|w| {
                        let page = format!("{feed}-{w}.html");
                        let title = format!("{outlet} reports on the new {w} plan");
                        let paragraphs = (1..=3)
                            .map(|i| {
                                format!(
                                    "Paragraph {i} of the {outlet} report: the town council voted on the {w} plan on Monday after a long debate, and residents of the {w} district said they expected the work to begin in the spring, while opponents asked for another study of the costs."
                                )
                            })
                            .collect();
                        (page, title, paragraphs)
                    })
                    .collect();
                (feed, outlet, articles)
            })
            .collect()
    }

    fn rss(base: &str, outlet: &str, articles: &[(String, String, Vec<String>)]) -> String {
        let date = chrono::Utc::now().to_rfc2822();
        let items: String = articles
            .iter()
            .map(|(page, title, paragraphs)| {
                format!(
                    "<item><title>{title}</title><link>{base}/articles/{page}</link><description>{}</description><pubDate>{date}</pubDate></item>",
                    paragraphs[0]
                )
            })
            .collect();
        format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?><rss version=\"2.0\"><channel><title>{outlet}</title><link>{base}/</link><description>{outlet}</description>{items}</channel></rss>"
        )
    }

    fn html(title: &str, paragraphs: &[String]) -> String {
        let date = chrono::Utc::now().to_rfc3339();
        let body: String = paragraphs.iter().map(|p| format!("<p>{p}</p>\n")).collect();
        format!(
            "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{title}</title><meta property=\"article:published_time\" content=\"{date}\"></head><body><article><h1>{title}</h1>\n{body}</article></body></html>"
        )
    }

    type Shared = (String, std::sync::Arc<Site>);

    async fn feed(
        State((base, site)): State<Shared>,
        Path(file): Path<String>,
    ) -> impl IntoResponse {
        let name = file.trim_end_matches(".xml");
        match site.iter().find(|(f, _, _)| *f == name) {
            Some((_, outlet, articles)) => (
                StatusCode::OK,
                [(header::CONTENT_TYPE, "application/rss+xml")],
                rss(&base, outlet, articles),
            )
                .into_response(),
            None => StatusCode::NOT_FOUND.into_response(),
        }
    }

    async fn article(
        State((_, site)): State<Shared>,
        Path(file): Path<String>,
    ) -> impl IntoResponse {
        let found = site
            .iter()
            .flat_map(|(_, _, a)| a)
            .find(|(page, _, _)| *page == file);
        match found {
            Some((_, title, paragraphs)) => (
                StatusCode::OK,
                [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
                html(title, paragraphs),
            )
                .into_response(),
            None => StatusCode::NOT_FOUND.into_response(),
        }
    }

    /// Serves the site on 127.0.0.1 (a free port) on the current runtime; returns its base URL.
    pub async fn start() -> String {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let app = Router::new()
            .route("/robots.txt", get(|| async { "User-agent: *\nAllow: /\n" }))
            .route("/articles/{file}", get(article))
            .route("/{file}", get(feed))
            .with_state((base.clone(), std::sync::Arc::new(site())));
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        base
    }
}

#[test]
fn import_opml_then_crawl_without_a_configuration_file() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let base = rt.block_on(web::start());
    let dir = tempfile::tempdir().unwrap();
    assert!(!dir.path().join("parallax.toml").exists());
    // No configuration file: the operator file is ./sources.toml, over the built-in registry.
    // Its entries switch every built-in source off, so that the test polls only the fixture web
    // (a real operator would keep them); that the crawl obeys them shows it read this file.
    disable_builtin(dir.path());

    let outlines: Vec<(&str, String, Option<String>)> = web::site()
        .iter()
        .map(|(feed, outlet, _)| {
            (
                *outlet,
                format!("{base}/{feed}.xml"),
                Some(format!("{base}/")),
            )
        })
        .collect();
    std::fs::write(dir.path().join("outlets.opml"), opml(&outlines)).unwrap();
    let out = ok(run(parallax(dir.path()).args([
        "sources",
        "import-opml",
        "outlets.opml",
        "--language",
        "en",
    ])));
    assert!(
        stdout(&out).starts_with("Imported 4 feeds into sources.toml (0 skipped)"),
        "{}",
        stdout(&out)
    );
    // A mistake added by hand afterwards: skipped with a warning, the crawl goes on.
    let file = dir.path().join("sources.toml");
    let mut text = std::fs::read_to_string(&file).unwrap();
    text.push_str("\n[[source]]\nid = \"typo\"\nname = \"Typo\"\ncountry = \"Narnia\"\n");
    std::fs::write(&file, text).unwrap();

    let out = ok(run(parallax(dir.path()).args(["sources", "list"])));
    let listed = stdout(&out);
    assert!(
        listed.contains("Operator registry: sources.toml (read)"),
        "{listed}"
    );
    assert!(
        listed.lines().last().unwrap().starts_with("4 sources"),
        "{listed}"
    );

    let out = ok(run(parallax(dir.path()).args([
        "crawl",
        "--once",
        "--allow-private-addresses",
        "-q",
    ])));
    assert!(
        stdout(&out).contains("Polled 4 feeds (0 not modified, 0 failed): 6 new articles"),
        "{}\n{}",
        stdout(&out),
        stderr(&out)
    );
    assert!(
        stderr(&out).contains("warning: sources.toml: source `typo`: field `country`"),
        "{}",
        stderr(&out)
    );

    // Every article is under the outlet whose feed delivered it, by name.
    let out = ok(run(
        parallax(dir.path()).args(["stories", "--format", "json"])
    ));
    let rows: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let mut seen: Vec<(String, String)> = Vec::new();
    for row in rows.as_array().unwrap() {
        let id = row["id"].as_str().unwrap();
        let out = ok(run(
            parallax(dir.path()).args(["story", id, "--format", "json"])
        ));
        let story: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        for a in story["articles"].as_array().unwrap() {
            seen.push((
                a["url"].as_str().unwrap().to_string(),
                a["source_name"].as_str().unwrap().to_string(),
            ));
        }
    }
    seen.sort();
    let mut expected: Vec<(String, String)> = web::site()
        .iter()
        .flat_map(|(_, outlet, articles)| {
            articles
                .iter()
                .map(|(page, _, _)| (format!("{base}/articles/{page}"), outlet.to_string()))
        })
        .collect();
    expected.sort();
    assert_eq!(seen, expected);
    let names: std::collections::BTreeSet<&str> = seen.iter().map(|(_, n)| n.as_str()).collect();
    assert_eq!(names.len(), 4, "{names:?}");
}
