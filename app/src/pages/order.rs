//! /orders/:id (one order, live) and /board/new (我需要).
// Lazy islands declare their split-out code with `unsafe extern` blocks (generated).
#![allow(unsafe_code)]
use crate::components::{action_error, ErrorNotice, FieldMsg, FormMsg, Loading, SearchSelect, TextArea};
use crate::domain::ids::{NodeId, OrderId};
use crate::domain::order::{OrderAction, OrderStatus};
use crate::dto::OrderView;
use crate::error::AppError;
use crate::i18n::{age_text, section_label, status_label, taken_via_label, Msg};
use crate::live::Topic;
use crate::server_fns::orders::{
    order_detail, order_form, CancelOrder, ConfirmOrder, DisputeOrder, FinishService, PlaceOrder, ReleaseOrder,
    StartService, TakeOrder,
};
use crate::{echoed, tr, use_viewer};
use leptos::prelude::*;

#[island(lazy)]
pub fn OrderPage() -> impl IntoView {
    let route_id = crate::components::use_route_id();
    let id = Memo::new(move |_| route_id.get().and_then(|s| s.parse::<OrderId>().ok()));
    let live = crate::live::version_of(Topic::Orders, move || id.get_untracked().map(|id| id.get()));
    let take = ServerAction::<TakeOrder>::new();
    let release = ServerAction::<ReleaseOrder>::new();
    let start = ServerAction::<StartService>::new();
    let finish = ServerAction::<FinishService>::new();
    let confirm = ServerAction::<ConfirmOrder>::new();
    let dispute = ServerAction::<DisputeOrder>::new();
    let cancel = ServerAction::<CancelOrder>::new();
    let versions = move || {
        [take.version().get(), release.version().get(), start.version().get(), finish.version().get()]
            .into_iter()
            .chain([confirm.version().get(), dispute.version().get(), cancel.version().get()])
            .sum::<usize>()
    };
    let data = Resource::new(
        move || (id.get(), live.get(), versions()),
        |(id, _, _)| async move {
            match id {
                Some(id) => order_detail(id).await,
                None => Err(AppError::NotFound),
            }
        },
    );
    let errors = [
        action_error(take),
        action_error(release),
        action_error(start),
        action_error(finish),
        action_error(confirm),
        action_error(dispute),
        action_error(cancel),
    ];
    let any_error = Signal::derive(move || errors.iter().find_map(|e| e.get()));
    let forms = OrderForms { take, release, start, finish, confirm, dispute, cancel, error: any_error };
    view! {
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(order) => view! { <OrderDetail order forms/> }.into_any(),
                    Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[derive(Clone, Copy)]
struct OrderForms {
    take: ServerAction<TakeOrder>,
    release: ServerAction<ReleaseOrder>,
    start: ServerAction<StartService>,
    finish: ServerAction<FinishService>,
    confirm: ServerAction<ConfirmOrder>,
    dispute: ServerAction<DisputeOrder>,
    cancel: ServerAction<CancelOrder>,
    error: Signal<Option<AppError>>,
}

#[component]
fn OrderDetail(order: OrderView, forms: OrderForms) -> impl IntoView {
    let locale = use_viewer().locale;
    let id = order.id.to_string();
    let status_class = format!("status status-{}", order.status.as_str());
    let error = forms.error;
    view! {
        <article class="card order-detail">
            <div class="order-meta">
                <span class=format!("tag section-{}", order.section.as_str())>{section_label(order.section).text(locale)}</span>
                {(order.urgency == crate::domain::order::Urgency::Urgent).then(|| view! { <span class="tag urgent">{tr(Msg::UrgencyUrgent)}</span> })}
                <span class="age">{age_text(locale, order.age_secs)}</span>
            </div>
            <h1>{order.title.clone()}</h1>
            <p class=status_class role="status" aria-live="polite">{status_label(order.status).text(locale)}</p>
            {(!order.description.is_empty()).then(|| view! { <p>{order.description.clone()}</p> })}
            <dl class="facts">
                <dt>{tr(Msg::Place)}</dt>
                <dd>{order.micro_grid.clone()} " · " {order.building.clone().unwrap_or_default()}</dd>
                <dt>{tr(Msg::Requester)}</dt>
                <dd>{order.requester_masked.clone()}</dd>
                {order.taker.clone().map(|t| view! {
                    <dt>{tr(Msg::Taker)}</dt>
                    <dd>{t} {order.taker_badge.clone().map(|b| view! { " " <span class="badge party">{b}</span> })}</dd>
                })}
                {order.minutes_spent.map(|m| view! { <dt>{tr(Msg::MinutesSpent)}</dt><dd>{m} " " {tr(Msg::Minutes)}</dd> })}
                {order.rating.map(|r| view! { <dt>{tr(Msg::Rating)}</dt><dd>{"★".repeat(r as usize)} " " {order.rating_comment.clone().unwrap_or_default()}</dd> })}
            </dl>
            {order.contact.clone().map(|c| view! {
                <section class="contact" aria-label=tr(Msg::Contact)>
                    <h2>{tr(Msg::Contact)}</h2>
                    <p>{c.name} " · " {c.room}</p>
                    {c.phone.map(|p| view! { <p><a href=format!("tel:{p}")>{p.clone()}</a></p> })}
                </section>
            })}
            {order.taker_contact.clone().map(|c| view! {
                <section class="contact" aria-label=tr(Msg::ContactTaker)>
                    <h2>{tr(Msg::ContactTaker)}</h2>
                    <p>{tr(Msg::Taker)} " " {c.name}</p>
                    {c.phone.map(|p| view! { <p><a class="btn" href=format!("tel:{p}")>{tr(Msg::CallVolunteer)} " " {p.clone()}</a></p> })}
                    {c.station_phone.map(|p| view! {
                        <p><a class="btn" href=format!("tel:{p}")>{tr(Msg::CallStation)} " " {p.clone()}</a></p>
                        {c.station.map(|s| view! { <p class="muted small">{s}</p> })}
                    })}
                </section>
            })}
            {order.contact_in_secs.map(|_| view! { <p class="note">{tr(Msg::ContactAfterHold)}</p> })}
            {order.on_behalf.then(|| view! { <p class="note">{tr(Msg::OnBehalfNote)}</p> })}
            {order.escalated.then(|| view! { <p class="note warn">{tr(Msg::EscalatedNote)}</p> })}
            {(order.disputed && !order.status.is_final()).then(|| view! { <p class="note warn">{tr(Msg::DisputedNote)}</p> })}
            <FormMsg error/>
            {order.may_thank.then(|| view! { <ThankForm order=order.id/> })}
            <div class="actions">
                {order.buttons.iter().map(|b| button_form(*b, &id, order.status, forms)).collect_view()}
            </div>
        </article>
        <section class="card">
            <h2>{tr(Msg::History)}</h2>
            <ol class="history">
                {order.events.into_iter().map(|e| view! {
                    <li>
                        <strong>{status_label(e.status).text(locale)}</strong>
                        " " <span class="muted">{e.actor.unwrap_or_default()} " · " {age_text(locale, e.age_secs)}</span>
                        {e.via.map(|via| view! { <p class="muted">{tr(taken_via_label(via))}</p> })}
                        {(!e.note.is_empty()).then(|| view! { <p>{e.note}</p> })}
                    </li>
                }).collect_view()}
            </ol>
        </section>
    }
}

fn button_form(button: OrderAction, id: &str, status: OrderStatus, f: OrderForms) -> AnyView {
    let id = id.to_string();
    match button {
        OrderAction::Take => view! {
            <ActionForm action=f.take>
                <input type="hidden" name="id" value=id/>
                <button type="submit" class="btn primary big">{tr(Msg::Take)}</button>
            </ActionForm>
        }
        .into_any(),
        OrderAction::Start => view! {
            <ActionForm action=f.start>
                <input type="hidden" name="id" value=id/>
                <button type="submit" class="btn primary big">{tr(Msg::StartService)}</button>
            </ActionForm>
        }
        .into_any(),
        OrderAction::Release => view! {
            <details class="action-sheet">
                <summary class="btn">{tr(Msg::Release)}</summary>
                <ActionForm action=f.release attr:class="form">
                    <input type="hidden" name="id" value=id/>
                    <label for="release-reason">{tr(Msg::Reason)}</label>
                    <input id="release-reason" name="reason" required maxlength="500"/>
                    <FieldMsg error=f.error field="reason"/>
                    <button type="submit" class="btn">{tr(Msg::Release)}</button>
                </ActionForm>
            </details>
        }
        .into_any(),
        OrderAction::Finish => view! {
            <ActionForm action=f.finish attr:class="form">
                <input type="hidden" name="id" value=id/>
                <label for="minutes">{tr(Msg::MinutesSpent)}</label>
                <input id="minutes" name="minutes" type="number" inputmode="numeric" min="1" max="1440" value="60" required/>
                <FieldMsg error=f.error field="minutes"/>
                <button type="submit" class="btn primary big">{tr(Msg::FinishService)}</button>
            </ActionForm>
        }
        .into_any(),
        OrderAction::Confirm => view! {
            <ActionForm action=f.confirm attr:class="form">
                <input type="hidden" name="id" value=id/>
                <fieldset class="stars-input">
                    <legend>{tr(Msg::RatingLabel)}</legend>
                    {(1..=5).rev().map(|n| view! {
                        <label><input type="radio" name="rating" value=n.to_string() required=true/> {"★".repeat(n)}</label>
                    }).collect_view()}
                </fieldset>
                <FieldMsg error=f.error field="rating"/>
                <label for="comment">{tr(Msg::Comment)}</label>
                <input id="comment" name="comment" maxlength="500"/>
                <button type="submit" class="btn primary big">{tr(Msg::ConfirmDone)}</button>
            </ActionForm>
        }
        .into_any(),
        OrderAction::Dispute => view! {
            <details class="action-sheet">
                <summary class="btn">{tr(Msg::Dispute)}</summary>
                <ActionForm action=f.dispute attr:class="form">
                    <input type="hidden" name="id" value=id/>
                    <label for="dispute-reason">{tr(Msg::Reason)}</label>
                    <input id="dispute-reason" name="reason" required maxlength="500"/>
                    <button type="submit" class="btn">{tr(Msg::Dispute)}</button>
                </ActionForm>
            </details>
        }
        .into_any(),
        OrderAction::Cancel => view! {
            <details class="action-sheet">
                <summary class="btn">{tr(Msg::CancelOrder)}</summary>
                <ActionForm action=f.cancel attr:class="form">
                    <input type="hidden" name="id" value=id/>
                    {OrderAction::Cancel.needs_reason(status).then(|| view! { <p class="hint">{tr(Msg::CancelTakenHint)}</p> })}
                    <label for="cancel-reason">{tr(Msg::Reason)}</label>
                    <input id="cancel-reason" name="reason" maxlength="500" required=OrderAction::Cancel.needs_reason(status)/>
                    <FieldMsg error=f.error field="reason"/>
                    <button type="submit" class="btn">{tr(Msg::CancelOrder)}</button>
                </ActionForm>
            </details>
        }
        .into_any(),
    }
}

/// 我需要: the order form. Works without JavaScript; a double tap sends the same
/// idempotency key and creates one order.
#[island(lazy)]
pub fn NewOrderPage() -> impl IntoView {
    let viewer = use_viewer();
    if viewer.user.is_none() {
        return view! { <crate::components::ErrorPage status=401/> }.into_any();
    }
    let place = ServerAction::<PlaceOrder>::new();
    let error = Signal::derive(move || place.value().get().and_then(|r| r.err()));
    let form = Resource::new(|| (), |_| order_form());
    // `?for=12`: the resident just registered (or picked elsewhere) comes chosen.
    let chosen = echoed("on_behalf_person")
        .or_else(|| crate::components::use_query().get_untracked().get("for"))
        .unwrap_or_default();
    view! {
        <section class="card">
            <h1>{tr(Msg::NewOrderTitle)}</h1>
            <Suspense fallback=Loading>
                {move || { let chosen = chosen.clone(); Suspend::new(async move {
                    match form.await {
                        Ok(f) => view! {
                            <ActionForm action=place attr:class="form">
                                <input type="hidden" name="idempotency_key" value=f.idempotency_key/>
                                <label for="section">{tr(Msg::Section)}</label>
                                <select id="section" name="section" required>
                                    <option value="">{tr(Msg::ErrChooseSection)}</option>
                                    {crate::domain::order::ServiceSection::ALL.into_iter().map(|s| view! {
                                        <option value=s.as_str() selected=echoed("section").as_deref() == Some(s.as_str())>{tr(section_label(s))}</option>
                                    }).collect_view()}
                                </select>
                                <FieldMsg error field="section"/>
                                <label for="title">{tr(Msg::Title)}</label>
                                <input id="title" name="title" required minlength="2" maxlength="60" value=echoed("title")/>
                                <FieldMsg error field="title"/>
                                <label for="description">{tr(Msg::Description)}</label>
                                <TextArea text=echoed("description").unwrap_or_default() attr:id="description" attr:name="description" attr:rows="3" attr:maxlength="1000"/>
                                <FieldMsg error field="description"/>
                                <fieldset class="choice">
                                    <legend>{tr(Msg::Urgency)}</legend>
                                    <label><input type="radio" name="urgency" value="normal" checked=echoed("urgency").as_deref() != Some("urgent")/> {tr(Msg::UrgencyNormal)}</label>
                                    <label><input type="radio" name="urgency" value="urgent" checked=echoed("urgency").as_deref() == Some("urgent")/> {tr(Msg::UrgencyUrgent)}</label>
                                </fieldset>
                                <label for="window_start">{tr(Msg::TimeFrom)}</label>
                                <input id="window_start" name="window_start" type="datetime-local" value=echoed("window_start")/>
                                <FieldMsg error field="window_start"/>
                                <label for="window_end">{tr(Msg::TimeTo)}</label>
                                <input id="window_end" name="window_end" type="datetime-local" value=echoed("window_end")/>
                                <FieldMsg error field="window_end"/>
                                <p class="muted">{tr(Msg::Place)} ": " {f.place.unwrap_or_default()}</p>
                                <p class="hint">{tr(Msg::PlaceHint)}</p>
                                {f.may_place_on_behalf.then(|| view! {
                                    <fieldset class="on-behalf">
                                        <label for="on_behalf_person">{tr(Msg::OnBehalfPerson)}</label>
                                        <ResidentPicker residents=f.residents.clone() chosen=chosen.clone()/>
                                        <FieldMsg error field="on_behalf_person"/>
                                        <p class="hint">{tr(Msg::OnBehalfPlaceHint)}</p>
                                        <label for="on_behalf_phone">{tr(Msg::OnBehalfPhone)}</label>
                                        <input id="on_behalf_phone" name="on_behalf_phone" type="tel" inputmode="numeric" maxlength="20" value=echoed("on_behalf_phone")/>
                                        <FieldMsg error field="on_behalf_phone"/>
                                    </fieldset>
                                })}
                                {move || error.get().filter(|e| !matches!(e, AppError::Invalid(_))).map(|e| view! {
                                    <p class="form-error" role="alert">{tr(e.msg())}</p>
                                })}
                                <button type="submit" class="btn primary big">{tr(Msg::Submit)}</button>
                            </ActionForm>
                            {(f.may_place_on_behalf && !f.units.is_empty()).then(|| view! { <RegisterResident units=f.units/> })}
                        }.into_any(),
                        Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                    }
                })}}
            </Suspense>
        </section>
    }
    .into_any()
}

/// The residents of the staff's area by building, unit and room (a select, so it works
/// without JavaScript; hydrated, a filter box narrows it by name or place).
#[component]
fn ResidentPicker(residents: Vec<crate::dto::ResidentChoice>, chosen: String) -> impl IntoView {
    let no_phone = tr(Msg::NoPhoneTag);
    let options = residents.into_iter().map(|r| (r.person_id.to_string(), r.label(no_phone))).collect();
    view! { <SearchSelect id="on_behalf_person" name="on_behalf_person" options chosen blank=tr(Msg::OnBehalfSelf)/> }
}

/// 登记居民: a resident without a phone, by name, unit and room; back here with them chosen.
#[component]
fn RegisterResident(units: Vec<(NodeId, String)>) -> impl IntoView {
    let register = ServerAction::<crate::server_fns::orders::RegisterResident>::new();
    let error = Signal::derive(move || register.value().get().and_then(|r| r.err()));
    // With JavaScript the new resident is chosen by reloading with `?for=`.
    Effect::new(move |_| {
        if let Some(Ok(person)) = register.value().get() {
            let _ = window().location().set_href(&format!("/board/new?for={person}"));
        }
    });
    view! {
        <details class="register-resident" open=move || error.get().is_some()>
            <summary>{tr(Msg::RegisterResident)}</summary>
            <p class="hint">{tr(Msg::RegisterResidentHint)}</p>
            <ActionForm action=register attr:class="form">
                <label for="register-name">{tr(Msg::ResidentName)}</label>
                <input id="register-name" name="name" required maxlength="40" autocomplete="off" value=echoed("name")/>
                <FieldMsg error field="name"/>
                <label for="register-unit">{tr(Msg::UnitLabel)}</label>
                <select id="register-unit" name="unit" required>
                    {units.into_iter().map(|(id, label)| view! { <option value=id.to_string()>{label}</option> }).collect_view()}
                </select>
                <FieldMsg error field="unit"/>
                <label for="register-room">{tr(Msg::RoomLabel)}</label>
                <input id="register-room" name="room" required maxlength="20" autocomplete="off" value=echoed("room")/>
                <FieldMsg error field="room"/>
                <FormMsg error/>
                <button type="submit" class="btn">{tr(Msg::RegisterAndChoose)}</button>
            </ActionForm>
        </details>
    }
}

/// After a confirmed service: a thank-you for the 朋友圈.
#[component]
fn ThankForm(order: OrderId) -> impl IntoView {
    let thank = ServerAction::<crate::server_fns::feed::PostThanks>::new();
    let error = Signal::derive(move || thank.value().get().and_then(|r| r.err()));
    let done = move || matches!(thank.value().get(), Some(Ok(())));
    view! {
        <Show when=move || !done() fallback=|| view! { <p class="note">{tr(Msg::KindThanks)} " ✓"</p> }>
            <ActionForm action=thank attr:class="form thanks">
                <input type="hidden" name="order" value=order.to_string()/>
                <label for="thanks-body">{tr(Msg::ThankVolunteer)}</label>
                <textarea id="thanks-body" name="body" rows="2" maxlength="500" required placeholder=tr(Msg::ThanksPlaceholder)></textarea>
                <FieldMsg error field="body"/>
                <FormMsg error/>
                <button type="submit" class="btn">{tr(Msg::Submit)}</button>
            </ActionForm>
        </Show>
    }
}
