//! The helper's input events as they arrive from the helper's page, and their validation.

use serde::{Deserialize, Serialize};

use crate::InputError;

/// Largest JSON message [`InputEvent::from_json`] looks at, in bytes (a [`MAX_TEXT_CHARS`] text
/// of astral-plane characters written as `\uXXXX` escapes still fits).
pub const MAX_EVENT_JSON_BYTES: usize = 16 * 1024;
/// Longest [`InputEvent::Text`], in characters; the page splits longer pastes.
pub const MAX_TEXT_CHARS: usize = 1024;
/// Longest DOM `code` accepted, in bytes (the longest standard one, `LaunchMediaPlayer`, has 17).
pub const MAX_CODE_LEN: usize = 32;
/// Longest DOM `key` accepted, in bytes.
pub const MAX_KEY_LEN: usize = 32;
/// Largest wheel delta per event and axis, in DOM pixels; larger values are clamped to it.
pub const MAX_WHEEL_DELTA: f64 = 10_000.0;

/// One input event from the helper, as JSON with a `t` tag, for example
/// `{"t":"mouse_move","x":0.25,"y":0.5}` or `{"t":"key","code":"KeyQ","key":"a","down":true}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "t", rename_all = "snake_case")]
pub enum InputEvent {
    /// The pointer moved to (`x`, `y`), normalised over the shared screen: 0 is the left/top edge,
    /// 1 the right/bottom edge.
    MouseMove {
        /// Horizontal position, 0..1.
        x: f64,
        /// Vertical position, 0..1.
        y: f64,
    },
    /// A mouse button went down or up.
    MouseButton {
        /// Which button.
        button: Button,
        /// `true` when pressed, `false` when released.
        down: bool,
    },
    /// The wheel turned, in DOM pixels (a `WheelEvent` with `deltaMode` 0); positive `dy` scrolls
    /// down, positive `dx` right. One [`crate::WHEEL_STEP_PIXELS`] makes one wheel click.
    Wheel {
        /// Horizontal delta.
        dx: f64,
        /// Vertical delta.
        dy: f64,
    },
    /// A key went down or up.
    Key {
        /// DOM `KeyboardEvent.code`: the physical key, such as `KeyA`, `ShiftLeft`, `Enter`.
        code: String,
        /// DOM `KeyboardEvent.key`: what the helper's layout made of it, such as `a`, `A`, `é`,
        /// `Enter`, `Dead`.
        key: String,
        /// `true` for keydown (repeats included), `false` for keyup.
        down: bool,
    },
    /// Text to type as it is (a paste, or what an input method composed).
    Text {
        /// At most [`MAX_TEXT_CHARS`] characters; tab and line breaks are the only control
        /// characters allowed.
        text: String,
    },
}

/// A mouse button, named as in the DOM.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Button {
    /// Main button.
    Left,
    /// Wheel button.
    Middle,
    /// Secondary button.
    Right,
    /// "Browser back" side button.
    Back,
    /// "Browser forward" side button.
    Forward,
}

impl InputEvent {
    /// Parses one JSON message from the helper and validates it ([`InputEvent::sanitized`]).
    pub fn from_json(json: &str) -> Result<InputEvent, InputError> {
        if json.len() > MAX_EVENT_JSON_BYTES {
            return Err(InputError::TooLarge {
                len: json.len(),
                max: MAX_EVENT_JSON_BYTES,
            });
        }
        let event: InputEvent = serde_json::from_str(json)?;
        event.sanitized()
    }

    /// The event made safe to inject: numbers must be finite, coordinates are clamped to 0..1 and
    /// wheel deltas to ±[`MAX_WHEEL_DELTA`]; strings must be within their limits and free of
    /// control characters (tab and line breaks allowed in text).
    pub fn sanitized(&self) -> Result<InputEvent, InputError> {
        Ok(match self {
            InputEvent::MouseMove { x, y } => InputEvent::MouseMove {
                x: finite("x", *x)?.clamp(0.0, 1.0),
                y: finite("y", *y)?.clamp(0.0, 1.0),
            },
            InputEvent::MouseButton { .. } => self.clone(),
            InputEvent::Wheel { dx, dy } => InputEvent::Wheel {
                dx: finite("dx", *dx)?.clamp(-MAX_WHEEL_DELTA, MAX_WHEEL_DELTA),
                dy: finite("dy", *dy)?.clamp(-MAX_WHEEL_DELTA, MAX_WHEEL_DELTA),
            },
            InputEvent::Key { code, key, .. } => {
                check_code(code)?;
                check_key(key)?;
                self.clone()
            }
            InputEvent::Text { text } => {
                check_text(text)?;
                self.clone()
            }
        })
    }
}

fn finite(field: &'static str, v: f64) -> Result<f64, InputError> {
    if v.is_finite() {
        Ok(v)
    } else {
        Err(InputError::Invalid {
            field,
            problem: "is not a finite number",
        })
    }
}

fn check_code(code: &str) -> Result<(), InputError> {
    let problem = if code.len() > MAX_CODE_LEN {
        "is too long"
    } else if !code.bytes().all(|b| b.is_ascii_alphanumeric()) {
        "has characters other than ASCII letters and digits"
    } else {
        return Ok(());
    };
    Err(InputError::Invalid {
        field: "code",
        problem,
    })
}

fn check_key(key: &str) -> Result<(), InputError> {
    let problem = if key.is_empty() {
        "is empty"
    } else if key.len() > MAX_KEY_LEN {
        "is too long"
    } else if key.chars().any(char::is_control) {
        "has control characters"
    } else {
        return Ok(());
    };
    Err(InputError::Invalid {
        field: "key",
        problem,
    })
}

fn check_text(text: &str) -> Result<(), InputError> {
    let problem = if text.chars().count() > MAX_TEXT_CHARS {
        "is too long"
    } else if text
        .chars()
        .any(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r'))
    {
        "has control characters"
    } else {
        return Ok(());
    };
    Err(InputError::Invalid {
        field: "text",
        problem,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_each_kind_from_the_page() {
        assert_eq!(
            InputEvent::from_json(r#"{"t":"mouse_move","x":0.25,"y":0.5}"#).unwrap(),
            InputEvent::MouseMove { x: 0.25, y: 0.5 }
        );
        assert_eq!(
            InputEvent::from_json(r#"{"t":"mouse_button","button":"forward","down":true}"#)
                .unwrap(),
            InputEvent::MouseButton {
                button: Button::Forward,
                down: true
            }
        );
        assert_eq!(
            InputEvent::from_json(r#"{"t":"wheel","dx":0,"dy":-120.5}"#).unwrap(),
            InputEvent::Wheel {
                dx: 0.0,
                dy: -120.5
            }
        );
        assert_eq!(
            InputEvent::from_json(r#"{"t":"key","code":"KeyQ","key":"a","down":false}"#).unwrap(),
            InputEvent::Key {
                code: "KeyQ".into(),
                key: "a".into(),
                down: false
            }
        );
        assert_eq!(
            InputEvent::from_json(r#"{"t":"text","text":"你好 👋\n"}"#).unwrap(),
            InputEvent::Text {
                text: "你好 👋\n".into()
            }
        );
        // Fields the page may add later are ignored.
        assert!(InputEvent::from_json(r#"{"t":"mouse_move","x":0,"y":0,"ts":5}"#).is_ok());
    }

    #[test]
    fn serialises_with_the_same_tags() {
        let json = serde_json::to_string(&InputEvent::MouseButton {
            button: Button::Left,
            down: true,
        })
        .unwrap();
        assert_eq!(json, r#"{"t":"mouse_button","button":"left","down":true}"#);
    }

    #[test]
    fn clamps_coordinates_and_wheel_deltas() {
        assert_eq!(
            InputEvent::from_json(r#"{"t":"mouse_move","x":-2,"y":1e300}"#).unwrap(),
            InputEvent::MouseMove { x: 0.0, y: 1.0 }
        );
        assert_eq!(
            InputEvent::from_json(r#"{"t":"wheel","dx":1e9,"dy":-1e9}"#).unwrap(),
            InputEvent::Wheel {
                dx: MAX_WHEEL_DELTA,
                dy: -MAX_WHEEL_DELTA
            }
        );
    }

    #[test]
    fn refuses_what_cannot_be_injected() {
        let refused = [
            r#"{"t":"mouse_move","x":0.5}"#,
            r#"{"t":"mouse_move","x":"0.5","y":0}"#,
            r#"{"t":"mouse_button","button":"fifth","down":true}"#,
            r#"{"t":"key","code":"Key A","key":"a","down":true}"#,
            r#"{"t":"key","code":"KeyA","key":"","down":true}"#,
            r#"{"t":"key","code":"KeyA","key":"\u0007","down":true}"#,
            r#"{"t":"text","text":"a\u0000b"}"#,
            r#"{"t":"teleport"}"#,
            r#"not json"#,
        ];
        for json in refused {
            assert!(InputEvent::from_json(json).is_err(), "{json} accepted");
        }
        let long_code = format!(
            r#"{{"t":"key","code":"{}","key":"a","down":true}}"#,
            "K".repeat(MAX_CODE_LEN + 1)
        );
        assert!(InputEvent::from_json(&long_code).is_err());
        let long_key = format!(
            r#"{{"t":"key","code":"KeyA","key":"{}","down":true}}"#,
            "é".repeat(MAX_KEY_LEN)
        );
        assert!(InputEvent::from_json(&long_key).is_err());
        let text = |n: usize| InputEvent::Text {
            text: "ж".repeat(n),
        };
        assert!(text(MAX_TEXT_CHARS).sanitized().is_ok());
        assert!(text(MAX_TEXT_CHARS + 1).sanitized().is_err());
        let huge = format!(
            r#"{{"t":"text","text":"{}"}}"#,
            "a".repeat(MAX_EVENT_JSON_BYTES)
        );
        assert!(matches!(
            InputEvent::from_json(&huge),
            Err(InputError::TooLarge { .. })
        ));
        let nan = InputEvent::Wheel {
            dx: f64::NAN,
            dy: 0.0,
        };
        assert!(matches!(
            nan.sanitized(),
            Err(InputError::Invalid { field: "dx", .. })
        ));
    }

    #[test]
    fn the_longest_allowed_text_fits_the_json_limit() {
        let text = "😀".repeat(MAX_TEXT_CHARS);
        let escaped: String = text.encode_utf16().map(|u| format!("\\u{u:04x}")).collect();
        let json = format!(r#"{{"t":"text","text":"{escaped}"}}"#);
        assert!(InputEvent::from_json(&json).is_ok());
    }
}
