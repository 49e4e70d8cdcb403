//! The connector test kit, every tool within a small budget on its largest fixture (case 11),
//! URIs through `read`, the cross-source search, and the tools' schema size.

use serde_json::{Value, json};
use switchyard_core::testkit::{
    assert_budget_respected, assert_rejects_bad_arguments, assert_tool_specs,
};
use switchyard_core::{CallContext, Connector, ItemUri, SearchQuery};
use wiremock::matchers::{method, path, path_regex};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::support::{args, comments, connector, fixture, fixture_json, upstream, writer};

#[tokio::test]
async fn the_tool_specs_pass_the_kit_and_stay_small() {
    let server = upstream().await;
    let github = connector(&server);
    assert_tool_specs(&github);
    let bytes: usize = github
        .tools()
        .iter()
        .map(|t| {
            json!({"name": t.name, "title": t.title, "description": t.description, "inputSchema": Value::Object(t.input_schema.clone())})
                .to_string()
                .len()
        })
        .sum();
    assert!(
        bytes / 4 < 2_300,
        "the read tools' schemas cost {} tokens",
        bytes / 4
    );
    assert_tool_specs(&writer(&server, &["octo/*"]));
}

#[tokio::test]
async fn every_tool_rejects_bad_arguments() {
    let server = upstream().await;
    assert_rejects_bad_arguments(&writer(&server, &["octo/*"])).await;
    assert_eq!(crate::support::requests(&server).await, 0);
}

/// The largest fixture of each tool, all mounted on one mock.
async fn mount_largest(server: &MockServer) {
    let get = |p: &str, body: String| {
        Mock::given(method("GET"))
            .and(path(p.to_owned()))
            .respond_with(ResponseTemplate::new(200).set_body_string(body))
    };
    let mut issue = fixture_json("issue_get_long_body.json");
    issue["comments"] = json!(200);
    get("/repos/octo/hello/issues/1", issue.to_string())
        .mount(server)
        .await;
    get(
        "/repos/octo/hello/issues/1/comments",
        comments(100, 3000).to_string(),
    )
    .mount(server)
    .await;
    let mut long_issues = Vec::new();
    for i in 0..100 {
        let mut item = fixture_json("issue_get_long_body.json");
        item["number"] = json!(i + 1);
        long_issues.push(item);
    }
    get(
        "/repos/octo/hello/issues",
        Value::Array(long_issues.clone()).to_string(),
    )
    .mount(server)
    .await;
    let mut search = json!({"total_count": 100, "incomplete_results": false, "items": long_issues});
    for item in search["items"].as_array_mut().unwrap() {
        item["repository_url"] = json!("https://api.github.com/repos/octo/hello");
    }
    get("/search/issues", search.to_string())
        .mount(server)
        .await;
    let mut pulls = Vec::new();
    for i in 0..100 {
        let mut pull = fixture_json("pull_get.json");
        pull["number"] = json!(i + 1);
        pull["body"] = json!("x".repeat(8192));
        pulls.push(pull);
    }
    get("/repos/octo/hello/pulls", Value::Array(pulls).to_string())
        .mount(server)
        .await;
    let mut pull = fixture_json("pull_get.json");
    pull["body"] = json!("long description line\n".repeat(4000));
    get("/repos/octo/hello/pulls/1", pull.to_string())
        .mount(server)
        .await;
    get("/repos/octo/hello/pulls/1/reviews", "[]".into())
        .mount(server)
        .await;
    Mock::given(method("GET"))
        .and(path_regex(
            "^/repos/octo/hello/commits/[0-9a-f]{40}/check-runs$",
        ))
        .respond_with(ResponseTemplate::new(200).set_body_string(fixture("check_runs_list.json")))
        .mount(server)
        .await;
    let mut files = Vec::new();
    for i in 0..100 {
        files.push(json!({"filename": format!("src/module_{i}/very/deep/path/file_{i}.rs"), "status": "modified",
            "additions": 500, "deletions": 20, "changes": 520, "patch": "@@ -1 +1 @@\n-a\n+b\n"}));
    }
    get(
        "/repos/octo/hello/pulls/1/files",
        Value::Array(files.clone()).to_string(),
    )
    .mount(server)
    .await;
    let mut commit = fixture_json("commit_get.json");
    commit["files"] = Value::Array(files);
    commit["commit"]["message"] = json!("subject\n\n".to_owned() + &"body ".repeat(5000));
    get("/repos/octo/hello/commits/main", commit.to_string())
        .mount(server)
        .await;
    let list: Vec<Value> = (0..100)
        .map(|_| fixture_json("commits_list.json")[0].clone())
        .collect();
    get("/repos/octo/hello/commits", Value::Array(list).to_string())
        .mount(server)
        .await;
    let text: String = (1..=2500)
        .map(|i| format!("pub const LINE_{i}: u32 = {i};\n"))
        .collect();
    let encoded =
        base64::Engine::encode(&base64::engine::general_purpose::STANDARD, text.as_bytes());
    get(
        "/repos/octo/hello/contents/src/table.rs",
        json!({"type": "file", "encoding": "base64", "size": text.len(), "path": "src/table.rs", "content": encoded, "sha": "abc"}).to_string(),
    )
    .mount(server)
    .await;
    let hits: Vec<Value> = (0..100)
        .map(|i| {
            json!({"path": format!("src/f{i}.rs"), "repository": {"full_name": "octo/hello"},
            "text_matches": [{"fragment": "match ".repeat(200)}]})
        })
        .collect();
    get(
        "/search/code",
        json!({"total_count": 100, "items": hits}).to_string(),
    )
    .mount(server)
    .await;
    let mut runs = fixture_json("actions_runs_list.json");
    let run = runs["workflow_runs"][0].clone();
    runs["workflow_runs"] = Value::Array(
        (0..50)
            .map(|i| {
                let mut r = run.clone();
                r["id"] = json!(i + 1);
                r["status"] = json!("completed");
                r["conclusion"] = json!("failure");
                r
            })
            .collect(),
    );
    get("/repos/octo/hello/actions/runs", runs.to_string())
        .mount(server)
        .await;
    let jobs: Vec<Value> = (0..100)
        .map(|i| {
            json!({"id": 1000 + i, "name": format!("job {i}"), "conclusion": "failure",
            "steps": [{"name": "cargo test", "conclusion": "failure"}]})
        })
        .collect();
    Mock::given(method("GET"))
        .and(path_regex("^/repos/octo/hello/actions/runs/[0-9]+/jobs$"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"total_count": 100, "jobs": jobs})),
        )
        .mount(server)
        .await;
    let log: String = (0..2000)
        .map(|i| format!("2025-01-15T08:00:00.0000000Z {} {i}\n", "log".repeat(30)))
        .collect();
    get("/repos/octo/hello/actions/jobs/7/logs", log)
        .mount(server)
        .await;
    let diff: String = (0..50)
        .map(|f| {
            format!(
                "diff --git a/f{f} b/f{f}\n--- a/f{f}\n+++ b/f{f}\n@@ -1 +1,400 @@\n{}",
                "+line of code here\n".repeat(400)
            )
        })
        .collect();
    Mock::given(method("GET"))
        .and(path("/repos/octo/hello/pulls/2"))
        .respond_with(ResponseTemplate::new(200).set_body_string(diff))
        .mount(server)
        .await;
}

#[tokio::test]
async fn every_tool_stays_within_a_small_budget_on_its_largest_fixture() {
    let server = upstream().await;
    mount_largest(&server).await;
    let github = connector(&server);
    let repo = "octo/hello";
    for (tool, value) in [
        (
            "github_search_issues",
            json!({"query": "crash", "limit": 100, "detail": true}),
        ),
        (
            "github_list_issues",
            json!({"repo": repo, "limit": 100, "detail": true}),
        ),
        (
            "github_get_issue",
            json!({"repo": repo, "number": 1, "limit": 100}),
        ),
        (
            "github_list_pull_requests",
            json!({"repo": repo, "limit": 100, "detail": true}),
        ),
        (
            "github_get_pull_request",
            json!({"repo": repo, "number": 1}),
        ),
        (
            "github_get_pull_request_files",
            json!({"repo": repo, "number": 1}),
        ),
        (
            "github_get_pull_request_diff",
            json!({"repo": repo, "number": 2, "max_lines": 5000}),
        ),
        ("github_list_commits", json!({"repo": repo, "limit": 100})),
        ("github_get_commit", json!({"repo": repo, "ref": "main"})),
        (
            "github_get_file",
            json!({"repo": repo, "path": "src/table.rs"}),
        ),
        (
            "github_search_code",
            json!({"query": "match", "limit": 100}),
        ),
        (
            "github_list_workflow_runs",
            json!({"repo": repo, "limit": 50}),
        ),
        (
            "github_get_job_log",
            json!({"repo": repo, "job_id": 7, "lines": 2000}),
        ),
    ] {
        for tokens in [300, 2_000, 20_000] {
            let out = assert_budget_respected(&github, tool, &args(value.clone()), tokens).await;
            assert!(!out.text.is_empty(), "{tool}");
        }
    }
}

#[tokio::test]
async fn uris_read_issues_pulls_commits_and_files() {
    let server = upstream().await;
    mount_largest(&server).await;
    let github = connector(&server);
    let ctx = CallContext::for_tests();
    for (uri, expect) in [
        ("github://octo/hello/issues/1", "octo/hello #1"),
        ("github://octo/hello/pull/1", "octo/hello #1347"),
        (
            "github://octo/hello/commit/main",
            "commit 6dcb09b5b57875f334f61aebed695e2e4193db5e",
        ),
        (
            "github://octo/hello/blob/main/src/table.rs",
            "src/table.rs of octo/hello at main",
        ),
    ] {
        let out = github
            .read(&ItemUri::parse(uri).unwrap(), &ctx)
            .await
            .unwrap();
        assert!(
            out.text.contains(expect),
            "{uri}: {}",
            &out.text[..out.text.len().min(400)]
        );
    }
    let err = github
        .read(&ItemUri::parse("github://octo/hello/wiki/1").unwrap(), &ctx)
        .await
        .unwrap_err();
    assert!(err.to_string().contains("/issues/12"));
}

#[tokio::test]
async fn search_finds_issues_within_the_allowlist() {
    let server = upstream().await;
    Mock::given(method("GET"))
        .and(path("/search/issues"))
        .and(wiremock::matchers::query_param(
            "q",
            "crash repo:octo-user/Hello-World",
        ))
        .and(wiremock::matchers::query_param("per_page", "5"))
        .respond_with(ResponseTemplate::new(200).set_body_string(fixture("search_issues.json")))
        .expect(1)
        .mount(&server)
        .await;
    let mut settings = crate::support::settings(&server);
    settings.repos = vec!["octo-user/Hello-World".into()];
    let github = switchyard_github::GithubConnector::new(settings).unwrap();
    assert!(github.searchable());
    let hits = github
        .search(
            &SearchQuery {
                text: "crash".into(),
                limit: 5,
            },
            &CallContext::for_tests(),
        )
        .await
        .unwrap();
    assert_eq!(hits.len(), 2);
    assert!(hits[0].uri.starts_with("github://octo-user/Hello-World/"));
    assert!(hits[0].title.starts_with("octo-user/Hello-World "));
}
