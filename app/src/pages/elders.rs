//! /elders: the care register (独居老人关爱) for grid staff, with overdue flags, a visit log
//! of three big buttons per elder, the add and edit forms and the heat-alert switch. Also
//! the elder-care parts of other pages: overdue visits on the staff home page, and
//! emergencies and welfare checks at the top of the leader's queue.
// Lazy islands declare their split-out code with `unsafe extern` blocks (generated).
#![allow(unsafe_code)]
use crate::components::{ErrorNotice, ErrorPage, FieldMsg, FormMsg, Loading, SearchSelect, TextArea};
use crate::domain::ids::{OrderId, PersonId};
use crate::error::AppError;
use crate::i18n::{age_text, outcome_label, Locale, Msg};
use crate::live::{use_live, Topic};
use crate::server_fns::elders::{
    elder_alerts_data, elders_data, overdue_visits, AddElder, ElderCard, EldersView, FinishWelfareCheck, LogVisit,
    SetHeatAlert, StartWelfareCheck, UpdateElder,
};
use crate::{tr, use_viewer};
use leptos::prelude::*;

fn sep(locale: Locale) -> &'static str {
    if locale == Locale::En {
        " "
    } else {
        ""
    }
}

/// "每7天探访一次" / "every 7 days".
fn plan_text(locale: Locale, days: i64) -> String {
    let s = sep(locale);
    format!("{}{s}{days}{s}{}", Msg::PlanEvery.text(locale), Msg::PlanDays.text(locale))
}

/// "82岁" / "82 years old".
fn age_years(locale: Locale, age: i64) -> String {
    format!("{age}{}{}", sep(locale), Msg::YearsOld.text(locale))
}

/// "上次探访 3天前" or "从未探访".
fn last_visit_text(locale: Locale, age_secs: Option<i64>) -> String {
    match age_secs {
        Some(secs) => format!("{} {}", Msg::LastVisit.text(locale), age_text(locale, secs)),
        None => Msg::NeverVisited.text(locale).to_string(),
    }
}

/// The first error among the actions' last runs, as a signal.
fn first_error(errors: Vec<Signal<Option<AppError>>>) -> Signal<Option<AppError>> {
    Signal::derive(move || errors.iter().find_map(|e| e.get()))
}

fn error_of<S, T>(action: ServerAction<S>) -> Signal<Option<AppError>>
where
    S: leptos::server_fn::ServerFn<Output = T, Error = AppError> + Clone + Send + Sync + 'static,
    T: Clone + Send + Sync + 'static,
{
    Signal::derive(move || action.value().get().and_then(|r| r.err()))
}

#[island(lazy)]
pub fn EldersPage() -> impl IntoView {
    match use_viewer().user {
        None => view! { <ErrorPage status=401/> }.into_any(),
        Some(user) if !user.is_staff() => view! { <ErrorPage status=403/> }.into_any(),
        Some(_) => view! { <Elders/> }.into_any(),
    }
}

/// The actions of the register page, shared by every elder's forms.
#[derive(Clone, Copy)]
struct RegisterForms {
    visit: ServerAction<LogVisit>,
    update: ServerAction<UpdateElder>,
    error: Signal<Option<AppError>>,
    notes: VisitNotes,
}

/// The visit notes being typed, by elder. The register is redrawn whenever a visit is
/// logged or a live event arrives; a card drawn anew takes its elder's note from here, so
/// a note is never lost and never lands on another elder's card. A note is dropped once
/// its visit is saved.
#[derive(Clone, Copy)]
struct VisitNotes {
    notes: StoredValue<std::collections::HashMap<PersonId, String>>,
    /// The elder whose visit form was sent last.
    sent: StoredValue<Option<PersonId>>,
}

impl VisitNotes {
    fn new(visit: ServerAction<LogVisit>) -> Self {
        let this = Self { notes: StoredValue::new(Default::default()), sent: StoredValue::new(None) };
        Effect::new(move |_| {
            if let Some(Ok(_)) = visit.value().get() {
                if let Some(elder) = this.sent.get_value() {
                    this.notes.update_value(|notes| {
                        notes.remove(&elder);
                    });
                }
            }
        });
        this
    }

    fn of(&self, elder: PersonId) -> String {
        self.notes.with_value(|notes| notes.get(&elder).cloned().unwrap_or_default())
    }

    fn typed(&self, elder: PersonId, text: String) {
        self.notes.update_value(|notes| {
            notes.insert(elder, text);
        });
    }
}

#[component]
fn Elders() -> impl IntoView {
    let live = use_live();
    let add = ServerAction::<AddElder>::new();
    let update = ServerAction::<UpdateElder>::new();
    let visit = ServerAction::<LogVisit>::new();
    let heat = ServerAction::<SetHeatAlert>::new();
    let data = Resource::new(
        move || {
            (
                live.version(Topic::Notices),
                live.version(Topic::Orders),
                add.version().get() + update.version().get() + visit.version().get() + heat.version().get(),
            )
        },
        |_| elders_data(),
    );
    let add_error = error_of(add);
    let error = first_error(vec![error_of(visit), error_of(update), error_of(heat)]);
    let forms = RegisterForms { visit, update, error, notes: VisitNotes::new(visit) };
    // A transition keeps the register on the page while it refetches, so the keyed rows
    // are updated in place.
    // The urgent order a 需要帮助 visit placed: from the hydrated form, or `?help_order=`
    // after a plain form.
    let query = crate::components::use_query();
    let help_order = Signal::derive(move || {
        visit
            .value()
            .get()
            .and_then(|r| r.ok())
            .flatten()
            .or_else(|| query.read().get("help_order").and_then(|o| o.parse::<OrderId>().ok()))
    });
    view! {
        <header class="page-head"><h1>{tr(Msg::EldersTitle)}</h1></header>
        {move || help_order.get().map(|id| view! {
            <p class="card ok help-order" role="status">
                {tr(Msg::HelpOrderPlaced)} " "
                <a href=format!("/orders/{id}") class="btn">{tr(Msg::SeeTheOrder)}</a>
            </p>
        })}
        <Transition fallback=Loading>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(data) => view! { <Register data forms heat add add_error/> }.into_any(),
                    Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn Register(
    data: EldersView,
    forms: RegisterForms,
    heat: ServerAction<SetHeatAlert>,
    add: ServerAction<AddElder>,
    add_error: Signal<Option<AppError>>,
) -> impl IntoView {
    let locale = use_viewer().locale;
    let error = forms.error;
    let EldersView { elders, overdue, candidates, heat_toggles } = data;
    view! {
        {(!heat_toggles.is_empty()).then(|| view! {
            <section class="card heat-alerts" aria-label=tr(Msg::HeatAlert)>
                <h2>{tr(Msg::HeatAlert)}</h2>
                <ul class="heat-list">
                    {heat_toggles.into_iter().map(|h| view! {
                        <li class:heat-on=h.on>
                            <span>{h.name} " · " {tr(if h.on { Msg::HeatAlertIsOn } else { Msg::HeatAlertIsOff })}</span>
                            <ActionForm action=heat attr:class="inline">
                                <input type="hidden" name="community" value=h.community_id.to_string()/>
                                <input type="hidden" name="on" value=if h.on { "0" } else { "1" }/>
                                <button type="submit" class=if h.on { "btn" } else { "btn warn" }>
                                    {tr(if h.on { Msg::HeatAlertStop } else { Msg::HeatAlertStart })}
                                </button>
                            </ActionForm>
                        </li>
                    }).collect_view()}
                </ul>
            </section>
        })}
        {(overdue > 0).then(|| view! {
            <p class="note warn overdue-count" role="status">{format!("{overdue}{}{}", sep(locale), tr(Msg::EldersOverdueCount))}</p>
        })}
        <FormMsg error/>
        <ErrorFields error fields=&["note", "outcome", "health_notes", "contact_name", "contact_phone", "every_days", "heat_alert_every_days"]/>
        <section aria-label=tr(Msg::EldersRegister)>
            <h2 class="section-title">{tr(Msg::EldersRegister)}</h2>
            {if elders.is_empty() {
                view! { <p class="card muted">{tr(Msg::NoElders)}</p> }.into_any()
            } else {
                // Keyed: a note being typed stays with its elder when the list re-sorts.
                view! {
                    <ul class="elders">
                        <For
                            each=move || elders.clone()
                            key=|e| (e.person_id, e.revision())
                            children=move |e| view! { <ElderItem elder=e forms/> }
                        />
                    </ul>
                }.into_any()
            }}
        </section>
        <section class="card add-elder">
            <h2>{tr(Msg::AddElder)}</h2>
            {if candidates.is_empty() {
                view! { <p class="muted">{tr(Msg::NoElderCandidates)}</p> }.into_any()
            } else {
                view! {
                    <ActionForm action=add attr:class="form">
                        <label for="add-person">{tr(Msg::ChooseElder)}</label>
                        <SearchSelect id="add-person" name="person" required=true options=candidates.into_iter().map(|c| {
                            let label = [Some(c.name), c.age.map(|a| age_years(locale, a)), c.building]
                                .into_iter()
                                .flatten()
                                .collect::<Vec<_>>()
                                .join(" · ");
                            (c.person_id.to_string(), label)
                        }).collect()/>
                        <FieldMsg error=add_error field="person"/>
                        <ElderFieldInputs prefix="add".to_string() elder=None error=add_error/>
                        <FormMsg error=add_error/>
                        <button type="submit" class="btn primary">{tr(Msg::AddElder)}</button>
                    </ActionForm>
                }.into_any()
            }}
        </section>
    }
}

/// The field messages of the last submission, listed (for forms redrawn after submitting).
#[component]
fn ErrorFields(error: Signal<Option<AppError>>, fields: &'static [&'static str]) -> impl IntoView {
    move || {
        let err = error.get()?;
        let msgs: Vec<Msg> = fields.iter().filter_map(|f| err.field_msg(f)).collect();
        (!msgs.is_empty()).then(|| {
            view! { <ul class="field-errors">{msgs.into_iter().map(|m| view! { <li class="field-error">{tr(m)}</li> }).collect_view()}</ul> }
        })
    }
}

/// The inputs shared by the add and edit forms, prefilled from the elder when editing.
#[component]
fn ElderFieldInputs(prefix: String, elder: Option<ElderCard>, error: Signal<Option<AppError>>) -> impl IntoView {
    let id = |name: &str| format!("{prefix}-{name}");
    let living_alone = elder.as_ref().is_none_or(|e| e.living_alone);
    let notes = elder.as_ref().map(|e| e.health_notes.clone()).unwrap_or_default();
    let contact_name = elder.as_ref().and_then(|e| e.contact_name.clone()).unwrap_or_default();
    let contact_phone = elder.as_ref().and_then(|e| e.contact_phone.clone()).unwrap_or_default();
    let every = elder.as_ref().map(|e| e.every_days).unwrap_or(7).to_string();
    let heat = elder.as_ref().map(|e| e.heat_alert_every_days).unwrap_or(1).to_string();
    view! {
        <label class="check">
            <input type="checkbox" name="living_alone" value="1" checked=living_alone/>
            {tr(Msg::LivingAlone)}
        </label>
        <label for=id("notes")>{tr(Msg::HealthNotes)}</label>
        <TextArea text=notes attr:id=id("notes") attr:name="health_notes" attr:rows="2" attr:maxlength="1000"/>
        <FieldMsg error field="health_notes"/>
        <label for=id("contact-name")>{tr(Msg::EmergencyContactName)}</label>
        <input id=id("contact-name") name="contact_name" maxlength="40" value=contact_name/>
        <FieldMsg error field="contact_name"/>
        <label for=id("contact-phone")>{tr(Msg::EmergencyContactPhone)}</label>
        <input id=id("contact-phone") name="contact_phone" type="tel" inputmode="numeric" maxlength="20" value=contact_phone/>
        <FieldMsg error field="contact_phone"/>
        <label for=id("every")>{tr(Msg::VisitEvery)}</label>
        <input id=id("every") name="every_days" type="number" inputmode="numeric" min="1" max="90" value=every/>
        <FieldMsg error field="every_days"/>
        <label for=id("heat")>{tr(Msg::VisitEveryHeat)}</label>
        <input id=id("heat") name="heat_alert_every_days" type="number" inputmode="numeric" min="1" max="90" value=heat/>
        <FieldMsg error field="heat_alert_every_days"/>
    }
}

#[component]
fn ElderItem(elder: ElderCard, forms: RegisterForms) -> impl IntoView {
    let locale = use_viewer().locale;
    let person = elder.person_id;
    let id = elder.person_id.to_string();
    let note_id = format!("visit-note-{id}");
    let place = [Some(elder.micro_grid.clone()), elder.building.clone(), elder.home.clone()]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" · ");
    let mut plan = plan_text(locale, elder.every_days);
    if elder.heat_alert {
        plan = format!("{} · {}：{}", plan, tr(Msg::HeatAlert), plan_text(locale, elder.period_days));
    }
    let last = last_visit_text(locale, elder.last_visit_age_secs);
    let last_outcome = elder.last_outcome;
    let edit = elder.clone();
    let edit_prefix = format!("edit-{id}");
    let visit_id = id.clone();
    view! {
        <li class="card elder" class:overdue=elder.overdue>
            <div class="elder-head">
                <h3>{elder.name.clone()}</h3>
                {elder.age.map(|a| view! { <span class="muted">{age_years(locale, a)}</span> })}
                {elder.living_alone.then(|| view! { <span class="tag">{tr(Msg::LivingAlone)}</span> })}
                {elder.overdue.then(|| view! { <span class="tag urgent">{tr(Msg::VisitOverdue)}</span> })}
            </div>
            <p class="muted">
                {place}
                {elder.phone.clone().map(|p| view! { " · " <a href=format!("tel:{p}")>{p.clone()}</a> })}
            </p>
            {(!elder.health_notes.is_empty()).then(|| view! {
                <p><strong>{tr(Msg::HealthNotes)}</strong> " " {elder.health_notes.clone()}</p>
            })}
            {elder.contact_name.clone().or(elder.contact_phone.clone()).map(|_| view! {
                <p>
                    <strong>{tr(Msg::EmergencyContact)}</strong> " " {elder.contact_name.clone().unwrap_or_default()} " "
                    {elder.contact_phone.clone().map(|p| view! { <a href=format!("tel:{p}")>{p.clone()}</a> })}
                </p>
            })}
            <p class="muted plan">
                {plan} " · " {last}
                {last_outcome.map(|o| view! { " · " <span class=format!("outcome outcome-{}", o.as_str())>{tr(outcome_label(o))}</span> })}
            </p>
            <ActionForm action=forms.visit attr:class="visit-form" on:submit=move |_| forms.notes.sent.set_value(Some(person))>
                <input type="hidden" name="elder" value=visit_id/>
                <label for=note_id.clone()>{tr(Msg::VisitNote)}</label>
                <textarea
                    id=note_id
                    name="note"
                    rows="2"
                    maxlength="1000"
                    prop:value=forms.notes.of(person)
                    on:input=move |ev| forms.notes.typed(person, event_target_value(&ev))
                ></textarea>
                <div class="visit-buttons" role="group" aria-label=tr(Msg::LogVisit)>
                    <button type="submit" name="outcome" value="safe" class="btn big visit-safe">{tr(Msg::OutcomeSafe)}</button>
                    <button type="submit" name="outcome" value="needs_help" class="btn big visit-help">{tr(Msg::OutcomeNeedsHelp)}</button>
                    <button type="submit" name="outcome" value="emergency" class="btn big visit-emergency">{tr(Msg::OutcomeEmergency)}</button>
                </div>
            </ActionForm>
            <details class="elder-edit">
                <summary>{tr(Msg::EditElder)}</summary>
                <ActionForm action=forms.update attr:class="form">
                    <input type="hidden" name="person" value=id/>
                    <ElderFieldInputs prefix=edit_prefix elder=Some(edit) error=forms.error/>
                    <button type="submit" class="btn primary">{tr(Msg::Save)}</button>
                </ActionForm>
            </details>
        </li>
    }
}

/// 待探访的老人 on the staff home page: server HTML as of the page's load (a visit is
/// due by the day, not by the minute).
#[component]
pub fn OverdueVisitsSection() -> impl IntoView {
    let data = Resource::new(|| (), |_| overdue_visits());
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                let list = data.await.ok()?;
                let locale = use_viewer().locale;
                Some(view! {
                    <section class="card overdue-visits">
                        <h2>{tr(Msg::OverdueVisits)}</h2>
                        {if list.is_empty() {
                            view! { <p class="muted">{tr(Msg::NoOverdueVisits)}</p> }.into_any()
                        } else {
                            view! {
                                <ul class="overdue-list">
                                    {list.into_iter().take(10).map(|v| view! {
                                        <li>
                                            <strong>{v.name}</strong> " " <span class="tag urgent">{tr(Msg::VisitOverdue)}</span>
                                            <br/>
                                            <span class="muted">
                                                {[Some(v.micro_grid), v.building].into_iter().flatten().collect::<Vec<_>>().join(" · ")}
                                                " · " {last_visit_text(locale, v.last_visit_age_secs)}
                                                " · " {plan_text(locale, v.period_days)}
                                            </span>
                                        </li>
                                    }).collect_view()}
                                </ul>
                            }.into_any()
                        }}
                        <p><a href="/elders" class="btn primary">{tr(Msg::GoToElders)}</a></p>
                    </section>
                })
            })}
        </Suspense>
    }
}

/// Open welfare checks on the staff home page: who, where, how long ago, and the way to
/// the queue where they are handled.
#[component]
pub fn WelfareHomeSection() -> impl IntoView {
    // Read before the checks are, so they are at least as new as it.
    let seq = crate::live::rendered_seq();
    let data = Resource::new(|| (), |_| elder_alerts_data());
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move { data.await.ok().map(|alerts| view! { <WelfareHomeLive alerts seq/> }) })}
        </Suspense>
    }
}

/// The open checks as they change: a notices frame (a check asked for, taken up or
/// finished) loads them again as JSON, so a new one shows on every staff home page at once.
#[island(lazy)]
fn WelfareHomeLive(alerts: crate::server_fns::elders::ElderAlerts, seq: u64) -> impl IntoView {
    let alerts = crate::live::refreshed(alerts, seq, Topic::Notices, "/api/elder_alerts_data");
    let locale = use_viewer().locale;
    move || {
        let welfare = alerts.get().welfare;
        (!welfare.is_empty()).then(|| view! {
            <section class="card welfare-home" role="alert">
                <h2>{tr(Msg::WelfareOnHome)} " (" {welfare.len()} ")"</h2>
                <ul class="alert-list">
                    {welfare.into_iter().take(5).map(|w| view! {
                        <li>
                            <span class="tag urgent">{tr(Msg::UrgencyUrgent)}</span> " "
                            <strong>{w.elder_name}</strong> " · " {w.building_note}
                            <br/>
                            <span class="muted">
                                {age_text(locale, w.age_secs)} " · "
                                {tr(if w.in_progress { Msg::WelfareStatusInProgress } else { Msg::WelfareStatusOpen })}
                                {w.handler.map(|h| format!(" · {h}"))}
                            </span>
                        </li>
                    }).collect_view()}
                </ul>
                <p><a href="/admin/queue" class="btn primary">{tr(Msg::WelfareHandle)}</a></p>
            </section>
        })
    }
}

/// Emergencies from visits and welfare checks, at the top of the leader's queue.
#[component]
pub fn QueueElderAlerts() -> impl IntoView {
    let live = use_live();
    let start = ServerAction::<StartWelfareCheck>::new();
    let finish = ServerAction::<FinishWelfareCheck>::new();
    let data = Resource::new(
        move || (live.version(Topic::Notices), start.version().get() + finish.version().get()),
        |_| elder_alerts_data(),
    );
    let error = first_error(vec![error_of(start), error_of(finish)]);
    view! {
        <FormMsg error/>
        <ErrorFields error fields=&["note", "outcome"]/>
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                let alerts = data.await.ok()?;
                let locale = use_viewer().locale;
                Some(view! {
                    {(!alerts.emergencies.is_empty()).then(|| view! {
                        <section class="card elder-emergencies" role="alert">
                            <h2>{tr(Msg::ElderEmergencies)}</h2>
                            <ul class="alert-list">
                                {alerts.emergencies.into_iter().map(|e| view! {
                                    <li>
                                        <p>
                                            <span class="tag urgent">{tr(Msg::OutcomeEmergency)}</span> " "
                                            <strong>{e.elder_name}</strong> " · "
                                            {[Some(e.micro_grid), e.building].into_iter().flatten().collect::<Vec<_>>().join(" · ")}
                                        </p>
                                        {(!e.note.is_empty()).then(|| view! { <p>{e.note}</p> })}
                                        <p class="muted">
                                            {tr(Msg::Visitor)} " " {e.visitor.unwrap_or_default()} " · " {age_text(locale, e.age_secs)}
                                        </p>
                                        {e.contact_phone.map(|p| view! {
                                            <p>
                                                {tr(Msg::EmergencyContact)} " " {e.contact_name.unwrap_or_default()} " "
                                                <a href=format!("tel:{p}")>{p.clone()}</a>
                                            </p>
                                        })}
                                    </li>
                                }).collect_view()}
                            </ul>
                        </section>
                    })}
                    {(!alerts.welfare.is_empty()).then(|| view! {
                        <section class="card welfare-checks">
                            <h2>{tr(Msg::WelfareChecks)}</h2>
                            <ul class="alert-list">
                                {alerts.welfare.into_iter().map(|w| {
                                    let id = w.id.to_string();
                                    let note_id = format!("welfare-note-{id}");
                                    let start_id = id.clone();
                                    view! {
                                        <li class:in-progress=w.in_progress>
                                            <p>
                                                <span class="tag urgent">{tr(Msg::UrgencyUrgent)}</span> " "
                                                {w.triage.then(|| view! { <span class="tag">{tr(Msg::WelfareTriage)}</span> " " })}
                                                <strong>{w.elder_name}</strong> " · " {w.building_note}
                                                " " <span class="muted">{format!("#{}", w.id)}</span>
                                            </p>
                                            <p class="muted">
                                                {w.micro_grid.unwrap_or_else(|| tr(Msg::WelfareUnmatched).to_string())}
                                                " · " {age_text(locale, w.age_secs)} " · "
                                                {tr(if w.in_progress { Msg::WelfareStatusInProgress } else { Msg::WelfareStatusOpen })}
                                                {w.handler.map(|h| format!(" · {h}"))}
                                            </p>
                                            <p>
                                                {tr(Msg::WelfareRequesterPhone)} " "
                                                <a href=format!("tel:{}", w.requester_phone)>{w.requester_phone.clone()}</a>
                                            </p>
                                            {(!w.note.is_empty()).then(|| view! { <p>{w.note}</p> })}
                                            {(!w.in_progress).then(|| view! {
                                                <ActionForm action=start attr:class="inline">
                                                    <input type="hidden" name="id" value=start_id/>
                                                    <button type="submit" class="btn primary big">{tr(Msg::WelfareGoing)}</button>
                                                </ActionForm>
                                            })}
                                            <ActionForm action=finish attr:class="form">
                                                <input type="hidden" name="id" value=id/>
                                                <label for=note_id.clone()>{tr(Msg::WelfareOutcomeNote)}</label>
                                                <textarea id=note_id name="note" rows="2" maxlength="400"></textarea>
                                                <div class="visit-buttons">
                                                    <button type="submit" name="outcome" value="safe" class="btn big visit-safe">{tr(Msg::WelfareConfirmedSafe)}</button>
                                                    <button type="submit" name="outcome" value="needs_help" class="btn big visit-help">{tr(Msg::OutcomeNeedsHelp)}</button>
                                                </div>
                                            </ActionForm>
                                        </li>
                                    }
                                }).collect_view()}
                            </ul>
                        </section>
                    })}
                })
            })}
        </Suspense>
    }
}
