//! HTML pages (askama templates in `templates/`). Every value that reaches a template is plain text
//! that askama escapes; no template uses `|safe`.

use crate::bars::{Segment, bias_rank, segment_class, segments};
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
use parallax_intel::claims::ClaimSource;
use parallax_intel::claims::{ClaimForm, ClaimKind};
use parallax_views::{
    ArticleRow, BlindspotsView, EntityRow, EntityView, MapShape, ProblemRow, SourceHealth,
    SourceView, StatusView, StoryView,
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
    /// The cited article's outlet (empty when the article is not on the page).
    outlet: String,
    /// Its publication time as shown ("undated" when unknown; empty when not on the page).
    date: String,
    /// The sentence of it that is cited, when known.
    sentence: Option<String>,
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
    /// Its number in the story (`a-N` is its anchor).
    number: usize,
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

/// A country covering the story: its tally, how much of it is only inferred, its page.
pub(crate) struct CountryTallyItem {
    tally: TallyItem,
    /// Its articles whose country is only inferred from their outlet's coverage.
    inferred: usize,
    /// "France", when the map knows the code.
    name: Option<String>,
    /// `/country/CC` for a country code.
    href: Option<String>,
}

/// One provider's distribution with its bar.
pub(crate) struct RatingBarItem {
    dist: RatingDistItem,
    segments: Vec<Segment>,
}

/// One country of the small map.
pub(crate) struct MapShapeItem {
    /// Covers the story.
    on: bool,
    path: String,
    dot: bool,
    x: i32,
    y: i32,
    name: String,
}

/// Who reported first: the earliest dated article.
pub(crate) struct FirstItem {
    cite: CiteItem,
    outlet: String,
    at: String,
    /// "US, North America"; `None` when neither is known.
    place: Option<String>,
}

#[derive(Template)]
#[template(path = "story.html")]
struct StoryPage {
    title: String,
    title_translation: Option<TranslationItem>,
    bullets: Vec<BulletItem>,
    article_count: usize,
    source_count: usize,
    unknown_source_articles: usize,
    /// Countries, each with how many of its articles' countries are only inferred.
    countries: Vec<CountryTallyItem>,
    /// Known countries covering it.
    country_count: usize,
    /// Articles whose country is only inferred from their outlet's coverage.
    countries_inferred: usize,
    languages: Vec<TallyItem>,
    bias: Vec<Segment>,
    /// Who rated the bias of the sources.
    bias_rated_by: String,
    /// Per provider, the sources by its imported ratings.
    ratings: Vec<RatingBarItem>,
    ownership: Vec<Segment>,
    reported_first: Option<FirstItem>,
    first_published: String,
    last_published: String,
    undated_articles: usize,
    first_seen: String,
    last_updated: String,
    /// The small map: its view box and countries.
    map_view_box: String,
    map: Vec<MapShapeItem>,
    /// Independent reports, the claim ledger, current take, timeline and entities.
    intel: IntelItems,
    /// Perspectives by dimension: ("By country", groups).
    alternative: Vec<(&'static str, Vec<PerspectiveItem>)>,
    /// What each article in another language adds.
    gists: Vec<GistItem>,
    /// Articles in another language than the reader's (shown when there is no gist for them).
    foreign_articles: usize,
    /// Articles over time per region.
    chart: Option<ChartItem>,
    /// Every article by country (and side), wire copies folded under their original.
    coverage: Vec<CountryGroupItem>,
    related: Vec<RelatedItem>,
    topics: Vec<TopicItem>,
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
/// Topic tags shown on a story page at most.
const TOPICS_SHOWN: usize = 16;

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
    /// "country", "region" or "bias".
    dimension: String,
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

/// One bar piece of the timeline chart.
pub(crate) struct ChartRect {
    x: String,
    y: String,
    w: String,
    h: String,
    class: String,
}

/// One column of the chart (a time bucket with articles).
pub(crate) struct ChartColumn {
    /// "Jul 07 09:00: 3 articles (Europe 2, North America 1)".
    title: String,
    rects: Vec<ChartRect>,
}

/// A text label of the chart's axes.
pub(crate) struct ChartLabel {
    x: String,
    y: String,
    anchor: &'static str,
    text: String,
}

/// One row of the chart's table: a bucket with articles.
pub(crate) struct ChartRow {
    bucket: String,
    counts: Vec<usize>,
    total: usize,
    so_far: usize,
}

/// The timeline drawn: articles per hour, day or week, stacked by region.
pub(crate) struct ChartItem {
    /// "hour", "day" or "week".
    unit: &'static str,
    /// What the chart shows, in words (its SVG description).
    description: String,
    columns: Vec<ChartColumn>,
    labels: Vec<ChartLabel>,
    /// Regions with their class and dated articles.
    legend: Vec<(String, String, usize)>,
    regions: Vec<String>,
    rows: Vec<ChartRow>,
}

/// A wire copy or rewrite folded under its original.
pub(crate) struct CopyEntry {
    a: ArticleItem,
    /// "copies [3] (shingles 83%: 83% of its text found in it)".
    evidence: String,
}

/// The copies of one report, folded under its original.
pub(crate) struct FoldItem {
    /// "4 copies of an AFP report".
    summary: String,
    copies: Vec<CopyEntry>,
}

/// An article of the General News Coverage, with the copies of it folded under it.
pub(crate) struct EntryItem {
    a: ArticleItem,
    fold: Option<FoldItem>,
}

pub(crate) struct SideGroupItem {
    /// "Outlets rated center", "Unrated outlets"; `None` when no outlet is rated.
    label: Option<String>,
    entries: Vec<EntryItem>,
}

pub(crate) struct CountryGroupItem {
    /// `cov-CC`.
    id: String,
    /// "France (FR)", "Country unknown".
    heading: String,
    /// Its articles, the copies folded under them not counted.
    articles: usize,
    /// Copies folded under its articles.
    copies: usize,
    sides: Vec<SideGroupItem>,
}

pub(crate) struct RelatedItem {
    href: String,
    title: String,
    shared: String,
    shared_count: usize,
    last_updated: String,
}

pub(crate) struct TopicItem {
    href: String,
    name: String,
    /// A key phrase (shown in quotes), not an entity.
    phrase: bool,
}

/// Turns article ids into citations of the numbered article list.
struct Citer<'a> {
    numbers: HashMap<&'a str, usize>,
    titles: Vec<String>,
    sources: Vec<String>,
    dates: Vec<String>,
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
                outlet: self.sources[n - 1].clone(),
                date: self.dates[n - 1].clone(),
                sentence: None,
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
                outlet: self.source_name(id),
                date: self.dates[n - 1].clone(),
                sentence: None,
            };
        }
        CiteItem {
            label: "?".to_string(),
            anchor: None,
            title: format!("article {id} (no longer in this story)"),
            outlet: String::new(),
            date: String::new(),
            sentence: None,
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

    /// Citations with the sentence each cites, one per article.
    fn cites_with_sentences(&self, sources: &[ClaimSource]) -> Vec<CiteItem> {
        let mut seen = std::collections::HashSet::new();
        sources
            .iter()
            .filter(|s| seen.insert(s.article.as_str().to_string()))
            .map(|s| CiteItem {
                sentence: Some(s.sentence.trim().to_string()).filter(|s| !s.is_empty()),
                ..self.cite(&s.article)
            })
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

/// The chart's size in SVG units and its margins (axis labels go in them).
const CHART_W: f64 = 600.0;
const CHART_H: f64 = 210.0;
const CHART_LEFT: f64 = 34.0;
const CHART_RIGHT: f64 = 8.0;
const CHART_TOP: f64 = 10.0;
const CHART_BOTTOM: f64 = 28.0;
/// Hourly columns while the dated articles span less than this many hours, daily ones while they
/// span less than [`CHART_MAX_DAYS`] days, weekly ones beyond.
const CHART_MAX_HOURS: i64 = 72;
const CHART_MAX_DAYS: i64 = 120;
/// Time labels under the chart at most.
const CHART_TICKS: usize = 5;

/// The timeline as a chart: articles per hour (day, week) stacked by region; `None` when no
/// article is dated.
fn timeline_chart(t: &parallax_intel::timeline::Timeline) -> Option<ChartItem> {
    let first_hour = t.hourly.first()?.start;
    let last_hour = t.hourly.last()?.start;
    let first_day = t.daily.first()?.start;
    let last_day = t.daily.last()?.start;
    let (unit, width, format, hourly, origin, end) =
        if (last_hour - first_hour).num_hours() < CHART_MAX_HOURS {
            (
                "hour",
                chrono::Duration::hours(1),
                "%b %d %H:00",
                true,
                first_hour,
                last_hour,
            )
        } else if (last_day - first_day).num_days() < CHART_MAX_DAYS {
            (
                "day",
                chrono::Duration::days(1),
                "%b %d",
                false,
                first_day,
                last_day,
            )
        } else {
            (
                "week",
                chrono::Duration::days(7),
                "%Y-%m-%d",
                false,
                first_day,
                last_day,
            )
        };
    let step = width.num_seconds().max(1);
    let columns_n = usize::try_from((end - origin).num_seconds() / step).unwrap_or(0) + 1;
    let regions = &t.regions;
    let mut grid = vec![vec![0usize; regions.len()]; columns_n];
    for (ri, r) in regions.iter().enumerate() {
        let buckets = if hourly { &r.hourly } else { &r.daily };
        for b in buckets {
            let i = usize::try_from((b.start - origin).num_seconds() / step)
                .unwrap_or(0)
                .min(columns_n - 1);
            grid[i][ri] += b.articles;
        }
    }
    let totals: Vec<usize> = grid.iter().map(|c| c.iter().sum()).collect();
    let max = totals.iter().copied().max().unwrap_or(0).max(1);
    let classes: Vec<String> = regions
        .iter()
        .enumerate()
        .map(|(i, r)| segment_class("regions", &r.region, i))
        .collect();
    let bucket_label = |i: usize| {
        (origin + width * i32::try_from(i).unwrap_or(i32::MAX))
            .format(format)
            .to_string()
    };
    let plot_w = CHART_W - CHART_LEFT - CHART_RIGHT;
    let plot_h = CHART_H - CHART_TOP - CHART_BOTTOM;
    let col = plot_w / columns_n as f64;
    let bar_w = if col >= 3.0 { col * 0.8 } else { col };
    let baseline = CHART_TOP + plot_h;
    let plural = |n: usize| if n == 1 { "article" } else { "articles" };
    let mut columns = Vec::new();
    let mut rows = Vec::new();
    let mut so_far = 0;
    for (i, counts) in grid.iter().enumerate() {
        if totals[i] == 0 {
            continue;
        }
        so_far += totals[i];
        let x = CHART_LEFT + i as f64 * col + (col - bar_w) / 2.0;
        let mut y = baseline;
        let mut rects = Vec::new();
        let mut parts = Vec::new();
        for (ri, &n) in counts.iter().enumerate() {
            if n == 0 {
                continue;
            }
            let h = n as f64 / max as f64 * plot_h;
            y -= h;
            rects.push(ChartRect {
                x: format!("{x:.2}"),
                y: format!("{y:.2}"),
                w: format!("{bar_w:.2}"),
                h: format!("{h:.2}"),
                class: classes[ri].clone(),
            });
            parts.push(format!("{} {n}", regions[ri].region));
        }
        let label = bucket_label(i);
        columns.push(ChartColumn {
            title: format!(
                "{label}: {} {} ({})",
                totals[i],
                plural(totals[i]),
                parts.join(", ")
            ),
            rects,
        });
        rows.push(ChartRow {
            bucket: label,
            counts: counts.clone(),
            total: totals[i],
            so_far,
        });
    }
    let mut labels = vec![
        ChartLabel {
            x: format!("{:.0}", CHART_LEFT - 5.0),
            y: format!("{:.0}", baseline),
            anchor: "end",
            text: "0".to_string(),
        },
        ChartLabel {
            x: format!("{:.0}", CHART_LEFT - 5.0),
            y: format!("{:.0}", CHART_TOP + 9.0),
            anchor: "end",
            text: max.to_string(),
        },
    ];
    let ticks = CHART_TICKS.min(columns_n);
    let mut tick_at: Vec<usize> = if ticks <= 1 {
        vec![0]
    } else {
        (0..ticks)
            .map(|j| j * (columns_n - 1) / (ticks - 1))
            .collect()
    };
    tick_at.dedup();
    let last_tick = tick_at.len() - 1;
    for (j, &i) in tick_at.iter().enumerate() {
        let center = CHART_LEFT + (i as f64 + 0.5) * col;
        let (x, anchor) = if tick_at.len() > 1 && j == 0 {
            (CHART_LEFT.max(center - col / 2.0), "start")
        } else if tick_at.len() > 1 && j == last_tick {
            ((CHART_W - CHART_RIGHT).min(center + col / 2.0), "end")
        } else {
            (center, "middle")
        };
        labels.push(ChartLabel {
            x: format!("{x:.1}"),
            y: format!("{:.0}", CHART_H - 8.0),
            anchor,
            text: bucket_label(i),
        });
    }
    let busiest = totals
        .iter()
        .enumerate()
        .max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(&a.0)))
        .map_or(0, |(i, _)| i);
    let dated: usize = totals.iter().sum();
    let description = format!(
        "{dated} dated {} per {unit} (UTC) from {} to {}, stacked by the region of their outlets; the busiest {unit}, {}, had {} {}.",
        plural(dated),
        bucket_label(0),
        bucket_label(columns_n - 1),
        bucket_label(busiest),
        totals[busiest],
        plural(totals[busiest]),
    );
    let legend = regions
        .iter()
        .zip(&classes)
        .enumerate()
        .map(|(ri, (r, class))| {
            (
                class.clone(),
                r.region.clone(),
                grid.iter().map(|c| c[ri]).sum(),
            )
        })
        .filter(|(_, _, n)| *n > 0)
        .collect();
    Some(ChartItem {
        unit,
        description,
        columns,
        labels,
        legend,
        regions: regions.iter().map(|r| r.region.clone()).collect(),
        rows,
    })
}

/// How a copy is known to be one: "shingles 83% (83% of its text found in [2])".
fn copy_evidence(e: &parallax_intel::wire::CopyEdge, citer: &Citer<'_>) -> String {
    let how = if e.evidence.contains("shingles") {
        format!(
            "{}: {:.0}% of its text found in the earlier article",
            e.evidence,
            f64::from(e.containment) * 100.0
        )
    } else {
        e.evidence.clone()
    };
    format!("copies [{}]; {how}", citer.cite(&e.source).label)
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
            cites: citer.cites_with_sentences(&t.sources),
        })
        .collect();
    items.perspectives = intel
        .perspectives
        .iter()
        .filter(|p| !p.claims.is_empty() || !p.terms.is_empty())
        .take(PERSPECTIVES_SHOWN)
        .map(|p| PerspectiveItem {
            dimension: p.dimension.clone(),
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
                .map(|c| (c.text.clone(), citer.cites_with_sentences(&c.sources)))
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
        number,
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

/// The English name of a country code the map knows.
fn country_name(code: &str) -> Option<String> {
    parallax_views::is_country_code(code)
        .then(|| parallax_views::world_map().country(code))
        .flatten()
        .map(|c| c.name.clone())
        .filter(|n| !n.eq_ignore_ascii_case(code.trim()))
}

/// "4 copies of an AFP report", "1 copy of Good Wire's report".
fn fold_summary(copies: usize, agency: Option<&str>, outlet: &str) -> String {
    let n = format!("{copies} cop{}", if copies == 1 { "y" } else { "ies" });
    match agency.map(str::trim).filter(|a| !a.is_empty()) {
        Some(a) => {
            // An acronym is read letter by letter ("an AFP", "a DPA"), a word as written.
            let acronym = a.len() <= 5 && a.chars().all(|c| c.is_ascii_uppercase());
            let first = a.chars().next().unwrap_or('x').to_ascii_uppercase();
            let an = if acronym {
                "AEFHILMNORSX".contains(first)
            } else {
                "AEIOU".contains(first)
            };
            format!("{n} of {} {a} report", if an { "an" } else { "a" })
        }
        None => format!("{n} of {outlet}’s report"),
    }
}

/// An original's fold: its report's agency credit and its copies with their evidence.
type Fold = (Option<String>, Vec<(usize, String)>);
/// A country's articles with their folds, and (articles, copies folded).
type CountryEntries = (String, Vec<(usize, Option<FoldItem>)>, (usize, usize));

/// Every article grouped by the country of its outlet (most articles first, unknown last), then
/// by side when any outlet is rated; the other articles of an independent report (wire copies,
/// rewrites) folded under its original.
fn coverage_groups(
    view: &StoryView,
    items: Vec<ArticleItem>,
    citer: &Citer<'_>,
) -> Vec<CountryGroupItem> {
    let n = view.articles.len();
    let index: HashMap<&str, usize> = view
        .articles
        .iter()
        .enumerate()
        .map(|(i, a)| (a.id.as_str(), i))
        .collect();
    let mut is_copy = vec![false; n];
    // Original -> (agency, [(copy, evidence)]).
    let mut folds: HashMap<usize, Fold> = HashMap::new();
    for r in &view.intel.independence.reports {
        let Some(&o) = index.get(r.original.as_str()) else {
            continue;
        };
        if is_copy[o] {
            continue;
        }
        let mut members = Vec::new();
        for id in &r.articles {
            let Some(&i) = index.get(id.as_str()) else {
                continue;
            };
            if i == o || is_copy[i] || folds.contains_key(&i) {
                continue;
            }
            let evidence = r.copies.iter().find(|e| &e.copy == id).map_or_else(
                || "the same report".to_string(),
                |e| copy_evidence(e, citer),
            );
            is_copy[i] = true;
            members.push((i, evidence));
        }
        if !members.is_empty() {
            folds.insert(o, (r.agency.clone(), members));
        }
    }
    let mut slots: Vec<Option<ArticleItem>> = items.into_iter().map(Some).collect();
    // Country -> [(article, fold)], in the story's order.
    // Country -> (entries, (articles, copies folded)).
    let mut countries: Vec<CountryEntries> = Vec::new();
    for (i, &copy) in is_copy.iter().enumerate() {
        if copy {
            continue;
        }
        let fold = folds.remove(&i).map(|(agency, members)| FoldItem {
            summary: fold_summary(
                members.len(),
                agency.as_deref(),
                &view.articles[i].source_name,
            ),
            copies: members
                .into_iter()
                .filter_map(|(c, evidence)| {
                    Some(CopyEntry {
                        a: slots[c].take()?,
                        evidence,
                    })
                })
                .collect(),
        });
        let copies = fold.as_ref().map_or(0, |f| f.copies.len());
        let key = view.articles[i]
            .country
            .as_deref()
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .unwrap_or("unknown")
            .to_string();
        match countries.iter_mut().find(|(k, _, _)| *k == key) {
            Some((_, entries, count)) => {
                entries.push((i, fold));
                count.0 += 1;
                count.1 += copies;
            }
            None => countries.push((key, vec![(i, fold)], (1, copies))),
        }
    }
    countries.sort_by(|a, b| {
        (a.0 == "unknown")
            .cmp(&(b.0 == "unknown"))
            .then(b.2.0.cmp(&a.2.0))
            .then(b.2.1.cmp(&a.2.1))
            .then(a.0.cmp(&b.0))
    });
    countries
        .into_iter()
        .enumerate()
        .map(|(gi, (key, entries, count))| {
            let rated = entries
                .iter()
                .any(|(i, _)| view.articles[*i].bias.is_some());
            let mut sides: Vec<(Option<String>, Vec<EntryItem>)> = Vec::new();
            for (i, fold) in entries {
                let side = if rated {
                    Some(
                        view.articles[i]
                            .bias
                            .clone()
                            .unwrap_or_else(|| "unrated".to_string()),
                    )
                } else {
                    None
                };
                let Some(a) = slots[i].take() else {
                    continue;
                };
                let entry = EntryItem { a, fold };
                match sides.iter_mut().find(|(s, _)| *s == side) {
                    Some((_, v)) => v.push(entry),
                    None => sides.push((side, vec![entry])),
                }
            }
            sides.sort_by_key(|(s, _)| s.as_deref().map_or(0, bias_rank));
            let heading = if key == "unknown" {
                "Country unknown".to_string()
            } else {
                match country_name(&key) {
                    Some(name) => format!("{name} ({key})"),
                    None => key.clone(),
                }
            };
            CountryGroupItem {
                id: format!("cov-{}", gi + 1),
                heading,
                articles: count.0,
                copies: count.1,
                sides: sides
                    .into_iter()
                    .map(|(side, entries)| SideGroupItem {
                        label: side.map(|s| {
                            if s == "unrated" {
                                "Unrated outlets".to_string()
                            } else {
                                format!("Outlets rated {}", label(&s))
                            }
                        }),
                        entries,
                    })
                    .collect(),
            }
        })
        .collect()
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
        dates: articles.iter().map(|a| a.date.clone()).collect(),
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
    let mut intel = intel_items(view, &citer);
    let mut perspectives = std::mem::take(&mut intel.perspectives);
    let mut alternative: Vec<(&'static str, Vec<PerspectiveItem>)> = Vec::new();
    for (dim, heading) in [
        ("country", "By country"),
        ("region", "By region"),
        ("bias", "By side (bias rating of the outlets)"),
    ] {
        let (these, rest): (Vec<_>, Vec<_>) =
            perspectives.into_iter().partition(|p| p.dimension == dim);
        perspectives = rest;
        if !these.is_empty() {
            alternative.push((heading, these));
        }
    }
    if !perspectives.is_empty() {
        alternative.push(("Other groups", perspectives));
    }
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
    let countries: Vec<CountryTallyItem> = tally_items(&c.countries)
        .into_iter()
        .zip(&c.countries)
        .map(|(tally, t)| {
            let inferred = c
                .inferred_countries
                .iter()
                .find(|i| i.label == t.label)
                .map_or(0, |i| i.count);
            let code = t.label.trim();
            let known = parallax_views::is_country_code(code);
            CountryTallyItem {
                tally,
                inferred,
                name: country_name(code),
                href: known.then(|| format!("/country/{}", path_segment(&code.to_uppercase()))),
            }
        })
        .collect();
    let covering: std::collections::HashSet<String> = c
        .countries
        .iter()
        .filter(|t| t.count > 0)
        .map(|t| t.label.trim().to_ascii_uppercase())
        .collect();
    let world = parallax_views::world_map();
    let map = world
        .countries
        .iter()
        .filter_map(|m| {
            let on = covering.contains(&m.code);
            match &m.shape {
                MapShape::Path(d) => Some(MapShapeItem {
                    on,
                    path: d.clone(),
                    dot: false,
                    x: 0,
                    y: 0,
                    name: m.name.clone(),
                }),
                // Small countries are drawn only when they cover the story.
                MapShape::Dot { x, y } => on.then(|| MapShapeItem {
                    on,
                    path: String::new(),
                    dot: true,
                    x: *x,
                    y: *y,
                    name: m.name.clone(),
                }),
            }
        })
        .collect();
    let mut bias: Vec<&Tally> = c.bias.iter().collect();
    bias.sort_by_key(|t| bias_rank(&t.label));
    let mut ownership: Vec<&Tally> = c.ownership.iter().collect();
    ownership.sort_by_key(|t| t.label == "unknown");
    let reported_first = view.intel.timeline.first.as_ref().map(|p| FirstItem {
        cite: citer.cite(&p.article),
        outlet: citer.source_name(&p.article),
        at: show_time(&p.at),
        place: match (p.country.as_str(), p.region.as_str()) {
            ("unknown", "unknown") => None,
            ("unknown", region) => Some(format!("country unknown, {region}")),
            (country, region) => Some(format!("{country}, {region}")),
        },
    });
    let chart = timeline_chart(&view.intel.timeline);
    // Entities first, then key phrases.
    let topics = view
        .intel
        .entities
        .iter()
        .filter(|e| !e.key.trim().is_empty())
        .map(|e| TopicItem {
            href: format!("/topic/{}", path_segment(&e.key)),
            name: e.name.clone(),
            phrase: false,
        })
        .take(TOPICS_SHOWN - view.intel.phrases.len().min(TOPICS_SHOWN / 2))
        .chain(view.intel.phrases.iter().map(|p| TopicItem {
            href: format!("/topic/{}", path_segment(&p.key)),
            name: p.text.clone(),
            phrase: true,
        }))
        .take(TOPICS_SHOWN)
        .collect();
    let related = view
        .related
        .iter()
        .map(|r| RelatedItem {
            href: format!("/story/{}", path_segment(r.id.as_str())),
            title: r.title.clone(),
            shared_count: r.shared.len(),
            shared: r.shared.join(", "),
            last_updated: show_time(&r.last_updated),
        })
        .collect();
    let coverage = coverage_groups(view, articles, &citer);
    let page = StoryPage {
        title: view.title.clone(),
        title_translation: translation_item(&view.title_translation),
        bullets,
        article_count: view.articles.len().max(c.articles),
        source_count: c.sources,
        unknown_source_articles: c.unknown_source_articles,
        country_count: countries.iter().filter(|t| t.href.is_some()).count(),
        countries,
        countries_inferred: c.countries_inferred,
        languages: tally_items(&c.languages),
        bias: segments(
            "bias",
            bias.into_iter()
                .map(|t| (t.label.clone(), t.count, t.share)),
        ),
        bias_rated_by: view.bias_rated_by.join("; "),
        ratings: c
            .ratings
            .iter()
            .map(|d| RatingBarItem {
                dist: rating_dist_item(d, c.sources),
                segments: segments(
                    "rating",
                    d.tallies
                        .iter()
                        .map(|t| (t.label.clone(), t.count, t.share)),
                ),
            })
            .collect(),
        ownership: segments(
            "ownership",
            ownership
                .into_iter()
                .map(|t| (t.label.clone(), t.count, t.share)),
        ),
        reported_first,
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
        map_view_box: world.view_box.clone(),
        map,
        intel,
        alternative,
        gists,
        foreign_articles,
        chart,
        coverage,
        related,
        topics,
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
