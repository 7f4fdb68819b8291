//! Board benchmark (not a test): drives the release server, started as a separate
//! process on a fresh database, over HTTP at a constant arrival rate, and prints
//!
//! * 接单 throughput and latency p50/p99 at a fixed rate, with board page reads alongside;
//! * the board page (SSR) p50/p99 with 1,000 open orders;
//! * in the same run, the raw SQLite rate of the same conditional UPDATE in its own
//!   `BEGIN IMMEDIATE` transaction, with the same durability settings (WAL, synchronous=FULL).
//!
//! Latency is measured from each request's scheduled start, so a stalled server cannot
//! hide its queue (no coordinated omission).
//!
//! `cargo run --release -p server --example bench -- [--server target/release/server]
//!  [--takes-per-sec 200] [--reads-per-sec 500] [--seconds 10]`
#[path = "support/mod.rs"]
mod support;

use reqwest::{Client, StatusCode};
use sqlx::{Connection, SqlitePool};
use std::sync::Arc;
use std::time::{Duration, Instant};
use support::{constant_rate, open, pct, Tally};

struct Args {
    server: String,
    takes_per_sec: u64,
    reads_per_sec: u64,
    seconds: u64,
}

fn args() -> Args {
    let mut a = Args { server: "target/release/server".into(), takes_per_sec: 200, reads_per_sec: 500, seconds: 10 };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let value = it.next().unwrap_or_default();
        match flag.as_str() {
            "--server" => a.server = value,
            "--takes-per-sec" => a.takes_per_sec = value.parse().unwrap_or(a.takes_per_sec),
            "--reads-per-sec" => a.reads_per_sec = value.parse().unwrap_or(a.reads_per_sec),
            "--seconds" => a.seconds = value.parse().unwrap_or(a.seconds),
            other => eprintln!("ignoring unknown argument {other}"),
        }
    }
    a
}

/// Adds `n` open orders in 祖望社区 (spread over its residents); returns their ids.
async fn add_open_orders(pool: &SqlitePool, n: usize, tag: &str) -> Vec<i64> {
    let residents: Vec<(i64, i64, i64, i64)> = sqlx::query_as(
        "SELECT p.id, a.id, p.micro_grid_id, p.building_id FROM people p JOIN accounts a ON a.person_id = p.id
         JOIN grid_nodes m ON m.id = p.micro_grid_id JOIN grid_nodes c ON m.code GLOB c.code || '*'
         JOIN role_assignments r ON r.account_id = a.id AND r.role = 'resident'
         WHERE c.name = '祖望社区' AND p.phone >= '13800001000'",
    )
    .fetch_all(pool)
    .await
    .expect("residents");
    let mut tx = pool.begin().await.expect("tx");
    let mut ids = Vec::with_capacity(n);
    for i in 0..n {
        let (person, account, micro, building) = residents[i % residents.len()];
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO service_orders (requester_id, placed_by, section, title, urgency, micro_grid_id, building_id, room, contact_phone)
             VALUES (?, ?, ?, ?, ?, ?, ?, '101', '13800001000') RETURNING id",
        )
        .bind(person)
        .bind(account)
        .bind(["daily_life", "health", "policy", "assistance", "environment"][i % 5])
        .bind(format!("压测需求 {tag} {i}"))
        .bind(if i % 7 == 0 { "urgent" } else { "normal" })
        .bind(micro)
        .bind(building)
        .fetch_one(&mut *tx)
        .await
        .expect("insert");
        ids.push(id);
    }
    tx.commit().await.expect("commit");
    ids
}

async fn sign_in(base: &str, phone: &str) -> Client {
    let client = support::browser_like().cookie_store(true).pool_max_idle_per_host(64).build().expect("client");
    let res = client
        .post(format!("{base}/api/login"))
        .form(&[("phone", phone), ("password", "gridstation")])
        .send()
        .await
        .expect("login");
    assert_eq!(res.status(), StatusCode::OK, "sign-in of {phone}");
    client
}

/// The raw baseline: the same conditional UPDATE, one `BEGIN IMMEDIATE` transaction each.
async fn raw_sqlite(dir: &std::path::Path, n: usize) -> (f64, Vec<Duration>) {
    let pool = open(&dir.join("raw.db")).await;
    sqlx::query("CREATE TABLE orders (id INTEGER PRIMARY KEY, status TEXT NOT NULL, taker_id INTEGER, taken_at INTEGER, version INTEGER NOT NULL DEFAULT 1)")
        .execute(&pool)
        .await
        .expect("create");
    let mut tx = pool.begin().await.expect("tx");
    for _ in 0..n {
        sqlx::query("INSERT INTO orders (status) VALUES ('open')").execute(&mut *tx).await.expect("insert");
    }
    tx.commit().await.expect("commit");
    let mut conn = pool.acquire().await.expect("conn");
    let mut latencies = Vec::with_capacity(n);
    let start = Instant::now();
    for id in 1..=n as i64 {
        let t0 = Instant::now();
        let mut tx = conn.begin_with("BEGIN IMMEDIATE").await.expect("begin");
        sqlx::query("UPDATE orders SET status = 'taken', taker_id = ?, taken_at = unixepoch(), version = version + 1 WHERE id = ? AND status = 'open'")
            .bind(id % 11)
            .bind(id)
            .execute(&mut *tx)
            .await
            .expect("update");
        tx.commit().await.expect("commit");
        latencies.push(t0.elapsed());
    }
    (n as f64 / start.elapsed().as_secs_f64(), latencies)
}

#[tokio::main]
async fn main() {
    let a = args();
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("bench.db");
    let (_server, base) = support::start_server(&a.server, &db, &[]).await;
    let pool = open(&db).await;
    let existing: i64 = sqlx::query_scalar("SELECT count(*) FROM service_orders WHERE status = 'open'")
        .fetch_one(&pool)
        .await
        .expect("q");
    add_open_orders(&pool, 1000usize.saturating_sub(existing as usize), "board").await;
    let takes_total = (a.takes_per_sec * a.seconds) as usize;
    let to_take = Arc::new(add_open_orders(&pool, takes_total, "take").await);

    let mut volunteers = vec![sign_in(&base, "13800000002").await];
    for n in 10..20 {
        volunteers.push(sign_in(&base, &format!("138000000{n}")).await);
    }
    let volunteers = Arc::new(volunteers);
    let reader = sign_in(&base, "13800000001").await;

    // Board alone first (1,000+ open orders), then 接单 with board reads alongside.
    let board = |client: Client, base: String| {
        move |_i: usize| {
            let client = client.clone();
            let url = format!("{base}/board");
            async move {
                match client.get(url).send().await {
                    Ok(r) => {
                        let s = r.status();
                        (s, r.text().await.unwrap_or_default())
                    }
                    Err(e) => (StatusCode::SERVICE_UNAVAILABLE, e.to_string()),
                }
            }
        }
    };
    let (board_alone, board_alone_wall) =
        constant_rate(a.reads_per_sec, a.seconds.min(5), board(reader.clone(), base.clone())).await;

    let takes = {
        let base = base.clone();
        let volunteers = volunteers.clone();
        let to_take = to_take.clone();
        move |i: usize| {
            let client = volunteers[i % volunteers.len()].clone();
            let url = format!("{base}/api/take_order");
            let id = to_take[i % to_take.len()].to_string();
            async move {
                match client.post(url).form(&[("id", id)]).send().await {
                    Ok(r) => {
                        let s = r.status();
                        (s, r.text().await.unwrap_or_default())
                    }
                    Err(e) => (StatusCode::SERVICE_UNAVAILABLE, e.to_string()),
                }
            }
        }
    };
    let reads = tokio::spawn(constant_rate(a.reads_per_sec, a.seconds, board(reader.clone(), base.clone())));
    let (take_tally, take_wall) = constant_rate(a.takes_per_sec, a.seconds, takes).await;
    let (read_tally, read_wall) = reads.await.expect("reads");

    let (raw_rate, mut raw_lat) = raw_sqlite(dir.path(), 2000).await;
    raw_lat.sort();

    let row = |name: &str, t: &mut Tally, wall: Duration, offered: u64| {
        t.latencies.sort();
        println!(
            "| {name:<38} | {offered:>7}/s | {:>9.0}/s | {:>8.1} | {:>8.1} | {:>6} | {:>9} | {:>6} | {:>6} |",
            t.ok as f64 / wall.as_secs_f64(),
            pct(&t.latencies, 0.5),
            pct(&t.latencies, 0.99),
            t.ok,
            t.conflicts,
            t.errors,
            t.locked
        );
    };
    println!("\nGrid Station board benchmark ({} s per phase, release server as a separate process)\n", a.seconds);
    println!(
        "| {:<38} | {:>9} | {:>11} | {:>8} | {:>8} | {:>6} | {:>9} | {:>6} | {:>6} |",
        "what", "offered", "achieved", "p50 ms", "p99 ms", "ok", "conflicts", "errors", "locked"
    );
    println!("|{}|", "-".repeat(124));
    let mut board_alone = board_alone;
    row("board page (SSR), 1,000+ open orders", &mut board_alone, board_alone_wall, a.reads_per_sec);
    let mut take_tally = take_tally;
    row("接单 (take_order), with reads alongside", &mut take_tally, take_wall, a.takes_per_sec);
    let mut read_tally = read_tally;
    row("board page alongside the takes", &mut read_tally, read_wall, a.reads_per_sec);
    println!(
        "| {:<38} | {:>9} | {:>9.0}/s | {:>8.2} | {:>8.2} | {:>6} | {:>9} | {:>6} | {:>6} |",
        "raw SQLite: same UPDATE, own txn",
        "max",
        raw_rate,
        pct(&raw_lat, 0.5),
        pct(&raw_lat, 0.99),
        raw_lat.len(),
        0,
        0,
        0
    );
    let taken: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM service_orders WHERE status = 'taken' AND title LIKE '压测需求 take%'",
    )
    .fetch_one(&pool)
    .await
    .expect("q");
    println!("\norders taken in the database: {taken} (every successful 接单 is one row)");
}
