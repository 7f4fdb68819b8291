//! /board: open needs of the viewer's area by section, live.
use crate::components::{ErrorNotice, Loading, OrderCardView};
use crate::domain::order::ServiceSection;
use crate::i18n::{section_label, Msg};
use crate::live::{use_live, Topic};
use crate::server_fns::pages::board_data;
use crate::tr;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;

#[component]
pub fn BoardPage() -> impl IntoView {
    let live = use_live();
    let query = use_query_map();
    let section = Memo::new(move |_| query.read().get("section").filter(|s| ServiceSection::parse(s).is_some()));
    let data = Resource::new(move || (section.get(), live.version(Topic::Orders)), |(s, _)| board_data(s));
    view! {
        <header class="page-head">
            <h1>{tr(Msg::TabBoard)}</h1>
            <span class="live-dot" class:on=move || live.connected.get()>{tr(Msg::LiveUpdating)}</span>
        </header>
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(board) => {
                        let total: i64 = board.counts.iter().map(|(_, n)| n).sum();
                        let current = section.get_untracked();
                        view! {
                            <nav class="chips" aria-label=tr(Msg::AllSections)>
                                <A href="/board" attr:class=if current.is_none() { "chip active" } else { "chip" }>
                                    {tr(Msg::AllSections)} " " <span class="count">{total}</span>
                                </A>
                                {board.counts.into_iter().map(|(s, n)| {
                                    let active = current.as_deref() == Some(s.as_str());
                                    view! {
                                        <A href=format!("/board?section={}", s.as_str()) attr:class=if active { "chip active" } else { "chip" }>
                                            {tr(section_label(s))} " " <span class="count">{n}</span>
                                        </A>
                                    }
                                }).collect_view()}
                            </nav>
                            {if board.orders.is_empty() {
                                view! { <p class="card muted">{tr(Msg::NoOpenOrders)}</p> }.into_any()
                            } else {
                                view! { <ul class="orders">{board.orders.into_iter().map(|o| view! { <OrderCardView order=o/> }).collect_view()}</ul> }.into_any()
                            }}
                        }
                        .into_any()
                    }
                    Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                }
            })}
        </Suspense>
    }
}
