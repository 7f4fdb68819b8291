//! 我需要 as sent, parsed into an order to place: a form with any bad field is answered with
//! every field problem at once, before anything is opened.
use super::{ServiceSection, Urgency};
use crate::domain::form_key::FormKey;
use crate::domain::ids::PersonId;
use crate::domain::phone::PhoneNumber;
use crate::domain::text::FreeText;
use crate::domain::time::parse_local_datetime;

/// The 我需要 form as sent. A field the form did not send is `None`; a blank one counts as
/// not sent.
#[derive(Debug, Clone, Copy, Default)]
pub struct OrderInput<'a> {
    pub idempotency_key: &'a str,
    pub section: &'a str,
    pub title: &'a str,
    pub description: &'a str,
    pub urgency: &'a str,
    /// `2026-11-26T09:30`, China time.
    pub window_start: Option<&'a str>,
    pub window_end: Option<&'a str>,
    /// 代下单 (grid staff only): a resident found by phone...
    pub on_behalf_phone: Option<&'a str>,
    /// ...or chosen from the form's list.
    pub on_behalf_person: Option<&'a str>,
}

/// Whom an order is for: the viewer, or (代下单, grid staff only) a resident found by
/// phone or chosen from the form's list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Requester {
    Viewer,
    Phone(PhoneNumber),
    Person(PersonId),
}

/// An order to place, parsed from [`OrderInput`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewOrder {
    pub key: FormKey,
    pub section: ServiceSection,
    pub title: String,
    pub description: String,
    pub urgency: Urgency,
    /// Unix seconds.
    pub window_start: Option<i64>,
    pub window_end: Option<i64>,
    pub requester: Requester,
}

/// Why a field of the 我需要 form was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OrderProblem {
    /// No key, or a malformed one: no form of ours sends that, so it is the only problem
    /// named, before any field is looked at.
    FormKey,
    /// Not one of the five sections.
    Section,
    /// The title is not 2–60 characters.
    TitleLength,
    /// The description is over 1000 characters.
    TooLong,
    /// A control character (a NUL...) in free text.
    Control,
    /// Not a time as `2026-11-26T09:30`.
    Time,
    /// The window ends before it starts.
    Window,
    /// A 代下单 phone number that is no mobile number.
    Phone,
    /// A 代下单 resident that is no id from the list.
    Resident,
}

impl NewOrder {
    pub fn parse(form: &OrderInput<'_>) -> Result<NewOrder, Vec<(&'static str, OrderProblem)>> {
        // A form of ours always carries its key: without one it is answered before its fields.
        let Some(key) = FormKey::parse(form.idempotency_key) else {
            return Err(vec![("idempotency_key", OrderProblem::FormKey)]);
        };
        let section = ServiceSection::parse(form.section).ok_or(OrderProblem::Section);
        let title = FreeText::field(form.title, 2..=60, OrderProblem::TitleLength, OrderProblem::Control);
        let description = FreeText::field(form.description, 0..=1000, OrderProblem::TooLong, OrderProblem::Control);
        let time = |v: Option<&str>| given(v).map(|s| parse_local_datetime(s).ok_or(OrderProblem::Time)).transpose();
        let start = time(form.window_start);
        let end = time(form.window_end);
        let window = match (start, end) {
            (Ok(Some(s)), Ok(Some(e))) if e < s => Err(OrderProblem::Window),
            _ => Ok(()),
        };
        let phone =
            given(form.on_behalf_phone).map(|p| PhoneNumber::parse(p).map_err(|_| OrderProblem::Phone)).transpose();
        let person =
            given(form.on_behalf_person).map(|p| p.parse::<PersonId>().map_err(|_| OrderProblem::Resident)).transpose();
        let problems: Vec<(&'static str, OrderProblem)> = [
            ("section", section.err()),
            ("title", title.as_ref().err().copied()),
            ("description", description.as_ref().err().copied()),
            ("window_start", start.err()),
            ("window_end", end.err()),
            ("window_end", window.err()),
            ("on_behalf_phone", phone.as_ref().err().copied()),
            ("on_behalf_person", person.err()),
        ]
        .into_iter()
        .filter_map(|(field, problem)| Some((field, problem?)))
        .collect();
        let (Ok(section), Ok(title), Ok(description), Ok(window_start), Ok(window_end), Ok(phone), Ok(person), true) =
            (section, title, description, start, end, phone, person, problems.is_empty())
        else {
            return Err(problems);
        };
        // A resident picked from the list wins over a number typed as well.
        let requester = match (person, phone) {
            (Some(person), _) => Requester::Person(person),
            (None, Some(phone)) => Requester::Phone(phone),
            (None, None) => Requester::Viewer,
        };
        Ok(NewOrder {
            key,
            section,
            title,
            description,
            urgency: Urgency::parse(form.urgency).unwrap_or(Urgency::Normal),
            window_start,
            window_end,
            requester,
        })
    }
}

/// An optional field as typed, trimmed; blank counts as not given.
fn given(v: Option<&str>) -> Option<&str> {
    v.map(str::trim).filter(|s| !s.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str = "0123456789abcdef";

    fn form() -> OrderInput<'static> {
        OrderInput {
            idempotency_key: KEY,
            section: "daily_life",
            title: "楼道灯坏了",
            description: "三楼到四楼之间",
            urgency: "normal",
            ..OrderInput::default()
        }
    }

    fn problems(form: OrderInput<'_>) -> Vec<(&'static str, OrderProblem)> {
        NewOrder::parse(&form).err().unwrap_or_default()
    }

    #[test]
    fn a_good_form_is_parsed_into_an_order_for_the_viewer() {
        let order = NewOrder::parse(&OrderInput { title: "  楼道灯坏了 ", ..form() }).expect("parsed");
        assert_eq!(order.key.as_str(), KEY);
        assert_eq!(order.section, ServiceSection::DailyLife);
        assert_eq!(order.title, "楼道灯坏了", "trimmed");
        assert_eq!(order.description, "三楼到四楼之间");
        assert_eq!(order.urgency, Urgency::Normal);
        assert_eq!((order.window_start, order.window_end), (None, None));
        assert_eq!(order.requester, Requester::Viewer);
    }

    #[test]
    fn a_form_without_its_key_is_answered_alone_before_its_fields() {
        for key in ["", "   ", "short", "a;b=c&d<e>", &"x".repeat(65)] {
            let bad = OrderInput { idempotency_key: key, section: "nonsense", title: "x", ..OrderInput::default() };
            assert_eq!(problems(bad), vec![("idempotency_key", OrderProblem::FormKey)], "{key:?}");
        }
    }

    #[test]
    fn every_bad_field_is_answered_at_once_in_the_forms_order() {
        let long = "长".repeat(1001);
        let bad = OrderInput {
            idempotency_key: KEY,
            section: "gardening",
            title: "灯",
            description: &long,
            urgency: "whenever",
            window_start: Some("tomorrow"),
            window_end: Some("2026-11-26T24:00"),
            on_behalf_phone: Some("12345"),
            on_behalf_person: Some("王阿姨"),
        };
        assert_eq!(
            problems(bad),
            vec![
                ("section", OrderProblem::Section),
                ("title", OrderProblem::TitleLength),
                ("description", OrderProblem::TooLong),
                ("window_start", OrderProblem::Time),
                ("window_end", OrderProblem::Time),
                ("on_behalf_phone", OrderProblem::Phone),
                ("on_behalf_person", OrderProblem::Resident),
            ]
        );
    }

    #[test]
    fn a_title_has_two_to_sixty_characters() {
        for (title, ok) in [
            ("灯坏".to_string(), true),
            ("灯".repeat(60), true),
            ("灯".to_string(), false),
            ("灯".repeat(61), false),
            ("  ".to_string(), false),
        ] {
            let result = NewOrder::parse(&OrderInput { title: &title, ..form() });
            match ok {
                true => assert!(result.is_ok(), "{title:?}"),
                false => assert_eq!(result.err(), Some(vec![("title", OrderProblem::TitleLength)]), "{title:?}"),
            }
        }
    }

    #[test]
    fn a_description_is_optional_and_at_most_a_thousand_characters() {
        let at_most = "述".repeat(1000);
        assert_eq!(NewOrder::parse(&OrderInput { description: "", ..form() }).map(|o| o.description), Ok("".into()));
        assert!(NewOrder::parse(&OrderInput { description: &at_most, ..form() }).is_ok());
        let over = "述".repeat(1001);
        assert_eq!(problems(OrderInput { description: &over, ..form() }), vec![("description", OrderProblem::TooLong)]);
    }

    #[test]
    fn control_characters_in_free_text_are_named_as_such() {
        let bad = OrderInput { title: "灯\u{0}坏了", description: "响\u{7}铃", ..form() };
        assert_eq!(problems(bad), vec![("title", OrderProblem::Control), ("description", OrderProblem::Control)]);
    }

    #[test]
    fn the_window_may_not_end_before_it_starts() {
        let window = |start, end| NewOrder::parse(&OrderInput { window_start: start, window_end: end, ..form() });
        assert_eq!(
            window(Some("2026-11-26T10:00"), Some("2026-11-26T09:59")).err(),
            Some(vec![("window_end", OrderProblem::Window)])
        );
        let same = window(Some("2026-11-26T09:30"), Some(" 2026-11-26T09:30 ")).expect("a moment is a window");
        assert_eq!(same.window_start, parse_local_datetime("2026-11-26T09:30"));
        assert_eq!(same.window_end, same.window_start);
        let open = window(Some("2026-11-26T09:30"), Some("  ")).expect("blank is not given");
        assert_eq!((open.window_start.is_some(), open.window_end), (true, None));
        assert!(window(None, Some("2026-11-26T09:30")).is_ok(), "an end alone");
    }

    #[test]
    fn a_bad_time_is_named_alone_not_as_a_wrong_window_too() {
        let bad = OrderInput { window_start: Some("2026-11-26T10:00"), window_end: Some("09:00"), ..form() };
        assert_eq!(problems(bad), vec![("window_end", OrderProblem::Time)]);
    }

    #[test]
    fn a_resident_picked_from_the_list_wins_over_a_number_typed_as_well() {
        let on_behalf = |phone, person| {
            NewOrder::parse(&OrderInput { on_behalf_phone: phone, on_behalf_person: person, ..form() })
                .map(|o| o.requester)
        };
        let phone = PhoneNumber::parse("13800138000").expect("phone");
        assert_eq!(on_behalf(Some("138 0013 8000"), Some(" 42 ")), Ok(Requester::Person(PersonId(42))));
        assert_eq!(on_behalf(Some("+86 138-0013-8000"), None), Ok(Requester::Phone(phone.clone())));
        assert_eq!(on_behalf(Some("138 0013 8000"), Some("")), Ok(Requester::Phone(phone)));
        assert_eq!(on_behalf(Some(" "), Some(" ")), Ok(Requester::Viewer));
        assert_eq!(on_behalf(None, None), Ok(Requester::Viewer));
    }

    #[test]
    fn a_malformed_number_is_refused_even_beside_a_picked_resident() {
        let bad = OrderInput { on_behalf_phone: Some("1380013"), on_behalf_person: Some("42"), ..form() };
        assert_eq!(problems(bad), vec![("on_behalf_phone", OrderProblem::Phone)]);
    }

    #[test]
    fn an_unknown_urgency_is_normal() {
        let urgency = |u| NewOrder::parse(&OrderInput { urgency: u, ..form() }).map(|o| o.urgency);
        assert_eq!(urgency("urgent"), Ok(Urgency::Urgent));
        assert_eq!(urgency("normal"), Ok(Urgency::Normal));
        assert_eq!(urgency("URGENT!!"), Ok(Urgency::Normal));
        assert_eq!(urgency(""), Ok(Urgency::Normal));
    }
}
