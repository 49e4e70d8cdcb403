//! `/metrics` after some calls, and `/usage` with and without an identity.

use std::time::Duration;

use axum::Extension;
use serde_json::{Value, json};
use switchyard_core::{Identity, Role};

use crate::support::{call, delegation, mock_provider, models_config, serve};

#[tokio::test]
async fn metrics_expose_calls_latency_delegations_tokens_cost_and_budget() {
    let mock = mock_provider(Duration::ZERO).await;
    let config = format!(
        "[identity]\nuser = \"dan\"\nteam = \"payments\"\n{}\n\
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

    for (role, status) in [(Role::Member, 403), (Role::Admin, 200)] {
        let identity = Identity {
            role,
            ..Identity::user("erin")
        };
        let served = serve(&config, None, move |router| {
            router.layer(Extension(identity))
        })
        .await;
        let response = client
            .get(format!("{}/usage?by=team&since=30d", served.base))
            .send()
            .await
            .expect("usage answers");
        assert_eq!(response.status(), status);
    }
}
