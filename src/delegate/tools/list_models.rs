//! `list_models`: the models a caller may delegate to, with prices, clearance and scorecards.

use std::fmt::Write as _;

use schemars::JsonSchema;
use serde::Deserialize;
use switchyard_core::{
    CallContext, ConnectorError, JsonObject, PageWriter, ToolEffects, ToolOutput, ToolSpec,
    parse_args,
};

use crate::delegate::engine::{CLIENT_MODEL, client_model_spec};
use crate::registry::{CallExtras, Registry};

/// The tool name.
pub const NAME: &str = "list_models";

/// Arguments of `list_models`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Params {
    /// Only models of this tier (fast, balanced, frontier, or a custom one).
    #[schemars(length(max = 64))]
    tier: Option<String>,
    /// Include models whose provider is not configured (default false).
    include_unavailable: Option<bool>,
}

/// The tool's description.
pub fn spec() -> ToolSpec {
    ToolSpec::new::<Params>(
        NAME,
        "List the models delegate can use",
        "List the models you may delegate to: provider, tier, prices per million tokens, context window, the data classes each is cleared for, and the scorecards measured for it.\n\
         Use a model's id as delegate's model argument when policy allows naming one.",
        ToolEffects::LOCAL_READ,
    )
}

/// Run `list_models`.
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
    delegation.ensure_discovered().await;
    let mut catalog = delegation.catalog();
    let providers = delegation.providers();
    if extras.client_model.is_some() {
        std::sync::Arc::make_mut(&mut catalog).insert(client_model_spec());
    }
    let available = |provider: &str| {
        providers.get(provider).is_some()
            || (provider == CLIENT_MODEL && extras.client_model.is_some())
    };
    let team = ctx.identity.team.as_deref();
    let policy = delegation.policy();
    let scorecards = delegation.scorecards();
    let mut models: Vec<_> = catalog
        .models()
        .filter(|m| params.tier.as_deref().is_none_or(|tier| m.tier == tier))
        .filter(|m| params.include_unavailable.unwrap_or(false) || available(&m.provider))
        .filter(|m| !policy.denied_for_team(team, &m.id))
        .cloned()
        .collect();
    models.sort_by(|a, b| {
        policy
            .tier_rank(&a.tier)
            .cmp(&policy.tier_rank(&b.tier))
            .then(a.prices.output.cmp(&b.prices.output))
            .then(a.id.cmp(&b.id))
    });
    let header = format!(
        "models for delegate ({} of {} in the catalog; providers available: {}){}",
        models.len(),
        catalog.len(),
        if providers.is_empty() && extras.client_model.is_none() {
            "none".to_owned()
        } else {
            providers
                .ids()
                .chain(extras.client_model.as_ref().map(|_| CLIENT_MODEL))
                .collect::<Vec<_>>()
                .join(", ")
        },
        if policy.override_allowed(team) {
            ""
        } else {
            "; naming a model is not allowed for you"
        }
    );
    let mut page = PageWriter::new(header, &ctx.budget);
    for model in &models {
        let mut line = format!("{} [{}] via {}", model.id, model.tier, model.provider);
        if !available(&model.provider) {
            line.push_str(" (provider not configured)");
        }
        if model.priced {
            let _ = write!(
                line,
                " · per Mtok in {} / cached {} / out {}",
                model.prices.input, model.prices.cached_input, model.prices.output
            );
        } else {
            line.push_str(" · price unknown");
        }
        let classes: Vec<&str> = model.data_classes.iter().map(|c| c.as_str()).collect();
        let _ = write!(
            line,
            " · context {} · max out {} · cleared: {}{}",
            model.context_window,
            model.max_output,
            classes.join(", "),
            if model.self_hosted {
                " · self-hosted"
            } else {
                ""
            }
        );
        for card in scorecards.for_model(&model.id) {
            let _ = write!(line, "\n    {}: {}", card.task, card.summary());
        }
        if !page.push(&line, None) {
            break;
        }
    }
    let empty = if providers.is_empty() {
        crate::delegate::router::NO_PROVIDER_HINT
    } else {
        "no model matches; drop the tier filter or pass include_unavailable"
    };
    let omitted = models.len() - page.shown().min(models.len());
    Ok(page.finish(None, Some(omitted), empty))
}
