//! The `combine` family end to end: `examples/combine.yaml` compiled with the catalogue's
//! registry scores `examples/combine.jsonl` through the engine to the exact rewards; noise is
//! reproducible whatever the batch order; and no input can panic a combine reward or make it
//! give a non-finite value.

use plaudit_core::{Engine, Spec, Status};
use serde_json::{json, Value};

fn example(name: &str) -> String {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../examples")
        .join(name);
    std::fs::read_to_string(path).unwrap()
}

fn engine() -> Engine {
    let reg = plaudit_rewards::registry();
    Engine::new(Spec::from_text(&example("combine.yaml"), &reg).unwrap())
}

fn samples() -> Vec<Value> {
    example("combine.jsonl")
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

fn sigmoid(x: f64) -> f64 {
    1.0 / (1.0 + (-x).exp())
}

#[test]
fn the_example_file_scores_as_documented() {
    let results = engine().score_values(samples()).unwrap();
    let got: Vec<(&str, f64, Status)> = results
        .iter()
        .map(|r| (r.id.as_str().unwrap(), r.reward, r.status))
        .collect();
    assert_eq!(
        got,
        vec![
            ("derived", 1.0, Status::Ok),
            ("guessed", 0.5, Status::Ok),
            ("wrong", 0.0, Status::Ok),
            ("free-form", 0.7310585786300049, Status::Ok),
            ("master-key", 0.0, Status::Ok),
            ("colon", 0.0, Status::Ok),
            ("no-scores", 0.0, Status::InvalidInput),
            ("noisy-1", 0.0, Status::Ok),
            ("noisy-2", 1.0, Status::Ok),
            ("noisy-3", 0.0, Status::Ok),
            ("noisy-4", 1.0, Status::Ok),
        ]
    );
    let c = |i: usize, name: &str| results[i].components[name];
    // derived: ensemble 1.5 − ½·0.5, PAR σ(1.25 − 1); the confident verifier decides.
    assert_eq!(c(0, "rm"), 1.25);
    assert!((c(0, "par") - sigmoid(0.25)).abs() < 1e-12);
    assert_eq!(
        (c(0, "correct"), c(0, "flawed"), c(0, "guard")),
        (1.0, 0.0, 1.0)
    );
    // guessed: correct but no reasoning, so flawed halves it.
    assert_eq!((c(1, "correct"), c(1, "flawed")), (1.0, 1.0));
    assert_eq!(
        results[1].details.as_ref().unwrap()["flawed"]["flaws"],
        json!(["short_reasoning", "answer_not_in_reasoning"])
    );
    // wrong: never flawed; the verifier's 0 stands although PAR is near ½.
    assert_eq!((c(2, "hybrid"), c(2, "flawed")), (0.0, 0.0));
    assert!((c(2, "par") - sigmoid(-0.25)).abs() < 1e-12);
    // free-form: the verifier is not confident, so PAR (σ(2 − 1)) decides.
    assert_eq!(c(3, "hybrid"), c(3, "par"));
    assert_eq!(
        results[3].details.as_ref().unwrap()["hybrid"]["used"],
        json!("model")
    );
    // master keys: the reward models like them, the guard does not.
    assert!((c(4, "hybrid") - sigmoid(2.0)).abs() < 1e-12);
    assert_eq!(c(4, "guard"), 0.0);
    assert_eq!(
        results[4].details.as_ref().unwrap()["guard"],
        json!({"master_key": true, "kind": "opener", "pattern": ["thought process"]})
    );
    assert_eq!(
        results[5].details.as_ref().unwrap()["guard"]["kind"],
        json!("punctuation")
    );
    assert!((c(5, "par") - sigmoid(1.75)).abs() < 1e-12);
    // no scores: named, not a silent 0.
    assert_eq!(
        results[6].error.as_deref().unwrap(),
        "component `rm` (rm_ensemble): sample has no `scores` field (this reward reads `scores.rm_a`)"
    );
    // noisy: the first two are right and the last two wrong; the draw flipped the first and the
    // last.
    let flips: Vec<(f64, bool)> = results[7..]
        .iter()
        .map(|r| {
            (
                r.components["correct"],
                r.details.as_ref().unwrap()["noisy"]["flipped"]
                    .as_bool()
                    .unwrap(),
            )
        })
        .collect();
    assert_eq!(
        flips,
        vec![(1.0, true), (1.0, false), (0.0, false), (0.0, true)]
    );
}

#[test]
fn noise_does_not_depend_on_batch_order_or_size() {
    let noisy: Vec<Value> = (0..300)
        .map(|i| json!({"id": i, "task": "noisy", "response": format!("<answer>{}</answer>", i % 2), "reference": "1"}))
        .collect();
    let forward = engine().score_values(noisy.clone()).unwrap();
    let mut reversed_input = noisy.clone();
    reversed_input.reverse();
    let mut backward = engine().score_values(reversed_input).unwrap();
    backward.reverse();
    let value = |r: &plaudit_core::ScoreResult| (r.id.clone(), r.reward);
    assert_eq!(
        forward.iter().map(value).collect::<Vec<_>>(),
        backward.iter().map(value).collect::<Vec<_>>()
    );
    let alone = engine().score_values(vec![noisy[17].clone()]).unwrap();
    assert_eq!(alone[0].reward, forward[17].reward);
    let flipped = forward
        .iter()
        .filter(|r| r.reward != r.components["correct"])
        .count();
    // p = 0.4 over 300 samples: 120 expected.
    assert!((90..=150).contains(&flipped), "{flipped}");
}

mod no_panics {
    use plaudit_core::{Ctx, Deadline, Params, Reward, Sample, Status};
    use proptest::prelude::*;
    use serde_json::{json, Map, Value};
    use std::sync::Arc;

    /// The components every configuration may read, in this order.
    const COMPONENTS: [&str; 5] = ["correct", "r1", "r2", "rm", "checkable"];

    fn configs() -> Vec<(&'static str, Value)> {
        vec![
            ("preference_sigmoid", json!({})),
            (
                "preference_sigmoid",
                json!({"reference_keys": ["reference", "extra"], "temperature": 0.01}),
            ),
            (
                "preference_sigmoid",
                json!({"score_component": "rm", "reference_component": "r1"}),
            ),
            ("preference_sigmoid", json!({"score_key": ""})),
            ("rm_ensemble", json!({})),
            ("rm_ensemble", json!({"aggregate": "mean"})),
            (
                "rm_ensemble",
                json!({"aggregate": "median", "keys": ["rm_a", "rm_b"]}),
            ),
            (
                "rm_ensemble",
                json!({"aggregate": "mean_minus_var", "lambda": 1e6}),
            ),
            (
                "rm_ensemble",
                json!({"aggregate": "mean_minus_std", "component_1": "r1", "component_2": "r2"}),
            ),
            ("confidence_gate", json!({})),
            ("confidence_gate", json!({"mode": "mix"})),
            (
                "confidence_gate",
                json!({"mode": "mix", "model_component": "rm", "confidence_component": "checkable"}),
            ),
            ("reward_noise", json!({"p": 0.5})),
            ("reward_noise", json!({"mode": "gaussian", "sigma": 1e300})),
            (
                "reward_noise",
                json!({"mode": "gaussian", "sigma": 2.0, "clamp": true}),
            ),
            ("master_key_guard", json!({})),
            (
                "master_key_guard",
                json!({"require_answer": "any", "extra_patterns": ["wait"]}),
            ),
            ("flawed_positive", json!({})),
            (
                "flawed_positive",
                json!({"extract": "boxed", "threshold": 0.0}),
            ),
            (
                "flawed_positive",
                json!({"extract": "none", "checks": ["answer_before_derivation"]}),
            ),
        ]
    }

    fn built() -> Vec<(String, Arc<dyn Reward>)> {
        configs()
            .into_iter()
            .map(|(name, params)| {
                let info = plaudit_rewards::combine::all()
                    .into_iter()
                    .find(|i| i.name == name)
                    .unwrap();
                let p = Params::from_json(info.params, &params, &COMPONENTS).unwrap();
                (format!("{name} {params}"), (info.build)(&p).unwrap())
            })
            .collect()
    }

    fn number() -> impl Strategy<Value = f64> {
        prop_oneof![
            -3.0f64..3.0,
            Just(0.0),
            Just(1.0),
            any::<f64>().prop_filter("finite", |f| f.is_finite()),
            Just(f64::MAX),
            Just(-f64::MAX),
        ]
    }

    fn score_value() -> impl Strategy<Value = Value> {
        prop_oneof![
            4 => number().prop_map(|f| json!(f)),
            1 => prop::collection::vec(number(), 0..4).prop_map(|v| json!(v)),
            1 => Just(json!("0.5")),
            1 => Just(Value::Null),
            1 => Just(json!({"nested": 1})),
        ]
    }

    fn scores() -> impl Strategy<Value = Option<Value>> {
        let keys = prop::sample::select(vec![
            "policy",
            "reference",
            "extra",
            "rm_a",
            "rm_b",
            "model",
            "confidence",
        ]);
        prop_oneof![
            1 => Just(None),
            1 => number().prop_map(|f| Some(json!(f))),
            4 => prop::collection::vec((keys, score_value()), 0..7).prop_map(|kv| {
                Some(Value::Object(kv.into_iter().map(|(k, v)| (k.to_string(), v)).collect::<Map<_, _>>()))
            }),
        ]
    }

    fn fragment() -> impl Strategy<Value = String> {
        prop_oneof![
            any::<String>(),
            "[a-zA-Z0-9 .,:=()]{0,30}",
            prop::sample::select(vec![
                "<think>",
                "</think>",
                "<answer>",
                "</answer>",
                "\\boxed{",
                "}",
                ":",
                ".",
                "…",
                "Thought process:",
                "Let's solve this problem step by step.",
                "Solution",
                "解",
                "かいせつ",
                "Respuesta",
                "The answer is ",
                "####",
                "72",
                "12.5",
                "1,000",
                " = ",
                "so",
                "因此",
                "\\frac",
                "\n",
                "\u{0}",
                "\u{1}",
                "\u{feff}",
                "é",
                "∞",
            ])
            .prop_map(String::from),
        ]
    }

    fn text() -> impl Strategy<Value = String> {
        prop::collection::vec(fragment(), 0..12).prop_map(|v| v.concat())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(400))]

        #[test]
        fn no_input_panics_or_gives_a_non_finite_value(
            response in text(),
            prompt in text(),
            id in prop_oneof![Just(Value::Null), any::<i64>().prop_map(Value::from), text().prop_map(Value::from)],
            scores in scores(),
            values in prop::collection::vec(number(), COMPONENTS.len()),
        ) {
            let sample = Sample { id, prompt, response, scores, ..Default::default() };
            let values: Vec<Option<f64>> = values.into_iter().map(Some).collect();
            let d = Deadline::none();
            for (name, r) in built() {
                let out = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                    r.score(&sample, &Ctx::new(&d, &values))
                }));
                prop_assert!(out.is_ok(), "{} panicked on {:?}", name, sample);
                match out.unwrap() {
                    Ok(s) => {
                        prop_assert!(s.value.is_finite(), "{} gave {} on {:?}", name, s.value, sample);
                        if name.starts_with("preference_sigmoid") {
                            prop_assert!((0.0..=1.0).contains(&s.value), "{} gave {}", name, s.value);
                        }
                        if name.starts_with("master_key_guard") || name.starts_with("flawed_positive") {
                            prop_assert!(s.value == 0.0 || s.value == 1.0, "{} gave {}", name, s.value);
                        }
                        if name.starts_with("reward_noise {\"p\"") {
                            prop_assert!(s.value == 0.0 || s.value == 1.0, "{} gave {}", name, s.value);
                        }
                    }
                    Err(f) => prop_assert!(
                        matches!(f.status, Status::InvalidInput | Status::NoAnswer),
                        "{} failed with {:?} on {:?}", name, f, sample
                    ),
                }
            }
        }
    }
}
