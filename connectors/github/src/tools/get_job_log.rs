//! `github_get_job_log`: the last lines of an Actions job's log (GitHub redirects to a storage
//! host, which is read without the token), timestamps dropped, capped.

use schemars::JsonSchema;
use serde::Deserialize;
use switchyard_core::{CallContext, ConnectorError, ToolEffects, ToolOutput, ToolSpec};

use crate::ids::check_number;
use crate::paging::page_size;
use crate::render;
use crate::tools::common::{Instance, finish, room};

pub(crate) const NAME: &str = "github_get_job_log";

/// Arguments of `github_get_job_log`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct Params {
    /// owner/name.
    pub repo: String,
    /// Job id (from github_list_workflow_runs).
    pub job_id: u64,
    /// Lines from the end (default 200, max 2000).
    pub lines: Option<u32>,
}

pub(crate) fn spec() -> ToolSpec {
    ToolSpec::new::<Params>(
        NAME,
        "Get a GitHub Actions job log",
        "Get the last lines of a CI job's log.",
        ToolEffects::REMOTE_READ,
    )
}

pub(crate) async fn run(
    instance: &Instance,
    params: Params,
    ctx: &CallContext,
) -> Result<ToolOutput, ConnectorError> {
    let repo = instance.repo(&params.repo)?;
    let job = check_number("job_id", params.job_id)?;
    let wanted = page_size("lines", params.lines, 200, 2000)? as usize;
    let what = format!("the log of job {job} of {}", repo.full());
    let reply = instance
        .client
        .get_log(
            &format!("{}/actions/jobs/{job}/logs", repo.api()),
            &what,
            ctx,
        )
        .await?;
    let log = reply.text();
    let lines: Vec<&str> = log.lines().collect();
    let skip = lines.len().saturating_sub(wanted);
    let tail: Vec<&str> = lines[skip..]
        .iter()
        .map(|line| strip_timestamp(line))
        .collect();
    let mut text = format!(
        "log of job {job} of {} on {}: last {} of {}\n\n",
        repo.full(),
        instance.id,
        tail.len(),
        render::plural(lines.len() as u64, "line")
    );
    let body = render::clean(&tail.join("\n"));
    // Keep the end: the failure is usually in the last lines.
    let room = room(ctx, text.len());
    let mut truncated = false;
    let shown = if body.len() > room {
        truncated = true;
        let mut start = body.len() - room;
        while !body.is_char_boundary(start) {
            start += 1;
        }
        let from = body[start..].find('\n').map_or(start, |at| start + at + 1);
        let dropped = body[..from].lines().count();
        text.push_str(&format!("[truncated: the first {dropped} of these lines did not fit the response budget; ask for fewer lines]\n"));
        &body[from..]
    } else {
        &body[..]
    };
    text.push_str(shown);
    Ok(finish(text, truncated, Vec::new()))
}

/// Drop the `2024-01-01T00:00:00.0000000Z ` prefix GitHub puts on every log line.
fn strip_timestamp(line: &str) -> &str {
    let bytes = line.as_bytes();
    if bytes.len() > 20
        && bytes[4] == b'-'
        && bytes[10] == b'T'
        && let Some(at) = line.find("Z ")
        && at < 40
    {
        &line[at + 2..]
    } else {
        line
    }
}

#[cfg(test)]
mod tests {
    use super::strip_timestamp;

    #[test]
    fn timestamps_are_dropped() {
        assert_eq!(
            strip_timestamp("2024-01-01T00:00:00.1234567Z error: x"),
            "error: x"
        );
        assert_eq!(strip_timestamp("plain line"), "plain line");
    }
}
