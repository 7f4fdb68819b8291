//! Grid Station (网格驿站): components, pages and server functions, compiled for the
//! `ssr` server build and the `hydrate` WASM build.
#![recursion_limit = "256"]

pub mod components;
pub mod domain;
pub mod dto;
pub mod error;
pub mod i18n;
pub mod islands;
pub mod live;
#[cfg(feature = "hydrate")]
mod nav;
pub mod pages;
pub mod routes;
pub mod server_fns;
pub mod session;

#[cfg(feature = "ssr")]
pub mod audit_words;
#[cfg(feature = "ssr")]
pub mod auth;
#[cfg(feature = "ssr")]
pub mod jobs;
#[cfg(feature = "ssr")]
pub mod repo;
#[cfg(feature = "ssr")]
pub mod state;

#[cfg(feature = "ssr")]
pub use server_fns::ctx::RequestViewer;

use crate::i18n::Msg;
use crate::session::Viewer;
use leptos::prelude::*;
use leptos_meta::{provide_meta_context, HashedStylesheet, MetaTags, Title};
use leptos_router::{
    components::{Route, Router, Routes},
    path, SsrMode,
};

/// Content-Security-Policy for everything but pages: nothing runs, nothing frames us.
pub const CSP_DEFAULT: &str = "default-src 'none'; img-src 'self'; style-src 'self'; frame-ancestors 'none'; \
     base-uri 'none'; form-action 'self'";

/// The nonce of one response, chosen by the server's header middleware before the page
/// renders; the page's inline scripts carry it (`provide_request_nonce`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CspNonce(pub String);

/// Makes Leptos put this request's nonce on the inline scripts it writes (the hydration
/// script and the resolved data). Called in the routes' context, after Leptos provided
/// its own random one, so the middleware's nonce wins and the header matches the page.
#[cfg(feature = "ssr")]
pub fn provide_request_nonce() {
    if let Some(nonce) = use_context::<http::request::Parts>().and_then(|p| p.extensions.get::<CspNonce>().cloned()) {
        provide_context(leptos::nonce::Nonce::from_value(nonce.0));
    }
}

/// Content-Security-Policy of a page: the app's own scripts and WASM, the inline
/// hydration scripts carrying this response's nonce, and nothing else inline.
pub fn page_csp(nonce: &str) -> String {
    format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; style-src 'self'; \
         img-src 'self' data: blob:; connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; \
         form-action 'self'; frame-ancestors 'none'"
    )
}

/// The HTML document rendered by the server around the app.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    let viewer = initial_viewer();
    // JSON inside <script>: `<` is escaped so no name can close the element.
    let json = serde_json::to_string(&viewer).unwrap_or_else(|_| "{}".into()).replace('<', "\\u003c");
    let class = if viewer.elder { "elder" } else { "" };
    // Tabs without page loads (`nav`), unless the operator turned them off.
    #[cfg(feature = "ssr")]
    let client_nav = use_context::<state::AppState>().is_none_or(|s| s.settings.client_nav);
    #[cfg(not(feature = "ssr"))]
    let client_nav = true;
    view! {
        <!DOCTYPE html>
        <html lang=viewer.locale.tag() class=class>
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1, viewport-fit=cover"/>
                <meta name="theme-color" content="#b91c1c"/>
                <link rel="icon" href="/favicon.svg" type="image/svg+xml"/>
                <script id="gs-viewer" type="application/json" inner_html=json></script>
                <AutoReload options=options.clone()/>
                <HashedStylesheet options=options.clone() id="leptos"/>
                <HydrationScripts options islands=true/>
                <MetaTags/>
            </head>
            <body data-client-nav=if client_nav { "1" } else { "0" }>
                <App/>
                <routes::Interactive/>
            </body>
        </html>
    }
}

/// Who is looking: on the server from the request, in the browser from the page.
fn initial_viewer() -> Viewer {
    #[cfg(feature = "ssr")]
    {
        server_fns::ctx::viewer()
    }
    #[cfg(not(feature = "ssr"))]
    {
        document()
            .get_element_by_id("gs-viewer")
            .and_then(|el| el.text_content())
            .and_then(|text| serde_json::from_str(&text).ok())
            .unwrap_or_default()
    }
}

/// The viewer of this page (fixed for the page's life: sign-in and preference changes reload).
/// On the server the app provides it; islands in the browser read it from the page once.
pub fn use_viewer() -> Viewer {
    #[cfg(feature = "ssr")]
    {
        use_context::<Viewer>().unwrap_or_default()
    }
    #[cfg(not(feature = "ssr"))]
    {
        thread_local! {
            static VIEWER: Viewer = initial_viewer();
        }
        VIEWER.with(Clone::clone)
    }
}

/// What the viewer typed into `field` of a form refused without JavaScript, to fill it in again.
pub fn echoed(field: &str) -> Option<String> {
    use_viewer().echoed(field)
}

/// Text of a message in the viewer's language.
pub fn tr(msg: Msg) -> &'static str {
    msg.text(use_viewer().locale)
}

/// A word of a part rendered only on the server, in the viewer's language (empty in the
/// WASM build, which never renders it).
pub fn words(msg: crate::i18n::ServerMsg) -> &'static str {
    msg.text(use_viewer().locale)
}

/// A page's document title: its name, then the app's (`需求大厅 · 网格驿站`).
pub fn page_title(page: Msg) -> String {
    format!("{} · {}", tr(page), tr(Msg::AppName))
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    let viewer = initial_viewer();
    let title = Msg::AppName.text(viewer.locale);
    provide_context(viewer);
    view! {
        <Title text=title/>
        <Router>
            <div class="app">
                <main class="page" id="main">
                    <Routes fallback=|| view! { <components::ErrorPage status=404/> }>
                        <Route path=path!("/") ssr=SsrMode::Async view=routes::Home/>
                        <Route path=path!("/board") ssr=SsrMode::Async view=routes::Board/>
                        <Route path=path!("/board/new") ssr=SsrMode::Async view=routes::NewOrder/>
                        <Route path=path!("/orders/:id") ssr=SsrMode::Async view=routes::Order/>
                        <Route path=path!("/offers") ssr=SsrMode::Async view=routes::Offers/>
                        <Route path=path!("/activities") ssr=SsrMode::Async view=routes::Activities/>
                        <Route path=path!("/activities/new") ssr=SsrMode::Async view=routes::NewActivity/>
                        <Route path=path!("/activities/:id") ssr=SsrMode::Async view=routes::Activity/>
                        <Route path=path!("/activities/:id/code") ssr=SsrMode::Async view=routes::CheckinScreen/>
                        <Route path=path!("/activities/:id/admit/:person") ssr=SsrMode::Async view=routes::Admit/>
                        <Route path=path!("/council") ssr=SsrMode::Async view=routes::Council/>
                        <Route path=path!("/council/:id") ssr=SsrMode::Async view=routes::Topic/>
                        <Route path=path!("/feed") ssr=SsrMode::Async view=routes::Feed/>
                        <Route path=path!("/stars") ssr=SsrMode::Async view=routes::Stars/>
                        <Route path=path!("/sentiment") ssr=SsrMode::Async view=routes::Sentiment/>
                        <Route path=path!("/sentiment/new") ssr=SsrMode::Async view=routes::NewSentiment/>
                        <Route path=path!("/sentiment/:id") ssr=SsrMode::Async view=routes::SentimentItem/>
                        <Route path=path!("/me") ssr=SsrMode::Async view=routes::Me/>
                        <Route path=path!("/elders") ssr=SsrMode::Async view=routes::Elders/>
                        <Route path=path!("/welfare") ssr=SsrMode::Async view=routes::Welfare/>
                        <Route path=path!("/admin/queue") ssr=SsrMode::Async view=routes::LeaderQueue/>
                        <Route path=path!("/admin/pairings") ssr=SsrMode::Async view=routes::Pairings/>
                        <Route path=path!("/admin/elections") ssr=SsrMode::Async view=routes::Elections/>
                        <Route path=path!("/admin/audit") ssr=SsrMode::Async view=routes::Audit/>
                        <Route path=path!("/admin/accounts") ssr=SsrMode::Async view=routes::Accounts/>
                        <Route path=path!("/admin/grids") ssr=SsrMode::Async view=routes::Admin/>
                        <Route path=path!("/admin/dashboard") ssr=SsrMode::Async view=routes::Dashboard/>
                        <Route path=path!("/admin/open311") ssr=SsrMode::Async view=routes::Open311/>
                        <Route path=path!("/admin") ssr=SsrMode::Async view=routes::Admin/>
                        <Route path=path!("/login") ssr=SsrMode::Async view=routes::Login/>
                        <Route path=path!("/signup") ssr=SsrMode::Async view=routes::Signup/>
                    </Routes>
                </main>
                <components::TabBar/>
            </div>
        </Router>
    }
}
