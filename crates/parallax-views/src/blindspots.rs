//! The blindspot feeds: stories a country's outlets miss, and stories one side covers alone.

use parallax_core::Store;
use parallax_intel::blindspots::{
    BlindspotConfig, CountryBlindspot, SideBlindspot, StoryCoverage, country_blindspots,
    side_blindspots,
};
use serde::Serialize;

/// The two blindspot feeds, as `GET /api/blindspots` returns them.
#[derive(Clone, Debug, PartialEq, Serialize, utoipa::ToSchema)]
pub struct BlindspotsView {
    /// The country of the first feed (ISO 3166-1 alpha-2, upper case).
    pub country: String,
    /// Stories covered widely abroad but little or not at all by that country's outlets.
    pub country_blindspots: Vec<CountryBlindspot>,
    /// Stories covered mostly by outlets of one side (rated left or right; unrated outlets never
    /// form a side).
    pub one_sided: Vec<SideBlindspot>,
    /// Recent stories looked at (those with a digest).
    pub stories_considered: usize,
    /// Of those, stories whose digest predates their last change (their counts may lag).
    pub stale_digests: usize,
    /// Outlets with a bias rating among the known sources: without ratings there is no side.
    pub rated_sources: usize,
}

/// The blindspot feeds for `country` over the [`crate::DIGEST_WINDOW`] most recently updated digested
/// stories, with the default thresholds.
pub fn blindspots_view(store: &dyn Store, country: &str) -> parallax_core::Result<BlindspotsView> {
    let digested = crate::shared::recent_digests(store)?;
    let stale = digested.iter().filter(|d| !d.is_current()).count();
    let coverage: Vec<StoryCoverage> = digested.iter().map(StoryCoverage::from_digest).collect();
    let cfg = BlindspotConfig::default();
    let country = country.trim().to_ascii_uppercase();
    Ok(BlindspotsView {
        country_blindspots: country_blindspots(&coverage, &country, &cfg),
        one_sided: side_blindspots(&coverage, &cfg),
        stories_considered: digested.len(),
        stale_digests: stale,
        rated_sources: store.sources()?.iter().filter(|s| s.bias.is_some()).count(),
        country,
    })
}

/// Whether `code` looks like an ISO 3166-1 alpha-2 country code.
pub fn is_country_code(code: &str) -> bool {
    let c = code.trim();
    c.len() == 2 && c.chars().all(|ch| ch.is_ascii_alphabetic())
}
