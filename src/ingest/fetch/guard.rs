//! The address guard: keeps watchlist URLs from reaching the server's own network (SSRF).
//!
//! Checked where it cannot be dodged: on the addresses a host name resolves to, at connect
//! time (so DNS rebinding gains nothing), and on IP-literal URLs before the first request and
//! on every redirect hop.
//!
//! What passes ([`Guard::permits`]), first rule that applies:
//! 1. an address in one of `http.allowed_networks` (CIDR), which is how an intranet feed is
//!    allowed without turning the guard off;
//! 2. never a link-local address (169.254.0.0/16, fe80::/10) or a cloud metadata address
//!    (fd00:ec2::254), even with `allow_private_networks`: those hand out credentials;
//! 3. any other address when `http.allow_private_networks` is on (tests on loopback);
//! 4. otherwise globally routable unicast addresses only ([`is_public`]).

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::Arc;

use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use url::{Host, Url};

pub use crate::settings::units::Network;
use crate::settings::units::unmapped;

/// Refusal to connect to a non-public address.
#[derive(Debug, thiserror::Error)]
#[error(
    "refused to connect to {host} ({ip}): private, loopback or link-local address (list its network in http.allowed_networks to allow it)"
)]
pub struct Blocked {
    pub host: String,
    pub ip: IpAddr,
}

/// Whether `ip` is a globally routable unicast address.
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => is_public_v4(v4),
        IpAddr::V6(v6) => is_public_v6(v6),
    }
}

fn is_public_v4(ip: Ipv4Addr) -> bool {
    let [a, b, c, _] = ip.octets();
    !(ip.is_unspecified()
        || ip.is_loopback()
        || ip.is_private()
        || ip.is_link_local()
        || ip.is_broadcast()
        || ip.is_documentation()
        || ip.is_multicast()
        || a == 0                                 // "this network"
        || (a == 100 && (64..128).contains(&b))   // CGNAT 100.64/10
        || (a == 192 && b == 0 && c == 0)         // IETF protocol assignments
        || (a == 198 && (b == 18 || b == 19))     // benchmarking
        || a >= 240) // reserved
}

fn is_public_v6(ip: Ipv6Addr) -> bool {
    if let Some(v4) = embedded_v4(ip) {
        return is_public_v4(v4);
    }
    let s = ip.segments();
    !(ip.is_unspecified()
        || ip.is_loopback()
        || ip.is_multicast()
        || (s[0] & 0xfe00) == 0xfc00      // unique local fc00::/7
        || (s[0] & 0xffc0) == 0xfe80      // link-local fe80::/10
        || (s[0] & 0xffc0) == 0xfec0      // site-local (deprecated) fec0::/10
        || (s[0] == 0x2001 && s[1] == 0x0db8) // documentation
        || s[0] == 0x0100 && s[1..4] == [0, 0, 0]) // discard-only 100::/64
}

/// The IPv4 address inside an IPv4-mapped (`::ffff:a.b.c.d`), IPv4-compatible (`::a.b.c.d`),
/// NAT64 (`64:ff9b::/96`) or 6to4 (`2002::/16`) address.
fn embedded_v4(ip: Ipv6Addr) -> Option<Ipv4Addr> {
    let s = ip.segments();
    let tail = || Ipv4Addr::new((s[6] >> 8) as u8, s[6] as u8, (s[7] >> 8) as u8, s[7] as u8);
    if let Some(v4) = ip.to_ipv4_mapped() {
        return Some(v4);
    }
    if s[..6] == [0, 0, 0, 0, 0, 0] && !(s[6] == 0 && s[7] <= 1) {
        return Some(tail());
    }
    if s[0] == 0x64 && s[1] == 0xff9b && s[2..6] == [0, 0, 0, 0] {
        return Some(tail());
    }
    if s[0] == 0x2002 {
        return Some(Ipv4Addr::new(
            (s[1] >> 8) as u8,
            s[1] as u8,
            (s[2] >> 8) as u8,
            s[2] as u8,
        ));
    }
    None
}

/// Link-local and cloud metadata addresses: refused unless a listed network holds them.
fn always_refused(ip: IpAddr) -> bool {
    match unmapped(ip) {
        IpAddr::V4(v4) => v4.is_link_local(),
        IpAddr::V6(v6) => {
            (v6.segments()[0] & 0xffc0) == 0xfe80
                || v6 == Ipv6Addr::new(0xfd00, 0xec2, 0, 0, 0, 0, 0, 0x254)
                || embedded_v4(v6).is_some_and(|v4| v4.is_link_local())
        }
    }
}

/// Which destinations fetches may reach (see the module's rules).
#[derive(Debug, Clone, Default)]
pub struct Guard {
    pub allow_private: bool,
    pub allowed: Vec<Network>,
}

impl Guard {
    /// Whether a connection to `ip` is allowed.
    pub fn permits(&self, ip: IpAddr) -> bool {
        if self.allowed.iter().any(|n| n.contains(ip)) {
            return true;
        }
        if always_refused(ip) {
            return false;
        }
        self.allow_private || is_public(ip)
    }
}

/// Checks a URL whose host is an IP literal (no DNS lookup happens for those, so the
/// resolver never sees them). Host names pass here and are checked by [`GuardedResolver`].
pub fn check_literal(url: &Url, guard: &Guard) -> Result<(), Blocked> {
    let ip = match url.host() {
        Some(Host::Ipv4(v4)) => IpAddr::V4(v4),
        Some(Host::Ipv6(v6)) => IpAddr::V6(v6),
        _ => return Ok(()),
    };
    if guard.permits(ip) {
        Ok(())
    } else {
        Err(Blocked {
            host: url.host_str().unwrap_or_default().to_string(),
            ip,
        })
    }
}

/// A DNS resolver that drops the addresses the guard refuses, and fails when nothing is
/// left.
#[derive(Debug, Clone)]
pub struct GuardedResolver {
    pub guard: Arc<Guard>,
}

impl Resolve for GuardedResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let guard = self.guard.clone();
        Box::pin(async move {
            let host = name.as_str().to_string();
            let all: Vec<SocketAddr> = tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            let kept: Vec<SocketAddr> = all
                .iter()
                .copied()
                .filter(|a| guard.permits(a.ip()))
                .collect();
            match (kept.is_empty(), all.first()) {
                (false, _) => Ok(Box::new(kept.into_iter()) as Addrs),
                (true, Some(first)) => Err(Box::new(Blocked {
                    host,
                    ip: first.ip(),
                }) as _),
                (true, None) => Err(format!("{host} resolved to no address").into()),
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn public(s: &str) -> bool {
        is_public(s.parse().unwrap())
    }

    #[test]
    fn private_and_special_addresses_are_refused() {
        for ip in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "255.255.255.255",
            "224.0.0.1",
            "192.0.0.8",
            "198.18.0.1",
            "240.0.0.1",
            "::1",
            "::",
            "fc00::1",
            "fd12:3456::1",
            "fe80::1",
            "ff02::1",
            "::ffff:127.0.0.1",
            "::ffff:10.0.0.1",
            "64:ff9b::a9fe:a9fe",
            "2002:c0a8:0101::1",
            "2001:db8::1",
        ] {
            assert!(!public(ip), "{ip} must be refused");
        }
    }

    #[test]
    fn public_addresses_pass() {
        for ip in [
            "1.1.1.1",
            "93.184.216.34",
            "100.128.0.1",
            "2606:4700::1111",
            "::ffff:8.8.8.8",
            "64:ff9b::808:808",
        ] {
            assert!(public(ip), "{ip} must pass");
        }
    }

    fn guard(allow_private: bool, allowed: &[&str]) -> Guard {
        Guard {
            allow_private,
            allowed: allowed.iter().map(|n| n.parse().unwrap()).collect(),
        }
    }

    #[test]
    fn ip_literal_urls_are_checked_unless_allowed() {
        let u = Url::parse("http://127.0.0.1:8080/feed").unwrap();
        assert!(check_literal(&u, &guard(false, &[])).is_err());
        assert!(check_literal(&u, &guard(true, &[])).is_ok());
        assert!(check_literal(&u, &guard(false, &["127.0.0.0/8"])).is_ok());
        let u = Url::parse("http://[::ffff:192.168.0.1]/").unwrap();
        assert!(check_literal(&u, &guard(false, &[])).is_err());
        assert!(check_literal(&u, &guard(false, &["192.168.0.0/24"])).is_ok());
        let u = Url::parse("https://example.com/").unwrap();
        assert!(check_literal(&u, &guard(false, &[])).is_ok());
    }

    #[test]
    fn an_allowed_network_lets_in_its_addresses_and_no_other() {
        let g = guard(false, &["10.1.0.0/16", "fd12:3456::/32"]);
        let ok = |s: &str| g.permits(s.parse().unwrap());
        assert!(ok("10.1.200.3"));
        assert!(ok("::ffff:10.1.0.1"));
        assert!(ok("fd12:3456:1::1"));
        assert!(!ok("10.2.0.1"));
        assert!(!ok("192.168.1.1"));
        assert!(!ok("fd12:3457::1"));
        assert!(!ok("127.0.0.1"));
        assert!(ok("93.184.216.34"), "public addresses still pass");
    }

    #[test]
    fn link_local_and_metadata_stay_refused_unless_listed() {
        let open = guard(true, &[]);
        for ip in [
            "169.254.169.254",
            "fd00:ec2::254",
            "fe80::1",
            "::ffff:169.254.169.254",
        ] {
            assert!(!open.permits(ip.parse().unwrap()), "{ip}");
        }
        assert!(open.permits("127.0.0.1".parse().unwrap()));
        assert!(open.permits("10.0.0.1".parse().unwrap()));
        let listed = guard(false, &["169.254.169.254/32", "fd00:ec2::254"]);
        assert!(listed.permits("169.254.169.254".parse().unwrap()));
        assert!(listed.permits("fd00:ec2::254".parse().unwrap()));
        assert!(!listed.permits("169.254.0.1".parse().unwrap()));
    }

    #[tokio::test]
    async fn resolver_refuses_names_that_resolve_to_loopback() {
        let r = GuardedResolver {
            guard: Arc::new(guard(false, &[])),
        };
        let err = r
            .resolve("localhost".parse().unwrap())
            .await
            .err()
            .expect("refused");
        assert!(
            err.to_string().contains("refused to connect to localhost"),
            "{err}"
        );
        let r = GuardedResolver {
            guard: Arc::new(guard(true, &[])),
        };
        assert!(r.resolve("localhost".parse().unwrap()).await.is_ok());
    }
}
