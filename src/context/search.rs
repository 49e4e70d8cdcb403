//! `search_context`: one query to every searchable source in parallel, each under its own
//! deadline; hits merged by reciprocal-rank fusion, and every source that failed or timed
//! out named in the result instead of hidden.

use std::fmt::Write as _;
use std::sync::Arc;
use std::time::{Duration, Instant};

use schemars::JsonSchema;
use serde::Deserialize;
use switchyard_core::sanitize::strip_hidden;
use switchyard_core::{
    CallContext, Connector, ConnectorError, JsonObject, PageWriter, SearchHit, SearchQuery,
    ToolEffects, ToolOutput, ToolSpec, parse_args,
};

use crate::registry::Registry;

/// The tool name.
pub const NAME: &str = "search_context";

const DEFAULT_LIMIT: usize = 20;
/// The longest query accepted: search terms, not a document.
const MAX_QUERY_BYTES: usize = 1024;
const MAX_LIMIT: usize = 100;
/// The usual constant of reciprocal-rank fusion: damps the advantage of the very first ranks.
const RRF_K: f64 = 60.0;

/// Arguments of `search_context`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Params {
    /// What to look for: words matched in commit messages, code, notes and every other searchable source.
    #[schemars(length(max = 1024))]
    query: String,
    /// Only these sources (their ids, e.g. ["git", "note"]); default all.
    sources: Option<Vec<String>>,
    /// Most hits to return in all (default 20, at most 100).
    limit: Option<usize>,
}

/// The tool's description.
pub fn spec() -> ToolSpec {
    ToolSpec::new::<Params>(
        NAME,
        "Search every source at once",
        "Search every configured source at once (git history and code, notes, and more) and merge the hits by rank.\n\
         Each hit has a URI for read_context. Sources that fail or time out are named, never hidden.",
        ToolEffects::LOCAL_READ,
    )
}

/// How one source answered.
enum Outcome {
    Hits(Vec<SearchHit>, Duration),
    Failed(ConnectorError),
    TimedOut(Duration),
}

/// Run `search_context`.
pub async fn run(
    registry: &Registry,
    args: &JsonObject,
    ctx: &CallContext,
) -> Result<ToolOutput, ConnectorError> {
    let params: Params = parse_args(args)?;
    let text = params.query.trim().to_owned();
    if text.is_empty() {
        return Err(ConnectorError::invalid("query must not be empty"));
    }
    if text.len() > MAX_QUERY_BYTES {
        return Err(ConnectorError::invalid(format!(
            "query is {} bytes; a search query may have at most {MAX_QUERY_BYTES} bytes, so search for its key words",
            text.len()
        )));
    }
    let limit = params.limit.unwrap_or(DEFAULT_LIMIT);
    if limit == 0 || limit > MAX_LIMIT {
        return Err(ConnectorError::invalid(format!(
            "limit must be between 1 and {MAX_LIMIT}"
        )));
    }
    let searchable: Vec<Arc<dyn Connector>> = registry
        .connectors()
        .iter()
        .filter(|c| c.searchable())
        // Sources the caller's team may not read are not searched (nor offered).
        .filter(|c| registry.source_allowed(&ctx.identity, c.as_ref()).is_ok())
        .cloned()
        .collect();
    let chosen: Vec<Arc<dyn Connector>> = match &params.sources {
        None => searchable,
        Some(names) => {
            for name in names {
                if !searchable.iter().any(|c| c.id() == name) {
                    let known: Vec<&str> = searchable.iter().map(|c| c.id()).collect();
                    return Err(ConnectorError::invalid(format!(
                        "{name:?} is not a searchable source; searchable sources: {}",
                        known.join(", ")
                    )));
                }
            }
            searchable
                .into_iter()
                .filter(|c| names.iter().any(|n| n == c.id()))
                .collect()
        }
    };
    let timeout = registry.search_timeout().min(ctx.remaining());
    let query = SearchQuery {
        text: text.clone(),
        limit,
    };
    let outcomes = futures::future::join_all(chosen.iter().map(|connector| {
        let query = query.clone();
        async move {
            let started = Instant::now();
            let outcome = match tokio::time::timeout(timeout, connector.search(&query, ctx)).await {
                Ok(Ok(hits)) => Outcome::Hits(hits, started.elapsed()),
                Ok(Err(err)) => Outcome::Failed(err),
                Err(_) => Outcome::TimedOut(timeout),
            };
            (connector.id().to_owned(), outcome)
        }
    }))
    .await;
    Ok(render(&text, limit, outcomes, ctx))
}

/// Merge by reciprocal-rank fusion and write the page and the per-source report.
fn render(
    query: &str,
    limit: usize,
    outcomes: Vec<(String, Outcome)>,
    ctx: &CallContext,
) -> ToolOutput {
    let mut merged: Vec<(f64, &str, &SearchHit)> = Vec::new();
    let mut report = String::new();
    for (source, outcome) in &outcomes {
        match outcome {
            Outcome::Hits(hits, took) => {
                let _ = write!(
                    report,
                    "\n- {source}: ok, {} hits in {} ms",
                    hits.len(),
                    took.as_millis()
                );
                for (rank, hit) in hits.iter().enumerate() {
                    merged.push((1.0 / (RRF_K + rank as f64 + 1.0), source, hit));
                }
            }
            Outcome::Failed(err) => {
                let _ = write!(report, "\n- {source}: FAILED ({}): {err}", err.kind());
            }
            Outcome::TimedOut(after) => {
                let _ = write!(
                    report,
                    "\n- {source}: TIMED OUT after {} ms; its hits are missing",
                    after.as_millis()
                );
            }
        }
    }
    merged.sort_by(|a, b| b.0.total_cmp(&a.0));
    let total = merged.len();
    let mut page = PageWriter::new(
        format!(
            "search results for {query:?} across {} sources",
            outcomes.len()
        ),
        &ctx.budget,
    );
    for (_, source, hit) in merged.iter().take(limit) {
        let mut item = format!("[{source}] {} — {}", strip_hidden(&hit.title), hit.uri);
        if let Some(updated) = &hit.updated {
            let _ = write!(item, " ({updated})");
        }
        let snippet = strip_hidden(hit.snippet.trim());
        if !snippet.is_empty() {
            let _ = write!(item, "\n    {}", snippet.replace('\n', "\n    "));
        }
        if !page.push(&item, Some(&hit.uri)) {
            break;
        }
    }
    let omitted = total.saturating_sub(page.shown());
    let answered = outcomes
        .iter()
        .any(|(_, outcome)| matches!(outcome, Outcome::Hits(..)));
    let empty_hint = if answered {
        "check the spelling, use fewer or other words, or search one source with its own tool"
    } else {
        "no source answered (see below), so this says nothing about the query; fix or retry the sources"
    };
    let mut output = page.finish(None, Some(omitted), empty_hint);
    let _ = write!(output.text, "\nsources:{report}");
    if omitted > 0 {
        output.truncated = true;
        let _ = write!(
            output.text,
            "\n({omitted} lower-ranked hits not shown; raise limit or narrow the query)"
        );
    }
    output
}
