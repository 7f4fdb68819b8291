//! Integration tests: the real router on 127.0.0.1:0 with a fresh SQLite file each.
mod common;
#[path = "common/app.rs"]
mod test_app;

use app::live::Topic;
use futures::StreamExt;
use reqwest::{Client, StatusCode};
use server::{config::Config, Application};
use std::time::Duration;
use test_app::TestApp;

#[tokio::test]
async fn health_answers_when_the_database_is_reachable() {
    let app = TestApp::spawn().await;
    let (status, body) = app.get(&app.client(), "/healthz").await;
    assert_eq!((status, body.as_str()), (StatusCode::OK, "ok"));
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
    assert!(location.contains("__err=") && location.contains("__form="), "{location}");
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
    // Nobody else gets it through the same link.
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
    assert!(location.contains("__err="), "{location}");
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

// ---------------------------------------------------------------------------------------
// The order board: 我需要, 接单 and the life cycle.

impl TestApp {
    /// Places an order as `client`; returns its id.
    async fn place(&self, client: &Client, key: &str, extra: &[(&str, &str)]) -> (StatusCode, String) {
        let mut form = vec![
            ("section", "daily_life"),
            ("title", "帮忙换一个水龙头"),
            ("description", "厨房水龙头一直滴水"),
            ("urgency", "normal"),
            ("idempotency_key", key),
        ];
        for (key, value) in extra {
            form.retain(|(k, _)| k != key);
            form.push((key, value));
        }
        self.post(client, "place_order", &form).await
    }

    async fn place_ok(&self, client: &Client, key: &str) -> i64 {
        let (status, body) = self.place(client, key, &[]).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        body.trim().parse().expect("order id")
    }
}

#[tokio::test]
async fn only_one_volunteer_can_take_an_open_order() {
    let app = TestApp::spawn().await;
    let resident = app.signed_in("13800000001").await;
    let id = app.place_ok(&resident, "race-order-0001").await;
    let id_text = id.to_string();
    // Eleven volunteers of 祖望社区, twenty taps each: 220 concurrent 接单 requests.
    let mut volunteers = vec![app.signed_in("13800000002").await];
    for n in 10..20 {
        volunteers.push(app.signed_in(&format!("138000000{n}")).await);
    }
    let mut requests = Vec::new();
    for (who, client) in volunteers.iter().enumerate() {
        for _ in 0..20 {
            let client = client.clone();
            let url = format!("{}/api/take_order", app.base);
            let form = vec![("id", id_text.clone())];
            requests.push(tokio::spawn(async move {
                let res = client.post(url).form(&form).send().await.expect("take");
                let status = res.status();
                (who, status, res.text().await.unwrap_or_default())
            }));
        }
    }
    // The winner's own further taps are answered as the success they repeat; everyone
    // else's are told it is taken.
    let mut winners = std::collections::HashSet::new();
    let mut lost = 0;
    for r in futures::future::join_all(requests).await {
        let (who, status, body) = r.expect("task");
        match status {
            StatusCode::OK => {
                winners.insert(who);
            }
            StatusCode::CONFLICT => {
                assert!(body.contains("ErrOrderTaken"), "{body}");
                lost += 1;
            }
            other => panic!("unexpected {other}: {body}"),
        }
    }
    assert_eq!(winners.len(), 1, "one volunteer won: {winners:?}");
    assert_eq!(lost, 200, "every other volunteer's 20 taps were refused");
    let takers: i64 =
        sqlx::query_scalar("SELECT count(*) FROM order_events WHERE order_id = ? AND to_status = 'taken'")
            .bind(id)
            .fetch_one(&app.pool)
            .await
            .expect("q");
    assert_eq!(takers, 1, "exactly one taken event");
    let status: String = sqlx::query_scalar("SELECT status FROM service_orders WHERE id = ?")
        .bind(id)
        .fetch_one(&app.pool)
        .await
        .expect("q");
    assert_eq!(status, "taken");
}

#[tokio::test]
async fn the_same_form_sent_twice_creates_one_order() {
    let app = TestApp::spawn().await;
    let resident = app.signed_in("13800000001").await;
    let before = app.count("SELECT count(*) FROM service_orders").await;
    let sends = (0..5).map(|_| app.place(&resident, "same-key-123456", &[]));
    let results = futures::future::join_all(sends).await;
    let ids = distinct_ok_bodies(results);
    assert_eq!(ids.len(), 1, "every send answers with the same order");
    assert_eq!(app.count("SELECT count(*) FROM service_orders").await, before + 1);
    // A new form (new key) is a new order.
    app.place_ok(&resident, "another-key-1234").await;
    assert_eq!(app.count("SELECT count(*) FROM service_orders").await, before + 2);
}

#[tokio::test]
async fn an_order_runs_its_whole_life_cycle_with_every_step_timed() {
    let app = TestApp::spawn().await;
    let resident = app.signed_in("13800000001").await;
    let volunteer = app.signed_in("13800000002").await;
    let id = app.place_ok(&resident, "life-cycle-0001").await;
    let id = id.to_string();
    let step = |client: &Client, endpoint: &'static str, extra: Vec<(&'static str, &'static str)>| {
        let mut form = vec![("id", id.clone())];
        form.extend(extra.into_iter().map(|(k, v)| (k, v.to_string())));
        let request = client.post(format!("{}/api/{endpoint}", app.base)).form(&form).send();
        async move {
            let res = request.await.expect("send");
            (res.status(), res.text().await.unwrap_or_default())
        }
    };
    // Confirming before the service is done is refused by the state machine.
    assert_eq!(step(&resident, "confirm_order", vec![("rating", "5"), ("comment", "")]).await.0, StatusCode::CONFLICT);
    // The resident cannot take their own order; the volunteer can.
    assert_eq!(step(&resident, "take_order", vec![]).await.0, StatusCode::FORBIDDEN);
    assert_eq!(step(&volunteer, "take_order", vec![]).await.0, StatusCode::OK);
    assert_eq!(step(&volunteer, "start_service", vec![]).await.0, StatusCode::OK);
    let (status, body) = step(&volunteer, "finish_service", vec![("minutes", "0")]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(step(&volunteer, "finish_service", vec![("minutes", "50")]).await.0, StatusCode::OK);
    // Only the requester confirms.
    assert_eq!(
        step(&volunteer, "confirm_order", vec![("rating", "5"), ("comment", "")]).await.0,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        step(&resident, "confirm_order", vec![("rating", "9"), ("comment", "")]).await.0,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    assert_eq!(
        step(&resident, "confirm_order", vec![("rating", "4"), ("comment", "谢谢小张")]).await.0,
        StatusCode::OK
    );
    let row: (String, i64, i64, bool) = sqlx::query_as(
        "SELECT status, minutes_spent, rating,
                taken_at IS NOT NULL AND started_at IS NOT NULL AND finished_at IS NOT NULL AND confirmed_at IS NOT NULL
         FROM service_orders WHERE id = ?",
    )
    .bind(&id)
    .fetch_one(&app.pool)
    .await
    .expect("q");
    assert_eq!(row, ("completed".to_string(), 50, 4, true), "every step has its time");
    let events: Vec<String> = sqlx::query_scalar("SELECT to_status FROM order_events WHERE order_id = ? ORDER BY id")
        .bind(&id)
        .fetch_all(&app.pool)
        .await
        .expect("q");
    assert_eq!(events, ["open", "taken", "in_service", "awaiting_confirmation", "completed"]);
}

#[tokio::test]
async fn releasing_needs_a_reason_and_reopens_the_order() {
    let app = TestApp::spawn().await;
    let resident = app.signed_in("13800000001").await;
    let volunteer = app.signed_in("13800000002").await;
    let id = app.place_ok(&resident, "release-0000001").await.to_string();
    let (status, _) = app.post(&volunteer, "take_order", &[("id", &id)]).await;
    assert_eq!(status, StatusCode::OK);
    let (status, body) = app.post(&volunteer, "release_order", &[("id", &id), ("reason", "  ")]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let (status, _) = app.post(&volunteer, "release_order", &[("id", &id), ("reason", "临时有事")]).await;
    assert_eq!(status, StatusCode::OK);
    let (status, taker): (String, Option<i64>) =
        sqlx::query_as("SELECT status, taker_id FROM service_orders WHERE id = ?")
            .bind(&id)
            .fetch_one(&app.pool)
            .await
            .expect("q");
    assert_eq!((status.as_str(), taker), ("open", None));
    // The requester may cancel it now that nobody holds it.
    let (status, _) = app.post(&resident, "cancel_order", &[("id", &id), ("reason", "")]).await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn a_volunteer_of_another_community_can_neither_take_nor_see_an_order() {
    let app = TestApp::spawn().await;
    let resident = app.signed_in("13800000001").await;
    let id = app.place_ok(&resident, "foreign-0000001").await.to_string();
    // 13800000020 serves another community.
    let outsider = app.signed_in("13800000020").await;
    let (status, _) = app.post(&outsider, "take_order", &[("id", &id)]).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = app.post(&outsider, "order_detail", &[("id", &id)]).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(app.count("SELECT count(*) FROM audit_log WHERE action = 'order_refused'").await, 1);
}

#[tokio::test]
async fn room_and_phone_reach_only_the_taker_and_grid_staff() {
    let app = TestApp::spawn().await;
    let requester = app.signed_in("13800000001").await;
    let id = app.place_ok(&requester, "privacy-0000001").await.to_string();
    let phone = "13800000001";
    let detail = |client: Client| {
        let app = &app;
        let id = id.clone();
        async move { app.post(&client, "order_detail", &[("id", &id)]).await }
    };
    // Another resident of the same community sees the order, masked.
    let neighbour = app.signed_in("13800001000").await;
    let (status, body) = detail(neighbour).await;
    assert_eq!(status, StatusCode::OK);
    assert!(!body.contains(phone) && body.contains("王**") && !body.contains("王秀英"), "{body}");
    // A volunteer sees it masked until they take it.
    let volunteer = app.signed_in("13800000002").await;
    let (_, body) = detail(volunteer.clone()).await;
    assert!(!body.contains(phone));
    let (status, _) = app.post(&volunteer, "take_order", &[("id", &id)]).await;
    assert_eq!(status, StatusCode::OK);
    // Having taken it, not yet: the taker is told when the contact appears.
    let (_, body) = detail(volunteer.clone()).await;
    assert!(!body.contains(phone) && !body.contains("王秀英"), "{body}");
    let view: serde_json::Value = serde_json::from_str(&body).expect("json");
    assert_eq!(view["contact_in_secs"], app::domain::order::CONTACT_HOLD_SECS);
    // From 开始服务 (the order can no longer be released) the taker sees it.
    let (status, _) = app.post(&volunteer, "start_service", &[("id", &id)]).await;
    assert_eq!(status, StatusCode::OK);
    let (_, body) = detail(volunteer).await;
    assert!(body.contains(phone) && body.contains("王秀英"), "{body}");
    // Grid staff of the area see it too.
    let member = app.signed_in("13800000006").await;
    let (_, body) = detail(member).await;
    assert!(body.contains(phone));
}

#[tokio::test]
async fn a_volunteer_cannot_harvest_contacts_by_taking_and_releasing() {
    let app = TestApp::spawn().await;
    let requester = app.signed_in("13800000001").await;
    let volunteer = app.signed_in("13800000002").await;
    let leader: i64 = sqlx::query_scalar("SELECT id FROM accounts WHERE phone = '13800000003'")
        .fetch_one(&app.pool)
        .await
        .expect("id");
    let notices = || async {
        sqlx::query_scalar::<_, i64>(
            "SELECT count(*) FROM notifications WHERE account_id = ? AND kind = 'take_release_flagged'",
        )
        .bind(leader)
        .fetch_one(&app.pool)
        .await
        .expect("count")
    };
    // Take, read, release, as fast as a script can: no contact, and the third release is
    // reported to the grid leader.
    let mut ids = Vec::new();
    for n in 0..app::domain::order::RELEASES_PER_DAY + 1 {
        ids.push(app.place_ok(&requester, &format!("harvest-{n:08}")).await.to_string());
    }
    for (n, id) in ids.iter().enumerate().take(app::domain::order::RELEASES_PER_DAY as usize) {
        let (status, body) = app.post(&volunteer, "take_order", &[("id", id)]).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let (_, body) = app.post(&volunteer, "order_detail", &[("id", id)]).await;
        assert!(!body.contains("13800000001") && !body.contains("王秀英"), "take {n}: {body}");
        let (status, body) = app.post(&volunteer, "release_order", &[("id", id), ("reason", "临时有事")]).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let expected = i64::from(n as i64 + 1 >= app::domain::order::RELEASES_FLAGGED_AT);
        assert_eq!(notices().await, expected, "after release {}", n + 1);
    }
    assert_eq!(app.count("SELECT count(*) FROM audit_log WHERE action = 'take_release_flagged'").await, 1);
    // After the day's releases, no more takes, with a message of its own; nothing changed.
    let last = ids.last().expect("id");
    let (status, body) = app.post(&volunteer, "take_order", &[("id", last)]).await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert!(body.contains("ErrTakesPaused"), "{body}");
    let open: String = sqlx::query_scalar("SELECT status FROM service_orders WHERE id = ?")
        .bind(last)
        .fetch_one(&app.pool)
        .await
        .expect("q");
    assert_eq!(open, "open");

    // Takes alone are limited too: another volunteer may take ten in an hour, not eleven.
    let other = app.signed_in("13800000011").await;
    for n in 0..app::domain::order::TAKES_PER_HOUR {
        let id = app.place_ok(&requester, &format!("many-takes-{n:06}")).await.to_string();
        let (status, body) = app.post(&other, "take_order", &[("id", &id)]).await;
        assert_eq!(status, StatusCode::OK, "take {n}: {body}");
    }
    let (status, body) = app.post(&other, "take_order", &[("id", last)]).await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert!(body.contains("ErrTooManyTakes"), "{body}");
}

#[tokio::test]
async fn grid_staff_place_orders_on_behalf_of_residents_and_it_is_audited() {
    let app = TestApp::spawn().await;
    let member = app.signed_in("13800000006").await;
    // 13800001000 lives in 祖望社区's first micro-grid, which the member covers.
    let resident_grid: String = sqlx::query_scalar(
        "SELECT m.name FROM people p JOIN grid_nodes m ON m.id = p.micro_grid_id WHERE p.phone = '13800001000'",
    )
    .fetch_one(&app.pool)
    .await
    .expect("q");
    assert_eq!(resident_grid, "向日葵微网格");
    let (status, body) = app.place(&member, "on-behalf-000001", &[("on_behalf_phone", "13800001000")]).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let on_behalf: i64 = sqlx::query_scalar(
        "SELECT o.on_behalf FROM service_orders o JOIN people p ON p.id = o.requester_id WHERE p.phone = '13800001000' AND o.idempotency_key = 'on-behalf-000001'",
    )
    .fetch_one(&app.pool)
    .await
    .expect("q");
    assert_eq!(on_behalf, 1);
    assert_eq!(
        app.count("SELECT count(*) FROM audit_log WHERE action = 'place_order_on_behalf' AND outcome = 'ok'").await,
        1
    );
    // A resident cannot place for someone else.
    let resident = app.signed_in("13800000001").await;
    let (status, _) = app.place(&resident, "on-behalf-000002", &[("on_behalf_phone", "13800001000")]).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn staff_register_a_resident_without_a_phone_and_place_their_order_at_their_home() {
    let app = TestApp::spawn().await;
    let member = app.signed_in("13800000006").await;
    // The form offers the people of the member's area by name, building and room, and its units.
    let (status, body) = app.post(&member, "order_form", &[]).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let form: serde_json::Value = serde_json::from_str(&body).expect("json");
    let unit = form["units"][0][0].as_i64().expect("a unit of the area");
    assert!(form["units"][0][1].as_str().is_some_and(|l| l.contains("单元")), "{body}");
    assert!(form["residents"].as_array().is_some_and(|r| r.len() > 5), "{body}");
    // Bad input is explained per field and writes nothing; a unit outside the area is refused.
    let people = app.count("SELECT count(*) FROM people").await;
    let (status, body) =
        app.post(&member, "register_resident", &[("name", " "), ("unit", &unit.to_string()), ("room", "")]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("ErrResidentName") && body.contains("ErrRoom"), "{body}");
    let foreign: i64 = sqlx::query_scalar(
        "SELECT u.id FROM grid_nodes u JOIN grid_nodes c ON u.code GLOB c.code || '*'
         WHERE u.level = 'unit' AND c.name = '朝晖社区' LIMIT 1",
    )
    .fetch_one(&app.pool)
    .await
    .expect("a foreign unit");
    let (status, body) = app
        .post(&member, "register_resident", &[("name", "李阿婆"), ("unit", &foreign.to_string()), ("room", "101")])
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("ErrChooseUnit"), "{body}");
    let resident = app.signed_in("13800000001").await;
    let (status, _) = app
        .post(&resident, "register_resident", &[("name", "李阿婆"), ("unit", &unit.to_string()), ("room", "101")])
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(app.count("SELECT count(*) FROM people").await, people, "nothing written");

    // Registered once however often the form is sent, even all at once; audited once.
    let form = [("name", "李阿婆"), ("unit", &unit.to_string()), ("room", "1203")];
    let answers = futures::future::join_all((0..8).map(|_| app.post(&member, "register_resident", &form))).await;
    let (status, first) = answers[0].clone();
    assert_eq!(status, StatusCode::OK, "{first}");
    assert!(answers.iter().all(|a| *a == (StatusCode::OK, first.clone())), "one person for eight taps: {answers:?}");
    let (_, again) = app.post(&member, "register_resident", &form).await;
    assert_eq!(first, again, "the same name in the same room is the same person");
    let person: i64 = first.trim().parse().expect("id");
    assert_eq!(app.count("SELECT count(*) FROM people WHERE full_name = '李阿婆' AND phone IS NULL").await, 1);
    assert_eq!(
        app.count("SELECT count(*) FROM audit_log WHERE action = 'register_resident' AND outcome = 'ok'").await,
        1
    );

    // She is offered on the form, and her order is placed at her home, reached through the member.
    let (_, body) = app.post(&member, "order_form", &[]).await;
    assert!(body.contains("李阿婆") && body.contains("1203"), "{body}");
    let (status, body) = app.place(&member, "for-phoneless-01", &[("on_behalf_person", &person.to_string())]).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (requester, on_behalf, room, phone, building): (i64, bool, String, Option<String>, Option<i64>) = sqlx::query_as(
        "SELECT requester_id, on_behalf, room, contact_phone, building_id FROM service_orders WHERE idempotency_key = 'for-phoneless-01'",
    )
    .fetch_one(&app.pool)
    .await
    .expect("order");
    let home: Option<i64> = sqlx::query_scalar("SELECT building_id FROM people WHERE id = ?")
        .bind(person)
        .fetch_one(&app.pool)
        .await
        .expect("home");
    assert_eq!((requester, on_behalf, room.as_str(), phone.as_deref()), (person, true, "1203", Some("13800000006")));
    assert_eq!(building, home, "the service place is her building, not the member's");
    // Someone outside the member's area, or a malformed choice, is refused with a reason.
    let outsider: i64 = sqlx::query_scalar(
        "SELECT p.id FROM people p JOIN grid_nodes m ON m.id = p.micro_grid_id JOIN grid_nodes c ON m.code GLOB c.code || '*'
         WHERE c.name = '朝晖社区' LIMIT 1",
    )
    .fetch_one(&app.pool)
    .await
    .expect("outsider");
    for choice in [outsider.to_string(), "abc".to_string()] {
        let (status, body) = app.place(&member, "for-phoneless-02", &[("on_behalf_person", &choice)]).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert!(body.contains("ErrChooseResident"), "{body}");
    }
    let (status, _) = app.place(&resident, "for-phoneless-03", &[("on_behalf_person", &person.to_string())]).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn bad_order_input_is_explained_field_by_field() {
    let app = TestApp::spawn().await;
    let resident = app.signed_in("13800000001").await;
    let before = app.count("SELECT count(*) FROM service_orders").await;
    let (status, body) = app
        .post(
            &resident,
            "place_order",
            &[
                ("section", "gardening"),
                ("title", "x"),
                ("description", ""),
                ("urgency", "normal"),
                ("idempotency_key", "bad-input-000001"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let (status, body) = app
        .place(
            &resident,
            "bad-input-000002",
            &[("window_start", "2026-12-01T10:00"), ("window_end", "2026-12-01T09:00")],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("ErrWindow"), "{body}");
    let (status, _) = app.place(&resident, "'; DROP TABLE--", &[]).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(app.count("SELECT count(*) FROM service_orders").await, before, "nothing written");
    let (status, _) = app.post(&resident, "take_order", &[("id", "999999")]).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = app.post(&resident, "take_order", &[("id", "-1; DROP")]).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn an_untaken_order_escalates_after_its_limit() {
    let app = TestApp::spawn().await;
    let resident = app.signed_in("13800000001").await;
    let (status, body) = app.place(&resident, "escalate-000001", &[("urgency", "urgent")]).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let id: i64 = body.trim().parse().expect("id");
    let state = app::state::AppState::new(app.pool.clone(), Default::default());
    assert_eq!(server::escalate_once(&state).await.expect("escalate"), 0, "not yet due");
    // The order's community (its micro-grid's grandparent) allows urgent orders an hour.
    sqlx::query(
        "UPDATE community_settings SET urgent_limit_minutes = 60 WHERE node_id =
           (SELECT g.parent_id FROM service_orders o JOIN grid_nodes m ON m.id = o.micro_grid_id
            JOIN grid_nodes g ON g.id = m.parent_id WHERE o.id = ?)",
    )
    .bind(id)
    .execute(&app.pool)
    .await
    .expect("q");
    let age_by = |minutes: i64| {
        sqlx::query("UPDATE service_orders SET created_at = created_at - ?1 * 60, updated_at = updated_at - ?1 * 60 WHERE id = ?2")
            .bind(minutes)
            .bind(id)
            .execute(&app.pool)
    };
    age_by(31).await.expect("q");
    assert_eq!(server::escalate_once(&state).await.expect("escalate"), 0, "31 minutes is within the community's hour");
    age_by(30).await.expect("q");
    assert_eq!(server::escalate_once(&state).await.expect("escalate"), 1);
    let reason: Option<String> = sqlx::query_scalar("SELECT escalation_reason FROM service_orders WHERE id = ?")
        .bind(id)
        .fetch_one(&app.pool)
        .await
        .expect("q");
    assert_eq!(reason.as_deref(), Some("timeout"));
}

#[tokio::test]
async fn taking_an_order_is_announced_on_the_live_channel() {
    let app = TestApp::spawn().await;
    let resident = app.signed_in("13800000001").await;
    let id = app.place_ok(&resident, "live-order-00001").await;
    let mut rx = app.bus.subscribe();
    let volunteer = app.signed_in("13800000002").await;
    let (status, _) = app.post(&volunteer, "take_order", &[("id", &id.to_string())]).await;
    assert_eq!(status, StatusCode::OK);
    let event = tokio::time::timeout(Duration::from_secs(2), rx.recv()).await.expect("in time").expect("event");
    assert_eq!((event.topic, event.id), (Topic::Orders, Some(id)));
}

#[tokio::test]
async fn a_grid_leader_dispatches_an_escalated_order_and_the_volunteer_accepts() {
    let app = TestApp::spawn().await;
    let leader = app.signed_in("13800000003").await;
    // The seeded city has an escalated urgent order in the leader's grid.
    let (status, body) = app.post(&leader, "leader_queue", &[]).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let queue: serde_json::Value = serde_json::from_str(&body).expect("json");
    let item = &queue[0];
    let id = item["order"]["id"].as_i64().expect("order id").to_string();
    let candidates = item["candidates"].as_array().expect("candidates");
    assert!(!candidates.is_empty(), "the queue suggests volunteers");
    let volunteer_phone = "13800000002";
    let volunteer_person: i64 = sqlx::query_scalar("SELECT id FROM people WHERE phone = ?")
        .bind(volunteer_phone)
        .fetch_one(&app.pool)
        .await
        .expect("q");
    // A resident may not dispatch; a volunteer of another community may not be named.
    let resident = app.signed_in("13800000001").await;
    let (status, _) =
        app.post(&resident, "dispatch_order", &[("id", &id), ("volunteer", &volunteer_person.to_string())]).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let outsider: i64 =
        sqlx::query_scalar("SELECT id FROM people WHERE phone = '13800000020'").fetch_one(&app.pool).await.expect("q");
    let (status, _) = app.post(&leader, "dispatch_order", &[("id", &id), ("volunteer", &outsider.to_string())]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);

    let (status, body) =
        app.post(&leader, "dispatch_order", &[("id", &id), ("volunteer", &volunteer_person.to_string())]).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    // The queue card names whom it waits for (the other queued orders wait for nobody).
    let (_, queue) = app.post(&leader, "leader_queue", &[]).await;
    let queue: serde_json::Value = serde_json::from_str(&queue).expect("json");
    for item in queue.as_array().expect("queue") {
        let waiting = item["waiting"].as_array().expect("waiting").len();
        let this = item["order"]["id"].as_i64().map(|i| i.to_string()) == Some(id.clone());
        assert_eq!(waiting, usize::from(this), "{item}");
    }
    let volunteer = app.signed_in(volunteer_phone).await;
    let (_, body) = app.post(&volunteer, "my_dispatches", &[]).await;
    let mine: serde_json::Value = serde_json::from_str(&body).expect("json");
    let dispatch = mine[0]["dispatch_id"].as_i64().expect("dispatch").to_string();
    assert_eq!(mine[0]["order"]["id"].as_i64().map(|i| i.to_string()), Some(id.clone()));
    // Someone else's dispatch cannot be answered.
    let (status, _) = app.post(&resident, "respond_dispatch", &[("dispatch", &dispatch), ("accept", "1")]).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    // 接受 from the board is a plain form: it lands on the order, the volunteer's next job.
    let res = volunteer
        .post(format!("{}/api/respond_dispatch", app.base))
        .header("accept", "text/html")
        .header("referer", format!("{}/board", app.base))
        .form(&[("dispatch", dispatch.as_str()), ("accept", "1")])
        .send()
        .await
        .expect("accept");
    assert_eq!(res.status(), StatusCode::FOUND);
    let location = res.headers().get("location").and_then(|v| v.to_str().ok()).map(str::to_string);
    assert_eq!(location, Some(format!("/orders/{id}")));
    let (status, taker): (String, Option<i64>) =
        sqlx::query_as("SELECT status, taker_id FROM service_orders WHERE id = ?")
            .bind(&id)
            .fetch_one(&app.pool)
            .await
            .expect("q");
    assert_eq!((status.as_str(), taker), ("taken", Some(volunteer_person)));
    assert_eq!(app.count("SELECT count(*) FROM notifications WHERE kind = 'dispatch'").await, 1);
    let (_, page) = app.get(&volunteer, &format!("/orders/{id}")).await;
    assert!(page.contains("志愿者接受了网格长的指派"), "the history says how it was taken");
    // It has left the queue.
    let (_, body) = app.post(&leader, "leader_queue", &[]).await;
    assert!(!body.contains(&format!("\"id\":{id},")), "{body}");
}

#[tokio::test]
async fn a_declined_dispatch_leaves_the_order_open() {
    let app = TestApp::spawn().await;
    let leader = app.signed_in("13800000003").await;
    let (_, body) = app.post(&leader, "leader_queue", &[]).await;
    let queue: serde_json::Value = serde_json::from_str(&body).expect("json");
    let id = queue[0]["order"]["id"].as_i64().expect("id").to_string();
    let person: i64 =
        sqlx::query_scalar("SELECT id FROM people WHERE phone = '13800000010'").fetch_one(&app.pool).await.expect("q");
    for _ in 0..2 {
        let (status, _) = app.post(&leader, "dispatch_order", &[("id", &id), ("volunteer", &person.to_string())]).await;
        assert_eq!(status, StatusCode::OK);
    }
    assert_eq!(
        app.count("SELECT count(*) FROM order_dispatches WHERE response IS NULL").await,
        1,
        "a double tap dispatches once"
    );
    let volunteer = app.signed_in("13800000010").await;
    let (_, body) = app.post(&volunteer, "my_dispatches", &[]).await;
    let mine: serde_json::Value = serde_json::from_str(&body).expect("json");
    let dispatch = mine[0]["dispatch_id"].as_i64().expect("dispatch").to_string();
    let (status, _) = app.post(&volunteer, "respond_dispatch", &[("dispatch", &dispatch), ("accept", "0")]).await;
    assert_eq!(status, StatusCode::OK);
    let status: String = sqlx::query_scalar("SELECT status FROM service_orders WHERE id = ?")
        .bind(&id)
        .fetch_one(&app.pool)
        .await
        .expect("q");
    assert_eq!(status, "open");
    let response: String = sqlx::query_scalar("SELECT response FROM order_dispatches WHERE id = ?")
        .bind(&dispatch)
        .fetch_one(&app.pool)
        .await
        .expect("q");
    assert_eq!(response, "declined");
    // Answering twice is refused.
    let (status, _) = app.post(&volunteer, "respond_dispatch", &[("dispatch", &dispatch), ("accept", "1")]).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_resident_books_a_volunteers_offer_and_gets_a_paired_order() {
    let app = TestApp::spawn().await;
    let volunteer = app.signed_in("13800000002").await;
    let (status, body) = app
        .post(
            &volunteer,
            "post_offer",
            &[
                ("section", "daily_life"),
                ("title", "周末帮忙修理小家电"),
                ("description", ""),
                ("schedule", "每周日下午"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let offer = body.trim().to_string();
    let resident = app.signed_in("13800000001").await;
    let (status, _) = app
        .post(
            &resident,
            "post_offer",
            &[("section", "daily_life"), ("title", "居民不能发布"), ("description", ""), ("schedule", "")],
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "only volunteers post offers");
    let (_, listing) = app.post(&resident, "offers_data", &[]).await;
    assert!(listing.contains("周末帮忙修理小家电"));

    let book = [("offer", offer.as_str()), ("note", "电风扇不转了"), ("idempotency_key", "book-offer-00001")];
    let (status, first) = app.post(&resident, "book_offer", &book).await;
    assert_eq!(status, StatusCode::OK, "{first}");
    let (status, second) = app.post(&resident, "book_offer", &book).await;
    assert_eq!((status, second.clone()), (StatusCode::OK, first.clone()), "booking twice is one order");
    let (status, taker, offer_id): (String, i64, i64) =
        sqlx::query_as("SELECT o.status, o.taker_id, o.offer_id FROM service_orders o WHERE o.id = ?")
            .bind(first.trim())
            .fetch_one(&app.pool)
            .await
            .expect("q");
    let volunteer_person: i64 =
        sqlx::query_scalar("SELECT id FROM people WHERE phone = '13800000002'").fetch_one(&app.pool).await.expect("q");
    assert_eq!((status.as_str(), taker, offer_id.to_string()), ("taken", volunteer_person, offer.clone()));
    // The history says the volunteer took it through the booking, in the reader's words.
    let (taken_by, via): (String, Option<String>) = sqlx::query_as(
        "SELECT p.full_name, e.via FROM order_events e JOIN accounts a ON a.id = e.actor_id
         JOIN people p ON p.id = a.person_id WHERE e.order_id = ? AND e.to_status = 'taken'",
    )
    .bind(first.trim())
    .fetch_one(&app.pool)
    .await
    .expect("q");
    let volunteer_name: String = sqlx::query_scalar("SELECT full_name FROM people WHERE id = ?")
        .bind(volunteer_person)
        .fetch_one(&app.pool)
        .await
        .expect("q");
    assert_eq!((taken_by, via.as_deref()), (volunteer_name, Some("offer")));
    let (_, page) = app.get(&resident, &format!("/orders/{}", first.trim())).await;
    assert!(page.contains("居民预约了这位志愿者的「我帮忙」服务"), "{page}");
    let mut conn = app.pool.acquire().await.expect("conn");
    let account = app::repo::accounts_repo::account_of(&mut conn, volunteer_person).await.expect("q").expect("account");
    let now = app::repo::now();
    let activity = app::repo::orders_repo::taker_activity(&mut conn, account, now).await.expect("q");
    assert_eq!(activity.takes_last_hour, 0, "a booking is not one of the volunteer's takes");
    drop(conn);
    let (status, _) = app
        .post(&volunteer, "book_offer", &[("offer", &offer), ("note", ""), ("idempotency_key", "book-own-000001")])
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "a volunteer cannot book their own offer");
}

#[tokio::test]
async fn the_requester_thanks_once_after_confirming_and_neighbours_like_it() {
    let app = TestApp::spawn().await;
    let resident = app.signed_in("13800000001").await;
    let volunteer = app.signed_in("13800000002").await;
    let id = app.place_ok(&resident, "thanks-order-001").await.to_string();
    let (status, _) = app.post(&resident, "post_thanks", &[("order", &id), ("body", "谢谢！")]).await;
    assert_eq!(status, StatusCode::CONFLICT, "not before the service is confirmed");
    for (client, endpoint, extra) in [
        (&volunteer, "take_order", vec![]),
        (&volunteer, "start_service", vec![]),
        (&volunteer, "finish_service", vec![("minutes", "30")]),
        (&resident, "confirm_order", vec![("rating", "5"), ("comment", "")]),
    ] {
        let mut form = vec![("id", id.as_str())];
        form.extend(extra);
        let (status, body) = app.post(client, endpoint, &form).await;
        assert_eq!(status, StatusCode::OK, "{endpoint}: {body}");
    }
    let (status, _) = app.post(&volunteer, "post_thanks", &[("order", &id), ("body", "自己夸自己")]).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = app.post(&resident, "post_thanks", &[("order", &id), ("body", "感谢小张帮我修好水龙头！")]).await;
    assert_eq!(status, StatusCode::OK);
    let (status, body) = app.post(&resident, "post_thanks", &[("order", &id), ("body", "再谢一次")]).await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");

    let neighbour = app.signed_in("13800001000").await;
    let (_, feed) = app.post(&neighbour, "feed_data", &[]).await;
    let feed: serde_json::Value = serde_json::from_str(&feed).expect("json");
    let post = &feed["posts"][0];
    assert_eq!(post["body"], "感谢小张帮我修好水龙头！");
    assert_eq!(post["author_masked"], "王**", "the author is masked");
    let post_id = post["id"].as_i64().expect("id").to_string();
    for _ in 0..2 {
        let (status, _) = app.post(&neighbour, "like_post", &[("post", &post_id)]).await;
        assert_eq!(status, StatusCode::OK);
    }
    assert_eq!(app.count("SELECT count(*) FROM feed_likes").await, 0, "a second tap takes the like back");
    let (status, _) = app.post(&neighbour, "like_post", &[("post", &post_id)]).await;
    assert_eq!(status, StatusCode::OK);
    let (_, feed) = app.post(&neighbour, "feed_data", &[]).await;
    assert!(feed.contains("\"likes\":1,\"liked\":true"), "{feed}");
    // Someone from another community cannot like it.
    let outsider = app.signed_in("13800000020").await;
    let (status, _) = app.post(&outsider, "like_post", &[("post", &post_id)]).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn the_feed_is_paged_newest_first() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in("13800000004").await;
    for n in 0..12 {
        let (status, _) = app.post(&admin, "post_news", &[("body", &format!("驿站动态 {n}"))]).await;
        assert_eq!(status, StatusCode::OK);
    }
    let (_, first) = app.post(&admin, "feed_data", &[]).await;
    let first: serde_json::Value = serde_json::from_str(&first).expect("json");
    assert_eq!(first["posts"].as_array().map(Vec::len), Some(10));
    assert_eq!(first["posts"][0]["body"], "驿站动态 11");
    let next = first["next"].as_i64().expect("a next page").to_string();
    let (_, second) = app.post(&admin, "feed_data", &[("before", &next)]).await;
    let second: serde_json::Value = serde_json::from_str(&second).expect("json");
    assert_eq!(second["posts"][0]["body"], "驿站动态 1");
    let resident = app.signed_in("13800000001").await;
    let (status, _) = app.post(&resident, "post_news", &[("body", "居民不能发驿站动态")]).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn a_pairing_creates_its_weekly_orders_once_per_slot() {
    let app = TestApp::spawn().await;
    // The seeded pairings already have their next slot's order.
    assert_eq!(app.count("SELECT count(*) FROM pairings").await, 2);
    assert_eq!(
        app.count("SELECT count(*) FROM service_orders WHERE pairing_id IS NOT NULL AND status = 'taken'").await,
        2
    );
    let leader = app.signed_in("13800000003").await;
    let form = [
        ("volunteer_phone", "13800000011"),
        ("resident_phone", "13800001000"),
        ("section", "assistance"),
        ("title", "每周帮忙买菜"),
        ("weekday", "1"),
        ("part", "0"),
    ];
    let (status, body) = app.post(&leader, "create_pairing", &form).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let pairing = body.trim().to_string();
    let (status, _) = app.post(&leader, "create_pairing", &form).await;
    assert_eq!(status, StatusCode::CONFLICT, "the same pair twice");
    let orders = |app: &TestApp| {
        let pairing = pairing.clone();
        let pool = app.pool.clone();
        async move {
            sqlx::query_as::<_, (String, i64)>("SELECT status, window_start FROM service_orders WHERE pairing_id = ?")
                .bind(pairing)
                .fetch_all(&pool)
                .await
                .expect("q")
        }
    };
    let first = orders(&app).await;
    assert_eq!(first.len(), 1);
    assert_eq!(first[0].0, "taken", "the paired volunteer holds it");
    // Running the schedule again in the same week changes nothing; a week later adds one.
    let now = app::repo::now();
    assert_eq!(app::server_fns::pairings::run_schedules(&app.pool, now).await.expect("run"), 0);
    // (Other pairings may or may not reach a new slot by then, depending on today's weekday.)
    assert!(app::server_fns::pairings::run_schedules(&app.pool, first[0].1 + 60).await.expect("run") >= 1);
    let after = orders(&app).await;
    assert_eq!(after.len(), 2);
    assert_eq!(after[1].1 - after[0].1, 7 * 86_400);
    // A resident cannot pair; a leader cannot pair outside their area.
    let resident = app.signed_in("13800000001").await;
    let (status, _) = app.post(&resident, "create_pairing", &form).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let other_leader = app.signed_in("13800000007").await;
    let mut elsewhere = form;
    elsewhere[2] = ("section", "health");
    // A resident outside the leader's area answers like an unknown number (no oracle).
    let (status, body) = app.post(&other_leader, "create_pairing", &elsewhere).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "13800001000 lives outside 朝晖社区: {body}");
    assert!(body.contains("ErrNoSuchResident"), "{body}");
}

#[tokio::test]
async fn a_volunteer_keeps_skills_and_weekly_availability() {
    let app = TestApp::spawn().await;
    let volunteer = app.signed_in("13800000010").await;
    let (status, body) = app
        .post(
            &volunteer,
            "save_volunteer_profile",
            &[
                ("skills[]", "health"),
                ("skills[]", "policy"),
                ("slots[]", "0"),
                ("slots[]", "20"),
                ("intro", "退休医生"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (_, body) = app.post(&volunteer, "volunteer_profile", &[]).await;
    let profile: serde_json::Value = serde_json::from_str(&body).expect("json");
    assert_eq!(profile["skills"], serde_json::json!(["Health", "PolicyConsultation"]));
    assert_eq!(profile["availability"], (1 << 20) | 1);
    assert!(profile["orders_completed"].as_i64().expect("count") > 0, "seeded service record");
    // Bad values are refused and change nothing.
    let (status, _) = app.post(&volunteer, "save_volunteer_profile", &[("skills[]", "juggling"), ("intro", "")]).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (status, _) = app.post(&volunteer, "save_volunteer_profile", &[("slots[]", "21"), ("intro", "")]).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(
        app.count(
            "SELECT count(*) FROM volunteer_skills s JOIN people p ON p.id = s.person_id WHERE p.phone = '13800000010'"
        )
        .await,
        2
    );
    // A resident has no volunteer profile to save.
    let resident = app.signed_in("13800001000").await;
    let (status, _) = app.post(&resident, "save_volunteer_profile", &[("intro", "x")]).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn the_board_filters_by_section_urgency_and_micro_grid() {
    let app = TestApp::spawn().await;
    let volunteer = app.signed_in("13800000002").await;
    let (_, all) = app.post(&volunteer, "board_data", &[]).await;
    let all: serde_json::Value = serde_json::from_str(&all).expect("json");
    let grids = all["grids"].as_array().expect("grids").clone();
    assert_eq!(grids.len(), 3, "祖望社区 has three micro-grids");
    let total = all["orders"].as_array().map(Vec::len).unwrap_or(0);
    let grid_id = grids[0][0].as_i64().expect("id").to_string();
    let (_, one) = app.post(&volunteer, "board_data", &[("grid", &grid_id)]).await;
    let one: serde_json::Value = serde_json::from_str(&one).expect("json");
    let in_grid = one["orders"].as_array().map(Vec::len).unwrap_or(0);
    assert_eq!(in_grid as i64, grids[0][2].as_i64().expect("count"));
    assert!(in_grid < total);
    let (_, urgent) = app.post(&volunteer, "board_data", &[("urgency", "urgent"), ("section", "health")]).await;
    let urgent: serde_json::Value = serde_json::from_str(&urgent).expect("json");
    for order in urgent["orders"].as_array().expect("orders") {
        assert_eq!((order["urgency"].as_str(), order["section"].as_str()), (Some("Urgent"), Some("Health")));
    }
    // The copy text for WeChat lists the open needs without rooms or phones.
    let copy = all["copy_text"].as_str().expect("text");
    assert!(copy.starts_with("【网格驿站】需求大厅") && copy.contains("**") && !copy.contains("1380000"));
}

#[tokio::test]
async fn a_live_refetch_never_gets_a_board_older_than_the_event_it_reacts_to() {
    let app = TestApp::spawn().await;
    let volunteer = app.signed_in("13800000002").await;
    let resident = app.signed_in("13800000001").await;
    // Fill the shared board cache, then change the board.
    let (_, before) = app.post(&volunteer, "board_data", &[]).await;
    assert!(!before.contains("缓存之后的新需求"));
    let (status, body) = app.place(&resident, "cache-check-0001", &[("title", "缓存之后的新需求")]).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let seen = app.bus.current().to_string();
    let (_, after) = app.post(&volunteer, "board_data", &[("seen", seen.as_str())]).await;
    assert!(after.contains("缓存之后的新需求"), "the refetch for the event shows the new order");
    // A plain page load may use the shared copy for at most 250 ms.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let (_, page) = app.get(&volunteer, "/board").await;
    assert!(page.contains("缓存之后的新需求"));
}

#[tokio::test]
async fn a_disputed_service_goes_back_to_the_taker_and_shows_in_the_leaders_queue() {
    let app = TestApp::spawn().await;
    let resident = app.signed_in("13800000001").await;
    let volunteer = app.signed_in("13800000002").await;
    let id = app.place_ok(&resident, "dispute-000001").await.to_string();
    for (client, endpoint, extra) in [
        (&volunteer, "take_order", vec![]),
        (&volunteer, "start_service", vec![]),
        (&volunteer, "finish_service", vec![("minutes", "20")]),
    ] {
        let mut form = vec![("id", id.as_str())];
        form.extend(extra);
        assert_eq!(app.post(client, endpoint, &form).await.0, StatusCode::OK, "{endpoint}");
    }
    let (status, _) = app.post(&resident, "dispute_order", &[("id", &id), ("reason", "水龙头还在漏")]).await;
    assert_eq!(status, StatusCode::OK);
    let status: String = sqlx::query_scalar("SELECT status FROM service_orders WHERE id = ?")
        .bind(&id)
        .fetch_one(&app.pool)
        .await
        .expect("q");
    assert_eq!(status, "in_service", "back to the taker");
    let leader = app.signed_in("13800000003").await;
    let (status, body) = app.post(&leader, "disputed_orders", &[]).await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains(&format!("\"id\":{id},")), "{body}");
    let (status, _) = app.post(&resident, "disputed_orders", &[]).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn only_staff_place_on_behalf_and_unknown_numbers_answer_like_foreign_ones() {
    let app = TestApp::spawn().await;
    let resident = app.signed_in("13800000001").await;
    let (status, _) = app.place(&resident, "oracle-00000001", &[("on_behalf_phone", "13999999999")]).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "residents cannot probe phone numbers");
    let member = app.signed_in("13800000006").await;
    let (unknown_status, unknown) = app.place(&member, "oracle-00000002", &[("on_behalf_phone", "13999999999")]).await;
    // 13800000009 (李建国) lives in 朝晖社区, outside the member's micro-grid.
    let (foreign_status, foreign) = app.place(&member, "oracle-00000003", &[("on_behalf_phone", "13800000009")]).await;
    assert_eq!((unknown_status, foreign_status), (StatusCode::UNPROCESSABLE_ENTITY, StatusCode::UNPROCESSABLE_ENTITY));
    assert_eq!(unknown, foreign, "the same answer for unknown and foreign numbers");
}

#[tokio::test]
async fn a_grid_leader_cannot_serve_and_rate_an_order_they_placed() {
    let app = TestApp::spawn().await;
    let leader = app.signed_in("13800000003").await;
    let (status, body) = app.place(&leader, "self-deal-000001", &[("on_behalf_phone", "13800001000")]).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, body) = app.post(&leader, "take_order", &[("id", body.trim())]).await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert!(body.contains("ErrOwnOrder"));
}

#[tokio::test]
async fn visitors_do_not_see_anyones_needs() {
    let app = TestApp::spawn().await;
    let visitor = app.client();
    for endpoint in ["board_data", "feed_data", "offers_data"] {
        let (status, _) = app.post(&visitor, endpoint, &[]).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{endpoint}");
    }
    let (_, home) = app.post(&visitor, "home_data", &[]).await;
    let home: serde_json::Value = serde_json::from_str(&home).expect("json");
    assert_eq!(home["latest"], serde_json::json!([]));
    assert_eq!(home["feed"], serde_json::json!([]));
    let (status, html) = app.get(&visitor, "/board").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(html.contains("请先登录"));
}

#[tokio::test]
async fn a_new_live_stream_starts_with_the_current_sequence_number() {
    let app = TestApp::spawn().await;
    let viewer = app.signed_in("13800000001").await;
    let now = app.bus.current();
    app.bus.publish(Topic::Orders, Some(1));
    app.bus.publish(Topic::Orders, Some(2));
    let res = viewer.get(format!("{}/api/events", app.base)).send().await.expect("subscribe");
    let mut stream = res.bytes_stream();
    let first = tokio::time::timeout(Duration::from_secs(2), stream.next())
        .await
        .expect("in time")
        .expect("chunk")
        .expect("bytes");
    let text = String::from_utf8_lossy(&first);
    assert!(text.contains(&format!(r#""seq":{},"topic":"orders","id":null"#, now + 2)), "{text}");
}

// ---------------------------------------------------------------------------------------
// 志愿服务之星 votes.

/// Votes in the running seeded election.
const RUNNING_VOTES: &str = "SELECT count(*) FROM star_votes WHERE election_id IN
    (SELECT id FROM star_elections WHERE voting_start <= unixepoch() AND voting_end > unixepoch())";

impl TestApp {
    /// The approved nominations of the seeded running election, in id order.
    async fn nominations(&self) -> Vec<i64> {
        common::running_candidates(&self.pool).await
    }
}

#[tokio::test]
async fn a_vote_is_recorded_exactly_once_however_often_it_is_sent() {
    let app = TestApp::spawn().await;
    let voter = app.signed_in("13800000001").await;
    let candidate = app.nominations().await[0].to_string();
    let form = [("nomination", candidate.as_str())];
    let sends = (0..20).map(|_| app.post(&voter, "cast_vote", &form));
    let results = futures::future::join_all(sends).await;
    let ok = results.iter().filter(|(s, _)| *s == StatusCode::OK).count();
    let refused = results.iter().filter(|(s, b)| *s == StatusCode::CONFLICT && b.contains("ErrAlreadyVoted")).count();
    assert_eq!((ok, refused), (1, 19));
    assert_eq!(app.count(RUNNING_VOTES).await, 1);
    // The voter sees their own vote; the audit log never names the candidate.
    let (_, stars) = app.post(&voter, "stars_data", &[]).await;
    let stars: serde_json::Value = serde_json::from_str(&stars).expect("json");
    assert_eq!(stars["my_votes"], serde_json::json!([candidate.parse::<i64>().expect("id")]));
    assert_eq!(stars["remaining"], 9);
    assert_eq!(
        app.count("SELECT count(*) FROM audit_log WHERE action = 'cast_vote' AND object_kind <> 'star_election'").await,
        0
    );
}

#[tokio::test]
async fn a_voter_has_a_quota_of_votes_one_per_candidate() {
    let app = TestApp::spawn().await;
    // The seeded election has twelve candidates and ten votes each; make the quota bite.
    sqlx::query("UPDATE star_elections SET votes_per_voter = 3 WHERE voting_end > unixepoch()")
        .execute(&app.pool)
        .await
        .expect("q");
    let voter = app.signed_in("13800001000").await;
    let candidates = app.nominations().await;
    assert_eq!(candidates.len(), 12);
    for (i, c) in candidates.iter().take(4).enumerate() {
        let (status, body) = app.post(&voter, "cast_vote", &[("nomination", &c.to_string())]).await;
        if i < 3 {
            assert_eq!(status, StatusCode::OK, "vote {i}: {body}");
        } else {
            assert_eq!(status, StatusCode::CONFLICT);
            assert!(body.contains("ErrQuotaUsed"), "{body}");
        }
    }
    assert_eq!(app.count(RUNNING_VOTES).await, 3);
    assert_eq!(app.count("SELECT count(*) FROM audit_log WHERE action = 'cast_vote' AND outcome = 'refused'").await, 1);
}

#[tokio::test]
async fn a_vote_comes_only_from_an_account_grid_staff_matched_to_a_household() {
    let app = TestApp::spawn().await;
    let candidate = app.nominations().await[0].to_string();
    let votes = || app.count("SELECT count(*) FROM star_votes");
    let before = votes().await;
    let micro: i64 = sqlx::query_scalar("SELECT id FROM grid_nodes WHERE name = '向日葵微网格'")
        .fetch_one(&app.pool)
        .await
        .expect("micro-grid");
    // Throwaway sign-ups post needs but move no candidate.
    let mut fresh = Vec::new();
    for n in 0..5 {
        let client = app.client();
        let phone = format!("1360000{n:04}");
        let (status, body) = app
            .post(
                &client,
                "signup",
                &[
                    ("full_name", &format!("新住户{n}")),
                    ("phone", &phone),
                    ("password", "Tianqing-Shui-42"),
                    ("micro_grid", &micro.to_string()),
                ],
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let (status, body) = app.post(&client, "cast_vote", &[("nomination", &candidate)]).await;
        assert_eq!(status, StatusCode::CONFLICT, "{body}");
        assert!(body.contains("ErrVoterUnverified"), "{body}");
        fresh.push((client, phone));
    }
    assert_eq!(votes().await, before, "no unverified vote was counted");
    let (client, phone) = &fresh[0];
    app.place_ok(client, "unverified-0001").await;
    // They see the election and are told how to get verified; 我的 says so too.
    let (_, stars) = app.get(client, "/stars").await;
    assert!(stars.contains("还没有核实住户") && stars.contains("网格服务驿站"), "{stars}");
    let (_, me) = app.get(client, "/me").await;
    assert!(me.contains("未核实住户"), "{me}");

    let account: i64 = sqlx::query_scalar("SELECT id FROM accounts WHERE phone = ?")
        .bind(phone)
        .fetch_one(&app.pool)
        .await
        .expect("id");
    let verified = || async {
        sqlx::query_as::<_, (Option<i64>, Option<i64>, Option<i64>)>(
            "SELECT a.verified_at, a.verified_by, p.household_id FROM accounts a JOIN people p ON p.id = a.person_id WHERE a.id = ?",
        )
        .bind(account)
        .fetch_one(&app.pool)
        .await
        .expect("row")
    };
    // The community admin finds the account, unverified, with its micro-grid's units to choose from.
    let admin = app.signed_in("13800000004").await;
    let (status, body) = app.post(&admin, "account_search", &[("query", "新住户0")]).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let lines: serde_json::Value = serde_json::from_str(&body).expect("json");
    let line = &lines[0];
    assert_eq!((line["account_id"].as_i64(), line["verified"].as_bool()), (Some(account), Some(false)), "{lines}");
    let unit = line["units"][0][0].as_i64().expect("a unit").to_string();
    let id = account.to_string();

    // A room the unit does not have, or a unit of another micro-grid: explained, nothing written.
    let (status, body) =
        app.post(&admin, "verify_resident", &[("account", &id), ("unit", &unit), ("room", "9909")]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(body.contains("ErrNoSuchHousehold"), "{body}");
    let elsewhere: i64 = sqlx::query_scalar(
        "SELECT u.id FROM grid_nodes u JOIN grid_nodes b ON b.id = u.parent_id WHERE u.level = 'unit' AND b.parent_id <> ? LIMIT 1",
    )
    .bind(micro)
    .fetch_one(&app.pool)
    .await
    .expect("unit");
    let (status, _) = app
        .post(&admin, "verify_resident", &[("account", &id), ("unit", &elsewhere.to_string()), ("room", "101")])
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    // Nobody verifies themselves or is verified by a neighbour.
    let (status, _) = app.post(client, "verify_resident", &[("account", &id), ("unit", &unit), ("room", "101")]).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(verified().await, (None, None, None));

    let (status, body) =
        app.post(&admin, "verify_resident", &[("account", &id), ("unit", &unit), ("room", "101")]).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (at, by, household) = verified().await;
    let admin_id: i64 = sqlx::query_scalar("SELECT id FROM accounts WHERE phone = '13800000004'")
        .fetch_one(&app.pool)
        .await
        .expect("id");
    assert!(at.is_some() && household.is_some(), "verified and placed in the household");
    assert_eq!(by, Some(admin_id));
    assert_eq!(
        app.count("SELECT count(*) FROM audit_log WHERE action = 'verify_resident' AND outcome = 'ok' AND after_json LIKE '%\"room\":\"101\"%'").await,
        1
    );
    assert_eq!(
        app.count("SELECT count(*) FROM audit_log WHERE action = 'verify_resident' AND outcome = 'refused'").await,
        1
    );
    // Verified: the vote counts, the page says so, and a second verification is refused.
    let (status, body) = app.post(client, "cast_vote", &[("nomination", &candidate)]).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(votes().await, before + 1);
    let (_, me) = app.get(client, "/me").await;
    assert!(me.contains("已核实住户"), "{me}");
    let (status, _) = app.post(&admin, "verify_resident", &[("account", &id), ("unit", &unit), ("room", "102")]).await;
    assert_eq!(status, StatusCode::CONFLICT);
}

#[tokio::test]
async fn votes_from_outside_the_area_or_outside_the_period_are_refused() {
    let app = TestApp::spawn().await;
    let candidate = app.nominations().await[0].to_string();
    // 李建国 lives in 朝晖社区 (新城桥街道), outside the 幸福街道 election.
    let outsider = app.signed_in("13800000009").await;
    let (status, body) = app.post(&outsider, "cast_vote", &[("nomination", &candidate)]).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(body.contains("ErrOutOfScope"), "{body}");
    // A community admin without a resident or volunteer registration does not vote.
    let admin = app.signed_in("13800000004").await;
    let (status, _) = app.post(&admin, "cast_vote", &[("nomination", &candidate)]).await;
    assert_eq!(status, StatusCode::CONFLICT);
    // After the close nobody votes.
    sqlx::query(
        "UPDATE star_elections SET nomination_start = unixepoch() - 40, nomination_end = unixepoch() - 30,
         voting_start = unixepoch() - 20, voting_end = unixepoch() - 1, notice_end = unixepoch() + 86400
         WHERE voting_end > unixepoch()",
    )
    .execute(&app.pool)
    .await
    .expect("q");
    let voter = app.signed_in("13800000001").await;
    let (status, body) = app.post(&voter, "cast_vote", &[("nomination", &candidate)]).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(body.contains("ErrNotVoting"), "{body}");
    assert_eq!(app.count("SELECT count(*) FROM star_votes WHERE cast_at > unixepoch() - 3600").await, 0);
    let (status, _) = app.post(&voter, "cast_vote", &[("nomination", "999999")]).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

impl TestApp {
    /// `n` new residents of `area` with live sessions: (account id, a client carrying the cookie).
    async fn residents_with_sessions(&self, area: &str, n: usize, first_phone: u64) -> Vec<(i64, Client)> {
        common::residents_with_sessions(&self.pool, area, n, first_phone)
            .await
            .into_iter()
            .map(|(account, cookie)| {
                let mut headers = test_app::same_origin_headers();
                headers.insert(reqwest::header::COOKIE, cookie.parse().expect("header"));
                (account, Client::builder().default_headers(headers).build().expect("client"))
            })
            .collect()
    }
}

/// What a vote in the race test was aimed at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Aim {
    Valid(i64),
    Closed,
    Rejected,
    Missing,
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn ten_thousand_mixed_votes_at_once_count_exactly_the_distinct_valid_ones() {
    let dir = tempfile::tempdir().expect("tempdir");
    let app = TestApp::spawn_with(dir, |s| {
        s.votes_per_account_per_minute = 100_000;
        s.votes_per_ip_per_minute = 100_000;
    })
    .await;
    // Four votes each, so over-quota attempts are common.
    sqlx::query("UPDATE star_elections SET votes_per_voter = 4 WHERE voting_end > unixepoch()")
        .execute(&app.pool)
        .await
        .expect("q");
    let candidates = app.nominations().await;
    let (open_election, scope): (i64, i64) = sqlx::query_as(
        "SELECT e.id, e.scope_node_id FROM star_elections e JOIN nominations n ON n.election_id = e.id WHERE n.id = ?",
    )
    .bind(candidates[0])
    .fetch_one(&app.pool)
    .await
    .expect("election");
    // A rejected candidate in the open election and an approved one in a closed election.
    let volunteers: Vec<i64> = sqlx::query_scalar(
        "SELECT p.id FROM people p WHERE p.phone BETWEEN '13800000020' AND '13800000029'
         AND p.id NOT IN (SELECT person_id FROM nominations) ORDER BY p.id",
    )
    .fetch_all(&app.pool)
    .await
    .expect("volunteers");
    let rejected: i64 = sqlx::query_scalar(
        "INSERT INTO nominations (election_id, person_id, status, reason) VALUES (?, ?, 'rejected', '服务时长不足') RETURNING id",
    )
    .bind(open_election)
    .bind(volunteers[0])
    .fetch_one(&app.pool)
    .await
    .expect("rejected");
    let closed_election: i64 = sqlx::query_scalar(
        "INSERT INTO star_elections (title, scope_node_id, nomination_start, nomination_end, voting_start, voting_end, notice_end)
         VALUES ('已结束的评选', ?, unixepoch() - 900, unixepoch() - 800, unixepoch() - 700, unixepoch() - 600, unixepoch() + 600)
         RETURNING id",
    )
    .bind(scope)
    .fetch_one(&app.pool)
    .await
    .expect("closed");
    let closed: i64 = sqlx::query_scalar(
        "INSERT INTO nominations (election_id, person_id, status) VALUES (?, ?, 'approved') RETURNING id",
    )
    .bind(closed_election)
    .bind(volunteers[1])
    .fetch_one(&app.pool)
    .await
    .expect("closed nomination");

    let inside = app.residents_with_sessions("幸福街道", 150, 13_900_000_000).await;
    let outside = app.residents_with_sessions("新城桥街道", 30, 13_910_000_000).await;
    let voters: Vec<(i64, Client, bool)> =
        inside.into_iter().map(|(a, c)| (a, c, true)).chain(outside.into_iter().map(|(a, c)| (a, c, false))).collect();

    // A fixed pseudo-random mix: mostly valid votes (many of them repeats and past the quota),
    // some for the closed election, the rejected candidate or a nomination that does not exist.
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let plan: Vec<(usize, Aim)> = (0..10_000)
        .map(|_| {
            let voter = (next() % voters.len() as u64) as usize;
            let aim = match next() % 20 {
                0 => Aim::Closed,
                1 => Aim::Rejected,
                2 => Aim::Missing,
                _ => Aim::Valid(candidates[(next() % candidates.len() as u64) as usize]),
            };
            (voter, aim)
        })
        .collect();
    let results: Vec<(usize, Aim, StatusCode, String)> = futures::stream::iter(plan.iter().copied())
        .map(|(voter, aim)| {
            let client = voters[voter].1.clone();
            let url = format!("{}/api/cast_vote", app.base);
            let nomination = match aim {
                Aim::Valid(n) => n,
                Aim::Closed => closed,
                Aim::Rejected => rejected,
                Aim::Missing => 987_654_321,
            };
            async move {
                let res = client.post(url).form(&[("nomination", nomination.to_string())]).send().await.expect("send");
                let status = res.status();
                (voter, aim, status, res.text().await.expect("body"))
            }
        })
        .buffer_unordered(200)
        .collect()
        .await;

    let mut accepted = std::collections::HashSet::new();
    let mut wanted: std::collections::HashMap<usize, std::collections::HashSet<i64>> = Default::default();
    for (voter, aim, status, body) in &results {
        assert!(!status.is_server_error(), "{status}: {body}");
        let (_, _, in_scope) = &voters[*voter];
        match (aim, *in_scope) {
            (Aim::Valid(n), true) => {
                wanted.entry(*voter).or_default().insert(*n);
                if *status == StatusCode::OK {
                    assert!(accepted.insert((*voter, *n)), "a second vote for {n} by voter {voter} was accepted");
                } else {
                    assert_eq!(*status, StatusCode::CONFLICT, "{body}");
                    assert!(body.contains("ErrAlreadyVoted") || body.contains("ErrQuotaUsed"), "{body}");
                }
            }
            (Aim::Valid(_), false) => assert!(body.contains("ErrOutOfScope"), "{status}: {body}"),
            (Aim::Closed, _) => assert!(body.contains("ErrNotVoting"), "{status}: {body}"),
            (Aim::Rejected, true) => assert!(body.contains("ErrNotApproved"), "{status}: {body}"),
            (Aim::Rejected, false) => assert!(body.contains("ErrOutOfScope"), "{status}: {body}"),
            (Aim::Missing, _) => assert_eq!(*status, StatusCode::NOT_FOUND, "{body}"),
        }
    }
    // The tally is exactly the distinct accepted votes; nobody is over quota; every voter
    // got min(quota, distinct candidates they tried) votes, so no valid vote was lost.
    let stored: Vec<(i64, i64)> =
        sqlx::query_as("SELECT voter_id, nomination_id FROM star_votes WHERE election_id = ?")
            .bind(open_election)
            .fetch_all(&app.pool)
            .await
            .expect("votes");
    let expected: std::collections::HashSet<(i64, i64)> =
        accepted.iter().map(|(voter, n)| (voters[*voter].0, *n)).collect();
    assert_eq!(stored.len(), expected.len());
    assert_eq!(stored.into_iter().collect::<std::collections::HashSet<_>>(), expected);
    for (voter, tried) in &wanted {
        let got = accepted.iter().filter(|(v, _)| v == voter).count();
        assert_eq!(got, tried.len().min(4), "voter {voter} tried {} candidates", tried.len());
    }
    assert_eq!(
        app.count(
            "SELECT count(*) FROM (SELECT voter_id FROM star_votes WHERE election_id IN
             (SELECT id FROM star_elections WHERE voting_end > unixepoch()) GROUP BY voter_id HAVING count(*) > 4)"
        )
        .await,
        0
    );
    assert_eq!(app.count("SELECT count(*) FROM audit_log WHERE action = 'cast_vote'").await, results.len() as i64);
    assert!(accepted.len() > 400, "the mix should accept many votes, got {}", accepted.len());
}

// ---------------------------------------------------------------------------------------
// Running an election.

fn local_day(offset_days: i64) -> String {
    app::domain::time::format_local_date(app::repo::now() + offset_days * 86_400)
}

impl TestApp {
    /// 祖望社区's node id (the community admin 13800000004's area).
    async fn zuwang(&self) -> String {
        let id: i64 = sqlx::query_scalar("SELECT id FROM grid_nodes WHERE name = '祖望社区'")
            .fetch_one(&self.pool)
            .await
            .expect("祖望社区");
        id.to_string()
    }

    /// Creates an election over 祖望社区 whose nominations are open today; voting from tomorrow.
    async fn create_election(&self, admin: &Client, min_hours: &str) -> (StatusCode, String) {
        let scope = self.zuwang().await;
        let (today, tomorrow, later, notice) = (local_day(0), local_day(1), local_day(10), local_day(17));
        let form = [
            ("title", "祖望社区2027年度志愿服务之星"),
            ("scope", scope.as_str()),
            ("stars", "3"),
            ("votes_per_voter", "3"),
            ("nomination_from", today.as_str()),
            ("nomination_to", today.as_str()),
            ("voting_from", tomorrow.as_str()),
            ("voting_to", later.as_str()),
            ("notice_to", notice.as_str()),
            ("live_tally", "on"),
            ("min_service_hours", min_hours),
        ];
        self.post(admin, "create_election", &form).await
    }
}

#[tokio::test]
async fn only_an_admin_of_the_area_creates_an_election_and_bad_fields_are_named() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in("13800000004").await;
    let (status, body) = app.create_election(&admin, "0").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let id: i64 = body.trim().parse().expect("id");
    assert_eq!(
        app.count("SELECT count(*) FROM audit_log WHERE action = 'create_election' AND outcome = 'ok'").await,
        1,
    );
    let (status, body) = app
        .post(
            &admin,
            "create_election",
            &[
                ("title", "x"),
                ("scope", &app.zuwang().await),
                ("stars", "0"),
                ("votes_per_voter", "10"),
                ("nomination_from", "2027-01-10"),
                ("nomination_to", "2027-02-30"),
                ("voting_from", "2027-01-05"),
                ("voting_to", "2027-01-20"),
                ("notice_to", "2027-01-27"),
                ("min_service_hours", "-3"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    for field in ["title", "stars", "nomination_to", "min_service_hours"] {
        assert!(body.contains(&format!(r#""field":"{field}""#)), "{field} not named in {body}");
    }
    // A resident, and a community admin for the subdistrict around them, are refused.
    let resident = app.signed_in("13800000001").await;
    assert_eq!(app.create_election(&resident, "0").await.0, StatusCode::FORBIDDEN);
    let street: i64 = sqlx::query_scalar("SELECT id FROM grid_nodes WHERE name = '幸福街道'")
        .fetch_one(&app.pool)
        .await
        .expect("street");
    let (status, _) = app.post(&admin, "create_election", &[("scope", &street.to_string())]).await;
    assert!(status == StatusCode::FORBIDDEN || status == StatusCode::BAD_REQUEST, "{status}");
    assert_eq!(app.count("SELECT count(*) FROM star_elections").await, 3, "only election {id} was added");
}

#[tokio::test]
async fn once_voting_opens_only_a_later_close_is_accepted_and_every_change_is_audited() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in("13800000004").await;
    let id = app.create_election(&admin, "0").await.1;
    let (status, body) = app.post(&admin, "open_voting", &[("id", &id), ("version", "1")]).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, body) = app.post(&admin, "open_voting", &[("id", &id), ("version", "2")]).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(body.contains("ErrVotingOpened"), "{body}");
    let earlier = local_day(3);
    let (status, body) =
        app.post(&admin, "extend_voting", &[("id", &id), ("version", "2"), ("voting_to", &earlier)]).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(body.contains("ErrCloseNotLater"), "{body}");
    let later = local_day(20);
    let (status, body) =
        app.post(&admin, "extend_voting", &[("id", &id), ("version", "1"), ("voting_to", &later)]).await;
    assert!(status == StatusCode::CONFLICT && body.contains("ErrStale"), "an edit against an old version: {body}");
    let (status, body) =
        app.post(&admin, "extend_voting", &[("id", &id), ("version", "2"), ("voting_to", &later)]).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (span, notice): (i64, i64) =
        sqlx::query_as("SELECT voting_end - voting_start, notice_end - voting_end FROM star_elections WHERE id = ?")
            .bind(id.trim())
            .fetch_one(&app.pool)
            .await
            .expect("election");
    assert!(span > 19 * 86_400, "the close moved to {later}");
    assert_eq!(notice, 7 * 86_400, "the notice period moves with the close");
    let (status, _) = app
        .post(
            &app.signed_in("13800000001").await,
            "extend_voting",
            &[("id", &id), ("version", "3"), ("voting_to", &local_day(30))],
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(
        app.count("SELECT count(*) FROM audit_log WHERE object_kind = 'star_election' AND action IN ('open_voting', 'extend_voting') AND outcome = 'refused'").await,
        3
    );
    assert_eq!(
        app.count("SELECT count(*) FROM audit_log WHERE action = 'extend_voting' AND outcome = 'ok' AND before_json LIKE '%voting_end%'").await,
        1
    );
}

#[tokio::test]
async fn nominations_are_reviewed_and_the_minimum_hours_bar_approval() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in("13800000004").await;
    let election = app.create_election(&admin, "1000").await.1;
    // An admin nominates a volunteer of the community; volunteers nominate themselves.
    let (status, body) = app
        .post(&admin, "nominate", &[("election", &election), ("phone", "13800000010"), ("intro", "每周帮老人理发")])
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let nomination = body.trim().to_string();
    let volunteer = app.signed_in("13800000011").await;
    let (status, body) = app.post(&volunteer, "nominate", &[("election", &election), ("intro", "我会修电器")]).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, body) = app.post(&volunteer, "nominate", &[("election", &election)]).await;
    assert!(status == StatusCode::CONFLICT && body.contains("ErrAlreadyNominated"), "{body}");
    // Their page shows the nomination as 待审核 (no second form) and the nomination period.
    let (_, view) = app.post(&volunteer, "stars_data", &[("election", &election)]).await;
    let v: serde_json::Value = serde_json::from_str(&view).expect("json");
    assert_eq!((v["my_nomination"][0].as_str(), v["may_nominate"].as_bool()), (Some("pending"), Some(false)), "{view}");
    assert!(v["nomination_from"].as_str().is_some_and(|d| d.len() == 10), "{view}");
    // Another volunteer looking at the demo election is shown the way to this one at the top.
    let demo: i64 = sqlx::query_scalar("SELECT id FROM star_elections WHERE title = '2026年度志愿服务之星'")
        .fetch_one(&app.pool)
        .await
        .expect("demo election");
    let (_, view) =
        app.post(&app.signed_in("13800000012").await, "stars_data", &[("election", &demo.to_string())]).await;
    let v: serde_json::Value = serde_json::from_str(&view).expect("json");
    assert_eq!(v["nominating_elsewhere"][0].as_i64().map(|i| i.to_string()), Some(election.clone()), "{view}");
    let resident = app.signed_in("13800000001").await;
    let (status, body) = app.post(&resident, "nominate", &[("election", &election)]).await;
    assert!(status == StatusCode::CONFLICT && body.contains("ErrNotVolunteerHere"), "{body}");
    // 13800000020 serves another community.
    let (status, body) = app.post(&admin, "nominate", &[("election", &election), ("phone", "13800000020")]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    // Nobody has 1,000 confirmed hours; a rejection needs a reason.
    let (status, body) = app.post(&admin, "decide_nomination", &[("id", &nomination), ("decision", "approve")]).await;
    assert!(status == StatusCode::CONFLICT && body.contains("ErrBelowMinHours"), "{body}");
    let (status, _) = app.post(&admin, "decide_nomination", &[("id", &nomination), ("decision", "reject")]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let (status, _) =
        app.post(&resident, "decide_nomination", &[("id", &nomination), ("decision", "reject"), ("reason", "x")]).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, body) = app
        .post(&admin, "decide_nomination", &[("id", &nomination), ("decision", "reject"), ("reason", "服务时长不足")])
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, body) = app.post(&admin, "decide_nomination", &[("id", &nomination), ("decision", "approve")]).await;
    assert!(status == StatusCode::CONFLICT && body.contains("ErrAlreadyDecided"), "{body}");
    // Without the bar, approval works; the admin view shows counts and statuses.
    sqlx::query("UPDATE star_elections SET min_service_hours = 0").execute(&app.pool).await.expect("q");
    let own: i64 = sqlx::query_scalar("SELECT id FROM nominations WHERE intro = '我会修电器'")
        .fetch_one(&app.pool)
        .await
        .expect("own");
    let (status, body) =
        app.post(&admin, "decide_nomination", &[("id", &own.to_string()), ("decision", "approve")]).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (_, view) = app.post(&admin, "elections_admin", &[]).await;
    assert!(view.contains("服务时长不足") && view.contains(r#""status":"approved""#), "{view}");
    // An unknown number gets the same answer as a volunteer elsewhere: no probing who is registered.
    let (_, unknown) = app.post(&admin, "nominate", &[("election", &election), ("phone", "13999999999")]).await;
    let (_, elsewhere) = app.post(&admin, "nominate", &[("election", &election), ("phone", "13800000021")]).await;
    assert!(unknown.contains("ErrNotVolunteerHere") && unknown == elsewhere, "{unknown} / {elsewhere}");
    // Once voting opens the ballot is fixed: a pending nomination can no longer be approved.
    let (_, late) = app.post(&admin, "nominate", &[("election", &election), ("phone", "13800000012")]).await;
    let (status, body) = app.post(&admin, "open_voting", &[("id", &election), ("version", "1")]).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, body) = app.post(&admin, "decide_nomination", &[("id", late.trim()), ("decision", "approve")]).await;
    assert!(status == StatusCode::CONFLICT && body.contains("ErrVotingOpened"), "{body}");
}

#[tokio::test]
async fn a_finished_election_has_its_stars_a_badge_and_a_csv_without_voters() {
    let app = TestApp::spawn().await;
    // The seeded 2025 election closed a year ago with five stars fixed by the tie rule.
    let ranked: Vec<(i64, i64)> = sqlx::query_as(
        "SELECT nm.star_rank, nm.final_votes FROM nominations nm JOIN star_elections e ON e.id = nm.election_id
         WHERE e.title = '2025年度志愿服务之星' AND nm.star_rank IS NOT NULL ORDER BY nm.star_rank",
    )
    .fetch_all(&app.pool)
    .await
    .expect("stars");
    assert_eq!(ranked.iter().map(|r| r.0).collect::<Vec<_>>(), [1, 2, 3, 4, 5]);
    assert!(ranked.windows(2).all(|w| w[0].1 >= w[1].1), "more votes rank first: {ranked:?}");
    let (election, star_phone): (i64, String) = sqlx::query_as(
        "SELECT e.id, p.phone FROM nominations nm JOIN star_elections e ON e.id = nm.election_id
         JOIN people p ON p.id = nm.person_id WHERE e.title = '2025年度志愿服务之星' AND nm.star_rank = 1",
    )
    .fetch_one(&app.pool)
    .await
    .expect("star");
    let star = app.signed_in(&star_phone).await;
    let (_, me) = app.post(&star, "me_data", &[]).await;
    assert!(me.contains("2025年度志愿服务之星"), "{me}");
    // Anyone may see the results page of the finished election.
    let (status, page) = app.get(&app.client(), &format!("/stars?election={election}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("当选名单") && page.contains("已公布"), "results shown");
    // The subdistrict admin exports counts per candidate; no voter appears.
    let admin = app.signed_in("13800000005").await;
    let (status, csv) = app.get(&admin, &format!("/admin/elections/{election}/csv")).await;
    assert_eq!(status, StatusCode::OK, "{csv}");
    assert!(csv.contains("2025年度志愿服务之星") && csv.contains("候选人,状态,票数"), "{csv}");
    assert!(!csv.contains("138000010"), "no resident phone in the export");
    let voters: Vec<String> = sqlx::query_scalar(
        "SELECT DISTINCT p.full_name FROM star_votes v JOIN accounts a ON a.id = v.voter_id JOIN people p ON p.id = a.person_id
         WHERE v.election_id = ?1 AND p.id NOT IN (SELECT person_id FROM nominations WHERE election_id = ?1)",
    )
    .bind(election)
    .fetch_all(&app.pool)
    .await
    .expect("voters");
    assert!(!voters.is_empty());
    assert!(voters.iter().all(|v| !csv.contains(v.as_str())), "no voter is named in the export");
    // A community admin does not run the street's election; a visitor is asked to sign in.
    let community = app.signed_in("13800000004").await;
    assert_eq!(app.get(&community, &format!("/admin/elections/{election}/csv")).await.0, StatusCode::FORBIDDEN);
    assert_eq!(app.get(&app.client(), &format!("/admin/elections/{election}/csv")).await.0, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn an_election_is_edited_until_voting_opens_and_of_two_edits_at_once_one_wins() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in("13800000004").await;
    let id = app.create_election(&admin, "0").await.1;
    let (tomorrow, later, notice) = (local_day(1), local_day(12), local_day(19));
    let edit = |title: &'static str, version: &'static str| {
        let form = vec![
            ("id", id.clone()),
            ("version", version.to_string()),
            ("title", title.to_string()),
            ("stars", "5".into()),
            ("votes_per_voter", "5".into()),
            ("nomination_from", local_day(0)),
            ("nomination_to", local_day(0)),
            ("voting_from", tomorrow.clone()),
            ("voting_to", later.clone()),
            ("notice_to", notice.clone()),
            ("min_service_hours", "2".into()),
        ];
        let (client, url) = (admin.clone(), format!("{}/api/edit_election", app.base));
        async move {
            let res = client.post(url).form(&form).send().await.expect("post");
            let status = res.status();
            (status, res.text().await.expect("body"))
        }
    };
    // Two admins' edits made against version 1 at the same moment: one wins, one is told.
    let (a, b) = tokio::join!(edit("祖望社区邻里之星", "1"), edit("祖望社区服务之星", "1"));
    let mut statuses = [a.0, b.0];
    statuses.sort();
    assert_eq!(statuses, [StatusCode::OK, StatusCode::CONFLICT], "{a:?} {b:?}");
    assert!([&a.1, &b.1].iter().any(|body| body.contains("ErrStale")));
    let (title, stars, live): (String, i64, bool) =
        sqlx::query_as("SELECT title, stars, live_tally FROM star_elections WHERE id = ?")
            .bind(id.trim())
            .fetch_one(&app.pool)
            .await
            .expect("election");
    assert!(title == "祖望社区邻里之星" || title == "祖望社区服务之星");
    assert_eq!((stars, live), (5, false), "the whole definition changed, live tally unticked");
    // Once voting is open, no edit is accepted.
    let (status, body) = app.post(&admin, "open_voting", &[("id", &id), ("version", "2")]).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, body) = edit("改名", "3").await;
    assert!(status == StatusCode::CONFLICT && body.contains("ErrVotingOpened"), "{body}");
    assert_eq!(app.count("SELECT count(*) FROM audit_log WHERE action = 'edit_election' AND outcome = 'ok'").await, 1);
    assert_eq!(
        app.count("SELECT count(*) FROM audit_log WHERE action = 'edit_election' AND outcome = 'refused'").await,
        2
    );
}

// ---------------------------------------------------------------------------------------
// Editing the grid tree.

impl TestApp {
    /// (id, version, code) of the node named `name`.
    async fn node(&self, name: &str) -> (i64, i64, String) {
        sqlx::query_as("SELECT id, version, code FROM grid_nodes WHERE name = ?")
            .bind(name)
            .fetch_one(&self.pool)
            .await
            .unwrap_or_else(|e| panic!("node {name}: {e}"))
    }
}

#[tokio::test]
async fn renames_are_versioned_scoped_to_the_admins_area_and_one_of_two_at_once_wins() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in("13800000004").await;
    let (id, version, _) = app.node("向日葵微网格").await;
    let (id, version) = (id.to_string(), version.to_string());
    let rename = |client: &Client, name: &str, version: &str| {
        let form = [("id", id.clone()), ("version", version.to_string()), ("name", name.to_string())];
        let request = client.post(format!("{}/api/rename_node", app.base)).form(&form);
        async move {
            let res = request.send().await.expect("post");
            let status = res.status();
            (status, res.text().await.expect("body"))
        }
    };
    // Who may: the community admin and the subdistrict admin above; not the grid leader,
    // the resident, or the admin of another community.
    for (phone, expected) in [
        ("13800000003", StatusCode::FORBIDDEN),
        ("13800000001", StatusCode::FORBIDDEN),
        ("13800000007", StatusCode::FORBIDDEN),
    ] {
        let (status, body) = rename(&app.signed_in(phone).await, "越权改名", &version).await;
        assert_eq!(status, expected, "{phone}: {body}");
    }
    let (status, body) = rename(&admin, "", &version).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    // Two admins rename against the same version at once: one wins, the other is told.
    let street = app.signed_in("13800000005").await;
    let (a, b) = tokio::join!(rename(&admin, "向日葵一组", &version), rename(&street, "向日葵二组", &version));
    let mut statuses = [a.0, b.0];
    statuses.sort();
    assert_eq!(statuses, [StatusCode::OK, StatusCode::CONFLICT], "{a:?} {b:?}");
    assert!([&a.1, &b.1].iter().any(|body| body.contains("ErrGridStale")));
    let name: String = sqlx::query_scalar("SELECT name FROM grid_nodes WHERE id = ?")
        .bind(&id)
        .fetch_one(&app.pool)
        .await
        .expect("name");
    assert!(name == "向日葵一组" || name == "向日葵二组", "{name}");
    assert_eq!(app.count("SELECT count(*) FROM audit_log WHERE action = 'rename_node' AND outcome = 'ok' AND before_json LIKE '%向日葵微网格%'").await, 1);
    assert_eq!(
        app.count("SELECT count(*) FROM audit_log WHERE action = 'rename_node' AND outcome = 'refused'").await,
        4
    );
}

#[tokio::test]
async fn a_moved_micro_grid_takes_its_subtree_and_records_along_with_new_codes() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in("13800000004").await;
    let (micro, version, old_code) = app.node("向日葵微网格").await;
    let (target, _, target_code) = app.node("祖望新村网格").await;
    let subtree_before = app.count_in(&old_code).await;
    let orders: i64 = sqlx::query_scalar("SELECT count(*) FROM service_orders WHERE micro_grid_id = ?")
        .bind(micro)
        .fetch_one(&app.pool)
        .await
        .expect("orders");
    let (status, body) = app
        .post(
            &admin,
            "move_node",
            &[("id", &micro.to_string()), ("version", &version.to_string()), ("parent", &target.to_string())],
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (_, new_version, new_code) = app.node("向日葵微网格").await;
    assert_eq!(new_version, version + 1);
    assert!(new_code.starts_with(&target_code) && new_code.len() == old_code.len(), "{new_code}");
    assert_eq!(app.count_in(&new_code).await, subtree_before, "the whole subtree moved");
    assert_eq!(app.count_in(&old_code).await, 0, "nothing left under the old code");
    assert_eq!(app.count("SELECT count(*) - count(DISTINCT code) FROM grid_nodes").await, 0, "codes stay unique");
    assert_eq!(
        app.count("SELECT count(*) FROM grid_nodes c JOIN grid_nodes p ON p.id = c.parent_id WHERE substr(c.code, 1, length(p.code)) <> p.code").await,
        0,
        "every code still starts with its parent's"
    );
    let after: i64 = sqlx::query_scalar("SELECT count(*) FROM service_orders WHERE micro_grid_id = ?")
        .bind(micro)
        .fetch_one(&app.pool)
        .await
        .expect("orders");
    assert_eq!(after, orders, "orders stay with their micro-grid");
    // An edit made against the old version is refused; so are impossible moves.
    let (status, body) = app
        .post(
            &admin,
            "move_node",
            &[("id", &micro.to_string()), ("version", &version.to_string()), ("parent", &target.to_string())],
        )
        .await;
    assert!(status == StatusCode::CONFLICT && body.contains("ErrGridStale"), "{body}");
    let (grid, grid_version, _) = app.node("祖望新村网格").await;
    let (status, body) = app
        .post(
            &admin,
            "move_node",
            &[("id", &grid.to_string()), ("version", &grid_version.to_string()), ("parent", &micro.to_string())],
        )
        .await;
    assert!(status == StatusCode::CONFLICT && body.contains("ErrMoveIntoOwn"), "{body}");
    let (community, _, _) = app.node("祖望社区").await;
    let (status, body) = app
        .post(
            &admin,
            "move_node",
            &[("id", &micro.to_string()), ("version", &new_version.to_string()), ("parent", &community.to_string())],
        )
        .await;
    assert!(status == StatusCode::CONFLICT && body.contains("ErrMoveTarget"), "{body}");
    // Another community's grid is outside this admin's area.
    let foreign: i64 = sqlx::query_scalar("SELECT id FROM grid_nodes WHERE level = 'grid' AND name = '连心网格'")
        .fetch_one(&app.pool)
        .await
        .expect("foreign grid");
    let (status, _) = app
        .post(
            &admin,
            "move_node",
            &[("id", &micro.to_string()), ("version", &new_version.to_string()), ("parent", &foreign.to_string())],
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    // Search finds the node by name and by code, inside the viewer's area only.
    let (_, hits) = app.post(&admin, "grid_search", &[("q", "向日葵")]).await;
    assert!(hits.contains(&new_code), "{hits}");
    let (_, foreign_hits) = app.post(&admin, "grid_search", &[("q", "连心")]).await;
    assert_eq!(foreign_hits, "[]");
}

impl TestApp {
    /// Nodes whose code starts with `prefix`.
    async fn count_in(&self, prefix: &str) -> i64 {
        sqlx::query_scalar("SELECT count(*) FROM grid_nodes WHERE code GLOB ? || '*'")
            .bind(prefix)
            .fetch_one(&self.pool)
            .await
            .expect("count")
    }
}

#[tokio::test]
async fn the_audit_page_lists_edits_in_the_area_filtered_and_as_csv() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in("13800000004").await;
    let (id, version, _) = app.node("红领微网格").await;
    let (status, body) = app
        .post(
            &admin,
            "rename_node",
            &[("id", &id.to_string()), ("version", &version.to_string()), ("name", "红领先锋微网格")],
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let today = local_day(0);
    let (status, lines) = app.post(&admin, "audit_data", &[("node", "红领"), ("from", &today), ("to", &today)]).await;
    assert_eq!(status, StatusCode::OK, "{lines}");
    assert!(
        lines.contains("rename_node") && lines.contains("红领微网格") && lines.contains("红领先锋微网格"),
        "{lines}"
    );
    let (_, none) = app.post(&admin, "audit_data", &[("node", "红领"), ("to", "2020-01-01")]).await;
    assert_eq!(none, "[]");
    let (status, _) = app.post(&admin, "audit_data", &[("from", "yesterday")]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    // The street admin sees it too; a grid leader does not see the audit at all.
    let (_, street) = app.post(&app.signed_in("13800000005").await, "audit_data", &[("person", "")]).await;
    assert!(street.contains("红领先锋微网格"), "{street}");
    let (status, _) = app.post(&app.signed_in("13800000003").await, "audit_data", &[]).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, csv) = app.get(&admin, "/admin/audit/csv?node=%E7%BA%A2%E9%A2%86").await;
    assert_eq!(status, StatusCode::OK);
    assert!(csv.contains("rename_node") && csv.contains("红领先锋微网格"), "{csv}");
    // Each row reads as a sentence with its changes in words, not JSON.
    assert!(csv.contains("将「红领先锋微网格」改名") && csv.contains("名称：红领微网格 → 红领先锋微网格"), "{csv}");
    assert!(!csv.contains("\"version\""), "{csv}");
    // Votes are never listed.
    let voter = app.signed_in("13800000001").await;
    let candidate = app.nominations().await[0].to_string();
    assert_eq!(app.post(&voter, "cast_vote", &[("nomination", &candidate)]).await.0, StatusCode::OK);
    let (_, all) = app.post(&app.signed_in("13800000005").await, "audit_data", &[]).await;
    assert!(!all.contains("cast_vote"), "{all}");
}

impl TestApp {
    /// The shape facts every tree edit must keep: codes unique, each code its parent's
    /// code plus one segment, each level one below its parent's, no record pointing at a
    /// node that is not a micro-grid where a micro-grid is meant.
    async fn assert_tree_consistent(&self) {
        for (sql, what) in [
            ("SELECT count(*) - count(DISTINCT code) FROM grid_nodes", "codes unique"),
            (
                "SELECT count(*) FROM grid_nodes c JOIN grid_nodes p ON p.id = c.parent_id
                 WHERE substr(c.code, 1, length(p.code)) <> p.code
                    OR length(c.code) - length(p.code) NOT IN (2, 3)",
                "each code extends its parent's",
            ),
            (
                "SELECT count(*) FROM grid_nodes c JOIN grid_nodes p ON p.id = c.parent_id
                 WHERE (p.level, c.level) NOT IN (VALUES ('subdistrict', 'community'), ('community', 'grid'),
                        ('grid', 'micro_grid'), ('micro_grid', 'building'), ('building', 'unit'))",
                "levels nest",
            ),
            (
                "SELECT count(*) FROM people p JOIN grid_nodes b ON b.id = p.building_id
                 WHERE p.micro_grid_id IS NOT b.parent_id",
                "people live in the micro-grid of their building",
            ),
            (
                "SELECT count(*) FROM service_orders o JOIN grid_nodes b ON b.id = o.building_id
                 WHERE o.micro_grid_id IS NOT b.parent_id",
                "orders sit in the micro-grid of their building",
            ),
            (
                "SELECT count(*) FROM service_orders o JOIN grid_nodes m ON m.id = o.micro_grid_id
                 WHERE m.level <> 'micro_grid'",
                "orders point at micro-grids",
            ),
        ] {
            let n: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(sql)).fetch_one(&self.pool).await.expect(what);
            assert_eq!(n, 0, "{what}");
        }
    }

    async fn scalar(&self, sql: &'static str, bind: i64) -> i64 {
        sqlx::query_scalar(sql).bind(bind).fetch_one(&self.pool).await.expect(sql)
    }
}

#[tokio::test]
async fn the_schema_has_no_node_reference_that_a_merge_would_forget() {
    let app = TestApp::spawn().await;
    let references: Vec<(String, String)> = sqlx::query_as(
        "SELECT m.name, f.\"from\" FROM sqlite_master m, pragma_foreign_key_list(m.name) f
         WHERE m.type = 'table' AND f.\"table\" = 'grid_nodes' ORDER BY 1, 2",
    )
    .fetch_all(&app.pool)
    .await
    .expect("foreign keys");
    let handled_apart = [
        ("grid_nodes", "parent_id"),
        ("role_assignments", "node_id"),
        ("audit_log", "node_id"),
        ("community_settings", "node_id"),
    ];
    for (table, column) in &references {
        let known = app::repo::grid_repo::NODE_REFERENCES.iter().chain(handled_apart.iter());
        assert!(known.clone().any(|(t, c)| t == table && c == column), "{table}.{column} is not handled by a merge");
    }
    assert_eq!(references.len(), app::repo::grid_repo::NODE_REFERENCES.len() + handled_apart.len());
}

#[tokio::test]
async fn create_split_merge_and_delete_keep_codes_counts_and_records_consistent() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in("13800000004").await;
    let (micro, version, micro_code) = app.node("向日葵微网格").await;
    // The building of 向日葵微网格 with the most orders moves out.
    let building: i64 = sqlx::query_scalar(
        "SELECT building_id FROM service_orders WHERE micro_grid_id = ? AND building_id IS NOT NULL
         GROUP BY building_id ORDER BY count(*) DESC LIMIT 1",
    )
    .bind(micro)
    .fetch_one(&app.pool)
    .await
    .expect("a building with orders");
    let residents_of_building = app.scalar("SELECT count(*) FROM people WHERE building_id = ?", building).await;
    let households = app.count("SELECT count(*) FROM households").await;
    let people = app.count("SELECT count(*) FROM people").await;
    let orders_in_building = app.scalar("SELECT count(*) FROM service_orders WHERE building_id = ?", building).await;
    assert!(orders_in_building > 0, "the seeds put orders in 5号楼");
    app.assert_tree_consistent().await;

    // Split: the building goes to a new micro-grid beside; its people and orders go along.
    let form = [
        ("id", micro.to_string()),
        ("version", version.to_string()),
        ("name", "向日葵二组".to_string()),
        ("buildings[]", building.to_string()),
    ];
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let (status, body) = app.post(&admin, "split_node", &form).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (new_micro, new_version, new_code) = app.node("向日葵二组").await;
    assert_eq!(new_version, 1);
    assert_eq!(&new_code[..new_code.len() - 2], &micro_code[..micro_code.len() - 2], "a sibling of the old one");
    let parent_of = |id| app.scalar("SELECT parent_id FROM grid_nodes WHERE id = ?", id);
    assert_eq!(parent_of(building).await, new_micro);
    assert_eq!(
        app.scalar("SELECT count(*) FROM service_orders WHERE micro_grid_id = ?", new_micro).await,
        orders_in_building
    );
    assert!(residents_of_building > 0);
    assert_eq!(
        app.scalar("SELECT count(*) FROM people WHERE micro_grid_id = ?", new_micro).await,
        residents_of_building,
        "the residents of the building are in the new micro-grid"
    );
    app.assert_tree_consistent().await;
    // The split was made against `version`; the same form again is stale, and a split that
    // takes every building (or none, or a foreign one) is refused.
    let (status, body) = app.post(&admin, "split_node", &form).await;
    assert!(status == StatusCode::CONFLICT || status == StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let (_, v, _) = app.node("向日葵微网格").await;
    let (status, body) = app
        .post(&admin, "split_node", &[("id", &micro.to_string()), ("version", &v.to_string()), ("name", "空")])
        .await;
    assert!(status == StatusCode::UNPROCESSABLE_ENTITY && body.contains("ErrSplitBuildings"), "{body}");

    // Merge it back: everything returns to 向日葵微网格, the new node is gone.
    let (status, body) = app
        .post(
            &admin,
            "merge_node",
            &[("id", &new_micro.to_string()), ("version", &new_version.to_string()), ("into", &micro.to_string())],
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(app.scalar("SELECT count(*) FROM grid_nodes WHERE id = ?", new_micro).await, 0);
    assert_eq!(parent_of(building).await, micro);
    assert_eq!(app.scalar("SELECT count(*) FROM people WHERE micro_grid_id = ?", new_micro).await, 0);
    assert_eq!(app.scalar("SELECT count(*) FROM service_orders WHERE micro_grid_id = ?", new_micro).await, 0);
    assert_eq!(app.count("SELECT count(*) FROM households").await, households, "no household lost");
    assert_eq!(app.count("SELECT count(*) FROM people").await, people, "no person lost");
    app.assert_tree_consistent().await;
    // Its history stays visible under the node that took it in.
    assert_eq!(
        app.scalar(
            "SELECT count(*) FROM audit_log WHERE action = 'split_node' AND outcome = 'ok' AND node_id = ?",
            micro
        )
        .await,
        1
    );

    // Create and delete: an empty node simply goes; a node with contents asks where they go.
    let (grid, _, grid_code) = app.node("祖望新村网格").await;
    let (status, body) =
        app.post(&admin, "create_node", &[("parent", &grid.to_string()), ("name", "新建微网格")]).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (created, created_version, created_code) = app.node("新建微网格").await;
    assert!(created_code.starts_with(&grid_code) && created_code.len() == grid_code.len() + 2, "{created_code}");
    let (status, body) = app.post(&admin, "create_node", &[("parent", &created.to_string()), ("name", "  ")]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let (status, body) = app
        .post(
            &admin,
            "delete_node",
            &[("id", &micro.to_string()), ("version", &app.node("向日葵微网格").await.1.to_string())],
        )
        .await;
    assert!(status == StatusCode::CONFLICT && body.contains("ErrNodeNotEmpty"), "{body}");
    let (status, body) = app
        .post(&admin, "delete_node", &[("id", &created.to_string()), ("version", &created_version.to_string())])
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(app.count_in(&created_code).await, 0);
    assert_eq!(
        app.scalar(
            "SELECT count(*) FROM audit_log WHERE action = 'create_node' AND outcome = 'ok' AND node_id = ?",
            grid
        )
        .await,
        1,
        "a deleted node's history shows under its parent"
    );
    // Delete with reassignment: 红领微网格's buildings, people and orders go to 向日葵微网格.
    let (red, red_version, _) = app.node("红领微网格").await;
    let red_orders = app.scalar("SELECT count(*) FROM service_orders WHERE micro_grid_id = ?", red).await;
    let sun_orders = app.scalar("SELECT count(*) FROM service_orders WHERE micro_grid_id = ?", micro).await;
    let (status, body) = app
        .post(
            &admin,
            "delete_node",
            &[("id", &red.to_string()), ("version", &red_version.to_string()), ("into", &micro.to_string())],
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        app.scalar("SELECT count(*) FROM service_orders WHERE micro_grid_id = ?", micro).await,
        sun_orders + red_orders
    );
    assert_eq!(app.count("SELECT count(*) FROM households").await, households);
    app.assert_tree_consistent().await;
    // A merge across levels is refused.
    let (_, v, _) = app.node("向日葵微网格").await;
    let (status, body) = app
        .post(
            &admin,
            "merge_node",
            &[("id", &micro.to_string()), ("version", &v.to_string()), ("into", &grid.to_string())],
        )
        .await;
    assert!(status == StatusCode::CONFLICT && body.contains("ErrMergeTarget"), "{body}");
}

impl TestApp {
    /// A fresh node `name` under `parent`, with the next free code (test setup).
    async fn add_node(&self, parent: i64, name: &str) -> i64 {
        use app::domain::grid::{child_code, NodeLevel};
        let mut conn = self.pool.acquire().await.expect("conn");
        let (level, code): (String, String) = sqlx::query_as("SELECT level, code FROM grid_nodes WHERE id = ?")
            .bind(parent)
            .fetch_one(&mut *conn)
            .await
            .expect("parent");
        let level = NodeLevel::parse(&level).and_then(|l| l.child()).expect("child level");
        let seq = app::repo::grid_repo::next_child_seq(&mut conn, parent, &code).await.expect("seq");
        let code = child_code(&code, level, seq).expect("code");
        app::repo::grid_repo::insert_node(&mut conn, parent, level.as_str(), &code, name, i64::from(seq), 0)
            .await
            .expect("insert")
    }

    async fn account(&self, phone: &str) -> i64 {
        sqlx::query_scalar("SELECT id FROM accounts WHERE phone = ?")
            .bind(phone)
            .fetch_one(&self.pool)
            .await
            .expect(phone)
    }

    /// Everything an edit could change in the tree and its staff, as one string.
    async fn tree_snapshot(&self) -> String {
        sqlx::query_scalar(
            "SELECT count(*) || ':' || total(version) || ':' || group_concat(code || name, ',')
                    || ':' || (SELECT count(*) || ':' || total(node_id) FROM role_assignments)
                    || ':' || (SELECT total(micro_grid_id) FROM people)
             FROM grid_nodes",
        )
        .fetch_one(&self.pool)
        .await
        .expect("snapshot")
    }
}

/// The form of one grid edit on a fresh node of the area under `grid` (a grid), set up so
/// that the edit succeeds when the one sending it is allowed to make it.
async fn grid_edit_form(app: &TestApp, op: &str, grid: i64, resident: &str, n: usize) -> Vec<(&'static str, String)> {
    let fresh = app.add_node(grid, &format!("矩阵{op}{n}")).await;
    let s = |v: i64| v.to_string();
    match op {
        "rename_node" => vec![("id", s(fresh)), ("version", s(1)), ("name", format!("改名{n}"))],
        "move_node" => {
            let community = app.scalar("SELECT parent_id FROM grid_nodes WHERE id = ?", grid).await;
            let other_grid = app.add_node(community, &format!("矩阵目标{n}")).await;
            vec![("id", s(fresh)), ("version", s(1)), ("parent", s(other_grid))]
        }
        "create_node" => vec![("parent", s(fresh)), ("name", format!("新楼{n}"))],
        "delete_node" => vec![("id", s(fresh)), ("version", s(1))],
        "merge_node" => {
            let into = app.add_node(grid, &format!("矩阵并入{n}")).await;
            vec![("id", s(fresh)), ("version", s(1)), ("into", s(into))]
        }
        "split_node" => {
            app.add_node(fresh, &format!("矩阵甲楼{n}")).await;
            let out = app.add_node(fresh, &format!("矩阵乙楼{n}")).await;
            vec![("id", s(fresh)), ("version", s(1)), ("name", format!("分出{n}")), ("buildings[]", s(out))]
        }
        "assign_staff" => vec![("node", s(fresh)), ("account", s(app.account(resident).await))],
        "remove_staff" => {
            let mut conn = app.pool.acquire().await.expect("conn");
            let assignment =
                app::repo::grid_repo::grant(&mut conn, app.account(resident).await, "micro_grid_member", fresh, 1)
                    .await
                    .expect("grant");
            vec![("assignment", s(assignment))]
        }
        other => panic!("unknown edit {other}"),
    }
}

#[tokio::test]
async fn every_grid_edit_by_every_role_on_its_own_and_a_foreign_area() {
    let app = TestApp::spawn().await;
    // 陈骏骏 becomes admin of 朝晖社区 for this test: a community admin of another area.
    let chaohui = app.node("朝晖社区").await.0;
    sqlx::query("INSERT INTO role_assignments (account_id, role, node_id) VALUES (?, 'community_admin', ?)")
        .bind(app.account("13800000007").await)
        .bind(chaohui)
        .execute(&app.pool)
        .await
        .expect("promote");
    let own = (app.node("幸福锦园网格").await.0, "13800000001");
    let foreign = (app.node("连心网格").await.0, "13800000009");
    let ops = [
        "rename_node",
        "move_node",
        "create_node",
        "delete_node",
        "merge_node",
        "split_node",
        "assign_staff",
        "remove_staff",
    ];
    // (phone, allowed on own area, allowed on the foreign area)
    let roles = [
        ("13800000001", false, false), // resident
        ("13800000006", false, false), // micro-grid member
        ("13800000003", false, false), // grid leader: reads only
        ("13800000004", true, false),  // community admin of 祖望社区
        ("13800000005", true, false),  // subdistrict admin of 幸福街道
        ("13800000007", false, true),  // community admin of 朝晖社区
    ];
    let mut n = 0;
    for (phone, own_ok, foreign_ok) in roles {
        let who = app.signed_in(phone).await;
        for op in ops {
            for ((grid, resident), allowed) in [(own, own_ok), (foreign, foreign_ok)] {
                n += 1;
                let form = grid_edit_form(&app, op, grid, resident, n).await;
                let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
                let before = app.tree_snapshot().await;
                let (status, body) = app.post(&who, op, &form).await;
                if allowed {
                    assert_eq!(status, StatusCode::OK, "{phone} {op} on {grid}: {body}");
                    assert_ne!(app.tree_snapshot().await, before, "{phone} {op} changed something");
                } else {
                    assert_eq!(status, StatusCode::FORBIDDEN, "{phone} {op} on {grid}: {body}");
                    assert_eq!(app.tree_snapshot().await, before, "{phone} {op}: a denied edit changed nothing");
                }
            }
        }
    }
    // Every denial is in the audit log.
    // Residents, members and leaders on both areas, each admin on the area not theirs.
    let denied = app.count("SELECT count(*) FROM audit_log WHERE outcome = 'refused'").await;
    assert_eq!(denied, ops.len() as i64 * (3 * 2 + 3));
    app.assert_tree_consistent().await;
}

#[tokio::test]
async fn an_admin_undoes_their_own_edits_newest_first_unless_the_node_changed_since() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in("13800000004").await;
    let street = app.signed_in("13800000005").await;
    let (status, body) = app.post(&admin, "undo_grid_edit", &[]).await;
    assert!(status == StatusCode::CONFLICT && body.contains("ErrNothingToUndo"), "{body}");
    let (micro, v, code) = app.node("向日葵微网格").await;
    let (grid, ..) = app.node("祖望新村网格").await;
    let (old_parent, ..) = app.node("幸福锦园网格").await;
    let id = micro.to_string();
    // Rename, then move: undo takes back the move first, then the rename.
    let (status, _) =
        app.post(&admin, "rename_node", &[("id", &id), ("version", &v.to_string()), ("name", "向阳")]).await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = app
        .post(&admin, "move_node", &[("id", &id), ("version", &(v + 1).to_string()), ("parent", &grid.to_string())])
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(app.post(&admin, "undo_grid_edit", &[]).await.0, StatusCode::OK);
    let (_, _, back_code) = app.node("向阳").await;
    assert_eq!(app.scalar("SELECT parent_id FROM grid_nodes WHERE id = ?", micro).await, old_parent);
    assert_eq!(back_code.len(), code.len());
    assert_eq!(app.post(&admin, "undo_grid_edit", &[]).await.0, StatusCode::OK);
    assert_eq!(app.node("向日葵微网格").await.0, micro, "the old name is back");
    app.assert_tree_consistent().await;
    // Creating, then undoing, removes the new node.
    let (status, _) = app.post(&admin, "create_node", &[("parent", &grid.to_string()), ("name", "临时微网格")]).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(app.post(&admin, "undo_grid_edit", &[]).await.0, StatusCode::OK);
    assert_eq!(app.count("SELECT count(*) FROM grid_nodes WHERE name = '临时微网格'").await, 0);
    // Staff: making someone grid leader replaces the leader; undo puts the old one back.
    let leaders = "SELECT group_concat(account_id) FROM role_assignments WHERE role = 'grid_leader' AND node_id = ?";
    let before: Option<String> =
        sqlx::query_scalar(leaders).bind(old_parent).fetch_one(&app.pool).await.expect("leaders");
    let zhang = app.account("13800000002").await.to_string();
    let (status, body) =
        app.post(&admin, "assign_staff", &[("node", &old_parent.to_string()), ("account", &zhang)]).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let now_leader: Option<String> =
        sqlx::query_scalar(leaders).bind(old_parent).fetch_one(&app.pool).await.expect("l");
    assert_eq!(now_leader.as_deref(), Some(zhang.as_str()), "replaced");
    assert_eq!(app.post(&admin, "undo_grid_edit", &[]).await.0, StatusCode::OK);
    let restored: Option<String> = sqlx::query_scalar(leaders).bind(old_parent).fetch_one(&app.pool).await.expect("l");
    assert_eq!(restored, before);
    // Staff come from the community: a resident of another community cannot be assigned.
    let outsider = app.account("13800000009").await.to_string();
    let (status, body) =
        app.post(&admin, "assign_staff", &[("node", &old_parent.to_string()), ("account", &outsider)]).await;
    assert!(status == StatusCode::UNPROCESSABLE_ENTITY && body.contains("ErrStaffPerson"), "{body}");
    // When another admin changed the node after my edit, my edit cannot be undone.
    let (_, v, _) = app.node("向日葵微网格").await;
    let (status, _) =
        app.post(&admin, "rename_node", &[("id", &id), ("version", &v.to_string()), ("name", "甲")]).await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) =
        app.post(&street, "rename_node", &[("id", &id), ("version", &(v + 1).to_string()), ("name", "乙")]).await;
    assert_eq!(status, StatusCode::OK);
    let (status, body) = app.post(&admin, "undo_grid_edit", &[]).await;
    assert!(status == StatusCode::CONFLICT && body.contains("ErrUndoStale"), "{body}");
    assert_eq!(app.node("乙").await.0, micro, "nothing overwritten");
    // Others cannot undo at all.
    assert_eq!(app.post(&app.signed_in("13800000003").await, "undo_grid_edit", &[]).await.0, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn editors_see_who_else_has_the_same_subtree_open() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in("13800000004").await;
    let street = app.signed_in("13800000005").await;
    let (micro, ..) = app.node("向日葵微网格").await;
    let (community, ..) = app.node("祖望社区").await;
    let (other, ..) = app.node("民情收发站微网格").await;
    let (status, alone) = app.post(&admin, "grid_presence", &[("node", &micro.to_string())]).await;
    assert_eq!((status, alone.as_str()), (StatusCode::OK, "[]"));
    // The street admin looks at the community, which contains the micro-grid.
    let (_, seen) = app.post(&street, "grid_presence", &[("node", &community.to_string())]).await;
    assert!(seen.contains("刘芳"), "{seen}");
    let (_, seen) = app.post(&admin, "grid_presence", &[("node", &micro.to_string())]).await;
    assert!(seen.contains("周建华"), "{seen}");
    // A sibling subtree is not the same subtree.
    let (_, moved) = app.post(&admin, "grid_presence", &[("node", &other.to_string())]).await;
    assert!(moved.contains("周建华"), "the community contains both: {moved}");
    let (_, sibling) = app.post(&street, "grid_presence", &[("node", &micro.to_string())]).await;
    assert_eq!(sibling, "[]", "刘芳 now looks at another micro-grid");
    // Someone outside the area is refused.
    let foreign = app.node("连心网格").await.0.to_string();
    assert_eq!(app.post(&admin, "grid_presence", &[("node", &foreign)]).await.0, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn a_repeat_of_ones_own_step_is_answered_as_success_and_written_once() {
    let app = TestApp::spawn().await;
    let resident = app.signed_in("13800000001").await;
    let volunteer = app.signed_in("13800000002").await;
    let other = app.signed_in("13800000010").await;
    let id = app.place_ok(&resident, "repeat-step-0001").await.to_string();
    let id = id.as_str();
    for _ in 0..2 {
        let (status, body) = app.post(&volunteer, "take_order", &[("id", id)]).await;
        assert_eq!(status, StatusCode::OK, "{body}");
    }
    // Someone else's take is still refused with the reason.
    let (status, body) = app.post(&other, "take_order", &[("id", id)]).await;
    assert!(status == StatusCode::CONFLICT && body.contains("ErrOrderTaken"), "{body}");
    for _ in 0..2 {
        assert_eq!(app.post(&volunteer, "start_service", &[("id", id)]).await.0, StatusCode::OK);
    }
    for _ in 0..2 {
        assert_eq!(app.post(&volunteer, "finish_service", &[("id", id), ("minutes", "30")]).await.0, StatusCode::OK);
    }
    for _ in 0..2 {
        let (status, body) =
            app.post(&resident, "confirm_order", &[("id", id), ("rating", "5"), ("comment", "")]).await;
        assert_eq!(status, StatusCode::OK, "{body}");
    }
    let steps: Vec<String> = sqlx::query_scalar("SELECT to_status FROM order_events WHERE order_id = ? ORDER BY id")
        .bind(id)
        .fetch_all(&app.pool)
        .await
        .expect("q");
    assert_eq!(steps, ["open", "taken", "in_service", "awaiting_confirmation", "completed"]);
    let audited: i64 =
        sqlx::query_scalar("SELECT count(*) FROM audit_log WHERE object_id = ? AND action = 'order_transition'")
            .bind(id)
            .fetch_one(&app.pool)
            .await
            .expect("q");
    assert_eq!(audited, 4, "each step audited once");
    // A step the same person did not just make is no repeat: confirming again after a
    // dispute would be, but disputing a completed order is refused.
    let (status, _) = app.post(&resident, "dispute_order", &[("id", id), ("reason", "没修好")]).await;
    assert_eq!(status, StatusCode::CONFLICT);
}

#[tokio::test]
async fn a_taken_order_is_cancelled_only_with_a_reason_and_the_volunteer_is_told() {
    let app = TestApp::spawn().await;
    let resident = app.signed_in("13800000001").await;
    let volunteer = app.signed_in("13800000002").await;
    let id = app.place_ok(&resident, "cancel-taken-0001").await.to_string();
    let id = id.as_str();
    assert_eq!(app.post(&volunteer, "take_order", &[("id", id)]).await.0, StatusCode::OK);
    let (status, body) = app.post(&resident, "cancel_order", &[("id", id), ("reason", "  ")]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(body.contains("ErrReasonRequired"), "{body}");
    let status_now: String = sqlx::query_scalar("SELECT status FROM service_orders WHERE id = ?")
        .bind(id)
        .fetch_one(&app.pool)
        .await
        .expect("q");
    assert_eq!(status_now, "taken", "nothing changed");
    // The taker cannot cancel the resident's need (they release it).
    let (status, _) = app.post(&volunteer, "cancel_order", &[("id", id), ("reason", "不想去了")]).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, body) = app.post(&resident, "cancel_order", &[("id", id), ("reason", "邻居已经帮忙了")]).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let notices: Vec<String> = sqlx::query_scalar(
        "SELECT n.body FROM notifications n JOIN accounts a ON a.id = n.account_id
         WHERE a.phone = '13800000002' AND n.kind = 'order_cancelled'",
    )
    .fetch_all(&app.pool)
    .await
    .expect("q");
    assert_eq!(notices.len(), 1);
    assert!(notices[0].contains("邻居已经帮忙了"), "{notices:?}");
    // Once the service started, it can no longer be cancelled.
    let id2 = app.place_ok(&resident, "cancel-taken-0002").await.to_string();
    assert_eq!(app.post(&volunteer, "take_order", &[("id", &id2)]).await.0, StatusCode::OK);
    assert_eq!(app.post(&volunteer, "start_service", &[("id", &id2)]).await.0, StatusCode::OK);
    let (status, _) = app.post(&resident, "cancel_order", &[("id", &id2), ("reason", "算了")]).await;
    assert_eq!(status, StatusCode::CONFLICT);
}

#[tokio::test]
async fn my_orders_list_each_side_with_its_next_step_and_nobody_elses() {
    use app::domain::order::{NextStep, OrderStatus};
    let app = TestApp::spawn().await;
    let resident = app.signed_in("13800000001").await;
    let volunteer = app.signed_in("13800000002").await;
    let id = app.place_ok(&resident, "my-orders-00001").await;
    let id_text = id.to_string();
    assert_eq!(app.post(&volunteer, "take_order", &[("id", &id_text)]).await.0, StatusCode::OK);
    let mine = |client: &Client| {
        let request = client.post(format!("{}/api/my_orders", app.base)).send();
        async move {
            let res = request.await.expect("send");
            assert_eq!(res.status(), StatusCode::OK);
            res.json::<app::dto::MyOrdersView>().await.expect("json")
        }
    };
    let theirs = mine(&resident).await;
    let card = theirs.requested.iter().find(|o| o.id == id).expect("the resident's need is listed");
    assert_eq!((card.status, card.next), (OrderStatus::Taken, NextStep::AwaitVisit));
    assert_eq!(card.taker.as_deref(), Some("张志强"), "the requester sees who took it");
    assert!(theirs.taken.iter().all(|o| o.id != id));
    let volunteers = mine(&volunteer).await;
    let card = volunteers.taken.iter().find(|o| o.id == id).expect("the volunteer's order is listed");
    assert_eq!(card.next, NextStep::StartIt);
    assert!(volunteers.takes_orders);
    // Another volunteer sees none of it.
    let other = mine(&app.signed_in("13800000010").await).await;
    assert!(other.requested.iter().chain(&other.taken).all(|o| o.id != id));
    // Signed out: 401.
    let (status, _) = app.post(&app.client(), "my_orders", &[]).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn the_requester_reaches_the_taker_through_the_station_or_the_number_they_share() {
    let app = TestApp::spawn().await;
    let resident = app.signed_in("13800000001").await;
    let volunteer = app.signed_in("13800000002").await;
    let id = app.place_ok(&resident, "taker-contact-01").await.to_string();
    assert_eq!(app.post(&volunteer, "take_order", &[("id", &id)]).await.0, StatusCode::OK);
    let (status, body) = app.post(&resident, "order_detail", &[("id", &id)]).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(
        body.contains("张志强") && body.contains("0513-85512345"),
        "the taker's name and the station's number: {body}"
    );
    assert!(!body.contains("13800000002"), "the volunteer's number only if they share it: {body}");
    let (status, body) =
        app.post(&volunteer, "save_volunteer_profile", &[("intro", "会修水管"), ("shares_phone", "1")]).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (_, body) = app.post(&resident, "order_detail", &[("id", &id)]).await;
    assert!(body.contains("13800000002"), "{body}");
    // Nobody else sees it: another resident of the community, and the volunteer's own view
    // shows the requester's details, not their own.
    let neighbour = app.signed_in("13800001000").await;
    let (_, body) = app.post(&neighbour, "order_detail", &[("id", &id)]).await;
    assert!(!body.contains("13800000002"), "{body}");
}

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

/// The distinct bodies of a race whose every answer must be 200.
fn distinct_ok_bodies(answers: Vec<(StatusCode, String)>) -> std::collections::HashSet<String> {
    answers
        .into_iter()
        .map(|(status, body)| {
            assert_eq!(status, StatusCode::OK, "{body}");
            body
        })
        .collect()
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
