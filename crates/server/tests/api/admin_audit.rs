//! The last administrator, updates that keep each other, and the tamper-evident audit chain.

use crate::both;
use crate::common::*;
use assist_server::audit::action::Action;
use assist_server::store::Store;
use assist_server::store::audit::AuditEntry;
use reqwest::StatusCode;
use serde_json::{Value, json};

both!(
    the_last_administrator_stays,
    concurrent_removals_keep_an_administrator,
    a_disable_is_not_undone_by_a_concurrent_edit,
    concurrent_settings_changes_keep_each_other,
    a_clean_chain_verifies,
    a_changed_entry_is_reported_at_its_link,
    removed_entries_are_reported,
    concurrent_appends_from_two_nodes_chain,
    a_change_and_its_entry_commit_together
);

/// The id of the built-in Administrator role.
async fn administrator_role(admin: &Api) -> String {
    let roles = admin.get_json("/api/roles").await;
    roles
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == "Administrator" && r["builtin"] == true)
        .expect("the built-in Administrator role")["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// Gives the Administrator role for the whole tenant to a user; the assignment's id.
async fn assign(admin: &Api, role: &str, user_id: &str) -> String {
    let res = admin
        .post(
            "/api/role-assignments",
            json!({"role_id": role, "user_id": user_id, "scope_all": true}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    res.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// The id of the (only) assignment of `role` to `user_id`.
async fn assignment_of(admin: &Api, role: &str, user_id: &str) -> String {
    let all = admin.get_json("/api/role-assignments").await;
    all.as_array()
        .unwrap()
        .iter()
        .find(|a| a["role_id"] == role && a["user_id"] == user_id)
        .expect("the assignment")["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// A user who manages users and roles without being an administrator.
async fn user_manager(s: &TestServer, admin: &Api) -> Api {
    let res = admin
        .post(
            "/api/roles",
            json!({"name": "People", "permissions": ["admin.users", "admin.roles", "admin.audit"]}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let role = res.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let (id, _) = s.user(admin, "people@example.com", "People Manager").await;
    assign(admin, &role, &id).await;
    s.sign_in("people@example.com", "password-12345").await
}

async fn me(api: &Api) -> String {
    api.get_json("/api/me").await["user"]["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

async fn the_last_administrator_stays(db: Db) {
    let s = TestServer::start(db).await;
    let admin = s.admin().await;
    let role = administrator_role(&admin).await;
    let admin_id = s
        .state
        .store
        .user_by_email(&s.state.tenant_id, ADMIN_EMAIL)
        .await
        .unwrap()
        .unwrap()
        .id;
    let first = assignment_of(&admin, &role, &admin_id).await;
    let people = user_manager(&s, &admin).await;

    // The only administrator: not unassigned, disabled or deleted, by anyone.
    for api in [&admin, &people] {
        expect_error(
            api.delete(&format!("/api/role-assignments/{first}")).await,
            StatusCode::CONFLICT,
            "last_administrator",
        )
        .await;
    }
    expect_error(
        people
            .patch(&format!("/api/users/{admin_id}"), json!({"disabled": true}))
            .await,
        StatusCode::CONFLICT,
        "last_administrator",
    )
    .await;
    expect_error(
        people.delete(&format!("/api/users/{admin_id}")).await,
        StatusCode::CONFLICT,
        "last_administrator",
    )
    .await;
    // Nothing was written: still an enabled administrator, and no audit entry of it.
    let me = admin.get_json(&format!("/api/users/{admin_id}")).await;
    assert_eq!(me["disabled"], false);
    let log = admin.get_json("/api/audit?action=role.unassigned").await;
    assert_eq!(log["total"], 0);

    // With a second administrator, the first may go; the entry names role, user and scope.
    let (second_id, _) = s.user(&admin, "second@example.com", "Second Admin").await;
    let second = assign(&admin, &role, &second_id).await;
    let res = people
        .delete(&format!("/api/role-assignments/{first}"))
        .await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    let log = people.get_json("/api/audit?action=role.unassigned").await;
    let detail = &log["items"][0]["detail"];
    assert_eq!(log["items"][0]["target"], first.as_str());
    assert_eq!(detail["role"], "Administrator");
    assert_eq!(detail["role_id"], role.as_str());
    assert_eq!(detail["user_id"], admin_id.as_str());
    assert_eq!(detail["scope_all"], true);
    // Now the second is the last one.
    expect_error(
        people
            .delete(&format!("/api/role-assignments/{second}"))
            .await,
        StatusCode::CONFLICT,
        "last_administrator",
    )
    .await;
    // An administrator through a group counts; removing the group member is what is refused.
    s.stop().await;
}

/// Two administrators removed at once, round after round: never both.
async fn concurrent_removals_keep_an_administrator(db: Db) {
    let s = TestServer::start(db).await;
    let admin = s.admin().await;
    let role = administrator_role(&admin).await;
    let people = user_manager(&s, &admin).await;
    let (a, _) = s.user(&admin, "a@example.com", "Admin A").await;
    let (b, _) = s.user(&admin, "b@example.com", "Admin B").await;
    let mut ra = assign(&admin, &role, &a).await;
    let mut rb = assign(&admin, &role, &b).await;
    // Only A and B remain administrators.
    let admin_id = me(&admin).await;
    let first = assignment_of(&admin, &role, &admin_id).await;
    assert_eq!(
        people
            .delete(&format!("/api/role-assignments/{first}"))
            .await
            .status(),
        StatusCode::NO_CONTENT
    );
    for round in 0..12 {
        let (una, unb) = (
            format!("/api/role-assignments/{ra}"),
            format!("/api/role-assignments/{rb}"),
        );
        let (pa, pb) = (format!("/api/users/{a}"), format!("/api/users/{b}"));
        let (x, y) = if round % 3 == 0 {
            // Unassign both at once.
            tokio::join!(people.delete(&una), people.delete(&unb))
        } else if round % 3 == 1 {
            // Disable both at once.
            tokio::join!(
                people.patch(&pa, json!({"disabled": true})),
                people.patch(&pb, json!({"disabled": true}))
            )
        } else {
            // Unassign one, disable the other.
            tokio::join!(
                people.delete(&una),
                people.patch(&pb, json!({"disabled": true}))
            )
        };
        let codes = [x.status(), y.status()];
        assert!(
            codes.iter().filter(|c| c.is_success()).count() == 1
                && codes.contains(&StatusCode::CONFLICT),
            "round {round}: {codes:?}"
        );
        // Put things back: both enabled administrators again.
        for (user, assignment) in [(&a, &mut ra), (&b, &mut rb)] {
            let res = people
                .patch(&format!("/api/users/{user}"), json!({"disabled": false}))
                .await;
            assert_eq!(res.status(), StatusCode::OK);
            let held = admin_of(&people, &role, user).await;
            if !held {
                *assignment = assign(&people, &role, user).await;
            }
        }
    }
    s.stop().await;
}

async fn admin_of(api: &Api, role: &str, user: &str) -> bool {
    let all = api.get_json("/api/role-assignments").await;
    all.as_array()
        .unwrap()
        .iter()
        .any(|a| a["role_id"] == role && a["user_id"] == user)
}

/// A disable and an edit of the name at once: both stay.
async fn a_disable_is_not_undone_by_a_concurrent_edit(db: Db) {
    let s = TestServer::start(db).await;
    let admin = s.admin().await;
    let other = s.admin().await;
    let (id, _) = s.user(&admin, "target@example.com", "Target").await;
    let path = format!("/api/users/{id}");
    for round in 0..40 {
        let name = format!("Target {round}");
        let (x, y) = tokio::join!(
            admin.patch(&path, json!({"disabled": true})),
            other.patch(&path, json!({"full_name": name}))
        );
        assert_eq!((x.status(), y.status()), (StatusCode::OK, StatusCode::OK));
        let user = admin.get_json(&path).await;
        assert_eq!(
            user["disabled"], true,
            "round {round}: the disable was lost"
        );
        assert_eq!(user["full_name"], name.as_str(), "round {round}");
        let res = admin.patch(&path, json!({"disabled": false})).await;
        assert_eq!(res.status(), StatusCode::OK);
    }
    s.stop().await;
}

/// Two partial settings changes at once: both stay.
async fn concurrent_settings_changes_keep_each_other(db: Db) {
    let s = TestServer::start(db).await;
    let admin = s.admin().await;
    let other = s.admin().await;
    for round in 0..20 {
        let on = round % 2 == 0;
        let (x, y) = tokio::join!(
            admin.put("/api/settings", json!({"chat_disabled": on})),
            other.put("/api/settings", json!({"allow_unenrolled_devices": on}))
        );
        assert_eq!((x.status(), y.status()), (StatusCode::OK, StatusCode::OK));
        let stored = s
            .state
            .store
            .tenant(&s.state.tenant_id)
            .await
            .unwrap()
            .unwrap()
            .settings;
        assert_eq!(
            (stored.chat_disabled, stored.allow_unenrolled_devices),
            (on, on),
            "round {round}: a change was lost"
        );
    }
    let log = admin.get_json("/api/audit?action=settings.changed").await;
    assert_eq!(log["total"], 40);
    s.stop().await;
}

async fn verify(api: &Api) -> Value {
    api.get_json("/api/audit/verify").await
}

/// Drops the triggers that keep the audit log append-only (what someone with the database's
/// owner rights could do).
async fn drop_guards(s: &TestServer) {
    let pool = s.state.store.pool();
    let stmts: &[&str] = match s.db {
        Db::Sqlite => &[
            "DROP TRIGGER audit_no_update",
            "DROP TRIGGER audit_no_delete",
        ],
        Db::Postgres => &["DROP TRIGGER audit_no_change ON audit"],
    };
    for stmt in stmts {
        sqlx::query(*stmt).execute(pool).await.unwrap();
    }
}

async fn entry_id(s: &TestServer, seq: i64) -> i64 {
    use sqlx::Row;
    sqlx::query("SELECT id FROM audit WHERE tenant_id = $1 AND seq = $2")
        .bind(&s.state.tenant_id)
        .bind(seq)
        .fetch_one(s.state.store.pool())
        .await
        .unwrap()
        .try_get("id")
        .unwrap()
}

async fn a_clean_chain_verifies(db: Db) {
    let s = TestServer::start(db).await;
    let admin = s.admin().await;
    for i in 0..5 {
        let res = admin
            .post("/api/groups", json!({"name": format!("Group {i}")}))
            .await;
        assert_eq!(res.status(), StatusCode::CREATED);
    }
    let total = admin.get_json("/api/audit").await["total"]
        .as_i64()
        .unwrap();
    let v = verify(&admin).await;
    assert_eq!(v["intact"], true, "{v}");
    assert_eq!(v["verified"], total, "{v}");
    assert!(v["first_broken"].is_null());
    // Each listed entry carries its link.
    let log = admin.get_json("/api/audit?limit=1").await;
    assert_eq!(log["items"][0]["seq"], total);
    assert_eq!(log["items"][0]["hash"].as_str().unwrap().len(), 64);
    // Only those who may read the audit log may check it.
    let (_, helper) = s.user(&admin, "helper@example.com", "Helper").await;
    expect_error(
        helper.get("/api/audit/verify").await,
        StatusCode::FORBIDDEN,
        "permission_denied",
    )
    .await;
    if db == Db::Postgres {
        for table in ["audit", "audit_chain"] {
            let err = sqlx::query(sqlx::AssertSqlSafe(format!("TRUNCATE {table}")))
                .execute(s.state.store.pool())
                .await;
            assert!(err.is_err(), "TRUNCATE {table} is refused");
        }
        let total = admin.get_json("/api/audit").await["total"].clone();
        assert_eq!(verify(&admin).await["verified"], total);
    }
    s.stop().await;
}

async fn a_changed_entry_is_reported_at_its_link(db: Db) {
    let s = TestServer::start(db).await;
    let admin = s.admin().await;
    for i in 0..4 {
        admin
            .post("/api/groups", json!({"name": format!("Group {i}")}))
            .await;
    }
    drop_guards(&s).await;
    let id = entry_id(&s, 3).await;
    sqlx::query("UPDATE audit SET detail = '{\"name\":\"forged\"}' WHERE id = $1")
        .bind(id)
        .execute(s.state.store.pool())
        .await
        .unwrap();
    let v = verify(&admin).await;
    assert_eq!(v["intact"], false, "{v}");
    assert_eq!(v["verified"], 2, "{v}");
    assert_eq!(v["first_broken"]["seq"], 3, "{v}");
    assert_eq!(v["first_broken"]["id"], id, "{v}");
    assert_eq!(v["first_broken"]["reason"], "altered", "{v}");
    s.stop().await;
}

async fn removed_entries_are_reported(db: Db) {
    let s = TestServer::start(db).await;
    let admin = s.admin().await;
    for i in 0..4 {
        admin
            .post("/api/groups", json!({"name": format!("Group {i}")}))
            .await;
    }
    drop_guards(&s).await;
    let pool = s.state.store.pool();
    let total = admin.get_json("/api/audit").await["total"]
        .as_i64()
        .unwrap();
    // The last entry removed: the head is beyond the end.
    sqlx::query("DELETE FROM audit WHERE id = $1")
        .bind(entry_id(&s, total).await)
        .execute(pool)
        .await
        .unwrap();
    let v = verify(&admin).await;
    assert_eq!(v["first_broken"]["reason"], "truncated", "{v}");
    assert_eq!(v["first_broken"]["seq"], total, "{v}");
    // One in the middle removed: the next entry is reported.
    let next = entry_id(&s, 3).await;
    sqlx::query("DELETE FROM audit WHERE id = $1")
        .bind(entry_id(&s, 2).await)
        .execute(pool)
        .await
        .unwrap();
    let v = verify(&admin).await;
    assert_eq!(v["first_broken"]["reason"], "missing", "{v}");
    assert_eq!(v["first_broken"]["seq"], 2, "{v}");
    assert_eq!(v["first_broken"]["id"], next, "{v}");
    assert_eq!(v["verified"], 1, "{v}");
    s.stop().await;
}

/// Requests at once on one node, and appends through a second store on the same database (a
/// second node): one chain, no fork.
async fn concurrent_appends_from_two_nodes_chain(db: Db) {
    let s = TestServer::start(db).await;
    let admin = s.admin().await;
    let node2 = Store::open(&s.state.config.database_url()).await.unwrap();
    let tenant = s.state.tenant_id.clone();
    let mut tasks = Vec::new();
    for i in 0..24 {
        let admin = admin.clone();
        tasks.push(tokio::spawn(async move {
            let res = admin
                .post("/api/groups", json!({"name": format!("Group {i}")}))
                .await;
            assert_eq!(res.status(), StatusCode::CREATED);
        }));
        let node2 = node2.clone();
        let tenant = tenant.clone();
        tasks.push(tokio::spawn(async move {
            node2
                .audit(
                    &tenant,
                    &AuditEntry {
                        actor: "system".into(),
                        action: Action::SettingsChanged,
                        detail: json!({"i": i}),
                        actor_id: None,
                        target: None,
                        address: None,
                    },
                )
                .await
                .unwrap();
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    let total = admin.get_json("/api/audit").await["total"]
        .as_i64()
        .unwrap();
    let v = verify(&admin).await;
    assert_eq!(v["intact"], true, "{v}");
    assert_eq!(v["verified"], total, "{v}");
    assert_eq!(
        admin.get_json("/api/audit?action=settings.changed").await["total"],
        24
    );
    node2.close().await;
    s.stop().await;
}

/// A change that fails at its audit entry leaves nothing behind: the entry goes in the change's
/// transaction. (The audit table is made to refuse inserts for this.)
async fn a_change_and_its_entry_commit_together(db: Db) {
    let s = TestServer::start(db).await;
    let admin = s.admin().await;
    let pool = s.state.store.pool();
    let refuse: &[&str] = match db {
        Db::Sqlite => &[
            "CREATE TRIGGER audit_refuse BEFORE INSERT ON audit BEGIN SELECT RAISE(ABORT, 'no'); END",
        ],
        Db::Postgres => &[
            "CREATE FUNCTION audit_refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'no'; END $$",
            "CREATE TRIGGER audit_refuse BEFORE INSERT ON audit FOR EACH ROW EXECUTE FUNCTION audit_refuse()",
        ],
    };
    for stmt in refuse {
        sqlx::query(*stmt).execute(pool).await.unwrap();
    }
    let res = admin
        .post(
            "/api/users",
            json!({"email": "lost@example.com", "full_name": "Lost", "password": "password-12345"}),
        )
        .await;
    assert!(res.status().is_server_error(), "{}", res.status());
    let found = s
        .state
        .store
        .user_by_email(&s.state.tenant_id, "lost@example.com")
        .await
        .unwrap();
    assert!(
        found.is_none(),
        "the user was created without its audit entry"
    );
    s.stop().await;
}
