//! The tool family against values worked out by hand from each reward's documentation, for
//! what its examples and unit tests leave open (found by the mutation run over `src/tool/`,
//! docs/MUTANTS.md).

mod common;

use common::{details, one, value};
use serde_json::{json, Value};

fn toolrl(params: Value, response: &str, reference: Value) -> f64 {
    value(&one(
        "toolrl_reward",
        params,
        json!({"response": response, "reference": reference}),
    ))
}

/// keys(G_j) in BFCL form are the required parameters plus the optional ones the prediction
/// gives. Against f(a: 1, b: 2 or omitted): `f(a=1)` and `f(a=1, b=2)` score 4 (S_max 3 and 4,
/// every term full); `f(a=1, b=3)` misses one value of 2 (R = 3 of 4: 1 + 1.5 = 2.5); `f()`
/// still owes the required `a` (R = 1 of 3: 1 + (−1) = 0).
#[test]
fn toolrl_reward_counts_optional_parameters_only_when_given() {
    let r = json!({"bfcl": [{"f": {"a": [1], "b": [2, ""]}}]});
    assert_eq!(toolrl(json!({}), "f(a=1)", r.clone()), 4.0);
    assert_eq!(toolrl(json!({}), "f(a=1, b=2)", r.clone()), 4.0);
    assert_eq!(toolrl(json!({}), "f(a=1, b=3)", r.clone()), 2.5);
    assert_eq!(toolrl(json!({}), "f()", r), 0.0);
}

/// An expected call is paired only with a predicted call of its name, even when a call of
/// another name has the better arguments: against f(x=1), `[g(x=1), f(x=2)]` pairs f(x=2):
/// name 1/2, param_name 1, param_value 0, S_max 3: correctness 6·1.5/3 − 3 = 0, total 1.
#[test]
fn toolrl_reward_pairs_calls_of_the_same_name_only() {
    let r = json!({"calls": [{"name": "f", "arguments": {"x": 1}}]});
    let o = one(
        "toolrl_reward",
        json!({}),
        json!({"response": "[g(x=1), f(x=2)]", "reference": r}),
    );
    assert_eq!(value(&o), 1.0);
    assert_eq!(details(&o)["param_value"], 0.0);
}

/// Among calls of the same name the one with the most matching parameters is paired (the sum
/// of its parameter-name Jaccard and value matches): against f(x=1), `[f(x=2, z=0), f(x=1)]`
/// pairs f(x=1) (1 + 1, against 0.5 + 0): name 1/2, param_name 1, param_value 1, total
/// 1 + 6·2.5/3 − 3 = 3.
#[test]
fn toolrl_reward_pairs_the_best_matching_call() {
    let r = json!({"calls": [{"name": "f", "arguments": {"x": 1}}]});
    let o = one(
        "toolrl_reward",
        json!({}),
        json!({"response": "[f(x=2, z=0), f(x=1)]", "reference": r}),
    );
    assert_eq!(value(&o), 3.0);
    assert_eq!(details(&o)["param_name"], 1.0);
    assert_eq!(details(&o)["param_value"], 1.0);
}

/// Two expected calls of one name each take their own predicted call, in any order: all
/// terms full, 4.
#[test]
fn toolrl_reward_pairs_each_predicted_call_once() {
    let r = json!({"calls": [{"name": "f", "arguments": {"x": 1}}, {"name": "f", "arguments": {"x": 2}}]});
    assert_eq!(toolrl(json!({}), "[f(x=2), f(x=1)]", r), 4.0);
}

/// A part whose maximum is 0 (no call expected) is 1 when nothing extra was predicted and the
/// calls parse, else 0: `param_name` and `param_value` alike.
#[test]
fn toolrl_reward_parts_with_a_zero_maximum() {
    let r = json!({"calls": []});
    for part in ["param_name", "param_value"] {
        let p = json!({ "part": part });
        assert_eq!(toolrl(p.clone(), "No tool applies.", r.clone()), 1.0);
        assert_eq!(toolrl(p.clone(), "f(a=1)", r.clone()), 0.0);
        assert_eq!(toolrl(p, "f(a=1", r.clone()), 0.0);
    }
}

/// `part: param_name` returns Σ Jaccard / |G|: against f(x, y), `f(x=1, z=3)` shares one key of
/// three: 1/3.
#[test]
fn toolrl_reward_returns_the_param_name_part() {
    let r = json!({"calls": [{"name": "f", "arguments": {"x": 1, "y": 2}}]});
    assert_eq!(
        toolrl(json!({"part": "param_name"}), "f(x=1, z=3)", r),
        1.0 / 3.0
    );
}

/// With `require_think` the response must open with a `<think>` block that closes: an unclosed
/// one, or a closing tag alone, is format 0; leading whitespace is allowed.
#[test]
fn toolrl_reward_needs_a_closed_think_block_first() {
    let r = json!({"calls": [{"name": "f", "arguments": {}}]});
    let p = json!({"require_think": true, "part": "format"});
    assert_eq!(toolrl(p.clone(), "<think>f()", r.clone()), 0.0);
    assert_eq!(toolrl(p.clone(), "ok</think> f()", r.clone()), 0.0);
    assert_eq!(toolrl(p, "  <think>ok</think> f()", r), 1.0);
}

fn checklist(response: &str, list: Value) -> f64 {
    value(&one(
        "tool_checklist",
        json!({}),
        json!({"response": response, "reference": {"checklist": list}}),
    ))
}

/// A `call` criterion needs a call of that name with those arguments: a call of another name
/// with the same arguments does not satisfy it.
#[test]
fn tool_checklist_call_needs_the_name_and_the_arguments() {
    let c = json!([{"call": "book", "args": {"q": "x"}}]);
    assert_eq!(checklist("search(q='x')", c.clone()), 0.0);
    assert_eq!(checklist("book(q='x')", c), 1.0);
    assert_eq!(checklist("g()", json!([{"call": "f"}])), 0.0);
}

/// A list given for an argument is a list of accepted values, unless the call's argument is
/// itself a list: then the two lists are compared (`xs=[1, 2]` against `[1, 2]`).
#[test]
fn tool_checklist_compares_a_list_argument_as_a_list() {
    let c = json!([{"call": "f", "args": {"xs": [1, 2]}}]);
    assert_eq!(checklist("f(xs=[1, 2])", c.clone()), 1.0);
    assert_eq!(checklist("f(xs=[2, 1, 3])", c.clone()), 0.0);
    assert_eq!(checklist("f(xs=2)", c), 1.0);
}

/// The best-matching call is the one with the larger sum of parameter-name Jaccard and value
/// matches, in either order: against f(x=1), f(x=1, z=0) (0.5 + 1) beats f(x=2) (1 + 0), so
/// name 1/2, param_name 0.5, param_value 1, S_max 3: total 1 + 6·2/3 − 3 = 2.
#[test]
fn toolrl_reward_ranks_candidates_by_the_sum_of_their_matches() {
    let r = json!({"calls": [{"name": "f", "arguments": {"x": 1}}]});
    for response in ["[f(x=1, z=0), f(x=2)]", "[f(x=2), f(x=1, z=0)]"] {
        let o = one(
            "toolrl_reward",
            json!({}),
            json!({"response": response, "reference": r}),
        );
        assert_eq!(value(&o), 2.0, "{response}");
        assert_eq!(details(&o)["param_value"], 1.0, "{response}");
    }
}

/// An expected call left without a predicted call of its name still counts its keys in the
/// maximum of `param_value`: against f(x=1), `g()` scores param_value 0 of 1.
#[test]
fn toolrl_reward_counts_the_keys_of_an_unpaired_expected_call() {
    let r = json!({"calls": [{"name": "f", "arguments": {"x": 1}}]});
    let o = one(
        "toolrl_reward",
        json!({"part": "param_value"}),
        json!({"response": "g()", "reference": r}),
    );
    assert_eq!(value(&o), 0.0);
    assert_eq!(details(&o)["max"]["param_value"], 1.0);
}
