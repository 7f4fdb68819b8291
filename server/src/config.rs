//! Start-up configuration from the command line and the environment.
use app::state::Settings;
use std::net::SocketAddr;
use std::time::Duration;

#[derive(Debug, Clone)]
pub struct Config {
    pub addr: SocketAddr,
    pub database_url: String,
    pub settings: Settings,
    /// Scheduled online backups, when `GRIDSTATION_BACKUP_EVERY_MINUTES` is set.
    pub backup: Option<BackupSchedule>,
    /// Fill an empty database with the demo city (`GRIDSTATION_DEMO=1`; `scripts/serve`
    /// and the tests ask for it). Without it an empty database starts empty.
    pub seed_demo: bool,
    /// Where `GET /metrics` answers (`GRIDSTATION_METRICS_ADDR`, e.g. 127.0.0.1:9100): page
    /// renders, SQL statements and live frames counted since the start, on a listener of
    /// its own (`crate::metrics`). Unset: no listener and no counting.
    pub metrics_addr: Option<SocketAddr>,
}

#[derive(Debug, Clone)]
pub struct BackupSchedule {
    pub dir: std::path::PathBuf,
    pub every: Duration,
    pub keep: usize,
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("{0}: expected HOST:PORT such as 127.0.0.1:3000")]
    BadAddr(String),
    #[error("unknown argument {0}; use --addr HOST:PORT")]
    UnknownArg(String),
    #[error("{0} must be a positive number")]
    BadNumber(&'static str),
    #[error(
        "DATABASE_URL {0} is not a database this server opens: use sqlite://path/to/file.db (PostgreSQL is not supported yet)"
    )]
    BadDatabaseUrl(String),
    #[error("GRIDSTATION_TRUSTED_PROXIES: {0} is not an IP address")]
    BadProxy(String),
}

/// Checks that `url` names a SQLite file (`sqlite://path`, `sqlite:path`, `sqlite::memory:`).
/// Anything else (a PostgreSQL URL, a typo) must stop start-up: SQLite would otherwise
/// take it as a file name and start on a new, empty file nobody knows about.
pub fn check_database_url(url: &str) -> Result<(), ConfigError> {
    let path = url.strip_prefix("sqlite://").or_else(|| url.strip_prefix("sqlite:"));
    match path {
        Some(p) if !p.is_empty() && !p.contains("://") => Ok(()),
        _ => Err(ConfigError::BadDatabaseUrl(redact(url))),
    }
}

/// A URL with any password replaced, fit for a log line.
fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let user_info = &url[scheme + 3..at];
            let user = user_info.split(':').next().unwrap_or("");
            format!("{}{user}:***{}", &url[..scheme + 3], &url[at..])
        }
        _ => url.to_string(),
    }
}

pub const DEFAULT_DATABASE_URL: &str = "sqlite://data/gridstation.db";

/// The variable that switches the counters on ([`Config::metrics_addr`]); `main` reads
/// it before the configuration, to set up the log with the SQL counter.
pub const METRICS_ADDR: &str = "GRIDSTATION_METRICS_ADDR";

impl Config {
    /// `--addr` beats `GRIDSTATION_ADDR` beats 127.0.0.1:3000; `DATABASE_URL` names the database.
    pub fn from_env_and_args(args: impl IntoIterator<Item = String>) -> Result<Self, ConfigError> {
        let mut addr = std::env::var("GRIDSTATION_ADDR").ok();
        let mut args = args.into_iter();
        while let Some(arg) = args.next() {
            if let Some(value) = arg.strip_prefix("--addr=") {
                addr = Some(value.to_string());
            } else if arg == "--addr" {
                addr = args.next();
            } else {
                return Err(ConfigError::UnknownArg(arg));
            }
        }
        let addr = addr.unwrap_or_else(|| "127.0.0.1:3000".into());
        let addr = addr.parse().map_err(|_| ConfigError::BadAddr(addr))?;
        let mut settings = Settings::default();
        if let Some(m) = env_number("GRIDSTATION_SESSION_IDLE_MINUTES")? {
            settings.session_idle = Duration::from_secs(m * 60);
        }
        if let Some(h) = env_number("GRIDSTATION_SESSION_HOURS")? {
            settings.session_absolute = Duration::from_secs(h * 3600);
        }
        if let Some(n) = env_number("GRIDSTATION_LOGIN_PER_IP_PER_MINUTE")? {
            settings.login_per_ip_per_minute = n as usize;
        }
        if let Some(n) = env_number("GRIDSTATION_VOTES_PER_IP_PER_MINUTE")? {
            settings.votes_per_ip_per_minute = n as usize;
        }
        if let Some(n) = env_number("GRIDSTATION_API_PER_IP_PER_MINUTE")? {
            settings.api_per_ip_per_minute = n as usize;
        }
        if let Some(n) = env_number("GRIDSTATION_REFUSALS_PER_IP_PER_MINUTE")? {
            settings.refusals_per_ip_per_minute = n as usize;
        }
        if let Some(n) = env_number("GRIDSTATION_MAX_STREAMS")? {
            settings.max_streams = n as usize;
        }
        if let Some(n) = env_number("GRIDSTATION_VOTE_BATCH")? {
            settings.vote_batch.max_batch = n as usize;
        }
        if let Some(ms) = env_number("GRIDSTATION_VOTE_WINDOW_MS")? {
            settings.vote_batch.window = Duration::from_millis(ms);
        }
        settings.secure_cookies = std::env::var("GRIDSTATION_SECURE_COOKIES").is_ok_and(|v| v == "1");
        settings.client_nav = std::env::var("GRIDSTATION_CLIENT_NAV").as_deref() != Ok("0");
        if let Ok(list) = std::env::var("GRIDSTATION_TRUSTED_PROXIES") {
            settings.trusted_proxies = list
                .split(',')
                .map(str::trim)
                .filter(|a| !a.is_empty())
                .map(|a| a.parse().map_err(|_| ConfigError::BadProxy(a.to_string())))
                .collect::<Result<_, _>>()?;
        }
        let database_url = std::env::var("DATABASE_URL").unwrap_or_else(|_| DEFAULT_DATABASE_URL.into());
        check_database_url(&database_url)?;
        let seed_demo = std::env::var("GRIDSTATION_DEMO").is_ok_and(|v| v == "1");
        let metrics_addr = match std::env::var(METRICS_ADDR) {
            Ok(addr) => Some(addr.parse().map_err(|_| ConfigError::BadAddr(addr))?),
            Err(_) => None,
        };
        let backup = match env_number("GRIDSTATION_BACKUP_EVERY_MINUTES")? {
            Some(minutes) => Some(BackupSchedule {
                dir: backup_dir(&database_url),
                every: Duration::from_secs(minutes * 60),
                keep: env_number("GRIDSTATION_BACKUP_KEEP")?.unwrap_or(24) as usize,
            }),
            None => None,
        };
        Ok(Self { addr, database_url, settings, backup, seed_demo, metrics_addr })
    }
}

/// `GRIDSTATION_BACKUP_DIR`, else `backups/` beside the database file.
pub fn backup_dir(database_url: &str) -> std::path::PathBuf {
    if let Ok(dir) = std::env::var("GRIDSTATION_BACKUP_DIR") {
        return dir.into();
    }
    crate::backup::database_path(database_url)
        .ok()
        .and_then(|p| p.parent().map(|d| d.join("backups")))
        .unwrap_or_else(|| "backups".into())
}

fn env_number(key: &'static str) -> Result<Option<u64>, ConfigError> {
    match std::env::var(key) {
        Ok(v) => v.parse().ok().filter(|n| *n > 0).map(Some).ok_or(ConfigError::BadNumber(key)),
        Err(_) => Ok(None),
    }
}

/// Creates the directory of a `sqlite://path/to/file.db` URL so a first start works.
pub fn ensure_db_dir(url: &str) -> std::io::Result<()> {
    let path = url.trim_start_matches("sqlite://").trim_start_matches("sqlite:");
    let path = path.split('?').next().unwrap_or("");
    if path.is_empty() || path.starts_with(':') {
        return Ok(());
    }
    match std::path::Path::new(path).parent() {
        Some(dir) if !dir.as_os_str().is_empty() => std::fs::create_dir_all(dir),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_sqlite_urls_are_taken_and_a_refused_one_hides_its_password() {
        for ok in ["sqlite://data/gridstation.db", "sqlite:///tmp/x.db", "sqlite:x.db", "sqlite::memory:"] {
            assert!(check_database_url(ok).is_ok(), "{ok}");
        }
        for bad in
            ["postgres://user@host/db", "postgresql://u:secret@h:5432/db", "mysql://h/db", "data/x.db", "sqlite://", ""]
        {
            assert!(check_database_url(bad).is_err(), "{bad}");
        }
        let err = check_database_url("postgres://grid:s3cret@db.example/grid").expect_err("refused").to_string();
        assert!(err.contains("postgres://grid:***@db.example/grid") && !err.contains("s3cret"), "{err}");
    }

    #[test]
    fn the_addr_argument_wins() {
        let c = Config::from_env_and_args(["--addr".to_string(), "127.0.0.1:0".into()]).expect("config");
        assert_eq!(c.addr.port(), 0);
        let c = Config::from_env_and_args(["--addr=0.0.0.0:8080".to_string()]).expect("config");
        assert_eq!(c.addr.port(), 8080);
    }

    #[test]
    fn bad_arguments_are_explained() {
        assert!(matches!(
            Config::from_env_and_args(["--addr".to_string(), "nope".into()]),
            Err(ConfigError::BadAddr(_))
        ));
        assert!(matches!(Config::from_env_and_args(["--verbose".to_string()]), Err(ConfigError::UnknownArg(_))));
    }

    #[test]
    fn the_database_directory_is_created() {
        let dir = tempfile::tempdir().expect("tempdir");
        let url = format!("sqlite://{}/a/b/x.db", dir.path().display());
        ensure_db_dir(&url).expect("mkdir");
        assert!(dir.path().join("a/b").is_dir());
    }
}
