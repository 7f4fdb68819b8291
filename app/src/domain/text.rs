//! Free text as people type it: names, titles, notes, reasons. Control characters other
//! than line breaks and tabs are refused wherever text is taken: nobody types them on
//! purpose, and a NUL would make SQLite's `length()` (which the schema's CHECKs use) see
//! the text as shorter than it is, so a refusal would become an internal error.

/// Free text as a person typed it, taken: trimmed, its length in characters within the
/// field's limits, and without control characters. Every form field of free text (names,
/// titles, notes, reasons, descriptions) is parsed into one before it is stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FreeText(String);

/// Why typed text was not taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextProblem {
    /// Shorter or longer than the field allows (an empty required field is too short).
    Length,
    Control,
}

impl FreeText {
    pub fn parse(value: &str, chars: std::ops::RangeInclusive<usize>) -> Result<FreeText, TextProblem> {
        let value = value.trim();
        if !chars.contains(&value.chars().count()) {
            Err(TextProblem::Length)
        } else if has_control(value) {
            Err(TextProblem::Control)
        } else {
            Ok(FreeText(value.to_string()))
        }
    }

    /// The text of a form field, or the form's own name for what is wrong with it (`length`
    /// or `control`), so a form parser lists it with its other fields' problems.
    pub fn field<P>(value: &str, chars: std::ops::RangeInclusive<usize>, length: P, control: P) -> Result<String, P> {
        FreeText::parse(value, chars).map(FreeText::into_string).map_err(|problem| match problem {
            TextProblem::Length => length,
            TextProblem::Control => control,
        })
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_string(self) -> String {
        self.0
    }
}

/// Whether `text` holds a control character other than a line break or a tab.
pub fn has_control(text: &str) -> bool {
    text.chars().any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
}

/// `text` with the five characters that HTML gives a meaning escaped, so that it can be
/// written into markup (text or a quoted attribute) and read back as the same text.
pub fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{escape_html, has_control, FreeText, TextProblem};

    #[test]
    fn free_text_is_trimmed_counted_in_characters_and_clean() {
        assert_eq!(FreeText::parse("  楼道灯坏了 \n", 2..=5).map(FreeText::into_string), Ok("楼道灯坏了".into()));
        assert_eq!(FreeText::parse("楼道灯坏了了", 2..=5), Err(TextProblem::Length));
        assert_eq!(FreeText::parse("   ", 1..=5), Err(TextProblem::Length));
        assert_eq!(FreeText::parse("", 0..=5).map(FreeText::into_string), Ok(String::new()));
        assert_eq!(FreeText::parse("灯\u{0}坏", 0..=5), Err(TextProblem::Control));
        assert_eq!(FreeText::parse("第一行\n第二行", 0..=10).map(|t| t.as_str().len()), Ok(19));
    }

    #[test]
    fn escaped_text_cannot_close_the_element_it_is_written_into() {
        let hostile = "</textarea><b id=x>&amp;\"'";
        let escaped = escape_html(hostile);
        assert_eq!(escaped, "&lt;/textarea&gt;&lt;b id=x&gt;&amp;amp;&quot;&#39;");
        assert!(!escaped.contains('<') && !escaped.contains('"'));
        assert_eq!(escape_html("楼道灯坏了\n第二行"), "楼道灯坏了\n第二行");
    }

    #[test]
    fn control_characters_are_found_but_line_breaks_and_tabs_are_text() {
        for bad in ["\u{0}ab", "a\u{0}", "bell\u{7}", "esc\u{1b}[2J", "del\u{7f}", "c1\u{85}"] {
            assert!(has_control(bad), "{bad:?}");
        }
        for good in ["", "楼道灯坏了", "第一行\n第二行\r\n", "a\tb", "\u{202e}\u{200b}😀", "' OR 1=1 --"] {
            assert!(!has_control(good), "{good:?}");
        }
    }
}
