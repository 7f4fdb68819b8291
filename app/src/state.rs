//! Server state shared by every request (ssr only).
use crate::live::Bus;
use sqlx::SqlitePool;
use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Settings read at start-up.
#[derive(Debug, Clone)]
pub struct Settings {
    pub session_idle: Duration,
    pub session_absolute: Duration,
    /// Mark cookies `Secure` (set when served over TLS).
    pub secure_cookies: bool,
    pub login_per_account_per_minute: usize,
    pub login_per_ip_per_minute: usize,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            session_idle: Duration::from_secs(30 * 60),
            session_absolute: Duration::from_secs(12 * 3600),
            secure_cookies: false,
            login_per_account_per_minute: 5,
            login_per_ip_per_minute: 30,
        }
    }
}

#[derive(Clone)]
pub struct AppState {
    pub pool: SqlitePool,
    pub bus: Bus,
    pub settings: Arc<Settings>,
    pub limiter: Arc<RateLimiter>,
}

impl AppState {
    pub fn new(pool: SqlitePool, settings: Settings) -> Self {
        Self { pool, bus: Bus::new(1024), settings: Arc::new(settings), limiter: Arc::new(RateLimiter::default()) }
    }
}

/// A sliding-window rate limiter keyed by strings ("login:ip:1.2.3.4").
#[derive(Default)]
pub struct RateLimiter {
    hits: Mutex<HashMap<String, VecDeque<Instant>>>,
}

impl RateLimiter {
    /// Records a hit and says whether it is within `limit` per `window`.
    pub fn check(&self, key: &str, limit: usize, window: Duration) -> bool {
        let now = Instant::now();
        let mut hits = self.hits.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if hits.len() > 100_000 {
            hits.retain(|_, q| q.back().is_some_and(|t| now.duration_since(*t) < window));
        }
        let queue = hits.entry(key.to_string()).or_default();
        while queue.front().is_some_and(|t| now.duration_since(*t) >= window) {
            queue.pop_front();
        }
        if queue.len() >= limit {
            return false;
        }
        queue.push_back(now);
        true
    }

    /// Forgets a key (after a successful sign-in).
    pub fn reset(&self, key: &str) {
        self.hits.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).remove(key);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_limiter_refuses_past_the_limit_and_forgets_on_reset() {
        let limiter = RateLimiter::default();
        let minute = Duration::from_secs(60);
        assert!((0..5).all(|_| limiter.check("k", 5, minute)));
        assert!(!limiter.check("k", 5, minute));
        assert!(limiter.check("other", 5, minute));
        limiter.reset("k");
        assert!(limiter.check("k", 5, minute));
    }

    #[test]
    fn old_hits_leave_the_window() {
        let limiter = RateLimiter::default();
        let tiny = Duration::from_millis(20);
        assert!(limiter.check("k", 1, tiny));
        assert!(!limiter.check("k", 1, tiny));
        std::thread::sleep(Duration::from_millis(30));
        assert!(limiter.check("k", 1, tiny));
    }
}
