//! 民情: recording items and running them through the closed loop 采集 → 上报 → 立案 →
//! 派遣 → 处置 → 核验 → 办结, with disputes, inspections, 督办 and the reporter's verdict.
// Step forms carry one argument per field.
#![allow(clippy::too_many_arguments)]
use crate::domain::sentiment::{Category, HandlerKind, Kind, Stage, StageAction, Warning};
use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use {
    super::ctx,
    crate::domain::privacy::mask_name,
    crate::domain::sentiment::{escalation_due, ItemFacts, ItemRefusal, Standing, RECHECK_AFTER_SECS},
    crate::i18n::Msg,
    crate::live::Topic,
    crate::repo::sentiment_repo::{self, ItemRow, ListFilter, NewItem, Patch, Touch},
    crate::repo::{audit_repo, audit_repo::AuditEntry, begin_immediate, form_keys_repo, now},
    crate::session::SessionUser,
};

/// What the 记录民情 form offers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SentimentFormView {
    pub places: Vec<(i64, String)>,
    pub default_place: Option<i64>,
    pub is_staff: bool,
}

/// An item in a list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ItemCard {
    pub id: i64,
    pub kind: Kind,
    pub category: Category,
    pub stage: Stage,
    pub place: String,
    pub description: String,
    pub age_secs: i64,
    pub overdue: bool,
    pub escalation_level: i64,
    pub warning: Option<Warning>,
    pub recheck_due: bool,
}

/// The 民情 page: the viewer's area (staff) and what they reported themselves.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SentimentListView {
    pub area: Vec<ItemCard>,
    pub mine: Vec<ItemCard>,
    /// Items handed to the viewer to handle (交给我处置).
    pub handling: Vec<ItemCard>,
    pub is_staff: bool,
}

/// One line of an item's timeline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LineView {
    pub from: Option<Stage>,
    pub to: Stage,
    pub kind: String,
    pub actor: Option<String>,
    pub note: String,
    pub at: i64,
}

/// One item as the viewer may see it, with the steps they may take.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ItemView {
    pub card: ItemCard,
    pub version: i64,
    pub micro_grid: String,
    pub place_note: String,
    pub reporter: Option<String>,
    pub handler_kind: Option<HandlerKind>,
    pub handler_name: Option<String>,
    pub deadline: Option<i64>,
    pub closed_at: Option<i64>,
    pub resident_resolved: Option<bool>,
    pub resident_rating: Option<i64>,
    pub rework_count: i64,
    pub order_id: Option<i64>,
    pub parties: Vec<(String, Option<String>)>,
    pub checks: Vec<(i64, String, Option<bool>)>,
    pub photos: Vec<i64>,
    pub timeline: Vec<LineView>,
    pub steps: Vec<StageAction>,
    pub volunteers: Vec<(i64, String)>,
    pub may_confirm: bool,
    pub may_convert: bool,
    pub may_set_warning: bool,
    pub may_follow_up: bool,
    pub may_recheck: bool,
    pub may_add_photo: bool,
    pub now: i64,
}

/// How far the user's roles reach over a micro-grid.
#[cfg(feature = "ssr")]
pub fn standing(user: &SessionUser, micro_grid_code: &str) -> Standing {
    use crate::domain::role::Role;
    let within = |r: &crate::session::RoleScope| crate::domain::grid::is_within(micro_grid_code, &r.node_code);
    let best = user.roles.iter().filter(|r| within(r)).map(|r| r.role).max();
    match best {
        Some(Role::GridLeader | Role::CommunityAdmin | Role::SubdistrictAdmin) => Standing::Leader,
        Some(Role::MicroGridMember) => Standing::Member,
        _ => Standing::None,
    }
}

#[cfg(feature = "ssr")]
fn facts_of(user: &SessionUser, row: &ItemRow) -> Result<ItemFacts, AppError> {
    Ok(ItemFacts {
        stage: Stage::parse(&row.stage).ok_or(AppError::Internal)?,
        kind: Kind::parse(&row.kind).ok_or(AppError::Internal)?,
        is_reporter: row.reporter_id == Some(user.account_id),
        is_handler: row.handler_id == Some(user.account_id),
        recorded_handling: row.handled_by == Some(user.account_id),
        standing: standing(user, &row.micro_grid_code),
        resident_confirmed: row.resident_confirmed_at.is_some(),
        has_order: row.order_id.is_some(),
    })
}

#[cfg(feature = "ssr")]
fn card(row: &ItemRow, t: i64) -> Option<ItemCard> {
    let stage = Stage::parse(&row.stage)?;
    let place = [row.building.clone(), row.unit.clone()].into_iter().flatten().collect::<Vec<_>>().join(" ");
    Some(ItemCard {
        id: row.id,
        kind: Kind::parse(&row.kind)?,
        category: Category::parse(&row.category)?,
        stage,
        place: if place.is_empty() { row.micro_grid.clone() } else { place },
        description: row.description.clone(),
        age_secs: (t - row.created_at).max(0),
        overdue: stage.is_open() && (row.escalation_level > 0 || row.deadline.is_some_and(|d| d < t)),
        escalation_level: row.escalation_level,
        warning: row.warning_level.as_deref().and_then(Warning::parse),
        recheck_due: stage == Stage::Closed
            && row.recheck_done_at.is_none()
            && row.recheck_due_at.is_some_and(|d| d <= t),
    })
}

/// The places the viewer may record an item about: their staff area, or their own micro-grid.
#[cfg(feature = "ssr")]
fn record_area(user: &SessionUser) -> Option<String> {
    user.widest_staff_scope().map(|r| r.node_code.clone()).or_else(|| {
        user.roles.iter().find(|r| r.role == crate::domain::role::Role::Resident).map(|r| r.node_code.clone())
    })
}

#[server(endpoint = "sentiment_form")]
pub async fn sentiment_form() -> Result<SentimentFormView, AppError> {
    let state = ctx::state()?;
    let user = ctx::require_user()?;
    let Some(area) = record_area(&user) else { return Err(AppError::Forbidden) };
    let places = sentiment_repo::places_in(&state.pool, &area, 400).await?;
    let own = sentiment_repo::own_building(&state.pool, user.person_id).await?;
    Ok(SentimentFormView {
        default_place: own.filter(|b| places.iter().any(|(id, _)| id == b)),
        places,
        is_staff: user.is_staff(),
    })
}

/// 记录民情: grid staff record an item (采集; 上报 at once when `report_now`); a resident's
/// report goes straight to 上报. Disputes list their parties one per line; inspections
/// their checklist one line per point.
#[server(endpoint = "record_item")]
pub async fn record_item(
    category: String,
    place: String,
    #[server(default)] place_note: String,
    description: String,
    #[server(default)] inspection: Option<String>,
    #[server(default)] parties: String,
    #[server(default)] checks: String,
    #[server(default)] report_now: Option<String>,
    #[server(default)] resident_phone: String,
    #[server(default)] form_key: String,
) -> Result<i64, AppError> {
    use crate::error::FieldError;
    let state = ctx::state()?;
    let user = ctx::require_user()?;
    let form_key = ctx::form_key(&form_key)?;
    let mut errors = Vec::new();
    let category = Category::parse(category.trim());
    if category.is_none() {
        errors.push(FieldError { field: "category".into(), msg: Msg::ErrChooseCategory });
    }
    let place_id = place.trim().parse::<i64>().ok();
    if place_id.is_none() {
        errors.push(FieldError { field: "place".into(), msg: Msg::ErrChoosePlace });
    }
    let place_note = ctx::field_text(&place_note, "place_note", 0..=100, Msg::ErrTooLong);
    let description = ctx::field_text(&description, "description", 2..=2000, Msg::ErrDescriptionLength);
    errors.extend(AppError::field_errors(&[&place_note, &description]));
    let kind = match (category, inspection.is_some() && user.is_staff()) {
        (Some(Category::Dispute), _) => Kind::Dispute,
        (_, true) => Kind::Inspection,
        _ => Kind::Report,
    };
    let lines = |s: &str| s.lines().map(str::trim).filter(|l| !l.is_empty()).map(String::from).collect::<Vec<_>>();
    let parties: Vec<(String, Option<String>)> = if kind == Kind::Dispute && user.is_staff() {
        lines(&parties)
            .into_iter()
            .map(|l| match l.split_once([' ', '\u{3000}']) {
                Some((name, contact)) => (name.trim().to_string(), Some(contact.trim().to_string())),
                None => (l, None),
            })
            .collect()
    } else {
        Vec::new()
    };
    if parties.len() > 10
        || parties.iter().any(|(n, c)| n.chars().count() > 40 || c.as_ref().is_some_and(|c| c.chars().count() > 40))
    {
        errors.push(FieldError { field: "parties".into(), msg: Msg::ErrPartiesFormat });
    } else if parties
        .iter()
        .any(|(n, c)| crate::domain::text::has_control(n) || c.as_deref().is_some_and(crate::domain::text::has_control))
    {
        errors.push(FieldError { field: "parties".into(), msg: Msg::ErrControlChars });
    }
    let checks = if kind == Kind::Inspection { lines(&checks) } else { Vec::new() };
    if kind == Kind::Inspection
        && (checks.is_empty() || checks.len() > 20 || checks.iter().any(|c| c.chars().count() > 100))
    {
        errors.push(FieldError { field: "checks".into(), msg: Msg::ErrChecklist });
    } else if checks.iter().any(|c| crate::domain::text::has_control(c)) {
        errors.push(FieldError { field: "checks".into(), msg: Msg::ErrControlChars });
    }
    let resident_phone = match resident_phone.trim() {
        "" => None,
        p if user.is_staff() => match crate::domain::phone::PhoneNumber::parse(p) {
            Ok(phone) => Some(phone),
            Err(_) => {
                errors.push(FieldError { field: "resident_phone".into(), msg: Msg::ErrPhoneMalformed });
                None
            }
        },
        _ => return Err(AppError::Forbidden),
    };
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    let (Some(category), Some(place_id), Ok(place_note), Ok(description)) =
        (category, place_id, place_note, description)
    else {
        return Err(AppError::BadRequest);
    };
    let t = now();
    let mut tx = begin_immediate(&state.pool).await?;
    // Plain forms go on to the item; the hydrated form goes there itself, after sending
    // the photos picked in it.
    if let Some(id) = form_keys_repo::seen(&mut tx, "record_item", user.account_id, form_key.as_ref()).await? {
        ctx::redirect_form(&format!("/sentiment/{id}"));
        return Ok(id);
    }
    let place = sentiment_repo::place(&mut tx, place_id).await?.ok_or(AppError::field("place", Msg::ErrChoosePlace))?;
    let own_area = record_area(&user).is_some_and(|area| crate::domain::grid::is_within(&place.micro_grid_code, &area));
    if !own_area {
        drop(tx);
        return Err(
            ctx::refused(&state, &user, "record_item", ("grid_node", place_id), None, AppError::Forbidden).await
        );
    }
    let staff = standing(&user, &place.micro_grid_code) >= Standing::Member;
    let stage = if staff && report_now.is_none() { Stage::Collected } else { Stage::Reported };
    // A resident who told a member what they saw is the item's reporter: they are asked
    // to confirm the fix. Unknown and foreign numbers answer alike.
    let reporter = match &resident_phone {
        None => user.account_id,
        Some(phone) => {
            let found = sentiment_repo::resident_account(&mut tx, phone.as_str()).await?;
            match found.filter(|(_, area)| staff && user.staff_scope_covers(area)) {
                Some((account, _)) => account,
                None => {
                    drop(tx);
                    let err = AppError::field("resident_phone", Msg::ErrNoSuchResident);
                    return Err(ctx::refused(&state, &user, "record_item", ("grid_node", place_id), None, err).await);
                }
            }
        }
    };
    let new = NewItem {
        kind: kind.as_str(),
        category: category.as_str(),
        place: &place,
        place_note: &place_note,
        description: &description,
        reporter_id: Some(reporter),
        stage: stage.as_str(),
        source: "app",
        parties: &parties,
        checks: &checks,
        now: t,
    };
    let id = sentiment_repo::insert(&mut tx, &new, Some(user.account_id)).await?;
    form_keys_repo::remember(&mut tx, "record_item", user.account_id, form_key.as_ref(), id, t).await?;
    audit_repo::record(
        &mut tx,
        AuditEntry {
            actor_id: Some(user.account_id),
            action: "record_item",
            object_kind: "sentiment_item",
            object_id: Some(id),
            node_id: Some(place.micro_grid_id),
            after_json: Some(
                serde_json::json!({ "kind": kind.as_str(), "category": category.as_str(), "stage": stage.as_str() })
                    .to_string(),
            ),
            ..Default::default()
        },
    )
    .await?;
    tx.commit().await?;
    state.bus.publish(Topic::Sentiment, Some(id));
    ctx::redirect_form(&format!("/sentiment/{id}"));
    Ok(id)
}

/// The 民情 list: open items of the staff member's area (or one filter), and the items
/// the viewer reported.
#[server(endpoint = "sentiment_list")]
pub async fn sentiment_list(#[server(default)] filter: String) -> Result<SentimentListView, AppError> {
    let state = ctx::state()?;
    let user = ctx::require_user()?;
    let t = now();
    let mine = sentiment_repo::reported_by(&state.pool, user.account_id, 50).await?;
    let handling = sentiment_repo::handled_by(&state.pool, user.account_id, 50).await?;
    let area = match user.widest_staff_scope() {
        Some(scope) => {
            let filter = match filter.as_str() {
                "overdue" => ListFilter::Overdue { now: t },
                "recheck" => ListFilter::RecheckDue { now: t },
                "all" => ListFilter::All,
                other => match Stage::parse(other) {
                    Some(stage) => ListFilter::Stage(stage.as_str()),
                    None => ListFilter::Open,
                },
            };
            sentiment_repo::list_in(&state.pool, &scope.node_code, filter, 200).await?
        }
        None => Vec::new(),
    };
    Ok(SentimentListView {
        area: area.iter().filter_map(|r| card(r, t)).collect(),
        mine: mine.iter().filter_map(|r| card(r, t)).collect(),
        handling: handling.iter().filter_map(|r| card(r, t)).collect(),
        is_staff: user.is_staff(),
    })
}

/// One item: for its reporter, its handler and grid staff over it.
#[server(endpoint = "item_detail")]
pub async fn item_detail(id: i64) -> Result<ItemView, AppError> {
    let state = ctx::state()?;
    let user = ctx::require_user()?;
    let mut conn = state.pool.acquire().await?;
    let row = sentiment_repo::item(&mut conn, id).await?.ok_or(AppError::NotFound)?;
    drop(conn);
    let facts = facts_of(&user, &row)?;
    let staff = facts.standing >= Standing::Member;
    if !(staff || facts.is_reporter || facts.is_handler) {
        return Err(AppError::Forbidden);
    }
    let t = now();
    // While the reporter's verdict is asked for, it is the one way to say "not fixed"; once
    // given (and kept, as closed is not resolved), 没修好，重新反映 sends the item back.
    let steps: Vec<StageAction> = StageAction::ALL
        .into_iter()
        .filter(|a| facts.check(*a).is_ok() && !(*a == StageAction::Reopen && facts.may_confirm()))
        .collect();
    let volunteers = if steps.contains(&StageAction::Dispatch) {
        let community = crate::domain::grid::community_prefix(&row.micro_grid_code);
        sentiment_repo::volunteers_in(&state.pool, community).await?
    } else {
        Vec::new()
    };
    let timeline = sentiment_repo::timeline(&state.pool, id)
        .await?
        .into_iter()
        .filter_map(|l| {
            Some(LineView {
                from: l.from_stage.as_deref().and_then(Stage::parse),
                to: Stage::parse(&l.to_stage)?,
                actor: if staff { l.actor } else { l.actor.map(|a| mask_name(&a)) },
                // Follow-ups may name parties or hold a caller's contact: staff only.
                note: if staff || l.kind != "follow_up" { l.note } else { String::new() },
                kind: l.kind,
                at: l.at,
            })
        })
        .collect();
    let parties = sentiment_repo::parties(&state.pool, id)
        .await?
        .into_iter()
        .map(|(name, contact)| if staff { (name, contact) } else { (mask_name(&name), None) })
        .collect();
    let photos = sentiment_repo::photo_ids(&state.pool, id).await?;
    let card = card(&row, t).ok_or(AppError::Internal)?;
    Ok(ItemView {
        version: row.version,
        micro_grid: row.micro_grid.clone(),
        place_note: row.place_note.clone(),
        reporter: row.reporter_name.clone().map(|n| if staff || facts.is_reporter { n } else { mask_name(&n) }),
        handler_kind: row.handler_kind.as_deref().and_then(HandlerKind::parse),
        handler_name: row.handler_name.clone(),
        deadline: row.deadline,
        closed_at: row.closed_at,
        resident_resolved: row.resident_resolved,
        resident_rating: row.resident_rating,
        rework_count: row.rework_count,
        order_id: row.order_id,
        parties,
        checks: sentiment_repo::checks(&state.pool, id).await?,
        may_add_photo: (staff || facts.is_reporter) && photos.len() < 3 && !facts.stage.is_final(),
        photos,
        timeline,
        steps,
        volunteers,
        may_confirm: facts.may_confirm(),
        may_convert: facts.may_convert(),
        may_set_warning: facts.may_set_warning(),
        may_follow_up: facts.may_follow_up(),
        may_recheck: staff && card.recheck_due,
        card,
        now: t,
    })
}

/// Loads an item inside the transaction and checks the version the viewer saw.
#[cfg(feature = "ssr")]
async fn load(
    tx: &mut sqlx::SqliteConnection,
    user: &SessionUser,
    id: i64,
    version: i64,
) -> Result<(ItemRow, ItemFacts), AppError> {
    let row = sentiment_repo::item(tx, id).await?.ok_or(AppError::NotFound)?;
    let facts = facts_of(user, &row)?;
    if facts.standing == Standing::None && !facts.is_reporter && !facts.is_handler {
        return Err(AppError::Forbidden);
    }
    if row.version != version {
        return Err(AppError::Conflict(Msg::ErrItemChanged));
    }
    Ok((row, facts))
}

/// Whether this step, sent against `version`, repeats the viewer's own step that made the
/// item's next version (a double tap): it is answered as the success it was.
#[cfg(feature = "ssr")]
async fn repeats_own_step(
    tx: &mut sqlx::SqliteConnection,
    user: &SessionUser,
    id: i64,
    version: i64,
    action: StageAction,
) -> Result<bool, AppError> {
    let Some(row) = sentiment_repo::item(tx, id).await? else { return Ok(false) };
    if version.checked_add(1) != Some(row.version) {
        return Ok(false);
    }
    let last = sentiment_repo::last_step(tx, id).await?;
    Ok(Stage::parse(&row.stage)
        .is_some_and(|stage| last.is_some_and(|l| l.repeated_by(user.account_id, stage, |from| from.after(action)))))
}

/// Ends a checked change: commits and tells live pages, or rolls back and audits the
/// refusal (internal errors are only logged).
#[cfg(feature = "ssr")]
async fn settle<T>(
    state: &crate::state::AppState,
    user: &SessionUser,
    tx: sqlx::Transaction<'static, sqlx::Sqlite>,
    (action, id): (&'static str, i64),
    result: Result<T, AppError>,
) -> Result<T, AppError> {
    match result {
        Ok(out) => {
            tx.commit().await?;
            state.bus.publish(Topic::Sentiment, Some(id));
            Ok(out)
        }
        Err(AppError::Internal) => Err(AppError::Internal),
        Err(err) => {
            drop(tx);
            Err(ctx::refused(state, user, action, ("sentiment_item", id), None, err).await)
        }
    }
}

/// Who, when, and an open `BEGIN IMMEDIATE` transaction.
#[cfg(feature = "ssr")]
async fn begin(
) -> Result<(crate::state::AppState, SessionUser, i64, sqlx::Transaction<'static, sqlx::Sqlite>), AppError> {
    let state = ctx::state()?;
    let user = ctx::require_user()?;
    let tx = begin_immediate(&state.pool).await?;
    Ok((state, user, now(), tx))
}

#[cfg(feature = "ssr")]
fn refusal(r: ItemRefusal) -> AppError {
    match r {
        ItemRefusal::WrongStage => AppError::Conflict(Msg::ErrItemChanged),
        ItemRefusal::NotAllowed => AppError::Forbidden,
        ItemRefusal::OwnWork => AppError::Conflict(Msg::ErrOwnWork),
    }
}

#[cfg(feature = "ssr")]
async fn audit_step(
    tx: &mut sqlx::SqliteConnection,
    user: &SessionUser,
    action: &str,
    row: &ItemRow,
    after: serde_json::Value,
) -> Result<(), AppError> {
    audit_repo::record(
        tx,
        AuditEntry {
            actor_id: Some(user.account_id),
            action: "sentiment_step",
            object_kind: "sentiment_item",
            object_id: Some(row.id),
            node_id: Some(row.micro_grid_id),
            before_json: Some(serde_json::json!({ "stage": row.stage }).to_string()),
            after_json: Some(after.to_string()),
            detail: action.to_string(),
            ..Default::default()
        },
    )
    .await?;
    Ok(())
}

/// One step of the loop. 派遣 names a handler (a volunteer by account, or the property
/// company or a department by name) and a deadline in days; 处置 carries the handler's
/// feedback; 返工, 作废 and 挂账 a reason; 核验 of an inspection the checklist results.
#[server(endpoint = "sentiment_step")]
pub async fn sentiment_step(
    id: i64,
    version: i64,
    step: String,
    #[server(default)] note: String,
    #[server(default)] handler_kind: String,
    #[server(default)] handler: String,
    #[server(default)] handler_volunteer: String,
    #[server(default)] days: String,
    #[server(default)] passed: Vec<String>,
) -> Result<(), AppError> {
    let action = StageAction::parse(step.trim()).ok_or(AppError::BadRequest)?;
    let note = ctx::field_text(&note, "note", 0..=1000, Msg::ErrTooLong)?;
    if action.needs_note() && note.is_empty() {
        return Err(AppError::field("note", Msg::ErrReasonRequired));
    }
    let dispatch = if action == StageAction::Dispatch {
        let kind =
            HandlerKind::parse(handler_kind.trim()).ok_or(AppError::field("handler_kind", Msg::ErrChooseHandler))?;
        let days = days.trim().parse::<i64>().ok().filter(|d| crate::domain::sentiment::valid_deadline_days(*d));
        let days = days.ok_or(AppError::field("days", Msg::ErrDeadlineDays))?;
        let handler = handler.trim().to_string();
        match kind {
            HandlerKind::Volunteer => {
                let account = handler_volunteer.trim().parse::<i64>();
                let account = account.map_err(|_| AppError::field("handler", Msg::ErrChooseHandler))?;
                Some((kind, None, Some(account), days))
            }
            _ => Some((kind, Some(ctx::field_text(&handler, "handler", 1..=80, Msg::ErrHandlerName)?), None, days)),
        }
    } else {
        None
    };
    let passed: Vec<i64> = passed.iter().filter_map(|p| p.trim().parse().ok()).collect();
    let (state, viewer, t, mut tx) = begin().await?;
    let user = &viewer;
    let result = async {
        if repeats_own_step(&mut tx, user, id, version, action).await? {
            return Ok(());
        }
        let (row, facts) = load(&mut tx, user, id, version).await?;
        let to = facts.check(action).map_err(refusal)?;
        let patch = match (action, &dispatch) {
            (StageAction::Dispatch, Some((kind, name, account, days))) => {
                let name = match (name, account) {
                    (Some(name), _) => name.clone(),
                    (None, Some(account)) => {
                        let community = crate::domain::grid::community_prefix(&row.micro_grid_code);
                        if !sentiment_repo::volunteer_within(&mut tx, *account, community).await? {
                            return Err(AppError::field("handler", Msg::ErrChooseHandler));
                        }
                        sentiment_repo::name_of_account(&mut tx, *account).await?.unwrap_or_default()
                    }
                    (None, None) => return Err(AppError::field("handler", Msg::ErrChooseHandler)),
                };
                (kind.as_str(), name, *account, t + days * 86_400)
            }
            _ => ("", String::new(), None, 0),
        };
        let patch_ref = match action {
            StageAction::Dispatch => Patch::Dispatch {
                handler_kind: patch.0,
                handler_name: &patch.1,
                handler_id: patch.2,
                deadline: patch.3,
            },
            StageAction::Report => Patch::Report { deadline: t + crate::domain::sentiment::ACCEPT_WITHIN_SECS },
            StageAction::Reopen => Patch::Reopen { deadline: t + crate::domain::sentiment::ACCEPT_WITHIN_SECS },
            StageAction::Handle => Patch::Handle,
            StageAction::Rework => Patch::Rework,
            StageAction::Close => Patch::Close {
                recheck_due_at: (facts.kind == Kind::Inspection)
                    .then(|| row.deadline.unwrap_or(t).max(t) + RECHECK_AFTER_SECS),
            },
            _ => Patch::None,
        };
        if !sentiment_repo::transition(&mut tx, id, &row.stage, version, to.as_str(), patch_ref, t).await? {
            return Err(AppError::Conflict(Msg::ErrItemChanged));
        }
        if action == StageAction::Verify && facts.kind == Kind::Inspection {
            sentiment_repo::mark_checks(&mut tx, id, &passed).await?;
        }
        let line = match action {
            StageAction::Dispatch => format!("{} · {}", patch.1, crate::domain::time::format_local_date(patch.3)),
            _ => note.clone(),
        };
        sentiment_repo::add_line(&mut tx, id, Some(&row.stage), to.as_str(), Some(user.account_id), &line, "stage", t)
            .await?;
        // The reporter is asked for their verdict once the item is closed.
        if let (StageAction::Close, Some(reporter)) = (action, row.reporter_id) {
            if reporter != user.account_id {
                let body = format!(
                    "您反映的问题已办结，请确认是否解决：{}",
                    row.description.chars().take(40).collect::<String>()
                );
                sentiment_repo::notify_account(
                    &mut tx,
                    reporter,
                    "sentiment_closed",
                    &body,
                    &format!("/sentiment/{id}"),
                )
                .await?;
            }
        }
        if let (StageAction::Dispatch, Some(account)) = (action, patch.2) {
            let body = format!("民情派遣：{}", row.description.chars().take(60).collect::<String>());
            sentiment_repo::notify_account(&mut tx, account, "sentiment_dispatch", &body, &format!("/sentiment/{id}"))
                .await?;
        }
        audit_step(&mut tx, user, action.as_str(), &row, serde_json::json!({ "stage": to.as_str() })).await?;
        Ok(())
    }
    .await;
    settle(&state, user, tx, ("sentiment_step", id), result).await?;
    ctx::redirect_form(&format!("/sentiment/{id}"));
    Ok(())
}

/// The reporter's verdict on a closed item: really resolved or not, and a rating.
#[server(endpoint = "confirm_item")]
pub async fn confirm_item(
    id: i64,
    version: i64,
    #[server(default)] resolved: String,
    #[server(default)] rating: String,
    #[server(default)] comment: String,
) -> Result<(), AppError> {
    let resolved = match resolved.trim() {
        "yes" => true,
        "no" => false,
        _ => return Err(AppError::field("resolved", Msg::ErrChooseResolved)),
    };
    let rating = rating.trim().parse::<i64>().ok().filter(|r| (1..=5).contains(r));
    let rating = rating.ok_or(AppError::field("rating", Msg::ErrRating))?;
    let comment = ctx::field_text(&comment, "comment", 0..=500, Msg::ErrTooLong)?;
    let (state, viewer, t, mut tx) = begin().await?;
    let user = &viewer;
    let result = async {
        let (row, facts) = load(&mut tx, user, id, version).await?;
        if !facts.may_confirm() {
            return Err(if facts.is_reporter { AppError::Conflict(Msg::ErrItemChanged) } else { AppError::Forbidden });
        }
        if !sentiment_repo::touch(&mut tx, id, version, Touch::Confirm { resolved, rating }, t).await? {
            return Err(AppError::Conflict(Msg::ErrItemChanged));
        }
        sentiment_repo::add_line(&mut tx, id, None, &row.stage, Some(user.account_id), &comment, "confirm", t).await?;
        audit_step(&mut tx, user, "confirm", &row, serde_json::json!({ "resolved": resolved, "rating": rating }))
            .await?;
        Ok(())
    }
    .await;
    settle(&state, user, tx, ("confirm_item", id), result).await?;
    ctx::redirect_form(&format!("/sentiment/{id}"));
    Ok(())
}

/// 预警: the grid leader sets a dispute's warning level (绿 / 黄 / 红).
#[server(endpoint = "set_warning")]
pub async fn set_warning(
    id: i64,
    version: i64,
    level: String,
    #[server(default)] note: String,
) -> Result<(), AppError> {
    let level = Warning::parse(level.trim()).ok_or(AppError::field("level", Msg::ErrChooseWarning))?;
    let note = ctx::field_text(&note, "note", 0..=990, Msg::ErrTooLong)?;
    let (state, viewer, t, mut tx) = begin().await?;
    let user = &viewer;
    let result = async {
        let (row, facts) = load(&mut tx, user, id, version).await?;
        if !facts.may_set_warning() {
            return Err(if facts.standing >= Standing::Leader && facts.kind == Kind::Dispute {
                AppError::Conflict(Msg::ErrItemChanged)
            } else {
                AppError::Forbidden
            });
        }
        if !sentiment_repo::touch(&mut tx, id, version, Touch::Warning(level.as_str()), t).await? {
            return Err(AppError::Conflict(Msg::ErrItemChanged));
        }
        let line = format!("{} {note}", level.as_str());
        sentiment_repo::add_line(&mut tx, id, None, &row.stage, Some(user.account_id), line.trim(), "warning", t)
            .await?;
        audit_step(&mut tx, user, "warning", &row, serde_json::json!({ "warning": level.as_str() })).await?;
        Ok(())
    }
    .await;
    settle(&state, user, tx, ("set_warning", id), result).await?;
    ctx::redirect_form(&format!("/sentiment/{id}"));
    Ok(())
}

/// 跟进: staff add a follow-up record (a visit to the parties of a dispute, a call...).
#[server(endpoint = "follow_up_item")]
pub async fn follow_up_item(id: i64, version: i64, note: String) -> Result<(), AppError> {
    let note = ctx::field_text(&note, "note", 1..=1000, Msg::ErrFollowUpText)?;
    let (state, viewer, t, mut tx) = begin().await?;
    let user = &viewer;
    let result = async {
        let (row, facts) = load(&mut tx, user, id, version).await?;
        if !facts.may_follow_up() {
            return Err(if facts.standing >= Standing::Member {
                AppError::Conflict(Msg::ErrItemChanged)
            } else {
                AppError::Forbidden
            });
        }
        if !sentiment_repo::touch(&mut tx, id, version, Touch::Note, t).await? {
            return Err(AppError::Conflict(Msg::ErrItemChanged));
        }
        sentiment_repo::add_line(&mut tx, id, None, &row.stage, Some(user.account_id), &note, "follow_up", t).await?;
        audit_step(&mut tx, user, "follow_up", &row, serde_json::json!({})).await?;
        Ok(())
    }
    .await;
    settle(&state, user, tx, ("follow_up_item", id), result).await?;
    ctx::redirect_form(&format!("/sentiment/{id}"));
    Ok(())
}

/// 回头看: the re-check of a closed inspection after its rectification. A failed
/// re-check opens a new inspection with the same checklist, already 上报.
#[server(endpoint = "recheck_item")]
pub async fn recheck_item(
    id: i64,
    version: i64,
    result: String,
    #[server(default)] note: String,
) -> Result<(), AppError> {
    let passed = match result.trim() {
        "pass" => true,
        "fail" => false,
        _ => return Err(AppError::field("result", Msg::ErrChooseResolved)),
    };
    let note = ctx::field_text(&note, "note", 0..=990, Msg::ErrTooLong)?;
    if !passed && note.is_empty() {
        return Err(AppError::field("note", Msg::ErrReasonRequired));
    }
    let (state, viewer, t, mut tx) = begin().await?;
    let user = &viewer;
    let result = async {
        let (row, facts) = load(&mut tx, user, id, version).await?;
        let due = row.recheck_due_at.is_some_and(|d| d <= t) && row.recheck_done_at.is_none();
        if facts.standing < Standing::Member {
            return Err(AppError::Forbidden);
        }
        if facts.stage != Stage::Closed || !due {
            return Err(AppError::Conflict(Msg::ErrItemChanged));
        }
        if !sentiment_repo::touch(&mut tx, id, version, Touch::Rechecked, t).await? {
            return Err(AppError::Conflict(Msg::ErrItemChanged));
        }
        let line = format!("{} {note}", if passed { "pass" } else { "fail" });
        sentiment_repo::add_line(&mut tx, id, None, &row.stage, Some(user.account_id), line.trim(), "recheck", t)
            .await?;
        let mut new_id = None;
        if !passed {
            let place = sentiment_repo::Place {
                micro_grid_id: row.micro_grid_id,
                micro_grid_code: row.micro_grid_code.clone(),
                building_id: row.building_id.unwrap_or(row.micro_grid_id),
                unit_id: None,
            };
            let checks = sentiment_repo::check_labels(&mut tx, id).await?;
            let description = format!("回头看未通过：{}", row.description).chars().take(2000).collect::<String>();
            let new = NewItem {
                kind: "inspection",
                category: &row.category,
                place: &place,
                place_note: &row.place_note,
                description: &description,
                reporter_id: Some(user.account_id),
                stage: Stage::Reported.as_str(),
                source: "app",
                parties: &[],
                checks: &checks,
                now: t,
            };
            new_id = Some(sentiment_repo::insert(&mut tx, &new, Some(user.account_id)).await?);
        }
        audit_step(&mut tx, user, "recheck", &row, serde_json::json!({ "passed": passed, "reopened_as": new_id }))
            .await?;
        Ok(new_id)
    }
    .await;
    let new_id = settle(&state, user, tx, ("recheck_item", id), result).await?;
    if let Some(new_id) = new_id {
        state.bus.publish(Topic::Sentiment, Some(new_id));
    }
    ctx::redirect_form(&format!("/sentiment/{}", new_id.unwrap_or(id)));
    Ok(())
}

/// 转为服务订单: an item a volunteer can help with becomes an order on the board,
/// placed for the reporter (or, when staff recorded it, for the staff member's
/// resident reporter) and linked both ways.
#[server(endpoint = "convert_item")]
pub async fn convert_item(id: i64, version: i64) -> Result<i64, AppError> {
    let (state, viewer, t, mut tx) = begin().await?;
    let user = &viewer;
    let result = async {
        let (row, facts) = load(&mut tx, user, id, version).await?;
        if !facts.may_convert() {
            return Err(if facts.standing >= Standing::Member {
                AppError::Conflict(Msg::ErrItemChanged)
            } else {
                AppError::Forbidden
            });
        }
        let category = Category::parse(&row.category).ok_or(AppError::Internal)?;
        // The order is the resident's: it carries their home and phone to the volunteer.
        // Items with no resident behind them (staff's own, Open311) are refused.
        let Some(requester) = row.reporter_person.filter(|p| *p != user.person_id) else {
            return Err(AppError::Conflict(Msg::ErrConvertNeedsResident));
        };
        let title: String = row.description.chars().take(60).collect();
        let description: String = row.description.chars().take(1000).collect();
        let title = if title.chars().count() < 2 { format!("民情：{title}") } else { title };
        let key = format!("sentiment-{id}");
        let new = crate::repo::orders_repo::NewOrder {
            requester_id: requester,
            placed_by: user.account_id,
            on_behalf: requester != user.person_id,
            idempotency_key: &key,
            section: category.section().as_str(),
            title: &title,
            description: &description,
            urgency: "normal",
            window_start: None,
            window_end: None,
            now: t,
        };
        let (order, _) =
            crate::repo::orders_repo::insert(&mut tx, &new).await?.ok_or(AppError::Conflict(Msg::ErrNoProfilePlace))?;
        crate::repo::orders_repo::add_event(
            &mut tx,
            order,
            None,
            crate::domain::order::OrderStatus::Open,
            user.account_id,
            crate::repo::orders_repo::EventNote::Words(""),
            t,
        )
        .await?;
        if !sentiment_repo::touch(&mut tx, id, version, Touch::Order(order), t).await? {
            return Err(AppError::Conflict(Msg::ErrItemChanged));
        }
        let line = format!("#{order}");
        sentiment_repo::add_line(&mut tx, id, None, &row.stage, Some(user.account_id), &line, "order", t).await?;
        audit_step(&mut tx, user, "convert", &row, serde_json::json!({ "order": order })).await?;
        Ok(order)
    }
    .await;
    let order = settle(&state, user, tx, ("convert_item", id), result).await?;
    state.bus.publish(Topic::Orders, Some(order));
    ctx::redirect_form(&format!("/orders/{order}"));
    Ok(order)
}

/// 督办: raises the escalation level of every overdue item (1: its grid leaders are
/// told; 2: its community's admins are told). `now` is a parameter so tests can move the
/// clock. Returns how many items were escalated.
#[cfg(feature = "ssr")]
pub async fn escalate_items(pool: &sqlx::SqlitePool, t: i64) -> Result<u64, sqlx::Error> {
    let mut tx = begin_immediate(pool).await?;
    let mut n = 0;
    for row in sentiment_repo::overdue(&mut tx, t).await? {
        let Some(stage) = Stage::parse(&row.stage) else { continue };
        let Some(level) = escalation_due(stage, row.deadline, row.escalation_level, t) else { continue };
        if !sentiment_repo::escalate(&mut tx, row.id, row.version, level, t).await? {
            continue;
        }
        let roles: &[&str] = if level == 1 { &["grid_leader"] } else { &["community_admin"] };
        let (note, body) = if level == 1 {
            (
                "督办：已超期，提交网格长",
                format!("民情超期督办：{}", row.description.chars().take(60).collect::<String>()),
            )
        } else {
            (
                "督办：超期两天以上，提交社区",
                format!("民情超期督办（社区）：{}", row.description.chars().take(60).collect::<String>()),
            )
        };
        sentiment_repo::add_line(&mut tx, row.id, None, &row.stage, None, note, "escalation", t).await?;
        for account in sentiment_repo::staff_over(&mut tx, &row.micro_grid_code, roles).await? {
            sentiment_repo::notify_account(
                &mut tx,
                account,
                "sentiment_escalation",
                &body,
                &format!("/sentiment/{}", row.id),
            )
            .await?;
        }
        n += 1;
    }
    tx.commit().await?;
    Ok(n)
}

/// Adds a photo (already checked, resized and re-encoded by the server) to an item:
/// its reporter or grid staff over it, at most three, while it is open.
#[cfg(feature = "ssr")]
pub async fn add_photo(
    state: &crate::state::AppState,
    user: &SessionUser,
    id: i64,
    mime: &str,
    size: (u32, u32),
    bytes: &[u8],
) -> Result<i64, AppError> {
    let mut tx = begin_immediate(&state.pool).await?;
    let result = async {
        let row = sentiment_repo::item(&mut tx, id).await?.ok_or(AppError::NotFound)?;
        let facts = facts_of(user, &row)?;
        if facts.standing < Standing::Member && !facts.is_reporter {
            return Err(AppError::Forbidden);
        }
        if facts.stage.is_final() {
            return Err(AppError::Conflict(Msg::ErrItemChanged));
        }
        if sentiment_repo::photo_count(&mut tx, id).await? >= 3 {
            return Err(AppError::Conflict(Msg::ErrPhotoCount));
        }
        let photo = sentiment_repo::add_photo(&mut tx, id, mime, size, bytes).await?;
        audit_step(&mut tx, user, "photo", &row, serde_json::json!({ "photo": photo, "bytes": bytes.len() })).await?;
        Ok(photo)
    }
    .await;
    settle(state, user, tx, ("add_photo", id), result).await
}

/// Whether the user may add a photo to the item now (checked before any decoding).
#[cfg(feature = "ssr")]
pub async fn may_add_photo(state: &crate::state::AppState, user: &SessionUser, id: i64) -> Result<(), AppError> {
    let mut conn = state.pool.acquire().await?;
    let row = sentiment_repo::item(&mut conn, id).await?.ok_or(AppError::NotFound)?;
    let facts = facts_of(user, &row)?;
    if facts.standing < Standing::Member && !facts.is_reporter {
        return Err(AppError::Forbidden);
    }
    if facts.stage.is_final() {
        return Err(AppError::Conflict(Msg::ErrItemChanged));
    }
    if sentiment_repo::photo_count(&mut conn, id).await? >= 3 {
        return Err(AppError::Conflict(Msg::ErrPhotoCount));
    }
    Ok(())
}

/// A photo's type and bytes, for whoever may see its item.
#[cfg(feature = "ssr")]
pub async fn photo_for(
    state: &crate::state::AppState,
    user: &SessionUser,
    photo: i64,
) -> Result<(String, Vec<u8>), AppError> {
    let (item, mime, bytes) = sentiment_repo::photo(&state.pool, photo).await?.ok_or(AppError::NotFound)?;
    let mut conn = state.pool.acquire().await?;
    let row = sentiment_repo::item(&mut conn, item).await?.ok_or(AppError::NotFound)?;
    let facts = facts_of(user, &row)?;
    if facts.standing < Standing::Member && !facts.is_reporter && !facts.is_handler {
        return Err(AppError::Forbidden);
    }
    Ok((mime, bytes))
}

/// What the home page shows of 民情: for staff, red disputes first and the open and
/// overdue counts of their area; for everyone, their closed reports awaiting their verdict.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SentimentHomeView {
    pub red: Vec<ItemCard>,
    pub open: i64,
    pub overdue: i64,
    pub to_confirm: Vec<ItemCard>,
    /// Open items handed to the viewer to handle.
    pub to_handle: Vec<ItemCard>,
    pub is_staff: bool,
}

#[server(endpoint = "sentiment_home")]
pub async fn sentiment_home() -> Result<SentimentHomeView, AppError> {
    let state = ctx::state()?;
    let user = ctx::require_user()?;
    let t = now();
    let (red, open, overdue) = match user.widest_staff_scope() {
        Some(scope) => {
            let open = sentiment_repo::list_in(&state.pool, &scope.node_code, ListFilter::Open, 500).await?;
            let red = open
                .iter()
                .filter(|r| r.kind == "dispute" && r.warning_level.as_deref() == Some("red"))
                .filter_map(|r| card(r, t))
                .collect();
            let cards: Vec<ItemCard> = open.iter().filter_map(|r| card(r, t)).collect();
            let overdue = cards.iter().filter(|c| c.overdue).count() as i64;
            (red, cards.len() as i64, overdue)
        }
        None => (Vec::new(), 0, 0),
    };
    let to_confirm = sentiment_repo::reported_by(&state.pool, user.account_id, 50)
        .await?
        .iter()
        .filter(|r| r.stage == "closed" && r.resident_confirmed_at.is_none())
        .filter_map(|r| card(r, t))
        .collect();
    let to_handle = sentiment_repo::handled_by(&state.pool, user.account_id, 20)
        .await?
        .iter()
        .filter(|r| r.stage == Stage::Dispatched.as_str())
        .filter_map(|r| card(r, t))
        .collect();
    Ok(SentimentHomeView { red, open, overdue, to_confirm, to_handle, is_staff: user.is_staff() })
}
