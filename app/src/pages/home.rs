//! /: the viewer's station, the numbers of their area, the newest needs and the feed.
use crate::components::{ErrorNotice, Loading, OrderCardView};
use crate::i18n::{age_text, Msg};
use crate::live::{use_live, Topic};
use crate::server_fns::pages::home_data;
use crate::{tr, use_viewer};
use leptos::prelude::*;
use leptos_router::components::A;

#[component]
pub fn HomePage() -> impl IntoView {
    let viewer = use_viewer();
    let live = use_live();
    let data = Resource::new(move || live.version(Topic::Orders), |_| home_data());
    let greeting = match &viewer.user {
        Some(user) => format!("{}，{}", tr(Msg::Hello), user.name),
        None => tr(Msg::Welcome).to_string(),
    };
    view! {
        <header class="hero">
            <p class="brand">{tr(Msg::AppName)}</p>
            <h1>{greeting}</h1>
            <p class="tagline">{tr(Msg::Tagline)}</p>
        </header>
        <p class="welfare-link"><A href="/welfare">{tr(Msg::WelfareLink)}</A></p>
        {viewer.user.is_some().then(|| view! { <crate::pages::sentiment::SentimentHomeSection/> })}
        {viewer.user.as_ref().is_some_and(|u| u.is_staff()).then(|| view! { <crate::pages::elders::OverdueVisitsSection/> })}
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(home) => {
                        let locale = use_viewer().locale;
                        view! {
                            {home.station.map(|s| view! {
                                <section class="card station">
                                    <h2>{tr(Msg::MyStation)}</h2>
                                    <p class="station-name">{s.name}</p>
                                    <p class="muted">{s.address}</p>
                                    <p class="muted">{tr(Msg::OpenHours)} ": " {s.open_hours}</p>
                                </section>
                            })}
                            <section class="stats" aria-label=home.area_name.clone()>
                                <div class="stat"><strong>{home.numbers.open_orders}</strong><span>{tr(Msg::OpenOrdersNearby)}</span></div>
                                <div class="stat"><strong>{home.numbers.volunteers}</strong><span>{tr(Msg::VolunteersNearby)}</span></div>
                                <div class="stat"><strong>{home.numbers.service_minutes / 60}</strong><span>{tr(Msg::ServiceHoursTotal)}</span></div>
                            </section>
                            <section class="card">
                                <h2>{tr(Msg::OpenOrdersNearby)}</h2>
                                {if home.latest.is_empty() {
                                    view! { <p class="muted">{tr(Msg::NoOpenOrders)}</p> }.into_any()
                                } else {
                                    view! { <ul class="orders">{home.latest.into_iter().map(|o| view! { <OrderCardView order=o/> }).collect_view()}</ul> }.into_any()
                                }}
                                <p><A href="/board" attr:class="btn primary">{tr(Msg::GoToBoard)}</A></p>
                            </section>
                            <section class="card">
                                <h2>{tr(Msg::CommunityFeed)} " " <A href="/feed" attr:class="more">{tr(Msg::SeeAll)}</A></h2>
                                <ul class="feed">
                                    {home.feed.into_iter().map(|f| view! {
                                        <li><p>{f.body}</p><p class="muted">{age_text(locale, f.age_secs)}</p></li>
                                    }).collect_view()}
                                </ul>
                            </section>
                        }
                        .into_any()
                    }
                    Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                }
            })}
        </Suspense>
    }
}
