//! The router: which model a delegation goes to, and why.
//!
//! 1. Candidates: an explicit `model` (when policy allows), else the task policy's candidate
//!    list, else the models of its tier (escalating to the next tier up when none is eligible).
//! 2. Eligibility, each refusal recorded with its reason: the provider is available, the model
//!    is cleared for the context's data class (never relaxed), the team does not deny it, the
//!    input fits its context window, the estimate fits `max_cost`, and — when a scorecard exists
//!    — it meets the task's quality floor and latency target.
//! 3. Ranking by the caller's priorities (cost, speed, quality; default: cost only), using the
//!    scorecards where measured and the tier order where not. The first is chosen; the rest, in
//!    order, are the fallbacks.

use std::collections::HashSet;
use std::fmt::Write as _;

use serde::Serialize;
use switchyard_core::DataClass;

use super::catalog::{Catalog, ModelSpec};
use super::money::Micros;
use super::policy::{Policy, TaskPolicy};
use super::provider::Preferences;
use super::scorecard::Scorecards;
use super::usage::Usage;

/// What the router is asked.
#[derive(Debug, Clone, PartialEq)]
pub struct RouteRequest {
    /// The task kind.
    pub task: String,
    /// The caller's team.
    pub team: Option<String>,
    /// The strictest data class of the content the model would see.
    pub data_class: DataClass,
    /// The estimated input tokens.
    pub input_tokens: u64,
    /// The output budget.
    pub max_output_tokens: u64,
    /// The caller's priorities, when given.
    pub priorities: Option<Preferences>,
    /// A model the caller names.
    pub model: Option<String>,
    /// The most the caller will pay for one call.
    pub max_cost: Option<Micros>,
    /// Budget pressure: why the caller's budget is past its soft limit. When set, the
    /// cheapest eligible candidate goes first whatever the priorities, and the rule says so.
    pub budget_pressure: Option<String>,
}

/// Where a quality or speed figure came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Evidence {
    /// A measured scorecard.
    Scorecard,
    /// The model's tier (no scorecard for this task).
    Tier,
}

/// A candidate that passed every check, with its scores.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Ranked {
    /// The catalog id.
    pub model: String,
    /// The provider id.
    pub provider: String,
    /// The tier.
    pub tier: String,
    /// The estimated cost of this call (input estimate + the whole output budget).
    pub estimated_cost: Micros,
    /// The most this call can cost: every input byte a token (byte-level tokenizers never
    /// make more tokens than bytes), a margin for the chat template, and the whole output
    /// budget. Budgets reserve this, so a hard limit holds however many calls run at once.
    #[serde(skip)]
    pub cost_ceiling: Micros,
    /// Quality 0–1 and where it came from.
    pub quality: f64,
    /// Speed 0–1 and where it came from.
    pub speed: f64,
    /// The evidence behind quality and speed.
    pub evidence: Evidence,
    /// The weighted score that ranked it (higher first).
    pub score: f64,
    /// The scorecard line, when measured.
    pub scorecard: Option<String>,
}

/// A candidate that was not eligible.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Rejected {
    /// The catalog id.
    pub model: String,
    /// Why.
    pub reason: String,
}

/// The router's decision.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Decision {
    /// The task kind routed under.
    pub task: String,
    /// The rule that chose, in words.
    pub rule: String,
    /// The eligible candidates, best first: the first is the choice, the rest the fallbacks.
    pub ranked: Vec<Ranked>,
    /// The candidates refused, with reasons.
    pub rejected: Vec<Rejected>,
    /// The data class of the content.
    pub data_class: DataClass,
    /// The weights used: cost, speed, quality.
    pub weights: [f64; 3],
    /// The system prompt of the task policy.
    #[serde(skip)]
    pub system: Option<String>,
    /// What the caller should know about the choice (a fall back below the task's tier).
    pub notes: Vec<String>,
}

/// Why no model can be chosen.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum RouteError {
    /// No model is configured at all.
    #[error("no model is available: {hint}")]
    NothingConfigured {
        /// How to configure one.
        hint: String,
    },
    /// The caller named a model the catalog does not have.
    #[error("model {model:?} is not in the catalog; list_models shows the models you may use")]
    UnknownModel {
        /// The name given.
        model: String,
    },
    /// The caller named a model but policy does not allow choosing.
    #[error("naming a model is not allowed{team}; omit model and let the task policy choose")]
    OverrideRefused {
        /// " for team X" or "".
        team: String,
    },
    /// Every candidate was refused.
    #[error("no eligible model for {task} (data class {data_class}): {reasons}")]
    NoneEligible {
        /// The task kind.
        task: String,
        /// The content's class.
        data_class: DataClass,
        /// Every candidate with its reason.
        reasons: String,
        /// The refusals, for the record.
        rejected: Vec<Rejected>,
    },
}

/// The inputs the router reads.
pub struct Router<'a> {
    /// The catalog.
    pub catalog: &'a Catalog,
    /// The policy.
    pub policy: &'a Policy,
    /// The scorecards.
    pub scorecards: &'a Scorecards,
    /// The provider ids that can serve calls now.
    pub providers: &'a HashSet<String>,
}

impl Router<'_> {
    /// Decide.
    pub fn route(&self, request: &RouteRequest) -> Result<Decision, RouteError> {
        if self.providers.is_empty() {
            return Err(RouteError::NothingConfigured {
                hint: NO_PROVIDER_HINT.to_owned(),
            });
        }
        let team = request.team.as_deref();
        let policy = self.policy.for_task(&request.task, team);
        let weights = weights(request.priorities);
        let mut rejected = Vec::new();
        let mut rule = String::new();
        let mut notes = Vec::new();

        let ranked = if let Some(name) = &request.model {
            if !self.policy.override_allowed(team) {
                return Err(RouteError::OverrideRefused {
                    team: team.map(|t| format!(" for team {t}")).unwrap_or_default(),
                });
            }
            let model = self
                .catalog
                .get(name)
                .ok_or_else(|| RouteError::UnknownModel {
                    model: name.clone(),
                })?;
            let _ = write!(rule, "the caller named {name}");
            self.rank(&[model], &policy, request, weights, &mut rejected)
        } else if let Some(list) = &policy.candidates {
            let _ = write!(rule, "{}: candidates {}", policy.source, list.join(", "));
            let mut models = Vec::new();
            for name in list {
                match self.catalog.get(name) {
                    Some(model) => models.push(model),
                    None => rejected.push(Rejected {
                        model: name.clone(),
                        reason: "not in the catalog".to_owned(),
                    }),
                }
            }
            self.rank(&models, &policy, request, weights, &mut rejected)
        } else {
            let start = self.policy.tier_rank(&policy.tier);
            let tiers = self.policy.tiers();
            let mut ranked = Vec::new();
            let _ = write!(rule, "{}: tier {}", policy.source, policy.tier);
            for (index, tier) in tiers.iter().enumerate().skip(start.min(tiers.len())) {
                let models: Vec<&ModelSpec> =
                    self.catalog.models().filter(|m| &m.tier == tier).collect();
                ranked = self.rank(&models, &policy, request, weights, &mut rejected);
                if !ranked.is_empty() {
                    if index > start {
                        let _ = write!(
                            rule,
                            " (no eligible {} model; escalated to {tier})",
                            policy.tier
                        );
                    }
                    break;
                }
            }
            // No model at the task's tier or above can be called at all (a local-only setup,
            // say): the best of the tiers below, nearest first, said plainly. Never when such
            // models exist but were refused (residency, a cost cap, the context window, the
            // quality floor): those refusals stand.
            let none_reachable_above = !self.catalog.models().any(|m| {
                let rank = self.policy.tier_rank(&m.tier);
                rank >= start && rank < tiers.len() && self.providers.contains(&m.provider)
            });
            if ranked.is_empty() && start < tiers.len() && none_reachable_above {
                for tier in tiers[..start].iter().rev() {
                    let models: Vec<&ModelSpec> =
                        self.catalog.models().filter(|m| &m.tier == tier).collect();
                    ranked = self.rank(&models, &policy, request, weights, &mut rejected);
                    if !ranked.is_empty() {
                        let _ = write!(
                            rule,
                            " (no eligible model at {} or above; fell back to {tier})",
                            policy.tier
                        );
                        notes.push(format!(
                            "the {} policy asks for tier {} but no model of that tier or above is available; \
                             a {tier} model answers instead (configure a {} model, or set the task's tier, to change this)",
                            policy.task, policy.tier, policy.tier
                        ));
                        break;
                    }
                }
            }
            if start >= tiers.len() {
                // A custom tier not in the tier list: only its own models.
                let models: Vec<&ModelSpec> = self
                    .catalog
                    .models()
                    .filter(|m| m.tier == policy.tier)
                    .collect();
                ranked = self.rank(&models, &policy, request, weights, &mut rejected);
            }
            ranked
        };

        if ranked.is_empty() {
            let reasons = if rejected.is_empty() {
                format!("the catalog has no model for tier {}", policy.tier)
            } else {
                rejected
                    .iter()
                    .map(|r| format!("{} ({})", r.model, r.reason))
                    .collect::<Vec<_>>()
                    .join("; ")
            };
            return Err(RouteError::NoneEligible {
                task: policy.task.clone(),
                data_class: request.data_class,
                reasons,
                rejected,
            });
        }
        let _ = write!(
            rule,
            "; ranked by {}",
            describe_weights(weights, policy.quality_floor)
        );
        let mut ranked = ranked;
        if let Some(pressure) = &request.budget_pressure {
            // Stable: among equal costs the priorities' order stands.
            ranked.sort_by_key(|r| (!self.priced(&r.model), r.estimated_cost));
            let _ = write!(
                rule,
                "; budget pressure ({pressure}): the cheapest eligible candidate first"
            );
            notes.push(format!(
                "budget warning: {pressure}; the cheapest eligible model was chosen"
            ));
        }
        let max_attempts = self.policy.max_attempts as usize;
        for left_out in ranked.iter().skip(max_attempts) {
            rejected.push(Rejected {
                model: left_out.model.clone(),
                reason: format!(
                    "eligible, but ranked below the {max_attempts} attempts [delegate] max_attempts allows"
                ),
            });
        }
        ranked.truncate(max_attempts);
        Ok(Decision {
            task: policy.task.clone(),
            rule,
            ranked,
            rejected,
            data_class: request.data_class,
            weights,
            system: policy.system.clone(),
            notes,
        })
    }

    /// Whether the catalog prices `model` (unpriced models' zero estimate is not "cheap").
    fn priced(&self, model: &str) -> bool {
        self.catalog.get(model).is_some_and(|m| m.priced)
    }

    /// Check each model and rank those that pass.
    fn rank(
        &self,
        models: &[&ModelSpec],
        policy: &TaskPolicy,
        request: &RouteRequest,
        weights: [f64; 3],
        rejected: &mut Vec<Rejected>,
    ) -> Vec<Ranked> {
        let mut eligible: Vec<(&ModelSpec, Micros)> = Vec::new();
        for model in models {
            match self.check(model, policy, request) {
                Ok(cost) => eligible.push((model, cost)),
                Err(reason) => rejected.push(Rejected {
                    model: model.id.clone(),
                    reason,
                }),
            }
        }
        let costs: Vec<u64> = eligible
            .iter()
            .filter(|(m, _)| m.priced)
            .map(|(_, c)| c.0)
            .collect();
        let (min, max) = (
            costs.iter().copied().min().unwrap_or(0),
            costs.iter().copied().max().unwrap_or(0),
        );
        let tiers = self.policy.tiers().len().max(1);
        let mut ranked: Vec<Ranked> = eligible
            .into_iter()
            .map(|(model, cost)| {
                let card = self.scorecards.get(&policy.task, &model.id);
                let rank = self.policy.tier_rank(&model.tier).min(tiers - 1) as f64;
                let span = (tiers - 1).max(1) as f64;
                let (quality, speed, evidence) = match card {
                    Some(card) => (
                        card.pass_rate(),
                        1.0 / (1.0 + card.p50_latency_ms as f64 / 2_000.0),
                        Evidence::Scorecard,
                    ),
                    None => (
                        0.5 + 0.45 * rank / span,
                        1.0 - 0.7 * rank / span,
                        Evidence::Tier,
                    ),
                };
                let cost_score = if !model.priced {
                    0.0
                } else if max == min {
                    1.0
                } else {
                    1.0 - (cost.0 - min) as f64 / (max - min) as f64
                };
                let score = weights[0] * cost_score + weights[1] * speed + weights[2] * quality;
                Ranked {
                    model: model.id.clone(),
                    provider: model.provider.clone(),
                    tier: model.tier.clone(),
                    estimated_cost: cost,
                    cost_ceiling: cost_ceiling(model, request),
                    quality,
                    speed,
                    evidence,
                    score,
                    scorecard: card.map(|c| c.summary()),
                }
            })
            .collect();
        ranked.sort_by(|a, b| {
            b.score
                .total_cmp(&a.score)
                .then(a.estimated_cost.cmp(&b.estimated_cost))
                .then(
                    self.policy
                        .tier_rank(&a.tier)
                        .cmp(&self.policy.tier_rank(&b.tier)),
                )
                .then(a.model.cmp(&b.model))
        });
        ranked
    }

    /// Whether `model` may take this call, and its estimated cost; else the reason.
    fn check(
        &self,
        model: &ModelSpec,
        policy: &TaskPolicy,
        request: &RouteRequest,
    ) -> Result<Micros, String> {
        if !model.cleared_for(request.data_class) {
            return Err(format!(
                "not cleared for {} data (cleared for: {})",
                request.data_class,
                model
                    .data_classes
                    .iter()
                    .map(|c| c.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
        if !self.providers.contains(&model.provider) {
            return Err(format!("provider {} is not configured", model.provider));
        }
        if self
            .policy
            .denied_for_team(request.team.as_deref(), &model.id)
        {
            return Err(format!(
                "team {} may not use it",
                request.team.as_deref().unwrap_or_default()
            ));
        }
        if let Some(rule) =
            self.policy
                .team_rule_refusing(request.team.as_deref(), &model.id, &model.tier)
        {
            return Err(format!("refused by {rule}"));
        }
        let needed = request.input_tokens + request.max_output_tokens.min(model.max_output);
        if needed > model.context_window {
            return Err(format!(
                "the input (~{} tokens) and output budget exceed its {}-token context window",
                request.input_tokens, model.context_window
            ));
        }
        let output = request.max_output_tokens.min(model.max_output);
        let estimate = model.prices.cost(&Usage {
            input_tokens: request.input_tokens,
            output_tokens: output,
            ..Usage::default()
        });
        if let Some(limit) = request.max_cost {
            if !model.priced {
                return Err("its price is unknown, so max_cost_usd cannot be guaranteed".to_owned());
            }
            // The input estimate is bytes / 4; code, diffs and logs often come to a token per
            // 3 bytes or less, so the cap is checked against half again as many input tokens.
            let guarded = model.prices.cost(&Usage {
                input_tokens: request.input_tokens.saturating_mul(3).div_ceil(2),
                output_tokens: output,
                ..Usage::default()
            });
            if guarded > limit {
                return Err(if estimate > limit {
                    format!("estimated {estimate} is over max_cost_usd {limit}")
                } else {
                    format!(
                        "estimated {estimate}, but up to {guarded} if its tokenizer counts half again as many \
                         input tokens, is over max_cost_usd {limit}"
                    )
                });
            }
        }
        if let Some(card) = self.scorecards.get(&policy.task, &model.id) {
            if card.pass_rate() < policy.quality_floor {
                return Err(format!(
                    "measured pass rate {:.0}% is below the {} quality floor of {:.0}%",
                    card.pass_rate() * 100.0,
                    policy.task,
                    policy.quality_floor * 100.0
                ));
            }
            if let Some(target) = policy.latency_target_ms
                && card.p50_latency_ms > target
            {
                return Err(format!(
                    "measured p50 latency {} ms is over the {target} ms target",
                    card.p50_latency_ms
                ));
            }
        }
        Ok(estimate)
    }
}

/// How to get a first model, said when none is available.
pub const NO_PROVIDER_HINT: &str = "set OPENAI_API_KEY, ANTHROPIC_API_KEY or GEMINI_API_KEY, start a local \
OpenAI-compatible server (llama.cpp on 127.0.0.1:8080, LM Studio on :1234, vLLM on :8000) or Ollama on :11434, \
or add a [providers.<id>] section with a [models.<id>] entry to switchyard.toml (see docs/delegation.md)";

/// Normalised weights (cost, speed, quality); no priorities means cost only.
fn weights(priorities: Option<Preferences>) -> [f64; 3] {
    let p = priorities.unwrap_or(Preferences {
        cost: 1.0,
        speed: 0.0,
        quality: 0.0,
    });
    let clamp = |v: f64| {
        if v.is_finite() {
            v.clamp(0.0, 1.0)
        } else {
            0.0
        }
    };
    let (c, s, q) = (clamp(p.cost), clamp(p.speed), clamp(p.quality));
    let sum = c + s + q;
    if sum == 0.0 {
        [1.0, 0.0, 0.0]
    } else {
        [c / sum, s / sum, q / sum]
    }
}

fn describe_weights(weights: [f64; 3], floor: f64) -> String {
    let mut text = if weights == [1.0, 0.0, 0.0] {
        "cost: the cheapest eligible model".to_owned()
    } else {
        format!(
            "cost {:.2}, speed {:.2}, quality {:.2}",
            weights[0], weights[1], weights[2]
        )
    };
    if floor > 0.0 {
        // The floor applies to measured pass rates only; unmeasured models rank by tier.
        let _ = write!(
            text,
            " among those whose scorecard, where one exists, meets the quality floor of {:.0}%",
            floor * 100.0
        );
    }
    text
}

/// Tokens a chat template may add around the messages (role markers, separators).
const TEMPLATE_MARGIN_TOKENS: u64 = 64;

/// The most a call of `model` for `request` can cost (see [`Ranked::cost_ceiling`]).
fn cost_ceiling(model: &ModelSpec, request: &RouteRequest) -> Micros {
    model.prices.cost(&Usage {
        // `input_tokens` is bytes / 4: back to bytes, one token each at most.
        input_tokens: request
            .input_tokens
            .saturating_mul(4)
            .saturating_add(TEMPLATE_MARGIN_TOKENS),
        output_tokens: request.max_output_tokens.min(model.max_output),
        ..Usage::default()
    })
}
