//! The decision record: what was chosen and why, what it cost, and what the baseline would have
//! cost. Returned as text (always) and as structured content (the tools declare its schema).

use std::fmt::Write as _;

use schemars::JsonSchema;
use serde::Serialize;

use super::money::Micros;
use super::router::{Decision, Evidence};
use super::usage::Usage;

/// One source the server read for the model.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct SourceRecord {
    /// The item's URI.
    pub uri: String,
    /// Its source's data class.
    pub data_class: String,
    /// Its estimated tokens.
    pub tokens: u64,
    /// Whether it was cut to fit.
    pub truncated: bool,
}

/// One eligible candidate, as ranked.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct CandidateRecord {
    /// The catalog id.
    pub model: String,
    /// The provider.
    pub provider: String,
    /// The tier.
    pub tier: String,
    /// The estimated cost of the call, in micro-dollars.
    pub estimated_cost_micros: u64,
    /// Quality 0–1.
    pub quality: f64,
    /// Speed 0–1.
    pub speed: f64,
    /// `scorecard` or `tier`: where quality and speed came from.
    pub evidence: String,
    /// The weighted score (higher ranks first).
    pub score: f64,
    /// The scorecard, when measured.
    pub scorecard: Option<String>,
}

/// A candidate that was refused.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct RejectedRecord {
    /// The catalog id.
    pub model: String,
    /// Why.
    pub reason: String,
}

/// One call to a model.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct AttemptRecord {
    /// The catalog id.
    pub model: String,
    /// The provider.
    pub provider: String,
    /// `ok`, `failed`, `skipped` (no time left) or `refused` (over budget).
    pub outcome: String,
    /// The error, when it failed.
    pub error: Option<String>,
    /// How long it took, in milliseconds.
    pub latency_ms: u64,
    /// What it cost, in micro-dollars.
    pub cost_micros: u64,
}

/// Token usage, normalised.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, JsonSchema)]
pub struct UsageRecord {
    /// Input tokens at the full price.
    pub input_tokens: u64,
    /// Input tokens from the provider's cache.
    pub cached_input_tokens: u64,
    /// Output tokens, reasoning included.
    pub output_tokens: u64,
    /// Of those, reasoning tokens.
    pub reasoning_tokens: u64,
    /// Whether the counts are estimates (the provider reported none).
    pub estimated: bool,
}

/// What the baseline model would have cost for the same tokens.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct BaselineRecord {
    /// The baseline model.
    pub model: String,
    /// Its cost for the same usage, in micro-dollars.
    pub cost_micros: u64,
    /// Baseline cost minus actual cost, in micro-dollars (negative when dearer).
    pub savings_micros: i64,
    /// Savings as a percentage of the baseline cost.
    pub savings_percent: f64,
}

/// The whole record.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct DelegationRecord {
    /// Whether a model was called (`delegate`) or only chosen (`route_preview`).
    pub executed: bool,
    /// The model's answer (delegate only).
    pub answer: Option<String>,
    /// Why generation stopped (delegate only): stop, length, content filter, …
    pub finish: Option<String>,
    /// The task kind routed under.
    pub task: String,
    /// The model that answered (or would answer).
    pub model: Option<String>,
    /// Its provider.
    pub provider: Option<String>,
    /// The rule that chose it.
    pub rule: String,
    /// The strictest data class of the content.
    pub data_class: String,
    /// The sources the server read.
    pub sources: Vec<SourceRecord>,
    /// Eligible candidates, best first (the first is the choice, the rest the fallbacks).
    pub candidates: Vec<CandidateRecord>,
    /// Refused candidates with reasons.
    pub rejected: Vec<RejectedRecord>,
    /// Every call made, in order.
    pub attempts: Vec<AttemptRecord>,
    /// Tokens of the successful call.
    pub usage: Option<UsageRecord>,
    /// The estimated cost before the call, in micro-dollars.
    pub estimated_cost_micros: u64,
    /// The actual cost of every attempt, in micro-dollars.
    pub cost_micros: u64,
    /// Whether the cost is known: false when the answering model has no price in the catalog
    /// (the client's own model, an unpriced entry); `cost_micros` then counts only priced attempts.
    pub cost_known: bool,
    /// The same in US dollars, for reading.
    pub cost_usd: f64,
    /// Time from the first call to the answer, in milliseconds.
    pub latency_ms: u64,
    /// The baseline comparison (absent when the cost is unknown).
    pub baseline: Option<BaselineRecord>,
    /// What the caller should know about this delegation (an answer cut to the response
    /// budget, a cost over `max_cost_usd`, a tier fallback).
    pub notes: Vec<String>,
}

impl DelegationRecord {
    /// A record of a decision before any call.
    pub fn from_decision(decision: &Decision, sources: Vec<SourceRecord>) -> Self {
        let first = decision.ranked.first();
        DelegationRecord {
            executed: false,
            answer: None,
            finish: None,
            task: decision.task.clone(),
            model: first.map(|r| r.model.clone()),
            provider: first.map(|r| r.provider.clone()),
            rule: decision.rule.clone(),
            data_class: decision.data_class.to_string(),
            sources,
            candidates: decision
                .ranked
                .iter()
                .map(|r| CandidateRecord {
                    model: r.model.clone(),
                    provider: r.provider.clone(),
                    tier: r.tier.clone(),
                    estimated_cost_micros: r.estimated_cost.0,
                    quality: round3(r.quality),
                    speed: round3(r.speed),
                    evidence: match r.evidence {
                        Evidence::Scorecard => "scorecard".to_owned(),
                        Evidence::Tier => "tier".to_owned(),
                    },
                    score: round3(r.score),
                    scorecard: r.scorecard.clone(),
                })
                .collect(),
            rejected: decision
                .rejected
                .iter()
                .map(|r| RejectedRecord {
                    model: r.model.clone(),
                    reason: r.reason.clone(),
                })
                .collect(),
            attempts: Vec::new(),
            usage: None,
            estimated_cost_micros: first.map(|r| r.estimated_cost.0).unwrap_or(0),
            cost_micros: 0,
            cost_known: true,
            cost_usd: 0.0,
            latency_ms: 0,
            baseline: None,
            notes: decision.notes.clone(),
        }
    }

    /// Set the usage, cost and baseline after a successful call.
    pub fn settle(
        &mut self,
        usage: &Usage,
        estimated: bool,
        cost: Micros,
        baseline: Option<(String, Micros)>,
    ) {
        self.usage = Some(UsageRecord {
            input_tokens: usage.input_tokens,
            cached_input_tokens: usage.cached_input_tokens,
            output_tokens: usage.output_tokens,
            reasoning_tokens: usage.reasoning_tokens,
            estimated,
        });
        self.cost_micros = cost.0;
        self.cost_usd = cost.as_usd();
        self.baseline = baseline.map(|(model, base)| {
            let savings = base.0 as i64 - cost.0 as i64;
            let percent = if base.0 == 0 {
                0.0
            } else {
                round3(savings as f64 * 100.0 / base.0 as f64)
            };
            BaselineRecord {
                model,
                cost_micros: base.0,
                savings_micros: savings,
                savings_percent: percent,
            }
        });
    }

    /// The record as text, after the answer when there is one.
    pub fn render(&self) -> String {
        let mut text = String::new();
        if let Some(answer) = &self.answer {
            text.push_str(answer.trim_end());
            text.push_str("\n\n--- decision record ---\n");
        } else {
            text.push_str("route preview (no model was called)\n");
        }
        match (&self.model, &self.provider) {
            (Some(model), Some(provider)) => {
                let verb = if self.executed {
                    "answered by"
                } else {
                    "would use"
                };
                let _ = writeln!(text, "{verb}: {model} (provider {provider})");
            }
            _ => {
                let _ = writeln!(text, "no model answered");
            }
        }
        let _ = writeln!(text, "task: {} · rule: {}", self.task, self.rule);
        let _ = write!(text, "data class: {}", self.data_class);
        if !self.sources.is_empty() {
            let listed: Vec<String> = self
                .sources
                .iter()
                .map(|s| {
                    let cut = if s.truncated { ", cut" } else { "" };
                    format!("{} ({}, ~{} tokens{cut})", s.uri, s.data_class, s.tokens)
                })
                .collect();
            let _ = write!(text, " · read: {}", listed.join(", "));
        }
        text.push('\n');
        if let Some(finish) = &self.finish
            && finish != "stop"
        {
            let _ = writeln!(text, "finish: {finish}");
        }
        if let Some(usage) = &self.usage {
            let estimated = if usage.estimated {
                " (estimated: the provider reported none)"
            } else {
                ""
            };
            let _ = writeln!(
                text,
                "tokens: {} in ({} cached) · {} out ({} reasoning){estimated}",
                usage.input_tokens + usage.cached_input_tokens,
                usage.cached_input_tokens,
                usage.output_tokens,
                usage.reasoning_tokens
            );
        }
        if self.executed && !self.cost_known {
            let model = self.model.as_deref().unwrap_or("the model");
            let _ = write!(
                text,
                "cost: unknown ({model} has no price in the catalog; savings cannot be computed) · latency {} ms",
                self.latency_ms
            );
        } else if self.executed {
            let _ = write!(
                text,
                "cost: {} (estimated {}) · latency {} ms",
                Micros(self.cost_micros),
                Micros(self.estimated_cost_micros),
                self.latency_ms
            );
        } else {
            let _ = write!(
                text,
                "estimated cost: {}",
                Micros(self.estimated_cost_micros)
            );
        }
        if let Some(base) = &self.baseline {
            let verb = if base.savings_micros >= 0 {
                "saved"
            } else {
                "cost more by"
            };
            let _ = write!(
                text,
                " · baseline {} would cost {} · {verb} {} ({:.1}%)",
                base.model,
                Micros(base.cost_micros),
                Micros(base.savings_micros.unsigned_abs()),
                base.savings_percent.abs()
            );
        }
        text.push('\n');
        for note in &self.notes {
            let _ = writeln!(text, "note: {note}");
        }
        for (index, attempt) in self.attempts.iter().enumerate() {
            let _ = write!(
                text,
                "attempt {}: {} via {}: {} in {} ms",
                index + 1,
                attempt.model,
                attempt.provider,
                attempt.outcome,
                attempt.latency_ms
            );
            if let Some(error) = &attempt.error {
                let _ = write!(text, " ({error})");
            }
            text.push('\n');
        }
        if !self.candidates.is_empty() {
            text.push_str("candidates (best first):\n");
            for candidate in &self.candidates {
                let _ = write!(
                    text,
                    "  {} [{}] est. {} · quality {:.2} · speed {:.2} ({}) · score {:.3}",
                    candidate.model,
                    candidate.tier,
                    Micros(candidate.estimated_cost_micros),
                    candidate.quality,
                    candidate.speed,
                    candidate.evidence,
                    candidate.score
                );
                if let Some(card) = &candidate.scorecard {
                    let _ = write!(text, " · scorecard: {card}");
                }
                text.push('\n');
            }
        }
        if !self.rejected.is_empty() {
            text.push_str("rejected:\n");
            for rejected in &self.rejected {
                let _ = writeln!(text, "  {}: {}", rejected.model, rejected.reason);
            }
        }
        text
    }
}

fn round3(value: f64) -> f64 {
    (value * 1000.0).round() / 1000.0
}
