//! Evaluations end to end with scripted providers: every check type passing and failing with
//! its reason, rubric checks through a scripted judge, the scorecard math, provider failures,
//! bounded concurrency and timeouts, `switchyard eval` saving to a store, and the shipped
//! suites (they parse, reference answers pass them, poor answers fail them).

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use async_trait::async_trait;
use switchyard::cli::EvalArgs;
use switchyard::cli::SourceArgs;
use switchyard::config::model::{DelegateConfig, ModelConfig};
use switchyard::delegate::accounting::RecordingHook;
use switchyard::delegate::catalog::Catalog;
use switchyard::delegate::eval::runner::scorecards;
use switchyard::delegate::eval::{
    Candidate, CaseResult, Check, Judge, RunError, RunOptions, Suite, evaluate, load_dir, run,
    starter_suites,
};
use switchyard::delegate::money::Micros;
use switchyard::delegate::provider::{
    ChatRequest, ChatResponse, FinishReason, Provider, ProviderError, Providers,
};
use switchyard::delegate::service::Delegation;
use switchyard::delegate::usage::Usage;
use switchyard::store::Store;
use switchyard_core::CallContext;

type Script = dyn Fn(&str) -> Result<String, ProviderError> + Send + Sync;

/// A provider that answers by a script over the prompt, with fixed usage and an optional
/// delay, and counts how many calls are in flight at once.
struct Scripted {
    id: String,
    script: Box<Script>,
    usage: Usage,
    delay: Duration,
    in_flight: AtomicUsize,
    most_in_flight: AtomicUsize,
    calls: AtomicUsize,
}

impl Scripted {
    fn new(
        id: &str,
        script: impl Fn(&str) -> Result<String, ProviderError> + Send + Sync + 'static,
    ) -> Self {
        Scripted {
            id: id.to_owned(),
            script: Box::new(script),
            usage: Usage {
                input_tokens: 1_000,
                output_tokens: 250,
                ..Usage::default()
            },
            delay: Duration::ZERO,
            in_flight: AtomicUsize::new(0),
            most_in_flight: AtomicUsize::new(0),
            calls: AtomicUsize::new(0),
        }
    }

    fn with_delay(mut self, delay: Duration) -> Self {
        self.delay = delay;
        self
    }
}

#[async_trait]
impl Provider for Scripted {
    fn id(&self) -> &str {
        &self.id
    }

    fn kind(&self) -> &'static str {
        "openai"
    }

    async fn complete(
        &self,
        request: &ChatRequest,
        _ctx: &CallContext,
    ) -> Result<ChatResponse, ProviderError> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        let now = self.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
        self.most_in_flight.fetch_max(now, Ordering::SeqCst);
        tokio::time::sleep(self.delay).await;
        self.in_flight.fetch_sub(1, Ordering::SeqCst);
        let prompt = &request.messages.last().expect("a message").content;
        let text = (self.script)(prompt)?;
        Ok(ChatResponse {
            text,
            usage: self.usage,
            finish: FinishReason::Stop,
            model: Some(request.model.clone()),
        })
    }
}

/// A catalog of test models only: `m-paid` ($0.40/$1.60 per Mtok), `m-free`, `m-judge`, and
/// `m-orphan` (its provider is never available).
fn catalog() -> Catalog {
    let mut models = BTreeMap::new();
    for (id, provider, input, output) in [
        ("m-paid", "fake", 0.40, 1.60),
        ("m-free", "fake", 0.0, 0.0),
        ("m-judge", "judge", 1.0, 4.0),
        ("m-orphan", "nowhere", 1.0, 1.0),
    ] {
        models.insert(
            id.to_owned(),
            ModelConfig {
                provider: Some(provider.into()),
                model: Some(id.into()),
                input_usd_per_mtok: Some(input),
                output_usd_per_mtok: Some(output),
                ..ModelConfig::default()
            },
        );
    }
    let (shipped, _) = Catalog::build(&BTreeMap::new(), None);
    for model in shipped.models() {
        models
            .entry(model.id.clone())
            .or_insert_with(|| ModelConfig {
                enabled: Some(false),
                ..ModelConfig::default()
            });
    }
    let (catalog, issues) = Catalog::build(&models, None);
    assert!(issues.is_empty(), "{issues:?}");
    catalog
}

fn candidate(model: &str, provider: Arc<dyn Provider>) -> Candidate {
    Candidate {
        model: catalog().get(model).expect("test model").clone(),
        provider,
    }
}

fn suite(text: &str) -> Suite {
    Suite::parse(text, "test.toml").unwrap_or_else(|err| panic!("{err}"))
}

/// The one check of a one-case suite whose checks are `checks` (TOML).
fn check(checks: &str) -> Check {
    let text = format!(
        "task = \"t\"\n[[cases]]\nname = \"c\"\ninstructions = \"i\"\n[[cases.checks]]\n{checks}\n"
    );
    suite(&text).cases[0].checks[0].clone()
}

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
            "no match for /\\b1[78]\\b/",
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

const RUBRIC_SUITE: &str = r#"
task = "summarize"
[[cases]]
name = "good"
instructions = "summarise"
input = "GOOD"
[[cases.checks]]
type = "rubric"
criteria = "names the failing service"
[[cases]]
name = "bad"
instructions = "summarise"
input = "BAD"
[[cases.checks]]
type = "rubric"
criteria = "names the failing service"
[[cases]]
name = "mumbled"
instructions = "summarise"
input = "MUMBLE"
[[cases.checks]]
type = "rubric"
criteria = "names the failing service"
[[cases]]
name = "judge-down"
instructions = "summarise"
input = "DOWN"
[[cases.checks]]
type = "rubric"
criteria = "names the failing service"
"#;

/// The candidate echoes the input; the judge reads the answer from its prompt.
fn judged_run_parts() -> (Suite, Candidate, Judge) {
    let echo: Arc<dyn Provider> = Arc::new(Scripted::new("fake", |prompt| {
        Ok(prompt.lines().last().unwrap_or_default().to_owned())
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

const TWO_CASES: &str = r#"
task = "commit_message"
[[cases]]
name = "works"
instructions = "write"
input = "fine"
[[cases.checks]]
type = "contains"
value = "Fix"
[[cases]]
name = "breaks"
instructions = "write"
input = "FAIL"
[[cases.checks]]
type = "contains"
value = "Fix"
"#;

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
    let cases: String = (0..8)
        .map(|i| {
            format!(
                "[[cases]]\nname = \"c{i}\"\ninstructions = \"w\"\ninput = \"{}\"\n[[cases.checks]]\ntype = \"contains\"\nvalue = \"ok\"\n",
                if i == 0 { "SLOW" } else { "quick" }
            )
        })
        .collect();
    let suite = suite(&format!("task = \"t\"\n{cases}"));
    let quick =
        Arc::new(Scripted::new("fake", |_| Ok("ok".into())).with_delay(Duration::from_millis(30)));
    let slow_gate: Arc<dyn Provider> = Arc::new(SlowOn {
        inner: Arc::clone(&quick),
    });
    let options = RunOptions {
        concurrency: 2,
        case_timeout: Duration::from_millis(300),
        ..RunOptions::default()
    };
    let report = run(
        &[suite],
        &[candidate("m-free", slow_gate)],
        None,
        &options,
        |_| {},
    )
    .await
    .expect("a run");
    assert!(quick.most_in_flight.load(Ordering::SeqCst) <= 2);
    assert_eq!(quick.calls.load(Ordering::SeqCst), 7);
    let slow = &report.results[0];
    assert_eq!(slow.error.as_deref(), Some("no answer within 300 ms"));
    assert_eq!(
        (report.scorecards[0].cases, report.scorecards[0].passed),
        (8, 7)
    );
    assert_eq!(report.scorecards[0].mean_cost, Micros(0));
}

/// Hangs on prompts containing SLOW, otherwise passes the call on.
struct SlowOn {
    inner: Arc<Scripted>,
}

#[async_trait]
impl Provider for SlowOn {
    fn id(&self) -> &str {
        "fake"
    }

    fn kind(&self) -> &'static str {
        "openai"
    }

    async fn complete(
        &self,
        request: &ChatRequest,
        ctx: &CallContext,
    ) -> Result<ChatResponse, ProviderError> {
        if request.messages[0].content.contains("SLOW") {
            tokio::time::sleep(Duration::from_secs(30)).await;
        }
        self.inner.complete(request, ctx).await
    }
}

fn eval_args(suites: PathBuf, models: &[&str]) -> EvalArgs {
    EvalArgs {
        tasks: Vec::new(),
        models: models.iter().map(|m| (*m).to_owned()).collect(),
        suites: Some(suites),
        judge: None,
        concurrency: 4,
        case_timeout_secs: 10,
        dry_run: false,
        sources: SourceArgs {
            repos: Vec::new(),
            data_dir: None,
        },
    }
}

async fn delegation(dir: &std::path::Path, judge: Option<&str>) -> Delegation {
    let store = Store::open(&dir.join("data")).await.expect("a store");
    let mut providers = Providers::default();
    providers.insert(Arc::new(Scripted::new("fake", |prompt| {
        Ok(if prompt.contains("FAIL") {
            "Nope".into()
        } else {
            "Fix the thing".into()
        })
    })));
    providers.insert(Arc::new(Scripted::new("judge", |_| {
        Ok("{\"pass\": true, \"reason\": \"fine\"}".into())
    })));
    let config = DelegateConfig {
        judge: judge.map(str::to_owned),
        ..DelegateConfig::default()
    };
    Delegation::new(
        config,
        catalog(),
        providers,
        Some(store),
        Arc::new(RecordingHook::default()),
        None,
    )
}

#[tokio::test]
async fn switchyard_eval_saves_scorecards_and_reports() {
    let dir = tempfile::tempdir().expect("temp dir");
    let suites = dir.path().join("evals");
    std::fs::create_dir_all(&suites).expect("suites dir");
    std::fs::write(suites.join("commit.toml"), TWO_CASES).expect("suite");
    std::fs::write(suites.join("notes.txt"), "not a suite").expect("other file");
    let delegation = delegation(dir.path(), None).await;

    let mut out = Vec::new();
    switchyard::cli::eval::run(&delegation, &eval_args(suites.clone(), &[]), &mut out)
        .await
        .expect("eval runs");
    let text = String::from_utf8(out).expect("utf-8");
    // The default is every model with an available provider: m-free and m-paid.
    assert!(text.contains("commit_message  m-free"), "{text}");
    assert!(text.contains("1/2  50%"), "{text}");
    assert!(text.contains("$0.0008"), "{text}");
    assert!(
        text.contains("commit_message/breaks on m-paid: contains \"Fix\": \"Fix\" not found"),
        "{text}"
    );
    assert!(text.contains("saved 2 scorecard(s) to"), "{text}");
    assert!(!text.contains("m-orphan"), "{text}");

    let store = delegation.store().expect("a store");
    let saved = store.scorecards().all().await.expect("readable");
    let summary: Vec<(String, String, u32, u32, Micros)> = saved
        .iter()
        .map(|c| {
            (
                c.task.clone(),
                c.model.clone(),
                c.cases,
                c.passed,
                c.mean_cost,
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            ("commit_message".into(), "m-free".into(), 2, 1, Micros(0)),
            ("commit_message".into(), "m-paid".into(), 2, 1, Micros(800)),
        ]
    );
    assert!(chrono::DateTime::parse_from_rfc3339(&saved[0].measured_at).is_ok());
    // The service now routes with them.
    assert!(
        delegation
            .scorecards()
            .get("commit_message", "m-paid")
            .is_some()
    );
}

#[tokio::test]
async fn switchyard_eval_refuses_unknown_and_unavailable_models_and_dry_runs() {
    let dir = tempfile::tempdir().expect("temp dir");
    let suites = dir.path().join("evals");
    std::fs::create_dir_all(&suites).expect("suites dir");
    std::fs::write(suites.join("commit.toml"), TWO_CASES).expect("suite");
    std::fs::write(suites.join("summarize.toml"), RUBRIC_SUITE).expect("suite");
    let delegation = delegation(dir.path(), None).await;
    let mut out = Vec::new();

    let err = switchyard::cli::eval::run(
        &delegation,
        &eval_args(suites.clone(), &["gpt-9"]),
        &mut out,
    )
    .await
    .expect_err("unknown model");
    let text = err.to_string();
    assert!(
        text.contains(
            "\"gpt-9\" is not a catalog model; the catalog has m-free, m-judge, m-orphan, m-paid"
        ),
        "{text}"
    );

    let err = switchyard::cli::eval::run(
        &delegation,
        &eval_args(suites.clone(), &["m-orphan"]),
        &mut out,
    )
    .await
    .expect_err("unavailable provider");
    assert!(
        err.to_string()
            .contains("provider \"nowhere\", which is not available"),
        "{err}"
    );

    let mut args = eval_args(suites.clone(), &["m-paid", "m-orphan"]);
    args.dry_run = true;
    let mut out = Vec::new();
    switchyard::cli::eval::run(&delegation, &args, &mut out)
        .await
        .expect("dry run");
    let text = String::from_utf8(out).expect("utf-8");
    assert!(
        text.contains("4 case(s) left out: their rubric checks need a judge"),
        "{text}"
    );
    assert!(text.contains("model m-orphan: 2 calls"), "{text}");
    assert!(text.contains("provider nowhere not available"), "{text}");
    assert!(text.contains("nothing was run"), "{text}");
    let saved = delegation
        .store()
        .expect("store")
        .scorecards()
        .all()
        .await
        .expect("readable");
    assert!(saved.is_empty(), "a dry run saved {saved:?}");

    let mut args = eval_args(suites, &["m-paid"]);
    args.tasks = vec!["summarize".into()];
    let err = switchyard::cli::eval::run(&delegation, &args, &mut Vec::new())
        .await
        .expect_err("only rubric cases, no judge");
    assert!(err.to_string().contains("no judge is configured"), "{err}");
}

#[tokio::test]
async fn switchyard_eval_uses_the_configured_judge() {
    let dir = tempfile::tempdir().expect("temp dir");
    let suites = dir.path().join("evals");
    std::fs::create_dir_all(&suites).expect("suites dir");
    std::fs::write(suites.join("summarize.toml"), RUBRIC_SUITE).expect("suite");
    let delegation = delegation(dir.path(), Some("m-judge")).await;
    let mut out = Vec::new();
    switchyard::cli::eval::run(&delegation, &eval_args(suites, &["m-paid"]), &mut out)
        .await
        .expect("eval runs");
    let text = String::from_utf8(out).expect("utf-8");
    assert!(text.contains("summarize  m-paid"), "{text}");
    assert!(text.contains("4/4 100%"), "{text}");
    assert!(text.contains("judge m-judge: $0.008 in all"), "{text}");
}

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
