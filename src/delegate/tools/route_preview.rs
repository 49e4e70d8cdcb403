//! `route_preview`: the decision `delegate` would make, without calling a model.

use switchyard_core::{
    CallContext, ConnectorError, JsonObject, ToolEffects, ToolOutput, ToolSpec, parse_args,
};

use super::args::Params;
use crate::delegate::engine;
use crate::delegate::record::DelegationRecord;
use crate::registry::{CallExtras, Registry};

/// The tool name.
pub const NAME: &str = "route_preview";

/// The tool's description.
pub fn spec() -> ToolSpec {
    ToolSpec::new::<Params>(
        NAME,
        "Preview a delegation's model choice",
        "Show which model delegate would choose for these arguments, and why, without calling any model.\n\
         Returns the decision record: the rule, the candidates with their estimated cost and scores, the ones refused and why, and the data class of the context.",
        ToolEffects::LOCAL_READ,
    )
    .with_output::<DelegationRecord>()
}

/// Run `route_preview`.
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
    let record = DelegationRecord::from_decision(&prepared.decision, prepared.sources);
    Ok(ToolOutput {
        text: record.render(),
        structured: serde_json::to_value(&record).ok(),
        ..ToolOutput::default()
    })
}
