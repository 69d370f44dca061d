//! Conditional-access policies, and the device fact they may test.

use super::audit::AuditEntry;
use super::{Store, new_id};
use crate::access::policy::{Conditions, GrantControl, Policy, PolicyState, Targets};
use crate::clock::now_ms;
use sqlx::Row;
use sqlx::any::AnyRow;

/// The fields of a policy that an administrator sets.
#[derive(Debug, Clone)]
pub struct PolicyFields {
    pub name: String,
    pub description: String,
    pub state: PolicyState,
    pub targets: Targets,
    pub conditions: Conditions,
    pub grant: GrantControl,
}

fn policy_from(r: &AnyRow) -> sqlx::Result<Policy> {
    let decode = |e: String| sqlx::Error::Decode(e.into());
    let state: String = r.try_get("state")?;
    let grant: String = r.try_get("grant_control")?;
    Ok(Policy {
        id: r.try_get("id")?,
        name: r.try_get("name")?,
        description: r.try_get("description")?,
        state: PolicyState::parse(&state).ok_or_else(|| decode(format!("policy state {state}")))?,
        targets: serde_json::from_str(&r.try_get::<String, _>("targets")?)
            .map_err(|e| decode(format!("policy targets: {e}")))?,
        conditions: serde_json::from_str(&r.try_get::<String, _>("conditions")?)
            .map_err(|e| decode(format!("policy conditions: {e}")))?,
        grant: GrantControl::parse(&grant)
            .ok_or_else(|| decode(format!("policy grant {grant}")))?,
        created_at: r.try_get("created_at")?,
        updated_at: r.try_get("updated_at")?,
    })
}

fn json_text<T: serde::Serialize>(v: &T) -> String {
    // Plain structs of strings, booleans and enums always serialize.
    serde_json::to_string(v).unwrap_or_else(|_| "{}".into())
}

/// Whether a database error says that a table or column does not exist (yet).
fn is_missing_relation(e: &sqlx::Error) -> bool {
    match e {
        sqlx::Error::Database(d) => {
            // PostgreSQL: undefined_table, undefined_column. SQLite reports them in the message.
            matches!(d.code().as_deref(), Some("42P01") | Some("42703"))
                || d.message().contains("no such table")
                || d.message().contains("no such column")
        }
        _ => false,
    }
}

impl Store {
    /// Policies of the tenant, by name.
    pub async fn ca_policies(&self, tenant_id: &str) -> sqlx::Result<Vec<Policy>> {
        let rows = sqlx::query("SELECT * FROM ca_policies WHERE tenant_id = $1 ORDER BY name")
            .bind(tenant_id)
            .fetch_all(self.pool())
            .await?;
        rows.iter().map(policy_from).collect()
    }

    /// Number of policies of the tenant.
    pub async fn count_ca_policies(&self, tenant_id: &str) -> sqlx::Result<i64> {
        sqlx::query("SELECT COUNT(*) AS n FROM ca_policies WHERE tenant_id = $1")
            .bind(tenant_id)
            .fetch_one(self.pool())
            .await?
            .try_get("n")
    }

    /// One policy.
    pub async fn ca_policy(&self, tenant_id: &str, id: &str) -> sqlx::Result<Option<Policy>> {
        let row = sqlx::query("SELECT * FROM ca_policies WHERE tenant_id = $1 AND id = $2")
            .bind(tenant_id)
            .bind(id)
            .fetch_optional(self.pool())
            .await?;
        row.as_ref().map(policy_from).transpose()
    }

    /// Creates a policy with the audit entry `audit` makes of it; `None` when the name is taken.
    pub async fn create_ca_policy(
        &self,
        tenant_id: &str,
        p: &PolicyFields,
        audit: impl FnOnce(&Policy) -> AuditEntry,
    ) -> sqlx::Result<Option<Policy>> {
        let id = new_id();
        let now = now_ms();
        let mut w = self.audited(tenant_id).await?;
        let done = sqlx::query(
            "INSERT INTO ca_policies (id, tenant_id, name, description, state, targets, conditions, grant_control, \
             created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9) ON CONFLICT DO NOTHING",
        )
        .bind(&id)
        .bind(tenant_id)
        .bind(&p.name)
        .bind(&p.description)
        .bind(p.state.as_str())
        .bind(json_text(&p.targets))
        .bind(json_text(&p.conditions))
        .bind(p.grant.as_str())
        .bind(now)
        .execute(crate::store::counting(&mut **w.tx()))
        .await?;
        if done.rows_affected() == 0 {
            return Ok(None);
        }
        let row = sqlx::query("SELECT * FROM ca_policies WHERE id = $1")
            .bind(&id)
            .fetch_one(crate::store::counting(&mut **w.tx()))
            .await?;
        let policy = policy_from(&row)?;
        w.commit(&audit(&policy)).await?;
        Ok(Some(policy))
    }

    /// Replaces a policy's fields, with its audit entry; false when there is no such policy.
    /// The caller checks the name (a concurrent rename to the same name fails at the unique
    /// index, and nothing is written).
    pub async fn update_ca_policy(
        &self,
        tenant_id: &str,
        id: &str,
        p: &PolicyFields,
        audit: &AuditEntry,
    ) -> sqlx::Result<bool> {
        let mut w = self.audited(tenant_id).await?;
        let done = sqlx::query(
            "UPDATE ca_policies SET name = $1, description = $2, state = $3, targets = $4, conditions = $5, \
             grant_control = $6, updated_at = $7 WHERE tenant_id = $8 AND id = $9",
        )
        .bind(&p.name)
        .bind(&p.description)
        .bind(p.state.as_str())
        .bind(json_text(&p.targets))
        .bind(json_text(&p.conditions))
        .bind(p.grant.as_str())
        .bind(now_ms())
        .bind(tenant_id)
        .bind(id)
        .execute(crate::store::counting(&mut **w.tx()))
        .await?;
        if done.rows_affected() == 0 {
            return Ok(false);
        }
        w.commit(audit).await?;
        Ok(true)
    }

    /// Deletes a policy with its audit entry; false when there was none.
    pub async fn delete_ca_policy(
        &self,
        tenant_id: &str,
        id: &str,
        audit: &AuditEntry,
    ) -> sqlx::Result<bool> {
        let mut w = self.audited(tenant_id).await?;
        let done = sqlx::query("DELETE FROM ca_policies WHERE tenant_id = $1 AND id = $2")
            .bind(tenant_id)
            .bind(id)
            .execute(crate::store::counting(&mut **w.tx()))
            .await?;
        if done.rows_affected() == 0 {
            return Ok(false);
        }
        w.commit(audit).await?;
        Ok(true)
    }

    /// The device fact of conditional access: the user is the primary user of at least one
    /// device of the tenant that is not retired and whose compliance is `compliant`. Where the
    /// devices table does not exist (an older schema), no device is compliant.
    pub async fn has_compliant_device(&self, tenant_id: &str, user_id: &str) -> sqlx::Result<bool> {
        let found = sqlx::query(
            "SELECT 1 AS one FROM devices WHERE tenant_id = $1 AND primary_user_id = $2 \
             AND retired_at IS NULL AND compliance = 'compliant' LIMIT 1",
        )
        .bind(tenant_id)
        .bind(user_id)
        .fetch_optional(self.pool())
        .await;
        match found {
            Ok(row) => Ok(row.is_some()),
            Err(e) if is_missing_relation(&e) => {
                tracing::debug!(error = %e, "no devices table yet: no device counts as compliant");
                Ok(false)
            }
            Err(e) => Err(e),
        }
    }
}
