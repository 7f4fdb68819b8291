//! An item along the loop: the stage steps, the reporter's verdict, 预警, 跟进, 回头看 and
//! 转为服务订单. Each is sent against the version the viewer saw.
// Step forms carry one argument per field.
#![allow(clippy::too_many_arguments)]
#[cfg(feature = "ssr")]
use crate::domain::audit::Action;
use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use {
    super::facts_of,
    crate::domain::notice::{excerpt, Notice},
    crate::domain::sentiment::{
        HandlerKind, ItemFacts, ItemRefusal, Kind, Stage, StageAction, Standing, Warning, RECHECK_AFTER_SECS,
    },
    crate::i18n::Msg,
    crate::live::Topic,
    crate::repo::audit_repo::AuditEntry,
    crate::repo::notices_repo,
    crate::repo::sentiment_repo::{self, ItemRow, NewItem, Patch, Touch},
    crate::server_fns::ctx,
    crate::server_fns::write::{Act, Outcome, Writer},
    crate::session::SessionUser,
    sqlx::SqliteConnection,
};

/// Loads an item inside the transaction and checks the version the viewer saw.
#[cfg(feature = "ssr")]
async fn load(
    tx: &mut SqliteConnection,
    user: &SessionUser,
    id: i64,
    version: i64,
) -> Result<(ItemRow, ItemFacts), AppError> {
    let row = sentiment_repo::item(tx, id).await?.ok_or(AppError::NotFound)?;
    let facts = facts_of(user, &row);
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
    tx: &mut SqliteConnection,
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
    Ok(last.is_some_and(|l| l.repeated_by(user.account_id, row.stage, |from| from.after(action))))
}

#[cfg(feature = "ssr")]
fn refusal(r: ItemRefusal) -> AppError {
    match r {
        ItemRefusal::WrongStage => AppError::Conflict(Msg::ErrItemChanged),
        ItemRefusal::NotAllowed => AppError::Forbidden,
        ItemRefusal::OwnWork => AppError::Conflict(Msg::ErrOwnWork),
    }
}

/// The write of one function on one item, for the audit row of its refusal.
#[cfg(feature = "ssr")]
pub(super) fn on_item(action: Action, id: i64) -> Act {
    Act::new(action, "sentiment_item").on(id)
}

/// Every change to an item is audited as a `sentiment_step` (which one in the detail) and
/// shown at once on the live pages.
#[cfg(feature = "ssr")]
pub(super) fn stepped(out: &mut Outcome, step: &str, row: &ItemRow, after: serde_json::Value) {
    out.audit(AuditEntry {
        object_id: Some(row.id),
        node_id: Some(row.micro_grid_id),
        before_json: Some(serde_json::json!({ "stage": row.stage.as_str() }).to_string()),
        after_json: Some(after.to_string()),
        detail: step.to_string(),
        ..AuditEntry::of(Action::SentimentStep, "sentiment_item")
    });
    out.publish(Topic::Sentiment, Some(row.id));
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
        match kind {
            HandlerKind::Volunteer => {
                let account = handler_volunteer.trim().parse::<crate::domain::ids::AccountId>();
                let account = account.map_err(|_| AppError::field("handler", Msg::ErrChooseHandler))?;
                Some((kind, None, Some(account), days))
            }
            _ => Some((kind, Some(ctx::field_text(&handler, "handler", 1..=80, Msg::ErrHandlerName)?), None, days)),
        }
    } else {
        None
    };
    let passed: Vec<i64> = passed.iter().filter_map(|p| p.trim().parse().ok()).collect();
    let (w, user) = Writer::signed_in()?;
    w.run(on_item(Action::SentimentStep, id), async |tx, out| {
        let t = out.now;
        if repeats_own_step(tx, &user, id, version, action).await? {
            return Ok(());
        }
        let (row, facts) = load(tx, &user, id, version).await?;
        let to = facts.check(action).map_err(refusal)?;
        let patch = match (action, &dispatch) {
            (StageAction::Dispatch, Some((kind, name, account, days))) => {
                let name = match (name, account) {
                    (Some(name), _) => name.clone(),
                    (None, Some(account)) => {
                        let community = crate::domain::grid::community_prefix(&row.micro_grid_code);
                        if !sentiment_repo::volunteer_within(tx, *account, community).await? {
                            return Err(AppError::field("handler", Msg::ErrChooseHandler));
                        }
                        sentiment_repo::name_of_account(tx, *account).await?.unwrap_or_default()
                    }
                    (None, None) => return Err(AppError::field("handler", Msg::ErrChooseHandler)),
                };
                (Some(*kind), name, *account, t + days * 86_400)
            }
            _ => (None, String::new(), None, 0),
        };
        let patch_ref = match (action, patch.0) {
            (StageAction::Dispatch, Some(handler_kind)) => {
                Patch::Dispatch { handler_kind, handler_name: &patch.1, handler_id: patch.2, deadline: patch.3 }
            }
            (StageAction::Report, _) => Patch::Report { deadline: t + crate::domain::sentiment::ACCEPT_WITHIN_SECS },
            (StageAction::Reopen, _) => Patch::Reopen { deadline: t + crate::domain::sentiment::ACCEPT_WITHIN_SECS },
            (StageAction::Handle, _) => Patch::Handle,
            (StageAction::Rework, _) => Patch::Rework,
            (StageAction::Close, _) => Patch::Close {
                recheck_due_at: (facts.kind == Kind::Inspection)
                    .then(|| row.deadline.unwrap_or(t).max(t) + RECHECK_AFTER_SECS),
            },
            _ => Patch::None,
        };
        if !sentiment_repo::transition(tx, id, row.stage, version, to, patch_ref, t).await? {
            return Err(AppError::Conflict(Msg::ErrItemChanged));
        }
        if action == StageAction::Verify && facts.kind == Kind::Inspection {
            sentiment_repo::mark_checks(tx, id, &passed).await?;
        }
        let line = match action {
            StageAction::Dispatch => format!("{} · {}", patch.1, crate::domain::time::format_local_date(patch.3)),
            _ => note.clone(),
        };
        sentiment_repo::add_line(tx, id, Some(row.stage), to, Some(user.account_id), &line, "stage", t).await?;
        // The reporter is asked for their verdict once the item is closed.
        if let (StageAction::Close, Some(reporter)) = (action, row.reporter_id) {
            if reporter != user.account_id {
                let notice = Notice::SentimentClosed { item: id, excerpt: excerpt(&row.description) };
                notices_repo::notify(tx, &[reporter], &notice).await?;
            }
        }
        if let (StageAction::Dispatch, Some(account)) = (action, patch.2) {
            let notice = Notice::SentimentDispatch { item: id, excerpt: excerpt(&row.description) };
            notices_repo::notify(tx, &[account], &notice).await?;
        }
        stepped(out, action.as_str(), &row, serde_json::json!({ "stage": to.as_str() }));
        Ok(())
    })
    .await?;
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
    let (w, user) = Writer::signed_in()?;
    w.run(on_item(Action::ConfirmItem, id), async |tx, out| {
        let (row, facts) = load(tx, &user, id, version).await?;
        if !facts.may_confirm() {
            return Err(if facts.is_reporter { AppError::Conflict(Msg::ErrItemChanged) } else { AppError::Forbidden });
        }
        if !sentiment_repo::touch(tx, id, version, Touch::Confirm { resolved, rating }, out.now).await? {
            return Err(AppError::Conflict(Msg::ErrItemChanged));
        }
        sentiment_repo::add_line(tx, id, None, row.stage, Some(user.account_id), &comment, "confirm", out.now).await?;
        stepped(out, "confirm", &row, serde_json::json!({ "resolved": resolved, "rating": rating }));
        Ok(())
    })
    .await?;
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
    let (w, user) = Writer::signed_in()?;
    w.run(on_item(Action::SetWarning, id), async |tx, out| {
        let (row, facts) = load(tx, &user, id, version).await?;
        if !facts.may_set_warning() {
            return Err(if facts.standing >= Standing::Leader && facts.kind == Kind::Dispute {
                AppError::Conflict(Msg::ErrItemChanged)
            } else {
                AppError::Forbidden
            });
        }
        if !sentiment_repo::touch(tx, id, version, Touch::Warning(level), out.now).await? {
            return Err(AppError::Conflict(Msg::ErrItemChanged));
        }
        let line = format!("{} {note}", level.as_str());
        sentiment_repo::add_line(tx, id, None, row.stage, Some(user.account_id), line.trim(), "warning", out.now)
            .await?;
        stepped(out, "warning", &row, serde_json::json!({ "warning": level.as_str() }));
        Ok(())
    })
    .await?;
    ctx::redirect_form(&format!("/sentiment/{id}"));
    Ok(())
}

/// 跟进: staff add a follow-up record (a visit to the parties of a dispute, a call...).
#[server(endpoint = "follow_up_item")]
pub async fn follow_up_item(id: i64, version: i64, note: String) -> Result<(), AppError> {
    let note = ctx::field_text(&note, "note", 1..=1000, Msg::ErrFollowUpText)?;
    let (w, user) = Writer::signed_in()?;
    w.run(on_item(Action::FollowUpItem, id), async |tx, out| {
        let (row, facts) = load(tx, &user, id, version).await?;
        if !facts.may_follow_up() {
            return Err(if facts.standing >= Standing::Member {
                AppError::Conflict(Msg::ErrItemChanged)
            } else {
                AppError::Forbidden
            });
        }
        if !sentiment_repo::touch(tx, id, version, Touch::Note, out.now).await? {
            return Err(AppError::Conflict(Msg::ErrItemChanged));
        }
        sentiment_repo::add_line(tx, id, None, row.stage, Some(user.account_id), &note, "follow_up", out.now).await?;
        stepped(out, "follow_up", &row, serde_json::json!({}));
        Ok(())
    })
    .await?;
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
    let (w, user) = Writer::signed_in()?;
    let new_id = w
        .run(on_item(Action::RecheckItem, id), async |tx, out| {
            let t = out.now;
            let (row, facts) = load(tx, &user, id, version).await?;
            let due = row.recheck_due_at.is_some_and(|d| d <= t) && row.recheck_done_at.is_none();
            if facts.standing < Standing::Member {
                return Err(AppError::Forbidden);
            }
            if facts.stage != Stage::Closed || !due {
                return Err(AppError::Conflict(Msg::ErrItemChanged));
            }
            if !sentiment_repo::touch(tx, id, version, Touch::Rechecked, t).await? {
                return Err(AppError::Conflict(Msg::ErrItemChanged));
            }
            let line = format!("{} {note}", if passed { "pass" } else { "fail" });
            sentiment_repo::add_line(tx, id, None, row.stage, Some(user.account_id), line.trim(), "recheck", t).await?;
            let mut new_id = None;
            if !passed {
                let place = sentiment_repo::Place {
                    micro_grid_id: row.micro_grid_id,
                    micro_grid_code: row.micro_grid_code.clone(),
                    building_id: row.building_id.unwrap_or(row.micro_grid_id),
                    unit_id: None,
                };
                let checks = sentiment_repo::check_labels(tx, id).await?;
                let description = format!("回头看未通过：{}", row.description).chars().take(2000).collect::<String>();
                let new = NewItem {
                    kind: Kind::Inspection,
                    category: row.category,
                    place: &place,
                    place_note: &row.place_note,
                    description: &description,
                    reporter_id: Some(user.account_id),
                    stage: Stage::Reported,
                    source: "app",
                    parties: &[],
                    checks: &checks,
                    now: t,
                };
                new_id = Some(sentiment_repo::insert(tx, &new, Some(user.account_id)).await?);
            }
            stepped(out, "recheck", &row, serde_json::json!({ "passed": passed, "reopened_as": new_id }));
            if let Some(new_id) = new_id {
                out.publish(Topic::Sentiment, Some(new_id));
            }
            Ok(new_id)
        })
        .await?;
    ctx::redirect_form(&format!("/sentiment/{}", new_id.unwrap_or(id)));
    Ok(())
}

/// 转为服务订单: an item a volunteer can help with becomes an order on the board,
/// placed for the reporter (or, when staff recorded it, for the staff member's
/// resident reporter) and linked both ways.
#[server(endpoint = "convert_item")]
pub async fn convert_item(id: i64, version: i64) -> Result<crate::domain::ids::OrderId, AppError> {
    use crate::repo::orders_repo;
    let (w, user) = Writer::signed_in()?;
    let order = w
        .run(on_item(Action::ConvertItem, id), async |tx, out| {
            let t = out.now;
            let (row, facts) = load(tx, &user, id, version).await?;
            if !facts.may_convert() {
                return Err(if facts.standing >= Standing::Member {
                    AppError::Conflict(Msg::ErrItemChanged)
                } else {
                    AppError::Forbidden
                });
            }
            // The order is the resident's: it carries their home and phone to the volunteer.
            // Items with no resident behind them (staff's own, Open311) are refused.
            let Some(requester) = row.reporter_person.filter(|p| *p != user.person_id) else {
                return Err(AppError::Conflict(Msg::ErrConvertNeedsResident));
            };
            let title: String = row.description.chars().take(60).collect();
            let description: String = row.description.chars().take(1000).collect();
            let title = if title.chars().count() < 2 { format!("民情：{title}") } else { title };
            let key = format!("sentiment-{id}");
            let new = orders_repo::NewOrder {
                requester_id: requester,
                placed_by: user.account_id,
                on_behalf: requester != user.person_id,
                idempotency_key: &key,
                section: row.category.section(),
                title: &title,
                description: &description,
                urgency: crate::domain::order::Urgency::Normal,
                window_start: None,
                window_end: None,
                now: t,
            };
            let (order, _) = orders_repo::insert(tx, &new).await?.ok_or(AppError::Conflict(Msg::ErrNoProfilePlace))?;
            if !sentiment_repo::touch(tx, id, version, Touch::Order(order), t).await? {
                return Err(AppError::Conflict(Msg::ErrItemChanged));
            }
            let line = format!("#{order}");
            sentiment_repo::add_line(tx, id, None, row.stage, Some(user.account_id), &line, "order", t).await?;
            stepped(out, "convert", &row, serde_json::json!({ "order": order }));
            out.publish(Topic::Orders, Some(order.get()));
            Ok(order)
        })
        .await?;
    ctx::redirect_form(&format!("/orders/{order}"));
    Ok(order)
}
