//! Keyword reward chain (RLVRR's content reward): credit for the reference's ordered keywords the response contains, and for containing them in order.
//!
//! ## What it computes
//! The keywords come with the sample, in the reference's order: `reference.keywords` (else
//! `meta.keywords`; the key is `keywords_field`), each a string or a list of aliases any of which
//! counts. A keyword is present when its words appear as consecutive words of the response, both
//! read the same way: Unicode NFKC, lower case, every run of characters other than letters and
//! digits a separator, the articles a/an/the dropped. With K the keywords, `found` those present
//! and `chain` the longest run of keywords found at increasing positions of the response in the
//! reference's order (the longest common subsequence of the keyword list and the response's
//! keyword occurrences):
//! ```text
//! coverage = |found| / |K|,   order = chain / |K|
//! value    = ((1 − order_weight) · coverage + order_weight · order) · length_factor
//! ```
//! A keyword listed twice must be found twice to count twice in `chain`. `length_factor` guards
//! against vocabulary spraying: when the reference has a text (`reference.answer`) of n words and
//! the response has more than `max_length_ratio` · n words (both counted as above),
//! `length_factor = max_length_ratio · n / response words`, else 1 (and always 1 without a
//! reference text). The details give coverage, order, the keywords found (their first alias) and
//! the length factor.
//!
//! ## Why
//! "From Verifiable Dot to Reward Chain: Harnessing Verifiable Reference-based Rewards for
//! Reinforcement Learning of Open-ended Generation" (RLVRR) extracts "an ordered linguistic
//! signal from high-quality references" (the reward chain) and rewards its content dimension,
//! "deterministic core concepts (e.g., keywords)", alongside an LLM-verified style dimension.
//! This is the content dimension. The abstract gives no formula; Plaudit's reading: the keywords
//! are extracted beforehand (by the dataset, as RLVRR extracts them) and given with the sample,
//! credit is coverage plus in-order coverage with equal weights by default, and the length guard
//! above. The style dimension is a judge's (`rubric_judge` or `llm_judge`, combined in the
//! expression).
//!
//! What a policy could do against it: spray topic vocabulary (bounded by the length guard when
//! the reference has a text; without one, pair the reward with a length penalty), or write a bare
//! list of the likely keywords in a likely order. A bare list is not caught here: it is what
//! RLVRR's style check (a judge) is for. Repeating a keyword earns nothing more.
//!
//! ## Parameters
//! - `keywords_field` (string; default `keywords`): the key of the keyword list in the reference
//!   object (or, when the reference has none, in `meta`).
//! - `order_weight` (number in [0, 1]; default 0.5): the weight of in-order coverage; 0 gives
//!   plain coverage.
//! - `max_length_ratio` (number ≥ 1; default 3.0): response words allowed per reference word
//!   before the credit is scaled down.
//! - `extract` (auto | answer_tag | boxed | marker | last_line | none; default `none`): which part
//!   of the response is searched; `none` is the whole response.
//! - `answer_tag` (string; default `answer`): the tag name for `extract: answer_tag` / `auto`.
//!
//! ## Example
//! ```json
//! {"sample": {"response": "Preheat the oven. Mix the flour with butter and bake for 20 minutes.", "reference": {"answer": "Preheat the oven, mix flour and butter, then bake for 20 minutes.", "keywords": ["preheat", "oven", "mix", "flour", "butter", "bake", "20 minutes"]}}, "value": 1.0}
//! {"sample": {"response": "Bake for 20 minutes after you mix flour and butter; preheat the oven first.", "reference": {"answer": "Preheat the oven, mix flour and butter, then bake for 20 minutes.", "keywords": ["preheat", "oven", "mix", "flour", "butter", "bake", "20 minutes"]}}, "value": 0.7142857142857143}
//! {"params": {"order_weight": 0.0}, "sample": {"response": "Bake for 20 minutes after you mix flour and butter; preheat the oven first.", "reference": {"answer": "Preheat the oven, mix flour and butter, then bake for 20 minutes.", "keywords": ["preheat", "oven", "mix", "flour", "butter", "bake", "20 minutes"]}}, "value": 1.0}
//! {"sample": {"response": "Mix flour and butter, then bake.", "reference": {"keywords": ["preheat", "oven", "mix", "flour", "butter", "bake", "20 minutes"]}}, "value": 0.5714285714285714}
//! {"sample": {"response": "It is in the United States.", "reference": {"keywords": [["USA", "United States"], "Illinois"]}}, "value": 0.5}
//! {"sample": {"response": "Preheat the oven.", "reference": "Preheat the oven, then bake."}, "status": "invalid_input"}
//! ```

use std::sync::Arc;

use plaudit_core::deadline::Ticker;
use plaudit_core::{
    Ctx, Failure, Kind, Outcome, ParamSpec, Params, Reward, RewardInfo, Sample, Score,
};
use serde_json::{json, Value};

use super::texts::{hypothesis, EXTRACT_PARAM, TAG_PARAM};
use crate::util::{match_words, phrase_list, WordIndex};

pub const INFO: RewardInfo = RewardInfo {
    name: "keyword_chain",
    family: "similarity",
    source: include_str!("keyword_chain.rs"),
    params: PARAMS,
    build,
};

const PARAMS: &[ParamSpec] = &[
    ParamSpec::new(
        "keywords_field",
        Kind::Str,
        "\"keywords\"",
        "key of the keyword list in the reference (or meta)",
    ),
    ParamSpec::new(
        "order_weight",
        Kind::Float,
        "0.5",
        "weight of in-order coverage",
    )
    .range(0.0, 1.0),
    ParamSpec::new(
        "max_length_ratio",
        Kind::Float,
        "3.0",
        "response words allowed per reference word",
    )
    .min(1.0),
    EXTRACT_PARAM,
    TAG_PARAM,
];

struct KeywordChain {
    field: String,
    order_weight: f64,
    max_ratio: f64,
    extract: String,
    tag: String,
}

fn build(p: &Params) -> Result<Arc<dyn Reward>, String> {
    let field = p.str("keywords_field").to_string();
    if field.is_empty() {
        return Err("`keywords_field` must not be empty".into());
    }
    Ok(Arc::new(KeywordChain {
        field,
        order_weight: p.f64("order_weight"),
        max_ratio: p.f64("max_length_ratio"),
        extract: p.str("extract").to_string(),
        tag: p.str("answer_tag").to_string(),
    }))
}

/// Length of the longest strictly increasing subsequence of `xs` (patience sorting).
fn lis(xs: &[usize]) -> usize {
    let mut tails: Vec<usize> = Vec::new();
    for &x in xs {
        let i = tails.partition_point(|&t| t < x);
        if i == tails.len() {
            tails.push(x);
        } else {
            tails[i] = x;
        }
    }
    tails.len()
}

impl Reward for KeywordChain {
    fn score(&self, sample: &Sample, cx: &Ctx) -> Outcome {
        let keywords = if let Some(v) = sample.reference.get(&self.field) {
            phrase_list(v, &format!("reference.{}", self.field))?
        } else if let Some(v) = sample.meta.get(&self.field) {
            phrase_list(v, &format!("meta.{}", self.field))?
        } else {
            return Err(Failure::invalid_input(format!(
                "keyword_chain needs the reference's keywords: `reference.{0}` (or `meta.{0}`) must be a list of keywords in the reference's order",
                self.field
            )));
        };
        let text = match_words(hypothesis(sample, &self.extract, &self.tag)?);
        let index = WordIndex::new(&text);
        let tick = Ticker::new(cx.deadline, 1);
        // Every occurrence of every keyword, as (position, keyword index).
        let mut occurrences: Vec<(usize, usize)> = Vec::new();
        let mut found: Vec<Value> = Vec::new();
        for (k, aliases) in keywords.iter().enumerate() {
            tick.tick()?;
            let before = occurrences.len();
            for a in aliases {
                occurrences.extend(index.find(a).into_iter().map(|p| (p, k)));
            }
            if occurrences.len() > before {
                found.push(json!(aliases[0].join(" ")));
            }
        }
        cx.deadline.check()?;
        // In position order, and at one position the higher keyword first, so that one
        // position serves at most one link of the chain.
        occurrences.sort_unstable_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)));
        occurrences.dedup();
        let labels: Vec<usize> = occurrences.iter().map(|&(_, k)| k).collect();
        let chain = lis(&labels);
        let n = keywords.len() as f64;
        let coverage = found.len() as f64 / n;
        let order = chain as f64 / n;
        let reference_words = sample
            .reference_texts()
            .iter()
            .map(|r| match_words(r).len())
            .max()
            .unwrap_or(0);
        let allowed = self.max_ratio * reference_words as f64;
        let length_factor = if reference_words > 0 && text.len() as f64 > allowed {
            allowed / text.len() as f64
        } else {
            1.0
        };
        let value =
            ((1.0 - self.order_weight) * coverage + self.order_weight * order) * length_factor;
        Ok(Score::with_details(
            value,
            json!({"coverage": coverage, "order": order, "found": found, "length_factor": length_factor}),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn longest_increasing() {
        assert_eq!(lis(&[5, 6, 2, 3, 4, 0, 1]), 3);
        assert_eq!(lis(&[]), 0);
        assert_eq!(lis(&[1, 1, 1]), 1);
        assert_eq!(lis(&[0, 1, 2]), 3);
    }
}
