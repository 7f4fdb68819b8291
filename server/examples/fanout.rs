//! Live fan-out benchmark (not a test): how fast one committed change reaches thousands of
//! `/api/events` subscribers, what it costs the server per event, and whether subscribers
//! that stop reading slow the others.
//!
//! The release server runs as a separate process on a fresh database, with its counters on
//! (`GRIDSTATION_METRICS_ADDR`). The benchmark opens N server-sent-event streams, each its
//! own TCP connection with a hand-written HTTP/1.1 GET, for N signed-in residents of 幸福街道.
//! Each subscriber behaves like the board in a browser: it opens the stream from the number
//! its page would have been rendered at (`?since=`), loads the board again as JSON
//! (`board_data?seen=`) on a reset, and reconnects with `Last-Event-ID` when the stream drops.
//!
//! Two measured windows on the same subscribers:
//! - orders: a resident places orders through the HTTP API at a steady rate. Every order's
//!   frame carries the order's id, and each subscriber notes when it read it. Delivery
//!   latency is that instant minus the instant the order's HTTP response arrived (the commit
//!   was done; a frame read before the response counts as 0), and also minus the send.
//! - a vote surge: residents cast votes in the election open for voting (the demo's
//!   志愿服务之星, live tally) at a steady rate. Its tally frames are coalesced per election (at
//!   most two a second), so a frame has no one request to count from: its delivery runs from
//!   the first subscriber's read of it to each subscriber's read (the spread of the fan-out).
//!
//! For each window the server's counters give the pages rendered (0 is the claim) and the SQL
//! statements per event, less the open streams' own session checks (one statement per stream
//! every 30 s, whatever happens); `--subscribers 1000,5000` shows whether they grow with the
//! subscribers. Bytes, CPU and RSS are the server's and the subscribers' as before.
//!
//! Two phases per subscriber count: every subscriber reading, then the same number of which a
//! share (`--slow`, percent) never read their socket at all. Those connect first, with a
//! small receive buffer, and are fed orders until the server's TCP send queue to every one
//! of them is stuck (flow control holds the server's writes back); only then do the readers
//! connect and the measured windows start. Each phase starts its own server, warmed up with
//! a few orders before anyone subscribes.
//!
//! `cargo run --release -p server --example fanout -- [--server target/release/server]
//!  [--subscribers 1000,5000] [--slow 10] [--rate 5] [--seconds 20] [--vote-rate 500]
//!  [--vote-seconds 5] [--phases both|fast|slow]`
#[path = "../tests/common/mod.rs"]
mod common;
#[path = "support/mod.rs"]
mod support;

use reqwest::{Client, StatusCode};
use std::collections::HashMap;
use std::io::ErrorKind;
use std::net::SocketAddr;
use std::os::unix::process::CommandExt;
use std::process::Command;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::net::{TcpSocket, TcpStream};
use tokio::sync::watch;

struct Args {
    server: String,
    /// One run (both phases) per count, each on its own server.
    subscribers: Vec<usize>,
    slow_percent: f64,
    rate: u64,
    seconds: u64,
    vote_rate: u64,
    vote_seconds: u64,
    phases: String,
    /// SO_RCVBUF asked for on a slow subscriber's socket (the kernel doubles it).
    slow_recv_buffer: u32,
    /// At most this many orders to stall the slow subscribers before the measured window.
    prefill_max: usize,
}

fn args() -> Args {
    let mut a = Args {
        server: "target/release/server".into(),
        subscribers: vec![1000, 5000],
        slow_percent: 10.0,
        rate: 5,
        seconds: 20,
        vote_rate: 500,
        vote_seconds: 5,
        phases: "both".into(),
        slow_recv_buffer: 4096,
        prefill_max: 3000,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let value = it.next().unwrap_or_default();
        match flag.as_str() {
            "--server" => a.server = value,
            "--subscribers" => {
                let counts: Vec<usize> = value.split(',').filter_map(|n| n.trim().parse().ok()).collect();
                if !counts.is_empty() {
                    a.subscribers = counts;
                }
            }
            "--slow" => a.slow_percent = value.trim_end_matches('%').parse().unwrap_or(a.slow_percent),
            "--rate" => a.rate = value.parse().unwrap_or(a.rate).max(1),
            "--seconds" => a.seconds = value.parse().unwrap_or(a.seconds).max(1),
            "--vote-rate" => a.vote_rate = value.parse().unwrap_or(a.vote_rate).max(1),
            "--vote-seconds" => a.vote_seconds = value.parse().unwrap_or(a.vote_seconds).max(1),
            "--phases" => a.phases = value,
            "--slow-recv-buffer" => a.slow_recv_buffer = value.parse().unwrap_or(a.slow_recv_buffer),
            "--prefill-max" => a.prefill_max = value.parse().unwrap_or(a.prefill_max),
            other => eprintln!("ignoring unknown argument {other}"),
        }
    }
    a
}

/// Soft and hard limits on open files of this process (`None`: unlimited).
fn open_file_limits() -> Option<(Option<u64>, Option<u64>)> {
    let limits = std::fs::read_to_string("/proc/self/limits").ok()?;
    let line = limits.lines().find(|l| l.starts_with("Max open files"))?;
    let mut values = line["Max open files".len()..].split_whitespace().map(|v| v.parse::<u64>().ok());
    Some((values.next()?, values.next()?))
}

/// Every subscriber is a socket here and one in the server, which inherits this process's
/// limit: when the soft limit is too low, raise it with the shell's `ulimit` and start
/// again (once). Returns how many files this process may open.
fn ensure_open_files(needed: u64) -> Option<u64> {
    let (soft, hard) = open_file_limits()?;
    let soft = soft?;
    let target = hard.map_or(65536, |h| h.min(65536)).max(soft);
    if soft >= needed || target == soft || std::env::var_os("FANOUT_REEXEC").is_some() {
        return Some(soft);
    }
    let Ok(exe) = std::env::current_exe() else { return Some(soft) };
    let err = Command::new("sh")
        .arg("-c")
        .arg(format!("ulimit -n {target} && exec \"$0\" \"$@\""))
        .arg(exe)
        .args(std::env::args_os().skip(1))
        .env("FANOUT_REEXEC", "1")
        .exec();
    eprintln!("cannot raise the open-file limit: {err}");
    Some(soft)
}

/// Sockets, files and pipes besides the subscribers, here and in the server.
const SPARE_FILES: u64 = 512;

/// Where a stream starts: as a page rendered at event `n` opens it (`?since=n`), or as a
/// browser's `EventSource` reconnects after a drop (`Last-Event-ID: n`).
#[derive(Clone, Copy)]
enum Start {
    Since(u64),
    LastEventId(u64),
}

/// Opens one event stream: its own TCP connection and a plain HTTP/1.1 GET.
async fn open_stream(
    addr: SocketAddr,
    cookie: &str,
    from: Start,
    recv_buffer: Option<u32>,
) -> std::io::Result<TcpStream> {
    let socket = TcpSocket::new_v4()?;
    if let Some(size) = recv_buffer {
        socket.set_recv_buffer_size(size)?;
    }
    let stream = socket.connect(addr).await?;
    stream.set_nodelay(true)?;
    let (query, last_event_id) = match from {
        Start::Since(n) => (format!("?since={n}"), String::new()),
        Start::LastEventId(n) => (String::new(), format!("last-event-id: {n}\r\n")),
    };
    // What a browser's EventSource sends (the server must not compress the stream).
    let request = format!(
        "GET /api/events{query} HTTP/1.1\r\nhost: {addr}\r\naccept: text/event-stream\r\ncache-control: no-cache\r\n\
         accept-encoding: gzip, deflate, br, zstd\r\n{last_event_id}cookie: {cookie}\r\n\r\n"
    );
    let mut sent = 0;
    while sent < request.len() {
        stream.writable().await?;
        match stream.try_write(&request.as_bytes()[sent..]) {
            Ok(n) => sent += n,
            Err(e) if e.kind() == ErrorKind::WouldBlock => {}
            Err(e) => return Err(e),
        }
    }
    Ok(stream)
}

/// Counters the readers share with the driver.
#[derive(Default)]
struct Counters {
    /// Readers that got the server's hello (subscribed).
    hellos: AtomicUsize,
    /// Order frames with an id read by all readers together.
    hints: AtomicU64,
    /// Tally frames read by all readers together.
    tallies: AtomicU64,
    /// Bytes read from the streams (headers, frames, keep-alives).
    bytes: AtomicU64,
    /// Board reloads after a reset, and those that failed.
    reloads: AtomicU64,
    reloads_failed: AtomicU64,
    /// Streams opened again after a drop.
    reconnects: AtomicU64,
}

/// What a subscriber needs besides its socket: where it reconnects and reloads its board.
struct Board {
    addr: SocketAddr,
    base: String,
    http: Client,
    counters: Arc<Counters>,
}

impl Board {
    /// What the board does on a reset: loads itself again as JSON, at least as new as event
    /// `seq` (`Live::reload` in the app), without holding up the stream.
    fn reload(self: &Arc<Self>, cookie: &str, seq: u64) {
        let (board, cookie) = (self.clone(), cookie.to_string());
        tokio::spawn(async move {
            let seen = seq.to_string();
            let answer = board
                .http
                .post(format!("{}/api/board_data?seen={seen}", board.base))
                .header("cookie", cookie)
                .header("accept", "application/json")
                .form(&[("page", "0"), ("seen", seen.as_str())])
                .send()
                .await;
            board.counters.reloads.fetch_add(1, Ordering::Relaxed);
            if !answer.is_ok_and(|r| r.status() == StatusCode::OK) {
                board.counters.reloads_failed.fetch_add(1, Ordering::Relaxed);
            }
        });
    }
}

/// What one reading subscriber saw.
#[derive(Default)]
struct Seen {
    /// Each order frame: the order's id and when it was read.
    hints: Vec<(i64, Instant)>,
    /// Each tally frame: its number, when it was read and the votes it counts.
    tallies: Vec<(u64, Instant, i64)>,
    /// Resets: events lost, or a cursor the server no longer reaches back to; each reloads
    /// the board.
    gaps: u32,
    /// The number of the latest frame, sent back on a reconnect.
    last_seq: u64,
    subscribed: bool,
    failure: Option<String>,
}

/// The number after `key` in a frame's JSON (`"id":12`); `None` for `null`.
fn number_after(text: &[u8], key: &[u8]) -> Option<i64> {
    let at = text.windows(key.len()).position(|w| w == key)? + key.len();
    let digits = text[at..].iter().take_while(|b| b.is_ascii_digit()).count();
    std::str::from_utf8(&text[at..at + digits]).ok()?.parse().ok()
}

fn contains(text: &[u8], part: &[u8]) -> bool {
    text.windows(part.len()).any(|w| w == part)
}

/// The votes a tally frame counts, all nominations together.
fn tally_total(frame: &[u8]) -> Option<i64> {
    let frame: serde_json::Value = serde_json::from_slice(frame).ok()?;
    Some(frame.get("tally")?.as_array()?.iter().filter_map(|pair| pair.get(1)?.as_i64()).sum())
}

/// How a stream ended.
enum Ended {
    Stopped,
    Dropped,
}

/// Reads one subscriber's stream until told to stop, opening it again after a drop as a
/// browser does; a stream refused outright (not 200) ends it, as it ends an `EventSource`.
async fn subscriber(first: TcpStream, board: Arc<Board>, cookie: String, mut stop: watch::Receiver<bool>) -> Seen {
    let mut seen = Seen::default();
    let mut stream = first;
    loop {
        if let Ended::Stopped = read_events(stream, &board, &cookie, &mut seen, &mut stop).await {
            return seen;
        }
        if seen.failure.is_some() || *stop.borrow() {
            return seen;
        }
        // An EventSource waits a little before it tries again.
        tokio::select! {
            _ = stop.changed() => return seen,
            () = tokio::time::sleep(Duration::from_secs(1)) => {}
        }
        board.counters.reconnects.fetch_add(1, Ordering::Relaxed);
        match open_stream(board.addr, &cookie, Start::LastEventId(seen.last_seq), None).await {
            Ok(again) => stream = again,
            Err(e) => {
                seen.failure = Some(format!("reconnecting: {e}"));
                return seen;
            }
        }
    }
}

/// Reads an event stream until told to stop or it drops, noting when each frame arrived. The
/// body is chunked; chunk-size lines are neither `data:` lines nor blank, so lines are enough.
async fn read_events(
    stream: TcpStream,
    board: &Arc<Board>,
    cookie: &str,
    seen: &mut Seen,
    stop: &mut watch::Receiver<bool>,
) -> Ended {
    let mut buf = vec![0u8; 4096];
    let mut filled = 0;
    let mut status_checked = false;
    loop {
        tokio::select! {
            _ = stop.changed() => return Ended::Stopped,
            ready = stream.readable() => if ready.is_err() {
                return Ended::Dropped;
            },
        }
        let n = match stream.try_read(&mut buf[filled..]) {
            Ok(0) => return Ended::Dropped,
            Ok(n) => n,
            Err(e) if e.kind() == ErrorKind::WouldBlock => continue,
            Err(_) => return Ended::Dropped,
        };
        let at = Instant::now();
        board.counters.bytes.fetch_add(n as u64, Ordering::Relaxed);
        filled += n;
        let mut start = 0;
        while let Some(len) = buf[start..filled].iter().position(|&b| b == b'\n') {
            let line = &buf[start..start + len];
            start += len + 1;
            if !status_checked {
                status_checked = true;
                if !line.starts_with(b"HTTP/1.1 200") {
                    seen.failure = Some(String::from_utf8_lossy(line).trim().to_string());
                    return Ended::Dropped;
                }
                continue;
            }
            let Some(data) = line.strip_prefix(b"data:") else { continue };
            let seq = number_after(data, b"\"seq\":").map_or(seen.last_seq, |n| n as u64);
            seen.last_seq = seen.last_seq.max(seq);
            let reset = contains(data, b"\"reset\":true");
            if reset {
                // Lost events (a lag, or a cursor the server no longer reaches back to).
                seen.gaps += 1;
                seen.last_seq = seq;
                board.reload(cookie, seq);
            }
            if reset || !contains(data, b"\"topic\":") {
                // A hello (once any missed frames are in) or a reset: subscribed.
                if !seen.subscribed {
                    seen.subscribed = true;
                    board.counters.hellos.fetch_add(1, Ordering::Relaxed);
                }
            } else if contains(data, b"\"tally\":") {
                seen.tallies.push((seq, at, tally_total(data).unwrap_or(-1)));
                board.counters.tallies.fetch_add(1, Ordering::Relaxed);
            } else if contains(data, b"\"topic\":\"orders\"") {
                if let Some(id) = number_after(data, b"\"id\":") {
                    seen.hints.push((id, at));
                    board.counters.hints.fetch_add(1, Ordering::Relaxed);
                }
            }
        }
        buf.copy_within(start..filled, 0);
        filled -= start;
        if filled == buf.len() {
            buf.resize(buf.len() * 2, 0);
        }
    }
}

/// The send and receive queues of the machine's open IPv4 TCP connections (neither listening
/// nor in TIME_WAIT), by (local port, remote port).
fn tcp_queues() -> HashMap<(u16, u16), (u64, u64)> {
    let mut queues = HashMap::new();
    let table = std::fs::read_to_string("/proc/net/tcp").unwrap_or_default();
    for line in table.lines().skip(1) {
        let f: Vec<&str> = line.split_whitespace().collect();
        if f.len() < 5 || f[3] == "0A" || f[3] == "06" {
            continue;
        }
        let port = |addr: &str| addr.rsplit(':').next().and_then(|p| u16::from_str_radix(p, 16).ok());
        let (Some(local), Some(remote)) = (port(f[1]), port(f[2])) else { continue };
        let mut q = f[4].split(':').map(|v| u64::from_str_radix(v, 16).unwrap_or(0));
        queues.insert((local, remote), (q.next().unwrap_or(0), q.next().unwrap_or(0)));
    }
    queues
}

/// The clock ticks per second that `/proc` counts CPU time in.
fn ticks_per_sec() -> f64 {
    Command::new("getconf")
        .arg("CLK_TCK")
        .output()
        .ok()
        .and_then(|o| String::from_utf8(o.stdout).ok())
        .and_then(|s| s.trim().parse::<f64>().ok())
        .unwrap_or(100.0)
}

/// A process's user + system CPU time.
fn cpu_time(pid: u32) -> Duration {
    let ticks_per_sec = ticks_per_sec();
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    // Fields after the command name (which may hold spaces); utime and stime are 14 and 15.
    let rest = stat.rsplit(')').next().unwrap_or("");
    let fields: Vec<u64> = rest.split_whitespace().map(|v| v.parse().unwrap_or(0)).collect();
    let ticks = fields.get(11).copied().unwrap_or(0) + fields.get(12).copied().unwrap_or(0);
    Duration::from_secs_f64(ticks as f64 / ticks_per_sec)
}

/// The CPU time the whole machine has spent busy (not idle nor waiting for I/O), all cores
/// together: with the server's and the benchmark's own, what else ran during a window.
fn machine_busy() -> Duration {
    let stat = std::fs::read_to_string("/proc/stat").unwrap_or_default();
    let ticks: Vec<u64> =
        stat.lines().next().unwrap_or("").split_whitespace().skip(1).map(|v| v.parse().unwrap_or(0)).collect();
    // user nice system idle iowait irq softirq steal
    let busy: u64 = [0, 1, 2, 5, 6, 7].iter().filter_map(|i| ticks.get(*i)).sum();
    Duration::from_secs_f64(busy as f64 / ticks_per_sec())
}

/// One order placed through the HTTP API.
struct Commit {
    sent: Instant,
    done: Instant,
    id: Option<i64>,
}

async fn place_order(client: &Client, base: &str, key: String) -> Commit {
    let sent = Instant::now();
    let title = format!("直播压测 {}", &key[key.len().saturating_sub(6)..]);
    let form = [
        ("section", "daily_life"),
        ("title", title.as_str()),
        ("description", ""),
        ("urgency", "normal"),
        ("idempotency_key", key.as_str()),
    ];
    let id = match client.post(format!("{base}/api/place_order")).form(&form).send().await {
        Ok(res) if res.status() == StatusCode::OK => res.text().await.ok().and_then(|t| t.trim().parse().ok()),
        Ok(res) => {
            eprintln!("place_order answered {}: {}", res.status(), res.text().await.unwrap_or_default());
            None
        }
        Err(e) => {
            eprintln!("place_order failed: {e}");
            None
        }
    };
    Commit { sent, done: Instant::now(), id }
}

/// Places orders at `rate` per second for `seconds`, each on its own schedule.
async fn steady_orders(client: &Client, base: &str, tag: &str, rate: u64, seconds: u64) -> Vec<Commit> {
    let total = (rate * seconds) as usize;
    let interval = Duration::from_secs_f64(1.0 / rate as f64);
    let start = tokio::time::Instant::now();
    let mut handles = Vec::with_capacity(total);
    for i in 0..total {
        tokio::time::sleep_until(start + interval * i as u32).await;
        let (client, base, key) = (client.clone(), base.to_string(), format!("fanout-{tag}-{i:06}"));
        handles.push(tokio::spawn(async move { place_order(&client, &base, key).await }));
    }
    let mut commits = Vec::with_capacity(total);
    for h in handles {
        if let Ok(c) = h.await {
            commits.push(c);
        }
    }
    commits
}

const PAGES: &str = "gridstation_page_renders_total";
const SQL: &str = "gridstation_sql_statements_total";
const CHECKS: &str = "gridstation_live_session_checks_total";
const FRAMES: &str = "gridstation_live_frames_total";

/// The server's counters and CPU time and the bytes the readers read, at one instant.
struct Mark {
    at: Instant,
    counters: HashMap<String, u64>,
    cpu: Duration,
    /// The benchmark's own CPU time, and the whole machine's.
    own_cpu: Duration,
    machine_cpu: Duration,
    bytes: u64,
}

/// What the server did and sent between two marks.
struct Cost {
    page_renders: u64,
    /// SQL statements, less the open streams' session checks (one statement per 500 sessions).
    sql: u64,
    session_checks: u64,
    frames: u64,
    /// The server's CPU, as a share of one core.
    cpu: f64,
    /// The benchmark's CPU and everything else's (another build, a browser), likewise.
    own_cpu: f64,
    others_cpu: f64,
    bytes: u64,
    rss: Option<u64>,
}

impl Cost {
    fn between(before: &Mark, after: &Mark, rss: Option<u64>) -> Cost {
        let delta = |name: &str| after.counters[name].saturating_sub(before.counters[name]);
        let wall = (after.at - before.at).as_secs_f64();
        let share = |cpu: fn(&Mark) -> Duration| cpu(after).saturating_sub(cpu(before)).as_secs_f64() / wall;
        Cost {
            page_renders: delta(PAGES),
            sql: delta(SQL).saturating_sub(delta(CHECKS)),
            session_checks: delta(CHECKS),
            frames: delta(FRAMES),
            cpu: share(|m| m.cpu),
            own_cpu: share(|m| m.own_cpu),
            others_cpu: (share(|m| m.machine_cpu) - share(|m| m.cpu) - share(|m| m.own_cpu)).max(0.0),
            bytes: after.bytes - before.bytes,
            rss,
        }
    }
}

/// The orders' window.
struct Orders {
    committed: usize,
    failed: usize,
    expected: u64,
    received: u64,
    from_done: (f64, f64, f64),
    from_sent: (f64, f64, f64),
    commit: (f64, f64, f64),
    cost: Cost,
}

/// The vote surge's window.
struct Votes {
    sent: usize,
    tally: support::Tally,
    wall: Duration,
    /// Tally frames read per reading subscriber, on average.
    per_subscriber: f64,
    /// From the first subscriber's read of a tally frame to each one's.
    spread: (f64, f64, f64),
    /// Reading subscribers whose last tally frame showed the election's final count.
    final_seen: usize,
    final_total: i64,
    cost: Cost,
}

struct Outcome {
    fast: usize,
    slow: usize,
    orders: Orders,
    votes: Votes,
    gaps: u64,
    reloads: u64,
    reloads_failed: u64,
    reconnects: u64,
    failures: usize,
    first_failure: Option<String>,
    connect_secs: f64,
    idle_rss: Option<u64>,
    rss_connected: Option<u64>,
    peak: Option<u64>,
    peak_reset: bool,
    prefill: usize,
    stalled_before: usize,
    stalled_after: usize,
    stuck_bytes: u64,
    /// Slow subscribers that, reading at last, found a lag notice (the server skipped them ahead).
    slow_lagged: usize,
    /// Order frames a slow subscriber found when it read at last (least, most).
    slow_backlog: (usize, usize),
}

struct Server {
    pid: u32,
    addr: SocketAddr,
    base: String,
    /// Where the server's counters answer (`GET /metrics`).
    metrics: String,
    resident: Client,
    pool: sqlx::SqlitePool,
    /// One signed-in resident per subscriber (the stream needs a session; an account
    /// may hold only a few streams); the voters are the first of them.
    cookies: Vec<String>,
}

impl Server {
    /// Starts the release server on a fresh database, with its counters on, and signs
    /// `accounts` residents in.
    async fn start(a: &Args, dir: &std::path::Path, tag: &str, accounts: usize) -> (support::ServerProcess, Server) {
        let db = dir.join(format!("{tag}.db"));
        let max_streams = (accounts + 100).to_string();
        let metrics = format!("127.0.0.1:{}", support::free_port());
        let env = [
            ("GRIDSTATION_MAX_STREAMS", max_streams.as_str()),
            ("GRIDSTATION_METRICS_ADDR", metrics.as_str()),
            ("GRIDSTATION_VOTES_PER_IP_PER_MINUTE", "100000000"),
        ];
        let (process, base) = support::start_server(&a.server, &db, &env).await;
        let addr = base.trim_start_matches("http://").parse().expect("server address");
        let resident = support::signed_in_client(&base, "13800000001", "gridstation").await;
        let pool = support::open(&db).await;
        let cookies = common::residents_with_sessions(&pool, "幸福街道", accounts, 13_700_000_000)
            .await
            .into_iter()
            .map(|(_, cookie)| cookie)
            .collect();
        let pid = process.pid();
        (process, Server { pid, addr, base, metrics, resident, pool, cookies })
    }

    async fn mark(&self, counters: &Counters) -> Mark {
        let counters_now = support::counters(&self.metrics).await;
        Mark {
            at: Instant::now(),
            counters: counters_now,
            cpu: cpu_time(self.pid),
            own_cpu: cpu_time(std::process::id()),
            machine_cpu: machine_busy(),
            bytes: counters.bytes.load(Ordering::Relaxed),
        }
    }

    /// The number of the latest frame: what a page rendered now would open its stream from.
    async fn current_frame(&self) -> u64 {
        support::counters(&self.metrics).await[FRAMES]
    }
}

/// The election open for voting (the demo's 志愿服务之星), its votes per voter and its
/// approved candidates.
async fn running_election(pool: &sqlx::SqlitePool) -> (i64, usize, Vec<i64>) {
    let (id, quota): (i64, i64) = sqlx::query_as(
        "SELECT id, votes_per_voter FROM star_elections WHERE voting_start <= unixepoch() AND voting_end > unixepoch()",
    )
    .fetch_one(pool)
    .await
    .expect("an election open for voting");
    (id, quota as usize, common::running_candidates(pool).await)
}

/// Votes at `rate` a second for `seconds`, every one distinct and valid.
async fn vote_surge(
    s: &Server,
    candidates: &[i64],
    per_voter: usize,
    rate: u64,
    seconds: u64,
) -> (support::Tally, Duration) {
    let client = support::browser_like().pool_max_idle_per_host(512).build().expect("client");
    support::constant_rate(rate, seconds, |k| {
        support::distinct_vote(&client, &s.base, &s.cookies, candidates, per_voter, k)
    })
    .await
}

/// Slow subscribers whose server-side send queue is not empty (the server cannot write to them).
fn stalled(server_port: u16, slow_ports: &[u16]) -> (usize, u64) {
    let queues = tcp_queues();
    let mut count = 0;
    let mut bytes = 0;
    for port in slow_ports {
        let server_side = queues.get(&(server_port, *port)).map_or(0, |q| q.0);
        let client_side = queues.get(&(*port, server_port)).map_or(0, |q| q.1);
        if server_side > 0 {
            count += 1;
        }
        bytes += server_side + client_side;
    }
    (count, bytes)
}

/// One phase on its own server process and database, so its memory is its own.
async fn run_phase(a: &Args, dir: &std::path::Path, tag: &str, fast: usize, slow: usize) -> Outcome {
    let (_process, mut server) = Server::start(a, dir, tag, fast + slow).await;
    let (election, quota, candidates) = running_election(&server.pool).await;
    let per_voter = quota.min(candidates.len()).max(1);
    let votes_sent = (a.vote_rate * a.vote_seconds) as usize;
    // The voters are the subscribers, and more residents when the surge needs more.
    let more = votes_sent.div_ceil(per_voter).saturating_sub(server.cookies.len());
    if more > 0 {
        let extra = common::residents_with_sessions(&server.pool, "幸福街道", more, 13_790_000_000).await;
        server.cookies.extend(extra.into_iter().map(|(_, cookie)| cookie));
    }
    let s = &server;
    let port = s.addr.port();
    // A few orders first, so the measured ones do not pay for a cold start.
    for i in 0..10 {
        place_order(&s.resident, &s.base, format!("fanout-{tag}-warm-{i:02}")).await;
    }
    let idle_rss = support::proc_memory(s.pid, "VmRSS");
    let peak_reset = support::reset_peak_memory(s.pid);

    // Slow subscribers first: connected, never read, fed until the server's writes to them stall.
    let since = s.current_frame().await;
    let mut slow_streams = Vec::with_capacity(slow);
    for cookie in &s.cookies[fast..fast + slow] {
        match open_stream(s.addr, cookie, Start::Since(since), Some(a.slow_recv_buffer)).await {
            Ok(stream) => slow_streams.push((stream, cookie.clone())),
            Err(e) => eprintln!("a slow subscriber could not connect: {e}"),
        }
    }
    let slow_ports: Vec<u16> =
        slow_streams.iter().filter_map(|(st, _)| st.local_addr().ok()).map(|addr| addr.port()).collect();
    // Subscribed once the response (headers and hello) sits unread in its receive queue.
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let queues = tcp_queues();
        let answered = slow_ports.iter().filter(|p| queues.get(&(**p, port)).is_some_and(|q| q.1 > 0)).count();
        if answered == slow_ports.len() || Instant::now() > deadline {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let mut prefill = 0;
    let mut stalled_before = stalled(port, &slow_ports).0;
    while !slow_ports.is_empty() && prefill < a.prefill_max {
        for _ in 0..25 {
            place_order(&s.resident, &s.base, format!("fanout-{tag}-fill-{prefill:06}")).await;
            prefill += 1;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
        let first = stalled(port, &slow_ports).0;
        tokio::time::sleep(Duration::from_millis(200)).await;
        stalled_before = stalled(port, &slow_ports).0.min(first);
        if stalled_before == slow_ports.len() {
            break;
        }
    }

    // Then the readers, a few hundred handshakes at a time, each as a board page rendered now.
    let counters = Arc::new(Counters::default());
    let http = support::browser_like().pool_max_idle_per_host(256).build().expect("client");
    let board = Arc::new(Board { addr: s.addr, base: s.base.clone(), http, counters: counters.clone() });
    let (stop_tx, stop_rx) = watch::channel(false);
    let mut readers = Vec::with_capacity(fast);
    let started = Instant::now();
    let mut failures = 0;
    let mut first_failure = None;
    let since = s.current_frame().await;
    for cookie in &s.cookies[..fast] {
        while readers.len() > counters.hellos.load(Ordering::Relaxed) + 256 {
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
        match open_stream(s.addr, cookie, Start::Since(since), None).await {
            Ok(stream) => {
                readers.push(tokio::spawn(subscriber(stream, board.clone(), cookie.clone(), stop_rx.clone())))
            }
            Err(e) => {
                failures += 1;
                first_failure.get_or_insert(e.to_string());
            }
        }
    }
    let deadline = Instant::now() + Duration::from_secs(60);
    while counters.hellos.load(Ordering::Relaxed) < readers.len() && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let connect_secs = started.elapsed().as_secs_f64();
    tokio::time::sleep(Duration::from_secs(1)).await;
    let rss_connected = support::proc_memory(s.pid, "VmRSS");
    let listening = counters.hellos.load(Ordering::Relaxed) as u64;

    // The orders' window: orders at a steady rate, then until every frame is in (or 10 s).
    let before = s.mark(&counters).await;
    let commits = steady_orders(&s.resident, &s.base, tag, a.rate, a.seconds).await;
    let with_id = commits.iter().filter(|c| c.id.is_some()).count() as u64;
    let deadline = Instant::now() + Duration::from_secs(10);
    while counters.hints.load(Ordering::Relaxed) < with_id * listening && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let after_orders = s.mark(&counters).await;
    let order_cost = Cost::between(&before, &after_orders, support::proc_memory(s.pid, "VmRSS"));

    // The vote surge, then until no tally frame has come for twice the coalescing interval (or 15 s).
    let before = s.mark(&counters).await;
    let (tally, wall) = vote_surge(s, &candidates, per_voter, a.vote_rate, a.vote_seconds).await;
    let deadline = Instant::now() + Duration::from_secs(15);
    let mut last = (counters.tallies.load(Ordering::Relaxed), Instant::now());
    while Instant::now() < deadline && last.1.elapsed() < Duration::from_secs(1) {
        tokio::time::sleep(Duration::from_millis(50)).await;
        let now = counters.tallies.load(Ordering::Relaxed);
        if now != last.0 {
            last = (now, Instant::now());
        }
    }
    let after_votes = s.mark(&counters).await;
    let vote_cost = Cost::between(&before, &after_votes, support::proc_memory(s.pid, "VmRSS"));
    let (stalled_after, stuck_bytes) = stalled(port, &slow_ports);
    let final_total: i64 = app::repo::elections_repo::tally(&s.pool, app::domain::ids::ElectionId(election))
        .await
        .expect("tally")
        .iter()
        .map(|(_, votes)| votes)
        .sum();

    let _ = stop_tx.send(true);
    let mut seen = Vec::with_capacity(readers.len());
    for r in readers {
        if let Ok(s) = r.await {
            seen.push(s);
        }
    }
    let peak = support::proc_memory(s.pid, "VmHWM");
    // The slow ones read at last: what the server kept for them, and whether it skipped ahead.
    let (late_stop, late_rx) = watch::channel(false);
    let counters_late = Arc::new(Counters::default());
    let late_board =
        Arc::new(Board { addr: s.addr, base: s.base.clone(), http: board.http.clone(), counters: counters_late });
    let late: Vec<_> = slow_streams
        .into_iter()
        .map(|(stream, cookie)| tokio::spawn(subscriber(stream, late_board.clone(), cookie, late_rx.clone())))
        .collect();
    tokio::time::sleep(Duration::from_secs(3)).await;
    let _ = late_stop.send(true);
    let (mut slow_lagged, mut slow_last) = (0, Vec::new());
    for r in late {
        if let Ok(seen) = r.await {
            slow_lagged += usize::from(seen.gaps > 0);
            slow_last.push(seen.hints.len());
        }
    }

    let by_id: HashMap<i64, &Commit> = commits.iter().filter_map(|c| c.id.map(|id| (id, c))).collect();
    let (mut from_done, mut from_sent) = (Vec::new(), Vec::new());
    let (mut expected, mut received, mut gaps) = (0, 0, 0);
    let mut first_tally_read: HashMap<u64, Instant> = HashMap::new();
    for reader in &seen {
        if let Some(f) = &reader.failure {
            failures += 1;
            first_failure.get_or_insert(f.clone());
        }
        gaps += reader.gaps as u64;
        expected += by_id.len() as u64;
        let mut first_read: HashMap<i64, Instant> = HashMap::with_capacity(reader.hints.len());
        for (id, at) in &reader.hints {
            first_read.entry(*id).or_insert(*at);
        }
        for (id, commit) in &by_id {
            if let Some(at) = first_read.get(id) {
                received += 1;
                from_done.push(at.saturating_duration_since(commit.done));
                from_sent.push(at.saturating_duration_since(commit.sent));
            }
        }
        for (seq, at, _) in &reader.tallies {
            first_tally_read.entry(*seq).and_modify(|first| *first = (*first).min(*at)).or_insert(*at);
        }
    }
    let mut spread: Vec<Duration> = seen
        .iter()
        .flat_map(|r| r.tallies.iter().map(|(seq, at, _)| at.saturating_duration_since(first_tally_read[seq])))
        .collect();
    let tally_frames: usize = seen.iter().map(|r| r.tallies.len()).sum();
    let final_seen = seen.iter().filter(|r| r.tallies.last().is_some_and(|t| t.2 == final_total)).count();
    let mut commit_latency: Vec<Duration> = commits.iter().map(|c| c.done - c.sent).collect();
    Outcome {
        fast,
        slow: slow_ports.len(),
        orders: Orders {
            committed: commits.len(),
            failed: commits.len() - by_id.len(),
            expected,
            received,
            from_done: support::summary(&mut from_done),
            from_sent: support::summary(&mut from_sent),
            commit: support::summary(&mut commit_latency),
            cost: order_cost,
        },
        votes: Votes {
            sent: votes_sent,
            tally,
            wall,
            per_subscriber: tally_frames as f64 / seen.len().max(1) as f64,
            spread: support::summary(&mut spread),
            final_seen,
            final_total,
            cost: vote_cost,
        },
        gaps,
        reloads: counters.reloads.load(Ordering::Relaxed),
        reloads_failed: counters.reloads_failed.load(Ordering::Relaxed),
        reconnects: counters.reconnects.load(Ordering::Relaxed),
        failures,
        first_failure,
        connect_secs,
        idle_rss,
        rss_connected,
        peak,
        peak_reset,
        prefill,
        stalled_before,
        stalled_after,
        stuck_bytes,
        slow_lagged,
        slow_backlog: (slow_last.iter().copied().min().unwrap_or(0), slow_last.iter().copied().max().unwrap_or(0)),
    }
}

fn mb(bytes: Option<u64>) -> String {
    bytes.map_or("?".into(), |b| format!("{:.0}", b as f64 / 1048576.0))
}

/// Per event, and per subscriber for bytes.
fn per(n: u64, events: u64) -> f64 {
    n as f64 / events.max(1) as f64
}

async fn run(a: Args) {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut outcomes = Vec::new();
    for &n in &a.subscribers {
        let slow = ((n as f64 * a.slow_percent / 100.0).round() as usize).min(n);
        if a.phases != "slow" {
            outcomes.push(("all reading", run_phase(&a, dir.path(), &format!("fast-{n}"), n, 0).await));
        }
        if a.phases != "fast" && slow > 0 {
            outcomes.push(("with slow ones", run_phase(&a, dir.path(), &format!("slow-{n}"), n - slow, slow).await));
        }
    }

    println!(
        "\nGrid Station live fan-out: SSE subscribers on their own TCP connections, each behaving as the board \
         (reload on a reset, reconnect with Last-Event-ID); release server as a separate process, a fresh one \
         per phase, counters on, same machine\n"
    );
    println!("Orders: place_order at {}/s for {} s\n", a.rate, a.seconds);
    println!(
        "| {:>11} | {:<14} | {:>6} | {:>19} | {:>6} | {:>6} | {:>6} | {:>6} | {:>6} | {:>5} | {:>9} | {:>9} | {:>7} | {:>13} |",
        "subscribers", "phase", "orders", "deliveries exp/got", "p50 ms", "p99 ms", "max ms", "p99 s→",
        "commit", "pages", "SQL/order", "bytes/sub", "srv CPU", "RSS MB conn/end"
    );
    println!("|{}|", "-".repeat(170));
    for (name, o) in &outcomes {
        let (r, c) = (&o.orders, &o.orders.cost);
        let orders = (r.committed - r.failed) as u64;
        println!(
            "| {:>11} | {:<14} | {:>6} | {:>19} | {:>6.1} | {:>6.1} | {:>6.1} | {:>6.1} | {:>6.1} | {:>5} | {:>9.1} | {:>9.0} | {:>6.0}% | {:>15} |",
            format!("{} / {}", o.fast, o.slow),
            name,
            orders,
            format!("{} / {}", r.expected, r.received),
            r.from_done.0,
            r.from_done.1,
            r.from_done.2,
            r.from_sent.1,
            r.commit.1,
            c.page_renders,
            per(c.sql, orders),
            per(c.bytes, orders) / o.fast.max(1) as f64,
            c.cpu * 100.0,
            format!("{} / {}", mb(o.rss_connected), mb(c.rss)),
        );
    }
    println!(
        "\nLatency: from the order's HTTP response (commit done) to the frame read at each reading subscriber; \
         p99 s→ counts from the request's send; commit: place_order's p99 round trip. pages: pages the server \
         rendered in the window (all of it). SQL/order: statements in the window per order, less the streams' \
         session checks. bytes/sub: bytes each reading subscriber read per order."
    );
    println!(
        "\nVote surge: cast_vote at {}/s for {} s in the election open for voting (live tally)\n",
        a.vote_rate, a.vote_seconds
    );
    println!(
        "| {:>11} | {:<14} | {:>13} | {:>7} | {:>8} | {:>6} | {:>7} | {:>6} | {:>6} | {:>6} | {:>11} | {:>5} | {:>8} | {:>9} | {:>7} | {:>6} |",
        "subscribers", "phase", "votes ok/sent", "votes/s", "vote p99", "frames", "per sub", "p50 ms", "p99 ms",
        "max ms", "final count", "pages", "SQL/vote", "bytes/sub", "srv CPU", "RSS MB"
    );
    println!("|{}|", "-".repeat(178));
    for (name, o) in &outcomes {
        let (v, c) = (&o.votes, &o.votes.cost);
        let mut latencies = v.tally.latencies.clone();
        println!(
            "| {:>11} | {:<14} | {:>13} | {:>7.0} | {:>8.1} | {:>6} | {:>7.1} | {:>6.1} | {:>6.1} | {:>6.1} | {:>11} | {:>5} | {:>8.1} | {:>9.0} | {:>6.0}% | {:>6} |",
            format!("{} / {}", o.fast, o.slow),
            name,
            format!("{} / {}", v.tally.ok, v.sent),
            v.tally.ok as f64 / v.wall.as_secs_f64(),
            support::summary(&mut latencies).1,
            c.frames,
            v.per_subscriber,
            v.spread.0,
            v.spread.1,
            v.spread.2,
            format!("{} / {}", v.final_seen, o.fast),
            c.page_renders,
            per(c.sql, v.tally.ok),
            per(c.bytes, o.fast as u64),
            c.cpu * 100.0,
            mb(c.rss),
        );
    }
    println!(
        "\nvotes/s: votes accepted per second of the surge; vote p99: cast_vote's round trip from its scheduled start. \
         frames: frames the server published in the window (the tally's, coalesced to 2 a second at most); per sub: \
         tally frames each reading subscriber read. p50/p99/max: from the first subscriber's read of a tally frame \
         to each subscriber's. final count: reading subscribers whose last tally frame showed the election's final \
         count. SQL/vote: statements in the window per vote accepted, less the session checks. bytes/sub: bytes \
         each reading subscriber read in the window."
    );
    for (name, o) in &outcomes {
        let n = o.fast + o.slow;
        println!(
            "{n} {name}: server RSS {} MB before any subscriber; {} place_order and {} cast_vote failed ({} refused); \
             {} subscriber connections failed{}; readers connected in {:.1} s; peak {} MB {}",
            mb(o.idle_rss),
            o.orders.failed,
            o.votes.tally.errors,
            o.votes.tally.conflicts,
            o.failures,
            o.first_failure.as_deref().map(|f| format!(" (first: {f})")).unwrap_or_default(),
            o.connect_secs,
            mb(o.peak),
            if o.peak_reset { "since the phase began" } else { "since the server started (clear_refs refused)" }
        );
        println!(
            "{n} {name}: resets {} (board reloads {}, {} failed), reconnects {}; session checks of open streams \
             (one SQL statement each, not in SQL/event) {} in the orders' window and {} in the votes'; the votes' \
             final count {}",
            o.gaps,
            o.reloads,
            o.reloads_failed,
            o.reconnects,
            o.orders.cost.session_checks,
            o.votes.cost.session_checks,
            o.votes.final_total
        );
        let (r, v) = (&o.orders.cost, &o.votes.cost);
        println!(
            "{n} {name}: CPU besides the server in the orders' and the votes' windows: the benchmark {:.0} % and \
             {:.0} %, other processes {:.0} % and {:.0} % (of one core)",
            r.own_cpu * 100.0,
            v.own_cpu * 100.0,
            r.others_cpu * 100.0,
            v.others_cpu * 100.0
        );
        if o.slow > 0 {
            println!(
                "{n} {name}: {} slow subscribers (receive buffer {} B asked, never read), {} orders before the window; \
                 server send queue stuck on {} of them before the windows and {} after, {} KB held in kernel buffers; \
                 reading at last, each found {}..{} order frames and {} found a lag notice",
                o.slow,
                a.slow_recv_buffer,
                o.prefill,
                o.stalled_before,
                o.stalled_after,
                o.stuck_bytes / 1024,
                o.slow_backlog.0,
                o.slow_backlog.1,
                o.slow_lagged
            );
        }
    }
    println!("machine: {}", support::machine_facts());
}

fn main() {
    let mut a = args();
    let most = a.subscribers.iter().copied().max().unwrap_or(0);
    if let Some(limit) = ensure_open_files(most as u64 + SPARE_FILES) {
        let fit = limit.saturating_sub(SPARE_FILES) as usize;
        for n in a.subscribers.iter_mut().filter(|n| **n > fit) {
            eprintln!("the open-file limit is {limit}: running with {fit} subscribers, not {n}");
            *n = fit;
        }
    }
    tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("runtime").block_on(run(a));
}
