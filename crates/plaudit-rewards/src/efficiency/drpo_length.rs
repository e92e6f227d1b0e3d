//! DRPO length reward: correct rollouts are ranked by length only against the other correct rollouts of their group, so a long correct answer never scores below a wrong one.
//!
//! ## What it computes
//! Within one group, the correct cohort is the members whose `correctness` component is ≥
//! `threshold` (and whose length could be read); μ and σ are the mean and population standard
//! deviation of their lengths. A correct member of length L gets
//! ```text
//! z = (L − μ) / σ          (z = 0 when σ = 0, e.g. a cohort of one)
//! r = 1 − alpha · sigmoid(z / temperature)
//! ```
//! which lies in (1 − alpha, 1): shorter than its cohort's mean → above 1 − alpha/2, longer →
//! below. A wrong member gets `wrong_value` (default 0), whatever its length and whatever the
//! correct members' lengths. This reward replaces the correctness reward in the expression
//! (it already contains it); with `alpha ≤ 1 − wrong_value` every correct rollout scores above
//! every wrong one, so group-relative advantages never push a correct answer down for its length.
//! Details carry `z` and the cohort size.
//!
//! ## Why
//! "DRPO: Efficient Reasoning via Decoupled Reward Policy Optimization" identifies why length
//! rewards added to GRPO cost accuracy: a correct but long rollout can get a negative
//! group-relative advantage, which discourages valid reasoning. DRPO decouples the length signal
//! of correct rollouts from incorrect ones: "reward signals for correct rollouts are normalized
//! solely within the positive group". Its full objective (a KL-regularised positive distribution
//! with importance weights) lives in the trainer's loss; the reward part, normalisation within the
//! correct rollouts only, is what Plaudit computes. The sigmoid of the within-cohort z-score is the
//! self-normalised length penalty of "Training Language Models to Reason Efficiently"; `alpha`
//! and `temperature` expose its strength and sharpness.
//!
//! ## Parameters
//! - `correctness` (component name; default `correct`): the component that says whether the
//!   answer is right.
//! - `threshold` (number; default 0.5): the correctness value counted as correct.
//! - `alpha` (number in [0, 1]; default 0.5): the largest length penalty of a correct rollout.
//! - `temperature` (number > 0; default 1.0): divides z before the sigmoid; larger is gentler.
//! - `wrong_value` (number; default 0.0): the reward of a wrong rollout.
//! - `unit` (tokens | chars | words; default `tokens`): how L is counted.
//!
//! ## Example
//! ```json
//! {"group": [{"sample": {"response": "…", "tokens": 100}, "components": {"correct": 1.0}}, {"sample": {"response": "…", "tokens": 200}, "components": {"correct": 1.0}}, {"sample": {"response": "…", "tokens": 300}, "components": {"correct": 1.0}}, {"sample": {"response": "…", "tokens": 20}, "components": {"correct": 0.0}}], "values": [0.8864487402821579, 0.75, 0.6135512597178421, 0.0]}
//! {"params": {"temperature": 2.0}, "group": [{"sample": {"response": "…", "tokens": 100}, "components": {"correct": 1.0}}, {"sample": {"response": "…", "tokens": 200}, "components": {"correct": 1.0}}, {"sample": {"response": "…", "tokens": 300}, "components": {"correct": 1.0}}], "values": [0.8242408983019911, 0.75, 0.6757591016980089]}
//! {"params": {"alpha": 1.0}, "group": [{"sample": {"response": "…", "tokens": 100}, "components": {"correct": 1.0}}, {"sample": {"response": "…", "tokens": 5000}, "components": {"correct": 0.0}}, {"sample": {"response": "…", "tokens": 300}, "components": {"correct": 1.0}}], "values": [0.7310585786300049, 0.0, 0.2689414213699951]}
//! {"params": {"wrong_value": -0.5}, "group": [{"sample": {"response": "…", "tokens": 700}, "components": {"correct": 1.0}}, {"sample": {"response": "…", "tokens": 10}, "components": {"correct": 0.0}}], "values": [0.75, -0.5]}
//! {"group": [{"sample": {"response": "…", "tokens": 100}, "components": {"correct": 1.0}}, {"sample": {"response": "…"}, "components": {"correct": 1.0}}, {"sample": {"response": "…", "tokens": 10}, "components": {"correct": null}}], "values": [0.75, "invalid_input", "error"]}
//! ```

use std::sync::Arc;

use plaudit_core::{
    score_alone, Ctx, GroupCtx, Kind, Member, Outcome, ParamSpec, Params, Reward, RewardInfo,
    Sample, Scope, Score,
};
use serde_json::json;

use super::costs::mean;
use crate::components::{correctness, missing};
use crate::components::{CORRECTNESS_PARAM, THRESHOLD_PARAM};
use crate::util::{response_length, UNIT_PARAM};

pub const INFO: RewardInfo = RewardInfo {
    name: "drpo_length",
    family: "efficiency",
    source: include_str!("drpo_length.rs"),
    params: PARAMS,
    build,
};

const PARAMS: &[ParamSpec] = &[
    CORRECTNESS_PARAM,
    THRESHOLD_PARAM,
    ParamSpec::new(
        "alpha",
        Kind::Float,
        "0.5",
        "largest length penalty of a correct rollout",
    )
    .range(0.0, 1.0),
    ParamSpec::new(
        "temperature",
        Kind::Float,
        "1.0",
        "divides z before the sigmoid",
    )
    .above(0.0),
    ParamSpec::new(
        "wrong_value",
        Kind::Float,
        "0.0",
        "reward of a wrong rollout",
    ),
    UNIT_PARAM,
];

struct Drpo {
    correctness: (usize, String),
    threshold: f64,
    alpha: f64,
    temperature: f64,
    wrong_value: f64,
    unit: String,
}

fn build(p: &Params) -> Result<Arc<dyn Reward>, String> {
    let correctness = p
        .component("correctness")
        .ok_or("`correctness` must name the component that says whether the answer is right")?;
    let alpha = p.f64("alpha");
    let temperature = p.f64("temperature");
    Ok(Arc::new(Drpo {
        correctness,
        threshold: p.f64("threshold"),
        alpha,
        temperature,
        wrong_value: p.f64("wrong_value"),
        unit: p.str("unit").to_string(),
    }))
}

/// The logistic function, without overflow for large |x|.
fn sigmoid(x: f64) -> f64 {
    if x >= 0.0 {
        1.0 / (1.0 + (-x).exp())
    } else {
        let e = x.exp();
        e / (1.0 + e)
    }
}

impl Reward for Drpo {
    fn score(&self, sample: &Sample, cx: &Ctx) -> Outcome {
        score_alone(self, sample, cx)
    }

    fn scope(&self) -> Scope {
        Scope::Group
    }

    fn score_group(&self, members: &[Member], _cx: &GroupCtx) -> Vec<Outcome> {
        let correct = correctness(members, self.correctness.0, self.threshold);
        let lengths: Vec<Option<Result<f64, _>>> = members
            .iter()
            .zip(&correct)
            .map(|(m, c)| (*c == Some(true)).then(|| response_length(m.sample, &self.unit)))
            .collect();
        let cohort: Vec<f64> = lengths.iter().flatten().flatten().copied().collect();
        let (mu, sigma) = if cohort.is_empty() {
            (0.0, 0.0)
        } else {
            let mu = mean(&cohort);
            let var = mean(&cohort.iter().map(|l| (l - mu).powi(2)).collect::<Vec<_>>());
            (mu, var.sqrt())
        };
        members
            .iter()
            .zip(correct)
            .zip(lengths)
            .map(|((_, c), l)| match (c, l) {
                (None, _) => Err(missing(&self.correctness.1)),
                (Some(false), _) | (_, None) => Ok(Score::new(self.wrong_value)),
                (Some(true), Some(l)) => {
                    let l = l?;
                    let z = if sigma > 0.0 && sigma.is_finite() {
                        (l - mu) / sigma
                    } else {
                        0.0
                    };
                    let r = 1.0 - self.alpha * sigmoid(z / self.temperature);
                    Ok(Score::with_details(
                        r,
                        json!({"z": z, "cohort": cohort.len()}),
                    ))
                }
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use plaudit_core::{Deadline, Status};
    use serde_json::Value;

    fn reward(params: Value) -> Arc<dyn Reward> {
        build(&Params::from_json(PARAMS, &params, &["correct"]).unwrap()).unwrap()
    }

    #[test]
    fn correct_rollouts_never_fall_below_wrong_ones() {
        let r = reward(json!({"alpha": 1.0}));
        let samples: Vec<Sample> = [10u64, 1_000_000, 20, 5]
            .iter()
            .map(|t| Sample {
                tokens: Some(*t),
                ..Sample::new("x", Value::Null)
            })
            .collect();
        let values = [[Some(1.0)], [Some(1.0)], [Some(1.0)], [Some(0.0)]];
        let members: Vec<Member> = samples
            .iter()
            .zip(&values)
            .map(|(s, v)| Member {
                sample: s,
                values: v,
            })
            .collect();
        let d = Deadline::none();
        let out = r.score_group(&members, &GroupCtx::new(&d, None));
        let v: Vec<f64> = out.iter().map(|o| o.as_ref().unwrap().value).collect();
        assert!(v[0] > v[2] && v[2] > v[1], "{v:?}");
        assert!(v[1] > 0.0 && v[3] == 0.0, "{v:?}");
        assert_eq!(
            out[0].as_ref().unwrap().details.as_ref().unwrap()["cohort"],
            3
        );
    }

    #[test]
    fn sigmoid_is_stable() {
        assert_eq!(sigmoid(0.0), 0.5);
        assert_eq!(sigmoid(1000.0), 1.0);
        assert_eq!(sigmoid(-1000.0), 0.0);
    }

    #[test]
    fn bad_parameters_and_missing_tokens() {
        assert_eq!(
            crate::spec_error(&INFO, json!({"alpha": 2}), &["correct"]),
            "parameter `alpha` must be in [0, 1], got 2"
        );
        assert_eq!(
            crate::spec_error(&INFO, json!({"temperature": 0}), &["correct"]),
            "parameter `temperature` must be > 0, got 0"
        );
        let d = Deadline::none();
        let out =
            reward(json!({})).score(&Sample::new("x", Value::Null), &Ctx::new(&d, &[Some(1.0)]));
        assert_eq!(out.unwrap_err().status, Status::InvalidInput);
    }
}
