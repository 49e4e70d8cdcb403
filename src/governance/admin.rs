//! Admin-only HTTP endpoints: [`require_admin`] for any handler, the [`Admin`] extractor,
//! and `GET /admin/keys`.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::json;
use switchyard_core::{Identity, Role};

use super::Caller;
use crate::store::KeyStore;

/// `Ok` for admins; a 403 with a JSON error for everyone else.
#[expect(
    clippy::result_large_err,
    reason = "the error is the response a handler returns as it is, once per request"
)]
pub fn require_admin(identity: &Identity) -> Result<(), Response> {
    if identity.role == Role::Admin {
        return Ok(());
    }
    Err((
        StatusCode::FORBIDDEN,
        axum::Json(json!({
            "error": "forbidden",
            "message": format!(
                "{} is not an admin: this endpoint needs a key made with --role admin, a token whose role claim is admin, or a listing in [teams.<team>] admins",
                identity.user
            ),
        })),
    )
        .into_response())
}

/// An extractor for admin-only handlers: the caller when it is an admin; otherwise the
/// handler is not run and the caller gets 403 (or 401 when no caller was resolved).
#[derive(Debug, Clone)]
pub struct Admin(pub Caller);

impl<S: Send + Sync> axum::extract::FromRequestParts<S> for Admin {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        _state: &S,
    ) -> Result<Self, Self::Rejection> {
        let Some(caller) = parts.extensions.get::<Caller>() else {
            return Err((
                StatusCode::UNAUTHORIZED,
                axum::Json(json!({"error": "unauthorized", "message": "no authenticated caller"})),
            )
                .into_response());
        };
        require_admin(&caller.identity)?;
        Ok(Admin(caller.clone()))
    }
}

/// `GET /admin/keys`: every API key (id, owner, team, role, times), never a hash or a key.
pub async fn list_keys(State(keys): State<Option<KeyStore>>, _admin: Admin) -> Response {
    let Some(keys) = keys else {
        return (
            StatusCode::SERVICE_UNAVAILABLE,
            axum::Json(json!({"error": "unavailable", "message": "this server has no store, so no API keys"})),
        )
            .into_response();
    };
    match keys.list().await {
        Ok(list) => {
            let items: Vec<_> = list
                .into_iter()
                .map(|key| {
                    json!({
                        "id": key.id,
                        "user": key.user,
                        "team": key.team,
                        "role": key.role,
                        "created_at": key.created_at,
                        "expires_at": key.expires_at,
                        "revoked_at": key.revoked_at,
                        "last_used_at": key.last_used_at,
                    })
                })
                .collect();
            axum::Json(json!({ "keys": items })).into_response()
        }
        Err(err) => {
            tracing::warn!(error = %err, "cannot list API keys");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                axum::Json(
                    json!({"error": "unavailable", "message": "the key store did not answer"}),
                ),
            )
                .into_response()
        }
    }
}
