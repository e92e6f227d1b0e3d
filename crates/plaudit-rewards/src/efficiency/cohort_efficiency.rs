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
//! form: zscore   e_d = (mean − c_i) / (std + eps)    (0 when the cohort has one member or std + eps = 0)
//! r = (tool_weight · e_tools + token_weight · e_tokens) / (tool_weight + token_weight)
//! ```
//! With `minmax` and `ratio`, r is in [0, 1]: the cohort's cheapest rollout gets 1, and with
//! `minmax` its most expensive gets 0. It is a shaping term: `reward: correct + 0.5 * eff`. With
//! `zscore`, r is a conditional advantage: the cheaper-than-average correct rollouts get a
//! positive value, the dearer ones a negative value, its mean over the cohort is 0, and every
//! wrong rollout gets exactly 0 (mean and std are taken over the cohort only, `std` and `eps` as
//! in `group_normalize`). A dimension with weight 0 is not read. Details carry the member's
//! `tool_calls`, `length` and the cohort size.
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
//! `form: zscore` is the efficiency channel of "Act Wisely: Cultivating Meta-Cognitive Tool Use
//! in Agentic Multimodal Models" (HDPO, the Metis model), which keeps "an accuracy channel that
//! maximizes task correctness, and an efficiency channel that enforces execution economy
//! exclusively within accurate trajectories via conditional advantage estimation": the
//! efficiency advantage is estimated among the correct rollouts only, and a wrong rollout has no
//! efficiency signal at all (so a short wrong answer is never preferred to a correct one for its
//! economy). The research catalogue's reading, which this computes with `tool_weight: 1,
//! token_weight: 0`, is the standard group advantage of −(tool calls) over the correct cohort, 0
//! for the others. The accuracy channel is `group_normalize` of the correctness component; HDPO
//! keeps the two channels apart in its loss, which is the trainer's: read both components, or
//! sum them in the expression as a Plaudit choice (`reward: acc + 0.5 * eff` with
//! `group: {advantage: reward}`).
//!
//! ## Parameters
//! - `correctness` (component name; default `correct`): the component that says whether the
//!   answer is right.
//! - `threshold` (number; default 0.5): the correctness value counted as correct.
//! - `form` (minmax | ratio | zscore; default `minmax`): how a cost is normalised within the
//!   cohort.
//! - `tool_weight` (number ≥ 0; default 0.5): weight of tool-call efficiency.
//! - `token_weight` (number ≥ 0; default 0.5): weight of length efficiency. The two weights may
//!   not both be 0.
//! - `tool_calls` (component name; default empty): a component whose value is the tool-call
//!   count; empty reads the sample's `meta.tool_calls` (a number, or a list of calls).
//! - `unit` (tokens | chars | words; default `tokens`): how length is counted.
//! - `std` (`sample` | `population`; default `sample`): the standard deviation of `zscore`.
//! - `eps` (number ≥ 0; default 1e-6): added to the standard deviation under `zscore`.
//!
//! ## Example
//! ```json
//! {"group": [{"sample": {"response": "…", "tokens": 100, "meta": {"tool_calls": 1}}, "components": {"correct": 1.0}}, {"sample": {"response": "…", "tokens": 300, "meta": {"tool_calls": 3}}, "components": {"correct": 1.0}}, {"sample": {"response": "…", "tokens": 200, "meta": {"tool_calls": 2}}, "components": {"correct": 1.0}}, {"sample": {"response": "…", "tokens": 10, "meta": {"tool_calls": 0}}, "components": {"correct": 0.0}}], "values": [1.0, 0.0, 0.5, 0.0]}
//! {"params": {"form": "ratio", "tool_weight": 1.0, "token_weight": 0.0}, "group": [{"sample": {"response": "…", "meta": {"tool_calls": 2}}, "components": {"correct": 1.0}}, {"sample": {"response": "…", "meta": {"tool_calls": [{"name": "search"}, {"name": "search"}, {"name": "open"}, {"name": "open"}]}}, "components": {"correct": 1.0}}, {"sample": {"response": "…", "meta": {"tool_calls": 8}}, "components": {"correct": 1.0}}], "values": [1.0, 0.5, 0.25]}
//! {"params": {"tool_weight": 0.75, "token_weight": 0.25}, "group": [{"sample": {"response": "…", "tokens": 200, "meta": {"tool_calls": 1}}, "components": {"correct": 1.0}}, {"sample": {"response": "…", "tokens": 100, "meta": {"tool_calls": 2}}, "components": {"correct": 1.0}}], "values": [0.75, 0.25]}
//! {"group": [{"sample": {"response": "…", "tokens": 900, "meta": {"tool_calls": 9}}, "components": {"correct": 1.0}}, {"sample": {"response": "…", "tokens": 10, "meta": {"tool_calls": 0}}, "components": {"correct": 0.0}}], "values": [1.0, 0.0]}
//! {"group": [{"sample": {"response": "…", "tokens": 100}, "components": {"correct": 1.0}}, {"sample": {"response": "…", "tokens": 100, "meta": {"tool_calls": 1}}, "components": {"correct": 1.0}}, {"sample": {"response": "…", "tokens": 300, "meta": {"tool_calls": 3}}, "components": {"correct": 1.0}}, {"sample": {"response": "…", "tokens": 50, "meta": {"tool_calls": 0}}, "components": {"correct": null}}], "values": ["invalid_input", 1.0, 0.0, "error"]}
//! {"params": {"tool_calls": "calls", "token_weight": 0.0}, "group": [{"sample": {"response": "…"}, "components": {"correct": 1.0, "calls": 2.0}}, {"sample": {"response": "…"}, "components": {"correct": 1.0, "calls": 6.0}}, {"sample": {"response": "…"}, "components": {"correct": 1.0, "calls": 4.0}}], "values": [1.0, 0.0, 0.5]}
//! {"params": {"form": "zscore", "tool_weight": 1.0, "token_weight": 0.0, "eps": 0.0}, "group": [{"sample": {"response": "…", "meta": {"tool_calls": 1}}, "components": {"correct": 1.0}}, {"sample": {"response": "…", "meta": {"tool_calls": 3}}, "components": {"correct": 1.0}}, {"sample": {"response": "…", "meta": {"tool_calls": 2}}, "components": {"correct": 1.0}}, {"sample": {"response": "…", "meta": {"tool_calls": 0}}, "components": {"correct": 0.0}}], "values": [1.0, -1.0, 0.0, 0.0]}
//! {"params": {"form": "zscore", "std": "population", "eps": 0.0}, "group": [{"sample": {"response": "…", "tokens": 100, "meta": {"tool_calls": 1}}, "components": {"correct": 1.0}}, {"sample": {"response": "…", "tokens": 300, "meta": {"tool_calls": 3}}, "components": {"correct": 1.0}}, {"sample": {"response": "…", "tokens": 5, "meta": {"tool_calls": 0}}, "components": {"correct": 0.0}}], "values": [1.0, -1.0, 0.0]}
//! {"params": {"form": "zscore"}, "group": [{"sample": {"response": "…", "tokens": 100, "meta": {"tool_calls": 4}}, "components": {"correct": 1.0}}, {"sample": {"response": "…", "tokens": 5, "meta": {"tool_calls": 0}}, "components": {"correct": 0.0}}], "values": [0.0, 0.0]}
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
use crate::estimators::stats::{mean_std, EPS_PARAM, STD_PARAM};
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
        Kind::Enum(&["minmax", "ratio", "zscore"]),
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
    STD_PARAM,
    EPS_PARAM,
];

#[derive(Clone, Copy, PartialEq)]
enum Form {
    MinMax,
    Ratio,
    ZScore,
}

/// A cost dimension's statistics over the cohort.
#[derive(Clone, Copy)]
struct Stats {
    lo: f64,
    hi: f64,
    mean: f64,
    std: f64,
    n: usize,
}

struct Cohort {
    correctness: (usize, String),
    threshold: f64,
    form: Form,
    sample_std: bool,
    eps: f64,
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
        form: match p.str("form") {
            "ratio" => Form::Ratio,
            "zscore" => Form::ZScore,
            _ => Form::MinMax,
        },
        sample_std: p.str("std") == "sample",
        eps: p.f64("eps"),
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

    /// Statistics of one cost dimension over the cohort.
    fn stats(&self, xs: &[f64]) -> Stats {
        let (lo, hi) = xs
            .iter()
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), &x| {
                (lo.min(x), hi.max(x))
            });
        let (mean, std) = if self.form == Form::ZScore {
            mean_std(xs, self.sample_std)
        } else {
            (0.0, 0.0)
        };
        Stats {
            lo,
            hi,
            mean,
            std,
            n: xs.len(),
        }
    }

    /// Efficiency of cost `c` in a cohort with statistics `s`.
    fn efficiency(&self, c: f64, s: &Stats) -> f64 {
        match self.form {
            Form::Ratio => {
                if c <= 0.0 {
                    1.0
                } else {
                    (s.lo / c).clamp(0.0, 1.0)
                }
            }
            Form::MinMax => {
                if s.hi > s.lo {
                    ((s.hi - c) / (s.hi - s.lo)).clamp(0.0, 1.0)
                } else {
                    1.0
                }
            }
            Form::ZScore => {
                if s.n < 2 {
                    return 0.0;
                }
                let z = (s.mean - c) / (s.std + self.eps);
                // 0/0 only when every cost equals the mean.
                if z.is_nan() {
                    0.0
                } else {
                    z
                }
            }
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
        let tools: Vec<f64> = cohort.iter().map(|c| c.0).collect();
        let lengths: Vec<f64> = cohort.iter().map(|c| c.1).collect();
        let (t_stats, l_stats) = (self.stats(&tools), self.stats(&lengths));
        let total = self.tool_weight + self.token_weight;
        correct
            .into_iter()
            .zip(costs)
            .map(|(c, cost)| match (c, cost) {
                (None, _) => Err(missing(&self.correctness.1)),
                (Some(false), _) | (_, None) => Ok(Score::new(0.0)),
                (Some(true), Some(cost)) => {
                    let (t, l) = cost?;
                    let e = (self.tool_weight * self.efficiency(t, &t_stats)
                        + self.token_weight * self.efficiency(l, &l_stats))
                        / total;
                    if !e.is_finite() {
                        return Err(Failure::error(
                            "the cohort's costs are too large for its statistics (they overflow)",
                        ));
                    }
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
