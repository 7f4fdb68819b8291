//! 投票 for 志愿服务之星: exactly once per voter and candidate, within the quota and the
//! voting period, only from the election's area; never exposing who voted for whom.
use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use {super::ctx, crate::domain::role::Role, crate::vote_writer::VoteRequest, std::time::Duration};

/// Whether the user is registered as a resident or volunteer inside the area `scope`.
#[cfg(feature = "ssr")]
pub(crate) fn registered_in(user: &crate::session::SessionUser, scope: &str) -> bool {
    user.roles.iter().any(|r| {
        matches!(r.role, Role::Resident | Role::Volunteer) && crate::domain::grid::is_within(&r.node_code, scope)
    })
}

#[server(endpoint = "cast_vote")]
pub async fn cast_vote(nomination: i64) -> Result<(), AppError> {
    let state = ctx::state()?;
    let user = ctx::require_user()?;
    let parts = ctx::parts()?;
    let ip = crate::auth::client_ip(&parts);
    let minute = Duration::from_secs(60);
    let settings = &state.settings;
    if !state.limiter.check(&format!("vote:acct:{}", user.account_id), settings.votes_per_account_per_minute, minute)
        || !state.limiter.check(&format!("vote:ip:{ip}"), settings.votes_per_ip_per_minute, minute)
    {
        tracing::warn!(account = user.account_id, %ip, "vote refused: rate limit");
        return Err(AppError::RateLimited);
    }
    // Checked, recorded and audited by the group-commit writer; answered after the commit.
    let voter_areas = user
        .roles
        .iter()
        .filter(|r| matches!(r.role, Role::Resident | Role::Volunteer))
        .map(|r| r.node_code.clone())
        .collect();
    state.votes.submit(VoteRequest { voter: user.account_id, nomination, voter_areas, ip }).await?;
    // Back at the candidate, where ✓ 已投票 now shows.
    ctx::redirect_back(&format!("candidate-{nomination}"), None);
    Ok(())
}
