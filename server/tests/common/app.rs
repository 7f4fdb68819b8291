//! The test server: the real router on 127.0.0.1:0 with a fresh SQLite file, and a
//! client that speaks to it the way a browser's forms do.
#![allow(dead_code)]
use reqwest::{Client, StatusCode};
use server::{config::Config, Application};
use sqlx::SqlitePool;

pub struct TestApp {
    pub base: String,
    pub pool: SqlitePool,
    pub bus: app::live::Bus,
    pub _dir: tempfile::TempDir,
}

impl TestApp {
    pub async fn spawn() -> Self {
        let dir = tempfile::tempdir().expect("tempdir");
        Self::spawn_in(dir).await
    }

    pub async fn spawn_in(dir: tempfile::TempDir) -> Self {
        Self::spawn_with(dir, |_| ()).await
    }

    pub async fn spawn_with(dir: tempfile::TempDir, settings: impl FnOnce(&mut app::state::Settings)) -> Self {
        Self::spawn_config(dir, |config| settings(&mut config.settings)).await
    }

    /// The demo city on a fresh database, with `change` applied to the configuration last.
    pub async fn spawn_config(dir: tempfile::TempDir, change: impl FnOnce(&mut Config)) -> Self {
        let url = format!("sqlite://{}/test.db", dir.path().display());
        let mut config = Config::from_env_and_args(["--addr".to_string(), "127.0.0.1:0".into()]).expect("config");
        config.database_url = url;
        config.seed_demo = true;
        // One test client makes thousands of calls from 127.0.0.1; the budgets have their own tests.
        config.settings.api_per_ip_per_minute = 1_000_000;
        config.settings.refusals_per_ip_per_minute = 1_000_000;
        config.settings.anonymous_refusals_logged_per_minute = 1_000_000;
        config.settings.welfare_per_ip_per_10_minutes = 1_000_000;
        config.settings.welfare_per_phone_per_hour = 1_000_000;
        change(&mut config);
        let app = Application::build(config).await.expect("build");
        let base = format!("http://{}", app.addr());
        let pool = app.state().pool.clone();
        let bus = app.state().bus.clone();
        tokio::spawn(app.run_until_stopped(std::future::pending()));
        Self { base, pool, bus, _dir: dir }
    }

    /// A browser-like client: keeps cookies, does not follow redirects, and says its
    /// requests come from the app's own pages (as a browser's `Sec-Fetch-Site` does).
    pub fn client(&self) -> Client {
        Client::builder()
            .cookie_store(true)
            .default_headers(same_origin_headers())
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("client")
    }

    /// A client like `client()` that does not claim to be same-origin (curl, a foreign page).
    pub fn bare_client(&self) -> Client {
        Client::builder().cookie_store(true).redirect(reqwest::redirect::Policy::none()).build().expect("client")
    }

    pub async fn post(&self, client: &Client, endpoint: &str, form: &[(&str, &str)]) -> (StatusCode, String) {
        let res = client.post(format!("{}/api/{endpoint}", self.base)).form(form).send().await.expect("post");
        let status = res.status();
        (status, res.text().await.expect("body"))
    }

    pub async fn get(&self, client: &Client, path: &str) -> (StatusCode, String) {
        let res = client.get(format!("{}{path}", self.base)).send().await.expect("get");
        let status = res.status();
        (status, res.text().await.expect("body"))
    }

    pub async fn signed_in(&self, phone: &str) -> Client {
        let client = self.client();
        let (status, body) = self.post(&client, "login", &[("phone", phone), ("password", "gridstation")]).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        client
    }

    pub async fn count(&self, sql: &'static str) -> i64 {
        sqlx::query_scalar(sql).fetch_one(&self.pool).await.expect("count")
    }
}

/// What a browser sends with a request from one of the app's own pages.
pub fn same_origin_headers() -> reqwest::header::HeaderMap {
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert("sec-fetch-site", reqwest::header::HeaderValue::from_static("same-origin"));
    headers
}
