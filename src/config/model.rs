//! The configuration file as written: raw structs, `deny_unknown_fields` everywhere.
//!
//! These are the *raw* types. `validate` checks them without I/O and `app` turns them into
//! running components; nothing here opens a file or a socket.

use std::collections::BTreeMap;
use std::fmt;
use std::path::PathBuf;

use serde::{Deserialize, Deserializer};
use switchyard_core::{DataClass, SecretRef};

use crate::store::StoreTarget;

/// The whole file. Each section is deserialised on its own so every problem is reported.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Config {
    /// `[identity]`: who the local user is on stdio.
    pub identity: IdentityConfig,
    /// `[server]`: transports, timeouts, HTTP guards.
    pub server: ServerConfig,
    /// `[data]`: where the embedded store lives.
    pub data: DataConfig,
    /// `[store]`: a shared database instead of the embedded one.
    pub store: StoreConfig,
    /// `[response]`: the response budget.
    pub response: ResponseConfig,
    /// `[tools]`: which tools are published.
    pub tools: ToolsConfig,
    /// `[notes]`: the shared workspace notes.
    pub notes: NotesConfig,
    /// `[logging]`.
    pub logging: LoggingConfig,
    /// `[connectors.<id>]`, by id.
    pub connectors: BTreeMap<String, ConnectorConfig>,
    /// `[providers.<id>]`: model providers, by id.
    pub providers: BTreeMap<String, ProviderConfig>,
    /// `[models.<id>]`: catalog entries added or overridden, by catalog id.
    pub models: BTreeMap<String, ModelConfig>,
    /// `[delegate]`: routing policy.
    pub delegate: DelegateConfig,
    /// `[auth]`: how HTTP callers authenticate (none: loopback only).
    pub auth: Option<AuthConfig>,
    /// `[teams.<team>]`: departments, admins and policies, by team.
    pub teams: BTreeMap<String, TeamConfig>,
    /// `[departments.<dept>]`: cost centres, by id.
    pub departments: BTreeMap<String, DepartmentConfig>,
    /// `[quotas]`: request and token quotas per user and team.
    pub quotas: super::limits::QuotasConfig,
    /// `[budgets]`: spending limits per team and department.
    pub budgets: super::limits::BudgetsConfig,
}

/// `[identity]`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IdentityConfig {
    /// The user name; default `$SWITCHYARD_USER`, then the OS user.
    pub user: Option<String>,
    /// The team, if any.
    pub team: Option<String>,
}

/// `[server]`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ServerConfig {
    /// Seconds a tool call may take before it fails with a timeout.
    pub call_timeout_secs: u64,
    /// Seconds the cross-source search waits for each source.
    pub search_timeout_secs: u64,
    /// Seconds a handshake-era HTTP session may stay idle before it is closed.
    pub session_idle_secs: u64,
    /// Extra `Host` values accepted over HTTP (loopback names are always accepted).
    pub allowed_hosts: Vec<String>,
    /// Browser origins accepted over HTTP (`scheme://host[:port]`, `:*` for any port).
    /// Requests without an `Origin` header (non-browser clients) are always accepted.
    pub allowed_origins: Vec<String>,
    /// Largest request body accepted over HTTP, in bytes.
    pub max_request_bytes: usize,
}

impl Default for ServerConfig {
    fn default() -> Self {
        ServerConfig {
            call_timeout_secs: 60,
            search_timeout_secs: 5,
            session_idle_secs: 8 * 3600,
            allowed_hosts: Vec::new(),
            allowed_origins: Vec::new(),
            max_request_bytes: 16 * 1024 * 1024,
        }
    }
}

/// `[data]`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DataConfig {
    /// The data directory; default the user data dir (`~/.local/share/switchyard` on Linux).
    pub dir: Option<PathBuf>,
}

/// `[store]`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StoreConfig {
    /// The database of notes and scorecards: `postgres://USER@HOST:PORT/DATABASE` (shared by
    /// several processes), `sqlite://PATH`, or a reference to such a URL (`env:NAME`,
    /// `file:PATH`; needed when it holds a password). Default: SQLite in the data directory.
    pub url: Option<StoreUrl>,
}

/// `[store] url` as written: a URL, or a secret reference to one.
#[derive(Clone, PartialEq, Eq)]
pub enum StoreUrl {
    /// The URL itself (validation refuses one holding a password).
    Literal(String),
    /// `env:NAME` or `file:PATH`, resolved when the application is built.
    Secret(SecretRef),
}

impl fmt::Display for StoreUrl {
    /// The reference, or the URL without any password.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StoreUrl::Literal(url) => match StoreTarget::parse(url) {
                Ok(target) => f.write_str(&target.redacted()),
                Err(_) => f.write_str("(an invalid URL)"),
            },
            StoreUrl::Secret(reference) => write!(f, "{reference}"),
        }
    }
}

impl fmt::Debug for StoreUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "StoreUrl({self})")
    }
}

impl<'de> Deserialize<'de> for StoreUrl {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        if text.starts_with("env:") || text.starts_with("file:") {
            SecretRef::parse(&text)
                .map(StoreUrl::Secret)
                .map_err(serde::de::Error::custom)
        } else {
            Ok(StoreUrl::Literal(text))
        }
    }
}

/// `[response]`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ResponseConfig {
    /// The budget of one tool result in estimated tokens (bytes / 4).
    pub max_tokens: usize,
    /// Per-tool budgets, by tool name.
    pub tools: BTreeMap<String, usize>,
}

impl Default for ResponseConfig {
    fn default() -> Self {
        ResponseConfig {
            max_tokens: switchyard_core::budget::DEFAULT_RESPONSE_TOKENS,
            tools: BTreeMap::new(),
        }
    }
}

/// `[tools]`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ToolsConfig {
    /// When true, every tool that writes is hidden and refused, whatever else says.
    pub read_only: bool,
    /// If not empty, only these tools or toolsets (connector ids, `note`, `context`) are published.
    pub allow: Vec<String>,
    /// Tools or toolsets never published.
    pub deny: Vec<String>,
}

/// `[notes]`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct NotesConfig {
    /// Whether the shared workspace notes are offered.
    pub enabled: bool,
    /// How sensitive notes are (which models may read them in a delegation).
    pub data_class: DataClass,
}

impl Default for NotesConfig {
    fn default() -> Self {
        NotesConfig {
            enabled: true,
            data_class: DataClass::Internal,
        }
    }
}

/// `[logging]`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct LoggingConfig {
    /// A level (`info`) or a filter (`switchyard=debug,rmcp=warn`); `RUST_LOG` and
    /// `--log-level` override it.
    pub level: Option<String>,
    /// `text` (default) or `json`.
    pub format: Option<LogFormat>,
}

/// How log lines are written to stderr.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "snake_case")]
pub enum LogFormat {
    /// Human-readable lines.
    #[default]
    Text,
    /// One JSON object per line.
    Json,
}

/// `[connectors.<id>]`: a closed set of kinds, tagged by `type`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ConnectorConfig {
    /// Local git repositories.
    Git(GitConfig),
    /// GitHub or GitHub Enterprise Server (one instance per section).
    Github(GithubConfig),
    /// GitLab.com or a self-managed GitLab (one instance per section).
    Gitlab(GitlabConfig),
}

impl ConnectorConfig {
    /// The kind, as written after `type =`.
    pub fn kind(&self) -> &'static str {
        match self {
            ConnectorConfig::Git(_) => "git",
            ConnectorConfig::Github(_) => "github",
            ConnectorConfig::Gitlab(_) => "gitlab",
        }
    }
}

/// `type = "git"`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GitConfig {
    /// The repositories. Empty: the repository containing the working directory (or `--repo`).
    #[serde(default)]
    pub repos: Vec<GitRepoConfig>,
    /// How sensitive the repositories' content is (which models may read it in a delegation).
    #[serde(default)]
    pub data_class: DataClass,
}

/// One repository of a git connector.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GitRepoConfig {
    /// The name tools and URIs use; default the directory name.
    pub name: Option<String>,
    /// The path to the work tree (or a bare repository); `~` is expanded.
    pub path: PathBuf,
}

/// `type = "github"`: one GitHub instance (github.com or an Enterprise Server).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GithubConfig {
    /// The REST API root: `https://api.github.com` (default) or `https://<host>/api/v3`.
    #[serde(default = "default_github_url")]
    pub base_url: String,
    /// The token, as a secret reference (`env:GITHUB_TOKEN`, `file:/run/secrets/gh`).
    pub token: SecretRef,
    /// Repositories the tools may touch (`owner/repo` or `owner/*`); empty: any, for reads.
    #[serde(default)]
    pub repos: Vec<String>,
    /// How sensitive the instance's content is (which models may read it in a delegation).
    #[serde(default)]
    pub data_class: DataClass,
    /// Whether the write tools are offered (they need a `repos` allowlist).
    #[serde(default)]
    pub writes: bool,
    /// Whether this instance answers calls that name none (default: the first by id).
    #[serde(default)]
    pub default: bool,
    /// Seconds one upstream request may take.
    #[serde(default = "default_github_timeout")]
    pub timeout_secs: u64,
}

fn default_github_url() -> String {
    switchyard_github::DEFAULT_BASE_URL.to_owned()
}

fn default_github_timeout() -> u64 {
    30
}

/// `type = "gitlab"`: one GitLab instance (GitLab.com or self-managed).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GitlabConfig {
    /// The web root: `https://gitlab.com` (default) or `https://gitlab.example.com`.
    #[serde(default = "default_gitlab_url")]
    pub base_url: String,
    /// The token, as a secret reference (`env:GITLAB_TOKEN`, `file:/run/secrets/gitlab`).
    pub token: SecretRef,
    /// Projects the tools may touch (`group/project` or `group/*`); empty: any, for reads.
    #[serde(default)]
    pub projects: Vec<String>,
    /// How sensitive the instance's content is (which models may read it in a delegation).
    #[serde(default)]
    pub data_class: DataClass,
    /// Whether the write tools are offered (they need a `projects` allowlist).
    #[serde(default)]
    pub writes: bool,
    /// Whether this instance answers calls that name none (default: the first by id).
    #[serde(default)]
    pub default: bool,
    /// Seconds one upstream request may take.
    #[serde(default = "default_github_timeout")]
    pub timeout_secs: u64,
}

fn default_gitlab_url() -> String {
    switchyard_gitlab::DEFAULT_BASE_URL.to_owned()
}

/// `[providers.<id>]`: a model provider, a closed set of kinds tagged by `type`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ProviderConfig {
    /// An OpenAI-compatible chat completions API (OpenAI, vLLM, llama.cpp server, LM Studio,
    /// OpenRouter, Ollama's /v1).
    Openai(HttpProviderConfig),
    /// Anthropic's Messages API.
    Anthropic(HttpProviderConfig),
    /// Google's Gemini generateContent API.
    Gemini(HttpProviderConfig),
    /// Ollama's native chat API.
    Ollama(HttpProviderConfig),
}

impl ProviderConfig {
    /// The kind, as written after `type =`.
    pub fn kind(&self) -> &'static str {
        match self {
            ProviderConfig::Openai(_) => "openai",
            ProviderConfig::Anthropic(_) => "anthropic",
            ProviderConfig::Gemini(_) => "gemini",
            ProviderConfig::Ollama(_) => "ollama",
        }
    }

    /// The HTTP settings shared by every kind.
    pub fn http(&self) -> &HttpProviderConfig {
        match self {
            ProviderConfig::Openai(http)
            | ProviderConfig::Anthropic(http)
            | ProviderConfig::Gemini(http)
            | ProviderConfig::Ollama(http) => http,
        }
    }
}

/// The settings of an HTTP model provider.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HttpProviderConfig {
    /// The API's base URL, e.g. `https://api.openai.com/v1` or `http://127.0.0.1:8080/v1`.
    pub base_url: String,
    /// The API key, as a secret reference (`env:OPENAI_API_KEY`); none for local servers.
    pub api_key: Option<SecretRef>,
    /// Seconds one request may take.
    #[serde(default = "default_provider_timeout")]
    pub timeout_secs: u64,
    /// Retries after a 429 or 5xx (honouring Retry-After), at most.
    #[serde(default = "default_provider_retries")]
    pub max_retries: u32,
}

fn default_provider_timeout() -> u64 {
    120
}

fn default_provider_retries() -> u32 {
    2
}

/// `[models.<id>]`: a catalog entry; every field but `provider` and `model` has a default,
/// and an entry whose id is already in the shipped catalog overrides only what it sets.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ModelConfig {
    /// The provider id (`[providers.<id>]`, or a built-in: `openai`, `anthropic`, `gemini`,
    /// `client` for the MCP client's own model).
    pub provider: Option<String>,
    /// The provider's id for the model.
    pub model: Option<String>,
    /// US dollars per million input tokens.
    pub input_usd_per_mtok: Option<f64>,
    /// US dollars per million cached input tokens.
    pub cached_input_usd_per_mtok: Option<f64>,
    /// US dollars per million output tokens.
    pub output_usd_per_mtok: Option<f64>,
    /// The context window in tokens.
    pub context_window: Option<u64>,
    /// The most output tokens per call.
    pub max_output: Option<u64>,
    /// What it can do: `json`, `tools`, `vision`, `reasoning`, `code`, …
    pub capabilities: Option<Vec<String>>,
    /// `fast`, `balanced`, `frontier`, or a custom tier.
    pub tier: Option<String>,
    /// Whether it runs on the organisation's own infrastructure.
    pub self_hosted: Option<bool>,
    /// Where it runs (`us`, `eu`, `on-prem`, …).
    pub region: Option<String>,
    /// The data classes it is cleared for.
    pub data_classes: Option<Vec<DataClass>>,
    /// Set false to remove a shipped model from the catalog.
    pub enabled: Option<bool>,
}

/// `[delegate]`: how sub-tasks are routed to models.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct DelegateConfig {
    /// Whether `delegate`, `route_preview` and `list_models` are offered.
    pub enabled: bool,
    /// The model whose cost the savings are measured against.
    pub baseline: Option<String>,
    /// Whether callers may name a model themselves.
    pub allow_model_override: bool,
    /// Seconds a whole delegation (all attempts) may take.
    pub timeout_secs: u64,
    /// Models tried in all (the first choice and its fallbacks).
    pub max_attempts: u32,
    /// The default output budget of one call, in tokens.
    pub max_output_tokens: u64,
    /// A LiteLLM price map (JSON) that fills in prices the catalog lacks.
    pub price_file: Option<PathBuf>,
    /// The tiers, cheapest and fastest first (custom tiers go where you list them).
    pub tiers: Vec<String>,
    /// The routing policy per task kind.
    pub tasks: BTreeMap<String, TaskPolicyConfig>,
    /// Per-team overrides, keyed by team.
    pub teams: BTreeMap<String, TeamPolicyConfig>,
    /// The judge model of rubric checks in `switchyard eval`.
    pub judge: Option<String>,
}

impl Default for DelegateConfig {
    fn default() -> Self {
        DelegateConfig {
            enabled: true,
            baseline: None,
            allow_model_override: true,
            timeout_secs: 300,
            max_attempts: 3,
            max_output_tokens: 2048,
            price_file: None,
            tiers: vec!["fast".into(), "balanced".into(), "frontier".into()],
            tasks: BTreeMap::new(),
            teams: BTreeMap::new(),
            judge: None,
        }
    }
}

/// `[delegate.tasks.<kind>]`: how one kind of task is routed.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TaskPolicyConfig {
    /// The tier to draw candidates from (when `candidates` is not set).
    pub tier: Option<String>,
    /// The candidate models, by catalog id (instead of a tier).
    pub candidates: Option<Vec<String>>,
    /// The lowest scorecard pass rate (0–1) a model must have for this task, when measured.
    pub quality_floor: Option<f64>,
    /// The p50 latency (milliseconds) a model must meet for this task, when measured.
    pub latency_target_ms: Option<u64>,
    /// A system prompt prepended to the caller's instructions.
    pub system: Option<String>,
}

/// `[delegate.teams.<team>]`: a team's overrides.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TeamPolicyConfig {
    /// Whether the team's callers may name a model (overrides the global setting).
    pub allow_model_override: Option<bool>,
    /// Models the team may never use.
    #[serde(default)]
    pub deny_models: Vec<String>,
    /// Task policies that replace the global ones for this team.
    #[serde(default)]
    pub tasks: BTreeMap<String, TaskPolicyConfig>,
    /// The only models the team may use (from `[teams.<team>.policy] models`, not written here).
    #[serde(skip)]
    pub only_models: Option<Vec<String>>,
    /// The only tiers the team may use (from `[teams.<team>.policy] tiers`, not written here).
    #[serde(skip)]
    pub only_tiers: Option<Vec<String>>,
}

/// `[auth]`: how HTTP callers prove who they are. Without this section the HTTP server
/// serves loopback only and every caller is the configured local identity.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuthConfig {
    /// Accept API keys made by `switchyard keys create` (default true).
    #[serde(default = "default_true")]
    pub api_keys: bool,
    /// `[auth.jwt]`: accept JWTs signed by an identity provider.
    pub jwt: Option<JwtConfig>,
    /// `[auth.metadata]`: the RFC 9728 protected-resource metadata.
    pub metadata: Option<AuthMetadataConfig>,
    /// What a caller whose team (from a key or a JWT) has no `[teams]` section gets.
    #[serde(default)]
    pub unknown_teams: UnknownTeams,
}

impl Default for AuthConfig {
    fn default() -> Self {
        AuthConfig {
            api_keys: true,
            jwt: None,
            metadata: None,
            unknown_teams: UnknownTeams::default(),
        }
    }
}

/// `[auth] unknown_teams`: how a team that `[teams]` does not declare is treated.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum UnknownTeams {
    /// The default policy: every tool, no team budget or quota, no department.
    #[default]
    Default,
    /// Refused with 403: only declared teams get in.
    Deny,
}

fn default_true() -> bool {
    true
}

/// `[auth.jwt]`: JWTs verified against a JWKS.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct JwtConfig {
    /// The key set: an `https://` (or `http://` on loopback) URL, or a file path.
    pub jwks: String,
    /// The required `iss`.
    pub issuer: String,
    /// The required `aud` (one of them, when the token has several).
    pub audience: String,
    /// The claim naming the user (default `sub`).
    #[serde(default = "default_user_claim")]
    pub user_claim: String,
    /// The claim naming the team (default `team`); a token without it has no team.
    #[serde(default = "default_team_claim")]
    pub team_claim: String,
    /// The claim naming the role; the value `admin` makes the caller an admin.
    pub role_claim: Option<String>,
    /// Seconds of clock skew tolerated on `exp` and `nbf` (default 60).
    #[serde(default = "default_leeway")]
    pub leeway_secs: u64,
    /// Seconds between two fetches of the JWKS URL when unknown key ids arrive (default 60).
    #[serde(default = "default_jwks_refresh")]
    pub min_refresh_secs: u64,
}

fn default_user_claim() -> String {
    "sub".to_owned()
}

fn default_team_claim() -> String {
    "team".to_owned()
}

fn default_leeway() -> u64 {
    60
}

fn default_jwks_refresh() -> u64 {
    60
}

/// `[auth.metadata]`: what `/.well-known/oauth-protected-resource` says.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuthMetadataConfig {
    /// The authorization servers that issue tokens for this server.
    pub authorization_servers: Vec<String>,
    /// The resource identifier; default `<scheme>://<host>/mcp` from the request.
    pub resource: Option<String>,
    /// The scopes clients may request.
    #[serde(default)]
    pub scopes_supported: Vec<String>,
}

/// `[teams.<team>]`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TeamConfig {
    /// The department (`[departments.<dept>]`) the team belongs to.
    pub department: Option<String>,
    /// Users who are admins of this team.
    #[serde(default)]
    pub admins: Vec<String>,
    /// `[teams.<team>.policy]`: what the team's callers may do.
    #[serde(default)]
    pub policy: TeamRulesConfig,
}

/// `[teams.<team>.policy]`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct TeamRulesConfig {
    /// If not empty, only these tools or toolsets (connector ids and kinds, `note`, `context`,
    /// `delegate`) may be called.
    pub allow_tools: Vec<String>,
    /// Tools or toolsets the team may never call.
    pub deny_tools: Vec<String>,
    /// Whether tools that are not read-only may be called (default true).
    pub writes: bool,
    /// The models `delegate` may use for this team, by catalog id.
    pub models: Option<Vec<String>>,
    /// The tiers `delegate` may use for this team.
    pub tiers: Option<Vec<String>>,
    /// Whether the team's callers may name a model (default: `[delegate]`'s setting).
    pub model_override: Option<bool>,
}

impl Default for TeamRulesConfig {
    fn default() -> Self {
        TeamRulesConfig {
            allow_tools: Vec::new(),
            deny_tools: Vec::new(),
            writes: true,
            models: None,
            tiers: None,
            model_override: None,
        }
    }
}

/// `[departments.<dept>]`: a cost centre teams belong to.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DepartmentConfig {
    /// A display name.
    pub name: Option<String>,
    /// What the department is.
    pub description: Option<String>,
}
