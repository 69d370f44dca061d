//! What every operation of the OpenAPI document shares, added in one place after the routers are
//! merged: how callers authenticate (`securitySchemes` and each operation's `security`), the
//! error answers the framework gives for any request (400 malformed input, 401, 403, 404 for a
//! path id, 413, 415, 429, 503), and the shape of ids in paths. `docs/testing.md` says how the
//! contract is tested against a running server.

use crate::limits::*;
use serde_json::{Map, Value, json};
use utoipa::openapi::OpenApi;

/// Name of the bearer-token scheme (API tokens, `Authorization: Bearer`).
pub const BEARER: &str = "bearer";
/// Name of the sign-in cookie scheme.
pub const SESSION_COOKIE: &str = "session_cookie";
/// Name of the enrolled-device signature scheme (`X-Assist-*` headers, docs/devices.md).
pub const DEVICE_SIGNATURE: &str = "device_signature";

/// Ids are 32 hexadecimal characters (`validate::id`).
pub const ID_PATTERN: &str = "^[0-9a-fA-F]{32}$";

/// Operations anyone may call: signing in, the identity-provider round trip, enrolling a device
/// with its one-time token, and a device's token exchange (credentials are in the body).
const PUBLIC: &[(&str, &str)] = &[
    ("post", "/api/auth/login"),
    ("get", "/api/auth/providers"),
    ("get", "/auth/oidc/login"),
    ("get", "/auth/oidc/callback"),
    ("post", "/api/agent/enroll"),
    ("post", "/api/auth/agent/token"),
];

/// Operations an enrolled device calls with its signature headers.
const DEVICE_SIGNED: &[(&str, &str)] = &[("post", "/api/agent/check-in")];

const METHODS: [&str; 5] = ["get", "post", "put", "patch", "delete"];

/// The merged document with the shared parts added, as JSON (some of the JSON Schema keywords
/// it adds have no place in utoipa's types).
pub fn complete(doc: &OpenApi) -> Value {
    let mut v = serde_json::to_value(doc).expect("the OpenAPI document serialises");
    complete_json(&mut v);
    v
}

/// [`complete`] on the document as JSON.
pub fn complete_json(doc: &mut Value) {
    let components = doc
        .as_object_mut()
        .expect("an OpenAPI document is an object")
        .entry("components")
        .or_insert_with(|| json!({}));
    components["securitySchemes"] = json!({
        BEARER: {
            "type": "http",
            "scheme": "bearer",
            "description": "An API token from `POST /api/tokens`."
        },
        SESSION_COOKIE: {
            "type": "apiKey",
            "in": "cookie",
            "name": crate::auth::SESSION_COOKIE,
            "description": "The sign-in cookie set by `POST /api/auth/login`. Changes made with \
                            it must come from this site (`Origin` or `Sec-Fetch-Site`)."
        },
        DEVICE_SIGNATURE: {
            "type": "apiKey",
            "in": "header",
            "name": "X-Assist-Signature",
            "description": "An enrolled device's Ed25519 signature with X-Assist-Device, \
                            X-Assist-Timestamp and X-Assist-Nonce (docs/devices.md)."
        }
    });
    if let Some(schemas) = doc
        .pointer_mut("/components/schemas")
        .and_then(Value::as_object_mut)
    {
        for (schema, property, rule) in field_rules() {
            constrain_property(schemas, schema, property, rule);
        }
        for (schema, rule) in object_rules() {
            let target = schemas
                .get_mut(schema)
                .unwrap_or_else(|| panic!("the OpenAPI document has no {schema}"));
            merge(target, &rule);
        }
    }
    let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) else {
        return;
    };
    for (path, item) in paths.iter_mut() {
        for method in METHODS {
            if let Some(op) = item.get_mut(method).and_then(Value::as_object_mut) {
                complete_operation(method, path, op);
            }
        }
    }
}

fn complete_operation(method: &str, path: &str, op: &mut Map<String, Value>) {
    let key = (method, path);
    let public = PUBLIC.contains(&key);
    let security = if public {
        json!([])
    } else if DEVICE_SIGNED.contains(&key) {
        json!([{ DEVICE_SIGNATURE: [] }])
    } else {
        json!([{ BEARER: [] }, { SESSION_COOKIE: [] }])
    };
    op.insert("security".into(), security);

    if key == ("get", "/auth/oidc/login") {
        op.insert("parameters".into(), json!([agent_login_parameter()]));
    }
    let mut has_path_id = false;
    if let Some(params) = op.get_mut("parameters").and_then(Value::as_array_mut) {
        for p in params.iter_mut() {
            let name = p["name"].as_str().unwrap_or_default().to_owned();
            if p["in"] == "path" && is_id_param(&name) {
                p["schema"] = json!({"type": "string", "pattern": ID_PATTERN});
                has_path_id = true;
            }
            if p["in"] == "query"
                && let Some(rule) = query_rule(path, &name)
            {
                merge(&mut p["schema"], &rule);
            }
        }
    }
    let has_input = op
        .get("parameters")
        .and_then(Value::as_array)
        .is_some_and(|p| !p.is_empty())
        || op.contains_key("requestBody");
    let has_body = op.contains_key("requestBody");

    let responses = op
        .entry("responses")
        .or_insert_with(|| json!({}))
        .as_object_mut()
        .expect("responses is an object");
    let mut add = |status: &str, description: &str| {
        responses
            .entry(status.to_owned())
            .or_insert_with(|| error_response(description, status));
    };
    if has_input {
        add("400", "The request is malformed or a field is invalid.");
    }
    if !public {
        add("401", "No valid credentials.");
        add(
            "403",
            "Not allowed: a permission is missing, or a cookie-authenticated change came from \
             another site.",
        );
    }
    if has_path_id {
        add("404", "Nothing with this id is visible to the caller.");
    }
    if has_body {
        add("413", "The body is larger than the limit (docs/limits.md).");
        add("415", "The body is not of the documented content type.");
    }
    add(
        "429",
        "Too many requests from this client; retry after `Retry-After` seconds.",
    );
    add(
        "503",
        "The database is unavailable; retry after `Retry-After` seconds.",
    );
}

/// The characters `validate::optional_text` refuses (Unicode `Cc`).
const NO_CONTROL: &str = r"^[^\x00-\x1f\x7f-\x9f]*$";
/// A name: some character that is neither white space nor a control character, no control
/// characters (`validate::name`).
const NAME_PATTERN: &str = r"^[^\x00-\x1f\x7f-\x9f]*[^\s\x00-\x1f\x7f-\x9f][^\x00-\x1f\x7f-\x9f]*$";
/// A DNS name with at least two labels (`validate::domain_name`).
const DOMAIN_PATTERN: &str = r"^(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$";
/// An email address as `validate::email` takes it (ASCII local part).
const EMAIL_PATTERN: &str = r"^[A-Za-z0-9._%+-]+@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$";
/// A security code as people type it: 8 characters of the alphabet in any case, with ASCII white
/// space, dashes, dots or underscores anywhere (`SecurityCode::parse` also takes full-width forms
/// and other separators); the server reads at most 64 bytes of it.
const CODE_PATTERN: &str =
    r"^[\t\n\x0b\x0c\r ._-]*(?:[2-9a-hjkmnp-zA-HJKMNP-Z][\t\n\x0b\x0c\r ._-]*){8}$";

/// Nothing but Unicode white space (what `str::trim` removes), or nothing at all.
const WHITE_SPACE_ONLY: &str =
    r"^[\t\n\x0b\x0c\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*$";
/// An IPv4 address with an optional prefix length.
const IPV4_RANGE_PATTERN: &str = r"^(?:(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\.){3}(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])(?:/(?:3[0-2]|[12]?[0-9]))?$";
/// An identity provider's issuer: https (http on loopback), a host, an optional port and path,
/// no query, fragment or user name (`auth::oidc::check_issuer`).
const ISSUER_PATTERN: &str = r"^(?:https://(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z](?:[a-z0-9-]{0,61}[a-z0-9])?|http://(?:localhost|127\.0\.0\.1))(?::[1-9][0-9]{0,3})?(?:/[A-Za-z0-9._~-]+)*/?$";
/// The agent's loopback redirect (`auth::agent_sso::check_redirect`).
const AGENT_REDIRECT_PATTERN: &str =
    r"^http://(?:127\.0\.0\.1|\[::1\]):[1-9][0-9]{0,3}(?:/[A-Za-z0-9._~-]+)*/?$";

/// An IPv6 address in any of its textual forms (an IPv4 tail included, no zone), with an
/// optional prefix length.
fn ipv6_range_pattern() -> String {
    let h = "[0-9a-fA-F]{1,4}";
    let v4 = r"(?:(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\.){3}(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])";
    let forms = [
        format!("(?:{h}:){{7}}{h}"),
        format!("(?:{h}:){{1,7}}:"),
        format!("(?:{h}:){{1,6}}:{h}"),
        format!("(?:{h}:){{1,5}}(?::{h}){{1,2}}"),
        format!("(?:{h}:){{1,4}}(?::{h}){{1,3}}"),
        format!("(?:{h}:){{1,3}}(?::{h}){{1,4}}"),
        format!("(?:{h}:){{1,2}}(?::{h}){{1,5}}"),
        format!("{h}:(?::{h}){{1,6}}"),
        format!(":(?:(?::{h}){{1,7}}|:)"),
        format!("(?:{h}:){{6}}{v4}"),
        format!("::(?:{h}:){{0,5}}{v4}"),
        format!("(?:{h}:){{1,4}}:(?:{h}:){{0,1}}{v4}"),
    ];
    format!(
        "^(?:{})(?:/(?:12[0-8]|1[01][0-9]|[1-9]?[0-9]))?$",
        forms.join("|")
    )
}

fn name_rule() -> Value {
    json!({"minLength": 1, "maxLength": MAX_NAME_CHARS, "pattern": NAME_PATTERN})
}
fn text_rule(max: usize) -> Value {
    json!({"maxLength": max, "pattern": NO_CONTROL})
}
fn id_rule() -> Value {
    json!({"pattern": ID_PATTERN})
}
fn typed(ty: &str, mut rule: Value) -> Value {
    rule["type"] = json!(ty);
    rule
}
fn id_list(max: usize) -> Value {
    json!({"maxItems": max, "items": {"type": "string", "pattern": ID_PATTERN}})
}
/// 1 to [`MAX_CA_ADDRESS_RANGES`] IPv4 or IPv6 ranges or addresses (stored and shown as ranges).
fn address_ranges() -> Value {
    json!({
        "minItems": 1,
        "maxItems": MAX_CA_ADDRESS_RANGES,
        "items": {"type": "string", "maxLength": MAX_CA_RANGE_CHARS, "anyOf": [
            {"pattern": IPV4_RANGE_PATTERN},
            {"pattern": ipv6_range_pattern()}
        ]}
    })
}
/// Client id and secret of the identity provider: 1 to [`MAX_OIDC_CLIENT_CHARS`] characters,
/// none of them control characters, not only white space.
fn client_text() -> Value {
    json!({"minLength": 1, "maxLength": MAX_OIDC_CLIENT_CHARS, "pattern": NAME_PATTERN})
}
fn range(min: i64, max: i64) -> Value {
    json!({"minimum": min, "maximum": max})
}

/// What the server checks of each request field, as JSON Schema keywords merged into the
/// field's schema, so that data matching the document is never refused with a 400.
fn field_rules() -> Vec<(&'static str, &'static str, Value)> {
    let password = json!({"minLength": MIN_PASSWORD_CHARS, "maxLength": MAX_PASSWORD_CHARS});
    let email = json!({"maxLength": MAX_EMAIL_CHARS, "pattern": EMAIL_PATTERN});
    let mut rules = vec![
        ("CreateUser", "email", email.clone()),
        ("CreateUser", "full_name", name_rule()),
        ("CreateUser", "job_title", text_rule(MAX_NAME_CHARS)),
        ("CreateUser", "company", text_rule(MAX_NAME_CHARS)),
        ("CreateUser", "password", password.clone()),
        ("UpdateUser", "full_name", name_rule()),
        ("UpdateUser", "job_title", text_rule(MAX_NAME_CHARS)),
        ("UpdateUser", "company", text_rule(MAX_NAME_CHARS)),
        ("UpdateUser", "password", password),
        ("GroupBody", "name", name_rule()),
        ("GroupBody", "description", text_rule(MAX_DESCRIPTION_CHARS)),
        ("RoleBody", "name", name_rule()),
        ("RoleBody", "description", text_rule(MAX_DESCRIPTION_CHARS)),
        ("AssignmentBody", "role_id", id_rule()),
        ("AssignmentBody", "user_id", id_rule()),
        ("AssignmentBody", "group_id", id_rule()),
        (
            "AddDomain",
            "domain",
            json!({"maxLength": 253, "pattern": DOMAIN_PATTERN}),
        ),
        ("CreateToken", "name", name_rule()),
        ("CreateToken", "expires_in_days", range(1, MAX_TOKEN_DAYS)),
        ("CreateEnrollmentToken", "name", name_rule()),
        (
            "CreateEnrollmentToken",
            "expires_in_hours",
            range(1, MAX_ENROLLMENT_TOKEN_HOURS),
        ),
        (
            "CreateEnrollmentToken",
            "max_uses",
            range(1, MAX_ENROLLMENT_TOKEN_USES),
        ),
        ("CreateEnrollmentToken", "user_id", id_rule()),
        (
            "SettingsUpdate",
            "max_session_minutes",
            range(5, MAX_SESSION_MINUTES),
        ),
        (
            "SettingsUpdate",
            "max_transfer_bytes",
            range(1, MAX_TRANSFER_BYTES_CEILING),
        ),
        (
            "OpenTransfer",
            "name",
            json!({"minLength": 1, "maxLength": assist_proto::transfer::MAX_NAME_BYTES}),
        ),
        ("OpenTransfer", "size", json!({"minimum": 0})),
        (
            "FinishTransfer",
            "sha256",
            json!({"pattern": "^[0-9a-fA-F]{64}$"}),
        ),
        ("FinishTransfer", "bytes_done", json!({"minimum": 0})),
        ("CreateSession", "device_id", id_rule()),
        (
            "JoinSession",
            "code",
            json!({"maxLength": 64, "pattern": CODE_PATTERN}),
        ),
        ("RequestMode", "mode", json!({"enum": ["view", "control"]})),
        (
            "PostChat",
            "text",
            json!({"maxLength": assist_proto::CHAT_MAX_CHARS, "pattern": r"[\w!-~]"}),
        ),
        ("UpdateDevice", "name", name_rule()),
        ("UpdateDevice", "primary_user_id", id_rule()),
        (
            "AgentTokenRequest",
            "code",
            json!({"pattern": format!("^[!-~]{{1,{MAX_AGENT_CODE_CHARS}}}$")}),
        ),
        (
            "AgentTokenRequest",
            "device_name",
            text_rule(MAX_NAME_CHARS),
        ),
        (
            "AgentTokenRequest",
            "expires_in_days",
            range(1, MAX_TOKEN_DAYS),
        ),
        ("WhatIf", "user_id", id_rule()),
        (
            "WhatIf",
            "address",
            json!({"anyOf": [{"format": "ipv4"}, {"format": "ipv6"}, {"pattern": WHITE_SPACE_ONLY}]}),
        ),
        (
            "AgentTokenRequest",
            "code_verifier",
            json!({"pattern": r"^[A-Za-z0-9._~-]{43,128}$"}),
        ),
        ("AssignmentBody", "scope_groups", id_list(100)),
        ("PolicyBody", "name", name_rule()),
        (
            "PolicyBody",
            "description",
            text_rule(MAX_DESCRIPTION_CHARS),
        ),
        ("Targets", "include_users", id_list(MAX_CA_TARGETS)),
        ("Targets", "include_groups", id_list(MAX_CA_TARGETS)),
        ("Targets", "exclude_users", id_list(MAX_CA_TARGETS)),
        ("Targets", "exclude_groups", id_list(MAX_CA_TARGETS)),
        ("Conditions", "client_address_in", address_ranges()),
        ("Conditions", "client_address_not_in", address_ranges()),
        ("CompliancePolicyBody", "name", name_rule()),
        (
            "CompliancePolicyBody",
            "description",
            text_rule(MAX_DESCRIPTION_CHARS),
        ),
        (
            "CompliancePolicyBody",
            "group_ids",
            id_list(MAX_POLICY_GROUPS),
        ),
        (
            "Rules",
            "min_os_versions",
            json!({"maxItems": MAX_MIN_OS_RULES}),
        ),
        (
            "Rules",
            "checked_in_within_days",
            range(1, MAX_CHECK_IN_AGE_DAYS),
        ),
        ("MinOsVersion", "os", name_rule()),
        (
            "MinOsVersion",
            "version",
            json!({"minLength": 1, "maxLength": MAX_NAME_CHARS, "pattern": r"^[^\x00-\x1f\x7f-\x9f]*[0-9][^\x00-\x1f\x7f-\x9f]*$"}),
        ),
        (
            "OidcSettingsBody",
            "issuer",
            json!({"maxLength": MAX_URL_CHARS, "pattern": ISSUER_PATTERN}),
        ),
        ("OidcSettingsBody", "client_id", client_text()),
        ("OidcSettingsBody", "client_secret", client_text()),
        (
            "OidcSettingsBody",
            "button_label",
            text_rule(MAX_NAME_CHARS),
        ),
        (
            "OidcSettingsBody",
            "allowed_domains",
            json!({"maxItems": MAX_OIDC_DOMAINS, "items": {"type": "string", "maxLength": 253, "pattern": DOMAIN_PATTERN}}),
        ),
    ];
    for schema in ["Report", "Enroll"] {
        rules.push((schema, "name", name_rule()));
        for field in [
            "os_id",
            "os_name",
            "os_version",
            "kernel",
            "agent_version",
            "primary_user",
        ] {
            rules.push((schema, field, text_rule(MAX_INVENTORY_FIELD_CHARS)));
        }
        rules.push((schema, "last_boot", range(0, MAX_TIMESTAMP_MS)));
    }
    rules.push((
        "Facts",
        "notes",
        json!({
            "maxProperties": MAX_FACT_NOTES,
            "propertyNames": typed("string", name_rule()),
            "additionalProperties": typed("string", text_rule(MAX_FACT_NOTE_CHARS))
        }),
    ));
    rules
}

/// Rules between fields of one object, as JSON Schema keywords merged into its schema.
fn object_rules() -> Vec<(&'static str, Value)> {
    let non_empty =
        |field: &str| json!({"required": [field], "properties": {field: {"minItems": 1}}});
    let is_true =
        |field: &str| json!({"required": [field], "properties": {field: {"const": true}}});
    vec![
        (
            "AssignmentBody",
            json!({
                "oneOf": [
                    {"required": ["user_id"], "properties": {"user_id": {"type": "string"}},
                     "not": {"required": ["group_id"], "properties": {"group_id": {"type": "string"}}}},
                    {"required": ["group_id"], "properties": {"group_id": {"type": "string"}},
                     "not": {"required": ["user_id"], "properties": {"user_id": {"type": "string"}}}}
                ],
                "anyOf": [is_true("scope_all"), non_empty("scope_groups")]
            }),
        ),
        (
            "Targets",
            json!({"anyOf": [is_true("all_users"), non_empty("include_users"), non_empty("include_groups")]}),
        ),
        (
            "Rules",
            json!({"anyOf": [
                non_empty("min_os_versions"),
                is_true("disk_encryption"),
                is_true("firewall"),
                is_true("screen_lock"),
                {"required": ["checked_in_within_days"], "properties": {"checked_in_within_days": {"type": "integer"}}}
            ]}),
        ),
        (
            "CompliancePolicyBody",
            json!({"not": {"required": ["all_devices", "group_ids"], "properties": {
                "all_devices": {"const": true}, "group_ids": {"minItems": 1}
            }}}),
        ),
    ]
}

/// The agent's three sign-in parameters of `GET /auth/oidc/login`, which go together, as one
/// optional object (`style: form, explode: true` puts each property in the query as before).
fn agent_login_parameter() -> Value {
    json!({
        "name": "agent",
        "in": "query",
        "required": false,
        "style": "form",
        "explode": true,
        "description": "A sign-in started by the native agent (RFC 8252): all three parameters or none.",
        "schema": {
            "type": "object",
            "required": ["agent_redirect", "agent_state", "agent_challenge"],
            "additionalProperties": false,
            "properties": {
                "agent_redirect": {"type": "string", "maxLength": MAX_URL_CHARS, "pattern": AGENT_REDIRECT_PATTERN,
                    "description": "The agent's loopback redirect: `http://127.0.0.1:PORT/PATH` or `http://[::1]:PORT/PATH`."},
                "agent_state": {"type": "string", "pattern": format!("^[A-Za-z0-9._~-]{{1,{MAX_AGENT_STATE_CHARS}}}$"),
                    "description": "The agent's state, echoed back to its redirect."},
                "agent_challenge": {"type": "string", "pattern": "^[A-Za-z0-9_-]{43}$",
                    "description": "The agent's PKCE challenge (S256) for `POST /api/auth/agent/token`."}
            }
        }
    })
}

/// What the server checks of query parameters, by operation path and name.
fn query_rule(path: &str, name: &str) -> Option<Value> {
    Some(match (path, name) {
        ("/api/sessions", "limit") => range(1, 100),
        (_, "limit") => range(1, MAX_PAGE_SIZE),
        (_, "offset") => json!({"minimum": 0}),
        ("/api/reports/sessions", "format") => json!({"enum": ["json", "csv"]}),
        ("/api/devices", "checked_in_before" | "checked_in_after") => range(0, MAX_TIMESTAMP_MS),
        ("/api/devices", "compliance") => {
            json!({"enum": ["", "compliant", "not_compliant", "not_evaluated"]})
        }
        ("/api/devices", "status") => json!({"enum": ["", "active", "retired", "all"]}),
        ("/api/devices", "os" | "q") => text_rule(crate::limits::MAX_NAME_CHARS),
        _ => return None,
    })
}

/// Merges `rule` into the schema of `schema`'s `property`.
fn constrain_property(schemas: &mut Map<String, Value>, schema: &str, property: &str, rule: Value) {
    let target = schemas
        .get_mut(schema)
        .and_then(|s| s.get_mut("properties"))
        .and_then(|p| p.get_mut(property))
        .unwrap_or_else(|| panic!("the OpenAPI document has no {schema}.{property}"));
    merge(target, &rule);
}

fn merge(target: &mut Value, rule: &Value) {
    if let (Some(t), Some(r)) = (target.as_object_mut(), rule.as_object()) {
        for (k, v) in r {
            t.insert(k.clone(), v.clone());
        }
    }
}

fn is_id_param(name: &str) -> bool {
    name == "id" || name.ends_with("_id")
}

fn error_response(description: &str, status: &str) -> Value {
    let mut r = json!({
        "description": description,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorBody"}}}
    });
    if status == "429" || status == "503" {
        r["headers"] = json!({
            "Retry-After": {
                "description": "Seconds to wait before trying again.",
                "schema": {"type": "integer", "minimum": 1}
            }
        });
    }
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc() -> Value {
        json!({
            "openapi": "3.1.0",
            "paths": {
                "/api/things/{id}": {
                    "put": {
                        "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}],
                        "requestBody": {"content": {"application/json": {"schema": {}}}},
                        "responses": {"200": {"description": "ok"}}
                    }
                },
                "/api/auth/login": {
                    "post": {
                        "requestBody": {"content": {"application/json": {"schema": {}}}},
                        "responses": {"200": {"description": "ok"}, "401": {"description": "wrong password"}}
                    }
                }
            }
        })
    }

    #[test]
    fn secured_operations_name_their_schemes_and_errors() {
        let mut d = doc();
        complete_json(&mut d);
        let op = &d["paths"]["/api/things/{id}"]["put"];
        assert_eq!(
            op["security"],
            json!([{"bearer": []}, {"session_cookie": []}])
        );
        assert_eq!(op["parameters"][0]["schema"]["pattern"], ID_PATTERN);
        for status in [
            "200", "400", "401", "403", "404", "413", "415", "429", "503",
        ] {
            assert!(op["responses"].get(status).is_some(), "{status} missing");
        }
        assert!(d["components"]["securitySchemes"]["bearer"].is_object());
    }

    #[test]
    fn public_operations_keep_their_own_answers() {
        let mut d = doc();
        complete_json(&mut d);
        let op = &d["paths"]["/api/auth/login"]["post"];
        assert_eq!(op["security"], json!([]));
        assert_eq!(op["responses"]["401"]["description"], "wrong password");
        assert!(op["responses"].get("403").is_none());
        assert!(op["responses"].get("404").is_none());
    }
}
