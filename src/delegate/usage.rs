//! Token usage normalised across providers, and its price.
//!
//! Providers count differently: OpenAI and Gemini report cached tokens *inside* the prompt
//! count, Anthropic reports them *beside* it; reasoning tokens are inside the output count for
//! OpenAI and Gemini's `thoughtsTokenCount` is beside the candidates count. Each provider
//! adapter converts to this one shape, so pricing and records never guess.

use serde::Serialize;

use super::money::Micros;

/// Tokens of one model call, normalised.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct Usage {
    /// Input tokens billed at the full input price (cached ones excluded).
    pub input_tokens: u64,
    /// Input tokens served from the provider's cache (billed at the cached price).
    pub cached_input_tokens: u64,
    /// Output tokens, reasoning included (all billed at the output price).
    pub output_tokens: u64,
    /// Of the output tokens, those spent on hidden reasoning.
    pub reasoning_tokens: u64,
}

impl Usage {
    /// All input tokens, cached or not.
    pub fn total_input(&self) -> u64 {
        self.input_tokens + self.cached_input_tokens
    }

    /// Input and output together.
    pub fn total(&self) -> u64 {
        self.total_input() + self.output_tokens
    }

    /// Add another call's usage (for several attempts).
    pub fn add(&mut self, other: &Usage) {
        self.input_tokens += other.input_tokens;
        self.cached_input_tokens += other.cached_input_tokens;
        self.output_tokens += other.output_tokens;
        self.reasoning_tokens += other.reasoning_tokens;
    }
}

/// A model's prices, in micro-dollars per million tokens.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct Prices {
    /// Per million input tokens.
    pub input: Micros,
    /// Per million cached input tokens (the input price when the provider has no cache price).
    pub cached_input: Micros,
    /// Per million output tokens.
    pub output: Micros,
}

impl Prices {
    /// The cost of `usage`, summed exactly and rounded half up to the micro-dollar once.
    pub fn cost(&self, usage: &Usage) -> Micros {
        let exact = u128::from(usage.input_tokens) * u128::from(self.input.0)
            + u128::from(usage.cached_input_tokens) * u128::from(self.cached_input.0)
            + u128::from(usage.output_tokens) * u128::from(self.output.0);
        let rounded = (exact + 500_000) / 1_000_000;
        Micros(u64::try_from(rounded).unwrap_or(u64::MAX))
    }

    /// Whether every price is zero (self-hosted models, the client's own model).
    pub fn is_free(&self) -> bool {
        self.input.0 == 0 && self.cached_input.0 == 0 && self.output.0 == 0
    }
}

/// Estimate the tokens of a text before sending it (bytes / 4, as the response budget does).
pub fn estimate_tokens(text: &str) -> u64 {
    switchyard_core::budget::estimate_tokens(text) as u64
}

#[cfg(test)]
mod tests {
    use super::{Prices, Usage};
    use crate::delegate::money::Micros;

    #[test]
    fn cost_sums_before_rounding() {
        let prices = Prices {
            input: Micros(400_000),
            cached_input: Micros(100_000),
            output: Micros(1_600_000),
        };
        let usage = Usage {
            input_tokens: 1_000,
            cached_input_tokens: 3,
            output_tokens: 250,
            reasoning_tokens: 0,
        };
        // 1000×0.4 + 3×0.1 + 250×1.6 = 400 + 0.3 + 400 = 800.3 µ$ → 800
        assert_eq!(prices.cost(&usage), Micros(800));
        assert_eq!(usage.total(), 1_253);
    }
}
