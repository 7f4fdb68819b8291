//! 志愿服务之星: votes and running an election.
use crate::support::*;
use crate::test_app::TestApp;
use futures::StreamExt;
use reqwest::{Client, StatusCode};

/// Votes in the running seeded election.
const RUNNING_VOTES: &str = "SELECT count(*) FROM star_votes WHERE election_id IN
    (SELECT id FROM star_elections WHERE voting_start <= unixepoch() AND voting_end > unixepoch())";

impl TestApp {
    /// The approved nominations of the seeded running election, in id order.
    pub(crate) async fn nominations(&self) -> Vec<i64> {
        crate::common::running_candidates(&self.pool).await
    }
}

#[tokio::test]
async fn a_vote_is_recorded_exactly_once_however_often_it_is_sent() {
    let app = TestApp::spawn().await;
    let voter = app.signed_in("13800000001").await;
    let candidate = app.nominations().await[0].to_string();
    let form = [("nomination", candidate.as_str())];
    let sends = (0..20).map(|_| app.post(&voter, "cast_vote", &form));
    let results = futures::future::join_all(sends).await;
    let ok = results.iter().filter(|(s, _)| *s == StatusCode::OK).count();
    let refused = results.iter().filter(|(s, b)| *s == StatusCode::CONFLICT && b.contains("ErrAlreadyVoted")).count();
    assert_eq!((ok, refused), (1, 19));
    assert_eq!(app.count(RUNNING_VOTES).await, 1);
    // The voter sees their own vote; the audit log never names the candidate.
    let (_, stars) = app.post(&voter, "stars_data", &[]).await;
    let stars: serde_json::Value = serde_json::from_str(&stars).expect("json");
    assert_eq!(stars["my_votes"], serde_json::json!([candidate.parse::<i64>().expect("id")]));
    assert_eq!(stars["remaining"], 9);
    assert_eq!(
        app.count("SELECT count(*) FROM audit_log WHERE action = 'cast_vote' AND object_kind <> 'star_election'").await,
        0
    );
}

#[tokio::test]
async fn a_voter_has_a_quota_of_votes_one_per_candidate() {
    let app = TestApp::spawn().await;
    // The seeded election has twelve candidates and ten votes each; make the quota bite.
    sqlx::query("UPDATE star_elections SET votes_per_voter = 3 WHERE voting_end > unixepoch()")
        .execute(&app.pool)
        .await
        .expect("q");
    let voter = app.signed_in("13800001000").await;
    let candidates = app.nominations().await;
    assert_eq!(candidates.len(), 12);
    for (i, c) in candidates.iter().take(4).enumerate() {
        let (status, body) = app.post(&voter, "cast_vote", &[("nomination", &c.to_string())]).await;
        if i < 3 {
            assert_eq!(status, StatusCode::OK, "vote {i}: {body}");
        } else {
            assert_eq!(status, StatusCode::CONFLICT);
            assert!(body.contains("ErrQuotaUsed"), "{body}");
        }
    }
    assert_eq!(app.count(RUNNING_VOTES).await, 3);
    assert_eq!(app.count("SELECT count(*) FROM audit_log WHERE action = 'cast_vote' AND outcome = 'refused'").await, 1);
}

#[tokio::test]
async fn a_vote_comes_only_from_an_account_grid_staff_matched_to_a_household() {
    let app = TestApp::spawn().await;
    let candidate = app.nominations().await[0].to_string();
    let votes = || app.count("SELECT count(*) FROM star_votes");
    let before = votes().await;
    let micro: i64 = sqlx::query_scalar("SELECT id FROM grid_nodes WHERE name = '向日葵微网格'")
        .fetch_one(&app.pool)
        .await
        .expect("micro-grid");
    // Throwaway sign-ups post needs but move no candidate.
    let mut fresh = Vec::new();
    for n in 0..5 {
        let client = app.client();
        let phone = format!("1360000{n:04}");
        let (status, body) = app
            .post(
                &client,
                "signup",
                &[
                    ("full_name", &format!("新住户{n}")),
                    ("phone", &phone),
                    ("password", "Tianqing-Shui-42"),
                    ("micro_grid", &micro.to_string()),
                ],
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let (status, body) = app.post(&client, "cast_vote", &[("nomination", &candidate)]).await;
        assert_eq!(status, StatusCode::CONFLICT, "{body}");
        assert!(body.contains("ErrVoterUnverified"), "{body}");
        fresh.push((client, phone));
    }
    assert_eq!(votes().await, before, "no unverified vote was counted");
    let (client, phone) = &fresh[0];
    app.place_ok(client, "unverified-0001").await;
    // They see the election and are told how to get verified; 我的 says so too.
    let (_, stars) = app.get(client, "/stars").await;
    assert!(stars.contains("还没有核实住户") && stars.contains("网格服务驿站"), "{stars}");
    let (_, me) = app.get(client, "/me").await;
    assert!(me.contains("未核实住户"), "{me}");

    let account: i64 = sqlx::query_scalar("SELECT id FROM accounts WHERE phone = ?")
        .bind(phone)
        .fetch_one(&app.pool)
        .await
        .expect("id");
    let verified = || async {
        sqlx::query_as::<_, (Option<i64>, Option<i64>, Option<i64>)>(
            "SELECT a.verified_at, a.verified_by, p.household_id FROM accounts a JOIN people p ON p.id = a.person_id WHERE a.id = ?",
        )
        .bind(account)
        .fetch_one(&app.pool)
        .await
        .expect("row")
    };
    // The community admin finds the account, unverified, with its micro-grid's units to choose from.
    let admin = app.signed_in("13800000004").await;
    let (status, body) = app.post(&admin, "account_search", &[("query", "新住户0")]).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let lines: serde_json::Value = serde_json::from_str(&body).expect("json");
    let line = &lines[0];
    assert_eq!((line["account_id"].as_i64(), line["verified"].as_bool()), (Some(account), Some(false)), "{lines}");
    let unit = line["units"][0][0].as_i64().expect("a unit").to_string();
    let id = account.to_string();

    // A room the unit does not have, or a unit of another micro-grid: explained, nothing written.
    let (status, body) =
        app.post(&admin, "verify_resident", &[("account", &id), ("unit", &unit), ("room", "9909")]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(body.contains("ErrNoSuchHousehold"), "{body}");
    let elsewhere: i64 = sqlx::query_scalar(
        "SELECT u.id FROM grid_nodes u JOIN grid_nodes b ON b.id = u.parent_id WHERE u.level = 'unit' AND b.parent_id <> ? LIMIT 1",
    )
    .bind(micro)
    .fetch_one(&app.pool)
    .await
    .expect("unit");
    let (status, _) = app
        .post(&admin, "verify_resident", &[("account", &id), ("unit", &elsewhere.to_string()), ("room", "101")])
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    // Nobody verifies themselves or is verified by a neighbour.
    let (status, _) = app.post(client, "verify_resident", &[("account", &id), ("unit", &unit), ("room", "101")]).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(verified().await, (None, None, None));

    let (status, body) =
        app.post(&admin, "verify_resident", &[("account", &id), ("unit", &unit), ("room", "101")]).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (at, by, household) = verified().await;
    let admin_id: i64 = sqlx::query_scalar("SELECT id FROM accounts WHERE phone = '13800000004'")
        .fetch_one(&app.pool)
        .await
        .expect("id");
    assert!(at.is_some() && household.is_some(), "verified and placed in the household");
    assert_eq!(by, Some(admin_id));
    assert_eq!(
        app.count("SELECT count(*) FROM audit_log WHERE action = 'verify_resident' AND outcome = 'ok' AND after_json LIKE '%\"room\":\"101\"%'").await,
        1
    );
    assert_eq!(
        app.count("SELECT count(*) FROM audit_log WHERE action = 'verify_resident' AND outcome = 'refused'").await,
        3,
        "the two households that are not the person's and the person's own try"
    );
    // Every refusal is filed under the person's micro-grid, the person's own try (refused
    // before any rule reads a row) too, so that the admins of that area see them.
    assert_eq!(
        sqlx::query_scalar::<_, i64>(
            "SELECT count(*) FROM audit_log WHERE action = 'verify_resident' AND outcome = 'refused'
               AND node_id = (SELECT p.micro_grid_id FROM accounts a JOIN people p ON p.id = a.person_id WHERE a.id = ?)",
        )
        .bind(account)
        .fetch_one(&app.pool)
        .await
        .expect("count"),
        3
    );
    // Verified: the vote counts, the page says so, and a second verification is refused.
    let (status, body) = app.post(client, "cast_vote", &[("nomination", &candidate)]).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(votes().await, before + 1);
    let (_, me) = app.get(client, "/me").await;
    assert!(me.contains("已核实住户"), "{me}");
    let (status, _) = app.post(&admin, "verify_resident", &[("account", &id), ("unit", &unit), ("room", "102")]).await;
    assert_eq!(status, StatusCode::CONFLICT);
}

#[tokio::test]
async fn votes_from_outside_the_area_or_outside_the_period_are_refused() {
    let app = TestApp::spawn().await;
    let candidate = app.nominations().await[0].to_string();
    // 李建国 lives in 朝晖社区 (新城桥街道), outside the 幸福街道 election.
    let outsider = app.signed_in("13800000009").await;
    let (status, body) = app.post(&outsider, "cast_vote", &[("nomination", &candidate)]).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(body.contains("ErrOutOfScope"), "{body}");
    // A community admin without a resident or volunteer registration does not vote.
    let admin = app.signed_in("13800000004").await;
    let (status, _) = app.post(&admin, "cast_vote", &[("nomination", &candidate)]).await;
    assert_eq!(status, StatusCode::CONFLICT);
    // After the close nobody votes.
    sqlx::query(
        "UPDATE star_elections SET nomination_start = unixepoch() - 40, nomination_end = unixepoch() - 30,
         voting_start = unixepoch() - 20, voting_end = unixepoch() - 1, notice_end = unixepoch() + 86400
         WHERE voting_end > unixepoch()",
    )
    .execute(&app.pool)
    .await
    .expect("q");
    let voter = app.signed_in("13800000001").await;
    let (status, body) = app.post(&voter, "cast_vote", &[("nomination", &candidate)]).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(body.contains("ErrNotVoting"), "{body}");
    assert_eq!(app.count("SELECT count(*) FROM star_votes WHERE cast_at > unixepoch() - 3600").await, 0);
    let (status, _) = app.post(&voter, "cast_vote", &[("nomination", "999999")]).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

impl TestApp {
    /// `n` new residents of `area` with live sessions: (account id, a client carrying the cookie).
    pub(crate) async fn residents_with_sessions(&self, area: &str, n: usize, first_phone: u64) -> Vec<(i64, Client)> {
        crate::common::residents_with_sessions(&self.pool, area, n, first_phone)
            .await
            .into_iter()
            .map(|(account, cookie)| {
                let mut headers = crate::test_app::same_origin_headers();
                headers.insert(reqwest::header::COOKIE, cookie.parse().expect("header"));
                (account, Client::builder().default_headers(headers).build().expect("client"))
            })
            .collect()
    }
}

/// What a vote in the race test was aimed at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Aim {
    Valid(i64),
    Closed,
    Rejected,
    Missing,
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn ten_thousand_mixed_votes_at_once_count_exactly_the_distinct_valid_ones() {
    let dir = tempfile::tempdir().expect("tempdir");
    let app = TestApp::spawn_with(dir, |s| {
        s.votes_per_account_per_minute = 100_000;
        s.votes_per_ip_per_minute = 100_000;
    })
    .await;
    // Four votes each, so over-quota attempts are common.
    sqlx::query("UPDATE star_elections SET votes_per_voter = 4 WHERE voting_end > unixepoch()")
        .execute(&app.pool)
        .await
        .expect("q");
    let candidates = app.nominations().await;
    let (open_election, scope): (i64, i64) = sqlx::query_as(
        "SELECT e.id, e.scope_node_id FROM star_elections e JOIN nominations n ON n.election_id = e.id WHERE n.id = ?",
    )
    .bind(candidates[0])
    .fetch_one(&app.pool)
    .await
    .expect("election");
    // A rejected candidate in the open election and an approved one in a closed election.
    let volunteers: Vec<i64> = sqlx::query_scalar(
        "SELECT p.id FROM people p WHERE p.phone BETWEEN '13800000020' AND '13800000029'
         AND p.id NOT IN (SELECT person_id FROM nominations) ORDER BY p.id",
    )
    .fetch_all(&app.pool)
    .await
    .expect("volunteers");
    let rejected: i64 = sqlx::query_scalar(
        "INSERT INTO nominations (election_id, person_id, status, reason) VALUES (?, ?, 'rejected', '服务时长不足') RETURNING id",
    )
    .bind(open_election)
    .bind(volunteers[0])
    .fetch_one(&app.pool)
    .await
    .expect("rejected");
    let closed_election: i64 = sqlx::query_scalar(
        "INSERT INTO star_elections (title, scope_node_id, nomination_start, nomination_end, voting_start, voting_end, notice_end)
         VALUES ('已结束的评选', ?, unixepoch() - 900, unixepoch() - 800, unixepoch() - 700, unixepoch() - 600, unixepoch() + 600)
         RETURNING id",
    )
    .bind(scope)
    .fetch_one(&app.pool)
    .await
    .expect("closed");
    let closed: i64 = sqlx::query_scalar(
        "INSERT INTO nominations (election_id, person_id, status) VALUES (?, ?, 'approved') RETURNING id",
    )
    .bind(closed_election)
    .bind(volunteers[1])
    .fetch_one(&app.pool)
    .await
    .expect("closed nomination");

    let inside = app.residents_with_sessions("幸福街道", 150, 13_900_000_000).await;
    let outside = app.residents_with_sessions("新城桥街道", 30, 13_910_000_000).await;
    let voters: Vec<(i64, Client, bool)> =
        inside.into_iter().map(|(a, c)| (a, c, true)).chain(outside.into_iter().map(|(a, c)| (a, c, false))).collect();

    // A fixed pseudo-random mix: mostly valid votes (many of them repeats and past the quota),
    // some for the closed election, the rejected candidate or a nomination that does not exist.
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let plan: Vec<(usize, Aim)> = (0..10_000)
        .map(|_| {
            let voter = (next() % voters.len() as u64) as usize;
            let aim = match next() % 20 {
                0 => Aim::Closed,
                1 => Aim::Rejected,
                2 => Aim::Missing,
                _ => Aim::Valid(candidates[(next() % candidates.len() as u64) as usize]),
            };
            (voter, aim)
        })
        .collect();
    let results: Vec<(usize, Aim, StatusCode, String)> = futures::stream::iter(plan.iter().copied())
        .map(|(voter, aim)| {
            let client = voters[voter].1.clone();
            let url = format!("{}/api/cast_vote", app.base);
            let nomination = match aim {
                Aim::Valid(n) => n,
                Aim::Closed => closed,
                Aim::Rejected => rejected,
                Aim::Missing => 987_654_321,
            };
            async move {
                let res = client.post(url).form(&[("nomination", nomination.to_string())]).send().await.expect("send");
                let status = res.status();
                (voter, aim, status, res.text().await.expect("body"))
            }
        })
        .buffer_unordered(200)
        .collect()
        .await;

    let mut accepted = std::collections::HashSet::new();
    let mut wanted: std::collections::HashMap<usize, std::collections::HashSet<i64>> = Default::default();
    for (voter, aim, status, body) in &results {
        assert!(!status.is_server_error(), "{status}: {body}");
        let (_, _, in_scope) = &voters[*voter];
        match (aim, *in_scope) {
            (Aim::Valid(n), true) => {
                wanted.entry(*voter).or_default().insert(*n);
                if *status == StatusCode::OK {
                    assert!(accepted.insert((*voter, *n)), "a second vote for {n} by voter {voter} was accepted");
                } else {
                    assert_eq!(*status, StatusCode::CONFLICT, "{body}");
                    assert!(body.contains("ErrAlreadyVoted") || body.contains("ErrQuotaUsed"), "{body}");
                }
            }
            (Aim::Valid(_), false) => assert!(body.contains("ErrOutOfScope"), "{status}: {body}"),
            (Aim::Closed, _) => assert!(body.contains("ErrNotVoting"), "{status}: {body}"),
            (Aim::Rejected, true) => assert!(body.contains("ErrNotApproved"), "{status}: {body}"),
            (Aim::Rejected, false) => assert!(body.contains("ErrOutOfScope"), "{status}: {body}"),
            (Aim::Missing, _) => assert_eq!(*status, StatusCode::NOT_FOUND, "{body}"),
        }
    }
    // The tally is exactly the distinct accepted votes; nobody is over quota; every voter
    // got min(quota, distinct candidates they tried) votes, so no valid vote was lost.
    let stored: Vec<(i64, i64)> =
        sqlx::query_as("SELECT voter_id, nomination_id FROM star_votes WHERE election_id = ?")
            .bind(open_election)
            .fetch_all(&app.pool)
            .await
            .expect("votes");
    let expected: std::collections::HashSet<(i64, i64)> =
        accepted.iter().map(|(voter, n)| (voters[*voter].0, *n)).collect();
    assert_eq!(stored.len(), expected.len());
    assert_eq!(stored.into_iter().collect::<std::collections::HashSet<_>>(), expected);
    for (voter, tried) in &wanted {
        let got = accepted.iter().filter(|(v, _)| v == voter).count();
        assert_eq!(got, tried.len().min(4), "voter {voter} tried {} candidates", tried.len());
    }
    assert_eq!(
        app.count(
            "SELECT count(*) FROM (SELECT voter_id FROM star_votes WHERE election_id IN
             (SELECT id FROM star_elections WHERE voting_end > unixepoch()) GROUP BY voter_id HAVING count(*) > 4)"
        )
        .await,
        0
    );
    assert_eq!(app.count("SELECT count(*) FROM audit_log WHERE action = 'cast_vote'").await, results.len() as i64);
    assert!(accepted.len() > 400, "the mix should accept many votes, got {}", accepted.len());
}

// ---------------------------------------------------------------------------------------
// Running an election.

impl TestApp {
    /// 祖望社区's node id (the community admin 13800000004's area).
    pub(crate) async fn zuwang(&self) -> String {
        let id: i64 = sqlx::query_scalar("SELECT id FROM grid_nodes WHERE name = '祖望社区'")
            .fetch_one(&self.pool)
            .await
            .expect("祖望社区");
        id.to_string()
    }

    /// Creates an election over 祖望社区 whose nominations are open today; voting from tomorrow.
    pub(crate) async fn create_election(&self, admin: &Client, min_hours: &str) -> (StatusCode, String) {
        let scope = self.zuwang().await;
        let (today, tomorrow, later, notice) = (local_day(0), local_day(1), local_day(10), local_day(17));
        let form = [
            ("title", "祖望社区2027年度志愿服务之星"),
            ("scope", scope.as_str()),
            ("stars", "3"),
            ("votes_per_voter", "3"),
            ("nomination_from", today.as_str()),
            ("nomination_to", today.as_str()),
            ("voting_from", tomorrow.as_str()),
            ("voting_to", later.as_str()),
            ("notice_to", notice.as_str()),
            ("live_tally", "on"),
            ("min_service_hours", min_hours),
        ];
        self.post(admin, "create_election", &form).await
    }
}

#[tokio::test]
async fn only_an_admin_of_the_area_creates_an_election_and_bad_fields_are_named() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in("13800000004").await;
    let (status, body) = app.create_election(&admin, "0").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let id: i64 = body.trim().parse().expect("id");
    assert_eq!(
        app.count("SELECT count(*) FROM audit_log WHERE action = 'create_election' AND outcome = 'ok'").await,
        1,
    );
    let (status, body) = app
        .post(
            &admin,
            "create_election",
            &[
                ("title", "x"),
                ("scope", &app.zuwang().await),
                ("stars", "0"),
                ("votes_per_voter", "10"),
                ("nomination_from", "2027-01-10"),
                ("nomination_to", "2027-02-30"),
                ("voting_from", "2027-01-05"),
                ("voting_to", "2027-01-20"),
                ("notice_to", "2027-01-27"),
                ("min_service_hours", "-3"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    for field in ["title", "stars", "nomination_to", "min_service_hours"] {
        assert!(body.contains(&format!(r#""field":"{field}""#)), "{field} not named in {body}");
    }
    // A resident, and a community admin for the subdistrict around them, are refused.
    let resident = app.signed_in("13800000001").await;
    assert_eq!(app.create_election(&resident, "0").await.0, StatusCode::FORBIDDEN);
    let street: i64 = sqlx::query_scalar("SELECT id FROM grid_nodes WHERE name = '幸福街道'")
        .fetch_one(&app.pool)
        .await
        .expect("street");
    let (status, _) = app.post(&admin, "create_election", &[("scope", &street.to_string())]).await;
    assert!(status == StatusCode::FORBIDDEN || status == StatusCode::BAD_REQUEST, "{status}");
    assert_eq!(app.count("SELECT count(*) FROM star_elections").await, 3, "only election {id} was added");
}

#[tokio::test]
async fn once_voting_opens_only_a_later_close_is_accepted_and_every_change_is_audited() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in("13800000004").await;
    let id = app.create_election(&admin, "0").await.1;
    let (status, body) = app.post(&admin, "open_voting", &[("id", &id), ("version", "1")]).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, body) = app.post(&admin, "open_voting", &[("id", &id), ("version", "2")]).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(body.contains("ErrVotingOpened"), "{body}");
    let earlier = local_day(3);
    let (status, body) =
        app.post(&admin, "extend_voting", &[("id", &id), ("version", "2"), ("voting_to", &earlier)]).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(body.contains("ErrCloseNotLater"), "{body}");
    let later = local_day(20);
    let (status, body) =
        app.post(&admin, "extend_voting", &[("id", &id), ("version", "1"), ("voting_to", &later)]).await;
    assert!(status == StatusCode::CONFLICT && body.contains("ErrStale"), "an edit against an old version: {body}");
    let (status, body) =
        app.post(&admin, "extend_voting", &[("id", &id), ("version", "2"), ("voting_to", &later)]).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (span, notice): (i64, i64) =
        sqlx::query_as("SELECT voting_end - voting_start, notice_end - voting_end FROM star_elections WHERE id = ?")
            .bind(id.trim())
            .fetch_one(&app.pool)
            .await
            .expect("election");
    assert!(span > 19 * 86_400, "the close moved to {later}");
    assert_eq!(notice, 7 * 86_400, "the notice period moves with the close");
    let (status, _) = app
        .post(
            &app.signed_in("13800000001").await,
            "extend_voting",
            &[("id", &id), ("version", "3"), ("voting_to", &local_day(30))],
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(
        app.count("SELECT count(*) FROM audit_log WHERE object_kind = 'star_election' AND action IN ('open_voting', 'extend_voting') AND outcome = 'refused'").await,
        4,
        "the second opening, the earlier close, the stale version and the resident"
    );
    assert_eq!(
        app.count("SELECT count(*) FROM audit_log WHERE action = 'extend_voting' AND outcome = 'ok' AND before_json LIKE '%voting_end%'").await,
        1
    );
}

#[tokio::test]
async fn nominations_are_reviewed_and_the_minimum_hours_bar_approval() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in("13800000004").await;
    let election = app.create_election(&admin, "1000").await.1;
    // An admin nominates a volunteer of the community; volunteers nominate themselves.
    let (status, body) = app
        .post(&admin, "nominate", &[("election", &election), ("phone", "13800000010"), ("intro", "每周帮老人理发")])
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let nomination = body.trim().to_string();
    let volunteer = app.signed_in("13800000011").await;
    let (status, body) = app.post(&volunteer, "nominate", &[("election", &election), ("intro", "我会修电器")]).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, body) = app.post(&volunteer, "nominate", &[("election", &election)]).await;
    assert!(status == StatusCode::CONFLICT && body.contains("ErrAlreadyNominated"), "{body}");
    // Their page shows the nomination as 待审核 (no second form) and the nomination period.
    let (_, view) = app.post(&volunteer, "stars_data", &[("election", &election)]).await;
    let v: serde_json::Value = serde_json::from_str(&view).expect("json");
    assert_eq!((v["my_nomination"][0].as_str(), v["may_nominate"].as_bool()), (Some("pending"), Some(false)), "{view}");
    assert!(v["nomination_from"].as_str().is_some_and(|d| d.len() == 10), "{view}");
    // Another volunteer looking at the demo election is shown the way to this one at the top.
    let demo: i64 = sqlx::query_scalar("SELECT id FROM star_elections WHERE title = '2026年度志愿服务之星'")
        .fetch_one(&app.pool)
        .await
        .expect("demo election");
    let (_, view) =
        app.post(&app.signed_in("13800000012").await, "stars_data", &[("election", &demo.to_string())]).await;
    let v: serde_json::Value = serde_json::from_str(&view).expect("json");
    assert_eq!(v["nominating_elsewhere"][0].as_i64().map(|i| i.to_string()), Some(election.clone()), "{view}");
    let resident = app.signed_in("13800000001").await;
    let (status, body) = app.post(&resident, "nominate", &[("election", &election)]).await;
    assert!(status == StatusCode::CONFLICT && body.contains("ErrNotVolunteerHere"), "{body}");
    // 13800000020 serves another community.
    let (status, body) = app.post(&admin, "nominate", &[("election", &election), ("phone", "13800000020")]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    // Nobody has 1,000 confirmed hours; a rejection needs a reason.
    let (status, body) = app.post(&admin, "decide_nomination", &[("id", &nomination), ("decision", "approve")]).await;
    assert!(status == StatusCode::CONFLICT && body.contains("ErrBelowMinHours"), "{body}");
    let (status, _) = app.post(&admin, "decide_nomination", &[("id", &nomination), ("decision", "reject")]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let (status, _) =
        app.post(&resident, "decide_nomination", &[("id", &nomination), ("decision", "reject"), ("reason", "x")]).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, body) = app
        .post(&admin, "decide_nomination", &[("id", &nomination), ("decision", "reject"), ("reason", "服务时长不足")])
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, body) = app.post(&admin, "decide_nomination", &[("id", &nomination), ("decision", "approve")]).await;
    assert!(status == StatusCode::CONFLICT && body.contains("ErrAlreadyDecided"), "{body}");
    // Without the bar, approval works; the admin view shows counts and statuses.
    sqlx::query("UPDATE star_elections SET min_service_hours = 0").execute(&app.pool).await.expect("q");
    let own: i64 = sqlx::query_scalar("SELECT id FROM nominations WHERE intro = '我会修电器'")
        .fetch_one(&app.pool)
        .await
        .expect("own");
    let (status, body) =
        app.post(&admin, "decide_nomination", &[("id", &own.to_string()), ("decision", "approve")]).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (_, view) = app.post(&admin, "elections_admin", &[]).await;
    assert!(view.contains("服务时长不足") && view.contains(r#""status":"approved""#), "{view}");
    // An unknown number gets the same answer as a volunteer elsewhere: no probing who is registered.
    let (_, unknown) = app.post(&admin, "nominate", &[("election", &election), ("phone", "13999999999")]).await;
    let (_, elsewhere) = app.post(&admin, "nominate", &[("election", &election), ("phone", "13800000021")]).await;
    assert!(unknown.contains("ErrNotVolunteerHere") && unknown == elsewhere, "{unknown} / {elsewhere}");
    // Once voting opens the ballot is fixed: a pending nomination can no longer be approved.
    let (_, late) = app.post(&admin, "nominate", &[("election", &election), ("phone", "13800000012")]).await;
    let (status, body) = app.post(&admin, "open_voting", &[("id", &election), ("version", "1")]).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, body) = app.post(&admin, "decide_nomination", &[("id", late.trim()), ("decision", "approve")]).await;
    assert!(status == StatusCode::CONFLICT && body.contains("ErrVotingOpened"), "{body}");
}

#[tokio::test]
async fn a_finished_election_has_its_stars_a_badge_and_a_csv_without_voters() {
    let app = TestApp::spawn().await;
    // The seeded 2025 election closed a year ago with five stars fixed by the tie rule.
    let ranked: Vec<(i64, i64)> = sqlx::query_as(
        "SELECT nm.star_rank, nm.final_votes FROM nominations nm JOIN star_elections e ON e.id = nm.election_id
         WHERE e.title = '2025年度志愿服务之星' AND nm.star_rank IS NOT NULL ORDER BY nm.star_rank",
    )
    .fetch_all(&app.pool)
    .await
    .expect("stars");
    assert_eq!(ranked.iter().map(|r| r.0).collect::<Vec<_>>(), [1, 2, 3, 4, 5]);
    assert!(ranked.windows(2).all(|w| w[0].1 >= w[1].1), "more votes rank first: {ranked:?}");
    let (election, star_phone): (i64, String) = sqlx::query_as(
        "SELECT e.id, p.phone FROM nominations nm JOIN star_elections e ON e.id = nm.election_id
         JOIN people p ON p.id = nm.person_id WHERE e.title = '2025年度志愿服务之星' AND nm.star_rank = 1",
    )
    .fetch_one(&app.pool)
    .await
    .expect("star");
    let star = app.signed_in(&star_phone).await;
    let (_, me) = app.post(&star, "me_data", &[]).await;
    assert!(me.contains("2025年度志愿服务之星"), "{me}");
    // Anyone may see the results page of the finished election.
    let (status, page) = app.get(&app.client(), &format!("/stars?election={election}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("当选名单") && page.contains("已公布"), "results shown");
    // The subdistrict admin exports counts per candidate; no voter appears.
    let admin = app.signed_in("13800000005").await;
    let (status, csv) = app.get(&admin, &format!("/admin/elections/{election}/csv")).await;
    assert_eq!(status, StatusCode::OK, "{csv}");
    assert!(csv.contains("2025年度志愿服务之星") && csv.contains("候选人,状态,票数"), "{csv}");
    assert!(!csv.contains("138000010"), "no resident phone in the export");
    let voters: Vec<String> = sqlx::query_scalar(
        "SELECT DISTINCT p.full_name FROM star_votes v JOIN accounts a ON a.id = v.voter_id JOIN people p ON p.id = a.person_id
         WHERE v.election_id = ?1 AND p.id NOT IN (SELECT person_id FROM nominations WHERE election_id = ?1)",
    )
    .bind(election)
    .fetch_all(&app.pool)
    .await
    .expect("voters");
    assert!(!voters.is_empty());
    assert!(voters.iter().all(|v| !csv.contains(v.as_str())), "no voter is named in the export");
    // A community admin does not run the street's election; a visitor is asked to sign in.
    let community = app.signed_in("13800000004").await;
    assert_eq!(app.get(&community, &format!("/admin/elections/{election}/csv")).await.0, StatusCode::FORBIDDEN);
    assert_eq!(app.get(&app.client(), &format!("/admin/elections/{election}/csv")).await.0, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn an_election_is_edited_until_voting_opens_and_of_two_edits_at_once_one_wins() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in("13800000004").await;
    let id = app.create_election(&admin, "0").await.1;
    let (tomorrow, later, notice) = (local_day(1), local_day(12), local_day(19));
    let edit = |title: &'static str, version: &'static str| {
        let form = vec![
            ("id", id.clone()),
            ("version", version.to_string()),
            ("title", title.to_string()),
            ("stars", "5".into()),
            ("votes_per_voter", "5".into()),
            ("nomination_from", local_day(0)),
            ("nomination_to", local_day(0)),
            ("voting_from", tomorrow.clone()),
            ("voting_to", later.clone()),
            ("notice_to", notice.clone()),
            ("min_service_hours", "2".into()),
        ];
        let (client, url) = (admin.clone(), format!("{}/api/edit_election", app.base));
        async move {
            let res = client.post(url).form(&form).send().await.expect("post");
            let status = res.status();
            (status, res.text().await.expect("body"))
        }
    };
    // Two admins' edits made against version 1 at the same moment: one wins, one is told.
    let (a, b) = tokio::join!(edit("祖望社区邻里之星", "1"), edit("祖望社区服务之星", "1"));
    let mut statuses = [a.0, b.0];
    statuses.sort();
    assert_eq!(statuses, [StatusCode::OK, StatusCode::CONFLICT], "{a:?} {b:?}");
    assert!([&a.1, &b.1].iter().any(|body| body.contains("ErrStale")));
    let (title, stars, live): (String, i64, bool) =
        sqlx::query_as("SELECT title, stars, live_tally FROM star_elections WHERE id = ?")
            .bind(id.trim())
            .fetch_one(&app.pool)
            .await
            .expect("election");
    assert!(title == "祖望社区邻里之星" || title == "祖望社区服务之星");
    assert_eq!((stars, live), (5, false), "the whole definition changed, live tally unticked");
    // Once voting is open, no edit is accepted.
    let (status, body) = app.post(&admin, "open_voting", &[("id", &id), ("version", "2")]).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, body) = edit("改名", "3").await;
    assert!(status == StatusCode::CONFLICT && body.contains("ErrVotingOpened"), "{body}");
    assert_eq!(app.count("SELECT count(*) FROM audit_log WHERE action = 'edit_election' AND outcome = 'ok'").await, 1);
    assert_eq!(
        app.count("SELECT count(*) FROM audit_log WHERE action = 'edit_election' AND outcome = 'refused'").await,
        2
    );
}
