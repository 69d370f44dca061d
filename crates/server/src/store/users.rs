//! User accounts and their trust-screen profile.

use super::audit::AuditEntry;
use super::roles::{Guarded, keeps_an_administrator};
use super::{Store, b, new_id};
use crate::clock::now_ms;
use serde::Serialize;
use sqlx::any::AnyRow;
use sqlx::{AssertSqlSafe, Row};

/// A user as the API shows it (no secrets).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct User {
    pub id: String,
    #[serde(skip)]
    pub tenant_id: String,
    pub email: String,
    pub full_name: String,
    pub job_title: Option<String>,
    pub company: Option<String>,
    /// Where the profile picture is served from, if there is one.
    pub picture_url: Option<String>,
    pub totp_enabled: bool,
    pub disabled: bool,
    /// Signs in with single sign-on.
    pub sso: bool,
    pub created_at: i64,
}

impl User {
    /// The part of the email after `@`, lower case.
    pub fn email_domain(&self) -> String {
        self.email
            .rsplit_once('@')
            .map(|(_, d)| d.to_ascii_lowercase())
            .unwrap_or_default()
    }
}

/// Fields of a new user.
#[derive(Debug, Clone, Default)]
pub struct NewUser {
    pub email: String,
    pub password_hash: Option<String>,
    pub full_name: String,
    pub job_title: Option<String>,
    pub company: Option<String>,
    pub picture_url: Option<String>,
    pub oidc_subject: Option<String>,
}

/// Profile fields to change (`None`: keep).
#[derive(Debug, Clone, Default)]
pub struct UserUpdate {
    pub full_name: Option<String>,
    pub job_title: Option<Option<String>>,
    pub company: Option<Option<String>>,
    pub picture_url: Option<Option<String>>,
    pub disabled: Option<bool>,
    pub password_hash: Option<String>,
}

const USER_COLS: &str = "id, tenant_id, email, full_name, job_title, company, picture_url, totp_enabled, disabled, \
                         oidc_subject, created_at";

fn user_from(r: &AnyRow) -> sqlx::Result<User> {
    Ok(User {
        id: r.try_get("id")?,
        tenant_id: r.try_get("tenant_id")?,
        email: r.try_get("email")?,
        full_name: r.try_get("full_name")?,
        job_title: r.try_get("job_title")?,
        company: r.try_get("company")?,
        picture_url: r.try_get("picture_url")?,
        totp_enabled: r.try_get::<i64, _>("totp_enabled")? != 0,
        disabled: r.try_get::<i64, _>("disabled")? != 0,
        sso: r.try_get::<Option<String>, _>("oidc_subject")?.is_some(),
        created_at: r.try_get("created_at")?,
    })
}

/// What deleting a user did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Removal {
    Deleted,
    /// The user took part in sessions and was disabled instead.
    Disabled,
}

/// Writes the fields `u` gives (and `updated_at`), nothing else, so that concurrent updates of
/// other fields are kept; disabling also ends the user's sign-in sessions. False if there is
/// no such user.
async fn update_fields(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    tenant_id: &str,
    id: &str,
    u: &UserUpdate,
) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "UPDATE users SET full_name = COALESCE($1, full_name), \
         job_title = CASE WHEN $2 = 1 THEN $3 ELSE job_title END, \
         company = CASE WHEN $4 = 1 THEN $5 ELSE company END, \
         picture_url = CASE WHEN $6 = 1 THEN $7 ELSE picture_url END, \
         disabled = COALESCE($8, disabled), password_hash = COALESCE($9, password_hash), \
         updated_at = $10 WHERE tenant_id = $11 AND id = $12",
    )
    .bind(&u.full_name)
    .bind(b(u.job_title.is_some()))
    .bind(u.job_title.clone().flatten())
    .bind(b(u.company.is_some()))
    .bind(u.company.clone().flatten())
    .bind(b(u.picture_url.is_some()))
    .bind(u.picture_url.clone().flatten())
    .bind(u.disabled.map(b))
    .bind(&u.password_hash)
    .bind(now_ms())
    .bind(tenant_id)
    .bind(id)
    .execute(crate::store::counting(&mut **tx))
    .await?;
    if done.rows_affected() == 0 {
        return Ok(false);
    }
    if u.disabled == Some(true) {
        sqlx::query("DELETE FROM web_sessions WHERE user_id = $1")
            .bind(id)
            .execute(crate::store::counting(&mut **tx))
            .await?;
    }
    Ok(true)
}

impl Store {
    /// Creates a user; `None` when the email is taken in the tenant.
    pub async fn create_user(&self, tenant_id: &str, u: &NewUser) -> sqlx::Result<Option<User>> {
        let id = new_id();
        let now = now_ms();
        self.insert_user(self.pool(), tenant_id, &id, u, now)
            .await?;
        self.user(tenant_id, &id).await
    }

    /// Creates a user together with the audit entry `audit` makes of it; `None` when the email
    /// is taken in the tenant (then nothing is written).
    pub async fn create_user_audited(
        &self,
        tenant_id: &str,
        u: &NewUser,
        audit: impl FnOnce(&User) -> AuditEntry,
    ) -> sqlx::Result<Option<User>> {
        let id = new_id();
        let mut w = self.audited(tenant_id).await?;
        if !self
            .insert_user(&mut **w.tx(), tenant_id, &id, u, now_ms())
            .await?
        {
            return Ok(None);
        }
        let q = format!("SELECT {USER_COLS} FROM users WHERE id = $1");
        let user = user_from(
            &sqlx::query(AssertSqlSafe(q))
                .bind(&id)
                .fetch_one(crate::store::counting(&mut **w.tx()))
                .await?,
        )?;
        w.commit(&audit(&user)).await?;
        Ok(Some(user))
    }

    /// Inserts a user row; false when the email is taken.
    async fn insert_user<'e, E>(
        &self,
        exec: E,
        tenant_id: &str,
        id: &str,
        u: &NewUser,
        now: i64,
    ) -> sqlx::Result<bool>
    where
        E: sqlx::Executor<'e, Database = sqlx::Any>,
    {
        let done = sqlx::query(
            "INSERT INTO users (id, tenant_id, email, password_hash, full_name, job_title, company, picture_url, \
             oidc_subject, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10) \
             ON CONFLICT DO NOTHING",
        )
        .bind(id)
        .bind(tenant_id)
        .bind(u.email.to_lowercase())
        .bind(&u.password_hash)
        .bind(&u.full_name)
        .bind(&u.job_title)
        .bind(&u.company)
        .bind(&u.picture_url)
        .bind(&u.oidc_subject)
        .bind(now)
        .execute(exec)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// A user of the tenant by id.
    pub async fn user(&self, tenant_id: &str, id: &str) -> sqlx::Result<Option<User>> {
        let q = format!("SELECT {USER_COLS} FROM users WHERE tenant_id = $1 AND id = $2");
        let row = sqlx::query(AssertSqlSafe(q))
            .bind(tenant_id)
            .bind(id)
            .fetch_optional(self.pool())
            .await?;
        row.as_ref().map(user_from).transpose()
    }

    /// A user by id in any tenant (for credentials that carry the user id).
    pub async fn user_by_id(&self, id: &str) -> sqlx::Result<Option<User>> {
        let q = format!("SELECT {USER_COLS} FROM users WHERE id = $1");
        let row = sqlx::query(AssertSqlSafe(q))
            .bind(id)
            .fetch_optional(self.pool())
            .await?;
        row.as_ref().map(user_from).transpose()
    }

    /// A user of the tenant by email (case-insensitive).
    pub async fn user_by_email(&self, tenant_id: &str, email: &str) -> sqlx::Result<Option<User>> {
        let q = format!("SELECT {USER_COLS} FROM users WHERE tenant_id = $1 AND email = $2");
        let row = sqlx::query(AssertSqlSafe(q))
            .bind(tenant_id)
            .bind(email.to_lowercase())
            .fetch_optional(self.pool())
            .await?;
        row.as_ref().map(user_from).transpose()
    }

    /// A user of the tenant by single sign-on subject.
    pub async fn user_by_subject(
        &self,
        tenant_id: &str,
        subject: &str,
    ) -> sqlx::Result<Option<User>> {
        let q = format!("SELECT {USER_COLS} FROM users WHERE tenant_id = $1 AND oidc_subject = $2");
        let row = sqlx::query(AssertSqlSafe(q))
            .bind(tenant_id)
            .bind(subject)
            .fetch_optional(self.pool())
            .await?;
        row.as_ref().map(user_from).transpose()
    }

    /// The stored password hash and TOTP secret of a user.
    pub async fn credentials(
        &self,
        user_id: &str,
    ) -> sqlx::Result<(Option<String>, Option<String>)> {
        let row = sqlx::query("SELECT password_hash, totp_secret FROM users WHERE id = $1")
            .bind(user_id)
            .fetch_optional(self.pool())
            .await?;
        match row {
            Some(r) => Ok((r.try_get("password_hash")?, r.try_get("totp_secret")?)),
            None => Ok((None, None)),
        }
    }

    /// Users of the tenant, filtered by a search over email and name, paged.
    pub async fn list_users(
        &self,
        tenant_id: &str,
        search: &str,
        limit: i64,
        offset: i64,
    ) -> sqlx::Result<(Vec<User>, i64)> {
        let pattern = format!("%{}%", search.to_lowercase());
        let q = format!(
            "SELECT {USER_COLS} FROM users WHERE tenant_id = $1 AND (LOWER(email) LIKE $2 OR LOWER(full_name) LIKE $2) \
             ORDER BY email LIMIT $3 OFFSET $4"
        );
        let rows = sqlx::query(AssertSqlSafe(q))
            .bind(tenant_id)
            .bind(&pattern)
            .bind(limit)
            .bind(offset)
            .fetch_all(self.pool())
            .await?;
        let total: i64 = sqlx::query(
            "SELECT COUNT(*) AS n FROM users WHERE tenant_id = $1 AND (LOWER(email) LIKE $2 OR LOWER(full_name) LIKE $2)",
        )
        .bind(tenant_id)
        .bind(&pattern)
        .fetch_one(self.pool())
        .await?
        .try_get("n")?;
        Ok((
            rows.iter().map(user_from).collect::<sqlx::Result<_>>()?,
            total,
        ))
    }

    /// Number of users in all tenants.
    pub async fn count_users(&self) -> sqlx::Result<i64> {
        sqlx::query("SELECT COUNT(*) AS n FROM users")
            .fetch_one(self.pool())
            .await?
            .try_get("n")
    }

    /// Writes the profile fields `u` gives (from a single sign-on provider's claims; the sign-in
    /// that brings them is audited). Never disables; false if there is no such user.
    pub async fn sync_profile(
        &self,
        tenant_id: &str,
        id: &str,
        u: &UserUpdate,
    ) -> sqlx::Result<bool> {
        let profile = UserUpdate {
            disabled: None,
            password_hash: None,
            ..u.clone()
        };
        let mut tx = self.pool().begin().await?;
        let done = update_fields(&mut tx, tenant_id, id, &profile).await?;
        tx.commit().await?;
        self.forget_user(id);
        Ok(done)
    }

    /// Applies an update together with its audit entry. Only the fields given are written
    /// (a concurrent change of other fields is kept); disabling ends the user's sign-in
    /// sessions. Refused when it would leave the tenant without an enabled administrator.
    pub async fn update_user(
        &self,
        tenant_id: &str,
        id: &str,
        u: &UserUpdate,
        audit: &AuditEntry,
    ) -> sqlx::Result<Guarded> {
        let mut w = self.audited(tenant_id).await?;
        if !update_fields(w.tx(), tenant_id, id, u).await? {
            return Ok(Guarded::Missing);
        }
        if u.disabled == Some(true) && !keeps_an_administrator(w.tx(), tenant_id).await? {
            return Ok(Guarded::LastAdministrator);
        }
        w.commit(audit).await?;
        self.forget_user(id);
        Ok(Guarded::Done(()))
    }

    /// Stores the TOTP secret (`None` removes it) and whether it is confirmed.
    pub async fn set_totp(
        &self,
        user_id: &str,
        secret: Option<&str>,
        enabled: bool,
    ) -> sqlx::Result<()> {
        sqlx::query(
            "UPDATE users SET totp_secret = $1, totp_enabled = $2, updated_at = $3 WHERE id = $4",
        )
        .bind(secret)
        .bind(b(enabled))
        .bind(now_ms())
        .bind(user_id)
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// Deletes a user together with its audit entry; a user who took part in sessions is
    /// disabled instead, so reports keep their names (the answer says which). Refused when it
    /// would leave the tenant without an enabled administrator.
    pub async fn delete_user(
        &self,
        tenant_id: &str,
        id: &str,
        audit: &AuditEntry,
    ) -> sqlx::Result<Guarded<Removal>> {
        let mut w = self.audited(tenant_id).await?;
        let used: Option<AnyRow> = sqlx::query(
            "SELECT 1 AS one FROM sessions WHERE helper_id = $1 OR sharer_id = $1 LIMIT 1",
        )
        .bind(id)
        .fetch_optional(crate::store::counting(&mut **w.tx()))
        .await?;
        let removal = if used.is_some() {
            let disable = UserUpdate {
                disabled: Some(true),
                ..Default::default()
            };
            if !update_fields(w.tx(), tenant_id, id, &disable).await? {
                return Ok(Guarded::Missing);
            }
            Removal::Disabled
        } else {
            let done = sqlx::query("DELETE FROM users WHERE tenant_id = $1 AND id = $2")
                .bind(tenant_id)
                .bind(id)
                .execute(crate::store::counting(&mut **w.tx()))
                .await?;
            if done.rows_affected() == 0 {
                return Ok(Guarded::Missing);
            }
            Removal::Deleted
        };
        if !keeps_an_administrator(w.tx(), tenant_id).await? {
            return Ok(Guarded::LastAdministrator);
        }
        w.commit(audit).await?;
        self.forget_user(id);
        Ok(Guarded::Done(removal))
    }

    /// Sets a new password hash, ends the user's sign-in sessions and revokes their API tokens
    /// (an agent's sign-in included), with its audit entry.
    pub async fn reset_password(
        &self,
        tenant_id: &str,
        id: &str,
        password_hash: &str,
        audit: &AuditEntry,
    ) -> sqlx::Result<bool> {
        let mut w = self.audited(tenant_id).await?;
        let update = UserUpdate {
            password_hash: Some(password_hash.to_owned()),
            ..Default::default()
        };
        if !update_fields(w.tx(), tenant_id, id, &update).await? {
            return Ok(false);
        }
        sqlx::query("DELETE FROM web_sessions WHERE user_id = $1")
            .bind(id)
            .execute(crate::store::counting(&mut **w.tx()))
            .await?;
        sqlx::query(
            "UPDATE api_tokens SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL",
        )
        .bind(now_ms())
        .bind(id)
        .execute(crate::store::counting(&mut **w.tx()))
        .await?;
        w.commit(audit).await?;
        Ok(true)
    }

    /// Stores a profile picture of a user of `tenant_id` and points the user's picture URL at
    /// it, with its audit entry; false (and nothing written) when there is no such user.
    pub async fn set_picture(
        &self,
        tenant_id: &str,
        user_id: &str,
        picture: (&str, &[u8]),
        url: &str,
        audit: &AuditEntry,
    ) -> sqlx::Result<bool> {
        let (content_type, data) = picture;
        let now = now_ms();
        let mut w = self.audited(tenant_id).await?;
        let tx = w.tx();
        let done = sqlx::query(
            "UPDATE users SET picture_url = $1, updated_at = $2 WHERE tenant_id = $3 AND id = $4",
        )
        .bind(url)
        .bind(now)
        .bind(tenant_id)
        .bind(user_id)
        .execute(crate::store::counting(&mut **tx))
        .await?;
        if done.rows_affected() == 0 {
            return Ok(false);
        }
        sqlx::query(
            "INSERT INTO user_pictures (user_id, content_type, data, updated_at) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (user_id) DO UPDATE SET content_type = excluded.content_type, data = excluded.data, \
             updated_at = excluded.updated_at",
        )
        .bind(user_id)
        .bind(content_type)
        .bind(data.to_vec())
        .bind(now)
        .execute(crate::store::counting(&mut **tx))
        .await?;
        w.commit(audit).await?;
        self.forget_user(user_id);
        Ok(true)
    }

    /// A stored profile picture: content type and bytes.
    pub async fn picture(&self, user_id: &str) -> sqlx::Result<Option<(String, Vec<u8>)>> {
        let row = sqlx::query("SELECT content_type, data FROM user_pictures WHERE user_id = $1")
            .bind(user_id)
            .fetch_optional(self.pool())
            .await?;
        row.map(|r| Ok((r.try_get("content_type")?, r.try_get("data")?)))
            .transpose()
    }
}
