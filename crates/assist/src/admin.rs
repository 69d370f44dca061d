//! `assist admin ...`: recovery commands, run on the server's machine against its database (the
//! same `--data`/`--database` as `serve`): a new password for a user, the Administrator role for
//! a user, a check of the audit chain. Each change is written to the audit log with it.

use anyhow::{Context, bail};
use assist_server::access::permissions::ADMINISTRATOR_ROLE;
use assist_server::audit::action::Action;
use assist_server::config::Config;
use assist_server::store::Store;
use assist_server::store::audit::AuditEntry;
use assist_server::store::tenants::Tenant;
use assist_server::store::users::User;
use clap::{Args, Subcommand};
use serde_json::json;
use std::io::Read;
use std::path::PathBuf;

/// Who the audit log names for these commands.
const ACTOR: &str = "assist admin";

/// Flags of `assist admin`.
#[derive(Args, Debug)]
pub struct AdminArgs {
    /// TOML configuration file, as for `serve`.
    #[arg(long, env = "ASSIST_CONFIG", global = true)]
    config: Option<PathBuf>,
    /// Data directory of the server (its SQLite database) [default: ./data].
    #[arg(long, env = "ASSIST_DATA", global = true)]
    data: Option<PathBuf>,
    /// Database URL of the server, `postgres://...` [default: SQLite in the data directory].
    #[arg(long, env = "ASSIST_DATABASE", global = true)]
    database: Option<String>,
    #[command(subcommand)]
    command: AdminCommand,
}

#[derive(Subcommand, Debug)]
enum AdminCommand {
    /// Gives the user a new one-time password (printed) and ends their sign-in sessions.
    ResetPassword {
        email: String,
        /// Read the new password from standard input instead of generating one.
        #[arg(long)]
        password_stdin: bool,
    },
    /// Gives the user the built-in Administrator role for the whole tenant (and enables the
    /// account if it was disabled).
    GrantAdmin { email: String },
    /// Checks the audit log's hash chain and reports the first broken link (exit status 1).
    VerifyAudit,
}

impl AdminArgs {
    fn database_url(&self) -> anyhow::Result<String> {
        let mut c = match &self.config {
            Some(path) => {
                let text = std::fs::read_to_string(path)
                    .with_context(|| format!("reading {}", path.display()))?;
                toml::from_str::<Config>(&text).with_context(|| format!("in {}", path.display()))?
            }
            None => Config::default(),
        };
        if let Some(v) = &self.data {
            c.data = v.clone();
        }
        if self.database.is_some() {
            c.database = self.database.clone();
        }
        if c.database.is_none() && !c.data.join("assist.db").exists() {
            bail!(
                "no database in {} (give the server's --data or --database)",
                c.data.display()
            );
        }
        Ok(c.database_url())
    }
}

/// Runs an admin command.
pub fn run(args: AdminArgs) -> anyhow::Result<()> {
    let url = args.database_url()?;
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    rt.block_on(async move {
        let store = Store::open(&url).await?;
        let result = match &args.command {
            AdminCommand::ResetPassword {
                email,
                password_stdin,
            } => reset_password(&store, email, *password_stdin).await,
            AdminCommand::GrantAdmin { email } => grant_admin(&store, email).await,
            AdminCommand::VerifyAudit => verify_audit(&store).await,
        };
        store.close().await;
        result
    })
}

async fn tenant(store: &Store) -> anyhow::Result<Tenant> {
    store
        .first_tenant()
        .await?
        .context("the database has no tenant yet: start the server once first")
}

async fn user(store: &Store, tenant: &Tenant, email: &str) -> anyhow::Result<User> {
    store
        .user_by_email(&tenant.id, email.trim())
        .await?
        .with_context(|| format!("no user with the email {email}"))
}

async fn reset_password(store: &Store, email: &str, from_stdin: bool) -> anyhow::Result<()> {
    let tenant = tenant(store).await?;
    let user = user(store, &tenant, email).await?;
    let (password, generated) = if from_stdin {
        let mut text = String::new();
        std::io::stdin()
            .read_to_string(&mut text)
            .context("reading the password from standard input")?;
        let p = text.trim_end_matches(['\r', '\n']).to_owned();
        assist_server::validate::password(&p).map_err(|e| anyhow::anyhow!("{e}"))?;
        (p, false)
    } else {
        (one_time_password(), true)
    };
    let hash = assist_server::auth::password::hash(&password)?;
    let entry = AuditEntry {
        actor: ACTOR.into(),
        action: Action::UserPasswordReset,
        target: Some(user.id.clone()),
        detail: json!({"email": user.email, "generated": generated, "sessions_ended": true, "tokens_revoked": true}),
        actor_id: None,
        address: None,
    };
    if !store
        .reset_password(&tenant.id, &user.id, &hash, &entry)
        .await?
    {
        bail!("no user with the email {email}");
    }
    if generated {
        println!(
            "New one-time password for {}: {password}\n\
             (it is shown only now; their sign-in sessions have ended)",
            user.email
        );
    } else {
        println!(
            "Password of {} changed; their sign-in sessions have ended.",
            user.email
        );
    }
    Ok(())
}

/// A random password of 20 letters and digits, as the first start makes.
fn one_time_password() -> String {
    assist_server::secrets::new_token("")
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .take(20)
        .collect()
}

async fn grant_admin(store: &Store, email: &str) -> anyhow::Result<()> {
    let tenant = tenant(store).await?;
    let user = user(store, &tenant, email).await?;
    let grant = store
        .grant_admin(&tenant.id, &user.id, |g| AuditEntry {
            actor: ACTOR.into(),
            action: Action::RoleAssigned,
            target: Some(g.assignment_id.clone()),
            detail: json!({"role": ADMINISTRATOR_ROLE, "role_id": g.role_id, "user_id": user.id,
                "email": user.email, "scope_all": true, "scope_groups": [],
                "new_assignment": g.assigned, "enabled": g.enabled}),
            actor_id: None,
            address: None,
        })
        .await?
        .context("the built-in Administrator role is missing: start the server once first")?;
    let mut said = vec![if grant.assigned {
        format!("{} is now an administrator", user.email)
    } else {
        format!("{} was an administrator already", user.email)
    }];
    if grant.enabled {
        said.push("the account was disabled and is enabled again".into());
    }
    println!("{}.", said.join("; "));
    Ok(())
}

async fn verify_audit(store: &Store) -> anyhow::Result<()> {
    let tenants = store.audited_tenants().await?;
    let mut broken = false;
    for tenant in &tenants {
        let v = store.verify_audit(tenant).await?;
        match &v.first_broken {
            None => println!(
                "audit log of tenant {tenant}: {} entries, the chain is intact",
                v.verified
            ),
            Some(b) => {
                broken = true;
                let at =
                    b.id.map(|id| format!("entry {id} (link {})", b.seq))
                        .unwrap_or_else(|| format!("link {} (after the last entry)", b.seq));
                println!(
                    "audit log of tenant {tenant}: BROKEN at {at}: {}; {} entries before it hold",
                    serde_json::to_value(b.reason)?.as_str().unwrap_or_default(),
                    v.verified
                );
            }
        }
    }
    if tenants.is_empty() {
        println!("the audit log is empty");
    }
    if broken {
        std::process::exit(1);
    }
    Ok(())
}
