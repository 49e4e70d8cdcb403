//! Running suites: every case on every candidate model, a few at a time, each with a timeout;
//! then one scorecard per task and model.
//!
//! What a scorecard measures:
//! - **pass rate**: cases whose checks all passed, over every case run. A case whose call
//!   failed (provider error, timeout) counts as failed, with the error recorded.
//! - **p50 latency**: the median time of the model call (judging excluded) over the cases that
//!   got an answer; with an even count, the mean of the two middle values, rounded half up.
//! - **mean cost**: each answered case priced with the model's prices (rounded to the
//!   micro-dollar, as records are), averaged and rounded half up. Failed calls are left out
//!   of latency and cost: an instant 401 is neither fast nor free.
//!
//! A task and model with no answer at all gets no scorecard (the report says why): a missing
//! key is not a quality measurement.

use std::sync::Arc;
use std::time::{Duration, Instant};

use futures::StreamExt;
use switchyard_core::budget::ResponseBudget;
use switchyard_core::{CallContext, Identity};

use super::checks::{CheckOutcome, run_checks};
use super::judge::Judge;
use super::suite::{Case, Suite};
use crate::delegate::catalog::ModelSpec;
use crate::delegate::money::Micros;
use crate::delegate::provider::{
    ChatMessage, ChatRequest, ChatRole, FinishReason, Preferences, Provider, ProviderError,
};
use crate::delegate::scorecard::Scorecard;
use crate::delegate::usage::Usage;

/// A model to evaluate and the provider serving it.
#[derive(Clone)]
pub struct Candidate {
    /// Its catalog entry.
    pub model: ModelSpec,
    /// Its provider.
    pub provider: Arc<dyn Provider>,
}

impl std::fmt::Debug for Candidate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Candidate")
            .field("model", &self.model.id)
            .field("provider", &self.provider.id())
            .finish()
    }
}

/// How a run goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RunOptions {
    /// Cases in flight at once.
    pub concurrency: usize,
    /// How long one model call may take.
    pub case_timeout: Duration,
    /// The output budget of a case that sets none.
    pub max_output_tokens: u64,
}

impl Default for RunOptions {
    fn default() -> Self {
        RunOptions {
            concurrency: 4,
            case_timeout: Duration::from_secs(120),
            max_output_tokens: 1_024,
        }
    }
}

/// The outcome of one case on one model.
#[derive(Debug, Clone, PartialEq)]
pub struct CaseResult {
    /// The task kind.
    pub task: String,
    /// The catalog id of the model.
    pub model: String,
    /// The case's name.
    pub case: String,
    /// Whether every check passed.
    pub passed: bool,
    /// How long the model call took, when it answered.
    pub latency_ms: Option<u64>,
    /// What the call cost (zero when it failed).
    pub cost: Micros,
    /// Tokens used.
    pub usage: Usage,
    /// The answer, when there is one.
    pub answer: Option<String>,
    /// Whether the answer was cut at the output budget.
    pub truncated: bool,
    /// Why the call failed, when it did.
    pub error: Option<String>,
    /// Each check's outcome (empty when the call failed).
    pub checks: Vec<CheckOutcome>,
    /// What judging this case cost.
    pub judge_cost: Micros,
}

impl CaseResult {
    /// Why the case failed, in one line (`None` when it passed).
    pub fn failure(&self) -> Option<String> {
        if self.passed {
            return None;
        }
        if let Some(error) = &self.error {
            return Some(error.clone());
        }
        let failed: Vec<String> = self
            .checks
            .iter()
            .filter(|c| !c.passed)
            .map(|c| format!("{}: {}", c.check, c.reason))
            .collect();
        let cut = if self.truncated {
            " (answer cut at max_output_tokens)"
        } else {
            ""
        };
        Some(format!("{}{cut}", failed.join("; ")))
    }
}

/// One finished case, for a progress display.
#[derive(Debug, Clone, Copy)]
pub struct Progress<'a> {
    /// Cases finished so far.
    pub done: usize,
    /// Cases in the run.
    pub total: usize,
    /// The case just finished.
    pub result: &'a CaseResult,
}

/// What a run produced.
#[derive(Debug, Clone, PartialEq)]
pub struct RunReport {
    /// One per task and model that got at least one answer, sorted by task then model.
    pub scorecards: Vec<Scorecard>,
    /// Every case, in suite, case and candidate order.
    pub results: Vec<CaseResult>,
    /// (task, model) pairs where no case got an answer, so no scorecard.
    pub unmeasured: Vec<(String, String)>,
    /// What the judge's calls cost in all.
    pub judge_cost: Micros,
}

/// Why a run could not start.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RunError {
    /// Rubric checks are present and no judge is configured.
    #[error(
        "rubric checks need a judge model and none is configured (set [delegate] judge to a catalog id); cases with rubric checks: {}",
        cases.join(", ")
    )]
    NeedsJudge {
        /// `task/case` of each case with a rubric check.
        cases: Vec<String>,
    },
    /// Nothing to run.
    #[error("nothing to evaluate: {0}")]
    Empty(&'static str),
}

/// Run every case of `suites` on every candidate; `progress` is called after each case.
pub async fn run(
    suites: &[Suite],
    candidates: &[Candidate],
    judge: Option<&Judge>,
    options: &RunOptions,
    mut progress: impl FnMut(Progress<'_>),
) -> Result<RunReport, RunError> {
    if candidates.is_empty() {
        return Err(RunError::Empty("no candidate model"));
    }
    if suites.iter().all(|s| s.cases.is_empty()) {
        return Err(RunError::Empty("no case"));
    }
    if judge.is_none() {
        let cases: Vec<String> = suites
            .iter()
            .filter(|s| s.needs_judge())
            .flat_map(|s| {
                s.cases
                    .iter()
                    .filter(|c| {
                        c.checks
                            .iter()
                            .any(|k| matches!(k, super::Check::Rubric { .. }))
                    })
                    .map(|c| format!("{}/{}", s.task, c.name))
            })
            .collect();
        if !cases.is_empty() {
            return Err(RunError::NeedsJudge { cases });
        }
    }
    let jobs: Vec<(&Suite, &Case, &Candidate)> = suites
        .iter()
        .flat_map(|suite| {
            suite.cases.iter().flat_map(move |case| {
                candidates
                    .iter()
                    .map(move |candidate| (suite, case, candidate))
            })
        })
        .collect();
    let total = jobs.len();
    let mut indexed: Vec<(usize, CaseResult)> = Vec::with_capacity(total);
    let mut stream = futures::stream::iter(jobs.into_iter().enumerate())
        .map(|(index, (suite, case, candidate))| async move {
            (
                index,
                run_case(&suite.task, case, candidate, judge, options).await,
            )
        })
        .buffer_unordered(options.concurrency.max(1));
    while let Some((index, result)) = stream.next().await {
        indexed.push((index, result));
        progress(Progress {
            done: indexed.len(),
            total,
            result: &indexed[indexed.len() - 1].1,
        });
    }
    indexed.sort_by_key(|(index, _)| *index);
    let results: Vec<CaseResult> = indexed.into_iter().map(|(_, result)| result).collect();
    let measured_at = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let scorecards = scorecards(&results, &measured_at);
    let mut unmeasured = Vec::new();
    for suite in suites {
        for candidate in candidates {
            let measured = scorecards
                .iter()
                .any(|c| c.task == suite.task && c.model == candidate.model.id);
            if !measured {
                unmeasured.push((suite.task.clone(), candidate.model.id.clone()));
            }
        }
    }
    let judge_cost = results
        .iter()
        .fold(Micros::ZERO, |sum, r| sum.saturating_add(r.judge_cost));
    Ok(RunReport {
        scorecards,
        results,
        unmeasured,
        judge_cost,
    })
}

/// What the model is sent for a case: framed exactly as `delegate` frames a request.
pub fn case_prompt(case: &Case) -> String {
    crate::delegate::engine::prompt(&case.instructions, Some(&case.input), "")
}

async fn run_case(
    task: &str,
    case: &Case,
    candidate: &Candidate,
    judge: Option<&Judge>,
    options: &RunOptions,
) -> CaseResult {
    let model = &candidate.model;
    let request = ChatRequest {
        model: model.provider_model.clone(),
        system: Some(
            case.system
                .clone()
                .unwrap_or_else(|| crate::delegate::engine::default_system(task)),
        ),
        messages: vec![ChatMessage {
            role: ChatRole::User,
            content: case_prompt(case),
        }],
        max_output_tokens: case
            .max_output_tokens
            .unwrap_or(options.max_output_tokens)
            .min(model.max_output.max(1)),
        temperature: None,
        preferences: Preferences::default(),
    };
    let ctx = CallContext::new(
        Identity::user("switchyard-eval"),
        options.case_timeout,
        ResponseBudget::default(),
    );
    let mut result = CaseResult {
        task: task.to_owned(),
        model: model.id.clone(),
        case: case.name.clone(),
        passed: false,
        latency_ms: None,
        cost: Micros::ZERO,
        usage: Usage::default(),
        answer: None,
        truncated: false,
        error: None,
        checks: Vec::new(),
        judge_cost: Micros::ZERO,
    };
    let started = Instant::now();
    let call = candidate.provider.complete(&request, &ctx);
    // The provider's own deadline (the context's) and this backstop race to end a slow call:
    // either way the case reads the same. A provider timeout shorter than the case's keeps its
    // own figure.
    let response = match tokio::time::timeout(options.case_timeout, call).await {
        Ok(Ok(response)) => response,
        Ok(Err(ProviderError::Timeout { seconds: limit, .. })) => {
            let within = within(Some(limit), options.case_timeout);
            result.error = Some(format!("no answer within {within}"));
            return result;
        }
        Err(_) => {
            let within = within(None, options.case_timeout);
            result.error = Some(format!("no answer within {within}"));
            return result;
        }
        Ok(Err(err)) => {
            result.error = Some(err.to_string());
            return result;
        }
    };
    let elapsed = started.elapsed();
    result.latency_ms = Some(u64::try_from(elapsed.as_millis()).unwrap_or(u64::MAX));
    result.usage = response.usage;
    result.cost = model.prices.cost(&response.usage);
    result.truncated = response.finish == FinishReason::Length;
    let (checks, judge_cost) = run_checks(case, &response.text, judge).await;
    result.passed = checks.iter().all(|c| c.passed);
    result.checks = checks;
    result.judge_cost = judge_cost;
    result.answer = Some(response.text);
    result
}

/// How long a call that timed out was given: `timeout`, or the provider's own `limit` (whole
/// seconds) when that was shorter.
pub(crate) fn within(limit: Option<u64>, timeout: Duration) -> String {
    match limit {
        Some(limit) if Duration::from_secs(limit) < timeout => format!("{limit} s"),
        _ => seconds(timeout),
    }
}

/// `120 s`, or `300 ms` under a second.
pub(crate) fn seconds(duration: Duration) -> String {
    if duration < Duration::from_secs(1) {
        format!("{} ms", duration.as_millis())
    } else {
        format!("{} s", duration.as_secs())
    }
}

/// One scorecard per (task, model) among `results` with at least one answer, sorted.
pub fn scorecards(results: &[CaseResult], measured_at: &str) -> Vec<Scorecard> {
    let mut keys: Vec<(&str, &str)> = results
        .iter()
        .map(|r| (r.task.as_str(), r.model.as_str()))
        .collect();
    keys.sort_unstable();
    keys.dedup();
    let mut cards = Vec::new();
    for (task, model) in keys {
        let group: Vec<&CaseResult> = results
            .iter()
            .filter(|r| r.task == task && r.model == model)
            .collect();
        let answered: Vec<&&CaseResult> = group.iter().filter(|r| r.latency_ms.is_some()).collect();
        if answered.is_empty() {
            continue;
        }
        let latencies: Vec<u64> = answered.iter().filter_map(|r| r.latency_ms).collect();
        let costs: Vec<Micros> = answered.iter().map(|r| r.cost).collect();
        cards.push(Scorecard {
            task: task.to_owned(),
            model: model.to_owned(),
            cases: u32::try_from(group.len()).unwrap_or(u32::MAX),
            passed: u32::try_from(group.iter().filter(|r| r.passed).count()).unwrap_or(u32::MAX),
            p50_latency_ms: median(&latencies),
            mean_cost: mean(&costs),
            measured_at: measured_at.to_owned(),
        });
    }
    cards
}

/// The median; with an even count the mean of the two middle values, rounded half up; 0 when
/// empty.
pub fn median(values: &[u64]) -> u64 {
    let mut sorted = values.to_vec();
    sorted.sort_unstable();
    let n = sorted.len();
    match n {
        0 => 0,
        _ if n % 2 == 1 => sorted[n / 2],
        _ => {
            let sum = u128::from(sorted[n / 2 - 1]) + u128::from(sorted[n / 2]);
            u64::try_from(sum.div_ceil(2)).unwrap_or(u64::MAX)
        }
    }
}

/// The mean, rounded half up to the micro-dollar; zero when empty.
pub fn mean(costs: &[Micros]) -> Micros {
    if costs.is_empty() {
        return Micros::ZERO;
    }
    let n = costs.len() as u128;
    let sum: u128 = costs.iter().map(|c| u128::from(c.0)).sum();
    Micros(u64::try_from((sum + n / 2) / n).unwrap_or(u64::MAX))
}

#[cfg(test)]
mod tests {
    use super::{mean, median};
    use crate::delegate::money::Micros;

    #[test]
    fn median_and_mean_round_half_up() {
        assert_eq!(median(&[]), 0);
        assert_eq!(median(&[30, 10, 20]), 20);
        assert_eq!(median(&[40, 10, 20, 30]), 25);
        assert_eq!(median(&[10, 11]), 11);
        assert_eq!(mean(&[]), Micros(0));
        assert_eq!(mean(&[Micros(800), Micros(801)]), Micros(801));
        assert_eq!(mean(&[Micros(1), Micros(1), Micros(2)]), Micros(1));
    }
}
