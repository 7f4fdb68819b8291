//! The order board: 我需要, 接单 and the life cycle, offers, dispatch, the feed, pairings,
//! volunteer profiles, the live channel and 我的订单.
use crate::support::*;
use crate::test_app::TestApp;
use app::live::Topic;
use reqwest::{Client, StatusCode};
use std::time::Duration;

impl TestApp {
    /// Places an order as `client`; returns its id.
    pub(crate) async fn place(&self, client: &Client, key: &str, extra: &[(&str, &str)]) -> (StatusCode, String) {
        let mut form = vec![
            ("section", "daily_life"),
            ("title", "帮忙换一个水龙头"),
            ("description", "厨房水龙头一直滴水"),
            ("urgency", "normal"),
            ("idempotency_key", key),
        ];
        for (key, value) in extra {
            form.retain(|(k, _)| k != key);
            form.push((key, value));
        }
        self.post(client, "place_order", &form).await
    }

    pub(crate) async fn place_ok(&self, client: &Client, key: &str) -> OrderId {
        let (status, body) = self.place(client, key, &[]).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        body.trim().parse().expect("order id")
    }
}

#[tokio::test]
async fn only_one_volunteer_can_take_an_open_order() {
    let app = TestApp::spawn().await;
    let resident = app.signed_in("13800000001").await;
    let id = app.place_ok(&resident, "race-order-0001").await;
    let id_text = id.to_string();
    // Eleven volunteers of 祖望社区, twenty taps each: 220 concurrent 接单 requests.
    let mut volunteers = vec![app.signed_in("13800000002").await];
    for n in 10..20 {
        volunteers.push(app.signed_in(&format!("138000000{n}")).await);
    }
    let mut requests = Vec::new();
    for (who, client) in volunteers.iter().enumerate() {
        for _ in 0..20 {
            let client = client.clone();
            let url = format!("{}/api/take_order", app.base);
            let form = vec![("id", id_text.clone())];
            requests.push(tokio::spawn(async move {
                let res = client.post(url).form(&form).send().await.expect("take");
                let status = res.status();
                (who, status, res.text().await.unwrap_or_default())
            }));
        }
    }
    // The winner's own further taps are answered as the success they repeat; everyone
    // else's are told it is taken.
    let mut winners = std::collections::HashSet::new();
    let mut lost = 0;
    for r in futures::future::join_all(requests).await {
        let (who, status, body) = r.expect("task");
        match status {
            StatusCode::OK => {
                winners.insert(who);
            }
            StatusCode::CONFLICT => {
                assert!(body.contains("ErrOrderTaken"), "{body}");
                lost += 1;
            }
            other => panic!("unexpected {other}: {body}"),
        }
    }
    assert_eq!(winners.len(), 1, "one volunteer won: {winners:?}");
    assert_eq!(lost, 200, "every other volunteer's 20 taps were refused");
    let takers: i64 =
        sqlx::query_scalar("SELECT count(*) FROM order_events WHERE order_id = ? AND to_status = 'taken'")
            .bind(id)
            .fetch_one(&app.pool)
            .await
            .expect("q");
    assert_eq!(takers, 1, "exactly one taken event");
    let status: String = sqlx::query_scalar("SELECT status FROM service_orders WHERE id = ?")
        .bind(id)
        .fetch_one(&app.pool)
        .await
        .expect("q");
    assert_eq!(status, "taken");
}

#[tokio::test]
async fn the_same_form_sent_twice_creates_one_order() {
    let app = TestApp::spawn().await;
    let resident = app.signed_in("13800000001").await;
    let before = app.count("SELECT count(*) FROM service_orders").await;
    let sends = (0..5).map(|_| app.place(&resident, "same-key-123456", &[]));
    let results = futures::future::join_all(sends).await;
    let ids = distinct_ok_bodies(results);
    assert_eq!(ids.len(), 1, "every send answers with the same order");
    assert_eq!(app.count("SELECT count(*) FROM service_orders").await, before + 1);
    // A new form (new key) is a new order.
    app.place_ok(&resident, "another-key-1234").await;
    assert_eq!(app.count("SELECT count(*) FROM service_orders").await, before + 2);
}

#[tokio::test]
async fn an_order_runs_its_whole_life_cycle_with_every_step_timed() {
    let app = TestApp::spawn().await;
    let resident = app.signed_in("13800000001").await;
    let volunteer = app.signed_in("13800000002").await;
    let id = app.place_ok(&resident, "life-cycle-0001").await;
    let id = id.to_string();
    let step = |client: &Client, endpoint: &'static str, extra: Vec<(&'static str, &'static str)>| {
        let mut form = vec![("id", id.clone())];
        form.extend(extra.into_iter().map(|(k, v)| (k, v.to_string())));
        let request = client.post(format!("{}/api/{endpoint}", app.base)).form(&form).send();
        async move {
            let res = request.await.expect("send");
            (res.status(), res.text().await.unwrap_or_default())
        }
    };
    // Confirming before the service is done is refused by the state machine.
    assert_eq!(step(&resident, "confirm_order", vec![("rating", "5"), ("comment", "")]).await.0, StatusCode::CONFLICT);
    // The resident cannot take their own order; the volunteer can.
    assert_eq!(step(&resident, "take_order", vec![]).await.0, StatusCode::FORBIDDEN);
    assert_eq!(step(&volunteer, "take_order", vec![]).await.0, StatusCode::OK);
    assert_eq!(step(&volunteer, "start_service", vec![]).await.0, StatusCode::OK);
    let (status, body) = step(&volunteer, "finish_service", vec![("minutes", "0")]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(step(&volunteer, "finish_service", vec![("minutes", "50")]).await.0, StatusCode::OK);
    // Only the requester confirms.
    assert_eq!(
        step(&volunteer, "confirm_order", vec![("rating", "5"), ("comment", "")]).await.0,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        step(&resident, "confirm_order", vec![("rating", "9"), ("comment", "")]).await.0,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    assert_eq!(
        step(&resident, "confirm_order", vec![("rating", "4"), ("comment", "谢谢小张")]).await.0,
        StatusCode::OK
    );
    let row: (String, i64, i64, bool) = sqlx::query_as(
        "SELECT status, minutes_spent, rating,
                taken_at IS NOT NULL AND started_at IS NOT NULL AND finished_at IS NOT NULL AND confirmed_at IS NOT NULL
         FROM service_orders WHERE id = ?",
    )
    .bind(&id)
    .fetch_one(&app.pool)
    .await
    .expect("q");
    assert_eq!(row, ("completed".to_string(), 50, 4, true), "every step has its time");
    let events: Vec<String> = sqlx::query_scalar("SELECT to_status FROM order_events WHERE order_id = ? ORDER BY id")
        .bind(&id)
        .fetch_all(&app.pool)
        .await
        .expect("q");
    assert_eq!(events, ["open", "taken", "in_service", "awaiting_confirmation", "completed"]);
}

#[tokio::test]
async fn releasing_needs_a_reason_and_reopens_the_order() {
    let app = TestApp::spawn().await;
    let resident = app.signed_in("13800000001").await;
    let volunteer = app.signed_in("13800000002").await;
    let id = app.place_ok(&resident, "release-0000001").await.to_string();
    let (status, _) = app.post(&volunteer, "take_order", &[("id", &id)]).await;
    assert_eq!(status, StatusCode::OK);
    let (status, body) = app.post(&volunteer, "release_order", &[("id", &id), ("reason", "  ")]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let (status, _) = app.post(&volunteer, "release_order", &[("id", &id), ("reason", "临时有事")]).await;
    assert_eq!(status, StatusCode::OK);
    let (status, taker): (String, Option<i64>) =
        sqlx::query_as("SELECT status, taker_id FROM service_orders WHERE id = ?")
            .bind(&id)
            .fetch_one(&app.pool)
            .await
            .expect("q");
    assert_eq!((status.as_str(), taker), ("open", None));
    // The requester may cancel it now that nobody holds it.
    let (status, _) = app.post(&resident, "cancel_order", &[("id", &id), ("reason", "")]).await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn a_volunteer_of_another_community_can_neither_take_nor_see_an_order() {
    let app = TestApp::spawn().await;
    let resident = app.signed_in("13800000001").await;
    let id = app.place_ok(&resident, "foreign-0000001").await.to_string();
    // 13800000020 serves another community.
    let outsider = app.signed_in("13800000020").await;
    let (status, _) = app.post(&outsider, "take_order", &[("id", &id)]).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = app.post(&outsider, "order_detail", &[("id", &id)]).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(app.count("SELECT count(*) FROM audit_log WHERE action = 'order_refused'").await, 1);
}

#[tokio::test]
async fn room_and_phone_reach_only_the_taker_and_grid_staff() {
    let app = TestApp::spawn().await;
    let requester = app.signed_in("13800000001").await;
    let id = app.place_ok(&requester, "privacy-0000001").await.to_string();
    let phone = "13800000001";
    let detail = |client: Client| {
        let app = &app;
        let id = id.clone();
        async move { app.post(&client, "order_detail", &[("id", &id)]).await }
    };
    // Another resident of the same community sees the order, masked.
    let neighbour = app.signed_in("13800001000").await;
    let (status, body) = detail(neighbour).await;
    assert_eq!(status, StatusCode::OK);
    assert!(!body.contains(phone) && body.contains("王**") && !body.contains("王秀英"), "{body}");
    // A volunteer sees it masked until they take it.
    let volunteer = app.signed_in("13800000002").await;
    let (_, body) = detail(volunteer.clone()).await;
    assert!(!body.contains(phone));
    let (status, _) = app.post(&volunteer, "take_order", &[("id", &id)]).await;
    assert_eq!(status, StatusCode::OK);
    // Having taken it, not yet: the taker is told when the contact appears.
    let (_, body) = detail(volunteer.clone()).await;
    assert!(!body.contains(phone) && !body.contains("王秀英"), "{body}");
    let view: serde_json::Value = serde_json::from_str(&body).expect("json");
    assert_eq!(view["contact_in_secs"], app::domain::order::CONTACT_HOLD_SECS);
    // From 开始服务 (the order can no longer be released) the taker sees it.
    let (status, _) = app.post(&volunteer, "start_service", &[("id", &id)]).await;
    assert_eq!(status, StatusCode::OK);
    let (_, body) = detail(volunteer).await;
    assert!(body.contains(phone) && body.contains("王秀英"), "{body}");
    // Grid staff of the area see it too.
    let member = app.signed_in("13800000006").await;
    let (_, body) = detail(member).await;
    assert!(body.contains(phone));
}

#[tokio::test]
async fn a_volunteer_cannot_harvest_contacts_by_taking_and_releasing() {
    let app = TestApp::spawn().await;
    let requester = app.signed_in("13800000001").await;
    let volunteer = app.signed_in("13800000002").await;
    let leader: i64 = sqlx::query_scalar("SELECT id FROM accounts WHERE phone = '13800000003'")
        .fetch_one(&app.pool)
        .await
        .expect("id");
    let notices = || async {
        sqlx::query_scalar::<_, i64>(
            "SELECT count(*) FROM notifications WHERE account_id = ? AND kind = 'take_release_flagged'",
        )
        .bind(leader)
        .fetch_one(&app.pool)
        .await
        .expect("count")
    };
    // Take, read, release, as fast as a script can: no contact, and the third release is
    // reported to the grid leader.
    let mut ids = Vec::new();
    for n in 0..app::domain::order::RELEASES_PER_DAY + 1 {
        ids.push(app.place_ok(&requester, &format!("harvest-{n:08}")).await.to_string());
    }
    for (n, id) in ids.iter().enumerate().take(app::domain::order::RELEASES_PER_DAY as usize) {
        let (status, body) = app.post(&volunteer, "take_order", &[("id", id)]).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let (_, body) = app.post(&volunteer, "order_detail", &[("id", id)]).await;
        assert!(!body.contains("13800000001") && !body.contains("王秀英"), "take {n}: {body}");
        let (status, body) = app.post(&volunteer, "release_order", &[("id", id), ("reason", "临时有事")]).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let expected = i64::from(n as i64 + 1 >= app::domain::order::RELEASES_FLAGGED_AT);
        assert_eq!(notices().await, expected, "after release {}", n + 1);
    }
    assert_eq!(app.count("SELECT count(*) FROM audit_log WHERE action = 'take_release_flagged'").await, 1);
    // After the day's releases, no more takes, with a message of its own; nothing changed.
    let last = ids.last().expect("id");
    let (status, body) = app.post(&volunteer, "take_order", &[("id", last)]).await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert!(body.contains("ErrTakesPaused"), "{body}");
    let open: String = sqlx::query_scalar("SELECT status FROM service_orders WHERE id = ?")
        .bind(last)
        .fetch_one(&app.pool)
        .await
        .expect("q");
    assert_eq!(open, "open");

    // Takes alone are limited too: another volunteer may take ten in an hour, not eleven.
    let other = app.signed_in("13800000011").await;
    for n in 0..app::domain::order::TAKES_PER_HOUR {
        let id = app.place_ok(&requester, &format!("many-takes-{n:06}")).await.to_string();
        let (status, body) = app.post(&other, "take_order", &[("id", &id)]).await;
        assert_eq!(status, StatusCode::OK, "take {n}: {body}");
    }
    let (status, body) = app.post(&other, "take_order", &[("id", last)]).await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert!(body.contains("ErrTooManyTakes"), "{body}");
}

#[tokio::test]
async fn grid_staff_place_orders_on_behalf_of_residents_and_it_is_audited() {
    let app = TestApp::spawn().await;
    let member = app.signed_in("13800000006").await;
    // 13800001000 lives in 祖望社区's first micro-grid, which the member covers.
    let resident_grid: String = sqlx::query_scalar(
        "SELECT m.name FROM people p JOIN grid_nodes m ON m.id = p.micro_grid_id WHERE p.phone = '13800001000'",
    )
    .fetch_one(&app.pool)
    .await
    .expect("q");
    assert_eq!(resident_grid, "向日葵微网格");
    let (status, body) = app.place(&member, "on-behalf-000001", &[("on_behalf_phone", "13800001000")]).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let on_behalf: i64 = sqlx::query_scalar(
        "SELECT o.on_behalf FROM service_orders o JOIN people p ON p.id = o.requester_id WHERE p.phone = '13800001000' AND o.idempotency_key = 'on-behalf-000001'",
    )
    .fetch_one(&app.pool)
    .await
    .expect("q");
    assert_eq!(on_behalf, 1);
    assert_eq!(
        app.count("SELECT count(*) FROM audit_log WHERE action = 'place_order_on_behalf' AND outcome = 'ok'").await,
        1
    );
    // A resident cannot place for someone else.
    let resident = app.signed_in("13800000001").await;
    let (status, _) = app.place(&resident, "on-behalf-000002", &[("on_behalf_phone", "13800001000")]).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn staff_register_a_resident_without_a_phone_and_place_their_order_at_their_home() {
    let app = TestApp::spawn().await;
    let member = app.signed_in("13800000006").await;
    // The form offers the people of the member's area by name, building and room, and its units.
    let (status, body) = app.post(&member, "order_form", &[]).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let form: serde_json::Value = serde_json::from_str(&body).expect("json");
    let unit = form["units"][0][0].as_i64().expect("a unit of the area");
    assert!(form["units"][0][1].as_str().is_some_and(|l| l.contains("单元")), "{body}");
    assert!(form["residents"].as_array().is_some_and(|r| r.len() > 5), "{body}");
    // Bad input is explained per field and writes nothing; a unit outside the area is refused.
    let people = app.count("SELECT count(*) FROM people").await;
    let (status, body) =
        app.post(&member, "register_resident", &[("name", " "), ("unit", &unit.to_string()), ("room", "")]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("ErrResidentName") && body.contains("ErrRoom"), "{body}");
    let foreign: i64 = sqlx::query_scalar(
        "SELECT u.id FROM grid_nodes u JOIN grid_nodes c ON u.code GLOB c.code || '*'
         WHERE u.level = 'unit' AND c.name = '朝晖社区' LIMIT 1",
    )
    .fetch_one(&app.pool)
    .await
    .expect("a foreign unit");
    let (status, body) = app
        .post(&member, "register_resident", &[("name", "李阿婆"), ("unit", &foreign.to_string()), ("room", "101")])
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("ErrChooseUnit"), "{body}");
    let resident = app.signed_in("13800000001").await;
    let (status, _) = app
        .post(&resident, "register_resident", &[("name", "李阿婆"), ("unit", &unit.to_string()), ("room", "101")])
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(app.count("SELECT count(*) FROM people").await, people, "nothing written");

    // Registered once however often the form is sent, even all at once; audited once.
    let form = [("name", "李阿婆"), ("unit", &unit.to_string()), ("room", "1203")];
    let answers = futures::future::join_all((0..8).map(|_| app.post(&member, "register_resident", &form))).await;
    let (status, first) = answers[0].clone();
    assert_eq!(status, StatusCode::OK, "{first}");
    assert!(answers.iter().all(|a| *a == (StatusCode::OK, first.clone())), "one person for eight taps: {answers:?}");
    let (_, again) = app.post(&member, "register_resident", &form).await;
    assert_eq!(first, again, "the same name in the same room is the same person");
    let person: i64 = first.trim().parse().expect("id");
    assert_eq!(app.count("SELECT count(*) FROM people WHERE full_name = '李阿婆' AND phone IS NULL").await, 1);
    assert_eq!(
        app.count("SELECT count(*) FROM audit_log WHERE action = 'register_resident' AND outcome = 'ok'").await,
        1
    );

    // She is offered on the form, and her order is placed at her home, reached through the member.
    let (_, body) = app.post(&member, "order_form", &[]).await;
    assert!(body.contains("李阿婆") && body.contains("1203"), "{body}");
    let (status, body) = app.place(&member, "for-phoneless-01", &[("on_behalf_person", &person.to_string())]).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (requester, on_behalf, room, phone, building): (i64, bool, String, Option<String>, Option<i64>) = sqlx::query_as(
        "SELECT requester_id, on_behalf, room, contact_phone, building_id FROM service_orders WHERE idempotency_key = 'for-phoneless-01'",
    )
    .fetch_one(&app.pool)
    .await
    .expect("order");
    let home: Option<i64> = sqlx::query_scalar("SELECT building_id FROM people WHERE id = ?")
        .bind(person)
        .fetch_one(&app.pool)
        .await
        .expect("home");
    assert_eq!((requester, on_behalf, room.as_str(), phone.as_deref()), (person, true, "1203", Some("13800000006")));
    assert_eq!(building, home, "the service place is her building, not the member's");
    // Someone outside the member's area, or a malformed choice, is refused with a reason.
    let outsider: i64 = sqlx::query_scalar(
        "SELECT p.id FROM people p JOIN grid_nodes m ON m.id = p.micro_grid_id JOIN grid_nodes c ON m.code GLOB c.code || '*'
         WHERE c.name = '朝晖社区' LIMIT 1",
    )
    .fetch_one(&app.pool)
    .await
    .expect("outsider");
    for choice in [outsider.to_string(), "abc".to_string()] {
        let (status, body) = app.place(&member, "for-phoneless-02", &[("on_behalf_person", &choice)]).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert!(body.contains("ErrChooseResident"), "{body}");
    }
    let (status, _) = app.place(&resident, "for-phoneless-03", &[("on_behalf_person", &person.to_string())]).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn bad_order_input_is_explained_field_by_field() {
    let app = TestApp::spawn().await;
    let resident = app.signed_in("13800000001").await;
    let before = app.count("SELECT count(*) FROM service_orders").await;
    let (status, body) = app
        .post(
            &resident,
            "place_order",
            &[
                ("section", "gardening"),
                ("title", "x"),
                ("description", ""),
                ("urgency", "normal"),
                ("idempotency_key", "bad-input-000001"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let (status, body) = app
        .place(
            &resident,
            "bad-input-000002",
            &[("window_start", "2026-12-01T10:00"), ("window_end", "2026-12-01T09:00")],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("ErrWindow"), "{body}");
    let (status, _) = app.place(&resident, "'; DROP TABLE--", &[]).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(app.count("SELECT count(*) FROM service_orders").await, before, "nothing written");
    let (status, _) = app.post(&resident, "take_order", &[("id", "999999")]).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = app.post(&resident, "take_order", &[("id", "-1; DROP")]).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn an_untaken_order_escalates_after_its_limit() {
    let app = TestApp::spawn().await;
    let resident = app.signed_in("13800000001").await;
    let (status, body) = app.place(&resident, "escalate-000001", &[("urgency", "urgent")]).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let id: i64 = body.trim().parse().expect("id");
    let state = app::state::AppState::new(app.pool.clone(), Default::default());
    assert_eq!(app::jobs::escalate_orders(&state, app::repo::now()).await.expect("escalate"), 0, "not yet due");
    // The order's community (its micro-grid's grandparent) allows urgent orders an hour.
    sqlx::query(
        "UPDATE community_settings SET urgent_limit_minutes = 60 WHERE node_id =
           (SELECT g.parent_id FROM service_orders o JOIN grid_nodes m ON m.id = o.micro_grid_id
            JOIN grid_nodes g ON g.id = m.parent_id WHERE o.id = ?)",
    )
    .bind(id)
    .execute(&app.pool)
    .await
    .expect("q");
    let age_by = |minutes: i64| {
        sqlx::query("UPDATE service_orders SET created_at = created_at - ?1 * 60, updated_at = updated_at - ?1 * 60 WHERE id = ?2")
            .bind(minutes)
            .bind(id)
            .execute(&app.pool)
    };
    age_by(31).await.expect("q");
    assert_eq!(
        app::jobs::escalate_orders(&state, app::repo::now()).await.expect("escalate"),
        0,
        "31 minutes is within the community's hour"
    );
    age_by(30).await.expect("q");
    assert_eq!(app::jobs::escalate_orders(&state, app::repo::now()).await.expect("escalate"), 1);
    let reason: Option<String> = sqlx::query_scalar("SELECT escalation_reason FROM service_orders WHERE id = ?")
        .bind(id)
        .fetch_one(&app.pool)
        .await
        .expect("q");
    assert_eq!(reason.as_deref(), Some("timeout"));
}

#[tokio::test]
async fn taking_an_order_is_announced_on_the_live_channel() {
    let app = TestApp::spawn().await;
    let resident = app.signed_in("13800000001").await;
    let id = app.place_ok(&resident, "live-order-00001").await;
    let mut rx = app.bus.subscribe();
    let volunteer = app.signed_in("13800000002").await;
    let (status, _) = app.post(&volunteer, "take_order", &[("id", &id.to_string())]).await;
    assert_eq!(status, StatusCode::OK);
    let event = tokio::time::timeout(Duration::from_secs(2), rx.recv()).await.expect("in time").expect("event");
    assert_eq!((event.topic, event.id), (Topic::Orders, Some(id.get())));
}

#[tokio::test]
async fn a_grid_leader_dispatches_an_escalated_order_and_the_volunteer_accepts() {
    let app = TestApp::spawn().await;
    let leader = app.signed_in("13800000003").await;
    // The seeded city has an escalated urgent order in the leader's grid.
    let (status, body) = app.post(&leader, "leader_queue", &[]).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let queue: serde_json::Value = serde_json::from_str(&body).expect("json");
    let item = &queue[0];
    let id = item["order"]["id"].as_i64().expect("order id").to_string();
    let candidates = item["candidates"].as_array().expect("candidates");
    assert!(!candidates.is_empty(), "the queue suggests volunteers");
    let volunteer_phone = "13800000002";
    let volunteer_person: i64 = sqlx::query_scalar("SELECT id FROM people WHERE phone = ?")
        .bind(volunteer_phone)
        .fetch_one(&app.pool)
        .await
        .expect("q");
    // A resident may not dispatch; a volunteer of another community may not be named.
    let resident = app.signed_in("13800000001").await;
    let (status, _) =
        app.post(&resident, "dispatch_order", &[("id", &id), ("volunteer", &volunteer_person.to_string())]).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let outsider: i64 =
        sqlx::query_scalar("SELECT id FROM people WHERE phone = '13800000020'").fetch_one(&app.pool).await.expect("q");
    let (status, _) = app.post(&leader, "dispatch_order", &[("id", &id), ("volunteer", &outsider.to_string())]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);

    let (status, body) =
        app.post(&leader, "dispatch_order", &[("id", &id), ("volunteer", &volunteer_person.to_string())]).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    // The queue card names whom it waits for (the other queued orders wait for nobody).
    let (_, queue) = app.post(&leader, "leader_queue", &[]).await;
    let queue: serde_json::Value = serde_json::from_str(&queue).expect("json");
    for item in queue.as_array().expect("queue") {
        let waiting = item["waiting"].as_array().expect("waiting").len();
        let this = item["order"]["id"].as_i64().map(|i| i.to_string()) == Some(id.clone());
        assert_eq!(waiting, usize::from(this), "{item}");
    }
    let volunteer = app.signed_in(volunteer_phone).await;
    let (_, body) = app.post(&volunteer, "my_dispatches", &[]).await;
    let mine: serde_json::Value = serde_json::from_str(&body).expect("json");
    let dispatch = mine[0]["dispatch_id"].as_i64().expect("dispatch").to_string();
    assert_eq!(mine[0]["order"]["id"].as_i64().map(|i| i.to_string()), Some(id.clone()));
    // Someone else's dispatch cannot be answered.
    let (status, _) = app.post(&resident, "respond_dispatch", &[("dispatch", &dispatch), ("accept", "1")]).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    // 接受 from the board is a plain form: it lands on the order, the volunteer's next job.
    let res = volunteer
        .post(format!("{}/api/respond_dispatch", app.base))
        .header("accept", "text/html")
        .header("referer", format!("{}/board", app.base))
        .form(&[("dispatch", dispatch.as_str()), ("accept", "1")])
        .send()
        .await
        .expect("accept");
    assert_eq!(res.status(), StatusCode::FOUND);
    let location = res.headers().get("location").and_then(|v| v.to_str().ok()).map(str::to_string);
    assert_eq!(location, Some(format!("/orders/{id}")));
    let (status, taker): (String, Option<i64>) =
        sqlx::query_as("SELECT status, taker_id FROM service_orders WHERE id = ?")
            .bind(&id)
            .fetch_one(&app.pool)
            .await
            .expect("q");
    assert_eq!((status.as_str(), taker), ("taken", Some(volunteer_person)));
    assert_eq!(app.count("SELECT count(*) FROM notifications WHERE kind = 'dispatch'").await, 1);
    let (_, page) = app.get(&volunteer, &format!("/orders/{id}")).await;
    assert!(page.contains("志愿者接受了网格长的指派"), "the history says how it was taken");
    // It has left the queue.
    let (_, body) = app.post(&leader, "leader_queue", &[]).await;
    assert!(!body.contains(&format!("\"id\":{id},")), "{body}");
}

#[tokio::test]
async fn a_declined_dispatch_leaves_the_order_open() {
    let app = TestApp::spawn().await;
    let leader = app.signed_in("13800000003").await;
    let (_, body) = app.post(&leader, "leader_queue", &[]).await;
    let queue: serde_json::Value = serde_json::from_str(&body).expect("json");
    let id = queue[0]["order"]["id"].as_i64().expect("id").to_string();
    let person: i64 =
        sqlx::query_scalar("SELECT id FROM people WHERE phone = '13800000010'").fetch_one(&app.pool).await.expect("q");
    for _ in 0..2 {
        let (status, _) = app.post(&leader, "dispatch_order", &[("id", &id), ("volunteer", &person.to_string())]).await;
        assert_eq!(status, StatusCode::OK);
    }
    assert_eq!(
        app.count("SELECT count(*) FROM order_dispatches WHERE response IS NULL").await,
        1,
        "a double tap dispatches once"
    );
    let volunteer = app.signed_in("13800000010").await;
    let (_, body) = app.post(&volunteer, "my_dispatches", &[]).await;
    let mine: serde_json::Value = serde_json::from_str(&body).expect("json");
    let dispatch = mine[0]["dispatch_id"].as_i64().expect("dispatch").to_string();
    let (status, _) = app.post(&volunteer, "respond_dispatch", &[("dispatch", &dispatch), ("accept", "0")]).await;
    assert_eq!(status, StatusCode::OK);
    let status: String = sqlx::query_scalar("SELECT status FROM service_orders WHERE id = ?")
        .bind(&id)
        .fetch_one(&app.pool)
        .await
        .expect("q");
    assert_eq!(status, "open");
    let response: String = sqlx::query_scalar("SELECT response FROM order_dispatches WHERE id = ?")
        .bind(&dispatch)
        .fetch_one(&app.pool)
        .await
        .expect("q");
    assert_eq!(response, "declined");
    // Answering twice is refused.
    let (status, _) = app.post(&volunteer, "respond_dispatch", &[("dispatch", &dispatch), ("accept", "1")]).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_resident_books_a_volunteers_offer_and_gets_a_paired_order() {
    let app = TestApp::spawn().await;
    let volunteer = app.signed_in("13800000002").await;
    let (status, body) = app
        .post(
            &volunteer,
            "post_offer",
            &[
                ("section", "daily_life"),
                ("title", "周末帮忙修理小家电"),
                ("description", ""),
                ("schedule", "每周日下午"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let offer = body.trim().to_string();
    let resident = app.signed_in("13800000001").await;
    let (status, _) = app
        .post(
            &resident,
            "post_offer",
            &[("section", "daily_life"), ("title", "居民不能发布"), ("description", ""), ("schedule", "")],
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "only volunteers post offers");
    let (_, listing) = app.post(&resident, "offers_data", &[]).await;
    assert!(listing.contains("周末帮忙修理小家电"));

    let book = [("offer", offer.as_str()), ("note", "电风扇不转了"), ("idempotency_key", "book-offer-00001")];
    let (status, first) = app.post(&resident, "book_offer", &book).await;
    assert_eq!(status, StatusCode::OK, "{first}");
    let (status, second) = app.post(&resident, "book_offer", &book).await;
    assert_eq!((status, second.clone()), (StatusCode::OK, first.clone()), "booking twice is one order");
    let (status, taker, offer_id): (String, PersonId, i64) =
        sqlx::query_as("SELECT o.status, o.taker_id, o.offer_id FROM service_orders o WHERE o.id = ?")
            .bind(first.trim())
            .fetch_one(&app.pool)
            .await
            .expect("q");
    let volunteer_person: PersonId =
        sqlx::query_scalar("SELECT id FROM people WHERE phone = '13800000002'").fetch_one(&app.pool).await.expect("q");
    assert_eq!((status.as_str(), taker, offer_id.to_string()), ("taken", volunteer_person, offer.clone()));
    // The history says the volunteer took it through the booking, in the reader's words.
    let (taken_by, via): (String, Option<String>) = sqlx::query_as(
        "SELECT p.full_name, e.via FROM order_events e JOIN accounts a ON a.id = e.actor_id
         JOIN people p ON p.id = a.person_id WHERE e.order_id = ? AND e.to_status = 'taken'",
    )
    .bind(first.trim())
    .fetch_one(&app.pool)
    .await
    .expect("q");
    let volunteer_name: String = sqlx::query_scalar("SELECT full_name FROM people WHERE id = ?")
        .bind(volunteer_person)
        .fetch_one(&app.pool)
        .await
        .expect("q");
    assert_eq!((taken_by, via.as_deref()), (volunteer_name, Some("offer")));
    let (_, page) = app.get(&resident, &format!("/orders/{}", first.trim())).await;
    assert!(page.contains("居民预约了这位志愿者的「我帮忙」服务"), "{page}");
    let mut conn = app.pool.acquire().await.expect("conn");
    let account = app::repo::accounts_repo::account_of(&mut conn, volunteer_person).await.expect("q").expect("account");
    let now = app::repo::now();
    let activity = app::repo::orders_repo::taker_activity(&mut conn, account, now).await.expect("q");
    assert_eq!(activity.takes_last_hour, 0, "a booking is not one of the volunteer's takes");
    drop(conn);
    let (status, _) = app
        .post(&volunteer, "book_offer", &[("offer", &offer), ("note", ""), ("idempotency_key", "book-own-000001")])
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "a volunteer cannot book their own offer");
}

#[tokio::test]
async fn the_requester_thanks_once_after_confirming_and_neighbours_like_it() {
    let app = TestApp::spawn().await;
    let resident = app.signed_in("13800000001").await;
    let volunteer = app.signed_in("13800000002").await;
    let id = app.place_ok(&resident, "thanks-order-001").await.to_string();
    let (status, _) = app.post(&resident, "post_thanks", &[("order", &id), ("body", "谢谢！")]).await;
    assert_eq!(status, StatusCode::CONFLICT, "not before the service is confirmed");
    for (client, endpoint, extra) in [
        (&volunteer, "take_order", vec![]),
        (&volunteer, "start_service", vec![]),
        (&volunteer, "finish_service", vec![("minutes", "30")]),
        (&resident, "confirm_order", vec![("rating", "5"), ("comment", "")]),
    ] {
        let mut form = vec![("id", id.as_str())];
        form.extend(extra);
        let (status, body) = app.post(client, endpoint, &form).await;
        assert_eq!(status, StatusCode::OK, "{endpoint}: {body}");
    }
    let (status, _) = app.post(&volunteer, "post_thanks", &[("order", &id), ("body", "自己夸自己")]).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = app.post(&resident, "post_thanks", &[("order", &id), ("body", "感谢小张帮我修好水龙头！")]).await;
    assert_eq!(status, StatusCode::OK);
    let (status, body) = app.post(&resident, "post_thanks", &[("order", &id), ("body", "再谢一次")]).await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");

    let neighbour = app.signed_in("13800001000").await;
    let (_, feed) = app.post(&neighbour, "feed_data", &[]).await;
    let feed: serde_json::Value = serde_json::from_str(&feed).expect("json");
    let post = &feed["posts"][0];
    assert_eq!(post["body"], "感谢小张帮我修好水龙头！");
    assert_eq!(post["author_masked"], "王**", "the author is masked");
    let post_id = post["id"].as_i64().expect("id").to_string();
    for _ in 0..2 {
        let (status, _) = app.post(&neighbour, "like_post", &[("post", &post_id)]).await;
        assert_eq!(status, StatusCode::OK);
    }
    assert_eq!(app.count("SELECT count(*) FROM feed_likes").await, 0, "a second tap takes the like back");
    let (status, _) = app.post(&neighbour, "like_post", &[("post", &post_id)]).await;
    assert_eq!(status, StatusCode::OK);
    let (_, feed) = app.post(&neighbour, "feed_data", &[]).await;
    assert!(feed.contains("\"likes\":1,\"liked\":true"), "{feed}");
    // Someone from another community cannot like it.
    let outsider = app.signed_in("13800000020").await;
    let (status, _) = app.post(&outsider, "like_post", &[("post", &post_id)]).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn the_feed_is_paged_newest_first() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in("13800000004").await;
    for n in 0..12 {
        let (status, _) = app.post(&admin, "post_news", &[("body", &format!("驿站动态 {n}"))]).await;
        assert_eq!(status, StatusCode::OK);
    }
    let (_, first) = app.post(&admin, "feed_data", &[]).await;
    let first: serde_json::Value = serde_json::from_str(&first).expect("json");
    assert_eq!(first["posts"].as_array().map(Vec::len), Some(10));
    assert_eq!(first["posts"][0]["body"], "驿站动态 11");
    let next = first["next"].as_i64().expect("a next page").to_string();
    let (_, second) = app.post(&admin, "feed_data", &[("before", &next)]).await;
    let second: serde_json::Value = serde_json::from_str(&second).expect("json");
    assert_eq!(second["posts"][0]["body"], "驿站动态 1");
    let resident = app.signed_in("13800000001").await;
    let (status, _) = app.post(&resident, "post_news", &[("body", "居民不能发驿站动态")]).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn a_pairing_creates_its_weekly_orders_once_per_slot() {
    let app = TestApp::spawn().await;
    // The seeded pairings already have their next slot's order.
    assert_eq!(app.count("SELECT count(*) FROM pairings").await, 2);
    assert_eq!(
        app.count("SELECT count(*) FROM service_orders WHERE pairing_id IS NOT NULL AND status = 'taken'").await,
        2
    );
    let leader = app.signed_in("13800000003").await;
    let form = [
        ("volunteer_phone", "13800000011"),
        ("resident_phone", "13800001000"),
        ("section", "assistance"),
        ("title", "每周帮忙买菜"),
        ("weekday", "1"),
        ("part", "0"),
    ];
    let (status, body) = app.post(&leader, "create_pairing", &form).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let pairing = body.trim().to_string();
    let (status, _) = app.post(&leader, "create_pairing", &form).await;
    assert_eq!(status, StatusCode::CONFLICT, "the same pair twice");
    let orders = |app: &TestApp| {
        let pairing = pairing.clone();
        let pool = app.pool.clone();
        async move {
            sqlx::query_as::<_, (String, i64)>("SELECT status, window_start FROM service_orders WHERE pairing_id = ?")
                .bind(pairing)
                .fetch_all(&pool)
                .await
                .expect("q")
        }
    };
    let first = orders(&app).await;
    assert_eq!(first.len(), 1);
    assert_eq!(first[0].0, "taken", "the paired volunteer holds it");
    let history: Vec<(Option<String>, String, Option<i64>, String)> = sqlx::query_as(
        "SELECT from_status, to_status, actor_id, note FROM order_events
         WHERE order_id = (SELECT id FROM service_orders WHERE pairing_id = ?)",
    )
    .bind(&pairing)
    .fetch_all(&app.pool)
    .await
    .expect("history");
    assert_eq!(history, [(None, "taken".to_string(), None, "结对".to_string())], "opened taken, by the schedule");
    // Running the schedule again in the same week changes nothing; a week later adds one.
    let now = app::repo::now();
    let state = app::state::AppState::new(app.pool.clone(), Default::default());
    assert_eq!(app::jobs::run_schedules(&state, now).await.expect("run"), 0);
    // (Other pairings may or may not reach a new slot by then, depending on today's weekday.)
    assert!(app::jobs::run_schedules(&state, first[0].1 + 60).await.expect("run") >= 1);
    let after = orders(&app).await;
    assert_eq!(after.len(), 2);
    assert_eq!(after[1].1 - after[0].1, 7 * 86_400);
    // A resident cannot pair; a leader cannot pair outside their area.
    let resident = app.signed_in("13800000001").await;
    let (status, _) = app.post(&resident, "create_pairing", &form).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let other_leader = app.signed_in("13800000007").await;
    let mut elsewhere = form;
    elsewhere[2] = ("section", "health");
    // A resident outside the leader's area answers like an unknown number (no oracle).
    let (status, body) = app.post(&other_leader, "create_pairing", &elsewhere).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "13800001000 lives outside 朝晖社区: {body}");
    assert!(body.contains("ErrNoSuchResident"), "{body}");
}

#[tokio::test]
async fn a_volunteer_keeps_skills_and_weekly_availability() {
    let app = TestApp::spawn().await;
    let volunteer = app.signed_in("13800000010").await;
    let (status, body) = app
        .post(
            &volunteer,
            "save_volunteer_profile",
            &[
                ("skills[]", "health"),
                ("skills[]", "policy"),
                ("slots[]", "0"),
                ("slots[]", "20"),
                ("intro", "退休医生"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (_, body) = app.post(&volunteer, "volunteer_profile", &[]).await;
    let profile: serde_json::Value = serde_json::from_str(&body).expect("json");
    assert_eq!(profile["skills"], serde_json::json!(["Health", "PolicyConsultation"]));
    assert_eq!(profile["availability"], (1 << 20) | 1);
    assert!(profile["orders_completed"].as_i64().expect("count") > 0, "seeded service record");
    // Bad values are refused and change nothing.
    let (status, _) = app.post(&volunteer, "save_volunteer_profile", &[("skills[]", "juggling"), ("intro", "")]).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (status, _) = app.post(&volunteer, "save_volunteer_profile", &[("slots[]", "21"), ("intro", "")]).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(
        app.count(
            "SELECT count(*) FROM volunteer_skills s JOIN people p ON p.id = s.person_id WHERE p.phone = '13800000010'"
        )
        .await,
        2
    );
    // A resident has no volunteer profile to save.
    let resident = app.signed_in("13800001000").await;
    let (status, _) = app.post(&resident, "save_volunteer_profile", &[("intro", "x")]).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn the_board_filters_by_section_urgency_and_micro_grid() {
    let app = TestApp::spawn().await;
    let volunteer = app.signed_in("13800000002").await;
    let (_, all) = app.post(&volunteer, "board_data", &[]).await;
    let all: serde_json::Value = serde_json::from_str(&all).expect("json");
    let grids = all["grids"].as_array().expect("grids").clone();
    assert_eq!(grids.len(), 3, "祖望社区 has three micro-grids");
    let total = all["orders"].as_array().map(Vec::len).unwrap_or(0);
    let grid_id = grids[0][0].as_i64().expect("id").to_string();
    let (_, one) = app.post(&volunteer, "board_data", &[("grid", &grid_id)]).await;
    let one: serde_json::Value = serde_json::from_str(&one).expect("json");
    let in_grid = one["orders"].as_array().map(Vec::len).unwrap_or(0);
    assert_eq!(in_grid as i64, grids[0][2].as_i64().expect("count"));
    assert!(in_grid < total);
    let (_, urgent) = app.post(&volunteer, "board_data", &[("urgency", "urgent"), ("section", "health")]).await;
    let urgent: serde_json::Value = serde_json::from_str(&urgent).expect("json");
    for order in urgent["orders"].as_array().expect("orders") {
        assert_eq!((order["urgency"].as_str(), order["section"].as_str()), (Some("Urgent"), Some("Health")));
    }
    // The copy text for WeChat lists the open needs without rooms or phones.
    let copy = all["copy_text"].as_str().expect("text");
    assert!(copy.starts_with("【网格驿站】需求大厅") && copy.contains("**") && !copy.contains("1380000"));
}

#[tokio::test]
async fn a_live_refetch_never_gets_a_board_older_than_the_event_it_reacts_to() {
    let app = TestApp::spawn().await;
    let volunteer = app.signed_in("13800000002").await;
    let resident = app.signed_in("13800000001").await;
    // Fill the shared board cache, then change the board.
    let (_, before) = app.post(&volunteer, "board_data", &[]).await;
    assert!(!before.contains("缓存之后的新需求"));
    let (status, body) = app.place(&resident, "cache-check-0001", &[("title", "缓存之后的新需求")]).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let seen = app.bus.current().to_string();
    let (_, after) = app.post(&volunteer, "board_data", &[("seen", seen.as_str())]).await;
    assert!(after.contains("缓存之后的新需求"), "the refetch for the event shows the new order");
    // A plain page load may use the shared copy for at most 250 ms.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let (_, page) = app.get(&volunteer, "/board").await;
    assert!(page.contains("缓存之后的新需求"));
}

#[tokio::test]
async fn a_disputed_service_goes_back_to_the_taker_and_shows_in_the_leaders_queue() {
    let app = TestApp::spawn().await;
    let resident = app.signed_in("13800000001").await;
    let volunteer = app.signed_in("13800000002").await;
    let id = app.place_ok(&resident, "dispute-000001").await.to_string();
    for (client, endpoint, extra) in [
        (&volunteer, "take_order", vec![]),
        (&volunteer, "start_service", vec![]),
        (&volunteer, "finish_service", vec![("minutes", "20")]),
    ] {
        let mut form = vec![("id", id.as_str())];
        form.extend(extra);
        assert_eq!(app.post(client, endpoint, &form).await.0, StatusCode::OK, "{endpoint}");
    }
    let (status, _) = app.post(&resident, "dispute_order", &[("id", &id), ("reason", "水龙头还在漏")]).await;
    assert_eq!(status, StatusCode::OK);
    let status: String = sqlx::query_scalar("SELECT status FROM service_orders WHERE id = ?")
        .bind(&id)
        .fetch_one(&app.pool)
        .await
        .expect("q");
    assert_eq!(status, "in_service", "back to the taker");
    let leader = app.signed_in("13800000003").await;
    let (status, body) = app.post(&leader, "disputed_orders", &[]).await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains(&format!("\"id\":{id},")), "{body}");
    let (status, _) = app.post(&resident, "disputed_orders", &[]).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn only_staff_place_on_behalf_and_unknown_numbers_answer_like_foreign_ones() {
    let app = TestApp::spawn().await;
    let resident = app.signed_in("13800000001").await;
    let (status, _) = app.place(&resident, "oracle-00000001", &[("on_behalf_phone", "13999999999")]).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "residents cannot probe phone numbers");
    let member = app.signed_in("13800000006").await;
    let (unknown_status, unknown) = app.place(&member, "oracle-00000002", &[("on_behalf_phone", "13999999999")]).await;
    // 13800000009 (李建国) lives in 朝晖社区, outside the member's micro-grid.
    let (foreign_status, foreign) = app.place(&member, "oracle-00000003", &[("on_behalf_phone", "13800000009")]).await;
    assert_eq!((unknown_status, foreign_status), (StatusCode::UNPROCESSABLE_ENTITY, StatusCode::UNPROCESSABLE_ENTITY));
    assert_eq!(unknown, foreign, "the same answer for unknown and foreign numbers");
}

#[tokio::test]
async fn a_grid_leader_cannot_serve_and_rate_an_order_they_placed() {
    let app = TestApp::spawn().await;
    let leader = app.signed_in("13800000003").await;
    let (status, body) = app.place(&leader, "self-deal-000001", &[("on_behalf_phone", "13800001000")]).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, body) = app.post(&leader, "take_order", &[("id", body.trim())]).await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert!(body.contains("ErrOwnOrder"));
}

#[tokio::test]
async fn visitors_do_not_see_anyones_needs() {
    let app = TestApp::spawn().await;
    let visitor = app.client();
    for endpoint in ["board_data", "feed_data", "offers_data"] {
        let (status, _) = app.post(&visitor, endpoint, &[]).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{endpoint}");
    }
    let (_, home) = app.post(&visitor, "home_data", &[]).await;
    let home: serde_json::Value = serde_json::from_str(&home).expect("json");
    assert_eq!(home["board"], serde_json::Value::Null, "a visitor gets no board");
    assert_eq!(home["feed"], serde_json::json!([]));
    let (status, html) = app.get(&visitor, "/board").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(html.contains("请先登录"));
}

#[tokio::test]
async fn a_repeat_of_ones_own_step_is_answered_as_success_and_written_once() {
    let app = TestApp::spawn().await;
    let resident = app.signed_in("13800000001").await;
    let volunteer = app.signed_in("13800000002").await;
    let other = app.signed_in("13800000010").await;
    let id = app.place_ok(&resident, "repeat-step-0001").await.to_string();
    let id = id.as_str();
    for _ in 0..2 {
        let (status, body) = app.post(&volunteer, "take_order", &[("id", id)]).await;
        assert_eq!(status, StatusCode::OK, "{body}");
    }
    // Someone else's take is still refused with the reason.
    let (status, body) = app.post(&other, "take_order", &[("id", id)]).await;
    assert!(status == StatusCode::CONFLICT && body.contains("ErrOrderTaken"), "{body}");
    for _ in 0..2 {
        assert_eq!(app.post(&volunteer, "start_service", &[("id", id)]).await.0, StatusCode::OK);
    }
    for _ in 0..2 {
        assert_eq!(app.post(&volunteer, "finish_service", &[("id", id), ("minutes", "30")]).await.0, StatusCode::OK);
    }
    for _ in 0..2 {
        let (status, body) =
            app.post(&resident, "confirm_order", &[("id", id), ("rating", "5"), ("comment", "")]).await;
        assert_eq!(status, StatusCode::OK, "{body}");
    }
    let steps: Vec<String> = sqlx::query_scalar("SELECT to_status FROM order_events WHERE order_id = ? ORDER BY id")
        .bind(id)
        .fetch_all(&app.pool)
        .await
        .expect("q");
    assert_eq!(steps, ["open", "taken", "in_service", "awaiting_confirmation", "completed"]);
    let audited: i64 =
        sqlx::query_scalar("SELECT count(*) FROM audit_log WHERE object_id = ? AND action = 'order_transition'")
            .bind(id)
            .fetch_one(&app.pool)
            .await
            .expect("q");
    assert_eq!(audited, 4, "each step audited once");
    // A step the same person did not just make is no repeat: confirming again after a
    // dispute would be, but disputing a completed order is refused.
    let (status, _) = app.post(&resident, "dispute_order", &[("id", id), ("reason", "没修好")]).await;
    assert_eq!(status, StatusCode::CONFLICT);
}

#[tokio::test]
async fn a_taken_order_is_cancelled_only_with_a_reason_and_the_volunteer_is_told() {
    let app = TestApp::spawn().await;
    let resident = app.signed_in("13800000001").await;
    let volunteer = app.signed_in("13800000002").await;
    let id = app.place_ok(&resident, "cancel-taken-0001").await.to_string();
    let id = id.as_str();
    assert_eq!(app.post(&volunteer, "take_order", &[("id", id)]).await.0, StatusCode::OK);
    let (status, body) = app.post(&resident, "cancel_order", &[("id", id), ("reason", "  ")]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(body.contains("ErrReasonRequired"), "{body}");
    let status_now: String = sqlx::query_scalar("SELECT status FROM service_orders WHERE id = ?")
        .bind(id)
        .fetch_one(&app.pool)
        .await
        .expect("q");
    assert_eq!(status_now, "taken", "nothing changed");
    // The taker cannot cancel the resident's need (they release it).
    let (status, _) = app.post(&volunteer, "cancel_order", &[("id", id), ("reason", "不想去了")]).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, body) = app.post(&resident, "cancel_order", &[("id", id), ("reason", "邻居已经帮忙了")]).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    // Stored as a kind and its arguments, and put into words in the reader's language.
    let account: AccountId = sqlx::query_scalar("SELECT id FROM accounts WHERE phone = '13800000002'")
        .fetch_one(&app.pool)
        .await
        .expect("account");
    let mut conn = app.pool.acquire().await.expect("conn");
    let notices = app::repo::notices_repo::latest(&mut conn, account, 50).await.expect("notices");
    let cancelled: Vec<_> = notices.iter().filter(|n| n.0 == "order_cancelled").collect();
    assert_eq!(cancelled.len(), 1, "{notices:?}");
    let (kind, args, link, ..) = cancelled[0];
    assert_eq!(link, &format!("/orders/{id}"));
    let zh = app::i18n::notice_text(kind, args, app::i18n::Locale::Zh);
    let en = app::i18n::notice_text(kind, args, app::i18n::Locale::En);
    assert_eq!(zh, "居民取消了您接的需求，原因：邻居已经帮忙了");
    assert!(en.starts_with("The resident cancelled the order you took") && en.ends_with("邻居已经帮忙了"), "{en}");
    // Once the service started, it can no longer be cancelled.
    let id2 = app.place_ok(&resident, "cancel-taken-0002").await.to_string();
    assert_eq!(app.post(&volunteer, "take_order", &[("id", &id2)]).await.0, StatusCode::OK);
    assert_eq!(app.post(&volunteer, "start_service", &[("id", &id2)]).await.0, StatusCode::OK);
    let (status, _) = app.post(&resident, "cancel_order", &[("id", &id2), ("reason", "算了")]).await;
    assert_eq!(status, StatusCode::CONFLICT);
}

#[tokio::test]
async fn my_orders_list_each_side_with_its_next_step_and_nobody_elses() {
    use app::domain::order::{NextStep, OrderStatus};
    let app = TestApp::spawn().await;
    let resident = app.signed_in("13800000001").await;
    let volunteer = app.signed_in("13800000002").await;
    let id = app.place_ok(&resident, "my-orders-00001").await;
    let id_text = id.to_string();
    assert_eq!(app.post(&volunteer, "take_order", &[("id", &id_text)]).await.0, StatusCode::OK);
    let mine = |client: &Client| {
        let request = client.post(format!("{}/api/my_orders", app.base)).send();
        async move {
            let res = request.await.expect("send");
            assert_eq!(res.status(), StatusCode::OK);
            res.json::<app::dto::MyOrdersView>().await.expect("json")
        }
    };
    let theirs = mine(&resident).await;
    let card = theirs.requested.iter().find(|o| o.id == id).expect("the resident's need is listed");
    assert_eq!((card.status, card.next), (OrderStatus::Taken, NextStep::AwaitVisit));
    assert_eq!(card.taker.as_deref(), Some("张志强"), "the requester sees who took it");
    assert!(theirs.taken.iter().all(|o| o.id != id));
    let volunteers = mine(&volunteer).await;
    let card = volunteers.taken.iter().find(|o| o.id == id).expect("the volunteer's order is listed");
    assert_eq!(card.next, NextStep::StartIt);
    assert!(volunteers.takes_orders);
    // Another volunteer sees none of it.
    let other = mine(&app.signed_in("13800000010").await).await;
    assert!(other.requested.iter().chain(&other.taken).all(|o| o.id != id));
    // Signed out: 401.
    let (status, _) = app.post(&app.client(), "my_orders", &[]).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn the_requester_reaches_the_taker_through_the_station_or_the_number_they_share() {
    let app = TestApp::spawn().await;
    let resident = app.signed_in("13800000001").await;
    let volunteer = app.signed_in("13800000002").await;
    let id = app.place_ok(&resident, "taker-contact-01").await.to_string();
    assert_eq!(app.post(&volunteer, "take_order", &[("id", &id)]).await.0, StatusCode::OK);
    let (status, body) = app.post(&resident, "order_detail", &[("id", &id)]).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(
        body.contains("张志强") && body.contains("0513-85512345"),
        "the taker's name and the station's number: {body}"
    );
    assert!(!body.contains("13800000002"), "the volunteer's number only if they share it: {body}");
    let (status, body) =
        app.post(&volunteer, "save_volunteer_profile", &[("intro", "会修水管"), ("shares_phone", "1")]).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (_, body) = app.post(&resident, "order_detail", &[("id", &id)]).await;
    assert!(body.contains("13800000002"), "{body}");
    // Nobody else sees it: another resident of the community, and the volunteer's own view
    // shows the requester's details, not their own.
    let neighbour = app.signed_in("13800001000").await;
    let (_, body) = app.post(&neighbour, "order_detail", &[("id", &id)]).await;
    assert!(!body.contains("13800000002"), "{body}");
}
