//! assist-server: the HTTP and WebSocket server of Assist.
//!
//! - `api/`: the JSON API (axum handlers, each also described in the OpenAPI document).
//! - `auth/`: who is calling (cookie or bearer token), passwords, second factor.
//! - `access/`: permissions and roles (pure), and the `Need<P>` guard every endpoint uses.
//! - `devices/`: enrollment, signed device requests, compliance evaluation.
//! - `store/`: SQLite or PostgreSQL behind one `Store`, migrations per backend.
//! - `ops`: health, metrics, the OpenAPI document, security headers.
//! - `sessions/`: sessions, live sockets, the bus between nodes (in-process or NATS), node liveness.
//!
//! Run loop: `serve` opens the store (running migrations), ensures the tenant and first
//! administrator, builds the router with `app`, and serves it on tokio, with TLS or without.

pub mod access;
pub mod api;
pub mod audit;
pub mod auth;
pub mod bootstrap;
pub mod clock;
pub mod config;
pub mod devices;
pub mod error;
pub mod limits;
pub mod metrics;
pub mod ops;
pub mod ratelimit;
pub mod secrets;
pub mod sessions;
pub mod state;
pub mod store;
pub mod tls;
pub mod validate;
pub mod web;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use config::Config;
use state::AppState;
use std::net::SocketAddr;
use store::Store;

/// The whole application as a router.
pub fn app(state: AppState) -> Router {
    let (api, openapi) = api::router().split_for_parts();
    Router::new()
        .merge(api)
        .merge(ops::router(openapi))
        .merge(web::router())
        .route(
            "/ws/sessions/{id}",
            axum::routing::get(sessions::live::upgrade),
        )
        .fallback(ops::not_found)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            devices::auth::verify_device,
        ))
        .layer(DefaultBodyLimit::max(limits::MAX_JSON_BODY_BYTES))
        .layer(axum::middleware::from_fn(ops::method_not_allowed))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            ops::observe,
        ))
        .with_state(state)
}

/// The OpenAPI document of every JSON endpoint.
pub fn openapi() -> utoipa::openapi::OpenApi {
    api::router().split_for_parts().1
}

/// A server ready to run: the state and what first start created.
pub struct Prepared {
    pub state: AppState,
    pub first_admin: Option<bootstrap::FirstAdmin>,
}

/// Opens the data directory and database, and makes sure the tenant and first administrator exist.
pub async fn prepare(config: Config) -> anyhow::Result<Prepared> {
    std::fs::create_dir_all(&config.data).map_err(|e| {
        anyhow::anyhow!(
            "cannot create the data directory {}: {e}",
            config.data.display()
        )
    })?;
    let store = Store::open(&config.database_url()).await?;
    let (tenant, first_admin) = bootstrap::ensure(
        &store,
        config.admin_email.as_deref(),
        config.admin_password.as_deref(),
    )
    .await?;
    let secure = !matches!(config.tls, config::TlsMode::Off)
        || config
            .public_url
            .as_deref()
            .is_some_and(|u| u.starts_with("https://"));
    let bus = config.bus.clone();
    let state = AppState::new(store, config, tenant.id, secure);
    connect_bus(&state, bus.as_deref()).await?;
    Ok(Prepared { state, first_admin })
}

/// Connects the configured bus between nodes (none: in-process, one node).
async fn connect_bus(state: &AppState, url: Option<&str>) -> anyhow::Result<()> {
    let servers = match url.map(str::trim) {
        None | Some("") => return Ok(()),
        Some(list) => sessions::bus_nats::servers(list)?,
    };
    let hub = state.hub.clone();
    let deliver: sessions::bus::Deliver = std::sync::Arc::new(move |env| hub.deliver(env));
    let bus = sessions::bus_nats::NatsBus::connect(&servers, deliver).await?;
    state.hub.set_bus(std::sync::Arc::new(bus));
    tracing::info!(node = state.hub.node(), "connected to the NATS bus");
    Ok(())
}

/// Turns Nagle's algorithm off on accepted connections. The live socket writes small frames
/// (a chat message, a presence notice, a signal) that must leave at once; with Nagle on, a frame
/// written while the previous one is unacknowledged waits for the peer's delayed ACK, 40 ms on
/// Linux.
#[derive(Clone, Copy, Debug)]
struct NoDelay;

impl<S> axum_server::accept::Accept<tokio::net::TcpStream, S> for NoDelay {
    type Stream = tokio::net::TcpStream;
    type Service = S;
    type Future = std::future::Ready<std::io::Result<(tokio::net::TcpStream, S)>>;

    fn accept(&self, stream: tokio::net::TcpStream, service: S) -> Self::Future {
        let _ = stream.set_nodelay(true);
        std::future::ready(Ok((stream, service)))
    }
}

/// Serves on an already bound listener until the process ends. `on_ready` is told the address
/// and scheme once the server accepts connections.
pub async fn serve(state: AppState, listener: std::net::TcpListener) -> anyhow::Result<()> {
    let config = state.config.clone();
    devices::spawn_sweeper(state.clone());
    tokio::spawn(sessions::run_sweeper(state.clone()));
    tokio::spawn(sessions::nodes::run(state.clone()));
    let router = app(state.clone());
    let make = router.into_make_service_with_connect_info::<SocketAddr>();
    listener.set_nonblocking(true)?;
    match tls::cert_files(&config.tls, &config.data)? {
        Some((cert, key)) => {
            let _ = rustls::crypto::aws_lc_rs::default_provider().install_default();
            let tls = axum_server::tls_rustls::RustlsConfig::from_pem_file(&cert, &key)
                .await
                .map_err(|e| anyhow::anyhow!("loading TLS certificate {}: {e}", cert.display()))?;
            let acceptor = axum_server::tls_rustls::RustlsAcceptor::new(tls).acceptor(NoDelay);
            axum_server::from_tcp(listener)?
                .acceptor(acceptor)
                .serve(make)
                .await?;
        }
        None => {
            use axum::serve::ListenerExt;
            let listener = tokio::net::TcpListener::from_std(listener)?.tap_io(|tcp| {
                let _ = tcp.set_nodelay(true);
            });
            axum::serve(listener, make).await?;
        }
    }
    Ok(())
}
