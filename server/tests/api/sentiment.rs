//! 民情: the closed loop through the real router, role by role, with refusals, 督办
//! on a controlled clock, disputes, inspections, conversion to an order and photos.

use crate::common::png;
use crate::test_app::TestApp;
use app::domain::ids::{AccountId, NodeId, OrderId};
use reqwest::{Client, StatusCode};

const RESIDENT: &str = "13800000001"; // 王秀英, 幸福锦园4号楼
const VOLUNTEER: &str = "13800000002"; // 张志强
const LEADER: &str = "13800000003"; // 陈骏, 幸福锦园网格
const COMMUNITY_ADMIN: &str = "13800000004"; // 刘芳, 祖望社区
const MEMBER: &str = "13800000006"; // 孙丽, 向日葵微网格
const FOREIGN_LEADER: &str = "13800000007"; // 陈骏骏, 朝晖社区

/// What a test needs to see about an item.
#[derive(Debug, sqlx::FromRow)]
struct Item {
    stage: String,
    version: i64,
    escalation_level: i64,
    rework_count: i64,
    handler_id: Option<AccountId>,
    deadline: Option<i64>,
    handled_at: Option<i64>,
    closed_at: Option<i64>,
    resident_resolved: Option<i64>,
    resident_rating: Option<i64>,
    warning_level: Option<String>,
    order_id: Option<OrderId>,
    recheck_due_at: Option<i64>,
}

async fn item(app: &TestApp, id: i64) -> Item {
    sqlx::query_as(
        "SELECT stage, version, escalation_level, rework_count, handler_id, deadline, handled_at, closed_at,
                resident_resolved, resident_rating, warning_level, order_id, recheck_due_at
         FROM sentiment_items WHERE id = ?",
    )
    .bind(id)
    .fetch_one(&app.pool)
    .await
    .expect("item")
}

async fn node(app: &TestApp, name: &str) -> String {
    let id: NodeId = sqlx::query_scalar("SELECT id FROM grid_nodes WHERE name = ?")
        .bind(name)
        .fetch_one(&app.pool)
        .await
        .expect("node");
    id.to_string()
}

async fn account(app: &TestApp, phone: &str) -> AccountId {
    sqlx::query_scalar("SELECT id FROM accounts WHERE phone = ?")
        .bind(phone)
        .fetch_one(&app.pool)
        .await
        .expect("account")
}

/// Records an item; returns its id.
async fn record(app: &TestApp, client: &Client, form: &[(&str, &str)]) -> i64 {
    let (status, body) = app.post(client, "record_item", form).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body.trim().parse().expect("item id")
}

/// Takes one step with the version currently stored; returns the answer.
async fn step(app: &TestApp, client: &Client, id: i64, step: &str, extra: &[(&str, &str)]) -> (StatusCode, String) {
    let version = item(app, id).await.version.to_string();
    let id = id.to_string();
    let mut form = vec![("id", id.as_str()), ("version", version.as_str()), ("step", step)];
    form.extend_from_slice(extra);
    app.post(client, "sentiment_step", &form).await
}

async fn step_ok(app: &TestApp, client: &Client, id: i64, name: &str, extra: &[(&str, &str)]) {
    let (status, body) = step(app, client, id, name, extra).await;
    assert_eq!(status, StatusCode::OK, "{name}: {body}");
}

/// (who, step, extra fields, expected status, expected message key).
type RefusalCase<'a> = (&'a Client, &'a str, Vec<(&'a str, &'a str)>, StatusCode, &'a str);

/// (from stage, to stage, kind, actor name, note) of each timeline line.
type Line = (Option<String>, String, String, Option<String>, String);

async fn lines(app: &TestApp, id: i64) -> Vec<Line> {
    sqlx::query_as(
        "SELECT l.from_stage, l.to_stage, l.kind, p.full_name, l.note FROM sentiment_stages l
         LEFT JOIN accounts a ON a.id = l.actor_id LEFT JOIN people p ON p.id = a.person_id
         WHERE l.item_id = ? ORDER BY l.id",
    )
    .bind(id)
    .fetch_all(&app.pool)
    .await
    .expect("lines")
}

#[tokio::test]
async fn a_residents_report_runs_the_whole_loop_through_four_roles() {
    let app = TestApp::spawn().await;
    let resident = app.signed_in(RESIDENT).await;
    let leader = app.signed_in(LEADER).await;
    let volunteer = app.signed_in(VOLUNTEER).await;
    let member = app.signed_in(MEMBER).await;
    let place = node(&app, "幸福锦园4号楼").await;
    let id = record(
        &app,
        &resident,
        &[("category", "facility"), ("place", &place), ("place_note", "一楼大厅"), ("description", "4号楼电梯有异响")],
    )
    .await;
    // A resident's report is already 上报.
    assert_eq!(item(&app, id).await.stage, "reported");
    step_ok(&app, &leader, id, "accept", &[]).await;
    let volunteer_account = account(&app, VOLUNTEER).await.to_string();
    step_ok(
        &app,
        &leader,
        id,
        "dispatch",
        &[("handler_kind", "volunteer"), ("handler_volunteer", &volunteer_account), ("days", "3")],
    )
    .await;
    let dispatched = item(&app, id).await;
    assert_eq!(dispatched.handler_id, Some(account(&app, VOLUNTEER).await));
    let deadline = dispatched.deadline.expect("deadline");
    assert!((deadline - app::repo::now() - 3 * 86_400).abs() < 60, "deadline three days out");
    assert_eq!(
        app.count("SELECT count(*) FROM notifications WHERE kind = 'sentiment_dispatch' AND account_id = (SELECT id FROM accounts WHERE phone = '13800000002')").await,
        1
    );
    // The item is on the handler's own 民情 list and home section, not only behind its URL.
    let (status, body) = app.post(&volunteer, "sentiment_list", &[]).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let list: app::server_fns::sentiment::SentimentListView = serde_json::from_str(&body).expect("list");
    assert!(list.handling.iter().any(|c| c.id == id), "on the handler's list: {body}");
    let (_, body) = app.post(&volunteer, "sentiment_home", &[]).await;
    let home: app::server_fns::sentiment::SentimentHomeView = serde_json::from_str(&body).expect("home");
    assert!(home.to_handle.iter().any(|c| c.id == id), "on the handler's home: {body}");
    // The handler sees the item (not its reporter's full name) and handles it with feedback.
    let (status, body) = app.post(&volunteer, "item_detail", &[("id", &id.to_string())]).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(!body.contains("王秀英"), "the handler sees a masked reporter: {body}");
    step_ok(&app, &volunteer, id, "handle", &[("note", "已联系电梯公司更换导轨")]).await;
    assert!(item(&app, id).await.handled_at.is_some());
    step_ok(&app, &member, id, "verify", &[]).await;
    step_ok(&app, &member, id, "close", &[]).await;
    let closed = item(&app, id).await;
    assert_eq!(closed.stage, "closed");
    assert!(closed.closed_at.is_some());
    assert_eq!(closed.resident_resolved, None, "closed is not yet confirmed");
    assert_eq!(
        app.count("SELECT count(*) FROM notifications WHERE kind = 'sentiment_closed' AND account_id = (SELECT id FROM accounts WHERE phone = '13800000001')").await,
        1,
        "the reporter is asked for a verdict"
    );
    // While the verdict is asked for it is the reporter's one way to say "not fixed".
    let steps_of =
        |body: String| serde_json::from_str::<app::server_fns::sentiment::ItemView>(&body).expect("item").steps;
    let (_, body) = app.post(&resident, "item_detail", &[("id", &id.to_string())]).await;
    assert!(!steps_of(body).contains(&app::domain::sentiment::StageAction::Reopen), "no second way before the verdict");
    // The reporter says it is not really fixed: both facts are kept.
    let version = closed.version.to_string();
    let id_s = id.to_string();
    let form = [
        ("id", id_s.as_str()),
        ("version", version.as_str()),
        ("resolved", "no"),
        ("rating", "2"),
        ("comment", "还是响"),
    ];
    let (status, body) = app.post(&member, "confirm_item", &form).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "only the reporter confirms: {body}");
    let (status, body) = app.post(&resident, "confirm_item", &form).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let confirmed = item(&app, id).await;
    assert_eq!(
        (confirmed.stage.as_str(), confirmed.resident_resolved, confirmed.resident_rating),
        ("closed", Some(0), Some(2))
    );
    let again =
        [("id", id_s.as_str()), ("version", &confirmed.version.to_string()), ("resolved", "yes"), ("rating", "5")];
    assert_eq!(app.post(&resident, "confirm_item", &again).await.0, StatusCode::CONFLICT, "confirmed once");
    let (_, body) = app.post(&resident, "item_detail", &[("id", &id_s)]).await;
    assert!(
        steps_of(body).contains(&app::domain::sentiment::StageAction::Reopen),
        "then 没修好，重新反映 sends it back"
    );
    // Every step has a line with its actor, in order.
    let timeline = lines(&app, id).await;
    let stages: Vec<(&str, Option<&str>)> = timeline.iter().map(|l| (l.1.as_str(), l.3.as_deref())).collect();
    assert_eq!(
        stages,
        vec![
            ("reported", Some("王秀英")),
            ("accepted", Some("陈骏")),
            ("dispatched", Some("陈骏")),
            ("handled", Some("张志强")),
            ("verified", Some("孙丽")),
            ("closed", Some("孙丽")),
            ("closed", Some("王秀英")),
        ]
    );
    assert_eq!(timeline[3].4, "已联系电梯公司更换导轨");
    assert_eq!(timeline[6].2, "confirm");
    assert_eq!(app.count("SELECT count(*) FROM audit_log WHERE action = 'sentiment_step' AND outcome = 'ok'").await, 6);
    // Not fixed: only the reporter reopens it, with a reason; the loop starts again and the
    // earlier closure and verdict stay in the timeline.
    let (status, _) = step(&app, &member, id, "reopen", &[("note", "还是响")]).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = step(&app, &resident, id, "reopen", &[]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "a reason is needed");
    step_ok(&app, &resident, id, "reopen", &[("note", "电梯还是有异响")]).await;
    let reopened = item(&app, id).await;
    assert_eq!(
        (reopened.stage.as_str(), reopened.closed_at, reopened.resident_resolved, reopened.escalation_level),
        ("reported", None, None, 0)
    );
    assert!(reopened.deadline.is_some_and(|d| d > app::repo::now()), "a new acceptance deadline");
    let timeline = lines(&app, id).await;
    let last = timeline.last().expect("line");
    assert_eq!((last.0.as_deref(), last.1.as_str(), last.4.as_str()), (Some("closed"), "reported", "电梯还是有异响"));
    step_ok(&app, &leader, id, "accept", &[]).await;
}

#[tokio::test]
async fn staff_record_items_that_start_at_collection_and_are_reported_on() {
    let app = TestApp::spawn().await;
    let member = app.signed_in(MEMBER).await;
    let place = node(&app, "幸福锦园5号楼").await;
    let id = record(
        &app,
        &member,
        &[("category", "illegal_building"), ("place", &place), ("description", "顶楼搭建彩钢棚")],
    )
    .await;
    assert_eq!(item(&app, id).await.stage, "collected");
    step_ok(&app, &member, id, "report", &[]).await;
    assert_eq!(item(&app, id).await.stage, "reported");
    let now = record(
        &app,
        &member,
        &[("category", "sanitation"), ("place", &place), ("description", "垃圾桶满溢"), ("report_now", "1")],
    )
    .await;
    assert_eq!(item(&app, now).await.stage, "reported");
}

#[tokio::test]
async fn every_refusal_is_a_clear_4xx_that_changes_nothing_and_is_audited() {
    let app = TestApp::spawn().await;
    let resident = app.signed_in(RESIDENT).await;
    let member = app.signed_in(MEMBER).await;
    let leader = app.signed_in(LEADER).await;
    let foreign = app.signed_in(FOREIGN_LEADER).await;
    let volunteer = app.signed_in(VOLUNTEER).await;
    let place = node(&app, "幸福锦园4号楼").await;
    let id = record(&app, &resident, &[("category", "safety"), ("place", &place), ("description", "消防栓漏水")]).await;
    let before = item(&app, id).await.version;
    let cases: Vec<RefusalCase> = vec![
        (&resident, "accept", vec![], StatusCode::FORBIDDEN, "Forbidden"),
        (&member, "accept", vec![], StatusCode::FORBIDDEN, "Forbidden"),
        (&foreign, "accept", vec![], StatusCode::FORBIDDEN, "Forbidden"),
        (&volunteer, "accept", vec![], StatusCode::FORBIDDEN, "Forbidden"),
        (&leader, "verify", vec![], StatusCode::CONFLICT, "ErrItemChanged"),
        (&leader, "close", vec![], StatusCode::CONFLICT, "ErrItemChanged"),
        (&leader, "void", vec![], StatusCode::UNPROCESSABLE_ENTITY, "ErrReasonRequired"),
        (&leader, "fly", vec![], StatusCode::BAD_REQUEST, "BadRequest"),
    ];
    for (client, name, extra, status, text) in cases {
        let (got, body) = step(&app, client, id, name, &extra).await;
        assert_eq!(got, status, "{name}: {body}");
        assert!(body.contains(text), "{name}: {body}");
    }
    // A stale version is refused even for a step that is allowed.
    let id_s = id.to_string();
    let stale = [("id", id_s.as_str()), ("version", "0"), ("step", "accept")];
    let (status, body) = app.post(&leader, "sentiment_step", &stale).await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    // Dispatch checks its fields: handler, deadline, a volunteer of the community.
    step_ok(&app, &leader, id, "accept", &[]).await;
    for (extra, field) in [
        (vec![("handler_kind", "plumber"), ("days", "3")], "ErrChooseHandler"),
        (vec![("handler_kind", "property"), ("handler", ""), ("days", "3")], "ErrHandlerName"),
        (vec![("handler_kind", "property"), ("handler", "物业"), ("days", "0")], "ErrDeadlineDays"),
        (vec![("handler_kind", "property"), ("handler", "物业"), ("days", "-5")], "ErrDeadlineDays"),
        (vec![("handler_kind", "volunteer"), ("handler_volunteer", "abc"), ("days", "2")], "ErrChooseHandler"),
    ] {
        let (status, body) = step(&app, &leader, id, "dispatch", &extra).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert!(body.contains(field), "{field}: {body}");
    }
    let outsider = account(&app, "13800000007").await.to_string();
    let (status, _) = step(
        &app,
        &leader,
        id,
        "dispatch",
        &[("handler_kind", "volunteer"), ("handler_volunteer", &outsider), ("days", "2")],
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "a handler from another community");
    let after = item(&app, id).await;
    assert_eq!((after.stage.as_str(), after.version), ("accepted", before + 1), "only the accept changed the item");
    assert!(
        app.count("SELECT count(*) FROM audit_log WHERE action = 'sentiment_step' AND outcome = 'refused'").await >= 6
    );
    // The handler cannot verify their own work.
    let me = account(&app, LEADER).await.to_string();
    step_ok(&app, &leader, id, "dispatch", &[("handler_kind", "volunteer"), ("handler_volunteer", &me), ("days", "2")])
        .await;
    step_ok(&app, &leader, id, "handle", &[("note", "已修好")]).await;
    let (status, body) = step(&app, &leader, id, "verify", &[]).await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert!(body.contains("ErrOwnWork"), "{body}");
    // Nobody outside the item sees it.
    let (status, _) = app.post(&foreign, "item_detail", &[("id", &id_s)]).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = app.post(&app.client(), "item_detail", &[("id", &id_s)]).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn failed_verification_sends_the_item_back_to_the_handler_and_is_counted() {
    let app = TestApp::spawn().await;
    let member = app.signed_in(MEMBER).await;
    let leader = app.signed_in(LEADER).await;
    let place = node(&app, "幸福锦园6号楼").await;
    let id = record(
        &app,
        &member,
        &[("category", "facility"), ("place", &place), ("description", "楼道灯不亮"), ("report_now", "1")],
    )
    .await;
    step_ok(&app, &leader, id, "accept", &[]).await;
    step_ok(&app, &leader, id, "dispatch", &[("handler_kind", "property"), ("handler", "锦园物业"), ("days", "2")])
        .await;
    step_ok(&app, &member, id, "handle", &[("note", "物业反馈已更换灯泡")]).await;
    // She recorded the property company's feedback: someone else verifies it.
    let (status, body) = step(&app, &member, id, "verify", &[]).await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert!(body.contains("ErrOwnWork"), "{body}");
    let (status, _) = step(&app, &leader, id, "rework", &[]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "返工 needs a reason");
    step_ok(&app, &leader, id, "rework", &[("note", "三楼仍然不亮")]).await;
    let back = item(&app, id).await;
    assert_eq!((back.stage.as_str(), back.rework_count, back.handled_at), ("dispatched", 1, None));
    step_ok(&app, &member, id, "handle", &[("note", "更换了线路")]).await;
    step_ok(&app, &leader, id, "verify", &[]).await;
    step_ok(&app, &member, id, "close", &[]).await;
    assert_eq!(item(&app, id).await.rework_count, 1);
    // Parked items resume; voided ones stay voided.
    let other = record(
        &app,
        &member,
        &[("category", "other"), ("place", &place), ("description", "等待维修基金"), ("report_now", "1")],
    )
    .await;
    step_ok(&app, &leader, other, "park", &[("note", "等待维修基金审批")]).await;
    assert_eq!(step(&app, &leader, other, "accept", &[]).await.0, StatusCode::CONFLICT);
    step_ok(&app, &leader, other, "resume", &[]).await;
    assert_eq!(item(&app, other).await.stage, "accepted");
    step_ok(&app, &leader, other, "void", &[("note", "重复上报")]).await;
    assert_eq!(step(&app, &leader, other, "resume", &[]).await.0, StatusCode::CONFLICT);
}

#[tokio::test]
async fn overdue_items_escalate_to_the_leader_then_the_community_on_a_moved_clock() {
    let app = TestApp::spawn().await;
    let member = app.signed_in(MEMBER).await;
    let leader = app.signed_in(LEADER).await;
    let place = node(&app, "幸福锦园4号楼").await;
    let id = record(
        &app,
        &member,
        &[("category", "safety"), ("place", &place), ("description", "井盖松动"), ("report_now", "1")],
    )
    .await;
    step_ok(&app, &leader, id, "accept", &[]).await;
    step_ok(&app, &leader, id, "dispatch", &[("handler_kind", "department"), ("handler", "市政管理处"), ("days", "1")])
        .await;
    let deadline = item(&app, id).await.deadline.expect("deadline");
    let notices = |kind: &'static str, phone: &'static str, item: i64| {
        let pool = app.pool.clone();
        async move {
            sqlx::query_scalar::<_, i64>(
                "SELECT count(*) FROM notifications n JOIN accounts a ON a.id = n.account_id
                 WHERE n.kind = ? AND a.phone = ? AND n.link = '/sentiment/' || ?",
            )
            .bind(kind)
            .bind(phone)
            .bind(item)
            .fetch_one(&pool)
            .await
            .expect("notices")
        }
    };
    let state = app::state::AppState::new(app.pool.clone(), Default::default());
    let escalate = |at: i64| {
        let state = state.clone();
        async move { app::jobs::escalate_items(&state, at).await.expect("escalation run") }
    };
    // Not yet due: nothing moves (other seeded items may).
    escalate(deadline).await;
    assert_eq!(item(&app, id).await.escalation_level, 0);
    // Past the deadline: 督办 to the grid leader, once.
    escalate(deadline + 60).await;
    escalate(deadline + 120).await;
    assert_eq!(item(&app, id).await.escalation_level, 1);
    assert_eq!(notices("sentiment_escalation", LEADER, id).await, 1);
    assert_eq!(notices("sentiment_escalation", COMMUNITY_ADMIN, id).await, 0);
    // Two days later: on to the community.
    escalate(deadline + 2 * 86_400 + 60).await;
    assert_eq!(item(&app, id).await.escalation_level, 2);
    assert_eq!(notices("sentiment_escalation", COMMUNITY_ADMIN, id).await, 1);
    escalate(deadline + 30 * 86_400).await;
    assert_eq!(item(&app, id).await.escalation_level, 2, "level 2 is the top");
    assert_eq!(notices("sentiment_escalation", COMMUNITY_ADMIN, id).await, 1);
    // A report nobody accepts is escalated too, two days after it was reported.
    let waiting = record(
        &app,
        &member,
        &[("category", "other"), ("place", &place), ("description", "无人立案的反映"), ("report_now", "1")],
    )
    .await;
    let accept_by = item(&app, waiting).await.deadline.expect("acceptance deadline");
    assert!((accept_by - app::repo::now() - 2 * 86_400).abs() < 60);
    escalate(accept_by + 60).await;
    assert_eq!(item(&app, waiting).await.escalation_level, 1);
    // The overdue list shows it; handling stops the clock, re-dispatch resets the level.
    let (status, body) = app.post(&leader, "sentiment_list", &[("filter", "overdue")]).await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("井盖松动"), "{body}");
    step_ok(&app, &member, id, "handle", &[("note", "已更换井盖")]).await;
    escalate(deadline + 40 * 86_400).await;
    let kinds = lines(&app, id).await.into_iter().filter(|l| l.2 == "escalation").count();
    assert_eq!(kinds, 2);
}

#[tokio::test]
async fn disputes_carry_parties_and_a_warning_level_only_the_leader_sets() {
    let app = TestApp::spawn().await;
    let member = app.signed_in(MEMBER).await;
    let leader = app.signed_in(LEADER).await;
    let admin = app.signed_in(COMMUNITY_ADMIN).await;
    let place = node(&app, "幸福锦园5号楼").await;
    let id = record(
        &app,
        &member,
        &[
            ("category", "dispute"),
            ("place", &place),
            ("description", "5号楼两户因空调漏水争执"),
            ("parties", "张大爷 13800000101\n李阿姨"),
        ],
    )
    .await;
    let parties: Vec<(String, Option<String>)> =
        sqlx::query_as("SELECT name, contact FROM dispute_parties WHERE item_id = ? ORDER BY id")
            .bind(id)
            .fetch_all(&app.pool)
            .await
            .expect("parties");
    assert_eq!(parties, vec![("张大爷".into(), Some("13800000101".into())), ("李阿姨".into(), None)]);
    assert_eq!(item(&app, id).await.warning_level.as_deref(), Some("green"));
    let id_s = id.to_string();
    let set = |level: &'static str| {
        let id_s = id_s.clone();
        let pool = app.pool.clone();
        async move {
            let version: i64 = sqlx::query_scalar("SELECT version FROM sentiment_items WHERE id = ?")
                .bind(id)
                .fetch_one(&pool)
                .await
                .expect("version");
            vec![
                ("id", id_s),
                ("version", version.to_string()),
                ("level", level.to_string()),
                ("note", "双方情绪激动".into()),
            ]
        }
    };
    let form = set("red").await;
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    assert_eq!(app.post(&member, "set_warning", &form).await.0, StatusCode::FORBIDDEN);
    let (status, body) = app.post(&leader, "set_warning", &form).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(item(&app, id).await.warning_level.as_deref(), Some("red"));
    let bad = set("purple").await;
    let bad: Vec<(&str, &str)> = bad.iter().map(|(k, v)| (*k, v.as_str())).collect();
    assert_eq!(app.post(&leader, "set_warning", &bad).await.0, StatusCode::UNPROCESSABLE_ENTITY);
    // Follow-ups by a member go into the timeline.
    let version = item(&app, id).await.version.to_string();
    let follow = [("id", id_s.as_str()), ("version", version.as_str()), ("note", "上门调解，双方同意各让一步")];
    assert_eq!(app.post(&member, "follow_up_item", &follow).await.0, StatusCode::OK);
    let timeline = lines(&app, id).await;
    assert!(timeline.iter().any(|l| l.2 == "follow_up" && l.4.contains("上门调解")));
    assert!(timeline.iter().any(|l| l.2 == "warning" && l.4.starts_with("red")));
    // Red disputes come first in the community admin's list.
    let other =
        record(&app, &member, &[("category", "sanitation"), ("place", &place), ("description", "楼道堆物")]).await;
    assert!(other > id);
    let (status, body) = app.post(&admin, "sentiment_list", &[("filter", "")]).await;
    assert_eq!(status, StatusCode::OK);
    let list: serde_json::Value = serde_json::from_str(&body).expect("json");
    assert_eq!(list["area"][0]["id"], id, "the red dispute is at the top: {body}");
}

#[tokio::test]
async fn inspections_check_their_list_and_are_rechecked_after_the_deadline() {
    let app = TestApp::spawn().await;
    let member = app.signed_in(MEMBER).await;
    let leader = app.signed_in(LEADER).await;
    let place = node(&app, "幸福锦园4号楼").await;
    let (status, body) = app
        .post(
            &member,
            "record_item",
            &[("category", "safety"), ("place", &place), ("description", "底商消防检查"), ("inspection", "1")],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "an inspection needs a checklist: {body}");
    let id = record(
        &app,
        &member,
        &[
            ("category", "safety"),
            ("place", &place),
            ("description", "底商消防检查"),
            ("inspection", "1"),
            ("checks", "灭火器在有效期内\n安全出口畅通\n电线无私拉乱接"),
            ("report_now", "1"),
        ],
    )
    .await;
    let checks: Vec<i64> = sqlx::query_scalar("SELECT id FROM inspection_checks WHERE item_id = ? ORDER BY id")
        .bind(id)
        .fetch_all(&app.pool)
        .await
        .expect("checks");
    assert_eq!(checks.len(), 3);
    step_ok(&app, &leader, id, "accept", &[]).await;
    step_ok(&app, &leader, id, "dispatch", &[("handler_kind", "property"), ("handler", "店主整改"), ("days", "7")])
        .await;
    step_ok(&app, &member, id, "handle", &[("note", "已更换灭火器，清理出口")]).await;
    let (first, second) = (checks[0].to_string(), checks[1].to_string());
    step_ok(&app, &leader, id, "verify", &[("passed[]", &first), ("passed[]", &second)]).await;
    let passed: Vec<Option<bool>> =
        sqlx::query_scalar("SELECT passed FROM inspection_checks WHERE item_id = ? ORDER BY id")
            .bind(id)
            .fetch_all(&app.pool)
            .await
            .expect("passed");
    assert_eq!(passed, vec![Some(true), Some(true), Some(false)]);
    step_ok(&app, &member, id, "close", &[]).await;
    let closed = item(&app, id).await;
    let due = closed.recheck_due_at.expect("回头看 scheduled");
    assert!(due >= closed.deadline.expect("deadline") + 7 * 86_400 - 5);
    let id_s = id.to_string();
    let recheck = |version: i64, result: &'static str| {
        vec![
            ("id", id_s.clone()),
            ("version", version.to_string()),
            ("result", result.to_string()),
            ("note", "电线仍乱接".into()),
        ]
    };
    let early = recheck(closed.version, "fail");
    let early: Vec<(&str, &str)> = early.iter().map(|(k, v)| (*k, v.as_str())).collect();
    assert_eq!(app.post(&member, "recheck_item", &early).await.0, StatusCode::CONFLICT, "not due yet");
    sqlx::query("UPDATE sentiment_items SET recheck_due_at = unixepoch() - 60 WHERE id = ?")
        .bind(id)
        .execute(&app.pool)
        .await
        .expect("due");
    let (status, body) = app.post(&member, "sentiment_list", &[("filter", "recheck")]).await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("底商消防检查"), "{body}");
    let (status, body) = app.post(&member, "recheck_item", &early).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let reopened: (i64, String, String, i64) = sqlx::query_as(
        "SELECT s.id, s.kind, s.stage, (SELECT count(*) FROM inspection_checks c WHERE c.item_id = s.id)
         FROM sentiment_items s WHERE s.id > ? AND s.kind = 'inspection'",
    )
    .bind(id)
    .fetch_one(&app.pool)
    .await
    .expect("a new inspection");
    assert_eq!((reopened.1.as_str(), reopened.2.as_str(), reopened.3), ("inspection", "reported", 3));
    assert_eq!(app.post(&member, "recheck_item", &early).await.0, StatusCode::CONFLICT, "re-checked once");
}

#[tokio::test]
async fn an_item_a_volunteer_can_help_with_becomes_one_order_on_the_board() {
    let app = TestApp::spawn().await;
    let resident = app.signed_in(RESIDENT).await;
    let member = app.signed_in(MEMBER).await;
    let place = node(&app, "幸福锦园4号楼").await;
    let id = record(
        &app,
        &resident,
        &[("category", "facility"), ("place", &place), ("description", "家里水龙头坏了需要帮忙")],
    )
    .await;
    let version = item(&app, id).await.version.to_string();
    let id_s = id.to_string();
    let form = [("id", id_s.as_str()), ("version", version.as_str())];
    assert_eq!(app.post(&resident, "convert_item", &form).await.0, StatusCode::FORBIDDEN);
    let (status, body) = app.post(&member, "convert_item", &form).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let order: OrderId = body.trim().parse().expect("order id");
    assert_eq!(item(&app, id).await.order_id, Some(order));
    let row: (String, String, i64) = sqlx::query_as(
        "SELECT o.status, o.section, p.id = (SELECT person_id FROM accounts WHERE phone = '13800000001')
         FROM service_orders o JOIN people p ON p.id = o.requester_id WHERE o.id = ?",
    )
    .bind(order)
    .fetch_one(&app.pool)
    .await
    .expect("order");
    assert_eq!(row, ("open".into(), "daily_life".into(), 1), "an open order for the reporter");
    let version = item(&app, id).await.version.to_string();
    let again = [("id", id_s.as_str()), ("version", version.as_str())];
    assert_eq!(app.post(&member, "convert_item", &again).await.0, StatusCode::CONFLICT);
    assert_eq!(app.count("SELECT count(*) FROM service_orders WHERE idempotency_key LIKE 'sentiment-%'").await, 1);
    // An item the member recorded herself has no resident to serve: refused, nothing placed.
    let own =
        record(&app, &member, &[("category", "facility"), ("place", &place), ("description", "楼道灯不亮")]).await;
    let version = item(&app, own).await.version.to_string();
    let own_s = own.to_string();
    let (status, body) =
        app.post(&member, "convert_item", &[("id", own_s.as_str()), ("version", version.as_str())]).await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert!(body.contains("ErrConvertNeedsResident"), "{body}");
    assert_eq!(app.count("SELECT count(*) FROM service_orders WHERE idempotency_key LIKE 'sentiment-%'").await, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn of_many_simultaneous_steps_on_one_version_exactly_one_wins() {
    let app = TestApp::spawn().await;
    let member = app.signed_in(MEMBER).await;
    let place = node(&app, "幸福锦园4号楼").await;
    let id = record(
        &app,
        &member,
        &[("category", "other"), ("place", &place), ("description", "并发测试"), ("report_now", "1")],
    )
    .await;
    let leaders =
        [app.signed_in(LEADER).await, app.signed_in(COMMUNITY_ADMIN).await, app.signed_in("13800000005").await];
    let version = item(&app, id).await.version.to_string();
    let id_s = id.to_string();
    let mut tasks = Vec::new();
    for i in 0..24 {
        let client = leaders[i % 3].clone();
        let url = format!("{}/api/sentiment_step", app.base);
        let step = if i % 2 == 0 { "accept" } else { "park" };
        let form =
            vec![("id", id_s.clone()), ("version", version.clone()), ("step", step.into()), ("note", "并发".into())];
        tasks.push(tokio::spawn(async move {
            (i % 3, step, client.post(url).form(&form).send().await.expect("send").status())
        }));
    }
    // Only the winner's own repeats of the winning step are answered as success.
    let mut winners = std::collections::HashSet::new();
    for t in tasks {
        match t.await.expect("task") {
            (who, step, StatusCode::OK) => {
                winners.insert((who, step));
            }
            (_, _, StatusCode::CONFLICT) => {}
            (_, _, other) => panic!("unexpected {other}"),
        }
    }
    assert_eq!(winners.len(), 1, "one person's one step won: {winners:?}");
    let row = item(&app, id).await;
    assert!(row.stage == "accepted" || row.stage == "parked");
    let moves: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM sentiment_stages WHERE item_id = ? AND kind = 'stage' AND from_stage = 'reported'",
    )
    .bind(id)
    .fetch_one(&app.pool)
    .await
    .expect("moves");
    assert_eq!(moves, 1, "one line for the one move");
}

#[tokio::test]
async fn photos_are_checked_shrunk_and_shown_only_to_those_who_see_the_item() {
    let app = TestApp::spawn().await;
    let resident = app.signed_in(RESIDENT).await;
    let foreign = app.signed_in(FOREIGN_LEADER).await;
    let place = node(&app, "幸福锦园4号楼").await;
    let id = record(&app, &resident, &[("category", "facility"), ("place", &place), ("description", "墙面渗水")]).await;
    let upload = |client: &Client, bytes: Vec<u8>, name: &'static str| {
        let form =
            reqwest::multipart::Form::new().part("photo", reqwest::multipart::Part::bytes(bytes).file_name(name));
        client.post(format!("{}/sentiment/{id}/photos", app.base)).multipart(form).send()
    };
    let res = upload(&resident, png(2400, 1200), "wall.png").await.expect("upload");
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let (photo, width, height, mime): (i64, i64, i64, String) =
        sqlx::query_as("SELECT id, width, height, mime FROM sentiment_photos WHERE item_id = ?")
            .bind(id)
            .fetch_one(&app.pool)
            .await
            .expect("photo");
    assert_eq!((width, height, mime.as_str()), (1280, 640, "image/jpeg"));
    // Not an image, whatever its name says.
    let res = upload(&resident, b"<script>alert(1)</script>".to_vec(), "x.jpg").await.expect("upload");
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text().await.unwrap_or_default().contains("JPEG"));
    // A decompression bomb (79 KB, 9000 × 9000 pixels), three at once: each refused from
    // its header, with a message, before anything is decoded.
    let bomb = include_bytes!("../fixtures/bomb-9000x9000.png").to_vec();
    let bombs = (0..3).map(|_| upload(&resident, bomb.clone(), "bomb.png"));
    for res in futures::future::join_all(bombs).await {
        let res = res.expect("upload");
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(res.text().await.unwrap_or_default().contains("像素"));
    }
    let res = upload(&foreign, png(10, 10), "a.png").await.expect("upload");
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    for _ in 0..2 {
        assert_eq!(upload(&resident, png(10, 10), "a.png").await.expect("upload").status(), StatusCode::SEE_OTHER);
    }
    let res = upload(&resident, png(10, 10), "a.png").await.expect("upload");
    assert_eq!(res.status(), StatusCode::CONFLICT, "three at most");
    let res = resident.get(format!("{}/sentiment/photos/{photo}", app.base)).send().await.expect("get");
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["content-type"], "image/jpeg");
    let res = foreign.get(format!("{}/sentiment/photos/{photo}", app.base)).send().await.expect("get");
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert_eq!(app.count("SELECT count(*) FROM sentiment_photos").await, 3);
}

#[tokio::test]
async fn a_photo_refused_in_a_browser_comes_back_to_the_item_with_the_reason_and_several_go_at_once() {
    let app = TestApp::spawn().await;
    let resident = app.signed_in(RESIDENT).await;
    let place = node(&app, "幸福锦园4号楼").await;
    let id =
        record(&app, &resident, &[("category", "facility"), ("place", &place), ("description", "楼道灯不亮")]).await;
    let browser_upload = |files: Vec<(Vec<u8>, &'static str)>| {
        let mut form = reqwest::multipart::Form::new();
        for (bytes, name) in files {
            form = form.part("photo", reqwest::multipart::Part::bytes(bytes).file_name(name));
        }
        resident
            .post(format!("{}/sentiment/{id}/photos", app.base))
            .header("accept", "text/html,application/xhtml+xml")
            .multipart(form)
            .send()
    };
    // A browser is sent back to the item page, which names the reason beside the picker.
    let res = browser_upload(vec![(b"not a picture".to_vec(), "x.jpg")]).await.expect("upload");
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let location = res.headers()["location"].to_str().unwrap_or_default().to_string();
    assert_eq!(location, format!("/sentiment/{id}?photo_error=ErrPhotoType"));
    let (status, html) = app.get(&resident, &location).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains("照片只能是 JPEG、PNG 或 WebP 格式") && html.contains(r#"class="tabbar""#),
        "the page, with its tabs"
    );
    // Anything but a known message in the link shows nothing odd.
    let (_, html) = app.get(&resident, &format!("/sentiment/{id}?photo_error=<b>")).await;
    assert!(!html.contains("<b>"));
    // Two photos in one form (the 记录民情 form sends what was picked there) are both kept.
    let res = browser_upload(vec![(png(20, 10), "a.png"), (png(30, 10), "b.png")]).await.expect("upload");
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(res.headers()["location"].to_str().unwrap_or_default(), format!("/sentiment/{id}"));
    assert_eq!(app.count("SELECT count(*) FROM sentiment_photos").await, 2);
    // More than the three an item holds: those that fit are kept, the page says why not the rest.
    let res = browser_upload(vec![(png(20, 10), "c.png"), (png(20, 10), "d.png")]).await.expect("upload");
    let location = res.headers()["location"].to_str().unwrap_or_default().to_string();
    assert!(location.starts_with(&format!("/sentiment/{id}?photo_error=")), "{location}");
    assert_eq!(app.count("SELECT count(*) FROM sentiment_photos").await, 3);
}

#[tokio::test]
async fn bad_input_to_record_an_item_is_named_field_by_field_and_writes_nothing() {
    let app = TestApp::spawn().await;
    let member = app.signed_in(MEMBER).await;
    let foreign = app.signed_in(FOREIGN_LEADER).await;
    let place = node(&app, "幸福锦园4号楼").await;
    let before = app.count("SELECT count(*) FROM sentiment_items").await;
    let long = "很".repeat(2001);
    for (form, status, text) in [
        (vec![("category", "weather"), ("place", place.as_str()), ("description", "风很大")], 422, "ErrChooseCategory"),
        (vec![("category", "facility"), ("place", "x"), ("description", "风很大")], 422, "ErrChoosePlace"),
        (vec![("category", "facility"), ("place", "999999"), ("description", "风很大")], 422, "ErrChoosePlace"),
        (vec![("category", "facility"), ("place", place.as_str()), ("description", "风")], 422, "ErrDescriptionLength"),
        (
            vec![("category", "facility"), ("place", place.as_str()), ("description", long.as_str())],
            422,
            "ErrDescriptionLength",
        ),
        (vec![("category", "facility"), ("place", place.as_str())], 400, "BadRequest"),
        (
            vec![("category", "facility"), ("place", place.as_str()), ("description", "<script>x</script>' OR 1=1 --")],
            200,
            "",
        ),
    ] {
        let (got, body) = app.post(&member, "record_item", &form).await;
        assert_eq!(got.as_u16(), status, "{body}");
        assert!(body.contains(text), "{text}: {body}");
    }
    assert_eq!(app.count("SELECT count(*) FROM sentiment_items").await, before + 1, "only the valid one");
    let (status, _) = app
        .post(&foreign, "record_item", &[("category", "facility"), ("place", &place), ("description", "外区记录")])
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(app.count("SELECT count(*) FROM sentiment_items").await, before + 1);
}

#[tokio::test]
async fn a_member_names_the_resident_who_told_her_and_only_residents_of_her_area() {
    let app = TestApp::spawn().await;
    let member = app.signed_in(MEMBER).await;
    let resident = app.signed_in(RESIDENT).await;
    let place = node(&app, "幸福锦园4号楼").await;
    let base = [("category", "facility"), ("place", place.as_str()), ("description", "单元门闭门器坏了")];
    let with = |phone: &'static str| {
        let mut form = base.to_vec();
        form.push(("resident_phone", phone));
        form
    };
    let before = app.count("SELECT count(*) FROM sentiment_items").await;
    // 李建国 lives in 朝晖社区, outside her area; a malformed number is named as such.
    let (status, body) = app.post(&member, "record_item", &with("13800000009")).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(body.contains("ErrNoSuchResident"), "{body}");
    let (status, body) = app.post(&member, "record_item", &with("12345")).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(body.contains("ErrPhoneMalformed"), "{body}");
    // Residents report for themselves only.
    assert_eq!(app.post(&resident, "record_item", &with("13800000002")).await.0, StatusCode::FORBIDDEN);
    assert_eq!(app.count("SELECT count(*) FROM sentiment_items").await, before);
    let id = record(&app, &member, &with(RESIDENT)).await;
    let (reporter, actor): (String, String) = sqlx::query_as(
        "SELECT a.phone, (SELECT b.phone FROM sentiment_stages l JOIN accounts b ON b.id = l.actor_id WHERE l.item_id = s.id)
         FROM sentiment_items s JOIN accounts a ON a.id = s.reporter_id WHERE s.id = ?",
    )
    .bind(id)
    .fetch_one(&app.pool)
    .await
    .expect("item");
    assert_eq!((reporter.as_str(), actor.as_str()), (RESIDENT, MEMBER), "the resident reports, the member recorded");
    let (status, body) = app.post(&resident, "sentiment_home", &[]).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, body) = app.post(&resident, "item_detail", &[("id", &id.to_string())]).await;
    assert_eq!(status, StatusCode::OK, "the resident sees the item they raised: {body}");
}

#[tokio::test]
async fn a_double_tapped_step_is_answered_as_success_and_written_once() {
    let app = TestApp::spawn().await;
    let member = app.signed_in(MEMBER).await;
    let leader = app.signed_in(LEADER).await;
    let place = node(&app, "幸福锦园4号楼").await;
    let id = record(
        &app,
        &member,
        &[("category", "other"), ("place", &place), ("description", "双击立案"), ("report_now", "1")],
    )
    .await;
    let version = item(&app, id).await.version.to_string();
    let id_s = id.to_string();
    let form = [("id", id_s.as_str()), ("version", version.as_str()), ("step", "accept"), ("note", "")];
    for _ in 0..2 {
        let (status, body) = app.post(&leader, "sentiment_step", &form).await;
        assert_eq!(status, StatusCode::OK, "{body}");
    }
    let accepted: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM sentiment_stages WHERE item_id = ? AND kind = 'stage' AND to_stage = 'accepted'",
    )
    .bind(id)
    .fetch_one(&app.pool)
    .await
    .expect("q");
    assert_eq!(accepted, 1);
    // Someone else sending the same step on the old version is told it changed.
    let admin = app.signed_in(COMMUNITY_ADMIN).await;
    let (status, body) = app.post(&admin, "sentiment_step", &form).await;
    assert!(status == StatusCode::CONFLICT && body.contains("ErrItemChanged"), "{body}");
}
