//! The configuration file as written: raw structs, `deny_unknown_fields` everywhere.
//!
//! These are the *raw* types. `validate` checks them without I/O and `app` turns them into
//! running components; nothing here opens a file or a socket.

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::Deserialize;

/// The whole file. Each section is deserialised on its own so every problem is reported.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Config {
    /// `[identity]`: who the local user is on stdio.
    pub identity: IdentityConfig,
    /// `[server]`: transports, timeouts, HTTP guards.
    pub server: ServerConfig,
    /// `[data]`: where the embedded store lives.
    pub data: DataConfig,
    /// `[response]`: the response budget.
    pub response: ResponseConfig,
    /// `[tools]`: which tools are published.
    pub tools: ToolsConfig,
    /// `[notes]`: the shared workspace notes.
    pub notes: NotesConfig,
    /// `[logging]`.
    pub logging: LoggingConfig,
    /// `[connectors.<id>]`, in file order by id.
    pub connectors: BTreeMap<String, ConnectorConfig>,
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
}

impl Default for NotesConfig {
    fn default() -> Self {
        NotesConfig { enabled: true }
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
}

impl ConnectorConfig {
    /// The kind, as written after `type =`.
    pub fn kind(&self) -> &'static str {
        match self {
            ConnectorConfig::Git(_) => "git",
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
