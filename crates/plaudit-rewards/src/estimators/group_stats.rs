//! Variance-aware selection: a component's group mean, spread, keep flag or selection score, as a value every member of the group shares.
//!
//! ## What it computes
//! Over the values x of the component `of` within the group (n members with a value):
//! ```text
//! mean        = Σx / n
//! variance    = Σ(x − mean)² / (n − 1)        (n with `std: population`)
//! std         = sqrt(variance)
//! keep        = 1 if std > min_std and n ≥ 2, else 0
//! uncertainty = Σ(x − mean)² / n²             (population variance / n)
//! ```
//! `output` chooses which one every member gets (the same number across the group). `keep` is
//! the zero-variance filter: a group whose rollouts all score the same gives GRPO no learning
//! signal, so `reward: keep * correct` or a trainer-side filter on the component drops it.
//! `uncertainty` is the variance of the group's mean estimate: for a 0/1 reward with pass rate p
//! it is p(1 − p)/n, largest for prompts solved about half the time, the score to rank prompts
//! by for selection or for spending extra rollouts. A group of one has variance, std,
//! uncertainty and keep 0. Members whose `of` failed are left out and get `error`.
//!
//! ## Why
//! "Reinforcement Learning Tuning for VideoLLMs: Reward Design and Data Efficiency" selects
//! training data by "a variance-aware data selection strategy based on repeated inference to
//! identify samples that provide informative learning signals": samples whose repeated rollouts
//! all get the same reward are dropped. The research catalogue's inferred form keeps samples whose
//! reward variance exceeds a threshold (`min_std`), and gives the variance of the pass-rate
//! estimate p(1 − p)/n as the uncertainty score by which "XRPO: Pushing the limits of GRPO with
//! Targeted Exploration and Exploitation" allocates rollouts (`uncertainty`). Exposing these as
//! component values is Plaudit's choice: they can gate the reward in the expression and appear in
//! every result for the trainer's own selection.
//!
//! ## Parameters
//! - `of` (component name; default `correct`): the component whose statistics are taken.
//! - `output` (`mean` | `variance` | `std` | `keep` | `uncertainty`; default `std`).
//! - `std` (`sample` | `population`; default `sample`): the divisor of `variance`, `std` and the
//!   `keep` test (n − 1 or n).
//! - `min_std` (number ≥ 0; default 0.0): `keep` is 1 when the standard deviation exceeds it.
//!
//! ## Example
//! ```json
//! {"params": {"output": "mean"}, "group": [{"sample": {"response": "a"}, "components": {"correct": 1.0}}, {"sample": {"response": "b"}, "components": {"correct": 0.0}}, {"sample": {"response": "c"}, "components": {"correct": 0.0}}, {"sample": {"response": "d"}, "components": {"correct": 1.0}}], "values": [0.5, 0.5, 0.5, 0.5]}
//! {"params": {"output": "variance"}, "group": [{"sample": {"response": "a"}, "components": {"correct": 1.0}}, {"sample": {"response": "b"}, "components": {"correct": 0.0}}, {"sample": {"response": "c"}, "components": {"correct": 0.0}}, {"sample": {"response": "d"}, "components": {"correct": 1.0}}], "values": [0.3333333333333333, 0.3333333333333333, 0.3333333333333333, 0.3333333333333333]}
//! {"params": {"output": "std", "std": "population"}, "group": [{"sample": {"response": "a"}, "components": {"correct": 1.0}}, {"sample": {"response": "b"}, "components": {"correct": 0.0}}, {"sample": {"response": "c"}, "components": {"correct": 0.0}}, {"sample": {"response": "d"}, "components": {"correct": 1.0}}], "values": [0.5, 0.5, 0.5, 0.5]}
//! {"params": {"output": "keep"}, "group": [{"sample": {"response": "a"}, "components": {"correct": 1.0}}, {"sample": {"response": "b"}, "components": {"correct": 1.0}}, {"sample": {"response": "c"}, "components": {"correct": null}}], "values": [0.0, 0.0, "error"]}
//! {"params": {"output": "keep", "min_std": 0.4}, "group": [{"sample": {"response": "a"}, "components": {"correct": 1.0}}, {"sample": {"response": "b"}, "components": {"correct": 0.0}}, {"sample": {"response": "c"}, "components": {"correct": 0.0}}, {"sample": {"response": "d"}, "components": {"correct": 0.0}}], "values": [1.0, 1.0, 1.0, 1.0]}
//! {"params": {"output": "keep", "min_std": 0.6}, "group": [{"sample": {"response": "a"}, "components": {"correct": 1.0}}, {"sample": {"response": "b"}, "components": {"correct": 0.0}}, {"sample": {"response": "c"}, "components": {"correct": 0.0}}, {"sample": {"response": "d"}, "components": {"correct": 0.0}}], "values": [0.0, 0.0, 0.0, 0.0]}
//! {"params": {"output": "uncertainty"}, "group": [{"sample": {"response": "a"}, "components": {"correct": 1.0}}, {"sample": {"response": "b"}, "components": {"correct": 0.0}}, {"sample": {"response": "c"}, "components": {"correct": 0.0}}, {"sample": {"response": "d"}, "components": {"correct": 0.0}}], "values": [0.046875, 0.046875, 0.046875, 0.046875]}
//! {"params": {"output": "std"}, "group": [{"sample": {"response": "a"}, "components": {"correct": 0.7}}], "values": [0.0]}
//! ```

use std::sync::Arc;

use plaudit_core::{
    score_alone, Ctx, GroupCtx, Kind, Member, Outcome, ParamSpec, Params, Reward, RewardInfo,
    Sample, Scope, Score,
};
use serde_json::json;

use super::stats::{mean_std, overflow, STD_PARAM};
use crate::components::missing;

pub const INFO: RewardInfo = RewardInfo {
    name: "group_stats",
    family: "estimators",
    source: include_str!("group_stats.rs"),
    params: PARAMS,
    build,
};

const PARAMS: &[ParamSpec] = &[
    ParamSpec::new(
        "of",
        Kind::Component,
        "\"correct\"",
        "the component whose group statistics are taken",
    ),
    ParamSpec::new(
        "output",
        Kind::Enum(&["mean", "variance", "std", "keep", "uncertainty"]),
        "\"std\"",
        "which statistic every member gets",
    ),
    STD_PARAM,
    ParamSpec::new(
        "min_std",
        Kind::Float,
        "0.0",
        "`keep` is 1 when the standard deviation exceeds this",
    )
    .min(0.0),
];

#[derive(Clone, Copy, PartialEq)]
enum Output {
    Mean,
    Variance,
    Std,
    Keep,
    Uncertainty,
}

struct GroupStats {
    of: (usize, String),
    output: Output,
    sample_std: bool,
    min_std: f64,
}

fn build(p: &Params) -> Result<Arc<dyn Reward>, String> {
    let of = p
        .component("of")
        .ok_or("`of` must name the component whose statistics are taken".to_string())?;
    let min_std = p.f64("min_std");
    let output = match p.str("output") {
        "mean" => Output::Mean,
        "variance" => Output::Variance,
        "keep" => Output::Keep,
        "uncertainty" => Output::Uncertainty,
        _ => Output::Std,
    };
    Ok(Arc::new(GroupStats {
        of,
        output,
        sample_std: p.str("std") == "sample",
        min_std,
    }))
}

impl Reward for GroupStats {
    fn score(&self, sample: &Sample, cx: &Ctx) -> Outcome {
        score_alone(self, sample, cx)
    }

    fn scope(&self) -> Scope {
        Scope::Group
    }

    fn score_group(&self, members: &[Member], _cx: &GroupCtx) -> Vec<Outcome> {
        let (idx, name) = &self.of;
        let xs: Vec<f64> = members.iter().filter_map(|m| m.value(*idx)).collect();
        let n = xs.len();
        let (mean, std) = mean_std(&xs, self.sample_std);
        let (_, pop_std) = mean_std(&xs, false);
        let keep = n >= 2 && std > self.min_std;
        let uncertainty = if n == 0 {
            0.0
        } else {
            pop_std * pop_std / n as f64
        };
        let value = if !(mean.is_finite() && std.is_finite() && pop_std.is_finite()) {
            f64::NAN
        } else {
            match self.output {
                Output::Mean => mean,
                Output::Variance => std * std,
                Output::Std => std,
                Output::Keep => f64::from(u8::from(keep)),
                Output::Uncertainty => uncertainty,
            }
        };
        let details = json!({"n": n, "mean": mean, "std": std, "keep": keep});
        members
            .iter()
            .map(|m| match m.value(*idx) {
                None => Err(missing(name)),
                Some(_) if value.is_finite() => Ok(Score::with_details(value, details.clone())),
                Some(_) => Err(overflow(name)),
            })
            .collect()
    }
}
