//! Live fan-out benchmark (not a test): how fast one committed order reaches thousands of
//! `/api/events` subscribers, and whether subscribers that stop reading slow the others.
//!
//! The release server runs as a separate process on a fresh database. The benchmark opens
//! N server-sent-event streams, each its own TCP connection with a hand-written HTTP/1.1
//! GET, then places orders through the HTTP API as a signed-in resident at a steady rate.
//! Every order's live hint carries the order's id, and each subscriber notes when it read
//! it. Delivery latency is that instant minus the instant the order's HTTP response arrived
//! (the commit was done; a hint read before the response counts as 0), and also minus the
//! instant the request was sent.
//!
//! Two phases on the same server: every subscriber reading, then the same number of which
//! a share (`--slow`, percent) never read their socket at all. Those connect first, with a
//! small receive buffer, and are fed orders until the server's TCP send queue to every one
//! of them is stuck (flow control holds the server's writes back); only then do the readers
//! connect and the measured orders start. Each phase starts its own server, warmed up with
//! a few orders before anyone subscribes.
//!
//! `cargo run --release -p server --example fanout -- [--server target/release/server]
//!  [--subscribers 5000] [--slow 10] [--rate 5] [--seconds 20] [--phases both|fast|slow]`
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
    subscribers: usize,
    slow_percent: f64,
    rate: u64,
    seconds: u64,
    phases: String,
    /// SO_RCVBUF asked for on a slow subscriber's socket (the kernel doubles it).
    slow_recv_buffer: u32,
    /// At most this many orders to stall the slow subscribers before the measured window.
    prefill_max: usize,
}

fn args() -> Args {
    let mut a = Args {
        server: "target/release/server".into(),
        subscribers: 5000,
        slow_percent: 10.0,
        rate: 5,
        seconds: 20,
        phases: "both".into(),
        slow_recv_buffer: 4096,
        prefill_max: 3000,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let value = it.next().unwrap_or_default();
        match flag.as_str() {
            "--server" => a.server = value,
            "--subscribers" => a.subscribers = value.parse().unwrap_or(a.subscribers),
            "--slow" => a.slow_percent = value.trim_end_matches('%').parse().unwrap_or(a.slow_percent),
            "--rate" => a.rate = value.parse().unwrap_or(a.rate).max(1),
            "--seconds" => a.seconds = value.parse().unwrap_or(a.seconds).max(1),
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

/// Opens one event stream: its own TCP connection and a plain HTTP/1.1 GET.
async fn open_stream(addr: SocketAddr, cookie: &str, recv_buffer: Option<u32>) -> std::io::Result<TcpStream> {
    let socket = TcpSocket::new_v4()?;
    if let Some(size) = recv_buffer {
        socket.set_recv_buffer_size(size)?;
    }
    let stream = socket.connect(addr).await?;
    stream.set_nodelay(true)?;
    // What a browser's EventSource sends (the server must not compress the stream).
    let request = format!(
        "GET /api/events HTTP/1.1\r\nhost: {addr}\r\naccept: text/event-stream\r\ncache-control: no-cache\r\n\
         accept-encoding: gzip, deflate, br, zstd\r\ncookie: {cookie}\r\n\r\n"
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
    /// Order hints with an id read by all readers together.
    hints: AtomicU64,
}

/// What one reading subscriber saw.
#[derive(Default)]
struct Seen {
    /// Each order hint: the order's id and when it was read.
    hints: Vec<(i64, Instant)>,
    /// Resets after the first frame (a lag notice: events this subscriber lost).
    gaps: u32,
    /// Bytes read from the stream (headers, frames, keep-alives).
    bytes: u64,
    failure: Option<String>,
}

/// The number after `key` in a hint's JSON (`"id":12`); `None` for `null`.
fn number_after(text: &[u8], key: &[u8]) -> Option<i64> {
    let at = text.windows(key.len()).position(|w| w == key)? + key.len();
    let digits = text[at..].iter().take_while(|b| b.is_ascii_digit()).count();
    std::str::from_utf8(&text[at..at + digits]).ok()?.parse().ok()
}

/// Reads an event stream until told to stop, noting when each hint arrived. The body is
/// chunked; chunk-size lines are neither `data:` lines nor blank, so lines are enough.
async fn read_events(stream: TcpStream, counters: Arc<Counters>, mut stop: watch::Receiver<bool>) -> Seen {
    let mut seen = Seen::default();
    let mut buf = vec![0u8; 4096];
    let mut filled = 0;
    let mut status_checked = false;
    let mut last_seq: Option<i64> = None;
    loop {
        tokio::select! {
            _ = stop.changed() => return seen,
            ready = stream.readable() => if let Err(e) = ready {
                seen.failure = Some(e.to_string());
                return seen;
            },
        }
        let n = match stream.try_read(&mut buf[filled..]) {
            Ok(0) => {
                seen.failure = Some("the server closed the stream".into());
                return seen;
            }
            Ok(n) => n,
            Err(e) if e.kind() == ErrorKind::WouldBlock => continue,
            Err(e) => {
                seen.failure = Some(e.to_string());
                return seen;
            }
        };
        let at = Instant::now();
        seen.bytes += n as u64;
        filled += n;
        let mut start = 0;
        while let Some(len) = buf[start..filled].iter().position(|&b| b == b'\n') {
            let line = &buf[start..start + len];
            start += len + 1;
            if !status_checked {
                status_checked = true;
                if !line.starts_with(b"HTTP/1.1 200") {
                    seen.failure = Some(String::from_utf8_lossy(line).trim().to_string());
                    return seen;
                }
                continue;
            }
            let Some(data) = line.strip_prefix(b"data:") else { continue };
            let seq = number_after(data, b"\"seq\":");
            let Some(previous) = last_seq else {
                // The first frame (a reset, as the stream is opened without a cursor):
                // subscribed, with the server's current sequence number.
                last_seq = Some(seq.unwrap_or(0));
                counters.hellos.fetch_add(1, Ordering::Relaxed);
                continue;
            };
            let seq = seq.unwrap_or(previous);
            // Other areas' hints never reach this stream, so numbers jump; a lost event is
            // announced by a reset.
            const RESET: &[u8] = b"\"reset\":true";
            if data.windows(RESET.len()).any(|w| w == RESET) {
                seen.gaps += 1;
            }
            last_seq = Some(seq.max(previous));
            if let Some(id) = number_after(data, b"\"id\":") {
                seen.hints.push((id, at));
                counters.hints.fetch_add(1, Ordering::Relaxed);
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

/// The server's user + system CPU time.
fn cpu_time(pid: u32) -> Duration {
    let ticks_per_sec = Command::new("getconf")
        .arg("CLK_TCK")
        .output()
        .ok()
        .and_then(|o| String::from_utf8(o.stdout).ok())
        .and_then(|s| s.trim().parse::<f64>().ok())
        .unwrap_or(100.0);
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    // Fields after the command name (which may hold spaces); utime and stime are 14 and 15.
    let rest = stat.rsplit(')').next().unwrap_or("");
    let fields: Vec<u64> = rest.split_whitespace().map(|v| v.parse().unwrap_or(0)).collect();
    let ticks = fields.get(11).copied().unwrap_or(0) + fields.get(12).copied().unwrap_or(0);
    Duration::from_secs_f64(ticks as f64 / ticks_per_sec)
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

struct Outcome {
    fast: usize,
    slow: usize,
    committed: usize,
    failed_commits: usize,
    expected: u64,
    received: u64,
    from_done: (f64, f64, f64),
    from_sent: (f64, f64, f64),
    commit: (f64, f64, f64),
    gaps: u64,
    failures: usize,
    first_failure: Option<String>,
    connect_secs: f64,
    idle_rss: Option<u64>,
    rss_connected: Option<u64>,
    peak: Option<u64>,
    peak_reset: bool,
    server_cpu: f64,
    prefill: usize,
    stalled_before: usize,
    stalled_after: usize,
    stuck_bytes: u64,
    /// Slow subscribers that, reading at last, found a lag notice (the server skipped them ahead).
    slow_lagged: usize,
    /// Order hints a slow subscriber found when it read at last (least, most).
    slow_backlog: (usize, usize),
    /// Bytes a reading subscriber read per order committed, on average.
    bytes_per_order: f64,
}

struct Server {
    pid: u32,
    addr: SocketAddr,
    base: String,
    resident: Client,
    /// One signed-in resident per subscriber (the stream needs a session; an account
    /// may hold only a few streams).
    cookies: Vec<String>,
}

impl Server {
    /// Starts the release server on a fresh database and signs a resident in.
    async fn start(a: &Args, dir: &std::path::Path, tag: &str) -> (support::ServerProcess, Server) {
        let db = dir.join(format!("{tag}.db"));
        let max_streams = (a.subscribers + 100).to_string();
        let (process, base) = support::start_server(&a.server, &db, &[("GRIDSTATION_MAX_STREAMS", &max_streams)]).await;
        let addr = base.trim_start_matches("http://").parse().expect("server address");
        let resident = support::signed_in_client(&base, "13800000001", "gridstation").await;
        let pool = support::open(&db).await;
        let cookies = common::residents_with_sessions(&pool, "幸福街道", a.subscribers, 13_700_000_000)
            .await
            .into_iter()
            .map(|(_, cookie)| cookie)
            .collect();
        let pid = process.pid();
        (process, Server { pid, addr, base, resident, cookies })
    }
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
    let (_process, server) = Server::start(a, dir, tag).await;
    let s = &server;
    let port = s.addr.port();
    // A few orders first, so the measured ones do not pay for a cold start.
    for i in 0..10 {
        place_order(&s.resident, &s.base, format!("fanout-{tag}-warm-{i:02}")).await;
    }
    let idle_rss = support::proc_memory(s.pid, "VmRSS");
    let peak_reset = support::reset_peak_memory(s.pid);

    // Slow subscribers first: connected, never read, fed until the server's writes to them stall.
    let mut slow_streams = Vec::with_capacity(slow);
    for cookie in &s.cookies[fast..fast + slow] {
        match open_stream(s.addr, cookie, Some(a.slow_recv_buffer)).await {
            Ok(stream) => slow_streams.push(stream),
            Err(e) => eprintln!("a slow subscriber could not connect: {e}"),
        }
    }
    let slow_ports: Vec<u16> =
        slow_streams.iter().filter_map(|st| st.local_addr().ok()).map(|addr| addr.port()).collect();
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

    // Then the readers, a few hundred handshakes at a time.
    let counters = Arc::new(Counters::default());
    let (stop_tx, stop_rx) = watch::channel(false);
    let mut readers = Vec::with_capacity(fast);
    let started = Instant::now();
    let mut failures = 0;
    let mut first_failure = None;
    for cookie in &s.cookies[..fast] {
        while readers.len() > counters.hellos.load(Ordering::Relaxed) + 256 {
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
        match open_stream(s.addr, cookie, None).await {
            Ok(stream) => readers.push(tokio::spawn(read_events(stream, counters.clone(), stop_rx.clone()))),
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

    // The measured window: orders at a steady rate, then until every hint is in (or 10 s).
    let cpu_before = cpu_time(s.pid);
    let window = Instant::now();
    let commits = steady_orders(&s.resident, &s.base, tag, a.rate, a.seconds).await;
    let with_id = commits.iter().filter(|c| c.id.is_some()).count() as u64;
    let listening = counters.hellos.load(Ordering::Relaxed) as u64;
    let deadline = Instant::now() + Duration::from_secs(10);
    while counters.hints.load(Ordering::Relaxed) < with_id * listening && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let server_cpu = cpu_time(s.pid).saturating_sub(cpu_before).as_secs_f64() / window.elapsed().as_secs_f64();
    let (stalled_after, stuck_bytes) = stalled(port, &slow_ports);
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
    let late_counters = Arc::new(Counters::default());
    let late: Vec<_> = slow_streams
        .into_iter()
        .map(|stream| tokio::spawn(read_events(stream, late_counters.clone(), late_rx.clone())))
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
    let read: u64 = seen.iter().map(|r| r.bytes).sum();
    let bytes_per_order = read as f64 / seen.len().max(1) as f64 / by_id.len().max(1) as f64;
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
    }
    let mut commit_latency: Vec<Duration> = commits.iter().map(|c| c.done - c.sent).collect();
    Outcome {
        fast,
        slow: slow_ports.len(),
        committed: commits.len(),
        failed_commits: commits.len() - by_id.len(),
        expected,
        received,
        from_done: support::summary(&mut from_done),
        from_sent: support::summary(&mut from_sent),
        commit: support::summary(&mut commit_latency),
        gaps,
        failures,
        first_failure,
        connect_secs,
        idle_rss,
        rss_connected,
        peak,
        peak_reset,
        server_cpu,
        prefill,
        stalled_before,
        stalled_after,
        stuck_bytes,
        slow_lagged,
        slow_backlog: (slow_last.iter().copied().min().unwrap_or(0), slow_last.iter().copied().max().unwrap_or(0)),
        bytes_per_order,
    }
}

fn mb(bytes: Option<u64>) -> String {
    bytes.map_or("?".into(), |b| format!("{:.0}", b as f64 / 1048576.0))
}

async fn run(a: Args) {
    let dir = tempfile::tempdir().expect("tempdir");
    let slow = ((a.subscribers as f64 * a.slow_percent / 100.0).round() as usize).min(a.subscribers);
    let mut outcomes = Vec::new();
    if a.phases != "slow" {
        outcomes.push(("all reading", run_phase(&a, dir.path(), "fast", a.subscribers, 0).await));
    }
    if a.phases != "fast" && slow > 0 {
        outcomes.push(("with slow ones", run_phase(&a, dir.path(), "slow", a.subscribers - slow, slow).await));
    }

    println!(
        "\nGrid Station live fan-out: {} SSE subscribers on their own TCP connections, place_order at {}/s for {} s \
         (release server as a separate process, a fresh one per phase, same machine)\n",
        a.subscribers, a.rate, a.seconds
    );
    println!(
        "| {:<14} | {:>11} | {:>6} | {:>19} | {:>7} | {:>7} | {:>7} | {:>7} | {:>10} | {:>14} | {:>8} | {:>8} | {:>6} |",
        "phase",
        "fast / slow",
        "orders",
        "deliveries exp/got",
        "p50 ms",
        "p99 ms",
        "max ms",
        "p99 s→",
        "commit p99",
        "RSS connected",
        "peak MB",
        "srv CPU",
        "gaps"
    );
    println!("|{}|", "-".repeat(164));
    for (name, o) in &outcomes {
        println!(
            "| {:<14} | {:>11} | {:>6} | {:>19} | {:>7.1} | {:>7.1} | {:>7.1} | {:>7.1} | {:>10.1} | {:>11} MB | {:>8} | {:>7.0}% | {:>6} |",
            name,
            format!("{} / {}", o.fast, o.slow),
            o.committed - o.failed_commits,
            format!("{} / {}", o.expected, o.received),
            o.from_done.0,
            o.from_done.1,
            o.from_done.2,
            o.from_sent.1,
            o.commit.1,
            mb(o.rss_connected),
            mb(o.peak),
            o.server_cpu * 100.0,
            o.gaps
        );
    }
    println!(
        "\nLatency: from the order's HTTP response (commit done) to the hint read at each reading subscriber; \
         p99 s→ counts from the request's send. commit p99: place_order round trip. gaps: lag notices \
         (events lost) at reading subscribers."
    );
    for (name, o) in &outcomes {
        println!(
            "{name}: server RSS {} MB before any subscriber; {} place_order failed, {} subscriber connections \
             failed{}; readers connected in {:.1} s; peak {}",
            mb(o.idle_rss),
            o.failed_commits,
            o.failures,
            o.first_failure.as_deref().map(|f| format!(" (first: {f})")).unwrap_or_default(),
            o.connect_secs,
            if o.peak_reset { "since the phase began" } else { "since the server started (clear_refs refused)" }
        );
        println!(
            "{name}: each reading subscriber read {:.0} bytes per order on average (the order's frame with its \
             card and counts, the subscriber's opening and keep-alives spread over the orders)",
            o.bytes_per_order
        );
        if o.slow > 0 {
            println!(
                "{name}: {} slow subscribers (receive buffer {} B asked, never read), {} orders before the window; \
                 server send queue stuck on {} of them before the window and {} after, {} KB held in kernel buffers; \
                 reading at last, each found {}..{} order hints and {} found a lag notice",
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
    if let Some(limit) = ensure_open_files(a.subscribers as u64 + SPARE_FILES) {
        let fit = limit.saturating_sub(SPARE_FILES) as usize;
        if a.subscribers > fit {
            eprintln!("the open-file limit is {limit}: running with {fit} subscribers, not {}", a.subscribers);
            a.subscribers = fit;
        }
    }
    tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("runtime").block_on(run(a));
}
