//! Time-based one-time passwords (RFC 6238: HMAC-SHA-1, 6 digits, 30 s steps, one step of skew),
//! with base32 secrets as authenticator apps expect them.

use data_encoding::BASE32_NOPAD;
use hmac::{Hmac, Mac};

/// Steps of clock skew accepted either side.
pub const TOTP_SKEW_STEPS: u64 = 1;
/// Seconds per step.
pub const TOTP_STEP_SECS: u64 = 30;

fn decode(secret_b32: &str) -> Option<Vec<u8>> {
    let clean: String = secret_b32
        .chars()
        .filter(|c| *c != ' ' && *c != '=')
        .collect::<String>()
        .to_ascii_uppercase();
    BASE32_NOPAD
        .decode(clean.as_bytes())
        .ok()
        .filter(|k| k.len() >= 10)
}

fn code_at(key: &[u8], counter: u64) -> String {
    // HMAC accepts keys of any length: new_from_slice cannot fail for it.
    let mut mac = Hmac::<sha1::Sha1>::new_from_slice(key).expect("HMAC takes any key length");
    mac.update(&counter.to_be_bytes());
    let h = mac.finalize().into_bytes();
    let off = usize::from(h[19] & 0x0f);
    let bin = (u32::from(h[off] & 0x7f) << 24)
        | (u32::from(h[off + 1]) << 16)
        | (u32::from(h[off + 2]) << 8)
        | u32::from(h[off + 3]);
    format!("{:06}", bin % 1_000_000)
}

/// Whether `code` is valid for the secret at `unix_secs`.
pub fn verify(secret_b32: &str, code: &str, unix_secs: u64) -> bool {
    let code: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    let Some(key) = decode(secret_b32) else {
        return false;
    };
    if code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit()) {
        return false;
    }
    let now = unix_secs / TOTP_STEP_SECS;
    (now.saturating_sub(TOTP_SKEW_STEPS)..=now + TOTP_SKEW_STEPS).fold(false, |ok, c| {
        ok | crate::secrets::ct_eq(&code_at(&key, c), &code)
    })
}

/// The time step whose code `code` is, within the accepted skew of `unix_secs`; `None` when the
/// code is wrong. Lets the caller refuse a code whose step was already used (a replay).
pub fn verify_step(secret_b32: &str, code: &str, unix_secs: u64) -> Option<u64> {
    let code: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    let key = decode(secret_b32)?;
    if code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let now = unix_secs / TOTP_STEP_SECS;
    // Every candidate step is computed and compared, so timing does not tell which one matched.
    (now.saturating_sub(TOTP_SKEW_STEPS)..=now + TOTP_SKEW_STEPS).fold(None, |found, c| {
        if crate::secrets::ct_eq(&code_at(&key, c), &code) {
            Some(c)
        } else {
            found
        }
    })
}

/// The code for the secret at `unix_secs`.
pub fn generate(secret_b32: &str, unix_secs: u64) -> Option<String> {
    decode(secret_b32).map(|k| code_at(&k, unix_secs / TOTP_STEP_SECS))
}

/// A new random secret (160 bits), base32.
pub fn new_secret() -> String {
    let mut bytes = [0u8; 20];
    rand::RngCore::fill_bytes(&mut rand::rng(), &mut bytes);
    BASE32_NOPAD.encode(&bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc6238_vector() {
        // RFC 6238 appendix B, SHA-1, secret "12345678901234567890", T = 59 s → 94287082 (8 digits).
        let secret = BASE32_NOPAD.encode(b"12345678901234567890");
        assert_eq!(generate(&secret, 59).unwrap(), "287082");
        assert_eq!(generate(&secret, 1_111_111_109).unwrap(), "081804");
    }

    #[test]
    fn accepts_current_and_adjacent_steps_only() {
        let s = new_secret();
        let now = 1_700_000_000;
        let code = generate(&s, now).unwrap();
        assert!(verify(&s, &code, now));
        assert!(verify(&s, &code, now + 30));
        assert!(!verify(&s, &code, now + 90));
        assert!(!verify(&s, "12345", now));
        assert!(!verify("not base32 !!", &code, now));
    }

    #[test]
    fn verify_step_names_the_matching_step() {
        let s = new_secret();
        let now = 1_700_000_010;
        let code = generate(&s, now).unwrap();
        assert_eq!(verify_step(&s, &code, now), Some(now / TOTP_STEP_SECS));
        assert_eq!(verify_step(&s, &code, now + 30), Some(now / TOTP_STEP_SECS));
        assert_eq!(verify_step(&s, &code, now + 90), None);
        assert_eq!(verify_step(&s, "abcdef", now), None);
    }
}
