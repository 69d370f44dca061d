//! Leftovers of the security review: a concurrent rename to a taken name is a conflict, not a
//! fault; deleting a user who took part in sessions says that it only disabled them.

use crate::both;
use crate::common::*;
use crate::sessions::{create, world};
use reqwest::StatusCode;
use serde_json::{Value, json};

both!(
    concurrent_renames_to_one_name_answer_409,
    deleting_a_user_says_whether_it_only_disabled
);

/// Renames sent at once to one free name: one wins, every other is 409 `name_taken`, never 500.
async fn concurrent_renames_to_one_name_answer_409(db: Db) {
    const ROLES: usize = 8;
    let s = TestServer::start(db).await;
    let admin = s.admin().await;
    let mut ids = Vec::new();
    for i in 0..ROLES {
        let res = admin
            .post(
                "/api/roles",
                json!({"name": format!("Role {i}"), "permissions": ["admin.audit"]}),
            )
            .await;
        assert_eq!(res.status(), StatusCode::CREATED);
        ids.push(
            res.json::<Value>().await.unwrap()["id"]
                .as_str()
                .unwrap()
                .to_owned(),
        );
    }
    let renames = ids.iter().map(|id| {
        let admin = &admin;
        async move {
            let res = admin
                .put(
                    &format!("/api/roles/{id}"),
                    json!({"name": "Everyone's Role", "permissions": ["admin.audit"]}),
                )
                .await;
            let status = res.status();
            let body: Value = res.json().await.unwrap();
            (status, body)
        }
    });
    let answers = futures_util::future::join_all(renames).await;
    let won = answers.iter().filter(|(s, _)| *s == StatusCode::OK).count();
    assert_eq!(won, 1, "{answers:?}");
    for (status, body) in answers.iter().filter(|(s, _)| *s != StatusCode::OK) {
        assert_eq!(*status, StatusCode::CONFLICT, "{body}");
        assert_eq!(body["error"]["code"], "name_taken", "{body}");
    }
    let roles = admin.get_json("/api/roles").await;
    let named = roles
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["name"] == "Everyone's Role")
        .count();
    assert_eq!(named, 1);
    s.stop().await;
}

/// `DELETE /api/users/{id}`: 204 for a user who never took part in a session (gone); 200 with
/// `outcome: disabled` for one who did (kept, disabled).
async fn deleting_a_user_says_whether_it_only_disabled(db: Db) {
    let w = world(db).await;
    let (_, code) = create(&w.helper).await;
    let res = w
        .sharer
        .post("/api/sessions/join", json!({"code": code}))
        .await;
    assert_eq!(res.status(), StatusCode::OK);

    let res = w.admin.delete(&format!("/api/users/{}", w.sharer_id)).await;
    assert_eq!(res.status(), StatusCode::OK);
    let kept: Value = res.json().await.unwrap();
    assert_eq!(kept["outcome"], "disabled", "{kept}");
    assert!(
        kept["message"].as_str().unwrap().contains("disabled"),
        "{kept}"
    );
    assert_eq!(kept["user"]["id"], w.sharer_id.as_str());
    assert_eq!(kept["user"]["disabled"], true);
    let listed = w
        .admin
        .get_json(&format!("/api/users/{}", w.sharer_id))
        .await;
    assert_eq!(listed["disabled"], true);

    let (fresh, _) = w.s.user(&w.admin, "nina@example.com", "Nina New").await;
    let res = w.admin.delete(&format!("/api/users/{fresh}")).await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        w.admin.get(&format!("/api/users/{fresh}")).await.status(),
        StatusCode::NOT_FOUND
    );
    w.s.stop().await;
}
