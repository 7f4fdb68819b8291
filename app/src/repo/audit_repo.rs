//! The audit log. Never pass secrets (passwords, tokens, full phone numbers) here.
use crate::domain::audit::Action;
use crate::domain::ids::{AccountId, NodeId};
use sqlx::SqliteConnection;

/// One audit row.
#[derive(Debug, Clone)]
pub struct AuditEntry<'a> {
    pub actor_id: Option<AccountId>,
    pub action: Action,
    pub object_kind: &'a str,
    pub object_id: Option<i64>,
    pub node_id: Option<NodeId>,
    pub refused: bool,
    pub before_json: Option<String>,
    pub after_json: Option<String>,
    pub detail: String,
    pub ip: Option<String>,
}

impl<'a> AuditEntry<'a> {
    /// A row of `action` on an object of `object_kind`; the other fields are set with
    /// `..AuditEntry::of(action, kind)`.
    pub fn of(action: Action, object_kind: &'a str) -> Self {
        AuditEntry {
            actor_id: None,
            action,
            object_kind,
            object_id: None,
            node_id: None,
            refused: false,
            before_json: None,
            after_json: None,
            detail: String::new(),
            ip: None,
        }
    }
}

pub async fn record(conn: &mut SqliteConnection, entry: AuditEntry<'_>) -> Result<i64, sqlx::Error> {
    let detail: String = entry.detail.chars().take(1000).collect();
    let id = sqlx::query_scalar(
        "INSERT INTO audit_log (actor_id, action, object_kind, object_id, node_id, outcome, before_json, after_json, detail, ip)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
    )
    .bind(entry.actor_id)
    .bind(entry.action.as_str())
    .bind(entry.object_kind)
    .bind(entry.object_id)
    .bind(entry.node_id)
    .bind(if entry.refused { "refused" } else { "ok" })
    .bind(entry.before_json)
    .bind(entry.after_json)
    .bind(detail)
    .bind(entry.ip)
    .fetch_one(&mut *conn)
    .await?;
    Ok(id)
}

/// Records one row in its own `BEGIN IMMEDIATE` transaction: a refusal, written after the
/// request's own transaction was rolled back (or never begun).
pub async fn record_alone(pool: &sqlx::SqlitePool, entry: AuditEntry<'_>) -> Result<(), sqlx::Error> {
    let mut tx = super::begin_immediate(pool).await?;
    record(&mut tx, entry).await?;
    tx.commit().await
}

/// Count of audit rows with an action (for tests and the admin overview).
pub async fn count_action(conn: &mut SqliteConnection, action: &str) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("SELECT count(*) FROM audit_log WHERE action = ?").bind(action).fetch_one(&mut *conn).await
}

/// Records many rows with one statement per 90 rows (the group-commit vote writer).
pub async fn record_many(conn: &mut SqliteConnection, entries: &[AuditEntry<'_>]) -> Result<(), sqlx::Error> {
    for chunk in entries.chunks(90) {
        let mut insert = sqlx::QueryBuilder::new(
            "INSERT INTO audit_log (actor_id, action, object_kind, object_id, node_id, outcome, before_json, after_json, detail, ip) ",
        );
        insert.push_values(chunk, |mut row, entry| {
            row.push_bind(entry.actor_id)
                .push_bind(entry.action.as_str())
                .push_bind(entry.object_kind)
                .push_bind(entry.object_id)
                .push_bind(entry.node_id)
                .push_bind(if entry.refused { "refused" } else { "ok" })
                .push_bind(entry.before_json.clone())
                .push_bind(entry.after_json.clone())
                .push_bind(entry.detail.chars().take(1000).collect::<String>())
                .push_bind(entry.ip.clone());
        });
        insert.build().execute(&mut *conn).await?;
    }
    Ok(())
}

/// One audit row as an admin sees it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AuditRow {
    pub at: i64,
    pub actor: Option<String>,
    pub action: String,
    pub node: Option<String>,
    pub node_code: Option<String>,
    pub outcome: String,
    pub before_json: Option<String>,
    pub after_json: Option<String>,
    pub detail: String,
}

/// The columns of an [`AuditRow`] and the joins that name the actor and the node.
const ROW_SELECT: &str = "SELECT l.at, p.full_name AS actor, l.action, n.name AS node, n.code AS node_code, l.outcome,
        l.before_json, l.after_json, l.detail
    FROM audit_log l LEFT JOIN grid_nodes n ON n.id = l.node_id
    LEFT JOIN accounts a ON a.id = l.actor_id LEFT JOIN people p ON p.id = a.person_id";

/// The actions that edit the grid tree, and those that change its staff (both undoable).
const NODE_EDITS: &str = "'rename_node', 'move_node', 'create_node', 'delete_node', 'merge_node', 'split_node'";
const STAFF_EDITS: &str = "'assign_staff', 'remove_staff'";

/// The audit of edits to nodes inside `area`, newest first, filtered by the actor's name,
/// the node's name or code, and a time range. Votes are never listed (who took part is
/// nobody's business).
pub async fn list_in_area(
    pool: &sqlx::SqlitePool,
    area: &str,
    person: &str,
    node: &str,
    from: i64,
    to: i64,
    limit: i64,
) -> Result<Vec<AuditRow>, sqlx::Error> {
    // The node filter makes the node join an inner one.
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{ROW_SELECT}
         WHERE n.id IS NOT NULL AND n.code GLOB ?1 || '*' AND l.action <> 'cast_vote'
           AND (?2 = '' OR instr(p.full_name, ?2) > 0)
           AND (?3 = '' OR instr(n.name, ?3) > 0 OR substr(n.code, 1, length(?3)) = ?3)
           AND l.at >= ?4 AND l.at < ?5
         ORDER BY l.at DESC, l.id DESC LIMIT ?6"
    )))
    .bind(area)
    .bind(person)
    .bind(node)
    .bind(from)
    .bind(to)
    .bind(limit)
    .fetch_all(pool)
    .await
}

/// The account's latest grid edit not undone yet: (audit id, action, object id, before, after).
pub async fn last_grid_edit(
    conn: &mut SqliteConnection,
    account: AccountId,
) -> Result<Option<(i64, String, Option<i64>, Option<String>, Option<String>)>, sqlx::Error> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT a.id, a.action, a.object_id, a.before_json, a.after_json FROM audit_log a
         WHERE a.actor_id = ? AND a.outcome = 'ok'
           AND a.action IN ({NODE_EDITS}, {STAFF_EDITS})
           AND NOT EXISTS (SELECT 1 FROM audit_log u WHERE u.object_kind = 'audit' AND u.object_id = a.id
                           AND u.action = 'undo_edit' AND u.outcome = 'ok')
         ORDER BY a.id DESC LIMIT 1"
    )))
    .bind(account)
    .fetch_optional(&mut *conn)
    .await
}

/// Whether a grid edit after audit row `since` (other than one undone since) touched `node`.
pub async fn node_changed_since(conn: &mut SqliteConnection, node: NodeId, since: i64) -> Result<bool, sqlx::Error> {
    sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
        "SELECT EXISTS (SELECT 1 FROM audit_log a WHERE a.id > ?2 AND a.outcome = 'ok' AND (a.object_id = ?1 OR a.node_id = ?1)
           AND a.action IN ({NODE_EDITS})
           AND NOT EXISTS (SELECT 1 FROM audit_log u WHERE u.object_kind = 'audit' AND u.object_id = a.id
                           AND u.action = 'undo_edit' AND u.outcome = 'ok'))"
    )))
    .bind(node)
    .bind(since)
    .fetch_one(&mut *conn)
    .await
}

/// The account's newest grid edit or undo since `since`, as the audit page shows it: what
/// the grid editor reports right after an edit ("you just …").
pub async fn latest_grid_row(
    pool: &sqlx::SqlitePool,
    account: AccountId,
    since: i64,
) -> Result<Option<AuditRow>, sqlx::Error> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{ROW_SELECT}
         WHERE l.actor_id = ?1 AND l.at >= ?2 AND l.outcome = 'ok'
           AND l.action IN ({NODE_EDITS}, {STAFF_EDITS}, 'undo_edit')
         ORDER BY l.id DESC LIMIT 1"
    )))
    .bind(account)
    .bind(since)
    .fetch_optional(pool)
    .await
}
