//! The live protocol's JSON, exactly as docs/protocol.md describes it.

use assist_proto::wire::{
    CLIENT_MESSAGE_TYPES, COMPLIANCE_NOT_COMPLIANT, SERVER_MESSAGE_TYPES,
    WARNING_DEVICE_NOT_COMPLIANT, WARNING_DEVICE_NOT_ENROLLED, WARNING_SHARER_UNVERIFIED,
};
use assist_proto::*;
use serde_json::{Value, json};

const T0: Millis = 1_700_000_000_000;

fn profile(name: &str) -> Profile {
    Profile {
        id: format!("u-{name}"),
        full_name: name.to_owned(),
        job_title: Some("Help desk".to_owned()),
        company: None,
        picture_url: None,
        email_domain: "example.com".to_owned(),
        domain_verified: true,
    }
}

fn active_view() -> SessionView {
    let mut s = Session::new(T0, CODE_TTL_MS, None);
    s.apply(Event::Join, T0 + 1_000).unwrap();
    s.apply(Event::Request { mode: Mode::View }, T0 + 2_000)
        .unwrap();
    s.apply(Event::Consent { allow: true }, T0 + 3_000).unwrap();
    let mut view = SessionView::new("s1", &s).for_role(Role::Helper);
    view.helper = Some(profile("Hana"));
    view.sharer = Some(profile("Sami"));
    view.device = Some(DeviceSummary {
        id: "d1".to_owned(),
        name: "LAPTOP-7".to_owned(),
        enrolled: true,
        verified: true,
        compliance: COMPLIANCE_NOT_COMPLIANT.to_owned(),
    });
    view.warnings = vec![Warning::device_not_compliant(vec![
        "disk_encryption".to_owned(),
    ])];
    view
}

fn active_view_json() -> Value {
    let profile = |name: &str| {
        json!({
            "id": format!("u-{name}"),
            "full_name": name,
            "job_title": "Help desk",
            "company": null,
            "picture_url": null,
            "email_domain": "example.com",
            "domain_verified": true
        })
    };
    json!({
        "id": "s1",
        "state": "active",
        "mode": "view",
        "active_mode": "view",
        "code": null,
        "link": null,
        "expires_at": T0 + CODE_TTL_MS,
        "created_at": T0,
        "started_at": T0 + 3_000,
        "ended_at": null,
        "end_reason": null,
        "your_role": "helper",
        "helper": profile("Hana"),
        "sharer": profile("Sami"),
        "device": {
            "id": "d1",
            "name": "LAPTOP-7",
            "enrolled": true,
            "verified": true,
            "compliance": "not_compliant"
        },
        "warnings": [{
            "code": "device_not_compliant",
            "message": "The sharer's device is not compliant.",
            "reasons": ["disk_encryption"]
        }],
        "chat_enabled": true,
        "unattended_allowed": false,
        "unattended_refusal": null
    })
}

/// Serialising gives exactly `expected`, and parsing `expected` gives the message back.
fn assert_client_shape(message: ClientMessage, expected: &str) {
    assert_eq!(message.to_json(), expected);
    assert_eq!(ClientMessage::parse(expected), Ok(message));
}

fn assert_server_shape(message: ServerMessage, expected: Value) {
    let json = message.to_json();
    let value: Value = serde_json::from_str(&json).unwrap();
    assert_eq!(value, expected);
    assert_eq!(ServerMessage::parse(&json), Ok(message));
}

#[test]
fn client_messages_match_the_contract() {
    assert_client_shape(
        ClientMessage::Chat {
            text: "hi".to_owned(),
        },
        r#"{"type":"chat","text":"hi"}"#,
    );
    assert_client_shape(
        ClientMessage::Signal {
            data: json!({"sdp": "v=0", "kind": "offer"}),
        },
        r#"{"type":"signal","data":{"kind":"offer","sdp":"v=0"}}"#,
    );
    assert_client_shape(ClientMessage::Ping, r#"{"type":"ping"}"#);
}

#[test]
fn server_messages_match_the_contract() {
    assert_server_shape(
        ServerMessage::Presence {
            role: Role::Sharer,
            status: PresenceStatus::Left,
        },
        json!({"type": "presence", "role": "sharer", "status": "left"}),
    );
    for (role, status) in [
        (Role::Helper, PresenceStatus::Online),
        (Role::Helper, PresenceStatus::Lost),
        (Role::Sharer, PresenceStatus::Online),
        (Role::Sharer, PresenceStatus::Moving),
    ] {
        assert_server_shape(
            ServerMessage::Presence { role, status },
            json!({"type": "presence", "role": role.as_str(), "status": status.as_str()}),
        );
    }
    assert_server_shape(
        ServerMessage::Chat {
            id: "m1".to_owned(),
            from: Role::Helper,
            text: "مرحبا 👋".to_owned(),
            sent_at: T0,
            seq: 1,
        },
        json!({"type": "chat", "id": "m1", "from": "helper", "text": "مرحبا 👋", "sent_at": T0, "seq": 1}),
    );
    assert_server_shape(
        ServerMessage::Signal {
            data: json!({"candidate": "candidate:1 1 udp 2122260223 192.0.2.1 54321 typ host"}),
        },
        json!({"type": "signal", "data": {"candidate": "candidate:1 1 udp 2122260223 192.0.2.1 54321 typ host"}}),
    );
    assert_server_shape(ServerMessage::Pong, json!({"type": "pong"}));
    assert_server_shape(
        ServerMessage::error("chat_too_long", "too long"),
        json!({"type": "error", "error": {"code": "chat_too_long", "message": "too long"}}),
    );
    assert_server_shape(
        ServerMessage::State {
            session: active_view(),
        },
        json!({"type": "state", "session": active_view_json()}),
    );
    assert_server_shape(
        ServerMessage::hello(Role::Helper, active_view()),
        json!({"type": "hello", "protocol_version": 1, "role": "helper", "session": active_view_json()}),
    );
}

#[test]
fn message_type_lists_match_the_enums() {
    let client = [
        ClientMessage::Chat { text: "x".into() },
        ClientMessage::Signal { data: json!({}) },
        ClientMessage::Ping,
    ];
    let types: Vec<String> = client
        .iter()
        .map(|m| {
            serde_json::from_str::<Value>(&m.to_json()).unwrap()["type"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect();
    assert_eq!(types, CLIENT_MESSAGE_TYPES);

    let server = [
        ServerMessage::hello(Role::Sharer, active_view()),
        ServerMessage::State {
            session: active_view(),
        },
        ServerMessage::Presence {
            role: Role::Helper,
            status: PresenceStatus::Online,
        },
        ServerMessage::Chat {
            id: "1".into(),
            from: Role::Sharer,
            text: "x".into(),
            sent_at: 0,
            seq: 1,
        },
        ServerMessage::Signal { data: json!({}) },
        ServerMessage::Pong,
        ServerMessage::error("a", "b"),
    ];
    let types: Vec<String> = server
        .iter()
        .map(|m| {
            serde_json::from_str::<Value>(&m.to_json()).unwrap()["type"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect();
    assert_eq!(types, SERVER_MESSAGE_TYPES);
}

#[test]
fn session_view_follows_the_state_machine() {
    let mut s = Session::new(T0, CODE_TTL_MS, None);
    let view = SessionView::new("s1", &s);
    assert_eq!(view.state, StateName::Waiting);
    assert_eq!((view.mode, view.active_mode), (None, None));
    assert_eq!(view.expires_at, T0 + CODE_TTL_MS);
    assert!(view.chat_enabled);

    s.apply(Event::Join, T0 + 1).unwrap();
    s.apply(Event::Request { mode: Mode::View }, T0 + 2)
        .unwrap();
    s.apply(Event::Consent { allow: true }, T0 + 3).unwrap();
    s.apply(
        Event::Request {
            mode: Mode::Control,
        },
        T0 + 4,
    )
    .unwrap();
    let view = SessionView::new("s1", &s);
    assert_eq!(view.state, StateName::Requested);
    assert_eq!(view.mode, Some(Mode::Control), "what is asked for");
    assert_eq!(view.active_mode, Some(Mode::View), "what still flows");
    assert_eq!(
        view.expires_at,
        T0 + CODE_TTL_MS,
        "kept after the code is used"
    );

    s.apply(
        Event::End {
            reason: EndReason::SharerLost,
        },
        T0 + 5,
    )
    .unwrap();
    let json = serde_json::to_value(SessionView::new("s1", &s)).unwrap();
    assert_eq!(json["state"], "ended");
    assert_eq!(json["end_reason"], "sharer_lost");
    assert_eq!(json["ended_at"], T0 + 5);
    assert_eq!(json["started_at"], T0 + 3);
    assert_eq!(json["mode"], "view", "the highest mode ever allowed");
    assert_eq!(json["active_mode"], Value::Null);
}

#[test]
fn code_and_link_only_reach_the_helper_while_waiting() {
    let code = SecurityCode::parse("4k7mr9gx").unwrap();
    let mut s = Session::new(T0, CODE_TTL_MS, None);
    let with_code = |s: &Session| {
        let mut v = SessionView::new("s1", s);
        v.code = Some(code.grouped());
        v.link = Some(format!("/rh?passcode={}", code.as_str()));
        v
    };
    let helper = with_code(&s).for_role(Role::Helper);
    assert_eq!(helper.code.as_deref(), Some("4k7m r9gx"));
    assert_eq!(helper.link.as_deref(), Some("/rh?passcode=4k7mr9gx"));
    assert_eq!(helper.your_role, Some(Role::Helper));
    let sharer = with_code(&s).for_role(Role::Sharer);
    assert_eq!((sharer.code, sharer.link), (None, None));
    assert_eq!(sharer.your_role, Some(Role::Sharer));

    s.apply(Event::Join, T0 + 1).unwrap();
    let helper = with_code(&s).for_role(Role::Helper);
    assert_eq!(
        (helper.code, helper.link),
        (None, None),
        "a used code is not shown again"
    );
}

#[test]
fn warnings_have_stable_codes() {
    assert_eq!(
        Warning::device_not_compliant(vec![]).code,
        WARNING_DEVICE_NOT_COMPLIANT
    );
    assert_eq!(
        Warning::device_not_enrolled().code,
        WARNING_DEVICE_NOT_ENROLLED
    );
    assert_eq!(Warning::sharer_unverified().code, WARNING_SHARER_UNVERIFIED);
    assert_eq!(WARNING_DEVICE_NOT_COMPLIANT, "device_not_compliant");
    assert_eq!(WARNING_DEVICE_NOT_ENROLLED, "device_not_enrolled");
    assert_eq!(WARNING_SHARER_UNVERIFIED, "sharer_unverified");
}

#[test]
fn error_response_is_the_http_shape() {
    let body = ErrorResponse {
        error: ErrorBody::new("not_found", "no such session"),
    };
    assert_eq!(
        serde_json::to_value(&body).unwrap(),
        json!({"error": {"code": "not_found", "message": "no such session"}})
    );
}

/// Each refused client frame, with its error code.
#[test]
fn client_errors_have_clear_codes() {
    let cases: &[(&str, &str)] = &[
        ("", "invalid_json"),
        ("nope", "invalid_json"),
        ("{\"type\":\"chat\",\"text\":\"hi\"", "invalid_json"),
        ("[]", "missing_type"),
        ("\"chat\"", "missing_type"),
        ("{}", "missing_type"),
        ("{\"text\":\"hi\"}", "missing_type"),
        ("{\"type\":5}", "missing_type"),
        ("{\"type\":null}", "missing_type"),
        ("{\"type\":\"hello\"}", "unknown_type"),
        ("{\"type\":\"pong\"}", "unknown_type"),
        ("{\"type\":\"Chat\",\"text\":\"hi\"}", "unknown_type"),
        ("{\"type\":\"chat\"}", "invalid_message"),
        ("{\"type\":\"chat\",\"text\":5}", "invalid_message"),
        (
            "{\"type\":\"chat\",\"text\":\"hi\",\"html\":\"<b>\"}",
            "invalid_message",
        ),
        ("{\"type\":\"signal\"}", "invalid_message"),
        (
            "{\"type\":\"signal\",\"data\":{},\"to\":\"helper\"}",
            "invalid_message",
        ),
        ("{\"type\":\"signal\",\"data\":[1,2]}", "signal_not_object"),
        (
            "{\"type\":\"signal\",\"data\":\"v=0\"}",
            "signal_not_object",
        ),
        ("{\"type\":\"signal\",\"data\":null}", "signal_not_object"),
    ];
    for (frame, code) in cases {
        let err = ClientMessage::parse(frame).unwrap_err();
        assert_eq!(err.code(), *code, "{frame:?}: {err}");
        assert!(!err.to_string().is_empty());
        let reply = ServerMessage::from(err.clone());
        assert_eq!(
            serde_json::to_value(&reply).unwrap(),
            json!({"type": "error", "error": {"code": code, "message": err.to_string()}})
        );
    }
}

#[test]
fn ping_ignores_extra_fields() {
    assert_eq!(
        ClientMessage::parse(r#"{"type":"ping","t":123}"#),
        Ok(ClientMessage::Ping)
    );
}

#[test]
fn unknown_type_is_cut_short_in_the_error() {
    let long = "x".repeat(10_000);
    let err = ClientMessage::parse(&format!("{{\"type\":\"{long}\"}}")).unwrap_err();
    assert_eq!(err.code(), "unknown_type");
    assert!(err.to_string().len() < 100, "{err}");
}

/// A chat frame of exactly `bytes` bytes.
fn chat_frame(bytes: usize) -> String {
    let overhead = r#"{"type":"chat","text":""}"#.len();
    format!(
        r#"{{"type":"chat","text":"{}"}}"#,
        "a".repeat(bytes - overhead)
    )
}

#[test]
fn message_size_limit_is_exact() {
    let frame = chat_frame(MAX_CLIENT_MESSAGE_BYTES);
    assert_eq!(frame.len(), MAX_CLIENT_MESSAGE_BYTES);
    assert!(ClientMessage::parse(&frame).is_ok());
    let frame = chat_frame(MAX_CLIENT_MESSAGE_BYTES + 1);
    let err = ClientMessage::parse(&frame).unwrap_err();
    assert_eq!(
        err,
        WireError::TooLarge {
            bytes: MAX_CLIENT_MESSAGE_BYTES + 1
        }
    );
    assert_eq!(err.code(), "message_too_large");
    // Multi-byte text counts in bytes.
    let cjk = format!(
        r#"{{"type":"chat","text":"{}"}}"#,
        "字".repeat(MAX_CLIENT_MESSAGE_BYTES / 3)
    );
    assert_eq!(
        ClientMessage::parse(&cjk).unwrap_err().code(),
        "message_too_large"
    );
}

/// A signal frame whose `data` is exactly `bytes` bytes of compact JSON.
fn signal_frame(bytes: usize) -> String {
    let overhead = r#"{"sdp":""}"#.len();
    format!(
        r#"{{"type":"signal","data":{{"sdp":"{}"}}}}"#,
        "v".repeat(bytes - overhead)
    )
}

#[test]
fn signal_size_limit_is_exact_and_measured_compact() {
    let frame = signal_frame(MAX_SIGNAL_BYTES);
    assert!(ClientMessage::parse(&frame).is_ok());
    let err = ClientMessage::parse(&signal_frame(MAX_SIGNAL_BYTES + 1)).unwrap_err();
    assert_eq!(
        err,
        WireError::SignalTooLarge {
            bytes: MAX_SIGNAL_BYTES + 1
        }
    );
    assert_eq!(err.code(), "signal_too_large");
    // White space around the data does not count against the signal limit.
    let padded = format!(
        r#"{{"type":"signal","data":  {}  {{"sdp":"{}"}}}}"#,
        " ".repeat(8_000),
        "v".repeat(MAX_SIGNAL_BYTES - 10)
    );
    assert!(padded.len() <= MAX_CLIENT_MESSAGE_BYTES);
    assert!(ClientMessage::parse(&padded).is_ok());
}

#[test]
fn deep_nesting_is_refused_not_a_crash() {
    let depth = 30_000;
    let frame = format!(
        r#"{{"type":"signal","data":{{"a":{}{}}}}}"#,
        "[".repeat(depth),
        "]".repeat(depth)
    );
    assert!(frame.len() <= MAX_CLIENT_MESSAGE_BYTES);
    assert_eq!(
        ClientMessage::parse(&frame).unwrap_err().code(),
        "invalid_json"
    );
}

#[test]
fn hostile_strings_round_trip_as_text() {
    for text in [
        "</script><script>alert(1)</script>",
        "\"quoted\" \\ back\\slash",
        "\u{202E}gnp.exe",
        "null\u{0}byte",
        "👨‍👩‍👧‍👦 🇯🇵",
        "\u{FFFF}\u{10FFFF}",
    ] {
        let m = ClientMessage::Chat {
            text: text.to_owned(),
        };
        assert_eq!(ClientMessage::parse(&m.to_json()), Ok(m));
    }
    // JSON escapes, including surrogate pairs, decode to the same text.
    assert_eq!(
        ClientMessage::parse(r#"{"type":"chat","text":"\u0048\ud83d\udc4d"}"#),
        Ok(ClientMessage::Chat {
            text: "H👍".to_owned()
        })
    );
    // A lone surrogate is not a string.
    assert_eq!(
        ClientMessage::parse(r#"{"type":"chat","text":"\ud83d"}"#)
            .unwrap_err()
            .code(),
        "invalid_json"
    );
}

#[test]
fn server_parse_is_lenient_about_additions() {
    // An unknown field from a later server is ignored.
    let m =
        ServerMessage::parse(r#"{"type":"presence","role":"helper","status":"online","since":5}"#)
            .unwrap();
    assert_eq!(
        m,
        ServerMessage::Presence {
            role: Role::Helper,
            status: PresenceStatus::Online
        }
    );
    // An unknown type says so, for the client to ignore.
    assert_eq!(
        ServerMessage::parse(r#"{"type":"cursor","x":1}"#)
            .unwrap_err()
            .code(),
        "unknown_type"
    );
    assert_eq!(
        ServerMessage::parse(r#"{"type":"presence","role":"boss","status":"online"}"#)
            .unwrap_err()
            .code(),
        "invalid_message"
    );
}
