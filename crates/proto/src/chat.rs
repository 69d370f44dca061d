//! Chat text: any language, never able to disguise itself.
//!
//! [`sanitize_chat`] is applied by the server to every message before it is stored or relayed.
//! Clients still render the result as text (never as HTML), each message in its own bidi
//! isolate (`<bdi>` or `dir="auto"`), so one message cannot reorder the next.
//!
//! What it does, in order:
//!
//! 1. Line breaks: `\r\n`, a lone `\r`, U+2028 LINE SEPARATOR and U+2029 PARAGRAPH SEPARATOR
//!    become `\n`.
//! 2. Removes the bidi embedding, override and isolate controls (U+202A–U+202E, U+2066–U+2069):
//!    they can make text display in an order other than the one it is read in ("Trojan Source").
//!    Removes the deprecated format controls U+206A–U+206F (they switch digit shapes and mirroring)
//!    and U+FEFF (a zero-width no-break space that hides inside words).
//! 3. Removes C0 and C1 control characters and DEL, except `\n` and `\t`.
//! 4. Normalises to NFC, so `e` + U+0301 and `é` are the same text.
//! 5. Trims white space at both ends; rejects an empty result (`chat_empty`) and one longer than
//!    [`CHAT_MAX_CHARS`] Unicode scalar values (`chat_too_long`).
//!
//! Kept on purpose: the implicit direction marks LRM (U+200E), RLM (U+200F) and ALM (U+061C).
//! They have no scope (they only act as a strong letter at their position), so they cannot reorder
//! text around them, and Arabic and Hebrew writers need them to place numbers and punctuation
//! correctly. Also kept: ZWJ (U+200D) and ZWNJ (U+200C), needed by emoji sequences and by Persian
//! and Indic scripts, and variation selectors.

use unicode_normalization::UnicodeNormalization;

/// The longest chat message, in Unicode scalar values after sanitising: 2,000.
pub const CHAT_MAX_CHARS: usize = 2_000;

/// Why a chat message was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ChatError {
    /// Nothing left after removing control characters and trimming.
    #[error("the message is empty")]
    Empty,
    /// Longer than [`CHAT_MAX_CHARS`] after sanitising.
    #[error("the message has {chars} characters; the limit is {CHAT_MAX_CHARS}")]
    TooLong {
        /// The length after sanitising, in Unicode scalar values.
        chars: usize,
    },
}

impl ChatError {
    /// A stable, machine-readable code: `chat_empty` or `chat_too_long`.
    pub fn code(&self) -> &'static str {
        match self {
            ChatError::Empty => "chat_empty",
            ChatError::TooLong { .. } => "chat_too_long",
        }
    }
}

/// Whether `ch` is removed from chat text (see the module documentation for the list and why).
fn is_removed(ch: char) -> bool {
    match ch {
        '\n' | '\t' => false,
        // Bidi embeddings and overrides (LRE, RLE, PDF, LRO, RLO), isolates (LRI, RLI, FSI, PDI).
        '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' => true,
        // Deprecated format controls; zero-width no-break space.
        '\u{206A}'..='\u{206F}' | '\u{FEFF}' => true,
        // C0, DEL and C1 controls.
        c => c.is_control(),
    }
}

/// Cleans a chat message for storage and display, or says why it cannot be sent.
pub fn sanitize_chat(text: &str) -> Result<String, ChatError> {
    let mut cleaned = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(ch) = chars.next() {
        match ch {
            '\r' => {
                if chars.peek() == Some(&'\n') {
                    chars.next();
                }
                cleaned.push('\n');
            }
            '\u{2028}' | '\u{2029}' => cleaned.push('\n'),
            c if is_removed(c) => {}
            c => cleaned.push(c),
        }
    }
    let normalised: String = cleaned.nfc().collect();
    let trimmed = normalised.trim();
    if trimmed.is_empty() {
        return Err(ChatError::Empty);
    }
    let chars = trimmed.chars().count();
    if chars > CHAT_MAX_CHARS {
        return Err(ChatError::TooLong { chars });
    }
    Ok(trimmed.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(input: &str) -> String {
        sanitize_chat(input).unwrap_or_else(|e| panic!("{input:?}: {e}"))
    }

    #[test]
    fn any_language_passes_unchanged() {
        for text in [
            "你好，我的屏幕是黑的。",
            "我看到了一个错误：0x80070005",
            "مرحبا، لا أستطيع الطباعة",
            "שלום, המדפסת לא עובדת",
            "Привет! Всё работает?",
            "こんにちは、カタカナとひらがな",
            "안녕하세요",
            "สวัสดีครับ",
            "Ελληνικά ελέγχω",
            "नमस्ते दुनिया",
            "Mixed: العربية and English and עברית 123",
            "line one\nline two\n\ttabbed",
        ] {
            assert_eq!(ok(text), text);
        }
    }

    #[test]
    fn emoji_survive_whole() {
        for text in [
            "👍",
            "👨‍👩‍👧‍👦",           // ZWJ family
            "🧑🏽‍💻 fixing it", // skin tone + ZWJ
            "🏳️‍🌈",           // flag with variation selector + ZWJ
            "🇫🇷🇯🇵🇧🇷",       // regional-indicator flags
            "❤️",           // variation selector 16
            "1️⃣",           // keycap
        ] {
            assert_eq!(ok(text), text);
        }
        assert_eq!(ok("👨‍👩‍👧‍👦").chars().filter(|&c| c == '\u{200D}').count(), 3);
    }

    #[test]
    fn combining_marks_are_composed() {
        assert_eq!(ok("e\u{301}"), "é");
        assert_eq!(ok("Cafe\u{301} ou cafe\u{301}?"), "Café ou café?");
        assert_eq!(ok("A\u{30A}"), "\u{C5}");
        assert_eq!(ok("\u{1100}\u{1161}\u{11A8}"), "각"); // Hangul jamo compose
        // Already composed text is unchanged; NFC is idempotent.
        let once = ok("ñ n\u{303} Å");
        assert_eq!(ok(&once), once);
        // A control character between a base and its mark does not stop composition.
        assert_eq!(ok("e\u{7}\u{301}"), "é");
    }

    #[test]
    fn trojan_source_overrides_are_removed() {
        // The classic: an RLO makes "exe.txt" display as "txt.exe".
        assert_eq!(ok("invoice\u{202E}txt.exe"), "invoicetxt.exe");
        // A comment that hides code: RLI ... LRI ... PDI PDI.
        let trojan = "/*\u{202E} } \u{2066}if (isAdmin)\u{2069} \u{2066} begin admins only */";
        let cleaned = ok(trojan);
        assert_eq!(cleaned, "/* } if (isAdmin)  begin admins only */");
        for ch in ('\u{202A}'..='\u{202E}')
            .chain('\u{2066}'..='\u{2069}')
            .chain('\u{206A}'..='\u{206F}')
        {
            let out = ok(&format!("a{ch}b"));
            assert_eq!(out, "ab", "U+{:04X}", ch as u32);
        }
        assert_eq!(ok("pass\u{FEFF}word"), "password");
    }

    #[test]
    fn direction_marks_and_joiners_are_kept() {
        for text in [
            "\u{200F}(123)\u{200F} شارع",
            "abc\u{200E}",
            "\u{61C}١٢٣",
            "می\u{200C}خواهم",
        ] {
            assert_eq!(ok(text), text);
        }
    }

    #[test]
    fn control_characters_are_removed() {
        assert_eq!(
            ok("a\u{0}b\u{7}c\u{1b}[31md\u{7f}e\u{85}f\u{9b}g"),
            "abc[31mdefg"
        );
        for c in (0u32..0x20).chain(0x7f..0xa0).filter_map(char::from_u32) {
            let out = ok(&format!("x{c}y"));
            match c {
                '\n' => assert_eq!(out, "x\ny"),
                '\t' => assert_eq!(out, "x\ty"),
                '\r' => assert_eq!(out, "x\ny"),
                _ => assert_eq!(out, "xy", "U+{:04X}", c as u32),
            }
        }
    }

    #[test]
    fn line_breaks_are_normalised() {
        assert_eq!(ok("a\r\nb\rc\nd\u{2028}e\u{2029}f"), "a\nb\nc\nd\ne\nf");
        assert_eq!(ok("a\r\n\r\nb"), "a\n\nb");
        assert_eq!(ok("a\r\r\nb"), "a\n\nb");
    }

    #[test]
    fn trimmed() {
        assert_eq!(ok("  hi  \n"), "hi");
        assert_eq!(ok("\u{3000}全角\u{3000}"), "全角");
        assert_eq!(ok("\u{202E} hi \u{202C}"), "hi");
        assert_eq!(ok("\n\n  keep\n inner \n"), "keep\n inner");
    }

    #[test]
    fn empty_is_rejected() {
        for text in [
            "",
            " ",
            "\n\t\r\n",
            "\u{202E}\u{202C}",
            "\u{0}\u{1}",
            "\u{3000}",
            "\u{FEFF}",
        ] {
            let err = sanitize_chat(text).unwrap_err();
            assert_eq!(err, ChatError::Empty, "{text:?}");
            assert_eq!(err.code(), "chat_empty");
        }
    }

    #[test]
    fn length_is_counted_in_characters_after_normalisation() {
        let max = "a".repeat(CHAT_MAX_CHARS);
        assert_eq!(ok(&max), max);
        let cjk = "字".repeat(CHAT_MAX_CHARS); // 3 bytes each
        assert_eq!(ok(&cjk), cjk);
        let err = sanitize_chat(&"字".repeat(CHAT_MAX_CHARS + 1)).unwrap_err();
        assert_eq!(
            err,
            ChatError::TooLong {
                chars: CHAT_MAX_CHARS + 1
            }
        );
        assert_eq!(err.code(), "chat_too_long");
        assert_eq!(
            err.to_string(),
            "the message has 2001 characters; the limit is 2000"
        );
        // 2,000 decomposed é are 4,000 chars before NFC and 2,000 after: accepted.
        assert_eq!(
            ok(&"e\u{301}".repeat(CHAT_MAX_CHARS)).chars().count(),
            CHAT_MAX_CHARS
        );
        // Removed controls and surrounding spaces do not count.
        let padded = format!("  {}\u{202E}  ", "b".repeat(CHAT_MAX_CHARS));
        assert_eq!(ok(&padded).chars().count(), CHAT_MAX_CHARS);
    }

    #[test]
    fn html_is_just_text() {
        let text = "<img src=x onerror=alert(1)> &amp; <script>";
        assert_eq!(
            ok(text),
            text,
            "escaping is the renderer's job; the text is kept as typed"
        );
    }
}
