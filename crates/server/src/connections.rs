//! Caps on open connections: in all (so that the process never runs out of descriptors and one
//! flood cannot take every slot) and per client address (so that one client cannot take them
//! all). The accept loop asks `Caps::admit` for each new connection and keeps the returned
//! `Admitted` for as long as the connection lives; dropping it frees the slots.
//!
//! Connections past a cap are answered 503 `too_many_connections` (`refusal`) and closed.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex};

/// The caps and the connections counted against them.
#[derive(Debug)]
pub struct Caps {
    total: usize,
    per_address: usize,
    counts: Mutex<Counts>,
}

#[derive(Debug, Default)]
struct Counts {
    open: usize,
    by_address: HashMap<AddressKey, usize>,
}

/// What a client address counts as: an IPv4 address, or an IPv6 address's /64 network (a
/// single client is usually given a whole /64). IPv4-mapped IPv6 addresses count as IPv4.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AddressKey {
    V4(u32),
    V6Net(u64),
}

impl AddressKey {
    pub fn of(ip: IpAddr) -> AddressKey {
        match ip {
            IpAddr::V4(v4) => AddressKey::V4(u32::from(v4)),
            IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
                Some(v4) => AddressKey::V4(u32::from(v4)),
                None => AddressKey::V6Net((u128::from(v6) >> 64) as u64),
            },
        }
    }
}

/// Why a connection was not admitted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refused {
    /// The server holds as many connections as it may.
    Total,
    /// This client address holds as many connections as it may.
    PerAddress,
}

/// A connection counted against the caps, until dropped.
#[derive(Debug)]
pub struct Admitted {
    caps: Arc<Caps>,
    key: AddressKey,
}

impl Caps {
    /// `total` connections in all, `per_address` from one address (0: no per-address cap).
    pub fn new(total: usize, per_address: usize) -> Arc<Caps> {
        Arc::new(Caps {
            total,
            per_address,
            counts: Mutex::new(Counts::default()),
        })
    }

    /// Counts a new connection from `ip`, or says which cap it would pass.
    pub fn admit(self: &Arc<Self>, ip: IpAddr) -> Result<Admitted, Refused> {
        let key = AddressKey::of(ip);
        // The lock guards two counters and is never held across an await; a poisoned lock
        // means a panic while counting, which leaves the counts as they were.
        let mut c = self.counts.lock().unwrap_or_else(|p| p.into_inner());
        if c.open >= self.total {
            return Err(Refused::Total);
        }
        let from_address = c.by_address.get(&key).copied().unwrap_or(0);
        if self.per_address > 0 && from_address >= self.per_address {
            return Err(Refused::PerAddress);
        }
        c.open += 1;
        c.by_address.insert(key, from_address + 1);
        Ok(Admitted {
            caps: self.clone(),
            key,
        })
    }

    /// Connections open now.
    pub fn open(&self) -> usize {
        self.counts.lock().unwrap_or_else(|p| p.into_inner()).open
    }
}

impl Drop for Admitted {
    fn drop(&mut self) {
        let mut c = self.caps.counts.lock().unwrap_or_else(|p| p.into_inner());
        c.open = c.open.saturating_sub(1);
        if let Some(n) = c.by_address.get_mut(&self.key) {
            *n -= 1;
            if *n == 0 {
                c.by_address.remove(&self.key);
            }
        }
    }
}

/// The cap on all connections: the configured one, lowered to what the process's descriptor
/// limit leaves after `limits::CONNECTION_FD_RESERVE`.
pub fn total_cap(configured: usize, descriptor_limit: Option<u64>) -> usize {
    let reserve = crate::limits::CONNECTION_FD_RESERVE;
    match descriptor_limit {
        Some(fds) => {
            let fds = usize::try_from(fds).unwrap_or(usize::MAX);
            configured.min(fds.saturating_sub(reserve).max(1))
        }
        None => configured,
    }
}

/// The answer to a connection past a cap.
pub fn refusal(why: Refused) -> axum::response::Response {
    use axum::http::{HeaderValue, StatusCode, header};
    use axum::response::IntoResponse;
    let message = match why {
        Refused::Total => "the server holds as many connections as it may; try again shortly",
        Refused::PerAddress => {
            "your address holds as many connections as it may; close some and try again"
        }
    };
    let body = serde_json::json!({"error": {"code": "too_many_connections", "message": message}});
    let mut res = (StatusCode::SERVICE_UNAVAILABLE, axum::Json(body)).into_response();
    let h = res.headers_mut();
    h.insert(
        header::RETRY_AFTER,
        HeaderValue::from(crate::limits::CONNECTIONS_RETRY_AFTER_SECS),
    );
    h.insert(header::CONNECTION, HeaderValue::from_static("close"));
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn per_address_cap_counts_each_address_and_frees_on_drop() {
        let caps = Caps::new(100, 2);
        let a1 = caps.admit(ip("10.0.0.1")).unwrap();
        let _a2 = caps.admit(ip("10.0.0.1")).unwrap();
        assert_eq!(caps.admit(ip("10.0.0.1")).unwrap_err(), Refused::PerAddress);
        let _b = caps.admit(ip("10.0.0.2")).unwrap();
        drop(a1);
        let _a3 = caps.admit(ip("10.0.0.1")).unwrap();
        assert_eq!(caps.open(), 3);
    }

    #[test]
    fn total_cap_holds_across_addresses() {
        let caps = Caps::new(2, 0);
        let _a = caps.admit(ip("10.0.0.1")).unwrap();
        let b = caps.admit(ip("10.0.0.2")).unwrap();
        assert_eq!(caps.admit(ip("10.0.0.3")).unwrap_err(), Refused::Total);
        drop(b);
        assert!(caps.admit(ip("10.0.0.3")).is_ok());
    }

    #[test]
    fn ipv6_counts_by_slash_64_and_mapped_ipv4_as_ipv4() {
        let caps = Caps::new(100, 1);
        let _a = caps.admit(ip("2001:db8:1:2::1")).unwrap();
        assert_eq!(
            caps.admit(ip("2001:db8:1:2:ffff::9")).unwrap_err(),
            Refused::PerAddress
        );
        assert!(caps.admit(ip("2001:db8:1:3::1")).is_ok());
        let _v4 = caps.admit(ip("192.0.2.7")).unwrap();
        assert_eq!(
            caps.admit(ip("::ffff:192.0.2.7")).unwrap_err(),
            Refused::PerAddress
        );
    }

    #[test]
    fn concurrent_admissions_never_pass_the_cap() {
        let caps = Caps::new(50, 0);
        let held: Vec<_> = std::thread::scope(|s| {
            let handles: Vec<_> = (0..8)
                .map(|t| {
                    let caps = caps.clone();
                    s.spawn(move || {
                        (0..20)
                            .filter_map(|i| caps.admit(ip(&format!("10.0.{t}.{i}"))).ok())
                            .collect::<Vec<_>>()
                    })
                })
                .collect();
            handles
                .into_iter()
                .flat_map(|h| h.join().unwrap())
                .collect()
        });
        assert_eq!(held.len(), 50);
        assert_eq!(caps.open(), 50);
        drop(held);
        assert_eq!(caps.open(), 0);
    }

    #[test]
    fn the_total_cap_leaves_descriptors_free() {
        assert_eq!(total_cap(50_000, Some(20_000)), 19_488);
        assert_eq!(total_cap(1_000, Some(20_000)), 1_000);
        assert_eq!(total_cap(1_000, None), 1_000);
        assert_eq!(total_cap(1_000, Some(10)), 1);
    }
}
