//! Grid editor benchmark (not a test): a generated city of 10,000 micro-grids
//! (`seeds/generate-city.sql`: 压测街道, 20 社区 × 25 网格 × 20 微网格, 80,000 households) on top
//! of the demo city, served by the release server as a separate process, and measured over
//! HTTP as a browser would use it:
//!
//! * time to first render of the editor: the full SSR HTML of the editor page (the page
//!   renders only when its data is there, so first byte and last byte are close) for the
//!   subdistrict (20 communities below it), a community (25 grids), a grid (20 micro-grids)
//!   and a micro-grid, one request at a time after a warm-up;
//! * search latency: the `grid_search` server function with a name fragment found in 500
//!   places, a code prefix, a name found once and a name found nowhere, one at a time;
//! * propagation of an edit to 50 open editors: 50 subdistrict admins, each signed in with
//!   its own session, hold the live channel (`/api/events`) open; one of them renames a
//!   micro-grid (`rename_node`) every 500 ms. For every editor and edit: the time from
//!   sending the rename to (a) the Grid event arriving and (b) the editor's refetch of the
//!   node (`admin_data`, what the open page does on the event) showing the new name. The
//!   next edit waits until every editor has its new name, so edits never overlap.
//!
//! `cargo run --release -p server --example grid_bench -- [--server target/release/server]
//!  [--renders 50] [--searches 200] [--editors 50] [--edits 20] [--interval-ms 500]`
#[path = "support/mod.rs"]
mod support;

use app::live::{LiveEvent, Topic};
use reqwest::Client;
use sqlx::SqlitePool;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use support::{machine_facts, open, signed_in_client, start_server, summary};
use tokio::sync::mpsc;

/// The generator, applied to a database the server has migrated and seeded.
const CITY: &str = include_str!("../../seeds/generate-city.sql");
const SUBDISTRICT: &str = "320602099";
/// The generated admins' phones are 13900000000 + 0..50.
const FIRST_ADMIN_PHONE: u64 = 13_900_000_000;

struct Args {
    server: String,
    renders: usize,
    searches: usize,
    editors: usize,
    edits: usize,
    interval: Duration,
}

fn args() -> Args {
    let mut a = Args {
        server: "target/release/server".into(),
        renders: 50,
        searches: 200,
        editors: 50,
        edits: 20,
        interval: Duration::from_millis(500),
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let value = it.next().unwrap_or_default();
        match flag.as_str() {
            "--server" => a.server = value,
            "--renders" => a.renders = value.parse().unwrap_or(a.renders),
            "--searches" => a.searches = value.parse().unwrap_or(a.searches),
            "--editors" => a.editors = value.parse::<usize>().map(|n| n.clamp(1, 50)).unwrap_or(a.editors),
            "--edits" => a.edits = value.parse().unwrap_or(a.edits),
            "--interval-ms" => a.interval = value.parse().map(Duration::from_millis).unwrap_or(a.interval),
            other => eprintln!("ignoring unknown argument {other}"),
        }
    }
    a
}

/// One line of the table: successful samples and how many requests failed.
struct Row {
    what: String,
    latencies: Vec<Duration>,
    failed: usize,
}

impl Row {
    fn new(what: impl Into<String>) -> Self {
        Self { what: what.into(), latencies: Vec::new(), failed: 0 }
    }
}

/// The row counts of the generated subdistrict.
struct CityCounts {
    nodes: i64,
    micro_grids: i64,
    buildings: i64,
    households: i64,
    residents: i64,
}

async fn generate_city(pool: &SqlitePool) -> (CityCounts, Duration) {
    let t0 = Instant::now();
    sqlx::raw_sql(CITY).execute(pool).await.expect("seeds/generate-city.sql");
    let took = t0.elapsed();
    let count = |sql: &'static str| async move {
        sqlx::query_scalar::<_, i64>(sql).bind(format!("{SUBDISTRICT}*")).fetch_one(pool).await.expect("count")
    };
    let counts = CityCounts {
        nodes: count("SELECT count(*) FROM grid_nodes WHERE code GLOB ?").await,
        micro_grids: count("SELECT count(*) FROM grid_nodes WHERE code GLOB ? AND level = 'micro_grid'").await,
        buildings: count("SELECT count(*) FROM grid_nodes WHERE code GLOB ? AND level = 'building'").await,
        households: count(
            "SELECT count(*) FROM households h JOIN grid_nodes n ON n.id = h.node_id WHERE n.code GLOB ?",
        )
        .await,
        residents: count(
            "SELECT count(*) FROM people p JOIN grid_nodes n ON n.id = p.micro_grid_id WHERE n.code GLOB ?",
        )
        .await,
    };
    (counts, took)
}

async fn node(pool: &SqlitePool, code: &str) -> (i64, String) {
    sqlx::query_as("SELECT id, name FROM grid_nodes WHERE code = ?").bind(code).fetch_one(pool).await.expect("node")
}

/// GET or POST and read the whole body; `None` unless the answer is 200 and contains `expect`.
async fn timed(request: reqwest::RequestBuilder, expect: &str) -> (Duration, Option<String>) {
    let t0 = Instant::now();
    let body = match request.send().await {
        Ok(r) if r.status().is_success() => r.text().await.ok(),
        Ok(r) => {
            eprintln!("{} {}", r.status(), r.text().await.unwrap_or_default().chars().take(200).collect::<String>());
            None
        }
        Err(e) => {
            eprintln!("{e}");
            None
        }
    };
    (t0.elapsed(), body.filter(|b| b.contains(expect)))
}

/// `renders` sequential requests after two warm-ups.
async fn measure<F>(what: String, renders: usize, expect: &str, make: F) -> Row
where
    F: Fn(usize) -> reqwest::RequestBuilder,
{
    let mut row = Row::new(what);
    for i in 0..renders + 2 {
        let (took, body) = timed(make(i), expect).await;
        match (i < 2, body) {
            (true, _) => {}
            (false, Some(_)) => row.latencies.push(took),
            (false, None) => row.failed += 1,
        }
    }
    row
}

/// The edit in flight: which one, when its request left, the name it gives.
#[derive(Clone)]
struct Edit {
    k: usize,
    sent: Instant,
    name: String,
}

/// What one editor saw of edit `k`: the event after `event`, its new name after `refetched`.
struct Delivery {
    k: usize,
    event: Duration,
    refetched: Option<Duration>,
}

/// One open editor: holds the live channel; on a Grid event for `target` refetches the
/// editor data of `target` as the page does and reports when the new name is there.
async fn editor(
    client: Client,
    base: String,
    target: i64,
    current: Arc<Mutex<Option<Edit>>>,
    deliveries: mpsc::UnboundedSender<Delivery>,
    ready: mpsc::UnboundedSender<()>,
) {
    let mut stream = client.get(format!("{base}/api/events")).send().await.expect("live channel");
    assert!(stream.status().is_success(), "live channel: {}", stream.status());
    let mut buf: Vec<u8> = Vec::new();
    let mut last = None;
    while let Ok(Some(chunk)) = stream.chunk().await {
        buf.extend_from_slice(&chunk);
        while let Some(end) = buf.windows(2).position(|w| w == b"\n\n") {
            let block: Vec<u8> = buf.drain(..end + 2).collect();
            let block = String::from_utf8_lossy(&block);
            let Some(hint) = block
                .lines()
                .filter_map(|l| l.strip_prefix("data:"))
                .find_map(|d| serde_json::from_str::<LiveEvent>(d.trim()).ok())
            else {
                continue;
            };
            if last.is_none() {
                // The hello: this editor is listening.
                last = Some(usize::MAX);
                let _ = ready.send(());
            }
            if hint.topic != Topic::Grid || hint.id != Some(target) {
                continue;
            }
            let Some(edit) = current.lock().unwrap_or_else(|p| p.into_inner()).clone() else { continue };
            if last == Some(edit.k) {
                continue;
            }
            last = Some(edit.k);
            let event = edit.sent.elapsed();
            let request = client.post(format!("{base}/api/admin_data")).form(&[("node", target.to_string())]);
            let (_, body) = timed(request, &edit.name).await;
            let refetched = body.map(|_| edit.sent.elapsed());
            let _ = deliveries.send(Delivery { k: edit.k, event, refetched });
        }
    }
}

/// Renames the micro-grid `edits` times while `editors` listen; rows for the rename itself,
/// (a) the event and (b) the refetched new name.
async fn propagation(a: &Args, base: &str, pool: &SqlitePool, editors: &[Client], target: (i64, String)) -> [Row; 3] {
    let (target, original) = target;
    let current = Arc::new(Mutex::new(None::<Edit>));
    let (deliveries_tx, mut deliveries) = mpsc::unbounded_channel();
    let (ready_tx, mut ready) = mpsc::unbounded_channel();
    let listeners: Vec<_> = editors
        .iter()
        .map(|c| {
            tokio::spawn(editor(
                c.clone(),
                base.to_string(),
                target,
                current.clone(),
                deliveries_tx.clone(),
                ready_tx.clone(),
            ))
        })
        .collect();
    for _ in editors {
        tokio::time::timeout(Duration::from_secs(30), ready.recv()).await.expect("editors listening");
    }
    let n = editors.len();
    let mut rows = [
        Row::new("rename_node (the edit, as the editing admin sees it)"),
        Row::new(format!("edit → Grid event at each of {n} editors (a)")),
        Row::new(format!("edit → new name refetched by each of {n} editors (b)")),
    ];
    let renamer = &editors[0];
    for k in 0..a.edits {
        let version: i64 = sqlx::query_scalar("SELECT version FROM grid_nodes WHERE id = ?")
            .bind(target)
            .fetch_one(pool)
            .await
            .expect("version");
        let name = format!("{original}·第{k:02}次改名");
        let sent = Instant::now();
        *current.lock().unwrap_or_else(|p| p.into_inner()) = Some(Edit { k, sent, name: name.clone() });
        let form = [("id", target.to_string()), ("version", version.to_string()), ("name", name)];
        let (took, body) = timed(renamer.post(format!("{base}/api/rename_node")).form(&form), "").await;
        match body {
            Some(_) => rows[0].latencies.push(took),
            None => rows[0].failed += 1,
        }
        let mut seen = 0;
        let deadline = sent + Duration::from_secs(60);
        while seen < n {
            match tokio::time::timeout_at(deadline.into(), deliveries.recv()).await {
                Ok(Some(d)) if d.k == k => {
                    seen += 1;
                    rows[1].latencies.push(d.event);
                    match d.refetched {
                        Some(t) => rows[2].latencies.push(t),
                        None => rows[2].failed += 1,
                    }
                }
                Ok(Some(_)) => {}
                Ok(None) | Err(_) => break,
            }
        }
        rows[1].failed += n - seen;
        rows[2].failed += n - seen;
        tokio::time::sleep_until((sent + a.interval).into()).await;
    }
    for l in listeners {
        l.abort();
    }
    rows
}

#[tokio::main]
async fn main() {
    let a = args();
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("grid.db");
    // First start: migrate and seed the demo city; then add the generated city and restart.
    drop(start_server(&a.server, &db, &[]).await);
    let pool = open(&db).await;
    let (counts, generated_in) = generate_city(&pool).await;
    let password = app::repo::seed_repo::demo_password().expect("demo password");
    let (_server, base) = start_server(&a.server, &db, &[]).await;

    let subdistrict = node(&pool, SUBDISTRICT).await;
    let community = node(&pool, &format!("{SUBDISTRICT}010")).await;
    let grid = node(&pool, &format!("{SUBDISTRICT}010013")).await;
    let micro_grid = node(&pool, &format!("{SUBDISTRICT}01001310")).await;

    let t0 = Instant::now();
    let mut editors = Vec::with_capacity(a.editors);
    for i in 0..a.editors as u64 {
        editors.push(signed_in_client(&base, &(FIRST_ADMIN_PHONE + i).to_string(), &password).await);
    }
    eprintln!("signed in {} admins in {:.1} s", editors.len(), t0.elapsed().as_secs_f64());
    let admin = editors[0].clone();

    // The editor's route: /admin/grids once it moves there, /admin until then.
    let probe = admin.get(format!("{base}/admin/grids")).send().await.expect("probe");
    let editor_path = if probe.status().is_success() { "/admin/grids" } else { "/admin" };

    let mut rows = Vec::new();
    let at = |node: &(i64, String)| format!("{editor_path}?node={}", node.0);
    let pages = [
        (editor_path.to_string(), &subdistrict, format!("first render {editor_path} (街道, 20 社区 below)")),
        (at(&subdistrict), &subdistrict, format!("first render {editor_path}?node=<街道>")),
        (at(&community), &community, format!("first render {editor_path}?node=<社区> (25 网格 below)")),
        (at(&grid), &grid, format!("first render {editor_path}?node=<网格> (20 微网格 below)")),
        (at(&micro_grid), &micro_grid, format!("first render {editor_path}?node=<微网格> (2 楼栋 below)")),
    ];
    for (path, (_, name), what) in pages {
        let url = format!("{base}{path}");
        rows.push(measure(what, a.renders, name, |_| admin.get(&url)).await);
        eprintln!("rendered {path}");
    }
    for (node, about) in [(&grid, "网格, 20 微网格"), (&micro_grid, "微网格")] {
        let url = format!("{base}/api/admin_data");
        let form = [("node", node.0.to_string())];
        let what = format!("admin_data alone ({about})");
        rows.push(measure(what, a.renders, &node.1, |_| admin.post(&url).form(&form)).await);
    }

    let queries = [
        ("name fragment", "微网格07".to_string()),
        ("code prefix", format!("{SUBDISTRICT}010013")),
        ("rare name", "压测社区13第07网格".to_string()),
        ("no match", "不存在的名字".to_string()),
    ];
    for (about, q) in &queries {
        let url = format!("{base}/api/grid_search");
        let hits = admin.post(&url).form(&[("q", q)]).send().await.expect("search").text().await.unwrap_or_default();
        let hits = serde_json::from_str::<Vec<serde_json::Value>>(&hits).map_or(0, |v| v.len());
        let what = format!("search {about} \"{q}\" ({hits} hits)");
        rows.push(measure(what, a.searches / queries.len(), "[", |_| admin.post(&url).form(&[("q", q)])).await);
    }
    eprintln!("searched");

    rows.extend(propagation(&a, &base, &pool, &editors, micro_grid.clone()).await);

    let sqlite: String = sqlx::query_scalar("SELECT sqlite_version()").fetch_one(&pool).await.expect("version");
    println!("\nGrid Station grid editor benchmark: {}, SQLite {sqlite}", machine_facts());
    println!(
        "generated city 压测街道 (+ the demo city): {} micro-grids, {} buildings, {} households, {} residents, {} grid nodes; generated in {:.1} s",
        counts.micro_grids,
        counts.buildings,
        counts.households,
        counts.residents,
        counts.nodes,
        generated_in.as_secs_f64()
    );
    println!(
        "release server as a separate process; one request at a time except the {} editors; each edit ≥ {} ms after \
         the previous one and after every editor has its name\n",
        editors.len(),
        a.interval.as_millis()
    );
    println!("| {:<62} | {:>5} | {:>9} | {:>9} | {:>9} |", "what", "n", "p50 ms", "p99 ms", "max ms");
    println!("|{}|", "-".repeat(108));
    for row in &mut rows {
        let (p50, p99, max) = summary(&mut row.latencies);
        println!("| {:<62} | {:>5} | {p50:>9.1} | {p99:>9.1} | {max:>9.1} |", row.what, row.latencies.len());
    }
    let failed: Vec<String> =
        rows.iter().filter(|r| r.failed > 0).map(|r| format!("{}: {}", r.what, r.failed)).collect();
    if failed.is_empty() {
        println!("\nno request failed");
    } else {
        println!("\nFAILED (not in the table): {}", failed.join("; "));
    }
}
