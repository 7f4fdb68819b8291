//! The Grid Station server: builds the axum router around the Leptos app.
// The pages' view types nest deeply: laying them out here needs more than the default depth.
#![recursion_limit = "256"]
pub mod backup;
pub mod config;
mod conn;
pub mod first_admin;
pub mod guard;
pub mod metrics;
pub mod open311;
pub mod photos;
mod sse;

use app::session::Viewer;
use app::state::{AppState, Echoes};
use app::{shell, App, RequestViewer};
use axum::extract::rejection::QueryRejection;
use axum::extract::{Request, State};
use axum::http::{header, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use config::Config;
use leptos::prelude::*;
use leptos_axum::{generate_route_list, LeptosRoutes};
use std::net::SocketAddr;
use std::sync::Arc;
use tokio::net::TcpListener;
use tower_http::compression::CompressionLayer;
use tower_http::request_id::{MakeRequestId, PropagateRequestIdLayer, RequestId, SetRequestIdLayer};
use tower_http::trace::TraceLayer;

#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("cannot create the database directory: {0}")]
    DbDir(std::io::Error),
    #[error("database: {0}")]
    Db(#[from] app::repo::db::DbError),
    #[error("seeding the demo city: {0}")]
    Seed(#[from] app::repo::seed_repo::SeedError),
    #[error("leptos configuration: {0}")]
    Leptos(String),
    #[error("cannot listen on {0}: {1}")]
    Bind(SocketAddr, std::io::Error),
    #[error("{0}")]
    Hash(String),
}

/// A built server, bound to its port, not yet serving.
pub struct Application {
    listener: TcpListener,
    router: Router,
    state: AppState,
    backup: Option<config::BackupSchedule>,
    /// The counters' own listener, when an operator asked for them.
    metrics: Option<TcpListener>,
    streams: Arc<sse::Streams>,
}

impl Application {
    /// Opens (creating, migrating and seeding) the database and binds the address.
    /// Tests pass port 0 and read the port back from `addr()`.
    pub async fn build(config: Config) -> Result<Self, StartError> {
        config::ensure_db_dir(&config.database_url).map_err(StartError::DbDir)?;
        let pool = app::repo::db::connect(&config.database_url, 8).await?;
        if config.seed_demo {
            let password = app::repo::seed_repo::demo_password()?;
            let hash = app::auth::hash_password(password).await.map_err(|e| StartError::Hash(e.to_string()))?;
            if app::repo::seed_repo::seed_if_empty(&pool, &hash).await? {
                tracing::info!("seeded the demo city");
            }
        } else if app::repo::seed_repo::is_empty(&pool).await.map_err(app::repo::db::DbError::from)? {
            tracing::warn!(
                "the database is empty: create the first administrator with \
                 `server create-admin PHONE NAME SUBDISTRICT-CODE SUBDISTRICT-NAME` \
                 (password from GRIDSTATION_ADMIN_PASSWORD), or start with GRIDSTATION_DEMO=1 for the demo city"
            );
        }
        let state = AppState::new(pool, config.settings.clone());
        // This week's paired orders exist before the first page is served; failures are
        // logged and retried by the periodic run.
        if let Err(err) = app::jobs::run_schedules(&state, app::repo::now()).await {
            tracing::error!(%err, "pairing schedules failed; retrying in the background");
        }
        let mut leptos_options = get_configuration(None).map_err(|e| StartError::Leptos(e.to_string()))?.leptos_options;
        // cargo-leptos writes the asset hashes beside the binary when it hashed the names
        // (`hash-files` in Cargo.toml); the page then links the hashed files.
        leptos_options.hash_files |= hash_file_beside_binary(&leptos_options);
        let streams = sse::Streams::new(state.settings.max_streams, state.settings.max_streams_per_account);
        let router = router(state.clone(), leptos_options, config.metrics_addr.is_some(), streams.clone());
        let listener = TcpListener::bind(config.addr).await.map_err(|e| StartError::Bind(config.addr, e))?;
        let metrics = match config.metrics_addr {
            Some(addr) => Some(TcpListener::bind(addr).await.map_err(|e| StartError::Bind(addr, e))?),
            None => None,
        };
        Ok(Self { listener, router, state, backup: config.backup, metrics, streams })
    }

    pub fn addr(&self) -> SocketAddr {
        self.listener.local_addr().unwrap_or_else(|_| SocketAddr::from(([127, 0, 0, 1], 0)))
    }

    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// Serves until `shutdown` resolves; runs the periodic jobs (`app::jobs`) in the background.
    pub async fn run_until_stopped(
        self,
        shutdown: impl std::future::Future<Output = ()> + Send + 'static,
    ) -> std::io::Result<()> {
        let jobs = tokio::spawn(app::jobs::every(self.state.clone(), std::time::Duration::from_secs(30)));
        let sessions =
            tokio::spawn(self.streams.watch_sessions(self.state.clone(), self.state.settings.live_session_check));
        let backups = self.backup.map(|b| {
            tracing::info!(dir = %b.dir.display(), minutes = b.every.as_secs() / 60, keep = b.keep, "scheduled backups on");
            tokio::spawn(backup::every(self.state.pool.clone(), b.dir, b.every, b.keep))
        });
        let metrics = self.metrics.map(|listener| {
            if let Ok(addr) = listener.local_addr() {
                tracing::info!("counters on http://{addr}/metrics");
            }
            tokio::spawn(conn::serve(listener, metrics::router(self.state.clone()), std::future::pending()))
        });
        let served = conn::serve(self.listener, self.router, shutdown).await;
        jobs.abort();
        sessions.abort();
        if let Some(backups) = backups {
            backups.abort();
        }
        if let Some(metrics) = metrics {
            metrics.abort();
        }
        served
    }
}

/// The whole HTTP surface: pages, server functions, the live channel, health, assets;
/// with `count_pages`, the pages it renders are counted for `GET /metrics`; `streams`: the
/// open live streams, whose sessions the running server checks.
pub fn router(state: AppState, leptos_options: LeptosOptions, count_pages: bool, streams: Arc<sse::Streams>) -> Router {
    let routes = generate_route_list(App);
    let hashed_assets = leptos_options.hash_files;
    let context = {
        let state = state.clone();
        move || {
            provide_context(state.clone());
            app::provide_request_nonce();
        }
    };
    let live_state = state.clone();
    let health_state = state.clone();
    Router::new()
        .route("/healthz", get(move || healthz(health_state.clone())))
        .route(
            "/api/events",
            get(move |parts: axum::http::request::Parts| sse::subscribe(live_state.clone(), streams.clone(), parts)),
        )
        .route("/admin/elections/{id}/csv", get(election_csv).with_state(state.clone()))
        .route("/admin/audit/csv", get(audit_csv).with_state(state.clone()))
        .route("/sentiment/{id}/photos", photos::upload_route(photos::Album::Item, &state))
        .route("/sentiment/photos/{id}", photos::show_route(photos::Album::Item, &state))
        .route("/activities/{id}/photos", photos::upload_route(photos::Album::Record, &state))
        .route("/activities/photos/{id}", photos::show_route(photos::Album::Record, &state))
        .route("/open311/v2/services.json", get(open311::services))
        .route("/open311/v2/services/{file}", get(open311::service_definition))
        .route(
            "/open311/v2/requests.json",
            get(open311::requests).post(open311::create_request).with_state(state.clone()),
        )
        .route("/open311/v2/requests/{file}", get(open311::request).with_state(state.clone()))
        .route("/open311/v2/{file}", get(open311::other).post(open311::other))
        .route("/admin/dashboard/csv", get(dashboard_csv).with_state(state.clone()))
        .leptos_routes_with_context(&leptos_options, routes, context.clone(), {
            let options = leptos_options.clone();
            move || shell(options.clone())
        })
        .fallback(leptos_axum::file_and_error_handler_with_context(context, shell))
        .with_state(leptos_options)
        // Innermost, so that only the app's own HTML is counted, not a guard's refusal.
        .layer(tower::util::option_layer(count_pages.then(|| middleware::from_fn(metrics::count_pages))))
        .layer(middleware::from_fn_with_state(state.clone(), echo_refused_form))
        // Outermost last: headers on everything, the budget before any database work,
        // the viewer, then the same-origin rule and the error statuses around the app.
        .layer(middleware::from_fn_with_state(state.clone(), guard::api_errors))
        .layer(middleware::from_fn_with_state(state.clone(), guard::same_origin))
        .layer(middleware::from_fn_with_state(state.clone(), resolve_viewer))
        .layer(middleware::from_fn_with_state(state.clone(), guard::api_budget))
        .layer(middleware::from_fn_with_state(state.clone(), guard::security_headers))
        .layer(middleware::from_fn_with_state(state, guard::client_address))
        .layer(middleware::from_fn(move |req, next| guard::cache_headers(hashed_assets, req, next)))
        .layer(CompressionLayer::new())
        // Every log line of a request carries its id, method, path (never the query, which
        // may hold a phone number) and, once known, the viewer's account id; the id goes
        // back in `x-request-id` so a person's report can be found in the log.
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(TraceLayer::new_for_http().make_span_with(request_span))
        .layer(SetRequestIdLayer::x_request_id(RequestIds::default()))
}

/// Request ids: the process start time and a counter, short and unique per process.
#[derive(Clone)]
struct RequestIds {
    prefix: String,
    next: std::sync::Arc<std::sync::atomic::AtomicU64>,
}

impl Default for RequestIds {
    fn default() -> Self {
        let started =
            std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0);
        RequestIds { prefix: format!("{:x}", started % 0x10_0000), next: Default::default() }
    }
}

impl MakeRequestId for RequestIds {
    fn make_request_id<B>(&mut self, _: &axum::http::Request<B>) -> Option<RequestId> {
        let n = self.next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        header::HeaderValue::from_str(&format!("{}-{n}", self.prefix)).ok().map(RequestId::new)
    }
}

/// The span every line of a request is logged in; `account` is filled in by
/// `resolve_viewer` once the session is known.
fn request_span(req: &axum::http::Request<axum::body::Body>) -> tracing::Span {
    let id = req.headers().get("x-request-id").and_then(|v| v.to_str().ok()).unwrap_or("-");
    tracing::info_span!("request", id, method = %req.method(), path = req.uri().path(), account = tracing::field::Empty)
}

/// A CSV export refused: its status and the message, as plain text.
fn csv_refusal(err: app::error::AppError, locale: app::i18n::Locale) -> Response {
    let status = StatusCode::from_u16(err.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    (status, [(header::CACHE_CONTROL, "no-store")], err.message(locale)).into_response()
}

/// 导出 CSV of an election's tally, for the admins who run it.
async fn election_csv(
    State(state): State<AppState>,
    id: Result<axum::extract::Path<String>, axum::extract::rejection::PathRejection>,
    axum::Extension(RequestViewer(viewer)): axum::Extension<RequestViewer>,
) -> Response {
    let Some(user) = viewer.user else { return csv_refusal(app::error::AppError::Unauthorized, viewer.locale) };
    let id = match photos::path_id::<app::domain::ids::ElectionId>(id) {
        Ok(id) => id,
        Err(err) => return csv_refusal(err, viewer.locale),
    };
    match app::server_fns::elections::tally_csv(&state, &user, id).await {
        Ok(csv) => (
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
                (header::CONTENT_DISPOSITION, format!("attachment; filename=\"election-{id}.csv\"")),
                (header::CACHE_CONTROL, "no-store".to_string()),
            ],
            csv,
        )
            .into_response(),
        Err(err) => csv_refusal(err, viewer.locale),
    }
}

#[derive(serde::Deserialize)]
struct AuditFilters {
    #[serde(default)]
    person: String,
    #[serde(default)]
    node: String,
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
}

/// 导出 CSV of the audit log of the admin's area, with the page's filters.
async fn audit_csv(
    State(state): State<AppState>,
    query: Result<axum::extract::Query<AuditFilters>, QueryRejection>,
    axum::Extension(RequestViewer(viewer)): axum::Extension<RequestViewer>,
) -> Response {
    let Some(user) = viewer.user else { return csv_refusal(app::error::AppError::Unauthorized, viewer.locale) };
    // A filter given twice, nested or not UTF-8.
    let Ok(axum::extract::Query(f)) = query else {
        return csv_refusal(app::error::AppError::BadRequest, viewer.locale);
    };
    match app::server_fns::grid::audit_lines(&state, &user, &f.person, &f.node, &f.from, &f.to, viewer.locale).await {
        Ok(lines) => (
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
                (header::CONTENT_DISPOSITION, "attachment; filename=\"audit.csv\""),
                (header::CACHE_CONTROL, "no-store"),
            ],
            app::audit_words::csv(&lines, viewer.locale),
        )
            .into_response(),
        Err(err) => csv_refusal(err, viewer.locale),
    }
}

#[derive(serde::Deserialize)]
struct DashboardTable {
    #[serde(default)]
    area: String,
    #[serde(default)]
    table: String,
}

/// 导出 CSV of one table of the command centre (指挥中心), refused exactly as the page is.
async fn dashboard_csv(
    State(state): State<AppState>,
    query: Result<axum::extract::Query<DashboardTable>, QueryRejection>,
    axum::Extension(RequestViewer(viewer)): axum::Extension<RequestViewer>,
) -> Response {
    let Some(user) = viewer.user else { return csv_refusal(app::error::AppError::Unauthorized, viewer.locale) };
    let Ok(axum::extract::Query(q)) = query else {
        return csv_refusal(app::error::AppError::BadRequest, viewer.locale);
    };
    match app::server_fns::dashboard::csv_export(&state, &user, &q.area, &q.table, viewer.locale).await {
        Ok((name, csv)) => (
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
                (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{name}\"")),
                (header::CACHE_CONTROL, "no-store".to_string()),
            ],
            csv,
        )
            .into_response(),
        Err(err) => csv_refusal(err, viewer.locale),
    }
}

/// Whether cargo-leptos's hash file lies beside the running binary.
fn hash_file_beside_binary(options: &LeptosOptions) -> bool {
    std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent().map(|dir| dir.join(options.hash_file.as_ref())))
        .is_some_and(|file| file.is_file())
}

async fn healthz(state: AppState) -> Response {
    if app::repo::db::ping(&state.pool).await {
        (StatusCode::OK, "ok").into_response()
    } else {
        (StatusCode::SERVICE_UNAVAILABLE, "database unreachable").into_response()
    }
}

/// Without JavaScript a refused form post is sent back to its page by Leptos with the
/// error in the URL, and what was typed would be lost. This keeps the fields (less
/// passwords and form keys) and the error for the sender under a token in a short-lived
/// cookie, and sends the browser to the page's own address, which renders the form
/// filled in again with the errors (`resolve_viewer`).
async fn echo_refused_form(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let headers = req.headers();
    let header_has = |name: header::HeaderName, text: &str| {
        headers.get(name).and_then(|v| v.to_str().ok()).is_some_and(|v| v.contains(text))
    };
    let plain_form = req.method() == axum::http::Method::POST
        && req.uri().path().starts_with("/api/")
        && header_has(header::ACCEPT, "text/html")
        && header_has(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
    if !plain_form {
        return next.run(req).await;
    }
    let owner = req.extensions().get::<RequestViewer>().and_then(|v| v.0.user.as_ref().map(|u| u.account_id));
    let (parts, body) = req.into_parts();
    let secure = app::auth::secure_request(&parts);
    let Ok(bytes) = axum::body::to_bytes(body, 1024 * 1024).await else {
        return StatusCode::PAYLOAD_TOO_LARGE.into_response();
    };
    let mut res = next.run(Request::from_parts(parts, axum::body::Body::from(bytes.clone()))).await;
    let refused_to = res
        .headers()
        .get(header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .filter(|l| l.contains("__err="))
        .map(str::to_owned);
    if let Some(location) = refused_to.and_then(|l| l.parse::<axum::http::Uri>().ok()) {
        let fields = serde_urlencoded::from_bytes::<Vec<(String, String)>>(&bytes).unwrap_or_default();
        let pairs = serde_urlencoded::from_str::<Vec<(String, String)>>(location.query().unwrap_or_default())
            .unwrap_or_default();
        let (error, rest): (Vec<_>, Vec<_>) = pairs.into_iter().partition(|(k, _)| k == "__path" || k == "__err");
        let error = serde_urlencoded::to_string(&error).unwrap_or_default();
        let token = state.echoes.keep(owner, location.path(), fields, error);
        let clean = match serde_urlencoded::to_string(&rest) {
            Ok(rest) if !rest.is_empty() => format!("{}?{rest}", location.path()),
            _ => location.path().to_string(),
        };
        let cookie = app::auth::cookie(Echoes::COOKIE, &token, Echoes::TTL.as_secs() as i64, true, secure);
        if let (Ok(location), Ok(cookie)) =
            (header::HeaderValue::from_str(&clean), header::HeaderValue::from_str(&cookie))
        {
            res.headers_mut().insert(header::LOCATION, location);
            res.headers_mut().append(header::SET_COOKIE, cookie);
        }
    }
    res
}

/// The token of a refused form the browser was sent back with, if it carries one.
fn echo_token(parts: &axum::http::request::Parts) -> Option<String> {
    let header = parts.headers.get(header::COOKIE)?.to_str().ok()?;
    app::session::cookie_value(header, Echoes::COOKIE).map(str::to_string)
}

/// Resolves the session cookie and preferences once per request, for pages and
/// server functions alike. Static assets and the live channel skip it.
async fn resolve_viewer(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let path = req.uri().path();
    if path.starts_with("/pkg/")
        || path == "/healthz"
        || path == "/api/events"
        || path.rsplit('/').next().is_some_and(|f| f.contains('.'))
    {
        return next.run(req).await;
    }
    let (mut parts, body) = req.into_parts();
    let user = match app::auth::resolve_user(&state, &parts).await {
        Ok(user) => user,
        Err(err) => {
            tracing::error!(?err, "resolving the session failed");
            None
        }
    };
    if let Some(u) = &user {
        tracing::Span::current().record("account", u.account_id.get());
    }
    let (cookie_locale, cookie_elder) = app::auth::cookie_prefs(&parts);
    let stored = match (&user, cookie_locale, cookie_elder) {
        (Some(u), None, _) | (Some(u), _, None) => {
            app::repo::accounts_repo::prefs(&state.pool, u.account_id).await.ok().flatten()
        }
        _ => None,
    };
    // A refused plain form comes back filled in, once, on its own page. Leptos reads the
    // refusal from `__path`/`__err` in the URL; they are added here, so the address bar
    // keeps the page's own address.
    let secure = app::auth::secure_request(&parts);
    let echoed = match (&parts.method, echo_token(&parts)) {
        (&axum::http::Method::GET, Some(token)) => {
            state.echoes.take(&token, user.as_ref().map(|u| u.account_id), parts.uri.path())
        }
        _ => None,
    };
    let mut echo = Vec::new();
    if let Some(echoed) = &echoed {
        echo = echoed.fields.clone();
        let uri = match parts.uri.query() {
            Some(q) => format!("{}?{q}&{}", parts.uri.path(), echoed.error),
            None => format!("{}?{}", parts.uri.path(), echoed.error),
        };
        if let Ok(uri) = uri.parse() {
            parts.uri = uri;
        }
    }
    let viewer = Viewer {
        locale: cookie_locale.or(stored.map(|s| s.0)).unwrap_or_default(),
        elder: cookie_elder.or(stored.map(|s| s.1)).unwrap_or(false),
        user,
        echo,
    };
    parts.extensions.insert(RequestViewer(viewer));
    let mut res = next.run(Request::from_parts(parts, body)).await;
    if echoed.is_some() {
        let gone = app::auth::cookie(Echoes::COOKIE, "", 0, true, secure);
        if let Ok(gone) = header::HeaderValue::from_str(&gone) {
            res.headers_mut().append(header::SET_COOKIE, gone);
        }
    }
    res
}
