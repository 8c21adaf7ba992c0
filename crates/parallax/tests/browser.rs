//! The web interface in a real browser: `tests/browser/suite.mjs` (Playwright driving the Debian
//! `chromium`, with axe-core) against `parallax serve` over a store holding the seeds, part of
//! the allsides evaluation set and the hostile corpus of `tests/data/hostile/`.
//!
//! `scripts/setup-browser` installs chromium and the npm packages when they are missing (as
//! root); when it cannot, this test fails and says why: it never skips silently.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// How many allsides records are imported: all of them (787) in an optimised build; in a debug
/// build the first `DEBUG_ALLSIDES_LINES` only, which keeps the import to a few seconds.
const DEBUG_ALLSIDES_LINES: usize = 250;

/// The longest the browser suite may take before it is stopped.
const SUITE_TIMEOUT: Duration = Duration::from_secs(240);

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn shared(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared")
        .join(rel)
}

fn parallax(db: &Path, cwd: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_parallax"));
    c.arg("--db").arg(db).current_dir(cwd);
    // No embedding model, whatever this machine has installed, and no configuration file.
    c.env("PARALLAX_MODELS", "/nonexistent/parallax-test-models");
    c.env_remove("PARALLAX_CONFIG");
    c
}

/// Stops the server when the test ends, passed or panicked.
struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn http_get(addr: &str, path: &str) -> Option<String> {
    let mut s = TcpStream::connect(addr).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .ok()?;
    let mut first = String::new();
    BufReader::new(s).read_line(&mut first).ok()?;
    Some(first)
}

fn import(db: &Path, cwd: &Path, paths: &[PathBuf]) {
    let start = Instant::now();
    let out = parallax(db, cwd)
        .args(["import", "-q"])
        .args(paths)
        .output()
        .expect("the parallax binary runs");
    eprintln!(
        "imported {} in {:.1} s",
        paths
            .iter()
            .map(|p| p.display().to_string())
            .collect::<Vec<_>>()
            .join(", "),
        start.elapsed().as_secs_f64()
    );
    assert!(
        out.status.success(),
        "parallax import failed:\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn web_pages_pass_the_browser_suite() {
    let started = Instant::now();
    let repo = repo();

    // Chromium and the npm packages: installed when missing, or a clear failure.
    let setup = Command::new("bash")
        .arg("scripts/setup-browser")
        .current_dir(&repo)
        .output()
        .expect("bash runs");
    assert!(
        setup.status.success(),
        "scripts/setup-browser could not provide chromium and the npm packages the browser \
         tests need (run it as root, or install the Debian package `chromium`, Node.js and npm, \
         then `npm ci` in tests/browser):\n{}\n{}",
        String::from_utf8_lossy(&setup.stdout),
        String::from_utf8_lossy(&setup.stderr)
    );
    let node = Command::new("node").arg("--version").output();
    assert!(
        node.as_ref().is_ok_and(|o| o.status.success()),
        "node is needed for the browser tests and is not on PATH"
    );

    // The store: the seeds, the allsides articles and the hostile corpus.
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("browser.db");
    let allsides_all = shared("eval/clustering/allsides-dev.articles.jsonl");
    let allsides = if cfg!(debug_assertions) {
        let text = std::fs::read_to_string(&allsides_all).expect("the allsides evaluation set");
        let part = dir.path().join("allsides-part.jsonl");
        let lines: Vec<&str> = text.lines().take(DEBUG_ALLSIDES_LINES).collect();
        std::fs::write(&part, lines.join("\n") + "\n").unwrap();
        eprintln!(
            "debug build: importing the first {} allsides records",
            lines.len()
        );
        part
    } else {
        allsides_all
    };
    import(&db, dir.path(), &[shared("seeds"), allsides]);
    import(&db, dir.path(), &[repo.join("tests/data/hostile")]);

    // The server, on a free port.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let addr = format!("127.0.0.1:{port}");
    let log = std::fs::File::create(dir.path().join("serve.log")).unwrap();
    let _server = Server(
        parallax(&db, dir.path())
            .args(["serve", "--addr", &addr])
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .expect("parallax serve starts"),
    );
    let up = Instant::now();
    while !http_get(&addr, "/healthz").is_some_and(|l| l.starts_with("HTTP/1.1 200")) {
        assert!(
            up.elapsed() < Duration::from_secs(60),
            "the server did not answer /healthz within a minute:\n{}",
            std::fs::read_to_string(dir.path().join("serve.log")).unwrap_or_default()
        );
        std::thread::sleep(Duration::from_millis(100));
    }

    // The suite.
    let out_dir = repo.join("target/browser");
    let suite_out = dir.path().join("suite.out");
    let mut suite = Command::new("node")
        .arg("tests/browser/suite.mjs")
        .arg("--base")
        .arg(format!("http://{addr}"))
        .arg("--out")
        .arg(&out_dir)
        .current_dir(&repo)
        .stdout(std::fs::File::create(&suite_out).unwrap())
        .stderr(std::fs::File::create(dir.path().join("suite.err")).unwrap())
        .spawn()
        .expect("node runs");
    let suite_start = Instant::now();
    let status = loop {
        if let Some(status) = suite.try_wait().unwrap() {
            break Some(status);
        }
        if suite_start.elapsed() > SUITE_TIMEOUT {
            let _ = suite.kill();
            let _ = suite.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(200));
    };
    let stderr = std::fs::read_to_string(dir.path().join("suite.err")).unwrap_or_default();
    let stdout = std::fs::read_to_string(&suite_out).unwrap_or_default();
    println!("{stdout}");
    if !stderr.is_empty() {
        println!("stderr:\n{stderr}");
    }
    println!(
        "browser test: {:.1} s in all (suite {:.1} s); screenshots in {}",
        started.elapsed().as_secs_f64(),
        suite_start.elapsed().as_secs_f64(),
        out_dir.display()
    );
    let status = status.unwrap_or_else(|| {
        panic!(
            "the browser suite did not finish within {} s",
            SUITE_TIMEOUT.as_secs()
        )
    });
    assert!(
        status.success(),
        "the browser suite failed ({status}); its report is above:\n{stdout}\n{stderr}"
    );
}
