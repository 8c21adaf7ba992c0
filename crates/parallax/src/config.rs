//! `parallax.toml`: the operator's configuration. Every key is optional.
//!
//! ```toml
//! contact = "https://news.example.org/about-our-crawler"  # goes into the User-Agent
//! allow_private_addresses = false                          # allow loopback/private hosts (tests, intranets)
//! sources_file = "sources.toml"                            # the operator's source registry, relative
//!                                                          # to this file (default: ./sources.toml)
//! default_sources = true                                   # include the built-in registry
//!
//! [http]
//! connect_timeout_secs = 10
//! read_timeout_secs = 30
//! total_timeout_secs = 120
//! max_body_mb = 10
//! per_host_interval_ms = 1000
//! max_retries = 2
//!
//! [crawl]
//! min_interval_secs = 600
//! max_interval_secs = 21600
//! max_new_per_feed = 50
//!
//! [embeddings]
//! enabled = true        # false: never load the model; clustering uses lexical and entity evidence
//! model_dir = "models/multilingual-e5-small"   # default: `parallax models install`'s directory
//! batch_size = 16       # texts per forward pass
//! max_tokens = 80       # tokens per text ("passage: " + title + first 50 words)
//!
//! [translate]           # absent: no machine translation, and everything else works the same
//! backend = "libretranslate"          # or "openai" (any OpenAI-compatible chat-completions API)
//! url = "http://127.0.0.1:5000"       # LibreTranslate's root; for "openai" the API base (…/v1)
//! api_key_env = "LIBRETRANSLATE_KEY"  # or api_key = "…"; default env: PARALLAX_TRANSLATE_API_KEY
//! model = "gpt-4o-mini"               # "openai" only (required there)
//! target = "en"                       # the readers' language
//! requests_per_minute = 60            # every attempt counts; 0 = no limit
//! batch_size = 16                     # texts per request
//! max_per_pass = 200                  # texts translated per pass; the rest wait for the next
//! max_stories_per_pass = 100          # recently updated stories looked at per pass
//! timeout_secs = 30                   # per request, answer included
//! max_retries = 2                     # for timeouts, lost connections, 429 and 5xx
//! interval_secs = 120                 # between passes of `parallax run` / `parallax crawl`
//! ```

use anyhow::{Context, Result};
use serde::Deserialize;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Where the default configuration file is looked for.
pub const DEFAULT_CONFIG: &str = "parallax.toml";

/// The contact used when the operator has set none: it says so, so that a site owner reading their
/// logs knows whom to blame.
pub const NO_CONTACT: &str = "https://example.invalid/parallax-operator-has-not-set-a-contact";

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    pub contact: Option<String>,
    pub allow_private_addresses: bool,
    pub sources_file: Option<PathBuf>,
    pub default_sources: Option<bool>,
    pub http: HttpConfig,
    pub crawl: CrawlSettings,
    pub embeddings: EmbeddingSettings,
    pub translate: Option<TranslateConfig>,
}

/// The environment variable read for the translation API key when the file names none.
pub const TRANSLATE_KEY_ENV: &str = "PARALLAX_TRANSLATE_API_KEY";

/// `[translate]`: machine translation of titles and summary sentences (`parallax_translate`).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TranslateConfig {
    pub backend: TranslateBackend,
    pub url: String,
    pub api_key: Option<Secret>,
    /// The environment variable that holds the key.
    pub api_key_env: Option<String>,
    pub model: Option<String>,
    pub target: Option<String>,
    pub requests_per_minute: Option<u32>,
    pub batch_size: Option<usize>,
    pub max_per_pass: Option<usize>,
    pub max_stories_per_pass: Option<usize>,
    pub timeout_secs: Option<f64>,
    pub max_retries: Option<u32>,
    pub interval_secs: Option<u64>,
}

#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TranslateBackend {
    Libretranslate,
    Openai,
}

/// A key read from the file: never printed.
#[derive(Deserialize)]
#[serde(transparent)]
pub struct Secret(String);

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("[secret]")
    }
}

/// `[embeddings]`: the sentence-embedding model ingestion uses when it is installed.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct EmbeddingSettings {
    /// `false`: never load the model (default: on when the model is installed).
    pub enabled: Option<bool>,
    /// The multilingual-e5-small directory (default: `parallax_embed::default_model_dir`).
    pub model_dir: Option<PathBuf>,
    /// Texts per forward pass.
    pub batch_size: Option<usize>,
    /// Tokens per text.
    pub max_tokens: Option<usize>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct HttpConfig {
    pub connect_timeout_secs: Option<f64>,
    pub read_timeout_secs: Option<f64>,
    pub total_timeout_secs: Option<f64>,
    pub max_body_mb: Option<f64>,
    pub per_host_interval_ms: Option<u64>,
    pub max_retries: Option<u32>,
    pub retry_base_delay_ms: Option<u64>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct CrawlSettings {
    pub min_interval_secs: Option<u64>,
    pub max_interval_secs: Option<u64>,
    pub max_new_per_feed: Option<usize>,
}

impl Config {
    /// Reads `path`, or `./parallax.toml` when no path is given and that file exists, else the
    /// defaults.
    pub fn load(path: Option<&Path>) -> Result<Config> {
        let (path, required) = match path {
            Some(p) => (p.to_path_buf(), true),
            None => (PathBuf::from(DEFAULT_CONFIG), false),
        };
        if !required && !path.exists() {
            return Ok(Config::default());
        }
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("cannot read the configuration {}", path.display()))?;
        let mut config: Config = toml::from_str(&text)
            .with_context(|| format!("the configuration {} is not valid", path.display()))?;
        // A relative sources_file is relative to the configuration file.
        if let (Some(f), Some(dir)) = (&config.sources_file, path.parent())
            && f.is_relative()
        {
            config.sources_file = Some(dir.join(f));
        }
        // So is a relative model_dir.
        if let (Some(m), Some(dir)) = (&config.embeddings.model_dir, path.parent())
            && m.is_relative()
        {
            config.embeddings.model_dir = Some(dir.join(m));
        }
        Ok(config)
    }

    pub fn client_config(&self, allow_private_flag: bool) -> parallax_http::ClientConfig {
        let mut c = parallax_http::ClientConfig {
            user_agent_contact: self
                .contact
                .clone()
                .unwrap_or_else(|| NO_CONTACT.to_string()),
            allow_private_addresses: self.allow_private_addresses || allow_private_flag,
            ..parallax_http::ClientConfig::default()
        };
        let secs =
            |v: Option<f64>, d: Duration| v.map_or(d, |s| Duration::from_secs_f64(s.max(0.001)));
        c.connect_timeout = secs(self.http.connect_timeout_secs, c.connect_timeout);
        c.read_timeout = secs(self.http.read_timeout_secs, c.read_timeout);
        c.total_timeout = secs(self.http.total_timeout_secs, c.total_timeout);
        if let Some(mb) = self.http.max_body_mb {
            c.max_body_bytes = (mb.max(0.0) * 1_048_576.0) as u64;
        }
        if let Some(ms) = self.http.per_host_interval_ms {
            c.per_host_min_interval = Duration::from_millis(ms);
        }
        if let Some(n) = self.http.max_retries {
            c.max_retries = n;
        }
        if let Some(ms) = self.http.retry_base_delay_ms {
            c.retry_base_delay = Duration::from_millis(ms);
        }
        c
    }

    pub fn crawl_config(&self) -> parallax_crawl::CrawlConfig {
        let mut c = parallax_crawl::CrawlConfig::default();
        if let Some(s) = self.crawl.min_interval_secs {
            c.min_interval = Duration::from_secs(s);
        }
        if let Some(s) = self.crawl.max_interval_secs {
            c.max_interval = Duration::from_secs(s);
        }
        if let Some(n) = self.crawl.max_new_per_feed {
            c.max_new_per_feed = n;
        }
        c
    }

    /// The source registry: the built-in one (unless `default_sources = false`) with the
    /// operator's file ([`Config::operator_sources_file`]) over it. An entry of that file that
    /// does not load is skipped with a warning on stderr naming it, so that one mistake never
    /// stops the crawler; a file that is not TOML at all is an error.
    pub fn registry(&self) -> Result<parallax_sources::Registry> {
        let (registry, problems) = self.registry_with_problems()?;
        for p in &problems {
            eprintln!("warning: {p}; this entry is skipped");
        }
        Ok(registry)
    }

    /// [`Config::registry`] without the warnings: the registry and the errors of the entries of
    /// the operator's file that were skipped.
    pub fn registry_with_problems(
        &self,
    ) -> Result<(
        parallax_sources::Registry,
        Vec<parallax_sources::RegistryError>,
    )> {
        let path = self.operator_sources_file();
        // A file the operator named must be there when it is the only source of sources.
        if self.default_sources == Some(false) && self.sources_file.is_some() && !path.exists() {
            anyhow::bail!(
                "cannot read the source registry {}: it does not exist (and default_sources = false)",
                path.display()
            );
        }
        self.base_registry()
            .with_operator_file_lenient(Some(&path))
            .with_context(|| format!("cannot load the source registry {}", path.display()))
    }

    /// The registry the operator's file is laid over: the built-in one, or none with
    /// `default_sources = false`.
    pub fn base_registry(&self) -> parallax_sources::Registry {
        if self.default_sources == Some(false) {
            parallax_sources::Registry::default()
        } else {
            parallax_sources::Registry::builtin()
        }
    }

    /// The translation settings, or `None` when `[translate]` is absent. The key comes from
    /// `api_key`, else the variable `api_key_env` names, else `PARALLAX_TRANSLATE_API_KEY`. Fails
    /// when the section cannot work (no URL, no model for "openai", a named variable unset).
    pub fn translate_settings(&self) -> Result<Option<parallax_translate::Settings>> {
        let Some(t) = &self.translate else {
            return Ok(None);
        };
        let from_env = |name: &str| {
            std::env::var(name)
                .ok()
                .map(|v| v.trim().to_string())
                .filter(|v| !v.is_empty())
        };
        let api_key = match (&t.api_key, &t.api_key_env) {
            (Some(k), _) => Some(k.0.clone()),
            (None, Some(var)) => Some(from_env(var).with_context(|| {
                format!(
                    "[translate] api_key_env names the environment variable {var}, which is not set"
                )
            })?),
            (None, None) => from_env(TRANSLATE_KEY_ENV),
        };
        let mut s = parallax_translate::Settings {
            backend: match t.backend {
                TranslateBackend::Libretranslate => parallax_translate::BackendKind::LibreTranslate,
                TranslateBackend::Openai => parallax_translate::BackendKind::OpenAi,
            },
            url: t.url.trim().to_string(),
            api_key,
            model: t.model.clone(),
            ..parallax_translate::Settings::default()
        };
        if let Some(v) = &t.target {
            s.target = v.trim().to_string();
        }
        if let Some(v) = t.requests_per_minute {
            s.requests_per_minute = v;
        }
        if let Some(v) = t.batch_size {
            s.batch_size = v;
        }
        if let Some(v) = t.max_per_pass {
            s.max_per_pass = v;
        }
        if let Some(v) = t.max_stories_per_pass {
            s.max_stories_per_pass = v;
        }
        if let Some(v) = t.timeout_secs {
            s.timeout = Duration::from_secs_f64(v.clamp(0.001, 86_400.0));
        }
        if let Some(v) = t.max_retries {
            s.max_retries = v;
        }
        if let Some(v) = t.interval_secs {
            s.interval = Duration::from_secs(v.max(1));
        }
        s.validate()
            .map_err(|e| anyhow::anyhow!("[translate]: {}", e.user_message()))?;
        Ok(Some(s))
    }

    /// The language pages show machine translations in: `[translate] target`, else English.
    pub fn reader_language(&self) -> String {
        self.translate
            .as_ref()
            .and_then(|t| t.target.as_deref())
            .map(str::trim)
            .filter(|t| parallax_core::is_language_code(t))
            .unwrap_or(parallax_views::DEFAULT_LANGUAGE)
            .to_string()
    }

    /// How the web pages are set up: these status lines, and the reader's language.
    pub fn web_options(&self, status: Vec<parallax_views::StatusLine>) -> parallax_web::WebOptions {
        parallax_web::WebOptions {
            status,
            language: self.reader_language(),
        }
    }

    /// The operator's registry file: the one `sources add|remove|import-opml` edit and the one
    /// [`Config::registry`] reads, so that what is imported is what is crawled. `sources_file`
    /// (relative to the configuration file's directory), else `./sources.toml`.
    pub fn operator_sources_file(&self) -> PathBuf {
        self.sources_file
            .clone()
            .unwrap_or_else(|| PathBuf::from("sources.toml"))
    }
}

#[cfg(test)]
mod translate_tests {
    use super::*;

    fn parse(text: &str) -> Result<Config> {
        Ok(toml::from_str(text)?)
    }

    #[test]
    fn no_section_means_no_translation() {
        let c = parse("contact = \"x\"\n").unwrap();
        assert!(c.translate_settings().unwrap().is_none());
        assert_eq!(c.reader_language(), "en");
    }

    #[test]
    fn a_section_gives_settings_and_hides_the_key() {
        let c = parse(
            "[translate]\nbackend = \"openai\"\nurl = \"http://127.0.0.1:8000/v1\"\nmodel = \"m\"\napi_key = \"sk-hidden\"\ntarget = \"de\"\nrequests_per_minute = 10\nbatch_size = 4\ntimeout_secs = 5\ninterval_secs = 30\n",
        )
        .unwrap();
        assert!(!format!("{c:?}").contains("sk-hidden"));
        let s = c.translate_settings().unwrap().unwrap();
        assert_eq!(s.backend, parallax_translate::BackendKind::OpenAi);
        assert_eq!(s.api_key.as_deref(), Some("sk-hidden"));
        assert_eq!(
            (s.target.as_str(), s.requests_per_minute, s.batch_size),
            ("de", 10, 4)
        );
        assert_eq!(s.timeout, Duration::from_secs(5));
        assert_eq!(s.interval, Duration::from_secs(30));
        assert_eq!(c.reader_language(), "de");
        assert_eq!(c.web_options(Vec::new()).language, "de");
    }

    #[test]
    fn broken_sections_are_refused_with_the_reason() {
        assert!(parse("[translate]\nbackend = \"deepl\"\nurl = \"http://x\"\n").is_err());
        assert!(
            parse("[translate]\nbackend = \"libretranslate\"\nurl = \"http://x\"\nkey = \"k\"\n")
                .is_err()
        );
        let no_model = parse("[translate]\nbackend = \"openai\"\nurl = \"http://x/v1\"\n").unwrap();
        let e = no_model.translate_settings().unwrap_err().to_string();
        assert!(e.contains("model"), "{e}");
        let unset = parse(
            "[translate]\nbackend = \"libretranslate\"\nurl = \"http://x\"\napi_key_env = \"PARALLAX_TEST_VARIABLE_THAT_IS_NEVER_SET\"\n",
        )
        .unwrap();
        let e = format!("{:#}", unset.translate_settings().unwrap_err());
        assert!(
            e.contains("PARALLAX_TEST_VARIABLE_THAT_IS_NEVER_SET"),
            "{e}"
        );
        let not_http =
            parse("[translate]\nbackend = \"libretranslate\"\nurl = \"ftp://x\"\n").unwrap();
        assert!(not_http.translate_settings().is_err());
    }
}
