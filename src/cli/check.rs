//! `switchyard check`: configuration problems all at once, then which store is used and
//! whether it answers, each connector's check and each model provider's probe (reachability
//! and key, one listing request each, at most [`PROBE_TIMEOUT`], all at once).

use std::io::Write;
use std::sync::Arc;
use std::time::Instant;

use crate::app::App;
use crate::delegate::provider::{Health, PROBE_TIMEOUT};
use crate::store::Store;

/// Authentication, and teams named by the local identity or by keys that have no
/// `[teams.<team>]` section (allowed, with the default policy).
async fn write_governance(app: &App, out: &mut impl Write) -> std::io::Result<()> {
    let auth = match &app.config.auth {
        None => "off (HTTP serves loopback only, as the local identity)".to_owned(),
        Some(auth) => {
            let mut ways = Vec::new();
            if auth.api_keys {
                ways.push("API keys".to_owned());
            }
            if let Some(jwt) = &auth.jwt {
                ways.push(format!("JWTs from {}", jwt.issuer));
            }
            ways.join(" and ")
        }
    };
    writeln!(out, "auth:     {auth}")?;
    // What budgets and quotas are in force, so a misnamed one is seen at a glance.
    for line in crate::config::limits::describe_budgets(&app.config.budgets) {
        writeln!(out, "budget:   {line}")?;
    }
    for line in crate::config::limits::describe_quotas(&app.config.quotas) {
        writeln!(out, "quota:    {line}")?;
    }
    let directory = app.governance().directory();
    if !directory.has_teams() {
        return Ok(());
    }
    let mut unknown: Vec<(String, String)> = Vec::new();
    if let Some(team) = &app.identity().team
        && !directory.knows_team(team)
    {
        unknown.push((team.clone(), "[identity]".to_owned()));
    }
    if let Some(store) = &app.store
        && let Ok(keys) = store.keys().list().await
    {
        for key in keys.iter().filter(|k| k.revoked_at.is_none()) {
            if let Some(team) = &key.team
                && !directory.knows_team(team)
            {
                unknown.push((team.clone(), format!("key {}", key.id)));
            }
        }
    }
    for (team, by) in unknown {
        writeln!(
            out,
            "note:     team {team:?} (named by {by}) has no [teams.{team}] section; its callers get the default policy"
        )?;
    }
    Ok(())
}

/// Print the report; returns whether everything is healthy.
pub async fn run(app: &App, out: &mut impl Write) -> std::io::Result<bool> {
    writeln!(out, "config:   {} (valid)", app.source)?;
    writeln!(out, "data dir: {}", app.data_dir.display())?;
    let (store, store_ok) = store_status(app.store.as_ref()).await;
    writeln!(out, "store:    {store}")?;
    let identity = app.identity();
    let mut about: Vec<String> = Vec::new();
    if let Some(team) = &identity.team {
        about.push(format!("team {team}"));
    }
    if let Some(department) = &identity.department {
        about.push(format!("department {department}"));
    }
    if identity.role == switchyard_core::Role::Admin {
        about.push("admin".to_owned());
    }
    writeln!(
        out,
        "identity: {}{}",
        identity.user,
        if about.is_empty() {
            String::new()
        } else {
            format!(" ({})", about.join(", "))
        }
    )?;
    write_governance(app, out).await?;
    for warning in &app.warnings {
        writeln!(out, "warning:  {warning}")?;
    }
    let (reports, probes) = tokio::join!(app.registry.check_all(), probe_providers(app));
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
    let mut healthy = store_ok;
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
    if let Some(probes) = &probes {
        healthy &= write_providers(probes, out)?;
    }
    writeln!(out)?;
    writeln!(out, "{} tools published", app.registry.tools().len())?;
    Ok(healthy)
}

/// The store's kind and location, and whether it answers a query within [`PROBE_TIMEOUT`].
async fn store_status(store: Option<&Store>) -> (String, bool) {
    let Some(store) = store else {
        return ("none (notes and delegation are disabled)".to_owned(), true);
    };
    let location = store.location();
    let started = Instant::now();
    let (status, ok) = match tokio::time::timeout(PROBE_TIMEOUT, store.ping()).await {
        Ok(Ok(())) => (format!("ok ({} ms)", started.elapsed().as_millis()), true),
        Ok(Err(err)) => (format!("FAILED: {err}"), false),
        Err(_) => (
            format!("FAILED: no answer within {} s", PROBE_TIMEOUT.as_secs()),
            false,
        ),
    };
    (format!("{} {location}  {status}", location.kind()), ok)
}

/// Each configured provider (and each built-in one whose key is in the environment) with what
/// its probe found; `None` when delegation is disabled. A configured provider left out because
/// its key's variable is unset (a warning for `serve`) is a failure here.
async fn probe_providers(app: &App) -> Option<Vec<(String, &'static str, Health)>> {
    let providers = app.delegation()?.providers();
    let unbuilt: Vec<(String, &'static str, Health)> = app
        .config
        .providers
        .iter()
        .filter(|(id, _)| providers.get(id).is_none())
        .map(|(id, entry)| {
            let reference = entry
                .http()
                .api_key
                .as_ref()
                .map_or_else(|| "its api_key".to_owned(), ToString::to_string);
            (id.clone(), entry.kind(), Health::KeyMissing(reference))
        })
        .collect();
    let probes = providers
        .ids()
        .filter_map(|id| providers.get(id))
        .map(|provider| {
            let provider = Arc::clone(provider);
            async move {
                // The probe bounds itself; this is the backstop for one that does not.
                let health = tokio::time::timeout(PROBE_TIMEOUT, provider.check())
                    .await
                    .unwrap_or_else(|_| {
                        Health::Unreachable(format!(
                            "no answer within {} s",
                            PROBE_TIMEOUT.as_secs()
                        ))
                    });
                (provider.id().to_owned(), provider.kind(), health)
            }
        });
    let mut rows = futures::future::join_all(probes).await;
    rows.extend(unbuilt);
    rows.sort_by(|a, b| a.0.cmp(&b.0));
    Some(rows)
}

/// The providers' table; returns whether every provider is healthy.
fn write_providers(
    probes: &[(String, &'static str, Health)],
    out: &mut impl Write,
) -> std::io::Result<bool> {
    let id_width = probes
        .iter()
        .map(|(id, _, _)| id.len())
        .max()
        .unwrap_or(0)
        .max(8);
    writeln!(out)?;
    writeln!(out, "{:<id_width$}  {:<9}  status", "provider", "kind")?;
    let mut healthy = true;
    for (id, kind, health) in probes {
        healthy &= health.is_healthy();
        writeln!(out, "{id:<id_width$}  {kind:<9}  {health}")?;
    }
    if probes.is_empty() {
        writeln!(
            out,
            "(no model providers configured; `switchyard models` says how to add one)"
        )?;
    }
    Ok(healthy)
}

#[cfg(test)]
mod tests {
    use super::write_providers;
    use crate::delegate::provider::Health;

    #[test]
    fn a_failed_provider_makes_the_check_fail() {
        let probes = vec![
            (
                "claude".to_owned(),
                "anthropic",
                Health::Ok {
                    models: 20,
                    more: true,
                },
            ),
            (
                "local".to_owned(),
                "openai",
                Health::Unreachable("refused".into()),
            ),
        ];
        let mut out = Vec::new();
        assert!(!write_providers(&probes, &mut out).unwrap());
        let text = String::from_utf8(out).unwrap();
        assert!(
            text.contains("claude    anthropic  ok (20+ models)"),
            "{text}"
        );
        assert!(
            text.contains("local     openai     unreachable: refused"),
            "{text}"
        );
        assert!(write_providers(&probes[..1], &mut Vec::new()).unwrap());
    }
}
