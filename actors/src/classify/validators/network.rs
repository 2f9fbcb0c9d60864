//! Network identifiers: IP and MAC addresses, e-mail addresses and http(s) URLs.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// Strips a `/prefix` CIDR suffix when it is a number no larger than `max`.
fn strip_cidr(v: &str, max: u8) -> Option<&str> {
    match v.split_once('/') {
        None => Some(v),
        Some((addr, len)) => {
            let ok = !len.is_empty()
                && len.len() <= 3
                && len.chars().all(|c| c.is_ascii_digit())
                && len.parse::<u8>().is_ok_and(|l| l <= max);
            ok.then_some(addr)
        }
    }
}

/// An IPv4 address in dotted-quad form, optionally with a CIDR suffix. Rejected because
/// that is how 4-part version strings look: `0.x.x.x` (never a host address) and addresses
/// whose four parts are all single digits (`1.0.2.3`; loses `8.8.8.8` and `1.1.1.1`, which
/// a column of real addresses survives).
pub(crate) fn ipv4(v: &str) -> bool {
    strip_cidr(v, 32)
        .and_then(|a| a.parse::<Ipv4Addr>().ok())
        .is_some_and(|ip| {
            let o = ip.octets();
            o[0] != 0 && o.iter().any(|x| *x >= 10)
        })
}

/// An IPv6 address (std parsing, so every textual form including embedded IPv4),
/// optionally with a CIDR suffix; the unspecified address `::` is rejected.
pub(crate) fn ipv6(v: &str) -> bool {
    v.contains(':')
        && strip_cidr(v, 128)
            .and_then(|a| a.parse::<Ipv6Addr>().ok())
            .is_some_and(|ip| !ip.is_unspecified())
}

/// An IPv4 or IPv6 address.
pub(crate) fn ip_address(v: &str) -> bool {
    ipv4(v) || ipv6(v)
}

/// A MAC address: six hex octets separated by `:` or `-` (one kind), or Cisco's
/// `xxxx.xxxx.xxxx`; the all-zero placeholder is rejected.
pub(crate) fn mac_address(v: &str) -> bool {
    let hex: String = v.chars().filter(|c| c.is_ascii_hexdigit()).collect();
    if hex.len() != 12 || hex.chars().all(|c| c == '0') {
        return false;
    }
    let seps: Vec<char> = v.chars().filter(|c| !c.is_ascii_hexdigit()).collect();
    let parts: Vec<&str> = v.split(|c: char| !c.is_ascii_hexdigit()).collect();
    match seps.first() {
        Some(&s @ (':' | '-')) => {
            seps.len() == 5 && seps.iter().all(|c| *c == s) && parts.iter().all(|p| p.len() == 2)
        }
        Some('.') => {
            seps.len() == 2 && seps.iter().all(|c| *c == '.') && parts.iter().all(|p| p.len() == 4)
        }
        _ => false,
    }
}

/// A plausible e-mail address (the regex checked the character classes): local part of at
/// most 64 chars without leading, trailing or doubled dots; domain labels of 1–63 chars not
/// starting or ending with `-`; at least two labels.
pub(crate) fn email(v: &str) -> bool {
    let Some((local, domain)) = v.rsplit_once('@') else {
        return false;
    };
    if local.is_empty()
        || local.chars().count() > 64
        || v.chars().count() > 254
        || local.starts_with('.')
        || local.ends_with('.')
        || local.contains("..")
    {
        return false;
    }
    let labels: Vec<&str> = domain.split('.').collect();
    labels.len() >= 2
        && labels.iter().all(|l| {
            let n = l.chars().count();
            (1..=63).contains(&n) && !l.starts_with('-') && !l.ends_with('-')
        })
}

/// An http(s) URL whose host is a dotted domain with an alphabetic TLD, `localhost`, an
/// IPv4 address or a bracketed IPv6 address; an optional port must be a valid number.
pub(crate) fn http_url(v: &str) -> bool {
    let Some((scheme, rest)) = v.split_once("://") else {
        return false;
    };
    if !scheme.eq_ignore_ascii_case("http") && !scheme.eq_ignore_ascii_case("https") {
        return false;
    }
    if v.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return false;
    }
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let (host, port) = split_host_port(host_port);
    if port.is_some_and(|p| p.is_empty() || p.len() > 5 || p.parse::<u16>().is_err()) {
        return false;
    }
    if let Some(inner) = host.strip_prefix('[').and_then(|h| h.strip_suffix(']')) {
        return inner.parse::<Ipv6Addr>().is_ok();
    }
    if host.eq_ignore_ascii_case("localhost") || host.parse::<IpAddr>().is_ok() {
        return true;
    }
    let labels: Vec<&str> = host.split('.').collect();
    labels.len() >= 2
        && labels.iter().all(|l| {
            let n = l.chars().count();
            (1..=63).contains(&n)
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.chars().all(|c| c.is_alphanumeric() || c == '-')
        })
        && labels.last().is_some_and(|tld| {
            tld.chars().count() >= 2
                && (tld.chars().all(char::is_alphabetic)
                    || tld.to_ascii_lowercase().starts_with("xn--"))
        })
}

/// Splits `host[:port]`, keeping a bracketed IPv6 host whole.
pub(crate) fn split_host_port(hp: &str) -> (&str, Option<&str>) {
    if hp.starts_with('[') {
        return match hp.find(']') {
            Some(end) => {
                let (host, rest) = hp.split_at(end + 1);
                (host, rest.strip_prefix(':'))
            }
            None => (hp, None),
        };
    }
    match hp.rsplit_once(':') {
        Some((h, p)) => (h, Some(p)),
        None => (hp, None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ip_addresses() {
        for ok in [
            "192.168.1.10",
            "8.8.8.10",
            "10.0.0.0/8",
            "2001:db8::1",
            "::1",
            "fe80::1ff:fe23:4567:890a",
            "::ffff:192.0.2.1",
        ] {
            assert!(ip_address(ok), "{ok} should be an IP");
        }
        for bad in [
            "1.2.3",
            "1.2.3.4.5",
            "256.1.1.1",
            "0.9.1.2",
            "1.0.2.3",
            "8.8.8.8",
            "192.168.1.10/33",
            "::",
            "12:30:45",
            "00:1A:2B:3C:4D:5E",
            "v1.2.3.4",
            "1.2.3.04",
        ] {
            assert!(!ip_address(bad), "{bad} should not be an IP");
        }
    }

    #[test]
    fn mac_addresses() {
        for ok in ["00:1A:2B:3C:4D:5E", "00-1a-2b-3c-4d-5e", "001a.2b3c.4d5e"] {
            assert!(mac_address(ok), "{ok} should be a MAC");
        }
        for bad in [
            "00:1A:2B:3C:4D",
            "00:1A-2B:3C:4D:5E",
            "00:00:00:00:00:00",
            "001A2B3C4D5E",
            "0:1A:2B:3C:4D:5E0",
        ] {
            assert!(!mac_address(bad), "{bad} should not be a MAC");
        }
    }

    #[test]
    fn emails() {
        assert!(email("john.doe@example.com"));
        assert!(email("a+tag@sub.example.co.uk"));
        assert!(!email(".john@example.com"));
        assert!(!email("john..doe@example.com"));
        assert!(!email("john@-example.com"));
        assert!(!email("john@example"));
        assert!(!email("@example.com"));
    }

    #[test]
    fn urls() {
        for ok in [
            "https://example.com",
            "http://example.com/path?q=1#frag",
            "https://user:pw@example.com:8443/x",
            "http://localhost:8080/",
            "http://192.168.0.1/admin",
            "https://[2001:db8::1]:443/",
        ] {
            assert!(http_url(ok), "{ok} should be a URL");
        }
        for bad in [
            "ftp://example.com",
            "https://",
            "https://example",
            "https://exa mple.com",
            "https://example.com:99999/",
            "example.com",
            "https://-bad-.com",
        ] {
            assert!(!http_url(bad), "{bad} should not be a URL");
        }
    }
}
