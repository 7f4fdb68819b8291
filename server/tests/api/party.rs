//! 党员亮身份: the badge is the volunteer's own choice, staff can only propose it, and it
//! changes neither matching nor the election.
use crate::test_app::TestApp;
use reqwest::{Client, StatusCode};
use serde_json::{json, Value};

async fn json_of(app: &TestApp, client: &Client, endpoint: &str, form: &[(&str, &str)]) -> Value {
    let (status, body) = app.post(client, endpoint, form).await;
    assert_eq!(status, StatusCode::OK, "{endpoint}: {body}");
    serde_json::from_str(&body).unwrap_or_else(|e| panic!("{endpoint}: {e}: {body}"))
}

async fn badge_of(app: &TestApp, volunteer: &Client) -> Value {
    json_of(app, volunteer, "volunteer_profile", &[]).await["party"].clone()
}

async fn account_of(app: &TestApp, phone: &str) -> String {
    let id: i64 = sqlx::query_scalar("SELECT id FROM accounts WHERE phone = ?")
        .bind(phone)
        .fetch_one(&app.pool)
        .await
        .expect("account");
    id.to_string()
}

#[tokio::test]
async fn the_party_badge_is_the_volunteers_own_choice_and_a_proposal_waits_for_them() {
    let app = TestApp::spawn().await;
    let volunteer = app.signed_in("13800000011").await;
    let admin = app.signed_in("13800000004").await;
    let account = account_of(&app, "13800000011").await;
    assert_eq!(badge_of(&app, &volunteer).await, json!("Off"), "off by default");

    // Staff propose it: the volunteer is told, and nothing shows yet.
    let (status, body) = app.post(&admin, "propose_party_badge", &[("account", &account)]).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(badge_of(&app, &volunteer).await, json!("Proposed"));
    assert_eq!(
        app.count(
            "SELECT count(*) FROM notifications n JOIN accounts a ON a.id = n.account_id
             WHERE a.phone = '13800000011' AND n.kind = 'party_badge_proposed'"
        )
        .await,
        1
    );
    assert_eq!(app.count("SELECT count(*) FROM people WHERE phone = '13800000011' AND party_member = 1").await, 0);
    let (_, me) = app.get(&volunteer, "/me").await;
    assert!(me.contains("确认显示") && me.contains("id=\"party-badge\""), "the answer waits on /me");
    // Once is enough: a second proposal is refused and writes nothing.
    let (status, body) = app.post(&admin, "propose_party_badge", &[("account", &account)]).await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");

    // The volunteer confirms: it shows, and the proposal is gone.
    let (status, body) = app.post(&volunteer, "set_party_badge", &[("shown", "1")]).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(badge_of(&app, &volunteer).await, json!("Shown"));
    assert_eq!(
        app.count(
            "SELECT count(*) FROM people WHERE phone = '13800000011' AND party_member = 1
             AND party_badge_proposed_by IS NULL"
        )
        .await,
        1
    );
    let (status, _) = app.post(&admin, "propose_party_badge", &[("account", &account)]).await;
    assert_eq!(status, StatusCode::CONFLICT, "not while it shows");

    // And takes it down again at any time.
    let (status, _) = app.post(&volunteer, "set_party_badge", &[("shown", "0")]).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(badge_of(&app, &volunteer).await, json!("Off"));

    // Nobody else turns it on: a resident has none, a bad value is refused, staff's own
    // call only ever changes their own (they have no volunteer profile).
    let resident = app.signed_in("13800001000").await;
    let (status, _) = app.post(&resident, "set_party_badge", &[("shown", "1")]).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = app.post(&volunteer, "set_party_badge", &[("shown", "yes")]).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (status, _) = app.post(&admin, "set_party_badge", &[("shown", "1")]).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(app.count("SELECT count(*) FROM people WHERE phone = '13800000011' AND party_member = 1").await, 0);

    // Every change is audited, before and after.
    assert_eq!(
        app.count("SELECT count(*) FROM audit_log WHERE action = 'set_party_badge' AND outcome = 'ok'").await,
        2
    );
    assert_eq!(
        app.count(
            "SELECT count(*) FROM audit_log WHERE action = 'set_party_badge' AND outcome = 'ok'
             AND before_json LIKE '%Proposed%' AND after_json LIKE '%Shown%'"
        )
        .await,
        1
    );
    assert_eq!(
        app.count("SELECT count(*) FROM audit_log WHERE action = 'propose_party_badge' AND outcome = 'ok'").await,
        1
    );
}

/// What matching and the election make of the city: the volunteer's ranked orders (score
/// and order), the grid leader's suggested volunteers per escalated order, the ballot's
/// candidates with their records, and whether the volunteer may nominate themself.
async fn standings(app: &TestApp, volunteer: &Client, leader: &Client, voter: &Client) -> Value {
    let board = json_of(app, volunteer, "board_data", &[]).await;
    let ranked: Vec<Value> =
        board["suits_me"]["ranked"].as_array().expect("适合我").iter().map(|r| json!([r[0], r[1]["id"]])).collect();
    let queue: Vec<Value> = json_of(app, leader, "leader_queue", &[])
        .await
        .as_array()
        .expect("queue")
        .iter()
        .map(|q| json!([q["order"]["id"], q["candidates"]]))
        .collect();
    let ballot = json_of(app, voter, "stars_data", &[]).await;
    let candidates: Vec<Value> = ballot["candidates"]
        .as_array()
        .expect("candidates")
        .iter()
        .map(|c| json!([c["nomination_id"], c["service_hours"], c["orders_completed"], c["avg_rating"]]))
        .collect();
    let may_nominate = json_of(app, volunteer, "stars_data", &[]).await["may_nominate"].clone();
    json!({ "ranked": ranked, "queue": queue, "candidates": candidates, "may_nominate": may_nominate })
}

#[tokio::test]
async fn the_badge_changes_neither_matching_nor_star_eligibility() {
    let app = TestApp::spawn().await;
    let volunteer = app.signed_in("13800000011").await;
    let leader = app.signed_in("13800000003").await;
    let voter = app.signed_in("13800000001").await;
    let before = standings(&app, &volunteer, &leader, &voter).await;
    assert!(!before["ranked"].as_array().expect("ranked").is_empty(), "the volunteer has orders to rank");
    assert!(!before["candidates"].as_array().expect("candidates").is_empty(), "the ballot has candidates");
    assert!(!before["queue"].as_array().expect("queue").is_empty(), "the leader has escalated orders to staff");
    let shown_before = app.count("SELECT count(*) FROM people WHERE party_member = 1").await;
    let ballot_before = json_of(&app, &voter, "stars_data", &[]).await;

    // Everyone who showed the badge takes it down, and everyone else shows it.
    sqlx::query("UPDATE people SET party_member = 1 - party_member").execute(&app.pool).await.expect("toggle");
    assert_ne!(app.count("SELECT count(*) FROM people WHERE party_member = 1").await, shown_before);
    let after = standings(&app, &volunteer, &leader, &voter).await;
    assert_eq!(before, after, "matching and the election ignore the badge");
    // It did change what the ballot shows.
    let flags = |b: &Value| -> Vec<bool> {
        b["candidates"].as_array().expect("candidates").iter().map(|c| c["party_member"] == json!(true)).collect()
    };
    let flipped: Vec<bool> = flags(&ballot_before).into_iter().map(|f| !f).collect();
    assert_eq!(flags(&json_of(&app, &voter, "stars_data", &[]).await), flipped);
}

#[tokio::test]
async fn the_command_centre_counts_only_volunteers_who_show_the_badge() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in("13800000004").await;
    let figures = |d: &Value| (d["figures"]["party_volunteers"].clone(), d["figures"]["party_share"].clone());
    let before = json_of(&app, &admin, "dashboard", &[]).await;
    let shown: i64 = app
        .count(
            "SELECT count(*) FROM people p JOIN volunteer_profiles v ON v.person_id = p.id
             JOIN grid_nodes m ON m.id = p.micro_grid_id JOIN grid_nodes g ON g.id = m.parent_id
             JOIN grid_nodes c ON c.id = g.parent_id WHERE c.name = '祖望社区' AND p.party_member = 1",
        )
        .await;
    assert_eq!(figures(&before).0, json!(shown));
    // A volunteer of the community shows it: one more, with their hours.
    let volunteer = app.signed_in("13800000011").await;
    let (status, _) = app.post(&volunteer, "set_party_badge", &[("shown", "1")]).await;
    assert_eq!(status, StatusCode::OK);
    let after = json_of(&app, &admin, "dashboard", &[]).await;
    assert_eq!(figures(&after).0, json!(shown + 1));
    let hours = json_of(&app, &volunteer, "volunteer_profile", &[]).await["service_hours"].as_f64().expect("hours");
    let minutes = |d: &Value| d["figures"]["party_minutes"].as_i64().expect("minutes");
    // Hours are shown to a tenth: within 3 minutes of the minutes counted.
    let added = minutes(&after) - minutes(&before);
    assert!(added > 0 && (added as f64 - hours * 60.0).abs() <= 3.0, "{added} minutes, {hours} hours");
    // The share counts the completed orders of the period they took.
    let share = &after["figures"]["party_share"];
    assert!(share["num"].as_i64() >= before["figures"]["party_share"]["num"].as_i64(), "{share}");
    assert_eq!(share["den"], after["figures"]["orders_completed"]);
}

#[tokio::test]
async fn racing_proposals_write_one_proposal_and_one_notice() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in("13800000004").await;
    let account = account_of(&app, "13800000011").await;
    let url = format!("{}/api/propose_party_badge", app.base);
    let requests = (0..12).map(|_| {
        let (client, url, account) = (admin.clone(), url.clone(), account.clone());
        tokio::spawn(
            async move { client.post(url).form(&[("account", account)]).send().await.expect("propose").status() },
        )
    });
    let statuses: Vec<StatusCode> =
        futures::future::join_all(requests).await.into_iter().map(|r| r.expect("task")).collect();
    assert_eq!(statuses.iter().filter(|s| s.is_success()).count(), 1, "{statuses:?}");
    assert!(statuses.iter().all(|s| s.is_success() || *s == StatusCode::CONFLICT), "{statuses:?}");
    assert_eq!(
        app.count(
            "SELECT count(*) FROM notifications n JOIN accounts a ON a.id = n.account_id
             WHERE a.phone = '13800000011' AND n.kind = 'party_badge_proposed'"
        )
        .await,
        1
    );
    assert_eq!(
        app.count("SELECT count(*) FROM audit_log WHERE action = 'propose_party_badge' AND outcome = 'ok'").await,
        1
    );
}
