//! Property-based tests of the domain: the input parsers never panic and accept only what
//! their docs promise, and random runs of the order and 民情 state machines, by random
//! people, keep the invariants the rules document.
//!
//! Cases per property: `DEFAULT_CASES`, or `PROPTEST_CASES` when set (proptest applies the
//! variable over an explicit config too; `the_case_count_follows_proptest_cases` checks it).
//! `scripts/test` runs them once more with many more cases.
use proptest::prelude::*;
use proptest::sample::{select, Index};
use std::collections::BTreeSet;

use crate::domain::csv;
use crate::domain::election::{self, check_vote, validate_draft, DraftInput, Phase, VoteAttempt, VoteRefusal};
use crate::domain::grid::{self, NodeLevel};
use crate::domain::ids::{AccountId, NodeId, PersonId};
use crate::domain::matching::{self, OrderNeeds, VolunteerFacts};
use crate::domain::order::{Actor, OrderAction, OrderFacts, OrderStatus, Refusal, ServiceSection, Urgency};
use crate::domain::pairing::next_occurrence;
use crate::domain::password::{check_new_password, PasswordError, MAX_LEN, MIN_LEN};
use crate::domain::phone::{PhoneError, PhoneNumber};
use crate::domain::privacy::{mask_name, mask_phone};
use crate::domain::role::Role;
use crate::domain::sentiment::{
    escalation_due, Category, HandlerKind, ItemFacts, ItemRefusal, Kind, Stage, StageAction, Standing, Warning,
    ACCEPT_WITHIN_SECS,
};
use crate::domain::time::{format_local_date, format_local_datetime, parse_local_date, parse_local_datetime};

const DEFAULT_CASES: u32 = 128;
const DAY: i64 = 86_400;
const CST: i64 = 8 * 3600;

fn config() -> ProptestConfig {
    ProptestConfig { cases: DEFAULT_CASES, ..ProptestConfig::default() }
}

#[test]
fn the_case_count_follows_proptest_cases() {
    let cases = proptest::test_runner::contextualize_config(config()).cases;
    match std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse::<u32>().ok()) {
        Some(n) => assert_eq!(cases, n),
        None => assert_eq!(cases, DEFAULT_CASES),
    }
}

// ---------------------------------------------------------------------------------------
// Inputs

/// Any string: short arbitrary unicode mostly, sometimes very long.
fn any_text() -> impl Strategy<Value = String> {
    prop_oneof![
        8 => any::<String>(),
        1 => prop::collection::vec(any::<char>(), 256..4_096).prop_map(String::from_iter),
    ]
}

/// Strings near the shape a parser accepts, so its accepting paths are explored too.
fn text_or(shape: &'static str) -> impl Strategy<Value = String> {
    prop_oneof![any_text(), shape]
}

// ---------------------------------------------------------------------------------------
// Phone numbers

proptest! {
    #![proptest_config(config())]

    #[test]
    fn a_parsed_phone_is_eleven_ascii_digits_of_a_mainland_mobile(
        input in text_or("[ \u{3000}-]{0,2}(\\+86|0086|86|\\+|0)?[ \u{3000}-]?1[0-9 -]{9,12}[0-9a]?"),
    ) {
        let separators_only = input.chars().all(|c| matches!(c, ' ' | '-' | '\u{3000}'));
        match PhoneNumber::parse(&input) {
            Ok(phone) => {
                let digits = phone.as_str();
                prop_assert_eq!(digits.len(), 11);
                prop_assert!(digits.bytes().all(|b| b.is_ascii_digit()));
                prop_assert!(digits.starts_with('1') && (b'3'..=b'9').contains(&digits.as_bytes()[1]));
                // Only the documented forms: the digits, with +86 / 0086 / 86 before them.
                let typed: String = input.chars().filter(|c| !matches!(c, ' ' | '-' | '\u{3000}')).collect();
                prop_assert!(["", "+86", "0086", "86"].iter().any(|p| typed == format!("{p}{digits}")), "{typed}");
                // Normalised: parsing the stored form gives it back.
                prop_assert_eq!(PhoneNumber::parse(digits), Ok(phone.clone()));
                let masked = phone.masked();
                prop_assert_eq!(&masked, &format!("{}****{}", &digits[..3], &digits[7..]));
                prop_assert_eq!(phone.to_string(), masked);
            }
            Err(PhoneError::Empty) => prop_assert!(separators_only),
            Err(PhoneError::Malformed) => prop_assert!(!separators_only),
        }
    }

    #[test]
    fn a_mobile_number_typed_any_way_parses_to_its_digits(
        digits in "1[3-9][0-9]{9}",
        prefix in select(vec!["", "+86", "0086", "86"]),
        separators in prop::collection::vec((0usize..16, select(vec![' ', '-', '\u{3000}'])), 0..6),
    ) {
        let mut typed: Vec<char> = format!("{prefix}{digits}").chars().collect();
        for (at, sep) in separators {
            typed.insert(at.min(typed.len()), sep);
        }
        let typed: String = typed.into_iter().collect();
        prop_assert_eq!(PhoneNumber::parse(&typed).map(|p| p.as_str().to_string()), Ok(digits), "{}", typed);
    }

    #[test]
    fn masked_phones_and_names_never_panic_and_hide_the_middle(input in any_text()) {
        let phone = mask_phone(&input);
        if input.len() == 11 && input.is_ascii() {
            prop_assert_eq!(phone, format!("{}****{}", &input[..3], &input[7..]));
        } else {
            prop_assert_eq!(phone, "****");
        }
        let name = mask_name(&input);
        let surname = name.strip_suffix("**").unwrap_or_default();
        prop_assert!(name.ends_with("**"));
        prop_assert!(surname.chars().count() <= 2 && input.trim().starts_with(surname));
    }
}

// ---------------------------------------------------------------------------------------
// Grid codes

const ROOT: &str = "320602001";
const BELOW_SUBDISTRICT: [NodeLevel; 5] =
    [NodeLevel::Community, NodeLevel::Grid, NodeLevel::MicroGrid, NodeLevel::Building, NodeLevel::Unit];

/// A node of the tree under `ROOT` as its path of 1-based sequence numbers (small numbers
/// often, so two paths share ancestors).
fn tree_path() -> impl Strategy<Value = Vec<u32>> {
    prop::collection::vec(prop_oneof![3 => 1u32..4, 1 => 1u32..1000], 0..=5)
}

/// The code of the node at `path`, built with `child_code` level by level.
fn code_of(path: &[u32]) -> String {
    path.iter().zip(BELOW_SUBDISTRICT).fold(ROOT.to_string(), |code, (seq, level)| {
        let seq = seq % 10u32.pow(level.segment_width() as u32);
        grid::child_code(&code, level, seq.max(1)).unwrap_or(code)
    })
}

/// `path` as `code_of` numbers it (sequences folded into each level's range).
fn normalised(path: &[u32]) -> Vec<u32> {
    path.iter()
        .zip(BELOW_SUBDISTRICT)
        .map(|(seq, level)| (seq % 10u32.pow(level.segment_width() as u32)).max(1))
        .collect()
}

fn level_at(depth: usize) -> NodeLevel {
    if depth == 0 {
        NodeLevel::Subdistrict
    } else {
        BELOW_SUBDISTRICT[depth - 1]
    }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn is_within_is_reflexive_and_means_starts_with(a in any_text(), b in any_text(), c in any_text()) {
        prop_assert!(grid::is_within(&a, &a));
        prop_assert_eq!(grid::is_within(&a, &b), a.starts_with(b.as_str()));
        prop_assert!(grid::is_within(&a, ""));
        // Transitive: c+b+a lies in c+b, which lies in c.
        let (cb, cba) = (format!("{c}{b}"), format!("{c}{b}{a}"));
        prop_assert!(grid::is_within(&cba, &cb) && grid::is_within(&cb, &c) && grid::is_within(&cba, &c));
    }

    #[test]
    fn child_codes_are_fixed_width_segments(parent in "[0-9]{0,20}", level in select(NodeLevel::ALL.to_vec()), seq in any::<u32>()) {
        let width = level.segment_width();
        match grid::child_code(&parent, level, seq) {
            Ok(code) => {
                prop_assert!(seq >= 1 && u64::from(seq) < 10u64.pow(width as u32));
                prop_assert_eq!(code.len(), parent.len() + width);
                prop_assert!(grid::is_within(&code, &parent) && code != parent);
                prop_assert_eq!(code[parent.len()..].parse::<u32>().ok(), Some(seq));
            }
            Err(grid::CodeError::SequenceOutOfRange) => {
                prop_assert!(seq == 0 || u64::from(seq) >= 10u64.pow(width as u32));
            }
        }
    }

    /// Fixed widths make string prefixes agree with the tree: a node's code lies within
    /// another's exactly when the other is its ancestor (or itself).
    #[test]
    fn is_within_agrees_with_ancestry_in_the_tree(p in tree_path(), q in tree_path()) {
        let (p_norm, q_norm) = (normalised(&p), normalised(&q));
        let ancestor = p_norm.starts_with(&q_norm);
        prop_assert_eq!(grid::is_within(&code_of(&p), &code_of(&q)), ancestor, "{:?} in {:?}", p_norm, q_norm);
        prop_assert_eq!(code_of(&p) == code_of(&q), p_norm == q_norm);
    }

    #[test]
    fn community_prefix_is_a_prefix_and_names_the_community(code in any_text(), path in tree_path()) {
        let prefix = grid::community_prefix(&code);
        prop_assert!(code.starts_with(prefix));
        prop_assert_eq!(grid::community_prefix(prefix), prefix);
        let node = code_of(&path);
        if path.is_empty() {
            prop_assert_eq!(grid::community_prefix(&node), ROOT);
        } else {
            prop_assert_eq!(grid::community_prefix(&node), code_of(&path[..1]));
        }
    }

    #[test]
    fn an_allowed_move_never_goes_into_the_own_subtree_and_recoding_reverses(
        node in tree_path(), new_parent in tree_path(), inside in tree_path(),
    ) {
        prop_assume!(!node.is_empty());
        let (level, code) = (level_at(node.len()), code_of(&node));
        let parent = code_of(&node[..node.len() - 1]);
        let (np_level, np_code) = (level_at(new_parent.len()), code_of(&new_parent));
        if grid::check_move(level, &code, &parent, np_level, &np_code).is_ok() {
            prop_assert!(!grid::is_within(&np_code, &code));
            prop_assert_eq!(np_level.child(), Some(level));
            prop_assert_ne!(&np_code, &parent);
        }
        // A descendant of the node, recoded to a new prefix and back.
        let descendant = code_of(&[node.clone(), inside].concat());
        let other = code_of(&new_parent);
        match grid::recode(&descendant, &code, &other) {
            Some(moved) => {
                prop_assert!(grid::is_within(&moved, &other));
                prop_assert_eq!(grid::recode(&moved, &other, &code), Some(descendant.clone()));
            }
            None => prop_assert!(false, "{} is inside {}", descendant, code),
        }
        prop_assert_eq!(grid::recode(&other, &code, "X").is_some(), grid::is_within(&other, &code));
    }

    #[test]
    fn a_split_keeps_a_building_on_each_side(
        children in prop::collection::btree_set(0i64..12, 0..6),
        chosen in prop::collection::vec(0i64..14, 0..8),
        level in select(NodeLevel::ALL.to_vec()),
    ) {
        let children: Vec<NodeId> = children.into_iter().map(NodeId).collect();
        let chosen: Vec<NodeId> = chosen.into_iter().map(NodeId).collect();
        let distinct: BTreeSet<NodeId> = chosen.iter().copied().collect();
        let fits = chosen.iter().all(|b| children.contains(b));
        let expected = level == NodeLevel::MicroGrid && fits && !distinct.is_empty() && distinct.len() < children.len();
        prop_assert_eq!(grid::check_split(level, &children, &chosen).is_ok(), expected);
    }

    #[test]
    fn merges_are_between_two_nodes_of_one_level_below_the_subdistrict(
        a in select(NodeLevel::ALL.to_vec()), b in select(NodeLevel::ALL.to_vec()), x in "[0-9]{1,3}", y in "[0-9]{1,3}",
    ) {
        let merge = grid::may_merge(a, &x, b, &y);
        prop_assert_eq!(merge, grid::may_merge(b, &y, a, &x));
        if merge {
            prop_assert!(a == b && x != y && a != NodeLevel::Subdistrict);
        }
    }
}

// ---------------------------------------------------------------------------------------
// Stored names of enums

/// `parse` accepts exactly the names `as_str` gives, each naming one value.
macro_rules! names_round_trip {
    ($input:expr, $($ty:ty),+ $(,)?) => {$({
        let names: Vec<&str> = <$ty>::ALL.iter().map(|x| x.as_str()).collect();
        prop_assert_eq!(names.iter().collect::<BTreeSet<_>>().len(), names.len());
        for x in <$ty>::ALL {
            prop_assert_eq!(<$ty>::parse(x.as_str()), Some(x));
        }
        if let Some(x) = <$ty>::parse($input) {
            prop_assert_eq!(x.as_str(), $input);
        }
    })+};
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn stored_names_parse_only_to_themselves(input in text_or("[a-z_]{3,21}")) {
        names_round_trip!(
            &input, NodeLevel, Role, OrderStatus, ServiceSection, Stage, StageAction, Category, Kind, Warning,
            HandlerKind,
        );
        if let Some(u) = Urgency::parse(&input) {
            prop_assert_eq!(u.as_str(), &input);
        }
    }
}

// ---------------------------------------------------------------------------------------
// Dates and times (China Standard Time)

fn first_day() -> i64 {
    parse_local_date("2000-01-01").unwrap_or_default()
}

fn after_last_day() -> i64 {
    parse_local_date("2100-12-31").unwrap_or_default() + DAY
}

fn days_in_month(y: i64, m: i64) -> i64 {
    match m {
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn parsed_dates_are_china_midnights_that_format_back(
        input in text_or(" ?[+-]?[0-9]{1,5}-[+-]?[0-9]{1,3}-[+-]?[0-9]{1,3}(T[+-]?[0-9]{1,3}:[0-9]{1,3}(:[0-9]{2})?)? ?"),
    ) {
        if let Some(t) = parse_local_date(&input) {
            prop_assert!((first_day()..after_last_day()).contains(&t));
            prop_assert_eq!((t + CST).rem_euclid(DAY), 0);
            // Normalised idempotently: the formatted form parses to the same instant.
            let formatted = format_local_date(t);
            prop_assert_eq!(parse_local_date(&formatted), Some(t));
            prop_assert_eq!(format_local_date(t), formatted);
        }
        if let Some(t) = parse_local_datetime(&input) {
            prop_assert!((first_day()..after_last_day()).contains(&t));
            prop_assert_eq!(t.rem_euclid(60), 0);
            let formatted = format_local_datetime(t).replacen(' ', "T", 1);
            prop_assert_eq!(parse_local_datetime(&formatted), Some(t), "{}", formatted);
            let date = input.trim().split_once('T').map(|(d, _)| d).unwrap_or_default();
            prop_assert_eq!(parse_local_date(date), Some(t - (t + CST).rem_euclid(DAY)));
        }
    }

    #[test]
    fn every_calendar_day_of_the_century_round_trips(y in 2000i64..=2100, m in 1i64..=12, d in 1i64..=31, hh in 0i64..24, mm in 0i64..60) {
        let date = format!("{y:04}-{m:02}-{d:02}");
        let parsed = parse_local_date(&date);
        prop_assert_eq!(parsed.is_some(), d <= days_in_month(y, m), "{}", date);
        if let Some(t) = parsed {
            prop_assert_eq!(format_local_date(t), date.clone());
            prop_assert_eq!(format_local_date(t + DAY - 1), date.clone());
            prop_assert_ne!(format_local_date(t - 1), date.clone());
            let at = parse_local_datetime(&format!("{date}T{hh:02}:{mm:02}"));
            prop_assert_eq!(at, Some(t + hh * 3600 + mm * 60));
            prop_assert_eq!(format_local_datetime(t + hh * 3600 + mm * 60), format!("{date} {hh:02}:{mm:02}"));
        }
    }

    #[test]
    fn every_instant_falls_in_the_day_its_date_names(t in first_day()..after_last_day()) {
        let start = parse_local_date(&format_local_date(t));
        prop_assert!(start.is_some_and(|s| s <= t && t < s + DAY), "{} {:?}", t, start);
    }
}

// ---------------------------------------------------------------------------------------
// CSV

/// A strict RFC 4180 reader for one line: quoted cells with doubled quotes, no quote or
/// line break in an unquoted cell, CRLF at the end. `None` for anything else.
fn read_row(line: &str) -> Option<Vec<String>> {
    let body = line.strip_suffix("\r\n")?;
    let mut chars = body.chars().peekable();
    let mut cells = Vec::new();
    loop {
        let mut cell = String::new();
        if chars.peek() == Some(&'"') {
            chars.next();
            loop {
                match chars.next()? {
                    '"' if chars.peek() == Some(&'"') => {
                        chars.next();
                        cell.push('"');
                    }
                    '"' => break,
                    c => cell.push(c),
                }
            }
            cells.push(cell);
            match chars.next() {
                None => return Some(cells),
                Some(',') => {}
                Some(_) => return None,
            }
        } else {
            loop {
                match chars.next() {
                    None => {
                        cells.push(cell);
                        return Some(cells);
                    }
                    Some(',') => {
                        cells.push(cell);
                        break;
                    }
                    Some('"' | '\r' | '\n') => return None,
                    Some(c) => cell.push(c),
                }
            }
        }
    }
}

const FORMULA_STARTS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

proptest! {
    #![proptest_config(config())]

    #[test]
    fn csv_rows_read_back_as_their_cells_with_formulas_defused(
        cells in prop::collection::vec(text_or("[=+@\t\r\n,\"' a-]{0,8}"), 1..8),
    ) {
        let line = csv::row(&cells);
        let read = read_row(&line);
        prop_assert!(read.is_some(), "unreadable: {:?}", line);
        let read = read.unwrap_or_default();
        prop_assert_eq!(read.len(), cells.len());
        for (back, cell) in read.iter().zip(&cells) {
            if cell.starts_with(FORMULA_STARTS) {
                prop_assert_eq!(back, &format!("'{cell}"));
            } else {
                prop_assert_eq!(back, cell);
            }
            prop_assert!(!back.starts_with(FORMULA_STARTS));
        }
    }
}

// ---------------------------------------------------------------------------------------
// Passwords

fn flip_ascii_case(s: &str) -> String {
    s.chars().map(|c| if c.is_ascii_lowercase() { c.to_ascii_uppercase() } else { c.to_ascii_lowercase() }).collect()
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn passwords_are_judged_by_length_in_characters_first(password in any_text()) {
        let len = password.chars().count();
        let verdict = check_new_password(&password);
        if len < MIN_LEN {
            prop_assert_eq!(verdict, Err(PasswordError::TooShort));
        } else if len > MAX_LEN {
            prop_assert_eq!(verdict, Err(PasswordError::TooLong));
        } else {
            prop_assert!(matches!(verdict, Ok(()) | Err(PasswordError::TooCommon)));
        }
        if verdict.is_ok() {
            let distinct: BTreeSet<String> = password.chars().map(|c| c.to_lowercase().collect()).collect();
            prop_assert!(distinct.len() >= 2);
        }
    }

    #[test]
    fn the_case_of_ascii_letters_never_changes_the_verdict(password in "[ -~]{0,140}") {
        let verdict = check_new_password(&password);
        prop_assert_eq!(check_new_password(&flip_ascii_case(&password)), verdict);
        prop_assert_eq!(check_new_password(&password.to_uppercase()), verdict);
    }

    #[test]
    fn one_character_repeated_is_too_common(c in prop_oneof![any::<char>(), Just('İ'), Just('Σ')], n in MIN_LEN..=MAX_LEN) {
        prop_assert_eq!(check_new_password(&c.to_string().repeat(n)), Err(PasswordError::TooCommon));
    }

    #[test]
    fn common_passwords_are_refused_in_any_case(
        common in select(vec!["12345678", "password", "qwerty123", "woaini1314", "1qaz2wsx", "gridstation1"]),
        upper in prop::collection::vec(any::<bool>(), 12),
    ) {
        let typed: String =
            common.chars().zip(upper.iter().cycle()).map(|(c, up)| if *up { c.to_ascii_uppercase() } else { c }).collect();
        prop_assert_eq!(check_new_password(&typed), Err(PasswordError::TooCommon));
    }
}

// ---------------------------------------------------------------------------------------
// Elections

const DRAFT_FIELDS: [&str; 9] = [
    "title",
    "stars",
    "votes_per_voter",
    "min_service_hours",
    "nomination_from",
    "nomination_to",
    "voting_from",
    "voting_to",
    "notice_to",
];

fn phase_rank(p: Phase) -> usize {
    [Phase::Upcoming, Phase::Nominating, Phase::Preparing, Phase::Voting, Phase::Notice, Phase::Published]
        .iter()
        .position(|x| *x == p)
        .unwrap_or(usize::MAX)
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn a_draft_from_any_form_is_either_valid_or_names_its_problems(
        fields in prop::collection::vec(text_or(" ?[0-9]{1,5}(-[0-9]{1,2}-[0-9]{1,2})? ?"), 9),
        live_tally in any::<bool>(),
    ) {
        let input = DraftInput {
            title: &fields[0],
            stars: &fields[1],
            votes_per_voter: &fields[2],
            min_service_hours: &fields[3],
            nomination_from: &fields[4],
            nomination_to: &fields[5],
            voting_from: &fields[6],
            voting_to: &fields[7],
            notice_to: &fields[8],
            live_tally,
        };
        match validate_draft(&input) {
            Ok(d) => {
                prop_assert_eq!(d.title.as_str(), fields[0].trim());
                prop_assert!((2..=60).contains(&d.title.chars().count()));
                prop_assert!((1..=100).contains(&d.stars) && (1..=100).contains(&d.votes_per_voter));
                prop_assert!((0..=10_000).contains(&d.min_service_hours));
                prop_assert!(d.nomination_start < d.nomination_end && d.nomination_end <= d.voting_start);
                prop_assert!(d.voting_start < d.voting_end && d.voting_end <= d.notice_end);
                for t in [d.nomination_start, d.nomination_end, d.voting_start, d.voting_end, d.notice_end] {
                    prop_assert_eq!((t + CST).rem_euclid(DAY), 0);
                }
            }
            Err(problems) => {
                prop_assert!(!problems.is_empty());
                let named: BTreeSet<&str> = problems.iter().map(|(f, _)| *f).collect();
                prop_assert_eq!(named.len(), problems.len(), "each field named once: {:?}", problems);
                prop_assert!(named.iter().all(|f| DRAFT_FIELDS.contains(f)));
            }
        }
    }

    #[test]
    fn a_well_formed_draft_is_accepted_as_typed(
        title in "[ ]{0,3}[a-z志愿服务之星]{2,60}[ ]{0,3}",
        stars in 1i64..=100, votes in 1i64..=100, hours in 0i64..=10_000,
        start in 0i64..30_000, lengths in (1i64..40, 0i64..10, 1i64..40, 0i64..30),
    ) {
        let (nomination, gap, voting, notice) = lengths;
        let day = |n: i64| format_local_date(first_day() + n * DAY);
        let first_vote = start + nomination + gap;
        let (ns, ne, vs, ve, pe) = (
            day(start), day(start + nomination - 1), day(first_vote), day(first_vote + voting - 1),
            day(first_vote + voting - 1 + notice),
        );
        let (stars_text, votes_text, hours_text) = (format!(" {stars}"), format!("{votes} "), hours.to_string());
        let input = DraftInput {
            title: &title, stars: &stars_text, votes_per_voter: &votes_text, min_service_hours: &hours_text,
            nomination_from: &ns, nomination_to: &ne, voting_from: &vs, voting_to: &ve, notice_to: &pe,
            live_tally: false,
        };
        let within_century = first_vote + voting - 1 + notice < (after_last_day() - first_day()) / DAY;
        match validate_draft(&input) {
            Ok(d) => {
                prop_assert_eq!((d.stars, d.votes_per_voter, d.min_service_hours), (stars, votes, hours));
                prop_assert_eq!(d.voting_end - d.voting_start, voting * DAY);
                prop_assert_eq!(d.nomination_end + gap * DAY, d.voting_start);
                prop_assert_eq!(d.notice_end - d.voting_end, notice * DAY);
            }
            Err(problems) => prop_assert!(!within_century, "{:?}", problems),
        }
    }

    #[test]
    fn a_vote_passes_only_inside_the_window_in_scope_verified_approved_new_and_within_quota(
        now in -5i64..15, start in -5i64..15, len in -2i64..10, flags in any::<(bool, bool, bool, bool)>(), used in 0i64..6, quota in 0i64..6,
    ) {
        let (approved, in_scope, verified, already_voted) = flags;
        let a = VoteAttempt { now, voting_start: start, voting_end: start + len, approved, in_scope, verified, already_voted, used, quota };
        let verdict = check_vote(a);
        let open = start <= now && now < start + len;
        prop_assert_eq!(verdict.is_ok(), open && approved && in_scope && verified && !already_voted && used < quota);
        if !open {
            prop_assert_eq!(verdict, Err(VoteRefusal::NotVoting));
        } else if in_scope && !verified {
            prop_assert_eq!(verdict, Err(VoteRefusal::Unverified));
        } else if in_scope && verified && approved && already_voted {
            // A repeat is named as such even when the quota is used up.
            prop_assert_eq!(verdict, Err(VoteRefusal::AlreadyVoted));
        }
    }

    #[test]
    fn phases_only_move_forward_and_a_close_only_moves_later(
        mut bounds in prop::collection::vec(-50i64..50, 5), now in -60i64..60, later in 0i64..20, new_end in -60i64..60,
    ) {
        bounds.sort_unstable();
        let at = |t| election::phase(t, bounds[0], bounds[1], bounds[2], bounds[3], bounds[4]);
        prop_assert!(phase_rank(at(now)) <= phase_rank(at(now + later)));
        if at(now) == Phase::Voting {
            prop_assert!(bounds[2] <= now && now < bounds[3]);
        }
        if election::may_extend(now, bounds[3], new_end) {
            prop_assert!(now < bounds[3] && new_end > bounds[3]);
        }
    }

    #[test]
    fn the_ranking_is_a_total_order_whatever_order_the_standings_come_in(
        raw in prop::collection::vec((0i64..4, 0i64..3, 0i64..3), 0..12), seed in any::<Index>(),
    ) {
        let standings: Vec<election::Standing> = raw
            .iter()
            .enumerate()
            .map(|(i, (votes, minutes, at))| election::Standing {
                nomination_id: i as i64, votes: *votes, service_minutes: *minutes * 60, nominated_at: *at,
            })
            .collect();
        let ranked = election::rank(standings.clone());
        let mut rotated = standings.clone();
        if !rotated.is_empty() {
            let k = seed.index(rotated.len());
            rotated.rotate_left(k);
            rotated.reverse();
        }
        prop_assert_eq!(&election::rank(rotated), &ranked);
        let ids: BTreeSet<i64> = ranked.iter().map(|s| s.nomination_id).collect();
        prop_assert_eq!(ids.len(), standings.len());
        for w in ranked.windows(2) {
            let key = |s: &election::Standing| (-s.votes, -s.service_minutes, s.nominated_at, s.nomination_id);
            prop_assert!(key(&w[0]) < key(&w[1]));
        }
    }
}

// ---------------------------------------------------------------------------------------
// Matching and pairing

proptest! {
    #![proptest_config(config())]

    #[test]
    fn slots_are_weekly_and_a_day_is_three_slots(t in -4_000_000_000i64..8_000_000_000) {
        let slot = matching::slot_of(t);
        prop_assert!(slot < 21);
        prop_assert_eq!(matching::slot_of(t + 7 * DAY), slot);
        prop_assert_eq!(matching::slot_of(t + DAY), (slot + 3) % 21);
    }

    #[test]
    fn the_next_pairing_visit_is_within_a_week_on_its_own_slot(
        now in 0i64..8_000_000_000, weekday in 0u32..9, part in 0u32..4,
    ) {
        match next_occurrence(now, weekday, part) {
            Some(at) => {
                prop_assert!(weekday <= 6 && part <= 2);
                prop_assert!(now <= at && at < now + 7 * DAY, "{} -> {}", now, at);
                prop_assert_eq!(matching::slot_of(at), weekday * 3 + part);
                prop_assert_eq!(next_occurrence(at, weekday, part), Some(at));
            }
            None => prop_assert!(weekday > 6 || part > 2),
        }
    }

    #[test]
    fn ranking_volunteers_sorts_by_score_and_keeps_ties_in_order(
        raw in prop::collection::vec(
            (
                prop_oneof![
                    select(vec!["32060200100101201", "32060200100101202", "32060200100101301", "32060200200101201"])
                        .prop_map(String::from),
                    any::<String>(),
                ],
                prop::collection::vec(select(ServiceSection::ALL.to_vec()), 0..3),
                any::<u32>(),
                0u32..4,
                prop::option::of(any::<f64>()),
            ),
            0..10,
        ),
        area in prop_oneof![Just("32060200100101201".to_string()), any::<String>()],
        section in select(ServiceSection::ALL.to_vec()),
        slot in prop::option::of(0u32..21),
    ) {
        let volunteers: Vec<VolunteerFacts> = raw
            .into_iter()
            .enumerate()
            .map(|(i, (area_code, skills, availability, open_load, avg_rating))| VolunteerFacts {
                person_id: PersonId(i as i64), area_code, skills, availability, open_load, avg_rating,
            })
            .collect();
        let order = OrderNeeds { area_code: area.clone(), section, slot };
        let ranked = matching::rank(&volunteers, &order);
        let ids: BTreeSet<PersonId> = ranked.iter().map(|v| v.person_id).collect();
        prop_assert_eq!(ids.len(), volunteers.len());
        for w in ranked.windows(2) {
            let (a, b) = (matching::score(&w[0], &order), matching::score(&w[1], &order));
            prop_assert!(a >= b);
            if a == b {
                prop_assert!(w[0].person_id < w[1].person_id, "ties keep the input order");
            }
        }
        // Closeness does not depend on which side is the order.
        for v in &volunteers {
            let swapped = VolunteerFacts { area_code: area.clone(), ..v.clone() };
            let back = OrderNeeds { area_code: v.area_code.clone(), ..order.clone() };
            prop_assert_eq!(matching::score(v, &order).0, matching::score(&swapped, &back).0);
            prop_assert!(matching::score(v, &order).0 <= 3);
        }
    }
}

// ---------------------------------------------------------------------------------------
// The order state machine, run by random people

/// The documented moves (OrderStatus::after's table, as the order page describes them).
const ORDER_MOVES: [(OrderStatus, OrderAction, OrderStatus); 8] = [
    (OrderStatus::Open, OrderAction::Take, OrderStatus::Taken),
    (OrderStatus::Open, OrderAction::Cancel, OrderStatus::Cancelled),
    (OrderStatus::Taken, OrderAction::Cancel, OrderStatus::Cancelled),
    (OrderStatus::Taken, OrderAction::Release, OrderStatus::Open),
    (OrderStatus::Taken, OrderAction::Start, OrderStatus::InService),
    (OrderStatus::InService, OrderAction::Finish, OrderStatus::AwaitingConfirmation),
    (OrderStatus::AwaitingConfirmation, OrderAction::Confirm, OrderStatus::Completed),
    (OrderStatus::AwaitingConfirmation, OrderAction::Dispute, OrderStatus::InService),
];

/// The order's micro-grid, and scopes around it: itself, a sibling, its grid, community and
/// subdistrict, a micro-grid of another grid of the community, and two of other communities.
const AREA: &str = "32060200100101201";
const SCOPES: [&str; 8] = [
    AREA,
    "32060200100101202",
    "320602001001012",
    "320602001001",
    "320602001",
    "32060200100101301",
    "32060200100201201",
    "32060200200101201",
];

#[derive(Debug, Clone)]
struct Person {
    person_id: PersonId,
    account_id: AccountId,
    roles: Vec<(Role, String)>,
}

impl Person {
    fn actor(&self) -> Actor<'_> {
        Actor { account_id: self.account_id, person_id: self.person_id, roles: &self.roles }
    }

    fn covers(&self, pred: impl Fn(Role) -> bool) -> bool {
        self.roles.iter().any(|(r, scope)| pred(*r) && AREA.starts_with(scope.as_str()))
    }

    /// Volunteers serve their whole community (same first twelve digits).
    fn serves_community(&self) -> bool {
        self.roles.iter().any(|(r, scope)| *r == Role::Volunteer && scope.get(..12) == AREA.get(..12))
    }
}

fn people() -> impl Strategy<Value = Vec<Person>> {
    let roles = prop::collection::vec((select(Role::ALL.to_vec()), select(SCOPES.to_vec())), 0..=2);
    prop::collection::vec(roles, 2..=6).prop_map(|all| {
        all.into_iter()
            .enumerate()
            .map(|(i, roles)| Person {
                person_id: PersonId(i as i64 + 1),
                account_id: AccountId(i as i64 + 101),
                roles: roles.into_iter().map(|(r, s)| (r, s.to_string())).collect(),
            })
            .collect()
    })
}

/// One step: who acts and a random action, or (guided) one of the forward moves that someone
/// may make now, chosen by the index, so runs get past the first steps (the random steps
/// cancel often enough).
#[derive(Debug, Clone, Copy)]
enum OrderStep {
    Any(Index, OrderAction),
    Guided(Index, Index),
}

fn order_steps() -> impl Strategy<Value = Vec<OrderStep>> {
    let step = prop_oneof![
        (any::<Index>(), select(OrderAction::ALL.to_vec())).prop_map(|(who, a)| OrderStep::Any(who, a)),
        (any::<Index>(), any::<Index>()).prop_map(|(who, which)| OrderStep::Guided(who, which)),
    ];
    prop::collection::vec(step, 0..60)
}

fn reachable<S: Copy + Ord, A: Copy>(from: S, moves: &[(S, A, S)]) -> BTreeSet<S> {
    let mut seen = BTreeSet::from([from]);
    let mut todo = vec![from];
    while let Some(s) = todo.pop() {
        for (_, _, to) in moves.iter().filter(|(f, _, _)| *f == s) {
            if seen.insert(*to) {
                todo.push(*to);
            }
        }
    }
    seen
}

fn status_key(s: OrderStatus) -> usize {
    OrderStatus::ALL.iter().position(|x| *x == s).unwrap_or(usize::MAX)
}

fn stage_key(s: Stage) -> usize {
    Stage::ALL.iter().position(|x| *x == s).unwrap_or(usize::MAX)
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn random_order_runs_keep_the_documented_rules(
        people in people(), requester in any::<Index>(), placer in any::<Index>(), self_placed in any::<bool>(),
        steps in order_steps(),
    ) {
        let requester = &people[requester.index(people.len())];
        let placed_by = if self_placed { requester.account_id } else { people[placer.index(people.len())].account_id };
        let mut order = OrderFacts {
            status: OrderStatus::Open,
            requester_id: requester.person_id,
            placed_by,
            taker_id: None,
            taken_at: None,
            area_code: AREA.to_string(),
        };
        let reachable_keys =
            reachable(status_key(OrderStatus::Open), &ORDER_MOVES.map(|(f, a, t)| (status_key(f), a, status_key(t))));
        let (mut confirms, mut cancels) = (0, 0);
        for step in steps {
            let (who, action) = match step {
                OrderStep::Any(who, action) => (who.index(people.len()), action),
                OrderStep::Guided(who, which) => {
                    let forward: Vec<(usize, OrderAction)> = (0..people.len())
                        .flat_map(|p| OrderAction::ALL.into_iter().map(move |a| (p, a)))
                        .filter(|(p, a)| *a != OrderAction::Cancel && people[*p].actor().check(*a, &order).is_ok())
                        .collect();
                    match forward.get(which.index(forward.len().max(1))) {
                        Some((p, a)) => (*p, *a),
                        None => (who.index(people.len()), OrderAction::ALL[which.index(OrderAction::ALL.len())]),
                    }
                }
            };
            let person = &people[who];
            let before = order.clone();
            let verdict = person.actor().check(action, &order);
            prop_assert_eq!(&order, &before, "checking never changes the order");
            match verdict {
                Ok(to) => {
                    prop_assert!(ORDER_MOVES.contains(&(order.status, action, to)), "{:?} {:?} -> {:?}", order.status, action, to);
                    let requester_side = order.requester_id == person.person_id || order.placed_by == person.account_id;
                    match action {
                        OrderAction::Take => {
                            prop_assert!(person.covers(|r| r.can_take_orders()) || person.serves_community());
                            prop_assert!(!requester_side, "nobody serves an order they asked for or placed");
                            order.taker_id = Some(person.person_id);
                            order.taken_at = Some(0);
                        }
                        OrderAction::Release | OrderAction::Start | OrderAction::Finish => {
                            prop_assert_eq!(order.taker_id, Some(person.person_id));
                            if action == OrderAction::Release {
                                order.taker_id = None;
                                order.taken_at = None;
                            }
                        }
                        OrderAction::Confirm | OrderAction::Dispute => {
                            prop_assert!(requester_side);
                            prop_assert_ne!(order.taker_id, Some(person.person_id), "the taker never confirms their own service");
                            confirms += usize::from(action == OrderAction::Confirm);
                        }
                        OrderAction::Cancel => {
                            prop_assert!(
                                requester_side
                                    || person.covers(|r| matches!(r, Role::GridLeader | Role::CommunityAdmin | Role::SubdistrictAdmin))
                            );
                            cancels += 1;
                        }
                    }
                    order.status = to;
                }
                Err(Refusal::WrongState) => prop_assert_eq!(order.status.after(action), None),
                Err(Refusal::OwnOrder) => {
                    prop_assert_eq!(action, OrderAction::Take);
                    prop_assert!(order.requester_id == person.person_id || order.placed_by == person.account_id);
                }
                Err(Refusal::NotAllowed) => {}
            }
            // A refusal leaves the order as it was (checks take the facts by reference and the
            // harness applies only allowed steps); what it became is reachable by the table.
            if verdict.is_err() {
                prop_assert_eq!(&order, &before);
            }
            prop_assert!(reachable_keys.contains(&status_key(order.status)));
            // A cancelled order keeps the taker it had (they are told, and it stays in their list).
            match order.status {
                OrderStatus::Open => prop_assert!(order.taker_id.is_none(), "an open order has no taker: {:?}", order),
                OrderStatus::Cancelled => {}
                _ => prop_assert!(order.taker_id.is_some(), "a held order has its taker: {:?}", order),
            }
            if let Some(taker) = order.taker_id {
                prop_assert_ne!(taker, order.requester_id);
                prop_assert!(people.iter().all(|p| p.person_id != taker || p.account_id != order.placed_by));
            }
            prop_assert!(confirms <= 1 && cancels <= 1 && confirms + cancels <= 1);
            if order.status.is_final() {
                // Completed and cancelled orders allow nothing, to anyone.
                for p in &people {
                    for a in OrderAction::ALL {
                        prop_assert!(p.actor().check(a, &order).is_err(), "{:?} {:?}", order.status, a);
                    }
                }
            }
        }
    }
}

// ---------------------------------------------------------------------------------------
// The 民情 loop, run by random people

/// The documented moves (the module's loop, 返工, 挂账/恢复, 作废 and the reporter's 重新打开).
fn documented_stage_move(stage: Stage, action: StageAction) -> Option<Stage> {
    use Stage as S;
    use StageAction as A;
    let listed = [
        (S::Collected, A::Report, S::Reported),
        (S::Reported, A::Accept, S::Accepted),
        (S::Accepted, A::Dispatch, S::Dispatched),
        (S::Dispatched, A::Handle, S::Handled),
        (S::Handled, A::Verify, S::Verified),
        (S::Handled, A::Rework, S::Dispatched),
        (S::Verified, A::Close, S::Closed),
        (S::Parked, A::Resume, S::Accepted),
        (S::Parked, A::Void, S::Voided),
        (S::Closed, A::Reopen, S::Reported),
    ];
    listed.iter().find(|(s, a, _)| *s == stage && *a == action).map(|(_, _, to)| *to).or(match action {
        A::Void if !stage.is_final() => Some(S::Voided),
        A::Park if !stage.is_final() && stage != S::Parked => Some(S::Parked),
        _ => None,
    })
}

const STANDINGS: [Standing; 3] = [Standing::None, Standing::Member, Standing::Leader];

/// Every combination of facts, every action: one check, compared with the rules.
#[test]
fn every_check_of_every_fact_combination_keeps_the_rules() {
    let mut combinations = 0;
    for stage in Stage::ALL {
        for kind in Kind::ALL {
            for bits in 0u8..32 {
                for standing in STANDINGS {
                    let bit = |i: u8| bits & (1 << i) != 0;
                    let facts = ItemFacts {
                        stage,
                        kind,
                        is_reporter: bit(0),
                        is_handler: bit(1),
                        recorded_handling: bit(2),
                        standing,
                        resident_confirmed: bit(3),
                        has_order: bit(4),
                    };
                    for action in StageAction::ALL {
                        combinations += 1;
                        check_one(facts, action);
                    }
                }
            }
        }
    }
    assert_eq!(combinations, 9 * 3 * 32 * 3 * 11);
}

fn check_one(facts: ItemFacts, action: StageAction) {
    let verdict = facts.check(action);
    let ctx = format!("{facts:?} {action:?} -> {verdict:?}");
    if let Ok(to) = verdict {
        assert_eq!(documented_stage_move(facts.stage, action), Some(to), "{ctx}");
        assert_eq!(facts.stage.after(action), Some(to), "{ctx}");
    }
    if verdict == Err(ItemRefusal::WrongStage) {
        assert_eq!(documented_stage_move(facts.stage, action), None, "{ctx}");
    }
    // Who may do what.
    if verdict.is_ok() {
        match action {
            StageAction::Reopen => assert!(facts.is_reporter, "{ctx}"),
            StageAction::Report => assert!(facts.is_reporter || facts.standing >= Standing::Member, "{ctx}"),
            StageAction::Handle => assert!(facts.is_handler || facts.standing >= Standing::Member, "{ctx}"),
            StageAction::Verify | StageAction::Rework => {
                assert!(!facts.is_handler && !facts.recorded_handling, "never one's own work: {ctx}");
                assert!(facts.standing >= Standing::Member, "{ctx}");
            }
            other => assert!(facts.standing >= other.needs() && other.needs() > Standing::None, "{ctx}"),
        }
    }
    // 办结 moves only by the reporter's reopening; 作废 never moves.
    if facts.stage == Stage::Closed && verdict.is_ok() {
        assert_eq!((action, facts.is_reporter), (StageAction::Reopen, true), "{ctx}");
    }
    if facts.stage == Stage::Voided {
        assert!(verdict.is_err(), "{ctx}");
    }
    // More standing never takes a permission away.
    for higher in STANDINGS.into_iter().filter(|s| *s > facts.standing) {
        if verdict.is_ok() {
            assert_eq!(ItemFacts { standing: higher, ..facts }.check(action), verdict, "{ctx} at {higher:?}");
        }
    }
    // The side rules are closed once the item is final (办结/作废).
    if facts.stage.is_final() {
        assert!(!facts.may_convert() && !facts.may_set_warning() && !facts.may_follow_up(), "{ctx}");
    }
    if facts.may_confirm() {
        assert!(facts.is_reporter && facts.stage == Stage::Closed && !facts.resident_confirmed, "{ctx}");
    }
}

#[derive(Debug, Clone, PartialEq)]
struct Item {
    stage: Stage,
    kind: Kind,
    reporter: Option<AccountId>,
    /// The volunteer account it was dispatched to (none for a property company or department).
    handler: Option<AccountId>,
    /// Who recorded the latest 处置.
    handled_by: Option<AccountId>,
    rework_count: i64,
    resident_confirmed: bool,
    has_order: bool,
    deadline: Option<i64>,
    escalation_level: i64,
}

impl Item {
    fn facts(&self, account: AccountId, standing: Standing) -> ItemFacts {
        ItemFacts {
            stage: self.stage,
            kind: self.kind,
            is_reporter: self.reporter == Some(account),
            is_handler: self.handler == Some(account),
            recorded_handling: self.handled_by == Some(account),
            standing,
            resident_confirmed: self.resident_confirmed,
            has_order: self.has_order,
        }
    }
}

#[derive(Debug, Clone, Copy)]
enum ItemStep {
    /// Who, what, and for 派遣 the volunteer (or none) and the days given.
    Any(Index, StageAction, Option<Index>, i64),
    Guided(Index, Index, Option<Index>, i64),
    /// The reporter's verdict on a closed item, by the reporter (`None`) or someone.
    Confirm(Option<Index>),
    Convert(Index),
    Wait(i64),
}

fn item_steps() -> impl Strategy<Value = Vec<ItemStep>> {
    let target = prop::option::of(any::<Index>());
    let step = prop_oneof![
        4 => (any::<Index>(), select(StageAction::ALL.to_vec()), target.clone(), 1i64..=90)
            .prop_map(|(who, a, to, days)| ItemStep::Any(who, a, to, days)),
        6 => (any::<Index>(), any::<Index>(), target, 1i64..=90)
            .prop_map(|(who, which, to, days)| ItemStep::Guided(who, which, to, days)),
        3 => prop::option::of(any::<Index>()).prop_map(ItemStep::Confirm),
        1 => any::<Index>().prop_map(ItemStep::Convert),
        2 => (0i64..5 * DAY).prop_map(ItemStep::Wait),
    ];
    prop::collection::vec(step, 0..80)
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn random_item_runs_keep_the_closed_loop(
        standings in prop::collection::vec(select(STANDINGS.to_vec()), 2..=6),
        reporter in prop::option::of(any::<Index>()),
        kind in select(Kind::ALL.to_vec()),
        steps in item_steps(),
    ) {
        // Accounts 1..=n, each with a standing over the item's micro-grid.
        let account = |i: &Index| AccountId(i.index(standings.len()) as i64 + 1);
        let standing_of = |a: AccountId| standings[(a.get() - 1) as usize];
        let mut item = Item {
            stage: Stage::Collected,
            kind,
            reporter: reporter.as_ref().map(account),
            handler: None,
            handled_by: None,
            rework_count: 0,
            resident_confirmed: false,
            has_order: false,
            deadline: None,
            escalation_level: 0,
        };
        let moves: Vec<(usize, StageAction, usize)> = Stage::ALL
            .into_iter()
            .flat_map(|s| {
                StageAction::ALL
                    .into_iter()
                    .filter_map(move |a| documented_stage_move(s, a).map(|t| (stage_key(s), a, stage_key(t))))
            })
            .collect();
        let reachable_keys = reachable(stage_key(Stage::Collected), &moves);
        let mut now = 1_800_000_000i64;
        for step in steps {
            let before = item.clone();
            let mut reset_escalation = false;
            match step {
                ItemStep::Wait(secs) => now += secs,
                ItemStep::Confirm(who) => {
                    let a = who.as_ref().map(account).or(item.reporter).unwrap_or(AccountId(1));
                    let facts = item.facts(a, standing_of(a));
                    if facts.may_confirm() {
                        prop_assert!(item.reporter == Some(a) && item.stage == Stage::Closed && !item.resident_confirmed);
                        item.resident_confirmed = true;
                    }
                }
                ItemStep::Convert(who) => {
                    let a = account(&who);
                    let facts = item.facts(a, standing_of(a));
                    if facts.may_convert() {
                        prop_assert!(standing_of(a) >= Standing::Member && !item.has_order && !item.stage.is_final());
                        item.has_order = true;
                    }
                }
                ItemStep::Any(who, _, target, days) | ItemStep::Guided(who, _, target, days) => {
                    let (who, action) = match step {
                        ItemStep::Guided(_, which, _, _) => {
                            let forward: Vec<(usize, StageAction)> = (0..standings.len())
                                .flat_map(|i| StageAction::ALL.into_iter().map(move |a| (i, a)))
                                .filter(|(i, a)| {
                                    !matches!(a, StageAction::Void | StageAction::Park)
                                        && item.facts(AccountId(*i as i64 + 1), standings[*i]).check(*a).is_ok()
                                })
                                .collect();
                            match forward.get(which.index(forward.len().max(1))) {
                                Some((i, a)) => (AccountId(*i as i64 + 1), *a),
                                None => (account(&who), StageAction::ALL[which.index(StageAction::ALL.len())]),
                            }
                        }
                        ItemStep::Any(_, action, _, _) => (account(&who), action),
                        _ => (account(&who), StageAction::Verify),
                    };
                    let a = who;
                    let facts = item.facts(a, standing_of(a));
                    let verdict = facts.check(action);
                    check_one(facts, action);
                    if let Ok(to) = verdict {
                        match action {
                            StageAction::Verify | StageAction::Rework => {
                                prop_assert_ne!(item.handler, Some(a), "the handler never verifies their own work");
                                prop_assert_ne!(item.handled_by, Some(a), "nor does who recorded it");
                                if action == StageAction::Rework {
                                    item.rework_count += 1;
                                }
                            }
                            StageAction::Reopen => {
                                prop_assert_eq!((item.stage, item.reporter), (Stage::Closed, Some(a)));
                                item.resident_confirmed = false;
                                item.deadline = Some(now + ACCEPT_WITHIN_SECS);
                                reset_escalation = true;
                            }
                            StageAction::Report => item.deadline = Some(now + ACCEPT_WITHIN_SECS),
                            StageAction::Dispatch => {
                                item.handler = target.as_ref().map(account);
                                item.deadline = Some(now + days * DAY);
                                reset_escalation = true;
                            }
                            StageAction::Handle => item.handled_by = Some(a),
                            _ => {}
                        }
                        if before.stage.is_final() {
                            prop_assert_eq!((before.stage, action), (Stage::Closed, StageAction::Reopen));
                        }
                        item.stage = to;
                    } else {
                        prop_assert_eq!(&item, &before, "a refused step changes nothing");
                    }
                }
            }
            if reset_escalation {
                item.escalation_level = 0;
            }
            // 督办 only ever rises, and only while the item waits on someone.
            if let Some(level) = escalation_due(item.stage, item.deadline, item.escalation_level, now) {
                prop_assert!(level > item.escalation_level && level <= 2);
                prop_assert!(item.stage.is_open() && item.deadline.is_some_and(|d| now > d));
                item.escalation_level = level;
            }
            if !reset_escalation {
                prop_assert!(item.escalation_level >= before.escalation_level);
            }
            prop_assert!(item.rework_count >= before.rework_count && item.rework_count <= before.rework_count + 1);
            prop_assert!(reachable_keys.contains(&stage_key(item.stage)), "{:?} is not reachable", item.stage);
            if item.stage == Stage::Voided {
                prop_assert!(before.stage == Stage::Voided || !before.stage.is_final());
            }
            if before.stage == Stage::Voided {
                prop_assert_eq!(item.stage, Stage::Voided);
            }
            if before.stage == Stage::Closed && item.stage != Stage::Closed {
                prop_assert_eq!(item.stage, Stage::Reported, "only the reporter's reopening leaves 办结");
            }
            if item.has_order {
                prop_assert!(before.has_order || !before.stage.is_final());
            }
        }
    }
}
