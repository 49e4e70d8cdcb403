//! CI: pipelines for a ref with their status and failed jobs, and a job log's tail.

use serde_json::json;
use wiremock::MockServer;
use wiremock::matchers::query_param;

use crate::support::{ENCODED, PROJECT, connector, get, json_fixture, ok, page};

#[tokio::test]
async fn pipelines_for_a_ref_list_status_and_failed_jobs() {
    let server = MockServer::start().await;
    get(&format!("projects/{ENCODED}/pipelines"))
        .and(query_param("ref", "main"))
        .and(query_param("per_page", "10"))
        .and(query_param("sort", "desc"))
        .respond_with(page(
            &json_fixture("pipelines_list.json"),
            1,
            false,
            Some(2),
        ))
        .expect(1)
        .mount(&server)
        .await;
    get(&format!("projects/{ENCODED}/pipelines/48/jobs"))
        .and(query_param("scope[]", "failed"))
        .respond_with(page(
            &json_fixture("pipeline_jobs_failed.json"),
            1,
            false,
            None,
        ))
        .expect(1)
        .mount(&server)
        .await;
    let out = ok(
        &connector(&server),
        "gitlab_list_pipelines",
        json!({"project": PROJECT, "ref": "main"}),
    )
    .await;
    let text = &out.text;
    assert!(
        text.contains("pipeline 47 pending \"Build pipeline\" on new-pipeline @a91957a8 (push)"),
        "{text}"
    );
    assert!(
        text.contains("pipeline 48 failed on refs/merge-requests/2/head"),
        "{text}"
    );
    assert!(
        text.contains(&format!("log: gitlab://{PROJECT}/-/jobs/7001")),
        "{text}"
    );
    assert!(
        text.contains("items: 2 · omitted: 0 · truncated: false"),
        "{text}"
    );
}

#[tokio::test]
async fn a_job_log_tail_is_the_last_lines_only() {
    let server = MockServer::start().await;
    let log: String = (1..=5000)
        .map(|i| format!("\u{1b}[32mstep {i}\u{1b}[0m\n"))
        .collect();
    get(&format!("projects/{ENCODED}/jobs/42/trace"))
        .respond_with(wiremock::ResponseTemplate::new(200).set_body_string(log))
        .expect(1)
        .mount(&server)
        .await;
    let out = ok(
        &connector(&server),
        "gitlab_get_job_log",
        json!({"project": PROJECT, "job_id": 42, "lines": 3}),
    )
    .await;
    assert!(out.text.contains("last 3 lines of 5000"), "{}", out.text);
    assert!(
        out.text.contains("step 4998\nstep 4999\nstep 5000"),
        "{}",
        out.text
    );
    assert!(!out.text.contains("step 4997\n"));
    assert!(
        out.truncated && out.text.contains("4997 earlier lines not shown"),
        "{}",
        out.text
    );
}

#[tokio::test]
async fn pipeline_job_merge_request_and_commit_uris_read() {
    use switchyard_core::{CallContext, Connector, ItemUri};
    let server = MockServer::start().await;
    let mut pipeline = json_fixture("pipeline_get.json");
    pipeline["status"] = json!("failed");
    get(&format!("projects/{ENCODED}/pipelines/287"))
        .respond_with(crate::support::ok_json(&pipeline))
        .mount(&server)
        .await;
    get(&format!("projects/{ENCODED}/pipelines/287/jobs"))
        .respond_with(crate::support::ok_json(&json_fixture(
            "pipeline_jobs_failed.json",
        )))
        .mount(&server)
        .await;
    get(&format!("projects/{ENCODED}/jobs/7001/trace"))
        .respond_with(wiremock::ResponseTemplate::new(200).set_body_string("one\ntwo\n"))
        .mount(&server)
        .await;
    get(&format!("projects/{ENCODED}/merge_requests/133"))
        .respond_with(crate::support::ok_json(&json_fixture(
            "merge_request_get.json",
        )))
        .mount(&server)
        .await;
    get(&format!("projects/{ENCODED}/merge_requests/133/approvals"))
        .respond_with(wiremock::ResponseTemplate::new(404))
        .mount(&server)
        .await;
    get(&format!("projects/{ENCODED}/pipelines/538317940/jobs"))
        .respond_with(crate::support::ok_json(&json!([])))
        .mount(&server)
        .await;
    let commit = crate::cases::code::commits(1)[0].clone();
    let sha = commit["id"].as_str().unwrap().to_owned();
    get(&format!("projects/{ENCODED}/repository/commits/{sha}"))
        .respond_with(crate::support::ok_json(&commit))
        .mount(&server)
        .await;
    get(&format!("projects/{ENCODED}/repository/commits/{sha}/diff"))
        .respond_with(page(&json!([]), 1, false, None))
        .mount(&server)
        .await;
    let gl = connector(&server);
    let ctx = CallContext::for_tests();
    let read = |uri: String| {
        let gl = &gl;
        let ctx = &ctx;
        async move {
            gl.read(&ItemUri::parse(&uri).unwrap(), ctx)
                .await
                .unwrap()
                .text
        }
    };
    let text = read(format!("gitlab://{PROJECT}/-/pipelines/287")).await;
    assert!(
        text.contains("pipeline 287 failed \"Build pipeline\" on main")
            && text.contains("failed job 7001"),
        "{text}"
    );
    let text = read(format!("gitlab://{PROJECT}/-/jobs/7001")).await;
    assert!(
        text.contains("last 2 lines of 2") && text.ends_with("one\ntwo"),
        "{text}"
    );
    let text = read(format!("gitlab://{PROJECT}/-/merge_requests/133")).await;
    assert!(
        text.contains("!133 [opened] Manual job rules")
            && text.contains("approvals unavailable (not_found)"),
        "{text}"
    );
    assert!(text.contains("no failed jobs reported"), "{text}");
    let text = read(format!("gitlab://{PROJECT}/commit/{sha}")).await;
    assert!(
        text.contains("Change number 0") && text.contains("0 files changed"),
        "{text}"
    );
    let other = gl
        .read(
            &ItemUri::parse("corp://my-group/my-project/issues/1").unwrap(),
            &ctx,
        )
        .await
        .unwrap_err();
    assert!(other.to_string().contains("belongs to source"), "{other}");
}
