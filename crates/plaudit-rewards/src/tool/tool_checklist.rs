//! Checklist reward (CM2-style): the weighted fraction of per-criterion rules that the response's tool calls satisfy.
//!
//! ## What it computes
//! The calls are parsed as in `tool_call_match`. The checklist is the reference's `"checklist"`
//! (or the `checklist` parameter when the reference has none): a list of criteria, each an
//! object with one rule and an optional `"weight"` (default 1) and `"id"`:
//! - `{"called": "f"}`: some call of `f`; with `"min"` / `"max"`: the number of calls of `f` is
//!   within them (`min` defaults to 1);
//! - `{"not_called": "f"}`: no call of `f`;
//! - `{"call": "f", "args": {"k": v, …}}`: some call of `f` has each listed argument with a
//!   matching value (type-aware, as in `tool_call_match`; a list of values means any of them);
//! - `{"before": ["f", "g"]}`: `f` and `g` are both called and the first `f` comes before the first `g`;
//! - `{"max_calls": n}`: at most n calls in all (an extra call is not free);
//! - `{"no_calls": true}`: no call at all.
//!
//! Counts (`min`, `max`, `max_calls`) are non-negative integers; a float with an integral value
//! (`1.0`, as Python writes numbers it computed) counts as that integer. Any other count (negative,
//! fractional, a string, a boolean, null) is `invalid_input` naming the criterion and the field,
//! never ignored.
//!
//! r = Σ wᵢ·[criterion i holds] / Σ wᵢ. The details list each criterion's id (or index) and
//! whether it held. Every call of the response counts, wherever it is written (see
//! `tool_call_match`: after the first `</think>`, later think blocks included): a second call in
//! prose or in another block, or one before a second `</think>`, breaks `not_called`,
//! `max_calls` and `no_calls`; data in prose (`{"name": "Paris", "temp_c": 20}`) is no call. A
//! malformed call is `no_answer`; an empty checklist, an unknown rule, a malformed count or a
//! negative weight is `invalid_input` naming the criterion.
//!
//! ## Why
//! "CM2: Reinforcement Learning with Checklist Rewards for Multi-Turn and Multi-Step Agentic Tool
//! Use" replaces a single verifiable outcome by checklists of fine-grained binary criteria per
//! turn, which gives stable, dense rewards for agentic tool use. CM2 judges its criteria with an
//! LLM; this reward evaluates criteria that are rules over the calls, deterministically (judged
//! criteria belong to the judge rewards).
//!
//! ## Parameters
//! - `checklist` (JSON list; default null): the criteria used when the reference has no
//!   `"checklist"`.
//!
//! ## Example
//! ```json
//! {"sample": {"response": "[search(q='flights to Rome'), book(flight_id=7)]", "reference": {"checklist": [{"called": "search"}, {"before": ["search", "book"]}, {"call": "book", "args": {"flight_id": 7}}, {"max_calls": 2}]}}, "value": 1.0}
//! {"sample": {"response": "[book(flight_id=7), search(q='x'), search(q='y')]", "reference": {"checklist": [{"called": "search"}, {"before": ["search", "book"], "weight": 2}, {"max_calls": 2}]}}, "value": 0.25}
//! {"params": {"checklist": [{"not_called": "delete_account"}, {"no_calls": true}]}, "sample": {"response": "I need your confirmation first.", "reference": {}}, "value": 1.0}
//! {"sample": {"response": "f(a=1)", "reference": {"checklist": [{"frobnicate": true}]}}, "status": "invalid_input"}
//! {"sample": {"response": "[f(a=1), f(a=2)]", "reference": {"checklist": [{"called": "f", "max": 1.0}]}}, "value": 0.0}
//! {"sample": {"response": "[f(a=1), f(a=2)]", "reference": {"checklist": [{"called": "f", "max": -1}]}}, "status": "invalid_input"}
//! {"params": {"checklist": [{"not_called": "delete_account"}, {"no_calls": true}]}, "sample": {"response": "Sure:\n{\n  \"name\": \"delete_account\",\n  \"arguments\": {}\n}", "reference": {}}, "value": 0.0}
//! ```

use std::sync::Arc;

use plaudit_core::{
    Ctx, Failure, Kind, Outcome, ParamSpec, Params, Reward, RewardInfo, Sample, Score,
};
use serde_json::{json, Value};

use crate::verifiers::tool_call::{calls_json, sample_calls, value_matches, Call};

pub const INFO: RewardInfo = RewardInfo {
    name: "tool_checklist",
    family: "tool",
    source: include_str!("tool_checklist.rs"),
    params: PARAMS,
    build,
};

const PARAMS: &[ParamSpec] = &[ParamSpec::new(
    "checklist",
    Kind::Json,
    "null",
    "criteria used when the reference has no checklist",
)];

struct Checklist {
    default: Value,
}

fn build(p: &Params) -> Result<Arc<dyn Reward>, String> {
    let c = p.json("checklist").clone();
    if !(c.is_null() || c.is_array()) {
        return Err("`checklist` must be a list of criteria".into());
    }
    Ok(Arc::new(Checklist { default: c }))
}

fn count(calls: &[Call], f: &str) -> usize {
    calls.iter().filter(|c| c.name == f).count()
}

fn first(calls: &[Call], f: &str) -> Option<usize> {
    calls.iter().position(|c| c.name == f)
}

fn str_of<'a>(v: &'a Value, i: usize, rule: &str) -> Result<&'a str, Failure> {
    v.as_str().ok_or_else(|| {
        Failure::invalid_input(format!("checklist[{i}]: `{rule}` must be a function name"))
    })
}

/// A count written as a non-negative integer: `2`, or a float with an integral value (`2.0`, as
/// Python writes numbers it computed); a larger count than `usize` holds is `usize::MAX`.
fn count_of(v: &Value) -> Option<usize> {
    if let Some(n) = v.as_u64() {
        return Some(usize::try_from(n).unwrap_or(usize::MAX));
    }
    let f = v.as_f64()?;
    // `as` saturates: 1e300 is a bound no response reaches.
    (f.is_finite() && f >= 0.0 && f.fract() == 0.0).then_some(f as usize)
}

/// Evaluate criterion `i`.
fn holds(c: &Value, i: usize, calls: &[Call]) -> Result<bool, Failure> {
    let bad = |m: String| Failure::invalid_input(format!("checklist[{i}]: {m}"));
    // A count field: absent, or a non-negative integer (anything else is refused, never ignored).
    let n = |k: &str| -> Result<Option<usize>, Failure> {
        c.get(k)
            .map(|v| {
                count_of(v).ok_or_else(|| bad(format!("`{k}` must be a non-negative integer")))
            })
            .transpose()
    };
    if let Some(f) = c.get("called") {
        let f = str_of(f, i, "called")?;
        let (min, max) = (n("min")?, n("max")?);
        let k = count(calls, f);
        return Ok(k >= min.unwrap_or(1) && max.is_none_or(|m| k <= m));
    }
    if let Some(f) = c.get("not_called") {
        return Ok(count(calls, str_of(f, i, "not_called")?) == 0);
    }
    if let Some(f) = c.get("call") {
        let f = str_of(f, i, "call")?;
        let args = match c.get("args") {
            None => serde_json::Map::new(),
            Some(Value::Object(a)) => a.clone(),
            Some(_) => return Err(bad("`args` must be an object".into())),
        };
        return Ok(calls.iter().any(|call| {
            call.name == f
                && args.iter().all(|(k, want)| {
                    call.arguments.get(k).is_some_and(|got| match want {
                        Value::Array(options) if !got.is_array() => {
                            options.iter().any(|w| value_matches(got, w, None))
                        }
                        w => value_matches(got, w, None),
                    })
                })
        }));
    }
    if let Some(b) = c.get("before") {
        let pair = b
            .as_array()
            .filter(|a| a.len() == 2 && a.iter().all(Value::is_string))
            .ok_or_else(|| bad("`before` must be [\"f\", \"g\"]".into()))?;
        let (f, g) = (
            pair[0].as_str().unwrap_or(""),
            pair[1].as_str().unwrap_or(""),
        );
        return Ok(matches!((first(calls, f), first(calls, g)), (Some(a), Some(b)) if a < b));
    }
    if let Some(m) = n("max_calls")? {
        return Ok(calls.len() <= m);
    }
    if let Some(v) = c.get("no_calls") {
        let want = v
            .as_bool()
            .ok_or_else(|| bad("`no_calls` must be a boolean".into()))?;
        return Ok(calls.is_empty() == want);
    }
    Err(bad(format!(
        "no known rule in {c} (called, not_called, call, before, max_calls, no_calls)"
    )))
}

impl Reward for Checklist {
    fn score(&self, sample: &Sample, cx: &Ctx) -> Outcome {
        let list = match sample.reference.get("checklist") {
            Some(v) => v,
            None => &self.default,
        };
        let Some(items) = list.as_array().filter(|a| !a.is_empty()) else {
            return Err(Failure::invalid_input(
                "no checklist: give `reference.checklist` or the `checklist` parameter as a non-empty list of criteria",
            ));
        };
        let (calls, _) = sample_calls(sample, cx.deadline)?;
        let (mut got, mut total) = (0.0, 0.0);
        let mut report = Vec::new();
        for (i, c) in items.iter().enumerate() {
            let w = match c.get("weight") {
                None => 1.0,
                Some(w) => w
                    .as_f64()
                    .filter(|w| *w >= 0.0 && w.is_finite())
                    .ok_or_else(|| {
                        Failure::invalid_input(format!(
                            "checklist[{i}]: `weight` must be a number ≥ 0"
                        ))
                    })?,
            };
            let ok = holds(c, i, &calls)?;
            total += w;
            if ok {
                got += w;
            }
            let id = c.get("id").cloned().unwrap_or(json!(i));
            report.push(json!({"id": id, "passed": ok}));
        }
        if total <= 0.0 {
            return Err(Failure::invalid_input("the checklist's weights sum to 0"));
        }
        Ok(Score::with_details(
            got / total,
            json!({"calls": calls_json(&calls), "criteria": report}),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use plaudit_core::Deadline;

    fn score(response: &str, checklist: Value) -> Outcome {
        let p = Params::from_json(PARAMS, &json!({}), &[]).unwrap();
        let d = Deadline::none();
        build(&p).unwrap().score(
            &Sample::new(response, json!({ "checklist": checklist })),
            &Ctx::new(&d, &[]),
        )
    }

    #[test]
    fn counts_and_args() {
        let c = json!([{"called": "f", "min": 2}, {"not_called": "g"}, {"called": "f", "max": 2}, {"call": "f", "args": {"city": ["Paris", "Rome"]}, "id": "city"}]);
        let s = score("[f(city='rome'), f(city='Oslo')]", c).unwrap();
        assert_eq!(s.value, 1.0);
        assert_eq!(
            s.details.unwrap()["criteria"][3],
            json!({"id": "city", "passed": true})
        );
        assert_eq!(
            score("f(a=1)", json!([{"called": "f", "max": 0}]))
                .unwrap()
                .value,
            0.0
        );
    }

    #[test]
    fn an_extra_call_is_not_free() {
        let c = json!([{"call": "pay", "args": {"amount": 10}}, {"max_calls": 1}]);
        assert_eq!(score("pay(amount=10)", c.clone()).unwrap().value, 1.0);
        assert_eq!(
            score("[pay(amount=10), pay(amount=10)]", c).unwrap().value,
            0.5
        );
    }

    #[test]
    fn bad_checklists_are_invalid_input() {
        let e = score("f()", json!([])).unwrap_err();
        assert!(e.message.starts_with("no checklist"), "{}", e.message);
        let e = score("f()", json!([{"called": "f", "weight": -1}])).unwrap_err();
        assert_eq!(e.message, "checklist[0]: `weight` must be a number ≥ 0");
        let e = score("f()", json!([{"before": ["f"]}])).unwrap_err();
        assert_eq!(e.message, "checklist[0]: `before` must be [\"f\", \"g\"]");
        let e = score("f(", json!([{"called": "f"}])).unwrap_err();
        assert_eq!(e.status, plaudit_core::Status::NoAnswer);
    }
}
