//! Reads for the home page and the board. Public rows never carry room or phone.
use crate::domain::ids::{AccountId, NodeId, OrderId};
use crate::domain::order::{ServiceSection, Urgency};
use crate::dto::AreaNumbers;
use sqlx::SqlitePool;

/// An open order as anyone may see it: the requester's name is masked by the caller.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct PublicOrderRow {
    pub id: OrderId,
    pub section: ServiceSection,
    pub title: String,
    pub urgency: Urgency,
    pub created_at: i64,
    pub building: Option<String>,
    pub requester_name: String,
}

/// The columns and joins of a [`PublicOrderRow`], said once for every read of one:
/// `public_card!(", more columns")` is the statement up to its `WHERE`.
macro_rules! public_card {
    ($more:literal) => {
        concat!(
            "SELECT o.id, o.section, o.title, o.urgency, o.created_at, b.name AS building, p.full_name AS requester_name",
            $more,
            " FROM service_orders o JOIN grid_nodes m ON m.id = o.micro_grid_id JOIN people p ON p.id = o.requester_id
         LEFT JOIN grid_nodes b ON b.id = o.building_id"
        )
    };
}

/// An order as 适合我 ranks it and an order frame carries it: its public row, its
/// micro-grid's code and the start of the time it asks for.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct RankedRow {
    #[sqlx(flatten)]
    pub order: PublicOrderRow,
    pub code: String,
    pub window_start: Option<i64>,
}

impl RankedRow {
    pub fn needs(&self) -> crate::domain::matching::OrderNeeds {
        crate::domain::matching::OrderNeeds {
            area_code: self.code.clone(),
            section: self.order.section,
            slot: self.window_start.map(crate::domain::matching::slot_of),
        }
    }
}

/// Open orders inside the area with code prefix `area` (all areas for ""), most
/// urgent and newest first, optionally for one section.
pub async fn open_orders(
    pool: &SqlitePool,
    area: &str,
    section: Option<ServiceSection>,
    urgency: Option<Urgency>,
    micro_grid: Option<NodeId>,
    limit: i64,
    offset: i64,
) -> Result<Vec<PublicOrderRow>, sqlx::Error> {
    sqlx::query_as(concat!(
        public_card!(""),
        " WHERE o.status = 'open' AND m.code GLOB ?1 || '*' AND (?2 IS NULL OR o.section = ?2) AND (?3 IS NULL OR o.urgency = ?3)
           AND (?5 IS NULL OR o.micro_grid_id = ?5)
         ORDER BY o.urgency = 'urgent' DESC, o.created_at DESC LIMIT ?4 OFFSET ?6"
    ))
    .bind(area)
    .bind(section)
    .bind(urgency)
    .bind(limit)
    .bind(micro_grid)
    .bind(offset)
    .fetch_all(pool)
    .await
}

/// Open orders per section inside an area.
pub async fn open_counts(
    db: impl sqlx::SqliteExecutor<'_>,
    area: &str,
) -> Result<Vec<(ServiceSection, i64)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT o.section, count(*) FROM service_orders o JOIN grid_nodes m ON m.id = o.micro_grid_id
         WHERE o.status = 'open' AND m.code GLOB ? || '*' GROUP BY o.section",
    )
    .bind(area)
    .fetch_all(db)
    .await
}

/// The open orders of one micro-grid.
pub async fn open_in_micro_grid(db: impl sqlx::SqliteExecutor<'_>, micro_grid: NodeId) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("SELECT count(*) FROM service_orders WHERE status = 'open' AND micro_grid_id = ?")
        .bind(micro_grid)
        .fetch_one(db)
        .await
}

/// An order as the live board needs it after a change: its row as ranked, whether it is
/// still open, its version and its micro-grid.
#[derive(Debug, sqlx::FromRow)]
pub struct OrderChange {
    #[sqlx(flatten)]
    pub row: RankedRow,
    pub open: bool,
    pub version: i64,
    pub micro_grid_id: NodeId,
}

pub async fn order_change(db: impl sqlx::SqliteExecutor<'_>, id: OrderId) -> Result<Option<OrderChange>, sqlx::Error> {
    sqlx::query_as(concat!(
        public_card!(", m.code, o.window_start, o.status = 'open' AS open, o.version, o.micro_grid_id"),
        " WHERE o.id = ?"
    ))
    .bind(id)
    .fetch_optional(db)
    .await
}

pub async fn area_numbers(pool: &SqlitePool, area: &str) -> Result<AreaNumbers, sqlx::Error> {
    sqlx::query_as(
        "SELECT
           (SELECT count(*) FROM service_orders o JOIN grid_nodes m ON m.id = o.micro_grid_id WHERE o.status = 'open' AND m.code GLOB ?1 || '*') AS open_orders,
           (SELECT count(*) FROM volunteer_profiles v JOIN grid_nodes m ON m.id = v.service_node_id WHERE m.code GLOB ?1 || '*') AS volunteers,
           (SELECT coalesce(sum(t.minutes), 0) FROM service_time t JOIN grid_nodes m ON m.id = t.node_id WHERE m.code GLOB ?1 || '*') AS service_minutes,
           (SELECT count(*) FROM service_orders o JOIN grid_nodes m ON m.id = o.micro_grid_id WHERE o.status = 'completed' AND m.code GLOB ?1 || '*') AS completed",
    )
    .bind(area)
    .fetch_one(pool)
    .await
}

/// A station to show on the home page: the viewer's micro-grid's, else the area's first.
pub async fn station_for(
    pool: &SqlitePool,
    micro_grid_id: Option<NodeId>,
    area: &str,
) -> Result<Option<(String, String, String)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT s.name, s.address, s.open_hours FROM stations s JOIN grid_nodes n ON n.id = s.node_id
         WHERE n.code GLOB ? || '*' ORDER BY s.node_id = ? DESC, s.id LIMIT 1",
    )
    .bind(area)
    .bind(micro_grid_id)
    .fetch_optional(pool)
    .await
}

/// The latest posts of the 朋友圈 in an area.
pub async fn feed(pool: &SqlitePool, area: &str, limit: i64) -> Result<Vec<(i64, String, String, i64)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT f.id, f.kind, f.body, f.created_at FROM feed_posts f JOIN grid_nodes n ON n.id = f.node_id
         WHERE n.code GLOB ? || '*' OR ? GLOB n.code || '*' ORDER BY f.created_at DESC LIMIT ?",
    )
    .bind(area)
    .bind(area)
    .bind(limit)
    .fetch_all(pool)
    .await
}

/// Open orders for matching: (row, micro-grid code, window start).
pub async fn open_orders_for_matching(pool: &SqlitePool, community: &str) -> Result<Vec<RankedRow>, sqlx::Error> {
    sqlx::query_as(concat!(
        public_card!(", m.code, o.window_start"),
        " WHERE o.status = 'open' AND m.code GLOB ? || '*' ORDER BY o.created_at DESC LIMIT 500"
    ))
    .bind(community)
    .fetch_all(pool)
    .await
}

/// A 朋友圈 post with its like count and whether the viewer liked it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct FeedRow {
    pub id: i64,
    pub kind: String,
    pub body: String,
    pub author: Option<String>,
    pub created_at: i64,
    pub likes: i64,
    pub liked: bool,
}

/// Posts of the community `area` (and of the areas above it), newest first, before `before`.
pub async fn feed_page(
    pool: &SqlitePool,
    area: &str,
    viewer: Option<AccountId>,
    before: Option<i64>,
    limit: i64,
) -> Result<Vec<FeedRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT f.id, f.kind, f.body, p.full_name AS author, f.created_at,
                (SELECT count(*) FROM feed_likes l WHERE l.post_id = f.id) AS likes,
                EXISTS (SELECT 1 FROM feed_likes l WHERE l.post_id = f.id AND l.account_id = ?2) AS liked
         FROM feed_posts f JOIN grid_nodes n ON n.id = f.node_id
         LEFT JOIN accounts a ON a.id = f.author_id LEFT JOIN people p ON p.id = a.person_id
         WHERE (n.code GLOB ?1 || '*' OR ?1 GLOB n.code || '*') AND (?3 IS NULL OR f.id < ?3)
         ORDER BY f.id DESC LIMIT ?4",
    )
    .bind(area)
    .bind(viewer)
    .bind(before)
    .bind(limit)
    .fetch_all(pool)
    .await
}

pub async fn insert_post(
    conn: &mut sqlx::SqliteConnection,
    node_code: &str,
    author: AccountId,
    kind: &str,
    body: &str,
    order_id: Option<OrderId>,
) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar(
        "INSERT INTO feed_posts (node_id, author_id, kind, body, order_id) SELECT id, ?, ?, ?, ? FROM grid_nodes WHERE code = ?
         ON CONFLICT DO NOTHING RETURNING id",
    )
    .bind(author)
    .bind(kind)
    .bind(body)
    .bind(order_id)
    .bind(node_code)
    .fetch_optional(&mut *conn)
    .await
}

/// The code of a post's area, if it exists.
pub async fn post_area(conn: &mut sqlx::SqliteConnection, post: i64) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar("SELECT n.code FROM feed_posts f JOIN grid_nodes n ON n.id = f.node_id WHERE f.id = ?")
        .bind(post)
        .fetch_optional(&mut *conn)
        .await
}

/// Likes or unlikes; returns whether the post is now liked.
pub async fn toggle_like(
    conn: &mut sqlx::SqliteConnection,
    post: i64,
    account: AccountId,
) -> Result<bool, sqlx::Error> {
    let removed = sqlx::query("DELETE FROM feed_likes WHERE post_id = ? AND account_id = ?")
        .bind(post)
        .bind(account)
        .execute(&mut *conn)
        .await?
        .rows_affected();
    if removed > 0 {
        return Ok(false);
    }
    sqlx::query("INSERT INTO feed_likes (post_id, account_id) VALUES (?, ?)")
        .bind(post)
        .bind(account)
        .execute(&mut *conn)
        .await?;
    Ok(true)
}

pub async fn thanked(conn: &mut sqlx::SqliteConnection, order: OrderId) -> Result<bool, sqlx::Error> {
    sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM feed_posts WHERE order_id = ?)")
        .bind(order)
        .fetch_one(&mut *conn)
        .await
}

/// Micro-grids inside an area with their open-order counts, for the board's grid filter.
pub async fn micro_grids_in(pool: &SqlitePool, area: &str) -> Result<Vec<(NodeId, String, i64)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT m.id, m.name, (SELECT count(*) FROM service_orders o WHERE o.micro_grid_id = m.id AND o.status = 'open')
         FROM grid_nodes m WHERE m.level = 'micro_grid' AND m.code GLOB ? || '*' ORDER BY m.code LIMIT 50",
    )
    .bind(area)
    .fetch_all(pool)
    .await
}
