//! The HTTP server: Streamable HTTP at `/mcp` (both protocol eras, through rmcp), the legacy
//! SSE pair at `/sse` + `/message`, `/healthz`, and with a store `/usage` and `/metrics`; Host and Origin checked on every route.
//!
//! Every route passes the auth layer (`governance::auth`), which puts the caller into the
//! request or answers 401; `/.well-known/oauth-protected-resource` serves RFC 9728 metadata
//! and `/admin/keys` lists API keys to admins. Without `[auth]` only loopback addresses may be
//! bound: anyone who can reach the port could otherwise read every configured source.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Json};
use axum::routing::{get, post};
use axum::serve::ListenerExt as _;
use axum::{Extension, Router};
use rmcp::transport::streamable_http_server::session::local::LocalSessionManager;
use rmcp::transport::streamable_http_server::{StreamableHttpServerConfig, StreamableHttpService};
use serde_json::json;
use tokio_util::sync::CancellationToken;

use super::guard::{self, Guard};
use super::owners::{self, SessionOwners};
use super::sse::{self, SseSessions};
use crate::governance::metadata::{self, WELL_KNOWN};
use crate::governance::{Authenticator, Caller, admin, auth};
use crate::mcp::{SERVER_NAME, SERVER_VERSION, SwitchyardServer};
use crate::store::KeyStore;

/// How the HTTP server is set up.
#[derive(Debug, Clone)]
pub struct HttpOptions {
    /// Extra accepted `Host` values.
    pub allowed_hosts: Vec<String>,
    /// Accepted browser origins.
    pub allowed_origins: Vec<String>,
    /// Idle time after which a handshake-era session closes.
    pub session_idle: Duration,
    /// Largest accepted request body.
    pub max_request_bytes: usize,
    /// Who callers are: the local identity, or API keys and JWTs when `[auth]` is set.
    pub auth: Arc<Authenticator>,
    /// The API keys, for `GET /admin/keys`.
    pub keys: Option<KeyStore>,
}

/// Why the HTTP server could not run.
#[derive(Debug, thiserror::Error)]
pub enum HttpError {
    /// The address is not a loopback address and no authentication is configured.
    #[error(
        "refusing to listen on {0}: it is not a loopback address and no [auth] section is configured, \
         so anyone who can reach the port could read every configured source. Add [auth] (API keys from \
         `switchyard keys create`, or [auth.jwt]) or listen on 127.0.0.1:<port> (or [::1])"
    )]
    NotLoopback(SocketAddr),
    /// The address could not be parsed.
    #[error("{0:?} is not a listen address; use host:port such as 127.0.0.1:8787")]
    BadAddress(String),
    /// Binding or serving failed.
    #[error("cannot listen on {addr}: {error}")]
    Io {
        /// The address.
        addr: String,
        /// What the OS said.
        error: std::io::Error,
    },
}

/// Parse a listen address (`127.0.0.1:8787`, `[::1]:8787`, `localhost:8787`).
pub fn parse_addr(text: &str) -> Result<SocketAddr, HttpError> {
    if let Ok(addr) = text.parse::<SocketAddr>() {
        return Ok(addr);
    }
    if let Some(port) = text.strip_prefix("localhost:")
        && let Ok(port) = port.parse::<u16>()
    {
        return Ok(SocketAddr::from(([127, 0, 0, 1], port)));
    }
    Err(HttpError::BadAddress(text.to_owned()))
}

/// The router for a server bound at `bound`.
pub fn router(
    server: SwitchyardServer,
    bound: SocketAddr,
    options: &HttpOptions,
    shutdown: CancellationToken,
) -> Router {
    let mut sessions = LocalSessionManager::default();
    sessions.session_config.keep_alive = Some(options.session_idle);
    let config = StreamableHttpServerConfig::default()
        // Host and Origin are checked by our guard on every route, not only /mcp.
        .disable_allowed_hosts()
        .disable_allowed_origins()
        // A call whose handler sends nothing before its result is answered as one JSON body
        // rather than an SSE stream of one event (less work per call; a handler that sends
        // progress or a request first still gets a stream).
        .with_json_response(true)
        .with_cancellation_token(shutdown.child_token())
        .with_max_request_body_bytes(options.max_request_bytes);
    let factory_server = server.clone();
    let sessions = Arc::new(sessions);
    let owners = Arc::new(SessionOwners::new(Arc::clone(&sessions)));
    let streamable =
        StreamableHttpService::new(move || Ok(factory_server.clone()), sessions, config);
    let streamable =
        Router::new()
            .fallback_service(streamable)
            .layer(axum::middleware::from_fn_with_state(
                owners,
                owners::enforce,
            ));
    let sse_sessions = SseSessions::new(server.clone(), shutdown);
    let guard = Arc::new(Guard::new(
        bound,
        &options.allowed_hosts,
        &options.allowed_origins,
    ));
    let legacy = Router::new()
        .route("/sse", get(sse::open))
        .route("/message", post(sse::post))
        .with_state(sse_sessions);
    let metering = server.registry().meter().cloned().map(|meter| {
        Router::new()
            .route("/usage", get(crate::governance::http::usage))
            .route("/metrics", get(crate::governance::http::metrics))
            .with_state(meter)
    });
    let health = Router::new()
        .route("/healthz", get(healthz))
        .with_state((server, options.auth.enabled()));
    let well_known = Router::new()
        .route(WELL_KNOWN, get(metadata::serve))
        .route(&format!("{WELL_KNOWN}/mcp"), get(metadata::serve))
        .with_state(Arc::clone(&options.auth));
    let admin = Router::new()
        .route("/admin/keys", get(admin::list_keys))
        .with_state(options.keys.clone());
    let mut app = Router::new()
        .nest_service("/mcp", streamable)
        .merge(legacy)
        .merge(health)
        .merge(well_known)
        .merge(admin);
    if let Some(metering) = metering {
        app = app.merge(metering);
    }
    app.layer(axum::extract::DefaultBodyLimit::max(
        options.max_request_bytes,
    ))
    .layer(axum::middleware::from_fn(mcp_status_fixes))
    .layer(axum::middleware::from_fn_with_state(
        Arc::clone(&options.auth),
        auth::layer,
    ))
    .layer(axum::middleware::from_fn_with_state(guard, guard::enforce))
}

/// Bind `addr` (loopback only unless authentication is on) and serve until `shutdown` is
/// cancelled.
pub async fn serve(
    server: SwitchyardServer,
    addr: SocketAddr,
    options: HttpOptions,
    shutdown: CancellationToken,
) -> Result<(), HttpError> {
    if !addr.ip().is_loopback() && !options.auth.enabled() {
        return Err(HttpError::NotLoopback(addr));
    }
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|error| HttpError::Io {
            addr: addr.to_string(),
            error,
        })?;
    let bound = listener.local_addr().map_err(|error| HttpError::Io {
        addr: addr.to_string(),
        error,
    })?;
    let app = router(server, bound, &options, shutdown.clone());
    tracing::info!(
        address = %bound,
        "listening on http://{bound}/mcp (Streamable HTTP), http://{bound}/sse (legacy SSE), http://{bound}/healthz"
    );
    // Without TCP_NODELAY a response written in two parts (headers, then the body or an SSE
    // event) waits for the client's delayed ACK: ~40 ms added to every call on Linux.
    let listener = listener.tap_io(|tcp| {
        if let Err(error) = tcp.set_nodelay(true) {
            tracing::debug!(%error, "could not set TCP_NODELAY on an accepted connection");
        }
    });
    axum::serve(listener, app)
        .with_graceful_shutdown(async move { shutdown.cancelled().await })
        .await
        .map_err(|error| HttpError::Io {
            addr: bound.to_string(),
            error,
        })
}

/// Two answers of rmcp's Streamable HTTP service that clients misread, corrected here:
/// - a session `DELETE` gets 202; the official SDKs expect 200 or 204 and log a failure on
///   every clean disconnect otherwise. The session is gone either way: say 204.
/// - a JSON body that does not parse gets 415, which reads as "wrong content type"; JSON-RPC
///   says that is a parse error (-32700), so answer 400 with one.
async fn mcp_status_fixes(
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let method = request.method().clone();
    let sent_json = request
        .headers()
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.trim_start().starts_with("application/json"));
    let mut response = next.run(request).await;
    if method == axum::http::Method::DELETE && response.status() == StatusCode::ACCEPTED {
        *response.status_mut() = StatusCode::NO_CONTENT;
    } else if method == axum::http::Method::POST
        && sent_json
        && response.status() == StatusCode::UNSUPPORTED_MEDIA_TYPE
    {
        let body = super::channel::error_response(
            serde_json::Value::Null,
            super::channel::PARSE_ERROR,
            "parse error: the request body is not a JSON-RPC message",
        );
        return (
            StatusCode::BAD_REQUEST,
            [(axum::http::header::CONTENT_TYPE, "application/json")],
            body,
        )
            .into_response();
    }
    response
}

/// `GET /healthz`: the server's name and version and each connector's check. With
/// authentication on, a caller without a valid token gets only the status and version (the
/// connector details name repositories and hosts).
async fn healthz(
    State((server, auth_on)): State<(SwitchyardServer, bool)>,
    caller: Option<Extension<Caller>>,
) -> impl IntoResponse {
    if auth_on && caller.is_none() {
        return (
            StatusCode::OK,
            Json(json!({"status": "ok", "name": SERVER_NAME, "version": SERVER_VERSION})),
        );
    }
    let reports = server.registry().check_all().await;
    let healthy = reports.iter().all(|(_, _, report)| report.ok);
    let connectors: Vec<_> = reports
        .iter()
        .map(|(id, kind, report)| json!({"id": id, "kind": kind, "ok": report.ok, "detail": report.detail}))
        .collect();
    let status = if healthy {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    (
        status,
        Json(json!({
            "status": if healthy { "ok" } else { "degraded" },
            "name": SERVER_NAME,
            "version": SERVER_VERSION,
            "connectors": connectors,
        })),
    )
}

#[cfg(test)]
mod tests {
    use super::{HttpError, parse_addr};

    #[test]
    fn addresses() {
        assert_eq!(parse_addr("127.0.0.1:8787").unwrap().port(), 8787);
        assert!(parse_addr("localhost:9").unwrap().ip().is_loopback());
        assert!(parse_addr("[::1]:1").unwrap().ip().is_loopback());
        assert!(matches!(
            parse_addr("nonsense"),
            Err(HttpError::BadAddress(_))
        ));
    }
}
