//! Server state shared by every request (ssr only).
use crate::domain::ids::AccountId;
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
    /// Reverse proxies whose `X-Forwarded-For` / `X-Forwarded-Proto` are believed
    /// (`GRIDSTATION_TRUSTED_PROXIES`, comma-separated IPs); nobody else's are.
    pub trusted_proxies: Vec<std::net::IpAddr>,
    pub login_per_account_per_minute: usize,
    pub login_per_ip_per_minute: usize,
    pub votes_per_account_per_minute: usize,
    pub votes_per_ip_per_minute: usize,
    /// Every API call (server functions, uploads, Open311) per IP per minute. Generous:
    /// a whole estate may share one carrier-grade NAT address.
    pub api_per_ip_per_minute: usize,
    /// Refused requests (another site's post, a call without the right) per IP per minute;
    /// past it the answer is 429 and nothing is written.
    pub refusals_per_ip_per_minute: usize,
    /// Refusals of visitors (no session) written to the audit log per minute, over the
    /// whole server; the others go to the log only, so nobody can fill the audit log.
    pub anonymous_refusals_logged_per_minute: usize,
    /// Public welfare-check requests per IP per ten minutes, and per relative's phone per hour.
    pub welfare_per_ip_per_10_minutes: usize,
    pub welfare_per_phone_per_hour: usize,
    /// Live streams (`/api/events`) open at once over the whole server, and per account
    /// (a few phones and tabs).
    pub max_streams: usize,
    pub max_streams_per_account: usize,
    /// How often the open streams' sessions are checked: a stream ends at most this long
    /// after its session did.
    pub live_session_check: Duration,
    /// How votes are grouped into transactions.
    pub vote_batch: crate::server_fns::elections::vote_writer::BatchConfig,
    /// Whether the resident's tabs move without page loads (`GRIDSTATION_CLIENT_NAV=0`:
    /// plain page loads).
    pub client_nav: bool,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            session_idle: Duration::from_secs(30 * 60),
            session_absolute: Duration::from_secs(12 * 3600),
            secure_cookies: false,
            trusted_proxies: Vec::new(),
            login_per_account_per_minute: 5,
            login_per_ip_per_minute: 30,
            votes_per_account_per_minute: 30,
            votes_per_ip_per_minute: 300,
            api_per_ip_per_minute: 1200,
            refusals_per_ip_per_minute: 60,
            anonymous_refusals_logged_per_minute: 20,
            welfare_per_ip_per_10_minutes: 5,
            welfare_per_phone_per_hour: 3,
            max_streams: 10_000,
            max_streams_per_account: 6,
            live_session_check: Duration::from_secs(30),
            vote_batch: Default::default(),
            client_nav: true,
        }
    }
}

#[derive(Clone)]
pub struct AppState {
    pub pool: SqlitePool,
    pub bus: Bus,
    pub settings: Arc<Settings>,
    pub limiter: Arc<RateLimiter>,
    pub board_cache: Arc<BoardCache>,
    pub votes: Arc<crate::server_fns::elections::vote_writer::VoteWriter>,
    pub presence: Arc<Presence>,
    pub echoes: Arc<Echoes>,
}

/// The public part of the board per area and filters, shared by every viewer for a
/// moment. A plain page load accepts data up to `FRESH` old; a live refetch names the
/// event it reacts to and only gets data computed after that event.
pub struct BoardCache {
    entries: Mutex<HashMap<String, CachedBoard>>,
}

/// When it was computed, the last event included, the data.
type CachedBoard = (Instant, u64, Arc<crate::dto::BoardShared>);

impl BoardCache {
    pub const FRESH: Duration = Duration::from_millis(250);
    const MAX_AGE: Duration = Duration::from_secs(5);

    fn new() -> Self {
        Self { entries: Mutex::new(HashMap::new()) }
    }

    /// A cached board for `key`, if it is fresh enough for a viewer who has seen events up to `seen`.
    pub fn get(&self, key: &str, seen: Option<u64>) -> Option<Arc<crate::dto::BoardShared>> {
        let entries = self.entries.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let (at, seq, data) = entries.get(key)?;
        let age = at.elapsed();
        let fresh = match seen {
            None => age < Self::FRESH,
            Some(seen) => *seq >= seen && age < Self::MAX_AGE,
        };
        fresh.then(|| data.clone())
    }

    /// Stores a board computed from the database as of event `seq` (read before the queries).
    pub fn put(&self, key: String, seq: u64, data: Arc<crate::dto::BoardShared>) {
        let mut entries = self.entries.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        // Keys include client-chosen filters: never let them grow without bound.
        if entries.len() >= 10_000 {
            entries.clear();
        }
        let newer = entries.get(&key).is_none_or(|(_, old, _)| *old <= seq);
        if newer {
            entries.insert(key, (Instant::now(), seq, data));
        }
    }
}

impl AppState {
    pub fn new(pool: SqlitePool, settings: Settings) -> Self {
        let bus = Bus::new(1024);
        let votes = Arc::new(crate::server_fns::elections::vote_writer::VoteWriter::new(
            pool.clone(),
            bus.clone(),
            settings.vote_batch,
        ));
        Self {
            pool,
            bus,
            votes,
            settings: Arc::new(settings),
            limiter: Arc::new(RateLimiter::default()),
            board_cache: Arc::new(BoardCache::new()),
            presence: Arc::new(Presence::default()),
            echoes: Arc::new(Echoes::default()),
        }
    }
}

/// Who has the grid editor open where (正在编辑): an open editor checks in every few
/// seconds; an entry not renewed for `Presence::TTL` is gone.
#[derive(Default)]
pub struct Presence {
    editors: Mutex<HashMap<AccountId, Editor>>,
}

struct Editor {
    name: String,
    code: String,
    seen: Instant,
}

impl Presence {
    pub const TTL: Duration = Duration::from_secs(45);

    /// Records that `account` looks at the node with `code`. True when that is news to
    /// the others (they joined or moved to another node), so editors should be told.
    pub fn check_in(&self, account: AccountId, name: &str, code: &str) -> bool {
        let mut editors = self.editors.lock().unwrap_or_else(|p| p.into_inner());
        let now = Instant::now();
        editors.retain(|_, e| now.duration_since(e.seen) < Self::TTL);
        let news = editors.get(&account).is_none_or(|e| e.code != code);
        editors.insert(account, Editor { name: name.to_string(), code: code.to_string(), seen: now });
        news
    }

    /// Names of the others looking at the same subtree: the node, an area inside it or
    /// an area containing it.
    pub fn others(&self, account: AccountId, code: &str) -> Vec<String> {
        let editors = self.editors.lock().unwrap_or_else(|p| p.into_inner());
        let now = Instant::now();
        let mut names: Vec<String> = editors
            .iter()
            .filter(|(id, e)| {
                **id != account
                    && now.duration_since(e.seen) < Self::TTL
                    && (e.code.starts_with(code) || code.starts_with(&e.code))
            })
            .map(|(_, e)| e.name.clone())
            .collect();
        names.sort();
        names.dedup();
        names
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
    fn a_cached_board_serves_page_loads_briefly_and_live_refetches_only_when_new_enough() {
        let cache = BoardCache::new();
        cache.put("k".into(), 7, Arc::new(crate::dto::BoardShared::default()));
        assert!(cache.get("k", None).is_some(), "a page load takes a fresh entry");
        assert!(cache.get("k", Some(7)).is_some(), "computed after event 7");
        assert!(cache.get("k", Some(8)).is_none(), "a refetch for event 8 needs newer data");
        assert!(cache.get("other", None).is_none());
        cache.put("k".into(), 6, Arc::new(crate::dto::BoardShared::default()));
        assert!(cache.get("k", Some(7)).is_some(), "an older computation never replaces a newer one");
        std::thread::sleep(BoardCache::FRESH + Duration::from_millis(20));
        assert!(cache.get("k", None).is_none(), "page loads never see data older than FRESH");
        assert!(cache.get("k", Some(7)).is_some());
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

/// What a person typed into a form that was refused while JavaScript was off: the browser
/// is sent back to the form, which renders again with these values and the errors. Kept
/// in memory for a few minutes under a random token (a cookie), for the same account (or
/// visitor) and the page the form came back to only, never with a password or a form key.
#[derive(Default)]
pub struct Echoes {
    entries: Mutex<HashMap<String, Echo>>,
}

struct Echo {
    owner: Option<AccountId>,
    /// The path the browser is sent back to.
    page: String,
    fields: Vec<(String, String)>,
    /// The refusal as Leptos carries it (`__path=…&__err=…`), kept out of the address bar.
    error: String,
    at: Instant,
}

/// A refused form, as the page it came back to renders it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Echoed {
    pub fields: Vec<(String, String)>,
    pub error: String,
}

impl Echoes {
    pub const TTL: Duration = Duration::from_secs(600);
    /// The cookie that carries the token.
    pub const COOKIE: &'static str = "gs_form";
    const MAX: usize = 10_000;

    /// Keeps the fields a form sent (less the secret ones, and for a visitor less phone
    /// numbers) and its refusal, for `page`; returns the token.
    pub fn keep(&self, owner: Option<AccountId>, page: &str, fields: Vec<(String, String)>, error: String) -> String {
        let fields: Vec<_> =
            fields.into_iter().filter(|(k, _)| !Self::secret(k) && (owner.is_some() || !k.contains("phone"))).collect();
        let token = crate::auth::new_token()[..24].to_string();
        let mut entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        let now = Instant::now();
        entries.retain(|_, e| now.duration_since(e.at) < Self::TTL);
        if entries.len() < Self::MAX {
            entries.insert(token.clone(), Echo { owner, page: page.to_string(), fields, error, at: now });
        }
        token
    }

    /// The refused form kept under `token`, once, for the one who sent it and on its page.
    pub fn take(&self, token: &str, owner: Option<AccountId>, page: &str) -> Option<Echoed> {
        let mut entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        let fits = entries.get(token).is_some_and(|e| e.owner == owner && e.page == page && e.at.elapsed() < Self::TTL);
        fits.then(|| entries.remove(token)).flatten().map(|e| Echoed { fields: e.fields, error: e.error })
    }

    fn secret(name: &str) -> bool {
        name.contains("password") || name == "idempotency_key" || name == "form_key"
    }
}

#[cfg(test)]
mod echo_tests {
    use super::*;

    #[test]
    fn an_echo_is_for_its_sender_and_page_only_once_and_never_holds_a_password() {
        let echoes = Echoes::default();
        let fields = vec![
            ("title".to_string(), "买菜".to_string()),
            ("password".to_string(), "secret".to_string()),
            ("idempotency_key".to_string(), "k".to_string()),
        ];
        let token = echoes.keep(Some(AccountId(7)), "/board/new", fields, "__path=x&__err=y".into());
        assert!(echoes.take(&token, Some(AccountId(8)), "/board/new").is_none());
        assert!(echoes.take(&token, None, "/board/new").is_none());
        assert!(echoes.take(&token, Some(AccountId(7)), "/board").is_none());
        assert!(echoes.take("nope", Some(AccountId(7)), "/board/new").is_none());
        let echoed = echoes.take(&token, Some(AccountId(7)), "/board/new").expect("kept");
        assert_eq!(echoed.fields, vec![("title".to_string(), "买菜".to_string())]);
        assert_eq!(echoed.error, "__path=x&__err=y");
        assert!(echoes.take(&token, Some(AccountId(7)), "/board/new").is_none(), "once");
        let visitor = echoes.keep(
            None,
            "/welfare",
            vec![("phone".into(), "13900000009".into()), ("note".into(), "x".into())],
            String::new(),
        );
        assert_eq!(
            echoes.take(&visitor, None, "/welfare").expect("kept").fields,
            vec![("note".to_string(), "x".to_string())]
        );
    }
}
