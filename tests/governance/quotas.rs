//! Quotas: the refusal names the quota and when it resets; the next window admits again.

use std::time::Duration;

use serde_json::json;

use crate::support::{audit_log, call, is_error, mock_provider, models_config, serve, text};

#[tokio::test]
async fn a_team_quota_refuses_with_its_reset_time_then_admits_in_the_next_window() {
    let mock = mock_provider(Duration::ZERO).await;
    let config = format!(
        "[identity]\nuser = \"carol\"\nteam = \"payments\"\n{}\n\
         [teams.payments]\n\
         [quotas.default]\ntool_calls_per_minute_per_user = 100\n\
         [quotas.teams.payments]\ntool_calls_per_minute = 2\ndelegations_per_minute_per_user = 1\n",
        models_config(mock.addr)
    );
    let served = serve(&config, None, |r| r).await;
    let governance = served.app.meter().expect("governance");
    // Start 100 ms into a fresh minute, so the calls below share one window.
    let now = governance.clock().now_ms();
    governance.clock().advance(Duration::from_millis(
        (60_000 - now.rem_euclid(60_000) + 100) as u64,
    ));
    let client = reqwest::Client::new();

    for _ in 0..2 {
        let ok = call(&client, &served.url, "budget_status", json!({})).await;
        assert!(!is_error(&ok), "{ok}");
    }
    let refused = call(&client, &served.url, "budget_status", json!({})).await;
    assert!(is_error(&refused), "{refused}");
    let message = text(&refused);
    assert!(
        message.contains(
            "quota quotas.teams.payments.tool_calls_per_minute (2) reached; resets in 60 s"
        ) || message.contains(
            "quota quotas.teams.payments.tool_calls_per_minute (2) reached; resets in 59 s"
        ),
        "{message}"
    );
    // Delegations are counted apart from tool calls.
    let delegated = call(
        &client,
        &served.url,
        "delegate",
        crate::support::delegation(0, None),
    )
    .await;
    assert!(!is_error(&delegated), "{delegated}");
    let second = call(
        &client,
        &served.url,
        "delegate",
        crate::support::delegation(1, None),
    )
    .await;
    assert!(
        text(&second)
            .contains("quota quotas.teams.payments.delegations_per_minute_per_user (1) reached"),
        "{second}"
    );
    assert_eq!(mock.calls.load(std::sync::atomic::Ordering::SeqCst), 1);

    // The next window.
    governance.clock().advance(Duration::from_secs(60));
    let again = call(&client, &served.url, "budget_status", json!({})).await;
    assert!(!is_error(&again), "{again}");

    let audit = audit_log(&served).await;
    let events: Vec<(&str, &str)> = audit
        .iter()
        .map(|record| (record.user.as_str(), record.event.as_str()))
        .collect();
    assert_eq!(
        events,
        [("carol", "quota_refused"), ("carol", "quota_refused")]
    );
    assert!(
        audit[0]
            .detail
            .starts_with("budget_status: quota quotas.teams.payments.tool_calls_per_minute"),
        "{audit:?}"
    );
    let rows = governance.ledger().rows(0, i64::MAX).await.expect("rows");
    let outcomes: Vec<&str> = rows.iter().map(|r| r.outcome.as_str()).collect();
    assert_eq!(
        outcomes,
        ["ok", "ok", "rate_limited", "ok", "rate_limited", "ok"]
    );
}

#[tokio::test]
async fn without_quotas_no_counter_is_written() {
    let mock = mock_provider(Duration::ZERO).await;
    let served = serve(&models_config(mock.addr), None, |r| r).await;
    let client = reqwest::Client::new();
    let ok = call(&client, &served.url, "budget_status", json!({})).await;
    assert!(!is_error(&ok), "{ok}");
    assert!(text(&ok).contains("No budget applies to you"), "{ok}");
    let store = served.app.store.as_ref().expect("a store");
    assert_eq!(
        store
            .quotas()
            .count("tool_calls/user//x", 0)
            .await
            .expect("count"),
        0
    );
    assert_eq!(store.quotas().prune(i64::MAX).await.expect("prune"), 0);
}

#[tokio::test]
async fn a_teams_daily_tokens_are_counted_after_each_delegation_and_refuse_past_the_quota() {
    let mock = mock_provider(Duration::ZERO).await;
    let config = format!(
        "[identity]\nuser = \"carol\"\nteam = \"payments\"\n{}\n\
         [teams.payments]\n\
         [quotas.teams.payments]\ntokens_per_day = 150\n",
        models_config(mock.addr)
    );
    let served = serve(&config, None, |r| r).await;
    let client = reqwest::Client::new();
    // Each answer is 10 + 100 tokens: 0 → 110 → 220, then the quota is reached.
    for n in 0..2 {
        let ok = call(
            &client,
            &served.url,
            "delegate",
            crate::support::delegation(n, None),
        )
        .await;
        assert!(!is_error(&ok), "{ok}");
    }
    let refused = call(
        &client,
        &served.url,
        "delegate",
        crate::support::delegation(2, None),
    )
    .await;
    let message = text(&refused);
    assert!(
        is_error(&refused)
            && message
                .contains("quota quotas.teams.payments.tokens_per_day (150) reached; resets in "),
        "{message}"
    );
    // Tool calls are not limited by the token quota.
    let status = call(&client, &served.url, "budget_status", json!({})).await;
    assert!(!is_error(&status), "{status}");
}
