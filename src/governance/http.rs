//! `GET /usage?by=team&since=30d[&until=…]` (the chargeback report as JSON) and
//! `GET /metrics` (Prometheus). With authentication configured both are for administrators
//! (a Prometheus scraper uses an admin key as its bearer token); without it the server
//! listens on loopback only and serves them to the local user.

use std::sync::Arc;

use super::metrics::CONTENT_TYPE;
use super::usage::{UsageQuery, report};
use super::{Caller, Credential, Meter, require_admin};
use axum::extract::{Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Json, Response};
use serde::Deserialize;
use serde_json::json;

/// The query of `/usage`.
#[derive(Debug, Deserialize)]
pub struct UsageParams {
    /// The grouping (default `team`).
    by: Option<String>,
    /// From (default `30d`).
    since: Option<String>,
    /// To (default now).
    until: Option<String>,
}

/// Why the caller may not read these (admins only when the caller authenticated; the local
/// user when authentication is off), or None.
fn refusal(caller: Option<&Caller>) -> Option<Response> {
    match caller {
        Some(caller) if caller.credential != Credential::Local => {
            require_admin(&caller.identity).err()
        }
        _ => None,
    }
}

/// `GET /usage`.
pub async fn usage(
    State(governance): State<Arc<Meter>>,
    caller: Option<axum::Extension<Caller>>,
    Query(params): Query<UsageParams>,
) -> Response {
    if let Some(refused) = refusal(caller.as_deref()) {
        return refused;
    }
    let query = match UsageQuery::parse(
        params.by.as_deref().unwrap_or("team"),
        params.since.as_deref().unwrap_or("30d"),
        params.until.as_deref(),
        governance.clock().now_ms(),
    ) {
        Ok(query) => query,
        Err(err) => {
            return (
                StatusCode::BAD_REQUEST,
                Json(json!({"error": err.to_string()})),
            )
                .into_response();
        }
    };
    match report(governance.ledger(), &query).await {
        Ok(report) => Json(report).into_response(),
        Err(err) => {
            tracing::error!(error = %err, "usage report failed");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Json(json!({"error": "the ledger cannot be read; see the server log"})),
            )
                .into_response()
        }
    }
}

/// `GET /metrics`.
pub async fn metrics(
    State(governance): State<Arc<Meter>>,
    caller: Option<axum::Extension<Caller>>,
) -> Response {
    if let Some(refused) = refusal(caller.as_deref()) {
        return refused;
    }
    (
        [(header::CONTENT_TYPE, CONTENT_TYPE)],
        governance.scrape().await,
    )
        .into_response()
}
