//! Compliance policies (`compliance_policies`, `compliance_policy_groups`): the rules a device's
//! reported facts are evaluated against, for every device or for the groups of its primary user.

use super::is_unique_violation;
use crate::devices::compliance::Rules;
use crate::store::audit::AuditEntry;
use crate::store::{Store, b, new_id};
use serde::Serialize;
use sqlx::Row;

/// A compliance policy.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CompliancePolicy {
    pub id: String,
    pub name: String,
    pub description: String,
    pub enabled: bool,
    /// Applies to every device; otherwise to devices whose primary user is in `group_ids`.
    pub all_devices: bool,
    pub group_ids: Vec<String>,
    pub rules: Rules,
    pub created_at: i64,
    pub updated_at: i64,
}

/// A policy's fields as written.
#[derive(Debug, Clone)]
pub struct PolicyInput {
    pub name: String,
    pub description: String,
    pub enabled: bool,
    pub all_devices: bool,
    pub group_ids: Vec<String>,
    pub rules: Rules,
}

impl Store {
    /// Every compliance policy of the tenant, by name, with its groups.
    pub async fn list_policies(&self, tenant_id: &str) -> sqlx::Result<Vec<CompliancePolicy>> {
        let mut c = self.pool().acquire().await?;
        policies_in(&mut c, tenant_id).await
    }

    /// One policy.
    pub async fn policy(
        &self,
        tenant_id: &str,
        id: &str,
    ) -> sqlx::Result<Option<CompliancePolicy>> {
        Ok(self
            .list_policies(tenant_id)
            .await?
            .into_iter()
            .find(|p| p.id == id))
    }

    /// Which of `ids` are groups of the tenant.
    pub async fn existing_groups(
        &self,
        tenant_id: &str,
        ids: &[String],
    ) -> sqlx::Result<Vec<String>> {
        let mut out = Vec::new();
        for id in ids {
            let row = sqlx::query("SELECT id FROM user_groups WHERE tenant_id = $1 AND id = $2")
                .bind(tenant_id)
                .bind(id)
                .fetch_optional(self.pool())
                .await?;
            if row.is_some() {
                out.push(id.clone());
            }
        }
        Ok(out)
    }

    /// Creates (`id` = None) or replaces a policy, with the audit entry `audit` makes of it;
    /// `Ok(None)` (and nothing written) when the name is taken, or when replacing a policy that
    /// does not exist.
    pub async fn save_policy(
        &self,
        tenant_id: &str,
        id: Option<&str>,
        p: &PolicyInput,
        now: i64,
        audit: impl FnOnce(&CompliancePolicy) -> AuditEntry,
    ) -> sqlx::Result<Option<CompliancePolicy>> {
        let rules = serde_json::to_string(&p.rules).unwrap_or_else(|_| "{}".into());
        let mut w = self.audited(tenant_id).await?;
        let tx = w.tx();
        let id = match id {
            None => {
                let id = new_id();
                let done = sqlx::query(
                    "INSERT INTO compliance_policies (id, tenant_id, name, description, enabled, all_devices, \
                     rules, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)",
                )
                .bind(&id)
                .bind(tenant_id)
                .bind(&p.name)
                .bind(&p.description)
                .bind(b(p.enabled))
                .bind(b(p.all_devices))
                .bind(&rules)
                .bind(now)
                .execute(crate::store::counting(&mut **tx))
                .await;
                match done {
                    Ok(_) => id,
                    Err(e) if is_unique_violation(&e) => return Ok(None),
                    Err(e) => return Err(e),
                }
            }
            Some(id) => {
                let done = sqlx::query(
                    "UPDATE compliance_policies SET name = $1, description = $2, enabled = $3, all_devices = $4, \
                     rules = $5, updated_at = $6 WHERE tenant_id = $7 AND id = $8",
                )
                .bind(&p.name)
                .bind(&p.description)
                .bind(b(p.enabled))
                .bind(b(p.all_devices))
                .bind(&rules)
                .bind(now)
                .bind(tenant_id)
                .bind(id)
                .execute(crate::store::counting(&mut **tx))
                .await;
                match done {
                    Ok(d) if d.rows_affected() == 1 => id.to_owned(),
                    Ok(_) => return Ok(None),
                    Err(e) if is_unique_violation(&e) => return Ok(None),
                    Err(e) => return Err(e),
                }
            }
        };
        sqlx::query("DELETE FROM compliance_policy_groups WHERE policy_id = $1")
            .bind(&id)
            .execute(crate::store::counting(&mut **tx))
            .await?;
        for g in &p.group_ids {
            sqlx::query(
                "INSERT INTO compliance_policy_groups (policy_id, group_id) VALUES ($1, $2) ON CONFLICT DO NOTHING",
            )
            .bind(&id)
            .bind(g)
            .execute(crate::store::counting(&mut **tx))
            .await?;
        }
        let saved = policies_in(tx, tenant_id)
            .await?
            .into_iter()
            .find(|p| p.id == id)
            .ok_or(sqlx::Error::RowNotFound)?;
        w.commit(&audit(&saved)).await?;
        Ok(Some(saved))
    }

    /// Whether another policy than `except` has that name.
    pub async fn policy_name_taken(
        &self,
        tenant_id: &str,
        name: &str,
        except: Option<&str>,
    ) -> sqlx::Result<bool> {
        let row = sqlx::query(
            "SELECT id FROM compliance_policies WHERE tenant_id = $1 AND name = $2 AND id <> $3",
        )
        .bind(tenant_id)
        .bind(name)
        .bind(except.unwrap_or(""))
        .fetch_optional(self.pool())
        .await?;
        Ok(row.is_some())
    }

    /// Deletes a policy with its audit entry; false if there was none.
    pub async fn delete_policy(
        &self,
        tenant_id: &str,
        id: &str,
        audit: &AuditEntry,
    ) -> sqlx::Result<bool> {
        let mut w = self.audited(tenant_id).await?;
        let done = sqlx::query("DELETE FROM compliance_policies WHERE tenant_id = $1 AND id = $2")
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
}

/// Every compliance policy of the tenant, by name, with its groups, as `c` sees them.
async fn policies_in(
    c: &mut sqlx::AnyConnection,
    tenant_id: &str,
) -> sqlx::Result<Vec<CompliancePolicy>> {
    let rows = sqlx::query(
        "SELECT id, name, description, enabled, all_devices, rules, created_at, updated_at \
         FROM compliance_policies WHERE tenant_id = $1 ORDER BY name",
    )
    .bind(tenant_id)
    .fetch_all(&mut *c)
    .await?;
    let links = sqlx::query(
        "SELECT g.policy_id, g.group_id FROM compliance_policy_groups g \
         JOIN compliance_policies p ON p.id = g.policy_id WHERE p.tenant_id = $1 ORDER BY g.group_id",
    )
    .bind(tenant_id)
    .fetch_all(&mut *c)
    .await?;
    let mut out = Vec::with_capacity(rows.len());
    for r in &rows {
        let id: String = r.try_get("id")?;
        let mut group_ids = Vec::new();
        for l in &links {
            if l.try_get::<String, _>("policy_id")? == id {
                group_ids.push(l.try_get("group_id")?);
            }
        }
        let rules: String = r.try_get("rules")?;
        out.push(CompliancePolicy {
            id,
            name: r.try_get("name")?,
            description: r.try_get("description")?,
            enabled: r.try_get::<i64, _>("enabled")? != 0,
            all_devices: r.try_get::<i64, _>("all_devices")? != 0,
            group_ids,
            // Written only from `Rules`: unreadable JSON is a broken invariant; it then
            // checks nothing rather than failing every evaluation.
            rules: serde_json::from_str(&rules).unwrap_or_default(),
            created_at: r.try_get("created_at")?,
            updated_at: r.try_get("updated_at")?,
        });
    }
    Ok(out)
}
