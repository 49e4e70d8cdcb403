//! Every check type passing and failing with its reason; rubric checks through a scripted judge.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use switchyard::delegate::eval::{
    Candidate, CaseResult, Judge, RunError, RunOptions, Suite, evaluate, run,
};
use switchyard::delegate::money::Micros;
use switchyard::delegate::provider::{Provider, ProviderError};

use crate::support::{RUBRIC_SUITE, Scripted, candidate, catalog, check, suite};

#[test]
fn every_check_type_passes_and_fails_with_a_reason() {
    let table: Vec<(&str, &str, &str, &str)> = vec![
        // (check, passing answer, failing answer, failure reason contains)
        (
            "type = \"contains\"\nvalue = \"session\"",
            "Fix session expiry",
            "Fix login",
            "\"session\" not found",
        ),
        (
            "type = \"contains\"\nvalue = \"SESSION\"\ncase_insensitive = true",
            "fix Session expiry",
            "fix login",
            "not found",
        ),
        (
            "type = \"not_contains\"\nvalue = \"```\"",
            "Add retries",
            "```\nAdd retries\n```",
            "found \"```\" at char 0",
        ),
        (
            "type = \"regex\"\npattern = '\\b1[78]\\b'",
            "line 17",
            "line 71",
            "no match",
        ),
        (
            "type = \"max_length\"\nchars = 10",
            "  short  \n",
            "far too long for ten",
            "answer is 20 chars, over 10",
        ),
        (
            "type = \"max_length\"\nchars = 12\nfirst_line = true",
            "Fix a bug\n\nA much longer body that does not count.",
            "Fix a subtle bug\n\nbody",
            "first line is 16 chars, over 12",
        ),
        (
            "type = \"json\"",
            "```json\n{\"a\": 1}\n```",
            "{\"a\": 1,}",
            "not JSON",
        ),
        (
            "type = \"json\"\nallow_fence = false",
            "[1, 2]",
            "```json\n[1]\n```",
            "does not allow a fence",
        ),
        (
            "type = \"json_schema\"\nschema = { type = \"object\", required = [\"line\"], properties = { line = { type = \"integer\" } } }",
            "{\"line\": 17}",
            "{\"line\": \"17\"}",
            "at /line: expected integer, found string",
        ),
        (
            "type = \"json_schema\"\nschema = '{\"type\": \"array\", \"maxItems\": 0}'",
            "[]",
            "[1]",
            "at /: 1 items, more than 0",
        ),
    ];
    for (spec, good, bad, reason) in table {
        let check = check(spec);
        let pass = evaluate(&check, good);
        assert!(pass.passed, "{spec}: {good:?} should pass: {}", pass.reason);
        let fail = evaluate(&check, bad);
        assert!(!fail.passed, "{spec}: {bad:?} should fail");
        assert!(
            fail.reason.contains(reason),
            "{spec}: {:?} lacks {reason:?}",
            fail.reason
        );
        assert_eq!(fail.check, check.label());
    }
}

/// The candidate echoes the input (framed in `<input>` as delegate frames it); the judge reads
/// the answer from its prompt.
fn judged_run_parts() -> (Suite, Candidate, Judge) {
    let echo: Arc<dyn Provider> = Arc::new(Scripted::new("fake", |prompt| {
        let input = prompt
            .split("<input>\n")
            .nth(1)
            .and_then(|rest| rest.split("\n</input>").next())
            .unwrap_or_default();
        Ok(input.to_owned())
    }));
    let judge: Arc<dyn Provider> = Arc::new(Scripted::new("judge", |prompt| {
        let answer = prompt
            .split("<answer>\n")
            .nth(1)
            .and_then(|rest| rest.split("\n</answer>").next())
            .unwrap_or_default();
        assert!(
            prompt.contains("<criteria>\nnames the failing service"),
            "{prompt}"
        );
        match answer {
            "GOOD" => {
                Ok("```json\n{\"pass\": true, \"reason\": \"names payments-api\"}\n```".into())
            }
            "BAD" => Ok("{\"pass\": false, \"reason\": \"no service named\"}".into()),
            "DOWN" => Err(ProviderError::Unavailable {
                provider: "judge".into(),
                status: 529,
                message: "overloaded".into(),
            }),
            _ => Ok("Looks fine to me!".into()),
        }
    }));
    let judge_spec = catalog().get("m-judge").expect("judge model").clone();
    (
        suite(RUBRIC_SUITE),
        candidate("m-paid", echo),
        Judge::new(judge_spec, judge, Duration::from_secs(5)),
    )
}

#[tokio::test]
async fn rubric_checks_are_judged_and_a_bad_judge_fails_only_the_check() {
    let (suite, candidate, judge) = judged_run_parts();
    let report = run(
        &[suite],
        &[candidate],
        Some(&judge),
        &RunOptions::default(),
        |_| {},
    )
    .await
    .expect("a run");
    let by_case: BTreeMap<&str, &CaseResult> = report
        .results
        .iter()
        .map(|r| (r.case.as_str(), r))
        .collect();
    assert!(by_case["good"].passed);
    assert_eq!(
        by_case["good"].checks[0].reason,
        "judge: names payments-api"
    );
    assert!(!by_case["bad"].passed);
    assert_eq!(by_case["bad"].checks[0].reason, "judge: no service named");
    let mumbled = &by_case["mumbled"].checks[0].reason;
    assert!(
        mumbled.starts_with("the judge did not answer with a JSON verdict: \"Looks fine"),
        "{mumbled}"
    );
    let down = &by_case["judge-down"].checks[0].reason;
    assert!(
        down.contains("the judge m-judge failed") && down.contains("overloaded"),
        "{down}"
    );
    // Four candidate answers were judged; three judge calls answered at $1/$4 per Mtok:
    // 1000 × 1 + 250 × 4 = 2000 µ$ each.
    assert_eq!(report.judge_cost, Micros(6_000));
    assert_eq!(report.scorecards[0].passed, 1);
    assert_eq!(report.scorecards[0].cases, 4);
}

#[tokio::test]
async fn rubric_checks_without_a_judge_refuse_the_run() {
    let (suite, candidate, _) = judged_run_parts();
    let err = run(&[suite], &[candidate], None, &RunOptions::default(), |_| {})
        .await
        .expect_err("no judge");
    assert!(
        matches!(err, RunError::NeedsJudge { ref cases } if cases.len() == 4),
        "{err}"
    );
    assert!(err.to_string().contains("set [delegate] judge"), "{err}");
}
