//! `server [--addr HOST:PORT]`: serves Grid Station on the embedded SQLite database.
//! `server backup [DIR]`: an online backup of `DATABASE_URL` into DIR (default: `backups/`
//! beside the database), checked with `PRAGMA integrity_check`.
//! `server restore FILE`: puts a checked backup in place of the database (server stopped).
//! `server create-admin PHONE NAME SUBDISTRICT-CODE SUBDISTRICT-NAME`: the first
//! administrator of an empty database (password from `GRIDSTATION_ADMIN_PASSWORD`).
use server::{config::Config, Application};
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::{EnvFilter, Layer};

#[tokio::main]
async fn main() -> std::process::ExitCode {
    // The log's filter is its own, so the SQL counter (only with the counters on) sees the
    // statements the log leaves out.
    let log = tracing_subscriber::fmt::layer()
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stdout()))
        .with_filter(EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn")));
    let sql = std::env::var_os(server::config::METRICS_ADDR).is_some().then(server::metrics::sql_layer);
    tracing_subscriber::registry().with(log).with(sql).init();
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("backup") => return backup(args.get(1)).await,
        Some("restore") => return restore(args.get(1)).await,
        Some("create-admin") => return create_admin(&args[1..]).await,
        _ => {}
    }
    let config = match Config::from_env_and_args(args) {
        Ok(config) => config,
        Err(err) => {
            tracing::error!("{err}");
            return std::process::ExitCode::from(2);
        }
    };
    let database = config.database_url.clone();
    let app = match Application::build(config).await {
        Ok(app) => app,
        Err(err) => {
            tracing::error!("cannot start: {err}");
            return std::process::ExitCode::FAILURE;
        }
    };
    tracing::info!(
        "Grid Station listening on http://{}  (database {database})\n\
         demo accounts, password gridstation:\n  \
         13800000001 居民 resident · 13800000002 志愿者 volunteer · 13800000006 微网格员 micro-grid member\n  \
         13800000003 网格长 grid leader · 13800000004 社区管理员 community admin · 13800000005 街道管理员 subdistrict admin",
        app.addr()
    );
    let shutdown = async {
        let _ = tokio::signal::ctrl_c().await;
        tracing::info!("shutting down");
    };
    match app.run_until_stopped(shutdown).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(err) => {
            tracing::error!("server stopped: {err}");
            std::process::ExitCode::FAILURE
        }
    }
}

fn database_url() -> String {
    std::env::var("DATABASE_URL").unwrap_or_else(|_| server::config::DEFAULT_DATABASE_URL.into())
}

async fn backup(dir: Option<&String>) -> std::process::ExitCode {
    let url = database_url();
    let dir = dir.map(std::path::PathBuf::from).unwrap_or_else(|| server::config::backup_dir(&url));
    match server::backup::backup_url(&url, &dir).await {
        Ok(file) => {
            println!("{}", file.display());
            std::process::ExitCode::SUCCESS
        }
        Err(err) => {
            tracing::error!("backup failed: {err}");
            std::process::ExitCode::FAILURE
        }
    }
}

async fn restore(file: Option<&String>) -> std::process::ExitCode {
    let Some(file) = file else {
        tracing::error!("usage: server restore FILE   (stop the server first)");
        return std::process::ExitCode::from(2);
    };
    match server::backup::restore(std::path::Path::new(file), &database_url()).await {
        Ok(target) => {
            println!("restored {file} into {}", target.display());
            std::process::ExitCode::SUCCESS
        }
        Err(err) => {
            tracing::error!("restore failed: {err}");
            std::process::ExitCode::FAILURE
        }
    }
}

async fn create_admin(args: &[String]) -> std::process::ExitCode {
    let password = std::env::var("GRIDSTATION_ADMIN_PASSWORD").unwrap_or_default();
    match server::first_admin::create(&database_url(), args, &password).await {
        Ok(account) => {
            tracing::info!(
                account = account.get(),
                "first administrator created; sign in with the phone number and the password"
            );
            std::process::ExitCode::SUCCESS
        }
        Err(err) => {
            tracing::error!("{err}");
            std::process::ExitCode::from(2)
        }
    }
}
