//! `switchyard models`: the model catalog with prices, clearance, availability and scorecards.

use std::io::Write;

use crate::delegate::service::Delegation;

/// Print the catalog (every model, or only those whose provider is available).
pub async fn run(delegation: &Delegation, all: bool, out: &mut impl Write) -> std::io::Result<()> {
    delegation.ensure_discovered().await;
    let catalog = delegation.catalog();
    let providers = delegation.providers();
    let policy = delegation.policy();
    let scorecards = delegation.scorecards();
    let mut models: Vec<_> = catalog
        .models()
        .filter(|m| all || providers.get(&m.provider).is_some())
        .collect();
    models.sort_by(|a, b| {
        policy
            .tier_rank(&a.tier)
            .cmp(&policy.tier_rank(&b.tier))
            .then(a.prices.output.cmp(&b.prices.output))
            .then(a.id.cmp(&b.id))
    });
    let available: Vec<&str> = providers.ids().collect();
    writeln!(
        out,
        "providers available: {}",
        if available.is_empty() {
            "none".to_owned()
        } else {
            available.join(", ")
        }
    )?;
    if available.is_empty() {
        writeln!(out, "  {}", crate::delegate::router::NO_PROVIDER_HINT)?;
    }
    let width = models.iter().map(|m| m.id.len()).max().unwrap_or(5).max(5);
    let label = |provider: &str| {
        if providers.get(provider).is_some() {
            provider.to_owned()
        } else {
            format!("{provider} (off)")
        }
    };
    let pw = models
        .iter()
        .map(|m| label(&m.provider).len())
        .max()
        .unwrap_or(8)
        .max(8);
    writeln!(
        out,
        "\n{:<width$}  {:<9}  {:<pw$}  {:>10}  {:>10}  {:>10}  {:>9}  cleared for",
        "model", "tier", "provider", "in $/Mtok", "cached", "out $/Mtok", "context"
    )?;
    for model in &models {
        let (input, cached, output) = if model.priced {
            (
                model.prices.input.to_string(),
                model.prices.cached_input.to_string(),
                model.prices.output.to_string(),
            )
        } else {
            ("?".to_owned(), "?".to_owned(), "?".to_owned())
        };
        let provider = label(&model.provider);
        let classes: Vec<&str> = model.data_classes.iter().map(|c| c.as_str()).collect();
        writeln!(
            out,
            "{:<width$}  {:<9}  {:<pw$}  {input:>10}  {cached:>10}  {output:>10}  {:>9}  {}{}",
            model.id,
            model.tier,
            provider,
            model.context_window,
            classes.join(", "),
            if model.self_hosted {
                " (self-hosted)"
            } else {
                ""
            }
        )?;
        for card in scorecards.for_model(&model.id) {
            writeln!(out, "{:<width$}    {}: {}", "", card.task, card.summary())?;
        }
    }
    if !all && models.len() < catalog.len() {
        writeln!(
            out,
            "\n{} more models in the catalog have no provider configured; `switchyard models --all` lists them",
            catalog.len() - models.len()
        )?;
    }
    if scorecards.is_empty() {
        writeln!(
            out,
            "\nno scorecards yet: `switchyard eval` measures models on the task suites"
        )?;
    }
    Ok(())
}
