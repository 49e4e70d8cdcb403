//! Rubric checks: a judge model (the `[delegate] judge` catalog id) reads the case, the
//! answer and the rubric and answers `{"pass": bool, "reason": "…"}`.
//!
//! The verdict is parsed leniently (a fence, prose around the object, `"pass": "yes"`), but a
//! judge that gives no verdict at all, or fails, fails the *check* with that reason: one bad
//! judge answer never stops a run.

use std::sync::Arc;
use std::time::Duration;

use switchyard_core::budget::ResponseBudget;
use switchyard_core::{CallContext, Identity};

use super::checks::strip_fence;
use super::suite::Case;
use crate::delegate::catalog::ModelSpec;
use crate::delegate::money::Micros;
use crate::delegate::provider::{
    ChatMessage, ChatRequest, ChatRole, Preferences, Provider, ProviderError,
};

/// The judge's instructions.
const SYSTEM: &str = "You grade one answer against a rubric. Judge only whether the answer meets \
the criteria; do not redo the task and do not grade anything the criteria do not ask for. Reply \
with a single JSON object and nothing else: {\"pass\": true or false, \"reason\": \"one short \
sentence\"}.";

/// The output budget of one verdict (reasoning models spend some of it thinking).
const VERDICT_TOKENS: u64 = 1_024;

/// A judge's decision on one rubric check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verdict {
    /// Whether the answer meets the rubric.
    pub passed: bool,
    /// Why, in the judge's words (or why there is no usable verdict).
    pub reason: String,
}

/// The judge model and the provider that serves it.
#[derive(Clone)]
pub struct Judge {
    model: ModelSpec,
    provider: Arc<dyn Provider>,
    timeout: Duration,
}

impl std::fmt::Debug for Judge {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Judge")
            .field("model", &self.model.id)
            .field("provider", &self.provider.id())
            .finish()
    }
}

impl Judge {
    /// A judge; each verdict may take `timeout`.
    pub fn new(model: ModelSpec, provider: Arc<dyn Provider>, timeout: Duration) -> Self {
        Judge {
            model,
            provider,
            timeout,
        }
    }

    /// The judge's catalog entry.
    pub fn model(&self) -> &ModelSpec {
        &self.model
    }

    /// Ask for a verdict on `answer` to `case` under `criteria`; returns it and its cost.
    pub async fn judge(&self, case: &Case, answer: &str, criteria: &str) -> (Verdict, Micros) {
        let request = ChatRequest {
            model: self.model.provider_model.clone(),
            system: Some(SYSTEM.to_owned()),
            messages: vec![ChatMessage {
                role: ChatRole::User,
                content: prompt(case, answer, criteria),
            }],
            max_output_tokens: VERDICT_TOKENS.min(self.model.max_output.max(1)),
            temperature: None,
            preferences: Preferences::default(),
        };
        let ctx = CallContext::new(
            Identity::user("switchyard-eval"),
            self.timeout,
            ResponseBudget::default(),
        );
        let call = self.provider.complete(&request, &ctx);
        // As for the cases: the provider's deadline and this backstop read the same.
        let response = match tokio::time::timeout(self.timeout, call).await {
            Ok(Ok(response)) => response,
            Ok(Err(ProviderError::Timeout { seconds, .. })) => {
                return (self.timed_out(Some(seconds)), Micros::ZERO);
            }
            Err(_) => return (self.timed_out(None), Micros::ZERO),
            Ok(Err(err)) => {
                let reason = format!("the judge {} failed: {err}", self.model.id);
                return (fail(reason), Micros::ZERO);
            }
        };
        let cost = self.model.prices.cost(&response.usage);
        let verdict = parse_verdict(&response.text).unwrap_or_else(fail);
        (verdict, cost)
    }

    /// The verdict when the judge timed out (`limit`: the provider's own, when it reported one).
    fn timed_out(&self, limit: Option<u64>) -> Verdict {
        let within = super::runner::within(limit, self.timeout);
        fail(format!(
            "the judge {} did not answer within {within}",
            self.model.id
        ))
    }
}

fn fail(reason: String) -> Verdict {
    Verdict {
        passed: false,
        reason,
    }
}

/// What the judge reads.
pub fn prompt(case: &Case, answer: &str, criteria: &str) -> String {
    let input = if case.input.trim().is_empty() {
        "(none)"
    } else {
        case.input.trim_end()
    };
    format!(
        "<task>\n{}\n</task>\n\n<input>\n{input}\n</input>\n\n<answer>\n{}\n</answer>\n\n\
         <criteria>\n{}\n</criteria>\n\nDoes the answer meet the criteria? Reply with JSON only: \
         {{\"pass\": true or false, \"reason\": \"one short sentence\"}}",
        case.instructions.trim_end(),
        answer.trim(),
        criteria.trim_end()
    )
}

/// Read a verdict from the judge's text: JSON, fenced JSON, or the first `{…}` object in it.
/// `pass` may be a boolean or `"true"`/`"false"`/`"pass"`/`"fail"`/`"yes"`/`"no"`.
pub fn parse_verdict(text: &str) -> Result<Verdict, String> {
    let trimmed = text.trim();
    let body = strip_fence(trimmed).unwrap_or(trimmed);
    let value = serde_json::from_str::<serde_json::Value>(body)
        .ok()
        .or_else(|| {
            let start = body.find('{')?;
            let end = body.rfind('}')?;
            (start < end)
                .then(|| serde_json::from_str(&body[start..=end]).ok())
                .flatten()
        });
    let no_verdict = || {
        let shown: String = trimmed.chars().take(80).collect();
        let more = if trimmed.chars().count() > 80 {
            "…"
        } else {
            ""
        };
        format!("the judge did not answer with a JSON verdict: {shown:?}{more}")
    };
    let object = value
        .as_ref()
        .and_then(serde_json::Value::as_object)
        .ok_or_else(no_verdict)?;
    let pass = object.get("pass").or_else(|| object.get("passed"));
    let passed = match pass {
        Some(serde_json::Value::Bool(passed)) => *passed,
        Some(serde_json::Value::String(word)) => match word.trim().to_ascii_lowercase().as_str() {
            "true" | "pass" | "passed" | "yes" => true,
            "false" | "fail" | "failed" | "no" => false,
            _ => {
                return Err(format!(
                    "the judge's verdict has \"pass\": {word:?}, not true or false"
                ));
            }
        },
        _ => return Err("the judge's verdict has no boolean \"pass\"".to_owned()),
    };
    let reason = object
        .get("reason")
        .and_then(serde_json::Value::as_str)
        .map(str::trim)
        .filter(|r| !r.is_empty())
        .unwrap_or("(the judge gave no reason)");
    Ok(Verdict {
        passed,
        reason: format!("judge: {reason}"),
    })
}

#[cfg(test)]
mod tests {
    use super::parse_verdict;

    #[test]
    fn verdicts_are_read_leniently() {
        let plain = parse_verdict(r#"{"pass": true, "reason": "names the service"}"#).unwrap();
        assert!(plain.passed);
        assert_eq!(plain.reason, "judge: names the service");
        let fenced =
            parse_verdict("```json\n{\"pass\": false, \"reason\": \"vague\"}\n```").unwrap();
        assert!(!fenced.passed);
        let chatty = parse_verdict(
            "Sure! Here is my verdict:\n{\"pass\": \"yes\", \"reason\": \"ok\"}\nThanks",
        )
        .unwrap();
        assert!(chatty.passed);
        let silent = parse_verdict(r#"{"passed": false}"#).unwrap();
        assert_eq!(silent.reason, "judge: (the judge gave no reason)");
    }

    #[test]
    fn no_verdict_is_an_error_with_the_text() {
        let err = parse_verdict("I think it is fine.").unwrap_err();
        assert!(
            err.starts_with("the judge did not answer with a JSON verdict: \"I think"),
            "{err}"
        );
        let err = parse_verdict(r#"{"pass": "maybe"}"#).unwrap_err();
        assert!(err.contains("\"maybe\""), "{err}");
        let err = parse_verdict(r#"{"verdict": true}"#).unwrap_err();
        assert!(err.contains("no boolean \"pass\""), "{err}");
    }
}
