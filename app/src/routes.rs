//! The pages behind each route, and the island that ends every page.
//!
//! The app renders in islands mode: every page is HTML from the server, and only the parts
//! that act in the browser hydrate. A resident's pages (`/`, `/board`, `/stars`) are
//! server HTML with a few small islands (the board, the ballot's counts and buttons, the
//! live dot) and move between each other without page loads (`nav`);
//! the other pages are one lazy island each, whose code is fetched only where it appears.
use crate::pages;
use leptos::prelude::*;

pub use pages::accounts::AccountsPage as Accounts;
pub use pages::activities::{
    ActivitiesPage as Activities, ActivityPage as Activity, AdmitPage as Admit, CheckinScreenPage as CheckinScreen,
    NewActivityPage as NewActivity,
};
pub use pages::audit::AuditPage as Audit;
pub use pages::board::BoardPage as Board;
pub use pages::council::{CouncilPage as Council, TopicPage as Topic};
pub use pages::dashboard::DashboardPage as Dashboard;
pub use pages::elders::EldersPage as Elders;
pub use pages::elections::ElectionsPage as Elections;
pub use pages::elections::StarsPage as Stars;
pub use pages::feed::FeedPage as Feed;
pub use pages::home::HomePage as Home;
pub use pages::login::LoginPage as Login;
pub use pages::login::SignupPage as Signup;
pub use pages::me::MePage as Me;
pub use pages::offers::OffersPage as Offers;
pub use pages::order::NewOrderPage as NewOrder;
pub use pages::order::OrderPage as Order;
pub use pages::pairings::PairingsPage as Pairings;
pub use pages::queue::LeaderQueuePage as LeaderQueue;
pub use pages::sentiment::ItemPage as SentimentItem;
pub use pages::sentiment::SentimentPage as Sentiment;

/// A fresh key for a create form the page renders (`domain::form_key`), made on the server
/// and handed to the page's island as a prop, so the hydrated page keeps the same one.
fn form_key() -> String {
    #[cfg(feature = "ssr")]
    {
        crate::server_fns::ctx::new_form_key()
    }
    #[cfg(not(feature = "ssr"))]
    {
        String::new()
    }
}

/// /admin, /admin/grids: the grid editor (添加下级 is a create form).
#[component]
pub fn Admin() -> impl IntoView {
    view! { <pages::grid::GridPage form_key=form_key()/> }
}

/// /admin/open311 (签发密钥 is a create form).
#[component]
pub fn Open311() -> impl IntoView {
    view! { <pages::open311::Open311Page form_key=form_key()/> }
}

/// /sentiment/new: 记录民情 / 我要反映.
#[component]
pub fn NewSentiment() -> impl IntoView {
    view! { <pages::sentiment::NewItemPage form_key=form_key()/> }
}

/// /welfare: the public welfare-check request.
#[component]
pub fn Welfare() -> impl IntoView {
    view! { <pages::welfare::WelfarePage form_key=form_key()/> }
}

/// The last island of every page. Islands hydrate in document order, each lazy one after
/// its code arrived, so when this one runs the page is interactive: it opens the live
/// event stream and marks the document (`body[data-hydrated]`: tests wait for it).
#[island]
pub fn Interactive() -> impl IntoView {
    Effect::new(|_| {
        crate::live::start();
        #[cfg(feature = "hydrate")]
        crate::nav::install();
        if let Some(body) = document().body() {
            let _ = body.set_attribute("data-hydrated", "true");
        }
    });
}
