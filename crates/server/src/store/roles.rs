//! Roles (named sets of permissions) and role assignments (role + members + scope groups).

use super::{Store, b, new_id};
use crate::access::{Access, Grant, Permission};
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

    /// Creates a role; `None` if the name is taken.
    pub async fn create_role(
        &self,
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
        .execute(self.pool())
        .await?;
        if done.rows_affected() == 0 {
            return Ok(None);
        }
        self.role(tenant_id, &id).await
    }

    /// Changes a custom role (built-in roles are not changed here).
    pub async fn update_role(
        &self,
        tenant_id: &str,
        id: &str,
        name: &str,
        description: &str,
        permissions: &[Permission],
    ) -> sqlx::Result<bool> {
        let done = sqlx::query(
            "UPDATE roles SET name = $1, description = $2, permissions = $3 WHERE tenant_id = $4 AND id = $5 AND builtin = 0",
        )
        .bind(name)
        .bind(description)
        .bind(perms_to(permissions))
        .bind(tenant_id)
        .bind(id)
        .execute(self.pool())
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Deletes a custom role and its assignments.
    pub async fn delete_role(&self, tenant_id: &str, id: &str) -> sqlx::Result<bool> {
        let done =
            sqlx::query("DELETE FROM roles WHERE tenant_id = $1 AND id = $2 AND builtin = 0")
                .bind(tenant_id)
                .bind(id)
                .execute(self.pool())
                .await?;
        Ok(done.rows_affected() == 1)
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

    /// Creates a role assignment.
    pub async fn create_assignment(
        &self,
        tenant_id: &str,
        role_id: &str,
        user_id: Option<&str>,
        group_id: Option<&str>,
        scope_all: bool,
        scope_groups: &[String],
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
        .execute(self.pool())
        .await?;
        Ok(a)
    }

    /// Deletes a role assignment.
    pub async fn delete_assignment(&self, tenant_id: &str, id: &str) -> sqlx::Result<bool> {
        let done = sqlx::query("DELETE FROM role_assignments WHERE tenant_id = $1 AND id = $2")
            .bind(tenant_id)
            .bind(id)
            .execute(self.pool())
            .await?;
        Ok(done.rows_affected() == 1)
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
