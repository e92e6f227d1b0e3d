//! Clip and Delta: step rewards transformed so that a trajectory's total stays bounded however many steps it repeats.
//!
//! ## What it computes
//! With r_1 … r_T the sample's `step_scores` (T ≥ 1), each step's reward is transformed:
//! ```text
//! clip:   r'_t = min(r_t − η, 0)                       Σ_t r'_t ≤ 0
//! delta:  r'_t = r_t − r_{t+1}  for t < T
//!         r'_T = r_T  (delta_last: keep)               Σ_t r'_t = r_1
//!         r'_T = 0    (delta_last: zero)               Σ_t r'_t = r_1 − r_T
//! ```
//! and the value is `aggregation` of r'_1 … r'_T (by default their sum, the trajectory's return).
//! Under `clip` a step earns at most 0, so adding steps never raises the total; under `delta` the
//! sum telescopes, so it is bounded by one or two scores whatever T is. The details give `steps`
//! (T), `total` (Σ_t r'_t, whatever the aggregation, when it is finite) and, for at most
//! `detail_limit` steps, `step_rewards` (r'_1 … r'_T, indexed from 0).
//!
//! ## Why
//! "On Designing Effective RL Reward at Training Time for LLM Reasoning" finds that learned outcome
//! and process reward models used as RL rewards can be hacked "by repeating correct but
//! unnecessary reasoning steps", and introduces two refinements, Clipping and Delta, whose "key
//! idea is to ensure the accumulative reward of any reasoning trajectory is upper-bounded". The
//! abstract gives no formulas: the forms above are those of Plaudit's research catalogue (clip
//! `min(r − η, 0)`; delta `r_t − r_{t+1}`, telescoping to the first term), and η, the treatment of
//! the last step and the aggregation are Plaudit's documented choices, exposed as parameters. The
//! paper combines these rewards with the success (outcome) reward: add an outcome component in the
//! spec's expression.
//!
//! ## Parameters
//! - `transform` (clip | delta; default `clip`): which refinement.
//! - `eta` (number; default 0.5): η, the score a step must exceed to stop being penalised under
//!   `clip` (0.5 suits PRM scores that are probabilities of a correct step).
//! - `delta_last` (keep | zero; default `keep`): the last step's reward under `delta`.
//! - `aggregation` (min | last | mean | product | sum; default `sum`): how the transformed rewards
//!   combine into the value.
//! - `steps_from` (auto | field | response | none; default `auto`): what `step_scores` must line up
//!   with (see `process_aggregate`); a different count is `invalid_input`.
//! - `delimiter` (string; default `"\n\n"`): the separator between steps under
//!   `steps_from: response`.
//! - `detail_limit` (integer; default 64): `step_rewards` is listed only for at most this many
//!   steps.
//!
//! ## Example
//! ```json
//! {"params": {}, "sample": {"response": "…", "step_scores": [0.9, 0.3, 0.6]}, "value": -0.2}
//! {"params": {}, "sample": {"response": "…", "step_scores": [0.9, 0.9, 0.9, 0.9, 0.9, 0.9]}, "value": 0.0}
//! {"params": {"eta": 0.0}, "sample": {"response": "…", "step_scores": [0.4, -0.5, -0.25]}, "value": -0.75}
//! {"params": {"aggregation": "min"}, "sample": {"response": "…", "step_scores": [0.1, 0.3, 0.6]}, "value": -0.4}
//! {"params": {"transform": "delta"}, "sample": {"response": "…", "step_scores": [0.9, 0.6, 0.8]}, "value": 0.9}
//! {"params": {"transform": "delta"}, "sample": {"response": "…", "step_scores": [0.9, 0.6, 0.8, 0.8, 0.8, 0.8]}, "value": 0.9}
//! {"params": {"transform": "delta", "delta_last": "zero"}, "sample": {"response": "…", "step_scores": [0.9, 0.6, 0.8]}, "value": 0.1}
//! {"params": {"transform": "delta", "aggregation": "min"}, "sample": {"response": "…", "step_scores": [0.9, 0.6, 0.8]}, "value": -0.2}
//! {"params": {"transform": "delta"}, "sample": {"response": "…", "step_scores": [0.7]}, "value": 0.7}
//! {"params": {"transform": "delta", "delta_last": "zero"}, "sample": {"response": "…", "step_scores": [0.7]}, "value": 0.0}
//! {"params": {}, "sample": {"response": "…", "steps": ["a"], "step_scores": [0.9, 0.3]}, "status": "invalid_input"}
//! {"params": {"transform": "delta"}, "sample": {"response": "…"}, "status": "invalid_input"}
//! ```

use std::sync::Arc;

use plaudit_core::{Ctx, Kind, Outcome, ParamSpec, Params, Reward, RewardInfo, Sample, Score};
use serde_json::json;

use super::steps::{
    detail_limit, finite, listed, Aggregation, StepSource, AGGREGATIONS, DELIMITER_PARAM,
    DETAIL_LIMIT_PARAM, STEPS_FROM_PARAM,
};

pub const INFO: RewardInfo = RewardInfo {
    name: "process_transform",
    family: "process",
    source: include_str!("process_transform.rs"),
    params: PARAMS,
    build,
};

const PARAMS: &[ParamSpec] = &[
    ParamSpec::new(
        "transform",
        Kind::Enum(&["clip", "delta"]),
        "\"clip\"",
        "which refinement bounds the total",
    ),
    ParamSpec::new(
        "eta",
        Kind::Float,
        "0.5",
        "η: under clip, r' = min(r − η, 0)",
    ),
    ParamSpec::new(
        "delta_last",
        Kind::Enum(&["keep", "zero"]),
        "\"keep\"",
        "under delta, the last step keeps its score or gets 0",
    ),
    ParamSpec::new(
        "aggregation",
        Kind::Enum(AGGREGATIONS),
        "\"sum\"",
        "how the transformed rewards combine",
    ),
    STEPS_FROM_PARAM,
    DELIMITER_PARAM,
    DETAIL_LIMIT_PARAM,
];

#[derive(Clone, Copy)]
enum Transform {
    Clip { eta: f64 },
    Delta { keep_last: bool },
}

struct ProcessTransform {
    transform: Transform,
    aggregation: Aggregation,
    source: StepSource,
    detail_limit: usize,
}

fn build(p: &Params) -> Result<Arc<dyn Reward>, String> {
    let transform = match p.str("transform") {
        "clip" => Transform::Clip { eta: p.f64("eta") },
        _ => Transform::Delta {
            keep_last: p.str("delta_last") == "keep",
        },
    };
    Ok(Arc::new(ProcessTransform {
        transform,
        aggregation: Aggregation::from_params(p, "aggregation")?,
        source: StepSource::from_params(p)?,
        detail_limit: detail_limit(p)?,
    }))
}

impl ProcessTransform {
    fn transformed(&self, r: &[f64]) -> Vec<f64> {
        match self.transform {
            Transform::Clip { eta } => r.iter().map(|x| (x - eta).min(0.0)).collect(),
            Transform::Delta { keep_last } => {
                let mut out: Vec<f64> = r.windows(2).map(|w| w[0] - w[1]).collect();
                out.push(match (keep_last, r.last()) {
                    (true, Some(x)) => *x,
                    _ => 0.0,
                });
                out
            }
        }
    }
}

impl Reward for ProcessTransform {
    fn score(&self, sample: &Sample, _cx: &Ctx) -> Outcome {
        let r = self.source.read(sample)?.scores;
        let t = self.transformed(r);
        if let Some(i) = t.iter().position(|x| !x.is_finite()) {
            finite(t[i], || format!("the transformed reward of step {i}"))?;
        }
        let value = self.aggregation.apply(&t, "transformed step rewards")?;
        let mut details = json!({"steps": t.len()});
        let total: f64 = t.iter().sum();
        if total.is_finite() {
            details["total"] = json!(total);
        }
        if let Some(list) = listed(&t, self.detail_limit) {
            details["step_rewards"] = list;
        }
        Ok(Score::with_details(value, details))
    }
}
