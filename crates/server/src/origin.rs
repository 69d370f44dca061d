//! The server's own address: the base of the links it hands out (session links, the single
//! sign-on redirect), and the origin a browser's state-changing request must come from.
//!
//! Rules (`docs/access.md`, "Origin"):
//! - With `--public-url`, links are built from it and only from it.
//! - Without it, from the request's `Host` only when that names an address the server was set
//!   to listen on (its listen address or a loopback name; any host when it listens on every
//!   address), otherwise from the listen address.
//! - A cookie-authenticated change (and the live socket's upgrade) must come from the server's
//!   origin, scheme included: the public URL's origin when one is set, otherwise
//!   `{scheme}://{Host}` with the scheme the server speaks.

use crate::config::{Config, TlsMode};
use axum::http::{HeaderMap, header};

/// The scheme the server itself speaks.
fn own_scheme(config: &Config) -> &'static str {
    if matches!(config.tls, TlsMode::Off) {
        "http"
    } else {
        "https"
    }
}

/// A syntactically plain host, with an optional port: letters, digits, dots, dashes, colons
/// and the brackets of an IPv6 literal.
fn valid_host(h: &str) -> bool {
    !h.is_empty()
        && h.len() <= 255
        && h.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']'))
}

/// The name part of a `Host` value: without the port, and without an IPv6 literal's brackets.
fn host_name(host: &str) -> &str {
    if let Some(rest) = host.strip_prefix('[') {
        return rest.split(']').next().unwrap_or(rest);
    }
    host.rsplit_once(':').map(|(name, _)| name).unwrap_or(host)
}

/// Whether `host` (as in a `Host` header) names an address the server listens on: its listen
/// address or a loopback name (any port: the configured port may be 0, chosen at start), or any
/// host when it listens on every address.
pub fn host_is_configured(host: &str, config: &Config) -> bool {
    if !valid_host(host) {
        return false;
    }
    let listen = config.listen.ip();
    if listen.is_unspecified() {
        return true;
    }
    let name = host_name(host);
    name.eq_ignore_ascii_case("localhost")
        || name
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip == listen || ip.is_loopback())
}

/// The base URL of links, without a trailing slash (see the module's rules).
pub fn public_base(config: &Config, headers: &HeaderMap) -> String {
    if let Some(u) = config.public_url.as_deref().filter(|u| !u.is_empty()) {
        return u.trim_end_matches('/').to_owned();
    }
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .filter(|h| host_is_configured(h, config))
        .map(str::to_owned)
        .unwrap_or_else(|| config.listen.to_string());
    format!("{}://{host}", own_scheme(config))
}

/// Whether a browser's `Origin` is the server's own: the public URL's origin when one is set
/// (and only it), otherwise `{scheme}://{Host}` with the scheme the server speaks.
pub fn origin_allowed(origin: &str, host: Option<&str>, config: &Config) -> bool {
    if let Some(public) = config.public_url.as_deref().filter(|u| !u.is_empty()) {
        return openidconnect::url::Url::parse(public).is_ok_and(|u| {
            u.origin()
                .ascii_serialization()
                .eq_ignore_ascii_case(origin)
        });
    }
    host.is_some_and(|h| {
        valid_host(h) && origin.eq_ignore_ascii_case(&format!("{}://{h}", own_scheme(config)))
    })
}

/// Cross-site request forgery guard for cookie-authenticated changes: a browser always sends
/// `Sec-Fetch-Site` or `Origin` on such requests; it must name this site. A request with
/// neither is not from a browser, so it carries no ambient credentials to abuse.
pub fn same_origin(headers: &HeaderMap, config: &Config) -> bool {
    if let Some(site) = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
        return site == "same-origin" || site == "none";
    }
    let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) else {
        return true;
    };
    let host = headers.get(header::HOST).and_then(|v| v.to_str().ok());
    origin_allowed(origin, host, config)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(listen: &str, tls: TlsMode, public_url: Option<&str>) -> Config {
        Config {
            listen: listen.parse().unwrap(),
            tls,
            public_url: public_url.map(str::to_owned),
            ..Config::default()
        }
    }

    fn host(h: &str) -> HeaderMap {
        let mut m = HeaderMap::new();
        m.insert(header::HOST, h.parse().unwrap());
        m
    }

    #[test]
    fn the_scheme_is_part_of_the_origin() {
        let c = config("127.0.0.1:8443", TlsMode::SelfSigned, None);
        assert!(origin_allowed(
            "https://127.0.0.1:8443",
            Some("127.0.0.1:8443"),
            &c
        ));
        assert!(!origin_allowed(
            "http://127.0.0.1:8443",
            Some("127.0.0.1:8443"),
            &c
        ));
        assert!(!origin_allowed(
            "https://evil.example",
            Some("127.0.0.1:8443"),
            &c
        ));
        let plain = config("127.0.0.1:8080", TlsMode::Off, None);
        assert!(origin_allowed(
            "http://127.0.0.1:8080",
            Some("127.0.0.1:8080"),
            &plain
        ));
        assert!(!origin_allowed(
            "https://127.0.0.1:8080",
            Some("127.0.0.1:8080"),
            &plain
        ));
    }

    #[test]
    fn behind_a_proxy_the_public_origin_counts() {
        let c = config(
            "10.0.0.11:8080",
            TlsMode::Off,
            Some("https://help.example.com/"),
        );
        assert!(origin_allowed(
            "https://help.example.com",
            Some("help.example.com"),
            &c
        ));
        assert!(!origin_allowed(
            "http://help.example.com",
            Some("help.example.com"),
            &c
        ));
        assert!(!origin_allowed("https://help.example.com.evil", None, &c));
    }

    #[test]
    fn links_come_from_the_configured_address_only() {
        let c = config("127.0.0.1:8443", TlsMode::SelfSigned, None);
        assert_eq!(
            public_base(&c, &host("127.0.0.1:8443")),
            "https://127.0.0.1:8443"
        );
        assert_eq!(
            public_base(&c, &host("localhost:8443")),
            "https://localhost:8443"
        );
        // A Host the server was not set up for is not believed.
        assert_eq!(
            public_base(&c, &host("evil.example")),
            "https://127.0.0.1:8443"
        );
        assert_eq!(public_base(&c, &host("[::1]:8443")), "https://[::1]:8443");
        assert_eq!(
            public_base(&c, &host("evil.example:8443")),
            "https://127.0.0.1:8443"
        );
        assert_eq!(public_base(&c, &HeaderMap::new()), "https://127.0.0.1:8443");
        let every = config("0.0.0.0:8443", TlsMode::SelfSigned, None);
        assert_eq!(
            public_base(&every, &host("help.lan:8443")),
            "https://help.lan:8443"
        );
        assert_eq!(
            public_base(&every, &host("a/b@evil")),
            "https://0.0.0.0:8443"
        );
        let public = config(
            "10.0.0.11:8080",
            TlsMode::Off,
            Some("https://help.example.com/"),
        );
        assert_eq!(
            public_base(&public, &host("evil.example")),
            "https://help.example.com"
        );
    }

    #[test]
    fn fetch_metadata_decides_when_present() {
        let c = config("127.0.0.1:8443", TlsMode::SelfSigned, None);
        let mut h = host("127.0.0.1:8443");
        h.insert(header::ORIGIN, "https://evil.example".parse().unwrap());
        assert!(!same_origin(&h, &c));
        h.insert("sec-fetch-site", "same-origin".parse().unwrap());
        assert!(same_origin(&h, &c));
        h.insert("sec-fetch-site", "cross-site".parse().unwrap());
        assert!(!same_origin(&h, &c));
        assert!(same_origin(&host("127.0.0.1:8443"), &c));
    }
}
