//! The process family against values worked out by hand from each reward's documentation, for
//! what its examples and `process_family.rs` leave open (the boundaries a mutation run over
//! `src/process/` reaches, docs/MUTANTS.md).

use serde_json::{json, Value};

mod common;
use common::{details, one, status, value};

use plaudit_core::{Ctx, Deadline, Status};

/// `name` built with `params` against the component `correct`, scoring `sample` with
/// `correct` = `outcome`.
fn with_outcome(name: &str, params: Value, outcome: f64, sample: Value) -> plaudit_core::Outcome {
    let r = common::reward(name, params, &["correct"]);
    let d = Deadline::none();
    r.score(&common::sample(sample), &Ctx::new(&d, &[Some(outcome)]))
}

// ---- the shared per-step lists (steps.rs `listed`) ----

/// The per-turn list is in the details when there are exactly `detail_limit` turns (at most),
/// and left out with one more.
#[test]
fn info_gain_turn_lists_turn_rewards_up_to_the_limit_inclusive() {
    let s = json!({"response": "…", "meta": {"answer_probs": [0.5, 0.25, 0.75]}});
    let o = one("info_gain_turn", json!({"detail_limit": 2}), s.clone());
    assert_eq!(
        details(&o),
        &json!({"turns": 2, "turn_rewards": [-0.25, 0.5]})
    );
    let o = one("info_gain_turn", json!({"detail_limit": 1}), s);
    assert_eq!(details(&o), &json!({"turns": 2}));
}

// ---- pure_min_credit ----

/// `returns` and `step_rewards` are listed for exactly `detail_limit` steps: 3 steps under a
/// limit of 3 list them (min-form returns 0.2, 0.2, 0.7), under 2 do not.
#[test]
fn pure_min_credit_lists_returns_up_to_the_limit_inclusive() {
    let s = json!({"response": "…", "step_scores": [0.9, 0.2, 0.7]});
    let o = one("pure_min_credit", json!({"detail_limit": 3}), s.clone());
    assert_eq!(
        details(&o),
        &json!({"steps": 3, "argmin": 1, "returns": [0.2, 0.2, 0.7], "step_rewards": [0.0, 0.2, 0.0]})
    );
    let o = one("pure_min_credit", json!({"detail_limit": 2}), s);
    assert_eq!(value(&o), 0.2);
    assert_eq!(details(&o), &json!({"steps": 3, "argmin": 1}));
}

// ---- process_aggregate ----

/// The worst step is the first of equally low ones: 0.1, 0.5, 0.1 names step 0 and quotes its
/// text.
#[test]
fn process_aggregate_worst_step_is_the_first_of_a_tie() {
    let o = one(
        "process_aggregate",
        json!({"steps_from": "field"}),
        json!({"response": "…", "steps": ["a", "b", "c"], "step_scores": [0.1, 0.5, 0.1]}),
    );
    assert_eq!(value(&o), 0.1);
    assert_eq!(
        details(&o),
        &json!({"steps": 3, "worst_step": 0, "worst_step_text": "a"})
    );
}

// ---- likelihood_reward ----

/// A log-probability of 0 (a certain token) is a log-probability (≤ 0): [0, −1] gives −1.
#[test]
fn likelihood_reward_accepts_a_log_probability_of_zero() {
    let o = one(
        "likelihood_reward",
        json!({}),
        json!({"response": "…", "meta": {"gold_logprobs": [0.0, -1.0]}}),
    );
    assert_eq!(value(&o), -1.0);
    assert_eq!(details(&o), &json!({"tokens": 2}));
}

/// An empty list is refused as empty (not read as a per-step list of no steps).
#[test]
fn likelihood_reward_refuses_an_empty_list_as_empty() {
    let o = one(
        "likelihood_reward",
        json!({}),
        json!({"response": "…", "meta": {"gold_logprobs": []}}),
    );
    let f = o.unwrap_err();
    assert_eq!(f.status, Status::InvalidInput);
    assert_eq!(
        f.message,
        "`meta.gold_logprobs` is empty: there is no token to score"
    );
}

// ---- prl_process ----

/// Token chunks of `step_length` with a shorter last one: 5 tokens of log-ratios 0.5, 0, −1,
/// 0.5, 0 in steps of 2 end at 2, 4, 5 (d = 0.5, −0.5, 0); with r = 1, β = 0.5 under `to_go`
/// ρ = 1 − 0.5·(−0.5 + 0), 1 − 0.5·0, 1 = 1.25, 1, 1; mean 3.25/3; G = 1 − 0.5·0 = 1.
#[test]
fn prl_process_cuts_a_shorter_last_step() {
    let o = with_outcome(
        "prl_process",
        json!({"beta": 0.5, "step_length": 2}),
        1.0,
        json!({"response": "…", "logprobs": [-1.0, -0.5, -2.0, -0.25, -1.0],
               "meta": {"ref_logprobs": [-1.5, -0.5, -1.0, -0.75, -1.0]}}),
    );
    assert!((value(&o) - 3.25 / 3.0).abs() < 1e-15, "{}", value(&o));
    assert_eq!(
        details(&o),
        &json!({"steps": 3, "regularized_return": 1.0, "log_ratio": 0.0,
                "step_rewards": [1.25, 1.0, 1.0], "step_ends": [2, 4, 5]})
    );
}

/// A step length of 0 in `meta.step_lengths` is refused (steps are positive integers).
#[test]
fn prl_process_refuses_a_step_of_zero_tokens() {
    let o = with_outcome(
        "prl_process",
        json!({"segment": "field"}),
        1.0,
        json!({"response": "…", "logprobs": [-1.0, -0.5], "meta": {"ref_logprobs": [-1.0, -0.5],
               "step_lengths": [0, 2]}}),
    );
    assert_eq!(status(&o), Status::InvalidInput);
    assert_eq!(
        o.unwrap_err().message,
        "`meta.step_lengths[0]`: expected a positive integer, got 0"
    );
}

/// An empty `meta.step_lengths` is refused as empty (not as steps adding up to 0 tokens).
#[test]
fn prl_process_refuses_empty_step_lengths_as_empty() {
    let o = with_outcome(
        "prl_process",
        json!({"segment": "field"}),
        1.0,
        json!({"response": "…", "logprobs": [-1.0, -0.5], "meta": {"ref_logprobs": [-1.0, -0.5],
               "step_lengths": []}}),
    );
    let f = o.unwrap_err();
    assert_eq!(f.status, Status::InvalidInput);
    assert_eq!(f.message, "`meta.step_lengths` is empty: there is no step");
}

// ---- the aggregations (steps.rs) ----

/// An overflowing aggregate is an `error` naming the aggregation and the values: the sum of
/// 1e308, 1e308, −1e308 overflows before the last term.
#[test]
fn an_overflowing_aggregate_names_the_aggregation() {
    let o = one(
        "process_aggregate",
        json!({"aggregation": "sum"}),
        json!({"response": "…", "step_scores": [1e308, 1e308, -1e308]}),
    );
    let f = o.unwrap_err();
    assert_eq!(f.status, Status::Error);
    assert_eq!(
        f.message,
        "the sum of the step scores is not a finite number (the inputs are too large in magnitude)"
    );
}

// ---- step_increment ----

/// `step_increment` with default parameters on `scores`: its value and details.
fn increments(scores: &[f64]) -> (f64, Value) {
    let o = one(
        "step_increment",
        json!({}),
        json!({"response": "…", "step_scores": scores}),
    );
    (value(&o), details(&o).clone())
}

/// A zero increment has no sign, so it neither starts nor breaks a trend: in 0.5, 0.3, 0.3, 0.6,
/// 0.8 (increments 0.5, −0.2, 0, 0.3, 0.2; D = 0.8 > 0) the turning point is step 3, the first
/// rise after the fall, earning 0.8 − 0.3 = 0.5: value 0.5 − 0.2 + 0 + 0.5 + 0.2 = 1.0.
#[test]
fn step_increment_zero_increment_after_a_fall_is_no_turn() {
    let (v, d) = increments(&[0.5, 0.3, 0.3, 0.6, 0.8]);
    assert!((v - 1.0).abs() < 1e-12, "{v}");
    assert_eq!(d["turning_points"], json!([3]));
    assert_eq!(d["turning_point_count"], json!(1));
    assert!((d["overall"].as_f64().unwrap() - 0.8).abs() < 1e-12, "{d}");
}

/// Likewise after a rise: in −0.2, 0.1, 0.1, 0.2 (increments −0.2, 0.3, 0, 0.1; D = 0.2) step 1
/// is the only turning point; the rise after the zero continues the trend.
#[test]
fn step_increment_zero_increment_after_a_rise_keeps_the_trend() {
    let (v, d) = increments(&[-0.2, 0.1, 0.1, 0.2]);
    // −0.2 + (0.2 − (−0.2)) + 0 + 0.1
    assert!((v - 0.3).abs() < 1e-12, "{v}");
    assert_eq!(d["turning_points"], json!([1]));
    assert_eq!(d["turning_point_count"], json!(1));
}

/// The details' `overall` is D = s_T − s_0: from `initial` 0.8 down to 0.4, −0.4.
#[test]
fn step_increment_overall_is_the_last_score_minus_the_initial() {
    let o = one(
        "step_increment",
        json!({"initial": 0.8}),
        json!({"response": "…", "step_scores": [0.6, 0.7, 0.5, 0.4]}),
    );
    let d = details(&o);
    assert!((d["overall"].as_f64().unwrap() + 0.4).abs() < 1e-12, "{d}");
    assert_eq!(d["turning_points"], json!([2]));
}

// ---- process_transform ----

/// A transformed step reward that overflows is an `error` naming the step, even when the
/// aggregation would not read it: under `delta` 1e308, −1e308 gives r'_0 = 2e308 (infinite) and
/// r'_1 = −1e308, and `aggregation: last` alone would return −1e308.
#[test]
fn process_transform_refuses_an_overflowing_step_the_aggregation_skips() {
    let o = one(
        "process_transform",
        json!({"transform": "delta", "aggregation": "last"}),
        json!({"response": "…", "step_scores": [1e308, -1e308]}),
    );
    let f = o.unwrap_err();
    assert_eq!(f.status, Status::Error);
    assert_eq!(
        f.message,
        "the transformed reward of step 0 is not a finite number (the inputs are too large in magnitude)"
    );
}
