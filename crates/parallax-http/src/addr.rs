//! Which addresses are public, and the DNS resolver that only ever hands out checked ones.
//!
//! The resolver is what the HTTP connection actually uses, so the address checked is the
//! address connected to: a host cannot pass the check with one answer and be connected to a
//! private address with the next (DNS rebinding).

use std::error::Error as StdError;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

use reqwest::dns::{Name, Resolve, Resolving};

/// Whether `ip` is an address Parallax must not connect to unless private addresses are
/// allowed: loopback, private, link-local, unspecified, carrier-grade NAT, multicast,
/// broadcast, documentation, benchmarking and reserved ranges, and IPv6 forms that embed such
/// an IPv4 address (IPv4-mapped, IPv4-compatible, NAT64, 6to4), plus Teredo.
pub fn is_non_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => is_non_public_v4(v4),
        IpAddr::V6(v6) => is_non_public_v6(v6),
    }
}

fn is_non_public_v4(ip: Ipv4Addr) -> bool {
    let [a, b, c, _] = ip.octets();
    ip.is_loopback()
        || ip.is_private()
        || ip.is_link_local()
        || ip.is_unspecified()
        || ip.is_broadcast()
        || ip.is_multicast()
        || ip.is_documentation()
        || a == 0 // "this network"
        || (a == 100 && (64..128).contains(&b)) // carrier-grade NAT 100.64/10
        || (a == 192 && b == 0 && c == 0) // IETF protocol assignments 192.0.0/24
        || (a == 198 && (b == 18 || b == 19)) // benchmarking 198.18/15
        || a >= 240 // reserved 240/4
}

fn is_non_public_v6(ip: Ipv6Addr) -> bool {
    if let Some(v4) = ip.to_ipv4_mapped() {
        return is_non_public_v4(v4);
    }
    let seg = ip.segments();
    // IPv4-compatible ::a.b.c.d (deprecated) — but not :: and ::1, handled below.
    if seg[..6] == [0; 6] && !ip.is_unspecified() && !ip.is_loopback() {
        let v4 = Ipv4Addr::new(
            (seg[6] >> 8) as u8,
            seg[6] as u8,
            (seg[7] >> 8) as u8,
            seg[7] as u8,
        );
        return is_non_public_v4(v4);
    }
    // NAT64 64:ff9b::/96 embeds an IPv4 address in the last 32 bits.
    if seg[0] == 0x64 && seg[1] == 0xff9b && seg[2..6] == [0; 4] {
        let v4 = Ipv4Addr::new(
            (seg[6] >> 8) as u8,
            seg[6] as u8,
            (seg[7] >> 8) as u8,
            seg[7] as u8,
        );
        return is_non_public_v4(v4);
    }
    // 6to4 2002::/16 embeds an IPv4 address in bits 16..48.
    if seg[0] == 0x2002 {
        let v4 = Ipv4Addr::new(
            (seg[1] >> 8) as u8,
            seg[1] as u8,
            (seg[2] >> 8) as u8,
            seg[2] as u8,
        );
        return is_non_public_v4(v4);
    }
    ip.is_loopback()
        || ip.is_unspecified()
        || ip.is_multicast()
        || (seg[0] & 0xfe00) == 0xfc00 // unique local fc00::/7
        || (seg[0] & 0xffc0) == 0xfe80 // link-local fe80::/10
        || (seg[0] & 0xffc0) == 0xfec0 // site-local fec0::/10 (deprecated)
        || (seg[0] == 0x2001 && seg[1] == 0x0db8) // documentation 2001:db8::/32
        || (seg[0] == 0x2001 && seg[1] == 0) // Teredo 2001::/32
        || (seg[0] == 0x100 && seg[1..4] == [0; 3]) // discard-only 100::/64
}

/// Why the guarded resolver gave no address. Travels inside reqwest's error chain and is
/// recognised there.
#[derive(Debug)]
pub(crate) enum ResolveFailure {
    /// Every address the name resolved to is non-public; `addr` is the first of them.
    Blocked { addr: IpAddr },
    /// The lookup failed or found nothing.
    Lookup { reason: String },
}

impl std::fmt::Display for ResolveFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ResolveFailure::Blocked { addr } => {
                write!(f, "resolves only to the non-public address {addr}")
            }
            ResolveFailure::Lookup { reason } => write!(f, "{reason}"),
        }
    }
}

impl StdError for ResolveFailure {}

/// Finds a [`ResolveFailure`] anywhere in an error's source chain.
pub(crate) fn find_resolve_failure<'a>(
    err: &'a (dyn StdError + 'static),
) -> Option<&'a ResolveFailure> {
    let mut cur: Option<&(dyn StdError + 'static)> = Some(err);
    while let Some(e) = cur {
        if let Some(f) = e.downcast_ref::<ResolveFailure>() {
            return Some(f);
        }
        cur = e.source();
    }
    None
}

/// The DNS resolver the HTTP connections use: the system resolver, with non-public addresses
/// dropped unless they are allowed.
#[derive(Debug, Clone, Copy)]
pub(crate) struct GuardedResolver {
    pub(crate) allow_private: bool,
}

impl Resolve for GuardedResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let host = name.as_str().to_string();
        let allow_private = self.allow_private;
        Box::pin(async move {
            let found: Vec<SocketAddr> = match tokio::net::lookup_host((host.as_str(), 0)).await {
                Ok(addrs) => addrs.collect(),
                Err(e) => {
                    return Err(Box::new(ResolveFailure::Lookup {
                        reason: e.to_string(),
                    }) as _);
                }
            };
            if found.is_empty() {
                return Err(Box::new(ResolveFailure::Lookup {
                    reason: format!("{host} has no address"),
                }) as _);
            }
            if allow_private {
                return Ok(Box::new(found.into_iter()) as _);
            }
            let public: Vec<SocketAddr> = found
                .iter()
                .copied()
                .filter(|a| !is_non_public(a.ip()))
                .collect();
            if public.is_empty() {
                return Err(Box::new(ResolveFailure::Blocked {
                    addr: found[0].ip(),
                }) as _);
            }
            Ok(Box::new(public.into_iter()) as _)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn blocked(s: &str) -> bool {
        is_non_public(s.parse().unwrap())
    }

    #[test]
    fn non_public_addresses_are_recognised() {
        for s in [
            "127.0.0.1",
            "127.9.9.9",
            "10.1.2.3",
            "172.16.0.1",
            "172.31.255.255",
            "192.168.1.1",
            "169.254.169.254",
            "0.0.0.0",
            "0.1.2.3",
            "100.64.0.1",
            "100.127.255.255",
            "224.0.0.1",
            "255.255.255.255",
            "192.0.2.1",
            "198.18.0.1",
            "240.0.0.1",
            "192.0.0.8",
            "::1",
            "::",
            "fc00::1",
            "fd12:3456::1",
            "fe80::1",
            "febf::1",
            "ff02::1",
            "::ffff:127.0.0.1",
            "::ffff:10.0.0.1",
            "::ffff:169.254.169.254",
            "::127.0.0.1",
            "64:ff9b::a00:1",
            "2002:7f00:1::",
            "2002:c0a8:101::1",
            "2001:db8::1",
            "2001:0:1::1",
            "100::1",
        ] {
            assert!(blocked(s), "{s} should be non-public");
        }
        for s in [
            "8.8.8.8",
            "1.1.1.1",
            "93.184.216.34",
            "172.32.0.1",
            "100.128.0.1",
            "192.169.0.1",
            "2606:4700::1111",
            "2a00:1450::1",
            "::ffff:8.8.8.8",
            "64:ff9b::808:808",
            "2002:808:808::",
        ] {
            assert!(!blocked(s), "{s} should be public");
        }
    }

    #[tokio::test]
    async fn the_resolver_refuses_localhost_unless_allowed() {
        let guarded = GuardedResolver {
            allow_private: false,
        };
        let err = match guarded.resolve("localhost".parse().unwrap()).await {
            Ok(_) => panic!("localhost must be refused"),
            Err(e) => e,
        };
        assert!(matches!(
            find_resolve_failure(&*err),
            Some(ResolveFailure::Blocked { .. })
        ));
        let open = GuardedResolver {
            allow_private: true,
        };
        assert!(open.resolve("localhost".parse().unwrap()).await.is_ok());
    }
}
