//! `parallax.toml`: the operator's configuration. Every key is optional.
//!
//! ```toml
//! contact = "https://news.example.org/about-our-crawler"  # goes into the User-Agent
//! allow_private_addresses = false                          # allow loopback/private hosts (tests, intranets)
//! sources_file = "sources.toml"                            # the operator's source registry
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
    /// operator's file over it.
    pub fn registry(&self) -> Result<parallax_sources::Registry> {
        let operator = self.sources_file.as_deref();
        if self.default_sources == Some(false) {
            let Some(path) = operator else {
                return Ok(parallax_sources::Registry::from_toml("")?);
            };
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("cannot read the source registry {}", path.display()))?;
            return parallax_sources::Registry::from_toml(&text)
                .with_context(|| format!("the source registry {} is not valid", path.display()));
        }
        parallax_sources::Registry::load(operator).context("cannot load the source registry")
    }

    /// The operator's registry file that `sources add|remove|import-opml` edit.
    pub fn operator_sources_file(&self) -> PathBuf {
        self.sources_file
            .clone()
            .unwrap_or_else(|| PathBuf::from("sources.toml"))
    }
}
