//! Per-problem state: what identifies a problem in the state store (`key`), grouping a batch's
//! observations by that key for a state update, and reading a stored entry's fields. Shared by the
//! stateful rewards of the length and efficiency families.

use plaudit_core::state::text_key;
use plaudit_core::{Failure, Kind, ParamSpec, Sample};
use serde_json::Value;

/// `key`: what identifies a problem in the state store.
pub(crate) const KEY_PARAM: ParamSpec = ParamSpec::new(
    "key",
    Kind::Enum(&["prompt", "group"]),
    "\"prompt\"",
    "what identifies a problem: the prompt text (hashed) or the sample's `group`",
);

/// How a problem is identified in the state store.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum KeyBy {
    Prompt,
    Group,
    /// One key for every sample of the component (`*`).
    Global,
}

impl KeyBy {
    pub(crate) fn parse(s: &str) -> KeyBy {
        match s {
            "group" => KeyBy::Group,
            "global" => KeyBy::Global,
            _ => KeyBy::Prompt,
        }
    }

    /// The state key of `sample`, or `invalid_input` naming the field that is missing.
    pub(crate) fn key(self, sample: &Sample, reward: &str) -> Result<String, Failure> {
        match self {
            KeyBy::Global => Ok("*".to_string()),
            KeyBy::Group => sample.group.clone().ok_or_else(|| {
                Failure::invalid_input(format!(
                    "sample has no `group`, and {reward} keys problems by group (key: group)"
                ))
            }),
            KeyBy::Prompt if sample.prompt.is_empty() => Err(Failure::invalid_input(format!(
                "sample has no `prompt`, and {reward} keys problems by prompt (send the prompt, or set key: group)"
            ))),
            KeyBy::Prompt => Ok(text_key(&sample.prompt)),
        }
    }
}

/// Observations `{"k": key, field: number}` grouped by key, keys in first-seen order (so a state
/// update is deterministic). Observations without both are skipped.
pub(crate) fn by_key(observations: &[Value], field: &str) -> Vec<(String, Vec<f64>)> {
    let mut out: Vec<(String, Vec<f64>)> = Vec::new();
    let mut index: std::collections::HashMap<&str, usize> = Default::default();
    for o in observations {
        let (Some(k), Some(x)) = (
            o.get("k").and_then(Value::as_str),
            o.get(field).and_then(Value::as_f64),
        ) else {
            continue;
        };
        let i = *index.entry(k).or_insert_with(|| {
            out.push((k.to_string(), Vec::new()));
            out.len() - 1
        });
        out[i].1.push(x);
    }
    out
}

/// A positive finite number stored under `field` of a state entry.
pub(crate) fn stored(v: Option<&Value>, field: &str) -> Option<f64> {
    v.and_then(|v| v.get(field))
        .and_then(Value::as_f64)
        .filter(|x| x.is_finite() && *x >= 0.0)
}

/// The `updates` counter of a state entry.
pub(crate) fn updates(v: Option<&Value>) -> u64 {
    v.and_then(|v| v.get("updates"))
        .and_then(Value::as_u64)
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn observations_by_key_in_first_seen_order() {
        let obs = [
            json!({"k": "b", "l": 1.0}),
            json!({"k": "a", "l": 2.0}),
            json!({"k": "b", "l": 3.0}),
            json!({"l": 4.0}),
        ];
        assert_eq!(
            by_key(&obs, "l"),
            vec![
                ("b".to_string(), vec![1.0, 3.0]),
                ("a".to_string(), vec![2.0])
            ]
        );
    }
    #[test]
    fn keys() {
        let s = Sample::from_value(json!({"response": "", "prompt": "p", "group": 7})).unwrap();
        assert_eq!(KeyBy::Prompt.key(&s, "r").unwrap(), text_key("p"));
        assert_eq!(KeyBy::Group.key(&s, "r").unwrap(), "7");
        assert_eq!(KeyBy::Global.key(&s, "r").unwrap(), "*");
        let bare = Sample::from_value(json!({"response": ""})).unwrap();
        assert_eq!(
            KeyBy::Prompt.key(&bare, "r").unwrap_err().message,
            "sample has no `prompt`, and r keys problems by prompt (send the prompt, or set key: group)"
        );
        let e = KeyBy::Group.key(&bare, "r").unwrap_err();
        assert_eq!(e.status, plaudit_core::Status::InvalidInput);
        assert_eq!(
            e.message,
            "sample has no `group`, and r keys problems by group (key: group)"
        );
        assert_eq!(KeyBy::Global.key(&bare, "r").unwrap(), "*");
        assert_eq!(KeyBy::parse("group"), KeyBy::Group);
        assert_eq!(KeyBy::parse("global"), KeyBy::Global);
        assert_eq!(KeyBy::parse("prompt"), KeyBy::Prompt);
    }

    // A stored field: a non-negative number (zero included), else nothing; `updates` 0 when absent.
    #[test]
    fn stored_fields_and_updates() {
        let e = json!({"m": 2.5, "z": 0, "neg": -1.0, "s": "2", "updates": 3});
        assert_eq!(stored(Some(&e), "m"), Some(2.5));
        assert_eq!(stored(Some(&e), "z"), Some(0.0));
        assert_eq!(stored(Some(&e), "neg"), None);
        assert_eq!(stored(Some(&e), "s"), None);
        assert_eq!(stored(Some(&e), "x"), None);
        assert_eq!(stored(None, "m"), None);
        assert_eq!(updates(Some(&e)), 3);
        assert_eq!(updates(Some(&json!({"updates": 1}))), 1);
        assert_eq!(updates(Some(&json!({}))), 0);
        assert_eq!(updates(None), 0);
    }
}
