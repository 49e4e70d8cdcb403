//! Evaluating checks on an answer: each check gives pass or fail with a reason a person can
//! act on ("first line is 81 chars, over 72", "at /findings/0/line: expected integer").

use serde::Serialize;

use super::judge::Judge;
use super::suite::{Case, Check};
use crate::delegate::money::Micros;

/// The outcome of one check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CheckOutcome {
    /// The check's label (`contains "session"`).
    pub check: String,
    /// Whether it passed.
    pub passed: bool,
    /// Why (for a failure, what to look at).
    pub reason: String,
}

impl CheckOutcome {
    fn new(check: &Check, passed: bool, reason: impl Into<String>) -> Self {
        CheckOutcome {
            check: check.label(),
            passed,
            reason: reason.into(),
        }
    }
}

/// Run every check of `case` on `answer`; rubric checks go to the judge. Returns the outcomes
/// and what the judge's calls cost.
pub async fn run_checks(
    case: &Case,
    answer: &str,
    judge: Option<&Judge>,
) -> (Vec<CheckOutcome>, Micros) {
    let mut outcomes = Vec::with_capacity(case.checks.len());
    let mut judge_cost = Micros::ZERO;
    for check in &case.checks {
        let outcome = match (check, judge) {
            (Check::Rubric { criteria }, Some(judge)) => {
                let (outcome, cost) = judge.judge(case, answer, criteria).await;
                judge_cost = judge_cost.saturating_add(cost);
                CheckOutcome::new(check, outcome.passed, outcome.reason)
            }
            _ => evaluate(check, answer),
        };
        outcomes.push(outcome);
    }
    (outcomes, judge_cost)
}

/// Evaluate a check that needs no model. A rubric check without a judge fails (runs refuse
/// to start in that case, so this is a safety net).
pub fn evaluate(check: &Check, answer: &str) -> CheckOutcome {
    let answer = answer.trim();
    match check {
        Check::Contains {
            value,
            case_insensitive,
        } => match find(answer, value, *case_insensitive) {
            Some(_) => CheckOutcome::new(check, true, format!("found {value:?}")),
            None => CheckOutcome::new(check, false, format!("{value:?} not found")),
        },
        Check::NotContains {
            value,
            case_insensitive,
        } => match find(answer, value, *case_insensitive) {
            Some(at) => CheckOutcome::new(
                check,
                false,
                format!("found {value:?} at char {at}: {:?}", excerpt(answer, at)),
            ),
            None => CheckOutcome::new(check, true, format!("{value:?} absent")),
        },
        Check::Regex { pattern } => match pattern.find(answer) {
            Some(found) => CheckOutcome::new(check, true, format!("matched {:?}", found.as_str())),
            None => CheckOutcome::new(check, false, "no match"),
        },
        Check::MaxLength { chars, first_line } => {
            let (measured, what) = if *first_line {
                (answer.lines().next().unwrap_or_default(), "first line")
            } else {
                (answer, "answer")
            };
            let length = measured.chars().count();
            let passed = length <= *chars;
            let relation = if passed { "within" } else { "over" };
            CheckOutcome::new(
                check,
                passed,
                format!("{what} is {length} chars, {relation} {chars}"),
            )
        }
        Check::Json { allow_fence } => match parse_json(answer, *allow_fence) {
            Ok(_) => CheckOutcome::new(check, true, "valid JSON"),
            Err(reason) => CheckOutcome::new(check, false, reason),
        },
        Check::JsonSchema {
            schema,
            allow_fence,
        } => match parse_json(answer, *allow_fence) {
            Ok(value) => match schema.validate(&value) {
                Ok(()) => CheckOutcome::new(check, true, "matches the schema"),
                Err(reason) => CheckOutcome::new(check, false, reason),
            },
            Err(reason) => CheckOutcome::new(check, false, reason),
        },
        Check::Rubric { .. } => CheckOutcome::new(
            check,
            false,
            "rubric checks need a judge model; set [delegate] judge",
        ),
    }
}

/// Parse `text` as JSON, or (when allowed) the JSON inside one ``` fence around the whole text.
pub fn parse_json(text: &str, allow_fence: bool) -> Result<serde_json::Value, String> {
    let text = text.trim();
    let body = if allow_fence {
        strip_fence(text).unwrap_or(text)
    } else {
        text
    };
    serde_json::from_str(body).map_err(|err| {
        let fenced = if !allow_fence && text.starts_with("```") {
            " (the answer is fenced and this check does not allow a fence)"
        } else {
            ""
        };
        format!("not JSON: {err}{fenced}")
    })
}

/// The inside of a ```` ```lang … ``` ```` fence wrapping the whole text.
pub fn strip_fence(text: &str) -> Option<&str> {
    let rest = text.strip_prefix("```")?;
    let body_start = rest.find('\n')? + 1;
    let body = rest[body_start..].trim_end().strip_suffix("```")?;
    Some(body.trim())
}

/// The char position of `needle` in `haystack`.
fn find(haystack: &str, needle: &str, case_insensitive: bool) -> Option<usize> {
    if case_insensitive {
        let lowered = haystack.to_lowercase();
        let at = lowered.find(&needle.to_lowercase())?;
        Some(lowered[..at].chars().count())
    } else {
        let at = haystack.find(needle)?;
        Some(haystack[..at].chars().count())
    }
}

/// Up to 40 chars of `text` from char `at`, for a reason.
fn excerpt(text: &str, at: usize) -> String {
    text.chars().skip(at).take(40).collect()
}

#[cfg(test)]
mod tests {
    use super::{parse_json, strip_fence};

    #[test]
    fn fences_are_stripped_only_around_the_whole_answer() {
        assert_eq!(strip_fence("```json\n{\"a\": 1}\n```"), Some("{\"a\": 1}"));
        assert_eq!(strip_fence("```\n[1]\n```  "), Some("[1]"));
        assert_eq!(strip_fence("here: ```json\n{}\n```"), None);
        assert_eq!(strip_fence("```json {}```"), None);
        assert!(parse_json("```json\n{\"a\": 1}\n```", true).is_ok());
        let err = parse_json("```json\n{\"a\": 1}\n```", false).unwrap_err();
        assert!(err.contains("does not allow a fence"), "{err}");
    }
}
