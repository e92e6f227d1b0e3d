//! A process reward model's step scores aggregated into one reward: min, last, mean, product or sum.
//!
//! ## What it computes
//! With s_1 … s_T the sample's `step_scores` (T ≥ 1):
//! ```text
//! min:     r = min_t s_t
//! last:    r = s_T
//! mean:    r = (1/T) Σ_t s_t
//! product: r = Π_t s_t
//! sum:     r = Σ_t s_t
//! ```
//! Before aggregating, the scores are lined up with the steps they score (`steps_from`): under
//! `auto` (the default) with the sample's `steps` when it has them, under `field` always with
//! `steps`, under `response` with the response split at `delimiter` (each piece trimmed; empty
//! pieces are not steps), under `none` with nothing. A count that differs is `invalid_input`
//! naming both counts, as are missing or empty `step_scores`: a sample is never scored against
//! steps it does not have. The details give `steps` (T) and `worst_step`, the index (from 0) of the
//! lowest score (the first on ties), with `worst_step_text` (its first 200 characters) when the
//! step texts are known.
//!
//! ## Why
//! Process reward models score every step of a solution, and a trajectory's reward must come from
//! those step scores; the abstracts in Plaudit's research catalogue leave the aggregation open
//! (none states min, last or product), so it is a parameter. The default, `min`, is the
//! weakest-link score: "Stop Summation: Min-Form Credit Assignment Is All Process Reward Model Needs
//! for Reasoning" (PURE) finds that summation-form credit "easily induces LLMs to hack steps with
//! high rewards", and "On Designing Effective RL Reward at Training Time for LLM Reasoning" shows
//! policies collecting PRM reward "by repeating correct but unnecessary reasoning steps" — which
//! `sum` rewards and `min` does not. `product` reads the scores as independent per-step
//! probabilities of being correct; `last` is the PRM's score of the whole solution.
//!
//! ## Parameters
//! - `aggregation` (min | last | mean | product | sum; default `min`): how the step scores combine.
//! - `steps_from` (auto | field | response | none; default `auto`): what the scores must line up
//!   with, as above.
//! - `delimiter` (string; default `"\n\n"`): the separator between steps under
//!   `steps_from: response`.
//!
//! ## Example
//! ```json
//! {"params": {}, "sample": {"response": "…", "step_scores": [0.9, 0.4, 0.7]}, "value": 0.4}
//! {"params": {"aggregation": "last"}, "sample": {"response": "…", "step_scores": [0.9, 0.4, 0.7]}, "value": 0.7}
//! {"params": {"aggregation": "mean"}, "sample": {"response": "…", "step_scores": [0.9, 0.6, 0.3]}, "value": 0.6}
//! {"params": {"aggregation": "product"}, "sample": {"response": "…", "step_scores": [0.5, 0.5, 0.8]}, "value": 0.2}
//! {"params": {"aggregation": "sum"}, "sample": {"response": "…", "step_scores": [0.5, -0.25, 1]}, "value": 1.25}
//! {"params": {}, "sample": {"response": "…", "step_scores": [-0.3]}, "value": -0.3}
//! {"params": {"steps_from": "response"}, "sample": {"response": "Let x = 2.\n\nThen 2x = 4.\n\n\n\nSo the answer is 4.\n\n", "step_scores": [0.9, 0.8, 0.95]}, "value": 0.8}
//! {"params": {"steps_from": "response", "delimiter": "\n"}, "sample": {"response": "Step 1: 3 + 4 = 7\nStep 2: 7 * 2 = 14", "step_scores": [0.7, 0.2]}, "value": 0.2}
//! {"params": {"steps_from": "response"}, "sample": {"response": "Let x = 2.\n\nSo x = 2.", "step_scores": [0.9, 0.8, 0.95]}, "status": "invalid_input"}
//! {"params": {}, "sample": {"response": "…", "steps": ["a", "b"], "step_scores": [0.9, 0.8, 0.95]}, "status": "invalid_input"}
//! {"params": {"steps_from": "none"}, "sample": {"response": "…", "steps": ["a", "b"], "step_scores": [0.9, 0.8, 0.95]}, "value": 0.8}
//! {"params": {"steps_from": "field"}, "sample": {"response": "…", "step_scores": [0.9]}, "status": "invalid_input"}
//! {"params": {}, "sample": {"response": "…"}, "status": "invalid_input"}
//! {"params": {}, "sample": {"response": "…", "step_scores": []}, "status": "invalid_input"}
//! ```

use std::sync::Arc;

use plaudit_core::{Ctx, Kind, Outcome, ParamSpec, Params, Reward, RewardInfo, Sample, Score};
use serde_json::json;

use super::steps::{Aggregation, StepSource, AGGREGATIONS, DELIMITER_PARAM, STEPS_FROM_PARAM};

pub const INFO: RewardInfo = RewardInfo {
    name: "process_aggregate",
    family: "process",
    source: include_str!("process_aggregate.rs"),
    params: PARAMS,
    build,
};

const PARAMS: &[ParamSpec] = &[
    ParamSpec::new(
        "aggregation",
        Kind::Enum(AGGREGATIONS),
        "\"min\"",
        "how the step scores combine",
    ),
    STEPS_FROM_PARAM,
    DELIMITER_PARAM,
];

/// How much of the worst step's text the details quote.
const QUOTE_CHARS: usize = 200;

struct ProcessAggregate {
    aggregation: Aggregation,
    source: StepSource,
}

fn build(p: &Params) -> Result<Arc<dyn Reward>, String> {
    Ok(Arc::new(ProcessAggregate {
        aggregation: Aggregation::from_params(p, "aggregation")?,
        source: StepSource::from_params(p)?,
    }))
}

impl Reward for ProcessAggregate {
    fn score(&self, sample: &Sample, _cx: &Ctx) -> Outcome {
        let steps = self.source.read(sample)?;
        let value = self.aggregation.apply(steps.scores, "step scores")?;
        // The first lowest score (`read` guarantees at least one).
        let mut worst = 0;
        for (i, s) in steps.scores.iter().enumerate() {
            if *s < steps.scores[worst] {
                worst = i;
            }
        }
        let mut details = json!({"steps": steps.scores.len(), "worst_step": worst});
        if let Some(texts) = &steps.texts {
            let quote: String = texts[worst].chars().take(QUOTE_CHARS).collect();
            details["worst_step_text"] = json!(quote);
        }
        Ok(Score::with_details(value, details))
    }
}
