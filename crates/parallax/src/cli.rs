use clap::{Parser, Subcommand, ValueEnum};
use std::net::SocketAddr;
use std::path::PathBuf;

/// Parallax: every news story from many angles.
#[derive(Parser, Debug)]
#[command(name = "parallax", version, about)]
pub struct Cli {
    /// The database file (SQLite).
    #[arg(long, global = true, default_value = "parallax.db", env = "PARALLAX_DB")]
    pub db: PathBuf,

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
    /// The main job: import what is given, then serve the pages.
    Run {
        /// Files or directories to import before serving.
        #[arg(long = "import", value_name = "PATH")]
        import: Vec<PathBuf>,
        #[command(flatten)]
        serve: ServeArgs,
    },
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
    /// Story clustering on an allsides-format or NeuS-triplets JSON Lines file.
    Cluster {
        /// The data file.
        #[arg(long)]
        data: PathBuf,
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
