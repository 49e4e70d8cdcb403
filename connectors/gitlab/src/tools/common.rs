//! What several tools share: query building, the issue/merge request state enums, notes above
//! a page's footer, and the cursor of a long item (body first, then its notes).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use switchyard_core::cursor::{decode_cursor, encode_cursor};
use switchyard_core::{ConnectorError, ToolOutput};

/// Push `key=value` when the value is given.
pub(crate) fn push_opt(
    query: &mut Vec<(&'static str, String)>,
    key: &'static str,
    value: Option<&str>,
) {
    if let Some(value) = value.map(str::trim).filter(|v| !v.is_empty()) {
        query.push((key, value.to_owned()));
    }
}

/// Issue states.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub(crate) enum IssueState {
    Opened,
    Closed,
    #[default]
    All,
}

impl IssueState {
    /// A state read back from a cursor, checked like the argument.
    pub fn checked(text: Option<&str>) -> Result<&'static str, ConnectorError> {
        check_state(text, &["opened", "closed", "all"])
    }

    pub fn as_str(self) -> &'static str {
        match self {
            IssueState::Opened => "opened",
            IssueState::Closed => "closed",
            IssueState::All => "all",
        }
    }
}

/// Merge request states.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub(crate) enum MrState {
    Opened,
    Closed,
    Merged,
    Locked,
    #[default]
    All,
}

impl MrState {
    /// A state read back from a cursor, checked like the argument.
    pub fn checked(text: Option<&str>) -> Result<&'static str, ConnectorError> {
        check_state(text, &["opened", "closed", "merged", "locked", "all"])
    }

    pub fn as_str(self) -> &'static str {
        match self {
            MrState::Opened => "opened",
            MrState::Closed => "closed",
            MrState::Merged => "merged",
            MrState::Locked => "locked",
            MrState::All => "all",
        }
    }
}

/// `text` as one of `states` (the default `all` when absent).
fn check_state(
    text: Option<&str>,
    states: &[&'static str],
) -> Result<&'static str, ConnectorError> {
    let text = text.unwrap_or("all");
    states
        .iter()
        .find(|state| **state == text)
        .copied()
        .ok_or_else(|| {
            let shown: String = text.chars().take(40).collect();
            ConnectorError::invalid(format!(
                "state {shown:?} is not one of {} (an edited cursor?); omit cursor to start over",
                states.join(", ")
            ))
        })
}

/// Insert a note just above the envelope footer of a finished page.
pub(crate) fn with_note(mut output: ToolOutput, note: &str) -> ToolOutput {
    let at = output
        .text
        .rfind("\n---\n")
        .map_or(output.text.len(), |index| index + 1);
    output.text.insert_str(at, &format!("{note}\n"));
    output
}

/// Check a `since`/`until` date: `YYYY-MM-DD` or RFC 3339, passed to GitLab as given.
pub(crate) fn check_date(value: Option<&str>, name: &str) -> Result<(), ConnectorError> {
    let Some(value) = value else {
        return Ok(());
    };
    let ok = chrono::NaiveDate::parse_from_str(value, "%Y-%m-%d").is_ok()
        || chrono::DateTime::parse_from_rfc3339(value).is_ok();
    if ok {
        Ok(())
    } else {
        Err(ConnectorError::invalid(format!(
            "{name} {value:?} is not a date; use YYYY-MM-DD or RFC 3339"
        )))
    }
}

/// Where the next page of a long item starts: the rest of its body, then its notes.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ItemCursor {
    /// The tool.
    pub t: String,
    /// The instance that made it.
    pub x: String,
    /// The project.
    pub p: String,
    /// The item's iid.
    pub i: u64,
    /// Byte offset of the body still to show, if any.
    pub b: Option<usize>,
    /// Offset of the next note.
    pub o: usize,
    /// Notes per page.
    pub n: usize,
}

impl ItemCursor {
    /// Decode a cursor of `tool` on `instance`, at a possible position (`notes`: the tool pages
    /// notes, so the page size must be one GitLab serves). A `project` or `iid` given with it
    /// must be the cursor's own: the cursor alone is enough.
    pub fn decode(
        text: &str,
        tool: &str,
        instance: &str,
        project: Option<&str>,
        iid: Option<u64>,
        notes: bool,
    ) -> Result<Self, ConnectorError> {
        let cursor: ItemCursor = decode_cursor(text)?;
        if cursor.t != tool {
            return Err(ConnectorError::invalid(format!(
                "this cursor was not made by {tool}; pass the next_cursor of {tool}'s previous result unchanged, or omit it"
            )));
        }
        crate::paging::same_instance(&cursor.x, instance)?;
        if cursor.n > crate::paging::MAX_PER_PAGE || (notes && cursor.n == 0) {
            return Err(crate::paging::impossible());
        }
        let project_differs = project.is_some_and(|p| !p.eq_ignore_ascii_case(&cursor.p));
        if project_differs || iid.is_some_and(|i| i != cursor.i) {
            return Err(ConnectorError::invalid(format!(
                "this cursor continues {}!{} (iid {}); pass it alone (or with that project and iid), or omit cursor to start over",
                cursor.p, cursor.i, cursor.i
            )));
        }
        Ok(cursor)
    }

    /// The cursor as text.
    pub fn encode(&self) -> String {
        encode_cursor(self)
    }
}

/// The project and iid of an item tool: given, else an error that names both and the cursor.
pub(crate) fn item_arguments(
    project: Option<&str>,
    iid: Option<u64>,
    example: &str,
) -> Result<(String, u64), ConnectorError> {
    match (project, iid) {
        (Some(project), Some(iid)) => Ok((project.to_owned(), iid)),
        _ => Err(ConnectorError::invalid(format!(
            "project and iid are required (such as project=\"my-group/my-project\" iid={example}), unless you pass the cursor of a previous result"
        ))),
    }
}
