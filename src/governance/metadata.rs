//! RFC 9728 OAuth 2.0 Protected Resource Metadata at
//! `/.well-known/oauth-protected-resource` (and `…/mcp`, the path-suffixed form MCP clients
//! try first): the resource, its authorization servers, how to send the token.

use std::sync::Arc;

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::auth::Authenticator;

/// The well-known path.
pub const WELL_KNOWN: &str = "/.well-known/oauth-protected-resource";

/// `<scheme>://<host>` of this server as the request reached it: the configured resource's
/// origin, else the `Host` header (https when a proxy says `X-Forwarded-Proto: https`).
pub fn base_url(auth: &Authenticator, headers: &HeaderMap) -> String {
    if let Some(resource) = auth.metadata().and_then(|m| m.resource.as_deref())
        && let Ok(url) = url::Url::parse(resource)
    {
        return url.origin().ascii_serialization();
    }
    let host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("localhost");
    let scheme = headers
        .get("x-forwarded-proto")
        .and_then(|v| v.to_str().ok())
        .filter(|p| *p == "https")
        .unwrap_or("http");
    format!("{scheme}://{host}")
}

/// Where the metadata document is.
pub fn document_url(auth: &Authenticator, headers: &HeaderMap) -> String {
    format!("{}{WELL_KNOWN}", base_url(auth, headers))
}

/// The document.
pub fn document(auth: &Authenticator, headers: &HeaderMap) -> Value {
    let configured = auth.metadata();
    let resource = configured
        .and_then(|m| m.resource.clone())
        .unwrap_or_else(|| format!("{}/mcp", base_url(auth, headers)));
    let servers: Vec<String> = match configured {
        Some(m) => m.authorization_servers.clone(),
        None => auth.issuer().map(str::to_owned).into_iter().collect(),
    };
    let mut doc = json!({
        "resource": resource,
        "resource_name": "Switchyard",
        "bearer_methods_supported": ["header"],
    });
    if !servers.is_empty() {
        doc["authorization_servers"] = json!(servers);
    }
    if let Some(scopes) = configured.map(|m| &m.scopes_supported)
        && !scopes.is_empty()
    {
        doc["scopes_supported"] = json!(scopes);
    }
    doc
}

/// `GET /.well-known/oauth-protected-resource[/mcp]`: the document when authentication is
/// on, else 404 (nothing is protected).
pub async fn serve(State(auth): State<Arc<Authenticator>>, headers: HeaderMap) -> Response {
    if !auth.enabled() {
        return (
            StatusCode::NOT_FOUND,
            "no authentication is configured on this server",
        )
            .into_response();
    }
    axum::Json(document(&auth, &headers)).into_response()
}
