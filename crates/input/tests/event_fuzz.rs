//! Property tests (fuzzing on stable Rust) of the parser of the helper's input events, the one
//! wire format the agent reads from the other side before it touches the sharer's desktop. Each
//! property runs `PROPTEST_CASES` cases (256 by default); docs/testing.md says how to run longer.

use assist_input::{
    Button, InputEvent, MAX_CODE_LEN, MAX_EVENT_JSON_BYTES, MAX_KEY_LEN, MAX_TEXT_CHARS,
    MAX_WHEEL_DELTA,
};
use proptest::prelude::*;
use serde_json::{Map, Value, json};

/// Numbers of every kind JSON can carry, including ones far outside the bounds.
fn number() -> impl Strategy<Value = Value> {
    prop_oneof![
        any::<f64>().prop_map(|f| json!(f)),
        (-2.0f64..3.0).prop_map(|f| json!(f)),
        any::<i64>().prop_map(|i| json!(i)),
        any::<u64>().prop_map(|i| json!(i)),
    ]
}

fn field_value() -> impl Strategy<Value = Value> {
    prop_oneof![
        number(),
        any::<bool>().prop_map(Value::Bool),
        any::<String>().prop_map(Value::String),
        "[A-Za-z0-9]{0,40}".prop_map(Value::String),
        prop::sample::select(&["left", "middle", "right", "back", "forward", "Enter"][..])
            .prop_map(|s| Value::String(s.to_owned())),
        Just(Value::Null),
        Just(json!([])),
        Just(json!({})),
    ]
}

/// Objects shaped like events: a known or unknown `t`, real field names and others, values of
/// any kind.
fn event_like() -> impl Strategy<Value = String> {
    let tag = prop_oneof![
        prop::sample::select(&["mouse_move", "mouse_button", "wheel", "key", "text"][..])
            .prop_map(str::to_owned),
        any::<String>(),
    ];
    let field = prop_oneof![
        prop::sample::select(
            &[
                "x", "y", "dx", "dy", "button", "down", "code", "key", "text"
            ][..]
        )
        .prop_map(str::to_owned),
        any::<String>(),
    ];
    (tag, prop::collection::btree_map(field, field_value(), 0..5)).prop_map(|(tag, fields)| {
        let mut o: Map<String, Value> = fields.into_iter().collect();
        o.insert("t".to_owned(), Value::String(tag));
        Value::Object(o).to_string()
    })
}

/// Checks what `from_json` promises about an event it accepted.
fn assert_safe(event: &InputEvent) -> Result<(), TestCaseError> {
    // Validation is idempotent: a sanitised event is already safe.
    prop_assert_eq!(&event.sanitized().unwrap(), event);
    match event {
        InputEvent::MouseMove { x, y } => {
            prop_assert!((0.0..=1.0).contains(x) && (0.0..=1.0).contains(y));
        }
        InputEvent::Wheel { dx, dy } => {
            prop_assert!(dx.abs() <= MAX_WHEEL_DELTA && dy.abs() <= MAX_WHEEL_DELTA);
        }
        InputEvent::Key { code, key, .. } => {
            prop_assert!(code.len() <= MAX_CODE_LEN);
            prop_assert!(code.bytes().all(|b| b.is_ascii_alphanumeric()));
            prop_assert!(!key.is_empty() && key.len() <= MAX_KEY_LEN);
            prop_assert!(!key.chars().any(char::is_control));
        }
        InputEvent::Text { text } => {
            prop_assert!(text.chars().count() <= MAX_TEXT_CHARS);
            prop_assert!(
                !text
                    .chars()
                    .any(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r'))
            );
        }
        InputEvent::MouseButton { .. } => {}
    }
    Ok(())
}

proptest! {
    #[test]
    fn from_json_never_panics_on_any_text(text in any::<String>()) {
        if let Ok(event) = InputEvent::from_json(&text) {
            assert_safe(&event)?;
        }
    }

    #[test]
    fn accepted_events_are_within_bounds(text in event_like()) {
        if let Ok(event) = InputEvent::from_json(&text) {
            assert_safe(&event)?;
        }
    }

    #[test]
    fn valid_events_survive_a_round_trip(
        event in prop_oneof![
            // Short dyadic fractions: serde_json's default float parser may round values with
            // 16 or more significant digits by one unit in the last place.
            (0u32..=1_024, 0u32..=1_024)
                .prop_map(|(x, y)| InputEvent::MouseMove { x: f64::from(x) / 1_024.0, y: f64::from(y) / 1_024.0 }),
            (prop::sample::select(&[Button::Left, Button::Middle, Button::Right, Button::Back, Button::Forward][..]), any::<bool>())
                .prop_map(|(button, down)| InputEvent::MouseButton { button, down }),
            (-40_000i32..=40_000, -40_000i32..=40_000)
                .prop_map(|(dx, dy)| InputEvent::Wheel { dx: f64::from(dx) / 4.0, dy: f64::from(dy) / 4.0 }),
            ("[A-Za-z0-9]{0,32}", "[^\\p{Cc}]{1,8}", any::<bool>())
                .prop_filter("key within its byte limit", |(_, k, _)| k.len() <= MAX_KEY_LEN)
                .prop_map(|(code, key, down)| InputEvent::Key { code, key, down }),
            "[^\\p{Cc}]{0,64}".prop_map(|text| InputEvent::Text { text }),
        ]
    ) {
        let text = serde_json::to_string(&event).unwrap();
        prop_assert!(text.len() <= MAX_EVENT_JSON_BYTES);
        prop_assert_eq!(InputEvent::from_json(&text).unwrap(), event);
    }

    #[test]
    fn out_of_range_positions_are_clamped(x in any::<f64>(), y in any::<f64>()) {
        let text = json!({"t": "mouse_move", "x": x, "y": y}).to_string();
        // The numbers as JSON carries them (the text form may round the last bit).
        let sent: Value = serde_json::from_str(&text).unwrap();
        match InputEvent::from_json(&text) {
            Ok(InputEvent::MouseMove { x: cx, y: cy }) => {
                prop_assert_eq!(cx, sent["x"].as_f64().unwrap().clamp(0.0, 1.0));
                prop_assert_eq!(cy, sent["y"].as_f64().unwrap().clamp(0.0, 1.0));
            }
            // serde_json writes a non-finite number as null, which is not a number.
            other => prop_assert!(!x.is_finite() || !y.is_finite(), "{:?}", other),
        }
    }
}
