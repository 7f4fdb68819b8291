//! Online backups and restore.
//!
//! A backup is `VACUUM INTO` a timestamped file while the server keeps serving (SQLite
//! copies one consistent snapshot of the WAL database), then `PRAGMA integrity_check` on
//! the copy; a copy that fails the check is deleted. A restore checks the file the same
//! way and puts it in place of the database with a rename, so the database is either the
//! old one or the whole copy. Restore while the server is stopped.
use sqlx::sqlite::{SqliteConnectOptions, SqlitePoolOptions};
use sqlx::SqlitePool;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Duration;

#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    #[error("database: {0}")]
    Db(#[from] sqlx::Error),
    #[error("file system: {0}")]
    Io(#[from] std::io::Error),
    #[error("the copy failed its integrity check ({0}); it was deleted")]
    Corrupt(String),
    #[error("{0} is not a SQLite database that passes its integrity check: {1}")]
    BadSource(PathBuf, String),
    #[error("the database URL {0} does not name a file")]
    NotAFile(String),
}

/// The file of a `sqlite://path/to/file.db` URL.
pub fn database_path(url: &str) -> Result<PathBuf, BackupError> {
    let path = url.trim_start_matches("sqlite://").trim_start_matches("sqlite:");
    let path = path.split('?').next().unwrap_or("");
    if path.is_empty() || path.starts_with(':') {
        return Err(BackupError::NotAFile(url.to_string()));
    }
    Ok(PathBuf::from(path))
}

/// `gridstation-20261201-223000.db` (China time): sorts by time, never collides within a
/// second (a second backup in the same second gets `-2`, `-3`...).
fn backup_name(dir: &Path, now: i64) -> PathBuf {
    let secs = (now + 8 * 3600).rem_euclid(86_400);
    let date = app::domain::time::format_local_date(now).replace('-', "");
    let stamp = format!("{date}-{:02}{:02}{:02}", secs / 3600, secs % 3600 / 60, secs % 60);
    let first = dir.join(format!("gridstation-{stamp}.db"));
    if !first.exists() {
        return first;
    }
    (2..).map(|n| dir.join(format!("gridstation-{stamp}-{n}.db"))).find(|p| !p.exists()).unwrap_or(first)
}

/// Runs `PRAGMA integrity_check` on a database file opened read-only.
pub async fn integrity(path: &Path) -> Result<String, sqlx::Error> {
    let options = SqliteConnectOptions::new().filename(path).read_only(true).create_if_missing(false);
    let pool = SqlitePoolOptions::new().max_connections(1).connect_with(options).await?;
    let check = app::repo::db::integrity_check(&pool).await?;
    pool.close().await;
    Ok(check)
}

/// Makes an online backup of the open database into `dir`; returns the new file.
pub async fn backup(pool: &SqlitePool, dir: &Path) -> Result<PathBuf, BackupError> {
    std::fs::create_dir_all(dir)?;
    let target = backup_name(dir, app::repo::now());
    let Some(target_str) = target.to_str() else { return Err(BackupError::NotAFile(target.display().to_string())) };
    app::repo::db::vacuum_into(pool, target_str).await?;
    match integrity(&target).await {
        Ok(check) if check == "ok" => Ok(target),
        Ok(check) => {
            std::fs::remove_file(&target)?;
            Err(BackupError::Corrupt(check))
        }
        Err(err) => {
            std::fs::remove_file(&target)?;
            Err(BackupError::Corrupt(err.to_string()))
        }
    }
}

/// Backs up the database at `url` (opened for this only) into `dir`.
pub async fn backup_url(url: &str, dir: &Path) -> Result<PathBuf, BackupError> {
    let options = SqliteConnectOptions::from_str(url)?.create_if_missing(false).busy_timeout(Duration::from_secs(30));
    let pool = SqlitePoolOptions::new().max_connections(1).connect_with(options).await?;
    let out = backup(&pool, dir).await;
    pool.close().await;
    out
}

/// Deletes all but the newest `keep` backups in `dir`. Returns how many were deleted.
pub fn prune(dir: &Path, keep: usize) -> Result<usize, BackupError> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.starts_with("gridstation-") && n.ends_with(".db"))
        })
        .collect();
    files.sort_by_key(|p| std::fs::metadata(p).and_then(|m| m.modified()).ok());
    let excess = files.len().saturating_sub(keep);
    for old in &files[..excess] {
        std::fs::remove_file(old)?;
    }
    Ok(excess)
}

/// Puts the backup `source` in place of the database at `url`: checked first, copied
/// next to the database, then renamed over it (the old WAL files are removed so they
/// cannot be replayed onto the restored file). The server must be stopped.
pub async fn restore(source: &Path, url: &str) -> Result<PathBuf, BackupError> {
    let target = database_path(url)?;
    match integrity(source).await {
        Ok(check) if check == "ok" => {}
        Ok(check) => return Err(BackupError::BadSource(source.to_path_buf(), check)),
        Err(err) => return Err(BackupError::BadSource(source.to_path_buf(), err.to_string())),
    }
    if let Some(dir) = target.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    let staging = target.with_extension("restoring");
    std::fs::copy(source, &staging)?;
    std::fs::File::open(&staging)?.sync_all()?;
    for suffix in ["-wal", "-shm"] {
        let side = PathBuf::from(format!("{}{suffix}", target.display()));
        if side.exists() {
            std::fs::remove_file(side)?;
        }
    }
    std::fs::rename(&staging, &target)?;
    Ok(target)
}

/// The optional schedule: a backup every `every`, keeping the newest `keep`.
pub async fn every(pool: SqlitePool, dir: PathBuf, every: Duration, keep: usize) {
    let mut tick = tokio::time::interval(every);
    tick.tick().await; // the first tick is immediate: the first backup waits one period
    loop {
        tick.tick().await;
        match backup(&pool, &dir).await {
            Ok(file) => {
                tracing::info!(file = %file.display(), "scheduled backup written");
                if let Err(err) = prune(&dir, keep) {
                    tracing::error!(%err, "pruning old backups failed");
                }
            }
            Err(err) => tracing::error!(%err, "scheduled backup failed"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn database_urls_name_their_file() {
        assert_eq!(database_path("sqlite://data/x.db").expect("path"), PathBuf::from("data/x.db"));
        assert_eq!(database_path("sqlite:///tmp/x.db?mode=rwc").expect("path"), PathBuf::from("/tmp/x.db"));
        assert!(database_path("sqlite::memory:").is_err());
    }

    #[test]
    fn backup_names_sort_by_time_and_never_collide() {
        let dir = tempfile::tempdir().expect("tempdir");
        let a = backup_name(dir.path(), 1_764_600_000);
        assert!(a.to_string_lossy().ends_with("gridstation-20251201-224000.db"), "{}", a.display());
        std::fs::write(&a, b"x").expect("write");
        let b = backup_name(dir.path(), 1_764_600_000);
        assert!(b.to_string_lossy().ends_with("-2.db"));
    }

    #[test]
    fn pruning_keeps_the_newest() {
        let dir = tempfile::tempdir().expect("tempdir");
        for i in 0..5 {
            std::fs::write(dir.path().join(format!("gridstation-{i}.db")), b"x").expect("write");
            std::thread::sleep(Duration::from_millis(15));
        }
        std::fs::write(dir.path().join("notes.txt"), b"keep me").expect("write");
        assert_eq!(prune(dir.path(), 2).expect("prune"), 3);
        let mut left: Vec<String> = std::fs::read_dir(dir.path())
            .expect("dir")
            .map(|e| e.expect("e").file_name().into_string().expect("utf8"))
            .collect();
        left.sort();
        assert_eq!(left, ["gridstation-3.db", "gridstation-4.db", "notes.txt"]);
    }
}
