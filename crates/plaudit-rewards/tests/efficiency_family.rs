//! The `efficiency` family end to end: `examples/efficiency.yaml` over `examples/efficiency.jsonl`
//! through the engine (group rewards over interleaved groups, state moving between batches), and
//! property tests that no random group can panic a mechanism or give a non-finite value.

use std::sync::Arc;

use plaudit_core::state::text_key;
use plaudit_core::{
    Deadline, Engine, GroupCtx, Input, Member, MemoryStore, Params, Reward, Sample, ScoreResult,
    Spec, Status, Store,
};
use proptest::prelude::*;
use serde_json::{json, Value};

const ROOT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../..");

fn engine() -> Engine {
    let text = std::fs::read_to_string(format!("{ROOT}/examples/efficiency.yaml")).unwrap();
    let spec = Spec::from_text(&text, &plaudit_rewards::registry()).unwrap();
    Engine::new(spec)
}

fn inputs() -> Vec<Input> {
    std::fs::read_to_string(format!("{ROOT}/examples/efficiency.jsonl"))
        .unwrap()
        .lines()
        .map(|l| Input::from_value(serde_json::from_str(l).unwrap()))
        .collect()
}

/// (id, reward, status) of every result.
fn table(results: &[ScoreResult]) -> Vec<(String, f64, Status)> {
    results
        .iter()
        .map(|r| (r.id.as_str().unwrap().to_string(), r.reward, r.status))
        .collect()
}

fn assert_rewards(results: &[ScoreResult], want: &[(&str, f64, Status)]) {
    let got = table(results);
    assert_eq!(got.len(), want.len());
    for ((id, r, st), (wid, wr, wst)) in got.iter().zip(want) {
        assert_eq!((id.as_str(), *st), (*wid, *wst), "{got:?}");
        assert!((r - wr).abs() < 1e-12, "{id}: reward {r}, expected {wr}");
    }
}

fn component(results: &[ScoreResult], id: &str, name: &str) -> f64 {
    results
        .iter()
        .find(|r| r.id == json!(id))
        .unwrap()
        .components[name]
}

fn detail(results: &[ScoreResult], id: &str, name: &str) -> Value {
    results
        .iter()
        .find(|r| r.id == json!(id))
        .unwrap()
        .details
        .as_ref()
        .unwrap()[name]
        .clone()
}

// DRPO's values for correct lengths {50, 100, 150}: 1 − ½·sigmoid(∓√1.5) and ¾.
const DRPO_SHORT: f64 = 0.8864487402821579;
const DRPO_LONG: f64 = 0.6135512597178421;

#[test]
fn the_example_scores_as_documented_and_learns_across_batches() {
    use Status::*;
    let e = engine();
    let inputs = inputs();

    // Batch 1: no state yet. m1 passes 3/4 (easy, target 60), m2 2/5 (medium, target 120).
    let first = e.score_batch(&inputs).unwrap();
    assert_rewards(
        &first,
        &[
            ("m1-a", DRPO_SHORT + 0.25 * 0.5 + 0.25 * 1.0, Ok),
            ("m1-b", 0.75 + 0.25 * 0.5, Ok),
            ("m1-c", DRPO_LONG + 0.25 / 3.0, Ok),
            ("m1-d", 0.0, Ok),
            ("m2-a", 0.75 + 0.25, Ok),
            ("m2-b", 0.0, Ok),
            ("m2-c", 0.0, Ok),
            ("m2-d", 0.0, Ok),
            ("m2-e", 0.0, InvalidInput),
            // Search: cohort tool calls {2, 4, 6} and tokens {100, 300, 200}; no reference yet.
            ("s1-a", 1.0 + 0.25 + 0.25, Ok),
            ("s1-b", 1.0 + 0.25 * 0.25 + 0.25, Ok),
            ("s1-c", 1.0 + 0.25 * 0.25 + 0.25, Ok),
            ("s1-d", 0.0, Ok),
            // Correction: the exact fix, an over-correction, and no correction (below the gate).
            ("g1-a", 1.0 + 0.5, Ok),
            ("g1-b", 0.875 + 0.5 * 0.6, Ok),
            ("g1-c", 0.8, Ok),
        ],
    );
    assert_eq!(
        detail(&first, "m1-a", "laser"),
        json!({"pass_rate": 0.75, "bucket": "easy", "target": 60.0})
    );
    assert_eq!(
        detail(&first, "m2-a", "laser"),
        json!({"pass_rate": 0.4, "bucket": "medium", "target": 120.0})
    );
    assert_eq!(detail(&first, "m1-c", "anchor"), json!({"anchor": 50.0}));
    assert_eq!(
        detail(&first, "s1-c", "trace"),
        json!({"reference": null, "cost": 6.0})
    );
    assert_eq!(
        detail(&first, "g1-b", "eff"),
        json!({"edits": 5, "unnecessary": 2.0})
    );
    let err = first[8].error.as_deref().unwrap();
    assert!(err.contains("no `tokens` field"), "{err}");
    // The invalid member takes no part in DRPO's cohort: m2-a is alone there.
    assert_eq!(
        detail(&first, "m2-a", "drpo"),
        json!({"z": 0.0, "cohort": 1})
    );

    // What the batch taught: easy target ½·60 + ½·150 (the 0.75-quantile of m1's correct
    // lengths), medium ½·120 + ½·200, m1's anchor 50, and the search reference median{2, 4, 6}.
    let store = e.store();
    assert_eq!(
        store.get("*/laser", "easy").unwrap(),
        Some(json!({"target": 105.0, "updates": 1}))
    );
    assert_eq!(
        store.get("*/laser", "medium").unwrap(),
        Some(json!({"target": 160.0, "updates": 1}))
    );
    assert_eq!(store.get("*/laser", "hard").unwrap(), None);
    assert_eq!(
        store.get("*/anchor", &text_key("What is 6 * 7?")).unwrap(),
        Some(json!({"anchor": 50.0, "updates": 1}))
    );
    assert_eq!(
        store
            .get("search/trace", &text_key("Who wrote Dune?"))
            .unwrap(),
        Some(json!({"reference": 4.0, "updates": 1}))
    );

    // Batch 2, the same rollouts: m1-b (100 tokens) is now within the easy target of 105, and
    // s1-c's six calls are over the reference of four.
    let second = e.score_batch(&inputs).unwrap();
    assert_eq!(component(&second, "m1-b", "laser"), 0.5);
    assert_eq!(component(&second, "m1-c", "laser"), 0.0);
    assert_eq!(component(&second, "m2-a", "laser"), 0.0);
    assert_eq!(component(&second, "s1-b", "trace"), 1.0);
    assert_eq!(component(&second, "s1-c", "trace"), 4.0 / 6.0);
    assert_rewards(
        &second[..4],
        &[
            ("m1-a", DRPO_SHORT + 0.25 * 0.5 + 0.25 * 1.0, Ok),
            ("m1-b", 0.75 + 0.25 * 0.5 + 0.25 * 0.5, Ok),
            ("m1-c", DRPO_LONG + 0.25 / 3.0, Ok),
            ("m1-d", 0.0, Ok),
        ],
    );
    assert!((second[11].reward - (1.0 + 0.25 * 0.25 + 0.25 * 4.0 / 6.0)).abs() < 1e-12);
    assert_eq!(
        store.get("*/laser", "easy").unwrap(),
        Some(json!({"target": 127.5, "updates": 2}))
    );

    // Batch 3: longer correct rollouts of m1 are measured against the anchor of 50 learned before,
    // not against each other; a shorter one lowers it for the batches after.
    let m1 = |id: &str, tokens: u64, answer: &str| {
        Input::from_value(json!({"id": id, "group": "m1", "prompt": "What is 6 * 7?",
            "response": format!("<answer>{answer}</answer>"), "reference": "42", "tokens": tokens}))
    };
    let third = e
        .score_batch(&[m1("x", 80, "42"), m1("y", 100, "42"), m1("z", 20, "41")])
        .unwrap();
    assert_eq!(component(&third, "x", "anchor"), 0.625);
    assert_eq!(component(&third, "y", "anchor"), 0.5);
    assert_eq!(component(&third, "z", "anchor"), 0.0);
    e.score_batch(&[m1("w", 40, "42")]).unwrap();
    assert_eq!(
        store.get("*/anchor", &text_key("What is 6 * 7?")).unwrap(),
        Some(json!({"anchor": 40.0, "updates": 4}))
    );
}

#[test]
fn results_do_not_depend_on_the_order_of_groups() {
    let inputs = inputs();
    let mut reversed: Vec<Input> = inputs.clone();
    reversed.reverse();
    let a = table(&engine().score_batch(&inputs).unwrap());
    let mut b = table(&engine().score_batch(&reversed).unwrap());
    b.reverse();
    assert_eq!(a, b);
}

// ---- properties ----

/// The group rewards with several parameter sets, built against components `correct`, `calls`.
fn group_rewards() -> Vec<(&'static str, Arc<dyn Reward>)> {
    let sets: &[(&str, Value)] = &[
        ("laser_d_length", json!({})),
        (
            "laser_d_length",
            json!({"targets": [1, 2, 3], "momentum": 1.0, "coverage": 1.0, "unit": "chars"}),
        ),
        ("laser_d_length", json!({"momentum": 0.0, "unit": "words"})),
        ("shortest_correct_anchor", json!({})),
        (
            "shortest_correct_anchor",
            json!({"key": "group", "form": "exp"}),
        ),
        ("drpo_length", json!({})),
        (
            "drpo_length",
            json!({"alpha": 1.0, "temperature": 0.01, "unit": "chars"}),
        ),
        ("cohort_efficiency", json!({})),
        (
            "cohort_efficiency",
            json!({"form": "ratio", "tool_calls": "calls", "token_weight": 0.0}),
        ),
        (
            "cohort_efficiency",
            json!({"tool_weight": 0.0, "unit": "words"}),
        ),
    ];
    build_all(sets)
}

/// The per-sample rewards of the family, likewise.
fn sample_rewards() -> Vec<(&'static str, Arc<dyn Reward>)> {
    let sets: &[(&str, Value)] = &[
        ("tightening_cost_reference", json!({})),
        (
            "tightening_cost_reference",
            json!({"key": "global", "cost": "component", "cost_component": "calls", "statistic": "mean", "floor": 1.0}),
        ),
        (
            "tightening_cost_reference",
            json!({"key": "group", "cost": "tokens", "statistic": "min"}),
        ),
        ("edit_efficiency", json!({})),
        (
            "edit_efficiency",
            json!({"gate": "none", "form": "minimal", "level": "words", "extract": "none"}),
        ),
    ];
    build_all(sets)
}

fn build_all(sets: &[(&'static str, Value)]) -> Vec<(&'static str, Arc<dyn Reward>)> {
    let reg = plaudit_rewards::registry();
    sets.iter()
        .map(|(name, params)| {
            let info = reg.get(name).unwrap();
            let p = Params::from_json(info.params, params, &["correct", "calls"]).unwrap();
            (*name, (info.build)(&p).unwrap())
        })
        .collect()
}

fn component_value() -> impl Strategy<Value = Option<f64>> {
    prop_oneof![
        Just(None),
        Just(Some(0.0)),
        Just(Some(1.0)),
        Just(Some(0.5)),
        Just(Some(f64::MAX)),
        Just(Some(-f64::MAX)),
        Just(Some(f64::MIN_POSITIVE)),
        (-1e6f64..1e6).prop_map(Some),
    ]
}

fn tool_calls() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        (0u64..20).prop_map(Value::from),
        Just(json!(f64::MAX)),
        Just(json!(-3)),
        Just(json!("two")),
        prop::collection::vec(Just(json!({"name": "search"})), 0..5).prop_map(Value::from),
    ]
}

fn sample() -> impl Strategy<Value = Sample> {
    (
        prop::option::of(prop_oneof![Just(0u64), 0u64..5000, Just(u64::MAX)]),
        prop::option::of(prop::sample::select(vec!["p", "q", ""])),
        "[a-c ]{0,12}",
        tool_calls(),
        prop_oneof![
            Just(json!({"source": "ab c", "answer": "ab d"})),
            Just(json!({"source": "", "target": ["", "x"]})),
            Just(json!("x")),
            Just(json!({"source": 3})),
            Just(Value::Null),
        ],
    )
        .prop_map(|(tokens, prompt, response, calls, reference)| Sample {
            tokens,
            prompt: prompt.unwrap_or_default().to_string(),
            response,
            reference,
            group: Some("g".into()),
            meta: match calls {
                Value::Null => Default::default(),
                c => [("tool_calls".to_string(), c)].into_iter().collect(),
            },
            ..Default::default()
        })
}

/// A state store holding random, partly malformed, entries under the keys the rewards use.
fn store_with(entries: &[(String, Value)]) -> MemoryStore {
    let store = MemoryStore::new();
    store.put("ns", entries.to_vec()).unwrap();
    store
}

fn state_entry() -> impl Strategy<Value = Value> {
    prop_oneof![
        (0.0f64..1e6).prop_map(|x| json!({"target": x, "anchor": x, "reference": x})),
        Just(json!({"target": -1.0, "anchor": -5.0, "reference": -2.0})),
        Just(json!({"target": "x"})),
        Just(json!(null)),
        Just(json!({"target": 0.0, "anchor": 0.0, "reference": 0.0})),
    ]
}

fn state() -> impl Strategy<Value = Vec<(String, Value)>> {
    let keys = vec![
        "easy".to_string(),
        "medium".to_string(),
        "hard".to_string(),
        "g".to_string(),
        "*".to_string(),
        text_key("p"),
        text_key("q"),
    ];
    prop::collection::vec((prop::sample::select(keys), state_entry()), 0..6)
}

fn check(name: &str, outcomes: &[plaudit_core::Outcome]) -> Result<(), TestCaseError> {
    for s in outcomes.iter().flatten() {
        prop_assert!(s.value.is_finite(), "{} gave {}", name, s.value);
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn random_groups_never_panic_and_stay_finite(
        members in prop::collection::vec((sample(), component_value(), component_value()), 0..64),
        entries in state(),
    ) {
        let store = store_with(&entries);
        let d = Deadline::after(std::time::Duration::from_secs(5));
        let values: Vec<[Option<f64>; 2]> = members.iter().map(|(_, c, t)| [*c, *t]).collect();
        let ms: Vec<Member> = members
            .iter()
            .zip(&values)
            .map(|((s, _, _), v)| Member { sample: s, values: v })
            .collect();
        let gcx = GroupCtx { deadline: &d, store: &store, namespace: "ns", key: Some("g") };
        for (name, r) in group_rewards() {
            let out = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| r.score_group(&ms, &gcx)));
            prop_assert!(out.is_ok(), "{} panicked", name);
            let out = out.unwrap();
            prop_assert_eq!(out.len(), ms.len(), "{}: one outcome per member", name);
            check(name, &out)?;
            for (o, m) in out.iter().zip(&ms) {
                // A member whose correctness failed never gets a value.
                if m.value(0).is_none() {
                    prop_assert!(o.is_err(), "{}: a value without correctness", name);
                }
                if let Ok(s) = o {
                    if name != "drpo_length" {
                        prop_assert!((0.0..=1.0).contains(&s.value), "{} gave {}", name, s.value);
                    } else if m.value(0).is_some_and(|c| c >= 0.5) {
                        prop_assert!(s.value > 0.0 - 1e-12 && s.value <= 1.0, "{} gave {}", name, s.value);
                    }
                }
            }
            // The state update accepts whatever the batch observed, and the next batch still scores.
            let obs: Vec<Value> = out.iter().filter_map(|o| o.as_ref().ok()?.observation.clone()).collect();
            prop_assert!(r.update(&obs, &store, "ns").is_ok());
            check(name, &r.score_group(&ms, &gcx))?;
        }
        for (name, r) in sample_rewards() {
            let mut obs = Vec::new();
            for (m, v) in ms.iter().zip(&values) {
                let cx = plaudit_core::Ctx::with_state(&d, v, &store, "ns");
                let out = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| r.score(m.sample, &cx)));
                prop_assert!(out.is_ok(), "{} panicked on {:?}", name, m.sample);
                let out = out.unwrap();
                check(name, std::slice::from_ref(&out))?;
                if let Ok(s) = &out {
                    prop_assert!((0.0..=1.0).contains(&s.value), "{} gave {}", name, s.value);
                    obs.extend(s.observation.clone());
                }
            }
            prop_assert!(r.update(&obs, &store, "ns").is_ok());
        }
    }
}
