//! ICE servers for a session's WebRTC peers: `GET /api/sessions/{id}/ice-servers`.
//!
//! TURN relays take short-lived credentials in the standard TURN REST scheme (coturn
//! `use-auth-secret` with `static-auth-secret`): the user name is `<expiry unix seconds>:<user id>`
//! and the password is base64(HMAC-SHA1(shared secret, user name)). The relay checks the HMAC and
//! the expiry itself, so the server and the relays share only the secret. See `docs/turn.md`.

use crate::api::{Json, Path};
use crate::auth::Authed;
use crate::config::TurnConfig;
use crate::error::{ApiResult, AppError};
use crate::limits::{DEFAULT_TURN_TTL_SECS, MAX_TURN_TTL_SECS};
use crate::sessions::service;
use crate::state::AppState;
use axum::extract::State;
use base64::Engine;
use hmac::{Hmac, Mac};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(ice_servers))
}

/// One entry of `RTCConfiguration.iceServers`, and a participant's list: one definition with the
/// agent, in `assist_proto`.
pub use assist_proto::ice::{IceServer, IceServers};

/// The lifetime of issued credentials: the configured one (capped), or the default.
pub fn ttl(turn: &TurnConfig) -> u64 {
    match turn.ttl_secs {
        0 => DEFAULT_TURN_TTL_SECS,
        n => n.min(MAX_TURN_TTL_SECS),
    }
}

/// TURN REST credentials for `user_id`, valid until `now_secs + ttl_secs`: (username, password).
pub fn credentials(secret: &str, user_id: &str, now_secs: u64, ttl_secs: u64) -> (String, String) {
    let username = format!("{}:{user_id}", now_secs.saturating_add(ttl_secs));
    // HMAC takes keys of any length: this cannot fail.
    let mut mac =
        Hmac::<sha1::Sha1>::new_from_slice(secret.as_bytes()).expect("HMAC accepts any key length");
    mac.update(username.as_bytes());
    let password = base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes());
    (username, password)
}

/// The ICE servers for `user_id` at `now_secs`, from the configuration.
pub fn ice_config(turn: &TurnConfig, user_id: &str, now_secs: u64) -> IceServers {
    let ttl_secs = ttl(turn);
    let urls: Vec<String> = turn
        .urls
        .iter()
        .map(|u| u.trim().to_owned())
        .filter(|u| !u.is_empty())
        .collect();
    if urls.is_empty() {
        return IceServers {
            ice_servers: Vec::new(),
            ttl_secs,
        };
    }
    let server = match turn.secret.as_deref().filter(|s| !s.is_empty()) {
        Some(secret) => {
            let (username, credential) = credentials(secret, user_id, now_secs, ttl_secs);
            IceServer {
                urls,
                username: Some(username),
                credential: Some(credential),
            }
        }
        // No secret: STUN only (TURN URLs would be refused by the browser without credentials).
        None => IceServer {
            urls: urls.into_iter().filter(|u| u.starts_with("stun")).collect(),
            username: None,
            credential: None,
        },
    };
    IceServers {
        ice_servers: if server.urls.is_empty() {
            Vec::new()
        } else {
            vec![server]
        },
        ttl_secs,
    }
}

#[utoipa::path(get, path = "/api/sessions/{id}/ice-servers", tag = "sessions", params(("id" = String, Path)),
    responses((status = 200, body = IceServers, description = "STUN/TURN servers with short-lived TURN credentials"),
              (status = 401, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody)))]
async fn ice_servers(
    State(state): State<AppState>,
    who: Authed,
    Path(id): Path<String>,
) -> ApiResult<Json<IceServers>> {
    crate::validate::id("id", &id)?;
    let row = state
        .store
        .session(&state.tenant_id, &id)
        .await?
        .ok_or(AppError::NotFound("session"))?;
    service::role_of(&row, &who.user.id).ok_or(AppError::NotFound("session"))?;
    let now_secs = u64::try_from(crate::clock::now_ms() / 1000).unwrap_or(0);
    Ok(Json(ice_config(&state.config.turn, &who.user.id, now_secs)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credentials_follow_the_turn_rest_scheme() {
        // Checked against Python's hmac/hashlib/base64 with the same inputs.
        let (u, p) = credentials("S3cret", "u1", 1_700_000_000, 3_600);
        assert_eq!(u, "1700003600:u1");
        assert_eq!(p, "m+jpAeJSPzQuFGWPSLEEwaGWNuE=");
    }

    #[test]
    fn configuration_shapes_the_answer() {
        let mut turn = TurnConfig::default();
        assert!(ice_config(&turn, "u", 0).ice_servers.is_empty());
        assert_eq!(ice_config(&turn, "u", 0).ttl_secs, DEFAULT_TURN_TTL_SECS);
        turn.urls = vec![
            "turn:127.0.0.1:3478?transport=udp".into(),
            "stun:127.0.0.1:3478".into(),
        ];
        // Without a secret only STUN is offered.
        let open = ice_config(&turn, "u", 0);
        assert_eq!(open.ice_servers.len(), 1);
        assert_eq!(open.ice_servers[0].urls, vec!["stun:127.0.0.1:3478"]);
        assert!(open.ice_servers[0].username.is_none());
        turn.secret = Some("S3cret".into());
        turn.ttl_secs = 10 * MAX_TURN_TTL_SECS;
        let c = ice_config(&turn, "u1", 100);
        assert_eq!(c.ttl_secs, MAX_TURN_TTL_SECS);
        assert_eq!(c.ice_servers[0].urls.len(), 2);
        assert_eq!(
            c.ice_servers[0].username.as_deref(),
            Some(format!("{}:u1", 100 + MAX_TURN_TTL_SECS).as_str())
        );
    }
}
