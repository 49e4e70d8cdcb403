//! Prometheus metrics (`GET /metrics`, OpenMetrics text): tool calls and their latency by
//! connector, tool and outcome; delegations, tokens and cost by team and model; budget
//! remaining by team. Label values are bounded: tools, connectors, models and teams come
//! from the configuration and catalog, and anything else is counted as `other`.

use std::collections::HashSet;
use std::sync::RwLock;
use std::sync::atomic::AtomicU64;

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;

/// The toolsets of the built-in tools, the "connector" of their calls.
const BUILTIN_TOOLSETS: [&str; 3] = ["context", "delegate", "governance"];

/// The value of a label outside the known set.
pub const OTHER: &str = "other";

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct ToolLabels {
    connector: String,
    tool: String,
    outcome: String,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct ModelLabels {
    team: String,
    model: String,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct TokenLabels {
    team: String,
    model: String,
    kind: String,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct TeamLabels {
    team: String,
    period: String,
}

fn latency_histogram() -> Histogram {
    // 1 ms to ~33 s.
    Histogram::new(exponential_buckets(0.001, 2.0, 16))
}

/// The known label values.
#[derive(Debug, Default)]
struct Known {
    tools: HashSet<String>,
    connectors: HashSet<String>,
    models: HashSet<String>,
    teams: HashSet<String>,
}

/// Every governance metric.
pub struct Metrics {
    registry: Registry,
    known: RwLock<Known>,
    tool_calls: Family<ToolLabels, Counter>,
    tool_latency: Family<ToolLabels, Histogram, fn() -> Histogram>,
    delegations: Family<ModelLabels, Counter>,
    tokens: Family<TokenLabels, Counter>,
    cost: Family<ModelLabels, Counter<f64, AtomicU64>>,
    budget_remaining: Family<TeamLabels, Gauge<f64, AtomicU64>>,
}

impl std::fmt::Debug for Metrics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Metrics").finish_non_exhaustive()
    }
}

impl Metrics {
    /// The metrics, with the teams of the configuration as known team labels.
    pub fn new(teams: impl IntoIterator<Item = String>) -> Self {
        let mut registry = Registry::with_prefix("switchyard");
        let tool_calls = Family::<ToolLabels, Counter>::default();
        registry.register(
            "tool_calls",
            "Tool calls by connector, tool and outcome",
            tool_calls.clone(),
        );
        let tool_latency = Family::<ToolLabels, Histogram, fn() -> Histogram>::new_with_constructor(
            latency_histogram,
        );
        registry.register(
            "tool_call_duration_seconds",
            "Tool call latency by connector, tool and outcome",
            tool_latency.clone(),
        );
        let delegations = Family::<ModelLabels, Counter>::default();
        registry.register(
            "delegations",
            "Delegations answered, by team and model",
            delegations.clone(),
        );
        let tokens = Family::<TokenLabels, Counter>::default();
        registry.register(
            "delegation_tokens",
            "Model tokens of delegations, by team, model and kind (input, output, cached)",
            tokens.clone(),
        );
        let cost = Family::<ModelLabels, Counter<f64, AtomicU64>>::default();
        registry.register(
            "delegation_cost_usd",
            "What delegations cost in US dollars, by team and model",
            cost.clone(),
        );
        let budget_remaining = Family::<TeamLabels, Gauge<f64, AtomicU64>>::default();
        registry.register(
            "budget_remaining_usd",
            "What is left of each team's hard budget in the current period, US dollars",
            budget_remaining.clone(),
        );
        Metrics {
            registry,
            known: RwLock::new(Known {
                teams: teams.into_iter().collect(),
                ..Known::default()
            }),
            tool_calls,
            tool_latency,
            delegations,
            tokens,
            cost,
            budget_remaining,
        }
    }

    /// Set the tools, connector instances and models that may appear as label values.
    pub fn set_known(
        &self,
        tools: impl IntoIterator<Item = String>,
        connectors: impl IntoIterator<Item = String>,
        models: impl IntoIterator<Item = String>,
    ) {
        if let Ok(mut known) = self.known.write() {
            known.tools = tools.into_iter().collect();
            known.connectors = connectors
                .into_iter()
                .chain(BUILTIN_TOOLSETS.iter().map(|t| (*t).to_owned()))
                .collect();
            known.models = models.into_iter().collect();
        }
    }

    fn bounded(&self, pick: fn(&Known) -> &HashSet<String>, value: Option<&str>) -> String {
        let Some(value) = value else {
            return "none".to_owned();
        };
        match self.known.read() {
            Ok(known) if pick(&known).contains(value) => value.to_owned(),
            _ => OTHER.to_owned(),
        }
    }

    /// Count a tool call.
    pub fn tool_call(&self, connector: Option<&str>, tool: &str, outcome: &str, seconds: f64) {
        let labels = ToolLabels {
            connector: self.bounded(|k| &k.connectors, connector),
            tool: self.bounded(|k| &k.tools, Some(tool)),
            outcome: outcome.to_owned(),
        };
        self.tool_calls.get_or_create(&labels).inc();
        self.tool_latency.get_or_create(&labels).observe(seconds);
    }

    /// Count a delegation's model, tokens and cost.
    pub fn delegation(
        &self,
        team: Option<&str>,
        model: &str,
        tokens: [(&'static str, u64); 3],
        cost_usd: f64,
    ) {
        let team = self.bounded(|k| &k.teams, team);
        let model = self.bounded(|k| &k.models, Some(model));
        let labels = ModelLabels {
            team: team.clone(),
            model: model.clone(),
        };
        self.delegations.get_or_create(&labels).inc();
        self.cost.get_or_create(&labels).inc_by(cost_usd);
        for (kind, count) in tokens {
            self.tokens
                .get_or_create(&TokenLabels {
                    team: team.clone(),
                    model: model.clone(),
                    kind: kind.to_owned(),
                })
                .inc_by(count);
        }
    }

    /// Set what is left of a team's hard budget.
    pub fn budget_remaining(&self, team: &str, period: &str, usd: f64) {
        let labels = TeamLabels {
            team: self.bounded(|k| &k.teams, Some(team)),
            period: period.to_owned(),
        };
        self.budget_remaining.get_or_create(&labels).set(usd);
    }

    /// The OpenMetrics text of every series.
    pub fn encode(&self) -> String {
        let mut text = String::new();
        if let Err(err) = prometheus_client::encoding::text::encode(&mut text, &self.registry) {
            tracing::warn!(error = %err, "cannot encode the metrics");
        }
        text
    }
}

/// The content type of [`Metrics::encode`].
pub const CONTENT_TYPE: &str = "application/openmetrics-text; version=1.0.0; charset=utf-8";
