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
