//! 记录民情 as sent, parsed into an item to record: a form with any bad field is answered
//! with every field problem at once, before anything is opened.
use super::{Category, Kind};
use crate::domain::ids::NodeId;
use crate::domain::phone::PhoneNumber;
use crate::domain::text::FreeText;

/// The 记录民情 form as sent. Fields the form did not send are empty.
#[derive(Debug, Clone, Copy, Default)]
pub struct ItemInput<'a> {
    pub category: &'a str,
    /// The building, unit or micro-grid chosen.
    pub place: &'a str,
    pub place_note: &'a str,
    pub description: &'a str,
    /// The 巡查 box was ticked.
    pub inspection: bool,
    /// A dispute's parties, one per line: a name, then after a space their contact.
    pub parties: &'a str,
    /// An inspection's checklist, one point per line.
    pub checks: &'a str,
    /// The resident a member records for (what they told the member in person).
    pub resident_phone: &'a str,
    /// Whether the sender is grid staff: only staff record inspections, parties and items
    /// for a resident.
    pub staff: bool,
}

/// An item to record, parsed from [`ItemInput`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewItem {
    pub category: Category,
    pub kind: Kind,
    pub place: NodeId,
    pub place_note: String,
    pub description: String,
    /// (name, contact) of each party of a dispute recorded by staff; otherwise none.
    pub parties: Vec<(String, Option<String>)>,
    /// The points of an inspection; otherwise none.
    pub checks: Vec<String>,
    pub resident_phone: Option<PhoneNumber>,
}

/// Why a field of the 记录民情 form was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ItemProblem {
    /// A resident's phone from someone who is not staff: no form of theirs has the field,
    /// so it is the only problem named.
    NotStaff,
    /// Not one of the categories.
    Category,
    /// No place chosen.
    Place,
    /// The place note is over 100 characters.
    TooLong,
    /// The description is not 2–2000 characters.
    DescriptionLength,
    /// A control character (a NUL...) in free text.
    Control,
    /// More than 10 parties, or a name or contact over 40 characters.
    Parties,
    /// An inspection without points, more than 20, or one over 100 characters.
    Checklist,
    /// The resident's phone is no mobile number.
    Phone,
}

impl NewItem {
    pub fn parse(form: &ItemInput<'_>) -> Result<NewItem, Vec<(&'static str, ItemProblem)>> {
        let resident_phone = form.resident_phone.trim();
        if !resident_phone.is_empty() && !form.staff {
            return Err(vec![("resident_phone", ItemProblem::NotStaff)]);
        }
        let category = Category::parse(form.category.trim()).ok_or(ItemProblem::Category);
        let place = form.place.trim().parse::<NodeId>().map_err(|_| ItemProblem::Place);
        let place_note = FreeText::field(form.place_note, 0..=100, ItemProblem::TooLong, ItemProblem::Control);
        let description =
            FreeText::field(form.description, 2..=2000, ItemProblem::DescriptionLength, ItemProblem::Control);
        let kind = match (category, form.inspection && form.staff) {
            (Ok(Category::Dispute), _) => Kind::Dispute,
            (_, true) => Kind::Inspection,
            _ => Kind::Report,
        };
        let parties = if kind == Kind::Dispute && form.staff { parties_of(form.parties) } else { Vec::new() };
        let party_texts = parties.iter().flat_map(|(n, c)| std::iter::once(n.as_str()).chain(c.as_deref()));
        let parties_problem = list_problem(party_texts, parties.len() <= 10, 40, ItemProblem::Parties);
        // Only an inspection has a checklist, and it has at least one point.
        let checks = if kind == Kind::Inspection { lines(form.checks) } else { Vec::new() };
        let count_ok = kind != Kind::Inspection || (1..=20).contains(&checks.len());
        let checks_problem = list_problem(checks.iter().map(String::as_str), count_ok, 100, ItemProblem::Checklist);
        let phone = Some(resident_phone)
            .filter(|p| !p.is_empty())
            .map(|p| PhoneNumber::parse(p).map_err(|_| ItemProblem::Phone))
            .transpose();
        let problems: Vec<(&'static str, ItemProblem)> = [
            ("category", category.err()),
            ("place", place.err()),
            ("place_note", place_note.as_ref().err().copied()),
            ("description", description.as_ref().err().copied()),
            ("parties", parties_problem),
            ("checks", checks_problem),
            ("resident_phone", phone.as_ref().err().copied()),
        ]
        .into_iter()
        .filter_map(|(field, problem)| Some((field, problem?)))
        .collect();
        let (Ok(category), Ok(place), Ok(place_note), Ok(description), Ok(resident_phone), true) =
            (category, place, place_note, description, phone, problems.is_empty())
        else {
            return Err(problems);
        };
        Ok(NewItem { category, kind, place, place_note, description, parties, checks, resident_phone })
    }
}

/// The non-empty lines of a list field, trimmed.
fn lines(s: &str) -> Vec<String> {
    s.lines().map(str::trim).filter(|l| !l.is_empty()).map(String::from).collect()
}

/// A dispute's parties, one per line: a name, then after a space their contact.
fn parties_of(text: &str) -> Vec<(String, Option<String>)> {
    lines(text)
        .into_iter()
        .map(|l| match l.split_once([' ', '\u{3000}']) {
            Some((name, contact)) => (name.trim().to_string(), Some(contact.trim().to_string())),
            None => (l, None),
        })
        .collect()
}

/// What is wrong with a list field (parties, checklist points), each entry free text of at
/// most `len` characters: `problem` when the entries are too many or too few (`count_ok`
/// false) or one is too long, else a control character in one of them.
fn list_problem<'a>(
    entries: impl IntoIterator<Item = &'a str>,
    count_ok: bool,
    len: usize,
    problem: ItemProblem,
) -> Option<ItemProblem> {
    let found: Vec<ItemProblem> =
        entries.into_iter().filter_map(|e| FreeText::field(e, 0..=len, problem, ItemProblem::Control).err()).collect();
    if !count_ok || found.contains(&problem) {
        Some(problem)
    } else {
        found.first().copied()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form() -> ItemInput<'static> {
        ItemInput { category: "sanitation", place: "12", description: "楼道堆放杂物", ..ItemInput::default() }
    }

    fn problems(form: ItemInput<'_>) -> Vec<(&'static str, ItemProblem)> {
        NewItem::parse(&form).err().unwrap_or_default()
    }

    #[test]
    fn a_residents_report_is_parsed_without_parties_or_checklist() {
        let item =
            NewItem::parse(&ItemInput { parties: "张三 138", checks: "消防栓", inspection: true, ..form() })
                .expect("parsed");
        assert_eq!((item.kind, item.place, item.description.as_str()), (Kind::Report, NodeId(12), "楼道堆放杂物"));
        assert!(item.parties.is_empty() && item.checks.is_empty() && item.resident_phone.is_none());
    }

    #[test]
    fn only_staff_record_for_a_resident_and_that_is_answered_alone() {
        let bad = ItemInput { category: "nonsense", resident_phone: "13800000001", ..form() };
        assert_eq!(problems(bad), vec![("resident_phone", ItemProblem::NotStaff)]);
        let item = NewItem::parse(&ItemInput { resident_phone: " 13800000001 ", staff: true, ..form() }).expect("ok");
        assert_eq!(item.resident_phone.map(|p| p.as_str().to_string()).as_deref(), Some("13800000001"));
    }

    #[test]
    fn every_bad_field_is_answered_at_once_in_the_forms_order() {
        let long = "长".repeat(101);
        let bad = ItemInput {
            category: "gardening",
            place: "four",
            place_note: &long,
            description: "脏",
            resident_phone: "12345",
            staff: true,
            inspection: true,
            ..ItemInput::default()
        };
        assert_eq!(
            problems(bad),
            vec![
                ("category", ItemProblem::Category),
                ("place", ItemProblem::Place),
                ("place_note", ItemProblem::TooLong),
                ("description", ItemProblem::DescriptionLength),
                ("checks", ItemProblem::Checklist),
                ("resident_phone", ItemProblem::Phone),
            ]
        );
    }

    #[test]
    fn a_staff_dispute_lists_its_parties_and_an_inspection_its_points() {
        let dispute = NewItem::parse(&ItemInput {
            category: "dispute",
            parties: "张三 13800000001\n\n李四\u{3000}5号楼\n王五",
            staff: true,
            ..form()
        })
        .expect("dispute");
        assert_eq!(dispute.kind, Kind::Dispute);
        assert_eq!(
            dispute.parties,
            [
                ("张三".to_string(), Some("13800000001".to_string())),
                ("李四".to_string(), Some("5号楼".to_string())),
                ("王五".to_string(), None)
            ]
        );
        let eleven = "甲\n".repeat(11);
        assert_eq!(
            problems(ItemInput { category: "dispute", parties: &eleven, staff: true, ..form() }),
            vec![("parties", ItemProblem::Parties)]
        );
        let inspection =
            NewItem::parse(&ItemInput { inspection: true, checks: " 消防栓 \n灭火器\n", staff: true, ..form() })
                .expect("inspection");
        assert_eq!((inspection.kind, inspection.checks.len()), (Kind::Inspection, 2));
        let point = "点".repeat(101);
        assert_eq!(
            problems(ItemInput { inspection: true, checks: &point, staff: true, ..form() }),
            vec![("checks", ItemProblem::Checklist)]
        );
        assert_eq!(
            problems(ItemInput { inspection: true, checks: "消防\u{0}栓", staff: true, ..form() }),
            vec![("checks", ItemProblem::Control)]
        );
    }

    #[test]
    fn the_description_has_two_to_two_thousand_characters() {
        for ok in ["脏乱".to_string(), "脏".repeat(2000)] {
            assert!(NewItem::parse(&ItemInput { description: &ok, ..form() }).is_ok());
        }
        for bad in ["脏".to_string(), "脏".repeat(2001)] {
            assert_eq!(
                problems(ItemInput { description: &bad, ..form() }),
                vec![("description", ItemProblem::DescriptionLength)]
            );
        }
    }
}
