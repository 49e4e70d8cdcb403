//! Budgets in US dollars per day, week or month, per team and per department, enforced by the
//! delegation cost hook: a delegation reserves its estimate on every budget that applies (team
//! then department, in one transaction, each `WHERE spent + reserved + estimate <= hard`)
//! before it calls the model, and settles the actual cost after.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use async_trait::async_trait;
use serde::Serialize;
use switchyard_core::Identity;

use super::clock::{Clock, rfc3339, wait_text};
use super::metrics::Metrics;
use super::period;
use crate::config::limits::{BudgetConfig, BudgetPeriod, BudgetsConfig};
use crate::delegate::accounting::{BudgetRefusal, CostHook, Reservation};
use crate::delegate::money::Micros;
use crate::store::AuditStore;
use crate::store::budgets::{BudgetFigures, BudgetKey, BudgetStore, ReserveOutcome};

/// One configured budget.
#[derive(Debug, Clone, PartialEq)]
struct Budget {
    scope: &'static str,
    name: String,
    period: BudgetPeriod,
    soft: Option<Micros>,
    hard: Option<Micros>,
}

impl Budget {
    fn from_config(scope: &'static str, name: &str, config: &BudgetConfig) -> Self {
        let micros = |usd: Option<f64>| {
            usd.and_then(|usd| crate::config::limits::budget_micros("", usd).ok())
        };
        Budget {
            scope,
            name: name.to_owned(),
            period: config.period,
            soft: micros(config.soft_usd),
            hard: micros(config.hard_usd),
        }
    }

    /// `budgets.teams.payments`.
    fn key_text(&self) -> String {
        let plural = if self.scope == "team" {
            "teams"
        } else {
            "departments"
        };
        format!("budgets.{plural}.{}", self.name)
    }

    fn key(&self, now_ms: i64) -> BudgetKey {
        BudgetKey {
            scope: self.scope,
            name: self.name.clone(),
            period_start: period::bounds(self.period, now_ms).0,
        }
    }
}

/// A budget as the caller sees it (`budget_status`).
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct BudgetStatus {
    /// `budgets.teams.<team>` or `budgets.departments.<department>`.
    pub budget: String,
    /// `day`, `week` or `month`.
    pub period: String,
    /// When the current period began (UTC).
    pub period_start: String,
    /// Settled spend this period, US dollars.
    pub spent_usd: f64,
    /// Estimates of delegations in flight, US dollars.
    pub reserved_usd: f64,
    /// The soft limit (a warning and the cheapest models past it), US dollars.
    pub soft_usd: Option<f64>,
    /// The hard limit (refusal past it), US dollars.
    pub hard_usd: Option<f64>,
    /// What is left before the hard limit (or the soft one when there is no hard one).
    pub remaining_usd: Option<f64>,
    /// Whether the soft limit has been reached.
    pub over_soft: bool,
    /// When the period resets (UTC).
    pub resets_at: String,
}

/// The store-backed cost hook.
pub struct BudgetHook {
    budgets: Vec<Budget>,
    store: BudgetStore,
    audit: AuditStore,
    clock: Clock,
    metrics: Arc<Metrics>,
    next_id: AtomicU64,
    /// The store id and budget rows of each reservation in flight (settled against the same
    /// period even when the period turns meanwhile).
    pending: Mutex<HashMap<u64, (String, Vec<BudgetKey>)>>,
}

impl std::fmt::Debug for BudgetHook {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BudgetHook")
            .field("budgets", &self.budgets)
            .finish_non_exhaustive()
    }
}

impl BudgetHook {
    /// A hook enforcing `[budgets]` in `store`.
    pub fn new(
        config: &BudgetsConfig,
        store: BudgetStore,
        audit: AuditStore,
        clock: Clock,
        metrics: Arc<Metrics>,
    ) -> Self {
        let budgets = config
            .teams
            .iter()
            .map(|(name, b)| Budget::from_config("team", name, b))
            .chain(
                config
                    .departments
                    .iter()
                    .map(|(name, b)| Budget::from_config("department", name, b)),
            )
            .collect();
        BudgetHook {
            budgets,
            store,
            audit,
            clock,
            metrics,
            next_id: AtomicU64::new(1),
            pending: Mutex::new(HashMap::new()),
        }
    }

    /// The budgets that apply to `identity`: its team's, then its department's.
    fn applicable(&self, identity: &Identity) -> Vec<&Budget> {
        let team = self
            .budgets
            .iter()
            .find(|b| b.scope == "team" && Some(&b.name) == identity.team.as_ref());
        let department = self
            .budgets
            .iter()
            .find(|b| b.scope == "department" && Some(&b.name) == identity.department.as_ref());
        team.into_iter().chain(department).collect()
    }

    /// Release reservations older than `age` that were never settled (their process died).
    pub async fn release_stale(&self, age: std::time::Duration) {
        if self.budgets.is_empty() {
            return;
        }
        let before = self.clock.now_ms() - i64::try_from(age.as_millis()).unwrap_or(i64::MAX);
        match self.store.release_stale(before).await {
            Ok(0) => {}
            Ok(released) => tracing::warn!(released, "released budget reservations never settled"),
            Err(err) => tracing::warn!(error = %err, "cannot release stale budget reservations"),
        }
    }

    /// Every budget that applies to `identity`, with its figures now.
    pub async fn status(&self, identity: &Identity) -> Result<Vec<BudgetStatus>, String> {
        let now = self.clock.now_ms();
        let mut all = Vec::new();
        for budget in self.applicable(identity) {
            let figures = self
                .store
                .figures(&budget.key(now))
                .await
                .map_err(|err| err.to_string())?;
            all.push(status_of(budget, figures, now));
        }
        Ok(all)
    }

    /// Set every team budget's remaining gauge from the store.
    pub async fn refresh_gauges(&self) {
        let now = self.clock.now_ms();
        for budget in self
            .budgets
            .iter()
            .filter(|b| b.scope == "team" && b.hard.is_some())
        {
            match self.store.figures(&budget.key(now)).await {
                Ok(figures) => self.report_remaining(budget, figures),
                Err(err) => tracing::warn!(error = %err, "cannot read a budget for the metrics"),
            }
        }
    }

    fn report_remaining(&self, budget: &Budget, figures: BudgetFigures) {
        if budget.scope == "team"
            && let Some(hard) = budget.hard
        {
            let left = hard.0 as i64 - figures.spent - figures.reserved;
            self.metrics
                .budget_remaining(&budget.name, budget.period.as_str(), left as f64 / 1e6);
        }
    }

    async fn refuse(&self, identity: &Identity, message: String) -> BudgetRefusal {
        let at = chrono::DateTime::from_timestamp_millis(self.clock.now_ms()).unwrap_or_default();
        if let Err(err) = self
            .audit
            .record_at(
                at,
                &identity.user,
                identity.team.as_deref(),
                "budget_refused",
                &message,
            )
            .await
        {
            tracing::warn!(error = %err, "cannot write the audit log");
        }
        BudgetRefusal(message)
    }
}

fn usd(micros: i64) -> String {
    Micros(u64::try_from(micros.max(0)).unwrap_or(0)).to_string()
}

fn status_of(budget: &Budget, figures: BudgetFigures, now: i64) -> BudgetStatus {
    let (start, end) = period::bounds(budget.period, now);
    let limit = budget.hard.or(budget.soft);
    let used = figures.spent + figures.reserved;
    BudgetStatus {
        budget: budget.key_text(),
        period: budget.period.as_str().to_owned(),
        period_start: rfc3339(start),
        spent_usd: figures.spent as f64 / 1e6,
        reserved_usd: figures.reserved as f64 / 1e6,
        soft_usd: budget.soft.map(Micros::as_usd),
        hard_usd: budget.hard.map(Micros::as_usd),
        remaining_usd: limit.map(|l| (l.0 as i64 - used).max(0) as f64 / 1e6),
        over_soft: budget.soft.is_some_and(|s| used >= s.0 as i64),
        resets_at: rfc3339(end),
    }
}

#[async_trait]
impl CostHook for BudgetHook {
    async fn reserve(
        &self,
        identity: &Identity,
        task: &str,
        model: &str,
        estimate: Micros,
    ) -> Result<Reservation, BudgetRefusal> {
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let reservation = Reservation {
            id,
            user: identity.user.clone(),
            team: identity.team.clone(),
            task: task.to_owned(),
            model: model.to_owned(),
            estimate,
        };
        let applicable = self.applicable(identity);
        if applicable.is_empty() {
            return Ok(reservation);
        }
        let now = self.clock.now_ms();
        let keyed: Vec<(BudgetKey, i64)> = applicable
            .iter()
            .map(|b| {
                let hard = b.hard.map_or(i64::MAX, |h| h.0 as i64);
                (b.key(now), hard)
            })
            .collect();
        let estimate_i = i64::try_from(estimate.0).unwrap_or(i64::MAX);
        let store_id = uuid::Uuid::new_v4().to_string();
        match self.store.reserve(&store_id, now, &keyed, estimate_i).await {
            Ok(ReserveOutcome::Reserved(figures)) => {
                for (budget, figures) in applicable.iter().zip(&figures) {
                    self.report_remaining(budget, *figures);
                }
                if let Ok(mut pending) = self.pending.lock() {
                    pending.insert(id, (store_id, keyed.into_iter().map(|(k, _)| k).collect()));
                }
                Ok(reservation)
            }
            Ok(ReserveOutcome::Refused(index, figures)) => {
                let budget = applicable[index];
                self.report_remaining(budget, figures);
                let (_, end) = period::bounds(budget.period, now);
                let hard = budget.hard.map_or(i64::MAX, |h| h.0 as i64);
                let remaining = hard - figures.spent - figures.reserved;
                let message = format!(
                    "{} (hard limit {} per {}) is reached: spent {}, reserved for calls in flight {}, remaining {}, \
                     and {model} may cost up to {estimate}; it resets at {} (in {})",
                    budget.key_text(),
                    usd(hard),
                    budget.period.as_str(),
                    usd(figures.spent),
                    usd(figures.reserved),
                    usd(remaining),
                    rfc3339(end),
                    wait_text(end - now),
                );
                Err(self.refuse(identity, message).await)
            }
            Err(err) => {
                let message =
                    format!("the budget could not be checked, so the call is refused: {err}");
                Err(self.refuse(identity, message).await)
            }
        }
    }

    async fn settle(&self, reservation: &Reservation, actual: Micros) {
        let keys = self
            .pending
            .lock()
            .ok()
            .and_then(|mut pending| pending.remove(&reservation.id));
        let Some((store_id, keys)) = keys else {
            return;
        };
        let estimate = i64::try_from(reservation.estimate.0).unwrap_or(i64::MAX);
        let actual = i64::try_from(actual.0).unwrap_or(i64::MAX);
        match self.store.settle(&store_id, &keys, estimate, actual).await {
            Ok(figures) => {
                for (key, figures) in keys.iter().zip(figures) {
                    if let Some(budget) = self
                        .budgets
                        .iter()
                        .find(|b| b.scope == key.scope && b.name == key.name)
                    {
                        self.report_remaining(budget, figures);
                    }
                }
            }
            Err(err) => {
                tracing::error!(error = %err, reservation = reservation.id, "cannot settle a budget reservation")
            }
        }
    }

    async fn pressure(&self, identity: &Identity) -> Option<String> {
        let now = self.clock.now_ms();
        for budget in self.applicable(identity) {
            let Some(soft) = budget.soft else {
                continue;
            };
            let figures = match self.store.figures(&budget.key(now)).await {
                Ok(figures) => figures,
                Err(err) => {
                    tracing::warn!(error = %err, "cannot read a budget");
                    continue;
                }
            };
            let used = figures.spent + figures.reserved;
            if used >= soft.0 as i64 {
                let hard = budget
                    .hard
                    .map(|h| format!(", hard limit {h}"))
                    .unwrap_or_default();
                return Some(format!(
                    "{} is past its soft limit: {} of {soft} used this {}{hard}",
                    budget.key_text(),
                    usd(used),
                    budget.period.as_str(),
                ));
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::Budget;
    use crate::config::limits::{BudgetConfig, BudgetPeriod};
    use crate::delegate::money::Micros;

    #[test]
    fn a_budget_above_the_model_price_cap_still_applies() {
        let config = BudgetConfig {
            period: BudgetPeriod::Month,
            soft_usd: Some(1_500_000.0),
            hard_usd: Some(2_000_000.0),
        };
        let budget = Budget::from_config("team", "payments", &config);
        assert_eq!(budget.soft, Some(Micros(1_500_000_000_000)));
        assert_eq!(budget.hard, Some(Micros(2_000_000_000_000)));
    }
}
