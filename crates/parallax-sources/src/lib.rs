//! What Parallax knows about news outlets: the source registry (the outlets it crawls, with their
//! feeds, countries, languages and owners), the outlet [`Directory`] (some 170,000 sites, for
//! attribution), the [`Attributor`] that establishes each article's outlet from what the document
//! says, in the order of trust, and the reading of operators' ratings files ([`parse_ratings`]).
//! Everything here is pure: the data is embedded, and files are read by the caller.
//!
//! A default registry ships with the project ([`Registry::builtin`], built from public lists; see
//! `data/README.md`). Operators keep their own registry file in the same TOML format; it overrides
//! default entries field by field (matched on `id`), removes them (`disabled = true`) and adds new
//! ones ([`Registry::load`]). [`add_to_file`] and [`remove_from_file`] edit that file in place,
//! keeping its comments and everything they do not touch.
//!
//! ```toml
//! [[source]]
//! id = "lemonde"                       # stable slug; the key for overrides
//! name = "Le Monde"
//! home_page = "https://www.lemonde.fr/"
//! country = "FR"                       # ISO 3166-1 alpha-2
//! languages = ["fr"]                   # ISO 639-1
//! feeds = [                          # a URL, or a URL with its category
//!     "https://www.lemonde.fr/rss/une.xml",
//!     { url = "https://www.lemonde.fr/international/rss_full.xml", category = "world" },
//! ]
//! owner = "Groupe Le Monde"            # optional
//! ownership = "private"                # optional: state, public_service, private,
//!                                      # publicly_traded, non_profit, agency
//! bias = { value = "center", provenance = "..." }        # optional, operator-supplied
//! factuality = { value = "high", provenance = "..." }    # optional, operator-supplied
//! origin = "lists; country: ...; languages: ...; owner: ..."  # optional: where the facts came from
//! notes = "free text"                   # optional
//! disabled = true                       # operator file only: remove this entry
//! ```
//!
//! `origin` gives [`Source::provenance`]: its first part (before the first `;`: the lists the
//! outlet appears in), or its `name:` part when it has one, is where the name came from; its
//! `country:`, `languages:` and `owner:` parts where those facts came from; a fact with no part of
//! its own is credited to the whole `origin` (or to the operator's file).
//!
//! [`Registry::load`] refuses a file with any bad entry; [`Registry::load_lenient`] skips each
//! bad entry of the operator's file and returns its error beside the rest of the registry, so
//! that one mistake does not stop the crawler.
#![warn(missing_docs)]

mod attribute;
mod directory;
mod iso;
mod ratings;

pub use attribute::{Attributed, Attributor, rating_provenance};
pub use ratings::{RatingsFile, RatingsFormat, parse_ratings};

pub use directory::{
    Directory, DirectoryEntry, GDELT_CREDIT, country_from_tld, registrable_domain,
};

use parallax_core::{CountryBasis, OwnershipType, Rating, Source, SourceId, SourceProvenance};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use toml::Value;

/// The embedded default registry.
const BUILTIN_TOML: &str = include_str!("../data/sources.toml");
const BUILTIN_ORIGIN: &str = "built-in registry";

/// One outlet of the registry: the [`Source`] the rest of Parallax uses, plus the registry's own
/// bookkeeping.
#[derive(Clone, Debug, PartialEq)]
pub struct RegistryEntry {
    /// The registry key (`id` in the TOML): a stable slug such as `"lemonde"`. Operator entries
    /// with the same slug override this entry.
    pub slug: String,
    /// The outlet. `source.id` is [`source_id_for`] of the home page (or of the slug when there is
    /// none), the same id the ingest pipeline derives from an article's host.
    pub source: Source,
    /// Where the facts came from ("kite media_data (MIT) + yavuz (MIT); ...").
    pub origin: Option<String>,
    /// Free-text notes.
    pub notes: Option<String>,
}

impl RegistryEntry {
    /// A new entry with the given slug and name and nothing else known; fill in the rest of
    /// `source` before adding it.
    pub fn new(slug: &str, name: &str) -> Self {
        let mut source = Source::named(name);
        source.id = SourceId::from_key(slug);
        RegistryEntry {
            slug: slug.to_string(),
            source,
            origin: None,
            notes: None,
        }
    }
}

/// The [`SourceId`] of an outlet: derived from the host of its home page without a leading
/// `www.` (as the ingest pipeline derives it from an article URL), or from the slug when there
/// is no usable home page.
pub fn source_id_for(slug: &str, home_page: Option<&str>) -> SourceId {
    match home_page.and_then(host_of) {
        Some(host) => SourceId::from_key(&host),
        None => SourceId::from_key(slug),
    }
}

fn host_of(url: &str) -> Option<String> {
    parallax_core::site_key(url)
}

/// Why a registry could not be read or written. Messages name the file, the entry and the field.
#[derive(Debug, thiserror::Error)]
pub enum RegistryError {
    /// The file could not be read or written.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// The file is not valid TOML, or its top level is not a list of `[[source]]` tables.
    #[error("{origin}: {message}")]
    Syntax {
        /// The file ("built-in registry" for the embedded one).
        origin: String,
        /// What is wrong, with the line where the TOML parser gives one.
        message: String,
    },
    /// One field of one entry is missing or invalid.
    #[error("{origin}: source `{entry}`: field `{field}`: {message}")]
    Field {
        /// The file.
        origin: String,
        /// The entry's id (or its position, "#3", when it has no id).
        entry: String,
        /// The field.
        field: String,
        /// What is wrong.
        message: String,
    },
    /// Two entries are the same outlet: their home pages are on one site (or, without a home
    /// page, their ids are equal).
    #[error(
        "{origin}: source `{entry}`: field `home_page`: same site as source `{other}`: one outlet, one entry"
    )]
    SameSite {
        /// The file.
        origin: String,
        /// The entry that repeats the site (the one of the operator's file when one is).
        entry: String,
        /// The entry that has it too.
        other: String,
    },
}

impl RegistryError {
    /// The id (or position, "#3") of the entry the error is about, when it is about one.
    pub fn entry(&self) -> Option<&str> {
        match self {
            RegistryError::Field { entry, .. } | RegistryError::SameSite { entry, .. } => {
                Some(entry)
            }
            _ => None,
        }
    }
}

/// The set of known outlets.
#[derive(Clone, Debug, Default)]
pub struct Registry {
    entries: Vec<RegistryEntry>,
    by_key: HashMap<String, usize>,
    /// Home-page host → the first entry with it.
    by_home_host: HashMap<String, usize>,
    /// Feed host → the first entry with a feed there.
    by_feed_host: HashMap<String, usize>,
}

impl Registry {
    /// The default registry shipped with Parallax (`data/sources.toml`, embedded at build time and
    /// parsed once per process).
    pub fn builtin() -> Registry {
        static BUILTIN: OnceLock<Registry> = OnceLock::new();
        BUILTIN
            .get_or_init(|| {
                parse_document(BUILTIN_TOML, BUILTIN_ORIGIN)
                    .and_then(|raws| build(raws, BUILTIN_ORIGIN))
                    .unwrap_or_else(|e| panic!("the embedded registry is invalid: {e}"))
            })
            .clone()
    }

    /// A registry from TOML text in the registry format (every entry complete: `disabled` and
    /// partial overrides make no sense without a base).
    pub fn from_toml(text: &str) -> Result<Registry, RegistryError> {
        from_toml_named(text, "registry")
    }

    /// The built-in registry, then the operator's file when given and present: its entries
    /// override built-in ones with the same `id` field by field, `disabled = true` removes one,
    /// and entries with a new `id` are added (they need at least a `name`). A path that does not
    /// exist is treated as an empty file; one that cannot be read or parsed is an error.
    pub fn load(operator_file: Option<&Path>) -> Result<Registry, RegistryError> {
        Registry::builtin().with_operator_file(operator_file)
    }

    /// [`Registry::load`], except that each bad entry of the operator's file (an invalid field,
    /// an id given twice, the same site as another source) is skipped and returned with its
    /// error (file, entry, field, message) beside the registry of all the rest. A skipped
    /// override leaves the built-in entry as it was. A file that cannot be read, or is not a TOML
    /// list of `[[source]]` tables, is still an error.
    pub fn load_lenient(
        operator_file: Option<&Path>,
    ) -> Result<(Registry, Vec<RegistryError>), RegistryError> {
        Registry::builtin().with_operator_file_lenient(operator_file)
    }

    /// This registry with the operator's file over it, as [`Registry::load`] does over the
    /// built-in one (`Registry::default()` is the empty registry, for operators who do not use
    /// the built-in one).
    pub fn with_operator_file(
        self,
        operator_file: Option<&Path>,
    ) -> Result<Registry, RegistryError> {
        let Some((text, origin)) = read_operator_file(operator_file)? else {
            return Ok(self);
        };
        self.with_operator_text(&text, &origin)
    }

    /// [`Registry::with_operator_file`], skipping bad entries as [`Registry::load_lenient`] does.
    pub fn with_operator_file_lenient(
        self,
        operator_file: Option<&Path>,
    ) -> Result<(Registry, Vec<RegistryError>), RegistryError> {
        let Some((text, origin)) = read_operator_file(operator_file)? else {
            return Ok((self, Vec::new()));
        };
        let (overrides, mut problems) = parse_document_lenient(&text, &origin)?;
        let (registry, more) = self.overlay(overrides, &origin, true)?;
        problems.extend(more);
        Ok((registry, problems))
    }

    /// This registry with operator-file text over it, strictly (any bad entry is an error).
    fn with_operator_text(self, text: &str, origin: &str) -> Result<Registry, RegistryError> {
        let overrides = parse_document(text, origin)?;
        self.overlay(overrides, origin, false).map(|(r, _)| r)
    }

    /// All entries, in file order (built-in ones first, then operator additions).
    pub fn entries(&self) -> &[RegistryEntry] {
        &self.entries
    }

    /// The entry with this slug (`"lemonde"`) or source id (`"src-…"`).
    pub fn get(&self, slug_or_id: &str) -> Option<&RegistryEntry> {
        self.by_key.get(slug_or_id).map(|&i| &self.entries[i])
    }

    /// The entry whose home page is on `host` or on a parent domain of it (`"www.bbc.co.uk"`,
    /// `"news.example.com"` finds `example.com`), or whose feeds are served from `host`.
    pub fn find_by_host(&self, host: &str) -> Option<&RegistryEntry> {
        let host = host.trim().trim_end_matches('.').to_ascii_lowercase();
        let host = host.strip_prefix("www.").unwrap_or(&host);
        let mut candidate = host;
        loop {
            if let Some(&i) = self.by_home_host.get(candidate) {
                return Some(&self.entries[i]);
            }
            match candidate.split_once('.') {
                Some((_, rest)) if rest.contains('.') => candidate = rest,
                _ => break,
            }
        }
        self.by_feed_host.get(host).map(|&i| &self.entries[i])
    }

    /// The countries (ISO 3166-1 alpha-2) of the entries.
    pub fn countries(&self) -> BTreeSet<String> {
        self.entries
            .iter()
            .filter_map(|e| e.source.country.clone())
            .collect()
    }

    /// The number of entries.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether the registry has no entries.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Lays `overrides` (the entries of the operator's file) over this registry. Strict: the first
    /// problem is the error. Lenient: each entry of the file that has a problem is left out (an
    /// override falls back to the entry it overrode) and its error returned with the result.
    fn overlay(
        self,
        overrides: Vec<RawEntry>,
        origin: &str,
        lenient: bool,
    ) -> Result<(Registry, Vec<RegistryError>), RegistryError> {
        struct Slot {
            /// The entry as this registry had it (`None` for one the file adds).
            base: Option<RawEntry>,
            /// The entry with the file's changes.
            merged: RawEntry,
            /// Whether the file changed or added it.
            from_file: bool,
            removed: bool,
        }
        let mut slots: Vec<Slot> = self
            .entries
            .iter()
            .map(|e| {
                let raw = RawEntry::from_entry(e);
                Slot {
                    base: Some(raw.clone()),
                    merged: raw,
                    from_file: false,
                    removed: false,
                }
            })
            .collect();
        let mut pos: HashMap<String, usize> = slots
            .iter()
            .enumerate()
            .map(|(i, s)| (s.merged.id.clone(), i))
            .collect();
        let mut problems = Vec::new();
        let mut seen = BTreeSet::new();
        for o in overrides {
            if !seen.insert(o.id.clone()) {
                let e = field_err(origin, &o.id, "id", "appears twice in the file");
                if lenient {
                    problems.push(e);
                    continue;
                }
                return Err(e);
            }
            match pos.get(&o.id) {
                Some(&i) if o.disabled => slots[i].removed = true,
                Some(&i) => {
                    slots[i].merged.apply(o, origin);
                    slots[i].from_file = true;
                }
                None if o.disabled => {} // nothing to remove: harmless
                None => {
                    pos.insert(o.id.clone(), slots.len());
                    slots.push(Slot {
                        base: None,
                        merged: o,
                        from_file: true,
                        removed: false,
                    });
                }
            }
        }
        // Entries that came from the base were valid there: every problem of the merged result
        // is one of an entry the file changed or added, and is reported against the file. Such
        // an entry is left out, and the rest built again, until nothing is wrong (a handful of
        // rounds for a handful of mistakes).
        loop {
            let merged = slots
                .iter()
                .filter(|s| !s.removed)
                .map(|s| s.merged.clone())
                .collect();
            let err = match build(merged, origin) {
                Ok(registry) => return Ok((registry, problems)),
                Err(e) => e,
            };
            let from_file = |id: &str| {
                slots
                    .iter()
                    .position(|s| !s.removed && s.from_file && s.merged.id == id)
            };
            // Name the entry of the file, whichever of the two came first.
            let (err, culprit) = match err {
                RegistryError::SameSite {
                    origin,
                    entry,
                    other,
                } => match from_file(&entry) {
                    Some(i) => (
                        RegistryError::SameSite {
                            origin,
                            entry,
                            other,
                        },
                        Some(i),
                    ),
                    None => {
                        let i = from_file(&other);
                        (
                            RegistryError::SameSite {
                                origin,
                                entry: other,
                                other: entry,
                            },
                            i,
                        )
                    }
                },
                e => {
                    let i = e.entry().and_then(from_file);
                    (e, i)
                }
            };
            let Some(i) = culprit.filter(|_| lenient) else {
                return Err(err);
            };
            problems.push(err);
            let slot = &mut slots[i];
            slot.from_file = false;
            match slot.base.clone() {
                Some(base) => slot.merged = base,
                None => slot.removed = true,
            }
        }
    }
}

fn read_operator_file(path: Option<&Path>) -> Result<Option<(String, String)>, RegistryError> {
    let Some(path) = path else {
        return Ok(None);
    };
    match std::fs::read_to_string(path) {
        Ok(t) => Ok(Some((t, path.display().to_string()))),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(source) => Err(RegistryError::Io {
            path: path.to_path_buf(),
            source,
        }),
    }
}

fn from_toml_named(text: &str, origin: &str) -> Result<Registry, RegistryError> {
    let raws = parse_document(text, origin)?;
    if let Some(r) = raws.iter().find(|r| r.disabled) {
        return Err(field_err(
            origin,
            &r.id,
            "disabled",
            "only an operator file loaded over the built-in registry can disable an entry",
        ));
    }
    build(raws, origin)
}

// ---------------------------------------------------------------------------------------------
// The TOML format

const FIELDS: &[&str] = &[
    "id",
    "name",
    "home_page",
    "country",
    "languages",
    "feeds",
    "owner",
    "ownership",
    "bias",
    "factuality",
    "origin",
    "notes",
    "disabled",
];

/// One `[[source]]` table as written: every field but `id` optional, so that it can be an
/// override.
#[derive(Clone, Debug, Default)]
struct RawEntry {
    id: String,
    name: Option<String>,
    home_page: Option<String>,
    country: Option<String>,
    languages: Option<Vec<String>>,
    feeds: Option<Vec<RawFeed>>,
    owner: Option<String>,
    ownership: Option<OwnershipType>,
    bias: Option<Rating>,
    factuality: Option<Rating>,
    origin: Option<String>,
    notes: Option<String>,
    disabled: bool,
    /// The facts an operator's file changed without giving an `origin` of its own, and that
    /// file: their provenance is the file, not the origin of the entry it overrode.
    operator_facts: BTreeSet<&'static str>,
    operator_file: Option<String>,
}

/// One item of `feeds`: `"URL"` or `{ url = "URL", category = "world" }`.
#[derive(Clone, Debug, PartialEq)]
struct RawFeed {
    url: String,
    category: Option<String>,
}

impl RawEntry {
    fn from_entry(e: &RegistryEntry) -> Self {
        let s = &e.source;
        RawEntry {
            id: e.slug.clone(),
            name: Some(s.name.clone()),
            home_page: s.home_page.clone(),
            country: s.country.clone(),
            languages: Some(s.languages.clone()),
            feeds: Some(
                s.feeds
                    .iter()
                    .map(|url| RawFeed {
                        url: url.clone(),
                        category: s.feed_categories.get(url).cloned(),
                    })
                    .collect(),
            ),
            owner: s.owner.clone(),
            ownership: s.ownership,
            bias: s.bias.clone(),
            factuality: s.factuality.clone(),
            origin: e.origin.clone(),
            notes: e.notes.clone(),
            disabled: false,
            operator_facts: BTreeSet::new(),
            operator_file: None,
        }
    }

    /// Field-by-field override by the operator's file `file`: what `o` gives replaces what
    /// `self` has.
    fn apply(&mut self, o: RawEntry, file: &str) {
        if o.origin.is_none() {
            let given = [
                ("name", o.name.is_some()),
                ("country", o.country.is_some()),
                ("languages", o.languages.is_some()),
                ("owner", o.owner.is_some() || o.ownership.is_some()),
            ];
            for (fact, _) in given.into_iter().filter(|(_, g)| *g) {
                self.operator_facts.insert(fact);
            }
            if !self.operator_facts.is_empty() {
                self.operator_file = Some(file.to_string());
            }
        } else {
            self.operator_facts.clear();
        }
        macro_rules! take {
            ($($f:ident),*) => { $( if o.$f.is_some() { self.$f = o.$f; } )* };
        }
        take!(
            name, home_page, country, languages, feeds, owner, ownership, bias, factuality, origin,
            notes
        );
    }
}

fn field_err(origin: &str, entry: &str, field: &str, message: impl fmt::Display) -> RegistryError {
    RegistryError::Field {
        origin: origin.to_string(),
        entry: entry.to_string(),
        field: field.to_string(),
        message: message.to_string(),
    }
}

/// The entries of a registry file; the first bad entry is the error.
fn parse_document(text: &str, origin: &str) -> Result<Vec<RawEntry>, RegistryError> {
    let (raws, problems) = parse_document_lenient(text, origin)?;
    match problems.into_iter().next() {
        Some(e) => Err(e),
        None => Ok(raws),
    }
}

/// The good entries of a registry file and the errors of the bad ones; an error when the file is
/// not TOML or not a list of `[[source]]` tables.
fn parse_document_lenient(
    text: &str,
    origin: &str,
) -> Result<(Vec<RawEntry>, Vec<RegistryError>), RegistryError> {
    let table: toml::Table = text
        .parse()
        .map_err(|e: toml::de::Error| RegistryError::Syntax {
            origin: origin.to_string(),
            message: format!("not valid TOML: {}", e.to_string().trim_end()),
        })?;
    if let Some(k) = table.keys().find(|k| k.as_str() != "source") {
        return Err(RegistryError::Syntax {
            origin: origin.to_string(),
            message: format!(
                "unexpected top-level key `{k}`: a registry file holds only [[source]] tables"
            ),
        });
    }
    let Some(list) = table.get("source") else {
        return Ok((Vec::new(), Vec::new()));
    };
    let Some(list) = list.as_array() else {
        return Err(RegistryError::Syntax {
            origin: origin.to_string(),
            message: "`source` must be a list of tables, written [[source]]".to_string(),
        });
    };
    let (mut raws, mut problems) = (Vec::new(), Vec::new());
    for (i, v) in list.iter().enumerate() {
        match parse_entry(v, i, origin) {
            Ok(r) => raws.push(r),
            Err(e) => problems.push(e),
        }
    }
    Ok((raws, problems))
}

fn parse_entry(v: &Value, index: usize, origin: &str) -> Result<RawEntry, RegistryError> {
    let position = format!("#{}", index + 1);
    let Some(t) = v.as_table() else {
        return Err(field_err(origin, &position, "source", "must be a table"));
    };
    let id = match t.get("id") {
        Some(Value::String(s)) if valid_slug(s) => s.clone(),
        Some(Value::String(s)) => {
            return Err(field_err(
                origin,
                s,
                "id",
                "must be a slug: lower-case letters, digits, '-', '_' or '.', starting with a \
                 letter or digit",
            ));
        }
        Some(other) => {
            return Err(field_err(
                origin,
                &position,
                "id",
                format!("must be a string, found {}", other.type_str()),
            ));
        }
        None => return Err(field_err(origin, &position, "id", "is missing")),
    };
    let err = |field: &str, msg: String| field_err(origin, &id, field, msg);
    if let Some(k) = t.keys().find(|k| !FIELDS.contains(&k.as_str())) {
        return Err(err(
            k,
            format!("unknown field; the fields are {}", FIELDS.join(", ")),
        ));
    }
    let string = |field: &str| -> Result<Option<String>, RegistryError> {
        match t.get(field) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.trim().to_string())),
            Some(other) => Err(err(
                field,
                format!("must be a string, found {}", other.type_str()),
            )),
        }
    };
    let list = |field: &str| -> Result<Option<Vec<String>>, RegistryError> {
        match t.get(field) {
            None => Ok(None),
            Some(Value::Array(a)) => a
                .iter()
                .map(|x| match x {
                    Value::String(s) => Ok(s.trim().to_string()),
                    other => Err(err(
                        field,
                        format!("must be a list of strings, found {}", other.type_str()),
                    )),
                })
                .collect::<Result<Vec<_>, _>>()
                .map(Some),
            Some(other) => Err(err(
                field,
                format!("must be a list of strings, found {}", other.type_str()),
            )),
        }
    };
    let feeds = match t.get("feeds") {
        None => None,
        Some(Value::Array(a)) => Some(
            a.iter()
                .map(|x| parse_feed(x).map_err(|m| err("feeds", m)))
                .collect::<Result<Vec<_>, _>>()?,
        ),
        Some(other) => {
            return Err(err(
                "feeds",
                format!(
                    "must be a list of feeds, found {}; {FEED_FORMS}",
                    other.type_str()
                ),
            ));
        }
    };
    let rating = |field: &str| -> Result<Option<Rating>, RegistryError> {
        match t.get(field) {
            None => Ok(None),
            Some(Value::Table(r)) => {
                let get = |k: &str| r.get(k).and_then(Value::as_str).map(str::trim);
                match (get("value"), get("provenance")) {
                    (Some(v), Some(p)) if !v.is_empty() && !p.is_empty() && r.len() == 2 => {
                        Ok(Some(Rating {
                            value: v.to_string(),
                            provenance: p.to_string(),
                        }))
                    }
                    _ => Err(err(
                        field,
                        "must be { value = \"...\", provenance = \"...\" }, both non-empty"
                            .to_string(),
                    )),
                }
            }
            Some(other) => Err(err(
                field,
                format!(
                    "must be {{ value = \"...\", provenance = \"...\" }}, found {}",
                    other.type_str()
                ),
            )),
        }
    };
    let ownership = match string("ownership")? {
        None => None,
        Some(s) => Some(parse_ownership(&s).ok_or_else(|| {
            err(
                "ownership",
                format!(
                    "unknown ownership type {s:?}; use one of state, public_service, private, \
                     publicly_traded, non_profit, agency"
                ),
            )
        })?),
    };
    let disabled = match t.get("disabled") {
        None => false,
        Some(Value::Boolean(b)) => *b,
        Some(other) => {
            return Err(err(
                "disabled",
                format!("must be true or false, found {}", other.type_str()),
            ));
        }
    };
    Ok(RawEntry {
        name: string("name")?,
        home_page: string("home_page")?,
        country: string("country")?,
        languages: list("languages")?,
        feeds,
        owner: string("owner")?,
        ownership,
        bias: rating("bias")?,
        factuality: rating("factuality")?,
        origin: string("origin")?,
        notes: string("notes")?,
        disabled,
        id,
        operator_facts: BTreeSet::new(),
        operator_file: None,
    })
}

const FEED_FORMS: &str = "a feed is \"URL\" or { url = \"URL\", category = \"world\" }";

/// One item of `feeds`.
fn parse_feed(v: &Value) -> Result<RawFeed, String> {
    match v {
        Value::String(s) => Ok(RawFeed {
            url: s.trim().to_string(),
            category: None,
        }),
        Value::Table(t) => {
            if let Some(k) = t
                .keys()
                .find(|k| !["url", "category"].contains(&k.as_str()))
            {
                return Err(format!("unknown key `{k}` in a feed table; {FEED_FORMS}"));
            }
            let url = match t.get("url") {
                Some(Value::String(u)) => u.trim().to_string(),
                Some(other) => {
                    return Err(format!(
                        "`url` of a feed table must be a string, found {}",
                        other.type_str()
                    ));
                }
                None => return Err(format!("a feed table has no `url`; {FEED_FORMS}")),
            };
            let category = match t.get("category") {
                None => None,
                Some(Value::String(c)) if valid_category(c) => Some(c.clone()),
                Some(Value::String(c)) => {
                    return Err(format!(
                        "category {c:?} of feed {url:?} is not a lower-case slug (letters a-z, \
                         then a-z, '_' or '-', at most 40 characters: \"world\")"
                    ));
                }
                Some(other) => {
                    return Err(format!(
                        "category of feed {url:?} must be a string, found {}",
                        other.type_str()
                    ));
                }
            };
            Ok(RawFeed { url, category })
        }
        other => Err(format!(
            "must be a list of feeds, found a {} in it; {FEED_FORMS}",
            other.type_str()
        )),
    }
}

/// Whether `s` can be a feed's category: a lower-case slug `[a-z][a-z_-]*` of at most 40
/// characters ("world", "business").
pub fn valid_feed_category(s: &str) -> bool {
    valid_category(s)
}

fn valid_category(s: &str) -> bool {
    let mut chars = s.chars();
    s.len() <= 40
        && matches!(chars.next(), Some(c) if c.is_ascii_lowercase())
        && chars.all(|c| c.is_ascii_lowercase() || c == '_' || c == '-')
}

fn parse_ownership(s: &str) -> Option<OwnershipType> {
    use OwnershipType::*;
    [
        State,
        PublicService,
        Private,
        PubliclyTraded,
        NonProfit,
        Agency,
    ]
    .into_iter()
    .find(|o| o.label() == s)
}

fn valid_slug(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_lowercase() || c.is_ascii_digit())
        && s.len() <= 100
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "-_.".contains(c))
}

fn valid_http_url(s: &str) -> Result<(), String> {
    match url::Url::parse(s) {
        Ok(u) if (u.scheme() == "http" || u.scheme() == "https") && u.host_str().is_some() => {
            Ok(())
        }
        Ok(u) => Err(format!(
            "{s:?} is not an http(s) URL (scheme {:?})",
            u.scheme()
        )),
        Err(e) => Err(format!("{s:?} is not a URL: {e}")),
    }
}

/// Validates complete entries and builds the registry.
fn build(raws: Vec<RawEntry>, origin: &str) -> Result<Registry, RegistryError> {
    let mut entries = Vec::with_capacity(raws.len());
    let mut by_key = HashMap::new();
    let mut ids: HashMap<SourceId, String> = HashMap::new();
    for r in raws {
        let entry = validate(r, origin)?;
        if let Some(other) = ids.insert(entry.source.id.clone(), entry.slug.clone()) {
            return Err(RegistryError::SameSite {
                origin: origin.to_string(),
                entry: entry.slug,
                other,
            });
        }
        if by_key.contains_key(&entry.slug) {
            return Err(field_err(origin, &entry.slug, "id", "appears twice"));
        }
        by_key.insert(entry.slug.clone(), entries.len());
        by_key.insert(entry.source.id.0.clone(), entries.len());
        entries.push(entry);
    }
    let mut by_home_host = HashMap::new();
    let mut by_feed_host = HashMap::new();
    for (i, e) in entries.iter().enumerate() {
        if let Some(h) = e.source.home_page.as_deref().and_then(host_of) {
            by_home_host.entry(h).or_insert(i);
        }
        for f in &e.source.feeds {
            if let Some(h) = host_of(f) {
                by_feed_host.entry(h).or_insert(i);
            }
        }
    }
    Ok(Registry {
        entries,
        by_key,
        by_home_host,
        by_feed_host,
    })
}

fn validate(r: RawEntry, origin: &str) -> Result<RegistryEntry, RegistryError> {
    let err = |field: &str, msg: String| field_err(origin, &r.id, field, msg);
    let name = match r.name.as_deref() {
        Some(n) if !n.is_empty() => n.to_string(),
        _ => return Err(err("name", "is missing or empty".to_string())),
    };
    if let Some(h) = &r.home_page {
        valid_http_url(h).map_err(|m| err("home_page", m))?;
    }
    if let Some(c) = &r.country
        && iso::COUNTRIES.binary_search(&c.as_str()).is_err()
    {
        return Err(err(
            "country",
            format!("{c:?} is not an ISO 3166-1 alpha-2 code (two upper-case letters, \"FR\")"),
        ));
    }
    let languages = r.languages.clone().unwrap_or_default();
    for l in &languages {
        if iso::LANGUAGES.binary_search(&l.as_str()).is_err() {
            return Err(err(
                "languages",
                format!("{l:?} is not an ISO 639-1 code (two lower-case letters, \"fr\")"),
            ));
        }
    }
    let mut feeds = Vec::new();
    let mut feed_categories = BTreeMap::new();
    for f in r.feeds.iter().flatten() {
        valid_http_url(&f.url).map_err(|m| err("feeds", m))?;
        if let Some(c) = &f.category {
            feed_categories
                .entry(f.url.clone())
                .or_insert_with(|| c.clone());
        }
        feeds.push(f.url.clone());
    }
    let origin_text = r.origin.filter(|o| !o.is_empty());
    let mut source = Source {
        id: source_id_for(&r.id, r.home_page.as_deref()),
        name,
        home_page: r.home_page,
        country: r.country,
        languages,
        owner: r.owner.filter(|o| !o.is_empty()),
        ownership: r.ownership,
        bias: r.bias,
        factuality: r.factuality,
        feeds,
        feed_categories,
        provenance: SourceProvenance::default(),
        ratings: Vec::new(),
    };
    let operator = format!(
        "operator registry {}",
        r.operator_file.as_deref().unwrap_or(origin)
    );
    source.provenance = provenance(
        &source,
        origin_text.as_deref(),
        &operator,
        &r.operator_facts,
    );
    Ok(RegistryEntry {
        slug: r.id,
        source,
        origin: origin_text,
        notes: r.notes.filter(|n| !n.is_empty()),
    })
}

/// Where each fact of `s` came from, read off the entry's `origin`
/// (`"LISTS; country: ...; languages: ...; owner: ..."`): the name from the part before the first
/// `;` (the lists the outlet appears in), each other fact from its own part. A fact that is set
/// but has no part of its own is credited to the whole origin, or to `operator` (the operator's
/// file) when the entry has no origin; so are the facts in `operator_facts` (changed by the
/// operator's file). A registry country is the outlet's home ([`CountryBasis::Home`]), unless its
/// origin says it was read off the site's country-code domain
/// ([`CountryBasis::TopLevelDomain`]), as the generated registry says for outlets no list places.
fn provenance(
    s: &Source,
    origin: Option<&str>,
    operator: &str,
    operator_facts: &BTreeSet<&'static str>,
) -> SourceProvenance {
    const KEYS: &[&str] = &[
        "name",
        "country",
        "languages",
        "owner",
        "ownership",
        "feeds",
    ];
    let mut lists = None;
    let mut parts: HashMap<&str, &str> = HashMap::new();
    for (i, part) in origin.unwrap_or("").split(';').enumerate() {
        let part = part.trim();
        match part.split_once(':') {
            Some((k, v)) if KEYS.contains(&k.trim()) => {
                parts.entry(k.trim()).or_insert(v.trim());
            }
            _ if i == 0 && !part.is_empty() => lists = Some(part),
            _ => {}
        }
    }
    let whole = origin.unwrap_or(operator);
    let credit = |fact: &'static str, set: bool, part: Option<&str>| -> Option<String> {
        if !set {
            None
        } else if operator_facts.contains(fact) {
            Some(operator.to_string())
        } else {
            Some(part.unwrap_or(whole).to_string())
        }
    };
    SourceProvenance {
        name: credit("name", true, parts.get("name").copied().or(lists)),
        country: credit(
            "country",
            s.country.is_some(),
            parts.get("country").copied(),
        ),
        country_basis: s.country.is_some().then(|| {
            let part = parts.get("country").copied().unwrap_or("");
            if operator_facts.contains("country")
                || !(part.contains("country-code domain") || part.contains("top-level domain"))
            {
                CountryBasis::Home
            } else {
                CountryBasis::TopLevelDomain
            }
        }),
        languages: credit(
            "languages",
            !s.languages.is_empty(),
            parts.get("languages").copied(),
        ),
        owner: credit(
            "owner",
            s.owner.is_some() || s.ownership.is_some(),
            parts
                .get("owner")
                .or_else(|| parts.get("ownership"))
                .copied(),
        ),
        ownership_detail: None,
    }
}

// ---------------------------------------------------------------------------------------------
// Editing the operator file

fn read_doc(path: &Path) -> Result<toml_edit::DocumentMut, RegistryError> {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(source) => {
            return Err(RegistryError::Io {
                path: path.to_path_buf(),
                source,
            });
        }
    };
    // The whole file must be a registry (TOML, [[source]] tables); what its entries hold is
    // checked on the result of an edit (`add_entries_to_file`), so that a bad entry can still be
    // removed.
    parse_document_lenient(&text, &path.display().to_string())?;
    text.parse::<toml_edit::DocumentMut>()
        .map_err(|e| RegistryError::Syntax {
            origin: path.display().to_string(),
            message: format!("not valid TOML: {}", e.to_string().trim_end()),
        })
}

fn write_doc(path: &Path, doc: &toml_edit::DocumentMut) -> Result<(), RegistryError> {
    let io = |source| RegistryError::Io {
        path: path.to_path_buf(),
        source,
    };
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(io)?;
    // Write a sibling file, then rename: a crash never leaves a half-written registry.
    let tmp = dir.join(format!(
        ".{}.tmp-{}",
        path.file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "sources.toml".into()),
        std::process::id()
    ));
    std::fs::write(&tmp, doc.to_string()).map_err(io)?;
    std::fs::rename(&tmp, path).map_err(io)
}

fn sources_array(
    doc: &mut toml_edit::DocumentMut,
) -> Result<&mut toml_edit::ArrayOfTables, RegistryError> {
    if !doc.contains_key("source") {
        doc.insert(
            "source",
            toml_edit::Item::ArrayOfTables(toml_edit::ArrayOfTables::new()),
        );
    }
    doc["source"]
        .as_array_of_tables_mut()
        .ok_or_else(|| RegistryError::Syntax {
            origin: "operator registry".to_string(),
            message: "`source` must be written as [[source]] tables to be edited".to_string(),
        })
}

fn position_of(arr: &toml_edit::ArrayOfTables, slug: &str) -> Option<usize> {
    arr.iter()
        .position(|t| t.get("id").and_then(|v| v.as_str()) == Some(slug))
}

fn entry_table(e: &RegistryEntry) -> toml_edit::Table {
    fn strings(xs: &[String]) -> toml_edit::Array {
        xs.iter().map(String::as_str).collect()
    }
    fn rating(r: &Rating) -> toml_edit::InlineTable {
        let mut t = toml_edit::InlineTable::new();
        t.insert("value", r.value.as_str().into());
        t.insert("provenance", r.provenance.as_str().into());
        t
    }
    let s = &e.source;
    let mut t = toml_edit::Table::new();
    t.insert("id", toml_edit::value(e.slug.as_str()));
    t.insert("name", toml_edit::value(s.name.as_str()));
    if let Some(h) = &s.home_page {
        t.insert("home_page", toml_edit::value(h.as_str()));
    }
    if let Some(c) = &s.country {
        t.insert("country", toml_edit::value(c.as_str()));
    }
    t.insert("languages", toml_edit::value(strings(&s.languages)));
    // A feed with a category is written as an inline table, one without as a plain URL.
    let feeds: toml_edit::Array = s
        .feeds
        .iter()
        .map(|f| -> toml_edit::Value {
            match s.feed_categories.get(f) {
                Some(c) => {
                    let mut t = toml_edit::InlineTable::new();
                    t.insert("url", f.as_str().into());
                    t.insert("category", c.as_str().into());
                    t.into()
                }
                None => f.as_str().into(),
            }
        })
        .collect();
    t.insert("feeds", toml_edit::value(feeds));
    if let Some(o) = &s.owner {
        t.insert("owner", toml_edit::value(o.as_str()));
    }
    if let Some(o) = s.ownership {
        t.insert("ownership", toml_edit::value(o.label()));
    }
    if let Some(r) = &s.bias {
        t.insert("bias", toml_edit::value(rating(r)));
    }
    if let Some(r) = &s.factuality {
        t.insert("factuality", toml_edit::value(rating(r)));
    }
    if let Some(o) = &e.origin {
        t.insert("origin", toml_edit::value(o.as_str()));
    }
    if let Some(n) = &e.notes {
        t.insert("notes", toml_edit::value(n.as_str()));
    }
    t
}

/// Adds `entry` to the operator registry file at `path` (created if missing), or replaces the
/// file's entry with the same slug. The entry is validated first; the rest of the file (other
/// entries, comments, layout) is kept as it was. An entry whose slug is a built-in one acts as a
/// full override of it. Nothing is written unless the file, so changed, loads over the built-in
/// registry without any error ([`add_entries_to_file`]).
pub fn add_to_file(path: &Path, entry: &RegistryEntry) -> Result<(), RegistryError> {
    add_entries_to_file(path, &Registry::builtin(), std::slice::from_ref(entry))
}

/// Adds (or replaces, by slug) `entries` in the operator registry file at `path`, in one write.
/// The file as it would be is first loaded over `base` (the built-in registry, or
/// `Registry::default()` for an operator who does not use it) with the same rules as
/// [`Registry::load`]; any error (a bad field, two sources of one site, including a problem the
/// file already had) is returned and the file is left untouched.
pub fn add_entries_to_file(
    path: &Path,
    base: &Registry,
    entries: &[RegistryEntry],
) -> Result<(), RegistryError> {
    let origin = path.display().to_string();
    for entry in entries {
        let raw = RawEntry::from_entry(entry);
        if !valid_slug(&raw.id) {
            return Err(field_err(
                &origin,
                &raw.id,
                "id",
                "must be a slug: lower-case letters, digits, '-', '_' or '.'",
            ));
        }
        validate(raw, &origin)?;
    }
    let mut doc = read_doc(path)?;
    let arr = sources_array(&mut doc)?;
    for entry in entries {
        let table = entry_table(entry);
        match position_of(arr, &entry.slug) {
            Some(i) => {
                let existing = arr.get_mut(i).expect("position is in range");
                let decor = existing.decor().clone();
                *existing = table;
                *existing.decor_mut() = decor;
            }
            None => arr.push(table),
        }
    }
    // Load what would be written, with the same rules as loading: add never writes a registry
    // that fails to load.
    base.clone().with_operator_text(&doc.to_string(), &origin)?;
    write_doc(path, &doc)
}

/// Removes the source `slug` from the operator file at `path`. A source the operator added is
/// deleted from the file; a built-in source is disabled with a `disabled = true` entry (replacing
/// any override the file had for it). Returns `false` when there was nothing to remove (the slug
/// is neither in the file nor built in).
pub fn remove_from_file(path: &Path, slug: &str) -> Result<bool, RegistryError> {
    let builtin = Registry::builtin()
        .get(slug)
        .is_some_and(|e| e.slug == slug);
    let mut doc = read_doc(path)?;
    let in_file = doc
        .get("source")
        .and_then(|s| s.as_array_of_tables())
        .and_then(|arr| position_of(arr, slug));
    if in_file.is_none() && !builtin {
        return Ok(false);
    }
    let arr = sources_array(&mut doc)?;
    if builtin {
        let mut t = toml_edit::Table::new();
        t.insert("id", toml_edit::value(slug));
        t.insert("disabled", toml_edit::value(true));
        match in_file {
            Some(i) => {
                let existing = arr.get_mut(i).expect("position is in range");
                let decor = existing.decor().clone();
                *existing = t;
                *existing.decor_mut() = decor;
            }
            None => arr.push(t),
        }
    } else if let Some(i) = in_file {
        arr.remove(i);
    }
    write_doc(path, &doc)?;
    Ok(true)
}
