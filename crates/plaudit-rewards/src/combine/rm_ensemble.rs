//! Reward-model ensemble: the minimum, mean, median, or uncertainty-penalised mean of several reward models' scores for one response.
//!
//! ## What it computes
//! With x_1 … x_K the ensemble's scores for the response, mean = (1/K) Σ x_k, and the population
//! variance var = (1/K) Σ (x_k − mean)² (divided by K, not K − 1: the members are the whole
//! ensemble, not a sample of it; one member has var 0), std = √var:
//! ```text
//! min:            r = min_k x_k                  (worst-case optimisation, WCO)
//! mean:           r = mean
//! median:         r = the middle score (the mean of the two middle ones when K is even)
//! mean_minus_var: r = mean − λ · var            (uncertainty-weighted optimisation, UWO)
//! mean_minus_std: r = mean − λ · std            (the same penalty in the scores' own units)
//! ```
//! The members are the scores under `keys` in the sample's `scores` (each value a number, or a list
//! of numbers, one per member), then the components `component_1` … `component_8` that are set;
//! with no key and no component listed, every entry of `scores` is a member (a bare number is an
//! ensemble of one). A missing key, a non-numeric score or an empty ensemble is `invalid_input`,
//! naming the field. The details list every member's score with the mean and std.
//!
//! ## Why
//! "Reward Model Ensembles Help Mitigate Overoptimization" shows that conservative objectives over
//! an ensemble of reward models, worst-case optimisation (the minimum over members) and
//! uncertainty-weighted optimisation (the mean penalised by the members' disagreement), practically
//! eliminate overoptimisation in best-of-n and reduce it in PPO, with and without label noise.
//! "Helping or Herding? Reward Model Ensembles Mitigate but do not Eliminate Reward Hacking"
//! aggregates ensembles (mean, median and conservative forms) and finds they help but cannot remove
//! errors all members share. The abstracts name WCO and UWO without formulas: UWO as mean − λ·var
//! is the standard reading (the research catalogue's), and `mean_minus_std`, `mean` and `median`
//! are Plaudit's documented additions.
//!
//! ## Parameters
//! - `aggregate` (min | mean | median | mean_minus_var | mean_minus_std; default `min`): how the
//!   members' scores combine.
//! - `lambda` (number; default 1.0): λ ≥ 0, the weight of the disagreement penalty (ignored by
//!   `min`, `mean` and `median`).
//! - `keys` (list of strings; default `[]`): the keys of `scores` whose values are members.
//! - `component_1`, `component_2`, `component_3`, `component_4`, `component_5`, `component_6`,
//!   `component_7`, `component_8` (component names; default none): components whose values are
//!   members.
//!
//! ## Example
//! ```json
//! {"sample": {"response": "…", "scores": {"rm_a": 1.0, "rm_b": 2.0, "rm_c": 6.0}}, "value": 1.0}
//! {"params": {"aggregate": "mean"}, "sample": {"response": "…", "scores": {"rm_a": 1.0, "rm_b": 2.0, "rm_c": 6.0}}, "value": 3.0}
//! {"params": {"aggregate": "median"}, "sample": {"response": "…", "scores": {"rm_a": 1.0, "rm_b": 2.0, "rm_c": 6.0}}, "value": 2.0}
//! {"params": {"aggregate": "median"}, "sample": {"response": "…", "scores": {"rm": [10.0, 1.0, 4.0, 2.0]}}, "value": 3.0}
//! {"params": {"aggregate": "mean_minus_std", "lambda": 0.5}, "sample": {"response": "…", "scores": {"rm_a": 2.0, "rm_b": 4.0}}, "value": 2.5}
//! {"params": {"aggregate": "mean_minus_var"}, "sample": {"response": "…", "scores": {"rm_a": 1.0, "rm_b": 3.0}}, "value": 1.0}
//! {"params": {"aggregate": "mean_minus_std", "lambda": 2.0}, "sample": {"response": "…", "scores": {"rm": 0.7}}, "value": 0.7}
//! {"params": {"aggregate": "mean", "keys": ["rm_a", "rm_c"]}, "sample": {"response": "…", "scores": {"rm_a": 1.0, "rm_b": 2.0, "rm_c": 6.0}}, "value": 3.5}
//! {"params": {"component_1": "r1", "component_2": "r2"}, "components": {"r1": 0.2, "r2": 0.8}, "sample": {"response": "…"}, "value": 0.2}
//! {"params": {"aggregate": "mean", "keys": ["extra"], "component_1": "r1"}, "components": {"r1": 0.2}, "sample": {"response": "…", "scores": {"extra": 0.6}}, "value": 0.4}
//! {"params": {"aggregate": "mean"}, "sample": {"response": "…", "scores": 5.0}, "value": 5.0}
//! {"sample": {"response": "…"}, "status": "invalid_input"}
//! {"sample": {"response": "…", "scores": {}}, "status": "invalid_input"}
//! {"params": {"keys": ["rm_d"]}, "sample": {"response": "…", "scores": {"rm_a": 1.0}}, "status": "invalid_input"}
//! {"sample": {"response": "…", "scores": {"rm_a": 1.0, "rm_b": null}}, "status": "invalid_input"}
//! ```

use std::sync::Arc;

use plaudit_core::{
    Ctx, Failure, Kind, Outcome, ParamSpec, Params, Reward, RewardInfo, Sample, Score,
};
use serde_json::{json, Map, Value};

use super::scores::{all_scores, scores_at};

pub const INFO: RewardInfo = RewardInfo {
    name: "rm_ensemble",
    family: "combine",
    source: include_str!("rm_ensemble.rs"),
    params: PARAMS,
    build,
};

const AGGREGATES: &[&str] = &["min", "mean", "median", "mean_minus_var", "mean_minus_std"];

const COMPONENT_PARAMS: [&str; 8] = [
    "component_1",
    "component_2",
    "component_3",
    "component_4",
    "component_5",
    "component_6",
    "component_7",
    "component_8",
];

const fn member(name: &'static str) -> ParamSpec {
    ParamSpec::new(
        name,
        Kind::Component,
        "\"\"",
        "a component whose value is a member",
    )
}

const PARAMS: &[ParamSpec] = &[
    ParamSpec::new(
        "aggregate",
        Kind::Enum(AGGREGATES),
        "\"min\"",
        "how the members' scores combine",
    ),
    ParamSpec::new(
        "lambda",
        Kind::Float,
        "1.0",
        "λ ≥ 0, weight of the var / std penalty",
    )
    .min(0.0),
    ParamSpec::new(
        "keys",
        Kind::StrList,
        "[]",
        "keys of `scores` that are members (none and no component: all of them)",
    ),
    member(COMPONENT_PARAMS[0]),
    member(COMPONENT_PARAMS[1]),
    member(COMPONENT_PARAMS[2]),
    member(COMPONENT_PARAMS[3]),
    member(COMPONENT_PARAMS[4]),
    member(COMPONENT_PARAMS[5]),
    member(COMPONENT_PARAMS[6]),
    member(COMPONENT_PARAMS[7]),
];

struct RmEnsemble {
    aggregate: String,
    lambda: f64,
    keys: Vec<String>,
    components: Vec<(usize, String)>,
}

fn build(p: &Params) -> Result<Arc<dyn Reward>, String> {
    let lambda = p.f64("lambda");
    let keys = p.strs("keys");
    for (i, k) in keys.iter().enumerate() {
        if keys[..i].contains(k) {
            return Err(format!(
                "`keys` lists `{k}` twice (each member counts once)"
            ));
        }
    }
    Ok(Arc::new(RmEnsemble {
        aggregate: p.str("aggregate").to_string(),
        lambda,
        keys,
        components: COMPONENT_PARAMS
            .iter()
            .filter_map(|c| p.component(c))
            .collect(),
    }))
}

/// Mean and population standard deviation, computed on values scaled by their largest magnitude
/// so that no intermediate overflows (both are finite for any finite inputs).
pub(crate) fn mean_std(xs: &[f64]) -> (f64, f64) {
    let n = xs.len() as f64;
    let scale = xs.iter().fold(0.0f64, |m, x| m.max(x.abs()));
    if scale == 0.0 || n == 0.0 {
        return (0.0, 0.0);
    }
    let mean = xs.iter().map(|x| x / scale).sum::<f64>() / n;
    let var = xs.iter().map(|x| (x / scale - mean).powi(2)).sum::<f64>() / n;
    (mean * scale, var.sqrt() * scale)
}

fn median(xs: &[f64]) -> f64 {
    let mut v = xs.to_vec();
    v.sort_by(f64::total_cmp);
    let n = v.len();
    if n % 2 == 1 {
        v[n / 2]
    } else {
        v[n / 2 - 1] / 2.0 + v[n / 2] / 2.0
    }
}

impl Reward for RmEnsemble {
    fn score(&self, sample: &Sample, cx: &Ctx) -> Outcome {
        let mut named: Vec<(String, Vec<f64>)> = Vec::new();
        if self.keys.is_empty() && self.components.is_empty() {
            named = all_scores(sample)?;
        }
        for k in &self.keys {
            named.push((k.clone(), scores_at(sample, k)?));
        }
        for (i, name) in &self.components {
            named.push((name.clone(), vec![cx.component(*i, name)?]));
        }
        let mut members = Map::new();
        let mut xs = Vec::new();
        for (name, values) in named {
            if values.len() == 1 {
                members.insert(name, json!(values[0]));
            } else {
                for (j, v) in values.iter().enumerate() {
                    members.insert(format!("{name}[{j}]"), json!(v));
                }
            }
            xs.extend(values);
        }
        if xs.is_empty() {
            return Err(Failure::invalid_input(
                "the ensemble has no member: field `scores` is empty and no key or component is listed",
            ));
        }
        let (mean, std) = mean_std(&xs);
        let value = match self.aggregate.as_str() {
            "min" => xs.iter().copied().fold(f64::INFINITY, f64::min),
            "mean" => mean,
            "median" => median(&xs),
            "mean_minus_var" => mean - self.lambda * std * std,
            "mean_minus_std" => mean - self.lambda * std,
            other => return Err(Failure::error(format!("unknown aggregate `{other}`"))),
        };
        let details = json!({"members": Value::Object(members), "mean": mean, "std": std});
        if !value.is_finite() {
            return Err(Failure::invalid_input(format!(
                "`{}` of these scores overflows a 64-bit float (mean {mean}, std {std}, λ {})",
                self.aggregate, self.lambda
            ))
            .with_details(details));
        }
        Ok(Score::with_details(value, details))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stats_are_population_and_overflow_free() {
        let (m, s) = mean_std(&[2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0]);
        assert!((m - 5.0).abs() < 1e-12 && (s - 2.0).abs() < 1e-12);
        assert_eq!(mean_std(&[3.0]), (3.0, 0.0));
        let (m, s) = mean_std(&[f64::MAX, -f64::MAX]);
        assert_eq!(m, 0.0);
        assert!(s.is_finite() && s > 1e307);
        assert_eq!(median(&[f64::MAX, f64::MAX]), f64::MAX);
        assert_eq!(median(&[5.0, -1.0, 3.0]), 3.0);
    }

    #[test]
    fn bad_parameters_are_refused() {
        for (params, msg) in [
            (
                json!({"lambda": -0.5}),
                "parameter `lambda` must be ≥ 0, got -0.5",
            ),
            (
                json!({"keys": ["a", "b", "a"]}),
                "`keys` lists `a` twice (each member counts once)",
            ),
        ] {
            assert_eq!(crate::spec_error(&INFO, params, &[]), msg);
        }
    }
}
