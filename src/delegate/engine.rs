//! One delegation end to end: read the context the caller named, classify it, build the
//! prompt, route, then call the chosen model and its fallbacks under the cost hook.

use std::collections::HashSet;
use std::fmt::Write as _;
use std::sync::Arc;
use std::time::{Duration, Instant};

use switchyard_core::{CallContext, ConnectorError, DataClass, ItemUri, ResponseBudget};

use super::catalog::{Catalog, ModelSpec};
use super::money::Micros;
use super::provider::{ChatMessage, ChatRequest, ChatRole, FinishReason, Preferences, Providers};
use super::record::{AttemptRecord, DelegationRecord, SourceRecord};
use super::router::{Decision, RouteError, RouteRequest, Router};
use super::service::Delegation;
use super::usage::{Usage, estimate_tokens};
use crate::registry::{CallExtras, Registry};

/// The catalog id and provider id of the MCP client's own model.
pub const CLIENT_MODEL: &str = "client";

/// The most context tokens one delegation reads (shared among its URIs).
pub const MAX_CONTEXT_TOKENS: usize = 100_000;

/// Below this much time left, a fallback is not called (it could not answer in time).
const MIN_ATTEMPT_TIME: Duration = Duration::from_millis(500);

/// What the caller asked for, parsed.
#[derive(Debug, Clone, PartialEq)]
pub struct Ask {
    /// The task kind.
    pub task: String,
    /// What to do.
    pub instructions: String,
    /// Inline input.
    pub input: Option<String>,
    /// URIs to read.
    pub context: Vec<String>,
    /// Priorities, when given.
    pub priorities: Option<Preferences>,
    /// A model the caller names.
    pub model: Option<String>,
    /// The cost cap.
    pub max_cost: Option<Micros>,
    /// The output budget.
    pub max_output_tokens: u64,
    /// The class of the inline input.
    pub input_class: DataClass,
}

/// A delegation ready to run: the decision and the request to send.
pub struct Prepared {
    /// The router's decision.
    pub decision: Decision,
    /// The sources read.
    pub sources: Vec<SourceRecord>,
    /// The request (its model is set per attempt).
    pub request: ChatRequest,
    /// The catalog it was routed with (with the client model when present).
    pub catalog: Arc<Catalog>,
    /// The providers it may call.
    pub providers: Providers,
    /// The caller's cost ceiling.
    pub max_cost: Option<Micros>,
}

/// Read the context, route, and build the request.
pub async fn prepare(
    registry: &Registry,
    delegation: &Delegation,
    ask: &Ask,
    ctx: &CallContext,
    extras: &CallExtras,
) -> Result<Prepared, ConnectorError> {
    delegation.ensure_discovered().await;
    let (context_text, sources, class) = read_context(registry, ask, ctx).await?;
    let data_class = class.max(ask.input_class);
    let mut catalog = delegation.catalog();
    let mut providers = delegation.providers();
    if let Some(client) = &extras.client_model {
        providers.insert(Arc::clone(client));
        if catalog.get(CLIENT_MODEL).is_none() {
            Arc::make_mut(&mut catalog).insert(client_model_spec());
        }
    }
    let policy = delegation.policy();
    let team = ctx.identity.team.clone();
    let task_policy = policy.for_task(&ask.task, team.as_deref());
    let system = task_policy
        .system
        .clone()
        .unwrap_or_else(|| default_system(&task_policy.task));
    let user = user_message(ask, &context_text);
    let input_tokens = estimate_tokens(&system) + estimate_tokens(&user);
    let route = RouteRequest {
        task: ask.task.clone(),
        team,
        data_class,
        input_tokens,
        max_output_tokens: ask.max_output_tokens,
        priorities: ask.priorities,
        model: ask.model.clone(),
        max_cost: ask.max_cost,
        budget_pressure: delegation.hook().pressure(&ctx.identity).await,
    };
    let available: HashSet<String> = providers.ids().map(str::to_owned).collect();
    let scorecards = delegation.scorecards();
    let router = Router {
        catalog: &catalog,
        policy,
        scorecards: &scorecards,
        providers: &available,
    };
    let decision = match router.route(&route) {
        Ok(decision) => decision,
        Err(err) => {
            client_fallback(&router, &route, &err, extras).ok_or_else(|| route_error(err))?
        }
    };
    let request = ChatRequest {
        model: String::new(),
        system: Some(decision.system.clone().unwrap_or(system)),
        messages: vec![ChatMessage {
            role: ChatRole::User,
            content: user,
        }],
        max_output_tokens: ask.max_output_tokens,
        temperature: None,
        preferences: ask.priorities.unwrap_or(Preferences {
            cost: 1.0,
            speed: 0.0,
            quality: 0.0,
        }),
    };
    Ok(Prepared {
        decision,
        sources,
        request,
        catalog,
        providers,
        max_cost: ask.max_cost,
    })
}

/// Call the chosen model, falling back in order; returns the record (with the answer when one
/// model succeeded, or the error of the last attempt).
pub async fn execute(
    delegation: &Delegation,
    prepared: Prepared,
    ctx: &CallContext,
) -> Result<DelegationRecord, (ConnectorError, DelegationRecord)> {
    let mut record = DelegationRecord::from_decision(&prepared.decision, prepared.sources.clone());
    record.executed = true;
    let attempts = prepared.decision.ranked.len();
    let started = Instant::now();
    let timeout = Duration::from_secs(delegation.config().timeout_secs);
    let mut last_error = None;
    let mut spent = Micros::ZERO;
    for (index, candidate) in prepared.decision.ranked.iter().enumerate() {
        let Some(model) = prepared.catalog.get(&candidate.model) else {
            continue;
        };
        let Some(provider) = prepared.providers.get(&model.provider).cloned() else {
            continue;
        };
        let remaining = ctx
            .remaining()
            .min(timeout.saturating_sub(started.elapsed()));
        if index > 0 && remaining < MIN_ATTEMPT_TIME {
            record.attempts.push(attempt(
                model,
                "skipped",
                Some(format!(
                    "not tried: the delegation's time ran out (delegate.timeout_secs = {} s)",
                    timeout.as_secs()
                )),
                0,
                Micros::ZERO,
            ));
            break;
        }
        let reservation = match delegation
            .hook()
            .reserve(
                &ctx.identity,
                &prepared.decision.task,
                &model.id,
                // The ceiling, not the estimate: a hard budget limit then holds however many
                // calls are in flight (the settlement returns what was not spent).
                candidate.cost_ceiling,
            )
            .await
        {
            Ok(reservation) => reservation,
            Err(refusal) => {
                // A cheaper fallback may still fit what is left of the budget.
                let message = format!("the budget refused {}: {refusal}", model.id);
                record.attempts.push(attempt(
                    model,
                    "refused",
                    Some(message.clone()),
                    0,
                    Micros::ZERO,
                ));
                last_error = Some(message);
                continue;
            }
        };
        ctx.progress.report(
            index as u64,
            Some(attempts as u64),
            &format!(
                "asking {} via {} (attempt {} of {attempts})",
                model.id,
                model.provider,
                index + 1
            ),
        );
        let mut request = prepared.request.clone();
        request.model = model.provider_model.clone();
        request.max_output_tokens = request.max_output_tokens.min(model.max_output);
        let call_started = Instant::now();
        let outcome = tokio::select! {
            outcome = tokio::time::timeout(remaining, provider.complete(&request, ctx)) => outcome,
            () = ctx.cancel.cancelled() => {
                delegation.hook().settle(&reservation, Micros::ZERO).await;
                return Err((ConnectorError::Timeout("the delegation was cancelled by the client".to_owned()), record));
            }
        };
        let latency = call_started.elapsed().as_millis() as u64;
        match outcome {
            Ok(Ok(response)) => {
                let (usage, estimated) =
                    usage_or_estimate(&response.usage, &request, &response.text);
                let cost = model.prices.cost(&usage);
                spent = spent.saturating_add(cost);
                delegation.hook().settle(&reservation, cost).await;
                if response.text.trim().is_empty() {
                    // Paid for, but nothing to return: the next candidate may do better.
                    let message = format!(
                        "{} returned an empty answer (finish: {})",
                        model.id,
                        finish_label(&response.finish)
                    );
                    record.attempts.push(attempt(
                        model,
                        "failed",
                        Some(message.clone()),
                        latency,
                        cost,
                    ));
                    last_error = Some(message);
                    continue;
                }
                record
                    .attempts
                    .push(attempt(model, "ok", None, latency, cost));
                record.model = Some(model.id.clone());
                record.provider = Some(model.provider.clone());
                record.finish = Some(finish_label(&response.finish));
                record.answer = Some(response.text);
                record.latency_ms = started.elapsed().as_millis() as u64;
                record.estimated_cost_micros = candidate.estimated_cost.0;
                if model.priced {
                    let baseline = baseline(delegation, &prepared.catalog, &usage);
                    record.settle(&usage, estimated, spent, baseline);
                } else {
                    record.settle(&usage, estimated, spent, None);
                    record.cost_known = false;
                }
                if let Some(limit) = prepared.max_cost
                    && spent > limit
                {
                    record.notes.push(format!(
                        "the actual cost {spent} is over max_cost_usd {limit}: the model counted more tokens than estimated ({})",
                        Micros(candidate.estimated_cost.0)
                    ));
                }
                ctx.progress
                    .report(attempts as u64, Some(attempts as u64), "answered");
                return Ok(record);
            }
            Ok(Err(err)) => {
                delegation.hook().settle(&reservation, Micros::ZERO).await;
                record.attempts.push(attempt(
                    model,
                    "failed",
                    Some(err.to_string()),
                    latency,
                    Micros::ZERO,
                ));
                let retryable = err.is_retryable_elsewhere();
                last_error = Some(err.to_string());
                if !retryable {
                    break;
                }
            }
            Err(_) => {
                delegation.hook().settle(&reservation, Micros::ZERO).await;
                let message = format!(
                    "{} did not answer within {:.1} s",
                    model.id,
                    remaining.as_secs_f64()
                );
                record.attempts.push(attempt(
                    model,
                    "failed",
                    Some(message.clone()),
                    latency,
                    Micros::ZERO,
                ));
                last_error = Some(message);
            }
        }
    }
    record.latency_ms = started.elapsed().as_millis() as u64;
    record.cost_micros = spent.0;
    record.cost_usd = spent.as_usd();
    let detail = last_error.unwrap_or_else(|| "no candidate could be called".to_owned());
    if !record.attempts.is_empty() && record.attempts.iter().all(|a| a.outcome == "refused") {
        // Only budgets stood in the way: say so plainly (the last refusal has the figures and
        // the reset time), with what a caller can do about a budget rather than a credential.
        return Err((
            ConnectorError::Forbidden(format!(
                "{detail}\nwhat to try: wait until the budget resets (the time above), ask for a \
                 cheaper model (priorities cost=1) or fewer max_output_tokens, or ask an admin to \
                 raise the budget"
            )),
            record,
        ));
    }
    let tried = record.attempts.len();
    let err = ConnectorError::Upstream {
        status: 502,
        message: format!(
            "every candidate failed ({tried} attempt{}); the last error: {detail}",
            if tried == 1 { "" } else { "s" }
        ),
    };
    Err((err, record))
}

/// Read every context URI within a shared budget; the strictest class of their sources.
async fn read_context(
    registry: &Registry,
    ask: &Ask,
    ctx: &CallContext,
) -> Result<(String, Vec<SourceRecord>, DataClass), ConnectorError> {
    let mut text = String::new();
    let mut sources = Vec::new();
    let mut class = DataClass::Public;
    if ask.context.is_empty() {
        return Ok((text, sources, class));
    }
    let share = (MAX_CONTEXT_TOKENS / ask.context.len()).max(1_000);
    for uri in &ask.context {
        let parsed = ItemUri::parse(uri)?;
        let source_class = registry.data_class(parsed.scheme());
        class = class.max(source_class);
        let read_ctx = ctx.clone().with_budget(ResponseBudget::tokens(share));
        let item = registry.read(uri, &read_ctx).await.map_err(|err| {
            ConnectorError::InvalidArguments(format!("context {uri} cannot be read: {err}"))
        })?;
        let _ = write!(
            text,
            "\n\n<context uri=\"{uri}\">\n{}\n</context>",
            item.text.trim_end()
        );
        sources.push(SourceRecord {
            uri: uri.clone(),
            data_class: source_class.to_string(),
            tokens: estimate_tokens(&item.text),
            truncated: item.truncated,
        });
    }
    Ok((text, sources, class))
}

fn user_message(ask: &Ask, context: &str) -> String {
    prompt(&ask.instructions, ask.input.as_deref(), context)
}

/// The user message a model receives: the instructions, the input in `<input>`, then each
/// context item in `<context uri=…>`. `switchyard eval` frames its cases the same way, so
/// scorecards measure what delegation sends.
pub fn prompt(instructions: &str, input: Option<&str>, context: &str) -> String {
    let mut text = instructions.trim().to_owned();
    if let Some(input) = input.filter(|i| !i.trim().is_empty()) {
        let _ = write!(text, "\n\n<input>\n{}\n</input>", input.trim_end());
    }
    text.push_str(context);
    text
}

/// The system prompt of a task kind when its policy sets none.
pub fn default_system(task: &str) -> String {
    format!(
        "You are a careful assistant doing one {} sub-task that another agent delegated to you. \
         Follow the instructions exactly and answer with the result only: no preamble, no offers of further help.",
        task.replace('_', " ")
    )
}

/// When nothing else can serve, the MCP client's own model may (if the caller did not name
/// another model and it is cleared for the content).
fn client_fallback(
    router: &Router<'_>,
    route: &RouteRequest,
    err: &RouteError,
    extras: &CallExtras,
) -> Option<Decision> {
    extras.client_model.as_ref()?;
    if route.model.is_some() || matches!(err, RouteError::OverrideRefused { .. }) {
        return None;
    }
    let mut named = route.clone();
    named.model = Some(CLIENT_MODEL.to_owned());
    // The client model is reached by naming it; policy may refuse naming, so check directly.
    let mut decision = router.route(&named).ok()?;
    decision.rule = format!(
        "no configured model was eligible ({err}); the MCP client's own model through sampling"
    );
    Some(decision)
}

fn route_error(err: RouteError) -> ConnectorError {
    match err {
        // Not the caller's mistake: the server has no model to offer.
        RouteError::NothingConfigured { .. } => ConnectorError::Forbidden(err.to_string()),
        RouteError::UnknownModel { model } if model == CLIENT_MODEL => ConnectorError::NotFound(
            "model \"client\" is your MCP client's own model, and this client did not declare the \
             sampling capability; name a catalog model (list_models) or omit model"
                .to_owned(),
        ),
        RouteError::UnknownModel { .. } => ConnectorError::NotFound(err.to_string()),
        RouteError::OverrideRefused { .. } | RouteError::NoneEligible { .. } => {
            ConnectorError::Forbidden(err.to_string())
        }
    }
}

/// The catalog entry of the client's own model: reached only by name or as the last resort.
pub fn client_model_spec() -> ModelSpec {
    ModelSpec {
        id: CLIENT_MODEL.to_owned(),
        provider: CLIENT_MODEL.to_owned(),
        provider_model: CLIENT_MODEL.to_owned(),
        prices: Default::default(),
        priced: false,
        context_window: 128_000,
        max_output: 8_192,
        capabilities: Vec::new(),
        tier: CLIENT_MODEL.to_owned(),
        self_hosted: false,
        region: None,
        data_classes: vec![DataClass::Public, DataClass::Internal],
    }
}

/// The provider's usage, or an estimate when it reported none (sampling, some local servers).
fn usage_or_estimate(usage: &Usage, request: &ChatRequest, answer: &str) -> (Usage, bool) {
    if usage.total() > 0 {
        return (*usage, false);
    }
    let input: u64 = request
        .messages
        .iter()
        .map(|m| estimate_tokens(&m.content))
        .sum::<u64>()
        + request.system.as_deref().map(estimate_tokens).unwrap_or(0);
    (
        Usage {
            input_tokens: input,
            output_tokens: estimate_tokens(answer),
            ..Usage::default()
        },
        true,
    )
}

/// The baseline's cost for the same usage: `[delegate] baseline`, else the cheapest priced
/// frontier model of the catalog.
fn baseline(delegation: &Delegation, catalog: &Catalog, usage: &Usage) -> Option<(String, Micros)> {
    let model = match &delegation.policy().baseline {
        Some(id) => catalog.get(id)?,
        None => catalog
            .models()
            .filter(|m| m.tier == "frontier" && m.priced && !m.prices.is_free())
            .min_by_key(|m| m.prices.cost(usage))?,
    };
    Some((model.id.clone(), model.prices.cost(usage)))
}

fn attempt(
    model: &ModelSpec,
    outcome: &str,
    error: Option<String>,
    latency_ms: u64,
    cost: Micros,
) -> AttemptRecord {
    AttemptRecord {
        model: model.id.clone(),
        provider: model.provider.clone(),
        outcome: outcome.to_owned(),
        error,
        latency_ms,
        cost_micros: cost.0,
    }
}

fn finish_label(finish: &FinishReason) -> String {
    match finish {
        FinishReason::Stop => "stop".to_owned(),
        other => other.to_string(),
    }
}
