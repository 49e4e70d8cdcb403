//! Prompts that package workflows: review a change, investigate an incident, catch up.
//!
//! Each prompt is a user message telling the model which Switchyard tools to use and in what
//! order. Prompts only mention tools this server publishes: a prompt whose essential tool is
//! hidden (no repository, `[tools]` policy) is not listed, and optional steps whose tools are
//! hidden are left out.

use std::collections::{BTreeMap, HashSet};
use std::fmt::Write as _;

use rmcp::model::{GetPromptResult, Prompt, PromptArgument, PromptMessage, Role};

/// The tools a server publishes, as prompts see them.
pub struct Available<'a> {
    tools: HashSet<&'a str>,
}

impl<'a> Available<'a> {
    /// The published tool names.
    pub fn new(names: impl IntoIterator<Item = &'a str>) -> Self {
        Available {
            tools: names.into_iter().collect(),
        }
    }

    fn has(&self, tool: &str) -> bool {
        self.tools.contains(tool)
    }
}

/// One prompt's definition.
struct PromptDef {
    name: &'static str,
    title: &'static str,
    description: &'static str,
    /// Tools without which the prompt makes no sense.
    requires: &'static [&'static str],
    arguments: &'static [(&'static str, &'static str, bool)],
    render: fn(&BTreeMap<String, String>, &Available<'_>) -> String,
}

const REPO_ARGUMENT: (&str, &str, bool) = (
    "repo",
    "The repository name, when several are configured",
    false,
);

const PROMPTS: &[PromptDef] = &[
    PromptDef {
        name: "review_change",
        title: "Review a change",
        description: "Review the changes between two revisions (default: the working tree against HEAD)",
        requires: &["git_diff"],
        arguments: &[
            ("base", "The base revision (default HEAD)", false),
            (
                "head",
                "The revision under review (default: the working tree)",
                false,
            ),
            REPO_ARGUMENT,
        ],
        render: review_change,
    },
    PromptDef {
        name: "investigate_incident",
        title: "Investigate an incident",
        description: "Gather the context of an incident: recent changes, related notes, and what to check next",
        requires: &["git_log"],
        arguments: &[
            ("symptom", "What is going wrong, in a sentence", true),
            (
                "since",
                "How far back to look (e.g. \"2 days ago\", default \"3 days ago\")",
                false,
            ),
            REPO_ARGUMENT,
        ],
        render: investigate_incident,
    },
    PromptDef {
        name: "catch_up",
        title: "Catch up on recent work",
        description: "Summarise what changed recently and what the team noted about it",
        requires: &["git_log"],
        arguments: &[
            (
                "since",
                "How far back (e.g. \"1 week ago\", default \"1 week ago\")",
                false,
            ),
            REPO_ARGUMENT,
        ],
        render: catch_up,
    },
];

fn offered<'p>(available: &'p Available<'_>) -> impl Iterator<Item = &'static PromptDef> + 'p {
    PROMPTS
        .iter()
        .filter(|def| def.requires.iter().all(|tool| available.has(tool)))
}

/// The prompts this server offers, for `prompts/list`.
pub fn list(available: &Available<'_>) -> Vec<Prompt> {
    offered(available)
        .map(|def| {
            let arguments = def
                .arguments
                .iter()
                .map(|(name, description, required)| {
                    PromptArgument::new(*name)
                        .with_description(*description)
                        .with_required(*required)
                })
                .collect();
            Prompt::new(def.name, Some(def.description), Some(arguments)).with_title(def.title)
        })
        .collect()
}

/// Why a prompt could not be rendered.
#[derive(Debug, thiserror::Error)]
pub enum PromptError {
    /// No prompt has that name (or its tools are not published).
    #[error("unknown prompt {0:?}; prompts/list shows the prompts there are")]
    Unknown(String),
    /// A required argument is missing.
    #[error("prompt {prompt} needs the argument {argument:?}")]
    MissingArgument {
        /// The prompt.
        prompt: String,
        /// The argument.
        argument: String,
    },
    /// An argument the prompt does not take.
    #[error("prompt {prompt} has no argument {argument:?}")]
    UnknownArgument {
        /// The prompt.
        prompt: String,
        /// The argument.
        argument: String,
    },
}

/// Render the prompt `name` with `arguments`.
pub fn get(
    name: &str,
    arguments: &BTreeMap<String, String>,
    available: &Available<'_>,
) -> Result<GetPromptResult, PromptError> {
    let def = offered(available)
        .find(|def| def.name == name)
        .ok_or_else(|| PromptError::Unknown(name.to_owned()))?;
    for given in arguments.keys() {
        if !def.arguments.iter().any(|(arg, _, _)| arg == given) {
            return Err(PromptError::UnknownArgument {
                prompt: name.to_owned(),
                argument: given.clone(),
            });
        }
    }
    for (arg, _, required) in def.arguments {
        if *required && arguments.get(*arg).is_none_or(|v| v.trim().is_empty()) {
            return Err(PromptError::MissingArgument {
                prompt: name.to_owned(),
                argument: (*arg).to_owned(),
            });
        }
    }
    let text = (def.render)(arguments, available);
    let mut result = GetPromptResult::new(vec![PromptMessage::new_text(Role::User, text)]);
    result.description = Some(def.description.to_owned());
    Ok(result)
}

fn arg<'a>(arguments: &'a BTreeMap<String, String>, name: &str) -> Option<&'a str> {
    arguments
        .get(name)
        .map(|v| v.trim())
        .filter(|v| !v.is_empty())
}

/// Numbered steps, skipping those whose tool is not published.
struct Steps<'a, 'b> {
    available: &'a Available<'b>,
    text: String,
    count: usize,
}

impl<'a, 'b> Steps<'a, 'b> {
    fn new(available: &'a Available<'b>, opening: String) -> Self {
        Steps {
            available,
            text: opening,
            count: 0,
        }
    }

    /// Add a step that needs every tool in `tools`.
    fn step(&mut self, tools: &[&str], text: impl AsRef<str>) {
        if tools.iter().all(|tool| self.available.has(tool)) {
            self.count += 1;
            let _ = write!(self.text, "\n{}. {}", self.count, text.as_ref());
        }
    }

    fn finish(mut self, closing: &str) -> String {
        let _ = write!(self.text, "\n{closing}");
        self.text
    }
}

fn repo_clause(arguments: &BTreeMap<String, String>) -> String {
    match arg(arguments, "repo") {
        Some(repo) => format!(" In repository {repo:?}: pass repo={repo:?} to every git tool."),
        None => String::new(),
    }
}

fn review_change(arguments: &BTreeMap<String, String>, available: &Available<'_>) -> String {
    let base = arg(arguments, "base");
    let head = arg(arguments, "head");
    let (what, diff_arguments) = match (base, head) {
        (None, None) => (
            "the uncommitted changes of the working tree against HEAD".to_owned(),
            "with neither from nor to (the working tree against HEAD)".to_owned(),
        ),
        (Some(base), None) => (
            format!("the working tree against {base}"),
            format!("with from={base:?} and no to (the working tree against {base})"),
        ),
        (base, Some(head)) => {
            let base = base.unwrap_or("HEAD");
            (
                format!("the change from {base} to {head}"),
                format!("with from={base:?} and to={head:?}"),
            )
        }
    };
    let mut steps = Steps::new(
        available,
        format!("Review {what}.{}", repo_clause(arguments)),
    );
    steps.step(
        &["git_diff"],
        format!(
            "Call git_diff {diff_arguments} to see what changed; for a long diff, pass path to look at one file at a time."
        ),
    );
    steps.step(
        &["git_blame", "git_log"],
        "For each changed file worth a closer look, use git_blame and git_log with its path to learn why the code is as it is.",
    );
    steps.step(
        &["search_context"],
        "Use search_context for notes and history about the areas touched.",
    );
    steps.finish(
        "Report: a summary of the change, bugs or risks with file and line, missing tests, and questions for the author. \
         Be specific and cite the URIs the tools return.",
    )
}

fn investigate_incident(arguments: &BTreeMap<String, String>, available: &Available<'_>) -> String {
    let symptom = arg(arguments, "symptom").unwrap_or("an unexplained failure");
    let since = arg(arguments, "since").unwrap_or("3 days ago");
    let mut steps = Steps::new(
        available,
        format!(
            "Investigate this incident: {symptom}{}",
            repo_clause(arguments)
        ),
    );
    steps.step(
        &["search_context"],
        "Use search_context with the symptom's key words (error messages, component names).",
    );
    steps.step(
        &["git_log"],
        format!("List recent changes with git_log and since={since:?}."),
    );
    steps.step(
        &["git_show_commit"],
        "Look at the suspicious commits with git_show_commit.",
    );
    steps.step(
        &["note_list", "read_context"],
        "Check note_list and read_context for notes already written about it.",
    );
    let mut closing = "Then give: the likely causes ranked by evidence, the commits or notes behind each (with URIs), and the next checks to run.".to_owned();
    if available.has("note_add") {
        closing
            .push_str(" When you reach a finding, record it with note_add, tagged \"incident\".");
    }
    steps.finish(&closing)
}

fn catch_up(arguments: &BTreeMap<String, String>, available: &Available<'_>) -> String {
    let since = arg(arguments, "since").unwrap_or("1 week ago");
    let mut steps = Steps::new(
        available,
        format!(
            "Catch me up on the work since {since}.{}",
            repo_clause(arguments)
        ),
    );
    steps.step(
        &["git_log"],
        format!(
            "Call git_log with since={since:?}, passing next_cursor back until the listing ends."
        ),
    );
    steps.step(
        &["git_list_refs"],
        "Use git_list_refs to see the active branches.",
    );
    steps.step(&["note_list"], "Read recent notes with note_list.");
    steps.finish(
        "Summarise by theme: what landed, what is in progress on branches, and decisions or open questions from the notes. Cite URIs.",
    )
}

#[cfg(test)]
mod tests {
    use super::{Available, PromptError, get, list};
    use std::collections::BTreeMap;

    const ALL: [&str; 10] = [
        "git_diff",
        "git_blame",
        "git_log",
        "git_show_commit",
        "git_list_refs",
        "search_context",
        "note_list",
        "note_add",
        "read_context",
        "note_read",
    ];

    fn text(name: &str, args: &[(&str, &str)], available: &Available<'_>) -> String {
        let args: BTreeMap<String, String> = args
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        let result = get(name, &args, available).unwrap();
        serde_json::to_value(&result.messages[0]).unwrap()["content"]["text"]
            .as_str()
            .unwrap()
            .to_owned()
    }

    #[test]
    fn every_prompt_renders_with_its_required_arguments() {
        let available = Available::new(ALL);
        let prompts = list(&available);
        assert_eq!(prompts.len(), 3);
        for prompt in prompts {
            let mut args = BTreeMap::new();
            for argument in prompt.arguments.unwrap_or_default() {
                if argument.required == Some(true) {
                    args.insert(argument.name.clone(), "value".to_owned());
                }
            }
            let result = get(&prompt.name, &args, &available).unwrap();
            assert_eq!(result.messages.len(), 1);
        }
    }

    #[test]
    fn review_change_uses_git_diff_arguments_that_exist() {
        let available = Available::new(ALL);
        let default = text("review_change", &[], &available);
        assert!(
            default.contains("git_diff with neither from nor to"),
            "{default}"
        );
        let range = text(
            "review_change",
            &[("base", "main"), ("head", "feature")],
            &available,
        );
        assert!(
            range.contains("from=\"main\" and to=\"feature\""),
            "{range}"
        );
        assert!(
            !range.contains("base=") && !range.contains("head="),
            "{range}"
        );
        let repo = text("review_change", &[("repo", "api")], &available);
        assert!(repo.contains("pass repo=\"api\""), "{repo}");
    }

    #[test]
    fn prompts_mention_only_published_tools() {
        let available = Available::new(["git_log", "note_list", "git_diff"]);
        let incident = text("investigate_incident", &[("symptom", "500s")], &available);
        for hidden in [
            "search_context",
            "git_show_commit",
            "note_add",
            "read_context",
        ] {
            assert!(!incident.contains(hidden), "{hidden} in {incident}");
        }
        assert!(
            incident.contains("1. List recent changes with git_log"),
            "{incident}"
        );
        let no_git = Available::new(["note_list", "note_add"]);
        assert!(list(&no_git).is_empty());
        assert!(matches!(
            get("catch_up", &BTreeMap::new(), &no_git),
            Err(PromptError::Unknown(_))
        ));
    }

    #[test]
    fn missing_and_unknown_arguments_are_named() {
        let available = Available::new(ALL);
        let err = get("investigate_incident", &BTreeMap::new(), &available).unwrap_err();
        assert!(matches!(err, PromptError::MissingArgument { .. }));
        assert!(err.to_string().contains("symptom"));
        let mut args = BTreeMap::new();
        args.insert("colour".to_owned(), "red".to_owned());
        assert!(matches!(
            get("catch_up", &args, &available),
            Err(PromptError::UnknownArgument { .. })
        ));
    }
}
