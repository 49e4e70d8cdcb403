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
    /// Decode a cursor of `tool` on `instance` for `project` and `iid`, at a possible position.
    pub fn decode(
        text: &str,
        tool: &str,
        instance: &str,
        project: &str,
        iid: u64,
    ) -> Result<Self, ConnectorError> {
        let cursor: ItemCursor = decode_cursor(text)?;
        crate::paging::same_instance(&cursor.x, instance)?;
        if cursor.n == 0 || cursor.n > crate::paging::MAX_PER_PAGE {
            return Err(crate::paging::impossible());
        }
        if cursor.t != tool || cursor.p != project || cursor.i != iid {
            return Err(ConnectorError::invalid(format!(
                "this cursor belongs to another {tool} call (another tool, project or iid); pass it with the same project and iid, or omit it"
            )));
        }
        Ok(cursor)
    }

    /// The cursor as text.
    pub fn encode(&self) -> String {
        encode_cursor(self)
    }
}
