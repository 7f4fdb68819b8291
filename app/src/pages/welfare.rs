//! /welfare: a relative who cannot reach an elder asks the grid for a welfare check
//! (public, no account), and gets a confirmation with a reference number.
// Lazy islands declare their split-out code with `unsafe extern` blocks (generated).
#![allow(unsafe_code)]
use crate::components::{FieldMsg, FormKeyState, FormMsg, TextArea};
use crate::i18n::Msg;
use crate::server_fns::elders::RequestWelfareCheck;
use crate::{echoed, tr};
use leptos::prelude::*;

#[island(lazy)]
pub fn WelfarePage(form_key: String) -> impl IntoView {
    let query = crate::components::use_query();
    let request = ServerAction::<RequestWelfareCheck>::new();
    let key = FormKeyState::new(form_key, request);
    let error = Signal::derive(move || request.value().get().and_then(|r| r.err()));
    // Plain forms come back redirected to ?ref=N; the hydrated app may also see the value.
    let sent = Signal::derive(move || {
        query
            .read()
            .get("ref")
            .and_then(|r| r.parse::<i64>().ok())
            .or_else(|| request.value().get().and_then(|r| r.ok()))
    });
    view! {
        <header class="page-head"><h1>{tr(Msg::WelfareTitle)}</h1></header>
        {move || match sent.get() {
            Some(id) => view! {
                <section class="card welfare-sent" role="status">
                    <h2>{tr(Msg::WelfareSent)}</h2>
                    <p class="welfare-ref">{tr(Msg::WelfareReference)} " " <strong>{format!("#{id}")}</strong></p>
                    <p>{move || tr(match query.read().get("reached").as_deref() {
                        Some("sorting") => Msg::WelfareSentSorting,
                        Some("nobody") => Msg::WelfareSentNobody,
                        _ => Msg::WelfareSentHint,
                    })}</p>
                    <p><a href="/welfare">{tr(Msg::WelfareAnother)}</a></p>
                </section>
            }
            .into_any(),
            None => view! {
                <section class="card welfare-form">
                    <p>{tr(Msg::WelfareIntro)}</p>
                    <ActionForm action=request attr:class="form" on:input=move |_| key.edited()>
                        {key.input()}
                        // The area of the link the form was reached from (a station's poster,
                        // a community's page): where a building the grid does not know waits.
                        {query.read_untracked().get("area").map(|area| view! { <input type="hidden" name="area" value=area/> })}
                        <label for="welfare-elder">{tr(Msg::WelfareElderName)}</label>
                        <input id="welfare-elder" name="elder_name" required maxlength="40" autocomplete="off" value=echoed("elder_name")/>
                        <FieldMsg error field="elder_name"/>
                        <label for="welfare-building">{tr(Msg::WelfareBuilding)}</label>
                        <input id="welfare-building" name="building" required maxlength="100" value=echoed("building")/>
                        <FieldMsg error field="building"/>
                        <label for="welfare-phone">{tr(Msg::WelfarePhone)}</label>
                        <input id="welfare-phone" name="phone" type="tel" inputmode="numeric" autocomplete="tel" required maxlength="20" value=echoed("phone")/>
                        <FieldMsg error field="phone"/>
                        <p class="muted">{tr(Msg::WelfarePrivacy)}</p>
                        <label for="welfare-note">{tr(Msg::WelfareNote)}</label>
                        <TextArea text=echoed("note").unwrap_or_default() attr:id="welfare-note" attr:name="note" attr:rows="3" attr:maxlength="500"/>
                        <FieldMsg error field="note"/>
                        <FormMsg error/>
                        <button type="submit" class="btn primary big">{tr(Msg::WelfareSubmit)}</button>
                    </ActionForm>
                </section>
            }
            .into_any(),
        }}
    }
}
