//! Step-increment rewards: each step earns the change in score it made, and turning points that bend the trend toward the trajectory's overall direction earn the change from there to the end.
//!
//! ## What it computes
//! With s_1 … s_T the sample's `step_scores` (T ≥ 1) and s_0 = `initial` (or the sample's own
//! `meta.<initial_field>`):
//! ```text
//! increment:     r_t = s_t − s_{t−1}                   (t = 1 … T; Σ_t r_t = s_T − s_0)
//! overall trend: D = s_T − s_0
//! turning point: t ≥ 2 with r_t ≠ 0, sign(r_t) = sign(D) ≠ 0, and the last non-zero increment
//!                before t of the opposite sign
//! step reward:   ρ_t = s_T − s_{t−1} = Σ_{k ≥ t} r_k   at a turning point (when `turning_points`)
//!                ρ_t = r_t                              elsewhere
//! value = aggregation(ρ_1 … ρ_T)
//! ```
//! A zero increment has no sign: it neither makes nor breaks a trend, so a turning point compares
//! with the last non-zero increment before it. When the trajectory ends where it started (D = 0)
//! there is no turning point. The details give `overall` (D), `turning_points` (their indices,
//! from 0, as listed in `increments`; the first `detail_limit` of them), `turning_point_count` and,
//! for at most `detail_limit` steps, `increments` (r_t) and `step_rewards` (ρ_t).
//!
//! ## Why
//! "Alleviating Sparse Rewards by Modeling Step-Wise and Long-Term Sampling Effects in Flow-Based
//! GRPO" (TurningPoint-GRPO) replaces the outcome reward with "step-level incremental rewards" that
//! isolate each step's own effect, and finds "turning points" — steps "that flip the local reward
//! trend and make subsequent reward evolution consistent with the overall trajectory trend",
//! "detected solely via sign changes in incremental rewards" — which receive "an aggregated
//! long-term reward" for their delayed effect. The abstract gives no formulas. Plaudit follows its
//! research catalogue's reading: increments s_t − s_{t−1}; a turning point flips the sign of the
//! previous increment to the sign of s_T − s_0; its long-term reward is the sum of the increments
//! from it to the end. The zero-increment rule, s_0 and the aggregation into one value are
//! Plaudit's documented choices. The same increments are the dense rewards of step-score "gain"
//! methods (DenseGRPO's "step-wise reward gain", where s_0 is the score of what the model would
//! produce before the first step, different for every sample: `initial_field`).
//!
//! ## Parameters
//! - `initial` (number; default 0): s_0, the score before the first step.
//! - `initial_field` (string; default empty: none): read s_0 from the sample's `meta.<initial_field>`
//!   instead (a number; missing or not finite is `invalid_input`, naming the field).
//! - `turning_points` (boolean; default true): give turning points their long-term reward; with
//!   false every step earns its increment and the sum is s_T − s_0.
//! - `aggregation` (min | last | mean | product | sum; default `sum`): how the step rewards combine
//!   into the value.
//! - `steps_from` (auto | field | response | none; default `auto`): what `step_scores` must line up
//!   with (see `process_aggregate`); a different count is `invalid_input`.
//! - `delimiter` (string; default `"\n\n"`): the separator between steps under
//!   `steps_from: response`.
//! - `detail_limit` (integer; default 64): the per-step lists, and the turning-point indices, are
//!   listed for at most this many.
//!
//! ## Example
//! ```json
//! {"params": {}, "sample": {"response": "…", "step_scores": [0.5, 0.3, 0.6, 0.8]}, "value": 1.0}
//! {"params": {"turning_points": false}, "sample": {"response": "…", "step_scores": [0.5, 0.3, 0.6, 0.8]}, "value": 0.8}
//! {"params": {"aggregation": "mean"}, "sample": {"response": "…", "step_scores": [0.5, 0.3, 0.6, 0.8]}, "value": 0.25}
//! {"params": {"aggregation": "last"}, "sample": {"response": "…", "step_scores": [0.5, 0.3, 0.6, 0.8]}, "value": 0.2}
//! {"params": {"initial": 0.8}, "sample": {"response": "…", "step_scores": [0.6, 0.7, 0.5, 0.4]}, "value": -0.5}
//! {"params": {"initial": 0.8, "aggregation": "min"}, "sample": {"response": "…", "step_scores": [0.6, 0.7, 0.5, 0.4]}, "value": -0.3}
//! {"params": {}, "sample": {"response": "…", "step_scores": [0.5, 0.5, 0.3, 0.6, 0.7]}, "value": 0.8}
//! {"params": {}, "sample": {"response": "…", "step_scores": [0.5, 0.0]}, "value": 0.0}
//! {"params": {"initial": 0.2}, "sample": {"response": "…", "step_scores": [0.7]}, "value": 0.5}
//! {"params": {"initial_field": "start", "turning_points": false}, "sample": {"response": "…", "step_scores": [0.6, 0.9], "meta": {"start": 0.4}}, "value": 0.5}
//! {"params": {"initial_field": "start"}, "sample": {"response": "…", "step_scores": [0.6, 0.9]}, "status": "invalid_input"}
//! {"params": {"steps_from": "field"}, "sample": {"response": "…", "steps": ["a", "b", "c"], "step_scores": [0.1, 0.2]}, "status": "invalid_input"}
//! {"params": {}, "sample": {"response": "…"}, "status": "invalid_input"}
//! ```

use std::sync::Arc;

use plaudit_core::{
    Ctx, Failure, Kind, Outcome, ParamSpec, Params, Reward, RewardInfo, Sample, Score,
};
use serde_json::json;

use super::steps::{
    detail_limit, finite, listed, overflow, Aggregation, StepSource, AGGREGATIONS, DELIMITER_PARAM,
    DETAIL_LIMIT_PARAM, STEPS_FROM_PARAM,
};

pub const INFO: RewardInfo = RewardInfo {
    name: "step_increment",
    family: "process",
    source: include_str!("step_increment.rs"),
    params: PARAMS,
    build,
};

const PARAMS: &[ParamSpec] = &[
    ParamSpec::new(
        "initial",
        Kind::Float,
        "0.0",
        "s_0, the score before the first step",
    ),
    ParamSpec::new(
        "initial_field",
        Kind::Str,
        "\"\"",
        "the key under `meta` of the sample's own s_0 (empty: use `initial`)",
    ),
    ParamSpec::new(
        "turning_points",
        Kind::Bool,
        "true",
        "turning points earn the sum of the increments from them to the end",
    ),
    ParamSpec::new(
        "aggregation",
        Kind::Enum(AGGREGATIONS),
        "\"sum\"",
        "how the step rewards combine",
    ),
    STEPS_FROM_PARAM,
    DELIMITER_PARAM,
    DETAIL_LIMIT_PARAM,
];

struct StepIncrement {
    initial: f64,
    initial_field: Option<String>,
    turning_points: bool,
    aggregation: Aggregation,
    source: StepSource,
    detail_limit: usize,
}

fn build(p: &Params) -> Result<Arc<dyn Reward>, String> {
    Ok(Arc::new(StepIncrement {
        initial: p.f64("initial"),
        initial_field: Some(p.str("initial_field").to_string()).filter(|f| !f.is_empty()),
        turning_points: p.bool("turning_points"),
        aggregation: Aggregation::from_params(p, "aggregation")?,
        source: StepSource::from_params(p)?,
        detail_limit: detail_limit(p)?,
    }))
}

/// -1, 0 or 1.
fn sign(x: f64) -> i8 {
    if x > 0.0 {
        1
    } else if x < 0.0 {
        -1
    } else {
        0
    }
}

/// The increments of `scores` after `initial`, and the indices (from 0) of the turning points.
fn increments_and_turns(initial: f64, scores: &[f64]) -> Result<(Vec<f64>, Vec<usize>), String> {
    let mut prev = initial;
    let mut inc = Vec::with_capacity(scores.len());
    for (t, &s) in scores.iter().enumerate() {
        let r = s - prev;
        if !r.is_finite() {
            return Err(format!("the increment of step {t}"));
        }
        inc.push(r);
        prev = s;
    }
    let overall = sign(prev - initial);
    let mut turns = Vec::new();
    let mut trend = 0i8; // the sign of the last non-zero increment so far
    for (t, &r) in inc.iter().enumerate() {
        let sr = sign(r);
        if sr != 0 {
            if overall != 0 && sr == overall && trend == -sr {
                turns.push(t);
            }
            trend = sr;
        }
    }
    Ok((inc, turns))
}

impl Reward for StepIncrement {
    fn score(&self, sample: &Sample, _cx: &Ctx) -> Outcome {
        let s = self.source.read(sample)?.scores;
        let initial = match &self.initial_field {
            None => self.initial,
            Some(f) => match sample.meta.get(f).and_then(|v| v.as_f64()) {
                Some(x) if x.is_finite() => x,
                Some(_) => {
                    return Err(Failure::invalid_input(format!(
                        "`meta.{f}` (s_0, `initial_field`) is not a finite number"
                    )))
                }
                None => {
                    return Err(Failure::invalid_input(format!(
                        "`meta.{f}` (s_0, `initial_field`) is missing or not a number"
                    )))
                }
            },
        };
        let (inc, turns) = match increments_and_turns(initial, s) {
            Ok(v) => v,
            Err(what) => return Err(overflow(&what)),
        };
        let last = s[s.len() - 1];
        let overall = finite(last - initial, || "the overall change s_T − s_0".into())?;
        let mut rho = inc.clone();
        if self.turning_points {
            for &t in &turns {
                let before = if t == 0 { initial } else { s[t - 1] };
                rho[t] = finite(last - before, || {
                    format!("the long-term reward of step {t}")
                })?;
            }
        }
        let value = self.aggregation.apply(&rho, "step rewards")?;
        let mut details = json!({
            "overall": overall,
            "turning_points": turns.iter().take(self.detail_limit).collect::<Vec<_>>(),
            "turning_point_count": turns.len(),
        });
        if let Some(list) = listed(&inc, self.detail_limit) {
            details["increments"] = list;
        }
        if let Some(list) = listed(&rho, self.detail_limit) {
            details["step_rewards"] = list;
        }
        Ok(Score::with_details(value, details))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn turning_points_follow_the_overall_trend() {
        // Increments 0.5, -0.2, 0.3, 0.2: the trend flips back up at index 2, toward D > 0.
        let (inc, turns) = increments_and_turns(0.0, &[0.5, 0.3, 0.6, 0.8]).unwrap();
        assert_eq!(inc.len(), 4);
        assert_eq!(turns, vec![2]);
        // A flip against the overall trend is not a turning point; zeros carry the trend over.
        let (_, turns) = increments_and_turns(0.0, &[0.5, 0.5, 0.3, 0.3, 0.6, 0.2, 0.9]).unwrap();
        assert_eq!(turns, vec![4, 6]);
        // Back where it started: no overall trend, no turning point.
        let (_, turns) = increments_and_turns(0.0, &[0.5, 0.2, 0.4, 0.0]).unwrap();
        assert!(turns.is_empty());
    }
}
