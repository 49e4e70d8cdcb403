//! Quotas: tool calls and delegations per minute per user and per team, and model tokens per
//! UTC day per team, in fixed windows counted in the store (shared by replicas). A call no
//! quota applies to costs no database round trip.

use std::time::Duration;

use switchyard_core::{ConnectorError, Identity};

use super::clock::{Clock, wait_text};
use crate::config::limits::{QuotaLimits, QuotasConfig};
use crate::store::quotas::{QuotaCharge, QuotaStore};

/// A minute window, seconds.
const MINUTE: i64 = 60;
/// A day window, seconds.
const DAY: i64 = 86_400;

/// What kind of call is being admitted (counted separately).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CallKind {
    /// Any tool but `delegate`.
    Tool,
    /// `delegate`.
    Delegation,
}

/// The quota checker.
#[derive(Debug, Clone)]
pub struct Quotas {
    config: QuotasConfig,
    store: QuotaStore,
    clock: Clock,
}

/// One quota that applies to a call: its config key, limit and counter key.
struct Applied {
    name: String,
    limit: u64,
    key: String,
}

impl Quotas {
    /// Quotas from `[quotas]`, counted in `store`.
    pub fn new(config: QuotasConfig, store: QuotaStore, clock: Clock) -> Self {
        Quotas {
            config,
            store,
            clock,
        }
    }

    /// Whether any quota is configured at all.
    pub fn any(&self) -> bool {
        self.config.default.is_some() || !self.config.teams.is_empty()
    }

    /// The limits of `team` and the config key they come from.
    fn limits(&self, team: Option<&str>) -> Option<(String, QuotaLimits)> {
        if let Some(team) = team
            && let Some(limits) = self.config.teams.get(team)
        {
            return Some((format!("quotas.teams.{team}"), *limits));
        }
        self.config
            .default
            .map(|limits| ("quotas.default".to_owned(), limits))
    }

    /// Count this call against every quota that applies, or refuse it naming the quota and
    /// when it resets (nothing is counted then).
    pub async fn admit(&self, identity: &Identity, kind: CallKind) -> Result<(), ConnectorError> {
        let Some((prefix, limits)) = self.limits(identity.team.as_deref()) else {
            return Ok(());
        };
        let team = identity.team.as_deref();
        let now = self.clock.now_ms();
        let now_secs = now.div_euclid(1000);
        if kind == CallKind::Delegation
            && let (Some(limit), Some(team)) = (limits.tokens_per_day, team)
        {
            let day = now_secs - now_secs.rem_euclid(DAY);
            let used = self
                .store
                .count(&tokens_key(team), day)
                .await
                .map_err(unavailable)?;
            if used >= i64::try_from(limit).unwrap_or(i64::MAX) {
                return Err(denied(
                    &format!("{prefix}.tokens_per_day"),
                    limit,
                    (day + DAY) * 1000 - now,
                ));
            }
        }
        let (per_user, per_team, noun) = match kind {
            CallKind::Tool => (
                limits.tool_calls_per_minute_per_user,
                limits.tool_calls_per_minute,
                "tool_calls",
            ),
            CallKind::Delegation => (
                limits.delegations_per_minute_per_user,
                limits.delegations_per_minute,
                "delegations",
            ),
        };
        let team_part = team.unwrap_or("");
        let mut applied = Vec::new();
        if let Some(limit) = per_user {
            applied.push(Applied {
                name: format!("{prefix}.{noun}_per_minute_per_user"),
                limit,
                key: format!("{noun}/user/{team_part}/{}", identity.user),
            });
        }
        if let (Some(limit), Some(team)) = (per_team, team) {
            applied.push(Applied {
                name: format!("{prefix}.{noun}_per_minute"),
                limit,
                key: format!("{noun}/team/{team}"),
            });
        }
        if applied.is_empty() {
            return Ok(());
        }
        let window = now_secs - now_secs.rem_euclid(MINUTE);
        let charges: Vec<QuotaCharge> = applied
            .iter()
            .map(|a| QuotaCharge {
                key: a.key.clone(),
                window_start: window,
                limit: i64::try_from(a.limit).unwrap_or(i64::MAX),
            })
            .collect();
        match self.store.charge(&charges).await.map_err(unavailable)? {
            None => Ok(()),
            Some(index) => {
                let full = &applied[index];
                Err(denied(
                    &full.name,
                    full.limit,
                    (window + MINUTE) * 1000 - now,
                ))
            }
        }
    }

    /// Count a delegation's model tokens against its team's daily quota (after the call).
    pub async fn add_tokens(&self, identity: &Identity, tokens: u64) {
        let Some(team) = identity.team.as_deref() else {
            return;
        };
        let applies = self
            .limits(Some(team))
            .is_some_and(|(_, l)| l.tokens_per_day.is_some());
        if !applies || tokens == 0 {
            return;
        }
        let now_secs = self.clock.now_ms().div_euclid(1000);
        let day = now_secs - now_secs.rem_euclid(DAY);
        let amount = i64::try_from(tokens).unwrap_or(i64::MAX);
        if let Err(err) = self.store.add(&tokens_key(team), day, amount).await {
            tracing::warn!(error = %err, team, "cannot count delegation tokens");
        }
    }

    /// Drop counters of windows older than two days (called now and then).
    pub async fn prune(&self) {
        let before = self.clock.now_ms().div_euclid(1000) - 2 * DAY;
        if let Err(err) = self.store.prune(before).await {
            tracing::warn!(error = %err, "cannot prune quota counters");
        }
    }
}

fn tokens_key(team: &str) -> String {
    format!("tokens/team/{team}")
}

fn denied(name: &str, limit: u64, wait_ms: i64) -> ConnectorError {
    ConnectorError::RateLimited {
        retry_after: Some(Duration::from_millis(u64::try_from(wait_ms).unwrap_or(0))),
        message: format!(
            "quota {name} ({limit}) reached; resets in {}",
            wait_text(wait_ms)
        ),
    }
}

fn unavailable(err: crate::store::StoreError) -> ConnectorError {
    ConnectorError::Internal(format!("the quota could not be checked: {err}"))
}
