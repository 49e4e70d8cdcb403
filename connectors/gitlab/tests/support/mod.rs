//! Shared test setup: a mock GitLab, a connector pointed at it, fixtures and argument helpers.

#![expect(
    clippy::expect_used,
    reason = "setup helpers fail the test loudly when the connector cannot be built"
)]

use serde_json::{Value, json};
use switchyard_core::{CallContext, Connector, ConnectorError, JsonObject, ToolOutput};
use switchyard_gitlab::{GitlabConnector, GitlabSettings, Sibling};
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockBuilder, MockServer, ResponseTemplate};

/// The token every test connector sends.
pub const TOKEN: &str = "glpat-TestTokenForMocks0000";
/// The project of most fixtures, and its encoded form.
pub const PROJECT: &str = "my-group/my-project";
pub const ENCODED: &str = "my-group%2Fmy-project";

/// A fixture's text.
pub fn fixture(name: &str) -> String {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|err| panic!("fixture {path}: {err}"))
}

/// A JSON fixture.
pub fn json_fixture(name: &str) -> Value {
    serde_json::from_str(&fixture(name)).unwrap_or_else(|err| panic!("fixture {name}: {err}"))
}

/// Tool arguments from a JSON object literal.
pub fn args(value: Value) -> JsonObject {
    match value {
        Value::Object(map) => map,
        other => panic!("arguments must be an object, not {other}"),
    }
}

/// Settings for instance `id` at the mock.
pub fn settings(server: &MockServer, id: &str) -> GitlabSettings {
    GitlabSettings::new(id, &server.uri(), switchyard_core::Secret::new(TOKEN))
}

/// The default test connector (`gitlab`, no allowlist, no writes).
pub fn connector(server: &MockServer) -> GitlabConnector {
    GitlabConnector::new(settings(server, "gitlab")).expect("connector builds")
}

/// A connector with writes on for `my-group/*`.
pub fn writer(server: &MockServer) -> GitlabConnector {
    let mut settings = settings(server, "gitlab");
    settings.writes = true;
    settings.projects = vec!["my-group/*".into()];
    GitlabConnector::new(settings).expect("connector builds")
}

/// A connector that knows another instance.
pub fn with_sibling(server: &MockServer) -> GitlabConnector {
    let mut settings = settings(server, "gitlab");
    settings.siblings = vec![Sibling {
        id: "corp".into(),
        host: "gitlab.corp.example.com".into(),
    }];
    GitlabConnector::new(settings).expect("connector builds")
}

/// A GET of `api_path` (below `/api/v4`) that carries our token.
pub fn get(api_path: &str) -> MockBuilder {
    Mock::given(method("GET"))
        .and(path(format!("/api/v4/{api_path}")))
        .and(header("authorization", format!("Bearer {TOKEN}").as_str()))
}

/// A JSON answer.
pub fn ok_json(body: &Value) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(body)
}

/// A JSON list answer with GitLab's paging headers.
pub fn page(body: &Value, page: usize, next: bool, total: Option<usize>) -> ResponseTemplate {
    let mut template = ResponseTemplate::new(200)
        .set_body_json(body)
        .insert_header("x-page", page.to_string().as_str())
        .insert_header(
            "x-next-page",
            if next {
                (page + 1).to_string()
            } else {
                String::new()
            }
            .as_str(),
        );
    if let Some(total) = total {
        template = template.insert_header("x-total", total.to_string().as_str());
    }
    template
}

/// Call a tool with the default context.
pub async fn call(
    connector: &GitlabConnector,
    tool: &str,
    arguments: Value,
) -> Result<ToolOutput, ConnectorError> {
    connector
        .call(tool, &args(arguments), &CallContext::for_tests())
        .await
}

/// Call a tool that must succeed.
pub async fn ok(connector: &GitlabConnector, tool: &str, arguments: Value) -> ToolOutput {
    call(connector, tool, arguments)
        .await
        .unwrap_or_else(|err| panic!("{tool} failed: {err}"))
}

/// The requests the mock received, as `METHOD path?query`.
pub async fn requests(server: &MockServer) -> Vec<String> {
    server
        .received_requests()
        .await
        .unwrap_or_default()
        .iter()
        .map(|r| match r.url.query() {
            Some(query) => format!("{} {}?{query}", r.method, r.url.path()),
            None => format!("{} {}", r.method, r.url.path()),
        })
        .collect()
}

/// `n` issues with bodies of `body_bytes` bytes.
pub fn issues(n: usize, body_bytes: usize) -> Value {
    let base = json_fixture("issue_get.json");
    Value::Array(
        (0..n)
            .map(|i| {
                let mut issue = base.clone();
                issue["iid"] = json!(100 + i);
                issue["title"] = json!(format!("Generated issue {i}"));
                issue["description"] = json!("lorem ipsum dolor ".repeat(body_bytes / 18 + 1));
                issue
            })
            .collect(),
    )
}
