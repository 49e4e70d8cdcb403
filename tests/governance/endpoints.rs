//! `/metrics` after some calls, and `/usage` with and without an identity.

use std::time::Duration;

use serde_json::{Value, json};
use switchyard::store::keys::NewApiKey;

use crate::support::{call, delegation, mock_provider, models_config, serve};

#[tokio::test]
async fn metrics_expose_calls_latency_delegations_tokens_cost_and_budget() {
    let mock = mock_provider(Duration::ZERO).await;
    let config = format!(
        "[identity]\nuser = \"dan\"\nteam = \"payments\"\n{}\n\
         [teams.payments]\n\
         [budgets.teams.payments]\nperiod = \"day\"\nhard_usd = 1\n",
        models_config(mock.addr)
    );
    let served = serve(&config, None, |r| r).await;
    let client = reqwest::Client::new();
    call(
        &client,
        &served.url,
        "delegate",
        delegation(0, Some("dear")),
    )
    .await;
    call(&client, &served.url, "budget_status", json!({})).await;
    call(&client, &served.url, "budget_status", json!({"bogus": 1})).await;
    let response = client
        .get(format!("{}/metrics", served.base))
        .send()
        .await
        .expect("metrics answer");
    assert_eq!(response.status(), 200);
    let text = response.text().await.expect("body");
    for series in [
        r#"switchyard_tool_calls_total{connector="governance",tool="budget_status",outcome="ok"} 1"#,
        r#"switchyard_tool_calls_total{connector="governance",tool="budget_status",outcome="invalid_arguments"} 1"#,
        r#"switchyard_tool_calls_total{connector="delegate",tool="delegate",outcome="ok"} 1"#,
        r#"switchyard_tool_call_duration_seconds_count{connector="delegate",tool="delegate",outcome="ok"} 1"#,
        r#"switchyard_delegations_total{team="payments",model="dear"} 1"#,
        r#"switchyard_delegation_tokens_total{team="payments",model="dear",kind="output"} 100"#,
        r#"switchyard_delegation_cost_usd_total{team="payments",model="dear"} 0.0021"#,
        r#"switchyard_budget_remaining_usd{team="payments",period="day"} 0.9979"#,
    ] {
        assert!(text.contains(series), "missing {series} in:\n{text}");
    }
}

#[tokio::test]
async fn usage_is_served_without_an_identity_and_to_admins_only_with_one() {
    let mock = mock_provider(Duration::ZERO).await;
    let config = models_config(mock.addr);
    let open = serve(&config, None, |r| r).await;
    let client = reqwest::Client::new();
    call(&client, &open.url, "delegate", delegation(0, Some("cheap"))).await;
    let report: Value = client
        .get(format!("{}/usage?by=model&since=1d", open.base))
        .send()
        .await
        .expect("usage answers")
        .json()
        .await
        .expect("JSON");
    assert_eq!(report["by"], "model");
    assert_eq!(report["groups"][0]["key"], "cheap");
    assert_eq!(report["groups"][0]["cost_micros"], 210);
    assert_eq!(report["total"]["calls"], 1);
    let bad = client
        .get(format!("{}/usage?by=planet", open.base))
        .send()
        .await
        .expect("answers");
    assert_eq!(bad.status(), 400);

    // With authentication on: a member's key is refused (403), an admin's key is served, both
    // on /usage and /metrics; no key at all is a 401.
    let guarded = serve(&format!("[auth]\n{config}"), None, |r| r).await;
    let keys = guarded.app.store.as_ref().expect("a store").keys();
    let mut tokens = Vec::new();
    for role in ["member", "admin"] {
        let made = switchyard::governance::keys::generate().expect("a key");
        keys.insert(&NewApiKey {
            id: &made.id,
            hash: &switchyard::governance::keys::hash(&made.key),
            user: "erin",
            team: None,
            role,
            expires_at: None,
        })
        .await
        .expect("key stored");
        tokens.push((role, made.key));
    }
    for path in ["/usage?by=team&since=30d", "/metrics"] {
        let anonymous = client
            .get(format!("{}{path}", guarded.base))
            .send()
            .await
            .expect("answers");
        assert_eq!(anonymous.status(), 401, "{path} without a key");
        for (role, token) in &tokens {
            let response = client
                .get(format!("{}{path}", guarded.base))
                .bearer_auth(token)
                .send()
                .await
                .expect("answers");
            let expected = if *role == "admin" { 200 } else { 403 };
            assert_eq!(response.status(), expected, "{path} with a {role} key");
        }
    }
}
