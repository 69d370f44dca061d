//! Sign-in sessions (the cookie) and API tokens. Only hashes of the secrets are stored.

use super::audit::AuditEntry;
use super::{Store, b, new_id};
use crate::clock::now_ms;
use serde::Serialize;
use sqlx::Row;

/// How precisely an API token's "last used" time is kept.
const TOKEN_USE_RESOLUTION_MS: i64 = 60_000;

/// What a valid credential says about its holder.
#[derive(Debug, Clone)]
pub struct Credential {
    pub user_id: String,
    /// A second factor was used when signing in (API tokens: false).
    pub second_factor: bool,
}

/// An API token as listed (never the secret).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ApiToken {
    pub id: String,
    pub name: String,
    pub created_at: i64,
    pub expires_at: Option<i64>,
    pub last_used_at: Option<i64>,
    pub revoked: bool,
}

/// A new API token: its name, the hash of its secret, when it expires.
#[derive(Debug, Clone, Copy)]
pub struct NewApiToken<'a> {
    pub name: &'a str,
    pub token_hash: &'a str,
    pub expires_at: Option<i64>,
}

impl Store {
    /// Records a sign-in session.
    pub async fn create_web_session(
        &self,
        token_hash: &str,
        user_id: &str,
        second_factor: bool,
        address: Option<&str>,
        ttl_ms: i64,
    ) -> sqlx::Result<()> {
        let now = now_ms();
        sqlx::query(
            "INSERT INTO web_sessions (token_hash, user_id, second_factor, address, created_at, expires_at) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(token_hash)
        .bind(user_id)
        .bind(b(second_factor))
        .bind(address)
        .bind(now)
        .bind(now + ttl_ms)
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// The live sign-in session with that token hash.
    pub async fn web_session(&self, token_hash: &str) -> sqlx::Result<Option<Credential>> {
        let row = sqlx::query("SELECT user_id, second_factor FROM web_sessions WHERE token_hash = $1 AND expires_at > $2")
            .bind(token_hash)
            .bind(now_ms())
            .fetch_optional(self.pool())
            .await?;
        row.map(|r| {
            Ok(Credential {
                user_id: r.try_get("user_id")?,
                second_factor: r.try_get::<i64, _>("second_factor")? != 0,
            })
        })
        .transpose()
    }

    /// Ends a sign-in session (a sign-out), with its audit entry when there is one (a cookie
    /// that no longer signs anyone in is forgotten without one).
    pub async fn delete_web_session(
        &self,
        tenant_id: &str,
        token_hash: &str,
        audit: Option<&AuditEntry>,
    ) -> sqlx::Result<()> {
        let delete = sqlx::query("DELETE FROM web_sessions WHERE token_hash = $1").bind(token_hash);
        match audit {
            Some(entry) => {
                let mut w = self.audited(tenant_id).await?;
                delete
                    .execute(crate::store::counting(&mut **w.tx()))
                    .await?;
                w.commit(entry).await
            }
            None => delete.execute(self.pool()).await.map(|_| ()),
        }
    }

    /// Removes expired sign-in sessions.
    pub async fn purge_web_sessions(&self) -> sqlx::Result<u64> {
        let done = sqlx::query("DELETE FROM web_sessions WHERE expires_at <= $1")
            .bind(now_ms())
            .execute(self.pool())
            .await?;
        Ok(done.rows_affected())
    }

    /// Creates an API token for a user of `tenant_id`, with the audit entry `audit` makes of it.
    pub async fn create_api_token(
        &self,
        tenant_id: &str,
        user_id: &str,
        token: &NewApiToken<'_>,
        audit: impl FnOnce(&ApiToken) -> AuditEntry,
    ) -> sqlx::Result<ApiToken> {
        let NewApiToken {
            name,
            token_hash,
            expires_at,
        } = *token;
        let t = ApiToken {
            id: new_id(),
            name: name.to_owned(),
            created_at: now_ms(),
            expires_at,
            last_used_at: None,
            revoked: false,
        };
        let mut w = self.audited(tenant_id).await?;
        sqlx::query(
            "INSERT INTO api_tokens (id, user_id, name, token_hash, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(&t.id)
        .bind(user_id)
        .bind(&t.name)
        .bind(token_hash)
        .bind(t.created_at)
        .bind(t.expires_at)
        .execute(crate::store::counting(&mut **w.tx()))
        .await?;
        w.commit(&audit(&t)).await?;
        Ok(t)
    }

    /// The user of a live API token, marking it used.
    pub async fn api_token(&self, token_hash: &str) -> sqlx::Result<Option<Credential>> {
        let now = now_ms();
        let row = sqlx::query(
            "SELECT user_id, last_used_at FROM api_tokens WHERE token_hash = $1 AND revoked_at IS NULL \
             AND (expires_at IS NULL OR expires_at > $2)",
        )
        .bind(token_hash)
        .bind(now)
        .fetch_optional(self.pool())
        .await?;
        let Some(row) = row else { return Ok(None) };
        // "Last used" is kept to the minute: no write on every request of a busy script.
        let last: Option<i64> = row.try_get("last_used_at")?;
        if last.is_none_or(|t| now - t >= TOKEN_USE_RESOLUTION_MS) {
            sqlx::query("UPDATE api_tokens SET last_used_at = $1 WHERE token_hash = $2")
                .bind(now)
                .bind(token_hash)
                .execute(self.pool())
                .await?;
        }
        Ok(Some(Credential {
            user_id: row.try_get("user_id")?,
            second_factor: false,
        }))
    }

    /// A user's API tokens.
    pub async fn list_api_tokens(&self, user_id: &str) -> sqlx::Result<Vec<ApiToken>> {
        let rows = sqlx::query(
            "SELECT id, name, created_at, expires_at, last_used_at, revoked_at FROM api_tokens WHERE user_id = $1 \
             ORDER BY created_at",
        )
        .bind(user_id)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| {
                Ok(ApiToken {
                    id: r.try_get("id")?,
                    name: r.try_get("name")?,
                    created_at: r.try_get("created_at")?,
                    expires_at: r.try_get("expires_at")?,
                    last_used_at: r.try_get("last_used_at")?,
                    revoked: r.try_get::<Option<i64>, _>("revoked_at")?.is_some(),
                })
            })
            .collect()
    }

    /// Revokes one of a user's API tokens, with its audit entry; false if there was none.
    pub async fn revoke_api_token(
        &self,
        tenant_id: &str,
        user_id: &str,
        id: &str,
        audit: &AuditEntry,
    ) -> sqlx::Result<bool> {
        let mut w = self.audited(tenant_id).await?;
        let done = sqlx::query("UPDATE api_tokens SET revoked_at = $1 WHERE user_id = $2 AND id = $3 AND revoked_at IS NULL")
            .bind(now_ms())
            .bind(user_id)
            .bind(id)
            .execute(crate::store::counting(&mut **w.tx()))
            .await?;
        if done.rows_affected() == 0 {
            return Ok(false);
        }
        w.commit(audit).await?;
        Ok(true)
    }
}
