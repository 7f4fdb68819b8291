//! All SQL lives here (ssr only). Functions take a `&mut SqliteConnection` (or the pool
//! for reads) so that every write runs inside the caller's `BEGIN IMMEDIATE`.
pub mod accounts_repo;
pub mod activities_repo;
pub mod audit_repo;
pub mod board_repo;
pub mod council_repo;
pub mod dashboard_repo;
pub mod db;
pub mod elders_repo;
pub mod elections_repo;
pub mod form_keys_repo;
pub mod grid_repo;
pub mod notices_repo;
pub mod open311_repo;
pub mod orders_repo;
pub mod pairings_repo;
pub mod seed_repo;
pub mod sentiment_repo;
pub mod sessions_repo;

pub use db::begin_immediate;

/// Seconds since the Unix epoch.
pub fn now() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs() as i64).unwrap_or(0)
}
