//! 指挥中心: aggregates over an area. Every query walks the code range of the area
//! (`code >= prefix AND code < prefix || ':'`, exact with the GLOB) from its nodes to their
//! records (CROSS JOIN keeps that order, so each record table is reached by its
//! micro-grid index) and groups by the first `group_len` characters of the node code:
//! the area's own length gives one row for the area, its children's length one row per
//! child, in the same single query. `now` is a parameter so tests control the clock.
use crate::domain::dashboard::{period_start, WEEK, WEEKS};
use crate::domain::ids::NodeId;
use crate::domain::sentiment::{Kind, Stage, Warning};
use sqlx::SqlitePool;

/// The subtree of `?1`: its nodes, found on the code index.
pub const RANGE: &str = "n.code >= ?1 AND n.code < ?1 || ':' AND n.code GLOB ?1 || '*'";

/// Every status, so that the orders of a micro-grid are found on the
/// (status, micro_grid_id, ...) index instead of by scanning.
pub const ORDERS_OF_NODE: &str = "service_orders o ON o.status IN \
    ('open','taken','in_service','awaiting_confirmation','completed','cancelled') AND o.micro_grid_id = n.id";

/// A node of the grid with its parent, as the dashboard names it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AreaNode {
    pub id: NodeId,
    pub level: String,
    pub code: String,
    pub name: String,
    pub parent_code: Option<String>,
    pub parent_name: Option<String>,
}

pub async fn area(pool: &SqlitePool, code: &str) -> Result<Option<AreaNode>, sqlx::Error> {
    sqlx::query_as(
        "SELECT c.id, c.level, c.code, c.name, p.code AS parent_code, p.name AS parent_name
         FROM grid_nodes c LEFT JOIN grid_nodes p ON p.id = c.parent_id WHERE c.code = ?",
    )
    .bind(code)
    .fetch_optional(pool)
    .await
}

/// The children of a node: (code, name, level), in display order.
pub async fn children(pool: &SqlitePool, id: NodeId) -> Result<Vec<(String, String, String)>, sqlx::Error> {
    sqlx::query_as("SELECT code, name, level FROM grid_nodes WHERE parent_id = ? ORDER BY sort_order, id")
        .bind(id)
        .fetch_all(pool)
        .await
}

/// Orders of one group (the area, or one child area).
#[derive(Debug, Clone, Default, PartialEq, Eq, sqlx::FromRow)]
pub struct OrderCounts {
    pub grp: String,
    /// Waiting to be taken now.
    pub open: i64,
    /// Open and escalated: nobody took them within their limit.
    pub overdue: i64,
    /// Taken, in service or awaiting the resident's confirmation now.
    pub in_progress: i64,
    /// Placed in the period, by status.
    pub placed: i64,
    pub completed: i64,
    pub cancelled: i64,
    /// Completed orders placed in the period that carry a rating, their sum, and those of 4–5 stars.
    pub rated: i64,
    pub rating_sum: i64,
    pub rated_high: i64,
    /// Completed orders placed in the period whose taker shows the 党员 badge.
    pub party_completed: i64,
}

pub async fn order_counts(
    pool: &SqlitePool,
    prefix: &str,
    group_len: usize,
    now: i64,
) -> Result<Vec<OrderCounts>, sqlx::Error> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT substr(n.code, 1, ?2) AS grp,
           coalesce(sum(o.status = 'open'), 0) AS open,
           coalesce(sum(o.status = 'open' AND o.escalated_at IS NOT NULL), 0) AS overdue,
           coalesce(sum(o.status IN ('taken', 'in_service', 'awaiting_confirmation')), 0) AS in_progress,
           coalesce(sum(o.created_at BETWEEN ?3 AND ?4), 0) AS placed,
           coalesce(sum(o.created_at BETWEEN ?3 AND ?4 AND o.status = 'completed'), 0) AS completed,
           coalesce(sum(o.created_at BETWEEN ?3 AND ?4 AND o.status = 'cancelled'), 0) AS cancelled,
           coalesce(sum(o.created_at BETWEEN ?3 AND ?4 AND o.status = 'completed' AND o.rating IS NOT NULL), 0) AS rated,
           coalesce(sum(CASE WHEN o.created_at BETWEEN ?3 AND ?4 AND o.status = 'completed' THEN o.rating END), 0)
             AS rating_sum,
           coalesce(sum(o.created_at BETWEEN ?3 AND ?4 AND o.status = 'completed' AND o.rating >= 4), 0) AS rated_high,
           coalesce(sum(o.created_at BETWEEN ?3 AND ?4 AND o.status = 'completed'
                        AND EXISTS (SELECT 1 FROM people t WHERE t.id = o.taker_id AND t.party_member = 1)), 0)
             AS party_completed
         FROM grid_nodes n CROSS JOIN {ORDERS_OF_NODE}
         WHERE {RANGE}
         GROUP BY grp"
    )))
    .bind(prefix)
    .bind(group_len as i64)
    .bind(period_start(now))
    .bind(now)
    .fetch_all(pool)
    .await
}

/// The median time to take (taken_at - created_at, seconds) of the orders taken in the
/// period, per group: (group, orders taken, median). For an even count the mean of the
/// two middle values, rounded down (as `domain::dashboard::median`).
pub async fn take_medians(
    pool: &SqlitePool,
    prefix: &str,
    group_len: usize,
    now: i64,
) -> Result<Vec<(String, i64, i64)>, sqlx::Error> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "WITH d AS (
           SELECT substr(n.code, 1, ?2) AS grp, o.taken_at - o.created_at AS s
           FROM grid_nodes n CROSS JOIN {ORDERS_OF_NODE}
           WHERE {RANGE} AND o.taken_at BETWEEN ?3 AND ?4
         ), r AS (
           SELECT grp, s, row_number() OVER (PARTITION BY grp ORDER BY s) AS rn,
                  count(*) OVER (PARTITION BY grp) AS cnt
           FROM d
         )
         SELECT grp, max(cnt) AS taken, sum(s) / count(*) AS median
         FROM r WHERE rn IN ((cnt + 1) / 2, (cnt + 2) / 2) GROUP BY grp"
    )))
    .bind(prefix)
    .bind(group_len as i64)
    .bind(period_start(now))
    .bind(now)
    .fetch_all(pool)
    .await
}

/// 民情 items of one group, over all time (stages are where the items are now).
#[derive(Debug, Clone, Default, PartialEq, Eq, sqlx::FromRow)]
pub struct SentimentCounts {
    pub grp: String,
    pub collected: i64,
    pub reported: i64,
    pub accepted: i64,
    pub dispatched: i64,
    pub handled: i64,
    pub verified: i64,
    pub closed: i64,
    pub voided: i64,
    pub parked: i64,
    /// Items with a deadline that were handled, and of those handled by the deadline.
    pub timed: i64,
    pub on_time: i64,
    /// Items that reached 处置 (handled_at set, or a stage at or past handled, or reworked),
    /// and of those sent back at least once.
    pub reached_handled: i64,
    pub reworked: i64,
    /// Closed items the reporter confirmed as resolved.
    pub resolved: i64,
    /// Open-loop items (reported, accepted, dispatched) past their deadline; escalated (督办).
    pub overdue: i64,
    pub escalated: i64,
    /// Disputes at the red warning level, neither closed nor voided.
    pub red: i64,
}

/// The stages still waiting on someone, where deadlines and 督办 apply.
const OPEN_LOOP: &str = "s.stage IN ('reported', 'accepted', 'dispatched')";
/// A red dispute that is still live.
const RED: &str = "s.kind = 'dispute' AND s.warning_level = 'red' AND s.stage NOT IN ('closed', 'voided')";

pub async fn sentiment_counts(
    pool: &SqlitePool,
    prefix: &str,
    group_len: usize,
    now: i64,
) -> Result<Vec<SentimentCounts>, sqlx::Error> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT substr(n.code, 1, ?2) AS grp,
           coalesce(sum(s.stage = 'collected'), 0) AS collected,
           coalesce(sum(s.stage = 'reported'), 0) AS reported,
           coalesce(sum(s.stage = 'accepted'), 0) AS accepted,
           coalesce(sum(s.stage = 'dispatched'), 0) AS dispatched,
           coalesce(sum(s.stage = 'handled'), 0) AS handled,
           coalesce(sum(s.stage = 'verified'), 0) AS verified,
           coalesce(sum(s.stage = 'closed'), 0) AS closed,
           coalesce(sum(s.stage = 'voided'), 0) AS voided,
           coalesce(sum(s.stage = 'parked'), 0) AS parked,
           coalesce(sum(s.deadline IS NOT NULL AND s.handled_at IS NOT NULL), 0) AS timed,
           coalesce(sum(s.deadline IS NOT NULL AND s.handled_at IS NOT NULL AND s.handled_at <= s.deadline), 0)
             AS on_time,
           coalesce(sum(s.handled_at IS NOT NULL OR s.rework_count > 0
                        OR s.stage IN ('handled', 'verified', 'closed')), 0) AS reached_handled,
           coalesce(sum(s.rework_count > 0), 0) AS reworked,
           coalesce(sum(s.stage = 'closed' AND s.resident_resolved = 1), 0) AS resolved,
           coalesce(sum({OPEN_LOOP} AND s.deadline < ?3), 0) AS overdue,
           coalesce(sum({OPEN_LOOP} AND s.escalation_level > 0), 0) AS escalated,
           coalesce(sum({RED}), 0) AS red
         FROM grid_nodes n CROSS JOIN sentiment_items s ON s.micro_grid_id = n.id
         WHERE {RANGE}
         GROUP BY grp"
    )))
    .bind(prefix)
    .bind(group_len as i64)
    .bind(now)
    .fetch_all(pool)
    .await
}

/// Elders in the register per group, and those with a visit in the 7 days up to `now`:
/// (group, elders, visited).
pub async fn elder_coverage(
    pool: &SqlitePool,
    prefix: &str,
    group_len: usize,
    now: i64,
) -> Result<Vec<(String, i64, i64)>, sqlx::Error> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT substr(n.code, 1, ?2) AS grp, count(*) AS elders,
           coalesce(sum(EXISTS (SELECT 1 FROM visit_logs v
                                WHERE v.elder_id = e.person_id AND v.visited_at BETWEEN ?3 AND ?4)), 0) AS visited
         FROM grid_nodes n CROSS JOIN elder_profiles e ON e.micro_grid_id = n.id
         WHERE {RANGE}
         GROUP BY grp"
    )))
    .bind(prefix)
    .bind(group_len as i64)
    .bind(now - 7 * 86_400)
    .bind(now)
    .fetch_all(pool)
    .await
}

/// Volunteers living in each group who show the 党员 badge, and their confirmed service
/// minutes (all time): (group, volunteers, minutes). Only those who opted in are counted;
/// the app keeps nothing else about party membership.
pub async fn party_volunteers(
    pool: &SqlitePool,
    prefix: &str,
    group_len: usize,
) -> Result<Vec<(String, i64, i64)>, sqlx::Error> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT substr(n.code, 1, ?2) AS grp, count(*) AS volunteers,
           coalesce(sum((SELECT sum(t.minutes) FROM service_time t WHERE t.person_id = p.id)), 0) AS minutes
         FROM grid_nodes n CROSS JOIN people p ON p.micro_grid_id = n.id
         JOIN volunteer_profiles v ON v.person_id = p.id
         WHERE {RANGE} AND p.party_member = 1
         GROUP BY grp"
    )))
    .bind(prefix)
    .bind(group_len as i64)
    .fetch_all(pool)
    .await
}

/// The weekly series of an area, oldest week first.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Weekly {
    pub orders_placed: Vec<i64>,
    pub orders_completed: Vec<i64>,
    pub items_reported: Vec<i64>,
    pub items_closed: Vec<i64>,
    pub visits: Vec<i64>,
}

/// The week of a time column in the period starting at `?2` (and ending at `?3`, now):
/// rolling windows, a time exactly at now in the last one.
fn week_of(column: &str) -> String {
    format!("min(({column} - ?2) / {WEEK}, {})", WEEKS - 1)
}

pub async fn weekly(pool: &SqlitePool, prefix: &str, now: i64) -> Result<Weekly, sqlx::Error> {
    let (start, end) = (period_start(now), now);
    let orders: Vec<(i64, i64, i64)> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT 0, {placed} AS w, count(*) FROM grid_nodes n CROSS JOIN {ORDERS_OF_NODE}
           WHERE {RANGE} AND o.created_at BETWEEN ?2 AND ?3 GROUP BY w
         UNION ALL
         SELECT 1, {done} AS w, count(*) FROM grid_nodes n CROSS JOIN {ORDERS_OF_NODE}
           WHERE {RANGE} AND o.status = 'completed' AND o.confirmed_at BETWEEN ?2 AND ?3 GROUP BY w",
        placed = week_of("o.created_at"),
        done = week_of("o.confirmed_at"),
    )))
    .bind(prefix)
    .bind(start)
    .bind(end)
    .fetch_all(pool)
    .await?;
    let items: Vec<(i64, i64, i64)> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT 0, {reported} AS w, count(*) FROM grid_nodes n CROSS JOIN sentiment_items s ON s.micro_grid_id = n.id
           WHERE {RANGE} AND s.created_at BETWEEN ?2 AND ?3 GROUP BY w
         UNION ALL
         SELECT 1, {closed} AS w, count(*) FROM grid_nodes n CROSS JOIN sentiment_items s ON s.micro_grid_id = n.id
           WHERE {RANGE} AND s.stage = 'closed' AND s.closed_at BETWEEN ?2 AND ?3 GROUP BY w",
        reported = week_of("s.created_at"),
        closed = week_of("s.closed_at"),
    )))
    .bind(prefix)
    .bind(start)
    .bind(end)
    .fetch_all(pool)
    .await?;
    let visits: Vec<(i64, i64, i64)> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT 0, {w} AS w, count(*) FROM grid_nodes n CROSS JOIN elder_profiles e ON e.micro_grid_id = n.id
           CROSS JOIN visit_logs v ON v.elder_id = e.person_id AND v.visited_at BETWEEN ?2 AND ?3
           WHERE {RANGE} GROUP BY w",
        w = week_of("v.visited_at"),
    )))
    .bind(prefix)
    .bind(start)
    .bind(end)
    .fetch_all(pool)
    .await?;
    let spread = |rows: &[(i64, i64, i64)], series: i64| {
        let mut out = vec![0; WEEKS];
        for (s, w, n) in rows {
            if *s == series {
                if let Some(slot) = usize::try_from(*w).ok().and_then(|w| out.get_mut(w)) {
                    *slot += n;
                }
            }
        }
        out
    };
    Ok(Weekly {
        orders_placed: spread(&orders, 0),
        orders_completed: spread(&orders, 1),
        items_reported: spread(&items, 0),
        items_closed: spread(&items, 1),
        visits: spread(&visits, 0),
    })
}

/// A 民情 item in a dashboard list.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ItemLine {
    pub id: i64,
    pub kind: Kind,
    pub stage: Stage,
    pub description: String,
    pub area: String,
    pub deadline: Option<i64>,
    pub escalation_level: i64,
    pub warning_level: Option<Warning>,
    pub created_at: i64,
}

/// At most this many items in a list (the counts above them are exact).
pub const LIST_LIMIT: i64 = 500;

async fn items_where(
    pool: &SqlitePool,
    prefix: &str,
    condition: &str,
    now: Option<i64>,
) -> Result<Vec<ItemLine>, sqlx::Error> {
    let query = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT s.id, s.kind, s.stage, s.description, n.name AS area, s.deadline, s.escalation_level,
                s.warning_level, s.created_at
         FROM grid_nodes n CROSS JOIN sentiment_items s ON s.micro_grid_id = n.id
         WHERE {RANGE} AND {condition}
         ORDER BY s.deadline IS NULL, s.deadline, s.created_at, s.id LIMIT {LIST_LIMIT}"
    )))
    .bind(prefix);
    match now {
        Some(now) => query.bind(now).fetch_all(pool).await,
        None => query.fetch_all(pool).await,
    }
}

/// Live red disputes of the area.
pub async fn red_disputes(pool: &SqlitePool, prefix: &str) -> Result<Vec<ItemLine>, sqlx::Error> {
    items_where(pool, prefix, RED, None).await
}

/// Open-loop items past their deadline or escalated (督办), the most overdue first.
pub async fn overdue_items(pool: &SqlitePool, prefix: &str, now: i64) -> Result<Vec<ItemLine>, sqlx::Error> {
    items_where(pool, prefix, &format!("{OPEN_LOOP} AND (s.deadline < ?2 OR s.escalation_level > 0)"), Some(now)).await
}
