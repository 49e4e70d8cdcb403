//! The cost accounting hook: every delegation reserves its estimate before the call and settles
//! the actual cost after it, in micro-dollars. Governance (budgets, the ledger) implements
//! [`CostHook`]; until then [`RecordingHook`] keeps the last entries for inspection and tests.

use std::collections::VecDeque;
use std::sync::Mutex;

use async_trait::async_trait;
use switchyard_core::Identity;

use super::money::Micros;

/// A reservation made before a call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reservation {
    /// An id to settle it by.
    pub id: u64,
    /// Who it is for.
    pub user: String,
    /// Their team.
    pub team: Option<String>,
    /// The task kind.
    pub task: String,
    /// The model it is for.
    pub model: String,
    /// The estimate reserved.
    pub estimate: Micros,
}

/// Why a reservation was refused (a budget or quota would be exceeded).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct BudgetRefusal(pub String);

/// Reserve before, settle after.
#[async_trait]
pub trait CostHook: Send + Sync {
    /// Reserve `estimate` for a call of `model` on behalf of `identity`; refuse if over budget.
    async fn reserve(
        &self,
        identity: &Identity,
        task: &str,
        model: &str,
        estimate: Micros,
    ) -> Result<Reservation, BudgetRefusal>;

    /// Settle a reservation with what the call actually cost (zero when it failed before use).
    async fn settle(&self, reservation: &Reservation, actual: Micros);

    /// Budget pressure: why `identity` is past a soft limit, when it is (routing then takes
    /// the cheapest eligible model and the result carries the warning).
    async fn pressure(&self, _identity: &Identity) -> Option<String> {
        None
    }
}

/// A hook that refuses nothing and remembers the last settlements (newest last).
#[derive(Debug, Default)]
pub struct RecordingHook {
    // A ring: the oldest entry leaves in O(1) (a Vec's remove(0) moved 1,000 entries per call).
    entries: Mutex<VecDeque<(Reservation, Option<Micros>)>>,
}

/// How many entries [`RecordingHook`] keeps.
const KEPT: usize = 1_000;

impl RecordingHook {
    /// Reservations with their settled cost (None while the call runs), oldest first.
    pub fn entries(&self) -> Vec<(Reservation, Option<Micros>)> {
        self.entries
            .lock()
            .map(|e| e.iter().cloned().collect())
            .unwrap_or_default()
    }
}

#[async_trait]
impl CostHook for RecordingHook {
    async fn reserve(
        &self,
        identity: &Identity,
        task: &str,
        model: &str,
        estimate: Micros,
    ) -> Result<Reservation, BudgetRefusal> {
        let mut entries = self
            .entries
            .lock()
            .map_err(|_| BudgetRefusal("the accounting state is poisoned".to_owned()))?;
        let id = entries.back().map(|(r, _)| r.id + 1).unwrap_or(1);
        let reservation = Reservation {
            id,
            user: identity.user.clone(),
            team: identity.team.clone(),
            task: task.to_owned(),
            model: model.to_owned(),
            estimate,
        };
        entries.push_back((reservation.clone(), None));
        if entries.len() > KEPT {
            entries.pop_front();
        }
        Ok(reservation)
    }

    async fn settle(&self, reservation: &Reservation, actual: Micros) {
        if let Ok(mut entries) = self.entries.lock()
            && let Some(entry) = entries
                .iter_mut()
                .rev()
                .find(|(r, _)| r.id == reservation.id)
        {
            entry.1 = Some(actual);
        }
    }
}

/// What a delegation consumed, reported by the `delegate` tool to whoever records the call
/// (the ledger), so nothing has to parse its output.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DelegationUsage {
    /// The task kind.
    pub task: String,
    /// The model that answered (none when every attempt failed).
    pub model: Option<String>,
    /// Input tokens at the full price.
    pub input_tokens: u64,
    /// Output tokens.
    pub output_tokens: u64,
    /// Cached input tokens.
    pub cached_tokens: u64,
    /// What every attempt cost.
    pub cost: Micros,
    /// What the baseline model would have cost, when known.
    pub baseline: Option<Micros>,
}

/// A slot one call's delegation reports its usage through.
#[derive(Debug, Default)]
pub struct UsageSlot(Mutex<Option<DelegationUsage>>);

impl UsageSlot {
    /// Report.
    pub fn put(&self, usage: DelegationUsage) {
        if let Ok(mut slot) = self.0.lock() {
            *slot = Some(usage);
        }
    }

    /// What was reported, if anything.
    pub fn take(&self) -> Option<DelegationUsage> {
        self.0.lock().ok().and_then(|mut slot| slot.take())
    }
}
