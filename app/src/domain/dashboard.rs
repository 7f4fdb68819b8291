//! 指挥中心: the arithmetic of the command centre, with no IO. Rates are kept as a
//! numerator and a denominator (so an export shows what they are made of) and shown as
//! a percent with one decimal, or "—" when nothing was counted. Charts are SVG strings
//! drawn on the server from weekly series; no chart library reaches the browser.
use super::text::escape_html;
use serde::{Deserialize, Serialize};

/// Weeks in the charts and in "the period" (completion, satisfaction, time to take).
pub const WEEKS: usize = 12;
/// One week in seconds; the weeks are rolling windows ending now.
pub const WEEK: i64 = 7 * 86_400;
/// Shown where a figure has nothing to count.
pub const NO_VALUE: &str = "—";

/// The start of the period: the last `WEEKS` weeks before `now`.
pub fn period_start(now: i64) -> i64 {
    now - WEEKS as i64 * WEEK
}

/// The start of each week of the period, oldest first.
pub fn week_starts(now: i64) -> Vec<i64> {
    let start = period_start(now);
    (0..WEEKS as i64).map(|w| start + w * WEEK).collect()
}

/// The week (0 = oldest) a time inside the period falls in; `None` outside it. A time
/// exactly at `now` belongs to the last week.
pub fn week_index(now: i64, at: i64) -> Option<usize> {
    let start = period_start(now);
    if at < start || at > now {
        return None;
    }
    Some((((at - start) / WEEK) as usize).min(WEEKS - 1))
}

/// A share or an average: `num` out of `den`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Ratio {
    pub num: i64,
    pub den: i64,
}

impl Ratio {
    pub fn new(num: i64, den: i64) -> Self {
        Self { num, den }
    }

    /// Per mille, rounded half up; `None` when the denominator is zero.
    pub fn permille(self) -> Option<i64> {
        (self.den > 0).then(|| (self.num * 2000 + self.den) / (2 * self.den))
    }

    /// "83.3%", or "—" when nothing was counted.
    pub fn percent_text(self) -> String {
        match self.permille() {
            Some(p) => format!("{}.{}%", p / 10, p % 10),
            None => NO_VALUE.to_string(),
        }
    }

    /// The ratio as an average with two decimals ("4.67"), or "—".
    pub fn average_text(self) -> String {
        if self.den <= 0 {
            return NO_VALUE.to_string();
        }
        let hundredths = (self.num * 200 + self.den) / (2 * self.den);
        format!("{}.{:02}", hundredths / 100, hundredths % 100)
    }

    /// "5/6": what the rate is made of.
    pub fn fraction_text(self) -> String {
        format!("{}/{}", self.num, self.den)
    }
}

/// The median of a list (the mean of the two middle values, rounded down, for an even
/// count); `None` for an empty list. The repository computes the same in SQL.
pub fn median(values: &[i64]) -> Option<i64> {
    let mut sorted = values.to_vec();
    sorted.sort_unstable();
    let n = sorted.len();
    match n {
        0 => None,
        _ if n % 2 == 1 => Some(sorted[n / 2]),
        _ => Some((sorted[n / 2 - 1] + sorted[n / 2]).div_euclid(2)),
    }
}

/// A duration as whole minutes, rounded half up.
pub fn minutes(seconds: i64) -> i64 {
    (seconds + 30).div_euclid(60)
}

/// One series of a chart: its legend and one value per week.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Series<'a> {
    pub name: &'a str,
    pub values: &'a [i64],
}

/// A "nice" top of the value axis and its step (1, 2 or 5 times a power of ten), with at
/// most five steps.
pub fn axis(max: i64) -> (i64, i64) {
    if max <= 0 {
        return (1, 1);
    }
    let mut power = 1;
    loop {
        for m in [1, 2, 5] {
            let step = m * power;
            let steps = (max + step - 1) / step;
            if steps <= 5 {
                return (steps * step, step);
            }
        }
        power *= 10;
    }
}

const W: i64 = 360;
const H: i64 = 200;
const LEFT: i64 = 32;
const RIGHT: i64 = 8;
const TOP: i64 = 24;
const BOTTOM: i64 = 22;
/// Bar colours when the page's stylesheet is absent (the stylesheet sets the same).
const COLOURS: [&str; 3] = ["#b91c1c", "#2563eb", "#15803d"];

/// A grouped bar chart as an SVG element: one group per label (week), one bar per series,
/// a value axis with gridlines and a legend. `id` makes the title and description
/// referable (`aria-labelledby`); `title` is the accessible name and `desc` says in words
/// what the chart shows (the numbers themselves are in the table beside it).
pub fn bar_chart_svg(id: &str, title: &str, desc: &str, labels: &[String], series: &[Series<'_>]) -> String {
    let id = escape_html(id);
    let max = series.iter().flat_map(|s| s.values.iter().copied()).max().unwrap_or(0);
    let (top, step) = axis(max);
    let plot_w = W - LEFT - RIGHT;
    let plot_h = H - TOP - BOTTOM;
    let groups = labels.len().max(1) as i64;
    let group_w = plot_w as f64 / groups as f64;
    let bars = series.len().max(1) as f64;
    let bar_w = (group_w * 0.8 / bars).max(1.0);
    let y_of = |v: i64| TOP as f64 + plot_h as f64 * (1.0 - v as f64 / top as f64);
    let mut svg = format!(
        "<svg class=\"chart\" viewBox=\"0 0 {W} {H}\" role=\"img\" aria-labelledby=\"{id}-t {id}-d\" \
         xmlns=\"http://www.w3.org/2000/svg\"><title id=\"{id}-t\">{}</title><desc id=\"{id}-d\">{}</desc>",
        escape_html(title),
        escape_html(desc)
    );
    let mut tick = 0;
    while tick <= top {
        let y = y_of(tick);
        svg += &format!(
            "<line class=\"grid\" stroke=\"#e5e7eb\" x1=\"{LEFT}\" x2=\"{}\" y1=\"{y:.1}\" y2=\"{y:.1}\"/>\
             <text class=\"tick\" font-size=\"10\" fill=\"#4b5563\" x=\"{}\" y=\"{:.1}\" text-anchor=\"end\">{tick}</text>",
            W - RIGHT,
            LEFT - 4,
            y + 3.5
        );
        tick += step;
    }
    for (g, label) in labels.iter().enumerate() {
        let x0 = LEFT as f64 + group_w * g as f64 + group_w * 0.1;
        for (s, one) in series.iter().enumerate() {
            let v = one.values.get(g).copied().unwrap_or(0);
            let (x, y) = (x0 + bar_w * s as f64, y_of(v));
            svg += &format!(
                "<rect class=\"bar s{s}\" fill=\"{}\" x=\"{x:.1}\" y=\"{y:.1}\" width=\"{:.1}\" height=\"{:.1}\"><title>{} {}: {v}</title></rect>",
                COLOURS[s % COLOURS.len()],
                (bar_w - 1.0).max(0.5),
                (TOP + plot_h) as f64 - y,
                escape_html(label),
                escape_html(one.name)
            );
        }
        // Every other label, so that twelve weeks fit on a phone.
        if g % 2 == 1 || labels.len() <= 6 {
            svg += &format!(
                "<text class=\"label\" font-size=\"10\" fill=\"#4b5563\" x=\"{:.1}\" y=\"{}\" text-anchor=\"middle\">{}</text>",
                LEFT as f64 + group_w * (g as f64 + 0.5),
                H - 6,
                escape_html(label)
            );
        }
    }
    let mut x = LEFT;
    for (s, one) in series.iter().enumerate() {
        svg += &format!(
            "<rect class=\"bar s{s}\" fill=\"{}\" x=\"{x}\" y=\"6\" width=\"10\" height=\"10\"/>\
             <text class=\"legend\" font-size=\"10\" x=\"{}\" y=\"15\">{}</text>",
            COLOURS[s % COLOURS.len()],
            x + 14,
            escape_html(one.name)
        );
        x += 14 + 12 * one.name.chars().count().max(4) as i64 + 12;
    }
    svg += "</svg>";
    svg
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates_round_half_up_and_survive_an_empty_denominator() {
        assert_eq!(Ratio::new(5, 6).permille(), Some(833));
        assert_eq!(Ratio::new(5, 6).percent_text(), "83.3%");
        assert_eq!(Ratio::new(1, 8).percent_text(), "12.5%");
        assert_eq!(Ratio::new(2, 3).percent_text(), "66.7%");
        assert_eq!(Ratio::new(3, 3).percent_text(), "100.0%");
        assert_eq!(Ratio::new(0, 4).percent_text(), "0.0%");
        assert_eq!(Ratio::new(0, 0).permille(), None);
        assert_eq!(Ratio::new(0, 0).percent_text(), NO_VALUE);
        assert_eq!(Ratio::new(14, 3).average_text(), "4.67");
        assert_eq!(Ratio::new(9, 2).average_text(), "4.50");
        assert_eq!(Ratio::new(0, 0).average_text(), NO_VALUE);
        assert_eq!(Ratio::new(5, 6).fraction_text(), "5/6");
    }

    #[test]
    fn the_median_takes_the_middle_or_the_mean_of_the_two_middles() {
        assert_eq!(median(&[]), None);
        assert_eq!(median(&[7]), Some(7));
        assert_eq!(median(&[600, 60, 3600]), Some(600));
        assert_eq!(median(&[60, 3600, 600, 1200]), Some(900));
        assert_eq!(median(&[1, 2]), Some(1));
        assert_eq!(minutes(89), 1);
        assert_eq!(minutes(90), 2);
    }

    #[test]
    fn weeks_are_rolling_windows_ending_now() {
        let now = 1_000_000_000;
        let starts = week_starts(now);
        assert_eq!(starts.len(), WEEKS);
        assert_eq!(starts[0], now - 12 * WEEK);
        assert_eq!(starts[11], now - WEEK);
        assert_eq!(week_index(now, now), Some(11));
        assert_eq!(week_index(now, now - 1), Some(11));
        assert_eq!(week_index(now, now - WEEK - 1), Some(10));
        assert_eq!(week_index(now, period_start(now)), Some(0));
        assert_eq!(week_index(now, period_start(now) - 1), None);
        assert_eq!(week_index(now, now + 1), None);
    }

    #[test]
    fn the_value_axis_has_nice_steps() {
        assert_eq!(axis(0), (1, 1));
        assert_eq!(axis(3), (3, 1));
        assert_eq!(axis(5), (5, 1));
        assert_eq!(axis(7), (8, 2));
        assert_eq!(axis(23), (25, 5));
        assert_eq!(axis(480), (500, 100));
    }

    #[test]
    fn a_chart_is_an_accessible_svg_with_one_bar_per_week_and_series() {
        let labels: Vec<String> = (1..=12).map(|w| format!("W{w}")).collect();
        let placed = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12];
        let done = [0; 12];
        let svg = bar_chart_svg(
            "orders",
            "每周下单与完成 <近12周>",
            "柱高为件数",
            &labels,
            &[Series { name: "下单", values: &placed }, Series { name: "完成", values: &done }],
        );
        assert!(svg.starts_with("<svg class=\"chart\""));
        assert!(svg.contains("role=\"img\" aria-labelledby=\"orders-t orders-d\""));
        assert!(svg.contains("<title id=\"orders-t\">每周下单与完成 &lt;近12周&gt;</title>"));
        assert!(svg.contains("<desc id=\"orders-d\">柱高为件数</desc>"));
        // 24 bars and 2 legend swatches.
        assert_eq!(svg.matches("<rect class=\"bar s0\" fill=\"#b91c1c\"").count(), 13);
        assert_eq!(svg.matches("<rect class=\"bar s1\" fill=\"#2563eb\"").count(), 13);
        assert!(svg.contains("<title>W12 下单: 12</title>"));
        assert!(svg.ends_with("</svg>"));
        // The tallest bar reaches the top of the axis (15: steps of 5).
        assert!(svg.contains(">15</text>"));
    }
}
