//! 驿站活动 over HTTP: publishing (weekly, with skipped weeks), racing sign-ups against the
//! seats, the waiting list's order, and a cancellation passing its seat on.
use crate::common::png;
use crate::test_app::TestApp;
use reqwest::StatusCode;

const ADMIN: &str = "13800000004"; // 刘芳, 祖望社区

/// Publishes an activity at 向日葵网格服务驿站 for all of 祖望社区, as the community admin;
/// returns the first occurrence's id.
async fn publish(app: &TestApp, title: &str, capacity: &str, weeks: &str, skip: &str) -> i64 {
    publish_holding(app, title, capacity, "0", weeks, skip).await
}

/// [`publish`], with `held` of the seats kept for 代报名.
async fn publish_holding(app: &TestApp, title: &str, capacity: &str, held: &str, weeks: &str, skip: &str) -> i64 {
    let admin = app.signed_in(ADMIN).await;
    let station: i64 = sqlx::query_scalar("SELECT id FROM stations WHERE name = '向日葵网格服务驿站'")
        .fetch_one(&app.pool)
        .await
        .expect("station");
    let day = app::domain::time::format_local_date(app::repo::now() + 3 * 86_400);
    let (status, body) = app
        .post(
            &admin,
            "publish_activity",
            &[
                ("station", &station.to_string()),
                ("kind", "training"),
                ("title", title),
                ("starts", &format!("{day}T14:30")),
                ("ends", &format!("{day}T16:30")),
                ("capacity", capacity),
                ("held", held),
                ("audience", "community"),
                ("weeks", weeks),
                ("skip", skip),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body.trim().parse().expect("the first occurrence's id")
}

/// (person, status, queue number) of every sign-up, in queue order.
async fn signups(app: &TestApp, activity: i64) -> Vec<(i64, String, i64)> {
    sqlx::query_as("SELECT person_id, status, queue_no FROM activity_signups WHERE activity_id = ? ORDER BY queue_no")
        .bind(activity)
        .fetch_all(&app.pool)
        .await
        .expect("sign-ups")
}

#[tokio::test]
async fn eight_weeks_with_week_three_skipped_publish_seven_occurrences_a_week_apart() {
    let app = TestApp::spawn().await;
    let first = publish(&app, "E网情深（八周）", "12", "8", "3").await;
    let starts: Vec<i64> =
        sqlx::query_scalar("SELECT starts_at FROM activities WHERE id = ?1 OR series_id = ?1 ORDER BY starts_at")
            .bind(first)
            .fetch_all(&app.pool)
            .await
            .expect("occurrences");
    let weeks: Vec<i64> = starts.iter().map(|s| (s - starts[0]) / (7 * 86_400)).collect();
    assert_eq!(weeks, vec![0, 1, 3, 4, 5, 6, 7]);
    let audited: i64 =
        sqlx::query_scalar("SELECT count(*) FROM audit_log WHERE action = 'publish_activity' AND object_id = ?")
            .bind(first)
            .fetch_one(&app.pool)
            .await
            .expect("audit");
    assert_eq!(audited, 1);
}

#[tokio::test]
async fn n_plus_five_racing_sign_ups_seat_n_queue_five_in_order_and_a_cancellation_seats_the_first() {
    let app = TestApp::spawn().await;
    let capacity = 10usize;
    let activity = publish(&app, "E网情深（抢报）", &capacity.to_string(), "1", "").await;
    let people = app.residents_with_sessions("祖望社区", capacity + 5, 13_920_000_000).await;
    let url = format!("{}/api/sign_up_activity", app.base);
    let requests = people.iter().map(|(_, client)| {
        let (client, url) = (client.clone(), url.clone());
        let form = [("activity", activity.to_string())];
        tokio::spawn(async move {
            let res = client.post(url).form(&form).send().await.expect("sign up");
            (res.status(), res.text().await.unwrap_or_default())
        })
    });
    let answers: Vec<(StatusCode, String)> =
        futures::future::join_all(requests).await.into_iter().map(|r| r.expect("task")).collect();
    assert!(answers.iter().all(|(s, _)| *s == StatusCode::OK), "{answers:?}");
    let seated_answers = answers.iter().filter(|(_, b)| b.contains("\"in\"")).count();
    assert_eq!(seated_answers, capacity, "{answers:?}");

    let rows = signups(&app, activity).await;
    assert_eq!(rows.len(), capacity + 5);
    // The first `capacity` in the queue have the seats and the last five wait, in order.
    assert!(rows[..capacity].iter().all(|(_, s, _)| s == "in"), "{rows:?}");
    assert!(rows[capacity..].iter().all(|(_, s, _)| s == "waiting"), "{rows:?}");
    let numbers: Vec<i64> = rows.iter().map(|r| r.2).collect();
    assert_eq!(numbers, (1..=(capacity as i64 + 5)).collect::<Vec<_>>());

    // A seated person gives up: the first waiting one gets the seat and is told.
    let mut clients = std::collections::HashMap::new();
    for (account, client) in &people {
        let person: i64 = sqlx::query_scalar("SELECT person_id FROM accounts WHERE id = ?")
            .bind(account)
            .fetch_one(&app.pool)
            .await
            .expect("person");
        clients.insert(person, client.clone());
    }
    let seated_client = &clients[&rows[0].0];
    let (status, body) =
        app.post(seated_client, "cancel_activity_signup", &[("activity", &activity.to_string())]).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let after = signups(&app, activity).await;
    let next = rows[capacity].0;
    assert!(after.iter().any(|(p, s, _)| *p == next && s == "in"), "{after:?}");
    assert_eq!(after.iter().filter(|(_, s, _)| s == "in").count(), capacity);
    assert_eq!(after.iter().filter(|(_, s, _)| s == "waiting").count(), 4);
    let told: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM notifications n JOIN accounts a ON a.id = n.account_id
         WHERE a.person_id = ? AND n.kind = 'activity_seat' AND n.link = ?",
    )
    .bind(next)
    .bind(format!("/activities/{activity}"))
    .fetch_one(&app.pool)
    .await
    .expect("notice");
    assert_eq!(told, 1);

    // Giving up twice, or signing up again while seated, is refused in words and changes nothing.
    let (status, body) =
        app.post(seated_client, "cancel_activity_signup", &[("activity", &activity.to_string())]).await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert!(body.contains("ErrNotSignedUp"), "{body}");
    let still_seated = &clients[&rows[1].0];
    let (status, body) = app.post(still_seated, "sign_up_activity", &[("activity", &activity.to_string())]).await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert!(body.contains("ErrAlreadySignedUp"), "{body}");
    assert_eq!(signups(&app, activity).await, after);
}

#[tokio::test]
async fn the_database_refuses_more_seats_than_the_activity_has() {
    let app = TestApp::spawn().await;
    let activity = publish(&app, "容量保护", "1", "1", "").await;
    let people = app.residents_with_sessions("祖望社区", 2, 13_921_000_000).await;
    let (status, _) = app.post(&people[0].1, "sign_up_activity", &[("activity", &activity.to_string())]).await;
    assert_eq!(status, StatusCode::OK);
    // A write that skips the rule (as a bug would) is stopped by the schema.
    let person: i64 = sqlx::query_scalar("SELECT person_id FROM accounts WHERE id = ?")
        .bind(people[1].0)
        .fetch_one(&app.pool)
        .await
        .expect("person");
    let forced =
        sqlx::query("INSERT INTO activity_signups (activity_id, person_id, status, queue_no) VALUES (?, ?, 'in', 99)")
            .bind(activity)
            .bind(person)
            .execute(&app.pool)
            .await;
    assert!(forced.is_err(), "a second seat of one was written");
}

const VOLUNTEER: &str = "13800000002"; // 张志强, 向日葵微网格

/// The person behind a phone number.
async fn person_of(app: &TestApp, phone: &str) -> i64 {
    sqlx::query_scalar("SELECT person_id FROM accounts WHERE phone = ?")
        .bind(phone)
        .fetch_one(&app.pool)
        .await
        .expect("person")
}

/// Moves an occurrence (after its sign-ups) so that it started an hour ago and ends in an
/// hour: check-in is open now.
async fn under_way(app: &TestApp, activity: i64) {
    let now = app::repo::now();
    sqlx::query(
        "UPDATE activities SET signup_opens_at = ?1 - 7200, signup_closes_at = ?1 - 3600, starts_at = ?1 - 3600,
                               ends_at = ?1 + 3600
         WHERE id = ?2",
    )
    .bind(now)
    .bind(activity)
    .execute(&app.pool)
    .await
    .expect("move the occurrence");
}

/// The code the organiser's screen shows now, read from its page data.
async fn screen_code(app: &TestApp, organiser: &reqwest::Client, activity: i64) -> String {
    let (status, body) = app.post(organiser, "checkin_screen_data", &[("activity", &activity.to_string())]).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let screen: serde_json::Value = serde_json::from_str(&body).expect("json");
    let code = screen["code"].as_str().expect("a code").to_string();
    assert_eq!(code.len(), 6, "{body}");
    assert!(screen["qr_svg"].as_str().is_some_and(|s| s.starts_with("<?xml") || s.contains("<svg")), "{body}");
    code
}

#[tokio::test]
async fn a_volunteer_checks_in_with_the_rotating_code_and_counts_hours_only_once_the_organiser_confirms() {
    let app = TestApp::spawn().await;
    let activity = publish(&app, "初心集市（签到）", "10", "1", "").await;
    let volunteer = app.signed_in(VOLUNTEER).await;
    let resident = app.signed_in("13800000001").await;
    for client in [&volunteer, &resident] {
        let (status, body) = app.post(client, "sign_up_activity", &[("activity", &activity.to_string())]).await;
        assert_eq!(status, StatusCode::OK, "{body}");
    }
    // Before the window opens there is no code, and no check-in.
    let admin = app.signed_in(ADMIN).await;
    let (status, body) = app.post(&admin, "checkin_screen_data", &[("activity", &activity.to_string())]).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(body.contains("\"code\":\"\""), "{body}");
    let (status, body) =
        app.post(&volunteer, "check_in_activity", &[("activity", &activity.to_string()), ("code", "123456")]).await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert!(body.contains("ErrCheckinClosed"), "{body}");

    under_way(&app, activity).await;
    // Only the organisers see the screen.
    let (status, _) = app.post(&resident, "checkin_screen_data", &[("activity", &activity.to_string())]).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let code = screen_code(&app, &admin, activity).await;

    // A screenshot a minute old is refused; so is a wrong code.
    let secret: String = sqlx::query_scalar("SELECT checkin_secret FROM activities WHERE id = ?")
        .bind(activity)
        .fetch_one(&app.pool)
        .await
        .expect("secret");
    let step = app::domain::activity::code_step(app::repo::now());
    let stale = app::domain::activity::checkin_code(&secret, step - 2);
    for wrong in [stale.as_str(), "abcdef", ""] {
        let (status, body) =
            app.post(&volunteer, "check_in_activity", &[("activity", &activity.to_string()), ("code", wrong)]).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{wrong}: {body}");
        assert!(body.contains("ErrCheckinCode"), "{body}");
    }
    assert_eq!(app.count("SELECT count(*) FROM activity_attendance").await, 0);

    // The current code checks in, once.
    let (status, body) = app
        .post(&volunteer, "check_in_activity", &[("activity", &activity.to_string()), ("code", &code), ("via", "qr")])
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, body) =
        app.post(&volunteer, "check_in_activity", &[("activity", &activity.to_string()), ("code", &code)]).await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert!(body.contains("ErrCheckedIn"), "{body}");
    // A resident (not a volunteer) is on the list with no hours.
    let (status, body) =
        app.post(&resident, "check_in_activity", &[("activity", &activity.to_string()), ("code", &code)]).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let rows: Vec<(i64, String, String)> = sqlx::query_as(
        "SELECT person_id, via, hours_status FROM activity_attendance WHERE activity_id = ? ORDER BY person_id",
    )
    .bind(activity)
    .fetch_all(&app.pool)
    .await
    .expect("attendance");
    let (v, r) = (person_of(&app, VOLUNTEER).await, person_of(&app, "13800000001").await);
    let mut expected = vec![(v, "qr".to_string(), "pending".to_string()), (r, "code".into(), "none".into())];
    expected.sort();
    assert_eq!(rows, expected);

    // Checked in 20 minutes into the two hours, out 95 minutes later: 1.5 hours (3 half
    // hours) once confirmed, none before.
    let started: i64 = sqlx::query_scalar("SELECT starts_at FROM activities WHERE id = ?")
        .bind(activity)
        .fetch_one(&app.pool)
        .await
        .expect("start");
    sqlx::query("UPDATE activity_attendance SET checked_in_at = ?, checked_out_at = ? WHERE person_id = ?")
        .bind(started + 20 * 60)
        .bind(started + 115 * 60)
        .bind(v)
        .execute(&app.pool)
        .await
        .expect("times");
    let minutes = |person: i64| {
        let pool = app.pool.clone();
        async move {
            sqlx::query_scalar::<_, i64>(
                "SELECT coalesce(sum(minutes), 0) FROM service_time WHERE person_id = ? AND source = 'activity'",
            )
            .bind(person)
            .fetch_one(&pool)
            .await
            .expect("service time")
        }
    };
    assert_eq!(minutes(v).await, 0, "pending hours count toward nothing");
    let (status, _) = app
        .post(&resident, "confirm_activity_hours", &[("activity", &activity.to_string()), ("person", &v.to_string())])
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "a resident confirms nothing");
    let (status, body) = app
        .post(&admin, "confirm_activity_hours", &[("activity", &activity.to_string()), ("person", &v.to_string())])
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body.trim(), "3");
    assert_eq!(minutes(v).await, 90);
    let (status, body) = app
        .post(&admin, "confirm_activity_hours", &[("activity", &activity.to_string()), ("person", &v.to_string())])
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert!(body.contains("ErrHoursDone"), "{body}");
    // The volunteer is told once, in their words.
    let told: Vec<String> = sqlx::query_scalar(
        "SELECT n.args_json FROM notifications n JOIN accounts a ON a.id = n.account_id
         WHERE a.person_id = ? AND n.kind = 'activity_hours'",
    )
    .bind(v)
    .fetch_all(&app.pool)
    .await
    .expect("notices");
    assert_eq!(told.len(), 1, "{told:?}");
    assert!(app::i18n::notice_text("activity_hours", &told[0], app::i18n::Locale::Zh).ends_with("1.5小时"), "{told:?}");
    // The volunteer's page shows the confirmed hours.
    let (status, page) = app.get(&volunteer, &format!("/activities/{activity}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("1.5小时，已确认"), "{page}");
    let audited: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM audit_log WHERE object_id = ? AND outcome = 'ok' AND action IN ('check_in_activity', 'confirm_activity_hours')",
    )
    .bind(activity)
    .fetch_one(&app.pool)
    .await
    .expect("audit");
    assert_eq!(audited, 3);
}

#[tokio::test]
async fn racing_check_ins_write_one_row_per_person() {
    let app = TestApp::spawn().await;
    let activity = publish(&app, "in邻里（签到）", "30", "1", "").await;
    let people = app.residents_with_sessions("祖望社区", 12, 13_922_000_000).await;
    for (_, client) in &people {
        let (status, body) = app.post(client, "sign_up_activity", &[("activity", &activity.to_string())]).await;
        assert_eq!(status, StatusCode::OK, "{body}");
    }
    under_way(&app, activity).await;
    let admin = app.signed_in(ADMIN).await;
    let code = screen_code(&app, &admin, activity).await;
    // Everyone at once, each of them three times (a phone that sends again on a weak network).
    let url = format!("{}/api/check_in_activity", app.base);
    let requests = people.iter().flat_map(|(_, client)| std::iter::repeat_n(client.clone(), 3)).map(|client| {
        let url = url.clone();
        let form = [("activity", activity.to_string()), ("code", code.clone())];
        tokio::spawn(async move { client.post(url).form(&form).send().await.expect("check in").status() })
    });
    let statuses: Vec<StatusCode> =
        futures::future::join_all(requests).await.into_iter().map(|r| r.expect("task")).collect();
    let ok = statuses.iter().filter(|s| **s == StatusCode::OK).count();
    let refused = statuses.iter().filter(|s| **s == StatusCode::CONFLICT).count();
    // A code can age past its window while the requests queue; then all would be refused
    // with 422, which this does not expect on a working machine.
    assert_eq!((ok, refused), (12, 24), "{statuses:?}");
    assert_eq!(
        app.count("SELECT count(*) FROM activity_attendance").await,
        12,
        "one row per person, whatever the number of requests"
    );
}

#[tokio::test]
async fn a_make_up_entry_needs_a_reason_is_capped_at_the_activity_and_is_audited() {
    let app = TestApp::spawn().await;
    let activity = publish(&app, "红领TALK（补录）", "10", "1", "").await;
    let volunteer = app.signed_in(VOLUNTEER).await;
    let (status, body) = app.post(&volunteer, "sign_up_activity", &[("activity", &activity.to_string())]).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let v = person_of(&app, VOLUNTEER).await.to_string();
    let admin = app.signed_in(ADMIN).await;
    let a = activity.to_string();
    // Before the start there is nothing to make up.
    let (status, body) = app
        .post(
            &admin,
            "make_up_activity_hours",
            &[("activity", &a), ("person", &v), ("hours", "1"), ("reason", "手机没电")],
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    under_way(&app, activity).await;
    // Two hours long: 2.5 is too many, 1.2 is not half hours, and a reason is needed.
    for (hours, reason, field) in
        [("2.5", "手机没电", "ErrMakeupHours"), ("1.2", "手机没电", "ErrMakeupHours"), ("1", "", "ErrReasonRequired")]
    {
        let (status, body) = app
            .post(
                &admin,
                "make_up_activity_hours",
                &[("activity", &a), ("person", &v), ("hours", hours), ("reason", reason)],
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{hours} {reason}: {body}");
        assert!(body.contains(field), "{body}");
    }
    // A resident may not write one.
    let (status, _) = app
        .post(
            &volunteer,
            "make_up_activity_hours",
            &[("activity", &a), ("person", &v), ("hours", "1"), ("reason", "自己补")],
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, body) = app
        .post(
            &admin,
            "make_up_activity_hours",
            &[("activity", &a), ("person", &v), ("hours", "2"), ("reason", "现场签到表有签名，手机没电")],
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let row: (String, Option<i64>, String, Option<String>) = sqlx::query_as(
        "SELECT via, half_hours, hours_status, makeup_reason FROM activity_attendance WHERE activity_id = ?",
    )
    .bind(activity)
    .fetch_one(&app.pool)
    .await
    .expect("entry");
    assert_eq!(row, ("makeup".into(), Some(4), "confirmed".into(), Some("现场签到表有签名，手机没电".into())));
    let audit: String = sqlx::query_scalar(
        "SELECT after_json FROM audit_log WHERE action = 'make_up_activity_hours' AND outcome = 'ok'",
    )
    .fetch_one(&app.pool)
    .await
    .expect("audited");
    assert!(audit.contains("现场签到表有签名") && audit.contains("\"half_hours\":4"), "{audit}");
    // Written once: a second entry for the same person is refused.
    let (status, body) = app
        .post(
            &admin,
            "make_up_activity_hours",
            &[("activity", &a), ("person", &v), ("hours", "1"), ("reason", "再补一次")],
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    // The organiser's page labels it as such.
    let (_, page) = app.get(&admin, &format!("/activities/{activity}")).await;
    let attendance = page.split("id=\"attendance\"").nth(1).unwrap_or_default();
    assert!(attendance.contains("补录") && attendance.contains("2小时，已确认"), "{page}");
}

#[tokio::test]
async fn the_organiser_scans_a_resident_s_code_and_checks_them_in() {
    let app = TestApp::spawn().await;
    let activity = publish(&app, "in邻里（扫码）", "10", "1", "").await;
    let resident = app.signed_in("13800000001").await;
    let (status, body) = app.post(&resident, "sign_up_activity", &[("activity", &activity.to_string())]).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    under_way(&app, activity).await;
    // The resident's page carries their own code for the organiser to scan.
    let (_, page) = app.get(&resident, &format!("/activities/{activity}")).await;
    assert!(page.contains("请组织者扫我的码") && page.contains("<svg"), "{page}");
    let person = person_of(&app, "13800000001").await;
    let admit = format!("/activities/{activity}/admit/{person}");
    // Another resident who opens that link sees no one.
    let neighbour = app.signed_in(VOLUNTEER).await;
    let (_, page) = app.get(&neighbour, &admit).await;
    assert!(!page.contains("王秀英"), "{page}");
    // The organiser's phone shows who it is, and checks them in.
    let admin = app.signed_in(ADMIN).await;
    let (status, page) = app.get(&admin, &admit).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("王秀英") && page.contains("代签到"), "{page}");
    let (status, body) = app
        .post(&admin, "organiser_check_in", &[("activity", &activity.to_string()), ("person", &person.to_string())])
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let via: String = sqlx::query_scalar("SELECT via FROM activity_attendance WHERE activity_id = ? AND person_id = ?")
        .bind(activity)
        .bind(person)
        .fetch_one(&app.pool)
        .await
        .expect("checked in");
    assert_eq!(via, "organiser");
    let (_, page) = app.get(&admin, &admit).await;
    assert!(page.contains("已签到"), "{page}");
    // Someone without a seat is not checked in by the organiser.
    let (status, body) = app
        .post(
            &admin,
            "organiser_check_in",
            &[("activity", &activity.to_string()), ("person", &person_of(&app, VOLUNTEER).await.to_string())],
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
}

#[tokio::test]
async fn staff_sign_up_a_resident_without_a_phone_into_the_seat_held_for_them() {
    let app = TestApp::spawn().await;
    let activity = publish_holding(&app, "初心集市（代报名）", "2", "1", "1", "").await;
    let admin = app.signed_in(ADMIN).await;
    // The one open seat goes to the first resident; the second waits (the held seat is not theirs).
    for (phone, status) in [("13800000001", "\"in\""), ("13800001000", "\"waiting\"")] {
        let resident = app.signed_in(phone).await;
        let (code, body) = app.post(&resident, "sign_up_activity", &[("activity", &activity.to_string())]).await;
        assert_eq!((code, body.to_lowercase().as_str()), (StatusCode::OK, status), "{phone}");
    }
    // Someone of 祖望社区 not signed up, one without a phone first.
    let (person, name): (i64, String) = sqlx::query_as(
        "SELECT p.id, p.full_name FROM people p JOIN grid_nodes m ON m.id = p.micro_grid_id
         WHERE m.code GLOB (SELECT code FROM grid_nodes WHERE name = '祖望社区') || '*'
           AND p.id NOT IN (SELECT person_id FROM activity_signups)
         ORDER BY p.phone IS NOT NULL, p.id LIMIT 1",
    )
    .fetch_one(&app.pool)
    .await
    .expect("a resident");
    let (_, page) = app.get(&admin, &format!("/activities/{activity}")).await;
    assert!(page.contains("id=\"sign-up-resident\"") && page.contains(&name), "the form offers {name}");
    let form = [("activity", activity.to_string()), ("person", person.to_string())];
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let (code, body) = app.post(&admin, "sign_up_resident", &form).await;
    assert_eq!((code, body.to_lowercase().as_str()), (StatusCode::OK, "\"in\""), "the held seat is theirs");
    let by_staff: i64 =
        sqlx::query_scalar("SELECT by_staff FROM activity_signups WHERE activity_id = ? AND person_id = ?")
            .bind(activity)
            .bind(person)
            .fetch_one(&app.pool)
            .await
            .expect("sign-up");
    assert_eq!(by_staff, 1);
    // Twice is refused; so is a resident signing someone else up, and someone of 朝晖社区.
    let (code, _) = app.post(&admin, "sign_up_resident", &form).await;
    assert_eq!(code, StatusCode::CONFLICT);
    let resident = app.signed_in("13800000001").await;
    let (code, _) = app.post(&resident, "sign_up_resident", &form).await;
    assert_eq!(code, StatusCode::FORBIDDEN);
    let outsider = person_of(&app, "13800000009").await.to_string();
    let (code, _) =
        app.post(&admin, "sign_up_resident", &[("activity", &activity.to_string()), ("person", &outsider)]).await;
    assert_eq!(code, StatusCode::NOT_FOUND);
    assert_eq!(signups(&app, activity).await.len(), 3, "nothing else was written");
    let audited: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM audit_log WHERE action = 'sign_up_activity' AND outcome = 'ok' AND object_id = ?
         AND after_json LIKE '%\"by_staff\":true%'",
    )
    .bind(activity)
    .fetch_one(&app.pool)
    .await
    .expect("audit");
    assert_eq!(audited, 1);
}

/// Moves an occurrence into the past: it ran from three hours ago to an hour ago.
async fn over(app: &TestApp, activity: i64) {
    sqlx::query(
        "UPDATE activities SET signup_opens_at = ?1 - 18000, signup_closes_at = ?1 - 10800, starts_at = ?1 - 10800,
                               ends_at = ?1 - 3600
         WHERE id = ?2",
    )
    .bind(app::repo::now())
    .bind(activity)
    .execute(&app.pool)
    .await
    .expect("move the occurrence");
}

/// A 民情 item and an order of `community`, dated two hours ago (raised while the activity
/// ran): their ids.
async fn raised_in(app: &TestApp, community: &str) -> (i64, i64) {
    let since = app::repo::now() - 7200;
    let mut ids = [0i64; 2];
    for (i, table) in ["sentiment_items", "service_orders"].into_iter().enumerate() {
        let sql = format!(
            "UPDATE {table} SET created_at = ?1
             WHERE id = (SELECT t.id FROM {table} t JOIN grid_nodes m ON m.id = t.micro_grid_id
                         WHERE m.code GLOB (SELECT code FROM grid_nodes WHERE name = ?2) || '*' ORDER BY t.id LIMIT 1)
             RETURNING id"
        );
        ids[i] = sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
            .bind(since)
            .bind(community)
            .fetch_one(&app.pool)
            .await
            .expect("raised");
    }
    (ids[0], ids[1])
}

#[tokio::test]
async fn the_organiser_writes_the_record_once_it_is_over_and_it_is_posted_to_the_feed() {
    let app = TestApp::spawn().await;
    let activity = publish(&app, "红领TALK（纪要）", "10", "1", "").await;
    let admin = app.signed_in(ADMIN).await;
    let id = activity.to_string();
    let write = |raised: Vec<String>| {
        let mut form =
            vec![("activity".to_string(), id.clone()), ("body".to_string(), "讲解垃圾分类，答疑30分钟".into())];
        form.extend(raised.into_iter().map(|r| ("raised[]".to_string(), r)));
        form
    };
    let post = |form: Vec<(String, String)>| {
        let (app, admin) = (&app, admin.clone());
        async move {
            let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
            app.post(&admin, "write_activity_record", &form).await
        }
    };
    // Not before it is over.
    let (status, body) = post(write(vec![])).await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert!(body.contains("ErrRecordNotNow"), "{body}");
    // Two people came.
    under_way(&app, activity).await;
    for phone in ["13800000001", "13800000010"] {
        let person = person_of(&app, phone).await;
        sqlx::query(
            "INSERT INTO activity_attendance (activity_id, person_id, via, checked_in_at, hours_status)
             VALUES (?, ?, 'code', ?, 'none')",
        )
        .bind(activity)
        .bind(person)
        .bind(app::repo::now() - 3000)
        .execute(&app.pool)
        .await
        .expect("came");
    }
    over(&app, activity).await;
    let (item, order) = raised_in(&app, "祖望社区").await;
    let (foreign_item, _) = raised_in(&app, "朝晖社区").await;
    // The page offers what was raised meanwhile; something of another community is refused.
    let (_, page) = app.get(&admin, &format!("/activities/{activity}")).await;
    assert!(
        page.contains(&format!("value=\"sentiment:{item}\"")) && page.contains(&format!("value=\"order:{order}\""))
    );
    let (status, _) = post(write(vec![format!("sentiment:{foreign_item}")])).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let resident = app.signed_in("13800000001").await;
    let (status, _) = app.post(&resident, "write_activity_record", &[("activity", &id), ("body", "我来写")]).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(app.count("SELECT count(*) FROM activity_records").await, 0, "nothing written by a refusal");

    let (status, body) = post(write(vec![format!("sentiment:{item}"), format!("order:{order}")])).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (attended, post_id): (i64, i64) =
        sqlx::query_as("SELECT attended, post_id FROM activity_records WHERE activity_id = ?")
            .bind(activity)
            .fetch_one(&app.pool)
            .await
            .expect("record");
    assert_eq!(attended, 2);
    let feed: String = sqlx::query_scalar("SELECT body FROM feed_posts WHERE id = ? AND kind = 'station_news'")
        .bind(post_id)
        .fetch_one(&app.pool)
        .await
        .expect("the post");
    assert_eq!(feed, "【红领TALK（纪要）】讲解垃圾分类，答疑30分钟");
    assert_eq!(app.count("SELECT count(*) FROM activity_record_links").await, 2);
    // Once only.
    let (status, body) = post(write(vec![])).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(body.contains("ErrRecordNotNow"), "{body}");
    assert_eq!(
        app.count("SELECT count(*) FROM audit_log WHERE action = 'write_activity_record' AND outcome = 'ok'").await,
        1
    );
    // Neighbours read it, and how much it links, but not the 民情 item's words.
    let words: String = sqlx::query_scalar("SELECT substr(description, 1, 40) FROM sentiment_items WHERE id = ?")
        .bind(item)
        .fetch_one(&app.pool)
        .await
        .expect("words");
    let (_, page) = app.get(&resident, &format!("/activities/{activity}")).await;
    assert!(page.contains("讲解垃圾分类") && page.contains("签到2人") && page.contains("关联民情和需求2项"));
    assert!(!page.contains(&words), "a 民情 item's words stay with staff");
    let (_, page) = app.get(&admin, &format!("/activities/{activity}")).await;
    assert!(page.contains(&words) && page.contains(&format!("href=\"/orders/{order}\"")));
}

#[tokio::test]
async fn racing_organisers_write_one_record_and_one_post() {
    let app = TestApp::spawn().await;
    let activity = publish(&app, "红领TALK（同时写纪要）", "10", "1", "").await;
    over(&app, activity).await;
    let admin = app.signed_in(ADMIN).await;
    let url = format!("{}/api/write_activity_record", app.base);
    let requests = (0..12).map(|i| {
        let (client, url) = (admin.clone(), url.clone());
        let form = [("activity", activity.to_string()), ("body", format!("第{i}份纪要"))];
        tokio::spawn(async move { client.post(url).form(&form).send().await.expect("write").status() })
    });
    let statuses: Vec<StatusCode> =
        futures::future::join_all(requests).await.into_iter().map(|r| r.expect("task")).collect();
    assert_eq!(statuses.iter().filter(|s| s.is_success()).count(), 1, "{statuses:?}");
    assert!(statuses.iter().all(|s| s.is_success() || *s == StatusCode::CONFLICT), "{statuses:?}");
    assert_eq!(app.count("SELECT count(*) FROM activity_records").await, 1);
    assert_eq!(app.count("SELECT count(*) FROM feed_posts WHERE body LIKE '【红领TALK（同时写纪要）】%'").await, 1);
}

#[tokio::test]
async fn the_organiser_adds_up_to_six_photos_to_the_record_and_neighbours_see_them() {
    let app = TestApp::spawn().await;
    let activity = publish(&app, "初心集市（照片）", "10", "1", "").await;
    over(&app, activity).await;
    let admin = app.signed_in(ADMIN).await;
    let resident = app.signed_in("13800000001").await; // 王秀英, 祖望社区
    let elsewhere = app.signed_in("13800000009").await; // 朝晖社区
    let url = format!("{}/activities/{activity}/photos", app.base);
    let upload = |client: &reqwest::Client, photos: Vec<Vec<u8>>, browser: bool| {
        let mut form = reqwest::multipart::Form::new();
        for bytes in photos {
            form = form.part("photo", reqwest::multipart::Part::bytes(bytes).file_name("market.png"));
        }
        let req = client.post(&url).multipart(form);
        if browser { req.header("accept", "text/html") } else { req }.send()
    };
    let photos = || app.count("SELECT count(*) FROM activity_record_photos");

    // Not before the record is written.
    let res = upload(&admin, vec![png(40, 30)], false).await.expect("upload");
    assert_eq!(res.status(), StatusCode::CONFLICT);
    assert!(res.text().await.unwrap_or_default().contains("先写好纪要"));
    let (status, body) =
        app.post(&admin, "write_activity_record", &[("activity", &activity.to_string()), ("body", "集市很热闹")]).await;
    assert_eq!(status, StatusCode::OK, "{body}");

    // A neighbour may not add one; a file that is not an image is refused whatever its name.
    let res = upload(&resident, vec![png(40, 30)], false).await.expect("upload");
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let res = upload(&admin, vec![b"<svg onload='x'/>".to_vec()], false).await.expect("upload");
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(photos().await, 0, "nothing stored by a refusal");

    // The organiser's photo is shrunk and re-encoded, and the page is where the upload goes back to.
    let res = upload(&admin, vec![png(2400, 1200)], false).await.expect("upload");
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(res.headers()["location"].to_str().unwrap_or_default(), format!("/activities/{activity}#record"));
    let (first, width, mime): (i64, i64, String) =
        sqlx::query_as("SELECT id, width, mime FROM activity_record_photos WHERE activity_id = ?")
            .bind(activity)
            .fetch_one(&app.pool)
            .await
            .expect("photo");
    assert_eq!((width, mime.as_str()), (1280, "image/jpeg"));

    // Racing uploads for the last places: the record holds six, never more.
    upload(&admin, vec![png(20, 20), png(20, 20)], false).await.expect("upload");
    let racing = (0..5).map(|_| upload(&admin, vec![png(30, 20)], false));
    let statuses: Vec<StatusCode> =
        futures::future::join_all(racing).await.into_iter().map(|r| r.expect("upload").status()).collect();
    assert_eq!(statuses.iter().filter(|s| **s == StatusCode::SEE_OTHER).count(), 3, "{statuses:?}");
    assert!(statuses.iter().all(|s| *s == StatusCode::SEE_OTHER || *s == StatusCode::CONFLICT), "{statuses:?}");
    assert_eq!(photos().await, 6);
    // A browser is sent back to the record with the reason.
    let res = upload(&admin, vec![png(20, 20)], true).await.expect("upload");
    assert_eq!(
        res.headers()["location"].to_str().unwrap_or_default(),
        format!("/activities/{activity}?photo_error=ErrRecordPhotoCount#record")
    );
    let (_, page) = app.get(&admin, &format!("/activities/{activity}?photo_error=ErrRecordPhotoCount")).await;
    assert!(page.contains("每份纪要最多6张照片") && !page.contains("id=\"record-photo\""), "full: no picker");
    assert_eq!(
        app.count("SELECT count(*) FROM audit_log WHERE action = 'add_record_photo' AND outcome = 'ok'").await,
        6
    );

    // Neighbours see them; someone of another community finds nothing there.
    let (_, page) = app.get(&resident, &format!("/activities/{activity}")).await;
    assert!(page.contains(&format!("src=\"/activities/photos/{first}\"")));
    let res = resident.get(format!("{}/activities/photos/{first}", app.base)).send().await.expect("get");
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["content-type"], "image/jpeg");
    let res = elsewhere.get(format!("{}/activities/photos/{first}", app.base)).send().await.expect("get");
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let res = app.client().get(format!("{}/activities/photos/{first}", app.base)).send().await.expect("get");
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
}
