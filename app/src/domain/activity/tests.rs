use super::*;

/// A `datetime-local` value as unix time.
fn at(text: &str) -> i64 {
    parse_local_datetime(text).expect("a date and time")
}

/// 2026-12-01 08:00 in China.
fn now() -> i64 {
    at("2026-12-01T08:00")
}

fn taken(input: &ActivityInput<'_>) -> NewActivity {
    NewActivity::parse(input, now()).expect("taken")
}

fn form<'a>() -> ActivityInput<'a> {
    ActivityInput {
        kind: "market",
        title: "初心集市",
        description: "理发、磨刀、测血压",
        starts: "2026-12-05T09:00",
        ends: "2026-12-05T11:00",
        capacity: "20",
        held: "2",
        signup_opens: "",
        signup_closes: "",
        audience: "micro_grid",
        weeks: "",
        skip: "",
    }
}

fn problems(input: &ActivityInput<'_>) -> Vec<(&'static str, ActivityProblem)> {
    NewActivity::parse(input, now()).expect_err("refused")
}

#[test]
fn a_plain_form_is_one_occurrence_whose_sign_up_opens_now_and_closes_at_the_start() {
    let a = taken(&form());
    assert_eq!((a.kind, a.audience, a.capacity, a.held), (ActivityKind::Market, Audience::MicroGrid, 20, 2));
    assert_eq!(
        a.occurrences,
        vec![Occurrence {
            starts_at: at("2026-12-05T09:00"),
            ends_at: at("2026-12-05T11:00"),
            signup_opens_at: now(),
            signup_closes_at: at("2026-12-05T09:00"),
        }]
    );
}

#[test]
fn eight_weeks_with_week_three_skipped_are_seven_occurrences_a_week_apart() {
    let a = taken(&ActivityInput { weeks: "8", skip: "3", ..form() });
    assert_eq!(a.occurrences.len(), 7);
    let first = a.occurrences[0].starts_at;
    let weeks: Vec<i64> = a.occurrences.iter().map(|o| (o.starts_at - first) / WEEK).collect();
    assert_eq!(weeks, vec![0, 1, 3, 4, 5, 6, 7]);
    // Each keeps its two hours and its window closing at its own start.
    assert!(a.occurrences.iter().all(|o| o.ends_at - o.starts_at == 7200 && o.signup_closes_at == o.starts_at));
}

#[test]
fn a_sign_up_window_keeps_its_distance_to_each_start() {
    let input =
        ActivityInput { signup_opens: "2026-12-02T08:00", signup_closes: "2026-12-04T20:00", weeks: "2", ..form() };
    let a = taken(&input);
    let second = a.occurrences[1];
    assert_eq!(second.signup_opens_at, at("2026-12-09T08:00"));
    assert_eq!(second.signup_closes_at, at("2026-12-11T20:00"));
}

#[test]
fn skipped_weeks_take_chinese_commas_and_never_leave_no_week() {
    let a = taken(&ActivityInput { weeks: "4", skip: "2，4", ..form() });
    assert_eq!(a.occurrences.len(), 2);
    assert_eq!(problems(&ActivityInput { weeks: "2", skip: "1,2", ..form() }), vec![("skip", ActivityProblem::Skip)]);
    assert_eq!(problems(&ActivityInput { weeks: "2", skip: "3", ..form() }), vec![("skip", ActivityProblem::Skip)]);
    assert_eq!(problems(&ActivityInput { weeks: "2", skip: "0", ..form() }), vec![("skip", ActivityProblem::Skip)]);
    assert_eq!(problems(&ActivityInput { weeks: "27", ..form() }), vec![("weeks", ActivityProblem::Weeks)]);
}

#[test]
fn every_bad_field_is_answered_at_once_in_the_forms_order() {
    let bad = ActivityInput {
        kind: "party",
        title: "集",
        description: "ok",
        starts: "2026-11-30T09:00",
        ends: "yesterday",
        capacity: "0",
        held: "-1",
        signup_opens: "",
        signup_closes: "soon",
        audience: "city",
        weeks: "x",
        skip: "",
    };
    let fields: Vec<&str> = problems(&bad).into_iter().map(|(f, _)| f).collect();
    assert_eq!(
        fields,
        vec!["kind", "title", "starts", "ends", "capacity", "held", "signup_closes", "audience", "weeks"]
    );
}

#[test]
fn an_activity_ends_after_it_starts_and_within_twelve_hours() {
    let same = ActivityInput { ends: "2026-12-05T09:00", ..form() };
    assert_eq!(problems(&same), vec![("ends", ActivityProblem::Duration)]);
    let long = ActivityInput { ends: "2026-12-05T21:01", ..form() };
    assert_eq!(problems(&long), vec![("ends", ActivityProblem::Duration)]);
    assert!(NewActivity::parse(&ActivityInput { ends: "2026-12-05T21:00", ..form() }, now()).is_ok());
}

#[test]
fn held_seats_fit_in_the_capacity_and_sign_up_closes_by_the_end() {
    assert_eq!(problems(&ActivityInput { held: "21", ..form() }), vec![("held", ActivityProblem::Held)]);
    assert!(NewActivity::parse(&ActivityInput { held: "20", ..form() }, now()).is_ok());
    assert!(NewActivity::parse(&ActivityInput { held: "", ..form() }, now()).is_ok_and(|a| a.held == 0));
    let late = ActivityInput { signup_closes: "2026-12-05T11:30", ..form() };
    assert_eq!(problems(&late), vec![("signup_closes", ActivityProblem::SignupWindow)]);
    let backwards = ActivityInput { signup_opens: "2026-12-04T10:00", signup_closes: "2026-12-04T09:00", ..form() };
    assert_eq!(problems(&backwards), vec![("signup_closes", ActivityProblem::SignupWindow)]);
}

fn seats(capacity: i64, held: i64, own_in: i64, staff_in: i64) -> Seats {
    Seats { capacity, held, own_in, staff_in }
}

#[test]
fn a_person_takes_only_ordinary_seats_and_staff_any_free_one() {
    // 5 seats, 2 held: three people fill the ordinary ones.
    assert_eq!(seats(5, 2, 2, 0).place(false), SignupStatus::In);
    assert_eq!(seats(5, 2, 3, 0).place(false), SignupStatus::Waiting);
    assert_eq!(seats(5, 2, 3, 0).place(true), SignupStatus::In);
    assert_eq!(seats(5, 2, 3, 2).place(true), SignupStatus::Waiting);
    // A third 代报名 takes an ordinary seat, so a person finds one fewer.
    assert_eq!(seats(5, 2, 2, 2).open(), 1);
    assert_eq!(seats(5, 2, 2, 3).open(), 0);
    assert_eq!(seats(5, 2, 2, 3).place(false), SignupStatus::Waiting);
}

#[test]
fn capacity_n_and_n_plus_five_sign_ups_seat_n_and_queue_five_in_order() {
    let n = 12;
    let mut s = seats(n, 0, 0, 0);
    let mut placed = Vec::new();
    for _ in 0..n + 5 {
        let status = s.place(false);
        if status == SignupStatus::In {
            s = s.with_one_more(false);
        }
        placed.push(status);
    }
    assert_eq!(placed.iter().filter(|p| **p == SignupStatus::In).count() as i64, n);
    assert!(placed[..n as usize].iter().all(|p| *p == SignupStatus::In));
    assert!(placed[n as usize..].iter().all(|p| *p == SignupStatus::Waiting));
}

#[test]
fn a_freed_seat_goes_to_the_first_in_the_queue_who_can_take_it() {
    // One ordinary seat free again: the first waiting person gets it, nobody else.
    assert_eq!(promoted(seats(3, 0, 2, 0), &[(7, false), (8, false)]), vec![7]);
    // A freed held seat: a person cannot take it, the 代报名 behind them can.
    assert_eq!(promoted(seats(3, 1, 2, 0), &[(7, false), (9, true)]), vec![9]);
    // An ordinary seat: the first person gets it before a later 代报名.
    assert_eq!(promoted(seats(3, 1, 1, 1), &[(7, false), (9, true)]), vec![7]);
    // No room: nobody moves.
    assert_eq!(promoted(seats(3, 0, 3, 0), &[(7, false)]), Vec::<i64>::new());
    // More room (capacity raised): as many as fit, in order.
    assert_eq!(promoted(seats(5, 0, 2, 0), &[(7, false), (8, false), (9, false), (10, false)]), vec![7, 8, 9]);
}

#[test]
fn sign_up_is_open_within_its_window_and_cancelling_until_the_start() {
    let o = Occurrence { starts_at: 100, ends_at: 200, signup_opens_at: 10, signup_closes_at: 90 };
    assert!(!signup_open(&o, 9));
    assert!(signup_open(&o, 10));
    assert!(signup_open(&o, 89));
    assert!(!signup_open(&o, 90));
    assert!(may_cancel(&o, 99));
    assert!(!may_cancel(&o, 100));
}

#[test]
fn kinds_and_statuses_are_stored_by_name() {
    for k in ActivityKind::ALL {
        assert_eq!(ActivityKind::parse(k.as_str()), Some(k));
    }
    for a in Audience::ALL {
        assert_eq!(Audience::parse(a.as_str()), Some(a));
    }
    for s in [SignupStatus::In, SignupStatus::Waiting, SignupStatus::Cancelled] {
        assert_eq!(SignupStatus::parse(s.as_str()), Some(s));
    }
}

/// 09:00–11:00 on 2026-12-05.
fn morning() -> Occurrence {
    Occurrence {
        starts_at: at("2026-12-05T09:00"),
        ends_at: at("2026-12-05T11:00"),
        signup_opens_at: now(),
        signup_closes_at: at("2026-12-05T09:00"),
    }
}

#[test]
fn check_in_opens_half_an_hour_before_the_start_and_closes_half_an_hour_after_the_end() {
    let o = morning();
    assert!(!checkin_open(&o, at("2026-12-05T08:29")));
    assert!(checkin_open(&o, at("2026-12-05T08:30")));
    assert!(checkin_open(&o, at("2026-12-05T10:00")));
    assert!(checkin_open(&o, at("2026-12-05T11:30")));
    assert!(!checkin_open(&o, at("2026-12-05T11:31")));
}

#[test]
fn a_code_is_six_digits_and_changes_every_step() {
    let codes: Vec<String> = (0..50).map(|step| checkin_code("k3y", step)).collect();
    assert!(codes.iter().all(|c| c.len() == 6 && c.bytes().all(|b| b.is_ascii_digit())));
    assert!(codes.windows(2).all(|w| w[0] != w[1]), "{codes:?}");
    assert_ne!(checkin_code("k3y", 7), checkin_code("other", 7), "each occurrence has its own codes");
}

#[test]
fn a_code_is_taken_in_its_step_and_the_next_and_refused_a_minute_later() {
    let shown_at = at("2026-12-05T09:00") + 5;
    let code = checkin_code("k3y", code_step(shown_at));
    assert!(code_accepted("k3y", &code, shown_at));
    assert!(code_accepted("k3y", &code, shown_at + 25), "the same step");
    assert!(code_accepted("k3y", &code, shown_at + CODE_STEP), "the next step");
    assert!(!code_accepted("k3y", &code, shown_at + 2 * CODE_STEP), "a screenshot a minute old");
    assert!(!code_accepted("k3y", &code, shown_at - CODE_STEP), "not before it was shown");
    let spaced = format!("{} {} {}", &code[..2], &code[2..4], &code[4..]);
    assert!(code_accepted("k3y", &spaced, shown_at), "read out in pairs");
    assert!(!code_accepted("other", &code, shown_at), "another occurrence's key");
    for typed in ["", "12345", "1234567", "abcdef", "１２３４５６"] {
        assert!(!code_accepted("k3y", typed, shown_at), "{typed:?}");
    }
}

#[test]
fn the_seconds_left_count_down_to_the_next_step() {
    let t = at("2026-12-05T09:00");
    assert_eq!(code_seconds_left(t), CODE_STEP);
    assert_eq!(code_seconds_left(t + 1), CODE_STEP - 1);
    assert_eq!(code_seconds_left(t + CODE_STEP - 1), 1);
    assert_eq!(code_step(t + CODE_STEP - 1) + 1, code_step(t + CODE_STEP));
}

#[test]
fn hours_are_the_overlap_with_the_schedule_rounded_down_to_half_hours() {
    let o = morning();
    // Early arrival counts from the start; staying late counts to the end.
    assert_eq!(earned_half_hours(&o, at("2026-12-05T08:40"), Some(at("2026-12-05T11:20"))), 4);
    // 09:10–10:39 is 89 minutes: two half hours.
    assert_eq!(earned_half_hours(&o, at("2026-12-05T09:10"), Some(at("2026-12-05T10:39"))), 2);
    assert_eq!(earned_half_hours(&o, at("2026-12-05T09:10"), Some(at("2026-12-05T10:40"))), 3);
    // Not signed out: to the scheduled end.
    assert_eq!(earned_half_hours(&o, at("2026-12-05T10:00"), None), 2);
    // Came after the end, or left before the start: nothing.
    assert_eq!(earned_half_hours(&o, at("2026-12-05T11:10"), Some(at("2026-12-05T11:20"))), 0);
    assert_eq!(earned_half_hours(&o, at("2026-12-05T08:30"), Some(at("2026-12-05T08:50"))), 0);
}

#[test]
fn a_make_up_needs_whole_half_hours_within_the_activity_and_a_reason() {
    let o = morning();
    assert_eq!(max_half_hours(&o), 4);
    let ok = Makeup::parse("1.5", "手机没电，现场签到表有签名", &o).expect("taken");
    assert_eq!(ok, Makeup { half_hours: 3, reason: "手机没电，现场签到表有签名".into() });
    for (hours, half) in [("2", 4), ("0.5", 1), ("1,5", 3), (" 1.50 ", 3), ("1.0", 2)] {
        assert_eq!(Makeup::parse(hours, "忘记签到", &o).map(|m| m.half_hours), Ok(half), "{hours}");
    }
    for hours in ["0", "2.5", "1.2", "-1", "", "abc", "1.55", "١"] {
        assert_eq!(Makeup::parse(hours, "忘记签到", &o), Err(vec![("hours", MakeupProblem::Hours)]), "{hours}");
    }
    assert_eq!(Makeup::parse("1", " ", &o), Err(vec![("reason", MakeupProblem::Reason)]));
    assert_eq!(Makeup::parse("1", &"因".repeat(201), &o), Err(vec![("reason", MakeupProblem::TooLong)]));
    assert_eq!(Makeup::parse("1", "忘记\u{7}签到", &o), Err(vec![("reason", MakeupProblem::Control)]));
    assert_eq!(
        Makeup::parse("9", "", &o),
        Err(vec![("hours", MakeupProblem::Hours), ("reason", MakeupProblem::Reason)]),
        "every problem at once"
    );
}

#[test]
fn a_record_is_written_once_the_activity_is_over_and_links_what_it_raised() {
    let o = morning();
    assert!(!may_record(&o, o.ends_at - 1));
    assert!(may_record(&o, o.ends_at));
    for raised in [Raised::Sentiment(12), Raised::Order(5)] {
        assert_eq!(Raised::parse(&raised.key()), Some(raised));
        assert_eq!(Raised::of(raised.kind(), raised.id()), Some(raised));
    }
    assert_eq!(Raised::Order(5).link(), "/orders/5");
    assert_eq!(Raised::Sentiment(12).link(), "/sentiment/12");
    for bad in ["", "order", "order:", "order:0", "order:-3", "order:x", "topic:3", "sentiment:1:2"] {
        assert_eq!(Raised::parse(bad), None, "{bad}");
    }
    assert_eq!(record_post("初心集市", "理发32人次"), "【初心集市】理发32人次");
}
