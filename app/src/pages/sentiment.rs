//! /sentiment (民情 list), /sentiment/new (记录民情 / 我要反映) and /sentiment/:id (one
//! item through the closed loop, live).
// Lazy islands declare their split-out code with `unsafe extern` blocks (generated).
#![allow(unsafe_code)]
use crate::components::{ErrorNotice, ErrorPage, FieldMsg, FormMsg, Loading, SearchSelect, TextArea};
use crate::domain::sentiment::{Category, HandlerKind, Kind, Stage, StageAction, Warning};
use crate::domain::time::format_local_date;
use crate::error::AppError;
use crate::i18n::{age_text, category_label, handler_label, stage_label, step_label, warning_label, Msg};
use crate::live::{use_live, Topic};
use crate::server_fns::sentiment::{
    item_detail, sentiment_form, sentiment_list, ConfirmItem, ConvertItem, FollowUpItem, ItemCard, ItemView,
    RecheckItem, RecordItem, SentimentStep, SetWarning,
};
use crate::{echoed, tr, use_viewer};
use leptos::prelude::*;

/// One item in a list: category, stage, warning and overdue flags, place, text.
#[component]
pub fn ItemCardView(item: ItemCard) -> impl IntoView {
    let locale = use_viewer().locale;
    view! {
        <li class="order-card item-card" class:urgent=item.overdue>
            <div class="order-meta">
                <span class="tag">{tr(category_label(item.category))}</span>
                <span class=format!("stage stage-{}", item.stage.as_str())>{tr(stage_label(item.stage))}</span>
                {item.warning.filter(|_| item.kind == Kind::Dispute).map(|w| view! {
                    <span class=format!("tag warning-{}", w.as_str())>{tr(warning_label(w))}</span>
                })}
                {item.overdue.then(|| view! { <span class="tag urgent">{tr(Msg::Overdue)}</span> })}
                {item.recheck_due.then(|| view! { <span class="tag">{tr(Msg::RecheckDue)}</span> })}
                <span class="age">{age_text(locale, item.age_secs)}</span>
            </div>
            <p class="order-title"><a href=format!("/sentiment/{}", item.id)>{item.description}</a></p>
            <p class="order-place">{item.place}</p>
        </li>
    }
}

#[island(lazy)]
pub fn SentimentPage() -> impl IntoView {
    let viewer = use_viewer();
    if viewer.user.is_none() {
        return view! { <ErrorPage status=401/> }.into_any();
    }
    let live = use_live();
    let query = crate::components::use_query();
    let filter = Memo::new(move |_| query.read().get("filter").unwrap_or_default());
    let data = Resource::new(move || (filter.get(), live.version(Topic::Sentiment)), |(f, _)| sentiment_list(f));
    let chips = [
        ("", Msg::FilterOpen),
        ("overdue", Msg::FilterOverdue),
        ("recheck", Msg::FilterRecheck),
        ("all", Msg::FilterAll),
    ];
    view! {
        <header class="page-head">
            <h1>{tr(Msg::SentimentLog)}</h1>
            <a href="/sentiment/new" class="btn primary">
                {if viewer.user.as_ref().is_some_and(|u| u.is_staff()) { tr(Msg::RecordItem) } else { tr(Msg::ReportIssue) }}
            </a>
        </header>
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(list) => view! {
                        {list.is_staff.then(|| view! {
                            <nav class="chips" aria-label=tr(Msg::AreaItems)>
                                {chips.into_iter().map(|(value, label)| {
                                    let href = if value.is_empty() { "/sentiment".to_string() } else { format!("/sentiment?filter={value}") };
                                    let current = filter.get_untracked() == value;
                                    view! { <a href=href class="chip" aria-current=current.then_some("page")>{tr(label)}</a> }
                                }).collect_view()}
                            </nav>
                            <h2 class="section-title">{tr(Msg::AreaItems)}</h2>
                            <ItemList items=list.area/>
                        })}
                        {(!list.handling.is_empty()).then(|| view! {
                            <h2 class="section-title">{tr(Msg::HandledByMe)}</h2>
                            <ItemList items=list.handling/>
                        })}
                        <h2 class="section-title">{tr(Msg::MyReports)}</h2>
                        <ItemList items=list.mine/>
                    }.into_any(),
                    Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                }
            })}
        </Suspense>
    }
    .into_any()
}

#[component]
fn ItemList(items: Vec<ItemCard>) -> impl IntoView {
    if items.is_empty() {
        return view! { <p class="card muted">{tr(Msg::NoItems)}</p> }.into_any();
    }
    view! { <ul class="orders">{items.into_iter().map(|item| view! { <ItemCardView item/> }).collect_view()}</ul> }
        .into_any()
}

/// 记录民情 (staff) / 我要反映 (residents): works without JavaScript.
#[island(lazy)]
pub fn NewItemPage(form_key: String) -> impl IntoView {
    if use_viewer().user.is_none() {
        return view! { <ErrorPage status=401/> }.into_any();
    }
    let record = ServerAction::<RecordItem>::new();
    let key = crate::components::FormKeyState::new(form_key, record);
    let error = Signal::derive(move || record.value().get().and_then(|r| r.err()));
    let form = Resource::new(|| (), |_| sentiment_form());
    let photos_form = NodeRef::<leptos::html::Form>::new();
    let photos_input = NodeRef::<leptos::html::Input>::new();
    // Effects run in the browser only: the picker is offered once photos can follow the item.
    let hydrated = crate::components::use_hydrated();
    Effect::new(move |_| {
        if let Some(Ok(id)) = record.value().get() {
            let picked = photos_input.get_untracked().is_some_and(|i| !i.value().is_empty());
            match photos_form.get_untracked().filter(|_| picked) {
                Some(form) => {
                    form.set_action(&format!("/sentiment/{id}/photos"));
                    let _ = form.submit();
                }
                None => {
                    let _ = window().location().set_href(&format!("/sentiment/{id}"));
                }
            }
        }
    });
    view! {
        <section class="card">
            <h1>{tr(if use_viewer().user.is_some_and(|u| u.is_staff()) { Msg::RecordItem } else { Msg::ReportIssue })}</h1>
            <Suspense fallback=Loading>
                {move || Suspend::new(async move {
                    match form.await {
                        Ok(f) => view! {
                            <ActionForm action=record attr:class="form" on:input=move |_| key.edited()>
                                {key.input()}
                                <label for="category">{tr(Msg::ItemCategory)}</label>
                                <select id="category" name="category" required>
                                    <option value="">{tr(Msg::ErrChooseCategory)}</option>
                                    {Category::ALL.into_iter().map(|c| view! { <option value=c.as_str() selected=echoed("category").as_deref() == Some(c.as_str())>{tr(category_label(c))}</option> }).collect_view()}
                                </select>
                                <FieldMsg error field="category"/>
                                <label for="place">{tr(Msg::ItemPlace)}</label>
                                <select id="place" name="place" required>
                                    <option value="">{tr(Msg::ErrChoosePlace)}</option>
                                    {f.places.into_iter().map(|(id, name)| view! {
                                        <option value=id.to_string() selected=echoed("place").and_then(|p| p.parse().ok()).or(f.default_place) == Some(id)>{name}</option>
                                    }).collect_view()}
                                </select>
                                <FieldMsg error field="place"/>
                                <label for="place_note">{tr(Msg::ItemPlaceNote)}</label>
                                <input id="place_note" name="place_note" maxlength="100" value=echoed("place_note")/>
                                <FieldMsg error field="place_note"/>
                                <label for="description">{tr(Msg::ItemDescription)}</label>
                                <TextArea text=echoed("description").unwrap_or_default() attr:id="description" attr:name="description" attr:required=true attr:rows="4" attr:minlength="2" attr:maxlength="2000"/>
                                <FieldMsg error field="description"/>
                                {f.is_staff.then(|| view! {
                                    <label for="parties">{tr(Msg::ItemParties)}</label>
                                    <TextArea text=echoed("parties").unwrap_or_default() attr:id="parties" attr:name="parties" attr:rows="2" attr:maxlength="1000"/>
                                    <FieldMsg error field="parties"/>
                                    <label class="check"><input type="checkbox" name="inspection" value="1" checked=echoed("inspection").is_some()/> {tr(Msg::ItemInspection)}</label>
                                    <label for="checks">{tr(Msg::ItemChecklist)}</label>
                                    <TextArea text=echoed("checks").unwrap_or_default() attr:id="checks" attr:name="checks" attr:rows="3" attr:maxlength="2000"/>
                                    <FieldMsg error field="checks"/>
                                    <label for="resident_phone">{tr(Msg::ItemResidentPhone)}</label>
                                    <input id="resident_phone" name="resident_phone" type="tel" inputmode="numeric" maxlength="20" value=echoed("resident_phone")/>
                                    <FieldMsg error field="resident_phone"/>
                                    <label class="check"><input type="checkbox" name="report_now" value="1" checked=echoed("report_now").is_some()/> {tr(Msg::ItemReportNow)}</label>
                                })}
                                {move || if hydrated.get() {
                                    view! {
                                        <label for="record-photo">{tr(Msg::AddPhoto)}</label>
                                        <input id="record-photo" node_ref=photos_input name="photo" type="file" multiple=true
                                            form="record-photos" accept="image/jpeg,image/png,image/webp"/>
                                    }.into_any()
                                } else {
                                    view! { <p class="hint">{tr(Msg::PhotosAfterSaving)}</p> }.into_any()
                                }}
                                {move || error.get().filter(|e| !matches!(e, AppError::Invalid(_))).map(|e| view! {
                                    <p class="form-error" role="alert">{tr(e.msg())}</p>
                                })}
                                <button type="submit" class="btn primary big">{tr(Msg::Submit)}</button>
                            </ActionForm>
                            // The picker above belongs to this form (`form="record-photos"`), so the
                            // item's own form never carries the files; it is sent once the item exists.
                            <form id="record-photos" node_ref=photos_form method="post" enctype="multipart/form-data" hidden=true></form>
                        }.into_any(),
                        Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
    .into_any()
}

#[derive(Clone, Copy)]
struct ItemForms {
    step: ServerAction<SentimentStep>,
    confirm: ServerAction<ConfirmItem>,
    warning: ServerAction<SetWarning>,
    follow_up: ServerAction<FollowUpItem>,
    recheck: ServerAction<RecheckItem>,
    convert: ServerAction<ConvertItem>,
    error: Signal<Option<AppError>>,
}

#[island(lazy)]
pub fn ItemPage() -> impl IntoView {
    let route_id = crate::components::use_route_id();
    let id = Memo::new(move |_| route_id.get().and_then(|s| s.parse::<i64>().ok()));
    let live = crate::live::version_of(Topic::Sentiment, move || id.get_untracked());
    let forms = ItemForms {
        step: ServerAction::new(),
        confirm: ServerAction::new(),
        warning: ServerAction::new(),
        follow_up: ServerAction::new(),
        recheck: ServerAction::new(),
        convert: ServerAction::new(),
        error: Signal::stored(None),
    };
    let f = forms;
    let error = Signal::derive(move || {
        let unit = |r: Option<Result<(), AppError>>| r.and_then(|r| r.err());
        unit(f.step.value().get())
            .or_else(|| unit(f.confirm.value().get()))
            .or_else(|| unit(f.warning.value().get()))
            .or_else(|| unit(f.follow_up.value().get()))
            .or_else(|| unit(f.recheck.value().get()))
            .or_else(|| f.convert.value().get().and_then(|r| r.err()))
    });
    let forms = ItemForms { error, ..forms };
    let versions = move || {
        f.step.version().get()
            + f.confirm.version().get()
            + f.warning.version().get()
            + f.follow_up.version().get()
            + f.recheck.version().get()
    };
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| {
        if let Some(Ok(order)) = f.convert.value().get() {
            let _ = window().location().assign(&format!("/orders/{order}"));
        }
    });
    let data = Resource::new(
        move || (id.get(), live.get(), versions()),
        |(id, _, _)| async move {
            match id {
                Some(id) => item_detail(id).await,
                None => Err(AppError::NotFound),
            }
        },
    );
    view! {
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(item) => view! { <ItemDetail item forms/> }.into_any(),
                    Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn ItemDetail(item: ItemView, forms: ItemForms) -> impl IntoView {
    let locale = use_viewer().locale;
    let photo_error = crate::components::photo_refusal();
    let id = item.card.id.to_string();
    let version = item.version.to_string();
    let error = forms.error;
    let stage = item.card.stage;
    let verdict = match (item.card.stage, item.resident_resolved) {
        (_, Some(true)) => Some((Msg::ResidentResolved, "ok")),
        (_, Some(false)) => Some((Msg::ResidentNotResolved, "warn")),
        (Stage::Closed, None) => Some((Msg::ClosedNotConfirmed, "")),
        _ => None,
    };
    let hidden = {
        let (id, version) = (id.clone(), version.clone());
        move || view! { <input type="hidden" name="id" value=id.clone()/><input type="hidden" name="version" value=version.clone()/> }
    };
    view! {
        <article class="card order-detail item-detail">
            <div class="order-meta">
                <span class="tag">{tr(category_label(item.card.category))}</span>
                {item.card.warning.filter(|_| item.card.kind == Kind::Dispute).map(|w| view! {
                    <span class=format!("tag warning-{}", w.as_str())>{tr(Msg::WarningLevel)} ": " {tr(warning_label(w))}</span>
                })}
                {item.card.overdue.then(|| view! { <span class="tag urgent">{tr(Msg::Overdue)}</span> })}
                <span class="age">{age_text(locale, item.card.age_secs)}</span>
            </div>
            <h1>{item.card.description.clone()}</h1>
            <ol class="loop" aria-label=tr(Msg::Timeline)>
                {[Stage::Collected, Stage::Reported, Stage::Accepted, Stage::Dispatched, Stage::Handled, Stage::Verified, Stage::Closed]
                    .into_iter()
                    .map(|s| {
                        let order = |x: Stage| [Stage::Collected, Stage::Reported, Stage::Accepted, Stage::Dispatched, Stage::Handled, Stage::Verified, Stage::Closed].iter().position(|y| *y == x);
                        let done = matches!((order(s), order(stage)), (Some(a), Some(b)) if a <= b);
                        view! { <li class:done=done aria-current=(s == stage).then_some("step")>{tr(stage_label(s))}</li> }
                    })
                    .collect_view()}
            </ol>
            <p class=format!("status stage-{}", stage.as_str()) role="status" aria-live="polite">{tr(stage_label(stage))}</p>
            {verdict.map(|(m, class)| view! { <p class=format!("note {class}")>{tr(m)}</p> })}
            <dl class="facts">
                <dt>{tr(Msg::Place)}</dt>
                <dd>{item.micro_grid.clone()} " · " {item.card.place.clone()} " " {item.place_note.clone()}</dd>
                {item.reporter.clone().map(|r| view! { <dt>{tr(Msg::ItemReporter)}</dt><dd>{r}</dd> })}
                {item.handler_kind.map(|k| view! {
                    <dt>{tr(Msg::HandlerKindLabel)}</dt>
                    <dd>{tr(handler_label(k))} " · " {item.handler_name.clone().unwrap_or_default()}</dd>
                })}
                {item.deadline.map(|d| view! { <dt>{tr(Msg::Deadline)}</dt><dd>{format_local_date(d)}</dd> })}
                {(item.card.escalation_level > 0).then(|| view! {
                    <dt>{tr(Msg::Overdue)}</dt>
                    <dd>{tr(if item.card.escalation_level > 1 { Msg::Escalated2 } else { Msg::Escalated1 })}</dd>
                })}
                {(item.rework_count > 0).then(|| view! { <dt>{tr(Msg::ReworkCount)}</dt><dd>{item.rework_count}</dd> })}
                {item.resident_rating.map(|r| view! { <dt>{tr(Msg::Rating)}</dt><dd>{"★".repeat(r.clamp(0, 5) as usize)}</dd> })}
                {item.order_id.map(|o| view! { <dt>{tr(Msg::LinkedOrder)}</dt><dd><a href=format!("/orders/{o}")>{format!("#{o}")}</a></dd> })}
            </dl>
            {(!item.parties.is_empty()).then(|| view! {
                <h2>{tr(Msg::Parties)}</h2>
                <ul class="plain">{item.parties.clone().into_iter().map(|(n, c)| view! { <li>{n} " " {c.unwrap_or_default()}</li> }).collect_view()}</ul>
            })}
            {(!item.checks.is_empty()).then(|| view! {
                <h2>{tr(Msg::Checklist)}</h2>
                <ul class="plain checklist">{item.checks.clone().into_iter().map(|(_, label, passed)| view! {
                    <li>{match passed { Some(true) => "✓ ", Some(false) => "✗ ", None => "· " }} {label}</li>
                }).collect_view()}</ul>
            })}
            {(!item.photos.is_empty()).then(|| view! {
                <div class="photos">{item.photos.iter().map(|p| view! {
                    <a href=format!("/sentiment/photos/{p}")><img src=format!("/sentiment/photos/{p}") alt=tr(Msg::Photos) loading="lazy" width="160" height="120"/></a>
                }).collect_view()}</div>
            })}
            {item.may_add_photo.then(|| view! {
                <form class="form inline" method="post" enctype="multipart/form-data" action=format!("/sentiment/{}/photos", item.card.id)>
                    <label for="photo">{tr(Msg::AddPhoto)}</label>
                    <input id="photo" name="photo" type="file" accept="image/jpeg,image/png,image/webp" required/>
                    {photo_error.map(|msg| view! { <p class="form-error" role="alert">{tr(msg)}</p> })}
                    <button type="submit" class="btn small">{tr(Msg::Upload)}</button>
                </form>
            })}
            <FormMsg error/>
            <div class="actions">
                {item.steps.iter().map(|s| step_form(*s, &item, forms, hidden.clone())).collect_view()}
                {item.may_confirm.then(|| {
                    let h = hidden.clone();
                    view! {
                        <ActionForm action=forms.confirm attr:class="form confirm">
                            {h()}
                            <fieldset class="choice">
                                <legend>{tr(Msg::ConfirmFix)}</legend>
                                <label><input type="radio" name="resolved" value="yes" required=true/> {tr(Msg::ConfirmResolvedYes)}</label>
                                <label><input type="radio" name="resolved" value="no"/> {tr(Msg::ConfirmResolvedNo)}</label>
                            </fieldset>
                            <fieldset class="stars-input">
                                <legend>{tr(Msg::RatingLabel)}</legend>
                                {(1..=5).rev().map(|n| view! {
                                    <label><input type="radio" name="rating" value=n.to_string() required=true/> {"★".repeat(n)}</label>
                                }).collect_view()}
                            </fieldset>
                            <label for="confirm-comment">{tr(Msg::Comment)}</label>
                            <input id="confirm-comment" name="comment" maxlength="500"/>
                            <button type="submit" class="btn primary big">{tr(Msg::Submit)}</button>
                        </ActionForm>
                    }
                })}
                {item.may_set_warning.then(|| {
                    let h = hidden.clone();
                    let current = item.card.warning;
                    view! {
                        <details class="action-sheet">
                            <summary class="btn">{tr(Msg::SetWarning)}</summary>
                            <ActionForm action=forms.warning attr:class="form">
                                {h()}
                                <fieldset class="choice">
                                    <legend>{tr(Msg::WarningLevel)}</legend>
                                    {Warning::ALL.into_iter().map(|w| view! {
                                        <label><input type="radio" name="level" value=w.as_str() checked=current == Some(w)/> {tr(warning_label(w))}</label>
                                    }).collect_view()}
                                </fieldset>
                                <label for="warning-note">{tr(Msg::FeedbackNote)}</label>
                                <input id="warning-note" name="note" maxlength="1000"/>
                                <button type="submit" class="btn">{tr(Msg::SetWarning)}</button>
                            </ActionForm>
                        </details>
                    }
                })}
                {item.may_follow_up.then(|| {
                    let h = hidden.clone();
                    view! {
                        <details class="action-sheet">
                            <summary class="btn">{tr(Msg::AddFollowUp)}</summary>
                            <ActionForm action=forms.follow_up attr:class="form">
                                {h()}
                                <label for="follow-note">{tr(Msg::FollowUp)}</label>
                                <textarea id="follow-note" name="note" rows="2" maxlength="1000" required></textarea>
                                <FieldMsg error field="note"/>
                                <button type="submit" class="btn">{tr(Msg::AddFollowUp)}</button>
                            </ActionForm>
                        </details>
                    }
                })}
                {item.may_recheck.then(|| {
                    let h = hidden.clone();
                    view! {
                        <ActionForm action=forms.recheck attr:class="form">
                            {h()}
                            <fieldset class="choice">
                                <legend>{tr(Msg::Recheck)}</legend>
                                <label><input type="radio" name="result" value="pass" checked=true/> {tr(Msg::RecheckPass)}</label>
                                <label><input type="radio" name="result" value="fail"/> {tr(Msg::RecheckFail)}</label>
                            </fieldset>
                            <label for="recheck-note">{tr(Msg::FeedbackNote)}</label>
                            <input id="recheck-note" name="note" maxlength="1000"/>
                            <button type="submit" class="btn primary">{tr(Msg::Recheck)}</button>
                        </ActionForm>
                    }
                })}
                {item.may_convert.then(|| {
                    let h = hidden.clone();
                    view! {
                        <ActionForm action=forms.convert>
                            {h()}
                            <button type="submit" class="btn">{tr(Msg::ConvertToOrder)}</button>
                        </ActionForm>
                    }
                })}
            </div>
        </article>
        <section class="card">
            <h2>{tr(Msg::Timeline)}</h2>
            <ol class="history">
                {item.timeline.into_iter().map(|l| {
                    let what = match l.kind.as_str() {
                        "follow_up" => tr(Msg::FollowUp),
                        "warning" => tr(Msg::WarningLevel),
                        "escalation" => tr(Msg::Overdue),
                        "recheck" => tr(Msg::Recheck),
                        "confirm" => tr(Msg::ConfirmFix),
                        "order" => tr(Msg::LinkedOrder),
                        _ => tr(stage_label(l.to)),
                    };
                    view! {
                        <li>
                            <strong>{what}</strong>
                            " " <span class="muted">{l.actor.unwrap_or_default()} " · " {age_text(locale, (item.now - l.at).max(0))}</span>
                            {(!l.note.is_empty()).then(|| view! { <p>{l.note}</p> })}
                        </li>
                    }
                }).collect_view()}
            </ol>
        </section>
    }
}

fn step_form<H, V>(step: StageAction, item: &ItemView, f: ItemForms, hidden: H) -> AnyView
where
    H: Fn() -> V + Clone + Send + Sync + 'static,
    V: IntoView + 'static,
{
    let label = tr(step_label(step));
    let name = step.as_str();
    let primary = matches!(
        step,
        StageAction::Report | StageAction::Accept | StageAction::Handle | StageAction::Verify | StageAction::Close
    );
    let class = if primary { "btn primary big" } else { "btn" };
    match step {
        StageAction::Dispatch => {
            let volunteers = item.volunteers.clone();
            view! {
                <ActionForm action=f.step attr:class="form dispatch">
                    {hidden()}
                    <input type="hidden" name="step" value=name/>
                    // No kind is chosen for the member; once one is, only its own field shows
                    // (style.css, where the browser has :has()).
                    <fieldset class="choice">
                        <legend>{tr(Msg::HandlerKindLabel)}</legend>
                        {HandlerKind::ALL.into_iter().map(|k| view! {
                            <label><input type="radio" name="handler_kind" value=k.as_str() required=true/> {tr(handler_label(k))}</label>
                        }).collect_view()}
                    </fieldset>
                    <FieldMsg error=f.error field="handler_kind"/>
                    <div class="handler-volunteer">
                        <label for="handler-volunteer">{tr(Msg::HandlerVolunteer)}</label>
                        <SearchSelect id="handler-volunteer" name="handler_volunteer" blank="—" options=volunteers.into_iter().map(|(id, n)| (id.to_string(), n)).collect()/>
                    </div>
                    <div class="handler-name">
                        <label for="handler-name">{tr(Msg::HandlerNameLabel)}</label>
                        <input id="handler-name" name="handler" maxlength="80"/>
                    </div>
                    <FieldMsg error=f.error field="handler"/>
                    <label for="days">{tr(Msg::DeadlineDays)}</label>
                    <input id="days" name="days" type="number" inputmode="numeric" min="1" max="90" value="3" required/>
                    <FieldMsg error=f.error field="days"/>
                    <button type="submit" class="btn primary big">{label}</button>
                </ActionForm>
            }
            .into_any()
        }
        StageAction::Verify if !item.checks.is_empty() => {
            let checks = item.checks.clone();
            view! {
                <ActionForm action=f.step attr:class="form">
                    {hidden()}
                    <input type="hidden" name="step" value=name/>
                    <fieldset class="choice">
                        <legend>{tr(Msg::Checklist)}</legend>
                        {checks.into_iter().map(|(id, l, _)| view! {
                            <label><input type="checkbox" name="passed[]" value=id.to_string() checked=true/> {l}</label>
                        }).collect_view()}
                    </fieldset>
                    <button type="submit" class=class>{label}</button>
                </ActionForm>
            }
            .into_any()
        }
        _ if step.needs_note() => {
            let field = format!("note-{name}");
            view! {
                <details class="action-sheet" open=step == StageAction::Handle>
                    <summary class=class>{label}</summary>
                    <ActionForm action=f.step attr:class="form">
                        {hidden()}
                        <input type="hidden" name="step" value=name/>
                        <label for=field.clone()>{tr(Msg::FeedbackNote)}</label>
                        <textarea id=field name="note" rows="2" maxlength="1000" required></textarea>
                        <FieldMsg error=f.error field="note"/>
                        <button type="submit" class="btn primary">{label}</button>
                    </ActionForm>
                </details>
            }
            .into_any()
        }
        _ => view! {
            <ActionForm action=f.step>
                {hidden()}
                <input type="hidden" name="step" value=name/>
                <button type="submit" class=class>{label}</button>
            </ActionForm>
        }
        .into_any(),
    }
}

/// The home page's 民情 card: red disputes at the top for staff, with the open and
/// overdue counts; a resident's closed reports waiting for their verdict.
#[component]
pub fn SentimentHomeSection() -> impl IntoView {
    // Read before the section's data is, so the data is at least as new as it.
    let seq = crate::live::rendered_seq();
    let data = Resource::new(|| (), |_| crate::server_fns::sentiment::sentiment_home());
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move { data.await.ok().map(|home| view! { <SentimentHomeLive home seq/> }) })}
        </Suspense>
    }
}

/// The card as it changes: a 民情 frame of the viewer's area loads it again as JSON.
#[island]
fn SentimentHomeLive(home: crate::server_fns::sentiment::SentimentHomeView, seq: u64) -> impl IntoView {
    crate::live::while_shown(move || sentiment_home_live(home, seq))
}

/// [`SentimentHomeLive`]'s content.
fn sentiment_home_live(home: crate::server_fns::sentiment::SentimentHomeView, seq: u64) -> impl IntoView {
    let home = crate::live::refreshed(home, seq, Topic::Sentiment, "/api/sentiment_home");
    move || {
        let home = home.get();
        view! {
            <section class="card sentiment-home">
                <h2>{tr(Msg::Sentiment)} " " <a href="/sentiment" class="more">{tr(Msg::SeeAll)}</a></h2>
                {(!home.red.is_empty()).then(|| view! {
                    <h3 class="warn">{tr(Msg::WarningRed)} " · " {tr(Msg::CatDispute)}</h3>
                    <ul class="orders">{home.red.into_iter().map(|item| view! { <ItemCardView item/> }).collect_view()}</ul>
                })}
                {home.is_staff.then(|| view! {
                    <div class="stats">
                        <div class="stat"><strong>{home.open}</strong><span>{tr(Msg::FilterOpen)}</span></div>
                        <div class="stat"><a href="/sentiment?filter=overdue"><strong>{home.overdue}</strong><span>{tr(Msg::FilterOverdue)}</span></a></div>
                    </div>
                })}
                {(!home.to_handle.is_empty()).then(|| view! {
                    <h3>{tr(Msg::HandledByMe)}</h3>
                    <ul class="orders" aria-label=tr(Msg::HandledByMe)>{home.to_handle.into_iter().map(|item| view! { <ItemCardView item/> }).collect_view()}</ul>
                })}
                {(!home.to_confirm.is_empty()).then(|| view! {
                    <h3>{tr(Msg::ConfirmFix)}</h3>
                    <ul class="orders">{home.to_confirm.into_iter().map(|item| view! { <ItemCardView item/> }).collect_view()}</ul>
                })}
                <p>
                    <a href="/sentiment/new" class="btn">
                        {if home.is_staff { tr(Msg::RecordItem) } else { tr(Msg::ReportIssue) }}
                    </a>
                </p>
            </section>
        }
    }
}
