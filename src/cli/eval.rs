//! `switchyard eval`: run evaluation suites over candidate models with a progress bar, print a
//! results table, save one scorecard per task and model for routing.
//!
//! Suites come from `--suites DIR`, else `./config/evals` when it exists, else the starter
//! suites built into the binary. Models are `--models` (catalog ids), else every catalog model
//! whose provider is available. Cases with rubric checks need a judge (`--judge` or
//! `[delegate] judge`); without one they are left out, and the report says which.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use super::EvalArgs;
use crate::delegate::catalog::{Catalog, ModelSpec};
use crate::delegate::eval::{
    Candidate, Check, Judge, RunError, RunOptions, RunReport, Suite, SuiteError, load_dir,
    run as run_suites, runner::case_prompt, starter_suites,
};
use crate::delegate::money::Micros;
use crate::delegate::provider::{Provider, Providers};
use crate::delegate::service::Delegation;
use crate::delegate::usage::{Usage, estimate_tokens};
use crate::store::StoreError;

/// The progress bar: elapsed time, bar, cases done, the case just finished.
const BAR_TEMPLATE: &str = "{elapsed_precise} [{bar:30}] {pos}/{len} {wide_msg}";

/// Where suites are looked for when `--suites` is not given.
pub const DEFAULT_SUITES_DIR: &str = "config/evals";

/// Why `switchyard eval` stopped.
#[derive(Debug, thiserror::Error)]
pub enum EvalError {
    /// Suite files are broken.
    #[error(transparent)]
    Suites(#[from] SuiteError),
    /// `--task` names no suite.
    #[error("no suite for task {task:?}; the suites are for {known}")]
    UnknownTask {
        /// The task asked for.
        task: String,
        /// The tasks there are suites for.
        known: String,
    },
    /// A model id is not in the catalog.
    #[error("{role} {model:?} is not a catalog model; the catalog has {known}")]
    UnknownModel {
        /// `model` or `judge`.
        role: &'static str,
        /// The id given.
        model: String,
        /// The catalog's ids.
        known: String,
    },
    /// A model's provider is not configured.
    #[error(
        "{model} is served by the provider {provider:?}, which is not available (configure [providers.{provider}] or set its API key)"
    )]
    Unavailable {
        /// The model (or judge).
        model: String,
        /// Its provider.
        provider: String,
    },
    /// No model can be evaluated.
    #[error(
        "no model to evaluate: no catalog model has an available provider (configure [providers] or set OPENAI_API_KEY, ANTHROPIC_API_KEY or GEMINI_API_KEY)"
    )]
    NoCandidates,
    /// Every selected case needs a judge and there is none.
    #[error(
        "every selected case has a rubric check and no judge is configured; set [delegate] judge (or --judge) to a catalog id"
    )]
    OnlyRubrics,
    /// The run could not start.
    #[error(transparent)]
    Run(#[from] RunError),
    /// There is no store to save scorecards in.
    #[error("there is no store to save scorecards in")]
    NoStore,
    /// Saving failed.
    #[error("cannot save the scorecards: {0}")]
    Save(StoreError),
    /// The report could not be written.
    #[error("cannot write the report: {0}")]
    Write(#[from] std::io::Error),
    /// Some model answered no case of a task (the other scorecards were saved).
    #[error(
        "no answer to any case from {}; see the failures above",
        unanswered.join(", ")
    )]
    NoAnswers {
        /// `model (task, …)` for each model that answered no case of those tasks.
        unanswered: Vec<String>,
    },
}

/// Run `switchyard eval` and write the report to `out`.
pub async fn run(
    delegation: &Delegation,
    args: &EvalArgs,
    out: &mut impl Write,
) -> Result<(), EvalError> {
    let plan = plan(delegation, args).await?;
    writeln!(out, "suites: {}", plan.origin)?;
    let known = delegation.policy().task_kinds();
    for suite in plan.suites.iter().filter(|s| !known.contains(&s.task)) {
        writeln!(
            out,
            "warning: {:?} is not a task kind of the routing policy, so routing will not read its scorecards (add [delegate.tasks.{}])",
            suite.task, suite.task
        )?;
    }
    if !plan.skipped.is_empty() {
        writeln!(
            out,
            "warning: {} case(s) left out: their rubric checks need a judge (set [delegate] judge or --judge to a catalog id): {}",
            plan.skipped.len(),
            plan.skipped.join(", ")
        )?;
    }
    if plan.suites.is_empty() {
        return Err(EvalError::OnlyRubrics);
    }
    let default_output = delegation.config().max_output_tokens;
    if args.dry_run {
        return dry_run(&plan, default_output, out);
    }
    let case_timeout = Duration::from_secs(args.case_timeout_secs.max(1));
    let (candidates, judge) = ready(plan.models, plan.judge, case_timeout)?;
    let options = RunOptions {
        concurrency: args.concurrency.max(1),
        case_timeout,
        max_output_tokens: default_output,
    };
    let report = measure(&plan.suites, &candidates, judge.as_ref(), &options).await?;
    write_report(&report, judge.as_ref(), out)?;
    let store = delegation.store().ok_or(EvalError::NoStore)?;
    for card in &report.scorecards {
        let saved = store.scorecards().save(card).await;
        saved.map_err(EvalError::Save)?;
    }
    delegation.load_scorecards().await;
    writeln!(
        out,
        "saved {} scorecard(s) to {} (a running server reads them when it restarts)",
        report.scorecards.len(),
        store.location()
    )?;
    let unanswered = unanswered(&report.unmeasured);
    if unanswered.is_empty() {
        Ok(())
    } else {
        Err(EvalError::NoAnswers { unanswered })
    }
}

/// `model (task, …)` for each model in the (task, model) pairs without an answer, in order.
fn unanswered(unmeasured: &[(String, String)]) -> Vec<String> {
    let mut by_model: Vec<(&str, Vec<&str>)> = Vec::new();
    for (task, model) in unmeasured {
        match by_model.iter_mut().find(|(m, _)| m == model) {
            Some((_, tasks)) => tasks.push(task),
            None => by_model.push((model, vec![task])),
        }
    }
    by_model
        .into_iter()
        .map(|(model, tasks)| format!("{model} ({})", tasks.join(", ")))
        .collect()
}

/// What a run will do.
struct Plan {
    suites: Vec<Suite>,
    origin: String,
    models: Vec<Resolved>,
    /// Only when a selected case needs it.
    judge: Option<Resolved>,
    /// `task/case` of the cases left out for want of a judge.
    skipped: Vec<String>,
}

/// Load and select the suites, resolve the models and the judge.
async fn plan(delegation: &Delegation, args: &EvalArgs) -> Result<Plan, EvalError> {
    let (mut suites, origin) = load_suites(args.suites.as_deref())?;
    select_tasks(&mut suites, &args.tasks)?;
    delegation.ensure_discovered().await;
    let catalog = delegation.catalog();
    let providers = delegation.providers();
    let models = resolve_models(&catalog, &providers, &args.models)?;
    let judge_id = args
        .judge
        .clone()
        .or_else(|| delegation.config().judge.clone());
    let judge = match &judge_id {
        Some(id) => Some(resolve_one(&catalog, &providers, id, "judge")?),
        None => None,
    };
    let skipped = if judge.is_none() {
        drop_rubric_cases(&mut suites)
    } else {
        Vec::new()
    };
    // A judge no selected case needs is neither required to be available nor reported.
    let judge = judge.filter(|_| suites.iter().any(Suite::needs_judge));
    Ok(Plan {
        suites,
        origin,
        models,
        judge,
        skipped,
    })
}

/// Every model and the judge must have a provider now.
fn ready(
    models: Vec<Resolved>,
    judge: Option<Resolved>,
    timeout: Duration,
) -> Result<(Vec<Candidate>, Option<Judge>), EvalError> {
    let mut candidates = Vec::with_capacity(models.len());
    for (model, provider) in models {
        let Some(provider) = provider else {
            return Err(EvalError::Unavailable {
                model: model.id,
                provider: model.provider,
            });
        };
        candidates.push(Candidate { model, provider });
    }
    if candidates.is_empty() {
        return Err(EvalError::NoCandidates);
    }
    let judge = match judge {
        Some((model, Some(provider))) => Some(Judge::new(model, provider, timeout)),
        Some((model, None)) => {
            return Err(EvalError::Unavailable {
                model: format!("the judge {}", model.id),
                provider: model.provider,
            });
        }
        None => None,
    };
    Ok((candidates, judge))
}

/// Run with a progress bar on stderr (drawn only when stderr is a terminal).
async fn measure(
    suites: &[Suite],
    candidates: &[Candidate],
    judge: Option<&Judge>,
    options: &RunOptions,
) -> Result<RunReport, RunError> {
    let total: usize = suites.iter().map(|s| s.cases.len()).sum::<usize>() * candidates.len();
    let bar = ProgressBar::with_draw_target(Some(total as u64), ProgressDrawTarget::stderr());
    if let Ok(style) = ProgressStyle::with_template(BAR_TEMPLATE) {
        bar.set_style(style.progress_chars("=> "));
    }
    let report = run_suites(suites, candidates, judge, options, |p| {
        bar.set_position(p.done as u64);
        let r = p.result;
        bar.set_message(format!("{} {}/{}", r.model, r.task, r.case));
    })
    .await;
    bar.finish_and_clear();
    report
}

/// The suites and a line saying where they came from.
fn load_suites(dir: Option<&Path>) -> Result<(Vec<Suite>, String), SuiteError> {
    if let Some(dir) = dir {
        return Ok((load_dir(dir)?, dir.display().to_string()));
    }
    let default = PathBuf::from(DEFAULT_SUITES_DIR);
    if default.is_dir() {
        return Ok((load_dir(&default)?, default.display().to_string()));
    }
    Ok((
        starter_suites()?,
        "the built-in starter suites (put yours in ./config/evals or pass --suites DIR)".to_owned(),
    ))
}

/// Keep the suites of `tasks` (all when empty); an unknown task is an error.
fn select_tasks(suites: &mut Vec<Suite>, tasks: &[String]) -> Result<(), EvalError> {
    if tasks.is_empty() {
        return Ok(());
    }
    for task in tasks {
        if !suites.iter().any(|s| &s.task == task) {
            let known: Vec<&str> = suites.iter().map(|s| s.task.as_str()).collect();
            return Err(EvalError::UnknownTask {
                task: task.clone(),
                known: known.join(", "),
            });
        }
    }
    suites.retain(|s| tasks.contains(&s.task));
    Ok(())
}

type Resolved = (ModelSpec, Option<Arc<dyn Provider>>);

/// The models to evaluate, each with its provider when available. Named models must be in the
/// catalog; without names, every catalog model whose provider is available.
pub fn resolve_models(
    catalog: &Catalog,
    providers: &Providers,
    names: &[String],
) -> Result<Vec<Resolved>, EvalError> {
    if names.is_empty() {
        return Ok(catalog
            .models()
            .filter_map(|m| {
                providers
                    .get(&m.provider)
                    .map(|p| (m.clone(), Some(Arc::clone(p))))
            })
            .collect());
    }
    let mut resolved: Vec<Resolved> = Vec::new();
    for name in names {
        let name = name.trim();
        if name.is_empty() || resolved.iter().any(|(m, _)| m.id == name) {
            continue;
        }
        resolved.push(resolve_one(catalog, providers, name, "model")?);
    }
    Ok(resolved)
}

fn resolve_one(
    catalog: &Catalog,
    providers: &Providers,
    id: &str,
    role: &'static str,
) -> Result<Resolved, EvalError> {
    let model = catalog.get(id).ok_or_else(|| {
        let known: Vec<&str> = catalog.models().map(|m| m.id.as_str()).collect();
        EvalError::UnknownModel {
            role,
            model: id.to_owned(),
            known: known.join(", "),
        }
    })?;
    Ok((model.clone(), providers.get(&model.provider).cloned()))
}

/// Remove cases with rubric checks (and suites left empty); returns `task/case` of each.
fn drop_rubric_cases(suites: &mut Vec<Suite>) -> Vec<String> {
    let mut dropped = Vec::new();
    for suite in suites.iter_mut() {
        suite.cases.retain(|case| {
            let rubric = case
                .checks
                .iter()
                .any(|c| matches!(c, Check::Rubric { .. }));
            if rubric {
                dropped.push(format!("{}/{}", suite.task, case.name));
            }
            !rubric
        });
    }
    suites.retain(|s| !s.cases.is_empty());
    dropped
}

/// What would run, and the most it could cost (every answer using its whole output budget).
fn dry_run(plan: &Plan, default_output: u64, out: &mut impl Write) -> Result<(), EvalError> {
    let (suites, models, judge) = (&plan.suites, &plan.models, plan.judge.as_ref());
    writeln!(out)?;
    for suite in suites {
        writeln!(
            out,
            "{} ({} cases, {})",
            suite.task,
            suite.cases.len(),
            suite.file
        )?;
        for case in &suite.cases {
            let labels: Vec<String> = case.checks.iter().map(Check::label).collect();
            writeln!(out, "  {}: {}", case.name, labels.join("; "))?;
        }
    }
    writeln!(out)?;
    let cases: usize = suites.iter().map(|s| s.cases.len()).sum();
    let mut total = Micros::ZERO;
    for (model, provider) in models {
        let mut most = Micros::ZERO;
        for case in suites.iter().flat_map(|s| &s.cases) {
            let prompt = case_prompt(case);
            let system = case.system.as_deref().unwrap_or_default();
            let usage = Usage {
                input_tokens: estimate_tokens(&prompt) + estimate_tokens(system),
                output_tokens: case
                    .max_output_tokens
                    .unwrap_or(default_output)
                    .min(model.max_output),
                ..Usage::default()
            };
            most = most.saturating_add(model.prices.cost(&usage));
        }
        total = total.saturating_add(most);
        let status = availability(model, provider.is_some());
        writeln!(
            out,
            "model {}: {cases} calls, at most {most} ({status})",
            model.id
        )?;
    }
    if models.is_empty() {
        writeln!(out, "no model: no catalog model has an available provider")?;
    }
    match judge {
        Some((judge, provider)) => writeln!(
            out,
            "judge: {} ({}; its calls are not in the estimate)",
            judge.id,
            availability(judge, provider.is_some())
        )?,
        None => writeln!(out, "judge: none needed")?,
    }
    writeln!(
        out,
        "in all: {} calls, at most {total}; nothing was run (--dry-run)",
        cases * models.len()
    )?;
    Ok(())
}

fn availability(model: &ModelSpec, available: bool) -> String {
    if available {
        "available".to_owned()
    } else {
        format!("provider {} not available", model.provider)
    }
}

/// The results table, then each failed case with its reason.
fn write_report(
    report: &RunReport,
    judge: Option<&Judge>,
    out: &mut impl Write,
) -> Result<(), EvalError> {
    let task_width = report
        .results
        .iter()
        .map(|r| r.task.len())
        .max()
        .unwrap_or(4)
        .max(4);
    let model_width = report
        .results
        .iter()
        .map(|r| r.model.len())
        .max()
        .unwrap_or(5)
        .max(5);
    writeln!(out)?;
    writeln!(
        out,
        "{:<task_width$}  {:<model_width$}  {:>11}  {:>9}  {:>12}",
        "task", "model", "passed", "p50", "mean cost"
    )?;
    for card in &report.scorecards {
        writeln!(
            out,
            "{:<task_width$}  {:<model_width$}  {:>11}  {:>9}  {:>12}",
            card.task,
            card.model,
            format!(
                "{}/{} {:>3.0}%",
                card.passed,
                card.cases,
                card.pass_rate() * 100.0
            ),
            format!("{} ms", card.p50_latency_ms),
            card.mean_cost.to_string()
        )?;
    }
    for (task, model) in &report.unmeasured {
        writeln!(
            out,
            "{task:<task_width$}  {model:<model_width$}  no answer to any case: no scorecard"
        )?;
    }
    let failures: Vec<_> = report
        .results
        .iter()
        .filter_map(|r| r.failure().map(|reason| (r, reason)))
        .collect();
    if !failures.is_empty() {
        writeln!(out)?;
        writeln!(out, "failures:")?;
        for (result, reason) in failures {
            writeln!(
                out,
                "  {}/{} on {}: {}",
                result.task,
                result.case,
                result.model,
                shorten(&reason, 200)
            )?;
        }
    }
    if let Some(judge) = judge {
        writeln!(out)?;
        writeln!(
            out,
            "judge {}: {} in all",
            judge.model().id,
            report.judge_cost
        )?;
    }
    writeln!(out)?;
    Ok(())
}

/// At most `max` chars of `text` on one line.
fn shorten(text: &str, max: usize) -> String {
    let line = text.replace('\n', " ");
    if line.chars().count() <= max {
        return line;
    }
    let cut: String = line.chars().take(max).collect();
    format!("{cut}…")
}

#[cfg(test)]
mod tests {
    use super::{BAR_TEMPLATE, shorten};

    #[test]
    fn the_bar_template_is_valid_and_reasons_are_shortened() {
        assert!(indicatif::ProgressStyle::with_template(BAR_TEMPLATE).is_ok());
        assert_eq!(shorten("a\nb", 10), "a b");
        assert_eq!(shorten("abcdef", 3), "abc…");
    }
}
