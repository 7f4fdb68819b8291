//! How an audit row's before/after JSON reads as a list of changes: one entry per field
//! that was set, changed or removed, with values as plain text (times in China time,
//! references as `#id`). The page turns field names and codes into words.
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// One field of an audited object: its value before and after (`None`: not there).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Change {
    pub field: String,
    pub before: Option<String>,
    pub after: Option<String>,
}

/// Fields holding unix seconds.
const TIME_FIELDS: [&str; 5] = ["nomination_start", "nomination_end", "voting_start", "voting_end", "notice_end"];

/// Fields holding the id of another row (shown as `#id`).
const REF_FIELDS: [&str; 16] = [
    "parent",
    "into",
    "new",
    "replaced",
    "assignment",
    "account",
    "order",
    "reopened_as",
    "elder",
    "visit",
    "requester",
    "volunteer",
    "dispatch",
    "offer",
    "person",
    "household",
];

/// The changes between two audit snapshots. Fields equal on both sides are left out, and
/// so is `version` (a counter for conflict checks, meaningless to a reader). Fields come
/// in name order. Text that is
/// not a JSON object (older rows) is one change of the field "".
pub fn changes(before: Option<&str>, after: Option<&str>) -> Vec<Change> {
    let parse = |text: Option<&str>| -> Result<Map<String, Value>, String> {
        match text.map(str::trim).filter(|t| !t.is_empty()) {
            None => Ok(Map::new()),
            Some(t) => match serde_json::from_str::<Value>(t) {
                Ok(Value::Object(map)) => Ok(map),
                _ => Err(t.to_string()),
            },
        }
    };
    let (before, after) = match (parse(before), parse(after)) {
        (Ok(b), Ok(a)) => (b, a),
        (b, a) => {
            let raw = |side: Result<Map<String, Value>, String>| match side {
                Err(t) => Some(t),
                Ok(m) if m.is_empty() => None,
                Ok(m) => Some(Value::Object(m).to_string()),
            };
            return vec![Change { field: String::new(), before: raw(b), after: raw(a) }];
        }
    };
    let keys = before.keys().chain(after.keys().filter(|k| !before.contains_key(*k)));
    keys.filter(|k| k.as_str() != "version")
        .filter_map(|k| {
            let (b, a) = (before.get(k).filter(|v| !v.is_null()), after.get(k).filter(|v| !v.is_null()));
            (b != a).then(|| Change { field: k.clone(), before: b.map(|v| text(k, v)), after: a.map(|v| text(k, v)) })
        })
        .collect()
}

fn text(field: &str, value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Number(n) => match n.as_i64() {
            Some(t) if TIME_FIELDS.contains(&field) => super::time::format_local_datetime(t),
            Some(id) if REF_FIELDS.contains(&field) => format!("#{id}"),
            _ => n.to_string(),
        },
        Value::Array(items) => items.iter().map(|v| text(field, v)).collect::<Vec<_>>().join("、"),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn change(field: &str, before: Option<&str>, after: Option<&str>) -> Change {
        Change { field: field.into(), before: before.map(Into::into), after: after.map(Into::into) }
    }

    #[test]
    fn a_rename_is_one_change_of_the_name_and_the_version_is_left_out() {
        let got = changes(Some(r#"{"name":"红领微网格","version":1}"#), Some(r#"{"name":"红领先锋","version":2}"#));
        assert_eq!(got, vec![change("name", Some("红领微网格"), Some("红领先锋"))]);
    }

    #[test]
    fn a_creation_lists_every_field_and_references_and_times_read_as_such() {
        let got = changes(None, Some(r#"{"parent":12,"voting_end":1764547200,"live_tally":true,"buildings":[3,4]}"#));
        assert_eq!(
            got,
            vec![
                change("buildings", None, Some("3、4")),
                change("live_tally", None, Some("true")),
                change("parent", None, Some("#12")),
                change("voting_end", None, Some("2025-12-01 08:00")),
            ]
        );
    }

    #[test]
    fn unchanged_and_null_fields_are_left_out_and_removed_ones_kept() {
        let got = changes(Some(r#"{"a":1,"b":"x","c":null}"#), Some(r#"{"a":1,"c":null}"#));
        assert_eq!(got, vec![change("b", Some("x"), None)]);
    }

    #[test]
    fn text_that_is_not_an_object_is_shown_as_it_is() {
        assert_eq!(changes(Some("[1]"), None), vec![change("", Some("[1]"), None)]);
        assert!(changes(None, None).is_empty());
    }
}
