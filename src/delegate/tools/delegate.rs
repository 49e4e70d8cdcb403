//! `delegate`: hand a sub-task to the model that fits it, and say why.

use switchyard_core::{
    CallContext, ConnectorError, JsonObject, ToolEffects, ToolOutput, ToolSpec, parse_args,
};

use super::args::Params;
use crate::delegate::accounting::DelegationUsage;
use crate::delegate::engine;
use crate::delegate::money::Micros;
use crate::delegate::record::DelegationRecord;
use crate::registry::{CallExtras, Registry};

/// The tool name.
pub const NAME: &str = "delegate";

/// The tool's description.
pub fn spec() -> ToolSpec {
    ToolSpec::new::<Params>(
        NAME,
        "Delegate a sub-task to the right model",
        "Hand a sub-task (a commit message, a log summary, a security review) to the model whose cost, speed, quality and data clearance fit it, and get the answer with the decision record.\n\
         Name large inputs by URI in context: the server reads them itself, so they never enter your own context. \
         The record says which model answered, the rule and scores that chose it, the candidates refused and why, every attempt, tokens, cost and the savings against the baseline model. \
         Content from a confidential source only goes to models cleared for it; if none is, the call is refused.",
        ToolEffects::REMOTE_READ,
    )
    .with_output::<DelegationRecord>()
}

/// Run `delegate`.
pub async fn run(
    registry: &Registry,
    args: &JsonObject,
    ctx: &CallContext,
    extras: &CallExtras,
) -> Result<ToolOutput, ConnectorError> {
    let delegation = registry.delegation().ok_or_else(|| {
        ConnectorError::Forbidden("delegation is disabled ([delegate] enabled = false)".to_owned())
    })?;
    let params: Params = parse_args(args)?;
    let ask = params.into_ask(delegation.config().max_output_tokens)?;
    let prepared = engine::prepare(registry, delegation, &ask, ctx, extras).await?;
    let outcome = engine::execute(delegation, prepared, ctx).await;
    if let Some(slot) = &extras.usage {
        let record = match &outcome {
            Ok(record) | Err((_, record)) => record,
        };
        slot.put(usage_of(record));
    }
    match outcome {
        Ok(mut record) => {
            let truncated = fit_answer(&mut record, ctx.budget.max_bytes());
            Ok(ToolOutput {
                text: record.render(),
                structured: serde_json::to_value(&record).ok(),
                truncated,
                ..ToolOutput::default()
            })
        }
        Err((err, record)) => {
            tracing::info!(attempts = record.attempts.len(), error = %err, "delegation failed");
            Err(with_attempts(err, &record))
        }
    }
}

/// What the record says the delegation consumed.
fn usage_of(record: &DelegationRecord) -> DelegationUsage {
    let usage = record.usage.as_ref();
    DelegationUsage {
        task: record.task.clone(),
        model: record.answer.as_ref().and(record.model.clone()),
        input_tokens: usage.map_or(0, |u| u.input_tokens),
        output_tokens: usage.map_or(0, |u| u.output_tokens),
        cached_tokens: usage.map_or(0, |u| u.cached_input_tokens),
        cost: Micros(record.cost_micros),
        baseline: record.baseline.as_ref().map(|b| Micros(b.cost_micros)),
    }
}

/// Cut the answer so that it and the whole decision record fit `max_bytes` (the record is what
/// says who answered and what it cost; it is never the part that gets cut). The structured
/// answer is cut the same way, so the result as a whole stays within the budget.
fn fit_answer(record: &mut DelegationRecord, max_bytes: usize) -> bool {
    let Some(answer) = record.answer.take() else {
        return false;
    };
    // The text carries the answer and the record, and the structured content carries both
    // again: each gets half the budget.
    let half = max_bytes / 2;
    // The common case, a short answer, needs no trial rendering of the record.
    if answer.len() + RECORD_BOUND <= half {
        record.answer = Some(answer);
        return false;
    }
    let record_bytes = record.render().len() + NOTE_ROOM;
    let room = half.saturating_sub(record_bytes).max(MIN_ANSWER_BYTES);
    if answer.len() <= room {
        record.answer = Some(answer);
        return false;
    }
    let cut = switchyard_core::budget::cut_text(&answer, room);
    record.notes.push(format!(
        "the answer was cut to fit the response budget: {} more bytes ({} lines) not shown; \
         ask for a shorter answer (max_output_tokens) or raise [response.tools] delegate",
        cut.omitted_bytes, cut.omitted_lines
    ));
    record.answer = Some(cut.kept.to_owned());
    true
}

/// More than any decision record takes as text (a full catalog's rejections included).
const RECORD_BOUND: usize = 32 * 1024;
/// Room for the note that says the answer was cut.
const NOTE_ROOM: usize = 300;
/// The least of an answer shown, however long the record.
const MIN_ANSWER_BYTES: usize = 1_000;

/// Add the attempts to a failure's message, so the caller sees what was tried.
fn with_attempts(err: ConnectorError, record: &DelegationRecord) -> ConnectorError {
    if record.attempts.is_empty() {
        return err;
    }
    let tried: Vec<String> = record
        .attempts
        .iter()
        .map(|a| format!("{} ({})", a.model, a.error.as_deref().unwrap_or(&a.outcome)))
        .collect();
    match err {
        ConnectorError::Upstream { status, message } => ConnectorError::Upstream {
            status,
            message: format!("{message}; tried: {}", tried.join("; ")),
        },
        other => other,
    }
}
