use super::*;

#[test]
fn datetimes_are_w3c_in_china_and_parse_back() {
    // 2026-11-23 09:00 CST is 01:00 UTC.
    let t = 1_795_395_600;
    assert_eq!(w3c(t), "2026-11-23T09:00:00+08:00");
    assert_eq!(parse_w3c("2026-11-23T09:00:00+08:00"), Some(t));
    assert_eq!(parse_w3c("2026-11-23T01:00:00Z"), Some(t));
    assert_eq!(parse_w3c("2026-11-22T20:00:00-05:00"), Some(t));
    assert_eq!(parse_w3c("2026-11-23T09:00:00 08:00"), Some(t), "an unencoded +");
    assert_eq!(parse_w3c("2026-11-23T09:00:00.250+0800"), Some(t));
    assert_eq!(parse_w3c("2026-11-23T09:00"), Some(t));
    assert_eq!(parse_w3c("2026-11-23"), Some(t - 9 * 3600));
    for bad in ["", "yesterday", "2026-11-23T25:00:00Z", "2026-02-30", "2026-11-23T09:00:00+99:00"] {
        assert_eq!(parse_w3c(bad), None, "{bad}");
    }
}

#[test]
fn closed_and_voided_are_closed_every_other_stage_is_open() {
    for stage in Stage::ALL {
        let expected = if matches!(stage, Stage::Closed | Stage::Voided) { "closed" } else { "open" };
        assert_eq!(status_of(stage), expected, "{stage:?}");
    }
}

#[test]
fn status_notes_name_the_stage_the_handler_and_the_reason() {
    let deadline = 1_795_395_600 + 11 * DAY;
    assert_eq!(status_notes(Stage::Closed, Some("锦园物业"), None, ""), "办结");
    assert_eq!(status_notes(Stage::Reported, None, None, ""), "上报");
    assert_eq!(
        status_notes(Stage::Dispatched, Some("锦园物业"), Some(deadline), "返工原因"),
        "派遣：锦园物业，期限 2026-12-04"
    );
    assert_eq!(status_notes(Stage::Dispatched, None, Some(deadline), ""), "派遣：期限 2026-12-04");
    assert_eq!(status_notes(Stage::Voided, None, None, " 重复上报 "), "作废：重复上报");
    assert_eq!(status_notes(Stage::Voided, None, None, ""), "作废");
    assert_eq!(status_notes(Stage::Parked, None, None, "等待资金"), "挂账：等待资金");
}

#[test]
fn every_category_is_a_realtime_service_with_a_chinese_name() {
    let list = services_list();
    assert_eq!(list.len(), 6);
    let names: Vec<_> = list.iter().map(|s| s.service_name).collect();
    assert_eq!(names, ["设施故障", "安全隐患", "环境卫生", "矛盾纠纷", "违章搭建", "其他"]);
    assert!(list.iter().all(|s| !s.metadata && s.kind == "realtime"));
}

#[test]
fn only_json_is_spoken() {
    assert_eq!(json_name("services.json").ok(), Some("services"));
    assert!(json_name("services.xml").is_err());
    assert!(json_name("services").is_err());
}
