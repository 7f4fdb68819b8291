//! /stars: the election the viewer looks at, its candidates and the elected.
use crate::dto::ElectionView;
use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use {
    super::ctx,
    crate::domain::order::ServiceSection,
    crate::dto::{CandidateCard, ElectedStar},
    crate::repo::{now, stars_repo},
};

/// The election the viewer looks at (`election`, or the running one of their area) with
/// its candidates filtered by `q`; the elected once voting has closed.
#[server(endpoint = "stars_data")]
pub async fn stars_data(
    #[server(default)] election: Option<i64>,
    #[server(default)] q: Option<String>,
) -> Result<Option<ElectionView>, AppError> {
    use crate::domain::election::Phase;
    let state = ctx::state()?;
    let viewer = ctx::viewer();
    let area = ctx::default_area(&viewer);
    let t = now();
    let mut list = stars_repo::elections_for(&state.pool, &area, t).await?;
    let Some(pos) = election.and_then(|id| list.iter().position(|e| e.id == id)).or((!list.is_empty()).then_some(0))
    else {
        return Ok(None);
    };
    let mut e = list.remove(pos);
    let phase = super::elections::phase_of(&e, t);
    let closed = matches!(phase, Phase::Notice | Phase::Published);
    if closed && e.closed_at.is_none() {
        crate::jobs::close_elections(&state, t).await?;
        e.closed_at = Some(t);
    }
    let query: String = q.unwrap_or_default().trim().chars().take(40).collect();
    let show_votes = e.live_tally || closed;
    let candidates = stars_repo::candidates(&state.pool, e.id)
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
        })
        .collect();
    let in_scope = viewer.user.as_ref().is_some_and(|u| super::votes::registered_in(u, &e.scope_code));
    let verified = viewer.user.as_ref().is_some_and(|u| u.verified);
    let may_vote = in_scope && verified;
    let my_votes = match &viewer.user {
        Some(u) if may_vote => stars_repo::my_votes(&state.pool, e.id, u.account_id).await?,
        _ => Vec::new(),
    };
    let may_nominate_in = |e: &stars_repo::ElectionFull| {
        super::elections::phase_of(e, t) == Phase::Nominating
            && viewer.user.as_ref().is_some_and(|u| {
                u.roles.iter().any(|r| {
                    r.role == crate::domain::role::Role::Volunteer
                        && crate::domain::grid::is_within(&r.node_code, &e.scope_code)
                })
            })
    };
    let my_nomination = match &viewer.user {
        Some(u) => stars_repo::nomination_of(&state.pool, e.id, u.person_id).await?,
        None => None,
    };
    let may_nominate = may_nominate_in(&e) && my_nomination.is_none();
    let nominating_elsewhere = list
        .iter()
        .find(|o| may_nominate_in(o))
        .map(|o| (o.id, o.title.clone(), crate::domain::time::format_local_date(o.nomination_end - 1)));
    let elected = if closed {
        stars_repo::stars_of(&state.pool, e.id)
            .await?
            .into_iter()
            .map(|(_, name, votes, rank)| ElectedStar { rank, name, votes })
            .collect()
    } else {
        Vec::new()
    };
    Ok(Some(ElectionView {
        id: e.id,
        title: e.title,
        scope_name: e.scope_name,
        stars: e.stars,
        votes_per_voter: e.votes_per_voter,
        voting_start: e.voting_start,
        voting_end: e.voting_end,
        candidates,
        voting_open: phase == Phase::Voting,
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
