//! The reward interface's own behaviour (`plaudit_core::reward`, `plaudit_core::result`): scores
//! and failures as built, what a reward's contexts give it, the trait's defaults, a group reward
//! scored alone, and statuses by name. Written from the cargo-mutants run over `src/reward.rs`
//! and `src/result.rs` (docs/MUTANTS.md).

use std::time::Duration;

use futures_executor::block_on;
use plaudit_core::{
    score_alone, Ctx, Deadline, Failure, GroupCtx, Member, MemoryStore, Outcome, Reward, Sample,
    Scope, Score, ScoreResult, Status, Store,
};
use serde_json::{json, Value};

/// The sum of its inputs (components 0 and 1), with the namespace and store value it sees.
struct Sum;
impl Reward for Sum {
    fn score(&self, _s: &Sample, cx: &Ctx) -> Outcome {
        let a = cx.component(0, "a")?;
        let b = cx.component(1, "b")?;
        let seen = cx
            .store
            .get(cx.namespace, "k")
            .ok()
            .flatten()
            .unwrap_or(Value::Null);
        Ok(Score::with_details(
            a + b,
            json!({"ns": cx.namespace, "seen": seen}),
        ))
    }
}

/// A group reward: each member's value of component 0 times the group's size, with the key.
struct Scaled;
impl Reward for Scaled {
    fn score(&self, s: &Sample, cx: &Ctx) -> Outcome {
        score_alone(self, s, cx)
    }
    fn scope(&self) -> Scope {
        Scope::Group
    }
    fn score_group(&self, members: &[Member], cx: &GroupCtx) -> Vec<Outcome> {
        members
            .iter()
            .map(|m| {
                let v = m.value(0).unwrap_or(-1.0) * members.len() as f64;
                Ok(Score::with_details(
                    v,
                    json!({"key": cx.key, "ns": cx.namespace}),
                ))
            })
            .collect()
    }
}

/// A group reward that gives no outcome at all.
struct Silent;
impl Reward for Silent {
    fn score(&self, s: &Sample, cx: &Ctx) -> Outcome {
        score_alone(self, s, cx)
    }
    fn score_group(&self, _members: &[Member], _cx: &GroupCtx) -> Vec<Outcome> {
        Vec::new()
    }
}

#[test]
fn scores_and_failures_as_built() {
    assert_eq!(
        Score::new(0.5),
        Score {
            value: 0.5,
            details: None,
            observation: None
        }
    );
    assert_eq!(Score::from(2.0), Score::new(2.0));
    let s = Score::with_details(1.0, json!({"a": 1})).observe(json!([2]));
    assert_eq!(s.value, 1.0);
    assert_eq!(s.details, Some(json!({"a": 1})));
    assert_eq!(s.observation, Some(json!([2])));
    let cases = [
        (Failure::no_answer("n"), Status::NoAnswer, "n"),
        (Failure::invalid_input("i"), Status::InvalidInput, "i"),
        (Failure::timeout("t"), Status::Timeout, "t"),
        (Failure::error("e"), Status::Error, "e"),
    ];
    for (f, status, message) in cases {
        assert_eq!(
            (f.status, f.message.as_str(), &f.details),
            (status, message, &None)
        );
    }
    let f = Failure::error("x").with_details(json!({"why": 1}));
    assert_eq!(f.details, Some(json!({"why": 1})));
    assert_eq!(f.status, Status::Error);
}

#[test]
fn a_reward_reads_its_inputs_and_state_from_its_context() {
    let d = Deadline::after(Duration::from_secs(60));
    let s = Sample::new("r", "x");
    let values = [Some(1.5), Some(2.0)];
    let out = Sum.score(&s, &Ctx::new(&d, &values)).unwrap();
    assert_eq!(out.value, 3.5);
    assert_eq!(out.details, Some(json!({"ns": "", "seen": null})));
    let store = MemoryStore::default();
    store
        .put("route/c", vec![("k".to_string(), json!(9))])
        .unwrap();
    let out = Sum
        .score(&s, &Ctx::with_state(&d, &values, &store, "route/c"))
        .unwrap();
    assert_eq!(out.details, Some(json!({"ns": "route/c", "seen": 9})));
    // An input that failed, or that is not there: an error naming it.
    let e = Sum
        .score(&s, &Ctx::new(&d, &[Some(1.0), None]))
        .unwrap_err();
    assert_eq!(e, Failure::error("input component `b` has no value"));
    let e = Sum.score(&s, &Ctx::new(&d, &[])).unwrap_err();
    assert_eq!(e, Failure::error("input component `a` has no value"));
}

#[test]
fn the_trait_defaults() {
    let d = Deadline::after(Duration::from_secs(60));
    let s = Sample::new("r", "x");
    let values = [Some(1.0), Some(2.0)];
    assert_eq!(Sum.scope(), Scope::Sample);
    assert!(!Sum.blocking());
    assert!(!Sum.io());
    assert_eq!(
        Sum.update(&[json!(1)], &MemoryStore::default(), "n"),
        Ok(())
    );
    // The I/O form scores synchronously.
    let cx = Ctx::new(&d, &values);
    assert_eq!(block_on(Sum.score_io(&s, &cx)).unwrap().value, 3.0);
    // The group form scores each member with its own values.
    let s2 = Sample::new("r2", "y");
    let v2 = [Some(10.0), Some(20.0)];
    let members = [
        Member {
            sample: &s,
            values: &values,
        },
        Member {
            sample: &s2,
            values: &v2,
        },
    ];
    let gcx = GroupCtx::new(&d, Some("g"));
    let got: Vec<f64> = Sum
        .score_group(&members, &gcx)
        .into_iter()
        .map(|o| o.unwrap().value)
        .collect();
    assert_eq!(got, vec![3.0, 30.0]);
    let got: Vec<f64> = block_on(Sum.score_group_io(&members, &gcx))
        .into_iter()
        .map(|o| o.unwrap().value)
        .collect();
    assert_eq!(got, vec![3.0, 30.0]);
    assert_eq!((gcx.key, gcx.namespace), (Some("g"), ""));
}

#[test]
fn a_group_reward_scored_alone_is_a_group_of_one() {
    let d = Deadline::after(Duration::from_secs(60));
    let mut s = Sample::new("r", "x");
    s.group = Some("p7".into());
    let store = MemoryStore::default();
    let values = [Some(4.0)];
    let out = Scaled
        .score(&s, &Ctx::with_state(&d, &values, &store, "*/g"))
        .unwrap();
    assert_eq!(out.value, 4.0);
    assert_eq!(out.details, Some(json!({"key": "p7", "ns": "*/g"})));
    let m = Member {
        sample: &s,
        values: &[None, Some(1.0)],
    };
    assert_eq!(
        (m.value(0), m.value(1), m.value(2)),
        (None, Some(1.0), None)
    );
    assert_eq!(
        Silent.score(&s, &Ctx::new(&d, &[])),
        Err(Failure::error("the group reward gave no outcome"))
    );
}

#[test]
fn statuses_by_name() {
    let names: Vec<&str> = Status::ALL.iter().map(|s| s.as_str()).collect();
    assert_eq!(
        names,
        vec!["ok", "no_answer", "invalid_input", "timeout", "error"]
    );
    for s in Status::ALL {
        assert_eq!(Status::parse(s.as_str()), Some(s));
        assert_eq!(s.to_string(), s.as_str());
    }
    assert_eq!(Status::parse("OK"), None);
    assert_eq!(Status::parse(""), None);
    let r = ScoreResult::failed(json!(3), Status::Timeout, -1.0, "slow".into());
    assert_eq!(
        serde_json::to_value(&r).unwrap(),
        json!({"id": 3, "reward": -1.0, "components": {}, "status": "timeout", "error": "slow"})
    );
    assert!(r.observations.is_empty());
}
