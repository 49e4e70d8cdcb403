//! Budgets through real delegations: what the caller reads, and what reaches the store.

use std::time::Duration;

use serde_json::json;

use crate::support::{
    audit_log, call, delegation, is_error, mock_provider, models_config, serve, text,
};

/// dear costs 10×$10 + 100×$20 per Mtok = $0.0021 a call; cheap $0.00021.
const DEAR_MICROS: i64 = 2_100;
const CHEAP_MICROS: i64 = 210;

#[tokio::test]
async fn soft_limit_warns_and_routes_cheapest_then_hard_limit_refuses_with_remaining_and_reset() {
    let mock = mock_provider(Duration::ZERO).await;
    let config = format!(
        "[identity]\nuser = \"alice\"\nteam = \"payments\"\n{}\n\
         [teams.payments]\n\
         [budgets.teams.payments]\nperiod = \"day\"\nsoft_usd = 0.004\nhard_usd = 0.012\n",
        models_config(mock.addr)
    );
    let served = serve(&config, None, |r| r).await;
    let client = reqwest::Client::new();

    // Quality first: the frontier model, twice, under the soft limit.
    for n in 0..2 {
        let result = call(&client, &served.url, "delegate", delegation(n, None)).await;
        assert!(!is_error(&result), "{result}");
        let record = &result["structuredContent"];
        assert_eq!(record["model"], "dear", "{record}");
        assert!(
            !record["rule"]
                .as_str()
                .unwrap_or_default()
                .contains("budget pressure")
        );
    }
    // Spent $0.0042 ≥ soft $0.004: the cheapest eligible model, said in the rule and a note.
    let result = call(&client, &served.url, "delegate", delegation(2, None)).await;
    assert!(!is_error(&result), "{result}");
    let record = &result["structuredContent"];
    assert_eq!(record["model"], "cheap", "{record}");
    let rule = record["rule"].as_str().unwrap_or_default();
    assert!(
        rule.contains("budget pressure")
            && rule.contains("budgets.teams.payments is past its soft limit"),
        "{rule}"
    );
    let notes = record["notes"].to_string();
    assert!(notes.contains("budget warning"), "{notes}");
    assert!(
        text(&result).contains("budget warning"),
        "{}",
        text(&result)
    );

    // Naming the dear model until the hard limit: 4410 + 2100 = 6510 µ$, then dear's cost
    // ceiling (~5800 µ$: every input byte a token, plus the whole output budget) no longer
    // fits under $0.012.
    let mut refusal = None;
    for n in 3..10 {
        let result = call(
            &client,
            &served.url,
            "delegate",
            delegation(n, Some("dear")),
        )
        .await;
        if is_error(&result) {
            refusal = Some(text(&result));
            break;
        }
    }
    let refusal = refusal.expect("the hard limit refuses");
    assert!(
        refusal.starts_with("delegate failed [forbidden]: the budget refused"),
        "{refusal}"
    );
    assert!(
        refusal.contains("what to try: wait until the budget resets")
            && refusal.contains("raise the budget")
            && !refusal.contains("credential"),
        "{refusal}"
    );
    let spent = 2 * DEAR_MICROS + CHEAP_MICROS + DEAR_MICROS;
    assert!(
        refusal.contains("budgets.teams.payments (hard limit $0.012 per day) is reached"),
        "{refusal}"
    );
    assert_eq!(spent, 6_510);
    assert!(
        refusal.contains("spent $0.00651, reserved for calls in flight $0.00"),
        "{refusal}"
    );
    assert!(refusal.contains("remaining $0.00549"), "{refusal}");
    assert!(
        refusal.contains("resets at ") && refusal.contains("T00:00:00Z (in "),
        "{refusal}"
    );

    // budget_status shows the same figures.
    let status = call(&client, &served.url, "budget_status", json!({})).await;
    let budget = &status["structuredContent"]["budgets"][0];
    assert_eq!(budget["budget"], "budgets.teams.payments");
    assert_eq!(budget["period"], "day");
    assert_eq!(budget["spent_usd"], json!(spent as f64 / 1e6));
    assert_eq!(budget["reserved_usd"], json!(0.0));
    assert_eq!(budget["over_soft"], json!(true));
    assert!(
        text(&status).contains("remaining $0.005490"),
        "{}",
        text(&status)
    );

    // The store: one ledger row per call with the delegation's model, tokens and cost; the
    // refusal in the audit log.
    let governance = served.app.meter().expect("governance");
    let rows = governance
        .ledger()
        .rows(0, i64::MAX)
        .await
        .expect("ledger rows");
    assert_eq!(rows.len(), 6, "{rows:#?}");
    let delegations: Vec<_> = rows.iter().filter(|r| r.tool == "delegate").collect();
    assert_eq!(delegations.len(), 5);
    assert_eq!(
        delegations.iter().map(|r| r.cost_micros).sum::<i64>(),
        spent
    );
    let first = delegations[0];
    assert_eq!(first.model.as_deref(), Some("dear"));
    assert_eq!(first.task.as_deref(), Some("summarize"));
    assert_eq!((first.input_tokens, first.output_tokens), (10, 100));
    assert_eq!(first.team.as_deref(), Some("payments"));
    assert_eq!(first.outcome, "ok");
    assert!(first.baseline_micros.is_some());
    let refused = delegations[4];
    assert_eq!(
        (refused.outcome.as_str(), refused.cost_micros),
        ("forbidden", 0)
    );
    let audit = audit_log(&served).await;
    assert_eq!(audit.len(), 1, "{audit:?}");
    assert_eq!(audit[0].event, "budget_refused");
    assert!(
        audit[0].detail.contains("remaining $0.00549"),
        "{:?}",
        audit[0]
    );
}

#[tokio::test]
async fn a_department_budget_applies_with_the_teams_and_refuses_first_when_smaller() {
    let mock = mock_provider(Duration::ZERO).await;
    // bob's team belongs to engineering (as [teams] says), so both budgets apply to him.
    let config = format!(
        "[identity]\nuser = \"bob\"\nteam = \"payments\"\n\
         [departments.engineering]\n[teams.payments]\ndepartment = \"engineering\"\n{}\n\
         [budgets.teams.payments]\nperiod = \"month\"\nhard_usd = 100\n\
         [budgets.departments.engineering]\nperiod = \"week\"\nhard_usd = 0.0075\n",
        models_config(mock.addr)
    );
    let served = serve(&config, None, |r| r).await;
    let client = reqwest::Client::new();
    let first = call(
        &client,
        &served.url,
        "delegate",
        delegation(0, Some("dear")),
    )
    .await;
    assert!(!is_error(&first), "{first}");
    let second = call(
        &client,
        &served.url,
        "delegate",
        delegation(1, Some("dear")),
    )
    .await;
    assert!(is_error(&second), "{second}");
    let refusal = text(&second);
    assert!(
        refusal.contains("budgets.departments.engineering (hard limit $0.0075 per week)"),
        "{refusal}"
    );
    // Refused on the department: the team budget was not charged by the refused call.
    let status = call(&client, &served.url, "budget_status", json!({})).await;
    let budgets = status["structuredContent"]["budgets"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert_eq!(budgets.len(), 2, "{status}");
    assert_eq!(budgets[0]["budget"], "budgets.teams.payments");
    assert_eq!(budgets[0]["spent_usd"], json!(DEAR_MICROS as f64 / 1e6));
    assert_eq!(budgets[0]["reserved_usd"], json!(0.0));
    assert_eq!(budgets[1]["budget"], "budgets.departments.engineering");
    assert_eq!(budgets[1]["period"], "week");
    assert_eq!(budgets[1]["spent_usd"], json!(DEAR_MICROS as f64 / 1e6));
    let rows = served
        .app
        .meter()
        .expect("governance")
        .ledger()
        .rows(0, i64::MAX)
        .await
        .expect("rows");
    assert_eq!(rows[0].department.as_deref(), Some("engineering"));
}

#[tokio::test]
async fn a_cheaper_fallback_that_fits_the_remaining_budget_answers_after_a_refusal() {
    let mock = mock_provider(Duration::ZERO).await;
    let config = format!(
        "[identity]\nuser = \"alice\"\nteam = \"payments\"\n{}\n\
         [teams.payments]\n\
         [budgets.teams.payments]\nperiod = \"day\"\nhard_usd = 0.0075\n",
        models_config(mock.addr)
    );
    let served = serve(&config, None, |r| r).await;
    let client = reqwest::Client::new();
    let first = call(&client, &served.url, "delegate", delegation(0, None)).await;
    assert_eq!(first["structuredContent"]["model"], "dear", "{first}");
    // $0.0021 spent: dear's cost ceiling (~$0.0058) no longer fits under $0.0075, cheap's does.
    let second = call(&client, &served.url, "delegate", delegation(1, None)).await;
    assert!(!is_error(&second), "{second}");
    let record = &second["structuredContent"];
    assert_eq!(record["model"], "cheap", "{record}");
    assert_eq!(record["attempts"][0]["model"], "dear");
    assert_eq!(record["attempts"][0]["outcome"], "refused");
    let why = record["attempts"][0]["error"].as_str().unwrap_or_default();
    assert!(
        why.starts_with(
            "the budget refused dear: budgets.teams.payments (hard limit $0.0075 per day) is reached"
        ),
        "{why}"
    );
    assert_eq!(record["attempts"][1]["outcome"], "ok");
    assert_eq!(mock.calls.load(std::sync::atomic::Ordering::SeqCst), 2);
}
