//! Benchmark suite (not a test): the release server, started as a separate process on a
//! fresh database holding a loaded city, driven over HTTP at a constant arrival rate, one
//! scenario at a time, each beside its baseline measured in the same run at the same rate:
//!
//! | scenario                                   | baseline                                          |
//! |--------------------------------------------|---------------------------------------------------|
//! | board page SSR (`/board`, a resident)      | a bare axum handler returning the same bytes      |
//! | dashboard SSR (`/admin/dashboard`, 街道)   | the same, with the dashboard's bytes              |
//! | a static asset (`/pkg/…` CSS)              | the same, with the asset's bytes                  |
//! | `place_order` (我需要)                     | the raw INSERT of the same row, own transaction   |
//! | `take_order` (接单)                        | the raw conditional UPDATE, own transaction       |
//! | `cast_vote` (200 candidates)               | the raw INSERT of the vote, own transaction       |
//! | `rename_node` (versioned grid edit)        | the raw `UPDATE … WHERE version = ?`, own txn     |
//!
//! The city: the demo city the server seeds on its first start, then
//! `seeds/generate-city.sql` (压测街道) and `seeds/generate-load.sql` (about 189,000 residents,
//! 10,000 open and 50,000 completed orders, an election with 200 candidates). The server is
//! then restarted on it.
//!
//! The bare axum baseline is this same binary re-executed as a separate process
//! (`--serve-bytes DIR --port P`) serving the bodies captured from the real server with their
//! content types. Raw SQLite baselines run in this process against a copy of the loaded
//! database (`VACUUM INTO`, same disk), on one connection with the server's durability
//! (WAL, synchronous=FULL), each statement in its own `BEGIN IMMEDIATE` transaction.
//!
//! Each row starts once the server process is idle (no work left from the row before, no
//! background task running). Latency counts from each request's scheduled start (no
//! coordinated omission). Errors are non-2xx answers and transport errors; 409 conflicts
//! are counted apart. Peak memory is the serving process's VmHWM over the scenario (reset
//! before it through `/proc/<pid>/clear_refs`; its current VmRSS, marked `*`, where the
//! reset is refused). The dashboard is the subdistrict admin's (all of 压测街道), at a rate
//! two cores hold.
//!
//! `cargo run --release -p server --example suite -- [--server target/release/server]
//!  [--seconds 10] [--scale 1.0] [--keep]`
#[path = "support/mod.rs"]
mod support;

use axum::body::Bytes;
use reqwest::{Client, StatusCode};
use sqlx::{Connection, SqlitePool};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use support::{
    constant_rate, machine_facts, open, open_with, pct, proc_memory, reset_peak_memory, sessions, wait_until_idle,
    Tally,
};

const CITY: &str = include_str!("../../seeds/generate-city.sql");
const LOAD: &str = include_str!("../../seeds/generate-load.sql");
const SUBDISTRICT: &str = "320602099";
const ELECTION: &str = "压测街道志愿服务之星评选";
/// The generated subdistrict admins' phones start here (seeds/generate-city.sql).
const FIRST_ADMIN_PHONE: u64 = 13_900_000_000;

struct Args {
    server: String,
    seconds: u64,
    scale: f64,
    keep: bool,
    serve_bytes: Option<PathBuf>,
    port: u16,
}

fn args() -> Args {
    let mut a = Args {
        server: "target/release/server".into(),
        seconds: 10,
        scale: 1.0,
        keep: false,
        serve_bytes: None,
        port: 0,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        if flag == "--keep" {
            a.keep = true;
            continue;
        }
        let value = it.next().unwrap_or_default();
        match flag.as_str() {
            "--server" => a.server = value,
            "--seconds" => a.seconds = value.parse().unwrap_or(a.seconds),
            "--scale" => a.scale = value.parse().ok().filter(|s: &f64| *s > 0.0).unwrap_or(a.scale),
            "--serve-bytes" => a.serve_bytes = Some(PathBuf::from(value)),
            "--port" => a.port = value.parse().unwrap_or(0),
            other => eprintln!("ignoring unknown argument {other}"),
        }
    }
    a
}

/// Offered rates per second at `--scale 1`: what a 2-core machine sustains.
struct Rates {
    board: u64,
    dashboard: u64,
    asset: u64,
    place: u64,
    take: u64,
    vote: u64,
    grid: u64,
}

impl Rates {
    fn scaled(scale: f64) -> Self {
        let r = |base: f64| ((base * scale).round() as u64).max(1);
        Self {
            board: r(200.0),
            dashboard: r(2.0),
            asset: r(500.0),
            place: r(100.0),
            take: r(100.0),
            vote: r(200.0),
            grid: r(20.0),
        }
    }
}

// ---------------------------------------------------------------------------------------
// The bare axum baseline: this binary again, serving captured bodies.

/// `--serve-bytes DIR --port P`: serves `GET /NAME` with DIR/NAME.body and the content type
/// in DIR/NAME.type, and `GET /healthz`.
async fn serve_bytes(dir: &Path, port: u16) {
    let mut router = axum::Router::new().route("/healthz", axum::routing::get(|| async { "ok" }));
    let entries = std::fs::read_dir(dir).expect("bytes directory");
    for entry in entries.flatten() {
        let path = entry.path();
        if path.extension().is_none_or(|e| e != "body") {
            continue;
        }
        let Some(name) = path.file_stem().and_then(|s| s.to_str()).map(str::to_string) else { continue };
        let body = Bytes::from(std::fs::read(&path).expect("body"));
        let content_type = std::fs::read_to_string(path.with_extension("type")).expect("content type");
        router = router.route(
            &format!("/{name}"),
            axum::routing::get(move || {
                let (body, content_type) = (body.clone(), content_type.clone());
                async move { ([(axum::http::header::CONTENT_TYPE, content_type)], body) }
            }),
        );
    }
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await.expect("bind");
    axum::serve(listener, router).await.expect("serve");
}

/// Starts the bytes server as a separate process on a free port.
async fn start_bytes_server(dir: &Path) -> (support::ServerProcess, String) {
    let port = support::free_port();
    let base = format!("http://127.0.0.1:{port}");
    let mut command = Command::new(std::env::current_exe().expect("own path"));
    command
        .arg("--serve-bytes")
        .arg(dir)
        .args(["--port", &port.to_string()])
        .stdout(Stdio::null())
        .stderr(Stdio::inherit());
    let process = support::spawn_and_wait(command, &format!("{base}/healthz")).await.expect("bytes server");
    (process, base)
}

// ---------------------------------------------------------------------------------------
// Loading the city.

struct Loaded {
    city: Duration,
    load: Duration,
    copy: Duration,
    counts: Vec<(&'static str, i64)>,
    db_mb: f64,
}

async fn load_city(pool: &SqlitePool, db: &Path, raw: &Path) -> Loaded {
    let t0 = Instant::now();
    sqlx::raw_sql(CITY).execute(pool).await.expect("seeds/generate-city.sql");
    let city = t0.elapsed();
    let t1 = Instant::now();
    sqlx::raw_sql(LOAD).execute(pool).await.expect("seeds/generate-load.sql");
    let load = t1.elapsed();
    let count = |sql: &'static str| async move {
        sqlx::query_scalar::<_, i64>(sql).bind(format!("{SUBDISTRICT}*")).fetch_one(pool).await.expect("count")
    };
    let counts = vec![
        (
            "residents of 压测街道 (people in its households)",
            count(
                "SELECT count(*) FROM people p JOIN grid_nodes m ON m.id = p.micro_grid_id
                 WHERE m.code GLOB ? AND p.household_id IS NOT NULL",
            )
            .await,
        ),
        (
            "  of them with an account and a resident role",
            count(
                "SELECT count(DISTINCT r.account_id) FROM role_assignments r JOIN grid_nodes m ON m.id = r.node_id
                 WHERE m.code GLOB ? AND r.role = 'resident'",
            )
            .await,
        ),
        (
            "  of them volunteers",
            count(
                "SELECT count(*) FROM role_assignments r JOIN grid_nodes m ON m.id = r.node_id
                 WHERE m.code GLOB ? AND r.role = 'volunteer'",
            )
            .await,
        ),
        ("grid nodes of 压测街道", count("SELECT count(*) FROM grid_nodes WHERE code GLOB ?").await),
        (
            "open orders in 压测街道",
            count(
                "SELECT count(*) FROM service_orders o JOIN grid_nodes m ON m.id = o.micro_grid_id
                 WHERE o.status = 'open' AND m.code GLOB ?",
            )
            .await,
        ),
        (
            "completed orders in 压测街道",
            count(
                "SELECT count(*) FROM service_orders o JOIN grid_nodes m ON m.id = o.micro_grid_id
                 WHERE o.status = 'completed' AND m.code GLOB ?",
            )
            .await,
        ),
        ("order events (all)", count("SELECT count(*) FROM order_events WHERE ? IS NOT NULL").await),
        (
            "approved candidates in the open election",
            count(
                "SELECT count(*) FROM nominations n JOIN star_elections e ON e.id = n.election_id
                 JOIN grid_nodes s ON s.id = e.scope_node_id
                 WHERE s.code GLOB ? AND n.status = 'approved' AND e.voting_start <= unixepoch() AND e.voting_end > unixepoch()",
            )
            .await,
        ),
        ("people (all)", count("SELECT count(*) FROM people WHERE ? IS NOT NULL").await),
        ("service orders (all)", count("SELECT count(*) FROM service_orders WHERE ? IS NOT NULL").await),
    ];
    // The raw baselines' database: a copy of the loaded one, on the same disk.
    let t2 = Instant::now();
    sqlx::query("VACUUM INTO ?").bind(raw.display().to_string()).execute(pool).await.expect("VACUUM INTO");
    let copy = t2.elapsed();
    sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)").execute(pool).await.expect("checkpoint");
    let db_mb = std::fs::metadata(db).map_or(f64::NAN, |m| m.len() as f64 / 1_048_576.0);
    Loaded { city, load, copy, counts, db_mb }
}

/// How long the server's escalation UPDATE (run every 30 s inside `BEGIN IMMEDIATE`) takes
/// on this data: run on the copy and rolled back.
async fn escalation_time(raw: &SqlitePool) -> (Duration, u64) {
    let mut conn = raw.acquire().await.expect("conn");
    let mut tx = conn.begin_with("BEGIN IMMEDIATE").await.expect("begin");
    let t0 = Instant::now();
    let n = app::repo::orders_repo::escalate_overdue(&mut tx, app::repo::now()).await.expect("escalate");
    let took = t0.elapsed();
    tx.rollback().await.expect("rollback");
    (took, n)
}

// ---------------------------------------------------------------------------------------
// Requests.

/// A few distinct failure messages per scenario, to print under the table.
type Samples = Arc<Mutex<Vec<String>>>;

fn note(samples: &Samples, status: StatusCode, body: &str) {
    if status.is_success() || status == StatusCode::CONFLICT {
        return;
    }
    let line = format!("{status}: {}", body.chars().take(160).collect::<String>().replace('\n', " "));
    let mut s = samples.lock().unwrap_or_else(|p| p.into_inner());
    if s.len() < 3 && !s.contains(&line) {
        s.push(line);
    }
}

/// Sends and reads the whole answer; transport errors answer 503.
async fn answer(request: reqwest::RequestBuilder, samples: Samples) -> (StatusCode, String) {
    let (status, body) = match request.send().await {
        Ok(r) => {
            let status = r.status();
            if status.is_success() {
                match r.bytes().await {
                    Ok(_) => (status, String::new()),
                    Err(e) => (StatusCode::SERVICE_UNAVAILABLE, format!("body: {e}")),
                }
            } else {
                (status, r.text().await.unwrap_or_default())
            }
        }
        Err(e) => (StatusCode::SERVICE_UNAVAILABLE, format!("transport: {e}")),
    };
    note(&samples, status, &body);
    (status, body)
}

#[derive(Clone)]
enum Value {
    Int(i64),
    Text(String),
}

/// One statement in its own `BEGIN IMMEDIATE` transaction on the baseline's connection:
/// 200 when it changed a row, 409 when its condition held nothing.
async fn raw_write(pool: SqlitePool, sql: &'static str, values: Vec<Value>, samples: Samples) -> (StatusCode, String) {
    let result = async {
        let mut conn = pool.acquire().await?;
        let mut tx = conn.begin_with("BEGIN IMMEDIATE").await?;
        let mut query = sqlx::query(sql);
        for v in values {
            query = match v {
                Value::Int(i) => query.bind(i),
                Value::Text(s) => query.bind(s),
            };
        }
        let changed = query.execute(&mut *tx).await?.rows_affected();
        tx.commit().await?;
        Ok::<_, sqlx::Error>(changed)
    }
    .await;
    let (status, body) = match result {
        Ok(0) => (StatusCode::CONFLICT, String::new()),
        Ok(_) => (StatusCode::OK, String::new()),
        Err(e) => (StatusCode::INTERNAL_SERVER_ERROR, e.to_string()),
    };
    note(&samples, status, &body);
    (status, body)
}

/// GETs `url` once and keeps (content type, body); the page must answer 200.
async fn capture(client: &Client, url: &str, cookie: Option<&str>) -> (String, Vec<u8>) {
    let mut request = client.get(url);
    if let Some(cookie) = cookie {
        request = request.header("cookie", cookie);
    }
    let res = request.send().await.expect("capture");
    assert_eq!(res.status(), StatusCode::OK, "GET {url}");
    let content_type = res
        .headers()
        .get(reqwest::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("application/octet-stream")
        .to_string();
    (content_type, res.bytes().await.expect("body").to_vec())
}

/// The stylesheet (else the script) the page loads from `/pkg/`, else the first file there.
fn asset_path(page: &str) -> String {
    let linked: Vec<&str> =
        page.split('"').filter(|s| s.starts_with("/pkg/") && !s.contains(char::is_whitespace)).collect();
    if let Some(p) = linked.iter().find(|p| p.ends_with(".css")).or_else(|| linked.iter().find(|p| p.ends_with(".js")))
    {
        return p.to_string();
    }
    let mut files: Vec<String> = std::fs::read_dir("target/site/pkg")
        .expect("target/site/pkg")
        .flatten()
        .filter_map(|e| e.file_name().into_string().ok())
        .filter(|n| n.ends_with(".css") || n.ends_with(".js"))
        .collect();
    files.sort();
    format!("/pkg/{}", files.first().expect("an asset in target/site/pkg"))
}

// ---------------------------------------------------------------------------------------
// The table.

struct Row {
    what: String,
    offered: u64,
    tally: Tally,
    wall: Duration,
    peak_mb: Option<f64>,
    /// VmRSS after the scenario: the peak could not be reset.
    rss_only: bool,
    samples: Samples,
}

/// Runs one scenario at `rate` for `seconds` while watching the memory of `pid`, once the
/// server (`server`) is idle: work left over from the row before (requests the client gave
/// up on, the escalation task) must not count against this one.
async fn measured<F, Fut>(
    what: String,
    (server, pid): (u32, u32),
    rate: u64,
    seconds: u64,
    samples: Samples,
    make: F,
) -> Row
where
    F: Fn(usize) -> Fut,
    Fut: std::future::Future<Output = (StatusCode, String)> + Send + 'static,
{
    let waited = wait_until_idle(server, Duration::from_secs(120)).await;
    if waited > Duration::from_secs(2) {
        eprintln!("waited {:.1} s for the server to be idle", waited.as_secs_f64());
    }
    let reset = reset_peak_memory(pid);
    let (mut tally, wall) = constant_rate(rate, seconds, make).await;
    let peak_mb = proc_memory(pid, if reset { "VmHWM" } else { "VmRSS" }).map(|b| b as f64 / 1_048_576.0);
    tally.latencies.sort();
    eprintln!(
        "{what}: {} ok, {} errors, {} conflicts, p99 {:.1} ms",
        tally.ok,
        tally.errors,
        tally.conflicts,
        pct(&tally.latencies, 0.99)
    );
    // Let queues drain before the next scenario.
    tokio::time::sleep(Duration::from_secs(1)).await;
    Row { what, offered: rate, tally, wall, peak_mb, rss_only: !reset, samples }
}

fn print_table(rows: &[Row]) {
    println!("| scenario | offered/s | achieved/s | p50 ms | p99 ms | errors | peak MB |");
    println!("|---|---:|---:|---:|---:|---:|---:|");
    for r in rows {
        let achieved = r.tally.ok as f64 / r.wall.as_secs_f64();
        let errors = match r.tally.conflicts {
            0 => r.tally.errors.to_string(),
            n => format!("{} (+{n} × 409)", r.tally.errors),
        };
        let peak = match r.peak_mb {
            Some(mb) if r.rss_only => format!("{mb:.0}*"),
            Some(mb) => format!("{mb:.0}"),
            None => "?".into(),
        };
        println!(
            "| {} | {} | {achieved:.1} | {:.2} | {:.2} | {errors} | {peak} |",
            r.what,
            r.offered,
            pct(&r.tally.latencies, 0.5),
            pct(&r.tally.latencies, 0.99)
        );
    }
}

// ---------------------------------------------------------------------------------------
// Fixtures read from the loaded database (before the server restarts on it).

/// A resident who places orders: ids and where the order will sit (the requester's place).
#[derive(Clone)]
struct Placer {
    person: i64,
    account: i64,
    micro_grid: i64,
    building: i64,
    room: String,
    phone: String,
}

struct Fixtures {
    board_community: (String, String, i64),
    board_cookie: String,
    admin_cookie: String,
    placers: Vec<(Placer, String)>,
    /// (order id, taker person id, taker's cookie)
    takes: Vec<(i64, i64, String)>,
    election: i64,
    candidates: Vec<i64>,
    /// (voter account, cookie)
    voters: Vec<(i64, String)>,
    votes_per_voter: usize,
    /// (node id, name, version, editor's cookie)
    edits: Vec<(i64, String, i64, String)>,
    /// Orders in the state 'taken' before the run (the demo city has some).
    taken_before: i64,
}

async fn fixtures(pool: &SqlitePool, r: &Rates, seconds: u64) -> Fixtures {
    let sub = format!("{SUBDISTRICT}*");
    // The community whose board holds the most open orders, and one of its residents.
    let (community, name, open): (String, String, i64) = sqlx::query_as(
        "SELECT c.code, c.name, count(*) AS n FROM service_orders o JOIN grid_nodes m ON m.id = o.micro_grid_id
         JOIN grid_nodes c ON c.code = substr(m.code, 1, 12)
         WHERE o.status = 'open' AND m.code GLOB ? GROUP BY c.code ORDER BY n DESC LIMIT 1",
    )
    .bind(&sub)
    .fetch_one(pool)
    .await
    .expect("busiest community");
    let non_volunteer =
        "NOT EXISTS (SELECT 1 FROM role_assignments v WHERE v.account_id = a.id AND v.role = 'volunteer')";
    let reader: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
        "SELECT a.id FROM accounts a JOIN role_assignments r ON r.account_id = a.id AND r.role = 'resident'
         JOIN grid_nodes m ON m.id = r.node_id WHERE m.code GLOB ? || '*' AND {non_volunteer} ORDER BY a.id LIMIT 1"
    )))
    .bind(&community)
    .fetch_one(pool)
    .await
    .expect("a resident of the busiest community");
    let admin: i64 = sqlx::query_scalar("SELECT id FROM accounts WHERE phone = ?")
        .bind(FIRST_ADMIN_PHONE.to_string())
        .fetch_one(pool)
        .await
        .expect("the generated admin");

    // Residents (not volunteers) of the whole street place orders, a different one each time.
    let n_place = (r.place * seconds) as usize;
    #[derive(sqlx::FromRow)]
    struct PlacerRow {
        person: i64,
        account: i64,
        micro_grid: i64,
        building: i64,
        room: String,
        phone: String,
    }
    let placers: Vec<PlacerRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT p.id AS person, a.id AS account, p.micro_grid_id AS micro_grid, p.building_id AS building,
                h.room, p.phone
         FROM accounts a JOIN people p ON p.id = a.person_id JOIN households h ON h.id = p.household_id
         JOIN grid_nodes m ON m.id = p.micro_grid_id
         WHERE m.code GLOB ? AND {non_volunteer} ORDER BY (a.id * 7919) % 10007, a.id LIMIT ?"
    )))
    .bind(&sub)
    .bind(n_place.clamp(1, 2000) as i64)
    .fetch_all(pool)
    .await
    .expect("placers");

    // Open orders all over the street, each taken by a volunteer of its community.
    let n_take = (r.take * seconds) as usize;
    let open_orders: Vec<(i64, String)> = sqlx::query_as(
        "SELECT o.id, substr(m.code, 1, 12) FROM service_orders o JOIN grid_nodes m ON m.id = o.micro_grid_id
         WHERE o.status = 'open' AND m.code GLOB ? ORDER BY (o.id * 7919) % 10007, o.id LIMIT ?",
    )
    .bind(&sub)
    .bind(n_take as i64)
    .fetch_all(pool)
    .await
    .expect("open orders");
    let volunteers: Vec<(i64, i64, String)> = sqlx::query_as(
        "SELECT a.id, a.person_id, substr(m.code, 1, 12) FROM role_assignments r JOIN accounts a ON a.id = r.account_id
         JOIN grid_nodes m ON m.id = r.node_id WHERE r.role = 'volunteer' AND m.code GLOB ? ORDER BY a.id",
    )
    .bind(&sub)
    .fetch_all(pool)
    .await
    .expect("volunteers");

    // The election and its voters: residents (not candidates), each casting at most its quota.
    let (election, quota): (i64, i64) =
        sqlx::query_as("SELECT id, votes_per_voter FROM star_elections WHERE title = ?")
            .bind(ELECTION)
            .fetch_one(pool)
            .await
            .expect("the generated election");
    let candidates: Vec<i64> =
        sqlx::query_scalar("SELECT id FROM nominations WHERE election_id = ? AND status = 'approved' ORDER BY id")
            .bind(election)
            .fetch_all(pool)
            .await
            .expect("candidates");
    let n_vote = (r.vote * seconds) as usize;
    let voter_ids: Vec<i64> = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
        "SELECT a.id FROM accounts a JOIN role_assignments r ON r.account_id = a.id AND r.role = 'resident'
         JOIN grid_nodes m ON m.id = r.node_id WHERE m.code GLOB ? AND {non_volunteer} ORDER BY a.id LIMIT ?"
    )))
    .bind(&sub)
    .bind(n_vote as i64)
    .fetch_all(pool)
    .await
    .expect("voters");
    let per_voter = n_vote.div_ceil(voter_ids.len().max(1));
    assert!(
        per_voter <= (quota as usize).min(candidates.len()),
        "{n_vote} votes need {per_voter} per voter, over the quota of {quota}: lower --scale"
    );

    // Micro-grids renamed once each by the 50 generated admins in turn.
    let n_grid = (r.grid * seconds) as usize;
    let nodes: Vec<(i64, String, i64)> = sqlx::query_as(
        "SELECT id, name, version FROM grid_nodes WHERE level = 'micro_grid' AND code GLOB ? ORDER BY code LIMIT ?",
    )
    .bind(&sub)
    .bind(n_grid as i64)
    .fetch_all(pool)
    .await
    .expect("micro-grids");
    let admins: Vec<i64> = sqlx::query_scalar("SELECT id FROM accounts WHERE phone BETWEEN ? AND ? ORDER BY phone")
        .bind(FIRST_ADMIN_PHONE.to_string())
        .bind((FIRST_ADMIN_PHONE + 49).to_string())
        .fetch_all(pool)
        .await
        .expect("admins");

    let taken_before: i64 = sqlx::query_scalar("SELECT count(*) FROM service_orders WHERE status = 'taken'")
        .fetch_one(pool)
        .await
        .expect("taken");

    // Sessions for everyone, written now: once the server runs, this process only reads.
    let mut accounts = vec![reader, admin];
    accounts.extend(placers.iter().map(|p| p.account));
    accounts.extend(volunteers.iter().map(|v| v.0));
    accounts.extend(&voter_ids);
    accounts.extend(&admins);
    let cookies = sessions(pool, &accounts).await;
    let mut cookie_of: HashMap<i64, String> = HashMap::new();
    for (account, cookie) in accounts.iter().zip(cookies) {
        cookie_of.entry(*account).or_insert(cookie);
    }
    let cookie = |account: &i64| cookie_of[account].clone();
    let mut by_community: HashMap<&str, Vec<&(i64, i64, String)>> = HashMap::new();
    for v in &volunteers {
        by_community.entry(v.2.as_str()).or_default().push(v);
    }
    let takes = open_orders
        .iter()
        .enumerate()
        .map(|(i, (order, community))| {
            let team = &by_community[community.as_str()];
            let (account, person, _) = team[i % team.len()];
            (*order, *person, cookie(account))
        })
        .collect();
    Fixtures {
        board_community: (community, name, open),
        board_cookie: cookie(&reader),
        admin_cookie: cookie(&admin),
        placers: placers
            .into_iter()
            .map(|p| {
                let c = cookie(&p.account);
                (
                    Placer {
                        person: p.person,
                        account: p.account,
                        micro_grid: p.micro_grid,
                        building: p.building,
                        room: p.room,
                        phone: p.phone,
                    },
                    c,
                )
            })
            .collect(),
        takes,
        election,
        candidates,
        voters: voter_ids.iter().map(|a| (*a, cookie(a))).collect(),
        votes_per_voter: per_voter,
        edits: nodes
            .into_iter()
            .enumerate()
            .map(|(i, (id, name, version))| (id, name, version, cookie(&admins[i % admins.len()])))
            .collect(),
        taken_before,
    }
}

/// The 1, 5 and 15 minute load averages: other work on the machine shows here.
fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|l| l.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "?".into())
}

const SECTIONS: [&str; 5] = ["daily_life", "health", "policy", "assistance", "environment"];

/// The i-th order placed: (section, title, description, urgency).
fn order_form(i: usize) -> (&'static str, String, &'static str, &'static str) {
    (SECTIONS[i % 5], format!("压测下单第{i}号"), "楼下有人接应", if i.is_multiple_of(7) { "urgent" } else { "normal" })
}

/// The k-th vote of the run: (voter index, candidate index), all pairs distinct and each
/// voter within the quota.
fn ballot(k: usize, voters: usize, candidates: usize) -> (usize, usize) {
    let voter = k % voters;
    (voter, (voter * 7 + k / voters) % candidates)
}

#[tokio::main]
async fn main() {
    let a = args();
    if let Some(dir) = &a.serve_bytes {
        serve_bytes(dir, a.port).await;
        return;
    }
    let load_before = load_average();
    let rates = Rates::scaled(a.scale);
    let secs = a.seconds;
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("suite.db");
    let raw_db = dir.path().join("raw.db");

    // First start: the server migrates and seeds the demo city; then the load; then restart.
    eprintln!("starting {} once to migrate and seed", a.server);
    drop(support::start_server(&a.server, &db, &[]).await);
    let pool = open(&db).await;
    eprintln!("loading the generated city");
    let loaded = load_city(&pool, &db, &raw_db).await;
    eprintln!(
        "loaded in {:.1} s (city {:.1} s, load {:.1} s)",
        (loaded.city + loaded.load).as_secs_f64(),
        loaded.city.as_secs_f64(),
        loaded.load.as_secs_f64()
    );
    let raw = open_with(&raw_db, 1).await;
    eprintln!("timing the escalation query on the copy");
    let (escalation, escalated) = escalation_time(&raw).await;
    let fx = fixtures(&pool, &rates, secs).await;
    let sqlite: String = sqlx::query_scalar("SELECT sqlite_version()").fetch_one(&pool).await.expect("version");
    let (migration, migration_name): (i64, String) =
        sqlx::query_as("SELECT version, description FROM _sqlx_migrations ORDER BY version DESC LIMIT 1")
            .fetch_one(&pool)
            .await
            .expect("migrations");

    let env = [("GRIDSTATION_VOTES_PER_IP_PER_MINUTE", "100000000")];
    let (server, base) = support::start_server(&a.server, &db, &env).await;
    let server_pid = server.pid();
    let client =
        support::browser_like().pool_max_idle_per_host(1024).timeout(Duration::from_secs(60)).build().expect("client");

    // The bodies the baselines serve, captured from the real server.
    let bytes_dir = dir.path().join("bytes");
    std::fs::create_dir_all(&bytes_dir).expect("bytes dir");
    let board_url = format!("{base}/board");
    let dashboard_url = format!("{base}/admin/dashboard");
    let board = capture(&client, &board_url, Some(&fx.board_cookie)).await;
    let dashboard = capture(&client, &dashboard_url, Some(&fx.admin_cookie)).await;
    let asset = asset_path(&String::from_utf8_lossy(&board.1));
    let asset_url = format!("{base}{asset}");
    let static_body = capture(&client, &asset_url, None).await;
    for (name, (content_type, body)) in [("board", &board), ("dashboard", &dashboard), ("static", &static_body)] {
        std::fs::write(bytes_dir.join(format!("{name}.body")), body).expect("write body");
        std::fs::write(bytes_dir.join(format!("{name}.type")), content_type).expect("write type");
    }
    let (bytes_server, bytes_base) = start_bytes_server(&bytes_dir).await;
    let bytes_pid = bytes_server.pid();
    let own_pid = std::process::id();
    let kb = |b: &(String, Vec<u8>)| b.1.len() as f64 / 1024.0;

    let mut rows = Vec::new();
    let new = || Samples::default();

    // Pages and the asset, each then its bare axum baseline.
    let pages = [
        (
            format!(
                "board page SSR (GET /board, resident of {}: {} open orders; {:.0} KB)",
                fx.board_community.1,
                fx.board_community.2,
                kb(&board)
            ),
            board_url.clone(),
            Some(fx.board_cookie.clone()),
            "board",
            rates.board,
        ),
        (
            format!("dashboard SSR (GET /admin/dashboard, admin of 压测街道; {:.0} KB)", kb(&dashboard)),
            dashboard_url.clone(),
            Some(fx.admin_cookie.clone()),
            "dashboard",
            rates.dashboard,
        ),
        (
            format!("static asset (GET {asset}, {:.0} KB)", kb(&static_body)),
            asset_url.clone(),
            None,
            "static",
            rates.asset,
        ),
    ];
    for (what, url, cookie, name, rate) in pages {
        let samples = new();
        let make = {
            let (client, url, cookie, samples) = (client.clone(), url.clone(), cookie.clone(), samples.clone());
            move |_| {
                let mut request = client.get(&url);
                if let Some(c) = &cookie {
                    request = request.header("cookie", c);
                }
                answer(request, samples.clone())
            }
        };
        rows.push(measured(what, (server_pid, server_pid), rate, secs, samples, make).await);
        let samples = new();
        let make = {
            let (client, url, samples) = (client.clone(), format!("{bytes_base}/{name}"), samples.clone());
            move |_| answer(client.get(&url), samples.clone())
        };
        let what = "↳ baseline: bare axum handler, same bytes (separate process)".to_string();
        rows.push(measured(what, (server_pid, bytes_pid), rate, secs, samples, make).await);
    }

    // 我需要: place_order, then the raw INSERT of the same row.
    let placers = Arc::new(fx.placers);
    let samples = new();
    let make = {
        let (client, base, placers, samples) = (client.clone(), base.clone(), placers.clone(), samples.clone());
        move |i: usize| {
            let (_, cookie) = &placers[i % placers.len()];
            let (section, title, description, urgency) = order_form(i);
            let form = [
                ("section", section.to_string()),
                ("title", title),
                ("description", description.to_string()),
                ("urgency", urgency.to_string()),
                ("idempotency_key", format!("suite-place-{i:08}")),
            ];
            answer(client.post(format!("{base}/api/place_order")).header("cookie", cookie).form(&form), samples.clone())
        }
    };
    let what = format!("place_order (我需要; {} residents in turn)", placers.len());
    rows.push(measured(what, (server_pid, server_pid), rates.place, secs, samples, make).await);
    let samples = new();
    let make = {
        let (raw, placers, samples) = (raw.clone(), placers.clone(), samples.clone());
        move |i: usize| {
            let (p, _) = &placers[i % placers.len()];
            let (section, title, description, urgency) = order_form(i);
            let values = vec![
                Value::Int(p.person),
                Value::Int(p.account),
                Value::Text(format!("suite-raw-{i:08}")),
                Value::Text(section.into()),
                Value::Text(title),
                Value::Text(description.into()),
                Value::Text(urgency.into()),
                Value::Int(p.micro_grid),
                Value::Int(p.building),
                Value::Text(p.room.clone()),
                Value::Text(p.phone.clone()),
            ];
            raw_write(
                raw.clone(),
                "INSERT INTO service_orders (requester_id, placed_by, on_behalf, idempotency_key, section, title,
                   description, urgency, micro_grid_id, building_id, room, contact_phone, created_at, updated_at)
                 VALUES (?, ?, 0, ?, ?, ?, ?, ?, ?, ?, ?, ?, unixepoch(), unixepoch())",
                values,
                samples.clone(),
            )
        }
    };
    let what = "↳ baseline: raw SQLite INSERT of the same row, own BEGIN IMMEDIATE txn".to_string();
    rows.push(measured(what, (server_pid, own_pid), rates.place, secs, samples, make).await);

    // 接单: take_order, then the raw conditional UPDATE.
    let takes = Arc::new(fx.takes);
    let samples = new();
    let make = {
        let (client, base, takes, samples) = (client.clone(), base.clone(), takes.clone(), samples.clone());
        move |i: usize| {
            let (order, _, cookie) = &takes[i % takes.len()];
            let request = client.post(format!("{base}/api/take_order")).header("cookie", cookie);
            answer(request.form(&[("id", order.to_string())]), samples.clone())
        }
    };
    let what = format!("take_order (接单; {} open orders over 20 communities)", takes.len());
    rows.push(measured(what, (server_pid, server_pid), rates.take, secs, samples, make).await);
    let samples = new();
    let make = {
        let (raw, takes, samples) = (raw.clone(), takes.clone(), samples.clone());
        move |i: usize| {
            let (order, taker, _) = &takes[i % takes.len()];
            raw_write(
                raw.clone(),
                "UPDATE service_orders SET status = 'taken', taker_id = ?, taken_at = unixepoch(), escalated_at = NULL,
                   escalation_reason = NULL, version = version + 1, updated_at = unixepoch()
                 WHERE id = ? AND status = 'open'",
                vec![Value::Int(*taker), Value::Int(*order)],
                samples.clone(),
            )
        }
    };
    let what = "↳ baseline: raw SQLite conditional UPDATE, own BEGIN IMMEDIATE txn".to_string();
    rows.push(measured(what, (server_pid, own_pid), rates.take, secs, samples, make).await);

    // A vote: cast_vote, then the raw INSERT of the same vote.
    let voters = Arc::new(fx.voters);
    let candidates = Arc::new(fx.candidates);
    let samples = new();
    let make = {
        let (client, base, voters, candidates, samples) =
            (client.clone(), base.clone(), voters.clone(), candidates.clone(), samples.clone());
        move |k: usize| {
            let (voter, candidate) = ballot(k, voters.len(), candidates.len());
            let request = client.post(format!("{base}/api/cast_vote")).header("cookie", &voters[voter].1);
            answer(request.form(&[("nomination", candidates[candidate].to_string())]), samples.clone())
        }
    };
    let what = format!(
        "cast_vote ({} candidates, {} voters, ≤{} votes each)",
        candidates.len(),
        voters.len(),
        fx.votes_per_voter
    );
    rows.push(measured(what, (server_pid, server_pid), rates.vote, secs, samples, make).await);
    let samples = new();
    let make = {
        let (raw, voters, candidates, samples) = (raw.clone(), voters.clone(), candidates.clone(), samples.clone());
        let election = fx.election;
        move |k: usize| {
            let (voter, candidate) = ballot(k, voters.len(), candidates.len());
            raw_write(
                raw.clone(),
                "INSERT INTO star_votes (election_id, voter_id, nomination_id, cast_at) VALUES (?, ?, ?, unixepoch())",
                vec![Value::Int(election), Value::Int(voters[voter].0), Value::Int(candidates[candidate])],
                samples.clone(),
            )
        }
    };
    let what = "↳ baseline: raw SQLite INSERT of the vote, own BEGIN IMMEDIATE txn".to_string();
    rows.push(measured(what, (server_pid, own_pid), rates.vote, secs, samples, make).await);

    // A grid edit: rename_node against the node's version, then the raw versioned UPDATE.
    let edits = Arc::new(fx.edits);
    let samples = new();
    let make = {
        let (client, base, edits, samples) = (client.clone(), base.clone(), edits.clone(), samples.clone());
        move |i: usize| {
            let (id, name, version, cookie) = &edits[i % edits.len()];
            let form = [("id", id.to_string()), ("version", version.to_string()), ("name", format!("{name}·改{i}"))];
            answer(client.post(format!("{base}/api/rename_node")).header("cookie", cookie).form(&form), samples.clone())
        }
    };
    let what = format!("rename_node (versioned grid edit; {} micro-grids, 50 admins)", edits.len());
    rows.push(measured(what, (server_pid, server_pid), rates.grid, secs, samples, make).await);
    let samples = new();
    let make = {
        let (raw, edits, samples) = (raw.clone(), edits.clone(), samples.clone());
        move |i: usize| {
            let (id, name, version, _) = &edits[i % edits.len()];
            raw_write(
                raw.clone(),
                "UPDATE grid_nodes SET name = ?, version = version + 1, updated_at = unixepoch() WHERE id = ? AND version = ?",
                vec![Value::Text(format!("{name}·改{i}")), Value::Int(*id), Value::Int(*version)],
                samples.clone(),
            )
        }
    };
    let what = "↳ baseline: raw SQLite UPDATE … WHERE version = ?, own BEGIN IMMEDIATE txn".to_string();
    rows.push(measured(what, (server_pid, own_pid), rates.grid, secs, samples, make).await);

    // What the server acknowledged is in the database.
    let stored = |sql: &'static str| {
        let pool = pool.clone();
        async move { sqlx::query_scalar::<_, i64>(sql).fetch_one(&pool).await.unwrap_or(-1) }
    };
    let placed = stored("SELECT count(*) FROM service_orders WHERE idempotency_key GLOB 'suite-place-*'").await;
    let taken = stored("SELECT count(*) FROM service_orders WHERE status = 'taken'").await - fx.taken_before;
    let votes = stored("SELECT count(*) FROM star_votes WHERE election_id = (SELECT id FROM star_elections WHERE title = '压测街道志愿服务之星评选')").await;
    let renamed = stored("SELECT count(*) FROM grid_nodes WHERE name GLOB '*·改*'").await;

    println!("\n## Grid Station benchmark suite\n");
    println!(
        "Machine: {}; load average {load_before} before the run, {} after; SQLite {sqlite}; release server as a \
         separate process; schema at migration {migration:04} ({migration_name}).",
        machine_facts(),
        load_average()
    );
    println!(
        "Constant arrival rate for {secs} s per row (scale {}), latency from each request's scheduled start; \
         errors = non-2xx and transport errors (409 apart); peak MB = VmHWM of the serving process over the row \
         (server, bare axum process, or this bench process for raw SQLite). Each row starts once the server is \
         idle (see the escalation task below).\n",
        a.scale
    );
    print_table(&rows);
    println!(
        "\nData: demo city + 压测街道 loaded in {:.1} s (generate-city.sql {:.1} s, generate-load.sql {:.1} s; \
         copy for the raw baselines {:.1} s); database {:.0} MB.",
        (loaded.city + loaded.load).as_secs_f64(),
        loaded.city.as_secs_f64(),
        loaded.load.as_secs_f64(),
        loaded.copy.as_secs_f64(),
        loaded.db_mb
    );
    for (what, n) in &loaded.counts {
        println!("- {what}: {n}");
    }
    println!(
        "- pages: board {:.1} KB ({}), dashboard {:.1} KB ({}), {asset} {:.1} KB ({})",
        kb(&board),
        board.0,
        kb(&dashboard),
        dashboard.0,
        kb(&static_body),
        static_body.0
    );
    println!(
        "\nStored = acknowledged: placed {placed} = {}, taken {taken} = {}, votes {votes} = {}, renamed {renamed} = {}.",
        rows[6].tally.ok, rows[8].tally.ok, rows[10].tally.ok, rows[12].tally.ok
    );
    println!(
        "\nThe server's escalation UPDATE (every 30 s, inside BEGIN IMMEDIATE) took {:.2} s on this data \
         ({escalated} orders due; timed on the copy and rolled back): writes arriving meanwhile wait for it, \
         and the rows above start only once the server is idle again.",
        escalation.as_secs_f64()
    );
    for r in &rows {
        let samples = r.samples.lock().unwrap_or_else(|p| p.into_inner());
        for s in samples.iter() {
            println!("- {}: {s}", r.what);
        }
    }
    if rows.iter().any(|r| r.rss_only) {
        println!("\n* VmRSS after the row: the peak could not be reset (clear_refs refused).");
    }
    drop(bytes_server);
    drop(server);
    if a.keep {
        let kept = dir.keep();
        eprintln!("kept {}", kept.display());
    }
}
