//! From DOM key events to keysyms (X11 and Wayland both name keys by them): by character when
//! the helper's key produced one, by physical position or key name otherwise.

use xkeysym::{Keysym, key};

/// What a DOM key event asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyMeaning {
    /// A character: type whatever keycode and shift level produce it on the sharer.
    Char(char, Keysym),
    /// A key that produces no character (Enter, arrows, modifiers...), or a character key when the
    /// helper's layout did not say which character.
    Named(Keysym),
    /// Nothing to do: a dead key or an input-method key; the character it leads to arrives later.
    Ignore,
}

/// What the helper's key event means. `None` when neither `key` nor `code` is known.
pub fn meaning(code: &str, key: &str) -> Option<KeyMeaning> {
    let mut chars = key.chars();
    if let (Some(c), None) = (chars.next(), chars.next())
        && !c.is_control()
    {
        let sym = Keysym::from_char(c);
        if sym != Keysym::NoSymbol {
            return Some(KeyMeaning::Char(c, sym));
        }
    }
    match key {
        "Dead" | "Process" | "Compose" => return Some(KeyMeaning::Ignore),
        // The helper's right Alt is AltGr: what it selects arrives as the character itself, so
        // press the sharer's level-3 shift (inert where the sharer's layout has none).
        "AltGraph" if code == "AltRight" => {
            return Some(KeyMeaning::Named(Keysym::ISO_Level3_Shift));
        }
        _ => {}
    }
    code_keysym(code)
        .or_else(|| named_keysym(key))
        .map(KeyMeaning::Named)
}

/// The keysym a US keyboard gives the physical key `code` without modifiers.
pub fn code_keysym(code: &str) -> Option<Keysym> {
    if let Some(letter) = code.strip_prefix("Key")
        && let [b @ b'A'..=b'Z'] = letter.as_bytes()
    {
        return Some(Keysym::new(u32::from(b.to_ascii_lowercase())));
    }
    if let Some(digit) = code.strip_prefix("Digit")
        && let [b @ b'0'..=b'9'] = digit.as_bytes()
    {
        return Some(Keysym::new(u32::from(*b)));
    }
    if let Some(digit) = code.strip_prefix("Numpad")
        && let [b @ b'0'..=b'9'] = digit.as_bytes()
    {
        return Some(Keysym::new(key::KP_0 + u32::from(b - b'0')));
    }
    let raw = match code {
        "Minus" => key::minus,
        "Equal" => key::equal,
        "BracketLeft" => key::bracketleft,
        "BracketRight" => key::bracketright,
        "Backslash" => key::backslash,
        "Semicolon" => key::semicolon,
        "Quote" => key::apostrophe,
        "Backquote" => key::grave,
        "Comma" => key::comma,
        "Period" => key::period,
        "Slash" => key::slash,
        "Space" => key::space,
        "IntlBackslash" => key::less,
        "ShiftLeft" => key::Shift_L,
        "ShiftRight" => key::Shift_R,
        "ControlLeft" => key::Control_L,
        "ControlRight" => key::Control_R,
        "AltLeft" => key::Alt_L,
        "AltRight" => key::Alt_R,
        "MetaLeft" | "OSLeft" => key::Super_L,
        "MetaRight" | "OSRight" => key::Super_R,
        "NumpadDecimal" => key::KP_Decimal,
        "NumpadAdd" => key::KP_Add,
        "NumpadSubtract" => key::KP_Subtract,
        "NumpadMultiply" => key::KP_Multiply,
        "NumpadDivide" => key::KP_Divide,
        "NumpadEnter" => key::KP_Enter,
        "NumpadEqual" => key::KP_Equal,
        _ => return named_keysym(code),
    };
    Some(Keysym::new(raw))
}

/// The keysym of a DOM key value that is a name rather than a character (also used for codes,
/// which share most of these names).
pub fn named_keysym(name: &str) -> Option<Keysym> {
    if let Some(n) = name.strip_prefix('F').and_then(|n| n.parse::<u32>().ok()) {
        return (1..=24).contains(&n).then(|| Keysym::new(key::F1 + n - 1));
    }
    let raw = match name {
        "Enter" => key::Return,
        "Tab" => key::Tab,
        "Backspace" => key::BackSpace,
        "Escape" => key::Escape,
        "Delete" => key::Delete,
        "Insert" => key::Insert,
        "Home" => key::Home,
        "End" => key::End,
        "PageUp" => key::Prior,
        "PageDown" => key::Next,
        "ArrowLeft" => key::Left,
        "ArrowUp" => key::Up,
        "ArrowRight" => key::Right,
        "ArrowDown" => key::Down,
        "Shift" => key::Shift_L,
        "Control" => key::Control_L,
        "Alt" => key::Alt_L,
        "AltGraph" => key::ISO_Level3_Shift,
        "Meta" | "OS" | "Super" => key::Super_L,
        "CapsLock" => key::Caps_Lock,
        "NumLock" => key::Num_Lock,
        "ScrollLock" => key::Scroll_Lock,
        "ContextMenu" => key::Menu,
        "PrintScreen" => key::Print,
        "Pause" => key::Pause,
        "Clear" => key::Clear,
        "Help" => key::Help,
        "AudioVolumeMute" => key::XF86_AudioMute,
        "AudioVolumeDown" => key::XF86_AudioLowerVolume,
        "AudioVolumeUp" => key::XF86_AudioRaiseVolume,
        "MediaPlayPause" => key::XF86_AudioPlay,
        "MediaStop" => key::XF86_AudioStop,
        "MediaTrackPrevious" => key::XF86_AudioPrev,
        "MediaTrackNext" => key::XF86_AudioNext,
        _ => return None,
    };
    Some(Keysym::new(raw))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn characters_go_by_key_whatever_the_position() {
        assert_eq!(
            meaning("KeyQ", "a"),
            Some(KeyMeaning::Char('a', Keysym::new(key::a)))
        );
        assert_eq!(
            meaning("Digit2", "é"),
            Some(KeyMeaning::Char('é', Keysym::new(key::eacute)))
        );
        assert_eq!(
            meaning("Space", " "),
            Some(KeyMeaning::Char(' ', Keysym::new(key::space)))
        );
        assert_eq!(
            meaning("KeyE", "€"),
            Some(KeyMeaning::Char('€', Keysym::new(key::EuroSign)))
        );
    }

    #[test]
    fn other_keys_go_by_code_then_by_name() {
        assert_eq!(
            meaning("Enter", "Enter"),
            Some(KeyMeaning::Named(Keysym::new(key::Return)))
        );
        assert_eq!(
            meaning("NumpadEnter", "Enter"),
            Some(KeyMeaning::Named(Keysym::new(key::KP_Enter)))
        );
        assert_eq!(
            meaning("ShiftRight", "Shift"),
            Some(KeyMeaning::Named(Keysym::new(key::Shift_R)))
        );
        assert_eq!(
            meaning("AltRight", "AltGraph"),
            Some(KeyMeaning::Named(Keysym::ISO_Level3_Shift))
        );
        assert_eq!(
            meaning("AltRight", "Alt"),
            Some(KeyMeaning::Named(Keysym::new(key::Alt_R)))
        );
        assert_eq!(
            meaning("F13", "F13"),
            Some(KeyMeaning::Named(Keysym::new(key::F13)))
        );
        assert_eq!(
            meaning("KeyA", "Unidentified"),
            Some(KeyMeaning::Named(Keysym::new(key::a)))
        );
        assert_eq!(
            meaning("", "AudioVolumeUp"),
            Some(KeyMeaning::Named(Keysym::new(key::XF86_AudioRaiseVolume)))
        );
        assert_eq!(meaning("BracketLeft", "Dead"), Some(KeyMeaning::Ignore));
        assert_eq!(meaning("F25", "F25"), None);
        assert_eq!(meaning("Unknown", "Unidentified"), None);
    }
}
