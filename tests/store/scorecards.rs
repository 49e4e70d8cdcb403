//! Scorecards on each backend: a save replaces the card of the same task and model, and
//! the list is ordered by task, then model (byte order on both backends).

use switchyard::delegate::money::Micros;
use switchyard::delegate::scorecard::Scorecard;

use crate::fixture::Fixture;

crate::on_both_backends!(save_replaces_and_all_lists_in_order);

fn card(task: &str, model: &str, passed: u32) -> Scorecard {
    Scorecard {
        task: task.into(),
        model: model.into(),
        cases: 10,
        passed,
        p50_latency_ms: 900,
        mean_cost: Micros(321),
        measured_at: "2026-12-03T00:00:00Z".into(),
    }
}

async fn save_replaces_and_all_lists_in_order(fixture: &Fixture) {
    let cards = fixture.store().await.scorecards();
    assert!(cards.all().await.expect("listed").is_empty());
    let summarize_mini = card("summarize", "gpt-4.1-mini", 7);
    let summarize_upper = card("summarize", "Zeta-large", 5);
    let mut commit = card("commit_message", "local/qwen", 3);
    commit.p50_latency_ms = u64::from(u32::MAX) * 4;
    commit.mean_cost = Micros(9_000_000_000);
    for saved in [&summarize_mini, &summarize_upper, &commit] {
        cards.save(saved).await.expect("saved");
    }
    let mut better = summarize_mini.clone();
    better.passed = 9;
    better.measured_at = "2026-12-04T00:00:00Z".into();
    cards.save(&better).await.expect("replaced");
    assert_eq!(
        cards.all().await.expect("listed"),
        // "Zeta-large" sorts before "gpt-…": byte order, whatever the database's locale.
        vec![commit, summarize_upper, better]
    );
}
