//! /admin/accounts: an area admin finds an account by name or phone and disables it (all
//! its sessions end at once) or re-enables it. A GET search form and ActionForms, so it
//! works before the WASM arrives.
// Lazy islands declare their split-out code with `unsafe extern` blocks (generated).
#![allow(unsafe_code)]
use crate::components::{action_error, reload_on_success, ErrorNotice, ErrorPage, FieldMsg, Loading};
use crate::domain::ids::{AccountId, NodeId};
use crate::domain::volunteer::PartyBadge;
use crate::i18n::Msg;
use crate::server_fns::accounts::{account_search, AccountLine, ProposePartyBadge, SetAccountDisabled, VerifyResident};
use crate::{tr, use_viewer};
use leptos::prelude::*;

#[island(lazy)]
pub fn AccountsPage() -> impl IntoView {
    match use_viewer().user {
        None => view! { <ErrorPage status=401/> }.into_any(),
        Some(user) if !user.is_area_admin() => view! { <ErrorPage status=403/> }.into_any(),
        Some(_) => view! { <Accounts/> }.into_any(),
    }
}

#[component]
fn Accounts() -> impl IntoView {
    let query = crate::components::use_query();
    let q = Memo::new(move |_| query.read().get("q").unwrap_or_default());
    let data = Resource::new(move || q.get(), account_search);
    view! {
        <header class="page-head"><h1>{tr(Msg::AccountsTitle)}</h1></header>
        <p class="muted">{tr(Msg::AccountsHint)}</p>
        <form method="get" action="/admin/accounts" class="card form" role="search">
            <label for="accounts-q">{tr(Msg::AccountsSearch)}</label>
            <input id="accounts-q" name="q" maxlength="40" value=move || q.get()/>
            <button type="submit" class="btn primary">{tr(Msg::Filter)}</button>
        </form>
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(lines) if lines.is_empty() && !q.get_untracked().is_empty() => {
                        view! { <p class="card muted">{tr(Msg::AccountsNone)}</p> }.into_any()
                    }
                    Ok(lines) => view! {
                        <ul class="accounts">{lines.into_iter().map(|l| view! { <AccountItem line=l/> }).collect_view()}</ul>
                    }.into_any(),
                    Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn AccountItem(line: AccountLine) -> impl IntoView {
    let action = ServerAction::<SetAccountDisabled>::new();
    reload_on_success(action, None);
    let error = action_error(action);
    let reason_id = format!("reason-{}", line.account_id);
    let state = if line.disabled { tr(Msg::AccountDisabledTag) } else { tr(Msg::AccountActiveTag) };
    view! {
        <li class="card" class:refused=line.disabled>
            <p><strong>{line.name.clone()}</strong> " " <span class="muted">{line.phone_masked.clone()}</span></p>
            <p class="muted small">
                {line.area.clone()} " · " <span class="tag">{state}</span> " "
                <span class="tag" class:muted=!line.verified>{tr(if line.verified { Msg::VerifiedTag } else { Msg::UnverifiedTag })}</span>
            </p>
            {(!line.units.is_empty()).then(|| view! { <VerifyForm account=line.account_id units=line.units.clone()/> })}
            {line.party.clone().map(|(party, word)| view! { <PartyBadgeLine account=line.account_id party word/> })}
            {line.may_change.then(|| view! {
                <ActionForm action=action attr:class="form">
                    <input type="hidden" name="account" value=line.account_id.to_string()/>
                    <input type="hidden" name="disabled" value=if line.disabled { "0" } else { "1" }/>
                    <label for=reason_id.clone()>{tr(Msg::AccountReason)}</label>
                    <input id=reason_id name="reason" maxlength="200" required=!line.disabled/>
                    <FieldMsg error field="reason"/>
                    {move || error.get().filter(|e| e.field_msg("reason").is_none()).map(|e| view! {
                        <p class="form-error" role="alert">{tr(e.msg())}</p>
                    })}
                    <button type="submit" class="btn" class:danger=!line.disabled>
                        {tr(if line.disabled { Msg::AccountEnable } else { Msg::AccountDisable })}
                    </button>
                </ActionForm>
            })}
        </li>
    }
}

/// A volunteer's 党员亮身份 as staff may see it: shown, proposed, or a button to propose it
/// (the volunteer is told and decides; staff cannot show it for them).
#[component]
fn PartyBadgeLine(account: AccountId, party: PartyBadge, word: String) -> impl IntoView {
    let action = ServerAction::<ProposePartyBadge>::new();
    reload_on_success(action, None);
    let error = action_error(action);
    match party {
        PartyBadge::Shown => view! { <p><span class="badge party">{word}</span></p> }.into_any(),
        PartyBadge::Proposed => view! { <p class="muted small">{word}</p> }.into_any(),
        PartyBadge::Off => view! {
            <ActionForm action=action attr:class="form inline">
                <input type="hidden" name="account" value=account.to_string()/>
                {move || error.get().map(|e| view! { <p class="form-error" role="alert">{tr(e.msg())}</p> })}
                <button type="submit" class="btn">{word}</button>
            </ActionForm>
        }
        .into_any(),
    }
}

/// 核实住户: the unit (of the person's micro-grid) and room of their household.
#[component]
fn VerifyForm(account: AccountId, units: Vec<(NodeId, String)>) -> impl IntoView {
    let action = ServerAction::<VerifyResident>::new();
    reload_on_success(action, None);
    let error = action_error(action);
    let unit_id = format!("unit-{account}");
    let room_id = format!("room-{account}");
    view! {
        <ActionForm action=action attr:class="form verify">
            <input type="hidden" name="account" value=account.to_string()/>
            <label for=unit_id.clone()>{tr(Msg::VerifyUnit)}</label>
            <select id=unit_id name="unit" required>
                {units.into_iter().map(|(id, name)| view! { <option value=id.to_string()>{name}</option> }).collect_view()}
            </select>
            <label for=room_id.clone()>{tr(Msg::VerifyRoom)}</label>
            <input id=room_id name="room" maxlength="20" inputmode="numeric" required/>
            <FieldMsg error field="room"/>
            {move || error.get().filter(|e| e.field_msg("room").is_none()).map(|e| view! {
                <p class="form-error" role="alert">{tr(e.msg())}</p>
            })}
            <button type="submit" class="btn primary">{tr(Msg::VerifyResident)}</button>
        </ActionForm>
    }
}
