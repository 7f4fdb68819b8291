//! The WASM entry point: hydrates the server-rendered page. Pages are lazy routes
//! (`app::routes`): hydration waits for the page's own code, then the page marks the
//! document interactive (`body[data-hydrated]`).
use wasm_bindgen::prelude::wasm_bindgen;

#[wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_lazy(app::App);
}
