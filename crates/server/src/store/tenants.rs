//! The tenant, its settings and its verified domains.

use super::audit::AuditEntry;
use super::{Store, b, new_id};
use crate::clock::now_ms;
use serde::{Deserialize, Serialize};
use sqlx::any::AnyRow;
use sqlx::{AssertSqlSafe, Row};

/// Tenant settings for Remote Help.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema, PartialEq, Eq)]
pub struct Settings {
    /// Remote Help is on for the tenant (off by default).
    pub remote_help_enabled: bool,
    /// Sessions with devices that are not enrolled are allowed (off by default).
    pub allow_unenrolled_devices: bool,
    /// Chat is disabled in sessions (no by default).
    pub chat_disabled: bool,
    /// Maximum session length in minutes.
    pub max_session_minutes: i64,
    /// File transfer is turned off in sessions (no by default).
    pub file_transfer_disabled: bool,
    /// Largest file one transfer may carry, in bytes (1 to `MAX_TRANSFER_BYTES_CEILING`; default
    /// `DEFAULT_MAX_TRANSFER_BYTES`).
    pub max_transfer_bytes: i64,
}

/// Settings to change (`None`: keep).
#[derive(Debug, Clone, Default)]
pub struct SettingsChange {
    pub remote_help_enabled: Option<bool>,
    pub allow_unenrolled_devices: Option<bool>,
    pub chat_disabled: Option<bool>,
    pub max_session_minutes: Option<i64>,
    pub file_transfer_disabled: Option<bool>,
    pub max_transfer_bytes: Option<i64>,
}

/// A tenant.
#[derive(Debug, Clone)]
pub struct Tenant {
    pub id: String,
    pub name: String,
    pub settings: Settings,
    /// Key for the security-code HMAC.
    pub secret: String,
}

/// A verified domain of the tenant.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Domain {
    pub id: String,
    pub domain: String,
    pub created_at: i64,
}

/// The columns `tenant_from` reads, named rather than `*`: a statement prepared on one pooled
/// SQLite connection just before another connection added columns would otherwise come back
/// with more columns than it was prepared with.
const TENANT_COLUMNS: &str = "id, name, secret, remote_help_enabled, allow_unenrolled_devices, \
     chat_disabled, max_session_minutes, file_transfer_disabled, max_transfer_bytes";

fn tenant_from(row: &AnyRow) -> sqlx::Result<Tenant> {
    Ok(Tenant {
        id: row.try_get("id")?,
        name: row.try_get("name")?,
        secret: row.try_get("secret")?,
        settings: Settings {
            remote_help_enabled: row.try_get::<i64, _>("remote_help_enabled")? != 0,
            allow_unenrolled_devices: row.try_get::<i64, _>("allow_unenrolled_devices")? != 0,
            chat_disabled: row.try_get::<i64, _>("chat_disabled")? != 0,
            max_session_minutes: row.try_get("max_session_minutes")?,
            file_transfer_disabled: row.try_get::<i64, _>("file_transfer_disabled")? != 0,
            max_transfer_bytes: row.try_get("max_transfer_bytes")?,
        },
    })
}

impl Store {
    /// The first tenant, if one exists.
    pub async fn first_tenant(&self) -> sqlx::Result<Option<Tenant>> {
        let row = sqlx::query(AssertSqlSafe(format!(
            "SELECT {TENANT_COLUMNS} FROM tenants ORDER BY created_at LIMIT 1"
        )))
        .fetch_optional(self.pool())
        .await?;
        row.as_ref().map(tenant_from).transpose()
    }

    /// A tenant by id.
    pub async fn tenant(&self, id: &str) -> sqlx::Result<Option<Tenant>> {
        let row = sqlx::query(AssertSqlSafe(format!(
            "SELECT {TENANT_COLUMNS} FROM tenants WHERE id = $1"
        )))
        .bind(id)
        .fetch_optional(self.pool())
        .await?;
        row.as_ref().map(tenant_from).transpose()
    }

    /// Creates a tenant with default settings.
    pub async fn create_tenant(&self, name: &str) -> sqlx::Result<Tenant> {
        let id = new_id();
        sqlx::query("INSERT INTO tenants (id, name, secret, created_at) VALUES ($1, $2, $3, $4)")
            .bind(&id)
            .bind(name)
            .bind(crate::secrets::new_token(""))
            .bind(now_ms())
            .execute(self.pool())
            .await?;
        self.tenant(&id).await?.ok_or(sqlx::Error::RowNotFound)
    }

    /// Writes the settings `change` gives (absent ones keep their stored value, whatever a
    /// concurrent change wrote), with the audit entry `audit` makes of the result; answers the
    /// settings as they are after the change.
    pub async fn save_settings(
        &self,
        tenant_id: &str,
        change: &SettingsChange,
        audit: impl FnOnce(&Settings) -> AuditEntry,
    ) -> sqlx::Result<Settings> {
        let mut w = self.audited(tenant_id).await?;
        sqlx::query(
            "UPDATE tenants SET remote_help_enabled = COALESCE($1, remote_help_enabled), \
             allow_unenrolled_devices = COALESCE($2, allow_unenrolled_devices), \
             chat_disabled = COALESCE($3, chat_disabled), \
             max_session_minutes = COALESCE($4, max_session_minutes), \
             file_transfer_disabled = COALESCE($5, file_transfer_disabled), \
             max_transfer_bytes = COALESCE($6, max_transfer_bytes) WHERE id = $7",
        )
        .bind(change.remote_help_enabled.map(b))
        .bind(change.allow_unenrolled_devices.map(b))
        .bind(change.chat_disabled.map(b))
        .bind(change.max_session_minutes)
        .bind(change.file_transfer_disabled.map(b))
        .bind(change.max_transfer_bytes)
        .bind(tenant_id)
        .execute(crate::store::counting(&mut **w.tx()))
        .await?;
        let row = sqlx::query(AssertSqlSafe(format!(
            "SELECT {TENANT_COLUMNS} FROM tenants WHERE id = $1"
        )))
        .bind(tenant_id)
        .fetch_one(crate::store::counting(&mut **w.tx()))
        .await?;
        let settings = tenant_from(&row)?.settings;
        w.commit(&audit(&settings)).await?;
        Ok(settings)
    }

    /// The tenant's verified domains.
    pub async fn domains(&self, tenant_id: &str) -> sqlx::Result<Vec<Domain>> {
        let rows = sqlx::query(
            "SELECT id, domain, created_at FROM domains WHERE tenant_id = $1 ORDER BY domain",
        )
        .bind(tenant_id)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| {
                Ok(Domain {
                    id: r.try_get("id")?,
                    domain: r.try_get("domain")?,
                    created_at: r.try_get("created_at")?,
                })
            })
            .collect()
    }

    /// Adds a verified domain with the audit entry `audit` makes of it; `None` if it already
    /// exists.
    pub async fn add_domain(
        &self,
        tenant_id: &str,
        domain: &str,
        audit: impl FnOnce(&Domain) -> AuditEntry,
    ) -> sqlx::Result<Option<Domain>> {
        let d = Domain {
            id: new_id(),
            domain: domain.to_owned(),
            created_at: now_ms(),
        };
        let mut w = self.audited(tenant_id).await?;
        let done = sqlx::query(
            "INSERT INTO domains (id, tenant_id, domain, created_at) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
        )
        .bind(&d.id)
        .bind(tenant_id)
        .bind(&d.domain)
        .bind(d.created_at)
        .execute(crate::store::counting(&mut **w.tx()))
        .await?;
        if done.rows_affected() == 0 {
            return Ok(None);
        }
        w.commit(&audit(&d)).await?;
        self.forget_domains();
        Ok(Some(d))
    }

    /// Removes a verified domain with its audit entry; false if there was none.
    pub async fn delete_domain(
        &self,
        tenant_id: &str,
        id: &str,
        audit: &AuditEntry,
    ) -> sqlx::Result<bool> {
        let mut w = self.audited(tenant_id).await?;
        let done = sqlx::query("DELETE FROM domains WHERE tenant_id = $1 AND id = $2")
            .bind(tenant_id)
            .bind(id)
            .execute(crate::store::counting(&mut **w.tx()))
            .await?;
        if done.rows_affected() == 0 {
            return Ok(false);
        }
        w.commit(audit).await?;
        self.forget_domains();
        Ok(true)
    }

    /// Whether `domain` is one of the tenant's verified domains.
    pub async fn domain_verified(&self, tenant_id: &str, domain: &str) -> sqlx::Result<bool> {
        let row = sqlx::query("SELECT 1 AS one FROM domains WHERE tenant_id = $1 AND domain = $2")
            .bind(tenant_id)
            .bind(domain)
            .fetch_optional(self.pool())
            .await?;
        Ok(row.is_some())
    }
}
