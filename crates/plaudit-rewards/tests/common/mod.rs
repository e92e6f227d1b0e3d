//! What the paper-mechanism tests (`papers_b.rs` … `papers_d.rs`) share: a catalogue reward built
//! from its parameters, samples, one sample or one group scored with no deadline, and the value,
//! details or failure status of an outcome.
#![allow(dead_code)] // each test binary uses its own part of this module

use std::sync::Arc;

use plaudit_core::{
    Ctx, Deadline, GroupCtx, Member, Outcome, Params, Reward, RewardInfo, Sample, Status,
};
use serde_json::Value;

/// The catalogue's reward `name` built with `params`; `components` are the spec's component
/// names its parameters may refer to.
pub fn reward(name: &str, params: Value, components: &[&str]) -> Arc<dyn Reward> {
    let info = info(name);
    let p = Params::from_json(info.params, &params, components).unwrap();
    (info.build)(&p).unwrap()
}

/// The error building the catalogue's reward `name` with `params` gives (parameters that pass
/// their declared checks, refused by the reward's own build).
pub fn build_error(name: &str, params: Value) -> String {
    let info = info(name);
    let p = Params::from_json(info.params, &params, &[]).unwrap();
    (info.build)(&p).err().expect("a build error")
}

fn info(name: &str) -> RewardInfo {
    plaudit_rewards::all()
        .into_iter()
        .find(|i| i.name == name)
        .unwrap_or_else(|| panic!("no reward {name}"))
}

pub fn sample(v: Value) -> Sample {
    Sample::from_value(v).unwrap()
}

/// One sample scored by `name` (no components), with no deadline.
pub fn one(name: &str, params: Value, s: Value) -> Outcome {
    let d = Deadline::none();
    reward(name, params, &[]).score(&sample(s), &Ctx::new(&d, &[]))
}

/// Scores a group whose members carry the values of the components named in `components`.
pub fn group_with(
    name: &str,
    params: Value,
    components: &[&str],
    rows: Vec<(Value, Vec<Option<f64>>)>,
) -> Vec<Outcome> {
    let samples: Vec<Sample> = rows.iter().map(|(s, _)| sample(s.clone())).collect();
    let members: Vec<Member> = samples
        .iter()
        .zip(&rows)
        .map(|(s, (_, v))| Member {
            sample: s,
            values: v,
        })
        .collect();
    let d = Deadline::none();
    reward(name, params, components).score_group(&members, &GroupCtx::new(&d, Some("g")))
}

pub fn value(o: &Outcome) -> f64 {
    o.as_ref().unwrap_or_else(|f| panic!("{f:?}")).value
}

pub fn details(o: &Outcome) -> &Value {
    o.as_ref()
        .unwrap_or_else(|f| panic!("{f:?}"))
        .details
        .as_ref()
        .expect("details")
}

/// Each member's value is `want`'s, within `tol`.
pub fn assert_values(got: &[Outcome], want: &[f64], tol: f64) {
    assert_eq!(got.len(), want.len());
    for (i, (g, w)) in got.iter().zip(want).enumerate() {
        let g = value(g);
        assert!((g - w).abs() <= tol, "member {i}: got {g}, want {w}");
    }
}

pub fn status(o: &Outcome) -> Status {
    o.as_ref().expect_err("a failure").status
}

/// `redundancy_penalty` with `params` on one response against `reference`: its value and details.
pub fn redundancy(params: Value, response: &str, reference: &str) -> (f64, Value) {
    let o = one(
        "redundancy_penalty",
        params,
        serde_json::json!({"response": response, "reference": reference}),
    );
    (value(&o), details(&o).clone())
}
