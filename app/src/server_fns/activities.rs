//! 驿站活动: staff publish a station's activities; residents sign up, wait for a seat when
//! they are full, and give their seat up, which passes it to the next in the queue.
// `publish_activity` takes one argument per form field.
#![allow(clippy::too_many_arguments)]
use crate::domain::activity::SignupStatus;
#[cfg(feature = "ssr")]
use crate::domain::audit::Action;
use crate::dto::{ActivitiesView, ActivityView};
use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use {
    super::ctx,
    super::write::{Act, Writer},
    crate::domain::activity::{self, ActivityInput, ActivityProblem, NewActivity},
    crate::domain::grid::{ancestor_code, is_within},
    crate::domain::notice::Notice,
    crate::dto::{ActivityCard, SignupLine},
    crate::i18n::Msg,
    crate::repo::{activities_repo, audit_repo::AuditEntry, form_keys_repo, grid_repo, notices_repo},
    crate::session::SessionUser,
};

/// How many coming occurrences the list shows.
#[cfg(feature = "ssr")]
const LISTED: i64 = 60;

/// The viewer's home micro-grid's code and their widest staff area, which decide what they
/// see: the activities for where they live, and those inside the area they work for.
#[cfg(feature = "ssr")]
async fn where_of(pool: &sqlx::SqlitePool, user: &SessionUser) -> Result<(Option<String>, Option<String>), AppError> {
    let home = match user.micro_grid_id {
        Some(id) => grid_repo::code_of(pool, id).await?,
        None => None,
    };
    Ok((home, user.widest_staff_scope().map(|r| r.node_code.clone())))
}

#[cfg(feature = "ssr")]
fn card(row: activities_repo::Listed) -> ActivityCard {
    let seats =
        activity::Seats { capacity: row.capacity, held: row.held_seats, own_in: row.own_in, staff_in: row.staff_in };
    let occurrence = row.occurrence();
    let now = crate::repo::now();
    ActivityCard {
        id: row.id,
        kind: activity::ActivityKind::parse(&row.kind).unwrap_or(activity::ActivityKind::Other),
        title: row.title,
        station: row.station,
        address: row.address,
        audience: row.audience,
        starts_at: row.starts_at,
        ends_at: row.ends_at,
        signup_closes_at: row.signup_closes_at,
        capacity: row.capacity,
        open: seats.open(),
        waiting: row.waiting,
        mine: row.mine.as_deref().and_then(SignupStatus::parse).filter(|s| *s != SignupStatus::Cancelled),
        my_place: row.my_place,
        signup_open: activity::signup_open(&occurrence, now),
        may_cancel: activity::may_cancel(&occurrence, now),
    }
}

/// 驿站活动: the coming activities for the viewer, and whether (and where) they may publish.
#[server(endpoint = "activities_data")]
pub async fn activities_data() -> Result<ActivitiesView, AppError> {
    let state = ctx::state()?;
    let user = ctx::require_user()?;
    let (home, scope) = where_of(&state.pool, &user).await?;
    let rows = activities_repo::coming(
        &state.pool,
        user.person_id,
        home.as_deref(),
        scope.as_deref(),
        crate::repo::now(),
        LISTED,
    )
    .await?;
    Ok(ActivitiesView { activities: rows.into_iter().map(card).collect(), may_publish: scope.is_some() })
}

/// One activity: its card, description, and for staff of its area who signed up. One
/// outside the viewer's reach is not found, as one that does not exist.
#[server(endpoint = "activity_data")]
pub async fn activity_data(id: i64) -> Result<ActivityView, AppError> {
    let state = ctx::state()?;
    let user = ctx::require_user()?;
    let row = activities_repo::one(&state.pool, user.person_id, id).await?.ok_or(AppError::NotFound)?;
    let code = row.audience_code.clone();
    let (home, _) = where_of(&state.pool, &user).await?;
    let staff = user.staff_scope_covers(&code);
    if !staff && !home.as_deref().is_some_and(|h| is_within(h, &code)) {
        return Err(AppError::NotFound);
    }
    let description = row.description.clone();
    let signups = if staff {
        activities_repo::signups(&state.pool, id)
            .await?
            .into_iter()
            .map(|(name, status, by_staff)| SignupLine {
                name,
                status: SignupStatus::parse(&status).unwrap_or(SignupStatus::Waiting),
                by_staff,
            })
            .collect()
    } else {
        Vec::new()
    };
    Ok(ActivityView { card: card(row), description, staff, signups })
}

/// The stations the viewer may publish for, and a fresh key for the form.
#[server(endpoint = "activity_form_data")]
pub async fn activity_form_data() -> Result<(Vec<(i64, String)>, String), AppError> {
    let state = ctx::state()?;
    let user = ctx::require_user()?;
    let scope = user.widest_staff_scope().ok_or(AppError::Forbidden)?;
    Ok((activities_repo::stations_within(&state.pool, &scope.node_code).await?, ctx::new_form_key()))
}

/// The message each problem of the publish form is answered with.
#[cfg(feature = "ssr")]
fn activity_msg(problem: ActivityProblem) -> Msg {
    match problem {
        ActivityProblem::Kind => Msg::ErrActivityKind,
        ActivityProblem::TitleLength => Msg::ErrTitleLength,
        ActivityProblem::TooLong => Msg::ErrTooLong,
        ActivityProblem::Control => Msg::ErrControlChars,
        ActivityProblem::Time => Msg::ErrActivityTime,
        ActivityProblem::Duration => Msg::ErrActivityDuration,
        ActivityProblem::Capacity => Msg::ErrActivityCapacity,
        ActivityProblem::Held => Msg::ErrActivityHeld,
        ActivityProblem::SignupWindow => Msg::ErrSignupWindow,
        ActivityProblem::Audience => Msg::ErrActivityAudience,
        ActivityProblem::Weeks => Msg::ErrActivityWeeks,
        ActivityProblem::Skip => Msg::ErrActivitySkip,
    }
}

/// Staff publish an activity of a station in their area, once or weekly.
#[server(endpoint = "publish_activity")]
pub async fn publish_activity(
    station: i64,
    kind: String,
    title: String,
    #[server(default)] description: String,
    starts: String,
    ends: String,
    capacity: String,
    #[server(default)] held: String,
    #[server(default)] signup_opens: String,
    #[server(default)] signup_closes: String,
    audience: String,
    #[server(default)] weeks: String,
    #[server(default)] skip: String,
    #[server(default)] form_key: String,
) -> Result<i64, AppError> {
    let (w, user) = Writer::signed_in()?;
    if !user.is_staff() {
        return Err(AppError::Forbidden);
    }
    let input = ActivityInput {
        kind: &kind,
        title: &title,
        description: &description,
        starts: &starts,
        ends: &ends,
        capacity: &capacity,
        held: &held,
        signup_opens: &signup_opens,
        signup_closes: &signup_closes,
        audience: &audience,
        weeks: &weeks,
        skip: &skip,
    };
    let new =
        NewActivity::parse(&input, crate::repo::now()).map_err(|problems| ctx::invalid(problems, activity_msg))?;
    let form_key = ctx::form_key(&form_key)?;
    let id = w
        .run(Act::new(Action::PublishActivity, "activity"), async |tx, out| {
            if let Some(id) = form_keys_repo::seen(tx, "publish_activity", user.account_id, form_key.as_ref()).await? {
                return Ok(id);
            }
            let (_, station_code) = activities_repo::station(tx, station).await?.ok_or(AppError::NotFound)?;
            let audience_code = ancestor_code(&station_code, new.audience.level())
                .ok_or(AppError::Conflict(Msg::ErrActivityAudience))?;
            if !user.staff_scope_covers(audience_code) {
                return Err(AppError::Forbidden);
            }
            let node = activities_repo::node_by_code(tx, audience_code).await?.ok_or(AppError::NotFound)?;
            let id = activities_repo::insert(tx, &new, station, node, user.account_id).await?;
            form_keys_repo::remember(tx, "publish_activity", user.account_id, form_key.as_ref(), id, out.now).await?;
            out.audit(AuditEntry {
                object_id: Some(id),
                node_id: Some(node),
                after_json: Some(
                    serde_json::json!({
                        "station": station, "title": new.title, "kind": new.kind.as_str(),
                        "capacity": new.capacity, "held": new.held, "occurrences": new.occurrences.len(),
                    })
                    .to_string(),
                ),
                ..AuditEntry::of(Action::PublishActivity, "activity")
            });
            Ok(id)
        })
        .await?;
    ctx::redirect_form(&format!("/activities/{id}"));
    Ok(id)
}

/// Signs the viewer up: a seat while there is one, else a place at the end of the queue.
#[server(endpoint = "sign_up_activity")]
pub async fn sign_up_activity(activity: i64) -> Result<SignupStatus, AppError> {
    let (w, user) = Writer::signed_in()?;
    let state = ctx::state()?;
    let (home, _) = where_of(&state.pool, &user).await?;
    let status = w
        .run(Act::new(Action::SignUpActivity, "activity").on(activity), async |tx, out| {
            let slot = activities_repo::slot(tx, activity).await?.ok_or(AppError::NotFound)?;
            let reaches =
                home.as_deref().is_some_and(|h| is_within(h, &slot.code)) || user.staff_scope_covers(&slot.code);
            if !reaches {
                return Err(AppError::Forbidden);
            }
            if slot.status != "published" || !activity::signup_open(&slot.occurrence(), out.now) {
                return Err(AppError::Conflict(Msg::ErrSignupClosed));
            }
            if activities_repo::status_of(tx, activity, user.person_id)
                .await?
                .is_some_and(|s| s != SignupStatus::Cancelled)
            {
                return Err(AppError::Conflict(Msg::ErrAlreadySignedUp));
            }
            let status = activities_repo::seats(tx, activity).await?.place(false);
            if !activities_repo::sign_up(tx, activity, user.person_id, status, false, out.now).await? {
                return Err(AppError::Conflict(Msg::ErrAlreadySignedUp));
            }
            out.audit(AuditEntry {
                object_id: Some(activity),
                node_id: Some(slot.node_id),
                after_json: Some(serde_json::json!({ "status": status.as_str() }).to_string()),
                ..AuditEntry::of(Action::SignUpActivity, "activity")
            });
            Ok(status)
        })
        .await?;
    ctx::redirect_back(&format!("#signup-{activity}"), None);
    Ok(status)
}

/// Gives up the viewer's seat or place; a freed seat goes to the first in the queue who can
/// take it, who is told.
#[server(endpoint = "cancel_activity_signup")]
pub async fn cancel_activity_signup(activity: i64) -> Result<(), AppError> {
    let (w, user) = Writer::signed_in()?;
    w.run(Act::new(Action::CancelActivitySignup, "activity").on(activity), async |tx, out| {
        let slot = activities_repo::slot(tx, activity).await?.ok_or(AppError::NotFound)?;
        let was = activities_repo::status_of(tx, activity, user.person_id)
            .await?
            .filter(|s| *s != SignupStatus::Cancelled)
            .ok_or(AppError::Conflict(Msg::ErrNotSignedUp))?;
        if !activity::may_cancel(&slot.occurrence(), out.now) {
            return Err(AppError::Conflict(Msg::ErrSignupClosed));
        }
        if !activities_repo::cancel(tx, activity, user.person_id, was, out.now).await? {
            return Err(AppError::Conflict(Msg::ErrNotSignedUp));
        }
        let mut promoted = Vec::new();
        if was == SignupStatus::In {
            let seats = activities_repo::seats(tx, activity).await?;
            let queue = activities_repo::queue(tx, activity).await?;
            for signup in activity::promoted(seats, &queue) {
                if let Some(person) = activities_repo::admit(tx, signup, out.now).await? {
                    notices_repo::notify_person(
                        tx,
                        person,
                        &Notice::ActivitySeat { activity, title: slot.title.clone() },
                    )
                    .await?;
                    promoted.push(person);
                }
            }
        }
        out.audit(AuditEntry {
            object_id: Some(activity),
            node_id: Some(slot.node_id),
            after_json: Some(serde_json::json!({ "was": was.as_str(), "promoted": promoted }).to_string()),
            ..AuditEntry::of(Action::CancelActivitySignup, "activity")
        });
        Ok(())
    })
    .await?;
    ctx::redirect_back(&format!("#signup-{activity}"), None);
    Ok(())
}
