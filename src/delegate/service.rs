//! The delegation service: the catalog, providers, policy and scorecards one server routes
//! with, shared by the `delegate`, `route_preview` and `list_models` tools and `switchyard eval`.
//!
//! Local model servers are discovered lazily, on the first use, so startup never waits for
//! network probes; what they serve joins the catalog as self-hosted, free models.

use std::sync::{Arc, RwLock};
use std::time::Duration;

use switchyard_core::DataClass;
use tokio::sync::OnceCell;

use super::accounting::CostHook;
use super::catalog::{Catalog, ModelSpec};
use super::policy::Policy;
use super::provider::{Provider, Providers};
use super::scorecard::{Scorecard, Scorecards};
use crate::config::model::DelegateConfig;
use crate::store::Store;

/// A local server found on a loopback port, and the models it serves.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocalServer {
    /// The provider to add for it.
    pub provider: String,
    /// The catalog entries to add: (catalog id, provider model id).
    pub models: Vec<(String, String)>,
}

/// Finds local model servers (injected so tests and `switchyard models` can choose).
pub type Discover = Arc<
    dyn Fn() -> futures::future::BoxFuture<'static, Vec<(Arc<dyn Provider>, LocalServer)>>
        + Send
        + Sync,
>;

/// Everything delegation routes with.
pub struct Delegation {
    config: DelegateConfig,
    policy: Policy,
    catalog: RwLock<Arc<Catalog>>,
    providers: RwLock<Providers>,
    scorecards: RwLock<Arc<Scorecards>>,
    store: Option<Store>,
    hook: Arc<dyn CostHook>,
    discover: Option<Discover>,
    discovered: OnceCell<()>,
}

impl std::fmt::Debug for Delegation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Delegation")
            .field("models", &self.catalog().len())
            .field("providers", &self.providers())
            .finish()
    }
}

impl Delegation {
    /// A service over a built catalog and providers.
    pub fn new(
        config: DelegateConfig,
        catalog: Catalog,
        providers: Providers,
        store: Option<Store>,
        hook: Arc<dyn CostHook>,
        discover: Option<Discover>,
    ) -> Self {
        Delegation {
            policy: Policy::from_config(&config),
            config,
            catalog: RwLock::new(Arc::new(catalog)),
            providers: RwLock::new(providers),
            scorecards: RwLock::new(Arc::default()),
            store,
            hook,
            discover,
            discovered: OnceCell::new(),
        }
    }

    /// The `[delegate]` configuration.
    pub fn config(&self) -> &DelegateConfig {
        &self.config
    }

    /// The routing policy.
    pub fn policy(&self) -> &Policy {
        &self.policy
    }

    /// A snapshot of the catalog (shared: a call clones it only to change it).
    pub fn catalog(&self) -> Arc<Catalog> {
        self.catalog
            .read()
            .map(|c| Arc::clone(&c))
            .unwrap_or_default()
    }

    /// A snapshot of the providers.
    pub fn providers(&self) -> Providers {
        self.providers.read().map(|p| p.clone()).unwrap_or_default()
    }

    /// A snapshot of the scorecards.
    pub fn scorecards(&self) -> Arc<Scorecards> {
        self.scorecards
            .read()
            .map(|s| Arc::clone(&s))
            .unwrap_or_default()
    }

    /// The cost hook.
    pub fn hook(&self) -> &Arc<dyn CostHook> {
        &self.hook
    }

    /// The store scorecards live in, when there is one.
    pub fn store(&self) -> Option<&Store> {
        self.store.as_ref()
    }

    /// Replace the scorecards (after loading them or after an evaluation).
    pub fn set_scorecards(&self, cards: Vec<Scorecard>) {
        if let Ok(mut slot) = self.scorecards.write() {
            *slot = Arc::new(Scorecards::new(cards));
        }
    }

    /// Load the scorecards from the store (once at startup and after `switchyard eval`).
    pub async fn load_scorecards(&self) {
        if let Some(store) = &self.store {
            match store.scorecards().all().await {
                Ok(cards) => self.set_scorecards(cards),
                Err(err) => tracing::warn!(error = %err, "cannot load scorecards; routing by tier"),
            }
        }
    }

    /// Probe for local model servers once (on first use); add what is found.
    pub async fn ensure_discovered(&self) {
        let Some(discover) = &self.discover else {
            return;
        };
        self.discovered
            .get_or_init(|| async {
                let found = tokio::time::timeout(Duration::from_secs(2), discover()).await;
                for (provider, server) in found.unwrap_or_default() {
                    if self.providers().get(provider.id()).is_some() {
                        continue;
                    }
                    if let Ok(mut providers) = self.providers.write() {
                        providers.insert(provider);
                    }
                    if let Ok(mut catalog) = self.catalog.write() {
                        let catalog = Arc::make_mut(&mut catalog);
                        for (id, model) in &server.models {
                            if catalog.get(id).is_none() {
                                catalog.insert(local_model(id, &server.provider, model));
                            }
                        }
                    }
                    tracing::info!(provider = %server.provider, models = server.models.len(), "found a local model server");
                }
            })
            .await;
    }
}

/// A catalog entry for a model served by a local server: free, self-hosted, cleared up to
/// confidential (it never leaves the machine).
pub fn local_model(id: &str, provider: &str, model: &str) -> ModelSpec {
    ModelSpec {
        id: id.to_owned(),
        provider: provider.to_owned(),
        provider_model: model.to_owned(),
        prices: Default::default(),
        priced: true,
        context_window: 8_192,
        max_output: 2_048,
        capabilities: Vec::new(),
        tier: "fast".to_owned(),
        self_hosted: true,
        region: Some("local".to_owned()),
        data_classes: vec![
            DataClass::Public,
            DataClass::Internal,
            DataClass::Confidential,
        ],
    }
}
