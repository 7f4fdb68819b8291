//! 驿站活动 over HTTP: publishing (weekly, with skipped weeks), racing sign-ups against the
//! seats, the waiting list's order, and a cancellation passing its seat on.
use crate::test_app::TestApp;
use reqwest::StatusCode;

const ADMIN: &str = "13800000004"; // 刘芳, 祖望社区

/// Publishes an activity at 向日葵网格服务驿站 for all of 祖望社区, as the community admin;
/// returns the first occurrence's id.
async fn publish(app: &TestApp, title: &str, capacity: &str, weeks: &str, skip: &str) -> i64 {
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
