//! The small islands of the resident's pages. Everything else on `/`, `/board` and
//! `/stars` is HTML from the server: lists, forms (plain posts that come back redirected)
//! and links (page loads).
use crate::live::use_live;
#[cfg(feature = "hydrate")]
use crate::live::Topic;
use leptos::prelude::*;

/// Keeps the page's live regions current. A region is any element with an `id` and a
/// `data-live` naming its topics (`data-live="mine"`); when a frame of one of them arrives
/// (or a reset), the page is fetched again (asking for data at least as new as the frame)
/// and each such region takes the new one's content. Islands inside a region hydrate again.
/// Only what no island applies in place goes through it: the viewer's own orders and
/// dispatches, 民情 and notices on 首页. `seq` is the number of the latest event when the
/// server rendered the page, so opening the stream refetches nothing unless something
/// happened since.
#[island]
pub fn LiveRefresh(seq: u64) -> impl IntoView {
    crate::live::on_frame(seq, |frame| {
        #[cfg(feature = "hydrate")]
        {
            let topics: Vec<Topic> = if frame.reset { Topic::ALL.to_vec() } else { frame.topic.into_iter().collect() };
            refresh::regions(&topics, frame.seq);
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = frame;
    });
}

/// The 实时更新 dot: lit while the event stream is open.
#[island]
pub fn LiveDot(label: String) -> impl IntoView {
    let live = use_live();
    view! { <span class="live-dot" class:on=move || live.connected.get()>{label}</span> }
}

/// A button that copies the text of the element `source` (a read-only text area) to the
/// clipboard. It needs the clipboard API, so it appears once the page is interactive;
/// without JavaScript the text area is selectable by hand.
#[island]
pub fn CopyButton(source: String, label: String, done: String) -> impl IntoView {
    view! { <CopyTo source label done/> }
}

/// The copy button itself, for islands that have a text to copy (the new Open311 key).
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

#[cfg(feature = "hydrate")]
mod refresh {
    use crate::live::Topic;
    use leptos::prelude::{document, window};
    use std::cell::Cell;
    use wasm_bindgen::JsCast;
    use web_sys::Element;

    thread_local! {
        /// Which refresh is the newest: an older answer arriving late is dropped.
        static GENERATION: Cell<u64> = const { Cell::new(0) };
    }

    /// Refreshes the regions of `topics` from a fresh copy of the page.
    pub fn regions(topics: &[Topic], seen: u64) {
        let Ok(list) = document().query_selector_all("[data-live]") else { return };
        let ids: Vec<String> = (0..list.length())
            .filter_map(|i| list.item(i).and_then(|node| node.dyn_into::<Element>().ok()))
            .filter(|el| {
                let names = el.get_attribute("data-live").unwrap_or_default();
                names.split_whitespace().any(|name| topics.iter().any(|t| t.name() == name))
            })
            .map(|el| el.id())
            .filter(|id| !id.is_empty())
            .collect();
        if ids.is_empty() {
            return;
        }
        let generation = GENERATION.with(|g| {
            g.set(g.get() + 1);
            g.get()
        });
        leptos::task::spawn_local(async move {
            // The page as the server renders it now, at least as new as event `seen`.
            let location = window().location();
            let (Ok(path), Ok(search)) = (location.pathname(), location.search()) else { return };
            let joiner = if search.is_empty() { "?" } else { "&" };
            let Some(fresh) = crate::nav::fetch_page(&format!("{path}{search}{joiner}seen={seen}")).await else {
                return;
            };
            if GENERATION.with(Cell::get) != generation {
                return;
            }
            for id in ids {
                if let (Some(old), Some(new)) = (document().get_element_by_id(&id), fresh.get_element_by_id(&id)) {
                    old.set_inner_html(&new.inner_html());
                    crate::nav::hydrate_islands_in(&old);
                }
            }
        });
    }
}
