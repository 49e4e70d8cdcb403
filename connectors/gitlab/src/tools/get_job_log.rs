//! `gitlab_get_job_log`: the last lines of a CI job's log (ANSI colours and GitLab's section
//! markers removed, secrets redacted), capped in lines and bytes. Only the tail is read.

use std::fmt::Write as _;

use schemars::JsonSchema;
use serde::Deserialize;
use switchyard_core::budget::cut_text;
use switchyard_core::{CallContext, ConnectorError, ToolEffects, ToolOutput, ToolSpec};

use crate::instance::Instance;
use crate::redact::clean;
use crate::uris;

/// The tool name.
pub(crate) const NAME: &str = "gitlab_get_job_log";
const DEFAULT_LINES: usize = 100;
const MAX_LINES: usize = 2000;
/// The most of a log's end we read.
const TAIL_BYTES: usize = 1024 * 1024;

/// Arguments of `gitlab_get_job_log`.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct Params {
    /// Project path, e.g. group/project.
    #[schemars(length(max = 1024))]
    pub project: String,
    /// Job id.
    pub job_id: u64,
    /// Lines from the end (default 100, max 2000).
    pub lines: Option<u32>,
}

/// The tool description.
pub(crate) fn spec() -> ToolSpec {
    ToolSpec::new::<Params>(
        NAME,
        "GitLab: job log tail",
        "Get the last lines of a CI job's log.",
        ToolEffects::REMOTE_READ,
    )
}

/// Run `gitlab_get_job_log`.
pub(crate) async fn run(
    gl: &Instance,
    params: Params,
    ctx: &CallContext,
) -> Result<ToolOutput, ConnectorError> {
    let project = gl.project(&params.project)?;
    let wanted = match params.lines {
        None => DEFAULT_LINES,
        Some(0) => return Err(ConnectorError::invalid("lines must be at least 1")),
        Some(n) => usize::try_from(n).unwrap_or(MAX_LINES).min(MAX_LINES),
    };
    let object = format!("job {} of {project}", params.job_id);
    let reply = gl
        .client
        .get_tail(
            &format!(
                "projects/{}/jobs/{}/trace",
                project.encoded(),
                params.job_id
            ),
            &object,
            ctx,
            TAIL_BYTES,
        )
        .await?;
    let raw = String::from_utf8_lossy(&reply.body);
    let plain = clean(&strip_terminal(&raw));
    let mut lines: Vec<&str> = plain.trim_end_matches(['\n', '\r']).lines().collect();
    if reply.cut && !lines.is_empty() {
        lines.remove(0); // a partial line where the read began
    }
    let total = lines.len();
    let start = total.saturating_sub(wanted);
    let mut tail = lines[start..].join("\n");
    let room = ctx.budget.max_bytes().saturating_sub(600);
    let mut byte_cut = 0;
    if tail.len() > room {
        // Keep the end: cut the reversed view by dropping leading bytes at a line start.
        let drop = tail.len() - room;
        let at = tail[drop..].find('\n').map_or(drop, |i| drop + i + 1);
        let at = (at..=tail.len())
            .find(|i| tail.is_char_boundary(*i))
            .unwrap_or(tail.len());
        byte_cut = at;
        tail = tail[at..].to_owned();
    }
    let shown = tail.lines().count();
    let uri = uris::job(&gl.id, project.as_str(), params.job_id);
    let mut text = format!(
        "log of job {} of {project} on {}: last {}",
        params.job_id,
        gl.id,
        crate::render::plural(shown as u64, "line")
    );
    if reply.cut {
        let _ = write!(
            text,
            " (the log is over {} KB; only its end was read)",
            TAIL_BYTES / 1024
        );
    } else {
        let _ = write!(text, " of {total}");
    }
    let _ = writeln!(text, "\n{uri}\n---");
    text.push_str(cut_text(&tail, room).kept);
    let truncated = shown < total || reply.cut;
    if byte_cut > 0 {
        let _ = write!(
            text,
            "\n[truncated: earlier lines not shown to stay within the response budget; ask for fewer lines]"
        );
    } else if truncated {
        let _ = write!(
            text,
            "\n[truncated: {} earlier lines not shown; raise lines (max {MAX_LINES}) for more]",
            total - shown
        );
    }
    Ok(ToolOutput {
        text,
        truncated,
        next_cursor: None,
        uris: vec![uri],
        structured: None,
    })
}

/// Remove ANSI escape sequences, carriage-return overwrites and GitLab's
/// `section_start:…`/`section_end:…` markers.
fn strip_terminal(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for line in text.split('\n') {
        // A carriage return redraws the line: keep what was drawn last.
        let line = line.trim_end_matches('\r');
        let line = line
            .rsplit('\r')
            .find(|part| !part.is_empty())
            .unwrap_or("");
        let mut chars = line.chars().peekable();
        let mut clean = String::with_capacity(line.len());
        while let Some(c) = chars.next() {
            if c == '\u{1b}' {
                if chars.peek() == Some(&'[') {
                    chars.next();
                    for next in chars.by_ref() {
                        if next.is_ascii_alphabetic() {
                            break;
                        }
                    }
                }
                continue;
            }
            clean.push(c);
        }
        let trimmed = clean.trim_start();
        if trimmed.starts_with("section_start:") || trimmed.starts_with("section_end:") {
            // `section_start:1700000000:name` then maybe the header text after it
            let rest = trimmed.splitn(3, ':').nth(2).unwrap_or("");
            let rest = rest.split_once(char::is_whitespace).map_or("", |(_, r)| r);
            if rest.trim().is_empty() {
                continue;
            }
            out.push_str(rest);
        } else {
            out.push_str(&clean);
        }
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::strip_terminal;

    #[test]
    fn strips_colours_and_sections() {
        let log = "section_start:1700000000:prepare\r\u{1b}[0K\u{1b}[0K\u{1b}[36;1mPreparing\u{1b}[0;m\n\u{1b}[31mERROR\u{1b}[0m: failed\nsection_end:1700000001:prepare\r\u{1b}[0K\n";
        let out = strip_terminal(log);
        assert!(out.contains("ERROR: failed"), "{out:?}");
        assert!(!out.contains('\u{1b}'));
        assert!(!out.contains("section_end"), "{out:?}");
    }
}
