//! Upstream failures and hostile arguments: 401, 403, 404 (naming the object, the instance and
//! the others), 429 (one short retry at most), 400 validation, timeouts, redirects, and ids
//! rejected before any request is sent (issue case 8).

use std::time::Duration;

use serde_json::json;
use switchyard_core::{ErrorKind, testkit};
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::support::{
    ENCODED, PROJECT, call, connector, fixture, get, json_fixture, ok_json, requests, settings,
    with_sibling,
};

#[tokio::test]
async fn traversal_in_ids_is_rejected_before_any_request() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_string(""))
        .mount(&server)
        .await;
    let gl = connector(&server);
    let err = call(
        &gl,
        "gitlab_get_job_log",
        json!({"project": PROJECT, "job_id": "../.."}),
    )
    .await
    .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidArguments, "{err}");
    for project in [
        "my-group/../admin",
        "..",
        "my-group/..%2F..",
        "a//b",
        "../../etc",
    ] {
        let err = call(&gl, "gitlab_list_issues", json!({"project": project}))
            .await
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidArguments, "{project}: {err}");
        testkit::assert_error_actionable(&err);
    }
    let err = call(
        &gl,
        "gitlab_get_file",
        json!({"project": PROJECT, "path": "../../etc/passwd", "ref": "main"}),
    )
    .await
    .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidArguments, "{err}");
    let err = call(
        &gl,
        "gitlab_get_commit",
        json!({"project": PROJECT, "sha": "main/../../x"}),
    )
    .await
    .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidArguments, "{err}");
    let err = call(
        &gl,
        "gitlab_list_commits",
        json!({"project": PROJECT, "ref": "a..b"}),
    )
    .await
    .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidArguments, "{err}");
    assert!(
        requests(&server).await.is_empty(),
        "nothing may be sent: {:?}",
        requests(&server).await
    );
}

#[tokio::test]
async fn a_rejected_token_names_the_instance() {
    let server = MockServer::start().await;
    get(&format!("projects/{ENCODED}/issues"))
        .respond_with(
            ResponseTemplate::new(401).set_body_json(json_fixture("error_401_unauthorized.json")),
        )
        .expect(1)
        .mount(&server)
        .await;
    let err = call(
        &connector(&server),
        "gitlab_list_issues",
        json!({"project": PROJECT}),
    )
    .await
    .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Unauthorized);
    let text = err.to_string();
    assert!(
        text.contains("instance gitlab")
            && text.contains("rejected the token")
            && text.contains("401 Unauthorized"),
        "{text}"
    );
    assert!(!text.contains("glpat-"), "{text}");
    testkit::assert_error_actionable(&err);
}

#[tokio::test]
async fn a_missing_project_names_the_object_the_instance_and_the_others() {
    let server = MockServer::start().await;
    get(&format!("projects/{ENCODED}/repository/files/README.md"))
        .respond_with(
            ResponseTemplate::new(404).set_body_json(json_fixture("error_404_file_not_found.json")),
        )
        .mount(&server)
        .await;
    Mock::given(method("HEAD"))
        .respond_with(ResponseTemplate::new(404))
        .mount(&server)
        .await;
    get(&format!("projects/{ENCODED}"))
        .respond_with(
            ResponseTemplate::new(404)
                .set_body_json(json_fixture("error_404_project_not_found.json")),
        )
        .mount(&server)
        .await;
    let gl = with_sibling(&server);
    let err = call(
        &gl,
        "gitlab_get_file",
        json!({"project": PROJECT, "path": "README.md"}),
    )
    .await
    .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound);
    let text = err.to_string();
    assert!(
        text.contains("project my-group/my-project was not found on 127.0.0.1"),
        "{text}"
    );
    assert!(text.contains("(instance gitlab)"), "{text}");
    assert!(
        text.contains("corp (gitlab.corp.example.com)") && text.contains("instance=\"corp\""),
        "{text}"
    );
    let err = call(
        &gl,
        "gitlab_get_file",
        json!({"project": PROJECT, "path": "README.md", "ref": "main"}),
    )
    .await
    .unwrap_err();
    assert!(
        err.to_string()
            .contains("file \"README.md\" at main of my-group/my-project was not found"),
        "{err}"
    );
}

#[tokio::test]
async fn a_long_rate_limit_is_reported_with_its_reset_and_not_retried() {
    let server = MockServer::start().await;
    let mut template =
        ResponseTemplate::new(429).set_body_string(fixture("error_429_rate_limited.txt"));
    for line in fixture("error_429_rate_limited.headers").lines().skip(1) {
        if let Some((name, value)) = line.split_once(':') {
            template = template.insert_header(name.trim(), value.trim());
        }
    }
    get(&format!("projects/{ENCODED}/issues"))
        .respond_with(template)
        .expect(1)
        .mount(&server)
        .await;
    let err = call(
        &connector(&server),
        "gitlab_list_issues",
        json!({"project": PROJECT}),
    )
    .await
    .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::RateLimited);
    assert!(
        err.to_string().contains("resets in 30 s") && err.to_string().contains("Retry later"),
        "{err}"
    );
    assert_eq!(err.hint(), "retry after 30 seconds");
}

#[tokio::test]
async fn a_short_rate_limit_is_retried_once() {
    let server = MockServer::start().await;
    get(&format!("projects/{ENCODED}/issues"))
        .respond_with(
            ResponseTemplate::new(429)
                .insert_header("retry-after", "1")
                .set_body_string("Retry later"),
        )
        .up_to_n_times(1)
        .expect(1)
        .mount(&server)
        .await;
    get(&format!("projects/{ENCODED}/issues"))
        .respond_with(ok_json(&json!([])))
        .expect(1)
        .mount(&server)
        .await;
    let out = call(
        &connector(&server),
        "gitlab_list_issues",
        json!({"project": PROJECT}),
    )
    .await
    .unwrap();
    assert!(out.text.contains("(no results)"));
    // Twice limited: one retry, then the error; never a storm.
    let storm = MockServer::start().await;
    get(&format!("projects/{ENCODED}/issues"))
        .respond_with(ResponseTemplate::new(429).insert_header("retry-after", "1"))
        .expect(2)
        .mount(&storm)
        .await;
    let err = call(
        &connector(&storm),
        "gitlab_list_issues",
        json!({"project": PROJECT}),
    )
    .await
    .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::RateLimited);
}

#[tokio::test]
async fn forbidden_and_validation_errors_carry_gitlab_s_message() {
    let server = MockServer::start().await;
    get(&format!("projects/{ENCODED}/merge_requests"))
        .respond_with(ResponseTemplate::new(403).set_body_json(json!({"message": "403 Forbidden"})))
        .mount(&server)
        .await;
    get(&format!("projects/{ENCODED}/pipelines"))
        .respond_with(
            ResponseTemplate::new(400).set_body_json(json_fixture("error_400_validation.json")),
        )
        .mount(&server)
        .await;
    let gl = connector(&server);
    let err = call(
        &gl,
        "gitlab_list_merge_requests",
        json!({"project": PROJECT}),
    )
    .await
    .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Forbidden);
    assert!(err.to_string().contains("read_api"), "{err}");
    let err = call(&gl, "gitlab_list_pipelines", json!({"project": PROJECT}))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Upstream);
    assert!(
        err.to_string()
            .contains("labels is invalid; title can't be blank"),
        "{err}"
    );
    testkit::assert_error_actionable(&err);
}

#[tokio::test]
async fn a_slow_upstream_times_out() {
    let server = MockServer::start().await;
    get(&format!("projects/{ENCODED}/issues"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!([]))
                .set_delay(Duration::from_secs(3)),
        )
        .mount(&server)
        .await;
    let mut settings = settings(&server, "gitlab");
    settings.request_timeout = Duration::from_millis(300);
    let gl = switchyard_gitlab::GitlabConnector::new(settings).unwrap();
    let err = call(&gl, "gitlab_list_issues", json!({"project": PROJECT}))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Timeout, "{err}");
    assert!(err.to_string().contains("instance gitlab"), "{err}");
}

#[tokio::test]
async fn an_unreachable_host_is_named_with_the_root_cause_only() {
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = closed.local_addr().unwrap();
    drop(closed);
    let settings = switchyard_gitlab::GitlabSettings::new(
        "gitlab",
        &format!("http://{addr}"),
        switchyard_core::Secret::new("glpat-test"),
    );
    let gl = switchyard_gitlab::GitlabConnector::new(settings).unwrap();
    let err = call(&gl, "gitlab_list_issues", json!({"project": PROJECT}))
        .await
        .unwrap_err();
    let text = err.to_string();
    assert_eq!(err.kind(), ErrorKind::Transport, "{text}");
    assert!(
        text.contains(&format!("cannot reach {addr} (instance gitlab): ")),
        "{text}"
    );
    assert!(text.to_lowercase().contains("connection refused"), "{text}");
    for noise in [
        "error sending request",
        "client error",
        "tcp connect error",
        "http://",
    ] {
        assert!(!text.contains(noise), "{noise} in {text}");
    }
}

#[tokio::test]
async fn redirects_are_not_followed_so_the_token_stays_home() {
    let server = MockServer::start().await;
    let elsewhere = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([])))
        .mount(&elsewhere)
        .await;
    get(&format!("projects/{ENCODED}/issues"))
        .respond_with(
            ResponseTemplate::new(302)
                .insert_header("location", format!("{}/steal", elsewhere.uri()).as_str()),
        )
        .mount(&server)
        .await;
    let err = call(
        &connector(&server),
        "gitlab_list_issues",
        json!({"project": PROJECT}),
    )
    .await
    .unwrap_err();
    assert!(err.to_string().contains("redirected"), "{err}");
    assert!(elsewhere.received_requests().await.unwrap().is_empty());
}
