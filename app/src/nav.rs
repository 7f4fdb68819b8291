//! Moving between the resident's tabs (首页 · 需求大厅 · 志愿之星 · 我的, and the board's filter
//! chips) without a page load. A click on a link marked `data-nav` fetches that page, puts
//! its `<main>` and tab bar in place of this one's, hydrates the new main's islands and
//! pushes the address; back and forward do the same from the history. The event stream,
//! `window` and everything outside `<main>` stay, so the new page's islands catch up from
//! the frames the page already heard ([`crate::live::on_frame`]).
//!
//! Only pages whose islands take all their data as props are marked: a swapped-in page
//! brings no serialised resources, so an island that loads its own (the staff pages)
//! would not hydrate as it does after a load; those stay page loads. Anything unexpected
//! (a failed fetch, a page without `<main id="main">`) falls back to a plain page load, and
//! `data-client-nav="0"` on `<body>` (`GRIDSTATION_CLIENT_NAV=0`) turns it all off.
use leptos::prelude::{document, window};
use std::cell::Cell;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{DomParser, Element, MouseEvent, Response, SupportedType};

thread_local! {
    /// Which navigation is the newest: a slower answer to an older click is dropped.
    static GENERATION: Cell<u64> = const { Cell::new(0) };
}

/// Listens for clicks on `a[data-nav]` and for back/forward, once per page load.
pub fn install() {
    if document().body().and_then(|b| b.get_attribute("data-client-nav")).as_deref() == Some("0") {
        return;
    }
    let on_click = Closure::<dyn FnMut(MouseEvent)>::new(|event: MouseEvent| {
        if event.default_prevented()
            || event.button() != 0
            || event.meta_key()
            || event.ctrl_key()
            || event.shift_key()
            || event.alt_key()
        {
            return;
        }
        let Some(link) = event
            .target()
            .and_then(|t| t.dyn_into::<Element>().ok())
            .and_then(|el| el.closest("a[data-nav]").ok().flatten())
        else {
            return;
        };
        let Some(href) = link.get_attribute("href").filter(|h| h.starts_with('/')) else { return };
        event.prevent_default();
        go(href, true);
    });
    let _ = document().add_event_listener_with_callback("click", on_click.as_ref().unchecked_ref());
    on_click.forget();
    let on_pop = Closure::<dyn FnMut()>::new(|| {
        let location = window().location();
        let href = format!("{}{}", location.pathname().unwrap_or_default(), location.search().unwrap_or_default());
        go(href, false);
    });
    window().set_onpopstate(Some(on_pop.as_ref().unchecked_ref()));
    on_pop.forget();
}

/// Shows page `href` in place of this one; `push`: a new history entry (a click), else the
/// entry is already there (back, forward).
fn go(href: String, push: bool) {
    let generation = GENERATION.with(|g| {
        g.set(g.get() + 1);
        g.get()
    });
    leptos::task::spawn_local(async move {
        let fresh = fetch_page(&href).await;
        if GENERATION.with(Cell::get) != generation {
            return;
        }
        if fresh.is_none_or(|doc| !swap(&doc)) {
            let _ = window().location().assign(&href);
            return;
        }
        if push {
            if let Ok(history) = window().history() {
                let _ = history.push_state_with_url(&JsValue::NULL, "", Some(&href));
            }
        }
        window().scroll_to_with_x_and_y(0.0, 0.0);
    });
}

/// The page at `href` as the server renders it, parsed (none when it is not a page for this
/// session: an error, or a redirect to sign in).
pub async fn fetch_page(href: &str) -> Option<web_sys::Document> {
    let response: Response = JsFuture::from(window().fetch_with_str(href)).await.ok()?.dyn_into().ok()?;
    if !response.ok() || response.redirected() {
        return None;
    }
    let html = JsFuture::from(response.text().ok()?).await.ok()?.as_string()?;
    DomParser::new().ok()?.parse_from_string(&html, SupportedType::TextHtml).ok()
}

/// Puts `fresh`'s main and tab bar in place of this page's and hydrates the new islands;
/// false (nothing changed) when either is missing.
fn swap(fresh: &web_sys::Document) -> bool {
    let (Some(main), Some(new_main)) = (document().get_element_by_id("main"), fresh.get_element_by_id("main")) else {
        return false;
    };
    let tabs = document().query_selector("nav.tabbar").ok().flatten();
    let new_tabs = fresh.query_selector("nav.tabbar").ok().flatten();
    if main.replace_with_with_node_1(&new_main).is_err() {
        return false;
    }
    // The old islands drop their content ([`crate::live::while_shown`]), but Leptos keeps
    // a node of each: taken out of the old `<main>`, they no longer hold the rest of it.
    crate::live::new_page();
    if let Ok(islands) = main.query_selector_all("leptos-island") {
        for i in 0..islands.length() {
            if let Some(island) = islands.item(i).and_then(|node| node.dyn_into::<Element>().ok()) {
                island.remove();
            }
        }
    }
    if let (Some(tabs), Some(new_tabs)) = (tabs, new_tabs) {
        let _ = tabs.replace_with_with_node_1(&new_tabs);
    }
    document().set_title(&fresh.title());
    if let Some(main) = document().get_element_by_id("main") {
        hydrate_islands_in(&main);
    }
    true
}

/// Hydrates the islands inside `root` with the loader's `__hydrateIsland`.
pub fn hydrate_islands_in(root: &Element) {
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
