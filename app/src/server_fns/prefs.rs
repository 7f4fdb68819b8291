//! Language and elder mode: cookies for everyone, stored on the account when signed in.
#[cfg(feature = "ssr")]
use crate::domain::audit::Action;
use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use {
    super::ctx,
    super::write::{Act, Writer},
    crate::domain::ids::AccountId,
    crate::i18n::Locale,
    crate::repo::accounts_repo,
    crate::session::{ELDER_COOKIE, LOCALE_COOKIE},
};

#[cfg(feature = "ssr")]
const ONE_YEAR: i64 = 365 * 86_400;

/// The signed-in viewer's writer, if anyone is signed in: a preference is only a cookie
/// for a visitor. Its writes leave no audit row: a preference is no event worth one.
#[cfg(feature = "ssr")]
fn account_writer() -> Result<Option<(Writer, AccountId)>, AppError> {
    let Some(user) = ctx::viewer().user else { return Ok(None) };
    Ok(Some((Writer { state: ctx::state()?, actor: Some(user.account_id) }, user.account_id)))
}

#[server(endpoint = "set_locale")]
pub async fn set_locale(locale: String) -> Result<(), AppError> {
    let locale = Locale::from_tag(&locale).ok_or(AppError::BadRequest)?;
    if let Some((w, account)) = account_writer()? {
        w.run(Act::new(Action::SetLocale, "account").on(account.get()), async |tx, _| {
            Ok(accounts_repo::set_locale(tx, account, locale).await?)
        })
        .await?;
    }
    ctx::set_cookie(crate::auth::cookie(LOCALE_COOKIE, locale.tag(), ONE_YEAR, false, ctx::secure_cookies()));
    Ok(())
}

#[server(endpoint = "set_elder_mode")]
pub async fn set_elder_mode(on: String) -> Result<(), AppError> {
    let on = match on.as_str() {
        "1" => true,
        "0" => false,
        _ => return Err(AppError::BadRequest),
    };
    if let Some((w, account)) = account_writer()? {
        w.run(Act::new(Action::SetElderMode, "account").on(account.get()), async |tx, _| {
            Ok(accounts_repo::set_elder_mode(tx, account, on).await?)
        })
        .await?;
    }
    let value = if on { "1" } else { "0" };
    ctx::set_cookie(crate::auth::cookie(ELDER_COOKIE, value, ONE_YEAR, false, ctx::secure_cookies()));
    Ok(())
}
