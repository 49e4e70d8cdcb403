//! `GET /usage?by=team&since=30d[&until=…]` (the chargeback report as JSON; administrators
//! only when the request carries an identity) and `GET /metrics` (Prometheus).

use std::sync::Arc;

use axum::extract::{Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Json, Response};
use serde::Deserialize;
use serde_json::json;
use switchyard_core::{Identity, Role};

use super::Meter;
use super::metrics::CONTENT_TYPE;
use super::usage::{UsageQuery, report};

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

/// `GET /usage`. Authentication, when configured, puts the caller's [`Identity`] in the
/// request's extensions: then only an admin may read the report. Without one (no
/// authentication configured: loopback only) the report is served.
pub async fn usage(
    State(governance): State<Arc<Meter>>,
    identity: Option<axum::Extension<Identity>>,
    Query(params): Query<UsageParams>,
) -> Response {
    if let Some(axum::Extension(identity)) = identity
        && identity.role != Role::Admin
    {
        return (
            StatusCode::FORBIDDEN,
            Json(json!({"error": format!("the usage report is for administrators; {} is a {}", identity.user, identity.role.as_str())})),
        )
            .into_response();
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
pub async fn metrics(State(governance): State<Arc<Meter>>) -> Response {
    (
        [(header::CONTENT_TYPE, CONTENT_TYPE)],
        governance.scrape().await,
    )
        .into_response()
}
