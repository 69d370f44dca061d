//! Enrollment: a new key pair, `POST /api/agent/enroll` with the token and the first report,
//! then the identity saved (owner-only) in the config directory.

use crate::facts::System;
use crate::http::{Client, HttpError};
use crate::identity::{self, Identity, IdentityError, TlsTrust};
use assist_proto::device::{ENROLL_PATH, Enroll};
use std::path::Path;

pub use assist_proto::device::Enrolled;

/// Why enrollment or a check-in failed.
#[derive(Debug, thiserror::Error)]
pub enum DeviceError {
    #[error(transparent)]
    Identity(#[from] IdentityError),
    #[error(transparent)]
    Http(#[from] HttpError),
}

/// What to enroll with.
#[derive(Debug, Clone)]
pub struct EnrollOptions {
    pub server: String,
    pub token: String,
    /// The device's name (default: its host name).
    pub name: Option<String>,
    pub tls: TlsTrust,
    /// Replace an existing identity.
    pub force: bool,
}

/// Enrolls this device (facts from `system`) and saves its identity in `config_dir`.
pub async fn enroll(
    opts: &EnrollOptions,
    system: &System,
    config_dir: &Path,
) -> Result<(Identity, Enrolled), DeviceError> {
    if !opts.force {
        Identity::ensure_absent(config_dir)?;
    }
    // Fail on an unusable directory before the token is spent.
    identity::create_private_dir(config_dir)?;
    let client = Client::new(&opts.server, &opts.tls)?;
    let key = identity::new_key();
    let report = system.report();
    let name = opts
        .name
        .as_deref()
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .map(str::to_owned);
    let answer: Enrolled = client
        .post(
            ENROLL_PATH,
            &Enroll::new(
                opts.token.trim(),
                identity::public_key_b64(&key),
                report,
                name,
            ),
            None,
        )
        .await?;
    let id = Identity {
        server: crate::http::parse_server(&opts.server)?
            .as_str()
            .trim_end_matches('/')
            .to_owned(),
        device_id: answer.device_id.clone(),
        key,
        tls: opts.tls.clone(),
    };
    id.save(config_dir)?;
    Ok((id, answer))
}
