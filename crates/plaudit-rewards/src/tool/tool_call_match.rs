//! Tool-call exact match: 1 when the response's calls match the expected calls by BFCL's rules, else 0.
//!
//! ## What it computes
//! Every call after the response's first `</think>` (the whole response when it has none) is
//! read, in the order written, wherever it is, as serving engines read it: a later `</think>`
//! (bare, closing a second think block, or inside a call's argument) hides no call before it,
//! and a call inside a later `<think>…</think>` counts; a response cut off inside an unclosed
//! `<think>` is `no_answer`. Calls are JSON objects or arrays of `{"name", "arguments"}`,
//! OpenAI's `{"function": …}` / `{"tool_calls": […]}`, in `<tool_call>…</tool_call>` blocks, in
//! fenced code blocks (every one), bare, or embedded in prose (pretty-printed or not, keys in any
//! order, several of them); BFCL's `{"f": {arguments}}` and Python-call syntax
//! `[f(a=1), g(b="x")]` where a block, a fence or the text between them starts with it. In prose
//! an object is a call only with a string `name` and `arguments` / `parameters` / `args` (or no
//! other key), `tool_calls` or a `function` object: `{"name": "Paris", "temp_c": 20}` or
//! `{"server": {"port": 80}}` is data, and so is, once a call is read, a fence of JSON data or a
//! citation `[1] Source: …` (JSON data that is the only candidate is a malformed call:
//! `no_answer`); plain text is no call. The text is read in time linear in its length (and
//! stopped at the deadline: `timeout`). The reference is
//! `{"calls": [{"name", "arguments"}, …]}` (every argument required, with exactly its value) or
//! BFCL's possible-answer form
//! `{"bfcl": [{"func": {"arg": [allowed values…]}}, …], "functions"?: [function docs]}` where
//! `""` among the allowed values means the argument may be left out, and the docs give types and
//! required parameters. The reward is 1.0 when, as BFCL's AST checker requires:
//! - there are exactly as many calls as expected (an extra call fails: it is not free), and
//! - the calls can be paired one to one with the expected calls (in any order unless `ordered`)
//!   so that in each pair the function name matches, every required parameter is present, no
//!   unknown parameter is given, and every value is among the allowed ones. Values compare
//!   type-aware: an integer is accepted where a float is expected, never a float for an integer,
//!   never a string for a number; strings compare lower-cased without spaces and `,./-_*^`;
//!   lists element by element; in BFCL form a dict argument's possible answer maps each key to
//!   its allowed values in turn (`""`: the key may be left out).
//!
//! An empty expected list is BFCL's irrelevance case: 1.0 only when the response makes no call.
//! The details give the parsed calls and, on a mismatch, the first reason. A malformed call
//! (broken JSON that starts like a call, an unclosed `<tool_call>`, non-literal Python, an object
//! with a `name` beside `tool_calls` or `function`) is `no_answer`; a reference of another shape
//! is `invalid_input`.
//!
//! ## Why
//! The function-calling accuracy of BFCL (the Berkeley Function Calling Leaderboard), used as the
//! outcome reward of tool-use RL ("ToolRL: Reward is All Tool Learning Needs" uses it as its
//! binary baseline). Counting calls exactly stops a policy from spraying calls to hit one.
//!
//! ## Parameters
//! - `ordered` (boolean; default false): parallel calls must come in the expected order.
//!
//! ## Example
//! ```json
//! {"sample": {"response": "<tool_call>{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Paris\"}}</tool_call>", "reference": {"calls": [{"name": "get_weather", "arguments": {"city": "paris"}}]}}, "value": 1.0}
//! {"sample": {"response": "[get_weather(city='Paris'), get_weather(city='Rome')]", "reference": {"calls": [{"name": "get_weather", "arguments": {"city": "Paris"}}]}}, "value": 0.0}
//! {"sample": {"response": "[g(x=2), f(a=1)]", "reference": {"bfcl": [{"f": {"a": [1.0], "b": ["", 5]}}, {"g": {"x": [2]}}]}}, "value": 1.0}
//! {"params": {"ordered": true}, "sample": {"response": "[g(x=2), f(a=1)]", "reference": {"bfcl": [{"f": {"a": [1.0]}}, {"g": {"x": [2]}}]}}, "value": 0.0}
//! {"sample": {"response": "There is no tool for that.", "reference": {"bfcl": []}}, "value": 1.0}
//! {"sample": {"response": "Calling now: {\"name\": \"get_weather\", \"arguments\": {\"city\": \"Paris\"}} and then {\"name\": \"delete_account\", \"arguments\": {}}", "reference": {"calls": [{"name": "get_weather", "arguments": {"city": "Paris"}}]}}, "value": 0.0}
//! {"sample": {"response": "Sure, deleting it now:\n{\n  \"arguments\": {\"user\": \"me\"},\n  \"name\": \"delete_account\"\n}", "reference": {"calls": []}}, "value": 0.0}
//! {"sample": {"response": "It is {\"temp\": 21} in Paris.", "reference": {"calls": []}}, "value": 1.0}
//! {"sample": {"response": "<think>a</think><tool_call>{\"name\": \"delete_account\", \"arguments\": {}}</tool_call></think><tool_call>{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Paris\"}}</tool_call>", "reference": {"calls": [{"name": "get_weather", "arguments": {"city": "Paris"}}]}}, "value": 0.0}
//! {"sample": {"response": "<tool_call>{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Paris\"}}</tool_call> I'll report it like {\"name\": \"Paris\", \"temp_c\": 20}.", "reference": {"calls": [{"name": "get_weather", "arguments": {"city": "Paris"}}]}}, "value": 1.0}
//! {"sample": {"response": "{\"name\": \"f\", \"arguments\": {", "reference": {"calls": []}}, "status": "no_answer"}
//! ```

use std::sync::Arc;

use plaudit_core::{Ctx, Kind, Outcome, ParamSpec, Params, Reward, RewardInfo, Sample, Score};
use serde_json::json;

use crate::verifiers::tool_call::{calls_json, expected_calls, match_calls, sample_calls};

pub const INFO: RewardInfo = RewardInfo {
    name: "tool_call_match",
    family: "tool",
    source: include_str!("tool_call_match.rs"),
    params: PARAMS,
    build,
};

const PARAMS: &[ParamSpec] = &[ParamSpec::new(
    "ordered",
    Kind::Bool,
    "false",
    "parallel calls must come in the expected order",
)];

struct CallMatch {
    ordered: bool,
}

fn build(p: &Params) -> Result<Arc<dyn Reward>, String> {
    Ok(Arc::new(CallMatch {
        ordered: p.bool("ordered"),
    }))
}

impl Reward for CallMatch {
    fn score(&self, sample: &Sample, cx: &Ctx) -> Outcome {
        let want = expected_calls(&sample.reference)?;
        let (got, _) = sample_calls(sample, cx.deadline)?;
        let calls = calls_json(&got);
        Ok(match match_calls(&got, &want, self.ordered) {
            Ok(()) => Score::with_details(1.0, json!({ "calls": calls })),
            Err(reason) => Score::with_details(0.0, json!({ "calls": calls, "reason": reason })),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use plaudit_core::{Deadline, Status};
    use serde_json::Value;

    fn score(response: &str, reference: Value) -> plaudit_core::Outcome {
        let p = Params::from_json(PARAMS, &json!({}), &[]).unwrap();
        let d = Deadline::none();
        build(&p)
            .unwrap()
            .score(&Sample::new(response, reference), &Ctx::new(&d, &[]))
    }

    #[test]
    fn reasons_and_statuses() {
        let r = json!({"calls": [{"name": "f", "arguments": {"a": 1}}]});
        let s = score("f(a=2)", r.clone()).unwrap();
        assert_eq!(s.value, 0.0);
        assert_eq!(
            s.details.unwrap()["reason"],
            "`f`: parameter `a` = 2 is not among the allowed values [1]"
        );
        assert_eq!(score("f(a=1)", r.clone()).unwrap().value, 1.0);
        // Asking for nothing when a call is expected.
        assert_eq!(score("Sure!", r.clone()).unwrap().value, 0.0);
        let e = score("f(a=1", r.clone()).unwrap_err();
        assert_eq!(e.status, Status::NoAnswer);
        assert!(
            e.message.starts_with("malformed tool call"),
            "{}",
            e.message
        );
        let e = score("f(a=1)", json!({"answer": "x"})).unwrap_err();
        assert_eq!(e.status, Status::InvalidInput);
    }

    #[test]
    fn a_float_for_an_integer_fails() {
        let r = json!({"bfcl": [{"f": {"n": [3]}}], "functions": [{"name": "f", "parameters": {"properties": {"n": {"type": "integer"}}, "required": ["n"]}}]});
        assert_eq!(score("f(n=3.0)", r.clone()).unwrap().value, 0.0);
        assert_eq!(score("f(n=3)", r.clone()).unwrap().value, 1.0);
        assert_eq!(
            score("f()", r).unwrap().details.unwrap()["reason"],
            "`f`: required parameter `n` missing"
        );
    }
}
