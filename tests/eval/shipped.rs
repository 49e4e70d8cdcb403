//! The shipped suites: they parse, match the built-in copies, reference answers pass every
//! deterministic check, poor answers fail, and the imperative-mood regex tells moods apart.

use switchyard::delegate::eval::{Check, Suite, evaluate, load_dir, starter_suites};

/// Reference answers to the shipped cases: each passes every deterministic check of its case.
const REFERENCE: &[(&str, &str)] = &[
    (
        "session-expiry",
        "Reject expired sessions in SessionStore::get\n\nA session past its expires_at was still returned; treat it as absent.",
    ),
    (
        "retry-backoff",
        "Use exponential backoff with jitter for HTTP retries\n\nReplace the fixed 500 ms sleep with 250 ms doubling up to 8 s plus 20% jitter.",
    ),
    ("readme-typo", "Fix typos in the README"),
    ("dependency-bump", "Bump tokio to 1.43"),
    (
        "conventional-pagination-fix",
        "fix(api): stop page_bounds from returning one item too many\n\nThe end bound added 1, so every page overlapped the next by one item.",
    ),
    (
        "json-output",
        "{\"subject\": \"Allow only the author to delete a note\", \"body\": \"Deleting someone else's note now fails with Forbidden.\"}",
    ),
    (
        "db-pool-exhausted",
        "payments-api has been failing since 09:14:47: POST /v1/charges and /v1/refunds return 503 after timing out waiting 30 s for a connection from the payments-primary pool (20 connections, exhausted). A 28 s ledger_entries query is the likely cause; checkout-web's payment step fails as a result.",
    ),
    (
        "oom-killed-worker",
        "The image-resizer pod in media is being OOM-killed: its resizer container reaches its memory limit (about 1 GiB) and is killed. It is now in a restart back-off loop.",
    ),
    (
        "expired-upstream-certificate",
        "Since 02:14:03 the gateway cannot reach auth-service: the TLS handshake fails because the upstream certificate has expired, so both instances are marked failed and POST /oauth/token has no live upstream.",
    ),
    (
        "noise-around-kafka-failure",
        "orders-worker cannot publish order.created events to Kafka: the broker answers NOT_ENOUGH_REPLICAS, and after 5 attempts the event was parked in the outbox. The orders-api deprecation warnings are unrelated noise.",
    ),
    (
        "json-incident",
        "```json\n{\"service\": \"search-indexer\", \"error\": \"index products-v7 is read-only: disk usage exceeded the flood-stage watermark\", \"first_seen\": \"2026-12-02T07:59:51.902Z\", \"severity\": \"high\"}\n```",
    ),
    (
        "sql-injection",
        "{\"findings\": [{\"line\": 17, \"issue\": \"SQL injection: name is formatted into the query\", \"severity\": \"high\", \"fix\": \"use a parameterised query\"}]}",
    ),
    (
        "hard-coded-credentials",
        "{\"findings\": [{\"line\": 13, \"issue\": \"Hard-coded AWS credentials\", \"severity\": \"critical\", \"fix\": \"load credentials from the environment or a secret manager and rotate these keys\"}]}",
    ),
    (
        "path-traversal",
        "{\"findings\": [{\"line\": 16, \"issue\": \"Path traversal: req.query.name may contain ../\", \"severity\": \"high\", \"fix\": \"resolve the path and check it stays under UPLOAD_DIR\"}]}",
    ),
    ("no-problem-refactor", "{\"findings\": []}"),
    (
        "command-injection",
        "{\"findings\": [{\"line\": 9, \"issue\": \"Command injection via shell=True\", \"severity\": \"critical\", \"fix\": \"pass an argument list without shell=True\"}]}",
    ),
    (
        "jwt-signature-disabled",
        "{\"findings\": [{\"line\": 21, \"issue\": \"JWT signature verification disabled: tokens can be forged\", \"severity\": \"critical\", \"fix\": \"verify with the public key, algorithms and audience\"}]}",
    ),
];

/// Poor answers: each fails at least one deterministic check of every shipped case.
const POOR: &[&str] = &[
    "Added some changes to the code and fixed a few things that were broken in this module.",
    "```\nLooks good to me.\n```",
    "{\"findings\": [{\"line\": 35, \"issue\": \"Rounding mode\", \"severity\": \"medium\"}]}",
];

#[test]
fn the_shipped_suites_parse_and_match_the_built_in_ones() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("config/evals");
    let on_disk = load_dir(&dir).unwrap_or_else(|err| panic!("{err}"));
    let built_in = starter_suites().unwrap_or_else(|err| panic!("{err}"));
    let tasks = |suites: &[Suite]| suites.iter().map(|s| s.task.clone()).collect::<Vec<_>>();
    let mut sorted = tasks(&built_in);
    sorted.sort();
    assert_eq!(
        tasks(&on_disk),
        sorted,
        "every file in config/evals is built in"
    );
    for suite in &on_disk {
        assert!(
            (4..=6).contains(&suite.cases.len()),
            "{}: {} cases",
            suite.task,
            suite.cases.len()
        );
        assert!(!suite.description.is_empty(), "{}", suite.task);
    }
}

#[test]
fn reference_answers_pass_the_shipped_cases_and_poor_ones_fail() {
    let suites = starter_suites().unwrap_or_else(|err| panic!("{err}"));
    let mut covered = 0;
    for suite in &suites {
        for case in &suite.cases {
            let (_, answer) = REFERENCE
                .iter()
                .find(|(name, _)| *name == case.name)
                .unwrap_or_else(|| panic!("no reference answer for {}", case.name));
            for check in &case.checks {
                if matches!(check, Check::Rubric { .. }) {
                    continue;
                }
                let outcome = evaluate(check, answer);
                assert!(
                    outcome.passed,
                    "{}/{}: {}: {}",
                    suite.task, case.name, outcome.check, outcome.reason
                );
            }
            for poor in POOR {
                let failed = case
                    .checks
                    .iter()
                    .filter(|c| !matches!(c, Check::Rubric { .. }))
                    .any(|c| !evaluate(c, poor).passed);
                assert!(
                    failed,
                    "{}/{} passes the poor answer {poor:?}",
                    suite.task, case.name
                );
            }
            covered += 1;
        }
    }
    assert_eq!(covered, REFERENCE.len());
}

#[test]
fn the_imperative_subject_regex_tells_moods_apart() {
    let suites = starter_suites().unwrap_or_else(|err| panic!("{err}"));
    let commit = suites
        .iter()
        .find(|s| s.task == "commit_message")
        .expect("commit suite");
    let imperative = commit.cases[0]
        .checks
        .iter()
        .find(|c| matches!(c, Check::Regex { pattern } if pattern.as_str().contains("[^\\We]d")))
        .expect("the imperative regex");
    for good in [
        "Add retries",
        "Fix typo",
        "Guard against empty input",
        "Bump tokio to 1.43",
        "Use backoff",
        "Process events in order",
        "fix(auth): reject expired tokens",
        "feat!: drop Python 3.8",
        "Log slow queries",
        "Refactor the store",
        "Proceed on partial failure",
    ] {
        assert!(evaluate(imperative, good).passed, "{good:?} is imperative");
    }
    for bad in [
        "Added retries",
        "Fixes typo",
        "Fixing the build",
        "Updated deps",
        "fix(auth): rejected tokens",
        "Adds logging",
        "Refactored the store",
    ] {
        assert!(
            !evaluate(imperative, bad).passed,
            "{bad:?} is not imperative"
        );
    }
}
