//! Group rewards: components scored over all the rollouts of one prompt, after every member's
//! per-sample components, then combined by the route's expression.

use std::sync::Arc;

use plaudit_core::{
    score_alone, Ctx, Engine, Failure, GroupCtx, Input, Kind, Member, Outcome, ParamSpec, Params,
    Registry, Reward, RewardInfo, Sample, Scope, Score, Spec, Status,
};
use serde_json::{json, Value};

mod common;

/// Group test reward: the input component minus the mean of the group's values (members whose
/// input failed are left out of the mean). Misbehaves when the group key says so.
struct Centred(usize);
impl Reward for Centred {
    fn score(&self, s: &Sample, cx: &Ctx) -> Outcome {
        score_alone(self, s, cx)
    }
    fn scope(&self) -> Scope {
        Scope::Group
    }
    fn score_group(&self, members: &[Member], cx: &GroupCtx) -> Vec<Outcome> {
        match cx.key {
            Some("panic") => panic!("group boom"),
            Some("short") => return vec![],
            Some("nan") => return members.iter().map(|_| Ok(Score::new(f64::NAN))).collect(),
            _ => {}
        }
        let vals: Vec<f64> = members.iter().filter_map(|m| m.value(self.0)).collect();
        let mean = vals.iter().sum::<f64>() / vals.len().max(1) as f64;
        members
            .iter()
            .map(|m| match m.value(self.0) {
                Some(v) => Ok(Score::with_details(v - mean, json!({"n": members.len()}))),
                None => Err(Failure::error("no input")),
            })
            .collect()
    }
}

const CENTRED_PARAMS: &[ParamSpec] = &[ParamSpec::new("of", Kind::Component, "\"x\"", "input")];
/// A per-sample reward reading a component (to test that it cannot read a group reward).
struct Copy(usize);
impl Reward for Copy {
    fn score(&self, _s: &Sample, cx: &Ctx) -> Outcome {
        Ok(Score::new(cx.component(self.0, "of")?))
    }
}

fn registry() -> Registry {
    let mut r = Registry::new();
    r.add(common::num_info());
    r.add(RewardInfo {
        name: "centred",
        family: "test",
        source: "//! Test.",
        params: CENTRED_PARAMS,
        build: |p: &Params| Ok(Arc::new(Centred(p.component("of").unwrap().0)) as Arc<dyn Reward>),
    });
    r.add(RewardInfo {
        name: "copy",
        family: "test",
        source: "//! Test.",
        params: CENTRED_PARAMS,
        build: |p: &Params| Ok(Arc::new(Copy(p.component("of").unwrap().0)) as Arc<dyn Reward>),
    });
    r
}

fn spec(v: Value) -> Spec {
    Spec::from_value(&v, &registry()).unwrap()
}

fn input(id: usize, group: Option<&str>, response: &str) -> Input {
    let mut v = json!({"id": id, "response": response});
    if let Some(g) = group {
        v["group"] = json!(g);
    }
    Input::from_value(v)
}

fn rewards(e: &Engine, inputs: &[Input]) -> Vec<(f64, Status)> {
    e.score_batch(inputs)
        .unwrap()
        .iter()
        .map(|r| (r.reward, r.status))
        .collect()
}

#[test]
fn group_rewards_see_their_group_only_and_keep_input_order() {
    let s = spec(json!({
        "on_error": -9.0,
        "components": {"x": "num", "c": {"reward": "centred", "params": {"of": "x"}}},
        "reward": "x + 10 * c",
        "group": "none"
    }));
    assert!(s.has_group_rewards() && s.needs_whole_batch());
    let e = Engine::new(s);
    // Groups interleaved; a sample with no group is a group of one; a failed member is left out.
    let inputs = vec![
        input(0, Some("a"), "1"),
        input(1, Some("b"), "10"),
        input(2, Some("a"), "3"),
        input(3, None, "5"),
        input(4, Some("b"), "x"),
        input(5, Some("b"), "20"),
        Input::from_value(json!({"id": 6, "group": "a"})),
    ];
    let out = e.score_batch(&inputs).unwrap();
    let got: Vec<(f64, Status)> = out.iter().map(|r| (r.reward, r.status)).collect();
    assert_eq!(
        got,
        vec![
            (1.0 - 10.0, Status::Ok),  // a: mean 2
            (10.0 - 50.0, Status::Ok), // b: mean 15 over the two numbers
            (3.0 + 10.0, Status::Ok),
            (5.0, Status::Ok),        // alone: centred 0
            (-9.0, Status::NoAnswer), // its own failure comes first
            (20.0 + 50.0, Status::Ok),
            (-9.0, Status::InvalidInput),
        ]
    );
    assert_eq!(out[0].components["c"], -1.0);
    assert_eq!(out[1].details.as_ref().unwrap()["c"], json!({"n": 3}));
    assert_eq!(
        out[4].error.as_deref(),
        Some("component `x` (num): not a number")
    );
    assert_eq!(
        out.iter().map(|r| r.id.clone()).collect::<Vec<_>>(),
        (0..7).map(|i| json!(i)).collect::<Vec<_>>()
    );
}

#[test]
fn a_sample_scored_alone_is_a_group_of_one() {
    let e = Engine::new(spec(json!({
        "components": {"x": "num", "c": {"reward": "centred", "params": {"of": "x"}}},
        "reward": "x + c"
    })));
    let r = e.score_input(&input(0, Some("a"), "4"));
    assert_eq!((r.reward, r.status), (4.0, Status::Ok));
}

#[test]
fn misbehaving_group_rewards_fail_their_whole_group_only() {
    let e = Engine::new(spec(json!({
        "on_error": -1.0,
        "components": {"x": "num", "c": {"reward": "centred", "params": {"of": "x"}}},
        "reward": "x + c"
    })));
    let inputs = vec![
        input(0, Some("panic"), "1"),
        input(1, Some("ok"), "1"),
        input(2, Some("short"), "1"),
        input(3, Some("panic"), "2"),
        input(4, Some("nan"), "2"),
    ];
    let out = e.score_batch(&inputs).unwrap();
    assert_eq!(
        rewards(&e, &inputs),
        vec![
            (-1.0, Status::Error),
            (1.0, Status::Ok),
            (-1.0, Status::Error),
            (-1.0, Status::Error),
            (-1.0, Status::Error)
        ]
    );
    let err = out[0].error.as_deref().unwrap();
    assert!(
        err.starts_with("component `c` (centred): internal error (panic: group boom at "),
        "{err}"
    );
    assert_eq!(
        out[2].error.as_deref(),
        Some("component `c` (centred): internal error: gave 0 outcomes for a group of 1")
    );
    assert_eq!(
        out[4].error.as_deref(),
        Some("component `c` (centred): gave a non-finite value (NaN)")
    );
}

#[test]
fn a_per_sample_component_cannot_read_a_group_reward() {
    let err = Spec::from_value(
        &json!({
            "components": {
                "x": "num",
                "c": {"reward": "centred", "params": {"of": "x"}},
                "y": {"reward": "copy", "params": {"of": "c"}}
            },
            "reward": "y"
        }),
        &registry(),
    )
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        "components.y: reads `c`, a group reward (centred), but `copy` is scored per sample before groups are complete; only the expression and other group rewards can read a group reward"
    );
}

#[test]
fn group_rewards_can_read_group_rewards() {
    let e = Engine::new(spec(json!({
        "components": {
            "x": "num",
            "c": {"reward": "centred", "params": {"of": "x"}},
            "cc": {"reward": "centred", "params": {"of": "c"}}
        },
        "reward": "cc"
    })));
    let inputs = vec![input(0, Some("g"), "1"), input(1, Some("g"), "3")];
    assert_eq!(
        rewards(&e, &inputs),
        vec![(-1.0, Status::Ok), (1.0, Status::Ok)]
    );
}
