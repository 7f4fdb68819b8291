//! The counters an operator opts into (`GRIDSTATION_METRICS_ADDR`): the server binary with
//! them on counts a page it renders and not a server function's JSON, the SQL statements
//! of both, and nothing rendered when an order reaches open live streams. Its own binary,
//! with the server as a child, since the counters are the process's.
mod common;
#[path = "../examples/support/mod.rs"]
mod support;

use common::read_until;

use futures::StreamExt;
use reqwest::StatusCode;

const PAGES: &str = "gridstation_page_renders_total";
const SQL: &str = "gridstation_sql_statements_total";
const FRAMES: &str = "gridstation_live_frames_total";

#[tokio::test]
async fn a_page_is_one_render_a_json_call_and_a_live_order_none_and_each_counts_its_sql() {
    let dir = tempfile::tempdir().expect("tempdir");
    let metrics = format!("127.0.0.1:{}", support::free_port());
    let (_server, base) = support::start_server(
        env!("CARGO_BIN_EXE_server"),
        &dir.path().join("metrics.db"),
        &[("GRIDSTATION_METRICS_ADDR", &metrics)],
    )
    .await;
    let resident = support::signed_in_client(&base, "13800000001", "gridstation").await;

    let before = support::counters(&metrics).await;
    let page = resident.get(format!("{base}/board")).send().await.expect("board");
    assert_eq!(page.status(), StatusCode::OK);
    assert!(page.text().await.expect("html").contains("<html"));
    let after_page = support::counters(&metrics).await;
    assert_eq!(after_page[PAGES], before[PAGES] + 1, "the board page is one render");
    assert!(after_page[SQL] > before[SQL], "the page read the database");

    let json = resident
        .post(format!("{base}/api/board_data"))
        .header("accept", "application/json")
        .form(&[("page", "0")])
        .send()
        .await
        .expect("board_data");
    assert_eq!(json.status(), StatusCode::OK);
    let after_json = support::counters(&metrics).await;
    assert_eq!(after_json[PAGES], after_page[PAGES], "a server function's JSON is no page");
    assert!(after_json[SQL] > after_page[SQL], "the call read the database");

    // Three open streams, each past its first frame, then an order that reaches them all.
    let mut streams = Vec::new();
    for _ in 0..3 {
        let res = resident.get(format!("{base}/api/events")).send().await.expect("subscribe");
        assert_eq!(res.status(), StatusCode::OK);
        let mut stream = res.bytes_stream().boxed();
        read_until(&mut stream, "data:").await;
        streams.push(stream);
    }
    let form = [
        ("section", "daily_life"),
        ("title", "计数测试"),
        ("description", ""),
        ("urgency", "normal"),
        ("idempotency_key", "metrics-1"),
    ];
    let order = resident.post(format!("{base}/api/place_order")).form(&form).send().await.expect("place_order");
    let (status, id) = (order.status(), order.text().await.expect("id"));
    assert_eq!(status, StatusCode::OK, "{id}");
    for stream in &mut streams {
        read_until(stream, &format!("\"id\":{}", id.trim())).await;
    }
    let after_order = support::counters(&metrics).await;
    assert_eq!(after_order[PAGES], after_json[PAGES], "no page rendered for a live order");
    assert!(after_order[FRAMES] > after_json[FRAMES], "the order's frame was published");
    assert!(after_order[SQL] > after_json[SQL], "the order was written");

    // The public port has no counters.
    let public = resident.get(format!("{base}/metrics")).send().await.expect("public /metrics");
    assert!(!public.text().await.expect("body").contains(PAGES));
}
