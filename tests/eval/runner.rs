//! The scorecard math, provider failures, bounded concurrency and timeouts.

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use switchyard::delegate::eval::runner::scorecards;
use switchyard::delegate::eval::{CaseResult, RunOptions, Suite, run};
use switchyard::delegate::money::Micros;
use switchyard::delegate::provider::{Provider, ProviderError};
use switchyard::delegate::usage::Usage;

use crate::support::{Scripted, SlowOn, TWO_CASES, candidate, suite};

fn result(model: &str, passed: bool, latency_ms: Option<u64>, cost: u64) -> CaseResult {
    CaseResult {
        task: "commit_message".into(),
        model: model.into(),
        case: format!("case-{cost}"),
        passed,
        latency_ms,
        cost: Micros(cost),
        usage: Usage::default(),
        answer: latency_ms.map(|_| "answer".to_owned()),
        truncated: false,
        error: latency_ms.is_none().then(|| "down".to_owned()),
        checks: Vec::new(),
        judge_cost: Micros::ZERO,
    }
}

#[test]
fn scorecard_math() {
    let results = vec![
        // odd: latencies 300, 100, 200 → p50 200; costs 800, 801, 802 → mean 801
        result("odd", true, Some(300), 800),
        result("odd", false, Some(100), 801),
        result("odd", true, Some(200), 802),
        // even: latencies 100, 400, 250, 101 → middle 101 and 250 → 175.5 → 176;
        // costs 1, 2, 2, 2 → 1.75 → 2; one failed call more counts as a failed case only
        result("even", true, Some(100), 1),
        result("even", true, Some(400), 2),
        result("even", false, Some(250), 2),
        result("even", true, Some(101), 2),
        result("even", false, None, 0),
        // no answer at all → no scorecard
        result("dark", false, None, 0),
    ];
    let cards = scorecards(&results, "2026-12-03T12:00:00Z");
    assert_eq!(cards.len(), 2, "{cards:?}");
    let even = &cards[0];
    assert_eq!(
        (even.model.as_str(), even.cases, even.passed),
        ("even", 5, 3)
    );
    assert_eq!(even.p50_latency_ms, 176);
    assert_eq!(even.mean_cost, Micros(2));
    assert!((even.pass_rate() - 0.6).abs() < 1e-9);
    let odd = &cards[1];
    assert_eq!((odd.model.as_str(), odd.cases, odd.passed), ("odd", 3, 2));
    assert_eq!(odd.p50_latency_ms, 200);
    assert_eq!(odd.mean_cost, Micros(801));
    assert_eq!(odd.measured_at, "2026-12-03T12:00:00Z");
}

#[tokio::test]
async fn a_provider_error_is_a_failed_case_and_the_run_goes_on() {
    let flaky: Arc<dyn Provider> = Arc::new(Scripted::new("fake", |prompt| {
        if prompt.contains("FAIL") {
            Err(ProviderError::RateLimited {
                provider: "fake".into(),
                retry_after: None,
                message: "slow down".into(),
            })
        } else {
            Ok("Fix the thing".into())
        }
    }));
    let mut seen = Vec::new();
    let report = run(
        &[suite(TWO_CASES)],
        &[candidate("m-paid", flaky)],
        None,
        &RunOptions::default(),
        |p| seen.push((p.done, p.total)),
    )
    .await
    .expect("a run");
    assert_eq!(seen, [(1, 2), (2, 2)]);
    let broken = &report.results[1];
    assert_eq!(broken.case, "breaks");
    assert!(!broken.passed && broken.checks.is_empty());
    assert_eq!(
        broken.error.as_deref(),
        Some("fake is rate limiting: slow down")
    );
    assert_eq!(
        broken.failure().as_deref(),
        Some("fake is rate limiting: slow down")
    );
    let card = &report.scorecards[0];
    assert_eq!((card.cases, card.passed), (2, 1));
    // Priced like the answered case only: 1000 × 0.40 + 250 × 1.60 = 800 µ$.
    assert_eq!(card.mean_cost, Micros(800));
    assert!(report.unmeasured.is_empty());
}

#[tokio::test]
async fn concurrency_is_bounded_and_a_slow_case_times_out() {
    let cases = |slow: bool| -> Suite {
        let cases: String = (0..8)
            .map(|i| {
                format!(
                    "[[cases]]\nname = \"c{i}\"\ninstructions = \"w\"\ninput = \"{}\"\n[[cases.checks]]\ntype = \"contains\"\nvalue = \"ok\"\n",
                    if slow && i == 0 { "SLOW" } else { "quick" }
                )
            })
            .collect();
        suite(&format!("task = \"t\"\n{cases}"))
    };
    let quick =
        Arc::new(Scripted::new("fake", |_| Ok("ok".into())).with_delay(Duration::from_millis(40)));
    let options = RunOptions {
        concurrency: 3,
        case_timeout: Duration::from_millis(300),
        ..RunOptions::default()
    };
    let provider: Arc<dyn Provider> = Arc::clone(&quick) as Arc<dyn Provider>;
    let report = run(
        &[cases(false)],
        &[candidate("m-free", provider)],
        None,
        &options,
        |_| {},
    )
    .await
    .expect("a run");
    assert_eq!(quick.most_in_flight.load(Ordering::SeqCst), 3);
    assert_eq!(quick.calls.load(Ordering::SeqCst), 8);
    assert_eq!(report.scorecards[0].passed, 8);

    let slow_gate: Arc<dyn Provider> = Arc::new(SlowOn {
        inner: Arc::clone(&quick),
    });
    let report = run(
        &[cases(true)],
        &[candidate("m-free", slow_gate)],
        None,
        &options,
        |_| {},
    )
    .await
    .expect("a run");
    let slow = &report.results[0];
    assert_eq!(slow.error.as_deref(), Some("no answer within 300 ms"));
    assert_eq!(slow.latency_ms, None);
    assert_eq!(
        (report.scorecards[0].cases, report.scorecards[0].passed),
        (8, 7)
    );
}

#[tokio::test]
async fn a_timeout_reads_the_same_whichever_deadline_ended_it() {
    let timed_out = |seconds: u64| -> Arc<dyn Provider> {
        Arc::new(Scripted::new("fake", move |_| {
            Err(ProviderError::Timeout {
                provider: "fake".into(),
                seconds,
            })
        }))
    };
    let timeout_of = |provider: Arc<dyn Provider>, case_timeout: Duration| async move {
        let options = RunOptions {
            case_timeout,
            ..RunOptions::default()
        };
        let report = run(
            &[suite(TWO_CASES)],
            &[candidate("m-free", provider)],
            None,
            &options,
            |_| {},
        )
        .await
        .expect("a run");
        report.results[0].error.clone().expect("an error")
    };
    // The provider stopped at the case's deadline (rounded up to a second): the case's figure,
    // as when the runner's own backstop fires, and no provider wording beside it.
    assert_eq!(
        timeout_of(timed_out(1), Duration::from_millis(300)).await,
        "no answer within 300 ms"
    );
    assert_eq!(
        timeout_of(timed_out(3), Duration::from_secs(3)).await,
        "no answer within 3 s"
    );
    // The provider's own request timeout was shorter: its figure.
    assert_eq!(
        timeout_of(timed_out(2), Duration::from_secs(120)).await,
        "no answer within 2 s"
    );
}
