//! The estimators family against values worked out by hand from each reward's documentation, for
//! what its examples leave open (found by the mutation run over `src/estimators/`,
//! docs/MUTANTS.md).

use std::sync::Arc;

use plaudit_core::{Deadline, GroupCtx, Member, Outcome, Params, Reward, Sample, Status};
use serde_json::{json, Value};

use plaudit_core::RewardInfo;
use plaudit_rewards::estimators::{group_stats, pass_at_k_advantage};

fn build(info: RewardInfo, params: Value) -> Arc<dyn Reward> {
    (info.build)(&Params::from_json(info.params, &params, &["correct"]).unwrap()).unwrap()
}

fn group_stats(params: Value) -> Arc<dyn Reward> {
    build(group_stats::INFO, params)
}

/// `reward` over a group whose members have these values of the one component.
fn score_group(reward: &dyn Reward, values: &[Option<f64>]) -> Vec<Outcome> {
    let sample = Sample::new("x", Value::Null);
    let rows: Vec<[Option<f64>; 1]> = values.iter().map(|&v| [v]).collect();
    let members: Vec<Member> = rows
        .iter()
        .map(|v| Member {
            sample: &sample,
            values: v,
        })
        .collect();
    let d = Deadline::none();
    reward.score_group(&members, &GroupCtx::new(&d, Some("g")))
}

/// Values whose mean is finite (0) but whose spread overflows (1e308 and −1e308): the group's
/// statistics overflow, so every member with a value fails, whichever statistic it asked for,
/// the finite mean and the keep flag included (stats.rs: "the failure of every member when a
/// component's values are too large for the group's statistics (their sum or spread
/// overflows)"); a member without a value still reports its missing input.
#[test]
fn group_stats_fails_the_whole_group_when_the_spread_overflows() {
    let overflow =
        "the values of `correct` are too large for the group's statistics (they overflow)";
    for output in ["mean", "variance", "std", "keep", "uncertainty"] {
        let r = group_stats(json!({"output": output}));
        let out = score_group(&*r, &[Some(1e308), Some(-1e308), None]);
        for o in &out[..2] {
            let f = o.as_ref().unwrap_err();
            assert_eq!(
                (f.status, f.message.as_str()),
                (Status::Error, overflow),
                "{output}"
            );
        }
        assert_eq!(
            out[2].as_ref().unwrap_err().status,
            Status::Error,
            "{output}"
        );
        assert_ne!(out[2].as_ref().unwrap_err().message, overflow, "{output}");
    }
    // The same reward on values whose statistics are finite: the mean of 1 and −1 is 0.
    let r = group_stats(json!({"output": "mean"}));
    let out = score_group(&*r, &[Some(1.0), Some(-1.0)]);
    assert_eq!(out[0].as_ref().unwrap().value, 0.0);
}

/// `c` correct members (1.0) followed by `n − c` wrong ones (0.0).
fn verdicts(n: usize, c: usize) -> Vec<Option<f64>> {
    (0..n)
        .map(|i| Some(if i < c { 1.0 } else { 0.0 }))
        .collect()
}

/// The details carry the group's σ = sqrt(q (1 − q)): with k = 1, n = 4 and c = 1,
/// q = C(3, 1)/C(4, 1) = 3/4 and σ = sqrt(3/16) = sqrt(3)/4.
#[test]
fn pass_at_k_reports_the_groups_sigma() {
    let r = build(pass_at_k_advantage::INFO, json!({"k": 1}));
    let out = score_group(&*r, &verdicts(4, 1));
    let s = out[0].as_ref().unwrap();
    let d = s.details.as_ref().unwrap();
    assert_eq!((d["n"].clone(), d["correct"].clone()), (json!(4), json!(1)));
    assert!(
        (d["pass_at_k"].as_f64().unwrap() - 0.25).abs() < 1e-15,
        "{d}"
    );
    let sigma = d["std"].as_f64().unwrap();
    assert!((sigma - 3f64.sqrt() / 4.0).abs() < 1e-15, "{d}");
    // A⁺ = (1 − pass@k)/σ.
    assert!((s.value - 0.75 / sigma).abs() < 1e-12);
}

/// "When σ = 0 every advantage is 0", also when σ is 0 because q is below the smallest double:
/// n = 2000, c = 1000, k = 1000 give q = 1/C(2000, 1000) ≈ e^−1382, so pass@k = 1 and σ = 0
/// in the details, and every advantage is 0 (not e^−691, which A⁺ = sqrt(q/(1 − q)) would give
/// computed in log space past the σ = 0 rule).
#[test]
fn pass_at_k_advantages_are_zero_when_sigma_underflows() {
    let r = build(pass_at_k_advantage::INFO, json!({"k": 1000}));
    let out = score_group(&*r, &verdicts(2000, 1000));
    for o in &out {
        let s = o.as_ref().unwrap();
        assert_eq!(s.value, 0.0);
        let d = s.details.as_ref().unwrap();
        assert_eq!(
            (d["pass_at_k"].as_f64(), d["std"].as_f64()),
            (Some(1.0), Some(0.0))
        );
    }
}

/// `turn_accumulate` reads the turn index and the rollout id from `meta` keys: either one left
/// empty is a spec error, not only both.
#[test]
fn turn_accumulate_refuses_an_empty_meta_key() {
    let info = plaudit_rewards::estimators::turn_accumulate::INFO;
    for params in [
        json!({"field": ""}),
        json!({"rollout_field": ""}),
        json!({"field": "", "rollout_field": ""}),
    ] {
        let p = Params::from_json(info.params, &params, &["correct"]).unwrap();
        assert_eq!(
            (info.build)(&p).err().as_deref(),
            Some("`field` and `rollout_field` must name `meta` keys"),
            "{params}"
        );
    }
}

/// `turn_advantage`: a cohort whose mean is finite (0) but whose spread overflows (1e308 and
/// −1e308 at turn 0) fails each of its members, normalised or not, as `group_stats` does; a
/// cohort at another turn is scored.
#[test]
fn turn_advantage_fails_a_cohort_whose_spread_overflows() {
    let overflow =
        "the values of `correct` are too large for the group's statistics (they overflow)";
    let turn = |t: u64| Sample::from_value(json!({"response": "x", "meta": {"turn": t}})).unwrap();
    let samples = [turn(0), turn(0), turn(1), turn(1)];
    let values = [[Some(1e308)], [Some(-1e308)], [Some(1.0)], [Some(0.0)]];
    let members: Vec<Member> = samples
        .iter()
        .zip(&values)
        .map(|(sample, values)| Member { sample, values })
        .collect();
    let d = Deadline::none();
    for normalize in [true, false] {
        let r = build(
            plaudit_rewards::estimators::turn_advantage::INFO,
            json!({"normalize": normalize}),
        );
        let out = r.score_group(&members, &GroupCtx::new(&d, Some("g")));
        for o in &out[..2] {
            let f = o.as_ref().unwrap_err();
            assert_eq!((f.status, f.message.as_str()), (Status::Error, overflow));
        }
        // Turn 1: mean 0.5, sample σ sqrt(0.5); x − mean = ±0.5.
        let a = out[2].as_ref().unwrap().value;
        let want = if normalize {
            0.5 / (0.5f64.sqrt() + 1e-6)
        } else {
            0.5
        };
        assert!((a - want).abs() < 1e-12, "{normalize}: {a}");
    }
}
