//! URL canonicalisation.

use url::Url;

/// Exact (case-insensitive) query keys that only track the reader and never select content.
const TRACKING_KEYS: &[&str] = &[
    "fbclid",
    "gclid",
    "gclsrc",
    "dclid",
    "msclkid",
    "yclid",
    "twclid",
    "mc_cid",
    "mc_eid",
    "igshid",
    "ocid",
    "cmpid",
    "cmp",
    "_ga",
    "_gl",
    "ref_src",
    "ref_url",
    "xtor",
    "at_medium",
    "at_campaign",
    "at_custom1",
    "at_custom2",
    "at_custom3",
    "at_custom4",
    "ns_mchannel",
    "ns_source",
    "ns_campaign",
    "ns_linkname",
    "ns_fee",
    "smid",
    "smtyp",
    "wt.mc_id",
    "wt_mc",
    "_hsenc",
    "_hsmi",
    "mkt_tok",
    "oly_enc_id",
    "oly_anon_id",
    "vero_id",
    "__twitter_impression",
    "s_cid",
    "sr_share",
];

/// Whether a query parameter name is a known tracking parameter (`utm_*`, `fbclid`, `gclid`,
/// `mc_cid`, `mc_eid`, `igshid`, `ocid`, `cmpid`, `_ga`, `ref_src`, `xtor`, ...), case-insensitively.
pub fn is_tracking_param(key: &str) -> bool {
    let k = key.trim().to_ascii_lowercase();
    k.starts_with("utm_") || TRACKING_KEYS.contains(&k.as_str())
}

/// Canonicalises `url`, resolving it against `base` when it is relative.
///
/// Lowercases scheme and host (IDNs become punycode), drops the fragment, default ports and
/// tracking query parameters (see [`is_tracking_param`]), removes an empty query, and keeps every
/// other query parameter verbatim and in order (nothing is sorted). Surrounding whitespace is
/// ignored. Returns `None` for non-`http(s)` URLs, URLs without a host, or anything unparsable.
///
/// Idempotent: `canonical_url(&canonical_url(x, b)?, None) == canonical_url(x, b)`.
pub fn canonical_url(url: &str, base: Option<&str>) -> Option<String> {
    let mut current = canonical_once(url, base)?;
    // Guard against rare non-idempotent serialisations in URL parsing: iterate to a fixed point.
    for _ in 0..4 {
        let next = canonical_once(&current, None)?;
        if next == current {
            return Some(current);
        }
        current = next;
    }
    None
}

fn canonical_once(url: &str, base: Option<&str>) -> Option<String> {
    let s = url.trim();
    if s.is_empty() {
        return None;
    }
    let mut u = match Url::parse(s) {
        Ok(u) => u,
        Err(url::ParseError::RelativeUrlWithoutBase) => {
            let base = Url::parse(base?.trim()).ok()?;
            base.join(s).ok()?
        }
        Err(_) => return None,
    };
    if !matches!(u.scheme(), "http" | "https") {
        return None;
    }
    match u.host_str() {
        Some(h) if !h.is_empty() => {}
        _ => return None,
    }
    u.set_fragment(None);
    if let Some(query) = u.query() {
        let kept: Vec<&str> = query
            .split('&')
            .filter(|piece| !piece.is_empty())
            .filter(|piece| {
                let raw_key = piece.split('=').next().unwrap_or("");
                let decoded_key = url::form_urlencoded::parse(raw_key.as_bytes())
                    .next()
                    .map(|(k, _)| k.into_owned())
                    .unwrap_or_default();
                !is_tracking_param(raw_key) && !is_tracking_param(&decoded_key)
            })
            .collect();
        if kept.is_empty() {
            u.set_query(None);
        } else {
            let joined = kept.join("&");
            u.set_query(Some(&joined));
        }
    }
    Some(u.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonicalises() {
        let c = |u: &str| canonical_url(u, None);
        assert_eq!(
            c("HTTPS://Example.COM:443/a/b?utm_source=x&id=3&fbclid=1#top").as_deref(),
            Some("https://example.com/a/b?id=3")
        );
        assert_eq!(
            c("http://example.com:80").as_deref(),
            Some("http://example.com/")
        );
        assert_eq!(
            c("http://example.com:8080/x").as_deref(),
            Some("http://example.com:8080/x")
        );
        assert_eq!(
            c("https://example.com/?utm_medium=rss").as_deref(),
            Some("https://example.com/")
        );
        assert_eq!(
            c("https://example.com/?b=2&a=1").as_deref(),
            Some("https://example.com/?b=2&a=1")
        );
        assert_eq!(
            c("  \n https://example.com/x \n").as_deref(),
            Some("https://example.com/x")
        );
        assert_eq!(c("mailto:a@example.com"), None);
        assert_eq!(c("javascript:alert(1)"), None);
        assert_eq!(c("/relative"), None);
        assert_eq!(c("http://"), None);
        assert_eq!(c(""), None);
    }

    #[test]
    fn resolves_relative() {
        let base = Some("https://news.example.org/world/feed.xml");
        assert_eq!(
            canonical_url("story-1.html", base).as_deref(),
            Some("https://news.example.org/world/story-1.html")
        );
        assert_eq!(
            canonical_url("//cdn.example.org/a", base).as_deref(),
            Some("https://cdn.example.org/a")
        );
        assert_eq!(canonical_url("", base), None);
        assert_eq!(canonical_url("x", Some("not a url")), None);
    }
}
