//! Accounts and the shell: health, the demo city, sign-up, sign-in and out, plain forms
//! without JavaScript, the admin tab, friendly errors, language and elder mode.
use crate::test_app::TestApp;
use app::live::Topic;
use futures::StreamExt;
use reqwest::StatusCode;
use server::{config::Config, Application};
use std::time::Duration;

#[tokio::test]
async fn health_answers_when_the_database_is_reachable() {
    let app = TestApp::spawn().await;
    let (status, body) = app.get(&app.client(), "/healthz").await;
    assert_eq!((status, body.as_str()), (StatusCode::OK, "ok"));
}

#[tokio::test]
async fn every_answer_names_its_request_for_the_log() {
    let app = TestApp::spawn().await;
    let client = app.client();
    let mut ids = std::collections::HashSet::new();
    for path in ["/healthz", "/board", "/api/board_data"] {
        let res = client.get(format!("{}{path}", app.base)).send().await.expect("get");
        let id = res.headers().get("x-request-id").and_then(|v| v.to_str().ok()).map(str::to_string);
        assert!(id.as_ref().is_some_and(|id| !id.is_empty()), "{path} answers with its request id");
        ids.extend(id);
    }
    assert_eq!(ids.len(), 3, "one id per request: {ids:?}");
}

#[tokio::test]
async fn the_demo_city_is_seeded_once() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().to_path_buf();
    let app = TestApp::spawn_in(dir).await;
    let tables = [
        "grid_nodes",
        "people",
        "accounts",
        "role_assignments",
        "service_orders",
        "nominations",
        "sentiment_items",
        "households",
    ];
    let mut before = Vec::new();
    for t in tables {
        let n: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(format!("SELECT count(*) FROM {t}")))
            .fetch_one(&app.pool)
            .await
            .expect("count");
        before.push(n);
    }
    assert_eq!(app.count("SELECT count(*) FROM grid_nodes WHERE level = 'subdistrict'").await, 7);
    assert!(app.count("SELECT count(*) FROM role_assignments WHERE role = 'resident'").await >= 60);
    assert!(app.count("SELECT count(*) FROM role_assignments WHERE role = 'volunteer'").await >= 20);
    assert_eq!(
        app.count("SELECT count(*) FROM accounts WHERE phone BETWEEN '13800000010' AND '13800000029'").await,
        20
    );
    assert_eq!(app.count("SELECT count(*) FROM stations WHERE name = '向日葵网格服务驿站'").await, 1);
    assert!(app.count("SELECT count(*) FROM service_orders WHERE status = 'open'").await > 0);

    // A second start on the same file seeds nothing.
    let url = format!("sqlite://{}/test.db", path.display());
    let mut config = Config::from_env_and_args(["--addr".to_string(), "127.0.0.1:0".into()]).expect("config");
    config.database_url = url;
    let again = Application::build(config).await.expect("second build");
    for (t, n) in tables.iter().zip(before) {
        let m: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(format!("SELECT count(*) FROM {t}")))
            .fetch_one(&again.state().pool)
            .await
            .expect("count");
        assert_eq!(m, n, "{t} changed on the second seeding");
    }
}

#[tokio::test]
async fn codes_are_hierarchical_and_unique() {
    let app = TestApp::spawn().await;
    let orphans = app
        .count("SELECT count(*) FROM grid_nodes c JOIN grid_nodes p ON p.id = c.parent_id WHERE substr(c.code, 1, length(p.code)) <> p.code")
        .await;
    assert_eq!(orphans, 0);
}

#[tokio::test]
async fn signing_in_sets_a_strict_cookie_and_shows_the_person() {
    let app = TestApp::spawn().await;
    let client = app.client();
    let res = client
        .post(format!("{}/api/login", app.base))
        .form(&[("phone", "13800000001"), ("password", "gridstation")])
        .send()
        .await
        .expect("login");
    assert_eq!(res.status(), StatusCode::OK);
    let cookie = res.headers().get("set-cookie").and_then(|v| v.to_str().ok()).unwrap_or_default().to_string();
    assert!(
        cookie.starts_with("gs_session=") && cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
        "{cookie}"
    );
    let token = cookie.trim_start_matches("gs_session=").split(';').next().unwrap_or_default();
    assert_eq!(token.len(), 64, "a 256-bit token");
    // Only the hash is stored.
    let stored: i64 = sqlx::query_scalar("SELECT count(*) FROM sessions WHERE token_hash = ?")
        .bind(token)
        .fetch_one(&app.pool)
        .await
        .expect("q");
    assert_eq!(stored, 0);
    let (status, html) = app.get(&client, "/me").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("王秀英") && html.contains("居民"), "the person and their role");
    assert_eq!(app.count("SELECT count(*) FROM audit_log WHERE action = 'login' AND outcome = 'ok'").await, 1);
}

#[tokio::test]
async fn a_plain_form_sign_in_redirects_home() {
    let app = TestApp::spawn().await;
    let res = app
        .client()
        .post(format!("{}/api/login", app.base))
        .header("accept", "text/html")
        .header("referer", format!("{}/login", app.base))
        .form(&[("phone", "13800000004"), ("password", "gridstation")])
        .send()
        .await
        .expect("login");
    assert_eq!(res.status(), StatusCode::FOUND);
    assert_eq!(res.headers().get("location").and_then(|v| v.to_str().ok()), Some("/"));
}

#[tokio::test]
async fn a_refused_plain_form_comes_back_filled_in_for_its_sender_only() {
    let app = TestApp::spawn().await;
    let resident = app.signed_in("13800000001").await;
    // 我需要 without JavaScript, with a one-character title: refused, sent back to the form.
    let res = resident
        .post(format!("{}/api/place_order", app.base))
        .header("accept", "text/html")
        .header("referer", format!("{}/board/new", app.base))
        .form(&[
            ("section", "health"),
            ("title", "药"),
            ("description", "帮我去社区医院配降压药<b>"),
            ("urgency", "urgent"),
            ("idempotency_key", "echo-form-000001"),
        ])
        .send()
        .await
        .expect("post");
    assert_eq!(res.status(), StatusCode::FOUND);
    let location = res.headers().get("location").and_then(|v| v.to_str().ok()).unwrap_or_default().to_string();
    assert_eq!(location.trim_start_matches(&app.base), "/board/new", "back at the form's own address, no internals");
    let path = location.trim_start_matches(&app.base).to_string();
    let (status, html) = app.get(&resident, &path).await;
    assert_eq!(status, StatusCode::OK);
    // What was typed is back (escaped), with the error beside the title and the choices kept.
    assert!(html.contains("帮我去社区医院配降压药&lt;b&gt;"), "the description is kept");
    assert!(html.contains(r#"value="药""#), "the title is kept");
    assert!(html.contains(r#"value="health" selected"#), "the section is kept");
    assert!(html.contains(r#"value="urgent" checked"#), "the urgency is kept");
    assert!(html.contains("标题需要2到60个字"), "the error shows beside the field");
    assert!(!html.contains("echo-form-000001"), "the form key is never echoed");
    // Once: opened again, the form is empty; nobody else gets it through the same address.
    let (_, again) = app.get(&resident, &path).await;
    assert!(!again.contains("配降压药") && !again.contains("标题需要2到60个字"), "shown once");
    let (_, other) = app.get(&app.signed_in("13800000002").await, &path).await;
    assert!(!other.contains("配降压药"), "another account sees an empty form");
    assert_eq!(app.count("SELECT count(*) FROM service_orders WHERE idempotency_key = 'echo-form-000001'").await, 0);
}

#[tokio::test]
async fn a_plain_form_with_a_wrong_password_comes_back_with_the_message() {
    let app = TestApp::spawn().await;
    let client = app.client();
    let res = client
        .post(format!("{}/api/login", app.base))
        .header("accept", "text/html")
        .header("referer", format!("{}/login", app.base))
        .form(&[("phone", "13800000001"), ("password", "wrong-password")])
        .send()
        .await
        .expect("login");
    assert_eq!(res.status(), StatusCode::FOUND);
    let location = res.headers().get("location").and_then(|v| v.to_str().ok()).unwrap_or_default().to_string();
    assert!(!location.contains("__"), "no internals in the address: {location}");
    let (_, html) = app.get(&client, location.trim_start_matches(&app.base)).await;
    assert!(html.contains("手机号或密码不正确"));
}

#[tokio::test]
async fn wrong_credentials_get_one_clear_message_and_are_audited() {
    let app = TestApp::spawn().await;
    let client = app.client();
    for (phone, password) in [("13800000001", "not-the-password"), ("13899999999", "gridstation")] {
        let (status, body) = app.post(&client, "login", &[("phone", phone), ("password", password)]).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        assert!(body.contains("BadCredentials"), "{body}");
    }
    assert_eq!(
        app.count("SELECT count(*) FROM audit_log WHERE action = 'login_failed' AND outcome = 'refused'").await,
        2
    );
    let leaked = app
        .count("SELECT count(*) FROM audit_log WHERE detail LIKE '%not-the-password%' OR detail LIKE '%13800000001%'")
        .await;
    assert_eq!(leaked, 0, "no passwords or full phone numbers in the audit log");
}

#[tokio::test]
async fn sign_in_attempts_are_rate_limited_per_account() {
    let app = TestApp::spawn().await;
    let client = app.client();
    for _ in 0..5 {
        let (status, _) = app.post(&client, "login", &[("phone", "13800000002"), ("password", "nope-nope")]).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    }
    let (status, body) = app.post(&client, "login", &[("phone", "13800000002"), ("password", "gridstation")]).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{body}");
}

#[tokio::test]
async fn malformed_requests_are_4xx_never_5xx() {
    let app = TestApp::spawn().await;
    let client = app.client();
    let cases: Vec<(&str, Vec<(&str, &str)>)> = vec![
        ("login", vec![]),
        ("login", vec![("phone", "13800000001")]),
        ("login", vec![("phone", "' OR 1=1 --"), ("password", "x")]),
        ("signup", vec![("full_name", "<script>alert(1)</script>")]),
        ("set_locale", vec![("locale", "fr")]),
        ("set_elder_mode", vec![("on", "maybe")]),
        ("board_data", vec![("section", "drop table")]),
        ("admin_data", vec![("node", "1")]),
        ("me_data", vec![]),
    ];
    for (endpoint, form) in cases {
        let (status, body) = app.post(&client, endpoint, &form).await;
        assert!(status.is_client_error(), "{endpoint} {form:?}: {status} {body}");
    }
    let (status, _) = app.post(&client, "no_such_function", &[]).await;
    assert!(status.is_client_error());
    let big = "x".repeat(1_000_000);
    let (status, _) = app.post(&client, "login", &[("phone", big.as_str()), ("password", big.as_str())]).await;
    assert!(status.is_client_error(), "{status}");
}

#[tokio::test]
async fn sign_up_validates_every_field_and_refuses_a_registered_phone() {
    let app = TestApp::spawn().await;
    let client = app.client();
    let before = app.count("SELECT count(*) FROM accounts").await;
    let (status, body) = app
        .post(
            &client,
            "signup",
            &[("full_name", ""), ("phone", "123"), ("password", "12345678"), ("micro_grid", "999999")],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    for msg in ["ErrRequired", "ErrPhoneMalformed", "ErrPasswordCommon", "ErrNoSuchMicroGrid"] {
        assert!(body.contains(msg), "{msg} in {body}");
    }
    let micro: i64 = sqlx::query_scalar("SELECT id FROM grid_nodes WHERE name = '向日葵微网格'")
        .fetch_one(&app.pool)
        .await
        .expect("q");
    let micro = micro.to_string();
    let (status, body) = app
        .post(
            &client,
            "signup",
            &[
                ("full_name", "新居民"),
                ("phone", "13800000001"),
                ("password", "sunflower-2026"),
                ("micro_grid", &micro),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert_eq!(app.count("SELECT count(*) FROM accounts").await, before, "nothing half-written");

    let (status, body) = app
        .post(
            &client,
            "signup",
            &[
                ("full_name", "新居民"),
                ("phone", "139 1234 5678"),
                ("password", "sunflower-2026"),
                ("micro_grid", &micro),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (_, html) = app.get(&client, "/me").await;
    assert!(html.contains("新居民") && html.contains("13912345678"));
}

#[tokio::test]
async fn signing_out_ends_the_session_on_the_server() {
    let app = TestApp::spawn().await;
    let client = app.signed_in("13800000003").await;
    assert_eq!(app.count("SELECT count(*) FROM sessions").await, 1);
    let (status, _) = app.post(&client, "logout", &[]).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(app.count("SELECT count(*) FROM sessions").await, 0);
    let (status, _) = app.post(&client, "me_data", &[]).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn staff_see_the_admin_tab_and_residents_are_refused() {
    let app = TestApp::spawn().await;
    let resident = app.signed_in("13800000001").await;
    let (status, html) = app.get(&resident, "/").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("需求大厅") && !html.contains(">管理<"));
    let (status, html) = app.get(&resident, "/admin").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(html.contains("没有权限"));
    let (status, _) = app.post(&resident, "admin_data", &[]).await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    let admin = app.signed_in("13800000004").await;
    let (status, html) = app.get(&admin, "/admin").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains(">管理<") && html.contains("祖望社区") && html.contains("幸福锦园网格"));
    // A community admin cannot look at another community.
    let other: i64 =
        sqlx::query_scalar("SELECT id FROM grid_nodes WHERE name = '朝晖社区'").fetch_one(&app.pool).await.expect("q");
    let (status, _) = app.post(&admin, "admin_data", &[("node", &other.to_string())]).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    // The subdistrict admin can.
    let sub = app.signed_in("13800000005").await;
    let zuwang: i64 =
        sqlx::query_scalar("SELECT id FROM grid_nodes WHERE name = '祖望社区'").fetch_one(&app.pool).await.expect("q");
    let (status, _) = app.post(&sub, "admin_data", &[("node", &zuwang.to_string())]).await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn unknown_pages_are_friendly_404s() {
    let app = TestApp::spawn().await;
    let (status, html) = app.get(&app.client(), "/no-such-page").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(html.contains("页面不存在") && html.contains("主导航"));
}

#[tokio::test]
async fn the_board_never_shows_rooms_or_phone_numbers() {
    let app = TestApp::spawn().await;
    let client = app.signed_in("13800000002").await;
    let (status, html) = app.get(&client, "/board").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("**"), "masked names");
    let phones: Vec<String> = sqlx::query_scalar(
        "SELECT contact_phone FROM service_orders WHERE status = 'open' AND contact_phone IS NOT NULL",
    )
    .fetch_all(&app.pool)
    .await
    .expect("q");
    assert!(!phones.is_empty());
    for phone in phones {
        assert!(!html.contains(&phone), "phone {phone} leaked");
    }
    let requesters: Vec<String> = sqlx::query_scalar(
        "SELECT p.full_name FROM service_orders o JOIN people p ON p.id = o.requester_id WHERE o.status = 'open'",
    )
    .fetch_all(&app.pool)
    .await
    .expect("q");
    for name in requesters {
        assert!(!html.contains(&name), "full name {name} leaked");
    }
}

#[tokio::test]
async fn english_is_complete_and_chosen_by_cookie() {
    let app = TestApp::spawn().await;
    let client = app.client();
    let (status, _) = app.post(&client, "set_locale", &[("locale", "en")]).await;
    assert_eq!(status, StatusCode::OK);
    let (_, html) = app.get(&client, "/board").await;
    assert!(html.contains(r#"lang="en""#) && html.contains("Board") && html.contains("Main navigation"));
    let (_, html) = app.get(&app.client(), "/board").await;
    assert!(html.contains(r#"lang="zh-CN""#) && html.contains("需求大厅"));
}

#[tokio::test]
async fn elder_mode_is_remembered_on_the_account() {
    let app = TestApp::spawn().await;
    let client = app.signed_in("13800000001").await;
    let (status, _) = app.post(&client, "set_elder_mode", &[("on", "1")]).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(app.count("SELECT elder_mode FROM accounts WHERE phone = '13800000001'").await, 1);
    // A new device without the cookie gets it from the account.
    let other_device = app.signed_in("13800000001").await;
    let (_, html) = app.get(&other_device, "/").await;
    assert!(html.contains(r#"class="elder""#));
}

#[tokio::test]
async fn a_live_event_reaches_a_subscribed_client() {
    let app = TestApp::spawn().await;
    let viewer = app.signed_in("13800000001").await;
    let res = viewer.get(format!("{}/api/events", app.base)).send().await.expect("subscribe");
    assert_eq!(res.status(), StatusCode::OK);
    assert!(res
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .starts_with("text/event-stream"));
    let mut stream = res.bytes_stream();
    // The subscription is registered once the response has started; publish until seen.
    let bus = app.bus.clone();
    let publisher = tokio::spawn(async move {
        loop {
            bus.publish(Topic::Orders, Some(42));
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    });
    let mut seen = String::new();
    let found = tokio::time::timeout(Duration::from_secs(5), async {
        while let Some(chunk) = stream.next().await {
            seen.push_str(&String::from_utf8_lossy(&chunk.expect("chunk")));
            if seen.contains(r#""topic":"orders","id":42"#) {
                return true;
            }
        }
        false
    })
    .await
    .unwrap_or(false);
    publisher.abort();
    assert!(found, "no event in {seen:?}");
}
