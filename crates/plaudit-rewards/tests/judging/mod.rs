//! What the judge family's engine tests share (`mod judging;` in plaudit-rewards' `judge_*`
//! tests only: it needs plaudit_core and plaudit_rewards, so it stays out of `peer/mod.rs`, which
//! other crates' tests include too): a spec with one judged component, the engine built from it
//! with the registry, a batch scored with ids, a component's details.
#![allow(dead_code)]

use plaudit_core::{Engine, Input, ScoreResult, Spec};
use serde_json::{json, Value};

/// The engine for `spec`, compiled with every registered reward (panics with the spec error).
pub fn engine(spec: Value) -> Engine {
    let reg = plaudit_rewards::registry();
    Engine::new(Spec::from_value(&spec, &reg).unwrap_or_else(|e| panic!("{e}")))
}

/// The error `spec` is refused with (panics if it compiles).
pub fn spec_error(spec: Value) -> String {
    let reg = plaudit_rewards::registry();
    match Spec::from_value(&spec, &reg) {
        Ok(_) => panic!("the spec compiled: {spec}"),
        Err(e) => e.to_string(),
    }
}

/// Scores `samples` in one batch, each given its index as `id`.
pub fn score(e: &Engine, samples: Vec<Value>) -> Vec<ScoreResult> {
    let inputs: Vec<Input> = samples
        .into_iter()
        .enumerate()
        .map(|(i, mut s)| {
            s["id"] = json!(i);
            Input::from_value(s)
        })
        .collect();
    let mut results = e.score_batch(&inputs).unwrap();
    for r in &mut results {
        without_latency(r);
    }
    results
}

/// Takes `latency_ms` (a wall-clock time, so never compared exactly) out of every component's
/// details that carries the calls' accounting, checking that it is there and a time.
pub fn without_latency(r: &mut ScoreResult) {
    let Some(Value::Object(d)) = r.details.as_mut() else {
        return;
    };
    for (name, v) in d.iter_mut() {
        let Some(f) = v.as_object_mut() else { continue };
        if f.contains_key("calls") {
            let ms = f.remove("latency_ms");
            assert!(
                ms.as_ref()
                    .and_then(Value::as_f64)
                    .is_some_and(|x| x.is_finite() && x >= 0.0),
                "{name}: latency_ms {ms:?} in {f:?}"
            );
        }
    }
}

/// `{"judge": judge}` with `params` (an object) merged in.
pub fn params_on(judge: &str, params: Value) -> Value {
    let mut p = json!({ "judge": judge });
    p.as_object_mut()
        .unwrap()
        .extend(params.as_object().unwrap().clone());
    p
}

/// A spec (timeout 20 s) with the judges entry `entry` named `judge` and one component
/// `component` of `reward` on it (`params` merged into `{"judge": judge}`).
pub fn one_judged(
    judge: &str,
    entry: Value,
    component: &str,
    reward: &str,
    params: Value,
) -> Value {
    json!({
        "timeout_ms": 20000,
        "judges": { judge: entry },
        "components": { component: {"reward": reward, "params": params_on(judge, params)} },
    })
}

/// The details of `component` in `r` (panics when `r` has none).
pub fn details<'a>(r: &'a ScoreResult, component: &str) -> &'a Value {
    &r.details
        .as_ref()
        .unwrap_or_else(|| panic!("no details: {r:?}"))[component]
}
