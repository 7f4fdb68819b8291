//! Every server function and every other endpoint, fed malformed, oversized,
//! missing, wrong-type and hostile input, as a subdistrict admin, a resident and a
//! visitor. Every answer is a 4xx with a clear message (or a 2xx for input that is
//! hostile but valid, stored verbatim and shown escaped), never a 5xx, a dropped
//! connection, or a row changed by a refused request.
//!
//! The server functions are found by reading `app/src/server_fns/**/*.rs`, so a new one
//! is walked without touching this file (with plausible values guessed from its
//! parameter types until it gets its own below).

use crate::common::png;
use crate::test_app::TestApp;
use app::error::AppError;
use app::i18n::Locale;
use reqwest::{Client, Method, StatusCode};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

const ADMIN: &str = "13800000005"; // 周建华, 幸福街道 (subdistrict admin)
const RESIDENT: &str = "13800000001"; // 王秀英, 幸福锦园4号楼
const VOLUNTEER: &str = "13800000002"; // 张志强
/// The admin's subdistrict.
const AREA: &str = "320602001";
const FORM: &str = "application/x-www-form-urlencoded";
/// A request slower than this is reported (not failed).
const SLOW: Duration = Duration::from_secs(2);

// ---------------------------------------------------------------------------------------
// The server functions, read from their source.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ty {
    Str,
    I64,
    OptStr,
    OptI64,
    OptU32,
    OptU64,
    VecStr,
}

impl Ty {
    fn parse(text: &str) -> Option<Ty> {
        let t: String = text.chars().filter(|c| !c.is_whitespace()).collect();
        Some(match t.as_str() {
            "String" => Ty::Str,
            // The id newtypes are bare integers on the wire.
            "i64" | "OrderId" | "PersonId" | "AccountId" | "NodeId" | "ElectionId" => Ty::I64,
            "Option<String>" => Ty::OptStr,
            "Option<i64>" | "Option<OrderId>" | "Option<PersonId>" | "Option<AccountId>" | "Option<NodeId>"
            | "Option<ElectionId>" => Ty::OptI64,
            "Option<u32>" => Ty::OptU32,
            "Option<u64>" => Ty::OptU64,
            "Vec<String>" => Ty::VecStr,
            _ => return None,
        })
    }
}

#[derive(Debug, Clone)]
struct Param {
    name: String,
    ty: Ty,
}

#[derive(Debug, Clone)]
struct Endpoint {
    name: String,
    file: String,
    params: Vec<Param>,
}

fn rs_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("read server_fns") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            rs_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The index just past the bracket that closes the one `text` starts with.
fn balanced(text: &str) -> usize {
    let mut depth = 0i32;
    for (i, c) in text.char_indices() {
        match c {
            '(' | '<' | '[' => depth += 1,
            ')' | '>' | ']' => {
                depth -= 1;
                if depth == 0 {
                    return i + 1;
                }
            }
            _ => {}
        }
    }
    panic!("unbalanced brackets in {text:.80}")
}

/// Splits a parameter list at its top-level commas.
fn split_params(list: &str) -> Vec<&str> {
    let (mut out, mut depth, mut start) = (Vec::new(), 0i32, 0);
    for (i, c) in list.char_indices() {
        match c {
            '(' | '<' | '[' => depth += 1,
            ')' | '>' | ']' => depth -= 1,
            ',' if depth == 0 => {
                out.push(&list[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    out.push(&list[start..]);
    out.into_iter().map(str::trim).filter(|p| !p.is_empty()).collect()
}

/// Every `#[server(endpoint = "...")] pub async fn name(arg: Type, ...)`, and how many
/// `#[server(...)]` attributes (other than `#[server(default)]`) the files hold.
fn scan() -> (Vec<Endpoint>, usize) {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let root = manifest.join("../app/src/server_fns");
    let mut files = vec![manifest.join("../app/src/server_fns.rs")];
    rs_files(&root, &mut files);
    files.sort();
    let (mut endpoints, mut attributes) = (Vec::new(), 0);
    for file in files {
        let src = std::fs::read_to_string(&file).expect("read source");
        let mut rest = src.as_str();
        while let Some(i) = rest.find("#[server(") {
            rest = &rest[i + "#[server(".len()..];
            if rest.starts_with("default)]") {
                continue;
            }
            attributes += 1;
            let attr = &rest[..rest.find(")]").expect("attribute end")];
            let name = attr
                .split_once("endpoint")
                .and_then(|(_, s)| s.split('"').nth(1))
                .unwrap_or_else(|| panic!("no endpoint name in #[server({attr})] of {}", file.display()));
            let after = &rest[rest.find("fn ").expect("fn after #[server]") + 3..];
            let open = after.find('(').expect("parameter list");
            let close = open + balanced(&after[open..]);
            let mut params = Vec::new();
            for piece in split_params(&after[open + 1..close - 1]) {
                let mut piece = piece;
                while piece.starts_with("#[") {
                    piece = piece[balanced(&piece[1..]) + 1..].trim();
                }
                let (pname, ty) = piece.split_once(':').expect("name: Type");
                let ty = Ty::parse(ty).unwrap_or_else(|| {
                    panic!("{name}: parameter type `{}` is new to this test: teach Ty::parse and the walk", ty.trim())
                });
                params.push(Param { name: pname.trim().to_string(), ty });
            }
            let file = file.file_name().and_then(|f| f.to_str()).unwrap_or_default().to_string();
            endpoints.push(Endpoint { name: name.to_string(), file, params });
        }
    }
    (endpoints, attributes)
}

#[test]
fn the_scanner_finds_every_server_function() {
    let (endpoints, attributes) = scan();
    assert_eq!(endpoints.len(), attributes, "every #[server(...)] is parsed");
    assert!(endpoints.len() >= 87, "only {} server functions found", endpoints.len());
    let mut names: Vec<&str> = endpoints.iter().map(|e| e.name.as_str()).collect();
    names.sort();
    names.dedup();
    assert_eq!(names.len(), endpoints.len(), "endpoint names are unique");
    let login = endpoints.iter().find(|e| e.name == "login").expect("login");
    assert_eq!(login.params.iter().map(|p| p.name.as_str()).collect::<Vec<_>>(), ["phone", "password"]);
    let split = endpoints.iter().find(|e| e.name == "split_node").expect("split_node");
    assert_eq!(split.params.last().map(|p| (p.name.as_str(), p.ty)), Some(("buildings", Ty::VecStr)));
    let board = endpoints.iter().find(|e| e.name == "board_data").expect("board_data");
    assert_eq!(board.params.iter().map(|p| p.ty).collect::<Vec<_>>()[3..], [Ty::OptU32, Ty::OptU64]);
}

// ---------------------------------------------------------------------------------------
// Form bodies, built by hand so they can carry anything.

#[derive(Debug, Clone)]
enum Piece {
    /// Text, percent-encoded into the body.
    Text(String),
    /// Bytes put into the body as they are (already encoded, or not encodable).
    Raw(Vec<u8>),
}

fn encode(s: &str) -> String {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut out = Vec::with_capacity(s.len() * 3);
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b);
        } else {
            out.extend_from_slice(&[b'%', HEX[usize::from(b >> 4)], HEX[usize::from(b & 15)]]);
        }
    }
    String::from_utf8(out).expect("ascii")
}

fn form_body(pairs: &[(String, Piece)]) -> Vec<u8> {
    let mut body = Vec::new();
    for (i, (key, value)) in pairs.iter().enumerate() {
        if i > 0 {
            body.push(b'&');
        }
        body.extend_from_slice(encode(key).as_bytes());
        body.push(b'=');
        match value {
            Piece::Text(t) => body.extend_from_slice(encode(t).as_bytes()),
            Piece::Raw(r) => body.extend_from_slice(r),
        }
    }
    body
}

/// A plausible value of a parameter.
#[derive(Debug, Clone)]
enum Val {
    One(String),
    Many(Vec<String>),
    Absent,
}

fn pairs_of(name: &str, val: &Val) -> Vec<(String, Piece)> {
    match val {
        Val::One(v) => vec![(name.to_string(), Piece::Text(v.clone()))],
        Val::Many(vs) => vs.iter().enumerate().map(|(i, v)| (format!("{name}[{i}]"), Piece::Text(v.clone()))).collect(),
        Val::Absent => Vec::new(),
    }
}

/// The hostile values every parameter is given in turn.
fn hostile() -> Vec<(&'static str, Piece)> {
    let t = |s: &str| Piece::Text(s.to_string());
    vec![
        ("sql or", t("' OR 1=1 --")),
        ("sql drop", t("'); DROP TABLE orders; --")),
        ("script", t("<script>alert(1)</script>")),
        ("img onerror", t("\"><img src=x onerror=alert(1)>")),
        ("1 MB", Piece::Text("A".repeat(1 << 20))),
        // Past every length limit (2000 characters at most) in three-byte characters.
        ("5000 中", Piece::Text("中".repeat(5000))),
        ("empty", t("")),
        ("whitespace", t(" \t\r\n \u{3000}")),
        ("-1", t("-1")),
        ("0", t("0")),
        ("i64 min", t("-9223372036854775808")),
        ("i64 max", t("9223372036854775807")),
        ("past u64", t("99999999999999999999")),
        ("1e309", t("1e309")),
        ("NaN", t("NaN")),
        ("unicode", t("\u{202E}gnp.exe\u{200B}\u{200D}\u{FEFF}😀👩‍👩‍👧\u{200F}")),
        // A NUL first: SQLite's length() stops at it, so a CHECK on length sees "".
        ("NUL", t("\u{0}ab")),
        ("%FF%FE", Piece::Raw(b"%FF%FE".to_vec())),
        ("raw 0xFF", Piece::Raw(vec![b'a', 0xFF, 0xFE, b'b'])),
    ]
}

/// What one request does to the plausible form.
#[derive(Debug, Clone)]
enum Case {
    EmptyBody,
    /// The plausible arguments as a JSON object (`application/json`).
    Json,
    /// The plausible form followed by a key and value of raw invalid UTF-8.
    RawTail,
    /// A 3 MB body: past the request body limit.
    Oversized,
    /// The plausible form sent with GET instead of POST.
    Get,
    /// One parameter given a hostile value.
    Replace(usize, &'static str, Piece),
    /// One parameter twice: the plausible value, then a hostile one.
    Duplicate(usize),
    /// One parameter given as a nested key (`p[]`, `p[x]`) or, for a list, as a scalar.
    Shape(usize, &'static str),
    /// One parameter left out.
    Missing(usize),
}

impl Case {
    /// The case without its parameter, for timing.
    fn kind(&self) -> String {
        match self {
            Case::Replace(_, what, _) => format!("= {what}"),
            Case::Duplicate(_) => "twice".into(),
            Case::Shape(_, shape) => format!("as {shape}"),
            Case::Missing(_) => "missing".into(),
            Case::EmptyBody | Case::Json | Case::RawTail | Case::Oversized | Case::Get => format!("{self:?}"),
        }
    }

    fn label(&self, ep: &Endpoint) -> String {
        let p = |i: &usize| ep.params[*i].name.clone();
        match self {
            Case::EmptyBody => "empty body".into(),
            Case::Json => "JSON body".into(),
            Case::RawTail => "raw invalid UTF-8 key".into(),
            Case::Oversized => "3 MB body".into(),
            Case::Get => "GET".into(),
            Case::Replace(i, what, _) => format!("{} = {what}", p(i)),
            Case::Duplicate(i) => format!("{} twice", p(i)),
            Case::Shape(i, shape) => format!("{} as {shape}", p(i)),
            Case::Missing(i) => format!("{} missing", p(i)),
        }
    }
}

/// The cases of one function. `decoding`: also those refused while the arguments are
/// decoded, before the function runs (the same for every user, so walked by one).
fn cases(ep: &Endpoint, decoding: bool) -> Vec<Case> {
    let mut out = vec![Case::EmptyBody];
    if decoding {
        out.extend([Case::Json, Case::RawTail, Case::Oversized, Case::Get]);
    }
    for (i, p) in ep.params.iter().enumerate() {
        for (what, piece) in hostile() {
            out.push(Case::Replace(i, what, piece));
        }
        if !decoding {
            continue;
        }
        out.push(Case::Duplicate(i));
        if p.ty == Ty::VecStr {
            out.push(Case::Shape(i, "scalar"));
            out.push(Case::Shape(i, "map"));
        } else {
            out.push(Case::Shape(i, "[]"));
            out.push(Case::Shape(i, "[x]"));
        }
    }
    // Last: leaving out an optional parameter may well be a valid request that succeeds.
    for i in 0..ep.params.len() {
        out.push(Case::Missing(i));
    }
    out
}

// ---------------------------------------------------------------------------------------
// The seeded objects the plausible values point at.

#[derive(Debug, Clone, Default)]
struct Fixtures {
    subdistrict: i64,
    community: i64,
    community_code: String,
    grid: i64,
    grid2: i64,
    micro: i64,
    micro2: i64,
    building: i64,
    building2: i64,
    /// A unit of `building`.
    unit: i64,
    /// Empty micro-grids made for renaming and moving, deleting, and merging.
    spare_nodes: [i64; 3],
    spare_account: i64,
    spare_assignment: i64,
    volunteer_person: i64,
    open_order: i64,
    completed_order: i64,
    item_open: i64,
    item_closed: i64,
    item_dispute: i64,
    elder: i64,
    old_person: i64,
    election_running: i64,
    election_upcoming: i64,
    nomination_approved: i64,
    nomination_pending: i64,
    offer: i64,
    post: i64,
    activity: i64,
    /// A 议题 of 祖望社区, collecting support.
    topic: i64,
    /// One accepted, and a 议事坊 meeting of 祖望社区 two days ahead to schedule it to.
    accepted_topic: i64,
    meeting: i64,
    /// One scheduled to a 议事坊 meeting that began an hour ago, its quorum of one checked in.
    topic_in_meeting: i64,
    station: i64,
    api_key: String,
    revocable_key: i64,
    welfare: i64,
    dispatch: i64,
    /// The demo accounts as seeded: a walk that changes a password or disables one puts them back.
    accounts: Vec<(i64, String, Option<i64>)>,
}

async fn scalar(app: &TestApp, sql: &str) -> i64 {
    sqlx::query_scalar(sqlx::AssertSqlSafe(sql.to_string()))
        .fetch_one(&app.pool)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
}

fn date_in(days: i64) -> String {
    app::domain::time::format_local_date(app::repo::now() + days * 86_400)
}

async fn post_ok(app: &TestApp, client: &Client, endpoint: &str, form: &[(&str, &str)]) -> String {
    let (status, body) = app.post(client, endpoint, form).await;
    assert!(status.is_success(), "setting up: {endpoint} answered {status}: {body}");
    body
}

/// A 议题 of 祖望社区 scheduled to a 议事坊 meeting that began an hour ago, with a quorum of
/// one and the volunteer checked in: its id.
async fn topic_in_meeting(app: &TestApp) -> i64 {
    let meeting = scalar(
        app,
        &format!(
            "INSERT INTO activities (station_id, node_id, kind, title, starts_at, ends_at, capacity,
                                     signup_opens_at, signup_closes_at, created_by)
             SELECT s.id, n.id, 'council', '输入测试进行中的议事会', unixepoch() - 3600, unixepoch() + 3600, 30,
                    unixepoch() - 86400, unixepoch() - 3600, (SELECT min(id) FROM accounts)
             FROM stations s, grid_nodes n WHERE s.name = '向日葵网格服务驿站' AND n.code = '{AREA}001' RETURNING id"
        ),
    )
    .await;
    for sql in [
        format!("INSERT INTO council_meetings (activity_id, quorum, set_at) VALUES ({meeting}, 1, unixepoch())"),
        format!(
            "INSERT INTO activity_attendance (activity_id, person_id, via, checked_in_at, hours_status)
             SELECT {meeting}, person_id, 'code', unixepoch() - 3000, 'none' FROM accounts WHERE phone = '{VOLUNTEER}'"
        ),
    ] {
        sqlx::query(sqlx::AssertSqlSafe(sql)).execute(&app.pool).await.expect("a meeting under way");
    }
    scalar(
        app,
        &format!(
            "INSERT INTO council_topics (node_id, audience, title, body, raised_at, support_until, threshold, stage,
                                         meeting_id)
             SELECT id, 'community', '输入测试议事中议题', '小区停车难', unixepoch(), unixepoch() + 86400 * 30, 5,
                    'scheduled', {meeting}
             FROM grid_nodes WHERE code = '{AREA}001' RETURNING id"
        ),
    )
    .await
}

async fn fixtures(app: &TestApp) -> Fixtures {
    let admin = app.signed_in(ADMIN).await;
    let node = |code: &str| format!("SELECT id FROM grid_nodes WHERE code = '{code}'");
    let in_area = |table: &str, cond: &str| {
        format!(
            "SELECT t.id FROM {table} t JOIN grid_nodes g ON g.id = t.micro_grid_id
             WHERE g.code GLOB '{AREA}*' AND {cond} ORDER BY t.id LIMIT 1"
        )
    };
    let mut f = Fixtures {
        community_code: format!("{AREA}001"),
        subdistrict: scalar(app, &node(AREA)).await,
        community: scalar(app, &node("320602001001")).await,
        grid: scalar(app, &node("320602001001001")).await,
        grid2: scalar(app, &node("320602001001002")).await,
        micro: scalar(app, &node("32060200100100101")).await,
        micro2: scalar(app, &node("32060200100100102")).await,
        building: scalar(app, &node("32060200100100101001")).await,
        building2: scalar(app, &node("32060200100100102001")).await,
        unit: scalar(app, "SELECT id FROM grid_nodes WHERE level = 'unit' AND code GLOB '32060200100100101001*' ORDER BY code LIMIT 1").await,
        volunteer_person: scalar(app, &format!("SELECT person_id FROM accounts WHERE phone = '{VOLUNTEER}'")).await,
        open_order: scalar(app, &in_area("service_orders", "t.status = 'open'")).await,
        completed_order: scalar(app, &in_area("service_orders", "t.status = 'completed'")).await,
        item_open: scalar(app, &in_area("sentiment_items", "t.stage = 'reported'")).await,
        item_closed: scalar(app, &in_area("sentiment_items", "t.stage = 'closed' AND t.kind = 'report'")).await,
        item_dispute: scalar(app, &in_area("sentiment_items", "t.kind = 'dispute' AND t.stage = 'accepted'")).await,
        elder: scalar(
            app,
            &format!(
                "SELECT e.person_id FROM elder_profiles e JOIN grid_nodes g ON g.id = e.micro_grid_id
                 WHERE g.code GLOB '{AREA}*' ORDER BY e.person_id LIMIT 1"
            ),
        )
        .await,
        old_person: scalar(
            app,
            &format!(
                "SELECT p.id FROM people p JOIN grid_nodes g ON g.id = p.micro_grid_id
                 WHERE g.code GLOB '{AREA}*' AND p.birth_year < 1960
                   AND p.id NOT IN (SELECT person_id FROM elder_profiles) ORDER BY p.id LIMIT 1"
            ),
        )
        .await,
        election_running: scalar(
            app,
            "SELECT id FROM star_elections WHERE voting_start <= unixepoch() AND voting_end > unixepoch() LIMIT 1",
        )
        .await,
        nomination_approved: crate::common::running_candidates(&app.pool).await[0],
        offer: scalar(
            app,
            &format!(
                "SELECT o.id FROM offers o JOIN grid_nodes g ON g.id = o.node_id WHERE g.code GLOB '{AREA}*' LIMIT 1"
            ),
        )
        .await,
        activity: scalar(
            app,
            &format!(
                "SELECT a.id FROM activities a JOIN grid_nodes g ON g.id = a.node_id
                 WHERE g.code GLOB '{AREA}*' AND a.signup_opens_at <= unixepoch() AND a.signup_closes_at > unixepoch()
                 ORDER BY a.id LIMIT 1"
            ),
        )
        .await,
        topic: scalar(
            app,
            &format!(
                "INSERT INTO council_topics (node_id, audience, title, body, raised_at, support_until, threshold)
                 SELECT id, 'community', '输入测试议题', '楼下的路灯坏了', unixepoch(), unixepoch() + 86400 * 30, 5
                 FROM grid_nodes WHERE code = '{AREA}001' RETURNING id"
            ),
        )
        .await,
        accepted_topic: scalar(
            app,
            &format!(
                "INSERT INTO council_topics (node_id, audience, title, body, raised_at, support_until, threshold, stage)
                 SELECT id, 'community', '输入测试已受理议题', '小区停车难', unixepoch(), unixepoch() + 86400 * 30, 5, 'accepted'
                 FROM grid_nodes WHERE code = '{AREA}001' RETURNING id"
            ),
        )
        .await,
        meeting: scalar(
            app,
            &format!(
                "INSERT INTO activities (station_id, node_id, kind, title, starts_at, ends_at, capacity,
                                         signup_opens_at, signup_closes_at, created_by)
                 SELECT s.id, n.id, 'council', '输入测试议事会', unixepoch() + 172800, unixepoch() + 180000, 30,
                        unixepoch() - 60, unixepoch() + 172800, (SELECT min(id) FROM accounts)
                 FROM stations s, grid_nodes n WHERE s.name = '向日葵网格服务驿站' AND n.code = '{AREA}001' RETURNING id"
            ),
        )
        .await,
        station: scalar(app, "SELECT id FROM stations WHERE name = '向日葵网格服务驿站'").await,
        post: scalar(app, &format!("SELECT id FROM feed_posts WHERE node_id = ({}) LIMIT 1", node("320602001001")))
            .await,
        ..Default::default()
    };
    // A resident of our own to disable and appoint.
    let visitor = app.client();
    let spare_phone = "13911110000";
    let micro = f.micro.to_string();
    post_ok(
        app,
        &visitor,
        "signup",
        &[("full_name", "备用居民"), ("phone", spare_phone), ("password", "Spare-pass-2026"), ("micro_grid", &micro)],
    )
    .await;
    f.spare_account = scalar(app, &format!("SELECT id FROM accounts WHERE phone = '{spare_phone}'")).await;
    f.topic_in_meeting = topic_in_meeting(app).await;
    let account = f.spare_account.to_string();
    post_ok(app, &admin, "assign_staff", &[("node", &micro), ("account", &account)]).await;
    f.spare_assignment = scalar(
        app,
        &format!("SELECT id FROM role_assignments WHERE account_id = {account} AND role = 'micro_grid_member'"),
    )
    .await;
    let grid = f.grid.to_string();
    for (i, name) in ["输入测试甲", "输入测试乙", "输入测试丙"].into_iter().enumerate() {
        post_ok(app, &admin, "create_node", &[("parent", &grid), ("name", name)]).await;
        f.spare_nodes[i] = scalar(app, &format!("SELECT id FROM grid_nodes WHERE name = '{name}'")).await;
    }
    let subdistrict = f.subdistrict.to_string();
    let (d1, d2, d3, d4, d5) = (date_in(10), date_in(20), date_in(21), date_in(30), date_in(40));
    let id = post_ok(
        app,
        &admin,
        "create_election",
        &[
            ("title", "输入测试评选"),
            ("scope", &subdistrict),
            ("stars", "10"),
            ("votes_per_voter", "5"),
            ("nomination_from", &d1),
            ("nomination_to", &d2),
            ("voting_from", &d3),
            ("voting_to", &d4),
            ("notice_to", &d5),
            ("min_service_hours", "0"),
        ],
    )
    .await;
    f.election_upcoming = id.trim().parse().expect("election id");
    let election = f.election_upcoming.to_string();
    let id =
        post_ok(app, &admin, "nominate", &[("election", &election), ("phone", VOLUNTEER), ("intro", "热心")]).await;
    f.nomination_pending = id.trim().parse().expect("nomination id");
    let key = post_ok(app, &admin, "issue_api_key", &[("label", "输入测试")]).await;
    f.api_key = serde_json::from_str(&key).expect("api key");
    post_ok(app, &admin, "issue_api_key", &[("label", "将被吊销")]).await;
    f.revocable_key = scalar(app, "SELECT id FROM api_keys WHERE label = '将被吊销'").await;
    let id = post_ok(
        app,
        &visitor,
        "request_welfare_check",
        &[("elder_name", "王奶奶"), ("building", "幸福锦园4号楼"), ("phone", "13922223333"), ("note", "电话没人接")],
    )
    .await;
    f.welfare = id.trim().parse().expect("welfare id");
    f.dispatch = sqlx::query_scalar(
        "INSERT INTO order_dispatches (order_id, volunteer_id, dispatched_by)
         VALUES (?, ?, (SELECT id FROM accounts WHERE phone = ?)) RETURNING id",
    )
    .bind(f.open_order)
    .bind(f.volunteer_person)
    .bind(ADMIN)
    .fetch_one(&app.pool)
    .await
    .expect("dispatch");
    f.accounts = sqlx::query_as("SELECT id, password_hash, disabled_at FROM accounts WHERE phone GLOB '1380000000*'")
        .fetch_all(&app.pool)
        .await
        .expect("accounts");
    f
}

/// Runs the periodic jobs that write to watched tables once, so that the server's
/// own first tick has nothing left to write while the walk watches the tables.
async fn settle_background(app: &TestApp) {
    let state = app::state::AppState::new(app.pool.clone(), Default::default());
    let t = app::repo::now();
    app::jobs::run_schedules(&state, t).await.expect("schedules");
    app::jobs::close_elections(&state, t).await.expect("elections");
    app::jobs::escalate_items(&state, t).await.expect("督办");
    app::jobs::escalate_topics(&state, t).await.expect("议题督办");
    app::jobs::escalate_orders(&state, t).await.expect("escalation");
}

/// AFTER INSERT/UPDATE/DELETE triggers on every table but the audit log and sessions,
/// writing into `_changes`: a refused request must leave it empty.
async fn watch_tables(app: &TestApp) {
    sqlx::query("CREATE TABLE _changes (id INTEGER PRIMARY KEY, tbl TEXT NOT NULL, op TEXT NOT NULL)")
        .execute(&app.pool)
        .await
        .expect("_changes");
    let tables: Vec<String> = sqlx::query_scalar(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'
           AND name NOT IN ('audit_log', 'sessions', '_sqlx_migrations', '_changes')",
    )
    .fetch_all(&app.pool)
    .await
    .expect("tables");
    assert!(tables.len() >= 25, "{tables:?}");
    for table in tables {
        for op in ["INSERT", "UPDATE", "DELETE"] {
            let sql = format!(
                "CREATE TRIGGER _watch_{table}_{op} AFTER {op} ON {table}
                 BEGIN INSERT INTO _changes (tbl, op) VALUES ('{table}', '{op}'); END"
            );
            sqlx::query(sqlx::AssertSqlSafe(sql)).execute(&app.pool).await.expect("trigger");
        }
    }
}

/// What changed since the last look (and forget it).
async fn take_changes(app: &TestApp) -> Vec<String> {
    let rows: Vec<(String, String, i64)> =
        sqlx::query_as("SELECT tbl, op, count(*) FROM _changes GROUP BY tbl, op ORDER BY tbl, op")
            .fetch_all(&app.pool)
            .await
            .expect("changes");
    if !rows.is_empty() {
        sqlx::query("DELETE FROM _changes").execute(&app.pool).await.expect("clear changes");
    }
    rows.into_iter().map(|(t, op, n)| format!("{op} {t} ×{n}")).collect()
}

async fn spawn() -> TestApp {
    let dir = tempfile::tempdir().expect("tempdir");
    TestApp::spawn_with(dir, |s| {
        // Thousands of sign-in attempts and votes on purpose: the limits have their own tests.
        s.login_per_account_per_minute = 1_000_000;
        s.login_per_ip_per_minute = 1_000_000;
        s.votes_per_account_per_minute = 1_000_000;
        s.votes_per_ip_per_minute = 1_000_000;
    })
    .await
}

// ---------------------------------------------------------------------------------------
// The walk.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Who {
    Admin,
    Resident,
    Visitor,
}

impl Who {
    fn phone(self) -> Option<&'static str> {
        match self {
            Who::Admin => Some(ADMIN),
            Who::Resident => Some(RESIDENT),
            Who::Visitor => None,
        }
    }
}

#[derive(Debug, Default)]
struct Report {
    requests: usize,
    by_status: BTreeMap<u16, usize>,
    failures: Vec<String>,
    slow: Vec<String>,
    guessed: Vec<String>,
    slowest: (Duration, String),
    retried: Vec<String>,
    /// Accepted requests that wrote rows: the watch on the tables works.
    writes: usize,
    time_by_case: BTreeMap<String, (usize, Duration)>,
}

struct Walker<'a> {
    app: &'a TestApp,
    fx: Fixtures,
    who: Who,
    client: Client,
    serial: u64,
    report: Report,
}

/// Whether a 4xx body is an `AppError` with a message a person can act on.
fn clear_app_error(body: &str) -> Result<(), String> {
    let err: AppError = serde_json::from_str(body).map_err(|e| format!("not an AppError ({e})"))?;
    match &err {
        AppError::Internal | AppError::Network => Err(format!("generic {err:?}")),
        AppError::Invalid(fields) if fields.is_empty() => Err("Invalid without a field".into()),
        _ if err.message(Locale::En).trim().is_empty() => Err("empty message".into()),
        _ => Ok(()),
    }
}

fn snippet(body: &str) -> String {
    body.chars().take(160).collect()
}

impl<'a> Walker<'a> {
    async fn new(app: &'a TestApp, fx: Fixtures, who: Who) -> Self {
        let client = match who.phone() {
            Some(phone) => app.signed_in(phone).await,
            None => app.client(),
        };
        Self { app, fx, who, client, serial: 0, report: Report::default() }
    }

    async fn transmit(
        &self,
        url: &str,
        method: &Method,
        content_type: &'static str,
        body: &[u8],
        case: &Case,
    ) -> reqwest::Result<reqwest::Response> {
        let req = match *method {
            Method::GET => self.client.get(format!("{url}?{}", String::from_utf8_lossy(body))),
            _ => self.client.post(url).header("content-type", content_type).body(body.to_vec()),
        };
        // Not kept for the next request: the server closes it after refusing the body.
        let req = if matches!(case, Case::Oversized) { req.header("connection", "close") } else { req };
        req.timeout(Duration::from_secs(60)).send().await
    }

    fn fresh(&mut self) -> u64 {
        self.serial += 1;
        self.serial
    }

    async fn version(&self, table: &str, id: i64) -> Val {
        let sql = format!("SELECT version FROM {table} WHERE id = {id}");
        let v: Option<i64> =
            sqlx::query_scalar(sqlx::AssertSqlSafe(sql)).fetch_optional(&self.app.pool).await.expect("version");
        Val::One(v.unwrap_or(1).to_string())
    }

    /// A plausible value: pointing at a real object the admin may act on, so that each
    /// hostile value is the only thing wrong with the request.
    async fn valid(&mut self, ep: &str, p: &Param) -> Val {
        let f = self.fx.clone();
        let one = |s: &str| Val::One(s.to_string());
        let id = |n: i64| Val::One(n.to_string());
        let sentiment_item = match ep {
            "confirm_item" | "recheck_item" => f.item_closed,
            "set_warning" => f.item_dispute,
            _ => f.item_open,
        };
        let grid_node = match ep {
            "delete_node" => f.spare_nodes[1],
            "merge_node" => f.spare_nodes[2],
            "split_node" => f.micro2,
            _ => f.spare_nodes[0],
        };
        match (ep, p.name.as_str()) {
            ("change_password", "current_password") | ("login", "password") => one("gridstation"),
            ("change_password", "new_password") | ("signup", "password") => one("Fresh-pass-2026"),
            ("account_search", "query") => one("王"),
            ("set_account_disabled", "account") => id(f.spare_account),
            ("set_account_disabled", "disabled") => one("1"),
            ("propose_party_badge", "account") => id(f.spare_account),
            ("set_party_badge", "shown") => one("1"),
            ("login", "phone") => one(self.who.phone().unwrap_or(RESIDENT)),
            ("signup", "full_name") => one("新来的居民"),
            ("signup", "phone") => {
                let n = self.fresh();
                Val::One(format!("1391{:07}", 2_000_000 + n))
            }
            ("signup", "micro_grid") => id(f.micro),
            ("dashboard", "area") => Val::One(f.community_code.clone()),
            ("dispatch_order", "volunteer") => id(f.volunteer_person),
            ("respond_dispatch", "dispatch") => id(f.dispatch),
            ("respond_dispatch", "accept") => one("0"),
            ("elder_detail" | "update_elder", "person") | ("log_visit", "elder") => id(f.elder),
            ("add_elder", "person") => id(f.old_person),
            (_, "living_alone") => one("1"),
            (_, "health_notes") => one("高血压，按时服药"),
            (_, "contact_name") => one("王小明"),
            (_, "contact_phone") => one("13912345678"),
            (_, "every_days") => one("7"),
            (_, "heat_alert_every_days") => one("1"),
            ("log_visit" | "finish_welfare_check", "outcome") => one("safe"),
            ("set_heat_alert", "community") => id(f.community),
            ("set_heat_alert", "on") => one("0"),
            ("request_welfare_check", "elder_name") => one("王奶奶"),
            ("request_welfare_check", "building") => one("幸福锦园4号楼"),
            ("request_welfare_check", "phone") => one("13922223333"),
            ("start_welfare_check" | "finish_welfare_check", "id") => id(f.welfare),
            ("create_election" | "edit_election", "title") => one("输入测试评选"),
            ("create_election", "scope") => id(f.subdistrict),
            (_, "stars") => one("10"),
            (_, "votes_per_voter") => one("5"),
            (_, "nomination_from") => Val::One(date_in(10)),
            (_, "nomination_to") => Val::One(date_in(20)),
            (_, "voting_from") => Val::One(date_in(21)),
            ("extend_voting", "voting_to") => Val::One(date_in(45)),
            (_, "voting_to") => Val::One(date_in(30)),
            (_, "notice_to") => Val::One(date_in(40)),
            (_, "min_service_hours") => one("0"),
            ("edit_election" | "open_voting", "id") => id(f.election_upcoming),
            ("extend_voting", "id") => id(f.election_running),
            ("edit_election" | "open_voting", "version") => self.version("star_elections", f.election_upcoming).await,
            ("extend_voting", "version") => self.version("star_elections", f.election_running).await,
            ("nominate", "election") => id(f.election_upcoming),
            ("nominate", "phone") => one(VOLUNTEER),
            ("decide_nomination", "id") => id(f.nomination_pending),
            ("decide_nomination", "decision") => one("approve"),
            ("post_thanks", "order") => id(f.completed_order),
            (_, "body") => one("谢谢大家的帮助"),
            ("like_post", "post") => id(f.post),
            ("grid_search", "q") => one("幸福"),
            ("rename_node" | "move_node" | "delete_node" | "merge_node" | "split_node", "id") => id(grid_node),
            ("rename_node" | "move_node" | "delete_node" | "merge_node" | "split_node", "version") => {
                self.version("grid_nodes", grid_node).await
            }
            ("rename_node", "name") => one("改名后的微网格"),
            ("split_node", "name") => one("拆出的微网格"),
            ("create_node", "name") => {
                let n = self.fresh();
                Val::One(format!("新建微网格{n}"))
            }
            ("move_node", "parent") => id(f.grid2),
            ("create_node", "parent") => id(f.grid),
            ("merge_node", "into") => id(f.micro),
            ("split_node", "buildings") => Val::Many(vec![f.building2.to_string()]),
            ("audit_data", "from") => Val::One(date_in(-30)),
            ("audit_data", "to") => Val::One(date_in(1)),
            ("audit_data", "person") => one("周"),
            ("audit_data", "node") => one("幸福"),
            ("assign_staff", "node") => id(f.micro),
            ("assign_staff", "account") => id(f.spare_account),
            ("remove_staff", "assignment") => id(f.spare_assignment),
            ("grid_presence" | "grid_children", "node") => id(f.grid),
            (_, "section") => one("daily_life"),
            ("post_offer" | "place_order" | "create_pairing", "title") => one("上门帮忙买菜"),
            ("post_offer" | "place_order", "description") => one("两斤青菜，一块豆腐"),
            ("post_offer", "schedule") => one("周六上午"),
            ("book_offer", "offer") => id(f.offer),
            ("activity_data", "id")
            | (
                "sign_up_activity"
                | "cancel_activity_signup"
                | "checkin_screen_data"
                | "admit_data"
                | "check_in_activity"
                | "check_out_activity"
                | "organiser_check_in"
                | "confirm_activity_hours"
                | "make_up_activity_hours",
                "activity",
            ) => id(f.activity),
            ("admit_data" | "organiser_check_in" | "confirm_activity_hours" | "make_up_activity_hours", "person") => {
                id(f.volunteer_person)
            }
            ("topic_data", "id") | ("support_topic" | "screen_topic", "topic") => id(f.topic),
            ("raise_topic", "audience") => one("community"),
            ("raise_topic", "title") => one("小区能不能装充电桩"),
            ("raise_topic", "form_key") => one(""),
            ("screen_topic", "decision") => one("decline"),
            ("screen_topic", "version") => self.version("council_topics", f.topic).await,
            ("schedule_topic", "topic") => id(f.accepted_topic),
            ("schedule_topic", "version") => self.version("council_topics", f.accepted_topic).await,
            ("schedule_topic", "meeting") => id(f.meeting),
            ("schedule_topic", "quorum") => one("12"),
            ("schedule_topic", "invited") => Val::Many(vec!["resident_reps".into(), "property".into()]),
            ("write_minutes" | "sign_minutes", "topic") => id(f.topic_in_meeting),
            ("write_minutes" | "sign_minutes", "version") => self.version("council_topics", f.topic_in_meeting).await,
            ("write_minutes", "motion") => one("楼道统一不放电动车"),
            ("write_minutes", "votes_for") => one("1"),
            ("write_minutes", "votes_against" | "abstaining") => one("0"),
            ("write_minutes", "decision") => one("在8号楼旁建充电棚"),
            ("write_minutes", "owner") => one("锦园物业"),
            ("write_minutes", "deadline") => Val::One(date_in(60)),
            ("check_in_activity", "code") => one("123456"),
            ("check_in_activity", "via") => one("qr"),
            ("make_up_activity_hours", "hours") => one("1.5"),
            ("publish_activity", "station") => id(f.station),
            ("publish_activity", "kind") => one("training"),
            ("publish_activity", "title") => one("输入测试活动"),
            ("publish_activity", "description") => one("教老人用手机"),
            ("publish_activity", "starts") => Val::One(format!("{}T09:00", date_in(3))),
            ("publish_activity", "ends") => Val::One(format!("{}T11:00", date_in(3))),
            ("publish_activity", "capacity") => one("12"),
            ("publish_activity", "held") => one("2"),
            ("publish_activity", "audience") => one("grid"),
            ("publish_activity", "weeks") => one("4"),
            ("publish_activity", "skip") => one("3"),
            ("publish_activity", "signup_opens" | "signup_closes" | "form_key") => one(""),
            (_, "idempotency_key") => {
                let n = self.fresh();
                Val::One(format!("inputs-{:?}-{n:08}", self.who).to_lowercase())
            }
            ("issue_api_key", "label") => one("测试系统"),
            ("revoke_api_key", "id") => id(f.revocable_key),
            ("place_order", "urgency") | ("board_data", "urgency") => one("normal"),
            ("place_order", "on_behalf_phone") => one(RESIDENT),
            ("register_resident", "name") => one("无手机的老人"),
            ("register_resident", "unit") => id(f.unit),
            ("register_resident", "room") => one("101"),
            (
                "order_detail" | "take_order" | "release_order" | "start_service" | "finish_service" | "confirm_order"
                | "dispute_order" | "cancel_order" | "dispatch_order",
                "id",
            ) => id(f.open_order),
            (_, "reason") => one("临时有事，改天再约"),
            ("finish_service", "minutes") => one("30"),
            (_, "rating") => one("5"),
            (_, "comment") => one("服务很好"),
            ("board_data", "grid") => id(f.micro),
            ("board_data", "page") => one("0"),
            ("stars_data", "election") => id(f.election_running),
            ("stars_data", "q") => one("张"),
            ("admin_data", "node") => id(f.community),
            ("create_pairing", "volunteer_phone") => one(VOLUNTEER),
            ("create_pairing", "resident_phone") => one(RESIDENT),
            ("create_pairing", "weekday") => one("6"),
            ("create_pairing", "part") => one("1"),
            ("set_locale", "locale") => one("zh-CN"),
            ("set_elder_mode", "on") => one("0"),
            ("record_item", "category") => one("facility"),
            ("record_item", "place") => id(f.building),
            ("record_item", "place_note") => one("3楼楼道"),
            ("record_item", "description") => one("楼道灯坏了，晚上看不见"),
            ("sentiment_list", "filter") => one("all"),
            (
                "item_detail" | "sentiment_step" | "confirm_item" | "set_warning" | "follow_up_item" | "recheck_item"
                | "convert_item",
                "id",
            ) => id(sentiment_item),
            (
                "sentiment_step" | "confirm_item" | "set_warning" | "follow_up_item" | "recheck_item" | "convert_item",
                "version",
            ) => self.version("sentiment_items", sentiment_item).await,
            ("sentiment_step", "step") => one("accept"),
            ("sentiment_step", "handler_kind") => one("property"),
            ("sentiment_step", "handler") => one("锦园物业"),
            ("sentiment_step", "days") => one("3"),
            ("sentiment_step", "passed") => Val::Many(Vec::new()),
            ("confirm_item", "resolved") => one("yes"),
            ("set_warning", "level") => one("yellow"),
            ("recheck_item", "result") => one("pass"),
            (_, "note") => one("上门看过，已处理"),
            (_, "intro") => one("热心服务邻里"),
            ("save_volunteer_profile", "skills") => Val::Many(vec!["daily_life".into(), "health".into()]),
            ("save_volunteer_profile", "slots") => Val::Many(vec!["0".into(), "8".into()]),
            ("cast_vote", "nomination") => id(f.nomination_approved),
            // Text the function reads as free text, left empty.
            ("record_item", "parties" | "checks" | "resident_phone")
            | ("sentiment_step", "handler_volunteer")
            | ("feed_data", "before")
            | ("delete_node", "into")
            | ("screen_topic", "into" | "place" | "category")
            | ("board_data", "seen")
            | ("place_order", "window_start" | "window_end" | "on_behalf_person")
            | ("record_item", "inspection" | "report_now")
            | ("create_election" | "edit_election", "live_tally") => match p.ty {
                Ty::Str => one(""),
                _ => Val::Absent,
            },
            _ => {
                self.report.guessed.push(format!("{ep}.{}", p.name));
                match p.ty {
                    Ty::Str => one("输入测试"),
                    Ty::I64 => one("1"),
                    Ty::VecStr => Val::Many(Vec::new()),
                    Ty::OptStr | Ty::OptI64 | Ty::OptU32 | Ty::OptU64 => Val::Absent,
                }
            }
        }
    }

    /// The request body and content type of one case.
    async fn request(&mut self, ep: &Endpoint, case: &Case) -> (Method, &'static str, Vec<u8>) {
        let mut vals = Vec::new();
        for p in &ep.params {
            vals.push(self.valid(&ep.name, p).await);
        }
        let plausible = |skip: Option<usize>| -> Vec<(String, Piece)> {
            ep.params
                .iter()
                .zip(&vals)
                .enumerate()
                .filter(|(i, _)| Some(*i) != skip)
                .flat_map(|(_, (p, v))| pairs_of(&p.name, v))
                .collect()
        };
        match case {
            Case::EmptyBody => (Method::POST, FORM, Vec::new()),
            Case::Json => {
                let object: serde_json::Map<String, serde_json::Value> = ep
                    .params
                    .iter()
                    .zip(&vals)
                    .filter_map(|(p, v)| match v {
                        Val::One(s) => Some((p.name.clone(), serde_json::json!(s))),
                        Val::Many(vs) => Some((p.name.clone(), serde_json::json!(vs))),
                        Val::Absent => None,
                    })
                    .collect();
                (Method::POST, "application/json", serde_json::to_vec(&object).expect("json"))
            }
            Case::RawTail => {
                let mut body = form_body(&plausible(None));
                body.extend_from_slice(b"&\xFF\xFE=\xFF%FF");
                (Method::POST, FORM, body)
            }
            Case::Oversized => {
                let mut pairs = plausible(None);
                pairs.push(("padding".into(), Piece::Raw(vec![b'x'; 3 << 20])));
                (Method::POST, FORM, form_body(&pairs))
            }
            Case::Get => (Method::GET, FORM, form_body(&plausible(None))),
            Case::Replace(i, _, piece) => {
                let mut pairs = plausible(Some(*i));
                let p = &ep.params[*i];
                let key = if p.ty == Ty::VecStr { format!("{}[0]", p.name) } else { p.name.clone() };
                pairs.insert((*i).min(pairs.len()), (key, piece.clone()));
                (Method::POST, FORM, form_body(&pairs))
            }
            Case::Duplicate(i) => {
                let mut pairs = plausible(None);
                let p = &ep.params[*i];
                let key = if p.ty == Ty::VecStr { format!("{}[0]", p.name) } else { p.name.clone() };
                let first = match &vals[*i] {
                    Val::One(v) => v.clone(),
                    Val::Many(vs) => vs.first().cloned().unwrap_or_default(),
                    Val::Absent => "1".into(),
                };
                pairs.push((key.clone(), Piece::Text(first)));
                pairs.push((key, Piece::Text("' OR 1=1 --".into())));
                (Method::POST, FORM, form_body(&pairs))
            }
            Case::Shape(i, shape) => {
                let mut pairs = plausible(Some(*i));
                let name = &ep.params[*i].name;
                let value = match &vals[*i] {
                    Val::One(v) => v.clone(),
                    Val::Many(vs) => vs.first().cloned().unwrap_or_else(|| "daily_life".into()),
                    Val::Absent => "1".into(),
                };
                let key = match *shape {
                    "[]" => format!("{name}[]"),
                    "[x]" | "map" => format!("{name}[x]"),
                    _ => name.clone(),
                };
                pairs.push((key, Piece::Text(value)));
                (Method::POST, FORM, form_body(&pairs))
            }
            Case::Missing(i) => (Method::POST, FORM, form_body(&plausible(Some(*i)))),
        }
    }

    async fn send(&mut self, ep: &Endpoint, case: &Case) {
        let label = format!("{:?} {} [{}]", self.who, ep.name, case.label(ep));
        let (method, content_type, body) = self.request(ep, case).await;
        let url = format!("{}/api/{}", self.app.base, ep.name);
        let started = Instant::now();
        let mut res = self.transmit(&url, &method, content_type, &body, case).await;
        if let Err(err) = &res {
            // The server answers a body past its limit before reading it all and then closes
            // the connection; a client that reuses it sees an error. Once more on a new one:
            // a handler that panics fails the second time too.
            self.report.retried.push(format!("{label}: {err}"));
            self.reconnect().await;
            res = self.transmit(&url, &method, content_type, &body, case).await;
        }
        let elapsed = started.elapsed();
        self.report.requests += 1;
        let kind = self.report.time_by_case.entry(case.kind()).or_default();
        kind.0 += 1;
        kind.1 += elapsed;
        if elapsed > self.report.slowest.0 {
            self.report.slowest = (elapsed, label.clone());
        }
        if elapsed > SLOW {
            self.report.slow.push(format!("{label}: {elapsed:.1?}"));
        }
        let res = match res {
            Ok(res) => res,
            Err(err) => {
                self.report.failures.push(format!("{label}: no answer (panic or dropped connection): {err}"));
                self.reconnect().await;
                return;
            }
        };
        let status = res.status();
        let new_session =
            res.headers().get_all("set-cookie").iter().any(|v| v.to_str().is_ok_and(|v| v.starts_with("gs_session=")));
        let text = res.text().await.unwrap_or_default();
        *self.report.by_status.entry(status.as_u16()).or_default() += 1;
        let changes = take_changes(self.app).await;
        if status.is_server_error() {
            self.report.failures.push(format!("{label}: {status} {}", snippet(&text)));
        } else if status.is_client_error() {
            let shape = clear_app_error(&text);
            if let Err(why) = shape {
                self.report
                    .failures
                    .push(format!("{label}: {status} with an unclear body ({why}): {}", snippet(&text)));
            }
            if !changes.is_empty() {
                self.report.failures.push(format!("{label}: {status} but rows changed: {}", changes.join(", ")));
            }
        }
        if status.is_success() || status.is_redirection() {
            self.report.writes += usize::from(!changes.is_empty());
            if changes.iter().any(|c| c.contains(" accounts ")) {
                self.restore_accounts().await;
            }
            if new_session {
                self.reconnect().await;
            }
        }
    }

    /// Puts the demo accounts' passwords and states back (a valid change_password may succeed).
    async fn restore_accounts(&mut self) {
        for (id, hash, disabled) in &self.fx.accounts {
            sqlx::query("UPDATE accounts SET password_hash = ?, disabled_at = ? WHERE id = ?")
                .bind(hash)
                .bind(disabled)
                .bind(id)
                .execute(&self.app.pool)
                .await
                .expect("restore account");
        }
        take_changes(self.app).await;
    }

    /// Signs in again (after a successful sign-in, sign-up, sign-out or password change).
    async fn reconnect(&mut self) {
        self.client = match self.who.phone() {
            Some(phone) => self.app.signed_in(phone).await,
            None => self.app.client(),
        };
        take_changes(self.app).await;
    }

    async fn walk(&mut self, endpoints: &[Endpoint]) {
        for ep in endpoints {
            for case in cases(ep, self.who == Who::Admin) {
                self.send(ep, &case).await;
            }
        }
    }
}

async fn walk_as(who: Who, endpoints: Vec<Endpoint>) -> (Report, usize) {
    let app = spawn().await;
    let fx = fixtures(&app).await;
    settle_background(&app).await;
    watch_tables(&app).await;
    let mut walker = Walker::new(&app, fx, who).await;
    take_changes(&app).await;
    walker.walk(&endpoints).await;
    let mut report = walker.report;
    let (status, body) = app.get(&app.client(), "/healthz").await;
    if status != StatusCode::OK {
        report.failures.push(format!("{who:?}: /healthz after the walk answered {status} {body}"));
    }
    let check: String = sqlx::query_scalar("PRAGMA integrity_check").fetch_one(&app.pool).await.expect("integrity");
    if check != "ok" {
        report.failures.push(format!("{who:?}: integrity_check after the walk: {check}"));
    }
    let cases: usize = endpoints.iter().map(|e| cases(e, who == Who::Admin).len()).sum();
    (report, cases)
}

fn summarise(name: &str, reports: &[(Who, &Report)]) -> Vec<String> {
    let mut failures = Vec::new();
    for (who, r) in reports {
        println!(
            "{name} {who:?}: {} requests, statuses {:?}, {} accepted ones wrote rows, slowest {:.2?} ({})",
            r.requests, r.by_status, r.writes, r.slowest.0, r.slowest.1
        );
        for s in &r.slow {
            println!("  slow (> {SLOW:?}): {s}");
        }
        for s in &r.retried {
            println!("  retried on a new connection: {s}");
        }
        let mut kinds: Vec<_> = r.time_by_case.iter().collect();
        kinds.sort_by_key(|(_, (_, d))| std::cmp::Reverse(*d));
        let top: Vec<String> = kinds.iter().take(8).map(|(k, (n, d))| format!("{k} ×{n} {:.1?}", *d)).collect();
        println!("  most time: {}", top.join(", "));
        failures.extend(r.failures.iter().cloned());
    }
    let mut guessed: Vec<&String> = reports.iter().flat_map(|(_, r)| &r.guessed).collect();
    guessed.sort();
    guessed.dedup();
    for g in guessed {
        println!("  no plausible value known for {g}: walked with a guess by type");
    }
    failures
}

/// Every server function × every case × admin, resident and visitor, each on its own
/// server (the walks change what they find, so they do not share a database).
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn every_server_function_refuses_bad_input_with_a_clear_4xx_and_changes_nothing() {
    let started = Instant::now();
    let (endpoints, attributes) = scan();
    assert_eq!(endpoints.len(), attributes);
    let ((admin, admin_cases), (resident, resident_cases), (visitor, visitor_cases)) = tokio::join!(
        walk_as(Who::Admin, endpoints.clone()),
        walk_as(Who::Resident, endpoints.clone()),
        walk_as(Who::Visitor, endpoints.clone()),
    );
    let files: std::collections::BTreeSet<&str> = endpoints.iter().map(|e| e.file.as_str()).collect();
    let params: usize = endpoints.iter().map(|e| e.params.len()).sum();
    println!(
        "{} server functions ({params} parameters) in {} files, {} hostile values per parameter; \
         cases: admin {admin_cases}, resident {resident_cases}, visitor {visitor_cases}; {:.1?}",
        endpoints.len(),
        files.len(),
        hostile().len(),
        started.elapsed()
    );
    let failures =
        summarise("server functions", &[(Who::Admin, &admin), (Who::Resident, &resident), (Who::Visitor, &visitor)]);
    for f in &failures {
        println!("FAIL {f}");
    }
    assert!(admin.writes > 100, "the triggers saw only {} writing requests", admin.writes);
    assert!(
        failures.is_empty(),
        "{} bad answers:\n{}",
        failures.len(),
        failures.iter().take(80).cloned().collect::<Vec<_>>().join("\n")
    );
}

// ---------------------------------------------------------------------------------------
// Hostile but valid text: kept as typed, shown as text.

/// The page `path` as `client` sees it: `needle` appears only escaped, never as markup
/// (neither in the HTML nor in the data the page carries for hydration).
async fn shown_escaped(app: &TestApp, client: &Client, path: &str, needle: &str, escaped: &str) {
    let (status, page) = app.get(client, path).await;
    assert_eq!(status, StatusCode::OK, "{path}");
    assert!(!page.contains(needle), "{path} carries {needle:?} as markup");
    assert!(page.contains(escaped), "{path} does not show {escaped:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_text_is_stored_verbatim_and_shown_escaped() {
    let app = spawn().await;
    let admin = app.signed_in(ADMIN).await;
    let resident = app.signed_in(RESIDENT).await;
    let script = "<script>alert(1)</script>";
    let img = "\"><img src=x onerror=alert(1)>";

    // A station notice on the feed.
    let (status, body) = app.post(&admin, "post_news", &[("body", script)]).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let stored: String = sqlx::query_scalar("SELECT body FROM feed_posts ORDER BY id DESC LIMIT 1")
        .fetch_one(&app.pool)
        .await
        .expect("post");
    assert_eq!(stored, script);
    shown_escaped(&app, &admin, "/feed", script, "&lt;script").await;

    // A resident's report, on its page.
    let place = scalar(&app, "SELECT id FROM grid_nodes WHERE code = '32060200100100101001'").await.to_string();
    let description = format!("电梯坏了{img}");
    let (status, body) = app
        .post(&resident, "record_item", &[("category", "facility"), ("place", &place), ("description", &description)])
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let id: i64 = body.trim().parse().expect("item id");
    let stored: String = sqlx::query_scalar("SELECT description FROM sentiment_items WHERE id = ?")
        .bind(id)
        .fetch_one(&app.pool)
        .await
        .expect("item");
    assert_eq!(stored, description);
    shown_escaped(&app, &resident, &format!("/sentiment/{id}"), "<img src=x onerror", "&lt;img src=x onerror").await;

    // A micro-grid renamed in the editor.
    let node = scalar(&app, "SELECT id FROM grid_nodes WHERE code = '32060200100100102'").await;
    let version = scalar(&app, &format!("SELECT version FROM grid_nodes WHERE id = {node}")).await;
    let (node, version) = (node.to_string(), version.to_string());
    let (status, body) =
        app.post(&admin, "rename_node", &[("id", &node), ("version", &version), ("name", script)]).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let stored: String = sqlx::query_scalar("SELECT name FROM grid_nodes WHERE id = ?")
        .bind(&node)
        .fetch_one(&app.pool)
        .await
        .expect("node");
    assert_eq!(stored, script);
    shown_escaped(&app, &admin, &format!("/admin/grids?node={node}"), script, "&lt;script").await;

    // SQL in an order's title is a title.
    let drop = "'); DROP TABLE orders; --";
    let (status, body) = app
        .post(
            &resident,
            "place_order",
            &[
                ("section", "daily_life"),
                ("title", drop),
                ("description", "' OR 1=1 --"),
                ("urgency", "normal"),
                ("idempotency_key", "inputs-sql-title-1"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let order: i64 = body.trim().parse().expect("order id");
    let (title, description): (String, String) =
        sqlx::query_as("SELECT title, description FROM service_orders WHERE id = ?")
            .bind(order)
            .fetch_one(&app.pool)
            .await
            .expect("order");
    assert_eq!((title.as_str(), description.as_str()), (drop, "' OR 1=1 --"));
    let (status, page) = app.get(&resident, &format!("/orders/{order}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("DROP TABLE orders; --"), "the title is shown as text");
    assert!(scalar(&app, "SELECT count(*) FROM service_orders").await > 0);

    // Open311 answers JSON: the text comes back as it was sent, typed as JSON.
    let key = post_ok(&app, &admin, "issue_api_key", &[("label", "escape")]).await;
    let key: String = serde_json::from_str(&key).expect("key");
    let res = app
        .client()
        .post(format!("{}/open311/v2/requests.json", app.base))
        .form(&[
            ("api_key", key.as_str()),
            ("service_code", "facility"),
            ("description", script),
            ("address_string", "幸福锦园4号楼"),
        ])
        .send()
        .await
        .expect("open311");
    assert_eq!(res.status(), StatusCode::OK);
    let created: serde_json::Value = res.json().await.expect("json");
    let id = created[0]["service_request_id"].as_str().expect("id").to_string();
    let res = app
        .client()
        .get(format!("{}/open311/v2/requests/{id}.json?api_key={key}", app.base))
        .send()
        .await
        .expect("open311");
    assert_eq!(res.headers()["content-type"], "application/json");
    assert_eq!(res.headers()["x-content-type-options"], "nosniff");
    let list: serde_json::Value = res.json().await.expect("json");
    assert_eq!(list[0]["description"], script);
}

// ---------------------------------------------------------------------------------------
// The endpoints that are not server functions: photo uploads, Open311, CSV exports.

/// How an endpoint answers a refusal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shape {
    /// One of the app's messages as plain text (photos, CSV exports).
    Message,
    /// GeoReport: `[{"code": <status>, "description": "..."}]`.
    Open311,
}

fn clear_refusal(shape: Shape, status: StatusCode, body: &str) -> Result<(), String> {
    match shape {
        // An empty path segment matches no route: the app's own "not found" page.
        Shape::Message if status == StatusCode::NOT_FOUND && body.starts_with("<!DOCTYPE html>") => {
            let msg = app::i18n::Msg::ErrNotFound;
            if body.contains(msg.text(Locale::Zh)) || body.contains(msg.text(Locale::En)) {
                Ok(())
            } else {
                Err("an HTML page without the not-found message".into())
            }
        }
        Shape::Message => {
            let known = app::i18n::Msg::ALL.iter().any(|m| m.text(Locale::Zh) == body || m.text(Locale::En) == body);
            if !known || body == app::i18n::Msg::ErrInternal.text(Locale::Zh) {
                return Err("not one of the app's messages".into());
            }
            Ok(())
        }
        // An empty resource name (`/open311/v2/`) matches no route either.
        Shape::Open311 if status == StatusCode::NOT_FOUND && body.starts_with("<!DOCTYPE html>") => {
            clear_refusal(Shape::Message, status, body)
        }
        Shape::Open311 => {
            let v: serde_json::Value = serde_json::from_str(body).map_err(|e| format!("not JSON ({e})"))?;
            let code = v[0]["code"].as_u64();
            let description = v[0]["description"].as_str().unwrap_or_default();
            if code != Some(u64::from(status.as_u16())) || description.trim().is_empty() {
                return Err("not a GeoReport error".into());
            }
            Ok(())
        }
    }
}

struct Prober<'a> {
    app: &'a TestApp,
    requests: usize,
    by_status: BTreeMap<u16, usize>,
    failures: Vec<String>,
    slowest: (Duration, String),
    /// Over-limit uploads whose answer the closing connection cut off.
    cut_short: usize,
}

impl<'a> Prober<'a> {
    fn new(app: &'a TestApp) -> Self {
        Self {
            app,
            requests: 0,
            by_status: BTreeMap::new(),
            failures: Vec::new(),
            slowest: Default::default(),
            cut_short: 0,
        }
    }

    async fn check(&mut self, label: String, req: reqwest::RequestBuilder, shape: Shape) {
        self.check_body(label, req, shape, false).await
    }

    /// `over_limit`: a body past the endpoint's limit. The server answers it before reading
    /// it all and closes the connection, so the client may see the connection end while it
    /// is still sending, without the answer: that is no failure.
    async fn check_body(&mut self, label: String, req: reqwest::RequestBuilder, shape: Shape, over_limit: bool) {
        let started = Instant::now();
        let res = req.header("connection", "close").timeout(Duration::from_secs(60)).send().await;
        let elapsed = started.elapsed();
        self.requests += 1;
        if elapsed > self.slowest.0 {
            self.slowest = (elapsed, label.clone());
        }
        if elapsed > SLOW {
            println!("  slow (> {SLOW:?}): {label}: {elapsed:.1?}");
        }
        let res = match res {
            Ok(res) => res,
            Err(_) if over_limit => {
                self.cut_short += 1;
                take_changes(self.app).await;
                return;
            }
            Err(err) => {
                self.failures.push(format!("{label}: no answer (panic or dropped connection): {err}"));
                return;
            }
        };
        let status = res.status();
        *self.by_status.entry(status.as_u16()).or_default() += 1;
        let body = match res.text().await {
            Ok(body) => body,
            Err(_) if over_limit && status.is_client_error() => {
                self.cut_short += 1;
                take_changes(self.app).await;
                return;
            }
            Err(err) => format!("(body unreadable: {err})"),
        };
        let changes = take_changes(self.app).await;
        if status.is_server_error() {
            self.failures.push(format!("{label}: {status} {}", snippet(&body)));
        } else if status.is_client_error() {
            if let Err(why) = clear_refusal(shape, status, &body) {
                self.failures.push(format!("{label}: {status} with an unclear body ({why}): {}", snippet(&body)));
            }
            if !changes.is_empty() {
                self.failures.push(format!("{label}: {status} but rows changed: {}", changes.join(", ")));
            }
        }
    }
}

/// Hostile values for a URL: the same, with 16 kB standing in for 1 MB (a URL that long is
/// refused by the HTTP layer before any handler, with 414 and no body).
fn hostile_in_url() -> Vec<(&'static str, String)> {
    hostile()
        .into_iter()
        .map(|(what, piece)| match piece {
            Piece::Text(t) if t.len() > 16 << 10 => (what, encode(&t[..16 << 10])),
            Piece::Text(t) => (what, encode(&t)),
            // Already percent-encoded (`%FF%FE`) as it is; raw bytes encoded, still not UTF-8.
            Piece::Raw(r) if r.is_ascii() => (what, String::from_utf8(r).expect("ascii")),
            Piece::Raw(r) => (what, r.iter().map(|b| format!("%{b:02X}")).collect()),
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn other_endpoints_refuse_bad_input_cleanly() {
    let started = Instant::now();
    let app = spawn().await;
    let fx = fixtures(&app).await;
    settle_background(&app).await;
    watch_tables(&app).await;
    let clients =
        [("admin", app.signed_in(ADMIN).await), ("resident", app.signed_in(RESIDENT).await), ("visitor", app.client())];
    take_changes(&app).await;
    let mut p = Prober::new(&app);
    let base = app.base.clone();

    // Photo uploads, to a 民情 item and to an activity's 纪要: hostile ids, and bodies that are
    // not one photo.
    let mut ids: Vec<(&str, String)> = hostile_in_url();
    ids.push(("item", fx.item_open.to_string()));
    ids.push(("activity", fx.activity.to_string()));
    let bodies: Vec<(&str, &str, Vec<u8>)> = vec![
        ("empty", "multipart/form-data; boundary=X", Vec::new()),
        ("no photo field", "multipart/form-data; boundary=X", b"--X\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\nhi\r\n--X--\r\n".to_vec()),
        ("svg", "multipart/form-data; boundary=X", b"--X\r\nContent-Disposition: form-data; name=\"photo\"; filename=\"a.png\"\r\nContent-Type: image/png\r\n\r\n<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>\r\n--X--\r\n".to_vec()),
        ("broken png", "multipart/form-data; boundary=X", [b"--X\r\nContent-Disposition: form-data; name=\"photo\"; filename=\"a.png\"\r\n\r\n".as_slice(), &png(8, 8)[..20], b"\r\n--X--\r\n"].concat()),
        ("unterminated", "multipart/form-data; boundary=X", b"--X\r\nContent-Disposition: form-data; name=\"photo\"\r\n\r\n\xFF\xD8\xFF".to_vec()),
        ("no boundary", "multipart/form-data", b"photo=1".to_vec()),
        ("form", FORM, b"photo=%FF%FE".to_vec()),
        ("json", "application/json", b"{\"photo\":\"AAAA\"}".to_vec()),
        ("9 MB", "multipart/form-data; boundary=X", [b"--X\r\nContent-Disposition: form-data; name=\"photo\"\r\n\r\n".as_slice(), &vec![0xFF; 9 << 20], b"\r\n--X--\r\n"].concat()),
    ];
    for (who, client) in &clients {
        for album in ["sentiment", "activities"] {
            for (what, id) in &ids {
                for (kind, content_type, body) in &bodies {
                    let req = client
                        .post(format!("{base}/{album}/{id}/photos"))
                        .header("content-type", *content_type)
                        .body(body.clone());
                    let label = format!("{who} {album} photo upload [id = {what}, {kind}]");
                    p.check_body(label, req, Shape::Message, body.len() > 8 << 20).await;
                }
                let req = client.get(format!("{base}/{album}/photos/{id}"));
                p.check(format!("{who} {album} photo [id = {what}]"), req, Shape::Message).await;
            }
        }
        // A real photo on a real item: it is taken, as a JPEG; on an activity without a
        // record yet, refused.
        for (album, id) in [("sentiment", fx.item_open), ("activities", fx.activity)] {
            let form = reqwest::multipart::Form::new()
                .part("photo", reqwest::multipart::Part::bytes(png(64, 48)).file_name("<script>.png"));
            let req = client.post(format!("{base}/{album}/{id}/photos")).multipart(form);
            p.check(format!("{who} {album} photo upload [a real PNG]"), req, Shape::Message).await;
        }
        take_changes(&app).await;
    }

    // CSV exports: hostile ids and filters.
    for (who, client) in &clients {
        for (what, v) in hostile_in_url() {
            let req = client.get(format!("{base}/admin/elections/{v}/csv"));
            p.check(format!("{who} election csv [id = {what}]"), req, Shape::Message).await;
            for field in ["person", "node", "from", "to"] {
                let req = client.get(format!("{base}/admin/audit/csv?{field}={v}"));
                p.check(format!("{who} audit csv [{field} = {what}]"), req, Shape::Message).await;
            }
            for (field, other) in [("area", "table=children"), ("table", "area=320602001")] {
                let req = client.get(format!("{base}/admin/dashboard/csv?{other}&{field}={v}"));
                p.check(format!("{who} dashboard csv [{field} = {what}]"), req, Shape::Message).await;
            }
        }
        for query in ["person[]=a", "from[x]=1", "area=1&area=2", "table[]=children"] {
            for path in ["/admin/audit/csv", "/admin/dashboard/csv"] {
                let req = client.get(format!("{base}{path}?{query}"));
                p.check(format!("{who} {path} [{query}]"), req, Shape::Message).await;
            }
        }
    }

    // Open311: every field of a new request, the list's filters, the resource names.
    let key = fx.api_key.clone();
    let fields = [
        ("api_key", key.as_str()),
        ("service_code", "facility"),
        ("description", "路灯不亮了，晚上很黑"),
        ("address_string", "幸福锦园4号楼"),
        ("first_name", "明"),
        ("last_name", "王"),
        ("phone", "13912345678"),
        ("email", "wang@example.cn"),
        ("lat", "32.01"),
        ("long", "120.86"),
    ];
    let client = app.client();
    let post = |body: Vec<u8>, content_type: &'static str| {
        client.post(format!("{base}/open311/v2/requests.json")).header("content-type", content_type).body(body)
    };
    let plausible = |skip: usize| -> Vec<(String, Piece)> {
        fields
            .iter()
            .enumerate()
            .filter(|(i, _)| *i != skip)
            .map(|(_, (k, v))| (k.to_string(), Piece::Text(v.to_string())))
            .collect()
    };
    p.check("open311 POST [empty]".into(), post(Vec::new(), FORM), Shape::Open311).await;
    p.check("open311 POST [JSON]".into(), post(b"{\"api_key\":\"x\"}".to_vec(), "application/json"), Shape::Open311)
        .await;
    let mut raw = form_body(&plausible(usize::MAX));
    raw.extend_from_slice(b"&\xFF=\xFE");
    p.check("open311 POST [raw 0xFF]".into(), post(raw, FORM), Shape::Open311).await;
    for (i, (name, _)) in fields.iter().enumerate() {
        for (what, piece) in hostile() {
            let mut pairs = plausible(i);
            pairs.push((name.to_string(), piece));
            p.check(format!("open311 POST [{name} = {what}]"), post(form_body(&pairs), FORM), Shape::Open311).await;
        }
        let mut pairs = plausible(usize::MAX);
        pairs.push((name.to_string(), Piece::Text("' OR 1=1 --".into())));
        p.check(format!("open311 POST [{name} twice]"), post(form_body(&pairs), FORM), Shape::Open311).await;
        p.check(format!("open311 POST [{name} missing]"), post(form_body(&plausible(i)), FORM), Shape::Open311).await;
        take_changes(&app).await;
    }
    for (what, v) in hostile_in_url() {
        for field in ["api_key", "service_request_id", "service_code", "start_date", "end_date", "status"] {
            let key = if field == "api_key" { String::new() } else { format!("api_key={key}&") };
            let req = client.get(format!("{base}/open311/v2/requests.json?{key}{field}={v}"));
            p.check(format!("open311 requests [{field} = {what}]"), req, Shape::Open311).await;
        }
        let req = client.get(format!("{base}/open311/v2/requests/{v}.json?api_key={key}"));
        p.check(format!("open311 request [id = {what}]"), req, Shape::Open311).await;
        let req = client.get(format!("{base}/open311/v2/services/{v}.json"));
        p.check(format!("open311 service [code = {what}]"), req, Shape::Open311).await;
        let req = client.get(format!("{base}/open311/v2/{v}"));
        p.check(format!("open311 GET [resource = {what}]"), req, Shape::Open311).await;
        let req = client.post(format!("{base}/open311/v2/{v}.xml"));
        p.check(format!("open311 POST [resource = {what}.xml]"), req, Shape::Open311).await;
    }

    let (status, _) = app.get(&app.client(), "/healthz").await;
    assert_eq!(status, StatusCode::OK, "/healthz after the walk");
    let check: String = sqlx::query_scalar("PRAGMA integrity_check").fetch_one(&app.pool).await.expect("integrity");
    assert_eq!(check, "ok");
    println!(
        "other endpoints: {} requests ({} over-limit uploads cut short), statuses {:?}, slowest {:.2?} ({}), {:.1?}",
        p.requests,
        p.cut_short,
        p.by_status,
        p.slowest.0,
        p.slowest.1,
        started.elapsed()
    );
    for f in &p.failures {
        println!("FAIL {f}");
    }
    assert!(
        p.failures.is_empty(),
        "{} bad answers:\n{}",
        p.failures.len(),
        p.failures.iter().take(80).cloned().collect::<Vec<_>>().join("\n")
    );
}
