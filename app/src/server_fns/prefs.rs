//! Language and elder mode: cookies for everyone, stored on the account when signed in.
use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use {
    super::ctx,
    crate::i18n::Locale,
    crate::repo::{accounts_repo, begin_immediate},
    crate::session::{ELDER_COOKIE, LOCALE_COOKIE},
};

#[cfg(feature = "ssr")]
const ONE_YEAR: i64 = 365 * 86_400;

#[server(endpoint = "set_locale")]
pub async fn set_locale(locale: String) -> Result<(), AppError> {
    let state = ctx::state()?;
    let locale = Locale::from_tag(&locale).ok_or(AppError::BadRequest)?;
    if let Some(user) = ctx::viewer().user {
        let mut tx = begin_immediate(&state.pool).await?;
        accounts_repo::set_locale(&mut tx, user.account_id, locale).await?;
        tx.commit().await?;
    }
    ctx::set_cookie(crate::auth::cookie(LOCALE_COOKIE, locale.tag(), ONE_YEAR, false, ctx::secure_cookies()));
    Ok(())
}

#[server(endpoint = "set_elder_mode")]
pub async fn set_elder_mode(on: String) -> Result<(), AppError> {
    let state = ctx::state()?;
    let on = match on.as_str() {
        "1" => true,
        "0" => false,
        _ => return Err(AppError::BadRequest),
    };
    if let Some(user) = ctx::viewer().user {
        let mut tx = begin_immediate(&state.pool).await?;
        accounts_repo::set_elder_mode(&mut tx, user.account_id, on).await?;
        tx.commit().await?;
    }
    let value = if on { "1" } else { "0" };
    ctx::set_cookie(crate::auth::cookie(ELDER_COOKIE, value, ONE_YEAR, false, ctx::secure_cookies()));
    Ok(())
}
