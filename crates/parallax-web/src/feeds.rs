//! Atom feeds of the blindspot lists, for feed readers: `/blindspots/country.atom?country=CC` and
//! `/blindspots/one-sided.atom`. Every text from articles is escaped, and characters XML 1.0 does
//! not allow are dropped; links are relative to the feed's own address.

use crate::BlindspotsView;
use crate::escape::escape_html;
use chrono::{DateTime, Utc};

/// Text fit for an XML element or attribute: escaped, without the control characters XML 1.0
/// forbids.
fn xml(s: &str) -> String {
    let clean: String = s
        .chars()
        .filter(|c| !c.is_control() || matches!(c, '\t' | '\n' | '\r'))
        .filter(|c| !matches!(c, '\u{FFFE}' | '\u{FFFF}'))
        .collect();
    escape_html(&clean)
}

struct Entry {
    id: String,
    title: String,
    href: String,
    summary: String,
    updated: DateTime<Utc>,
}

fn feed(id: &str, title: &str, self_href: &str, entries: &[Entry]) -> String {
    let updated = entries
        .iter()
        .map(|e| e.updated)
        .max()
        .unwrap_or(DateTime::UNIX_EPOCH);
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    out.push_str("<feed xmlns=\"http://www.w3.org/2005/Atom\">\n");
    out.push_str(&format!("  <id>{}</id>\n", xml(id)));
    out.push_str(&format!("  <title>{}</title>\n", xml(title)));
    out.push_str(&format!("  <updated>{}</updated>\n", updated.to_rfc3339()));
    out.push_str(&format!(
        "  <link rel=\"self\" href=\"{}\"/>\n",
        xml(self_href)
    ));
    out.push_str("  <author><name>Parallax</name></author>\n");
    for e in entries {
        out.push_str("  <entry>\n");
        out.push_str(&format!("    <id>{}</id>\n", xml(&e.id)));
        out.push_str(&format!("    <title>{}</title>\n", xml(&e.title)));
        out.push_str(&format!(
            "    <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n",
            xml(&e.href)
        ));
        out.push_str(&format!(
            "    <updated>{}</updated>\n",
            e.updated.to_rfc3339()
        ));
        out.push_str(&format!(
            "    <summary type=\"text\">{}</summary>\n",
            xml(&e.summary)
        ));
        out.push_str("  </entry>\n");
    }
    out.push_str("</feed>\n");
    out
}

/// The country blindspot feed of `view`.
pub fn country_feed(view: &BlindspotsView) -> String {
    let entries: Vec<Entry> = view
        .country_blindspots
        .iter()
        .map(|b| Entry {
            id: format!("urn:parallax:blindspot:{}:{}", view.country, b.story),
            title: b.title.clone(),
            href: format!("../story/{}", crate::pages::path_segment(b.story.as_str())),
            summary: format!(
                "Covered by {} outlets in {} other countries and {} in {}.",
                b.abroad_sources, b.abroad_countries, b.home_sources, view.country
            ),
            updated: b.last_updated,
        })
        .collect();
    feed(
        &format!("urn:parallax:blindspots:{}", view.country),
        &format!(
            "Parallax: covered abroad, little or not at all in {}",
            view.country
        ),
        &format!("country.atom?country={}", view.country),
        &entries,
    )
}

/// The one-sided stories feed of `view`.
pub fn one_sided_feed(view: &BlindspotsView) -> String {
    use parallax_intel::blindspots::Side;
    let entries: Vec<Entry> = view
        .one_sided
        .iter()
        .map(|b| {
            let (by, missing) = match b.covered_by {
                Side::Left => ("left", "right"),
                Side::Right => ("right", "left"),
            };
            Entry {
                id: format!("urn:parallax:one-sided:{}", b.story),
                title: b.title.clone(),
                href: format!("../story/{}", crate::pages::path_segment(b.story.as_str())),
                summary: format!(
                    "Covered mostly by the {by} ({:.0}% of rated left and right outlets), missed by the {missing}: left {}, center {}, right {}, unrated {}.",
                    b.share * 100.0,
                    b.left,
                    b.center,
                    b.right,
                    b.unrated
                ),
                updated: b.last_updated,
            }
        })
        .collect();
    feed(
        "urn:parallax:one-sided",
        "Parallax: stories covered mostly by one side",
        "one-sided.atom",
        &entries,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_are_escaped_and_link_to_their_stories() {
        use parallax_intel::blindspots::{CountryBlindspot, Side, SideBlindspot};
        let at = DateTime::parse_from_rfc3339("2025-07-04T10:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        let view = BlindspotsView {
            country: "US".into(),
            country_blindspots: vec![CountryBlindspot {
                story: parallax_core::StoryId::from("sto-1"),
                title: "Flood <script>alert(1)</script> & more\u{0}".into(),
                country: "US".into(),
                home_sources: 0,
                abroad_sources: 6,
                abroad_countries: 4,
                home_share: 0.0,
                last_updated: at,
            }],
            one_sided: vec![SideBlindspot {
                story: parallax_core::StoryId::from("sto-2"),
                title: "Budget <b>vote</b>".into(),
                covered_by: Side::Right,
                left: 0,
                center: 1,
                right: 5,
                unrated: 2,
                share: 1.0,
                last_updated: at,
            }],
            stories_considered: 2,
            stale_digests: 0,
            rated_sources: 6,
        };
        let atom = country_feed(&view);
        assert!(
            atom.contains("<title>Flood &lt;script&gt;alert(1)&lt;/script&gt; &amp; more</title>"),
            "{atom}"
        );
        assert!(atom.contains("href=\"../story/sto-1\""), "{atom}");
        assert!(
            atom.contains("<updated>2025-07-04T10:00:00+00:00</updated>"),
            "{atom}"
        );
        assert!(!atom.contains('\u{0}'));
        let atom = one_sided_feed(&view);
        assert!(
            atom.contains("<title>Budget &lt;b&gt;vote&lt;/b&gt;</title>"),
            "{atom}"
        );
        assert!(atom.contains("missed by the left"), "{atom}");
    }

    #[test]
    fn xml_text_is_escaped_and_clean() {
        assert_eq!(
            xml("a <b> & \"c\"\u{0}\u{1b}"),
            "a &lt;b&gt; &amp; &quot;c&quot;"
        );
        assert_eq!(xml("line\nnext"), "line\nnext");
    }
}
