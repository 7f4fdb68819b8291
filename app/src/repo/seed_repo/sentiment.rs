//! The demo city's 民情 log: the reports' items and twelve weeks of history.
use super::*;

impl Seeder<'_> {
    pub(super) async fn sentiment(&mut self, items: &[SentimentSeed], t0: i64) -> Result<(), SeedError> {
        for (i, item) in items.iter().enumerate() {
            let micro = self
                .micro_grids
                .get(&item.micro_grid)
                .map(|m| m.id)
                .ok_or_else(|| SeedError::UnknownPlace(item.micro_grid.clone()))?;
            let building = self.buildings.get(&item.building).map(|b| b.0);
            let reporter: Option<AccountId> = sqlx::query_scalar("SELECT id FROM accounts WHERE phone = ?")
                .bind(&item.reporter)
                .fetch_optional(&mut *self.conn)
                .await?;
            let days = item.days_ago.unwrap_or(i as f64 + 1.0);
            let spec = ItemSpec {
                kind: &item.kind,
                category: &item.category,
                micro_grid: micro,
                building,
                place_note: &item.place_note,
                description: &item.description,
                reporter,
                stage: &item.stage,
                warning: item.warning_level.as_deref(),
                handler: item.handler.as_ref().map(|(k, n)| (k.as_str(), n.as_str())),
                resolved: item.resolved,
                rating: item.resolved.map(|r| if r { 5 } else { 2 }),
                rework: false,
                created: t0 - (days * 86_400.0) as i64,
                now: t0,
            };
            let id = self.seed_item(&spec).await?;
            for party in &item.parties {
                let (name, contact) = match party.split_once(' ') {
                    Some((n, c)) => (n, Some(c)),
                    None => (party.as_str(), None),
                };
                sqlx::query("INSERT INTO dispute_parties (item_id, name, contact) VALUES (?, ?, ?)")
                    .bind(id)
                    .bind(name)
                    .bind(contact)
                    .execute(&mut *self.conn)
                    .await?;
            }
            for check in &item.checks {
                sqlx::query("INSERT INTO inspection_checks (item_id, label) VALUES (?, ?)")
                    .bind(id)
                    .bind(check)
                    .execute(&mut *self.conn)
                    .await?;
            }
        }
        Ok(())
    }

    /// Twelve weeks of 民情 in the micro-grids that have staff, most closed, some
    /// confirmed by residents and some not, a few voided or still open, so the
    /// command centre's charts have shape.
    pub(super) async fn sentiment_history(&mut self, t0: i64) -> Result<(), SeedError> {
        const TEMPLATES: [(&str, &str); 12] = [
            ("facility", "楼道灯不亮"),
            ("facility", "单元门禁损坏"),
            ("sanitation", "垃圾桶满溢，气味大"),
            ("safety", "电动车在楼道充电"),
            ("facility", "电梯按钮失灵"),
            ("sanitation", "绿化带里有建筑垃圾"),
            ("safety", "消防通道堆放杂物"),
            ("other", "流浪猫较多，有居民担心"),
            ("illegal_building", "一楼私搭雨棚"),
            ("facility", "屋顶渗水"),
            ("sanitation", "楼道小广告多"),
            ("dispute", "楼上楼下噪音纠纷"),
        ];
        let places: Vec<(NodeId, NodeId, String, Option<AccountId>)> = sqlx::query_as(
            "SELECT m.id, b.id, b.name,
                    (SELECT r.account_id FROM role_assignments r JOIN grid_nodes n ON n.id = r.node_id
                     WHERE r.role IN ('micro_grid_member', 'grid_leader') AND substr(m.code, 1, length(n.code)) = n.code
                     ORDER BY r.role DESC LIMIT 1)
             FROM grid_nodes m JOIN grid_nodes b ON b.parent_id = m.id AND b.level = 'building'
             WHERE m.level = 'micro_grid' ORDER BY b.code",
        )
        .fetch_all(&mut *self.conn)
        .await?;
        let places: Vec<_> = places.into_iter().filter(|p| p.3.is_some()).collect();
        let mut n = 0usize;
        for week in 0..12i64 {
            for (k, (micro, building, name, staff)) in places.iter().enumerate() {
                if (k + week as usize) % 3 == 2 {
                    continue;
                }
                n += 1;
                let (category, what) = TEMPLATES[n % TEMPLATES.len()];
                let created = t0 - week * 7 * 86_400 - ((n * 7919) % (6 * 86_400)) as i64 - 86_400;
                let age_days = (t0 - created) / 86_400;
                let stage = match (age_days, n % 10) {
                    (_, 9) => "voided",
                    (0..=2, 0..=3) => "reported",
                    (0..=2, _) => "accepted",
                    (3..=6, 0..=2) => "dispatched",
                    (3..=6, 3) => "handled",
                    _ => "closed",
                };
                let resolved = (stage == "closed").then_some(!n.is_multiple_of(6)).filter(|_| !n.is_multiple_of(5));
                let description = format!("{name}{what}");
                let spec = ItemSpec {
                    kind: if category == "dispute" { "dispute" } else { "report" },
                    category,
                    micro_grid: *micro,
                    building: Some(*building),
                    place_note: "",
                    description: &description,
                    reporter: *staff,
                    stage,
                    warning: (category == "dispute").then_some(if n.is_multiple_of(4) { "yellow" } else { "green" }),
                    handler: Some(if n.is_multiple_of(3) {
                        ("department", "城管中队")
                    } else {
                        ("property", "物业服务中心")
                    }),
                    resolved,
                    rating: resolved.map(|r| if r { 4 + (n % 2) as i64 } else { 2 }),
                    rework: n.is_multiple_of(7),
                    created,
                    now: t0,
                };
                self.seed_item(&spec).await?;
            }
        }
        Ok(())
    }

    /// One item walked through the loop up to its stage, each step timed and signed:
    /// the reporter collects and reports, the grid leader accepts and dispatches, the
    /// handler's feedback comes a day later, a member verifies and closes. A dispatched
    /// item past its deadline carries the 督办 the server would have made.
    pub(super) async fn seed_item(&mut self, it: &ItemSpec<'_>) -> Result<i64, SeedError> {
        const PATH: [&str; 7] = ["collected", "reported", "accepted", "dispatched", "handled", "verified", "closed"];
        const OFFSETS: [i64; 7] = [0, 3600, 3 * 3600, 5 * 3600, 29 * 3600, 33 * 3600, 35 * 3600];
        let code: String = sqlx::query_scalar("SELECT code FROM grid_nodes WHERE id = ?")
            .bind(it.micro_grid)
            .fetch_one(&mut *self.conn)
            .await?;
        let leader: Option<AccountId> = sqlx::query_scalar(
            "SELECT r.account_id FROM role_assignments r JOIN grid_nodes n ON n.id = r.node_id
             WHERE r.role IN ('grid_leader', 'community_admin') AND substr(?, 1, length(n.code)) = n.code
             ORDER BY r.role DESC LIMIT 1",
        )
        .bind(&code)
        .fetch_optional(&mut *self.conn)
        .await?;
        let leader = leader.or(it.reporter);
        let (reached, tail) = match it.stage {
            "voided" => (1, Some("voided")),
            "parked" => (2, Some("parked")),
            s => (PATH.iter().position(|p| *p == s).ok_or_else(|| SeedError::Bad(format!("stage {s}")))?, None),
        };
        let at = |step: usize| (it.created + OFFSETS[step]).min(it.now - 60);
        let dispatched = (reached >= 3 && tail.is_none()).then(|| at(3));
        let deadline = dispatched.map(|d| d + 3 * 86_400);
        let handled = (reached >= 4 && tail.is_none()).then(|| at(4));
        let closed = (reached == 6).then(|| at(6));
        let level = match (reached, deadline) {
            (3, Some(d)) if it.now > d + 2 * 86_400 => 2,
            (3, Some(d)) if it.now > d => 1,
            _ => 0,
        };
        let (handler_kind, handler_name) = match (dispatched, it.handler) {
            (Some(_), Some((k, n))) => (Some(k), Some(n)),
            (Some(_), None) => (Some("property"), Some("物业服务中心")),
            _ => (None, None),
        };
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO sentiment_items (kind, category, micro_grid_id, building_id, place_note, description, reporter_id,
                 stage, handler_kind, handler_name, deadline, escalation_level, escalated_at, warning_level, handled_at,
                 closed_at, rework_count, resident_confirmed_at, resident_resolved, resident_rating, created_at, updated_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
        )
        .bind(it.kind)
        .bind(it.category)
        .bind(it.micro_grid)
        .bind(it.building)
        .bind(it.place_note)
        .bind(it.description)
        .bind(it.reporter)
        .bind(tail.unwrap_or(PATH[reached]))
        .bind(handler_kind)
        .bind(handler_name)
        .bind(deadline)
        .bind(level)
        .bind((level > 0).then(|| deadline.unwrap_or(0) + 60))
        .bind(it.warning)
        .bind(handled)
        .bind(closed)
        .bind(i64::from(it.rework && reached >= 4))
        .bind(closed.filter(|_| it.resolved.is_some()).map(|c| (c + 86_400).min(it.now - 30)))
        .bind(it.resolved.filter(|_| closed.is_some()))
        .bind(it.rating.filter(|_| closed.is_some() && it.resolved.is_some()))
        .bind(it.created)
        .bind(closed.or(handled).or(dispatched).unwrap_or(it.created))
        .fetch_one(&mut *self.conn)
        .await?;
        let mut lines: Vec<SeedLine> = Vec::new();
        for (step, stage) in PATH.iter().enumerate().take(reached + 1) {
            let actor = if matches!(step, 2 | 3) { leader } else { it.reporter };
            let note = match step {
                3 => format!(
                    "{} · {}",
                    handler_name.unwrap_or(""),
                    crate::domain::time::format_local_date(deadline.unwrap_or(0))
                ),
                4 => "已处理完毕".to_string(),
                _ => String::new(),
            };
            lines.push((step.checked_sub(1).map(|p| PATH[p]), stage, actor, note, "stage", at(step)));
        }
        if let Some(tail) = tail {
            let note = if tail == "voided" { "重复上报" } else { "等待维修资金审批" };
            lines.push((Some(PATH[reached]), tail, leader, note.into(), "stage", at(reached + 1)));
        }
        if level > 0 {
            let d = deadline.unwrap_or(0);
            lines.push((None, "dispatched", None, "督办：已超期，提交网格长".into(), "escalation", d + 60));
            if level > 1 {
                lines.push((
                    None,
                    "dispatched",
                    None,
                    "督办：超期两天以上，提交社区".into(),
                    "escalation",
                    d + 2 * 86_400 + 60,
                ));
            }
        }
        if let (Some(c), Some(resolved)) = (closed, it.resolved) {
            let note = if resolved { "修好了，谢谢" } else { "过几天又坏了" };
            lines.push((None, "closed", it.reporter, note.into(), "confirm", (c + 86_400).min(it.now - 30)));
        }
        for (from, to, actor, note, kind, at) in lines {
            sqlx::query(
                "INSERT INTO sentiment_stages (item_id, from_stage, to_stage, actor_id, note, kind, at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            )
            .bind(id)
            .bind(from)
            .bind(to)
            .bind(actor)
            .bind(note)
            .bind(kind)
            .bind(at)
            .execute(&mut *self.conn)
            .await?;
        }
        Ok(id)
    }
}

/// One line of a seeded item's timeline: (from, to, actor, note, kind, at).
pub(super) type SeedLine<'a> = (Option<&'a str>, &'a str, Option<AccountId>, String, &'a str, i64);

/// One seeded 民情 item.
pub(super) struct ItemSpec<'a> {
    pub(super) kind: &'a str,
    pub(super) category: &'a str,
    pub(super) micro_grid: NodeId,
    pub(super) building: Option<NodeId>,
    pub(super) place_note: &'a str,
    pub(super) description: &'a str,
    pub(super) reporter: Option<AccountId>,
    pub(super) stage: &'a str,
    pub(super) warning: Option<&'a str>,
    pub(super) handler: Option<(&'a str, &'a str)>,
    pub(super) resolved: Option<bool>,
    pub(super) rating: Option<i64>,
    pub(super) rework: bool,
    pub(super) created: i64,
    pub(super) now: i64,
}
