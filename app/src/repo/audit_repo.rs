//! The audit log. Never pass secrets (passwords, tokens, full phone numbers) here.
use sqlx::SqliteConnection;

/// One audit row.
#[derive(Debug, Default, Clone)]
pub struct AuditEntry<'a> {
    pub actor_id: Option<i64>,
    pub action: &'a str,
    pub object_kind: &'a str,
    pub object_id: Option<i64>,
    pub node_id: Option<i64>,
    pub refused: bool,
    pub before_json: Option<String>,
    pub after_json: Option<String>,
    pub detail: String,
    pub ip: Option<String>,
}

pub async fn record(conn: &mut SqliteConnection, entry: AuditEntry<'_>) -> Result<i64, sqlx::Error> {
    let detail: String = entry.detail.chars().take(1000).collect();
    let id = sqlx::query_scalar(
        "INSERT INTO audit_log (actor_id, action, object_kind, object_id, node_id, outcome, before_json, after_json, detail, ip)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
    )
    .bind(entry.actor_id)
    .bind(entry.action)
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
                .push_bind(entry.action)
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
