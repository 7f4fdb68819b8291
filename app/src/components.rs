//! Shared pieces of the pages.
use crate::domain::order::Urgency;
use crate::dto::{MyOrderCard, MyOrdersView, OrderCard};
use crate::error::AppError;
use crate::i18n::{age_text, next_step_label, section_label, status_label, Msg};
use crate::{tr, use_viewer};
use leptos::either::Either;
use leptos::prelude::*;
use leptos_router::components::A;

/// The bottom tab bar: 首页 · 需求大厅 · 志愿之星 · 我的, and 管理 for grid staff. The first
/// four move without a page load (`data-nav`, see `nav`).
#[component]
pub fn TabBar() -> impl IntoView {
    let viewer = use_viewer();
    let staff = viewer.user.as_ref().is_some_and(|u| u.is_staff());
    view! {
        <nav class="tabbar" aria-label=tr(Msg::MainNav)>
            <A href="/" exact=true attr:data-nav="">
                <span class="tab-icon" aria-hidden="true">"⌂"</span>
                <span>{tr(Msg::TabHome)}</span>
            </A>
            <A href="/board" attr:data-nav="">
                <span class="tab-icon" aria-hidden="true">"☰"</span>
                <span>{tr(Msg::TabBoard)}</span>
            </A>
            <A href="/stars" attr:data-nav="">
                <span class="tab-icon" aria-hidden="true">"★"</span>
                <span>{tr(Msg::TabStars)}</span>
            </A>
            <A href="/me" attr:data-nav="">
                <span class="tab-icon" aria-hidden="true">"☺"</span>
                <span>{tr(Msg::TabMe)}</span>
            </A>
            {staff.then(|| view! {
                <A href="/admin">
                    <span class="tab-icon" aria-hidden="true">"⚙"</span>
                    <span>{tr(Msg::TabAdmin)}</span>
                </A>
            })}
        </nav>
    }
}

/// Why a photo upload was refused, as the server sends the browser back with it
/// (`?photo_error=ErrPhotoType`); anything else in the link says nothing.
pub fn photo_refusal() -> Option<Msg> {
    let key = use_query().read_untracked().get("photo_error")?;
    Some(match key.as_str() {
        "ErrPhotoType" => Msg::ErrPhotoType,
        "ErrPhotoSize" => Msg::ErrPhotoSize,
        "ErrPhotoPixels" => Msg::ErrPhotoPixels,
        "ErrPhotoCount" => Msg::ErrPhotoCount,
        "ErrRecordPhotoCount" => Msg::ErrRecordPhotoCount,
        "ErrRecordFirst" => Msg::ErrRecordFirst,
        "ErrRateLimited" => Msg::ErrRateLimited,
        "ErrItemChanged" => Msg::ErrItemChanged,
        "ErrForbidden" => Msg::ErrForbidden,
        "ErrUnauthorized" => Msg::ErrUnauthorized,
        "ErrNotFound" => Msg::ErrNotFound,
        _ => return None,
    })
}

/// The query of the page's URL. Islands hydrate without the router, so in the browser it
/// comes from the address bar (a page's query only changes by loading another page).
pub fn use_query() -> Memo<leptos_router::params::ParamsMap> {
    #[cfg(feature = "ssr")]
    {
        leptos_router::hooks::use_query_map()
    }
    #[cfg(not(feature = "ssr"))]
    {
        use leptos_router::location::{BrowserUrl, LocationProvider};
        Memo::new(|_| BrowserUrl::current().map(|url| url.search_params().clone()).unwrap_or_default())
    }
}

/// The `:id` of the page's route (`/orders/:id`, `/sentiment/:id`); in the browser, the
/// last segment of the path, for the same reason as [`use_query`].
pub fn use_route_id() -> Memo<Option<String>> {
    #[cfg(feature = "ssr")]
    {
        let params = leptos_router::hooks::use_params_map();
        Memo::new(move |_| params.read().get("id"))
    }
    #[cfg(not(feature = "ssr"))]
    {
        Memo::new(|_| {
            let path = window().location().pathname().unwrap_or_default();
            path.rsplit('/').next().filter(|id| !id.is_empty()).map(str::to_string)
        })
    }
}

/// Sets the HTTP status of the page being rendered on the server.
pub fn set_status(code: u16) {
    #[cfg(feature = "ssr")]
    if let (Some(res), Ok(status)) = (use_context::<leptos_axum::ResponseOptions>(), http::StatusCode::from_u16(code)) {
        res.set_status(status);
    }
    #[cfg(not(feature = "ssr"))]
    let _ = code;
}

/// A friendly error page that also sets the status (404, 403, 401, 500).
#[component]
pub fn ErrorPage(status: u16) -> impl IntoView {
    set_status(status);
    let (title, hint) = match status {
        404 => (Msg::ErrNotFound, Msg::ErrNotFoundHint),
        403 => (Msg::ErrForbidden, Msg::ErrForbiddenHint),
        401 => (Msg::ErrUnauthorized, Msg::NotSignedInHint),
        _ => (Msg::ErrInternal, Msg::ErrNetwork),
    };
    view! {
        <section class="card error-page">
            <p class="error-code" aria-hidden="true">{status}</p>
            <h1>{tr(title)}</h1>
            <p>{tr(hint)}</p>
            {(status == 401).then(|| view! { <p><a href="/login" class="btn primary">{tr(Msg::SignIn)}</a></p> })}
            <p><a href="/">{tr(Msg::BackHome)}</a></p>
        </section>
    }
}

/// An error from a server function, as a page section (sets the status on the server).
#[component]
pub fn ErrorNotice(error: AppError) -> impl IntoView {
    match error {
        AppError::NotFound => view! { <ErrorPage status=404/> }.into_any(),
        AppError::Forbidden => view! { <ErrorPage status=403/> }.into_any(),
        AppError::Unauthorized => view! { <ErrorPage status=401/> }.into_any(),
        other => {
            set_status(other.status());
            view! { <p class="form-error" role="alert">{tr(other.msg())}</p> }.into_any()
        }
    }
}

/// A field's message under its input, if the last submission had one. In the browser the
/// first message on the page takes the eye there: its field gets the focus (scrolled into
/// view), since a message out of sight reads as a form that did nothing. Every message
/// drawn asks for that focus, and the asks of one render make one focus
/// ([`focus_first_error_soon`]): a form with N fields focuses once per submission. The ask
/// is made where the message is drawn, not once by the form, because a form under a
/// `Suspense` keyed on its action is drawn anew after the submission, and the focus has to
/// land on the new inputs.
#[component]
pub fn FieldMsg(error: Signal<Option<AppError>>, field: &'static str) -> impl IntoView {
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| {
        if error.with(|e| e.as_ref().and_then(|e| e.field_msg(field)).is_some()) {
            focus_first_error_soon();
        }
    });
    move || {
        error
            .get()
            .and_then(|e| e.field_msg(field))
            .map(|m| view! { <p class="field-error" id=format!("{field}-error")>{tr(m)}</p> })
    }
}

#[cfg(feature = "hydrate")]
thread_local! {
    /// A focus on the first error is scheduled for the next frame.
    static FOCUS_PENDING: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Schedules [`focus_first_error`] for the next frame, once however often it is asked for
/// before then: after this render, every message of the submission is in the page.
#[cfg(feature = "hydrate")]
fn focus_first_error_soon() {
    if FOCUS_PENDING.replace(true) {
        return;
    }
    request_animation_frame(|| {
        FOCUS_PENDING.set(false);
        focus_first_error();
    });
}

/// Focuses the field of the first `.field-error` on the page (the input, select or
/// textarea just before it).
#[cfg(feature = "hydrate")]
fn focus_first_error() {
    use wasm_bindgen::JsCast;
    let Some(msg) = document().query_selector(".field-error").ok().flatten() else { return };
    let mut el = msg.previous_element_sibling();
    while let Some(e) = el {
        if matches!(e.tag_name().as_str(), "INPUT" | "SELECT" | "TEXTAREA") {
            if let Ok(field) = e.dyn_into::<web_sys::HtmlElement>() {
                let _ = field.focus();
            }
            return;
        }
        el = e.previous_element_sibling();
    }
}

/// The form-level message of the last submission (not shown for field errors).
#[component]
pub fn FormMsg(error: Signal<Option<AppError>>) -> impl IntoView {
    move || error.get().map(|e| view! { <p class="form-error" role="alert">{tr(e.msg())}</p> })
}

/// A `<textarea>` holding `text`; every textarea with stored text goes through it. The
/// renderer writes a textarea's children as raw text (the element's content is not
/// parsed as markup, so it is neither escaped nor hydrated), which lets stored text
/// that holds `</textarea>` close the element and inject markup. On the server the text
/// is written escaped (the browser decodes character references inside a textarea); a
/// textarea built in the browser gets it as a text node, which nothing parses.
/// Attributes go on with `attr:` (`<TextArea text attr:id="intro" attr:name="intro"/>`).
#[component]
pub fn TextArea(#[prop(into)] text: String) -> impl IntoView {
    #[cfg(feature = "ssr")]
    let text = crate::domain::text::escape_html(&text);
    view! { <textarea>{text}</textarea> }
}

/// A select of people (or anything long) with a filter box above it once the page is
/// hydrated: typing keeps only the options whose label holds the text (the chosen one
/// stays). Options are removed, not hidden, so phones' own pickers show the short list
/// too; without JavaScript it is the plain select, which still works.
#[component]
pub fn SearchSelect(
    #[prop(into)] id: String,
    #[prop(into)] name: String,
    options: Vec<(String, String)>,
    /// The value chosen when the page was drawn.
    #[prop(optional, into)]
    chosen: String,
    /// The label of a first option with an empty value, if there is one.
    #[prop(optional, into)]
    blank: Option<String>,
    #[prop(optional)] required: bool,
) -> impl IntoView {
    let query = RwSignal::new(String::new());
    let chosen = RwSignal::new(chosen);
    let hydrated = use_hydrated();
    let options = StoredValue::new(options);
    let filter_label = format!("{}：{}", tr(Msg::SearchInList), tr(Msg::NameOrPlace));
    view! {
        <input
            type="search"
            class="picker-search"
            hidden=move || !hydrated.get()
            aria-label=filter_label.clone()
            placeholder=filter_label
            aria-controls=id.clone()
            on:input=move |ev| query.set(event_target_value(&ev))
        />
        <select id=id name=name required=required on:change=move |ev| chosen.set(event_target_value(&ev))>
            {blank.map(|b| view! { <option value="">{b}</option> })}
            {move || {
                // ASCII case only: names are Chinese, and `to_lowercase` would put Unicode's
                // case tables (about 5 KB compressed) into the WASM every page loads.
                let q = query.get().trim().to_ascii_lowercase();
                let picked = chosen.get();
                options.with_value(|all| {
                    all.iter()
                        .filter(|(value, label)| {
                            q.is_empty() || label.to_ascii_lowercase().contains(&q) || *value == picked
                        })
                        .map(|(value, label)| view! { <option value=value.clone() selected=*value == picked>{label.clone()}</option> })
                        .collect_view()
                })
            }}
        </select>
    }
}

/// True once this part of the page runs in the browser (effects run there only): for
/// controls that need JavaScript and are hidden until then.
pub fn use_hydrated() -> ReadSignal<bool> {
    let (hydrated, set) = signal(false);
    Effect::new(move |_| set.set(true));
    hydrated
}

/// While data loads.
#[component]
pub fn Loading() -> impl IntoView {
    view! { <p class="loading" aria-busy="true">"…"</p> }
}

/// A public order card: section, title, urgency, age, building, masked name.
/// A keyed list (as Leptos's `For`) for lists that live frames keep changing: a new item
/// gets its row, a gone one loses it, the rest stay as they are. In the browser each row's
/// reactive owner is a root of its own: `For` makes every row a child of the list's owner,
/// and an owner keeps a pointer to every child it ever had, holding about 80 bytes of each
/// gone row until the list itself goes (on a board open all day, a little more with every
/// order placed). Rows read no context in the browser (islands take the viewer from the
/// page); on the server, which renders a list once, rows are the list's children as usual
/// and see the request's context.
#[component]
pub fn LiveRows<IF, I, T, EF, N, KF, K>(each: IF, key: KF, children: EF) -> impl IntoView
where
    IF: Fn() -> I + Send + 'static,
    I: IntoIterator<Item = T> + Send + 'static,
    EF: Fn(T) -> N + Send + Clone + 'static,
    N: IntoView + 'static,
    KF: Fn(&T) -> K + Send + Clone + 'static,
    K: Eq + std::hash::Hash + leptos::tachys::view::keyed::SerializableKey + 'static,
    T: Send + 'static,
{
    use leptos::reactive::owner::Owner;
    use leptos::tachys::reactive_graph::OwnedView;
    // Rows are built while the list's effect runs, whose owner starts over on every change:
    // a row must not belong to it.
    let list = Owner::current().expect("a list is rendered under an owner");
    let row = move |_, item| {
        let owner = list.with(detached_owner);
        let view = owner.with(|| children(item));
        (drop, OwnedView::new_with_owner(view, owner))
    };
    move || leptos::tachys::view::keyed::keyed(each(), key.clone(), row.clone())
}

/// An owner for a part of a page that is freed on its own (a [`LiveRows`] row, an island's
/// content: [`crate::live::while_shown`]). In the browser it is a root of its own: an owner
/// keeps a pointer to every child it ever had, which holds about 80 bytes of each gone
/// child until the parent itself goes. On the server, which renders once, it is a child of
/// the current owner, to see the request's context.
pub(crate) fn detached_owner() -> leptos::reactive::owner::Owner {
    use leptos::reactive::owner::Owner;
    if cfg!(feature = "ssr") {
        return Owner::new();
    }
    let shared = Owner::current_shared_context();
    // `new_root` makes itself the current owner; `with` puts back the one before.
    match Owner::current() {
        Some(current) => current.with(|| Owner::new_root(shared)),
        None => Owner::new_root(shared),
    }
}

#[component]
pub fn OrderCardView(order: OrderCard) -> impl IntoView {
    let locale = use_viewer().locale;
    let urgent = order.urgency == Urgency::Urgent;
    view! {
        <li class="order-card" class:urgent=urgent>
            <div class="order-meta">
                <span class=format!("tag section-{}", order.section.as_str())>{section_label(order.section).text(locale)}</span>
                {urgent.then(|| view! { <span class="tag urgent">{Msg::UrgencyUrgent.text(locale)}</span> })}
                <span class="age">{age_text(locale, order.age_secs)}</span>
            </div>
            <p class="order-title"><a href=format!("/orders/{}", order.id)>{order.title}</a></p>
            <p class="order-place">
                {order.building.unwrap_or_default()} " · " {order.requester_masked}
            </p>
        </li>
    }
}

/// 我的订单: the needs the viewer posted and the orders they took, each with its status and
/// what happens next (the viewer's own turn marked). `compact` (首页) lists only the
/// unfinished ones and says nothing when there are none.
#[component]
pub fn MyOrders(mine: MyOrdersView, #[prop(optional)] compact: bool) -> impl IntoView {
    let MyOrdersView { requested, taken, takes_orders } = mine;
    let active = |list: &[MyOrderCard]| list.iter().filter(|o| !o.status.is_final()).count();
    if compact && active(&requested) + active(&taken) == 0 {
        return None;
    }
    let show_taken = takes_orders || !taken.is_empty();
    let list = move |label: Msg, empty: Msg, orders: Vec<MyOrderCard>| {
        let orders: Vec<MyOrderCard> = orders.into_iter().filter(|o| !compact || !o.status.is_final()).collect();
        view! {
            <h3>{tr(label)}</h3>
            // Static branches, not `AnyView`, which would ship its server rendering to the phone.
            {if orders.is_empty() {
                Either::Left(view! { <p class="muted">{tr(empty)}</p> })
            } else {
                Either::Right(view! {
                    <ul class="my-orders" aria-label=tr(label)>
                        {orders.into_iter().map(|o| view! { <MyOrderItem order=o/> }).collect_view()}
                    </ul>
                })
            }}
        }
    };
    Some(view! {
        <section class="card my-orders-card" id="my-orders" aria-labelledby="my-orders-title">
            <h2 id="my-orders-title">{tr(Msg::MyOrders)}</h2>
            {(!compact || active(&requested) > 0).then(|| list(Msg::MyRequested, Msg::NoMyRequested, requested))}
            {(show_taken && (!compact || active(&taken) > 0)).then(|| list(Msg::MyTaken, Msg::NoMyTaken, taken))}
            {compact.then(|| view! { <p><a href="/me#my-orders" class="more">{tr(Msg::SeeAll)}</a></p> })}
        </section>
    })
}

#[component]
fn MyOrderItem(order: MyOrderCard) -> impl IntoView {
    let locale = use_viewer().locale;
    let todo = order.next.is_mine_to_do();
    view! {
        <li class="my-order" class:todo=todo class:finished=order.status.is_final()>
            <div class="order-meta">
                <span class=format!("tag section-{}", order.section.as_str())>{section_label(order.section).text(locale)}</span>
                {(order.urgency == Urgency::Urgent).then(|| view! { <span class="tag urgent">{Msg::UrgencyUrgent.text(locale)}</span> })}
                <span class=format!("status status-{}", order.status.as_str())>{status_label(order.status).text(locale)}</span>
                <span class="age">{age_text(locale, order.age_secs)}</span>
            </div>
            <p class="order-title"><a href=format!("/orders/{}", order.id)>{order.title}</a></p>
            <p class="next-step">
                {todo.then(|| view! { <span class="tag todo">{Msg::ToDo.text(locale)}</span> " " })}
                {next_step_label(order.next).text(locale)}
                {order.taker.map(|t| view! { " · " {Msg::Taker.text(locale)} " " {t} })}
            </p>
        </li>
    }
}

/// The key of a create form (see `domain::form_key`), rendered by the server for the page.
/// Every tap of the same filled-in form sends the same key, so a double tap creates one
/// object; once a submission came back and the person edits the form again (`edited`,
/// from the form's inputs), the next submission is a new one with a key of its own.
#[derive(Clone, Copy)]
pub struct FormKeyState {
    base: StoredValue<String>,
    generation: RwSignal<usize>,
    completed: Signal<usize>,
}

impl FormKeyState {
    pub fn new<S, T>(base: String, action: ServerAction<S>) -> Self
    where
        S: leptos::server_fn::ServerFn<Output = T, Error = AppError> + Clone + Send + Sync + 'static,
        T: Clone + Send + Sync + 'static,
    {
        Self {
            base: StoredValue::new(base),
            generation: RwSignal::new(0),
            completed: Signal::derive(move || action.version().get()),
        }
    }

    /// The person changed the form: after a finished submission, the next is a new one.
    pub fn edited(&self) {
        let completed = self.completed.get_untracked();
        if self.generation.get_untracked() != completed {
            self.generation.set(completed);
        }
    }

    /// The hidden input carrying the key.
    pub fn input(&self) -> impl IntoView {
        let (base, generation) = (self.base, self.generation);
        view! {
            <input type="hidden" name="form_key" value=move || crate::domain::form_key::FormKey::nth(&base.read_value(), generation.get())/>
        }
    }
}

/// After a successful action in the browser, reload (or go to `to`) so the page is
/// rendered afresh with the new session or preferences. Without WASM the server's
/// redirect does the same.
pub fn reload_on_success<S>(action: ServerAction<S>, to: Option<&'static str>)
where
    S: leptos::server_fn::ServerFn<Output = (), Error = AppError> + Clone + Send + Sync + 'static,
{
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| {
        if let Some(Ok(())) = action.value().get() {
            let location = window().location();
            let _ = match to {
                Some(path) => location.assign(path),
                None => location.reload(),
            };
        }
    });
    #[cfg(not(feature = "hydrate"))]
    let _ = (action, to);
}

/// The error of an action's last run, as a signal.
pub fn action_error<S>(action: ServerAction<S>) -> Signal<Option<AppError>>
where
    S: leptos::server_fn::ServerFn<Output = (), Error = AppError> + Clone + Send + Sync + 'static,
{
    Signal::derive(move || action.value().get().and_then(|r| r.err()))
}
