//! `delegate`, `route_preview` and `list_models` through the registry, with recording fake
//! providers and fake sources of different data classes: what each model receives, fallbacks,
//! residency, accounting, progress and the decision record.

#![expect(
    clippy::expect_used,
    reason = "test helpers that cannot set up fail the test"
)]

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use serde_json::json;
use switchyard::config::model::{DelegateConfig, ModelConfig, ResponseConfig, ToolsConfig};
use switchyard::delegate::accounting::RecordingHook;
use switchyard::delegate::catalog::Catalog;
use switchyard::delegate::money::Micros;
use switchyard::delegate::provider::{
    ChatRequest, ChatResponse, FinishReason, Provider, ProviderError, Providers,
};
use switchyard::delegate::service::Delegation;
use switchyard::delegate::usage::Usage;
use switchyard::registry::{CallExtras, Registry, RegistryOptions};
use switchyard_core::{
    CallContext, CheckReport, Connector, ConnectorError, DataClass, ErrorKind, ItemUri, JsonObject,
    ProgressSink, ToolOutput, ToolSpec,
};

/// A provider that records what it receives and answers by a script.
struct FakeProvider {
    id: &'static str,
    fail_with: Option<ProviderError>,
    answer: Option<String>,
    delay: Option<std::time::Duration>,
    seen: Mutex<Vec<ChatRequest>>,
}

impl FakeProvider {
    fn new(id: &'static str) -> Arc<FakeProvider> {
        Arc::new(FakeProvider {
            id,
            fail_with: None,
            answer: None,
            delay: None,
            seen: Mutex::new(Vec::new()),
        })
    }

    fn failing(id: &'static str, error: ProviderError) -> Arc<FakeProvider> {
        Arc::new(FakeProvider {
            id,
            fail_with: Some(error),
            answer: None,
            delay: None,
            seen: Mutex::new(Vec::new()),
        })
    }

    /// Answers `text` (with the usual usage) instead of naming itself.
    fn answering(id: &'static str, text: String) -> Arc<FakeProvider> {
        Arc::new(FakeProvider {
            id,
            fail_with: None,
            answer: Some(text),
            delay: None,
            seen: Mutex::new(Vec::new()),
        })
    }

    /// Takes `delay` before answering.
    fn slow(id: &'static str, delay: std::time::Duration) -> Arc<FakeProvider> {
        Arc::new(FakeProvider {
            id,
            fail_with: None,
            answer: None,
            delay: Some(delay),
            seen: Mutex::new(Vec::new()),
        })
    }

    fn requests(&self) -> Vec<ChatRequest> {
        self.seen.lock().expect("lock").clone()
    }
}

#[async_trait]
impl Provider for FakeProvider {
    fn id(&self) -> &str {
        self.id
    }
    fn kind(&self) -> &'static str {
        "fake"
    }
    async fn complete(
        &self,
        request: &ChatRequest,
        _: &CallContext,
    ) -> Result<ChatResponse, ProviderError> {
        self.seen.lock().expect("lock").push(request.clone());
        if let Some(delay) = self.delay {
            tokio::time::sleep(delay).await;
        }
        if let Some(error) = &self.fail_with {
            return Err(error.clone());
        }
        Ok(ChatResponse {
            text: self
                .answer
                .clone()
                .unwrap_or_else(|| format!("answer from {} ({})", self.id, request.model)),
            usage: Usage {
                input_tokens: 1_000,
                cached_input_tokens: 200,
                output_tokens: 100,
                reasoning_tokens: 20,
            },
            finish: FinishReason::Stop,
            model: Some(request.model.clone()),
        })
    }
}

/// A readable source with a fixed body.
struct Source {
    id: &'static str,
    body: &'static str,
}

#[async_trait]
impl Connector for Source {
    fn id(&self) -> &str {
        self.id
    }
    fn kind(&self) -> &'static str {
        "fake"
    }
    fn tools(&self) -> &[ToolSpec] {
        &[]
    }
    async fn call(
        &self,
        _: &str,
        _: &JsonObject,
        _: &CallContext,
    ) -> Result<ToolOutput, ConnectorError> {
        Err(ConnectorError::internal("no tools"))
    }
    async fn check(&self) -> CheckReport {
        CheckReport::ok("fake")
    }
    async fn read(&self, uri: &ItemUri, _: &CallContext) -> Result<ToolOutput, ConnectorError> {
        Ok(ToolOutput::text(format!("{} says: {}", uri, self.body)))
    }
}

#[derive(Default)]
struct Progress(Mutex<Vec<String>>);

impl ProgressSink for Progress {
    fn report(&self, _: u64, _: Option<u64>, message: &str) {
        self.0.lock().expect("lock").push(message.to_owned());
    }
}

struct World {
    registry: Registry,
    hook: Arc<RecordingHook>,
}

/// hosted-cheap ($0.10/$0.40), hosted-dear ($1/$4), onprem (free, cleared for confidential),
/// and frontier-ref ($5/$25, the baseline); sources: docs (public), vault (confidential).
fn build_world(providers: &[Arc<FakeProvider>], config: DelegateConfig) -> World {
    let mut models = BTreeMap::new();
    let mut add =
        |id: &str, provider: &str, tier: &str, input: f64, output: f64, classes: &[DataClass]| {
            models.insert(
                id.to_owned(),
                ModelConfig {
                    provider: Some(provider.into()),
                    model: Some(format!("{id}-v1")),
                    tier: Some(tier.into()),
                    input_usd_per_mtok: Some(input),
                    cached_input_usd_per_mtok: Some(input / 10.0),
                    output_usd_per_mtok: Some(output),
                    context_window: Some(100_000),
                    max_output: Some(4_000),
                    data_classes: Some(classes.to_vec()),
                    ..ModelConfig::default()
                },
            );
        };
    let hosted = [DataClass::Public, DataClass::Internal];
    add("hosted-cheap", "cloud", "fast", 0.10, 0.40, &hosted);
    add("hosted-dear", "cloud2", "fast", 1.00, 4.00, &hosted);
    add(
        "onprem",
        "local",
        "fast",
        0.0,
        0.0,
        &[
            DataClass::Public,
            DataClass::Internal,
            DataClass::Confidential,
        ],
    );
    add("frontier-ref", "nowhere", "frontier", 5.0, 25.0, &hosted);
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
    let mut set = Providers::default();
    for provider in providers {
        set.insert(Arc::clone(provider) as Arc<dyn Provider>);
    }
    let hook = Arc::new(RecordingHook::default());
    let delegation = Arc::new(Delegation::new(
        config,
        catalog,
        set,
        None,
        hook.clone(),
        None,
    ));
    let connectors: Vec<Arc<dyn Connector>> = vec![
        Arc::new(Source {
            id: "docs",
            body: "the public runbook",
        }),
        Arc::new(Source {
            id: "vault",
            body: "the customer list",
        }),
        Arc::new(Source {
            id: "paste",
            body: "deploy with ghp_ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 via https://bot:hunter2@ci.example.com/x",
        }),
    ];
    let mut data_classes = HashMap::new();
    data_classes.insert("docs".to_owned(), DataClass::Public);
    data_classes.insert("vault".to_owned(), DataClass::Confidential);
    let registry = Registry::new(
        connectors,
        &ToolsConfig::default(),
        &ResponseConfig::default(),
        RegistryOptions {
            search_timeout: std::time::Duration::from_secs(1),
            data_classes,
            delegation: Some(delegation),
            ..RegistryOptions::default()
        },
    );
    World { registry, hook }
}

fn args(value: serde_json::Value) -> JsonObject {
    value.as_object().cloned().unwrap_or_default()
}

async fn call(
    world: &World,
    tool: &str,
    arguments: serde_json::Value,
) -> Result<ToolOutput, ConnectorError> {
    world
        .registry
        .call(tool, &args(arguments), CallContext::for_tests())
        .await
        .expect("published")
}

#[tokio::test]
async fn delegate_reads_context_itself_and_returns_the_answer_with_its_record() {
    let cloud = FakeProvider::new("cloud");
    let cloud2 = FakeProvider::new("cloud2");
    let world = build_world(&[cloud.clone(), cloud2.clone()], DelegateConfig::default());
    let output = call(
        &world,
        "delegate",
        json!({"task": "summarize", "instructions": "Summarise the runbook.", "context": ["docs://runbook"]}),
    )
    .await
    .expect("delegated");
    // The cheapest eligible fast model answered; the dearer one received nothing.
    let sent = cloud.requests();
    assert_eq!(sent.len(), 1);
    assert!(cloud2.requests().is_empty());
    assert_eq!(sent[0].model, "hosted-cheap-v1");
    let body = &sent[0].messages[0].content;
    assert!(body.starts_with("Summarise the runbook."), "{body}");
    assert!(
        body.contains("<context uri=\"docs://runbook\">\ndocs://runbook says: the public runbook"),
        "{body}"
    );
    assert!(
        sent[0]
            .system
            .as_deref()
            .unwrap_or_default()
            .contains("summarize sub-task")
    );

    let text = &output.text;
    assert!(
        text.starts_with("answer from cloud (hosted-cheap-v1)"),
        "{text}"
    );
    assert!(
        text.contains("answered by: hosted-cheap (provider cloud)"),
        "{text}"
    );
    assert!(
        text.contains("tokens: 1200 in (200 cached) · 100 out (20 reasoning)"),
        "{text}"
    );
    // 1000×$0.10 + 200×$0.01 + 100×$0.40 per Mtok = 100 + 2 + 40 = 142 µ$;
    // baseline frontier-ref: 1000×5 + 200×0.5 + 100×25 = 5000 + 100 + 2500 = 7600 µ$.
    assert!(text.contains("cost: $0.000142"), "{text}");
    assert!(
        text.contains("baseline frontier-ref would cost $0.0076 · saved $0.007458 (98.1%)"),
        "{text}"
    );
    // The caller's own text (instructions, input) counts as internal unless input_class says
    // otherwise; the public source does not lower it.
    assert!(
        text.contains("data class: internal · read: docs://runbook (public"),
        "{text}"
    );

    let record = output.structured.expect("structured record");
    assert_eq!(record["model"], "hosted-cheap");
    assert_eq!(record["cost_micros"], 142);
    assert_eq!(record["baseline"]["cost_micros"], 7600);
    assert_eq!(record["attempts"].as_array().map(Vec::len), Some(1));
    assert_eq!(record["sources"][0]["data_class"], "public");

    let entries = world.hook.entries();
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0].0.model, "hosted-cheap");
    assert_eq!(entries[0].1, Some(Micros(142)));
}

#[tokio::test]
async fn a_failing_model_falls_back_to_the_next_and_every_attempt_is_recorded() {
    let cloud = FakeProvider::failing(
        "cloud",
        ProviderError::Unavailable {
            provider: "cloud".into(),
            status: 529,
            message: "overloaded".into(),
        },
    );
    let cloud2 = FakeProvider::new("cloud2");
    let world = build_world(&[cloud.clone(), cloud2.clone()], DelegateConfig::default());
    let progress = Arc::new(Progress::default());
    let mut ctx = CallContext::for_tests();
    ctx.progress = progress.clone();
    let output = world
        .registry
        .call(
            "delegate",
            &args(json!({"task": "commit_message", "instructions": "Write it.", "input": "diff"})),
            ctx,
        )
        .await
        .expect("published")
        .expect("the fallback answered");
    assert_eq!(cloud.requests().len(), 1);
    assert_eq!(cloud2.requests().len(), 1);
    assert!(
        output
            .text
            .contains("attempt 1: hosted-cheap via cloud: failed"),
        "{}",
        output.text
    );
    assert!(output.text.contains("overloaded"), "{}", output.text);
    assert!(
        output
            .text
            .contains("attempt 2: hosted-dear via cloud2: ok"),
        "{}",
        output.text
    );
    let entries = world.hook.entries();
    assert_eq!(entries.len(), 2);
    assert_eq!(
        entries[0].1,
        Some(Micros::ZERO),
        "the failed attempt is settled at zero"
    );
    let messages = progress.0.lock().expect("lock").clone();
    assert!(
        messages
            .iter()
            .any(|m| m.contains("asking hosted-cheap via cloud (attempt 1 of 2)")),
        "{messages:?}"
    );
}

#[tokio::test]
async fn confidential_context_never_reaches_an_uncleared_model() {
    let cloud = FakeProvider::new("cloud");
    let local = FakeProvider::new("local");
    let world = build_world(&[cloud.clone(), local.clone()], DelegateConfig::default());
    let output = call(
        &world,
        "delegate",
        json!({"task": "summarize", "instructions": "Summarise.", "context": ["docs://a", "vault://customers"]}),
    )
    .await
    .expect("the cleared model answers");
    assert!(
        cloud.requests().is_empty(),
        "the hosted model received confidential content"
    );
    assert_eq!(local.requests().len(), 1);
    assert!(
        output.text.contains("data class: confidential"),
        "{}",
        output.text
    );
    assert!(
        output
            .text
            .contains("hosted-cheap: not cleared for confidential data"),
        "{}",
        output.text
    );

    // Without a cleared model the call is refused with the reason, and nothing is sent.
    let cloud = FakeProvider::new("cloud");
    let world = build_world(std::slice::from_ref(&cloud), DelegateConfig::default());
    let err = call(
        &world,
        "delegate",
        json!({"task": "summarize", "instructions": "Summarise.", "context": ["vault://x"]}),
    )
    .await
    .expect_err("refused");
    assert_eq!(err.kind(), ErrorKind::Forbidden);
    assert!(
        err.to_string()
            .contains("not cleared for confidential data"),
        "{err}"
    );
    assert!(cloud.requests().is_empty());
    // Naming the uncleared model does not get around it, and neither does a lower input class.
    let err = call(
        &world,
        "delegate",
        json!({"task": "summarize", "instructions": "x", "context": ["vault://x"], "model": "hosted-cheap", "input_class": "public"}),
    )
    .await
    .expect_err("refused");
    assert!(
        err.to_string().contains("not cleared for confidential"),
        "{err}"
    );
    assert!(cloud.requests().is_empty());
    let err = call(&world, "delegate", json!({"task": "summarize", "instructions": "x", "input": "secret", "input_class": "restricted"}))
        .await
        .expect_err("restricted input");
    assert!(err.to_string().contains("restricted"), "{err}");
}

#[tokio::test]
async fn route_preview_decides_without_calling_and_list_models_shows_the_catalog() {
    let cloud = FakeProvider::new("cloud");
    let world = build_world(std::slice::from_ref(&cloud), DelegateConfig::default());
    let preview = call(
        &world,
        "route_preview",
        json!({"task": "commit_message", "instructions": "Write it.", "input": "diff --git a b"}),
    )
    .await
    .expect("previewed");
    assert!(cloud.requests().is_empty());
    assert!(
        preview
            .text
            .starts_with("route preview (no model was called)"),
        "{}",
        preview.text
    );
    assert!(
        preview
            .text
            .contains("would use: hosted-cheap (provider cloud)"),
        "{}",
        preview.text
    );
    assert!(
        preview
            .text
            .contains("hosted-dear: provider cloud2 is not configured"),
        "{}",
        preview.text
    );
    assert_eq!(preview.structured.expect("record")["executed"], false);

    let listed = call(&world, "list_models", json!({}))
        .await
        .expect("listed");
    assert!(
        listed.text.contains(
            "hosted-cheap [fast] via cloud · per Mtok in $0.10 / cached $0.01 / out $0.40"
        ),
        "{}",
        listed.text
    );
    assert!(
        !listed.text.contains("hosted-dear"),
        "unavailable models are hidden by default"
    );
    let all = call(&world, "list_models", json!({"include_unavailable": true}))
        .await
        .expect("listed");
    assert!(
        all.text
            .contains("hosted-dear [fast] via cloud2 (provider not configured)"),
        "{}",
        all.text
    );
}

#[tokio::test]
async fn with_no_model_the_error_says_how_to_configure_one_and_bad_arguments_are_named() {
    let world = build_world(&[], DelegateConfig::default());
    let err = call(
        &world,
        "delegate",
        json!({"task": "general", "instructions": "hi"}),
    )
    .await
    .expect_err("no model");
    assert!(err.to_string().contains("OPENAI_API_KEY"), "{err}");
    for (arguments, needle) in [
        (
            json!({"task": "Commit Message", "instructions": "x"}),
            "snake_case",
        ),
        (
            json!({"task": "general", "instructions": "  "}),
            "instructions",
        ),
        (
            json!({"task": "general", "instructions": "x", "priorities": {"cost": 2}}),
            "priorities.cost",
        ),
        (
            json!({"task": "general", "instructions": "x", "max_cost_usd": 0}),
            "max_cost_usd",
        ),
        (
            json!({"task": "general", "instructions": "x", "max_output_tokens": 0}),
            "max_output_tokens",
        ),
        (
            json!({"task": "general", "instructions": "x", "context": ["nope"]}),
            "not an item URI",
        ),
    ] {
        let err = call(&world, "delegate", arguments)
            .await
            .expect_err("refused");
        assert!(err.to_string().contains(needle), "{needle}: {err}");
    }
}

#[tokio::test]
async fn the_clients_own_model_serves_when_nothing_else_can() {
    let world = build_world(&[], DelegateConfig::default());
    let client = FakeProvider::new("client");
    let extras = CallExtras {
        client_model: Some(client.clone() as Arc<dyn Provider>),
        ..CallExtras::default()
    };
    let output = world
        .registry
        .call_with(
            "delegate",
            &args(json!({"task": "general", "instructions": "hi", "priorities": {"quality": 1}})),
            CallContext::for_tests(),
            &extras,
        )
        .await
        .expect("published")
        .expect("the client answered");
    assert_eq!(client.requests().len(), 1);
    let request = &client.requests()[0];
    assert_eq!(request.preferences.quality, 1.0);
    assert!(
        output
            .text
            .contains("the MCP client's own model through sampling"),
        "{}",
        output.text
    );
    // The host's model has no price here: its cost is unknown, never a 100% saving.
    assert!(
        output
            .text
            .contains("cost: unknown (client has no price in the catalog"),
        "{}",
        output.text
    );
    assert!(!output.text.contains("saved"), "{}", output.text);
    let record = output.structured.expect("record");
    assert_eq!(record["cost_known"], false);
    assert!(record["baseline"].is_null(), "{record}");
}

#[tokio::test]
async fn naming_the_client_model_without_sampling_says_the_client_lacks_it() {
    let world = build_world(&[FakeProvider::new("cloud")], DelegateConfig::default());
    let err = call(
        &world,
        "delegate",
        json!({"task": "general", "instructions": "hi", "model": "client"}),
    )
    .await
    .expect_err("no client model");
    assert_eq!(err.kind(), ErrorKind::NotFound);
    assert!(
        err.to_string()
            .contains("did not declare the sampling capability"),
        "{err}"
    );
}

#[tokio::test]
async fn an_empty_answer_falls_back_and_the_estimate_is_the_answering_models() {
    let cloud = FakeProvider::answering("cloud", "  \n".to_owned());
    let cloud2 = FakeProvider::new("cloud2");
    let world = build_world(&[cloud.clone(), cloud2.clone()], DelegateConfig::default());
    let output = call(
        &world,
        "delegate",
        json!({"task": "commit_message", "instructions": "Write it.", "input": "diff"}),
    )
    .await
    .expect("the fallback answered");
    assert_eq!((cloud.requests().len(), cloud2.requests().len()), (1, 1));
    assert!(
        output
            .text
            .contains("attempt 1: hosted-cheap via cloud: failed")
            && output
                .text
                .contains("hosted-cheap returned an empty answer (finish: stop)"),
        "{}",
        output.text
    );
    let record = output.structured.expect("record");
    assert_eq!(record["model"], "hosted-dear");
    // The empty answer was still paid for: 142 µ$ on hosted-cheap, 1420 on hosted-dear.
    assert_eq!(record["attempts"][0]["cost_micros"], 142);
    assert_eq!(record["cost_micros"], 142 + 1_420);
    // The estimate shown is the answering model's, not the first candidate's.
    assert_eq!(
        record["estimated_cost_micros"], record["candidates"][1]["estimated_cost_micros"],
        "{record}"
    );
    assert_ne!(
        record["candidates"][0]["estimated_cost_micros"],
        record["candidates"][1]["estimated_cost_micros"]
    );
}

#[tokio::test]
async fn delegate_has_its_own_deadline_and_does_not_call_a_candidate_it_has_no_time_for() {
    let config = DelegateConfig {
        timeout_secs: 1,
        ..DelegateConfig::default()
    };
    let cloud = FakeProvider::slow("cloud", std::time::Duration::from_secs(30));
    let cloud2 = FakeProvider::new("cloud2");
    let world = build_world(&[cloud.clone(), cloud2.clone()], config);
    // The server's per-call limit does not cut a delegation short: [delegate] timeout_secs rules.
    assert_eq!(
        world
            .registry
            .call_timeout("delegate", std::time::Duration::from_secs(60)),
        (std::time::Duration::from_secs(1), "delegate.timeout_secs")
    );
    assert_eq!(
        world
            .registry
            .call_timeout("list_models", std::time::Duration::from_secs(60)),
        (
            std::time::Duration::from_secs(60),
            "server.call_timeout_secs"
        )
    );
    let err = call(
        &world,
        "delegate",
        json!({"task": "commit_message", "instructions": "Write it.", "input": "diff"}),
    )
    .await
    .expect_err("out of time");
    let message = err.to_string();
    assert!(
        message.contains("hosted-cheap (hosted-cheap did not answer within 1.0 s)"),
        "{message}"
    );
    assert!(
        message.contains("hosted-dear (not tried: the delegation's time ran out"),
        "{message}"
    );
    assert!(
        cloud2.requests().is_empty(),
        "a candidate with no time left is not called"
    );
}

#[tokio::test]
async fn an_answer_longer_than_the_budget_is_cut_and_the_record_kept_whole() {
    let long = "a long line of the model's answer\n".repeat(20_000);
    let cloud = FakeProvider::answering("cloud", long.clone());
    let world = build_world(&[cloud], DelegateConfig::default());
    let output = call(
        &world,
        "delegate",
        json!({"task": "summarize", "instructions": "Go on.", "input": "x"}),
    )
    .await
    .expect("answered");
    let budget = switchyard_core::ResponseBudget::default().max_bytes();
    assert!(output.truncated);
    assert!(output.text.len() <= budget, "{}", output.text.len());
    for kept in [
        "answered by: hosted-cheap (provider cloud)",
        "cost: $0.000142",
        "note: the answer was cut to fit the response budget:",
        "ask for a shorter answer (max_output_tokens)",
        "attempt 1: hosted-cheap via cloud: ok",
    ] {
        assert!(output.text.contains(kept), "{kept} is missing");
    }
    let record = output.structured.expect("record");
    let answer = record["answer"].as_str().expect("answer");
    assert!(long.starts_with(answer) && answer.len() < long.len());
    let whole = output.text.len() + record.to_string().len();
    assert!(
        whole <= budget + 2_000,
        "text and record take {whole} bytes"
    );
}

#[tokio::test]
async fn the_same_context_uri_twice_is_read_once_and_a_sub_micro_cap_is_refused() {
    let cloud = FakeProvider::new("cloud");
    let world = build_world(std::slice::from_ref(&cloud), DelegateConfig::default());
    call(
        &world,
        "delegate",
        json!({"task": "summarize", "instructions": "Go.", "context": ["docs://a", "docs://a"]}),
    )
    .await
    .expect("answered");
    let body = &cloud.requests()[0].messages[0].content;
    assert_eq!(
        body.matches("<context uri=\"docs://a\">").count(),
        1,
        "{body}"
    );
    let err = call(
        &world,
        "delegate",
        json!({"task": "summarize", "instructions": "Go.", "max_cost_usd": 0.0000001}),
    )
    .await
    .expect_err("below a micro-dollar");
    assert!(
        err.to_string().contains("the smallest amount is 0.000001"),
        "{err}"
    );
}

#[tokio::test]
async fn a_litellm_price_map_fills_in_prices_the_catalog_lacks() {
    let mut models = BTreeMap::new();
    models.insert(
        "mini-no-price".to_owned(),
        ModelConfig {
            provider: Some("openai".into()),
            model: Some("gpt-4.1-mini".into()),
            ..ModelConfig::default()
        },
    );
    models.insert(
        "flash-no-price".to_owned(),
        ModelConfig {
            provider: Some("gemini".into()),
            model: Some("gemini-2.5-flash".into()),
            ..ModelConfig::default()
        },
    );
    let file =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/litellm-prices.json");
    let (catalog, issues) = Catalog::build(&models, Some(&file));
    assert!(issues.is_empty(), "{issues:?}");
    let mini = catalog.get("mini-no-price").expect("model");
    assert!(mini.priced);
    assert_eq!(
        (
            mini.prices.input,
            mini.prices.cached_input,
            mini.prices.output
        ),
        (Micros(400_000), Micros(100_000), Micros(1_600_000))
    );
    // Found under the provider-prefixed key `gemini/gemini-2.5-flash`.
    let flash = catalog.get("flash-no-price").expect("model");
    assert_eq!(
        (flash.prices.input, flash.prices.output),
        (Micros(300_000), Micros(2_500_000))
    );
    let (_, issues) = Catalog::build(&models, Some(std::path::Path::new("/no/such/prices.json")));
    assert_eq!(issues[0].key, "delegate.price_file");
}

#[tokio::test]
async fn local_servers_found_on_first_use_become_candidates() {
    use switchyard::delegate::service::{Discover, LocalServer};
    let local = FakeProvider::new("ollama");
    let found = local.clone();
    let calls = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let counted = calls.clone();
    let discover: Discover = Arc::new(move || {
        counted.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        let provider = found.clone() as Arc<dyn Provider>;
        Box::pin(async move {
            vec![(
                provider,
                LocalServer {
                    provider: "ollama".into(),
                    models: vec![("ollama/llama3.2".into(), "llama3.2:3b".into())],
                },
            )]
        })
    });
    let (catalog, _) = Catalog::build(&BTreeMap::new(), None);
    let delegation = Arc::new(Delegation::new(
        DelegateConfig::default(),
        catalog,
        Providers::default(),
        None,
        Arc::new(RecordingHook::default()),
        Some(discover),
    ));
    let registry = Registry::new(
        Vec::new(),
        &ToolsConfig::default(),
        &ResponseConfig::default(),
        RegistryOptions {
            delegation: Some(delegation),
            ..RegistryOptions::default()
        },
    );
    for _ in 0..2 {
        let output = registry
            .call(
                "delegate",
                &args(json!({"task": "summarize", "instructions": "sum up", "input": "log"})),
                CallContext::for_tests(),
            )
            .await
            .expect("published")
            .expect("the local model answered");
        assert!(
            output
                .text
                .contains("answered by: ollama/llama3.2 (provider ollama)"),
            "{}",
            output.text
        );
    }
    assert_eq!(local.requests()[0].model, "llama3.2:3b");
    assert_eq!(
        calls.load(std::sync::atomic::Ordering::SeqCst),
        1,
        "probed once, on first use"
    );
}

/// A provider that never answers (until cancelled).
struct Hanging;

#[async_trait]
impl Provider for Hanging {
    fn id(&self) -> &str {
        "cloud"
    }
    fn kind(&self) -> &'static str {
        "fake"
    }
    async fn complete(
        &self,
        _: &ChatRequest,
        _: &CallContext,
    ) -> Result<ChatResponse, ProviderError> {
        tokio::time::sleep(std::time::Duration::from_secs(3600)).await;
        Err(ProviderError::Timeout {
            provider: "cloud".into(),
            seconds: 3600,
        })
    }
}

#[tokio::test]
async fn a_cancelled_delegation_stops_and_settles_nothing() {
    let mut set = Providers::default();
    set.insert(Arc::new(Hanging));
    let (catalog, _) = Catalog::build(
        &BTreeMap::from([(
            "slow".to_owned(),
            ModelConfig {
                provider: Some("cloud".into()),
                tier: Some("fast".into()),
                input_usd_per_mtok: Some(1.0),
                output_usd_per_mtok: Some(1.0),
                ..ModelConfig::default()
            },
        )]),
        None,
    );
    let hook = Arc::new(RecordingHook::default());
    let delegation = Arc::new(Delegation::new(
        DelegateConfig::default(),
        catalog,
        set,
        None,
        hook.clone(),
        None,
    ));
    let registry = Registry::new(
        Vec::new(),
        &ToolsConfig::default(),
        &ResponseConfig::default(),
        RegistryOptions {
            delegation: Some(delegation),
            ..RegistryOptions::default()
        },
    );
    let ctx = CallContext::for_tests();
    let cancel = ctx.cancel.clone();
    tokio::spawn(async move {
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        cancel.cancel();
    });
    let started = std::time::Instant::now();
    let err = registry
        .call(
            "delegate",
            &args(json!({"task": "summarize", "instructions": "x", "model": "slow"})),
            ctx,
        )
        .await
        .expect("published")
        .expect_err("cancelled");
    assert!(started.elapsed() < std::time::Duration::from_secs(5));
    assert!(err.to_string().contains("cancelled"), "{err}");
    assert_eq!(hook.entries()[0].1, Some(Micros::ZERO));
}

#[tokio::test]
async fn secrets_in_a_source_reach_neither_the_client_nor_the_model() {
    let cloud = FakeProvider::new("cloud");
    let world = build_world(std::slice::from_ref(&cloud), DelegateConfig::default());
    let read = call(&world, "read_context", json!({"uri": "paste://note"}))
        .await
        .expect("read");
    assert!(
        read.text
            .contains("deploy with [redacted] via https://[redacted]@ci.example.com/x"),
        "{}",
        read.text
    );
    call(
        &world,
        "delegate",
        json!({"task": "summarize", "instructions": "Summarise.", "context": ["paste://note"]}),
    )
    .await
    .expect("delegated");
    let sent = &cloud.requests()[0].messages[0].content;
    assert!(sent.contains("deploy with [redacted]"), "{sent}");
    for secret in ["ghp_ABCDEFGHIJ", "hunter2"] {
        assert!(!sent.contains(secret), "{secret} reached the model");
    }
}
