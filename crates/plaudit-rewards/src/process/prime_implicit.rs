//! PRIME's implicit process reward: β times the per-token log-likelihood ratio of the implicit PRM and the reference model, aggregated.
//!
//! ## What it computes
//! With ℓ_1 … ℓ_n the sample's `logprobs` (the implicit PRM's log-probability of each response
//! token), ℓ^ref_1 … ℓ^ref_n the reference model's (`meta.ref_logprobs`) and β = `beta`:
//! ```text
//! r_t = β · (ℓ_t − ℓ^ref_t)                    per token
//! value = aggregation(r_1 … r_n)               sum: β · log(π(y)/π_ref(y)), the implicit outcome reward
//! ```
//! `sum` is the sequence-level (outcome) implicit reward, `mean` is it divided by n, `min` the
//! worst token, `max` the best, `last` the final token's. Both lists must be present, non-empty
//! and of the same length, and every entry is a log-probability (≤ 0): anything else is
//! `invalid_input` naming the field, so probabilities sent by mistake are caught. The details give
//! `tokens` (n), `implicit_reward` (the sum, whatever the aggregation, when finite) and, for at most
//! `detail_limit` tokens, `token_rewards` (r_1 … r_n).
//!
//! ## Why
//! "Process Reinforcement through Implicit Rewards" (PRIME) trains process reward models online
//! "using only policy rollouts and outcome labels through implicit process rewards", avoiding
//! costly step labels and the reward hacking of a frozen PRM, and "combines well with various
//! advantage functions". It builds on "Free Process Rewards without Process Labels", whose "only
//! assumption is to parameterize the outcome reward as the log-likelihood ratios of the policy and
//! reference models", which makes every token's log-ratio a process reward. The abstracts give the
//! log-likelihood ratio but not β or an aggregation: the per-token form above is Plaudit's research
//! catalogue's, and β's default and the aggregations are Plaudit's documented choices. Plaudit
//! computes the arithmetic from log-probs the trainer supplies (both models' forward passes happen
//! there); combine the result with an outcome component in the spec's expression, as PRIME combines
//! implicit process rewards with outcome rewards.
//!
//! ## Parameters
//! - `beta` (number > 0; default 0.05): β, the scale of the log-ratio.
//! - `aggregation` (sum | mean | min | max | last; default `sum`): how the token rewards combine.
//! - `detail_limit` (integer; default 64): `token_rewards` is listed only for at most this many
//!   tokens.
//!
//! ## Example
//! ```json
//! {"params": {}, "sample": {"response": "…", "logprobs": [-1.0, -0.5, -2.0], "meta": {"ref_logprobs": [-1.5, -0.5, -1.0]}}, "value": -0.025}
//! {"params": {"beta": 1.0, "aggregation": "mean"}, "sample": {"response": "…", "logprobs": [-1.0, -0.5, -2.0], "meta": {"ref_logprobs": [-1.5, -0.5, -1.0]}}, "value": -0.16666666666666666}
//! {"params": {"beta": 1.0, "aggregation": "min"}, "sample": {"response": "…", "logprobs": [-1.0, -0.5, -2.0], "meta": {"ref_logprobs": [-1.5, -0.5, -1.0]}}, "value": -1.0}
//! {"params": {"beta": 1.0, "aggregation": "max"}, "sample": {"response": "…", "logprobs": [-1.0, -0.5, -2.0], "meta": {"ref_logprobs": [-1.5, -0.5, -1.0]}}, "value": 0.5}
//! {"params": {"beta": 0.5, "aggregation": "last"}, "sample": {"response": "…", "logprobs": [-1.0, 0.0], "meta": {"ref_logprobs": [-1.5, -0.25]}}, "value": 0.125}
//! {"params": {}, "sample": {"response": "…", "logprobs": [-0.7, -0.1], "meta": {"ref_logprobs": [-0.7, -0.1]}}, "value": 0.0}
//! {"params": {}, "sample": {"response": "…", "logprobs": [-1.0, -0.5], "meta": {"ref_logprobs": [-1.5]}}, "status": "invalid_input"}
//! {"params": {}, "sample": {"response": "…", "logprobs": [-1.0, -0.5]}, "status": "invalid_input"}
//! {"params": {}, "sample": {"response": "…", "meta": {"ref_logprobs": [-1.5]}}, "status": "invalid_input"}
//! {"params": {}, "sample": {"response": "…", "logprobs": [-1.0, 0.4], "meta": {"ref_logprobs": [-1.5, -0.2]}}, "status": "invalid_input"}
//! {"params": {}, "sample": {"response": "…", "logprobs": [-1.0], "meta": {"ref_logprobs": ["-1.5"]}}, "status": "invalid_input"}
//! {"params": {}, "sample": {"response": "…", "logprobs": [], "meta": {"ref_logprobs": []}}, "status": "invalid_input"}
//! ```

use std::sync::Arc;

use plaudit_core::{
    Ctx, Failure, Kind, Outcome, ParamSpec, Params, Reward, RewardInfo, Sample, Score,
};
use serde_json::json;

use super::steps::{detail_limit, finite, listed, meta_floats, Aggregation, DETAIL_LIMIT_PARAM};

pub const INFO: RewardInfo = RewardInfo {
    name: "prime_implicit",
    family: "process",
    source: include_str!("prime_implicit.rs"),
    params: PARAMS,
    build,
};

const PARAMS: &[ParamSpec] = &[
    ParamSpec::new("beta", Kind::Float, "0.05", "β, the scale of the log-ratio").above(0.0),
    ParamSpec::new(
        "aggregation",
        Kind::Enum(&["sum", "mean", "min", "max", "last"]),
        "\"sum\"",
        "how the token rewards combine",
    ),
    DETAIL_LIMIT_PARAM,
];

struct PrimeImplicit {
    beta: f64,
    aggregation: Aggregation,
    detail_limit: usize,
}

fn build(p: &Params) -> Result<Arc<dyn Reward>, String> {
    let beta = p.f64("beta");
    Ok(Arc::new(PrimeImplicit {
        beta,
        aggregation: Aggregation::from_params(p, "aggregation")?,
        detail_limit: detail_limit(p)?,
    }))
}

/// The sample's `logprobs` (`whose` log-probability of each response token, e.g. "the policy's")
/// and `meta.ref_logprobs` (the reference model's): present, of the same non-zero length, and
/// log-probabilities, else `invalid_input` naming the field.
pub(super) fn token_logprobs<'s>(
    sample: &'s Sample,
    whose: &str,
) -> Result<(&'s [f64], Vec<f64>), Failure> {
    let lp = sample.logprobs.as_deref().ok_or_else(|| {
        Failure::invalid_input(format!(
            "sample has no `logprobs` ({whose} log-probability of each response token)"
        ))
    })?;
    let reference = meta_floats(
        sample,
        "ref_logprobs",
        "the reference model's log-probability of each response token",
    )?;
    if lp.len() != reference.len() {
        return Err(Failure::invalid_input(format!(
            "`logprobs` has {} tokens but `meta.ref_logprobs` has {}",
            lp.len(),
            reference.len()
        )));
    }
    if lp.is_empty() {
        return Err(Failure::invalid_input(
            "`logprobs` and `meta.ref_logprobs` are empty: there is no token to score",
        ));
    }
    check_logprobs(lp, "logprobs")?;
    check_logprobs(&reference, "meta.ref_logprobs")?;
    Ok((lp, reference))
}

/// Every entry of `xs` is a log-probability (≤ 0), else `invalid_input` naming `field[i]`.
fn check_logprobs(xs: &[f64], field: &str) -> Result<(), Failure> {
    match xs.iter().position(|x| *x > 0.0) {
        Some(i) => Err(Failure::invalid_input(format!(
            "`{field}[{i}]` is {}, but a log-probability is at most 0",
            xs[i]
        ))),
        None => Ok(()),
    }
}

impl Reward for PrimeImplicit {
    fn score(&self, sample: &Sample, _cx: &Ctx) -> Outcome {
        let (lp, reference) = token_logprobs(sample, "the implicit PRM's")?;
        let mut rewards = Vec::with_capacity(lp.len());
        for (t, (a, b)) in lp.iter().zip(&reference).enumerate() {
            rewards.push(finite(self.beta * (a - b), || {
                format!("the implicit reward of token {t}")
            })?);
        }
        let value = self.aggregation.apply(&rewards, "token rewards")?;
        let mut details = json!({"tokens": rewards.len()});
        let total: f64 = rewards.iter().sum();
        if total.is_finite() {
            details["implicit_reward"] = json!(total);
        }
        if let Some(list) = listed(&rewards, self.detail_limit) {
            details["token_rewards"] = list;
        }
        Ok(Score::with_details(value, details))
    }
}
