//! The second factor of local accounts: TOTP enrolment (secret as text, `otpauth://` URI and a QR
//! code rendered here as SVG), confirmation with recovery codes (shown once, stored hashed, single
//! use), disabling, and the check that sign-in uses.

use super::{Json, Path};
use crate::access::Need;
use crate::access::guard::perm;
use crate::audit;
use crate::audit::action::Action;
use crate::auth::extract::Via;
use crate::auth::{Authed, totp};
use crate::error::{ApiResult, AppError, ErrorCode};
use crate::limits::*;
use crate::ratelimit::{Attempt, Limit};
use crate::secrets::hash_token;
use crate::state::AppState;
use crate::validate;
use axum::extract::State;
use axum::http::StatusCode;
use base64::Engine;
use data_encoding::BASE32_NOPAD;
use serde::{Deserialize, Serialize};
use serde_json::json;
use std::time::Duration;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(status, begin, disable))
        .routes(routes!(confirm))
        .routes(routes!(regenerate))
        .routes(routes!(reset))
}

const FAILURE_LIMIT: Limit = Limit {
    max: SECOND_FACTOR_FAILURES_PER_ACCOUNT,
    window: Duration::from_secs(SECOND_FACTOR_WINDOW_SECS),
};

/// Which second factor a sign-in used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Used {
    Totp,
    RecoveryCode,
}

impl Used {
    /// For the audit log.
    pub fn as_str(self) -> &'static str {
        match self {
            Used::Totp => "totp",
            Used::RecoveryCode => "recovery_code",
        }
    }
}

fn now_secs() -> u64 {
    u64::try_from(crate::clock::now_ms() / 1000).unwrap_or(0)
}

/// A recovery code as typed, reduced to its characters: lower case, no spaces or dashes.
fn normalize_recovery(code: &str) -> String {
    code.chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// How a recovery code is stored: bound to the user, so equal codes of two users differ.
fn recovery_hash(user_id: &str, code: &str) -> String {
    hash_token(&format!("recovery:{user_id}:{}", normalize_recovery(code)))
}

/// New recovery codes: 16 base32 characters (80 bits), shown grouped `abcd-efgh-ijkl-mnop`.
fn new_recovery_codes() -> Vec<String> {
    (0..RECOVERY_CODE_COUNT)
        .map(|_| {
            let mut bytes = [0u8; 10];
            rand::RngCore::fill_bytes(&mut rand::rng(), &mut bytes);
            let s = BASE32_NOPAD.encode(&bytes).to_ascii_lowercase();
            s.as_bytes()
                .chunks(4)
                .map(|c| String::from_utf8_lossy(c).into_owned())
                .collect::<Vec<_>>()
                .join("-")
        })
        .collect()
}

/// Checks a second-factor code for the user: a current TOTP code (each time step once), or else
/// one of the user's unused recovery codes (which is then used up).
pub async fn verify_code(
    state: &AppState,
    user_id: &str,
    secret: &str,
    code: &str,
) -> ApiResult<Option<Used>> {
    if code.chars().count() > MAX_SECOND_FACTOR_CODE_CHARS {
        return Ok(None);
    }
    if let Some(step) = totp::verify_step(secret, code, now_secs()) {
        let step = i64::try_from(step).unwrap_or(i64::MAX);
        return Ok(state
            .store
            .use_totp_step(user_id, step)
            .await?
            .then_some(Used::Totp));
    }
    let normalized = normalize_recovery(code);
    if normalized.len() == 16
        && state
            .store
            .use_recovery_code(user_id, &recovery_hash(user_id, &normalized))
            .await?
    {
        return Ok(Some(Used::RecoveryCode));
    }
    Ok(None)
}

/// Where the caller's second factor stands.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Status {
    /// Sign-in asks for a code.
    pub enabled: bool,
    /// An enrolment was started and awaits confirmation.
    pub pending: bool,
    pub recovery_codes_left: i64,
}

/// A started enrolment: add the secret to an authenticator app (scan the QR code or type the
/// secret), then confirm with a code it shows.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Enrolment {
    /// The secret, base32, to type into an authenticator app.
    pub secret: String,
    /// The `otpauth://totp/...` URI that the QR code holds.
    pub otpauth_uri: String,
    /// The QR code as an image: a `data:image/svg+xml;base64,...` URL.
    pub qr_code: String,
    /// Codes have 6 digits and change every 30 seconds (SHA-1).
    pub digits: u32,
    pub period_secs: u64,
}

/// A code from the authenticator app (or, where stated, a recovery code).
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CodeBody {
    pub code: String,
}

/// Recovery codes, shown only this once: each works once in place of an authenticator code.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct RecoveryCodes {
    pub recovery_codes: Vec<String>,
}

/// Percent-encodes for an `otpauth://` label or parameter.
fn pct(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The key URI format authenticator apps read.
pub fn otpauth_uri(issuer: &str, account: &str, secret: &str) -> String {
    format!(
        "otpauth://totp/{}:{}?secret={secret}&issuer={}&algorithm=SHA1&digits=6&period={}",
        pct(issuer),
        pct(account),
        pct(issuer),
        totp::TOTP_STEP_SECS
    )
}

/// A QR code of `text` as an SVG data URL.
pub fn qr_data_url(text: &str) -> ApiResult<String> {
    let code = qrcode::QrCode::new(text.as_bytes())
        .map_err(|e| anyhow::anyhow!("QR code of the enrolment URI: {e}"))?;
    let svg = code
        .render::<qrcode::render::svg::Color<'_>>()
        .min_dimensions(240, 240)
        .quiet_zone(true)
        .build();
    Ok(format!(
        "data:image/svg+xml;base64,{}",
        base64::engine::general_purpose::STANDARD.encode(svg)
    ))
}

fn interactive(who: &Authed) -> ApiResult<()> {
    if who.via == Via::Bearer {
        return Err(AppError::forbidden(
            ErrorCode::TokenCannotManageSecondFactor,
            "an API token cannot change the second factor; sign in",
        ));
    }
    Ok(())
}

/// Reserves a try of a code for the caller's account before the code is checked: it counts
/// unless given back (a right code).
async fn limited(state: &AppState, who: &Authed) -> ApiResult<Attempt> {
    let key = format!("second_factor:acct:{}", who.user.id);
    match state.limiter.reserve(&key, FAILURE_LIMIT).await? {
        Ok(a) => Ok(a),
        Err(r) => {
            let (email, id) = (&who.user.email, Some(who.user.id.as_str()));
            Err(audit::rate_limited(state, email, id, who.addr, "second_factor", r).await)
        }
    }
}

fn wrong_code() -> AppError {
    AppError::bad_request(
        ErrorCode::WrongCode,
        "the code is wrong, expired or already used",
    )
}

#[utoipa::path(get, path = "/api/me/totp", tag = "second-factor",
    responses((status = 200, body = Status), (status = 401, body = crate::error::ErrorBody)))]
async fn status(State(state): State<AppState>, who: Authed) -> ApiResult<Json<Status>> {
    let (_, secret) = state.store.credentials(&who.user.id).await?;
    Ok(Json(Status {
        enabled: who.user.totp_enabled,
        pending: !who.user.totp_enabled && secret.is_some(),
        recovery_codes_left: state.store.recovery_codes_left(&who.user.id).await?,
    }))
}

#[utoipa::path(post, path = "/api/me/totp", tag = "second-factor",
    responses((status = 200, body = Enrolment, description = "Enrolment started; confirm it with a code"),
              (status = 401, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody)))]
async fn begin(State(state): State<AppState>, who: Authed) -> ApiResult<Json<Enrolment>> {
    interactive(&who)?;
    if who.user.totp_enabled {
        return Err(AppError::conflict(
            ErrorCode::SecondFactorEnabled,
            "a second factor is already enabled; disable it first",
        ));
    }
    let secret = totp::new_secret();
    let entry = audit::entry(
        &who,
        Action::AuthSecondFactorEnrolmentStarted,
        Some(&who.user.id),
        json!({}),
    );
    if !state
        .store
        .begin_totp(&state.tenant_id, &who.user.id, &secret, &entry)
        .await?
    {
        return Err(AppError::conflict(
            ErrorCode::SecondFactorEnabled,
            "a second factor is already enabled; disable it first",
        ));
    }
    let issuer = state
        .store
        .tenant(&state.tenant_id)
        .await?
        .map(|t| t.name)
        .unwrap_or_else(|| "Assist".into());
    let uri = otpauth_uri(&issuer, &who.user.email, &secret);
    let qr_code = qr_data_url(&uri)?;
    Ok(Json(Enrolment {
        secret,
        otpauth_uri: uri,
        qr_code,
        digits: 6,
        period_secs: totp::TOTP_STEP_SECS,
    }))
}

#[utoipa::path(post, path = "/api/me/totp/confirm", tag = "second-factor", request_body = CodeBody,
    responses((status = 200, body = RecoveryCodes, description = "Enabled; the recovery codes are shown only now"),
              (status = 400, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody),
              (status = 429, body = crate::error::ErrorBody)))]
async fn confirm(
    State(state): State<AppState>,
    who: Authed,
    Json(body): Json<CodeBody>,
) -> ApiResult<Json<RecoveryCodes>> {
    interactive(&who)?;
    if who.user.totp_enabled {
        return Err(AppError::conflict(
            ErrorCode::SecondFactorEnabled,
            "the second factor is already enabled",
        ));
    }
    let (_, secret) = state.store.credentials(&who.user.id).await?;
    let Some(secret) = secret else {
        return Err(AppError::conflict(
            ErrorCode::NoEnrolment,
            "start the enrolment first (POST /api/me/totp)",
        ));
    };
    let attempt = limited(&state, &who).await?;
    let step = (body.code.chars().count() <= MAX_SECOND_FACTOR_CODE_CHARS)
        .then(|| totp::verify_step(&secret, &body.code, now_secs()))
        .flatten();
    let Some(step) = step else {
        return Err(wrong_code());
    };
    state.limiter.give_back(attempt).await;
    let codes = new_recovery_codes();
    let hashes: Vec<String> = codes
        .iter()
        .map(|c| recovery_hash(&who.user.id, c))
        .collect();
    let entry = audit::entry(
        &who,
        Action::AuthSecondFactorEnabled,
        Some(&who.user.id),
        json!({"method": "totp", "recovery_codes": codes.len()}),
    );
    // The confirming code may not be replayed at sign-in: its step is recorded with the rest.
    let confirmed = (secret.as_str(), i64::try_from(step).unwrap_or(i64::MAX));
    if !state
        .store
        .enable_totp(&state.tenant_id, &who.user.id, confirmed, &hashes, &entry)
        .await?
    {
        return Err(AppError::conflict(
            ErrorCode::NoEnrolment,
            "the enrolment changed meanwhile; start again",
        ));
    }
    Ok(Json(RecoveryCodes {
        recovery_codes: codes,
    }))
}

/// Checks the code of an enabled second factor for a change to it.
async fn check_enabled(state: &AppState, who: &Authed, code: &str) -> ApiResult<Used> {
    interactive(who)?;
    if !who.user.totp_enabled {
        return Err(AppError::conflict(
            ErrorCode::SecondFactorNotEnabled,
            "no second factor is enabled",
        ));
    }
    let (_, secret) = state.store.credentials(&who.user.id).await?;
    let secret = secret.unwrap_or_default();
    let attempt = limited(state, who).await?;
    match verify_code(state, &who.user.id, &secret, code).await? {
        Some(used) => {
            state.limiter.give_back(attempt).await;
            Ok(used)
        }
        None => Err(wrong_code()),
    }
}

#[utoipa::path(delete, path = "/api/me/totp", tag = "second-factor", request_body = CodeBody,
    responses((status = 204, description = "Disabled"), (status = 400, body = crate::error::ErrorBody),
              (status = 409, body = crate::error::ErrorBody), (status = 429, body = crate::error::ErrorBody)))]
async fn disable(
    State(state): State<AppState>,
    who: Authed,
    Json(body): Json<CodeBody>,
) -> ApiResult<StatusCode> {
    let used = check_enabled(&state, &who, &body.code).await?;
    let entry = audit::entry(
        &who,
        Action::AuthSecondFactorDisabled,
        Some(&who.user.id),
        json!({"confirmed_with": used.as_str()}),
    );
    state
        .store
        .clear_second_factor(&state.tenant_id, &who.user.id, &entry)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(post, path = "/api/me/totp/recovery-codes", tag = "second-factor", request_body = CodeBody,
    responses((status = 200, body = RecoveryCodes, description = "New recovery codes; the old ones no longer work"),
              (status = 400, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody)))]
async fn regenerate(
    State(state): State<AppState>,
    who: Authed,
    Json(body): Json<CodeBody>,
) -> ApiResult<Json<RecoveryCodes>> {
    let used = check_enabled(&state, &who, &body.code).await?;
    let codes = new_recovery_codes();
    let hashes: Vec<String> = codes
        .iter()
        .map(|c| recovery_hash(&who.user.id, c))
        .collect();
    let entry = audit::entry(
        &who,
        Action::AuthRecoveryCodesRenewed,
        Some(&who.user.id),
        json!({"confirmed_with": used.as_str(), "recovery_codes": codes.len()}),
    );
    state
        .store
        .replace_recovery_codes(&state.tenant_id, &who.user.id, &hashes, &entry)
        .await?;
    Ok(Json(RecoveryCodes {
        recovery_codes: codes,
    }))
}

#[utoipa::path(delete, path = "/api/users/{id}/totp", tag = "second-factor", params(("id" = String, Path)),
    responses((status = 204, description = "The user's second factor is off; they may enrol again"),
              (status = 403, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody)))]
async fn reset(
    State(state): State<AppState>,
    who: Need<perm::ManageUsers>,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    validate::id("id", &id)?;
    let user = state
        .store
        .user(&state.tenant_id, &id)
        .await?
        .ok_or(AppError::NotFound("user"))?;
    let entry = audit::entry(
        &who,
        Action::AuthSecondFactorReset,
        Some(&user.id),
        json!({"email": user.email, "was_enabled": user.totp_enabled}),
    );
    state
        .store
        .clear_second_factor(&state.tenant_id, &user.id, &entry)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recovery_codes_are_distinct_grouped_and_normalize() {
        let codes = new_recovery_codes();
        assert_eq!(codes.len(), RECOVERY_CODE_COUNT);
        for c in &codes {
            assert_eq!(c.len(), 19, "{c}");
            assert_eq!(c.matches('-').count(), 3);
            assert_eq!(normalize_recovery(c).len(), 16);
            assert_eq!(
                recovery_hash("u", c),
                recovery_hash("u", &c.to_uppercase().replace('-', " "))
            );
            assert_ne!(recovery_hash("u", c), recovery_hash("v", c));
        }
        let mut sorted = codes.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(sorted.len(), codes.len());
    }

    #[test]
    fn otpauth_uri_and_qr() {
        let uri = otpauth_uri("Assist Co", "ana+x@example.com", "JBSWY3DPEHPK3PXP");
        assert_eq!(
            uri,
            "otpauth://totp/Assist%20Co:ana%2Bx%40example.com?secret=JBSWY3DPEHPK3PXP\
             &issuer=Assist%20Co&algorithm=SHA1&digits=6&period=30"
        );
        let qr = qr_data_url(&uri).unwrap();
        let b64 = qr.strip_prefix("data:image/svg+xml;base64,").unwrap();
        let svg = base64::engine::general_purpose::STANDARD
            .decode(b64)
            .unwrap();
        let svg = String::from_utf8(svg).unwrap();
        assert!(svg.contains("<svg"), "{svg}");
    }
}
