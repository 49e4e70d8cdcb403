//! The connector test kit, the schema size, every tool within a small budget, and check().

use serde_json::{Value, json};
use switchyard_core::testkit;
use switchyard_core::{CallContext, Connector};
use wiremock::MockServer;

use crate::support::{
    ENCODED, connector, fixture, get, issues, json_fixture, ok_json, page, writer,
};

#[tokio::test]
async fn tool_specs_and_argument_checks_pass_the_kit() {
    let server = MockServer::start().await;
    let reader = connector(&server);
    testkit::assert_tool_specs(&reader);
    testkit::assert_rejects_bad_arguments(&reader).await;
    let names: Vec<&str> = reader.tools().iter().map(|t| t.name.as_str()).collect();
    assert_eq!(names.len(), 13, "{names:?}");
    assert!(
        !names
            .iter()
            .any(|n| n.contains("create") || n.contains("update"))
    );
    let writer = writer(&server);
    testkit::assert_tool_specs(&writer);
    testkit::assert_rejects_bad_arguments(&writer).await;
    assert_eq!(writer.tools().len(), 16);
    assert!(
        server
            .received_requests()
            .await
            .unwrap_or_default()
            .is_empty()
    );
}

/// The published tools (writes off) as `switchyard tools` counts them: bytes of each tool's
/// JSON / 4. The issue caps the GitLab share at 2,600 tokens.
#[tokio::test]
async fn the_tool_schemas_stay_small() {
    let server = MockServer::start().await;
    let reader = connector(&server);
    let mut total = 0;
    for spec in reader.tools() {
        let tool = json!({
            "name": spec.name,
            "title": spec.title,
            "description": spec.description,
            "inputSchema": Value::Object(spec.input_schema.clone()),
            "annotations": {
                "title": spec.title,
                "readOnlyHint": spec.effects.read_only,
                "openWorldHint": spec.effects.open_world,
            },
        });
        let tokens = tool.to_string().len().div_ceil(4);
        assert!(tokens < 300, "{} costs {tokens} tokens", spec.name);
        assert!(
            !spec.input_schema.contains_key("anyOf") && !spec.input_schema.contains_key("oneOf")
        );
        total += tokens;
    }
    assert!(total <= 2_600, "the GitLab tools cost {total} tokens");
}

#[tokio::test]
async fn every_tool_fits_a_small_budget_on_its_largest_fixture() {
    let server = MockServer::start().await;
    let gl = connector(&server);
    let project = format!("projects/{ENCODED}");
    let big_issues = issues(40, 8 * 1024);
    get(&format!("{project}/issues"))
        .respond_with(page(&big_issues, 1, true, Some(400)))
        .mount(&server)
        .await;
    get("issues")
        .respond_with(page(&big_issues, 1, true, None))
        .mount(&server)
        .await;
    get(&format!("{project}/issues/7"))
        .respond_with(ok_json(&json_fixture("issue_get.json")))
        .mount(&server)
        .await;
    let notes: Vec<Value> = (0..100)
        .map(|i| json!({"id": i, "body": "a fairly long comment ".repeat(40), "author": {"username": "octo-user"}, "created_at": "2025-01-14T00:00:00Z", "system": false}))
        .collect();
    get(&format!("{project}/issues/7/notes"))
        .respond_with(page(&Value::Array(notes), 1, true, Some(200)))
        .mount(&server)
        .await;
    let mut mrs = json_fixture("merge_requests_list.json");
    for mr in mrs.as_array_mut().into_iter().flatten() {
        mr["description"] = json!("x".repeat(8192));
    }
    get(&format!("{project}/merge_requests"))
        .respond_with(page(&mrs, 1, false, Some(2)))
        .mount(&server)
        .await;
    let mut mr = json_fixture("merge_request_get.json");
    mr["description"] = json!("long description line\n".repeat(2000));
    get(&format!("{project}/merge_requests/133"))
        .respond_with(ok_json(&mr))
        .mount(&server)
        .await;
    get(&format!("{project}/merge_requests/133/approvals"))
        .respond_with(ok_json(&json!({"approved_by": []})))
        .mount(&server)
        .await;
    get(&format!("{project}/pipelines/538317940/jobs"))
        .respond_with(ok_json(&json_fixture("pipeline_jobs_failed.json")))
        .mount(&server)
        .await;
    let large = crate::cases::merge_requests::large_changes();
    get(&format!("{project}/merge_requests/133/changes"))
        .respond_with(ok_json(&large))
        .mount(&server)
        .await;
    get(&format!("{project}/merge_requests/133/diffs"))
        .respond_with(page(&large["changes"], 1, false, None))
        .mount(&server)
        .await;
    let commits = crate::cases::code::commits(30);
    get(&format!("{project}/repository/commits"))
        .respond_with(page(&commits, 1, true, None))
        .mount(&server)
        .await;
    get(&format!("{project}/repository/commits/abc123"))
        .respond_with(ok_json(&commits[0]))
        .mount(&server)
        .await;
    get(&format!("{project}/repository/commits/abc123/diff"))
        .respond_with(page(&large["changes"], 1, false, None))
        .mount(&server)
        .await;
    let text = "fn main() {}\n".repeat(20_000);
    crate::cases::code::mount_file(&server, "src/main.rs", "main", text.as_bytes()).await;
    let hits: Vec<Value> = (0..50)
        .map(|i| json!({"path": format!("src/f{i}.rs"), "data": "let x = 1;\n".repeat(20), "startline": 10, "ref": "main"}))
        .collect();
    get(&format!("{project}/search"))
        .respond_with(page(&Value::Array(hits), 1, true, None))
        .mount(&server)
        .await;
    get(&format!("{project}/pipelines"))
        .respond_with(page(
            &json_fixture("pipelines_list.json"),
            1,
            false,
            Some(2),
        ))
        .mount(&server)
        .await;
    get(&format!("{project}/pipelines/48/jobs"))
        .respond_with(ok_json(&json_fixture("pipeline_jobs_failed.json")))
        .mount(&server)
        .await;
    get(&format!("{project}/jobs/7001/trace"))
        .respond_with(
            wiremock::ResponseTemplate::new(200)
                .set_body_string("build output line\n".repeat(50_000)),
        )
        .mount(&server)
        .await;

    let p = "my-group/my-project";
    let cases = [
        ("gitlab_search_issues", json!({"query": "x"})),
        (
            "gitlab_list_issues",
            json!({"project": p, "detail": true, "limit": 40}),
        ),
        (
            "gitlab_get_issue",
            json!({"project": p, "iid": 7, "limit": 100}),
        ),
        (
            "gitlab_list_merge_requests",
            json!({"project": p, "detail": true}),
        ),
        (
            "gitlab_get_merge_request",
            json!({"project": p, "iid": 133}),
        ),
        (
            "gitlab_get_merge_request_files",
            json!({"project": p, "iid": 133, "limit": 100}),
        ),
        (
            "gitlab_get_merge_request_diff",
            json!({"project": p, "iid": 133}),
        ),
        ("gitlab_list_commits", json!({"project": p, "limit": 100})),
        ("gitlab_get_commit", json!({"project": p, "sha": "abc123"})),
        (
            "gitlab_get_file",
            json!({"project": p, "path": "src/main.rs", "ref": "main"}),
        ),
        (
            "gitlab_search_code",
            json!({"project": p, "query": "let", "limit": 50}),
        ),
        ("gitlab_list_pipelines", json!({"project": p})),
        (
            "gitlab_get_job_log",
            json!({"project": p, "job_id": 7001, "lines": 2000}),
        ),
    ];
    assert_eq!(cases.len(), gl.tools().len());
    for (tool, arguments) in cases {
        let out =
            testkit::assert_budget_respected(&gl, tool, &crate::support::args(arguments), 1000)
                .await;
        assert!(!out.text.is_empty(), "{tool}");
    }
    // The default budget too: compact, never near 80 KB for a 40-issue page of 8 KB bodies
    // without detail.
    let out = gl
        .call(
            "gitlab_list_issues",
            &crate::support::args(json!({"project": p, "limit": 40})),
            &CallContext::for_tests(),
        )
        .await
        .unwrap();
    assert!(out.text.len() < 12_000, "{} bytes", out.text.len());
    let _ = fixture("issues_list_empty.json");
}

#[tokio::test]
async fn check_reports_the_user_and_the_version() {
    let server = MockServer::start().await;
    get("user")
        .respond_with(ok_json(&json!({"id": 1, "username": "octo-user"})))
        .expect(2)
        .mount(&server)
        .await;
    get("version")
        .respond_with(ok_json(&json!({"version": "17.8.1-ee", "revision": "abc"})))
        .mount(&server)
        .await;
    get("personal_access_tokens/self")
        .respond_with(ok_json(
            &json!({"scopes": ["read_api"], "expires_at": "2026-12-31"}),
        ))
        .mount(&server)
        .await;
    let report = connector(&server).check().await;
    assert!(report.ok, "{}", report.detail);
    assert!(
        report
            .detail
            .contains("scopes read_api (expires 2026-12-31)"),
        "{}",
        report.detail
    );
    // Writes need the api scope: said, and the check fails.
    let report = writer(&server).check().await;
    assert!(
        !report.ok && report.detail.contains("needs the api scope"),
        "{}",
        report.detail
    );
    assert!(
        report.detail.contains("@octo-user") && report.detail.contains("GitLab 17.8.1-ee"),
        "{}",
        report.detail
    );
    assert!(
        report.detail.contains("instance gitlab"),
        "{}",
        report.detail
    );

    let bad = MockServer::start().await;
    wiremock::Mock::given(wiremock::matchers::method("GET"))
        .respond_with(
            wiremock::ResponseTemplate::new(401)
                .set_body_json(json_fixture("error_401_unauthorized.json")),
        )
        .mount(&bad)
        .await;
    let report = connector(&bad).check().await;
    assert!(!report.ok);
    assert!(
        report.detail.contains("rejected the token"),
        "{}",
        report.detail
    );
}
