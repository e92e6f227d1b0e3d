//! Preference As Reward (PAR): the sigmoid of the policy response's reward-model score centred on a reference response's score, bounded in (0, 1).
//!
//! ## What it computes
//! With s the reward-model score of the policy's response, s_ref,1 … s_ref,M the scores the same
//! reward model gives to M reference responses to the same prompt, T the `temperature` and
//! σ(x) = 1 / (1 + e^(−x)):
//! ```text
//! r = (1/M) · Σ_m σ((s − s_ref,m) / T)
//! ```
//! r is the reward model's own (Bradley–Terry) probability that the policy's response is
//! preferred to the reference, averaged over the references: 0.5 when it scores like the reference,
//! rising fast near the reference and flattening out above it, and never beyond (0, 1) however
//! high the raw score is pushed (in floating point it rounds to 1.0 for differences above about
//! 37·T, and to 0.0 below about −745·T). s comes from `scores.<score_key>`, or from the component `score_component`;
//! the references from `scores.<k>` for each k of `reference_keys` (each a number or a list of
//! numbers, all pooled), or from the component `reference_component`. A missing or non-numeric
//! score is `invalid_input`, naming the field.
//!
//! ## Why
//! "Reward Shaping to Mitigate Reward Hacking in RLHF" finds three principles for shaping a
//! reward-model score: the RL reward is best bounded, grows fast at first and then converges,
//! and is a function of the centred reward; its Preference As Reward (PAR) uses the latent
//! preference of the reward model itself, the sigmoid of the score minus a reference response's
//! score, and needs a single reference response for its best results. The abstract gives no
//! formula: σ(s − s_ref), averaged over references when there are several, is Plaudit's
//! documented reading (consistent with all three principles), and `temperature` is Plaudit's
//! addition (1 = the plain sigmoid).
//!
//! ## Parameters
//! - `score_key` (string; default `policy`): the key of `scores` holding the policy response's
//!   score (the empty string: `scores` is that number itself).
//! - `score_component` (component name; default none): read the policy's score from this
//!   component instead (an ensemble, a transform …).
//! - `reference_keys` (list of strings; default `["reference"]`): the keys of `scores` holding
//!   reference scores; each value is a number or a list of numbers, and every reference counts
//!   once in the mean.
//! - `reference_component` (component name; default none): take the one reference score from
//!   this component instead.
//! - `temperature` (number; default 1.0): T > 0; larger T flattens the sigmoid.
//!
//! ## Example
//! ```json
//! {"sample": {"response": "…", "scores": {"policy": 1.0, "reference": 1.0}}, "value": 0.5}
//! {"sample": {"response": "…", "scores": {"policy": 2.0, "reference": 1.0}}, "value": 0.7310585786300049}
//! {"sample": {"response": "…", "scores": {"policy": 0.0, "reference": 1.0}}, "value": 0.2689414213699951}
//! {"sample": {"response": "…", "scores": {"policy": 1000.0, "reference": 0.0}}, "value": 1.0}
//! {"params": {"temperature": 2.0}, "sample": {"response": "…", "scores": {"policy": 3.0, "reference": 1.0}}, "value": 0.7310585786300049}
//! {"sample": {"response": "…", "scores": {"policy": 1.0, "reference": [0.0, 2.0]}}, "value": 0.5}
//! {"params": {"reference_keys": ["ref_a", "ref_b"]}, "sample": {"response": "…", "scores": {"policy": 1.0, "ref_a": 1.0, "ref_b": 3.0}}, "value": 0.3096014610110588}
//! {"params": {"score_component": "rm"}, "components": {"rm": 2.0}, "sample": {"response": "…", "scores": {"reference": 1.0}}, "value": 0.7310585786300049}
//! {"params": {"score_key": "", "reference_component": "ref"}, "components": {"ref": 3.0}, "sample": {"response": "…", "scores": 1.0}, "value": 0.11920292202211755}
//! {"sample": {"response": "…"}, "status": "invalid_input"}
//! {"sample": {"response": "…", "scores": {"policy": 1.0}}, "status": "invalid_input"}
//! {"sample": {"response": "…", "scores": {"policy": "high", "reference": 1.0}}, "status": "invalid_input"}
//! {"sample": {"response": "…", "scores": {"policy": 1.0, "reference": []}}, "status": "invalid_input"}
//! ```

use std::sync::Arc;

use plaudit_core::{Ctx, Kind, Outcome, ParamSpec, Params, Reward, RewardInfo, Sample, Score};
use serde_json::json;

use super::scores::{score_at, scores_at};

pub const INFO: RewardInfo = RewardInfo {
    name: "preference_sigmoid",
    family: "combine",
    source: include_str!("preference_sigmoid.rs"),
    params: PARAMS,
    build,
};

const PARAMS: &[ParamSpec] = &[
    ParamSpec::new(
        "score_key",
        Kind::Str,
        "\"policy\"",
        "key of `scores` with the policy response's score (empty: `scores` itself)",
    ),
    ParamSpec::new(
        "score_component",
        Kind::Component,
        "\"\"",
        "component giving the policy's score instead of `scores`",
    ),
    ParamSpec::new(
        "reference_keys",
        Kind::StrList,
        "[\"reference\"]",
        "keys of `scores` with reference scores (numbers or lists)",
    ),
    ParamSpec::new(
        "reference_component",
        Kind::Component,
        "\"\"",
        "component giving the reference score instead of `scores`",
    ),
    ParamSpec::new(
        "temperature",
        Kind::Float,
        "1.0",
        "T in σ((s − s_ref) / T); > 0",
    )
    .above(0.0),
];

struct PreferenceSigmoid {
    score_key: String,
    score_component: Option<(usize, String)>,
    reference_keys: Vec<String>,
    reference_component: Option<(usize, String)>,
    temperature: f64,
}

fn build(p: &Params) -> Result<Arc<dyn Reward>, String> {
    let temperature = p.f64("temperature");
    let reference_component = p.component("reference_component");
    let reference_keys = p.strs("reference_keys");
    if reference_component.is_none() && reference_keys.is_empty() {
        return Err(
            "`reference_keys` is empty and no `reference_component` is set: there is no reference score"
                .into(),
        );
    }
    Ok(Arc::new(PreferenceSigmoid {
        score_key: p.str("score_key").to_string(),
        score_component: p.component("score_component"),
        reference_keys,
        reference_component,
        temperature,
    }))
}

/// The logistic function, computed without overflow for any finite x.
pub(crate) fn sigmoid(x: f64) -> f64 {
    if x >= 0.0 {
        1.0 / (1.0 + (-x).exp())
    } else {
        let e = x.exp();
        e / (1.0 + e)
    }
}

impl Reward for PreferenceSigmoid {
    fn score(&self, sample: &Sample, cx: &Ctx) -> Outcome {
        let s = match &self.score_component {
            Some((i, name)) => cx.component(*i, name)?,
            None => score_at(sample, &self.score_key)?,
        };
        let refs = match &self.reference_component {
            Some((i, name)) => vec![cx.component(*i, name)?],
            None => {
                let mut refs = Vec::new();
                for k in &self.reference_keys {
                    refs.extend(scores_at(sample, k)?);
                }
                refs
            }
        };
        // Centred differences; a difference too large for f64 (scores near ±1.8e308) saturates
        // the sigmoid as an infinite one would.
        let centred: Vec<f64> = refs
            .iter()
            .map(|r| ((s - r) / self.temperature).clamp(-f64::MAX, f64::MAX))
            .collect();
        let value = centred.iter().map(|&d| sigmoid(d)).sum::<f64>() / centred.len() as f64;
        Ok(Score::with_details(
            value,
            json!({"score": s, "references": refs, "centred": centred}),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sigmoid_is_symmetric_and_bounded() {
        for x in [0.0, 0.3, 1.0, 5.0, 40.0, 800.0, f64::MAX] {
            let (a, b) = (sigmoid(x), sigmoid(-x));
            assert!((a + b - 1.0).abs() < 1e-15, "{x}");
            assert!((0.0..=1.0).contains(&a) && a.is_finite());
        }
        assert_eq!(sigmoid(0.0), 0.5);
        assert!(sigmoid(-30.0) > 0.0 && sigmoid(30.0) < 1.0);
    }

    #[test]
    fn bad_parameters_are_refused() {
        for (params, msg) in [
            (
                json!({"temperature": 0.0}),
                "parameter `temperature` must be > 0, got 0",
            ),
            (
                json!({"reference_keys": []}),
                "`reference_keys` is empty and no `reference_component` is set: there is no reference score",
            ),
        ] {
            assert_eq!(crate::spec_error(&INFO, params, &[]), msg);
        }
    }
}
