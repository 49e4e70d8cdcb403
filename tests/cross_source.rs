//! The cross-source tools over fake connectors: fan-out in parallel under per-source deadlines,
//! merged ranking, failed and slow sources named; read_context routing by URI scheme.

use std::sync::Arc;
use std::time::{Duration, Instant};

use async_trait::async_trait;
use serde_json::json;
use switchyard::config::model::{ResponseConfig, ToolsConfig};
use switchyard::registry::{Registry, RegistryOptions};
use switchyard_core::{
    CallContext, CheckReport, Connector, ConnectorError, ItemUri, JsonObject, SearchHit,
    SearchQuery, ToolOutput, ToolSpec,
};

enum Behaviour {
    Hits(&'static [&'static str]),
    Fail,
    Sleep(Duration),
}

struct Source {
    id: &'static str,
    behaviour: Behaviour,
}

#[async_trait]
impl Connector for Source {
    fn id(&self) -> &str {
        self.id
    }
    fn kind(&self) -> &'static str {
        "fake"
    }
    fn tools(&self) -> &[ToolSpec] {
        &[]
    }
    async fn call(
        &self,
        _: &str,
        _: &JsonObject,
        _: &CallContext,
    ) -> Result<ToolOutput, ConnectorError> {
        Err(ConnectorError::internal("no tools"))
    }
    async fn check(&self) -> CheckReport {
        CheckReport::ok("fake")
    }
    async fn read(&self, uri: &ItemUri, _: &CallContext) -> Result<ToolOutput, ConnectorError> {
        Ok(ToolOutput::text(format!("{} read {}", self.id, uri.path())))
    }
    fn searchable(&self) -> bool {
        true
    }
    async fn search(
        &self,
        _: &SearchQuery,
        _: &CallContext,
    ) -> Result<Vec<SearchHit>, ConnectorError> {
        match &self.behaviour {
            Behaviour::Hits(titles) => Ok(titles
                .iter()
                .enumerate()
                .map(|(rank, title)| SearchHit {
                    uri: format!("{}://{rank}", self.id),
                    title: (*title).to_owned(),
                    snippet: format!("about {title}"),
                    score: 10.0 - rank as f64,
                    updated: None,
                })
                .collect()),
            Behaviour::Fail => Err(ConnectorError::Upstream {
                status: 503,
                message: "service unavailable".into(),
            }),
            Behaviour::Sleep(duration) => {
                tokio::time::sleep(*duration).await;
                Ok(Vec::new())
            }
        }
    }
}

fn registry(sources: Vec<Source>, timeout: Duration) -> Registry {
    let connectors: Vec<Arc<dyn Connector>> = sources
        .into_iter()
        .map(|s| Arc::new(s) as Arc<dyn Connector>)
        .collect();
    Registry::new(
        connectors,
        &ToolsConfig::default(),
        &ResponseConfig::default(),
        RegistryOptions {
            search_timeout: timeout,
            ..RegistryOptions::default()
        },
    )
}

fn args(value: serde_json::Value) -> JsonObject {
    value.as_object().cloned().unwrap_or_default()
}

#[tokio::test]
async fn search_merges_ranks_and_names_failed_and_slow_sources() {
    let registry = registry(
        vec![
            Source {
                id: "alpha",
                behaviour: Behaviour::Hits(&["a1", "a2", "a3"]),
            },
            Source {
                id: "beta",
                behaviour: Behaviour::Hits(&["b1", "b2"]),
            },
            Source {
                id: "broken",
                behaviour: Behaviour::Fail,
            },
            Source {
                id: "slow",
                behaviour: Behaviour::Sleep(Duration::from_secs(30)),
            },
        ],
        Duration::from_millis(300),
    );
    let started = Instant::now();
    let output = registry
        .call(
            "search_context",
            &args(json!({"query": "anything"})),
            CallContext::for_tests(),
        )
        .await
        .expect("published")
        .expect("search succeeds even when some sources fail");
    // Parallel: bounded by the per-source deadline, not by the slow source's 30 s.
    assert!(started.elapsed() < Duration::from_secs(5));
    let text = output.text;
    // Reciprocal-rank fusion interleaves the sources: both first-ranked hits come before any second.
    let pos = |needle: &str| {
        text.find(needle)
            .unwrap_or_else(|| panic!("{needle} missing in {text}"))
    };
    assert!(pos("a1") < pos("a2") && pos("b1") < pos("a2"), "{text}");
    assert!(text.contains("- broken: FAILED (upstream)"), "{text}");
    assert!(text.contains("service unavailable"), "{text}");
    assert!(text.contains("- slow: TIMED OUT after 300 ms"), "{text}");
    assert!(text.contains("- alpha: ok, 3 hits"), "{text}");
}

#[tokio::test]
async fn when_no_source_answers_the_query_is_not_blamed() {
    let registry = registry(
        vec![Source {
            id: "broken",
            behaviour: Behaviour::Fail,
        }],
        Duration::from_millis(300),
    );
    let output = registry
        .call(
            "search_context",
            &args(json!({"query": "anything"})),
            CallContext::for_tests(),
        )
        .await
        .expect("published")
        .expect("a result that names the failure");
    assert!(
        output.text.contains("no source answered (see below)"),
        "{}",
        output.text
    );
    assert!(
        !output.text.contains("check the spelling"),
        "{}",
        output.text
    );
    assert!(output.text.contains("- broken: FAILED"), "{}", output.text);
}

#[tokio::test]
async fn search_limit_and_source_filter() {
    let registry = registry(
        vec![
            Source {
                id: "alpha",
                behaviour: Behaviour::Hits(&["a1", "a2", "a3"]),
            },
            Source {
                id: "beta",
                behaviour: Behaviour::Hits(&["b1", "b2"]),
            },
        ],
        Duration::from_secs(1),
    );
    let output = registry
        .call(
            "search_context",
            &args(json!({"query": "x", "limit": 2})),
            CallContext::for_tests(),
        )
        .await
        .expect("published")
        .expect("ok");
    assert!(output.truncated);
    assert!(
        output.text.contains("3 lower-ranked hits not shown"),
        "{}",
        output.text
    );
    let only_beta = registry
        .call(
            "search_context",
            &args(json!({"query": "x", "sources": ["beta"]})),
            CallContext::for_tests(),
        )
        .await
        .expect("published")
        .expect("ok");
    assert!(
        !only_beta.text.contains("a1") && only_beta.text.contains("b2"),
        "{}",
        only_beta.text
    );
    let err = registry
        .call(
            "search_context",
            &args(json!({"query": "x", "sources": ["gamma"]})),
            CallContext::for_tests(),
        )
        .await
        .expect("published")
        .expect_err("unknown source");
    assert!(
        err.to_string().contains("searchable sources: alpha, beta"),
        "{err}"
    );
}

#[tokio::test]
async fn read_context_routes_by_scheme_and_names_known_sources() {
    let registry = registry(
        vec![
            Source {
                id: "alpha",
                behaviour: Behaviour::Fail,
            },
            Source {
                id: "beta",
                behaviour: Behaviour::Fail,
            },
        ],
        Duration::from_secs(1),
    );
    let output = registry
        .call(
            "read_context",
            &args(json!({"uri": "beta://x/y"})),
            CallContext::for_tests(),
        )
        .await
        .expect("published")
        .expect("routed");
    assert_eq!(output.text, "beta read x/y");
    let err = registry
        .call(
            "read_context",
            &args(json!({"uri": "gamma://1"})),
            CallContext::for_tests(),
        )
        .await
        .expect("published")
        .expect_err("unknown scheme");
    assert!(
        err.to_string().contains("known sources: alpha, beta"),
        "{err}"
    );
    let err = registry
        .call(
            "read_context",
            &args(json!({"uri": "no scheme"})),
            CallContext::for_tests(),
        )
        .await
        .expect("published")
        .expect_err("not a URI");
    assert_eq!(err.kind().as_str(), "invalid_arguments");
}

#[tokio::test]
async fn unknown_tools_are_dispatch_errors_not_tool_errors() {
    let registry = registry(Vec::new(), Duration::from_secs(1));
    assert!(
        registry
            .call("nope", &JsonObject::new(), CallContext::for_tests())
            .await
            .is_err()
    );
}
