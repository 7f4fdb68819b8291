//! Server functions, one file per feature. Each: viewer → authorise → parse the form →
//! [`write::Writer::run`] (`BEGIN IMMEDIATE` → rules → repo → audit → commit → publish) → return.
pub mod accounts;
pub mod activities;
pub mod auth;
pub mod board;
pub mod council;
pub mod dashboard;
pub mod dispatch;
pub mod elders;
pub mod elections;
pub mod feed;
pub mod grid;
pub mod home;
pub mod offers;
pub mod open311;
pub mod orders;
pub mod pairings;
pub mod prefs;
pub mod sentiment;
pub mod volunteer;
pub mod write;

/// Response header a server function sets when it wrote its own audit row for a refusal;
/// the server's error middleware removes it and does not write a second one.
pub const AUDITED_HEADER: &str = "x-gs-audited";

#[cfg(feature = "ssr")]
pub(crate) mod ctx {
    use crate::error::AppError;
    use crate::i18n::Msg;
    use crate::session::{SessionUser, Viewer};
    use crate::state::AppState;
    use http::request::Parts;
    use leptos::prelude::*;

    /// Set by the server's viewer middleware on every request.
    #[derive(Clone, Debug, Default)]
    pub struct RequestViewer(pub Viewer);

    pub fn state() -> Result<AppState, AppError> {
        use_context::<AppState>().ok_or_else(|| {
            tracing::error!("AppState missing from context");
            AppError::Internal
        })
    }

    pub fn parts() -> Result<Parts, AppError> {
        use_context::<Parts>().ok_or(AppError::Internal)
    }

    pub fn viewer() -> Viewer {
        use_context::<Parts>()
            .and_then(|p| p.extensions.get::<RequestViewer>().map(|v| v.0.clone()))
            .unwrap_or_default()
    }

    pub fn require_user() -> Result<SessionUser, AppError> {
        viewer().user.ok_or(AppError::Unauthorized)
    }

    /// Free text as typed: trimmed, its length in characters within `range` (else `msg` on
    /// `field`), no control characters.
    pub fn field_text(
        value: &str,
        field: &str,
        range: std::ops::RangeInclusive<usize>,
        msg: Msg,
    ) -> Result<String, AppError> {
        use crate::domain::text::{FreeText, TextProblem};
        FreeText::parse(value, range).map(FreeText::into_string).map_err(|problem| match problem {
            TextProblem::Length => AppError::field(field, msg),
            TextProblem::Control => AppError::field(field, Msg::ErrControlChars),
        })
    }

    /// The problems a domain parser found in a form, answered as the field errors they name,
    /// all at once.
    pub fn invalid<P>(problems: Vec<(&'static str, P)>, msg: impl Fn(P) -> Msg) -> AppError {
        AppError::Invalid(
            problems
                .into_iter()
                .map(|(field, problem)| crate::error::FieldError { field: field.into(), msg: msg(problem) })
                .collect(),
        )
    }

    /// Free text that must be given: `ErrRequired` on `field` when empty (after trimming),
    /// else as [`field_text`] with at most `max` characters (`ErrTooLong`).
    pub fn required_text(value: &str, field: &str, max: usize) -> Result<String, AppError> {
        if value.trim().is_empty() {
            return Err(AppError::field(field, Msg::ErrRequired));
        }
        field_text(value, field, 1..=max, Msg::ErrTooLong)
    }

    /// The key a create form was rendered with: none when the form sent none, refused
    /// when it is malformed (no form of ours sends that).
    pub fn form_key(text: &str) -> Result<Option<crate::domain::form_key::FormKey>, AppError> {
        match text.trim() {
            "" => Ok(None),
            key => crate::domain::form_key::FormKey::parse(key).map(Some).ok_or(AppError::BadRequest),
        }
    }

    /// A fresh key for a create form being rendered.
    pub fn new_form_key() -> String {
        crate::auth::new_token()[..32].to_string()
    }

    /// Whether the request is a plain HTML form post (no WASM), which wants a 302.
    pub fn is_plain_form(parts: &Parts) -> bool {
        parts.headers.get(http::header::ACCEPT).and_then(|v| v.to_str().ok()).is_some_and(|v| v.contains("text/html"))
    }

    /// `https://host[:port]` as the client reached this server (its `Host`, and TLS as
    /// [`crate::auth::secure_request`] says), for a link another phone opens (a QR code).
    /// A `Host` that is not a plain host name falls back to `localhost`.
    pub fn site_origin() -> String {
        let parts = use_context::<Parts>();
        let host = parts
            .as_ref()
            .and_then(|p| p.headers.get(http::header::HOST))
            .and_then(|v| v.to_str().ok())
            .filter(|h| !h.is_empty() && h.bytes().all(|b| b.is_ascii_alphanumeric() || b"-.:[]".contains(&b)))
            .unwrap_or("localhost");
        let scheme = if parts.as_ref().is_some_and(crate::auth::secure_request) { "https" } else { "http" };
        format!("{scheme}://{host}")
    }

    /// Redirects plain form posts; the hydrated app reloads by itself.
    pub fn redirect_form(path: &str) {
        if use_context::<Parts>().is_some_and(|p| is_plain_form(&p)) {
            leptos_axum::redirect(path);
        }
    }

    /// Sends a plain form back to the page it came from, at `#fragment` (and with
    /// `flag=1` in the query, to say what happened), so a reload lands where the person
    /// was instead of at the top. The hydrated app stays where it is by itself.
    pub fn redirect_back(fragment: &str, flag: Option<&str>) {
        let Some(parts) = use_context::<Parts>().filter(is_plain_form) else { return };
        let referer = parts.headers.get(http::header::REFERER).and_then(|v| v.to_str().ok()).unwrap_or("/");
        // Only a path of this site: the scheme and host of the Referer are dropped.
        let path = match referer.find("://") {
            Some(i) => referer[i + 3..].find('/').map_or("/", |j| &referer[i + 3 + j..]),
            None => referer,
        };
        let path = path.split('#').next().unwrap_or("/");
        let mut target = path.to_string();
        if let Some(flag) = flag.filter(|f| !path.contains(&format!("{f}=1"))) {
            target.push(if path.contains('?') { '&' } else { '?' });
            target.push_str(flag);
            target.push_str("=1");
        }
        leptos_axum::redirect(&format!("{target}#{fragment}"));
    }

    /// Whether cookies set now must be `Secure` (the request came over TLS, directly or
    /// through a trusted proxy, or the server is configured so).
    pub fn secure_cookies() -> bool {
        use_context::<Parts>().is_some_and(|p| crate::auth::secure_request(&p))
    }

    pub fn set_cookie(value: String) {
        if let (Some(res), Ok(v)) = (use_context::<leptos_axum::ResponseOptions>(), http::HeaderValue::from_str(&value))
        {
            res.append_header(http::header::SET_COOKIE, v);
        }
    }

    /// Writes `entry` (a refusal) alone and marks the response as audited, so the error
    /// middleware does not write a second row.
    pub async fn refused_entry(
        state: &AppState,
        entry: crate::repo::audit_repo::AuditEntry<'_>,
        err: AppError,
    ) -> AppError {
        let action = entry.action.as_str();
        if let Err(e) = crate::repo::audit_repo::record_alone(&state.pool, entry).await {
            tracing::error!(error = %e, action, "recording a refusal failed");
        }
        if let Some(res) = use_context::<leptos_axum::ResponseOptions>() {
            res.insert_header(
                http::HeaderName::from_static(super::AUDITED_HEADER),
                http::HeaderValue::from_static("1"),
            );
        }
        err
    }

    /// The area a viewer looks at by default: their community (or widest staff scope).
    pub fn default_area(viewer: &Viewer) -> String {
        let Some(user) = &viewer.user else { return String::new() };
        if let Some(scope) = user.widest_staff_scope() {
            return scope.node_code.clone();
        }
        user.roles.first().map(|r| crate::domain::grid::community_prefix(&r.node_code).to_string()).unwrap_or_default()
    }
}
