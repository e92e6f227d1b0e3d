//! A component whose input has no value is not called: per sample, and in a group (the member
//! without the value gets the reason; the others are scored).

use std::sync::Arc;

use plaudit_core::{
    BatchOptions, Ctx, Engine, GroupCtx, Input, Kind, Member, Outcome, ParamSpec, Params, Registry,
    Reward, RewardInfo, Sample, Scope, Score, ScoreResult, Spec, Status,
};
use serde_json::json;

mod common;

/// Declares an input (`of`) and ignores it: 7 whenever it is called.
struct Seven;
impl Reward for Seven {
    fn score(&self, _s: &Sample, _cx: &Ctx) -> Outcome {
        Ok(Score::new(7.0))
    }
}

/// A group reward with an input: 7 for every member it is called with.
struct GroupSeven;
impl Reward for GroupSeven {
    fn score(&self, _s: &Sample, _cx: &Ctx) -> Outcome {
        Ok(Score::new(7.0))
    }
    fn scope(&self) -> Scope {
        Scope::Group
    }
    fn score_group(&self, members: &[Member], _cx: &GroupCtx) -> Vec<Outcome> {
        members.iter().map(|_| Ok(Score::new(7.0))).collect()
    }
}

const OF: &[ParamSpec] = &[ParamSpec::new("of", Kind::Component, "\"base\"", "input")];

fn engine() -> Engine {
    let mut r = Registry::new();
    r.add(common::num_info());
    r.add(RewardInfo {
        name: "seven",
        family: "test",
        source: "//! Test reward.",
        params: OF,
        build: |_: &Params| Ok(Arc::new(Seven) as Arc<dyn Reward>),
    });
    r.add(RewardInfo {
        name: "group_seven",
        family: "test",
        source: "//! Test reward.",
        params: OF,
        build: |_: &Params| Ok(Arc::new(GroupSeven) as Arc<dyn Reward>),
    });
    let spec = json!({
        "components": {
            "base": "num",
            "after": {"reward": "seven", "params": {"of": "base"}},
            "together": {"reward": "group_seven", "params": {"of": "base"}},
        },
        "reward": "base",
    });
    Engine::new(Spec::from_value(&spec, &r).unwrap())
}

#[test]
fn a_component_whose_input_has_no_value_is_not_called() {
    let inputs = ["2", "x", "3"]
        .iter()
        .enumerate()
        .map(|(i, r)| Input::from_value(json!({"id": i, "group": "g", "response": r})))
        .collect();
    let out: Vec<ScoreResult> = engine().score_all(inputs, BatchOptions::default()).unwrap();
    let got: Vec<(Status, Vec<(String, f64)>)> = out
        .iter()
        .map(|r| {
            (
                r.status,
                r.components.iter().map(|(k, v)| (k.clone(), *v)).collect(),
            )
        })
        .collect();
    let c = |v: &[(&str, f64)]| -> Vec<(String, f64)> {
        v.iter().map(|(k, x)| (k.to_string(), *x)).collect()
    };
    assert_eq!(
        got,
        [
            (
                Status::Ok,
                c(&[("base", 2.0), ("after", 7.0), ("together", 7.0)])
            ),
            (Status::NoAnswer, c(&[])),
            (
                Status::Ok,
                c(&[("base", 3.0), ("after", 7.0), ("together", 7.0)])
            ),
        ]
    );
    assert_eq!(
        out[1].error.as_deref(),
        Some("component `base` (num): not a number")
    );
}
