//! 记录民情: a new item, recorded by grid staff or reported by a resident.
// The form carries one argument per field.
#![allow(clippy::too_many_arguments)]
#[cfg(feature = "ssr")]
use crate::domain::audit::Action;
use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use {
    super::{record_area, standing},
    crate::domain::sentiment::form::{ItemInput, ItemProblem, NewItem},
    crate::domain::sentiment::{Stage, Standing},
    crate::i18n::Msg,
    crate::live::Topic,
    crate::repo::audit_repo::AuditEntry,
    crate::repo::form_keys_repo,
    crate::repo::sentiment_repo,
    crate::server_fns::ctx,
    crate::server_fns::write::{Act, Writer},
};

/// The message each problem of the 记录民情 form is answered with.
#[cfg(feature = "ssr")]
fn item_msg(problem: ItemProblem) -> Msg {
    match problem {
        ItemProblem::NotStaff => Msg::ErrBadRequest,
        ItemProblem::Category => Msg::ErrChooseCategory,
        ItemProblem::Place => Msg::ErrChoosePlace,
        ItemProblem::TooLong => Msg::ErrTooLong,
        ItemProblem::DescriptionLength => Msg::ErrDescriptionLength,
        ItemProblem::Control => Msg::ErrControlChars,
        ItemProblem::Parties => Msg::ErrPartiesFormat,
        ItemProblem::Checklist => Msg::ErrChecklist,
        ItemProblem::Phone => Msg::ErrPhoneMalformed,
    }
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
    let (w, user) = Writer::signed_in()?;
    let form_key = ctx::form_key(&form_key)?;
    let item = NewItem::parse(&ItemInput {
        category: &category,
        place: &place,
        place_note: &place_note,
        description: &description,
        inspection: inspection.is_some(),
        parties: &parties,
        checks: &checks,
        resident_phone: &resident_phone,
        staff: user.is_staff(),
    })
    .map_err(|problems| match problems.as_slice() {
        [(_, ItemProblem::NotStaff)] => AppError::Forbidden,
        _ => ctx::invalid(problems, item_msg),
    })?;
    let place_id = item.place;
    let act = Act::new(Action::RecordItem, "grid_node").on(place_id.get());
    let id = w
        .run(act, async |tx, out| {
            // Plain forms go on to the item; the hydrated form goes there itself, after
            // sending the photos picked in it.
            if let Some(id) = form_keys_repo::seen(tx, "record_item", user.account_id, form_key.as_ref()).await? {
                return Ok(id);
            }
            let place =
                sentiment_repo::place(tx, place_id).await?.ok_or(AppError::field("place", Msg::ErrChoosePlace))?;
            let own_area =
                record_area(&user).is_some_and(|area| crate::domain::grid::is_within(&place.micro_grid_code, &area));
            if !own_area {
                return Err(AppError::Forbidden);
            }
            let staff = standing(&user, &place.micro_grid_code) >= Standing::Member;
            let stage = if staff && report_now.is_none() { Stage::Collected } else { Stage::Reported };
            // A resident who told a member what they saw is the item's reporter: they are
            // asked to confirm the fix. Unknown and foreign numbers answer alike.
            let reporter = match &item.resident_phone {
                None => user.account_id,
                Some(phone) => {
                    let found = sentiment_repo::resident_account(tx, phone.as_str()).await?;
                    match found.filter(|(_, area)| staff && user.staff_scope_covers(area)) {
                        Some((account, _)) => account,
                        None => return Err(AppError::field("resident_phone", Msg::ErrNoSuchResident)),
                    }
                }
            };
            let new = sentiment_repo::NewItem {
                kind: item.kind,
                category: item.category,
                place: &place,
                place_note: &item.place_note,
                description: &item.description,
                reporter_id: Some(reporter),
                stage,
                source: "app",
                parties: &item.parties,
                checks: &item.checks,
                now: out.now,
            };
            let id = sentiment_repo::insert(tx, &new, Some(user.account_id)).await?;
            form_keys_repo::remember(tx, "record_item", user.account_id, form_key.as_ref(), id, out.now).await?;
            out.audit(AuditEntry {
                object_id: Some(id),
                node_id: Some(place.micro_grid_id),
                after_json: Some(
                    serde_json::json!({ "kind": item.kind.as_str(), "category": item.category.as_str(), "stage": stage.as_str() })
                        .to_string(),
                ),
                ..AuditEntry::of(Action::RecordItem, "sentiment_item")
            });
            out.publish(Topic::Sentiment, Some(id));
            Ok(id)
        })
        .await?;
    ctx::redirect_form(&format!("/sentiment/{id}"));
    Ok(id)
}
