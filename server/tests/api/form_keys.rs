//! Double taps on every create: one row per rendered form.
use crate::support::*;
use crate::test_app::TestApp;
use reqwest::{Client, StatusCode};

/// Sends the same form `n` times at once from one client; returns every answer.
async fn race_same_form(
    app: &TestApp,
    client: &Client,
    endpoint: &str,
    form: &[(&str, &str)],
    n: usize,
) -> Vec<(StatusCode, String)> {
    let sends = (0..n).map(|_| app.post(client, endpoint, form));
    futures::future::join_all(sends).await
}

#[tokio::test]
async fn a_double_tapped_report_creates_one_item() {
    let app = TestApp::spawn().await;
    let resident = app.signed_in("13800000001").await;
    let place: i64 = sqlx::query_scalar("SELECT building_id FROM people WHERE phone = '13800000001'")
        .fetch_one(&app.pool)
        .await
        .expect("q");
    let place = place.to_string();
    let before = app.count("SELECT count(*) FROM sentiment_items").await;
    let form = [
        ("category", "facility"),
        ("place", place.as_str()),
        ("description", "楼道灯坏了，晚上看不见"),
        ("form_key", "report-form-key-0001"),
    ];
    let answers = race_same_form(&app, &resident, "record_item", &form, 8).await;
    let ids = distinct_ok_bodies(answers);
    assert_eq!(ids.len(), 1, "every tap answers with the same item: {ids:?}");
    assert_eq!(app.count("SELECT count(*) FROM sentiment_items").await, before + 1);
    // A new form (a new key) is a new report.
    let form = [
        ("category", "facility"),
        ("place", place.as_str()),
        ("description", "另一件事"),
        ("form_key", "report-form-key-0002"),
    ];
    assert_eq!(app.post(&resident, "record_item", &form).await.0, StatusCode::OK);
    assert_eq!(app.count("SELECT count(*) FROM sentiment_items").await, before + 2);
    // A malformed key is refused and writes nothing.
    let form = [("category", "facility"), ("place", place.as_str()), ("description", "坏钥匙"), ("form_key", "x;y")];
    assert_eq!(app.post(&resident, "record_item", &form).await.0, StatusCode::BAD_REQUEST);
    assert_eq!(app.count("SELECT count(*) FROM sentiment_items").await, before + 2);
}

#[tokio::test]
async fn a_double_tapped_welfare_request_creates_one_check() {
    let app = TestApp::spawn().await;
    let relative = app.client();
    let before = app.count("SELECT count(*) FROM welfare_checks").await;
    let form = [
        ("elder_name", "李建国"),
        ("building", "朝晖花园10号楼"),
        ("phone", "13912345678"),
        ("note", "电话一直没人接"),
        ("form_key", "welfare-form-key-01"),
    ];
    let answers = race_same_form(&app, &relative, "request_welfare_check", &form, 4).await;
    let ids = distinct_ok_bodies(answers);
    assert_eq!(ids.len(), 1, "{ids:?}");
    assert_eq!(app.count("SELECT count(*) FROM welfare_checks").await, before + 1);
    assert!(app.count("SELECT count(*) FROM notifications WHERE kind = 'welfare_check'").await > 0, "leaders told");
    let repeated =
        app.count("SELECT count(*) - count(DISTINCT account_id) FROM notifications WHERE kind = 'welfare_check'").await;
    assert_eq!(repeated, 0, "each leader was told once");
}

#[tokio::test]
async fn a_double_tapped_add_child_creates_one_node() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in("13800000004").await;
    let grid: i64 = sqlx::query_scalar("SELECT id FROM grid_nodes WHERE name = '幸福锦园网格'")
        .fetch_one(&app.pool)
        .await
        .expect("q");
    let grid = grid.to_string();
    let before = app.count("SELECT count(*) FROM grid_nodes").await;
    let form = [("parent", grid.as_str()), ("name", "新建微网格"), ("form_key", "create-node-key-01")];
    for (status, body) in race_same_form(&app, &admin, "create_node", &form, 8).await {
        assert_eq!(status, StatusCode::OK, "{body}");
    }
    assert_eq!(app.count("SELECT count(*) FROM grid_nodes").await, before + 1);
    assert_eq!(app.count("SELECT count(*) FROM audit_log WHERE action = 'create_node' AND outcome = 'ok'").await, 1);
    let form = [("parent", grid.as_str()), ("name", "再建一个"), ("form_key", "create-node-key-02")];
    assert_eq!(app.post(&admin, "create_node", &form).await.0, StatusCode::OK);
    assert_eq!(app.count("SELECT count(*) FROM grid_nodes").await, before + 2);
}

#[tokio::test]
async fn a_double_tapped_issue_key_issues_one_key() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in("13800000004").await;
    let form = [("label", "市民热线对接"), ("form_key", "issue-key-form-01")];
    let answers = race_same_form(&app, &admin, "issue_api_key", &form, 6).await;
    // Every answer is 200; exactly one of them carries the key.
    assert_eq!(distinct_ok_bodies(answers.clone()).len(), 2, "the key once, and the repeats' empty answer");
    let keys: Vec<String> =
        answers.into_iter().map(|(_, body)| body).filter(|b| b.trim_matches('"').len() > 10).collect();
    assert_eq!(keys.len(), 1, "one answer carries the key, the repeats none: {keys:?}");
    assert_eq!(app.count("SELECT count(*) FROM api_keys WHERE label = '市民热线对接'").await, 1);
}
