//! Confidence-gated hybrid reward: the rule-based reward where its verifier is confident, the reward model's score elsewhere (or a confidence-weighted mix of the two).
//!
//! ## What it computes
//! With R the rule reward (the component `rule`), M the model score (`scores.<model_key>`, or the
//! component `model_component`), c the rule verifier's confidence (`scores.<confidence_key>`, or
//! the component `confidence_component`) and τ the `threshold`:
//! ```text
//! gate: r = R  if c ≥ τ,  else M
//! mix:  r = c · R + (1 − c) · M        (c must lie in [0, 1])
//! ```
//! In `gate` mode the model score is read only when it is used, so a trainer may send a model
//! score only for the samples the verifier cannot decide; a sample that needs it and lacks it is
//! `invalid_input`, naming the field. Confidence can be anything the verifier reports: a
//! probability, or 1/0 for "the response is in a form the rule can check" (for example a
//! `regex_match` component that finds a `\boxed{}` answer). In `mix` mode a confidence outside
//! [0, 1] is `invalid_input`. The details say which reward was used (`rule`, `model` or `mix`)
//! and the values read.
//!
//! A confidence the response itself decides is a lever for the policy: with "checkable" meaning
//! "has a `\boxed{}`", a wrong answer left unboxed is scored by the model (0.9 in the example
//! below) instead of the rule (0.0), so a policy learns to drop the box when it is unsure. Prefer
//! a confidence the response cannot choose (the verifier's, or one derived from the problem), or
//! pay the uncheckable branch less (`model_component` a component that scales the model's score
//! below the rule's reward for a right answer).
//!
//! ## Why
//! "Beyond Monolithic Rewards: A Hybrid and Multi-Aspect Reward Optimization for MLLM Alignment"
//! integrates model-based rewards with rule-based rewards, "domain-specific heuristics [that]
//! provide explicit correctness signals with confidence", because a single reward model lacks
//! confidence calibration across domains. The abstract does not say how the two combine: the
//! hard gate (the rule where it is confident, the model elsewhere) is Plaudit's documented
//! standard reading, and the convex `mix` weighted by the confidence is the soft alternative,
//! chosen with `mode`.
//!
//! ## Parameters
//! - `rule` (component name; default `correct`): the rule-based reward R.
//! - `model_key` (string; default `model`): the key of `scores` holding M (the empty string:
//!   `scores` is that number itself).
//! - `model_component` (component name; default none): read M from this component instead (an
//!   ensemble, a PAR transform …).
//! - `confidence_key` (string; default `confidence`): the key of `scores` holding c.
//! - `confidence_component` (component name; default none): read c from this component instead.
//! - `threshold` (number; default 0.5): τ, the confidence at or above which `gate` uses R.
//! - `mode` (gate | mix; default `gate`): hard gate or convex mix.
//!
//! ## Example
//! ```json
//! {"components": {"correct": 1.0}, "sample": {"response": "…", "scores": {"model": 0.3, "confidence": 0.9}}, "value": 1.0}
//! {"components": {"correct": 1.0}, "sample": {"response": "…", "scores": {"model": 0.3, "confidence": 0.2}}, "value": 0.3}
//! {"components": {"correct": 0.0}, "sample": {"response": "…", "scores": {"model": 0.3, "confidence": 0.5}}, "value": 0.0}
//! {"components": {"correct": 0.0}, "sample": {"response": "…", "scores": {"confidence": 1.0}}, "value": 0.0}
//! {"components": {"correct": 1.0}, "sample": {"response": "…", "scores": {"confidence": 0.1}}, "status": "invalid_input"}
//! {"params": {"threshold": 0.95}, "components": {"correct": 1.0}, "sample": {"response": "…", "scores": {"model": 0.6, "confidence": 0.9}}, "value": 0.6}
//! {"params": {"mode": "mix"}, "components": {"correct": 1.0}, "sample": {"response": "…", "scores": {"model": 0.2, "confidence": 0.25}}, "value": 0.4}
//! {"params": {"mode": "mix"}, "components": {"correct": 0.0}, "sample": {"response": "…", "scores": {"model": 0.8, "confidence": 1.0}}, "value": 0.0}
//! {"params": {"mode": "mix"}, "components": {"correct": 1.0}, "sample": {"response": "…", "scores": {"model": 0.2, "confidence": 1.5}}, "status": "invalid_input"}
//! {"params": {"confidence_component": "checkable"}, "components": {"correct": 0.0, "checkable": 1.0}, "sample": {"response": "…", "scores": {"model": 0.9}}, "value": 0.0}
//! {"params": {"confidence_component": "checkable"}, "components": {"correct": 0.0, "checkable": 0.0}, "sample": {"response": "…", "scores": {"model": 0.9}}, "value": 0.9}
//! {"params": {"model_component": "rm", "confidence_component": "checkable"}, "components": {"correct": 0.0, "rm": 0.7, "checkable": 0.0}, "sample": {"response": "…"}, "value": 0.7}
//! {"components": {"correct": 1.0}, "sample": {"response": "…", "scores": {"model": 0.3}}, "status": "invalid_input"}
//! ```

use std::sync::Arc;

use plaudit_core::{
    Ctx, Failure, Kind, Outcome, ParamSpec, Params, Reward, RewardInfo, Sample, Score,
};
use serde_json::json;

use super::scores::score_at;

pub const INFO: RewardInfo = RewardInfo {
    name: "confidence_gate",
    family: "combine",
    source: include_str!("confidence_gate.rs"),
    params: PARAMS,
    build,
};

const PARAMS: &[ParamSpec] = &[
    ParamSpec::new(
        "rule",
        Kind::Component,
        "\"correct\"",
        "the rule-based reward R",
    ),
    ParamSpec::new(
        "model_key",
        Kind::Str,
        "\"model\"",
        "key of `scores` with the model score M (empty: `scores` itself)",
    ),
    ParamSpec::new(
        "model_component",
        Kind::Component,
        "\"\"",
        "component giving M instead of `scores`",
    ),
    ParamSpec::new(
        "confidence_key",
        Kind::Str,
        "\"confidence\"",
        "key of `scores` with the verifier's confidence c",
    ),
    ParamSpec::new(
        "confidence_component",
        Kind::Component,
        "\"\"",
        "component giving c instead of `scores`",
    ),
    ParamSpec::new(
        "threshold",
        Kind::Float,
        "0.5",
        "τ: `gate` uses R when c ≥ τ",
    ),
    ParamSpec::new(
        "mode",
        Kind::Enum(&["gate", "mix"]),
        "\"gate\"",
        "hard gate, or c·R + (1 − c)·M",
    ),
];

struct ConfidenceGate {
    rule: (usize, String),
    model_key: String,
    model_component: Option<(usize, String)>,
    confidence_key: String,
    confidence_component: Option<(usize, String)>,
    threshold: f64,
    mix: bool,
}

fn build(p: &Params) -> Result<Arc<dyn Reward>, String> {
    let Some(rule) = p.component("rule") else {
        return Err("`rule` must name the component with the rule-based reward".into());
    };
    Ok(Arc::new(ConfidenceGate {
        rule,
        model_key: p.str("model_key").to_string(),
        model_component: p.component("model_component"),
        confidence_key: p.str("confidence_key").to_string(),
        confidence_component: p.component("confidence_component"),
        threshold: p.f64("threshold"),
        mix: p.str("mode") == "mix",
    }))
}

impl ConfidenceGate {
    fn model(&self, sample: &Sample, cx: &Ctx) -> Result<f64, Failure> {
        match &self.model_component {
            Some((i, name)) => cx.component(*i, name),
            None => score_at(sample, &self.model_key),
        }
    }
}

impl Reward for ConfidenceGate {
    fn score(&self, sample: &Sample, cx: &Ctx) -> Outcome {
        let rule = cx.component(self.rule.0, &self.rule.1)?;
        let c = match &self.confidence_component {
            Some((i, name)) => cx.component(*i, name)?,
            None => score_at(sample, &self.confidence_key)?,
        };
        if self.mix {
            if !(0.0..=1.0).contains(&c) {
                return Err(Failure::invalid_input(format!(
                    "confidence {c} is outside [0, 1], which `mode: mix` needs as a weight"
                )));
            }
            let model = self.model(sample, cx)?;
            let value = c * rule + (1.0 - c) * model;
            if !value.is_finite() {
                return Err(Failure::invalid_input(format!(
                    "the mix of rule {rule} and model {model} overflows a 64-bit float"
                )));
            }
            return Ok(Score::with_details(
                value,
                json!({"used": "mix", "confidence": c, "rule": rule, "model": model}),
            ));
        }
        if c >= self.threshold {
            Ok(Score::with_details(
                rule,
                json!({"used": "rule", "confidence": c, "rule": rule}),
            ))
        } else {
            let model = self.model(sample, cx).map_err(|mut f| {
                f.message = format!(
                    "the rule verifier is not confident (confidence {c} < {}), and the model score: {}",
                    self.threshold, f.message
                );
                f
            })?;
            Ok(Score::with_details(
                model,
                json!({"used": "model", "confidence": c, "rule": rule, "model": model}),
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rule_component_is_required() {
        let p = Params::from_json(PARAMS, &json!({"rule": ""}), &[]).unwrap();
        assert_eq!(
            build(&p).err().unwrap(),
            "`rule` must name the component with the rule-based reward"
        );
    }
}
