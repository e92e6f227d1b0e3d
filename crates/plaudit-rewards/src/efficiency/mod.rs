//! Efficiency shaping that needs the group or the model's history: difficulty-aware targets, shortest-correct anchors, cohort-relative costs.
//!
//! The helpers here are what the family shares: reading correctness over a group, the key that
//! identifies a problem in the state store, tool-call counts from `meta.tool_calls`, order
//! statistics, and grouping a batch's observations by key for a state update.

use plaudit_core::state::text_key;
use plaudit_core::{Failure, Kind, Member, ParamSpec, RewardInfo, Sample};
use serde_json::Value;

pub mod cohort_efficiency;
pub mod drpo_length;
pub mod edit_efficiency;
pub mod laser_d_length;
pub mod shortest_correct_anchor;
pub mod tightening_cost_reference;

pub fn all() -> Vec<RewardInfo> {
    vec![
        laser_d_length::INFO,
        shortest_correct_anchor::INFO,
        drpo_length::INFO,
        cohort_efficiency::INFO,
        tightening_cost_reference::INFO,
        edit_efficiency::INFO,
    ]
}

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

/// Whether each member is correct (its correctness component ≥ `threshold`); `None` when that
/// component failed for the member.
pub(crate) fn correctness(members: &[Member], index: usize, threshold: f64) -> Vec<Option<bool>> {
    members
        .iter()
        .map(|m| m.value(index).map(|v| v >= threshold))
        .collect()
}

/// The outcome of a member whose input component failed (the engine reports the
/// component's own failure first; this is what a direct caller sees).
pub(crate) fn no_value(name: &str) -> Failure {
    Failure::error(format!("input component `{name}` has no value"))
}

/// The number of tool calls of a sample: `meta.tool_calls`, a non-negative number or a list of
/// calls (its length).
pub(crate) fn tool_calls(sample: &Sample) -> Result<f64, Failure> {
    match sample.meta.get("tool_calls") {
        None | Some(Value::Null) => Err(Failure::invalid_input(
            "sample has no `meta.tool_calls` (the number of tool calls, or the list of calls)",
        )),
        Some(Value::Array(calls)) => Ok(calls.len() as f64),
        Some(Value::Number(n)) => n.as_f64().filter(|x| *x >= 0.0).ok_or_else(|| {
            Failure::invalid_input(format!(
                "field `meta.tool_calls`: expected a non-negative number, got {n}"
            ))
        }),
        Some(other) => Err(Failure::invalid_input(format!(
            "field `meta.tool_calls`: expected a non-negative number or a list of calls, got {}",
            plaudit_core::sample::type_name(other)
        ))),
    }
}

/// The mean of `xs` (non-empty), as a running mean so that large values cannot overflow.
pub(crate) fn mean(xs: &[f64]) -> f64 {
    let mut m = 0.0;
    for (i, x) in xs.iter().enumerate() {
        m += (x - m) / (i + 1) as f64;
    }
    m
}

/// The median of `xs` (non-empty; sorted in place): the middle value, or the mean of the two
/// middle values.
pub(crate) fn median(xs: &mut [f64]) -> f64 {
    xs.sort_by(f64::total_cmp);
    let n = xs.len();
    if n % 2 == 1 {
        xs[n / 2]
    } else {
        xs[n / 2 - 1] + (xs[n / 2] - xs[n / 2 - 1]) / 2.0
    }
}

/// The nearest-rank `q`-quantile of `xs` (non-empty; sorted in place): the smallest value with at
/// least a fraction `q` of the values at or below it.
pub(crate) fn quantile(xs: &mut [f64], q: f64) -> f64 {
    xs.sort_by(f64::total_cmp);
    let n = xs.len();
    let rank = (q * n as f64).ceil() as usize;
    xs[rank.clamp(1, n) - 1]
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
    fn statistics() {
        assert_eq!(mean(&[1.0, 2.0, 6.0]), 3.0);
        assert_eq!(mean(&[f64::MAX, f64::MAX]), f64::MAX);
        assert_eq!(median(&mut [5.0, 1.0, 3.0]), 3.0);
        assert_eq!(median(&mut [4.0, 1.0, 3.0, 2.0]), 2.5);
        assert_eq!(quantile(&mut [40.0, 10.0, 30.0, 20.0], 0.75), 30.0);
        assert_eq!(quantile(&mut [40.0, 10.0, 30.0, 20.0], 0.76), 40.0);
        assert_eq!(quantile(&mut [40.0, 10.0, 30.0, 20.0], 0.0), 10.0);
        assert_eq!(quantile(&mut [7.0], 1.0), 7.0);
    }

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
    fn tool_call_counts() {
        let s = |meta: Value| Sample::from_value(json!({"response": "", "meta": meta})).unwrap();
        assert_eq!(tool_calls(&s(json!({"tool_calls": 3}))).unwrap(), 3.0);
        assert_eq!(
            tool_calls(&s(json!({"tool_calls": [{}, {}]}))).unwrap(),
            2.0
        );
        let e = tool_calls(&s(json!({"tool_calls": "3"}))).unwrap_err();
        assert_eq!(
            e.message,
            "field `meta.tool_calls`: expected a non-negative number or a list of calls, got a string"
        );
        let e = tool_calls(&s(json!({"tool_calls": -1}))).unwrap_err();
        assert_eq!(
            e.message,
            "field `meta.tool_calls`: expected a non-negative number, got -1"
        );
        assert!(tool_calls(&s(json!({})))
            .unwrap_err()
            .message
            .contains("no `meta.tool_calls`"));
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
    }
}
