//! /activities, /activities/:id and /activities/new: the stations' activities, signing up
//! (or joining the waiting list) and giving a seat up, and staff publishing one. Server
//! HTML with plain forms: all of it works without JavaScript, and none of it adds to the
//! code a phone loads.
use crate::components::{ErrorNotice, FieldMsg, FormMsg, Loading, TextArea};
use crate::domain::activity::{hours_text, ActivityKind, AttendanceVia, Audience, HoursStatus, Raised, SignupStatus};
use crate::domain::time::format_local_datetime;
use crate::dto::{ActivityCard, ActivityView, AttendanceLine, ResidentChoice, SignupLine};
use crate::error::AppError;
use crate::i18n::{Msg, ServerMsg};
use crate::server_fns::activities::{
    activities_data, activity_data, activity_form_data, admit_data, checkin_screen_data, CancelActivitySignup,
    CheckInActivity, CheckOutActivity, ConfirmActivityHours, MakeUpActivityHours, OrganiserCheckIn, PublishActivity,
    SignUpActivity, SignUpResident, WriteActivityRecord,
};
use crate::{echoed, tr, words};
use leptos::prelude::*;

/// The label of an activity kind.
pub fn kind_label(kind: ActivityKind) -> ServerMsg {
    match kind {
        ActivityKind::Market => ServerMsg::ActivityMarket,
        ActivityKind::Training => ServerMsg::ActivityTraining,
        ActivityKind::Neighbours => ServerMsg::ActivityNeighbours,
        ActivityKind::Talk => ServerMsg::ActivityTalk,
        ActivityKind::Council => ServerMsg::ActivityCouncil,
        ActivityKind::Listening => ServerMsg::ActivityListening,
        ActivityKind::Other => ServerMsg::ActivityOther,
    }
}

fn audience_label(audience: Audience) -> Msg {
    match audience {
        Audience::MicroGrid => Msg::LevelMicroGrid,
        Audience::Grid => Msg::LevelGrid,
        Audience::Community => Msg::LevelCommunity,
    }
}

/// A page's document title: its name, then the app's.
pub(crate) fn page_title(page: ServerMsg) -> String {
    format!("{} · {}", words(page), tr(Msg::AppName))
}

/// `{n}` of a word, filled.
pub(crate) fn with_n(msg: ServerMsg, n: i64) -> String {
    words(msg).replace("{n}", &n.to_string())
}

fn via_label(via: AttendanceVia) -> ServerMsg {
    match via {
        AttendanceVia::Qr => ServerMsg::ViaQr,
        AttendanceVia::Code => ServerMsg::ViaCode,
        AttendanceVia::Organiser => ServerMsg::ViaOrganiser,
        AttendanceVia::Makeup => ServerMsg::ViaMakeup,
    }
}

/// How someone's attendance reads: when they came and left (or 补录 and why), and a
/// volunteer's hours, pending or confirmed.
fn attendance_text(a: &AttendanceLine) -> String {
    let mut parts = Vec::new();
    match a.checked_in_at {
        Some(t) => {
            parts.push(words(ServerMsg::CheckedInAt).replace("{t}", &format_local_datetime(t)));
            parts.push(match a.checked_out_at {
                Some(t) => words(ServerMsg::CheckedOutAt).replace("{t}", &format_local_datetime(t)),
                None => words(ServerMsg::NotCheckedOut).to_string(),
            });
        }
        None => parts.push(words(ServerMsg::ViaMakeup).to_string()),
    }
    let hours = match a.hours {
        HoursStatus::Pending => Some(ServerMsg::HoursPending),
        HoursStatus::Confirmed => Some(ServerMsg::HoursConfirmed),
        HoursStatus::None => None,
    };
    if let Some(hours) = hours {
        parts.push(words(hours).replace("{h}", &hours_text(a.half_hours)));
    }
    parts.join(" · ")
}

/// /activities: the coming activities for where the viewer lives (and, for staff, works).
#[component]
pub fn ActivitiesPage() -> impl IntoView {
    let data = Resource::new(|| (), |_| activities_data());
    let sign_up = ServerAction::<SignUpActivity>::new();
    let cancel = ServerAction::<CancelActivitySignup>::new();
    let error = Signal::derive(move || {
        sign_up.value().get().and_then(|r| r.err()).or_else(|| cancel.value().get().and_then(|r| r.err()))
    });
    view! {
        <leptos_meta::Title text=page_title(ServerMsg::ActivitiesTitle)/>
        <header class="page-head">
            <h1>{words(ServerMsg::ActivitiesTitle)}</h1>
        </header>
        <p class="muted">{words(ServerMsg::ActivitiesHint)}</p>
        <FormMsg error/>
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(list) => view! {
                        {list.may_publish.then(|| view! {
                            <p><a href="/activities/new" class="btn primary">{words(ServerMsg::PublishActivity)}</a></p>
                        })}
                        <p class="card muted" hidden=!list.activities.is_empty()>{words(ServerMsg::NoActivities)}</p>
                        <ul class="orders activities">
                            {list.activities.into_iter().map(|card| view! {
                                <li class="order-card activity">
                                    <CardBody card=card.clone() link=true/>
                                    <SignupForm card sign_up cancel/>
                                </li>
                            }).collect_view()}
                        </ul>
                    }.into_any(),
                    Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// A card's title: a link to its page in a list, plain text on the page itself.
pub(crate) fn linked_title(href: Option<String>, title: String) -> AnyView {
    match href {
        Some(href) => view! { <a href=href>{title}</a> }.into_any(),
        None => view! { <span>{title}</span> }.into_any(),
    }
}

/// An activity's facts: kind, title, when, where, for whom, its seats.
#[component]
fn CardBody(card: ActivityCard, link: bool) -> impl IntoView {
    let title = linked_title(link.then(|| format!("/activities/{}", card.id)), card.title);
    view! {
        <div class="order-meta">
            <span class="tag">{words(kind_label(card.kind))}</span>
            <span class="age">{card.audience}</span>
        </div>
        <p class="order-title">{title}</p>
        <p class="order-place">
            <time>{format_local_datetime(card.starts_at)}</time> " – " <time>{format_local_datetime(card.ends_at)}</time>
        </p>
        <p class="order-place">{card.station} " · " {card.address}</p>
        <p class="seats">
            {with_n(ServerMsg::PlacesLeft, card.open)}
            {(card.waiting > 0).then(|| view! { " · " {with_n(ServerMsg::WaitingCount, card.waiting)} })}
        </p>
    }
}

/// 报名 / 候补报名 / 取消报名 for the viewer, or why there is none.
#[component]
fn SignupForm(
    card: ActivityCard,
    sign_up: ServerAction<SignUpActivity>,
    cancel: ServerAction<CancelActivitySignup>,
) -> impl IntoView {
    let id = card.id.to_string();
    let cancel_id = id.clone();
    let standing = match (card.mine, card.my_place) {
        (Some(SignupStatus::In), _) => Some(words(ServerMsg::SignedUp).to_string()),
        (Some(SignupStatus::Waiting), Some(place)) => Some(with_n(ServerMsg::WaitingPlace, place)),
        _ => None,
    };
    let signed_up = standing.is_some();
    view! {
        <div class="signup" id=format!("signup-{}", card.id)>
            {standing.map(|s| view! { <p class="voted" role="status">"✓ " {s}</p> })}
            {(signed_up && card.may_cancel).then(|| view! {
                <ActionForm action=cancel>
                    <input type="hidden" name="activity" value=cancel_id/>
                    <button type="submit" class="btn">{words(ServerMsg::CancelSignup)}</button>
                </ActionForm>
            })}
            {(!signed_up && card.signup_open).then(|| {
                let label = if card.open > 0 { ServerMsg::SignUpActivity } else { ServerMsg::JoinWaitlist };
                view! {
                    <ActionForm action=sign_up>
                        <input type="hidden" name="activity" value=id/>
                        <button type="submit" class="btn primary">{words(label)}</button>
                    </ActionForm>
                }
            })}
            {(!signed_up && !card.signup_open).then(|| view! { <p class="muted">{words(ServerMsg::SignupClosedLabel)}</p> })}
        </div>
    }
}

/// /activities/:id: one activity, signing up, and for staff of its area who signed up.
#[component]
pub fn ActivityPage() -> impl IntoView {
    let route_id = crate::components::use_route_id();
    let id = move || route_id.get().and_then(|s| s.parse::<i64>().ok());
    let data = Resource::new(id, |id| async move {
        match id {
            Some(id) => activity_data(id).await,
            None => Err(AppError::NotFound),
        }
    });
    let sign_up = ServerAction::<SignUpActivity>::new();
    let cancel = ServerAction::<CancelActivitySignup>::new();
    let error = Signal::derive(move || {
        sign_up.value().get().and_then(|r| r.err()).or_else(|| cancel.value().get().and_then(|r| r.err()))
    });
    view! {
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(view) => view! {
                        <ActivityDetail view=view.clone() sign_up cancel error/>
                        <CheckinCard view=view.clone()/>
                        <RecordCard view=view.clone()/>
                        {view.staff.then(|| view! { <Organiser view/> })}
                    }.into_any(),
                    Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn ActivityDetail(
    view: ActivityView,
    sign_up: ServerAction<SignUpActivity>,
    cancel: ServerAction<CancelActivitySignup>,
    error: Signal<Option<AppError>>,
) -> impl IntoView {
    let ActivityView { card, description, staff, signups, residents, agenda, .. } = view;
    let activity = card.id;
    // The title is the page's name, not the activity's: stored text is never written into
    // `<title>`, whose content the renderer does not escape.
    view! {
        <leptos_meta::Title text=page_title(ServerMsg::ActivitiesTitle)/>
        <p><a href="/activities">{words(ServerMsg::ActivitiesTitle)}</a></p>
        <section class="card activity">
            <CardBody card=card.clone() link=false/>
            {(!description.is_empty()).then(|| view! { <p class="description">{description}</p> })}
            <FormMsg error/>
            <SignupForm card sign_up cancel/>
        </section>
        {(!agenda.is_empty()).then(|| view! {
            <section class="card" id="agenda">
                <h2>{words(ServerMsg::MeetingAgenda)}</h2>
                <ol>
                    {agenda.into_iter().map(|(topic, title)| view! {
                        <li><a href=format!("/council/{topic}")>{title}</a></li>
                    }).collect_view()}
                </ol>
            </section>
        })}
        {staff.then(|| view! {
            <section class="card" id="signups">
                <h2>{words(ServerMsg::Signups)} " (" {signups.len()} ")"</h2>
                <ol class="signups">
                    {signups.into_iter().map(|s| {
                        let note = match (s.status, s.by_staff) {
                            (SignupStatus::Waiting, _) => Some(words(ServerMsg::JoinWaitlist)),
                            (_, true) => Some(words(ServerMsg::SignedUpByStaff)),
                            _ => None,
                        };
                        view! { <li>{s.name} {note.map(|n| view! { " · " <span class="muted">{n}</span> })}</li> }
                    }).collect_view()}
                </ol>
                {(!residents.is_empty()).then(|| view! { <SignUpResidentForm activity residents/> })}
            </section>
        })}
    }
}

/// 纪要: the record once written (for staff with what it links); before that, for staff
/// once the activity is over, the form that writes it and posts it to the feed.
#[component]
fn RecordCard(view: ActivityView) -> impl IntoView {
    let write = ServerAction::<WriteActivityRecord>::new();
    let error = Signal::derive(move || write.value().get().and_then(|r| r.err()));
    let id = view.card.id;
    let raised_label = |r: Raised| {
        words(if matches!(r, Raised::Sentiment(_)) { ServerMsg::RaisedSentiment } else { ServerMsg::RaisedOrder })
    };
    if let Some(record) = view.record {
        return view! {
            <section class="card record" id="record">
                <h2>{words(ServerMsg::RecordTitle)}</h2>
                <p class="description">{record.body}</p>
                <p class="muted">
                    {format_local_datetime(record.written_at)} " · " {with_n(ServerMsg::RecordAttended, record.attended)}
                    {(record.linked > 0).then(|| view! { " · " {with_n(ServerMsg::RecordLinked, record.linked as i64)} })}
                </p>
                {(!record.links.is_empty()).then(|| view! {
                    <ul class="raised">
                        {record.links.into_iter().map(|l| view! {
                            <li><a href=l.raised.link()>{raised_label(l.raised)} " #" {l.raised.id()} " " {l.text}</a></li>
                        }).collect_view()}
                    </ul>
                })}
                {(!record.photos.is_empty()).then(|| view! {
                    <div class="photos">{record.photos.iter().map(|p| view! {
                        <a href=format!("/activities/photos/{p}")><img src=format!("/activities/photos/{p}") alt=tr(Msg::Photos) loading="lazy" width="160" height="120"/></a>
                    }).collect_view()}</div>
                })}
                // Shown without the picker too: the upload that filled the record is refused there.
                {crate::components::photo_refusal().map(|msg| view! { <p class="form-error" role="alert">{tr(msg)}</p> })}
                {record.may_add_photo.then(|| view! {
                    <form class="form inline" method="post" enctype="multipart/form-data" action=format!("/activities/{id}/photos")>
                        <label for="record-photo">{words(ServerMsg::RecordAddPhoto)}</label>
                        <input id="record-photo" name="photo" type="file" accept="image/jpeg,image/png,image/webp" multiple required/>
                        <button type="submit" class="btn small">{tr(Msg::Upload)}</button>
                    </form>
                })}
            </section>
        }
        .into_any();
    }
    if !view.may_record {
        return ().into_any();
    }
    view! {
        <section class="card" id="record">
            <h2>{words(ServerMsg::RecordTitle)}</h2>
            <p class="muted small">{words(ServerMsg::RecordHint)}</p>
            <ActionForm action=write attr:class="form">
                <input type="hidden" name="activity" value=id.to_string()/>
                <label for="record-body">{words(ServerMsg::RecordBody)}</label>
                <TextArea text=echoed("body").unwrap_or_default() attr:id="record-body" attr:name="body" attr:rows="4" attr:maxlength="800" attr:required=true/>
                <FieldMsg error field="body"/>
                {(!view.raised.is_empty()).then(|| view! {
                    <fieldset class="choice">
                        <legend>{words(ServerMsg::RecordRaised)}</legend>
                        {view.raised.into_iter().map(|r| view! {
                            <label>
                                <input type="checkbox" name="raised[]" value=r.raised.key()/>
                                {raised_label(r.raised)} " #" {r.raised.id()} " " {r.text}
                            </label>
                        }).collect_view()}
                    </fieldset>
                })}
                <FormMsg error=Signal::derive(move || error.get().filter(|e| e.field_msg("body").is_none()))/>
                <button type="submit" class="btn primary">{words(ServerMsg::RecordSave)}</button>
            </ActionForm>
        </section>
    }
    .into_any()
}

/// 代报名: staff sign up someone living where the activity is for, who may have no phone;
/// a seat held for this is theirs to give.
#[component]
fn SignUpResidentForm(activity: i64, residents: Vec<ResidentChoice>) -> impl IntoView {
    let action = ServerAction::<SignUpResident>::new();
    let error = Signal::derive(move || action.value().get().and_then(|r| r.err()));
    view! {
        <ActionForm action=action attr:class="form" attr:id="sign-up-resident">
            <input type="hidden" name="activity" value=activity.to_string()/>
            <label for="resident">{words(ServerMsg::SignUpResidentWho)}</label>
            <select id="resident" name="person" required>
                {residents.into_iter().map(|r| {
                    view! { <option value=r.person_id.to_string()>{r.label(tr(Msg::NoPhoneTag))}</option> }
                }).collect_view()}
            </select>
            <FormMsg error/>
            <button type="submit" class="btn">{words(ServerMsg::SignedUpByStaff)}</button>
        </ActionForm>
    }
}

/// /activities/new: staff publish an activity of a station in their area.
#[component]
pub fn NewActivityPage() -> impl IntoView {
    let publish = ServerAction::<PublishActivity>::new();
    let error = Signal::derive(move || publish.value().get().and_then(|r| r.err()));
    let form = Resource::new(|| (), |_| activity_form_data());
    let text = |field: &str| echoed(field).unwrap_or_default();
    view! {
        <leptos_meta::Title text=page_title(ServerMsg::PublishActivity)/>
        <section class="card">
            <h1>{words(ServerMsg::PublishActivity)}</h1>
            <Suspense fallback=Loading>
                {move || Suspend::new(async move {
                    match form.await {
                        Ok((stations, key)) => view! {
                            <ActionForm action=publish attr:class="form">
                                <input type="hidden" name="form_key" value=key/>
                                <label for="station">{tr(Msg::Station)}</label>
                                <select id="station" name="station" required>
                                    {stations.into_iter().map(|(id, name)| {
                                        let selected = echoed("station").as_deref() == Some(id.to_string().as_str());
                                        view! { <option value=id.to_string() selected=selected>{name}</option> }
                                    }).collect_view()}
                                </select>
                                <label for="kind">{words(ServerMsg::ActivityKindLabel)}</label>
                                <select id="kind" name="kind" required>
                                    {ActivityKind::ALL.into_iter().map(|k| view! {
                                        <option value=k.as_str() selected=echoed("kind").as_deref() == Some(k.as_str())>{words(kind_label(k))}</option>
                                    }).collect_view()}
                                </select>
                                <FieldMsg error field="kind"/>
                                <label for="title">{tr(Msg::Title)}</label>
                                <input id="title" name="title" required minlength="2" maxlength="60" value=text("title")/>
                                <FieldMsg error field="title"/>
                                <label for="description">{tr(Msg::Description)}</label>
                                <TextArea text=text("description") attr:id="description" attr:name="description" attr:rows="3" attr:maxlength="2000"/>
                                <FieldMsg error field="description"/>
                                <label for="starts">{words(ServerMsg::ActivityStarts)}</label>
                                <input id="starts" name="starts" type="datetime-local" required value=text("starts")/>
                                <FieldMsg error field="starts"/>
                                <label for="ends">{words(ServerMsg::ActivityEnds)}</label>
                                <input id="ends" name="ends" type="datetime-local" required value=text("ends")/>
                                <FieldMsg error field="ends"/>
                                <label for="capacity">{words(ServerMsg::Capacity)}</label>
                                <input id="capacity" name="capacity" type="number" inputmode="numeric" min="1" max="500" required value=text("capacity")/>
                                <FieldMsg error field="capacity"/>
                                <label for="held">{words(ServerMsg::HeldSeats)}</label>
                                <input id="held" name="held" type="number" inputmode="numeric" min="0" max="500" value=text("held")/>
                                <p class="hint">{words(ServerMsg::HeldSeatsHint)}</p>
                                <FieldMsg error field="held"/>
                                <label for="signup_opens">{words(ServerMsg::SignupOpens)}</label>
                                <input id="signup_opens" name="signup_opens" type="datetime-local" value=text("signup_opens")/>
                                <label for="signup_closes">{words(ServerMsg::SignupCloses)}</label>
                                <input id="signup_closes" name="signup_closes" type="datetime-local" value=text("signup_closes")/>
                                <FieldMsg error field="signup_closes"/>
                                <fieldset class="choice">
                                    <legend>{words(ServerMsg::ActivityAudience)}</legend>
                                    {Audience::ALL.into_iter().map(|a| {
                                        let checked = echoed("audience").map_or(a == Audience::MicroGrid, |e| e == a.as_str());
                                        view! { <label><input type="radio" name="audience" value=a.as_str() checked=checked/> {tr(audience_label(a))}</label> }
                                    }).collect_view()}
                                </fieldset>
                                <FieldMsg error field="audience"/>
                                <label for="weeks">{words(ServerMsg::RepeatWeeks)}</label>
                                <input id="weeks" name="weeks" type="number" inputmode="numeric" min="1" max="26" value=echoed("weeks").unwrap_or_else(|| "1".into())/>
                                <FieldMsg error field="weeks"/>
                                <label for="skip">{words(ServerMsg::SkipWeeks)}</label>
                                <input id="skip" name="skip" maxlength="80" value=text("skip")/>
                                <FieldMsg error field="skip"/>
                                <FormMsg error=Signal::derive(move || error.get().filter(|e| !matches!(e, AppError::Invalid(_))))/>
                                <button type="submit" class="btn primary big">{words(ServerMsg::PublishActivity)}</button>
                            </ActionForm>
                        }.into_any(),
                        Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

/// 签到 for the viewer: the code form (filled in when they came by the QR code), or when
/// they came and their hours, and 签退.
#[component]
fn CheckinCard(view: ActivityView) -> impl IntoView {
    let check_in = ServerAction::<CheckInActivity>::new();
    let check_out = ServerAction::<CheckOutActivity>::new();
    let error = Signal::derive(move || {
        check_in.value().get().and_then(|r| r.err()).or_else(|| check_out.value().get().and_then(|r| r.err()))
    });
    let scanned = crate::components::use_query().get_untracked().get("code").filter(|c| c.len() <= 12);
    let via = if scanned.is_some() { AttendanceVia::Qr } else { AttendanceVia::Code };
    let id = view.card.id.to_string();
    let body = match (view.mine, view.checkin_open) {
        (Some(mine), open) => {
            let may_leave = open && mine.checked_in_at.is_some() && mine.checked_out_at.is_none();
            view! {
                <p class="voted" role="status">"✓ " {attendance_text(&mine)}</p>
                {may_leave.then(|| view! {
                    <ActionForm action=check_out>
                        <input type="hidden" name="activity" value=id.clone()/>
                        <button type="submit" class="btn">{words(ServerMsg::CheckOut)}</button>
                    </ActionForm>
                })}
            }
            .into_any()
        }
        (None, true) => view! {
            <p class="hint">{words(ServerMsg::CheckInHint)}</p>
            <ActionForm action=check_in attr:class="form">
                <input type="hidden" name="activity" value=id.clone()/>
                <input type="hidden" name="via" value=via.as_str()/>
                <label for="code">{words(ServerMsg::CheckinCodeLabel)}</label>
                <input id="code" name="code" required inputmode="numeric" autocomplete="one-time-code" maxlength="12"
                    pattern="[0-9 ]*" class="code-input" value=scanned.unwrap_or_default()/>
                <FieldMsg error field="code"/>
                <button type="submit" class="btn primary big">{words(ServerMsg::CheckIn)}</button>
            </ActionForm>
            {(!view.my_qr_svg.is_empty()).then(|| view! {
                <details class="my-code">
                    <summary>{words(ServerMsg::ShowMyCode)}</summary>
                    <div class="qr" role="img" aria-label=words(ServerMsg::ShowMyCode) inner_html=view.my_qr_svg.clone()></div>
                </details>
            })}
        }
        .into_any(),
        (None, false) => view! { <p class="muted">{words(ServerMsg::CheckinNotOpen)}</p> }.into_any(),
    };
    view! {
        <section class="card" id="checkin">
            <h2>{words(ServerMsg::CheckIn)}</h2>
            <FormMsg error=Signal::derive(move || error.get().filter(|e| !matches!(e, AppError::Invalid(_))))/>
            {body}
        </section>
    }
}

/// For staff of the activity's area: the check-in screen, who came (confirming hours),
/// checking in those without a phone, and make-up entries.
#[component]
fn Organiser(view: ActivityView) -> impl IntoView {
    let organiser_check_in = ServerAction::<OrganiserCheckIn>::new();
    let confirm = ServerAction::<ConfirmActivityHours>::new();
    let make_up = ServerAction::<MakeUpActivityHours>::new();
    let error = Signal::derive(move || {
        organiser_check_in
            .value()
            .get()
            .and_then(|r| r.err())
            .or_else(|| confirm.value().get().and_then(|r| r.err()))
            .or_else(|| make_up.value().get().and_then(|r| r.err()))
    });
    let id = view.card.id;
    let came = |person: i64| view.attendance.iter().any(|a| a.person == person);
    let absent: Vec<SignupLine> =
        view.signups.iter().filter(|s| s.status == SignupStatus::In && !came(s.person)).cloned().collect();
    let started = !view.card.may_cancel;
    let makeup_for: Vec<SignupLine> = absent.iter().filter(|s| s.volunteer).cloned().collect();
    let checkin_open = view.checkin_open;
    view! {
        <section class="card" id="attendance">
            <h2>{words(ServerMsg::Attendance)} " (" {view.attendance.len()} ")"</h2>
            {checkin_open.then(|| view! {
                <p><a class="btn primary" href=format!("/activities/{id}/code")>{words(ServerMsg::ShowCheckinCode)}</a></p>
            })}
            <FormMsg error=Signal::derive(move || error.get().filter(|e| !matches!(e, AppError::Invalid(_))))/>
            <ol class="signups attendance">
                {view.attendance.into_iter().map(|a| {
                    let pending = a.hours == HoursStatus::Pending;
                    let person = a.person.to_string();
                    view! {
                        <li>
                            {a.name.clone()} " · " <span class="muted">{words(via_label(a.via))}</span>
                            <br/><span class="small">{attendance_text(&a)}</span>
                            {a.makeup_reason.clone().map(|r| view! { <br/><span class="small muted">{r}</span> })}
                            {pending.then(|| view! {
                                <ActionForm action=confirm>
                                    <input type="hidden" name="activity" value=id.to_string()/>
                                    <input type="hidden" name="person" value=person/>
                                    <button type="submit" class="btn">{words(ServerMsg::ConfirmHours)}</button>
                                </ActionForm>
                            })}
                        </li>
                    }
                }).collect_view()}
            </ol>
            {checkin_open.then(|| view! {
                <ul class="signups">
                    {absent.into_iter().map(|s| view! {
                        <li>
                            {s.name}
                            <ActionForm action=organiser_check_in>
                                <input type="hidden" name="activity" value=id.to_string()/>
                                <input type="hidden" name="person" value=s.person.to_string()/>
                                <button type="submit" class="btn">{words(ServerMsg::OrganiserCheckIn)}</button>
                            </ActionForm>
                        </li>
                    }).collect_view()}
                </ul>
            })}
        </section>
        {(started && !makeup_for.is_empty()).then(|| view! {
            <section class="card" id="makeup">
                <h2>{words(ServerMsg::MakeupTitle)}</h2>
                <p class="hint">{words(ServerMsg::MakeupHint)}</p>
                <ActionForm action=make_up attr:class="form">
                    <input type="hidden" name="activity" value=id.to_string()/>
                    <label for="makeup-person">{words(ServerMsg::MakeupWho)}</label>
                    <select id="makeup-person" name="person" required>
                        {makeup_for.into_iter().map(|s| view! { <option value=s.person.to_string()>{s.name}</option> }).collect_view()}
                    </select>
                    <label for="makeup-hours">{words(ServerMsg::MakeupHours)}</label>
                    <input id="makeup-hours" name="hours" required inputmode="decimal" maxlength="6" value=echoed("hours").unwrap_or_default()/>
                    <FieldMsg error=Signal::derive(move || make_up.value().get().and_then(|r| r.err())) field="hours"/>
                    <label for="makeup-reason">{words(ServerMsg::MakeupReason)}</label>
                    <input id="makeup-reason" name="reason" required maxlength="200" value=echoed("reason").unwrap_or_default()/>
                    <FieldMsg error=Signal::derive(move || make_up.value().get().and_then(|r| r.err())) field="reason"/>
                    <button type="submit" class="btn primary">{words(ServerMsg::MakeupSave)}</button>
                </ActionForm>
            </section>
        })}
    }
}

/// /activities/:id/code: the organiser's check-in screen. The page reloads itself when the
/// code changes (a refresh, so it works without JavaScript); the QR code opens the
/// activity's page with the code filled in.
#[component]
pub fn CheckinScreenPage() -> impl IntoView {
    let route_id = crate::components::use_route_id();
    let id = move || route_id.get().and_then(|s| s.parse::<i64>().ok());
    let data = Resource::new(id, |id| async move {
        match id {
            Some(id) => checkin_screen_data(id).await,
            None => Err(AppError::NotFound),
        }
    });
    view! {
        <leptos_meta::Title text=page_title(ServerMsg::ShowCheckinCode)/>
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(screen) => view! {
                        <leptos_meta::Meta http_equiv="refresh" content=screen.seconds_left.max(1).to_string()/>
                        <p><a href=format!("/activities/{}#attendance", screen.activity)>{words(ServerMsg::Attendance)}</a></p>
                        <section class="card checkin-screen">
                            <h1>{words(ServerMsg::CheckinCodeLabel)}</h1>
                            <p class="muted">{screen.title}</p>
                            {if screen.code.is_empty() {
                                view! { <p class="muted">{words(ServerMsg::CheckinNotOpen)}</p> }.into_any()
                            } else {
                                view! {
                                    <div class="qr" role="img" aria-label=words(ServerMsg::CheckinCodeLabel) inner_html=screen.qr_svg></div>
                                    <p class="checkin-code" aria-live="polite">{format!("{} {} {}", &screen.code[..2], &screen.code[2..4], &screen.code[4..])}</p>
                                    <p class="muted">{with_n(ServerMsg::CodeChangesIn, screen.seconds_left)}</p>
                                }.into_any()
                            }}
                            <p class="hint">{words(ServerMsg::CheckinScreenHint)}</p>
                        </section>
                    }.into_any(),
                    Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// /activities/:id/admit/:person: what an organiser's phone opens on scanning a person's
/// code: their name, and 代签到 when they have a seat.
#[component]
pub fn AdmitPage() -> impl IntoView {
    let params = leptos_router::hooks::use_params_map();
    let ids = move || {
        let p = params.read();
        Some((p.get("id")?.parse::<i64>().ok()?, p.get("person")?.parse::<i64>().ok()?))
    };
    let data = Resource::new(ids, |ids| async move {
        match ids {
            Some((activity, person)) => admit_data(activity, person).await,
            None => Err(AppError::NotFound),
        }
    });
    let admit = ServerAction::<OrganiserCheckIn>::new();
    let error = Signal::derive(move || admit.value().get().and_then(|r| r.err()));
    view! {
        <leptos_meta::Title text=page_title(ServerMsg::AdmitTitle)/>
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(a) => view! {
                        <p><a href=format!("/activities/{}#attendance", a.activity)>{words(ServerMsg::Attendance)}</a></p>
                        <section class="card">
                            <h1>{words(ServerMsg::AdmitTitle)}</h1>
                            <p class="muted">{a.title.clone()}</p>
                            <p class="order-title">{a.name.clone()}</p>
                            <FormMsg error/>
                            {if a.checked_in {
                                view! { <p class="voted" role="status">"✓ " {words(ServerMsg::AdmitDone)}</p> }.into_any()
                            } else if !a.seated {
                                view! { <p class="form-error">{words(ServerMsg::AdmitNoSeat)}</p> }.into_any()
                            } else if !a.checkin_open {
                                view! { <p class="muted">{words(ServerMsg::CheckinNotOpen)}</p> }.into_any()
                            } else {
                                view! {
                                    <ActionForm action=admit>
                                        <input type="hidden" name="activity" value=a.activity.to_string()/>
                                        <input type="hidden" name="person" value=a.person.to_string()/>
                                        <button type="submit" class="btn primary big">{words(ServerMsg::OrganiserCheckIn)}</button>
                                    </ActionForm>
                                }.into_any()
                            }}
                        </section>
                    }.into_any(),
                    Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                }
            })}
        </Suspense>
    }
}
