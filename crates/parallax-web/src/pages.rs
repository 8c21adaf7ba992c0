//! HTML pages (askama templates in `templates/`). Every value that reaches a template is plain text
//! that askama escapes; no template uses `|safe`.

use askama::Template;
use axum::{
    http::{StatusCode, header},
    response::{IntoResponse, Response},
};
use chrono::{DateTime, Timelike, Utc};
use parallax_core::{
    ArticleId, AttributionMethod, ClaimStanding, CountryBasis, PublishedTime, RatingDistribution,
    RatingKind, SourceId, Tally,
};
use parallax_intel::claims::{ClaimForm, ClaimKind};
use parallax_views::{
    ArticleRow, BlindspotsView, EntityRow, EntityView, ProblemRow, SourceHealth, SourceView,
    StatusView, StoryView,
};
use std::collections::HashMap;

/// A page with status 200.
pub(crate) fn render_ok<T: Template>(page: &T) -> Response {
    render(StatusCode::OK, page)
}

fn render<T: Template>(status: StatusCode, page: &T) -> Response {
    match page.render() {
        Ok(html) => (
            status,
            [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
            html,
        )
            .into_response(),
        Err(e) => {
            tracing::error!("template: {e}");
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
                "internal error: the page could not be rendered\n",
            )
                .into_response()
        }
    }
}

/// A time as shown on pages.
pub(crate) fn show_time(t: &DateTime<Utc>) -> String {
    t.format("%Y-%m-%d %H:%M UTC").to_string()
}

/// A publication time: only the day when only the day is known (midnight UTC).
fn show_published(p: &Option<PublishedTime>) -> String {
    match p {
        None => "undated".to_string(),
        Some(p) if p.at.hour() == 0 && p.at.minute() == 0 && p.at.second() == 0 => {
            p.at.format("%Y-%m-%d").to_string()
        }
        Some(p) => show_time(&p.at),
    }
}

/// The URL when it may become a link: `http:` or `https:` only, nothing that could smuggle
/// whitespace or control characters.
pub(crate) fn safe_link(url: &str) -> Option<String> {
    let u = url.trim();
    let lower = u.to_ascii_lowercase();
    let scheme_ok = lower.starts_with("http://") || lower.starts_with("https://");
    let clean = !u.chars().any(|c| c.is_control() || c.is_whitespace());
    (scheme_ok && clean && u.len() > "https://".len()).then(|| u.to_string())
}

pub(crate) use parallax_views::path_segment;

fn label(s: &str) -> String {
    s.replace('_', " ")
}

fn percent(share: f64) -> String {
    if share.is_finite() {
        format!("{:.0}%", (share * 100.0).clamp(0.0, 100.0))
    } else {
        "–".to_string()
    }
}

pub(crate) struct TallyItem {
    label: String,
    count: usize,
    percent: String,
}

fn tally_items(tallies: &[Tally]) -> Vec<TallyItem> {
    tallies
        .iter()
        .map(|t| TallyItem {
            label: label(&t.label),
            count: t.count,
            percent: percent(t.share),
        })
        .collect()
}

/// A country as pages show it, with what it is based on.
pub(crate) struct CountryItem {
    /// The code, or "unknown".
    code: String,
    /// Only inferred from what the outlet covers (GDELT): shown as "inferred from coverage", with
    /// the GDELT Project's credit and link.
    inferred: bool,
    /// "by its domain" for a country read off the site's country-code domain.
    note: Option<&'static str>,
    /// Where the country came from (shown on hover; for an inferred one, the GDELT credit).
    provenance: Option<String>,
}

fn country_item(
    country: Option<&str>,
    basis: Option<&str>,
    provenance: Option<&str>,
) -> CountryItem {
    let code = country.map(str::trim).filter(|c| !c.is_empty());
    let basis = code.and(basis);
    CountryItem {
        code: code.unwrap_or("unknown").to_string(),
        inferred: basis == Some(CountryBasis::InferredFromCoverage.label()),
        note: (basis == Some(CountryBasis::TopLevelDomain.label())).then_some("by its domain"),
        provenance: code
            .and(provenance)
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .map(str::to_string),
    }
}

/// "the site of its address" for an [`AttributionMethod`] label.
fn attribution_words(label: &str) -> Option<&'static str> {
    use AttributionMethod::*;
    [Feed, Given, Record, Url, SiteName, Masthead, Credit]
        .into_iter()
        .find(|m| m.label() == label.trim())
        .map(AttributionMethod::describe)
}

/// The page of a source.
pub(crate) fn source_href(id: &SourceId) -> Option<String> {
    (!id.is_unknown()).then(|| format!("/source/{}", path_segment(id.as_str())))
}

/// One provider's distribution of the story's sources by its ratings.
pub(crate) struct RatingDistItem {
    /// "Reliability (idiap-reliability)".
    heading: String,
    licence: Option<String>,
    estimate: bool,
    scale: Option<String>,
    tallies: Vec<TallyItem>,
    /// "2 of 3 sources (67%) not rated by it".
    unrated: String,
}

fn rating_dist_item(d: &RatingDistribution, sources: usize) -> RatingDistItem {
    let unrated = d
        .tallies
        .iter()
        .find(|t| t.label == "unrated")
        .map_or(0, |t| t.count);
    let kind = match d.kind {
        RatingKind::Bias => "Bias",
        RatingKind::Reliability => "Reliability",
    };
    RatingDistItem {
        heading: format!("{kind} ({})", d.provider),
        licence: d.licence.clone(),
        estimate: d.estimate,
        scale: d.scale.clone(),
        tallies: tally_items(&d.tallies),
        unrated: format!(
            "{unrated} of {sources} source{} ({}) not rated by it",
            if sources == 1 { "" } else { "s" },
            percent(if sources > 0 {
                unrated as f64 / sources as f64
            } else {
                0.0
            })
        ),
    }
}

// ---------------------------------------------------------------------------------------------
// Story page
// ---------------------------------------------------------------------------------------------

pub(crate) struct CiteItem {
    /// "3", or "3, excerpt 2" for the second excerpt of another article quoted on article 3.
    label: String,
    /// `#a-N` when the cited article is listed on the page.
    anchor: Option<String>,
    title: String,
}

/// A machine translation shown under its original.
pub(crate) struct TranslationItem {
    text: String,
    /// The `lang` attribute, when the language is a well-formed code.
    lang: Option<String>,
    /// "machine translation (backend)".
    label: String,
}

fn translation_item(t: &Option<parallax_views::TranslationView>) -> Option<TranslationItem> {
    t.as_ref().map(|t| TranslationItem {
        text: t.text.clone(),
        lang: lang_attr(Some(&t.language)),
        label: t.label.clone(),
    })
}

/// A language code fit for a `lang` attribute (escaped anyway).
fn lang_attr(language: Option<&str>) -> Option<String> {
    language
        .map(str::trim)
        .filter(|l| parallax_core::is_language_code(l))
        .map(str::to_string)
}

/// The language label of a text in another language than the reader's: `None` for the reader's
/// language and for an unknown one.
fn foreign_label(language: Option<&str>, reader: &str) -> Option<String> {
    parallax_views::is_foreign(language, reader)
        .then(|| language.unwrap_or_default().trim().to_string())
}

pub(crate) struct BulletItem {
    text: String,
    cites: Vec<CiteItem>,
    /// The `lang` attribute of the original.
    lang: Option<String>,
    /// The original's language, shown when it is not the reader's.
    language_label: Option<String>,
    translation: Option<TranslationItem>,
}

pub(crate) struct ArticleItem {
    anchor: String,
    title: String,
    link: Option<String>,
    /// A URL that is not made a link (another scheme), shown as text.
    plain_url: Option<String>,
    source_name: String,
    language: String,
    /// The `lang` attribute of the title.
    lang: Option<String>,
    /// The title's language, shown next to it when it is not the reader's.
    language_label: Option<String>,
    title_translation: Option<TranslationItem>,
    /// The outlet's page, when the outlet is known.
    source_href: Option<String>,
    /// The outlet's ownership ("state-controlled (State Media Monitor: SC)", "public service").
    ownership: Option<String>,
    /// How the outlet was established ("the site of its address").
    attributed_by: Option<&'static str>,
    country: CountryItem,
    date: String,
    byline: Option<String>,
    warnings: Vec<String>,
}

#[derive(Template)]
#[template(path = "story.html")]
struct StoryPage {
    title: String,
    title_translation: Option<TranslationItem>,
    bullets: Vec<BulletItem>,
    articles: Vec<ArticleItem>,
    article_count: usize,
    source_count: usize,
    unknown_source_articles: usize,
    /// Countries, each with how many of its articles' countries are only inferred.
    countries: Vec<(TallyItem, usize)>,
    /// Articles whose country is only inferred from their outlet's coverage.
    countries_inferred: usize,
    languages: Vec<TallyItem>,
    bias: Vec<TallyItem>,
    /// Who rated the bias of the sources.
    bias_rated_by: String,
    /// Per provider, the sources by its imported ratings.
    ratings: Vec<RatingDistItem>,
    ownership: Vec<TallyItem>,
    first_published: String,
    last_published: String,
    undated_articles: usize,
    first_seen: String,
    last_updated: String,
    /// Independent reports, the claim ledger, perspectives, timeline and entities.
    intel: IntelItems,
    /// What each article in another language adds.
    gists: Vec<GistItem>,
    /// Articles in another language than the reader's (shown when there is no gist for them).
    foreign_articles: usize,
}

pub(crate) struct GistItem {
    cite: CiteItem,
    language: String,
    /// Sentences: text, and the reader's-language sentence saying the same with its citation.
    sentences: Vec<(String, Option<(CiteItem, String)>)>,
    own: usize,
    shared: usize,
}

/// Single-source claims listed on a story page at most.
const SINGLE_SOURCE_SHOWN: usize = 40;
/// Perspectives (groups) shown on a story page at most.
const PERSPECTIVES_SHOWN: usize = 12;
/// Entities shown on a story page at most.
const ENTITIES_SHOWN: usize = 40;

/// One independent report: its first article and the copies of it.
pub(crate) struct ReportItem {
    original: CiteItem,
    source_name: String,
    date: String,
    agency: Option<String>,
    copies: Vec<CopyItem>,
}

pub(crate) struct CopyItem {
    copy: CiteItem,
    source_name: String,
    of: CiteItem,
    /// "shingles 83%" or "agency credit".
    evidence: String,
}

pub(crate) struct SourceSentence {
    cite: CiteItem,
    source_name: String,
    sentence: String,
    value: Option<String>,
}

pub(crate) struct SideItem {
    range: String,
    values: String,
    cites: Vec<CiteItem>,
    independent: usize,
}

pub(crate) struct QuoteItem {
    verbatim: bool,
    speaker: Option<String>,
    also_in: Vec<CiteItem>,
    altered: Vec<(CiteItem, String)>,
}

pub(crate) struct ClaimItem {
    /// `claim-N`: N is the claim's number in the ledger, from 1.
    anchor: String,
    /// "agreed", "disputed", "single source".
    kind: &'static str,
    /// CSS class of the kind.
    kind_class: &'static str,
    /// "figure", "quote", "statement", "event".
    form: &'static str,
    text: String,
    slot: Option<String>,
    speaker: Option<String>,
    independent: usize,
    sources: Vec<SourceSentence>,
    sides: Vec<SideItem>,
    quote: Option<QuoteItem>,
}

pub(crate) struct TakeItem {
    text: String,
    independent: usize,
    groups: String,
    cites: Vec<CiteItem>,
}

pub(crate) struct PerspectiveItem {
    label: String,
    articles: usize,
    independent: usize,
    claims: Vec<(String, Vec<CiteItem>)>,
    terms: Vec<(String, Vec<CiteItem>)>,
}

pub(crate) struct PickupItem {
    place: String,
    first: Option<CiteItem>,
    at: String,
    after: String,
    articles: usize,
    undated: usize,
}

#[derive(Default)]
pub(crate) struct TimelineItem {
    broke: Option<String>,
    dated: usize,
    undated: usize,
    regions: Vec<PickupItem>,
    countries: Vec<PickupItem>,
    days: Vec<(String, usize, usize)>,
}

pub(crate) struct EntityItem {
    name: String,
    href: String,
    kind: &'static str,
    variants: Option<String>,
    articles: usize,
}

/// Turns article ids into citations of the numbered article list.
struct Citer<'a> {
    numbers: HashMap<&'a str, usize>,
    titles: Vec<String>,
    sources: Vec<String>,
    /// Titles of the excerpts quoted on the pages, by their id (`ARTICLE#excerpt-N`).
    excerpts: HashMap<String, String>,
}

impl Citer<'_> {
    fn cite(&self, id: &ArticleId) -> CiteItem {
        if let Some(&n) = self.numbers.get(id.as_str()) {
            return CiteItem {
                label: n.to_string(),
                anchor: Some(format!("#a-{n}")),
                title: self.titles[n - 1].clone(),
            };
        }
        if let Some((host, k)) = parallax_intel::excerpt_host(id)
            && let Some(&n) = self.numbers.get(host.as_str())
        {
            let quoted = self.excerpts.get(id.as_str()).cloned().unwrap_or_default();
            return CiteItem {
                label: format!("{n}, excerpt {k}"),
                anchor: Some(format!("#a-{n}")),
                title: format!("“{quoted}”, another article quoted on the page of [{n}]"),
            };
        }
        CiteItem {
            label: "?".to_string(),
            anchor: None,
            title: format!("article {id} (no longer in this story)"),
        }
    }

    fn source_name(&self, id: &ArticleId) -> String {
        if let Some(&n) = self.numbers.get(id.as_str()) {
            return self.sources[n - 1].clone();
        }
        match parallax_intel::excerpt_host(id) {
            Some((host, _)) => match self.numbers.get(host.as_str()) {
                Some(&n) => format!(
                    "an outlet not named, quoted on the page of [{n}] ({})",
                    self.sources[n - 1]
                ),
                None => "an outlet not named".to_string(),
            },
            None => String::new(),
        }
    }

    fn cites<'b>(&self, ids: impl IntoIterator<Item = &'b ArticleId>) -> Vec<CiteItem> {
        let mut seen = std::collections::HashSet::new();
        ids.into_iter()
            .filter(|id| seen.insert(id.as_str().to_string()))
            .map(|id| self.cite(id))
            .collect()
    }
}

fn form_label(f: ClaimForm) -> &'static str {
    match f {
        ClaimForm::Figure => "figure",
        ClaimForm::Quote => "quote",
        ClaimForm::Statement => "statement",
        ClaimForm::Event => "event",
    }
}

fn claim_item(number: usize, c: &parallax_intel::claims::Claim, citer: &Citer<'_>) -> ClaimItem {
    let (kind, kind_class) = match c.kind {
        ClaimKind::Agreed => ("agreed", "agreed"),
        ClaimKind::Disputed => ("disputed", "disputed"),
        ClaimKind::SingleSource => ("single source", "single"),
    };
    ClaimItem {
        anchor: format!("claim-{number}"),
        kind,
        kind_class,
        form: form_label(c.form),
        text: c.text.clone(),
        slot: c.slot.clone(),
        speaker: c.speaker.clone(),
        independent: c.independent_sources,
        sources: c
            .sources
            .iter()
            .map(|s| SourceSentence {
                cite: citer.cite(&s.article),
                source_name: citer.source_name(&s.article),
                sentence: s.sentence.clone(),
                value: s.value.clone(),
            })
            .collect(),
        sides: c
            .sides
            .iter()
            .map(|side| SideItem {
                range: side.range.clone(),
                values: side.values.join(" / "),
                cites: citer.cites(&side.articles),
                independent: side.independent_sources,
            })
            .collect(),
        quote: c.quote_check.as_ref().map(|q| QuoteItem {
            verbatim: q.verbatim,
            speaker: q.speaker.clone(),
            also_in: citer.cites(&q.also_in),
            altered: q
                .altered
                .iter()
                .map(|v| (citer.cite(&v.article), v.quote.clone()))
                .collect(),
        }),
    }
}

fn hours(h: Option<f64>) -> String {
    match h {
        None => "undated".to_string(),
        Some(h) if !h.is_finite() => "–".to_string(),
        Some(h) if h < 0.05 => "first".to_string(),
        Some(h) if h < 48.0 => format!("+{h:.1} h"),
        Some(h) => format!("+{:.1} days", h / 24.0),
    }
}

/// One row of the timeline tables (a region or a country).
fn pickup_item(
    place: String,
    first: Option<CiteItem>,
    first_at: Option<DateTime<Utc>>,
    hours_after_break: Option<f64>,
    articles: usize,
    undated: usize,
) -> PickupItem {
    PickupItem {
        place,
        first,
        at: first_at
            .as_ref()
            .map_or_else(|| "undated".to_string(), show_time),
        after: hours(hours_after_break),
        articles,
        undated,
    }
}

fn timeline_item(t: &parallax_intel::timeline::Timeline, citer: &Citer<'_>) -> TimelineItem {
    TimelineItem {
        broke: t.first.as_ref().map(|p| {
            format!(
                "{} in {} ({})",
                show_time(&p.at),
                if p.country == "unknown" {
                    "an unknown country"
                } else {
                    &p.country
                },
                p.region
            )
        }),
        dated: t.dated_articles,
        undated: t.undated.len(),
        regions: t
            .regions
            .iter()
            .map(|r| {
                let place = format!(
                    "{} ({} countr{})",
                    r.region,
                    r.countries,
                    if r.countries == 1 { "y" } else { "ies" }
                );
                let first = r.first.as_ref().map(|a| citer.cite(a));
                pickup_item(
                    place,
                    first,
                    r.first_at,
                    r.hours_after_break,
                    r.articles,
                    r.undated,
                )
            })
            .collect(),
        countries: t
            .countries
            .iter()
            .map(|c| {
                let place = format!("{} ({})", c.country, c.region);
                let first = c.first.as_ref().map(|a| citer.cite(a));
                pickup_item(
                    place,
                    first,
                    c.first_at,
                    c.hours_after_break,
                    c.articles,
                    c.undated,
                )
            })
            .collect(),
        days: t
            .daily
            .iter()
            .map(|b| {
                (
                    b.start.format("%Y-%m-%d").to_string(),
                    b.articles,
                    b.cumulative,
                )
            })
            .collect(),
    }
}

fn intel_items(view: &StoryView, citer: &Citer<'_>) -> IntelItems {
    let intel = &view.intel;
    let reports = intel
        .independence
        .reports
        .iter()
        .map(|r| {
            let date = r
                .first_published
                .as_ref()
                .map_or_else(|| "undated".to_string(), show_time);
            ReportItem {
                original: citer.cite(&r.original),
                source_name: citer.source_name(&r.original),
                date,
                agency: r.agency.clone(),
                copies: r
                    .copies
                    .iter()
                    .map(|e| CopyItem {
                        copy: citer.cite(&e.copy),
                        source_name: citer.source_name(&e.copy),
                        of: citer.cite(&e.source),
                        evidence: if e.evidence.contains("shingles") {
                            format!(
                                "{} ({:.0}% of its text found in the earlier article)",
                                e.evidence,
                                f64::from(e.containment) * 100.0
                            )
                        } else {
                            e.evidence.clone()
                        },
                    })
                    .collect(),
            }
        })
        .collect();
    let mut items = IntelItems {
        independence: intel.independence.describe(),
        reports,
        ..IntelItems::default()
    };
    for (i, c) in intel.claims.iter().enumerate() {
        let number = i + 1;
        match c.kind {
            ClaimKind::Disputed => items.disputed.push(claim_item(number, c, citer)),
            ClaimKind::Agreed => items.agreed.push(claim_item(number, c, citer)),
            ClaimKind::SingleSource => {
                if items.single.len() < SINGLE_SOURCE_SHOWN {
                    items.single.push(claim_item(number, c, citer));
                } else {
                    // Listed in short, so that every claim has its anchor.
                    items
                        .single_more
                        .push((format!("claim-{number}"), c.text.clone()));
                }
            }
        }
    }
    items.current_take = intel
        .current_take
        .iter()
        .map(|t| TakeItem {
            text: t.text.clone(),
            independent: t.independent_sources,
            groups: t.groups.join(", "),
            cites: citer.cites(t.sources.iter().map(|s| &s.article)),
        })
        .collect();
    items.perspectives = intel
        .perspectives
        .iter()
        .filter(|p| !p.claims.is_empty() || !p.terms.is_empty())
        .take(PERSPECTIVES_SHOWN)
        .map(|p| PerspectiveItem {
            label: match p.dimension.as_str() {
                "bias" => format!("Outlets rated {}", p.label),
                "region" => format!("Outlets in {}", p.label),
                _ => format!("Outlets of {}", p.label),
            },
            articles: p.articles,
            independent: p.independent_sources,
            claims: p
                .claims
                .iter()
                .take(5)
                .map(|c| {
                    (
                        c.text.clone(),
                        citer.cites(c.sources.iter().map(|s| &s.article)),
                    )
                })
                .collect(),
            terms: p
                .terms
                .iter()
                .take(8)
                .map(|t| {
                    (
                        t.term.clone(),
                        citer.cites(t.citations.iter().map(|s| &s.article)),
                    )
                })
                .collect(),
        })
        .collect();
    items.timeline = timeline_item(&intel.timeline, citer);
    items.entities = intel
        .entities
        .iter()
        .filter(|e| !e.key.is_empty())
        .take(ENTITIES_SHOWN)
        .map(|e| EntityItem {
            name: e.name.clone(),
            href: format!("/entity/{}", path_segment(&e.key)),
            kind: e.kind.label(),
            variants: (e.variants.len() > 1).then(|| e.variants.join(" / ")),
            articles: e.articles.len(),
        })
        .collect();
    items
}

#[derive(Default)]
pub(crate) struct IntelItems {
    /// "5 articles from 4 independent reports".
    independence: String,
    reports: Vec<ReportItem>,
    disputed: Vec<ClaimItem>,
    agreed: Vec<ClaimItem>,
    single: Vec<ClaimItem>,
    /// Single-source claims beyond [`SINGLE_SOURCE_SHOWN`], listed in short: (anchor, text).
    single_more: Vec<(String, String)>,
    current_take: Vec<TakeItem>,
    perspectives: Vec<PerspectiveItem>,
    timeline: TimelineItem,
    entities: Vec<EntityItem>,
}

fn article_item(number: usize, a: &ArticleRow, reader: &str) -> ArticleItem {
    let link = a.url.as_deref().and_then(safe_link);
    let plain_url = match (&link, &a.url) {
        (None, Some(u)) if !u.trim().is_empty() => Some(u.trim().to_string()),
        _ => None,
    };
    ArticleItem {
        anchor: format!("a-{number}"),
        title: if a.title.trim().is_empty() {
            "(untitled)".to_string()
        } else {
            a.title.clone()
        },
        link,
        plain_url,
        source_name: a.source_name.clone(),
        language: a.language.clone().unwrap_or_else(|| "unknown".to_string()),
        lang: lang_attr(a.language.as_deref()),
        language_label: foreign_label(a.language.as_deref(), reader),
        title_translation: translation_item(&a.title_translation),
        source_href: source_href(&a.source),
        ownership: a
            .ownership_detail
            .clone()
            .or_else(|| a.ownership.as_deref().map(label)),
        attributed_by: a.attributed_by.as_deref().and_then(attribution_words),
        country: country_item(
            a.country.as_deref(),
            a.country_basis.as_deref(),
            a.country_provenance.as_deref(),
        ),
        date: show_published(&a.published),
        byline: a.byline.clone().filter(|b| !b.trim().is_empty()),
        warnings: a.warnings.clone(),
    }
}

pub(crate) fn story_page(view: &StoryView) -> Response {
    let articles: Vec<ArticleItem> = view
        .articles
        .iter()
        .enumerate()
        .map(|(i, a)| article_item(i + 1, a, &view.language))
        .collect();
    let numbers: HashMap<&str, usize> = view
        .articles
        .iter()
        .enumerate()
        .map(|(i, a)| (a.id.as_str(), i + 1))
        .collect();
    let citer = Citer {
        numbers,
        titles: articles.iter().map(|a| a.title.clone()).collect(),
        sources: articles.iter().map(|a| a.source_name.clone()).collect(),
        excerpts: view
            .intel
            .excerpts
            .iter()
            .map(|e| (e.id.as_str().to_string(), e.title.clone()))
            .collect(),
    };
    let bullets = view
        .summary
        .iter()
        .map(|b| BulletItem {
            text: b.text.clone(),
            lang: lang_attr(b.language.as_deref()),
            language_label: foreign_label(b.language.as_deref(), &view.language),
            translation: translation_item(&b.translation),
            cites: b.citations.iter().map(|id| citer.cite(id)).collect(),
        })
        .collect();
    let intel = intel_items(view, &citer);
    let gists: Vec<GistItem> = view
        .gists
        .iter()
        .map(|g| {
            let sentences: Vec<(String, Option<(CiteItem, String)>)> = g
                .sentences
                .iter()
                .map(|s| {
                    (
                        s.text.clone(),
                        s.also_in
                            .as_ref()
                            .map(|m| (citer.cite(&m.article), m.sentence.clone())),
                    )
                })
                .collect();
            let shared = sentences.iter().filter(|s| s.1.is_some()).count();
            GistItem {
                cite: citer.cite(&g.article),
                language: lang_attr(Some(&g.language)).unwrap_or_else(|| "und".to_string()),
                own: sentences.len() - shared,
                shared,
                sentences,
            }
        })
        .collect();
    let foreign_articles = view
        .articles
        .iter()
        .filter(|a| parallax_views::is_foreign(a.language.as_deref(), &view.language))
        .count();
    let c = &view.coverage;
    let page = StoryPage {
        title: view.title.clone(),
        title_translation: translation_item(&view.title_translation),
        bullets,
        article_count: view.articles.len().max(c.articles),
        source_count: c.sources,
        unknown_source_articles: c.unknown_source_articles,
        countries: tally_items(&c.countries)
            .into_iter()
            .zip(&c.countries)
            .map(|(item, t)| {
                let inferred = c
                    .inferred_countries
                    .iter()
                    .find(|i| i.label == t.label)
                    .map_or(0, |i| i.count);
                (item, inferred)
            })
            .collect(),
        countries_inferred: c.countries_inferred,
        languages: tally_items(&c.languages),
        bias: tally_items(&c.bias),
        bias_rated_by: view.bias_rated_by.join("; "),
        ratings: c
            .ratings
            .iter()
            .map(|d| rating_dist_item(d, c.sources))
            .collect(),
        ownership: tally_items(&c.ownership),
        first_published: c
            .first_published
            .as_ref()
            .map(show_time)
            .unwrap_or_else(|| "undated".to_string()),
        last_published: c
            .last_published
            .as_ref()
            .map(show_time)
            .unwrap_or_else(|| "undated".to_string()),
        undated_articles: c.undated_articles,
        first_seen: show_time(&view.first_seen),
        last_updated: show_time(&view.last_updated),
        articles,
        intel,
        gists,
        foreign_articles,
    };
    render(StatusCode::OK, &page)
}

// ---------------------------------------------------------------------------------------------
// Entities, blindspots
// ---------------------------------------------------------------------------------------------

pub(crate) struct EntityStoryItem {
    href: String,
    title: String,
    name: String,
    articles: usize,
    last_updated: String,
}

#[derive(Template)]
#[template(path = "entity.html")]
struct EntityPageT {
    name: String,
    kind: String,
    key: String,
    variants: String,
    stories: Vec<EntityStoryItem>,
}

pub(crate) fn entity_page(view: &EntityView) -> Response {
    let stories = view
        .stories
        .iter()
        .map(|s| EntityStoryItem {
            href: format!("/story/{}", path_segment(s.id.as_str())),
            title: s.title.clone(),
            name: s.name.clone(),
            articles: s.articles,
            last_updated: show_time(&s.last_updated),
        })
        .collect();
    render(
        StatusCode::OK,
        &EntityPageT {
            name: view.name.clone(),
            kind: view.kind.clone(),
            key: view.key.clone(),
            variants: view.variants.join(" / "),
            stories,
        },
    )
}

pub(crate) struct EntityListItem {
    href: String,
    name: String,
    kind: String,
    stories: usize,
    articles: usize,
}

#[derive(Template)]
#[template(path = "entities.html")]
struct EntitiesPage {
    entities: Vec<EntityListItem>,
}

pub(crate) fn entities_page(rows: &[EntityRow]) -> Response {
    let entities = rows
        .iter()
        .map(|e| EntityListItem {
            href: format!("/entity/{}", path_segment(&e.key)),
            name: e.name.clone(),
            kind: e.kind.clone(),
            stories: e.stories,
            articles: e.articles,
        })
        .collect();
    render(StatusCode::OK, &EntitiesPage { entities })
}

pub(crate) struct CountryBlindspotItem {
    pub(crate) href: String,
    pub(crate) title: String,
    pub(crate) abroad_sources: usize,
    pub(crate) abroad_countries: usize,
    pub(crate) home_sources: usize,
    pub(crate) last_updated: String,
}

impl CountryBlindspotItem {
    /// The row of a country blindspot, as the blindspot and country pages list it.
    pub(crate) fn of(b: &parallax_intel::blindspots::CountryBlindspot) -> Self {
        CountryBlindspotItem {
            href: format!("/story/{}", path_segment(b.story.as_str())),
            title: b.title.clone(),
            abroad_sources: b.abroad_sources,
            abroad_countries: b.abroad_countries,
            home_sources: b.home_sources,
            last_updated: show_time(&b.last_updated),
        }
    }
}

pub(crate) struct SideBlindspotItem {
    href: String,
    title: String,
    covered_by: &'static str,
    missing: &'static str,
    left: usize,
    center: usize,
    right: usize,
    unrated: usize,
    share: String,
    last_updated: String,
}

#[derive(Template)]
#[template(path = "blindspots.html")]
struct BlindspotsPage {
    country: String,
    countries: Vec<CountryBlindspotItem>,
    sides: Vec<SideBlindspotItem>,
    considered: usize,
    stale: usize,
    rated_sources: usize,
}

pub(crate) fn blindspots_page(view: &BlindspotsView) -> Response {
    use parallax_intel::blindspots::Side;
    let countries = view
        .country_blindspots
        .iter()
        .map(CountryBlindspotItem::of)
        .collect();
    let sides = view
        .one_sided
        .iter()
        .map(|b| SideBlindspotItem {
            href: format!("/story/{}", path_segment(b.story.as_str())),
            title: b.title.clone(),
            covered_by: match b.covered_by {
                Side::Left => "left",
                Side::Right => "right",
            },
            missing: match b.covered_by {
                Side::Left => "right",
                Side::Right => "left",
            },
            left: b.left,
            center: b.center,
            right: b.right,
            unrated: b.unrated,
            share: percent(b.share),
            last_updated: show_time(&b.last_updated),
        })
        .collect();
    render(
        StatusCode::OK,
        &BlindspotsPage {
            country: view.country.clone(),
            countries,
            sides,
            considered: view.stories_considered,
            stale: view.stale_digests,
            rated_sources: view.rated_sources,
        },
    )
}

// ---------------------------------------------------------------------------------------------
// Sources
// ---------------------------------------------------------------------------------------------

pub(crate) struct SourceItem {
    /// The source's page.
    href: String,
    name: String,
    country: String,
    languages: String,
    status: &'static str,
    /// CSS class of the status (no spaces).
    status_class: &'static str,
    feeds: usize,
    feeds_failing: usize,
    last_success: String,
    last_error: Option<String>,
    warnings: Vec<String>,
    articles_per_day: String,
    next_poll: String,
}

#[derive(Template)]
#[template(path = "sources.html")]
struct SourcesPage {
    summary: String,
    sources: Vec<SourceItem>,
}

fn status_class(status: &str) -> &'static str {
    match status {
        parallax_views::STATUS_FAILING => "status-failing",
        parallax_views::STATUS_DEGRADED => "status-degraded",
        parallax_views::STATUS_NEVER_POLLED => "status-never",
        _ => "status-ok",
    }
}

pub(crate) fn sources_page(rows: &[SourceHealth]) -> Response {
    let sources = rows
        .iter()
        .map(|h| SourceItem {
            href: format!("/source/{}", path_segment(h.id.as_str())),
            name: if h.name.trim().is_empty() {
                h.id.to_string()
            } else {
                h.name.clone()
            },
            country: h.country.clone().unwrap_or_else(|| "unknown".to_string()),
            languages: if h.languages.is_empty() {
                "unknown".to_string()
            } else {
                h.languages.join(", ")
            },
            status: h.status,
            status_class: status_class(h.status),
            feeds: h.feeds,
            feeds_failing: h.feeds_failing,
            last_success: h
                .last_success
                .as_ref()
                .map(show_time)
                .unwrap_or_else(|| "never".to_string()),
            last_error: h.last_error.clone(),
            warnings: h.warnings.clone(),
            articles_per_day: if h.articles_per_day.is_finite() {
                format!("{:.1}", h.articles_per_day)
            } else {
                "–".to_string()
            },
            next_poll: h
                .next_poll
                .as_ref()
                .map(show_time)
                .unwrap_or_else(|| "–".to_string()),
        })
        .collect();
    render(
        StatusCode::OK,
        &SourcesPage {
            summary: parallax_views::source_health_summary(rows),
            sources,
        },
    )
}

// ---------------------------------------------------------------------------------------------
// One source
// ---------------------------------------------------------------------------------------------

/// A fact about a source and where it came from.
pub(crate) struct FactItem {
    name: &'static str,
    value: String,
    provenance: Option<String>,
}

pub(crate) struct RatingItem {
    provider: String,
    kind: &'static str,
    value: String,
    score: Option<String>,
    domain: String,
    date: Option<String>,
    licence: Option<String>,
    /// "estimate" or "rating".
    label: &'static str,
    estimate: bool,
}

pub(crate) struct FeedItem {
    link: Option<String>,
    url: String,
    category: Option<String>,
    status: &'static str,
    status_class: &'static str,
    last_success: String,
    last_error: Option<String>,
    warnings: Vec<String>,
    next_poll: String,
}

pub(crate) struct SourceStoryItem {
    href: String,
    title: String,
    articles: usize,
    last_updated: String,
}

pub(crate) struct LedgerItem {
    href: String,
    story_title: String,
    claim: usize,
    /// "agreed", "disputed", "single source".
    standing: &'static str,
    standing_class: &'static str,
    text: String,
}

#[derive(Template)]
#[template(path = "source.html")]
struct SourcePage {
    name: String,
    name_provenance: Option<String>,
    id: String,
    api_href: String,
    home_link: Option<String>,
    /// A home page that is not made a link (another scheme), as text.
    home_text: Option<String>,
    country: CountryItem,
    gdelt_url: &'static str,
    facts: Vec<FactItem>,
    bias: Option<(String, String)>,
    factuality: Option<(String, String)>,
    ratings: Vec<RatingItem>,
    feeds: Vec<FeedItem>,
    health: Option<String>,
    articles: usize,
    stories: Vec<SourceStoryItem>,
    agreed: usize,
    disputed: usize,
    single_source: usize,
    ledger_stories: usize,
    ledger_pending: usize,
    claims: Vec<LedgerItem>,
    claims_not_listed: usize,
}

fn standing_words(s: ClaimStanding) -> (&'static str, &'static str) {
    match s {
        ClaimStanding::Agreed => ("agreed", "agreed"),
        ClaimStanding::Disputed => ("disputed", "disputed"),
        ClaimStanding::SingleSource => ("single source", "single"),
    }
}

pub(crate) fn source_page(view: &SourceView) -> Response {
    let opt = |v: &Option<String>| v.clone().filter(|x| !x.trim().is_empty());
    let mut facts = vec![FactItem {
        name: "Languages",
        value: if view.languages.is_empty() {
            "unknown".to_string()
        } else {
            view.languages.join(", ")
        },
        provenance: opt(&view.languages_provenance),
    }];
    facts.push(FactItem {
        name: "Owner",
        value: opt(&view.owner).unwrap_or_else(|| "unknown".to_string()),
        provenance: opt(&view.owner_provenance),
    });
    facts.push(FactItem {
        name: "Ownership",
        value: match (&view.ownership, opt(&view.ownership_detail)) {
            (Some(o), Some(d)) => format!("{} — {d}", label(o)),
            (Some(o), None) => label(o),
            (None, Some(d)) => d,
            (None, None) => "unknown".to_string(),
        },
        provenance: opt(&view.owner_provenance),
    });
    let home_link = view.home_page.as_deref().and_then(safe_link);
    let home_text = match (&home_link, &view.home_page) {
        (None, Some(h)) if !h.trim().is_empty() => Some(h.trim().to_string()),
        _ => None,
    };
    let page = SourcePage {
        name: if view.name.trim().is_empty() {
            view.id.to_string()
        } else {
            view.name.clone()
        },
        name_provenance: opt(&view.name_provenance),
        id: view.id.to_string(),
        api_href: format!("/api/sources/{}", path_segment(view.id.as_str())),
        home_link,
        home_text,
        country: country_item(
            view.country.as_deref(),
            view.country_basis.as_deref(),
            view.country_provenance.as_deref(),
        ),
        gdelt_url: parallax_views::GDELT_URL,
        facts,
        bias: view
            .bias
            .as_ref()
            .map(|r| (r.value.clone(), r.provenance.clone())),
        factuality: view
            .factuality
            .as_ref()
            .map(|r| (r.value.clone(), r.provenance.clone())),
        ratings: view
            .ratings
            .iter()
            .map(|r| RatingItem {
                provider: r.provider.clone(),
                kind: r.kind,
                value: r.value.clone(),
                score: r.score.map(|x| format!("{x}")),
                domain: r.domain.clone(),
                date: r.date.clone(),
                licence: r.licence.clone(),
                label: r.label,
                estimate: r.estimate,
            })
            .collect(),
        feeds: view
            .feeds
            .iter()
            .map(|f| FeedItem {
                link: safe_link(&f.url),
                url: f.url.clone(),
                category: f.category.clone(),
                status: f.status,
                status_class: status_class(f.status),
                last_success: f
                    .last_success
                    .as_ref()
                    .map(show_time)
                    .unwrap_or_else(|| "never".to_string()),
                last_error: f.last_error.clone(),
                warnings: f.warnings.clone(),
                next_poll: f
                    .next_poll
                    .as_ref()
                    .map(show_time)
                    .unwrap_or_else(|| "–".to_string()),
            })
            .collect(),
        health: view.health.as_ref().map(|h| {
            let per_day = if h.articles_per_day.is_finite() {
                format!("{:.1}", h.articles_per_day)
            } else {
                "–".to_string()
            };
            format!(
                "{} · {} of {} feed{} failing · {per_day} articles a day over the last {} days",
                h.status,
                h.feeds_failing,
                h.feeds,
                if h.feeds == 1 { "" } else { "s" },
                parallax_views::ARTICLES_PER_DAY_WINDOW_DAYS
            )
        }),
        articles: view.articles,
        stories: view
            .recent_stories
            .iter()
            .map(|s| SourceStoryItem {
                href: format!("/story/{}", path_segment(s.id.as_str())),
                title: s.title.clone(),
                articles: s.articles,
                last_updated: show_time(&s.last_updated),
            })
            .collect(),
        agreed: view.ledger.agreed,
        disputed: view.ledger.disputed,
        single_source: view.ledger.single_source,
        ledger_stories: view.ledger.stories,
        ledger_pending: view.ledger.stories_pending,
        claims: view
            .ledger
            .claims
            .iter()
            .map(|e| {
                let (standing, standing_class) = standing_words(e.standing);
                LedgerItem {
                    href: e.href.clone(),
                    story_title: e.story_title.clone(),
                    claim: e.claim,
                    standing,
                    standing_class,
                    text: e.text.clone(),
                }
            })
            .collect(),
        claims_not_listed: view.ledger.claims_not_listed,
    };
    render(StatusCode::OK, &page)
}

// ---------------------------------------------------------------------------------------------
// Problems, errors
// ---------------------------------------------------------------------------------------------

pub(crate) struct ProblemItem {
    time: String,
    origin: String,
    message: String,
}

#[derive(Template)]
#[template(path = "problems.html")]
struct ProblemsPage {
    problems: Vec<ProblemItem>,
}

pub(crate) fn problems_page(rows: &[ProblemRow]) -> Response {
    let problems = rows
        .iter()
        .map(|p| ProblemItem {
            time: show_time(&p.time),
            origin: p.origin.clone(),
            message: p.message.clone(),
        })
        .collect();
    render(StatusCode::OK, &ProblemsPage { problems })
}

#[derive(Template)]
#[template(path = "status.html")]
struct StatusPage<'a> {
    view: &'a StatusView,
    vectors: String,
}

pub(crate) fn status_page(view: &StatusView) -> Response {
    let vectors = if view.vectors.is_empty() {
        "none".to_string()
    } else {
        view.vectors
            .iter()
            .map(|(model, n)| format!("{n} ({model})"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    render(StatusCode::OK, &StatusPage { view, vectors })
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    status: u16,
    heading: &'a str,
    message: &'a str,
}

pub(crate) fn error_page(status: StatusCode, heading: &str, message: &str) -> Response {
    render(
        status,
        &ErrorPage {
            status: status.as_u16(),
            heading,
            message,
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_http_links() {
        assert_eq!(
            safe_link("https://example.com/a"),
            Some("https://example.com/a".into())
        );
        assert_eq!(
            safe_link(" HTTP://example.com "),
            Some("HTTP://example.com".into())
        );
        assert_eq!(safe_link("javascript:alert(1)"), None);
        assert_eq!(safe_link("JaVaScRiPt:alert(1)"), None);
        assert_eq!(safe_link("data:text/html,<script>"), None);
        assert_eq!(safe_link("https://exa mple.com"), None);
        assert_eq!(safe_link("https://"), None);
        assert_eq!(safe_link("/relative"), None);
    }

    #[test]
    fn path_segments_are_encoded() {
        assert_eq!(path_segment("sto-0123abcd"), "sto-0123abcd");
        assert_eq!(path_segment("a/b\"<"), "a%2Fb%22%3C");
    }
}
