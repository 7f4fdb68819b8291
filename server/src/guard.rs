//! Request guards around the whole HTTP surface: the per-IP API budget, the same-origin
//! rule for state-changing requests, security headers, and the audit row for every
//! request a server function refused.
use app::auth::ClientAddr;
use app::domain::audit::Action;
use app::domain::ids::AccountId;
use app::error::AppError;
use app::i18n::{Locale, Msg};
use app::state::AppState;
use app::RequestViewer;
use axum::body::Body;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::net::SocketAddr;
use std::time::Duration;

/// Set by a server function that audited its own refusal (`ctx::refused`); removed here.
pub use app::server_fns::AUDITED_HEADER;

/// Paths whose callers authenticate with an API key, not a cookie: cross-origin by design.
fn key_authenticated(path: &str) -> bool {
    path.starts_with("/open311/")
}

/// Whether a request counts against the per-IP API budget.
fn is_api(path: &str) -> bool {
    path.starts_with("/api/")
        || key_authenticated(path)
        || ((path.starts_with("/sentiment/") || path.starts_with("/activities/")) && path.contains("/photos"))
}

fn client_ip(req: &Request) -> String {
    req.extensions().get::<ClientAddr>().map(|c| c.ip.clone()).unwrap_or_else(|| "unknown".into())
}

/// The outermost layer: resolves where the request came from once ([`app::auth::client_addr`])
/// for the limits, the audit log and the cookies' `Secure` flag.
pub async fn client_address(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let peer = req.extensions().get::<ConnectInfo<SocketAddr>>().map(|c| c.0.ip());
    let settings = &state.settings;
    let addr = app::auth::client_addr(peer, req.headers(), &settings.trusted_proxies, settings.secure_cookies);
    req.extensions_mut().insert(addr);
    next.run(req).await
}

fn locale_of(headers: &HeaderMap) -> Locale {
    headers
        .get(header::COOKIE)
        .and_then(|h| h.to_str().ok())
        .and_then(|h| app::session::cookie_value(h, app::session::LOCALE_COOKIE))
        .and_then(Locale::from_tag)
        .unwrap_or_default()
}

/// A refusal the person can read: the `AppError` JSON for the app's own fetches (it shows
/// the localised message), a short page for plain form posts and navigations.
pub fn refusal(headers: &HeaderMap, err: AppError) -> Response {
    let status = StatusCode::from_u16(err.status()).unwrap_or(StatusCode::BAD_REQUEST);
    let locale = locale_of(headers);
    let wants_html = headers.get(header::ACCEPT).and_then(|v| v.to_str().ok()).is_some_and(|v| v.contains("text/html"));
    let mut res = if wants_html {
        let page = format!(
            "<!DOCTYPE html><html lang=\"{lang}\"><head><meta charset=\"utf-8\">\
             <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
             <title>{app}</title></head><body><main><h1>{msg}</h1><p><a href=\"/\">{home}</a></p></main></body></html>",
            lang = locale.tag(),
            app = Msg::AppName.text(locale),
            msg = err.message(locale),
            home = Msg::TabHome.text(locale),
        );
        (status, [(header::CONTENT_TYPE, "text/html; charset=utf-8")], page).into_response()
    } else {
        let json = serde_json::to_string(&err).unwrap_or_else(|_| "\"BadRequest\"".into());
        (status, [(header::CONTENT_TYPE, "application/json")], json).into_response()
    };
    res.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    res
}

/// Every API call (server functions, photo uploads, Open311) counts against a per-IP
/// budget per minute; past it the answer is 429 with a message, and nothing runs.
pub async fn api_budget(State(state): State<AppState>, req: Request, next: Next) -> Response {
    if is_api(req.uri().path()) {
        let key = format!("api:ip:{}", client_ip(&req));
        if !state.limiter.check(&key, state.settings.api_per_ip_per_minute, Duration::from_secs(60)) {
            tracing::warn!(path = req.uri().path(), "API budget exceeded for an IP");
            return refusal(req.headers(), AppError::RateLimited);
        }
    }
    next.run(req).await
}

/// Whether a state-changing request comes from the app's own pages. Browsers send
/// `Sec-Fetch-Site` (same-origin for our pages) and `Origin` on every POST; a request
/// carrying neither is not from a browser page and is refused too, since server
/// functions accept plain form posts that a foreign page could otherwise send.
pub fn is_same_origin(headers: &HeaderMap) -> bool {
    if let Some(site) = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
        return matches!(site, "same-origin" | "none");
    }
    let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) else { return false };
    let Some(authority) = origin.strip_prefix("https://").or_else(|| origin.strip_prefix("http://")) else {
        return false;
    };
    // Behind a reverse proxy the browser's host arrives as X-Forwarded-Host.
    ["x-forwarded-host", "host"]
        .iter()
        .filter_map(|h| headers.get(*h).and_then(|v| v.to_str().ok()))
        .any(|host| authority.eq_ignore_ascii_case(host))
}

/// Refuses state-changing requests from other sites with a clear 403 (and an audit row).
pub async fn same_origin(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let safe = matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    if safe || key_authenticated(req.uri().path()) || is_same_origin(req.headers()) {
        return next.run(req).await;
    }
    let ip = client_ip(&req);
    let path = req.uri().path().to_string();
    let viewer = req.extensions().get::<RequestViewer>().map(|v| v.0.clone()).unwrap_or_default();
    let actor = viewer.user.map(|u| u.account_id);
    match refusal_cost(&state, actor, &ip) {
        RefusalCost::OverBudget => {
            tracing::warn!(%path, %ip, "cross-site request refused: refusal budget spent");
            return refusal(req.headers(), AppError::RateLimited);
        }
        RefusalCost::Record => record_refusal(&state, actor, Action::CrossSiteRefused, &path, &ip).await,
        RefusalCost::LogOnly => {}
    }
    tracing::warn!(%path, %ip, "cross-site request refused");
    refusal(req.headers(), AppError::Denied(Msg::ErrCrossSite))
}

/// What a refused request may cost the server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum RefusalCost {
    /// The IP has been refused too often this minute: answer 429, write nothing.
    OverBudget,
    /// Write the audit row.
    Record,
    /// A visitor's refusal beyond this minute's sample: the log line only.
    LogOnly,
}

/// Every refusal counts against the per-IP refusal budget before anything is written; a
/// signed-in person's refusal is always audited (their budget bounds it), a visitor's only
/// within the server-wide sample, since an anonymous flood would otherwise write one
/// durable row per request and hold the write lock from everyone else.
fn refusal_cost(state: &AppState, actor: Option<AccountId>, ip: &str) -> RefusalCost {
    let minute = Duration::from_secs(60);
    let settings = &state.settings;
    if !state.limiter.check(&format!("refused:ip:{ip}"), settings.refusals_per_ip_per_minute, minute) {
        RefusalCost::OverBudget
    } else if actor.is_some()
        || state.limiter.check("refused:anonymous", settings.anonymous_refusals_logged_per_minute, minute)
    {
        RefusalCost::Record
    } else {
        RefusalCost::LogOnly
    }
}

/// A fresh nonce per response: 128 random bits, hex.
fn new_nonce() -> String {
    app::auth::new_token()[..32].to_string()
}

/// Security headers on every response. The nonce is chosen here, before the page renders
/// (Leptos writes it on its inline scripts, see `app::provide_request_nonce`), so an HTML
/// response always gets the page policy with exactly that nonce; everything else gets the
/// strict default.
pub async fn security_headers(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let tls = state.settings.secure_cookies || req.extensions().get::<ClientAddr>().is_some_and(|c| c.tls);
    let nonce = new_nonce();
    req.extensions_mut().insert(app::CspNonce(nonce.clone()));
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    let html = h.get(header::CONTENT_TYPE).is_some_and(|v| v.as_bytes().starts_with(b"text/html"));
    let policy = if html { HeaderValue::from_str(&app::page_csp(&nonce)).ok() } else { None };
    h.insert(header::CONTENT_SECURITY_POLICY, policy.unwrap_or(HeaderValue::from_static(app::CSP_DEFAULT)));
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(header::REFERRER_POLICY, HeaderValue::from_static("strict-origin-when-cross-origin"));
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert("permissions-policy", HeaderValue::from_static("camera=(self), geolocation=(), microphone=()"));
    h.insert("cross-origin-opener-policy", HeaderValue::from_static("same-origin"));
    if tls {
        h.insert(header::STRICT_TRANSPORT_SECURITY, HeaderValue::from_static("max-age=31536000; includeSubDomains"));
    }
    res
}

/// How long a response may be kept: hashed assets (`/pkg/…` of a build with hashed file
/// names) for a year and never revalidated, unhashed ones revalidated each time (the file
/// handler answers `304` from `Last-Modified`), pages only by this browser and revalidated
/// (they differ by viewer), other public files for a day. A policy set by the handler
/// (e.g. `no-store` on errors and CSV exports) is kept.
pub fn cache_policy(path: &str, status: StatusCode, html: bool, hashed_assets: bool) -> Option<&'static str> {
    if !status.is_success() && status != StatusCode::NOT_MODIFIED {
        return None;
    }
    if path.starts_with("/pkg/") {
        Some(if hashed_assets { "public, max-age=31536000, immutable" } else { "public, no-cache" })
    } else if html {
        Some("private, no-cache")
    } else if path.rsplit('/').next().is_some_and(|f| f.contains('.')) && !path.starts_with("/api/") {
        Some("public, max-age=86400")
    } else {
        None
    }
}

/// Adds [`cache_policy`]'s `Cache-Control` to responses that carry none.
pub async fn cache_headers(hashed_assets: bool, req: Request, next: Next) -> Response {
    let path = req.uri().path().to_string();
    let mut res = next.run(req).await;
    if res.headers().contains_key(header::CACHE_CONTROL) {
        return res;
    }
    let html = res.headers().get(header::CONTENT_TYPE).is_some_and(|v| v.as_bytes().starts_with(b"text/html"));
    if let Some(policy) = cache_policy(&path, res.status(), html, hashed_assets) {
        res.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static(policy));
    }
    res
}

/// Server functions answer errors with 500 by default; give each `AppError` its own
/// status (400 for undecodable input, 401, 403, 404, 409, 422, 429) so that only real
/// internal errors are 5xx. A refused authorisation (401, 403) or business rule (409)
/// the function did not audit itself gets an audit row here: who, which function, why.
pub async fn api_errors(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let path = req.uri().path().to_string();
    if !path.starts_with("/api/") {
        return next.run(req).await;
    }
    let ip = client_ip(&req);
    let actor = req.extensions().get::<RequestViewer>().and_then(|v| v.0.user.as_ref().map(|u| u.account_id));
    let headers = req.headers().clone();
    let mut res = next.run(req).await;
    let audited = res.headers_mut().remove(AUDITED_HEADER).is_some();
    if res.status() == StatusCode::METHOD_NOT_ALLOWED {
        // Server functions take POST only; the router answers another method with an empty
        // 405. Say why, the way every other refused call does.
        let mut refused = refusal(&headers, AppError::BadRequest);
        *refused.status_mut() = StatusCode::METHOD_NOT_ALLOWED;
        if let Some(allow) = res.headers().get(header::ALLOW) {
            refused.headers_mut().insert(header::ALLOW, allow.clone());
        }
        return refused;
    }
    if res.status() != StatusCode::INTERNAL_SERVER_ERROR {
        return res;
    }
    let (mut parts, body) = res.into_parts();
    let bytes = axum::body::to_bytes(body, 64 * 1024).await.unwrap_or_default();
    if let Ok(err) = serde_json::from_slice::<AppError>(&bytes) {
        parts.status = StatusCode::from_u16(err.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        parts.headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        let refused =
            matches!(err, AppError::Unauthorized | AppError::Forbidden | AppError::Denied(_) | AppError::Conflict(_));
        if refused && !audited && refusal_cost(&state, actor, &ip) == RefusalCost::Record {
            let detail = format!("{path}: {:?}", err.msg());
            record_refusal(&state, actor, Action::RequestRefused, &detail, &ip).await;
        }
    }
    Response::from_parts(parts, Body::from(bytes))
}

/// One audit row for a refused request, in its own transaction. Never holds secrets:
/// the path and the message key only.
async fn record_refusal(state: &AppState, actor: Option<AccountId>, action: Action, detail: &str, ip: &str) {
    let entry = app::repo::audit_repo::AuditEntry {
        actor_id: actor,
        refused: true,
        detail: detail.chars().take(300).collect(),
        ip: Some(ip.to_string()),
        ..app::repo::audit_repo::AuditEntry::of(action, "request")
    };
    if let Err(err) = app::repo::audit_repo::record_alone(&state.pool, entry).await {
        tracing::error!(%err, action = action.as_str(), "recording a refused request failed");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, HeaderValue::from_static(v));
        }
        h
    }

    #[test]
    fn the_api_budget_counts_calls_not_pages() {
        assert!(is_api("/api/take_order") && is_api("/open311/v2/requests.json"));
        assert!(is_api("/sentiment/12/photos") && is_api("/sentiment/photos/3"));
        assert!(is_api("/activities/12/photos") && is_api("/activities/photos/3") && !is_api("/activities/12"));
        assert!(!is_api("/sentiment") && !is_api("/sentiment/12") && !is_api("/board") && !is_api("/pkg/app.wasm"));
    }

    #[test]
    fn same_origin_is_judged_by_fetch_metadata_then_origin() {
        assert!(is_same_origin(&headers(&[("sec-fetch-site", "same-origin")])));
        assert!(is_same_origin(&headers(&[("sec-fetch-site", "none")])));
        assert!(!is_same_origin(&headers(&[("sec-fetch-site", "cross-site"), ("origin", "http://a"), ("host", "a")])));
        assert!(!is_same_origin(&headers(&[("sec-fetch-site", "same-site")])));
        assert!(is_same_origin(&headers(&[("origin", "http://127.0.0.1:3000"), ("host", "127.0.0.1:3000")])));
        assert!(is_same_origin(&headers(&[("origin", "https://grid.example"), ("host", "grid.example")])));
        assert!(!is_same_origin(&headers(&[("origin", "http://evil.example"), ("host", "grid.example")])));
        assert!(!is_same_origin(&headers(&[("origin", "null"), ("host", "grid.example")])));
        assert!(!is_same_origin(&headers(&[("host", "grid.example")])), "neither header: not from our pages");
        let proxied =
            [("origin", "https://grid.example"), ("host", "127.0.0.1:3000"), ("x-forwarded-host", "grid.example")];
        assert!(is_same_origin(&headers(&proxied)));
    }

    #[test]
    fn refusals_speak_chinese_by_default_and_english_on_request() {
        let res = refusal(&headers(&[("accept", "text/html")]), AppError::Denied(Msg::ErrCrossSite));
        assert_eq!(res.status(), StatusCode::FORBIDDEN);
        let en = refusal(&headers(&[("cookie", "gs_lang=en")]), AppError::RateLimited);
        assert_eq!(en.status(), StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(en.headers()[header::CONTENT_TYPE], "application/json");
    }

    #[test]
    fn cache_policy_by_kind() {
        let ok = StatusCode::OK;
        assert_eq!(
            cache_policy("/pkg/gridstation.abc123.wasm", ok, false, true),
            Some("public, max-age=31536000, immutable")
        );
        assert_eq!(cache_policy("/pkg/gridstation.wasm", ok, false, false), Some("public, no-cache"));
        assert_eq!(
            cache_policy("/pkg/gridstation.wasm", StatusCode::NOT_MODIFIED, false, false),
            Some("public, no-cache")
        );
        assert_eq!(cache_policy("/pkg/missing.js", StatusCode::NOT_FOUND, false, true), None);
        assert_eq!(cache_policy("/board", ok, true, true), Some("private, no-cache"));
        assert_eq!(cache_policy("/favicon.svg", ok, false, true), Some("public, max-age=86400"));
        assert_eq!(cache_policy("/api/take_order", ok, false, true), None);
        assert_eq!(cache_policy("/api/events", ok, false, true), None);
    }
}
