//! 议事会 over HTTP: raising a 议题 for where one lives, households supporting it once each
//! however many of them tap at once, the threshold and the window, and staff's answer on
//! the version they saw: accepting, declining, merging or sending it to the 民情 desk, and
//! 督办 for one unanswered a week.
use crate::test_app::TestApp;
use reqwest::{Client, StatusCode};

const RESIDENT: &str = "13800000001"; // 王秀英, 向日葵微网格
const ADMIN: &str = "13800000004"; // 刘芳, 祖望社区
const FOREIGN: &str = "13800000009"; // 朝晖社区

/// Raises a topic as `client`: its id.
async fn raise(app: &TestApp, client: &Client, audience: &str, title: &str) -> i64 {
    let (status, body) = app
        .post(client, "raise_topic", &[("audience", audience), ("title", title), ("body", "电动车都推进楼道里充电")])
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body.trim().parse().expect("the topic's id")
}

/// `n` new residents of 向日葵微网格, each in a household of their own: their clients.
async fn households(app: &TestApp, n: usize, first_phone: u64) -> Vec<Client> {
    let mut clients = Vec::new();
    for (account, client) in app.residents_with_sessions("向日葵微网格", n, first_phone).await {
        let household: i64 = sqlx::query_scalar(
            "INSERT INTO households (node_id, room)
             SELECT b.id, 'T' || ?1 FROM grid_nodes b
             WHERE b.level = 'building'
               AND b.code GLOB (SELECT m.code FROM accounts a JOIN people p ON p.id = a.person_id
                                JOIN grid_nodes m ON m.id = p.micro_grid_id WHERE a.id = ?1) || '*'
             ORDER BY b.id LIMIT 1 RETURNING id",
        )
        .bind(account)
        .fetch_one(&app.pool)
        .await
        .expect("household");
        sqlx::query("UPDATE people SET household_id = ? WHERE id = (SELECT person_id FROM accounts WHERE id = ?)")
            .bind(household)
            .bind(account)
            .execute(&app.pool)
            .await
            .expect("lives there");
        clients.push(client);
    }
    clients
}

async fn supporters(app: &TestApp, topic: i64) -> i64 {
    sqlx::query_scalar("SELECT count(*) FROM council_supports WHERE topic_id = ?")
        .bind(topic)
        .fetch_one(&app.pool)
        .await
        .expect("supporters")
}

#[tokio::test]
async fn each_household_supports_a_topic_once_however_many_taps_race() {
    let app = TestApp::spawn().await;
    let resident = app.signed_in(RESIDENT).await;
    let topic = raise(&app, &resident, "micro_grid", "楼道电动车充电").await;
    let (threshold, raised_by_household): (i64, i64) = sqlx::query_as(
        "SELECT t.threshold, (SELECT count(*) FROM council_supports s WHERE s.topic_id = t.id)
         FROM council_topics t WHERE t.id = ?",
    )
    .bind(topic)
    .fetch_one(&app.pool)
    .await
    .expect("topic");
    assert_eq!(threshold, 5, "a micro-grid's topic needs five households");
    assert_eq!(raised_by_household, 1, "the raiser's household supports it at once");

    // Twelve households, two people of the first one among them; each taps three times at once.
    let people = households(&app, 12, 13_950_000_000).await;
    sqlx::query(
        "UPDATE people SET household_id = (SELECT p.household_id FROM people p WHERE p.phone = '13950000000')
         WHERE phone = '13950000001'",
    )
    .execute(&app.pool)
    .await
    .expect("share a household");
    let url = format!("{}/api/support_topic", app.base);
    let taps = people.iter().flat_map(|client| {
        (0..3).map(|_| {
            let (client, url) = (client.clone(), url.clone());
            tokio::spawn(async move {
                let res = client.post(url).form(&[("topic", topic.to_string())]).send().await.expect("support");
                (res.status(), res.text().await.unwrap_or_default())
            })
        })
    });
    let answers: Vec<(StatusCode, String)> =
        futures::future::join_all(taps).await.into_iter().map(|r| r.expect("task")).collect();
    let ok = answers.iter().filter(|(s, _)| s.is_success()).count();
    assert_eq!(ok, 11, "eleven households: {answers:?}");
    assert!(answers
        .iter()
        .all(|(s, b)| s.is_success() || (*s == StatusCode::CONFLICT && b.contains("ErrAlreadySupported"))));
    assert_eq!(supporters(&app, topic).await, 12);
    assert_eq!(app.count("SELECT count(*) FROM audit_log WHERE action = 'support_topic' AND outcome = 'ok'").await, 11);

    // The page says how many support it against how many it needs, and that it is enough.
    let (_, page) = app.get(&resident, &format!("/council/{topic}")).await;
    assert!(page.contains("12户附议 / 需5户") && page.contains("附议已达到") && page.contains("您家已附议"));
    let (_, list) = app.get(&people[3], "/council").await;
    assert!(list.contains("楼道电动车充电") && list.contains(&format!("href=\"/council/{topic}\"")));

    // Someone of another community finds nothing there.
    let foreign = app.signed_in(FOREIGN).await;
    let (status, _) = app.post(&foreign, "topic_data", &[("id", &topic.to_string())]).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = app.post(&foreign, "support_topic", &[("topic", &topic.to_string())]).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (_, list) = app.get(&foreign, "/council").await;
    assert!(!list.contains("楼道电动车充电"));
}

#[tokio::test]
async fn staff_accept_or_decline_with_a_public_reason_once_and_a_missed_window_stays_labelled() {
    let app = TestApp::spawn().await;
    let resident = app.signed_in(RESIDENT).await;
    let admin = app.signed_in(ADMIN).await;
    let before = app.count("SELECT count(*) FROM council_topics").await;
    let topic = raise(&app, &resident, "community", "小区加装充电桩").await;
    let id = topic.to_string();

    // Declining needs a reason; a decision the form does not offer is refused.
    let (status, body) =
        app.post(&admin, "screen_topic", &[("topic", &id), ("decision", "decline"), ("version", "1")]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let (status, _) =
        app.post(&admin, "screen_topic", &[("topic", &id), ("decision", "postpone"), ("version", "1")]).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    // A resident may not answer it.
    let (status, _) =
        app.post(&resident, "screen_topic", &[("topic", &id), ("decision", "accept"), ("version", "1")]).await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // Of several answers on the same version, one is taken.
    let url = format!("{}/api/screen_topic", app.base);
    let answers = (0..6).map(|i| {
        let (client, url, id) = (admin.clone(), url.clone(), id.clone());
        tokio::spawn(async move {
            let form = [
                ("topic", id),
                ("decision", "decline".to_string()),
                ("reason", format!("消防规定不允许在楼道充电，已另行安排充电棚选址（{i}）")),
                ("version", "1".to_string()),
            ];
            client.post(url).form(&form).send().await.expect("screen").status()
        })
    });
    let statuses: Vec<StatusCode> =
        futures::future::join_all(answers).await.into_iter().map(|r| r.expect("task")).collect();
    assert_eq!(statuses.iter().filter(|s| s.is_success()).count(), 1, "{statuses:?}");
    assert!(statuses.iter().all(|s| s.is_success() || *s == StatusCode::CONFLICT), "{statuses:?}");
    let (stage, reason, version): (String, String, i64) =
        sqlx::query_as("SELECT stage, reason, version FROM council_topics WHERE id = ?")
            .bind(topic)
            .fetch_one(&app.pool)
            .await
            .expect("topic");
    assert_eq!((stage.as_str(), version), ("declined", 2));
    // Everyone who sees the topic reads why; it takes no more support.
    let (_, page) = app.get(&resident, &format!("/council/{topic}")).await;
    assert!(page.contains("未采纳") && page.contains(&reason));
    let neighbour = households(&app, 1, 13_951_000_000).await.remove(0);
    let (status, body) = app.post(&neighbour, "support_topic", &[("topic", &id)]).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(body.contains("ErrSupportClosed"), "{body}");

    // A topic whose window closed short of support is labelled, kept, and may still be accepted.
    let missed = raise(&app, &resident, "community", "每周一次跳蚤市场").await;
    sqlx::query(
        "UPDATE council_topics SET raised_at = raised_at - 40 * 86400, support_until = unixepoch() - 1 WHERE id = ?",
    )
    .bind(missed)
    .execute(&app.pool)
    .await
    .expect("move back");
    let (_, page) = app.get(&resident, &format!("/council/{missed}")).await;
    assert!(page.contains("未达附议") && page.contains("超过一周未答复"), "missed and overdue");
    let (status, body) = app.post(&neighbour, "support_topic", &[("topic", &missed.to_string())]).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(body.contains("ErrSupportClosed"), "{body}");
    let (status, body) = app
        .post(&admin, "screen_topic", &[("topic", &missed.to_string()), ("decision", "accept"), ("version", "1")])
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (_, page) = app.get(&resident, &format!("/council/{missed}")).await;
    assert!(page.contains("已受理"));
    assert_eq!(app.count("SELECT count(*) FROM council_topics").await, before + 2, "nothing deleted");
}

#[tokio::test]
async fn the_demo_city_has_topics_of_祖望社区_collecting_accepted_and_declined() {
    let app = TestApp::spawn().await;
    let rows: Vec<(String, String, String, i64)> = sqlx::query_as(
        "SELECT t.title, t.stage, c.name, (SELECT count(*) FROM council_supports s WHERE s.topic_id = t.id)
         FROM council_topics t JOIN grid_nodes n ON n.id = t.node_id
         JOIN grid_nodes c ON c.level = 'community' AND n.code GLOB c.code || '*' ORDER BY t.id",
    )
    .fetch_all(&app.pool)
    .await
    .expect("topics");
    assert_eq!(rows.len(), 4, "{rows:?}");
    assert!(rows.iter().all(|(_, _, community, n)| community == "祖望社区" && *n >= 1), "{rows:?}");
    let stages: Vec<&str> = rows.iter().map(|(_, s, _, _)| s.as_str()).collect();
    assert_eq!(stages, ["collecting", "accepted", "collecting", "declined"]);
    let resident = app.signed_in(RESIDENT).await;
    let (_, list) = app.get(&resident, "/council").await;
    assert!(list.contains("楼道里的电动车能不能统一到充电棚充电") && list.contains("未采纳"), "{list}");
}

#[tokio::test]
async fn a_topic_is_raised_once_per_form_and_bad_fields_are_named() {
    let app = TestApp::spawn().await;
    let resident = app.signed_in(RESIDENT).await;
    let before = app.count("SELECT count(*) FROM council_topics").await;
    let (status, body) =
        app.post(&resident, "raise_topic", &[("audience", "city"), ("title", ""), ("body", "x")]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("\"audience\"") && body.contains("\"title\""), "{body}");
    assert_eq!(app.count("SELECT count(*) FROM council_topics").await, before);
    let key = "0123456789abcdef0123456789abcdef";
    let form = [("audience", "grid"), ("title", "健身器材坏了"), ("body", "小广场的单杠松了"), ("form_key", key)];
    let (first, _) = app.post(&resident, "raise_topic", &form).await;
    let (second, body) = app.post(&resident, "raise_topic", &form).await;
    assert!(first.is_success() && second.is_success(), "{body}");
    assert_eq!(app.count("SELECT count(*) FROM council_topics").await, before + 1);
    // Without JavaScript the form's answer is the topic's page.
    let res = resident
        .post(format!("{}/api/raise_topic", app.base))
        .header("accept", "text/html")
        .form(&[("audience", "grid"), ("title", "垃圾分类点太远"), ("body", "能不能在3号楼旁边加一个")])
        .send()
        .await
        .expect("post");
    assert!(res.status().is_redirection());
    let location = res.headers()["location"].to_str().unwrap_or_default().to_string();
    assert!(location.starts_with("/council/"), "{location}");
}

/// A building of the micro-grid where the person with `phone` lives.
async fn building_of(app: &TestApp, phone: &str) -> i64 {
    sqlx::query_scalar(
        "SELECT b.id FROM people p JOIN grid_nodes m ON m.id = p.micro_grid_id
         JOIN grid_nodes b ON b.level = 'building' AND b.code GLOB m.code || '*'
         WHERE p.phone = ? ORDER BY b.id LIMIT 1",
    )
    .bind(phone)
    .fetch_one(&app.pool)
    .await
    .expect("a building")
}

/// Notices of `kind` linking to the topic, received by the person with `phone`.
async fn notices(app: &TestApp, kind: &str, phone: &str, topic: i64) -> i64 {
    sqlx::query_scalar(
        "SELECT count(*) FROM notifications n JOIN accounts a ON a.id = n.account_id
         WHERE n.kind = ? AND a.phone = ? AND n.link = '/council/' || ?",
    )
    .bind(kind)
    .bind(phone)
    .bind(topic)
    .fetch_one(&app.pool)
    .await
    .expect("notices")
}

async fn stage_of(app: &TestApp, topic: i64) -> (String, i64) {
    sqlx::query_as("SELECT stage, version FROM council_topics WHERE id = ?")
        .bind(topic)
        .fetch_one(&app.pool)
        .await
        .expect("topic")
}

#[tokio::test]
async fn a_topic_merged_into_a_wider_one_brings_its_households_once_and_they_are_told() {
    let app = TestApp::spawn().await;
    let resident = app.signed_in(RESIDENT).await;
    let admin = app.signed_in(ADMIN).await;
    let narrow = raise(&app, &resident, "micro_grid", "楼下停车乱").await;
    let people = households(&app, 3, 13_952_000_000).await;
    for client in &people {
        let (status, body) = app.post(client, "support_topic", &[("topic", &narrow.to_string())]).await;
        assert_eq!(status, StatusCode::OK, "{body}");
    }
    // The wider topic is raised by one of them: that household supports both.
    let wide = raise(&app, &people[0], "community", "小区停车位规划").await;
    let declined = raise(&app, &resident, "community", "增设快递柜").await;
    let (status, body) = app
        .post(&admin, "screen_topic", &[("topic", &declined.to_string()), ("decision", "decline"), ("reason", "已有")])
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "no version: {body}");
    let (status, _) = app
        .post(
            &admin,
            "screen_topic",
            &[
                ("topic", &declined.to_string()),
                ("decision", "decline"),
                ("reason", "快递柜已由物业安装"),
                ("version", "1"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(notices(&app, "topic_declined", RESIDENT, declined).await, 1, "the raiser hears why");

    // The wider topic has no place in the narrow one's area; a declined one, itself or none
    // is no target either; nothing changes.
    let merge = |topic: i64, into: String| {
        let (admin, app) = (admin.clone(), &app);
        async move {
            app.post(
                &admin,
                "screen_topic",
                &[("topic", &topic.to_string()), ("decision", "merge"), ("into", &into), ("version", "1")],
            )
            .await
        }
    };
    for (topic, into) in [(wide, narrow), (narrow, declined), (narrow, narrow), (narrow, 0), (narrow, 999_999)] {
        let (status, body) = merge(topic, into.to_string()).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{topic} into {into}: {body}");
        assert!(body.contains("ErrChooseMergeTopic"), "{body}");
    }
    assert_eq!(stage_of(&app, narrow).await, ("collecting".into(), 1));
    // A resident may not merge.
    let (status, _) = app
        .post(
            &resident,
            "screen_topic",
            &[("topic", &narrow.to_string()), ("decision", "merge"), ("into", &wide.to_string()), ("version", "1")],
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    let (status, body) = merge(narrow, wide.to_string()).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(stage_of(&app, narrow).await, ("merged".into(), 2));
    // Four households supported the narrow one; one of them already supports the wide one.
    assert_eq!(supporters(&app, wide).await, 4, "each household counts once");
    assert_eq!(supporters(&app, narrow).await, 4, "the merged topic keeps its history");
    assert_eq!(notices(&app, "topic_merged", RESIDENT, wide).await, 1, "supporters are told where it went");
    assert_eq!(app.count("SELECT count(*) FROM notifications WHERE kind = 'topic_merged'").await, 4);
    let (_, page) = app.get(&resident, &format!("/council/{narrow}")).await;
    assert!(page.contains("已并入") && page.contains(&format!("href=\"/council/{wide}\"")), "{page}");
    let (_, page) = app.get(&resident, &format!("/council/{wide}")).await;
    assert!(page.contains("您家已附议"), "the resident's household now supports the wide one");
    // It was answered: a second answer on the old version changes nothing.
    let (status, body) = app
        .post(&admin, "screen_topic", &[("topic", &narrow.to_string()), ("decision", "accept"), ("version", "2")])
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
}

#[tokio::test]
async fn a_repair_goes_to_the_民情_desk_reported_by_its_raiser_and_a_wrong_place_writes_nothing() {
    let app = TestApp::spawn().await;
    let resident = app.signed_in(RESIDENT).await;
    let admin = app.signed_in(ADMIN).await;
    let topic = raise(&app, &resident, "grid", "小广场路灯坏了").await;
    let id = topic.to_string();
    let here = building_of(&app, RESIDENT).await.to_string();
    let elsewhere = building_of(&app, FOREIGN).await.to_string();
    let items = || app.count("SELECT count(*) FROM sentiment_items");
    let before = items().await;
    for (category, place, field) in
        [("dispute", here.as_str(), "category"), ("", here.as_str(), "category"), ("facility", &elsewhere, "place")]
    {
        let form =
            [("topic", id.as_str()), ("decision", "refer"), ("category", category), ("place", place), ("version", "1")];
        let (status, body) = app.post(&admin, "screen_topic", &form).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{category} at {place}: {body}");
        assert!(body.contains(&format!("\"{field}\"")), "{body}");
    }
    assert_eq!(items().await, before);
    assert_eq!(stage_of(&app, topic).await, ("collecting".into(), 1));

    let form =
        [("topic", id.as_str()), ("decision", "refer"), ("category", "facility"), ("place", &here), ("version", "1")];
    let (status, body) = app.post(&admin, "screen_topic", &form).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(items().await, before + 1);
    let (item, reporter, stage, description, deadline): (i64, String, String, String, Option<i64>) = sqlx::query_as(
        "SELECT s.id, a.phone, s.stage, s.description, s.deadline FROM council_topics t
         JOIN sentiment_items s ON s.id = t.item_id JOIN accounts a ON a.id = s.reporter_id
         WHERE t.id = ? AND t.stage = 'referred'",
    )
    .bind(topic)
    .fetch_one(&app.pool)
    .await
    .expect("the item");
    assert_eq!((reporter.as_str(), stage.as_str()), (RESIDENT, "reported"), "the raiser reported it");
    assert!(description.starts_with("小广场路灯坏了："), "{description}");
    assert!(deadline.is_some(), "its deadline starts now");
    assert_eq!(notices(&app, "topic_referred", RESIDENT, topic).await, 1);
    let (_, page) = app.get(&resident, &format!("/council/{topic}")).await;
    assert!(page.contains("已转民情") && page.contains(&format!("href=\"/sentiment/{item}\"")), "{page}");
    let (status, _) = app.get(&resident, &format!("/sentiment/{item}")).await;
    assert_eq!(status, StatusCode::OK, "the raiser follows the item");
}

#[tokio::test]
async fn a_topic_unanswered_for_a_week_is_sent_up_once_and_says_so() {
    let app = TestApp::spawn().await;
    let resident = app.signed_in(RESIDENT).await;
    let grid = raise(&app, &resident, "grid", "篮球场晚上太吵").await;
    let community = raise(&app, &resident, "community", "社区食堂延长营业").await;
    let raised_at: i64 = sqlx::query_scalar("SELECT raised_at FROM council_topics WHERE id = ?")
        .bind(grid)
        .fetch_one(&app.pool)
        .await
        .expect("raised");
    let state = app::state::AppState::new(app.pool.clone(), Default::default());
    let week = app::domain::council::SCREEN_DAYS * 86_400;
    app::jobs::escalate_topics(&state, raised_at + week - 60).await.expect("not yet");
    assert_eq!(notices(&app, "topic_escalation", ADMIN, grid).await, 0);
    sqlx::query("UPDATE council_topics SET raised_at = raised_at - ? WHERE id IN (?, ?)")
        .bind(week + 60)
        .bind(grid)
        .bind(community)
        .execute(&app.pool)
        .await
        .expect("a week ago");
    let now = app::repo::now();
    app::jobs::escalate_topics(&state, now).await.expect("escalation");
    app::jobs::escalate_topics(&state, now + 60).await.expect("again");
    // A grid's topic goes to the community; a community's to the subdistrict.
    assert_eq!(notices(&app, "topic_escalation", ADMIN, grid).await, 1, "once");
    assert_eq!(notices(&app, "topic_escalation", "13800000005", community).await, 1);
    assert_eq!(notices(&app, "topic_escalation", ADMIN, community).await, 0);
    assert_eq!(stage_of(&app, grid).await, ("collecting".into(), 1), "not an edit: staff may still answer");
    let (_, page) = app.get(&resident, &format!("/council/{grid}")).await;
    assert!(page.contains("超过一周未答复，已督办"), "{page}");
}

/// A 议事坊 activity (kind 'council') of the community of the person with `phone`, at its
/// first station, starting `in_secs` from now (negative: past): its id. `kind` may be another.
async fn meeting_of(app: &TestApp, phone: &str, kind: &str, in_secs: i64) -> i64 {
    sqlx::query_scalar(
        "INSERT INTO activities (station_id, node_id, kind, title, starts_at, ends_at, capacity,
                                 signup_opens_at, signup_closes_at, created_by)
         SELECT s.id, c.id, ?2, '协商议事会', unixepoch() + ?3, unixepoch() + ?3 + 7200, 40,
                unixepoch() + ?3 - 86400 * 3, unixepoch() + ?3, (SELECT min(id) FROM accounts)
         FROM people p JOIN grid_nodes m ON m.id = p.micro_grid_id
         JOIN grid_nodes c ON c.level = 'community' AND m.code GLOB c.code || '*'
         JOIN stations s JOIN grid_nodes sn ON sn.id = s.node_id AND sn.code GLOB c.code || '*'
         WHERE p.phone = ?1 ORDER BY s.id LIMIT 1 RETURNING id",
    )
    .bind(phone)
    .bind(kind)
    .bind(in_secs)
    .fetch_one(&app.pool)
    .await
    .expect("a meeting")
}

#[tokio::test]
async fn an_accepted_topic_goes_on_a_meeting_ahead_once_and_its_supporters_are_invited() {
    let app = TestApp::spawn().await;
    let resident = app.signed_in(RESIDENT).await;
    let admin = app.signed_in(ADMIN).await;
    let topic = raise(&app, &resident, "micro_grid", "楼下绿地改成停车位吗").await;
    for client in &households(&app, 2, 13_953_000_000).await {
        app.post(client, "support_topic", &[("topic", &topic.to_string())]).await;
    }
    let id = topic.to_string();
    let meeting = meeting_of(&app, RESIDENT, "council", 2 * 86_400).await;
    let schedule = |meeting: i64, version: &str, quorum: &str| {
        let (admin, app, id) = (admin.clone(), &app, id.clone());
        let (meeting, version, quorum) = (meeting.to_string(), version.to_string(), quorum.to_string());
        async move {
            let form = [
                ("topic", id.as_str()),
                ("version", &version),
                ("meeting", &meeting),
                ("quorum", &quorum),
                ("invited[]", "resident_reps"),
                ("invited[]", "property"),
            ];
            app.post(&admin, "schedule_topic", &form).await
        }
    };
    // Not accepted yet.
    let (status, body) = schedule(meeting, "1", "8").await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    let (status, _) =
        app.post(&admin, "screen_topic", &[("topic", &id), ("decision", "accept"), ("version", "1")]).await;
    assert_eq!(status, StatusCode::OK);
    // Not a meeting, one past, one of another community: none is offered, none is taken.
    let market = meeting_of(&app, RESIDENT, "market", 2 * 86_400).await;
    let past = meeting_of(&app, RESIDENT, "council", -86_400).await;
    let foreign = meeting_of(&app, FOREIGN, "council", 2 * 86_400).await;
    for wrong in [market, past, foreign, 0] {
        let (status, body) = schedule(wrong, "2", "8").await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{wrong}: {body}");
        assert!(body.contains("ErrChooseMeeting"), "{body}");
    }
    // A new meeting needs its quorum.
    let (status, body) = schedule(meeting, "2", "0").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("\"quorum\""), "{body}");
    let (_, page) = app.get(&admin, &format!("/council/{topic}")).await;
    assert!(page.contains(&format!("name=\"meeting\" value=\"{meeting}\"")), "offered");
    for other in [market, past, foreign] {
        assert!(!page.contains(&format!("name=\"meeting\" value=\"{other}\"")), "{other} is not offered");
    }
    assert_eq!(stage_of(&app, topic).await, ("accepted".into(), 2));
    assert_eq!(app.count("SELECT count(*) FROM council_meetings").await, 0, "nothing half-written");

    // Of five answers on the same version, one is taken.
    let answers = futures::future::join_all((0..5).map(|_| schedule(meeting, "2", "8"))).await;
    let statuses: Vec<StatusCode> = answers.iter().map(|(s, _)| *s).collect();
    assert_eq!(statuses.iter().filter(|s| s.is_success()).count(), 1, "{answers:?}");
    assert!(statuses.iter().all(|s| s.is_success() || *s == StatusCode::CONFLICT), "{answers:?}");
    assert_eq!(stage_of(&app, topic).await, ("scheduled".into(), 3));
    let (quorum, invited): (i64, String) = sqlx::query_as(
        "SELECT m.quorum, (SELECT group_concat(role, ',') FROM (SELECT role FROM council_meeting_invited
                            WHERE activity_id = m.activity_id ORDER BY role))
         FROM council_meetings m WHERE m.activity_id = ?",
    )
    .bind(meeting)
    .fetch_one(&app.pool)
    .await
    .expect("the meeting");
    assert_eq!((quorum, invited.as_str()), (8, "property,resident_reps"));
    assert_eq!(notices(&app, "topic_scheduled", RESIDENT, topic).await, 1, "supporters are invited");
    assert_eq!(app.count("SELECT count(*) FROM notifications WHERE kind = 'topic_scheduled'").await, 3);

    // A second topic joins the agenda as it is: its quorum stays.
    let second = raise(&app, &resident, "micro_grid", "快递柜挪个位置").await;
    app.post(&admin, "screen_topic", &[("topic", &second.to_string()), ("decision", "accept"), ("version", "1")]).await;
    let form = [
        ("topic", second.to_string()),
        ("version", "2".into()),
        ("meeting", meeting.to_string()),
        ("quorum", "99".into()),
    ];
    let res = admin.post(format!("{}/api/schedule_topic", app.base)).form(&form).send().await.expect("schedule");
    assert!(res.status().is_success());
    assert_eq!(
        app.count("SELECT quorum FROM council_meetings").await,
        8,
        "the first scheduling set the quorum; later ones keep it"
    );
    let (_, page) = app.get(&resident, &format!("/council/{topic}")).await;
    assert!(page.contains("已排期") && page.contains(&format!("href=\"/activities/{meeting}\"")), "{page}");
    assert!(page.contains("已签到0人 / 应到8人") && page.contains("议题2项"), "{page}");
    assert!(page.contains("居民代表") && page.contains("物业公司"), "{page}");
    // The meeting's page lists its agenda.
    let (_, page) = app.get(&resident, &format!("/activities/{meeting}")).await;
    assert!(page.contains("本次议题") && page.contains(&format!("href=\"/council/{second}\"")), "{page}");
}

#[tokio::test]
async fn minutes_need_the_meeting_begun_and_its_quorum_and_a_chair_other_than_the_secretary_signs_them() {
    let app = TestApp::spawn().await;
    let resident = app.signed_in(RESIDENT).await;
    let admin = app.signed_in(ADMIN).await;
    let leader = app.signed_in("13800000003").await; // 陈骏, grid leader
    let topic = raise(&app, &resident, "micro_grid", "楼道灯改成声控的").await;
    let id = topic.to_string();
    let meeting = meeting_of(&app, RESIDENT, "council", 2 * 86_400).await;
    app.post(&admin, "screen_topic", &[("topic", &id), ("decision", "accept"), ("version", "1")]).await;
    let form = [("topic", id.as_str()), ("version", "2"), ("meeting", &meeting.to_string()), ("quorum", "2")];
    let (status, body) = app.post(&admin, "schedule_topic", &form).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let write = |version: &str, votes: [&str; 3], motion: &str| {
        let (admin, app, id) = (admin.clone(), &app, id.clone());
        let (version, motion) = (version.to_string(), motion.to_string());
        let votes = votes.map(String::from);
        async move {
            let form = [
                ("topic", id.as_str()),
                ("version", &version),
                ("motion", &motion),
                ("votes_for", &votes[0]),
                ("votes_against", &votes[1]),
                ("abstaining", &votes[2]),
                ("decision", "由物业在春节前改装声控灯"),
                ("owner", "锦园物业"),
                ("deadline", "2027-02-01"),
            ];
            app.post(&admin, "write_minutes", &form).await
        }
    };
    let (status, body) = write("3", ["2", "0", "0"], "改声控灯").await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(body.contains("ErrMeetingNotBegun"), "{body}");
    sqlx::query(
        "UPDATE activities SET signup_opens_at = unixepoch() - 86400, signup_closes_at = unixepoch() - 3600,
                               starts_at = unixepoch() - 3600, ends_at = unixepoch() + 3600 WHERE id = ?",
    )
    .bind(meeting)
    .execute(&app.pool)
    .await
    .expect("the meeting began");
    let check_in = |phone: &'static str| {
        let pool = app.pool.clone();
        async move {
            sqlx::query(
                "INSERT INTO activity_attendance (activity_id, person_id, via, checked_in_at, hours_status)
                 SELECT ?, person_id, 'code', unixepoch() - 600, 'none' FROM accounts WHERE phone = ?",
            )
            .bind(meeting)
            .bind(phone)
            .execute(&pool)
            .await
            .expect("checked in")
        }
    };
    check_in(RESIDENT).await;
    let (status, body) = write("3", ["1", "0", "0"], "改声控灯").await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(body.contains("ErrNoQuorum"), "one checked in of a quorum of two: {body}");
    check_in("13800001000").await;
    let (status, body) = write("3", ["2", "1", "0"], "改声控灯").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("ErrTooManyVotes"), "three hands, two people: {body}");
    let (status, body) = write("3", ["x", "0", "0"], "").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("\"motion\"") && body.contains("\"votes_for\""), "{body}");
    assert_eq!(app.count("SELECT count(*) FROM council_minutes").await, 0, "nothing half-written");

    let (status, body) = write("3", ["2", "0", "0"], "楼道灯统一改为声控灯").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    // The secretary may not sign their own minutes; a stale version signs nothing.
    let (status, body) = app.post(&admin, "sign_minutes", &[("topic", &id), ("version", "4")]).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(body.contains("ErrChairNotSecretary"), "{body}");
    let (status, _) = app.post(&leader, "sign_minutes", &[("topic", &id), ("version", "3")]).await;
    assert_eq!(status, StatusCode::CONFLICT);
    let (_, page) = app.get(&leader, &format!("/council/{topic}")).await;
    assert!(page.contains("待主持人签署") && page.contains("主持人签署"), "{page}");
    let (status, body) = app.post(&leader, "sign_minutes", &[("topic", &id), ("version", "4")]).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(stage_of(&app, topic).await, ("deliberated".into(), 5));
    // Signed minutes are not rewritten.
    let (status, _) = write("5", ["2", "0", "0"], "改成普通灯").await;
    assert_eq!(status, StatusCode::CONFLICT);
    let (_, page) = app.get(&resident, &format!("/council/{topic}")).await;
    assert!(page.contains("已协商") && page.contains("楼道灯统一改为声控灯"), "{page}");
    assert!(page.contains("赞成2 · 反对0 · 弃权0") && page.contains("主持人签署：陈骏"), "{page}");
    assert!(!page.contains("name=\"motion\""), "a resident gets no form");
}
