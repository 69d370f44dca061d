//! TLS: a self-signed certificate generated once and kept in the data directory, or given files,
//! and the rustls configuration the server accepts connections with.

use crate::config::TlsMode;
use anyhow::Context;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Paths of the certificate chain and key to serve with, creating a self-signed pair if needed.
/// `None` when TLS is off.
pub fn cert_files(mode: &TlsMode, data: &Path) -> anyhow::Result<Option<(PathBuf, PathBuf)>> {
    match mode {
        TlsMode::Off => Ok(None),
        TlsMode::Files { cert, key } => Ok(Some((cert.clone(), key.clone()))),
        TlsMode::SelfSigned => {
            let cert = data.join("tls-cert.pem");
            let key = data.join("tls-key.pem");
            if !cert.exists() || !key.exists() {
                let names = vec![
                    "localhost".to_string(),
                    "127.0.0.1".to_string(),
                    "::1".to_string(),
                ];
                let ck = rcgen::generate_simple_self_signed(names)
                    .context("generating a self-signed certificate")?;
                std::fs::write(&cert, ck.cert.pem())
                    .with_context(|| format!("writing {}", cert.display()))?;
                write_private(&key, ck.signing_key.serialize_pem().as_bytes())?;
                tracing::info!(cert = %cert.display(), "generated a self-signed certificate");
            }
            Ok(Some((cert, key)))
        }
    }
}

mod stream;

pub use stream::{TlsStream, accept};

/// The server's TLS configuration for a certificate chain and key in PEM files. Offers HTTP/1.1
/// only (ALPN), the one protocol the server speaks.
pub fn server_config(cert: &Path, key: &Path) -> anyhow::Result<Arc<rustls::ServerConfig>> {
    let _ = rustls::crypto::aws_lc_rs::default_provider().install_default();
    let loading = |e: &dyn std::fmt::Display| {
        anyhow::anyhow!("loading TLS certificate {}: {e}", cert.display())
    };
    let chain = CertificateDer::pem_file_iter(cert)
        .and_then(|certs| certs.collect::<Result<Vec<_>, _>>())
        .map_err(|e| loading(&e))?;
    if chain.is_empty() {
        return Err(loading(&"no certificate in the file"));
    }
    let key = PrivateKeyDer::from_pem_file(key)
        .map_err(|e| anyhow::anyhow!("loading TLS key {}: {e}", key.display()))?;
    let mut config = rustls::ServerConfig::builder()
        .with_no_client_auth()
        .with_single_cert(chain, key)
        .map_err(|e| loading(&e))?;
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(Arc::new(config))
}

/// Writes a file readable only by its owner.
pub fn write_private(path: &Path, data: &[u8]) -> anyhow::Result<()> {
    use std::io::Write;
    #[cfg(unix)]
    use std::os::unix::fs::OpenOptionsExt;
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create(true).truncate(true);
    #[cfg(unix)]
    opts.mode(0o600);
    let mut f = opts
        .open(path)
        .with_context(|| format!("writing {}", path.display()))?;
    f.write_all(data)?;
    Ok(())
}
