//! Merge requests: lists, the summary ("1000+" changes, approvals, failed pipeline), files
//! (binary, renamed, generated), and diffs (overflow reported, collapsed files, a large diff
//! bounded with a way to read one file).

use serde_json::{Value, json};
use wiremock::MockServer;
use wiremock::matchers::query_param;

use crate::support::{ENCODED, PROJECT, connector, get, json_fixture, ok, ok_json, page, requests};

/// A merge request's changes of about 36k tokens: 40 files of ~3.6 KB patches, plus a
/// 2,500-line generated file and a lock file.
pub fn large_changes() -> Value {
    let mut changes: Vec<Value> = (0..40)
        .map(|i| {
            let patch: String = (0..60).map(|l| format!("+    let value_{l} = compute({i}, {l}); // line\n")).collect();
            json!({"old_path": format!("src/mod{i}.rs"), "new_path": format!("src/mod{i}.rs"), "a_mode": "100644", "b_mode": "100644",
                   "diff": format!("@@ -1,0 +1,60 @@\n{patch}"), "new_file": false, "renamed_file": false, "deleted_file": false, "generated_file": false})
        })
        .collect();
    let generated: String = (0..2500)
        .map(|l| format!("+pub const C{l}: u32 = {l};\n"))
        .collect();
    changes.push(json!({"old_path": "src/schema_generated.rs", "new_path": "src/schema_generated.rs", "a_mode": "0", "b_mode": "100644",
        "diff": format!("@@ -0,0 +1,2500 @@\n{generated}"), "new_file": true, "renamed_file": false, "deleted_file": false, "generated_file": false}));
    changes.push(json!({"old_path": "Cargo.lock", "new_path": "Cargo.lock", "a_mode": "100644", "b_mode": "100644",
        "diff": "@@ -1 +1 @@\n-a\n+b\n", "new_file": false, "renamed_file": false, "deleted_file": false, "generated_file": false}));
    let mut mr = json_fixture("merge_request_changes.json");
    mr["changes"] = Value::Array(changes);
    mr["overflow"] = json!(false);
    mr["changes_count"] = json!("42");
    mr
}

#[tokio::test]
async fn merge_request_lists_are_compact_by_default() {
    let server = MockServer::start().await;
    let base = json_fixture("merge_requests_list.json");
    let mrs: Vec<Value> = (0..10)
        .map(|i| {
            let mut mr = base[i % 2].clone();
            mr["iid"] = json!(i + 1);
            mr["description"] = json!("body text ".repeat(820));
            mr
        })
        .collect();
    get(&format!("projects/{ENCODED}/merge_requests"))
        .and(query_param("state", "all"))
        .and(query_param("per_page", "20"))
        .and(query_param("page", "1"))
        .respond_with(page(&Value::Array(mrs), 1, false, Some(10)))
        .expect(1)
        .mount(&server)
        .await;
    let out = ok(
        &connector(&server),
        "gitlab_list_merge_requests",
        json!({"project": PROJECT}),
    )
    .await;
    assert!(out.text.contains("items: 10"), "{}", out.text);
    assert!(out.text.contains("!2 [opened, draft]"), "{}", out.text);
    assert!(
        out.text
            .contains(&format!("gitlab://{PROJECT}/-/merge_requests/1"))
    );
    assert!(!out.text.contains("body text"), "bodies only with detail");
    assert!(out.text.len() < 4_000, "{} bytes", out.text.len());
}

#[tokio::test]
async fn the_summary_reports_capped_changes_approvals_and_failed_jobs() {
    let server = MockServer::start().await;
    get(&format!("projects/{ENCODED}/merge_requests/133"))
        .respond_with(ok_json(&json_fixture("merge_request_get.json")))
        .expect(1)
        .mount(&server)
        .await;
    get(&format!("projects/{ENCODED}/merge_requests/133/approvals"))
        .respond_with(ok_json(&json!({"approved": false, "approvals_required": 2, "approvals_left": 1, "approved_by": [{"user": {"username": "octo-reviewer"}}]})))
        .mount(&server)
        .await;
    get(&format!("projects/{ENCODED}/pipelines/538317940/jobs"))
        .and(query_param("scope[]", "failed"))
        .respond_with(ok_json(&json_fixture("pipeline_jobs_failed.json")))
        .expect(1)
        .mount(&server)
        .await;
    let out = ok(
        &connector(&server),
        "gitlab_get_merge_request",
        json!({"project": PROJECT, "iid": 133}),
    )
    .await;
    let text = &out.text;
    assert!(
        text.contains("changes: 1000+ files (GitLab's count is capped"),
        "{text}"
    );
    assert!(
        text.contains("approved by @octo-reviewer · 1 of 2 required approvals left"),
        "{text}"
    );
    assert!(text.contains("head pipeline 538317940 failed"), "{text}");
    assert!(
        text.contains("failed job 7001 \"test:unit 🧪\" (stage test, script_failure"),
        "{text}"
    );
    assert!(text.contains("merge status: mergeable"), "{text}");
    assert!(text.contains("feature/unicode-paths → main"), "{text}");
}

#[tokio::test]
async fn files_say_binary_renamed_deleted_and_generated() {
    let server = MockServer::start().await;
    get(&format!("projects/{ENCODED}/merge_requests/1/diffs"))
        .and(query_param("per_page", "50"))
        .respond_with(page(
            &json_fixture("merge_request_diffs.json"),
            1,
            false,
            Some(6),
        ))
        .expect(1)
        .mount(&server)
        .await;
    let out = ok(
        &connector(&server),
        "gitlab_get_merge_request_files",
        json!({"project": PROJECT, "iid": 1}),
    )
    .await;
    let text = &out.text;
    assert!(text.contains("VERSION (modified, +1 -1)"), "{text}");
    assert!(
        text.contains("docs/setup.md -> docs/getting-started.md (renamed, +1 -1)"),
        "{text}"
    );
    assert!(
        text.contains("LICENSE -> LICENSE-MIT (renamed, +0 -0) (renamed without changes)"),
        "{text}"
    );
    assert!(
        text.contains("docs/img/architecture.png (added, binary)"),
        "{text}"
    );
    assert!(
        text.contains("scripts/legacy_build.sh (removed, +0 -2)"),
        "{text}"
    );
    assert!(
        text.contains("yarn.lock (modified, +0 -0) [generated]"),
        "{text}"
    );
}

#[tokio::test]
async fn an_overflowed_diff_is_reported_not_hidden() {
    let server = MockServer::start().await;
    get(&format!("projects/{ENCODED}/merge_requests/1/changes"))
        .respond_with(ok_json(&json_fixture("merge_request_changes.json")))
        .mount(&server)
        .await;
    let out = ok(
        &connector(&server),
        "gitlab_get_merge_request_diff",
        json!({"project": PROJECT, "iid": 1}),
    )
    .await;
    assert!(out.truncated);
    assert!(
        out.text
            .contains("[overflow: GitLab's own diff limits cut this merge request"),
        "{}",
        out.text
    );
    assert!(
        out.text.contains("yarn.lock: generated, diff collapsed"),
        "{}",
        out.text
    );
    assert!(
        out.text.contains("(binary file, no text diff)"),
        "{}",
        out.text
    );
}

#[tokio::test]
async fn a_large_diff_is_bounded_and_one_file_can_be_read() {
    let server = MockServer::start().await;
    get(&format!("projects/{ENCODED}/merge_requests/9/changes"))
        .respond_with(ok_json(&large_changes()))
        .mount(&server)
        .await;
    let gl = connector(&server);
    let out = ok(
        &gl,
        "gitlab_get_merge_request_diff",
        json!({"project": PROJECT, "iid": 9}),
    )
    .await;
    assert!(out.text.len() <= 80_000, "{}", out.text.len());
    assert!(out.truncated, "36k tokens cannot fit 20k");
    // Every file is in the summary; the generated file is one line; patches are plain text.
    assert!(
        out.text.contains("src/mod39.rs (modified, +60 -0)"),
        "{}",
        &out.text[..3000]
    );
    assert!(
        out.text
            .contains("src/schema_generated.rs (added, +2500 -0) [generated]")
    );
    assert!(!out.text.contains("pub const C7: u32"));
    assert!(
        out.text
            .contains("+    let value_3 = compute(0, 3); // line\n")
    );
    assert!(!out.text.contains("\\n"), "patches are not JSON-escaped");
    assert!(
        out.text.contains("path=\"<file>\" to see one") || out.text.contains("for this file alone"),
        "{}",
        &out.text[out.text.len() - 800..]
    );
    // One file on request, with raw diffs asked of GitLab.
    let one = ok(
        &gl,
        "gitlab_get_merge_request_diff",
        json!({"project": PROJECT, "iid": 9, "path": "src/schema_generated.rs"}),
    )
    .await;
    assert!(
        one.text.contains("pub const C7: u32 = 7;"),
        "{}",
        &one.text[..500]
    );
    assert!(one.text.contains("1 file changed"));
    let sent = requests(&server).await;
    assert!(
        sent[1].ends_with("/changes?access_raw_diffs=true"),
        "{sent:?}"
    );
}

/// The number after `from_line=` in a cut hint, if the text has one.
fn next_from_line(text: &str) -> Option<u32> {
    let at = text.find(" from_line=")? + " from_line=".len();
    let digits: String = text[at..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    digits.parse().ok()
}

#[tokio::test]
async fn one_files_patch_is_read_to_its_end_with_from_line() {
    let server = MockServer::start().await;
    let patch: String = std::iter::once("@@ -0,0 +1,3000 @@\n".to_owned())
        .chain((0..3000).map(|l| format!("+    let line_{l} = {l};\n")))
        .collect();
    let mut changes = large_changes();
    changes["changes"] = json!([{"old_path": "src/big.rs", "new_path": "src/big.rs", "a_mode": "0", "b_mode": "100644",
        "diff": patch, "new_file": true, "renamed_file": false, "deleted_file": false, "generated_file": false}]);
    get(&format!("projects/{ENCODED}/merge_requests/9/changes"))
        .and(query_param("access_raw_diffs", "true"))
        .respond_with(ok_json(&changes))
        .mount(&server)
        .await;
    let gl = connector(&server);
    let ctx = switchyard_core::CallContext::for_tests()
        .with_budget(switchyard_core::ResponseBudget::tokens(4_000));
    let part = |from_line: Option<u32>| {
        let mut arguments = json!({"project": PROJECT, "iid": 9, "path": "src/big.rs"});
        if let Some(line) = from_line {
            arguments["from_line"] = json!(line);
        }
        let (gl, ctx) = (&gl, &ctx);
        async move {
            use switchyard_core::Connector as _;
            gl.call(
                "gitlab_get_merge_request_diff",
                &crate::support::args(arguments),
                ctx,
            )
            .await
            .unwrap_or_else(|err| panic!("{err}"))
        }
    };
    let first = part(None).await;
    assert!(first.truncated);
    let next = next_from_line(&first.text).unwrap_or_else(|| panic!("{}", first.text));
    assert!(
        first.text.contains(&format!(
            " of src/big.rs; call gitlab_get_merge_request_diff with project=\"{PROJECT}\" iid=9 path=\"src/big.rs\" from_line={next} for the next part]"
        )),
        "{}",
        &first.text[first.text.len() - 400..]
    );
    // Patch line n (n >= 2) is line_{n-2}: the first part ends right before the next one.
    assert!(first.text.contains(&format!("let line_{} = ", next - 3)));
    assert!(!first.text.contains(&format!("let line_{} = ", next - 2)));
    let mut seen = first.text.matches("    let line_").count();
    let mut from = Some(next);
    let mut calls = 1;
    let mut last = first;
    while let Some(line) = from {
        last = part(Some(line)).await;
        assert!(
            last.text.contains(&format!(
                "(patch lines from {line} of 3001; inside hunk @@ -0,0 +1,3000 @@)\n+    let line_{} = ",
                line - 2
            )),
            "{}",
            &last.text[..400]
        );
        seen += last.text.matches("    let line_").count();
        from = next_from_line(&last.text);
        calls += 1;
        assert!(calls < 50, "the parts do not advance");
    }
    assert_eq!(seen, 3000, "each line once, none lost");
    assert!(!last.truncated);
    assert!(last.text.contains("let line_2999 = 2999;"));
    let sent = requests(&server).await;
    assert_eq!(sent.len(), calls);
    assert!(
        sent.iter().all(|r| r.ends_with(&format!(
            "/api/v4/projects/{ENCODED}/merge_requests/9/changes?access_raw_diffs=true"
        ))),
        "{sent:?}"
    );
    // Past the end, and without path, are refused before any request.
    for (arguments, said) in [
        (
            json!({"project": PROJECT, "iid": 9, "path": "src/big.rs", "from_line": 3002}),
            "from_line 3002 is past the end: the patch of src/big.rs has 3001 lines",
        ),
        (
            json!({"project": PROJECT, "iid": 9, "from_line": 2}),
            "from_line continues one file's patch: pass it with path",
        ),
    ] {
        let err = crate::support::call(&gl, "gitlab_get_merge_request_diff", arguments)
            .await
            .map(|out| out.text)
            .unwrap_err();
        assert!(err.to_string().contains(said), "{err}");
    }
}

#[tokio::test]
async fn one_note_and_one_file_are_said_in_the_singular() {
    let server = MockServer::start().await;
    let mut mr = json_fixture("merge_request_get.json");
    mr["user_notes_count"] = json!(1);
    mr["changes_count"] = json!("1");
    mr["head_pipeline"] = Value::Null;
    get(&format!("projects/{ENCODED}/merge_requests/133"))
        .respond_with(ok_json(&mr))
        .mount(&server)
        .await;
    get(&format!("projects/{ENCODED}/merge_requests/133/approvals"))
        .respond_with(ok_json(&json!({"approved_by": []})))
        .mount(&server)
        .await;
    let out = ok(
        &connector(&server),
        "gitlab_get_merge_request",
        json!({"project": PROJECT, "iid": 133}),
    )
    .await;
    assert!(out.text.contains("changes: 1 file\n"), "{}", out.text);
    assert!(out.text.contains("\n1 note · files: "), "{}", out.text);
    let sent = requests(&server).await;
    assert!(
        sent[0].ends_with(&format!("/api/v4/projects/{ENCODED}/merge_requests/133")),
        "{sent:?}"
    );
}
