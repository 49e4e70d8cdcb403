//! `delegate`: hand a sub-task to the model that fits it, and say why.

use switchyard_core::{
    CallContext, ConnectorError, JsonObject, ToolEffects, ToolOutput, ToolSpec, parse_args,
};

use super::args::Params;
use crate::delegate::engine;
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
    match engine::execute(delegation, prepared, ctx).await {
        Ok(record) => Ok(ToolOutput {
            text: record.render(),
            structured: serde_json::to_value(&record).ok(),
            ..ToolOutput::default()
        }),
        Err((err, record)) => {
            tracing::info!(attempts = record.attempts.len(), error = %err, "delegation failed");
            Err(with_attempts(err, &record))
        }
    }
}

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
