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
//! Run loop: `prepare` opens the store (running migrations) and ensures the tenant and first
//! administrator; `serve` builds the router with `app` and serves it on tokio, with TLS or
//! without, until SIGTERM or Ctrl-C, then stops gracefully (`shutdown`). Every request runs in a
//! span with its id (`request_id`).

pub mod access;
pub mod api;
pub mod audit;
pub mod auth;
pub mod bootstrap;
pub mod clock;
pub mod config;
pub mod connections;
pub mod devices;
pub mod error;
pub mod limits;
pub mod metrics;
pub mod ops;
pub mod origin;
pub mod ratelimit;
pub mod request_body;
pub mod request_id;
pub mod secrets;
pub mod sessions;
pub mod shutdown;
pub mod state;
pub mod store;
pub mod tls;
pub mod validate;
pub mod web;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use config::Config;
use state::AppState;
use store::Store;

/// The whole application as a router.
pub fn app(state: AppState) -> Router {
    let (api, openapi) = api::router().split_for_parts();
    let openapi = api::contract::complete(&openapi);
    Router::new()
        .merge(api)
        .merge(ops::router(openapi))
        .merge(web::router())
        .route(
            "/ws/sessions/{id}",
            axum::routing::get(sessions::live::upgrade),
        )
        .route(
            assist_proto::channel::CHANNEL_PATH,
            axum::routing::get(devices::channel::upgrade),
        )
        .fallback(ops::not_found)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            devices::auth::verify_device,
        ))
        .layer(DefaultBodyLimit::max(limits::MAX_JSON_BODY_BYTES))
        .layer(axum::middleware::from_fn(ops::method_not_allowed))
        .layer(axum::middleware::from_fn(request_body::read_whole))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            ops::fail_fast,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            ops::observe,
        ))
        // Every log line written while a request is served carries its id, method and path;
        // its end is logged at debug level, a 5xx at error level.
        .layer(
            tower_http::trace::TraceLayer::new_for_http()
                .make_span_with(request_id::span)
                .on_request(())
                .on_response(
                    tower_http::trace::DefaultOnResponse::new().level(tracing::Level::DEBUG),
                ),
        )
        .layer(axum::middleware::from_fn(request_id::assign))
        .with_state(state)
}

/// The OpenAPI document of every JSON endpoint.
pub fn openapi() -> serde_json::Value {
    api::contract::complete(&api::router().split_for_parts().1)
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

/// Serves on an already bound listener until SIGTERM or Ctrl-C, then stops gracefully
/// (`shutdown`), over TLS or plain HTTP as the configuration says.
pub async fn serve(state: AppState, listener: std::net::TcpListener) -> anyhow::Result<()> {
    serve_until(state, listener, shutdown::signal()).await
}

/// Serves on an already bound listener until `stop` completes, then stops accepting, drains
/// (`shutdown::drain`) and returns.
///
/// One accept loop for both: each accepted connection gets `TCP_NODELAY` (the live socket writes
/// small frames that must leave at once; with Nagle on, a frame written while the previous one
/// is unacknowledged waits for the peer's delayed ACK, 40 ms on Linux), then, over TLS, a
/// handshake within `TLS_HANDSHAKE_TIMEOUT_SECS`, then HTTP/1.1 with upgrades (the live socket).
/// HTTP/2 is not offered: nothing needs it (the live socket is an HTTP/1.1 upgrade), and the
/// TLS stream (`tls::accept`) keeps no buffer while a connection is idle.
pub async fn serve_until(
    state: AppState,
    listener: std::net::TcpListener,
    stop: impl std::future::Future<Output = ()>,
) -> anyhow::Result<()> {
    let config = state.config.clone();
    devices::spawn_sweeper(state.clone());
    tokio::spawn(sessions::run_sweeper(state.clone()));
    tokio::spawn(sessions::nodes::run(state.clone()));
    tokio::spawn(store::watch_reachability(state.store.clone()));
    let tls = match tls::cert_files(&config)? {
        Some((cert, key)) => Some(tls::server_config(&cert, &key)?),
        None => None,
    };
    let router = app(state.clone());
    let caps = connections::Caps::new(
        connections::total_cap(config.max_connections, descriptor_limit()),
        config.max_connections_per_address,
    );
    let refusals = std::sync::Arc::new(tokio::sync::Semaphore::new(limits::MAX_REFUSALS_IN_FLIGHT));
    listener.set_nonblocking(true)?;
    let listener = tokio::net::TcpListener::from_std(listener)?;
    tokio::pin!(stop);
    loop {
        let accepted = tokio::select! {
            accepted = listener.accept() => accepted,
            () = &mut stop => break,
        };
        let (tcp, addr) = match accepted {
            Ok(accepted) => accepted,
            Err(e) => {
                accept_failed(e).await;
                continue;
            }
        };
        let _ = tcp.set_nodelay(true);
        let admitted = match caps.admit(addr.ip()) {
            Ok(admitted) => admitted,
            Err(why) => {
                refuse(tcp, tls.clone(), why, &refusals);
                continue;
            }
        };
        let service = tower::ServiceExt::map_request(
            router.clone(),
            move |mut req: axum::http::Request<hyper::body::Incoming>| {
                req.extensions_mut()
                    .insert(axum::extract::ConnectInfo(addr));
                req
            },
        );
        let tls = tls.clone();
        let stopping = state.shutdown.clone();
        state.shutdown.spawn(async move {
            // Counted against the caps until the connection ends.
            let _admitted = admitted;
            match tls {
                None => serve_connection(tcp, service, &stopping).await,
                Some(config) => {
                    let limit = std::time::Duration::from_secs(limits::TLS_HANDSHAKE_TIMEOUT_SECS);
                    match tokio::time::timeout(limit, tls::accept(tcp, config)).await {
                        Ok(Ok(stream)) => serve_connection(stream, service, &stopping).await,
                        Ok(Err(e)) => tracing::debug!(%addr, error = %e, "TLS handshake failed"),
                        Err(_) => tracing::debug!(%addr, "TLS handshake timed out"),
                    }
                }
            }
        });
    }
    // No new connections from here on: the listening socket closes.
    drop(listener);
    shutdown::drain(&state).await;
    Ok(())
}

/// Answers a connection past a cap with 503 `too_many_connections` and closes it, within
/// `REFUSAL_TIMEOUT_SECS`; with `MAX_REFUSALS_IN_FLIGHT` such answers under way, closes it at once.
fn refuse(
    tcp: tokio::net::TcpStream,
    tls: Option<std::sync::Arc<rustls::ServerConfig>>,
    why: connections::Refused,
    refusals: &std::sync::Arc<tokio::sync::Semaphore>,
) {
    let Ok(permit) = refusals.clone().try_acquire_owned() else {
        return;
    };
    tracing::debug!(?why, "connection refused: too many connections");
    let service = tower::service_fn(move |_req: axum::http::Request<hyper::body::Incoming>| {
        std::future::ready(Ok::<_, std::convert::Infallible>(connections::refusal(why)))
    });
    tokio::spawn(async move {
        let _permit = permit;
        let limit = std::time::Duration::from_secs(limits::REFUSAL_TIMEOUT_SECS);
        let answer = async {
            // Not waited for when the node stops: these connections get no service anyway.
            let stopping = shutdown::Shutdown::default();
            match tls {
                None => serve_connection(tcp, service, &stopping).await,
                Some(config) => {
                    if let Ok(stream) = tls::accept(tcp, config).await {
                        serve_connection(stream, service, &stopping).await;
                    }
                }
            }
        };
        let _ = tokio::time::timeout(limit, answer).await;
    });
}

/// The process's limit on open descriptors (the soft limit), where the system says it.
fn descriptor_limit() -> Option<u64> {
    let limits = std::fs::read_to_string("/proc/self/limits").ok()?;
    let line = limits.lines().find(|l| l.starts_with("Max open files"))?;
    line.split_whitespace().nth(3)?.parse().ok()
}

/// Serves HTTP/1.1 (with upgrades, for the live socket) on one accepted connection until it ends;
/// once `stopping` has begun, it finishes the request under way (if any) and closes.
async fn serve_connection<I, S>(io: I, service: S, stopping: &shutdown::Shutdown)
where
    I: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + 'static,
    S: tower::Service<
            axum::http::Request<hyper::body::Incoming>,
            Response = axum::response::Response,
            Error = std::convert::Infallible,
        > + Clone
        + Send
        + 'static,
    S::Future: Send + 'static,
{
    let io = hyper_util::rt::TokioIo::new(io);
    let service = hyper_util::service::TowerToHyperService::new(service);
    let conn = hyper::server::conn::http1::Builder::new()
        // A client that does not send a request's whole head in time is closed, so that slow
        // senders cannot hold connections open (also between requests on a kept-alive one).
        .timer(hyper_util::rt::TokioTimer::new())
        .header_read_timeout(std::time::Duration::from_secs(
            limits::HTTP_HEADER_READ_TIMEOUT_SECS,
        ))
        .serve_connection(io, service)
        .with_upgrades();
    tokio::pin!(conn);
    let ended = tokio::select! {
        ended = conn.as_mut() => ended,
        () = stopping.begun() => {
            conn.as_mut().graceful_shutdown();
            conn.await
        }
    };
    if let Err(e) = ended {
        tracing::trace!(error = %e, "connection ended with an error");
    }
}

/// What to do when accepting a connection fails. A connection reset before it was accepted is
/// nothing; anything else (such as running out of file descriptors) is logged, and the loop
/// pauses for a second so that it does not spin while the condition lasts.
async fn accept_failed(e: std::io::Error) {
    use std::io::ErrorKind;
    if matches!(
        e.kind(),
        ErrorKind::ConnectionRefused | ErrorKind::ConnectionAborted | ErrorKind::ConnectionReset
    ) {
        return;
    }
    tracing::error!(error = %e, "accepting a connection failed");
    tokio::time::sleep(std::time::Duration::from_secs(1)).await;
}
