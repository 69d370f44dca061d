//! Property tests (fuzzing on stable Rust) of the signed-request scheme: the header parser sees
//! whatever a client sends, and the canonical string must never let one request's signature
//! cover another. `PROPTEST_CASES` cases per property (256 by default); see docs/testing.md.

use super::signing::*;
use base64::Engine;
use ed25519_dalek::{Signer, SigningKey};
use proptest::prelude::*;

/// Header values: arbitrary text, or text close to valid (right alphabet, length near the bounds).
fn header_value() -> impl Strategy<Value = Option<String>> {
    prop::option::weighted(
        0.9,
        prop_oneof![
            any::<String>(),
            "[0-9a-fA-F]{30,34}",
            "[0-9]{0,18}",
            "-?[0-9]{1,17}",
            "[A-Za-z0-9_-]{14,130}",
            "[A-Za-z0-9+/=]{84,90}",
        ],
    )
}

/// An HTTP method token and a path with query as a request line carries them (no line breaks).
fn method() -> impl Strategy<Value = String> {
    "[A-Za-z]{1,10}"
}
fn path_and_query() -> impl Strategy<Value = String> {
    "/[!-~]{0,80}"
}
fn nonce() -> impl Strategy<Value = String> {
    "[A-Za-z0-9_-]{16,128}"
}

type Request = (String, String, i64, String, Vec<u8>);

fn request() -> impl Strategy<Value = Request> {
    (
        method(),
        path_and_query(),
        0i64..=9_999_999_999_999_999,
        nonce(),
        prop::collection::vec(any::<u8>(), 0..64),
    )
}

proptest! {
    #[test]
    fn header_parse_never_panics_and_keeps_its_promises(
        d in header_value(), t in header_value(), n in header_value(), s in header_value()
    ) {
        if let Ok(h) = SignedHeaders::parse(d.as_deref(), t.as_deref(), n.as_deref(), s.as_deref()) {
            prop_assert_eq!(h.device_id.len(), 32);
            prop_assert!(h.device_id.bytes().all(|c| c.is_ascii_digit() || (b'a'..=b'f').contains(&c)));
            prop_assert!(h.timestamp >= 0);
            prop_assert!((MIN_NONCE_CHARS..=MAX_NONCE_CHARS).contains(&h.nonce.len()));
            prop_assert!(h.nonce.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'-' || c == b'_'));
        }
    }

    #[test]
    fn well_formed_headers_parse_back(
        id in "[0-9a-fA-F]{32}",
        timestamp in 0i64..=9_999_999_999_999_999,
        nonce in nonce(),
        signature in prop::array::uniform32(any::<u8>()),
    ) {
        let mut raw = [0u8; 64];
        raw[..32].copy_from_slice(&signature);
        raw[32..].copy_from_slice(&signature);
        let b64 = base64::engine::general_purpose::STANDARD.encode(raw);
        let ts = timestamp.to_string();
        let h = SignedHeaders::parse(Some(&id), Some(&ts), Some(&nonce), Some(&b64)).unwrap();
        prop_assert_eq!(h.device_id, id.to_ascii_lowercase());
        prop_assert_eq!(h.timestamp, timestamp);
        prop_assert_eq!(h.nonce, nonce);
        prop_assert_eq!(h.signature, raw);
    }

    #[test]
    fn the_canonical_string_gives_back_every_field((m, p, ts, n, body) in request()) {
        let c = canonical(&m, &p, ts, &n, &body);
        let lines: Vec<&str> = c.split('\n').collect();
        prop_assert_eq!(lines.len(), 6);
        prop_assert_eq!(lines[0], SCHEME);
        prop_assert_eq!(lines[1], m.to_ascii_uppercase());
        prop_assert_eq!(lines[2], p.as_str());
        prop_assert_eq!(lines[3].parse::<i64>().unwrap(), ts);
        prop_assert_eq!(lines[4], n.as_str());
        prop_assert_eq!(lines[5].len(), 64);
    }

    #[test]
    fn a_signature_covers_only_its_own_request(a in request(), b in request()) {
        let norm = |r: &Request| (r.0.to_ascii_uppercase(), r.1.clone(), r.2, r.3.clone(), r.4.clone());
        prop_assume!(norm(&a) != norm(&b));
        let key = SigningKey::from_bytes(&[42u8; 32]);
        let signed = canonical(&a.0, &a.1, a.2, &a.3, &a.4);
        let other = canonical(&b.0, &b.1, b.2, &b.3, &b.4);
        prop_assert_ne!(&signed, &other);
        let sig = key.sign(signed.as_bytes()).to_bytes();
        prop_assert!(verify(&key.verifying_key(), &signed, &sig));
        prop_assert!(!verify(&key.verifying_key(), &other, &sig));
    }

    #[test]
    fn public_key_parse_never_panics(text in prop_oneof![any::<String>(), "[A-Za-z0-9+/=]{40,48}"]) {
        let _ = parse_public_key(&text);
    }
}
