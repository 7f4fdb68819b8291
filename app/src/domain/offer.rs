//! 我帮忙: a volunteer's offer as sent, parsed: a form with any bad field is answered with
//! every field problem at once, before anything is opened.
use crate::domain::order::ServiceSection;
use crate::domain::text::FreeText;

/// The offer form as sent.
#[derive(Debug, Clone, Copy, Default)]
pub struct OfferInput<'a> {
    pub section: &'a str,
    pub title: &'a str,
    pub description: &'a str,
    /// When the volunteer can help, in their own words (每周六上午).
    pub schedule: &'a str,
}

/// An offer to post, parsed from [`OfferInput`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewOffer {
    pub section: ServiceSection,
    pub title: String,
    pub description: String,
    pub schedule: String,
}

/// Why a field of the offer form was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OfferProblem {
    /// Not one of the five sections.
    Section,
    /// The title is not 2–60 characters.
    TitleLength,
    /// The description is over 1000 characters, or the schedule over 100.
    TooLong,
    /// A control character (a NUL...) in free text.
    Control,
}

impl NewOffer {
    pub fn parse(form: &OfferInput<'_>) -> Result<NewOffer, Vec<(&'static str, OfferProblem)>> {
        let section = ServiceSection::parse(form.section).ok_or(OfferProblem::Section);
        let title = FreeText::field(form.title, 2..=60, OfferProblem::TitleLength, OfferProblem::Control);
        let description = FreeText::field(form.description, 0..=1000, OfferProblem::TooLong, OfferProblem::Control);
        let schedule = FreeText::field(form.schedule, 0..=100, OfferProblem::TooLong, OfferProblem::Control);
        let problems = [
            ("section", section.err()),
            ("title", title.as_ref().err().copied()),
            ("description", description.as_ref().err().copied()),
            ("schedule", schedule.as_ref().err().copied()),
        ];
        match (section, title, description, schedule) {
            (Ok(section), Ok(title), Ok(description), Ok(schedule)) => {
                Ok(NewOffer { section, title, description, schedule })
            }
            _ => Err(problems.into_iter().filter_map(|(field, problem)| Some((field, problem?))).collect()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form() -> OfferInput<'static> {
        OfferInput {
            section: "health", title: "陪同就医", description: "可陪同去社区医院", schedule: "每周六上午"
        }
    }

    fn problems(form: OfferInput<'_>) -> Vec<(&'static str, OfferProblem)> {
        NewOffer::parse(&form).err().unwrap_or_default()
    }

    #[test]
    fn a_good_offer_is_parsed_and_trimmed() {
        let offer = NewOffer::parse(&OfferInput { title: " 陪同就医\n", schedule: "", ..form() }).expect("parsed");
        assert_eq!(
            offer,
            NewOffer {
                section: ServiceSection::Health,
                title: "陪同就医".into(),
                description: "可陪同去社区医院".into(),
                schedule: String::new(),
            }
        );
    }

    #[test]
    fn every_bad_field_is_answered_at_once_in_the_forms_order() {
        let (description, schedule) = ("述".repeat(1001), "周".repeat(101));
        let bad = OfferInput { section: "", title: "x", description: &description, schedule: &schedule };
        assert_eq!(
            problems(bad),
            vec![
                ("section", OfferProblem::Section),
                ("title", OfferProblem::TitleLength),
                ("description", OfferProblem::TooLong),
                ("schedule", OfferProblem::TooLong),
            ]
        );
    }

    #[test]
    fn a_title_has_two_to_sixty_characters() {
        for ok in ["陪同".to_string(), "陪".repeat(60)] {
            assert!(NewOffer::parse(&OfferInput { title: &ok, ..form() }).is_ok(), "{ok:?}");
        }
        for bad in ["陪".to_string(), "陪".repeat(61)] {
            assert_eq!(problems(OfferInput { title: &bad, ..form() }), vec![("title", OfferProblem::TitleLength)]);
        }
    }

    #[test]
    fn the_description_and_schedule_have_their_own_limits() {
        let (d1000, s100) = ("述".repeat(1000), "周".repeat(100));
        assert!(NewOffer::parse(&OfferInput { description: &d1000, schedule: &s100, ..form() }).is_ok());
        let s101 = "周".repeat(101);
        assert_eq!(problems(OfferInput { schedule: &s101, ..form() }), vec![("schedule", OfferProblem::TooLong)]);
    }

    #[test]
    fn control_characters_are_named_as_such() {
        let bad = OfferInput { title: "陪同\u{0}就医", schedule: "\u{1b}[2J", ..form() };
        assert_eq!(problems(bad), vec![("title", OfferProblem::Control), ("schedule", OfferProblem::Control)]);
    }
}
