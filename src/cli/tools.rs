//! `switchyard tools`: the catalog with the approximate token cost of each schema.

use std::io::Write;

use switchyard_core::budget::estimate_tokens;

use crate::app::App;

/// Print the catalog as a table (or the tools/list JSON with `json`).
pub fn run(app: &App, json: bool, out: &mut impl Write) -> std::io::Result<()> {
    let server = app.server();
    let tools = server.published_tools();
    if json {
        let listing = serde_json::json!({ "tools": tools });
        let text = serde_json::to_string_pretty(&listing).map_err(std::io::Error::other)?;
        writeln!(out, "{text}")?;
        return Ok(());
    }
    let width = tools.iter().map(|t| t.name.len()).max().unwrap_or(4).max(4);
    writeln!(out, "{:<width$}  {:>6}  summary", "tool", "tokens")?;
    let mut total = 0;
    for tool in &tools {
        let size = serde_json::to_string(tool)
            .map(|s| estimate_tokens(&s))
            .unwrap_or(0);
        total += size;
        let summary = tool
            .description
            .as_deref()
            .and_then(|d| d.lines().next())
            .unwrap_or_default();
        writeln!(out, "{:<width$}  {size:>6}  {summary}", tool.name)?;
    }
    writeln!(
        out,
        "{:<width$}  {total:>6}  ({} tools; tokens ≈ bytes of the tool's JSON / 4)",
        "total",
        tools.len()
    )?;
    Ok(())
}
