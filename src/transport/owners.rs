//! Handshake-era Streamable HTTP sessions belong to the caller that opened them: a request
//! carrying another caller's `Mcp-Session-Id` is refused (403), so a leaked session id is
//! useless to anyone else. Owners of sessions rmcp has since closed are forgotten.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::extract::{Request, State};
use axum::http::{Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use rmcp::transport::streamable_http_server::session::local::LocalSessionManager;
use switchyard_core::Identity;

use crate::governance::Caller;

const SESSION_HEADER: &str = "mcp-session-id";

/// Sessions this many owners past the last pruning trigger a check against rmcp's sessions.
const PRUNE_EVERY: usize = 256;

/// Who opened each session.
pub struct SessionOwners {
    manager: Arc<LocalSessionManager>,
    owners: Mutex<HashMap<String, Identity>>,
    prune_at: Mutex<usize>,
}

impl SessionOwners {
    /// Owners of the sessions of `manager`.
    pub fn new(manager: Arc<LocalSessionManager>) -> Self {
        SessionOwners {
            manager,
            owners: Mutex::new(HashMap::new()),
            prune_at: Mutex::new(PRUNE_EVERY),
        }
    }

    fn owner(&self, id: &str) -> Option<Identity> {
        self.owners.lock().ok().and_then(|o| o.get(id).cloned())
    }

    async fn insert(&self, id: String, identity: Identity) {
        let len = match self.owners.lock() {
            Ok(mut owners) => {
                owners.insert(id, identity);
                owners.len()
            }
            Err(_) => return,
        };
        let due = self.prune_at.lock().is_ok_and(|at| len >= *at);
        if due {
            let live: Vec<String> = self
                .manager
                .sessions
                .read()
                .await
                .keys()
                .map(|k| k.to_string())
                .collect();
            if let Ok(mut owners) = self.owners.lock() {
                owners.retain(|id, _| live.contains(id));
                if let Ok(mut at) = self.prune_at.lock() {
                    *at = owners.len() + PRUNE_EVERY;
                }
            }
        }
    }

    fn remove(&self, id: &str) {
        if let Ok(mut owners) = self.owners.lock() {
            owners.remove(id);
        }
    }
}

/// The middleware on `/mcp`.
pub async fn enforce(
    State(owners): State<Arc<SessionOwners>>,
    request: Request,
    next: Next,
) -> Response {
    let caller = request
        .extensions()
        .get::<Caller>()
        .map(|c| c.identity.clone());
    let session = request
        .headers()
        .get(SESSION_HEADER)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let method = request.method().clone();
    if let Some(id) = &session
        && let Some(owner) = owners.owner(id)
        && Some(&owner) != caller.as_ref()
    {
        tracing::warn!(session = %id, "refused a request on a session opened by another identity");
        return (
            StatusCode::FORBIDDEN,
            "this session was opened by another identity; initialize your own session",
        )
            .into_response();
    }
    let response = next.run(request).await;
    match (&session, caller) {
        (None, Some(identity)) => {
            if let Some(id) = response
                .headers()
                .get(SESSION_HEADER)
                .and_then(|v| v.to_str().ok())
            {
                owners.insert(id.to_owned(), identity).await;
            }
        }
        (Some(id), _) if method == Method::DELETE && response.status().is_success() => {
            owners.remove(id);
        }
        _ => {}
    }
    response
}
