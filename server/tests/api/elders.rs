//! 独居老人关爱 and welfare checks: the register by area, visit logs and what they set
//! off, overdue visits and the heat alert, and the public welfare-check flow.

use crate::test_app::TestApp;
use app::domain::ids::{AccountId, NodeId, OrderId, PersonId};
use app::live::Topic;
use reqwest::{Client, StatusCode};
use serde_json::Value;
use std::time::Duration;

/// 孙丽: 微网格员 of 向日葵微网格 (幸福锦园4-6号楼, 祖望社区).
const MEMBER: &str = "13800000006";
/// 陈骏: 网格长 of 幸福锦园网格 (covers 向日葵微网格).
const LEADER: &str = "13800000003";
/// 刘芳: 社区管理员 of 祖望社区.
const COMMUNITY_ADMIN: &str = "13800000004";
/// 周建华: 街道管理员 of 幸福街道.
const SUBDISTRICT_ADMIN: &str = "13800000005";
/// 陈骏骏: 网格长 of 连心网格 (朝晖社区, 朝晖花园10-11号楼).
const OTHER_LEADER: &str = "13800000007";
/// 王秀英: a resident of 向日葵微网格.
const RESIDENT: &str = "13800000001";

async fn node(app: &TestApp, name: &str) -> NodeId {
    sqlx::query_scalar("SELECT id FROM grid_nodes WHERE name = ?").bind(name).fetch_one(&app.pool).await.expect("node")
}

/// A person living in `building` (no account), returning their id.
async fn person_in(app: &TestApp, building: &str, name: &str, birth_year: i64) -> PersonId {
    let (building, micro): (NodeId, NodeId) =
        sqlx::query_as("SELECT id, parent_id FROM grid_nodes WHERE name = ? AND level = 'building'")
            .bind(building)
            .fetch_one(&app.pool)
            .await
            .expect("building");
    sqlx::query_scalar(
        "INSERT INTO people (full_name, birth_year, micro_grid_id, building_id) VALUES (?, ?, ?, ?) RETURNING id",
    )
    .bind(name)
    .bind(birth_year)
    .bind(micro)
    .bind(building)
    .fetch_one(&app.pool)
    .await
    .expect("person")
}

/// An elder on the register with a weekly plan (daily in a heat alert), never visited.
async fn elder_in(app: &TestApp, building: &str, name: &str) -> PersonId {
    let person = person_in(app, building, name, 1944).await;
    sqlx::query(
        "INSERT INTO elder_profiles (person_id, micro_grid_id, living_alone, health_notes, emergency_contact_name, emergency_contact_phone)
         SELECT id, micro_grid_id, 1, '高血压', '赵小红', '13955550001' FROM people WHERE id = ?",
    )
    .bind(person)
    .execute(&app.pool)
    .await
    .expect("elder");
    sqlx::query("INSERT INTO visit_plans (elder_id, every_days, heat_alert_every_days) VALUES (?, 7, 1)")
        .bind(person)
        .execute(&app.pool)
        .await
        .expect("plan");
    person
}

async fn account(app: &TestApp, phone: &str) -> AccountId {
    sqlx::query_scalar("SELECT id FROM accounts WHERE phone = ?").bind(phone).fetch_one(&app.pool).await.expect("acct")
}

async fn json(app: &TestApp, client: &Client, endpoint: &str, form: &[(&str, &str)]) -> Value {
    let (status, body) = app.post(client, endpoint, form).await;
    assert_eq!(status, StatusCode::OK, "{endpoint}: {body}");
    serde_json::from_str(&body).expect("json")
}

async fn visits(app: &TestApp, elder: PersonId) -> i64 {
    sqlx::query_scalar("SELECT count(*) FROM visit_logs WHERE elder_id = ?")
        .bind(elder)
        .fetch_one(&app.pool)
        .await
        .expect("count")
}

/// The next live event on the notices topic.
async fn next_notice(events: &mut tokio::sync::broadcast::Receiver<app::live::LiveEvent>) -> app::live::LiveEvent {
    tokio::time::timeout(Duration::from_secs(2), async {
        loop {
            match events.recv().await {
                Ok(e) if e.topic == Topic::Notices => return e,
                Ok(_) => continue,
                Err(e) => panic!("bus: {e}"),
            }
        }
    })
    .await
    .expect("a live event")
}

fn elder_of(view: &Value, person: PersonId) -> Option<&Value> {
    view["elders"].as_array().expect("elders").iter().find(|e| e["person_id"] == person.get())
}

#[tokio::test]
async fn the_register_is_seen_only_by_the_staff_of_its_area() {
    let app = TestApp::spawn().await;
    let elder = elder_in(&app, "幸福锦园4号楼", "测试老人甲").await;
    let id = elder.to_string();
    // She lives in 1单元 302 and has her own phone: the visitor needs both at the door.
    let unit: i64 = sqlx::query_scalar(
        "SELECT u.id FROM grid_nodes u JOIN grid_nodes b ON b.id = u.parent_id
         WHERE b.name = '幸福锦园4号楼' AND u.level = 'unit' ORDER BY u.sort_order, u.id LIMIT 1",
    )
    .fetch_one(&app.pool)
    .await
    .expect("unit");
    let unit_name: String = sqlx::query_scalar("SELECT name FROM grid_nodes WHERE id = ?")
        .bind(unit)
        .fetch_one(&app.pool)
        .await
        .expect("q");
    sqlx::query("INSERT OR IGNORE INTO households (node_id, room) VALUES (?, '302')")
        .bind(unit)
        .execute(&app.pool)
        .await
        .expect("household");
    sqlx::query(
        "UPDATE people SET phone = '13955550099',
           household_id = (SELECT id FROM households WHERE node_id = ?1 AND room = '302')
         WHERE id = ?2",
    )
    .bind(unit)
    .bind(elder)
    .execute(&app.pool)
    .await
    .expect("home");

    let member = app.signed_in(MEMBER).await;
    let view = json(&app, &member, "elders_data", &[]).await;
    let card = elder_of(&view, elder).expect("the member sees the elder of her micro-grid");
    assert_eq!(card["contact_phone"], "13955550001", "staff see the emergency contact");
    assert_eq!(
        (card["home"].as_str(), card["phone"].as_str()),
        (Some(format!("{unit_name} 302").as_str()), Some("13955550099"))
    );
    assert_eq!(card["overdue"], true, "never visited counts as overdue");
    let (status, _) = app.post(&member, "elder_detail", &[("person", &id)]).await;
    assert_eq!(status, StatusCode::OK);
    let (status, html) = app.get(&member, "/elders").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("测试老人甲") && html.contains("探访逾期") && html.contains("需要帮助"), "the register page");
    assert!(
        html.contains(&format!("{unit_name} 302")) && html.contains("tel:13955550099"),
        "room and phone on the card"
    );

    for phone in [LEADER, COMMUNITY_ADMIN, SUBDISTRICT_ADMIN] {
        let staff = app.signed_in(phone).await;
        let (status, body) = app.post(&staff, "elder_detail", &[("person", &id)]).await;
        assert_eq!(status, StatusCode::OK, "{phone}: {body}");
    }

    // A grid leader of another community: their register lacks the elder, who is forbidden to them.
    let foreign = app.signed_in(OTHER_LEADER).await;
    let view = json(&app, &foreign, "elders_data", &[]).await;
    assert!(elder_of(&view, elder).is_none());
    let (status, _) = app.post(&foreign, "elder_detail", &[("person", &id)]).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = app.post(&foreign, "log_visit", &[("elder", &id), ("outcome", "safe"), ("note", "")]).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(
        app.count("SELECT count(*) FROM audit_log WHERE action = 'log_visit' AND outcome = 'refused'").await,
        1,
        "the refusal is audited"
    );

    let resident = app.signed_in(RESIDENT).await;
    for (endpoint, form) in [("elders_data", vec![]), ("elder_detail", vec![("person", id.as_str())])] {
        let (status, _) = app.post(&resident, endpoint, &form).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{endpoint}");
    }
    let (status, html) = app.get(&resident, "/elders").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(!html.contains("测试老人甲"));
    let (status, _) = app.post(&app.client(), "elders_data", &[]).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(visits(&app, elder).await, 0);
}

#[tokio::test]
async fn staff_add_residents_over_sixty_of_their_area_and_edit_their_notes() {
    let app = TestApp::spawn().await;
    let old = person_in(&app, "幸福锦园5号楼", "测试老人乙", 1950).await.to_string();
    let young = person_in(&app, "幸福锦园5号楼", "测试青年", 1990).await.to_string();
    let member = app.signed_in(MEMBER).await;

    let view = json(&app, &member, "elders_data", &[]).await;
    let candidates = view["candidates"].as_array().expect("candidates");
    assert!(
        candidates.iter().any(|c| c["person_id"].as_i64().map(|p| p.to_string()) == Some(old.clone())),
        "over sixty: a candidate"
    );
    assert!(!candidates.iter().any(|c| c["person_id"].as_i64().map(|p| p.to_string()) == Some(young.clone())));

    let form = |person: &'static str| {
        vec![
            ("person", person),
            ("living_alone", "1"),
            ("health_notes", "糖尿病，独居"),
            ("contact_name", "测试儿子"),
            ("contact_phone", "139 5555 0002"),
            ("every_days", "7"),
        ]
    };
    let old: &'static str = Box::leak(old.into_boxed_str());
    let young: &'static str = Box::leak(young.into_boxed_str());

    // Another community's leader may not add a resident of 向日葵微网格.
    let foreign = app.signed_in(OTHER_LEADER).await;
    let (status, _) = app.post(&foreign, "add_elder", &form(old)).await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    let (status, body) = app.post(&member, "add_elder", &form(old)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, body) = app.post(&member, "add_elder", &form(old)).await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert!(body.contains("ErrAlreadyOnRegister"), "{body}");
    let (status, body) = app.post(&member, "add_elder", &form(young)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("ErrElderTooYoung"), "{body}");
    let (alone, phone, every): (bool, Option<String>, i64) = sqlx::query_as(
        "SELECT e.living_alone, e.emergency_contact_phone, v.every_days FROM elder_profiles e
         JOIN visit_plans v ON v.elder_id = e.person_id WHERE e.person_id = ?",
    )
    .bind(old)
    .fetch_one(&app.pool)
    .await
    .expect("on the register");
    assert_eq!((alone, phone.as_deref(), every), (true, Some("13955550002"), 7));

    // Edits: bad input is refused field by field and changes nothing.
    let edit = |phone: &'static str, every: &'static str| {
        vec![
            ("person", old),
            ("living_alone", "1"),
            ("health_notes", "糖尿病，腿脚不便"),
            ("contact_name", "测试女儿"),
            ("contact_phone", phone),
            ("every_days", every),
            ("heat_alert_every_days", "1"),
        ]
    };
    let (status, body) = app.post(&member, "update_elder", &edit("12345", "7")).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("contact_phone") && body.contains("ErrPhoneMalformed"), "{body}");
    let (status, body) = app.post(&member, "update_elder", &edit("13955550003", "0")).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("ErrVisitDays"), "{body}");
    let (status, _) = app.post(&foreign, "update_elder", &edit("13955550003", "3")).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(app.count("SELECT count(*) FROM elder_profiles WHERE health_notes = '糖尿病，独居'").await, 1);

    let (status, body) = app.post(&member, "update_elder", &edit("13955550003", "3")).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (notes, name, phone, every): (String, String, String, i64) = sqlx::query_as(
        "SELECT e.health_notes, e.emergency_contact_name, e.emergency_contact_phone, v.every_days FROM elder_profiles e
         JOIN visit_plans v ON v.elder_id = e.person_id WHERE e.person_id = ?",
    )
    .bind(old)
    .fetch_one(&app.pool)
    .await
    .expect("edited");
    assert_eq!(
        (notes.as_str(), name.as_str(), phone.as_str(), every),
        ("糖尿病，腿脚不便", "测试女儿", "13955550003", 3)
    );
    assert_eq!(
        app.count("SELECT count(*) FROM audit_log WHERE action IN ('add_elder', 'update_elder') AND outcome = 'ok'")
            .await,
        2
    );
    assert_eq!(
        app.count(
            "SELECT count(*) FROM audit_log WHERE after_json LIKE '%1395555000%' OR before_json LIKE '%1395555000%'"
        )
        .await,
        0,
        "no full phone numbers in the audit log"
    );
}

#[tokio::test]
async fn a_visit_needing_help_puts_an_urgent_order_for_the_elder_on_the_board() {
    let app = TestApp::spawn().await;
    let elder = elder_in(&app, "幸福锦园4号楼", "测试老人丙").await;
    let id = elder.to_string();
    let member = app.signed_in(MEMBER).await;
    let orders_before = app.count("SELECT count(*) FROM service_orders").await;

    let (status, body) = app
        .post(&member, "log_visit", &[("elder", &id), ("outcome", "needs_help"), ("note", "腿疼下不了楼，需要代买药")])
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(app.count("SELECT count(*) FROM service_orders").await, orders_before + 1);
    let (order, requester, placed_by, on_behalf, section, urgency, status_): (
        OrderId,
        PersonId,
        AccountId,
        bool,
        String,
        String,
        String,
    ) =
        sqlx::query_as(
            "SELECT o.id, o.requester_id, o.placed_by, o.on_behalf, o.section, o.urgency, o.status
             FROM visit_logs v JOIN service_orders o ON o.id = v.order_id WHERE v.elder_id = ? AND v.outcome = 'needs_help'",
        )
        .bind(elder)
        .fetch_one(&app.pool)
        .await
        .expect("the visit links the order");
    assert_eq!(requester, elder, "the requester is the elder");
    assert_eq!(body.trim(), order.to_string(), "the visit answers with the order it placed");
    let (_, register) = app.get(&member, &format!("/elders?help_order={order}")).await;
    assert!(
        register.contains("为老人发布了一条紧急需求") && register.contains(&format!("/orders/{order}")),
        "the register says what 需要帮助 did and links to it"
    );
    assert_eq!(placed_by, account(&app, MEMBER).await, "placed by the visitor");
    assert!(on_behalf);
    assert_eq!((section.as_str(), urgency.as_str(), status_.as_str()), ("assistance", "urgent", "open"));

    // On the board of the area, and its detail shows it was placed on the elder's behalf.
    let board = json(&app, &member, "board_data", &[]).await;
    assert!(board["orders"].as_array().expect("orders").iter().any(|o| o["id"] == order.get()), "{board}");
    let detail = json(&app, &member, "order_detail", &[("id", &order.to_string())]).await;
    assert_eq!(detail["on_behalf"], true);
    assert_eq!(detail["contact"]["name"], "测试老人丙");

    // The visitor's note stays on the staff-only visit log: the public order says only that
    // help is needed, on the board and on the order page a resident of the community opens.
    let description: String = sqlx::query_scalar("SELECT description FROM service_orders WHERE id = ?")
        .bind(order)
        .fetch_one(&app.pool)
        .await
        .expect("description");
    assert!(!description.contains("腿疼"), "{description}");
    assert_eq!(description, app::i18n::Msg::VisitHelpOrderDescription.text(app::i18n::Locale::Zh));
    let resident = app.signed_in(RESIDENT).await;
    let (status, page) = app.get(&resident, &format!("/orders/{order}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("探访发现独居老人需要帮助") && !page.contains("腿疼"), "the note leaked to the order page");
    let (_, board_page) = app.get(&resident, "/board").await;
    assert!(!board_page.contains("腿疼"), "the note leaked to the board");

    // A safe visit creates no order; a double tap logs once.
    for _ in 0..2 {
        let (status, _) = app.post(&member, "log_visit", &[("elder", &id), ("outcome", "safe"), ("note", "")]).await;
        assert_eq!(status, StatusCode::OK);
    }
    assert_eq!(app.count("SELECT count(*) FROM service_orders").await, orders_before + 1);
    assert_eq!(visits(&app, elder).await, 2);
    let view = json(&app, &member, "elders_data", &[]).await;
    let card = elder_of(&view, elder).expect("card");
    assert_eq!((card["overdue"].clone(), card["last_outcome"].clone()), (Value::Bool(false), Value::from("Safe")));
}

#[tokio::test]
async fn an_emergency_alerts_the_grid_leader_at_once() {
    let app = TestApp::spawn().await;
    let elder = elder_in(&app, "幸福锦园6号楼", "测试老人丁").await;
    let id = elder.to_string();
    let member = app.signed_in(MEMBER).await;
    let mut events = app.bus.subscribe();

    let (status, body) = app
        .post(&member, "log_visit", &[("elder", &id), ("outcome", "emergency"), ("note", "敲门无应答，闻到煤气味")])
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let leader_id = account(&app, LEADER).await;
    let notified: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM notifications WHERE account_id = ? AND kind = 'elder_emergency' AND link = '/admin/queue'",
    )
    .bind(leader_id)
    .fetch_one(&app.pool)
    .await
    .expect("count");
    assert_eq!(notified, 1, "the grid leader covering the micro-grid is told");
    let other: i64 =
        sqlx::query_scalar("SELECT count(*) FROM notifications WHERE account_id = ? AND kind = 'elder_emergency'")
            .bind(account(&app, OTHER_LEADER).await)
            .fetch_one(&app.pool)
            .await
            .expect("count");
    assert_eq!(other, 0, "not the leaders of other grids");
    // The live hint names no elder: every signed-in viewer receives it.
    assert_eq!(next_notice(&mut events).await.id, None);

    let leader = app.signed_in(LEADER).await;
    let alerts = json(&app, &leader, "elder_alerts_data", &[]).await;
    let emergencies = alerts["emergencies"].as_array().expect("emergencies");
    assert!(
        emergencies.iter().any(|e| e["elder_id"] == elder.get() && e["note"] == "敲门无应答，闻到煤气味"),
        "{alerts}"
    );
    let (status, html) = app.get(&leader, "/admin/queue").await;
    assert_eq!(status, StatusCode::OK);
    let alert_at = html.find("测试老人丁").expect("the emergency is on the queue page");
    let queue_at = html.find("待处理：上门查看、紧急探访、超时未接单").expect("the queue heading");
    assert!(html.contains("紧急：老人探访") && queue_at < alert_at, "the alert sits right under the page heading");
    let foreign = app.signed_in(OTHER_LEADER).await;
    let alerts = json(&app, &foreign, "elder_alerts_data", &[]).await;
    assert!(alerts["emergencies"].as_array().expect("list").iter().all(|e| e["elder_id"] != elder.get()));

    // A later visit clears the alert.
    let (status, _) =
        app.post(&member, "log_visit", &[("elder", &id), ("outcome", "safe"), ("note", "已送医，平安")]).await;
    assert_eq!(status, StatusCode::OK);
    let alerts = json(&app, &leader, "elder_alerts_data", &[]).await;
    assert!(alerts["emergencies"].as_array().expect("list").iter().all(|e| e["elder_id"] != elder.get()));
}

#[tokio::test]
async fn overdue_visits_follow_the_plan_and_the_heat_alert() {
    let app = TestApp::spawn().await;
    let elder = elder_in(&app, "幸福锦园5号楼", "测试老人戊").await;
    let id = elder.to_string();
    let member = app.signed_in(MEMBER).await;
    let overdue = |view: &Value| elder_of(view, elder).expect("card")["overdue"].as_bool().expect("bool");
    let due = |list: &Value| list.as_array().expect("list").iter().any(|v| v["person_id"] == elder.get());

    assert!(overdue(&json(&app, &member, "elders_data", &[]).await), "never visited");
    assert!(due(&json(&app, &member, "overdue_visits", &[]).await));
    let (status, home) = app.get(&member, "/").await;
    assert_eq!(status, StatusCode::OK);
    assert!(home.contains("待探访的老人") && home.contains("测试老人戊"), "on the member's home page");

    let (status, _) = app.post(&member, "log_visit", &[("elder", &id), ("outcome", "safe"), ("note", "")]).await;
    assert_eq!(status, StatusCode::OK);
    assert!(!overdue(&json(&app, &member, "elders_data", &[]).await), "just visited");
    assert!(!due(&json(&app, &member, "overdue_visits", &[]).await));

    let age = |days: i64| {
        sqlx::query("UPDATE visit_logs SET visited_at = unixepoch() - ? WHERE elder_id = ?")
            .bind(days * 86_400)
            .bind(elder)
    };
    age(8).execute(&app.pool).await.expect("age");
    assert!(overdue(&json(&app, &member, "elders_data", &[]).await), "eight days on a weekly plan");
    age(3).execute(&app.pool).await.expect("age");
    assert!(!overdue(&json(&app, &member, "elders_data", &[]).await), "three days on a weekly plan");

    // The community admin switches the heat alert on (the settings row is made if missing).
    let community = node(&app, "祖望社区").await;
    sqlx::query("DELETE FROM community_settings WHERE node_id = ?")
        .bind(community)
        .execute(&app.pool)
        .await
        .expect("d");
    let admin = app.signed_in(COMMUNITY_ADMIN).await;
    let view = json(&app, &admin, "elders_data", &[]).await;
    assert!(view["heat_toggles"].as_array().expect("toggles").iter().any(|h| h["community_id"] == community.get()));
    let (status, body) =
        app.post(&admin, "set_heat_alert", &[("community", &community.to_string()), ("on", "1")]).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let on: i64 = sqlx::query_scalar("SELECT heat_alert FROM community_settings WHERE node_id = ?")
        .bind(community)
        .fetch_one(&app.pool)
        .await
        .expect("row");
    assert_eq!(on, 1);
    let view = json(&app, &member, "elders_data", &[]).await;
    let card = elder_of(&view, elder).expect("card");
    assert_eq!((card["heat_alert"].clone(), card["period_days"].clone()), (Value::Bool(true), Value::from(1)));
    assert!(overdue(&view), "three days is overdue on the daily heat-alert plan");
    let (_, html) = app.get(&member, "/elders").await;
    assert!(html.contains("探访逾期"));

    let (status, _) = app.post(&admin, "set_heat_alert", &[("community", &community.to_string()), ("on", "0")]).await;
    assert_eq!(status, StatusCode::OK);
    assert!(!overdue(&json(&app, &member, "elders_data", &[]).await), "back to weekly");
}

#[tokio::test]
async fn only_a_community_admin_switches_the_heat_alert() {
    let app = TestApp::spawn().await;
    let zuwang = node(&app, "祖望社区").await.to_string();
    let zhaohui = node(&app, "朝晖社区").await.to_string();
    let micro = node(&app, "向日葵微网格").await.to_string();
    for phone in [MEMBER, LEADER, RESIDENT] {
        let client = app.signed_in(phone).await;
        let (status, _) = app.post(&client, "set_heat_alert", &[("community", &zuwang), ("on", "1")]).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{phone}");
    }
    let admin = app.signed_in(COMMUNITY_ADMIN).await;
    let (status, _) = app.post(&admin, "set_heat_alert", &[("community", &zhaohui), ("on", "1")]).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "another community");
    let (status, _) = app.post(&admin, "set_heat_alert", &[("community", &micro), ("on", "1")]).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "not a community");
    let (status, _) = app.post(&admin, "set_heat_alert", &[("community", &zuwang), ("on", "maybe")]).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (status, _) = app.post(&app.client(), "set_heat_alert", &[("community", &zuwang), ("on", "1")]).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(app.count("SELECT count(*) FROM community_settings WHERE heat_alert = 1").await, 0);
    // Every refusal found inside the write is audited: the four forbidden ones and the node
    // that is not a community. The malformed switch and the visitor are refused before it.
    assert_eq!(
        app.count("SELECT count(*) FROM audit_log WHERE action = 'set_heat_alert' AND outcome = 'refused'").await,
        5
    );

    let subdistrict = app.signed_in(SUBDISTRICT_ADMIN).await;
    let (status, _) = app.post(&subdistrict, "set_heat_alert", &[("community", &zuwang), ("on", "1")]).await;
    assert_eq!(status, StatusCode::OK, "the subdistrict admin of the community");
    let (status, _) = app.post(&admin, "set_heat_alert", &[("community", &zuwang), ("on", "0")]).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(app.count("SELECT count(*) FROM audit_log WHERE action = 'set_heat_alert' AND outcome = 'ok'").await, 2);
}

#[tokio::test]
async fn a_relative_asks_for_a_welfare_check_and_the_grid_leader_handles_it() {
    let app = TestApp::spawn().await;
    // 李伟 cannot reach his father 李建国 in 朝晖花园10号楼; he has no account.
    let relative = app.client();
    let (status, html) = app.get(&relative, "/welfare").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("请网格员上门看看"), "the public form");
    let mut events = app.bus.subscribe();
    let form = [
        ("elder_name", "李建国"),
        ("building", "朝晖花园10号楼"),
        ("phone", "139 1234 5678"),
        ("note", "打了一上午电话都没人接"),
    ];
    let (status, body) = app.post(&relative, "request_welfare_check", &form).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let id: i64 = body.trim().parse().expect("the reference number");
    let (micro, phone, state): (Option<NodeId>, String, String) =
        sqlx::query_as("SELECT micro_grid_id, requester_phone, status FROM welfare_checks WHERE id = ?")
            .bind(id)
            .fetch_one(&app.pool)
            .await
            .expect("row");
    assert_eq!((micro, phone.as_str(), state.as_str()), (Some(node(&app, "连心微网格").await), "13912345678", "open"));
    let leader_id = account(&app, OTHER_LEADER).await;
    let notified: i64 =
        sqlx::query_scalar("SELECT count(*) FROM notifications WHERE account_id = ? AND kind = 'welfare_check'")
            .bind(leader_id)
            .fetch_one(&app.pool)
            .await
            .expect("count");
    assert_eq!(notified, 1, "the leader of 连心网格 is told");
    assert_eq!(next_notice(&mut events).await.id, Some(id));
    assert_eq!(
        app.count(
            "SELECT count(*) FROM audit_log WHERE detail LIKE '%13912345678%' OR after_json LIKE '%13912345678%'"
        )
        .await,
        0,
        "the phone is never logged in full"
    );
    assert_eq!(
        app.count("SELECT count(*) FROM audit_log WHERE action = 'request_welfare_check' AND actor_id IS NULL").await,
        1
    );

    // The confirmation page: the reference number, never the phone.
    let (status, html) = app.get(&relative, &format!("/welfare?ref={id}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("已收到您的请求") && html.contains(&format!("#{id}")), "the confirmation");
    assert!(!html.contains("13912345678"));
    // A plain form post (no WASM yet) lands on the same confirmation.
    let res = relative
        .post(format!("{}/api/request_welfare_check", app.base))
        .header("accept", "text/html")
        .header("referer", format!("{}/welfare", app.base))
        .form(&[("elder_name", "李建国"), ("building", "朝晖花园10号楼"), ("phone", "13912345678"), ("note", "")])
        .send()
        .await
        .expect("post");
    assert_eq!(res.status(), StatusCode::FOUND);
    let location = res.headers().get("location").and_then(|v| v.to_str().ok()).unwrap_or_default().to_string();
    assert!(location.starts_with("/welfare?ref=") && location.ends_with("&reached=leader"), "{location}");
    let (_, html) = app.get(&relative, &location).await;
    assert!(html.contains("网格长已收到通知"), "the leader was told, and the page says so");

    // The leader sees it with the phone; a resident and another grid's leader do not.
    let leader = app.signed_in(OTHER_LEADER).await;
    let alerts = json(&app, &leader, "elder_alerts_data", &[]).await;
    let card =
        alerts["welfare"].as_array().expect("welfare").iter().find(|w| w["id"] == id).expect("the check").clone();
    assert_eq!(
        (card["requester_phone"].clone(), card["elder_name"].clone()),
        (Value::from("13912345678"), Value::from("李建国"))
    );
    let (status, html) = app.get(&leader, "/admin/queue").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("家属请求上门查看") && html.contains("13912345678") && html.contains("我去看看"));
    let resident = app.signed_in("13800000009").await;
    let (status, body) = app.post(&resident, "elder_alerts_data", &[]).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    let other = app.signed_in(LEADER).await;
    let alerts = json(&app, &other, "elder_alerts_data", &[]).await;
    assert!(alerts["welfare"].as_array().expect("welfare").iter().all(|w| w["id"] != id));
    let (status, _) = app.post(&other, "start_welfare_check", &[("id", &id.to_string())]).await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // 我去看看 → in progress, handled by the leader; a second tap is a conflict.
    let (status, body) = app.post(&leader, "start_welfare_check", &[("id", &id.to_string())]).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (state, handler): (String, Option<AccountId>) =
        sqlx::query_as("SELECT status, handled_by FROM welfare_checks WHERE id = ?")
            .bind(id)
            .fetch_one(&app.pool)
            .await
            .expect("row");
    assert_eq!((state.as_str(), handler), ("in_progress", Some(leader_id)));
    let (status, body) = app.post(&leader, "start_welfare_check", &[("id", &id.to_string())]).await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");

    // 已确认平安 → done with the outcome; it leaves the queue.
    let (status, body) =
        app.post(&leader, "finish_welfare_check", &[("id", &id.to_string()), ("outcome", "bogus"), ("note", "")]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let (status, body) = app
        .post(
            &leader,
            "finish_welfare_check",
            &[("id", &id.to_string()), ("outcome", "safe"), ("note", "手机没电了，老人平安")],
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (state, outcome): (String, String) =
        sqlx::query_as("SELECT status, outcome_note FROM welfare_checks WHERE id = ?")
            .bind(id)
            .fetch_one(&app.pool)
            .await
            .expect("row");
    assert_eq!((state.as_str(), outcome.as_str()), ("done", "已确认平安：手机没电了，老人平安"));
    let (status, _) = app
        .post(&leader, "finish_welfare_check", &[("id", &id.to_string()), ("outcome", "needs_help"), ("note", "")])
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    let alerts = json(&app, &leader, "elder_alerts_data", &[]).await;
    assert!(alerts["welfare"].as_array().expect("welfare").iter().all(|w| w["id"] != id));
}

#[tokio::test]
async fn a_welfare_check_with_a_bad_phone_is_refused_and_an_unknown_building_waits_in_its_area_for_sorting() {
    let app = TestApp::spawn().await;
    let client = app.client();
    let (status, body) = app
        .post(
            &client,
            "request_welfare_check",
            &[("elder_name", "李建国"), ("building", "朝晖花园10号楼"), ("phone", "12345"), ("note", "")],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("\"phone\"") && body.contains("ErrPhoneMalformed"), "{body}");
    let (status, body) = app
        .post(
            &client,
            "request_welfare_check",
            &[("elder_name", " "), ("building", ""), ("phone", "13912345678"), ("note", "")],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("ErrElderName") && body.contains("ErrBuildingNote"), "{body}");
    assert_eq!(app.count("SELECT count(*) FROM welfare_checks").await, 0);

    // Without WASM the form comes back with the message in Chinese.
    let res = client
        .post(format!("{}/api/request_welfare_check", app.base))
        .header("accept", "text/html")
        .header("referer", format!("{}/welfare", app.base))
        .form(&[("elder_name", "李建国"), ("building", "朝晖花园10号楼"), ("phone", "12345"), ("note", "")])
        .send()
        .await
        .expect("post");
    assert_eq!(res.status(), StatusCode::FOUND);
    let location = res.headers().get("location").and_then(|v| v.to_str().ok()).unwrap_or_default().to_string();
    let (_, html) = app.get(&client, location.trim_start_matches(&app.base)).await;
    assert!(html.contains("手机号格式不正确"), "{location}");
    assert_eq!(app.count("SELECT count(*) FROM welfare_checks").await, 0);

    // An address that fits nowhere is refused with a request to name the estate: it is
    // never sent to every admin of the city.
    let unknown =
        [("elder_name", "测试老人"), ("building", "不存在花园99号楼"), ("phone", "13912345679"), ("note", "")];
    let (status, body) = app.post(&client, "request_welfare_check", &unknown).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(body.contains("ErrWelfarePlaceUnknown"), "{body}");
    assert_eq!(app.count("SELECT count(*) FROM welfare_checks").await, 0);

    // Reached from 祖望社区's link, it waits there for sorting (待分拣): its admins see it
    // and may close it; the grid leader inside and another subdistrict's admin do not.
    let community: String = sqlx::query_scalar("SELECT code FROM grid_nodes WHERE name = '祖望社区'")
        .fetch_one(&app.pool)
        .await
        .expect("code");
    let mut from_link = unknown.to_vec();
    from_link.push(("area", &community));
    let (status, body) = app.post(&client, "request_welfare_check", &from_link).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let id: i64 = body.trim().parse().expect("id");
    let sees = |alerts: &Value| alerts["welfare"].as_array().expect("welfare").iter().find(|w| w["id"] == id).cloned();
    let admin = app.signed_in(COMMUNITY_ADMIN).await;
    let card = sees(&json(&app, &admin, "elder_alerts_data", &[]).await).expect("the community admin sees it");
    assert_eq!((card["micro_grid"].clone(), card["triage"].clone()), (Value::from("祖望社区"), Value::Bool(true)));
    let notified: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM notifications WHERE kind = 'welfare_check' AND account_id = (SELECT id FROM accounts WHERE phone = ?)",
    )
    .bind(COMMUNITY_ADMIN)
    .fetch_one(&app.pool)
    .await
    .expect("count");
    assert_eq!(notified, 1, "the admin of the area is told");
    let leader = app.signed_in(LEADER).await;
    assert!(sees(&json(&app, &leader, "elder_alerts_data", &[]).await).is_none());
    let (status, _) = app.post(&leader, "start_welfare_check", &[("id", &id.to_string())]).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let elsewhere = app.signed_in(OTHER_LEADER).await;
    let (status, _) = app.post(&elsewhere, "start_welfare_check", &[("id", &id.to_string())]).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "staff of another area may not close it");
    let (status, body) = app.post(&admin, "start_welfare_check", &[("id", &id.to_string())]).await;
    assert_eq!(status, StatusCode::OK, "{body}");

    // An unknown building of a known estate goes to the estate's subdistrict.
    let guessed = [("elder_name", "测试老人"), ("building", "幸福锦园99号楼"), ("phone", "13912345670"), ("note", "")];
    let (status, body) = app.post(&client, "request_welfare_check", &guessed).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let id: i64 = body.trim().parse().expect("id");
    let area: String = sqlx::query_scalar(
        "SELECT a.name FROM welfare_checks w JOIN grid_nodes a ON a.id = w.area_id WHERE w.id = ? AND w.micro_grid_id IS NULL",
    )
    .bind(id)
    .fetch_one(&app.pool)
    .await
    .expect("area");
    assert_eq!(area, "幸福街道");
    // The relative is told it goes to staff who check the address, not that a leader was told.
    let res = client
        .post(format!("{}/api/request_welfare_check", app.base))
        .header("accept", "text/html")
        .header("referer", format!("{}/welfare", app.base))
        .form(&[("elder_name", "测试老人"), ("building", "幸福锦园98号楼"), ("phone", "13912345671"), ("note", "")])
        .send()
        .await
        .expect("post");
    let location = res.headers().get("location").and_then(|v| v.to_str().ok()).unwrap_or_default().to_string();
    assert!(location.ends_with("&reached=sorting"), "{location}");
    let (_, html) = app.get(&client, &location).await;
    assert!(html.contains("已转给社区工作人员核实") && !html.contains("网格长已收到通知"), "{location}");
    let sub = app.signed_in(SUBDISTRICT_ADMIN).await;
    assert!(json(&app, &sub, "elder_alerts_data", &[]).await["welfare"]
        .as_array()
        .expect("welfare")
        .iter()
        .any(|w| w["id"] == id));
}

#[tokio::test]
async fn welfare_requests_are_limited_per_address_and_per_phone() {
    let app = TestApp::spawn_with(tempfile::tempdir().expect("tempdir"), |s| {
        let d = app::state::Settings::default();
        (s.welfare_per_ip_per_10_minutes, s.welfare_per_phone_per_hour) =
            (d.welfare_per_ip_per_10_minutes, d.welfare_per_phone_per_hour);
    })
    .await;
    let client = app.client();
    let defaults = app::state::Settings::default();
    let form = |phone: String| {
        vec![
            ("elder_name".to_string(), "李建国".to_string()),
            ("building".to_string(), "朝晖花园10号楼".to_string()),
            ("phone".to_string(), phone),
            ("note".to_string(), String::new()),
        ]
    };
    let post = |f: Vec<(String, String)>| {
        let client = client.clone();
        let url = format!("{}/api/request_welfare_check", app.base);
        async move { client.post(url).form(&f).send().await.expect("post").status() }
    };
    // One phone: three an hour.
    for _ in 0..defaults.welfare_per_phone_per_hour {
        assert_eq!(post(form("13912340000".into())).await, StatusCode::OK);
    }
    assert_eq!(post(form("13912340000".into())).await, StatusCode::TOO_MANY_REQUESTS);
    // One address: five in ten minutes, whatever the phone.
    for n in defaults.welfare_per_phone_per_hour..defaults.welfare_per_ip_per_10_minutes {
        assert_eq!(post(form(format!("139123411{n:02}"))).await, StatusCode::OK);
    }
    assert_eq!(post(form("13912349999".into())).await, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(app.count("SELECT count(*) FROM welfare_checks").await as usize, defaults.welfare_per_ip_per_10_minutes);
}

#[tokio::test]
async fn bad_input_is_4xx_never_5xx_and_writes_nothing() {
    let app = TestApp::spawn().await;
    let elder = elder_in(&app, "幸福锦园4号楼", "测试老人己").await.to_string();
    let member = app.signed_in(MEMBER).await;
    let long = "长".repeat(1001);
    let huge = "x".repeat(200_000);
    let cases: Vec<(&str, Vec<(&str, &str)>)> = vec![
        ("log_visit", vec![]),
        ("log_visit", vec![("elder", "abc"), ("outcome", "safe"), ("note", "")]),
        ("log_visit", vec![("elder", &elder), ("outcome", "fine"), ("note", "")]),
        ("log_visit", vec![("elder", &elder), ("outcome", "needs_help"), ("note", &long)]),
        ("log_visit", vec![("elder", "999999"), ("outcome", "safe"), ("note", "")]),
        ("log_visit", vec![("elder", "-1"), ("outcome", "emergency"), ("note", "")]),
        (
            "add_elder",
            vec![
                ("person", "x"),
                ("health_notes", ""),
                ("contact_name", ""),
                ("contact_phone", ""),
                ("every_days", ""),
            ],
        ),
        (
            "add_elder",
            vec![
                ("person", "999999"),
                ("health_notes", ""),
                ("contact_name", ""),
                ("contact_phone", ""),
                ("every_days", ""),
            ],
        ),
        (
            "add_elder",
            vec![
                ("person", &elder),
                ("health_notes", &long),
                ("contact_name", ""),
                ("contact_phone", ""),
                ("every_days", ""),
            ],
        ),
        ("update_elder", vec![("person", &elder)]),
        (
            "update_elder",
            vec![
                ("person", &elder),
                ("health_notes", ""),
                ("contact_name", &long),
                ("contact_phone", ""),
                ("every_days", "abc"),
                ("heat_alert_every_days", "999"),
            ],
        ),
        ("set_heat_alert", vec![("community", "x"), ("on", "1")]),
        ("start_welfare_check", vec![("id", "x")]),
        ("start_welfare_check", vec![("id", "424242")]),
        ("finish_welfare_check", vec![("id", "1"), ("outcome", "bogus"), ("note", "")]),
        ("elder_detail", vec![("person", "'; DROP TABLE elder_profiles; --")]),
        ("request_welfare_check", vec![]),
        ("request_welfare_check", vec![("elder_name", &huge), ("building", &huge), ("phone", &huge), ("note", &huge)]),
    ];
    let tables = ["visit_logs", "elder_profiles", "visit_plans", "welfare_checks", "service_orders", "notifications"];
    let mut before = Vec::new();
    for t in tables {
        before.push(
            sqlx::query_scalar::<_, i64>(sqlx::AssertSqlSafe(format!("SELECT count(*) FROM {t}")))
                .fetch_one(&app.pool)
                .await
                .expect("count"),
        );
    }
    for (endpoint, form) in cases {
        let (status, body) = app.post(&member, endpoint, &form).await;
        assert!(
            status.is_client_error(),
            "{endpoint} {:?}: {status} {body}",
            form.iter().map(|(k, v)| (k, v.len())).collect::<Vec<_>>()
        );
    }
    for (t, n) in tables.iter().zip(before) {
        let m: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(format!("SELECT count(*) FROM {t}")))
            .fetch_one(&app.pool)
            .await
            .expect("count");
        assert_eq!(m, n, "{t} changed on bad input");
    }
    let (status, health) = app.get(&member, "/healthz").await;
    assert_eq!((status, health.as_str()), (StatusCode::OK, "ok"));
}
