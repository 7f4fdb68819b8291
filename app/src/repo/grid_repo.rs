//! Reads of the grid tree. Areas are code prefixes (`code GLOB prefix || '*'`).
use crate::dto::AreaSummary;
use sqlx::SqlitePool;

/// A micro-grid to choose at sign-up: id and "社区 · 微网格".
pub async fn micro_grid_choices(pool: &SqlitePool) -> Result<Vec<(i64, String)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT m.id, c.name || ' · ' || m.name FROM grid_nodes m
         JOIN grid_nodes g ON g.id = m.parent_id JOIN grid_nodes c ON c.id = g.parent_id
         WHERE m.level = 'micro_grid' ORDER BY m.code",
    )
    .fetch_all(pool)
    .await
}

pub async fn is_micro_grid(pool: &SqlitePool, id: i64) -> Result<bool, sqlx::Error> {
    sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM grid_nodes WHERE id = ? AND level = 'micro_grid')")
        .bind(id)
        .fetch_one(pool)
        .await
}

const SUMMARY_COLUMNS: &str = "c.id, c.level, c.code, c.name,
    (SELECT count(*) FROM households h JOIN grid_nodes n ON n.id = h.node_id WHERE n.code GLOB c.code || '*') AS households,
    (SELECT count(*) FROM people p JOIN grid_nodes n ON n.id = p.micro_grid_id WHERE n.code GLOB c.code || '*') AS residents,
    (SELECT coalesce(sum(h.over_sixty), 0) FROM households h JOIN grid_nodes n ON n.id = h.node_id WHERE n.code GLOB c.code || '*') AS over_sixty,
    (SELECT count(*) FROM elder_profiles e JOIN grid_nodes n ON n.id = e.micro_grid_id WHERE e.living_alone = 1 AND n.code GLOB c.code || '*') AS living_alone,
    (SELECT count(*) FROM service_orders o JOIN grid_nodes n ON n.id = o.micro_grid_id WHERE o.status = 'open' AND n.code GLOB c.code || '*') AS open_orders,
    (SELECT group_concat(p.full_name, '、') FROM role_assignments r JOIN accounts a ON a.id = r.account_id JOIN people p ON p.id = a.person_id
       WHERE r.node_id = c.id AND r.role IN ('grid_leader', 'community_admin', 'subdistrict_admin')) AS leaders,
    (SELECT s.name FROM stations s WHERE s.node_id = c.id ORDER BY s.id LIMIT 1) AS station";

/// The node itself and its children, each with subtree sums.
pub async fn area_overview(
    pool: &SqlitePool,
    node_id: i64,
) -> Result<Option<(AreaSummary, Vec<AreaSummary>)>, sqlx::Error> {
    let node: Option<AreaSummary> =
        sqlx::query_as(sqlx::AssertSqlSafe(format!("SELECT {SUMMARY_COLUMNS} FROM grid_nodes c WHERE c.id = ?")))
            .bind(node_id)
            .fetch_optional(pool)
            .await?;
    let Some(node) = node else { return Ok(None) };
    let children: Vec<AreaSummary> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {SUMMARY_COLUMNS} FROM grid_nodes c WHERE c.parent_id = ? ORDER BY c.sort_order, c.id"
    )))
    .bind(node_id)
    .fetch_all(pool)
    .await?;
    Ok(Some((node, children)))
}

/// The code of a node, if it exists.
pub async fn code_of(pool: &SqlitePool, node_id: i64) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar("SELECT code FROM grid_nodes WHERE id = ?").bind(node_id).fetch_optional(pool).await
}

pub async fn name_by_code(pool: &SqlitePool, code: &str) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar("SELECT name FROM grid_nodes WHERE code = ?").bind(code).fetch_optional(pool).await
}

// ---------------------------------------------------------------------------------------
// Editing the tree. Every write is conditional on the node's version.

/// A node as an edit needs it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct EditNode {
    pub id: i64,
    pub parent_id: Option<i64>,
    pub level: String,
    pub code: String,
    pub name: String,
    pub version: i64,
}

pub async fn node_for_edit(conn: &mut sqlx::SqliteConnection, id: i64) -> Result<Option<EditNode>, sqlx::Error> {
    sqlx::query_as("SELECT id, parent_id, level, code, name, version FROM grid_nodes WHERE id = ?")
        .bind(id)
        .fetch_optional(&mut *conn)
        .await
}

/// Renames the node if it is still at `version`.
pub async fn rename(
    conn: &mut sqlx::SqliteConnection,
    id: i64,
    version: i64,
    name: &str,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE grid_nodes SET name = ?, version = version + 1, updated_at = ? WHERE id = ? AND version = ?",
    )
    .bind(name)
    .bind(now)
    .bind(id)
    .bind(version)
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// The next free sequence number for a child of the node with `parent_code`.
pub async fn next_child_seq(
    conn: &mut sqlx::SqliteConnection,
    parent_id: i64,
    parent_code: &str,
) -> Result<u32, sqlx::Error> {
    let max: Option<i64> = sqlx::query_scalar(
        "SELECT max(CAST(substr(code, length(?) + 1) AS INTEGER)) FROM grid_nodes WHERE parent_id = ?",
    )
    .bind(parent_code)
    .bind(parent_id)
    .fetch_one(&mut *conn)
    .await?;
    Ok(u32::try_from(max.unwrap_or(0) + 1).unwrap_or(u32::MAX))
}

/// Moves the node (if still at `version`) under `new_parent` and gives its whole subtree
/// the new code prefix. Records (orders, 民情, elders) follow by id.
pub async fn move_subtree(
    conn: &mut sqlx::SqliteConnection,
    node: &EditNode,
    new_parent: i64,
    new_code: &str,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let moved = sqlx::query(
        "UPDATE grid_nodes SET parent_id = ?, version = version + 1, updated_at = ? WHERE id = ? AND version = ?",
    )
    .bind(new_parent)
    .bind(now)
    .bind(node.id)
    .bind(node.version)
    .execute(&mut *conn)
    .await?;
    if moved.rows_affected() != 1 {
        return Ok(false);
    }
    // The new prefix is a fresh child code, so no recoded row can collide with another.
    sqlx::query("UPDATE grid_nodes SET code = ?1 || substr(code, length(?2) + 1) WHERE code GLOB ?2 || '*'")
        .bind(new_code)
        .bind(&node.code)
        .execute(&mut *conn)
        .await?;
    Ok(true)
}

/// Nodes inside `area` whose name contains `q` or whose code starts with it: (id, level, code, name).
pub async fn search(
    pool: &SqlitePool,
    area: &str,
    q: &str,
    limit: i64,
) -> Result<Vec<(i64, String, String, String)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, level, code, name FROM grid_nodes
         WHERE code GLOB ?1 || '*' AND (instr(name, ?2) > 0 OR substr(code, 1, length(?2)) = ?2)
         ORDER BY length(code), code LIMIT ?3",
    )
    .bind(area)
    .bind(q)
    .bind(limit)
    .fetch_all(pool)
    .await
}

/// Nodes of `level` inside `area`, a new parent to choose: (id, name).
pub async fn nodes_at_level(pool: &SqlitePool, area: &str, level: &str) -> Result<Vec<(i64, String)>, sqlx::Error> {
    sqlx::query_as("SELECT id, name FROM grid_nodes WHERE code GLOB ? || '*' AND level = ? ORDER BY code LIMIT 500")
        .bind(area)
        .bind(level)
        .fetch_all(pool)
        .await
}
