//! Issue case 9: upstream answers that carry secret-bearing fields (a project's runners token
//! and credentialed import URL, a runner's token) or secrets pasted into text (an issue body,
//! a job log) never reach our output.

use serde_json::json;
use wiremock::MockServer;

use crate::support::{ENCODED, PROJECT, connector, fixture, get, json_fixture, ok, ok_json, page};

const SECRETS: [&str; 9] = [
    "SuperSecretImportPassw0rd",
    "importer:",
    "GR1348941ProjectRunnersToken",
    "glrt-RunnerAuthToken",
    "glcbt-64_CiJobToken",
    "gldt-DeployToken",
    "glpat-PastedTokenPLACEHOLDER",
    "hunter2",
    "10.0.0.12",
];

fn assert_clean(text: &str) {
    for secret in SECRETS {
        assert!(!text.contains(secret), "{secret} leaked in:\n{text}");
    }
}

#[tokio::test]
async fn secret_bearing_fields_and_pasted_secrets_never_reach_the_output() {
    let server = MockServer::start().await;
    get(&format!("projects/{ENCODED}"))
        .respond_with(ok_json(&json_fixture("project_with_secrets.json")))
        .expect(1)
        .mount(&server)
        .await;
    crate::cases::code::mount_file(
        &server,
        "README.md",
        "main",
        "# Read me\nclone https://deploy:hunter2@gitlab.example.com/g/p.git\n".as_bytes(),
    )
    .await;
    let mut pipelines = json_fixture("pipelines_list.json");
    pipelines[0]["status"] = json!("success");
    get(&format!("projects/{ENCODED}/pipelines"))
        .respond_with(page(&pipelines, 1, false, Some(2)))
        .mount(&server)
        .await;
    get(&format!("projects/{ENCODED}/pipelines/48/jobs"))
        .respond_with(ok_json(&json_fixture("pipeline_jobs_failed.json")))
        .expect(1)
        .mount(&server)
        .await;
    get(&format!("projects/{ENCODED}/jobs/7001/trace"))
        .respond_with(
            wiremock::ResponseTemplate::new(200)
                .set_body_bytes(fixture("job_trace_with_secrets.txt").into_bytes()),
        )
        .mount(&server)
        .await;
    let mut issue = json_fixture("issue_get.json");
    issue["description"] = json!(
        "To reproduce use token glpat-PastedTokenPLACEHOLDER0000 against https://root:hunter2@gitlab.example.com/api/v4"
    );
    get(&format!("projects/{ENCODED}/issues/7"))
        .respond_with(ok_json(&issue))
        .mount(&server)
        .await;
    get(&format!("projects/{ENCODED}/issues/7/notes"))
        .respond_with(page(&json!([{"id": 1, "body": "the runner registration token is GR1348941ProjectRunnersTokenPLACEHOLDER00", "author": {"username": "root"}, "system": false}]), 1, false, Some(1)))
        .mount(&server)
        .await;
    let gl = connector(&server);

    let file = ok(
        &gl,
        "gitlab_get_file",
        json!({"project": PROJECT, "path": "README.md"}),
    )
    .await;
    assert!(
        file.text.contains("# Read me")
            && file
                .text
                .contains("https://[redacted]@gitlab.example.com/g/p.git"),
        "{}",
        file.text
    );
    assert_clean(&file.text);

    let pipelines = ok(&gl, "gitlab_list_pipelines", json!({"project": PROJECT})).await;
    assert!(
        pipelines.text.contains("failed job 7001"),
        "{}",
        pipelines.text
    );
    assert!(
        pipelines
            .text
            .contains("failed job 7002 \"lint\" (stage test, script_failure, allowed to fail"),
        "{}",
        pipelines.text
    );
    assert_clean(&pipelines.text);

    let log = ok(
        &gl,
        "gitlab_get_job_log",
        json!({"project": PROJECT, "job_id": 7001}),
    )
    .await;
    assert!(
        log.text.contains("ERROR: Job failed: exit code 101"),
        "{}",
        log.text
    );
    assert!(
        log.text
            .contains("error[E0425]: cannot find value `x` in this scope"),
        "{}",
        log.text
    );
    assert!(!log.text.contains('\u{1b}'), "ANSI escapes are stripped");
    assert!(
        log.text.contains("export DEPLOY_TOKEN=[redacted]"),
        "{}",
        log.text
    );
    assert_clean(&log.text);

    let issue = ok(
        &gl,
        "gitlab_get_issue",
        json!({"project": PROJECT, "iid": 7}),
    )
    .await;
    assert!(
        issue
            .text
            .contains("use token [redacted] against https://[redacted]@gitlab.example.com"),
        "{}",
        issue.text
    );
    assert_clean(&issue.text);
}
