//! PRL's entropy-regularised process rewards: the outcome reward and β times the policy/reference log-ratio, split over the steps of the response.
//!
//! ## What it computes
//! With r the `outcome` component, ℓ_1 … ℓ_n the sample's `logprobs` (the policy's
//! log-probability of each response token), ℓ^ref_1 … ℓ^ref_n the reference model's
//! (`meta.ref_logprobs`) and β = `beta`, the tokens are cut into steps 1 … K (consecutive chunks
//! of `step_length` tokens, the last one shorter, or the lengths in `meta.step_lengths`), and
//! d_k = Σ_{t in step k} (ℓ_t − ℓ^ref_t) is step k's log-ratio. Then
//! ```text
//! form: share   ρ_k = r/K − β · d_k          step k's share of the outcome minus its own log-ratio
//! form: to_go   ρ_k = r − β · Σ_{j > k} d_j  the value of the prefix ending with step k (ρ_K = r)
//! G   = r − β · Σ_{j ≥ 1} d_j                the KL-regularised return of the whole response
//! value = aggregation(ρ_1 … ρ_K)
//! ```
//! With `form: share` the step rewards add up to G (`aggregation: sum` gives G itself); with
//! `form: to_go` (the default) each step is charged for the log-ratio of what follows it, so the
//! first step's own log-ratio enters only G, and a response of one step scores r.
//! Both log-prob lists must be present, non-empty, of the same length, and every entry a
//! log-probability (≤ 0); `meta.step_lengths` (with `segment: field`) must be positive integers
//! that add up to n. Anything else is `invalid_input` naming the field; a failed `outcome` is
//! that component's failure. The details give `steps` (K), `regularized_return` (G), `log_ratio`
//! (Σ d_k) and, for at most `detail_limit` steps, `step_rewards` (ρ_1 … ρ_K) and `step_ends` (the
//! index one past each step's last token), to broadcast each step's reward to its tokens.
//!
//! ## Why
//! "PRL: Process Reward Learning Improves LLMs' Reasoning Ability and Broadens the Reasoning
//! Boundary" "decomposes the entropy regularized reinforcement learning objective into
//! intermediate steps, with rigorous process rewards", a formulation "essentially equivalent to
//! the objective of reward maximization plus a KL-divergence penalty term between the policy model
//! and a reference model", which turns "the outcome reward into process supervision signals"
//! without MCTS or a separate reward model. The abstract gives no formula; Plaudit's reading is
//! the standard decomposition of that objective: the optimum of r − β·KL(π‖π_ref) satisfies
//! r − β·log(π*(y)/π_ref(y)) = constant, and splitting the log-ratio over the steps gives, for
//! the prefix that ends with step k, the outcome minus β times the log-ratio of the completion
//! that follows it: a one-sample estimate, with the current policy for π*, of that prefix's
//! entropy-regularised value. The last step's reward is the outcome itself, earlier steps are
//! charged for how far the rest of the response strays from the reference, and ρ_0 = G is the
//! sequence objective. `form: share` is the research catalogue's reading of the same sentence:
//! each step gets an equal share of the outcome minus β times its own log-ratio, so the step
//! rewards decompose G exactly and every step pays for its own divergence. How steps are cut
//! (fixed token chunks by default), the form, β's default and the aggregation are Plaudit's
//! choices. Both models' forward passes are the trainer's; Plaudit
//! computes the arithmetic.
//!
//! ## Parameters
//! - `outcome` (component name; default `correct`): r, the outcome reward.
//! - `form` (to_go | share; default `to_go`): the step reward's form (above).
//! - `beta` (number > 0; default 0.05): β, the weight of the log-ratio (1/η for the objective
//!   r − (1/η)·KL).
//! - `segment` (length | field; default `length`): cut the tokens into chunks of `step_length`,
//!   or by the trainer's `meta.step_lengths` (tokens per step).
//! - `step_length` (integer ≥ 1; default 256): tokens per step with `segment: length`.
//! - `aggregation` (mean | min | first | last | sum; default `mean`): how the step rewards
//!   combine into the value (`first` is ρ_1, `last` is r).
//! - `detail_limit` (integer; default 64): `step_rewards` and `step_ends` are listed only for at
//!   most this many steps.
//!
//! ## Example
//! ```json
//! {"params": {"beta": 0.5, "step_length": 2}, "components": {"correct": 1.0}, "sample": {"response": "…", "logprobs": [-1.0, -0.5, -2.0, -0.25], "meta": {"ref_logprobs": [-1.5, -0.5, -1.0, -0.75]}}, "value": 1.125}
//! {"params": {"form": "share", "beta": 0.5, "step_length": 2, "aggregation": "sum"}, "components": {"correct": 1.0}, "sample": {"response": "…", "logprobs": [-1.0, -0.5, -2.0, -0.25], "meta": {"ref_logprobs": [-1.5, -0.5, -1.0, -0.75]}}, "value": 1.0}
//! {"params": {"form": "share", "beta": 0.5, "step_length": 2, "aggregation": "first"}, "components": {"correct": 1.0}, "sample": {"response": "…", "logprobs": [-1.0, -0.5, -2.0, -0.25], "meta": {"ref_logprobs": [-1.5, -0.5, -1.0, -0.75]}}, "value": 0.25}
//! {"params": {"beta": 0.5, "step_length": 2, "aggregation": "first"}, "components": {"correct": 1.0}, "sample": {"response": "…", "logprobs": [-1.0, -0.5, -2.0, -0.25], "meta": {"ref_logprobs": [-1.5, -0.5, -1.0, -0.75]}}, "value": 1.25}
//! {"params": {"beta": 0.5, "segment": "field", "aggregation": "first"}, "components": {"correct": 0.0}, "sample": {"response": "…", "logprobs": [-1.0, -0.5, -2.0, -0.25], "meta": {"ref_logprobs": [-1.5, -0.5, -1.0, -0.75], "step_lengths": [1, 3]}}, "value": 0.25}
//! {"params": {"beta": 0.5, "segment": "field", "aggregation": "sum"}, "components": {"correct": 1.0}, "sample": {"response": "…", "logprobs": [-1.0, -0.5, -2.0, -0.25], "meta": {"ref_logprobs": [-1.5, -0.5, -1.0, -0.75], "step_lengths": [3, 1]}}, "value": 1.75}
//! {"params": {"beta": 0.5, "segment": "field"}, "components": {"correct": 1.0}, "sample": {"response": "…", "logprobs": [-1.0, -0.5, -2.0, -0.25], "meta": {"ref_logprobs": [-1.5, -0.5, -1.0, -0.75], "step_lengths": [3, 2]}}, "status": "invalid_input"}
//! {"params": {}, "components": {"correct": 1.0}, "sample": {"response": "…", "logprobs": [-1.0, -0.5], "meta": {"ref_logprobs": [-1.5]}}, "status": "invalid_input"}
//! {"params": {}, "components": {"correct": 1.0}, "sample": {"response": "…", "logprobs": [-1.0, 0.5], "meta": {"ref_logprobs": [-1.5, -0.5]}}, "status": "invalid_input"}
//! ```

use std::sync::Arc;

use plaudit_core::sample::type_name;
use plaudit_core::{
    Ctx, Failure, Kind, Outcome, ParamSpec, Params, Reward, RewardInfo, Sample, Score,
};
use serde_json::{json, Value};

use super::prime_implicit::token_logprobs;
use super::steps::{detail_limit, finite, listed, Aggregation, DETAIL_LIMIT_PARAM};

pub const INFO: RewardInfo = RewardInfo {
    name: "prl_process",
    family: "process",
    source: include_str!("prl_process.rs"),
    params: PARAMS,
    build,
};

const PARAMS: &[ParamSpec] = &[
    ParamSpec::new(
        "outcome",
        Kind::Component,
        "\"correct\"",
        "the outcome reward r",
    ),
    ParamSpec::new(
        "form",
        Kind::Enum(&["to_go", "share"]),
        "\"to_go\"",
        "step k gets r − β·(log-ratio after it), or r/K − β·(its own log-ratio)",
    ),
    ParamSpec::new(
        "beta",
        Kind::Float,
        "0.05",
        "β, the weight of the log-ratio",
    )
    .above(0.0),
    ParamSpec::new(
        "segment",
        Kind::Enum(&["length", "field"]),
        "\"length\"",
        "steps of `step_length` tokens, or the lengths in `meta.step_lengths`",
    ),
    ParamSpec::new(
        "step_length",
        Kind::Int,
        "256",
        "tokens per step (segment: length)",
    )
    .min(1.0),
    ParamSpec::new(
        "aggregation",
        Kind::Enum(&["mean", "min", "first", "last", "sum"]),
        "\"mean\"",
        "how the step rewards combine",
    ),
    DETAIL_LIMIT_PARAM,
];

struct PrlProcess {
    outcome: (usize, String),
    /// `form: share`: r/K − β·d_k (else r − β·Σ_{j>k} d_j).
    share: bool,
    beta: f64,
    from_field: bool,
    step_length: usize,
    aggregation: Aggregation,
    detail_limit: usize,
}

fn build(p: &Params) -> Result<Arc<dyn Reward>, String> {
    let outcome = p
        .component("outcome")
        .ok_or("parameter `outcome` must name the outcome reward")?;
    Ok(Arc::new(PrlProcess {
        outcome,
        share: p.str("form") == "share",
        beta: p.f64("beta"),
        from_field: p.str("segment") == "field",
        step_length: p.usize("step_length")?,
        aggregation: Aggregation::from_params(p, "aggregation")?,
        detail_limit: detail_limit(p)?,
    }))
}

/// The index one past each step's last token, from `meta.step_lengths` (positive integers that
/// add up to `n`).
fn field_ends(sample: &Sample, n: usize) -> Result<Vec<usize>, Failure> {
    let items = match sample.meta.get("step_lengths") {
        None | Some(Value::Null) => {
            return Err(Failure::invalid_input(
                "sample has no `meta.step_lengths` (parameter `segment: field` cuts the tokens into steps of these lengths)",
            ))
        }
        Some(Value::Array(items)) if !items.is_empty() => items,
        Some(Value::Array(_)) => {
            return Err(Failure::invalid_input(
                "`meta.step_lengths` is empty: there is no step",
            ))
        }
        Some(other) => {
            return Err(Failure::invalid_input(format!(
                "`meta.step_lengths`: expected a list of token counts, got {}",
                type_name(other)
            )))
        }
    };
    let mut ends = Vec::with_capacity(items.len());
    let mut at = 0usize;
    for (i, x) in items.iter().enumerate() {
        let len = x.as_u64().filter(|&l| l > 0).ok_or_else(|| {
            Failure::invalid_input(format!(
                "`meta.step_lengths[{i}]`: expected a positive integer, got {x}"
            ))
        })?;
        at = at.saturating_add(usize::try_from(len).unwrap_or(usize::MAX));
        ends.push(at);
    }
    if at != n {
        return Err(Failure::invalid_input(format!(
            "`meta.step_lengths` adds up to {at} tokens but `logprobs` has {n}"
        )));
    }
    Ok(ends)
}

impl Reward for PrlProcess {
    fn score(&self, sample: &Sample, cx: &Ctx) -> Outcome {
        let (idx, name) = &self.outcome;
        let r = cx.component(*idx, name)?;
        let (lp, reference) = token_logprobs(sample, "the policy's")?;
        let n = lp.len();
        let ends: Vec<usize> = if self.from_field {
            field_ends(sample, n)?
        } else {
            (1..=n.div_ceil(self.step_length))
                .map(|k| (k * self.step_length).min(n))
                .collect()
        };
        // Each step's log-ratio d_k, then the log-ratio after each step, from the end.
        let mut start = 0;
        let mut d = Vec::with_capacity(ends.len());
        for &end in &ends {
            let s: f64 = lp[start..end]
                .iter()
                .zip(&reference[start..end])
                .map(|(a, b)| a - b)
                .sum();
            d.push(s);
            start = end;
        }
        let mut rewards = vec![0.0; d.len()];
        let share = r / d.len() as f64;
        let mut after = 0.0;
        for k in (0..d.len()).rev() {
            let rho = if self.share {
                share - self.beta * d[k]
            } else {
                r - self.beta * after
            };
            rewards[k] = finite(rho, || format!("the reward of step {k}"))?;
            after += d[k];
        }
        let regularized = finite(r - self.beta * after, || "the KL-regularised return".into())?;
        let value = self.aggregation.apply(&rewards, "step rewards")?;
        let mut details = json!({
            "steps": rewards.len(),
            "regularized_return": regularized,
            "log_ratio": after,
        });
        if let Some(list) = listed(&rewards, self.detail_limit) {
            details["step_rewards"] = list;
            details["step_ends"] = json!(ends);
        }
        Ok(Score::with_details(value, details))
    }
}
