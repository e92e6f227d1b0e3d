//! Token F1: SQuAD-style token-overlap F1 between the response's answer and the best-matching reference.
//!
//! ## What it computes
//! Both the extracted answer and each reference are normalised as in SQuAD's evaluation (lower
//! case, punctuation and the articles a/an/the removed, whitespace split). With `common` the size of
//! the multiset intersection of the two token lists, precision P = common / |answer tokens|, recall
//! R = common / |reference tokens|, and F1 = 2PR / (P + R) (0 when nothing is shared; 1 when both
//! are empty). The reward is the maximum F1 over the references.
//!
//! ## Why
//! Search and QA agents ("Search-R1: Training LLMs to Reason and Leverage Search Engines with
//! Reinforcement Learning") are rewarded on short free-text answers where exact match is too strict:
//! F1 gives credit for "Eiffel Tower in Paris" against "the Eiffel Tower". Metric from "SQuAD:
//! 100,000+ Questions for Machine Comprehension of Text". For SQuAD's exact match use
//! `exact_match` with `normalize: squad`.
//!
//! ## Parameters
//! - `extract` (auto | answer_tag | boxed | marker | last_line | none; default `auto`): where the
//!   answer is (as in `exact_match`).
//! - `answer_tag` (string; default `answer`): the tag name of the answer block.
//!
//! ## Example
//! ```json
//! {"sample": {"response": "<answer>the Eiffel Tower in Paris</answer>", "reference": "Eiffel Tower"}, "value": 0.6666666666666666}
//! {"sample": {"response": "<answer>Paris</answer>", "reference": ["Lyon", "Paris, France"]}, "value": 0.6666666666666666}
//! {"sample": {"response": "<answer>Berlin</answer>", "reference": "Paris"}, "value": 0.0}
//! ```

use std::collections::HashMap;
use std::sync::Arc;

use plaudit_core::{Ctx, Failure, Outcome, ParamSpec, Params, Reward, RewardInfo, Sample, Score};
use serde_json::json;

use super::extraction::{references, EXTRACT_PARAM, TAG_PARAM};
use crate::util::{extract_answer, normalize_squad};

pub const INFO: RewardInfo = RewardInfo {
    name: "token_f1",
    family: "answer",
    source: include_str!("token_f1.rs"),
    params: PARAMS,
    build,
};

const PARAMS: &[ParamSpec] = &[EXTRACT_PARAM, TAG_PARAM];

struct TokenF1 {
    extract: String,
    tag: String,
}

fn build(p: &Params) -> Result<Arc<dyn Reward>, String> {
    Ok(Arc::new(TokenF1 {
        extract: p.str("extract").to_string(),
        tag: p.str("answer_tag").to_string(),
    }))
}

/// SQuAD F1 of two normalised token lists.
pub fn f1(pred: &[&str], gold: &[&str]) -> f64 {
    if pred.is_empty() || gold.is_empty() {
        return f64::from(u8::from(pred.is_empty() && gold.is_empty()));
    }
    let mut counts: HashMap<&str, i64> = HashMap::new();
    for t in gold {
        *counts.entry(t).or_default() += 1;
    }
    let mut common = 0usize;
    for t in pred {
        if let Some(c) = counts.get_mut(t) {
            if *c > 0 {
                *c -= 1;
                common += 1;
            }
        }
    }
    if common == 0 {
        return 0.0;
    }
    let p = common as f64 / pred.len() as f64;
    let r = common as f64 / gold.len() as f64;
    2.0 * p * r / (p + r)
}

impl Reward for TokenF1 {
    fn score(&self, sample: &Sample, _cx: &Ctx) -> Outcome {
        let refs = references(sample)?;
        let Some(answer) = extract_answer(&sample.response, &self.extract, &self.tag) else {
            return Err(Failure::no_answer(format!(
                "no answer found (extract: {})",
                self.extract
            )));
        };
        let a = normalize_squad(answer);
        let at: Vec<&str> = a.split_whitespace().collect();
        let best = refs
            .iter()
            .map(|r| {
                let g = normalize_squad(r);
                f1(&at, &g.split_whitespace().collect::<Vec<_>>())
            })
            .fold(0.0, f64::max);
        Ok(Score::with_details(best, json!({"answer": answer})))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn f1_counts_multisets() {
        assert_eq!(f1(&["a", "a", "b"], &["a", "b", "b"]), 2.0 / 3.0);
        assert_eq!(f1(&[], &[]), 1.0);
        assert_eq!(f1(&["x"], &[]), 0.0);
        assert_eq!(f1(&["x", "y"], &["y", "x"]), 1.0);
    }
}
