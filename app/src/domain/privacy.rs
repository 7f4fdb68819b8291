//! What the public may see of a person (PIPL): a masked name, never room or phone.

/// 王小明 → 王**, 欧阳娜娜 → 欧阳**, Alice → A**.
pub fn mask_name(full_name: &str) -> String {
    const COMPOUND_SURNAMES: &[&str] =
        &["欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "尉迟", "公孙", "慕容", "长孙", "夏侯", "轩辕"];
    let name = full_name.trim();
    let surname = COMPOUND_SURNAMES
        .iter()
        .find(|s| name.starts_with(**s) && name.chars().count() > 2)
        .map(|s| s.to_string())
        .unwrap_or_else(|| name.chars().take(1).collect());
    if surname.is_empty() {
        return "**".into();
    }
    format!("{surname}**")
}

/// 13812345678 → 138****5678; anything else is hidden entirely.
pub fn mask_phone(phone: &str) -> String {
    if phone.len() == 11 && phone.is_ascii() {
        format!("{}****{}", &phone[..3], &phone[7..])
    } else {
        "****".into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_keep_only_the_surname() {
        assert_eq!(mask_name("王小明"), "王**");
        assert_eq!(mask_name("李娜"), "李**");
        assert_eq!(mask_name("欧阳娜娜"), "欧阳**");
        assert_eq!(mask_name("Alice"), "A**");
        assert_eq!(mask_name("  "), "**");
    }

    #[test]
    fn phones_keep_the_ends_only() {
        assert_eq!(mask_phone("13812345678"), "138****5678");
        assert_eq!(mask_phone("12345"), "****");
    }
}
