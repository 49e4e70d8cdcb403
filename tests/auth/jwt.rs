//! JWTs: from a JWKS file, and from a JWKS URL (wiremock) fetched on first use and again
//! when a new `kid` arrives, at most once per `min_refresh_secs`. Issuer, audience, expiry
//! and signature are each checked.

use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::harness::{BASE_CONFIG, Workspace};
use crate::tokens::{TestKey, claims, jwks, jwt_config, now_plus};

#[tokio::test]
async fn tokens_from_a_jwks_file_are_verified_claim_by_claim() {
    let key = TestKey::new("k1");
    let workspace = Workspace::new(&(BASE_CONFIG.to_owned() + &jwt_config("jwks.json")));
    std::fs::write(
        workspace.path().join("jwks.json"),
        jwks(&[&key]).to_string(),
    )
    .expect("jwks written");
    let server = workspace.serve("127.0.0.1:0").expect("serves");

    let good = key.sign(&claims("bob", "payments"));
    let names = server.tool_names(&good).await;
    assert!(
        !names.iter().any(|n| n == "note_add"),
        "payments policy applies: {names:?}"
    );
    assert!(names.iter().any(|n| n == "note_list"), "{names:?}");

    let mut admin_claims = claims("zed", "payments");
    admin_claims["role"] = json!("admin");
    let admin = key.sign(&admin_claims);
    assert_eq!(server.get("/admin/keys", Some(&admin)).await.status, 200);
    assert_eq!(server.get("/admin/keys", Some(&good)).await.status, 403);
    // A list of roles (as some identity providers write them) containing "admin".
    let mut listed = claims("yan", "payments");
    listed["role"] = json!(["reader", "admin"]);
    assert_eq!(
        server
            .get("/admin/keys", Some(&key.sign(&listed)))
            .await
            .status,
        200
    );

    let impostor = TestKey::new("k1");
    let mut expired = claims("bob", "payments");
    expired["exp"] = json!(now_plus(-3600));
    let mut wrong_issuer = claims("bob", "payments");
    wrong_issuer["iss"] = json!("https://evil.example.com/");
    let mut wrong_audience = claims("bob", "payments");
    wrong_audience["aud"] = json!("someone-else");
    let mut no_user = claims("bob", "payments");
    no_user.as_object_mut().expect("claims").remove("sub");
    let mut no_exp = claims("bob", "payments");
    no_exp.as_object_mut().expect("claims").remove("exp");
    let long_user = claims(&"j".repeat(257), "payments");
    let forged_line = claims("jay\nFAKE LOG LINE", "payments");
    let spaced_team = claims("jay", "pay ments");
    let cases = [
        (
            impostor.sign(&claims("bob", "payments")),
            "signature is invalid",
        ),
        (key.sign(&expired), "expired"),
        (key.sign(&wrong_issuer), "another issuer"),
        (key.sign(&wrong_audience), "another audience"),
        (key.sign(&no_user), "sub claim"),
        (key.sign(&no_exp), "lacks a valid exp claim"),
        (
            key.sign(&long_user),
            "sub claim is longer than 256 characters",
        ),
        (
            key.sign(&forged_line),
            "sub claim contains control characters",
        ),
        (
            key.sign(&spaced_team),
            "team claim is not a valid team name",
        ),
        (
            TestKey::new("k9").sign(&claims("bob", "payments")),
            "key the server does not know",
        ),
        (hmac_token(&key), "algorithm is not accepted"),
    ];
    for (token, expected) in &cases {
        let answer = server.mcp(Some(token), "tools/list", json!({})).await;
        assert_eq!(answer.status, 401, "{expected}: {}", answer.text);
        let description = answer.body["error_description"]
            .as_str()
            .unwrap_or_default();
        assert!(description.contains(expected), "{expected}: {description}");
        assert!(
            answer
                .www_authenticate
                .as_deref()
                .is_some_and(|c| c.contains("error=\"invalid_token\"")),
            "{answer:?}"
        );
        assert!(!answer.text.contains(token.as_str()));
        assert!(!answer.text.contains("FAKE LOG LINE") && !answer.text.contains("jjjj"));
    }
    assert!(!server.stderr().contains("FAKE LOG LINE"));
}

#[tokio::test]
async fn unknown_teams_deny_refuses_tokens_and_keys_of_undeclared_teams() {
    let key = TestKey::new("k1");
    let config = BASE_CONFIG.replace("[auth]\n", "[auth]\nunknown_teams = \"deny\"\n");
    let workspace = Workspace::new(&(config + &jwt_config("jwks.json")));
    std::fs::write(
        workspace.path().join("jwks.json"),
        jwks(&[&key]).to_string(),
    )
    .expect("jwks written");
    let (_, ghost_key) = workspace.create_key(&["--user", "gus", "--team", "ghosts"]);
    let server = workspace.serve("127.0.0.1:0").expect("serves");

    let declared = key.sign(&claims("bob", "payments"));
    assert_eq!(
        server
            .mcp(Some(&declared), "tools/list", json!({}))
            .await
            .status,
        200
    );
    for token in [key.sign(&claims("bob", "Payments")), ghost_key] {
        let answer = server.mcp(Some(&token), "tools/list", json!({})).await;
        assert_eq!(answer.status, 401, "{}", answer.text);
        let description = answer.body["error_description"]
            .as_str()
            .unwrap_or_default();
        assert!(
            description.contains("is not declared in this server's [teams]")
                && description.contains("unknown_teams = \"deny\""),
            "{description}"
        );
    }
}

#[tokio::test]
async fn two_authorization_headers_are_refused() {
    let key = TestKey::new("k1");
    let workspace = Workspace::new(&(BASE_CONFIG.to_owned() + &jwt_config("jwks.json")));
    std::fs::write(
        workspace.path().join("jwks.json"),
        jwks(&[&key]).to_string(),
    )
    .expect("jwks written");
    let server = workspace.serve("127.0.0.1:0").expect("serves");
    let admin = key.sign(&claims("alice", "payments"));
    let member = key.sign(&claims("bob", "payments"));
    assert_eq!(server.get("/admin/keys", Some(&admin)).await.status, 200);
    let response = server
        .http
        .get(format!("{}/admin/keys", server.base))
        .header("authorization", format!("Bearer {admin}"))
        .header("authorization", format!("Bearer {member}"))
        .send()
        .await
        .expect("the server answers");
    assert_eq!(response.status().as_u16(), 401);
    let text = response.text().await.expect("a body");
    assert!(text.contains("send one Authorization header"), "{text}");
}

#[tokio::test]
async fn a_jwks_url_is_fetched_on_demand_and_refreshed_for_a_new_kid() {
    let first = TestKey::new("first");
    let second = TestKey::new("second");
    let idp = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/jwks.json"))
        .respond_with(ResponseTemplate::new(200).set_body_json(jwks(&[&first])))
        .up_to_n_times(1)
        .mount(&idp)
        .await;
    Mock::given(method("GET"))
        .and(path("/jwks.json"))
        .respond_with(ResponseTemplate::new(200).set_body_json(jwks(&[&first, &second])))
        .mount(&idp)
        .await;
    let url = format!("{}/jwks.json", idp.uri());
    let workspace = Workspace::new(&(BASE_CONFIG.to_owned() + &jwt_config(&url)));
    let server = workspace.serve("127.0.0.1:0").expect("serves");
    let fetches = || async { idp.received_requests().await.map_or(0, |r| r.len()) };
    assert_eq!(fetches().await, 0, "the key set is fetched on first use");

    let token = first.sign(&claims("bob", "payments"));
    assert_eq!(
        server
            .mcp(Some(&token), "tools/list", json!({}))
            .await
            .status,
        200
    );
    assert_eq!(
        server
            .mcp(Some(&token), "tools/list", json!({}))
            .await
            .status,
        200
    );
    assert_eq!(fetches().await, 1, "a known kid is served from the cache");

    // A rotated-in key: refreshed once the minimum interval (1 s here) has passed.
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    let rotated = second.sign(&claims("bob", "payments"));
    assert_eq!(
        server
            .mcp(Some(&rotated), "tools/list", json!({}))
            .await
            .status,
        200
    );
    assert_eq!(fetches().await, 2);

    // A flood of unknown kids right after a fetch does not reach the identity provider.
    let stranger = TestKey::new("stranger");
    for _ in 0..5 {
        let answer = server
            .mcp(
                Some(&stranger.sign(&claims("x", "y"))),
                "tools/list",
                json!({}),
            )
            .await;
        assert_eq!(answer.status, 401);
    }
    assert_eq!(fetches().await, 2, "unknown kids are rate-limited");
}

/// An HS256 token "signed" with the public JWK as the secret: the classic algorithm-confusion
/// attack on servers that let the header choose the algorithm.
fn hmac_token(key: &TestKey) -> String {
    let mut header = jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256);
    header.kid = Some(key.kid.clone());
    let secret = key.jwk().to_string();
    jsonwebtoken::encode(
        &header,
        &claims("bob", "payments"),
        &jsonwebtoken::EncodingKey::from_secret(secret.as_bytes()).expect("a secret"),
    )
    .expect("signed")
}

#[tokio::test]
async fn an_unreachable_key_set_is_a_503_not_a_bad_token() {
    let idp = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/jwks.json"))
        .respond_with(ResponseTemplate::new(500))
        .mount(&idp)
        .await;
    let url = format!("{}/jwks.json", idp.uri());
    let workspace = Workspace::new(&(BASE_CONFIG.to_owned() + &jwt_config(&url)));
    let server = workspace.serve("127.0.0.1:0").expect("serves");
    let token = TestKey::new("k1").sign(&claims("bob", "payments"));
    let answer = server.mcp(Some(&token), "tools/list", json!({})).await;
    assert_eq!(answer.status, 503, "{}", answer.text);
    assert!(answer.text.contains("key set"), "{}", answer.text);
    assert!(server.stderr().contains("cannot fetch the JWT key set"));
}
