//! Attribution: which outlet published an article, and what is known of it, from what the
//! document said ([`AttributionEvidence`]) and the knowledge of the day (the [`Registry`], the
//! outlet [`Directory`], imported ratings).
//!
//! The order of trust (`../shared/sources/README.md`): the source that delivered the document (a
//! registry feed, then the operator's `--source`), then what the document names (a JSON Lines
//! record's `source`, the page's address, its declared site name, a plain-text page's masthead or
//! credit line). The facts about the outlet come from the curated registry first, then the
//! directory's curated lists (Wikidata, the state-media list, kite), then the site's country-code
//! domain, then GDELT's country inferred from coverage, which is shown as inferred. Unknown stays
//! unknown: nothing is guessed beyond these.
//!
//! Attribution is a pure function of the evidence and that knowledge, so stored articles can be
//! attributed again whenever the registry, the directory or the ratings change.

use crate::directory::{
    Directory, DirectoryEntry, GDELT_CREDIT, country_from_tld, fold_name, registrable_domain,
};
use crate::{Registry, RegistryEntry};
use parallax_core::{
    AttributionEvidence, AttributionMethod, CountryBasis, ProvidedRating, Rating, RatingKind,
    Source, SourceId, SourceProvenance,
};
use std::collections::HashMap;

/// Bump when the rules below change, so that stored articles are attributed again.
const RULES_VERSION: &str = "attribution rules 1";

/// What [`Attributor::attribute`] established.
#[derive(Clone, Debug, PartialEq)]
pub struct Attributed {
    /// The outlet with every fact known of it; `None` when it cannot be established (or, with
    /// [`AttributionMethod::Feed`], when the delivering feed's source is not in this attributor's
    /// registry: the caller keeps that source).
    pub source: Option<Source>,
    /// Which evidence decided.
    pub method: Option<AttributionMethod>,
}

impl Attributed {
    fn unknown() -> Self {
        Attributed {
            source: None,
            method: None,
        }
    }
}

/// Attributes articles to outlets with one registry, one directory and the imported ratings.
#[derive(Clone, Debug)]
pub struct Attributor {
    registry: Registry,
    directory: &'static Directory,
    /// Registry entries by folded name (several when names repeat).
    registry_names: HashMap<String, Vec<usize>>,
    /// Imported ratings by the domain they rate.
    ratings: HashMap<String, Vec<ProvidedRating>>,
    fingerprint: String,
}

impl Attributor {
    /// An attributor over `registry`, `directory` and the operator's imported `ratings`.
    pub fn new(
        registry: Registry,
        directory: &'static Directory,
        ratings: Vec<ProvidedRating>,
    ) -> Self {
        let mut registry_names: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, e) in registry.entries().iter().enumerate() {
            registry_names
                .entry(fold_name(&e.source.name))
                .or_default()
                .push(i);
        }
        let mut hasher_input = String::with_capacity(1 << 20);
        hasher_input.push_str(RULES_VERSION);
        hasher_input.push('\n');
        hasher_input.push_str(directory.version());
        hasher_input.push('\n');
        for e in registry.entries() {
            hasher_input.push_str(&format!("{e:?}\n"));
        }
        let mut by_domain: HashMap<String, Vec<ProvidedRating>> = HashMap::new();
        for r in ratings {
            hasher_input.push_str(&format!("{r:?}\n"));
            by_domain
                .entry(r.domain.to_ascii_lowercase())
                .or_default()
                .push(r);
        }
        Attributor {
            registry,
            directory,
            registry_names,
            ratings: by_domain,
            fingerprint: parallax_core::short_hash(&hasher_input),
        }
    }

    /// A short hash of everything attribution depends on: the rules, the registry, the directory
    /// and the ratings. Stored articles need attributing again when it changes.
    pub fn fingerprint(&self) -> &str {
        &self.fingerprint
    }

    /// The registry this attributor uses.
    pub fn registry(&self) -> &Registry {
        &self.registry
    }

    /// The outlet of a document with this address, canonical address and evidence.
    pub fn attribute(
        &self,
        url: Option<&str>,
        canonical_url: Option<&str>,
        evidence: &AttributionEvidence,
    ) -> Attributed {
        let host = canonical_url
            .and_then(host_of)
            .or_else(|| url.and_then(host_of));
        let page = canonical_url.or(url);
        // 1. The registry source whose feed delivered it.
        if let Some(id) = &evidence.feed_source {
            return match self.registry.get(id.as_str()) {
                Some(e) => self.done(self.registry_source(e), AttributionMethod::Feed),
                // A feed of another registry (the operator's, not known to this attributor):
                // its source stands, whatever it is; the caller keeps it.
                None => Attributed {
                    source: None,
                    method: Some(AttributionMethod::Feed),
                },
            };
        }
        // 2. The outlet the operator named for the import.
        if let Some(name) = nonempty(&evidence.given_source) {
            let source = self
                .known_by_name(name)
                .unwrap_or_else(|| self.named_with_site_facts(name, host.as_deref(), page));
            return self.done(source, AttributionMethod::Given);
        }
        // 3. The outlet a structured record names.
        if let Some(name) = nonempty(&evidence.record_source) {
            let mut source = self.named_with_site_facts(name, host.as_deref(), page);
            if let Some(c) = nonempty(&evidence.record_country)
                && is_country_code(c)
            {
                source.country = Some(c.to_ascii_uppercase());
                source.provenance.country = Some("given with the imported data".to_string());
                source.provenance.country_basis = Some(CountryBasis::Home);
            }
            if let Some(b) = nonempty(&evidence.record_bias) {
                source.bias = Some(Rating {
                    value: b.to_lowercase(),
                    provenance: "given with the imported data".to_string(),
                });
            }
            return self.done(source, AttributionMethod::Record);
        }
        // 4. The site of the page's address.
        if let Some(h) = host.as_deref() {
            return self.done(
                self.site_source(h, page, nonempty(&evidence.site_name)),
                AttributionMethod::Url,
            );
        }
        // 5. The site name an HTML page declares.
        if let Some(name) = nonempty(&evidence.site_name) {
            let source = self
                .known_by_name(name)
                .unwrap_or_else(|| named(name, "the site name the page declares"));
            return self.done(source, AttributionMethod::SiteName);
        }
        // 6. A masthead naming exactly one known outlet, which the page names again in its
        // text (a lone section label such as "Sport" or "Opinion" may be some outlet's name).
        let mut found: Vec<(Source, bool)> = Vec::new();
        for line in &evidence.masthead {
            if let Some(s) = self.known_by_name(line)
                && !found.iter().any(|(f, _)| f.id == s.id)
            {
                found.push((s, evidence.masthead_in_text.contains(line)));
            }
        }
        match found.len() {
            0 => {}
            1 => {
                let (source, repeated) = found.remove(0);
                if repeated {
                    return self.done(source, AttributionMethod::Masthead);
                }
            }
            _ => return Attributed::unknown(),
        }
        // 7. A credit line naming a known outlet or a known domain's name.
        if let Some(credit) = nonempty(&evidence.credit)
            && let Some(s) = self
                .known_by_name(credit)
                .or_else(|| self.known_by_label(credit))
        {
            return self.done(s, AttributionMethod::Credit);
        }
        Attributed::unknown()
    }

    fn done(&self, source: Source, method: AttributionMethod) -> Attributed {
        Attributed {
            source: Some(source),
            method: Some(method),
        }
    }

    /// A registry source with its imported ratings.
    fn registry_source(&self, e: &RegistryEntry) -> Source {
        let mut s = e.source.clone();
        let domain = s
            .home_page
            .as_deref()
            .and_then(host_of)
            .map(|h| registrable_domain(&h).unwrap_or(h));
        if let Some(d) = domain {
            self.rate(&mut s, &d);
        }
        s
    }

    /// The outlet of the site `host`: the registry's, else the directory's, else one known by its
    /// domain only.
    fn site_source(&self, host: &str, page: Option<&str>, site_name: Option<&str>) -> Source {
        if let Some(e) = self.registry.find_by_host(host) {
            return self.registry_source(e);
        }
        let domain = registrable_domain(host);
        let entry = self.directory.lookup(host);
        let key = match (entry, &domain) {
            (Some(e), _) => e.host.clone(),
            (None, Some(d)) => d.clone(),
            // An address, or a host with no registrable domain: the site as Parallax keys it.
            (None, None) => page
                .and_then(parallax_core::site_key)
                .unwrap_or_else(|| host.to_string()),
        };
        let (name, name_origin) = match (entry.and_then(|e| e.name.clone()), site_name) {
            (Some(n), _) => (
                n,
                entry
                    .and_then(|e| e.name_origin.clone())
                    .unwrap_or_else(|| "outlet directory".to_string()),
            ),
            (None, Some(n)) => (n.to_string(), "the name the page gives it".to_string()),
            (None, None) => (key.clone(), "the site's domain".to_string()),
        };
        let mut s = Source::named(&name);
        s.id = SourceId::from_key(&key);
        s.home_page = Some(format!(
            "{}://{key}/",
            page.and_then(|p| url::Url::parse(p).ok())
                .map_or_else(|| "https".to_string(), |u| u.scheme().to_string())
        ));
        s.provenance.name = Some(name_origin);
        self.site_facts(&mut s, host, entry);
        self.rate(&mut s, domain.as_deref().unwrap_or(&key));
        s
    }

    /// A source known by `name` as given, with the facts of the site `host` when there is one.
    fn named_with_site_facts(&self, name: &str, host: Option<&str>, page: Option<&str>) -> Source {
        let mut s = named(name, "given with the imported data");
        if let Some(h) = host {
            let site = self.site_source(h, page, None);
            s.home_page = site.home_page;
            s.country = site.country;
            s.languages = site.languages;
            s.owner = site.owner;
            s.ownership = site.ownership;
            s.provenance = SourceProvenance {
                name: s.provenance.name,
                ..site.provenance
            };
            s.ratings = site.ratings;
            s.bias = site.bias;
            s.factuality = site.factuality;
        }
        s
    }

    /// Country, languages and owner of the site `host` from the directory and its domain.
    fn site_facts(&self, s: &mut Source, host: &str, entry: Option<&DirectoryEntry>) {
        if let Some(e) = entry {
            if let Some(c) = &e.country {
                s.country = Some(c.clone());
                s.provenance.country = e.country_origin.clone();
                s.provenance.country_basis = Some(CountryBasis::Home);
            }
            if !e.languages.is_empty() {
                s.languages = e.languages.clone();
                s.provenance.languages = e.languages_origin.clone();
            }
            if e.owner.is_some() || e.ownership.is_some() {
                s.owner = e.owner.clone();
                s.ownership = e.ownership;
                s.provenance.owner = e.ownership_origin.clone();
                s.provenance.ownership_detail = e.ownership_detail.clone();
            }
        }
        if s.country.is_none()
            && let Some(c) = country_from_tld(host)
        {
            let tld = host.rsplit('.').next().unwrap_or_default();
            s.country = Some(c.to_string());
            s.provenance.country = Some(format!("the site's country-code domain (.{tld})"));
            s.provenance.country_basis = Some(CountryBasis::TopLevelDomain);
        }
        if s.country.is_none()
            && let Some(e) = entry
            && let Some(c) = &e.inferred_country
        {
            s.country = Some(c.clone());
            s.provenance.country = Some(match e.inferred_share {
                Some(share) => format!(
                    "{GDELT_CREDIT} (the country its articles mention most: {:.0}% of its top five)",
                    share * 100.0
                ),
                None => GDELT_CREDIT.to_string(),
            });
            s.provenance.country_basis = Some(CountryBasis::InferredFromCoverage);
        }
    }

    /// Attaches the imported ratings of `domain`; an imported bias rating becomes the source's
    /// bias when nothing else gave one.
    fn rate(&self, s: &mut Source, domain: &str) {
        let Some(rs) = self.ratings.get(&domain.to_ascii_lowercase()) else {
            return;
        };
        s.ratings = rs.clone();
        if s.bias.is_none()
            && let Some(b) = rs.iter().find(|r| r.kind == RatingKind::Bias)
        {
            s.bias = Some(Rating {
                value: b.value.to_lowercase(),
                provenance: rating_provenance(b),
            });
        }
    }

    /// The one outlet called `name` in the registry, else in the directory: `None` when none is,
    /// or when several outlets of different countries are.
    fn known_by_name(&self, name: &str) -> Option<Source> {
        let folded = fold_name(name);
        if folded.is_empty() {
            return None;
        }
        if let Some(ix) = self.registry_names.get(&folded) {
            return match ix.as_slice() {
                [i] => Some(self.registry_source(&self.registry.entries()[*i])),
                _ => None,
            };
        }
        let entry = one_outlet(self.directory.by_name(name))?;
        Some(self.site_source(&entry.host, None, None))
    }

    /// The one outlet whose domain's name is `label` ("MENAFN" for menafn.com).
    fn known_by_label(&self, label: &str) -> Option<Source> {
        let label_spelling = label.trim();
        let label = label_spelling.to_ascii_lowercase();
        if label.len() < 2 || !label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
            return None;
        }
        let entry = one_outlet(self.directory.by_label(&label))?;
        // Unnamed by the directory: the credit's own spelling names it ("MENAFN").
        Some(self.site_source(&entry.host, None, Some(label_spelling)))
    }
}

/// The outlet several directory entries describe, when they describe one: every named entry has
/// the same folded name and the entries do not disagree on the home country. The entry with the
/// most facts stands for it (ties: the shortest host, then the first in order).
fn one_outlet(entries: Vec<&DirectoryEntry>) -> Option<&DirectoryEntry> {
    let first = *entries.first()?;
    let names: Vec<String> = entries
        .iter()
        .filter_map(|e| e.name.as_deref().map(fold_name))
        .collect();
    if names.windows(2).any(|w| w[0] != w[1]) {
        return None;
    }
    let countries: Vec<&str> = entries
        .iter()
        .filter_map(|e| e.country.as_deref())
        .collect();
    if countries.windows(2).any(|w| w[0] != w[1]) {
        return None;
    }
    let facts = |e: &DirectoryEntry| {
        usize::from(e.country.is_some())
            + usize::from(e.name.is_some())
            + usize::from(e.owner.is_some() || e.ownership.is_some())
            + usize::from(!e.languages.is_empty())
    };
    Some(entries.iter().copied().fold(first, |best, e| {
        let better =
            facts(e) > facts(best) || (facts(e) == facts(best) && e.host.len() < best.host.len());
        if better { e } else { best }
    }))
}

/// How a provided rating is credited where it is shown.
pub fn rating_provenance(r: &ProvidedRating) -> String {
    let mut p = format!("{}, imported", r.provider);
    if r.estimate {
        p.push_str(", an estimate");
    }
    if let Some(d) = &r.date {
        p.push_str(&format!(", {d}"));
    }
    if let Some(l) = &r.licence {
        p.push_str(&format!(" ({l})"));
    }
    p
}

fn named(name: &str, origin: &str) -> Source {
    let mut s = Source::named(name);
    s.provenance.name = Some(origin.to_string());
    s
}

fn nonempty(s: &Option<String>) -> Option<&str> {
    s.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

fn is_country_code(c: &str) -> bool {
    c.len() == 2 && c.chars().all(|c| c.is_ascii_alphabetic())
}

fn host_of(url: &str) -> Option<String> {
    let u = url::Url::parse(url).ok()?;
    let host = u.host_str()?.trim_end_matches('.').to_ascii_lowercase();
    (!host.is_empty()).then_some(host)
}
