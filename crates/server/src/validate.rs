//! Input checks shared by the endpoints. Each returns a 400 with a clear message.

use crate::error::{AppError, ErrorCode};
use crate::limits::*;
use serde::Deserialize;

/// Trims and checks a required text field.
pub fn name(field: &'static str, v: &str) -> Result<String, AppError> {
    let v = v.trim();
    if v.is_empty() {
        return Err(AppError::bad_request(
            ErrorCode::InvalidField,
            format!("{field} must not be empty"),
        ));
    }
    optional_text(field, Some(v), MAX_NAME_CHARS).map(|o| o.unwrap_or_default())
}

/// Trims an optional text field; empty becomes `None`.
pub fn optional_text(
    field: &'static str,
    v: Option<&str>,
    max: usize,
) -> Result<Option<String>, AppError> {
    let Some(v) = v.map(str::trim).filter(|v| !v.is_empty()) else {
        return Ok(None);
    };
    if v.chars().count() > max {
        return Err(AppError::bad_request(
            ErrorCode::InvalidField,
            format!("{field} is longer than {max} characters"),
        ));
    }
    if v.chars().any(|c| c.is_control()) {
        return Err(AppError::bad_request(
            ErrorCode::InvalidField,
            format!("{field} must not contain control characters"),
        ));
    }
    Ok(Some(v.to_owned()))
}

/// Checks an email address (simple structural check) and lower-cases it.
pub fn email(v: &str) -> Result<String, AppError> {
    let v = v.trim().to_lowercase();
    let bad = || {
        AppError::bad_request(
            ErrorCode::InvalidEmail,
            "email must look like name@example.com",
        )
    };
    if v.len() > MAX_EMAIL_CHARS {
        return Err(bad());
    }
    let (local, domain) = v.split_once('@').ok_or_else(bad)?;
    if local.is_empty()
        || local
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || c == '@')
    {
        return Err(bad());
    }
    domain_name(domain).map_err(|_| bad())?;
    Ok(v)
}

/// Checks a DNS domain name and lower-cases it.
pub fn domain_name(v: &str) -> Result<String, AppError> {
    let v = v.trim().trim_end_matches('.').to_lowercase();
    let ok = v.len() <= MAX_DOMAIN_CHARS
        && v.contains('.')
        && v.split('.').all(|l| {
            !l.is_empty()
                && l.len() <= 63
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        });
    if ok {
        Ok(v)
    } else {
        Err(AppError::bad_request(
            ErrorCode::InvalidDomain,
            "not a valid domain name, e.g. example.com",
        ))
    }
}

/// Checks a new password's length.
pub fn password(v: &str) -> Result<(), AppError> {
    let n = v.chars().count();
    if !(MIN_PASSWORD_CHARS..=MAX_PASSWORD_CHARS).contains(&n) {
        return Err(AppError::bad_request(
            ErrorCode::WeakPassword,
            format!("password must have {MIN_PASSWORD_CHARS} to {MAX_PASSWORD_CHARS} characters"),
        ));
    }
    Ok(())
}

/// Checks an identifier from a path or body (ids are 32 hex characters).
pub fn id(field: &'static str, v: &str) -> Result<(), AppError> {
    if v.len() == 32 && v.bytes().all(|c| c.is_ascii_hexdigit()) {
        Ok(())
    } else {
        Err(AppError::bad_request(
            ErrorCode::InvalidId,
            format!("{field} is not a valid id"),
        ))
    }
}

/// `deserialize_with` for a struct field that must be a JSON object (serde's derive also reads a
/// struct from an array of its fields' values, which the documented schema does not allow).
pub fn object<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: serde::Deserializer<'de>,
    T: serde::de::DeserializeOwned,
{
    use serde::de::Error;
    let v = serde_json::Value::deserialize(d)?;
    if !v.is_object() {
        return Err(D::Error::custom("expected a JSON object"));
    }
    T::deserialize(v).map_err(D::Error::custom)
}

/// [`object`] for a list of structs.
pub fn objects<'de, D, T>(d: D) -> Result<Vec<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: serde::de::DeserializeOwned,
{
    use serde::de::Error;
    let items = Vec::<serde_json::Value>::deserialize(d)?;
    items
        .into_iter()
        .map(|v| {
            if v.is_object() {
                T::deserialize(v).map_err(D::Error::custom)
            } else {
                Err(D::Error::custom("expected a list of JSON objects"))
            }
        })
        .collect()
}

/// A `next` target that stays on this site: a path starting with one `/` (not `//` nor `/\`),
/// without control characters; anything else becomes `/`.
pub fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n)
            if n.starts_with('/')
                && !n.starts_with("//")
                && !n.starts_with("/\\")
                && n.len() <= 2000
                && !n.chars().any(|c| c.is_control() || c == '\\') =>
        {
            n.to_owned()
        }
        _ => "/".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails() {
        assert_eq!(email(" Ana@Example.COM ").unwrap(), "ana@example.com");
        for bad in [
            "",
            "a",
            "a@",
            "@b.c",
            "a@b",
            "a b@c.d",
            "a@b..c",
            "a@-b.c",
            &format!("{}@b.c", "x".repeat(300)),
        ] {
            assert!(email(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn names_and_text() {
        assert_eq!(name("n", "  Ana  ").unwrap(), "Ana");
        assert!(name("n", "   ").is_err());
        assert!(name("n", "a\u{0}b").is_err());
        assert!(name("n", &"x".repeat(MAX_NAME_CHARS + 1)).is_err());
        assert_eq!(optional_text("t", Some("  "), 10).unwrap(), None);
    }

    #[test]
    fn ids_and_domains() {
        assert!(id("id", &"a".repeat(32)).is_ok());
        assert!(id("id", "../etc").is_err());
        assert_eq!(domain_name("Example.com.").unwrap(), "example.com");
        assert!(domain_name("exa mple.com").is_err());
    }
}
