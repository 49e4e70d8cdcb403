//! The write tools: absent and refused unless the instance enables writes, limited to the
//! allowlist, and the requests they send.

use serde_json::json;
use switchyard_core::ErrorKind;
use wiremock::matchers::{body_json, header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::support::{
    ENCODED, PROJECT, TOKEN, call, connector, get, json_fixture, ok, ok_json, requests, writer,
};

#[tokio::test]
async fn writes_are_refused_when_off_and_outside_the_allowlist() {
    let server = MockServer::start().await;
    let reader = connector(&server);
    let err = call(
        &reader,
        "gitlab_create_issue",
        json!({"project": PROJECT, "title": "x"}),
    )
    .await
    .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Forbidden, "{err}");
    let gl = writer(&server);
    let err = call(
        &gl,
        "gitlab_comment_issue",
        json!({"project": "elsewhere/project", "iid": 1, "body": "hi"}),
    )
    .await
    .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Forbidden, "{err}");
    assert!(err.to_string().contains("outside the allowlist"), "{err}");
    assert!(requests(&server).await.is_empty());
}

#[tokio::test]
async fn create_comment_and_update_send_what_gitlab_expects() {
    let server = MockServer::start().await;
    get("users")
        .and(query_param("username", "octo-user"))
        .respond_with(ok_json(&json!([{"id": 9, "username": "octo-user"}])))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(format!("/api/v4/projects/{ENCODED}/issues")))
        .and(header("authorization", format!("Bearer {TOKEN}").as_str()))
        .and(body_json(json!({"title": "Sidebar breaks", "description": "Steps…", "labels": "bug,ui", "assignee_ids": [9]})))
        .respond_with(ResponseTemplate::new(201).set_body_json(json_fixture("issue_get.json")))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(format!("/api/v4/projects/{ENCODED}/issues/7/notes")))
        .and(body_json(json!({"body": "Looking into it"})))
        .respond_with(
            ResponseTemplate::new(201)
                .set_body_json(json!({"id": 555, "body": "Looking into it", "system": false})),
        )
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("PUT"))
        .and(path(format!("/api/v4/projects/{ENCODED}/issues/7")))
        .and(body_json(
            json!({"state_event": "close", "add_labels": "done"}),
        ))
        .respond_with(ResponseTemplate::new(200).set_body_json(json_fixture("issue_get.json")))
        .expect(1)
        .mount(&server)
        .await;
    let gl = writer(&server);
    let created = ok(&gl, "gitlab_create_issue", json!({"project": PROJECT, "title": "Sidebar breaks", "description": "Steps…", "labels": ["bug", "ui"], "assignees": ["@octo-user"]})).await;
    assert!(
        created
            .text
            .contains(&format!("created issue #7 in {PROJECT}")),
        "{}",
        created.text
    );
    let note = ok(
        &gl,
        "gitlab_comment_issue",
        json!({"project": PROJECT, "iid": 7, "body": "Looking into it"}),
    )
    .await;
    assert!(
        note.text.contains("added note 555 to issue #7"),
        "{}",
        note.text
    );
    let updated = ok(
        &gl,
        "gitlab_update_issue",
        json!({"project": PROJECT, "iid": 7, "state": "closed", "add_labels": ["done"]}),
    )
    .await;
    assert!(
        updated.text.contains("updated issue #7"),
        "{}",
        updated.text
    );
    let err = call(
        &gl,
        "gitlab_update_issue",
        json!({"project": PROJECT, "iid": 7}),
    )
    .await
    .unwrap_err();
    assert!(err.to_string().contains("nothing to change"), "{err}");
    // The whole set and changes to it at once would be ambiguous: refused, nothing sent.
    let before = requests(&server).await.len();
    let err = call(
        &gl,
        "gitlab_update_issue",
        json!({"project": PROJECT, "iid": 7, "labels": ["a"], "add_labels": ["b"]}),
    )
    .await
    .unwrap_err();
    assert!(err.to_string().contains("not both"), "{err}");
    assert_eq!(requests(&server).await.len(), before);
    // 400 with GitLab's field messages becomes a tool error with them.
    Mock::given(method("POST"))
        .and(path("/api/v4/projects/my-group%2Fother/issues"))
        .respond_with(
            ResponseTemplate::new(400).set_body_json(json_fixture("error_400_validation.json")),
        )
        .mount(&server)
        .await;
    let err = call(
        &gl,
        "gitlab_create_issue",
        json!({"project": "my-group/other", "title": "t"}),
    )
    .await
    .unwrap_err();
    assert!(err.to_string().contains("title can't be blank"), "{err}");
}
