//! /admin and /admin/grids: the grid editor. Grid staff see their area as a tree with the
//! sums of every area below; community and subdistrict admins edit it together, live.
//! On a phone a node is tapped and edited from its sheet; on a desktop it can also be
//! dragged onto a new parent.
// Lazy islands declare their split-out code with `unsafe extern` blocks (generated).
#![allow(unsafe_code)]
use crate::components::{ErrorNotice, ErrorPage, FieldMsg, FormKeyState, FormMsg, Loading, SearchSelect};
use crate::domain::grid::NodeLevel;
use crate::domain::ids::{AccountId, NodeId};
use crate::dto::{AdminView, AreaSummary};
use crate::error::AppError;
use crate::i18n::{level_label, Msg};
use crate::live::{use_live, LiveVersions, Topic};
use crate::server_fns::grid::admin_data;
use crate::server_fns::grid::{
    grid_children, grid_presence, grid_search, AssignStaff, CreateNode, DeleteNode, MergeNode, MoveNode, RemoveStaff,
    RenameNode, SplitNode, UndoGridEdit,
};
use crate::{tr, use_viewer};
use leptos::prelude::*;

#[island(lazy)]
pub fn GridPage(form_key: String) -> impl IntoView {
    let viewer = use_viewer();
    match viewer.user {
        None => view! { <ErrorPage status=401/> }.into_any(),
        Some(user) if !user.is_staff() => view! { <ErrorPage status=403/> }.into_any(),
        Some(_) => view! { <GridEditor form_key/> }.into_any(),
    }
}

/// The node being dragged on a desktop: (id, version, level).
#[derive(Clone, Copy)]
struct Dragging(RwSignal<Option<(NodeId, i64, NodeLevel)>>);

/// The nodes expanded in place; they stay expanded when a live update redraws the tree.
#[derive(Clone, Copy)]
struct Expanded(RwSignal<std::collections::HashSet<NodeId>>);

/// Every edit the page can make; one set per page so any form refreshes the data.
#[derive(Clone, Copy)]
struct Edits {
    rename: ServerAction<RenameNode>,
    moving: ServerAction<MoveNode>,
    create: ServerAction<CreateNode>,
    delete: ServerAction<DeleteNode>,
    merge: ServerAction<MergeNode>,
    split: ServerAction<SplitNode>,
    assign: ServerAction<AssignStaff>,
    remove: ServerAction<RemoveStaff>,
    undo: ServerAction<UndoGridEdit>,
    /// The key of the 添加下级 form.
    create_key: FormKeyState,
    /// The error of each edit's last submission, made once for the page (the forms come
    /// and go with every live update; these do not).
    errors: EditErrors,
}

#[derive(Clone, Copy)]
struct EditErrors {
    rename: Signal<Option<AppError>>,
    moving: Signal<Option<AppError>>,
    create: Signal<Option<AppError>>,
    delete: Signal<Option<AppError>>,
    merge: Signal<Option<AppError>>,
    split: Signal<Option<AppError>>,
    assign: Signal<Option<AppError>>,
    remove: Signal<Option<AppError>>,
    undo: Signal<Option<AppError>>,
}

impl Edits {
    fn new(form_key: String) -> Self {
        let rename = ServerAction::new();
        let moving = ServerAction::new();
        let create = ServerAction::new();
        let delete = ServerAction::new();
        let merge = ServerAction::new();
        let split = ServerAction::new();
        let assign = ServerAction::new();
        let remove = ServerAction::new();
        let undo = ServerAction::new();
        let errors = EditErrors {
            rename: error_of(rename),
            moving: error_of(moving),
            create: error_of(create),
            delete: error_of(delete),
            merge: error_of(merge),
            split: error_of(split),
            assign: error_of(assign),
            remove: error_of(remove),
            undo: error_of(undo),
        };
        let create_key = FormKeyState::new(form_key, create);
        Self { rename, moving, create, delete, merge, split, assign, remove, undo, create_key, errors }
    }

    /// Changes whenever any edit finishes.
    fn versions(&self) -> [usize; 9] {
        [
            self.rename.version().get(),
            self.moving.version().get(),
            self.create.version().get(),
            self.delete.version().get(),
            self.merge.version().get(),
            self.split.version().get(),
            self.assign.version().get(),
            self.remove.version().get(),
            self.undo.version().get(),
        ]
    }
}

fn error_of<A>(action: ServerAction<A>) -> Signal<Option<AppError>>
where
    A: server_fn::ServerFn<Output = (), Error = AppError> + Clone + Send + Sync + 'static,
{
    Signal::derive(move || action.value().get().and_then(|r| r.err()))
}

#[component]
fn GridEditor(form_key: String) -> impl IntoView {
    let viewer_runs_elections = use_viewer().user.is_some_and(|u| u.is_area_admin());
    let live = use_live();
    let query = crate::components::use_query();
    let node = Memo::new(move |_| query.read().get("node").and_then(|n| n.parse::<NodeId>().ok()));
    let edits = Edits::new(form_key);
    provide_context(edits);
    provide_context(Dragging(RwSignal::new(None)));
    provide_context(Expanded(RwSignal::new(Default::default())));
    // The admin's unsent rename: (the version it was started against, the text). A live
    // update never replaces what is being typed; sending it against an older version is
    // refused and shows the current value beside it.
    let draft = RwSignal::new(None::<(i64, String)>);
    // The edit sheet stays open across live updates.
    let sheet = RwSignal::new(false);
    Effect::new(move |_| {
        node.track();
        draft.set(None);
    });
    Effect::new(move |_| {
        if matches!(edits.rename.value().get(), Some(Ok(()))) {
            draft.set(None);
        }
    });
    let data =
        Resource::new(move || (node.get(), live.version(Topic::Grid), edits.versions()), |(n, ..)| admin_data(n));
    let q = Memo::new(move |_| query.read().get("q").unwrap_or_default());
    let hits = Resource::new(move || (q.get(), live.version(Topic::Grid)), |(q, _)| grid_search(q));
    view! {
        <header class="page-head"><h1>{tr(Msg::GridEditor)}</h1></header>
        <p class="admin-links">
            <a href="/admin/dashboard" class="btn">{tr(Msg::DashTitle)}</a>
            <a href="/sentiment" class="btn">{tr(Msg::SentimentLog)}</a>
            <a href="/elders" class="btn">{tr(Msg::EldersTitle)}</a>
            <a href="/admin/queue" class="btn">{tr(Msg::LeaderQueue)}</a>
            <a href="/admin/pairings" class="btn">{tr(Msg::PairingsTitle)}</a>
            {viewer_runs_elections.then(|| view! { <a href="/admin/elections" class="btn">{tr(Msg::ElectionsAdmin)}</a> })}
            {viewer_runs_elections.then(|| view! { <a href="/admin/audit" class="btn">{tr(Msg::AuditTitle)}</a> })}
            {viewer_runs_elections.then(|| view! { <a href="/admin/accounts" class="btn">{tr(Msg::AccountsTitle)}</a> })}
            {viewer_runs_elections.then(|| view! { <a href="/admin/open311" class="btn">{tr(Msg::Open311Title)}</a> })}
        </p>
        <form method="get" action="/admin/grids" class="search" role="search">
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
                                <li><a href=format!("/admin/grids?node={}", h.id)><span class="muted">{level}</span> " " {h.name}</a>
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
                    Ok(admin) => view! { <NodeView admin draft sheet live/> }.into_any(),
                    Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// The node in focus: its card, its edit sheet and the tree below it.
#[component]
fn NodeView(
    admin: AdminView,
    draft: RwSignal<Option<(i64, String)>>,
    sheet: RwSignal<bool>,
    live: LiveVersions,
) -> impl IntoView {
    let id = admin.node.id;
    let may_edit = admin.may_edit;
    let children = admin.children.clone();
    view! {
        // What the viewer's last edit did, in words, next to the way to undo it.
        {admin.last_edit.clone().map(|l| view! {
            <section class="card ok last-edit" role="status">
                <p><strong>{tr(Msg::YouJust)}</strong> " " {l.sentence.clone()}</p>
                {(!l.changes.is_empty()).then(|| view! {
                    <ul class="audit-changes small">
                        {l.changes.iter().map(|c| view! { <li>{c.clone()}</li> }).collect_view()}
                    </ul>
                })}
            </section>
        })}
        <section class="card node" data-version=admin.version.to_string()>
            {admin.parent.clone().map(|(p, name)| view! {
                <p class="up"><a href=format!("/admin/grids?node={p}")>"↑ " {name}</a></p>
            })}
            <p class="muted">{tr(Msg::MyArea)} " · " {level_name(&admin.node.level)} " · " <span class="code">{admin.node.code.clone()}</span></p>
            <h2>{admin.node.name.clone()}</h2>
            <Presence node=id live/>
            <Sums area=admin.node.clone()/>
            <Staff staff=admin.staff.clone() may_edit/>
            {admin.node.station.clone().map(|s| view! { <p class="muted">{tr(Msg::Station)} ": " {s}</p> })}
            {may_edit.then(|| view! { <EditSheet admin=admin.clone() draft sheet/> })}
        </section>
        {(!children.is_empty()).then(|| view! {
            <h2 class="section-title">{tr(Msg::SubAreas)}</h2>
            {may_edit.then(|| view! { <p class="muted small desktop-only">{tr(Msg::DragHint)}</p> })}
            <ul class="areas tree">
                {children.into_iter().map(|c| view! { <TreeItem area=c may_edit/> }).collect_view()}
            </ul>
        })}
    }
}

/// 正在编辑: the other admins with this subtree open. Checks in every 15 s and when
/// someone arrives or leaves for another node.
#[component]
fn Presence(node: NodeId, live: LiveVersions) -> impl IntoView {
    let tick = RwSignal::new(0u32);
    Effect::new(move |_| {
        if let Ok(handle) =
            set_interval_with_handle(move || tick.update(|t| *t += 1), std::time::Duration::from_secs(15))
        {
            on_cleanup(move || handle.clear());
        }
    });
    // Asked from the browser only, once the page is interactive: the check-in is this
    // viewer's, and the server's page would otherwise not match the island's first view.
    let others = RwSignal::new(Vec::<String>::new());
    Effect::new(move |_| {
        let _ = (live.version(Topic::Presence), tick.get());
        leptos::task::spawn_local(async move {
            if let Ok(names) = grid_presence(node).await {
                let _ = others.try_set(names);
            }
        });
    });
    move || {
        let names = others.get();
        (!names.is_empty()).then(|| {
            view! {
                <p class="presence" role="status">{tr(Msg::EditingNow)} ": " {names.join("、")}</p>
            }
        })
    }
}

#[component]
fn Staff(staff: Vec<(i64, String, String)>, may_edit: bool) -> impl IntoView {
    let edits = expect_context::<Edits>();
    let remove_error = edits.errors.remove;
    let role_name = |role: &str| if role == "grid_leader" { tr(Msg::GridLeader) } else { tr(Msg::GridMembers) };
    (!staff.is_empty()).then(|| {
        view! {
            <ul class="staff">
                {staff.into_iter().map(|(assignment, role, name)| view! {
                    <li>
                        <span class="muted">{role_name(&role)}</span> " " {name.clone()}
                        {may_edit.then(|| view! {
                            <ActionForm action=edits.remove attr:class="inline">
                                <input type="hidden" name="assignment" value=assignment.to_string()/>
                                <button type="submit" class="btn small" aria-label=format!("{} {name}", tr(Msg::RemoveStaff))>{tr(Msg::RemoveStaff)}</button>
                            </ActionForm>
                        })}
                    </li>
                }).collect_view()}
            </ul>
            <FormMsg error=remove_error/>
        }
    })
}

/// Every edit of the node, in one sheet that opens from the node's card.
#[component]
fn EditSheet(admin: AdminView, draft: RwSignal<Option<(i64, String)>>, sheet: RwSignal<bool>) -> impl IntoView {
    let edits = expect_context::<Edits>();
    let (id, version) = (admin.node.id, admin.version);
    let current = admin.node.name.clone();
    let level = NodeLevel::parse(&admin.node.level);
    let rename_error = edits.errors.rename;
    let stale = move || matches!(rename_error.get(), Some(AppError::Conflict(Msg::ErrGridStale)));
    let shown_version = move || draft.with(|d| d.as_ref().map(|d| d.0)).unwrap_or(version).to_string();
    let shown_name = {
        let current = current.clone();
        move || draft.with(|d| d.as_ref().map(|d| d.1.clone())).unwrap_or_else(|| current.clone())
    };
    let redo = {
        let node = admin.node.id;
        move |_| {
            if let Some((_, name)) = draft.get_untracked() {
                edits.rename.dispatch(RenameNode { id: node, version, name });
            }
        }
    };
    let child_level = level.and_then(|l| l.child());
    let buildings: Vec<(NodeId, String)> = admin
        .children
        .iter()
        .filter(|c| c.level == NodeLevel::Building.as_str())
        .map(|c| (c.id, c.name.clone()))
        .collect();
    let leader_level = match level {
        Some(NodeLevel::Grid) => Some(Msg::AssignLeader),
        Some(NodeLevel::MicroGrid) => Some(Msg::AddMember),
        _ => None,
    };
    view! {
        <details class="action-sheet edit-sheet" prop:open=move || sheet.get()>
            <summary class="btn" on:click=move |ev| {
                ev.prevent_default();
                sheet.update(|open| *open = !*open);
            }>{tr(Msg::EditActions)}</summary>
            <div class="sheet-body">
                <ActionForm action=edits.rename attr:class="form inline">
                    <input type="hidden" name="id" value=id.to_string()/>
                    // `value` for the page as the server renders it (also without JavaScript),
                    // `prop:value` to follow a draft kept across a conflict.
                    <input type="hidden" name="version" value=shown_version prop:value=shown_version/>
                    <label for="node-name" class="visually-hidden">{tr(Msg::Rename)}</label>
                    <input id="node-name" name="name" maxlength="40" required value=shown_name.clone() prop:value=shown_name
                        on:input=move |ev| {
                            let text = event_target_value(&ev);
                            draft.update(|d| match d {
                                Some(d) => d.1 = text,
                                None => *d = Some((version, text)),
                            });
                        }/>
                    <button type="submit" class="btn">{tr(Msg::Rename)}</button>
                </ActionForm>
                <FieldMsg error=rename_error field="name"/>
                <FormMsg error=rename_error/>
                {move || (stale() && draft.with(|d| d.is_some())).then(|| view! {
                    <div class="conflict" role="alert">
                        <p>{tr(Msg::CurrentValue)} ": " <strong>{current.clone()}</strong></p>
                        <p>{tr(Msg::YourEdit)} ": " <strong>{draft.get().map(|d| d.1).unwrap_or_default()}</strong></p>
                        <button type="button" class="btn primary" on:click=redo>{tr(Msg::RedoEdit)}</button>
                    </div>
                })}
                <MoveForm id version targets=admin.move_targets.clone()/>
                {child_level.map(|_| view! { <CreateForm parent=id/> })}
                {(level == Some(NodeLevel::MicroGrid) && buildings.len() > 1).then(|| view! { <SplitForm id version buildings/> })}
                {leader_level.filter(|_| !admin.people.is_empty()).map(|label| view! { <AssignForm node=id label people=admin.people.clone()/> })}
                <MergeForms id version empty=admin.empty targets=admin.merge_targets.clone() parent=admin.parent.as_ref().map(|p| p.0)/>
                <UndoForm/>
            </div>
        </details>
    }
}

#[component]
fn MoveForm(id: NodeId, version: i64, targets: Vec<(NodeId, String)>) -> impl IntoView {
    let edits = expect_context::<Edits>();
    let error = edits.errors.moving;
    (!targets.is_empty()).then(|| {
        view! {
            <ActionForm action=edits.moving attr:class="form inline">
                <input type="hidden" name="id" value=id.to_string()/>
                <input type="hidden" name="version" value=version.to_string()/>
                <label for="move-to">{tr(Msg::MoveTo)}</label>
                // No target is chosen for the admin: a tap on 移动 alone moves nothing.
                <select id="move-to" name="parent" required>
                    <option value="" selected=true>{tr(Msg::ChooseTarget)}</option>
                    {targets.into_iter().map(|(t, n)| view! { <option value=t.to_string()>{n}</option> }).collect_view()}
                </select>
                <button type="submit" class="btn">{tr(Msg::Move)}</button>
            </ActionForm>
            <FormMsg error/>
        }
    })
}

#[component]
fn CreateForm(parent: NodeId) -> impl IntoView {
    let edits = expect_context::<Edits>();
    let error = edits.errors.create;
    view! {
        <ActionForm action=edits.create attr:class="form inline" on:input=move |_| edits.create_key.edited()>
            <input type="hidden" name="parent" value=parent.to_string()/>
            {edits.create_key.input()}
            <label for="child-name">{tr(Msg::AddChild)}</label>
            <input id="child-name" name="name" maxlength="40" required/>
            <button type="submit" class="btn">{tr(Msg::AddChild)}</button>
        </ActionForm>
        <FieldMsg error field="name"/>
        <FormMsg error/>
    }
}

#[component]
fn SplitForm(id: NodeId, version: i64, buildings: Vec<(NodeId, String)>) -> impl IntoView {
    let edits = expect_context::<Edits>();
    let error = edits.errors.split;
    view! {
        <ActionForm action=edits.split attr:class="form">
            <input type="hidden" name="id" value=id.to_string()/>
            <input type="hidden" name="version" value=version.to_string()/>
            <fieldset>
                <legend>{tr(Msg::SplitNode)} " · " {tr(Msg::SplitPick)}</legend>
                {buildings.into_iter().map(|(b, name)| view! {
                    <label class="check"><input type="checkbox" name="buildings[]" value=b.to_string()/> {name}</label>
                }).collect_view()}
            </fieldset>
            <FieldMsg error field="buildings"/>
            <label for="split-name">{tr(Msg::SplitName)}</label>
            <input id="split-name" name="name" maxlength="40" required/>
            <FieldMsg error field="name"/>
            <FormMsg error/>
            <button type="submit" class="btn">{tr(Msg::SplitNode)}</button>
        </ActionForm>
    }
}

#[component]
fn AssignForm(node: NodeId, label: Msg, people: Vec<(AccountId, String)>) -> impl IntoView {
    let edits = expect_context::<Edits>();
    let error = edits.errors.assign;
    view! {
        <ActionForm action=edits.assign attr:class="form inline">
            <input type="hidden" name="node" value=node.to_string()/>
            <label for="staff-person">{tr(label)}</label>
            <SearchSelect id="staff-person" name="account" options=people.into_iter().map(|(a, name)| (a.to_string(), name)).collect()/>
            <button type="submit" class="btn">{tr(Msg::Assign)}</button>
        </ActionForm>
        <FieldMsg error field="account"/>
        <FormMsg error/>
    }
}

/// Merge into a node of the same level; delete (an empty node simply, a node with
/// contents by naming where they go).
#[component]
fn MergeForms(
    id: NodeId,
    version: i64,
    empty: bool,
    targets: Vec<(NodeId, String)>,
    parent: Option<NodeId>,
) -> impl IntoView {
    let edits = expect_context::<Edits>();
    let merge_error = edits.errors.merge;
    let delete_error = edits.errors.delete;
    let has_parent = parent.is_some();
    // The deleted node's page would be a 404: the editor goes on at its parent.
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| {
        if let (Some(Ok(())), Some(parent)) = (edits.delete.value().get(), parent) {
            let _ = window().location().assign(&format!("/admin/grids?node={parent}"));
        }
    });
    let options = move |targets: Vec<(NodeId, String)>| {
        targets.into_iter().map(|(t, n)| view! { <option value=t.to_string()>{n}</option> }).collect_view()
    };
    let merge_targets = targets.clone();
    has_parent.then(move || {
        view! {
            {(!merge_targets.is_empty()).then(|| view! {
                <ActionForm action=edits.merge attr:class="form inline">
                    <input type="hidden" name="id" value=id.to_string()/>
                    <input type="hidden" name="version" value=version.to_string()/>
                    <label for="merge-into">{tr(Msg::MergeInto)}</label>
                    <select id="merge-into" name="into" required>
                        <option value="" selected=true>{tr(Msg::ChooseTarget)}</option>
                        {options(merge_targets.clone())}
                    </select>
                    <p class="hint">{tr(Msg::MergeHint)}</p>
                    <button type="submit" class="btn">{tr(Msg::Merge)}</button>
                </ActionForm>
                <FieldMsg error=merge_error field="into"/>
                <FormMsg error=merge_error/>
            })}
            // Deleting is irreversible but for 撤销: it asks first.
            <details class="action-sheet">
                <summary class="btn danger">{tr(Msg::DeleteNode)}</summary>
                <ActionForm action=edits.delete attr:class="form inline danger">
                    <input type="hidden" name="id" value=id.to_string()/>
                    <input type="hidden" name="version" value=version.to_string()/>
                    {(!empty && !targets.is_empty()).then(|| view! {
                        <label for="delete-into">{tr(Msg::DeleteInto)}</label>
                        <select id="delete-into" name="into" required>
                            <option value="" selected=true>{tr(Msg::ChooseTarget)}</option>
                            {options(targets)}
                        </select>
                    })}
                    <p class="hint">{tr(Msg::DeleteHint)}</p>
                    <button type="submit" class="btn danger">{tr(Msg::ConfirmDelete)}</button>
                </ActionForm>
            </details>
            <FieldMsg error=delete_error field="into"/>
            <FormMsg error=delete_error/>
        }
    })
}

#[component]
fn UndoForm() -> impl IntoView {
    let edits = expect_context::<Edits>();
    let error = edits.errors.undo;
    view! {
        <ActionForm action=edits.undo attr:class="form inline">
            <button type="submit" class="btn">{tr(Msg::UndoLast)}</button>
        </ActionForm>
        <FormMsg error/>
    }
}

/// One node of the tree: a link to its page, its sums, and (with JavaScript) a button
/// that expands its children in place. Admins can drag it onto a new parent.
#[component]
fn TreeItem(area: AreaSummary, may_edit: bool) -> impl IntoView {
    let edits = expect_context::<Edits>();
    let Dragging(dragging) = expect_context::<Dragging>();
    let (id, version) = (area.id, area.version);
    let level = NodeLevel::parse(&area.level);
    let Expanded(expanded) = expect_context::<Expanded>();
    let open = Memo::new(move |_| expanded.with(|e| e.contains(&id)));
    let toggle = move |_| {
        expanded.update(|e| {
            if !e.remove(&id) {
                e.insert(id);
            }
        })
    };
    // The whole tree is drawn anew after every edit or live update, so a node fetches its
    // children once, when it is drawn open or opened.
    let kids = Resource::new(
        move || open.get(),
        move |open| async move {
            if open {
                grid_children(id).await
            } else {
                Ok(Vec::new())
            }
        },
    );
    let has_children = level.is_some_and(|l| l.child().is_some());
    // A drop is welcome when the dragged node belongs one level below this one.
    let accepts = move || dragging.get().is_some_and(|(d, _, dl)| d != id && level.and_then(|l| l.child()) == Some(dl));
    let name = area.name.clone();
    let label = name.clone();
    let level_text = level_name(&area.level);
    view! {
        <li class="card area" class:drop-ok=accepts draggable=may_edit.then_some("true")
            on:dragstart=move |ev| {
                ev.stop_propagation();
                if let Some(l) = level {
                    dragging.set(Some((id, version, l)));
                }
            }
            on:dragend=move |_| dragging.set(None)
            on:dragover=move |ev| if accepts() { ev.prevent_default(); ev.stop_propagation(); }
            on:drop=move |ev| {
                ev.prevent_default();
                ev.stop_propagation();
                if let (true, Some((node, version, _))) = (accepts(), dragging.get_untracked()) {
                    edits.moving.dispatch(MoveNode { id: node, version, parent: id });
                }
                dragging.set(None);
            }>
            <a href=format!("/admin/grids?node={id}")>
                <span class="muted">{level_text}</span> " " <strong>{name}</strong>
            </a>
            {has_children.then(|| view! {
                // A link, so that without JavaScript "+" opens the node with its children listed.
                <a href=format!("/admin/grids?node={id}") role="button" class="btn small expand" aria-expanded=move || open.get().to_string()
                    aria-label=move || format!("{} {label}", tr(if open.get() { Msg::Collapse } else { Msg::Expand }))
                    on:click=move |ev| { ev.prevent_default(); toggle(ev); }>
                    {move || if open.get() { "−" } else { "+" }}
                </a>
            })}
            {area.leaders.clone().map(|l| view! { <p class="muted">{tr(Msg::Leader)} ": " {l}</p> })}
            {area.members.clone().map(|m| view! { <p class="muted">{tr(Msg::GridMembers)} ": " {m}</p> })}
            {area.station.clone().map(|s| view! { <p class="muted">{tr(Msg::Station)} ": " {s}</p> })}
            <Sums area=area.clone()/>
            <Transition fallback=|| ()>
                {move || kids.try_get().flatten().and_then(|r| r.ok()).filter(|k| !k.is_empty()).map(|k| view! {
                    <ul class="tree">
                        {k.into_iter().map(|c| view! { <TreeItem area=c may_edit/> }.into_any()).collect_view()}
                    </ul>
                })}
            </Transition>
        </li>
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
