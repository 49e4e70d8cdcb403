//! [`Meter`]: what the MCP server asks around every tool call. Before: the quotas.
//! After: metrics, the delegation's tokens against the daily quota, and the ledger row
//! (written before the answer goes out).

use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::Duration;

use switchyard_core::{ConnectorError, Identity};

use super::budget::BudgetHook;
use super::clock::Clock;
use super::ledger::{LedgerError, LedgerWriter};
use super::metrics::Metrics;
use super::quota::{CallKind, Quotas};
use crate::config::Config;
use crate::delegate::accounting::{CostHook, DelegationUsage};
use crate::store::ledger::{LedgerEntry, LedgerStore};
use crate::store::{AuditStore, Store};

/// How often unsettled reservations and old quota windows are cleaned up.
const SWEEP_EVERY: Duration = Duration::from_secs(300);
/// How much older than a delegation's timeout a reservation must be to count as abandoned.
const STALE_MARGIN_SECS: u64 = 60;

/// The name of the delegation tool (counted as a delegation, not a tool call).
const DELEGATE: &str = "delegate";

/// One finished call, as the server saw it.
#[derive(Debug, Clone)]
pub struct CallOutcome<'a> {
    /// Who called.
    pub identity: &'a Identity,
    /// The tool.
    pub tool: &'a str,
    /// The connector instance that served it, if a connector did.
    pub instance: Option<String>,
    /// Milliseconds from dispatch to result.
    pub latency_ms: u64,
    /// `ok` or the error kind.
    pub outcome: &'a str,
    /// Bytes of text returned.
    pub bytes: usize,
    /// Whether the result was cut to its budget.
    pub truncated: bool,
    /// What a delegation consumed.
    pub usage: Option<DelegationUsage>,
}

/// Quotas, budgets, the ledger and metrics of one server.
pub struct Meter {
    quotas: Quotas,
    budgets: Arc<BudgetHook>,
    ledger: LedgerWriter,
    ledger_store: LedgerStore,
    audit: AuditStore,
    metrics: Arc<Metrics>,
    clock: Clock,
}

impl std::fmt::Debug for Meter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Meter")
            .field("budgets", &self.budgets)
            .finish_non_exhaustive()
    }
}

impl Meter {
    /// Governance over `store` as `[quotas]` and `[budgets]` say (starts the ledger writer on
    /// the current runtime).
    pub fn new(config: &Config, store: &Store, clock: Clock) -> Self {
        let teams: BTreeSet<String> = config
            .quotas
            .teams
            .keys()
            .chain(config.budgets.teams.keys())
            .chain(config.delegate.teams.keys())
            .chain(config.identity.team.iter())
            .cloned()
            .collect();
        let metrics = Arc::new(Metrics::new(teams));
        let ledger_store = store.ledger();
        let budgets = Arc::new(BudgetHook::new(
            &config.budgets,
            store.budgets(),
            store.audit(),
            clock.clone(),
            Arc::clone(&metrics),
        ));
        let quotas = Quotas::new(config.quotas.clone(), store.quotas(), clock.clone());
        let has_budgets =
            !config.budgets.teams.is_empty() || !config.budgets.departments.is_empty();
        if quotas.any() || has_budgets {
            // A reservation lives at most one delegation (every attempt within timeout_secs);
            // one older than that and a margin belongs to a process that died.
            let age = Duration::from_secs(config.delegate.timeout_secs + STALE_MARGIN_SECS);
            let budgets = Arc::downgrade(&budgets);
            let quotas = quotas.clone();
            tokio::spawn(async move {
                let mut tick = tokio::time::interval(SWEEP_EVERY);
                loop {
                    tick.tick().await;
                    // Ends with the server (the hook is dropped with the last delegation).
                    let Some(budgets) = budgets.upgrade() else {
                        break;
                    };
                    budgets.release_stale(age).await;
                    if quotas.any() {
                        quotas.prune().await;
                    }
                }
            });
        }
        Meter {
            quotas,
            budgets,
            ledger: LedgerWriter::spawn(ledger_store.clone()),
            ledger_store,
            audit: store.audit(),
            metrics,
            clock,
        }
    }

    /// The budget-enforcing cost hook delegations reserve and settle through.
    pub fn cost_hook(&self) -> Arc<dyn CostHook> {
        Arc::clone(&self.budgets) as Arc<dyn CostHook>
    }

    /// The budgets (for `budget_status`).
    pub fn budgets(&self) -> &BudgetHook {
        &self.budgets
    }

    /// The metrics.
    pub fn metrics(&self) -> &Metrics {
        &self.metrics
    }

    /// The metrics as OpenMetrics text, the budget gauges read fresh from the store (so they
    /// include what other replicas spent).
    pub async fn scrape(&self) -> String {
        self.budgets.refresh_gauges().await;
        self.metrics.encode()
    }

    /// The clock quotas and budgets read.
    pub fn clock(&self) -> &Clock {
        &self.clock
    }

    /// The ledger and audit log in the store.
    pub fn ledger(&self) -> &LedgerStore {
        &self.ledger_store
    }

    /// The group-commit ledger writer.
    pub fn ledger_writer(&self) -> &LedgerWriter {
        &self.ledger
    }

    /// Count the call against the quotas, or refuse it (and say so in the audit log).
    pub async fn admit(&self, identity: &Identity, tool: &str) -> Result<(), ConnectorError> {
        if !self.quotas.any() {
            return Ok(());
        }
        let kind = if tool == DELEGATE {
            CallKind::Delegation
        } else {
            CallKind::Tool
        };
        let result = self.quotas.admit(identity, kind).await;
        if let Err(ConnectorError::RateLimited { message, .. }) = &result
            && let Err(err) = self
                .audit
                .record_at(
                    chrono::DateTime::from_timestamp_millis(self.clock.now_ms())
                        .unwrap_or_default(),
                    &identity.user,
                    identity.team.as_deref(),
                    "quota_refused",
                    &format!("{tool}: {message}"),
                )
                .await
        {
            tracing::warn!(error = %err, "cannot write the audit log");
        }
        result
    }

    /// Record a finished call: metrics, tokens, and its ledger row (returns once committed).
    pub async fn record(&self, call: CallOutcome<'_>) -> Result<(), LedgerError> {
        let connector = call.instance.as_deref().or(builtin_toolset(call.tool));
        self.metrics.tool_call(
            connector,
            call.tool,
            call.outcome,
            call.latency_ms as f64 / 1000.0,
        );
        let identity = call.identity;
        let usage = call.usage.unwrap_or_default();
        if let Some(model) = &usage.model {
            self.metrics.delegation(
                identity.team.as_deref(),
                model,
                [
                    ("input", usage.input_tokens),
                    ("output", usage.output_tokens),
                    ("cached", usage.cached_tokens),
                ],
                usage.cost.as_usd(),
            );
        }
        let tokens = usage.input_tokens + usage.output_tokens + usage.cached_tokens;
        self.quotas.add_tokens(identity, tokens).await;
        let int = |v: u64| i64::try_from(v).unwrap_or(i64::MAX);
        let row = LedgerEntry {
            at_ms: self.clock.now_ms(),
            user: identity.user.clone(),
            team: identity.team.clone(),
            department: identity.department.clone(),
            tool: call.tool.to_owned(),
            instance: call.instance,
            task: (!usage.task.is_empty()).then(|| usage.task.clone()),
            model: usage.model.clone(),
            input_tokens: int(usage.input_tokens),
            output_tokens: int(usage.output_tokens),
            cached_tokens: int(usage.cached_tokens),
            cost_micros: int(usage.cost.0),
            baseline_micros: usage.baseline.map(|b| int(b.0)),
            latency_ms: int(call.latency_ms),
            outcome: call.outcome.to_owned(),
            bytes: int(call.bytes as u64),
            truncated: call.truncated,
        };
        self.ledger.write(row).await
    }
}

/// The toolset of a built-in tool (its "connector" label).
fn builtin_toolset(tool: &str) -> Option<&'static str> {
    match tool {
        "read_context" | "search_context" => Some("context"),
        "delegate" | "route_preview" | "list_models" => Some("delegate"),
        "budget_status" => Some("governance"),
        _ => None,
    }
}
