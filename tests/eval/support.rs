//! Test doubles and helpers: a scripted provider, a catalog of test models, suites from text.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use async_trait::async_trait;
use switchyard::config::model::ModelConfig;
use switchyard::delegate::catalog::Catalog;
use switchyard::delegate::eval::{Candidate, Check, Suite};
use switchyard::delegate::provider::{
    ChatRequest, ChatResponse, FinishReason, Provider, ProviderError,
};
use switchyard::delegate::usage::Usage;
use switchyard_core::CallContext;

pub type Script = dyn Fn(&str) -> Result<String, ProviderError> + Send + Sync;

/// A provider that answers by a script over the prompt, with fixed usage and an optional
/// delay, and counts how many calls are in flight at once.
pub struct Scripted {
    id: String,
    script: Box<Script>,
    usage: Usage,
    delay: Duration,
    pub in_flight: AtomicUsize,
    pub most_in_flight: AtomicUsize,
    pub calls: AtomicUsize,
}

impl Scripted {
    pub fn new(
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

    pub fn with_delay(mut self, delay: Duration) -> Self {
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
pub fn catalog() -> Catalog {
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

pub fn candidate(model: &str, provider: Arc<dyn Provider>) -> Candidate {
    Candidate {
        model: catalog().get(model).expect("test model").clone(),
        provider,
    }
}

pub fn suite(text: &str) -> Suite {
    Suite::parse(text, "test.toml").unwrap_or_else(|err| panic!("{err}"))
}

/// The one check of a one-case suite whose checks are `checks` (TOML).
pub fn check(checks: &str) -> Check {
    let text = format!(
        "task = \"t\"\n[[cases]]\nname = \"c\"\ninstructions = \"i\"\n[[cases.checks]]\n{checks}\n"
    );
    suite(&text).cases[0].checks[0].clone()
}

pub const RUBRIC_SUITE: &str = r#"
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

pub const TWO_CASES: &str = r#"
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

/// Hangs on prompts containing SLOW, otherwise passes the call on.
pub struct SlowOn {
    pub inner: Arc<Scripted>,
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
