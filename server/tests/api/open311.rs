//! Open311 GeoReport v2 over the 民情 log: keys issued by an area admin, services, posting
//! and reading requests, filters, and every refusal answered the GeoReport way without
//! writing anything.

use crate::test_app::TestApp;
use reqwest::{Client, StatusCode};
use serde_json::Value;

const RESIDENT: &str = "13800000001"; // 王秀英, 幸福锦园4号楼
const LEADER: &str = "13800000003"; // 陈骏, 幸福锦园网格
const COMMUNITY_ADMIN: &str = "13800000004"; // 刘芳, 祖望社区

const SERVICE_FIELDS: [&str; 7] =
    ["service_code", "service_name", "description", "metadata", "type", "keywords", "group"];
const REQUEST_FIELDS: [&str; 17] = [
    "service_request_id",
    "status",
    "status_notes",
    "service_name",
    "service_code",
    "description",
    "agency_responsible",
    "service_notice",
    "requested_datetime",
    "updated_datetime",
    "expected_datetime",
    "address",
    "address_id",
    "zipcode",
    "lat",
    "long",
    "media_url",
];

/// Issues a key as the signed-in admin; returns the plain key.
async fn issue_key(app: &TestApp, admin: &Client, label: &str) -> String {
    let (status, body) = app.post(admin, "issue_api_key", &[("label", label)]).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let key: String = serde_json::from_str(&body).expect("the key");
    assert_eq!(key.len(), 64);
    key
}

async fn get_json(app: &TestApp, path: &str) -> (StatusCode, Value) {
    let res = app.client().get(format!("{}{path}", app.base)).send().await.expect("get");
    let status = res.status();
    let body = res.text().await.expect("body");
    (status, serde_json::from_str(&body).unwrap_or_else(|_| panic!("not JSON: {body}")))
}

async fn post_request(app: &TestApp, form: &[(&str, &str)]) -> (StatusCode, Value) {
    let res =
        app.client().post(format!("{}/open311/v2/requests.json", app.base)).form(form).send().await.expect("post");
    let status = res.status();
    let body = res.text().await.expect("body");
    (status, serde_json::from_str(&body).unwrap_or_else(|_| panic!("not JSON: {body}")))
}

/// A GeoReport error: an array of one `{code, description}` with the HTTP status as code.
fn assert_error(status: StatusCode, body: &Value, expected: StatusCode) {
    assert_eq!(status, expected, "{body}");
    let errors = body.as_array().expect("an array");
    assert_eq!(errors.len(), 1, "{body}");
    assert_eq!(errors[0]["code"], expected.as_u16(), "{body}");
    assert!(errors[0]["description"].as_str().is_some_and(|d| !d.is_empty()), "{body}");
}

fn ids(list: &Value) -> Vec<String> {
    list.as_array()
        .expect("an array")
        .iter()
        .map(|r| r["service_request_id"].as_str().expect("id").to_string())
        .collect()
}

async fn report(app: &TestApp, key: &str, address: &str) -> String {
    let (status, body) = post_request(
        app,
        &[
            ("api_key", key),
            ("service_code", "facility"),
            ("description", "4号楼2单元楼道灯不亮了"),
            ("address_string", address),
            ("first_name", "小明"),
            ("last_name", "王"),
            ("phone", "13912345678"),
            ("email", "wang@example.com"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let created = &body.as_array().expect("an array")[0];
    assert!(created["account_id"].is_null(), "{body}");
    assert!(created["service_notice"].as_str().is_some_and(|n| !n.is_empty()), "{body}");
    created["service_request_id"].as_str().expect("service_request_id").to_string()
}

async fn counts(app: &TestApp) -> (i64, i64) {
    (
        app.count("SELECT count(*) FROM sentiment_items").await,
        app.count("SELECT count(*) FROM audit_log WHERE action = 'open311_request'").await,
    )
}

#[tokio::test]
async fn services_list_the_six_categories_with_every_spec_field() {
    let app = TestApp::spawn().await;
    let (status, list) = get_json(&app, "/open311/v2/services.json").await;
    assert_eq!(status, StatusCode::OK);
    let list = list.as_array().expect("an array");
    let codes: Vec<_> = list.iter().map(|s| s["service_code"].as_str().expect("code")).collect();
    assert_eq!(codes, ["facility", "safety", "sanitation", "dispute", "illegal_building", "other"]);
    let names: Vec<_> = list.iter().map(|s| s["service_name"].as_str().expect("name")).collect();
    assert_eq!(names, ["设施故障", "安全隐患", "环境卫生", "矛盾纠纷", "违章搭建", "其他"]);
    for service in list {
        for field in SERVICE_FIELDS {
            assert!(service.get(field).is_some(), "{field} missing in {service}");
        }
        assert_eq!(service["metadata"], false);
        assert_eq!(service["type"], "realtime");
    }
    let (status, def) = get_json(&app, "/open311/v2/services/facility.json").await;
    assert_eq!(status, StatusCode::OK, "{def}");
    let (status, body) = get_json(&app, "/open311/v2/services/potholes.json").await;
    assert_error(status, &body, StatusCode::NOT_FOUND);
    let (status, body) = get_json(&app, "/open311/v2/services.xml").await;
    assert_error(status, &body, StatusCode::BAD_REQUEST);
    assert!(body[0]["description"].as_str().expect("text").contains("JSON"));
}

#[tokio::test]
async fn an_open311_tool_reports_an_item_with_an_admins_key_and_follows_it_to_closed() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in(COMMUNITY_ADMIN).await;
    let key = issue_key(&app, &admin, "12345 市民热线").await;

    let id = report(&app, &key, "幸福锦园4号楼").await;
    let (stage, source, reporter, micro_grid): (String, String, Option<i64>, String) = sqlx::query_as(
        "SELECT s.stage, s.source, s.reporter_id, m.name FROM sentiment_items s
         JOIN grid_nodes m ON m.id = s.micro_grid_id WHERE s.id = ?",
    )
    .bind(id.parse::<i64>().expect("numeric id"))
    .fetch_one(&app.pool)
    .await
    .expect("item");
    assert_eq!(
        (stage.as_str(), source.as_str(), reporter, micro_grid.as_str()),
        ("reported", "open311", None, "向日葵微网格")
    );
    let audit: String =
        sqlx::query_scalar("SELECT detail FROM audit_log WHERE action = 'open311_request' AND object_id = ?")
            .bind(&id)
            .fetch_one(&app.pool)
            .await
            .expect("audited");
    assert!(!audit.contains("13912345678") && audit.contains("139****5678"), "{audit}");

    let (status, list) = get_json(&app, &format!("/open311/v2/requests.json?api_key={key}")).await;
    assert_eq!(status, StatusCode::OK, "{list}");
    let item = list.as_array().expect("array").iter().find(|r| r["service_request_id"] == id.as_str()).expect("listed");
    for field in REQUEST_FIELDS {
        assert!(item.get(field).is_some(), "{field} missing in {item}");
    }
    assert_eq!(item["status"], "open");
    assert_eq!(item["status_notes"], "上报");
    assert_eq!(item["service_code"], "facility");
    assert_eq!(item["service_name"], "设施故障");
    assert_eq!(item["address"], "幸福锦园4号楼");
    assert_eq!(item["description"], "4号楼2单元楼道灯不亮了");
    assert!(item["requested_datetime"].as_str().is_some_and(|d| d.ends_with("+08:00") && d.len() == 25), "{item}");

    let closed_at = app::repo::now();
    sqlx::query("UPDATE sentiment_items SET stage = 'closed', closed_at = ?, updated_at = ? WHERE id = ?")
        .bind(closed_at)
        .bind(closed_at)
        .bind(&id)
        .execute(&app.pool)
        .await
        .expect("close");
    let (status, one) = get_json(&app, &format!("/open311/v2/requests/{id}.json?api_key={key}")).await;
    assert_eq!(status, StatusCode::OK, "{one}");
    assert_eq!(one.as_array().expect("array").len(), 1);
    assert_eq!(one[0]["status"], "closed");
    assert_eq!(one[0]["status_notes"], "办结");
    let (status, one) = get_json(&app, &format!("/open311/v2/requests/999999.json?api_key={key}")).await;
    assert_error(status, &one, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn requests_filter_by_service_code_status_and_dates() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in(COMMUNITY_ADMIN).await;
    let key = issue_key(&app, &admin, "筛选测试").await;
    let id = report(&app, &key, "幸福锦园5号楼").await;
    let listed = |query: String| {
        let app = &app;
        let key = key.clone();
        async move {
            let (status, list) = get_json(app, &format!("/open311/v2/requests.json?api_key={key}&{query}")).await;
            assert_eq!(status, StatusCode::OK, "{list}");
            ids(&list)
        }
    };
    assert!(listed("service_code=facility".into()).await.contains(&id));
    assert!(!listed("service_code=safety".into()).await.contains(&id));
    assert!(listed("status=open".into()).await.contains(&id));
    assert!(!listed("status=closed".into()).await.contains(&id));
    assert!(listed("status=open,closed".into()).await.contains(&id));
    assert!(listed("start_date=2026-01-01T00:00:00Z".into()).await.contains(&id));
    assert!(!listed("start_date=2099-01-01T00:00:00%2B08:00".into()).await.contains(&id));
    assert!(!listed("end_date=2001-01-01T00:00:00Z&start_date=2000-01-01T00:00:00Z".into()).await.contains(&id));
    assert_eq!(listed(format!("service_request_id={id}&service_code=safety")).await, vec![id.as_str()]);

    // The seeded closed sanitation item of 幸福锦园4号楼 is in the area; 学士府's are not.
    let closed = listed("status=closed&start_date=2000-01-01".into()).await;
    assert!(!closed.is_empty());
    let outside: i64 = app
        .count("SELECT min(s.id) FROM sentiment_items s JOIN grid_nodes b ON b.id = s.building_id WHERE b.name LIKE '学士府%'")
        .await;
    assert!(!listed("start_date=2000-01-01".into()).await.contains(&outside.to_string()));

    for bad in ["status=pending", "service_code=potholes", "start_date=yesterday", "service_request_id=1,x"] {
        let (status, body) = get_json(&app, &format!("/open311/v2/requests.json?api_key={key}&{bad}")).await;
        assert_error(status, &body, StatusCode::BAD_REQUEST);
    }
}

#[tokio::test]
async fn missing_revoked_and_foreign_keys_are_refused_and_nothing_is_written() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in(COMMUNITY_ADMIN).await;
    let key = issue_key(&app, &admin, "将被吊销").await;
    let id = report(&app, &key, "幸福锦园4号楼").await;
    let before = counts(&app).await;
    let form = |key: &'static str| {
        [
            ("api_key", key),
            ("service_code", "facility"),
            ("description", "路灯坏了"),
            ("address_string", "幸福锦园4号楼"),
        ]
    };

    let (status, body) = get_json(&app, "/open311/v2/requests.json").await;
    assert_error(status, &body, StatusCode::FORBIDDEN);
    let (status, body) = get_json(&app, &format!("/open311/v2/requests/{id}.json")).await;
    assert_error(status, &body, StatusCode::FORBIDDEN);
    let (status, body) = post_request(&app, &form("")).await;
    assert_error(status, &body, StatusCode::FORBIDDEN);
    let (status, body) = post_request(&app, &form("not-a-key")).await;
    assert_error(status, &body, StatusCode::FORBIDDEN);

    let key_id: String =
        sqlx::query_scalar("SELECT CAST(max(id) AS TEXT) FROM api_keys").fetch_one(&app.pool).await.expect("id");
    let (status, body) = app.post(&admin, "revoke_api_key", &[("id", &key_id)]).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(app.count("SELECT count(*) FROM audit_log WHERE action = 'revoke_api_key'").await, 1);
    let (status, body) = get_json(&app, &format!("/open311/v2/requests.json?api_key={key}")).await;
    assert_error(status, &body, StatusCode::FORBIDDEN);
    let revoked = [
        ("api_key", key.as_str()),
        ("service_code", "facility"),
        ("description", "路灯坏了"),
        ("address_string", "幸福锦园4号楼"),
    ];
    let (status, body) = post_request(&app, &revoked).await;
    assert_error(status, &body, StatusCode::FORBIDDEN);

    // A key of 朝晖社区 (another subdistrict) neither sees nor writes 祖望社区's items.
    let foreign = app::auth::new_token();
    sqlx::query(
        "INSERT INTO api_keys (node_id, label, key_hash) SELECT id, '朝晖热线', ? FROM grid_nodes WHERE name = '朝晖社区'",
    )
    .bind(app::auth::token_hash(&foreign))
    .execute(&app.pool)
    .await
    .expect("foreign key");
    let (status, list) =
        get_json(&app, &format!("/open311/v2/requests.json?api_key={foreign}&start_date=2000-01-01")).await;
    assert_eq!(status, StatusCode::OK, "{list}");
    assert!(!ids(&list).contains(&id));
    let (status, body) = get_json(&app, &format!("/open311/v2/requests/{id}.json?api_key={foreign}")).await;
    assert_error(status, &body, StatusCode::NOT_FOUND);
    let theirs = [
        ("api_key", foreign.as_str()),
        ("service_code", "facility"),
        ("description", "路灯坏了"),
        ("address_string", "幸福锦园4号楼"),
    ];
    let (status, body) = post_request(&app, &theirs).await;
    assert_error(status, &body, StatusCode::BAD_REQUEST);

    assert_eq!(counts(&app).await, before, "no item and no audit row written");
}

#[tokio::test]
async fn bad_fields_are_refused_with_400_and_nothing_is_written() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in(COMMUNITY_ADMIN).await;
    let key = issue_key(&app, &admin, "字段校验").await;
    let before = counts(&app).await;
    let cases: [(&str, &str, &str); 6] = [
        ("potholes", "路灯坏了", "幸福锦园4号楼"),
        ("", "路灯坏了", "幸福锦园4号楼"),
        ("facility", "坏", "幸福锦园4号楼"),
        ("facility", "路灯坏了", "学士府36号楼"),
        ("facility", "路灯坏了", "幸福锦园99号楼"),
        ("facility", "路灯坏了", ""),
    ];
    for (code, description, address) in cases {
        let form = [
            ("api_key", key.as_str()),
            ("service_code", code),
            ("description", description),
            ("address_string", address),
        ];
        let (status, body) = post_request(&app, &form).await;
        assert_error(status, &body, StatusCode::BAD_REQUEST);
    }
    let long = "长".repeat(2001);
    let form = [
        ("api_key", key.as_str()),
        ("service_code", "other"),
        ("description", long.as_str()),
        ("address_string", "幸福锦园4号楼"),
    ];
    let (status, body) = post_request(&app, &form).await;
    assert_error(status, &body, StatusCode::BAD_REQUEST);
    let form = [
        ("api_key", key.as_str()),
        ("service_code", "other"),
        ("description", "路灯坏了"),
        ("address_string", "幸福锦园4号楼"),
        ("lat", "north"),
    ];
    let (status, body) = post_request(&app, &form).await;
    assert_error(status, &body, StatusCode::BAD_REQUEST);

    let res = app
        .client()
        .post(format!("{}/open311/v2/requests.xml", app.base))
        .form(&[("api_key", key.as_str())])
        .send()
        .await
        .expect("post");
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    let res =
        app.client().post(format!("{}/open311/v2/requests.json", app.base)).body("{}").send().await.expect("post");
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert_eq!(counts(&app).await, before);
}

#[tokio::test]
async fn only_area_admins_issue_keys_and_the_plain_key_is_stored_nowhere() {
    let app = TestApp::spawn().await;
    for phone in [RESIDENT, LEADER] {
        let client = app.signed_in(phone).await;
        let (status, body) = app.post(&client, "issue_api_key", &[("label", "我的工具")]).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{phone}: {body}");
    }
    assert_eq!(app.count("SELECT count(*) FROM api_keys").await, 0);

    let admin = app.signed_in(COMMUNITY_ADMIN).await;
    let (status, _) = app.post(&admin, "issue_api_key", &[("label", "  ")]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let key = issue_key(&app, &admin, "12345 热线").await;
    report(&app, &key, "幸福锦园4号楼").await;
    assert_eq!(app.count("SELECT count(*) FROM audit_log WHERE action = 'issue_api_key' AND outcome = 'ok'").await, 1);
    assert_eq!(
        app.count("SELECT count(*) FROM audit_log WHERE action = 'issue_api_key' AND outcome = 'refused'").await,
        2
    );
    let node: String = sqlx::query_scalar("SELECT n.name FROM api_keys k JOIN grid_nodes n ON n.id = k.node_id")
        .fetch_one(&app.pool)
        .await
        .expect("key row");
    assert_eq!(node, "祖望社区");
    let pattern = format!("%{key}%");
    let found: i64 = sqlx::query_scalar(
        "SELECT (SELECT count(*) FROM api_keys WHERE key_hash LIKE ?1 OR label LIKE ?1)
              + (SELECT count(*) FROM audit_log
                 WHERE coalesce(detail, '') || coalesce(before_json, '') || coalesce(after_json, '') LIKE ?1)
              + (SELECT count(*) FROM sentiment_stages WHERE note LIKE ?1)
              + (SELECT count(*) FROM sentiment_items WHERE description LIKE ?1 OR place_note LIKE ?1)",
    )
    .bind(&pattern)
    .fetch_one(&app.pool)
    .await
    .expect("search");
    assert_eq!(found, 0, "the plain key is in the database");
    let hash: String = sqlx::query_scalar("SELECT key_hash FROM api_keys").fetch_one(&app.pool).await.expect("hash");
    assert_eq!(hash, app::auth::token_hash(&key));
}

#[tokio::test]
async fn without_javascript_the_new_key_is_shown_once_on_the_page() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in(COMMUNITY_ADMIN).await;
    let res = admin
        .post(format!("{}/api/issue_api_key", app.base))
        .header("accept", "text/html")
        .header("referer", format!("{}/admin/open311", app.base))
        .form(&[("label", "无脚本")])
        .send()
        .await
        .expect("post");
    assert!(res.status().is_redirection(), "{}", res.status());
    assert_eq!(res.headers().get("location").and_then(|l| l.to_str().ok()), Some("/admin/open311"));
    let (status, page) = app.get(&admin, "/admin/open311").await;
    assert_eq!(status, StatusCode::OK);
    let shown = page
        .split("open311-key\">")
        .nth(1)
        .and_then(|rest| rest.split('<').next())
        .expect("the key is shown")
        .to_string();
    assert_eq!(shown.len(), 64, "{shown}");
    let works = get_json(&app, &format!("/open311/v2/requests.json?api_key={shown}")).await;
    assert_eq!(works.0, StatusCode::OK);
    let (_, again) = app.get(&admin, "/admin/open311").await;
    assert!(!again.contains(&shown), "shown only once");
    assert!(again.contains("无脚本"));
}
