//! What groups and roles share: both are named things an administrator creates, with a
//! description, read back by id, and refused when another one has the name.

use super::Json;
use crate::error::{ApiResult, AppError, ErrorCode};
use crate::limits::MAX_DESCRIPTION_CHARS;
use crate::validate;

/// The checked name and description of a new or changed group or role.
pub(super) fn name_and_description(name: &str, description: &str) -> ApiResult<(String, String)> {
    let name = validate::name("name", name)?;
    let desc = validate::optional_text("description", Some(description), MAX_DESCRIPTION_CHARS)?
        .unwrap_or_default();
    Ok((name, desc))
}

/// The answer for a `what` read by id: it, or 404.
pub(super) fn found<T>(item: Option<T>, what: &'static str) -> ApiResult<Json<T>> {
    item.map(Json).ok_or(AppError::NotFound(what))
}

/// The 409 for a name another `what` has.
pub(super) fn name_taken(what: &str) -> AppError {
    AppError::conflict(
        ErrorCode::NameTaken,
        format!("a {what} with this name exists"),
    )
}
