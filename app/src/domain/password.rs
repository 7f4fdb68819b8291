//! Password rules: at least 8 characters, not a common password. On the server a new
//! password is also scored by zxcvbn against its lists of breached passwords, names and
//! words (with the app's own name and demo password as known words): a password it
//! finds guessable within a million tries (score 0 or 1) is refused.

/// Why a new password was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PasswordError {
    TooShort,
    TooLong,
    TooCommon,
}

pub const MIN_LEN: usize = 8;
pub const MAX_LEN: usize = 128;

/// The most common passwords (and the shapes Chinese users favour), lower-cased.
const COMMON: &[&str] = &[
    "12345678",
    "123456789",
    "1234567890",
    "87654321",
    "11111111",
    "00000000",
    "88888888",
    "66666666",
    "12341234",
    "11223344",
    "password",
    "password1",
    "passw0rd",
    "qwertyui",
    "qwerty123",
    "1qaz2wsx",
    "abc12345",
    "abcd1234",
    "a1234567",
    "iloveyou",
    "woaini1314",
    "woaini520",
    "5201314520",
    "1314520520",
    "aa123456",
    "qq123456",
    "asdfghjk",
    "zxcvbnm1",
    "admin123",
    "admin888",
    "letmein1",
    "welcome1",
    "sunshine",
    "football",
    "baseball",
    "12qwaszx",
    "q1w2e3r4",
    "123qweasd",
    "1q2w3e4r",
    "147258369",
    "123123123",
    "159357456",
    "gridstation1",
];

/// Checks a new password. Existing demo passwords are not re-checked at sign-in.
pub fn check_new_password(password: &str) -> Result<(), PasswordError> {
    let len = password.chars().count();
    if len < MIN_LEN {
        return Err(PasswordError::TooShort);
    }
    if len > MAX_LEN {
        return Err(PasswordError::TooLong);
    }
    let lower = password.to_lowercase();
    // Character by character: lower-casing the whole string makes İ two characters and a
    // final Σ a ς, so "İİİİİİİİ" would pass as varied.
    let first = password.chars().next().map(|c| c.to_lowercase().to_string());
    let one_repeated_char = password.chars().all(|c| Some(c.to_lowercase().to_string()) == first);
    if one_repeated_char || COMMON.contains(&lower.as_str()) || guessable(&lower) {
        return Err(PasswordError::TooCommon);
    }
    Ok(())
}

/// Words anyone trying passwords here would try first.
#[cfg(feature = "ssr")]
const KNOWN_WORDS: &[&str] = &["gridstation", "wanggeyizhan", "网格驿站", "nantong", "xingfu"];

/// Whether zxcvbn finds `lower` (a lower-cased password) guessable within 10^6 tries.
/// Lower-cased so the verdict never depends on letter case; only the first 64 characters
/// are scored (the rest cannot make a password weaker, and scoring is superlinear).
#[cfg(feature = "ssr")]
fn guessable(lower: &str) -> bool {
    let head: String = lower.chars().take(64).collect();
    zxcvbn::zxcvbn(&head, KNOWN_WORDS).score() < zxcvbn::Score::Two
}

#[cfg(not(feature = "ssr"))]
fn guessable(_lower: &str) -> bool {
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn breached_and_guessable_passwords_are_refused_and_strong_ones_pass() {
        for weak in ["123456789a", "gridstation", "Gridstation2026", "wanggeyizhan1", "iloveyou2", "sunshine99"] {
            assert_eq!(check_new_password(weak), Err(PasswordError::TooCommon), "{weak}");
        }
        for strong in ["Tianqing-Shui-42", "qingshui-admin-2026", "我家门前有两棵枣树"] {
            assert_eq!(check_new_password(strong), Ok(()), "{strong}");
        }
    }

    #[test]
    fn short_passwords_are_refused() {
        assert_eq!(check_new_password("abc123"), Err(PasswordError::TooShort));
        assert_eq!(check_new_password("密码密码密码密"), Err(PasswordError::TooShort));
    }

    #[test]
    fn common_passwords_are_refused_whatever_the_case() {
        assert_eq!(check_new_password("12345678"), Err(PasswordError::TooCommon));
        assert_eq!(check_new_password("PassWord"), Err(PasswordError::TooCommon));
        assert_eq!(check_new_password("zzzzzzzzzz"), Err(PasswordError::TooCommon));
        assert_eq!(check_new_password("İİİİİİİİ"), Err(PasswordError::TooCommon));
        assert_eq!(check_new_password("ΣΣΣΣΣΣΣΣ"), Err(PasswordError::TooCommon));
    }

    #[test]
    fn a_reasonable_password_passes() {
        assert_eq!(check_new_password("向日葵驿站2026"), Ok(()));
        assert_eq!(check_new_password("correct horse"), Ok(()));
    }

    #[test]
    fn huge_passwords_are_refused() {
        assert_eq!(check_new_password(&"x1".repeat(100)), Err(PasswordError::TooLong));
    }
}
