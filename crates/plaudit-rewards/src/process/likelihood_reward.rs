//! Likelihood reward: the model's log-probability of a reference continuation (the reference answer, a gold-CoT suffix, a follow-up) after the response, shaped as a log-prob, a mean log-prob or a probability.
//!
//! ## What it computes
//! The trainer scores the target continuation y_1 … y_m (the reference answer after the
//! response's chain of thought, the gold-CoT's suffix after a reasoning prefix, the user's
//! follow-up) with the model and sends its token log-probabilities ℓ_j = log p(y_j | …, y_<j) in
//! `meta.gold_logprobs` (the key is `field`). The value is one of (`shaping`):
//! ```text
//! log_prob:        Σ_j ℓ_j                      the log-probability of the whole continuation
//! mean_log_prob:   (1/m) Σ_j ℓ_j                per token, so long references do not dominate
//! prob:            exp(Σ_j ℓ_j)                 the probability of the continuation
//! geometric_prob:  exp((1/m) Σ_j ℓ_j)           the per-token (geometric mean) probability
//! mean_prob:       (1/m) Σ_j exp(ℓ_j)           the mean token probability
//! ```
//! **Per step.** When the field is a list of lists, each inner list is one reasoning step's
//! continuation (P2S: the gold-CoT suffix after the response's prefix up to that step); each is
//! shaped as above and the step values are combined by `aggregation`.
//!
//! **Baseline.** With `baseline_field` set, the same statistic computed the same way from
//! `meta.<baseline_field>` (e.g. the reference's log-probs without the chain of thought) is
//! subtracted: the value is how much the response raised the likelihood.
//!
//! Every list must be present, non-empty, and hold log-probabilities (finite numbers ≤ 0), else
//! `invalid_input` naming the field and the entry: probabilities sent by mistake, a missing
//! baseline and NaN are caught, never read as 0. Details give `tokens` (m, summed over steps),
//! `steps` and `step_values` (for a per-step field, at most `detail_limit` of them) and
//! `baseline` (when subtracted).
//!
//! ## Why
//! "Likelihood-Based Reward Designs for General LLM Reasoning" compares rewards "derived from the
//! probability or log-probability of emitting the reference answer (or any other prompt
//! continuation present in the data)" and finds "the log-probability of the reference answer as
//! the reward for chain-of-thought (CoT) learning is the only option that performs well in all
//! setups", while probability-based rewards (VeriFree) "flatline on non-verifiable settings due to
//! vanishing probabilities": `log_prob` is that reward, `prob` VeriFree's. "P2S: Probabilistic
//! Process Supervision for General-Domain Reasoning Question Answering" rewards each reasoning
//! step with "the conditional probability of generating the gold-CoT's suffix, given the model's
//! current reasoning prefix", which "can be flexibly integrated with any outcome-based reward";
//! "Aligning Language Models Using Follow-up Likelihood as Reward Signal" (FLR) uses "the
//! likelihood of follow-up utterances as rewards". The model's forward passes happen in the
//! trainer; Plaudit computes the shaping. The per-token means, the per-step aggregation (P2S does
//! not say how the step rewards combine, nor how the suffix is aligned with a step: the trainer
//! chooses the suffixes) and the baseline are Plaudit's documented choices.
//!
//! ## Parameters
//! - `field` (string; default `gold_logprobs`): the key under `meta` of the token log-probs (a
//!   list, or a list of lists, one per step).
//! - `shaping` (log_prob | mean_log_prob | prob | geometric_prob | mean_prob; default
//!   `log_prob`): the statistic.
//! - `aggregation` (mean | sum | min | max | first | last; default `mean`): how per-step values
//!   combine.
//! - `baseline_field` (string; default empty: none): the key under `meta` of the baseline's
//!   token log-probs, whose statistic is subtracted.
//! - `detail_limit` (integer; default 64): `step_values` is listed only for at most this many
//!   steps.
//!
//! ## Example
//! ```json
//! {"sample": {"response": "…", "meta": {"gold_logprobs": [-0.5, -1.0, -1.5]}}, "value": -3.0}
//! {"params": {"shaping": "mean_log_prob"}, "sample": {"response": "…", "meta": {"gold_logprobs": [-0.5, -1.0, -1.5]}}, "value": -1.0}
//! {"params": {"shaping": "prob"}, "sample": {"response": "…", "meta": {"gold_logprobs": [-0.5, -1.0, -1.5]}}, "value": 0.049787068367863944}
//! {"params": {"shaping": "geometric_prob"}, "sample": {"response": "…", "meta": {"gold_logprobs": [-0.5, -1.0, -1.5]}}, "value": 0.36787944117144233}
//! {"params": {"shaping": "mean_prob"}, "sample": {"response": "…", "meta": {"gold_logprobs": [-0.5, -1.0, -1.5]}}, "value": 0.39918008701083524}
//! {"params": {"shaping": "mean_log_prob", "baseline_field": "prior_logprobs"}, "sample": {"response": "…", "meta": {"gold_logprobs": [-0.5, -1.0, -1.5], "prior_logprobs": [-2.0, -2.0, -2.0]}}, "value": 1.0}
//! {"params": {"shaping": "mean_log_prob"}, "sample": {"response": "…", "meta": {"gold_logprobs": [[-2.0, -2.0], [-1.0, -0.5], [-0.1]]}}, "value": -0.95}
//! {"params": {"shaping": "mean_log_prob", "aggregation": "min", "field": "suffix_logprobs"}, "sample": {"response": "…", "meta": {"suffix_logprobs": [[-2.0, -2.0], [-1.0, -0.5], [-0.1]]}}, "value": -2.0}
//! {"sample": {"response": "…", "meta": {"gold_logprobs": [-0.5, 0.3]}}, "status": "invalid_input"}
//! {"sample": {"response": "…", "meta": {"gold_logprobs": []}}, "status": "invalid_input"}
//! {"sample": {"response": "…"}, "status": "invalid_input"}
//! {"params": {"baseline_field": "prior_logprobs"}, "sample": {"response": "…", "meta": {"gold_logprobs": [-0.5]}}, "status": "invalid_input"}
//! ```

use std::sync::Arc;

use plaudit_core::sample::type_name;
use plaudit_core::{
    Ctx, Failure, Kind, Outcome, ParamSpec, Params, Reward, RewardInfo, Sample, Score,
};
use serde_json::{json, Value};

use super::steps::{detail_limit, finite, listed, Aggregation, DETAIL_LIMIT_PARAM};

pub const INFO: RewardInfo = RewardInfo {
    name: "likelihood_reward",
    family: "process",
    source: include_str!("likelihood_reward.rs"),
    params: PARAMS,
    build,
};

const PARAMS: &[ParamSpec] = &[
    ParamSpec::new(
        "field",
        Kind::Str,
        "\"gold_logprobs\"",
        "key under `meta` of the continuation's token log-probs (a list, or one list per step)",
    ),
    ParamSpec::new(
        "shaping",
        Kind::Enum(&[
            "log_prob",
            "mean_log_prob",
            "prob",
            "geometric_prob",
            "mean_prob",
        ]),
        "\"log_prob\"",
        "the statistic of the token log-probs",
    ),
    ParamSpec::new(
        "aggregation",
        Kind::Enum(&["mean", "sum", "min", "max", "first", "last"]),
        "\"mean\"",
        "how per-step values combine",
    ),
    ParamSpec::new(
        "baseline_field",
        Kind::Str,
        "\"\"",
        "key under `meta` of the baseline's token log-probs, whose statistic is subtracted (empty: none)",
    ),
    DETAIL_LIMIT_PARAM,
];

#[derive(Clone, Copy)]
enum Shaping {
    LogProb,
    MeanLogProb,
    Prob,
    GeometricProb,
    MeanProb,
}

struct Likelihood {
    field: String,
    shaping: Shaping,
    aggregation: Aggregation,
    baseline: Option<String>,
    detail_limit: usize,
}

fn build(p: &Params) -> Result<Arc<dyn Reward>, String> {
    let field = p.str("field").to_string();
    if field.is_empty() {
        return Err("parameter `field` must not be empty".into());
    }
    let baseline = Some(p.str("baseline_field").to_string()).filter(|b| !b.is_empty());
    if baseline.as_deref() == Some(field.as_str()) {
        return Err(
            "parameter `baseline_field` must differ from `field` (the value would always be 0)"
                .into(),
        );
    }
    let shaping = match p.str("shaping") {
        "mean_log_prob" => Shaping::MeanLogProb,
        "prob" => Shaping::Prob,
        "geometric_prob" => Shaping::GeometricProb,
        "mean_prob" => Shaping::MeanProb,
        _ => Shaping::LogProb,
    };
    Ok(Arc::new(Likelihood {
        field,
        shaping,
        aggregation: Aggregation::from_params(p, "aggregation")?,
        baseline,
        detail_limit: detail_limit(p)?,
    }))
}

/// One list of log-probabilities (`where_` names it in errors): non-empty, each finite and ≤ 0.
fn logprobs(items: &[Value], where_: &str) -> Result<Vec<f64>, Failure> {
    if items.is_empty() {
        return Err(Failure::invalid_input(format!(
            "`{where_}` is empty: there is no token to score"
        )));
    }
    items
        .iter()
        .enumerate()
        .map(|(i, x)| match x.as_f64() {
            Some(l) if l.is_finite() && l <= 0.0 => Ok(l),
            Some(l) if l.is_finite() => Err(Failure::invalid_input(format!(
                "`{where_}[{i}]` is {l}, but a log-probability is at most 0"
            ))),
            _ => Err(Failure::invalid_input(format!(
                "`{where_}[{i}]`: expected a log-probability (a finite number ≤ 0), got {}",
                if x.is_number() {
                    "a non-finite number".to_string()
                } else {
                    type_name(x).to_string()
                }
            ))),
        })
        .collect()
}

/// The token log-probs under `meta.<key>`: one list (`nested` false) or one per step.
fn read(sample: &Sample, key: &str) -> Result<(Vec<Vec<f64>>, bool), Failure> {
    let where_ = format!("meta.{key}");
    match sample.meta.get(key) {
        None | Some(Value::Null) => Err(Failure::invalid_input(format!(
            "sample has no `{where_}` (the model's log-probability of each token of the continuation, computed by the trainer)"
        ))),
        Some(Value::Array(items)) if !items.is_empty() && items.iter().all(Value::is_array) => {
            let steps = items
                .iter()
                .enumerate()
                .map(|(i, s)| logprobs(s.as_array().map_or(&[], Vec::as_slice), &format!("{where_}[{i}]")))
                .collect::<Result<Vec<_>, _>>()?;
            Ok((steps, true))
        }
        Some(Value::Array(items)) => {
            if let Some(i) = items.iter().position(Value::is_array) {
                return Err(Failure::invalid_input(format!(
                    "`{where_}` mixes numbers and lists (entry {i} is a list): give one list of token log-probs, or one list per step"
                )));
            }
            Ok((vec![logprobs(items, &where_)?], false))
        }
        Some(other) => Err(Failure::invalid_input(format!(
            "`{where_}`: expected a list of token log-probs, got {}",
            type_name(other)
        ))),
    }
}

impl Likelihood {
    /// The shaped statistic of one list of log-probs.
    fn shape(&self, l: &[f64]) -> f64 {
        let m = l.len() as f64;
        let sum: f64 = l.iter().sum();
        match self.shaping {
            Shaping::LogProb => sum,
            Shaping::MeanLogProb => sum / m,
            Shaping::Prob => sum.exp(),
            Shaping::GeometricProb => (sum / m).exp(),
            Shaping::MeanProb => l.iter().map(|x| x.exp()).sum::<f64>() / m,
        }
    }

    /// The statistic of `meta.<key>`, its token count and the per-step values (when nested).
    fn statistic(
        &self,
        sample: &Sample,
        key: &str,
    ) -> Result<(f64, usize, Option<Vec<f64>>), Failure> {
        let (lists, nested) = read(sample, key)?;
        let tokens = lists.iter().map(Vec::len).sum();
        let values = lists
            .iter()
            .enumerate()
            .map(|(i, l)| finite(self.shape(l), || format!("the value of `meta.{key}[{i}]`")))
            .collect::<Result<Vec<f64>, _>>()?;
        let value = self.aggregation.apply(&values, "step values")?;
        Ok((value, tokens, nested.then_some(values)))
    }
}

impl Reward for Likelihood {
    fn score(&self, sample: &Sample, _cx: &Ctx) -> Outcome {
        let (value, tokens, steps) = self.statistic(sample, &self.field)?;
        let mut details = json!({"tokens": tokens});
        if let Some(steps) = steps {
            details["steps"] = json!(steps.len());
            if let Some(list) = listed(&steps, self.detail_limit) {
                details["step_values"] = list;
            }
        }
        let value = match &self.baseline {
            None => value,
            Some(b) => {
                let (base, _, _) = self.statistic(sample, b)?;
                details["baseline"] = json!(base);
                finite(value - base, || "the value minus the baseline".to_string())?
            }
        };
        Ok(Score::with_details(value, details))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use plaudit_core::{Deadline, Status};

    fn run(params: Value, meta: Value) -> Outcome {
        let r = build(&Params::from_json(PARAMS, &params, &[]).unwrap()).unwrap();
        let mut s = Sample::new("…", Value::Null);
        s.meta = meta.as_object().unwrap().clone();
        let d = Deadline::none();
        r.score(&s, &Ctx::new(&d, &[]))
    }

    #[test]
    fn errors_name_the_field_and_entry() {
        let msg = |params: Value, meta: Value| run(params, meta).unwrap_err().message;
        assert!(msg(json!({}), json!({})).contains("no `meta.gold_logprobs`"));
        assert!(msg(json!({}), json!({"gold_logprobs": [-1.0, 0.5]}))
            .contains("`meta.gold_logprobs[1]` is 0.5"));
        assert!(msg(json!({}), json!({"gold_logprobs": [[-1.0], []]}))
            .contains("`meta.gold_logprobs[1]` is empty"));
        assert!(msg(json!({}), json!({"gold_logprobs": [-1.0, [-1.0]]}))
            .contains("mixes numbers and lists"));
        assert!(msg(json!({}), json!({"gold_logprobs": ["-1"]})).contains("got a string"));
        assert!(msg(
            json!({"baseline_field": "prior"}),
            json!({"gold_logprobs": [-1.0]})
        )
        .contains("no `meta.prior`"));
        let out = run(json!({}), json!({"gold_logprobs": [[-1.0, -1.0], [-3.0]]})).unwrap();
        assert_eq!(out.value, -2.5);
        assert_eq!(
            out.details.unwrap(),
            json!({"tokens": 3, "steps": 2, "step_values": [-2.0, -3.0]})
        );
        assert_eq!(
            run(json!({}), json!({"gold_logprobs": "x"}))
                .unwrap_err()
                .status,
            Status::InvalidInput
        );
    }

    #[test]
    fn same_field_as_baseline_is_refused() {
        assert!(
            crate::spec_error(&INFO, json!({"baseline_field": "gold_logprobs"}), &[])
                .contains("must differ")
        );
    }
}
