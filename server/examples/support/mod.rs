//! What the benchmarks share: a release server started as a separate process on its own
//! database, a constant-arrival-rate driver and percentiles.
#![allow(dead_code)]
use reqwest::{Client, StatusCode};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::SqlitePool;
use std::process::{Child, Command, Stdio};
use std::str::FromStr;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::Mutex;

pub struct ServerProcess(Child);

impl ServerProcess {
    /// The server's process id, to read its memory and CPU time from `/proc`.
    pub fn pid(&self) -> u32 {
        self.0.id()
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map(|a| a.port()).unwrap_or(3999)
}

pub async fn open(path: &std::path::Path) -> SqlitePool {
    open_with(path, 4).await
}

/// `open` with a pool of `max_connections` (1: every statement waits its turn, as one writer).
pub async fn open_with(path: &std::path::Path, max_connections: u32) -> SqlitePool {
    let options = SqliteConnectOptions::from_str(&format!("sqlite://{}", path.display()))
        .expect("url")
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Full)
        .foreign_keys(true)
        .busy_timeout(Duration::from_secs(10));
    SqlitePoolOptions::new().max_connections(max_connections).connect_with(options).await.expect("open")
}

#[derive(Default)]
pub struct Tally {
    pub latencies: Vec<Duration>,
    pub ok: u64,
    pub conflicts: u64,
    pub errors: u64,
    pub locked: u64,
}

pub fn pct(sorted: &[Duration], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i].as_secs_f64() * 1000.0
}

/// Fires `make(i)` at `rate` per second for `seconds`; latency counts from the schedule.
pub async fn constant_rate<F, Fut>(rate: u64, seconds: u64, make: F) -> (Tally, Duration)
where
    F: Fn(usize) -> Fut,
    Fut: std::future::Future<Output = (StatusCode, String)> + Send + 'static,
{
    let tally = Arc::new(Mutex::new(Tally::default()));
    let total = (rate * seconds) as usize;
    let interval = Duration::from_secs_f64(1.0 / rate as f64);
    let start = Instant::now();
    let mut handles = Vec::with_capacity(total);
    for i in 0..total {
        let scheduled = start + interval * i as u32;
        tokio::time::sleep_until(scheduled.into()).await;
        let fut = make(i);
        let tally = tally.clone();
        handles.push(tokio::spawn(async move {
            let (status, body) = fut.await;
            let elapsed = scheduled.elapsed();
            let mut t = tally.lock().await;
            t.latencies.push(elapsed);
            match status {
                s if s.is_success() => t.ok += 1,
                StatusCode::CONFLICT => t.conflicts += 1,
                _ => {
                    t.errors += 1;
                    if body.contains("locked") {
                        t.locked += 1;
                    }
                }
            }
        }));
    }
    for h in handles {
        let _ = h.await;
    }
    let wall = start.elapsed();
    let tally = Arc::try_unwrap(tally).map(Mutex::into_inner).unwrap_or_default();
    (tally, wall)
}

/// Vote `k` of a run in which each voter casts `per_voter` votes: voter k / per_voter's
/// (k % per_voter)-th candidate, so every vote is distinct and valid. Answers the status and body.
pub fn distinct_vote(
    client: &Client,
    base: &str,
    voters: &[String],
    candidates: &[i64],
    per_voter: usize,
    k: usize,
) -> impl std::future::Future<Output = (StatusCode, String)> + Send + 'static {
    let request = client.post(format!("{base}/api/cast_vote")).header("cookie", voters[k / per_voter].clone());
    let nomination = candidates[k % per_voter].to_string();
    async move {
        match request.form(&[("nomination", nomination)]).send().await {
            Ok(r) => {
                let status = r.status();
                (status, r.text().await.unwrap_or_default())
            }
            Err(e) => (StatusCode::SERVICE_UNAVAILABLE, e.to_string()),
        }
    }
}

/// Starts the release server on `db` with extra environment and waits until it answers.
pub async fn start_server(bin: &str, db: &std::path::Path, env: &[(&str, &str)]) -> (ServerProcess, String) {
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let mut command = Command::new(bin);
    command
        .args(["--addr", &format!("127.0.0.1:{port}")])
        .env("DATABASE_URL", format!("sqlite://{}", db.display()))
        .env("LEPTOS_SITE_ROOT", "target/site")
        .env("LEPTOS_ENV", "PROD")
        .env("RUST_LOG", "warn")
        .env("GRIDSTATION_DEMO", "1")
        .env("GRIDSTATION_LOGIN_PER_IP_PER_MINUTE", "100000")
        .env("GRIDSTATION_API_PER_IP_PER_MINUTE", "100000000")
        .stdout(Stdio::null())
        .stderr(Stdio::inherit());
    for (k, v) in env {
        command.env(k, v);
    }
    let process = spawn_and_wait(command, &format!("{base}/healthz"))
        .await
        .unwrap_or_else(|e| panic!("cannot start {bin}: {e} (build it with cargo leptos build --release)"));
    (process, base)
}

/// Spawns `command` and waits (up to a minute) until `health` answers 2xx.
pub async fn spawn_and_wait(mut command: Command, health: &str) -> Result<ServerProcess, String> {
    let mut process = ServerProcess(command.spawn().map_err(|e| e.to_string())?);
    let probe = Client::new();
    let deadline = Instant::now() + Duration::from_secs(60);
    while !probe.get(health).send().await.is_ok_and(|r| r.status().is_success()) {
        if let Ok(Some(status)) = process.0.try_wait() {
            return Err(format!("exited with {status}"));
        }
        if Instant::now() >= deadline {
            return Err("did not answer within a minute".into());
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    Ok(process)
}

/// Live sessions for `accounts`, made the way sign-in makes them (only the token's hash is
/// stored), in one transaction; returns each one's `Cookie` header value.
pub async fn sessions(pool: &SqlitePool, accounts: &[i64]) -> Vec<String> {
    let mut tx = pool.begin().await.expect("tx");
    let mut cookies = Vec::with_capacity(accounts.len());
    for &account in accounts {
        let token = app::auth::new_token();
        sqlx::query("INSERT INTO sessions (token_hash, account_id, expires_at) VALUES (?, ?, unixepoch() + 86400)")
            .bind(app::auth::token_hash(&token))
            .bind(account)
            .execute(&mut *tx)
            .await
            .expect("session");
        cookies.push(format!("{}={token}", app::session::SESSION_COOKIE));
    }
    tx.commit().await.expect("commit");
    cookies
}

/// CPU time (user + system) process `pid` has used so far, in clock ticks (1/100 s).
pub fn cpu_ticks(pid: u32) -> Option<u64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // After the command name (in parentheses, maybe with spaces) come fields 3, 4, ...;
    // utime and stime are fields 14 and 15.
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    Some(fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?)
}

/// Waits until process `pid` is idle (under 5% of a core over half a second), at most
/// `max`; returns how long it waited.
pub async fn wait_until_idle(pid: u32, max: Duration) -> Duration {
    let start = Instant::now();
    while start.elapsed() < max {
        let Some(before) = cpu_ticks(pid) else { break };
        tokio::time::sleep(Duration::from_millis(500)).await;
        let Some(after) = cpu_ticks(pid) else { break };
        if after - before <= 2 {
            break;
        }
    }
    start.elapsed()
}

/// A client with its own cookie jar, signed in as `phone` over HTTP the way the login form does.
pub async fn signed_in_client(base: &str, phone: &str, password: &str) -> Client {
    let client = browser_like().cookie_store(true).pool_max_idle_per_host(64).build().expect("client");
    let res = client
        .post(format!("{base}/api/login"))
        .form(&[("phone", phone), ("password", password)])
        .send()
        .await
        .expect("login");
    assert_eq!(res.status(), StatusCode::OK, "sign-in of {phone}");
    client
}

/// The server's counters by name (`gridstation_page_renders_total` ...), read from `GET /metrics`
/// on the listener it opened for them (`GRIDSTATION_METRICS_ADDR=metrics_addr`).
pub async fn counters(metrics_addr: &str) -> std::collections::HashMap<String, u64> {
    let answer = match Client::new().get(format!("http://{metrics_addr}/metrics")).send().await {
        Ok(res) if res.status() == StatusCode::OK => res.text().await.ok(),
        _ => None,
    };
    let text =
        answer.unwrap_or_else(|| panic!("no counters at {metrics_addr}/metrics (a server from before they existed?)"));
    text.lines()
        .filter(|line| !line.starts_with('#'))
        .filter_map(|line| {
            let (name, value) = line.split_once(' ')?;
            Some((name.to_string(), value.trim().parse().ok()?))
        })
        .collect()
}

/// Sorts `latencies` and gives (p50, p99, max) in milliseconds.
pub fn summary(latencies: &mut [Duration]) -> (f64, f64, f64) {
    latencies.sort();
    let max = latencies.last().map_or(f64::NAN, |d| d.as_secs_f64() * 1000.0);
    (pct(latencies, 0.5), pct(latencies, 0.99), max)
}

/// What the numbers were measured on: cores, CPU model, UTC date.
pub fn machine_facts() -> String {
    let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(0);
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("model name"))
                .map(|l| l.split(':').nth(1).unwrap_or("").trim().to_string())
        })
        .unwrap_or_else(|| "unknown CPU".into());
    let date = Command::new("date")
        .args(["-u", "+%Y-%m-%d %H:%M UTC"])
        .output()
        .ok()
        .and_then(|o| String::from_utf8(o.stdout).ok())
        .map(|s| s.trim().to_string())
        .unwrap_or_default();
    format!("{cores} cores ({cpu}), {date}")
}

/// A client builder that sends what a browser sends from the app's own pages
/// (`Sec-Fetch-Site: same-origin`), which the server requires of every POST.
pub fn browser_like() -> reqwest::ClientBuilder {
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert("sec-fetch-site", reqwest::header::HeaderValue::from_static("same-origin"));
    Client::builder().default_headers(headers)
}

/// A `kB` line of `/proc/<pid>/status` (`VmRSS`, `VmHWM`) in bytes.
pub fn proc_memory(pid: u32, field: &str) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with(field) && l[field.len()..].starts_with(':'))?;
    let kb: u64 = line[field.len() + 1..].trim().trim_end_matches("kB").trim().parse().ok()?;
    Some(kb * 1024)
}

/// Starts a new peak: sets `VmHWM` of `pid` to its current RSS. False where the kernel refuses.
pub fn reset_peak_memory(pid: u32) -> bool {
    std::fs::write(format!("/proc/{pid}/clear_refs"), "5").is_ok()
}
