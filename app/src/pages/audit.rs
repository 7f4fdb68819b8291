//! /admin/audit: every edit inside the admin's area with who, when, what, before and after;
//! filtered by person, node and dates (a GET form, so it works without JavaScript) and
//! exported as CSV with the same filters.
// Lazy islands declare their split-out code with `unsafe extern` blocks (generated).
#![allow(unsafe_code)]
use crate::components::{ErrorNotice, ErrorPage, Loading};
use crate::i18n::Msg;
use crate::server_fns::grid::audit_data;
use crate::{tr, use_viewer};
use leptos::prelude::*;

#[island(lazy)]
pub fn AuditPage() -> impl IntoView {
    match use_viewer().user {
        None => view! { <ErrorPage status=401/> }.into_any(),
        Some(user) if !user.is_area_admin() => view! { <ErrorPage status=403/> }.into_any(),
        Some(_) => view! { <Audit/> }.into_any(),
    }
}

#[component]
fn Audit() -> impl IntoView {
    let query = crate::components::use_query();
    let param = move |k: &str| query.read().get(k).unwrap_or_default();
    let filters = Memo::new(move |_| (param("person"), param("node"), param("from"), param("to")));
    let data = Resource::new(move || filters.get(), |(p, n, f, t)| audit_data(p, n, f, t));
    let csv = move || {
        let (p, n, f, t) = filters.get();
        let enc = |s: String| js_like_encode(&s);
        format!("/admin/audit/csv?person={}&node={}&from={}&to={}", enc(p), enc(n), enc(f), enc(t))
    };
    view! {
        <header class="page-head"><h1>{tr(Msg::AuditTitle)}</h1></header>
        <form method="get" action="/admin/audit" class="card form">
            <label for="audit-person">{tr(Msg::Person)}</label>
            <input id="audit-person" name="person" maxlength="40" value=move || filters.get().0/>
            <label for="audit-node">{tr(Msg::Node)}</label>
            <input id="audit-node" name="node" maxlength="40" value=move || filters.get().1/>
            <label for="audit-from">{tr(Msg::DateFrom)}</label>
            <input id="audit-from" name="from" type="date" value=move || filters.get().2/>
            <label for="audit-to">{tr(Msg::DateTo)}</label>
            <input id="audit-to" name="to" type="date" value=move || filters.get().3/>
            <button type="submit" class="btn primary">{tr(Msg::Filter)}</button>
        </form>
        <p class="actions"><a class="btn" href=csv download>{tr(Msg::ExportCsv)}</a></p>
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(lines) if lines.is_empty() => view! { <p class="card muted">{tr(Msg::NoAuditLines)}</p> }.into_any(),
                    Ok(lines) => view! {
                        <ul class="audit">
                            {lines.into_iter().map(|l| view! {
                                <li class="card" class:refused=l.refused>
                                    <p class="muted small">{l.at.clone()} " · " <span class="small">{l.node_code.clone()}</span>
                                        {l.refused.then(|| view! { " · " <span class="tag">{tr(Msg::Refused)}</span> })}</p>
                                    <p>{l.sentence.clone()}</p>
                                    {(!l.changes.is_empty()).then(|| view! {
                                        <ul class="audit-changes small">
                                            {l.changes.iter().map(|c| view! { <li>{c.clone()}</li> }).collect_view()}
                                        </ul>
                                    })}
                                    {l.note.clone().map(|d| view! { <p class="small muted">{d}</p> })}
                                </li>
                            }).collect_view()}
                        </ul>
                    }.into_any(),
                    Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// Percent-encodes a query value (UTF-8 bytes outside the unreserved set).
fn js_like_encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}
