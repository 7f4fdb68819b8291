//! The live channel: each stream carries the hints of its viewer's areas only, every frame
//! has an id, and a client that comes back with its cursor gets what it missed (or a reset).
use crate::common::read_until;
use crate::test_app::TestApp;
use app::live::Topic;
use futures::stream::BoxStream;
use futures::StreamExt;
use reqwest::{Client, StatusCode};
use std::time::Duration;

/// The stream of `client`, opened with `query` (`""`, `"?since=4"`) and an optional
/// `Last-Event-ID`.
async fn open(
    app: &TestApp,
    client: &Client,
    query: &str,
    last_event_id: Option<u64>,
) -> BoxStream<'static, reqwest::Result<Vec<u8>>> {
    let mut req = client.get(format!("{}/api/events{query}", app.base));
    if let Some(id) = last_event_id {
        req = req.header("last-event-id", id.to_string());
    }
    let res = req.send().await.expect("subscribe");
    assert_eq!(res.status(), StatusCode::OK);
    res.bytes_stream().map(|chunk| chunk.map(|b| b.to_vec())).boxed()
}

/// Whether `text` holds a frame about `topic` and object `id` (alone or with its change).
fn has_hint(text: &str, topic: &str, id: i64) -> bool {
    let hint = format!(r#""topic":"{topic}","id":{id}"#);
    text.contains(&format!("{hint}}}")) || text.contains(&format!("{hint},"))
}

/// The JSON of every `data:` line in `text`.
fn frames(text: &str) -> Vec<serde_json::Value> {
    text.lines()
        .filter_map(|line| line.strip_prefix("data:"))
        .map(|data| serde_json::from_str(data.trim()).expect("a frame is JSON"))
        .collect()
}

/// Every key of `value`, at every depth.
fn keys(value: &serde_json::Value, into: &mut Vec<String>) {
    match value {
        serde_json::Value::Object(map) => {
            for (key, inner) in map {
                into.push(key.clone());
                keys(inner, into);
            }
        }
        serde_json::Value::Array(items) => items.iter().for_each(|item| keys(item, into)),
        _ => {}
    }
}

#[tokio::test]
async fn a_stream_starts_from_the_clients_cursor_with_what_it_missed_or_a_reset() {
    let app = TestApp::spawn().await;
    let viewer = app.signed_in("13800000001").await;
    let since = app.bus.current();
    app.bus.publish(Topic::Orders, Some(1));
    app.bus.publish(Topic::Orders, Some(2));

    // From the number the page was rendered at: both hints, each with its id, then hello.
    let mut stream = open(&app, &viewer, &format!("?since={since}"), None).await;
    let text = read_until(&mut stream, &format!(r#"{{"seq":{}}}"#, since + 2)).await;
    let first = text.find(&format!(r#"{{"seq":{},"topic":"orders","id":1}}"#, since + 1)).expect("first missed");
    let second = text.find(&format!(r#"{{"seq":{},"topic":"orders","id":2}}"#, since + 2)).expect("second missed");
    assert!(first < second, "in order: {text}");
    assert!(text.contains(&format!("id: {}\n", since + 1)) || text.contains(&format!("id:{}\n", since + 1)), "{text}");
    assert!(!text.contains("reset"), "{text}");

    // A reconnect's Last-Event-ID wins over the page's number.
    let mut stream = open(&app, &viewer, &format!("?since={since}"), Some(since + 1)).await;
    let text = read_until(&mut stream, &format!(r#"{{"seq":{}}}"#, since + 2)).await;
    assert!(!has_hint(&text, "orders", 1) && has_hint(&text, "orders", 2), "{text}");

    // Without a cursor, or with one from before a restart: start over.
    for query in [String::new(), format!("?since={}", since + 1000)] {
        let mut stream = open(&app, &viewer, &query, None).await;
        read_until(&mut stream, &format!(r#"{{"seq":{},"reset":true}}"#, since + 2)).await;
    }

    // A cursor older than the kept hints: a reset, not a partial replay.
    for i in 0..5000 {
        app.bus.publish(Topic::Grid, Some(i));
    }
    let mut stream = open(&app, &viewer, &format!("?since={since}"), None).await;
    let text = read_until(&mut stream, r#""reset":true}"#).await;
    assert!(!text.contains(r#""topic":"grid""#), "{text}");
}

#[tokio::test]
async fn a_stream_carries_the_orders_of_its_viewers_community_and_nothing_of_another() {
    let app = TestApp::spawn().await;
    // 祖望社区 (幸福街道): a resident who places, a volunteer, the subdistrict's admin.
    let zuwang_resident = app.signed_in("13800000001").await;
    let zuwang_volunteer = app.signed_in("13800000002").await;
    let subdistrict_admin = app.signed_in("13800000005").await;
    // 朝晖社区 (新城桥街道): a resident.
    let zhaohui_resident = app.signed_in("13800000009").await;
    let since = app.bus.current();
    let mut volunteer_stream = open(&app, &zuwang_volunteer, &format!("?since={since}"), None).await;
    let mut admin_stream = open(&app, &subdistrict_admin, &format!("?since={since}"), None).await;
    let mut zhaohui_stream = open(&app, &zhaohui_resident, &format!("?since={since}"), None).await;

    let zuwang_order = app.place_ok(&zuwang_resident, "live-scope-00001").await.get();
    let zhaohui_order = app.place_ok(&zhaohui_resident, "live-scope-00002").await.get();
    // A hint for the whole city marks the end of what each stream may receive.
    let marker = app.bus.publish(Topic::Notices, Some(-7));
    let end = format!(r#"{{"seq":{marker},"topic":"notices","id":-7}}"#);

    for (who, stream) in [("volunteer", &mut volunteer_stream), ("subdistrict admin", &mut admin_stream)] {
        let text = read_until(stream, &end).await;
        assert!(has_hint(&text, "orders", zuwang_order), "{who} hears of their community's order: {text}");
        assert!(!has_hint(&text, "orders", zhaohui_order), "{who} hears nothing of 朝晖: {text}");
    }
    let text = read_until(&mut zhaohui_stream, &end).await;
    assert!(has_hint(&text, "orders", zhaohui_order), "{text}");
    assert!(!has_hint(&text, "orders", zuwang_order), "朝晖 hears nothing of 祖望: {text}");

    // Coming back with a cursor replays only what the viewer may see.
    let mut again = open(&app, &zhaohui_resident, &format!("?since={since}"), None).await;
    let text = read_until(&mut again, &format!(r#"{{"seq":{marker}}}"#)).await;
    assert!(has_hint(&text, "orders", zhaohui_order) && !has_hint(&text, "orders", zuwang_order), "{text}");
}

#[tokio::test]
async fn an_orders_frame_carries_its_public_card_or_its_removal_with_the_counts_and_nothing_private() {
    let app = TestApp::spawn().await;
    let resident = app.signed_in("13800000001").await;
    let volunteer = app.signed_in("13800000002").await;
    let since = app.bus.current();
    let mut stream = open(&app, &volunteer, &format!("?since={since}"), None).await;

    let id = app.place_ok(&resident, "live-card-000001").await;
    let (status, body) = app.post(&volunteer, "take_order", &[("id", &id.to_string())]).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let marker = app.bus.publish(Topic::Notices, Some(-8));
    let text = read_until(&mut stream, &format!(r#"{{"seq":{marker},"topic":"notices","id":-8}}"#)).await;
    let about: Vec<serde_json::Value> =
        frames(&text).into_iter().filter(|f| f["topic"] == "orders" && f["id"] == id.get()).collect();
    assert_eq!(about.len(), 2, "placed and taken: {text}");

    // Placed: the card as the public board shows it, and the counts read in the same write.
    let placed = &about[0]["board"];
    let card = &placed["card"];
    assert_eq!(card["id"], id.get());
    let title: String = sqlx::query_scalar("SELECT title FROM service_orders WHERE id = ?")
        .bind(id)
        .fetch_one(&app.pool)
        .await
        .expect("title");
    assert_eq!(card["title"], title.as_str());
    let name: String = sqlx::query_scalar(
        "SELECT p.full_name FROM service_orders o JOIN people p ON p.id = o.requester_id WHERE o.id = ?",
    )
    .bind(id)
    .fetch_one(&app.pool)
    .await
    .expect("name");
    assert_ne!(card["requester_masked"], name.as_str(), "the name is masked");
    assert_eq!(card["requester_masked"], app::domain::privacy::mask_name(&name).as_str());

    // Taken: no card, a newer version, the counts without it, equal to the board's.
    let taken = &about[1]["board"];
    assert!(taken.get("card").is_none(), "{taken}");
    assert!(taken["v"].as_i64() > placed["v"].as_i64(), "{placed} then {taken}");
    let open_in_community: i64 = app
        .count(
            "SELECT count(*) FROM service_orders o JOIN grid_nodes m ON m.id = o.micro_grid_id
             WHERE o.status = 'open' AND m.code GLOB (SELECT code FROM grid_nodes WHERE name = '祖望社区' AND level = 'community') || '*'",
        )
        .await;
    let counts: i64 = taken["counts"].as_array().expect("counts").iter().map(|n| n.as_i64().unwrap_or(0)).sum();
    assert_eq!(counts, open_in_community);
    let placed_counts: i64 = placed["counts"].as_array().expect("counts").iter().map(|n| n.as_i64().unwrap_or(0)).sum();
    assert_eq!(placed_counts, counts + 1);

    // Every key of every frame is one the public board may show; no frame holds a phone
    // number or the requester's full name.
    let allowed = [
        "seq",
        "topic",
        "id",
        "reset",
        "board",
        "grid",
        "v",
        "card",
        "counts",
        "grid_count",
        "needs",
        "area_code",
        "slot",
        "section",
        "urgency",
        "title",
        "created_at",
        "age_secs",
        "building",
        "requester_masked",
        "tally",
        "phase",
    ];
    for frame in frames(&text) {
        let mut found = Vec::new();
        keys(&frame, &mut found);
        for key in found {
            assert!(allowed.contains(&key.as_str()), "{key} in {frame}");
        }
    }
    let phone = regex_lite_phone(&text);
    assert!(phone.is_none(), "a phone number on the wire: {phone:?} in {text}");
    assert!(!text.contains(&name), "a full name on the wire: {text}");
}

/// The first mainland mobile number (11 digits from 13–19) in `text` that is not part of a
/// longer number.
fn regex_lite_phone(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    (0..bytes.len().saturating_sub(10)).find_map(|i| {
        let run = &bytes[i..i + 11];
        let bounded =
            (i == 0 || !bytes[i - 1].is_ascii_digit()) && bytes.get(i + 11).is_none_or(|b| !b.is_ascii_digit());
        (bounded && run.iter().all(u8::is_ascii_digit) && run[0] == b'1' && (b'3'..=b'9').contains(&run[1]))
            .then(|| String::from_utf8_lossy(run).into_owned())
    })
}

// ---------------------------------------------------------------------------------------
// Election tallies.

use std::collections::HashMap;

/// The running seeded election (幸福街道) and its approved candidates.
async fn running_election(app: &TestApp) -> (i64, Vec<i64>) {
    let candidates = app.nominations().await;
    let election: i64 = sqlx::query_scalar("SELECT election_id FROM nominations WHERE id = ?")
        .bind(candidates[0])
        .fetch_one(&app.pool)
        .await
        .expect("election");
    (election, candidates)
}

/// `election`'s votes per nomination as the database counts them (nominations with votes only).
async fn counted(app: &TestApp, election: i64) -> HashMap<i64, i64> {
    sqlx::query_as("SELECT nomination_id, count(*) FROM star_votes WHERE election_id = ? GROUP BY nomination_id")
        .bind(election)
        .fetch_all(&app.pool)
        .await
        .expect("votes")
        .into_iter()
        .collect()
}

/// A frame's tally as (nomination, votes), if it carries one.
fn tally_of(frame: &serde_json::Value) -> Option<HashMap<i64, i64>> {
    let tally = frame.get("tally")?.as_array().expect("a tally is a list");
    Some(tally.iter().map(|pair| (pair[0].as_i64().expect("nomination"), pair[1].as_i64().expect("votes"))).collect())
}

/// Without the nominations nobody voted for.
fn voted(tally: &HashMap<i64, i64>) -> HashMap<i64, i64> {
    tally.iter().filter(|(_, votes)| **votes > 0).map(|(n, v)| (*n, *v)).collect()
}

/// `voters` cast `each` votes for different candidates, staggered so the votes spread
/// over about a second; returns how long that took.
async fn cast_spread(app: &TestApp, voters: &[(i64, Client)], candidates: &[i64], each: usize) -> Duration {
    let start = std::time::Instant::now();
    let casts = voters.iter().enumerate().map(|(i, (_, voter))| async move {
        tokio::time::sleep(Duration::from_millis((i as u64 * 37) % 200)).await;
        for k in 0..each {
            let candidate = candidates[(i + k) % candidates.len()].to_string();
            let (status, body) = app.post(voter, "cast_vote", &[("nomination", &candidate)]).await;
            assert_eq!(status, StatusCode::OK, "{body}");
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    });
    futures::future::join_all(casts).await;
    start.elapsed()
}

/// Reads `stream` until a marker published after the interval has surely passed; returns
/// the frames about `election`.
async fn election_frames_after(
    app: &TestApp,
    stream: &mut BoxStream<'static, reqwest::Result<Vec<u8>>>,
    election: i64,
    interval: Duration,
) -> Vec<serde_json::Value> {
    tokio::time::sleep(interval * 2).await;
    let marker = app.bus.publish(Topic::Notices, Some(-9));
    let text = read_until(stream, &format!(r#"{{"seq":{marker},"topic":"notices","id":-9}}"#)).await;
    frames(&text).into_iter().filter(|f| f["topic"] == "election" && f["id"] == election).collect()
}

/// A server whose votes are limited by nothing but the election, with tallies every `interval`.
async fn voting_app(interval: Duration) -> TestApp {
    let dir = tempfile::tempdir().expect("tempdir");
    TestApp::spawn_with(dir, |s| {
        s.votes_per_ip_per_minute = 100_000;
        s.vote_batch.tally_interval = interval;
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_burst_of_votes_sends_a_few_coalesced_tallies_and_the_last_one_is_the_final_count() {
    let interval = Duration::from_millis(250);
    let app = voting_app(interval).await;
    let (election, candidates) = running_election(&app).await;
    let voters = app.residents_with_sessions("幸福街道", 30, 13_920_000_000).await;
    let since = app.bus.current();
    let mut stream = open(&app, &voters[0].1, &format!("?since={since}"), None).await;

    let took = cast_spread(&app, &voters, &candidates, 5).await;
    let about = election_frames_after(&app, &mut stream, election, interval).await;

    let most = took.as_millis().div_ceil(interval.as_millis()) as usize + 2;
    assert!(!about.is_empty() && about.len() <= most, "{} frames in {took:?}, at most {most}", about.len());
    let last = tally_of(about.last().expect("a frame")).expect("a visible tally is carried");
    assert_eq!(voted(&last), counted(&app, election).await);
    // The same counts the ballot shows, its unvoted candidates at 0 included.
    let (_, page) = app.post(&voters[0].1, "stars_data", &[("election", &election.to_string())]).await;
    let page: serde_json::Value = serde_json::from_str(&page).expect("json");
    let shown: HashMap<i64, i64> = page["candidates"]
        .as_array()
        .expect("candidates")
        .iter()
        .map(|c| (c["nomination_id"].as_i64().expect("id"), c["votes"].as_i64().expect("votes shown")))
        .collect();
    assert_eq!(last, shown);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_hidden_tally_never_goes_on_the_wire_before_the_close_and_the_close_carries_the_final_one() {
    let interval = Duration::from_millis(250);
    let app = voting_app(interval).await;
    let (election, candidates) = running_election(&app).await;
    sqlx::query("UPDATE star_elections SET live_tally = 0 WHERE id = ?")
        .bind(election)
        .execute(&app.pool)
        .await
        .expect("hide the tally");
    let voters = app.residents_with_sessions("幸福街道", 12, 13_930_000_000).await;
    let since = app.bus.current();
    let mut stream = open(&app, &voters[0].1, &format!("?since={since}"), None).await;

    cast_spread(&app, &voters, &candidates, 3).await;
    let before = election_frames_after(&app, &mut stream, election, interval).await;
    assert!(!before.is_empty(), "the pages still hear that something changed");
    for frame in &before {
        assert!(frame.get("tally").is_none(), "a hidden tally on the wire: {frame}");
        assert_eq!(frame["phase"], "Voting", "the phase, for ballots to see it change: {frame}");
    }

    // The close job, run as the server would after the end, on the server's bus.
    let state = app::state::AppState {
        bus: app.bus.clone(),
        ..app::state::AppState::new(app.pool.clone(), Default::default())
    };
    let end: i64 = sqlx::query_scalar("SELECT voting_end FROM star_elections WHERE id = ?")
        .bind(election)
        .fetch_one(&app.pool)
        .await
        .expect("end");
    assert!(app::jobs::close_elections(&state, end + 1).await.expect("close") >= 1);
    let after = election_frames_after(&app, &mut stream, election, interval).await;
    let close = after.last().expect("the close frame");
    let tally = tally_of(close).expect("the close carries the tally");
    assert_eq!(voted(&tally), counted(&app, election).await);
}

#[tokio::test]
async fn the_tabs_move_in_place_unless_the_operator_turned_it_off() {
    let app = TestApp::spawn().await;
    let resident = app.signed_in("13800000001").await;
    let (status, html) = app.get(&resident, "/board").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains(r#"data-client-nav="1""#), "on by default");
    for tab in [r#"href="/""#, r#"href="/board""#, r#"href="/stars""#, r#"href="/me""#] {
        let at = html.find(tab).unwrap_or_else(|| panic!("no {tab} tab"));
        let link = &html[html[..at].rfind('<').unwrap_or(0)..at + html[at..].find('>').unwrap_or(0)];
        assert!(link.contains("data-nav"), "{tab} moves in place: {link}");
    }
    assert!(html.contains("<title>需求大厅 · 网格驿站</title>"), "the page's own title");

    let off = TestApp::spawn_with(tempfile::tempdir().expect("dir"), |s| s.client_nav = false).await;
    let resident = off.signed_in("13800000001").await;
    let (_, html) = off.get(&resident, "/board").await;
    assert!(html.contains(r#"data-client-nav="0""#), "off: plain page loads");
}

#[tokio::test]
async fn frames_are_numbered_in_commit_order_while_many_writers_race() {
    let app = TestApp::spawn().await;
    let residents = app.residents_with_sessions("祖望社区", 30, 13_950_000_000).await;
    let admin = app.signed_in("13800000005").await;
    let since = app.bus.current();
    let mut stream = open(&app, &admin, &format!("?since={since}"), None).await;

    // Thirty needs at the same moment. Each insert takes the write lock in turn, so order
    // ids follow commit order; the frames' numbers must follow it too.
    let places = residents.iter().enumerate().map(|(i, (_, client))| {
        let (title, key) = (format!("同时发布{i}"), format!("race-seq-{i}"));
        let app = &app;
        async move {
            let form = [
                ("section", "daily_life"),
                ("title", title.as_str()),
                ("description", "同一时刻发布的需求"),
                ("urgency", "normal"),
                ("idempotency_key", key.as_str()),
            ];
            let (status, body) = app.post(client, "place_order", &form).await;
            assert_eq!(status, StatusCode::OK, "{body}");
            body.trim().trim_matches('"').parse::<i64>().expect("the new order's id")
        }
    });
    let mut placed = futures::future::join_all(places).await;
    placed.sort_unstable();
    let last = *placed.last().expect("placed");
    let text = read_until(&mut stream, &format!(r#""topic":"orders","id":{last},"#)).await;
    let heard: Vec<(u64, i64)> = frames(&text)
        .iter()
        .filter(|f| f["topic"] == "orders" && f["board"]["card"].is_object())
        .map(|f| (f["seq"].as_u64().expect("seq"), f["id"].as_i64().expect("id")))
        .collect();
    let ids: Vec<i64> = heard.iter().map(|(_, id)| *id).collect();
    assert_eq!(ids, placed, "every placed order once, in the order of its commit");
    assert!(heard.windows(2).all(|w| w[0].0 < w[1].0), "numbers rise: {heard:?}");
}

/// Reads `stream` to its end: whether it ended within `within`.
async fn ends_within(stream: &mut BoxStream<'static, reqwest::Result<Vec<u8>>>, within: Duration) -> bool {
    tokio::time::timeout(within, async {
        while let Some(chunk) = stream.next().await {
            if chunk.is_err() {
                return;
            }
        }
    })
    .await
    .is_ok()
}

#[tokio::test]
async fn a_stream_ends_soon_after_its_session_does_and_the_others_carry_on() {
    let app = TestApp::spawn_with(tempfile::tempdir().expect("tempdir"), |s| {
        s.live_session_check = Duration::from_millis(200);
    })
    .await;
    let leaving = app.signed_in("13800000001").await;
    let disabled = app.signed_in("13800000002").await;
    let staying = app.signed_in("13800000010").await;
    let mut streams = Vec::new();
    for client in [&leaving, &disabled, &staying] {
        let mut stream = open(&app, client, "", None).await;
        read_until(&mut stream, "data:").await;
        streams.push(stream);
    }
    let [mut left, mut off, mut on] = <[_; 3]>::try_from(streams).ok().expect("three streams");

    // Signed out: the session is gone, and so is its stream at the next check.
    let (status, body) = app.post(&leaving, "logout", &[]).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(ends_within(&mut left, Duration::from_secs(5)).await, "the signed-out session's stream ended");

    // The account disabled while its session row stays (the condition, not the clean-up,
    // ends the stream).
    sqlx::query("UPDATE accounts SET disabled_at = unixepoch() WHERE phone = '13800000002'")
        .execute(&app.pool)
        .await
        .expect("disable");
    assert!(ends_within(&mut off, Duration::from_secs(5)).await, "the disabled account's stream ended");

    // The third stream is still open and still carries the community's orders.
    let resident = app.signed_in("13800000001").await;
    let form = [
        ("section", "daily_life"),
        ("title", "会话结束之后"),
        ("description", "别人的流还开着"),
        ("urgency", "normal"),
        ("idempotency_key", "after-sign-out"),
    ];
    let (status, body) = app.post(&resident, "place_order", &form).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let id: i64 = body.trim().trim_matches('"').parse().expect("the new order's id");
    read_until(&mut on, &format!(r#""topic":"orders","id":{id},"#)).await;
}
