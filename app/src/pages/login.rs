//! /login and /signup.
// Lazy islands declare their split-out code with `unsafe extern` blocks (generated).
#![allow(unsafe_code)]
use crate::components::{action_error, reload_on_success, FieldMsg, FormMsg};
use crate::i18n::Msg;
use crate::server_fns::auth::{signup_choices, Login, Signup};
use crate::tr;
use leptos::prelude::*;

#[island(lazy)]
pub fn LoginPage() -> impl IntoView {
    let login = ServerAction::<Login>::new();
    reload_on_success(login, Some("/"));
    let error = action_error(login);
    view! {
        <section class="card narrow">
            <h1>{tr(Msg::SignInTitle)}</h1>
            <ActionForm action=login attr:class="form">
                <label for="phone">{tr(Msg::Phone)}</label>
                <input id="phone" name="phone" type="tel" inputmode="numeric" autocomplete="username" required maxlength="20"/>
                <FieldMsg error field="phone"/>
                <label for="password">{tr(Msg::Password)}</label>
                <input id="password" name="password" type="password" autocomplete="current-password" required maxlength="128"/>
                {move || error.get().filter(|e| e.field_msg("phone").is_none()).map(|e| view! {
                    <p class="form-error" role="alert">{tr(e.msg())}</p>
                })}
                <button type="submit" class="btn primary">{tr(Msg::SignIn)}</button>
            </ActionForm>
            <p class="hint">{tr(Msg::SignInHint)}</p>
            <p>{tr(Msg::NoAccountYet)} " " <a href="/signup">{tr(Msg::SignUp)}</a></p>
            <p><a href="/welfare">{tr(Msg::WelfareLink)}</a></p>
        </section>
    }
}

#[island(lazy)]
pub fn SignupPage() -> impl IntoView {
    let signup = ServerAction::<Signup>::new();
    reload_on_success(signup, Some("/"));
    let error = action_error(signup);
    let choices = Resource::new(|| (), |_| signup_choices());
    view! {
        <section class="card narrow">
            <h1>{tr(Msg::SignUpTitle)}</h1>
            <ActionForm action=signup attr:class="form">
                <label for="full_name">{tr(Msg::FullName)}</label>
                <input id="full_name" name="full_name" autocomplete="name" required maxlength="40"/>
                <FieldMsg error field="full_name"/>
                <label for="phone">{tr(Msg::Phone)}</label>
                <input id="phone" name="phone" type="tel" inputmode="numeric" autocomplete="tel" required maxlength="20"/>
                <FieldMsg error field="phone"/>
                <label for="password">{tr(Msg::Password)}</label>
                <input id="password" name="password" type="password" autocomplete="new-password" required minlength="8" maxlength="128"/>
                <FieldMsg error field="password"/>
                <label for="micro_grid">{tr(Msg::MyMicroGrid)}</label>
                <Suspense fallback=|| view! { <select id="micro_grid" name="micro_grid" disabled=true></select> }>
                    {move || Suspend::new(async move {
                        let options = choices.await.unwrap_or_default();
                        view! {
                            <select id="micro_grid" name="micro_grid" required>
                                <option value="">{tr(Msg::ChooseMicroGrid)}</option>
                                {options.into_iter().map(|(id, label)| view! { <option value=id.to_string()>{label}</option> }).collect_view()}
                            </select>
                        }
                    })}
                </Suspense>
                <FieldMsg error field="micro_grid"/>
                <FormMsg error/>
                <button type="submit" class="btn primary">{tr(Msg::SignUp)}</button>
            </ActionForm>
            <p>{tr(Msg::HaveAccount)} " " <a href="/login">{tr(Msg::SignIn)}</a></p>
        </section>
    }
}
