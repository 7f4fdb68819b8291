//! Reads of the grid tree. Areas are code prefixes (`code GLOB prefix || '*'`).
use crate::domain::ids::{AccountId, NodeId};
use crate::dto::AreaSummary;
use sqlx::SqlitePool;

/// A micro-grid to choose at sign-up: id and "社区 · 微网格".
pub async fn micro_grid_choices(pool: &SqlitePool) -> Result<Vec<(NodeId, String)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT m.id, c.name || ' · ' || m.name FROM grid_nodes m
         JOIN grid_nodes g ON g.id = m.parent_id JOIN grid_nodes c ON c.id = g.parent_id
         WHERE m.level = 'micro_grid' ORDER BY m.code",
    )
    .fetch_all(pool)
    .await
}

pub async fn is_micro_grid(pool: &SqlitePool, id: NodeId) -> Result<bool, sqlx::Error> {
    sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM grid_nodes WHERE id = ? AND level = 'micro_grid')")
        .bind(id)
        .fetch_one(pool)
        .await
}

/// The sums of a node's subtree. The subtree is a range of codes (every code is digits, so
/// the codes starting with `c.code` lie between it and `c.code || ':'`); the range lets each
/// sum walk the code index from the subtree's nodes to their records (CROSS JOIN keeps that
/// order) instead of scanning every record of the city per node. The GLOB keeps it exact.
const SUMMARY_COLUMNS: &str = "c.id, c.level, c.code, c.name,
    (SELECT count(*) FROM grid_nodes n CROSS JOIN households h ON h.node_id = n.id
       WHERE n.code >= c.code AND n.code < c.code || ':' AND n.code GLOB c.code || '*') AS households,
    (SELECT count(*) FROM grid_nodes n CROSS JOIN people p ON p.micro_grid_id = n.id
       WHERE n.code >= c.code AND n.code < c.code || ':' AND n.code GLOB c.code || '*') AS residents,
    (SELECT coalesce(sum(h.over_sixty), 0) FROM grid_nodes n CROSS JOIN households h ON h.node_id = n.id
       WHERE n.code >= c.code AND n.code < c.code || ':' AND n.code GLOB c.code || '*') AS over_sixty,
    (SELECT count(*) FROM grid_nodes n CROSS JOIN elder_profiles e ON e.micro_grid_id = n.id
       WHERE e.living_alone = 1 AND n.code >= c.code AND n.code < c.code || ':' AND n.code GLOB c.code || '*') AS living_alone,
    (SELECT count(*) FROM grid_nodes n CROSS JOIN service_orders o ON o.micro_grid_id = n.id AND o.status = 'open'
       WHERE n.code >= c.code AND n.code < c.code || ':' AND n.code GLOB c.code || '*') AS open_orders,
    (SELECT group_concat(p.full_name, '、') FROM role_assignments r JOIN accounts a ON a.id = r.account_id JOIN people p ON p.id = a.person_id
       WHERE r.node_id = c.id AND r.role IN ('grid_leader', 'community_admin', 'subdistrict_admin')) AS leaders,
    (SELECT group_concat(p.full_name, '、') FROM role_assignments r JOIN accounts a ON a.id = r.account_id JOIN people p ON p.id = a.person_id
       WHERE r.node_id = c.id AND r.role = 'micro_grid_member') AS members,
    (SELECT s.name FROM stations s WHERE s.node_id = c.id ORDER BY s.id LIMIT 1) AS station,
    c.version";

/// The node itself and its children, each with subtree sums.
pub async fn area_overview(
    pool: &SqlitePool,
    node_id: NodeId,
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

/// The grid code of the area a live event about object `id` of `topic` belongs to: the
/// order's or 民情 item's micro-grid, the election's scope, the node itself (grid edits,
/// presence). `None`, the whole city, for notices, whose ids name different things.
pub async fn area_of(
    conn: &mut sqlx::SqliteConnection,
    topic: crate::live::Topic,
    id: i64,
) -> Result<Option<String>, sqlx::Error> {
    use crate::live::Topic;
    let sql = match topic {
        Topic::Orders => {
            "SELECT g.code FROM service_orders o JOIN grid_nodes g ON g.id = o.micro_grid_id WHERE o.id = ?"
        }
        Topic::Sentiment => {
            "SELECT g.code FROM sentiment_items i JOIN grid_nodes g ON g.id = i.micro_grid_id WHERE i.id = ?"
        }
        Topic::Election => {
            "SELECT g.code FROM star_elections e JOIN grid_nodes g ON g.id = e.scope_node_id WHERE e.id = ?"
        }
        Topic::Grid | Topic::Presence => "SELECT code FROM grid_nodes WHERE id = ?",
        Topic::Notices | Topic::Mine => return Ok(None),
    };
    sqlx::query_scalar(sql).bind(id).fetch_optional(conn).await
}

/// The code of a node, if it exists.
pub async fn code_of(pool: &SqlitePool, node_id: NodeId) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar("SELECT code FROM grid_nodes WHERE id = ?").bind(node_id).fetch_optional(pool).await
}

pub async fn name_by_code(pool: &SqlitePool, code: &str) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar("SELECT name FROM grid_nodes WHERE code = ?").bind(code).fetch_optional(pool).await
}

/// The node of a code, with its name.
pub async fn node_by_code(
    conn: &mut sqlx::SqliteConnection,
    code: &str,
) -> Result<Option<(NodeId, String)>, sqlx::Error> {
    sqlx::query_as("SELECT id, name FROM grid_nodes WHERE code = ?").bind(code).fetch_optional(&mut *conn).await
}

// ---------------------------------------------------------------------------------------
// Editing the tree. Every write is conditional on the node's version.

/// A node as an edit needs it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct EditNode {
    pub id: NodeId,
    pub parent_id: Option<NodeId>,
    pub level: String,
    pub code: String,
    pub name: String,
    pub version: i64,
}

pub async fn node_for_edit(conn: &mut sqlx::SqliteConnection, id: NodeId) -> Result<Option<EditNode>, sqlx::Error> {
    sqlx::query_as("SELECT id, parent_id, level, code, name, version FROM grid_nodes WHERE id = ?")
        .bind(id)
        .fetch_optional(&mut *conn)
        .await
}

/// Renames the node if it is still at `version`.
pub async fn rename(
    conn: &mut sqlx::SqliteConnection,
    id: NodeId,
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
    parent_id: NodeId,
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

/// Gives the node with code `old` and its whole subtree the prefix `new` (a fresh child
/// code, so no recoded row can collide with another).
async fn recode_subtree(conn: &mut sqlx::SqliteConnection, old: &str, new: &str) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE grid_nodes SET code = ?1 || substr(code, length(?2) + 1) WHERE code GLOB ?2 || '*'")
        .bind(new)
        .bind(old)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// The audit history of node `from` is shown under node `to` (it is going away).
pub async fn move_history(conn: &mut sqlx::SqliteConnection, from: NodeId, to: NodeId) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE audit_log SET node_id = ? WHERE node_id = ?").bind(to).bind(from).execute(&mut *conn).await?;
    Ok(())
}

/// Moves the node (if still at `version`) under `new_parent` and gives its whole subtree
/// the new code prefix. Records (orders, 民情, elders) follow by id.
pub async fn move_subtree(
    conn: &mut sqlx::SqliteConnection,
    node: &EditNode,
    new_parent: NodeId,
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
    recode_subtree(&mut *conn, &node.code, new_code).await?;
    Ok(true)
}

/// Nodes inside `area` whose name contains `q` or whose code starts with it: (id, level, code, name).
pub async fn search(
    pool: &SqlitePool,
    area: &str,
    q: &str,
    limit: i64,
) -> Result<Vec<(NodeId, String, String, String)>, sqlx::Error> {
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
pub async fn nodes_at_level(pool: &SqlitePool, area: &str, level: &str) -> Result<Vec<(NodeId, String)>, sqlx::Error> {
    sqlx::query_as("SELECT id, name FROM grid_nodes WHERE code GLOB ? || '*' AND level = ? ORDER BY code LIMIT 500")
        .bind(area)
        .bind(level)
        .fetch_all(pool)
        .await
}

/// Every column that points at a grid node and follows it when the node is merged into
/// another (or deleted with its contents reassigned). `role_assignments` is handled
/// apart (duplicates collapse); `audit_log` keeps its history; `community_settings`
/// belong to the community that is kept. A test checks this list against the schema.
pub const NODE_REFERENCES: [(&str, &str); 19] = [
    ("stations", "node_id"),
    ("households", "node_id"),
    ("people", "micro_grid_id"),
    ("people", "building_id"),
    ("volunteer_profiles", "service_node_id"),
    ("offers", "node_id"),
    ("service_orders", "micro_grid_id"),
    ("service_orders", "building_id"),
    ("feed_posts", "node_id"),
    ("star_elections", "scope_node_id"),
    ("sentiment_items", "micro_grid_id"),
    ("sentiment_items", "building_id"),
    ("sentiment_items", "unit_id"),
    ("elder_profiles", "micro_grid_id"),
    ("welfare_checks", "micro_grid_id"),
    ("welfare_checks", "area_id"),
    ("api_keys", "node_id"),
    ("activities", "node_id"),
    ("council_topics", "node_id"),
];

/// What a node holds: child nodes, and records pointing at it (people, orders, ...).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Contents {
    pub children: i64,
    pub records: i64,
}

impl Contents {
    pub fn is_empty(self) -> bool {
        self.children == 0 && self.records == 0
    }
}

pub async fn contents(conn: &mut sqlx::SqliteConnection, id: NodeId) -> Result<Contents, sqlx::Error> {
    let children = sqlx::query_scalar("SELECT count(*) FROM grid_nodes WHERE parent_id = ?")
        .bind(id)
        .fetch_one(&mut *conn)
        .await?;
    let mut records = 0;
    for (table, column) in NODE_REFERENCES.iter().copied().chain([("role_assignments", "node_id")]) {
        let n: i64 =
            sqlx::query_scalar(sqlx::AssertSqlSafe(format!("SELECT count(*) FROM {table} WHERE {column} = ?")))
                .bind(id)
                .fetch_one(&mut *conn)
                .await?;
        records += n;
    }
    Ok(Contents { children, records })
}

/// Adds a node under `parent` with the given code and sequence; returns its id.
pub async fn insert_node(
    conn: &mut sqlx::SqliteConnection,
    parent: NodeId,
    level: &str,
    code: &str,
    name: &str,
    sort_order: i64,
    now: i64,
) -> Result<NodeId, sqlx::Error> {
    sqlx::query_scalar(
        "INSERT INTO grid_nodes (parent_id, level, code, name, sort_order, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
    )
    .bind(parent)
    .bind(level)
    .bind(code)
    .bind(name)
    .bind(sort_order)
    .bind(now)
    .bind(now)
    .fetch_one(&mut *conn)
    .await
}

/// Deletes the node if it is still at `version` (its contents must have gone first).
pub async fn delete_node(conn: &mut sqlx::SqliteConnection, id: NodeId, version: i64) -> Result<bool, sqlx::Error> {
    let done = sqlx::query("DELETE FROM grid_nodes WHERE id = ? AND version = ?")
        .bind(id)
        .bind(version)
        .execute(&mut *conn)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// Counts an edit on a node that is not otherwise written (a merge target, a split source).
pub async fn bump(conn: &mut sqlx::SqliteConnection, id: NodeId, version: i64, now: i64) -> Result<bool, sqlx::Error> {
    let done = sqlx::query("UPDATE grid_nodes SET version = version + 1, updated_at = ? WHERE id = ? AND version = ?")
        .bind(now)
        .bind(id)
        .bind(version)
        .execute(&mut *conn)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// The children of a node: (id, level, code, version), in order.
pub async fn children_of(
    conn: &mut sqlx::SqliteConnection,
    id: NodeId,
) -> Result<Vec<(NodeId, String, String, i64)>, sqlx::Error> {
    sqlx::query_as("SELECT id, level, code, version FROM grid_nodes WHERE parent_id = ? ORDER BY sort_order, id")
        .bind(id)
        .fetch_all(&mut *conn)
        .await
}

/// Hangs an existing node (any version) under `new_parent` with a fresh child code,
/// recoding its subtree. Returns the new code.
pub async fn reparent(
    conn: &mut sqlx::SqliteConnection,
    id: NodeId,
    code: &str,
    level: crate::domain::grid::NodeLevel,
    new_parent: (NodeId, &str),
    now: i64,
) -> Result<Option<String>, sqlx::Error> {
    let seq = next_child_seq(&mut *conn, new_parent.0, new_parent.1).await?;
    let Ok(new_code) = crate::domain::grid::child_code(new_parent.1, level, seq) else { return Ok(None) };
    sqlx::query(
        "UPDATE grid_nodes SET parent_id = ?, sort_order = ?, version = version + 1, updated_at = ? WHERE id = ?",
    )
    .bind(new_parent.0)
    .bind(i64::from(seq))
    .bind(now)
    .bind(id)
    .execute(&mut *conn)
    .await?;
    recode_subtree(&mut *conn, code, &new_code).await?;
    Ok(Some(new_code))
}

/// The people, orders, 民情 items, elders and residents' home roles of `buildings`
/// follow them into the micro-grid `micro_grid`.
pub async fn follow_buildings(
    conn: &mut sqlx::SqliteConnection,
    buildings: &[NodeId],
    micro_grid: NodeId,
) -> Result<(), sqlx::Error> {
    for &b in buildings {
        sqlx::query(
            "UPDATE role_assignments SET node_id = ?1 WHERE role IN ('resident', 'volunteer') AND account_id IN
               (SELECT a.id FROM accounts a JOIN people p ON p.id = a.person_id WHERE p.building_id = ?2)
             AND node_id IN (SELECT micro_grid_id FROM people WHERE building_id = ?2)
             AND NOT EXISTS (SELECT 1 FROM role_assignments r2 WHERE r2.account_id = role_assignments.account_id
                             AND r2.role = role_assignments.role AND r2.node_id = ?1)",
        )
        .bind(micro_grid)
        .bind(b)
        .execute(&mut *conn)
        .await?;
        sqlx::query(
            "UPDATE elder_profiles SET micro_grid_id = ?1 WHERE person_id IN (SELECT id FROM people WHERE building_id = ?2)",
        )
        .bind(micro_grid)
        .bind(b)
        .execute(&mut *conn)
        .await?;
        for table in ["people", "service_orders", "sentiment_items"] {
            sqlx::query(sqlx::AssertSqlSafe(format!("UPDATE {table} SET micro_grid_id = ? WHERE building_id = ?")))
                .bind(micro_grid)
                .bind(b)
                .execute(&mut *conn)
                .await?;
        }
    }
    Ok(())
}

/// Why a merge could not be done.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MergeRefusal {
    /// The absorbed node changed since the admin saw it.
    Stale,
    /// Both nodes hold a record that must be unique (two households with the same room).
    Collision,
    /// The kept node has no room for more child codes.
    Full,
}

/// Merges `from` into `into` (same level): its children move under `into` with fresh
/// codes, every record pointing at it points at `into`, and `from` is deleted.
pub async fn merge_into(
    conn: &mut sqlx::SqliteConnection,
    from: &EditNode,
    into: &EditNode,
    now: i64,
) -> Result<Result<(), MergeRefusal>, sqlx::Error> {
    use crate::domain::grid::NodeLevel;
    if !bump(&mut *conn, from.id, from.version, now).await? {
        return Ok(Err(MergeRefusal::Stale));
    }
    for (child, level, code, _) in children_of(&mut *conn, from.id).await? {
        let Some(level) = NodeLevel::parse(&level) else { continue };
        if reparent(&mut *conn, child, &code, level, (into.id, &into.code), now).await?.is_none() {
            return Ok(Err(MergeRefusal::Full));
        }
    }
    for (table, column) in NODE_REFERENCES {
        let moved = sqlx::query(sqlx::AssertSqlSafe(format!("UPDATE {table} SET {column} = ? WHERE {column} = ?")))
            .bind(into.id)
            .bind(from.id)
            .execute(&mut *conn)
            .await;
        match moved {
            Err(sqlx::Error::Database(e)) if e.is_unique_violation() => return Ok(Err(MergeRefusal::Collision)),
            other => other?,
        };
    }
    // A person holding the same role on both keeps one.
    sqlx::query("UPDATE OR IGNORE role_assignments SET node_id = ? WHERE node_id = ?")
        .bind(into.id)
        .bind(from.id)
        .execute(&mut *conn)
        .await?;
    sqlx::query("DELETE FROM role_assignments WHERE node_id = ?").bind(from.id).execute(&mut *conn).await?;
    // The history of the absorbed node stays visible under the node that took it in.
    move_history(&mut *conn, from.id, into.id).await?;
    sqlx::query("DELETE FROM community_settings WHERE node_id = ?").bind(from.id).execute(&mut *conn).await?;
    sqlx::query("DELETE FROM grid_nodes WHERE id = ?").bind(from.id).execute(&mut *conn).await?;
    Ok(Ok(()))
}

/// People who can be given a staff role on a node: accounts living in `area`, with
/// a name and masked phone, at most 300: (account id, name, phone).
pub async fn people_in_area(pool: &SqlitePool, area: &str) -> Result<Vec<(AccountId, String, String)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT a.id, p.full_name, a.phone FROM accounts a JOIN people p ON p.id = a.person_id
         JOIN grid_nodes m ON m.id = p.micro_grid_id
         WHERE m.code GLOB ? || '*' AND a.disabled_at IS NULL ORDER BY p.full_name, a.id LIMIT 300",
    )
    .bind(area)
    .fetch_all(pool)
    .await
}

/// Staff roles held on a node: (assignment id, account id, role, name).
pub async fn staff_of(
    conn: &mut sqlx::SqliteConnection,
    node: NodeId,
) -> Result<Vec<(i64, AccountId, String, String)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT r.id, r.account_id, r.role, p.full_name FROM role_assignments r
         JOIN accounts a ON a.id = r.account_id JOIN people p ON p.id = a.person_id
         WHERE r.node_id = ? AND r.role IN ('micro_grid_member', 'grid_leader', 'community_admin', 'subdistrict_admin')
         ORDER BY r.role DESC, r.id",
    )
    .bind(node)
    .fetch_all(&mut *conn)
    .await
}

/// Whether the account's person lives inside `area`.
pub async fn lives_in(conn: &mut sqlx::SqliteConnection, account: AccountId, area: &str) -> Result<bool, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM accounts a JOIN people p ON p.id = a.person_id
           JOIN grid_nodes m ON m.id = p.micro_grid_id
           WHERE a.id = ? AND a.disabled_at IS NULL AND m.code GLOB ? || '*')",
    )
    .bind(account)
    .bind(area)
    .fetch_one(&mut *conn)
    .await
}

/// Gives `account` the `role` on `node`; returns the assignment id (an existing one if held).
pub async fn grant(
    conn: &mut sqlx::SqliteConnection,
    account: AccountId,
    role: &str,
    node: NodeId,
    granted_by: AccountId,
) -> Result<i64, sqlx::Error> {
    sqlx::query("INSERT OR IGNORE INTO role_assignments (account_id, role, node_id, granted_by) VALUES (?, ?, ?, ?)")
        .bind(account)
        .bind(role)
        .bind(node)
        .bind(granted_by)
        .execute(&mut *conn)
        .await?;
    sqlx::query_scalar("SELECT id FROM role_assignments WHERE account_id = ? AND role = ? AND node_id = ?")
        .bind(account)
        .bind(role)
        .bind(node)
        .fetch_one(&mut *conn)
        .await
}

/// A staff assignment: (account, role, node id, node code).
pub async fn assignment(
    conn: &mut sqlx::SqliteConnection,
    id: i64,
) -> Result<Option<(AccountId, String, NodeId, String)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT r.account_id, r.role, r.node_id, n.code FROM role_assignments r JOIN grid_nodes n ON n.id = r.node_id
         WHERE r.id = ?",
    )
    .bind(id)
    .fetch_optional(&mut *conn)
    .await
}

pub async fn revoke(conn: &mut sqlx::SqliteConnection, id: i64) -> Result<bool, sqlx::Error> {
    Ok(sqlx::query("DELETE FROM role_assignments WHERE id = ?").bind(id).execute(&mut *conn).await?.rows_affected()
        == 1)
}

/// Nodes of `level` inside `area`, other than `except`: (id, name) to merge into.
pub async fn same_level(
    pool: &SqlitePool,
    area: &str,
    level: &str,
    except: NodeId,
) -> Result<Vec<(NodeId, String)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, name FROM grid_nodes WHERE code GLOB ? || '*' AND level = ? AND id <> ? ORDER BY code LIMIT 500",
    )
    .bind(area)
    .bind(level)
    .bind(except)
    .fetch_all(pool)
    .await
}
