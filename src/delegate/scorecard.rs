//! Scorecards: what `switchyard eval` measured for a task kind and a model. Routing reads them
//! (quality floor, latency target, ranking) and the decision record cites them.

use std::collections::HashMap;

use serde::Serialize;

use super::money::Micros;

/// The measured quality, speed and cost of one model on one task kind.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Scorecard {
    /// The task kind (`commit_message`).
    pub task: String,
    /// The catalog id of the model.
    pub model: String,
    /// Cases run.
    pub cases: u32,
    /// Cases whose checks all passed.
    pub passed: u32,
    /// The median latency of one case, in milliseconds.
    pub p50_latency_ms: u64,
    /// The mean cost of one case.
    pub mean_cost: Micros,
    /// When it was measured (RFC 3339).
    pub measured_at: String,
}

impl Scorecard {
    /// The pass rate, 0–1 (0 when no case ran).
    pub fn pass_rate(&self) -> f64 {
        if self.cases == 0 {
            0.0
        } else {
            f64::from(self.passed) / f64::from(self.cases)
        }
    }

    /// One line for lists and decision records.
    pub fn summary(&self) -> String {
        format!(
            "{}/{} passed ({:.0}%), p50 {} ms, {} per case, measured {}",
            self.passed,
            self.cases,
            self.pass_rate() * 100.0,
            self.p50_latency_ms,
            self.mean_cost,
            self.measured_at
        )
    }
}

/// Every scorecard, by (task, model).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Scorecards {
    cards: HashMap<(String, String), Scorecard>,
}

impl Scorecards {
    /// A set of scorecards (a later card for the same task and model replaces an earlier one).
    pub fn new(cards: impl IntoIterator<Item = Scorecard>) -> Self {
        let mut set = Scorecards::default();
        for card in cards {
            set.cards
                .insert((card.task.clone(), card.model.clone()), card);
        }
        set
    }

    /// The scorecard of `model` for `task`, if measured.
    pub fn get(&self, task: &str, model: &str) -> Option<&Scorecard> {
        self.cards.get(&(task.to_owned(), model.to_owned()))
    }

    /// Every scorecard of `model`, by task.
    pub fn for_model(&self, model: &str) -> Vec<&Scorecard> {
        let mut cards: Vec<&Scorecard> = self.cards.values().filter(|c| c.model == model).collect();
        cards.sort_by(|a, b| a.task.cmp(&b.task));
        cards
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.cards.is_empty()
    }
}
