//! Pass@k advantages: the closed-form advantage of each rollout when the group is trained for pass@k rather than pass@1.
//!
//! ## What it computes
//! Over the n members of a group whose correctness is known, c of them correct (correctness ≥
//! `threshold`) and m = n − c wrong, the group's unbiased pass@k estimate is
//! ```text
//! pass@k = 1 − q,   q = C(m, k) / C(n, k)      (the chance that k draws without replacement all fail)
//! σ      = sqrt(q (1 − q))
//! ```
//! Every k-subset of the group is scored 1 when it holds a correct rollout; a rollout's expected
//! subset score, over the subsets that contain it, is 1 for a correct rollout and
//! 1 − C(m − 1, k − 1) / C(n − 1, k − 1) for a wrong one. Normalised like GRPO by the group's
//! pass@k and σ:
//! ```text
//! correct: A⁺ = (1 − pass@k) / σ                                = sqrt(q / (1 − q))
//! wrong:   A⁻ = (1 − pass@k − C(m−1, k−1)/C(n−1, k−1)) / σ      = −(c / n) · q_m / σ,   q_m = C(m−1, k−1) / C(n−1, k−1)
//! ```
//! (using q = (m / n) · q_m). c·A⁺ + m·A⁻ = 0: the advantages sum to zero over the group. When
//! σ = 0 (no correct rollout, or fewer than k wrong ones, so every k-subset passes) every
//! advantage is 0. With k = 1 this is GRPO with the population standard deviation:
//! A⁺ = sqrt((1 − p)/p), A⁻ = −sqrt(p/(1 − p)) for the pass rate p = c/n. The binomial ratios
//! are products of n − i terms computed in log space (`ln_1p`), so groups of thousands of
//! rollouts neither overflow nor lose 1 − q to cancellation.
//!
//! `output: pass_at_k` gives every member the group's pass@k instead (a diagnostic, or a group
//! reward for expressions). Members whose correctness failed are left out of n and get `error`;
//! a group with fewer than k scored members is `invalid_input` (the unbiased estimate needs
//! n ≥ k). Use the advantages with `group: {advantage: reward}`, which passes them through.
//!
//! ## Why
//! "Pass@k Training for Adaptively Balancing Exploration and Exploitation of Large Reasoning
//! Models" trains on pass@k instead of pass@1, so that a group with one correct rollout among
//! many wrong ones is rewarded for exploring, and gives the advantages analytically from the
//! unbiased pass@k estimator, so no k-subsets need to be sampled. The paper is not among the
//! abstracts of Plaudit's research catalogue: the formulas above are Plaudit's derivation from
//! the unbiased estimator 1 − C(n − c, k)/C(n, k) with GRPO's normalisation by
//! σ = sqrt(pass@k (1 − pass@k)), checked in the tests against the binomial definitions (and,
//! for k = 1, against GRPO).
//!
//! ## Parameters
//! - `correctness` (component name; default `correct`): the component that says whether a
//!   rollout is right.
//! - `threshold` (number; default 0.5): the correctness value at or above which it is right.
//! - `k` (integer ≥ 1; default 4): the k of pass@k.
//! - `output` (`advantage` | `pass_at_k`; default `advantage`): each member's advantage, or the
//!   group's pass@k.
//!
//! ## Example
//! ```json
//! {"params": {"k": 2}, "group": [{"sample": {"response": "a"}, "components": {"correct": 1.0}}, {"sample": {"response": "b"}, "components": {"correct": 0.0}}, {"sample": {"response": "c"}, "components": {"correct": 0.0}}, {"sample": {"response": "d"}, "components": {"correct": 0.0}}], "values": [1.0, -0.3333333333333333, -0.3333333333333333, -0.3333333333333333]}
//! {"params": {"k": 2, "output": "pass_at_k"}, "group": [{"sample": {"response": "a"}, "components": {"correct": 1.0}}, {"sample": {"response": "b"}, "components": {"correct": 0.0}}, {"sample": {"response": "c"}, "components": {"correct": 0.0}}, {"sample": {"response": "d"}, "components": {"correct": 0.0}}], "values": [0.5, 0.5, 0.5, 0.5]}
//! {"params": {"k": 2}, "group": [{"sample": {"response": "a"}, "components": {"correct": 1.0}}, {"sample": {"response": "b"}, "components": {"correct": 1.0}}, {"sample": {"response": "c"}, "components": {"correct": 0.0}}, {"sample": {"response": "d"}, "components": {"correct": 0.0}}, {"sample": {"response": "e"}, "components": {"correct": 0.0}}], "values": [0.6546536707079771, 0.6546536707079771, -0.4364357804719848, -0.4364357804719848, -0.4364357804719848]}
//! {"params": {"k": 4}, "group": [{"sample": {"response": "a"}, "components": {"correct": 0.0}}, {"sample": {"response": "b"}, "components": {"correct": 1.0}}, {"sample": {"response": "c"}, "components": {"correct": 0.0}}, {"sample": {"response": "d"}, "components": {"correct": null}}, {"sample": {"response": "e"}, "components": {"correct": 0.0}}, {"sample": {"response": "f"}, "components": {"correct": 0.0}}], "values": [-0.125, 0.5, -0.125, "error", -0.125, -0.125]}
//! {"params": {"k": 1}, "group": [{"sample": {"response": "a"}, "components": {"correct": 1.0}}, {"sample": {"response": "b"}, "components": {"correct": 0.0}}, {"sample": {"response": "c"}, "components": {"correct": 0.0}}, {"sample": {"response": "d"}, "components": {"correct": 0.0}}], "values": [1.7320508075688772, -0.5773502691896257, -0.5773502691896257, -0.5773502691896257]}
//! {"params": {"k": 2}, "group": [{"sample": {"response": "a"}, "components": {"correct": 1.0}}, {"sample": {"response": "b"}, "components": {"correct": 1.0}}, {"sample": {"response": "c"}, "components": {"correct": 0.0}}], "values": [0.0, 0.0, 0.0]}
//! {"params": {"k": 2}, "group": [{"sample": {"response": "a"}, "components": {"correct": 0.0}}, {"sample": {"response": "b"}, "components": {"correct": 0.0}}], "values": [0.0, 0.0]}
//! {"params": {"k": 4}, "group": [{"sample": {"response": "a"}, "components": {"correct": 1.0}}, {"sample": {"response": "b"}, "components": {"correct": 0.0}}], "values": ["invalid_input", "invalid_input"]}
//! ```

use std::sync::Arc;

use plaudit_core::{
    score_alone, Ctx, Failure, GroupCtx, Kind, Member, Outcome, ParamSpec, Params, Reward,
    RewardInfo, Sample, Scope, Score,
};
use serde_json::json;

use crate::components::missing;
use crate::components::{CORRECTNESS_PARAM, THRESHOLD_PARAM};

pub const INFO: RewardInfo = RewardInfo {
    name: "pass_at_k_advantage",
    family: "estimators",
    source: include_str!("pass_at_k_advantage.rs"),
    params: PARAMS,
    build,
};

const PARAMS: &[ParamSpec] = &[
    CORRECTNESS_PARAM,
    THRESHOLD_PARAM,
    ParamSpec::new("k", Kind::Int, "4", "the k of pass@k (at least 1)").min(1.0),
    ParamSpec::new(
        "output",
        Kind::Enum(&["advantage", "pass_at_k"]),
        "\"advantage\"",
        "each member's pass@k advantage, or the group's pass@k",
    ),
];

struct PassAtK {
    correctness: (usize, String),
    threshold: f64,
    k: usize,
    pass_at_k: bool,
}

fn build(p: &Params) -> Result<Arc<dyn Reward>, String> {
    let k = p.i64("k");
    let correctness = p.component("correctness").ok_or(
        "`correctness` must name the component that says whether a rollout is right".to_string(),
    )?;
    Ok(Arc::new(PassAtK {
        correctness,
        threshold: p.f64("threshold"),
        k: k as usize,
        pass_at_k: p.str("output") == "pass_at_k",
    }))
}

/// ln C(a, t)/C(b, t) for a ≤ b: the product over i < t of (a − i)/(b − i), summed in log
/// space as Σ ln(1 − (b − a)/(b − i)). `None` when a < t (the ratio is 0).
fn ln_ratio(a: usize, b: usize, terms: usize) -> Option<f64> {
    if a < terms {
        return None;
    }
    let gap = (b - a) as f64;
    Some(
        (0..terms)
            .map(|i| (-gap / (b - i) as f64).ln_1p())
            .sum::<f64>(),
    )
}

/// The pass@k statistics of a group with `n` scored rollouts, `c` of them correct.
#[derive(Debug, PartialEq)]
pub(crate) struct PassAtKStats {
    pub pass_at_k: f64,
    pub std: f64,
    pub correct_advantage: f64,
    pub wrong_advantage: f64,
}

/// Requires 1 ≤ k ≤ n, c ≤ n.
pub(crate) fn stats(n: usize, c: usize, k: usize) -> PassAtKStats {
    let m = n - c;
    // q = C(m, k)/C(n, k): all k draws fail.
    let ln_q = ln_ratio(m, n, k);
    let (q, one_minus_q) = match ln_q {
        None => (0.0, 1.0),
        Some(l) => (l.exp(), -l.exp_m1()),
    };
    let std = (q * one_minus_q).sqrt();
    if c == 0 || ln_q.is_none() || std == 0.0 {
        return PassAtKStats {
            pass_at_k: one_minus_q,
            std,
            correct_advantage: 0.0,
            wrong_advantage: 0.0,
        };
    }
    let ln_q = ln_q.expect("checked");
    let ln_1mq = one_minus_q.ln();
    let correct_advantage = (0.5 * (ln_q - ln_1mq)).exp();
    // q_m = C(m − 1, k − 1)/C(n − 1, k − 1); m ≥ k ≥ 1 here (q > 0).
    let ln_qm = ln_ratio(m - 1, n - 1, k - 1).expect("m − 1 ≥ k − 1 when q > 0");
    // A⁻ = −(c/n)·q_m/σ = −c·sqrt(q_m)/(sqrt(n·m)·sqrt(1 − q)), as q = (m/n)·q_m.
    let wrong_advantage =
        -((c as f64).ln() + 0.5 * ln_qm - 0.5 * ((n as f64).ln() + (m as f64).ln()) - 0.5 * ln_1mq)
            .exp();
    PassAtKStats {
        pass_at_k: one_minus_q,
        std,
        correct_advantage,
        wrong_advantage,
    }
}

impl Reward for PassAtK {
    fn score(&self, sample: &Sample, cx: &Ctx) -> Outcome {
        score_alone(self, sample, cx)
    }

    fn scope(&self) -> Scope {
        Scope::Group
    }

    fn score_group(&self, members: &[Member], _cx: &GroupCtx) -> Vec<Outcome> {
        let (idx, name) = &self.correctness;
        let verdicts: Vec<Option<bool>> = members
            .iter()
            .map(|m| m.value(*idx).map(|v| v >= self.threshold))
            .collect();
        let n = verdicts.iter().flatten().count();
        let c = verdicts.iter().flatten().filter(|&&ok| ok).count();
        if n < self.k {
            let msg = format!(
                "pass@k needs at least k = {} scored rollouts per group, this group has {n} (the unbiased estimate needs n ≥ k)",
                self.k
            );
            return verdicts
                .iter()
                .map(|v| match v {
                    None => Err(missing(name)),
                    Some(_) => Err(Failure::invalid_input(msg.clone())),
                })
                .collect();
        }
        let st = stats(n, c, self.k);
        let details =
            json!({"n": n, "correct": c, "k": self.k, "pass_at_k": st.pass_at_k, "std": st.std});
        verdicts
            .iter()
            .map(|v| match v {
                None => Err(missing(name)),
                Some(ok) => {
                    let value = if self.pass_at_k {
                        st.pass_at_k
                    } else if *ok {
                        st.correct_advantage
                    } else {
                        st.wrong_advantage
                    };
                    Ok(Score::with_details(value, details.clone()))
                }
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// C(a, b) as f64 by the multiplicative formula (small arguments only).
    fn binom(a: usize, b: usize) -> f64 {
        if b > a {
            return 0.0;
        }
        (0..b).fold(1.0, |acc, i| acc * (a - i) as f64 / (i + 1) as f64)
    }

    #[test]
    fn matches_the_binomial_definitions_on_small_groups() {
        for n in 1..=12 {
            for c in 0..=n {
                for k in 1..=n {
                    let st = stats(n, c, k);
                    let m = n - c;
                    let q = binom(m, k) / binom(n, k);
                    assert!((st.pass_at_k - (1.0 - q)).abs() < 1e-12, "{n} {c} {k}");
                    let sigma = (q * (1.0 - q)).sqrt();
                    if sigma == 0.0 {
                        assert_eq!((st.correct_advantage, st.wrong_advantage), (0.0, 0.0));
                        continue;
                    }
                    let pos = (1.0 - (1.0 - q)) / sigma;
                    let neg_mean = 1.0 - binom(m - 1, k - 1) / binom(n - 1, k - 1);
                    let neg = (neg_mean - (1.0 - q)) / sigma;
                    assert!((st.correct_advantage - pos).abs() < 1e-9, "{n} {c} {k}");
                    assert!((st.wrong_advantage - neg).abs() < 1e-9, "{n} {c} {k}");
                }
            }
        }
    }

    #[test]
    fn k_one_is_grpo_with_the_population_std() {
        let st = stats(8, 3, 1);
        let p: f64 = 3.0 / 8.0;
        let sd = (p * (1.0 - p)).sqrt();
        assert!((st.correct_advantage - (1.0 - p) / sd).abs() < 1e-12);
        assert!((st.wrong_advantage - (0.0 - p) / sd).abs() < 1e-12);
    }

    #[test]
    fn large_groups_stay_finite_and_sum_to_zero() {
        for &(n, c, k) in &[
            (1024, 1, 512),
            (1024, 1, 1),
            (1024, 1023, 1),
            (1024, 512, 512),
            (1024, 3, 1000),
            (1024, 900, 100),
            (4096, 2, 2048),
        ] {
            let st = stats(n, c, k);
            assert!(st.correct_advantage.is_finite() && st.wrong_advantage.is_finite());
            assert!(st.pass_at_k.is_finite() && (0.0..=1.0).contains(&st.pass_at_k));
            let total = c as f64 * st.correct_advantage + (n - c) as f64 * st.wrong_advantage;
            let scale = c as f64 * st.correct_advantage.abs() + 1e-300;
            assert!(total.abs() <= 1e-9 * scale.max(1.0), "{n} {c} {k}: {st:?}");
        }
        // One correct of 1024, k = 512: q = 1/2 exactly, so A⁺ = 1 and A⁻ = −1/1023.
        let st = stats(1024, 1, 512);
        assert!((st.pass_at_k - 0.5).abs() < 1e-12);
        assert!((st.correct_advantage - 1.0).abs() < 1e-9);
        assert!((st.wrong_advantage + 1.0 / 1023.0).abs() < 1e-12);
    }
}
