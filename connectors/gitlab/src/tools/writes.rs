//! What the write tools share: turning usernames into the user ids GitLab's issue API takes,
//! and checking labels.

use switchyard_core::{CallContext, ConnectorError};

use crate::ids;
use crate::instance::Instance;
use crate::wire::UserId;

/// The most assignees one call may set.
const MAX_ASSIGNEES: usize = 10;

/// The user ids of `names` (each must exist).
pub(crate) async fn user_ids(
    gl: &Instance,
    names: &[String],
    ctx: &CallContext,
) -> Result<Vec<u64>, ConnectorError> {
    if names.len() > MAX_ASSIGNEES {
        return Err(ConnectorError::invalid(format!(
            "at most {MAX_ASSIGNEES} assignees per call"
        )));
    }
    let mut ids_found = Vec::with_capacity(names.len());
    for name in names {
        let name = name.trim_start_matches('@');
        ids::check_username(name)?;
        let (users, _) = gl
            .client
            .get_json::<Vec<UserId>>(
                "users",
                &[("username", name.to_owned())],
                &format!("user {name}"),
                ctx,
            )
            .await?;
        let user = users
            .first()
            .ok_or_else(|| gl.client.origin.not_found(&format!("user @{name}")))?;
        ids_found.push(user.id);
    }
    Ok(ids_found)
}

/// Labels as GitLab's comma-separated list; a label may not contain a comma.
pub(crate) fn labels(list: &[String]) -> Result<String, ConnectorError> {
    for label in list {
        if label.trim().is_empty() || label.contains(',') || label.chars().any(char::is_control) {
            return Err(ConnectorError::invalid(format!(
                "label {label:?} is empty or contains a comma or control character"
            )));
        }
    }
    Ok(list.join(","))
}
