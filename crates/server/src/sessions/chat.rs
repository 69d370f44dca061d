//! The session's chat thread: sanitised, stored in order, delivered to both sides.

use super::bus::BusEvent;
use crate::clock::now_ms;
use crate::error::{ApiResult, AppError};
use crate::limits::CHAT_MESSAGES_PER_MINUTE;
use crate::ratelimit::Limit;
use crate::state::AppState;
use crate::store::audit::AuditEntry;
use crate::store::sessions::{ChatRecord, SessionRow};
use assist_proto::chat::sanitize_chat;
use assist_proto::session::Role;
use std::time::Duration;

const CHAT_LIMIT: Limit = Limit {
    max: CHAT_MESSAGES_PER_MINUTE,
    window: Duration::from_secs(60),
};

/// Posts a message from the participant in `role`.
pub async fn post(
    state: &AppState,
    row: &SessionRow,
    role: Role,
    user_id: &str,
    text: &str,
    address: Option<String>,
) -> ApiResult<ChatRecord> {
    if crate::api::settings::current(state).await?.chat_disabled {
        return Err(AppError::forbidden(
            "chat_disabled",
            "chat is turned off for this organisation",
        ));
    }
    if row.machine.is_terminal() {
        return Err(AppError::conflict(
            "session_over",
            "the session is over; chat is closed",
        ));
    }
    let text = sanitize_chat(text).map_err(|e| AppError::bad_request(e.code(), e.to_string()))?;
    let key = format!("chat:{}:{}", row.id, role.as_str());
    state
        .chat_limiter
        .check(&key, CHAT_LIMIT)
        .await
        .map_err(|retry_after_secs| AppError::RateLimited { retry_after_secs })?;
    state.chat_limiter.fail(&key, CHAT_LIMIT).await;
    let rec = state
        .store
        .add_chat(&row.id, role, user_id, &text, now_ms())
        .await?;
    state
        .hub
        .publish(
            &row.id,
            BusEvent::Chat {
                id: rec.seq.to_string(),
                from: role,
                text: rec.text.clone(),
                sent_at: rec.sent_at,
            },
        )
        .await;
    state
        .store
        .audit(
            &state.tenant_id,
            &AuditEntry {
                actor_id: Some(user_id.to_owned()),
                actor: role.as_str().to_owned(),
                action: "session.chat_sent".into(),
                target: Some(row.id.clone()),
                address,
                detail: serde_json::json!({"seq": rec.seq, "chars": rec.text.chars().count()}),
            },
        )
        .await?;
    Ok(rec)
}
