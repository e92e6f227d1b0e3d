//! Cohort-relative efficiency behind a strict correctness gate (SlimSearcher's adaptive reward gating): a correct rollout earns up to 1 for using fewer tool calls and tokens than the other correct rollouts of its group.
//!
//! ## What it computes
//! The gate: only members whose `correctness` component is ≥ `threshold` earn anything; a wrong
//! member gets 0. The cohort is the group's correct members whose costs could be read. For each
//! cost dimension d (tool calls t, from `meta.tool_calls` or the `tool_calls` component; length L
//! in `unit`) with c_i the member's cost and min, max over the cohort:
//! ```text
//! form: minmax   e_d = (max − c_i) / (max − min)     (1 when max = min)
//! form: ratio    e_d = min / c_i                     (1 when c_i = 0)
//! r = (tool_weight · e_tools + token_weight · e_tokens) / (tool_weight + token_weight)
//! ```
//! so r is in [0, 1]: the cohort's cheapest rollout gets 1, and with `minmax` its most
//! expensive gets 0. It is a shaping term: `reward: correct + 0.5 * eff`. A dimension with weight
//! 0 is not read. Details carry the member's `tool_calls`, `length` and the cohort size.
//!
//! ## Why
//! "SlimSearcher: Training Efficiency-Aware Web Agents via Adaptive Reward Gating" trains deep
//! research agents out of blind tool dependency and long redundant trajectories. Its Adaptive
//! Reward Gating "evaluates relative tool and token efficiency within a sampled cohort" and
//! cascades it "with a strict correctness gate", which avoids the brevity bias of absolute
//! penalties (a question that needs ten searches is not punished for them, only compared with
//! other correct ways to answer it) and mitigates reward hacking (a short wrong answer earns
//! nothing). The abstract gives no formula: min-max or ratio normalisation within the correct
//! cohort and a weighted mean of the two dimensions are Plaudit's documented choices.
//!
//! ## Parameters
//! - `correctness` (component name; default `correct`): the component that says whether the
//!   answer is right.
//! - `threshold` (number; default 0.5): the correctness value counted as correct.
//! - `form` (minmax | ratio; default `minmax`): how a cost is normalised within the cohort.
//! - `tool_weight` (number ≥ 0; default 0.5): weight of tool-call efficiency.
//! - `token_weight` (number ≥ 0; default 0.5): weight of length efficiency. The two weights may
//!   not both be 0.
//! - `tool_calls` (component name; default empty): a component whose value is the tool-call
//!   count; empty reads the sample's `meta.tool_calls` (a number, or a list of calls).
//! - `unit` (tokens | chars | words; default `tokens`): how length is counted.
//!
//! ## Example
//! ```json
//! {"group": [{"sample": {"response": "…", "tokens": 100, "meta": {"tool_calls": 1}}, "components": {"correct": 1.0}}, {"sample": {"response": "…", "tokens": 300, "meta": {"tool_calls": 3}}, "components": {"correct": 1.0}}, {"sample": {"response": "…", "tokens": 200, "meta": {"tool_calls": 2}}, "components": {"correct": 1.0}}, {"sample": {"response": "…", "tokens": 10, "meta": {"tool_calls": 0}}, "components": {"correct": 0.0}}], "values": [1.0, 0.0, 0.5, 0.0]}
//! {"params": {"form": "ratio", "tool_weight": 1.0, "token_weight": 0.0}, "group": [{"sample": {"response": "…", "meta": {"tool_calls": 2}}, "components": {"correct": 1.0}}, {"sample": {"response": "…", "meta": {"tool_calls": [{"name": "search"}, {"name": "search"}, {"name": "open"}, {"name": "open"}]}}, "components": {"correct": 1.0}}, {"sample": {"response": "…", "meta": {"tool_calls": 8}}, "components": {"correct": 1.0}}], "values": [1.0, 0.5, 0.25]}
//! {"params": {"tool_weight": 0.75, "token_weight": 0.25}, "group": [{"sample": {"response": "…", "tokens": 200, "meta": {"tool_calls": 1}}, "components": {"correct": 1.0}}, {"sample": {"response": "…", "tokens": 100, "meta": {"tool_calls": 2}}, "components": {"correct": 1.0}}], "values": [0.75, 0.25]}
//! {"group": [{"sample": {"response": "…", "tokens": 900, "meta": {"tool_calls": 9}}, "components": {"correct": 1.0}}, {"sample": {"response": "…", "tokens": 10, "meta": {"tool_calls": 0}}, "components": {"correct": 0.0}}], "values": [1.0, 0.0]}
//! {"group": [{"sample": {"response": "…", "tokens": 100}, "components": {"correct": 1.0}}, {"sample": {"response": "…", "tokens": 100, "meta": {"tool_calls": 1}}, "components": {"correct": 1.0}}, {"sample": {"response": "…", "tokens": 300, "meta": {"tool_calls": 3}}, "components": {"correct": 1.0}}, {"sample": {"response": "…", "tokens": 50, "meta": {"tool_calls": 0}}, "components": {"correct": null}}], "values": ["invalid_input", 1.0, 0.0, "error"]}
//! {"params": {"tool_calls": "calls", "token_weight": 0.0}, "group": [{"sample": {"response": "…"}, "components": {"correct": 1.0, "calls": 2.0}}, {"sample": {"response": "…"}, "components": {"correct": 1.0, "calls": 6.0}}, {"sample": {"response": "…"}, "components": {"correct": 1.0, "calls": 4.0}}], "values": [1.0, 0.0, 0.5]}
//! ```

use std::sync::Arc;

use plaudit_core::{
    score_alone, Ctx, Failure, GroupCtx, Kind, Member, Outcome, ParamSpec, Params, Reward,
    RewardInfo, Sample, Scope, Score,
};
use serde_json::json;

use super::costs::tool_calls;
use crate::components::{correctness, missing};
use crate::components::{CORRECTNESS_PARAM, THRESHOLD_PARAM};
use crate::util::{response_length, UNIT_PARAM};

pub const INFO: RewardInfo = RewardInfo {
    name: "cohort_efficiency",
    family: "efficiency",
    source: include_str!("cohort_efficiency.rs"),
    params: PARAMS,
    build,
};

const PARAMS: &[ParamSpec] = &[
    CORRECTNESS_PARAM,
    THRESHOLD_PARAM,
    ParamSpec::new(
        "form",
        Kind::Enum(&["minmax", "ratio"]),
        "\"minmax\"",
        "how a cost is normalised within the correct cohort",
    ),
    ParamSpec::new(
        "tool_weight",
        Kind::Float,
        "0.5",
        "weight of tool-call efficiency",
    )
    .min(0.0),
    ParamSpec::new(
        "token_weight",
        Kind::Float,
        "0.5",
        "weight of length efficiency",
    )
    .min(0.0),
    ParamSpec::new(
        "tool_calls",
        Kind::Component,
        "\"\"",
        "component giving the tool-call count (empty: `meta.tool_calls`)",
    ),
    UNIT_PARAM,
];

struct Cohort {
    correctness: (usize, String),
    threshold: f64,
    ratio: bool,
    tool_weight: f64,
    token_weight: f64,
    tool_component: Option<(usize, String)>,
    unit: String,
}

fn build(p: &Params) -> Result<Arc<dyn Reward>, String> {
    let correctness = p
        .component("correctness")
        .ok_or("`correctness` must name the component that says whether the answer is right")?;
    let (tool_weight, token_weight) = (p.f64("tool_weight"), p.f64("token_weight"));
    if tool_weight + token_weight <= 0.0 {
        return Err("`tool_weight` and `token_weight` cannot both be 0".into());
    }
    Ok(Arc::new(Cohort {
        correctness,
        threshold: p.f64("threshold"),
        ratio: p.str("form") == "ratio",
        tool_weight,
        token_weight,
        tool_component: p.component("tool_calls"),
        unit: p.str("unit").to_string(),
    }))
}

/// A member's costs: (tool calls, length); a dimension with weight 0 is not read (0).
type Costs = (f64, f64);

impl Cohort {
    fn tools(&self, m: &Member) -> Result<f64, Failure> {
        match &self.tool_component {
            None => tool_calls(m.sample),
            Some((i, name)) => match m.value(*i) {
                None => Err(missing(name)),
                Some(v) if v >= 0.0 => Ok(v),
                Some(v) => Err(Failure::invalid_input(format!(
                    "component `{name}` gave {v} tool calls; a count must be ≥ 0"
                ))),
            },
        }
    }

    fn costs(&self, m: &Member) -> Result<Costs, Failure> {
        let t = if self.tool_weight > 0.0 {
            self.tools(m)?
        } else {
            0.0
        };
        let l = if self.token_weight > 0.0 {
            response_length(m.sample, &self.unit)?
        } else {
            0.0
        };
        Ok((t, l))
    }

    /// Efficiency of cost `c` in a cohort whose costs range over [lo, hi].
    fn efficiency(&self, c: f64, lo: f64, hi: f64) -> f64 {
        if self.ratio {
            if c <= 0.0 {
                1.0
            } else {
                (lo / c).clamp(0.0, 1.0)
            }
        } else if hi > lo {
            ((hi - c) / (hi - lo)).clamp(0.0, 1.0)
        } else {
            1.0
        }
    }
}

impl Reward for Cohort {
    fn score(&self, sample: &Sample, cx: &Ctx) -> Outcome {
        score_alone(self, sample, cx)
    }

    fn scope(&self) -> Scope {
        Scope::Group
    }

    fn score_group(&self, members: &[Member], _cx: &GroupCtx) -> Vec<Outcome> {
        let correct = correctness(members, self.correctness.0, self.threshold);
        let costs: Vec<Option<Result<Costs, Failure>>> = members
            .iter()
            .zip(&correct)
            .map(|(m, c)| (*c == Some(true)).then(|| self.costs(m)))
            .collect();
        let cohort: Vec<Costs> = costs.iter().flatten().flatten().copied().collect();
        let range = |f: fn(&Costs) -> f64| {
            cohort
                .iter()
                .map(f)
                .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), x| {
                    (lo.min(x), hi.max(x))
                })
        };
        let (t_lo, t_hi) = range(|c| c.0);
        let (l_lo, l_hi) = range(|c| c.1);
        let total = self.tool_weight + self.token_weight;
        correct
            .into_iter()
            .zip(costs)
            .map(|(c, cost)| match (c, cost) {
                (None, _) => Err(missing(&self.correctness.1)),
                (Some(false), _) | (_, None) => Ok(Score::new(0.0)),
                (Some(true), Some(cost)) => {
                    let (t, l) = cost?;
                    let e = (self.tool_weight * self.efficiency(t, t_lo, t_hi)
                        + self.token_weight * self.efficiency(l, l_lo, l_hi))
                        / total;
                    Ok(Score::with_details(
                        e,
                        json!({"tool_calls": t, "length": l, "cohort": cohort.len()}),
                    ))
                }
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    #[test]
    fn bad_weights() {
        let err = |v: Value| crate::spec_error(&INFO, v, &["correct"]);
        assert_eq!(
            err(json!({"tool_weight": 0, "token_weight": 0})),
            "`tool_weight` and `token_weight` cannot both be 0"
        );
        assert_eq!(
            err(json!({"tool_weight": -1})),
            "parameter `tool_weight` must be ≥ 0, got -1"
        );
    }

    #[test]
    fn a_negative_tool_count_from_a_component_is_invalid() {
        let p = Params::from_json(
            PARAMS,
            &json!({"tool_calls": "calls", "token_weight": 0}),
            &["correct", "calls"],
        )
        .unwrap();
        let r = build(&p).unwrap();
        let s = Sample::new("x", Value::Null);
        let values = [Some(1.0), Some(-2.0)];
        let d = plaudit_core::Deadline::none();
        let out = r.score_group(
            &[Member {
                sample: &s,
                values: &values,
            }],
            &GroupCtx::new(&d, None),
        );
        let f = out[0].clone().unwrap_err();
        assert_eq!(f.status, plaudit_core::Status::InvalidInput);
        assert_eq!(
            f.message,
            "component `calls` gave -2 tool calls; a count must be ≥ 0"
        );
    }
}
