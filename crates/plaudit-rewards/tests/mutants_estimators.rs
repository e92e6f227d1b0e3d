//! The estimators family against values worked out by hand from each reward's documentation, for
//! what its examples leave open (found by the mutation run over `src/estimators/`,
//! docs/MUTANTS.md).

mod common;

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

// ---- novelty_sharpening, tree_advantage (written from the code before their mutation run) ----

/// A group for `novelty_sharpening`: each member's correctness and its token log-probabilities
/// (none for `None`).
fn novelty_group(params: Value, rows: &[(f64, Option<&[f64]>)]) -> Vec<Outcome> {
    let rows = rows
        .iter()
        .map(|&(c, lp)| {
            let s = match lp {
                Some(lp) => json!({"response": "r", "logprobs": lp}),
                None => json!({"response": "r"}),
            };
            (s, vec![Some(c)])
        })
        .collect();
    common::group_with("novelty_sharpening", params, &["correct"], rows)
}

/// `eps` is added to both standard deviations: the novelty's σ of the likelihoods and the
/// advantage's σ of the rewards. Correct members with ℓ = −1 and −3 (μ = −2, sample σ = √2) and
/// a wrong one; eps = 0.5: ν = (−2 − (−3)) / (√2 + 0.5) for the unlikely one, 0 for the other.
#[test]
fn novelty_sharpening_adds_eps_to_each_standard_deviation() {
    // Pins: ν = (μ − ℓ)/(σ + eps) and A = (r − mean)/(std + eps), eps neither subtracted nor
    // multiplied.
    let rows: [(f64, Option<&[f64]>); 3] =
        [(1.0, Some(&[-1.0])), (1.0, Some(&[-3.0])), (0.0, None)];
    let nu = 1.0 / (2f64.sqrt() + 0.5);
    let bonus = novelty_group(json!({"eps": 0.5, "weight": 1.0}), &rows);
    assert_eq!(common::value(&bonus[0]), 0.0);
    assert_eq!(common::value(&bonus[1]), nu);
    assert_eq!(common::value(&bonus[2]), 0.0);
    // Rewards 1, 1, 0: mean 2/3, sample std √(1/3); the unlikely correct member's A is sharpened
    // by (1 + ν).
    let adv = novelty_group(
        json!({"eps": 0.5, "weight": 1.0, "output": "advantage"}),
        &rows,
    );
    let std = (1.0f64 / 3.0).sqrt();
    let a = (1.0 / 3.0) / (std + 0.5);
    let want = [a, a * (1.0 + nu), (-2.0 / 3.0) / (std + 0.5)];
    common::assert_values(&adv, &want, 1e-12);
}

/// Two scored members are enough for an advantage (only one, or none, gives 0): a correct and a
/// wrong one, eps = 0, give ±(0.5 / √0.5) = ±√0.5.
#[test]
fn novelty_sharpening_advantage_of_a_group_of_two() {
    // Pins: `scored.len() < 2` (2 is a group with a spread).
    let rows: [(f64, Option<&[f64]>); 2] = [(1.0, Some(&[-1.0])), (0.0, None)];
    let out = novelty_group(json!({"eps": 0.0, "output": "advantage"}), &rows);
    common::assert_values(&out, &[0.5f64.sqrt(), -(0.5f64.sqrt())], 1e-15);
}

/// Only a positive advantage is sharpened: a correct member (0.6 ≥ threshold 0.5) whose reward is
/// below the group's mean keeps its negative A, though it is the most novel member
/// (ℓ = −3 against −1 and −1: ν = (4/3)/√(4/3) = 2/√3 in its details).
#[test]
fn novelty_sharpening_leaves_a_negative_advantage_of_a_correct_member_as_it_is() {
    // Pins: `a > 0 && r >= threshold` (both needed to sharpen).
    let rows: [(f64, Option<&[f64]>); 3] = [
        (0.6, Some(&[-3.0])),
        (1.0, Some(&[-1.0])),
        (1.0, Some(&[-1.0])),
    ];
    let out = novelty_group(json!({"eps": 0.0, "output": "advantage"}), &rows);
    let nu = common::details(&out[0])["novelty"].as_f64().unwrap();
    assert!((nu - 2.0 / 3f64.sqrt()).abs() < 1e-12, "{nu}");
    // Rewards 0.6, 1, 1: mean 2.6/3, deviations −0.8/3, 0.4/3, 0.4/3, sample variance
    // (0.64 + 0.16 + 0.16)/9/2 = 0.96/18.
    let std = (0.96f64 / 18.0).sqrt();
    let want = [(-0.8 / 3.0) / std, (0.4 / 3.0) / std, (0.4 / 3.0) / std];
    common::assert_values(&out, &want, 1e-12);
}

/// Log-likelihoods whose mean is finite but whose spread overflows (−1.7e308 and −0.1) make
/// every member `invalid_input` (not a novelty of 0 from an infinite σ).
#[test]
fn novelty_sharpening_refuses_likelihoods_whose_spread_overflows() {
    // Pins: `mu.is_finite() && sigma.is_finite()` (each alone).
    let rows: [(f64, Option<&[f64]>); 3] =
        [(1.0, Some(&[-1.7e308])), (1.0, Some(&[-0.1])), (0.0, None)];
    for output in ["bonus", "advantage"] {
        let out = novelty_group(json!({"output": output}), &rows);
        for o in &out {
            let f = o.as_ref().unwrap_err();
            assert_eq!(f.status, Status::InvalidInput, "{output}");
            assert!(
                f.message.contains("too large for their statistics"),
                "{}",
                f.message
            );
        }
    }
}

/// Rewards whose mean is finite (0) but whose spread overflows (1e308, −1e308): the advantage
/// fails every member with the overflow error, while the bonus, which does not use the rewards'
/// statistics, is scored (one correct member: ν = 0).
#[test]
fn novelty_sharpening_fails_only_the_advantage_when_the_rewards_spread_overflows() {
    // Pins: `r_mean.is_finite() && r_std.is_finite()`, and `advantage && !r_ok`.
    let rows: [(f64, Option<&[f64]>); 2] = [(1e308, Some(&[-1.0])), (-1e308, None)];
    let out = novelty_group(json!({"output": "advantage"}), &rows);
    for o in &out {
        let f = o.as_ref().unwrap_err();
        assert_eq!(
            (f.status, f.message.as_str()),
            (
                Status::Error,
                "the values of `correct` are too large for the group's statistics (they overflow)"
            )
        );
    }
    let out = novelty_group(json!({"output": "bonus"}), &rows);
    common::assert_values(&out, &[0.0, 0.0], 0.0);
}

/// `delimiter` is only checked with `source: response`: an empty one is refused there and
/// ignored with the default `source: steps`.
#[test]
fn tree_advantage_refuses_an_empty_delimiter_only_when_it_splits_the_response() {
    // Pins: `from_response && delimiter.is_empty()`.
    let info = plaudit_rewards::estimators::tree_advantage::INFO;
    let err = |params: Value| {
        let p = Params::from_json(info.params, &params, &["correct"]).unwrap();
        (info.build)(&p).err()
    };
    assert_eq!(
        err(json!({"source": "response", "delimiter": ""})).as_deref(),
        Some("`delimiter` must not be empty with `source: response`")
    );
    assert_eq!(err(json!({"delimiter": ""})), None);
}

/// `max_group` bounds the members with an embedding: as many as `max_group` are scored (a member
/// without one does not count), one more refuses the group, naming both numbers.
#[test]
fn embedding_diversity_scores_a_group_as_large_as_max_group() {
    // Pins: `valid.len() > max_group` (equal is accepted).
    let emb = |v: Option<[f64; 2]>| match v {
        Some(v) => json!({"response": "r", "meta": {"embedding": v}}),
        None => json!({"response": "r"}),
    };
    let rows = |vs: &[Option<[f64; 2]>]| vs.iter().map(|&v| (emb(v), vec![])).collect();
    let params = json!({"max_group": 2});
    // Two orthogonal embeddings: VS = 2, each without the other 1, so a contribution of 1.
    let out = common::group_with(
        "embedding_diversity",
        params.clone(),
        &[],
        rows(&[Some([1.0, 0.0]), None, Some([0.0, 3.0])]),
    );
    common::assert_values(&[out[0].clone(), out[2].clone()], &[1.0, 1.0], 1e-12);
    assert_eq!(common::status(&out[1]), Status::InvalidInput);
    let out = common::group_with(
        "embedding_diversity",
        params,
        &[],
        rows(&[Some([1.0, 0.0]), Some([0.0, 3.0]), Some([1.0, 1.0])]),
    );
    for o in &out {
        let f = o.as_ref().unwrap_err();
        assert_eq!(
            (f.status, f.message.as_str()),
            (
                Status::InvalidInput,
                "the group has 3 members with embeddings, more than `max_group` (2)"
            )
        );
    }
}

/// A group of members whose `meta.embedding` are the rows of `e`.
fn embedded_rows(e: &[[f64; 3]]) -> Vec<(Value, Vec<Option<f64>>)> {
    e.iter()
        .map(|v| (json!({"response": "r", "meta": {"embedding": v}}), vec![]))
        .collect()
}

/// Three embeddings each nearly orthogonal to the next (cosines a and b about 1e-3) and
/// orthogonal to the one after: K = [[1, a, 0], [a, 1, b], [0, b, 1]], whose eigenvalues are 1 and
/// 1 ± √(a² + b²) (each rollout's leave-one-out pair: 1 ± b, the identity, 1 ± a). Here K/n has
/// nearly equal eigenvalues, where a Jacobi rotation of the wrong angle shrinks a_pq only by
/// about 1 − a² a sweep: the Vendi score (3 − 2e-6) and the contributions must be those of the
/// exact eigenvalues, not of K's diagonal (3, 1, 1, 1).
#[test]
fn embedding_diversity_of_nearly_orthogonal_embeddings_uses_the_exact_eigenvalues() {
    // Pins: each rotation's angle (θ = (a_qq − a_pp) / 2a_pq) zeroes the entry it rotates.
    let e: [[f64; 3]; 3] = [[1.0, 0.0, 0.0], [1e-3, 1.0, 0.0], [0.0, 1e-3, 1.0]];
    let rows = embedded_rows(&e);
    let out = common::group_with("embedding_diversity", json!({}), &[], rows);
    let unit = |v: &[f64; 3]| {
        let n = v.iter().map(|x| x * x).sum::<f64>().sqrt();
        v.map(|x| x / n)
    };
    let cos = |x: &[f64; 3], y: &[f64; 3]| {
        let (x, y) = (unit(x), unit(y));
        x.iter().zip(&y).map(|(p, q)| p * q).sum::<f64>()
    };
    let (a, b) = (cos(&e[0], &e[1]), cos(&e[1], &e[2]));
    // exp(−Σ λ log λ) over the eigenvalues of K/m.
    let vendi = |eig: &[f64]| {
        let m = eig.len() as f64;
        (-eig.iter().map(|l| l / m * (l / m).ln()).sum::<f64>()).exp()
    };
    let r = (a * a + b * b).sqrt();
    let vs = vendi(&[1.0, 1.0 + r, 1.0 - r]);
    let want = [
        vs - vendi(&[1.0 + b, 1.0 - b]),
        vs - 2.0,
        vs - vendi(&[1.0 + a, 1.0 - a]),
    ];
    common::assert_values(&out, &want, 1e-12);
    let got = common::details(&out[0])["vendi"].as_f64().unwrap();
    assert!((got - vs).abs() < 1e-12, "{got} vs {vs}");
}

/// Two embeddings with a cosine of 0.6 and a third whose cosine with them is 1e-160 and 6e-161:
/// after the first rotation the third's entries are about 1e-161 against diagonal entries 0.2
/// apart, so θ = (a_qq − a_pp) / 2a_pq is about 1e160 and the rotation takes the branch for a
/// huge θ (t = 1/2θ, as θ² would overflow). K/3's eigenvalues are those of the pair and 1/3:
/// 1.6/3, 0.4/3, 1/3, VS = 2.638249908763712; without the third the pair's 0.8, 0.2.
#[test]
fn embedding_diversity_of_a_vanishing_cosine_takes_the_small_rotation() {
    // Pins: `t = 0.5 / theta` for |θ| > 1e150 (with `0.5 * theta`, t² overflows, c = s = 0 and
    // the rotation wipes two rows).
    let e: [[f64; 3]; 3] = [[1.0, 0.0, 0.0], [0.6, 0.8, 0.0], [1e-160, 0.0, 1.0]];
    let rows = embedded_rows(&e);
    let out = common::group_with("embedding_diversity", json!({}), &[], rows);
    let vs = 2.638249908763712;
    let pair = (-(0.8f64 * 0.8f64.ln() + 0.2 * 0.2f64.ln())).exp();
    common::assert_values(&out, &[vs - 2.0, vs - 2.0, vs - pair], 1e-12);
    let got = common::details(&out[0])["vendi"].as_f64().unwrap();
    assert!((got - vs).abs() < 1e-12, "{got} vs {vs}");
}
