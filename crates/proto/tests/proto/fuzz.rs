//! Property tests (fuzzing on stable Rust) of the parsers that read what a peer sends: live
//! WebSocket messages and security codes as people type them. Each property runs
//! `PROPTEST_CASES` cases (proptest's default, 256, under `cargo test`); docs/testing.md says how to
//! run them longer.

use assist_proto::wire::{CLIENT_MESSAGE_TYPES, MAX_CLIENT_MESSAGE_BYTES, SERVER_MESSAGE_TYPES};
use assist_proto::*;
use proptest::prelude::*;
use serde_json::{Map, Value, json};

/// JSON values without floats (which need not survive a text round trip bit for bit).
fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<String>().prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 32, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::btree_map(any::<String>(), inner, 0..6)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

fn json_object() -> impl Strategy<Value = Map<String, Value>> {
    prop::collection::btree_map(any::<String>(), json_value(), 0..6)
        .prop_map(|m| m.into_iter().collect())
}

fn client_message() -> impl Strategy<Value = ClientMessage> {
    prop_oneof![
        any::<String>().prop_map(|text| ClientMessage::Chat { text }),
        json_object().prop_map(|data| ClientMessage::Signal {
            data: Value::Object(data)
        }),
        Just(ClientMessage::Ping),
    ]
}

/// Objects shaped like messages: a known or unknown `type` and fields of any kind, some of them
/// the real field names, so the fuzzer reaches each type's field checks.
fn message_like(types: &'static [&'static str]) -> impl Strategy<Value = String> {
    let kind = prop_oneof![
        prop::sample::select(types).prop_map(|t| Value::String(t.to_owned())),
        json_value(),
    ];
    let field = prop_oneof![
        prop::sample::select(&["text", "data", "error", "role", "status", "id", "session"][..])
            .prop_map(str::to_owned),
        any::<String>(),
    ];
    (
        kind,
        prop::collection::btree_map(field, json_value(), 0..4),
        any::<bool>(),
    )
        .prop_map(|(kind, fields, with_type)| {
            let mut o: Map<String, Value> = fields.into_iter().collect();
            if with_type {
                o.insert("type".to_owned(), kind);
            }
            Value::Object(o).to_string()
        })
}

/// A valid code's canonical form.
fn canonical_code() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(CODE_ALPHABET.as_bytes()), CODE_LEN)
        .prop_map(|b| String::from_utf8(b).unwrap())
}

const SEPARATORS: &[char] = &[
    ' ', '-', '_', '.', '\t', '\n', '\u{3000}', '\u{2010}', '\u{2013}', '\u{2212}',
];

/// `code` as a person may type it: any case, full-width forms, separators anywhere.
fn typed(code: String) -> impl Strategy<Value = String> {
    let n = code.len();
    (
        prop::collection::vec((any::<bool>(), any::<bool>()), n),
        prop::collection::vec(
            prop::collection::vec(prop::sample::select(SEPARATORS), 0..3),
            n + 1,
        ),
    )
        .prop_map(move |(forms, seps)| {
            let mut out = String::new();
            for (i, ch) in code.chars().enumerate() {
                out.extend(&seps[i]);
                let ch = if forms[i].0 {
                    ch.to_ascii_uppercase()
                } else {
                    ch
                };
                // Full-width forms U+FF01..U+FF5E mirror ASCII 0x21..0x7E.
                let ch = if forms[i].1 {
                    char::from_u32(ch as u32 - 0x21 + 0xFF01).unwrap()
                } else {
                    ch
                };
                out.push(ch);
            }
            out.extend(&seps[n]);
            out
        })
}

proptest! {
    #[test]
    fn client_parse_never_panics_on_any_text(text in any::<String>()) {
        let _ = ClientMessage::parse(&text);
    }

    #[test]
    fn client_parse_never_panics_on_message_shaped_json(text in message_like(&CLIENT_MESSAGE_TYPES)) {
        if let Ok(msg) = ClientMessage::parse(&text) {
            // Whatever is accepted is a message this side can write again, unchanged.
            prop_assert_eq!(ClientMessage::parse(&msg.to_json()).unwrap(), msg);
        }
    }

    #[test]
    fn client_messages_survive_a_round_trip(msg in client_message()) {
        let text = msg.to_json();
        prop_assume!(text.len() <= MAX_CLIENT_MESSAGE_BYTES);
        prop_assert_eq!(ClientMessage::parse(&text).unwrap(), msg);
    }

    #[test]
    fn client_parse_refuses_non_object_signal_data(data in json_value()) {
        prop_assume!(!data.is_object());
        let text = json!({"type": "signal", "data": data}).to_string();
        prop_assert!(ClientMessage::parse(&text).is_err());
    }

    #[test]
    fn server_parse_never_panics(text in prop_oneof![any::<String>(), message_like(&SERVER_MESSAGE_TYPES)]) {
        if let Ok(msg) = ServerMessage::parse(&text) {
            prop_assert_eq!(ServerMessage::parse(&msg.to_json()).unwrap(), msg);
        }
    }

    #[test]
    fn code_parse_never_panics_and_accepts_only_canonical_codes(text in any::<String>()) {
        if let Ok(code) = SecurityCode::parse(&text) {
            prop_assert_eq!(code.as_str().len(), CODE_LEN);
            prop_assert!(code.as_str().chars().all(|c| CODE_ALPHABET.contains(c)));
            prop_assert_eq!(SecurityCode::parse(&code.grouped()).unwrap(), code);
        }
    }

    #[test]
    fn a_code_typed_any_way_normalises_to_itself(
        (code, text) in canonical_code().prop_flat_map(|c| (Just(c.clone()), typed(c)))
    ) {
        let parsed = SecurityCode::parse(&text).unwrap();
        prop_assert_eq!(parsed.as_str(), code.as_str());
    }

    #[test]
    fn a_code_with_a_foreign_character_is_refused(
        code in canonical_code(),
        at in 0..=CODE_LEN,
        ch in self_folding_char(),
    ) {
        let folded: String = ch.to_string().to_lowercase();
        prop_assume!(!folded.chars().all(|c| CODE_ALPHABET.contains(c) || c.is_whitespace()));
        prop_assume!(!"-_.\u{2010}\u{2011}\u{2012}\u{2013}\u{2014}\u{2015}\u{2212}".contains(ch));
        let mut text = code;
        text.insert(at, ch);
        prop_assert!(SecurityCode::parse(&text).is_err(), "{:?} accepted", text);
    }
}

/// Characters that are their own NFKC form, so the parser sees them as given: everything below
/// U+00A0, CJK ideographs and Hangul syllables (compatibility forms such as full-width letters may
/// rightly fold into the alphabet, and are tested above).
fn self_folding_char() -> impl Strategy<Value = char> {
    prop_oneof![0u32..0xA0, 0x4E00u32..=0x9FFF, 0xAC00u32..=0xD7A3]
        .prop_map(|c| char::from_u32(c).unwrap())
}
