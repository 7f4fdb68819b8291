//! 驿站活动: staff publish a station's activities; residents sign up, wait for a seat when
//! they are full, and give their seat up, which passes it to the next in the queue.
// `publish_activity` takes one argument per form field.
#![allow(clippy::too_many_arguments)]
use crate::domain::activity::SignupStatus;
#[cfg(feature = "ssr")]
use crate::domain::audit::Action;
use crate::dto::{ActivitiesView, ActivityView, AdmitView, CheckinScreen};
use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use {
    super::ctx,
    super::write::{Act, Writer},
    crate::domain::activity::{self, ActivityInput, ActivityProblem, NewActivity},
    crate::domain::activity::{AttendanceVia, HoursStatus, Makeup, MakeupProblem},
    crate::domain::grid::{ancestor_code, is_within},
    crate::domain::ids::PersonId,
    crate::domain::notice::Notice,
    crate::dto::{ActivityCard, AttendanceLine, RaisedLine, RecordView, SignupLine},
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

/// Whether the user sees an activity for the area `code`: they live there, or work for it.
#[cfg(feature = "ssr")]
pub(crate) fn may_see(user: &SessionUser, home: Option<&str>, code: &str) -> bool {
    user.staff_scope_covers(code) || home.is_some_and(|h| is_within(h, code))
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
    if !may_see(&user, home.as_deref(), &code) {
        return Err(AppError::NotFound);
    }
    let staff = user.staff_scope_covers(&code);
    let description = row.description.clone();
    let occurrence = row.occurrence();
    let card = card(row);
    let (signups, attendance) = if staff {
        let signups = activities_repo::signups(&state.pool, id)
            .await?
            .into_iter()
            .map(|(person, volunteer, name, status, by_staff)| SignupLine {
                person,
                volunteer,
                name,
                status: SignupStatus::parse(&status).unwrap_or(SignupStatus::Waiting),
                by_staff,
            })
            .collect();
        let attendance = activities_repo::attendance(&state.pool, id).await?;
        (signups, attendance.into_iter().map(|a| attendance_line(a, &occurrence)).collect())
    } else {
        (Vec::new(), Vec::new())
    };
    // 代报名, while sign-up is open: the people living where it is for who have not signed up.
    let residents = if staff && card.signup_open {
        let signed: std::collections::HashSet<i64> =
            signups.iter().filter(|s: &&SignupLine| s.status != SignupStatus::Cancelled).map(|s| s.person).collect();
        crate::repo::accounts_repo::residents_in_area(&state.pool, &code)
            .await?
            .into_iter()
            .filter(|r| !signed.contains(&r.person_id.0))
            .map(crate::dto::ResidentChoice::from)
            .collect()
    } else {
        Vec::new()
    };
    let mine = {
        let mut conn = state.pool.acquire().await.map_err(AppError::from)?;
        activities_repo::attendance_of(&mut conn, id, user.person_id).await?
    }
    .map(|a| attendance_line(a, &occurrence));
    let lines = |rows: Vec<activities_repo::RaisedRow>| -> Vec<RaisedLine> {
        rows.into_iter()
            .filter_map(|r| Some(RaisedLine { raised: activity::Raised::of(&r.kind, r.id)?, text: r.text }))
            .collect()
    };
    let record = match activities_repo::record(&state.pool, id).await? {
        Some((body, attended, written_at)) => {
            let links = lines(activities_repo::record_links(&state.pool, id).await?);
            let linked = links.len();
            // Only staff see which items: a 民情 item's words are not for every neighbour.
            let photos = activities_repo::record_photo_ids(&state.pool, id).await?;
            let may_add_photo = staff && (photos.len() as i64) < activity::RECORD_PHOTOS;
            Some(RecordView {
                body,
                attended,
                written_at,
                linked,
                links: if staff { links } else { Vec::new() },
                photos,
                may_add_photo,
            })
        }
        None => None,
    };
    let now = crate::repo::now();
    let may_record = staff && record.is_none() && activity::may_record(&occurrence, now);
    let raised = if may_record {
        let since = activity::raised_from(&occurrence);
        lines(activities_repo::raised_since(&state.pool, &code, since, activity::RECORD_LINKS as i64).await?)
    } else {
        Vec::new()
    };
    let checkin_open = activity::checkin_open(&occurrence, now);
    let my_qr_svg = if checkin_open && mine.is_none() {
        qr_svg(&format!("{}/activities/{id}/admit/{}", ctx::site_origin(), user.person_id.0))?
    } else {
        String::new()
    };
    let agenda = if card.kind == activity::ActivityKind::Council {
        crate::repo::council_repo::agenda(&state.pool, id).await?
    } else {
        Vec::new()
    };
    Ok(ActivityView {
        agenda,
        card,
        description,
        staff,
        signups,
        residents,
        checkin_open,
        mine,
        attendance,
        record,
        may_record,
        raised,
        my_qr_svg,
    })
}

/// A QR code of `link`, as SVG, sized for a phone screen.
#[cfg(feature = "ssr")]
fn qr_svg(link: &str) -> Result<String, AppError> {
    Ok(qrcode::QrCode::with_error_correction_level(link.as_bytes(), qrcode::EcLevel::M)
        .map_err(|_| AppError::Internal)?
        .render::<qrcode::render::svg::Color<'_>>()
        .min_dimensions(240, 240)
        .build())
}

/// An attendance row as the page shows it: pending hours as they come to now.
#[cfg(feature = "ssr")]
fn attendance_line(a: activities_repo::Attendance, o: &activity::Occurrence) -> AttendanceLine {
    let (hours, via) = (a.hours_status(), a.via());
    let half_hours = match (a.half_hours, a.checked_in_at) {
        (Some(h), _) => h,
        (None, Some(t)) => activity::earned_half_hours(o, t, a.checked_out_at),
        (None, None) => 0,
    };
    AttendanceLine {
        person: a.person_id.0,
        name: a.name,
        via,
        checked_in_at: a.checked_in_at,
        checked_out_at: a.checked_out_at,
        hours,
        half_hours,
        makeup_reason: a.makeup_reason,
    }
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
            let (node, _) = grid_repo::node_by_code(tx, audience_code).await?.ok_or(AppError::NotFound)?;
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

/// Signs `person` up for the occurrence `slot` in the spine's transaction, while sign-up
/// is open: a seat while there is one (a 代报名 may use a held seat), else a place at the
/// end of the queue. Audited with who it was for and how.
#[cfg(feature = "ssr")]
async fn enrol(
    tx: &mut sqlx::SqliteConnection,
    out: &mut super::write::Outcome,
    activity: i64,
    slot: &activities_repo::Slot,
    person: PersonId,
    by_staff: bool,
) -> Result<SignupStatus, AppError> {
    if slot.status != "published" || !activity::signup_open(&slot.occurrence(), out.now) {
        return Err(AppError::Conflict(Msg::ErrSignupClosed));
    }
    if activities_repo::status_of(tx, activity, person).await?.is_some_and(|s| s != SignupStatus::Cancelled) {
        return Err(AppError::Conflict(Msg::ErrAlreadySignedUp));
    }
    let status = activities_repo::seats(tx, activity).await?.place(by_staff);
    if !activities_repo::sign_up(tx, activity, person, status, by_staff, out.now).await? {
        return Err(AppError::Conflict(Msg::ErrAlreadySignedUp));
    }
    out.audit(AuditEntry {
        object_id: Some(activity),
        node_id: Some(slot.node_id),
        after_json: Some(
            serde_json::json!({ "status": status.as_str(), "person": person.0, "by_staff": by_staff }).to_string(),
        ),
        ..AuditEntry::of(Action::SignUpActivity, "activity")
    });
    Ok(status)
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
            enrol(tx, out, activity, &slot, user.person_id, false).await
        })
        .await?;
    ctx::redirect_back(&format!("#signup-{activity}"), None);
    Ok(status)
}

/// 代报名: staff of the activity's area sign up a person living there (often one without a
/// phone), who may take a seat held for this; else they join the queue like anyone.
#[server(endpoint = "sign_up_resident")]
pub async fn sign_up_resident(activity: i64, person: i64) -> Result<SignupStatus, AppError> {
    let (w, user) = Writer::signed_in()?;
    let person = PersonId(person);
    let status = w
        .run(Act::new(Action::SignUpActivity, "activity").on(activity), async |tx, out| {
            let slot = activities_repo::slot(tx, activity).await?.ok_or(AppError::NotFound)?;
            if !user.staff_scope_covers(&slot.code) {
                return Err(AppError::Forbidden);
            }
            // Only someone who lives where the activity is for; anyone else is not found.
            let home = crate::repo::accounts_repo::home_code(tx, person).await?;
            if !home.as_deref().is_some_and(|h| is_within(h, &slot.code)) {
                return Err(AppError::NotFound);
            }
            enrol(tx, out, activity, &slot, person, true).await
        })
        .await?;
    ctx::redirect_back("signups", None);
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

/// An occurrence the viewer organises (staff whose area covers its audience), or refused.
#[cfg(feature = "ssr")]
async fn organised(
    tx: &mut sqlx::SqliteConnection,
    user: &SessionUser,
    activity: i64,
) -> Result<activities_repo::Slot, AppError> {
    let slot = activities_repo::slot(tx, activity).await?.ok_or(AppError::NotFound)?;
    if !user.staff_scope_covers(&slot.code) {
        return Err(AppError::Forbidden);
    }
    Ok(slot)
}

/// The organiser's check-in screen: the code of this 30-second step, and a QR code of the
/// link that checks in with it (the host the organiser's phone reached).
#[server(endpoint = "checkin_screen_data")]
pub async fn checkin_screen_data(activity: i64) -> Result<CheckinScreen, AppError> {
    let state = ctx::state()?;
    let user = ctx::require_user()?;
    let mut conn = state.pool.acquire().await.map_err(AppError::from)?;
    let slot = organised(&mut conn, &user, activity).await?;
    let now = crate::repo::now();
    let open = slot.status == "published" && activity::checkin_open(&slot.occurrence(), now);
    let code = match (&slot.checkin_secret, open) {
        (Some(secret), true) => activity::checkin_code(secret, activity::code_step(now)),
        _ => String::new(),
    };
    let qr_svg = if code.is_empty() {
        String::new()
    } else {
        qr_svg(&format!("{}/activities/{activity}?code={code}#checkin", ctx::site_origin()))?
    };
    Ok(CheckinScreen { activity, title: slot.title, code, qr_svg, seconds_left: activity::code_seconds_left(now) })
}

/// Checks the viewer in with the organiser's code (typed, or from the QR code's link).
#[server(endpoint = "check_in_activity")]
pub async fn check_in_activity(activity: i64, code: String, #[server(default)] via: String) -> Result<(), AppError> {
    let (w, user) = Writer::signed_in()?;
    let state = ctx::state()?;
    let (home, _) = where_of(&state.pool, &user).await?;
    let via = if via == AttendanceVia::Qr.as_str() { AttendanceVia::Qr } else { AttendanceVia::Code };
    w.run(Act::new(Action::CheckInActivity, "activity").on(activity), async |tx, out| {
        let slot = activities_repo::slot(tx, activity).await?.ok_or(AppError::NotFound)?;
        let reaches = home.as_deref().is_some_and(|h| is_within(h, &slot.code)) || user.staff_scope_covers(&slot.code);
        if !reaches {
            return Err(AppError::Forbidden);
        }
        if slot.status != "published" || !activity::checkin_open(&slot.occurrence(), out.now) {
            return Err(AppError::Conflict(Msg::ErrCheckinClosed));
        }
        if !slot.checkin_secret.as_deref().is_some_and(|secret| activity::code_accepted(secret, &code, out.now)) {
            return Err(AppError::field("code", Msg::ErrCheckinCode));
        }
        if !activities_repo::check_in(tx, activity, user.person_id, via, out.now).await? {
            return Err(AppError::Conflict(Msg::ErrCheckedIn));
        }
        out.audit(AuditEntry {
            object_id: Some(activity),
            node_id: Some(slot.node_id),
            after_json: Some(serde_json::json!({ "via": via.as_str() }).to_string()),
            ..AuditEntry::of(Action::CheckInActivity, "activity")
        });
        Ok(())
    })
    .await?;
    ctx::redirect_form(&format!("/activities/{activity}#checkin"));
    Ok(())
}

/// Checks the viewer out (their hours end here), once, while check-in is open.
#[server(endpoint = "check_out_activity")]
pub async fn check_out_activity(activity: i64) -> Result<(), AppError> {
    let (w, user) = Writer::signed_in()?;
    w.run(Act::new(Action::CheckOutActivity, "activity").on(activity), async |tx, out| {
        let slot = activities_repo::slot(tx, activity).await?.ok_or(AppError::NotFound)?;
        let mine = activities_repo::attendance_of(tx, activity, user.person_id).await?;
        if mine.as_ref().is_none_or(|a| a.checked_in_at.is_none()) {
            return Err(AppError::Conflict(Msg::ErrNotCheckedIn));
        }
        if !activity::checkin_open(&slot.occurrence(), out.now) {
            return Err(AppError::Conflict(Msg::ErrCheckinClosed));
        }
        if !activities_repo::check_out(tx, activity, user.person_id, out.now).await? {
            return Err(AppError::Conflict(Msg::ErrCheckedIn));
        }
        out.audit(AuditEntry {
            object_id: Some(activity),
            node_id: Some(slot.node_id),
            ..AuditEntry::of(Action::CheckOutActivity, "activity")
        });
        Ok(())
    })
    .await?;
    ctx::redirect_back("checkin", None);
    Ok(())
}

/// What the organiser's phone shows after scanning a person's code: who they are and
/// whether they have a seat. Only the occurrence's organisers see it.
#[server(endpoint = "admit_data")]
pub async fn admit_data(activity: i64, person: i64) -> Result<AdmitView, AppError> {
    let state = ctx::state()?;
    let user = ctx::require_user()?;
    let mut conn = state.pool.acquire().await.map_err(AppError::from)?;
    let slot = organised(&mut conn, &user, activity).await?;
    let person = PersonId(person);
    let name = activities_repo::name_of(&mut conn, person).await?.ok_or(AppError::NotFound)?;
    let seated = activities_repo::status_of(&mut conn, activity, person).await? == Some(SignupStatus::In);
    let checked_in = activities_repo::attendance_of(&mut conn, activity, person).await?.is_some();
    let checkin_open = slot.status == "published" && activity::checkin_open(&slot.occurrence(), crate::repo::now());
    Ok(AdmitView { activity, title: slot.title, person: person.0, name, seated, checked_in, checkin_open })
}

/// The organiser checks in someone who signed up and has no phone with them.
#[server(endpoint = "organiser_check_in")]
pub async fn organiser_check_in(activity: i64, person: i64) -> Result<(), AppError> {
    let (w, user) = Writer::signed_in()?;
    let person = PersonId(person);
    w.run(Act::new(Action::CheckInActivity, "activity").on(activity), async |tx, out| {
        let slot = organised(tx, &user, activity).await?;
        if activities_repo::status_of(tx, activity, person).await? != Some(SignupStatus::In) {
            return Err(AppError::Conflict(Msg::ErrNotSignedUp));
        }
        if slot.status != "published" || !activity::checkin_open(&slot.occurrence(), out.now) {
            return Err(AppError::Conflict(Msg::ErrCheckinClosed));
        }
        if !activities_repo::check_in(tx, activity, person, AttendanceVia::Organiser, out.now).await? {
            return Err(AppError::Conflict(Msg::ErrCheckedIn));
        }
        out.audit(AuditEntry {
            object_id: Some(activity),
            node_id: Some(slot.node_id),
            after_json: Some(serde_json::json!({ "via": "organiser", "person": person.0 }).to_string()),
            ..AuditEntry::of(Action::CheckInActivity, "activity")
        });
        Ok(())
    })
    .await?;
    ctx::redirect_back("attendance", None);
    Ok(())
}

/// The organiser confirms a volunteer's hours: the overlap of their check-in and check-out
/// with the schedule, in half hours. Only confirmed hours count anywhere.
#[server(endpoint = "confirm_activity_hours")]
pub async fn confirm_activity_hours(activity: i64, person: i64) -> Result<i64, AppError> {
    let (w, user) = Writer::signed_in()?;
    let person = PersonId(person);
    let half_hours = w
        .run(Act::new(Action::ConfirmActivityHours, "activity").on(activity), async |tx, out| {
            let slot = organised(tx, &user, activity).await?;
            let mine = activities_repo::attendance_of(tx, activity, person).await?.ok_or(AppError::NotFound)?;
            let checked_in = match (mine.hours_status(), mine.checked_in_at) {
                (HoursStatus::Pending, Some(t)) => t,
                (HoursStatus::Confirmed, _) => return Err(AppError::Conflict(Msg::ErrHoursDone)),
                _ => return Err(AppError::NotFound),
            };
            let half_hours = activity::earned_half_hours(&slot.occurrence(), checked_in, mine.checked_out_at);
            if !activities_repo::confirm_hours(tx, activity, person, half_hours, user.account_id, out.now).await? {
                return Err(AppError::Conflict(Msg::ErrHoursDone));
            }
            let notice = Notice::ActivityHours { activity, title: slot.title.clone(), half_hours };
            notices_repo::notify_person(tx, person, &notice).await?;
            out.audit(AuditEntry {
                object_id: Some(activity),
                node_id: Some(slot.node_id),
                after_json: Some(serde_json::json!({ "person": person.0, "half_hours": half_hours }).to_string()),
                ..AuditEntry::of(Action::ConfirmActivityHours, "activity")
            });
            Ok(half_hours)
        })
        .await?;
    ctx::redirect_back("attendance", None);
    Ok(half_hours)
}

/// 纪要: once an occurrence is over, its organiser writes what happened and links the 民情
/// items and orders it raised (`raised[]`: `sentiment:12`, `order:5`, of those the page
/// offered). Written once, with how many had checked in, and posted to the community's
/// 朋友圈 as station news; audited.
#[server(endpoint = "write_activity_record")]
pub async fn write_activity_record(
    activity: i64,
    body: String,
    #[server(default)] raised: Vec<String>,
) -> Result<(), AppError> {
    use crate::domain::activity::Raised;
    let (w, user) = Writer::signed_in()?;
    let body = ctx::required_text(&body, "body", activity::RECORD_CHARS)?;
    if raised.len() > 2 * activity::RECORD_LINKS {
        return Err(AppError::BadRequest);
    }
    let mut picked: Vec<Raised> = Vec::new();
    for text in &raised {
        let r = Raised::parse(text).ok_or(AppError::BadRequest)?;
        if !picked.contains(&r) {
            picked.push(r);
        }
    }
    w.run(Act::new(Action::WriteActivityRecord, "activity").on(activity), async |tx, out| {
        let slot = organised(tx, &user, activity).await?;
        let occurrence = slot.occurrence();
        if slot.status != "published" || !activity::may_record(&occurrence, out.now) {
            return Err(AppError::Conflict(Msg::ErrRecordNotNow));
        }
        // Only what the page offers: the area's items and orders since the activity began.
        let since = activity::raised_from(&occurrence);
        let offered = activities_repo::raised_since(&mut *tx, &slot.code, since, activity::RECORD_LINKS as i64).await?;
        if picked.iter().any(|p| !offered.iter().any(|o| Raised::of(&o.kind, o.id) == Some(*p))) {
            return Err(AppError::BadRequest);
        }
        if !activities_repo::write_record(tx, activity, &body, user.account_id, out.now).await? {
            return Err(AppError::Conflict(Msg::ErrRecordNotNow));
        }
        let area = crate::domain::grid::community_prefix(&slot.code);
        let post = crate::repo::board_repo::insert_post(
            tx,
            area,
            user.account_id,
            "station_news",
            &activity::record_post(&slot.title, &body),
            None,
        )
        .await?
        .ok_or(AppError::NotFound)?;
        activities_repo::link_record(tx, activity, &picked, post).await?;
        out.audit(AuditEntry {
            object_id: Some(activity),
            node_id: Some(slot.node_id),
            after_json: Some(
                serde_json::json!({ "post": post, "raised": picked.iter().map(|r| r.key()).collect::<Vec<_>>() })
                    .to_string(),
            ),
            ..AuditEntry::of(Action::WriteActivityRecord, "activity")
        });
        out.publish(crate::live::Topic::Notices, Some(post));
        Ok(())
    })
    .await?;
    ctx::redirect_back("record", None);
    Ok(())
}

/// The occurrence, if the user may add a photo to its 纪要 now: staff of its area, once the
/// record is written, while it has room.
#[cfg(feature = "ssr")]
async fn record_open_for_photo(
    conn: &mut sqlx::SqliteConnection,
    user: &SessionUser,
    activity: i64,
) -> Result<activities_repo::Slot, AppError> {
    let slot = organised(conn, user, activity).await?;
    match activities_repo::record_photos_held(conn, activity).await? {
        None => Err(AppError::Conflict(Msg::ErrRecordFirst)),
        Some(n) if n >= activity::RECORD_PHOTOS => Err(AppError::Conflict(Msg::ErrRecordPhotoCount)),
        Some(_) => Ok(slot),
    }
}

/// Whether the user may add a photo to the 纪要 now (checked before any decoding).
#[cfg(feature = "ssr")]
pub async fn may_add_record_photo(
    state: &crate::state::AppState,
    user: &SessionUser,
    activity: i64,
) -> Result<(), AppError> {
    let mut conn = state.pool.acquire().await?;
    record_open_for_photo(&mut conn, user, activity).await.map(|_| ())
}

/// Adds a photo (already checked, shrunk and re-encoded by the server) to a 纪要; audited.
#[cfg(feature = "ssr")]
pub async fn add_record_photo(
    state: &crate::state::AppState,
    user: &SessionUser,
    activity: i64,
    mime: &str,
    size: (u32, u32),
    bytes: &[u8],
) -> Result<i64, AppError> {
    let w = Writer { state: state.clone(), actor: Some(user.account_id) };
    w.run(Act::new(Action::AddRecordPhoto, "activity").on(activity), async |tx, out| {
        let slot = record_open_for_photo(tx, user, activity).await?;
        // The insert counts again: of two uploads racing for the last place, one is refused.
        let photo = activities_repo::add_record_photo(tx, activity, mime, size, bytes, user.account_id)
            .await?
            .ok_or(AppError::Conflict(Msg::ErrRecordPhotoCount))?;
        out.audit(AuditEntry {
            object_id: Some(activity),
            node_id: Some(slot.node_id),
            after_json: Some(serde_json::json!({ "photo": photo, "bytes": bytes.len() }).to_string()),
            ..AuditEntry::of(Action::AddRecordPhoto, "activity")
        });
        Ok(photo)
    })
    .await
}

/// A 纪要 photo's type and bytes, for whoever sees its activity; one of an activity out of
/// the viewer's reach is not found, as the activity is not.
#[cfg(feature = "ssr")]
pub async fn record_photo_for(
    state: &crate::state::AppState,
    user: &SessionUser,
    photo: i64,
) -> Result<(String, Vec<u8>), AppError> {
    let (activity, mime, bytes) = activities_repo::record_photo(&state.pool, photo).await?.ok_or(AppError::NotFound)?;
    let code = {
        let mut conn = state.pool.acquire().await?;
        activities_repo::slot(&mut conn, activity).await?.ok_or(AppError::NotFound)?.code
    };
    let (home, _) = where_of(&state.pool, user).await?;
    if !may_see(user, home.as_deref(), &code) {
        return Err(AppError::NotFound);
    }
    Ok((mime, bytes))
}

/// The message each problem of a make-up entry is answered with.
#[cfg(feature = "ssr")]
fn makeup_msg(problem: MakeupProblem) -> Msg {
    match problem {
        MakeupProblem::Hours => Msg::ErrMakeupHours,
        MakeupProblem::Reason => Msg::ErrReasonRequired,
        MakeupProblem::TooLong => Msg::ErrTooLong,
        MakeupProblem::Control => Msg::ErrControlChars,
    }
}

/// A make-up entry (补录) for a volunteer who had a seat and came without checking in: hours
/// up to the activity's length, with a reason; confirmed as written, labelled and audited.
#[server(endpoint = "make_up_activity_hours")]
pub async fn make_up_activity_hours(
    activity: i64,
    person: i64,
    hours: String,
    #[server(default)] reason: String,
) -> Result<(), AppError> {
    let (w, user) = Writer::signed_in()?;
    let person = PersonId(person);
    w.run(Act::new(Action::MakeUpActivityHours, "activity").on(activity), async |tx, out| {
        let slot = organised(tx, &user, activity).await?;
        let occurrence = slot.occurrence();
        let entry =
            Makeup::parse(&hours, &reason, &occurrence).map_err(|problems| ctx::invalid(problems, makeup_msg))?;
        if out.now < occurrence.starts_at {
            return Err(AppError::Conflict(Msg::ErrCheckinClosed));
        }
        if activities_repo::status_of(tx, activity, person).await? != Some(SignupStatus::In)
            || !activities_repo::is_volunteer(tx, person).await?
        {
            return Err(AppError::Conflict(Msg::ErrNotSignedUp));
        }
        if !activities_repo::make_up(tx, activity, person, entry.half_hours, &entry.reason, user.account_id, out.now)
            .await?
        {
            return Err(AppError::Conflict(Msg::ErrCheckedIn));
        }
        let notice = Notice::ActivityHours { activity, title: slot.title.clone(), half_hours: entry.half_hours };
        notices_repo::notify_person(tx, person, &notice).await?;
        out.audit(AuditEntry {
            object_id: Some(activity),
            node_id: Some(slot.node_id),
            after_json: Some(
                serde_json::json!({ "person": person.0, "half_hours": entry.half_hours, "reason": entry.reason })
                    .to_string(),
            ),
            ..AuditEntry::of(Action::MakeUpActivityHours, "activity")
        });
        Ok(())
    })
    .await?;
    ctx::redirect_back("attendance", None);
    Ok(())
}
