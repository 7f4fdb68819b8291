//! `server [--addr HOST:PORT]`: serves Grid Station on the embedded SQLite database.
use server::{config::Config, Application};
use tracing_subscriber::EnvFilter;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn")))
        .init();
    let config = match Config::from_env_and_args(std::env::args().skip(1)) {
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
