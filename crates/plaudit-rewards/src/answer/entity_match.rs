//! Entity-match partial credit (E-GRPO): 1 for a correct answer, `weight` × the share of the reference's gold entities the response names for a wrong one.
//!
//! ## What it computes
//! A sample is correct when the component named by `correctness` is ≥ `threshold`; its reward is
//! then 1. A wrong answer earns partial credit from the gold entities listed with the sample
//! (`reference.entities`, else `meta.entities`; the key is `entities_field`). Each entity is a
//! string or a list of aliases (`["USA", "United States"]`, any of which counts). With E the
//! entities counted and M those the response names:
//! ```text
//! correct: r = 1
//! wrong:   r = weight · |M| / |E|          (0 when E is empty)
//! ```
//! An entity is named when its words appear as consecutive words of the response, both sides
//! read the same way: Unicode NFKC, lower case, every run of characters other than letters and
//! digits a separator, the articles a/an/the dropped (`"The U.S.-based firm"` → `u s based
//! firm`, so `Paris` matches `Paris-based` but not `comparison`). Before matching, the
//! response's `<tag>…</tag>` blocks for each of `ignore_tags` are removed (tool outputs and
//! retrieved documents: an entity the search engine printed was not identified by the agent).
//! With `exclude_prompt` (the default), entities named in the prompt are left out of E and M:
//! restating the question is no evidence of progress. The details list the matched entities
//! (their first alias), |E|, and how many were left out for being in the prompt.
//!
//! ## Why
//! "Repurposing Synthetic Data for Fine-grained Search Agent Supervision" (E-GRPO) observes that
//! the number of ground-truth entities a search agent identifies during its reasoning correlates
//! with answer accuracy, and "assigns partial rewards to incorrect samples proportional to their
//! entity match rate", so near-misses are told apart from complete failures. The abstract gives
//! neither the scale of the partial reward nor how an entity counts as identified; Plaudit's
//! reading: the factor `weight` < 1 (so a wrong answer never ties a correct one), a normalised
//! whole-word match in the agent's own text, the tool-output blocks and the prompt's entities set
//! aside. The paper's match rate may be normalised further (e.g. within the group); this reward
//! gives the per-sample rate.
//!
//! A policy that cannot find the answer could learn to name many candidate entities. What bounds
//! it: the credit is at most `weight` (below a correct answer), entities copied from the prompt
//! or from tool outputs do not count, and aliases of one entity count once. To discourage lists of
//! guesses further, add a length penalty in the spec's expression.
//!
//! ## Parameters
//! - `correctness` (component name; default `correct`): the component that says whether the
//!   answer is right (e.g. `exact_match` or `answer_match` on `reference.answer`).
//! - `threshold` (number; default 0.5): the correctness value at or above which a sample is correct.
//! - `weight` (number in [0, 1); default 0.5): the reward of a wrong answer that names every entity.
//! - `entities_field` (string; default `entities`): the key of the entity list in the reference
//!   object (or, when the reference has none, in `meta`).
//! - `ignore_tags` (list of strings; default `["information", "tool_response"]`): tag names whose
//!   blocks are removed from the response before matching.
//! - `exclude_prompt` (boolean; default true): leave out the entities the prompt names.
//!
//! ## Example
//! ```json
//! {"components": {"correct": 1.0}, "sample": {"prompt": "Who designed the tower built for the 1889 World's Fair?", "response": "<answer>Gustave Eiffel</answer>", "reference": {"answer": "Gustave Eiffel", "entities": ["Eiffel Tower", "Paris", "1889 World's Fair", "Gustave Eiffel"]}}, "value": 1.0}
//! {"components": {"correct": 0.0}, "sample": {"prompt": "Who designed the tower built for the 1889 World's Fair?", "response": "The fair's tower is the Eiffel Tower in Paris. <answer>Stephen Sauvestre</answer>", "reference": {"answer": "Gustave Eiffel", "entities": ["Eiffel Tower", "Paris", "1889 World's Fair", "Gustave Eiffel"]}}, "value": 0.3333333333333333}
//! {"params": {"exclude_prompt": false}, "components": {"correct": 0.0}, "sample": {"prompt": "Who designed the tower built for the 1889 World's Fair?", "response": "The fair's tower is the Eiffel Tower in Paris. <answer>Stephen Sauvestre</answer>", "reference": {"answer": "Gustave Eiffel", "entities": ["Eiffel Tower", "Paris", "1889 World's Fair", "Gustave Eiffel"]}}, "value": 0.25}
//! {"components": {"correct": 0.0}, "sample": {"prompt": "Who designed the tower built for the 1889 World's Fair?", "response": "<search>tower 1889</search><information>The Eiffel Tower in Paris …</information><answer>unknown</answer>", "reference": {"answer": "Gustave Eiffel", "entities": ["Eiffel Tower", "Paris", "1889 World's Fair", "Gustave Eiffel"]}}, "value": 0.0}
//! {"components": {"correct": 0.0}, "sample": {"response": "It is in the United States.", "reference": {"answer": "Chicago", "entities": [["USA", "United States"], "Illinois"]}}, "value": 0.25}
//! {"components": {"correct": 0.0}, "sample": {"response": "Paris", "reference": "Gustave Eiffel"}, "status": "invalid_input"}
//! ```

use std::sync::Arc;

use plaudit_core::deadline::Ticker;
use plaudit_core::{
    Ctx, Failure, Kind, Outcome, ParamSpec, Params, Reward, RewardInfo, Sample, Score,
};
use serde_json::{json, Value};

use crate::components::{CORRECTNESS_PARAM, THRESHOLD_PARAM};
use crate::util::{match_words, phrase_list, without_blocks, WordIndex};

pub const INFO: RewardInfo = RewardInfo {
    name: "entity_match",
    family: "answer",
    source: include_str!("entity_match.rs"),
    params: PARAMS,
    build,
};

const PARAMS: &[ParamSpec] = &[
    CORRECTNESS_PARAM,
    THRESHOLD_PARAM,
    ParamSpec::new(
        "weight",
        Kind::Float,
        "0.5",
        "reward of a wrong answer naming every entity",
    )
    .min(0.0)
    .below(1.0),
    ParamSpec::new(
        "entities_field",
        Kind::Str,
        "\"entities\"",
        "key of the entity list in the reference (or meta)",
    ),
    ParamSpec::new(
        "ignore_tags",
        Kind::StrList,
        "[\"information\", \"tool_response\"]",
        "tag blocks removed from the response before matching",
    ),
    ParamSpec::new(
        "exclude_prompt",
        Kind::Bool,
        "true",
        "leave out entities the prompt names",
    ),
];

struct EntityMatch {
    correctness: (usize, String),
    threshold: f64,
    weight: f64,
    field: String,
    ignore_tags: Vec<String>,
    exclude_prompt: bool,
}

fn build(p: &Params) -> Result<Arc<dyn Reward>, String> {
    let correctness = p
        .component("correctness")
        .ok_or("`correctness` must name the component that says whether the answer is right")?;
    let field = p.str("entities_field").to_string();
    if field.is_empty() {
        return Err("`entities_field` must not be empty".into());
    }
    Ok(Arc::new(EntityMatch {
        correctness,
        threshold: p.f64("threshold"),
        weight: p.f64("weight"),
        field,
        ignore_tags: p.strs("ignore_tags"),
        exclude_prompt: p.bool("exclude_prompt"),
    }))
}

impl EntityMatch {
    /// The sample's entity list: `reference.<field>`, else `meta.<field>`.
    fn entities(&self, sample: &Sample) -> Result<Vec<Vec<Vec<String>>>, Failure> {
        if let Some(v) = sample.reference.get(&self.field) {
            return phrase_list(v, &format!("reference.{}", self.field));
        }
        if let Some(v) = sample.meta.get(&self.field) {
            return phrase_list(v, &format!("meta.{}", self.field));
        }
        Err(Failure::invalid_input(format!(
            "entity_match needs the gold entities: `reference.{0}` (or `meta.{0}`) must be a list of entity names",
            self.field
        )))
    }
}

impl Reward for EntityMatch {
    fn score(&self, sample: &Sample, cx: &Ctx) -> Outcome {
        // Read the entities first, so a sample without them fails whatever its correctness.
        let entities = self.entities(sample)?;
        let (idx, name) = &self.correctness;
        let correct = cx.component(*idx, name)? >= self.threshold;
        let tick = Ticker::new(cx.deadline, 1);
        let text = match_words(&without_blocks(&sample.response, &self.ignore_tags));
        let index = WordIndex::new(&text);
        let prompt = match_words(&sample.prompt);
        let prompt_index = WordIndex::new(&prompt);
        let (mut counted, mut left_out) = (0usize, 0usize);
        let mut matched: Vec<Value> = Vec::new();
        for aliases in &entities {
            tick.tick()?;
            if self.exclude_prompt && aliases.iter().any(|a| !prompt_index.find(a).is_empty()) {
                left_out += 1;
                continue;
            }
            counted += 1;
            if aliases.iter().any(|a| !index.find(a).is_empty()) {
                matched.push(json!(aliases[0].join(" ")));
            }
        }
        let rate = if counted == 0 {
            0.0
        } else {
            matched.len() as f64 / counted as f64
        };
        let value = if correct { 1.0 } else { self.weight * rate };
        Ok(Score::with_details(
            value,
            json!({
                "correct": correct,
                "match_rate": rate,
                "matched": matched,
                "entities": counted,
                "in_prompt": left_out,
            }),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weight_one_is_refused() {
        assert_eq!(
            crate::spec_error(&INFO, json!({"weight": 1.0}), &["correct"]),
            "parameter `weight` must be in [0, 1), got 1"
        );
    }
}
