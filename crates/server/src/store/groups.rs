//! Groups of users: membership, and the scope groups of role assignments.

use super::audit::AuditEntry;
use super::roles::{Guarded, keeps_an_administrator};
use super::{Store, new_id};
use crate::clock::now_ms;
use serde::Serialize;
use sqlx::any::AnyRow;
use sqlx::{AssertSqlSafe, Row};

/// A group.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Group {
    pub id: String,
    pub name: String,
    pub description: String,
    pub member_count: i64,
    pub created_at: i64,
}

fn group_from(r: &AnyRow) -> sqlx::Result<Group> {
    Ok(Group {
        id: r.try_get("id")?,
        name: r.try_get("name")?,
        description: r.try_get("description")?,
        member_count: r.try_get("member_count")?,
        created_at: r.try_get("created_at")?,
    })
}

const GROUP_SELECT: &str = "SELECT g.id, g.name, g.description, g.created_at, \
     (SELECT COUNT(*) FROM group_members m WHERE m.group_id = g.id) AS member_count FROM user_groups g";

impl Store {
    /// Groups of the tenant, by name.
    pub async fn list_groups(&self, tenant_id: &str) -> sqlx::Result<Vec<Group>> {
        let q = format!("{GROUP_SELECT} WHERE g.tenant_id = $1 ORDER BY g.name");
        let rows = sqlx::query(AssertSqlSafe(q))
            .bind(tenant_id)
            .fetch_all(self.pool())
            .await?;
        rows.iter().map(group_from).collect()
    }

    /// One group.
    pub async fn group(&self, tenant_id: &str, id: &str) -> sqlx::Result<Option<Group>> {
        let q = format!("{GROUP_SELECT} WHERE g.tenant_id = $1 AND g.id = $2");
        let row = sqlx::query(AssertSqlSafe(q))
            .bind(tenant_id)
            .bind(id)
            .fetch_optional(self.pool())
            .await?;
        row.as_ref().map(group_from).transpose()
    }

    /// Creates a group with the audit entry `audit` makes of it; `None` if the name is taken.
    pub async fn create_group(
        &self,
        tenant_id: &str,
        name: &str,
        description: &str,
        audit: impl FnOnce(&Group) -> AuditEntry,
    ) -> sqlx::Result<Option<Group>> {
        let id = new_id();
        let mut w = self.audited(tenant_id).await?;
        let done = sqlx::query(
            "INSERT INTO user_groups (id, tenant_id, name, description, created_at) VALUES ($1, $2, $3, $4, $5) \
             ON CONFLICT DO NOTHING",
        )
        .bind(&id)
        .bind(tenant_id)
        .bind(name)
        .bind(description)
        .bind(now_ms())
        .execute(crate::store::counting(&mut **w.tx()))
        .await?;
        if done.rows_affected() == 0 {
            return Ok(None);
        }
        let q = format!("{GROUP_SELECT} WHERE g.id = $1");
        let group = group_from(
            &sqlx::query(AssertSqlSafe(q))
                .bind(&id)
                .fetch_one(crate::store::counting(&mut **w.tx()))
                .await?,
        )?;
        w.commit(&audit(&group)).await?;
        Ok(Some(group))
    }

    /// Renames or re-describes a group, with its audit entry; false when absent.
    pub async fn update_group(
        &self,
        tenant_id: &str,
        id: &str,
        name: &str,
        description: &str,
        audit: &AuditEntry,
    ) -> sqlx::Result<bool> {
        let mut w = self.audited(tenant_id).await?;
        let done = sqlx::query(
            "UPDATE user_groups SET name = $1, description = $2 WHERE tenant_id = $3 AND id = $4",
        )
        .bind(name)
        .bind(description)
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

    /// Deletes a group (memberships and assignments to it go too), with its audit entry.
    /// Refused when it would leave the tenant without an enabled administrator.
    pub async fn delete_group(
        &self,
        tenant_id: &str,
        id: &str,
        audit: &AuditEntry,
    ) -> sqlx::Result<Guarded> {
        let mut w = self.audited(tenant_id).await?;
        let done = sqlx::query("DELETE FROM user_groups WHERE tenant_id = $1 AND id = $2")
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

    /// Ids of a group's members.
    pub async fn group_members(&self, group_id: &str) -> sqlx::Result<Vec<String>> {
        let rows =
            sqlx::query("SELECT user_id FROM group_members WHERE group_id = $1 ORDER BY user_id")
                .bind(group_id)
                .fetch_all(self.pool())
                .await?;
        rows.iter().map(|r| r.try_get("user_id")).collect()
    }

    /// Adds a member (idempotent), with its audit entry.
    pub async fn add_member(
        &self,
        tenant_id: &str,
        group_id: &str,
        user_id: &str,
        audit: &AuditEntry,
    ) -> sqlx::Result<()> {
        let mut w = self.audited(tenant_id).await?;
        sqlx::query(
            "INSERT INTO group_members (group_id, user_id) VALUES ($1, $2) ON CONFLICT DO NOTHING",
        )
        .bind(group_id)
        .bind(user_id)
        .execute(crate::store::counting(&mut **w.tx()))
        .await?;
        w.commit(audit).await
    }

    /// Removes a member, with its audit entry; `Missing` if they were not one. Refused when
    /// it would leave the tenant without an enabled administrator.
    pub async fn remove_member(
        &self,
        tenant_id: &str,
        group_id: &str,
        user_id: &str,
        audit: &AuditEntry,
    ) -> sqlx::Result<Guarded> {
        let mut w = self.audited(tenant_id).await?;
        let done = sqlx::query("DELETE FROM group_members WHERE group_id = $1 AND user_id = $2")
            .bind(group_id)
            .bind(user_id)
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

    /// Ids of the groups a user belongs to.
    pub async fn groups_of(&self, user_id: &str) -> sqlx::Result<Vec<String>> {
        let rows = sqlx::query("SELECT group_id FROM group_members WHERE user_id = $1")
            .bind(user_id)
            .fetch_all(self.pool())
            .await?;
        rows.iter().map(|r| r.try_get("group_id")).collect()
    }
}
