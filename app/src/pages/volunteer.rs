//! The volunteer's card on /me: service record and the profile form.
// Lazy islands declare their split-out code with `unsafe extern` blocks (generated).
#![allow(unsafe_code)]
use crate::components::{FieldMsg, FormMsg, Loading, TextArea};
use crate::domain::volunteer::PartyBadge;
use crate::dto::VolunteerProfileView;
use crate::i18n::ServerMsg;
use crate::i18n::{section_label, star_level_text, to_next_star_text, Msg};
use crate::server_fns::volunteer::{volunteer_profile, SaveVolunteerProfile, SetPartyBadge};
use crate::{tr, words};
use leptos::prelude::*;

const DAYS: [Msg; 7] = [Msg::Mon, Msg::Tue, Msg::Wed, Msg::Thu, Msg::Fri, Msg::Sat, Msg::Sun];
const PARTS: [Msg; 3] = [Msg::Morning, Msg::Afternoon, Msg::Evening];

#[component]
pub fn VolunteerCard() -> impl IntoView {
    let data = Resource::new(|| (), |_| volunteer_profile());
    view! {
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                data.await.ok().map(|p| {
                    let party = p.party;
                    view! { <VolunteerCardForm p/> <PartyBadgeCard party/> }
                })
            })}
        </Suspense>
    }
}

/// The card itself, given its data (so a page reached by a tab hydrates it as it is); the
/// form saves in place once hydrated, and posts plainly before and without WASM.
#[island(lazy)]
fn VolunteerCardForm(p: VolunteerProfileView) -> impl IntoView {
    crate::live::while_shown(move || volunteer_card_form(p))
}

/// [`VolunteerCardForm`]'s content.
fn volunteer_card_form(p: VolunteerProfileView) -> impl IntoView {
    let save = ServerAction::<SaveVolunteerProfile>::new();
    let error = Signal::derive(move || save.value().get().and_then(|r| r.err()));
    // Saved by the hydrated form, or by a plain form that came back with `?saved=1`.
    let query = crate::components::use_query();
    let saved = move || matches!(save.value().get(), Some(Ok(()))) || query.read().get("saved").is_some();
    let locale = crate::use_viewer().locale;
    view! {
        <section class="card volunteer">
            <h2>{tr(Msg::ServiceRecord)}</h2>
            <div class="stats">
                <div class="stat"><strong>{format!("{:.1}", p.service_hours)}</strong><span>{tr(Msg::ServiceHoursTotal)}</span></div>
                <div class="stat"><strong>{p.orders_completed}</strong><span>{tr(Msg::OrdersCompleted)}</span></div>
                <div class="stat"><strong>{p.avg_rating.map(|r| format!("{r:.1}")).unwrap_or_else(|| "—".into())}</strong><span>{tr(Msg::Rating)}</span></div>
            </div>
            <p class="level">
                {(p.stars > 0).then(|| view! { <strong>{"★".repeat(usize::from(p.stars))} " " {star_level_text(locale, p.stars)}</strong> " " })}
                {p.to_next_star.map(|(next, missing)| view! {
                    <span class="muted">{to_next_star_text(locale, next, missing)}</span>
                })}
            </p>
            <p class="tags">{p.sections.iter().map(|s| view! { <span class="tag">{tr(section_label(*s))}</span> }).collect_view()}</p>
            <h2>{tr(Msg::VolunteerProfile)}</h2>
            <p class="muted">{tr(Msg::MyArea)} ": " {p.area.clone().unwrap_or_default()}</p>
            <ActionForm action=save attr:class="form" attr:id="volunteer-profile">
                <fieldset class="choice">
                    <legend>{tr(Msg::Skills)}</legend>
                    {crate::domain::order::ServiceSection::ALL.into_iter().map(|s| view! {
                        <label><input type="checkbox" name="skills[]" value=s.as_str() checked=p.skills.contains(&s)/> {tr(section_label(s))}</label>
                    }).collect_view()}
                </fieldset>
                <fieldset>
                    <legend>{tr(Msg::Availability)}</legend>
                    <table class="availability">
                        <thead><tr><td></td>{PARTS.iter().map(|m| view! { <th scope="col">{tr(*m)}</th> }).collect_view()}</tr></thead>
                        <tbody>
                            {DAYS.iter().enumerate().map(|(d, day)| view! {
                                <tr>
                                    <th scope="row">{tr(*day)}</th>
                                    {(0..3).map(|part| {
                                        let bit = d * 3 + part;
                                        let label = format!("{} {}", tr(*day), tr(PARTS[part]));
                                        view! {
                                            <td><input type="checkbox" name="slots[]" value=bit.to_string() aria-label=label checked=p.availability & (1 << bit) != 0/></td>
                                        }
                                    }).collect_view()}
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                </fieldset>
                <label for="intro">{tr(Msg::Intro)}</label>
                <TextArea text=p.intro.clone() attr:id="intro" attr:name="intro" attr:rows="2" attr:maxlength="500"/>
                <FieldMsg error field="intro"/>
                <label class="check">
                    <input type="checkbox" name="shares_phone" value="1" checked=p.shares_phone/>
                    {tr(Msg::SharePhone)}
                </label>
                <FormMsg error/>
                <button type="submit" class="btn primary">{tr(Msg::Save)}</button>
                {move || saved().then(|| view! { <p class="note saved" role="status">"✓ " {tr(Msg::Saved)}</p> })}
            </ActionForm>
        </section>
    }
}

/// 党员亮身份: the volunteer's own switch, and staff's proposal waiting for an answer.
/// Server HTML with plain forms: it adds nothing to the code a phone loads.
#[component]
fn PartyBadgeCard(party: PartyBadge) -> impl IntoView {
    let set = ServerAction::<SetPartyBadge>::new();
    let button = move |shown: &'static str, label: ServerMsg, primary: bool| {
        view! {
            <ActionForm action=set>
                <input type="hidden" name="shown" value=shown/>
                <button type="submit" class="btn" class:primary=primary>{words(label)}</button>
            </ActionForm>
        }
    };
    view! {
        <section class="card party-badge" id="party-badge">
            <h2>{words(ServerMsg::PartyBadgeTitle)}</h2>
            <p class="muted small">{words(ServerMsg::PartyBadgeHint)}</p>
            {match party {
                PartyBadge::Shown => view! {
                    <p role="status"><span class="badge party">{crate::words(crate::i18n::ServerMsg::PartyMember)}</span> " " {words(ServerMsg::PartyBadgeOn)}</p>
                    {button("0", ServerMsg::PartyBadgeHide, false)}
                }.into_any(),
                PartyBadge::Proposed => view! {
                    <p class="notice" role="status">{words(ServerMsg::PartyBadgeProposed)}</p>
                    <div class="actions">
                        {button("1", ServerMsg::PartyBadgeConfirm, true)}
                        {button("0", ServerMsg::PartyBadgeDecline, false)}
                    </div>
                }.into_any(),
                PartyBadge::Off => view! {
                    <p class="muted">{words(ServerMsg::PartyBadgeOff)}</p>
                    {button("1", ServerMsg::PartyBadgeShow, false)}
                }.into_any(),
            }}
        </section>
    }
}
