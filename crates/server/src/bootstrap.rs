//! First start: the tenant, the built-in roles, and the first administrator.

use crate::access::permissions::{ADMINISTRATOR_ROLE, builtin_roles};
use crate::audit::action::Action;
use crate::auth::password;
use crate::store::Store;
use crate::store::audit::AuditEntry;
use crate::store::tenants::Tenant;
use crate::store::users::NewUser;

/// What the first start created, to tell the operator.
#[derive(Debug)]
pub struct FirstAdmin {
    pub email: String,
    /// Set when the password was generated (it is shown once and never stored in clear).
    pub generated_password: Option<String>,
}

/// Makes sure the tenant, its built-in roles and (when there is no user) the first administrator
/// exist. Safe to call at every start.
pub async fn ensure(
    store: &Store,
    admin_email: Option<&str>,
    admin_password: Option<&str>,
) -> anyhow::Result<(Tenant, Option<FirstAdmin>)> {
    let tenant = match store.first_tenant().await? {
        Some(t) => t,
        None => store.create_tenant("Assist").await?,
    };
    for (name, description, perms) in builtin_roles() {
        if store.role_by_name(&tenant.id, name).await?.is_none() {
            store
                .create_builtin_role(&tenant.id, name, description, &perms)
                .await?;
        }
    }
    if store.count_users().await? > 0 {
        return Ok((tenant, None));
    }
    let email = crate::validate::email(admin_email.unwrap_or("admin@assist.local"))
        .map_err(|e| anyhow::anyhow!("--admin-email: {e}"))?;
    let (pw, generated) = match admin_password {
        Some(p) => {
            crate::validate::password(p).map_err(|e| anyhow::anyhow!("--admin-password: {e}"))?;
            (p.to_owned(), None)
        }
        None => {
            let p = crate::secrets::new_token("")
                .chars()
                .filter(char::is_ascii_alphanumeric)
                .take(20)
                .collect::<String>();
            (p.clone(), Some(p))
        }
    };
    let user = store
        .create_user(
            &tenant.id,
            &NewUser {
                email: email.clone(),
                password_hash: Some(password::hash(&pw)?),
                full_name: "Administrator".into(),
                ..Default::default()
            },
        )
        .await?
        .ok_or_else(|| anyhow::anyhow!("could not create the first administrator"))?;
    let role = store
        .role_by_name(&tenant.id, ADMINISTRATOR_ROLE)
        .await?
        .ok_or_else(|| anyhow::anyhow!("the Administrator role is missing"))?;
    store
        .create_assignment(&tenant.id, &role.id, Some(&user.id), None, true, &[], |a| {
            AuditEntry {
                actor: "system".into(),
                action: Action::RoleAssigned,
                target: Some(a.id.clone()),
                detail: serde_json::json!({"role": role.name, "user_id": user.id,
                    "email": user.email, "scope_all": true, "first_start": true}),
                actor_id: None,
                address: None,
            }
        })
        .await?;
    Ok((
        tenant,
        Some(FirstAdmin {
            email,
            generated_password: generated,
        }),
    ))
}
