use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::fmt;

/// Hex SHA-256 of `data`, full length. Used as an article's content hash.
pub fn content_hash(data: &str) -> String {
    let digest = Sha256::digest(data.as_bytes());
    hex(&digest)
}

/// First 16 hex digits (64 bits) of the SHA-256 of `data`: the body of every stable id.
pub fn short_hash(data: &str) -> String {
    let digest = Sha256::digest(data.as_bytes());
    hex(&digest[..8])
}

fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(DIGITS[(b >> 4) as usize] as char);
        s.push(DIGITS[(b & 0xf) as usize] as char);
    }
    s
}

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident, $prefix:literal) => {
        $(#[$doc])*
        #[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, utoipa::ToSchema)]
        #[serde(transparent)]
        pub struct $name(pub String);

        impl $name {
            /// The id derived from `key`: a prefix and 16 hex digits of its SHA-256, so the same key
            /// always gives the same id, on every machine and in every store.
            pub fn from_key(key: &str) -> Self {
                Self(format!("{}{}", $prefix, short_hash(key)))
            }

            /// The id as text.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl From<&str> for $name {
            fn from(s: &str) -> Self {
                Self(s.to_string())
            }
        }
    };
}

id_type!(
    /// Stable id of a source: derived from its home page host (or its name when it has none).
    SourceId,
    "src-"
);
id_type!(
    /// Stable id of an article: derived from its canonical URL, or from its content hash when the
    /// document has no URL (a local file).
    ArticleId,
    "art-"
);
id_type!(
    /// Stable id of a story: derived from the id of the article that started it.
    StoryId,
    "sto-"
);

/// The site a URL belongs to, as Parallax keys sources: the lower-case host without a leading
/// `www.`, with the port when it is not the scheme's default (two servers on one host are two
/// sites). `None` for a URL without a host.
pub fn site_key(url: &str) -> Option<String> {
    let u = url::Url::parse(url).ok()?;
    let host = u.host_str()?.to_ascii_lowercase();
    let host = host.strip_prefix("www.").unwrap_or(&host);
    Some(match u.port() {
        Some(port) => format!("{host}:{port}"),
        None => host.to_string(),
    })
}

impl SourceId {
    /// The id of the source whose site is the one of `url` (see [`site_key`]).
    pub fn for_site(url: &str) -> Option<Self> {
        site_key(url).map(|k| Self::from_key(&k))
    }

    /// The placeholder source of documents whose outlet is not known (a text file with no URL).
    /// Coverage counts its articles apart and never as a distinct source.
    pub fn unknown() -> Self {
        Self("src-unknown".to_string())
    }

    /// Whether this is [`SourceId::unknown`].
    pub fn is_unknown(&self) -> bool {
        self.0 == "src-unknown"
    }
}

impl StoryId {
    /// The id of the story started by `seed`.
    pub fn from_seed(seed: &ArticleId) -> Self {
        Self::from_key(seed.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn site_keys() {
        assert_eq!(
            site_key("https://www.Example.com/a?b").as_deref(),
            Some("example.com")
        );
        assert_eq!(
            site_key("https://example.com:443/").as_deref(),
            Some("example.com")
        );
        assert_eq!(
            site_key("http://127.0.0.1:8080/x").as_deref(),
            Some("127.0.0.1:8080")
        );
        assert_eq!(site_key("not a url"), None);
        assert_eq!(
            SourceId::for_site("https://www.example.com/"),
            Some(SourceId::from_key("example.com"))
        );
    }

    #[test]
    fn ids_are_stable_and_prefixed() {
        let a = ArticleId::from_key("https://example.com/a");
        assert_eq!(a, ArticleId::from_key("https://example.com/a"));
        assert_ne!(a, ArticleId::from_key("https://example.com/b"));
        assert!(a.as_str().starts_with("art-"));
        assert_eq!(a.as_str().len(), 4 + 16);
        assert_eq!(
            content_hash("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
