//! Opening the database: pragmas, the SQLite version check and migrations.
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{Sqlite, SqlitePool, Transaction};
use std::str::FromStr;
use std::time::Duration;

/// The oldest SQLite we run on: 3.51.3 fixes the WAL-reset corruption bug.
pub const MIN_SQLITE_VERSION: (u32, u32, u32) = (3, 51, 3);

#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("bundled SQLite {0} is older than 3.51.3 (WAL-reset corruption fix); refusing to start")]
    SqliteTooOld(String),
    #[error(transparent)]
    Sqlx(#[from] sqlx::Error),
    #[error(transparent)]
    Migrate(#[from] sqlx::migrate::MigrateError),
}

/// Parses "3.51.3" into a comparable triple.
pub fn parse_version(v: &str) -> Option<(u32, u32, u32)> {
    let mut parts = v.trim().split('.').map(|p| p.parse::<u32>().ok());
    Some((parts.next()??, parts.next()??, parts.next().flatten().unwrap_or(0)))
}

/// Opens (creating if missing) the database at `url` in WAL mode with foreign keys,
/// a busy timeout and full fsync, checks the SQLite version and runs the migrations.
pub async fn connect(url: &str, max_connections: u32) -> Result<SqlitePool, DbError> {
    let options = SqliteConnectOptions::from_str(url)?
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Full)
        .foreign_keys(true)
        .busy_timeout(Duration::from_secs(10));
    let pool =
        SqlitePoolOptions::new().max_connections(max_connections).min_connections(1).connect_with(options).await?;
    let version: String = sqlx::query_scalar("SELECT sqlite_version()").fetch_one(&pool).await?;
    if parse_version(&version).is_none_or(|v| v < MIN_SQLITE_VERSION) {
        return Err(DbError::SqliteTooOld(version));
    }
    sqlx::migrate!("../migrations").run(&pool).await?;
    Ok(pool)
}

/// Starts a write transaction that takes the write lock at once, so that two writers
/// never both read and then collide at commit.
pub async fn begin_immediate(pool: &SqlitePool) -> Result<Transaction<'static, Sqlite>, sqlx::Error> {
    pool.begin_with("BEGIN IMMEDIATE").await
}

/// Whether the database answers (for `/healthz`).
pub async fn ping(pool: &SqlitePool) -> bool {
    sqlx::query_scalar::<_, i64>("SELECT 1").fetch_one(pool).await.is_ok()
}

/// `PRAGMA integrity_check` of a database: "ok" when it is sound.
pub async fn integrity_check(pool: &SqlitePool) -> Result<String, sqlx::Error> {
    sqlx::query_scalar("PRAGMA integrity_check").fetch_one(pool).await
}

/// An online copy of the database into the new file `target` (`VACUUM INTO`).
pub async fn vacuum_into(pool: &SqlitePool, target: &str) -> Result<(), sqlx::Error> {
    sqlx::query("VACUUM INTO ?").bind(target).execute(pool).await.map(|_| ())
}

/// Asserts that an enum stored as TEXT is written as `as_str` spells each of `values`, read
/// back from that spelling, and that a spelling none of them has ('unknown') is refused:
/// rows decode only if sqlx spells each value as the CHECKs allow.
#[cfg(test)]
pub(crate) async fn assert_stored_as_text<T>(values: impl IntoIterator<Item = T>, as_str: fn(T) -> &'static str)
where
    T: for<'q> sqlx::Encode<'q, Sqlite> + for<'r> sqlx::Decode<'r, Sqlite> + sqlx::Type<Sqlite>,
    T: Copy + PartialEq + std::fmt::Debug + Send + Unpin + 'static,
{
    use sqlx::Connection;
    let mut conn = sqlx::SqliteConnection::connect("sqlite::memory:").await.expect("connect");
    for v in values {
        let text: String = sqlx::query_scalar("SELECT ?").bind(v).fetch_one(&mut conn).await.expect("write");
        assert_eq!(text, as_str(v), "{v:?} written");
        let read: T = sqlx::query_scalar("SELECT ?").bind(as_str(v)).fetch_one(&mut conn).await.expect("read");
        assert_eq!(read, v, "{v:?} read");
    }
    let unknown = sqlx::query_scalar::<_, T>("SELECT 'unknown'").fetch_one(&mut conn).await;
    assert!(unknown.is_err(), "'unknown' decoded as {unknown:?}");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_compare_numerically() {
        assert_eq!(parse_version("3.51.3"), Some((3, 51, 3)));
        assert!(parse_version("3.46.0").expect("parses") < MIN_SQLITE_VERSION);
        assert!(parse_version("3.100.0").expect("parses") > MIN_SQLITE_VERSION);
        assert_eq!(parse_version("junk"), None);
    }

    #[tokio::test]
    async fn a_new_database_is_migrated_in_wal_mode_with_foreign_keys() {
        let dir = tempfile::tempdir().expect("tempdir");
        let url = format!("sqlite://{}/t.db", dir.path().display());
        let pool = connect(&url, 2).await.expect("connect");
        let mode: String = sqlx::query_scalar("PRAGMA journal_mode").fetch_one(&pool).await.expect("pragma");
        let fk: i64 = sqlx::query_scalar("PRAGMA foreign_keys").fetch_one(&pool).await.expect("pragma");
        let version: String = sqlx::query_scalar("SELECT sqlite_version()").fetch_one(&pool).await.expect("v");
        assert_eq!((mode.as_str(), fk), ("wal", 1));
        assert!(parse_version(&version).expect("parses") >= MIN_SQLITE_VERSION, "{version}");
        let tables: i64 = sqlx::query_scalar("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name IN ('grid_nodes','accounts','service_orders','star_votes','sentiment_items','elder_profiles','audit_log')")
            .fetch_one(&pool)
            .await
            .expect("count");
        assert_eq!(tables, 7);
    }
}
