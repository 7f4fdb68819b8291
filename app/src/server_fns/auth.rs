//! Sign-in, sign-up and sign-out.
#[cfg(feature = "ssr")]
use crate::domain::audit::Action;
use crate::domain::ids::NodeId;
use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use {
    super::ctx,
    super::write::{Act, Writer},
    crate::auth as a,
    crate::domain::{password, phone::PhoneNumber},
    crate::error::FieldError,
    crate::i18n::Msg,
    crate::repo::{accounts_repo, audit_repo::AuditEntry, sessions_repo},
    std::time::Duration,
};

/// How long a sign-in waits once the account has had many tries this minute.
#[cfg(feature = "ssr")]
const LOGIN_SLOWDOWN: Duration = Duration::from_secs(2);

/// Signs in with a mainland mobile number and password.
#[server(endpoint = "login")]
pub async fn login(phone: String, password: String) -> Result<(), AppError> {
    // Nobody is signed in yet: each audit row names the account it is about.
    let w = Writer { state: ctx::state()?, actor: None };
    let state = &w.state;
    let parts = ctx::parts()?;
    let ip = a::client_ip(&parts);
    let phone = PhoneNumber::parse(&phone).map_err(|_| AppError::field("phone", Msg::ErrPhoneMalformed))?;
    if password.is_empty() || password.len() > 1024 {
        return Err(AppError::BadCredentials);
    }
    let minute = Duration::from_secs(60);
    let settings = &state.settings;
    // Tries are limited per account and address: someone guessing from one place is
    // stopped there, while the owner signs in from their own phone. From everywhere at
    // once the account's tries are only slowed, never refused, so nobody can lock anyone
    // out by typing their number five times.
    let pair_key = format!("login:acct:{}:ip:{ip}", phone.as_str());
    let account_key = format!("login:acct:{}", phone.as_str());
    let ip_key = format!("login:ip:{ip}");
    if !state.limiter.check(&ip_key, settings.login_per_ip_per_minute, minute)
        || !state.limiter.check(&pair_key, settings.login_per_account_per_minute, minute)
    {
        tracing::warn!(phone = %phone, %ip, "sign-in rate limited");
        return Err(AppError::RateLimited);
    }
    if !state.limiter.check(&account_key, settings.login_per_account_per_minute, minute) {
        tracing::warn!(phone = %phone, %ip, "sign-in slowed: many tries on the account");
        tokio::time::sleep(LOGIN_SLOWDOWN).await;
    }
    let row = accounts_repo::find_for_login(&state.pool, phone.as_str()).await?;
    let hash = row.as_ref().map(|r| r.password_hash.clone()).unwrap_or_else(|| a::dummy_hash().into());
    let verified = a::verify_password(password, hash).await;
    let account = match row {
        Some(row) if verified && !row.disabled => row.account_id,
        other => {
            // A disabled account answers like a wrong password: the answer must not say
            // that the password was right. The audit row tells the admins. The failed try
            // is the write itself (it commits), so the refusal is answered only after it.
            let disabled = other.as_ref().is_some_and(|r| r.disabled && verified);
            let entry = AuditEntry {
                actor_id: other.as_ref().map(|r| r.account_id),
                refused: true,
                detail: format!("phone {phone}{}", if disabled { "; account disabled" } else { "" }),
                ip: Some(ip),
                ..AuditEntry::of(Action::LoginFailed, "account")
            };
            w.run(Act::new(Action::LoginFailed, "account"), async |_, out| {
                out.audit(entry);
                Ok(())
            })
            .await?;
            tracing::info!(phone = %phone, "sign-in refused");
            return Err(AppError::BadCredentials);
        }
    };
    let token = a::new_token();
    let absolute = state.settings.session_absolute.as_secs() as i64;
    let user_agent = parts.headers.get(http::header::USER_AGENT).and_then(|v| v.to_str().ok()).unwrap_or("");
    let old = a::session_token(&parts);
    w.run(Act::new(Action::Login, "account").on(account.get()), async |tx, out| {
        // A new session id at every sign-in; an old cookie's session ends.
        if let Some(old) = old {
            sessions_repo::delete(tx, &a::token_hash(&old)).await?;
        }
        sessions_repo::create(tx, &a::token_hash(&token), account, out.now, out.now + absolute, user_agent).await?;
        out.audit(AuditEntry {
            actor_id: Some(account),
            object_id: Some(account.get()),
            ip: Some(ip),
            ..AuditEntry::of(Action::Login, "account")
        });
        Ok(())
    })
    .await?;
    state.limiter.reset(&pair_key);
    ctx::set_cookie(a::cookie(crate::session::SESSION_COOKIE, &token, absolute, true, ctx::secure_cookies()));
    tracing::info!(phone = %phone, account = account.get(), "signed in");
    ctx::redirect_form("/");
    Ok(())
}

/// Ends the session on the server and clears the cookie.
#[server(endpoint = "logout")]
pub async fn logout() -> Result<(), AppError> {
    let parts = ctx::parts()?;
    if let Some(token) = a::session_token(&parts) {
        let user = ctx::viewer().user;
        let w = Writer { state: ctx::state()?, actor: user.as_ref().map(|u| u.account_id) };
        w.run(Act::new(Action::Logout, "account"), async |tx, out| {
            sessions_repo::delete(tx, &a::token_hash(&token)).await?;
            if let Some(user) = &user {
                out.audit(AuditEntry {
                    object_id: Some(user.account_id.get()),
                    ..AuditEntry::of(Action::Logout, "account")
                });
            }
            Ok(())
        })
        .await?;
    }
    ctx::set_cookie(a::cookie(crate::session::SESSION_COOKIE, "", 0, true, ctx::secure_cookies()));
    ctx::redirect_form("/");
    Ok(())
}

/// Registers a resident of a micro-grid and signs them in.
#[server(endpoint = "signup")]
pub async fn signup(full_name: String, phone: String, password: String, micro_grid: String) -> Result<(), AppError> {
    // Nobody is signed in yet: the audit row names the new account.
    let w = Writer { state: ctx::state()?, actor: None };
    let parts = ctx::parts()?;
    let ip = a::client_ip(&parts);
    let name = ctx::required_text(&full_name, "full_name", 40);
    let mut errors = AppError::field_errors(&[&name]);
    let phone = match PhoneNumber::parse(&phone) {
        Ok(p) => Some(p),
        Err(_) => {
            errors.push(FieldError { field: "phone".into(), msg: Msg::ErrPhoneMalformed });
            None
        }
    };
    if let Err(e) = password::check_new_password(&password) {
        errors.push(FieldError { field: "password".into(), msg: super::accounts::password_msg(e) });
    }
    let micro_grid = match micro_grid.trim().parse::<NodeId>() {
        Ok(id) if crate::repo::grid_repo::is_micro_grid(&w.state.pool, id).await? => Some(id),
        _ => {
            errors.push(FieldError { field: "micro_grid".into(), msg: Msg::ErrNoSuchMicroGrid });
            None
        }
    };
    let (Ok(name), Some(phone), Some(micro_grid), true) = (name, phone, micro_grid, errors.is_empty()) else {
        return Err(AppError::Invalid(errors));
    };
    if !w.state.limiter.check(&format!("signup:ip:{ip}"), 10, Duration::from_secs(600)) {
        return Err(AppError::RateLimited);
    }
    let hash = a::hash_password(password).await?;
    let token = a::new_token();
    let absolute = w.state.settings.session_absolute.as_secs() as i64;
    w.run(Act::new(Action::Signup, "account").at(micro_grid), async |tx, out| {
        if accounts_repo::phone_exists(tx, phone.as_str()).await? {
            return Err(AppError::Conflict(Msg::ErrPhoneTaken));
        }
        let account = accounts_repo::create_resident(tx, &name, phone.as_str(), &hash, micro_grid).await?;
        sessions_repo::create(tx, &a::token_hash(&token), account, out.now, out.now + absolute, "").await?;
        out.audit(AuditEntry {
            actor_id: Some(account),
            object_id: Some(account.get()),
            node_id: Some(micro_grid),
            detail: format!("phone {phone}"),
            ip: Some(ip),
            ..AuditEntry::of(Action::Signup, "account")
        });
        Ok(())
    })
    .await?;
    ctx::set_cookie(a::cookie(crate::session::SESSION_COOKIE, &token, absolute, true, ctx::secure_cookies()));
    ctx::redirect_form("/");
    Ok(())
}

/// Micro-grids to choose from at sign-up.
#[server(endpoint = "signup_choices")]
pub async fn signup_choices() -> Result<Vec<(NodeId, String)>, AppError> {
    let state = ctx::state()?;
    Ok(crate::repo::grid_repo::micro_grid_choices(&state.pool).await?)
}
