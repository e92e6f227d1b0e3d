//! Turn-group advantage for multi-turn agents: a component normalised only among the rollouts of the same prompt at the same turn index.
//!
//! ## What it computes
//! Each sample is one turn of an agent's rollout; its turn index is the integer `meta.<field>`
//! (`meta.turn` by default). Within the group (the prompt), the members sharing a turn index
//! form a cohort, and each member's value is the GRPO-style advantage of the component `of`
//! within its cohort:
//! ```text
//! A = (x − mean_cohort) / (std_cohort + eps)        (x − mean_cohort with `normalize: false`)
//! ```
//! A cohort of one gets 0 (no peer to compare with). Use it as the reward with
//! `group: {advantage: reward}`, or add it to other terms. Members whose `of` failed are left out
//! of their cohort and get `error`. A sample without the turn field, or whose turn is not a
//! non-negative integer, is `invalid_input` with a message naming the field (and is left out).
//!
//! ## Why
//! "A$^2$TGPO: Agentic Turn-Group Policy Optimization with Adaptive Turn-level Clipping" observes
//! that "normalizing across turns that face heterogeneous positional contexts can distort the
//! relative standing of individual turns" and normalises each turn's signal "within each
//! (prompt, turn-index) group so that each turn is compared only against peers at the same
//! interaction depth". The research catalogue gives the normalisation
//! (x − μ_{q,t})/(σ_{q,t} + eps) over the rollouts of prompt q that have a turn t, which this is,
//! for any per-turn component (A²TGPO's information gain, a turn-level verifier reward, …).
//!
//! ## Parameters
//! - `of` (component name; default `correct`): the per-turn value to normalise.
//! - `field` (string; default `turn`): the `meta` key holding the turn index.
//! - `normalize` (boolean; default true): divide by the cohort's standard deviation.
//! - `std` (`sample` | `population`; default `sample`).
//! - `eps` (number ≥ 0; default 1e-6).
//!
//! ## Example
//! ```json
//! {"params": {"eps": 0.0}, "group": [{"sample": {"response": "a", "meta": {"turn": 0}}, "components": {"correct": 1.0}}, {"sample": {"response": "b", "meta": {"turn": 1}}, "components": {"correct": 0.2}}, {"sample": {"response": "c", "meta": {"turn": 0}}, "components": {"correct": 0.0}}, {"sample": {"response": "d", "meta": {"turn": 1}}, "components": {"correct": 0.6}}, {"sample": {"response": "e", "meta": {"turn": 2}}, "components": {"correct": 0.9}}], "values": [0.7071067811865475, -0.7071067811865475, -0.7071067811865475, 0.7071067811865475, 0.0]}
//! {"params": {"normalize": false}, "group": [{"sample": {"response": "a", "meta": {"turn": 0}}, "components": {"correct": 1.0}}, {"sample": {"response": "b", "meta": {"turn": 1}}, "components": {"correct": 0.2}}, {"sample": {"response": "c", "meta": {"turn": 0}}, "components": {"correct": 0.0}}, {"sample": {"response": "d", "meta": {"turn": 1}}, "components": {"correct": 0.6}}], "values": [0.5, -0.2, -0.5, 0.2]}
//! {"params": {"eps": 0.0, "std": "population", "field": "step"}, "group": [{"sample": {"response": "a", "meta": {"step": 3}}, "components": {"correct": 2.0}}, {"sample": {"response": "b", "meta": {"step": 3}}, "components": {"correct": 4.0}}, {"sample": {"response": "c", "meta": {"step": 3}}, "components": {"correct": 6.0}}, {"sample": {"response": "d", "meta": {"step": 3}}, "components": {"correct": 6.0}}], "values": [-1.507556722888818, -0.30151134457776363, 0.9045340337332909, 0.9045340337332909]}
//! {"params": {"normalize": false}, "group": [{"sample": {"response": "a", "meta": {"turn": 0}}, "components": {"correct": 1.0}}, {"sample": {"response": "b"}, "components": {"correct": 0.0}}, {"sample": {"response": "c", "meta": {"turn": "0"}}, "components": {"correct": 0.0}}, {"sample": {"response": "d", "meta": {"turn": 0}}, "components": {"correct": null}}, {"sample": {"response": "e", "meta": {"turn": 0}}, "components": {"correct": 0.0}}], "values": [0.5, "invalid_input", "invalid_input", "error", -0.5]}
//! ```

use std::collections::HashMap;
use std::sync::Arc;

use plaudit_core::sample::type_name;
use plaudit_core::{
    score_alone, Ctx, Failure, GroupCtx, Kind, Member, Outcome, ParamSpec, Params, Reward,
    RewardInfo, Sample, Scope, Score,
};
use serde_json::{json, Value};

use super::stats::{mean_std, overflow, EPS_PARAM, STD_PARAM};
use crate::components::missing;

pub const INFO: RewardInfo = RewardInfo {
    name: "turn_advantage",
    family: "estimators",
    source: include_str!("turn_advantage.rs"),
    params: PARAMS,
    build,
};

const PARAMS: &[ParamSpec] = &[
    ParamSpec::new(
        "of",
        Kind::Component,
        "\"correct\"",
        "the per-turn value to normalise",
    ),
    ParamSpec::new(
        "field",
        Kind::Str,
        "\"turn\"",
        "the `meta` key holding the turn index",
    ),
    ParamSpec::new(
        "normalize",
        Kind::Bool,
        "true",
        "divide by the cohort's standard deviation",
    ),
    STD_PARAM,
    EPS_PARAM,
];

struct TurnAdvantage {
    of: (usize, String),
    field: String,
    normalize: bool,
    sample_std: bool,
    eps: f64,
}

fn build(p: &Params) -> Result<Arc<dyn Reward>, String> {
    let of = p
        .component("of")
        .ok_or("`of` must name the per-turn value to normalise".to_string())?;
    let field = p.str("field").to_string();
    if field.is_empty() {
        return Err("`field` must name the `meta` key holding the turn index".into());
    }
    Ok(Arc::new(TurnAdvantage {
        of,
        field,
        normalize: p.bool("normalize"),
        sample_std: p.str("std") == "sample",
        eps: p.f64("eps"),
    }))
}

impl TurnAdvantage {
    fn turn(&self, s: &Sample) -> Result<u64, Failure> {
        let what = format!("meta.{}", self.field);
        match s.meta.get(&self.field) {
            None | Some(Value::Null) => Err(Failure::invalid_input(format!(
                "field `{what}`: missing (turn_advantage groups the rollouts of a prompt by turn index)"
            ))),
            Some(v) => v.as_u64().ok_or_else(|| {
                Failure::invalid_input(format!(
                    "field `{what}`: expected a non-negative integer, got {}",
                    match v {
                        Value::Number(_) => "a non-integer or negative number",
                        other => type_name(other),
                    }
                ))
            }),
        }
    }
}

impl Reward for TurnAdvantage {
    fn score(&self, sample: &Sample, cx: &Ctx) -> Outcome {
        score_alone(self, sample, cx)
    }

    fn scope(&self) -> Scope {
        Scope::Group
    }

    fn score_group(&self, members: &[Member], _cx: &GroupCtx) -> Vec<Outcome> {
        let (idx, name) = &self.of;
        let keyed: Vec<Result<(u64, f64), Failure>> = members
            .iter()
            .map(|m| {
                let turn = self.turn(m.sample)?;
                let x = m.value(*idx).ok_or_else(|| missing(name))?;
                Ok((turn, x))
            })
            .collect();
        let mut cohorts: HashMap<u64, Vec<f64>> = HashMap::new();
        for (t, x) in keyed.iter().flatten() {
            cohorts.entry(*t).or_default().push(*x);
        }
        let stats: HashMap<u64, (f64, f64, usize)> = cohorts
            .iter()
            .map(|(t, xs)| {
                let (m, s) = mean_std(xs, self.sample_std);
                (*t, (m, s, xs.len()))
            })
            .collect();
        keyed
            .into_iter()
            .map(|k| {
                let (t, x) = k?;
                let (mean, std, n) = stats[&t];
                if !(mean.is_finite() && std.is_finite()) {
                    return Err(overflow(name));
                }
                let a = if n < 2 {
                    0.0
                } else if self.normalize {
                    let a = (x - mean) / (std + self.eps);
                    // std + eps = 0 only when every value equals the mean.
                    if a.is_nan() {
                        0.0
                    } else {
                        a
                    }
                } else {
                    x - mean
                };
                if !a.is_finite() {
                    return Err(overflow(name));
                }
                Ok(Score::with_details(
                    a,
                    json!({"turn": t, "cohort": n, "mean": mean, "std": std}),
                ))
            })
            .collect()
    }
}
