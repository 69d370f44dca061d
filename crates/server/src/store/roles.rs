//! Roles (named sets of permissions) and role assignments (role + members + scope groups).

use super::audit::AuditEntry;
use super::{Store, b, new_id};
use crate::access::permissions::ADMINISTRATOR_ROLE;
use crate::access::permissions::{Access, Grant, Permission};
use crate::clock::now_ms;
use serde::Serialize;
use sqlx::Row;
use sqlx::any::AnyRow;
use std::collections::BTreeSet;

/// A role.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Role {
    pub id: String,
    pub name: String,
    pub description: String,
    pub permissions: Vec<Permission>,
    pub builtin: bool,
    pub created_at: i64,
}

/// A role assignment: a role given to a user or a group, for the members of the scope groups
/// (or for the whole tenant).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RoleAssignment {
    pub id: String,
    pub role_id: String,
    pub user_id: Option<String>,
    pub group_id: Option<String>,
    pub scope_all: bool,
    pub scope_groups: Vec<String>,
    pub created_at: i64,
}

/// The outcome of a change that may not leave the tenant without an administrator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[must_use]
pub enum Guarded<T = ()> {
    /// Done, and committed with its audit entry.
    Done(T),
    /// There is no such row; nothing was written.
    Missing,
    /// It would leave no enabled administrator; nothing was written.
    LastAdministrator,
}

/// What `grant_admin` did.
#[derive(Debug, Clone)]
pub struct AdminGrant {
    /// The user's assignment of the Administrator role for the whole tenant.
    pub assignment_id: String,
    pub role_id: String,
    /// The assignment is new (else the user held it already).
    pub assigned: bool,
    /// The account was disabled and is enabled now.
    pub enabled: bool,
}

/// Whether the tenant still has an enabled user holding the built-in Administrator role for
/// the whole tenant (directly or through a group), as seen inside `tx`. Changes that can remove
/// an administrator (unassigning, disabling, deleting a user or a group, leaving a group) run
/// in an audited transaction, which holds the tenant's audit chain head: they run one at a
/// time, each sees the others' commits, and each checks this after its change and before its
/// commit, so two of them at once cannot both remove the last two administrators.
pub(super) async fn keeps_an_administrator(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    tenant_id: &str,
) -> sqlx::Result<bool> {
    let row = sqlx::query(
        "SELECT COUNT(*) AS n FROM users u WHERE u.tenant_id = $1 AND u.disabled = 0 AND EXISTS ( \
           SELECT 1 FROM role_assignments a JOIN roles r ON r.id = a.role_id \
           WHERE r.tenant_id = $1 AND r.builtin = 1 AND r.name = $2 AND a.scope_all = 1 \
             AND (a.user_id = u.id OR a.group_id IN (SELECT group_id FROM group_members m WHERE m.user_id = u.id)))",
    )
    .bind(tenant_id)
    .bind(ADMINISTRATOR_ROLE)
    .fetch_one(crate::store::counting(&mut **tx))
    .await?;
    Ok(row.try_get::<i64, _>("n")? > 0)
}

/// Inserts a role inside `tx` and reads it back; `None` if the name is taken.
/// What [`Store::update_role`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RoleChange {
    /// Changed, and audited.
    Updated,
    /// No such custom role.
    NotFound,
    /// Another role has the name (nothing changed).
    NameTaken,
}

async fn insert_role(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    tenant_id: &str,
    name: &str,
    description: &str,
    permissions: &[Permission],
    builtin: bool,
) -> sqlx::Result<Option<Role>> {
    let id = new_id();
    let done = sqlx::query(
        "INSERT INTO roles (id, tenant_id, name, description, permissions, builtin, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING",
    )
    .bind(&id)
    .bind(tenant_id)
    .bind(name)
    .bind(description)
    .bind(perms_to(permissions))
    .bind(b(builtin))
    .bind(now_ms())
    .execute(crate::store::counting(&mut **tx))
    .await?;
    if done.rows_affected() == 0 {
        return Ok(None);
    }
    let row = sqlx::query("SELECT * FROM roles WHERE id = $1")
        .bind(&id)
        .fetch_one(crate::store::counting(&mut **tx))
        .await?;
    role_from(&row).map(Some)
}

fn perms_from(json: &str) -> Vec<Permission> {
    // Stored by this code; unknown names (from a newer version) are skipped, never widened.
    let names: Vec<String> = serde_json::from_str(json).unwrap_or_default();
    names
        .iter()
        .filter_map(|n| serde_json::from_value(serde_json::Value::String(n.clone())).ok())
        .collect()
}

fn perms_to(p: &[Permission]) -> String {
    let set: BTreeSet<&str> = p.iter().map(|p| p.as_str()).collect();
    serde_json::to_string(&set).unwrap_or_else(|_| "[]".into())
}

fn role_from(r: &AnyRow) -> sqlx::Result<Role> {
    Ok(Role {
        id: r.try_get("id")?,
        name: r.try_get("name")?,
        description: r.try_get("description")?,
        permissions: perms_from(&r.try_get::<String, _>("permissions")?),
        builtin: r.try_get::<i64, _>("builtin")? != 0,
        created_at: r.try_get("created_at")?,
    })
}

fn assignment_from(r: &AnyRow) -> sqlx::Result<RoleAssignment> {
    Ok(RoleAssignment {
        id: r.try_get("id")?,
        role_id: r.try_get("role_id")?,
        user_id: r.try_get("user_id")?,
        group_id: r.try_get("group_id")?,
        scope_all: r.try_get::<i64, _>("scope_all")? != 0,
        scope_groups: serde_json::from_str(&r.try_get::<String, _>("scope_groups")?)
            .unwrap_or_default(),
        created_at: r.try_get("created_at")?,
    })
}

impl Store {
    /// Roles of the tenant.
    pub async fn list_roles(&self, tenant_id: &str) -> sqlx::Result<Vec<Role>> {
        let rows =
            sqlx::query("SELECT * FROM roles WHERE tenant_id = $1 ORDER BY builtin DESC, name")
                .bind(tenant_id)
                .fetch_all(self.pool())
                .await?;
        rows.iter().map(role_from).collect()
    }

    /// One role.
    pub async fn role(&self, tenant_id: &str, id: &str) -> sqlx::Result<Option<Role>> {
        let row = sqlx::query("SELECT * FROM roles WHERE tenant_id = $1 AND id = $2")
            .bind(tenant_id)
            .bind(id)
            .fetch_optional(self.pool())
            .await?;
        row.as_ref().map(role_from).transpose()
    }

    /// A role by name.
    pub async fn role_by_name(&self, tenant_id: &str, name: &str) -> sqlx::Result<Option<Role>> {
        let row = sqlx::query("SELECT * FROM roles WHERE tenant_id = $1 AND name = $2")
            .bind(tenant_id)
            .bind(name)
            .fetch_optional(self.pool())
            .await?;
        row.as_ref().map(role_from).transpose()
    }

    /// Creates a built-in role (at first start, before anyone can act; not audited); `None` if
    /// the name is taken.
    pub async fn create_builtin_role(
        &self,
        tenant_id: &str,
        name: &str,
        description: &str,
        permissions: &[Permission],
    ) -> sqlx::Result<Option<Role>> {
        let mut tx = self.pool().begin().await?;
        let role = insert_role(&mut tx, tenant_id, name, description, permissions, true).await?;
        tx.commit().await?;
        Ok(role)
    }

    /// Creates a custom role with the audit entry `audit` makes of it; `None` if the name is
    /// taken.
    pub async fn create_role(
        &self,
        tenant_id: &str,
        name: &str,
        description: &str,
        permissions: &[Permission],
        audit: impl FnOnce(&Role) -> AuditEntry,
    ) -> sqlx::Result<Option<Role>> {
        let mut w = self.audited(tenant_id).await?;
        let Some(role) =
            insert_role(w.tx(), tenant_id, name, description, permissions, false).await?
        else {
            return Ok(None);
        };
        w.commit(&audit(&role)).await?;
        Ok(Some(role))
    }

    /// Changes a custom role (built-in roles are not changed here), with its audit entry.
    /// Another role that took the name meanwhile (a concurrent rename) is
    /// [`RoleChange::NameTaken`], not a fault.
    pub async fn update_role(
        &self,
        tenant_id: &str,
        id: &str,
        name: &str,
        description: &str,
        permissions: &[Permission],
        audit: &AuditEntry,
    ) -> sqlx::Result<RoleChange> {
        let mut w = self.audited(tenant_id).await?;
        let done = sqlx::query(
            "UPDATE roles SET name = $1, description = $2, permissions = $3 WHERE tenant_id = $4 AND id = $5 AND builtin = 0",
        )
        .bind(name)
        .bind(description)
        .bind(perms_to(permissions))
        .bind(tenant_id)
        .bind(id)
        .execute(crate::store::counting(&mut **w.tx()))
        .await;
        let done = match done {
            Err(e) if crate::store::is_unique_violation(&e) => return Ok(RoleChange::NameTaken),
            other => other?,
        };
        if done.rows_affected() == 0 {
            return Ok(RoleChange::NotFound);
        }
        w.commit(audit).await?;
        Ok(RoleChange::Updated)
    }

    /// Deletes a custom role and its assignments, with its audit entry; false when there is no
    /// such custom role.
    pub async fn delete_role(
        &self,
        tenant_id: &str,
        id: &str,
        audit: &AuditEntry,
    ) -> sqlx::Result<bool> {
        let mut w = self.audited(tenant_id).await?;
        let done =
            sqlx::query("DELETE FROM roles WHERE tenant_id = $1 AND id = $2 AND builtin = 0")
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

    /// Role assignments of the tenant.
    pub async fn list_assignments(&self, tenant_id: &str) -> sqlx::Result<Vec<RoleAssignment>> {
        let rows =
            sqlx::query("SELECT * FROM role_assignments WHERE tenant_id = $1 ORDER BY created_at")
                .bind(tenant_id)
                .fetch_all(self.pool())
                .await?;
        rows.iter().map(assignment_from).collect()
    }

    /// One role assignment.
    pub async fn assignment(
        &self,
        tenant_id: &str,
        id: &str,
    ) -> sqlx::Result<Option<RoleAssignment>> {
        let row = sqlx::query("SELECT * FROM role_assignments WHERE tenant_id = $1 AND id = $2")
            .bind(tenant_id)
            .bind(id)
            .fetch_optional(self.pool())
            .await?;
        row.as_ref().map(assignment_from).transpose()
    }

    /// Creates a role assignment together with the audit entry `audit` makes of it.
    #[allow(clippy::too_many_arguments)]
    pub async fn create_assignment(
        &self,
        tenant_id: &str,
        role_id: &str,
        user_id: Option<&str>,
        group_id: Option<&str>,
        scope_all: bool,
        scope_groups: &[String],
        audit: impl FnOnce(&RoleAssignment) -> AuditEntry,
    ) -> sqlx::Result<RoleAssignment> {
        let a = RoleAssignment {
            id: new_id(),
            role_id: role_id.to_owned(),
            user_id: user_id.map(str::to_owned),
            group_id: group_id.map(str::to_owned),
            scope_all,
            scope_groups: scope_groups.to_vec(),
            created_at: now_ms(),
        };
        let mut w = self.audited(tenant_id).await?;
        sqlx::query(
            "INSERT INTO role_assignments (id, tenant_id, role_id, user_id, group_id, scope_all, scope_groups, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(&a.id)
        .bind(tenant_id)
        .bind(&a.role_id)
        .bind(&a.user_id)
        .bind(&a.group_id)
        .bind(b(a.scope_all))
        .bind(serde_json::to_string(&a.scope_groups).unwrap_or_else(|_| "[]".into()))
        .bind(a.created_at)
        .execute(crate::store::counting(&mut **w.tx()))
        .await?;
        w.commit(&audit(&a)).await?;
        Ok(a)
    }

    /// Deletes a role assignment together with its audit entry. Refused when it would leave
    /// the tenant without an enabled administrator.
    pub async fn delete_assignment(
        &self,
        tenant_id: &str,
        id: &str,
        audit: &AuditEntry,
    ) -> sqlx::Result<Guarded> {
        let mut w = self.audited(tenant_id).await?;
        let done = sqlx::query("DELETE FROM role_assignments WHERE tenant_id = $1 AND id = $2")
            .bind(tenant_id)
            .bind(id)
            .execute(crate::store::counting(&mut **w.tx()))
            .await?;
        if done.rows_affected() == 0 {
            return Ok(Guarded::Missing);
        }
        if !keeps_an_administrator(w.tx(), tenant_id).await? {
            return Ok(Guarded::LastAdministrator);
        }
        w.commit(audit).await?;
        Ok(Guarded::Done(()))
    }

    /// Recovery (`assist admin grant-admin`): makes the user an enabled administrator, with
    /// the built-in Administrator role for the whole tenant (unless they hold it already), in
    /// one transaction with the audit entry `audit` makes of what was done.
    pub async fn grant_admin(
        &self,
        tenant_id: &str,
        user_id: &str,
        audit: impl FnOnce(&AdminGrant) -> AuditEntry,
    ) -> sqlx::Result<Option<AdminGrant>> {
        let mut w = self.audited(tenant_id).await?;
        let Some(role) =
            sqlx::query("SELECT id FROM roles WHERE tenant_id = $1 AND builtin = 1 AND name = $2")
                .bind(tenant_id)
                .bind(ADMINISTRATOR_ROLE)
                .fetch_optional(crate::store::counting(&mut **w.tx()))
                .await?
        else {
            return Ok(None);
        };
        let role_id: String = role.try_get("id")?;
        let enabled = sqlx::query(
            "UPDATE users SET disabled = 0, updated_at = $1 WHERE tenant_id = $2 AND id = $3 AND disabled = 1",
        )
        .bind(now_ms())
        .bind(tenant_id)
        .bind(user_id)
        .execute(crate::store::counting(&mut **w.tx()))
        .await?
        .rows_affected()
            == 1;
        let held = sqlx::query(
            "SELECT id FROM role_assignments WHERE tenant_id = $1 AND role_id = $2 AND user_id = $3 AND scope_all = 1",
        )
        .bind(tenant_id)
        .bind(&role_id)
        .bind(user_id)
        .fetch_optional(crate::store::counting(&mut **w.tx()))
        .await?;
        let assigned = held.is_none();
        let assignment_id = match held {
            Some(r) => r.try_get("id")?,
            None => {
                let id = new_id();
                sqlx::query(
                    "INSERT INTO role_assignments (id, tenant_id, role_id, user_id, group_id, scope_all, scope_groups, created_at) \
                     VALUES ($1, $2, $3, $4, NULL, 1, '[]', $5)",
                )
                .bind(&id)
                .bind(tenant_id)
                .bind(&role_id)
                .bind(user_id)
                .bind(now_ms())
                .execute(crate::store::counting(&mut **w.tx()))
                .await?;
                id
            }
        };
        let grant = AdminGrant {
            assignment_id,
            role_id,
            assigned,
            enabled,
        };
        w.commit(&audit(&grant)).await?;
        self.forget_user(user_id);
        Ok(Some(grant))
    }

    /// What a user may do: every assignment to them or to one of their groups.
    pub async fn access_of(&self, user_id: &str) -> sqlx::Result<Access> {
        let rows = sqlx::query(
            "SELECT r.permissions, a.scope_all, a.scope_groups FROM role_assignments a JOIN roles r ON r.id = a.role_id \
             WHERE a.user_id = $1 OR a.group_id IN (SELECT group_id FROM group_members WHERE user_id = $1)",
        )
        .bind(user_id)
        .fetch_all(self.pool())
        .await?;
        let grants = rows
            .iter()
            .map(|r| {
                Ok(Grant {
                    permissions: perms_from(&r.try_get::<String, _>("permissions")?)
                        .into_iter()
                        .collect(),
                    scope_all: r.try_get::<i64, _>("scope_all")? != 0,
                    scope_groups: serde_json::from_str::<Vec<String>>(
                        &r.try_get::<String, _>("scope_groups")?,
                    )
                    .unwrap_or_default()
                    .into_iter()
                    .collect(),
                })
            })
            .collect::<sqlx::Result<Vec<_>>>()?;
        Ok(Access { grants })
    }
}
