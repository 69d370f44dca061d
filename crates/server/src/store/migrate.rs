//! Numbered SQL migrations per backend, compiled into the binary, recorded in `schema_version`.

use super::{Backend, Store};
use sqlx::{Executor, Row};

/// One migration: its number and the file name under `migrations/sqlite` and `migrations/postgres`.
macro_rules! migration {
    ($n:expr, $file:literal) => {
        (
            $n,
            include_str!(concat!("../../migrations/sqlite/", $file)),
            include_str!(concat!("../../migrations/postgres/", $file)),
        )
    };
}

/// The migrations, in order: (version, sqlite SQL, postgres SQL).
#[rustfmt::skip]
const MIGRATIONS: &[(i64, &str, &str)] = &[
    migration!(1, "0001_foundation.sql"),
    migration!(2, "0002_sessions.sql"),
    migration!(3, "0003_access.sql"),
    migration!(4, "0004_devices.sql"),
    migration!(5, "0005_scaleout.sql"),
    migration!(6, "0006_agent_sso.sql"),
    migration!(7, "0007_unattended.sql"),
    migration!(8, "0008_chat_threads.sql"),
    migration!(9, "0009_sign_in_limits.sql"),
    migration!(10, "0010_audit_chain.sql"),
    migration!(11, "0011_device_channel.sql"),
    migration!(12, "0012_used_codes.sql"),
    migration!(13, "0013_presence_columns.sql"),
    migration!(14, "0014_session_offers.sql"),
    migration!(15, "0015_device_hostname.sql"),
    migration!(16, "0016_transfers.sql"),
];

/// The schema version this binary brings.
pub const SCHEMA_VERSION: i64 = MIGRATIONS[MIGRATIONS.len() - 1].0;

/// The database was written by a newer Assist.
#[derive(Debug, thiserror::Error)]
pub enum MigrateError {
    #[error(
        "the database schema is version {found}, newer than this binary knows ({known}); \
         run a newer Assist or restore a backup taken before the upgrade"
    )]
    TooNew { found: i64, known: i64 },
}

/// How a statement that is a step in Rust starts.
const HOOK: &str = "-- hook:";

/// The Rust step of a migration.
async fn hook(version: i64, tx: &mut sqlx::Transaction<'_, sqlx::Any>) -> anyhow::Result<()> {
    match version {
        10 => super::audit::chain_existing(tx).await?,
        _ => anyhow::bail!("migration {version} has no step in code"),
    }
    Ok(())
}

pub(super) async fn run(store: &Store) -> anyhow::Result<()> {
    run_up_to(store, SCHEMA_VERSION).await
}

/// Applies the pending migrations up to `last`.
async fn run_up_to(store: &Store, last: i64) -> anyhow::Result<()> {
    let pool = store.pool();
    pool.execute(
        "CREATE TABLE IF NOT EXISTS schema_version (version BIGINT PRIMARY KEY, applied_at BIGINT NOT NULL)",
    )
    .await?;
    let current: i64 = sqlx::query("SELECT COALESCE(MAX(version), 0) AS v FROM schema_version")
        .fetch_one(pool)
        .await?
        .try_get("v")?;
    if current > SCHEMA_VERSION {
        return Err(MigrateError::TooNew {
            found: current,
            known: SCHEMA_VERSION,
        }
        .into());
    }
    // Each migration not yet recorded is applied, in order: numbers reserved for work that lands
    // later (a gap such as 6 before 7) are still applied once they exist.
    let applied: std::collections::BTreeSet<i64> =
        sqlx::query("SELECT version FROM schema_version")
            .fetch_all(pool)
            .await?
            .iter()
            .map(|r| r.try_get::<i64, _>("version"))
            .collect::<Result<_, _>>()?;
    for (version, sqlite, postgres) in MIGRATIONS {
        if applied.contains(version) || *version > last {
            continue;
        }
        let sql = match store.backend() {
            Backend::Sqlite => sqlite,
            Backend::Postgres => postgres,
        };
        let mut tx = pool.begin().await?;
        // Statements are separated by lines holding only `-- ;;` so that trigger bodies may contain `;`.
        // A statement `-- hook: ...` is a step written in Rust, run at that point.
        for stmt in sql
            .split("\n-- ;;\n")
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            if stmt.starts_with(HOOK) {
                hook(*version, &mut tx)
                    .await
                    .map_err(|e| anyhow::anyhow!("migration {version} failed: {e}\n{stmt}"))?;
                continue;
            }
            tx.execute(stmt)
                .await
                .map_err(|e| anyhow::anyhow!("migration {version} failed: {e}\n{stmt}"))?;
        }
        sqlx::query("INSERT INTO schema_version (version, applied_at) VALUES ($1, $2)")
            .bind(version)
            .bind(crate::clock::now_ms())
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        tracing::info!(version, "applied database migration");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::action::Action;
    use crate::store::audit::AuditEntry;
    use sqlx::any::install_default_drivers;

    /// Entries written before migration 10 are linked by it, per tenant in the order they were
    /// written, and new entries chain on.
    async fn existing_entries_are_linked(backend: Backend, url: &str) {
        install_default_drivers();
        let pool = sqlx::AnyPool::connect(url).await.unwrap();
        let store = Store {
            pool,
            backend,
            reachable: std::sync::Arc::new(true.into()),
            cache: Default::default(),
        };
        run_up_to(&store, 9).await.unwrap();
        for (tenant, at) in [("t1", 1), ("t2", 2), ("t1", 3), ("t1", 4)] {
            sqlx::query(
                "INSERT INTO audit (tenant_id, at, actor, action, detail) VALUES ($1, $2, 'system', 'old.entry', '{}')",
            )
            .bind(tenant)
            .bind(at)
            .execute(store.pool())
            .await
            .unwrap();
        }
        run(&store).await.unwrap();
        let t1 = store.verify_audit("t1").await.unwrap();
        assert!(t1.intact && t1.verified == 3, "{t1:?}");
        let t2 = store.verify_audit("t2").await.unwrap();
        assert!(t2.intact && t2.verified == 1, "{t2:?}");
        store
            .audit(
                "t1",
                &AuditEntry {
                    actor: "system".into(),
                    action: Action::SettingsChanged,
                    detail: serde_json::json!({}),
                    actor_id: None,
                    target: None,
                    address: None,
                },
            )
            .await
            .unwrap();
        let t1 = store.verify_audit("t1").await.unwrap();
        assert!(t1.intact && t1.verified == 4, "{t1:?}");
        store.close().await;
    }

    /// A database of its own on the test PostgreSQL server, for a migration test.
    struct ScratchPostgres {
        server: sqlx::AnyPool,
        name: String,
        url: String,
    }

    impl ScratchPostgres {
        async fn create(prefix: &str) -> Self {
            install_default_drivers();
            let admin = std::env::var("ASSIST_TEST_POSTGRES")
                .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into());
            let name = format!("{prefix}_{}", crate::store::new_id());
            let server = sqlx::AnyPool::connect(&admin).await.unwrap();
            server
                .execute(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
                .await
                .unwrap();
            let base = admin.rsplit_once('/').map_or(admin.as_str(), |(b, _)| b);
            let url = format!("{base}/{name}");
            ScratchPostgres { server, name, url }
        }

        async fn drop(self) {
            self.server
                .execute(sqlx::AssertSqlSafe(format!(
                    "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                    self.name
                )))
                .await
                .unwrap();
            self.server.close().await;
        }
    }

    #[tokio::test]
    async fn existing_entries_are_linked_on_sqlite() {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}?mode=rwc", dir.path().join("a.db").display());
        existing_entries_are_linked(Backend::Sqlite, &url).await;
    }

    #[tokio::test]
    async fn existing_entries_are_linked_on_postgres() {
        let db = ScratchPostgres::create("assist_m10").await;
        existing_entries_are_linked(Backend::Postgres, &db.url).await;
        db.drop().await;
    }

    /// Migration 11 moves the connection ids out of the presence JSON into columns, with the node
    /// of each, and the store then finds the sessions a node holds by those columns.
    async fn connection_ids_move_to_columns(backend: Backend, url: &str) {
        install_default_drivers();
        let pool = sqlx::AnyPool::connect(url).await.unwrap();
        let store = Store {
            pool,
            backend,
            reachable: std::sync::Arc::new(true.into()),
            cache: Default::default(),
        };
        run_up_to(&store, 10).await.unwrap();
        for stmt in [
            "INSERT INTO tenants (id, name, secret, created_at) VALUES ('t', 'T', 's', 0)",
            "INSERT INTO users (id, tenant_id, email, full_name, created_at, updated_at) \
             VALUES ('u', 't', 'u@example.com', 'U', 0, 0)",
            "INSERT INTO sessions (id, tenant_id, helper_id, state, machine, created_at, expires_at, presence) \
             VALUES ('s1', 't', 'u', 'active', '{}', 0, 0, \
             '{\"helper\":null,\"sharer\":null,\"helper_conn\":\"n1.c1\",\"sharer_conn\":\"n2.c2\"}')",
            "INSERT INTO sessions (id, tenant_id, helper_id, state, machine, created_at, expires_at, presence) \
             VALUES ('s2', 't', 'u', 'active', '{}', 0, 0, '{}')",
        ] {
            sqlx::query(stmt).execute(store.pool()).await.unwrap();
        }
        run(&store).await.unwrap();
        let row = sqlx::query(
            "SELECT helper_conn, sharer_conn, helper_node, sharer_node, presence FROM sessions WHERE id = 's1'",
        )
        .fetch_one(store.pool())
        .await
        .unwrap();
        let got: [Option<String>; 4] = [
            row.try_get("helper_conn").unwrap(),
            row.try_get("sharer_conn").unwrap(),
            row.try_get("helper_node").unwrap(),
            row.try_get("sharer_node").unwrap(),
        ];
        assert_eq!(
            got,
            [Some("n1.c1"), Some("n2.c2"), Some("n1"), Some("n2")].map(|s| s.map(String::from))
        );
        let presence: serde_json::Value =
            serde_json::from_str(&row.try_get::<String, _>("presence").unwrap()).unwrap();
        assert_eq!(
            presence,
            serde_json::json!({"helper": null, "sharer": null})
        );
        assert_eq!(store.sessions_held_by("t", "n1", 10).await.unwrap(), ["s1"]);
        assert_eq!(store.sessions_held_by("t", "n2", 10).await.unwrap(), ["s1"]);
        assert!(
            store
                .sessions_held_by("t", "n3", 10)
                .await
                .unwrap()
                .is_empty()
        );
        assert!(
            store
                .sessions_held_by("other", "n1", 10)
                .await
                .unwrap()
                .is_empty()
        );
        store.close().await;
    }

    #[tokio::test]
    async fn connection_ids_move_to_columns_on_sqlite() {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}?mode=rwc", dir.path().join("a.db").display());
        connection_ids_move_to_columns(Backend::Sqlite, &url).await;
    }

    #[tokio::test]
    async fn connection_ids_move_to_columns_on_postgres() {
        let db = ScratchPostgres::create("assist_m13").await;
        connection_ids_move_to_columns(Backend::Postgres, &db.url).await;
        db.drop().await;
    }

    /// Migration 16 gives the built-in roles that hold full control the new clipboard and files
    /// permissions, and leaves other roles (built-in or custom) as they were.
    async fn builtin_roles_gain_clipboard_and_files(backend: Backend, url: &str) {
        use crate::access::permissions::Permission;
        install_default_drivers();
        let pool = sqlx::AnyPool::connect(url).await.unwrap();
        let store = Store {
            pool,
            backend,
            reachable: std::sync::Arc::new(true.into()),
            cache: Default::default(),
        };
        run_up_to(&store, 15).await.unwrap();
        sqlx::query("INSERT INTO tenants (id, name, secret, created_at) VALUES ('t', 'T', 's', 0)")
            .execute(store.pool())
            .await
            .unwrap();
        for (id, name, perms, builtin) in [
            (
                "r1",
                "Administrator",
                r#"["admin.users","remote_help.offer"]"#,
                1,
            ),
            (
                "r2",
                "Help Desk Operator",
                r#"["remote_help.full_control","remote_help.offer","remote_help.view_screen"]"#,
                1,
            ),
            (
                "r3",
                "Read Only Operator",
                r#"["remote_help.offer","remote_help.view_screen"]"#,
                1,
            ),
            ("r4", "Help Desk Operator 2", r#"["remote_help.offer"]"#, 0),
        ] {
            sqlx::query(
                "INSERT INTO roles (id, tenant_id, name, permissions, builtin, created_at) VALUES ($1, 't', $2, $3, $4, 0)",
            )
            .bind(id)
            .bind(name)
            .bind(perms)
            .bind(builtin as i64)
            .execute(store.pool())
            .await
            .unwrap();
        }
        run(&store).await.unwrap();
        let roles = store.list_roles("t").await.unwrap();
        let has = |name: &str, p: Permission| {
            roles
                .iter()
                .find(|r| r.name == name)
                .unwrap()
                .permissions
                .contains(&p)
        };
        for p in [Permission::Clipboard, Permission::Files] {
            assert!(has("Administrator", p));
            assert!(has("Help Desk Operator", p));
            assert!(!has("Read Only Operator", p));
            assert!(!has("Help Desk Operator 2", p));
        }
        assert!(has("Help Desk Operator", Permission::FullControl));
        let t = store.tenant("t").await.unwrap().unwrap();
        assert!(!t.settings.file_transfer_disabled);
        assert_eq!(
            t.settings.max_transfer_bytes,
            crate::limits::DEFAULT_MAX_TRANSFER_BYTES
        );
        store.close().await;
    }

    #[tokio::test]
    async fn builtin_roles_gain_clipboard_and_files_on_sqlite() {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}?mode=rwc", dir.path().join("a.db").display());
        builtin_roles_gain_clipboard_and_files(Backend::Sqlite, &url).await;
    }

    #[tokio::test]
    async fn builtin_roles_gain_clipboard_and_files_on_postgres() {
        let db = ScratchPostgres::create("assist_m16").await;
        builtin_roles_gain_clipboard_and_files(Backend::Postgres, &db.url).await;
        db.drop().await;
    }
}
