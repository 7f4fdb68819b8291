//! 指挥中心: the figures of an area (subdistrict, community, grid or micro-grid) for the
//! staff whose scope covers it, with its child areas for drilling down, and the same
//! tables as CSV. Reads only: nothing is written or audited.
use crate::domain::dashboard::{minutes, Ratio, NO_VALUE};
use crate::domain::sentiment::{Kind, Stage, Warning};
use crate::error::AppError;
use crate::i18n::{stage_label, Locale, Msg};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use {
    super::ctx,
    crate::domain::dashboard::{period_start, week_starts},
    crate::repo::dashboard_repo,
    crate::session::SessionUser,
    crate::state::AppState,
};

/// A node of the grid as the dashboard names it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AreaRef {
    pub code: String,
    pub name: String,
    /// `subdistrict`, `community`, `grid` or `micro_grid`.
    pub level: String,
}

/// The figures of one area. Rates carry their numerator and denominator.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AreaFigures {
    /// Orders waiting to be taken now (待接单).
    pub open_orders: i64,
    /// Open orders escalated because nobody took them within their limit.
    pub overdue_orders: i64,
    /// Orders taken, in service or awaiting confirmation now.
    pub orders_in_progress: i64,
    /// Orders placed in the period (the last 12 weeks), completed and cancelled of those.
    pub orders_placed: i64,
    pub orders_completed: i64,
    pub orders_cancelled: i64,
    /// completed / (placed − cancelled), over orders placed in the period.
    pub completion: Ratio,
    /// Sum of ratings / rated completed orders placed in the period (an average).
    pub rating: Ratio,
    /// 4–5 star ratings / rated completed orders placed in the period.
    pub high_rating: Ratio,
    /// Orders taken in the period and the median of taken_at − created_at, in seconds.
    pub orders_taken: i64,
    pub median_take_seconds: Option<i64>,
    /// 民情 items now at each stage, in `domain::sentiment::Stage::ALL` order.
    pub stages: Vec<StageCount>,
    /// Items in the open loop (reported … verified).
    pub items_open: i64,
    /// handled_at ≤ deadline / items with a deadline and handled_at.
    pub on_time: Ratio,
    /// closed / items not voided.
    pub closure: Ratio,
    /// closed with resident_resolved = 1 / closed. Closed is not fixed.
    pub resolution: Ratio,
    /// reworked (rework_count > 0) / items that reached handled.
    pub rework: Ratio,
    /// Reported, accepted or dispatched items past their deadline; escalated (督办) ones.
    pub items_overdue: i64,
    pub items_escalated: i64,
    /// Live disputes at the red warning level.
    pub red_disputes: i64,
    /// Elders in the register visited in the last 7 days / elders in the register.
    pub elder_coverage: Ratio,
    /// Volunteers living here who show the 党员 badge, and their confirmed hours.
    pub party_volunteers: i64,
    pub party_minutes: i64,
    /// Completed orders of the period taken by them / completed orders of the period.
    pub party_share: Ratio,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StageCount {
    pub stage: Stage,
    pub count: i64,
}

/// One child area in the drill-down table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChildRow {
    pub area: AreaRef,
    pub figures: AreaFigures,
}

/// One week of the charts (a rolling window of 7 days ending at `start` + 7 days).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WeekRow {
    pub start: i64,
    /// The first day of the week, `MM-DD` in China.
    pub label: String,
    pub orders_placed: i64,
    pub orders_completed: i64,
    pub items_reported: i64,
    pub items_closed: i64,
    pub visits: i64,
}

/// A 民情 item in a list, linking to `/sentiment/<id>`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ItemRow {
    pub id: i64,
    pub kind: Kind,
    pub stage: Stage,
    pub description: String,
    /// The micro-grid it sits in.
    pub area: String,
    pub deadline: Option<i64>,
    pub escalation_level: i64,
    pub warning_level: Option<Warning>,
    pub created_at: i64,
}

/// Everything `/admin/dashboard` shows for an area.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DashboardData {
    pub area: AreaRef,
    /// The parent area, when the viewer's scope covers it too (the way back up).
    pub parent: Option<AreaRef>,
    pub now: i64,
    pub period_start: i64,
    pub figures: AreaFigures,
    pub weeks: Vec<WeekRow>,
    /// Child areas with their figures; empty for a micro-grid.
    pub children: Vec<ChildRow>,
    pub red_disputes: Vec<ItemRow>,
    pub overdue_items: Vec<ItemRow>,
    /// The area's volunteers showing the 党员 badge, as (label, value, basis) in the
    /// viewer's words: how many, their confirmed hours, their share of completed orders.
    pub party: Vec<(String, String, String)>,
}

/// The tables of the page, each exported at `/admin/dashboard/csv?area=…&table=…`.
pub const TABLES: [&str; 6] = ["summary", "stages", "weekly", "children", "red_disputes", "overdue_items"];

/// 指挥中心: the figures of `area` (a node code; empty = the viewer's widest staff scope).
#[server(endpoint = "dashboard")]
pub async fn dashboard(#[server(default)] area: String) -> Result<DashboardData, AppError> {
    let state = ctx::state()?;
    let user = ctx::require_user()?;
    let mut data = dashboard_for(&state, &user, &area, crate::repo::now()).await?;
    let locale = ctx::viewer().locale;
    let f = &data.figures;
    let word = |m: crate::i18n::ServerMsg| m.text(locale).to_string();
    use crate::i18n::ServerMsg;
    data.party = vec![
        (word(ServerMsg::DashPartyVolunteers), f.party_volunteers.to_string(), String::new()),
        (
            word(ServerMsg::DashPartyHours),
            format!("{:.1}", crate::domain::order::hours(f.party_minutes)),
            String::new(),
        ),
        (word(ServerMsg::DashPartyShare), f.party_share.percent_text(), f.party_share.fraction_text()),
    ];
    Ok(data)
}

/// Levels the dashboard covers: records hang off micro-grids, so buildings and units have none.
#[cfg(feature = "ssr")]
const LEVELS: [&str; 4] = ["subdistrict", "community", "grid", "micro_grid"];

/// The dashboard of `area` as `user` may see it at `now`. Who may: grid staff whose scope
/// covers the area (`staff_scope_covers`): subdistrict and community admins for their
/// areas, grid leaders for their grid, micro-grid members for their micro-grid. A code
/// outside the viewer's scope is refused before it is looked up, so a refusal never tells
/// whether an area exists; an unknown code inside it is not found.
#[cfg(feature = "ssr")]
pub async fn dashboard_for(
    state: &AppState,
    user: &SessionUser,
    area: &str,
    now: i64,
) -> Result<DashboardData, AppError> {
    let scope = user.widest_staff_scope().ok_or(AppError::Forbidden)?;
    let code = match area.trim() {
        "" => scope.node_code.clone(),
        code => code.to_string(),
    };
    if !user.staff_scope_covers(&code) {
        return Err(AppError::Forbidden);
    }
    let node = dashboard_repo::area(&state.pool, &code).await?.ok_or(AppError::NotFound)?;
    if !LEVELS.contains(&node.level.as_str()) {
        return Err(AppError::NotFound);
    }
    let children =
        if node.level == "micro_grid" { Vec::new() } else { dashboard_repo::children(&state.pool, node.id).await? };
    let pool = &state.pool;
    let own = code.len();
    let mut figures = figures_by_group(state, &code, own, now).await?;
    // Children all have codes of one length (the parent's plus the level's segment).
    let child_len = children.first().map(|c| c.0.len());
    let mut child_figures = match child_len {
        Some(len) => figures_by_group(state, &code, len, now).await?,
        None => Default::default(),
    };
    let weekly = dashboard_repo::weekly(pool, &code, now).await?;
    let weeks = week_starts(now)
        .into_iter()
        .enumerate()
        .map(|(w, start)| WeekRow {
            start,
            label: crate::domain::time::format_local_date(start).get(5..).unwrap_or_default().to_string(),
            orders_placed: weekly.orders_placed[w],
            orders_completed: weekly.orders_completed[w],
            items_reported: weekly.items_reported[w],
            items_closed: weekly.items_closed[w],
            visits: weekly.visits[w],
        })
        .collect();
    let item_row = |i: dashboard_repo::ItemLine| ItemRow {
        id: i.id,
        kind: i.kind,
        stage: i.stage,
        description: i.description,
        area: i.area,
        deadline: i.deadline,
        escalation_level: i.escalation_level,
        warning_level: i.warning_level,
        created_at: i.created_at,
    };
    let parent = match (node.parent_code, node.parent_name) {
        (Some(code), Some(name)) if user.staff_scope_covers(&code) => {
            let level = match node.level.as_str() {
                "community" => "subdistrict",
                "grid" => "community",
                _ => "grid",
            };
            Some(AreaRef { code, name, level: level.to_string() })
        }
        _ => None,
    };
    let red_disputes = dashboard_repo::red_disputes(pool, &code).await?.into_iter().map(item_row).collect();
    let overdue_items = dashboard_repo::overdue_items(pool, &code, now).await?.into_iter().map(item_row).collect();
    Ok(DashboardData {
        figures: figures.remove(&code).unwrap_or_else(empty_figures),
        area: AreaRef { code, name: node.name, level: node.level },
        parent,
        now,
        period_start: period_start(now),
        weeks,
        children: children
            .into_iter()
            .map(|(code, name, level)| ChildRow {
                figures: child_figures.remove(&code).unwrap_or_else(empty_figures),
                area: AreaRef { code, name, level },
            })
            .collect(),
        red_disputes,
        overdue_items,
        party: Vec::new(),
    })
}

/// The figures of an area with nothing in it.
#[cfg(feature = "ssr")]
fn empty_figures() -> AreaFigures {
    AreaFigures { stages: stage_counts(&Default::default()), ..Default::default() }
}

#[cfg(feature = "ssr")]
fn stage_counts(s: &dashboard_repo::SentimentCounts) -> Vec<StageCount> {
    Stage::ALL
        .into_iter()
        .map(|stage| StageCount {
            stage,
            count: match stage {
                Stage::Collected => s.collected,
                Stage::Reported => s.reported,
                Stage::Accepted => s.accepted,
                Stage::Dispatched => s.dispatched,
                Stage::Handled => s.handled,
                Stage::Verified => s.verified,
                Stage::Closed => s.closed,
                Stage::Voided => s.voided,
                Stage::Parked => s.parked,
            },
        })
        .collect()
}

/// The figures of every group of `group_len` code characters inside `prefix`: one query
/// per record table for all groups together.
#[cfg(feature = "ssr")]
async fn figures_by_group(
    state: &AppState,
    prefix: &str,
    group_len: usize,
    now: i64,
) -> Result<std::collections::HashMap<String, AreaFigures>, AppError> {
    use std::collections::HashMap;
    let pool = &state.pool;
    let mut out: HashMap<String, AreaFigures> = HashMap::new();
    for o in dashboard_repo::order_counts(pool, prefix, group_len, now).await? {
        let f = out.entry(o.grp.clone()).or_insert_with(empty_figures);
        f.open_orders = o.open;
        f.overdue_orders = o.overdue;
        f.orders_in_progress = o.in_progress;
        f.orders_placed = o.placed;
        f.orders_completed = o.completed;
        f.orders_cancelled = o.cancelled;
        f.completion = Ratio::new(o.completed, o.placed - o.cancelled);
        f.rating = Ratio::new(o.rating_sum, o.rated);
        f.high_rating = Ratio::new(o.rated_high, o.rated);
        f.party_share = Ratio::new(o.party_completed, o.completed);
    }
    for (grp, taken, median) in dashboard_repo::take_medians(pool, prefix, group_len, now).await? {
        let f = out.entry(grp).or_insert_with(empty_figures);
        f.orders_taken = taken;
        f.median_take_seconds = Some(median);
    }
    for s in dashboard_repo::sentiment_counts(pool, prefix, group_len, now).await? {
        let f = out.entry(s.grp.clone()).or_insert_with(empty_figures);
        f.stages = stage_counts(&s);
        f.items_open = s.reported + s.accepted + s.dispatched + s.handled + s.verified;
        f.on_time = Ratio::new(s.on_time, s.timed);
        let all: i64 = f.stages.iter().map(|c| c.count).sum();
        f.closure = Ratio::new(s.closed, all - s.voided);
        f.resolution = Ratio::new(s.resolved, s.closed);
        f.rework = Ratio::new(s.reworked, s.reached_handled);
        f.items_overdue = s.overdue;
        f.items_escalated = s.escalated;
        f.red_disputes = s.red;
    }
    for (grp, elders, visited) in dashboard_repo::elder_coverage(pool, prefix, group_len, now).await? {
        out.entry(grp).or_insert_with(empty_figures).elder_coverage = Ratio::new(visited, elders);
    }
    for (grp, volunteers, minutes) in dashboard_repo::party_volunteers(pool, prefix, group_len).await? {
        let f = out.entry(grp).or_insert_with(empty_figures);
        f.party_volunteers = volunteers;
        f.party_minutes = minutes;
    }
    Ok(out)
}

/// The label of a grid level as stored.
pub fn level_msg(level: &str) -> Msg {
    crate::domain::grid::NodeLevel::parse(level).map(crate::i18n::level_label).unwrap_or(Msg::DashArea)
}

/// A median time to take: "25 分钟", "1 小时 5 分钟", or "—".
pub fn duration_text(seconds: Option<i64>, locale: Locale) -> String {
    let Some(seconds) = seconds else { return NO_VALUE.to_string() };
    let m = minutes(seconds);
    let (min, hours) = (Msg::DashMinutes.text(locale), Msg::DashHours.text(locale));
    if m < 60 {
        format!("{m} {min}")
    } else {
        format!("{} {hours} {} {min}", m / 60, m % 60)
    }
}

/// One summary figure: (label, value, what it is made of).
pub type SummaryRow = (Msg, String, String);

/// The summary figures by section (orders, 民情, elder visits), each headed by its title.
pub fn summary_sections(f: &AreaFigures, locale: Locale) -> [(Msg, Vec<SummaryRow>); 3] {
    let n = |v: i64| (v.to_string(), String::new());
    let rate = |r: Ratio| (r.percent_text(), r.fraction_text());
    let rows = |list: Vec<(Msg, (String, String))>| list.into_iter().map(|(m, (v, b))| (m, v, b)).collect();
    [
        (
            Msg::DashOrders,
            rows(vec![
                (Msg::DashOpenOrders, n(f.open_orders)),
                (Msg::DashOverdueOrders, n(f.overdue_orders)),
                (Msg::DashInProgress, n(f.orders_in_progress)),
                (Msg::DashOrdersPlaced, n(f.orders_placed)),
                (Msg::DashOrdersCompleted, n(f.orders_completed)),
                (Msg::DashOrdersCancelled, n(f.orders_cancelled)),
                (Msg::DashCompletion, rate(f.completion)),
                (Msg::DashMedianTake, (duration_text(f.median_take_seconds, locale), format!("n={}", f.orders_taken))),
                (Msg::DashAvgRating, (f.rating.average_text(), format!("n={}", f.rating.den))),
                (Msg::DashHighRating, rate(f.high_rating)),
            ]),
        ),
        (
            Msg::DashSentiment,
            rows(vec![
                (Msg::DashItemsOpen, n(f.items_open)),
                (Msg::DashOnTime, rate(f.on_time)),
                (Msg::DashClosure, rate(f.closure)),
                (Msg::DashResolution, rate(f.resolution)),
                (Msg::DashRework, rate(f.rework)),
                (Msg::DashOverdueItems, n(f.items_overdue)),
                (Msg::DashEscalated, n(f.items_escalated)),
                (Msg::DashRedDisputes, n(f.red_disputes)),
            ]),
        ),
        (Msg::DashElders, rows(vec![(Msg::DashCoverage, rate(f.elder_coverage))])),
    ]
}

/// The columns of the drill-down table after the area.
pub const CHILD_COLUMNS: [Msg; 11] = [
    Msg::DashOpenOrders,
    Msg::DashOverdueOrders,
    Msg::DashCompletion,
    Msg::DashMedianTake,
    Msg::DashAvgRating,
    Msg::DashItemsOpen,
    Msg::DashOverdueItems,
    Msg::DashClosure,
    Msg::DashResolution,
    Msg::DashCoverage,
    Msg::DashRedDisputes,
];

/// A child area's cells under `CHILD_COLUMNS`.
pub fn child_cells(f: &AreaFigures, locale: Locale) -> Vec<String> {
    vec![
        f.open_orders.to_string(),
        f.overdue_orders.to_string(),
        f.completion.percent_text(),
        duration_text(f.median_take_seconds, locale),
        f.rating.average_text(),
        f.items_open.to_string(),
        f.items_overdue.to_string(),
        f.closure.percent_text(),
        f.resolution.percent_text(),
        f.elder_coverage.percent_text(),
        f.red_disputes.to_string(),
    ]
}

/// The kind of a 民情 item, as the dashboard names it.
pub fn kind_msg(kind: Kind) -> Msg {
    match kind {
        Kind::Dispute => Msg::DashKindDispute,
        Kind::Inspection => Msg::DashKindInspection,
        Kind::Report => Msg::DashKindReport,
    }
}

/// One table of a dashboard as CSV (with a BOM for spreadsheet programs), headed in the
/// viewer's language; `None` for an unknown table.
pub fn dashboard_csv(d: &DashboardData, table: &str, locale: Locale) -> Option<String> {
    use crate::domain::csv::row;
    use crate::domain::time::{format_local_date, format_local_datetime};
    let t = |m: Msg| m.text(locale).to_string();
    let mut out = String::from("\u{feff}");
    match table {
        "summary" => {
            out += &row(&[t(Msg::DashFigure), t(Msg::DashValue), t(Msg::DashBasis)]);
            for (msg, value, basis) in summary_sections(&d.figures, locale).into_iter().flat_map(|(_, rows)| rows) {
                out += &row(&[t(msg), value, basis]);
            }
        }
        "stages" => {
            out += &row(&[t(Msg::DashStage), t(Msg::DashStageKey), t(Msg::DashCount)]);
            for s in &d.figures.stages {
                out += &row(&[t(stage_label(s.stage)), s.stage.as_str().to_string(), s.count.to_string()]);
            }
        }
        "weekly" => {
            out += &row(&[
                t(Msg::DashWeek),
                t(Msg::DashOrdersPlaced),
                t(Msg::DashOrdersCompleted),
                t(Msg::DashItemsReported),
                t(Msg::DashItemsClosed),
                t(Msg::DashVisits),
            ]);
            for w in &d.weeks {
                out += &row(&[
                    format_local_date(w.start),
                    w.orders_placed.to_string(),
                    w.orders_completed.to_string(),
                    w.items_reported.to_string(),
                    w.items_closed.to_string(),
                    w.visits.to_string(),
                ]);
            }
        }
        "children" => {
            let mut head = vec![t(Msg::DashArea), t(Msg::DashCode)];
            head.extend(CHILD_COLUMNS.iter().map(|m| t(*m)));
            out += &row(&head);
            for c in &d.children {
                let mut cells = vec![c.area.name.clone(), c.area.code.clone()];
                cells.extend(child_cells(&c.figures, locale));
                out += &row(&cells);
            }
        }
        "red_disputes" | "overdue_items" => {
            let items = if table == "red_disputes" { &d.red_disputes } else { &d.overdue_items };
            out += &row(&[
                t(Msg::DashItemNo),
                t(Msg::DashKind),
                t(Msg::DashStage),
                t(Msg::DashItem),
                t(Msg::DashArea),
                t(Msg::DashDeadline),
                t(Msg::DashEscalation),
                t(Msg::DashCreated),
            ]);
            for i in items {
                out += &row(&[
                    i.id.to_string(),
                    t(kind_msg(i.kind)),
                    t(stage_label(i.stage)),
                    i.description.clone(),
                    i.area.clone(),
                    i.deadline.map(format_local_datetime).unwrap_or_default(),
                    i.escalation_level.to_string(),
                    format_local_datetime(i.created_at),
                ]);
            }
        }
        _ => return None,
    }
    Some(out)
}

/// `GET /admin/dashboard/csv?area=…&table=…`: (file name, CSV) for the viewer, refused
/// exactly as the page is; an unknown table is not found.
#[cfg(feature = "ssr")]
pub async fn csv_export(
    state: &AppState,
    user: &SessionUser,
    area: &str,
    table: &str,
    locale: Locale,
) -> Result<(String, String), AppError> {
    let d = dashboard_for(state, user, area, crate::repo::now()).await?;
    let csv = dashboard_csv(&d, table, locale).ok_or(AppError::NotFound)?;
    Ok((format!("dashboard-{}-{table}.csv", d.area.code), csv))
}
