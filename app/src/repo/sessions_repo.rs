//! Server-side sessions. Only the SHA-256 of the cookie value is stored.
use crate::domain::ids::AccountId;
use sqlx::{SqliteConnection, SqlitePool};

pub async fn create(
    conn: &mut SqliteConnection,
    token_hash: &str,
    account_id: AccountId,
    now: i64,
    expires_at: i64,
    user_agent: &str,
) -> Result<(), sqlx::Error> {
    let user_agent: String = user_agent.chars().take(200).collect();
    sqlx::query("INSERT INTO sessions (token_hash, account_id, created_at, last_seen_at, expires_at, user_agent) VALUES (?, ?, ?, ?, ?, ?)")
        .bind(token_hash)
        .bind(account_id)
        .bind(now)
        .bind(now)
        .bind(expires_at)
        .bind(user_agent)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// What makes a session live (`s`, joined to its account `a`): not past its absolute
/// expiry, not idle too long, its account not disabled. Binds `now`, then `now - idle`.
macro_rules! live {
    () => {
        "s.expires_at > ? AND s.last_seen_at > ? AND a.disabled_at IS NULL"
    };
}

/// The live session's account (see [`live`]) and when it was last seen.
pub async fn find_live(
    pool: &SqlitePool,
    token_hash: &str,
    now: i64,
    idle_secs: i64,
) -> Result<Option<(AccountId, i64)>, sqlx::Error> {
    sqlx::query_as(concat!(
        "SELECT s.account_id, s.last_seen_at FROM sessions s JOIN accounts a ON a.id = s.account_id
         WHERE s.token_hash = ? AND ",
        live!()
    ))
    .bind(token_hash)
    .bind(now)
    .bind(now - idle_secs)
    .fetch_optional(pool)
    .await
}

/// Which of `token_hashes` are live sessions (see [`live`]), one statement for them all:
/// the open live streams' check. Callers keep the list within SQLite's bound parameters.
pub async fn live_among(
    pool: &SqlitePool,
    token_hashes: &[String],
    now: i64,
    idle_secs: i64,
) -> Result<std::collections::HashSet<String>, sqlx::Error> {
    let placeholders = vec!["?"; token_hashes.len()].join(", ");
    // Only placeholders are formatted in: every value is bound.
    let sql = format!(
        concat!(
            "SELECT s.token_hash FROM sessions s JOIN accounts a ON a.id = s.account_id
             WHERE s.token_hash IN ({}) AND ",
            live!()
        ),
        placeholders
    );
    let mut select = sqlx::query_scalar::<_, String>(sqlx::AssertSqlSafe(sql));
    for hash in token_hashes {
        select = select.bind(hash);
    }
    Ok(select.bind(now).bind(now - idle_secs).fetch_all(pool).await?.into_iter().collect())
}

pub async fn touch(conn: &mut SqliteConnection, token_hash: &str, now: i64) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE sessions SET last_seen_at = ? WHERE token_hash = ?")
        .bind(now)
        .bind(token_hash)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

pub async fn delete(conn: &mut SqliteConnection, token_hash: &str) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM sessions WHERE token_hash = ?").bind(token_hash).execute(&mut *conn).await?;
    Ok(())
}

/// Ends every session of an account (disabled, or changed password).
pub async fn delete_for_account(conn: &mut SqliteConnection, account_id: AccountId) -> Result<u64, sqlx::Error> {
    Ok(sqlx::query("DELETE FROM sessions WHERE account_id = ?")
        .bind(account_id)
        .execute(&mut *conn)
        .await?
        .rows_affected())
}

/// Sessions past their absolute limit (?1: now) or idle since ?2.
const EXPIRED: &str = "expires_at <= ?1 OR last_seen_at <= ?2";

pub async fn delete_expired(conn: &mut SqliteConnection, now: i64, idle_secs: i64) -> Result<u64, sqlx::Error> {
    Ok(sqlx::query(sqlx::AssertSqlSafe(format!("DELETE FROM sessions WHERE {EXPIRED}")))
        .bind(now)
        .bind(now - idle_secs)
        .execute(&mut *conn)
        .await?
        .rows_affected())
}

/// Whether [`delete_expired`] would delete anything (a read, for the periodic job).
pub async fn any_expired(conn: &mut SqliteConnection, now: i64, idle_secs: i64) -> Result<bool, sqlx::Error> {
    sqlx::query_scalar(sqlx::AssertSqlSafe(format!("SELECT EXISTS (SELECT 1 FROM sessions WHERE {EXPIRED})")))
        .bind(now)
        .bind(now - idle_secs)
        .fetch_one(&mut *conn)
        .await
}
