//! Admin-only HTTP endpoints: [`require_admin`] for any handler, and `GET /admin/keys`.

use axum::Extension;
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

/// `GET /admin/keys`: every API key (id, owner, team, role, times), never a hash or a key.
pub async fn list_keys(
    State(keys): State<Option<KeyStore>>,
    caller: Option<Extension<Caller>>,
) -> Response {
    let Some(Extension(caller)) = caller else {
        return (StatusCode::UNAUTHORIZED, "no caller").into_response();
    };
    if let Err(response) = require_admin(&caller.identity) {
        return response;
    }
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
