//! What an HTTP server with authentication shows: RFC 9728 metadata, a health answer without
//! details to strangers, non-loopback binding only with [auth], and legacy SSE sessions bound
//! to the caller that opened them.

use serde_json::json;

use crate::harness::{BASE_CONFIG, Workspace};

#[tokio::test]
async fn the_protected_resource_metadata_follows_rfc_9728() {
    let config = BASE_CONFIG.to_owned()
        + r#"
[auth.metadata]
authorization_servers = ["https://idp.example.com/"]
resource = "https://switchyard.example.com/mcp"
scopes_supported = ["mcp:tools"]
"#;
    let workspace = Workspace::new(&config);
    let server = workspace.serve("127.0.0.1:0").expect("serves");
    for path in [
        "/.well-known/oauth-protected-resource",
        "/.well-known/oauth-protected-resource/mcp",
    ] {
        let doc = server.get(path, None).await;
        assert_eq!(doc.status, 200, "{path}: {}", doc.text);
        assert_eq!(
            doc.body,
            json!({
                "resource": "https://switchyard.example.com/mcp",
                "resource_name": "Switchyard",
                "authorization_servers": ["https://idp.example.com/"],
                "bearer_methods_supported": ["header"],
                "scopes_supported": ["mcp:tools"],
            })
        );
    }
    let challenge = server
        .mcp(None, "tools/list", json!({}))
        .await
        .www_authenticate
        .expect("a challenge");
    assert_eq!(
        challenge,
        "Bearer resource_metadata=\"https://switchyard.example.com/.well-known/oauth-protected-resource\""
    );
}

#[tokio::test]
async fn health_tells_strangers_only_status_and_version() {
    let workspace = Workspace::new(BASE_CONFIG);
    let (_, key) = workspace.create_key(&["--user", "bob"]);
    let server = workspace.serve("127.0.0.1:0").expect("serves");
    let open = server.get("/healthz", None).await;
    assert_eq!(open.status, 200);
    assert_eq!(open.body["status"], "ok");
    assert!(open.body.get("connectors").is_none(), "{}", open.text);
    let full = server.get("/healthz", Some(&key)).await;
    assert!(full.body.get("connectors").is_some(), "{}", full.text);
    // Without [auth] the metadata document does not exist.
    let plain = Workspace::new("[delegate]\nenabled = false\n");
    let server = plain.serve("127.0.0.1:0").expect("serves");
    assert_eq!(
        server
            .get("/.well-known/oauth-protected-resource", None)
            .await
            .status,
        404
    );
    assert!(
        server
            .get("/healthz", None)
            .await
            .body
            .get("connectors")
            .is_some()
    );
}

#[tokio::test]
async fn non_loopback_addresses_need_auth() {
    let plain = Workspace::new("[delegate]\nenabled = false\n");
    let Err(stderr) = plain.serve("0.0.0.0:0") else {
        panic!("a non-loopback address was served without [auth]");
    };
    assert!(
        stderr.contains("refusing to listen on 0.0.0.0:0"),
        "{stderr}"
    );
    assert!(stderr.contains("[auth]"), "{stderr}");

    let workspace = Workspace::new(BASE_CONFIG);
    let (_, key) = workspace.create_key(&["--user", "bob"]);
    let server = workspace.serve("0.0.0.0:0").expect("serves with [auth]");
    assert_eq!(server.mcp(None, "tools/list", json!({})).await.status, 401);
    assert_eq!(
        server.mcp(Some(&key), "tools/list", json!({})).await.status,
        200
    );
}

#[tokio::test]
async fn an_sse_session_belongs_to_the_caller_that_opened_it() {
    let workspace = Workspace::new(BASE_CONFIG);
    let (_, owner) = workspace.create_key(&["--user", "bob", "--team", "payments"]);
    let (_, other) = workspace.create_key(&["--user", "eve"]);
    let server = workspace.serve("127.0.0.1:0").expect("serves");
    assert_eq!(server.get("/sse", None).await.status, 401);

    let mut stream = server
        .http
        .get(format!("{}/sse", server.base))
        .bearer_auth(&owner)
        .send()
        .await
        .expect("a stream");
    assert_eq!(stream.status().as_u16(), 200);
    let mut seen = String::new();
    while !seen.contains("sessionId=") {
        let chunk = stream.chunk().await.expect("reads").expect("an event");
        seen.push_str(&String::from_utf8_lossy(&chunk));
    }
    let endpoint = seen
        .lines()
        .find_map(|l| l.strip_prefix("data:"))
        .expect("the endpoint event")
        .trim()
        .to_owned();
    let post = |token: &str| {
        server
            .http
            .post(format!("{}{endpoint}", server.base))
            .bearer_auth(token)
            .header("content-type", "application/json")
            .body(
                json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
                    "protocolVersion": "2024-11-05", "capabilities": {},
                    "clientInfo": {"name": "t", "version": "0"}}})
                .to_string(),
            )
            .send()
    };
    let stolen = post(&other).await.expect("answers");
    assert_eq!(stolen.status().as_u16(), 403);
    let own = post(&owner).await.expect("answers");
    assert_eq!(own.status().as_u16(), 202);
    let unauthenticated = server
        .http
        .post(format!("{}{endpoint}", server.base))
        .body("{}")
        .send()
        .await
        .expect("answers");
    assert_eq!(unauthenticated.status().as_u16(), 401);
}

#[tokio::test]
async fn a_streamable_http_session_belongs_to_the_caller_that_opened_it() {
    let workspace = Workspace::new(BASE_CONFIG);
    let (_, owner) = workspace.create_key(&["--user", "bob", "--team", "payments"]);
    let (_, other) = workspace.create_key(&["--user", "eve"]);
    let server = workspace.serve("127.0.0.1:0").expect("serves");
    let post = |token: &str, session: Option<&str>, body: serde_json::Value| {
        let mut request = server
            .http
            .post(format!("{}/mcp", server.base))
            .bearer_auth(token)
            .header("content-type", "application/json")
            .header("accept", "application/json, text/event-stream")
            .body(body.to_string());
        if let Some(session) = session {
            request = request
                .header("mcp-session-id", session)
                .header("mcp-protocol-version", "2025-11-25");
        }
        request.send()
    };
    let opened = post(
        &owner,
        None,
        json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
            "protocolVersion": "2025-11-25", "capabilities": {},
            "clientInfo": {"name": "t", "version": "0"}}}),
    )
    .await
    .expect("answers");
    assert_eq!(opened.status().as_u16(), 200);
    let session = opened
        .headers()
        .get("mcp-session-id")
        .and_then(|v| v.to_str().ok())
        .expect("a session id")
        .to_owned();
    let initialized = json!({"jsonrpc": "2.0", "method": "notifications/initialized"});
    let list = json!({"jsonrpc": "2.0", "id": 2, "method": "tools/list"});
    assert_eq!(
        post(&owner, Some(&session), initialized)
            .await
            .expect("answers")
            .status()
            .as_u16(),
        202
    );
    let stolen = post(&other, Some(&session), list.clone())
        .await
        .expect("answers");
    assert_eq!(stolen.status().as_u16(), 403);
    let own = post(&owner, Some(&session), list).await.expect("answers");
    assert_eq!(own.status().as_u16(), 200);
    let text = own.text().await.expect("a body");
    assert!(
        text.contains("note_list") && !text.contains("\"note_add\""),
        "{text}"
    );
}
