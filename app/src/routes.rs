//! Every page is a lazy route: its code is split out of the main WASM module and fetched
//! (in parallel with the main module, from `<link rel="preload">` tags the server writes)
//! only by the pages that need it, so a resident's first page loads the app shell and that
//! page, not the whole app. On the server the routes render as before.
//!
//! The splitting macros declare the chunk imports with `unsafe extern` blocks, hence the
//! one `allow(unsafe_code)` in the crate; nothing here is hand-written unsafe code.
#![allow(unsafe_code)]

use crate::pages;
use leptos::prelude::*;
use leptos_router::{lazy_route, LazyRoute};

/// Runs once a page's code has arrived and its view is hydrated: opens the live event
/// stream (the first time) and marks the document interactive (`body[data-hydrated]`:
/// tests wait for it, CSS may use it).
#[component]
pub fn Interactive() -> impl IntoView {
    Effect::new(|_| {
        crate::live::start();
        if let Some(body) = document().body() {
            let _ = body.set_attribute("data-hydrated", "true");
        }
    });
}

/// `lazy_page!(Route, page::Component)` declares `Route`, a lazy route showing the page.
macro_rules! lazy_page {
    ($($route:ident => $page:path),+ $(,)?) => {$(
        #[doc = concat!("The lazy route of `", stringify!($page), "`.")]
        pub struct $route;

        #[lazy_route]
        impl LazyRoute for $route {
            fn data() -> Self {
                $route
            }

            fn view(this: Self) -> AnyView {
                let _ = this;
                view! { {$page()} <Interactive/> }.into_any()
            }
        }
    )+};
}

lazy_page! {
    Home => pages::home::HomePage,
    Board => pages::board::BoardPage,
    NewOrder => pages::order::NewOrderPage,
    Order => pages::order::OrderPage,
    Offers => pages::offers::OffersPage,
    Feed => pages::feed::FeedPage,
    Stars => pages::stars::StarsPage,
    Sentiment => pages::sentiment::SentimentPage,
    NewSentiment => pages::sentiment::NewItemPage,
    SentimentItem => pages::sentiment::ItemPage,
    Me => pages::me::MePage,
    Elders => pages::elders::EldersPage,
    Welfare => pages::welfare::WelfarePage,
    LeaderQueue => pages::queue::LeaderQueuePage,
    Pairings => pages::pairings::PairingsPage,
    Elections => pages::elections::ElectionsPage,
    Audit => pages::audit::AuditPage,
    Accounts => pages::accounts::AccountsPage,
    Admin => pages::admin::AdminPage,
    Dashboard => pages::dashboard::DashboardPage,
    Open311 => pages::open311::Open311Page,
    Login => pages::login::LoginPage,
    Signup => pages::login::SignupPage,
}
