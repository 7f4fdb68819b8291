//! The small islands of the resident's pages. Everything else on `/`, `/board` and
//! `/stars` is HTML from the server: lists, forms (plain posts that come back redirected)
//! and links (page loads).
// Lazy islands declare their split-out code with `unsafe extern` blocks (generated).
#![allow(unsafe_code)]
use crate::components::MyOrders;
use crate::dto::MyOrdersView;
use crate::live::{use_live, while_shown, Topic};
use leptos::prelude::*;

/// 我的订单 (on 我的; `compact` on 首页: the unfinished ones only) as it changes: a frame of the
/// viewer's own channel (an order of theirs taken, finished, cancelled) loads the list
/// again as JSON.
#[island]
pub fn MyOrdersLive(mine: MyOrdersView, seq: u64, compact: bool) -> impl IntoView {
    while_shown(move || {
        let mine = crate::live::refreshed(mine, seq, Topic::Mine, "/api/my_orders");
        move || view! { <MyOrders mine=mine.get() compact/> }
    })
}

/// The 实时更新 dot: lit while the event stream is open.
#[island]
pub fn LiveDot(label: String) -> impl IntoView {
    while_shown(move || {
        let live = use_live();
        view! { <span class="live-dot" class:on=move || live.connected.get()>{label}</span> }
    })
}

/// A button that copies the text of the element `source` (a read-only text area) to the
/// clipboard, inside an island that has the text (the board's 复制需求清单, the new Open311
/// key). It needs the clipboard API, so it appears once the page is interactive; without
/// JavaScript the text area is selectable by hand.
#[component]
pub fn CopyTo(#[prop(into)] source: String, #[prop(into)] label: String, #[prop(into)] done: String) -> impl IntoView {
    let hydrated = crate::components::use_hydrated();
    let copied = RwSignal::new(false);
    let source = StoredValue::new(source);
    view! {
        {move || hydrated.get().then(|| {
            let label = label.clone();
            view! {
                <button type="button" class="btn" on:click=move |_| {
                    copy_from(&source.read_value());
                    copied.set(true);
                }>{label}</button>
            }
        })}
        {move || copied.get().then(|| view! { <p class="note" role="status">{done.clone()}</p> })}
    }
}

/// Puts the text of element `id` on the clipboard (browser only).
fn copy_from(id: &str) {
    #[cfg(feature = "hydrate")]
    if let Some(text) = document().get_element_by_id(id).and_then(|el| el.text_content()) {
        let _ = window().navigator().clipboard().write_text(&text);
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = id;
}
