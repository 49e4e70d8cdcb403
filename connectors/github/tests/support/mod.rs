//! Helpers: a mock GitHub, connectors pointed at it, fixtures and calls.

#![expect(clippy::unwrap_used, reason = "test helpers fail the test loudly")]

use std::time::Duration;

use serde_json::Value;
use switchyard_core::{
    CallContext, Connector, ConnectorError, JsonObject, ResponseBudget, Secret, ToolOutput,
};
use switchyard_github::{GithubConnector, GithubSettings, Sibling};
use wiremock::MockServer;

/// The token every test connector sends.
pub const TOKEN: &str = "ghp_test_token_0123456789";

/// `Authorization: Bearer <TOKEN>`.
pub fn bearer() -> String {
    format!("Bearer {TOKEN}")
}

/// rustls needs a process-wide provider; the server installs ring in `main`.
pub fn crypto() {
    let _ = rustls::crypto::ring::default_provider().install_default();
}

/// A fresh mock upstream.
pub async fn upstream() -> MockServer {
    crypto();
    MockServer::start().await
}

/// Settings for instance `github` at the mock.
pub fn settings(server: &MockServer) -> GithubSettings {
    let mut settings = GithubSettings::new("github", &server.uri(), Secret::new(TOKEN));
    settings.request_timeout = Duration::from_secs(5);
    settings
}

/// A read-only connector for the mock.
pub fn connector(server: &MockServer) -> GithubConnector {
    GithubConnector::new(settings(server)).unwrap()
}

/// A connector with writes on, limited to `repos`.
pub fn writer(server: &MockServer, repos: &[&str]) -> GithubConnector {
    let mut settings = settings(server);
    settings.writes = true;
    settings.repos = repos.iter().map(|r| (*r).to_owned()).collect();
    GithubConnector::new(settings).unwrap()
}

/// Another instance named in not-found messages.
pub fn sibling(id: &str, host: &str) -> Sibling {
    Sibling {
        id: id.to_owned(),
        host: host.to_owned(),
    }
}

/// A fixture file's text.
pub fn fixture(name: &str) -> String {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|err| panic!("{path}: {err}"))
}

/// A fixture file as JSON.
pub fn fixture_json(name: &str) -> Value {
    serde_json::from_str(&fixture(name)).unwrap()
}

/// Arguments from a JSON object literal.
pub fn args(value: Value) -> JsonObject {
    match value {
        Value::Object(map) => map,
        other => panic!("arguments must be an object, not {other}"),
    }
}

/// Call a tool that must succeed.
pub async fn call(connector: &GithubConnector, tool: &str, value: Value) -> ToolOutput {
    connector
        .call(tool, &args(value), &CallContext::for_tests())
        .await
        .unwrap_or_else(|err| panic!("{tool} failed: {err}"))
}

/// Call a tool with a budget of `tokens`.
pub async fn call_with_budget(
    connector: &GithubConnector,
    tool: &str,
    value: Value,
    tokens: usize,
) -> ToolOutput {
    let ctx = CallContext::for_tests().with_budget(ResponseBudget::tokens(tokens));
    connector
        .call(tool, &args(value), &ctx)
        .await
        .unwrap_or_else(|err| panic!("{tool} failed: {err}"))
}

/// Call a tool that must fail.
pub async fn fail(connector: &GithubConnector, tool: &str, value: Value) -> ConnectorError {
    match connector
        .call(tool, &args(value), &CallContext::for_tests())
        .await
    {
        Ok(output) => panic!("{tool} succeeded: {}", output.text),
        Err(err) => {
            switchyard_core::testkit::assert_error_actionable(&err);
            err
        }
    }
}

/// How many requests the mock received.
pub async fn requests(server: &MockServer) -> usize {
    server.received_requests().await.map_or(0, |r| r.len())
}

/// `n` issue comments with bodies of `size` bytes.
pub fn comments(n: usize, size: usize) -> Value {
    let list: Vec<Value> = (0..n)
        .map(|i| {
            serde_json::json!({
                "id": 1000 + i,
                "user": {"login": format!("user{i}")},
                "body": format!("comment {i} ") + &"word ".repeat(size / 5),
                "created_at": "2025-01-15T08:00:00Z",
            })
        })
        .collect();
    Value::Array(list)
}

/// A `Link` header naming a next page.
pub fn link_next(server: &MockServer, path: &str) -> String {
    format!("<{}{path}?page=2>; rel=\"next\"", server.uri())
}

/// A cursor with its JSON changed by `edit`, as a caller could do by hand.
pub fn edited_cursor(cursor: &str, edit: impl FnOnce(&mut Value)) -> String {
    use base64::Engine as _;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let mut value: Value =
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(cursor).unwrap()).unwrap();
    edit(&mut value);
    URL_SAFE_NO_PAD.encode(serde_json::to_vec(&value).unwrap())
}

/// A connector for the mock with instance id `id`.
pub fn connector_named(server: &MockServer, id: &str) -> GithubConnector {
    let mut settings = settings(server);
    settings.id = id.to_owned();
    GithubConnector::new(settings).unwrap()
}

/// The query parameters of the `index`th request the mock received.
pub async fn query_of(server: &MockServer, index: usize) -> Vec<(String, String)> {
    let requests = server.received_requests().await.unwrap();
    requests[index]
        .url
        .query_pairs()
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}
