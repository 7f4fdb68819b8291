//! Mainland China mobile numbers (手机号).
use serde::{Deserialize, Serialize};

/// An 11-digit mainland mobile number starting with 1[3-9].
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct PhoneNumber(String);

/// Why a phone number was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PhoneError {
    Empty,
    Malformed,
}

impl PhoneNumber {
    /// Accepts spaces, dashes and a leading +86 / 86, as people type them.
    pub fn parse(input: &str) -> Result<Self, PhoneError> {
        let digits: String = input.chars().filter(|c| !matches!(c, ' ' | '-' | '\u{3000}')).collect();
        if digits.is_empty() {
            return Err(PhoneError::Empty);
        }
        let digits = digits
            .strip_prefix("+86")
            .or_else(|| digits.strip_prefix("0086"))
            .or_else(|| (digits.len() == 13).then(|| digits.strip_prefix("86")).flatten())
            .unwrap_or(&digits);
        let bytes = digits.as_bytes();
        let well_formed = bytes.len() == 11
            && bytes.iter().all(u8::is_ascii_digit)
            && bytes[0] == b'1'
            && (b'3'..=b'9').contains(&bytes[1]);
        if well_formed {
            Ok(Self(digits.to_string()))
        } else {
            Err(PhoneError::Malformed)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// 138****0001: safe for logs and for anyone but the owner and staff.
    pub fn masked(&self) -> String {
        format!("{}****{}", &self.0[..3], &self.0[7..])
    }
}

impl std::fmt::Display for PhoneNumber {
    /// Displays masked, so a phone number never lands in a log by accident.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.masked())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_plain_mobile_number_parses() {
        assert_eq!(PhoneNumber::parse("13800000001").map(|p| p.0), Ok("13800000001".into()));
    }

    #[test]
    fn spaces_dashes_and_country_code_are_accepted() {
        for input in ["138 0000 0001", "138-0000-0001", "+8613800000001", "8613800000001"] {
            assert_eq!(PhoneNumber::parse(input).map(|p| p.0), Ok("13800000001".into()), "{input}");
        }
    }

    #[test]
    fn wrong_numbers_are_refused() {
        assert_eq!(PhoneNumber::parse(""), Err(PhoneError::Empty));
        for input in ["1380000000", "138000000011", "12800000001", "23800000001", "1380000000a", "１３８００００００01"]
        {
            assert_eq!(PhoneNumber::parse(input), Err(PhoneError::Malformed), "{input}");
        }
    }

    #[test]
    fn display_masks_the_middle_digits() {
        let phone = PhoneNumber::parse("13812345678").expect("valid");
        assert_eq!(phone.to_string(), "138****5678");
    }
}
