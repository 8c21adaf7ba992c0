//! URL cleaning: resolution against the page URL and removal of tracking parameters.

use url::Url;

/// Query parameters that only track a visit and never change what a page shows.
fn is_tracking_param(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    n.starts_with("utm_")
        || n.starts_with("mc_")
        || n.starts_with("pk_")
        || n.starts_with("hsa_")
        || matches!(
            n.as_str(),
            "fbclid"
                | "gclid"
                | "gclsrc"
                | "dclid"
                | "msclkid"
                | "yclid"
                | "igshid"
                | "twclid"
                | "ttclid"
                | "wbraid"
                | "gbraid"
                | "_ga"
                | "_gl"
                | "_hsenc"
                | "_hsmi"
                | "mkt_tok"
                | "ocid"
                | "cmpid"
                | "ncid"
                | "sr_share"
                | "ref_src"
                | "ref_url"
                | "spm"
                | "smid"
                | "s_cid"
        )
}

/// Resolves `href` against `base` (when given), keeps only http(s), removes tracking parameters and
/// the fragment. `None` when it is not a usable web address.
pub fn clean_url(href: &str, base: Option<&str>) -> Option<String> {
    let href = href.trim();
    if href.is_empty() || href.len() > 4096 {
        return None;
    }
    let parsed = match base.and_then(|b| Url::parse(b.trim()).ok()) {
        Some(b) => b.join(href).ok()?,
        None => Url::parse(href).ok()?,
    };
    if !matches!(parsed.scheme(), "http" | "https") || parsed.host_str().is_none() {
        return None;
    }
    let mut url = parsed;
    url.set_fragment(None);
    if url.query().is_some() {
        let kept: Vec<(String, String)> = url
            .query_pairs()
            .filter(|(k, _)| !is_tracking_param(k))
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        if kept.is_empty() {
            url.set_query(None);
        } else {
            url.query_pairs_mut().clear().extend_pairs(kept);
        }
    }
    Some(url.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_tracking_and_resolves() {
        assert_eq!(
            clean_url(
                "/news/a?utm_source=x&id=3&fbclid=abc#top",
                Some("https://ex.com/b/c")
            )
            .as_deref(),
            Some("https://ex.com/news/a?id=3")
        );
        assert_eq!(
            clean_url("https://ex.com/a?gclid=1&utm_medium=2", None).as_deref(),
            Some("https://ex.com/a")
        );
        assert_eq!(
            clean_url("javascript:alert(1)", Some("https://ex.com/")),
            None
        );
        assert_eq!(clean_url("relative/only", None), None);
    }
}
