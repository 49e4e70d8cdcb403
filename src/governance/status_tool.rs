//! `budget_status`: every budget that applies to the caller, with what is left and when it
//! resets. Read-only; no arguments.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::fmt::Write as _;
use switchyard_core::{
    CallContext, ConnectorError, JsonObject, ToolEffects, ToolOutput, ToolSpec, parse_args,
};

use super::budget::BudgetStatus;
use crate::registry::Registry;

/// The tool name.
pub const NAME: &str = "budget_status";

/// `budget_status` takes no arguments.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Params {}

/// The structured result.
#[derive(Debug, Serialize, JsonSchema)]
pub struct StatusOutput {
    /// The budgets that apply to you (your team's, then your department's).
    pub budgets: Vec<BudgetStatus>,
}

/// The tool's description.
pub fn spec() -> ToolSpec {
    ToolSpec::new::<Params>(
        NAME,
        "Show your remaining delegation budget",
        "Show each budget that applies to you (your team's, your department's): the period, spent, reserved by calls in flight, the soft and hard limits in US dollars, what remains and when it resets.",
        ToolEffects::LOCAL_READ,
    )
    .with_output::<StatusOutput>()
}

/// Run `budget_status`.
pub async fn run(
    registry: &Registry,
    args: &JsonObject,
    ctx: &CallContext,
) -> Result<ToolOutput, ConnectorError> {
    let _: Params = parse_args(args)?;
    let governance = registry
        .meter()
        .ok_or_else(|| ConnectorError::Forbidden("governance is not configured".to_owned()))?;
    let budgets = governance
        .budgets()
        .status(&ctx.identity)
        .await
        .map_err(|err| ConnectorError::Internal(format!("the budgets cannot be read: {err}")))?;
    let mut text = String::new();
    if budgets.is_empty() {
        let team = ctx.identity.team.as_deref().unwrap_or("(none)");
        let _ = write!(
            text,
            "No budget applies to you (team {team}); [budgets] in the server's configuration sets them."
        );
    }
    for b in &budgets {
        let limit = |v: Option<f64>| v.map_or_else(|| "none".to_owned(), |v| format!("${v:.2}"));
        let _ = writeln!(
            text,
            "{} ({} from {}): spent ${:.6}, reserved ${:.6}, soft {}, hard {}, remaining {}{}; resets at {}",
            b.budget,
            b.period,
            b.period_start,
            b.spent_usd,
            b.reserved_usd,
            limit(b.soft_usd),
            limit(b.hard_usd),
            b.remaining_usd
                .map_or_else(|| "unlimited".to_owned(), |v| format!("${v:.6}")),
            if b.over_soft {
                " (past the soft limit)"
            } else {
                ""
            },
            b.resets_at
        );
    }
    Ok(ToolOutput {
        text: text.trim_end().to_owned(),
        structured: serde_json::to_value(StatusOutput { budgets }).ok(),
        ..ToolOutput::default()
    })
}
