//! /admin: grid staff see their area with the sums of every area below it.
use crate::components::{ErrorNotice, ErrorPage, Loading};
use crate::components::{FieldMsg, FormMsg};
use crate::domain::grid::NodeLevel;
use crate::dto::AreaSummary;
use crate::i18n::{level_label, Msg};
use crate::live::{use_live, Topic};
use crate::server_fns::grid::{grid_search, MoveNode, RenameNode};
use crate::server_fns::pages::admin_data;
use crate::{tr, use_viewer};
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;

#[component]
pub fn AdminPage() -> impl IntoView {
    let viewer = use_viewer();
    match viewer.user {
        None => view! { <ErrorPage status=401/> }.into_any(),
        Some(user) if !user.is_staff() => view! { <ErrorPage status=403/> }.into_any(),
        Some(_) => view! { <AdminOverview/> }.into_any(),
    }
}

#[component]
fn AdminOverview() -> impl IntoView {
    let viewer_runs_elections = use_viewer().user.is_some_and(|u| u.is_area_admin());
    let live = use_live();
    let query = use_query_map();
    let node = Memo::new(move |_| query.read().get("node").and_then(|n| n.parse::<i64>().ok()));
    let rename = ServerAction::<RenameNode>::new();
    let moving = ServerAction::<MoveNode>::new();
    let rename_error = Signal::derive(move || rename.value().get().and_then(|r| r.err()));
    let move_error = Signal::derive(move || moving.value().get().and_then(|r| r.err()));
    let data = Resource::new(
        move || (node.get(), live.version(Topic::Grid), rename.version().get(), moving.version().get()),
        |(n, ..)| admin_data(n),
    );
    let q = Memo::new(move |_| query.read().get("q").unwrap_or_default());
    let hits = Resource::new(move || (q.get(), live.version(Topic::Grid)), |(q, _)| grid_search(q));
    view! {
        <header class="page-head"><h1>{tr(Msg::AdminTitle)}</h1></header>
        <p class="admin-links">
            <A href="/admin/queue" attr:class="btn">{tr(Msg::LeaderQueue)}</A>
            <A href="/admin/pairings" attr:class="btn">{tr(Msg::PairingsTitle)}</A>
            {viewer_runs_elections.then(|| view! { <A href="/admin/elections" attr:class="btn">{tr(Msg::ElectionsAdmin)}</A> })}
            {viewer_runs_elections.then(|| view! { <A href="/admin/audit" attr:class="btn">{tr(Msg::AuditTitle)}</A> })}
        </p>
        <form method="get" action="/admin" class="search" role="search">
            <label for="grid-search" class="visually-hidden">{tr(Msg::GridSearch)}</label>
            <input id="grid-search" type="search" name="q" maxlength="40" placeholder=tr(Msg::GridSearch) value=move || q.get()/>
            <button type="submit" class="btn">{tr(Msg::Search)}</button>
        </form>
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match hits.await {
                    Ok(list) if !list.is_empty() => view! {
                        <ul class="card hits">
                            {list.into_iter().map(|h| { let level = level_name(&h.level); view! {
                                <li><A href=format!("/admin?node={}", h.id)><span class="muted">{level}</span> " " {h.name}</A>
                                " " <span class="muted small">{h.code}</span></li>
                            }}).collect_view()}
                        </ul>
                    }.into_any(),
                    _ => ().into_any(),
                }
            })}
        </Suspense>
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(admin) => view! {
                        <section class="card" data-version=admin.version.to_string()>
                            <p class="muted">{tr(Msg::MyArea)} " · " {level_name(&admin.node.level)} " · " <span class="code">{admin.node.code.clone()}</span></p>
                            <h2>{admin.node.name.clone()}</h2>
                            <Sums area=admin.node.clone()/>
                            {admin.may_edit.then(|| { let id = admin.node.id.to_string(); let version = admin.version.to_string(); let (id2, version2) = (id.clone(), version.clone()); let name = admin.node.name.clone(); let targets = admin.move_targets.clone(); view! {
                                <ActionForm action=rename attr:class="form inline">
                                    <input type="hidden" name="id" value=id/>
                                    <input type="hidden" name="version" value=version/>
                                    <label for="node-name" class="visually-hidden">{tr(Msg::Rename)}</label>
                                    <input id="node-name" name="name" value=name maxlength="40" required/>
                                    <button type="submit" class="btn">{tr(Msg::Rename)}</button>
                                </ActionForm>
                                <FieldMsg error=rename_error field="name"/>
                                <FormMsg error=rename_error/>
                                {(!targets.is_empty()).then(|| view! {
                                    <ActionForm action=moving attr:class="form inline">
                                        <input type="hidden" name="id" value=id2/>
                                        <input type="hidden" name="version" value=version2/>
                                        <label for="move-to">{tr(Msg::MoveTo)}</label>
                                        <select id="move-to" name="parent">
                                            {targets.into_iter().map(|(t, n)| view! { <option value=t.to_string()>{n}</option> }).collect_view()}
                                        </select>
                                        <button type="submit" class="btn">{tr(Msg::Move)}</button>
                                    </ActionForm>
                                    <FormMsg error=move_error/>
                                })}
                            }})}
                        </section>
                        {(!admin.children.is_empty()).then(|| view! {
                            <h2 class="section-title">{tr(Msg::SubAreas)}</h2>
                            <ul class="areas">
                                {admin.children.into_iter().map(|c| { let id = c.id; let level = level_name(&c.level); let name = c.name.clone(); view! {
                                    <li class="card area">
                                        <A href=format!("/admin?node={id}")>
                                            <span class="muted">{level}</span> " " <strong>{name}</strong>
                                        </A>
                                        {c.leaders.clone().map(|l| view! { <p class="muted">{tr(Msg::Leader)} ": " {l}</p> })}
                                        {c.station.clone().map(|s| view! { <p class="muted">{tr(Msg::Station)} ": " {s}</p> })}
                                        <Sums area=c/>
                                    </li>
                                }}).collect_view()}
                            </ul>
                        })}
                    }.into_any(),
                    Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

fn level_name(level: &str) -> &'static str {
    NodeLevel::parse(level).map(|l| tr(level_label(l))).unwrap_or("")
}

#[component]
fn Sums(area: AreaSummary) -> impl IntoView {
    view! {
        <dl class="sums">
            <div><dt>{tr(Msg::Households)}</dt><dd>{area.households}</dd></div>
            <div><dt>{tr(Msg::Residents)}</dt><dd>{area.residents}</dd></div>
            <div><dt>{tr(Msg::OverSixty)}</dt><dd>{area.over_sixty}</dd></div>
            <div><dt>{tr(Msg::LivingAlone)}</dt><dd>{area.living_alone}</dd></div>
            <div><dt>{tr(Msg::OpenOrders)}</dt><dd>{area.open_orders}</dd></div>
        </dl>
    }
}
