//! Providers from `[providers.<id>]`, from keys in the environment (zero config), and local
//! model servers found on their default loopback ports.
//!
//! With no `[providers.openai]` (`anthropic`, `gemini`) configured, the key in `OPENAI_API_KEY`
//! (`ANTHROPIC_API_KEY`, `GEMINI_API_KEY`) makes the built-in provider of that id available.
//! Local servers are probed on demand ([`discover_local`]), never at startup: a probe is a few
//! hundred milliseconds at most, all ports at once.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use serde_json::Value;
use switchyard_core::{Secret, SecretRef};

use super::anthropic::AnthropicProvider;
use super::gemini::GeminiProvider;
use super::http::{self, DEFAULT_MAX_RETRIES, DEFAULT_TIMEOUT, HttpSettings, read_capped};
use super::ollama::OllamaProvider;
use super::openai::OpenAiProvider;
use super::{Provider, Providers};
use crate::config::ConfigIssue;
use crate::config::model::{HttpProviderConfig, ProviderConfig};

/// A provider available from an environment key alone.
#[derive(Debug, Clone, Copy)]
pub struct BuiltIn {
    /// The provider id (and kind).
    pub id: &'static str,
    /// The environment variable holding its key.
    pub env: &'static str,
    /// Its API's base URL.
    pub base_url: &'static str,
    /// Its kind.
    pub kind: fn(HttpProviderConfig) -> ProviderConfig,
}

impl BuiltIn {
    /// The configuration it stands for: its base URL, its key from its variable, the defaults.
    pub fn config(&self) -> ProviderConfig {
        (self.kind)(HttpProviderConfig {
            base_url: self.base_url.to_owned(),
            api_key: Some(SecretRef::Env(self.env.to_owned())),
            timeout_secs: DEFAULT_TIMEOUT.as_secs(),
            max_retries: DEFAULT_MAX_RETRIES,
        })
    }
}

/// The built-in providers, found by their keys in the environment.
pub const BUILT_INS: [BuiltIn; 3] = [
    BuiltIn {
        id: "openai",
        kind: ProviderConfig::Openai,
        env: "OPENAI_API_KEY",
        base_url: "https://api.openai.com/v1",
    },
    BuiltIn {
        id: "anthropic",
        kind: ProviderConfig::Anthropic,
        env: "ANTHROPIC_API_KEY",
        base_url: "https://api.anthropic.com",
    },
    BuiltIn {
        id: "gemini",
        kind: ProviderConfig::Gemini,
        env: "GEMINI_API_KEY",
        base_url: "https://generativelanguage.googleapis.com",
    },
];

/// What building the providers found.
#[derive(Debug, Default)]
pub struct BuiltProviders {
    /// The providers that can be called.
    pub providers: Providers,
    /// Configuration errors, with their keys.
    pub issues: Vec<ConfigIssue>,
    /// Providers left out only because the environment variable holding their key is not set
    /// (or empty): not an error, so one unset key does not stop the server; they are
    /// unavailable until it is set, and startup and `switchyard check` say so.
    pub missing_keys: Vec<ConfigIssue>,
}

/// Build the configured providers and, for ids not configured, the built-ins whose keys `env`
/// has. Every problem is returned with its config key; a provider with a problem is left out.
pub fn build_providers(
    config: &BTreeMap<String, ProviderConfig>,
    env: &dyn Fn(&str) -> Option<String>,
) -> BuiltProviders {
    let mut providers = Providers::default();
    let mut issues = Vec::new();
    let mut missing_keys = Vec::new();
    for (id, entry) in config {
        match build_configured(id, entry, env) {
            Ok(provider) => providers.insert(provider),
            Err(problems) => {
                let only_the_key_is_missing = problems.len() == 1
                    && problems[0].key.ends_with(".api_key")
                    && problems[0].message.starts_with(MISSING_ENV);
                if only_the_key_is_missing {
                    missing_keys.extend(problems);
                } else {
                    issues.extend(problems);
                }
            }
        }
    }
    for built_in in BUILT_INS {
        if config.contains_key(built_in.id) {
            continue;
        }
        if env(built_in.env).is_none_or(|key| key.trim().is_empty()) {
            continue;
        }
        match build_configured(built_in.id, &built_in.config(), env) {
            Ok(provider) => providers.insert(provider),
            Err(problems) => issues.extend(problems),
        }
    }
    BuiltProviders {
        providers,
        issues,
        missing_keys,
    }
}

/// How a key whose environment variable is unset or empty is reported.
const MISSING_ENV: &str = "environment variable ";

/// One configured provider.
fn build_configured(
    id: &str,
    entry: &ProviderConfig,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<Arc<dyn Provider>, Vec<ConfigIssue>> {
    let key = |field: &str| format!("providers.{id}.{field}");
    let http = entry.http();
    let mut issues = Vec::new();
    let api_key = match &http.api_key {
        Some(secret) => match resolve(secret, env) {
            Ok(value) => Some(value),
            Err(message) => {
                issues.push(ConfigIssue::new(key("api_key"), message));
                None
            }
        },
        None => None,
    };
    if http.timeout_secs == 0 {
        issues.push(ConfigIssue::new(
            key("timeout_secs"),
            "must be at least 1 second",
        ));
    }
    let base_url = match http::check_base_url(&http.base_url, http.api_key.is_some()) {
        Ok(url) => Some(url),
        Err(message) => {
            issues.push(ConfigIssue::new(key("base_url"), message));
            None
        }
    };
    let Some(base_url) = base_url.filter(|_| issues.is_empty()) else {
        return Err(issues);
    };
    let settings = HttpSettings {
        base_url,
        api_key,
        timeout: Duration::from_secs(http.timeout_secs),
        max_retries: http.max_retries,
    };
    let built: Result<Arc<dyn Provider>, String> = match entry {
        ProviderConfig::Openai(_) => OpenAiProvider::new(id, &settings).map(|p| Arc::new(p) as _),
        ProviderConfig::Anthropic(_) => {
            AnthropicProvider::new(id, &settings).map(|p| Arc::new(p) as _)
        }
        ProviderConfig::Gemini(_) => GeminiProvider::new(id, &settings).map(|p| Arc::new(p) as _),
        ProviderConfig::Ollama(_) => OllamaProvider::new(id, &settings).map(|p| Arc::new(p) as _),
    };
    built.map_err(|message| vec![ConfigIssue::new(format!("providers.{id}"), message)])
}

/// Resolve a key reference, reading environment variables through `env`.
fn resolve(secret: &SecretRef, env: &dyn Fn(&str) -> Option<String>) -> Result<Secret, String> {
    match secret {
        SecretRef::Env(name) => match env(name) {
            Some(value) if !value.trim().is_empty() => Ok(Secret::new(value.trim())),
            Some(_) => Err(format!("environment variable {name} is empty")),
            None => Err(format!("environment variable {name} is not set")),
        },
        SecretRef::File(_) => secret.resolve().map_err(|err| err.to_string()),
    }
}

/// A kind of local model server.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LocalServerKind {
    /// Ollama (native API).
    Ollama,
    /// llama.cpp's `llama-server` (OpenAI-compatible).
    LlamaCpp,
    /// LM Studio (OpenAI-compatible).
    LmStudio,
    /// vLLM (OpenAI-compatible).
    Vllm,
}

impl LocalServerKind {
    /// Its name, for people.
    pub fn name(self) -> &'static str {
        match self {
            LocalServerKind::Ollama => "Ollama",
            LocalServerKind::LlamaCpp => "llama.cpp server",
            LocalServerKind::LmStudio => "LM Studio",
            LocalServerKind::Vllm => "vLLM",
        }
    }

    /// The provider id a discovered server of this kind is offered under.
    pub fn provider_id(self) -> &'static str {
        match self {
            LocalServerKind::Ollama => "ollama",
            LocalServerKind::LlamaCpp => "llamacpp",
            LocalServerKind::LmStudio => "lmstudio",
            LocalServerKind::Vllm => "vllm",
        }
    }
}

/// Where to look for one local server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProbeTarget {
    /// What it would be.
    pub kind: LocalServerKind,
    /// Its base URL as a provider uses it (`http://127.0.0.1:8080/v1`).
    pub base_url: String,
}

/// A local server that answered, with the models it serves.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiscoveredServer {
    /// What it is.
    pub kind: LocalServerKind,
    /// Its base URL as a provider uses it.
    pub base_url: String,
    /// The model ids it serves (as its API names them), in its order.
    pub models: Vec<String>,
}

impl DiscoveredServer {
    /// The configuration that reaches it: its base URL, no key, the defaults.
    pub fn config(&self) -> ProviderConfig {
        let http = HttpProviderConfig {
            base_url: self.base_url.clone(),
            api_key: None,
            timeout_secs: DEFAULT_TIMEOUT.as_secs(),
            max_retries: DEFAULT_MAX_RETRIES,
        };
        match self.kind {
            LocalServerKind::Ollama => ProviderConfig::Ollama(http),
            LocalServerKind::LlamaCpp | LocalServerKind::LmStudio | LocalServerKind::Vllm => {
                ProviderConfig::Openai(http)
            }
        }
    }

    /// A provider for it, under [`LocalServerKind::provider_id`].
    pub fn provider(&self) -> Result<Arc<dyn Provider>, String> {
        build_configured(self.kind.provider_id(), &self.config(), &|_| None).map_err(|issues| {
            let messages: Vec<String> = issues.into_iter().map(|issue| issue.message).collect();
            messages.join("; ")
        })
    }
}

/// How long each local probe may take.
pub const DISCOVERY_TIMEOUT: Duration = Duration::from_millis(300);

/// The default loopback ports: Ollama 11434, llama.cpp 8080, LM Studio 1234, vLLM 8000.
pub fn default_probe_targets() -> Vec<ProbeTarget> {
    let target = |kind, base_url: &str| ProbeTarget {
        kind,
        base_url: base_url.to_owned(),
    };
    vec![
        target(LocalServerKind::Ollama, "http://127.0.0.1:11434"),
        target(LocalServerKind::LlamaCpp, "http://127.0.0.1:8080/v1"),
        target(LocalServerKind::LmStudio, "http://127.0.0.1:1234/v1"),
        target(LocalServerKind::Vllm, "http://127.0.0.1:8000/v1"),
    ]
}

/// Probe the default loopback ports, all at once, each within `timeout`.
pub async fn discover_local(timeout: Duration) -> Vec<DiscoveredServer> {
    probe_local(&default_probe_targets(), timeout).await
}

/// Probe `targets`, all at once, each within `timeout`: Ollama's `GET /api/tags`, the others'
/// `GET /v1/models`. Servers that do not answer, or answer something else, are left out.
pub async fn probe_local(targets: &[ProbeTarget], timeout: Duration) -> Vec<DiscoveredServer> {
    let client = match http::client(timeout, timeout, true) {
        Ok(client) => client,
        Err(message) => {
            tracing::warn!(error = %message, "local model discovery skipped");
            return Vec::new();
        }
    };
    let probes = targets.iter().map(|target| {
        let client = client.clone();
        async move {
            let found = tokio::time::timeout(timeout, probe(&client, target)).await;
            found.ok().flatten()
        }
    });
    futures::future::join_all(probes)
        .await
        .into_iter()
        .flatten()
        .collect()
}

/// One probe: the server's model list, if it is the server we think.
async fn probe(client: &reqwest::Client, target: &ProbeTarget) -> Option<DiscoveredServer> {
    let base = target.base_url.trim_end_matches('/');
    let (url, list, field) = match target.kind {
        LocalServerKind::Ollama => (format!("{base}/api/tags"), "models", "name"),
        _ => (format!("{base}/models"), "data", "id"),
    };
    let response = client.get(&url).send().await.ok()?;
    if !response.status().is_success() {
        return None;
    }
    let (body, cut) = read_capped(response, 1024 * 1024).await.ok()?;
    if cut {
        return None;
    }
    let json: Value = serde_json::from_slice(&body).ok()?;
    let models = json
        .get(list)?
        .as_array()?
        .iter()
        .filter_map(|model| {
            model
                .get(field)
                .or_else(|| model.get("model"))
                .and_then(Value::as_str)
                .map(str::to_owned)
        })
        .collect();
    tracing::debug!(server = target.kind.name(), %url, "local model server found");
    Some(DiscoveredServer {
        kind: target.kind,
        base_url: base.to_owned(),
        models,
    })
}
