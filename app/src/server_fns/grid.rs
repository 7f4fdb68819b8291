//! Editing the grid tree: search, rename and move nodes. Community and subdistrict admins
//! edit inside their area; grid staff below them read only. Every write is versioned and
//! audited with before and after, and tells every open editor and board.
#[cfg(feature = "ssr")]
use crate::domain::audit::Action;
use crate::domain::ids::{AccountId, NodeId};
use crate::dto::GridHit;
use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use {
    super::ctx,
    super::write::{Act, Outcome, Writer},
    crate::domain::grid::{check_move, check_split, child_code, may_merge, MoveRefusal, NodeLevel, SplitRefusal},
    crate::i18n::Msg,
    crate::live::Topic,
    crate::repo::{audit_repo, audit_repo::AuditEntry, form_keys_repo, grid_repo, now},
    crate::session::SessionUser,
    sqlx::SqliteConnection,
};

/// 搜索: nodes of the viewer's staff area by name or code (at most 30).
#[server(endpoint = "grid_search")]
pub async fn grid_search(q: String) -> Result<Vec<GridHit>, AppError> {
    let state = ctx::state()?;
    let user = ctx::require_user()?;
    let scope = user.widest_staff_scope().ok_or(AppError::Forbidden)?.clone();
    let q: String = q.trim().chars().take(40).collect();
    if q.is_empty() {
        return Ok(Vec::new());
    }
    Ok(grid_repo::search(&state.pool, &scope.node_code, &q, 30)
        .await?
        .into_iter()
        .map(|(id, level, code, name)| GridHit { id, level, code, name })
        .collect())
}

/// 改名: renames a node made against `version`; an edit against an older version is refused.
#[server(endpoint = "rename_node")]
pub async fn rename_node(id: NodeId, version: i64, name: String) -> Result<(), AppError> {
    let (w, user) = Writer::signed_in()?;
    let name = node_name(&name)?;
    w.run(node_act(Action::RenameNode, id), async |tx, out| {
        let node = grid_repo::node_for_edit(tx, id).await?.ok_or(AppError::NotFound)?;
        require_admin(&user, &[&node.code])?;
        if !grid_repo::rename(tx, id, version, &name, out.now).await? {
            return Err(AppError::Conflict(Msg::ErrGridStale));
        }
        let before = serde_json::json!({ "name": node.name, "version": node.version });
        let after = serde_json::json!({ "name": name, "version": node.version + 1 });
        out.audit(edit(Action::RenameNode, (id, id), Some(before), Some(after)));
        out.publish(Topic::Grid, Some(id.get()));
        Ok(())
    })
    .await?;
    ctx::redirect_form(&format!("/admin/grids?node={id}"));
    Ok(())
}

/// 移动: moves a node (with its subtree, recoded) under another parent of the right level
/// inside the admin's area; never under itself or its own descendants.
#[server(endpoint = "move_node")]
pub async fn move_node(id: NodeId, version: i64, parent: NodeId) -> Result<(), AppError> {
    let (w, user) = Writer::signed_in()?;
    w.run(node_act(Action::MoveNode, id), async |tx, out| {
        let node = grid_repo::node_for_edit(tx, id).await?.ok_or(AppError::NotFound)?;
        let target =
            grid_repo::node_for_edit(tx, parent).await?.ok_or(AppError::field("parent", Msg::ErrMoveTarget))?;
        require_admin(&user, &[&node.code, &target.code])?;
        let (Some(level), Some(target_level)) = (NodeLevel::parse(&node.level), NodeLevel::parse(&target.level)) else {
            return Err(AppError::Internal);
        };
        let old_parent_code = match node.parent_id {
            Some(p) => grid_repo::node_for_edit(tx, p).await?.map(|n| n.code).unwrap_or_default(),
            None => String::new(),
        };
        let refusal = match check_move(level, &node.code, &old_parent_code, target_level, &target.code) {
            // Made against an older version of the node: nothing is overwritten silently.
            _ if node.version != version => Some(Msg::ErrGridStale),
            Ok(()) => None,
            Err(MoveRefusal::IntoOwnSubtree) => Some(Msg::ErrMoveIntoOwn),
            Err(MoveRefusal::WrongLevel | MoveRefusal::SameParent) => Some(Msg::ErrMoveTarget),
        };
        let seq = grid_repo::next_child_seq(tx, target.id, &target.code).await?;
        let new_code = child_code(&target.code, level, seq).map_err(|_| AppError::Conflict(Msg::ErrMoveTarget))?;
        if let Some(msg) = refusal {
            return Err(AppError::Conflict(msg));
        }
        if !grid_repo::move_subtree(tx, &node, target.id, &new_code, out.now).await? {
            return Err(AppError::Conflict(Msg::ErrGridStale));
        }
        let before = serde_json::json!({ "parent": node.parent_id, "code": node.code, "version": node.version });
        let after = serde_json::json!({ "parent": target.id, "code": new_code, "version": node.version + 1 });
        out.audit(edit(Action::MoveNode, (id, id), Some(before), Some(after)));
        tell(out, id);
        Ok(())
    })
    .await?;
    ctx::redirect_form(&format!("/admin/grids?node={id}"));
    Ok(())
}

/// The filters of `/admin/audit`: person name, node name or code, dates (inclusive, China time).
#[cfg(feature = "ssr")]
pub async fn audit_lines(
    state: &crate::state::AppState,
    user: &SessionUser,
    person: &str,
    node: &str,
    from: &str,
    to: &str,
    locale: crate::i18n::Locale,
) -> Result<Vec<crate::dto::AuditLine>, AppError> {
    use crate::domain::time::parse_local_date;
    let area = user.area_admin_scopes().max_by_key(|r| r.role).ok_or(AppError::Forbidden)?.node_code.clone();
    let bad_date = |text: &str| !text.trim().is_empty() && parse_local_date(text).is_none();
    for (field, text) in [("from", from), ("to", to)] {
        if bad_date(text) {
            return Err(AppError::field(field, Msg::ErrBadDate));
        }
    }
    let from = parse_local_date(from).unwrap_or(0);
    let to = parse_local_date(to).map(|t| t + 86_400).unwrap_or(i64::MAX);
    let clip = |s: &str| s.trim().chars().take(40).collect::<String>();
    Ok(crate::repo::audit_repo::list_in_area(&state.pool, &area, &clip(person), &clip(node), from, to, 500)
        .await?
        .into_iter()
        .map(|r| crate::audit_words::line(r, locale))
        .collect())
}

/// `/admin/audit`: edits inside the admin's area, filtered.
#[server(endpoint = "audit_data")]
pub async fn audit_data(
    #[server(default)] person: String,
    #[server(default)] node: String,
    #[server(default)] from: String,
    #[server(default)] to: String,
) -> Result<Vec<crate::dto::AuditLine>, AppError> {
    let state = ctx::state()?;
    let user = ctx::require_user()?;
    audit_lines(&state, &user, &person, &node, &from, &to, ctx::viewer().locale).await
}

/// A node name as typed: trimmed, 1 to 40 characters.
#[cfg(feature = "ssr")]
fn node_name(name: &str) -> Result<String, AppError> {
    ctx::field_text(name, "name", 1..=40, Msg::ErrNodeName)
}

/// An edit of the node `id`: a refusal is filed under the node itself.
#[cfg(feature = "ssr")]
fn node_act(action: Action, id: NodeId) -> Act {
    Act::new(action, "grid_node").on(id.get()).at(id)
}

/// Admins edit the tree only inside their area: every node an edit touches is in it.
#[cfg(feature = "ssr")]
fn require_admin(user: &SessionUser, codes: &[&str]) -> Result<(), AppError> {
    if codes.iter().all(|code| user.administers(code)) {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

/// The audit row of a successful grid edit: the object is a node too.
#[cfg(feature = "ssr")]
fn edit(
    action: Action,
    (object_id, node_id): (NodeId, NodeId),
    before: Option<serde_json::Value>,
    after: Option<serde_json::Value>,
) -> AuditEntry<'static> {
    AuditEntry {
        object_id: Some(object_id.get()),
        node_id: Some(node_id),
        before_json: before.map(|v| v.to_string()),
        after_json: after.map(|v| v.to_string()),
        ..AuditEntry::of(action, "grid_node")
    }
}

/// Tells editors and boards that the tree changed.
#[cfg(feature = "ssr")]
fn tell(out: &mut Outcome, node: NodeId) {
    out.publish(Topic::Grid, Some(node.get()));
    // Boards group orders by micro-grid: they refetch too.
    out.publish(Topic::Orders, None);
}

/// 添加下级: a new child of `parent` with the next free code.
#[server(endpoint = "create_node")]
pub async fn create_node(parent: NodeId, name: String, #[server(default)] form_key: String) -> Result<(), AppError> {
    let (w, user) = Writer::signed_in()?;
    let name = node_name(&name)?;
    let form_key = ctx::form_key(&form_key)?;
    w.run(node_act(Action::CreateNode, parent), async |tx, out| {
        let t = out.now;
        if form_keys_repo::seen(tx, "create_node", user.account_id, form_key.as_ref()).await?.is_some() {
            return Ok(());
        }
        let parent_node = grid_repo::node_for_edit(tx, parent).await?.ok_or(AppError::NotFound)?;
        require_admin(&user, &[&parent_node.code])?;
        let Some(level) = NodeLevel::parse(&parent_node.level).and_then(|l| l.child()) else {
            return Err(AppError::Conflict(Msg::ErrNoChildLevel));
        };
        let seq = grid_repo::next_child_seq(tx, parent, &parent_node.code).await?;
        let code = child_code(&parent_node.code, level, seq).map_err(|_| AppError::Conflict(Msg::ErrNodeFull))?;
        let id = grid_repo::insert_node(tx, parent, level.as_str(), &code, &name, i64::from(seq), t).await?;
        form_keys_repo::remember(tx, "create_node", user.account_id, form_key.as_ref(), id.get(), t).await?;
        let after =
            serde_json::json!({ "name": name, "parent": parent, "code": code, "level": level.as_str(), "version": 1 });
        out.audit(edit(Action::CreateNode, (id, id), None, Some(after)));
        tell(out, parent);
        Ok(())
    })
    .await?;
    ctx::redirect_form(&format!("/admin/grids?node={parent}"));
    Ok(())
}

/// 删除: an empty node goes; a node holding buildings, residents or records needs `into`,
/// a node of the same level that takes them (the same as merging it there).
#[server(endpoint = "delete_node")]
pub async fn delete_node(id: NodeId, version: i64, #[server(default)] into: Option<NodeId>) -> Result<(), AppError> {
    let (w, user) = Writer::signed_in()?;
    let back = w
        .run(node_act(Action::DeleteNode, id), async |tx, out| {
            let node = grid_repo::node_for_edit(tx, id).await?.ok_or(AppError::NotFound)?;
            require_admin(&user, &[&node.code])?;
            let Some(parent) = node.parent_id else {
                // The root of the tree stays.
                return Err(AppError::Forbidden);
            };
            if let Some(into) = into {
                return merge(tx, out, &user, Action::DeleteNode, id, version, into).await;
            }
            // Its history stays visible under the parent (deleting the node would unlink
            // it); a refusal below rolls this back with the rest.
            grid_repo::move_history(tx, id, parent).await?;
            if node.version != version {
                return Err(AppError::Conflict(Msg::ErrGridStale));
            } else if !grid_repo::contents(tx, id).await?.is_empty() {
                return Err(AppError::Conflict(Msg::ErrNodeNotEmpty));
            } else if !grid_repo::delete_node(tx, id, version).await? {
                return Err(AppError::Conflict(Msg::ErrGridStale));
            }
            let before = serde_json::json!({ "name": node.name, "code": node.code, "parent": parent,
                                             "level": node.level, "version": node.version });
            out.audit(edit(Action::DeleteNode, (id, parent), Some(before), None));
            tell(out, parent);
            Ok(parent)
        })
        .await?;
    ctx::redirect_form(&format!("/admin/grids?node={back}"));
    Ok(())
}

/// 合并: the node (made against `version`) goes into `into`, a node of the same level
/// in the admin's area; its buildings, residents, orders, 民情 and elders go along.
#[server(endpoint = "merge_node")]
pub async fn merge_node(id: NodeId, version: i64, into: NodeId) -> Result<(), AppError> {
    let (w, user) = Writer::signed_in()?;
    let target = w
        .run(node_act(Action::MergeNode, id), async |tx, out| {
            merge(tx, out, &user, Action::MergeNode, id, version, into).await
        })
        .await?;
    ctx::redirect_form(&format!("/admin/grids?node={target}"));
    Ok(())
}

/// The body of a merge (also of a delete that names where the contents go): answers the
/// node merged into.
#[cfg(feature = "ssr")]
async fn merge(
    tx: &mut SqliteConnection,
    out: &mut Outcome,
    user: &SessionUser,
    action: Action,
    id: NodeId,
    version: i64,
    into: NodeId,
) -> Result<NodeId, AppError> {
    use crate::repo::grid_repo::MergeRefusal;
    let node = grid_repo::node_for_edit(tx, id).await?.ok_or(AppError::NotFound)?;
    let target = grid_repo::node_for_edit(tx, into).await?.ok_or(AppError::field("into", Msg::ErrMergeTarget))?;
    require_admin(user, &[&node.code, &target.code])?;
    if node.parent_id.is_none() {
        // The root of the tree stays.
        return Err(AppError::Forbidden);
    }
    let level_of = |n: &grid_repo::EditNode| NodeLevel::parse(&n.level).unwrap_or(NodeLevel::Subdistrict);
    if !may_merge(level_of(&node), &node.code, level_of(&target), &target.code) {
        return Err(AppError::Conflict(Msg::ErrMergeTarget));
    } else if node.version != version {
        return Err(AppError::Conflict(Msg::ErrGridStale));
    }
    match grid_repo::merge_into(tx, &node, &target, out.now).await? {
        Ok(()) => {}
        Err(MergeRefusal::Stale) => return Err(AppError::Conflict(Msg::ErrGridStale)),
        Err(MergeRefusal::Collision) => return Err(AppError::Conflict(Msg::ErrMergeCollision)),
        Err(MergeRefusal::Full) => return Err(AppError::Conflict(Msg::ErrNodeFull)),
    }
    grid_repo::bump(tx, target.id, target.version, out.now).await?;
    let before =
        serde_json::json!({ "name": node.name, "code": node.code, "level": node.level, "version": node.version });
    let after = serde_json::json!({ "into": target.id, "into_name": target.name, "version": target.version + 1 });
    out.audit(edit(action, (id, target.id), Some(before), Some(after)));
    tell(out, target.id);
    Ok(target.id)
}

/// 拆分: a micro-grid (made against `version`) gives the chosen buildings to a new
/// micro-grid `name` beside it; their residents, orders, 民情 and elders go along.
#[server(endpoint = "split_node")]
pub async fn split_node(
    id: NodeId,
    version: i64,
    name: String,
    #[server(default)] buildings: Vec<String>,
) -> Result<(), AppError> {
    let (w, user) = Writer::signed_in()?;
    let name = node_name(&name)?;
    let mut chosen = Vec::new();
    for b in &buildings {
        let b = b.trim().parse::<NodeId>().map_err(|_| AppError::field("buildings", Msg::ErrSplitBuildings))?;
        if !chosen.contains(&b) {
            chosen.push(b);
        }
    }
    let back = w
        .run(node_act(Action::SplitNode, id), async |tx, out| {
            let t = out.now;
            let node = grid_repo::node_for_edit(tx, id).await?.ok_or(AppError::NotFound)?;
            require_admin(&user, &[&node.code])?;
            let children = grid_repo::children_of(tx, id).await?;
            let buildings: Vec<NodeId> = children.iter().map(|c| c.0).collect();
            let level = NodeLevel::parse(&node.level).ok_or(AppError::Internal)?;
            if let Err(why) = check_split(level, &buildings, &chosen) {
                return Err(match why {
                    SplitRefusal::NotMicroGrid => AppError::Conflict(Msg::ErrSplitLevel),
                    SplitRefusal::BadChoice | SplitRefusal::NotAChild => {
                        AppError::field("buildings", Msg::ErrSplitBuildings)
                    }
                });
            } else if !grid_repo::bump(tx, id, version, t).await? {
                return Err(AppError::Conflict(Msg::ErrGridStale));
            }
            let parent_id = node.parent_id.ok_or(AppError::Internal)?;
            let parent = grid_repo::node_for_edit(tx, parent_id).await?.ok_or(AppError::Internal)?;
            let seq = grid_repo::next_child_seq(tx, parent.id, &parent.code).await?;
            let code = child_code(&parent.code, NodeLevel::MicroGrid, seq)
                .map_err(|_| AppError::Conflict(Msg::ErrNodeFull))?;
            let new_id =
                grid_repo::insert_node(tx, parent.id, NodeLevel::MicroGrid.as_str(), &code, &name, i64::from(seq), t)
                    .await?;
            for (b, _, b_code, _) in children.iter().filter(|c| chosen.contains(&c.0)) {
                grid_repo::reparent(tx, *b, b_code, NodeLevel::Building, (new_id, &code), t).await?;
            }
            grid_repo::follow_buildings(tx, &chosen, new_id).await?;
            let before = serde_json::json!({ "name": node.name, "buildings": buildings, "version": version });
            let after = serde_json::json!({ "new": new_id, "name": name, "code": code, "buildings": chosen,
                                            "version": version + 1 });
            out.audit(edit(Action::SplitNode, (id, id), Some(before), Some(after)));
            tell(out, id);
            Ok(parent.id)
        })
        .await?;
    ctx::redirect_form(&format!("/admin/grids?node={back}"));
    Ok(())
}

/// 指定: makes a person of the community the grid leader of a grid (replacing the
/// current one) or a member of a micro-grid.
#[server(endpoint = "assign_staff")]
pub async fn assign_staff(node: NodeId, account: AccountId) -> Result<(), AppError> {
    let (w, user) = Writer::signed_in()?;
    w.run(node_act(Action::AssignStaff, node), async |tx, out| {
        let target = grid_repo::node_for_edit(tx, node).await?.ok_or(AppError::NotFound)?;
        require_admin(&user, &[&target.code])?;
        let role = match NodeLevel::parse(&target.level) {
            Some(NodeLevel::Grid) => "grid_leader",
            Some(NodeLevel::MicroGrid) => "micro_grid_member",
            _ => return Err(AppError::Conflict(Msg::ErrStaffLevel)),
        };
        let community = crate::domain::grid::community_prefix(&target.code).to_string();
        if !grid_repo::lives_in(tx, account, &community).await? {
            return Err(AppError::field("account", Msg::ErrStaffPerson));
        }
        let mut replaced = Vec::new();
        if role == "grid_leader" {
            for (assignment, holder, held, _) in grid_repo::staff_of(tx, node).await? {
                if held == "grid_leader" && holder != account {
                    grid_repo::revoke(tx, assignment).await?;
                    replaced.push(holder);
                }
            }
        }
        let assignment = grid_repo::grant(tx, account, role, node, user.account_id).await?;
        let before = serde_json::json!({ "replaced": replaced });
        let after = serde_json::json!({ "assignment": assignment, "account": account, "role": role });
        out.audit(edit(Action::AssignStaff, (node, node), Some(before), Some(after)));
        out.publish(Topic::Grid, Some(node.get()));
        Ok(())
    })
    .await?;
    ctx::redirect_form(&format!("/admin/grids?node={node}"));
    Ok(())
}

/// 撤下: ends a grid leader's or member's assignment.
#[server(endpoint = "remove_staff")]
pub async fn remove_staff(assignment: i64) -> Result<(), AppError> {
    let (w, user) = Writer::signed_in()?;
    let node = w
        .run(Act::new(Action::RemoveStaff, "grid_node"), async |tx, out| {
            let (account, role, node, code) = grid_repo::assignment(tx, assignment).await?.ok_or(AppError::NotFound)?;
            out.refusal_node(node);
            require_admin(&user, &[&code])?;
            if !matches!(role.as_str(), "grid_leader" | "micro_grid_member") {
                return Err(AppError::Forbidden);
            }
            grid_repo::revoke(tx, assignment).await?;
            let before = serde_json::json!({ "assignment": assignment, "account": account, "role": role });
            out.audit(edit(Action::RemoveStaff, (node, node), Some(before), None));
            out.publish(Topic::Grid, Some(node.get()));
            Ok(node)
        })
        .await?;
    ctx::redirect_form(&format!("/admin/grids?node={node}"));
    Ok(())
}

/// 撤销: undoes the admin's own latest grid edit if nobody changed the node since.
/// Renames, moves, additions and staff changes can be undone; splits, merges and
/// deletions cannot (they are audited with everything needed to redo them by hand).
#[server(endpoint = "undo_grid_edit")]
pub async fn undo_grid_edit() -> Result<(), AppError> {
    let (w, user) = Writer::signed_in()?;
    if !user.is_area_admin() {
        return Err(AppError::Forbidden);
    }
    let back = w
        .run(Act::new(Action::UndoEdit, "audit"), async |tx, out| {
            let t = out.now;
            let (audit_id, action, object, before, after) = audit_repo::last_grid_edit(tx, user.account_id)
                .await?
                .ok_or(AppError::Conflict(Msg::ErrNothingToUndo))?;
            // Every grid edit is audited with its node as the object.
            let object = NodeId(object.unwrap_or_default());
            let node_in = |v: &serde_json::Value| v.as_i64().map(NodeId);
            let json =
                |s: &Option<String>| s.as_deref().and_then(|s| serde_json::from_str::<serde_json::Value>(s).ok());
            let (before, after) = (json(&before).unwrap_or_default(), json(&after).unwrap_or_default());
            let node = grid_repo::node_for_edit(tx, object).await?;
            // Undo acts only inside the admin's area as it is now.
            if node.as_ref().is_some_and(|n| !user.administers(&n.code)) {
                return Err(AppError::Forbidden);
            }
            // Nobody (the admin included) changed the node since, apart from edits undone already.
            let untouched = match &node {
                Some(n) => !audit_repo::node_changed_since(tx, n.id, audit_id).await?,
                None => false,
            };
            let undone = match (action.as_str(), &node) {
                ("rename_node", Some(n)) if untouched => {
                    let old = before["name"].as_str().unwrap_or(&n.name).to_string();
                    grid_repo::rename(tx, n.id, n.version, &old, t).await?
                }
                ("move_node", Some(n)) if untouched => {
                    let back = match node_in(&before["parent"]) {
                        Some(p) => grid_repo::node_for_edit(tx, p).await?,
                        None => None,
                    };
                    match (back, NodeLevel::parse(&n.level)) {
                        (Some(back), Some(level)) if user.administers(&back.code) => {
                            grid_repo::reparent(tx, n.id, &n.code, level, (back.id, &back.code), t).await?.is_some()
                        }
                        _ => false,
                    }
                }
                ("create_node", Some(n)) if untouched && grid_repo::contents(tx, n.id).await?.is_empty() => {
                    grid_repo::delete_node(tx, n.id, n.version).await?
                }
                ("assign_staff", _) => {
                    grid_repo::revoke(tx, after["assignment"].as_i64().unwrap_or_default()).await?;
                    let replaced = before["replaced"].as_array().into_iter().flatten();
                    for holder in replaced.filter_map(|v| v.as_i64()).map(AccountId) {
                        grid_repo::grant(tx, holder, "grid_leader", object, user.account_id).await?;
                    }
                    true
                }
                ("remove_staff", _) => {
                    let account = before["account"].as_i64().map(AccountId).ok_or(AppError::Internal)?;
                    let role = before["role"].as_str().unwrap_or("micro_grid_member");
                    grid_repo::grant(tx, account, role, object, user.account_id).await?;
                    true
                }
                ("split_node" | "merge_node" | "delete_node", _) => return Err(AppError::Conflict(Msg::ErrUndoKind)),
                _ => false,
            };
            if !undone {
                // Which edit could not be undone (the refusal row names no object).
                out.refusal_detail(format!("{action} #{audit_id}"));
                return Err(AppError::Conflict(Msg::ErrUndoStale));
            }
            let node_id =
                node.as_ref().map(|n| n.id).filter(|_| action != "create_node").or(node_in(&before["parent"]));
            let node_id = node_id.or(node_in(&after["parent"]));
            out.audit(AuditEntry {
                object_id: Some(audit_id),
                node_id,
                before_json: Some(after.to_string()),
                after_json: Some(before.to_string()),
                detail: action.clone(),
                ..AuditEntry::of(Action::UndoEdit, "audit")
            });
            tell(out, node_id.unwrap_or(object));
            Ok(node_id.unwrap_or(object))
        })
        .await?;
    ctx::redirect_form(&format!("/admin/grids?node={back}"));
    Ok(())
}

/// 正在编辑: checks the viewer in at `node` in the editor and returns the names of the
/// other admins looking at the same subtree.
#[server(endpoint = "grid_presence")]
pub async fn grid_presence(node: NodeId) -> Result<Vec<String>, AppError> {
    let state = ctx::state()?;
    let user = ctx::require_user()?;
    let code = grid_repo::code_of(&state.pool, node).await?.ok_or(AppError::NotFound)?;
    if !user.staff_scope_covers(&code) {
        return Err(AppError::Forbidden);
    }
    if state.presence.check_in(user.account_id, &user.name, &code) {
        state.bus.publish_in(Topic::Presence, Some(node.get()), Some(&code));
    }
    Ok(state.presence.others(user.account_id, &code))
}

/// The children of a node with their sums, for expanding the tree in place.
#[server(endpoint = "grid_children")]
pub async fn grid_children(node: NodeId) -> Result<Vec<crate::dto::AreaSummary>, AppError> {
    let state = ctx::state()?;
    let user = ctx::require_user()?;
    let code = grid_repo::code_of(&state.pool, node).await?.ok_or(AppError::NotFound)?;
    if !user.staff_scope_covers(&code) {
        return Err(AppError::Forbidden);
    }
    Ok(grid_repo::area_overview(&state.pool, node).await?.map(|(_, children)| children).unwrap_or_default())
}

/// The admin overview of a node inside the viewer's staff scope (default: the widest).
#[server(endpoint = "admin_data")]
pub async fn admin_data(node: Option<NodeId>) -> Result<crate::dto::AdminView, AppError> {
    let state = ctx::state()?;
    let user = ctx::require_user()?;
    let scope = user.widest_staff_scope().ok_or(AppError::Forbidden)?.clone();
    let node = node.unwrap_or(scope.node_id);
    let code = grid_repo::code_of(&state.pool, node).await?.ok_or(AppError::NotFound)?;
    if !user.staff_scope_covers(&code) {
        return Err(AppError::Forbidden);
    }
    let (summary, children) = grid_repo::area_overview(&state.pool, node).await?.ok_or(AppError::NotFound)?;
    let mut conn = state.pool.acquire().await?;
    let edit = grid_repo::node_for_edit(&mut conn, node).await?.ok_or(AppError::NotFound)?;
    drop(conn);
    let may_edit = user.administers(&code);
    let level = crate::domain::grid::NodeLevel::parse(&edit.level);
    let parent_level = crate::domain::grid::NodeLevel::ALL.into_iter().find(|l| l.child() == level);
    let mut move_targets = Vec::new();
    let mut merge_targets = Vec::new();
    if may_edit {
        for r in user.area_admin_scopes() {
            if let Some(up) = parent_level {
                for t in grid_repo::nodes_at_level(&state.pool, &r.node_code, up.as_str()).await? {
                    if Some(t.0) != edit.parent_id && !move_targets.contains(&t) {
                        move_targets.push(t);
                    }
                }
            }
            // Micro-grids and below merge inside their community; larger areas inside the admin's.
            let within = match crate::domain::grid::community_prefix(&code) {
                p if p.len() > r.node_code.len() && p.starts_with(r.node_code.as_str()) => p.to_string(),
                _ => r.node_code.clone(),
            };
            for t in grid_repo::same_level(&state.pool, &within, &edit.level, node).await? {
                if !merge_targets.contains(&t) {
                    merge_targets.push(t);
                }
            }
        }
    }
    let mut conn = state.pool.acquire().await?;
    let parent = match edit.parent_id {
        Some(p) => grid_repo::node_for_edit(&mut conn, p)
            .await?
            .filter(|n| user.staff_scope_covers(&n.code))
            .map(|n| (n.id, n.name)),
        None => None,
    };
    let empty = grid_repo::contents(&mut conn, node).await?.is_empty();
    let staff = grid_repo::staff_of(&mut conn, node)
        .await?
        .into_iter()
        .filter(|s| matches!(s.2.as_str(), "grid_leader" | "micro_grid_member"))
        .map(|(id, _, role, name)| (id, role, name))
        .collect();
    drop(conn);
    let takes_staff =
        matches!(level, Some(crate::domain::grid::NodeLevel::Grid | crate::domain::grid::NodeLevel::MicroGrid));
    let people = if may_edit && takes_staff {
        grid_repo::people_in_area(&state.pool, crate::domain::grid::community_prefix(&code))
            .await?
            .into_iter()
            .map(|(id, name, phone)| (id, format!("{name} {}", crate::domain::privacy::mask_phone(&phone))))
            .collect()
    } else {
        Vec::new()
    };
    let last_edit = crate::repo::audit_repo::latest_grid_row(&state.pool, user.account_id, now() - 600)
        .await?
        .map(|r| crate::audit_words::line(r, ctx::viewer().locale));
    Ok(crate::dto::AdminView {
        last_edit,
        node: summary,
        children,
        version: edit.version,
        may_edit,
        move_targets,
        parent,
        merge_targets,
        empty,
        staff,
        people,
    })
}
