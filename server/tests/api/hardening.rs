//! Hardening through the real router: the same-origin rule, security headers, the per-IP
//! API budget, session lifetimes, password changes and disabled accounts ending sessions,
//! refusals in the audit log, online backups restored into a fresh directory, and periodic
//! jobs that leave the write lock alone when they have nothing to do.

use crate::test_app::TestApp;
use reqwest::{Client, StatusCode};
use std::time::Duration;

const RESIDENT: &str = "13800000001"; // 王秀英, 幸福锦园 (祖望社区)
const LEADER: &str = "13800000003";
const COMMUNITY_ADMIN: &str = "13800000004"; // 刘芳, 祖望社区
const SUBDISTRICT_ADMIN: &str = "13800000005";

async fn account_id(app: &TestApp, phone: &str) -> i64 {
    sqlx::query_scalar("SELECT id FROM accounts WHERE phone = ?").bind(phone).fetch_one(&app.pool).await.expect("id")
}

async fn refused_rows(app: &TestApp, action: &str) -> i64 {
    sqlx::query_scalar("SELECT count(*) FROM audit_log WHERE action = ? AND outcome = 'refused'")
        .bind(action)
        .fetch_one(&app.pool)
        .await
        .expect("count")
}

/// Signs in with a client that says nothing about where its requests come from.
async fn bare_signed_in(app: &TestApp, phone: &str) -> Client {
    let client = app.bare_client();
    let res = client
        .post(format!("{}/api/login", app.base))
        .header("origin", app.base.clone())
        .form(&[("phone", phone), ("password", "gridstation")])
        .send()
        .await
        .expect("login");
    assert_eq!(res.status(), StatusCode::OK);
    client
}

#[tokio::test]
async fn state_changing_requests_from_other_sites_are_refused_with_a_clear_403() {
    let app = TestApp::spawn().await;
    let client = bare_signed_in(&app, RESIDENT).await;
    let orders = app.count("SELECT count(*) FROM service_orders").await;
    let form = [
        ("section", "daily_life"),
        ("title", "帮我买菜"),
        ("description", "两斤青菜"),
        ("urgency", "normal"),
        ("idempotency_key", "cross-site-000001"),
    ];
    let cases: [(&str, Option<&str>, Option<&str>); 4] = [
        ("a foreign page (fetch metadata)", Some("cross-site"), None),
        ("a sibling site", Some("same-site"), None),
        ("a foreign Origin", None, Some("http://evil.example")),
        ("no Origin and no fetch metadata", None, None),
    ];
    for (what, site, origin) in cases {
        let mut req = client.post(format!("{}/api/place_order", app.base)).form(&form);
        if let Some(site) = site {
            req = req.header("sec-fetch-site", site);
        }
        if let Some(origin) = origin {
            req = req.header("origin", origin);
        }
        let res = req.send().await.expect("post");
        assert_eq!(res.status(), StatusCode::FORBIDDEN, "{what}");
        let body = res.text().await.expect("body");
        assert!(body.contains("ErrCrossSite"), "{what}: {body}");
    }
    // A plain HTML form post from elsewhere gets a readable page in Chinese.
    let res = client
        .post(format!("{}/api/logout", app.base))
        .header("origin", "http://evil.example")
        .header("accept", "text/html")
        .send()
        .await
        .expect("post");
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert!(res.text().await.expect("body").contains("这个请求不是从网格驿站的页面发出的"));
    assert_eq!(app.count("SELECT count(*) FROM service_orders").await, orders, "nothing was placed");
    assert_eq!(app.count("SELECT count(*) FROM sessions").await, 1, "the foreign sign-out did nothing");
    assert_eq!(refused_rows(&app, "cross_site_refused").await, 5);

    // The same request from the app's own page goes through; GETs are never refused.
    let res = client
        .post(format!("{}/api/set_locale", app.base))
        .header("origin", app.base.clone())
        .form(&[("locale", "zh-CN")])
        .send()
        .await
        .expect("post");
    assert_eq!(res.status(), StatusCode::OK);
    let res = client.get(format!("{}/board", app.base)).header("sec-fetch-site", "cross-site").send().await;
    assert_eq!(res.expect("get").status(), StatusCode::OK);
    // Open311 clients authenticate with a key, not a cookie: they are not same-origin by design.
    let res = app.bare_client().post(format!("{}/open311/v2/requests.json", app.base)).send().await.expect("post");
    assert_ne!(res.status(), StatusCode::FORBIDDEN);
    assert!(res.status().is_client_error());
}

#[tokio::test]
async fn every_response_carries_security_headers_and_pages_a_nonce_policy() {
    let app = TestApp::spawn().await;
    let client = app.client();
    let res = client.get(format!("{}/board", app.base)).send().await.expect("page");
    let headers = res.headers().clone();
    let html = res.text().await.expect("html");
    let csp = headers["content-security-policy"].to_str().expect("csp").to_string();
    assert!(csp.contains("frame-ancestors 'none'") && csp.contains("object-src 'none'"), "{csp}");
    assert!(csp.contains("'wasm-unsafe-eval'") && !csp.contains("unsafe-inline"), "{csp}");
    let nonce = csp.split("'nonce-").nth(1).and_then(|s| s.split('\'').next()).expect("a nonce in the policy");
    assert!(nonce.len() >= 16);
    // Every executable inline script carries the policy's nonce; JSON data blocks are inert.
    let mut scripts = 0;
    for tag in html.split("<script").skip(1).map(|s| s.split('>').next().unwrap_or("")) {
        if tag.contains("application/json") || tag.contains("src=") {
            continue;
        }
        scripts += 1;
        assert!(tag.contains(&format!("nonce=\"{nonce}\"")), "inline script without the nonce: <script{tag}>");
    }
    assert!(scripts >= 1, "the hydration script is inline");
    let again = client.get(format!("{}/board", app.base)).send().await.expect("page");
    assert_ne!(again.headers()["content-security-policy"], headers["content-security-policy"], "a nonce per response");

    for path in ["/board", "/healthz", "/pkg/does-not-exist.js", "/api/me_data"] {
        let res = if path.starts_with("/api/") {
            client.post(format!("{}{path}", app.base)).send().await
        } else {
            client.get(format!("{}{path}", app.base)).send().await
        }
        .expect("request");
        let h = res.headers();
        assert_eq!(h["x-content-type-options"], "nosniff", "{path}");
        assert_eq!(h["referrer-policy"], "strict-origin-when-cross-origin", "{path}");
        assert_eq!(h["x-frame-options"], "DENY", "{path}");
        assert!(h["content-security-policy"].to_str().expect("csp").contains("frame-ancestors 'none'"), "{path}");
        assert!(!h.contains_key("strict-transport-security"), "no HSTS over plain HTTP: {path}");
        assert!(!h.contains_key("x-gs-audited"), "the internal marker never leaves: {path}");
    }

    // Under concurrent load every page, the 404 page included, carries a policy whose
    // nonce is the one on its own scripts.
    let admin = app.signed_in(COMMUNITY_ADMIN).await;
    let pages = ["/", "/board", "/sentiment", "/admin/grids", "/admin/dashboard", "/no-such-page"];
    let loads = (0..120).map(|i| {
        let (client, url) = (admin.clone(), format!("{}{}", app.base, pages[i % pages.len()]));
        async move {
            let res = client.get(url.clone()).send().await.expect("page");
            let csp = res.headers()["content-security-policy"].to_str().expect("csp").to_string();
            (url, csp, res.text().await.expect("html"))
        }
    });
    for (url, csp, html) in futures::future::join_all(loads).await {
        let nonce = csp.split("'nonce-").nth(1).and_then(|s| s.split('\'').next());
        let nonce = nonce.unwrap_or_else(|| panic!("{url}: a page without the page policy: {csp}"));
        assert!(html.contains(&format!("nonce=\"{nonce}\"")), "{url}: the scripts carry another nonce");
    }

    let tls = TestApp::spawn_with(tempfile::tempdir().expect("dir"), |s| s.secure_cookies = true).await;
    let res = tls.client().get(format!("{}/", tls.base)).send().await.expect("page");
    assert!(res.headers()["strict-transport-security"].to_str().expect("hsts").starts_with("max-age=31536000"));
}

#[tokio::test]
async fn the_per_ip_api_budget_answers_429_in_chinese_and_runs_nothing() {
    let app = TestApp::spawn_with(tempfile::tempdir().expect("dir"), |s| s.api_per_ip_per_minute = 6).await;
    let client = app.client();
    let mut statuses = Vec::new();
    for _ in 0..6 {
        statuses.push(app.post(&client, "signup_choices", &[]).await.0);
    }
    assert!(statuses.iter().all(|s| *s == StatusCode::OK), "{statuses:?}");
    let sessions = app.count("SELECT count(*) FROM sessions").await;
    let (status, body) = app.post(&client, "login", &[("phone", RESIDENT), ("password", "gridstation")]).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    assert!(body.contains("RateLimited"), "{body}");
    assert_eq!(app.count("SELECT count(*) FROM sessions").await, sessions, "the sign-in did not run");
    let res =
        client.post(format!("{}/api/board_data", app.base)).header("accept", "text/html").send().await.expect("post");
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(res.text().await.expect("body").contains("尝试次数过多"));
    // Pages and assets are not API calls.
    assert_eq!(app.get(&client, "/login").await.0, StatusCode::OK);
}

/// A client whose requests reach the server through the trusted proxy at 127.0.0.1,
/// which says they come from `ip`.
fn from_address(ip: &'static str) -> Client {
    let mut headers = crate::test_app::same_origin_headers();
    headers.insert("x-forwarded-for", reqwest::header::HeaderValue::from_static(ip));
    Client::builder()
        .cookie_store(true)
        .default_headers(headers)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client")
}

#[tokio::test]
async fn sign_in_tries_are_limited_per_account_and_address_and_nobody_locks_the_owner_out() {
    let app = TestApp::spawn_with(tempfile::tempdir().expect("tempdir"), |s| {
        s.trusted_proxies = vec!["127.0.0.1".parse().expect("ip")];
    })
    .await;
    let attacker = from_address("203.0.113.66");
    for i in 0..5 {
        let (status, _) = app.post(&attacker, "login", &[("phone", LEADER), ("password", &format!("wrong-{i}"))]).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    }
    // The sixth try from the same address is refused, even with the right password…
    let (status, body) = app.post(&attacker, "login", &[("phone", LEADER), ("password", "gridstation")]).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{body}");
    // …but the owner, from their own phone, signs in: slowed down, not locked out.
    let owner = from_address("198.51.100.3");
    let started = std::time::Instant::now();
    let (status, body) = app.post(&owner, "login", &[("phone", LEADER), ("password", "gridstation")]).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(started.elapsed() >= Duration::from_secs(2), "many tries on the account slow each next one");
    let (status, _) = app.post(&attacker, "login", &[("phone", RESIDENT), ("password", "gridstation")]).await;
    assert_eq!(status, StatusCode::OK, "another account is not affected");
    let leaked =
        app.count("SELECT count(*) FROM audit_log WHERE detail LIKE '%wrong-%' OR detail LIKE '%13800000003%'");
    assert_eq!(leaked.await, 0, "no passwords or full phone numbers in the audit log");
}

/// The token of the client's session, read back from the sessions table by account.
async fn session_hashes(app: &TestApp, account: i64) -> Vec<String> {
    sqlx::query_scalar("SELECT token_hash FROM sessions WHERE account_id = ? ORDER BY created_at, token_hash")
        .bind(account)
        .fetch_all(&app.pool)
        .await
        .expect("sessions")
}

#[tokio::test]
async fn sessions_end_after_idle_time_and_absolute_lifetime_and_sign_in_gives_a_new_id() {
    let app = TestApp::spawn().await;
    let me = account_id(&app, RESIDENT).await;
    let client = app.signed_in(RESIDENT).await;
    let first = session_hashes(&app, me).await;
    assert_eq!(first.len(), 1);
    // Signing in again on the same browser replaces the session id; the old one is gone.
    let (status, _) = app.post(&client, "login", &[("phone", RESIDENT), ("password", "gridstation")]).await;
    assert_eq!(status, StatusCode::OK);
    let second = session_hashes(&app, me).await;
    assert_eq!(second.len(), 1);
    assert_ne!(first, second, "a new session id at sign-in");
    assert_eq!(app.post(&client, "me_data", &[]).await.0, StatusCode::OK);

    // 29 minutes idle: still signed in (and the visit slides the idle window).
    sqlx::query("UPDATE sessions SET last_seen_at = unixepoch() - 29 * 60").execute(&app.pool).await.expect("age");
    assert_eq!(app.post(&client, "me_data", &[]).await.0, StatusCode::OK);
    // 31 minutes idle: signed out.
    sqlx::query("UPDATE sessions SET last_seen_at = unixepoch() - 31 * 60").execute(&app.pool).await.expect("age");
    assert_eq!(app.post(&client, "me_data", &[]).await.0, StatusCode::UNAUTHORIZED);

    // Active all along but past 12 hours since sign-in: signed out.
    let client = app.signed_in(RESIDENT).await;
    let (absolute,): (i64,) = sqlx::query_as("SELECT expires_at - created_at FROM sessions WHERE account_id = ?")
        .bind(me)
        .fetch_one(&app.pool)
        .await
        .expect("lifetime");
    assert_eq!(absolute, 12 * 3600);
    sqlx::query("UPDATE sessions SET expires_at = unixepoch() - 1, last_seen_at = unixepoch()")
        .execute(&app.pool)
        .await
        .expect("expire");
    assert_eq!(app.post(&client, "me_data", &[]).await.0, StatusCode::UNAUTHORIZED);

    // Both lifetimes are settings.
    let short = TestApp::spawn_with(tempfile::tempdir().expect("dir"), |s| {
        s.session_idle = Duration::from_secs(60);
        s.session_absolute = Duration::from_secs(600);
    })
    .await;
    let client = short.signed_in(RESIDENT).await;
    let (lifetime,): (i64,) =
        sqlx::query_as("SELECT expires_at - created_at FROM sessions").fetch_one(&short.pool).await.expect("lifetime");
    assert_eq!(lifetime, 600);
    sqlx::query("UPDATE sessions SET last_seen_at = unixepoch() - 61").execute(&short.pool).await.expect("age");
    assert_eq!(short.post(&client, "me_data", &[]).await.0, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn changing_the_password_ends_every_other_session_and_weak_passwords_are_refused() {
    let app = TestApp::spawn().await;
    let me = account_id(&app, RESIDENT).await;
    let phone = app.signed_in(RESIDENT).await;
    let laptop = app.signed_in(RESIDENT).await;
    assert_eq!(session_hashes(&app, me).await.len(), 2);
    let hash_before: String = sqlx::query_scalar("SELECT password_hash FROM accounts WHERE id = ?")
        .bind(me)
        .fetch_one(&app.pool)
        .await
        .expect("hash");

    let refusals = [
        ("wrong current", "not-my-password", "向日葵驿站2026!", "ErrWrongPassword"),
        ("too short", "gridstation", "abc123", "ErrPasswordShort"),
        ("common", "gridstation", "woaini1314", "ErrPasswordCommon"),
        ("the same", "gridstation", "gridstation", "ErrPasswordSame"),
    ];
    for (what, current, new, key) in refusals {
        let (status, body) =
            app.post(&phone, "change_password", &[("current_password", current), ("new_password", new)]).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{what}: {body}");
        assert!(body.contains(key), "{what}: {body}");
    }
    assert_eq!(refused_rows(&app, "password_change_refused").await, 1);
    let (status, _) = app.post(&phone, "change_password", &[("current_password", "x")]).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "a missing field");
    let hash_now: String = sqlx::query_scalar("SELECT password_hash FROM accounts WHERE id = ?")
        .bind(me)
        .fetch_one(&app.pool)
        .await
        .expect("hash");
    assert_eq!(hash_now, hash_before, "no refusal changed the password");
    assert_eq!(session_hashes(&app, me).await.len(), 2);

    let (status, body) = app
        .post(&phone, "change_password", &[("current_password", "gridstation"), ("new_password", "向日葵驿站2026!")])
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(app.post(&phone, "me_data", &[]).await.0, StatusCode::OK, "this browser stays signed in");
    assert_eq!(app.post(&laptop, "me_data", &[]).await.0, StatusCode::UNAUTHORIZED, "the other one is out");
    assert_eq!(session_hashes(&app, me).await.len(), 1);
    let (status, _) = app.post(&app.client(), "login", &[("phone", RESIDENT), ("password", "gridstation")]).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "the old password is gone");
    let (status, _) = app.post(&app.client(), "login", &[("phone", RESIDENT), ("password", "向日葵驿站2026!")]).await;
    assert_eq!(status, StatusCode::OK);
    let audited = app.count("SELECT count(*) FROM audit_log WHERE action = 'password_changed'").await;
    assert_eq!(audited, 1);
    let leaked =
        app.count("SELECT count(*) FROM audit_log WHERE detail LIKE '%向日葵驿站%' OR detail LIKE '%gridstation%'");
    assert_eq!(leaked.await, 0, "no password in the audit log");
}

#[tokio::test]
async fn an_admin_disables_an_account_of_their_area_and_every_session_of_it_ends() {
    let app = TestApp::spawn().await;
    let resident = account_id(&app, RESIDENT).await;
    let admin = app.signed_in(COMMUNITY_ADMIN).await;
    let on_phone = app.signed_in(RESIDENT).await;
    let on_tablet = app.signed_in(RESIDENT).await;

    let (status, body) = app.post(&admin, "account_search", &[("query", "王秀英")]).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let lines: serde_json::Value = serde_json::from_str(&body).expect("json");
    let line = lines.as_array().expect("list").iter().find(|l| l["account_id"] == resident).expect("found");
    assert_eq!(line["may_change"], true);
    assert!(!body.contains(RESIDENT), "phones are masked in the list");
    let (_, body) = app.post(&admin, "account_search", &[("query", "0001")]).await;
    assert!(body.contains("王秀英"), "found by the last digits of the phone: {body}");

    // A reason is required; residents and foreign admins are refused and nothing changes.
    let (status, body) =
        app.post(&admin, "set_account_disabled", &[("account", &resident.to_string()), ("disabled", "1")]).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    let id = resident.to_string();
    let form = [("account", id.as_str()), ("disabled", "1"), ("reason", "")];
    let (status, body) = app.post(&admin, "set_account_disabled", &form).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let form = [("account", id.as_str()), ("disabled", "1"), ("reason", "冒用他人身份")];
    let (status, _) = app.post(&on_phone, "set_account_disabled", &form).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "a resident cannot");
    let foreign = app.signed_in("13800000007").await; // a grid leader of 朝晖社区: staff, not an admin
    assert_eq!(app.post(&foreign, "set_account_disabled", &form).await.0, StatusCode::FORBIDDEN);
    let me = account_id(&app, COMMUNITY_ADMIN).await.to_string();
    let own = [("account", me.as_str()), ("disabled", "1"), ("reason", "测试")];
    assert_eq!(app.post(&admin, "set_account_disabled", &own).await.0, StatusCode::FORBIDDEN, "not oneself");
    let above = account_id(&app, SUBDISTRICT_ADMIN).await.to_string();
    let above = [("account", above.as_str()), ("disabled", "1"), ("reason", "测试")];
    assert_eq!(app.post(&admin, "set_account_disabled", &above).await.0, StatusCode::FORBIDDEN, "not a wider admin");
    assert_eq!(refused_rows(&app, "account_disable_refused").await, 4);
    assert_eq!(app.count("SELECT count(*) FROM accounts WHERE disabled_at IS NOT NULL").await, 0);

    let (status, body) = app.post(&admin, "set_account_disabled", &form).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    for client in [&on_phone, &on_tablet] {
        assert_eq!(app.post(client, "me_data", &[]).await.0, StatusCode::UNAUTHORIZED, "signed out everywhere");
    }
    assert!(session_hashes(&app, resident).await.is_empty());
    // The right password on a disabled account answers like a wrong one (no oracle); the
    // audit row says why.
    let (status, body) = app.post(&app.client(), "login", &[("phone", RESIDENT), ("password", "gridstation")]).await;
    let (wrong, wrong_body) =
        app.post(&app.client(), "login", &[("phone", RESIDENT), ("password", "nope-nope-1")]).await;
    assert_eq!((status, body), (wrong, wrong_body));
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        app.count("SELECT count(*) FROM audit_log WHERE action = 'login_failed' AND detail LIKE '%account disabled%'")
            .await,
        1
    );
    assert_eq!(app.post(&admin, "set_account_disabled", &form).await.0, StatusCode::CONFLICT, "already disabled");

    let enable = [("account", id.as_str()), ("disabled", "0"), ("reason", "")];
    assert_eq!(app.post(&admin, "set_account_disabled", &enable).await.0, StatusCode::OK);
    let (status, _) = app.post(&app.client(), "login", &[("phone", RESIDENT), ("password", "gridstation")]).await;
    assert_eq!(status, StatusCode::OK);
    let audited = app
        .count(
            "SELECT count(*) FROM audit_log WHERE action IN ('account_disabled', 'account_enabled') AND outcome = 'ok'",
        )
        .await;
    assert_eq!(audited, 2);
}

#[tokio::test]
async fn refused_authorisations_and_business_rules_are_in_the_audit_log_without_secrets() {
    let app = TestApp::spawn().await;
    let resident = app.signed_in(RESIDENT).await;
    let before = refused_rows(&app, "request_refused").await;
    // A resident asks for the grid leader's queue (403), anonymous asks for /me (401).
    assert_eq!(app.post(&resident, "leader_queue", &[]).await.0, StatusCode::FORBIDDEN);
    assert_eq!(app.post(&app.client(), "me_data", &[]).await.0, StatusCode::UNAUTHORIZED);
    // A business rule: the phone number is already registered (409).
    let zuwang: i64 = sqlx::query_scalar("SELECT id FROM grid_nodes WHERE level = 'micro_grid' LIMIT 1")
        .fetch_one(&app.pool)
        .await
        .expect("micro-grid");
    let form = [
        ("full_name", "王二"),
        ("phone", RESIDENT),
        ("password", "向日葵驿站2026!"),
        ("micro_grid", &zuwang.to_string()),
    ];
    assert_eq!(app.post(&app.client(), "signup", &form).await.0, StatusCode::CONFLICT);
    // The sign-up is a write: its refusal is audited under its own name, not as a request.
    assert_eq!(refused_rows(&app, "request_refused").await, before + 2);
    let me = account_id(&app, RESIDENT).await;
    let lines: Vec<(Option<i64>, String)> = sqlx::query_as(
        "SELECT actor_id, detail FROM audit_log WHERE action IN ('request_refused', 'signup') AND outcome = 'refused'
         ORDER BY id DESC LIMIT 3",
    )
    .fetch_all(&app.pool)
    .await
    .expect("lines");
    assert!(lines.iter().any(|(actor, d)| *actor == Some(me) && d.contains("/api/leader_queue")), "{lines:?}");
    assert!(lines.iter().any(|(actor, d)| actor.is_none() && d.contains("Unauthorized")), "{lines:?}");
    assert!(lines.iter().any(|(_, d)| d.contains("ErrPhoneTaken")), "{lines:?}");
    let leaked =
        app.count("SELECT count(*) FROM audit_log WHERE detail LIKE '%13800000001%' OR detail LIKE '%向日葵驿站%'");
    assert_eq!(leaked.await, 0);
    // A refusal the function audits itself is not written twice.
    let other = app.signed_in("13800000007").await;
    let id = account_id(&app, RESIDENT).await.to_string();
    let form = [("account", id.as_str()), ("disabled", "1"), ("reason", "x")];
    let before = refused_rows(&app, "request_refused").await;
    assert_eq!(app.post(&other, "set_account_disabled", &form).await.0, StatusCode::FORBIDDEN);
    assert_eq!(refused_rows(&app, "account_disable_refused").await, 1);
    assert_eq!(refused_rows(&app, "request_refused").await, before);
}

/// Runs the server binary's `backup` / `restore` command on a database URL.
fn command(args: &[&str], database_url: &str) -> (bool, String) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_server"))
        .args(args)
        .env("DATABASE_URL", database_url)
        .env("RUST_LOG", "warn")
        .output()
        .expect("run the server binary");
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    (out.status.success(), text)
}

#[tokio::test]
async fn a_backup_taken_during_writes_restores_into_a_fresh_directory_and_serves_the_data() {
    let app = TestApp::spawn().await;
    let live_url = format!("sqlite://{}", app.pool.connect_options().get_filename().display());
    let client = app.signed_in(RESIDENT).await;
    // Orders keep arriving while the backup command runs in another process.
    let writer = {
        let (client, base) = (client.clone(), app.base.clone());
        tokio::spawn(async move {
            let mut placed = 0;
            for i in 0..60 {
                let (title, key) = (format!("备份期间的需求{i}"), format!("backup-during-writes-{i:04}"));
                let form = [
                    ("section", "daily_life"),
                    ("title", title.as_str()),
                    ("description", "测试备份"),
                    ("urgency", "normal"),
                    ("idempotency_key", key.as_str()),
                ];
                let res = client.post(format!("{base}/api/place_order")).form(&form).send().await.expect("post");
                if res.status().is_success() {
                    placed += 1;
                }
            }
            placed
        })
    };
    tokio::time::sleep(Duration::from_millis(100)).await;
    let backups = tempfile::tempdir().expect("dir");
    let dir = backups.path().to_str().expect("utf8").to_string();
    let (ok, out) = tokio::task::spawn_blocking(move || command(&["backup", &dir], &live_url)).await.expect("join");
    assert!(ok, "{out}");
    let file = std::path::PathBuf::from(out.lines().next().expect("the backup's path").trim());
    assert!(file.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.starts_with("gridstation-")), "{out}");
    let placed = writer.await.expect("writer");
    assert_eq!(placed, 60, "the writes went on during the backup");
    assert_eq!(server::backup::integrity(&file).await.expect("check"), "ok");
    let in_backup: i64 = {
        let copy = sqlx::SqlitePool::connect(&format!("sqlite://{}?mode=ro", file.display())).await.expect("open");
        let n = sqlx::query_scalar("SELECT count(*) FROM service_orders WHERE title LIKE '备份期间的需求%'")
            .fetch_one(&copy)
            .await
            .expect("count");
        copy.close().await;
        n
    };
    assert!(in_backup <= placed);

    // A damaged file is refused by restore and nothing is put in place.
    let fresh = tempfile::tempdir().expect("dir");
    let url = format!("sqlite://{}/test.db", fresh.path().display());
    let junk = fresh.path().join("junk.db");
    std::fs::write(&junk, b"this is not a database").expect("junk");
    let (ok, out) = command(&["restore", junk.to_str().expect("utf8")], &url);
    assert!(!ok, "{out}");
    assert!(!fresh.path().join("test.db").exists());

    // Restore into a fresh directory, start a server on it, and find the data.
    let (ok, out) = command(&["restore", file.to_str().expect("utf8")], &url);
    assert!(ok, "{out}");
    let restored = TestApp::spawn_in(fresh).await;
    let n = restored.count("SELECT count(*) FROM service_orders WHERE title LIKE '备份期间的需求%'").await;
    assert_eq!(n, in_backup, "every order in the backup is in the restored database");
    let total = restored.count("SELECT count(*) FROM service_orders").await;
    assert!(total > in_backup, "the demo city came along");
    let client = restored.signed_in(RESIDENT).await;
    let (status, html) = restored.get(&client, "/board").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("需求大厅"));

    // Pruning keeps the newest N.
    for _ in 0..3 {
        server::backup::backup(&app.pool, backups.path()).await.expect("backup");
    }
    assert_eq!(server::backup::prune(backups.path(), 2).expect("prune"), 2);
    assert_eq!(std::fs::read_dir(backups.path()).expect("dir").count(), 2);
}

#[tokio::test]
async fn the_server_makes_scheduled_backups_when_asked() {
    let dir = tempfile::tempdir().expect("dir");
    let backups = dir.path().join("backups");
    let db = dir.path().join("live.db");
    let port = std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).expect("port").port();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_server"))
        .args(["--addr", &format!("127.0.0.1:{port}")])
        .env("DATABASE_URL", format!("sqlite://{}", db.display()))
        .env("GRIDSTATION_BACKUP_EVERY_MINUTES", "1")
        .env("GRIDSTATION_BACKUP_KEEP", "3")
        .env("RUST_LOG", "info")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("start");
    // The schedule is announced at start; the first backup comes a period later (a minute:
    // too long for a test, so the announcement and the directory are what is checked here,
    // and `backup::every` is the same `backup` + `prune` the other test runs).
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    let mut seen = String::new();
    let stderr = child.stdout.take().expect("stdout (the log)");
    let reader = std::thread::spawn(move || {
        use std::io::BufRead;
        let mut out = String::new();
        for line in std::io::BufReader::new(stderr).lines().map_while(Result::ok) {
            out.push_str(&line);
            out.push('\n');
            if line.contains("scheduled backups on") {
                break;
            }
        }
        out
    });
    while !reader.is_finished() && std::time::Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    if reader.is_finished() {
        seen = reader.join().expect("reader");
    }
    let _ = child.kill();
    let _ = child.wait();
    assert!(seen.contains("scheduled backups on") && seen.contains("keep=3"), "{seen}");
    assert!(seen.contains(&backups.display().to_string()), "backups beside the database by default: {seen}");
}

/// Records every row written to any table but the bookkeeping ones (sessions slide on
/// each visit; refusals go to the audit log).
async fn watch_changes(app: &TestApp) {
    let tables: Vec<String> = sqlx::query_scalar(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'
         AND name NOT IN ('_sqlx_migrations', 'sessions', 'audit_log')",
    )
    .fetch_all(&app.pool)
    .await
    .expect("tables");
    sqlx::query("CREATE TABLE watched_changes (tbl TEXT NOT NULL, op TEXT NOT NULL)")
        .execute(&app.pool)
        .await
        .expect("changes table");
    for t in tables {
        for op in ["INSERT", "UPDATE", "DELETE"] {
            let sql = format!(
                "CREATE TRIGGER watch_{t}_{op} AFTER {op} ON \"{t}\" BEGIN \
                 INSERT INTO watched_changes VALUES ('{t}', '{op}'); END"
            );
            // Table names come from sqlite_master of the test's own database.
            sqlx::query(sqlx::AssertSqlSafe(sql)).execute(&app.pool).await.expect("trigger");
        }
    }
}

#[tokio::test]
async fn no_get_request_changes_anything() {
    let app = TestApp::spawn().await;
    let order = app.count("SELECT max(id) FROM service_orders").await;
    let item = app.count("SELECT max(id) FROM sentiment_items").await;
    let election = app.count("SELECT max(id) FROM star_elections").await;
    // Every page route of the app (read from its route list) plus the plain GET endpoints.
    let source = include_str!("../../../app/src/lib.rs");
    let mut paths: Vec<String> = source
        .split("path!(\"")
        .skip(1)
        .filter_map(|s| s.split('"').next())
        .map(|p| {
            p.replace("/orders/:id", &format!("/orders/{order}"))
                .replace("/sentiment/:id", &format!("/sentiment/{item}"))
        })
        .collect();
    assert!(paths.len() >= 20, "{paths:?}");
    paths.extend([
        format!("/admin/elections/{election}/csv"),
        "/admin/audit/csv".into(),
        "/admin/dashboard/csv?table=children".into(),
        "/open311/v2/services.json".into(),
        "/open311/v2/requests.json".into(),
        "/healthz".into(),
        "/api/login".into(),
        "/api/place_order?section=daily_life&title=GET请求&description=x&urgency=normal&idempotency_key=get-get-get"
            .into(),
        "/api/logout".into(),
    ]);
    watch_changes(&app).await;
    let mut visits = 0;
    for phone in
        [None, Some(RESIDENT), Some("13800000002"), Some(LEADER), Some(COMMUNITY_ADMIN), Some(SUBDISTRICT_ADMIN)]
    {
        let client = match phone {
            Some(phone) => app.signed_in(phone).await,
            None => app.client(),
        };
        for path in &paths {
            let res = client.get(format!("{}{path}", app.base)).send().await.expect("get");
            assert!(!res.status().is_server_error(), "{path} as {phone:?}: {}", res.status());
            visits += 1;
        }
        // Signing in wrote a session and an audit row only; no watched table changed.
        let changes: Vec<(String, String)> =
            sqlx::query_as("SELECT tbl, op FROM watched_changes").fetch_all(&app.pool).await.expect("changes");
        assert!(changes.is_empty(), "GET requests as {phone:?} changed rows: {changes:?}");
    }
    assert!(visits >= 6 * 29);
    assert_eq!(app.count("SELECT count(*) FROM service_orders WHERE title = 'GET请求'").await, 0);
}

/// The periodic jobs ask with a read whether anything is due: a tick with nothing to do
/// never takes the write lock, so it neither queues behind a long write every 30 seconds
/// nor holds up a person's write.
#[tokio::test]
async fn an_idle_tick_of_the_periodic_jobs_takes_no_write_lock() {
    use sqlx::Connection;
    let app = TestApp::spawn().await;
    let state = app::state::AppState::new(app.pool.clone(), Default::default());
    let t = app::repo::now();
    // Whatever the demo city has due at `t` is done once...
    app::jobs::run_all(&state, t).await;
    // ...and the same tick again finds nothing, while another connection holds the lock
    // (a job that asked for it would wait out the busy timeout of 10 seconds).
    let url = format!("sqlite://{}", app._dir.path().join("test.db").display());
    let mut holder = sqlx::SqliteConnection::connect(&url).await.expect("connect");
    sqlx::query("BEGIN IMMEDIATE").execute(&mut holder).await.expect("write lock");
    let quick = Duration::from_secs(3);
    macro_rules! idle {
        ($job:ident) => {
            let changed = tokio::time::timeout(quick, app::jobs::$job(&state, t))
                .await
                .unwrap_or_else(|_| panic!("{} waited for the write lock", stringify!($job)));
            assert_eq!(changed.expect(stringify!($job)), 0, stringify!($job));
        };
    }
    idle!(run_schedules);
    idle!(close_elections);
    idle!(escalate_items);
    idle!(purge_sessions);
    idle!(escalate_orders);
    sqlx::query("ROLLBACK").execute(&mut holder).await.expect("release");
}

/// Text that closes a textarea and opens an element: stored in every free-text field a page
/// shows, it must come back as text, never as a `<b id=x>` element.
const MARKUP: &str = "</textarea><b id=x>";

#[tokio::test]
async fn stored_text_that_closes_a_textarea_stays_text_on_every_page() {
    let app = TestApp::spawn().await;
    for sql in [
        "UPDATE service_orders SET title = ?1, description = ?1",
        "UPDATE elder_profiles SET health_notes = ?1",
        "UPDATE volunteer_profiles SET intro = ?1",
        "UPDATE nominations SET intro = ?1",
        "UPDATE feed_posts SET body = ?1",
        "UPDATE sentiment_items SET description = ?1",
        "UPDATE activities SET title = ?1, description = ?1",
    ] {
        sqlx::query(sql).bind(MARKUP).execute(&app.pool).await.expect(sql);
    }
    let order: i64 = app.count("SELECT min(id) FROM service_orders WHERE status = 'open'").await;
    let item: i64 = app.count("SELECT min(id) FROM sentiment_items").await;
    let mut pages: Vec<String> = [
        "/",
        "/board",
        "/board/new",
        "/offers",
        "/activities",
        "/activities/new",
        "/feed",
        "/stars",
        "/sentiment",
        "/sentiment/new",
        "/me",
        "/elders",
        "/welfare",
        "/admin/queue",
        "/admin/pairings",
        "/admin/elections",
        "/admin/audit",
        "/admin/accounts",
        "/admin/grids",
        "/admin/dashboard",
        "/admin/open311",
    ]
    .iter()
    .map(|p| p.to_string())
    .collect();
    pages.push(format!("/orders/{order}"));
    pages.push(format!("/sentiment/{item}"));
    let activity: i64 = app.count("SELECT min(id) FROM activities").await;
    pages.push(format!("/activities/{activity}"));

    let escaped = "&lt;/textarea&gt;&lt;b id=x&gt;";
    let mut textareas_with_the_text = Vec::new();
    // The resident, the volunteer, a micro-grid member and both admins see every field between them.
    for phone in [RESIDENT, "13800000002", "13800000006", LEADER, COMMUNITY_ADMIN, SUBDISTRICT_ADMIN] {
        let client = app.signed_in(phone).await;
        for page in &pages {
            let (status, html) = app.get(&client, page).await;
            assert!(status.as_u16() < 500, "{phone} {page}: {status}");
            assert!(!html.contains("<b id=x>"), "{phone} {page}: the stored text became markup");
            let mut rest = html.as_str();
            while let Some(start) = rest.find("<textarea") {
                let end = rest[start..].find("</textarea>").map_or(rest.len(), |e| start + e);
                if rest[start..end].contains(escaped) {
                    textareas_with_the_text.push(page.clone());
                }
                rest = &rest[end..];
                rest = rest.strip_prefix("</textarea>").unwrap_or(rest);
            }
        }
    }
    // The three textareas that hold stored text were among the pages walked, with the text in them.
    for page in ["/board", "/elders", "/me"] {
        assert!(textareas_with_the_text.iter().any(|p| p == page), "{page}: no textarea held the stored text");
    }
}

#[tokio::test]
async fn an_anonymous_flood_of_refused_posts_writes_a_sample_and_then_gets_429() {
    let defaults = app::state::Settings::default();
    let app = TestApp::spawn_with(tempfile::tempdir().expect("tempdir"), |s| {
        s.refusals_per_ip_per_minute = defaults.refusals_per_ip_per_minute;
        s.anonymous_refusals_logged_per_minute = defaults.anonymous_refusals_logged_per_minute;
    })
    .await;
    let rows = || app.count("SELECT count(*) FROM audit_log WHERE outcome = 'refused'");
    let before = rows().await;
    // 1,500 cross-site posts from one address, 50 at a time, as the attack sent them.
    let client = app.bare_client();
    let (mut forbidden, mut limited) = (0, 0);
    for _ in 0..30 {
        let sends = (0..50).map(|_| {
            client.post(format!("{}/board", app.base)).header("origin", "http://evil.example").body("x=1").send()
        });
        for res in futures::future::join_all(sends).await {
            match res.expect("post").status() {
                StatusCode::FORBIDDEN => forbidden += 1,
                StatusCode::TOO_MANY_REQUESTS => limited += 1,
                other => panic!("unexpected {other}"),
            }
        }
    }
    let written = rows().await - before;
    eprintln!("anonymous flood of 1,500 refused posts: {written} audit rows, {forbidden} × 403, {limited} × 429");
    assert_eq!(forbidden, defaults.refusals_per_ip_per_minute, "the budget's refusals are answered 403");
    assert_eq!(limited, 1_500 - defaults.refusals_per_ip_per_minute, "the rest get 429");
    assert_eq!(written as usize, defaults.anonymous_refusals_logged_per_minute, "a sample, not a row per request");
}

#[tokio::test]
async fn a_wrong_database_url_stops_start_up_and_an_empty_database_starts_empty() {
    // A PostgreSQL URL (or any other scheme) is not taken as a SQLite file name.
    let cwd = tempfile::tempdir().expect("tempdir");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_server"))
        .args(["--addr", "127.0.0.1:0"])
        .current_dir(cwd.path())
        .env("DATABASE_URL", "postgres://grid:s3cret@db.example/grid")
        .env("RUST_LOG", "warn")
        .output()
        .expect("run the server binary");
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(!out.status.success(), "{text}");
    assert!(text.contains("postgres://grid:***@db.example/grid") && text.contains("sqlite://"), "{text}");
    assert!(!text.contains("s3cret"), "{text}");
    assert_eq!(std::fs::read_dir(cwd.path()).expect("dir").count(), 0, "no file was created");

    // Without GRIDSTATION_DEMO an empty database starts empty…
    let empty = TestApp::spawn_config(tempfile::tempdir().expect("tempdir"), |c| c.seed_demo = false).await;
    assert_eq!(empty.count("SELECT count(*) FROM grid_nodes").await, 0);
    assert_eq!(empty.count("SELECT count(*) FROM accounts").await, 0);
    // …and `server create-admin` makes the first administrator, who signs in once the
    // server starts on that database.
    let dir = tempfile::tempdir().expect("tempdir");
    let url = format!("sqlite://{}/test.db", dir.path().display());
    let password = "Qingshui-Admin-2026";
    let create = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_server"))
            .arg("create-admin")
            .args(args)
            .env("DATABASE_URL", &url)
            .env("GRIDSTATION_ADMIN_PASSWORD", password)
            .env("RUST_LOG", "warn")
            .output()
            .expect("run the server binary")
    };
    let bad = create(&["12345", "周建华", "320602001", "幸福街道"]);
    assert!(!bad.status.success());
    let said = format!("{}{}", String::from_utf8_lossy(&bad.stdout), String::from_utf8_lossy(&bad.stderr));
    assert!(said.contains("mobile number"), "{said}");
    let ok = create(&["13900000001", "周建华", "320602001", "幸福街道"]);
    assert!(ok.status.success(), "{}{}", String::from_utf8_lossy(&ok.stdout), String::from_utf8_lossy(&ok.stderr));
    assert!(!create(&["13900000002", "李四", "320602001", "幸福街道"]).status.success(), "the code is taken");
    let app = TestApp::spawn_config(dir, |c| c.seed_demo = false).await;
    let admin = app.client();
    let (status, body) = app.post(&admin, "login", &[("phone", "13900000001"), ("password", password)]).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, page) = app.get(&admin, "/admin/grids").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("幸福街道"), "the admin sees their subdistrict");
    assert_eq!(app.count("SELECT count(*) FROM audit_log WHERE action = 'create_first_admin'").await, 1);
}

/// When the sessions of the account with `phone` were last active.
async fn last_seen(app: &TestApp, phone: &str) -> i64 {
    sqlx::query_scalar("SELECT last_seen_at FROM sessions WHERE account_id = (SELECT id FROM accounts WHERE phone = ?)")
        .bind(phone)
        .fetch_one(&app.pool)
        .await
        .expect("seen")
}

/// Makes the sessions of the account with `phone` look `secs` seconds idler.
async fn age_sessions(app: &TestApp, phone: &str, secs: i64) {
    sqlx::query(
        "UPDATE sessions SET last_seen_at = last_seen_at - ? WHERE account_id = (SELECT id FROM accounts WHERE phone = ?)",
    )
    .bind(secs)
    .bind(phone)
    .execute(&app.pool)
    .await
    .expect("age the session");
}

#[tokio::test]
async fn data_a_live_frame_reloads_does_not_slide_the_idle_timeout() {
    let app = TestApp::spawn().await;
    let resident = app.signed_in(RESIDENT).await;
    let seen = || last_seen(&app, RESIDENT);
    age_sessions(&app, RESIDENT, 600).await;
    let before = seen().await;
    // What the islands load again when a frame of theirs comes in (`live::refreshed`, the
    // board's reload): their data as JSON, with the number seen.
    for endpoint in ["board_data?seen=12", "my_orders?seen=12", "sentiment_home?seen=12"] {
        let (status, body) = app.post(&resident, endpoint, &[]).await;
        assert_eq!(status, StatusCode::OK, "{endpoint}: {body}");
    }
    assert_eq!(seen().await, before, "a live refetch is not activity");
    // The person opening the page is.
    let (status, _) = app.get(&resident, "/board").await;
    assert_eq!(status, StatusCode::OK);
    assert!(seen().await > before, "a page the person opened slides the timeout");
}

#[tokio::test]
async fn live_streams_need_a_session_and_are_capped_per_account_and_overall() {
    let app = TestApp::spawn_with(tempfile::tempdir().expect("tempdir"), |s| {
        s.max_streams = 8;
        s.max_streams_per_account = 3;
    })
    .await;
    let events = format!("{}/api/events", app.base);
    // A visitor gets 401 and no stream.
    let res = app.bare_client().get(&events).send().await.expect("get");
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    // One account: three streams, the fourth refused with 429.
    let resident = app.signed_in(RESIDENT).await;
    let mut open = Vec::new();
    for _ in 0..3 {
        let res = resident.get(&events).send().await.expect("get");
        assert_eq!(res.status(), StatusCode::OK);
        open.push(res);
    }
    assert_eq!(resident.get(&events).send().await.expect("get").status(), StatusCode::TOO_MANY_REQUESTS);
    // Eight in all over the server.
    for phone in ["13800000002", "13800000006"] {
        let client = app.signed_in(phone).await;
        for _ in 0..3 {
            let res = client.get(&events).send().await.expect("get");
            if open.len() < 8 {
                assert_eq!(res.status(), StatusCode::OK);
                open.push(res);
            } else {
                assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS, "the server-wide cap");
            }
        }
    }
    assert_eq!(open.len(), 8);
    // A closed stream gives its place back (once the server notices: at the latest at the
    // next keep-alive comment), and opening one is not activity: the idle timeout of the
    // leader's session does not slide.
    let again = app.signed_in(LEADER).await;
    age_sessions(&app, LEADER, 600).await;
    let seen = || last_seen(&app, LEADER);
    let before = seen().await;
    drop(open.pop());
    let reopened = tokio::time::timeout(Duration::from_secs(30), async {
        loop {
            let res = again.get(&events).send().await.expect("get");
            if res.status() == StatusCode::OK {
                return res;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    })
    .await;
    assert!(reopened.is_ok(), "the dropped stream's place was given back");
    assert_eq!(seen().await, before, "opening the stream is not activity");
}

#[tokio::test]
async fn a_connection_that_sends_half_a_request_header_is_closed() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let app = TestApp::spawn().await;
    let addr = app.base.trim_start_matches("http://").to_string();
    let mut tcp = tokio::net::TcpStream::connect(&addr).await.expect("connect");
    tcp.write_all(b"GET /board HTTP/1.1\r\nhost: x\r\nx-slow: ").await.expect("write");
    let started = std::time::Instant::now();
    let mut buf = [0u8; 256];
    // The server gives up on the header (hyper may answer 408 first) and closes.
    let closed = tokio::time::timeout(Duration::from_secs(40), async {
        loop {
            match tcp.read(&mut buf).await {
                Ok(0) | Err(_) => return,
                Ok(_) => {}
            }
        }
    })
    .await;
    let waited = started.elapsed();
    eprintln!("half a header: closed after {:.1} s", waited.as_secs_f64());
    assert!(closed.is_ok(), "still open after 40 s");
    assert!(waited >= Duration::from_secs(10), "not before the timeout ({waited:?})");
    // An idle kept-alive connection is closed too.
    let mut idle = tokio::net::TcpStream::connect(&addr).await.expect("connect");
    idle.write_all(b"GET /healthz HTTP/1.1\r\nhost: x\r\n\r\n").await.expect("write");
    let n = idle.read(&mut buf).await.expect("answer");
    assert!(String::from_utf8_lossy(&buf[..n]).starts_with("HTTP/1.1 200"));
    let closed = tokio::time::timeout(Duration::from_secs(40), async {
        loop {
            match idle.read(&mut buf).await {
                Ok(0) | Err(_) => return,
                Ok(_) => {}
            }
        }
    })
    .await;
    assert!(closed.is_ok(), "an idle kept-alive connection stays open");
}

#[tokio::test]
async fn forwarded_headers_are_believed_only_from_a_trusted_proxy() {
    let limited = |proxies: Vec<std::net::IpAddr>| {
        move |s: &mut app::state::Settings| {
            s.api_per_ip_per_minute = 3;
            s.trusted_proxies = proxies;
        }
    };
    let calls = |app: &TestApp, client: Client| {
        let url = format!("{}/api/set_locale", app.base);
        async move {
            let mut statuses = Vec::new();
            for _ in 0..4 {
                statuses.push(client.post(&url).form(&[("locale", "zh-CN")]).send().await.expect("post").status());
            }
            statuses
        }
    };
    let ok = StatusCode::OK;
    let limited_out = StatusCode::TOO_MANY_REQUESTS;
    // Behind a configured proxy each client has its own budget, and https reaches the cookie.
    let proxied =
        TestApp::spawn_with(tempfile::tempdir().expect("tempdir"), limited(vec!["127.0.0.1".parse().expect("ip")]))
            .await;
    assert_eq!(calls(&proxied, from_address("203.0.113.1")).await, [ok, ok, ok, limited_out]);
    assert_eq!(calls(&proxied, from_address("203.0.113.2")).await, [ok, ok, ok, limited_out], "a budget of its own");
    let login = |app: &TestApp, https: bool| {
        let client = from_address("203.0.113.9");
        let url = format!("{}/api/login", app.base);
        async move {
            let mut req = client.post(url).form(&[("phone", RESIDENT), ("password", "gridstation")]);
            if https {
                req = req.header("x-forwarded-proto", "https");
            }
            let res = req.send().await.expect("login");
            let cookie = res.headers().get("set-cookie").and_then(|v| v.to_str().ok()).unwrap_or_default().to_string();
            (res.status(), cookie, res.headers().contains_key("strict-transport-security"))
        }
    };
    let (status, cookie, hsts) = login(&proxied, true).await;
    assert_eq!(status, ok);
    assert!(cookie.contains("Secure") && hsts, "TLS at the proxy: {cookie}");
    let (_, cookie, hsts) = login(&proxied, false).await;
    assert!(!cookie.contains("Secure") && !hsts, "plain HTTP at the proxy: {cookie}");

    // Without trusted proxies the headers are the client's own claims: one shared budget,
    // and no Secure cookie or HSTS because someone said https.
    let direct = TestApp::spawn_with(tempfile::tempdir().expect("tempdir"), limited(Vec::new())).await;
    let (status, cookie, hsts) = login(&direct, true).await;
    assert_eq!(status, ok);
    assert!(cookie.contains("gs_session") && !cookie.contains("Secure") && !hsts, "{cookie}");
    // The sign-in used one call of the address's budget of three.
    assert_eq!(calls(&direct, from_address("203.0.113.1")).await, [ok, ok, limited_out, limited_out]);
    assert_eq!(calls(&direct, from_address("203.0.113.2")).await, [limited_out; 4], "a spoofed header buys nothing");
}
