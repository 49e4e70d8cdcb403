//! The floor: the least any Rust gateway on Switchyard's own stack (axum in, reqwest out)
//! must do to sit between a caller and the provider. It reads the JSON request, sends it to
//! the mock, reads the JSON answer and returns it; nothing else. Run in its own process (this
//! benchmark binary started again with `--relay <listen> <upstream>`), like Switchyard, so the
//! difference between the two rows is Switchyard's own work and not the cost of a hop.

use std::net::SocketAddr;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::http::header::CONTENT_TYPE;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::serve::ListenerExt;
use serde_json::Value;

use super::{Error, RELAY_FLAG, free_port, stop_group, wait_ready};

/// The relay process, stopped when dropped.
pub struct Relay {
    pub child: Child,
    pub addr: SocketAddr,
}

impl Relay {
    /// Start this binary as a relay in front of `mock`.
    pub fn start(work: &Path, mock: SocketAddr) -> Result<Relay, Error> {
        use std::os::unix::process::CommandExt;
        let addr: SocketAddr = format!("127.0.0.1:{}", free_port()?).parse()?;
        let log = work.join("relay.log");
        let mut child = Command::new(std::env::current_exe()?)
            .args([
                RELAY_FLAG,
                &addr.to_string(),
                &format!("http://{mock}/v1/chat/completions"),
            ])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(&log)?)
            .process_group(0)
            .spawn()?;
        if let Err(err) = wait_ready(
            &format!("http://{addr}/healthz"),
            &mut child,
            Duration::from_secs(20),
            &log,
        ) {
            stop_group(&mut child);
            return Err(err);
        }
        Ok(Relay { child, addr })
    }
}

impl Drop for Relay {
    fn drop(&mut self) {
        stop_group(&mut self.child);
    }
}

#[derive(Clone)]
struct Upstream {
    client: reqwest::Client,
    url: String,
}

/// The relay process's main: serve until killed.
pub fn serve(listen: &str, upstream: &str) -> Result<(), Error> {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async {
        let state = Upstream {
            client: reqwest::Client::builder()
                .pool_max_idle_per_host(256)
                .build()?,
            url: upstream.to_owned(),
        };
        let app = Router::new()
            .route("/v1/chat/completions", post(forward))
            .route("/healthz", get(|| async { "ok" }))
            .with_state(state);
        let listener = tokio::net::TcpListener::bind(listen).await?;
        let listener = listener.tap_io(|tcp| {
            let _ = tcp.set_nodelay(true);
        });
        axum::serve(listener, app).await?;
        Ok(())
    })
}

/// Parse the request, send it on, parse the answer, return it.
async fn forward(State(upstream): State<Upstream>, body: Bytes) -> Response {
    let Ok(request) = serde_json::from_slice::<Value>(&body) else {
        return (StatusCode::BAD_REQUEST, "not JSON").into_response();
    };
    let answer = match upstream
        .client
        .post(&upstream.url)
        .json(&request)
        .send()
        .await
    {
        Ok(response) => response.bytes().await,
        Err(err) => return (StatusCode::BAD_GATEWAY, err.to_string()).into_response(),
    };
    match answer.map(|bytes| serde_json::from_slice::<Value>(&bytes)) {
        Ok(Ok(json)) => ([(CONTENT_TYPE, "application/json")], json.to_string()).into_response(),
        _ => (StatusCode::BAD_GATEWAY, "the upstream answer was not JSON").into_response(),
    }
}
