//! The arguments `delegate` and `route_preview` share, and their checks.

use schemars::JsonSchema;
use serde::Deserialize;
use switchyard_core::{ConnectorError, DataClass};

use crate::delegate::engine::Ask;
use crate::delegate::money::Micros;
use crate::delegate::provider::Preferences;

/// The most context URIs one delegation reads.
pub const MAX_CONTEXT_URIS: usize = 20;
/// The largest output budget a caller may ask for.
pub const MAX_OUTPUT_TOKENS: u32 = 100_000;

/// How much cost, speed and quality matter.
#[derive(Debug, Clone, Copy, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Priorities {
    /// How much a low price matters, 0–1.
    pub cost: Option<f64>,
    /// How much speed matters, 0–1.
    pub speed: Option<f64>,
    /// How much answer quality matters, 0–1.
    pub quality: Option<f64>,
}

/// Arguments of `delegate` and `route_preview`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Params {
    /// The kind of task: commit_message, summarize, code_review, security_review, test_generation, iac_generation, data_transform, planning, general, or one the server's policy defines.
    #[schemars(length(max = 64))]
    pub task: String,
    /// What the model should do, in plain words.
    #[schemars(length(max = 20000))]
    pub instructions: String,
    /// Text to work on (a diff, a log excerpt); prefer context URIs for anything large.
    pub input: Option<String>,
    /// URIs the server reads itself and gives the model (git://…, note://…, any source): their content never passes through you.
    pub context: Option<Vec<String>>,
    /// How much cost, speed and quality matter, each 0–1 (default: cost only, i.e. the cheapest model that meets the task's quality floor).
    pub priorities: Option<Priorities>,
    /// A catalog model to use instead of the policy's choice (see list_models); refused when policy does not allow it.
    #[schemars(length(max = 128))]
    pub model: Option<String>,
    /// The most this call may cost, in US dollars; models whose estimate is higher are not used.
    pub max_cost_usd: Option<f64>,
    /// The most tokens the answer may have (default from the server's configuration).
    pub max_output_tokens: Option<u32>,
    /// The data class of your own text, instructions and input (public, internal, confidential, restricted; default internal). Routing uses the strictest of it and the context's sources.
    pub input_class: Option<DataClass>,
}

impl Params {
    /// Check the arguments and turn them into an [`Ask`].
    pub fn into_ask(self, default_output: u64) -> Result<Ask, ConnectorError> {
        let task = self.task.trim().to_owned();
        if task.is_empty()
            || !task
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
        {
            return Err(ConnectorError::invalid(format!(
                "task {:?} must be a task kind in snake_case, such as commit_message or summarize",
                self.task
            )));
        }
        if self.instructions.trim().is_empty() {
            return Err(ConnectorError::invalid(
                "instructions must say what the model should do",
            ));
        }
        // The same item twice would be read, and paid for, twice.
        let mut context = self.context.unwrap_or_default();
        let mut seen = std::collections::HashSet::new();
        context.retain(|uri| seen.insert(uri.clone()));
        if context.len() > MAX_CONTEXT_URIS {
            return Err(ConnectorError::invalid(format!(
                "{} context URIs given; at most {MAX_CONTEXT_URIS}",
                context.len()
            )));
        }
        let priorities = match self.priorities {
            None => None,
            Some(p) => {
                let mut values = [p.cost, p.speed, p.quality];
                for (name, value) in ["cost", "speed", "quality"].iter().zip(values.iter_mut()) {
                    if let Some(v) = value
                        && !(0.0..=1.0).contains(v)
                    {
                        return Err(ConnectorError::invalid(format!(
                            "priorities.{name} is {v}; each priority is between 0 and 1"
                        )));
                    }
                }
                Some(Preferences {
                    cost: values[0].unwrap_or(0.0),
                    speed: values[1].unwrap_or(0.0),
                    quality: values[2].unwrap_or(0.0),
                })
            }
        };
        let max_cost = match self.max_cost_usd {
            None => None,
            Some(usd) if usd >= 0.000_001 => {
                Some(Micros::from_usd(usd).map_err(ConnectorError::invalid)?)
            }
            Some(usd) if usd > 0.0 => {
                return Err(ConnectorError::invalid(format!(
                    "max_cost_usd is {usd}; the smallest amount is 0.000001 (one micro-dollar)"
                )));
            }
            Some(usd) => {
                return Err(ConnectorError::invalid(format!(
                    "max_cost_usd is {usd}; it must be more than 0"
                )));
            }
        };
        let max_output_tokens = match self.max_output_tokens {
            None => default_output,
            Some(0) => {
                return Err(ConnectorError::invalid(
                    "max_output_tokens must be at least 1",
                ));
            }
            Some(n) if n > MAX_OUTPUT_TOKENS => {
                return Err(ConnectorError::invalid(format!(
                    "max_output_tokens is {n}; at most {MAX_OUTPUT_TOKENS}"
                )));
            }
            Some(n) => u64::from(n),
        };
        Ok(Ask {
            task,
            instructions: self.instructions,
            input: self.input,
            context,
            priorities,
            model: self
                .model
                .map(|m| m.trim().to_owned())
                .filter(|m| !m.is_empty()),
            max_cost,
            max_output_tokens,
            input_class: self.input_class.unwrap_or_default(),
        })
    }
}
