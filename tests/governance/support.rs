//! A mock OpenAI-compatible provider, an in-process Switchyard over HTTP built from a config
//! text, and a 2026-07-28 `tools/call` client.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use axum::Json;
use axum::Router;
use axum::routing::{get, post};
use serde_json::{Value, json};
use switchyard::app::{App, Overrides};
use switchyard::config::{ConfigSource, Loaded, load::parse};
use switchyard::mcp::SwitchyardServer;
use switchyard_core::Identity;
use tokio_util::sync::CancellationToken;

/// The usage every mock answer reports.
pub const PROMPT_TOKENS: u64 = 10;
/// The usage every mock answer reports.
pub const COMPLETION_TOKENS: u64 = 100;

/// A mock provider answering every chat completion (after `delay`), counting the calls.
pub struct MockProvider {
    pub addr: SocketAddr,
    pub calls: Arc<AtomicU64>,
}

pub async fn mock_provider(delay: Duration) -> MockProvider {
    let calls = Arc::new(AtomicU64::new(0));
    let counter = Arc::clone(&calls);
    let app = Router::new()
        .route(
            "/v1/chat/completions",
            post(move |Json(body): Json<Value>| {
                let counter = Arc::clone(&counter);
                async move {
                    counter.fetch_add(1, Ordering::SeqCst);
                    if !delay.is_zero() {
                        tokio::time::sleep(delay).await;
                    }
                    let model = body["model"].as_str().unwrap_or("unknown").to_owned();
                    Json(json!({
                        "id": "chatcmpl-test",
                        "object": "chat.completion",
                        "created": 1_700_000_000,
                        "model": model,
                        "choices": [{
                            "index": 0,
                            "message": {"role": "assistant", "content": format!("answer from {model}")},
                            "finish_reason": "stop"
                        }],
                        "usage": {
                            "prompt_tokens": PROMPT_TOKENS,
                            "completion_tokens": COMPLETION_TOKENS,
                            "total_tokens": PROMPT_TOKENS + COMPLETION_TOKENS
                        }
                    }))
                }
            }),
        )
        .route(
            "/v1/models",
            get(|| async { Json(json!({"object": "list", "data": []})) }),
        );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind the mock");
    let addr = listener.local_addr().expect("mock address");
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    MockProvider { addr, calls }
}

/// The provider and two priced models (cheap: fast tier; dear: frontier tier).
pub fn models_config(mock: SocketAddr) -> String {
    format!(
        r#"
[providers.mock]
type = "openai"
base_url = "http://{mock}/v1"
max_retries = 0

[models.cheap]
provider = "mock"
model = "cheap"
tier = "fast"
input_usd_per_mtok = 1.0
output_usd_per_mtok = 2.0
data_classes = ["public", "internal"]

[models.dear]
provider = "mock"
model = "dear"
tier = "frontier"
input_usd_per_mtok = 10.0
output_usd_per_mtok = 20.0
data_classes = ["public", "internal"]

[delegate.tasks.summarize]
candidates = ["dear", "cheap"]

[notes]
enabled = false
"#
    )
}

/// A running in-process server.
pub struct Served {
    pub app: App,
    pub url: String,
    pub base: String,
    shutdown: CancellationToken,
    pub data: tempfile::TempDir,
}

impl Drop for Served {
    fn drop(&mut self) {
        self.shutdown.cancel();
    }
}

/// Build the app from `config` and serve it over HTTP as `identity` (when given), with
/// `layer` (e.g. inserting an Identity into requests) around the router.
pub async fn serve(
    config: &str,
    identity: Option<Identity>,
    wrap: impl FnOnce(Router) -> Router,
) -> Served {
    let data = tempfile::tempdir().expect("temp dir");
    let parsed = parse(config).expect("config parses");
    let overrides = Overrides {
        repos: Vec::new(),
        data_dir: Some(data.path().to_path_buf()),
        conformance: false,
        needs_store: false,
    };
    let app = App::build(
        Loaded::from_config(parsed, ConfigSource::Embedded),
        &overrides,
    )
    .await
    .expect("app builds");
    let server = match identity {
        Some(identity) => SwitchyardServer::new(
            Arc::clone(&app.registry),
            identity,
            Duration::from_secs(30),
            app.governance().clone(),
        ),
        None => app.server(),
    };
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("address");
    let shutdown = CancellationToken::new();
    let router = wrap(switchyard::transport::http::router(
        server,
        addr,
        &app.http_options(),
        shutdown.clone(),
    ));
    let stop = shutdown.clone();
    tokio::spawn(async move {
        let _ = axum::serve(listener, router)
            .with_graceful_shutdown(async move { stop.cancelled().await })
            .await;
    });
    Served {
        app,
        url: format!("http://{addr}/mcp"),
        base: format!("http://{addr}"),
        shutdown,
        data,
    }
}

/// One 2026-07-28 `tools/call`; returns the JSON-RPC `result`.
pub async fn call(client: &reqwest::Client, url: &str, tool: &str, arguments: Value) -> Value {
    let response = client
        .post(url)
        .header("Accept", "application/json, text/event-stream")
        .header("MCP-Protocol-Version", "2026-07-28")
        .header("Mcp-Method", "tools/call")
        .header("Mcp-Name", tool)
        .json(&json!({
            "jsonrpc": "2.0",
            "id": 1,
            "method": "tools/call",
            "params": {
                "name": tool,
                "arguments": arguments,
                "_meta": {
                    "io.modelcontextprotocol/protocolVersion": "2026-07-28",
                    "io.modelcontextprotocol/clientInfo": {"name": "governance-test", "version": "0"},
                    "io.modelcontextprotocol/clientCapabilities": {}
                }
            }
        }))
        .send()
        .await
        .expect("the server answers");
    let status = response.status();
    let body = response.text().await.expect("a body");
    assert_eq!(status, 200, "tools/call {tool}: {body}");
    let value: Value = serde_json::from_str(&body).expect("a JSON body");
    value
        .get("result")
        .cloned()
        .unwrap_or_else(|| panic!("no result: {value}"))
}

/// The text of a tool result.
pub fn text(result: &Value) -> String {
    result["content"]
        .as_array()
        .map(|blocks| {
            blocks
                .iter()
                .filter_map(|b| b["text"].as_str())
                .collect::<Vec<_>>()
                .join("\n")
        })
        .unwrap_or_default()
}

/// Whether a tool result is an error.
pub fn is_error(result: &Value) -> bool {
    result["isError"] == Value::Bool(true)
}

/// A delegation's arguments.
pub fn delegation(n: usize, model: Option<&str>) -> Value {
    let mut args = json!({
        "task": "summarize",
        "instructions": format!("Summarize build log {n} in one sentence."),
        "input": "step 1 ok\nstep 2 FAILED: the test database was not running\n",
        "max_output_tokens": COMPLETION_TOKENS,
        "priorities": {"quality": 1}
    });
    if let Some(model) = model {
        args["model"] = json!(model);
    }
    args
}

/// The audit log of a served app, oldest first.
pub async fn audit_log(served: &Served) -> Vec<switchyard::store::AuditRecord> {
    served
        .app
        .store
        .as_ref()
        .expect("a store")
        .audit()
        .recent(1_000)
        .await
        .expect("the audit log")
}
