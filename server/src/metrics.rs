//! Counters for an operator, and for the fan-out benchmark's claims (a live event renders no
//! page, and its SQL does not grow with the subscribers): `GET /metrics` in Prometheus' text
//! format. Only when `GRIDSTATION_METRICS_ADDR` is set ([`Config::metrics_addr`]), and then on
//! a listener of its own, never the public one, so the counters need no place in the access
//! rules. Unset, there is no listener and neither pages nor SQL statements are counted.
//!
//! The counters are the process's: the SQL counter hangs on the process's tracing subscriber.
//!
//! [`Config::metrics_addr`]: crate::config::Config::metrics_addr
use app::state::AppState;
use axum::extract::Request;
use axum::http::header;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use tracing_subscriber::filter::{LevelFilter, Targets};
use tracing_subscriber::Layer;

static PAGE_RENDERS: AtomicU64 = AtomicU64::new(0);
static SQL_STATEMENTS: AtomicU64 = AtomicU64::new(0);
static SESSION_CHECKS: AtomicU64 = AtomicU64::new(0);

/// Counts the app's HTML answers, each a page the server rendered (layered inside the
/// guards, so their own refusal pages are not counted).
pub async fn count_pages(req: Request, next: Next) -> Response {
    let res = next.run(req).await;
    let html = res.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok());
    if html.is_some_and(|v| v.starts_with("text/html")) {
        PAGE_RENDERS.fetch_add(1, Relaxed);
    }
    res
}

/// The open live streams' sessions were checked: `statements` SQL statements (one per 500
/// sessions, every half minute, whatever happens), which the benchmark takes off its
/// per-event count.
pub fn sessions_checked(statements: u64) {
    SESSION_CHECKS.fetch_add(statements, Relaxed);
}

/// A tracing layer counting the SQL statements run. sqlx logs each statement it executes
/// as one event of target `sqlx::query` (at DEBUG, at WARN when slow; `BEGIN`/`COMMIT` are
/// not logged), and builds it (the statement's text, copied) only when some layer wants it,
/// hence only with the counters on. This layer's own filter asks for exactly those events,
/// so the log's filter and output stay as they were.
pub fn sql_layer<S: tracing::Subscriber + for<'a> tracing_subscriber::registry::LookupSpan<'a>>() -> impl Layer<S> {
    SqlCounter.with_filter(Targets::new().with_target("sqlx::query", LevelFilter::DEBUG))
}

struct SqlCounter;

impl<S: tracing::Subscriber> Layer<S> for SqlCounter {
    fn on_event(&self, _: &tracing::Event<'_>, _: tracing_subscriber::layer::Context<'_, S>) {
        SQL_STATEMENTS.fetch_add(1, Relaxed);
    }
}

/// The metrics listener's one route.
pub fn router(state: AppState) -> Router {
    Router::new().route("/metrics", get(move || async move { exposition(&state).into_response() }))
}

fn exposition(state: &AppState) -> ([(header::HeaderName, &'static str); 1], String) {
    let counters = [
        ("page_renders", "HTML pages the server rendered.", PAGE_RENDERS.load(Relaxed)),
        (
            "sql_statements",
            "SQL statements executed (as sqlx logs them; BEGIN and COMMIT are not counted).",
            SQL_STATEMENTS.load(Relaxed),
        ),
        ("live_frames", "Frames published on the live channel.", state.bus.current()),
        (
            "live_session_checks",
            "SQL statements checking the sessions of open live streams.",
            SESSION_CHECKS.load(Relaxed),
        ),
    ];
    let mut text = String::new();
    for (name, help, value) in counters {
        text.push_str(&format!(
            "# HELP gridstation_{name}_total {help}\n# TYPE gridstation_{name}_total counter\ngridstation_{name}_total {value}\n"
        ));
    }
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")], text)
}
