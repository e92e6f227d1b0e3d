//! The efficiency family against values worked out by hand from each reward's documentation, for
//! what its examples leave open (found by the partial mutation run over `src/efficiency/`,
//! docs/MUTANTS.md).

use serde_json::{json, Value};

mod common;
use common::{details, group_with, one, status, value};

use plaudit_core::{Ctx, Deadline, Status};

/// `cohort_efficiency` with `params` over members `(sample, correctness)`.
fn cohort(params: Value, rows: &[(Value, f64)]) -> Vec<plaudit_core::Outcome> {
    let rows = rows
        .iter()
        .map(|(s, c)| (s.clone(), vec![Some(*c)]))
        .collect();
    group_with("cohort_efficiency", params, &["correct"], rows)
}

// ---- cohort_efficiency ----

/// A dimension with weight 0 is not read: with `tool_weight: 0` members without
/// `meta.tool_calls` are scored on length alone (chars 2, 4, 6: minmax 1, 0.5, 0) and their
/// details carry 0 tool calls.
#[test]
fn cohort_efficiency_does_not_read_tool_calls_with_tool_weight_zero() {
    let rows = [
        (json!({"response": "ab"}), 1.0),
        (json!({"response": "abcd"}), 1.0),
        (json!({"response": "abcdef"}), 1.0),
    ];
    let out = cohort(
        json!({"tool_weight": 0.0, "token_weight": 1.0, "unit": "chars"}),
        &rows,
    );
    let v: Vec<f64> = out.iter().map(value).collect();
    assert_eq!(v, [1.0, 0.5, 0.0]);
    assert_eq!(
        details(&out[1]),
        &json!({"tool_calls": 0.0, "length": 4.0, "cohort": 3})
    );
}

/// Likewise `token_weight: 0` does not read the length: members without `tokens` are scored on
/// tool calls alone (1, 3: minmax 1, 0), details length 0.
#[test]
fn cohort_efficiency_does_not_read_length_with_token_weight_zero() {
    let rows = [
        (json!({"response": "…", "meta": {"tool_calls": 1}}), 1.0),
        (json!({"response": "…", "meta": {"tool_calls": 3}}), 1.0),
    ];
    let out = cohort(json!({"tool_weight": 1.0, "token_weight": 0.0}), &rows);
    let v: Vec<f64> = out.iter().map(value).collect();
    assert_eq!(v, [1.0, 0.0]);
    assert_eq!(
        details(&out[0]),
        &json!({"tool_calls": 1.0, "length": 0.0, "cohort": 2})
    );
}

/// The gate counts a correctness equal to `threshold` as correct (≥): 0.5 with the default
/// threshold joins the cohort and is scored, 0.4999 gets 0.
#[test]
fn cohort_efficiency_gate_counts_the_threshold_as_correct() {
    let rows = [
        (json!({"response": "…", "meta": {"tool_calls": 1}}), 0.5),
        (json!({"response": "…", "meta": {"tool_calls": 3}}), 1.0),
        (json!({"response": "…", "meta": {"tool_calls": 0}}), 0.4999),
    ];
    let out = cohort(json!({"tool_weight": 1.0, "token_weight": 0.0}), &rows);
    let v: Vec<f64> = out.iter().map(value).collect();
    assert_eq!(v, [1.0, 0.0, 0.0]);
}

/// `form: zscore` adds `eps` to the standard deviation: tool calls 1 and 3 (mean 2, sample std
/// √2) with eps 1 give ±1/(√2 + 1) = ±(√2 − 1).
#[test]
fn cohort_efficiency_zscore_adds_eps_to_the_spread() {
    let rows = [
        (json!({"response": "…", "meta": {"tool_calls": 1}}), 1.0),
        (json!({"response": "…", "meta": {"tool_calls": 3}}), 1.0),
    ];
    let out = cohort(
        json!({"form": "zscore", "tool_weight": 1.0, "token_weight": 0.0, "eps": 1.0}),
        &rows,
    );
    let want = 2f64.sqrt() - 1.0;
    assert!(
        (value(&out[0]) - want).abs() < 1e-12,
        "{:?}",
        value(&out[0])
    );
    assert!(
        (value(&out[1]) + want).abs() < 1e-12,
        "{:?}",
        value(&out[1])
    );
}

// ---- edit_efficiency ----

fn edit(params: Value, response: &str, reference: Value) -> plaudit_core::Outcome {
    one(
        "edit_efficiency",
        params,
        json!({"response": response, "reference": reference}),
    )
}

/// The best target is kept whatever its position: "I had an apple" from "I has a apple" leaves
/// u = 0 against the second target "I had an apple" and u = 0.5 against the first,
/// "I have an apple" (d(S,H) = 2, d(H,T) = 2, d(S,T) = 3): e = 1, not 0.75.
#[test]
fn edit_efficiency_keeps_the_best_target_when_it_comes_last() {
    let o = edit(
        json!({"gate": "none", "correctness": ""}),
        "I had an apple",
        json!({"source": "I has a apple", "target": ["I have an apple", "I had an apple"]}),
    );
    assert_eq!(value(&o), 1.0);
    assert_eq!(details(&o), &json!({"edits": 2, "unnecessary": 0.0}));
}

/// An empty list of targets is not a target: `invalid_input`, not a score of 1.
#[test]
fn edit_efficiency_refuses_an_empty_list_of_targets() {
    let o = edit(
        json!({"gate": "none", "correctness": ""}),
        "I have an apple",
        json!({"source": "I has a apple", "target": []}),
    );
    assert_eq!(status(&o), Status::InvalidInput);
}

/// Under `gate: correct` a correctness equal to `threshold` is correct: 0.8 with threshold 0.8
/// is scored (minimal: 1 − 3/15 = 0.8), 0.79 gets 0.
#[test]
fn edit_efficiency_gate_counts_the_threshold_as_correct() {
    let r = common::reward(
        "edit_efficiency",
        json!({"form": "minimal", "threshold": 0.8}),
        &["correct"],
    );
    let s = common::sample(
        json!({"response": "I have an apple", "reference": {"source": "I has a apple"}}),
    );
    let d = Deadline::none();
    let at = r.score(&s, &Ctx::new(&d, &[Some(0.8)]));
    assert!((value(&at) - 0.8).abs() < 1e-12, "{}", value(&at));
    let below = r.score(&s, &Ctx::new(&d, &[Some(0.79)]));
    assert_eq!(value(&below), 0.0);
}

/// `form: minimal` with empty source and response gives 1 (no edit, nothing to edit).
#[test]
fn edit_efficiency_minimal_of_two_empty_texts_is_one() {
    let o = edit(
        json!({"gate": "none", "correctness": "", "form": "minimal", "extract": "none"}),
        "",
        json!({"source": ""}),
    );
    assert_eq!(value(&o), 1.0);
    assert_eq!(details(&o), &json!({"edits": 0}));
}

// ---- laser_d_length ----

/// A group of `tokens` lengths with correctness `correct`, scored with `store` under namespace
/// "ns".
fn laser_d(
    params: Value,
    rows: &[(u64, f64)],
    store: &dyn plaudit_core::Store,
) -> Vec<plaudit_core::Outcome> {
    let r = common::reward("laser_d_length", params, &["correct"]);
    let samples: Vec<plaudit_core::Sample> = rows
        .iter()
        .map(|(t, _)| common::sample(json!({"response": "…", "tokens": t})))
        .collect();
    let values: Vec<[Option<f64>; 1]> = rows.iter().map(|(_, c)| [Some(*c)]).collect();
    let members: Vec<plaudit_core::Member> = samples
        .iter()
        .zip(&values)
        .map(|(s, v)| plaudit_core::Member {
            sample: s,
            values: v,
        })
        .collect();
    let d = Deadline::none();
    let gcx = plaudit_core::GroupCtx {
        deadline: &d,
        store,
        namespace: "ns",
        key: None,
    };
    r.score_group(&members, &gcx)
}

/// The buckets' bounds are inclusive (p ≥ `easy_from` is easy, p ≥ `medium_from` medium), and
/// `medium_from` may equal `easy_from`: with both 0.5, a pass rate of 1/2 is easy; with 0.75 and
/// 0.25, 3/4 is easy and 1/4 medium.
#[test]
fn laser_d_length_bucket_bounds_are_inclusive() {
    let store = plaudit_core::MemoryStore::new();
    let bucket = |params: Value, rows: &[(u64, f64)]| {
        details(&laser_d(params, rows, &store)[0])["bucket"].clone()
    };
    let fixed = |e: f64, m: f64| json!({"easy_from": e, "medium_from": m, "momentum": 0.0});
    assert_eq!(bucket(fixed(0.5, 0.5), &[(10, 1.0), (10, 0.0)]), "easy");
    let four = |c: usize| -> Vec<(u64, f64)> {
        (0..4)
            .map(|i| (10, if i < c { 1.0 } else { 0.0 }))
            .collect()
    };
    assert_eq!(bucket(fixed(0.75, 0.25), &four(3)), "easy");
    assert_eq!(bucket(fixed(0.75, 0.25), &four(1)), "medium");
    assert_eq!(bucket(fixed(0.75, 0.25), &four(0)), "hard");
}

/// A stored target of 0 is not a target: the bucket reads its configured start (easy 100), so a
/// correct answer of 50 tokens earns alpha.
#[test]
fn laser_d_length_ignores_a_stored_target_of_zero() {
    let store = plaudit_core::MemoryStore::new();
    use plaudit_core::Store;
    store
        .put("ns", vec![("easy".into(), json!({"target": 0.0}))])
        .unwrap();
    let out = laser_d(json!({"targets": [100, 200, 400]}), &[(50, 1.0)], &store);
    assert_eq!(value(&out[0]), 0.5);
    assert_eq!(details(&out[0])["target"], json!(100.0));
}

/// The update starts from the configured target when the stored one is 0: ½·100 + ½·40 = 70
/// (coverage 0.75 of {40} is 40), one more update.
#[test]
fn laser_d_length_update_replaces_a_stored_target_of_zero_by_the_start() {
    use plaudit_core::Store;
    let r = common::reward(
        "laser_d_length",
        json!({"targets": [100, 200, 400]}),
        &["correct"],
    );
    let store = plaudit_core::MemoryStore::new();
    store
        .put(
            "ns",
            vec![("easy".into(), json!({"target": 0.0, "updates": 3}))],
        )
        .unwrap();
    r.update(&[json!({"k": "easy", "l": 40.0})], &store, "ns")
        .unwrap();
    assert_eq!(
        store.get("ns", "easy").unwrap(),
        Some(json!({"target": 70.0, "updates": 4}))
    );
}

/// An update that would set a target of 0 (momentum 1, correct lengths 0) stores nothing.
#[test]
fn laser_d_length_update_never_stores_a_zero_target() {
    use plaudit_core::Store;
    let r = common::reward(
        "laser_d_length",
        json!({"targets": [100, 200, 400], "momentum": 1.0}),
        &["correct"],
    );
    let store = plaudit_core::MemoryStore::new();
    r.update(&[json!({"k": "easy", "l": 0.0})], &store, "ns")
        .unwrap();
    assert_eq!(store.get("ns", "easy").unwrap(), None);
}

// ---- routing_cost ----

/// A price of 0 and a token count of 0 are allowed (≥ 0): a free model's 10 + 10 tokens cost
/// nothing, 0 input and 10^6 output tokens of `small` (0.2 per million) cost 0.2: r = −0.2.
#[test]
fn routing_cost_accepts_zero_prices_and_zero_token_counts() {
    let o = one(
        "routing_cost",
        json!({"prices": {"free": 0, "small": {"input": 0.0, "output": 0.2}}}),
        json!({"response": "…", "meta": {"calls": [
            {"model": "free", "input_tokens": 10, "output_tokens": 10},
            {"model": "small", "input_tokens": 0, "output_tokens": 1000000}
        ]}}),
    );
    assert!((value(&o) + 0.2).abs() < 1e-12, "{}", value(&o));
    assert_eq!(details(&o)["calls"], json!(2));
}

/// `mapping: budget` caps the cost at `scale`: a cost of 3 with scale 2 gives 1 − 1 = 0, a cost
/// of 1 gives 1 − 1/2 = 0.5.
#[test]
fn routing_cost_budget_is_zero_beyond_the_scale() {
    let cost = |tokens: u64| {
        value(&one(
            "routing_cost",
            json!({"prices": {"m": 1.0}, "mapping": "budget", "scale": 2.0, "per_tokens": 1.0}),
            json!({"response": "…", "meta": {"calls": [
                {"model": "m", "input_tokens": tokens, "output_tokens": 0}
            ]}}),
        ))
    };
    assert_eq!(cost(3), 0.0);
    assert_eq!(cost(1), 0.5);
}

// ---- tightening_cost_reference ----

/// `tightening_cost_reference` (key: group) on one sample of group "q" with component values
/// `values` (`correct` first, then `rounds` when `params` names it), reading `store`.
fn trace(
    params: Value,
    components: &[&str],
    values: &[Option<f64>],
    sample: Value,
    store: &dyn plaudit_core::Store,
) -> plaudit_core::Outcome {
    let r = common::reward("tightening_cost_reference", params, components);
    let s = common::sample(sample);
    let d = Deadline::none();
    r.score(&s, &Ctx::with_state(&d, values, store, "ns"))
}

/// A store holding reference `r` for group "q" under namespace "ns".
fn reference_store(r: f64) -> plaudit_core::MemoryStore {
    use plaudit_core::Store;
    let store = plaudit_core::MemoryStore::new();
    store
        .put("ns", vec![("q".into(), json!({"reference": r}))])
        .unwrap();
    store
}

/// A cost equal to the reference is within it (C ≤ R): with a reference of 0 (the floor's
/// default), a correct sample with 0 tool calls gets 1, not R / C = 0/0.
#[test]
fn tightening_cost_reference_cost_equal_to_a_zero_reference_is_within_it() {
    let store = reference_store(0.0);
    let o = trace(
        json!({"key": "group"}),
        &["correct"],
        &[Some(1.0)],
        json!({"group": "q", "response": "…", "meta": {"tool_calls": 0}}),
        &store,
    );
    assert_eq!(value(&o), 1.0);
    assert_eq!(details(&o), &json!({"reference": 0.0, "cost": 0.0}));
}

/// A component cost of 0 is a cost (≥ 0), not `invalid_input`: within a reference of 3 it
/// gets 1; a cost of 6 gets 3/6.
#[test]
fn tightening_cost_reference_accepts_a_component_cost_of_zero() {
    let store = reference_store(3.0);
    let params = json!({"key": "group", "cost": "component", "cost_component": "rounds"});
    let s = json!({"group": "q", "response": "…"});
    let at = |rounds: f64| {
        trace(
            params.clone(),
            &["correct", "rounds"],
            &[Some(1.0), Some(rounds)],
            s.clone(),
            &store,
        )
    };
    assert_eq!(value(&at(0.0)), 1.0);
    assert_eq!(value(&at(6.0)), 0.5);
    assert_eq!(status(&at(-1.0)), Status::InvalidInput);
}

/// A correctness equal to `threshold` is correct (≥): 0.5 is scored (8 calls over a reference
/// of 4: 0.5, with its cost in the details), 0.4999 gets 0 and no details.
#[test]
fn tightening_cost_reference_counts_the_threshold_as_correct() {
    let store = reference_store(4.0);
    let at = |c: f64| {
        trace(
            json!({"key": "group"}),
            &["correct"],
            &[Some(c)],
            json!({"group": "q", "response": "…", "meta": {"tool_calls": 8}}),
            &store,
        )
    };
    let o = at(0.5);
    assert_eq!(value(&o), 0.5);
    assert_eq!(details(&o), &json!({"reference": 4.0, "cost": 8.0}));
    let o = at(0.4999);
    assert_eq!(value(&o), 0.0);
    assert!(o.as_ref().unwrap().details.is_none());
}

/// `statistic` picks S over a batch's correct costs 1, 2, 6 of a new problem: `min` 1, `mean`
/// 3, `median` 2 (R ← max(floor, S) the first time).
#[test]
fn tightening_cost_reference_statistic_min_mean_median() {
    use plaudit_core::Store;
    for (statistic, want) in [("min", 1.0), ("mean", 3.0), ("median", 2.0)] {
        let r = common::reward(
            "tightening_cost_reference",
            json!({"key": "group", "statistic": statistic}),
            &["correct"],
        );
        let store = plaudit_core::MemoryStore::new();
        let obs: Vec<Value> = [6.0, 1.0, 2.0]
            .iter()
            .map(|c| json!({"k": "q", "c": c}))
            .collect();
        r.update(&obs, &store, "ns").unwrap();
        assert_eq!(
            store.get("ns", "q").unwrap(),
            Some(json!({"reference": want, "updates": 1})),
            "{statistic}"
        );
    }
}

// ---- shortest_correct_anchor ----

/// An update keeps only anchors that are lengths (finite, ≥ 0): an observation of a negative
/// length stores nothing, beside a valid one for another key that is stored.
#[test]
fn shortest_correct_anchor_update_stores_no_negative_anchor() {
    use plaudit_core::Store;
    let r = common::reward(
        "shortest_correct_anchor",
        json!({"key": "group"}),
        &["correct"],
    );
    let store = plaudit_core::MemoryStore::new();
    r.update(
        &[json!({"k": "a", "l": -5.0}), json!({"k": "b", "l": 7.0})],
        &store,
        "ns",
    )
    .unwrap();
    assert_eq!(store.get("ns", "a").unwrap(), None);
    assert_eq!(
        store.get("ns", "b").unwrap(),
        Some(json!({"anchor": 7.0, "updates": 1}))
    );
}
