//! The one i18n layer: every visible string is a `Msg`, zh-CN first, English complete.
//! The compiler enforces completeness: each message is declared with both texts.
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum Locale {
    #[default]
    Zh,
    En,
}

impl Locale {
    /// The BCP 47 tag used in `<html lang>`, the cookie and the database.
    pub fn tag(self) -> &'static str {
        match self {
            Locale::Zh => "zh-CN",
            Locale::En => "en",
        }
    }

    pub fn from_tag(tag: &str) -> Option<Locale> {
        match tag {
            "zh-CN" | "zh" => Some(Locale::Zh),
            "en" => Some(Locale::En),
            _ => None,
        }
    }
}

/// Words that only pages rendered on the server show (no island draws them): in the browser
/// build they have no text, so they cost the WASM every page loads nothing. A word an island
/// shows belongs in `Msg`.
macro_rules! server_words {
    ($(#[$meta:meta])* $name:ident; $($key:ident => ($zh:literal, $en:literal),)*) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum $name { $($key,)* }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$key,)*];

            #[cfg(feature = "ssr")]
            pub fn text(self, locale: Locale) -> &'static str {
                match (self, locale) {
                    $(($name::$key, Locale::Zh) => $zh, ($name::$key, Locale::En) => $en,)*
                }
            }

            #[cfg(not(feature = "ssr"))]
            pub fn text(self, _: Locale) -> &'static str {
                ""
            }
        }
    };
}

/// Messages cross the wire as `[position, "Name"]`: the browser reads the position and
/// skips the name, so the WASM every page loads carries no table of the ~900 names (3 KB
/// brotli); the name is there for people and tests reading the JSON. Server and browser
/// come from one build (the assets' names carry a content hash), so positions agree.
macro_rules! messages {
    ($(#[$meta:meta])* $name:ident; $($key:ident => ($zh:literal, $en:literal),)*) => {
        $(#[$meta])*
        #[derive(Clone, Copy, PartialEq, Eq, Hash)]
        pub enum $name { $($key,)* }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$key,)*];

            pub fn text(self, locale: Locale) -> &'static str {
                match (self, locale) {
                    $(($name::$key, Locale::Zh) => $zh, ($name::$key, Locale::En) => $en,)*
                }
            }

            /// The variant's name; the browser build has none.
            #[cfg(feature = "ssr")]
            pub fn name(self) -> &'static str {
                match self {
                    $($name::$key => stringify!($key),)*
                }
            }

            #[cfg(not(feature = "ssr"))]
            pub fn name(self) -> &'static str {
                ""
            }
        }

        impl std::fmt::Debug for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                match self.name() {
                    "" => write!(f, "{}#{}", stringify!($name), *self as u16),
                    name => f.write_str(name),
                }
            }
        }

        impl Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                (*self as u16, self.name()).serialize(s)
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let (at, _name): (u16, serde::de::IgnoredAny) = Deserialize::deserialize(d)?;
                $name::ALL
                    .get(usize::from(at))
                    .copied()
                    .ok_or_else(|| serde::de::Error::custom("unknown message"))
            }
        }
    };
}

messages! {
    /// A message key; `text` gives it in a locale.
    Msg;
    AppName => ("网格驿站", "Grid Station"),
    Tagline => ("有需要，找网格；能帮忙，来接单", "Need help? Ask the grid. Can help? Take an order."),
    MainNav => ("主导航", "Main navigation"),
    TabHome => ("首页", "Home"),
    TabBoard => ("需求大厅", "Board"),
    TabStars => ("志愿之星", "Stars"),
    TabMe => ("我的", "Me"),
    TabAdmin => ("管理", "Admin"),

    RoleResident => ("居民", "Resident"),
    RoleVolunteer => ("志愿者", "Volunteer"),
    RoleMicroGridMember => ("微网格员", "Micro-grid member"),
    RoleGridLeader => ("网格长", "Grid leader"),
    RoleCommunityAdmin => ("社区管理员", "Community admin"),
    RoleSubdistrictAdmin => ("街道管理员", "Subdistrict admin"),

    LevelSubdistrict => ("街道", "Subdistrict"),
    LevelCommunity => ("社区", "Community"),
    LevelGrid => ("网格", "Grid"),
    LevelMicroGrid => ("微网格", "Micro-grid"),
    LevelBuilding => ("楼栋", "Building"),
    LevelUnit => ("单元", "Unit"),

    SectionDailyLife => ("生活便民", "Daily life"),
    SectionHealth => ("健康医疗", "Health & medical"),
    SectionPolicy => ("政策咨询", "Policy advice"),
    SectionAssistance => ("精准救助", "Targeted assistance"),
    SectionEnvironment => ("环境提升", "Environment"),
    UrgencyNormal => ("普通", "Normal"),
    UrgencyUrgent => ("紧急", "Urgent"),
    StatusOpen => ("待接单", "Open"),
    StatusTaken => ("已接单", "Taken"),
    StatusInService => ("服务中", "In service"),
    StatusAwaiting => ("待确认", "Awaiting confirmation"),
    StatusCompleted => ("已完成", "Completed"),
    StatusCancelled => ("已取消", "Cancelled"),

    SignIn => ("登录", "Sign in"),
    SignUp => ("注册", "Sign up"),
    WholeCity => ("全市", "The whole city"),
    FiguresOf => ("数据范围：", "Figures for: "),
    SignOut => ("退出登录", "Sign out"),
    Phone => ("手机号", "Phone number"),
    Password => ("密码", "Password"),
    FullName => ("姓名", "Full name"),
    MyMicroGrid => ("所在微网格", "Your micro-grid"),
    ChooseMicroGrid => ("请选择微网格", "Choose your micro-grid"),
    NoAccountYet => ("还没有账号？", "No account yet?"),
    HaveAccount => ("已有账号？", "Already registered?"),
    SignInTitle => ("登录网格驿站", "Sign in to Grid Station"),
    SignUpTitle => ("注册居民账号", "Create a resident account"),
    SignInHint => ("演示账号密码均为 gridstation", "Demo accounts all use the password gridstation"),
    Submitting => ("提交中…", "Sending…"),

    ErrBadCredentials => ("手机号或密码不正确（账号被停用时也这样提示，如有疑问请联系社区）", "Wrong phone number or password (a disabled account is told the same; ask your community if unsure)"),
    ErrRateLimited => ("尝试次数过多，请一分钟后再试", "Too many attempts; please try again in a minute"),
    ErrUnauthorized => ("请先登录", "Please sign in first"),
    ErrForbidden => ("没有权限", "You do not have permission"),
    AccountsTitle => ("账号管理", "Accounts"),
    AccountsHint => (
        "按姓名或手机号查找本辖区的账号。停用后，该账号在所有设备上立即退出登录，也不能再登录。",
        "Find an account of your area by name or phone number. A disabled account is signed out on every device at once and cannot sign in."
    ),
    AccountsSearch => ("姓名或手机号（可输入后4位）", "Name or phone number (or its last 4 digits)"),
    AccountsNone => ("没有找到账号", "No account found"),
    AccountDisabledTag => ("已停用", "Disabled"),
    AccountActiveTag => ("正常", "Active"),
    AccountReason => ("原因", "Reason"),
    AccountDisable => ("停用账号", "Disable account"),
    AccountEnable => ("恢复账号", "Re-enable account"),
    ChangePassword => ("修改密码", "Change password"),
    ChangePasswordHint => (
        "修改后，其他设备上的登录会全部退出。",
        "After the change, every other device is signed out."
    ),
    CurrentPassword => ("原密码", "Current password"),
    NewPassword => ("新密码（至少8位）", "New password (at least 8 characters)"),
    PasswordChanged => ("密码已修改，其他设备已退出登录", "Password changed; other devices are signed out"),
    ErrCrossSite => (
        "这个请求不是从网格驿站的页面发出的，已拒绝。请回到网格驿站重新操作。",
        "This request did not come from a Grid Station page and was refused. Please go back to Grid Station and try again."
    ),
    ErrForbiddenHint => ("这个页面只对与它有关的居民、志愿者和负责这里的网格工作人员开放。", "This page is only for the people it concerns and the grid staff who look after this area."),
    ErrNotFound => ("页面不存在", "Page not found"),
    ErrNotFoundHint => ("您要找的内容不存在或已被删除。", "What you are looking for does not exist or was removed."),
    ErrInternal => ("服务器出错了，请稍后再试", "Something went wrong on our side; please try again"),
    ErrNetwork => ("网络不稳定，请检查网络后重试", "The network is unstable; please check it and try again"),
    ErrBadRequest => ("请求格式不正确，请刷新页面后重试", "The request was malformed; please reload and try again"),
    ErrInvalid => ("请检查填写的内容", "Please check what you entered"),
    ErrRequired => ("此项必填", "This field is required"),
    ErrTooLong => ("内容太长了", "This is too long"),
    ErrControlChars => (
        "不能包含控制字符（如空字符），请删掉后重试",
        "Remove the control characters (such as NUL) and try again"
    ),
    ErrPhoneMalformed => ("手机号格式不正确，应为11位手机号码", "Enter an 11-digit mainland mobile number"),
    ErrPasswordShort => ("密码至少需要8位", "The password needs at least 8 characters"),
    ErrPasswordLong => ("密码不能超过128位", "The password can have at most 128 characters"),
    ErrPasswordSame => ("新密码不能和原密码相同", "The new password must differ from the current one"),
    ErrWrongPassword => ("原密码不正确", "The current password is wrong"),
    ErrPasswordCommon => ("这个密码太常见，请换一个", "This password is too common; choose another"),
    ErrPhoneTaken => ("该手机号已注册，请直接登录", "This phone number is already registered; please sign in"),
    ErrNoSuchMicroGrid => ("请选择有效的微网格", "Choose a valid micro-grid"),
    BackHome => ("返回首页", "Back to home"),

    Language => ("语言", "Language"),
    ElderMode => ("长辈模式", "Elder mode"),
    ElderModeHint => ("字更大、对比更强，方便长辈使用", "Larger text and stronger contrast"),
    ElderModeOn => ("开启长辈模式", "Turn on elder mode"),
    ElderModeOff => ("关闭长辈模式", "Turn off elder mode"),
    Settings => ("设置", "Settings"),
    MyAccount => ("我的账号", "My account"),
    MyRoles => ("我的身份", "My roles"),
    NotSignedIn => ("您还没有登录", "You are not signed in"),
    NotSignedInHint => ("登录后可以发布需求、接单和投票。", "Sign in to post needs, take orders and vote."),

    Hello => ("您好", "Hello"),
    GreetingComma => ("，", ", "),
    Welcome => ("欢迎来到网格驿站", "Welcome to Grid Station"),
    MyStation => ("我的驿站", "My station"),
    OpenHours => ("开放时间", "Opening hours"),
    OpenOrdersNearby => ("附近待接单需求", "Open needs nearby"),
    VolunteersNearby => ("本社区志愿者", "Volunteers in the community"),
    ServiceHoursTotal => ("累计服务时长（小时）", "Service hours in total"),
    OrdersCompleted => ("完成服务", "Services completed"),
    GoToBoard => ("去需求大厅看看", "See the board"),
    INeed => ("我需要", "I need"),
    ICanHelp => ("我帮忙", "I can help"),
    AllSections => ("全部", "All"),
    NoOpenOrders => ("暂时没有待接单的需求", "No open needs right now"),
    MinutesAgo => ("分钟前", "min ago"),
    HoursAgo => ("小时前", "h ago"),
    DaysAgo => ("天前", "d ago"),
    JustNow => ("刚刚", "just now"),
    LiveUpdating => ("实时更新", "Live"),
    CommunityFeed => ("邻里圈", "Neighbourhood feed"),

    StarsTitle => ("志愿服务之星", "Volunteer Stars"),
    NoElection => ("目前没有进行中的评选", "No election is running"),
    VotingPeriod => ("投票时间", "Voting period"),
    Candidates => ("候选人", "Candidates"),
    Hours => ("小时", "h"),
    Orders => ("单", "orders"),
    Rating => ("评分", "Rating"),
    Votes => ("票", "votes"),
    VotesPerVoter => ("每人可投", "Votes per voter"),
    StarsToElect => ("评选名额", "Stars to elect"),

    AdminTitle => ("网格管理", "Grid administration"),
    MyArea => ("管辖范围", "My area"),
    MyAddress => ("我的住址", "My address"),
    Households => ("户数", "Households"),
    Residents => ("居民", "Residents"),
    OverSixty => ("60岁以上", "Over 60"),
    LivingAlone => ("独居老人", "Living alone"),
    OpenOrders => ("待接单", "Open orders"),
    SubAreas => ("下级区域", "Areas below"),
    Leader => ("负责人", "Leader"),
    Station => ("驿站", "Station"),

    ErrOrderTaken => ("该需求已被接单", "Someone else has already taken this order"),
    ErrVoterUnverified => ("投票需要先核实住户身份：请到所在网格服务驿站，或请网格员上门核实住址后再投票", "Voting needs a verified household: ask at your grid's service station, or have grid staff confirm your address, then vote"),
    VoterUnverifiedHint => ("你的账号还没有核实住户，暂时不能投票。请带上身份证到所在网格服务驿站，或联系网格员上门核实住址，核实后即可投票。", "Your account is not yet matched to a household, so you cannot vote yet. Bring your ID card to your grid's service station, or ask grid staff to confirm your address; then you can vote."),
    VerifiedResident => ("已核实住户", "Verified household"),
    UnverifiedResident => ("未核实住户：可以发布需求；投票前请到网格服务驿站或请网格员核实住址。", "Household not verified: you can post needs; to vote, have your address confirmed at the service station or by grid staff."),
    VerifyResident => ("核实住户", "Verify household"),
    VerifyUnit => ("楼栋单元", "Building and unit"),
    VerifyRoom => ("房号", "Room"),
    VerifiedTag => ("已核实", "Verified"),
    UnverifiedTag => ("未核实", "Not verified"),
    ErrNoSuchHousehold => ("这个单元没有这个房号，请核对后再试", "That unit has no such room; check and try again"),
    ErrTooManyTakes => ("接单太频繁了，请过一会儿再接（每小时最多10单）", "You have taken many orders in a short time; try again later (at most 10 an hour)"),
    ErrTakesPaused => ("今天接单后退单太多次，暂停接单到明天；有疑问请联系网格长", "You released too many orders today; taking orders is paused until tomorrow (ask your grid leader if unsure)"),
    ErrTooManyReleases => ("今天退单次数已达上限，请联系网格长处理这一单", "You have released as many orders as allowed today; ask the grid leader to reassign this one"),
    ErrOrderChanged => ("订单状态已变化，请刷新后再试", "The order has changed; please reload and try again"),
    ErrOwnOrder => ("不能接自己发布的需求", "You cannot take your own order"),
    ErrNoProfilePlace => ("请先在社区登记您的微网格和楼栋", "Ask your community to register your micro-grid and building first"),
    ErrChooseResident => ("请从列表中选择你辖区内的居民", "Choose a resident of your area from the list"),
    ErrResidentName => ("请填写居民姓名（1–40字）", "Enter the resident's name (1–40 characters)"),
    ErrRoom => ("请填写房号（1–20字）", "Enter the room (1–20 characters)"),
    ErrChooseUnit => ("请选择你辖区内的楼栋单元", "Choose a unit of your area"),
    OnBehalfPerson => ("代居民下单：选择居民（可选）", "Place for a resident: choose them (optional)"),
    OnBehalfSelf => ("不代下单，为我自己", "Not for a resident: for myself"),
    OnBehalfPlaceHint => ("代下单时，服务地点是所选居民的住址；居民没有手机时，志愿者会联系你。", "For a resident, the service place is their home; if they have no phone, the volunteer calls you."),
    NoPhoneTag => ("无手机", "no phone"),
    RegisterResident => ("居民没有手机、不在列表里？先登记", "Resident has no phone and is not listed? Register them"),
    RegisterResidentHint => ("登记姓名和住址，不需要手机号；登记后回到本页并已选好该居民。", "Name and home only, no phone needed; you come back here with them chosen."),
    ResidentName => ("居民姓名", "Resident's name"),
    UnitLabel => ("楼栋单元", "Building and unit"),
    RoomLabel => ("房号", "Room"),
    RegisterAndChoose => ("登记并选择该居民", "Register and choose them"),
    ErrNoSuchResident => ("没有找到这个手机号的居民", "No resident with this phone number"),
    ErrWindow => ("结束时间不能早于开始时间", "The end cannot be before the start"),
    ErrBadTime => ("时间格式不正确", "The time is not valid"),
    ErrMinutes => ("服务时长应在1到1440分钟之间", "Time spent must be between 1 and 1440 minutes"),
    ErrRating => ("请选择1到5星", "Choose 1 to 5 stars"),
    ErrTitleLength => ("标题需要2到60个字", "The title needs 2 to 60 characters"),
    ErrChooseSection => ("请选择服务板块", "Choose a section"),
    ErrReasonRequired => ("请填写原因", "Please give a reason"),
    NewOrderTitle => ("发布需求", "Post a need"),
    Section => ("服务板块", "Section"),
    Title => ("标题", "Title"),
    Description => ("详细说明", "Details"),
    Urgency => ("紧急程度", "Urgency"),
    TimeFrom => ("期望开始时间（可选）", "Preferred start (optional)"),
    TimeTo => ("期望结束时间（可选）", "Preferred end (optional)"),
    Place => ("服务地点", "Place"),
    PlaceHint => ("根据您的登记信息自动填写，门牌号只对接单人和网格员可见", "Filled in from your registration; the room number is shown only to the taker and grid staff"),
    OnBehalfPhone => ("代居民下单：居民手机号（可选）", "Place for a resident: their phone (optional)"),
    Submit => ("提交", "Submit"),
    Take => ("接单", "Take"),
    Release => ("放弃接单", "Release"),
    StartService => ("开始服务", "Start service"),
    FinishService => ("完成服务", "Finish service"),
    MinutesSpent => ("服务时长（分钟）", "Time spent (minutes)"),
    ConfirmDone => ("确认完成", "Confirm"),
    Dispute => ("有异议", "Dispute"),
    CancelOrder => ("取消需求", "Cancel"),
    Reason => ("原因", "Reason"),
    RatingLabel => ("评分（1-5星）", "Rating (1–5 stars)"),
    Comment => ("评价（可选）", "Comment (optional)"),
    Contact => ("联系方式", "Contact"),
    ContactAfterHold => ("开始服务后，或接单满10分钟后，这里会显示居民的姓名、房号和电话。", "The resident's name, room and phone appear here once you start the service, or 10 minutes after taking the order."),
    Requester => ("求助人", "Requester"),
    Taker => ("接单人", "Taken by"),
    CancelTakenHint => ("志愿者已接单，取消时请写明原因，我们会告诉志愿者。", "A volunteer has taken it: say why you cancel and we will tell them."),
    ContactTaker => ("联系接单志愿者", "Contact the volunteer"),
    CallVolunteer => ("打电话给志愿者", "Call the volunteer"),
    CallStation => ("打电话给驿站", "Call the station"),
    SharePhone => ("接单后，让下单居民看到我的手机号", "Let residents whose orders I take see my mobile number"),
    MyOrders => ("我的订单", "My orders"),
    MyRequested => ("我发布的需求", "Needs I posted"),
    MyTaken => ("我接的单", "Orders I took"),
    NoMyRequested => ("还没有发布过需求。", "You have not posted a need yet."),
    NoMyTaken => ("还没有接过单。", "You have not taken an order yet."),
    PostNeed => ("我需要", "I need help"),
    NextAwaitTaker => ("等待志愿者接单", "Waiting for a volunteer"),
    NextAwaitVisit => ("志愿者已接单，等待上门服务", "A volunteer took it and will come"),
    NextBeingServed => ("服务进行中", "Being served"),
    NextConfirmIt => ("服务已完成，请确认并评价", "Done: please confirm and rate"),
    NextStartIt => ("到达后请点“开始服务”", "Tap “Start service” when you arrive"),
    NextFinishIt => ("服务结束后请点“完成服务”", "Tap “Finish service” when done"),
    NextAwaitConfirmation => ("等待居民确认", "Waiting for the resident to confirm"),
    NextDone => ("已完成", "Completed"),
    NextCancelled => ("已取消", "Cancelled"),
    ToDo => ("待我处理", "Your turn"),
    HandledByMe => ("交给我处置的民情", "Items handed to me"),
    History => ("进度", "History"),
    OnBehalfNote => ("由网格员代下单", "Placed by grid staff on the resident's behalf"),
    EscalatedNote => ("已超时未接单，已上报网格长", "Not taken in time; escalated to the grid leader"),
    DisputedNote => ("居民对服务有异议", "The resident disputed the service"),
    UrgencyFilter => ("紧急程度", "Urgency"),
    AllUrgencies => ("全部", "All"),
    CopyList => ("复制需求清单", "Copy the list"),
    Copied => ("已复制，可粘贴到微信群", "Copied; paste it into the WeChat group"),
    CopyHint => ("复制下面的文字发到微信群：", "Copy this text into the WeChat group:"),
    SuitsMe => ("适合我", "Suits me"),
    NoOrdersYet => ("还没有记录", "Nothing yet"),
    ViewOrder => ("查看", "View"),
    Minutes => ("分钟", "min"),
    ErrNoSuchVolunteer => ("请选择本社区的志愿者", "Choose a volunteer of this community"),
    LeaderQueue => ("待处理：上门查看、紧急探访、超时未接单", "To do: welfare checks, visit emergencies, orders not taken"),
    HelpOrderPlaced => ("已记录走访，并为老人发布了一条紧急需求，网格长已收到通知，附近志愿者可以接单。", "Visit logged; an urgent need was posted for the elder, the grid leader was told, and nearby volunteers can take it."),
    SeeTheOrder => ("查看这条需求", "See the need"),
    WelfareOnHome => ("家属请求上门查看老人", "Relatives ask for a welfare check"),
    WelfareHandle => ("去处理", "Handle it"),
    NoEscalated => ("没有超时未接单的需求", "No escalated orders"),
    DispatchTo => ("指派", "Dispatch"),
    Dispatched => ("已指派", "Dispatched"),
    SameMicroGrid => ("同微网格", "Same micro-grid"),
    Skilled => ("擅长此类服务", "Has this skill"),
    InHand => ("手头", "In hand:"),
    DispatchedWaiting => ("已指派给", "Sent to"),
    AwaitingAnswer => ("等待志愿者回复；也可以改派他人", "waiting for an answer; you may send it to someone else"),
    DispatchedToMe => ("指派给我", "Dispatched to me"),
    Accept => ("接受", "Accept"),
    Decline => ("婉拒", "Decline"),
    TakenViaOffer => ("居民预约了这位志愿者的「我帮忙」服务", "Booked by the resident from this volunteer's offer"),
    TakenViaDispatch => ("志愿者接受了网格长的指派", "The volunteer accepted the grid leader's dispatch"),
    OffersTitle => ("我帮忙：志愿者服务", "I can help: volunteers' offers"),
    NoOffers => ("本社区还没有志愿者发布服务", "No offers in this community yet"),
    Book => ("预约", "Book"),
    BookNote => ("留言（可选）", "Message (optional)"),
    PostOffer => ("发布我能提供的服务", "Offer a service"),
    Schedule => ("服务时间（如：每周六上午）", "When (e.g. Saturday mornings)"),
    Volunteer => ("志愿者", "Volunteer"),
    ErrAlreadyThanked => ("这次服务已经发过感谢了", "You already thanked for this service"),
    FeedTitle => ("邻里圈", "Neighbourhood feed"),
    Like => ("赞", "Like"),
    Liked => ("已赞", "Liked"),
    Older => ("更早的动态", "Older posts"),
    PostNews => ("发布驿站动态", "Post station news"),
    ThankVolunteer => ("写一句感谢，发到邻里圈", "Thank the volunteer in the neighbourhood feed"),
    ThanksPlaceholder => ("感谢的话", "Your thanks"),
    KindThanks => ("感谢", "Thanks"),
    KindNews => ("驿站动态", "Station news"),
    KindDone => ("服务完成", "Service done"),
    SeeAll => ("查看全部", "See all"),
    ErrAlreadyPaired => ("他们已经结对了", "They are already paired"),
    PairingsTitle => ("1+1结对", "1+1 pairings"),
    NewPairing => ("新建结对", "New pairing"),
    VolunteerPhone => ("志愿者手机号", "Volunteer's phone"),
    ResidentPhone => ("居民手机号", "Resident's phone"),
    Weekday => ("每周", "Every"),
    PartOfDay => ("时段", "Time of day"),
    Morning => ("上午", "morning"),
    Afternoon => ("下午", "afternoon"),
    Evening => ("晚上", "evening"),
    Mon => ("周一", "Monday"),
    Tue => ("周二", "Tuesday"),
    Wed => ("周三", "Wednesday"),
    Thu => ("周四", "Thursday"),
    Fri => ("周五", "Friday"),
    Sat => ("周六", "Saturday"),
    Sun => ("周日", "Sunday"),
    NoPairings => ("还没有结对", "No pairings yet"),
    ServiceRecord => ("我的服务记录", "My service record"),
    VolunteerProfile => ("志愿者资料", "Volunteer profile"),
    Skills => ("擅长的服务", "Skills"),
    Availability => ("每周有空的时间", "When you are free each week"),
    Intro => ("自我介绍", "About you"),
    Save => ("保存", "Save"),
    Saved => ("已保存", "Saved"),
    AllGrids => ("全部微网格", "All micro-grids"),
    More => ("更多需求", "More"),
    Vote => ("投票", "Vote"),
    Voted => ("已投票", "Voted"),
    VotesLeft => ("还可投", "Votes left:"),
    ErrAlreadyVoted => ("您已经给这位候选人投过票了", "You already voted for this candidate"),
    ErrNotVoting => ("现在不在投票时间内", "Voting is not open now"),
    ErrNotApproved => ("这位候选人未通过审核", "This candidate is not approved"),
    ErrOutOfScope => ("只有本评选范围内登记的居民和志愿者可以投票", "Only residents and volunteers registered in this election's area can vote"),
    ErrQuotaUsed => ("您的票已经投完了", "You have used all your votes"),
    DisputedOrders => ("居民有异议的服务", "Services the resident disputed"),
    Previous => ("上一页", "Previous"),
    ElectionsAdmin => ("评选管理", "Elections"),
    EditElection => ("修改评选", "Edit election"),
    ErrNodeName => ("名称需要1到40个字", "The name needs 1 to 40 characters"),
    ErrGridStale => ("这个节点刚被其他管理员修改过，页面已显示最新内容，请在此基础上重新操作", "Another admin just changed this node; the page now shows the current value, please redo your edit"),
    ErrMoveTarget => ("不能移动到这里：请选择上一级的其他节点", "Cannot move there: choose another node one level up"),
    ErrMoveIntoOwn => ("不能移动到自己或自己的下级节点中", "A node cannot move under itself or its own descendants"),
    Rename => ("改名", "Rename"),
    AuditTitle => ("操作记录", "Audit log"),
    Person => ("操作人", "Person"),
    Node => ("节点", "Node"),
    DateFrom => ("从", "From"),
    DateTo => ("到", "To"),
    Filter => ("筛选", "Filter"),
    Action => ("操作", "Action"),
    Before => ("修改前", "Before"),
    After => ("修改后", "After"),
    Refused => ("被拒绝", "Refused"),
    NoAuditLines => ("没有符合条件的记录", "No matching entries"),
    MoveTo => ("移动到", "Move to"),
    ErrNodeNotEmpty => ("这个节点下还有楼栋、居民或记录：请选择把它们并入哪个同级节点", "This node still holds buildings, residents or records: choose the node of the same level they go to"),
    ErrMergeTarget => ("请选择本区域内同一级别的另一个节点", "Choose another node of the same level in your area"),
    ErrMergeCollision => ("两个节点里有相同门牌的住户，不能直接合并，请先调整门牌", "Both nodes have a household with the same room; adjust the rooms first"),
    ErrNodeFull => ("这一级的编码已经用完，不能再添加", "No codes are left at this level"),
    ErrNoChildLevel => ("单元下面不能再添加节点", "Nothing can be added below a unit"),
    ErrSplitLevel => ("只有微网格可以拆分", "Only micro-grids can be split"),
    ErrSplitBuildings => ("请至少选一栋楼分出去，并至少留下一栋", "Choose at least one building to move out and keep at least one"),
    ErrStaffLevel => ("网格长指定在网格上，微网格员指定在微网格上", "Grid leaders are set on grids, members on micro-grids"),
    ErrStaffPerson => ("请从本社区有账号的居民中选择", "Choose a person with an account in this community"),
    ErrNothingToUndo => ("没有可以撤销的修改", "There is no edit of yours to undo"),
    ErrUndoStale => ("这个节点在您修改之后又被改过，不能撤销；请直接修改", "The node changed again after your edit, so it cannot be undone; edit it directly"),
    ErrUndoKind => ("拆分、合并和删除不能撤销", "Splits, merges and deletions cannot be undone"),
    GridEditor => ("网格管理", "Grid editor"),
    AddChild => ("添加下级", "Add below"),
    DeleteNode => ("删除", "Delete"),
    ConfirmDelete => ("确认删除", "Delete it"),
    DeleteHint => ("删除后它的楼栋和记录并入所选节点；可用“撤销”恢复最近一次修改。", "Its buildings and records go to the node chosen; “Undo” restores the last change."),
    MergeHint => ("合并后本节点的楼栋、居民和记录都并入所选节点。", "Its buildings, residents and records all go to the node chosen."),
    ChooseTarget => ("请选择", "Choose"),
    DeleteInto => ("删除，内容并入", "Delete, moving its contents to"),
    MergeInto => ("合并到", "Merge into"),
    Merge => ("合并", "Merge"),
    SplitNode => ("拆分微网格", "Split the micro-grid"),
    SplitName => ("新微网格名称", "Name of the new micro-grid"),
    SplitPick => ("分到新微网格的楼栋", "Buildings that go to the new one"),
    GridLeader => ("网格长", "Grid leader"),
    GridMembers => ("微网格员", "Micro-grid members"),
    AssignLeader => ("指定网格长（替换现任）", "Set the grid leader (replaces)"),
    AddMember => ("添加微网格员", "Add a member"),
    Assign => ("指定", "Assign"),
    RemoveStaff => ("撤下", "Remove"),
    UndoLast => ("撤销我上一次修改", "Undo my last edit"),
    EditingNow => ("正在编辑", "Also editing"),
    CurrentValue => ("现在的值", "Current value"),
    YourEdit => ("您的修改", "Your edit"),
    RedoEdit => ("按我的修改重新提交", "Submit my edit again"),
    Expand => ("展开", "Expand"),
    Collapse => ("收起", "Collapse"),
    EditActions => ("编辑", "Edit"),
    Undone => ("已撤销", "Undone"),
    DragHint => ("电脑上可把节点拖到新的上级", "On a computer, drag a node onto its new parent"),
    Move => ("移动", "Move"),
    GridSearch => ("搜索节点（名称或编码）", "Find a node (name or code)"),
    NodeCode => ("编码", "Code"),
    NewElection => ("发起评选", "New election"),
    ElectionTitle => ("评选名称", "Title"),
    ElectionScope => ("评选范围", "Area"),
    StarsCount => ("评选名额", "Number of stars"),
    NominationFrom => ("报名开始", "Nominations open"),
    NominationTo => ("报名截止", "Nominations close"),
    VotingFrom => ("投票开始", "Voting opens"),
    VotingTo => ("投票截止", "Voting closes"),
    NoticeTo => ("公示截止", "Public notice ends"),
    LiveTally => ("投票时公开实时票数", "Show the tally live"),
    MinHours => ("候选人最少服务时长（小时）", "Minimum service hours"),
    PendingBeforeVoting => ("还有 {n} 条报名待审核：投票开始后不能再审核，它们不会成为候选人。请先审核。", "{n} nominations still wait for a decision: once voting opens they cannot be decided and will not stand. Decide them first."),
    OpenVotingHint => ("投票开始后，评选设置不能再修改，报名随即截止；只能延长投票。", "Once voting opens the settings are fixed and nominations close; only the close can be extended."),
    ConfirmOpenVoting => ("确认现在开始投票", "Yes, open voting now"),
    OpenVotingNow => ("现在开始投票", "Open voting now"),
    ExtendVoting => ("延长投票", "Extend voting"),
    NewClose => ("新的投票截止日期", "New closing date"),
    PhaseUpcoming => ("未开始", "Not started"),
    PhaseNominating => ("报名中", "Nominations open"),
    PhasePreparing => ("待投票", "Voting soon"),
    PhaseVoting => ("投票中", "Voting"),
    PhaseNotice => ("公示中", "Public notice"),
    PhasePublished => ("已公布", "Published"),
    Nominate => ("提名", "Nominate"),
    NominateSelf => ("我要报名", "Nominate myself"),
    CandidatePhone => ("志愿者手机号", "Volunteer's phone"),
    Nominations => ("报名与提名", "Nominations"),
    Approve => ("通过", "Approve"),
    Reject => ("不通过", "Reject"),
    StatusPending => ("待审核", "Pending"),
    StatusApproved => ("已通过", "Approved"),
    StatusRejected => ("未通过", "Rejected"),
    VotesCast => ("总票数", "Votes cast"),
    Voters => ("投票人数", "Voters"),
    ExportCsv => ("导出 CSV", "Export CSV"),
    SearchCandidates => ("搜索候选人", "Search candidates"),
    Search => ("搜索", "Search"),
    SearchInList => ("筛选", "Filter"),
    NameOrPlace => ("输入姓名或楼栋", "type a name or building"),
    TieRule => ("票数相同时，确认服务时长多者在前；仍相同时，报名早者在前。", "On equal votes, more confirmed service hours first; then the earlier nomination."),
    ElectedStars => ("当选名单", "Elected"),
    PastElections => ("其他评选", "Other elections"),
    Rank => ("第", "No."),
    TallyAfterClose => ("票数将在投票结束后公布", "The tally is published when voting closes"),
    NominationPeriod => ("报名时间", "Nominations"),
    NominationsOpenUntil => ("正在接受报名，截至", "takes nominations until"),
    MyNomination => ("我的报名", "My nomination"),
    MyNominationPending => ("已提交，等待社区审核；审核通过后成为候选人。", "Sent; the community reviews it, then you stand as a candidate."),
    MyNominationApproved => ("已通过审核，你是本次评选的候选人。", "Approved: you are a candidate in this election."),
    MyNominationRejected => ("未通过审核。", "Not approved."),
    NominationReceived => ("报名已提交，等待审核", "Nomination received; awaiting review"),
    ErrElectionDates => ("请按顺序填写：报名、投票、公示时间依次排列", "Periods must follow each other: nominations, voting, notice"),
    ErrBadDate => ("请选择日期", "Choose a date"),
    ErrNumberRange => ("请填写有效的数字", "Enter a valid number"),
    ErrVotingOpened => ("投票已经开始，只能延长投票截止时间", "Voting has opened: only the close can be extended"),
    ErrCloseNotLater => ("新的截止日期必须晚于现在的截止日期，且投票尚未结束", "The new close must be later than the current one, before voting ends"),
    ErrStale => ("评选已被他人修改，请刷新后重试", "Someone changed this election; reload and try again"),
    ErrNotNominating => ("现在不在报名时间内", "Nominations are not open now"),
    ErrAlreadyNominated => ("已经报名过了", "Already nominated"),
    ErrNotVolunteerHere => ("只有本评选范围内的志愿者可以参评", "Only volunteers registered in this area can stand"),
    ErrBelowMinHours => ("服务时长未达到本次评选的最低要求", "Below the minimum confirmed service hours"),
    ErrAlreadyDecided => ("这条报名已经审核过了", "This nomination was already decided"),

    // -- 民情 (sentiment) --
    Sentiment => ("民情", "Public sentiment"),
    SentimentLog => ("民情记录", "Community issues"),
    ItemReporter => ("反映人", "Reported by"),
    RecordItem => ("记录民情", "Record an issue"),
    ReportIssue => ("我要反映", "Report a problem"),
    ItemCategory => ("类别", "Category"),
    CatFacility => ("设施故障", "Facility fault"),
    CatSafety => ("安全隐患", "Safety hazard"),
    CatSanitation => ("环境卫生", "Sanitation"),
    CatDispute => ("矛盾纠纷", "Dispute"),
    CatIllegalBuilding => ("违章搭建", "Illegal building"),
    CatOther => ("其他", "Other"),
    ItemPlace => ("地点（楼栋、单元）", "Place (building, unit)"),
    ItemPlaceNote => ("具体位置（可选）", "Exact spot (optional)"),
    ItemDescription => ("情况描述", "What is happening"),
    ItemInspection => ("这是一次巡查（商铺、场所）", "This is an inspection (shop, venue)"),
    ItemChecklist => ("检查项目（每行一项）", "Checklist (one point per line)"),
    ItemParties => ("当事人（每行一位：姓名 电话）", "Parties (one per line: name phone)"),
    ItemReportNow => ("立即上报网格长", "Report to the grid leader now"),
    ItemResidentPhone => ("反映人手机号（居民口头反映时填写，办结后请其确认）", "Resident's phone (when a resident told you; they confirm the fix)"),
    StageCollected => ("采集", "Collected"),
    StageReported => ("上报", "Reported"),
    StageAccepted => ("立案", "Accepted"),
    StageDispatched => ("派遣", "Dispatched"),
    StageHandled => ("处置", "Handled"),
    StageVerified => ("核验", "Verified"),
    StageClosed => ("办结", "Closed"),
    StageVoided => ("作废", "Voided"),
    StageParked => ("挂账", "Parked"),
    StepReport => ("上报", "Report"),
    StepAccept => ("立案", "Accept"),
    StepDispatch => ("派遣", "Dispatch"),
    StepHandle => ("处置完成", "Mark handled"),
    StepVerify => ("核验通过", "Verified on site"),
    StepRework => ("核验不通过，返工", "Failed: back to the handler"),
    StepClose => ("办结", "Close"),
    StepVoid => ("作废", "Void"),
    StepPark => ("挂账", "Park"),
    StepResume => ("恢复办理", "Resume"),
    StepReopen => ("没修好，重新反映", "Not fixed: reopen"),
    HandlerKindLabel => ("处置人", "Handler"),
    HandlerVolunteer => ("志愿者", "Volunteer"),
    HandlerProperty => ("物业公司", "Property company"),
    HandlerDepartment => ("职能部门", "Department"),
    HandlerNameLabel => ("单位名称（物业或部门）", "Name (property company or department)"),
    DeadlineDays => ("处置期限（天）", "Deadline (days)"),
    Deadline => ("期限", "Deadline"),
    FeedbackNote => ("说明（处置反馈、原因）", "Note (feedback, reason)"),
    Overdue => ("已超期", "Overdue"),
    Escalated1 => ("督办：网格长", "Escalated to the grid leader"),
    Escalated2 => ("督办：社区", "Escalated to the community"),
    WarningLevel => ("预警等级", "Warning level"),
    WarningGreen => ("绿色", "Green"),
    WarningYellow => ("黄色", "Yellow"),
    WarningRed => ("红色", "Red"),
    SetWarning => ("调整预警", "Set warning"),
    FollowUp => ("跟进记录", "Follow-up"),
    AddFollowUp => ("添加跟进", "Add follow-up"),
    Parties => ("当事人", "Parties"),
    Checklist => ("检查项目", "Checklist"),
    Recheck => ("回头看", "Re-check"),
    RecheckDue => ("待回头看", "Re-check due"),
    RecheckPass => ("整改到位", "Rectified"),
    RecheckFail => ("未整改，重新立项", "Not rectified: reopen"),
    ConfirmFix => ("问题解决了吗？", "Is it really fixed?"),
    ConfirmResolvedYes => ("已解决", "Resolved"),
    ConfirmResolvedNo => ("没解决", "Not resolved"),
    ResidentResolved => ("居民确认已解决", "Resident confirmed resolved"),
    ResidentNotResolved => ("居民反映未解决", "Resident says not resolved"),
    ClosedNotConfirmed => ("已办结，待居民确认", "Closed, awaiting the resident"),
    ConvertToOrder => ("转为服务订单", "Turn into a service order"),
    LinkedOrder => ("关联订单", "Linked order"),
    Timeline => ("办理过程", "Timeline"),
    Photos => ("照片", "Photos"),
    AddPhoto => ("上传照片（最多3张）", "Add a photo (up to 3)"),
    PhotosAfterSaving => ("保存后可以在记录页面添加照片（最多3张）。", "After saving, add photos (up to 3) on the item's page."),
    Upload => ("上传", "Upload"),
    ReworkCount => ("返工次数", "Reworks"),
    MyReports => ("我反映的问题", "My reports"),
    AreaItems => ("辖区民情", "Items in my area"),
    FilterOpen => ("办理中", "Open"),
    FilterOverdue => ("超期", "Overdue"),
    FilterRecheck => ("回头看", "Re-checks"),
    FilterAll => ("全部", "All"),
    NoItems => ("暂无民情记录", "No items"),
    ErrChooseCategory => ("请选择类别", "Please choose a category"),
    ErrChoosePlace => ("请选择楼栋或单元", "Please choose the building or unit"),
    ErrChooseMergeTopic => ("请选择要并入的议题", "Choose the topic to merge it into"),
    ErrChooseMeeting => ("请选择即将召开的议事会", "Choose a meeting ahead"),
    ErrQuorum => ("应到人数为1至500人", "The quorum is 1 to 500 people"),
    ErrMeetingNotBegun => ("议事会还没开始", "The meeting has not begun"),
    ErrNoQuorum => ("签到人数未达到应到人数，不能形成决议", "Fewer checked in than the quorum: no decision can be taken"),
    ErrTooManyVotes => ("表决人数超过了签到人数", "More hands than people checked in"),
    ErrChairNotSecretary => ("纪要须由记录人以外的主持人签署", "The chair who signs must be someone other than the secretary"),
    ErrDescriptionLength => ("请用2到2000个字描述情况", "Please describe it in 2 to 2,000 characters"),
    ErrPartiesFormat => ("当事人最多10位，每行一位：姓名 电话", "Up to 10 parties, one per line: name phone"),
    ErrChecklist => ("巡查请填写1到20个检查项目，每行一项", "An inspection needs 1 to 20 checklist points, one per line"),
    ErrItemChanged => ("这条民情刚刚有了变化，请刷新后再试", "This item has just changed; please reload and try again"),
    ErrConvertNeedsResident => ("只有居民反映的问题才能转为服务订单（请在记录时填写反映人手机号）", "Only a resident's report can become a service order (give the resident's phone when recording)"),
    ErrOwnWork => ("处置人不能核验自己的工作", "The handler cannot verify their own work"),
    ErrChooseHandler => ("请选择处置人", "Please choose who handles it"),
    ErrDeadlineDays => ("期限请填1到90天", "The deadline must be 1 to 90 days"),
    ErrHandlerName => ("请填写处置单位名称（80字以内）", "Please name the handler (up to 80 characters)"),
    ErrChooseResolved => ("请选择是否解决", "Please say whether it is resolved"),
    ErrChooseWarning => ("请选择预警等级", "Please choose a warning level"),
    ErrFollowUpText => ("请填写跟进内容（1000字以内）", "Please write the follow-up (up to 1,000 characters)"),
    ErrPhotoType => ("照片只能是 JPEG、PNG 或 WebP 格式", "Photos must be JPEG, PNG or WebP"),
    ErrPhotoSize => ("照片太大了（最大8MB）", "The photo is too large (8 MB at most)"),
    ErrPhotoPixels => ("照片像素太多（最多2400万像素），请用相机的普通模式拍摄后再上传", "The photo has too many pixels (24 megapixels at most); take it in the camera's normal mode and upload again"),
    ErrPhotoCount => ("每条民情最多3张照片", "At most 3 photos per item"),

    // -- 独居老人关爱 and welfare checks (elders) --
    WelfareLink => ("家中老人联系不上？请网格上门看看", "Cannot reach an elderly relative? Ask the grid to check on them"),
    EldersTitle => ("独居老人关爱", "Elder care"),
    EldersRegister => ("关爱对象名册", "Care register"),
    EldersOverdueCount => ("位老人探访已逾期", "elders are overdue for a visit"),
    NoElders => ("名册里还没有老人", "No one is on the register yet"),
    VisitOverdue => ("探访逾期", "Visit overdue"),
    NeverVisited => ("从未探访", "Never visited"),
    LastVisit => ("上次探访", "Last visit"),
    VisitEvery => ("探访周期（天）", "Visit every (days)"),
    VisitEveryHeat => ("高温预警期间探访周期（天）", "During a heat alert, visit every (days)"),
    PlanEvery => ("每", "every"),
    PlanDays => ("天探访一次", "days"),
    YearsOld => ("岁", "years old"),
    HealthNotes => ("健康状况", "Health notes"),
    EmergencyContact => ("紧急联系人", "Emergency contact"),
    EmergencyContactName => ("紧急联系人姓名", "Emergency contact's name"),
    EmergencyContactPhone => ("紧急联系人电话", "Emergency contact's phone"),
    OutcomeSafe => ("平安", "Safe"),
    OutcomeNeedsHelp => ("需要帮助", "Needs help"),
    OutcomeEmergency => ("紧急", "Emergency"),
    VisitNote => ("探访记录（可选）", "Visit note (optional)"),
    LogVisit => ("记录探访", "Log a visit"),
    EditElder => ("修改资料", "Edit details"),
    AddElder => ("登记关爱对象", "Add to the register"),
    ChooseElder => ("选择本辖区60岁以上的居民", "Choose a resident over 60 in your area"),
    NoElderCandidates => ("辖区内没有可登记的60岁以上居民", "No residents over 60 are left to add in your area"),
    HeatAlert => ("高温预警", "Heat alert"),
    HeatAlertIsOn => ("高温预警中：探访加密", "Heat alert on: visits are more frequent"),
    HeatAlertIsOff => ("未开启高温预警", "No heat alert"),
    HeatAlertStart => ("开启高温预警", "Turn on the heat alert"),
    HeatAlertStop => ("解除高温预警", "Turn off the heat alert"),
    ErrChooseElder => ("请选择要登记的居民", "Choose the resident to add"),
    ErrElderTooYoung => ("关爱对象需年满60岁", "The register is for residents aged 60 and over"),
    ErrAlreadyOnRegister => ("这位居民已在名册中", "This resident is already on the register"),
    ErrVisitDays => ("探访周期应为1到90天", "The visit period must be 1 to 90 days"),
    ErrChooseOutcome => ("请选择探访结果", "Choose the outcome of the visit"),
    ErrContactName => ("联系人姓名不超过40个字", "The contact's name can have at most 40 characters"),
    ErrElderName => ("请填写老人姓名（不超过40个字）", "Enter the elder's name (up to 40 characters)"),
    ErrBuildingNote => ("请填写小区和楼栋（不超过100个字）", "Enter the estate and building (up to 100 characters)"),
    ErrWelfareChanged => ("这个请求已被其他人处理，请刷新后查看", "Someone else already handled this request; reload to see it"),
    VisitHelpOrderTitle => ("探访发现独居老人需要帮助", "An elder living alone needs help (found on a visit)"),
    VisitHelpOrderDescription => ("网格员走访时发现老人需要帮助，接单后请先联系网格员了解情况。", "Found on a grid staff visit. After taking the order, call the grid staff first for the details."),
    WelfareTriage => ("待分拣", "To sort"),
    ErrWelfarePlaceUnknown => ("没找到这个地址，请写上小区名和楼号（如：幸福锦园4号楼），或从社区或驿站给的链接打开本页", "We could not find this address: write the estate and building (e.g. Xingfu Jinyuan building 4), or open this page from the link your community or station gave you"),
    ElderEmergencies => ("紧急：老人探访", "Emergencies found on elder visits"),
    WelfareChecks => ("家属请求上门查看", "Welfare checks asked for by relatives"),
    WelfareGoing => ("我去看看", "I'll go"),
    WelfareConfirmedSafe => ("已确认平安", "Confirmed safe"),
    WelfareOutcomeNote => ("查看情况说明（可选）", "What you found (optional)"),
    WelfareStatusOpen => ("待处理", "Open"),
    WelfareStatusInProgress => ("处理中", "In progress"),
    WelfareRequesterPhone => ("家属电话", "Relative's phone"),
    WelfareUnmatched => ("未匹配到楼栋，请社区核实", "Building not recognised; the community checks it"),
    Visitor => ("探访人", "Visitor"),
    OverdueVisits => ("待探访的老人", "Elders due for a visit"),
    NoOverdueVisits => ("所有老人都已按时探访", "Every elder was visited on time"),
    GoToElders => ("打开关爱名册", "Open the care register"),
    WelfareTitle => ("联系不上家里老人？", "Cannot reach an elderly relative?"),
    WelfareIntro => ("告诉我们老人的姓名和住址，网格员会尽快上门查看，并打电话告诉您结果。", "Tell us the elder's name and address: a grid worker will go and check, then call you back."),
    WelfareElderName => ("老人姓名", "Elder's name"),
    WelfareBuilding => ("小区和楼栋（如：朝晖花园10号楼）", "Estate and building (e.g. Zhaohui Garden building 10)"),
    WelfarePhone => ("您的手机号", "Your mobile number"),
    WelfareNote => ("补充说明（可选）", "Anything else (optional)"),
    WelfareSubmit => ("请网格员上门看看", "Ask for a welfare check"),
    WelfareSent => ("已收到您的请求", "Request received"),
    WelfareReference => ("编号", "Reference"),
    WelfareSentSorting => ("您写的地址没有直接对应到网格，已转给社区工作人员核实，确认楼栋后会安排网格员上门，并按您留下的电话联系您。情况危急请直接拨打120或110。", "Your address did not match a grid directly: community staff will check it, send grid staff, then call you on the number you gave. In an emergency call 120 or 110."),
    WelfareSentNobody => ("请求已记下，但这个地址暂时没有联系到网格工作人员。请同时拨打社区居委会电话；情况危急请直接拨打120或110。", "Your request is recorded, but no grid staff could be reached for this address yet. Please also call the residents' committee; in an emergency call 120 or 110."),
    WelfareSentHint => ("网格长已收到通知，会尽快上门查看，并按您留下的电话联系您。情况危急请直接拨打120或110。", "The grid leader has been told and will go soon, then call you on the number you gave. In an emergency call 120 or 110."),
    WelfarePrivacy => ("您的电话只有网格工作人员能看到。", "Only grid staff can see your number."),
    WelfareAnother => ("再提交一个请求", "Send another request"),

    // -- 指挥中心 (dashboard) --
    DashTitle => ("指挥中心", "Command centre"),
    DashPeriod => ("统计期：近12周", "Period: the last 12 weeks"),
    DashAsOf => ("数据截至", "Figures as of"),
    DashUp => ("返回上一级", "Up one level"),
    DashArea => ("区域", "Area"),
    DashCode => ("编码", "Code"),
    DashOrders => ("服务订单", "Service orders"),
    DashOpenOrders => ("待接单", "Open orders"),
    DashOverdueOrders => ("超时未接单", "Overdue, not taken"),
    DashInProgress => ("服务中", "In progress"),
    DashOrdersPlaced => ("下单数", "Orders placed"),
    DashOrdersCompleted => ("完成数", "Orders completed"),
    DashOrdersCancelled => ("取消数", "Orders cancelled"),
    DashCompletion => ("完成率", "Completion rate"),
    DashMedianTake => ("接单用时（中位数）", "Median time to take"),
    DashAvgRating => ("平均评分", "Average rating"),
    DashHighRating => ("好评率（4–5星）", "Rated 4–5 stars"),
    DashMinutes => ("分钟", "min"),
    DashHours => ("小时", "h"),
    DashSentiment => ("民情", "Resident reports"),
    DashItemsOpen => ("在办民情", "Items in the loop"),
    DashStages => ("各环节件数", "Items by stage"),
    DashStage => ("环节", "Stage"),
    DashStageKey => ("环节代码", "Stage key"),
    DashCount => ("件数", "Count"),
    DashOnTime => ("按时处置率", "Handled on time"),
    DashClosure => ("办结率", "Closure rate"),
    DashResolution => ("居民确认解决率", "Resident-confirmed resolution"),
    SwipeForMore => ("表格较宽：左右滑动查看全部指标，区域名称固定在左侧", "The table is wide: swipe sideways for every figure; the area names stay on the left"),
    DashClosedNotFixed => ("办结不等于解决：办结率按流程统计，解决率由居民确认", "Closed is not fixed: closure follows the loop, resolution is what residents confirm"),
    DashRework => ("返工率", "Rework rate"),
    DashOverdueItems => ("超期民情", "Overdue items"),
    DashEscalated => ("督办中", "Escalated"),
    DashRedDisputes => ("红色预警纠纷", "Red-alert disputes"),
    DashOverdueList => ("超期与督办民情", "Overdue and escalated items"),
    DashElders => ("独居老人关爱", "Elder visits"),
    DashCoverage => ("近7天探访覆盖率", "Elders visited in the last 7 days"),
    DashCharts => ("近12周趋势", "Trends over the last 12 weeks"),
    DashChartOrders => ("每周下单与完成", "Orders placed and completed per week"),
    DashChartItems => ("每周民情上报与办结", "Items reported and closed per week"),
    DashChartVisits => ("每周探访次数", "Elder visits per week"),
    DashChartDesc => ("柱状图，每组一周，柱高为件数；具体数字见下表", "Bar chart, one group per week, bar height is the count; the numbers are in the table"),
    DashShowNumbers => ("查看数据表", "Show the numbers"),
    DashWeek => ("周（起始日）", "Week starting"),
    DashItemsReported => ("上报数", "Items reported"),
    DashItemsClosed => ("办结数", "Items closed"),
    DashVisits => ("探访次数", "Visits"),
    DashChildren => ("下级区域", "Areas below"),
    DashFigure => ("指标", "Figure"),
    DashValue => ("数值", "Value"),
    DashBasis => ("计算依据", "Made of"),
    DashNone => ("暂无", "None"),
    DashItemNo => ("编号", "No."),
    DashKind => ("类型", "Kind"),
    DashKindReport => ("民情", "Report"),
    DashKindDispute => ("矛盾纠纷", "Dispute"),
    DashKindInspection => ("巡查", "Inspection"),
    DashItem => ("事项", "Item"),
    DashDeadline => ("处置期限", "Deadline"),
    DashEscalation => ("督办级别", "Escalation"),
    DashCreated => ("登记时间", "Recorded"),
    DashUnknownArea => ("没有这个区域（指挥中心按街道、社区、网格、微网格统计）", "No such area (the command centre covers subdistricts, communities, grids and micro-grids)"),

    // -- Open311 --
    Open311Title => ("Open311 接口", "Open311 API"),
    Open311Intro => ("现有的 Open311 工具可以通过 GeoReport v2 接口读取和上报本区域的民情。每个密钥只能访问签发它的区域，随时可以吊销。", "Existing Open311 tools can read and report this area's community issues through the GeoReport v2 API. Each key only opens the area it was issued for and can be revoked at any time."),
    Open311Endpoints => ("接口地址（只支持 JSON）", "Endpoints (JSON only)"),
    Open311EpServices => ("类别列表（无需密钥）", "categories (no key needed)"),
    Open311EpList => ("查询民情：api_key 必填；可按 service_request_id、service_code、status、start_date、end_date 筛选，默认近90天，最多1000条", "list items: api_key required; filter by service_request_id, service_code, status, start_date, end_date; last 90 days by default, at most 1000"),
    Open311EpPost => ("上报民情（表单提交）：api_key、service_code、description、address_string（楼栋或“楼栋 单元”）", "report an item (form post): api_key, service_code, description, address_string (a building or \"building unit\")"),
    Open311EpOne => ("查询一条民情", "one item"),
    Open311Status => ("办结、作废为 closed，其余为 open；status_notes 写明所在环节", "closed and voided items are closed, all others open; status_notes names the stage"),
    Open311Label => ("密钥用途", "What the key is for"),
    Open311Issue => ("签发密钥", "Issue a key"),
    Open311NewKey => ("新密钥只显示这一次，请立即复制并妥善保存：", "The new key is shown only this once. Copy it now and keep it safe:"),
    Open311Keys => ("已签发的密钥", "Issued keys"),
    Open311NoKeys => ("还没有签发密钥", "No keys issued yet"),
    Open311Revoke => ("吊销", "Revoke"),
    Open311ConfirmRevoke => ("确认吊销", "Revoke it"),
    Open311RevokeHint => ("吊销后，用这个密钥的系统会立即无法访问。", "Systems using this key lose access at once."),
    Open311Revoked => ("已吊销", "Revoked"),
    Open311Issued => ("签发于", "Issued"),
    Open311Area => ("区域", "Area"),
    Open311Received => ("已收到，网格员会尽快受理", "Received: grid staff will take it up soon"),
    Open311Fingerprint => ("指纹", "Fingerprint"),
    CopyKey => ("复制密钥", "Copy the key"),
    KeyCopied => ("已复制", "Copied"),
    Open311ErrLabel => ("请填写密钥用途（1–60字）", "Say what the key is for (1–60 characters)"),
    YouJust => ("刚才：", "Just now:"),
    ErrActivityKind => ("请选择活动类型", "Choose the kind of activity"),
    ErrActivityTime => ("请填写以后的开始时间", "Give a start time in the future"),
    ErrActivityDuration => ("结束要晚于开始，最长12小时", "End after the start, within 12 hours"),
    ErrActivityCapacity => ("名额为1到500", "Places: 1 to 500"),
    ErrActivityHeld => ("保留名额不能超过总名额", "Kept places cannot be more than all places"),
    ErrSignupWindow => ("报名截止要晚于报名开始，且不晚于活动开始", "Sign-up must close after it opens, by the start"),
    ErrActivityAudience => ("请选择面向的范围", "Choose who it is for"),
    ErrActivityWeeks => ("周数为1到26", "Weeks: 1 to 26"),
    ErrActivitySkip => ("跳过的周要在周数以内，至少留一周", "Skip weeks within the weeks, keeping one"),
    ErrSignupClosed => ("现在不能报名或取消", "Sign-up is not open now"),
    ErrAlreadySignedUp => ("您已经报过名了", "You have already signed up"),
    ErrNotSignedUp => ("您没有报名这个活动", "You have not signed up for this activity"),
    ErrCheckinClosed => ("现在不在签到时间", "Check-in is not open now"),
    ErrCheckinCode => ("签到码不对或已过期", "Wrong or expired code"),
    ErrCheckedIn => ("已经签到过了", "Already checked in"),
    ErrNotCheckedIn => ("还没有签到", "Not checked in"),
    ErrMakeupHours => ("时长为0.5的倍数，不超过活动时长", "Hours: a multiple of 0.5, within the activity"),
    ErrHoursDone => ("时长已确认过", "Hours already confirmed"),
    ErrRecordNotNow => ("纪要在活动结束后写，只写一次", "A record is written once, after the activity"),
    ErrRecordFirst => ("先写好纪要，再添加照片", "Write the record first, then add photos"),
    ErrRecordPhotoCount => ("每份纪要最多6张照片", "At most 6 photos per record"),
    ErrSupportUnverified => ("附议需要先核实住户身份：请到所在网格服务驿站，或请网格员上门核实住址", "Supporting needs a verified household: ask at your grid's service station, or have grid staff confirm your address"),
    ErrSupportClosed => ("这个议题已不再征集附议", "This topic no longer takes support"),
    ErrAlreadySupported => ("您家已经附议过了，一户算一次", "Your household supports it already; each household counts once"),
    ErrTopicChanged => ("议题已被他人处理，请刷新后再看", "Someone has answered this topic; reload to see it"),
}

server_words! {
    /// A word of a server-rendered page (驿站活动).
    ServerMsg;
    ActivitiesTitle => ("驿站活动", "Station activities"),
    ActivitiesHint => ("驿站的集市、培训、邻里活动和议事，报名后按时到驿站参加。", "The stations' markets, classes, neighbourhood events and meetings: sign up, then come to the station on time."),
    NoActivities => ("近期没有活动", "No activities coming up"),
    PublishActivity => ("发布活动", "Publish an activity"),
    ActivityKindLabel => ("活动类型", "Kind"),
    ActivityMarket => ("便民集市", "Market"),
    ActivityTraining => ("技能培训", "Class"),
    ActivityNeighbours => ("邻里活动", "Neighbours"),
    ActivityTalk => ("宣讲", "Talk"),
    ActivityCouncil => ("议事", "Meeting"),
    ActivityListening => ("民情收集", "Listening"),
    ActivityOther => ("其他", "Other"),
    ActivityStarts => ("开始时间", "Starts"),
    ActivityEnds => ("结束时间", "Ends"),
    Capacity => ("名额", "Places"),
    HeldSeats => ("为代报名保留的名额", "Places kept for sign-ups by staff"),
    HeldSeatsHint => ("留给没有手机、由网格员代为报名的居民。", "For residents without a phone, whom grid staff sign up."),
    SignupOpens => ("报名开始（可选，默认立即）", "Sign-up opens (optional: now)"),
    SignupCloses => ("报名截止（可选，默认开始时）", "Sign-up closes (optional: at the start)"),
    ActivityAudience => ("面向", "For"),
    RepeatWeeks => ("每周重复几周（1表示只办一次）", "Weeks it repeats (1: once)"),
    SkipWeeks => ("跳过第几周（如 3 或 3,5）", "Weeks to skip (such as 3 or 3,5)"),
    PlacesLeft => ("余位 {n}", "{n} places left"),
    WaitingCount => ("{n}人候补", "{n} waiting"),
    SignUpActivity => ("报名", "Sign up"),
    JoinWaitlist => ("候补报名", "Join the waiting list"),
    SignedUp => ("已报名", "Signed up"),
    WaitingPlace => ("候补第{n}位", "Waiting list, place {n}"),
    CancelSignup => ("取消报名", "Cancel my sign-up"),
    SignupClosedLabel => ("报名已截止", "Sign-up closed"),
    Signups => ("报名名单", "Who signed up"),
    SignedUpByStaff => ("代报名", "by staff"),
    RecordTitle => ("活动纪要", "Activity record"),
    PartyMember => ("党员", "Party member"),
    ProposePartyBadge => ("建议亮明党员身份", "Suggest the party badge"),
    PartyBadgeWaiting => ("已建议，待本人确认", "Suggested, not yet confirmed"),
    DashPartyVolunteers => ("亮身份的党员志愿者", "Volunteers showing the party badge"),
    DashPartyHours => ("党员志愿者服务时长（小时）", "Their confirmed hours"),
    DashPartyShare => ("党员志愿者完成的需求占比", "Share of completed orders they took"),
    RecordHint => ("活动结束后写：做了什么、来了多少人、居民反映了什么。保存后发到邻里圈，不能再改。", "Once it is over: what happened, who came, what residents raised. Saved, it is posted to the neighbourhood feed and cannot be changed."),
    RecordBody => ("纪要", "Record"),
    RecordRaised => ("本次活动收集的民情和需求", "Concerns and orders raised at it"),
    RecordSave => ("保存并发到邻里圈", "Save and post to the feed"),
    RecordAddPhoto => ("添加活动照片（最多6张）", "Add photos of the activity (up to 6)"),
    CouncilTitle => ("议事会", "Residents' council"),
    CouncilMotto => ("小事不出户、琐事不出格、难事有人解、大事聚合力", "Small matters stay in the building, everyday ones in the grid; hard ones find someone to solve them, big ones bring everyone together"),
    CouncilHint => ("提出一个大家关心的议题，邻居们一户附议一次；附议够了，网格和社区一周内答复：受理后协商，不采纳也会写明原因。", "Raise a topic your neighbours care about; each household supports it once. With enough support, the grid and community answer within a week: accepted for deliberation, or declined with a reason."),
    RaiseTopic => ("提出议题", "Raise a topic"),
    TopicFor => ("议题范围", "For"),
    TopicTitle => ("议题", "Topic"),
    TopicBody => ("说明", "Details"),
    NoTopics => ("还没有议题", "No topics yet"),
    NoHomeToRaise => ("登记住址后才能提出议题", "Register your address to raise a topic"),
    StageCollecting => ("征集中", "Collecting support"),
    StageAccepted => ("已受理", "Accepted"),
    StageScheduled => ("已排期", "Scheduled"),
    StageDeliberated => ("已协商", "Deliberated"),
    StagePublicised => ("公示中", "On public notice"),
    StageImplementing => ("落实中", "Being carried out"),
    StageReviewed => ("已评议", "Reviewed"),
    StageDeclined => ("未采纳", "Declined"),
    StageMerged => ("已并入", "Merged"),
    StageReferred => ("已转民情", "Sent to be fixed"),
    Supporters => ("{n}户附议 / 需{m}户", "{n} households support it / {m} needed"),
    SupportReached => ("附议已达到", "Enough support"),
    SupportMissed => ("未达附议", "Not enough support"),
    SupportUntil => ("附议截止", "Support until"),
    TopicOverdue => ("超过一周未答复，应尽快答复", "Unanswered for over a week: answer it soon"),
    TopicEscalated => ("超过一周未答复，已督办", "Unanswered for over a week: escalated"),
    MergedInto => ("已并入议题：", "Merged into: "),
    ReferredAs => ("已转为民情事项办理：", "Being fixed as a concern: "),
    ViewItem => ("查看民情事项", "See the item"),
    MergeTitle => ("并入其他议题", "Merge into another topic"),
    MergeHint => ("相同诉求合并协商；本议题的附议户随之转入，并会收到通知。", "Alike requests are deliberated together; this topic's supporting households move with it and are told."),
    MergeInto => ("并入议题", "Merge into"),
    MergeTopic => ("并入", "Merge"),
    NoMergeTargets => ("本区域暂无可并入的议题", "No topic of this area to merge it into"),
    ReferTitle => ("转民情办理", "Send it to be fixed"),
    ReferHint => ("维修等具体问题不需协商，转为民情事项，由网格按时办理；提出人会收到通知并参与验收。", "A repair needs no debate: it becomes a concern the grid handles on time; the raiser is told and confirms the fix."),
    ReferTopic => ("转民情", "Send"),
    StageScheduledAt => ("议事会：", "Meeting: "),
    ScheduleTitle => ("安排议事", "Schedule it"),
    MeetingAgenda => ("本次议题", "On the agenda"),
    MinutesTitle => ("会议纪要", "Minutes"),
    Motion => ("议案", "Motion"),
    Votes => ("表决", "Vote"),
    VotesFor => ("赞成", "For"),
    VotesAgainst => ("反对", "Against"),
    Abstaining => ("弃权", "Abstaining"),
    Decision => ("决议", "Decision"),
    DecisionOwner => ("责任人", "Owner"),
    DecisionDeadline => ("完成时限", "Deadline"),
    MinutesVotes => ("赞成{f} · 反对{a} · 弃权{s}", "For {f} · against {a} · abstaining {s}"),
    MinutesBy => ("记录人：{who}", "Secretary: {who}"),
    MinutesChair => ("主持人签署：{who}", "Signed by the chair: {who}"),
    MinutesUnsigned => ("待主持人签署", "Waiting for the chair's signature"),
    WriteMinutes => ("记录纪要", "Write the minutes"),
    WriteMinutesHint => ("会后由记录人填写；签到人数须达到应到人数。主持人签署后议题进入已协商。", "The secretary writes them after the meeting, once the quorum checked in. The chair's signature moves the topic to deliberated."),
    SignMinutes => ("主持人签署", "Sign as the chair"),
    ScheduleHint => ("选择本区域即将召开的议事坊。首次排入时设定应到人数和邀请对象；附议的居民会收到通知。", "Choose a council meeting of this area ahead. The first topic scheduled sets its quorum and who is invited; supporters are told."),
    NoMeetingsAhead => ("本区域暂无即将召开的议事坊，请先在驿站活动中发布一场。", "No council meeting of this area ahead: publish one under station activities first."),
    ScheduleHere => ("排入本次议事", "Put it on this agenda"),
    Quorum => ("应到人数", "Quorum"),
    InvitedRoles => ("邀请对象", "Invited"),
    MeetingAttendance => ("已签到{n}人 / 应到{m}人", "{n} checked in / quorum {m}"),
    QuorumReached => ("已达到应到人数", "Quorum reached"),
    AgendaCount => ("议题{n}项", "Topics: {n}"),
    InvitedResidentReps => ("居民代表", "Resident representatives"),
    InvitedGridStaff => ("网格工作人员", "Grid staff"),
    InvitedPartyMembers => ("党员", "Party members"),
    InvitedProperty => ("物业公司", "The property company"),
    InvitedOwnersCommittee => ("业委会", "The owners' committee"),
    SupportThis => ("附议", "Support"),
    SupportedByUs => ("您家已附议", "Your household supports it"),
    DeclineReason => ("未采纳原因", "Why it was declined"),
    ScreenTitle => ("答复议题", "Answer the topic"),
    AcceptTopic => ("受理", "Accept"),
    DeclineTopic => ("不采纳", "Decline"),
    RecordAttended => ("签到{n}人", "{n} checked in"),
    RecordLinked => ("关联民情和需求{n}项", "{n} concerns and orders linked"),
    RaisedSentiment => ("民情", "Concern"),
    RaisedOrder => ("需求", "Order"),
    SignUpResidentWho => ("替居民报名（可用预留名额）", "Sign up a resident (may use a held seat)"),
    CheckIn => ("签到", "Check in"),
    CheckInHint => ("到驿站后，扫组织者手机上的二维码，或输入组织者读出的6位签到码。", "At the station, scan the QR code on the organiser's phone or type the 6-digit code they read out."),
    CheckinCodeLabel => ("签到码", "Check-in code"),
    CheckOut => ("签退", "Check out"),
    CheckedInAt => ("{t} 已签到", "Checked in at {t}"),
    CheckedOutAt => ("{t} 已签退", "checked out at {t}"),
    NotCheckedOut => ("未签退", "not checked out"),
    CheckinNotOpen => ("开始前30分钟至结束后30分钟可签到", "Check-in opens 30 minutes before the start and closes 30 minutes after the end"),
    ShowCheckinCode => ("出示签到码", "Show the check-in code"),
    CheckinScreenHint => ("请参加者扫码，或读出下面的6位数字。签到码每30秒更换一次，过期的截图无效。", "Let people scan the code, or read out the six digits. The code changes every 30 seconds; an old screenshot does not work."),
    CodeChangesIn => ("{n}秒后更换", "changes in {n} s"),
    Attendance => ("签到名单", "Attendance"),
    ViaQr => ("扫码", "QR code"),
    ViaCode => ("签到码", "code"),
    ViaOrganiser => ("组织者签到", "by the organiser"),
    ViaMakeup => ("补录", "make-up entry"),
    HoursPending => ("{h}小时，待确认", "{h} h, to be confirmed"),
    HoursConfirmed => ("{h}小时，已确认", "{h} h, confirmed"),
    ConfirmHours => ("确认时长", "Confirm hours"),
    OrganiserCheckIn => ("代签到", "Check in for them"),
    MakeupTitle => ("补录时长", "Make-up entry"),
    MakeupHint => ("志愿者来了却没能签到时补录；需要写明原因，最多为活动时长，会记入审计日志。", "For a volunteer who came but could not check in: give the reason; at most the activity's length; it is audited."),
    MakeupWho => ("志愿者", "Volunteer"),
    MakeupHours => ("时长（小时，0.5的倍数）", "Hours (a multiple of 0.5)"),
    MakeupReason => ("原因", "Reason"),
    MakeupSave => ("保存补录", "Save the make-up entry"),
    ShowMyCode => ("手机扫不了码？请组织者扫我的码", "Cannot scan? Let the organiser scan my code"),
    AdmitTitle => ("扫码签到", "Check in by code"),
    AdmitNoSeat => ("此人没有这次活动的名额", "This person has no place at this activity"),
    AdmitDone => ("已签到", "Checked in"),
    PartyBadgeTitle => ("党员亮身份", "Party-member badge"),
    PartyBadgeHint => ("自愿选择：打开后，您接单和参选志愿服务之星时会显示“党员”标识。随时可以关闭；除此之外不记录任何党员信息，也不影响派单和评选。", "Your choice: when on, a “Party member” badge shows where you take orders and stand as a volunteer star. Turn it off at any time; nothing else about membership is kept, and it changes neither matching nor the volunteer-star election."),
    PartyBadgeOn => ("正在显示党员标识", "The badge is showing"),
    PartyBadgeOff => ("未显示", "Not shown"),
    PartyBadgeShow => ("亮明党员身份", "Show the badge"),
    PartyBadgeHide => ("不再显示", "Stop showing it"),
    PartyBadgeProposed => ("网格工作人员建议您亮明党员身份。您确认后才会显示。", "Staff suggest you show the badge. It shows only if you confirm."),
    PartyBadgeConfirm => ("确认显示", "Confirm"),
    PartyBadgeDecline => ("不用了", "No, thanks"),
}

// The words of the audit log: sentences for each action and names for the fields of its
// before/after. Only the server writes them (the audit page and CSV, the grid editor's
// last edit), so they stay out of the WASM every page loads.
#[cfg(feature = "ssr")]
messages! {
    /// A word of the audit log; `text` gives it in a locale.
    AuditMsg;
    AuditActorVisitor => ("未登录的访客", "A visitor (not signed in)"),
    AuditActorSystem => ("系统", "The system"),
    AuditRemoved => ("已移除", "removed"),
    AuditYes => ("是", "yes"),
    AuditNo => ("否", "no"),
    AuditOk => ("成功", "Done"),
    AuditWelfareDone => ("已完成", "Done"),
    AuditKindReport => ("反映", "Report"),
    AuditKindDispute => ("矛盾纠纷", "Dispute"),
    AuditKindInspection => ("巡查", "Inspection"),
    AuditCsvAt => ("时间", "Time"),
    AuditCsvWhat => ("操作", "What happened"),
    AuditCsvCode => ("操作代码", "Action code"),
    AuditCsvResult => ("结果", "Result"),
    AuditCsvChanges => ("变化", "Changes"),
    AuditCsvNote => ("说明", "Note"),
    AuditRenameNode => ("{who}将「{node}」改名", "{who} renamed “{node}”"),
    AuditMoveNode => ("{who}把「{node}」移到新的上级下", "{who} moved “{node}” under a new parent"),
    AuditCreateNode => ("{who}新建了「{node}」", "{who} created “{node}”"),
    AuditDeleteNode => ("{who}删除了「{node}」下的一个节点", "{who} deleted a node under “{node}”"),
    AuditMergeNode => ("{who}把一个节点并入「{node}」", "{who} merged a node into “{node}”"),
    AuditSplitNode => ("{who}从「{node}」拆分出一个新节点", "{who} split a new node off “{node}”"),
    AuditAssignStaff => ("{who}为「{node}」指派了人员", "{who} assigned staff to “{node}”"),
    AuditRemoveStaff => ("{who}撤下了「{node}」的人员", "{who} removed staff from “{node}”"),
    AuditUndoEdit => ("{who}撤销了对「{node}」的上一次修改", "{who} undid the last edit of “{node}”"),
    AuditCreateElection => ("{who}在「{node}」发起了评选", "{who} started an election in “{node}”"),
    AuditEditElection => ("{who}修改了「{node}」的评选", "{who} edited the election of “{node}”"),
    AuditOpenVoting => ("{who}开始了「{node}」的投票", "{who} opened voting in “{node}”"),
    AuditExtendVoting => ("{who}延长了「{node}」的投票", "{who} extended voting in “{node}”"),
    AuditNominate => ("{who}在「{node}」提名了一位候选人", "{who} nominated a candidate in “{node}”"),
    AuditNominateSelf => ("{who}报名参加「{node}」的评选", "{who} entered the election of “{node}”"),
    AuditApproveNomination => ("{who}通过了「{node}」的一项报名", "{who} approved a nomination in “{node}”"),
    AuditRejectNomination => ("{who}驳回了「{node}」的一项报名", "{who} turned down a nomination in “{node}”"),
    AuditIssueApiKey => ("{who}为「{node}」签发了一个 Open311 密钥", "{who} issued an Open311 key for “{node}”"),
    AuditRevokeApiKey => ("{who}吊销了「{node}」的一个 Open311 密钥", "{who} revoked an Open311 key of “{node}”"),
    AuditSignup => ("{who}注册成为「{node}」的居民", "{who} signed up as a resident of “{node}”"),
    AuditRecordItem => ("{who}在「{node}」记录了一条民情", "{who} recorded an issue in “{node}”"),
    AuditSentimentStep => ("{who}处理了「{node}」的一条民情", "{who} moved an item of “{node}” on"),
    AuditOpen311Request => ("{who}通过 Open311 反映了「{node}」的一条民情", "{who} reported an item in “{node}” through Open311"),
    AuditAddElder => ("{who}在「{node}」登记了一位老人", "{who} registered an elder in “{node}”"),
    AuditUpdateElder => ("{who}修改了「{node}」一位老人的关爱计划", "{who} changed the care plan of an elder in “{node}”"),
    AuditLogVisit => ("{who}记录了对「{node}」一位老人的探访", "{who} logged a visit to an elder in “{node}”"),
    AuditPlaceOrder => ("{who}在「{node}」发布了一条需求", "{who} posted a need in “{node}”"),
    AuditPlaceOrderOnBehalf => ("{who}为「{node}」的一位居民代下单", "{who} posted a need for a resident of “{node}”"),
    AuditSetHeatAlert => ("{who}调整了「{node}」的高温预警", "{who} changed the heat alert of “{node}”"),
    AuditRequestWelfareCheck => ("{who}请求上门查看「{node}」的一位老人", "{who} asked for a welfare check on an elder in “{node}”"),
    AuditStartWelfareCheck => ("{who}前去查看「{node}」的一位老人", "{who} went to check on an elder in “{node}”"),
    AuditFinishWelfareCheck => ("{who}完成了对「{node}」一位老人的上门查看", "{who} finished a welfare check in “{node}”"),
    AuditVerifyResident => ("{who}核实了「{node}」的一位居民", "{who} verified a resident of “{node}”"),
    AuditOrderTransition => ("{who}推进了「{node}」的一张订单", "{who} moved an order of “{node}” on"),
    AuditDispatchOrder => ("{who}把「{node}」的一张订单指派给志愿者", "{who} assigned an order of “{node}” to a volunteer"),
    AuditDispatchAccepted => ("{who}接受了「{node}」的一张指派订单", "{who} accepted an assigned order of “{node}”"),
    AuditDispatchDeclined => ("{who}婉拒了「{node}」的一张指派订单", "{who} declined an assigned order of “{node}”"),
    AuditBookOffer => ("{who}在「{node}」预约了一项服务", "{who} booked a service in “{node}”"),
    AuditRegisterResident => ("{who}在「{node}」登记了一位无手机的居民", "{who} registered a resident without a phone in “{node}”"),
    AuditCreatePairing => ("{who}在「{node}」建立了结对帮扶", "{who} paired a volunteer with a resident in “{node}”"),
    AuditConfirmItem => ("{who}对「{node}」的一条民情给出了评价", "{who} gave their verdict on an item of “{node}”"),
    AuditSetWarning => ("{who}调整了「{node}」一条民情的预警等级", "{who} changed the warning level of an item of “{node}”"),
    AuditAddPhoto => ("{who}为「{node}」的一条民情添加了照片", "{who} added a photo to an item of “{node}”"),
    AuditAddRecordPhoto => ("{who}为「{node}」驿站活动的纪要添加了照片", "{who} added a photo to the record of a station activity of “{node}”"),
    AuditFollowUpItem => ("{who}对「{node}」的一条民情重新反映", "{who} reported an item of “{node}” again"),
    AuditRecheckItem => ("{who}复查了「{node}」的一条民情", "{who} rechecked an item of “{node}”"),
    AuditConvertItem => ("{who}把「{node}」的一条民情转为需求", "{who} turned an item of “{node}” into an order"),
    AuditPostOffer => ("{who}在「{node}」发布了一项「我帮忙」服务", "{who} offered a service in “{node}”"),
    AuditPublishActivity => ("{who}为「{node}」发布了驿站活动", "{who} published a station activity for “{node}”"),
    AuditRaiseTopic => ("{who}在「{node}」提出了议题", "{who} raised a topic for “{node}”"),
    AuditSupportTopic => ("{who}附议了「{node}」的一个议题", "{who} supported a topic of “{node}”"),
    AuditScreenTopic => ("{who}答复了「{node}」的一个议题", "{who} answered a topic of “{node}”"),
    AuditWriteMinutes => ("{who}记录了「{node}」一个议题的会议纪要", "{who} wrote the minutes of a topic of “{node}”"),
    AuditSignMinutes => ("{who}签署了「{node}」一个议题的会议纪要", "{who} signed the minutes of a topic of “{node}”"),
    AuditScheduleTopic => ("{who}把「{node}」的一个议题排入议事会", "{who} put a topic of “{node}” on a meeting's agenda"),
    AuditSignUpActivity => ("{who}报名了「{node}」的驿站活动", "{who} signed up for a station activity of “{node}”"),
    AuditCancelActivitySignup => ("{who}取消了「{node}」驿站活动的报名", "{who} gave up a sign-up for a station activity of “{node}”"),
    AuditCheckInActivity => ("{who}在「{node}」的驿站活动签到", "{who} checked in at a station activity of “{node}”"),
    AuditCheckOutActivity => ("{who}在「{node}」的驿站活动签退", "{who} checked out of a station activity of “{node}”"),
    AuditConfirmActivityHours => ("{who}确认了「{node}」驿站活动的志愿时长", "{who} confirmed volunteer hours at a station activity of “{node}”"),
    AuditMakeUpActivityHours => ("{who}为「{node}」的驿站活动补录了志愿时长", "{who} wrote a make-up entry of hours at a station activity of “{node}”"),
    AuditWriteActivityRecord => ("{who}写了「{node}」驿站活动的纪要", "{who} wrote the record of a station activity of “{node}”"),
    AuditPostThanks => ("{who}在「{node}」发了一条感谢", "{who} posted a thank-you in “{node}”"),
    AuditPostNews => ("{who}在「{node}」发布了一条动态", "{who} posted news in “{node}”"),
    AuditLikePost => ("{who}点赞了「{node}」的一条动态", "{who} liked a post in “{node}”"),
    AuditDecideNomination => ("{who}审核了「{node}」的一项报名", "{who} decided on a nomination in “{node}”"),
    AuditCastVote => ("{who}在「{node}」投了票", "{who} voted in “{node}”"),
    AuditSaveVolunteerProfile => ("{who}修改了志愿者资料", "{who} changed their volunteer profile"),
    AuditSetPartyBadge => ("{who}修改了党员亮身份", "{who} changed their party-member badge"),
    AuditProposePartyBadge => ("{who}建议一位志愿者亮明党员身份", "{who} suggested a volunteer show the party-member badge"),
    AuditTakeReleaseFlagged => ("{who}一天内多次接单后退单，已提醒网格长", "{who} released taken orders repeatedly in a day; grid leaders told"),
    AuditLogin => ("{who}登录", "{who} signed in"),
    AuditLoginFailed => ("{who}登录失败", "{who} failed to sign in"),
    AuditLogout => ("{who}退出登录", "{who} signed out"),
    AuditPasswordChanged => ("{who}修改了密码", "{who} changed their password"),
    AuditAccountDisabled => ("{who}停用了一个账号", "{who} disabled an account"),
    AuditAccountEnabled => ("{who}恢复了一个账号", "{who} re-enabled an account"),
    AuditCreateFirstAdmin => ("{who}创建了第一位管理员", "{who} created the first administrator"),
    AuditRequestRefused => ("{who}的一个请求被拒绝", "A request by {who} was refused"),
    AuditCrossSiteRefused => ("{who}从其他网站发来的请求被拒绝", "A request for {who} from another site was refused"),
    AuditFieldName => ("名称", "Name"),
    AuditFieldParent => ("上级节点", "Parent"),
    AuditFieldCode => ("编码", "Code"),
    AuditFieldLevel => ("层级", "Level"),
    AuditFieldInto => ("并入节点", "Merged into"),
    AuditFieldNew => ("新节点", "New node"),
    AuditFieldBuildings => ("楼栋", "Buildings"),
    AuditFieldAssignment => ("指派记录", "Assignment"),
    AuditFieldAccount => ("账号", "Account"),
    AuditFieldRole => ("角色", "Role"),
    AuditFieldTitle => ("标题", "Title"),
    AuditFieldStars => ("评选名额", "Stars to elect"),
    AuditFieldVotesPerVoter => ("每人可投票数", "Votes per voter"),
    AuditFieldNominationStart => ("报名开始", "Nominations open"),
    AuditFieldNominationEnd => ("报名截止", "Nominations close"),
    AuditFieldVotingStart => ("投票开始", "Voting opens"),
    AuditFieldVotingEnd => ("投票截止", "Voting closes"),
    AuditFieldNoticeEnd => ("公示截止", "Notice ends"),
    AuditFieldLiveTally => ("实时显示票数", "Live tally"),
    AuditFieldMinHours => ("最低服务时长（小时）", "Minimum service hours"),
    AuditFieldStatus => ("状态", "Status"),
    AuditFieldLabel => ("用途", "Label"),
    AuditFieldArea => ("区域", "Area"),
    AuditFieldRevoked => ("已吊销", "Revoked"),
    AuditFieldKind => ("类型", "Kind"),
    AuditFieldCategory => ("类别", "Category"),
    AuditFieldResolved => ("已解决", "Resolved"),
    AuditFieldRating => ("评分", "Rating"),
    AuditFieldWarning => ("预警等级", "Warning level"),
    AuditFieldHeatAlert => ("高温预警", "Heat alert"),
    AuditFieldPassed => ("复查通过", "Re-check passed"),
    AuditFieldReopenedAs => ("重新立案为", "Reopened as"),
    AuditFieldOrder => ("订单", "Order"),
    AuditFieldPhoto => ("照片", "Photo"),
    AuditFieldBytes => ("大小（字节）", "Size (bytes)"),
    AuditFieldLivingAlone => ("独居", "Lives alone"),
    AuditFieldHealthNotes => ("健康情况", "Health notes"),
    AuditFieldContactName => ("紧急联系人", "Emergency contact"),
    AuditFieldContactPhone => ("联系人电话", "Contact's phone"),
    AuditFieldEveryDays => ("探访间隔（天）", "Visit every (days)"),
    AuditFieldHeatEveryDays => ("高温期间探访间隔（天）", "Visit every (days) in a heat alert"),
    AuditFieldResident => ("居民", "Resident"),
    AuditFieldOutcome => ("探访结果", "Visit outcome"),
    AuditFieldOutcomeNote => ("情况说明", "What was found"),
    AuditFieldLeadersNotified => ("已通知网格长", "Grid leaders told"),
    AuditFieldSection => ("服务板块", "Section"),
    AuditFieldUrgency => ("紧急程度", "Urgency"),
    AuditFieldVisit => ("探访记录", "Visit"),
    AuditFieldVolunteer => ("志愿者", "Volunteer"),
    AuditFieldDispatch => ("指派", "Assignment"),
    AuditFieldOffer => ("服务", "Service"),
    AuditFieldHousehold => ("户", "Household"),
    AuditFieldUnit => ("单元", "Unit"),
    AuditFieldRoom => ("房号", "Room"),
    AuditFieldVerified => ("已核实", "Verified"),
    AuditFieldWeekday => ("星期", "Weekday"),
    AuditFieldPart => ("时段", "Time of day"),
    AuditFieldSkills => ("服务板块", "Skills"),
    AuditFieldAvailability => ("可服务时间", "Availability"),
    AuditFieldSharesPhone => ("向下单居民显示手机号", "Shows their phone to requesters"),
}

// The words of notices (`domain::notice`), put together on the server in the reader's
// language when a notice is shown; like the audit words, they stay out of the WASM.
#[cfg(feature = "ssr")]
messages! {
    /// A notice's words; `{…}` are its arguments.
    NoticeMsg;
    NoticeDispatch => ("网格长给您指派了一个需求", "Your grid leader dispatched an order to you"),
    NoticeOfferBooked => ("有居民预约了您的服务", "A resident booked your offer"),
    NoticeOrderCancelled => ("居民取消了您接的需求，原因：{reason}", "The resident cancelled the order you took. Reason: {reason}"),
    NoticeTakeReleaseFlagged => ("{volunteer}今天已第3次接单后又退单，请留意是否有人借接单查看居民联系方式", "{volunteer} released an order after taking it for the third time today; please check that nobody takes orders only to read contacts"),
    NoticeSentimentDispatch => ("民情派遣：{excerpt}", "A 民情 item was dispatched to you: {excerpt}"),
    NoticeSentimentClosed => ("您反映的问题已办结，请确认是否解决：{excerpt}", "The problem you reported was closed; please say whether it is solved: {excerpt}"),
    NoticeSentimentEscalation1 => ("民情超期督办：{excerpt}", "Overdue 民情 item, sent up to you: {excerpt}"),
    NoticeSentimentEscalation2 => ("民情超期督办（社区）：{excerpt}", "Overdue 民情 item, sent up to the community: {excerpt}"),
    NoticeElderEmergency => ("紧急：探访发现独居老人情况紧急，请立即处置", "Emergency: a visit found an elder in urgent need; act now"),
    NoticeWelfareCheck => ("有家属请求上门查看独居老人，请尽快处理", "A relative asked for a welfare check on an elder; please go soon"),
    NoticeActivitySeat => ("候补成功：您已获得「{title}」的名额，请按时参加", "You have a place now at “{title}”: please come on time"),
    NoticeActivityHours => ("「{title}」的服务时长已确认：{hours}小时", "Your hours at “{title}” are confirmed: {hours} h"),
    NoticePartyBadgeProposed => ("网格工作人员建议您在志愿者资料上亮明党员身份，确认后才会显示", "Staff suggest you show the party-member badge on your volunteer profile; it shows only once you confirm"),
    NoticeTopicAccepted => ("您提出的议题已受理：{title}", "The topic you raised was accepted: {title}"),
    NoticeTopicDeclined => ("您提出的议题未采纳：{title}，理由见议题页", "The topic you raised was declined: {title}; the reason is on its page"),
    NoticeTopicReferred => ("您提出的议题已转为民情办理：{title}", "The topic you raised went to be fixed as a concern: {title}"),
    NoticeTopicMerged => ("您附议的议题「{title}」已并入另一议题，您家的附议随之转入", "The topic you supported, “{title}”, was merged into another; your household's support moved with it"),
    NoticeTopicScheduled => ("您附议的议题已排入议事会：{title}，欢迎到场", "A topic you support is on a meeting's agenda: {title}; come along"),
    NoticeTopicEscalation => ("议题超过一周未答复，督办：{title}", "A topic has waited over a week for an answer (escalated): {title}"),
}

/// A stored notice in the reader's language. A notice written before notices had kinds
/// keeps its sentence (argument `text`); one this version cannot read says so.
#[cfg(feature = "ssr")]
pub fn notice_text(kind: &str, args_json: &str, locale: Locale) -> String {
    use crate::domain::notice::Notice;
    let Some(notice) = Notice::parse(kind, args_json) else {
        return serde_json::from_str::<serde_json::Value>(args_json)
            .ok()
            .and_then(|v| v.get("text").and_then(|t| t.as_str()).map(String::from))
            .unwrap_or_else(|| kind.to_string());
    };
    let words = |m: NoticeMsg| m.text(locale).to_string();
    match notice {
        Notice::DispatchedToYou { .. } => words(NoticeMsg::NoticeDispatch),
        Notice::OfferBooked { .. } => words(NoticeMsg::NoticeOfferBooked),
        Notice::OrderCancelled { reason, .. } => words(NoticeMsg::NoticeOrderCancelled).replace("{reason}", &reason),
        Notice::TakeReleaseFlagged { volunteer } => {
            words(NoticeMsg::NoticeTakeReleaseFlagged).replace("{volunteer}", &volunteer)
        }
        Notice::SentimentDispatch { excerpt, .. } => {
            words(NoticeMsg::NoticeSentimentDispatch).replace("{excerpt}", &excerpt)
        }
        Notice::SentimentClosed { excerpt, .. } => {
            words(NoticeMsg::NoticeSentimentClosed).replace("{excerpt}", &excerpt)
        }
        Notice::SentimentEscalation { level, excerpt, .. } => {
            let m =
                if level >= 2 { NoticeMsg::NoticeSentimentEscalation2 } else { NoticeMsg::NoticeSentimentEscalation1 };
            words(m).replace("{excerpt}", &excerpt)
        }
        Notice::ElderEmergency => words(NoticeMsg::NoticeElderEmergency),
        Notice::WelfareCheck => words(NoticeMsg::NoticeWelfareCheck),
        Notice::ActivitySeat { title, .. } => words(NoticeMsg::NoticeActivitySeat).replace("{title}", &title),
        Notice::ActivityHours { title, half_hours, .. } => words(NoticeMsg::NoticeActivityHours)
            .replace("{title}", &title)
            .replace("{hours}", &crate::domain::activity::hours_text(half_hours)),
        Notice::PartyBadgeProposed => words(NoticeMsg::NoticePartyBadgeProposed),
        Notice::TopicAccepted { title, .. } => words(NoticeMsg::NoticeTopicAccepted).replace("{title}", &title),
        Notice::TopicDeclined { title, .. } => words(NoticeMsg::NoticeTopicDeclined).replace("{title}", &title),
        Notice::TopicReferred { title, .. } => words(NoticeMsg::NoticeTopicReferred).replace("{title}", &title),
        Notice::TopicMerged { title, .. } => words(NoticeMsg::NoticeTopicMerged).replace("{title}", &title),
        Notice::TopicScheduled { title, .. } => words(NoticeMsg::NoticeTopicScheduled).replace("{title}", &title),
        Notice::TopicEscalation { title, .. } => words(NoticeMsg::NoticeTopicEscalation).replace("{title}", &title),
    }
}

#[cfg(feature = "ssr")]
impl Msg {
    /// The message named `key` (its variant's name), for a message stored as a key.
    pub fn from_key(key: &str) -> Option<Msg> {
        Msg::ALL.iter().copied().find(|m| m.name() == key)
    }
}

/// The localised label of a role.
pub fn role_label(role: crate::domain::role::Role) -> Msg {
    use crate::domain::role::Role;
    match role {
        Role::Resident => Msg::RoleResident,
        Role::Volunteer => Msg::RoleVolunteer,
        Role::MicroGridMember => Msg::RoleMicroGridMember,
        Role::GridLeader => Msg::RoleGridLeader,
        Role::CommunityAdmin => Msg::RoleCommunityAdmin,
        Role::SubdistrictAdmin => Msg::RoleSubdistrictAdmin,
    }
}

pub fn level_label(level: crate::domain::grid::NodeLevel) -> Msg {
    use crate::domain::grid::NodeLevel as L;
    match level {
        L::Subdistrict => Msg::LevelSubdistrict,
        L::Community => Msg::LevelCommunity,
        L::Grid => Msg::LevelGrid,
        L::MicroGrid => Msg::LevelMicroGrid,
        L::Building => Msg::LevelBuilding,
        L::Unit => Msg::LevelUnit,
    }
}

pub fn section_label(section: crate::domain::order::ServiceSection) -> Msg {
    use crate::domain::order::ServiceSection as S;
    match section {
        S::DailyLife => Msg::SectionDailyLife,
        S::Health => Msg::SectionHealth,
        S::PolicyConsultation => Msg::SectionPolicy,
        S::TargetedAssistance => Msg::SectionAssistance,
        S::Environment => Msg::SectionEnvironment,
    }
}

/// What happens next to one of the person's own orders.
pub fn next_step_label(step: crate::domain::order::NextStep) -> Msg {
    use crate::domain::order::NextStep as N;
    match step {
        N::AwaitTaker => Msg::NextAwaitTaker,
        N::AwaitVisit => Msg::NextAwaitVisit,
        N::BeingServed => Msg::NextBeingServed,
        N::ConfirmIt => Msg::NextConfirmIt,
        N::StartIt => Msg::NextStartIt,
        N::FinishIt => Msg::NextFinishIt,
        N::AwaitConfirmation => Msg::NextAwaitConfirmation,
        N::Done => Msg::NextDone,
        N::Cancelled => Msg::NextCancelled,
    }
}

pub fn taken_via_label(via: crate::domain::order::TakenVia) -> Msg {
    match via {
        crate::domain::order::TakenVia::Offer => Msg::TakenViaOffer,
        crate::domain::order::TakenVia::Dispatch => Msg::TakenViaDispatch,
    }
}

pub fn status_label(status: crate::domain::order::OrderStatus) -> Msg {
    use crate::domain::order::OrderStatus as S;
    match status {
        S::Open => Msg::StatusOpen,
        S::Taken => Msg::StatusTaken,
        S::InService => Msg::StatusInService,
        S::AwaitingConfirmation => Msg::StatusAwaiting,
        S::Completed => Msg::StatusCompleted,
        S::Cancelled => Msg::StatusCancelled,
    }
}

/// The label of a 民情 stage (采集 … 办结, 作废, 挂账).
pub fn stage_label(stage: crate::domain::sentiment::Stage) -> Msg {
    use crate::domain::sentiment::Stage;
    match stage {
        Stage::Collected => Msg::StageCollected,
        Stage::Reported => Msg::StageReported,
        Stage::Accepted => Msg::StageAccepted,
        Stage::Dispatched => Msg::StageDispatched,
        Stage::Handled => Msg::StageHandled,
        Stage::Verified => Msg::StageVerified,
        Stage::Closed => Msg::StageClosed,
        Stage::Voided => Msg::StageVoided,
        Stage::Parked => Msg::StageParked,
    }
}

pub fn outcome_label(outcome: crate::domain::elder::VisitOutcome) -> Msg {
    use crate::domain::elder::VisitOutcome;
    match outcome {
        VisitOutcome::Safe => Msg::OutcomeSafe,
        VisitOutcome::NeedsHelp => Msg::OutcomeNeedsHelp,
        VisitOutcome::Emergency => Msg::OutcomeEmergency,
    }
}

pub fn phase_label(phase: crate::domain::election::Phase) -> Msg {
    use crate::domain::election::Phase;
    match phase {
        Phase::Upcoming => Msg::PhaseUpcoming,
        Phase::Nominating => Msg::PhaseNominating,
        Phase::Preparing => Msg::PhasePreparing,
        Phase::Voting => Msg::PhaseVoting,
        Phase::Notice => Msg::PhaseNotice,
        Phase::Published => Msg::PhasePublished,
    }
}

pub fn category_label(category: crate::domain::sentiment::Category) -> Msg {
    use crate::domain::sentiment::Category;
    match category {
        Category::Facility => Msg::CatFacility,
        Category::Safety => Msg::CatSafety,
        Category::Sanitation => Msg::CatSanitation,
        Category::Dispute => Msg::CatDispute,
        Category::IllegalBuilding => Msg::CatIllegalBuilding,
        Category::Other => Msg::CatOther,
    }
}

pub fn step_label(step: crate::domain::sentiment::StageAction) -> Msg {
    use crate::domain::sentiment::StageAction;
    match step {
        StageAction::Report => Msg::StepReport,
        StageAction::Accept => Msg::StepAccept,
        StageAction::Dispatch => Msg::StepDispatch,
        StageAction::Handle => Msg::StepHandle,
        StageAction::Verify => Msg::StepVerify,
        StageAction::Rework => Msg::StepRework,
        StageAction::Close => Msg::StepClose,
        StageAction::Void => Msg::StepVoid,
        StageAction::Park => Msg::StepPark,
        StageAction::Resume => Msg::StepResume,
        StageAction::Reopen => Msg::StepReopen,
    }
}

pub fn warning_label(w: crate::domain::sentiment::Warning) -> Msg {
    use crate::domain::sentiment::Warning;
    match w {
        Warning::Green => Msg::WarningGreen,
        Warning::Yellow => Msg::WarningYellow,
        Warning::Red => Msg::WarningRed,
    }
}

pub fn handler_label(h: crate::domain::sentiment::HandlerKind) -> Msg {
    use crate::domain::sentiment::HandlerKind;
    match h {
        HandlerKind::Volunteer => Msg::HandlerVolunteer,
        HandlerKind::Property => Msg::HandlerProperty,
        HandlerKind::Department => Msg::HandlerDepartment,
    }
}

/// "3 票" / "3 votes", "1 vote": a count with its unit (English drops the plural s of one).
pub fn count_text(locale: Locale, n: i64, unit: Msg) -> String {
    let unit = unit.text(locale);
    match locale {
        Locale::En if n == 1 => format!("1 {}", unit.strip_suffix('s').unwrap_or(unit)),
        _ => format!("{n} {unit}"),
    }
}

/// "三星志愿者" / "3-star volunteer".
pub fn star_level_text(locale: Locale, stars: u8) -> String {
    const ZH: [&str; 5] = ["一", "二", "三", "四", "五"];
    match locale {
        Locale::Zh => format!("{}星志愿者", ZH[usize::from(stars.clamp(1, 5)) - 1]),
        Locale::En => format!("{stars}-star volunteer"),
    }
}

/// "再服务 87.5 小时可评为一星志愿者" / "87.5 more hours to a 1-star volunteer".
pub fn to_next_star_text(locale: Locale, next: u8, missing: f64) -> String {
    let level = star_level_text(locale, next);
    let missing = if missing.fract() == 0.0 { format!("{missing:.0}") } else { format!("{missing:.1}") };
    match locale {
        Locale::Zh => format!("再服务 {missing} 小时可评为{level}"),
        Locale::En => format!("{missing} more hours to a {level}"),
    }
}

/// "5分钟前" / "5 min ago" for an age in seconds.
pub fn age_text(locale: Locale, seconds: i64) -> String {
    let sep = if locale == Locale::En { " " } else { "" };
    match seconds {
        s if s < 60 => Msg::JustNow.text(locale).to_string(),
        s if s < 3600 => format!("{}{sep}{}", s / 60, Msg::MinutesAgo.text(locale)),
        s if s < 86_400 => format!("{}{sep}{}", s / 3600, Msg::HoursAgo.text(locale)),
        s => format!("{}{sep}{}", s / 86_400, Msg::DaysAgo.text(locale)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn a_count_of_one_is_singular_in_english() {
        assert_eq!(count_text(Locale::En, 1, Msg::Votes), "1 vote");
        assert_eq!(count_text(Locale::En, 2, Msg::Orders), "2 orders");
        assert_eq!(count_text(Locale::Zh, 1, Msg::Votes), "1 票");
    }

    #[test]
    fn a_star_level_and_the_way_to_the_next_read_as_words() {
        assert_eq!(star_level_text(Locale::Zh, 3), "三星志愿者");
        assert_eq!(to_next_star_text(Locale::Zh, 4, 280.0), "再服务 280 小时可评为四星志愿者");
        assert_eq!(to_next_star_text(Locale::En, 1, 87.5), "87.5 more hours to a 1-star volunteer");
    }

    #[test]
    fn every_message_has_text_in_both_locales() {
        let texts = Msg::ALL
            .iter()
            .map(|m| (format!("{m:?}"), m.text(Locale::Zh), m.text(Locale::En)))
            .chain(ServerMsg::ALL.iter().map(|m| (format!("{m:?}"), m.text(Locale::Zh), m.text(Locale::En))));
        for (msg, zh, en) in texts {
            assert!(!zh.trim().is_empty() && !en.trim().is_empty(), "{msg}");
            assert!(!en.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)), "English text of {msg} has Chinese");
        }
    }

    #[test]
    fn every_message_crosses_the_wire_as_its_position_and_name_and_comes_back() {
        for &m in Msg::ALL {
            let json = serde_json::to_string(&m).unwrap_or_default();
            assert_eq!(json, format!("[{},\"{m:?}\"]", m as u16));
            assert_eq!(serde_json::from_str::<Msg>(&json).ok(), Some(m), "{json}");
        }
        // The browser reads the position only.
        assert_eq!(serde_json::from_str::<Msg>("[1,\"\"]").ok(), Some(Msg::Tagline));
        assert!(serde_json::from_str::<Msg>(&format!("[{},\"\"]", Msg::ALL.len())).is_err());
        assert!(serde_json::from_str::<Msg>("\"AppName\"").is_err());
    }

    #[test]
    fn locale_tags_round_trip() {
        for locale in [Locale::Zh, Locale::En] {
            assert_eq!(Locale::from_tag(locale.tag()), Some(locale));
        }
        assert_eq!(Locale::from_tag("fr"), None);
    }

    #[test]
    fn ages_read_naturally() {
        assert_eq!(age_text(Locale::Zh, 30), "刚刚");
        assert_eq!(age_text(Locale::Zh, 300), "5分钟前");
        assert_eq!(age_text(Locale::En, 7200), "2 h ago");
        assert_eq!(age_text(Locale::En, 3 * 86_400), "3 d ago");
    }

    #[cfg(feature = "ssr")]
    #[test]
    fn a_stored_notice_reads_in_the_readers_language_with_its_arguments() {
        use crate::domain::notice::Notice;
        let n = Notice::OrderCancelled { order: crate::domain::ids::OrderId(4), reason: "家里人来了".into() };
        assert_eq!(notice_text(n.kind(), &n.args_json(), Locale::Zh), "居民取消了您接的需求，原因：家里人来了");
        assert_eq!(
            notice_text(n.kind(), &n.args_json(), Locale::En),
            "The resident cancelled the order you took. Reason: 家里人来了"
        );
        let up = Notice::SentimentEscalation { item: 1, level: 2, excerpt: "消防栓漏水".into() };
        assert_eq!(notice_text(up.kind(), &up.args_json(), Locale::Zh), "民情超期督办（社区）：消防栓漏水");
        // Written before notices had kinds and arguments: the sentence as it was stored.
        assert_eq!(
            notice_text("dispatch", r#"{"text":"网格长给您指派了一个需求"}"#, Locale::En),
            "网格长给您指派了一个需求"
        );
        for m in NoticeMsg::ALL {
            assert!(!m.text(Locale::Zh).is_empty() && !m.text(Locale::En).is_empty(), "{m:?}");
        }
    }
}
