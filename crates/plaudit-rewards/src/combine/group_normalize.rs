//! Per-component group normalisation: one component z-scored (or min-max scaled) within the group, so components on different scales can be weighted in the expression.
//!
//! ## What it computes
//! Over the values x of the component `of` within the group (the members with a value):
//! ```text
//! zscore: (x − mean) / (std + eps)
//! minmax: (x − min) / (max − min)          (0 for every member when max = min)
//! rank:   (number of values < x + ½ · number of other values = x) / (n − 1)   (0 for n = 1)
//! ```
//! A weighted combination of normalised components, written as separate components in the spec,
//! ```yaml
//! components:
//!   correct: math_equivalence
//!   quality: {reward: rm_ensemble, params: {…}}
//!   n_correct: {reward: group_normalize, params: {of: correct}}
//!   n_quality: {reward: group_normalize, params: {of: quality}}
//! reward: 0.7 * n_correct + 0.3 * n_quality
//! ```
//! gives each component the weight the expression says, whatever its raw scale or spread. A
//! component that is constant within the group normalises to 0 (it carries no signal there).
//! Members whose `of` failed are left out and get `error`.
//!
//! ## Why
//! "Hybrid Reward Normalization for Process-supervised Non-verifiable Agentic Tasks" shows that
//! outcome and process rewards must be calibrated before they are combined ("optimizing towards
//! higher process reward may not always align with better final outcomes"), with a Reward
//! Normalization strategy (ReNorm) whose formula the abstract does not give. The research
//! catalogue's inferred per-component normalisation is the group z-score or min-max, which this
//! computes; `rank` (the mid-rank, robust to outliers) is Plaudit's addition. Summing raw
//! components lets the one with the largest spread decide the advantage; normalising each within
//! the group first makes the weights mean what they say.
//!
//! ## Parameters
//! - `of` (component name; default `correct`): the component to normalise.
//! - `method` (`zscore` | `minmax` | `rank`; default `zscore`).
//! - `std` (`sample` | `population`; default `sample`): the standard deviation of `zscore`.
//! - `eps` (number ≥ 0; default 1e-6): added to the standard deviation.
//!
//! ## Example
//! ```json
//! {"params": {"eps": 0.0}, "group": [{"sample": {"response": "a"}, "components": {"correct": 1.0}}, {"sample": {"response": "b"}, "components": {"correct": 0.0}}, {"sample": {"response": "c"}, "components": {"correct": 0.0}}, {"sample": {"response": "d"}, "components": {"correct": 1.0}}], "values": [0.8660254037844387, -0.8660254037844387, -0.8660254037844387, 0.8660254037844387]}
//! {"params": {"of": "quality", "method": "minmax"}, "group": [{"sample": {"response": "a"}, "components": {"quality": 12.0}}, {"sample": {"response": "b"}, "components": {"quality": 4.0}}, {"sample": {"response": "c"}, "components": {"quality": 6.0}}, {"sample": {"response": "d"}, "components": {"quality": null}}], "values": [1.0, 0.0, 0.25, "error"]}
//! {"params": {"of": "quality", "method": "rank"}, "group": [{"sample": {"response": "a"}, "components": {"quality": 12.0}}, {"sample": {"response": "b"}, "components": {"quality": 4.0}}, {"sample": {"response": "c"}, "components": {"quality": 4.0}}, {"sample": {"response": "d"}, "components": {"quality": 100.0}}, {"sample": {"response": "e"}, "components": {"quality": 7.0}}], "values": [0.75, 0.125, 0.125, 1.0, 0.5]}
//! {"params": {"method": "minmax"}, "group": [{"sample": {"response": "a"}, "components": {"correct": 1.0}}, {"sample": {"response": "b"}, "components": {"correct": 1.0}}], "values": [0.0, 0.0]}
//! {"params": {"std": "population", "eps": 0.0}, "group": [{"sample": {"response": "a"}, "components": {"correct": 3.0}}, {"sample": {"response": "b"}, "components": {"correct": 1.0}}], "values": [1.0, -1.0]}
//! {"params": {}, "group": [{"sample": {"response": "a"}, "components": {"correct": 0.4}}], "values": [0.0]}
//! ```

use std::sync::Arc;

use plaudit_core::{
    score_alone, Ctx, GroupCtx, Kind, Member, Outcome, ParamSpec, Params, Reward, RewardInfo,
    Sample, Scope, Score,
};

use crate::components::missing;
use crate::estimators::stats::{mean_std, overflow, EPS_PARAM, STD_PARAM};

pub const INFO: RewardInfo = RewardInfo {
    name: "group_normalize",
    family: "combine",
    source: include_str!("group_normalize.rs"),
    params: PARAMS,
    build,
};

const PARAMS: &[ParamSpec] = &[
    ParamSpec::new(
        "of",
        Kind::Component,
        "\"correct\"",
        "the component to normalise",
    ),
    ParamSpec::new(
        "method",
        Kind::Enum(&["zscore", "minmax", "rank"]),
        "\"zscore\"",
        "z-score, min-max or mid-rank within the group",
    ),
    STD_PARAM,
    EPS_PARAM,
];

#[derive(Clone, Copy, PartialEq)]
enum Method {
    ZScore,
    MinMax,
    Rank,
}

struct GroupNormalize {
    of: (usize, String),
    method: Method,
    sample_std: bool,
    eps: f64,
}

fn build(p: &Params) -> Result<Arc<dyn Reward>, String> {
    let of = p
        .component("of")
        .ok_or("`of` must name the component to normalise".to_string())?;
    let method = match p.str("method") {
        "minmax" => Method::MinMax,
        "rank" => Method::Rank,
        _ => Method::ZScore,
    };
    Ok(Arc::new(GroupNormalize {
        of,
        method,
        sample_std: p.str("std") == "sample",
        eps: p.f64("eps"),
    }))
}

impl Reward for GroupNormalize {
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
        let stats_ok = mean.is_finite() && std.is_finite();
        let lo = xs.iter().copied().fold(f64::INFINITY, f64::min);
        let hi = xs.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        // For ranks: the values sorted, to count those below and equal by binary search.
        let mut sorted = xs.clone();
        if self.method == Method::Rank {
            sorted.sort_by(f64::total_cmp);
        }
        members
            .iter()
            .map(|m| {
                let x = m.value(*idx).ok_or_else(|| missing(name))?;
                if !stats_ok && self.method == Method::ZScore {
                    return Err(overflow(name));
                }
                let v = match self.method {
                    Method::ZScore => {
                        let z = (x - mean) / (std + self.eps);
                        // 0/0 only when every value equals the mean.
                        if z.is_nan() {
                            0.0
                        } else {
                            z
                        }
                    }
                    Method::MinMax => {
                        if hi > lo {
                            (x - lo) / (hi - lo)
                        } else {
                            0.0
                        }
                    }
                    Method::Rank => {
                        if n < 2 {
                            0.0
                        } else {
                            let below = sorted.partition_point(|&y| y < x);
                            let upto = sorted.partition_point(|&y| y <= x);
                            let ties = (upto - below).saturating_sub(1);
                            (below as f64 + 0.5 * ties as f64) / (n - 1) as f64
                        }
                    }
                };
                if v.is_finite() {
                    Ok(Score::new(v))
                } else {
                    Err(overflow(name))
                }
            })
            .collect()
    }
}
