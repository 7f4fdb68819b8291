//! The WASM entry point. The app renders in islands mode: pages are HTML from the server,
//! and only the interactive parts (`#[island]` components) hydrate; the staff pages are
//! lazy islands whose code is fetched only where they appear. The last island on every
//! page (`app::routes::Interactive`) marks the document interactive (`body[data-hydrated]`).
use wasm_bindgen::prelude::wasm_bindgen;

// The islands are `#[wasm_bindgen]` exports of the app crate, which this crate otherwise
// never names: this keeps it linked into the module.
pub use app::routes::Interactive;

#[wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_islands();
}
