//! The client address behind trusted reverse proxies, from `X-Forwarded-For` (pure code).
//!
//! Each proxy appends the address it received the request from, so the list reads
//! `<what the client wrote>, ..., <added by proxy 1>, ..., <added by the last proxy>`. Only the
//! entries added by proxies we trust can be believed: with `hops` trusted proxies in front, the
//! client is the `hops`-th entry from the right. Everything left of it was written by the client
//! (or by proxies that are not ours) and is ignored. Several header lines are one list, in order
//! (HAProxy's `option forwardfor` adds a line of its own rather than appending to the client's).
//!
//! Anything unexpected (no header, fewer entries than hops, a malformed entry among those the
//! trusted proxies added) gives `None`, and the caller falls back to the socket's peer address.

use std::net::{IpAddr, Ipv6Addr, SocketAddr};

/// The client address according to the `X-Forwarded-For` header `lines` (in the order received),
/// with `hops` trusted proxies in front of the server. `None` when the header cannot be trusted.
pub fn client_address<'a>(lines: impl IntoIterator<Item = &'a str>, hops: u32) -> Option<IpAddr> {
    let hops = usize::try_from(hops).ok().filter(|&h| h > 0)?;
    let entries: Vec<&str> = lines
        .into_iter()
        .flat_map(|line| line.split(','))
        .map(str::trim)
        .filter(|e| !e.is_empty())
        .collect();
    if entries.len() < hops {
        return None;
    }
    // Every entry a trusted proxy added must make sense, not only the one we take.
    let trusted = &entries[entries.len() - hops..];
    let mut parsed = trusted.iter().map(|e| parse_entry(e));
    let client = parsed.next()??;
    parsed.all(|p| p.is_some()).then_some(client)
}

/// One entry: an IPv4 or IPv6 address, bracketed or not, with or without a port.
pub fn parse_entry(entry: &str) -> Option<IpAddr> {
    let entry = entry.trim();
    if entry.len() > 64 {
        return None;
    }
    let ip = if let Ok(ip) = entry.parse::<IpAddr>() {
        ip
    } else if let Ok(sa) = entry.parse::<SocketAddr>() {
        sa.ip()
    } else if let Some(inner) = entry.strip_prefix('[').and_then(|e| e.strip_suffix(']')) {
        IpAddr::V6(inner.parse::<Ipv6Addr>().ok()?)
    } else {
        return None;
    };
    Some(canonical(ip))
}

/// IPv4 written as IPv4-mapped IPv6 (`::ffff:192.0.2.1`) is IPv4.
pub fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6
            .to_ipv4_mapped()
            .map(IpAddr::V4)
            .unwrap_or(IpAddr::V6(v6)),
        v4 => v4,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> Option<IpAddr> {
        Some(s.parse().unwrap())
    }

    #[test]
    fn one_proxy_takes_the_rightmost_entry() {
        assert_eq!(client_address(["198.51.100.7"], 1), ip("198.51.100.7"));
        // The client wrote the first entry; the proxy appended the second.
        assert_eq!(
            client_address(["203.0.113.1, 198.51.100.7"], 1),
            ip("198.51.100.7")
        );
        assert_eq!(
            client_address(["1.1.1.1,2.2.2.2 ,  198.51.100.7"], 1),
            ip("198.51.100.7")
        );
    }

    #[test]
    fn several_lines_are_one_list() {
        assert_eq!(
            client_address(["203.0.113.1, 203.0.113.2", "198.51.100.7"], 1),
            ip("198.51.100.7")
        );
        assert_eq!(
            client_address(["203.0.113.1", "198.51.100.7, 10.0.0.2"], 2),
            ip("198.51.100.7")
        );
    }

    #[test]
    fn hops_count_from_the_right() {
        let lines = ["203.0.113.9, 198.51.100.7, 10.0.0.2"];
        assert_eq!(client_address(lines, 2), ip("198.51.100.7"));
        assert_eq!(client_address(lines, 3), ip("203.0.113.9"));
        // Fewer entries than proxies: the chain is not what we were told; no address.
        assert_eq!(client_address(lines, 4), None);
        // No proxy trusted: the header means nothing.
        assert_eq!(client_address(lines, 0), None);
        assert_eq!(client_address(lines, u32::MAX), None);
    }

    #[test]
    fn ipv6_ports_and_brackets() {
        assert_eq!(client_address(["2001:db8::7"], 1), ip("2001:db8::7"));
        assert_eq!(client_address(["[2001:db8::7]"], 1), ip("2001:db8::7"));
        assert_eq!(client_address(["[2001:db8::7]:4711"], 1), ip("2001:db8::7"));
        assert_eq!(client_address(["198.51.100.7:4711"], 1), ip("198.51.100.7"));
        assert_eq!(
            client_address(["::ffff:198.51.100.7"], 1),
            ip("198.51.100.7")
        );
        assert_eq!(
            client_address(["x, [::ffff:198.51.100.7]:80"], 1),
            ip("198.51.100.7")
        );
    }

    #[test]
    fn empty_entries_are_skipped() {
        assert_eq!(
            client_address([",203.0.113.1,, ,198.51.100.7,"], 1),
            ip("198.51.100.7")
        );
        assert_eq!(client_address(["", " , "], 1), None);
        assert_eq!(client_address(["", "198.51.100.7"], 1), ip("198.51.100.7"));
        assert_eq!(client_address(Vec::<&str>::new(), 1), None);
    }

    #[test]
    fn malformed_values_give_no_address() {
        for bad in [
            "unknown",
            "198.51.100",
            "198.51.100.7.1",
            "256.1.1.1",
            "2001:db8::7:",
            "[2001:db8::7",
            "2001:db8::7]",
            "[198.51.100.7]",
            "198.51.100.7:port",
            "198.51.100.7:99999",
            "_hidden",
            "fe80::1%eth0",
            "198.51.100.7 203.0.113.1",
        ] {
            assert_eq!(client_address([bad], 1), None, "{bad}");
            assert_eq!(
                client_address([format!("203.0.113.1, {bad}").as_str()], 1),
                None,
                "{bad}"
            );
        }
        // A long entry is refused without being parsed at length.
        let long = "1".repeat(10_000);
        assert_eq!(client_address([long.as_str()], 1), None);
        // A malformed entry left of the trusted ones does not matter ...
        assert_eq!(
            client_address(["garbage, 198.51.100.7"], 1),
            ip("198.51.100.7")
        );
        // ... but one a trusted proxy added does: the chain is broken.
        assert_eq!(
            client_address(["198.51.100.7, garbage"], 2),
            None,
            "the entry of the nearest proxy is malformed"
        );
    }
}
