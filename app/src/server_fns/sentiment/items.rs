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
    crate::domain::sentiment::{Category, Kind, Stage, Standing},
    crate::error::FieldError,
    crate::i18n::Msg,
    crate::live::Topic,
    crate::repo::audit_repo::AuditEntry,
    crate::repo::form_keys_repo,
    crate::repo::sentiment_repo::{self, NewItem},
    crate::server_fns::ctx,
    crate::server_fns::write::{Act, Writer},
};

/// The non-empty lines of a list field, trimmed.
#[cfg(feature = "ssr")]
fn lines(s: &str) -> Vec<String> {
    s.lines().map(str::trim).filter(|l| !l.is_empty()).map(String::from).collect()
}

/// A dispute's parties, one per line: a name, then after a space their contact.
#[cfg(feature = "ssr")]
fn parties_of(text: &str) -> Vec<(String, Option<String>)> {
    lines(text)
        .into_iter()
        .map(|l| match l.split_once([' ', '\u{3000}']) {
            Some((name, contact)) => (name.trim().to_string(), Some(contact.trim().to_string())),
            None => (l, None),
        })
        .collect()
}

/// What is wrong with a list field (parties, checklist points), each entry checked as free
/// text of at most `len` characters: `msg` when the entries are too many or too few
/// (`count_ok` false) or one is too long, before any control character.
#[cfg(feature = "ssr")]
fn list_problem<'a>(
    field: &str,
    entries: impl IntoIterator<Item = &'a str>,
    count_ok: bool,
    len: usize,
    msg: Msg,
) -> Option<FieldError> {
    let found: Vec<Msg> =
        entries.into_iter().filter_map(|e| ctx::field_text(e, field, 0..=len, msg).err()?.field_msg(field)).collect();
    let problem = if !count_ok || found.contains(&msg) { Some(msg) } else { found.first().copied() };
    problem.map(|msg| FieldError { field: field.into(), msg })
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
    let mut errors = Vec::new();
    let category = Category::parse(category.trim());
    if category.is_none() {
        errors.push(FieldError { field: "category".into(), msg: Msg::ErrChooseCategory });
    }
    let place_id = place.trim().parse::<crate::domain::ids::NodeId>().ok();
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
    let parties = if kind == Kind::Dispute && user.is_staff() { parties_of(&parties) } else { Vec::new() };
    let texts = parties.iter().flat_map(|(n, c)| std::iter::once(n.as_str()).chain(c.as_deref()));
    errors.extend(list_problem("parties", texts, parties.len() <= 10, 40, Msg::ErrPartiesFormat));
    // Only an inspection has a checklist, and it has at least one point.
    let checks = if kind == Kind::Inspection { lines(&checks) } else { Vec::new() };
    let count_ok = kind != Kind::Inspection || (1..=20).contains(&checks.len());
    errors.extend(list_problem("checks", checks.iter().map(String::as_str), count_ok, 100, Msg::ErrChecklist));
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
            let reporter = match &resident_phone {
                None => user.account_id,
                Some(phone) => {
                    let found = sentiment_repo::resident_account(tx, phone.as_str()).await?;
                    match found.filter(|(_, area)| staff && user.staff_scope_covers(area)) {
                        Some((account, _)) => account,
                        None => return Err(AppError::field("resident_phone", Msg::ErrNoSuchResident)),
                    }
                }
            };
            let new = NewItem {
                kind,
                category,
                place: &place,
                place_note: &place_note,
                description: &description,
                reporter_id: Some(reporter),
                stage,
                source: "app",
                parties: &parties,
                checks: &checks,
                now: out.now,
            };
            let id = sentiment_repo::insert(tx, &new, Some(user.account_id)).await?;
            form_keys_repo::remember(tx, "record_item", user.account_id, form_key.as_ref(), id, out.now).await?;
            out.audit(AuditEntry {
                object_id: Some(id),
                node_id: Some(place.micro_grid_id),
                after_json: Some(
                    serde_json::json!({ "kind": kind.as_str(), "category": category.as_str(), "stage": stage.as_str() })
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
