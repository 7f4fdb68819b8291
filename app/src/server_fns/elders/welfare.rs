//! The care itself: visits logged from the phone, welfare checks that relatives ask for
//! without an account and the staff who take and close them, and the emergencies and
//! checks at the top of the grid leader's queue.
use super::ElderAlerts;
#[cfg(feature = "ssr")]
use crate::domain::audit::Action;
use crate::domain::ids::{OrderId, PersonId};
use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use {
    super::{require_cover, require_staff, staff_writer, EmergencyCard, WelfareCard},
    crate::domain::elder::{VisitOutcome, DAY},
    crate::domain::notice::Notice,
    crate::domain::order::{ServiceSection, Urgency},
    crate::domain::phone::PhoneNumber,
    crate::i18n::Msg,
    crate::live::Topic,
    crate::repo::{audit_repo::AuditEntry, elders_repo, form_keys_repo, notices_repo, now, orders_repo},
    crate::server_fns::ctx,
    crate::server_fns::write::{Act, Writer},
    crate::session::SessionUser,
};

/// Logs a visit from the phone. 需要帮助 places an urgent 精准救助 order for the elder on
/// the board (代下单 by the visitor); 紧急 alerts the grid leaders of the micro-grid at once.
#[server(endpoint = "log_visit")]
pub async fn log_visit(elder: PersonId, outcome: String, note: String) -> Result<Option<OrderId>, AppError> {
    let (w, user) = staff_writer()?;
    let outcome =
        VisitOutcome::parse(outcome.trim()).ok_or_else(|| AppError::field("outcome", Msg::ErrChooseOutcome))?;
    let note = ctx::field_text(&note, "note", 0..=1000, Msg::ErrTooLong)?;
    let (order_id, logged) = w
        .run(Act::new(Action::LogVisit, "elder_profile").on(elder.get()), async |tx, out| {
            let t = out.now;
            let row = elders_repo::elder(tx, elder).await?.ok_or(AppError::NotFound)?;
            out.refusal_node(row.micro_grid_id);
            require_cover(&user, &row.micro_grid_code)?;
            // A double tap within a minute logs once.
            if let Some((_, order)) =
                elders_repo::recent_same_visit(tx, elder, user.account_id, outcome.as_str(), t - 60).await?
            {
                return Ok((order, false));
            }
            let zh = crate::i18n::Locale::Zh;
            let order_id = match outcome {
                VisitOutcome::NeedsHelp => {
                    let key = format!("visit-{}", ctx::new_form_key());
                    let new = orders_repo::NewOrder {
                        requester_id: elder,
                        placed_by: user.account_id,
                        on_behalf: true,
                        idempotency_key: &key,
                        section: ServiceSection::TargetedAssistance,
                        title: Msg::VisitHelpOrderTitle.text(zh),
                        // The board is public to the community; the visitor's note (health,
                        // where the key is) stays on the staff-only visit log.
                        description: Msg::VisitHelpOrderDescription.text(zh),
                        urgency: Urgency::Urgent,
                        window_start: None,
                        window_end: None,
                        now: t,
                    };
                    let (id, _) =
                        orders_repo::insert(tx, &new).await?.ok_or(AppError::Conflict(Msg::ErrNoProfilePlace))?;
                    Some(id)
                }
                _ => None,
            };
            let visit =
                elders_repo::insert_visit(tx, elder, user.account_id, outcome.as_str(), &note, order_id, t).await?;
            let leaders = if outcome == VisitOutcome::Emergency {
                let leaders =
                    crate::repo::sentiment_repo::staff_over(tx, &row.micro_grid_code, &["grid_leader"]).await?;
                notices_repo::notify(tx, &leaders, &Notice::ElderEmergency).await?;
                leaders.len()
            } else {
                0
            };
            out.audit(AuditEntry {
                object_id: Some(visit),
                node_id: Some(row.micro_grid_id),
                after_json: Some(
                    serde_json::json!({ "elder": elder, "outcome": outcome.as_str(), "order": order_id, "leaders_notified": leaders })
                        .to_string(),
                ),
                ..AuditEntry::of(Action::LogVisit, "visit_log")
            });
            if let Some(id) = order_id {
                out.audit(AuditEntry {
                    object_id: Some(id.get()),
                    node_id: Some(row.micro_grid_id),
                    after_json: Some(
                        serde_json::json!({ "section": "assistance", "urgency": "urgent", "requester": elder, "visit": visit })
                            .to_string(),
                    ),
                    ..AuditEntry::of(Action::PlaceOrderOnBehalf, "service_order")
                });
                out.publish(Topic::Orders, Some(id.get()));
            }
            // No person id on the live channel: every signed-in viewer receives it.
            out.publish(Topic::Notices, None);
            Ok((order_id, true))
        })
        .await?;
    // 需要帮助 placed an urgent order: the register says so and links to it.
    if let (Some(id), true) = (order_id, logged) {
        ctx::redirect_form(&format!("/elders?help_order={id}"));
    }
    Ok(order_id)
}

/// A relative asks the grid to check on an elder (public: no account needed). The building
/// is matched to the grid to find the micro-grid; its grid leaders are told at once. A
/// building the grid does not know waits for sorting (待分拣) in the area the form was
/// reached from (`area`, a grid code from the link), else in the subdistrict the address
/// most likely lies in, seen only by that area's staff; an address that fits nowhere is
/// refused with a request to name the estate. Answers with the reference number and, for
/// plain forms, the confirmation page.
#[server(endpoint = "request_welfare_check")]
pub async fn request_welfare_check(
    elder_name: String,
    building: String,
    phone: String,
    note: String,
    area: Option<String>,
    #[server(default)] form_key: String,
) -> Result<i64, AppError> {
    let state = ctx::state()?;
    let parts = ctx::parts()?;
    let viewer = ctx::viewer();
    let form_key = ctx::form_key(&form_key)?;
    // A visitor's form is keyed under actor 0 (no account has it): its random key is all
    // that ties it.
    let actor = viewer.user.as_ref().map_or(crate::domain::ids::AccountId(0), |u| u.account_id);
    let elder_name = ctx::field_text(&elder_name, "elder_name", 1..=40, Msg::ErrElderName);
    let building = ctx::field_text(&building, "building", 1..=100, Msg::ErrBuildingNote);
    let phone = PhoneNumber::parse(&phone).map_err(|_| AppError::field("phone", Msg::ErrPhoneMalformed));
    let note = ctx::field_text(&note, "note", 0..=500, Msg::ErrTooLong);
    let mut errors = AppError::field_errors(&[&elder_name, &building]);
    errors.extend(AppError::field_errors(&[&phone]));
    errors.extend(AppError::field_errors(&[&note]));
    let (Ok(elder_name), Ok(building), Ok(phone), Ok(note)) = (elder_name, building, phone, note) else {
        return Err(AppError::Invalid(errors));
    };
    let ip = crate::auth::client_ip(&parts);
    let window = std::time::Duration::from_secs(600);
    let settings = &state.settings;
    let hour = std::time::Duration::from_secs(3600);
    if !state.limiter.check(&format!("welfare:phone:{}", phone.as_str()), settings.welfare_per_phone_per_hour, hour)
        || !state.limiter.check(&format!("welfare:ip:{ip}"), settings.welfare_per_ip_per_10_minutes, window)
    {
        tracing::warn!(phone = %phone, %ip, "welfare checks rate limited");
        return Err(AppError::RateLimited);
    }
    let w = Writer { state, actor: viewer.user.as_ref().map(|u| u.account_id) };
    let (id, reached) = w
        .run(Act::new(Action::RequestWelfareCheck, "welfare_check"), async |tx, out| {
            let t = out.now;
            if let Some(id) = form_keys_repo::seen(tx, "request_welfare_check", actor, form_key.as_ref()).await? {
                return Ok((id, None));
            }
            let mut micro_grid_id = elders_repo::match_building(tx, &building).await?;
            let mut area_id = None;
            if micro_grid_id.is_none() {
                let from_link = match area.as_deref().map(str::trim).filter(|a| !a.is_empty()) {
                    Some(code) => elders_repo::area_by_code(tx, code).await?,
                    None => None,
                };
                match from_link {
                    Some((id, level)) if level == "micro_grid" => micro_grid_id = Some(id),
                    Some((id, _)) => area_id = Some(id),
                    None => area_id = elders_repo::guess_subdistrict(tx, &building).await?,
                }
                if micro_grid_id.is_none() && area_id.is_none() {
                    return Err(AppError::field("building", Msg::ErrWelfarePlaceUnknown));
                }
            }
            let id = elders_repo::insert_welfare(
                tx,
                &elders_repo::NewWelfareCheck {
                    micro_grid_id,
                    area_id,
                    elder_name: &elder_name,
                    building_note: &building,
                    requester_phone: phone.as_str(),
                    note: &note,
                    now: t,
                },
            )
            .await?;
            // The micro-grid's leaders, or for sorting the admins over the area it waits in.
            let (node, roles): (_, &[&str]) = match (micro_grid_id, area_id) {
                (Some(m), _) => (Some(m), &["grid_leader"]),
                (None, area) => (area, &["community_admin", "subdistrict_admin"]),
            };
            let leaders = match node {
                Some(n) => match elders_repo::node_code(tx, n).await? {
                    Some(code) => crate::repo::sentiment_repo::staff_over(tx, &code, roles).await?,
                    None => Vec::new(),
                },
                None => Vec::new(),
            };
            form_keys_repo::remember(tx, "request_welfare_check", actor, form_key.as_ref(), id, t).await?;
            notices_repo::notify(tx, &leaders, &Notice::WelfareCheck).await?;
            out.audit(AuditEntry {
                object_id: Some(id),
                node_id: micro_grid_id.or(area_id),
                detail: format!(
                    "phone {}; matched {}; waits for sorting {}; staff notified {}",
                    phone.masked(),
                    micro_grid_id.is_some(),
                    area_id.is_some(),
                    leaders.len()
                ),
                ip: Some(ip.clone()),
                ..AuditEntry::of(Action::RequestWelfareCheck, "welfare_check")
            });
            out.publish(Topic::Notices, Some(id));
            // The confirmation says who was reached: the grid leader, the community staff
            // who sort an address that matched no building, or (no staff on record) nobody yet.
            let reached = match (leaders.is_empty(), micro_grid_id.is_some()) {
                (true, _) => "nobody",
                (false, true) => "leader",
                (false, false) => "sorting",
            };
            Ok((id, Some(reached)))
        })
        .await?;
    // The same form sent again lands on the confirmation of the check it made.
    match reached {
        Some(reached) => leptos_axum::redirect(&format!("/welfare?ref={id}&reached={reached}")),
        None => leptos_axum::redirect(&format!("/welfare?ref={id}")),
    }
    Ok(id)
}

/// Whether the user may handle a welfare check: staff covering its micro-grid, or the
/// area it waits in for sorting. One placed nowhere (made before checks were routed) is
/// for subdistrict admins.
#[cfg(feature = "ssr")]
fn may_handle(user: &SessionUser, code: Option<&str>) -> bool {
    match code {
        Some(code) => user.staff_scope_covers(code),
        None => user.has_role(crate::domain::role::Role::SubdistrictAdmin),
    }
}

/// Emergencies from visits and open welfare checks of the viewer's area, for the top of
/// the queue. Grid staff only; carries the requesters' phones.
#[server(endpoint = "elder_alerts_data")]
pub async fn elder_alerts_data() -> Result<ElderAlerts, AppError> {
    let state = ctx::state()?;
    let user = require_staff()?;
    let t = now();
    let emergencies = elders_repo::open_emergencies(&state.pool, t - 7 * DAY)
        .await?
        .into_iter()
        .filter(|e| user.staff_scope_covers(&e.micro_grid_code))
        .map(|e| EmergencyCard {
            elder_id: e.elder_id,
            elder_name: e.elder_name,
            building: e.building,
            micro_grid: e.micro_grid,
            note: e.note,
            visitor: e.visitor,
            contact_name: e.contact_name,
            contact_phone: e.contact_phone,
            age_secs: (t - e.visited_at).max(0),
        })
        .collect();
    let welfare = elders_repo::welfare_not_done(&state.pool)
        .await?
        .into_iter()
        .filter(|w| may_handle(&user, w.micro_grid_code.as_deref()))
        .map(|w| WelfareCard {
            id: w.id,
            elder_name: w.elder_name,
            building_note: w.building_note,
            micro_grid: w.micro_grid,
            triage: w.triage,
            requester_phone: w.requester_phone,
            note: w.note,
            in_progress: w.status == "in_progress",
            handler: w.handler,
            age_secs: (t - w.created_at).max(0),
        })
        .collect();
    Ok(ElderAlerts { emergencies, welfare })
}

/// Moves a welfare check from one of `from` to `to`, with the checks, audit and live hint.
#[cfg(feature = "ssr")]
async fn move_welfare(id: i64, from: &[&str], to: &str, outcome_note: Option<String>) -> Result<(), AppError> {
    let (w, user) = staff_writer()?;
    let action = if to == "done" { Action::FinishWelfareCheck } else { Action::StartWelfareCheck };
    w.run(Act::new(action, "welfare_check").on(id), async |tx, out| {
        let (status, code, _, micro_grid_id) = elders_repo::welfare_facts(tx, id).await?.ok_or(AppError::NotFound)?;
        if let Some(node) = micro_grid_id {
            out.refusal_node(node);
        }
        if !may_handle(&user, code.as_deref()) {
            return Err(AppError::Forbidden);
        }
        if !from.contains(&status.as_str())
            || !elders_repo::move_welfare(tx, id, &status, to, user.account_id, outcome_note.as_deref(), out.now)
                .await?
        {
            return Err(AppError::Conflict(Msg::ErrWelfareChanged));
        }
        out.audit(AuditEntry {
            object_id: Some(id),
            node_id: micro_grid_id,
            before_json: Some(serde_json::json!({ "status": status }).to_string()),
            after_json: Some(serde_json::json!({ "status": to, "outcome_note": outcome_note }).to_string()),
            ..AuditEntry::of(action, "welfare_check")
        });
        out.publish(Topic::Notices, Some(id));
        Ok(())
    })
    .await
}

/// 我去看看: the staff member takes the welfare check (in progress, handled by them).
#[server(endpoint = "start_welfare_check")]
pub async fn start_welfare_check(id: i64) -> Result<(), AppError> {
    move_welfare(id, &["open"], "in_progress", None).await
}

/// 已确认平安 / 需要帮助: closes the welfare check with what was found.
#[server(endpoint = "finish_welfare_check")]
pub async fn finish_welfare_check(id: i64, outcome: String, note: String) -> Result<(), AppError> {
    let label = match VisitOutcome::parse(outcome.trim()) {
        Some(VisitOutcome::Safe) => Msg::WelfareConfirmedSafe,
        Some(VisitOutcome::NeedsHelp) => Msg::OutcomeNeedsHelp,
        _ => return Err(AppError::field("outcome", Msg::ErrChooseOutcome)),
    };
    let note = ctx::field_text(&note, "note", 0..=400, Msg::ErrTooLong)?;
    let label = label.text(crate::i18n::Locale::Zh);
    let outcome_note = if note.is_empty() { label.to_string() } else { format!("{label}：{note}") };
    move_welfare(id, &["open", "in_progress"], "done", Some(outcome_note)).await
}
