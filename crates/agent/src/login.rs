//! The sharer's sign-in: the person at the device, not the device. `assist agent login` signs
//! the user in once and keeps an API token (`user.json`, 0600, in the agent's config directory)
//! that later `assist agent join` requests carry as `Authorization: Bearer`, next to the device's
//! signature.
//!
//! Password sign-in: `POST /api/auth/login` (cookie), then `POST /api/tokens` with that cookie.
//! Single sign-on: through the system browser with a loopback redirect (`sso.rs`), then
//! `POST /api/auth/agent/token` with the one-time code and the PKCE verifier.

use std::path::Path;

use assist_proto::api::{
    AGENT_TOKEN_PATH, AgentToken, AgentTokenRequest, CreateToken, CreatedTokenSecret, LOGIN_PATH,
    LoginRequest, PROVIDERS_PATH, Providers, SignedIn, TOKENS_PATH, UserSummary,
};
use serde::{Deserialize, Serialize};

use crate::http::{Client, HttpError};
use crate::identity::{IdentityError, TlsTrust, create_private_dir, write_private};
use crate::sso::{self, Loopback, Secrets, SsoError};
use std::time::Duration;

/// Name of the user's token file in the config directory.
pub const USER_FILE: &str = "user.json";
/// Days an agent token lives before the user signs in again.
pub const TOKEN_DAYS: i64 = 90;

/// Why signing in failed.
#[derive(Debug, thiserror::Error)]
pub enum LoginError {
    #[error(transparent)]
    Http(#[from] HttpError),
    #[error(transparent)]
    Identity(#[from] IdentityError),
    #[error("nobody is signed in on this agent ({0} does not exist); run `assist agent login`")]
    NotSignedIn(String),
    #[error("{path} is not a valid sign-in file: {reason}")]
    Invalid { path: String, reason: String },
    #[error("the signed-in user's server ({token}) is not the device's server ({device})")]
    ServerMismatch { token: String, device: String },
    #[error(transparent)]
    Sso(#[from] SsoError),
    #[error(
        "single sign-on is not enabled on {0}; an administrator turns it on, or sign in with --email"
    )]
    SsoDisabled(String),
}

/// A signed-in user: the API token and who it belongs to.
#[derive(Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UserToken {
    /// The server the token is for.
    pub server: String,
    /// The user's email.
    pub email: String,
    /// The user's full name, as the server knows it.
    pub full_name: String,
    /// The API token (`at_...`).
    pub token: String,
}

impl std::fmt::Debug for UserToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UserToken")
            .field("server", &self.server)
            .field("email", &self.email)
            .field("token", &"<secret>")
            .finish()
    }
}

impl UserToken {
    /// Reads `user.json` from `dir`.
    pub fn load(dir: &Path) -> Result<UserToken, LoginError> {
        let path = dir.join(USER_FILE);
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(LoginError::NotSignedIn(path.display().to_string()));
            }
            Err(source) => return Err(IdentityError::Io { path, source }.into()),
        };
        serde_json::from_str(&text).map_err(|e| LoginError::Invalid {
            path: path.display().to_string(),
            reason: e.to_string(),
        })
    }

    /// Writes `user.json` into `dir` (directory 0700, file 0600).
    pub fn save(&self, dir: &Path) -> Result<(), LoginError> {
        create_private_dir(dir)?;
        let json = serde_json::to_vec_pretty(self).map_err(|e| LoginError::Invalid {
            path: USER_FILE.into(),
            reason: e.to_string(),
        })?;
        write_private(&dir.join(USER_FILE), &json)?;
        Ok(())
    }
}

/// Signs in with a password (and the authenticator code when the account has a second factor)
/// and creates an API token named after `device_name`.
pub async fn with_password(
    server: &str,
    tls: &TlsTrust,
    email: &str,
    password: &str,
    totp: Option<&str>,
    device_name: &str,
) -> Result<UserToken, LoginError> {
    let client = Client::with_cookies(server, tls)?;
    let me: SignedIn = client
        .post(
            LOGIN_PATH,
            &LoginRequest {
                email: email.to_owned(),
                password: password.to_owned(),
                totp: totp.map(str::to_owned),
            },
            None,
        )
        .await?;
    let name: String = format!("assist agent on {device_name}")
        .chars()
        .take(100)
        .collect();
    let created: CreatedTokenSecret = client
        .post(
            TOKENS_PATH,
            &CreateToken {
                name,
                expires_in_days: Some(TOKEN_DAYS),
            },
            None,
        )
        .await?;
    Ok(user_token(&client, me.user, created.token))
}

/// How the single sign-on reaches the person: where to open the browser.
pub trait SsoPrompt {
    /// Called with the address to open once the listener is ready.
    fn open(&self, url: &str);
}

/// Signs in with single sign-on through the system browser (RFC 8252 loopback redirect) and
/// creates an API token named after `device_name`. `prompt` shows or opens the address.
pub async fn with_sso(
    server: &str,
    tls: &TlsTrust,
    device_name: &str,
    prompt: &dyn SsoPrompt,
) -> Result<UserToken, LoginError> {
    let client = Client::new(server, tls)?;
    let providers: Providers = client
        .send::<(), _>("GET", PROVIDERS_PATH, None, None, None)
        .await?;
    if !providers.oidc.enabled {
        return Err(LoginError::SsoDisabled(client.base().to_owned()));
    }
    let listener = Loopback::bind().await?;
    let secrets = Secrets::new();
    prompt.open(&sso::login_url(
        client.base(),
        &listener.redirect_uri(),
        &secrets,
    ));
    let code = listener
        .wait(&secrets.state, Duration::from_secs(sso::SSO_WAIT_SECS))
        .await?;
    let answer: AgentToken = client
        .post(
            AGENT_TOKEN_PATH,
            &AgentTokenRequest {
                code,
                code_verifier: secrets.verifier.clone(),
                device_name: Some(device_name.to_owned()),
                expires_in_days: Some(TOKEN_DAYS),
            },
            None,
        )
        .await?;
    Ok(user_token(&client, answer.user, answer.token))
}

/// The signed-in user's token file contents for `client`'s server.
fn user_token(client: &Client, user: UserSummary, token: String) -> UserToken {
    UserToken {
        server: client.base().to_owned(),
        email: user.email,
        full_name: user.full_name,
        token,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_file_round_trips_owner_only() {
        let dir = tempfile::tempdir().unwrap();
        let t = UserToken {
            server: "http://127.0.0.1:1".into(),
            email: "sam@example.com".into(),
            full_name: "Sam".into(),
            token: "at_secret".into(),
        };
        t.save(dir.path()).unwrap();
        let back = UserToken::load(dir.path()).unwrap();
        assert_eq!(back.token, "at_secret");
        assert!(!format!("{back:?}").contains("at_secret"));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(dir.path().join(USER_FILE))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }

    #[test]
    fn missing_token_file_says_to_log_in() {
        let dir = tempfile::tempdir().unwrap();
        let e = UserToken::load(dir.path()).unwrap_err();
        assert!(e.to_string().contains("assist agent login"), "{e}");
    }
}
