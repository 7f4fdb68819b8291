//! CSV for exports that open in spreadsheet programs: RFC 4180 quoting, and cells that a
//! spreadsheet would run as a formula are prefixed with `'`.

/// One CSV line (with CRLF) from its cells.
pub fn row<S: AsRef<str>>(cells: &[S]) -> String {
    let mut line = cells.iter().map(|c| cell(c.as_ref())).collect::<Vec<_>>().join(",");
    line.push_str("\r\n");
    line
}

fn cell(value: &str) -> String {
    let value =
        if value.starts_with(['=', '+', '-', '@', '\t', '\r']) { format!("'{value}") } else { value.to_string() };
    // `;` too: spreadsheets in many locales (and Excel set up so) split cells on it.
    if value.contains([',', ';', '"', '\n', '\r']) {
        format!("\"{}\"", value.replace('"', "\"\""))
    } else {
        value
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_are_quoted_when_needed_and_formulas_are_defused() {
        assert_eq!(row(&["钱伟", "12", "3.5"]), "钱伟,12,3.5\r\n");
        assert_eq!(row(&["a,b", "say \"hi\""]), "\"a,b\",\"say \"\"hi\"\"\"\r\n");
        assert_eq!(row(&["=HYPERLINK(1)", "-1"]), "'=HYPERLINK(1),'-1\r\n");
        assert_eq!(row(&["漏水;电梯", "x"]), "\"漏水;电梯\",x\r\n");
    }
}
