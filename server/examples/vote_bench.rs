//! Vote benchmark (not a test): how many 志愿服务之星 votes per second the release server
//! holds with `synchronous=FULL`, with the group-commit writer and, in the same run on
//! the same disk, with one vote per transaction (`GRIDSTATION_VOTE_BATCH=1`); beside both,
//! the raw rate of single durable commits of one row.
//!
//! Each mode gets a fresh database and server process. Voters are residents of 幸福街道
//! with live sessions; every request is a distinct valid vote, so every answer should be
//! 200. The offered rate steps up until the server no longer holds it (achieved below 95%
//! of offered or p99 over 250 ms). Latency counts from each request's scheduled start.
//!
//! `cargo run --release -p server --example vote_bench -- [--server target/release/server]
//!  [--seconds 5] [--rates 500,750,1000,1500,2000,3000,4000,5000,6000]`
#[path = "../tests/common/mod.rs"]
mod fixtures;
#[path = "support/mod.rs"]
mod support;

use sqlx::Connection;
use std::time::{Duration, Instant};
use support::{constant_rate, open, pct, start_server, Tally};

struct Args {
    server: String,
    seconds: u64,
    rates: Vec<u64>,
}

fn args() -> Args {
    let mut a = Args {
        server: "target/release/server".into(),
        seconds: 5,
        rates: vec![500, 750, 1000, 1500, 2000, 3000, 4000, 5000, 6000],
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let value = it.next().unwrap_or_default();
        match flag.as_str() {
            "--server" => a.server = value,
            "--seconds" => a.seconds = value.parse().unwrap_or(a.seconds),
            "--rates" => a.rates = value.split(',').filter_map(|r| r.trim().parse().ok()).collect(),
            other => eprintln!("ignoring unknown argument {other}"),
        }
    }
    a
}

struct Step {
    offered: u64,
    tally: Tally,
    wall: Duration,
}

impl Step {
    fn achieved(&self) -> f64 {
        self.tally.ok as f64 / self.wall.as_secs_f64()
    }

    fn held(&self) -> bool {
        self.tally.errors == 0
            && self.achieved() >= 0.95 * self.offered as f64
            && pct(&self.tally.latencies, 0.99) <= 250.0
    }
}

/// Runs the rate steps against one server mode; returns the steps and the stored vote count.
async fn run_mode(a: &Args, dir: &std::path::Path, name: &str, batch: &str) -> (Vec<Step>, i64, u64) {
    let db = dir.join(format!("{name}.db"));
    let env = [("GRIDSTATION_VOTE_BATCH", batch), ("GRIDSTATION_VOTES_PER_IP_PER_MINUTE", "100000000")];
    let (_server, base) = start_server(&a.server, &db, &env).await;
    let pool = open(&db).await;
    let candidates = fixtures::running_candidates(&pool).await;
    let quota: i64 = sqlx::query_scalar(
        "SELECT votes_per_voter FROM star_elections WHERE voting_start <= unixepoch() AND voting_end > unixepoch()",
    )
    .fetch_one(&pool)
    .await
    .expect("quota");
    let per_voter = (quota as usize).min(candidates.len());
    let total: u64 = a.rates.iter().map(|r| r * a.seconds).sum();
    let voters =
        fixtures::residents_with_sessions(&pool, "幸福街道", (total as usize).div_ceil(per_voter), 15_000_000_000);
    let cookies: Vec<String> = voters.await.into_iter().map(|(_, cookie)| cookie).collect();
    let client = support::browser_like().pool_max_idle_per_host(512).build().expect("client");
    let mut steps = Vec::new();
    let mut sent = 0usize;
    for &rate in &a.rates {
        let first = sent;
        // The steps go on where the one before stopped: every vote distinct and valid.
        let vote = |i: usize| support::distinct_vote(&client, &base, &cookies, &candidates, per_voter, first + i);
        let (mut tally, wall) = constant_rate(rate, a.seconds, vote).await;
        sent += (rate * a.seconds) as usize;
        tally.latencies.sort();
        let step = Step { offered: rate, tally, wall };
        let held = step.held();
        steps.push(step);
        if !held {
            break;
        }
        // Let the queue drain between steps.
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
    let stored: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM star_votes WHERE voter_id IN (SELECT id FROM accounts WHERE phone >= '15000000000')",
    )
    .fetch_one(&pool)
    .await
    .expect("count");
    let ok: u64 = steps.iter().map(|s| s.tally.ok).sum();
    (steps, stored, ok)
}

/// One row per durable transaction, as fast as one connection can go.
async fn raw_single_commits(dir: &std::path::Path, n: usize) -> (f64, Vec<Duration>) {
    let pool = open(&dir.join("raw.db")).await;
    sqlx::query(
        "CREATE TABLE votes (id INTEGER PRIMARY KEY, election_id INTEGER, voter_id INTEGER, nomination_id INTEGER,
         cast_at INTEGER, UNIQUE (election_id, voter_id, nomination_id))",
    )
    .execute(&pool)
    .await
    .expect("create");
    let mut conn = pool.acquire().await.expect("conn");
    let mut latencies = Vec::with_capacity(n);
    let start = Instant::now();
    for i in 0..n as i64 {
        let t0 = Instant::now();
        let mut tx = conn.begin_with("BEGIN IMMEDIATE").await.expect("begin");
        sqlx::query("INSERT INTO votes (election_id, voter_id, nomination_id, cast_at) VALUES (1, ?, ?, unixepoch())")
            .bind(i / 10)
            .bind(i % 10)
            .execute(&mut *tx)
            .await
            .expect("insert");
        tx.commit().await.expect("commit");
        latencies.push(t0.elapsed());
    }
    latencies.sort();
    (n as f64 / start.elapsed().as_secs_f64(), latencies)
}

fn best(steps: &[Step]) -> Option<&Step> {
    steps.iter().filter(|s| s.held()).max_by(|x, y| x.achieved().total_cmp(&y.achieved()))
}

#[tokio::main]
async fn main() {
    let a = args();
    let dir = tempfile::tempdir().expect("tempdir");
    let (raw_rate, raw_lat) = raw_single_commits(dir.path(), 3000).await;
    let single = run_mode(&a, dir.path(), "single", "1").await;
    let grouped = run_mode(&a, dir.path(), "grouped", "512").await;

    println!(
        "\nGrid Station vote benchmark (synchronous=FULL, WAL, {} s per step, separate server process)\n",
        a.seconds
    );
    println!(
        "| {:<34} | {:>9} | {:>10} | {:>8} | {:>8} | {:>7} | {:>7} | {:>6} | {:>4} |",
        "mode", "offered", "achieved", "p50 ms", "p99 ms", "ok", "refused", "errors", "held"
    );
    println!("|{}|", "-".repeat(118));
    for (name, (steps, _, _)) in
        [("one vote per transaction", &single), ("group commit (≤512 per txn, 2 ms)", &grouped)]
    {
        for s in steps {
            println!(
                "| {name:<34} | {:>7}/s | {:>8.0}/s | {:>8.1} | {:>8.1} | {:>7} | {:>7} | {:>6} | {:>4} |",
                s.offered,
                s.achieved(),
                pct(&s.tally.latencies, 0.5),
                pct(&s.tally.latencies, 0.99),
                s.tally.ok,
                s.tally.conflicts,
                s.tally.errors,
                if s.held() { "yes" } else { "no" }
            );
        }
    }
    println!(
        "| {:<34} | {:>9} | {:>8.0}/s | {:>8.2} | {:>8.2} | {:>7} | {:>7} | {:>6} | {:>4} |",
        "raw SQLite: one INSERT per commit",
        "max",
        raw_rate,
        pct(&raw_lat, 0.5),
        pct(&raw_lat, 0.99),
        raw_lat.len(),
        0,
        0,
        "-"
    );
    let single_best = best(&single.0).map(Step::achieved).unwrap_or(0.0);
    let grouped_best = best(&grouped.0).map(Step::achieved).unwrap_or(0.0);
    println!(
        "\nhighest rate held: one vote per transaction {single_best:.0}/s, group commit {grouped_best:.0}/s ({:.1}x)",
        if single_best > 0.0 { grouped_best / single_best } else { f64::NAN }
    );
    let peak = |steps: &[Step]| steps.iter().map(Step::achieved).fold(0.0, f64::max);
    let (single_peak, grouped_peak) = (peak(&single.0), peak(&grouped.0));
    println!(
        "peak throughput (any latency): one vote per transaction {single_peak:.0}/s, group commit {grouped_peak:.0}/s ({:.1}x)",
        grouped_peak / single_peak.max(1.0)
    );
    println!(
        "votes in the database = acknowledged votes: single {} = {}, grouped {} = {}",
        single.1, single.2, grouped.1, grouped.2
    );
}
