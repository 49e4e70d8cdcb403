//! The model catalog: the shipped `config/models.toml`, the user's `[models]` entries on top,
//! and optionally a LiteLLM price map filling in prices the catalog lacks.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;
use switchyard_core::DataClass;

use super::money::Micros;
use super::usage::Prices;
use crate::config::ConfigIssue;
use crate::config::model::ModelConfig;

/// The shipped catalog.
pub const SHIPPED_CATALOG: &str = include_str!("../../config/models.toml");

/// One model as routing sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct ModelSpec {
    /// The catalog id (`gpt-4.1-mini`, `local/qwen2.5`).
    pub id: String,
    /// The provider id that serves it.
    pub provider: String,
    /// The provider's id of the model.
    pub provider_model: String,
    /// Its prices.
    pub prices: Prices,
    /// Whether the prices are known (a model without prices is never assumed free).
    pub priced: bool,
    /// The context window in tokens.
    pub context_window: u64,
    /// The most output tokens per call.
    pub max_output: u64,
    /// What it can do.
    pub capabilities: Vec<String>,
    /// Its tier.
    pub tier: String,
    /// Whether it runs on the organisation's own infrastructure.
    pub self_hosted: bool,
    /// Where it runs.
    pub region: Option<String>,
    /// The data classes it is cleared for.
    pub data_classes: Vec<DataClass>,
}

impl ModelSpec {
    /// Whether the model may receive content of `class`.
    pub fn cleared_for(&self, class: DataClass) -> bool {
        self.data_classes.contains(&class)
    }

    /// The strictest class it is cleared for.
    pub fn clearance(&self) -> Option<DataClass> {
        self.data_classes.iter().copied().max()
    }
}

/// The catalog.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Catalog {
    models: BTreeMap<String, ModelSpec>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CatalogFile {
    #[serde(default)]
    models: BTreeMap<String, ModelConfig>,
}

impl Catalog {
    /// Build the catalog: the shipped file, the user's entries over it, prices from
    /// `price_file` where still missing. Every problem is returned with its key.
    pub fn build(
        user: &BTreeMap<String, ModelConfig>,
        price_file: Option<&Path>,
    ) -> (Catalog, Vec<ConfigIssue>) {
        let mut issues = Vec::new();
        let mut entries: BTreeMap<String, ModelConfig> =
            match toml::from_str::<CatalogFile>(SHIPPED_CATALOG) {
                Ok(file) => file.models,
                Err(err) => {
                    issues.push(ConfigIssue::new("config/models.toml", err.to_string()));
                    BTreeMap::new()
                }
            };
        for (id, entry) in user {
            let merged = match entries.remove(id) {
                Some(shipped) => overlay(shipped, entry),
                None => entry.clone(),
            };
            entries.insert(id.clone(), merged);
        }
        let prices = match price_file {
            Some(path) => match PriceMap::load(path) {
                Ok(map) => Some(map),
                Err(message) => {
                    issues.push(ConfigIssue::new("delegate.price_file", message));
                    None
                }
            },
            None => None,
        };
        let mut models = BTreeMap::new();
        for (id, entry) in entries {
            if entry.enabled == Some(false) {
                continue;
            }
            match spec(&id, &entry, prices.as_ref()) {
                Ok(spec) => {
                    models.insert(id, spec);
                }
                Err(problems) => issues.extend(problems),
            }
        }
        (Catalog { models }, issues)
    }

    /// Add (or replace) a model, e.g. one discovered on a local server.
    pub fn insert(&mut self, spec: ModelSpec) {
        self.models.insert(spec.id.clone(), spec);
    }

    /// A model by catalog id.
    pub fn get(&self, id: &str) -> Option<&ModelSpec> {
        self.models.get(id)
    }

    /// Every model, by id.
    pub fn models(&self) -> impl Iterator<Item = &ModelSpec> {
        self.models.values()
    }

    /// How many models there are.
    pub fn len(&self) -> usize {
        self.models.len()
    }

    /// Whether the catalog is empty.
    pub fn is_empty(&self) -> bool {
        self.models.is_empty()
    }
}

/// The user's entry over the shipped one: what the user set wins.
fn overlay(shipped: ModelConfig, user: &ModelConfig) -> ModelConfig {
    ModelConfig {
        provider: user.provider.clone().or(shipped.provider),
        model: user.model.clone().or(shipped.model),
        input_usd_per_mtok: user.input_usd_per_mtok.or(shipped.input_usd_per_mtok),
        cached_input_usd_per_mtok: user
            .cached_input_usd_per_mtok
            .or(shipped.cached_input_usd_per_mtok),
        output_usd_per_mtok: user.output_usd_per_mtok.or(shipped.output_usd_per_mtok),
        context_window: user.context_window.or(shipped.context_window),
        max_output: user.max_output.or(shipped.max_output),
        capabilities: user.capabilities.clone().or(shipped.capabilities),
        tier: user.tier.clone().or(shipped.tier),
        self_hosted: user.self_hosted.or(shipped.self_hosted),
        region: user.region.clone().or(shipped.region),
        data_classes: user.data_classes.clone().or(shipped.data_classes),
        enabled: user.enabled.or(shipped.enabled),
    }
}

fn spec(
    id: &str,
    entry: &ModelConfig,
    prices: Option<&PriceMap>,
) -> Result<ModelSpec, Vec<ConfigIssue>> {
    let key = format!("models.{id}");
    let mut issues = Vec::new();
    let provider = entry.provider.clone().unwrap_or_default();
    if provider.is_empty() {
        issues.push(ConfigIssue::new(
            format!("{key}.provider"),
            "missing; name the provider that serves this model",
        ));
    }
    let provider_model = entry.model.clone().unwrap_or_else(|| id.to_owned());
    let mut price = |field: &str, value: Option<f64>| -> Option<Micros> {
        value.and_then(|usd| match Micros::from_usd(usd) {
            Ok(micros) => Some(micros),
            Err(message) => {
                issues.push(ConfigIssue::new(format!("{key}.{field}"), message));
                None
            }
        })
    };
    let input = price("input_usd_per_mtok", entry.input_usd_per_mtok);
    let cached = price("cached_input_usd_per_mtok", entry.cached_input_usd_per_mtok);
    let output = price("output_usd_per_mtok", entry.output_usd_per_mtok);
    let self_hosted = entry.self_hosted.unwrap_or(false);
    let looked_up = prices.and_then(|map| map.find(&provider, &provider_model));
    let (prices, priced) = match (input, output) {
        (Some(input), Some(output)) => (
            Prices {
                input,
                cached_input: cached.unwrap_or(input),
                output,
            },
            true,
        ),
        _ => match looked_up {
            Some(found) => (found, true),
            // A self-hosted model without prices costs nothing per token.
            None if self_hosted => (Prices::default(), true),
            None => (Prices::default(), false),
        },
    };
    if !issues.is_empty() {
        return Err(issues);
    }
    Ok(ModelSpec {
        id: id.to_owned(),
        provider,
        provider_model,
        prices,
        priced,
        context_window: entry.context_window.unwrap_or(8_192),
        max_output: entry.max_output.unwrap_or(4_096),
        capabilities: entry.capabilities.clone().unwrap_or_default(),
        tier: entry.tier.clone().unwrap_or_else(|| "balanced".to_owned()),
        self_hosted,
        region: entry.region.clone(),
        data_classes: entry.data_classes.clone().unwrap_or_else(|| {
            if self_hosted {
                vec![
                    DataClass::Public,
                    DataClass::Internal,
                    DataClass::Confidential,
                ]
            } else {
                vec![DataClass::Public, DataClass::Internal]
            }
        }),
    })
}

/// A LiteLLM price map: model id → dollars per token.
struct PriceMap {
    entries: BTreeMap<String, LiteLlmEntry>,
}

#[derive(Debug, Deserialize)]
struct LiteLlmEntry {
    input_cost_per_token: Option<serde_json::Value>,
    output_cost_per_token: Option<serde_json::Value>,
    cache_read_input_token_cost: Option<serde_json::Value>,
}

impl PriceMap {
    fn load(path: &Path) -> Result<PriceMap, String> {
        let text = std::fs::read_to_string(path)
            .map_err(|err| format!("cannot read {}: {err}", path.display()))?;
        let raw: BTreeMap<String, serde_json::Value> = serde_json::from_str(&text)
            .map_err(|err| format!("{} is not a LiteLLM price map: {err}", path.display()))?;
        let entries = raw
            .into_iter()
            .filter_map(|(key, value)| serde_json::from_value(value).ok().map(|entry| (key, entry)))
            .collect();
        Ok(PriceMap { entries })
    }

    /// Prices for a provider's model: tried as `model`, then `provider/model`.
    fn find(&self, provider: &str, model: &str) -> Option<Prices> {
        let entry = self
            .entries
            .get(model)
            .or_else(|| self.entries.get(&format!("{provider}/{model}")))?;
        let per_mtok = |value: &Option<serde_json::Value>| -> Option<Micros> {
            // Dollars per token × 1e6 = dollars per million tokens, converted exactly from the
            // JSON number's decimal text.
            let text = value.as_ref()?.to_string();
            per_token_to_per_mtok(&text)
        };
        let input = per_mtok(&entry.input_cost_per_token)?;
        let output = per_mtok(&entry.output_cost_per_token)?;
        let cached = per_mtok(&entry.cache_read_input_token_cost).unwrap_or(input);
        Some(Prices {
            input,
            cached_input: cached,
            output,
        })
    }
}

/// `"2.5e-07"` dollars per token → 250,000 micro-dollars per million tokens (exact: the number's
/// decimal digits shifted by 12 places).
fn per_token_to_per_mtok(text: &str) -> Option<Micros> {
    let value: f64 = text.parse().ok()?;
    if !value.is_finite() || value < 0.0 {
        return None;
    }
    // 1 $/token = 1e12 µ$/Mtok; go through the shortest decimal representation.
    let (mantissa, exponent) = match text.to_ascii_lowercase().split_once('e') {
        Some((m, e)) => (m.to_owned(), e.parse::<i32>().ok()?),
        None => (text.to_owned(), 0),
    };
    let (whole, fraction) = mantissa.split_once('.').unwrap_or((&mantissa, ""));
    let digits = format!("{whole}{fraction}");
    let shift = exponent + 12 - fraction.len() as i32;
    let base: u128 = digits.parse().ok()?;
    let micros = if shift >= 0 {
        base.checked_mul(10u128.checked_pow(shift as u32)?)?
    } else {
        let divisor = 10u128.checked_pow((-shift) as u32)?;
        (base + divisor / 2) / divisor
    };
    u64::try_from(micros).ok().map(Micros)
}

#[cfg(test)]
mod tests {
    use super::{Catalog, per_token_to_per_mtok};
    use crate::config::model::ModelConfig;
    use crate::delegate::money::Micros;
    use std::collections::BTreeMap;
    use switchyard_core::DataClass;

    #[test]
    fn the_shipped_catalog_loads_with_prices() {
        let (catalog, issues) = Catalog::build(&BTreeMap::new(), None);
        assert!(issues.is_empty(), "{issues:?}");
        let mini = catalog.get("gpt-4.1-mini").unwrap();
        assert_eq!(mini.prices.input, Micros(400_000));
        assert_eq!(mini.prices.cached_input, Micros(100_000));
        assert_eq!(mini.prices.output, Micros(1_600_000));
        assert!(mini.priced && !mini.self_hosted);
        assert!(
            mini.cleared_for(DataClass::Internal) && !mini.cleared_for(DataClass::Confidential)
        );
        for tier in ["fast", "balanced", "frontier"] {
            assert!(catalog.models().any(|m| m.tier == tier), "no {tier} model");
        }
    }

    #[test]
    fn user_entries_override_and_add() {
        let mut user = BTreeMap::new();
        user.insert(
            "gpt-4.1-mini".to_owned(),
            ModelConfig {
                input_usd_per_mtok: Some(0.35),
                ..ModelConfig::default()
            },
        );
        user.insert(
            "local/qwen".to_owned(),
            ModelConfig {
                provider: Some("local".into()),
                model: Some("qwen2.5-coder:7b".into()),
                self_hosted: Some(true),
                tier: Some("fast".into()),
                ..ModelConfig::default()
            },
        );
        user.insert(
            "gpt-5".to_owned(),
            ModelConfig {
                enabled: Some(false),
                ..ModelConfig::default()
            },
        );
        let (catalog, issues) = Catalog::build(&user, None);
        assert!(issues.is_empty(), "{issues:?}");
        let mini = catalog.get("gpt-4.1-mini").unwrap();
        assert_eq!(mini.prices.input, Micros(350_000));
        assert_eq!(mini.prices.output, Micros(1_600_000));
        let local = catalog.get("local/qwen").unwrap();
        assert!(local.priced && local.prices.is_free());
        assert!(local.cleared_for(DataClass::Confidential));
        assert!(catalog.get("gpt-5").is_none());
    }

    #[test]
    fn missing_provider_and_bad_prices_are_reported() {
        let mut user = BTreeMap::new();
        user.insert(
            "mystery".to_owned(),
            ModelConfig {
                input_usd_per_mtok: Some(-1.0),
                ..ModelConfig::default()
            },
        );
        let (_, issues) = Catalog::build(&user, None);
        let keys: Vec<&str> = issues.iter().map(|i| i.key.as_str()).collect();
        assert!(keys.contains(&"models.mystery.provider"), "{keys:?}");
        assert!(
            keys.contains(&"models.mystery.input_usd_per_mtok"),
            "{keys:?}"
        );
    }

    #[test]
    fn litellm_prices_convert_exactly() {
        assert_eq!(per_token_to_per_mtok("2.5e-07"), Some(Micros(250_000)));
        assert_eq!(per_token_to_per_mtok("1e-06"), Some(Micros(1_000_000)));
        assert_eq!(per_token_to_per_mtok("0.000015"), Some(Micros(15_000_000)));
        assert_eq!(per_token_to_per_mtok("5e-09"), Some(Micros(5_000)));
        assert_eq!(per_token_to_per_mtok("0"), Some(Micros(0)));
    }
}
