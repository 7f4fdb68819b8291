//! 驿站活动: an activity a station's staff publish (初心集市, E网情深, 红领TALK…), its weekly
//! occurrences, and who gets one of its seats. Sign-ups past the seats wait in the order
//! they came; a cancellation gives the freed seat to the first who can take it.
use crate::domain::grid::NodeLevel;
use crate::domain::text::FreeText;
use crate::domain::time::parse_local_datetime;

/// What kind of activity it is (the reports' activities, by what they do).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ActivityKind {
    /// 便民集市 (初心集市).
    Market,
    /// 技能培训 (E网情深: phones and the internet for elders).
    Training,
    /// 邻里活动 (in邻里).
    Neighbours,
    /// 宣讲 (红领TALK).
    Talk,
    /// 议事 (议事坊).
    Council,
    /// 民情收集 (民情收发站).
    Listening,
    Other,
}

impl ActivityKind {
    pub const ALL: [ActivityKind; 7] = [
        ActivityKind::Market,
        ActivityKind::Training,
        ActivityKind::Neighbours,
        ActivityKind::Talk,
        ActivityKind::Council,
        ActivityKind::Listening,
        ActivityKind::Other,
    ];

    /// The stored name (the schema's CHECK lists the same).
    pub fn as_str(self) -> &'static str {
        match self {
            ActivityKind::Market => "market",
            ActivityKind::Training => "training",
            ActivityKind::Neighbours => "neighbours",
            ActivityKind::Talk => "talk",
            ActivityKind::Council => "council",
            ActivityKind::Listening => "listening",
            ActivityKind::Other => "other",
        }
    }

    pub fn parse(s: &str) -> Option<ActivityKind> {
        ActivityKind::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// Who an activity is for: the station's micro-grid, its grid or its community.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Audience {
    MicroGrid,
    Grid,
    Community,
}

impl Audience {
    pub const ALL: [Audience; 3] = [Audience::MicroGrid, Audience::Grid, Audience::Community];

    /// The form's name for it.
    pub fn as_str(self) -> &'static str {
        self.level().as_str()
    }

    pub fn parse(s: &str) -> Option<Audience> {
        Audience::ALL.into_iter().find(|a| a.as_str() == s)
    }

    pub fn level(self) -> NodeLevel {
        match self {
            Audience::MicroGrid => NodeLevel::MicroGrid,
            Audience::Grid => NodeLevel::Grid,
            Audience::Community => NodeLevel::Community,
        }
    }
}

/// The longest an activity may run, and the furthest ahead a weekly one may repeat.
pub const MAX_HOURS: i64 = 12;
pub const MAX_WEEKS: u32 = 26;
pub const MAX_CAPACITY: i64 = 500;
const WEEK: i64 = 7 * 24 * 3600;

/// The publish form as sent. Times are the browser's `datetime-local` values (China time).
#[derive(Debug, Clone, Copy, Default)]
pub struct ActivityInput<'a> {
    pub kind: &'a str,
    pub title: &'a str,
    pub description: &'a str,
    pub starts: &'a str,
    pub ends: &'a str,
    pub capacity: &'a str,
    /// Seats kept for 代报名 (staff signing up a resident who has no phone).
    pub held: &'a str,
    /// When sign-up opens (empty: at once) and closes (empty: at the start), for the first
    /// occurrence; later ones keep the same distance to their own start.
    pub signup_opens: &'a str,
    pub signup_closes: &'a str,
    pub audience: &'a str,
    /// How many weeks it repeats (1: once).
    pub weeks: &'a str,
    /// Week numbers left out (`3` or `3,5`), counted from 1.
    pub skip: &'a str,
}

/// An activity to publish, parsed from [`ActivityInput`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewActivity {
    pub kind: ActivityKind,
    pub title: String,
    pub description: String,
    pub audience: Audience,
    pub capacity: i64,
    pub held: i64,
    /// Every occurrence, in order.
    pub occurrences: Vec<Occurrence>,
}

/// One dated occurrence of an activity, with its own sign-up window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Occurrence {
    pub starts_at: i64,
    pub ends_at: i64,
    pub signup_opens_at: i64,
    pub signup_closes_at: i64,
}

/// Why a field of the publish form was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ActivityProblem {
    Kind,
    /// The title is not 2–60 characters.
    TitleLength,
    /// The description is over 2000 characters.
    TooLong,
    Control,
    /// Not a date and time, or in the past.
    Time,
    /// The end is not after the start, or more than [`MAX_HOURS`] later.
    Duration,
    /// Not 1–[`MAX_CAPACITY`].
    Capacity,
    /// Held seats are negative or more than the capacity.
    Held,
    /// The sign-up window is not a date and time, closes before it opens, or after the start.
    SignupWindow,
    Audience,
    /// Not 1–[`MAX_WEEKS`] weeks.
    Weeks,
    /// A skipped week that is not one of the weeks, or every week skipped.
    Skip,
}

impl NewActivity {
    /// Parses the form as of `now`: every field's problem at once.
    pub fn parse(form: &ActivityInput<'_>, now: i64) -> Result<NewActivity, Vec<(&'static str, ActivityProblem)>> {
        use ActivityProblem as P;
        let kind = ActivityKind::parse(form.kind).ok_or(P::Kind);
        let title = FreeText::field(form.title, 2..=60, P::TitleLength, P::Control);
        let description = FreeText::field(form.description, 0..=2000, P::TooLong, P::Control);
        let starts = parse_local_datetime(form.starts).filter(|t| *t > now).ok_or(P::Time);
        let ends = parse_local_datetime(form.ends).ok_or(P::Duration).and_then(|end| match starts {
            Ok(start) if end <= start || end - start > MAX_HOURS * 3600 => Err(P::Duration),
            _ => Ok(end),
        });
        let capacity = whole(form.capacity).filter(|c| (1..=MAX_CAPACITY).contains(c)).ok_or(P::Capacity);
        let held = match (whole_or_zero(form.held), capacity) {
            (Some(h), Ok(c)) if (0..=c).contains(&h) => Ok(h),
            (Some(h), Err(_)) if h >= 0 => Ok(h),
            _ => Err(P::Held),
        };
        let window = signup_window(form, now, starts.ok());
        let audience = Audience::parse(form.audience).ok_or(P::Audience);
        let weeks = whole_or_one(form.weeks).filter(|w| (1..=i64::from(MAX_WEEKS)).contains(w)).ok_or(P::Weeks);
        let skip = parse_skip(form.skip, weeks.ok());
        let problems = [
            ("kind", kind.err()),
            ("title", title.as_ref().err().copied()),
            ("description", description.as_ref().err().copied()),
            ("starts", starts.err()),
            ("ends", ends.err()),
            ("capacity", capacity.err()),
            ("held", held.err()),
            ("signup_closes", window.err()),
            ("audience", audience.err()),
            ("weeks", weeks.err()),
            ("skip", skip.as_ref().err().copied()),
        ];
        match (kind, title, description, starts, ends, capacity, held, window, audience, weeks, skip) {
            (
                Ok(kind),
                Ok(title),
                Ok(description),
                Ok(starts),
                Ok(ends),
                Ok(capacity),
                Ok(held),
                Ok(window),
                Ok(audience),
                Ok(weeks),
                Ok(skip),
            ) => {
                let first = Occurrence {
                    starts_at: starts,
                    ends_at: ends,
                    signup_opens_at: window.0,
                    signup_closes_at: window.1,
                };
                let occurrences = occurrences(first, weeks as u32, &skip);
                Ok(NewActivity { kind, title, description, audience, capacity, held, occurrences })
            }
            _ => Err(problems.into_iter().filter_map(|(field, problem)| Some((field, problem?))).collect()),
        }
    }
}

/// The sign-up window of the first occurrence: opens at `signup_opens` (or now), closes at
/// `signup_closes` (or the start), and never after the start.
fn signup_window(form: &ActivityInput<'_>, now: i64, starts: Option<i64>) -> Result<(i64, i64), ActivityProblem> {
    let typed = |text: &str| {
        if text.trim().is_empty() {
            Ok(None)
        } else {
            parse_local_datetime(text).map(Some).ok_or(ActivityProblem::SignupWindow)
        }
    };
    let opens = typed(form.signup_opens)?.unwrap_or(now);
    let closes = typed(form.signup_closes)?;
    // Without a start there is nothing to check the window against; its field says what is wrong.
    let Some(starts) = starts else { return Ok((opens, closes.unwrap_or(opens))) };
    let closes = closes.unwrap_or(starts);
    if opens < closes && closes <= starts {
        Ok((opens, closes))
    } else {
        Err(ActivityProblem::SignupWindow)
    }
}

/// The weekly occurrences of `first`: `weeks` of them, less the `skip`ped week numbers
/// (counted from 1). Each keeps the first one's sign-up window relative to its start.
pub fn occurrences(first: Occurrence, weeks: u32, skip: &[u32]) -> Vec<Occurrence> {
    (0..weeks)
        .filter(|w| !skip.contains(&(w + 1)))
        .map(|w| {
            let shift = i64::from(w) * WEEK;
            Occurrence {
                starts_at: first.starts_at + shift,
                ends_at: first.ends_at + shift,
                signup_opens_at: first.signup_opens_at + shift,
                signup_closes_at: first.signup_closes_at + shift,
            }
        })
        .collect()
}

/// `3,5` (also `3，5` or `3 5`) → the week numbers to leave out, each within `weeks` and
/// leaving at least one week.
fn parse_skip(text: &str, weeks: Option<i64>) -> Result<Vec<u32>, ActivityProblem> {
    let mut skip = Vec::new();
    for part in text.split(|c: char| c == ',' || c == '，' || c == '、' || c.is_whitespace()).filter(|p| !p.is_empty())
    {
        let week: u32 = part.parse().map_err(|_| ActivityProblem::Skip)?;
        if week == 0 || weeks.is_some_and(|w| i64::from(week) > w) {
            return Err(ActivityProblem::Skip);
        }
        if !skip.contains(&week) {
            skip.push(week);
        }
    }
    match weeks {
        Some(w) if skip.len() as i64 >= w => Err(ActivityProblem::Skip),
        _ => Ok(skip),
    }
}

fn whole(text: &str) -> Option<i64> {
    text.trim().parse().ok()
}

fn whole_or_zero(text: &str) -> Option<i64> {
    if text.trim().is_empty() {
        Some(0)
    } else {
        whole(text)
    }
}

fn whole_or_one(text: &str) -> Option<i64> {
    if text.trim().is_empty() {
        Some(1)
    } else {
        whole(text)
    }
}

/// Where a sign-up stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SignupStatus {
    /// Has a seat (报名成功).
    In,
    /// Waits for a seat, in the order of sign-up (候补).
    Waiting,
    Cancelled,
}

impl SignupStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            SignupStatus::In => "in",
            SignupStatus::Waiting => "waiting",
            SignupStatus::Cancelled => "cancelled",
        }
    }

    pub fn parse(s: &str) -> Option<SignupStatus> {
        [SignupStatus::In, SignupStatus::Waiting, SignupStatus::Cancelled].into_iter().find(|x| x.as_str() == s)
    }
}

/// The seats of one occurrence as they are taken: `capacity` in all, of which `held` are
/// kept for 代报名; `own_in` people signed themselves up and have a seat, `staff_in` were
/// signed up by staff and have one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Seats {
    pub capacity: i64,
    pub held: i64,
    pub own_in: i64,
    pub staff_in: i64,
}

impl Seats {
    /// Whether one more sign-up (by staff, or by the person) gets a seat now. Staff may use
    /// any free seat; a person only those not held, counting staff sign-ups past the held
    /// seats as taking ordinary ones.
    pub fn has_room(&self, by_staff: bool) -> bool {
        let taken = self.own_in + self.staff_in;
        if by_staff {
            taken < self.capacity
        } else {
            self.open() > 0
        }
    }

    /// Ordinary seats still free (what a resident sees as 余位).
    pub fn open(&self) -> i64 {
        (self.capacity - self.held - self.own_in - (self.staff_in - self.held).max(0)).max(0)
    }

    /// Where a new sign-up goes.
    pub fn place(&self, by_staff: bool) -> SignupStatus {
        if self.has_room(by_staff) {
            SignupStatus::In
        } else {
            SignupStatus::Waiting
        }
    }

    /// The same seats once `by_staff`'s sign-up got one.
    pub fn with_one_more(self, by_staff: bool) -> Seats {
        if by_staff {
            Seats { staff_in: self.staff_in + 1, ..self }
        } else {
            Seats { own_in: self.own_in + 1, ..self }
        }
    }
}

/// Who gets seats after one was freed: of the waiting sign-ups, in their order (`id`,
/// whether staff made it), the first ones that find room, as many as there is room for.
/// A person's sign-up never jumps the queue past an earlier one that still waits for an
/// ordinary seat; a 代报名 may use a held seat that a person could not.
pub fn promoted(mut seats: Seats, waiting: &[(i64, bool)]) -> Vec<i64> {
    let mut out = Vec::new();
    let mut own_blocked = false;
    for &(id, by_staff) in waiting {
        if !by_staff && own_blocked {
            continue;
        }
        if seats.has_room(by_staff) {
            seats = seats.with_one_more(by_staff);
            out.push(id);
        } else if !by_staff {
            own_blocked = true;
        }
    }
    out
}

/// Whether sign-up is open at `now` for an occurrence: within its window, which closes by the
/// start.
pub fn signup_open(o: &Occurrence, now: i64) -> bool {
    o.signup_opens_at <= now && now < o.signup_closes_at
}

/// Whether a sign-up may still be cancelled at `now`: until the activity starts.
pub fn may_cancel(o: &Occurrence, now: i64) -> bool {
    now < o.starts_at
}

/// Check-in opens this long before the start and closes this long after the end.
pub const CHECKIN_MARGIN: i64 = 30 * 60;
/// The organiser's check-in code changes every `CODE_STEP` seconds; a code is taken during
/// its own step and the next, so one a minute old (a screenshot passed on) is refused.
pub const CODE_STEP: i64 = 30;
/// Hours are counted in half hours, rounded down.
pub const HALF_HOUR: i64 = 30 * 60;

/// Whether check-in (and check-out) is open at `now`: from half an hour before the start to
/// half an hour after the end.
pub fn checkin_open(o: &Occurrence, now: i64) -> bool {
    o.starts_at - CHECKIN_MARGIN <= now && now <= o.ends_at + CHECKIN_MARGIN
}

/// The code step `now` falls in.
pub fn code_step(now: i64) -> i64 {
    now.div_euclid(CODE_STEP)
}

/// Seconds until the code shown at `now` is replaced.
pub fn code_seconds_left(now: i64) -> i64 {
    CODE_STEP - now.rem_euclid(CODE_STEP)
}

/// The 6-digit code of step `step` for an occurrence whose key is `secret`: the first four
/// bytes of SHA-256 over the key and the step, as a number below a million.
#[cfg(feature = "ssr")]
pub fn checkin_code(secret: &str, step: i64) -> String {
    use sha2::{Digest, Sha256};
    let digest =
        Sha256::new().chain_update(secret.as_bytes()).chain_update(b":").chain_update(step.to_be_bytes()).finalize();
    let n = u32::from_be_bytes([digest[0], digest[1], digest[2], digest[3]]);
    format!("{:06}", n % 1_000_000)
}

/// Whether `typed` (spaces allowed, as people read codes out in pairs) is the code of the
/// step of `now` or of the one before.
#[cfg(feature = "ssr")]
pub fn code_accepted(secret: &str, typed: &str, now: i64) -> bool {
    let typed: String = typed.chars().filter(|c| !c.is_whitespace()).collect();
    if typed.len() != 6 || !typed.bytes().all(|b| b.is_ascii_digit()) {
        return false;
    }
    let step = code_step(now);
    [step, step - 1].into_iter().any(|s| checkin_code(secret, s) == typed)
}

/// How someone's attendance was recorded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AttendanceVia {
    /// Scanned the organiser's QR code.
    Qr,
    /// Typed the 6-digit code read out.
    Code,
    /// Checked in by the organiser (someone without a phone).
    Organiser,
    /// A make-up entry (补录) written by the organiser afterwards.
    Makeup,
}

impl AttendanceVia {
    pub fn as_str(self) -> &'static str {
        match self {
            AttendanceVia::Qr => "qr",
            AttendanceVia::Code => "code",
            AttendanceVia::Organiser => "organiser",
            AttendanceVia::Makeup => "makeup",
        }
    }

    pub fn parse(s: &str) -> Option<AttendanceVia> {
        [AttendanceVia::Qr, AttendanceVia::Code, AttendanceVia::Organiser, AttendanceVia::Makeup]
            .into_iter()
            .find(|v| v.as_str() == s)
    }
}

/// Where a volunteer's hours for an activity stand.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HoursStatus {
    /// Not a volunteer: attendance only.
    None,
    /// Waiting for the organiser; counts toward nothing yet.
    Pending,
    /// Confirmed: counts toward the service record, levels and star eligibility.
    Confirmed,
}

impl HoursStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            HoursStatus::None => "none",
            HoursStatus::Pending => "pending",
            HoursStatus::Confirmed => "confirmed",
        }
    }

    pub fn parse(s: &str) -> Option<HoursStatus> {
        [HoursStatus::None, HoursStatus::Pending, HoursStatus::Confirmed].into_iter().find(|v| v.as_str() == s)
    }
}

/// The half hours earned by someone present from `checked_in` to `checked_out` (not signed
/// out: the scheduled end): the overlap with the schedule, rounded down to half hours.
pub fn earned_half_hours(o: &Occurrence, checked_in: i64, checked_out: Option<i64>) -> i64 {
    let from = checked_in.max(o.starts_at);
    let to = checked_out.unwrap_or(o.ends_at).min(o.ends_at);
    (to - from).max(0) / HALF_HOUR
}

/// Half hours as the hours people write (`1.5`, `2`).
pub fn hours_text(half_hours: i64) -> String {
    if half_hours % 2 == 0 {
        (half_hours / 2).to_string()
    } else {
        format!("{}.5", half_hours / 2)
    }
}

/// The most a make-up entry may give: the activity's length, in whole half hours.
pub fn max_half_hours(o: &Occurrence) -> i64 {
    (o.ends_at - o.starts_at) / HALF_HOUR
}

/// 纪要: the organiser writes it once the occurrence is over.
pub fn may_record(o: &Occurrence, now: i64) -> bool {
    now >= o.ends_at
}

/// A 纪要 may link what was raised from check-in's opening on.
pub fn raised_from(o: &Occurrence) -> i64 {
    o.starts_at - CHECKIN_MARGIN
}

/// The longest 纪要, in characters, and the most items of each kind it offers to link.
pub const RECORD_CHARS: usize = 800;
pub const RECORD_LINKS: usize = 20;
/// Photos one 纪要 holds.
pub const RECORD_PHOTOS: i64 = 6;

/// A 民情 item or an order an activity raised, as the 纪要 form sends it
/// (`sentiment:12`, `order:5`) and the link table keeps it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum Raised {
    Sentiment(i64),
    Order(i64),
}

impl Raised {
    pub fn parse(text: &str) -> Option<Raised> {
        let (kind, id) = text.split_once(':')?;
        let id = id.parse::<i64>().ok().filter(|id| *id > 0)?;
        Raised::of(kind, id)
    }

    /// From the stored kind and id.
    pub fn of(kind: &str, id: i64) -> Option<Raised> {
        match kind {
            "sentiment" => Some(Raised::Sentiment(id)),
            "order" => Some(Raised::Order(id)),
            _ => None,
        }
    }

    pub fn kind(self) -> &'static str {
        match self {
            Raised::Sentiment(_) => "sentiment",
            Raised::Order(_) => "order",
        }
    }

    pub fn id(self) -> i64 {
        match self {
            Raised::Sentiment(id) | Raised::Order(id) => id,
        }
    }

    /// As the form sends it.
    pub fn key(self) -> String {
        format!("{}:{}", self.kind(), self.id())
    }

    /// The page it opens.
    pub fn link(self) -> String {
        match self {
            Raised::Sentiment(id) => format!("/sentiment/{id}"),
            Raised::Order(id) => format!("/orders/{id}"),
        }
    }
}

/// The 朋友圈 post of a 纪要: the activity's title, then the organiser's words.
pub fn record_post(title: &str, body: &str) -> String {
    format!("【{title}】{body}")
}

/// Why a make-up entry (补录) was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MakeupProblem {
    /// Not a positive multiple of half an hour, or longer than the activity.
    Hours,
    /// No reason given.
    Reason,
    /// The reason is over 200 characters.
    TooLong,
    Control,
}

/// A make-up entry as the organiser wrote it: hours (`1.5`, `2`, `1,5`) and a reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Makeup {
    pub half_hours: i64,
    pub reason: String,
}

impl Makeup {
    pub fn parse(hours: &str, reason: &str, o: &Occurrence) -> Result<Makeup, Vec<(&'static str, MakeupProblem)>> {
        let half_hours =
            parse_half_hours(hours).filter(|h| (1..=max_half_hours(o)).contains(h)).ok_or(MakeupProblem::Hours);
        let length = if reason.trim().chars().count() > 200 { MakeupProblem::TooLong } else { MakeupProblem::Reason };
        let reason = FreeText::field(reason, 2..=200, length, MakeupProblem::Control);
        match (half_hours, reason) {
            (Ok(half_hours), Ok(reason)) => Ok(Makeup { half_hours, reason }),
            (h, r) => Err([("hours", h.err()), ("reason", r.err())]
                .into_iter()
                .filter_map(|(field, problem)| Some((field, problem?)))
                .collect()),
        }
    }
}

/// `1.5` (or `1,5`, `1.0`, `2`) → 3 half hours; anything that is not a whole number of half
/// hours → `None`.
fn parse_half_hours(text: &str) -> Option<i64> {
    let text = text.trim().replace([',', '，'], ".");
    let (whole, fraction) = text.split_once('.').unwrap_or((&text, ""));
    if whole.is_empty() || !whole.bytes().all(|b| b.is_ascii_digit()) || whole.len() > 3 {
        return None;
    }
    let half = match fraction.trim_end_matches('0') {
        "" => 0,
        "5" => 1,
        _ => return None,
    };
    Some(whole.parse::<i64>().ok()? * 2 + half)
}

#[cfg(test)]
mod tests;
