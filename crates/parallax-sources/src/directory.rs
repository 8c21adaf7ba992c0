//! The outlet directory: host → outlet name, home country, languages, owner and ownership, and
//! the country GDELT infers from a domain's coverage.
//!
//! It is generated from public lists by `tools/build_directory.py` (see `data/DIRECTORY.md`) and
//! shipped as `data/directory.tsv.gz`: one row per host, tab-separated, a header line, and a
//! legend of origin codes (`#origin<TAB>code<TAB>text`) that [`DirectoryEntry`] shows expanded.
//! The registry ([`crate::Registry`]) is more trusted and is consulted first; this directory
//! covers the long tail (some 170,000 hosts, most known only by GDELT's inferred country).
//!
//! Memory: the directory keeps the decompressed text (about 6 MB) and small indexes, and builds
//! a [`DirectoryEntry`] only when it is first asked for (then keeps it).

use crate::iso::{COUNTRIES, LANGUAGES};
use parallax_core::OwnershipType;
use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::io::Read;
use std::sync::OnceLock;

/// Credit the GDELT licence asks for wherever a country inferred from its data is shown.
pub const GDELT_CREDIT: &str =
    "Country inferred from coverage: GDELT Project, https://www.gdeltproject.org/";

/// The generated directory, gzip-compressed.
const BUILTIN_GZ: &[u8] = include_bytes!("../data/directory.tsv.gz");

/// The columns the TSV must have (in any order; other columns are ignored).
const COLUMNS: [&str; 13] = [
    "host",
    "name",
    "name_origin",
    "country",
    "country_origin",
    "languages",
    "languages_origin",
    "owner",
    "ownership",
    "ownership_detail",
    "ownership_origin",
    "inferred_country",
    "inferred_share",
];
const HOST: usize = 0;
const NAME: usize = 1;
const NAME_ORIGIN: usize = 2;
const COUNTRY: usize = 3;
const COUNTRY_ORIGIN: usize = 4;
const LANGS: usize = 5;
const LANGS_ORIGIN: usize = 6;
const OWNER: usize = 7;
const OWNERSHIP: usize = 8;
const OWNERSHIP_DETAIL: usize = 9;
const OWNERSHIP_ORIGIN: usize = 10;
const INFERRED_COUNTRY: usize = 11;
const INFERRED_SHARE: usize = 12;

/// Leading labels of the same outlet's other sites (mobile, AMP), folded away before a lookup.
const FOLDED_PREFIXES: [&str; 4] = ["www.", "m.", "amp.", "mobile."];

/// Country-code top-level domains used mostly as generic ones, so that they say nothing about
/// where an outlet is: brand hacks and cheap registrations (.tv video, .io and .ai tech, .fm
/// radio, .me personal, .co "company", .ly and .la words, .gg gaming, .ag German companies,
/// .nu Swedish and Dutch "now", .ms, .st, .sh, .vc, .cx, .pw, .cc, .ws, .to, .so, .im), and the
/// free Freenom domains (.tk .ml .ga .cf .gq), which are mostly spam. Among the GDELT domains of
/// most of these, under a quarter cover their ccTLD's country most. Kept as countries although
/// some brands use them: .am (three quarters of the GDELT .am domains are Armenian), .is, .md,
/// .sc, .mu, .gl, .cd, .tm, .bz, .dj, .cm.
const GENERIC_CCTLDS: [&str; 29] = [
    "ag", "ai", "cc", "cf", "co", "cx", "fm", "ga", "gg", "gq", "im", "io", "la", "ly", "me", "ml",
    "ms", "nu", "pw", "sh", "so", "st", "tk", "to", "tv", "vc", "ws", "ac", "su",
];

/// Internationalised country-code top-level domains (punycode) and their countries.
const IDN_CCTLDS: [(&str, &str); 24] = [
    ("xn--p1ai", "RU"),          // .рф
    ("xn--j1amh", "UA"),         // .укр
    ("xn--90ais", "BY"),         // .бел
    ("xn--90a3ac", "RS"),        // .срб
    ("xn--d1alf", "MK"),         // .мкд
    ("xn--l1acc", "MN"),         // .мон
    ("xn--80ao21a", "KZ"),       // .қаз
    ("xn--fiqs8s", "CN"),        // .中国
    ("xn--fiqz9s", "CN"),        // .中國
    ("xn--j6w193g", "HK"),       // .香港
    ("xn--kprw13d", "TW"),       // .台湾
    ("xn--kpry57d", "TW"),       // .台灣
    ("xn--3e0b707e", "KR"),      // .한국
    ("xn--o3cw4h", "TH"),        // .ไทย
    ("xn--h2brj9c", "IN"),       // .भारत
    ("xn--wgbh1c", "EG"),        // .مصر
    ("xn--mgberp4a5d4ar", "SA"), // .السعودية
    ("xn--mgbaam7a8h", "AE"),    // .امارات
    ("xn--mgbc0a9azcg", "MA"),   // .المغرب
    ("xn--yfro4i67o", "SG"),     // .新加坡
    ("xn--qxam", "GR"),          // .ελ
    ("xn--node", "GE"),          // .გე
    ("xn--y9a3aq", "AM"),        // .հայ
    ("xn--mgba3a4f16a", "IR"),   // .ایران
];

/// What the directory knows about one host. Every fact has its origin (the lists it came from,
/// most trusted first, as "kite media_data (MIT) + Wikidata (CC0)").
#[derive(Clone, Debug, PartialEq)]
pub struct DirectoryEntry {
    /// The host (lower case, without `www.`, `m.`, `amp.`, `mobile.`).
    pub host: String,
    /// The outlet's name; `None` when unknown or when the lists name several outlets on the host.
    pub name: Option<String>,
    /// Where the name came from.
    pub name_origin: Option<String>,
    /// The outlet's home country (ISO 3166-1 alpha-2), from curated lists only; never GDELT.
    pub country: Option<String>,
    /// Where the home country came from.
    pub country_origin: Option<String>,
    /// Languages (ISO 639-1).
    pub languages: Vec<String>,
    /// Where the languages came from.
    pub languages_origin: Option<String>,
    /// The owner or the company that runs the outlet.
    pub owner: Option<String>,
    /// The ownership type.
    pub ownership: Option<OwnershipType>,
    /// The ownership as the list that gave it says it ("state-controlled (State Media Monitor:
    /// SC)").
    pub ownership_detail: Option<String>,
    /// Where the owner, the ownership type and its detail came from.
    pub ownership_origin: Option<String>,
    /// The country the domain's articles mention most (GDELT, ISO 3166-1 alpha-2): inferred from
    /// coverage, never the outlet's home. Show it with [`GDELT_CREDIT`].
    pub inferred_country: Option<String>,
    /// The share of the domain's mentions (of its five most-mentioned countries) that went to
    /// `inferred_country`, from 0 to 1.
    pub inferred_share: Option<f32>,
}

/// One row of the directory: where its line and its host are in the text.
#[derive(Clone, Copy)]
struct Row {
    line: (u32, u32),
    host: (u32, u32),
}

/// The outlet directory: host → outlet name, home country, languages, owner and ownership, and
/// the country GDELT infers from coverage (`data/DIRECTORY.md`).
pub struct Directory {
    /// A short hash of the TSV text: changes whenever the data does.
    version: String,
    /// The TSV text.
    text: String,
    /// The position of each required column in a line.
    cols: [usize; COLUMNS.len()],
    /// Fields in a line (the header's count).
    width: usize,
    /// Origin code → its long form.
    legend: HashMap<String, String>,
    /// Rows sorted by host.
    rows: Vec<Row>,
    /// The entries built so far, one slot per row.
    entries: Box<[OnceLock<Box<DirectoryEntry>>]>,
    /// Folded name → rows.
    names: HashMap<String, Vec<u32>>,
    /// (start, end, row): the first label of each row's registrable domain, sorted by it.
    labels: Vec<(u32, u32, u32)>,
    /// Home country → hosts.
    home: BTreeMap<String, usize>,
}

impl fmt::Debug for Directory {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Directory")
            .field("hosts", &self.rows.len())
            .field("names", &self.names.len())
            .field("home_countries", &self.home.len())
            .finish()
    }
}

impl Directory {
    /// The directory shipped with Parallax (`data/directory.tsv.gz`, embedded at build time),
    /// decompressed and parsed once per process on first use.
    pub fn builtin() -> &'static Directory {
        static BUILTIN: OnceLock<Directory> = OnceLock::new();
        BUILTIN.get_or_init(|| {
            let mut text = String::new();
            flate2::read::GzDecoder::new(BUILTIN_GZ)
                .read_to_string(&mut text)
                .unwrap_or_else(|e| panic!("the embedded outlet directory is unreadable: {e}"));
            Directory::from_tsv(&text)
                .unwrap_or_else(|e| panic!("the embedded outlet directory is invalid: {e}"))
        })
    }

    /// Parse the directory from its TSV text: `#origin<TAB>code<TAB>text` legend lines, other
    /// `#` comment lines, one header line naming the columns, then one row per host. A malformed
    /// row is an error naming its line number.
    pub fn from_tsv(text: &str) -> Result<Directory, String> {
        if text.len() >= u32::MAX as usize {
            return Err("the directory text is too large".to_string());
        }
        let mut legend = HashMap::new();
        let mut header: Option<([usize; COLUMNS.len()], usize)> = None;
        let mut rows: Vec<(Row, usize)> = Vec::new();
        let mut fields: Vec<&str> = Vec::new();
        let mut offset = 0usize;
        for (index, raw) in text.split_inclusive('\n').enumerate() {
            let number = index + 1;
            let start = offset;
            offset += raw.len();
            let line = raw.trim_end_matches(['\n', '\r']);
            if line.is_empty() {
                continue;
            }
            if let Some(rest) = line.strip_prefix("#origin\t") {
                let (code, long) = rest.split_once('\t').ok_or_else(|| {
                    format!("line {number}: an #origin line needs a code and a text")
                })?;
                if code.is_empty() || code.contains('+') || long.trim().is_empty() {
                    return Err(format!("line {number}: bad #origin line"));
                }
                legend.insert(code.to_string(), long.trim().to_string());
                continue;
            }
            if line.starts_with('#') {
                continue;
            }
            let Some((cols, width)) = header else {
                header = Some(parse_header(line).map_err(|e| format!("line {number}: {e}"))?);
                continue;
            };
            fields.clear();
            fields.extend(line.split('\t'));
            if fields.len() != width {
                return Err(format!(
                    "line {number}: {} fields, the header has {width}",
                    fields.len()
                ));
            }
            check_row(&fields, &cols, &legend).map_err(|e| format!("line {number}: {e}"))?;
            let host = fields[cols[HOST]];
            let host_start = start + field_offset(line, cols[HOST]);
            rows.push((
                Row {
                    line: (start as u32, (start + line.len()) as u32),
                    host: (host_start as u32, (host_start + host.len()) as u32),
                },
                number,
            ));
        }
        let Some((cols, width)) = header else {
            return Err("no header line".to_string());
        };
        let host_of = |r: &Row| &text[r.host.0 as usize..r.host.1 as usize];
        if !rows.is_sorted_by(|a, b| host_of(&a.0) <= host_of(&b.0)) {
            rows.sort_by(|a, b| host_of(&a.0).cmp(host_of(&b.0)).then(a.1.cmp(&b.1)));
        }
        for pair in rows.windows(2) {
            if host_of(&pair[0].0) == host_of(&pair[1].0) {
                return Err(format!(
                    "line {}: host {} is already on line {}",
                    pair[1].1,
                    host_of(&pair[1].0),
                    pair[0].1
                ));
            }
        }
        let rows: Vec<Row> = rows.into_iter().map(|(r, _)| r).collect();

        let mut names: HashMap<String, Vec<u32>> = HashMap::new();
        let mut labels = Vec::with_capacity(rows.len());
        let mut home = BTreeMap::new();
        for (i, row) in rows.iter().enumerate() {
            let line = &text[row.line.0 as usize..row.line.1 as usize];
            fields.clear();
            fields.extend(line.split('\t'));
            let name = fields[cols[NAME]];
            if !name.is_empty() {
                let key = fold_name(name);
                if !key.is_empty() {
                    names.entry(key).or_default().push(i as u32);
                }
            }
            let country = fields[cols[COUNTRY]];
            if !country.is_empty() {
                *home.entry(country.to_string()).or_insert(0) += 1;
            }
            let host = host_of(row);
            if let Some(domain) = psl::domain(host.as_bytes()).filter(|d| d.suffix().is_known()) {
                let reg_start = row.host.1 as usize - domain.as_bytes().len();
                let label_len = host[reg_start - row.host.0 as usize..]
                    .find('.')
                    .unwrap_or(host.len());
                labels.push((reg_start as u32, (reg_start + label_len) as u32, i as u32));
            }
        }
        labels.sort_by(|a, b| {
            text[a.0 as usize..a.1 as usize]
                .cmp(&text[b.0 as usize..b.1 as usize])
                .then(a.2.cmp(&b.2))
        });
        let entries = (0..rows.len()).map(|_| OnceLock::new()).collect();
        Ok(Directory {
            version: parallax_core::short_hash(text),
            text: text.to_string(),
            cols,
            width,
            legend,
            rows,
            entries,
            names,
            labels,
            home,
        })
    }

    /// A short hash of the directory's data, which changes whenever the data does (stored
    /// articles are attributed again when it does).
    pub fn version(&self) -> &str {
        &self.version
    }

    /// The number of hosts.
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    /// Whether the directory has no host.
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// The entry for `host` (any case, a trailing dot, a leading `www.`, `m.`, `amp.` or
    /// `mobile.` folded): the host itself, else each parent domain down to the registrable
    /// domain of the public-suffix list, never above it (`edition.cnn.com` → `cnn.com`;
    /// `foo.blogspot.com` never → `blogspot.com`; `bbc.co.uk` never → `co.uk`).
    pub fn lookup(&self, host: &str) -> Option<&DirectoryEntry> {
        let host = fold_host(host)?;
        let floor = psl::domain(host.as_bytes())
            .filter(|d| d.suffix().is_known())
            .map_or(host.len(), |d| d.as_bytes().len());
        let mut candidate = host.as_str();
        loop {
            if let Some(i) = self.find(candidate) {
                return Some(self.entry(i));
            }
            if candidate.len() <= floor {
                return None;
            }
            candidate = &candidate[candidate.find('.')? + 1..];
        }
    }

    /// Entries whose name equals `name` after folding case, diacritics and runs of punctuation
    /// and white space ("Ukrinform" → ukrinform.net, ukrinform.ua). Several hosts of one outlet
    /// may come back, in host order.
    pub fn by_name(&self, name: &str) -> Vec<&DirectoryEntry> {
        let key = fold_name(name);
        self.names
            .get(&key)
            .map(|rows| rows.iter().map(|&i| self.entry(i as usize)).collect())
            .unwrap_or_default()
    }

    /// Entries whose registrable domain's first label equals `label` ("menafn" → menafn.com),
    /// in host order.
    pub fn by_label(&self, label: &str) -> Vec<&DirectoryEntry> {
        let label = label.trim().to_ascii_lowercase();
        let text_of = |l: &(u32, u32, u32)| &self.text[l.0 as usize..l.1 as usize];
        let start = self.labels.partition_point(|l| text_of(l) < label.as_str());
        self.labels[start..]
            .iter()
            .take_while(|l| text_of(l) == label)
            .map(|l| self.entry(l.2 as usize))
            .collect()
    }

    /// Home countries and their numbers of hosts, for summaries.
    pub fn home_countries(&self) -> BTreeMap<String, usize> {
        self.home.clone()
    }

    fn host(&self, i: usize) -> &str {
        let r = self.rows[i].host;
        &self.text[r.0 as usize..r.1 as usize]
    }

    fn find(&self, host: &str) -> Option<usize> {
        let (mut lo, mut hi) = (0, self.rows.len());
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            match self.host(mid).cmp(host) {
                std::cmp::Ordering::Less => lo = mid + 1,
                std::cmp::Ordering::Greater => hi = mid,
                std::cmp::Ordering::Equal => return Some(mid),
            }
        }
        None
    }

    fn entry(&self, i: usize) -> &DirectoryEntry {
        self.entries[i].get_or_init(|| Box::new(self.build_entry(i)))
    }

    /// The entry of row `i` (checked by [`Directory::from_tsv`], so nothing can fail here).
    fn build_entry(&self, i: usize) -> DirectoryEntry {
        let r = self.rows[i].line;
        let line = &self.text[r.0 as usize..r.1 as usize];
        let fields: Vec<&str> = line.split('\t').collect();
        let get = |c: usize| fields.get(self.cols[c]).copied().unwrap_or("");
        let text = |c: usize| Some(get(c)).filter(|s| !s.is_empty()).map(str::to_string);
        let origin = |c: usize| {
            let codes = get(c);
            (!codes.is_empty()).then(|| {
                codes
                    .split('+')
                    .map(|code| self.legend.get(code).map_or(code, String::as_str))
                    .collect::<Vec<_>>()
                    .join(" + ")
            })
        };
        debug_assert_eq!(fields.len(), self.width);
        DirectoryEntry {
            host: get(HOST).to_string(),
            name: text(NAME),
            name_origin: origin(NAME_ORIGIN),
            country: text(COUNTRY),
            country_origin: origin(COUNTRY_ORIGIN),
            languages: get(LANGS)
                .split(',')
                .filter(|l| !l.is_empty())
                .map(str::to_string)
                .collect(),
            languages_origin: origin(LANGS_ORIGIN),
            owner: text(OWNER),
            ownership: ownership_from_label(get(OWNERSHIP)),
            ownership_detail: text(OWNERSHIP_DETAIL),
            ownership_origin: origin(OWNERSHIP_ORIGIN),
            inferred_country: text(INFERRED_COUNTRY),
            inferred_share: get(INFERRED_SHARE).parse().ok(),
        }
    }
}

/// The position of each required column, and the number of fields.
fn parse_header(line: &str) -> Result<([usize; COLUMNS.len()], usize), String> {
    let names: Vec<&str> = line.split('\t').collect();
    let mut cols = [0; COLUMNS.len()];
    for (c, want) in COLUMNS.iter().enumerate() {
        let mut at = names.iter().enumerate().filter(|(_, n)| *n == want);
        match (at.next(), at.next()) {
            (Some((i, _)), None) => cols[c] = i,
            (None, _) => return Err(format!("the header has no column {want:?}")),
            (Some(_), Some(_)) => return Err(format!("the header has column {want:?} twice")),
        }
    }
    Ok((cols, names.len()))
}

/// The byte offset of field `n` in a tab-separated line.
fn field_offset(line: &str, n: usize) -> usize {
    if n == 0 {
        return 0;
    }
    line.match_indices('\t')
        .nth(n - 1)
        .map_or(line.len(), |(i, _)| i + 1)
}

/// Check one row's fields.
fn check_row(
    fields: &[&str],
    cols: &[usize; COLUMNS.len()],
    legend: &HashMap<String, String>,
) -> Result<(), String> {
    let get = |c: usize| fields[cols[c]];
    let host = get(HOST);
    if !valid_host(host) {
        return Err(format!(
            "bad host {host:?} (lower-case ASCII host name expected)"
        ));
    }
    for c in [COUNTRY, INFERRED_COUNTRY] {
        let v = get(c);
        if !v.is_empty() && COUNTRIES.binary_search(&v).is_err() {
            return Err(format!(
                "{}: {v:?} is no ISO 3166-1 alpha-2 code",
                COLUMNS[c]
            ));
        }
    }
    for lang in get(LANGS).split(',').filter(|l| !l.is_empty()) {
        if LANGUAGES.binary_search(&lang).is_err() {
            return Err(format!("languages: {lang:?} is no ISO 639-1 code"));
        }
    }
    let ownership = get(OWNERSHIP);
    if !ownership.is_empty() && ownership_from_label(ownership).is_none() {
        return Err(format!("ownership: unknown type {ownership:?}"));
    }
    let share = get(INFERRED_SHARE);
    if !share.is_empty() {
        match share.parse::<f32>() {
            Ok(s) if (0.0..=1.0).contains(&s) => {}
            _ => {
                return Err(format!(
                    "inferred_share: {share:?} is no number from 0 to 1"
                ));
            }
        }
    }
    for c in [NAME_ORIGIN, COUNTRY_ORIGIN, LANGS_ORIGIN, OWNERSHIP_ORIGIN] {
        let v = get(c);
        if v.is_empty() {
            continue;
        }
        if let Some(code) = v.split('+').find(|code| !legend.contains_key(*code)) {
            return Err(format!(
                "{}: origin code {code:?} is not in the #origin legend",
                COLUMNS[c]
            ));
        }
    }
    Ok(())
}

fn valid_host(host: &str) -> bool {
    !host.is_empty()
        && host.len() <= 253
        && host.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && label
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
        })
}

fn ownership_from_label(label: &str) -> Option<OwnershipType> {
    Some(match label {
        "state" => OwnershipType::State,
        "public_service" => OwnershipType::PublicService,
        "private" => OwnershipType::Private,
        "publicly_traded" => OwnershipType::PubliclyTraded,
        "non_profit" => OwnershipType::NonProfit,
        "agency" => OwnershipType::Agency,
        _ => return None,
    })
}

/// A host in lower-case ASCII (IDNA) without a trailing dot; `None` for an IP address or an
/// invalid host.
fn clean_host(host: &str) -> Option<String> {
    let host = host.trim().trim_end_matches('.');
    if host.is_empty() || host.starts_with('[') {
        return None;
    }
    let host = match url::Host::parse(host).ok()? {
        url::Host::Domain(d) => d,
        url::Host::Ipv4(_) | url::Host::Ipv6(_) => return None,
    };
    valid_host(&host).then_some(host)
}

/// [`clean_host`], then leading `www.`, `m.`, `amp.`, `mobile.` folded while what is left still
/// has a registrable domain.
fn fold_host(host: &str) -> Option<String> {
    let mut host = clean_host(host)?;
    'fold: loop {
        for prefix in FOLDED_PREFIXES {
            if let Some(rest) = host.strip_prefix(prefix)
                && psl::domain(rest.as_bytes()).is_some_and(|d| d.suffix().is_known())
            {
                host = rest.to_string();
                continue 'fold;
            }
        }
        return Some(host);
    }
}

/// The registrable domain of a host by the public-suffix list ("edition.cnn.com" → "cnn.com",
/// "news.bbc.co.uk" → "bbc.co.uk"); `None` for an IP address, a bare public suffix or an
/// invalid host (including one whose top-level domain is not in the list).
pub fn registrable_domain(host: &str) -> Option<String> {
    let host = clean_host(host)?;
    let domain = psl::domain(host.as_bytes()).filter(|d| d.suffix().is_known())?;
    std::str::from_utf8(domain.as_bytes())
        .ok()
        .map(str::to_string)
}

/// The country a host's country-code top-level domain names (ISO 3166-1 alpha-2; ".uk" →
/// "GB"; the internationalised ones such as ".рф" too), or `None`: for generic top-level
/// domains, for ccTLDs widely used as generic ones (see below), for `.eu` and `.su`, and for a
/// host whose registrable domain is under a private-section suffix of the public-suffix list
/// (`foo.service.gov.uk`, `foo.github.io`).
///
/// Treated as generic: .ag .ai .cc .cf .co .cx .fm .ga .gg .gq .im .io .la .ly .me .ml .ms .nu
/// .pw .sh .so .st .tk .to .tv .vc .ws (brand hacks and cheap or free registrations; among the
/// GDELT domains under most of them, fewer than a quarter cover their ccTLD's country most).
/// .am, .is, .md, .sc, .mu, .gl, .cd, .tm, .bz, .dj and .cm are kept: mostly local outlets use
/// them.
pub fn country_from_tld(host: &str) -> Option<&'static str> {
    let host = clean_host(host)?;
    let domain = psl::domain(host.as_bytes())?;
    if domain.suffix().typ() != Some(psl::Type::Icann) {
        return None;
    }
    let tld = host.rsplit('.').next()?;
    if let Some((_, country)) = IDN_CCTLDS.iter().find(|(t, _)| *t == tld) {
        return Some(country);
    }
    if tld.len() != 2 || GENERIC_CCTLDS.contains(&tld) {
        return None;
    }
    let code = if tld == "uk" {
        "GB".to_string()
    } else {
        tld.to_ascii_uppercase()
    };
    COUNTRIES
        .binary_search(&code.as_str())
        .ok()
        .map(|i| COUNTRIES[i])
}

/// Fold a name for matching: decomposed, without diacritics, lower case, every run of
/// characters other than letters and digits one space, trimmed. Registry names are matched with
/// the same rule ([`crate::Attributor`]).
pub(crate) fn fold_name(name: &str) -> String {
    let nfd = icu_normalizer::DecomposingNormalizerBorrowed::new_nfd().normalize(name);
    let mut out = String::with_capacity(nfd.len());
    let mut gap = false;
    for c in nfd.chars() {
        if is_combining_mark(c) {
            continue;
        }
        if c.is_alphanumeric() {
            if gap && !out.is_empty() {
                out.push(' ');
            }
            gap = false;
            match c {
                'ß' => out.push_str("ss"),
                'æ' | 'Æ' => out.push_str("ae"),
                'œ' | 'Œ' => out.push_str("oe"),
                'ø' | 'Ø' => out.push('o'),
                'ł' | 'Ł' => out.push('l'),
                'đ' | 'Đ' => out.push('d'),
                'ı' => out.push('i'),
                'þ' | 'Þ' => out.push_str("th"),
                _ => out.extend(c.to_lowercase()),
            }
        } else {
            gap = true;
        }
    }
    out
}

/// Combining marks left by NFD (the blocks that hold diacritics).
fn is_combining_mark(c: char) -> bool {
    matches!(c,
        '\u{0300}'..='\u{036F}'
        | '\u{0483}'..='\u{0489}'
        | '\u{0591}'..='\u{05BD}'
        | '\u{0610}'..='\u{061A}'
        | '\u{064B}'..='\u{065F}'
        | '\u{0670}'
        | '\u{1AB0}'..='\u{1AFF}'
        | '\u{1DC0}'..='\u{1DFF}'
        | '\u{20D0}'..='\u{20FF}'
        | '\u{3099}'..='\u{309A}'
        | '\u{FE20}'..='\u{FE2F}')
}

#[cfg(test)]
mod tests {
    use super::*;

    const LEGEND: &str = "#origin\ta\tList A (CC0)\n#origin\tb\tList B (MIT)\n";
    const HEADER: &str = "host\tname\tname_origin\tcountry\tcountry_origin\tlanguages\t\
        languages_origin\towner\townership\townership_detail\townership_origin\t\
        inferred_country\tinferred_share\n";

    fn tsv(rows: &[&str]) -> String {
        let mut s = format!("# a comment\n{LEGEND}{HEADER}");
        for r in rows {
            s.push_str(r);
            s.push('\n');
        }
        s
    }

    #[test]
    fn parses_rows_and_expands_origins() {
        let d = Directory::from_tsv(&tsv(&[
            "example.com\tExample News\ta+b\tFR\ta\tfr,en\tb\tEx SA\tprivate\tkite: Private\ta\tUS\t0.62",
            "other.org\t\t\t\t\t\t\t\t\t\t\tDE\t0.40",
        ]))
        .unwrap();
        assert_eq!(d.len(), 2);
        let e = d.lookup("example.com").unwrap();
        assert_eq!(e.name.as_deref(), Some("Example News"));
        assert_eq!(
            e.name_origin.as_deref(),
            Some("List A (CC0) + List B (MIT)")
        );
        assert_eq!(e.country.as_deref(), Some("FR"));
        assert_eq!(e.languages, vec!["fr", "en"]);
        assert_eq!(e.ownership, Some(OwnershipType::Private));
        assert_eq!(e.inferred_country.as_deref(), Some("US"));
        assert_eq!(e.inferred_share, Some(0.62));
        let o = d.lookup("other.org").unwrap();
        assert_eq!(o.name, None);
        assert_eq!(o.country, None);
        assert!(o.languages.is_empty());
        assert_eq!(d.home_countries().get("FR"), Some(&1));
    }

    #[test]
    fn columns_are_found_by_name() {
        let text = "inferred_share\tinferred_country\townership_origin\townership_detail\t\
            ownership\towner\tlanguages_origin\tlanguages\tcountry_origin\tcountry\tname_origin\t\
            name\thost\textra\n0.5\tUA\t\t\t\t\t\t\t\t\t\tX\tx.ua\tignored\n";
        let d = Directory::from_tsv(text).unwrap();
        let e = d.lookup("x.ua").unwrap();
        assert_eq!(e.name.as_deref(), Some("X"));
        assert_eq!(e.inferred_country.as_deref(), Some("UA"));
    }

    #[test]
    fn malformed_rows_are_errors_with_their_line() {
        // The header is line 5 (comment, two legend lines, header): rows start on line 5.
        let cases = [
            ("a.com\tA", "line 5: 2 fields, the header has 13"),
            (
                "a.com\t\t\tZZ\t\t\t\t\t\t\t\t\t",
                "line 5: country: \"ZZ\" is no ISO",
            ),
            (
                "a.com\t\t\t\t\t\t\t\tmixed\t\t\t\t",
                "line 5: ownership: unknown type",
            ),
            (
                "a.com\t\t\t\t\t\t\t\t\t\t\tUS\t1.5",
                "line 5: inferred_share",
            ),
            (
                "a.com\tA\tzz\t\t\t\t\t\t\t\t\t\t",
                "line 5: name_origin: origin code \"zz\"",
            ),
            ("A.com\t\t\t\t\t\t\t\t\t\t\t\t", "line 5: bad host"),
            (
                "a.com\t\t\t\t\t\txx\t\t\t\t\t\t",
                "line 5: languages_origin",
            ),
            (
                "a.com\t\t\t\t\tqq\t\t\t\t\t\t\t",
                "line 5: languages: \"qq\"",
            ),
        ];
        for (row, want) in cases {
            let err = Directory::from_tsv(&tsv(&[row])).unwrap_err();
            assert!(err.starts_with(want), "{row:?}: {err}");
        }
        let err = Directory::from_tsv(&tsv(&[
            "b.com\t\t\t\t\t\t\t\t\t\t\t\t",
            "a.com\t\t\t\t\t\t\t\t\t\t\t\t",
            "b.com\t\t\t\t\t\t\t\t\t\t\t\t",
        ]))
        .unwrap_err();
        assert_eq!(err, "line 7: host b.com is already on line 5");
        assert_eq!(
            Directory::from_tsv("# only a comment\n").unwrap_err(),
            "no header line"
        );
        assert!(
            Directory::from_tsv("host\tname\n")
                .unwrap_err()
                .starts_with("line 1: the header has no column \"name_origin\"")
        );
    }

    #[test]
    fn unsorted_rows_are_sorted() {
        let d = Directory::from_tsv(&tsv(&[
            "zeta.com\tZ\ta\t\t\t\t\t\t\t\t\t\t",
            "alpha.com\tA\ta\t\t\t\t\t\t\t\t\t\t",
        ]))
        .unwrap();
        assert_eq!(d.lookup("alpha.com").unwrap().name.as_deref(), Some("A"));
        assert_eq!(d.lookup("zeta.com").unwrap().name.as_deref(), Some("Z"));
    }

    #[test]
    fn folds_names() {
        assert_eq!(fold_name("  Le Monde "), "le monde");
        assert_eq!(fold_name("LE-MONDE!!"), "le monde");
        assert_eq!(fold_name("Adevărul"), "adevarul");
        assert_eq!(fold_name("Süddeutsche   Zeitung"), "suddeutsche zeitung");
        assert_eq!(fold_name("Gazeta Wyborcza / Łódź"), "gazeta wyborcza lodz");
        assert_eq!(fold_name("Укрінформ"), "укрінформ");
    }

    #[test]
    fn folds_hosts() {
        assert_eq!(
            fold_host("WWW.Example.COM.").as_deref(),
            Some("example.com")
        );
        assert_eq!(
            fold_host("www.m.example.com").as_deref(),
            Some("example.com")
        );
        assert_eq!(fold_host("m.co.uk").as_deref(), Some("m.co.uk"));
        assert_eq!(fold_host("127.0.0.1"), None);
        assert_eq!(fold_host("[::1]"), None);
        assert_eq!(fold_host("bad host"), None);
    }
}
