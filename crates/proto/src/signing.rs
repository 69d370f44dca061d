//! The signed-request scheme of enrolled devices, shared by the agent (which signs) and the
//! server (which checks): header names, the canonical string that the device signs with its
//! Ed25519 key, the signature, and the pure checks of the headers. See `docs/devices.md`.
//!
//! The signed string is
//! `ASSIST-DEVICE-V1\n{METHOD}\n{path and query}\n{timestamp}\n{nonce}\n{hex sha256 of body}`,
//! sent as [`HEADER_DEVICE`], [`HEADER_TIMESTAMP`] (Unix ms), [`HEADER_NONCE`] (random, once) and
//! [`HEADER_SIGNATURE`] (base64 Ed25519).

use base64::Engine;
use ed25519_dalek::{Signature, Signer as _, SigningKey, VerifyingKey};
use sha2::{Digest, Sha256};

/// The device's id.
pub const HEADER_DEVICE: &str = "x-assist-device";
/// When the request was signed, Unix milliseconds.
pub const HEADER_TIMESTAMP: &str = "x-assist-timestamp";
/// A random value used once per request.
pub const HEADER_NONCE: &str = "x-assist-nonce";
/// The base64 Ed25519 signature of the canonical string.
pub const HEADER_SIGNATURE: &str = "x-assist-signature";

/// The first line of the canonical string (the scheme's version).
pub const SCHEME: &str = "ASSIST-DEVICE-V1";

/// Shortest nonce (characters of `A-Z a-z 0-9 - _`).
pub const MIN_NONCE_CHARS: usize = 16;
/// Longest nonce (characters of `A-Z a-z 0-9 - _`).
pub const MAX_NONCE_CHARS: usize = 128;

/// The string a device signs:
/// `ASSIST-DEVICE-V1\n{METHOD}\n{path and query}\n{timestamp}\n{nonce}\n{hex sha256 of body}`.
pub fn canonical(
    method: &str,
    path_and_query: &str,
    timestamp: i64,
    nonce: &str,
    body: &[u8],
) -> String {
    format!(
        "{SCHEME}\n{}\n{path_and_query}\n{timestamp}\n{nonce}\n{}",
        method.to_ascii_uppercase(),
        hex::encode(Sha256::digest(body))
    )
}

/// Why the signature headers were refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum HeaderError {
    /// One of the four headers is absent.
    #[error(
        "the X-Assist-Device, X-Assist-Timestamp, X-Assist-Nonce and X-Assist-Signature headers are required together"
    )]
    Missing,
    /// The device id is not 32 hexadecimal digits.
    #[error("X-Assist-Device is not a device id")]
    BadDevice,
    /// The timestamp is not Unix milliseconds.
    #[error("X-Assist-Timestamp must be Unix milliseconds")]
    BadTimestamp,
    /// The nonce is too short, too long or has other characters.
    #[error("X-Assist-Nonce must be 16 to 128 characters of A-Z a-z 0-9 - _")]
    BadNonce,
    /// The signature is not the base64 of 64 bytes.
    #[error("X-Assist-Signature must be a base64 Ed25519 signature")]
    BadSignature,
}

/// The parsed signature headers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedHeaders {
    /// The device's id, lower case.
    pub device_id: String,
    /// When the request was signed, Unix milliseconds.
    pub timestamp: i64,
    /// The request's nonce.
    pub nonce: String,
    /// The Ed25519 signature of the canonical string.
    pub signature: [u8; 64],
}

impl SignedHeaders {
    /// Parses the four header values (absent: `None`).
    pub fn parse(
        device: Option<&str>,
        timestamp: Option<&str>,
        nonce: Option<&str>,
        signature: Option<&str>,
    ) -> Result<SignedHeaders, HeaderError> {
        let (Some(device), Some(timestamp), Some(nonce), Some(signature)) =
            (device, timestamp, nonce, signature)
        else {
            return Err(HeaderError::Missing);
        };
        if device.len() != 32 || !device.bytes().all(|c| c.is_ascii_hexdigit()) {
            return Err(HeaderError::BadDevice);
        }
        if timestamp.is_empty()
            || timestamp.len() > 16
            || !timestamp.bytes().all(|c| c.is_ascii_digit())
        {
            return Err(HeaderError::BadTimestamp);
        }
        let timestamp: i64 = timestamp.parse().map_err(|_| HeaderError::BadTimestamp)?;
        if !(MIN_NONCE_CHARS..=MAX_NONCE_CHARS).contains(&nonce.len())
            || !nonce
                .bytes()
                .all(|c| c.is_ascii_alphanumeric() || c == b'-' || c == b'_')
        {
            return Err(HeaderError::BadNonce);
        }
        let raw = base64::engine::general_purpose::STANDARD
            .decode(signature)
            .map_err(|_| HeaderError::BadSignature)?;
        let signature: [u8; 64] = raw.try_into().map_err(|_| HeaderError::BadSignature)?;
        Ok(SignedHeaders {
            device_id: device.to_ascii_lowercase(),
            timestamp,
            nonce: nonce.to_owned(),
            signature,
        })
    }
}

/// The four signature headers of a request signed by `device_id` with `key`, as (name, value)
/// pairs in the order [`HEADER_DEVICE`], [`HEADER_TIMESTAMP`], [`HEADER_NONCE`],
/// [`HEADER_SIGNATURE`]. `nonce` must be fresh for every request.
pub fn sign(
    device_id: &str,
    key: &SigningKey,
    method: &str,
    path_and_query: &str,
    body: &[u8],
    timestamp: i64,
    nonce: &str,
) -> [(&'static str, String); 4] {
    let signature = key.sign(canonical(method, path_and_query, timestamp, nonce, body).as_bytes());
    [
        (HEADER_DEVICE, device_id.to_owned()),
        (HEADER_TIMESTAMP, timestamp.to_string()),
        (HEADER_NONCE, nonce.to_owned()),
        (
            HEADER_SIGNATURE,
            base64::engine::general_purpose::STANDARD.encode(signature.to_bytes()),
        ),
    ]
}

/// Base64 (standard) of a device's public key, as enrollment sends it and
/// [`parse_public_key`] reads it.
pub fn public_key_b64(key: &VerifyingKey) -> String {
    base64::engine::general_purpose::STANDARD.encode(key.as_bytes())
}

/// Whether `timestamp` lies within `window_ms` of `now` (either side).
pub fn timestamp_fresh(timestamp: i64, now: i64, window_ms: i64) -> bool {
    (timestamp - now).abs() <= window_ms
}

/// Parses a device's public key: base64 (standard) of the 32-byte Ed25519 key. Weak keys
/// (small-order points) are refused.
pub fn parse_public_key(b64: &str) -> Option<VerifyingKey> {
    let raw = base64::engine::general_purpose::STANDARD
        .decode(b64.trim())
        .ok()?;
    let bytes: [u8; 32] = raw.try_into().ok()?;
    let key = VerifyingKey::from_bytes(&bytes).ok()?;
    (!key.is_weak()).then_some(key)
}

/// Checks `signature` over `message` with `key` (strict verification: no malleable signatures).
pub fn verify(key: &VerifyingKey, message: &str, signature: &[u8; 64]) -> bool {
    key.verify_strict(message.as_bytes(), &Signature::from_bytes(signature))
        .is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use ed25519_dalek::{Signer, SigningKey};

    fn key() -> SigningKey {
        SigningKey::from_bytes(&[7u8; 32])
    }

    #[test]
    fn canonical_string_has_six_lines() {
        let c = canonical(
            "post",
            "/api/agent/check-in?x=1",
            1700000000000,
            "abc",
            b"{}",
        );
        assert_eq!(
            c,
            "ASSIST-DEVICE-V1\nPOST\n/api/agent/check-in?x=1\n1700000000000\nabc\n\
             44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a"
        );
    }

    #[test]
    fn signatures_verify_and_forgeries_do_not() {
        let k = key();
        let msg = canonical("POST", "/p", 1, "n", b"body");
        let sig = k.sign(msg.as_bytes()).to_bytes();
        let vk = k.verifying_key();
        assert!(verify(&vk, &msg, &sig));
        assert!(!verify(
            &vk,
            &canonical("POST", "/p", 1, "n", b"bodY"),
            &sig
        ));
        assert!(!verify(
            &vk,
            &canonical("POST", "/q", 1, "n", b"body"),
            &sig
        ));
        assert!(!verify(&vk, &canonical("GET", "/p", 1, "n", b"body"), &sig));
        let other = SigningKey::from_bytes(&[8u8; 32]).verifying_key();
        assert!(!verify(&other, &msg, &sig));
        let mut bad = sig;
        bad[0] ^= 1;
        assert!(!verify(&vk, &msg, &bad));
    }

    #[test]
    fn sign_gives_the_four_headers_with_a_verifiable_signature() {
        let k = key();
        let id = "d".repeat(32);
        let h = sign(
            &id,
            &k,
            "POST",
            "/api/agent/check-in",
            b"{}",
            42,
            "nonce-nonce-nonce",
        );
        let names: Vec<&str> = h.iter().map(|(n, _)| *n).collect();
        assert_eq!(
            names,
            [
                HEADER_DEVICE,
                HEADER_TIMESTAMP,
                HEADER_NONCE,
                HEADER_SIGNATURE
            ]
        );
        let parsed =
            SignedHeaders::parse(Some(&h[0].1), Some(&h[1].1), Some(&h[2].1), Some(&h[3].1))
                .unwrap();
        assert_eq!(parsed.device_id, id);
        assert_eq!(parsed.timestamp, 42);
        let msg = canonical(
            "POST",
            "/api/agent/check-in",
            42,
            "nonce-nonce-nonce",
            b"{}",
        );
        assert!(verify(&k.verifying_key(), &msg, &parsed.signature));
        assert!(!verify(
            &k.verifying_key(),
            &canonical(
                "POST",
                "/api/agent/check-in",
                43,
                "nonce-nonce-nonce",
                b"{}"
            ),
            &parsed.signature
        ));
        assert_eq!(
            parse_public_key(&public_key_b64(&k.verifying_key())),
            Some(k.verifying_key())
        );
    }

    #[test]
    fn headers_parse_strictly() {
        let sig = base64::engine::general_purpose::STANDARD.encode([1u8; 64]);
        let id = "a".repeat(32);
        let ok = SignedHeaders::parse(
            Some(&id),
            Some("1700000000000"),
            Some("abcdefghijklmnop"),
            Some(&sig),
        );
        assert!(ok.is_ok());
        use HeaderError::*;
        for (d, t, n, s, e) in [
            (
                None,
                Some("1"),
                Some("abcdefghijklmnop"),
                Some(sig.as_str()),
                Missing,
            ),
            (
                Some("xyz"),
                Some("1"),
                Some("abcdefghijklmnop"),
                Some(sig.as_str()),
                BadDevice,
            ),
            (
                Some(id.as_str()),
                Some("-1"),
                Some("abcdefghijklmnop"),
                Some(sig.as_str()),
                BadTimestamp,
            ),
            (
                Some(id.as_str()),
                Some("99999999999999999999"),
                Some("abcdefghijklmnop"),
                Some(sig.as_str()),
                BadTimestamp,
            ),
            (
                Some(id.as_str()),
                Some("1"),
                Some("short"),
                Some(sig.as_str()),
                BadNonce,
            ),
            (
                Some(id.as_str()),
                Some("1"),
                Some("abcdefghijklmnop\n"),
                Some(sig.as_str()),
                BadNonce,
            ),
            (
                Some(id.as_str()),
                Some("1"),
                Some("abcdefgh/ijklmnop"),
                Some(sig.as_str()),
                BadNonce,
            ),
            (
                Some(id.as_str()),
                Some("1"),
                Some("abcdefghijklmnop"),
                Some("AAAA"),
                BadSignature,
            ),
            (
                Some(id.as_str()),
                Some("1"),
                Some("abcdefghijklmnop"),
                Some("%%%"),
                BadSignature,
            ),
        ] {
            assert_eq!(SignedHeaders::parse(d, t, n, s), Err(e));
        }
    }

    #[test]
    fn timestamps_within_the_window() {
        assert!(timestamp_fresh(1000, 1000, 10));
        assert!(timestamp_fresh(990, 1000, 10));
        assert!(timestamp_fresh(1010, 1000, 10));
        assert!(!timestamp_fresh(989, 1000, 10));
        assert!(!timestamp_fresh(1011, 1000, 10));
    }

    #[test]
    fn public_keys_are_checked() {
        let vk = key().verifying_key();
        let b64 = base64::engine::general_purpose::STANDARD.encode(vk.as_bytes());
        assert_eq!(parse_public_key(&b64), Some(vk));
        assert!(parse_public_key("AAAA").is_none());
        assert!(parse_public_key("not base64!").is_none());
        // The identity point is a weak key.
        let mut identity = [0u8; 32];
        identity[0] = 1;
        let weak = base64::engine::general_purpose::STANDARD.encode(identity);
        assert!(parse_public_key(&weak).is_none());
    }
}
