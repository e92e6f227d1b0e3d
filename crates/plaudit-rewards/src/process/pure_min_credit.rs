//! PURE's min-form credit assignment: a trajectory is worth its worst step reward, and each step the minimum of the rewards from there on.
//!
//! ## What it computes
//! With r_1 … r_T the sample's `step_scores` (T ≥ 1) and τ = `temperature`:
//! ```text
//! τ = 0:  value = min_t r_t                       returns[k] = min_{j ≥ k} r_j
//! τ > 0:  value = Σ_t w_t · r_t,  w = softmax(−r/τ) over all steps
//!         returns[k] = Σ_{j ≥ k} softmax_{j ≥ k}(−r/τ)_j · r_j     (the softmin of the future)
//! ```
//! `returns` is the min-form value of each step (the sum of future rewards, Σ_{j ≥ k} γ^{j−k} r_j,
//! with the sum replaced by a minimum); `returns[0]` is the value. `step_rewards[t] = w_t · r_t`
//! are the per-step rewards whose plain sum is the value, for trainers that accumulate per-step
//! rewards by summation; under τ = 0 the weights w are 1/m on the m steps that hold the minimum
//! and 0 elsewhere. The softmin tends to the minimum as τ → 0 and to the mean as τ → ∞, and it
//! is computed shifted by the minimum, so no exponential overflows. The details give `steps` (T),
//! `argmin` (the index, from 0, of the first lowest reward) and, for at most `detail_limit`
//! steps, `returns` and `step_rewards`. Indices count steps from 0.
//!
//! ## Why
//! "Stop Summation: Min-Form Credit Assignment Is All Process Reward Model Needs for Reasoning"
//! (PURE) finds that the canonical summation-form credit assignment, "cumulative gamma-decayed
//! future rewards", makes a policy trained on process-reward-model scores "hack steps with high
//! rewards", and formulates "the value function as the minimum of future rewards", which limits its
//! range; with it, PRM-based fine-tuning matches verifiable-reward methods in 30% of the steps where
//! the sum-form collapses. The abstract states the minimum only; the temperature form is the one
//! the authors give with their code release (Σ_t softmax(−r_t/T)·r_t, approaching min_t r_t as
//! T → 0), and extending it to every step's future (`returns`) is Plaudit's documented choice. The
//! paper also mixes in "10% verifiable rewards": combine this reward with an outcome component in
//! the spec's expression (or with `gated_process`).
//!
//! ## Parameters
//! - `temperature` (number ≥ 0; default 0): τ; 0 is the exact minimum.
//! - `steps_from` (auto | field | response | none; default `auto`): what `step_scores` must line up
//!   with (see `process_aggregate`): the sample's `steps` when it has them, always `steps`, the
//!   response split at `delimiter`, or nothing; a different count is `invalid_input`.
//! - `delimiter` (string; default `"\n\n"`): the separator between steps under
//!   `steps_from: response`.
//! - `detail_limit` (integer; default 64): `returns` and `step_rewards` are listed only for at
//!   most this many steps.
//!
//! ## Example
//! ```json
//! {"params": {}, "sample": {"response": "…", "step_scores": [0.9, 0.2, 0.7]}, "value": 0.2}
//! {"params": {}, "sample": {"response": "…", "step_scores": [1.0, -0.5, 2.0, -1.0]}, "value": -1.0}
//! {"params": {}, "sample": {"response": "…", "step_scores": [0.5]}, "value": 0.5}
//! {"params": {"temperature": 1.0}, "sample": {"response": "…", "step_scores": [0.0, 1.0]}, "value": 0.2689414213699951}
//! {"params": {"temperature": 0.1}, "sample": {"response": "…", "step_scores": [0.9, 0.2, 0.7]}, "value": 0.20397686851150307}
//! {"params": {"temperature": 1000.0}, "sample": {"response": "…", "step_scores": [0.2, 0.4]}, "value": 0.29999000000003334}
//! {"params": {"temperature": 0.5}, "sample": {"response": "…", "step_scores": [0.3, 0.3, 0.3]}, "value": 0.3}
//! {"params": {"steps_from": "response"}, "sample": {"response": "a\n\nb", "step_scores": [0.9, 0.2, 0.7]}, "status": "invalid_input"}
//! {"params": {}, "sample": {"response": "…"}, "status": "invalid_input"}
//! {"params": {}, "sample": {"response": "…", "step_scores": []}, "status": "invalid_input"}
//! ```

use std::sync::Arc;

use plaudit_core::{
    Ctx, Failure, Kind, Outcome, ParamSpec, Params, Reward, RewardInfo, Sample, Score,
};
use serde_json::json;

use super::steps::{
    detail_limit, finite, StepSource, DELIMITER_PARAM, DETAIL_LIMIT_PARAM, STEPS_FROM_PARAM,
};

pub const INFO: RewardInfo = RewardInfo {
    name: "pure_min_credit",
    family: "process",
    source: include_str!("pure_min_credit.rs"),
    params: PARAMS,
    build,
};

const PARAMS: &[ParamSpec] = &[
    ParamSpec::new(
        "temperature",
        Kind::Float,
        "0.0",
        "softmin temperature τ (0: the exact minimum)",
    )
    .min(0.0),
    STEPS_FROM_PARAM,
    DELIMITER_PARAM,
    DETAIL_LIMIT_PARAM,
];

struct PureMinCredit {
    temperature: f64,
    source: StepSource,
    detail_limit: usize,
}

fn build(p: &Params) -> Result<Arc<dyn Reward>, String> {
    let temperature = p.f64("temperature");
    Ok(Arc::new(PureMinCredit {
        temperature,
        source: StepSource::from_params(p)?,
        detail_limit: detail_limit(p)?,
    }))
}

/// Per-step min-form returns: `min_{j ≥ k} r_j`.
fn min_returns(r: &[f64]) -> Vec<f64> {
    let mut out = vec![0.0; r.len()];
    let mut m = f64::INFINITY;
    for (k, x) in r.iter().enumerate().rev() {
        m = m.min(*x);
        out[k] = m;
    }
    out
}

/// Per-step softmin returns over the future, in one backward pass. Kept as a running minimum m,
/// the normaliser S = Σ_{j ≥ k} exp(−(r_j − m)/τ) ≥ 1 and the value V itself, which each new step
/// moves by a convex combination (so V never leaves the range of the rewards and cannot overflow).
fn softmin_returns(r: &[f64], tau: f64) -> Vec<f64> {
    let mut out = vec![0.0; r.len()];
    let (mut m, mut s, mut v) = (f64::INFINITY, 0.0_f64, 0.0_f64);
    for (k, &x) in r.iter().enumerate().rev() {
        if x < m {
            // Re-shift the terms already summed to the new minimum (factor ≤ 1; 0 on the first step).
            s *= (-(m - x) / tau).exp();
            m = x;
        }
        let e = (-(x - m) / tau).exp();
        let s_new = s + e;
        v = v * (s / s_new) + x * (e / s_new);
        s = s_new;
        out[k] = v;
    }
    out
}

/// The weights w_t of the value over all steps (softmax(−r/τ); 1/m on the minima when τ = 0).
fn weights(r: &[f64], tau: f64) -> Vec<f64> {
    let m = r.iter().copied().fold(f64::INFINITY, f64::min);
    let e: Vec<f64> = if tau == 0.0 {
        r.iter().map(|x| if *x == m { 1.0 } else { 0.0 }).collect()
    } else {
        r.iter().map(|x| (-(x - m) / tau).exp()).collect()
    };
    let z: f64 = e.iter().sum();
    e.iter().map(|x| x / z).collect()
}

impl Reward for PureMinCredit {
    fn score(&self, sample: &Sample, _cx: &Ctx) -> Outcome {
        let r = self.source.read(sample)?.scores;
        let returns = if self.temperature == 0.0 {
            min_returns(r)
        } else {
            softmin_returns(r, self.temperature)
        };
        let value = finite(returns[0], || "the min-form return".to_string())?;
        let mut argmin = 0;
        for (i, x) in r.iter().enumerate() {
            if *x < r[argmin] {
                argmin = i;
            }
        }
        let mut details = json!({"steps": r.len(), "argmin": argmin});
        if r.len() <= self.detail_limit {
            let w = weights(r, self.temperature);
            let step_rewards: Vec<f64> = r.iter().zip(&w).map(|(x, w)| x * w).collect();
            if returns.iter().chain(&step_rewards).any(|x| !x.is_finite()) {
                return Err(Failure::error(
                    "a min-form return is not a finite number (the step scores are too large in magnitude)",
                ));
            }
            details["returns"] = json!(returns);
            details["step_rewards"] = json!(step_rewards);
        }
        Ok(Score::with_details(value, details))
    }
}
