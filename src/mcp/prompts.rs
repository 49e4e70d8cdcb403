//! Prompts that package workflows: review a change, investigate an incident, catch up.
//!
//! Each prompt is a user message that tells the model which Switchyard tools to use and in
//! what order; arguments fill in the specifics.

use std::collections::BTreeMap;

use rmcp::model::{GetPromptResult, Prompt, PromptArgument, PromptMessage, Role};

/// One prompt's definition.
struct PromptDef {
    name: &'static str,
    title: &'static str,
    description: &'static str,
    arguments: &'static [(&'static str, &'static str, bool)],
    render: fn(&BTreeMap<String, String>) -> String,
}

const PROMPTS: &[PromptDef] = &[
    PromptDef {
        name: "review_change",
        title: "Review a change",
        description: "Review the changes between two revisions (default: the working tree against HEAD)",
        arguments: &[
            ("base", "The base revision (default HEAD)", false),
            (
                "head",
                "The revision under review (default: the working tree)",
                false,
            ),
            (
                "repo",
                "The repository name, when several are configured",
                false,
            ),
        ],
        render: review_change,
    },
    PromptDef {
        name: "investigate_incident",
        title: "Investigate an incident",
        description: "Gather the context of an incident: recent changes, related notes, and what to check next",
        arguments: &[
            ("symptom", "What is going wrong, in a sentence", true),
            (
                "since",
                "How far back to look (e.g. \"2 days ago\", default \"3 days ago\")",
                false,
            ),
        ],
        render: investigate_incident,
    },
    PromptDef {
        name: "catch_up",
        title: "Catch up on recent work",
        description: "Summarise what changed recently and what the team noted about it",
        arguments: &[(
            "since",
            "How far back (e.g. \"1 week ago\", default \"1 week ago\")",
            false,
        )],
        render: catch_up,
    },
];

/// Every prompt, for `prompts/list`.
pub fn list() -> Vec<Prompt> {
    PROMPTS
        .iter()
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
    /// No prompt has that name.
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
) -> Result<GetPromptResult, PromptError> {
    let def = PROMPTS
        .iter()
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
    let text = (def.render)(arguments);
    let mut result = GetPromptResult::new(vec![PromptMessage::new_text(Role::User, text)]);
    result.description = Some(def.description.to_owned());
    Ok(result)
}

fn arg<'a>(arguments: &'a BTreeMap<String, String>, name: &str, default: &'a str) -> &'a str {
    arguments
        .get(name)
        .map(String::as_str)
        .filter(|v| !v.trim().is_empty())
        .unwrap_or(default)
}

fn repo_clause(arguments: &BTreeMap<String, String>) -> String {
    match arguments.get("repo") {
        Some(repo) if !repo.trim().is_empty() => {
            format!(" (pass repo=\"{repo}\" to every git tool)")
        }
        _ => String::new(),
    }
}

fn review_change(arguments: &BTreeMap<String, String>) -> String {
    let base = arg(arguments, "base", "HEAD");
    let target = match arguments.get("head") {
        Some(head) if !head.trim().is_empty() => format!("revision {head}"),
        _ => "the working tree".to_owned(),
    };
    format!(
        "Review the change from {base} to {target}{repo}.\n\
         1. Call git_diff with base={base:?}{head_arg} to see what changed; for a long diff, look at one path at a time.\n\
         2. For each changed file worth a closer look, use git_blame and git_log with its path to learn why the code is as it is.\n\
         3. Check search_context for notes about the areas touched.\n\
         Report: a summary of the change, bugs or risks with file and line, missing tests, and questions for the author. \
         Be specific and cite the URIs the tools return.",
        repo = repo_clause(arguments),
        head_arg = match arguments.get("head") {
            Some(head) if !head.trim().is_empty() => format!(" and head={head:?}"),
            _ => String::new(),
        },
    )
}

fn investigate_incident(arguments: &BTreeMap<String, String>) -> String {
    let symptom = arg(arguments, "symptom", "an unexplained failure");
    let since = arg(arguments, "since", "3 days ago");
    format!(
        "Investigate this incident: {symptom}\n\
         1. search_context for the symptom's key words (error messages, component names).\n\
         2. git_log with since={since:?} to list recent changes; git_show_commit on the suspicious ones.\n\
         3. note_list and read_context for any notes already written about it.\n\
         Then give: the likely causes ranked by evidence, the commits or notes behind each (with URIs), \
         and the next checks to run. When you reach a finding, record it with note_add, tagged \"incident\"."
    )
}

fn catch_up(arguments: &BTreeMap<String, String>) -> String {
    let since = arg(arguments, "since", "1 week ago");
    format!(
        "Catch me up on the work since {since}.\n\
         1. git_log with since={since:?} (page through with the cursor until done), and git_list_refs for active branches.\n\
         2. note_list for recent notes.\n\
         Summarise by theme: what landed, what is in progress on branches, and decisions or open questions from the notes. \
         Cite URIs."
    )
}

#[cfg(test)]
mod tests {
    use super::{PromptError, get, list};
    use std::collections::BTreeMap;

    #[test]
    fn every_prompt_renders_with_its_required_arguments() {
        for prompt in list() {
            let mut args = BTreeMap::new();
            for argument in prompt.arguments.unwrap_or_default() {
                if argument.required == Some(true) {
                    args.insert(argument.name.clone(), "value".to_owned());
                }
            }
            let result = get(&prompt.name, &args).unwrap();
            assert_eq!(result.messages.len(), 1);
        }
    }

    #[test]
    fn missing_and_unknown_arguments_are_named() {
        let err = get("investigate_incident", &BTreeMap::new()).unwrap_err();
        assert!(matches!(err, PromptError::MissingArgument { .. }));
        assert!(err.to_string().contains("symptom"));
        let mut args = BTreeMap::new();
        args.insert("colour".to_owned(), "red".to_owned());
        assert!(matches!(
            get("catch_up", &args),
            Err(PromptError::UnknownArgument { .. })
        ));
        assert!(matches!(
            get("nope", &BTreeMap::new()),
            Err(PromptError::Unknown(_))
        ));
    }
}
