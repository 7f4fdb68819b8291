//! The voters' and candidates' side of an election, behind /stars: the election the viewer
//! looks at with its candidates and, after the close, the elected; standing (报名, or an
//! admin's 提名 by phone); and 投票, exactly once per voter and candidate, within the quota
//! and the voting period, only from the election's area, never exposing who voted for whom.
#[cfg(feature = "ssr")]
use crate::domain::audit::Action;
use crate::domain::ids::ElectionId;
use crate::dto::ElectionView;
use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use {
    super::phase_of,
    super::vote_writer::VoteRequest,
    crate::domain::election::Phase,
    crate::domain::order::ServiceSection,
    crate::domain::phone::PhoneNumber,
    crate::domain::role::Role,
    crate::dto::{CandidateCard, ElectedStar},
    crate::i18n::Msg,
    crate::live::Topic,
    crate::repo::{audit_repo::AuditEntry, elections_repo, now, orders_repo},
    crate::server_fns::ctx,
    crate::server_fns::write::{Act, Writer},
    std::time::Duration,
};

/// The ballot page's data: the election the viewer looks at (`election`, or the running
/// one of their area) with its candidates filtered by `q`; the elected once voting has closed.
#[server(endpoint = "stars_data")]
pub async fn stars_data(
    #[server(default)] election: Option<ElectionId>,
    #[server(default)] q: Option<String>,
) -> Result<Option<ElectionView>, AppError> {
    let state = ctx::state()?;
    // Read before the queries: the counts below are at least this new.
    let seq = state.bus.current();
    let viewer = ctx::viewer();
    let area = ctx::default_area(&viewer);
    let t = now();
    let mut list = elections_repo::elections_for(&state.pool, &area, t).await?;
    let Some(pos) = election.and_then(|id| list.iter().position(|e| e.id == id)).or((!list.is_empty()).then_some(0))
    else {
        return Ok(None);
    };
    let mut e = list.remove(pos);
    let phase = phase_of(&e, t);
    let closed = matches!(phase, Phase::Notice | Phase::Published);
    if closed && e.closed_at.is_none() {
        crate::jobs::close_elections(&state, t).await?;
        e.closed_at = Some(t);
    }
    let query: String = q.unwrap_or_default().trim().chars().take(40).collect();
    let show_votes = crate::domain::election::tally_shown(e.live_tally, phase, e.closed_at.is_some());
    let candidates = elections_repo::candidates(&state.pool, e.id)
        .await?
        .into_iter()
        .filter(|c| {
            query.is_empty()
                || c.name.contains(&query)
                || c.intro.contains(&query)
                || c.micro_grid.as_deref().is_some_and(|m| m.contains(&query))
        })
        .map(|c| CandidateCard {
            nomination_id: c.nomination_id,
            name: c.name,
            intro: c.intro,
            micro_grid: c.micro_grid,
            service_hours: crate::domain::order::hours(c.service_minutes),
            orders_completed: c.orders_completed,
            avg_rating: c.avg_rating.map(|r| (r * 10.0).round() / 10.0),
            sections: c.sections.unwrap_or_default().split(',').filter_map(ServiceSection::parse).collect(),
            votes: show_votes.then_some(c.votes),
            party_member: c.party_member,
        })
        .collect();
    let in_scope = viewer.user.as_ref().is_some_and(|u| registered_in(u, &e.scope_code));
    let verified = viewer.user.as_ref().is_some_and(|u| u.verified);
    let may_vote = in_scope && verified;
    let my_votes = match &viewer.user {
        Some(u) if may_vote => elections_repo::my_votes(&state.pool, e.id, u.account_id).await?,
        _ => Vec::new(),
    };
    let may_nominate_in = |e: &elections_repo::ElectionFull| {
        phase_of(e, t) == Phase::Nominating
            && viewer.user.as_ref().is_some_and(|u| {
                u.roles
                    .iter()
                    .any(|r| r.role == Role::Volunteer && crate::domain::grid::is_within(&r.node_code, &e.scope_code))
            })
    };
    let my_nomination = match &viewer.user {
        Some(u) => elections_repo::nomination_of(&state.pool, e.id, u.person_id).await?,
        None => None,
    };
    let may_nominate = may_nominate_in(&e) && my_nomination.is_none();
    let nominating_elsewhere = list
        .iter()
        .find(|o| may_nominate_in(o))
        .map(|o| (o.id, o.title.clone(), crate::domain::time::format_local_date(o.nomination_end - 1)));
    let elected = if closed {
        elections_repo::stars_of(&state.pool, e.id)
            .await?
            .into_iter()
            .map(|(_, name, votes, rank)| ElectedStar { rank, name, votes })
            .collect()
    } else {
        Vec::new()
    };
    Ok(Some(ElectionView {
        seq,
        id: e.id,
        title: e.title,
        scope_name: e.scope_name,
        stars: e.stars,
        votes_per_voter: e.votes_per_voter,
        voting_start: e.voting_start,
        voting_end: e.voting_end,
        candidates,
        may_vote,
        needs_verification: in_scope && !verified && !closed,
        remaining: if may_vote { (e.votes_per_voter - my_votes.len() as i64).max(0) } else { 0 },
        my_votes,
        phase,
        tally_hidden: !show_votes,
        may_nominate,
        query,
        elected,
        others: list.into_iter().map(|o| (o.id, o.title)).collect(),
        nomination_from: crate::domain::time::format_local_date(e.nomination_start),
        nomination_to: crate::domain::time::format_local_date(e.nomination_end - 1),
        my_nomination,
        nominating_elsewhere,
    }))
}

/// 报名 / 提名: with no phone, the viewer nominates themselves during the nomination
/// period; an admin of the area nominates a volunteer by phone until voting opens.
#[server(endpoint = "nominate")]
pub async fn nominate(
    election: ElectionId,
    #[server(default)] phone: String,
    #[server(default)] intro: String,
) -> Result<i64, AppError> {
    let (w, user) = Writer::signed_in()?;
    let intro = ctx::field_text(&intro, "intro", 0..=500, Msg::ErrTooLong)?;
    let by_admin = !phone.trim().is_empty();
    let phone = if by_admin {
        Some(PhoneNumber::parse(&phone).map_err(|_| AppError::field("phone", Msg::ErrPhoneMalformed))?)
    } else {
        None
    };
    let act =
        Act::new(if by_admin { Action::Nominate } else { Action::NominateSelf }, "star_election").on(election.get());
    let id = w
        .run(act, async |tx, out| {
            let t = out.now;
            let e = elections_repo::election(tx, election).await?.ok_or(AppError::NotFound)?;
            let p = phase_of(&e, t);
            let person = match &phone {
                Some(phone) => {
                    if !user.administers(&e.scope_code) {
                        return Err(AppError::Forbidden);
                    }
                    if !matches!(p, Phase::Upcoming | Phase::Nominating | Phase::Preparing) {
                        return Err(AppError::Conflict(Msg::ErrVotingOpened));
                    }
                    let (person, _) = orders_repo::person_by_phone(tx, phone.as_str())
                        .await?
                        // The same answer as for a volunteer elsewhere: no probing who is registered.
                        .ok_or_else(|| AppError::field("phone", Msg::ErrNotVolunteerHere))?;
                    person
                }
                None => {
                    if p != Phase::Nominating {
                        return Err(AppError::Conflict(Msg::ErrNotNominating));
                    }
                    user.person_id
                }
            };
            // Only volunteers whose service area lies in the election's area stand.
            let serves_here = orders_repo::volunteer_area(tx, person)
                .await?
                .is_some_and(|area| crate::domain::grid::is_within(&area, &e.scope_code));
            if !serves_here {
                return Err(if by_admin {
                    AppError::field("phone", Msg::ErrNotVolunteerHere)
                } else {
                    AppError::Conflict(Msg::ErrNotVolunteerHere)
                });
            }
            let id = elections_repo::nominate(tx, election, person, user.account_id, &intro, t)
                .await?
                .ok_or(AppError::Conflict(Msg::ErrAlreadyNominated))?;
            out.audit(AuditEntry {
                object_id: Some(id),
                node_id: Some(e.scope_node_id),
                ..AuditEntry::of(act.action, "nomination")
            });
            out.publish(Topic::Election, Some(election.get()));
            Ok(id)
        })
        .await?;
    // Self-nominated: back to the election, which then says the nomination was received.
    let back = if by_admin {
        "/admin/elections".to_string()
    } else {
        format!("/stars?election={election}&nominated=1#my-nomination")
    };
    ctx::redirect_form(&back);
    Ok(id)
}

/// Whether the user is registered as a resident or volunteer inside the area `scope`.
#[cfg(feature = "ssr")]
fn registered_in(user: &crate::session::SessionUser, scope: &str) -> bool {
    user.roles.iter().any(|r| {
        matches!(r.role, Role::Resident | Role::Volunteer) && crate::domain::grid::is_within(&r.node_code, scope)
    })
}

/// 投票 for the candidate of `nomination`; refused at once when the account or the address
/// votes faster than the limits.
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
        tracing::warn!(account = user.account_id.get(), %ip, "vote refused: rate limit");
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
