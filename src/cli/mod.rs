//! The command line: `serve`, `check`, `tools`, `models`, `eval`, `keys`, `usage`.
//!
//! | file | role |
//! |---|---|
//! | `mod.rs` | the clap definitions |
//! | `serve.rs` | `switchyard serve` (stdio or HTTP) |
//! | `check.rs` | `switchyard check` |
//! | `tools.rs` | `switchyard tools` |
//! | `models.rs` | `switchyard models` |
//! | `eval.rs` | `switchyard eval` |
//! | `keys.rs` | `switchyard keys` (API keys) |
//! | `usage.rs` | `switchyard usage` |

pub mod check;
pub mod eval;
pub mod keys;
pub mod models;
pub mod serve;
pub mod tools;
pub mod usage;

use std::path::PathBuf;

use clap::builder::RangedU64ValueParser;
use clap::{Args, Parser, Subcommand};

use crate::app::Overrides;
use crate::config::model::LogFormat;

/// The help heading of the options every command takes, listed after a command's own.
const GLOBAL: &str = "Global options";

/// One MCP server for your development context (git history and code, forges, shared notes,
/// cross-source search) and for model delegation (each sub-task goes to the model whose cost,
/// speed, quality and data clearance fit it), over stdio for one developer or HTTP for a team.
#[derive(Debug, Parser)]
#[command(name = "switchyard", version, long_about = None, propagate_version = true)]
pub struct Cli {
    /// Configuration file. Default: ./switchyard.toml, then the user config dir
    /// (~/.config/switchyard/switchyard.toml on Linux), then the embedded default
    /// (the git repository you are in, plus workspace notes).
    #[arg(
        long,
        global = true,
        env = "SWITCHYARD_CONFIG",
        value_name = "PATH",
        help_heading = GLOBAL
    )]
    pub config: Option<PathBuf>,
    /// Log level or filter (error, warn, info, debug, trace, or e.g. switchyard=debug,rmcp=warn).
    /// Overrides RUST_LOG and [logging] level. Logs always go to stderr.
    #[arg(long, global = true, value_name = "LEVEL", help_heading = GLOBAL)]
    pub log_level: Option<String>,
    /// Log line format on stderr.
    #[arg(
        long,
        global = true,
        value_enum,
        value_name = "FORMAT",
        help_heading = GLOBAL
    )]
    pub log_format: Option<LogFormat>,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the MCP server: over stdio (the default, for IDEs and desktop hosts), or over HTTP
    /// with --http (Streamable HTTP at /mcp, legacy SSE at /sse + /message, health at /healthz).
    Serve(ServeArgs),
    /// Load the configuration, report every problem with the key that is wrong, then check
    /// each connector (can it open its repositories, reach its service) and each model provider
    /// (is it reachable, is its key accepted) and print a table. Exits non-zero when anything
    /// is wrong.
    Check(SourceArgs),
    /// List the tool catalog: each tool's name, summary and the approximate token size of
    /// its schema, and the total a client pays to load them all.
    Tools(ToolsArgs),
    /// The model catalog delegation routes over: tier, provider (and whether it is
    /// configured), prices per million tokens, context window, data clearance, scorecards.
    Models(ModelsArgs),
    /// Run evaluation suites (cases with checks) over candidate models and save a scorecard
    /// per task and model (pass rate, p50 latency, mean cost) for routing to read. Exits
    /// non-zero when a model answers no case of a task.
    Eval(EvalArgs),
    /// Make, list and revoke the API keys HTTP callers authenticate with
    /// (`Authorization: Bearer <key>`). A key is printed once when made; only its hash is kept.
    Keys(KeysArgs),
    /// The chargeback report from the usage ledger: cost, calls, tokens and savings against
    /// the baseline model, grouped by department, team, user, model, task or tool.
    Usage(UsageArgs),
}

/// `keys` arguments.
#[derive(Debug, Clone, Args)]
pub struct KeysArgs {
    /// What to do.
    #[command(subcommand)]
    pub action: KeysAction,
}

/// The `keys` actions.
#[derive(Debug, Clone, Subcommand)]
pub enum KeysAction {
    /// Make a key and print it (only this once).
    Create {
        /// The user the key authenticates as.
        #[arg(long, value_name = "USER")]
        user: String,
        /// The user's team (its policy applies; see [teams] in the configuration).
        #[arg(long, value_name = "TEAM")]
        team: Option<String>,
        /// The role: member (default) or admin (also reads admin endpoints).
        #[arg(long, value_enum, default_value_t = KeyRole::Member)]
        role: KeyRole,
        /// How long the key works: 90d, 12h, 2w, 30m. Default: until revoked.
        #[arg(long, value_name = "LIFETIME")]
        expires: Option<String>,
        #[command(flatten)]
        sources: SourceArgs,
    },
    /// List the keys (id, owner, team, role, status, times); never the keys themselves.
    List {
        #[command(flatten)]
        sources: SourceArgs,
    },
    /// Revoke a key by its id (as `keys list` shows it).
    Revoke {
        /// The key's id.
        id: String,
        #[command(flatten)]
        sources: SourceArgs,
    },
}

impl KeysAction {
    /// Where the sources and the store come from.
    pub fn sources(&self) -> &SourceArgs {
        match self {
            KeysAction::Create { sources, .. }
            | KeysAction::List { sources }
            | KeysAction::Revoke { sources, .. } => sources,
        }
    }
}

/// The role a key grants.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum KeyRole {
    /// Uses the tools the team's policy allows.
    Member,
    /// Also reads admin endpoints.
    Admin,
}

/// `usage` arguments.
#[derive(Debug, Clone, Args)]
pub struct UsageArgs {
    /// Group by department, team, user, model, task or tool.
    #[arg(long, default_value = "team", value_parser = ["department", "team", "user", "model", "task", "tool"])]
    pub by: String,
    /// From: a duration back from now (90m, 12h, 30d, 2w) or a date (2026-07-01, RFC 3339).
    #[arg(long, default_value = "30d", value_name = "WHEN")]
    pub since: String,
    /// To (exclusive; a bare date includes that day). Default: now.
    #[arg(long, value_name = "WHEN")]
    pub until: Option<String>,
    /// Output format.
    #[arg(long, default_value = "table", value_parser = ["table", "csv", "json"])]
    pub format: String,
    #[command(flatten)]
    pub sources: SourceArgs,
}

/// Where sources come from (shared by every command).
#[derive(Debug, Clone, Args)]
pub struct SourceArgs {
    /// A git repository to serve (repeatable), as PATH or NAME=PATH (the name tools and URIs
    /// use; default the directory name). Replaces the configured repositories; without it and
    /// without configured ones, the repository containing the working directory.
    #[arg(long = "repo", value_name = "[NAME=]PATH")]
    pub repos: Vec<String>,
    /// Data directory of the embedded store (notes, model scorecards). Default: the user data
    /// dir (~/.local/share/switchyard on Linux). Processes sharing it share them.
    #[arg(long, env = "SWITCHYARD_DATA_DIR", value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
}

/// `serve` arguments.
#[derive(Debug, Clone, Args)]
pub struct ServeArgs {
    /// Serve HTTP on this address (e.g. 127.0.0.1:8787) instead of stdio. Without an [auth]
    /// section in the configuration, only loopback addresses are accepted.
    #[arg(long, value_name = "ADDR")]
    pub http: Option<String>,
    #[command(flatten)]
    pub sources: SourceArgs,
    /// Mount the fixtures of the MCP conformance suite (for testing the server itself).
    #[arg(long, hide = true)]
    pub conformance: bool,
}

/// `tools` arguments.
#[derive(Debug, Clone, Args)]
pub struct ToolsArgs {
    #[command(flatten)]
    pub sources: SourceArgs,
    /// Print the tools/list result as JSON instead of a table.
    #[arg(long)]
    pub json: bool,
}

/// `models` arguments.
#[derive(Debug, Clone, Args)]
pub struct ModelsArgs {
    #[command(flatten)]
    pub sources: SourceArgs,
    /// Also list models whose provider is not configured.
    #[arg(long)]
    pub all: bool,
}

/// `eval` arguments.
#[derive(Debug, Clone, Args)]
pub struct EvalArgs {
    /// Evaluate only this task kind (repeatable). Default: every suite.
    #[arg(long = "task", value_name = "TASK")]
    pub tasks: Vec<String>,
    /// The models to evaluate, as catalog ids separated by commas. Default: every catalog model
    /// whose provider is available.
    #[arg(long, value_delimiter = ',', value_name = "ID,...")]
    pub models: Vec<String>,
    /// The directory of suite files (*.toml). Default: ./config/evals when it exists, else the
    /// built-in starter suites (commit_message, summarize, security_review).
    #[arg(long, value_name = "DIR")]
    pub suites: Option<PathBuf>,
    /// The judge model of rubric checks, as a catalog id. Default: [delegate] judge; without
    /// one, cases with rubric checks are left out.
    #[arg(long, value_name = "ID")]
    pub judge: Option<String>,
    /// Cases in flight at once (1 to 1024).
    #[arg(
        long,
        default_value_t = 4,
        value_name = "N",
        value_parser = RangedU64ValueParser::<usize>::new().range(1..=1024)
    )]
    pub concurrency: usize,
    /// Seconds one model call may take before the case fails (1 to 86400).
    #[arg(
        long,
        default_value_t = 120,
        value_name = "SECS",
        value_parser = RangedU64ValueParser::<u64>::new().range(1..=86_400)
    )]
    pub case_timeout_secs: u64,
    /// List the suites, cases and models that would run and the most it could cost; call
    /// no model.
    #[arg(long)]
    pub dry_run: bool,
    #[command(flatten)]
    pub sources: SourceArgs,
}

impl SourceArgs {
    /// The overrides these arguments make.
    pub fn overrides(&self, conformance: bool) -> Overrides {
        Overrides {
            repos: self.repos.clone(),
            data_dir: self.data_dir.clone(),
            conformance,
            needs_store: false,
        }
    }
}
