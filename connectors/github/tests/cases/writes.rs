//! Write tools: absent unless enabled, limited to the allowlist, request bodies as sent.

use serde_json::json;
use switchyard_core::{Connector, ErrorKind};
use wiremock::matchers::{body_json, header, method, path};
use wiremock::{Mock, ResponseTemplate};

use crate::support::{bearer, call, connector, fail, fixture, requests, upstream, writer};

#[tokio::test]
async fn write_tools_exist_only_when_enabled() {
    let server = upstream().await;
    let read_only = connector(&server);
    assert!(
        !read_only
            .tools()
            .iter()
            .any(|t| t.name == "github_create_issue")
    );
    assert!(read_only.tools().iter().all(|t| t.effects.read_only));
    let err = fail(
        &read_only,
        "github_create_issue",
        json!({"repo": "octo/hello", "title": "x"}),
    )
    .await;
    assert_eq!(err.kind(), ErrorKind::NotFound);
    let writable = writer(&server, &["octo/*"]);
    let names: Vec<&str> = writable.tools().iter().map(|t| t.name.as_str()).collect();
    for tool in [
        "github_create_issue",
        "github_comment_issue",
        "github_update_issue",
    ] {
        assert!(names.contains(&tool));
    }
    assert_eq!(requests(&server).await, 0);
}

#[tokio::test]
async fn writes_outside_the_allowlist_are_refused_before_any_request() {
    let server = upstream().await;
    let github = writer(&server, &["octo/hello"]);
    let err = fail(
        &github,
        "github_comment_issue",
        json!({"repo": "other/repo", "number": 1, "body": "hi"}),
    )
    .await;
    assert_eq!(err.kind(), ErrorKind::Forbidden);
    assert!(
        err.to_string()
            .contains("not in the repository allowlist of instance github")
    );
    let err = fail(
        &github,
        "github_get_issue",
        json!({"repo": "other/repo", "number": 1}),
    )
    .await;
    assert_eq!(
        err.kind(),
        ErrorKind::Forbidden,
        "reads keep to the allowlist too"
    );
    assert_eq!(requests(&server).await, 0);
}

#[tokio::test]
async fn create_comment_and_update_send_what_was_asked() {
    let server = upstream().await;
    Mock::given(method("POST"))
        .and(path("/repos/octo/hello/issues"))
        .and(header("authorization", bearer().as_str()))
        .and(body_json(
            json!({"title": "Crash on start", "body": "steps…", "labels": ["bug"]}),
        ))
        .respond_with(ResponseTemplate::new(201).set_body_string(fixture("issue_get.json")))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/repos/octo/hello/issues/1347/comments"))
        .and(body_json(json!({"body": "Looking into it"})))
        .respond_with(
            ResponseTemplate::new(201).set_body_json(json!({"id": 77, "body": "Looking into it"})),
        )
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("PATCH"))
        .and(path("/repos/octo/hello/issues/1347"))
        .and(body_json(json!({"state": "closed", "labels": []})))
        .respond_with(ResponseTemplate::new(200).set_body_string(fixture("issue_get.json")))
        .expect(1)
        .mount(&server)
        .await;
    let github = writer(&server, &["octo/hello"]);
    let created = call(
        &github,
        "github_create_issue",
        json!({"repo": "octo/hello", "title": "Crash on start", "body": "steps…", "labels": ["bug"]}),
    )
    .await;
    assert!(
        created.text.starts_with("created octo/hello #1347"),
        "{}",
        created.text
    );
    let commented = call(
        &github,
        "github_comment_issue",
        json!({"repo": "octo/hello", "number": 1347, "body": "Looking into it"}),
    )
    .await;
    assert!(commented.text.contains("comment 77"));
    let updated = call(
        &github,
        "github_update_issue",
        json!({"repo": "octo/hello", "number": 1347, "state": "closed", "labels": []}),
    )
    .await;
    assert!(updated.text.starts_with("updated octo/hello"));
    let err = fail(
        &github,
        "github_update_issue",
        json!({"repo": "octo/hello", "number": 1347}),
    )
    .await;
    assert_eq!(err.kind(), ErrorKind::InvalidArguments);
}
