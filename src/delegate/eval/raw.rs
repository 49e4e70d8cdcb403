//! The raw shape of a suite file as serde reads it (`deny_unknown_fields` everywhere), and its
//! validation into [`Suite`]: regexes and schemas compiled, every problem reported with its key.

use regex::Regex;
use serde::Deserialize;
use serde::de::DeserializeOwned;

use super::schema::Schema;
use super::suite::{Case, Check, Suite, SuiteIssue};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSuite {
    task: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    cases: Vec<RawCase>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCase {
    name: String,
    instructions: String,
    #[serde(default)]
    input: String,
    system: Option<String>,
    max_output_tokens: Option<u64>,
    #[serde(default)]
    checks: Vec<RawCheck>,
}

/// Tagged by `type`; `deny_unknown_fields` sits on each variant's struct (serde ignores it on
/// an internally tagged enum).
#[derive(Debug, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
enum RawCheck {
    Contains(RawContains),
    NotContains(RawContains),
    Regex(RawRegex),
    MaxLength(RawMaxLength),
    Json(RawJson),
    JsonSchema(RawJsonSchema),
    Rubric(RawRubric),
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawContains {
    value: String,
    #[serde(default)]
    case_insensitive: bool,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRegex {
    pattern: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMaxLength {
    chars: usize,
    #[serde(default)]
    first_line: bool,
}

fn yes() -> bool {
    true
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawJson {
    #[serde(default = "yes")]
    allow_fence: bool,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawJsonSchema {
    /// A TOML table, or a string holding the schema as JSON.
    schema: serde_json::Value,
    #[serde(default = "yes")]
    allow_fence: bool,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRubric {
    criteria: String,
}

/// Parse and validate one file, pushing its problems; `None` when it could not be read at all.
pub(super) fn parse_into(text: &str, file: &str, issues: &mut Vec<SuiteIssue>) -> Option<Suite> {
    let mut issue = |key: String, message: String| {
        issues.push(SuiteIssue {
            file: file.to_owned(),
            key,
            message,
        });
    };
    let table: toml::Table = match toml::from_str(text) {
        Ok(table) => table,
        Err(err) => {
            issue(String::new(), err.to_string().trim_end().to_owned());
            return None;
        }
    };
    let raw: RawSuite = match deserialize(toml::Value::Table(table)) {
        Ok(raw) => raw,
        Err((key, message)) => {
            issue(key, message);
            return None;
        }
    };
    if raw.task.is_empty()
        || !raw
            .task
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
    {
        issue(
            "task".to_owned(),
            format!(
                "{:?} is not a task kind; use snake_case (commit_message)",
                raw.task
            ),
        );
    }
    if raw.cases.is_empty() {
        issue(
            "cases".to_owned(),
            "a suite needs at least one [[cases]]".to_owned(),
        );
    }
    let mut names: Vec<&str> = Vec::new();
    let mut cases = Vec::new();
    for (index, case) in raw.cases.iter().enumerate() {
        let key = format!("cases[{index}]");
        if case.name.trim().is_empty() {
            issue(format!("{key}.name"), "a case needs a name".to_owned());
        } else if names.contains(&case.name.as_str()) {
            issue(
                format!("{key}.name"),
                format!("{:?} names an earlier case too", case.name),
            );
        }
        names.push(&case.name);
        if case.instructions.trim().is_empty() {
            issue(
                format!("{key}.instructions"),
                "a case needs instructions".to_owned(),
            );
        }
        if case.max_output_tokens == Some(0) {
            issue(
                format!("{key}.max_output_tokens"),
                "must be at least 1".to_owned(),
            );
        }
        if case.checks.is_empty() {
            issue(
                format!("{key}.checks"),
                "a case needs at least one [[cases.checks]]; without one it always passes"
                    .to_owned(),
            );
        }
        let mut checks = Vec::new();
        for (position, raw) in case.checks.iter().enumerate() {
            match check(raw) {
                Ok(check) => checks.push(check),
                Err((field, message)) => {
                    issue(format!("{key}.checks[{position}].{field}"), message)
                }
            }
        }
        cases.push(Case {
            name: case.name.clone(),
            instructions: case.instructions.clone(),
            input: case.input.clone(),
            system: case.system.clone(),
            max_output_tokens: case.max_output_tokens,
            checks,
        });
    }
    Some(Suite {
        task: raw.task,
        description: raw.description,
        file: file.to_owned(),
        cases,
    })
}

/// Validate one check; an error names the field and says what is wrong.
fn check(raw: &RawCheck) -> Result<Check, (&'static str, String)> {
    let non_empty = |field: &'static str, text: &str| {
        if text.is_empty() {
            Err((field, "must not be empty".to_owned()))
        } else {
            Ok(())
        }
    };
    Ok(match raw {
        RawCheck::Contains(c) => {
            non_empty("value", &c.value)?;
            Check::Contains {
                value: c.value.clone(),
                case_insensitive: c.case_insensitive,
            }
        }
        RawCheck::NotContains(c) => {
            non_empty("value", &c.value)?;
            Check::NotContains {
                value: c.value.clone(),
                case_insensitive: c.case_insensitive,
            }
        }
        RawCheck::Regex(r) => Check::Regex {
            pattern: Regex::new(&r.pattern)
                .map_err(|err| ("pattern", format!("not a valid regex: {err}")))?,
        },
        RawCheck::MaxLength(m) => {
            if m.chars == 0 {
                return Err(("chars", "must be at least 1".to_owned()));
            }
            Check::MaxLength {
                chars: m.chars,
                first_line: m.first_line,
            }
        }
        RawCheck::Json(j) => Check::Json {
            allow_fence: j.allow_fence,
        },
        RawCheck::JsonSchema(s) => {
            let value = match &s.schema {
                serde_json::Value::String(text) => serde_json::from_str(text)
                    .map_err(|err| ("schema", format!("not JSON: {err}")))?,
                other => other.clone(),
            };
            let schema = Schema::compile(&value).map_err(|message| ("schema", message))?;
            Check::JsonSchema {
                schema: Box::new(schema),
                allow_fence: s.allow_fence,
            }
        }
        RawCheck::Rubric(r) => {
            if r.criteria.trim().is_empty() {
                return Err(("criteria", "must not be empty".to_owned()));
            }
            Check::Rubric {
                criteria: r.criteria.clone(),
            }
        }
    })
}

/// Deserialise with the path of the failing key (`cases[1].checks[0]`).
fn deserialize<T: DeserializeOwned>(value: toml::Value) -> Result<T, (String, String)> {
    serde_path_to_error::deserialize::<_, T>(value).map_err(|err| {
        let path = err.path().to_string();
        let path = if path == "." { String::new() } else { path };
        let message = err.into_inner().to_string();
        let first = message.lines().next().unwrap_or_default().trim_end();
        (path, first.to_owned())
    })
}
