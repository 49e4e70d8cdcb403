//! Routing table tests: tier choice and escalation, the quality floor and latency target with
//! scorecards, priorities, overrides allowed and refused, the cheapest-eligible rule, fallback
//! order, data residency (never relaxed), and budget pressure.

use std::collections::{BTreeMap, HashSet};

use switchyard::config::model::{DelegateConfig, ModelConfig, TaskPolicyConfig, TeamPolicyConfig};
use switchyard::delegate::catalog::Catalog;
use switchyard::delegate::money::Micros;
use switchyard::delegate::policy::Policy;
use switchyard::delegate::provider::Preferences;
use switchyard::delegate::router::{Evidence, RouteError, RouteRequest, Router};
use switchyard::delegate::scorecard::{Scorecard, Scorecards};
use switchyard_core::DataClass;

/// A small catalog of our own (the shipped one is disabled so prices here are the only ones).
fn catalog() -> Catalog {
    let mut models = BTreeMap::new();
    let mut add =
        |id: &str, provider: &str, tier: &str, input: f64, output: f64, classes: &[DataClass]| {
            models.insert(
                id.to_owned(),
                ModelConfig {
                    provider: Some(provider.into()),
                    model: Some(id.into()),
                    tier: Some(tier.into()),
                    input_usd_per_mtok: Some(input),
                    output_usd_per_mtok: Some(output),
                    context_window: Some(100_000),
                    max_output: Some(8_000),
                    data_classes: Some(classes.to_vec()),
                    ..ModelConfig::default()
                },
            );
        };
    let hosted = [DataClass::Public, DataClass::Internal];
    let inside = [
        DataClass::Public,
        DataClass::Internal,
        DataClass::Confidential,
    ];
    add("cheap-a", "hosted", "fast", 0.10, 0.40, &hosted);
    add("cheap-b", "hosted", "fast", 0.20, 0.80, &hosted);
    add("mid", "hosted", "balanced", 1.00, 4.00, &hosted);
    add("big", "hosted", "frontier", 5.00, 25.00, &hosted);
    add("local", "onprem", "fast", 0.0, 0.0, &inside);
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

fn providers(ids: &[&str]) -> HashSet<String> {
    ids.iter().map(|s| (*s).to_owned()).collect()
}

fn request(task: &str) -> RouteRequest {
    RouteRequest {
        task: task.to_owned(),
        team: None,
        data_class: DataClass::Internal,
        input_tokens: 1_000,
        max_output_tokens: 500,
        priorities: None,
        model: None,
        max_cost: None,
        budget_pressure: None,
    }
}

fn card(task: &str, model: &str, passed: u32, p50: u64) -> Scorecard {
    Scorecard {
        task: task.into(),
        model: model.into(),
        cases: 10,
        passed,
        p50_latency_ms: p50,
        mean_cost: Micros(100),
        measured_at: "2026-12-01T00:00:00Z".into(),
    }
}

fn order(decision: &switchyard::delegate::router::Decision) -> Vec<&str> {
    decision.ranked.iter().map(|r| r.model.as_str()).collect()
}

#[test]
fn the_task_tier_is_chosen_and_the_cheapest_model_of_it_first() {
    let catalog = catalog();
    let policy = Policy::from_config(&DelegateConfig::default());
    let scorecards = Scorecards::default();
    let available = providers(&["hosted"]);
    let router = Router {
        catalog: &catalog,
        policy: &policy,
        scorecards: &scorecards,
        providers: &available,
    };
    let decision = router.route(&request("commit_message")).unwrap();
    assert_eq!(order(&decision), vec!["cheap-a", "cheap-b"]);
    assert!(
        decision
            .rule
            .contains("built-in policy for commit_message: tier fast"),
        "{}",
        decision.rule
    );
    assert!(
        decision.rule.contains("cheapest eligible"),
        "{}",
        decision.rule
    );
    // 1000 in × $0.10/M + 500 out × $0.40/M = 100 + 200 = 300 micro-dollars.
    assert_eq!(decision.ranked[0].estimated_cost, Micros(300));
    assert_eq!(decision.ranked[0].evidence, Evidence::Tier);
    let review = router.route(&request("security_review")).unwrap();
    assert_eq!(order(&review), vec!["big"]);
}

#[test]
fn no_eligible_model_in_the_tier_escalates_upward_never_down() {
    let catalog = catalog();
    let policy = Policy::from_config(&DelegateConfig::default());
    let scorecards = Scorecards::new([
        card("commit_message", "cheap-a", 2, 500),
        card("commit_message", "cheap-b", 3, 500),
    ]);
    let available = providers(&["hosted"]);
    let router = Router {
        catalog: &catalog,
        policy: &policy,
        scorecards: &scorecards,
        providers: &available,
    };
    let decision = router.route(&request("commit_message")).unwrap();
    assert_eq!(order(&decision), vec!["mid"]);
    assert!(
        decision.rule.contains("escalated to balanced"),
        "{}",
        decision.rule
    );
    let reasons: Vec<&str> = decision
        .rejected
        .iter()
        .map(|r| r.reason.as_str())
        .collect();
    assert!(
        reasons
            .iter()
            .any(|r| r.contains("pass rate 20% is below the commit_message quality floor of 80%")),
        "{reasons:?}"
    );
}

#[test]
fn the_quality_floor_and_latency_target_use_the_scorecards() {
    let catalog = catalog();
    let mut config = DelegateConfig::default();
    config.tasks.insert(
        "summarize".into(),
        TaskPolicyConfig {
            tier: Some("fast".into()),
            quality_floor: Some(0.7),
            latency_target_ms: Some(1_000),
            ..Default::default()
        },
    );
    let policy = Policy::from_config(&config);
    let scorecards = Scorecards::new([
        card("summarize", "cheap-a", 9, 4_000),
        card("summarize", "cheap-b", 8, 600),
    ]);
    let available = providers(&["hosted"]);
    let router = Router {
        catalog: &catalog,
        policy: &policy,
        scorecards: &scorecards,
        providers: &available,
    };
    let decision = router.route(&request("summarize")).unwrap();
    assert_eq!(order(&decision), vec!["cheap-b"]);
    assert_eq!(decision.ranked[0].evidence, Evidence::Scorecard);
    assert!(
        decision.ranked[0]
            .scorecard
            .as_deref()
            .unwrap_or_default()
            .contains("8/10 passed")
    );
    assert!(
        decision.rejected.iter().any(
            |r| r.model == "cheap-a" && r.reason.contains("4000 ms is over the 1000 ms target")
        )
    );
}

#[test]
fn priorities_trade_cost_for_quality_and_speed() {
    let catalog = catalog();
    let mut config = DelegateConfig::default();
    config.tasks.insert(
        "code_review".into(),
        TaskPolicyConfig {
            candidates: Some(vec!["cheap-a".into(), "mid".into(), "big".into()]),
            quality_floor: Some(0.0),
            ..Default::default()
        },
    );
    let policy = Policy::from_config(&config);
    let scorecards = Scorecards::default();
    let available = providers(&["hosted"]);
    let router = Router {
        catalog: &catalog,
        policy: &policy,
        scorecards: &scorecards,
        providers: &available,
    };
    let cheapest = router.route(&request("code_review")).unwrap();
    assert_eq!(order(&cheapest), vec!["cheap-a", "mid", "big"]);
    let mut quality = request("code_review");
    quality.priorities = Some(Preferences {
        cost: 0.0,
        speed: 0.0,
        quality: 1.0,
    });
    assert_eq!(order(&router.route(&quality).unwrap())[0], "big");
    let mut speed = request("code_review");
    speed.priorities = Some(Preferences {
        cost: 0.0,
        speed: 1.0,
        quality: 0.0,
    });
    assert_eq!(order(&router.route(&speed).unwrap())[0], "cheap-a");
    let mut balanced = request("code_review");
    balanced.priorities = Some(Preferences {
        cost: 0.5,
        speed: 0.0,
        quality: 0.5,
    });
    let decision = router.route(&balanced).unwrap();
    assert_eq!(decision.weights, [0.5, 0.0, 0.5]);

    // Budget pressure: the cheapest eligible candidate first whatever the priorities, the
    // rest still in order of cost, and the rule and a note say why.
    let mut pressed = quality.clone();
    pressed.budget_pressure = Some("budgets.teams.payments is past its soft limit".into());
    let decision = router.route(&pressed).unwrap();
    assert_eq!(order(&decision), vec!["cheap-a", "mid", "big"]);
    assert!(
        decision.rule.ends_with(
            "; budget pressure (budgets.teams.payments is past its soft limit): the cheapest eligible candidate first"
        ),
        "{}",
        decision.rule
    );
    assert_eq!(
        decision.notes,
        [
            "budget warning: budgets.teams.payments is past its soft limit; the cheapest eligible model was chosen"
        ]
    );
}

#[test]
fn explicit_models_are_honoured_when_allowed_and_refused_with_the_reason() {
    let catalog = catalog();
    let mut config = DelegateConfig::default();
    config.teams.insert(
        "locked".into(),
        TeamPolicyConfig {
            allow_model_override: Some(false),
            ..Default::default()
        },
    );
    let policy = Policy::from_config(&config);
    let scorecards = Scorecards::default();
    let available = providers(&["hosted"]);
    let router = Router {
        catalog: &catalog,
        policy: &policy,
        scorecards: &scorecards,
        providers: &available,
    };
    let mut named = request("commit_message");
    named.model = Some("big".into());
    let decision = router.route(&named).unwrap();
    assert_eq!(order(&decision), vec!["big"]);
    assert!(decision.rule.starts_with("the caller named big"));
    named.team = Some("locked".into());
    let err = router.route(&named).unwrap_err();
    assert!(matches!(err, RouteError::OverrideRefused { .. }));
    assert!(
        err.to_string().contains("not allowed for team locked"),
        "{err}"
    );
    let mut unknown = request("commit_message");
    unknown.model = Some("gpt-9".into());
    assert!(matches!(
        router.route(&unknown),
        Err(RouteError::UnknownModel { .. })
    ));
}

#[test]
fn confidential_context_only_reaches_cleared_models_and_is_never_relaxed() {
    let catalog = catalog();
    let policy = Policy::from_config(&DelegateConfig::default());
    let scorecards = Scorecards::default();
    let both = providers(&["hosted", "onprem"]);
    let router = Router {
        catalog: &catalog,
        policy: &policy,
        scorecards: &scorecards,
        providers: &both,
    };
    let mut secret = request("security_review");
    secret.data_class = DataClass::Confidential;
    // security_review wants frontier; only the on-prem fast model is cleared. Escalation goes up
    // from frontier, so nothing is eligible: refuse rather than relax residency.
    let err = router.route(&secret).unwrap_err();
    let RouteError::NoneEligible { reasons, .. } = &err else {
        panic!("{err}")
    };
    assert!(
        reasons.contains("big (not cleared for confidential data"),
        "{reasons}"
    );
    let mut summary = request("summarize");
    summary.data_class = DataClass::Confidential;
    let decision = router.route(&summary).unwrap();
    assert_eq!(order(&decision), vec!["local"]);
    // Naming an uncleared model does not get around residency either.
    summary.model = Some("cheap-a".into());
    let err = router.route(&summary).unwrap_err();
    assert!(
        err.to_string().contains("not cleared for confidential"),
        "{err}"
    );
    let mut restricted = request("summarize");
    restricted.data_class = DataClass::Restricted;
    assert!(router.route(&restricted).is_err());
}

#[test]
fn unavailable_providers_team_denials_windows_and_cost_caps_are_reasons() {
    let catalog = catalog();
    let mut config = DelegateConfig::default();
    config.teams.insert(
        "frugal".into(),
        TeamPolicyConfig {
            deny_models: vec!["cheap-a".into()],
            ..Default::default()
        },
    );
    let policy = Policy::from_config(&config);
    let scorecards = Scorecards::default();
    let only_local = providers(&["onprem"]);
    let router = Router {
        catalog: &catalog,
        policy: &policy,
        scorecards: &scorecards,
        providers: &only_local,
    };
    let decision = router.route(&request("commit_message")).unwrap();
    assert_eq!(order(&decision), vec!["local"]);
    assert!(
        decision
            .rejected
            .iter()
            .any(|r| r.model == "cheap-a" && r.reason == "provider hosted is not configured")
    );

    let hosted = providers(&["hosted"]);
    let router = Router {
        catalog: &catalog,
        policy: &policy,
        scorecards: &scorecards,
        providers: &hosted,
    };
    let mut frugal = request("commit_message");
    frugal.team = Some("frugal".into());
    assert_eq!(order(&router.route(&frugal).unwrap()), vec!["cheap-b"]);
    let mut huge = request("commit_message");
    huge.input_tokens = 99_800;
    let err = router.route(&huge).unwrap_err();
    assert!(err.to_string().contains("context window"), "{err}");
    let mut capped = request("code_review");
    capped.max_cost = Some(Micros(2_000));
    // code_review is balanced: mid costs 1000×1 + 500×4 = 3000 µ$ > 2000, big more; the cap
    // never sends the review down to a cheaper tier.
    let err = router.route(&capped).unwrap_err();
    assert!(
        err.to_string()
            .contains("mid (estimated $0.003 is over max_cost_usd $0.002)"),
        "{err}"
    );
    let mut summary = request("summarize");
    summary.max_cost = Some(Micros(400));
    let decision = router.route(&summary).unwrap();
    assert_eq!(order(&decision), vec!["cheap-a"]);
    assert!(
        decision
            .rejected
            .iter()
            .any(|r| r.model == "cheap-b" && r.reason.contains("over max_cost_usd"))
    );
}

#[test]
fn fallbacks_follow_the_ranking_and_stop_at_max_attempts() {
    let catalog = catalog();
    let mut config = DelegateConfig {
        max_attempts: 2,
        ..DelegateConfig::default()
    };
    config.tasks.insert(
        "general".into(),
        TaskPolicyConfig {
            candidates: Some(vec![
                "big".into(),
                "mid".into(),
                "cheap-b".into(),
                "cheap-a".into(),
            ]),
            ..Default::default()
        },
    );
    let policy = Policy::from_config(&config);
    let scorecards = Scorecards::default();
    let hosted = providers(&["hosted"]);
    let router = Router {
        catalog: &catalog,
        policy: &policy,
        scorecards: &scorecards,
        providers: &hosted,
    };
    let decision = router.route(&request("general")).unwrap();
    assert_eq!(order(&decision), vec!["cheap-a", "cheap-b"]);
    // The eligible models left out are not silently dropped from the record.
    for left_out in ["mid", "big"] {
        assert!(
            decision.rejected.iter().any(|r| r.model == left_out
                && r.reason
                    == "eligible, but ranked below the 2 attempts [delegate] max_attempts allows"),
            "{:?}",
            decision.rejected
        );
    }
}

#[test]
fn with_only_lower_tier_models_reachable_routing_falls_down_and_says_so() {
    let catalog = catalog();
    let policy = Policy::from_config(&DelegateConfig::default());
    let scorecards = Scorecards::default();
    // A local-only setup: nothing balanced or frontier can be called at all.
    let only_local = providers(&["onprem"]);
    let router = Router {
        catalog: &catalog,
        policy: &policy,
        scorecards: &scorecards,
        providers: &only_local,
    };
    for task in ["code_review", "security_review", "general"] {
        let decision = router.route(&request(task)).unwrap();
        assert_eq!(order(&decision), vec!["local"], "{task}");
        assert!(
            decision.rule.contains("or above; fell back to fast"),
            "{}",
            decision.rule
        );
        assert!(
            decision
                .notes
                .iter()
                .any(|n| n.contains("a fast model answers instead")),
            "{:?}",
            decision.notes
        );
    }
    let mut secret = request("code_review");
    secret.data_class = DataClass::Confidential;
    assert_eq!(order(&router.route(&secret).unwrap()), vec!["local"]);
    // When the tier's models can be called but are refused (here: a cost cap), the refusal
    // stands; routing does not go down to meet it.
    let hosted = providers(&["hosted"]);
    let router = Router {
        catalog: &catalog,
        policy: &policy,
        scorecards: &scorecards,
        providers: &hosted,
    };
    let mut capped = request("code_review");
    capped.max_cost = Some(Micros(2_000));
    assert!(router.route(&capped).is_err());
}

#[test]
fn the_cost_cap_allows_for_a_tokenizer_that_counts_more_than_the_estimate() {
    let catalog = catalog();
    let policy = Policy::from_config(&DelegateConfig::default());
    let scorecards = Scorecards::default();
    let hosted = providers(&["hosted"]);
    let router = Router {
        catalog: &catalog,
        policy: &policy,
        scorecards: &scorecards,
        providers: &hosted,
    };
    // cheap-a: 1000 in × $0.10/M + 500 out × $0.40/M = 300 µ$; with 1500 input tokens, 350 µ$.
    let mut tight = request("commit_message");
    tight.max_cost = Some(Micros(320));
    let err = router.route(&tight).unwrap_err();
    assert!(
        err.to_string().contains(
            "cheap-a (estimated $0.0003, but up to $0.00035 if its tokenizer counts half again as many input tokens, is over max_cost_usd $0.00032)"
        ),
        "{err}"
    );
    tight.max_cost = Some(Micros(350));
    assert_eq!(order(&router.route(&tight).unwrap()), vec!["cheap-a"]);
}

#[test]
fn with_no_provider_the_error_says_how_to_configure_one() {
    let catalog = catalog();
    let policy = Policy::from_config(&DelegateConfig::default());
    let scorecards = Scorecards::default();
    let none = HashSet::new();
    let router = Router {
        catalog: &catalog,
        policy: &policy,
        scorecards: &scorecards,
        providers: &none,
    };
    let err = router.route(&request("general")).unwrap_err();
    let text = err.to_string();
    assert!(
        text.contains("OPENAI_API_KEY") && text.contains("Ollama") && text.contains("[providers."),
        "{text}"
    );
}

#[test]
fn a_teams_models_and_tiers_limit_what_routing_may_choose_and_name_the_rule() {
    let catalog = catalog();
    let mut config = DelegateConfig::default();
    config.teams.insert(
        "pinned".into(),
        TeamPolicyConfig {
            only_models: Some(vec!["cheap-b".into(), "mid".into()]),
            ..Default::default()
        },
    );
    config.teams.insert(
        "fastonly".into(),
        TeamPolicyConfig {
            only_tiers: Some(vec!["fast".into()]),
            ..Default::default()
        },
    );
    let policy = Policy::from_config(&config);
    let scorecards = Scorecards::default();
    let hosted = providers(&["hosted"]);
    let router = Router {
        catalog: &catalog,
        policy: &policy,
        scorecards: &scorecards,
        providers: &hosted,
    };
    let mut pinned = request("commit_message");
    pinned.team = Some("pinned".into());
    let decision = router.route(&pinned).unwrap();
    assert_eq!(order(&decision), vec!["cheap-b"]);
    assert!(
        decision.rejected.iter().any(|r| r.model == "cheap-a"
            && r.reason == "refused by teams.pinned.policy.models does not contain \"cheap-a\""),
        "{:?}",
        decision.rejected
    );
    pinned.model = Some("big".into());
    let err = router.route(&pinned).unwrap_err();
    assert!(
        err.to_string()
            .contains("teams.pinned.policy.models does not contain \"big\""),
        "{err}"
    );
    let mut fast = request("security_review");
    fast.team = Some("fastonly".into());
    match router.route(&fast) {
        Ok(decision) => assert!(
            decision.ranked.iter().all(|r| r.model.starts_with("cheap")),
            "{:?}",
            order(&decision)
        ),
        Err(err) => assert!(
            err.to_string().contains("teams.fastonly.policy.tiers"),
            "{err}"
        ),
    }
    // Other teams are not limited.
    let mut other = request("commit_message");
    other.team = Some("other".into());
    assert_eq!(
        order(&router.route(&other).unwrap()),
        vec!["cheap-a", "cheap-b"]
    );
}

#[tokio::test]
async fn team_policies_in_config_reach_the_router() {
    use switchyard::app::{App, Overrides};
    use switchyard::config::{ConfigSource, Loaded, load::parse};
    let dir = tempfile::tempdir().unwrap();
    let config = parse(
        "[teams.payments.policy]\nmodels = [\"gpt-4.1-mini\"]\ntiers = [\"fast\"]\nmodel_override = false\n",
    )
    .unwrap();
    let app = App::build(
        Loaded::from_config(config, ConfigSource::Embedded),
        &Overrides {
            data_dir: Some(dir.path().to_path_buf()),
            ..Overrides::default()
        },
    )
    .await
    .unwrap_or_else(|err| panic!("{err}"));
    let policy = app.delegation().expect("delegation is on").policy();
    assert!(!policy.override_allowed(Some("payments")));
    assert!(policy.override_allowed(Some("other")));
    assert_eq!(
        policy.team_rule_refusing(Some("payments"), "gpt-5", "frontier"),
        Some("teams.payments.policy.models does not contain \"gpt-5\"".to_owned())
    );
    assert_eq!(
        policy.team_rule_refusing(Some("payments"), "gpt-4.1-mini", "fast"),
        None
    );
}
