//! Local dates and times in China Standard Time (UTC+8, no daylight saving), as the
//! browser's date and datetime-local inputs send them, to and from unix seconds.

const CST: i64 = 8 * 3600;
const DAY: i64 = 86_400;

/// Days since 1970-01-01 of a valid civil date in 2000–2100 (Howard Hinnant's algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> Option<i64> {
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let month_days = match m {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    };
    if !(2000..=2100).contains(&y) || !(1..=12).contains(&m) || !(1..=month_days).contains(&d) {
        return None;
    }
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    Some(era * 146_097 + doe - 719_468)
}

fn parse_date_parts(date: &str) -> Option<i64> {
    let mut d = date.trim().split('-').map(|x| x.parse::<i64>().ok());
    let (y, m, day) = (d.next()??, d.next()??, d.next()??);
    if d.next().is_some() {
        return None;
    }
    days_from_civil(y, m, day)
}

/// `2026-11-26` → the unix time of that day's 00:00 in China.
pub fn parse_local_date(input: &str) -> Option<i64> {
    Some(parse_date_parts(input)? * DAY - CST)
}

/// `2026-11-26T09:30` → unix time.
pub fn parse_local_datetime(input: &str) -> Option<i64> {
    let (date, time) = input.trim().split_once('T')?;
    let days = parse_date_parts(date)?;
    let mut t = time.split(':').map(|x| x.parse::<i64>().ok());
    let (hh, mm) = (t.next()??, t.next()??);
    if !(0..24).contains(&hh) || !(0..60).contains(&mm) {
        return None;
    }
    Some(days * DAY + hh * 3600 + mm * 60 - CST)
}

/// Unix time → `2026-11-26` in China.
pub fn format_local_date(unix: i64) -> String {
    let z = (unix + CST).div_euclid(DAY) + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

/// Unix time → `2026-11-26 09:30` in China.
pub fn format_local_datetime(unix: i64) -> String {
    let secs = (unix + CST).rem_euclid(DAY);
    format!("{} {:02}:{:02}", format_local_date(unix), secs / 3600, secs % 3600 / 60)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_times_are_china_standard_time() {
        // 2026-11-23 09:00 CST is 01:00 UTC.
        assert_eq!(parse_local_datetime("2026-11-23T09:00"), Some(1_795_395_600));
        assert_eq!(parse_local_datetime("2026-02-30T09:00"), None);
        assert!(parse_local_datetime("2028-02-29T09:00").is_some());
        assert_eq!(parse_local_datetime("2026-13-01T09:00"), None);
        assert_eq!(parse_local_datetime("tomorrow"), None);
        assert_eq!(parse_local_datetime("999999999999999-01-01T00:00"), None);
    }

    #[test]
    fn dates_start_at_midnight_in_china_and_format_back() {
        assert_eq!(parse_local_date("2026-11-23"), Some(1_795_395_600 - 9 * 3600));
        assert_eq!(parse_local_date("2026-11-23-1"), None);
        assert_eq!(parse_local_date(""), None);
        for date in ["2026-11-23", "2028-02-29", "2000-01-01", "2099-12-31", "2027-03-01"] {
            let t = parse_local_date(date).expect("valid");
            assert_eq!(format_local_date(t), date);
            assert_eq!(format_local_date(t + DAY - 1), date, "the last second of {date}");
        }
        assert_eq!(format_local_datetime(1_795_395_600 + 30 * 60), "2026-11-23 09:30");
    }
}
