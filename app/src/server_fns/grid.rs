//! Editing the grid tree: search, rename and move nodes. Community and subdistrict admins
//! edit inside their area; grid staff below them read only. Every write is versioned and
//! audited with before and after, and tells every open editor and board.
use crate::dto::GridHit;
use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use {
    super::ctx,
    crate::domain::grid::{check_move, child_code, MoveRefusal, NodeLevel},
    crate::i18n::Msg,
    crate::live::Topic,
    crate::repo::{audit_repo, audit_repo::AuditEntry, begin_immediate, grid_repo, now},
    crate::session::SessionUser,
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
pub async fn rename_node(id: i64, version: i64, name: String) -> Result<(), AppError> {
    let state = ctx::state()?;
    let user = ctx::require_user()?;
    let name = name.trim().to_string();
    if !(1..=40).contains(&name.chars().count()) {
        return Err(AppError::field("name", Msg::ErrNodeName));
    }
    let mut tx = begin_immediate(&state.pool).await?;
    let t = now();
    let node = grid_repo::node_for_edit(&mut tx, id).await?.ok_or(AppError::NotFound)?;
    if !user.administers(&node.code) {
        drop(tx);
        return Err(ctx::refused(&state, &user, "rename_node", ("grid_node", id), Some(id), AppError::Forbidden).await);
    }
    if !grid_repo::rename(&mut tx, id, version, &name, t).await? {
        drop(tx);
        return Err(ctx::refused(
            &state,
            &user,
            "rename_node",
            ("grid_node", id),
            Some(id),
            AppError::Conflict(Msg::ErrGridStale),
        )
        .await);
    }
    audit_repo::record(
        &mut tx,
        AuditEntry {
            actor_id: Some(user.account_id),
            action: "rename_node",
            object_kind: "grid_node",
            object_id: Some(id),
            node_id: Some(id),
            before_json: Some(serde_json::json!({ "name": node.name, "version": node.version }).to_string()),
            after_json: Some(serde_json::json!({ "name": name, "version": node.version + 1 }).to_string()),
            ..Default::default()
        },
    )
    .await?;
    tx.commit().await?;
    state.bus.publish(Topic::Grid, Some(id));
    ctx::redirect_form(&format!("/admin?node={id}"));
    Ok(())
}

/// 移动: moves a node (with its subtree, recoded) under another parent of the right level
/// inside the admin's area; never under itself or its own descendants.
#[server(endpoint = "move_node")]
pub async fn move_node(id: i64, version: i64, parent: i64) -> Result<(), AppError> {
    let state = ctx::state()?;
    let user = ctx::require_user()?;
    let mut tx = begin_immediate(&state.pool).await?;
    let t = now();
    let node = grid_repo::node_for_edit(&mut tx, id).await?.ok_or(AppError::NotFound)?;
    let target =
        grid_repo::node_for_edit(&mut tx, parent).await?.ok_or(AppError::field("parent", Msg::ErrMoveTarget))?;
    if !user.administers(&node.code) || !user.administers(&target.code) {
        drop(tx);
        return Err(ctx::refused(&state, &user, "move_node", ("grid_node", id), Some(id), AppError::Forbidden).await);
    }
    let (Some(level), Some(target_level)) = (NodeLevel::parse(&node.level), NodeLevel::parse(&target.level)) else {
        return Err(AppError::Internal);
    };
    let old_parent_code = match node.parent_id {
        Some(p) => grid_repo::node_for_edit(&mut tx, p).await?.map(|n| n.code).unwrap_or_default(),
        None => String::new(),
    };
    let refusal = match check_move(level, &node.code, &old_parent_code, target_level, &target.code) {
        // Made against an older version of the node: nothing is overwritten silently.
        _ if node.version != version => Some(Msg::ErrGridStale),
        Ok(()) => None,
        Err(MoveRefusal::IntoOwnSubtree) => Some(Msg::ErrMoveIntoOwn),
        Err(MoveRefusal::WrongLevel | MoveRefusal::SameParent) => Some(Msg::ErrMoveTarget),
    };
    let seq = grid_repo::next_child_seq(&mut tx, target.id, &target.code).await?;
    let new_code = child_code(&target.code, level, seq).map_err(|_| AppError::Conflict(Msg::ErrMoveTarget))?;
    let refusal = match refusal {
        Some(msg) => Some(msg),
        None if !grid_repo::move_subtree(&mut tx, &node, target.id, &new_code, t).await? => Some(Msg::ErrGridStale),
        None => None,
    };
    if let Some(msg) = refusal {
        drop(tx);
        return Err(
            ctx::refused(&state, &user, "move_node", ("grid_node", id), Some(id), AppError::Conflict(msg)).await
        );
    }
    audit_repo::record(
        &mut tx,
        AuditEntry {
            actor_id: Some(user.account_id),
            action: "move_node",
            object_kind: "grid_node",
            object_id: Some(id),
            node_id: Some(id),
            before_json: Some(
                serde_json::json!({ "parent": node.parent_id, "code": node.code, "version": node.version }).to_string(),
            ),
            after_json: Some(
                serde_json::json!({ "parent": target.id, "code": new_code, "version": node.version + 1 }).to_string(),
            ),
            ..Default::default()
        },
    )
    .await?;
    tx.commit().await?;
    state.bus.publish(Topic::Grid, Some(id));
    // Boards group orders by micro-grid: they refetch too.
    state.bus.publish(Topic::Orders, None);
    ctx::redirect_form(&format!("/admin?node={id}"));
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
) -> Result<Vec<crate::dto::AuditLine>, AppError> {
    use crate::domain::time::{format_local_datetime, parse_local_date};
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
        .map(|r| crate::dto::AuditLine {
            at: format_local_datetime(r.at),
            actor: r.actor.unwrap_or_default(),
            action: r.action,
            node: r.node.unwrap_or_default(),
            node_code: r.node_code.unwrap_or_default(),
            refused: r.outcome == "refused",
            before: r.before_json.unwrap_or_default(),
            after: r.after_json.unwrap_or_default(),
            detail: r.detail,
        })
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
    audit_lines(&state, &user, &person, &node, &from, &to).await
}

/// The same lines as CSV.
#[cfg(feature = "ssr")]
pub fn audit_csv(lines: &[crate::dto::AuditLine]) -> String {
    use crate::domain::csv::row;
    let mut out = String::from("\u{feff}");
    out += &row(&["时间", "操作人", "操作", "节点", "编码", "结果", "修改前", "修改后", "说明"]);
    for l in lines {
        out += &row(&[
            l.at.as_str(),
            l.actor.as_str(),
            l.action.as_str(),
            l.node.as_str(),
            l.node_code.as_str(),
            if l.refused { "refused" } else { "ok" },
            l.before.as_str(),
            l.after.as_str(),
            l.detail.as_str(),
        ]);
    }
    out
}
