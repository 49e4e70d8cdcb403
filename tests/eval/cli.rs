//! `switchyard eval` over a delegation with scripted providers and a temporary store.

use std::path::PathBuf;
use std::sync::Arc;

use clap::Parser;
use switchyard::cli::eval::EvalError;
use switchyard::cli::{Cli, EvalArgs, SourceArgs};
use switchyard::config::model::DelegateConfig;
use switchyard::delegate::accounting::RecordingHook;
use switchyard::delegate::money::Micros;
use switchyard::delegate::provider::http::HttpSettings;
use switchyard::delegate::provider::openai::OpenAiProvider;
use switchyard::delegate::provider::{Provider, Providers};
use switchyard::delegate::service::Delegation;
use switchyard::store::Store;

use crate::support::{RUBRIC_SUITE, Scripted, TWO_CASES, catalog};

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
    let fake: Arc<dyn Provider> = Arc::new(Scripted::new("fake", |prompt| {
        Ok(if prompt.contains("FAIL") {
            "Nope".into()
        } else {
            "Fix the thing".into()
        })
    }));
    delegation_with(dir, judge, fake).await
}

/// A delegation whose models `m-paid` and `m-free` are served by `fake`.
async fn delegation_with(
    dir: &std::path::Path,
    judge: Option<&str>,
    fake: Arc<dyn Provider>,
) -> Delegation {
    let store = Store::open(&dir.join("data")).await.expect("a store");
    let mut providers = Providers::default();
    providers.insert(fake);
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
    // The default is every model with an available provider: m-free, m-judge and m-paid.
    assert!(text.contains("commit_message  m-free"), "{text}");
    assert!(text.contains("1/2  50%"), "{text}");
    assert!(text.contains("$0.0008"), "{text}");
    assert!(
        text.contains("commit_message/breaks on m-paid: contains \"Fix\": \"Fix\" not found"),
        "{text}"
    );
    assert!(text.contains("saved 3 scorecard(s) to"), "{text}");
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
            (
                "commit_message".into(),
                "m-judge".into(),
                2,
                0,
                Micros(2_000)
            ),
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
            "model \"gpt-9\" is not a catalog model; the catalog has m-free, m-judge, m-orphan, m-paid"
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

#[tokio::test]
async fn a_judge_is_checked_only_when_a_case_needs_one() {
    let dir = tempfile::tempdir().expect("temp dir");
    let suites = dir.path().join("evals");
    std::fs::create_dir_all(&suites).expect("suites dir");
    std::fs::write(suites.join("commit.toml"), TWO_CASES).expect("suite");
    // m-orphan's provider is not available, but no case has a rubric check.
    let delegation = delegation(dir.path(), Some("m-orphan")).await;
    let mut out = Vec::new();
    switchyard::cli::eval::run(
        &delegation,
        &eval_args(suites.clone(), &["m-paid"]),
        &mut out,
    )
    .await
    .expect("eval runs without its judge");
    let text = String::from_utf8(out).expect("utf-8");
    assert!(!text.contains("judge"), "{text}");

    std::fs::write(suites.join("summarize.toml"), RUBRIC_SUITE).expect("suite");
    let err = switchyard::cli::eval::run(
        &delegation,
        &eval_args(suites.clone(), &["m-paid"]),
        &mut Vec::new(),
    )
    .await
    .expect_err("the judge is needed and unavailable");
    assert!(
        err.to_string()
            .starts_with("the judge m-orphan is served by the provider \"nowhere\""),
        "{err}"
    );
    let mut args = eval_args(suites, &["m-paid"]);
    args.judge = Some("m-judgy".into());
    let err = switchyard::cli::eval::run(&delegation, &args, &mut Vec::new())
        .await
        .expect_err("unknown judge");
    assert!(
        err.to_string()
            .starts_with("judge \"m-judgy\" is not a catalog model"),
        "{err}"
    );
}

#[test]
fn zero_concurrency_and_a_zero_case_timeout_are_refused() {
    for (flag, range) in [
        ("--concurrency", "1..=1024"),
        ("--case-timeout-secs", "1..=86400"),
    ] {
        let err = Cli::try_parse_from(["switchyard", "eval", flag, "0"]).expect_err("0 is refused");
        let text = err.to_string();
        assert!(
            text.contains(&format!("invalid value '0' for '{flag}")),
            "{text}"
        );
        assert!(text.contains(&format!("0 is not in {range}")), "{text}");
    }
    let cli = Cli::try_parse_from([
        "switchyard",
        "eval",
        "--concurrency",
        "1",
        "--case-timeout-secs",
        "1",
    ])
    .expect("1 is the least");
    let switchyard::cli::Command::Eval(args) = cli.command else {
        panic!("not eval: {:?}", cli.command)
    };
    assert_eq!((args.concurrency, args.case_timeout_secs), (1, 1));
}

#[tokio::test]
async fn a_model_that_answers_nothing_fails_the_run_and_is_named() {
    let dir = tempfile::tempdir().expect("temp dir");
    let suites = dir.path().join("evals");
    std::fs::create_dir_all(&suites).expect("suites dir");
    std::fs::write(suites.join("commit.toml"), TWO_CASES).expect("suite");
    // A model server that answers too late: the client's deadline and the runner's backstop
    // race, and whichever wins, each failure is reported once, in one wording.
    let server = wiremock::MockServer::start().await;
    wiremock::Mock::given(wiremock::matchers::method("POST"))
        .respond_with(
            wiremock::ResponseTemplate::new(200).set_delay(std::time::Duration::from_secs(10)),
        )
        .mount(&server)
        .await;
    let settings = HttpSettings::new(&format!("{}/v1", server.uri()), None).expect("settings");
    let mock = OpenAiProvider::new("fake", &settings).expect("a provider");
    let delegation = delegation_with(dir.path(), None, Arc::new(mock)).await;
    let mut args = eval_args(suites, &["m-paid", "m-judge"]);
    args.case_timeout_secs = 1;
    let mut out = Vec::new();
    let err = switchyard::cli::eval::run(&delegation, &args, &mut out)
        .await
        .expect_err("m-paid answered nothing");
    let text = String::from_utf8(out).expect("utf-8");
    assert!(matches!(err, EvalError::NoAnswers { .. }), "{err:?}");
    assert_eq!(
        err.to_string(),
        "no answer to any case from m-paid (commit_message); see the failures above"
    );
    assert!(
        text.contains("commit_message  m-paid   no answer to any case: no scorecard"),
        "{text}"
    );
    assert!(
        text.contains("commit_message/works on m-paid: no answer within 1 s\n"),
        "{text}"
    );
    assert!(
        text.contains("commit_message/breaks on m-paid: no answer within 1 s\n"),
        "{text}"
    );
    assert!(!text.contains("did not answer"), "{text}");
    // The model that answered still gets its scorecard.
    assert!(text.contains("saved 1 scorecard(s)"), "{text}");
    let saved = delegation
        .store()
        .expect("store")
        .scorecards()
        .all()
        .await
        .expect("readable");
    assert_eq!(saved.len(), 1);
    assert_eq!(saved[0].model, "m-judge");
}
