//! Editing the grid tree: renames, moves, merges, deletes, undo, presence and the audit page.
use crate::support::*;
use crate::test_app::TestApp;
use reqwest::{Client, StatusCode};

impl TestApp {
    /// (id, version, code) of the node named `name`.
    pub(crate) async fn node(&self, name: &str) -> (NodeId, i64, String) {
        sqlx::query_as("SELECT id, version, code FROM grid_nodes WHERE name = ?")
            .bind(name)
            .fetch_one(&self.pool)
            .await
            .unwrap_or_else(|e| panic!("node {name}: {e}"))
    }
}

#[tokio::test]
async fn renames_are_versioned_scoped_to_the_admins_area_and_one_of_two_at_once_wins() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in("13800000004").await;
    let (id, version, _) = app.node("向日葵微网格").await;
    let (id, version) = (id.to_string(), version.to_string());
    let rename = |client: &Client, name: &str, version: &str| {
        let form = [("id", id.clone()), ("version", version.to_string()), ("name", name.to_string())];
        let request = client.post(format!("{}/api/rename_node", app.base)).form(&form);
        async move {
            let res = request.send().await.expect("post");
            let status = res.status();
            (status, res.text().await.expect("body"))
        }
    };
    // Who may: the community admin and the subdistrict admin above; not the grid leader,
    // the resident, or the admin of another community.
    for (phone, expected) in [
        ("13800000003", StatusCode::FORBIDDEN),
        ("13800000001", StatusCode::FORBIDDEN),
        ("13800000007", StatusCode::FORBIDDEN),
    ] {
        let (status, body) = rename(&app.signed_in(phone).await, "越权改名", &version).await;
        assert_eq!(status, expected, "{phone}: {body}");
    }
    let (status, body) = rename(&admin, "", &version).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    // Two admins rename against the same version at once: one wins, the other is told.
    let street = app.signed_in("13800000005").await;
    let (a, b) = tokio::join!(rename(&admin, "向日葵一组", &version), rename(&street, "向日葵二组", &version));
    let mut statuses = [a.0, b.0];
    statuses.sort();
    assert_eq!(statuses, [StatusCode::OK, StatusCode::CONFLICT], "{a:?} {b:?}");
    assert!([&a.1, &b.1].iter().any(|body| body.contains("ErrGridStale")));
    let name: String = sqlx::query_scalar("SELECT name FROM grid_nodes WHERE id = ?")
        .bind(&id)
        .fetch_one(&app.pool)
        .await
        .expect("name");
    assert!(name == "向日葵一组" || name == "向日葵二组", "{name}");
    assert_eq!(app.count("SELECT count(*) FROM audit_log WHERE action = 'rename_node' AND outcome = 'ok' AND before_json LIKE '%向日葵微网格%'").await, 1);
    assert_eq!(
        app.count("SELECT count(*) FROM audit_log WHERE action = 'rename_node' AND outcome = 'refused'").await,
        4
    );
}

#[tokio::test]
async fn a_moved_micro_grid_takes_its_subtree_and_records_along_with_new_codes() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in("13800000004").await;
    let (micro, version, old_code) = app.node("向日葵微网格").await;
    let (target, _, target_code) = app.node("祖望新村网格").await;
    let subtree_before = app.count_in(&old_code).await;
    let orders: i64 = sqlx::query_scalar("SELECT count(*) FROM service_orders WHERE micro_grid_id = ?")
        .bind(micro)
        .fetch_one(&app.pool)
        .await
        .expect("orders");
    let (status, body) = app
        .post(
            &admin,
            "move_node",
            &[("id", &micro.to_string()), ("version", &version.to_string()), ("parent", &target.to_string())],
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (_, new_version, new_code) = app.node("向日葵微网格").await;
    assert_eq!(new_version, version + 1);
    assert!(new_code.starts_with(&target_code) && new_code.len() == old_code.len(), "{new_code}");
    assert_eq!(app.count_in(&new_code).await, subtree_before, "the whole subtree moved");
    assert_eq!(app.count_in(&old_code).await, 0, "nothing left under the old code");
    assert_eq!(app.count("SELECT count(*) - count(DISTINCT code) FROM grid_nodes").await, 0, "codes stay unique");
    assert_eq!(
        app.count("SELECT count(*) FROM grid_nodes c JOIN grid_nodes p ON p.id = c.parent_id WHERE substr(c.code, 1, length(p.code)) <> p.code").await,
        0,
        "every code still starts with its parent's"
    );
    let after: i64 = sqlx::query_scalar("SELECT count(*) FROM service_orders WHERE micro_grid_id = ?")
        .bind(micro)
        .fetch_one(&app.pool)
        .await
        .expect("orders");
    assert_eq!(after, orders, "orders stay with their micro-grid");
    // An edit made against the old version is refused; so are impossible moves.
    let (status, body) = app
        .post(
            &admin,
            "move_node",
            &[("id", &micro.to_string()), ("version", &version.to_string()), ("parent", &target.to_string())],
        )
        .await;
    assert!(status == StatusCode::CONFLICT && body.contains("ErrGridStale"), "{body}");
    let (grid, grid_version, _) = app.node("祖望新村网格").await;
    let (status, body) = app
        .post(
            &admin,
            "move_node",
            &[("id", &grid.to_string()), ("version", &grid_version.to_string()), ("parent", &micro.to_string())],
        )
        .await;
    assert!(status == StatusCode::CONFLICT && body.contains("ErrMoveIntoOwn"), "{body}");
    let (community, _, _) = app.node("祖望社区").await;
    let (status, body) = app
        .post(
            &admin,
            "move_node",
            &[("id", &micro.to_string()), ("version", &new_version.to_string()), ("parent", &community.to_string())],
        )
        .await;
    assert!(status == StatusCode::CONFLICT && body.contains("ErrMoveTarget"), "{body}");
    // Another community's grid is outside this admin's area.
    let foreign: i64 = sqlx::query_scalar("SELECT id FROM grid_nodes WHERE level = 'grid' AND name = '连心网格'")
        .fetch_one(&app.pool)
        .await
        .expect("foreign grid");
    let (status, _) = app
        .post(
            &admin,
            "move_node",
            &[("id", &micro.to_string()), ("version", &new_version.to_string()), ("parent", &foreign.to_string())],
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    // Search finds the node by name and by code, inside the viewer's area only.
    let (_, hits) = app.post(&admin, "grid_search", &[("q", "向日葵")]).await;
    assert!(hits.contains(&new_code), "{hits}");
    let (_, foreign_hits) = app.post(&admin, "grid_search", &[("q", "连心")]).await;
    assert_eq!(foreign_hits, "[]");
}

impl TestApp {
    /// Nodes whose code starts with `prefix`.
    pub(crate) async fn count_in(&self, prefix: &str) -> i64 {
        sqlx::query_scalar("SELECT count(*) FROM grid_nodes WHERE code GLOB ? || '*'")
            .bind(prefix)
            .fetch_one(&self.pool)
            .await
            .expect("count")
    }
}

#[tokio::test]
async fn the_audit_page_lists_edits_in_the_area_filtered_and_as_csv() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in("13800000004").await;
    let (id, version, _) = app.node("红领微网格").await;
    let (status, body) = app
        .post(
            &admin,
            "rename_node",
            &[("id", &id.to_string()), ("version", &version.to_string()), ("name", "红领先锋微网格")],
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let today = local_day(0);
    let (status, lines) = app.post(&admin, "audit_data", &[("node", "红领"), ("from", &today), ("to", &today)]).await;
    assert_eq!(status, StatusCode::OK, "{lines}");
    assert!(
        lines.contains("rename_node") && lines.contains("红领微网格") && lines.contains("红领先锋微网格"),
        "{lines}"
    );
    let (_, none) = app.post(&admin, "audit_data", &[("node", "红领"), ("to", "2020-01-01")]).await;
    assert_eq!(none, "[]");
    let (status, _) = app.post(&admin, "audit_data", &[("from", "yesterday")]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    // The street admin sees it too; a grid leader does not see the audit at all.
    let (_, street) = app.post(&app.signed_in("13800000005").await, "audit_data", &[("person", "")]).await;
    assert!(street.contains("红领先锋微网格"), "{street}");
    let (status, _) = app.post(&app.signed_in("13800000003").await, "audit_data", &[]).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, csv) = app.get(&admin, "/admin/audit/csv?node=%E7%BA%A2%E9%A2%86").await;
    assert_eq!(status, StatusCode::OK);
    assert!(csv.contains("rename_node") && csv.contains("红领先锋微网格"), "{csv}");
    // Each row reads as a sentence with its changes in words, not JSON.
    assert!(csv.contains("将「红领先锋微网格」改名") && csv.contains("名称：红领微网格 → 红领先锋微网格"), "{csv}");
    assert!(!csv.contains("\"version\""), "{csv}");
    // Votes are never listed.
    let voter = app.signed_in("13800000001").await;
    let candidate = app.nominations().await[0].to_string();
    assert_eq!(app.post(&voter, "cast_vote", &[("nomination", &candidate)]).await.0, StatusCode::OK);
    let (_, all) = app.post(&app.signed_in("13800000005").await, "audit_data", &[]).await;
    assert!(!all.contains("cast_vote"), "{all}");
}

impl TestApp {
    /// The shape facts every tree edit must keep: codes unique, each code its parent's
    /// code plus one segment, each level one below its parent's, no record pointing at a
    /// node that is not a micro-grid where a micro-grid is meant.
    pub(crate) async fn assert_tree_consistent(&self) {
        for (sql, what) in [
            ("SELECT count(*) - count(DISTINCT code) FROM grid_nodes", "codes unique"),
            (
                "SELECT count(*) FROM grid_nodes c JOIN grid_nodes p ON p.id = c.parent_id
                 WHERE substr(c.code, 1, length(p.code)) <> p.code
                    OR length(c.code) - length(p.code) NOT IN (2, 3)",
                "each code extends its parent's",
            ),
            (
                "SELECT count(*) FROM grid_nodes c JOIN grid_nodes p ON p.id = c.parent_id
                 WHERE (p.level, c.level) NOT IN (VALUES ('subdistrict', 'community'), ('community', 'grid'),
                        ('grid', 'micro_grid'), ('micro_grid', 'building'), ('building', 'unit'))",
                "levels nest",
            ),
            (
                "SELECT count(*) FROM people p JOIN grid_nodes b ON b.id = p.building_id
                 WHERE p.micro_grid_id IS NOT b.parent_id",
                "people live in the micro-grid of their building",
            ),
            (
                "SELECT count(*) FROM service_orders o JOIN grid_nodes b ON b.id = o.building_id
                 WHERE o.micro_grid_id IS NOT b.parent_id",
                "orders sit in the micro-grid of their building",
            ),
            (
                "SELECT count(*) FROM service_orders o JOIN grid_nodes m ON m.id = o.micro_grid_id
                 WHERE m.level <> 'micro_grid'",
                "orders point at micro-grids",
            ),
        ] {
            let n: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(sql)).fetch_one(&self.pool).await.expect(what);
            assert_eq!(n, 0, "{what}");
        }
    }

    /// A count about one node.
    pub(crate) async fn scalar(&self, sql: &'static str, node: NodeId) -> i64 {
        sqlx::query_scalar(sql).bind(node).fetch_one(&self.pool).await.expect(sql)
    }

    pub(crate) async fn parent_of(&self, node: NodeId) -> NodeId {
        sqlx::query_scalar("SELECT parent_id FROM grid_nodes WHERE id = ?")
            .bind(node)
            .fetch_one(&self.pool)
            .await
            .expect("parent")
    }
}

#[tokio::test]
async fn the_schema_has_no_node_reference_that_a_merge_would_forget() {
    let app = TestApp::spawn().await;
    let references: Vec<(String, String)> = sqlx::query_as(
        "SELECT m.name, f.\"from\" FROM sqlite_master m, pragma_foreign_key_list(m.name) f
         WHERE m.type = 'table' AND f.\"table\" = 'grid_nodes' ORDER BY 1, 2",
    )
    .fetch_all(&app.pool)
    .await
    .expect("foreign keys");
    let handled_apart = [
        ("grid_nodes", "parent_id"),
        ("role_assignments", "node_id"),
        ("audit_log", "node_id"),
        ("community_settings", "node_id"),
    ];
    for (table, column) in &references {
        let known = app::repo::grid_repo::NODE_REFERENCES.iter().chain(handled_apart.iter());
        assert!(known.clone().any(|(t, c)| t == table && c == column), "{table}.{column} is not handled by a merge");
    }
    assert_eq!(references.len(), app::repo::grid_repo::NODE_REFERENCES.len() + handled_apart.len());
}

#[tokio::test]
async fn create_split_merge_and_delete_keep_codes_counts_and_records_consistent() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in("13800000004").await;
    let (micro, version, micro_code) = app.node("向日葵微网格").await;
    // The building of 向日葵微网格 with the most orders moves out.
    let building: NodeId = sqlx::query_scalar(
        "SELECT building_id FROM service_orders WHERE micro_grid_id = ? AND building_id IS NOT NULL
         GROUP BY building_id ORDER BY count(*) DESC LIMIT 1",
    )
    .bind(micro)
    .fetch_one(&app.pool)
    .await
    .expect("a building with orders");
    let residents_of_building = app.scalar("SELECT count(*) FROM people WHERE building_id = ?", building).await;
    let households = app.count("SELECT count(*) FROM households").await;
    let people = app.count("SELECT count(*) FROM people").await;
    let orders_in_building = app.scalar("SELECT count(*) FROM service_orders WHERE building_id = ?", building).await;
    assert!(orders_in_building > 0, "the seeds put orders in 5号楼");
    app.assert_tree_consistent().await;

    // Split: the building goes to a new micro-grid beside; its people and orders go along.
    let form = [
        ("id", micro.to_string()),
        ("version", version.to_string()),
        ("name", "向日葵二组".to_string()),
        ("buildings[]", building.to_string()),
    ];
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let (status, body) = app.post(&admin, "split_node", &form).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (new_micro, new_version, new_code) = app.node("向日葵二组").await;
    assert_eq!(new_version, 1);
    assert_eq!(&new_code[..new_code.len() - 2], &micro_code[..micro_code.len() - 2], "a sibling of the old one");
    let parent_of = |id| app.parent_of(id);
    assert_eq!(parent_of(building).await, new_micro);
    assert_eq!(
        app.scalar("SELECT count(*) FROM service_orders WHERE micro_grid_id = ?", new_micro).await,
        orders_in_building
    );
    assert!(residents_of_building > 0);
    assert_eq!(
        app.scalar("SELECT count(*) FROM people WHERE micro_grid_id = ?", new_micro).await,
        residents_of_building,
        "the residents of the building are in the new micro-grid"
    );
    app.assert_tree_consistent().await;
    // The split was made against `version`; the same form again is stale, and a split that
    // takes every building (or none, or a foreign one) is refused.
    let (status, body) = app.post(&admin, "split_node", &form).await;
    assert!(status == StatusCode::CONFLICT || status == StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let (_, v, _) = app.node("向日葵微网格").await;
    let (status, body) = app
        .post(&admin, "split_node", &[("id", &micro.to_string()), ("version", &v.to_string()), ("name", "空")])
        .await;
    assert!(status == StatusCode::UNPROCESSABLE_ENTITY && body.contains("ErrSplitBuildings"), "{body}");

    // Merge it back: everything returns to 向日葵微网格, the new node is gone.
    let (status, body) = app
        .post(
            &admin,
            "merge_node",
            &[("id", &new_micro.to_string()), ("version", &new_version.to_string()), ("into", &micro.to_string())],
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(app.scalar("SELECT count(*) FROM grid_nodes WHERE id = ?", new_micro).await, 0);
    assert_eq!(parent_of(building).await, micro);
    assert_eq!(app.scalar("SELECT count(*) FROM people WHERE micro_grid_id = ?", new_micro).await, 0);
    assert_eq!(app.scalar("SELECT count(*) FROM service_orders WHERE micro_grid_id = ?", new_micro).await, 0);
    assert_eq!(app.count("SELECT count(*) FROM households").await, households, "no household lost");
    assert_eq!(app.count("SELECT count(*) FROM people").await, people, "no person lost");
    app.assert_tree_consistent().await;
    // Its history stays visible under the node that took it in.
    assert_eq!(
        app.scalar(
            "SELECT count(*) FROM audit_log WHERE action = 'split_node' AND outcome = 'ok' AND node_id = ?",
            micro
        )
        .await,
        1
    );

    // Create and delete: an empty node simply goes; a node with contents asks where they go.
    let (grid, _, grid_code) = app.node("祖望新村网格").await;
    let (status, body) =
        app.post(&admin, "create_node", &[("parent", &grid.to_string()), ("name", "新建微网格")]).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (created, created_version, created_code) = app.node("新建微网格").await;
    assert!(created_code.starts_with(&grid_code) && created_code.len() == grid_code.len() + 2, "{created_code}");
    let (status, body) = app.post(&admin, "create_node", &[("parent", &created.to_string()), ("name", "  ")]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let (status, body) = app
        .post(
            &admin,
            "delete_node",
            &[("id", &micro.to_string()), ("version", &app.node("向日葵微网格").await.1.to_string())],
        )
        .await;
    assert!(status == StatusCode::CONFLICT && body.contains("ErrNodeNotEmpty"), "{body}");
    let (status, body) = app
        .post(&admin, "delete_node", &[("id", &created.to_string()), ("version", &created_version.to_string())])
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(app.count_in(&created_code).await, 0);
    assert_eq!(
        app.scalar(
            "SELECT count(*) FROM audit_log WHERE action = 'create_node' AND outcome = 'ok' AND node_id = ?",
            grid
        )
        .await,
        1,
        "a deleted node's history shows under its parent"
    );
    // Delete with reassignment: 红领微网格's buildings, people and orders go to 向日葵微网格.
    let (red, red_version, _) = app.node("红领微网格").await;
    let red_orders = app.scalar("SELECT count(*) FROM service_orders WHERE micro_grid_id = ?", red).await;
    let sun_orders = app.scalar("SELECT count(*) FROM service_orders WHERE micro_grid_id = ?", micro).await;
    let (status, body) = app
        .post(
            &admin,
            "delete_node",
            &[("id", &red.to_string()), ("version", &red_version.to_string()), ("into", &micro.to_string())],
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        app.scalar("SELECT count(*) FROM service_orders WHERE micro_grid_id = ?", micro).await,
        sun_orders + red_orders
    );
    assert_eq!(app.count("SELECT count(*) FROM households").await, households);
    app.assert_tree_consistent().await;
    // A merge across levels is refused.
    let (_, v, _) = app.node("向日葵微网格").await;
    let (status, body) = app
        .post(
            &admin,
            "merge_node",
            &[("id", &micro.to_string()), ("version", &v.to_string()), ("into", &grid.to_string())],
        )
        .await;
    assert!(status == StatusCode::CONFLICT && body.contains("ErrMergeTarget"), "{body}");
}

impl TestApp {
    /// A fresh node `name` under `parent`, with the next free code (test setup).
    pub(crate) async fn add_node(&self, parent: NodeId, name: &str) -> NodeId {
        use app::domain::grid::{child_code, NodeLevel};
        let mut conn = self.pool.acquire().await.expect("conn");
        let (level, code): (String, String) = sqlx::query_as("SELECT level, code FROM grid_nodes WHERE id = ?")
            .bind(parent)
            .fetch_one(&mut *conn)
            .await
            .expect("parent");
        let level = NodeLevel::parse(&level).and_then(|l| l.child()).expect("child level");
        let seq = app::repo::grid_repo::next_child_seq(&mut conn, parent, &code).await.expect("seq");
        let code = child_code(&code, level, seq).expect("code");
        app::repo::grid_repo::insert_node(&mut conn, parent, level.as_str(), &code, name, i64::from(seq), 0)
            .await
            .expect("insert")
    }

    pub(crate) async fn account(&self, phone: &str) -> AccountId {
        sqlx::query_scalar("SELECT id FROM accounts WHERE phone = ?")
            .bind(phone)
            .fetch_one(&self.pool)
            .await
            .expect(phone)
    }

    /// Everything an edit could change in the tree and its staff, as one string.
    pub(crate) async fn tree_snapshot(&self) -> String {
        sqlx::query_scalar(
            "SELECT count(*) || ':' || total(version) || ':' || group_concat(code || name, ',')
                    || ':' || (SELECT count(*) || ':' || total(node_id) FROM role_assignments)
                    || ':' || (SELECT total(micro_grid_id) FROM people)
             FROM grid_nodes",
        )
        .fetch_one(&self.pool)
        .await
        .expect("snapshot")
    }
}

/// The form of one grid edit on a fresh node of the area under `grid` (a grid), set up so
/// that the edit succeeds when the one sending it is allowed to make it.
async fn grid_edit_form(
    app: &TestApp,
    op: &str,
    grid: NodeId,
    resident: &str,
    n: usize,
) -> Vec<(&'static str, String)> {
    let fresh = app.add_node(grid, &format!("矩阵{op}{n}")).await;
    let s = |v: &dyn std::fmt::Display| v.to_string();
    match op {
        "rename_node" => vec![("id", s(&fresh)), ("version", s(&1)), ("name", format!("改名{n}"))],
        "move_node" => {
            let community = app.parent_of(grid).await;
            let other_grid = app.add_node(community, &format!("矩阵目标{n}")).await;
            vec![("id", s(&fresh)), ("version", s(&1)), ("parent", s(&other_grid))]
        }
        "create_node" => vec![("parent", s(&fresh)), ("name", format!("新楼{n}"))],
        "delete_node" => vec![("id", s(&fresh)), ("version", s(&1))],
        "merge_node" => {
            let into = app.add_node(grid, &format!("矩阵并入{n}")).await;
            vec![("id", s(&fresh)), ("version", s(&1)), ("into", s(&into))]
        }
        "split_node" => {
            app.add_node(fresh, &format!("矩阵甲楼{n}")).await;
            let out = app.add_node(fresh, &format!("矩阵乙楼{n}")).await;
            vec![("id", s(&fresh)), ("version", s(&1)), ("name", format!("分出{n}")), ("buildings[]", s(&out))]
        }
        "assign_staff" => vec![("node", s(&fresh)), ("account", s(&app.account(resident).await))],
        "remove_staff" => {
            let mut conn = app.pool.acquire().await.expect("conn");
            let assignment = app::repo::grid_repo::grant(
                &mut conn,
                app.account(resident).await,
                "micro_grid_member",
                fresh,
                AccountId(1),
            )
            .await
            .expect("grant");
            vec![("assignment", s(&assignment))]
        }
        other => panic!("unknown edit {other}"),
    }
}

#[tokio::test]
async fn every_grid_edit_by_every_role_on_its_own_and_a_foreign_area() {
    let app = TestApp::spawn().await;
    // 陈骏骏 becomes admin of 朝晖社区 for this test: a community admin of another area.
    let chaohui = app.node("朝晖社区").await.0;
    sqlx::query("INSERT INTO role_assignments (account_id, role, node_id) VALUES (?, 'community_admin', ?)")
        .bind(app.account("13800000007").await)
        .bind(chaohui)
        .execute(&app.pool)
        .await
        .expect("promote");
    let own = (app.node("幸福锦园网格").await.0, "13800000001");
    let foreign = (app.node("连心网格").await.0, "13800000009");
    let ops = [
        "rename_node",
        "move_node",
        "create_node",
        "delete_node",
        "merge_node",
        "split_node",
        "assign_staff",
        "remove_staff",
    ];
    // (phone, allowed on own area, allowed on the foreign area)
    let roles = [
        ("13800000001", false, false), // resident
        ("13800000006", false, false), // micro-grid member
        ("13800000003", false, false), // grid leader: reads only
        ("13800000004", true, false),  // community admin of 祖望社区
        ("13800000005", true, false),  // subdistrict admin of 幸福街道
        ("13800000007", false, true),  // community admin of 朝晖社区
    ];
    let mut n = 0;
    for (phone, own_ok, foreign_ok) in roles {
        let who = app.signed_in(phone).await;
        for op in ops {
            for ((grid, resident), allowed) in [(own, own_ok), (foreign, foreign_ok)] {
                n += 1;
                let form = grid_edit_form(&app, op, grid, resident, n).await;
                let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
                let before = app.tree_snapshot().await;
                let (status, body) = app.post(&who, op, &form).await;
                if allowed {
                    assert_eq!(status, StatusCode::OK, "{phone} {op} on {grid}: {body}");
                    assert_ne!(app.tree_snapshot().await, before, "{phone} {op} changed something");
                } else {
                    assert_eq!(status, StatusCode::FORBIDDEN, "{phone} {op} on {grid}: {body}");
                    assert_eq!(app.tree_snapshot().await, before, "{phone} {op}: a denied edit changed nothing");
                }
            }
        }
    }
    // Every denial is in the audit log.
    // Residents, members and leaders on both areas, each admin on the area not theirs.
    let denied = app.count("SELECT count(*) FROM audit_log WHERE outcome = 'refused'").await;
    assert_eq!(denied, ops.len() as i64 * (3 * 2 + 3));
    app.assert_tree_consistent().await;
}

#[tokio::test]
async fn an_admin_undoes_their_own_edits_newest_first_unless_the_node_changed_since() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in("13800000004").await;
    let street = app.signed_in("13800000005").await;
    let (status, body) = app.post(&admin, "undo_grid_edit", &[]).await;
    assert!(status == StatusCode::CONFLICT && body.contains("ErrNothingToUndo"), "{body}");
    let (micro, v, code) = app.node("向日葵微网格").await;
    let (grid, ..) = app.node("祖望新村网格").await;
    let (old_parent, ..) = app.node("幸福锦园网格").await;
    let id = micro.to_string();
    // Rename, then move: undo takes back the move first, then the rename.
    let (status, _) =
        app.post(&admin, "rename_node", &[("id", &id), ("version", &v.to_string()), ("name", "向阳")]).await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = app
        .post(&admin, "move_node", &[("id", &id), ("version", &(v + 1).to_string()), ("parent", &grid.to_string())])
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(app.post(&admin, "undo_grid_edit", &[]).await.0, StatusCode::OK);
    let (_, _, back_code) = app.node("向阳").await;
    assert_eq!(app.parent_of(micro).await, old_parent);
    assert_eq!(back_code.len(), code.len());
    assert_eq!(app.post(&admin, "undo_grid_edit", &[]).await.0, StatusCode::OK);
    assert_eq!(app.node("向日葵微网格").await.0, micro, "the old name is back");
    app.assert_tree_consistent().await;
    // Creating, then undoing, removes the new node.
    let (status, _) = app.post(&admin, "create_node", &[("parent", &grid.to_string()), ("name", "临时微网格")]).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(app.post(&admin, "undo_grid_edit", &[]).await.0, StatusCode::OK);
    assert_eq!(app.count("SELECT count(*) FROM grid_nodes WHERE name = '临时微网格'").await, 0);
    // Staff: making someone grid leader replaces the leader; undo puts the old one back.
    let leaders = "SELECT group_concat(account_id) FROM role_assignments WHERE role = 'grid_leader' AND node_id = ?";
    let before: Option<String> =
        sqlx::query_scalar(leaders).bind(old_parent).fetch_one(&app.pool).await.expect("leaders");
    let zhang = app.account("13800000002").await.to_string();
    let (status, body) =
        app.post(&admin, "assign_staff", &[("node", &old_parent.to_string()), ("account", &zhang)]).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let now_leader: Option<String> =
        sqlx::query_scalar(leaders).bind(old_parent).fetch_one(&app.pool).await.expect("l");
    assert_eq!(now_leader.as_deref(), Some(zhang.as_str()), "replaced");
    assert_eq!(app.post(&admin, "undo_grid_edit", &[]).await.0, StatusCode::OK);
    let restored: Option<String> = sqlx::query_scalar(leaders).bind(old_parent).fetch_one(&app.pool).await.expect("l");
    assert_eq!(restored, before);
    // Staff come from the community: a resident of another community cannot be assigned.
    let outsider = app.account("13800000009").await.to_string();
    let (status, body) =
        app.post(&admin, "assign_staff", &[("node", &old_parent.to_string()), ("account", &outsider)]).await;
    assert!(status == StatusCode::UNPROCESSABLE_ENTITY && body.contains("ErrStaffPerson"), "{body}");
    // When another admin changed the node after my edit, my edit cannot be undone.
    let (_, v, _) = app.node("向日葵微网格").await;
    let (status, _) =
        app.post(&admin, "rename_node", &[("id", &id), ("version", &v.to_string()), ("name", "甲")]).await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) =
        app.post(&street, "rename_node", &[("id", &id), ("version", &(v + 1).to_string()), ("name", "乙")]).await;
    assert_eq!(status, StatusCode::OK);
    let (status, body) = app.post(&admin, "undo_grid_edit", &[]).await;
    assert!(status == StatusCode::CONFLICT && body.contains("ErrUndoStale"), "{body}");
    assert_eq!(app.node("乙").await.0, micro, "nothing overwritten");
    // Others cannot undo at all.
    assert_eq!(app.post(&app.signed_in("13800000003").await, "undo_grid_edit", &[]).await.0, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn editors_see_who_else_has_the_same_subtree_open() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in("13800000004").await;
    let street = app.signed_in("13800000005").await;
    let (micro, ..) = app.node("向日葵微网格").await;
    let (community, ..) = app.node("祖望社区").await;
    let (other, ..) = app.node("民情收发站微网格").await;
    let (status, alone) = app.post(&admin, "grid_presence", &[("node", &micro.to_string())]).await;
    assert_eq!((status, alone.as_str()), (StatusCode::OK, "[]"));
    // The street admin looks at the community, which contains the micro-grid.
    let (_, seen) = app.post(&street, "grid_presence", &[("node", &community.to_string())]).await;
    assert!(seen.contains("刘芳"), "{seen}");
    let (_, seen) = app.post(&admin, "grid_presence", &[("node", &micro.to_string())]).await;
    assert!(seen.contains("周建华"), "{seen}");
    // A sibling subtree is not the same subtree.
    let (_, moved) = app.post(&admin, "grid_presence", &[("node", &other.to_string())]).await;
    assert!(moved.contains("周建华"), "the community contains both: {moved}");
    let (_, sibling) = app.post(&street, "grid_presence", &[("node", &micro.to_string())]).await;
    assert_eq!(sibling, "[]", "刘芳 now looks at another micro-grid");
    // Someone outside the area is refused.
    let foreign = app.node("连心网格").await.0.to_string();
    assert_eq!(app.post(&admin, "grid_presence", &[("node", &foreign)]).await.0, StatusCode::FORBIDDEN);
}
