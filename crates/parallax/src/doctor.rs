//! `parallax doctor`: what this installation can do — the store, the configuration, the source
//! registry, the models, embeddings, translation and the network settings — and the lines of it
//! that the status page shows.

use crate::cli::Format;
use crate::config::{Config, DEFAULT_CONFIG, NO_CONTACT};
use crate::embedding::{self, FALLBACK, Plan};
use anyhow::Result;
use parallax_core::store_roles::*;
use parallax_embed::ModelKind;
use serde::Serialize;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Everything `doctor` found.
#[derive(Debug, Serialize)]
struct Report {
    version: &'static str,
    store: StoreReport,
    config: ConfigReport,
    sources: SourcesReport,
    models: Vec<ModelReport>,
    embeddings: EmbeddingsReport,
    translation: TranslationReport,
    network: NetworkReport,
}

#[derive(Debug, Serialize)]
struct StoreReport {
    path: PathBuf,
    exists: bool,
    /// The file's schema version, once opened (opening migrates an older file).
    schema_version: Option<u32>,
    /// The version this Parallax writes.
    code_schema_version: u32,
    sources: Option<usize>,
    articles: Option<usize>,
    stories: Option<usize>,
    /// Stored vectors per model.
    vectors: Vec<(String, usize)>,
    error: Option<String>,
}

#[derive(Debug, Serialize)]
struct ConfigReport {
    path: PathBuf,
    found: bool,
}

#[derive(Debug, Serialize)]
struct SourcesReport {
    default_sources: bool,
    /// The operator's registry file.
    file: PathBuf,
    file_exists: bool,
    /// Sources with feeds, built-in and the operator's together.
    with_feeds: Option<usize>,
    feeds: Option<usize>,
    error: Option<String>,
}

#[derive(Debug, Serialize)]
struct ModelReport {
    name: &'static str,
    model: &'static str,
    dir: PathBuf,
    installed: bool,
    /// Every file's SHA-256 matches the manifest (checked only when installed).
    verified: Option<bool>,
    problems: Vec<String>,
}

#[derive(Debug, Serialize)]
struct EmbeddingsReport {
    /// Whether ingestion embeds articles (the model is enabled, installed and loads).
    on: bool,
    model_dir: PathBuf,
    /// What ingestion does, in words (the same line as on the status page).
    line: String,
}

#[derive(Debug, Serialize)]
struct TranslationReport {
    configured: bool,
    line: String,
}

#[derive(Debug, Serialize)]
struct NetworkReport {
    contact: Option<String>,
    allow_private_addresses: bool,
    connect_timeout_secs: f64,
    read_timeout_secs: f64,
    total_timeout_secs: f64,
    max_body_bytes: u64,
    per_host_interval_ms: u128,
    per_host_concurrency: usize,
    max_retries: u32,
    min_poll_interval_secs: u64,
    max_poll_interval_secs: u64,
    max_new_per_feed: usize,
}

/// `parallax doctor`. Always exits 0: problems are reported, not failed on.
pub fn doctor(
    db: &Path,
    config_path: Option<&Path>,
    config: &Config,
    format: Format,
) -> Result<ExitCode> {
    let report = Report {
        version: env!("CARGO_PKG_VERSION"),
        store: store_report(db),
        config: ConfigReport {
            path: config_path.map_or_else(|| PathBuf::from(DEFAULT_CONFIG), Path::to_path_buf),
            found: config_path.map_or_else(|| Path::new(DEFAULT_CONFIG).is_file(), Path::is_file),
        },
        sources: sources_report(config),
        models: ModelKind::ALL
            .into_iter()
            .map(|kind| {
                let dir = if kind == ModelKind::E5Small {
                    embedding::model_dir(config)
                } else {
                    kind.default_dir()
                };
                model_report(kind, dir)
            })
            .collect(),
        embeddings: embeddings_report(config),
        translation: translation_report(config),
        network: network_report(config),
    };
    match format {
        Format::Json => println!("{}", serde_json::to_string_pretty(&report)?),
        Format::Table => print!("{}", table(&report)),
    }
    Ok(ExitCode::SUCCESS)
}

fn store_report(db: &Path) -> StoreReport {
    let mut r = StoreReport {
        path: db.to_path_buf(),
        exists: db.is_file(),
        schema_version: None,
        code_schema_version: parallax_store::SCHEMA_VERSION,
        sources: None,
        articles: None,
        stories: None,
        vectors: Vec::new(),
        error: None,
    };
    if !r.exists {
        return r;
    }
    let mut read = || -> parallax_core::Result<()> {
        let store = parallax_store::SqliteStore::open(db)?;
        r.schema_version = Some(store.schema_version()?);
        let counts = store.counts()?;
        (r.sources, r.articles, r.stories) = (
            Some(counts.sources),
            Some(counts.articles),
            Some(counts.stories),
        );
        r.vectors = store
            .embedding_counts()?
            .into_iter()
            .map(|m| (m.model, m.vectors))
            .collect();
        Ok(())
    };
    if let Err(e) = read() {
        r.error = Some(e.to_string());
    }
    r
}

fn sources_report(config: &Config) -> SourcesReport {
    let file = config.operator_sources_file();
    let mut r = SourcesReport {
        default_sources: config.default_sources != Some(false),
        file_exists: file.is_file(),
        file,
        with_feeds: None,
        feeds: None,
        error: None,
    };
    match config.registry() {
        Ok(registry) => {
            let with_feeds: Vec<_> = registry
                .entries()
                .iter()
                .filter(|e| !e.source.feeds.is_empty())
                .collect();
            r.with_feeds = Some(with_feeds.len());
            r.feeds = Some(with_feeds.iter().map(|e| e.source.feeds.len()).sum());
        }
        Err(e) => r.error = Some(format!("{e:#}")),
    }
    r
}

fn model_report(kind: ModelKind, dir: PathBuf) -> ModelReport {
    let status = parallax_embed::model_status(kind, &dir);
    let verified = status.installed.then(|| {
        status.manifest.as_ref().is_some_and(|m| {
            m.files.iter().all(|f| {
                parallax_embed::sha256_file(&dir.join(&f.name)).is_ok_and(|h| h == f.sha256)
            })
        })
    });
    ModelReport {
        name: kind.name(),
        model: kind.model_name(),
        dir,
        installed: status.installed,
        verified,
        problems: status.missing,
    }
}

fn embeddings_report(config: &Config) -> EmbeddingsReport {
    let model_dir = embedding::model_dir(config);
    // Loading is the only full check that ingestion will have vectors (~1 s, when installed).
    let loaded = embedding::load(config);
    EmbeddingsReport {
        on: loaded.embedder.is_some(),
        model_dir,
        line: loaded.line,
    }
}

fn translation_report(config: &Config) -> TranslationReport {
    let (configured, line) = crate::translate::status(config);
    TranslationReport { configured, line }
}

fn network_report(config: &Config) -> NetworkReport {
    let http = config.client_config(false);
    let crawl = config.crawl_config();
    NetworkReport {
        contact: config.contact.clone(),
        allow_private_addresses: http.allow_private_addresses,
        connect_timeout_secs: http.connect_timeout.as_secs_f64(),
        read_timeout_secs: http.read_timeout.as_secs_f64(),
        total_timeout_secs: http.total_timeout.as_secs_f64(),
        max_body_bytes: http.max_body_bytes,
        per_host_interval_ms: http.per_host_min_interval.as_millis(),
        per_host_concurrency: http.per_host_concurrency,
        max_retries: http.max_retries,
        min_poll_interval_secs: crawl.min_interval.as_secs(),
        max_poll_interval_secs: crawl.max_interval.as_secs(),
        max_new_per_feed: crawl.max_new_per_feed,
    }
}

fn table(r: &Report) -> String {
    let mut out = format!("parallax {}\n", r.version);
    let mut line = |name: &str, text: String| {
        for (i, l) in text.lines().enumerate() {
            let label = if i == 0 {
                format!("{name}:")
            } else {
                String::new()
            };
            out.push_str(&format!("{label:<13}{l}\n"));
        }
    };
    let s = &r.store;
    line(
        "store",
        if !s.exists {
            format!(
                "{} does not exist yet (the first import or crawl creates it); schema version {}",
                s.path.display(),
                s.code_schema_version
            )
        } else if let Some(e) = &s.error {
            format!("{}: {e}", s.path.display())
        } else {
            let vectors = if s.vectors.is_empty() {
                "no vectors".to_string()
            } else {
                s.vectors
                    .iter()
                    .map(|(m, n)| format!("{n} vectors of {m}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            format!(
                "{} (schema version {} of {}): {} sources, {} articles, {} stories, {vectors}",
                s.path.display(),
                s.schema_version.unwrap_or(0),
                s.code_schema_version,
                s.sources.unwrap_or(0),
                s.articles.unwrap_or(0),
                s.stories.unwrap_or(0)
            )
        },
    );
    line(
        "config",
        format!(
            "{} ({})",
            r.config.path.display(),
            if r.config.found {
                "read"
            } else {
                "not found: defaults"
            }
        ),
    );
    let src = &r.sources;
    line(
        "sources",
        match &src.error {
            Some(e) => format!("the registry does not load: {e}"),
            None => format!(
                "{} sources with {} feeds ({}the operator's file {}{})",
                src.with_feeds.unwrap_or(0),
                src.feeds.unwrap_or(0),
                if src.default_sources {
                    "built-in registry + "
                } else {
                    ""
                },
                src.file.display(),
                if src.file_exists { "" } else { ", not found" }
            ),
        },
    );
    let models: Vec<String> = r
        .models
        .iter()
        .map(|m| {
            let state = match (m.installed, m.verified) {
                (true, Some(true)) => "installed, verified (SHA-256 matches the manifest)".into(),
                (true, _) => "installed, NOT verified (a file differs from the manifest: run `parallax models install` again)".into(),
                (false, _) if m.problems.is_empty() => "not installed".to_string(),
                (false, _) => format!("not installed (missing: {})", m.problems.join(", ")),
            };
            format!("{} ({}): {state}; {}", m.name, m.model, m.dir.display())
        })
        .collect();
    line("models", models.join("\n"));
    line(
        "embeddings",
        r.embeddings
            .line
            .trim_start_matches("embeddings: ")
            .to_string(),
    );
    line(
        "translation",
        r.translation
            .line
            .trim_start_matches("translation: ")
            .to_string(),
    );
    let n = &r.network;
    line(
        "network",
        format!(
            "contact: {}\nprivate and loopback addresses: {}\ntimeouts: connect {} s, read {} s, total {} s; pages up to {} MiB; {} retries\npoliteness: {} ms between requests to a host, {} at a time; feeds polled every {}–{} s, up to {} new pages per feed",
            n.contact
                .clone()
                .unwrap_or_else(|| format!("not set (the User-Agent says {NO_CONTACT})")),
            if n.allow_private_addresses {
                "allowed"
            } else {
                "refused"
            },
            n.connect_timeout_secs,
            n.read_timeout_secs,
            n.total_timeout_secs,
            n.max_body_bytes / 1_048_576,
            n.max_retries,
            n.per_host_interval_ms,
            n.per_host_concurrency,
            n.min_poll_interval_secs,
            n.max_poll_interval_secs,
            n.max_new_per_feed
        ),
    );
    out
}

/// The lines of the status page: what serving and ingesting in this process do about embeddings
/// and translation. `embeddings_line` is the loaded model's line when this process ingests, else
/// `None` (then it says what ingestion would do, without loading the model).
pub fn status_lines(
    config: &Config,
    embeddings_line: Option<String>,
) -> Vec<parallax_views::StatusLine> {
    let embeddings = embeddings_line.unwrap_or_else(|| match embedding::plan(config) {
        Plan::Disabled => {
            format!("embeddings: off (disabled in the configuration); {FALLBACK}")
        }
        Plan::NotInstalled { dir, .. } => format!(
            "embeddings: off (no model in {}; `parallax models install` installs it); {FALLBACK}",
            dir.display()
        ),
        Plan::Ready { dir } => format!(
            "embeddings: on when ingesting ({} is installed in {}); this server only serves",
            parallax_embed::MODEL_NAME,
            dir.display()
        ),
    });
    let translation = translation_report(config).line;
    [embeddings, translation]
        .into_iter()
        .map(|l| {
            let (name, value) = l.split_once(": ").unwrap_or(("", l.as_str()));
            parallax_views::StatusLine {
                ok: !value.starts_with("off") && !value.starts_with("not "),
                name: name.to_string(),
                value: value.to_string(),
            }
        })
        .collect()
}
