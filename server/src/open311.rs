//! Open311 GeoReport v2 over the 民情 log: the six categories are the services, items are
//! the service requests. JSON only. Reading and writing requests needs an API key that an
//! area admin issued (/admin/open311); a key opens only its own area. Stages map to
//! `open`/`closed` (办结 and 作废 are closed), with the stage in Chinese in `status_notes`.
//! Errors are answered the GeoReport way: an array of `{code, description}`.
use app::domain::audit::Action;
use app::domain::privacy::{mask_name, mask_phone};
use app::domain::sentiment::{Category, HandlerKind, Kind, Stage};
use app::domain::text::{FreeText, TextProblem};
use app::domain::time::{format_local_date, parse_local_date};
use app::error::AppError;
use app::i18n::{category_label, stage_label, Locale, Msg};
use app::repo::open311_repo::{self as repo, KeyRow, RequestFilter, RequestRow};
use app::repo::sentiment_repo::{self, NewItem};
use app::repo::{audit_repo::AuditEntry, now};
use app::server_fns::write::{Act, Writer};
use app::state::AppState;
use axum::extract::rejection::{FormRejection, PathRejection, QueryRejection};
use axum::extract::{Form, Path, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::{Deserialize, Serialize};

/// China Standard Time, the offset every datetime is given in.
const CST: i64 = 8 * 3600;
const DAY: i64 = 86_400;
/// Without dates, requests of the last 90 days; never more than 1000 at once.
const DEFAULT_DAYS: i64 = 90;
const MAX_REQUESTS: i64 = 1000;

/// A GeoReport error, answered as `[{"code": 400, "description": "..."}]` with that status.
#[derive(Debug)]
pub struct Open311Error {
    status: StatusCode,
    description: String,
}

impl Open311Error {
    fn new(status: StatusCode, description: impl Into<String>) -> Self {
        Self { status, description: description.into() }
    }

    fn bad(description: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, description)
    }

    fn not_found(description: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, description)
    }

    fn unavailable(err: sqlx::Error) -> Self {
        tracing::error!(%err, "open311: database error");
        Self::busy()
    }

    /// The answer when the database failed; the cause goes to the log only.
    fn busy() -> Self {
        Self::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "暂时无法处理，请稍后重试 (temporarily unavailable, try again later)",
        )
    }
}

/// A write the spine refused or could not finish, answered the GeoReport way (an internal
/// error was logged where it happened).
impl From<AppError> for Open311Error {
    fn from(err: AppError) -> Self {
        match err {
            AppError::Internal => Self::busy(),
            err => Self::new(
                StatusCode::from_u16(err.status()).unwrap_or(StatusCode::BAD_REQUEST),
                err.message(Locale::Zh),
            ),
        }
    }
}

#[derive(Serialize)]
struct ErrorBody<'a> {
    code: u16,
    description: &'a str,
}

impl IntoResponse for Open311Error {
    fn into_response(self) -> Response {
        let body = [ErrorBody { code: self.status.as_u16(), description: &self.description }];
        (self.status, [(header::CACHE_CONTROL, "no-store")], Json(body)).into_response()
    }
}

fn json<T: Serialize>(value: T) -> Response {
    ([(header::CACHE_CONTROL, "no-store")], Json(value)).into_response()
}

/// One service (a 民情 category) as `services.json` lists it.
#[derive(Debug, Serialize)]
pub struct Service {
    pub service_code: &'static str,
    pub service_name: &'static str,
    pub description: &'static str,
    pub metadata: bool,
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub keywords: &'static str,
    pub group: &'static str,
}

fn describe(category: Category) -> (&'static str, &'static str) {
    match category {
        Category::Facility => ("小区公共设施损坏或故障，如电梯、路灯、水管、门禁", "电梯,路灯,水管,门禁,维修"),
        Category::Safety => ("消防、用电、高空坠物等安全隐患", "消防,用电,燃气,高空坠物,隐患"),
        Category::Sanitation => ("垃圾、污水、楼道杂物等环境卫生问题", "垃圾,污水,楼道,卫生,绿化"),
        Category::Dispute => ("邻里、物业等矛盾纠纷，由网格员调解", "邻里,纠纷,调解,物业"),
        Category::IllegalBuilding => ("私搭乱建、违章搭建", "违建,搭建,彩钢棚,占用"),
        Category::Other => ("其他需要网格处理的民情", "其他,建议,求助"),
    }
}

pub fn services_list() -> Vec<Service> {
    Category::ALL
        .into_iter()
        .map(|c| {
            let (description, keywords) = describe(c);
            Service {
                service_code: c.as_str(),
                service_name: category_label(c).text(Locale::Zh),
                description,
                metadata: false,
                kind: "realtime",
                keywords,
                group: "民情",
            }
        })
        .collect()
}

/// `GET /open311/v2/services.json`: the categories (public, like the form that offers them).
pub async fn services() -> Response {
    json(services_list())
}

/// `GET /open311/v2/services/{code}.json`: no service has extra attributes (`metadata`
/// is false), so a definition is the code and an empty attribute list.
pub async fn service_definition(file: Result<Path<String>, PathRejection>) -> Response {
    let code = match path_file(&file).and_then(json_name) {
        Ok(code) => code,
        Err(err) => return err.into_response(),
    };
    match Category::parse(code) {
        Some(c) => json(serde_json::json!({ "service_code": c.as_str(), "attributes": [] })),
        None => {
            Open311Error::not_found(format!("没有这个 service_code：{code} (unknown service_code)")).into_response()
        }
    }
}

/// Any other resource or format under /open311/v2.
pub async fn other(file: Result<Path<String>, PathRejection>) -> Response {
    match path_file(&file).and_then(json_name) {
        Ok(_) => Open311Error::not_found("没有这个接口 (no such resource)").into_response(),
        Err(err) => err.into_response(),
    }
}

/// The last segment of the path, refused clearly when it is not UTF-8.
fn path_file(file: &Result<Path<String>, PathRejection>) -> Result<&str, Open311Error> {
    match file {
        Ok(Path(file)) => Ok(file),
        Err(_) => Err(Open311Error::bad("地址含有无效字符 (the resource name is not valid UTF-8)")),
    }
}

/// `name.json` → `name`; other formats are refused clearly.
fn json_name(file: &str) -> Result<&str, Open311Error> {
    if let Some(name) = file.strip_suffix(".json") {
        return Ok(name);
    }
    let format = file.rsplit_once('.').map(|(_, f)| f).unwrap_or("");
    Err(Open311Error::bad(format!(
        "只支持 JSON，请用 .json 结尾的地址 (only JSON is supported: use the .json resource, not .{format})"
    )))
}

/// A service request as GeoReport v2 gives it. Unknown fields are null.
#[derive(Debug, Serialize)]
pub struct ServiceRequest {
    pub service_request_id: String,
    pub status: &'static str,
    pub status_notes: String,
    pub service_name: &'static str,
    pub service_code: &'static str,
    pub description: String,
    pub agency_responsible: Option<String>,
    pub service_notice: Option<String>,
    pub requested_datetime: String,
    pub updated_datetime: String,
    pub expected_datetime: Option<String>,
    pub address: String,
    pub address_id: Option<String>,
    pub zipcode: Option<String>,
    pub lat: Option<f64>,
    pub long: Option<f64>,
    pub media_url: Option<String>,
}

/// 办结 and 作废 are `closed`; every other stage is `open`.
pub fn status_of(stage: Stage) -> &'static str {
    if stage.is_final() {
        "closed"
    } else {
        "open"
    }
}

/// The stage in Chinese, with who handles it and by when (派遣), or why (作废, 挂账),
/// or what was done (处置).
pub fn status_notes(stage: Stage, handler: Option<&str>, deadline: Option<i64>, note: &str) -> String {
    let label = stage_label(stage).text(Locale::Zh);
    let note = note.trim();
    match stage {
        Stage::Dispatched => {
            let mut out = label.to_string();
            if let Some(handler) = handler.filter(|h| !h.is_empty()) {
                out.push('：');
                out.push_str(handler);
            }
            if let Some(deadline) = deadline {
                out.push_str(if out.len() > label.len() { "，" } else { "：" });
                out.push_str("期限 ");
                out.push_str(&format_local_date(deadline));
            }
            out
        }
        Stage::Voided | Stage::Parked | Stage::Handled if !note.is_empty() => format!("{label}：{note}"),
        _ => label.to_string(),
    }
}

/// Unix seconds → `2026-12-04T09:30:00+08:00`.
pub fn w3c(t: i64) -> String {
    let secs = (t + CST).rem_euclid(DAY);
    format!("{}T{:02}:{:02}:{:02}+08:00", format_local_date(t), secs / 3600, secs % 3600 / 60, secs % 60)
}

/// A W3C datetime (`2026-12-04T09:30:00+08:00`, `…Z`, with or without seconds or a
/// fraction) or a plain date (midnight in China) → unix seconds. Without an offset, China.
pub fn parse_w3c(input: &str) -> Option<i64> {
    let input = input.trim();
    let Some((date, rest)) = input.split_once('T') else { return parse_local_date(input) };
    let midnight_utc = parse_local_date(date)? + CST;
    // A `+` sent unencoded in a query string arrives as a space.
    let rest = rest.replace(' ', "+");
    let (time, offset) = if let Some(time) = rest.strip_suffix('Z').or_else(|| rest.strip_suffix('z')) {
        (time, 0)
    } else if let Some(i) = rest.rfind(['+', '-']) {
        let (time, tz) = rest.split_at(i);
        let sign = if tz.starts_with('-') { -1 } else { 1 };
        let tz = &tz[1..];
        let (hh, mm) = tz.split_once(':').or_else(|| (tz.len() == 4).then(|| tz.split_at(2)))?;
        let (hh, mm) = (hh.parse::<i64>().ok()?, mm.parse::<i64>().ok()?);
        if !(0..=14).contains(&hh) || !(0..60).contains(&mm) {
            return None;
        }
        (time, sign * (hh * 3600 + mm * 60))
    } else {
        (rest.as_str(), CST)
    };
    let time = time.split_once('.').map(|(t, _)| t).unwrap_or(time);
    let mut parts = time.split(':');
    let hh = parts.next()?.parse::<i64>().ok()?;
    let mm = parts.next()?.parse::<i64>().ok()?;
    let ss = parts.next().map(|s| s.parse::<i64>().ok()).unwrap_or(Some(0))?;
    if parts.next().is_some() || !(0..24).contains(&hh) || !(0..60).contains(&mm) || !(0..=60).contains(&ss) {
        return None;
    }
    Some(midnight_utc + hh * 3600 + mm * 60 + ss - offset)
}

fn to_request(row: RequestRow) -> ServiceRequest {
    let (stage, category) = (row.stage, row.category);
    // A volunteer is a resident: outside tools see only the surname.
    let handler = row.handler_name.as_deref().filter(|h| !h.is_empty()).map(|h| match row.handler_kind {
        Some(HandlerKind::Volunteer) => mask_name(h),
        _ => h.to_string(),
    });
    let handled = matches!(stage, Stage::Dispatched | Stage::Handled | Stage::Verified | Stage::Closed);
    let address = match (&row.building, &row.unit) {
        (Some(b), Some(u)) => format!("{b} {u}"),
        (Some(b), None) => b.clone(),
        _ => row.micro_grid.clone(),
    };
    ServiceRequest {
        service_request_id: row.id.to_string(),
        status: status_of(stage),
        status_notes: status_notes(stage, handler.as_deref(), row.deadline, row.stage_note.as_deref().unwrap_or("")),
        service_name: category_label(category).text(Locale::Zh),
        service_code: category.as_str(),
        description: row.description,
        agency_responsible: handler.filter(|_| handled),
        service_notice: None,
        requested_datetime: w3c(row.created_at),
        updated_datetime: w3c(row.closed_at.filter(|_| stage == Stage::Closed).unwrap_or(row.updated_at)),
        expected_datetime: row.deadline.filter(|_| !stage.is_final()).map(w3c),
        address,
        address_id: row.unit_id.or(row.building_id).map(|id| id.to_string()),
        zipcode: None,
        lat: None,
        long: None,
        media_url: None,
    }
}

/// The unrevoked key sent, or 403.
async fn authenticate(state: &AppState, key: Option<&str>) -> Result<KeyRow, Open311Error> {
    let forbidden = |what: &str| Open311Error::new(StatusCode::FORBIDDEN, what);
    let key = key.map(str::trim).filter(|k| !k.is_empty());
    let Some(key) = key else { return Err(forbidden("需要 api_key (api_key required)")) };
    if key.len() > 128 {
        return Err(forbidden("api_key 无效或已吊销 (invalid or revoked api_key)"));
    }
    let hash = app::auth::token_hash(key);
    match repo::live_key(&state.pool, &hash).await.map_err(Open311Error::unavailable)? {
        Some(row) => Ok(row),
        None => {
            tracing::warn!("open311: refused an unknown or revoked api_key");
            Err(forbidden("api_key 无效或已吊销 (invalid or revoked api_key)"))
        }
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct ListParams {
    api_key: Option<String>,
    service_request_id: Option<String>,
    service_code: Option<String>,
    start_date: Option<String>,
    end_date: Option<String>,
    status: Option<String>,
}

fn some(s: &Option<String>) -> Option<&str> {
    s.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

/// The filter a query asks for; `now` is the end of the default window.
fn filter_of(p: &ListParams, t: i64) -> Result<RequestFilter, Open311Error> {
    if let Some(ids) = some(&p.service_request_id) {
        let ids: Option<Vec<i64>> =
            ids.split(',').map(str::trim).filter(|s| !s.is_empty()).map(|s| s.parse().ok()).collect();
        let ids = ids.filter(|ids| !ids.is_empty() && ids.len() as i64 <= MAX_REQUESTS);
        let ids =
            ids.ok_or_else(|| Open311Error::bad("service_request_id 应为逗号分隔的编号 (comma-separated ids)"))?;
        return Ok(RequestFilter {
            ids: Some(ids),
            from: i64::MIN,
            to: i64::MAX,
            limit: MAX_REQUESTS,
            ..Default::default()
        });
    }
    let category = match some(&p.service_code) {
        Some(code) => Some(
            Category::parse(code)
                .ok_or_else(|| Open311Error::bad(format!("没有这个 service_code：{code} (unknown service_code)")))?,
        ),
        None => None,
    };
    let open = match some(&p.status) {
        None => None,
        Some(s) => {
            let mut open = false;
            let mut closed = false;
            for part in s.split(',').map(str::trim) {
                match part {
                    "open" => open = true,
                    "closed" => closed = true,
                    _ => return Err(Open311Error::bad("status 应为 open 或 closed (status is open or closed)")),
                }
            }
            if open && closed {
                None
            } else {
                Some(open)
            }
        }
    };
    let date = |field: &str, v: &Option<String>| -> Result<Option<i64>, Open311Error> {
        some(v)
            .map(|s| {
                parse_w3c(s).ok_or_else(|| {
                    Open311Error::bad(format!(
                        "{field} 应为 W3C 日期时间，如 2026-12-01T00:00:00+08:00 ({field} must be a W3C datetime)"
                    ))
                })
            })
            .transpose()
    };
    let start = date("start_date", &p.start_date)?;
    let end = date("end_date", &p.end_date)?;
    let to = end.unwrap_or(i64::MAX);
    let from = start.unwrap_or_else(|| end.unwrap_or(t) - DEFAULT_DAYS * DAY);
    if from > to {
        return Err(Open311Error::bad("start_date 晚于 end_date (start_date is after end_date)"));
    }
    Ok(RequestFilter { ids: None, category, open, from, to, limit: MAX_REQUESTS })
}

/// `GET /open311/v2/requests.json`: the items of the key's area that match.
pub async fn requests(State(state): State<AppState>, query: Result<Query<ListParams>, QueryRejection>) -> Response {
    let Ok(Query(params)) = query else {
        return Open311Error::bad("无法解析查询参数 (malformed query)").into_response();
    };
    match list(&state, &params).await {
        Ok(list) => json(list),
        Err(err) => err.into_response(),
    }
}

async fn list(state: &AppState, params: &ListParams) -> Result<Vec<ServiceRequest>, Open311Error> {
    let key = authenticate(state, params.api_key.as_deref()).await?;
    let filter = filter_of(params, now())?;
    let rows = repo::requests_in(&state.pool, &key.node_code, &filter).await.map_err(Open311Error::unavailable)?;
    Ok(rows.into_iter().map(to_request).collect())
}

#[derive(Debug, Default, Deserialize)]
pub struct KeyParam {
    api_key: Option<String>,
}

/// `GET /open311/v2/requests/{id}.json`: one item of the key's area, in an array.
pub async fn request(
    State(state): State<AppState>,
    file: Result<Path<String>, PathRejection>,
    query: Result<Query<KeyParam>, QueryRejection>,
) -> Response {
    let one = async {
        let id = path_file(&file).and_then(json_name)?;
        let Ok(Query(q)) = query else { return Err(Open311Error::bad("无法解析查询参数 (malformed query)")) };
        let key = authenticate(&state, q.api_key.as_deref()).await?;
        let id = id.parse::<i64>().map_err(|_| Open311Error::not_found("没有这条民情 (no such service request)"))?;
        let filter =
            RequestFilter { ids: Some(vec![id]), from: i64::MIN, to: i64::MAX, limit: 1, ..Default::default() };
        let rows = repo::requests_in(&state.pool, &key.node_code, &filter).await.map_err(Open311Error::unavailable)?;
        let list: Vec<_> = rows.into_iter().map(to_request).collect();
        if list.is_empty() {
            // An item of another area answers like a missing one: ids are no oracle.
            return Err(Open311Error::not_found("没有这条民情 (no such service request)"));
        }
        Ok(list)
    };
    match one.await {
        Ok(list) => json(list),
        Err(err) => err.into_response(),
    }
}

/// The form a GeoReport client posts.
#[derive(Debug, Default, Deserialize)]
pub struct NewRequest {
    api_key: Option<String>,
    service_code: Option<String>,
    description: Option<String>,
    address_string: Option<String>,
    first_name: Option<String>,
    last_name: Option<String>,
    phone: Option<String>,
    email: Option<String>,
    lat: Option<String>,
    long: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct Created {
    pub service_request_id: String,
    pub service_notice: String,
    pub account_id: Option<String>,
}

/// `POST /open311/v2/requests.json`: reports an item (上报) at a building of the key's area.
pub async fn create_request(State(state): State<AppState>, form: Result<Form<NewRequest>, FormRejection>) -> Response {
    let Ok(Form(form)) = form else {
        return Open311Error::bad("请以 application/x-www-form-urlencoded 表单提交 (post a urlencoded form)")
            .into_response();
    };
    match create(&state, &form).await {
        Ok(created) => json([created]),
        Err(err) => err.into_response(),
    }
}

fn optional_text(field: &str, value: &Option<String>, max: usize) -> Result<String, Open311Error> {
    let value = value.as_deref().unwrap_or("").trim();
    if value.chars().count() > max || value.chars().any(char::is_control) {
        return Err(Open311Error::bad(format!("{field} 太长或含有控制字符 ({field} is too long or malformed)")));
    }
    Ok(value.to_string())
}

async fn create(state: &AppState, form: &NewRequest) -> Result<Created, Open311Error> {
    let key = authenticate(state, form.api_key.as_deref()).await?;
    let code =
        some(&form.service_code).ok_or_else(|| Open311Error::bad("需要 service_code (service_code required)"))?;
    let category = Category::parse(code)
        .ok_or_else(|| Open311Error::bad(format!("没有这个 service_code：{code} (unknown service_code)")))?;
    let description = FreeText::parse(form.description.as_deref().unwrap_or(""), 2..=2000)
        .map_err(|problem| {
            Open311Error::bad(match problem {
                TextProblem::Length => "description 应为 2–2000 字 (description must be 2 to 2000 characters)",
                TextProblem::Control => "description 含有控制字符 (description has control characters)",
            })
        })?
        .into_string();
    for (field, value) in [("lat", &form.lat), ("long", &form.long)] {
        if let Some(v) = some(value) {
            let ok =
                v.parse::<f64>().is_ok_and(|x| x.is_finite() && x.abs() <= if field == "lat" { 90.0 } else { 180.0 });
            if !ok {
                return Err(Open311Error::bad(format!("{field} 不是有效的坐标 ({field} is not a valid coordinate)")));
            }
        }
    }
    let name = [optional_text("first_name", &form.first_name, 20)?, optional_text("last_name", &form.last_name, 20)?]
        .join(" ")
        .trim()
        .to_string();
    let phone = optional_text("phone", &form.phone, 20)?;
    let email = optional_text("email", &form.email, 100)?;
    let address = some(&form.address_string).ok_or_else(|| {
        Open311Error::bad("需要 address_string：楼栋名，或“楼栋 单元” (address_string required: a building name)")
    })?;
    if address.chars().count() > 100 {
        return Err(Open311Error::bad("address_string 太长 (address_string is too long)"));
    }
    let outside = || {
        Open311Error::bad(format!(
            "address_string 不是{}内的楼栋或单元：{address} (not a building or unit in this key's area)",
            key.node_name
        ))
    };

    // An address that names no building or unit of the key's area is a bad field like the
    // others: refused before the write, with nothing audited.
    let place = {
        let mut conn = state.pool.acquire().await.map_err(Open311Error::unavailable)?;
        let node = resolve_address(&mut conn, &key.node_code, address).await?.ok_or_else(outside)?;
        let place =
            sentiment_repo::place(&mut conn, node).await.map_err(Open311Error::unavailable)?.ok_or_else(outside)?;
        if !app::domain::grid::is_within(&place.micro_grid_code, &key.node_code) {
            return Err(outside());
        }
        place
    };
    let kind = if category == Category::Dispute { Kind::Dispute } else { Kind::Report };
    // Who to call back, for grid staff: on the item's timeline, never in the audit log.
    let contact = [
        (!name.is_empty()).then(|| format!("联系人 {name}")),
        (!phone.is_empty()).then(|| format!("电话 {phone}")),
        (!email.is_empty()).then(|| format!("邮箱 {email}")),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>();
    let mut note = format!("经 Open311（{}）上报", key.label);
    if !contact.is_empty() {
        note.push('；');
        note.push_str(&contact.join("，"));
    }
    // The API client writes on behalf of the admin who issued its key.
    let w = Writer { state: state.clone(), actor: key.created_by };
    let act = Act::new(Action::Open311Request, "sentiment_item").at(place.micro_grid_id);
    let id = w
        .run(act, async |tx, out| {
            let stage = Stage::Reported;
            let new = NewItem {
                kind,
                category,
                place: &place,
                place_note: "",
                description: &description,
                reporter_id: None,
                stage,
                source: "open311",
                parties: &[],
                checks: &[],
                now: out.now,
            };
            let id = sentiment_repo::insert(tx, &new, None).await?;
            sentiment_repo::add_line(tx, id, Some(stage), stage, None, &note, "follow_up", out.now).await?;
            out.audit(AuditEntry {
                object_id: Some(id),
                node_id: Some(place.micro_grid_id),
                after_json: Some(
                    serde_json::json!({
                        "kind": kind.as_str(), "category": category.as_str(), "stage": stage.as_str(), "source": "open311",
                        "api_key_id": key.id,
                    })
                    .to_string(),
                ),
                detail: format!(
                    "Open311 {}{}",
                    key.label,
                    if phone.is_empty() { String::new() } else { format!("；电话 {}", mask_phone(&phone)) }
                ),
                ..AuditEntry::of(Action::Open311Request, "sentiment_item")
            });
            out.publish(app::live::Topic::Sentiment, Some(id));
            Ok(id)
        })
        .await?;
    Ok(Created {
        service_request_id: id.to_string(),
        service_notice: Msg::Open311Received.text(Locale::Zh).to_string(),
        account_id: None,
    })
}

/// A building (by its exact name) or a unit (the building's name, then the unit's) inside
/// the area. Two buildings of one name in the area make the address ambiguous: refused.
async fn resolve_address(
    conn: &mut sqlx::SqliteConnection,
    area: &str,
    address: &str,
) -> Result<Option<app::domain::ids::NodeId>, Open311Error> {
    let candidates = repo::buildings_starting(conn, area, address).await.map_err(Open311Error::unavailable)?;
    for (i, (id, name)) in candidates.iter().enumerate() {
        let Some(rest) = address.strip_prefix(name.as_str()).map(str::trim) else { continue };
        let next_same = candidates.get(i + 1).is_some_and(|(_, n)| n == name);
        let prev_same = i > 0 && candidates[i - 1].1 == *name;
        if rest.is_empty() {
            if next_same || prev_same {
                return Err(Open311Error::bad(format!(
                    "区域内有多个“{name}”，请写明单元 (more than one building of that name in this area)"
                )));
            }
            return Ok(Some(*id));
        }
        if let Some(unit) = repo::unit_named(conn, *id, rest).await.map_err(Open311Error::unavailable)? {
            return Ok(Some(unit));
        }
    }
    Ok(None)
}

#[cfg(test)]
mod tests;
