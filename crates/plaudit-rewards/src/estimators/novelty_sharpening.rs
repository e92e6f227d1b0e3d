//! XRPO's novelty-aware sharpening: correct rollouts the model found unlikely get a bonus (or a larger advantage) than its likely correct ones.
//!
//! ## What it computes
//! Each member's sequence log-likelihood ℓ is read from its `logprobs` (the response's token
//! log-probabilities): their sum, or their mean per token (`likelihood`). Over the correct
//! members (correctness ≥ `threshold`) with mean μ and standard deviation σ of ℓ, a correct
//! member's novelty is how far below the cohort its likelihood lies, in standard deviations:
//! ```text
//! ν = clamp((μ − ℓ) / (σ + eps), 0, max_novelty)      (0 for a wrong member)
//! ```
//! - `output: bonus` (default): the value is `weight`·ν, added in the expression
//!   (`correct + novelty`) before the group stage's advantage.
//! - `output: advantage`: the GRPO advantage of the correctness value within the group,
//!   A = (r − mean)/(std + eps), sharpened for correct members with A > 0:
//!   A' = A·(1 + `weight`·ν). Use it with `group: {advantage: reward}`.
//!
//! A correct member without `logprobs` is `invalid_input` (it is left out of the cohort; under
//! `output: advantage` its correctness still counts in the group's mean and std). Wrong members
//! need no log-probabilities. A cohort of one correct member has σ = 0 and ν = 0. Members whose
//! correctness failed are left out and get `error`.
//!
//! ## Why
//! "XRPO: Pushing the limits of GRPO with Targeted Exploration and Exploitation" adds "a
//! group-relative, novelty-aware advantage sharpening mechanism that leverages sequence
//! likelihoods to amplify low-probability yet correct responses", so that the policy learns from
//! the correct answers it would rarely produce, not only from those it already prefers. The
//! abstract gives no formula; the research catalogue's inferred form is A' = A·(1 + κ·ν) with ν
//! the within-group normalised −log p(y). Plaudit's documented choice normalises within the
//! correct cohort (only correct responses are sharpened), clips ν at 0 (a likely correct answer
//! is not penalised) and at `max_novelty`, and exposes κ as `weight`.
//!
//! ## Parameters
//! - `correctness` (component name; default `correct`): the component that says whether a
//!   rollout is right (and, under `output: advantage`, its reward).
//! - `threshold` (number; default 0.5): the correctness value at or above which it is right.
//! - `likelihood` (`mean` | `sum`; default `mean`): ℓ as the mean token log-probability or the
//!   sequence log-probability.
//! - `weight` (number ≥ 0; default 0.5): κ.
//! - `max_novelty` (number ≥ 0; default 3.0): the cap on ν.
//! - `output` (`bonus` | `advantage`; default `bonus`).
//! - `std` (`sample` | `population`; default `sample`): the standard deviation of ℓ (and of the
//!   rewards, for the advantage).
//! - `eps` (number ≥ 0; default 1e-6): added to the standard deviations.
//!
//! ## Example
//! ```json
//! {"params": {"eps": 0.0}, "group": [{"sample": {"response": "a", "logprobs": [-0.5]}, "components": {"correct": 1.0}}, {"sample": {"response": "b", "logprobs": [-1.0, -1.0]}, "components": {"correct": 1.0}}, {"sample": {"response": "c", "logprobs": [-1.0, -2.0]}, "components": {"correct": 1.0}}, {"sample": {"response": "d"}, "components": {"correct": 0.0}}], "values": [0.0, 0.0, 0.5, 0.0]}
//! {"params": {"eps": 0.0, "output": "advantage"}, "group": [{"sample": {"response": "a", "logprobs": [-0.5]}, "components": {"correct": 1.0}}, {"sample": {"response": "b", "logprobs": [-1.0, -1.0]}, "components": {"correct": 1.0}}, {"sample": {"response": "c", "logprobs": [-1.0, -2.0]}, "components": {"correct": 1.0}}, {"sample": {"response": "d"}, "components": {"correct": 0.0}}], "values": [0.5, 0.5, 0.75, -1.5]}
//! {"params": {"eps": 0.0, "likelihood": "sum", "weight": 1.0, "max_novelty": 0.5}, "group": [{"sample": {"response": "a", "logprobs": [-1.0, -1.0]}, "components": {"correct": 1.0}}, {"sample": {"response": "b", "logprobs": [-3.0]}, "components": {"correct": 1.0}}, {"sample": {"response": "c", "logprobs": [-0.5, -0.5]}, "components": {"correct": 1.0}}, {"sample": {"response": "d", "logprobs": [-9.0]}, "components": {"correct": 0.0}}], "values": [0.0, 0.5, 0.0, 0.0]}
//! {"params": {"eps": 0.0, "likelihood": "sum", "weight": 1.0}, "group": [{"sample": {"response": "a", "logprobs": [-1.0, -1.0]}, "components": {"correct": 1.0}}, {"sample": {"response": "b", "logprobs": [-3.0]}, "components": {"correct": 1.0}}, {"sample": {"response": "c", "logprobs": [-0.5, -0.5]}, "components": {"correct": 1.0}}, {"sample": {"response": "d"}, "components": {"correct": 1.0}}, {"sample": {"response": "e"}, "components": {"correct": null}}], "values": [0.0, 1.0, 0.0, "invalid_input", "error"]}
//! {"params": {}, "group": [{"sample": {"response": "a", "logprobs": [-4.0]}, "components": {"correct": 1.0}}, {"sample": {"response": "b", "logprobs": [-0.1]}, "components": {"correct": 0.0}}], "values": [0.0, 0.0]}
//! ```

use std::sync::Arc;

use plaudit_core::{
    score_alone, Ctx, Failure, GroupCtx, Kind, Member, Outcome, ParamSpec, Params, Reward,
    RewardInfo, Sample, Scope, Score,
};
use serde_json::json;

use super::stats::{mean_std, overflow, EPS_PARAM, STD_PARAM};
use crate::components::missing;
use crate::components::{CORRECTNESS_PARAM, THRESHOLD_PARAM};

pub const INFO: RewardInfo = RewardInfo {
    name: "novelty_sharpening",
    family: "estimators",
    source: include_str!("novelty_sharpening.rs"),
    params: PARAMS,
    build,
};

const PARAMS: &[ParamSpec] = &[
    CORRECTNESS_PARAM,
    THRESHOLD_PARAM,
    ParamSpec::new(
        "likelihood",
        Kind::Enum(&["mean", "sum"]),
        "\"mean\"",
        "sequence likelihood: mean or sum of the token log-probabilities",
    ),
    ParamSpec::new("weight", Kind::Float, "0.5", "κ: the weight of the novelty").min(0.0),
    ParamSpec::new("max_novelty", Kind::Float, "3.0", "cap on the novelty ν").min(0.0),
    ParamSpec::new(
        "output",
        Kind::Enum(&["bonus", "advantage"]),
        "\"bonus\"",
        "the bonus weight·ν, or the sharpened GRPO advantage",
    ),
    STD_PARAM,
    EPS_PARAM,
];

struct Novelty {
    correctness: (usize, String),
    threshold: f64,
    sum: bool,
    weight: f64,
    max_novelty: f64,
    advantage: bool,
    sample_std: bool,
    eps: f64,
}

fn build(p: &Params) -> Result<Arc<dyn Reward>, String> {
    let correctness = p.component("correctness").ok_or(
        "`correctness` must name the component that says whether a rollout is right".to_string(),
    )?;
    let weight = p.f64("weight");
    let max_novelty = p.f64("max_novelty");
    Ok(Arc::new(Novelty {
        correctness,
        threshold: p.f64("threshold"),
        sum: p.str("likelihood") == "sum",
        weight,
        max_novelty,
        advantage: p.str("output") == "advantage",
        sample_std: p.str("std") == "sample",
        eps: p.f64("eps"),
    }))
}

impl Novelty {
    fn likelihood(&self, s: &Sample) -> Result<f64, Failure> {
        let lp = s.logprobs.as_deref().ok_or_else(|| {
            Failure::invalid_input(
                "sample has no `logprobs` field (novelty_sharpening reads the token log-probabilities of correct responses)",
            )
        })?;
        if lp.is_empty() {
            return Err(Failure::invalid_input(
                "field `logprobs` is empty: a correct response needs its token log-probabilities",
            ));
        }
        let total: f64 = lp.iter().sum();
        let l = if self.sum {
            total
        } else {
            total / lp.len() as f64
        };
        if l.is_finite() {
            Ok(l)
        } else {
            Err(Failure::invalid_input(
                "field `logprobs`: the log-likelihood overflows",
            ))
        }
    }
}

impl Reward for Novelty {
    fn score(&self, sample: &Sample, cx: &Ctx) -> Outcome {
        score_alone(self, sample, cx)
    }

    fn scope(&self) -> Scope {
        Scope::Group
    }

    fn score_group(&self, members: &[Member], _cx: &GroupCtx) -> Vec<Outcome> {
        let (idx, name) = &self.correctness;
        let rewards: Vec<Option<f64>> = members.iter().map(|m| m.value(*idx)).collect();
        // ℓ for correct members (None for wrong or unscored ones).
        let lls: Vec<Option<Result<f64, Failure>>> = members
            .iter()
            .zip(&rewards)
            .map(|(m, r)| match r {
                Some(r) if *r >= self.threshold => Some(self.likelihood(m.sample)),
                _ => None,
            })
            .collect();
        let cohort: Vec<f64> = lls
            .iter()
            .filter_map(|l| l.as_ref().and_then(|l| l.as_ref().ok().copied()))
            .collect();
        let (mu, sigma) = mean_std(&cohort, self.sample_std);
        let scored: Vec<f64> = rewards.iter().flatten().copied().collect();
        let (r_mean, r_std) = mean_std(&scored, self.sample_std);
        let ll_ok = mu.is_finite() && sigma.is_finite();
        let r_ok = r_mean.is_finite() && r_std.is_finite();
        rewards
            .iter()
            .zip(lls)
            .map(|(r, l)| {
                let r = r.ok_or_else(|| missing(name))?;
                if !ll_ok {
                    return Err(Failure::invalid_input(
                        "field `logprobs`: the correct responses' log-likelihoods are too large for their statistics",
                    ));
                }
                if self.advantage && !r_ok {
                    return Err(overflow(name));
                }
                let nu = match l {
                    None => 0.0,
                    Some(Err(f)) => return Err(f),
                    Some(Ok(l)) => {
                        let z = (mu - l) / (sigma + self.eps);
                        // 0/0 only when every likelihood equals the mean.
                        if z.is_nan() {
                            0.0
                        } else {
                            z.clamp(0.0, self.max_novelty)
                        }
                    }
                };
                let value = if self.advantage {
                    let a = if scored.len() < 2 {
                        0.0
                    } else {
                        (r - r_mean) / (r_std + self.eps)
                    };
                    // 0/0 only when every reward equals the mean.
                    let a = if a.is_nan() { 0.0 } else { a };
                    if a > 0.0 && r >= self.threshold {
                        a * (1.0 + self.weight * nu)
                    } else {
                        a
                    }
                } else {
                    self.weight * nu
                };
                if !value.is_finite() {
                    return Err(overflow(name));
                }
                Ok(Score::with_details(value, json!({"novelty": nu})))
            })
            .collect()
    }
}
