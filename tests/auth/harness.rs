//! A `switchyard serve --http` process in a temporary directory (not a git repository, so
//! the tools are notes, context and whatever the config adds), its stderr captured whole.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

/// The binary under test.
pub const BIN: &str = env!("CARGO_BIN_EXE_switchyard");

/// A temporary directory holding the config and the data directory.
pub struct Workspace {
    pub dir: tempfile::TempDir,
}

impl Workspace {
    /// A workspace with this config (written to `switchyard.toml`).
    pub fn new(config: &str) -> Workspace {
        let dir = tempfile::tempdir().expect("a temporary directory");
        std::fs::write(dir.path().join("switchyard.toml"), config).expect("config written");
        Workspace { dir }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    pub fn config(&self) -> PathBuf {
        self.path().join("switchyard.toml")
    }

    pub fn data(&self) -> PathBuf {
        self.path().join("data")
    }

    /// Run `switchyard <args> --config … --data-dir …`: (success, stdout, stderr).
    pub fn run(&self, args: &[&str]) -> (bool, String, String) {
        let output = Command::new(BIN)
            .args(args)
            .arg("--config")
            .arg(self.config())
            .arg("--data-dir")
            .arg(self.data())
            .current_dir(self.path())
            .env_remove("RUST_LOG")
            .output()
            .expect("the binary runs");
        (
            output.status.success(),
            String::from_utf8_lossy(&output.stdout).into_owned(),
            String::from_utf8_lossy(&output.stderr).into_owned(),
        )
    }

    /// `keys create` with these arguments: (id, key).
    pub fn create_key(&self, args: &[&str]) -> (String, String) {
        let mut all = vec!["keys", "create"];
        all.extend_from_slice(args);
        let (ok, stdout, stderr) = self.run(&all);
        assert!(ok, "keys create failed: {stderr}");
        let key = stdout
            .lines()
            .find(|line| line.starts_with("sy_"))
            .expect("the key is printed")
            .to_owned();
        let id = key.split('_').nth(1).expect("an id").to_owned();
        (id, key)
    }

    /// Start `serve --http addr` with `RUST_LOG=debug`.
    pub fn serve(&self, addr: &str) -> Result<Server, String> {
        let mut child = Command::new(BIN)
            .args(["serve", "--http", addr, "--config"])
            .arg(self.config())
            .arg("--data-dir")
            .arg(self.data())
            .current_dir(self.path())
            .env("RUST_LOG", "debug")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("the server starts");
        let stderr = Arc::new(Mutex::new(String::new()));
        let pipe = child.stderr.take().expect("stderr is piped");
        let sink = Arc::clone(&stderr);
        std::thread::spawn(move || {
            for line in BufReader::new(pipe).lines() {
                let Ok(line) = line else { break };
                let mut all = sink.lock().expect("stderr lock");
                all.push_str(&line);
                all.push('\n');
            }
        });
        let started = Instant::now();
        loop {
            let text = stderr.lock().expect("stderr lock").clone();
            if let Some(rest) = text.split("listening on http://").nth(1) {
                let bound = rest.split('/').next().expect("an address").to_owned();
                let port = bound.rsplit(':').next().expect("a port").to_owned();
                return Ok(Server {
                    child,
                    base: format!("http://127.0.0.1:{port}"),
                    stderr,
                    http: {
                        switchyard::delegate::provider::http::install_crypto_provider();
                        reqwest::Client::new()
                    },
                });
            }
            if let Ok(Some(_)) = child.try_wait() {
                std::thread::sleep(Duration::from_millis(100));
                return Err(stderr.lock().expect("stderr lock").clone());
            }
            assert!(
                started.elapsed() < Duration::from_secs(30),
                "the server did not start: {text}"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

/// A running server.
pub struct Server {
    child: Child,
    pub base: String,
    stderr: Arc<Mutex<String>>,
    pub http: reqwest::Client,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// What an MCP call answered.
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub www_authenticate: Option<String>,
    pub body: Value,
    pub text: String,
}

const MODERN: &str = "2026-07-28";

impl Server {
    /// Everything the server wrote to stderr so far.
    pub fn stderr(&self) -> String {
        self.stderr.lock().expect("stderr lock").clone()
    }

    /// A stateless (2026-07-28) MCP request with an optional bearer token.
    pub async fn mcp(&self, token: Option<&str>, method: &str, params: Value) -> Answer {
        let mut params = params;
        params["_meta"] = json!({
            "io.modelcontextprotocol/protocolVersion": MODERN,
            "io.modelcontextprotocol/clientInfo": {"name": "auth-test", "version": "0"},
            "io.modelcontextprotocol/clientCapabilities": {},
        });
        let mut request = self
            .http
            .post(format!("{}/mcp", self.base))
            .header("content-type", "application/json")
            .header("accept", "application/json, text/event-stream")
            .header("mcp-protocol-version", MODERN)
            .header("mcp-method", method);
        if let Some(name) = params
            .get("name")
            .or_else(|| params.get("uri"))
            .and_then(Value::as_str)
        {
            request = request.header("mcp-name", name.to_owned());
        }
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        let response = request
            .json(&json!({"jsonrpc": "2.0", "id": 1, "method": method, "params": params}))
            .send()
            .await
            .expect("the server answers");
        answer(response).await
    }

    /// A GET with an optional bearer token.
    pub async fn get(&self, path: &str, token: Option<&str>) -> Answer {
        let mut request = self.http.get(format!("{}{path}", self.base));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        answer(request.send().await.expect("the server answers")).await
    }

    /// The tool names `tools/list` shows this token.
    pub async fn tool_names(&self, token: &str) -> Vec<String> {
        let answer = self.mcp(Some(token), "tools/list", json!({})).await;
        assert_eq!(answer.status, 200, "{}", answer.text);
        answer.body["result"]["tools"]
            .as_array()
            .expect("a tool list")
            .iter()
            .map(|t| t["name"].as_str().expect("a name").to_owned())
            .collect()
    }

    /// Call a tool.
    pub async fn call(&self, token: &str, tool: &str, arguments: Value) -> Answer {
        self.mcp(
            Some(token),
            "tools/call",
            json!({"name": tool, "arguments": arguments}),
        )
        .await
    }
}

async fn answer(response: reqwest::Response) -> Answer {
    let status = response.status().as_u16();
    let www_authenticate = response
        .headers()
        .get("www-authenticate")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let sse = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/event-stream"));
    let text = response.text().await.expect("a body");
    let json_text = if sse {
        text.lines()
            .filter_map(|l| l.strip_prefix("data:"))
            .map(str::trim)
            .rfind(|l| !l.is_empty())
            .unwrap_or_default()
            .to_owned()
    } else {
        text.clone()
    };
    let body = serde_json::from_str(&json_text).unwrap_or(Value::Null);
    Answer {
        status,
        www_authenticate,
        body,
        text,
    }
}

/// The audit log of a workspace's store.
pub async fn audit_rows(workspace: &Workspace) -> Vec<switchyard::store::AuditRecord> {
    switchyard::store::Store::open(&workspace.data())
        .await
        .expect("store opens")
        .audit()
        .recent(10_000)
        .await
        .expect("audit rows")
}

/// The config every test starts from: API keys on, no delegation (no model probing), and a
/// team whose policy denies `note_add`.
pub const BASE_CONFIG: &str = r#"
[delegate]
enabled = false

[auth]

[departments.fin]
name = "Finance"

[teams.payments]
department = "fin"
admins = ["alice"]

[teams.payments.policy]
deny_tools = ["note_add"]

[teams.readers.policy]
writes = false
"#;
