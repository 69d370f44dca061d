//! The one contract between the agent, the server and the web app: what the server sends today
//! (`tests/fixtures/`) reads into the shared types and writes back unchanged; what a later server
//! may add (message types, fields) is tolerated; the request bodies the agent builds have the
//! exact shape the server reads; the web app's copies of the constants match.

use assist_proto::api::{
    AgentToken, AgentTokenRequest, Consent, CreateToken, CreatedTokenSecret, Empty, JoinSession,
    LoginRequest, Providers, SignedIn,
};
use assist_proto::device::{CheckedIn, DEFAULT_CHECK_IN_SECS, Enroll, Enrolled, Facts, Report};
use assist_proto::ice::IceServers;
use assist_proto::*;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

const SERVER_MESSAGES: &str = include_str!("../fixtures/server_messages.jsonl");
const REST_ANSWERS: &str = include_str!("../fixtures/rest_answers.json");
const SOCKET_MJS: &str = include_str!("../../../../web/static/js/live/socket.mjs");

fn fixture_lines() -> Vec<&'static str> {
    SERVER_MESSAGES
        .lines()
        .filter(|l| !l.trim().is_empty())
        .collect()
}

fn answers() -> Value {
    serde_json::from_str(REST_ANSWERS).unwrap()
}

/// Reads `value` as `T` and checks that writing it back gives the same JSON.
fn round_trip<T: Serialize + DeserializeOwned>(value: &Value) -> T {
    let typed: T = serde_json::from_value(value.clone()).unwrap_or_else(|e| panic!("{e}: {value}"));
    assert_eq!(&serde_json::to_value(&typed).unwrap(), value);
    typed
}

/// Adds a field nobody knows to every object inside `v`.
fn with_unknown_fields(v: &Value) -> Value {
    match v {
        Value::Object(map) => {
            let mut out: serde_json::Map<String, Value> = map
                .iter()
                .map(|(k, v)| {
                    // Signalling is opaque: leave it as the other side sent it.
                    let v = if k == "data" {
                        v.clone()
                    } else {
                        with_unknown_fields(v)
                    };
                    (k.clone(), v)
                })
                .collect();
            out.insert("added_later".into(), json!({"x": [1, 2]}));
            Value::Object(out)
        }
        Value::Array(items) => Value::Array(items.iter().map(with_unknown_fields).collect()),
        other => other.clone(),
    }
}

#[test]
fn what_the_server_sends_today_reads_and_writes_back_unchanged() {
    let lines = fixture_lines();
    let mut types: Vec<String> = Vec::new();
    for line in &lines {
        let value: Value = serde_json::from_str(line).unwrap();
        let read = ServerMessage::read(line).unwrap_or_else(|e| panic!("{e}: {line}"));
        assert_ne!(read, ServerMessage::Unknown, "{line}");
        assert_eq!(ServerMessage::parse(line).unwrap(), read);
        assert_eq!(
            serde_json::from_str::<Value>(&read.to_json()).unwrap(),
            value
        );
        types.push(value["type"].as_str().unwrap().to_owned());
    }
    types.sort();
    types.dedup();
    let mut all: Vec<&str> = wire::SERVER_MESSAGE_TYPES.to_vec();
    all.sort();
    assert_eq!(types, all, "the fixture has every server message type");
}

#[test]
fn the_fixtures_carry_typed_values() {
    let lines = fixture_lines();
    let ServerMessage::State { session } = ServerMessage::read(lines[1]).unwrap() else {
        panic!("{}", lines[1])
    };
    assert_eq!(session.state, StateName::Requested);
    assert_eq!(session.mode, Some(Mode::Control));
    assert_eq!(session.active_mode, Some(Mode::View));
    assert_eq!(session.your_role, Some(Role::Sharer));
    assert!(session.unattended_allowed);
    assert!(!session.is_over());
    let ServerMessage::State { session } = ServerMessage::read(lines[2]).unwrap() else {
        panic!("{}", lines[2])
    };
    assert!(session.is_over());
    assert_eq!(session.end_reason, Some(EndReason::HelperEnded));
    assert_eq!(
        ServerMessage::read(lines[3]).unwrap(),
        ServerMessage::Presence {
            role: Role::Helper,
            status: PresenceStatus::Lost
        }
    );
}

#[test]
fn unknown_fields_are_ignored_at_every_level() {
    for line in fixture_lines() {
        let value: Value = serde_json::from_str(line).unwrap();
        let later = with_unknown_fields(&value).to_string();
        assert_eq!(
            ServerMessage::read(&later).unwrap(),
            ServerMessage::read(line).unwrap(),
            "{later}"
        );
    }
}

#[test]
fn unknown_types_read_as_unknown() {
    for text in [
        r#"{"type":"cursor","x":1,"y":2}"#,
        r#"{"type":"seq_gap","from":5,"session":{"state":"whatever"}}"#,
        r#"{"type":""}"#,
    ] {
        assert_eq!(
            ServerMessage::read(text).unwrap(),
            ServerMessage::Unknown,
            "{text}"
        );
        // The strict reader still names the type, for whoever wants to log it.
        assert_eq!(
            ServerMessage::parse(text).unwrap_err().code(),
            "unknown_type"
        );
    }
    assert_eq!(ServerMessage::Unknown.to_json(), r#"{"type":"unknown"}"#);
    // Not a message at all, or a known type with broken fields: an error, not Unknown.
    for text in [
        "[1]",
        "not json",
        r#"{"kind":"state"}"#,
        r#"{"type":5}"#,
        r#"{"type":"state","session":{"state":5}}"#,
        r#"{"type":"presence","role":"helper"}"#,
    ] {
        assert!(ServerMessage::read(text).is_err(), "{text}");
    }
}

#[test]
fn client_messages_are_what_the_server_reads() {
    for (message, text) in [
        (ClientMessage::Ping, r#"{"type":"ping"}"#),
        (
            ClientMessage::Chat { text: "hi".into() },
            r#"{"type":"chat","text":"hi"}"#,
        ),
        (
            ClientMessage::Signal {
                data: json!({"type": "answer", "sdp": "v=0"}),
            },
            r#"{"type":"signal","data":{"type":"answer","sdp":"v=0"}}"#,
        ),
    ] {
        assert_eq!(
            serde_json::from_str::<Value>(&message.to_json()).unwrap(),
            serde_json::from_str::<Value>(text).unwrap()
        );
        assert_eq!(ClientMessage::parse(text).unwrap(), message);
    }
}

#[test]
fn rest_answers_of_today_read_into_the_shared_types() {
    let a = answers();
    let enrolled: Enrolled = round_trip(&a["enrolled"]);
    assert_eq!(enrolled.next_check_in_secs, 900);
    let checked: CheckedIn = round_trip(&a["checked_in"]);
    assert_eq!(checked.reasons, ["disk_encryption", "firewall"]);
    let ice: IceServers = round_trip(&a["ice_servers"]);
    assert_eq!(
        ice.ice_servers[0].username.as_deref(),
        Some("1700003600:u1")
    );
    let stun: IceServers = round_trip(&a["ice_servers_stun_only"]);
    assert_eq!(stun.ice_servers[0].credential, None);
    let token: AgentToken = round_trip(&a["agent_token"]);
    assert_eq!(token.user.email, "sami@example.com");
    let providers: Providers = round_trip(&a["providers"]);
    assert!(providers.oidc.enabled);
    let error: ErrorResponse = round_trip(&a["error"]);
    assert_eq!(error.error.code, "device_retired");
    // Answers the agent reads only part of.
    let me: SignedIn = serde_json::from_value(a["me"].clone()).unwrap();
    assert_eq!(
        (me.user.email.as_str(), me.user.full_name.as_str()),
        ("sami@example.com", "Sami Haddad")
    );
    let created: CreatedTokenSecret = serde_json::from_value(a["created_token"].clone()).unwrap();
    assert_eq!(created.token, "at_secret");
}

#[test]
fn rest_answers_tolerate_additions_and_omissions() {
    let a = answers();
    let later = with_unknown_fields(&a);
    let _: Enrolled = serde_json::from_value(later["enrolled"].clone()).unwrap();
    let _: CheckedIn = serde_json::from_value(later["checked_in"].clone()).unwrap();
    let _: IceServers = serde_json::from_value(later["ice_servers"].clone()).unwrap();
    let _: AgentToken = serde_json::from_value(later["agent_token"].clone()).unwrap();
    let _: Providers = serde_json::from_value(later["providers"].clone()).unwrap();
    let _: SignedIn = serde_json::from_value(later["me"].clone()).unwrap();
    let _: ErrorResponse = serde_json::from_value(later["error"].clone()).unwrap();
    // What the agent can do without has a default.
    let bare: CheckedIn =
        serde_json::from_value(json!({"device_id": "d", "compliance": "compliant"})).unwrap();
    assert_eq!(bare.next_check_in_secs, DEFAULT_CHECK_IN_SECS);
    assert!(bare.reasons.is_empty());
    let none: IceServers = serde_json::from_value(json!({})).unwrap();
    assert!(none.ice_servers.is_empty());
}

fn report() -> Report {
    Report {
        name: "laptop-7".into(),
        os_id: Some("ubuntu".into()),
        os_name: Some("Ubuntu".into()),
        os_version: Some("24.04".into()),
        kernel: Some("6.8.0-45-generic".into()),
        agent_version: Some("0.1.0".into()),
        primary_user: Some("sami".into()),
        last_boot: Some(1_700_000_000_000),
        facts: Facts {
            disk_encryption: Some(true),
            firewall: None,
            screen_lock: Some(false),
            notes: [("firewall".to_owned(), "cannot run nft".to_owned())].into(),
        },
    }
}

fn report_json() -> Value {
    json!({
        "name": "laptop-7", "os_id": "ubuntu", "os_name": "Ubuntu", "os_version": "24.04",
        "kernel": "6.8.0-45-generic", "agent_version": "0.1.0", "primary_user": "sami",
        "last_boot": 1_700_000_000_000i64,
        "facts": {"disk_encryption": true, "firewall": null, "screen_lock": false,
                  "notes": {"firewall": "cannot run nft"}}
    })
}

#[test]
fn request_bodies_have_the_shape_the_server_reads() {
    assert_eq!(serde_json::to_value(report()).unwrap(), report_json());
    let mut enroll = report_json();
    enroll["token"] = json!("ae_token");
    enroll["public_key"] = json!("a2V5");
    let built = Enroll::new("ae_token", "a2V5", report(), None);
    assert_eq!(serde_json::to_value(&built).unwrap(), enroll);
    assert_eq!(built.report(), report());
    assert_eq!(round_trip::<Enroll>(&enroll), built);
    // A name given at enrollment is the device's name; the host name travels beside it.
    let named = Enroll::new("ae_token", "a2V5", report(), Some("Front desk".into()));
    enroll["name"] = json!("Front desk");
    enroll["hostname"] = json!("laptop-7");
    assert_eq!(serde_json::to_value(&named).unwrap(), enroll);
    assert_eq!(
        named.report(),
        report(),
        "the report's name is the host name"
    );
    assert_eq!(round_trip::<Enroll>(&enroll), named);
    for (body, want) in [
        (
            serde_json::to_value(Consent {
                allow: true,
                unattended: false,
            }),
            json!({"allow": true}),
        ),
        (
            serde_json::to_value(Consent {
                allow: true,
                unattended: true,
            }),
            json!({"allow": true, "unattended": true}),
        ),
        (
            serde_json::to_value(JoinSession {
                code: "4k7m r9gx".into(),
            }),
            json!({"code": "4k7m r9gx"}),
        ),
        (
            serde_json::to_value(LoginRequest {
                email: "sami@example.com".into(),
                password: "pw".into(),
                totp: None,
            }),
            json!({"email": "sami@example.com", "password": "pw", "totp": null}),
        ),
        (
            serde_json::to_value(CreateToken {
                name: "assist agent on laptop-7".into(),
                expires_in_days: Some(90),
            }),
            json!({"name": "assist agent on laptop-7", "expires_in_days": 90}),
        ),
        (
            serde_json::to_value(AgentTokenRequest {
                code: "c".into(),
                code_verifier: "v".into(),
                device_name: Some("laptop-7".into()),
                expires_in_days: Some(90),
            }),
            json!({"code": "c", "code_verifier": "v", "device_name": "laptop-7", "expires_in_days": 90}),
        ),
        (serde_json::to_value(Empty {}), json!({})),
    ] {
        assert_eq!(body.unwrap(), want);
    }
    // A request the server reads without `unattended` is not unattended.
    let consent: Consent = serde_json::from_value(json!({"allow": false})).unwrap();
    assert!(!consent.unattended);
}

#[test]
fn the_agents_login_query_names_the_servers_fields() {
    let query = assist_proto::api::LoginQuery {
        agent_redirect: Some("http://127.0.0.1:5000/callback".into()),
        agent_state: Some("s".into()),
        agent_challenge: Some("c".into()),
    };
    let pairs: serde_json::Map<String, Value> = query
        .pairs()
        .into_iter()
        .map(|(k, v)| (k.to_owned(), json!(v)))
        .collect();
    assert_eq!(Value::Object(pairs), serde_json::to_value(&query).unwrap());
    assert!(assist_proto::api::LoginQuery::default().pairs().is_empty());
}

#[test]
fn request_bodies_are_read_strictly() {
    let mut enroll = report_json();
    enroll["token"] = json!("ae_token");
    enroll["public_key"] = json!("a2V5");
    enroll["antivirus"] = json!(true);
    assert!(serde_json::from_value::<Enroll>(enroll).is_err());
    let mut check_in = report_json();
    check_in["facts"]["antivirus"] = json!(true);
    assert!(serde_json::from_value::<Report>(check_in).is_err());
    for (body, ok) in [
        (json!({"allow": true, "later": 1}), false),
        (json!({"allow": true}), true),
    ] {
        assert_eq!(serde_json::from_value::<Consent>(body).is_ok(), ok);
    }
    assert!(serde_json::from_value::<JoinSession>(json!({"code": "x", "y": 1})).is_err());
    assert!(serde_json::from_value::<Empty>(json!({"y": 1})).is_err());
    assert!(
        serde_json::from_value::<LoginRequest>(
            json!({"email": "a", "password": "b", "remember": true})
        )
        .is_err()
    );
}

/// The value of `export const NAME = value;` in socket.mjs.
fn js_const(name: &str) -> &'static str {
    let prefix = format!("export const {name} = ");
    SOCKET_MJS
        .lines()
        .find_map(|l| l.trim().strip_prefix(prefix.as_str()))
        .and_then(|rest| rest.strip_suffix(';'))
        .unwrap_or_else(|| panic!("socket.mjs has no `export const {name} = ...;`"))
}

#[test]
fn the_web_apps_constants_are_protos() {
    let number = |name: &str| -> i64 {
        js_const(name)
            .parse()
            .unwrap_or_else(|e| panic!("{name}: {e}"))
    };
    assert_eq!(number("PROTOCOL_VERSION"), i64::from(PROTOCOL_VERSION));
    assert_eq!(number("HEARTBEAT_INTERVAL_MS"), HEARTBEAT_INTERVAL_MS);
    assert_eq!(number("LOST_AFTER_MS"), LOST_AFTER_MS);
    assert_eq!(number("RESUME_GRACE_MS"), RESUME_GRACE_MS);
    assert_eq!(number("CLOSE_MOVING"), i64::from(CLOSE_MOVING));
    let terminal: Vec<String> =
        serde_json::from_str(&js_const("TERMINAL_STATES").replace('\'', "\"")).unwrap();
    let want: Vec<String> = StateName::TERMINAL.iter().map(|s| s.to_string()).collect();
    assert_eq!(terminal, want);
}
