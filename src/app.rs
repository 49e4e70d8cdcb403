//! The one place that wires everything: validated config + command-line overrides → store,
//! connectors, registry and the MCP server.
//!
//! Building adds its own checks (repositories exist and open, tool names in `[tools]` and
//! `[response.tools]` exist) to the problems parsing and validation found, and reports them
//! all in one error, each with its key.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use switchyard_core::{Connector, Identity};
use switchyard_git::{GitConnector, RepoConfig, discover_repo};

use crate::config::model::{Config, ConnectorConfig, GitConfig, GithubConfig, GitlabConfig};
use crate::config::validate::valid_repo_name;
use crate::config::{ConfigError, ConfigIssue, ConfigSource, Loaded, paths};
use crate::delegate::accounting::RecordingHook;
use crate::delegate::catalog::Catalog;
use crate::delegate::provider::build::{DISCOVERY_TIMEOUT, build_providers, discover_local};
use crate::delegate::service::{Delegation, Discover, LocalServer};
use crate::governance::clock::Clock;
use crate::governance::jwt::JwtVerifier;
use crate::governance::{Authenticator, Directory, Governance, Meter};
use crate::mcp::SwitchyardServer;
use crate::notes::NotesConnector;
use crate::registry::{Registry, RegistryOptions};
use crate::store::{DATABASE_FILE, Store, StoreError, StoreTarget};
use crate::transport::http::HttpOptions;

/// What the command line adds to the configuration.
#[derive(Debug, Clone, Default)]
pub struct Overrides {
    /// `--repo [NAME=]PATH` (repeatable): the repositories of the git connector.
    pub repos: Vec<String>,
    /// `--data-dir DIR`.
    pub data_dir: Option<PathBuf>,
    /// `--conformance`: mount the conformance-suite fixtures.
    pub conformance: bool,
    /// Open the store even when nothing in the configuration needs it (`switchyard keys`).
    pub needs_store: bool,
}

/// Why the application could not be built.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// Every configuration problem found (parsing, validation, building).
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// The store failed.
    #[error("the store {location} cannot be used ({hint})")]
    Store {
        /// The database file, or the URL without its password.
        location: String,
        /// What the user can change.
        hint: &'static str,
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
    /// The store of notes and scorecards, when notes or delegation are enabled.
    pub store: Option<Store>,
    /// Things the user should know (no repository in zero-config mode, …).
    pub warnings: Vec<String>,
    identity: Identity,
    conformance: bool,
    delegation: Option<Arc<Delegation>>,
    governance: Governance,
    auth: Arc<Authenticator>,
}

impl App {
    /// Build everything the configuration describes, or report every problem at once.
    pub async fn build(loaded: Loaded, overrides: &Overrides) -> Result<App, AppError> {
        let Loaded {
            mut config,
            source,
            mut issues,
        } = loaded;
        apply_team_model_rules(&mut config);
        let data_dir = paths::data_dir(overrides.data_dir.as_deref(), config.data.dir.as_deref());
        let base_dir = match &source {
            ConfigSource::File(path) => path
                .parent()
                .map(Path::to_path_buf)
                .filter(|dir| !dir.as_os_str().is_empty())
                .unwrap_or_else(|| PathBuf::from(".")),
            ConfigSource::Embedded => PathBuf::from("."),
        };
        let mut warnings = Vec::new();
        let mut connectors: Vec<Arc<dyn Connector>> = Vec::new();

        let cli_repos = parse_cli_repos(&overrides.repos, &mut issues);
        let mut git_seen = false;
        let mut github_built: Vec<(bool, Arc<dyn Connector>)> = Vec::new();
        let mut gitlab_built: Vec<(bool, Arc<dyn Connector>)> = Vec::new();
        for (id, connector) in &config.connectors {
            match connector {
                ConnectorConfig::Git(git) => {
                    git_seen = true;
                    let plan = GitPlan {
                        id,
                        config: git,
                        cli_repos: &cli_repos,
                        base_dir: &base_dir,
                    };
                    if let Some(built) = plan.build(&mut issues, &mut warnings) {
                        connectors.push(built);
                    }
                }
                ConnectorConfig::Github(github) => {
                    if let Some(built) = build_github(id, github, &config, &mut issues) {
                        github_built.push((github.default, built));
                    }
                }
                ConnectorConfig::Gitlab(gitlab) => {
                    if let Some(built) = build_gitlab(id, gitlab, &config, &mut issues) {
                        gitlab_built.push((gitlab.default, built));
                    }
                }
            }
        }
        // The default instance (`default = true`, else the first by id) comes first: several
        // instances of one kind answer calls that name none with the first.
        github_built.sort_by_key(|(default, _)| !*default);
        connectors.extend(github_built.into_iter().map(|(_, built)| built));
        gitlab_built.sort_by_key(|(default, _)| !*default);
        connectors.extend(gitlab_built.into_iter().map(|(_, built)| built));
        if !git_seen && !cli_repos.is_empty() {
            let plan = GitPlan {
                id: "git",
                config: &GitConfig::default(),
                cli_repos: &cli_repos,
                base_dir: &base_dir,
            };
            if let Some(built) = plan.build(&mut issues, &mut warnings) {
                connectors.push(built);
            }
        }
        let delegation_parts = config.delegate.enabled.then(|| {
            let built = build_providers(&config.providers, &|name| std::env::var(name).ok());
            issues.extend(built.issues);
            for missing in built.missing_keys {
                warnings.push(format!(
                    "{}: {}; that provider is unavailable until it is set",
                    missing.key, missing.message
                ));
            }
            let providers = built.providers;
            let price_file = config
                .delegate
                .price_file
                .as_ref()
                .map(|path| relative_to(&base_dir, path));
            let (catalog, catalog_issues) = Catalog::build(&config.models, price_file.as_deref());
            issues.extend(catalog_issues);
            check_delegation_names(&config, &catalog, &mut issues);
            (catalog, providers)
        });
        check_tool_names(&config, &connectors, &mut issues);
        let jwt = match config.auth.as_ref().and_then(|auth| auth.jwt.as_ref()) {
            Some(jwt) => match JwtVerifier::new(jwt, &base_dir) {
                Ok(verifier) => Some(verifier),
                Err(message) => {
                    issues.push(ConfigIssue::new("auth.jwt.jwks", message));
                    None
                }
            },
            None => None,
        };
        let store_target = match crate::config::store::resolve(&config.store, &base_dir) {
            Ok(target) => target,
            Err(issue) => {
                // Validation has already said what is wrong with a URL written in the file.
                if !issues.iter().any(|known| known.key == issue.key) {
                    issues.push(issue);
                }
                None
            }
        };
        if !issues.is_empty() {
            return Err(AppError::Config(ConfigError { issues }));
        }

        let store = if config.notes.enabled
            || config.delegate.enabled
            || config.auth.is_some()
            || overrides.needs_store
        {
            Some(open_store(store_target.as_ref(), &data_dir).await?)
        } else {
            None
        };
        if config.notes.enabled
            && let Some(store) = &store
        {
            connectors.push(Arc::new(NotesConnector::new(store.notes())));
        }
        let meter = store
            .as_ref()
            .map(|store| Arc::new(Meter::new(&config, store, Clock::default())));
        let delegation = match delegation_parts {
            Some((catalog, providers)) => {
                // Zero config: with no provider configured, local servers on their default
                // loopback ports are probed on first use.
                let discover = config.providers.is_empty().then(local_discovery);
                let delegation = Delegation::new(
                    config.delegate.clone(),
                    catalog,
                    providers,
                    store.clone(),
                    match &meter {
                        Some(meter) => meter.cost_hook(),
                        None => Arc::new(RecordingHook::default()),
                    },
                    discover,
                );
                delegation.load_scorecards().await;
                Some(Arc::new(delegation))
            }
            None => None,
        };

        let directory = Directory::from_config(&config);
        let identity = directory.complete(identity(&config));
        let governance = Governance::new(directory, store.as_ref().map(Store::audit));
        let registry = Arc::new(Registry::new(
            connectors,
            &config.tools,
            &config.response,
            RegistryOptions {
                search_timeout: Duration::from_secs(config.server.search_timeout_secs),
                data_classes: data_classes(&config),
                delegation: delegation.clone(),
                governance: governance.clone(),
                meter: meter.clone(),
            },
        ));
        let auth = Arc::new(match &config.auth {
            Some(auth) => Authenticator::new(
                identity.clone(),
                Arc::clone(governance.directory()),
                auth.api_keys
                    .then(|| store.as_ref().map(Store::keys))
                    .flatten(),
                jwt,
                auth.metadata.clone(),
                auth.jwt.as_ref().map(|jwt| jwt.issuer.clone()),
            )
            .with_audit(store.as_ref().map(Store::audit)),
            None => Authenticator::local(identity.clone(), Arc::clone(governance.directory())),
        });
        if let Some(meter) = &meter {
            meter.metrics().set_known(
                registry.tools().iter().map(|t| t.spec.name.clone()),
                registry.connectors().iter().map(|c| c.id().to_owned()),
                delegation.iter().flat_map(|d| {
                    d.catalog()
                        .models()
                        .map(|m| m.id.clone())
                        .collect::<Vec<_>>()
                }),
            );
        }
        Ok(App {
            source,
            config,
            data_dir,
            registry,
            store,
            warnings,
            identity,
            conformance: overrides.conformance,
            delegation,
            governance,
            auth,
        })
    }

    /// The delegation service, when `[delegate] enabled` (the default).
    pub fn delegation(&self) -> Option<&Arc<Delegation>> {
        self.delegation.as_ref()
    }

    /// Quotas, budgets, the ledger and metrics (when the application has a store).
    pub fn meter(&self) -> Option<&Arc<Meter>> {
        self.registry.meter()
    }

    /// The MCP server over this application's registry.
    pub fn server(&self) -> SwitchyardServer {
        let server = SwitchyardServer::new(
            Arc::clone(&self.registry),
            self.identity.clone(),
            Duration::from_secs(self.config.server.call_timeout_secs),
            self.governance.clone(),
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
            auth: Arc::clone(&self.auth),
            keys: self.store.as_ref().map(Store::keys),
        }
    }

    /// Team policies, the directory of teams and the audit log.
    pub fn governance(&self) -> &Governance {
        &self.governance
    }

    /// Who calls tools on stdio.
    pub fn identity(&self) -> &Identity {
        &self.identity
    }
}

/// A repository given on the command line: `PATH` or `NAME=PATH`.
#[derive(Debug, Clone, PartialEq, Eq)]
struct CliRepo {
    name: Option<String>,
    path: PathBuf,
}

/// Parse `--repo` values. `NAME=PATH` names the repository when `NAME` is a valid name and the
/// whole value is not itself an existing path; the same repository twice is kept once.
fn parse_cli_repos(values: &[String], issues: &mut Vec<ConfigIssue>) -> Vec<CliRepo> {
    let mut repos: Vec<CliRepo> = Vec::new();
    for value in values {
        let repo = match value.split_once('=') {
            Some((name, path)) if valid_repo_name(name) && !Path::new(value).exists() => CliRepo {
                name: Some(name.to_owned()),
                path: paths::expand_home(Path::new(path)),
            },
            _ => CliRepo {
                name: None,
                path: paths::expand_home(Path::new(value)),
            },
        };
        if !repo.path.exists() {
            issues.push(ConfigIssue::new(
                "--repo",
                format!("{} does not exist", repo.path.display()),
            ));
            continue;
        }
        if !repo.path.is_dir() {
            issues.push(ConfigIssue::new(
                "--repo",
                format!(
                    "{} is not a directory; pass a repository's directory",
                    repo.path.display()
                ),
            ));
            continue;
        }
        if !repos.contains(&repo) {
            repos.push(repo);
        }
    }
    repos
}

/// How to build the git connector.
struct GitPlan<'a> {
    id: &'a str,
    config: &'a GitConfig,
    cli_repos: &'a [CliRepo],
    /// Relative configured paths are relative to the configuration file's directory.
    base_dir: &'a Path,
}

impl GitPlan<'_> {
    /// The connector: `--repo` if given, else the configured repositories, else the one
    /// containing the working directory.
    fn build(
        &self,
        issues: &mut Vec<ConfigIssue>,
        warnings: &mut Vec<String>,
    ) -> Option<Arc<dyn Connector>> {
        let mut repos = Vec::new();
        let key;
        if !self.cli_repos.is_empty() {
            key = "--repo".to_owned();
            for repo in self.cli_repos {
                match discover_repo(&repo.path) {
                    Some(root) => repos.push(named(RepoConfig::new(root), repo.name.as_deref())),
                    None => issues.push(ConfigIssue::new(
                        "--repo",
                        format!("{} is not inside a git repository", repo.path.display()),
                    )),
                }
            }
        } else if !self.config.repos.is_empty() {
            key = format!("connectors.{}.repos", self.id);
            for (index, repo) in self.config.repos.iter().enumerate() {
                let key = format!("connectors.{}.repos[{index}].path", self.id);
                let path = paths::expand_home(&repo.path);
                let path = if path.is_relative() {
                    self.base_dir.join(path)
                } else {
                    path
                };
                if !path.exists() {
                    issues.push(ConfigIssue::new(
                        key,
                        format!("{} does not exist", path.display()),
                    ));
                    continue;
                }
                match discover_repo(&path) {
                    Some(root) => repos.push(named(RepoConfig::new(root), repo.name.as_deref())),
                    None => issues.push(ConfigIssue::new(
                        key,
                        format!("{} is not inside a git repository", path.display()),
                    )),
                }
            }
        } else {
            key = format!("connectors.{}", self.id);
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
        match GitConnector::open(self.id, repos) {
            Ok(connector) => Some(Arc::new(connector)),
            Err(err) => {
                let hint = if key == "--repo" {
                    " (name them with --repo NAME=PATH)"
                } else {
                    ""
                };
                issues.push(ConfigIssue::new(key, format!("{err}{hint}")));
                None
            }
        }
    }
}

/// Build one GitHub instance: resolve its token, name the other GitHub instances for
/// not-found messages.
fn build_github(
    id: &str,
    github: &GithubConfig,
    config: &Config,
    issues: &mut Vec<ConfigIssue>,
) -> Option<Arc<dyn Connector>> {
    let token = resolve_token(id, &github.token, issues)?;
    let siblings = sibling_hosts(config, id, |c| match c {
        ConnectorConfig::Github(g) => Some(g.base_url.as_str()),
        _ => None,
    })
    .map(|(id, host)| switchyard_github::Sibling { id, host })
    .collect();
    let mut settings = switchyard_github::GithubSettings::new(id, &github.base_url, token);
    settings.repos = github.repos.clone();
    settings.writes = github.writes;
    settings.siblings = siblings;
    settings.request_timeout = Duration::from_secs(github.timeout_secs);
    match switchyard_github::GithubConnector::new(settings) {
        Ok(connector) => Some(Arc::new(connector)),
        Err(err) => {
            report_once(issues, id, err.to_string());
            None
        }
    }
}

/// Build one GitLab instance: resolve its token, name the other GitLab instances for
/// not-found messages.
fn build_gitlab(
    id: &str,
    gitlab: &GitlabConfig,
    config: &Config,
    issues: &mut Vec<ConfigIssue>,
) -> Option<Arc<dyn Connector>> {
    let token = resolve_token(id, &gitlab.token, issues)?;
    let siblings = sibling_hosts(config, id, |c| match c {
        ConnectorConfig::Gitlab(g) => Some(g.base_url.as_str()),
        _ => None,
    })
    .map(|(id, host)| switchyard_gitlab::Sibling { id, host })
    .collect();
    let mut settings = switchyard_gitlab::GitlabSettings::new(id, &gitlab.base_url, token);
    settings.projects = gitlab.projects.clone();
    settings.writes = gitlab.writes;
    settings.siblings = siblings;
    settings.request_timeout = Duration::from_secs(gitlab.timeout_secs);
    match switchyard_gitlab::GitlabConnector::new(settings) {
        Ok(connector) => Some(Arc::new(connector)),
        Err(err) => {
            report_once(issues, id, err.to_string());
            None
        }
    }
}

/// A connector's token, or an issue at `connectors.<id>.token`.
fn resolve_token(
    id: &str,
    token: &switchyard_core::SecretRef,
    issues: &mut Vec<ConfigIssue>,
) -> Option<switchyard_core::Secret> {
    match token.resolve() {
        Ok(token) => Some(token),
        Err(err) => {
            issues.push(ConfigIssue::new(
                format!("connectors.{id}.token"),
                err.to_string(),
            ));
            None
        }
    }
}

/// The other instances of one kind (`base_url_of` picks the kind), as (id, host), for the
/// not-found messages that name them.
fn sibling_hosts<'a>(
    config: &'a Config,
    id: &'a str,
    base_url_of: impl Fn(&ConnectorConfig) -> Option<&str> + 'a,
) -> impl Iterator<Item = (String, String)> + 'a {
    config
        .connectors
        .iter()
        .filter(move |(other, _)| other.as_str() != id)
        .filter_map(move |(other, connector)| {
            base_url_of(connector).map(|url| (other.clone(), host_of(url)))
        })
}

/// Report a connector that cannot be built, unless validation already reported its keys
/// (`connectors.<id>.base_url`, …): the same problem once, with the precise key.
fn report_once(issues: &mut Vec<ConfigIssue>, id: &str, message: String) {
    let key = format!("connectors.{id}");
    let already = issues.iter().any(|issue| {
        issue.key == key
            || issue
                .key
                .strip_prefix(key.as_str())
                .is_some_and(|rest| rest.starts_with('.'))
    });
    if !already {
        issues.push(ConfigIssue::new(key, message));
    }
}

/// The host of a base URL, as messages name it.
fn host_of(base_url: &str) -> String {
    let rest = base_url
        .split_once("://")
        .map_or(base_url, |(_, rest)| rest);
    rest.split('/').next().unwrap_or(rest).to_owned()
}

/// Probe the default loopback ports for local model servers; each becomes a provider with its
/// models in the catalog as `<provider>/<model>`.
fn local_discovery() -> Discover {
    Arc::new(|| {
        Box::pin(async {
            let mut found = Vec::new();
            for server in discover_local(DISCOVERY_TIMEOUT).await {
                match server.provider() {
                    Ok(provider) => {
                        let id = server.kind.provider_id();
                        let models = server
                            .models
                            .iter()
                            .map(|model| (format!("{id}/{model}"), model.clone()))
                            .collect();
                        found.push((
                            provider,
                            LocalServer {
                                provider: id.to_owned(),
                                models,
                            },
                        ));
                    }
                    Err(message) => {
                        tracing::warn!(server = server.kind.name(), error = %message, "a local model server was found but cannot be used");
                    }
                }
            }
            found
        })
    })
}

/// Model and provider names in `[models]` and `[delegate]` must exist.
fn check_delegation_names(config: &Config, catalog: &Catalog, issues: &mut Vec<ConfigIssue>) {
    const BUILT_IN_PROVIDERS: [&str; 4] = ["openai", "anthropic", "gemini", "client"];
    for (id, model) in &config.models {
        if let Some(provider) = &model.provider
            && !config.providers.contains_key(provider)
            && !BUILT_IN_PROVIDERS.contains(&provider.as_str())
        {
            issues.push(ConfigIssue::new(
                format!("models.{id}.provider"),
                format!("no provider named {provider:?}; add a [providers.{provider}] section"),
            ));
        }
    }
    let known = |model: &str| catalog.get(model).is_some() || model == "client";
    let delegate = &config.delegate;
    // A model whose tier is neither listed nor asked for by any task is reachable only by name:
    // almost always a typo.
    let asked_tiers: Vec<&str> = delegate
        .tasks
        .values()
        .chain(delegate.teams.values().flat_map(|team| team.tasks.values()))
        .filter_map(|policy| policy.tier.as_deref())
        .collect();
    for (id, model) in &config.models {
        if let Some(tier) = &model.tier
            && !delegate.tiers.contains(tier)
            && !asked_tiers.contains(&tier.as_str())
        {
            issues.push(ConfigIssue::new(
                format!("models.{id}.tier"),
                format!(
                    "tier {tier:?} is not in [delegate] tiers ({}) and no task policy asks for it, \
                     so routing never reaches this model; fix the name or add the tier",
                    delegate.tiers.join(", ")
                ),
            ));
        }
    }
    for (key, model) in [
        ("delegate.baseline", &delegate.baseline),
        ("delegate.judge", &delegate.judge),
    ] {
        if let Some(model) = model
            && !known(model)
        {
            issues.push(ConfigIssue::new(
                key,
                format!("{model:?} is not in the model catalog; `switchyard models` lists it"),
            ));
        }
    }
    let policies = delegate
        .tasks
        .iter()
        .map(|(kind, policy)| (format!("delegate.tasks.{kind}"), policy))
        .chain(delegate.teams.iter().flat_map(|(team, team_policy)| {
            team_policy
                .tasks
                .iter()
                .map(move |(kind, policy)| (format!("delegate.teams.{team}.tasks.{kind}"), policy))
        }));
    for (key, policy) in policies {
        for (index, model) in policy.candidates.iter().flatten().enumerate() {
            if !known(model) {
                issues.push(ConfigIssue::new(
                    format!("{key}.candidates[{index}]"),
                    format!("{model:?} is not in the model catalog"),
                ));
            }
        }
    }
    for (team, settings) in &config.teams {
        for (index, model) in settings.policy.models.iter().flatten().enumerate() {
            if !known(model) {
                issues.push(ConfigIssue::new(
                    format!("teams.{team}.policy.models[{index}]"),
                    format!(
                        "{model:?} is not in the model catalog; `switchyard models --all` lists it"
                    ),
                ));
            }
        }
    }
    for (team, policy) in &delegate.teams {
        for (index, model) in policy.deny_models.iter().enumerate() {
            if !known(model) {
                issues.push(ConfigIssue::new(
                    format!("delegate.teams.{team}.deny_models[{index}]"),
                    format!("{model:?} is not in the model catalog"),
                ));
            }
        }
    }
}

/// The data class of every source, by instance id.
fn data_classes(config: &Config) -> std::collections::HashMap<String, switchyard_core::DataClass> {
    let mut classes = std::collections::HashMap::new();
    for (id, connector) in &config.connectors {
        match connector {
            ConnectorConfig::Git(git) => {
                classes.insert(id.clone(), git.data_class);
            }
            ConnectorConfig::Github(github) => {
                classes.insert(id.clone(), github.data_class);
            }
            ConnectorConfig::Gitlab(gitlab) => {
                classes.insert(id.clone(), gitlab.data_class);
            }
        }
    }
    classes.insert(crate::notes::NOTES_ID.to_owned(), config.notes.data_class);
    classes
}

/// The configured store (`[store] url`), else SQLite in the data directory.
async fn open_store(target: Option<&StoreTarget>, data_dir: &Path) -> Result<Store, AppError> {
    match target {
        Some(target) => Store::connect_target(target)
            .await
            .map_err(|source| AppError::Store {
                location: target.redacted(),
                hint: "check [store] url and that the database answers",
                source,
            }),
        None => Store::open(data_dir)
            .await
            .map_err(|source| AppError::Store {
                location: data_dir.join(DATABASE_FILE).display().to_string(),
                hint: "set --data-dir or [data] dir to move it, or [store] url",
                source,
            }),
    }
}

/// A configured path: `~` expanded, relative paths taken from the configuration's directory.
fn relative_to(base_dir: &Path, path: &Path) -> PathBuf {
    let path = paths::expand_home(path);
    if path.is_relative() {
        base_dir.join(path)
    } else {
        path
    }
}

fn named(repo: RepoConfig, name: Option<&str>) -> RepoConfig {
    match name {
        Some(name) => repo.named(name),
        None => repo,
    }
}

/// Names in `[tools] allow`/`deny` and `[response.tools]` must name a tool or a toolset that
/// exists: a typo there would otherwise silently hide tools or change nothing.
fn check_tool_names(
    config: &Config,
    connectors: &[Arc<dyn Connector>],
    issues: &mut Vec<ConfigIssue>,
) {
    let mut tools: Vec<String> = connectors
        .iter()
        .flat_map(|c| c.tools().iter().map(|t| t.name.clone()))
        .collect();
    tools.push(crate::context::read::NAME.to_owned());
    tools.push(crate::context::search::NAME.to_owned());
    let mut toolsets: Vec<String> = vec!["context".to_owned()];
    let add_toolset = |toolsets: &mut Vec<String>, name: &str| {
        if !toolsets.iter().any(|t| t == name) {
            toolsets.push(name.to_owned());
        }
    };
    if config.notes.enabled {
        tools.extend(crate::notes::tool_names().iter().map(|n| (*n).to_owned()));
        add_toolset(&mut toolsets, crate::notes::NOTES_ID);
    }
    for connector in connectors {
        add_toolset(&mut toolsets, connector.id());
        add_toolset(&mut toolsets, connector.kind());
    }
    // A connector configured but not built (no repository here) still names a toolset.
    for (id, connector) in &config.connectors {
        add_toolset(&mut toolsets, id);
        add_toolset(&mut toolsets, connector.kind());
    }
    let known = |name: &str| tools.iter().any(|t| t == name) || toolsets.iter().any(|t| t == name);
    for (list, names) in [("allow", &config.tools.allow), ("deny", &config.tools.deny)] {
        for (index, name) in names.iter().enumerate() {
            if !known(name) {
                issues.push(ConfigIssue::new(
                    format!("tools.{list}[{index}]"),
                    format!(
                        "{name:?} is neither a tool nor a toolset here; `switchyard tools` lists the tools, toolsets are {}",
                        toolsets.join(", ")
                    ),
                ));
            }
        }
    }
    // Team policies may also name the delegation tools and toolsets, enabled or not.
    let delegate_tools = ["delegate", "route_preview", "list_models"];
    let known_for_teams =
        |name: &str| known(name) || delegate_tools.contains(&name) || name == "notes";
    for (team, settings) in &config.teams {
        for (list, names) in [
            ("allow_tools", &settings.policy.allow_tools),
            ("deny_tools", &settings.policy.deny_tools),
        ] {
            for (index, name) in names.iter().enumerate() {
                if !known_for_teams(name) {
                    issues.push(ConfigIssue::new(
                        format!("teams.{team}.policy.{list}[{index}]"),
                        format!(
                            "{name:?} is neither a tool nor a toolset here; `switchyard tools` lists the tools, toolsets are {}, delegate",
                            toolsets.join(", ")
                        ),
                    ));
                }
            }
        }
    }
    for name in config.response.tools.keys() {
        if !tools.iter().any(|t| t == name) {
            issues.push(ConfigIssue::new(
                format!("response.tools.{name}"),
                "no tool of that name is configured; `switchyard tools` lists the tools",
            ));
        }
    }
}

/// `[teams.<team>.policy]` models, tiers and model_override become the delegation router's
/// team rules (`[delegate.teams.<team>]`), so one place decides which models a team reaches.
fn apply_team_model_rules(config: &mut Config) {
    for (team, settings) in &config.teams {
        let policy = &settings.policy;
        if policy.models.is_none() && policy.tiers.is_none() && policy.model_override.is_none() {
            continue;
        }
        let rules = config.delegate.teams.entry(team.clone()).or_default();
        rules.only_models.clone_from(&policy.models);
        rules.only_tiers.clone_from(&policy.tiers);
        if policy.model_override.is_some() {
            rules.allow_model_override = policy.model_override;
        }
    }
}

/// The local identity: `[identity]`, then `SWITCHYARD_USER`, then the login name (`USER`,
/// `USERNAME`), then `local`.
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
    Identity {
        team,
        ..Identity::user(user)
    }
}

#[cfg(test)]
mod tests {
    use super::{CliRepo, parse_cli_repos};

    #[tokio::test]
    async fn a_forge_config_problem_is_reported_once_with_its_key() {
        let dir = tempfile::tempdir().unwrap();
        let token = dir.path().join("token");
        std::fs::write(&token, "secret-token").unwrap();
        let file = dir.path().join("switchyard.toml");
        let text = format!(
            "[connectors.glx]\ntype = \"gitlab\"\nbase_url = \"http://gitlab.example.com\"\ntoken = \"file:{0}\"\n\
             [connectors.ghx]\ntype = \"github\"\nbase_url = \"http://ghes.example.com/api/v3\"\ntoken = \"file:{0}\"\n",
            token.display()
        );
        std::fs::write(&file, text).unwrap();
        let loaded = crate::config::load_and_validate(Some(&file)).unwrap();
        let overrides = super::Overrides {
            data_dir: Some(dir.path().join("data")),
            ..Default::default()
        };
        let Err(err) = super::App::build(loaded, &overrides).await else {
            panic!("plain http to a remote forge was accepted");
        };
        let text = err.to_string();
        for (id, host) in [("glx", "gitlab.example.com"), ("ghx", "ghes.example.com")] {
            assert_eq!(text.matches(id).count(), 1, "{id} once in {text}");
            assert!(
                text.contains(&format!(
                    "  - connectors.{id}.base_url: the token would travel unencrypted to {host}; use https"
                )),
                "{text}"
            );
        }
    }

    #[test]
    fn cli_repos_take_an_optional_name_and_are_kept_once() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().display().to_string();
        let mut issues = Vec::new();
        let repos = parse_cli_repos(
            &[
                format!("api={path}"),
                path.clone(),
                path.clone(),
                "/definitely/not/here".to_owned(),
            ],
            &mut issues,
        );
        assert_eq!(
            repos,
            vec![
                CliRepo {
                    name: Some("api".into()),
                    path: dir.path().to_path_buf()
                },
                CliRepo {
                    name: None,
                    path: dir.path().to_path_buf()
                },
            ]
        );
        assert_eq!(issues.len(), 1);
        assert!(issues[0].message.contains("does not exist"), "{issues:?}");
    }
}
