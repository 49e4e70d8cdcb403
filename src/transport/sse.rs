//! The legacy HTTP+SSE transport (protocol 2024-11-05): `GET /sse` opens a stream whose first
//! event (`endpoint`) names where to POST; `POST /message?sessionId=…` carries client messages,
//! answered on the stream. rmcp no longer ships this, so each SSE connection is bridged to the
//! same `SwitchyardServer` through a [`ChannelTransport`].
//!
//! A session is bound to the caller that opened it: it calls tools as that identity, and a
//! `POST /message` from another identity is refused (403).
//!
//! A session lives exactly as long as its stream: there is no idle timeout while the client is
//! connected (keep-alive comments every 15 s keep proxies from closing it), and closing the
//! stream ends the session.

use std::collections::HashMap;
use std::convert::Infallible;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Extension;
use axum::extract::{Query, State};
use axum::http::{StatusCode, header};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use futures::Stream;
use rmcp::ServiceExt;
use rmcp::model::ClientJsonRpcMessage;
use serde::Deserialize;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use super::channel::{ChannelTransport, parse_incoming};
use crate::governance::Caller;
use crate::mcp::SwitchyardServer;

/// The interval of keep-alive comments on an idle stream.
pub const KEEP_ALIVE: Duration = Duration::from_secs(15);

/// One open session: where its messages go and who opened it.
struct Session {
    sender: mpsc::Sender<ClientJsonRpcMessage>,
    owner: Option<switchyard_core::Identity>,
}

/// Open legacy sessions, by id.
#[derive(Clone)]
pub struct SseSessions {
    server: SwitchyardServer,
    sessions: Arc<Mutex<HashMap<String, Session>>>,
    shutdown: CancellationToken,
}

impl SseSessions {
    /// Sessions served by `server`, all ended when `shutdown` is cancelled.
    pub fn new(server: SwitchyardServer, shutdown: CancellationToken) -> Self {
        SseSessions {
            server,
            sessions: Arc::new(Mutex::new(HashMap::new())),
            shutdown,
        }
    }

    /// How many sessions are open.
    pub fn len(&self) -> usize {
        self.sessions.lock().map(|s| s.len()).unwrap_or(0)
    }

    /// Whether no session is open.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn insert(
        &self,
        id: String,
        sender: mpsc::Sender<ClientJsonRpcMessage>,
        owner: Option<switchyard_core::Identity>,
    ) {
        if let Ok(mut sessions) = self.sessions.lock() {
            sessions.insert(id, Session { sender, owner });
        }
    }

    fn sender(
        &self,
        id: &str,
    ) -> Option<(
        mpsc::Sender<ClientJsonRpcMessage>,
        Option<switchyard_core::Identity>,
    )> {
        self.sessions
            .lock()
            .ok()
            .and_then(|s| s.get(id).map(|s| (s.sender.clone(), s.owner.clone())))
    }

    fn remove(&self, id: &str) {
        if let Ok(mut sessions) = self.sessions.lock() {
            sessions.remove(id);
        }
    }
}

/// Ends a session when its stream is dropped (the client went away or the server stops).
struct SessionGuard {
    id: String,
    sessions: SseSessions,
    cancel: CancellationToken,
}

impl Drop for SessionGuard {
    fn drop(&mut self) {
        self.sessions.remove(&self.id);
        self.cancel.cancel();
        tracing::debug!(session = %self.id, "legacy SSE session closed");
    }
}

/// `GET /sse`: open a session and stream its messages.
pub async fn open(
    State(sessions): State<SseSessions>,
    caller: Option<Extension<Caller>>,
) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    let id = uuid::Uuid::new_v4().simple().to_string();
    let (in_tx, in_rx) = mpsc::channel(64);
    let (out_tx, out_rx) = mpsc::channel::<String>(64);
    let owner = caller.map(|Extension(caller)| caller.identity);
    sessions.insert(id.clone(), in_tx, owner.clone());
    let cancel = sessions.shutdown.child_token();
    let server = match owner {
        Some(identity) => sessions.server.clone().with_identity(identity),
        None => sessions.server.clone(),
    };
    let session_cancel = cancel.clone();
    let session_id = id.clone();
    tokio::spawn(async move {
        let transport = ChannelTransport::new(in_rx, out_tx);
        match server.serve_with_ct(transport, session_cancel).await {
            Ok(running) => {
                let _ = running.waiting().await;
            }
            Err(err) => {
                tracing::debug!(session = %session_id, error = %err, "legacy SSE session ended before initialization")
            }
        }
    });
    tracing::debug!(session = %id, "legacy SSE session opened");
    let guard = SessionGuard {
        id: id.clone(),
        sessions,
        cancel: cancel.clone(),
    };
    let stream = event_stream(id, out_rx, guard, cancel);
    Sse::new(stream).keep_alive(KeepAlive::new().interval(KEEP_ALIVE))
}

/// The event stream: the endpoint first, then every message, until the session ends.
fn event_stream(
    id: String,
    messages: mpsc::Receiver<String>,
    guard: SessionGuard,
    cancel: CancellationToken,
) -> impl Stream<Item = Result<Event, Infallible>> {
    let endpoint = Event::default()
        .event("endpoint")
        .data(format!("/message?sessionId={id}"));
    let first = futures::stream::once(async move { Ok(endpoint) });
    let rest = futures::stream::unfold(
        (messages, guard, cancel),
        |(mut messages, guard, cancel)| async move {
            let text = tokio::select! {
                text = messages.recv() => text?,
                () = cancel.cancelled() => return None,
            };
            let event = Event::default().event("message").data(text);
            Some((Ok(event), (messages, guard, cancel)))
        },
    );
    futures::StreamExt::chain(first, rest)
}

/// The query of `POST /message`.
#[derive(Debug, Deserialize)]
pub struct MessageQuery {
    #[serde(rename = "sessionId")]
    session_id: Option<String>,
}

/// `POST /message?sessionId=…`: deliver one client message to its session.
pub async fn post(
    State(sessions): State<SseSessions>,
    Query(query): Query<MessageQuery>,
    caller: Option<Extension<Caller>>,
    body: String,
) -> Response {
    let Some(id) = query.session_id else {
        return (
            StatusCode::BAD_REQUEST,
            "missing sessionId; use the endpoint the /sse stream announced",
        )
            .into_response();
    };
    let Some((sender, owner)) = sessions.sender(&id) else {
        return (
            StatusCode::NOT_FOUND,
            "unknown or closed session; open a new stream with GET /sse",
        )
            .into_response();
    };
    let sender_identity = caller.map(|Extension(caller)| caller.identity);
    if owner != sender_identity {
        tracing::warn!(session = %id, "refused a message from another identity than the session's");
        return (
            StatusCode::FORBIDDEN,
            "this session was opened by another identity; open your own stream with GET /sse",
        )
            .into_response();
    }
    match parse_incoming(&body) {
        Ok(message) => match sender.send(message).await {
            Ok(()) => StatusCode::ACCEPTED.into_response(),
            Err(_) => (
                StatusCode::GONE,
                "the session has ended; open a new stream with GET /sse",
            )
                .into_response(),
        },
        Err(reply) => (
            StatusCode::BAD_REQUEST,
            [(header::CONTENT_TYPE, "application/json")],
            reply,
        )
            .into_response(),
    }
}
