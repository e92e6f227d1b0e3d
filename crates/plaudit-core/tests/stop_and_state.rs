//! A request's stop with time left stops nothing; each stateful component of a route is
//! committed its own observations.

use std::sync::Arc;
use std::time::Duration;

use plaudit_core::{
    BatchOptions, Ctx, Engine, Failure, Input, MemoryStore, Outcome, Params, Registry, Reward,
    RewardInfo, Sample, Score, ScoreResult, Spec, Status, Stop, Store, CANCELLED,
};
use serde_json::{json, Value};

/// The response as a number times `.0`, observed; the state appends every observation.
struct Observes(f64);
impl Reward for Observes {
    fn score(&self, s: &Sample, _cx: &Ctx) -> Outcome {
        let v: f64 = s
            .response
            .parse()
            .map_err(|_| Failure::no_answer("not a number"))?;
        Ok(Score::new(v).observe(json!(v * self.0)))
    }
    fn update(&self, obs: &[Value], store: &dyn Store, ns: &str) -> Result<(), String> {
        let mut seen = match store.get(ns, "seen")? {
            Some(Value::Array(a)) => a,
            _ => Vec::new(),
        };
        seen.extend_from_slice(obs);
        store.put(ns, vec![("seen".into(), json!(seen))])
    }
}

fn engine(store: Arc<MemoryStore>) -> Engine {
    let mut r = Registry::new();
    r.add(RewardInfo {
        name: "same",
        family: "test",
        source: "//! Test reward.",
        params: &[],
        build: |_: &Params| Ok(Arc::new(Observes(1.0)) as Arc<dyn Reward>),
    });
    r.add(RewardInfo {
        name: "negated",
        family: "test",
        source: "//! Test reward.",
        params: &[],
        build: |_: &Params| Ok(Arc::new(Observes(-1.0)) as Arc<dyn Reward>),
    });
    let spec = json!({"components": {"a": "same", "b": "negated"}, "reward": "a"});
    Engine::with_store(Spec::from_value(&spec, &r).unwrap(), store)
}

fn inputs() -> Vec<Input> {
    ["1", "2", "3"]
        .iter()
        .enumerate()
        .map(|(i, r)| Input::from_value(json!({"id": i, "response": r})))
        .collect()
}

#[test]
fn a_stop_with_time_left_stops_nothing() {
    assert_eq!(Stop::never().reason(), None);
    let later = Stop::after(Duration::from_secs(3600));
    assert_eq!(later.reason(), None);
    let e = engine(Arc::new(MemoryStore::new()));
    let out = e
        .score_all(
            inputs(),
            BatchOptions {
                stop: later.clone(),
                ..Default::default()
            },
        )
        .unwrap();
    let got: Vec<(Status, f64)> = out.iter().map(|r| (r.status, r.reward)).collect();
    assert_eq!(
        got,
        [(Status::Ok, 1.0), (Status::Ok, 2.0), (Status::Ok, 3.0)]
    );
    later.cancel();
    assert_eq!(later.reason().as_deref(), Some(CANCELLED));
}

#[test]
fn each_stateful_component_is_committed_its_own_observations() {
    let store = Arc::new(MemoryStore::new());
    let e = engine(store.clone());
    let route = e.spec().fallback.as_ref().unwrap();
    let (a, b) = (
        route.components[0].namespace.clone(),
        route.components[1].namespace.clone(),
    );
    assert_ne!(a, b);
    let mut batch = e.batch::<ScoreResult>(BatchOptions::default());
    let mut out = batch.push(inputs());
    let done = batch.finish();
    assert_eq!(done.state_error, None);
    out.extend(done.results);
    assert_eq!(out.len(), 3);
    assert_eq!(store.get(&a, "seen").unwrap(), Some(json!([1.0, 2.0, 3.0])));
    assert_eq!(
        store.get(&b, "seen").unwrap(),
        Some(json!([-1.0, -2.0, -3.0]))
    );
}
