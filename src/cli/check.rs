//! `switchyard check`: configuration problems all at once, then each connector's check.

use std::io::Write;

use crate::app::App;

/// Print the report; returns whether everything is healthy.
pub async fn run(app: &App, out: &mut impl Write) -> std::io::Result<bool> {
    writeln!(out, "config:   {} (valid)", app.source)?;
    writeln!(out, "data dir: {}", app.data_dir.display())?;
    writeln!(
        out,
        "identity: {}{}",
        app.identity().user,
        app.identity()
            .team
            .as_deref()
            .map(|t| format!(" (team {t})"))
            .unwrap_or_default()
    )?;
    for warning in &app.warnings {
        writeln!(out, "warning:  {warning}")?;
    }
    let reports = app.registry.check_all().await;
    let id_width = reports
        .iter()
        .map(|(id, _, _)| id.len())
        .max()
        .unwrap_or(2)
        .max(9);
    writeln!(out)?;
    writeln!(
        out,
        "{:<id_width$}  {:<6}  {:<6}  detail",
        "connector", "kind", "status"
    )?;
    let mut healthy = true;
    for (id, kind, report) in &reports {
        healthy &= report.ok;
        let status = if report.ok { "ok" } else { "FAILED" };
        writeln!(
            out,
            "{id:<id_width$}  {kind:<6}  {status:<6}  {}",
            report.detail
        )?;
    }
    if reports.is_empty() {
        writeln!(out, "(no connectors configured)")?;
    }
    writeln!(out)?;
    writeln!(out, "{} tools published", app.registry.tools().len())?;
    Ok(healthy)
}
