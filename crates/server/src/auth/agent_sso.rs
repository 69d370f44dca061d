//! Single sign-on for the native agent, the pure parts (RFC 8252, OAuth for native apps): which
//! loopback redirect URIs the agent may ask for, the shape of its state and PKCE values, and the
//! S256 check of its verifier against the challenge it gave when the login started.
//!
//! The flow: the agent listens on `127.0.0.1:<ephemeral port>` and opens the system browser at
//! `/auth/oidc/login?agent_redirect=…&agent_state=…&agent_challenge=…`; after the usual single
//! sign-on the server sends the browser (303) to `agent_redirect?code=…&state=…`; the agent posts
//! `{code, code_verifier}` to `POST /api/auth/agent/token` and gets an API token. No I/O here.

use crate::limits::{MAX_AGENT_STATE_CHARS, MAX_URL_CHARS};
use crate::secrets::ct_eq;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use openidconnect::url::{Host, Url};
use sha2::{Digest, Sha256};
use std::net::{Ipv4Addr, Ipv6Addr};

/// An S256 challenge is the base64url of a SHA-256 digest: always this long (RFC 7636 §4.2).
pub const S256_CHALLENGE_CHARS: usize = 43;
/// Shortest and longest PKCE verifier (RFC 7636 §4.1).
pub const MIN_VERIFIER_CHARS: usize = 43;
pub const MAX_VERIFIER_CHARS: usize = 128;

/// Checks the redirect URI an agent asks for: `http://127.0.0.1:<port>/…` or
/// `http://[::1]:<port>/…` with an explicit port, no user name, query or fragment (RFC 8252 §7.3
/// and §8.3: loopback IP literals, never `localhost`, never another host).
pub fn check_redirect(uri: &str) -> Result<Url, String> {
    if uri.len() > MAX_URL_CHARS {
        return Err(format!(
            "agent_redirect is longer than {MAX_URL_CHARS} characters"
        ));
    }
    let url = Url::parse(uri).map_err(|e| format!("agent_redirect is not a URL: {e}"))?;
    if url.scheme() != "http" {
        return Err("agent_redirect must be an http:// loopback URL".into());
    }
    match url.host() {
        Some(Host::Ipv4(a)) if a == Ipv4Addr::LOCALHOST => {}
        Some(Host::Ipv6(a)) if a == Ipv6Addr::LOCALHOST => {}
        _ => {
            return Err(
                "agent_redirect must point to the loopback address 127.0.0.1 or [::1]".into(),
            );
        }
    }
    if url.port().is_none() {
        return Err("agent_redirect must name the agent's port".into());
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err("agent_redirect must not carry a user name".into());
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err("agent_redirect must not have a query or fragment".into());
    }
    Ok(url)
}

fn unreserved(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_' | '~')
}

/// Checks the agent's state: 1 to [`MAX_AGENT_STATE_CHARS`] URL-safe characters.
pub fn check_state(state: &str) -> Result<(), String> {
    if state.is_empty() || state.len() > MAX_AGENT_STATE_CHARS || !state.chars().all(unreserved) {
        return Err(format!(
            "agent_state must have 1 to {MAX_AGENT_STATE_CHARS} characters among A-Z a-z 0-9 - . _ ~"
        ));
    }
    Ok(())
}

/// Checks an S256 challenge: exactly [`S256_CHALLENGE_CHARS`] base64url characters.
pub fn check_challenge(challenge: &str) -> Result<(), String> {
    let ok = challenge.len() == S256_CHALLENGE_CHARS
        && challenge
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_'));
    if !ok {
        return Err(format!(
            "agent_challenge must be an S256 challenge: {S256_CHALLENGE_CHARS} base64url characters"
        ));
    }
    Ok(())
}

/// Checks a PKCE verifier's shape (RFC 7636 §4.1).
pub fn check_verifier(verifier: &str) -> Result<(), String> {
    if !(MIN_VERIFIER_CHARS..=MAX_VERIFIER_CHARS).contains(&verifier.len())
        || !verifier.chars().all(unreserved)
    {
        return Err(format!(
            "code_verifier must have {MIN_VERIFIER_CHARS} to {MAX_VERIFIER_CHARS} characters among A-Z a-z 0-9 - . _ ~"
        ));
    }
    Ok(())
}

/// The S256 challenge of a verifier: base64url(SHA-256(verifier)), no padding.
pub fn s256(verifier: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

/// Whether `verifier` is the one behind `challenge`, compared in constant time.
pub fn verifier_matches(verifier: &str, challenge: &str) -> bool {
    ct_eq(&s256(verifier), challenge)
}

/// Where the browser goes after the login: the agent's redirect with `params` added to the query.
pub fn return_url(redirect: &str, params: &[(&str, &str)]) -> Result<String, String> {
    let mut url = check_redirect(redirect)?;
    url.query_pairs_mut().extend_pairs(params);
    Ok(url.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_redirects_only() {
        for ok in [
            "http://127.0.0.1:49152/callback",
            "http://127.0.0.1:1/",
            "http://127.0.0.1:65535",
            "http://[::1]:8080/cb",
        ] {
            assert!(check_redirect(ok).is_ok(), "{ok}");
        }
        for bad in [
            "http://localhost:49152/callback",
            "http://evil.example:49152/callback",
            "https://127.0.0.1:49152/callback",
            "http://127.0.0.2:49152/callback",
            "http://0.0.0.0:49152/callback",
            "http://10.0.0.1:49152/callback",
            "http://[::2]:49152/",
            "http://[::ffff:127.0.0.1]:49152/",
            "http://127.0.0.1/callback",
            "http://127.0.0.1:80/callback",
            "http://user@127.0.0.1:49152/callback",
            "http://127.0.0.1:49152/callback?x=1",
            "http://127.0.0.1:49152/callback#f",
            "http://127.0.0.1.evil.example:49152/",
            "http://2130706433:49152/",
            "javascript:alert(1)",
            "/callback",
            "",
        ] {
            // A decimal host such as 2130706433 is normalised to 127.0.0.1 by the URL parser;
            // it is still the loopback address and accepted.
            if bad == "http://2130706433:49152/" {
                assert!(check_redirect(bad).is_ok());
                continue;
            }
            assert!(check_redirect(bad).is_err(), "{bad}");
        }
        let long = format!("http://127.0.0.1:1/{}", "a".repeat(MAX_URL_CHARS));
        assert!(check_redirect(&long).is_err());
    }

    #[test]
    fn return_url_keeps_the_path_and_encodes_values() {
        let u = return_url(
            "http://127.0.0.1:5000/callback",
            &[("code", "a b&c"), ("state", "s-1")],
        )
        .unwrap();
        assert_eq!(u, "http://127.0.0.1:5000/callback?code=a+b%26c&state=s-1");
        assert!(return_url("http://example.com:1/", &[]).is_err());
    }

    #[test]
    fn state_and_challenge_shapes() {
        assert!(check_state("abc-DEF_123.~").is_ok());
        assert!(check_state("").is_err());
        assert!(check_state("a b").is_err());
        assert!(check_state("a&b").is_err());
        assert!(check_state(&"a".repeat(MAX_AGENT_STATE_CHARS)).is_ok());
        assert!(check_state(&"a".repeat(MAX_AGENT_STATE_CHARS + 1)).is_err());
        let c = s256("v");
        assert_eq!(c.len(), S256_CHALLENGE_CHARS);
        assert!(check_challenge(&c).is_ok());
        assert!(check_challenge(&c[1..]).is_err());
        assert!(check_challenge(&format!("{}=", &c[1..])).is_err());
        assert!(check_challenge(&format!("{}+", &c[1..])).is_err());
        assert!(check_verifier(&"v".repeat(43)).is_ok());
        assert!(check_verifier(&"v".repeat(42)).is_err());
        assert!(check_verifier(&"v".repeat(129)).is_err());
        assert!(check_verifier(&format!("{}/", "v".repeat(43))).is_err());
    }

    #[test]
    fn pkce_s256() {
        // SHA-256("abc") is the FIPS 180-2 vector ba7816bf…15ad; here in base64url.
        assert_eq!(s256("abc"), "ungWv48Bz-pBQUDeXa4iI7ADYaOWF3qctBD_YfIAFa0");
        let verifier = "dBjftJeZ4CVP-mJ92K9D5f1s_lymFXDG1HYsfvx1EFo";
        let challenge = s256(verifier);
        assert!(check_challenge(&challenge).is_ok());
        assert!(verifier_matches(verifier, &challenge));
        // One character off on either side: refused.
        assert!(!verifier_matches(
            "dBjftJeZ4CVP-mJ92K9D5f1s_lymFXDG1HYsfvx1EFp",
            &challenge
        ));
        let mut other = challenge.clone().into_bytes();
        other[0] = if other[0] == b'A' { b'B' } else { b'A' };
        assert!(!verifier_matches(
            verifier,
            &String::from_utf8(other).unwrap()
        ));
        assert!(!verifier_matches(verifier, ""));
        assert!(!verifier_matches(verifier, verifier));
    }
}
