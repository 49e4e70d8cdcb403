//! The suite file format: one TOML file per task kind, its cases, and each case's checks.
//!
//! ```toml
//! task = "commit_message"
//! description = "Commit messages for small diffs"
//!
//! [[cases]]
//! name = "null-check"
//! instructions = "Write a commit message for this diff. Answer with the message only."
//! input = """
//! --- a/src/auth/session.rs
//! +++ b/src/auth/session.rs
//! """
//! # optional: system = "…", max_output_tokens = 300
//!
//! [[cases.checks]]
//! type = "max_length"
//! chars = 72
//! first_line = true
//!
//! [[cases.checks]]
//! type = "contains"
//! value = "session"
//! case_insensitive = true
//! ```
//!
//! Files are read in two phases (`raw.rs`): serde reads the raw shape (`deny_unknown_fields`
//! everywhere), then validation compiles regexes and schemas and reports every problem of
//! every file at once, each with its file and key.

use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;

use regex::Regex;

use super::raw::parse_into;
use super::schema::Schema;

/// The starter suites shipped in the binary (`config/evals/`), as (file name, text).
pub const STARTER_SUITES: &[(&str, &str)] = &[
    (
        "commit_message.toml",
        include_str!("../../../config/evals/commit_message.toml"),
    ),
    (
        "summarize.toml",
        include_str!("../../../config/evals/summarize.toml"),
    ),
    (
        "security_review.toml",
        include_str!("../../../config/evals/security_review.toml"),
    ),
];

/// An evaluation suite: the cases of one task kind.
#[derive(Debug, Clone)]
pub struct Suite {
    /// The task kind its scorecards are for (`commit_message`).
    pub task: String,
    /// What it measures.
    pub description: String,
    /// The file it came from (a path, or the embedded file's name).
    pub file: String,
    /// The cases.
    pub cases: Vec<Case>,
}

impl Suite {
    /// Whether any case has a rubric check (and so needs a judge model).
    pub fn needs_judge(&self) -> bool {
        self.cases.iter().any(|case| {
            case.checks
                .iter()
                .any(|c| matches!(c, Check::Rubric { .. }))
        })
    }

    /// Parse one suite file; `file` names it in errors.
    pub fn parse(text: &str, file: &str) -> Result<Suite, SuiteError> {
        let mut issues = Vec::new();
        let suite = parse_into(text, file, &mut issues);
        match suite {
            Some(suite) if issues.is_empty() => Ok(suite),
            _ => Err(SuiteError { issues }),
        }
    }
}

/// One case: a prompt, and the checks its answer must pass.
#[derive(Debug, Clone)]
pub struct Case {
    /// Its name, unique in the suite.
    pub name: String,
    /// What the model is asked to do.
    pub instructions: String,
    /// The material it works on (a diff, a log).
    pub input: String,
    /// A system prompt, if any.
    pub system: Option<String>,
    /// The output budget, when the case sets one.
    pub max_output_tokens: Option<u64>,
    /// The checks; the case passes when all pass.
    pub checks: Vec<Check>,
}

/// One check of an answer. Checks see the answer with surrounding whitespace trimmed.
#[derive(Debug, Clone)]
pub enum Check {
    /// The answer contains `value`.
    Contains {
        /// The text to find.
        value: String,
        /// Compare ignoring case.
        case_insensitive: bool,
    },
    /// The answer does not contain `value`.
    NotContains {
        /// The text that must be absent.
        value: String,
        /// Compare ignoring case.
        case_insensitive: bool,
    },
    /// The answer contains a match of `pattern`.
    Regex {
        /// The compiled pattern (`(?i)`, `(?m)` flags inline).
        pattern: Regex,
    },
    /// The answer (or its first line) is at most `chars` characters.
    MaxLength {
        /// The limit in characters.
        chars: usize,
        /// Measure the first line only (a commit subject).
        first_line: bool,
    },
    /// The answer is valid JSON.
    Json {
        /// Accept JSON wrapped in one ``` fence.
        allow_fence: bool,
    },
    /// The answer is JSON matching a schema (the subset in `schema.rs`).
    JsonSchema {
        /// The compiled schema.
        schema: Box<Schema>,
        /// Accept JSON wrapped in one ``` fence.
        allow_fence: bool,
    },
    /// A judge model decides whether the answer meets `criteria`.
    Rubric {
        /// What a passing answer does, in plain words.
        criteria: String,
    },
}

impl Check {
    /// A short label for reports (`contains "session"`, `max_length 72 (first line)`).
    pub fn label(&self) -> String {
        match self {
            Check::Contains { value, .. } => format!("contains {value:?}"),
            Check::NotContains { value, .. } => format!("not_contains {value:?}"),
            Check::Regex { pattern } => format!("regex /{pattern}/"),
            Check::MaxLength { chars, first_line } => {
                let scope = if *first_line { " (first line)" } else { "" };
                format!("max_length {chars}{scope}")
            }
            Check::Json { .. } => "json".to_owned(),
            Check::JsonSchema { .. } => "json_schema".to_owned(),
            Check::Rubric { .. } => "rubric".to_owned(),
        }
    }
}

/// One problem in a suite file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SuiteIssue {
    /// The file.
    pub file: String,
    /// The key that is wrong (`cases[2].checks[0].pattern`); empty for the whole file.
    pub key: String,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for SuiteIssue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let message = self.message.replace('\n', "\n      ");
        if self.key.is_empty() {
            write!(f, "{}: {message}", self.file)
        } else {
            write!(f, "{}: {}: {message}", self.file, self.key)
        }
    }
}

/// Every problem found in the suites read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct SuiteError {
    /// The problems, file by file.
    pub issues: Vec<SuiteIssue>,
}

impl fmt::Display for SuiteError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let count = self.issues.len();
        write!(
            f,
            "{count} suite problem{}:",
            if count == 1 { "" } else { "s" }
        )?;
        for issue in &self.issues {
            write!(f, "\n  - {issue}")?;
        }
        Ok(())
    }
}

/// Load every `*.toml` in `dir` (sorted by name), reporting every problem of every file.
pub fn load_dir(dir: &Path) -> Result<Vec<Suite>, SuiteError> {
    let whole = |message: String| SuiteError {
        issues: vec![SuiteIssue {
            file: dir.display().to_string(),
            key: String::new(),
            message,
        }],
    };
    let entries = std::fs::read_dir(dir).map_err(|err| whole(format!("cannot read: {err}")))?;
    let mut paths: Vec<_> = entries
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| path.is_file() && path.extension().is_some_and(|e| e == "toml"))
        .collect();
    paths.sort();
    let mut files = Vec::new();
    let mut issues = Vec::new();
    for path in paths {
        let file = path.display().to_string();
        match std::fs::read_to_string(&path) {
            Ok(text) => files.push((file, text)),
            Err(err) => issues.push(SuiteIssue {
                file,
                key: String::new(),
                message: format!("cannot read: {err}"),
            }),
        }
    }
    if files.is_empty() && issues.is_empty() {
        return Err(whole("no *.toml suite files here".to_owned()));
    }
    collect(files, issues)
}

/// The starter suites shipped in the binary.
pub fn starter_suites() -> Result<Vec<Suite>, SuiteError> {
    let files = STARTER_SUITES
        .iter()
        .map(|(name, text)| (format!("(built-in) {name}"), (*text).to_owned()))
        .collect();
    collect(files, Vec::new())
}

/// Parse every file; two files may not define the same task.
fn collect(
    files: Vec<(String, String)>,
    mut issues: Vec<SuiteIssue>,
) -> Result<Vec<Suite>, SuiteError> {
    let mut suites: Vec<Suite> = Vec::new();
    let mut seen: BTreeMap<String, String> = BTreeMap::new();
    for (file, text) in files {
        let Some(suite) = parse_into(&text, &file, &mut issues) else {
            continue;
        };
        if let Some(first) = seen.get(&suite.task) {
            issues.push(SuiteIssue {
                file: file.clone(),
                key: "task".to_owned(),
                message: format!(
                    "{:?} is already defined in {first}; put one task's cases in one file",
                    suite.task
                ),
            });
            continue;
        }
        seen.insert(suite.task.clone(), file);
        suites.push(suite);
    }
    if issues.is_empty() {
        Ok(suites)
    } else {
        Err(SuiteError { issues })
    }
}

#[cfg(test)]
mod tests {
    use super::{Check, Suite, starter_suites};

    const GOOD: &str = r#"
        task = "commit_message"
        [[cases]]
        name = "one"
        instructions = "write it"
        input = "diff"
        [[cases.checks]]
        type = "max_length"
        chars = 72
        first_line = true
        [[cases.checks]]
        type = "json_schema"
        schema = { type = "object", required = ["subject"] }
        [[cases.checks]]
        type = "json_schema"
        schema = '{"type": "object"}'
    "#;

    #[test]
    fn a_suite_parses_with_inline_and_json_schemas() {
        let suite = Suite::parse(GOOD, "good.toml").unwrap();
        assert_eq!(suite.task, "commit_message");
        assert_eq!(suite.cases[0].checks.len(), 3);
        assert!(matches!(
            suite.cases[0].checks[0],
            Check::MaxLength {
                chars: 72,
                first_line: true
            }
        ));
        assert!(!suite.needs_judge());
    }

    #[test]
    fn problems_name_the_file_and_key() {
        let text = r#"
            task = "Commit Message"
            [[cases]]
            name = "a"
            instructions = "x"
            [[cases.checks]]
            type = "regex"
            pattern = "("
            [[cases]]
            name = "a"
            instructions = ""
        "#;
        let err = Suite::parse(text, "bad.toml").unwrap_err().to_string();
        for needle in [
            "bad.toml: task: \"Commit Message\" is not a task kind",
            "bad.toml: cases[0].checks[0].pattern: not a valid regex",
            "bad.toml: cases[1].name: \"a\" names an earlier case too",
            "bad.toml: cases[1].instructions: a case needs instructions",
            "bad.toml: cases[1].checks: a case needs at least one",
        ] {
            assert!(err.contains(needle), "{needle:?} missing in {err}");
        }
    }

    #[test]
    fn unknown_fields_and_types_are_refused() {
        let text = r#"
            task = "t"
            [[cases]]
            name = "a"
            instructions = "x"
            [[cases.checks]]
            type = "contains"
            valu = "x"
        "#;
        let err = Suite::parse(text, "f.toml").unwrap_err().to_string();
        assert!(
            err.contains("f.toml: cases[0].checks[0]: unknown field `valu`"),
            "{err}"
        );
        let text = text.replace("\"contains\"", "\"containz\"");
        let err = Suite::parse(&text, "f.toml").unwrap_err().to_string();
        assert!(err.contains("unknown variant `containz`"), "{err}");
        let err = Suite::parse("task = \"t\"\ncolour = 1\n", "f.toml")
            .unwrap_err()
            .to_string();
        assert!(err.contains("unknown field `colour`"), "{err}");
    }

    #[test]
    fn the_starter_suites_load() {
        let suites = starter_suites().unwrap();
        let tasks: Vec<&str> = suites.iter().map(|s| s.task.as_str()).collect();
        assert_eq!(tasks, ["commit_message", "summarize", "security_review"]);
    }
}
