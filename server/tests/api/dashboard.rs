//! 指挥中心: the figures of /admin/dashboard checked against a known fixture, who may see
//! them, and the CSV of every table.

use crate::test_app::TestApp;
use app::domain::dashboard::{median, Ratio};
use app::repo::dashboard_repo;
use app::server_fns::dashboard::{AreaFigures, DashboardData};
use reqwest::{Client, StatusCode};
use sqlx::SqlitePool;

const D: i64 = 86_400;
const H: i64 = 3_600;
const M: i64 = 60;

/// The fixture: a new community under the first subdistrict with two grids, three
/// micro-grids and a building, and a person and account to place and take orders.
struct Fixture {
    now: i64,
    subdistrict: String,
    foreign_subdistrict: String,
    community: String,
    g1: String,
    g2: String,
    m1: String,
    m2: String,
    m3: String,
    building: String,
    ids: Ids,
}

#[derive(Default)]
struct Ids {
    sub: i64,
    community: i64,
    g1: i64,
    g2: i64,
    m1: i64,
    m2: i64,
    m3: i64,
    items: Vec<i64>,
}

async fn node(pool: &SqlitePool, parent: i64, level: &str, code: &str, name: &str, sort: i64) -> i64 {
    sqlx::query_scalar(
        "INSERT INTO grid_nodes (parent_id, level, code, name, sort_order) VALUES (?, ?, ?, ?, ?) RETURNING id",
    )
    .bind(parent)
    .bind(level)
    .bind(code)
    .bind(name)
    .bind(sort)
    .fetch_one(pool)
    .await
    .expect("node")
}

async fn person(pool: &SqlitePool, name: &str, micro: i64) -> i64 {
    sqlx::query_scalar("INSERT INTO people (full_name, micro_grid_id) VALUES (?, ?) RETURNING id")
        .bind(name)
        .bind(micro)
        .fetch_one(pool)
        .await
        .expect("person")
}

/// An account holding `role` over `node`, signed in: a client sending its session cookie.
async fn staff(app: &TestApp, phone: &str, roles: &[(&str, i64)]) -> Client {
    let micro: Option<i64> = sqlx::query_scalar("SELECT id FROM grid_nodes WHERE id = ? AND level = 'micro_grid'")
        .bind(roles[0].1)
        .fetch_optional(&app.pool)
        .await
        .expect("micro");
    let person: i64 =
        sqlx::query_scalar("INSERT INTO people (full_name, phone, micro_grid_id) VALUES (?, ?, ?) RETURNING id")
            .bind(format!("测试{phone}"))
            .bind(phone)
            .bind(micro)
            .fetch_one(&app.pool)
            .await
            .expect("person");
    let account: i64 = sqlx::query_scalar(
        "INSERT INTO accounts (person_id, phone, password_hash) VALUES (?, ?, 'unused') RETURNING id",
    )
    .bind(person)
    .bind(phone)
    .fetch_one(&app.pool)
    .await
    .expect("account");
    for (role, node) in roles {
        sqlx::query("INSERT INTO role_assignments (account_id, role, node_id) VALUES (?, ?, ?)")
            .bind(account)
            .bind(role)
            .bind(node)
            .execute(&app.pool)
            .await
            .expect("role");
    }
    let token = app::auth::new_token();
    sqlx::query("INSERT INTO sessions (token_hash, account_id, expires_at) VALUES (?, ?, unixepoch() + 86400)")
        .bind(app::auth::token_hash(&token))
        .bind(account)
        .execute(&app.pool)
        .await
        .expect("session");
    let mut headers = crate::test_app::same_origin_headers();
    headers.insert(reqwest::header::COOKIE, format!("gs_session={token}").parse().expect("cookie"));
    Client::builder().default_headers(headers).redirect(reqwest::redirect::Policy::none()).build().expect("client")
}

struct Order {
    micro: i64,
    status: &'static str,
    created: i64,
    taken_after: Option<i64>,
    confirmed: Option<i64>,
    rating: Option<i64>,
    escalated: bool,
}

struct Item {
    micro: i64,
    kind: &'static str,
    stage: &'static str,
    created: i64,
    deadline: Option<i64>,
    handled: Option<i64>,
    closed: Option<i64>,
    rework: i64,
    resolved: Option<i64>,
    escalation: i64,
    warning: Option<&'static str>,
}

impl Default for Item {
    fn default() -> Self {
        Item {
            micro: 0,
            kind: "report",
            stage: "collected",
            created: 0,
            deadline: None,
            handled: None,
            closed: None,
            rework: 0,
            resolved: None,
            escalation: 0,
            warning: None,
        }
    }
}

async fn fixture(app: &TestApp) -> Fixture {
    let pool = &app.pool;
    let now: i64 = sqlx::query_scalar("SELECT unixepoch()").fetch_one(pool).await.expect("now");
    // A subdistrict that has a community already, so that it has a sibling to refuse.
    let (sub, subdistrict): (i64, String) = sqlx::query_as(
        "SELECT s.id, s.code FROM grid_nodes s WHERE s.level = 'subdistrict'
         AND EXISTS (SELECT 1 FROM grid_nodes c WHERE c.parent_id = s.id) ORDER BY s.id LIMIT 1",
    )
    .fetch_one(pool)
    .await
    .expect("subdistrict");
    let foreign_subdistrict: String =
        sqlx::query_scalar("SELECT code FROM grid_nodes WHERE level = 'subdistrict' AND id <> ? ORDER BY id LIMIT 1")
            .bind(sub)
            .fetch_one(pool)
            .await
            .expect("foreign");
    let community = format!("{subdistrict}901");
    let (g1, g2) = (format!("{community}001"), format!("{community}002"));
    let (m1, m2, m3) = (format!("{g1}01"), format!("{g1}02"), format!("{g2}01"));
    let building = format!("{m1}001");
    let mut ids = Ids { sub, ..Default::default() };
    ids.community = node(pool, sub, "community", &community, "指标测试社区", 901).await;
    ids.g1 = node(pool, ids.community, "grid", &g1, "测试一网格", 1).await;
    ids.g2 = node(pool, ids.community, "grid", &g2, "测试二网格", 2).await;
    ids.m1 = node(pool, ids.g1, "micro_grid", &m1, "甲微网格", 1).await;
    ids.m2 = node(pool, ids.g1, "micro_grid", &m2, "乙微网格", 2).await;
    ids.m3 = node(pool, ids.g2, "micro_grid", &m3, "丙微网格", 1).await;
    node(pool, ids.m1, "building", &building, "测试1号楼", 1).await;

    let requester = person(pool, "测试居民", ids.m1).await;
    let taker = person(pool, "测试志愿者", ids.m1).await;
    let placed_by: i64 =
        sqlx::query_scalar("SELECT id FROM accounts ORDER BY id LIMIT 1").fetch_one(pool).await.expect("an account");
    let (m1_id, m3_id) = (ids.m1, ids.m3);
    let o = |micro, status, created, taken_after, confirmed, rating, escalated| Order {
        micro,
        status,
        created,
        taken_after,
        confirmed,
        rating,
        escalated,
    };
    let orders = [
        o(m1_id, "completed", now - 9 * D, Some(10 * M), Some(now - 8 * D), Some(5), false),
        o(m1_id, "completed", now - 30 * D, Some(30 * M), Some(now - 29 * D), Some(4), false),
        o(m1_id, "completed", now - D, Some(2 * H), Some(now - D / 2), Some(2), false),
        o(m1_id, "cancelled", now - 2 * D, None, None, None, false),
        o(m1_id, "open", now - 3 * D, None, None, None, true),
        o(m1_id, "open", now - D, None, None, None, false),
        o(m1_id, "taken", now - 2 * D, Some(5 * M), None, None, false),
        o(m3_id, "completed", now - 100 * D, Some(H), Some(now - 99 * D), Some(1), false),
        o(m3_id, "in_service", now - 20 * D, Some(20 * M), None, None, false),
        o(m3_id, "awaiting_confirmation", now - 40 * D, Some(40 * M), None, None, false),
    ];
    for o in orders {
        let has_taker = !matches!(o.status, "open" | "cancelled");
        sqlx::query(
            "INSERT INTO service_orders (requester_id, placed_by, section, title, micro_grid_id, status, taker_id,
               rating, escalated_at, created_at, taken_at, confirmed_at, cancelled_at)
             VALUES (?, ?, 'daily_life', '测试订单', ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(requester)
        .bind(placed_by)
        .bind(o.micro)
        .bind(o.status)
        .bind(has_taker.then_some(taker))
        .bind(o.rating)
        .bind(o.escalated.then_some(o.created + H))
        .bind(o.created)
        .bind(o.taken_after.map(|t| o.created + t))
        .bind(o.confirmed)
        .bind((o.status == "cancelled").then_some(o.created + H))
        .execute(pool)
        .await
        .expect("order");
    }

    let (m1_code, m2_code, m3_code) = (m1, m2, m3);
    let (m1, m2, m3) = (ids.m1, ids.m2, ids.m3);
    let items = [
        // s1 closed, handled on time, resolved.
        Item {
            micro: m1,
            stage: "closed",
            created: now - 10 * D,
            deadline: Some(now - 6 * D),
            handled: Some(now - 6 * D - H),
            closed: Some(now - 5 * D),
            resolved: Some(1),
            ..Default::default()
        },
        // s2 closed, handled late, reworked once, not resolved.
        Item {
            micro: m1,
            stage: "closed",
            created: now - 20 * D,
            deadline: Some(now - 4 * D),
            handled: Some(now - 4 * D + H),
            closed: Some(now - 2 * D),
            rework: 1,
            resolved: Some(0),
            ..Default::default()
        },
        // s3 closed long ago, no deadline, no verdict.
        Item { micro: m1, stage: "closed", created: now - 120 * D, closed: Some(now - 100 * D), ..Default::default() },
        // s4 dispatched, past its deadline, escalated to the grid leader.
        Item {
            micro: m1,
            stage: "dispatched",
            created: now - 3 * D,
            deadline: Some(now - D),
            escalation: 1,
            ..Default::default()
        },
        // s5 dispatched again after a failed verification; its first handling was on time.
        Item {
            micro: m1,
            stage: "dispatched",
            created: now - 15 * D,
            deadline: Some(now + 2 * D),
            handled: Some(now - 4 * D),
            rework: 1,
            ..Default::default()
        },
        // s6 a red dispute, reported, escalated to the community.
        Item {
            micro: m1,
            kind: "dispute",
            stage: "reported",
            created: now - D,
            escalation: 2,
            warning: Some("red"),
            ..Default::default()
        },
        // s7 a red dispute in the other grid.
        Item {
            micro: m3,
            kind: "dispute",
            stage: "accepted",
            created: now - 2 * D,
            warning: Some("red"),
            ..Default::default()
        },
        // s8 a closed red dispute, resolved: not live.
        Item {
            micro: m3,
            kind: "dispute",
            stage: "closed",
            created: now - 50 * D,
            closed: Some(now - 45 * D),
            resolved: Some(1),
            warning: Some("red"),
            ..Default::default()
        },
        // s9 voided.
        Item { micro: m3, stage: "voided", created: now - 6 * D, ..Default::default() },
        // s10 collected, s11 parked.
        Item { micro: m2, stage: "collected", created: now - D, ..Default::default() },
        Item { micro: m2, stage: "parked", created: now - 30 * D, ..Default::default() },
        // s12 handled on time, awaiting verification.
        Item {
            micro: m2,
            stage: "handled",
            created: now - 5 * D,
            deadline: Some(now + D),
            handled: Some(now - H),
            ..Default::default()
        },
        // s13 verified, handled late; escalated once, but no longer waiting on a handler.
        Item {
            micro: m2,
            kind: "inspection",
            stage: "verified",
            created: now - 10 * D,
            deadline: Some(now - 3 * D),
            handled: Some(now - 2 * D),
            escalation: 1,
            ..Default::default()
        },
    ];
    for i in items {
        let category = if i.kind == "dispute" { "dispute" } else { "facility" };
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO sentiment_items (kind, category, micro_grid_id, description, stage, deadline, handled_at,
               closed_at, rework_count, resident_resolved, escalation_level, warning_level, created_at)
             VALUES (?, ?, ?, '测试民情事项', ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
        )
        .bind(i.kind)
        .bind(category)
        .bind(i.micro)
        .bind(i.stage)
        .bind(i.deadline)
        .bind(i.handled)
        .bind(i.closed)
        .bind(i.rework)
        .bind(i.resolved)
        .bind(i.escalation)
        .bind(i.warning)
        .bind(i.created)
        .fetch_one(pool)
        .await
        .expect("item");
        ids.items.push(id);
    }

    // Elders: e1 and e3 visited in the last 7 days, e2 only before, e4 never.
    for (micro, visits) in [(m1, vec![2 * D, 10 * D]), (m1, vec![9 * D]), (m2, vec![D, 3 * D]), (m3, vec![])] {
        let elder = person(pool, "测试老人", micro).await;
        sqlx::query("INSERT INTO elder_profiles (person_id, micro_grid_id, living_alone) VALUES (?, ?, 1)")
            .bind(elder)
            .bind(micro)
            .execute(pool)
            .await
            .expect("elder");
        for ago in visits {
            sqlx::query("INSERT INTO visit_logs (elder_id, outcome, visited_at) VALUES (?, 'safe', ?)")
                .bind(elder)
                .bind(now - ago)
                .execute(pool)
                .await
                .expect("visit");
        }
    }
    Fixture {
        now,
        subdistrict,
        foreign_subdistrict,
        community,
        g1,
        g2,
        m1: m1_code,
        m2: m2_code,
        m3: m3_code,
        building,
        ids,
    }
}

async fn dashboard(app: &TestApp, client: &Client, area: &str) -> (StatusCode, String) {
    app.post(client, "dashboard", &[("area", area)]).await
}

async fn figures_of(app: &TestApp, client: &Client, area: &str) -> DashboardData {
    let (status, body) = dashboard(app, client, area).await;
    assert_eq!(status, StatusCode::OK, "{area}: {body}");
    serde_json::from_str(&body).expect("dashboard json")
}

fn stages(f: &AreaFigures) -> Vec<(String, i64)> {
    f.stages.iter().map(|s| (s.stage.as_str().to_string(), s.count)).collect()
}

fn named(list: &[(&str, i64)]) -> Vec<(String, i64)> {
    list.iter().map(|(s, n)| (s.to_string(), *n)).collect()
}

async fn csv(
    app: &TestApp,
    client: &Client,
    area: &str,
    table: &str,
) -> (StatusCode, String, reqwest::header::HeaderMap) {
    let res =
        client.get(format!("{}/admin/dashboard/csv?area={area}&table={table}", app.base)).send().await.expect("csv");
    let (status, headers) = (res.status(), res.headers().clone());
    (status, res.text().await.expect("body"), headers)
}

#[tokio::test]
async fn the_dashboard_figures_are_checked_against_a_known_fixture() {
    let app = TestApp::spawn().await;
    let f = fixture(&app).await;
    let admin = staff(&app, "13700000001", &[("community_admin", f.ids.community)]).await;
    let d = figures_of(&app, &admin, &f.community).await;
    assert_eq!(
        (d.area.code.as_str(), d.area.name.as_str(), d.area.level.as_str()),
        (f.community.as_str(), "指标测试社区", "community")
    );
    assert!(d.parent.is_none(), "a community admin does not go up to the subdistrict");
    assert!(d.now >= f.now && d.now < f.now + 60);
    let c = &d.figures;

    // Orders.
    assert_eq!((c.open_orders, c.overdue_orders, c.orders_in_progress), (2, 1, 3));
    assert_eq!((c.orders_placed, c.orders_completed, c.orders_cancelled), (9, 3, 1));
    assert_eq!(c.completion, Ratio::new(3, 8));
    assert_eq!(c.completion.percent_text(), "37.5%");
    assert_eq!(c.rating, Ratio::new(11, 3));
    assert_eq!(c.rating.average_text(), "3.67");
    assert_eq!(c.high_rating, Ratio::new(2, 3));
    let takes = [10 * M, 30 * M, 2 * H, 5 * M, 20 * M, 40 * M];
    assert_eq!(median(&takes), Some(1500));
    assert_eq!((c.orders_taken, c.median_take_seconds), (6, Some(1500)));

    // 民情.
    assert_eq!(
        stages(c),
        named(&[
            ("collected", 1),
            ("reported", 1),
            ("accepted", 1),
            ("dispatched", 2),
            ("handled", 1),
            ("verified", 1),
            ("closed", 4),
            ("voided", 1),
            ("parked", 1),
        ])
    );
    assert_eq!(c.items_open, 6);
    assert_eq!(c.on_time, Ratio::new(3, 5));
    assert_eq!(c.closure, Ratio::new(4, 12));
    assert_eq!(c.resolution, Ratio::new(2, 4));
    assert_ne!(c.closure.percent_text(), c.resolution.percent_text(), "closed is not fixed");
    assert_eq!(c.rework, Ratio::new(2, 7));
    assert_eq!(c.rework.percent_text(), "28.6%");
    assert_eq!((c.items_overdue, c.items_escalated, c.red_disputes), (1, 2, 2));

    // Elders.
    assert_eq!(c.elder_coverage, Ratio::new(2, 4));

    // Weekly series (rolling weeks ending now, oldest first).
    let col = |pick: fn(&app::server_fns::dashboard::WeekRow) -> i64| d.weeks.iter().map(pick).collect::<Vec<_>>();
    assert_eq!(d.weeks.len(), 12);
    assert_eq!(d.weeks[0].start, d.now - 84 * D);
    assert_eq!(col(|w| w.orders_placed), [0, 0, 0, 0, 0, 0, 1, 1, 0, 1, 1, 5]);
    assert_eq!(col(|w| w.orders_completed), [0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 1, 1]);
    assert_eq!(col(|w| w.items_reported), [0, 0, 0, 0, 1, 0, 0, 1, 0, 2, 2, 6]);
    assert_eq!(col(|w| w.items_closed), [0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 2]);
    assert_eq!(col(|w| w.visits), [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 3]);

    // Lists: live red disputes (deadline first, then the oldest), overdue or escalated items.
    let s = &f.ids.items;
    assert_eq!(d.red_disputes.iter().map(|i| i.id).collect::<Vec<_>>(), [s[6], s[5]]);
    assert_eq!(d.overdue_items.iter().map(|i| i.id).collect::<Vec<_>>(), [s[3], s[5]]);
    assert_eq!(d.red_disputes[1].area, "甲微网格");

    // Drill-down: the two grids, in order, with their own figures.
    let kids: Vec<_> = d.children.iter().map(|k| (k.area.code.clone(), k.area.name.clone())).collect();
    assert_eq!(kids, [(f.g1.clone(), "测试一网格".to_string()), (f.g2.clone(), "测试二网格".to_string())]);
    let (g1, g2) = (&d.children[0].figures, &d.children[1].figures);
    assert_eq!((g1.open_orders, g1.overdue_orders, g1.orders_in_progress), (2, 1, 1));
    assert_eq!((g1.completion, g1.rating, g1.median_take_seconds), (Ratio::new(3, 6), Ratio::new(11, 3), Some(1200)));
    assert_eq!((g2.open_orders, g2.orders_in_progress, g2.completion), (0, 2, Ratio::new(0, 2)));
    assert_eq!((g2.rating.average_text(), g2.median_take_seconds), ("—".to_string(), Some(1800)));
    assert_eq!(
        (g1.closure, g1.resolution, g1.items_overdue, g1.red_disputes),
        (Ratio::new(3, 10), Ratio::new(1, 3), 1, 1)
    );
    assert_eq!(
        (g2.closure, g2.resolution, g2.items_overdue, g2.red_disputes),
        (Ratio::new(1, 2), Ratio::new(1, 1), 0, 1)
    );
    assert_eq!((g1.items_open, g2.items_open), (5, 1));
    assert_eq!((g1.elder_coverage, g2.elder_coverage), (Ratio::new(2, 3), Ratio::new(0, 1)));

    // One level down: the grid's own figures match its row, and its children are micro-grids.
    let grid = figures_of(&app, &admin, &f.g1).await;
    assert_eq!(&grid.figures, g1);
    assert_eq!(grid.parent.as_ref().map(|p| p.code.as_str()), Some(f.community.as_str()));
    let micro: Vec<_> = grid.children.iter().map(|k| k.area.code.clone()).collect();
    assert_eq!(micro, [f.m1.clone(), f.m2.clone()]);
    assert_eq!(stages(&grid.children[1].figures)[0], ("collected".to_string(), 1));
    let m3 = figures_of(&app, &admin, &f.m3).await;
    assert!(m3.children.is_empty());
    assert_eq!(&m3.figures, g2, "the second grid holds one micro-grid only");

    // The subdistrict admin sees the fixture community as one row of the subdistrict.
    let sub_admin = staff(&app, "13700000002", &[("subdistrict_admin", f.ids.sub)]).await;
    let sub = figures_of(&app, &sub_admin, &f.subdistrict).await;
    let row = sub.children.iter().find(|k| k.area.code == f.community).expect("the fixture community");
    assert_eq!(&row.figures, c);
    assert!(sub.figures.orders_placed >= c.orders_placed);
    let again = figures_of(&app, &sub_admin, &f.community).await;
    assert_eq!(again.parent.map(|p| p.code), Some(f.subdistrict.clone()));

    // The same figures as CSV.
    let (status, summary, headers) = csv(&app, &admin, &f.community, "summary").await;
    assert_eq!(status, StatusCode::OK, "{summary}");
    assert_eq!(headers.get("content-type").and_then(|v| v.to_str().ok()), Some("text/csv; charset=utf-8"));
    assert_eq!(headers.get("cache-control").and_then(|v| v.to_str().ok()), Some("no-store"));
    let disposition = headers.get("content-disposition").and_then(|v| v.to_str().ok()).unwrap_or_default();
    assert!(disposition.starts_with("attachment;") && disposition.contains(&f.community), "{disposition}");
    let summary = summary.trim_start_matches('\u{feff}');
    for line in [
        "指标,数值,计算依据",
        "待接单,2,",
        "超时未接单,1,",
        "完成率,37.5%,3/8",
        "接单用时（中位数）,25 分钟,n=6",
        "平均评分,3.67,n=3",
        "好评率（4–5星）,66.7%,2/3",
        "按时处置率,60.0%,3/5",
        "办结率,33.3%,4/12",
        "居民确认解决率,50.0%,2/4",
        "返工率,28.6%,2/7",
        "超期民情,1,",
        "督办中,2,",
        "红色预警纠纷,2,",
        "近7天探访覆盖率,50.0%,2/4",
    ] {
        assert!(summary.lines().any(|l| l == line), "missing {line:?} in\n{summary}");
    }
    let (_, stage_csv, _) = csv(&app, &admin, &f.community, "stages").await;
    assert!(stage_csv.contains("派遣,dispatched,2\r\n") && stage_csv.contains("办结,closed,4\r\n"), "{stage_csv}");
    let (_, weekly, _) = csv(&app, &admin, &f.community, "weekly").await;
    let last = weekly.lines().last().unwrap_or_default();
    assert!(last.ends_with(",5,1,6,2,3"), "{weekly}");
    assert_eq!(weekly.lines().count(), 13);
    let (_, children, _) = csv(&app, &admin, &f.community, "children").await;
    let lines: Vec<&str> = children.lines().collect();
    assert_eq!(lines.len(), 3, "{children}");
    assert_eq!(lines[1], format!("测试一网格,{},2,1,50.0%,20 分钟,3.67,5,1,30.0%,33.3%,66.7%,1", f.g1));
    assert_eq!(lines[2], format!("测试二网格,{},0,0,0.0%,30 分钟,—,1,0,50.0%,100.0%,0.0%,1", f.g2));
    let (_, red, _) = csv(&app, &admin, &f.community, "red_disputes").await;
    assert_eq!(red.lines().count(), 3);
    assert!(
        red.lines().nth(1).is_some_and(|l| l.starts_with(&format!("{},矛盾纠纷,立案,测试民情事项,丙微网格", s[6]))),
        "{red}"
    );
    let (_, overdue, _) = csv(&app, &admin, &f.community, "overdue_items").await;
    assert!(overdue.lines().nth(1).is_some_and(|l| l.starts_with(&format!("{},民情,派遣,", s[3]))), "{overdue}");

    // The page itself, server-rendered: figures, charts with titles, drill-down links, CSV links.
    let (status, html) = app.get(&admin, &format!("/admin/dashboard?area={}", f.community)).await;
    assert_eq!(status, StatusCode::OK);
    for needle in [
        "指挥中心",
        "37.5%",
        "33.3%",
        "50.0%",
        "<svg class=\"chart\"",
        "<title id=\"chart-orders-t\">每周下单与完成</title>",
        "<title id=\"chart-visits-t\">每周探访次数</title>",
        &format!("href=\"/admin/dashboard?area={}\"", f.g2),
        &format!("href=\"/sentiment/{}\"", s[5]),
        &format!("/admin/dashboard/csv?area={}&", f.community),
        "table=children",
    ] {
        assert!(html.contains(needle), "the page lacks {needle}");
    }
}

#[tokio::test]
async fn the_clock_is_a_parameter_of_the_figures() {
    let app = TestApp::spawn().await;
    let f = fixture(&app).await;
    let len = f.community.len();
    // Three days on, the dispatched item due in two days is overdue too.
    let later = dashboard_repo::sentiment_counts(&app.pool, &f.community, len, f.now + 3 * D).await.expect("counts");
    assert_eq!(later[0].overdue, 2);
    // A hundred days on, nothing was placed in the period.
    let orders = dashboard_repo::order_counts(&app.pool, &f.community, len, f.now + 100 * D).await.expect("orders");
    assert_eq!((orders[0].placed, orders[0].open), (0, 2));
    // Ten days on, nobody was visited in the last 7 days.
    let elders = dashboard_repo::elder_coverage(&app.pool, &f.community, len, f.now + 10 * D).await.expect("elders");
    assert_eq!(elders, [(f.community.clone(), 4, 0)]);
    // Grouped by grid in one query.
    let by_grid = dashboard_repo::take_medians(&app.pool, &f.community, f.g1.len(), f.now).await.expect("medians");
    assert_eq!(by_grid, [(f.g1.clone(), 4, 1200), (f.g2.clone(), 2, 1800)]);
}

#[tokio::test]
async fn the_figures_walk_the_indexes_of_the_area() {
    let app = TestApp::spawn().await;
    let f = fixture(&app).await;
    let plan = |sql: String| {
        let pool = app.pool.clone();
        let code = f.community.clone();
        async move {
            let rows: Vec<(i64, i64, i64, String)> =
                sqlx::query_as(sqlx::AssertSqlSafe(format!("EXPLAIN QUERY PLAN {sql}")))
                    .bind(code)
                    .bind(12_i64)
                    .bind(0_i64)
                    .bind(i64::MAX)
                    .fetch_all(&pool)
                    .await
                    .expect("plan");
            rows.into_iter().map(|r| r.3).collect::<Vec<_>>().join("\n")
        }
    };
    // The repository's own range and order join, so a regression there shows here.
    let range = app::repo::dashboard_repo::RANGE;
    for (table, join) in [
        ("o", app::repo::dashboard_repo::ORDERS_OF_NODE),
        ("s", "sentiment_items s ON s.micro_grid_id = n.id"),
        ("e", "elder_profiles e ON e.micro_grid_id = n.id"),
    ] {
        let p = plan(format!(
            "SELECT substr(n.code, 1, ?2), count(*) FROM grid_nodes n CROSS JOIN {join} WHERE {range} AND ?3 <= ?4 GROUP BY 1"
        ))
        .await;
        assert!(p.contains("SEARCH n USING") && p.contains(&format!("SEARCH {table} USING")), "{p}");
        assert!(!p.contains(&format!("SCAN {table}")), "{p}");
    }
}

#[tokio::test]
async fn who_may_see_the_dashboard_of_which_area() {
    let app = TestApp::spawn().await;
    let f = fixture(&app).await;
    let ids = &f.ids;
    let other_community: String = sqlx::query_scalar(
        "SELECT code FROM grid_nodes WHERE parent_id = ? AND level = 'community' AND id <> ? ORDER BY id LIMIT 1",
    )
    .bind(ids.sub)
    .bind(ids.community)
    .fetch_one(&app.pool)
    .await
    .expect("another community");
    let sub = staff(&app, "13700000011", &[("subdistrict_admin", ids.sub)]).await;
    let community = staff(&app, "13700000012", &[("community_admin", ids.community)]).await;
    let leader = staff(&app, "13700000013", &[("grid_leader", ids.g1)]).await;
    let member = staff(&app, "13700000014", &[("micro_grid_member", ids.m1)]).await;
    let resident = staff(&app, "13700000015", &[("resident", ids.m1)]).await;
    let volunteer = staff(&app, "13700000016", &[("resident", ids.m1), ("volunteer", ids.m1)]).await;
    let anonymous = app.client();
    let unknown = format!("{}999", f.subdistrict);
    let cases: Vec<(&str, &Client, &str, StatusCode)> = vec![
        ("anonymous", &anonymous, f.community.as_str(), StatusCode::UNAUTHORIZED),
        ("resident", &resident, f.m1.as_str(), StatusCode::FORBIDDEN),
        ("resident, default area", &resident, "", StatusCode::FORBIDDEN),
        ("volunteer", &volunteer, f.m1.as_str(), StatusCode::FORBIDDEN),
        ("member, own micro-grid", &member, f.m1.as_str(), StatusCode::OK),
        ("member, default area", &member, "", StatusCode::OK),
        ("member, neighbouring micro-grid", &member, f.m2.as_str(), StatusCode::FORBIDDEN),
        ("member, own grid", &member, f.g1.as_str(), StatusCode::FORBIDDEN),
        ("leader, own grid", &leader, f.g1.as_str(), StatusCode::OK),
        ("leader, micro-grid of the grid", &leader, f.m2.as_str(), StatusCode::OK),
        ("leader, other grid", &leader, f.g2.as_str(), StatusCode::FORBIDDEN),
        ("leader, community", &leader, f.community.as_str(), StatusCode::FORBIDDEN),
        ("community admin, own", &community, f.community.as_str(), StatusCode::OK),
        ("community admin, a grid", &community, f.g2.as_str(), StatusCode::OK),
        ("community admin, other community", &community, other_community.as_str(), StatusCode::FORBIDDEN),
        ("community admin, subdistrict", &community, f.subdistrict.as_str(), StatusCode::FORBIDDEN),
        ("subdistrict admin, own", &sub, f.subdistrict.as_str(), StatusCode::OK),
        ("subdistrict admin, default area", &sub, "", StatusCode::OK),
        ("subdistrict admin, other community", &sub, other_community.as_str(), StatusCode::OK),
        ("subdistrict admin, foreign subdistrict", &sub, f.foreign_subdistrict.as_str(), StatusCode::FORBIDDEN),
        ("subdistrict admin, unknown area inside", &sub, unknown.as_str(), StatusCode::NOT_FOUND),
        ("subdistrict admin, a building", &sub, f.building.as_str(), StatusCode::NOT_FOUND),
        ("subdistrict admin, unknown area outside", &sub, "999999999", StatusCode::FORBIDDEN),
        ("subdistrict admin, not a code", &sub, "abc'; --", StatusCode::FORBIDDEN),
    ];
    for (who, client, area, want) in cases {
        let (status, body) = dashboard(&app, client, area).await;
        assert_eq!(status, want, "{who} at {area:?}: {body}");
        let (status, _, _) = csv(&app, client, &area.replace('\'', "%27").replace(' ', "%20"), "summary").await;
        assert_eq!(status, want, "{who} at {area:?} (csv)");
    }
    // The default area is the viewer's widest staff scope.
    let d = figures_of(&app, &member, "").await;
    assert_eq!(d.area.code, f.m1);
    assert!(d.parent.is_none());
    let d = figures_of(&app, &sub, "").await;
    assert_eq!(d.area.code, f.subdistrict);

    // Pages answer with the same statuses and say why.
    let (status, html) = app.get(&sub, &format!("/admin/dashboard?area={unknown}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(html.contains("没有这个区域"), "{html}");
    let (status, _) = app.get(&leader, &format!("/admin/dashboard?area={}", f.community)).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = app.get(&resident, "/admin/dashboard").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = app.get(&anonymous, "/admin/dashboard").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, html) = app.get(&leader, "/admin/dashboard").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("测试一网格"));
    // An unknown table is not found; no request is ever a server error.
    let (status, body, _) = csv(&app, &community, &f.community, "passwords").await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
    let (status, _, _) = csv(&app, &community, "", "summary").await;
    assert_eq!(status, StatusCode::OK);
}
