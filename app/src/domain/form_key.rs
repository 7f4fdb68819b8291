//! The key a rendered create form carries. The server remembers which object each key
//! created, so a double tap, a resent form or a retry over a weak network creates one
//! object and is answered with it.

/// A form's key: 8–64 characters of ASCII letters, digits and `-`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormKey(String);

impl FormKey {
    pub fn parse(text: &str) -> Option<FormKey> {
        let key = text.trim();
        ((8..=64).contains(&key.len()) && key.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-'))
            .then(|| FormKey(key.to_string()))
    }

    /// The key of a form that stays on the page after its `n`th success: each new
    /// submission gets a key of its own, a repeat of the same one the same key.
    pub fn nth(base: &str, n: usize) -> String {
        if n == 0 {
            base.to_string()
        } else {
            format!("{base}-{n}")
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::FormKey;

    #[test]
    fn keys_are_short_plain_tokens() {
        assert_eq!(FormKey::parse(" abcdEFGH-1234 ").map(|k| k.as_str().to_string()), Some("abcdEFGH-1234".into()));
        for bad in ["", "short", "has space inside", "中文中文中文中文", &"x".repeat(65), "a;b=c&d<e>"] {
            assert_eq!(FormKey::parse(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn every_later_submission_of_a_form_gets_its_own_valid_key() {
        let base = "0123456789abcdef0123456789abcdef";
        assert_eq!(FormKey::nth(base, 0), base);
        assert_ne!(FormKey::nth(base, 1), FormKey::nth(base, 2));
        assert!(FormKey::parse(&FormKey::nth(base, 999_999)).is_some());
    }
}
