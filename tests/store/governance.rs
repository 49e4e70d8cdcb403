//! Governance tables on each backend: the chargeback report from a seeded ledger (exact to the
//! micro-dollar in table, CSV and JSON), budget reservations (all or none, settled), quota
//! counters (refusing past the limit) and the audit log.

use switchyard::governance::usage::{Format, UsageQuery, render, report};
use switchyard::store::budgets::{BudgetFigures, BudgetKey, ReserveOutcome};
use switchyard::store::ledger::LedgerEntry;
use switchyard::store::quotas::QuotaCharge;

use crate::fixture::Fixture;

crate::on_both_backends!(
    ledger_rows_are_group_committed,
    chargeback_sums_match_by_hand,
    reservations_are_all_or_none_and_settle,
    quota_counters_stop_at_the_limit
);

/// 2026-07-01T00:00:00Z.
const JULY: i64 = 1_782_864_000_000;
const HOUR: i64 = 3_600_000;

#[expect(
    clippy::too_many_arguments,
    reason = "one ledger row, column by column"
)]
fn row(
    at_ms: i64,
    user: &str,
    team: Option<&str>,
    department: Option<&str>,
    tool: &str,
    model: Option<&str>,
    tokens: (i64, i64, i64),
    cost: i64,
    baseline: Option<i64>,
) -> LedgerEntry {
    LedgerEntry {
        at_ms,
        user: user.into(),
        team: team.map(Into::into),
        department: department.map(Into::into),
        tool: tool.into(),
        instance: (tool != "delegate").then(|| "git".to_owned()),
        task: model.map(|m| {
            if m == "dear" {
                "review".into()
            } else {
                "summarize".into()
            }
        }),
        model: model.map(Into::into),
        input_tokens: tokens.0,
        output_tokens: tokens.1,
        cached_tokens: tokens.2,
        cost_micros: cost,
        baseline_micros: baseline,
        latency_ms: 12,
        outcome: "ok".into(),
        bytes: 100,
        truncated: false,
    }
}

async fn chargeback_sums_match_by_hand(fixture: &Fixture) {
    let ledger = fixture.store().await.ledger();
    let eng = Some("engineering");
    let rows = [
        row(
            JULY + HOUR,
            "alice",
            Some("payments"),
            eng,
            "delegate",
            Some("cheap"),
            (1000, 200, 50),
            1_234_567,
            Some(5_000_000),
        ),
        row(
            JULY + 2 * HOUR,
            "bob",
            Some("payments"),
            eng,
            "delegate",
            Some("dear"),
            (10, 20, 0),
            2_000_001,
            Some(1_999_999),
        ),
        row(
            JULY + 3 * HOUR,
            "carol",
            Some("web"),
            None,
            "git_log",
            None,
            (0, 0, 0),
            0,
            None,
        ),
        row(
            JULY + 4 * HOUR,
            "carol",
            Some("web"),
            None,
            "delegate",
            Some("cheap"),
            (500, 100, 0),
            765_433,
            Some(1_000_000),
        ),
        // Before the range: not counted.
        row(
            JULY - 15 * 24 * HOUR,
            "alice",
            Some("payments"),
            eng,
            "delegate",
            Some("dear"),
            (1, 1, 1),
            9_999_999,
            None,
        ),
    ];
    ledger.insert_batch(&rows).await.expect("seeded");
    let now = JULY + 40 * 24 * HOUR;
    let query = UsageQuery::parse("team", "2026-07-01", Some("2026-07-31"), now).expect("query");
    let by_team = report(&ledger, &query).await.expect("report");
    // payments: 1,234,567 + 2,000,001 = 3,234,568 µ$; baseline 6,999,999; savings 3,765,431.
    // web: 765,433 µ$; baseline 1,000,000 (git_log has none); savings 234,567.
    assert_eq!(
        render(&by_team, Format::Csv),
        "team,calls,input_tokens,output_tokens,cached_tokens,cost_usd,baseline_usd,savings_usd,savings_pct\n\
         payments,2,1010,220,50,3.234568,6.999999,3.765431,53.8\n\
         web,2,500,100,0,0.765433,1.000000,0.234567,23.5\n\
         total,4,1510,320,50,4.000001,7.999999,3.999998,50.0\n"
    );
    let table = render(&by_team, Format::Table);
    let words = |line: &str| {
        line.split_whitespace()
            .map(str::to_owned)
            .collect::<Vec<_>>()
    };
    let lines: Vec<&str> = table.lines().collect();
    assert_eq!(
        lines[0],
        "usage by team from 2026-07-01T00:00:00Z to 2026-08-01T00:00:00Z"
    );
    assert_eq!(
        words(lines[2]),
        [
            "payments", "2", "1010", "220", "50", "3.234568", "6.999999", "3.765431", "53.8"
        ]
    );
    assert_eq!(
        words(lines[5]),
        [
            "total", "4", "1510", "320", "50", "4.000001", "7.999999", "3.999998", "50.0"
        ]
    );
    let json: serde_json::Value =
        serde_json::from_str(&render(&by_team, Format::Json)).expect("JSON");
    assert_eq!(json["groups"][0]["key"], "payments");
    assert_eq!(json["groups"][0]["cost_micros"], 3_234_568);
    assert_eq!(json["groups"][0]["cost_usd"], "3.234568");
    assert_eq!(json["groups"][1]["savings_micros"], 234_567);
    assert_eq!(json["total"]["cost_micros"], 4_000_001);

    let by_model = report(
        &ledger,
        &UsageQuery::parse("model", "2026-07-01", Some("2026-07-31"), now).expect("query"),
    )
    .await
    .expect("report");
    let keyed: Vec<(String, i64, i64)> = by_model
        .groups
        .iter()
        .map(|g| (g.key.clone(), g.calls, g.cost_micros))
        .collect();
    assert_eq!(
        keyed,
        [
            ("dear".to_owned(), 1, 2_000_001),
            ("cheap".to_owned(), 2, 2_000_000),
            ("(none)".to_owned(), 1, 0)
        ]
    );
    // A dearer call than the baseline has negative savings.
    assert_eq!(by_model.groups[0].savings_micros, -2);
    for (by, first) in [
        ("department", "engineering"),
        ("user", "bob"),
        ("task", "review"),
        ("tool", "delegate"),
    ] {
        let grouped = report(
            &ledger,
            &UsageQuery::parse(by, "2026-07-01", Some("2026-07-31"), now).expect("query"),
        )
        .await
        .expect("report");
        assert_eq!(grouped.groups[0].key, first, "by {by}");
        assert_eq!(grouped.total.cost_micros, 4_000_001, "by {by}");
    }
    let all = ledger.rows(0, i64::MAX).await.expect("rows");
    assert_eq!(all.len(), 5);
    assert_eq!(all[0], rows[0]);
}

async fn reservations_are_all_or_none_and_settle(fixture: &Fixture) {
    let store = fixture.store().await;
    let budgets = store.budgets();
    let team = BudgetKey {
        scope: "team",
        name: "payments".into(),
        period_start: JULY,
    };
    let department = BudgetKey {
        scope: "department",
        name: "engineering".into(),
        period_start: JULY,
    };
    let both = [(team.clone(), 1_000), (department.clone(), 500)];
    assert_eq!(
        budgets
            .reserve("r1", JULY, &both, 400)
            .await
            .expect("reserved"),
        ReserveOutcome::Reserved(vec![
            BudgetFigures {
                spent: 0,
                reserved: 400
            },
            BudgetFigures {
                spent: 0,
                reserved: 400
            }
        ])
    );
    // The department has 100 left: refused there, and the team is not charged either.
    assert_eq!(
        budgets
            .reserve("r2", JULY, &both, 200)
            .await
            .expect("answered"),
        ReserveOutcome::Refused(
            1,
            BudgetFigures {
                spent: 0,
                reserved: 400
            }
        )
    );
    assert_eq!(
        budgets.figures(&team).await.expect("read"),
        BudgetFigures {
            spent: 0,
            reserved: 400
        }
    );
    let settled = budgets
        .settle("r1", &[team.clone(), department.clone()], 400, 350)
        .await
        .expect("settled");
    assert_eq!(
        settled,
        vec![
            BudgetFigures {
                spent: 350,
                reserved: 0
            };
            2
        ]
    );
    // A reservation whose process died is released by the sweeper once stale, and a late
    // settlement then adds its cost without releasing the estimate twice.
    budgets
        .reserve("r3", JULY + 10, &both, 100)
        .await
        .expect("reserved");
    budgets
        .reserve("r4", JULY + 1_000, &both, 50)
        .await
        .expect("reserved");
    assert_eq!(budgets.release_stale(JULY + 500).await.expect("swept"), 2);
    let now = |spent, reserved| BudgetFigures { spent, reserved };
    assert_eq!(budgets.figures(&team).await.expect("read"), now(350, 50));
    let late = budgets
        .settle("r3", std::slice::from_ref(&team), 100, 80)
        .await
        .expect("settled");
    assert_eq!(late, vec![now(430, 50)]);
    assert_eq!(budgets.release_stale(JULY + 500).await.expect("swept"), 0);
    // An estimate above the limit itself is refused without a row.
    let other = BudgetKey {
        scope: "team",
        name: "web".into(),
        period_start: JULY,
    };
    assert_eq!(
        budgets
            .reserve("r5", JULY, &[(other.clone(), 10)], 11)
            .await
            .expect("answered"),
        ReserveOutcome::Refused(0, BudgetFigures::default())
    );

    let audit = store.audit();
    let at = chrono::DateTime::from_timestamp_millis(JULY).expect("a time");
    audit
        .record_at(
            at,
            "alice",
            Some("payments"),
            "budget_refused",
            "budgets.teams.payments …",
        )
        .await
        .expect("audited");
    let records = audit.recent(10).await.expect("read");
    assert_eq!(records.len(), 1);
    assert_eq!(
        (
            records[0].user.as_str(),
            records[0].team.as_deref(),
            records[0].event.as_str(),
            records[0].detail.as_str(),
            records[0].at.as_str(),
        ),
        (
            "alice",
            Some("payments"),
            "budget_refused",
            "budgets.teams.payments …",
            switchyard::store::keys::timestamp(at).as_str(),
        )
    );
}

async fn quota_counters_stop_at_the_limit(fixture: &Fixture) {
    let quotas = fixture.store().await.quotas();
    let user = QuotaCharge {
        key: "tool_calls/user/payments/alice".into(),
        window_start: 60,
        limit: 3,
    };
    let team = QuotaCharge {
        key: "tool_calls/team/payments".into(),
        window_start: 60,
        limit: 2,
    };
    let both = [user.clone(), team.clone()];
    assert_eq!(quotas.charge(&both).await.expect("charged"), None);
    assert_eq!(quotas.charge(&both).await.expect("charged"), None);
    // The team is full: refused, and the user's counter is not moved either.
    assert_eq!(quotas.charge(&both).await.expect("answered"), Some(1));
    assert_eq!(quotas.count(&user.key, 60).await.expect("count"), 2);
    assert_eq!(
        quotas
            .charge(std::slice::from_ref(&user))
            .await
            .expect("charged"),
        None
    );
    assert_eq!(
        quotas
            .charge(std::slice::from_ref(&user))
            .await
            .expect("answered"),
        Some(0)
    );
    // A new window starts from zero.
    let next = QuotaCharge {
        window_start: 120,
        ..user.clone()
    };
    assert_eq!(quotas.charge(&[next]).await.expect("charged"), None);
    quotas
        .add("tokens/team/payments", 0, 1_500)
        .await
        .expect("added");
    quotas
        .add("tokens/team/payments", 0, 500)
        .await
        .expect("added");
    assert_eq!(
        quotas
            .count("tokens/team/payments", 0)
            .await
            .expect("count"),
        2_000
    );
    assert_eq!(quotas.prune(100).await.expect("pruned"), 3);
}

async fn ledger_rows_are_group_committed(fixture: &Fixture) {
    let store = fixture.store().await;
    let writer = switchyard::governance::ledger::LedgerWriter::spawn(store.ledger());
    let calls = 2_000;
    let mut writes = Vec::new();
    for n in 0..calls {
        let writer = writer.clone();
        let entry = row(
            JULY + n,
            "alice",
            Some("payments"),
            None,
            "git_log",
            None,
            (0, 0, 0),
            0,
            None,
        );
        writes.push(tokio::spawn(async move { writer.write(entry).await }));
    }
    for write in writes {
        write.await.expect("joined").expect("written");
    }
    // Every write was acknowledged after its commit, and far fewer transactions than rows.
    let rows = store.ledger().rows(0, i64::MAX).await.expect("rows");
    assert_eq!(rows.len(), calls as usize);
    let transactions = writer.transactions();
    assert!(
        transactions * 10 <= calls as u64,
        "{transactions} transactions for {calls} rows"
    );
}
