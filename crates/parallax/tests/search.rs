//! `parallax search` through the real binary, on the seed articles.

use std::path::Path;
use std::process::Command;

fn parallax(db: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_parallax"));
    c.arg("--db").arg(db);
    // No embedding model, whatever this machine has installed.
    c.env("PARALLAX_MODELS", "/nonexistent/parallax-test-models");
    c
}

#[test]
fn search_finds_the_seed_story() {
    let seeds = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/seeds");
    assert!(seeds.exists(), "{} is absent", seeds.display());
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("p.db");
    let out = parallax(&db).arg("import").arg(&seeds).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    let out = parallax(&db)
        .args(["search", "Ushakov", "--format", "json"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let view: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(view["query"], "Ushakov");
    assert_eq!(view["total"], 1, "{view}");
    let story = &view["stories"][0];
    let title = story["title"].as_str().unwrap();
    assert!(
        title.contains("Putin") && title.contains("Trump"),
        "{title}"
    );
    assert!(story["matching"].as_u64().unwrap() >= 3, "{story}");
    for a in story["articles"].as_array().unwrap() {
        let marks: Vec<&str> = a["title"]
            .as_array()
            .unwrap()
            .iter()
            .chain(a["snippet"].as_array().unwrap())
            .filter(|f| f["mark"] == true)
            .map(|f| f["text"].as_str().unwrap())
            .collect();
        assert!(marks.iter().all(|m| *m == "Ushakov"), "{marks:?}");
        assert!(!marks.is_empty(), "{a}");
    }

    // The table names the story; a filter that fits no seed finds nothing; bad filters fail.
    let out = parallax(&db).args(["search", "Ushakov"]).output().unwrap();
    let table = String::from_utf8_lossy(&out.stdout);
    assert!(table.contains("«Ushakov»"), "{table}");
    let out = parallax(&db)
        .args([
            "search",
            "Ushakov",
            "--until",
            "2000-01-01",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    let view: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(view["total"], 0);
    let out = parallax(&db)
        .args(["search", "Ushakov", "--country", "Russia"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}
