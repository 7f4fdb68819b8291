//! Passwords, session tokens and the request's viewer (ssr only).
use crate::domain::ids::AccountId;
use crate::error::AppError;
use crate::session::{cookie_value, SessionUser, ELDER_COOKIE, LOCALE_COOKIE, SESSION_COOKIE};
use crate::state::AppState;
use argon2::password_hash::{rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use http::request::Parts;
use rand::RngCore;
use sha2::{Digest, Sha256};

/// Hashes a password with Argon2id (default parameters), off the async runtime.
pub async fn hash_password(password: String) -> Result<String, AppError> {
    tokio::task::spawn_blocking(move || {
        let salt = SaltString::generate(&mut OsRng);
        Argon2::default().hash_password(password.as_bytes(), &salt).map(|h| h.to_string())
    })
    .await
    .map_err(|_| AppError::Internal)?
    .map_err(|err| {
        tracing::error!(%err, "password hashing failed");
        AppError::Internal
    })
}

/// Verifies a password against a stored hash, off the async runtime.
pub async fn verify_password(password: String, hash: String) -> bool {
    tokio::task::spawn_blocking(move || {
        PasswordHash::new(&hash)
            .is_ok_and(|parsed| Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok())
    })
    .await
    .unwrap_or(false)
}

/// A hash that costs as much to check as a real one, for unknown phone numbers,
/// so that timing does not tell which numbers are registered.
pub fn dummy_hash() -> &'static str {
    "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$9sTbSlTio3Biev89thdrlKKiCaYsjjYVJxGAL3swxpQ"
}

/// A new session token: 256 random bits, hex.
pub fn new_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    hex::encode(bytes)
}

/// What is stored for a token.
pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// A `Set-Cookie` value. HttpOnly and SameSite=Lax always; Secure over TLS.
pub fn cookie(name: &str, value: &str, max_age_secs: i64, http_only: bool, secure: bool) -> String {
    let mut c = format!("{name}={value}; Path=/; Max-Age={max_age_secs}; SameSite=Lax");
    if http_only {
        c.push_str("; HttpOnly");
    }
    if secure {
        c.push_str("; Secure");
    }
    c
}

/// The request's session token, if it sent one.
pub fn session_token(parts: &Parts) -> Option<String> {
    let header = parts.headers.get(http::header::COOKIE)?.to_str().ok()?;
    cookie_value(header, SESSION_COOKIE)
        .filter(|t| t.len() == 64 && t.bytes().all(|b| b.is_ascii_hexdigit()))
        .map(str::to_string)
}

/// Preferences sent as cookies (anonymous visitors have them too).
pub fn cookie_prefs(parts: &Parts) -> (Option<crate::i18n::Locale>, Option<bool>) {
    let header = parts.headers.get(http::header::COOKIE).and_then(|h| h.to_str().ok()).unwrap_or("");
    let locale = cookie_value(header, LOCALE_COOKIE).and_then(crate::i18n::Locale::from_tag);
    let elder = cookie_value(header, ELDER_COOKIE).map(|v| v == "1");
    (locale, elder)
}

/// Where a request came from, resolved once per request by the server's outermost layer
/// and kept in the request's extensions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientAddr {
    /// The client's IP, the key of the per-address limits.
    pub ip: String,
    /// The client reached us over TLS (directly, or through a trusted proxy that says so).
    pub tls: bool,
}

/// The client's address: the socket peer; only when the peer is one of the configured
/// reverse proxies, the address that proxy appended to `X-Forwarded-For` (the rightmost
/// one that is not itself a trusted proxy: addresses further left are whatever the client
/// claimed), and `X-Forwarded-Proto` for TLS. From anyone else these headers are ignored,
/// or every client could pick its own rate-limit key.
pub fn client_addr(
    peer: Option<std::net::IpAddr>,
    headers: &http::HeaderMap,
    trusted: &[std::net::IpAddr],
    tls: bool,
) -> ClientAddr {
    let Some(peer) = peer else { return ClientAddr { ip: "unknown".into(), tls } };
    if !trusted.contains(&peer) {
        return ClientAddr { ip: peer.to_string(), tls };
    }
    let forwarded = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .filter_map(|a| a.trim().parse::<std::net::IpAddr>().ok())
        .collect::<Vec<_>>();
    let ip = forwarded.iter().rev().find(|a| !trusted.contains(a)).copied().unwrap_or(peer);
    let https = headers.get("x-forwarded-proto").is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"https"));
    ClientAddr { ip: ip.to_string(), tls: tls || https }
}

/// The client's IP as the server resolved it ([`client_addr`]).
pub fn client_ip(parts: &Parts) -> String {
    parts.extensions.get::<ClientAddr>().map(|c| c.ip.clone()).unwrap_or_else(|| "unknown".into())
}

/// Whether cookies set in answer to this request must be `Secure`: served over TLS, as
/// configured or as a trusted proxy reports.
pub fn secure_request(parts: &Parts) -> bool {
    parts.extensions.get::<ClientAddr>().is_some_and(|c| c.tls)
}

/// A live session: its account, the hash of its token and when it was last seen.
pub struct LiveSession {
    pub account_id: AccountId,
    pub token_hash: String,
    last_seen: i64,
}

/// The live session the request's cookie names, without sliding its idle timeout: an
/// open live stream is not activity, so an unattended board still signs out.
pub async fn live_session(state: &AppState, parts: &Parts) -> Result<Option<LiveSession>, AppError> {
    let Some(token) = session_token(parts) else { return Ok(None) };
    let hash = token_hash(&token);
    Ok(session_by_hash(state, &hash).await?.map(|(account_id, last_seen)| LiveSession {
        account_id,
        token_hash: hash,
        last_seen,
    }))
}

/// The account and last-seen time of the session with `hash`, if it is still live (not
/// expired, not idle too long, its account enabled).
async fn session_by_hash(state: &AppState, hash: &str) -> Result<Option<(AccountId, i64)>, AppError> {
    let idle = state.settings.session_idle.as_secs() as i64;
    Ok(crate::repo::sessions_repo::find_live(&state.pool, hash, crate::repo::now(), idle).await?)
}

/// Which of the sessions `hashes` are still live (the open live streams' check; one
/// statement per 500).
pub async fn live_among(state: &AppState, hashes: &[String]) -> Result<std::collections::HashSet<String>, AppError> {
    let idle = state.settings.session_idle.as_secs() as i64;
    let now = crate::repo::now();
    let mut live = std::collections::HashSet::new();
    for chunk in hashes.chunks(500) {
        live.extend(crate::repo::sessions_repo::live_among(&state.pool, chunk, now, idle).await?);
    }
    Ok(live)
}

/// Resolves the session cookie to a user, sliding the idle timeout, except for data a live
/// frame made an island load again (its address carries `seen=`, see `live::fetch_json`):
/// that is no activity of the person's, and an open board must not keep its session alive
/// forever.
pub async fn resolve_user(state: &AppState, parts: &Parts) -> Result<Option<SessionUser>, AppError> {
    let Some(LiveSession { account_id, token_hash: hash, last_seen }) = live_session(state, parts).await? else {
        return Ok(None);
    };
    let now = crate::repo::now();
    let live_refetch = parts.uri.query().is_some_and(|q| q.split('&').any(|pair| pair.starts_with("seen=")));
    // Sliding expiry, written at most once a minute per session.
    if now - last_seen >= 60 && !live_refetch {
        let mut tx = crate::repo::begin_immediate(&state.pool).await?;
        crate::repo::sessions_repo::touch(&mut tx, &hash, now).await?;
        tx.commit().await?;
    }
    Ok(crate::repo::accounts_repo::load_user(&state.pool, account_id).await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forwarded_addresses_count_only_from_a_trusted_proxy() {
        let proxy: std::net::IpAddr = "10.0.0.2".parse().expect("ip");
        let mut headers = http::HeaderMap::new();
        headers.insert("x-forwarded-for", "6.6.6.6, 203.0.113.7".parse().expect("header"));
        headers.insert("x-forwarded-proto", "https".parse().expect("header"));
        // Straight from a client: the headers are its own claims.
        let direct = client_addr(Some("198.51.100.1".parse().expect("ip")), &headers, &[proxy], false);
        assert_eq!(direct, ClientAddr { ip: "198.51.100.1".into(), tls: false });
        // Through the proxy: the address it appended (the spoofed one on the left is ignored).
        let proxied = client_addr(Some(proxy), &headers, &[proxy], false);
        assert_eq!(proxied, ClientAddr { ip: "203.0.113.7".into(), tls: true });
        // No trusted proxies configured: nothing forwarded is believed.
        assert_eq!(client_addr(Some(proxy), &headers, &[], false).ip, "10.0.0.2");
        assert!(client_addr(None, &headers, &[proxy], true).tls);
    }

    #[test]
    fn tokens_are_long_random_and_only_their_hash_is_kept() {
        let a = new_token();
        let b = new_token();
        assert_eq!(a.len(), 64);
        assert_ne!(a, b);
        assert_eq!(token_hash(&a).len(), 64);
        assert_ne!(token_hash(&a), a);
    }

    #[test]
    fn cookies_are_http_only_and_lax() {
        let c = cookie("gs_session", "abc", 60, true, false);
        assert!(c.contains("HttpOnly") && c.contains("SameSite=Lax") && !c.contains("Secure"));
        assert!(cookie("x", "1", 1, false, true).ends_with("; Secure"));
    }

    #[tokio::test]
    async fn a_password_verifies_against_its_own_hash_only() {
        let hash = hash_password("向日葵驿站2026".into()).await.expect("hash");
        assert!(hash.starts_with("$argon2id$"));
        assert!(verify_password("向日葵驿站2026".into(), hash.clone()).await);
        assert!(!verify_password("wrong password".into(), hash).await);
        assert!(!verify_password("x".into(), dummy_hash().into()).await);
    }
}
