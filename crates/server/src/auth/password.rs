//! Password hashing with argon2id.

use argon2::password_hash::{Output, PasswordHash, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};

/// OWASP's argon2id recommendation: 19 MiB, 2 iterations, 1 lane.
const MEMORY_KIB: u32 = 19 * 1024;
const ITERATIONS: u32 = 2;
const LANES: u32 = 1;
const OUTPUT_BYTES: usize = 32;

/// Working memory is reserved with more capacity than the C library's largest mmap threshold
/// (32 MiB), so it always comes from its own mapping and goes back to the system when dropped:
/// bursts of sign-ins do not leave the server tens of megabytes larger.
const RESERVED_BLOCKS: usize = 33 * 1024;

fn compute(params: Params, password: &[u8], salt: &[u8], out: &mut [u8]) -> anyhow::Result<()> {
    let blocks = params.block_count();
    let mut memory: Vec<argon2::Block> = Vec::with_capacity(RESERVED_BLOCKS.max(blocks));
    memory.resize(blocks, argon2::Block::default());
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
        .hash_password_into_with_memory(password, salt, out, &mut memory[..])
        .map_err(|e| anyhow::anyhow!("argon2: {e}"))
}

/// Hashes a password (PHC string).
pub fn hash(password: &str) -> anyhow::Result<String> {
    let mut salt_bytes = [0u8; 16];
    rand::RngCore::fill_bytes(&mut rand::rng(), &mut salt_bytes);
    let salt = SaltString::encode_b64(&salt_bytes).map_err(|e| anyhow::anyhow!("salt: {e}"))?;
    let params = Params::new(MEMORY_KIB, ITERATIONS, LANES, Some(OUTPUT_BYTES))
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let mut out = [0u8; OUTPUT_BYTES];
    compute(params, password.as_bytes(), &salt_bytes, &mut out)?;
    let out = Output::new(&out).map_err(|e| anyhow::anyhow!("{e}"))?;
    Ok(format!(
        "$argon2id$v=19$m={MEMORY_KIB},t={ITERATIONS},p={LANES}${}${out}",
        salt.as_str()
    ))
}

/// Checks a password against a stored hash (the comparison is constant time).
pub fn verify(password: &str, stored: &str) -> bool {
    let check = || -> Option<bool> {
        let parsed = PasswordHash::new(stored).ok()?;
        if parsed.algorithm.as_str() != "argon2id" {
            return None;
        }
        let params = Params::try_from(&parsed).ok()?;
        let mut salt_buf = [0u8; 64];
        let salt = parsed.salt?.decode_b64(&mut salt_buf).ok()?;
        let expected = parsed.hash?;
        let mut out = vec![0u8; expected.len()];
        compute(params, password.as_bytes(), salt, &mut out).ok()?;
        Some(Output::new(&out).ok()? == expected)
    };
    check().unwrap_or(false)
}

/// Password hashes computed at once: each takes 19 MiB and a core for tens of milliseconds, so
/// they run off the async workers, a bounded number at a time.
pub const CONCURRENT_PASSWORD_HASHES: usize = 2;

static HASHING: tokio::sync::Semaphore =
    tokio::sync::Semaphore::const_new(CONCURRENT_PASSWORD_HASHES);

async fn off_the_runtime<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> anyhow::Result<T> {
    let _permit = HASHING.acquire().await?;
    Ok(tokio::task::spawn_blocking(work).await?)
}

/// [`hash`] on a blocking thread.
pub async fn hash_async(password: String) -> anyhow::Result<String> {
    off_the_runtime(move || hash(&password)).await?
}

/// [`verify`] on a blocking thread; with no stored hash, verifies against a dummy (same timing)
/// and answers false.
pub async fn verify_async(password: String, stored: Option<String>) -> bool {
    off_the_runtime(move || match stored {
        Some(h) => verify(&password, &h),
        None => {
            dummy_verify(&password);
            false
        }
    })
    .await
    .unwrap_or(false)
}

/// A hash to verify against when the account does not exist, so timing does not reveal it.
pub fn dummy_verify(password: &str) {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    let stored = DUMMY.get_or_init(|| hash("not a real password").unwrap_or_default());
    let _ = verify(password, stored);
}

#[cfg(test)]
mod tests {
    #[test]
    fn hash_and_verify() {
        let h = super::hash("correct horse battery").unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(super::verify("correct horse battery", &h));
        assert!(!super::verify("wrong", &h));
        assert!(!super::verify("x", "not a hash"));
    }

    #[test]
    fn compatible_with_the_reference_phc_implementation() {
        use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
        let ours = super::hash("pass phrase 123").unwrap();
        let parsed = PasswordHash::new(&ours).unwrap();
        assert!(
            argon2::Argon2::default()
                .verify_password(b"pass phrase 123", &parsed)
                .is_ok()
        );
        let salt = SaltString::encode_b64(b"0123456789abcdef").unwrap();
        let theirs = argon2::Argon2::default()
            .hash_password(b"pass phrase 123", &salt)
            .unwrap()
            .to_string();
        assert!(super::verify("pass phrase 123", &theirs));
        assert!(!super::verify("pass phrase 124", &theirs));
    }
}
