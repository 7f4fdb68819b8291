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

macro_rules! messages {
    ($($key:ident => ($zh:literal, $en:literal),)*) => {
        /// A message key; `text` gives it in a locale.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        pub enum Msg { $($key,)* }

        impl Msg {
            pub const ALL: &'static [Msg] = &[$(Msg::$key,)*];

            pub fn text(self, locale: Locale) -> &'static str {
                match (self, locale) {
                    $((Msg::$key, Locale::Zh) => $zh, (Msg::$key, Locale::En) => $en,)*
                }
            }
        }
    };
}

messages! {
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

    ErrBadCredentials => ("手机号或密码不正确", "Wrong phone number or password"),
    ErrRateLimited => ("尝试次数过多，请一分钟后再试", "Too many attempts; please try again in a minute"),
    ErrUnauthorized => ("请先登录", "Please sign in first"),
    ErrForbidden => ("没有权限", "You do not have permission"),
    ErrForbiddenHint => ("这个页面只对网格工作人员开放。", "This page is for grid staff only."),
    ErrNotFound => ("页面不存在", "Page not found"),
    ErrNotFoundHint => ("您要找的内容不存在或已被删除。", "What you are looking for does not exist or was removed."),
    ErrInternal => ("服务器出错了，请稍后再试", "Something went wrong on our side; please try again"),
    ErrNetwork => ("网络不稳定，请检查网络后重试", "The network is unstable; please check it and try again"),
    ErrBadRequest => ("请求格式不正确，请刷新页面后重试", "The request was malformed; please reload and try again"),
    ErrInvalid => ("请检查填写的内容", "Please check what you entered"),
    ErrRequired => ("此项必填", "This field is required"),
    ErrTooLong => ("内容太长了", "This is too long"),
    ErrPhoneMalformed => ("手机号格式不正确，应为11位手机号码", "Enter an 11-digit mainland mobile number"),
    ErrPasswordShort => ("密码至少需要8位", "The password needs at least 8 characters"),
    ErrPasswordLong => ("密码不能超过128位", "The password can have at most 128 characters"),
    ErrPasswordCommon => ("这个密码太常见，请换一个", "This password is too common; choose another"),
    ErrPhoneTaken => ("该手机号已注册，请直接登录", "This phone number is already registered; please sign in"),
    ErrNoSuchMicroGrid => ("请选择有效的微网格", "Choose a valid micro-grid"),
    ErrAccountDisabled => ("该账号已停用，请联系社区", "This account is disabled; please contact your community"),
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
    Households => ("户数", "Households"),
    Residents => ("居民", "Residents"),
    OverSixty => ("60岁以上", "Over 60"),
    LivingAlone => ("独居老人", "Living alone"),
    OpenOrders => ("待接单", "Open orders"),
    SubAreas => ("下级区域", "Areas below"),
    Leader => ("负责人", "Leader"),
    Station => ("驿站", "Station"),

    ErrOrderTaken => ("该需求已被接单", "Someone else has already taken this order"),
    ErrOrderChanged => ("订单状态已变化，请刷新后再试", "The order has changed; please reload and try again"),
    ErrOwnOrder => ("不能接自己发布的需求", "You cannot take your own order"),
    ErrNoProfilePlace => ("请先在社区登记您的微网格和楼栋", "Ask your community to register your micro-grid and building first"),
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
    Requester => ("求助人", "Requester"),
    Taker => ("接单人", "Taken by"),
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
    MyOrders => ("我的需求与服务", "My orders"),
    NoOrdersYet => ("还没有记录", "Nothing yet"),
    ViewOrder => ("查看", "View"),
    Minutes => ("分钟", "min"),
    ErrNoSuchVolunteer => ("请选择本社区的志愿者", "Choose a volunteer of this community"),
    DispatchedToYou => ("网格长给您指派了一个需求", "Your grid leader dispatched an order to you"),
    LeaderQueue => ("待处理（超时未接单）", "Escalated: not taken in time"),
    NoEscalated => ("没有超时未接单的需求", "No escalated orders"),
    DispatchTo => ("指派", "Dispatch"),
    Dispatched => ("已指派", "Dispatched"),
    SameMicroGrid => ("同微网格", "same micro-grid"),
    Skilled => ("擅长", "skilled"),
    InHand => ("手头", "in hand"),
    DispatchedToMe => ("指派给我", "Dispatched to me"),
    Accept => ("接受", "Accept"),
    Decline => ("婉拒", "Decline"),
    OfferBooked => ("有居民预约了您的服务", "A resident booked your offer"),
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
    LevelReached => ("已达到志愿服务", "Volunteer level reached:"),
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
    TieRule => ("票数相同时，确认服务时长多者在前；仍相同时，报名早者在前。", "On equal votes, more confirmed service hours first; then the earlier nomination."),
    ElectedStars => ("当选名单", "Elected"),
    PastElections => ("其他评选", "Other elections"),
    Rank => ("第", "No."),
    TallyAfterClose => ("票数将在投票结束后公布", "The tally is published when voting closes"),
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

    // -- 独居老人关爱 and welfare checks (elders) --

    // -- 指挥中心 (dashboard) --

    // -- Open311 --
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
    fn every_message_has_text_in_both_locales() {
        for msg in Msg::ALL {
            let zh = msg.text(Locale::Zh);
            let en = msg.text(Locale::En);
            assert!(!zh.trim().is_empty() && !en.trim().is_empty(), "{msg:?}");
            assert!(!en.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)), "English text of {msg:?} has Chinese");
        }
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
}
