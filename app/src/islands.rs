//! The small islands of the resident's pages. Everything else on `/`, `/board` and
//! `/stars` is HTML from the server: lists, forms (plain posts that come back redirected)
//! and links (page loads).
use crate::live::use_live;
#[cfg(feature = "hydrate")]
use crate::live::Topic;
use leptos::prelude::*;

/// Keeps the page's live regions current. A region is any element with an `id` and a
/// `data-live` naming its topics (`data-live="orders"`); when an event of one of them
/// arrives, the page is fetched again (asking for data at least as new as the event) and
/// each such region takes the new one's content. Islands inside a region hydrate again.
/// `seq` is the number of the latest event when the server rendered the page, so opening
/// the stream refetches nothing unless something happened since.
#[island]
pub fn LiveRefresh(seq: u64) -> impl IntoView {
    let live = use_live();
    #[cfg(feature = "hydrate")]
    {
        if live.last_seq.get_untracked() < seq {
            live.last_seq.set(seq);
        }
        Effect::new(move |previous: Option<[u64; Topic::ALL.len()]>| {
            let now = Topic::ALL.map(|topic| live.version(topic));
            if let Some(previous) = previous {
                let changed: Vec<Topic> = Topic::ALL
                    .into_iter()
                    .zip(now.iter().zip(previous))
                    .filter(|(_, (a, b))| *a != b)
                    .map(|(t, _)| t)
                    .collect();
                if !changed.is_empty() {
                    refresh::regions(&changed, live.last_seq.get_untracked());
                }
            }
            now
        });
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (live, seq);
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
    use wasm_bindgen::{JsCast, JsValue};
    use wasm_bindgen_futures::JsFuture;
    use web_sys::{DomParser, Element, Response, SupportedType};

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
            let Some(html) = fetch_page(seen).await else { return };
            if GENERATION.with(Cell::get) != generation {
                return;
            }
            let Ok(parser) = DomParser::new() else { return };
            let Ok(fresh) = parser.parse_from_string(&html, SupportedType::TextHtml) else { return };
            for id in ids {
                if let (Some(old), Some(new)) = (document().get_element_by_id(&id), fresh.get_element_by_id(&id)) {
                    old.set_inner_html(&new.inner_html());
                    hydrate_islands_in(&old);
                }
            }
        });
    }

    /// The page as the server renders it now.
    async fn fetch_page(seen: u64) -> Option<String> {
        let location = window().location();
        let (path, search) = (location.pathname().ok()?, location.search().ok()?);
        let joiner = if search.is_empty() { "?" } else { "&" };
        let response: Response = JsFuture::from(window().fetch_with_str(&format!("{path}{search}{joiner}seen={seen}")))
            .await
            .ok()?
            .dyn_into()
            .ok()?;
        if !response.ok() {
            return None;
        }
        JsFuture::from(response.text().ok()?).await.ok()?.as_string()
    }

    /// Hydrates the islands inside `root` with the loader's `__hydrateIsland`.
    fn hydrate_islands_in(root: &Element) {
        let Ok(hydrate) = js_sys::Reflect::get(&window(), &JsValue::from_str("__hydrateIsland")) else { return };
        let Some(hydrate) = hydrate.dyn_ref::<js_sys::Function>() else { return };
        let Ok(islands) = root.query_selector_all("leptos-island") else { return };
        for i in 0..islands.length() {
            if let Some(island) = islands.item(i).and_then(|node| node.dyn_into::<Element>().ok()) {
                let id = island.get_attribute("data-component").unwrap_or_default();
                let _ = hydrate.call2(&JsValue::NULL, &island, &JsValue::from_str(&id));
            }
        }
    }
}
