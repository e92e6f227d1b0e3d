//! The process family end to end: `examples/process.yaml` scores `examples/process.jsonl` to the
//! documented values through the engine; the details hold what the docs say; bad parameters are
//! spec errors; and property tests: random step scores, log-probs and probabilities (extremes,
//! empty and huge lists) never panic a process reward or give a non-finite value, and the bounds
//! each mechanism promises hold.

use std::sync::Arc;
use std::time::Duration;

use plaudit_core::{Ctx, Deadline, Engine, Failure, Reward, Sample, Score, Spec, Status};
use proptest::prelude::*;
use serde_json::{json, Value};

const SPEC: &str = include_str!("../../../examples/process.yaml");
const SAMPLES: &str = include_str!("../../../examples/process.jsonl");

const PROCESS: &[&str] = &[
    "process_aggregate",
    "pure_min_credit",
    "process_transform",
    "step_increment",
    "gated_process",
    "prime_implicit",
    "info_gain_turn",
];

/// A process reward built with `params`, reading `correct` = `outcome` when it reads a component.
fn build(name: &str, params: Value, outcome: f64) -> (Arc<dyn Reward>, Vec<Option<f64>>) {
    let info = plaudit_rewards::all()
        .into_iter()
        .find(|i| i.name == name)
        .unwrap_or_else(|| panic!("no reward `{name}`"));
    info.build_example(&json!({"params": params, "components": {"correct": outcome}}))
        .unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn score(name: &str, params: Value, outcome: f64, sample: Value) -> Result<Score, Failure> {
    let (r, values) = build(name, params, outcome);
    let sample = Sample::from_value(sample).unwrap();
    let d = Deadline::none();
    r.score(&sample, &Ctx::new(&d, &values))
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-12
}

#[test]
fn the_example_spec_scores_the_example_samples() {
    let reg = plaudit_rewards::registry();
    let spec = Spec::from_text(SPEC, &reg).unwrap();
    let values: Vec<Value> = SAMPLES
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let results = Engine::new(spec).score_values(values).unwrap();
    let expected = [
        ("p1-a", 1.53, Status::Ok), // correct: 1 + 0.5·mean(0.9, 0.8, 1.0), + 0.1·0.8
        ("p1-b", 0.03, Status::Ok), // wrong: the gate stays shut; 0.1·0.3
        ("p1-c", 1.335, Status::Ok), // correct with a bad step: 1 + 0.5·0.65 + 0.1·0.1
        ("p1-d", 0.0, Status::InvalidInput), // 3 steps, 2 scores
        ("s1-a", 1.4, Status::Ok),  // 1 + 0.5·(0.9 − 0.1)
        ("s1-b", -0.025, Status::Ok), // 0 + 0.5·(0.05 − 0.1)
        ("i1-a", 1.05, Status::Ok), // 1 + 0.05·(0.5 + 0.5 + 0)
        ("i1-b", 0.0, Status::InvalidInput), // no reference log-probs
    ];
    assert_eq!(results.len(), expected.len());
    for (r, (id, reward, status)) in results.iter().zip(expected) {
        assert_eq!(r.id, json!(id));
        assert_eq!(r.status, status, "{id}: {:?}", r.error);
        assert!(close(r.reward, reward), "{id}: {} != {reward}", r.reward);
    }
    let details = |i: usize| results[i].details.clone().unwrap();
    assert_eq!(details(0)["gated"]["gate"], json!(true));
    assert_eq!(details(1)["gated"]["gate"], json!(false));
    assert_eq!(details(2)["worst"]["argmin"], json!(1));
    assert_eq!(details(2)["worst"]["returns"], json!([0.1, 0.1, 0.95]));
    assert_eq!(details(4)["info"]["turns"], json!(2));
    assert_eq!(
        results[3].error.as_deref(),
        Some(
            "component `gated` (gated_process): `step_scores` has 2 scores but the response splits into 3 steps at delimiter \"\\n\\n\""
        ),
    );
    assert!(
        results[7]
            .error
            .as_deref()
            .unwrap()
            .contains("sample has no `meta.ref_logprobs`"),
        "{:?}",
        results[7].error
    );
}

#[test]
fn errors_name_what_is_wrong() {
    let err = |name: &str, params: Value, sample: Value| {
        let f = score(name, params, 1.0, sample).unwrap_err();
        assert_eq!(f.status, Status::InvalidInput, "{name}: {}", f.message);
        f.message
    };
    assert_eq!(
        err("process_aggregate", json!({}), json!({"response": "x"})),
        "sample has no `step_scores` (this reward needs one score per reasoning step)"
    );
    assert_eq!(
        err(
            "process_aggregate",
            json!({}),
            json!({"response": "x", "step_scores": []})
        ),
        "`step_scores` is empty: there is no step to score"
    );
    assert_eq!(
        err(
            "pure_min_credit",
            json!({}),
            json!({"response": "x", "steps": ["a", "b"], "step_scores": [0.5]})
        ),
        "`step_scores` has 1 scores but `steps` has 2 steps"
    );
    assert_eq!(
        err(
            "prime_implicit",
            json!({}),
            json!({"response": "x", "logprobs": [-1.0, -2.0], "meta": {"ref_logprobs": [-1.0]}})
        ),
        "`logprobs` has 2 tokens but `meta.ref_logprobs` has 1"
    );
    assert_eq!(
        err(
            "prime_implicit",
            json!({}),
            json!({"response": "x", "logprobs": [-1.0, 0.5], "meta": {"ref_logprobs": [-1.0, -0.1]}})
        ),
        "`logprobs[1]` is 0.5, but a log-probability is at most 0"
    );
    assert_eq!(
        err(
            "prime_implicit",
            json!({}),
            json!({"response": "x", "logprobs": [-1.0], "meta": {"ref_logprobs": {"a": 1}}})
        ),
        "`meta.ref_logprobs`: expected a list of numbers, got an object"
    );
    assert_eq!(
        err(
            "info_gain_turn",
            json!({}),
            json!({"response": "x", "meta": {"answer_probs": [0.5, null]}})
        ),
        "`meta.answer_probs[1]`: expected a finite number, got null"
    );
    assert_eq!(
        err(
            "info_gain_turn",
            json!({}),
            json!({"response": "x", "meta": {"answer_probs": [0.5, -0.1]}})
        ),
        "`meta.answer_probs[1]` is -0.1, but a probability lies in [0, 1]"
    );
    // A failed outcome component fails the gate: never read as 0.
    let (r, _) = build("gated_process", json!({}), 1.0);
    let d = Deadline::none();
    let sample = Sample::from_value(json!({"response": "x", "step_scores": [1.0]})).unwrap();
    let f = r.score(&sample, &Ctx::new(&d, &[None])).unwrap_err();
    assert_eq!(f.status, Status::Error);
    assert_eq!(f.message, "input component `correct` has no value");
}

#[test]
fn bad_parameters_are_spec_errors() {
    let reg = plaudit_rewards::registry();
    let compile = |component: &str| {
        let text = format!("components:\n  correct: exact_match\n  x: {component}\nreward: x\n");
        Spec::from_text(&text, &reg)
            .map(|_| ())
            .unwrap_err()
            .to_string()
    };
    let cases = [
        (
            "{reward: pure_min_credit, params: {temperature: -1}}",
            "parameter `temperature` must be ≥ 0, got -1",
        ),
        (
            "{reward: prime_implicit, params: {beta: 0}}",
            "parameter `beta` must be > 0, got 0",
        ),
        (
            "{reward: info_gain_turn, params: {min_prob: 2}}",
            "parameter `min_prob` must be in [0, 1], got 2",
        ),
        (
            "{reward: process_aggregate, params: {delimiter: ''}}",
            "parameter `delimiter` must not be empty",
        ),
        (
            "{reward: step_increment, params: {detail_limit: -1}}",
            "parameter `detail_limit` must be ≥ 0, got -1",
        ),
        (
            "{reward: gated_process, params: {outcome: ''}}",
            "parameter `outcome` must name the outcome component",
        ),
        (
            "{reward: gated_process, params: {outcome: tests}}",
            "names component `tests`, which this spec does not define",
        ),
        (
            "{reward: process_aggregate, params: {aggregation: median}}",
            "`median` is not one of: min, last, mean, product, sum",
        ),
    ];
    for (component, message) in cases {
        let e = compile(component);
        assert!(e.contains(message), "{component}: {e}");
    }
}

#[test]
fn details_list_what_the_docs_say() {
    let s = score(
        "pure_min_credit",
        json!({}),
        1.0,
        json!({"response": "x", "step_scores": [0.9, 0.2, 0.7, 0.2]}),
    )
    .unwrap();
    let d = s.details.unwrap();
    assert_eq!(d["returns"], json!([0.2, 0.2, 0.2, 0.2]));
    // Ties at the minimum share the weight; the per-step rewards sum to the value.
    assert_eq!(d["step_rewards"], json!([0.0, 0.1, 0.0, 0.1]));
    assert_eq!(d["argmin"], json!(1));

    let s = score(
        "pure_min_credit",
        json!({"temperature": 0.5}),
        1.0,
        json!({"response": "x", "step_scores": [0.0, 1.0, 2.0]}),
    )
    .unwrap();
    let d = s.details.unwrap();
    let returns: Vec<f64> = serde_json::from_value(d["returns"].clone()).unwrap();
    let rewards: Vec<f64> = serde_json::from_value(d["step_rewards"].clone()).unwrap();
    // The last step's future is itself; the one before: softmin of (1, 2) at τ = 0.5.
    let e = (-2.0f64).exp();
    assert!(close(returns[2], 2.0));
    assert!(close(returns[1], (1.0 + 2.0 * e) / (1.0 + e)));
    assert!(close(returns[0], s.value));
    assert!(close(rewards.iter().sum::<f64>(), s.value));

    let s = score(
        "step_increment",
        json!({}),
        1.0,
        json!({"response": "x", "step_scores": [0.5, 0.5, 0.3, 0.6, 0.7]}),
    )
    .unwrap();
    let d = s.details.unwrap();
    assert_eq!(d["turning_points"], json!([3]));
    assert_eq!(d["turning_point_count"], json!(1));
    assert_eq!(d["increments"].as_array().unwrap().len(), 5);
    assert!(close(d["step_rewards"][3].as_f64().unwrap(), 0.4));

    let s = score(
        "process_transform",
        json!({"transform": "delta"}),
        1.0,
        json!({"response": "x", "step_scores": [1.0, 0.5, 0.75]}),
    )
    .unwrap();
    assert_eq!(
        s.details.unwrap(),
        json!({"steps": 3, "total": 1.0, "step_rewards": [0.5, -0.25, 0.75]})
    );

    let s = score(
        "process_aggregate",
        json!({"steps_from": "field"}),
        1.0,
        json!({"response": "x", "steps": ["fine", "wrong turn"], "step_scores": [0.8, 0.1]}),
    )
    .unwrap();
    assert_eq!(
        s.details.unwrap(),
        json!({"steps": 2, "worst_step": 1, "worst_step_text": "wrong turn"})
    );

    // Long lists: the value, the counts, no per-step lists past `detail_limit`.
    let lp: Vec<f64> = (0..100).map(|i| -(i as f64) / 100.0).collect();
    let s = score(
        "prime_implicit",
        json!({"beta": 1.0, "detail_limit": 10}),
        1.0,
        json!({"response": "x", "logprobs": lp, "meta": {"ref_logprobs": vec![-1.0; 100]}}),
    )
    .unwrap();
    assert!(close(s.value, 100.0 - 49.5));
    let d = s.details.unwrap();
    assert_eq!(d["tokens"], json!(100));
    assert!(d.get("token_rewards").is_none());
    let s = score(
        "info_gain_turn",
        json!({}),
        1.0,
        json!({"response": "x", "meta": {"answer_probs": [0.5, 0.25, 0.75]}}),
    )
    .unwrap();
    assert_eq!(s.details.unwrap()["turn_rewards"], json!([-0.25, 0.5]));
}

/// Overflowing inputs are an `error` that says so, never an infinite value.
#[test]
fn overflow_is_an_error_not_infinity() {
    let big = json!({"response": "x", "step_scores": [1e308, 1e308, -1e308]});
    let f = score(
        "process_aggregate",
        json!({"aggregation": "sum"}),
        1.0,
        big.clone(),
    );
    // 1e308 + 1e308 overflows before the negative term comes in.
    assert_eq!(f.unwrap_err().status, Status::Error);
    let f = score(
        "process_aggregate",
        json!({"aggregation": "product"}),
        1.0,
        big.clone(),
    );
    assert_eq!(f.unwrap_err().status, Status::Error);
    // The mean stays finite (computed as Σ x/n when Σ x overflows).
    let m = score(
        "process_aggregate",
        json!({"aggregation": "mean"}),
        1.0,
        big.clone(),
    )
    .unwrap();
    assert!(close(m.value / 1e308, 1.0 / 3.0));
    // The softmin is a convex combination of the scores: finite, at most the largest.
    let s = score("pure_min_credit", json!({"temperature": 1e300}), 1.0, big).unwrap();
    assert!(s.value.is_finite() && s.value <= 1e308);
    let f = score(
        "step_increment",
        json!({}),
        1.0,
        json!({"response": "x", "step_scores": [1e308, -1e308]}),
    )
    .unwrap_err();
    assert_eq!(f.status, Status::Error);
    assert!(
        f.message.contains("the increment of step 1"),
        "{}",
        f.message
    );
}

/// A million steps (and tokens, and turns): every process reward answers within a deadline that
/// linear work meets easily and quadratic work (10^12 steps) could not.
#[test]
fn huge_lists_are_linear() {
    let n = 1_000_000;
    let scores: Vec<f64> = (0..n)
        .map(|i| ((i * 7919) % 1000) as f64 / 1000.0)
        .collect();
    let probs = scores.clone();
    let lp: Vec<f64> = scores.iter().map(|x| -x).collect();
    let sample = Sample::from_value(json!({
        "response": "step\n\n".repeat(n),
        "step_scores": scores,
        "logprobs": lp,
        "meta": {"ref_logprobs": vec![-0.5; n], "answer_probs": probs},
    }))
    .unwrap();
    for name in PROCESS {
        for params in [
            json!({}),
            json!({"steps_from": "response", "temperature": 0.3}),
        ] {
            let params = only_known(name, params);
            let (r, values) = build(name, params, 1.0);
            // Linear work: done long before a generous deadline (a timeout fails the test).
            let d = Deadline::after(Duration::from_secs(60));
            let out = r.score(&sample, &Ctx::new(&d, &values));
            let s = out.unwrap_or_else(|f| panic!("{name}: {f:?}"));
            assert!(s.value.is_finite());
        }
    }
}

/// `params` without the keys `name` does not declare.
fn only_known(name: &str, params: Value) -> Value {
    let info = plaudit_rewards::all()
        .into_iter()
        .find(|i| i.name == name)
        .unwrap();
    let Value::Object(o) = params else {
        return params;
    };
    Value::Object(
        o.into_iter()
            .filter(|(k, _)| info.params.iter().any(|p| p.name == k))
            .collect(),
    )
}

/// Whether a JSON value holds a `null` (what a non-finite number turns into).
fn has_null(v: &Value) -> bool {
    match v {
        Value::Null => true,
        Value::Array(a) => a.iter().any(has_null),
        Value::Object(o) => o.values().any(has_null),
        _ => false,
    }
}

/// Finite numbers with the extremes: zeros, signs, tiny and huge magnitudes.
fn number() -> impl Strategy<Value = f64> {
    prop_oneof![
        -1.0f64..1.0,
        -1e6f64..1e6,
        prop::sample::select(vec![
            0.0,
            -0.0,
            1.0,
            -1.0,
            f64::MIN_POSITIVE,
            -f64::MIN_POSITIVE,
            5e-324,
            f64::MAX,
            f64::MIN,
            1e308,
            -1e308,
            1e-300,
        ]),
        any::<f64>().prop_filter("finite", |x| x.is_finite()),
    ]
}

fn list(inner: impl Strategy<Value = f64>) -> impl Strategy<Value = Vec<f64>> {
    prop_oneof![
        Just(Vec::new()),
        prop::collection::vec(inner, 1..8),
        prop::collection::vec(-1.0f64..1.0, 0..400),
    ]
}

fn probability() -> impl Strategy<Value = f64> {
    prop_oneof![
        0.0f64..=1.0,
        prop::sample::select(vec![0.0, 1.0, 5e-324, 1e-300, 1.0 - 1e-16]),
        number(),
    ]
}

fn logprob() -> impl Strategy<Value = f64> {
    prop_oneof![
        -50.0f64..=0.0,
        prop::sample::select(vec![0.0, -0.0, f64::MIN, -1e308, -5e-324]),
        number()
    ]
}

/// Parameter sets that exercise every branch of every process reward.
fn params() -> impl Strategy<Value = Value> {
    (
        prop::sample::select(vec!["min", "last", "mean", "product", "sum"]),
        prop::sample::select(vec!["sum", "mean", "min", "max", "last"]),
        prop::sample::select(vec![0.0f64, 1e-300, 0.01, 1.0, 1e300]),
        prop::sample::select(vec!["clip", "delta"]),
        prop::bool::ANY,
        prop::sample::select(vec!["prob", "log_ratio"]),
        prop::sample::select(vec![0.0, 1e-9]),
        number(),
    )
        .prop_map(|(agg, tok_agg, temp, transform, flag, form, min_prob, x)| {
            json!({
                "aggregation": agg, "token_aggregation": tok_agg, "temperature": temp,
                "transform": transform, "delta_last": if flag { "keep" } else { "zero" },
                "turning_points": flag, "form": form, "min_prob": min_prob,
                "initial": x, "eta": x, "weight": x, "threshold": x, "beta": temp.max(1e-3),
            })
        })
}

/// The parameters of `name` out of the shared set (`token_aggregation` is the token/turn rewards'
/// `aggregation`, whose options differ).
fn params_for(name: &str, all: &Value) -> Value {
    let mut p = all.clone();
    match name {
        "prime_implicit" => p["aggregation"] = all["token_aggregation"].clone(),
        "info_gain_turn" => {
            let a = all["token_aggregation"].as_str().unwrap();
            p["aggregation"] = json!(if a == "mean" { "mean" } else { "sum" });
        }
        _ => {}
    }
    only_known(name, p)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn no_input_panics_or_overflows_a_process_reward(
        scores in prop::option::of(list(number())),
        lp in prop::option::of(list(logprob())),
        ref_lp in prop::option::of(list(logprob())),
        probs in prop::option::of(list(probability())),
        steps in prop::option::of(prop::collection::vec("[a-z ]{0,8}", 0..6)),
        response in "[a-z\n ]{0,60}",
        outcome in prop::option::of(number()),
        all in params(),
    ) {
        let mut sample = Sample { response, step_scores: scores, logprobs: lp, steps, ..Default::default() };
        if let Some(r) = ref_lp {
            sample.meta.insert("ref_logprobs".into(), json!(r));
        }
        if let Some(p) = probs {
            sample.meta.insert("answer_probs".into(), json!(p));
        }
        let d = Deadline::after(Duration::from_secs(5));
        for name in PROCESS {
            for from in ["auto", "response", "none"] {
                let mut p = params_for(name, &all);
                if p.as_object().is_some_and(|o| o.contains_key("steps_from")) {
                    p["steps_from"] = json!(from);
                }
                let (r, _) = build(name, p.clone(), 0.0);
                let values = [outcome];
                let out = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                    r.score(&sample, &Ctx::new(&d, &values))
                }));
                prop_assert!(out.is_ok(), "{} panicked with {} on {:?}", name, p, sample);
                match out.unwrap() {
                    Ok(s) => {
                        prop_assert!(s.value.is_finite(), "{} gave {} with {}", name, s.value, p);
                        prop_assert!(!s.details.as_ref().is_some_and(has_null), "{}: non-finite detail {:?}", name, s.details);
                    }
                    Err(f) => prop_assert!(
                        matches!(f.status, Status::InvalidInput | Status::Error),
                        "{}: {:?}", name, f
                    ),
                }
            }
        }
    }

    /// The bounds each mechanism promises, on ordinary scores.
    #[test]
    fn the_promised_bounds_hold(
        r in prop::collection::vec(-1.0f64..1.0, 1..50),
        eta in -1.0f64..1.0,
        tau in 0.001f64..10.0,
    ) {
        let sample = json!({"response": "x", "step_scores": r.clone()});
        let value = |name: &str, params: Value| score(name, params, 1.0, sample.clone()).unwrap().value;
        let min = r.iter().copied().fold(f64::INFINITY, f64::min);
        let max = r.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let mean = r.iter().sum::<f64>() / r.len() as f64;
        // Min-form credit is the minimum; the softmin lies between the minimum and the mean.
        prop_assert_eq!(value("pure_min_credit", json!({})), min);
        let soft = value("pure_min_credit", json!({"temperature": tau}));
        prop_assert!(soft >= min - 1e-12 && soft <= mean + 1e-12, "{} not in [{}, {}]", soft, min, mean);
        // Clipped rewards never sum above 0, however many steps repeat.
        let clipped = value("process_transform", json!({"eta": eta}));
        prop_assert!(clipped <= 0.0, "clip total {}", clipped);
        // Delta telescopes to the first score (keep) or first minus last (zero).
        let delta = value("process_transform", json!({"transform": "delta"}));
        prop_assert!((delta - r[0]).abs() < 1e-9, "delta total {}", delta);
        let zero = value("process_transform", json!({"transform": "delta", "delta_last": "zero"}));
        prop_assert!((zero - (r[0] - r[r.len() - 1])).abs() < 1e-9);
        // Without turning points the increments telescope to s_T − s_0.
        let inc = value("step_increment", json!({"turning_points": false, "initial": 0.25}));
        prop_assert!((inc - (r[r.len() - 1] - 0.25)).abs() < 1e-9);
        // Aggregations are ordered.
        let agg = |a: &str| value("process_aggregate", json!({"aggregation": a}));
        prop_assert!(agg("min") <= agg("mean") + 1e-12 && agg("mean") <= max + 1e-12);
        // The gate: shut, the outcome alone; open, outcome plus the sum.
        let shut = score("gated_process", json!({}), 0.25, sample.clone()).unwrap().value;
        prop_assert_eq!(shut, 0.25);
        let open = score("gated_process", json!({}), 0.75, sample.clone()).unwrap().value;
        prop_assert!((open - (0.75 + r.iter().sum::<f64>())).abs() < 1e-9);
    }

    /// IGPO's gains telescope; PRIME's sum is β times the sequence log-ratio.
    #[test]
    fn turn_and_token_rewards_telescope(
        p in prop::collection::vec(0.001f64..=1.0, 2..30),
        pairs in prop::collection::vec((-20.0f64..=0.0, -20.0f64..=0.0), 1..60),
        beta in 0.001f64..2.0,
    ) {
        let s = json!({"response": "x", "meta": {"answer_probs": p.clone()}});
        let g = score("info_gain_turn", json!({}), 1.0, s.clone()).unwrap().value;
        prop_assert!((g - (p[p.len() - 1] - p[0])).abs() < 1e-9);
        let l = score("info_gain_turn", json!({"form": "log_ratio"}), 1.0, s).unwrap().value;
        prop_assert!((l - (p[p.len() - 1].ln() - p[0].ln())).abs() < 1e-9);
        let (lp, rf): (Vec<f64>, Vec<f64>) = pairs.iter().copied().unzip();
        let s = json!({"response": "x", "logprobs": lp.clone(), "meta": {"ref_logprobs": rf.clone()}});
        let v = score("prime_implicit", json!({"beta": beta}), 1.0, s).unwrap().value;
        let expected = beta * (lp.iter().sum::<f64>() - rf.iter().sum::<f64>());
        prop_assert!((v - expected).abs() < 1e-9 * (1.0 + expected.abs()));
    }
}
