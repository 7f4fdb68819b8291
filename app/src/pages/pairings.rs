//! /admin/pairings: 1+1 结对 of volunteers with residents on a weekly slot.
// Lazy islands declare their split-out code with `unsafe extern` blocks (generated).
#![allow(unsafe_code)]
use crate::components::{ErrorNotice, ErrorPage, FieldMsg, FormMsg, Loading};
use crate::i18n::{section_label, Msg};
use crate::server_fns::pairings::{pairings_data, CreatePairing};
use crate::{tr, use_viewer};
use leptos::prelude::*;

const WEEKDAYS: [Msg; 7] = [Msg::Mon, Msg::Tue, Msg::Wed, Msg::Thu, Msg::Fri, Msg::Sat, Msg::Sun];
const PARTS: [Msg; 3] = [Msg::Morning, Msg::Afternoon, Msg::Evening];

#[island(lazy)]
pub fn PairingsPage() -> impl IntoView {
    match use_viewer().user {
        None => view! { <ErrorPage status=401/> }.into_any(),
        Some(user) if !user.is_staff() => view! { <ErrorPage status=403/> }.into_any(),
        Some(_) => view! { <Pairings/> }.into_any(),
    }
}

#[component]
fn Pairings() -> impl IntoView {
    let create = ServerAction::<CreatePairing>::new();
    let error = Signal::derive(move || create.value().get().and_then(|r| r.err()));
    let data = Resource::new(move || create.version().get(), |_| pairings_data());
    view! {
        <header class="page-head"><h1>{tr(Msg::PairingsTitle)}</h1></header>
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(list) if list.is_empty() => view! { <p class="card muted">{tr(Msg::NoPairings)}</p> }.into_any(),
                    Ok(list) => view! {
                        <ul class="card pairings">
                            {list.into_iter().map(|p| view! {
                                <li>
                                    <strong>{p.volunteer}</strong> " ⇄ " {p.person_masked} " · "
                                    <span class="tag">{tr(section_label(p.section))}</span> " " {p.title} " · "
                                    {tr(WEEKDAYS[p.weekday as usize % 7])} {tr(PARTS[p.part as usize % 3])}
                                </li>
                            }).collect_view()}
                        </ul>
                    }.into_any(),
                    Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                }
            })}
        </Suspense>
        <section class="card">
            <h2>{tr(Msg::NewPairing)}</h2>
            <ActionForm action=create attr:class="form">
                <label for="volunteer_phone">{tr(Msg::VolunteerPhone)}</label>
                <input id="volunteer_phone" name="volunteer_phone" type="tel" inputmode="numeric" required maxlength="20"/>
                <FieldMsg error field="volunteer_phone"/>
                <label for="resident_phone">{tr(Msg::ResidentPhone)}</label>
                <input id="resident_phone" name="resident_phone" type="tel" inputmode="numeric" required maxlength="20"/>
                <FieldMsg error field="resident_phone"/>
                <label for="pair-section">{tr(Msg::Section)}</label>
                <select id="pair-section" name="section">
                    {crate::domain::order::ServiceSection::ALL.into_iter().map(|s| view! { <option value=s.as_str()>{tr(section_label(s))}</option> }).collect_view()}
                </select>
                <label for="pair-title">{tr(Msg::Title)}</label>
                <input id="pair-title" name="title" required minlength="2" maxlength="60"/>
                <FieldMsg error field="title"/>
                <label for="weekday">{tr(Msg::Weekday)}</label>
                <select id="weekday" name="weekday">
                    {WEEKDAYS.iter().enumerate().map(|(i, d)| view! { <option value=i.to_string()>{tr(*d)}</option> }).collect_view()}
                </select>
                <label for="part">{tr(Msg::PartOfDay)}</label>
                <select id="part" name="part">
                    {PARTS.iter().enumerate().map(|(i, p)| view! { <option value=i.to_string()>{tr(*p)}</option> }).collect_view()}
                </select>
                <FormMsg error/>
                <button type="submit" class="btn primary">{tr(Msg::Submit)}</button>
            </ActionForm>
        </section>
    }
}
