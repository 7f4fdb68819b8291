//! /admin/open311: Open311 GeoReport v2 keys of the admin's area: issue one (shown once),
//! list them, revoke them; and what the endpoints are.
// Lazy islands declare their split-out code with `unsafe extern` blocks (generated).
#![allow(unsafe_code)]
use crate::components::{action_error, ErrorNotice, ErrorPage, FieldMsg, FormMsg, Loading};
use crate::i18n::Msg;
use crate::server_fns::open311::{api_keys, IssueApiKey, RevokeApiKey};
use crate::{tr, use_viewer};
use leptos::prelude::*;

#[island(lazy)]
pub fn Open311Page() -> impl IntoView {
    match use_viewer().user {
        None => view! { <ErrorPage status=401/> }.into_any(),
        Some(user) if !user.is_area_admin() => view! { <ErrorPage status=403/> }.into_any(),
        Some(_) => view! { <Open311/> }.into_any(),
    }
}

#[component]
fn Open311() -> impl IntoView {
    let issue = ServerAction::<IssueApiKey>::new();
    let revoke = ServerAction::<RevokeApiKey>::new();
    let issue_error = Signal::derive(move || issue.value().get().and_then(|r| r.err()));
    let revoke_error = action_error(revoke);
    let issued = move || issue.value().get().and_then(|r| r.ok());
    let data = Resource::new(move || (issue.version().get(), revoke.version().get()), |_| api_keys());
    view! {
        <header class="page-head"><h1>{tr(Msg::Open311Title)}</h1></header>
        <section class="card open311-about">
            <p>{tr(Msg::Open311Intro)}</p>
            <h2>{tr(Msg::Open311Endpoints)}</h2>
            <ul class="open311-endpoints">
                <li><code>"GET /open311/v2/services.json"</code> " " {tr(Msg::Open311EpServices)}</li>
                <li><code>"GET /open311/v2/requests.json?api_key=…"</code> " " {tr(Msg::Open311EpList)}</li>
                <li><code>"GET /open311/v2/requests/{id}.json?api_key=…"</code> " " {tr(Msg::Open311EpOne)}</li>
                <li><code>"POST /open311/v2/requests.json"</code> " " {tr(Msg::Open311EpPost)}</li>
            </ul>
            <p class="muted small">{tr(Msg::Open311Status)}</p>
        </section>
        <section class="card">
            <h2>{tr(Msg::Open311Issue)}</h2>
            {move || issued().map(|key| view! { <NewKey key/> })}
            <ActionForm action=issue attr:class="form">
                <label for="open311-label">{tr(Msg::Open311Label)}</label>
                <input id="open311-label" name="label" required maxlength="60"/>
                <FieldMsg error=issue_error field="label"/>
                <FormMsg error=issue_error/>
                <button type="submit" class="btn primary">{tr(Msg::Open311Issue)}</button>
            </ActionForm>
        </section>
        <h2 class="section-title">{tr(Msg::Open311Keys)}</h2>
        <FormMsg error=revoke_error/>
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(view) => {
                        let fresh = view.new_key.clone().filter(|_| issued().is_none());
                        view! {
                            {fresh.map(|key| view! { <section class="card"><NewKey key/></section> })}
                            {if view.keys.is_empty() {
                                view! { <p class="card muted">{tr(Msg::Open311NoKeys)}</p> }.into_any()
                            } else {
                                view! {
                                    <ul class="open311-keys">
                                        {view.keys.into_iter().map(|k| {
                                            let revoked = k.revoked.is_some();
                                            view! {
                                                <li class="card" class:revoked=revoked>
                                                    <p><strong>{k.label}</strong></p>
                                                    <p class="muted small">
                                                        {tr(Msg::Open311Area)} " " {k.area} " · "
                                                        {tr(Msg::Open311Issued)} " " {k.created}
                                                        {k.revoked.map(|r| view! { " · " <span class="tag">{tr(Msg::Open311Revoked)} " " {r}</span> })}
                                                    </p>
                                                    {(!revoked).then(|| view! {
                                                        <ActionForm action=revoke>
                                                            <input type="hidden" name="id" value=k.id.to_string()/>
                                                            <button type="submit" class="btn danger">{tr(Msg::Open311Revoke)}</button>
                                                        </ActionForm>
                                                    })}
                                                </li>
                                            }
                                        }).collect_view()}
                                    </ul>
                                }.into_any()
                            }}
                        }.into_any()
                    }
                    Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// The key just issued, once, with the note to copy it.
#[component]
fn NewKey(key: String) -> impl IntoView {
    view! {
        <div class="open311-new-key" role="status">
            <p>{tr(Msg::Open311NewKey)}</p>
            <p><code class="open311-key">{key}</code></p>
        </div>
    }
}
