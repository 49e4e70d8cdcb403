//! The one place that wires everything: validated config + command-line overrides → store,
//! connectors, registry and the MCP server.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use switchyard_core::{Connector, Identity};
use switchyard_git::{GitConnector, RepoConfig, discover_repo};

use crate::config::model::{Config, ConnectorConfig, GitConfig};
use crate::config::paths;
use crate::config::{ConfigError, ConfigIssue, ConfigSource};
use crate::mcp::SwitchyardServer;
use crate::notes::NotesConnector;
use crate::registry::Registry;
use crate::store::{Store, StoreError};
use crate::transport::http::HttpOptions;

/// What the command line adds to the configuration.
#[derive(Debug, Clone, Default)]
pub struct Overrides {
    /// `--repo PATH` (repeatable): the repositories of the git connector.
    pub repos: Vec<PathBuf>,
    /// `--data-dir DIR`.
    pub data_dir: Option<PathBuf>,
    /// `--conformance`: mount the conformance-suite fixtures.
    pub conformance: bool,
}

/// Why the application could not be built.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// Configuration problems found while building (paths that are not repositories, …).
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// The embedded store failed.
    #[error("the store in {dir} cannot be opened: {source}")]
    Store {
        /// The data directory.
        dir: PathBuf,
        /// What failed.
        source: StoreError,
    },
}

/// A built application.
pub struct App {
    /// Where the configuration came from.
    pub source: ConfigSource,
    /// The configuration.
    pub config: Config,
    /// The data directory in use.
    pub data_dir: PathBuf,
    /// The registry of connectors and tools.
    pub registry: Arc<Registry>,
    /// Things the user should know (a missing repository in zero-config mode, …).
    pub warnings: Vec<String>,
    identity: Identity,
    conformance: bool,
}

impl App {
    /// Build everything the configuration describes.
    pub async fn build(
        config: Config,
        source: ConfigSource,
        overrides: &Overrides,
    ) -> Result<App, AppError> {
        let data_dir = paths::data_dir(overrides.data_dir.as_deref(), config.data.dir.as_deref());
        let mut warnings = Vec::new();
        let mut issues = Vec::new();
        let mut connectors: Vec<Arc<dyn Connector>> = Vec::new();

        let mut git_seen = false;
        for (id, connector) in &config.connectors {
            match connector {
                ConnectorConfig::Git(git) => {
                    git_seen = true;
                    if let Some(built) =
                        build_git(id, git, &overrides.repos, &mut issues, &mut warnings)
                    {
                        connectors.push(built);
                    }
                }
            }
        }
        if !git_seen
            && !overrides.repos.is_empty()
            && let Some(built) = build_git(
                "git",
                &GitConfig::default(),
                &overrides.repos,
                &mut issues,
                &mut warnings,
            )
        {
            connectors.push(built);
        }
        if !issues.is_empty() {
            return Err(AppError::Config(ConfigError { issues }));
        }

        if config.notes.enabled {
            let store = Store::open(&data_dir)
                .await
                .map_err(|source| AppError::Store {
                    dir: data_dir.clone(),
                    source,
                })?;
            connectors.push(Arc::new(NotesConnector::new(store.notes())));
        }

        for tool in config.response.tools.keys() {
            let known = connectors
                .iter()
                .any(|c| c.tools().iter().any(|t| &t.name == tool))
                || tool == crate::context::read::NAME
                || tool == crate::context::search::NAME;
            if !known {
                warnings.push(format!(
                    "response.tools.{tool}: no tool of that name is configured"
                ));
            }
        }

        let registry = Arc::new(Registry::new(
            connectors,
            &config.tools,
            &config.response,
            Duration::from_secs(config.server.search_timeout_secs),
        ));
        let identity = identity(&config);
        Ok(App {
            source,
            config,
            data_dir,
            registry,
            warnings,
            identity,
            conformance: overrides.conformance,
        })
    }

    /// The MCP server over this application's registry.
    pub fn server(&self) -> SwitchyardServer {
        let server = SwitchyardServer::new(
            Arc::clone(&self.registry),
            self.identity.clone(),
            Duration::from_secs(self.config.server.call_timeout_secs),
        );
        if self.conformance {
            server.with_conformance_fixtures()
        } else {
            server
        }
    }

    /// The HTTP options from `[server]`.
    pub fn http_options(&self) -> HttpOptions {
        let server = &self.config.server;
        HttpOptions {
            allowed_hosts: server.allowed_hosts.clone(),
            allowed_origins: server.allowed_origins.clone(),
            session_idle: Duration::from_secs(server.session_idle_secs),
            max_request_bytes: server.max_request_bytes,
        }
    }

    /// Who calls tools on stdio.
    pub fn identity(&self) -> &Identity {
        &self.identity
    }
}

/// The git connector: configured repositories, else `--repo`, else the working directory's.
fn build_git(
    id: &str,
    git: &GitConfig,
    cli_repos: &[PathBuf],
    issues: &mut Vec<ConfigIssue>,
    warnings: &mut Vec<String>,
) -> Option<Arc<dyn Connector>> {
    let mut repos = Vec::new();
    if !cli_repos.is_empty() {
        for path in cli_repos {
            match discover_repo(path) {
                Some(root) => repos.push(RepoConfig::new(root)),
                None => issues.push(ConfigIssue::new(
                    "--repo",
                    format!("{} is not inside a git repository", path.display()),
                )),
            }
        }
    } else if !git.repos.is_empty() {
        for (index, repo) in git.repos.iter().enumerate() {
            let path = paths::expand_home(&repo.path);
            let mut config = RepoConfig::new(path.clone());
            if let Some(name) = &repo.name {
                config = config.named(name.clone());
            }
            if !path.exists() {
                issues.push(ConfigIssue::new(
                    format!("connectors.{id}.repos[{index}].path"),
                    format!("{} does not exist", path.display()),
                ));
                continue;
            }
            repos.push(config);
        }
    } else {
        let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
        match discover_repo(&cwd) {
            Some(root) => repos.push(RepoConfig::new(root)),
            None => {
                warnings.push(format!(
                    "{} is not inside a git repository, so the git tools are off; run Switchyard inside a checkout or pass --repo PATH",
                    cwd.display()
                ));
                return None;
            }
        }
    }
    if repos.is_empty() {
        return None;
    }
    match GitConnector::open(id, repos) {
        Ok(connector) => Some(Arc::new(connector)),
        Err(err) => {
            let key = if cli_repos.is_empty() {
                format!("connectors.{id}.repos")
            } else {
                "--repo".to_owned()
            };
            issues.push(ConfigIssue::new(key, err.to_string()));
            None
        }
    }
}

/// The local identity: `[identity]`, then `SWITCHYARD_USER`, then the OS user.
fn identity(config: &Config) -> Identity {
    let user = config
        .identity
        .user
        .clone()
        .or_else(|| std::env::var("SWITCHYARD_USER").ok())
        .or_else(|| std::env::var("USER").ok())
        .or_else(|| std::env::var("USERNAME").ok())
        .filter(|user| !user.trim().is_empty())
        .unwrap_or_else(|| "local".to_owned());
    let team = config
        .identity
        .team
        .clone()
        .or_else(|| std::env::var("SWITCHYARD_TEAM").ok())
        .filter(|team| !team.trim().is_empty());
    Identity { user, team }
}

/// Whether a path is inside a git repository (for messages).
pub fn in_git_repo(path: &Path) -> bool {
    discover_repo(path).is_some()
}
