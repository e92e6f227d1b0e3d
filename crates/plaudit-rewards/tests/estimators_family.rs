//! The estimators family and the group members of the combine family, end to end: the shipped
//! example specs scored through the engine (rewards, advantages passed through by
//! `group: {advantage: reward}`, statuses, zero-variance marks), spec errors, and property tests
//! that random groups never panic these rewards nor give a non-finite value.

use std::path::PathBuf;
use std::time::Duration;

use plaudit_core::{
    Deadline, Engine, GroupCtx, Input, Member, Sample, Scope, ScoreResult, Spec, Status,
};
use proptest::prelude::*;
use serde_json::{json, Value};

/// The group rewards this family adds.
const GROUP_REWARDS: [&str; 8] = [
    "pass_at_k_advantage",
    "novelty_sharpening",
    "group_stats",
    "difficulty_scaled",
    "tree_advantage",
    "turn_advantage",
    "group_normalize",
    "pareto_front",
];

fn example(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../examples")
        .join(name)
}

/// The example spec `name.yaml` scored on `name.jsonl`.
fn score_example(name: &str) -> Vec<ScoreResult> {
    let reg = plaudit_rewards::registry();
    let text = std::fs::read_to_string(example(&format!("{name}.yaml"))).unwrap();
    let spec = Spec::from_text(&text, &reg).unwrap();
    let lines = std::fs::read_to_string(example(&format!("{name}.jsonl"))).unwrap();
    let inputs: Vec<Input> = lines
        .lines()
        .map(|l| Input::from_value(serde_json::from_str(l).unwrap()))
        .collect();
    Engine::new(spec).score_batch(&inputs).unwrap()
}

fn close(got: f64, want: f64, what: &str) {
    assert!((got - want).abs() < 1e-12, "{what}: got {got}, want {want}");
}

fn by_id<'a>(results: &'a [ScoreResult], id: &str) -> &'a ScoreResult {
    results.iter().find(|r| r.id == json!(id)).unwrap()
}

#[test]
fn estimators_example_scores_as_documented() {
    let out = score_example("estimators");
    assert_eq!(out.len(), 21);
    // Every result's advantage is its reward (`group: {advantage: reward}`).
    for r in &out {
        assert_eq!(r.advantage, Some(r.reward), "{}", r.id);
    }
    let third = 1.0 / 3.0;
    // m1: one correct of four, pass@2: A⁺ = sqrt(q/(1 − q)) with q = C(3,2)/C(4,2) = 1/2, so 1;
    // A⁻ = −(c/n)·q_m/σ = −(1/4)(2/3)/(1/2) = −1/3.
    let want = [
        ("m1-a", 1.0, 0.5),
        ("m1-b", -third, 0.5),
        ("m1-c", -third, 0.5),
        ("m1-d", -third, 0.5),
    ];
    for (id, adv, pass2) in want {
        let r = by_id(&out, id);
        assert_eq!(r.status, Status::Ok, "{id}");
        close(r.reward, adv, id);
        close(r.components["pass2"], pass2, id);
        assert_eq!(r.components["informative"], 1.0, "{id}");
        assert_eq!(r.zero_variance, Some(false), "{id}");
    }
    // m2: all correct: every k-subset passes, no signal, the group is marked.
    for id in ["m2-a", "m2-b", "m2-c"] {
        let r = by_id(&out, id);
        assert_eq!(
            (r.reward, r.status, r.zero_variance),
            (0.0, Status::Ok, Some(true))
        );
        assert_eq!(r.components["pass2"], 1.0);
        assert_eq!(r.components["informative"], 0.0);
    }
    // m3: a cut-off rollout is left out of n: n = 3, c = 1, q = 1/3, σ = sqrt(2)/3,
    // A⁺ = sqrt(1/2), A⁻ = −(1/3)(1/2)/σ = −sqrt(2)/4.
    close(by_id(&out, "m3-a").reward, 0.5f64.sqrt(), "m3-a");
    close(by_id(&out, "m3-b").reward, -(2.0f64.sqrt()) / 4.0, "m3-b");
    close(by_id(&out, "m3-d").reward, -(2.0f64.sqrt()) / 4.0, "m3-d");
    close(by_id(&out, "m3-a").components["pass2"], 2.0 / 3.0, "m3-a");
    let cut = by_id(&out, "m3-c");
    assert_eq!((cut.status, cut.reward), (Status::NoAnswer, 0.0));
    assert_eq!(
        cut.error.as_deref(),
        Some("component `correct` (exact_match): no answer found (extract: auto)")
    );
    // a1: the prefix tree. Root 1/2; `search[red mug]` 2/3 vs `search[mug]` 0 (sibling mean
    // 1/3); under it `click[item 2]` 1 vs `click[item 5]` 0 (mean 1/2); last steps only children.
    let a = (third + 0.5 + 0.0) / 3.0;
    close(by_id(&out, "a1-a").reward, a, "a1-a");
    close(by_id(&out, "a1-d").reward, a, "a1-d");
    close(by_id(&out, "a1-b").reward, (third - 0.5) / 3.0, "a1-b");
    close(by_id(&out, "a1-c").reward, -third, "a1-c");
    let steps = &by_id(&out, "a1-b").details.as_ref().unwrap()["credit"];
    assert_eq!(steps["through"], json!([3, 1, 1]));
    let advs: Vec<f64> = steps["step_advantages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_f64().unwrap())
        .collect();
    assert_eq!(advs.len(), 3);
    close(advs[0], third, "a1-b step 0");
    close(advs[1], -0.5, "a1-b step 1");
    close(advs[2], 0.0, "a1-b step 2");
    // t1: turn 0 cohort {1, 0} (sample std 1/sqrt(2), eps 0) → ±1/sqrt(2); turn 1 all right → 0;
    // turn 2 alone → 0; a turn without `meta.turn` is invalid_input naming the field.
    let h = 0.5f64.sqrt();
    close(by_id(&out, "t1-a").reward, h, "t1-a");
    close(by_id(&out, "t1-b").reward, -h, "t1-b");
    for id in ["t1-c", "t1-d", "t1-e"] {
        assert_eq!(by_id(&out, id).reward, 0.0, "{id}");
    }
    let f = by_id(&out, "t1-f");
    assert_eq!((f.status, f.reward), (Status::InvalidInput, 0.0));
    assert_eq!(
        f.error.as_deref(),
        Some("component `turn` (turn_advantage): field `meta.turn`: missing (turn_advantage groups the rollouts of a prompt by turn index)")
    );
    assert_eq!(f.components.get("ok"), Some(&1.0));
}

#[test]
fn combine_group_example_weights_normalised_components() {
    let out = score_example("combine_group");
    assert_eq!(out.len(), 7);
    let eps = 1e-6;
    // q1: correct 1,0,0,0 (z-scores ±: mean 1/4, sample std 1/2); f1 1, 4/7, 0, 2/3 (min-max
    // over 0..1 keeps them).
    let z_hi = 0.75 / (0.5 + eps);
    let z_lo = -0.25 / (0.5 + eps);
    let f1 = [1.0, 4.0 / 7.0, 0.0, 2.0 / 3.0];
    let z = [z_hi, z_lo, z_lo, z_lo];
    let rewards: Vec<f64> = (0..4).map(|i| 0.7 * z[i] + 0.3 * f1[i]).collect();
    let mean = rewards.iter().sum::<f64>() / 4.0;
    for (i, id) in ["q1-a", "q1-b", "q1-c", "q1-d"].iter().enumerate() {
        let r = by_id(&out, id);
        assert_eq!(r.status, Status::Ok);
        close(r.components["n_f1"], f1[i], id);
        close(r.reward, rewards[i], id);
        close(r.advantage.unwrap(), rewards[i] - mean, id);
    }
    // The Pareto front over (correct, f1): only q1-a; q1-d is beaten by q1-a alone, q1-b by a
    // and d, q1-c by all three.
    let fronts: Vec<(f64, Value)> = ["q1-a", "q1-b", "q1-c", "q1-d"]
        .iter()
        .map(|id| {
            let r = by_id(&out, id);
            (
                r.components["front"],
                r.details.as_ref().unwrap()["front"]["dominated_by"].clone(),
            )
        })
        .collect();
    assert_eq!(
        fronts,
        vec![
            (1.0, json!([])),
            (0.0, json!([0, 3])),
            (0.0, json!([0, 1, 3])),
            (0.0, json!([0]))
        ]
    );
    // q2: two identical correct answers share the front.
    assert_eq!(by_id(&out, "q2-a").components["front"], 1.0);
    assert_eq!(by_id(&out, "q2-b").components["front"], 1.0);
    assert_eq!(by_id(&out, "q2-c").components["front"], 0.0);
}

#[test]
fn spec_errors_name_the_parameter() {
    let reg = plaudit_rewards::registry();
    let err = Spec::from_value(
        &json!({
            "components": {
                "correct": "exact_match",
                "front": {"reward": "pareto_front", "params": {"objectives": ["correct", "zz"]}},
                "both": {"reward": "pareto_front", "params": {"objectives": ["correct"], "minimize": "correct"}},
                "none": {"reward": "pareto_front", "params": {"objectives": []}},
                "k0": {"reward": "pass_at_k_advantage", "params": {"k": 0}}
            },
            "reward": "correct",
            "group": {"advantage": "rewards"}
        }),
        &reg,
    )
    .unwrap_err()
    .to_string();
    for want in [
        "components.front.params: parameter `objectives` names component `zz`, which this spec does not define",
        "components.both.params: component `correct` is named twice in `objectives` and `minimize`",
        "components.none.params: `objectives` must name at least one component to maximise",
        "components.k0.params: parameter `k` must be ≥ 1, got 0",
        "group.advantage: unknown estimator `rewards` (valid: grpo, dr_grpo, rloo, reinforce_pp, reward, none)",
    ] {
        assert!(err.contains(want), "missing `{want}` in:\n{err}");
    }
}

#[test]
fn a_group_of_a_thousand_rollouts_gets_finite_pass_at_k_advantages_summing_to_zero() {
    let reg = plaudit_rewards::registry();
    let spec = Spec::from_value(
        &json!({
            "components": {
                "correct": "exact_match",
                "passk": {"reward": "pass_at_k_advantage", "params": {"k": 512}}
            },
            "reward": "passk",
            "group": "reward"
        }),
        &reg,
    )
    .unwrap();
    // 1024 rollouts, 3 correct.
    let inputs: Vec<Input> = (0..1024)
        .map(|i| {
            let answer = if i % 400 == 7 { "5" } else { "6" };
            Input::from_value(json!({"id": i, "group": "g", "response": format!("<answer>{answer}</answer>"), "reference": "5"}))
        })
        .collect();
    let out = Engine::new(spec).score_batch(&inputs).unwrap();
    let total: f64 = out.iter().map(|r| r.reward).sum();
    assert!(out
        .iter()
        .all(|r| r.status == Status::Ok && r.reward.is_finite()));
    assert!(total.abs() < 1e-9, "sum {total}");
    let correct: Vec<f64> = out
        .iter()
        .filter(|r| r.components["correct"] == 1.0)
        .map(|r| r.reward)
        .collect();
    assert_eq!(correct.len(), 3);
    // q = C(1021, 512)/C(1024, 512) = (512·511·510)/(1024·1023·1022).
    let q: f64 = 512.0 * 511.0 * 510.0 / (1024.0 * 1023.0 * 1022.0);
    close(correct[0], (q / (1.0 - q)).sqrt(), "A⁺");
}

// ---------------------------------------------------------------------------------------------
// Property tests: random groups through every configuration the documentation shows.

/// One random member: a sample (steps, logprobs, meta.turn of every shape) and the values of
/// the components the configuration names (`None` = failed).
fn member(n_components: usize) -> impl Strategy<Value = (Value, Vec<Option<f64>>)> {
    let value = prop_oneof![
        3 => Just(Some(1.0)),
        3 => Just(Some(0.0)),
        2 => Just(None),
        3 => (-10.0f64..10.0).prop_map(Some),
        1 => prop::sample::select(vec![1e300, -1e300, f64::MAX, f64::MIN_POSITIVE, -0.0, 1e-300]).prop_map(Some),
    ];
    let step = prop::sample::select(vec!["a", "b", " a ", "c\n", "", "a  b", "é"]);
    let steps = prop_oneof![
        Just(Value::Null),
        prop::collection::vec(step, 0..6).prop_map(|v| json!(v)),
    ];
    let logprobs = prop_oneof![
        Just(Value::Null),
        prop::collection::vec(-50.0f64..0.0, 0..5).prop_map(|v| json!(v)),
        Just(json!([-1e308, -1e308])),
    ];
    let turn = prop_oneof![
        (0u64..3).prop_map(|t| json!(t)),
        Just(json!(-1)),
        Just(json!("1")),
        Just(json!(1.5)),
        Just(Value::Null),
    ];
    let response = prop::sample::select(vec!["x", "a\n\nb", "a\n\n\n\nb", "", "\n\n", "a b\n\nc"]);
    (
        prop::collection::vec(value, n_components),
        steps,
        logprobs,
        turn,
        response,
    )
        .prop_map(|(values, steps, logprobs, turn, response)| {
            let mut s = json!({"response": response, "group": "g"});
            if !steps.is_null() {
                s["steps"] = steps;
            }
            if !logprobs.is_null() {
                s["logprobs"] = logprobs;
            }
            if !turn.is_null() {
                s["meta"] = json!({"turn": turn});
            }
            (s, values)
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn random_groups_never_panic_and_give_finite_values(
        seed_members in prop::collection::vec(member(2), 0..64),
    ) {
        let d = Deadline::after(Duration::from_secs(5));
        for info in plaudit_rewards::all().into_iter().filter(|i| GROUP_REWARDS.contains(&i.name)) {
            for ex in info.doc().examples().unwrap() {
                let (reward, values) = info.build_example(&ex).unwrap();
                prop_assert_eq!(reward.scope(), Scope::Group);
                let k = values.len();
                let samples: Vec<Sample> = seed_members
                    .iter()
                    .map(|(s, _)| Sample::from_value(s.clone()).unwrap())
                    .collect();
                let vals: Vec<Vec<Option<f64>>> = seed_members
                    .iter()
                    .map(|(_, v)| (0..k).map(|i| v[i % v.len()]).collect())
                    .collect();
                let members: Vec<Member> = samples
                    .iter()
                    .zip(&vals)
                    .map(|(s, v)| Member { sample: s, values: v })
                    .collect();
                let gcx = GroupCtx::new(&d, Some("g"));
                let out = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                    reward.score_group(&members, &gcx)
                }));
                prop_assert!(out.is_ok(), "{} panicked on {:?}", info.name, seed_members);
                let out = out.unwrap();
                prop_assert_eq!(out.len(), members.len(), "{}", info.name);
                for o in out.iter().flatten() {
                    prop_assert!(o.value.is_finite(), "{} gave {} on {:?}", info.name, o.value, seed_members);
                }
            }
        }
    }
}
