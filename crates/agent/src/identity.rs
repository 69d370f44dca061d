//! The device's identity: its Ed25519 key, its id and its server, kept in the agent's config
//! directory with owner-only permissions (directory 0700, files 0600).
//!
//! Files: `identity.json` (server, device id, private key, TLS choice) and, when the server's
//! certificate is pinned, `ca.pem`.

use base64::Engine;
use ed25519_dalek::SigningKey;
use rand::RngCore;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// Name of the identity file in the config directory.
pub const IDENTITY_FILE: &str = "identity.json";
/// Name of the pinned CA certificate in the config directory.
pub const CA_FILE: &str = "ca.pem";
/// Name of the config directory under `$XDG_CONFIG_HOME` (or `/etc` for root).
pub const CONFIG_DIR_NAME: &str = "assist-agent";

/// Why the identity could not be read or written.
#[derive(Debug, thiserror::Error)]
pub enum IdentityError {
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path} is not a valid identity file: {reason}")]
    Invalid { path: PathBuf, reason: String },
    #[error("this device is already enrolled ({path} exists); remove it or enroll with --force")]
    AlreadyEnrolled { path: PathBuf },
    #[error("this device is not enrolled ({path} does not exist); run `assist agent enroll` first")]
    NotEnrolled { path: PathBuf },
    #[error("cannot find a config directory: set XDG_CONFIG_HOME or HOME, or give --config-dir")]
    NoConfigDir,
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> IdentityError + '_ {
    move |source| IdentityError::Io {
        path: path.to_owned(),
        source,
    }
}

/// How the agent trusts the server's certificate.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TlsTrust {
    /// Accept any certificate (tests only: says so loudly in the logs).
    #[serde(default)]
    pub insecure: bool,
    /// A pinned CA (or self-signed server) certificate, PEM: only it is trusted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ca_pem: Option<String>,
}

/// An enrolled device's identity.
#[derive(Clone)]
pub struct Identity {
    /// The server's base URL, e.g. `https://help.example.com`.
    pub server: String,
    pub device_id: String,
    pub key: SigningKey,
    pub tls: TlsTrust,
}

impl std::fmt::Debug for Identity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Identity")
            .field("server", &self.server)
            .field("device_id", &self.device_id)
            .field("key", &"<private>")
            .field("tls", &self.tls)
            .finish()
    }
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct IdentityFile {
    server: String,
    device_id: String,
    /// Base64 of the 32-byte Ed25519 private key (seed).
    private_key: String,
    #[serde(default)]
    insecure_tls: bool,
}

/// A new random Ed25519 key pair (from the operating system's CSPRNG through `rand`).
pub fn new_key() -> SigningKey {
    let mut seed = [0u8; 32];
    rand::rng().fill_bytes(&mut seed);
    SigningKey::from_bytes(&seed)
}

/// Base64 (standard) of the public half of `key`, as the server expects it
/// (`assist_proto::signing::public_key_b64`).
pub fn public_key_b64(key: &SigningKey) -> String {
    assist_proto::signing::public_key_b64(&key.verifying_key())
}

/// The default config directory: `/etc/assist-agent` when running as root, otherwise
/// `$XDG_CONFIG_HOME/assist-agent` (or `~/.config/assist-agent`).
pub fn default_config_dir() -> Result<PathBuf, IdentityError> {
    if is_root() {
        return Ok(PathBuf::from("/etc").join(CONFIG_DIR_NAME));
    }
    if let Some(x) = std::env::var_os("XDG_CONFIG_HOME").filter(|v| !v.is_empty()) {
        return Ok(PathBuf::from(x).join(CONFIG_DIR_NAME));
    }
    match std::env::var_os("HOME").filter(|v| !v.is_empty()) {
        Some(h) => Ok(PathBuf::from(h).join(".config").join(CONFIG_DIR_NAME)),
        None => Err(IdentityError::NoConfigDir),
    }
}

/// Whether the process runs with the effective user id 0 (`/proc/self` belongs to that user).
pub fn is_root() -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        std::fs::metadata("/proc/self").is_ok_and(|m| m.uid() == 0)
    }
    #[cfg(not(unix))]
    {
        false
    }
}

impl Identity {
    /// Reads the identity from `dir`.
    pub fn load(dir: &Path) -> Result<Identity, IdentityError> {
        let path = dir.join(IDENTITY_FILE);
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(IdentityError::NotEnrolled { path });
            }
            Err(e) => return Err(io(&path)(e)),
        };
        let invalid = |reason: String| IdentityError::Invalid {
            path: path.clone(),
            reason,
        };
        let f: IdentityFile = serde_json::from_str(&text).map_err(|e| invalid(e.to_string()))?;
        let raw = base64::engine::general_purpose::STANDARD
            .decode(f.private_key.trim())
            .map_err(|e| invalid(format!("private_key: {e}")))?;
        let seed: [u8; 32] = raw
            .try_into()
            .map_err(|_| invalid("private_key must be 32 bytes".into()))?;
        let ca_path = dir.join(CA_FILE);
        let ca_pem = match std::fs::read_to_string(&ca_path) {
            Ok(p) => Some(p),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            Err(e) => return Err(io(&ca_path)(e)),
        };
        Ok(Identity {
            server: f.server,
            device_id: f.device_id,
            key: SigningKey::from_bytes(&seed),
            tls: TlsTrust {
                insecure: f.insecure_tls,
                ca_pem,
            },
        })
    }

    /// Fails if `dir` already holds an identity.
    pub fn ensure_absent(dir: &Path) -> Result<(), IdentityError> {
        let path = dir.join(IDENTITY_FILE);
        if path.exists() {
            return Err(IdentityError::AlreadyEnrolled { path });
        }
        Ok(())
    }

    /// Writes the identity to `dir` (created 0700 if needed), files 0600, replacing any before.
    pub fn save(&self, dir: &Path) -> Result<(), IdentityError> {
        create_private_dir(dir)?;
        let f = IdentityFile {
            server: self.server.clone(),
            device_id: self.device_id.clone(),
            private_key: base64::engine::general_purpose::STANDARD.encode(self.key.to_bytes()),
            insecure_tls: self.tls.insecure,
        };
        let path = dir.join(IDENTITY_FILE);
        let text = serde_json::to_string_pretty(&f).map_err(|e| IdentityError::Invalid {
            path: path.clone(),
            reason: e.to_string(),
        })?;
        let ca = dir.join(CA_FILE);
        match &self.tls.ca_pem {
            Some(pem) => write_private(&ca, pem.as_bytes())?,
            None => match std::fs::remove_file(&ca) {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err(io(&ca)(e)),
            },
        }
        write_private(&path, text.as_bytes())
    }
}

/// Creates `dir` (and parents) and makes it owner-only.
pub fn create_private_dir(dir: &Path) -> Result<(), IdentityError> {
    std::fs::create_dir_all(dir).map_err(io(dir))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700)).map_err(io(dir))?;
    }
    Ok(())
}

/// Writes a file readable only by its owner: to a temporary file (0600) then renamed over, so a
/// crash never leaves half an identity.
pub fn write_private(path: &Path, data: &[u8]) -> Result<(), IdentityError> {
    use std::io::Write;
    let tmp = path.with_extension("tmp");
    let _ = std::fs::remove_file(&tmp);
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    let mut f = opts.open(&tmp).map_err(io(&tmp))?;
    f.write_all(data).map_err(io(&tmp))?;
    f.sync_all().map_err(io(&tmp))?;
    drop(f);
    std::fs::rename(&tmp, path).map_err(io(path))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identity_round_trips_with_owner_only_permissions() {
        let dir = tempfile::tempdir().unwrap();
        let cfg = dir.path().join("cfg");
        assert!(matches!(
            Identity::load(&cfg),
            Err(IdentityError::NotEnrolled { .. })
        ));
        let id = Identity {
            server: "https://help.example.com".into(),
            device_id: "a".repeat(32),
            key: new_key(),
            tls: TlsTrust {
                insecure: false,
                ca_pem: Some("-----BEGIN CERTIFICATE-----\n...".into()),
            },
        };
        id.save(&cfg).unwrap();
        assert!(Identity::ensure_absent(&cfg).is_err());
        let back = Identity::load(&cfg).unwrap();
        assert_eq!(back.server, id.server);
        assert_eq!(back.device_id, id.device_id);
        assert_eq!(back.key.to_bytes(), id.key.to_bytes());
        assert_eq!(back.tls, id.tls);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode(&cfg), 0o700);
            assert_eq!(mode(&cfg.join(IDENTITY_FILE)), 0o600);
            assert_eq!(mode(&cfg.join(CA_FILE)), 0o600);
        }
        assert!(format!("{back:?}").contains("<private>"));
    }

    #[test]
    fn corrupt_identity_is_an_error_not_a_panic() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(IDENTITY_FILE), "{").unwrap();
        assert!(matches!(
            Identity::load(dir.path()),
            Err(IdentityError::Invalid { .. })
        ));
        std::fs::write(
            dir.path().join(IDENTITY_FILE),
            r#"{"server":"x","device_id":"y","private_key":"AAAA"}"#,
        )
        .unwrap();
        assert!(matches!(
            Identity::load(dir.path()),
            Err(IdentityError::Invalid { .. })
        ));
    }

    #[test]
    fn keys_are_random() {
        assert_ne!(new_key().to_bytes(), new_key().to_bytes());
        assert_eq!(
            base64::engine::general_purpose::STANDARD
                .decode(public_key_b64(&new_key()))
                .unwrap()
                .len(),
            32
        );
    }
}
