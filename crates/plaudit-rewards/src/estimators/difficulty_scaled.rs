//! Difficulty-scaled reward: a component scaled up on prompts the group finds hard (low pass rate).
//!
//! ## What it computes
//! The group's pass rate p is the fraction of members whose `correctness` is ≥ `threshold`
//! (over the members whose correctness is known), its difficulty d = 1 − p, and each member's
//! value is the component `of` scaled by it:
//! ```text
//! linear:      r' = r · (1 + beta · d)
//! exponential: r' = r · exp(beta · d)
//! ```
//! With the defaults (`of` and `correctness` both `correct`, `beta` 1) a correct answer earns 1 on
//! a prompt every rollout solves and up to 2 on one almost none solve. A wrong answer (r = 0)
//! stays 0 under both forms; a negative r (a penalty) is scaled the same way. Members whose `of`
//! failed get `error`; members whose `correctness` failed are left out of p; a group where no
//! correctness is known has no pass rate and every member is `invalid_input`.
//!
//! ## Why
//! "Inverse Reinforcement Learning with Dynamic Reward Scaling for LLM Alignment" introduces
//! GRPO-S, which "scales the reward during optimization to task difficulty", measuring
//! model-level responsiveness from reward gaps. The research catalogue lists difficulty from
//! group accuracy as the estimator that needs no model, and the scaling r' = s(difficulty)·r with
//! s unspecified but monotone. The two forms of s, with d = 1 − group pass rate, are Plaudit's
//! documented choice; `beta` sets how strongly hard prompts are emphasised.
//!
//! ## Parameters
//! - `of` (component name; default `correct`): the reward to scale.
//! - `correctness` (component name; default `correct`): the component that says whether a
//!   rollout is right, for the pass rate.
//! - `threshold` (number; default 0.5): the correctness value at or above which it is right.
//! - `beta` (number ≥ 0; default 1.0): the strength of the scaling.
//! - `form` (`linear` | `exponential`; default `linear`).
//!
//! ## Example
//! ```json
//! {"params": {}, "group": [{"sample": {"response": "a"}, "components": {"correct": 1.0}}, {"sample": {"response": "b"}, "components": {"correct": 0.0}}, {"sample": {"response": "c"}, "components": {"correct": 0.0}}, {"sample": {"response": "d"}, "components": {"correct": 0.0}}], "values": [1.75, 0.0, 0.0, 0.0]}
//! {"params": {"beta": 2.0}, "group": [{"sample": {"response": "a"}, "components": {"correct": 1.0}}, {"sample": {"response": "b"}, "components": {"correct": 1.0}}, {"sample": {"response": "c"}, "components": {"correct": 1.0}}, {"sample": {"response": "d"}, "components": {"correct": 0.0}}], "values": [1.5, 1.5, 1.5, 0.0]}
//! {"params": {}, "group": [{"sample": {"response": "a"}, "components": {"correct": 1.0}}, {"sample": {"response": "b"}, "components": {"correct": 1.0}}], "values": [1.0, 1.0]}
//! {"params": {"of": "score", "form": "exponential", "beta": 0.5}, "group": [{"sample": {"response": "a"}, "components": {"correct": 1.0, "score": 0.8}}, {"sample": {"response": "b"}, "components": {"correct": 0.0, "score": -0.4}}], "values": [1.0272203333501932, -0.5136101666750966]}
//! {"params": {"of": "score"}, "group": [{"sample": {"response": "a"}, "components": {"correct": 1.0, "score": 0.8}}, {"sample": {"response": "b"}, "components": {"correct": null, "score": 0.6}}, {"sample": {"response": "c"}, "components": {"correct": 0.0, "score": null}}], "values": [1.2, 0.9, "error"]}
//! {"params": {}, "group": [{"sample": {"response": "a"}, "components": {"correct": null}}], "values": ["error"]}
//! {"params": {"of": "score"}, "group": [{"sample": {"response": "a"}, "components": {"correct": null, "score": 0.5}}], "values": ["invalid_input"]}
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
    name: "difficulty_scaled",
    family: "estimators",
    source: include_str!("difficulty_scaled.rs"),
    params: PARAMS,
    build,
};

const PARAMS: &[ParamSpec] = &[
    ParamSpec::new("of", Kind::Component, "\"correct\"", "the reward to scale"),
    CORRECTNESS_PARAM,
    THRESHOLD_PARAM,
    ParamSpec::new("beta", Kind::Float, "1.0", "strength of the scaling").min(0.0),
    ParamSpec::new(
        "form",
        Kind::Enum(&["linear", "exponential"]),
        "\"linear\"",
        "r·(1 + beta·d) or r·exp(beta·d)",
    ),
];

struct DifficultyScaled {
    of: (usize, String),
    correctness: (usize, String),
    threshold: f64,
    beta: f64,
    exponential: bool,
}

fn build(p: &Params) -> Result<Arc<dyn Reward>, String> {
    let of = p
        .component("of")
        .ok_or("`of` must name the reward to scale".to_string())?;
    let correctness = p.component("correctness").ok_or(
        "`correctness` must name the component that says whether a rollout is right".to_string(),
    )?;
    let beta = p.f64("beta");
    Ok(Arc::new(DifficultyScaled {
        of,
        correctness,
        threshold: p.f64("threshold"),
        beta,
        exponential: p.str("form") == "exponential",
    }))
}

impl Reward for DifficultyScaled {
    fn score(&self, sample: &Sample, cx: &Ctx) -> Outcome {
        score_alone(self, sample, cx)
    }

    fn scope(&self) -> Scope {
        Scope::Group
    }

    fn score_group(&self, members: &[Member], _cx: &GroupCtx) -> Vec<Outcome> {
        let verdicts: Vec<bool> = members
            .iter()
            .filter_map(|m| m.value(self.correctness.0))
            .map(|v| v >= self.threshold)
            .collect();
        let pass_rate = if verdicts.is_empty() {
            None
        } else {
            Some(verdicts.iter().filter(|&&ok| ok).count() as f64 / verdicts.len() as f64)
        };
        members
            .iter()
            .map(|m| {
                let r = m.value(self.of.0).ok_or_else(|| missing(&self.of.1))?;
                let p = pass_rate.ok_or_else(|| {
                    Failure::invalid_input(format!(
                        "no member of the group has a value for `{}`, so the group has no pass rate",
                        self.correctness.1
                    ))
                })?;
                let d = 1.0 - p;
                let scale = if self.exponential {
                    (self.beta * d).exp()
                } else {
                    1.0 + self.beta * d
                };
                let value = r * scale;
                if !value.is_finite() {
                    return Err(Failure::error(format!(
                        "`{}` scaled by {scale} overflows",
                        self.of.1
                    )));
                }
                Ok(Score::with_details(
                    value,
                    json!({"pass_rate": p, "difficulty": d, "scale": scale}),
                ))
            })
            .collect()
    }
}
