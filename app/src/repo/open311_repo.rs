//! The SQL of Open311: API keys (only their hashes) and 民情 items as service requests.
use crate::domain::ids::{AccountId, NodeId};
use crate::domain::sentiment::{Category, HandlerKind, Stage};
use sqlx::{SqliteConnection, SqlitePool};

pub async fn insert_key(
    conn: &mut SqliteConnection,
    node_id: NodeId,
    label: &str,
    key_hash: &str,
    created_by: AccountId,
    now: i64,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "INSERT INTO api_keys (node_id, label, key_hash, created_by, created_at) VALUES (?, ?, ?, ?, ?) RETURNING id",
    )
    .bind(node_id)
    .bind(label)
    .bind(key_hash)
    .bind(created_by)
    .bind(now)
    .fetch_one(&mut *conn)
    .await
}

/// A key with the area it opens.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct KeyRow {
    pub id: i64,
    pub label: String,
    pub node_id: NodeId,
    pub node_code: String,
    pub node_name: String,
    pub created_at: i64,
    pub revoked_at: Option<i64>,
    /// The SHA-256 of the key (the key itself is never stored).
    pub key_hash: String,
    /// The admin who issued it (none for keys made outside the app, or once the account is gone).
    pub created_by: Option<AccountId>,
}

const KEY_COLUMNS: &str = "k.id, k.label, k.node_id, n.code AS node_code, n.name AS node_name, k.created_at,
    k.revoked_at, k.key_hash, k.created_by FROM api_keys k JOIN grid_nodes n ON n.id = k.node_id";

pub async fn key(conn: &mut SqliteConnection, id: i64) -> Result<Option<KeyRow>, sqlx::Error> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!("SELECT {KEY_COLUMNS} WHERE k.id = ?")))
        .bind(id)
        .fetch_optional(&mut *conn)
        .await
}

/// The unrevoked key with this hash.
pub async fn live_key(pool: &SqlitePool, key_hash: &str) -> Result<Option<KeyRow>, sqlx::Error> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!("SELECT {KEY_COLUMNS} WHERE k.key_hash = ? AND k.revoked_at IS NULL")))
        .bind(key_hash)
        .fetch_optional(pool)
        .await
}

/// Keys issued for an area or anything inside it, newest first.
pub async fn keys_in(pool: &SqlitePool, area: &str) -> Result<Vec<KeyRow>, sqlx::Error> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {KEY_COLUMNS} WHERE n.code >= ?1 AND n.code < ?1 || ':' ORDER BY k.id DESC LIMIT 200"
    )))
    .bind(area)
    .fetch_all(pool)
    .await
}

pub async fn revoke(conn: &mut SqliteConnection, id: i64, now: i64) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL")
        .bind(now)
        .bind(id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Buildings inside the area whose name starts the address, longest name first:
/// (id, name).
pub async fn buildings_starting(
    conn: &mut SqliteConnection,
    area: &str,
    address: &str,
) -> Result<Vec<(NodeId, String)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, name FROM grid_nodes
         WHERE level = 'building' AND code >= ?1 AND code < ?1 || ':' AND substr(?2, 1, length(name)) = name
         ORDER BY length(name) DESC, code LIMIT 20",
    )
    .bind(area)
    .bind(address)
    .fetch_all(&mut *conn)
    .await
}

/// A unit of a building, by its name.
pub async fn unit_named(
    conn: &mut SqliteConnection,
    building: NodeId,
    name: &str,
) -> Result<Option<NodeId>, sqlx::Error> {
    sqlx::query_scalar("SELECT id FROM grid_nodes WHERE parent_id = ? AND level = 'unit' AND name = ? LIMIT 1")
        .bind(building)
        .bind(name)
        .fetch_optional(&mut *conn)
        .await
}

/// An item as a service request.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct RequestRow {
    pub id: i64,
    pub category: Category,
    pub stage: Stage,
    pub description: String,
    pub building_id: Option<NodeId>,
    pub building: Option<String>,
    pub unit_id: Option<NodeId>,
    pub unit: Option<String>,
    pub micro_grid: String,
    pub handler_kind: Option<HandlerKind>,
    pub handler_name: Option<String>,
    pub deadline: Option<i64>,
    pub created_at: i64,
    pub updated_at: i64,
    pub closed_at: Option<i64>,
    /// The note of the step that brought the item to its stage (the reason of 作废).
    pub stage_note: Option<String>,
}

/// Which requests to list.
#[derive(Debug, Clone, Default)]
pub struct RequestFilter {
    /// When set, only these ids (and no other filter but the area).
    pub ids: Option<Vec<i64>>,
    pub category: Option<Category>,
    /// `Some(true)` open only, `Some(false)` closed only.
    pub open: Option<bool>,
    pub from: i64,
    pub to: i64,
    pub limit: i64,
}

/// Items of micro-grids inside `area` that match, newest first.
pub async fn requests_in(pool: &SqlitePool, area: &str, f: &RequestFilter) -> Result<Vec<RequestRow>, sqlx::Error> {
    let ids = f.ids.as_ref().map(|ids| serde_json::Value::from(ids.clone()).to_string());
    sqlx::query_as(
        "SELECT s.id, s.category, s.stage, s.description, s.building_id, b.name AS building, s.unit_id,
                u.name AS unit, m.name AS micro_grid, s.handler_kind, s.handler_name, s.deadline, s.created_at, s.updated_at,
                s.closed_at,
                (SELECT l.note FROM sentiment_stages l WHERE l.item_id = s.id AND l.to_stage = s.stage
                   AND l.kind = 'stage' ORDER BY l.at DESC, l.id DESC LIMIT 1) AS stage_note
         FROM sentiment_items s
         JOIN grid_nodes m ON m.id = s.micro_grid_id
         LEFT JOIN grid_nodes b ON b.id = s.building_id
         LEFT JOIN grid_nodes u ON u.id = s.unit_id
         WHERE m.code >= ?1 AND m.code < ?1 || ':' AND m.level = 'micro_grid'
           AND (?2 IS NULL OR s.id IN (SELECT value FROM json_each(?2)))
           AND (?2 IS NOT NULL OR (
                (?3 IS NULL OR s.category = ?3)
                AND (?4 IS NULL OR ?4 = (s.stage NOT IN ('closed', 'voided')))
                AND s.created_at >= ?5 AND s.created_at <= ?6))
         ORDER BY s.created_at DESC, s.id DESC
         LIMIT ?7",
    )
    .bind(area)
    .bind(ids)
    .bind(f.category)
    .bind(f.open)
    .bind(f.from)
    .bind(f.to)
    .bind(f.limit)
    .fetch_all(pool)
    .await
}
