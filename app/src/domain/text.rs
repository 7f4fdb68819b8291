//! Free text as people type it: names, titles, notes, reasons. Control characters other
//! than line breaks and tabs are refused wherever text is taken: nobody types them on
//! purpose, and a NUL would make SQLite's `length()` (which the schema's CHECKs use) see
//! the text as shorter than it is, so a refusal would become an internal error.

/// Whether `text` holds a control character other than a line break or a tab.
pub fn has_control(text: &str) -> bool {
    text.chars().any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
}

#[cfg(test)]
mod tests {
    use super::has_control;

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
