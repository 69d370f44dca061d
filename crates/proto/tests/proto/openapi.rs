//! With the `openapi` feature, every view and wire type has a schema that matches its JSON.

use assist_proto::*;
use serde_json::Value;
use utoipa::OpenApi;

#[derive(OpenApi)]
#[openapi(components(schemas(
    ClientMessage,
    ServerMessage,
    SessionView,
    Profile,
    DeviceSummary,
    Warning,
    ErrorBody,
    ErrorResponse,
    Mode,
    Role,
    EndReason,
    StateName,
    PresenceStatus
)))]
struct Doc;

fn schemas() -> serde_json::Map<String, Value> {
    let doc = serde_json::to_value(Doc::openapi()).unwrap();
    doc["components"]["schemas"].as_object().unwrap().clone()
}

/// The string values an enum schema allows.
fn enum_values(schema: &Value) -> Vec<String> {
    let mut values: Vec<String> = schema["enum"]
        .as_array()
        .unwrap_or_else(|| panic!("not a plain enum: {schema}"))
        .iter()
        .map(|v| v.as_str().unwrap().to_owned())
        .collect();
    values.sort();
    values
}

fn sorted(values: impl IntoIterator<Item = &'static str>) -> Vec<String> {
    let mut v: Vec<String> = values.into_iter().map(str::to_owned).collect();
    v.sort();
    v
}

#[test]
fn every_type_has_a_schema() {
    let schemas = schemas();
    for name in [
        "ClientMessage",
        "ServerMessage",
        "SessionView",
        "Profile",
        "DeviceSummary",
        "Warning",
        "ErrorBody",
        "ErrorResponse",
        "Mode",
        "ParticipantRole",
        "EndReason",
        "StateName",
        "PresenceStatus",
    ] {
        assert!(schemas.contains_key(name), "missing schema {name}");
    }
}

#[test]
fn enum_schemas_list_the_wire_names() {
    let schemas = schemas();
    assert_eq!(enum_values(&schemas["Mode"]), sorted(["view", "control"]));
    assert_eq!(
        enum_values(&schemas["ParticipantRole"]),
        sorted(["helper", "sharer"])
    );
    assert_eq!(
        enum_values(&schemas["PresenceStatus"]),
        sorted(["online", "left", "lost", "moving"])
    );
    assert_eq!(
        enum_values(&schemas["StateName"]),
        sorted(StateName::ALL.map(StateName::as_str))
    );
    assert_eq!(
        enum_values(&schemas["EndReason"]),
        sorted(EndReason::ALL.map(EndReason::as_str))
    );
}

#[test]
fn session_view_schema_has_every_json_field() {
    let schemas = schemas();
    let properties = schemas["SessionView"]["properties"].as_object().unwrap();
    let mut in_schema: Vec<&String> = properties.keys().collect();
    in_schema.sort();
    // Every field present: `device_offer` and `control_stopped_at` are left out of the JSON when
    // there is none.
    let mut view = SessionView::new("s1", &Session::new(0, CODE_TTL_MS, None));
    view.device_offer = Some(assist_proto::wire::DeviceOffer {
        status: "offered".into(),
        since: Some(1),
    });
    view.control_stopped_at = Some(2);
    let json = serde_json::to_value(view).unwrap();
    let mut in_json: Vec<&String> = json.as_object().unwrap().keys().collect();
    in_json.sort();
    assert_eq!(in_schema, in_json);
}

#[test]
fn message_schemas_are_tagged_unions() {
    let schemas = schemas();
    let types = |name: &str| -> Vec<String> {
        let mut found: Vec<String> = schemas[name]["oneOf"]
            .as_array()
            .unwrap_or_else(|| panic!("{name} is not a oneOf: {}", schemas[name]))
            .iter()
            .flat_map(|variant| {
                variant["properties"]["type"]["enum"]
                    .as_array()
                    .cloned()
                    .unwrap_or_default()
            })
            .map(|v| v.as_str().unwrap().to_owned())
            .collect();
        found.sort();
        found
    };
    assert_eq!(types("ClientMessage"), sorted(wire::CLIENT_MESSAGE_TYPES));
    assert_eq!(types("ServerMessage"), sorted(wire::SERVER_MESSAGE_TYPES));
}
