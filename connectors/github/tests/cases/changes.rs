//! Pull request diffs and files, commits (cases 1 and 2 of issue 4).

use serde_json::json;
use wiremock::matchers::{header, method, path, query_param};
use wiremock::{Mock, ResponseTemplate};

use crate::support::{bearer, call, call_with_budget, connector, fixture, upstream};

/// A raw diff of `files` modified files of `lines` added lines each.
fn big_diff(files: usize, lines: usize) -> String {
    let mut diff = String::new();
    for f in 0..files {
        diff.push_str(&format!(
            "diff --git a/src/file{f}.rs b/src/file{f}.rs\nindex 111..222 100644\n--- a/src/file{f}.rs\n+++ b/src/file{f}.rs\n@@ -1,1 +1,{lines} @@\n"
        ));
        for l in 0..lines {
            diff.push_str(&format!(
                "+    let value_{l} = compute(\"{f}-{l}\", {l});\n"
            ));
        }
    }
    diff
}

#[tokio::test]
async fn a_36k_token_diff_is_bounded_with_a_file_summary_and_one_file_on_request() {
    let server = upstream().await;
    let diff = big_diff(30, 110);
    assert!(
        diff.len() / 4 > 35_000,
        "the fixture is about 36k tokens: {}",
        diff.len() / 4
    );
    Mock::given(method("GET"))
        .and(path("/repos/octo/hello/pulls/5"))
        .and(header("accept", "application/vnd.github.diff"))
        .and(header("authorization", bearer().as_str()))
        .respond_with(ResponseTemplate::new(200).set_body_string(diff))
        .expect(2)
        .mount(&server)
        .await;
    let github = connector(&server);
    let out = call(
        &github,
        "github_get_pull_request_diff",
        json!({"repo": "octo/hello", "number": 5}),
    )
    .await;
    assert!(out.text.len() <= 80_000, "{} bytes", out.text.len());
    assert!(out.truncated);
    assert!(out.text.contains("30 files changed, +3300 -0"));
    assert!(
        out.text.contains("src/file29.rs (modified, +110 -0)"),
        "every file is in the summary"
    );
    assert!(
        out.text.contains("path=\"<file>\" to see one"),
        "{}",
        &out.text[out.text.len() - 600..]
    );
    let one = call(
        &github,
        "github_get_pull_request_diff",
        json!({"repo": "octo/hello", "number": 5, "path": "src/file29.rs"}),
    )
    .await;
    assert!(one.text.contains("1 file changed, +110 -0"));
    assert!(
        one.text
            .contains("+    let value_109 = compute(\"29-109\", 109);")
    );
    assert!(!one.text.contains("src/file28.rs"));
}

#[tokio::test]
async fn a_generated_file_is_one_summary_line_and_patches_are_plain_text() {
    let server = upstream().await;
    let mut diff = String::from(
        "diff --git a/src/api_generated.rs b/src/api_generated.rs\nnew file mode 100644\nindex 0000000..1111111\n--- /dev/null\n+++ b/src/api_generated.rs\n@@ -0,0 +1,2500 @@\n",
    );
    for l in 0..2500 {
        diff.push_str(&format!("+pub const C{l}: &str = \"generated {l}\";\n"));
    }
    for name in ["src/lib.rs", "README.md", "src/main.rs"] {
        diff.push_str(&format!(
            "diff --git a/{name} b/{name}\nindex 1..2 100644\n--- a/{name}\n+++ b/{name}\n@@ -1,2 +1,2 @@\n context\n-let s = \"old\\tvalue\";\n+let s = \"new\\tvalue\";\n"
        ));
    }
    Mock::given(method("GET"))
        .and(path("/repos/octo/hello/pulls/7"))
        .respond_with(ResponseTemplate::new(200).set_body_string(diff))
        .mount(&server)
        .await;
    let github = connector(&server);
    let out = call(
        &github,
        "github_get_pull_request_diff",
        json!({"repo": "octo/hello", "number": 7}),
    )
    .await;
    assert!(!out.truncated, "{}", out.text);
    assert!(
        out.text
            .contains("src/api_generated.rs (added, +2500 -0) [generated]")
    );
    assert!(
        out.text
            .contains("=== src/api_generated.rs: generated, diff collapsed")
    );
    assert!(
        !out.text.contains("generated 17"),
        "the generated patch is not shown"
    );
    // Plain text: quotes and backslashes as they are in the file, not JSON-escaped.
    assert!(
        out.text.contains("+let s = \"new\\tvalue\";\n"),
        "{}",
        out.text
    );
    assert!(!out.text.contains("\\\"new"));
    assert!(out.text.len() < 3_000);
    let shown = call(
        &github,
        "github_get_pull_request_diff",
        json!({"repo": "octo/hello", "number": 7, "include_generated": true, "max_lines": 10}),
    )
    .await;
    assert!(shown.text.contains("generated 3\";"));
    assert!(shown.text.contains("for this file alone"));
}

#[tokio::test]
async fn the_recorded_diff_and_file_list_show_renames_binaries_and_deletions() {
    let server = upstream().await;
    Mock::given(method("GET"))
        .and(path("/repos/octo-user/Hello-World/pulls/1347"))
        .and(header("accept", "application/vnd.github.diff"))
        .respond_with(ResponseTemplate::new(200).set_body_string(fixture("pull_diff.diff")))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/repos/octo-user/Hello-World/pulls/1347/files"))
        .and(query_param("per_page", "100"))
        .respond_with(ResponseTemplate::new(200).set_body_string(fixture("pull_files.json")))
        .mount(&server)
        .await;
    let github = connector(&server);
    let diff = call(
        &github,
        "github_get_pull_request_diff",
        json!({"repo": "octo-user/Hello-World", "number": 1347}),
    )
    .await;
    assert!(
        diff.text
            .contains("docs/images/architecture.png (added, binary)"),
        "{}",
        diff.text
    );
    assert!(
        diff.text
            .contains("docs/setup.md -> docs/getting-started.md (renamed, +1 -1)")
    );
    assert!(
        diff.text
            .contains("LICENSE -> LICENSE-MIT (renamed, +0 -0)")
    );
    assert!(
        diff.text
            .contains("scripts/legacy_build.sh (removed, +0 -12)")
    );
    assert!(diff.text.contains("資料/日本語ファイル.md"));
    let files = call(
        &github,
        "github_get_pull_request_files",
        json!({"repo": "octo-user/Hello-World", "number": 1347}),
    )
    .await;
    assert!(
        files
            .text
            .contains("docs/images/architecture.png (added, binary)"),
        "{}",
        files.text
    );
    assert!(
        files
            .text
            .contains("docs/setup.md -> docs/getting-started.md (renamed, +1 -1)")
    );
    assert!(files.text.contains("items: 6"));
}

#[tokio::test]
async fn a_diff_over_githubs_limit_falls_back_to_the_file_listing_and_says_so() {
    let server = upstream().await;
    Mock::given(method("GET"))
        .and(path("/repos/octo/hello/pulls/9"))
        .respond_with(ResponseTemplate::new(406).set_body_json(
            json!({"message": "Sorry, the diff exceeded the maximum number of lines (20000)"}),
        ))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/repos/octo/hello/pulls/9/files"))
        .respond_with(ResponseTemplate::new(200).set_body_string(fixture("pull_files.json")))
        .mount(&server)
        .await;
    let out = call(
        &connector(&server),
        "github_get_pull_request_diff",
        json!({"repo": "octo/hello", "number": 9}),
    )
    .await;
    assert!(
        out.text
            .contains("GitHub refused the whole diff as too large (status 406)")
    );
    assert!(out.text.contains("src/path.rs (modified, +5 -3)"));
}

#[tokio::test]
async fn a_commit_shows_message_stats_and_capped_diff() {
    let server = upstream().await;
    Mock::given(method("GET"))
        .and(path("/repos/octo/hello/commits/main"))
        .respond_with(ResponseTemplate::new(200).set_body_string(fixture("commit_get.json")))
        .mount(&server)
        .await;
    let github = connector(&server);
    let out = call(
        &github,
        "github_get_commit",
        json!({"repo": "octo/hello", "ref": "main"}),
    )
    .await;
    assert!(out.text.contains("Fix all the bugs"));
    assert!(out.text.contains("+104 -4"));
    assert!(out.uris[0].starts_with("github://octo/hello/commit/"));
    let small = call_with_budget(
        &github,
        "github_get_commit",
        json!({"repo": "octo/hello", "ref": "main"}),
        256,
    )
    .await;
    assert!(small.text.len() <= 1024);
}

#[tokio::test]
async fn a_pull_request_has_summary_reviews_and_checks() {
    let server = upstream().await;
    let pull = fixture("pull_get.json");
    let head: serde_json::Value = serde_json::from_str(&pull).unwrap();
    let sha = head["head"]["sha"].as_str().unwrap().to_owned();
    Mock::given(method("GET"))
        .and(path("/repos/octo/hello/pulls/1347"))
        .respond_with(ResponseTemplate::new(200).set_body_string(pull))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/repos/octo/hello/pulls/1347/reviews"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([
            {"user": {"login": "octo-reviewer"}, "state": "CHANGES_REQUESTED"},
            {"user": {"login": "octo-reviewer"}, "state": "APPROVED"},
            {"user": {"login": "octo-oncall"}, "state": "COMMENTED"}
        ])))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(format!("/repos/octo/hello/commits/{sha}/check-runs")))
        .respond_with(ResponseTemplate::new(200).set_body_string(fixture("check_runs_list.json")))
        .mount(&server)
        .await;
    let out = call(
        &connector(&server),
        "github_get_pull_request",
        json!({"repo": "octo/hello", "number": 1347}),
    )
    .await;
    assert!(out.text.contains("\"Amazing new feature\""), "{}", out.text);
    assert!(
        out.text
            .contains("reviews: @octo-oncall commented, @octo-reviewer approved"),
        "{}",
        out.text
    );
    assert!(out.text.contains("checks: 1 (1 neutral)"), "{}", out.text);
    assert!(out.text.contains("mergeable: yes (clean)"));
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
    let server = upstream().await;
    // src/file1.rs: a hunk header and 3,000 added lines (patch lines 1..=3001).
    Mock::given(method("GET"))
        .and(path("/repos/octo/hello/pulls/5"))
        .and(header("accept", "application/vnd.github.diff"))
        .and(header("authorization", bearer().as_str()))
        .respond_with(ResponseTemplate::new(200).set_body_string(big_diff(2, 3000)))
        .mount(&server)
        .await;
    let github = connector(&server);
    let call_at = |from_line: Option<u32>| {
        let mut arguments = json!({"repo": "octo/hello", "number": 5, "path": "src/file1.rs"});
        if let Some(line) = from_line {
            arguments["from_line"] = json!(line);
        }
        let github = &github;
        async move { call(github, "github_get_pull_request_diff", arguments).await }
    };
    let first = call_at(None).await;
    assert!(first.truncated);
    assert!(
        first.text.contains(
            "of src/file1.rs; call github_get_pull_request_diff with repo=\"octo/hello\" number=5 path=\"src/file1.rs\" from_line=301 for the next part]"
        ),
        "{}",
        &first.text[first.text.len() - 400..]
    );
    assert!(
        first.text.contains("[cut: 2701 more lines ("),
        "{}",
        &first.text[first.text.len() - 400..]
    );
    // Patch line 300 is value_298; line 301 (value_299) starts the next part.
    assert!(first.text.contains("compute(\"1-298\", 298);\n"));
    assert!(!first.text.contains("compute(\"1-299\""));
    let second = call_at(Some(301)).await;
    assert!(
        second.text.contains(
            "(patch lines from 301 of 3001; inside hunk @@ -1,1 +1,3000 @@)\n+    let value_299 ="
        ),
        "{}",
        &second.text[..600]
    );
    assert_eq!(next_from_line(&second.text), Some(601));
    // Reading on from each hint reaches the last line, each line exactly once.
    let mut seen =
        first.text.matches("compute(\"1-").count() + second.text.matches("compute(\"1-").count();
    let mut from = next_from_line(&second.text);
    let mut calls = 2;
    let mut last = second;
    while let Some(line) = from {
        last = call_at(Some(line)).await;
        seen += last.text.matches("compute(\"1-").count();
        from = next_from_line(&last.text);
        calls += 1;
        assert!(calls <= 11, "the parts do not advance");
    }
    assert_eq!(seen, 3000);
    assert_eq!(calls, 11);
    assert!(!last.truncated);
    assert!(last.text.contains("compute(\"1-2999\", 2999);"));
    // Every call fetched the same diff: the part is cut here, not asked of GitHub.
    let sent = server.received_requests().await.unwrap();
    assert_eq!(sent.len(), 11);
    assert!(
        sent.iter()
            .all(|r| r.url.path() == "/repos/octo/hello/pulls/5" && r.url.query().is_none())
    );
    // A max_lines of the caller is repeated in the hint; past the end and without path are refused.
    let wide = call(
        &github,
        "github_get_pull_request_diff",
        json!({"repo": "octo/hello", "number": 5, "path": "src/file1.rs", "max_lines": 1000}),
    )
    .await;
    assert!(
        wide.text
            .contains("path=\"src/file1.rs\" max_lines=1000 from_line=1001 for the next part]")
    );
    let past = crate::support::fail(
        &github,
        "github_get_pull_request_diff",
        json!({"repo": "octo/hello", "number": 5, "path": "src/file1.rs", "from_line": 3002}),
    )
    .await;
    assert!(
        past.to_string()
            .contains("from_line 3002 is past the end: the patch of src/file1.rs has 3001 lines"),
        "{past}"
    );
    let alone = crate::support::fail(
        &github,
        "github_get_pull_request_diff",
        json!({"repo": "octo/hello", "number": 5, "from_line": 301}),
    )
    .await;
    assert!(alone.to_string().contains("pass it with path"), "{alone}");
}

#[tokio::test]
async fn a_commits_file_continues_with_from_line_too() {
    let server = upstream().await;
    let patch: String = std::iter::once("@@ -0,0 +1,500 @@\n".to_owned())
        .chain((0..500).map(|l| format!("+line {l}\n")))
        .collect();
    Mock::given(method("GET"))
        .and(path("/repos/octo/hello/commits/abc123"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "sha": "abc1230000000000000000000000000000000000",
            "commit": {"message": "add big", "author": {"name": "Octo", "date": "2025-01-01T00:00:00Z"}},
            "parents": [],
            "files": [{"filename": "big.txt", "status": "added", "additions": 500, "deletions": 0, "changes": 500, "patch": patch}]
        })))
        .mount(&server)
        .await;
    let out = call(
        &connector(&server),
        "github_get_commit",
        json!({"repo": "octo/hello", "ref": "abc123", "path": "big.txt", "from_line": 101}),
    )
    .await;
    assert!(
        out.text
            .contains("(patch lines from 101 of 501; inside hunk @@ -0,0 +1,500 @@)\n+line 99\n"),
        "{}",
        out.text
    );
    assert!(out.text.contains(
        "call github_get_commit with repo=\"octo/hello\" ref=\"abc1230000000000000000000000000000000000\" path=\"big.txt\" from_line=401 for the next part]"
    ), "{}", out.text);
    let sent = server.received_requests().await.unwrap();
    assert_eq!(sent[0].url.path(), "/repos/octo/hello/commits/abc123");
}

#[tokio::test]
async fn a_pull_request_with_one_of_each_says_it_in_the_singular() {
    let server = upstream().await;
    let mut pull: serde_json::Value = serde_json::from_str(&fixture("pull_get.json")).unwrap();
    for key in ["comments", "review_comments", "commits", "changed_files"] {
        pull[key] = json!(1);
    }
    let sha = pull["head"]["sha"].as_str().unwrap().to_owned();
    Mock::given(method("GET"))
        .and(path("/repos/octo/hello/pulls/1347"))
        .respond_with(ResponseTemplate::new(200).set_body_json(pull))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/repos/octo/hello/pulls/1347/reviews"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([])))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(format!("/repos/octo/hello/commits/{sha}/check-runs")))
        .respond_with(ResponseTemplate::new(200).set_body_string(fixture("check_runs_list.json")))
        .mount(&server)
        .await;
    let out = call(
        &connector(&server),
        "github_get_pull_request",
        json!({"repo": "octo/hello", "number": 1347}),
    )
    .await;
    assert!(out.text.contains(" · 1 commit · 1 file · "), "{}", out.text);
    assert!(
        out.text.contains(" · 1 comment · 1 review comment\n"),
        "{}",
        out.text
    );
    let paths: Vec<String> = server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .map(|r| r.url.path().to_owned())
        .collect();
    assert!(
        paths.contains(&"/repos/octo/hello/pulls/1347".to_owned()),
        "{paths:?}"
    );
}
