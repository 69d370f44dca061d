//! TLS: a self-signed certificate generated once and kept in the data directory, or given files,
//! and the rustls configuration the server accepts connections with.

use crate::config::{Config, TlsMode};
use anyhow::Context;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Paths of the certificate chain and key to serve with, creating (or renewing) a self-signed
/// pair if needed. `None` when TLS is off.
pub fn cert_files(config: &Config) -> anyhow::Result<Option<(PathBuf, PathBuf)>> {
    match &config.tls {
        TlsMode::Off => Ok(None),
        TlsMode::Files { cert, key } => Ok(Some((cert.clone(), key.clone()))),
        TlsMode::SelfSigned => {
            let cert = config.data.join("tls-cert.pem");
            let key = config.data.join("tls-key.pem");
            let about = config.data.join("tls-cert.names");
            let names = self_signed_names(config);
            let now = time::OffsetDateTime::now_utc();
            let current = std::fs::read_to_string(&about)
                .ok()
                .and_then(|text| SelfSigned::parse(&text));
            let fresh = cert.exists()
                && key.exists()
                && current.is_some_and(|c| !c.needs_renewal(&names, now));
            if !fresh {
                // Keep the key where there is one, so that an agent that pinned the old
                // certificate (`--ca-cert`) still trusts the renewed one: same key, same subject.
                let kept = std::fs::read_to_string(&key)
                    .ok()
                    .and_then(|pem| rcgen::KeyPair::from_pem(&pem).ok());
                let key_pair = match kept {
                    Some(k) => k,
                    None => rcgen::KeyPair::generate().context("generating a TLS key")?,
                };
                let made = SelfSigned::new(names, now);
                let pem = made.generate(&key_pair)?;
                std::fs::write(&cert, pem)
                    .with_context(|| format!("writing {}", cert.display()))?;
                write_private(&key, key_pair.serialize_pem().as_bytes())?;
                std::fs::write(&about, made.to_text())
                    .with_context(|| format!("writing {}", about.display()))?;
                tracing::info!(
                    cert = %cert.display(),
                    names = ?made.names,
                    "generated a self-signed certificate"
                );
            }
            Ok(Some((cert, key)))
        }
    }
}

/// The names a self-signed certificate covers: loopback, the listen address (unless it is
/// every address), and the public URL's host.
pub fn self_signed_names(config: &Config) -> Vec<String> {
    let mut names = vec![
        "localhost".to_string(),
        "127.0.0.1".to_string(),
        "::1".to_string(),
    ];
    let listen = config.listen.ip();
    if !listen.is_unspecified() {
        names.push(listen.to_string());
    }
    if let Some(host) = config
        .public_url
        .as_deref()
        .and_then(|u| openidconnect::url::Url::parse(u).ok())
        .and_then(|u| u.host_str().map(|h| h.trim_matches(['[', ']']).to_owned()))
    {
        names.push(host);
    }
    let mut seen = std::collections::BTreeSet::new();
    names.retain(|n| seen.insert(n.clone()));
    names
}

/// What the server knows of the self-signed certificate it made: the names and when it ends
/// (kept beside it, in `tls-cert.names`).
#[derive(Debug, Clone, PartialEq)]
pub struct SelfSigned {
    pub names: Vec<String>,
    pub not_before: time::OffsetDateTime,
    pub not_after: time::OffsetDateTime,
}

impl SelfSigned {
    /// A certificate for `names`, valid from a day before `now` for
    /// `SELF_SIGNED_CERT_DAYS`.
    pub fn new(names: Vec<String>, now: time::OffsetDateTime) -> SelfSigned {
        SelfSigned {
            names,
            not_before: now - time::Duration::days(1),
            not_after: now + time::Duration::days(crate::limits::SELF_SIGNED_CERT_DAYS),
        }
    }

    /// Whether to make a new one: it ends within `SELF_SIGNED_RENEW_DAYS`, or does not cover
    /// every name it should.
    pub fn needs_renewal(&self, names: &[String], now: time::OffsetDateTime) -> bool {
        let left = self.not_after - now;
        left < time::Duration::days(crate::limits::SELF_SIGNED_RENEW_DAYS)
            || names.iter().any(|n| !self.names.contains(n))
    }

    /// The certificate, signed by `key`, as PEM.
    fn generate(&self, key: &rcgen::KeyPair) -> anyhow::Result<String> {
        let mut params = rcgen::CertificateParams::new(self.names.clone())
            .context("the names of the self-signed certificate")?;
        params.distinguished_name = rcgen::DistinguishedName::new();
        params
            .distinguished_name
            .push(rcgen::DnType::CommonName, "Assist self-signed");
        params.not_before = self.not_before;
        params.not_after = self.not_after;
        let cert = params
            .self_signed(key)
            .context("signing the self-signed certificate")?;
        Ok(cert.pem())
    }

    /// `not_after` (Unix seconds) on the first line, one name a line after it.
    fn to_text(&self) -> String {
        let mut text = format!(
            "{} {}\n",
            self.not_before.unix_timestamp(),
            self.not_after.unix_timestamp()
        );
        for n in &self.names {
            text.push_str(n);
            text.push('\n');
        }
        text
    }

    fn parse(text: &str) -> Option<SelfSigned> {
        let mut lines = text.lines();
        let mut times = lines.next()?.split_whitespace();
        let at = |v: &str| {
            v.parse::<i64>()
                .ok()
                .and_then(|s| time::OffsetDateTime::from_unix_timestamp(s).ok())
        };
        let not_before = at(times.next()?)?;
        let not_after = at(times.next()?)?;
        Some(SelfSigned {
            names: lines.map(str::to_owned).filter(|l| !l.is_empty()).collect(),
            not_before,
            not_after,
        })
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

#[cfg(test)]
mod tests {
    use super::*;

    fn config(listen: &str, public_url: Option<&str>) -> Config {
        Config {
            listen: listen.parse().unwrap(),
            public_url: public_url.map(str::to_owned),
            ..Config::default()
        }
    }

    #[test]
    fn names_cover_loopback_the_listen_address_and_the_public_host() {
        let names = self_signed_names(&config("10.1.2.3:8443", Some("https://help.example.com/")));
        assert_eq!(
            names,
            [
                "localhost",
                "127.0.0.1",
                "::1",
                "10.1.2.3",
                "help.example.com"
            ]
        );
        let names = self_signed_names(&config("0.0.0.0:443", Some("https://[2001:db8::5]:8443")));
        assert_eq!(names, ["localhost", "127.0.0.1", "::1", "2001:db8::5"]);
    }

    #[test]
    fn a_year_long_renewed_near_its_end_or_for_new_names() {
        let now = time::OffsetDateTime::from_unix_timestamp(1_800_000_000).unwrap();
        let names = vec!["localhost".to_string(), "help.example.com".to_string()];
        let c = SelfSigned::new(names.clone(), now);
        assert_eq!(
            (c.not_after - now).whole_days(),
            crate::limits::SELF_SIGNED_CERT_DAYS
        );
        assert!(!c.needs_renewal(&names, now));
        assert!(!c.needs_renewal(&names[..1], now + time::Duration::days(300)));
        assert!(c.needs_renewal(&names, now + time::Duration::days(340)));
        assert!(c.needs_renewal(&["other.example.com".to_string()], now));
        assert_eq!(SelfSigned::parse(&c.to_text()), Some(c));
        assert_eq!(SelfSigned::parse("garbage"), None);
    }

    #[test]
    fn the_made_certificate_has_the_names_and_the_validity() {
        let dir = tempfile::tempdir().unwrap();
        let mut c = config("127.0.0.1:0", Some("https://help.example.com"));
        c.data = dir.path().to_path_buf();
        let (cert, key) = cert_files(&c).unwrap().unwrap();
        let pem = std::fs::read_to_string(&cert).unwrap();
        let key_before = std::fs::read_to_string(&key).unwrap();
        // rustls accepts it, and the recorded names and times are those asked for.
        server_config(&cert, &key).unwrap();
        let about =
            SelfSigned::parse(&std::fs::read_to_string(dir.path().join("tls-cert.names")).unwrap())
                .unwrap();
        assert!(about.names.contains(&"help.example.com".to_string()));
        let days = (about.not_after - about.not_before).whole_days();
        assert!((365..=367).contains(&days), "{days} days");
        // Starting again changes nothing; a new public host renews it with the same key.
        cert_files(&c).unwrap();
        assert_eq!(std::fs::read_to_string(&cert).unwrap(), pem);
        c.public_url = Some("https://assist.example.org".into());
        cert_files(&c).unwrap();
        assert_ne!(std::fs::read_to_string(&cert).unwrap(), pem);
        assert_eq!(std::fs::read_to_string(&key).unwrap(), key_before);
    }
}
