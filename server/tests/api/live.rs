//! The live channel: each stream carries the hints of its viewer's areas only, every frame
//! has an id, and a client that comes back with its cursor gets what it missed (or a reset).
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

/// Reads the stream until its text contains `needle`; returns all it read (panics after 5 s).
async fn read_until(stream: &mut BoxStream<'static, reqwest::Result<Vec<u8>>>, needle: &str) -> String {
    let mut seen = String::new();
    let found = tokio::time::timeout(Duration::from_secs(5), async {
        while let Some(chunk) = stream.next().await {
            seen.push_str(&String::from_utf8_lossy(&chunk.expect("chunk")));
            if seen.contains(needle) {
                return true;
            }
        }
        false
    })
    .await
    .unwrap_or(false);
    assert!(found, "no {needle:?} in {seen:?}");
    seen
}

fn hint(topic: &str, id: i64) -> String {
    format!(r#""topic":"{topic}","id":{id}}}"#)
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
    assert!(!text.contains(&hint("orders", 1)) && text.contains(&hint("orders", 2)), "{text}");

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
        assert!(text.contains(&hint("orders", zuwang_order)), "{who} hears of their community's order: {text}");
        assert!(!text.contains(&hint("orders", zhaohui_order)), "{who} hears nothing of 朝晖: {text}");
    }
    let text = read_until(&mut zhaohui_stream, &end).await;
    assert!(text.contains(&hint("orders", zhaohui_order)), "{text}");
    assert!(!text.contains(&hint("orders", zuwang_order)), "朝晖 hears nothing of 祖望: {text}");

    // Coming back with a cursor replays only what the viewer may see.
    let mut again = open(&app, &zhaohui_resident, &format!("?since={since}"), None).await;
    let text = read_until(&mut again, &format!(r#"{{"seq":{marker}}}"#)).await;
    assert!(text.contains(&hint("orders", zhaohui_order)) && !text.contains(&hint("orders", zuwang_order)), "{text}");
}
