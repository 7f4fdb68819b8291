//! /admin/open311: Open311 GeoReport v2 keys of the admin's area: issue one (shown once),
//! list them, revoke them; and what the endpoints are.
// Lazy islands declare their split-out code with `unsafe extern` blocks (generated).
#![allow(unsafe_code)]
use crate::components::{action_error, ErrorNotice, ErrorPage, FieldMsg, FormKeyState, FormMsg, Loading};
use crate::i18n::Msg;
use crate::server_fns::open311::{api_keys, IssueApiKey, RevokeApiKey};
use crate::{tr, use_viewer};
use leptos::prelude::*;

#[island(lazy)]
pub fn Open311Page(form_key: String) -> impl IntoView {
    match use_viewer().user {
        None => view! { <ErrorPage status=401/> }.into_any(),
        Some(user) if !user.is_area_admin() => view! { <ErrorPage status=403/> }.into_any(),
        Some(_) => view! { <Open311 form_key/> }.into_any(),
    }
}

#[component]
fn Open311(form_key: String) -> impl IntoView {
    let issue = ServerAction::<IssueApiKey>::new();
    let key = FormKeyState::new(form_key, issue);
    let revoke = ServerAction::<RevokeApiKey>::new();
    let issue_error = Signal::derive(move || issue.value().get().and_then(|r| r.err()));
    let revoke_error = action_error(revoke);
    // A repeat of the same form answers with no key: the first one stays on show.
    let shown = RwSignal::new(None::<String>);
    Effect::new(move |_| {
        if let Some(Ok(k)) = issue.value().get() {
            if !k.is_empty() {
                shown.set(Some(k));
            }
        }
    });
    let issued = move || shown.get();
    // The label is cleared once its key is issued, ready for the next one.
    let label = RwSignal::new(String::new());
    Effect::new(move |_| {
        if let Some(Ok(_)) = issue.value().get() {
            label.set(String::new());
        }
    });
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
            <ActionForm action=issue attr:class="form" on:input=move |_| key.edited()>
                {key.input()}
                <label for="open311-label">{tr(Msg::Open311Label)}</label>
                <input
                    id="open311-label"
                    name="label"
                    required
                    maxlength="60"
                    prop:value=move || label.get()
                    on:input=move |ev| label.set(event_target_value(&ev))
                />
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
                                                    <p><strong>{k.label}</strong> " " <span class="muted small">{tr(Msg::Open311Fingerprint)} " " <code>{k.fingerprint}</code></span></p>
                                                    <p class="muted small">
                                                        {tr(Msg::Open311Area)} " " {k.area} " · "
                                                        {tr(Msg::Open311Issued)} " " {k.created}
                                                        {k.revoked.map(|r| view! { " · " <span class="tag">{tr(Msg::Open311Revoked)} " " {r}</span> })}
                                                    </p>
                                                    {(!revoked).then(|| view! {
                                                        <details class="action-sheet">
                                                            <summary class="btn danger">{tr(Msg::Open311Revoke)}</summary>
                                                            <ActionForm action=revoke>
                                                                <input type="hidden" name="id" value=k.id.to_string()/>
                                                                <p class="hint">{tr(Msg::Open311RevokeHint)}</p>
                                                                <button type="submit" class="btn danger">{tr(Msg::Open311ConfirmRevoke)}</button>
                                                            </ActionForm>
                                                        </details>
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
    // Without JavaScript the key is selected with one tap (user-select: all).
    view! {
        <div class="open311-new-key" role="status">
            <p>{tr(Msg::Open311NewKey)}</p>
            <p><code class="open311-key" id="open311-new-key">{key}</code></p>
            <crate::islands::CopyTo source="open311-new-key" label=tr(Msg::CopyKey) done=tr(Msg::KeyCopied)/>
        </div>
    }
}
