//! Kill test: the server binary is killed with SIGKILL while votes stream in, then
//! restarted on the same file. Every vote it acknowledged is there, the database passes
//! `PRAGMA integrity_check`, and no vote is without its audit row (no half transaction).
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

const ROUNDS: u64 = 4;
const VOTERS: usize = 600;

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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_acknowledged_vote_survives_a_sigkill() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("kill.db");
    let acknowledged: Arc<Mutex<Vec<(i64, i64)>>> = Arc::default();
    let mut voters = Vec::new();
    let mut candidates = Vec::new();
    let mut next = 0usize;
    for round in 0..ROUNDS {
        let (mut server, base) = start(&db).await;
        if round == 0 {
            let pool = open(&db).await;
            voters = common::residents_with_sessions(&pool, "幸福街道", VOTERS, 13_920_000_000).await;
            candidates = common::running_candidates(&pool).await;
            pool.close().await;
        }
        // Stream distinct valid votes, 32 in flight, and kill the server part-way.
        let client = Client::new();
        let (voters_now, candidates_now, acked) = (voters.clone(), candidates.clone(), acknowledged.clone());
        let first = next;
        let stream = tokio::spawn(async move {
            futures::stream::iter(first..)
                .map(|k| {
                    let (account, cookie) = voters_now[(k / 10) % voters_now.len()].clone();
                    let nomination = candidates_now[k % 10];
                    let request = client.post(format!("{base}/api/cast_vote")).header("cookie", cookie).header("sec-fetch-site", "same-origin");
                    let acked = acked.clone();
                    async move {
                        let sent = request.form(&[("nomination", nomination.to_string())]).send().await;
                        if sent.is_ok_and(|r| r.status() == StatusCode::OK) {
                            acked.lock().expect("lock").push((account, nomination));
                        }
                    }
                })
                .buffer_unordered(32)
                .count()
                .await
        });
        let pause = 400 + (std::process::id() as u64 * 7919 + round * 331) % 700;
        tokio::time::sleep(Duration::from_millis(pause)).await;
        server.0.kill().expect("SIGKILL");
        server.0.wait().expect("reaped");
        stream.abort();
        let _ = stream.await;
        next += 10 * VOTERS / ROUNDS as usize;

        // The server restarts on the same file (recovering the WAL) and everything acknowledged is there.
        let (_server, _base) = start(&db).await;
        let pool = open(&db).await;
        let check: String = sqlx::query_scalar("PRAGMA integrity_check").fetch_one(&pool).await.expect("check");
        assert_eq!(check, "ok", "round {round}");
        let stored: HashSet<(i64, i64)> =
            sqlx::query_as::<_, (i64, i64)>("SELECT voter_id, nomination_id FROM star_votes")
                .fetch_all(&pool)
                .await
                .expect("votes")
                .into_iter()
                .collect();
        let acked = acknowledged.lock().expect("lock").clone();
        assert!(!acked.is_empty(), "round {round}: no vote was acknowledged before the kill");
        let lost: Vec<_> = acked.iter().filter(|v| !stored.contains(v)).collect();
        assert!(lost.is_empty(), "round {round}: acknowledged votes lost: {lost:?}");
        // Each vote and its audit row were committed together.
        let votes: i64 = sqlx::query_scalar(
            "SELECT count(*) FROM star_votes v JOIN accounts a ON a.id = v.voter_id WHERE a.phone >= '13920000000'",
        )
        .fetch_one(&pool)
        .await
        .expect("votes");
        let audited: i64 = sqlx::query_scalar(
            "SELECT count(*) FROM audit_log l JOIN accounts a ON a.id = l.actor_id
             WHERE l.action = 'cast_vote' AND l.outcome = 'ok' AND a.phone >= '13920000000'",
        )
        .fetch_one(&pool)
        .await
        .expect("audit");
        assert_eq!(votes, audited, "round {round}");
        pool.close().await;
        eprintln!("round {round}: killed after {pause} ms, {} acknowledged so far, {votes} stored", acked.len());
    }
}
