//! Tokens never leave the server: not in its debug logs, not in the audit log, not in any
//! answer, whether the token is good, bad, revoked or a JWT.

use serde_json::json;

use crate::harness::{BASE_CONFIG, Workspace, audit_rows};
use crate::tokens::{TestKey, claims, jwks, jwt_config};

#[tokio::test]
async fn no_token_appears_in_logs_audit_rows_or_answers() {
    let key = TestKey::new("k1");
    let workspace = Workspace::new(&(BASE_CONFIG.to_owned() + &jwt_config("jwks.json")));
    std::fs::write(
        workspace.path().join("jwks.json"),
        jwks(&[&key]).to_string(),
    )
    .expect("jwks written");
    let (_, good) = workspace.create_key(&["--user", "bob", "--team", "payments"]);
    let (revoked_id, revoked) = workspace.create_key(&["--user", "carl"]);
    assert!(workspace.run(&["keys", "revoke", &revoked_id]).0);
    let forged = format!("sy_{}_{}", "ab".repeat(6), "cd".repeat(32));
    let jwt = key.sign(&claims("dora", "payments"));
    let bad_jwt = TestKey::new("k1").sign(&claims("dora", "payments"));
    let server = workspace.serve("127.0.0.1:0").expect("serves");

    let mut answers = String::new();
    for token in [&good, &revoked, &forged, &jwt, &bad_jwt] {
        for answer in [
            server.mcp(Some(token), "tools/list", json!({})).await,
            server.call(token, "note_add", json!({"text": "x"})).await,
            server.call(token, "no_such_tool", json!({})).await,
            server.get("/admin/keys", Some(token)).await,
            server.get("/healthz", Some(token)).await,
        ] {
            answers.push_str(&answer.text);
            answers.push_str(answer.www_authenticate.as_deref().unwrap_or_default());
        }
    }
    let stderr = server.stderr();
    assert!(stderr.contains("DEBUG"), "debug logging is on: {stderr}");
    let rows = audit_rows(&workspace).await;
    assert!(rows.iter().any(|r| r.event == "policy_denied"), "{rows:?}");
    assert!(
        rows.iter()
            .any(|r| r.event == "auth_failed" && r.detail.contains("revoked")),
        "{rows:?}"
    );
    let audit = format!("{rows:?}");
    for token in [&good, &revoked, &forged, &jwt, &bad_jwt] {
        // The secret half of a key, or a JWT's signature, is never anywhere.
        let secret = token.rsplit(['_', '.']).next().expect("a secret part");
        for (place, text) in [
            ("stderr", &stderr),
            ("audit", &audit),
            ("answers", &answers),
        ] {
            assert!(!text.contains(token.as_str()), "a token is in {place}");
            assert!(
                !text.contains(secret),
                "a token's secret part is in {place}"
            );
        }
    }
}
