//! Crash test: the server binary is killed with SIGKILL at pseudo-random moments, 20
//! times, while a mixed load streams in (residents place orders, volunteers take them,
//! voters vote), and restarted on the same file each time. After every kill the database
//! passes `PRAGMA integrity_check`, every write the server acknowledged is there, and no
//! half-done transition is visible (each order's status matches its last event, each
//! take has its taker, event and audit row, each vote its audit row).
mod common;

use futures::StreamExt;
use reqwest::{Client, StatusCode};
use sqlx::sqlite::{SqliteConnectOptions, SqlitePoolOptions};
use sqlx::SqlitePool;
use std::collections::HashSet;
use std::process::{Child, Command, Stdio};
use std::str::FromStr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const ROUNDS: u64 = 20;
const VOTERS: usize = 400;
const RESIDENTS: usize = 60;
const VOLUNTEERS: usize = 30;

struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

async fn start(db: &std::path::Path) -> (Server, String) {
    let port = std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).expect("port").port();
    let child = Command::new(env!("CARGO_BIN_EXE_server"))
        .args(["--addr", &format!("127.0.0.1:{port}")])
        .env("DATABASE_URL", format!("sqlite://{}", db.display()))
        .env("RUST_LOG", "warn")
        .env("GRIDSTATION_DEMO", "1")
        .env("GRIDSTATION_VOTES_PER_IP_PER_MINUTE", "1000000")
        .env("GRIDSTATION_API_PER_IP_PER_MINUTE", "1000000")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start the server binary");
    let server = Server(child);
    let base = format!("http://127.0.0.1:{port}");
    let deadline = Instant::now() + Duration::from_secs(60);
    while !Client::new().get(format!("{base}/healthz")).send().await.is_ok_and(|r| r.status().is_success()) {
        assert!(Instant::now() < deadline, "the server did not start");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    (server, base)
}

async fn open(db: &std::path::Path) -> SqlitePool {
    let options = SqliteConnectOptions::from_str(&format!("sqlite://{}", db.display())).expect("url");
    SqlitePoolOptions::new().max_connections(2).connect_with(options).await.expect("open")
}

/// What the server acknowledged with a 200 before it was killed.
#[derive(Default)]
struct Acked {
    votes: Vec<(i64, i64)>,
    /// (placing account, idempotency key, the order id answered)
    orders: Vec<(i64, String, i64)>,
    /// (order id, the taker's person id)
    takes: Vec<(i64, i64)>,
}

/// Volunteers with sessions: residents who also hold the volunteer role over the whole
/// subdistrict. Returns (person id, cookie).
async fn volunteers(pool: &SqlitePool) -> Vec<(i64, String)> {
    let people = common::residents_with_sessions(pool, "幸福街道", VOLUNTEERS, 13_930_000_000).await;
    let street: i64 =
        sqlx::query_scalar("SELECT id FROM grid_nodes WHERE name = '幸福街道'").fetch_one(pool).await.expect("street");
    let mut out = Vec::new();
    for (account, cookie) in people {
        sqlx::query("INSERT INTO role_assignments (account_id, role, node_id) VALUES (?, 'volunteer', ?)")
            .bind(account)
            .bind(street)
            .execute(pool)
            .await
            .expect("volunteer role");
        let person: i64 = sqlx::query_scalar("SELECT person_id FROM accounts WHERE id = ?")
            .bind(account)
            .fetch_one(pool)
            .await
            .expect("person");
        out.push((person, cookie));
    }
    out
}

/// One request of the mixed load, chosen by its sequence number `k`.
async fn one_request(client: Client, base: String, k: usize, fixtures: Arc<Fixtures>, acked: Arc<Mutex<Acked>>) {
    let same_origin = |r: reqwest::RequestBuilder| r.header("sec-fetch-site", "same-origin");
    match k % 3 {
        0 => {
            let (account, cookie) = &fixtures.residents[(k / 3) % fixtures.residents.len()];
            let key = format!("crash-test-{k:08}");
            let form = [
                ("section", "daily_life"),
                ("title", "帮忙取快递"),
                ("description", "崩溃测试"),
                ("urgency", "normal"),
                ("idempotency_key", key.as_str()),
            ];
            let req = same_origin(client.post(format!("{base}/api/place_order")).header("cookie", cookie)).form(&form);
            if let Ok(res) = req.send().await {
                if res.status() == StatusCode::OK {
                    if let Ok(id) = res.text().await.map(|t| t.trim().parse::<i64>()) {
                        let id = id.expect("an order id");
                        acked.lock().expect("lock").orders.push((*account, key, id));
                    }
                }
            }
        }
        1 => {
            let order = {
                let a = acked.lock().expect("lock");
                let taken: HashSet<i64> = a.takes.iter().map(|t| t.0).collect();
                a.orders.iter().rev().map(|o| o.2).find(|id| !taken.contains(id))
            };
            let Some(order) = order else { return };
            let (person, cookie) = &fixtures.volunteers[k % fixtures.volunteers.len()];
            let req = same_origin(client.post(format!("{base}/api/take_order")).header("cookie", cookie))
                .form(&[("id", order.to_string())]);
            if req.send().await.is_ok_and(|r| r.status() == StatusCode::OK) {
                acked.lock().expect("lock").takes.push((order, *person));
            }
        }
        _ => {
            let n = k / 3;
            let (account, cookie) = &fixtures.voters[(n / 10) % fixtures.voters.len()];
            let nomination = fixtures.candidates[n % 10];
            let req = same_origin(client.post(format!("{base}/api/cast_vote")).header("cookie", cookie))
                .form(&[("nomination", nomination.to_string())]);
            if req.send().await.is_ok_and(|r| r.status() == StatusCode::OK) {
                acked.lock().expect("lock").votes.push((*account, nomination));
            }
        }
    }
}

struct Fixtures {
    voters: Vec<(i64, String)>,
    candidates: Vec<i64>,
    residents: Vec<(i64, String)>,
    volunteers: Vec<(i64, String)>,
}

/// Everything the server acknowledged is in the file, and nothing is half done.
async fn check(pool: &SqlitePool, acked: &Acked, round: u64) -> (usize, usize, usize) {
    let check: String = sqlx::query_scalar("PRAGMA integrity_check").fetch_one(pool).await.expect("check");
    assert_eq!(check, "ok", "round {round}");
    let fk: Vec<(String, i64)> =
        sqlx::query_as("SELECT \"table\", rowid FROM pragma_foreign_key_check").fetch_all(pool).await.expect("fk");
    assert!(fk.is_empty(), "round {round}: foreign keys broken: {fk:?}");

    let stored: HashSet<(i64, i64)> = sqlx::query_as::<_, (i64, i64)>("SELECT voter_id, nomination_id FROM star_votes")
        .fetch_all(pool)
        .await
        .expect("votes")
        .into_iter()
        .collect();
    let lost: Vec<_> = acked.votes.iter().filter(|v| !stored.contains(v)).collect();
    assert!(lost.is_empty(), "round {round}: acknowledged votes lost: {lost:?}");
    let (votes, audited): (i64, i64) = sqlx::query_as(
        "SELECT (SELECT count(*) FROM star_votes v JOIN accounts a ON a.id = v.voter_id WHERE a.phone >= '13920000000'),
                (SELECT count(*) FROM audit_log l JOIN accounts a ON a.id = l.actor_id
                 WHERE l.action = 'cast_vote' AND l.outcome = 'ok' AND a.phone >= '13920000000')",
    )
    .fetch_one(pool)
    .await
    .expect("votes");
    assert_eq!(votes, audited, "round {round}: a vote without its audit row, or the reverse");

    let orders: std::collections::HashMap<String, (i64, String, Option<i64>)> = sqlx::query_as::<
        _,
        (String, i64, String, Option<i64>),
    >(
        "SELECT idempotency_key, id, status, taker_id FROM service_orders WHERE idempotency_key LIKE 'crash-test-%'",
    )
    .fetch_all(pool)
    .await
    .expect("orders")
    .into_iter()
    .map(|(key, id, status, taker)| (key, (id, status, taker)))
    .collect();
    for (_, key, id) in &acked.orders {
        let stored = orders.get(key).unwrap_or_else(|| panic!("round {round}: acknowledged order {key} lost"));
        assert_eq!(stored.0, *id, "round {round}: {key}");
    }
    for (order, person) in &acked.takes {
        let (_, status, taker) = orders.values().find(|o| o.0 == *order).expect("the taken order");
        assert_eq!((status.as_str(), *taker), ("taken", Some(*person)), "round {round}: acknowledged take of {order}");
    }
    // No half-done transition: every order's status is the target of its last event, a
    // taken order has exactly one take event and one audit row for it.
    let torn: Vec<(i64, String, Option<String>)> = sqlx::query_as(
        "SELECT o.id, o.status, (SELECT e.to_status FROM order_events e WHERE e.order_id = o.id ORDER BY e.id DESC LIMIT 1)
         FROM service_orders o WHERE o.idempotency_key LIKE 'crash-test-%'",
    )
    .fetch_all(pool)
    .await
    .expect("events");
    let torn: Vec<_> = torn.into_iter().filter(|(_, status, last)| last.as_deref() != Some(status.as_str())).collect();
    assert!(torn.is_empty(), "round {round}: orders whose status and events disagree: {torn:?}");
    let unaudited: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM service_orders o WHERE o.idempotency_key LIKE 'crash-test-%' AND o.status = 'taken'
           AND (SELECT count(*) FROM audit_log l WHERE l.object_kind = 'service_order' AND l.object_id = o.id
                AND l.action = 'order_transition' AND l.detail = 'take') != 1",
    )
    .fetch_one(pool)
    .await
    .expect("audit");
    assert_eq!(unaudited, 0, "round {round}: a take without exactly one audit row");
    (acked.orders.len(), acked.takes.len(), acked.votes.len())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_acknowledged_write_survives_twenty_sigkills_under_mixed_load() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("kill.db");
    let acked: Arc<Mutex<Acked>> = Arc::default();
    let mut fixtures: Option<Arc<Fixtures>> = None;
    let mut next = 0usize;
    let seed = std::process::id() as u64;
    for round in 0..ROUNDS {
        let (mut server, base) = start(&db).await;
        let fixtures = match &fixtures {
            Some(f) => f.clone(),
            None => {
                let pool = open(&db).await;
                let f = Arc::new(Fixtures {
                    voters: common::residents_with_sessions(&pool, "幸福街道", VOTERS, 13_920_000_000).await,
                    candidates: common::running_candidates(&pool).await,
                    residents: common::residents_with_sessions(&pool, "幸福街道", RESIDENTS, 13_940_000_000).await,
                    volunteers: volunteers(&pool).await,
                });
                pool.close().await;
                fixtures.insert(f).clone()
            }
        };
        // Stream the mixed load, 24 in flight, and kill the server part-way.
        let client = Client::new();
        let (f, a, first) = (fixtures.clone(), acked.clone(), next);
        let stream = tokio::spawn(async move {
            futures::stream::iter(first..)
                .map(|k| one_request(client.clone(), base.clone(), k, f.clone(), a.clone()))
                .buffer_unordered(24)
                .count()
                .await
        });
        let pause = 150 + (seed.wrapping_mul(7919) + round * 331) % 600;
        tokio::time::sleep(Duration::from_millis(pause)).await;
        server.0.kill().expect("SIGKILL");
        server.0.wait().expect("reaped");
        stream.abort();
        let _ = stream.await;
        next += 3 * 10 * VOTERS / ROUNDS as usize;

        let pool = open(&db).await;
        let snapshot = {
            let a = acked.lock().expect("lock");
            Acked { votes: a.votes.clone(), orders: a.orders.clone(), takes: a.takes.clone() }
        };
        let (orders, takes, votes) = check(&pool, &snapshot, round).await;
        pool.close().await;
        eprintln!("round {round}: killed after {pause} ms; acknowledged so far: {orders} orders, {takes} takes, {votes} votes");
    }
    let (orders, takes, votes) = {
        let a = acked.lock().expect("lock");
        (a.orders.len(), a.takes.len(), a.votes.len())
    };
    assert!(orders > 0 && takes > 0 && votes > 0, "the load reached every kind of write: {orders}, {takes}, {votes}");
    // The server comes back once more on the file of the twentieth kill.
    let (_server, base) = start(&db).await;
    let res = Client::new().get(format!("{base}/board")).send().await.expect("board");
    assert!(res.status().is_client_error() || res.status().is_success());
}
