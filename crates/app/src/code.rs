//! The security code as the sharer types or pastes it, and what a failed join tells them: pure
//! logic, no windows.

use assist_proto::code::SecurityCode;

/// The most characters the code field takes: eight code characters with room for the spaces,
/// dashes and stray blanks of a pasted code.
pub const CODE_FIELD_MAX_CHARS: i32 = 32;

/// The code in its grouped form (`4k7m r9gx`) when `typed` is a whole, valid code.
pub fn grouped(typed: &str) -> Option<String> {
    let code = SecurityCode::parse(typed).ok()?;
    let c = code.as_str();
    let half = c.len() / 2;
    Some(format!("{} {}", &c[..half], &c[half..]))
}

/// The catalogue key for a code that cannot be sent (`None`: it is a whole code).
pub fn local_error(typed: &str) -> Option<&'static str> {
    match SecurityCode::parse(typed) {
        Ok(_) => None,
        Err(e) if e.code() == "code_empty" => Some("live-join-error-code_empty"),
        Err(_) => Some("live-join-error-invalid_code"),
    }
}

/// The catalogue key for a server's refusal of a join (its error code), when there is one.
pub fn join_error_key(code: &str) -> String {
    match code {
        // A code nobody has, or a session already joined: the web app's sentences.
        "not_found"
        | "code_used"
        | "code_expired"
        | "expired"
        | "invalid_transition"
        | "already_ended"
        | "invalid_code"
        | "rate_limited"
        | "own_session"
        | "out_of_scope"
        | "remote_help_disabled"
        | "unenrolled_not_allowed" => match code {
            "expired" => "live-join-error-code_expired".to_owned(),
            "already_ended" => "live-join-error-code_used".to_owned(),
            c => format!("live-join-error-{c}"),
        },
        _ => "live-error".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn any_case_spaces_and_dashes_make_the_grouped_code() {
        for typed in ["4k7mr9gx", "4K7M-R9GX", " 4k7m r9gx ", "4k-7m r9 gx"] {
            assert_eq!(grouped(typed).as_deref(), Some("4k7m r9gx"), "{typed}");
            assert_eq!(local_error(typed), None);
        }
        assert_eq!(grouped("4k7m r9g"), None);
    }

    #[test]
    fn a_wrong_code_gets_a_sentence_not_a_request() {
        assert_eq!(local_error(""), Some("live-join-error-code_empty"));
        assert_eq!(local_error(" - "), Some("live-join-error-code_empty"));
        assert_eq!(local_error("4k7m"), Some("live-join-error-invalid_code"));
        assert_eq!(
            local_error("4k7m r9g!"),
            Some("live-join-error-invalid_code")
        );
    }

    #[test]
    fn refusals_map_to_the_web_apps_sentences() {
        assert_eq!(join_error_key("not_found"), "live-join-error-not_found");
        assert_eq!(join_error_key("code_used"), "live-join-error-code_used");
        assert_eq!(join_error_key("expired"), "live-join-error-code_expired");
        assert_eq!(join_error_key("whatever"), "live-error");
        let en = crate::i18n::Tr::new("en");
        for code in [
            "not_found",
            "code_used",
            "expired",
            "invalid_transition",
            "rate_limited",
        ] {
            assert!(en.has(&join_error_key(code)), "{code}");
        }
    }
}
