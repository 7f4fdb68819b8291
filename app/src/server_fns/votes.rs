//! 投票 for 志愿服务之星: exactly once per voter and candidate, within the quota and the
//! voting period, only from the election's area; never exposing who voted for whom.
use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use {
    super::ctx,
    crate::domain::election::{check_vote, VoteAttempt, VoteRefusal},
    crate::domain::role::Role,
    crate::i18n::Msg,
    crate::live::Topic,
    crate::repo::{audit_repo, audit_repo::AuditEntry, begin_immediate, now, stars_repo},
    std::time::Duration,
};

/// Whether the user is registered as a resident or volunteer inside the area `scope`.
#[cfg(feature = "ssr")]
pub(crate) fn may_vote_in(user: &crate::session::SessionUser, scope: &str) -> bool {
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
    if !state.limiter.check(&format!("vote:acct:{}", user.account_id), 30, minute)
        || !state.limiter.check(&format!("vote:ip:{ip}"), 300, minute)
    {
        return Err(AppError::RateLimited);
    }
    let t = now();
    let mut tx = begin_immediate(&state.pool).await?;
    let (election, status, start, end, quota, scope) =
        stars_repo::vote_facts(&mut tx, nomination).await?.ok_or(AppError::NotFound)?;
    let used = stars_repo::votes_by(&mut tx, election, user.account_id).await?;
    let attempt = VoteAttempt {
        now: t,
        voting_start: start,
        voting_end: end,
        approved: status == "approved",
        in_scope: may_vote_in(&user, &scope),
        used,
        quota,
    };
    let refusal = match check_vote(attempt) {
        Ok(()) if stars_repo::insert_vote(&mut tx, election, user.account_id, nomination, t).await? => None,
        Ok(()) => Some(Msg::ErrAlreadyVoted),
        Err(VoteRefusal::NotVoting) => Some(Msg::ErrNotVoting),
        Err(VoteRefusal::NotApproved) => Some(Msg::ErrNotApproved),
        Err(VoteRefusal::OutOfScope) => Some(Msg::ErrOutOfScope),
        Err(VoteRefusal::QuotaUsed) => Some(Msg::ErrQuotaUsed),
    };
    // The audit row names the election, never the candidate: nobody can list who voted for whom.
    audit_repo::record(
        &mut tx,
        AuditEntry {
            actor_id: Some(user.account_id),
            action: "cast_vote",
            object_kind: "star_election",
            object_id: Some(election),
            refused: refusal.is_some(),
            detail: refusal.map(|m| format!("{m:?}")).unwrap_or_default(),
            ip: Some(ip),
            ..Default::default()
        },
    )
    .await?;
    // Committed with synchronous=FULL: the vote is on disk before it is acknowledged.
    tx.commit().await?;
    if let Some(msg) = refusal {
        return Err(AppError::Conflict(msg));
    }
    state.bus.publish(Topic::Election, Some(election));
    Ok(())
}
