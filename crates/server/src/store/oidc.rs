//! Single sign-on: the tenant's OpenID Connect settings, pending logins (state, nonce and PKCE
//! verifier kept server-side until the callback), linking accounts to their subject, and the
//! one-time codes that hand a single sign-on to the native agent.

use super::audit::AuditEntry;
use super::{Store, b};
use crate::clock::now_ms;
use sqlx::Row;

/// The sign-in button's text when none is set (pages show it in their own language).
pub const DEFAULT_BUTTON_LABEL: &str = "Sign in with single sign-on";

/// The tenant's OpenID Connect settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OidcSettings {
    pub enabled: bool,
    /// The issuer identifier; discovery reads `{issuer}/.well-known/openid-configuration`.
    pub issuer: String,
    pub client_id: String,
    /// Absent for a public client (PKCE only).
    pub client_secret: Option<String>,
    /// Email domains allowed to sign in (lower case); empty: any.
    pub allowed_domains: Vec<String>,
    /// The text of the sign-in button.
    pub button_label: String,
    pub updated_at: i64,
}

/// A login between the redirect to the provider and the callback.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingLogin {
    pub nonce: String,
    pub pkce_verifier: String,
    pub redirect_uri: String,
    pub expires_at: i64,
    /// Started by the native agent: where the browser goes back to, instead of the web app.
    pub agent: Option<AgentReturn>,
}

/// The native agent's side of a login (RFC 8252): its loopback redirect, its state (echoed back
/// to it) and its PKCE challenge (S256), which the one-time code is bound to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgentReturn {
    pub redirect: String,
    pub state: String,
    pub challenge: String,
}

/// A one-time code for the agent, as stored (the code itself only as a hash).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgentCode {
    pub user_id: String,
    pub challenge: String,
    pub expires_at: i64,
}

impl Store {
    /// The tenant's settings, if any were saved.
    pub async fn oidc_settings(&self, tenant_id: &str) -> sqlx::Result<Option<OidcSettings>> {
        let row = sqlx::query("SELECT * FROM oidc_settings WHERE tenant_id = $1")
            .bind(tenant_id)
            .fetch_optional(self.pool())
            .await?;
        row.map(|r| {
            Ok(OidcSettings {
                enabled: r.try_get::<i64, _>("enabled")? != 0,
                issuer: r.try_get("issuer")?,
                client_id: r.try_get("client_id")?,
                client_secret: r.try_get("client_secret")?,
                allowed_domains: serde_json::from_str(&r.try_get::<String, _>("allowed_domains")?)
                    .unwrap_or_default(),
                button_label: r.try_get("button_label")?,
                updated_at: r.try_get("updated_at")?,
            })
        })
        .transpose()
    }

    /// Saves the tenant's settings.
    pub async fn put_oidc_settings(
        &self,
        tenant_id: &str,
        s: &OidcSettings,
        audit: &AuditEntry,
    ) -> sqlx::Result<()> {
        let mut w = self.audited(tenant_id).await?;
        sqlx::query(
            "INSERT INTO oidc_settings (tenant_id, enabled, issuer, client_id, client_secret, allowed_domains, \
             button_label, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
             ON CONFLICT (tenant_id) DO UPDATE SET enabled = excluded.enabled, issuer = excluded.issuer, \
             client_id = excluded.client_id, client_secret = excluded.client_secret, \
             allowed_domains = excluded.allowed_domains, button_label = excluded.button_label, \
             updated_at = excluded.updated_at",
        )
        .bind(tenant_id)
        .bind(b(s.enabled))
        .bind(&s.issuer)
        .bind(&s.client_id)
        .bind(&s.client_secret)
        .bind(serde_json::to_string(&s.allowed_domains).unwrap_or_else(|_| "[]".into()))
        .bind(&s.button_label)
        .bind(now_ms())
        .execute(crate::store::counting(&mut **w.tx()))
        .await?;
        w.commit(audit).await
    }

    /// Pending logins that have not expired.
    pub async fn count_pending_oidc_logins(&self) -> sqlx::Result<i64> {
        sqlx::query("SELECT COUNT(*) AS n FROM oidc_logins WHERE expires_at > $1")
            .bind(now_ms())
            .fetch_one(self.pool())
            .await?
            .try_get("n")
    }

    /// Records a pending login under the hash of its state; forgets expired ones.
    pub async fn put_pending_oidc_login(
        &self,
        tenant_id: &str,
        state_hash: &str,
        login: &PendingLogin,
    ) -> sqlx::Result<()> {
        let now = now_ms();
        sqlx::query("DELETE FROM oidc_logins WHERE expires_at <= $1")
            .bind(now)
            .execute(self.pool())
            .await?;
        sqlx::query(
            "INSERT INTO oidc_logins (state_hash, tenant_id, nonce, pkce_verifier, redirect_uri, created_at, expires_at, \
             agent_redirect, agent_state, agent_challenge) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        .bind(state_hash)
        .bind(tenant_id)
        .bind(&login.nonce)
        .bind(&login.pkce_verifier)
        .bind(&login.redirect_uri)
        .bind(now)
        .bind(login.expires_at)
        .bind(login.agent.as_ref().map(|a| a.redirect.as_str()))
        .bind(login.agent.as_ref().map(|a| a.state.as_str()))
        .bind(login.agent.as_ref().map(|a| a.challenge.as_str()))
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// Takes a pending login (single use): `None` when unknown, already taken or expired.
    pub async fn take_pending_oidc_login(
        &self,
        tenant_id: &str,
        state_hash: &str,
    ) -> sqlx::Result<Option<PendingLogin>> {
        let row = sqlx::query(
            "SELECT nonce, pkce_verifier, redirect_uri, expires_at, agent_redirect, agent_state, agent_challenge \
             FROM oidc_logins \
             WHERE tenant_id = $1 AND state_hash = $2",
        )
        .bind(tenant_id)
        .bind(state_hash)
        .fetch_optional(self.pool())
        .await?;
        let Some(r) = row else { return Ok(None) };
        // Whoever deletes the row owns the login: a replayed callback finds nothing to delete.
        let done = sqlx::query("DELETE FROM oidc_logins WHERE tenant_id = $1 AND state_hash = $2")
            .bind(tenant_id)
            .bind(state_hash)
            .execute(self.pool())
            .await?;
        if done.rows_affected() == 0 {
            return Ok(None);
        }
        let login = PendingLogin {
            nonce: r.try_get("nonce")?,
            pkce_verifier: r.try_get("pkce_verifier")?,
            redirect_uri: r.try_get("redirect_uri")?,
            expires_at: r.try_get("expires_at")?,
            agent: match (
                r.try_get::<Option<String>, _>("agent_redirect")?,
                r.try_get::<Option<String>, _>("agent_state")?,
                r.try_get::<Option<String>, _>("agent_challenge")?,
            ) {
                (Some(redirect), Some(state), Some(challenge)) => Some(AgentReturn {
                    redirect,
                    state,
                    challenge,
                }),
                _ => None,
            },
        };
        Ok((login.expires_at > now_ms()).then_some(login))
    }

    /// Binds an account to its single sign-on subject.
    pub async fn link_oidc_subject(&self, user_id: &str, subject: &str) -> sqlx::Result<()> {
        sqlx::query("UPDATE users SET oidc_subject = $1, updated_at = $2 WHERE id = $3")
            .bind(subject)
            .bind(now_ms())
            .bind(user_id)
            .execute(self.pool())
            .await?;
        Ok(())
    }

    /// Records a one-time code for the agent under its hash; forgets expired ones.
    pub async fn put_agent_code(
        &self,
        tenant_id: &str,
        code_hash: &str,
        code: &AgentCode,
    ) -> sqlx::Result<()> {
        let now = now_ms();
        sqlx::query("DELETE FROM agent_login_codes WHERE expires_at <= $1")
            .bind(now)
            .execute(self.pool())
            .await?;
        sqlx::query(
            "INSERT INTO agent_login_codes (code_hash, tenant_id, user_id, challenge, created_at, expires_at) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(code_hash)
        .bind(tenant_id)
        .bind(&code.user_id)
        .bind(&code.challenge)
        .bind(now)
        .bind(code.expires_at)
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// Takes a one-time code (single use, whatever the outcome of its check): `None` when
    /// unknown, already taken or expired.
    pub async fn take_agent_code(
        &self,
        tenant_id: &str,
        code_hash: &str,
    ) -> sqlx::Result<Option<AgentCode>> {
        let row = sqlx::query(
            "SELECT user_id, challenge, expires_at FROM agent_login_codes \
             WHERE tenant_id = $1 AND code_hash = $2",
        )
        .bind(tenant_id)
        .bind(code_hash)
        .fetch_optional(self.pool())
        .await?;
        let Some(r) = row else { return Ok(None) };
        // As for pending logins: whoever deletes the row owns the code.
        let done =
            sqlx::query("DELETE FROM agent_login_codes WHERE tenant_id = $1 AND code_hash = $2")
                .bind(tenant_id)
                .bind(code_hash)
                .execute(self.pool())
                .await?;
        if done.rows_affected() == 0 {
            return Ok(None);
        }
        let code = AgentCode {
            user_id: r.try_get("user_id")?,
            challenge: r.try_get("challenge")?,
            expires_at: r.try_get("expires_at")?,
        };
        Ok((code.expires_at > now_ms()).then_some(code))
    }
}
