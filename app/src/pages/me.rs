//! /me: the person's account, roles and settings (language, elder mode, sign-out).
// Lazy islands declare their split-out code with `unsafe extern` blocks (generated).
#![allow(unsafe_code)]
use crate::components::{action_error, reload_on_success, ErrorNotice, FieldMsg, FormMsg, Loading};
use crate::i18n::{role_label, Msg};
use crate::islands::MyOrdersLive;
use crate::server_fns::accounts::me_data;
use crate::server_fns::accounts::ChangePassword;
use crate::server_fns::auth::Logout;
use crate::server_fns::orders::my_orders;
use crate::server_fns::prefs::{SetElderMode, SetLocale};
use crate::{tr, use_viewer};
use leptos::prelude::*;

/// Server HTML: the person's facts and roles, and 我的订单 as an island given its list (so
/// the page moves in by a tab like 首页). The forms are islands of their own.
#[component]
pub fn MePage() -> impl IntoView {
    let viewer = use_viewer();
    let Some(user) = viewer.user.clone() else {
        return view! {
            <leptos_meta::Title text=crate::page_title(Msg::TabMe)/>
            <section class="card">
                <h1>{tr(Msg::NotSignedIn)}</h1>
                <p>{tr(Msg::NotSignedInHint)}</p>
                <p><a href="/login" class="btn primary">{tr(Msg::SignIn)}</a></p>
            </section>
            <Settings/>
        }
        .into_any();
    };
    let staff = user.is_staff();
    let volunteer = user.has_role(crate::domain::role::Role::Volunteer);
    // Volunteers see their record on the volunteer card below; a grid leader who takes
    // orders sees it here. Residents have no service record.
    let shows_record = user.roles.iter().any(|r| r.role.can_take_orders()) && !volunteer;
    // Read before the orders are, so they are at least as new as it.
    let seq = crate::live::rendered_seq();
    let data = Resource::new(|| (), |_| me_data());
    let mine = Resource::new(|| (), |_| my_orders());
    view! {
        <leptos_meta::Title text=crate::page_title(Msg::TabMe)/>
        <section class="card">
            <h1>{user.name.clone()}</h1>
            <p class="muted">{user.phone_masked.clone()}</p>
            {if user.verified {
                view! { <p class="verified"><span class="tag">{tr(Msg::VerifiedResident)}</span></p> }.into_any()
            } else {
                view! { <p class="note">{tr(Msg::UnverifiedResident)}</p> }.into_any()
            }}
            <h2>{tr(Msg::MyRoles)}</h2>
            <ul class="roles">
                {user.roles.iter().map(|r| view! {
                    <li><span class="role">{tr(role_label(r.role))}</span> " · " <span class="muted">{r.node_name.clone()}</span></li>
                }).collect_view()}
            </ul>
            <Suspense fallback=Loading>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(me) => view! {
                            {(!me.badges.is_empty()).then(|| view! {
                                <p class="badges">{me.badges.iter().map(|b| view! { <span class="badge">"★ " {b.clone()}</span> }).collect_view()}</p>
                            })}
                            <dl class="facts">
                                <dt>{tr(Msg::Phone)}</dt><dd>{me.phone}</dd>
                                <dt>{tr(if staff { Msg::MyArea } else { Msg::MyAddress })}</dt>
                                <dd>{[me.community, me.micro_grid, me.building].into_iter().flatten().collect::<Vec<_>>().join(" · ")}</dd>
                                {shows_record.then(|| view! {
                                    <dt>{tr(Msg::ServiceHoursTotal)}</dt><dd>{format!("{:.1}", me.service_minutes as f64 / 60.0)}</dd>
                                    <dt>{tr(Msg::OrdersCompleted)}</dt><dd>{me.orders_completed}</dd>
                                })}
                            </dl>
                        }.into_any(),
                        Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                    }
                })}
            </Suspense>
            <SignOut/>
        </section>
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match mine.await {
                    Ok(mine) => view! { <MyOrdersLive mine seq compact=false/> }.into_any(),
                    Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                }
            })}
        </Suspense>
        {volunteer.then(|| view! { <crate::pages::volunteer::VolunteerCard/> })}
        <PasswordCard/>
        <Settings/>
    }
    .into_any()
}

/// 退出登录; then 首页 is loaded afresh, as a visitor's.
#[island(lazy)]
fn SignOut() -> impl IntoView {
    crate::live::while_shown(move || {
        let logout = ServerAction::<Logout>::new();
        reload_on_success(logout, Some("/"));
        view! {
            <ActionForm action=logout>
                <button type="submit" class="btn">{tr(Msg::SignOut)}</button>
            </ActionForm>
        }
    })
}

/// 修改密码: the current password and a new one; every other device is signed out.
#[island(lazy)]
fn PasswordCard() -> impl IntoView {
    crate::live::while_shown(move || {
        let change = ServerAction::<ChangePassword>::new();
        let error = action_error(change);
        let done = move || change.value().get().is_some_and(|r| r.is_ok());
        view! {
            <section class="card">
                <h2>{tr(Msg::ChangePassword)}</h2>
                <p class="muted small">{tr(Msg::ChangePasswordHint)}</p>
                <ActionForm action=change attr:class="form">
                    <label for="current_password">{tr(Msg::CurrentPassword)}</label>
                    <input id="current_password" name="current_password" type="password" autocomplete="current-password" required maxlength="128"/>
                    <FieldMsg error field="current_password"/>
                    <label for="new_password">{tr(Msg::NewPassword)}</label>
                    <input id="new_password" name="new_password" type="password" autocomplete="new-password" required minlength="8" maxlength="128"/>
                    <FieldMsg error field="new_password"/>
                    <FormMsg error/>
                    {move || done().then(|| view! { <p class="notice" role="status">{tr(Msg::PasswordChanged)}</p> })}
                    <button type="submit" class="btn">{tr(Msg::ChangePassword)}</button>
                </ActionForm>
            </section>
        }
    })
}

/// Language and elder mode, for everyone (cookies), remembered on the account too.
#[island(lazy)]
fn Settings() -> impl IntoView {
    crate::live::while_shown(move || {
        let viewer = use_viewer();
        let set_locale = ServerAction::<SetLocale>::new();
        let set_elder = ServerAction::<SetElderMode>::new();
        reload_on_success(set_locale, None);
        reload_on_success(set_elder, None);
        let (other_tag, other_name) = match viewer.locale {
            crate::i18n::Locale::Zh => ("en", "English"),
            crate::i18n::Locale::En => ("zh-CN", "中文"),
        };
        let (elder_value, elder_label) = if viewer.elder { ("0", Msg::ElderModeOff) } else { ("1", Msg::ElderModeOn) };
        view! {
            <section class="card">
                <h2>{tr(Msg::Settings)}</h2>
                <div class="setting">
                    <span>{tr(Msg::Language)}</span>
                    <ActionForm action=set_locale>
                        <input type="hidden" name="locale" value=other_tag/>
                        <button type="submit" class="btn" lang=other_tag>{other_name}</button>
                    </ActionForm>
                </div>
                <div class="setting">
                    <span>
                        {tr(Msg::ElderMode)}
                        <small class="muted">{tr(Msg::ElderModeHint)}</small>
                    </span>
                    <ActionForm action=set_elder>
                        <input type="hidden" name="on" value=elder_value/>
                        <button type="submit" class="btn">{tr(elder_label)}</button>
                    </ActionForm>
                </div>
            </section>
        }
    })
}
