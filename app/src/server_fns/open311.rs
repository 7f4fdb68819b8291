//! Open311 GeoReport v2 keys: an area admin issues a key for their area (the plain key is
//! shown once and only its hash is kept), lists and revokes them. The endpoints that use
//! the keys are plain axum handlers in the server crate; what they read and write is in
//! [`repo`].
#[cfg(feature = "ssr")]
use crate::domain::audit::Action;
use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use {
    super::ctx,
    super::write::{Act, Writer},
    crate::domain::time::format_local_datetime,
    crate::i18n::Msg,
    crate::repo::{audit_repo::AuditEntry, form_keys_repo, open311_repo as repo},
    crate::session::{RoleScope, SessionUser},
};

/// One key as the admin page lists it (never the key itself).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiKeyView {
    pub id: i64,
    pub label: String,
    pub area: String,
    pub created: String,
    pub revoked: Option<String>,
    /// The first characters of the key's hash: tells two keys of the same label apart.
    pub fingerprint: String,
}

/// The /admin/open311 page: the keys of the admin's areas, and a key issued just now by
/// a plain form post (handed over once through a short-lived cookie, then forgotten).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiKeysView {
    pub area: String,
    pub keys: Vec<ApiKeyView>,
    pub new_key: Option<String>,
}

/// The cookie that carries a new key from the form post to the page, once.
#[cfg(feature = "ssr")]
const NEW_KEY_COOKIE: &str = "gs_open311_key";
#[cfg(feature = "ssr")]
const PAGE: &str = "/admin/open311";

/// The widest area the user administers (a subdistrict before a community).
#[cfg(feature = "ssr")]
fn admin_scope(user: &SessionUser) -> Option<&RoleScope> {
    user.area_admin_scopes().max_by_key(|r| r.role)
}

#[cfg(feature = "ssr")]
fn new_key_cookie(value: &str, max_age: i64, secure: bool) -> String {
    let mut c = format!("{NEW_KEY_COOKIE}={value}; Path={PAGE}; Max-Age={max_age}; SameSite=Strict; HttpOnly");
    if secure {
        c.push_str("; Secure");
    }
    c
}

/// 签发密钥: a community or subdistrict admin issues a key for their widest area. Returns
/// the plain key, which is shown once; only its hash is stored.
#[server(endpoint = "issue_api_key")]
pub async fn issue_api_key(label: String, #[server(default)] form_key: String) -> Result<String, AppError> {
    let (w, user) = Writer::signed_in()?;
    let form_key = ctx::form_key(&form_key)?;
    let act = Act::new(Action::IssueApiKey, "api_key");
    let Some(scope) = admin_scope(&user).cloned() else {
        // Nothing to read or write: the refusal goes through the spine only for its audit row.
        return Err(w.refuse(act, AppError::Forbidden).await);
    };
    let label = ctx::field_text(&label, "label", 1..=60, Msg::Open311ErrLabel)?;
    let key = crate::auth::new_token();
    let issued = w
        .run(act.at(scope.node_id), async |tx, out| {
            // A repeat of a form that already issued its key: the plain key was shown once and
            // is not kept, so the answer is empty and the page keeps showing the first one.
            if form_keys_repo::seen(tx, "issue_api_key", user.account_id, form_key.as_ref()).await?.is_some() {
                return Ok(false);
            }
            let hash = crate::auth::token_hash(&key);
            let id = repo::insert_key(tx, scope.node_id, &label, &hash, user.account_id, out.now).await?;
            form_keys_repo::remember(tx, "issue_api_key", user.account_id, form_key.as_ref(), id, out.now).await?;
            out.audit(AuditEntry {
                object_id: Some(id),
                node_id: Some(scope.node_id),
                after_json: Some(serde_json::json!({ "label": label, "area": scope.node_name }).to_string()),
                ..AuditEntry::of(Action::IssueApiKey, "api_key")
            });
            Ok(true)
        })
        .await?;
    if !issued {
        ctx::redirect_form(PAGE);
        return Ok(String::new());
    }
    // Without WASM the form post is answered with a redirect, so the key rides along to
    // the page in a cookie that only that page receives and that the page clears.
    if ctx::parts().is_ok_and(|p| ctx::is_plain_form(&p)) {
        ctx::set_cookie(new_key_cookie(&key, 120, ctx::secure_cookies()));
        ctx::redirect_form(PAGE);
    }
    Ok(key)
}

/// 吊销: revokes a key of the admin's area; the key stops working at once.
#[server(endpoint = "revoke_api_key")]
pub async fn revoke_api_key(id: i64) -> Result<(), AppError> {
    let (w, user) = Writer::signed_in()?;
    w.run(Act::new(Action::RevokeApiKey, "api_key").on(id), async |tx, out| {
        let key = repo::key(tx, id).await?.ok_or(AppError::NotFound)?;
        out.refusal_node(key.node_id);
        if !user.administers(&key.node_code) {
            return Err(AppError::Forbidden);
        }
        if key.revoked_at.is_none() {
            repo::revoke(tx, id, out.now).await?;
            out.audit(AuditEntry {
                object_id: Some(id),
                node_id: Some(key.node_id),
                before_json: Some(serde_json::json!({ "label": key.label, "revoked": false }).to_string()),
                after_json: Some(serde_json::json!({ "revoked": true }).to_string()),
                ..AuditEntry::of(Action::RevokeApiKey, "api_key")
            });
        }
        Ok(())
    })
    .await?;
    ctx::redirect_form(PAGE);
    Ok(())
}

/// The keys of the admin's areas, newest first.
#[server(endpoint = "api_keys")]
pub async fn api_keys() -> Result<ApiKeysView, AppError> {
    let state = ctx::state()?;
    let user = ctx::require_user()?;
    let Some(scope) = admin_scope(&user).cloned() else { return Err(AppError::Forbidden) };
    let mut keys = Vec::new();
    for area in user.area_admin_scopes() {
        for row in repo::keys_in(&state.pool, &area.node_code).await? {
            if keys.iter().any(|k: &ApiKeyView| k.id == row.id) {
                continue;
            }
            keys.push(ApiKeyView {
                id: row.id,
                label: row.label,
                area: row.node_name,
                created: format_local_datetime(row.created_at),
                revoked: row.revoked_at.map(format_local_datetime),
                fingerprint: row.key_hash.chars().take(8).collect(),
            });
        }
    }
    keys.sort_by_key(|k| std::cmp::Reverse(k.id));
    let new_key = ctx::parts().ok().and_then(|p| {
        let header = p.headers.get(http::header::COOKIE)?.to_str().ok()?;
        crate::session::cookie_value(header, NEW_KEY_COOKIE)
            .filter(|k| k.len() == 64 && k.bytes().all(|b| b.is_ascii_hexdigit()))
            .map(str::to_string)
    });
    if new_key.is_some() {
        ctx::set_cookie(new_key_cookie("", 0, ctx::secure_cookies()));
    }
    Ok(ApiKeysView { area: scope.node_name, keys, new_key })
}
