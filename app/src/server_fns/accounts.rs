//! Account safety: a person changes their own password; an area admin disables or
//! re-enables an account in their area. Both end every session of that account.
#[cfg(feature = "ssr")]
use crate::domain::audit::Action;
use crate::domain::ids::{AccountId, NodeId};
use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use {
    super::ctx,
    super::write::{Act, Writer},
    crate::auth as a,
    crate::domain::password,
    crate::domain::privacy::mask_phone,
    crate::domain::volunteer::PartyBadge,
    crate::error::FieldError,
    crate::i18n::{Msg, ServerMsg},
    crate::repo::{accounts_repo, audit_repo::AuditEntry, sessions_repo},
    crate::session::SessionUser,
    std::time::Duration,
};

/// One account found by an area admin.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountLine {
    pub account_id: AccountId,
    pub name: String,
    pub phone_masked: String,
    pub area: String,
    pub disabled: bool,
    /// Grid staff matched the person to a household (a voter for 志愿服务之星).
    pub verified: bool,
    /// Whether this admin may disable or re-enable it (not themselves, not above them).
    pub may_change: bool,
    /// For an unverified account this admin may change: the units of its home micro-grid,
    /// to match the person to a household (`verify_resident`).
    pub units: Vec<(NodeId, String)>,
    /// A volunteer's 党员亮身份, for an account this admin may change, with the words for
    /// it in the viewer's language (the badge, "proposed", or the button that proposes it).
    pub party: Option<(crate::domain::volunteer::PartyBadge, String)>,
}

/// The message for a refused new password.
#[cfg(feature = "ssr")]
pub fn password_msg(e: password::PasswordError) -> Msg {
    match e {
        password::PasswordError::TooShort => Msg::ErrPasswordShort,
        password::PasswordError::TooLong => Msg::ErrPasswordLong,
        password::PasswordError::TooCommon => Msg::ErrPasswordCommon,
    }
}

/// Whether `user` may change `account`, which is tied to the places `codes` (home and
/// roles): never their own, and only when every one of them lies in their area. An account
/// tied to no place is no admin's: `all` of nothing must not pass.
#[cfg(feature = "ssr")]
fn may_change(user: &SessionUser, account: AccountId, codes: &[String]) -> bool {
    account != user.account_id && !codes.is_empty() && codes.iter().all(|c| user.administers(c))
}

/// Changes the signed-in person's password. The current one must be given (and counts
/// against the sign-in limit); every session of the account ends, and this browser gets
/// a fresh one so the person stays signed in here.
#[server(endpoint = "change_password")]
pub async fn change_password(current_password: String, new_password: String) -> Result<(), AppError> {
    let (w, user) = Writer::signed_in()?;
    let state = &w.state;
    let parts = ctx::parts()?;
    let ip = a::client_ip(&parts);
    if current_password.is_empty() || current_password.len() > 1024 {
        return Err(AppError::field("current_password", Msg::ErrBadCredentials));
    }
    if new_password == current_password {
        return Err(AppError::field("new_password", Msg::ErrPasswordSame));
    }
    if let Err(e) = password::check_new_password(&new_password) {
        return Err(AppError::Invalid(vec![FieldError { field: "new_password".into(), msg: password_msg(e) }]));
    }
    let key = format!("password:acct:{}", user.account_id);
    if !state.limiter.check(&key, state.settings.login_per_account_per_minute, Duration::from_secs(60)) {
        return Err(AppError::RateLimited);
    }
    let stored = {
        let mut conn = state.pool.acquire().await?;
        accounts_repo::password_hash(&mut conn, user.account_id).await?
    };
    let Some(stored) = stored else { return Err(AppError::Unauthorized) };
    let act = Act::new(Action::PasswordChangeRefused, "account").on(user.account_id.get());
    // The slow hashes run before the write lock is taken; a wrong current password (someone
    // may be guessing) is a refusal of the write like any other, audited by it.
    if !a::verify_password(current_password, stored.clone()).await {
        return w.run(act, async |_, _| Err(AppError::field("current_password", Msg::ErrWrongPassword))).await;
    }
    let new_hash = a::hash_password(new_password).await?;
    let absolute = state.settings.session_absolute.as_secs() as i64;
    let token = a::new_token();
    let agent = parts.headers.get(http::header::USER_AGENT).and_then(|v| v.to_str().ok()).unwrap_or("");
    let ended = w
        .run(act, async |tx, out| {
            // Conditional on the hash verified above: a concurrent change wins once.
            if !accounts_repo::set_password(tx, user.account_id, &stored, &new_hash, out.now).await? {
                return Err(AppError::Conflict(Msg::ErrItemChanged));
            }
            let ended = sessions_repo::delete_for_account(tx, user.account_id).await?;
            sessions_repo::create(tx, &a::token_hash(&token), user.account_id, out.now, out.now + absolute, agent)
                .await?;
            out.audit(AuditEntry {
                object_id: Some(user.account_id.get()),
                detail: format!("{ended} sessions ended"),
                ip: Some(ip),
                ..AuditEntry::of(Action::PasswordChanged, "account")
            });
            Ok(ended)
        })
        .await?;
    state.limiter.reset(&key);
    ctx::set_cookie(a::cookie(crate::session::SESSION_COOKIE, &token, absolute, true, ctx::secure_cookies()));
    tracing::info!(account = user.account_id.get(), ended, "password changed; other sessions ended");
    ctx::redirect_form("/me");
    Ok(())
}

/// Accounts in the admin's areas matching a name or phone number.
#[server(endpoint = "account_search")]
pub async fn account_search(query: String) -> Result<Vec<AccountLine>, AppError> {
    let state = ctx::state()?;
    let user = ctx::require_user()?;
    if !user.is_area_admin() {
        return Err(AppError::Forbidden);
    }
    let query = ctx::field_text(&query, "query", 0..=40, Msg::ErrTooLong)?;
    if query.is_empty() {
        return Ok(Vec::new());
    }
    let locale = ctx::viewer().locale;
    let mut lines: Vec<AccountLine> = Vec::new();
    for scope in user.area_admin_scopes() {
        for row in accounts_repo::search_in_area(&state.pool, &scope.node_code, &query).await? {
            if lines.iter().any(|l| l.account_id == row.account_id) {
                continue;
            }
            let mut conn = state.pool.acquire().await?;
            let codes = accounts_repo::tied_codes(&mut conn, row.account_id).await?;
            drop(conn);
            let may_change = may_change(&user, row.account_id, &codes);
            let units = match row.micro_grid_id {
                Some(micro) if may_change && !row.verified => accounts_repo::units_of(&state.pool, micro).await?,
                _ => Vec::new(),
            };
            lines.push(AccountLine {
                account_id: row.account_id,
                name: row.full_name,
                phone_masked: mask_phone(&row.phone),
                area: row.area.unwrap_or_default(),
                disabled: row.disabled,
                verified: row.verified,
                may_change,
                units,
                party: (may_change && row.volunteer).then(|| {
                    let badge = PartyBadge::of(row.party_member, row.party_proposed);
                    let word = match badge {
                        PartyBadge::Shown => ServerMsg::PartyMember,
                        PartyBadge::Proposed => ServerMsg::PartyBadgeWaiting,
                        PartyBadge::Off => ServerMsg::ProposePartyBadge,
                    };
                    (badge, word.text(locale).to_string())
                }),
            });
        }
    }
    Ok(lines)
}

/// Disables (`disabled = "1"`) or re-enables (`"0"`) an account. Only an admin of an area
/// holding every place the account is tied to (home and roles), never their own account.
/// Disabling ends all its sessions at once.
#[server(endpoint = "set_account_disabled")]
pub async fn set_account_disabled(account: AccountId, disabled: String, reason: String) -> Result<(), AppError> {
    let (w, user) = Writer::signed_in()?;
    let disabled = match disabled.as_str() {
        "1" => true,
        "0" => false,
        _ => return Err(AppError::BadRequest),
    };
    let reason = ctx::field_text(&reason, "reason", 0..=200, Msg::ErrTooLong)?;
    if disabled && reason.is_empty() {
        return Err(AppError::field("reason", Msg::ErrRequired));
    }
    let act = Act::new(Action::AccountDisableRefused, "account").on(account.get());
    let ended = w
        .run(act, async |tx, out| {
            // Checked under the spine, though it needs no row: a refused try on an account
            // is audited on that account.
            if !user.is_area_admin() {
                return Err(AppError::Forbidden);
            }
            let codes = accounts_repo::tied_codes(tx, account).await?;
            let exists = !codes.is_empty() || accounts_repo::password_hash(tx, account).await?.is_some();
            if !exists {
                return Err(AppError::NotFound);
            }
            if !may_change(&user, account, &codes) {
                return Err(AppError::Forbidden);
            }
            if !accounts_repo::set_disabled(tx, account, disabled, out.now).await? {
                return Err(AppError::Conflict(Msg::ErrItemChanged));
            }
            let ended = if disabled { sessions_repo::delete_for_account(tx, account).await? } else { 0 };
            out.audit(AuditEntry {
                object_id: Some(account.get()),
                detail: format!("{reason} ({ended} sessions ended)"),
                ..AuditEntry::of(if disabled { Action::AccountDisabled } else { Action::AccountEnabled }, "account")
            });
            Ok(ended)
        })
        .await?;
    tracing::info!(account = account.get(), disabled, ended, by = user.account_id.get(), "account state changed");
    ctx::redirect_form("/admin/accounts");
    Ok(())
}

/// 核实住户: an area admin matches an account's person to a household of its home
/// micro-grid (unit and room), which makes the account a voter for 志愿服务之星. Only for
/// accounts this admin may change (every place it is tied to lies in their area), never
/// their own; audited with the household before and after.
#[server(endpoint = "verify_resident")]
pub async fn verify_resident(account: AccountId, unit: NodeId, room: String) -> Result<(), AppError> {
    let (w, user) = Writer::signed_in()?;
    let room = ctx::required_text(&room, "room", 20)?;
    w.run(Act::new(Action::VerifyResident, "account").on(account.get()), async |tx, out| {
        // A refusal is filed under the person's micro-grid, so that the admins of that area
        // see it in their log: the home is read first, before any rule can refuse.
        let found = accounts_repo::home_of(tx, account).await?;
        if let Some(node) = found.and_then(|(home, _, _)| home) {
            out.refusal_node(node);
        }
        // Checked under the spine, though it needs no row: a refused try on an account is
        // audited on that account.
        if !user.is_area_admin() {
            return Err(AppError::Forbidden);
        }
        let Some((home, household_before, verified)) = found else {
            return Err(AppError::NotFound);
        };
        let codes = accounts_repo::tied_codes(tx, account).await?;
        if !may_change(&user, account, &codes) {
            return Err(AppError::Forbidden);
        }
        if verified {
            return Err(AppError::Conflict(Msg::ErrItemChanged));
        }
        // The household must be in the person's own micro-grid (and so in this admin's area).
        let place = accounts_repo::household_at(tx, unit, &room)
            .await?
            .filter(|p| Some(p.micro_grid_id) == home && user.administers(&p.micro_grid_code))
            .ok_or_else(|| AppError::field("room", Msg::ErrNoSuchHousehold))?;
        if !accounts_repo::verify(tx, account, &place, user.account_id, out.now).await? {
            return Err(AppError::Conflict(Msg::ErrItemChanged));
        }
        out.audit(AuditEntry {
            object_id: Some(account.get()),
            node_id: Some(place.micro_grid_id),
            before_json: Some(serde_json::json!({ "household": household_before, "verified": false }).to_string()),
            after_json: Some(
                serde_json::json!({ "household": place.household_id, "unit": unit, "room": room, "verified": true })
                    .to_string(),
            ),
            ..AuditEntry::of(Action::VerifyResident, "account")
        });
        Ok(())
    })
    .await?;
    tracing::info!(account = account.get(), by = user.account_id.get(), "resident verified");
    ctx::redirect_form("/admin/accounts");
    Ok(())
}

/// Staff propose 党员亮身份 to a volunteer of their area; the volunteer is told and the
/// badge shows only if they confirm it on their profile. Only for accounts this admin may
/// change, never their own, and not while it is shown or already proposed; audited.
#[server(endpoint = "propose_party_badge")]
pub async fn propose_party_badge(account: AccountId) -> Result<(), AppError> {
    let (w, user) = Writer::signed_in()?;
    w.run(Act::new(Action::ProposePartyBadge, "account").on(account.get()), async |tx, out| {
        let found = accounts_repo::home_of(tx, account).await?;
        if let Some(node) = found.and_then(|(home, _, _)| home) {
            out.refusal_node(node);
        }
        if !user.is_area_admin() {
            return Err(AppError::Forbidden);
        }
        if found.is_none() {
            return Err(AppError::NotFound);
        }
        let codes = accounts_repo::tied_codes(tx, account).await?;
        if !may_change(&user, account, &codes) {
            return Err(AppError::Forbidden);
        }
        let person = accounts_repo::person_of(tx, account).await?.ok_or(AppError::NotFound)?;
        // Only a volunteer has the badge to show.
        let (shown, proposed) = accounts_repo::party_badge(tx, person).await?.ok_or(AppError::NotFound)?;
        if !PartyBadge::of(shown, proposed).may_propose()
            || !accounts_repo::propose_party_badge(tx, person, user.account_id).await?
        {
            return Err(AppError::Conflict(Msg::ErrItemChanged));
        }
        crate::repo::notices_repo::notify_person(tx, person, &crate::domain::notice::Notice::PartyBadgeProposed)
            .await?;
        out.audit(AuditEntry {
            object_id: Some(account.get()),
            node_id: found.and_then(|(home, _, _)| home),
            after_json: Some(serde_json::json!({ "party_badge": "proposed" }).to_string()),
            ..AuditEntry::of(Action::ProposePartyBadge, "account")
        });
        Ok(())
    })
    .await?;
    ctx::redirect_form("/admin/accounts");
    Ok(())
}

#[server(endpoint = "me_data")]
pub async fn me_data() -> Result<crate::dto::MeView, AppError> {
    let state = ctx::state()?;
    let user = ctx::require_user()?;
    let p = crate::repo::accounts_repo::own_profile(&state.pool, user.person_id).await?.ok_or(AppError::NotFound)?;
    Ok(crate::dto::MeView {
        name: p.full_name,
        phone: p.phone,
        building: p.building,
        micro_grid: p.micro_grid,
        community: p.community,
        service_minutes: p.service_minutes,
        orders_completed: p.orders_completed,
        orders_placed: p.orders_placed,
        badges: crate::repo::elections_repo::badges(&state.pool, user.person_id, crate::repo::now()).await?,
    })
}
