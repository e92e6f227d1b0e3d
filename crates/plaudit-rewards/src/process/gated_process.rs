//! G-RA's gated reward accumulation: step rewards count only when the outcome reward reaches a threshold.
//!
//! ## What it computes
//! With o the value of the `outcome` component, τ = `threshold`, w = `weight` and
//! s_1 … s_T the sample's `step_scores` (T ≥ 1):
//! ```text
//! r = o + w · A(s_1 … s_T)   if o ≥ τ
//! r = o                      otherwise
//! ```
//! where A is `aggregation` (by default the sum: the accumulated immediate rewards). This reward
//! already contains the outcome: use it in place of the outcome component in the expression. The
//! step scores are read and checked whether or not the gate opens, so missing or misaligned
//! `step_scores` are `invalid_input` for every sample, never hidden behind a closed gate; a failed
//! `outcome` component fails this reward too. The details give `gate` (whether o ≥ τ), `outcome`
//! (o), `process` (A, computed either way) and `steps` (T).
//!
//! ## Why
//! "Stabilizing Long-term Multi-turn Reinforcement Learning with Gated Rewards" shows that
//! stepwise critic rewards misaligned with the long-term objective lead to reward hacking in
//! multi-turn software-engineering agents, and proposes Gated Reward Accumulation (G-RA), which
//! "accumulates immediate rewards only when high-level (long-term) rewards meet a predefined
//! threshold"; on SWE-bench Verified it raised completion rates from 47.6% to 93.8% while avoiding
//! policy degradation. The abstract states the gate only: the additive form above (Plaudit's
//! research catalogue's `R = R_high + 1[R_high ≥ τ] · Σ_t r_t`), the weight and the aggregation are
//! Plaudit's documented choices, exposed as parameters.
//!
//! ## Parameters
//! - `outcome` (component name; default `correct`): the high-level (outcome) reward that gates.
//! - `threshold` (number; default 0.5): τ, the outcome value at or above which step rewards count.
//! - `weight` (number; default 1.0): w, the weight of the aggregated step rewards.
//! - `aggregation` (min | last | mean | product | sum; default `sum`): A.
//! - `steps_from` (auto | field | response | none; default `auto`): what `step_scores` must line up
//!   with (see `process_aggregate`); a different count is `invalid_input`.
//! - `delimiter` (string; default `"\n\n"`): the separator between steps under
//!   `steps_from: response`.
//!
//! ## Example
//! ```json
//! {"params": {}, "components": {"correct": 1.0}, "sample": {"response": "…", "step_scores": [0.5, 0.25, 0.25]}, "value": 2.0}
//! {"params": {}, "components": {"correct": 0.0}, "sample": {"response": "…", "step_scores": [0.5, 0.25, 0.25]}, "value": 0.0}
//! {"params": {}, "components": {"correct": 1.0}, "sample": {"response": "…", "step_scores": [-0.5, -0.25]}, "value": 0.25}
//! {"params": {"weight": 0.5, "aggregation": "mean"}, "components": {"correct": 1.0}, "sample": {"response": "…", "step_scores": [0.6, 0.8]}, "value": 1.35}
//! {"params": {"outcome": "tests", "threshold": 0.8}, "components": {"tests": 0.6}, "sample": {"response": "…", "step_scores": [-0.1, 0.2]}, "value": 0.6}
//! {"params": {"outcome": "tests", "threshold": 0.8}, "components": {"tests": 0.9}, "sample": {"response": "…", "step_scores": [-0.1, 0.2]}, "value": 1.0}
//! {"params": {"outcome": "tests", "threshold": 0.8}, "components": {"tests": 0.8}, "sample": {"response": "…", "step_scores": [0.2]}, "value": 1.0}
//! {"params": {"weight": 0.1, "aggregation": "min", "steps_from": "response"}, "components": {"correct": 1.0}, "sample": {"response": "Read the file.\n\nPatch line 3.\n\nRun the tests.", "step_scores": [1.0, 0.5, 0.8]}, "value": 1.05}
//! {"params": {}, "components": {"correct": 0.0}, "sample": {"response": "…"}, "status": "invalid_input"}
//! {"params": {}, "components": {"correct": 1.0}, "sample": {"response": "…", "steps": ["a", "b", "c"], "step_scores": [0.5, 0.5]}, "status": "invalid_input"}
//! ```

use std::sync::Arc;

use plaudit_core::{Ctx, Kind, Outcome, ParamSpec, Params, Reward, RewardInfo, Sample, Score};
use serde_json::json;

use super::steps::{
    finite, Aggregation, StepSource, AGGREGATIONS, DELIMITER_PARAM, STEPS_FROM_PARAM,
};

pub const INFO: RewardInfo = RewardInfo {
    name: "gated_process",
    family: "process",
    source: include_str!("gated_process.rs"),
    params: PARAMS,
    build,
};

const PARAMS: &[ParamSpec] = &[
    ParamSpec::new(
        "outcome",
        Kind::Component,
        "\"correct\"",
        "the outcome component that gates the step rewards",
    ),
    ParamSpec::new(
        "threshold",
        Kind::Float,
        "0.5",
        "outcome value at or above which step rewards count",
    ),
    ParamSpec::new(
        "weight",
        Kind::Float,
        "1.0",
        "weight of the aggregated step rewards",
    ),
    ParamSpec::new(
        "aggregation",
        Kind::Enum(AGGREGATIONS),
        "\"sum\"",
        "how the step rewards combine",
    ),
    STEPS_FROM_PARAM,
    DELIMITER_PARAM,
];

struct GatedProcess {
    outcome: (usize, String),
    threshold: f64,
    weight: f64,
    aggregation: Aggregation,
    source: StepSource,
}

fn build(p: &Params) -> Result<Arc<dyn Reward>, String> {
    let outcome = p
        .component("outcome")
        .ok_or("parameter `outcome` must name the outcome component that gates the step rewards")?;
    Ok(Arc::new(GatedProcess {
        outcome,
        threshold: p.f64("threshold"),
        weight: p.f64("weight"),
        aggregation: Aggregation::from_params(p, "aggregation")?,
        source: StepSource::from_params(p)?,
    }))
}

impl Reward for GatedProcess {
    fn score(&self, sample: &Sample, cx: &Ctx) -> Outcome {
        let (idx, name) = &self.outcome;
        let o = cx.component(*idx, name)?;
        let steps = self.source.read(sample)?;
        let process = self.aggregation.apply(steps.scores, "step scores")?;
        let gate = o >= self.threshold;
        let value = if gate {
            finite(o + self.weight * process, || "the gated reward".into())?
        } else {
            o
        };
        Ok(Score::with_details(
            value,
            json!({"gate": gate, "outcome": o, "process": process, "steps": steps.scores.len()}),
        ))
    }
}
