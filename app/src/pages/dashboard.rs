//! /admin/dashboard: 指挥中心. The figures of an area (`?area=<code>`, by default the
//! viewer's widest staff scope): orders, 民情 and elder visits, weekly charts drawn as SVG
//! on the server with their numbers in a table, the child areas to drill down into, the
//! red disputes and the overdue items; every table also as CSV. Refetches on every order
//! and 民情 event. Everything is rendered on the server, so it reads without WASM.
// Lazy islands declare their split-out code with `unsafe extern` blocks (generated).
#![allow(unsafe_code)]
use crate::components::{ErrorNotice, ErrorPage, Loading};
use crate::domain::dashboard::{bar_chart_svg, Series};
use crate::domain::sentiment::Warning;
use crate::domain::time::{format_local_date, format_local_datetime};
use crate::error::AppError;
use crate::i18n::{stage_label, Msg};
use crate::live::{use_live, Topic};
use crate::server_fns::dashboard::{
    child_cells, dashboard, kind_msg, level_msg, summary_sections, DashboardData, ItemRow, CHILD_COLUMNS,
};
use crate::{tr, use_viewer};
use leptos::prelude::*;

#[island(lazy)]
pub fn DashboardPage() -> impl IntoView {
    match use_viewer().user {
        None => view! { <ErrorPage status=401/> }.into_any(),
        Some(user) if !user.is_staff() => view! { <ErrorPage status=403/> }.into_any(),
        Some(_) => view! { <CommandCentre/> }.into_any(),
    }
}

#[component]
fn CommandCentre() -> impl IntoView {
    let live = use_live();
    let query = crate::components::use_query();
    let area = Memo::new(move |_| query.read().get("area").unwrap_or_default());
    let data = Resource::new(
        move || (area.get(), live.version(Topic::Orders), live.version(Topic::Sentiment)),
        |(area, ..)| dashboard(area),
    );
    view! {
        <div class="dashboard">
            <header class="page-head"><h1>{tr(Msg::DashTitle)}</h1></header>
            <Transition fallback=Loading>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(d) => view! { <Figures d/> }.into_any(),
                        Err(AppError::NotFound) => view! {
                            <ErrorPage status=404/>
                            <p class="card muted">{tr(Msg::DashUnknownArea)} " " <code>{area.try_get_untracked().unwrap_or_default()}</code></p>
                        }.into_any(),
                        Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                    }
                })}
            </Transition>
        </div>
    }
}

/// A link to one table as CSV, named after the table for screen readers.
fn csv_link(code: &str, table: &'static str, title: Msg) -> impl IntoView {
    let label = format!("{}：{}", tr(Msg::ExportCsv), tr(title));
    view! {
        <a class="csv" href=format!("/admin/dashboard/csv?area={code}&table={table}") download aria-label=label>
            {tr(Msg::ExportCsv)}
        </a>
    }
}

#[component]
fn Figures(d: DashboardData) -> impl IntoView {
    let locale = use_viewer().locale;
    let code = d.area.code.clone();
    let sections = summary_sections(&d.figures, locale);
    let alert = |msg: Msg, value: &str| {
        matches!(msg, Msg::DashOverdueOrders | Msg::DashOverdueItems | Msg::DashEscalated | Msg::DashRedDisputes)
            && value != "0"
    };
    let tiles = sections
        .into_iter()
        .map(|(title, rows)| {
            let sentiment = title == Msg::DashSentiment;
            // Volunteers showing the 党员 badge, with the orders (labels from the server).
            let party = if title == Msg::DashOrders { d.party.clone() } else { Vec::new() };
            view! {
                <section class="card dash-section">
                    <h2>{tr(title)}</h2>
                    <div class="kpis">
                        {rows.into_iter().map(|(msg, value, basis)| {
                            let class = if alert(msg, &value) { "kpi alert" }
                                else if matches!(msg, Msg::DashClosure | Msg::DashResolution) { "kpi pair" }
                                else { "kpi" };
                            view! {
                                <div class=class>
                                    <span class="kpi-label">{tr(msg)}</span>
                                    <strong class="kpi-value">{value}</strong>
                                    {(!basis.is_empty()).then(|| view! { <span class="kpi-basis">{basis}</span> })}
                                </div>
                            }
                        }).collect_view()}
                        {party.into_iter().map(|(label, value, basis)| view! {
                            <div class="kpi">
                                <span class="kpi-label">{label}</span>
                                <strong class="kpi-value">{value}</strong>
                                {(!basis.is_empty()).then(|| view! { <span class="kpi-basis">{basis}</span> })}
                            </div>
                        }).collect_view()}
                    </div>
                    {sentiment.then(|| view! { <p class="muted small">{tr(Msg::DashClosedNotFixed)}</p> })}
                </section>
            }
        })
        .collect_view();
    let stages = d.figures.stages.clone();
    view! {
        <div class="dash-head">
            {d.parent.clone().map(|p| view! {
                <p class="up"><a href=format!("/admin/dashboard?area={}", p.code)>"↑ " {p.name}</a></p>
            })}
            <h2 class="dash-area">
                <span class="muted">{tr(level_msg(&d.area.level))}</span> " " {d.area.name.clone()}
                " " <span class="muted small">{d.area.code.clone()}</span>
            </h2>
            <p class="muted small">
                {tr(Msg::DashPeriod)} " (" {format_local_date(d.period_start)} " – " {format_local_date(d.now)} ") · "
                {tr(Msg::DashAsOf)} " " {format_local_datetime(d.now)}
            </p>
            <p class="actions">{csv_link(&code, "summary", Msg::DashFigure)}</p>
        </div>
        <div class="dash-grid">{tiles}</div>
        <section class="card dash-section">
            <h2>{tr(Msg::DashStages)}</h2>
            <div class="table-scroll">
                <table class="dash-table stages">
                    <thead><tr><th scope="col">{tr(Msg::DashStage)}</th><th scope="col">{tr(Msg::DashCount)}</th></tr></thead>
                    <tbody>
                        {stages.into_iter().map(|s| view! {
                            <tr><th scope="row">{tr(stage_label(s.stage))}</th><td>{s.count}</td></tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
            <p class="actions">{csv_link(&code, "stages", Msg::DashStages)}</p>
        </section>
        <Charts d=d.clone()/>
        <Children d=d.clone()/>
        <ItemList code=code.clone() table="red_disputes" title=Msg::DashRedDisputes items=d.red_disputes.clone()/>
        <ItemList code=code.clone() table="overdue_items" title=Msg::DashOverdueList items=d.overdue_items.clone()/>
    }
}

#[component]
fn Charts(d: DashboardData) -> impl IntoView {
    let labels: Vec<String> = d.weeks.iter().map(|w| w.label.clone()).collect();
    let col = |f: fn(&crate::server_fns::dashboard::WeekRow) -> i64| d.weeks.iter().map(f).collect::<Vec<i64>>();
    let (placed, completed) = (col(|w| w.orders_placed), col(|w| w.orders_completed));
    let (reported, closed) = (col(|w| w.items_reported), col(|w| w.items_closed));
    let visits = col(|w| w.visits);
    let desc = tr(Msg::DashChartDesc);
    let charts = [
        (
            "chart-orders",
            Msg::DashChartOrders,
            vec![
                Series { name: tr(Msg::DashOrdersPlaced), values: &placed },
                Series { name: tr(Msg::DashOrdersCompleted), values: &completed },
            ],
        ),
        (
            "chart-items",
            Msg::DashChartItems,
            vec![
                Series { name: tr(Msg::DashItemsReported), values: &reported },
                Series { name: tr(Msg::DashItemsClosed), values: &closed },
            ],
        ),
        ("chart-visits", Msg::DashChartVisits, vec![Series { name: tr(Msg::DashVisits), values: &visits }]),
    ]
    .into_iter()
    .map(|(id, title, series)| {
        let svg = bar_chart_svg(id, tr(title), desc, &labels, &series);
        view! {
            <figure class="card chart-card">
                <figcaption><h3>{tr(title)}</h3></figcaption>
                <div class="chart-box" inner_html=svg></div>
            </figure>
        }
    })
    .collect_view();
    let weeks = d.weeks.clone();
    view! {
        <section class="dash-section charts">
            <h2>{tr(Msg::DashCharts)}</h2>
            <div class="chart-grid">{charts}</div>
            <details class="card">
                <summary>{tr(Msg::DashShowNumbers)}</summary>
                <div class="table-scroll">
                    <table class="dash-table">
                        <thead><tr>
                            <th scope="col">{tr(Msg::DashWeek)}</th>
                            <th scope="col">{tr(Msg::DashOrdersPlaced)}</th>
                            <th scope="col">{tr(Msg::DashOrdersCompleted)}</th>
                            <th scope="col">{tr(Msg::DashItemsReported)}</th>
                            <th scope="col">{tr(Msg::DashItemsClosed)}</th>
                            <th scope="col">{tr(Msg::DashVisits)}</th>
                        </tr></thead>
                        <tbody>
                            {weeks.into_iter().map(|w| view! {
                                <tr>
                                    <th scope="row">{format_local_date(w.start)}</th>
                                    <td>{w.orders_placed}</td>
                                    <td>{w.orders_completed}</td>
                                    <td>{w.items_reported}</td>
                                    <td>{w.items_closed}</td>
                                    <td>{w.visits}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                </div>
            </details>
            <p class="actions">{csv_link(&d.area.code, "weekly", Msg::DashCharts)}</p>
        </section>
    }
}

/// The child areas with their key figures, each a link one level down.
#[component]
fn Children(d: DashboardData) -> impl IntoView {
    if d.children.is_empty() {
        return ().into_any();
    }
    let locale = use_viewer().locale;
    let head = CHILD_COLUMNS.iter().map(|m| view! { <th scope="col">{tr(*m)}</th> }).collect_view();
    let rows = d
        .children
        .iter()
        .map(|c| {
            let (area, cells) = (c.area.clone(), child_cells(&c.figures, locale));
            view! {
                <tr>
                    <th scope="row">
                        <a href=format!("/admin/dashboard?area={}", area.code)>{area.name}</a>
                        <span class="muted small">{tr(level_msg(&area.level))}</span>
                    </th>
                    {cells.into_iter().map(|cell| view! { <td>{cell}</td> }).collect_view()}
                </tr>
            }
        })
        .collect_view();
    view! {
        <section class="card dash-section">
            <h2>{tr(Msg::DashChildren)}</h2>
            <p class="muted small scroll-hint">{tr(Msg::SwipeForMore)}</p>
            <div class="table-scroll">
                <table class="dash-table children">
                    <thead><tr><th scope="col">{tr(Msg::DashArea)}</th>{head}</tr></thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
            <p class="actions">{csv_link(&d.area.code, "children", Msg::DashChildren)}</p>
        </section>
    }
    .into_any()
}

/// Red disputes or overdue items, each linking to its page.
#[component]
fn ItemList(code: String, table: &'static str, title: Msg, items: Vec<ItemRow>) -> impl IntoView {
    let body = if items.is_empty() {
        view! { <p class="muted">{tr(Msg::DashNone)}</p> }.into_any()
    } else {
        view! {
            <ul class="dash-items">
                {items.into_iter().map(|i| view! {
                    <li class:red=i.warning_level == Some(Warning::Red)>
                        <a href=format!("/sentiment/{}", i.id)>{i.description.clone()}</a>
                        <p class="muted small">
                            "#" {i.id} " · " {tr(kind_msg(i.kind))} " · " {tr(stage_label(i.stage))} " · " {i.area.clone()}
                            {i.deadline.map(|t| view! { " · " {tr(Msg::DashDeadline)} " " {format_local_datetime(t)} })}
                            {(i.escalation_level > 0).then(|| view! { " · " {tr(Msg::DashEscalation)} " " {i.escalation_level} })}
                        </p>
                    </li>
                }).collect_view()}
            </ul>
        }
        .into_any()
    };
    view! {
        <section class="card dash-section">
            <h2>{tr(title)}</h2>
            {body}
            <p class="actions">{csv_link(&code, table, title)}</p>
        </section>
    }
}
