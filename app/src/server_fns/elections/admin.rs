//! Running an election, for the community and subdistrict admins of its area (the
//! /admin/elections page): define it, open voting, extend the close, review the
//! nominations and export the tally. Every change is audited.
// A form's fields are a server function's arguments (see orders.rs).
#![allow(clippy::too_many_arguments)]
#[cfg(feature = "ssr")]
use crate::domain::audit::Action;
use crate::domain::ids::{ElectionId, NodeId};
use crate::dto::ElectionsAdminView;
use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use {
    super::phase_of,
    crate::domain::election::{may_extend, validate_draft, DraftInput, DraftProblem},
    crate::domain::time::{format_local_date, parse_local_date},
    crate::dto::{ElectionAdminCard, NominationItem},
    crate::error::FieldError,
    crate::i18n::Msg,
    crate::live::Topic,
    crate::repo::{audit_repo::AuditEntry, elections_repo, now},
    crate::server_fns::ctx,
    crate::server_fns::write::{Act, Writer},
    crate::session::SessionUser,
};

#[server(endpoint = "elections_admin")]
pub async fn elections_admin() -> Result<ElectionsAdminView, AppError> {
    let state = ctx::state()?;
    let user = ctx::require_user()?;
    let scopes: Vec<_> =
        user.area_admin_scopes().map(|r| (r.node_id, r.node_name.clone(), r.node_code.clone())).collect();
    if scopes.is_empty() {
        return Err(AppError::Forbidden);
    }
    let t = now();
    let mut elections = Vec::new();
    for (_, _, code) in &scopes {
        for e in elections_repo::elections_within(&state.pool, code).await? {
            if elections.iter().any(|c: &ElectionAdminCard| c.id == e.id) {
                continue;
            }
            let (votes_cast, voters) = elections_repo::totals(&state.pool, e.id).await?;
            let nominations = elections_repo::nominations(&state.pool, e.id)
                .await?
                .into_iter()
                .map(|n| NominationItem {
                    id: n.id,
                    name: n.name,
                    intro: n.intro,
                    status: n.status,
                    reason: n.reason,
                    service_hours: crate::domain::order::hours(n.service_minutes),
                    votes: n.votes,
                })
                .collect();
            let day = |end: i64| format_local_date(end - 1);
            elections.push(ElectionAdminCard {
                id: e.id,
                version: e.version,
                phase: phase_of(&e, t),
                title: e.title,
                scope_name: e.scope_name,
                stars: e.stars,
                votes_per_voter: e.votes_per_voter,
                min_service_hours: e.min_service_hours,
                live_tally: e.live_tally,
                nomination_from: format_local_date(e.nomination_start),
                nomination_to: day(e.nomination_end),
                voting_from: format_local_date(e.voting_start),
                voting_to: day(e.voting_end),
                notice_to: day(e.notice_end),
                votes_cast,
                voters,
                nominations,
            });
        }
    }
    Ok(ElectionsAdminView { scopes: scopes.into_iter().map(|(id, name, _)| (id, name)).collect(), elections })
}

#[cfg(feature = "ssr")]
fn draft_msg(problem: DraftProblem) -> Msg {
    match problem {
        DraftProblem::Title => Msg::ErrTitleLength,
        DraftProblem::Control => Msg::ErrControlChars,
        DraftProblem::Stars | DraftProblem::VotesPerVoter | DraftProblem::MinHours => Msg::ErrNumberRange,
        DraftProblem::Date => Msg::ErrBadDate,
        DraftProblem::Order => Msg::ErrElectionDates,
    }
}

#[cfg(feature = "ssr")]
fn draft_of(input: &DraftInput<'_>) -> Result<crate::domain::election::ElectionDraft, AppError> {
    validate_draft(input).map_err(|problems| {
        AppError::Invalid(
            problems.into_iter().map(|(f, p)| FieldError { field: f.into(), msg: draft_msg(p) }).collect(),
        )
    })
}

#[cfg(feature = "ssr")]
fn draft_json(d: &crate::domain::election::ElectionDraft) -> String {
    serde_json::json!({
        "title": d.title, "stars": d.stars, "votes_per_voter": d.votes_per_voter,
        "nomination_start": d.nomination_start, "nomination_end": d.nomination_end,
        "voting_start": d.voting_start, "voting_end": d.voting_end, "notice_end": d.notice_end,
        "live_tally": d.live_tally, "min_service_hours": d.min_service_hours,
    })
    .to_string()
}

/// 发起评选: a new election over the admin's community or subdistrict.
#[server(endpoint = "create_election")]
pub async fn create_election(
    title: String,
    scope: NodeId,
    stars: String,
    votes_per_voter: String,
    nomination_from: String,
    nomination_to: String,
    voting_from: String,
    voting_to: String,
    notice_to: String,
    #[server(default)] live_tally: Option<String>,
    min_service_hours: String,
) -> Result<ElectionId, AppError> {
    let (w, user) = Writer::signed_in()?;
    let Some(scope_role) = user.area_admin_scopes().find(|r| r.node_id == scope) else {
        return Err(AppError::Forbidden);
    };
    let draft = draft_of(&DraftInput {
        title: &title,
        stars: &stars,
        votes_per_voter: &votes_per_voter,
        nomination_from: &nomination_from,
        nomination_to: &nomination_to,
        voting_from: &voting_from,
        voting_to: &voting_to,
        notice_to: &notice_to,
        live_tally: live_tally.is_some(),
        min_service_hours: &min_service_hours,
    })?;
    let act = Act::new(Action::CreateElection, "star_election").at(scope_role.node_id);
    let id = w
        .run(act, async |tx, out| {
            // An election that would close before it is created helps nobody.
            if draft.voting_end <= out.now {
                return Err(AppError::field("voting_to", Msg::ErrElectionDates));
            }
            let id = elections_repo::insert_election(tx, &draft, scope, user.account_id).await?;
            out.audit(AuditEntry {
                object_id: Some(id.get()),
                node_id: Some(scope_role.node_id),
                after_json: Some(draft_json(&draft)),
                ..AuditEntry::of(Action::CreateElection, "star_election")
            });
            out.publish(Topic::Election, Some(id.get()));
            Ok(id)
        })
        .await?;
    ctx::redirect_form("/admin/elections");
    Ok(id)
}

/// Loads an election the user runs, inside the transaction; records and returns a refusal otherwise.
#[cfg(feature = "ssr")]
async fn election_run_by(
    tx: &mut sqlx::SqliteConnection,
    user: &SessionUser,
    id: ElectionId,
) -> Result<elections_repo::ElectionFull, AppError> {
    let e = elections_repo::election(tx, id).await?.ok_or(AppError::NotFound)?;
    if !user.administers(&e.scope_code) {
        return Err(AppError::Forbidden);
    }
    Ok(e)
}

/// 修改评选: the whole definition may change until voting opens; never after.
#[server(endpoint = "edit_election")]
pub async fn edit_election(
    id: ElectionId,
    version: i64,
    title: String,
    stars: String,
    votes_per_voter: String,
    nomination_from: String,
    nomination_to: String,
    voting_from: String,
    voting_to: String,
    notice_to: String,
    #[server(default)] live_tally: Option<String>,
    min_service_hours: String,
) -> Result<(), AppError> {
    let (w, user) = Writer::signed_in()?;
    let draft = draft_of(&DraftInput {
        title: &title,
        stars: &stars,
        votes_per_voter: &votes_per_voter,
        nomination_from: &nomination_from,
        nomination_to: &nomination_to,
        voting_from: &voting_from,
        voting_to: &voting_to,
        notice_to: &notice_to,
        live_tally: live_tally.is_some(),
        min_service_hours: &min_service_hours,
    })?;
    w.run(Act::new(Action::EditElection, "star_election").on(id.get()), async |tx, out| {
        let t = out.now;
        let e = election_run_by(tx, &user, id).await?;
        if e.voting_start <= t {
            return Err(AppError::Conflict(Msg::ErrVotingOpened));
        } else if draft.voting_start <= t {
            return Err(AppError::field("voting_from", Msg::ErrElectionDates));
        } else if !elections_repo::update_election(tx, id, version, &draft, t).await? {
            return Err(AppError::Conflict(Msg::ErrStale));
        }
        out.audit(AuditEntry {
            object_id: Some(id.get()),
            node_id: Some(e.scope_node_id),
            before_json: Some(
                serde_json::json!({
                    "title": e.title, "stars": e.stars, "votes_per_voter": e.votes_per_voter,
                    "nomination_start": e.nomination_start, "nomination_end": e.nomination_end,
                    "voting_start": e.voting_start, "voting_end": e.voting_end, "notice_end": e.notice_end,
                    "live_tally": e.live_tally, "min_service_hours": e.min_service_hours,
                })
                .to_string(),
            ),
            after_json: Some(draft_json(&draft)),
            ..AuditEntry::of(Action::EditElection, "star_election")
        });
        out.publish(Topic::Election, Some(id.get()));
        Ok(())
    })
    .await?;
    ctx::redirect_form("/admin/elections");
    Ok(())
}

/// 现在开始投票: opens voting now (closing nominations), only before voting has opened.
#[server(endpoint = "open_voting")]
pub async fn open_voting(id: ElectionId, version: i64) -> Result<(), AppError> {
    let (w, user) = Writer::signed_in()?;
    w.run(Act::new(Action::OpenVoting, "star_election").on(id.get()), async |tx, out| {
        let t = out.now;
        let e = election_run_by(tx, &user, id).await?;
        if e.voting_start <= t {
            return Err(AppError::Conflict(Msg::ErrVotingOpened));
        } else if !elections_repo::open_voting(tx, id, version, t).await? {
            return Err(AppError::Conflict(Msg::ErrStale));
        }
        out.audit(AuditEntry {
            object_id: Some(id.get()),
            node_id: Some(e.scope_node_id),
            before_json: Some(serde_json::json!({ "voting_start": e.voting_start }).to_string()),
            after_json: Some(serde_json::json!({ "voting_start": t }).to_string()),
            ..AuditEntry::of(Action::OpenVoting, "star_election")
        });
        out.publish(Topic::Election, Some(id.get()));
        Ok(())
    })
    .await?;
    ctx::redirect_form("/admin/elections");
    Ok(())
}

/// 延长投票: the one change allowed once voting has opened; the notice period moves with it.
#[server(endpoint = "extend_voting")]
pub async fn extend_voting(id: ElectionId, version: i64, voting_to: String) -> Result<(), AppError> {
    let (w, user) = Writer::signed_in()?;
    let Some(new_end) = parse_local_date(&voting_to).map(|t| t + 86_400) else {
        return Err(AppError::field("voting_to", Msg::ErrBadDate));
    };
    w.run(Act::new(Action::ExtendVoting, "star_election").on(id.get()), async |tx, out| {
        let t = out.now;
        let e = election_run_by(tx, &user, id).await?;
        if !may_extend(t, e.voting_end, new_end) {
            return Err(AppError::Conflict(Msg::ErrCloseNotLater));
        } else if !elections_repo::extend_voting(tx, id, version, new_end, t).await? {
            return Err(AppError::Conflict(Msg::ErrStale));
        }
        out.audit(AuditEntry {
            object_id: Some(id.get()),
            node_id: Some(e.scope_node_id),
            before_json: Some(
                serde_json::json!({ "voting_end": e.voting_end, "notice_end": e.notice_end }).to_string(),
            ),
            after_json: Some(
                serde_json::json!({ "voting_end": new_end, "notice_end": e.notice_end + (new_end - e.voting_end) })
                    .to_string(),
            ),
            ..AuditEntry::of(Action::ExtendVoting, "star_election")
        });
        out.publish(Topic::Election, Some(id.get()));
        Ok(())
    })
    .await?;
    ctx::redirect_form("/admin/elections");
    Ok(())
}

/// 审核: approve (only at or above the minimum confirmed hours) or reject with a reason.
#[server(endpoint = "decide_nomination")]
pub async fn decide_nomination(id: i64, decision: String, #[server(default)] reason: String) -> Result<(), AppError> {
    let (w, user) = Writer::signed_in()?;
    let approve = match decision.as_str() {
        "approve" => true,
        "reject" => false,
        _ => return Err(AppError::BadRequest),
    };
    let reason = ctx::field_text(&reason, "reason", 0..=200, Msg::ErrTooLong)?;
    if !approve && reason.is_empty() {
        return Err(AppError::field("reason", Msg::ErrReasonRequired));
    }
    let act = Act::new(Action::DecideNomination, "nomination").on(id);
    w.run(act, async |tx, out| {
        let t = out.now;
        let (election, person, status) = elections_repo::nomination(tx, id).await?.ok_or(AppError::NotFound)?;
        let e = election_run_by(tx, &user, election).await?;
        let minutes = elections_repo::service_minutes(tx, person).await?;
        let refusal = if status != "pending" {
            Some(Msg::ErrAlreadyDecided)
        } else if approve && t >= e.voting_start {
            // The ballot is fixed once voting opens.
            Some(Msg::ErrVotingOpened)
        } else if t >= e.voting_end {
            Some(Msg::ErrNotVoting)
        } else if approve && minutes < e.min_service_hours * 60 {
            Some(Msg::ErrBelowMinHours)
        } else {
            None
        };
        if let Some(msg) = refusal {
            return Err(AppError::Conflict(msg));
        }
        if !elections_repo::decide(tx, id, approve, (!reason.is_empty()).then_some(reason.as_str()), user.account_id, t)
            .await?
        {
            return Err(AppError::Conflict(Msg::ErrAlreadyDecided));
        }
        out.audit(AuditEntry {
            object_id: Some(id),
            node_id: Some(e.scope_node_id),
            before_json: Some(serde_json::json!({ "status": status }).to_string()),
            after_json: Some(
                serde_json::json!({ "status": if approve { "approved" } else { "rejected" } }).to_string(),
            ),
            detail: reason.clone(),
            ..AuditEntry::of(if approve { Action::ApproveNomination } else { Action::RejectNomination }, "nomination")
        });
        out.publish(Topic::Election, Some(election.get()));
        Ok(())
    })
    .await?;
    ctx::redirect_form("/admin/elections");
    Ok(())
}

/// The election and its tally as CSV for the admins who run it: counts per candidate,
/// never a voter.
#[cfg(feature = "ssr")]
pub async fn tally_csv(state: &crate::state::AppState, user: &SessionUser, id: ElectionId) -> Result<String, AppError> {
    use crate::domain::csv::row;
    let mut conn = state.pool.acquire().await?;
    let e = election_run_by(&mut conn, user, id).await?;
    drop(conn);
    let t = now();
    let (votes_cast, voters) = elections_repo::totals(&state.pool, id).await?;
    let ranks: std::collections::HashMap<i64, i64> =
        elections_repo::stars_of(&state.pool, id).await?.into_iter().map(|(n, _, _, rank)| (n, rank)).collect();
    let mut out = String::from("\u{feff}");
    out += &row(&["评选", "范围", "阶段", "名额", "每人票数", "投票开始", "投票截止", "总票数", "投票人数"]);
    out += &row(&[
        e.title.clone(),
        e.scope_name.clone(),
        crate::i18n::phase_label(phase_of(&e, t)).text(crate::i18n::Locale::default()).to_string(),
        e.stars.to_string(),
        e.votes_per_voter.to_string(),
        format_local_date(e.voting_start),
        format_local_date(e.voting_end - 1),
        votes_cast.to_string(),
        voters.to_string(),
    ]);
    out += "\r\n";
    out += &row(&["候选人", "状态", "票数", "确认服务时长（小时）", "当选名次"]);
    for n in elections_repo::nominations(&state.pool, id).await? {
        out += &row(&[
            n.name,
            n.status,
            n.votes.to_string(),
            format!("{:.1}", crate::domain::order::hours(n.service_minutes)),
            ranks.get(&n.id).map(|r| r.to_string()).unwrap_or_default(),
        ]);
    }
    Ok(out)
}
