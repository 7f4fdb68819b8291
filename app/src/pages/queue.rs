//! /admin/queue: the grid leader's queue of escalated orders, with 指派 to a
//! suggested volunteer.
// Lazy islands declare their split-out code with `unsafe extern` blocks (generated).
#![allow(unsafe_code)]
use crate::components::{action_error, ErrorNotice, ErrorPage, FormMsg, Loading, OrderCardView};
use crate::i18n::{age_text, count_text, Msg};
use crate::live::{use_live, Topic};
use crate::server_fns::dispatch::{disputed_orders, leader_queue, DispatchOrder};
use crate::{tr, use_viewer};
use leptos::prelude::*;

#[island(lazy)]
pub fn LeaderQueuePage() -> impl IntoView {
    let viewer = use_viewer();
    match viewer.user {
        None => view! { <ErrorPage status=401/> }.into_any(),
        Some(user) if !user.is_staff() => view! { <ErrorPage status=403/> }.into_any(),
        Some(_) => view! { <Queue/> }.into_any(),
    }
}

#[component]
fn Queue() -> impl IntoView {
    let live = use_live();
    let dispatch = ServerAction::<DispatchOrder>::new();
    let error = action_error(dispatch);
    let data = Resource::new(move || (live.version(Topic::Orders), dispatch.version().get()), |_| leader_queue());
    let disputed = Resource::new(move || live.version(Topic::Orders), |_| disputed_orders());
    view! {
        <header class="page-head"><h1>{tr(Msg::LeaderQueue)}</h1></header>
        <crate::pages::elders::QueueElderAlerts/>
        <FormMsg error/>
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(items) if items.is_empty() => view! { <p class="card muted">{tr(Msg::NoEscalated)}</p> }.into_any(),
                    Ok(items) => view! {
                        <ul class="orders">
                            {items.into_iter().map(|item| {
                                let id = item.order.id.to_string();
                                let locale = use_viewer().locale;
                                view! {
                                    <OrderCardView order=item.order/>
                                    <li class="card dispatch">
                                        {item.waiting.into_iter().map(|(name, age)| view! {
                                            <p class="waiting" role="status">
                                                {tr(Msg::DispatchedWaiting)} " " <strong>{name}</strong> " · "
                                                {age_text(locale, age)} " · " {tr(Msg::AwaitingAnswer)}
                                            </p>
                                        }).collect_view()}
                                        <ActionForm action=dispatch attr:class="form">
                                            <input type="hidden" name="id" value=id/>
                                            <fieldset class="choice">
                                                <legend>{tr(Msg::DispatchTo)}</legend>
                                                {item.candidates.into_iter().enumerate().map(|(i, c)| view! {
                                                    <label>
                                                        <input type="radio" name="volunteer" value=c.person_id.to_string() checked=i == 0/>
                                                        {c.name.clone()}
                                                        <small class="muted">{candidate_hint(locale, &c)}</small>
                                                    </label>
                                                }).collect_view()}
                                            </fieldset>
                                            <button type="submit" class="btn primary">{tr(Msg::DispatchTo)}</button>
                                        </ActionForm>
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                    }.into_any(),
                    Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                }
            })}
        </Suspense>
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                let list = disputed.await.unwrap_or_default();
                (!list.is_empty()).then(|| view! {
                    <h2 class="section-title">{tr(Msg::DisputedOrders)}</h2>
                    <ul class="orders">{list.into_iter().map(|o| view! { <OrderCardView order=o/> }).collect_view()}</ul>
                })
            })}
        </Suspense>
    }
}

/// Why a volunteer is suggested, as one line: "同微网格 · 擅长此类服务 · 手头 2 单".
fn candidate_hint(locale: crate::i18n::Locale, c: &crate::dto::CandidateVolunteer) -> String {
    let load = format!("{} {}", Msg::InHand.text(locale), count_text(locale, c.open_load, Msg::Orders));
    [
        c.same_micro_grid.then(|| Msg::SameMicroGrid.text(locale).to_string()),
        c.skilled.then(|| Msg::Skilled.text(locale).to_string()),
        Some(load),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join(" · ")
}

#[cfg(test)]
mod tests {
    use super::candidate_hint;
    use crate::dto::CandidateVolunteer;
    use crate::i18n::Locale;

    #[test]
    fn the_suggestion_says_why_in_words() {
        let c = CandidateVolunteer {
            person_id: crate::domain::ids::PersonId(1),
            name: "张志强".into(),
            skilled: true,
            same_micro_grid: true,
            open_load: 1,
        };
        assert_eq!(candidate_hint(Locale::En, &c), "Same micro-grid · Has this skill · In hand: 1 order");
        let far = CandidateVolunteer { skilled: false, same_micro_grid: false, open_load: 2, ..c };
        assert_eq!(candidate_hint(Locale::Zh, &far), "手头 2 单");
    }
}
