//! Enrollment tokens (`enrollment_tokens`): created, listed and revoked by administrators, and
//! used up by enrollments, each of which records a new device in the same transaction.

use super::inventory::{DEVICE_COLS, Device, NewDevice, device_from};
use super::is_unique_violation;
use crate::store::audit::AuditEntry;
use crate::store::{Store, b, new_id};
use serde::Serialize;
use sqlx::any::AnyRow;
use sqlx::{AssertSqlSafe, Row};

/// An enrollment token as listed (never the secret).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct EnrollmentToken {
    pub id: String,
    pub name: String,
    /// Devices enrolled with this token get this primary user.
    pub user_id: Option<String>,
    pub max_uses: i64,
    pub uses: i64,
    pub created_by: Option<String>,
    pub created_at: i64,
    pub expires_at: i64,
    pub last_used_at: Option<i64>,
    pub revoked_at: Option<i64>,
}

/// A token to create.
#[derive(Debug, Clone)]
pub struct NewEnrollmentToken<'a> {
    pub name: &'a str,
    pub token_hash: &'a str,
    pub user_id: Option<&'a str>,
    pub max_uses: i64,
    pub expires_at: i64,
    pub created_by: Option<&'a str>,
}

const TOKEN_COLS: &str = "id, name, user_id, max_uses, uses, created_by, created_at, expires_at, last_used_at, revoked_at";

fn token_from(r: &AnyRow) -> sqlx::Result<EnrollmentToken> {
    Ok(EnrollmentToken {
        id: r.try_get("id")?,
        name: r.try_get("name")?,
        user_id: r.try_get("user_id")?,
        max_uses: r.try_get("max_uses")?,
        uses: r.try_get("uses")?,
        created_by: r.try_get("created_by")?,
        created_at: r.try_get("created_at")?,
        expires_at: r.try_get("expires_at")?,
        last_used_at: r.try_get("last_used_at")?,
        revoked_at: r.try_get("revoked_at")?,
    })
}

/// Why an enrollment was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EnrollRefusal {
    UnknownToken,
    Expired,
    UsedUp,
    Revoked,
    KeyInUse,
}

impl Store {
    /// Creates an enrollment token with the audit entry `audit` makes of it.
    pub async fn create_enrollment_token(
        &self,
        tenant_id: &str,
        t: &NewEnrollmentToken<'_>,
        now: i64,
        audit: impl FnOnce(&EnrollmentToken) -> AuditEntry,
    ) -> sqlx::Result<EnrollmentToken> {
        let id = new_id();
        let mut w = self.audited(tenant_id).await?;
        sqlx::query(
            "INSERT INTO enrollment_tokens (id, tenant_id, name, token_hash, user_id, max_uses, created_by, \
             created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(&id)
        .bind(tenant_id)
        .bind(t.name)
        .bind(t.token_hash)
        .bind(t.user_id)
        .bind(t.max_uses)
        .bind(t.created_by)
        .bind(now)
        .bind(t.expires_at)
        .execute(crate::store::counting(&mut **w.tx()))
        .await?;
        let token = EnrollmentToken {
            id,
            name: t.name.to_owned(),
            user_id: t.user_id.map(str::to_owned),
            max_uses: t.max_uses,
            uses: 0,
            created_by: t.created_by.map(str::to_owned),
            created_at: now,
            expires_at: t.expires_at,
            last_used_at: None,
            revoked_at: None,
        };
        w.commit(&audit(&token)).await?;
        Ok(token)
    }

    /// Enrollment tokens of the tenant, newest first.
    pub async fn list_enrollment_tokens(
        &self,
        tenant_id: &str,
        limit: i64,
        offset: i64,
    ) -> sqlx::Result<(Vec<EnrollmentToken>, i64)> {
        let q = format!(
            "SELECT {TOKEN_COLS} FROM enrollment_tokens WHERE tenant_id = $1 \
             ORDER BY created_at DESC, id LIMIT $2 OFFSET $3"
        );
        let rows = sqlx::query(AssertSqlSafe(q))
            .bind(tenant_id)
            .bind(limit)
            .bind(offset)
            .fetch_all(self.pool())
            .await?;
        let total: i64 =
            sqlx::query("SELECT COUNT(*) AS n FROM enrollment_tokens WHERE tenant_id = $1")
                .bind(tenant_id)
                .fetch_one(self.pool())
                .await?
                .try_get("n")?;
        Ok((
            rows.iter().map(token_from).collect::<sqlx::Result<_>>()?,
            total,
        ))
    }

    /// Revokes a token with its audit entry; false if there is no such live token.
    pub async fn revoke_enrollment_token(
        &self,
        tenant_id: &str,
        id: &str,
        now: i64,
        audit: &AuditEntry,
    ) -> sqlx::Result<bool> {
        self.stamp_once("enrollment_tokens", "revoked_at", tenant_id, id, now, audit)
            .await
    }

    /// Uses one enrollment of the token with that hash and records the new device, in one
    /// transaction with the audit entry `audit` makes of it: a refused enrollment uses nothing.
    pub async fn enroll_device(
        &self,
        tenant_id: &str,
        token_hash: &str,
        d: &NewDevice<'_>,
        audit: impl FnOnce(&Device, &EnrollmentToken) -> AuditEntry,
    ) -> sqlx::Result<Result<(Device, EnrollmentToken), EnrollRefusal>> {
        let mut w = self.audited(tenant_id).await?;
        let tx = w.tx();
        let used = sqlx::query(
            "UPDATE enrollment_tokens SET uses = uses + 1, last_used_at = $1 WHERE tenant_id = $2 \
             AND token_hash = $3 AND revoked_at IS NULL AND expires_at > $1 AND uses < max_uses",
        )
        .bind(d.now)
        .bind(tenant_id)
        .bind(token_hash)
        .execute(crate::store::counting(&mut **tx))
        .await?;
        let q = format!(
            "SELECT {TOKEN_COLS} FROM enrollment_tokens WHERE tenant_id = $1 AND token_hash = $2"
        );
        let token = sqlx::query(AssertSqlSafe(q))
            .bind(tenant_id)
            .bind(token_hash)
            .fetch_optional(crate::store::counting(&mut **tx))
            .await?
            .as_ref()
            .map(token_from)
            .transpose()?;
        let Some(token) = token else {
            return Ok(Err(EnrollRefusal::UnknownToken));
        };
        if used.rows_affected() == 0 {
            let why = if token.revoked_at.is_some() {
                EnrollRefusal::Revoked
            } else if token.expires_at <= d.now {
                EnrollRefusal::Expired
            } else {
                EnrollRefusal::UsedUp
            };
            return Ok(Err(why));
        }
        let taken = sqlx::query("SELECT id FROM devices WHERE public_key = $1")
            .bind(d.public_key)
            .fetch_optional(crate::store::counting(&mut **tx))
            .await?;
        if taken.is_some() {
            return Ok(Err(EnrollRefusal::KeyInUse));
        }
        let (user_id, pinned) = match &token.user_id {
            Some(u) => (Some(u.as_str()), true),
            None => (d.reported_user_id, false),
        };
        let id = new_id();
        let r = d.report;
        let facts = serde_json::to_string(&r.facts).unwrap_or_else(|_| "{}".into());
        let inserted = sqlx::query(
            "INSERT INTO devices (id, tenant_id, name, os_id, os_name, os_version, kernel, agent_version, \
             primary_user_id, primary_user_login, primary_user_pinned, public_key, facts, enrollment_token_id, \
             enrolled_at, last_check_in, last_boot, hostname) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $15, $16, $17)",
        )
        .bind(&id)
        .bind(tenant_id)
        .bind(d.name)
        .bind(&r.os_id)
        .bind(&r.os_name)
        .bind(&r.os_version)
        .bind(&r.kernel)
        .bind(&r.agent_version)
        .bind(user_id)
        .bind(r.primary_user.as_deref())
        .bind(b(pinned))
        .bind(d.public_key)
        .bind(facts)
        .bind(&token.id)
        .bind(d.now)
        .bind(r.last_boot)
        .bind(&r.name)
        .execute(crate::store::counting(&mut **tx))
        .await;
        match inserted {
            Ok(_) => {}
            // Two enrollments with one key at once: the second meets the unique index.
            Err(e) if is_unique_violation(&e) => return Ok(Err(EnrollRefusal::KeyInUse)),
            Err(e) => return Err(e),
        }
        let q = format!("SELECT {DEVICE_COLS} FROM devices WHERE id = $1");
        let device = device_from(
            &sqlx::query(AssertSqlSafe(q))
                .bind(&id)
                .fetch_one(crate::store::counting(&mut **tx))
                .await?,
        )?;
        w.commit(&audit(&device, &token)).await?;
        Ok(Ok((device, token)))
    }
}
