//! Protocol match (Thoth / SciRecipe): step granularity, action order and step fidelity of the response's numbered steps against a reference protocol.
//!
//! ## What it computes
//! The response's steps are its numbered lines (`1.`, `2)`, `3:`, `Step 4.` …, each step running
//! to the next numbered line), read after the last `</think>` (a response whose `<think>` is never
//! closed has no steps). The reference protocol is `reference.steps` (a list of strings), or a
//! reference text numbered the same way. Each step is read as words (Unicode NFKC, lower case,
//! every run of characters other than letters and digits a separator, the articles a/an/the
//! dropped), and two steps' similarity is the F1 of their word multisets. Steps are matched one to
//! one, greedily: pairs in decreasing similarity (ties: lower reference step, then lower
//! response step first), each kept when both steps are still free and the similarity is at least
//! `min_similarity`. With n reference steps, m response steps, M the matched pairs:
//! ```text
//! granularity = |M| / max(n, m)                 (missing, merged, split and padded steps cost)
//! order       = LIS / n                         (LIS: the longest run of matched pairs whose
//!                                                response steps follow the reference's order)
//! fidelity    = Σ_{(i,j)∈M} sim(i, j) / n       (unmatched reference steps count 0)
//! value       = (w_g·granularity + w_o·order + w_f·fidelity) / (w_g + w_o + w_f)
//! ```
//! Each term is 0 when no step matches, so writing the right number of steps, or any order of
//! unrelated steps, earns nothing. The details give the three terms, n, m and the matched pairs
//! (reference step, response step, similarity; indices from 0).
//!
//! ## Why
//! "Unleashing Scientific Reasoning for Bio-experimental Protocol Generation via Structured
//! Component-based Reward Mechanism" (Thoth, trained on SciRecipe) rewards generated protocols
//! with a "structured component-based reward mechanism" that "evaluates step granularity, action
//! order, and semantic fidelity". The abstract gives no formulas; Plaudit's reading is the one
//! above: one-to-one step matching, granularity as matched steps over the larger step count,
//! order as the longest in-order chain, equal weights by default. Semantic fidelity is read
//! lexically (word F1): a paraphrase sharing no words with its reference step scores 0 here; for
//! semantic equivalence use a judge (`rubric_judge`) as another component of the expression.
//!
//! ## Parameters
//! - `min_similarity` (number in (0, 1]; default 0.5): the word F1 at which two steps match.
//! - `granularity_weight`, `order_weight`, `fidelity_weight` (numbers ≥ 0; default 1.0 each, not
//!   all 0): the terms' weights.
//!
//! ## Example
//! ```json
//! {"sample": {"response": "1. Centrifuge the sample at 5000 g for 10 min\n2. Discard the supernatant\n3. Resuspend the pellet in PBS", "reference": {"steps": ["Centrifuge the sample at 5000 g for 10 min", "Discard the supernatant", "Resuspend the pellet in PBS"]}}, "value": 1.0}
//! {"sample": {"response": "1. Discard the supernatant\n2. Centrifuge the sample at 5000 g for 10 min\n3. Resuspend the pellet in PBS", "reference": {"steps": ["Centrifuge the sample at 5000 g for 10 min", "Discard the supernatant", "Resuspend the pellet in PBS"]}}, "value": 0.8888888888888888}
//! {"sample": {"response": "Protocol:\n1. Spin the sample at 5000 g for 10 minutes\n2. Remove the supernatant\n3. Resuspend pellet in PBS buffer", "reference": "1. Centrifuge the sample at 5000 g for 10 min\n2. Discard the supernatant\n3. Resuspend the pellet in PBS"}, "value": 0.9043209876543209}
//! {"sample": {"response": "1. Label the tubes\n2. Wear gloves\n3. Clean the bench", "reference": {"steps": ["Centrifuge the sample at 5000 g for 10 min", "Discard the supernatant", "Resuspend the pellet in PBS"]}}, "value": 0.0}
//! {"sample": {"response": "Centrifuge, discard, resuspend.", "reference": {"steps": ["Centrifuge the sample"]}}, "status": "no_answer"}
//! {"sample": {"response": "1. Centrifuge the sample", "reference": {"steps": []}}, "status": "invalid_input"}
//! ```

use std::collections::HashMap;
use std::sync::{Arc, LazyLock};

use plaudit_core::deadline::Ticker;
use plaudit_core::{
    Ctx, Failure, Kind, Outcome, ParamSpec, Params, Reward, RewardInfo, Sample, Score,
};
use regex::Regex;
use serde_json::{json, Value};

use crate::util::{answer_region, match_words};

pub const INFO: RewardInfo = RewardInfo {
    name: "protocol_match",
    family: "similarity",
    source: include_str!("protocol_match.rs"),
    params: PARAMS,
    build,
};

const PARAMS: &[ParamSpec] = &[
    ParamSpec::new(
        "min_similarity",
        Kind::Float,
        "0.5",
        "word F1 at which two steps match",
    )
    .above(0.0)
    .max(1.0),
    ParamSpec::new(
        "granularity_weight",
        Kind::Float,
        "1.0",
        "weight of step granularity",
    )
    .min(0.0),
    ParamSpec::new("order_weight", Kind::Float, "1.0", "weight of action order").min(0.0),
    ParamSpec::new(
        "fidelity_weight",
        Kind::Float,
        "1.0",
        "weight of step fidelity",
    )
    .min(0.0),
];

struct ProtocolMatch {
    min_similarity: f64,
    weights: [f64; 3],
}

fn build(p: &Params) -> Result<Arc<dyn Reward>, String> {
    let weights = [
        p.f64("granularity_weight"),
        p.f64("order_weight"),
        p.f64("fidelity_weight"),
    ];
    if weights.iter().sum::<f64>() <= 0.0 {
        return Err(
            "`granularity_weight`, `order_weight` and `fidelity_weight` must not all be 0".into(),
        );
    }
    Ok(Arc::new(ProtocolMatch {
        min_similarity: p.f64("min_similarity"),
        weights,
    }))
}

/// A numbered line: `1.`, `2)`, `3:`, `Step 4.`, `step 5 -`… and the text after the number.
static NUMBERED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^\s*(?:\*\*)?(?:step\s*)?\d{1,4}\s*(?:[.):]|\s-)(?:\*\*)?\s*(.*)$")
        .expect("fixed pattern")
});

/// The numbered steps of a text: each numbered line and the unnumbered lines after it.
fn numbered_steps(text: &str) -> Vec<String> {
    let mut steps: Vec<String> = Vec::new();
    for line in text.lines() {
        if let Some(c) = NUMBERED.captures(line) {
            steps.push(c[1].to_string());
        } else if let Some(last) = steps.last_mut() {
            last.push('\n');
            last.push_str(line);
        }
    }
    steps
}

/// F1 of two word multisets (0 when either is empty).
fn word_f1(a: &[String], b: &[String]) -> f64 {
    if a.is_empty() || b.is_empty() {
        return 0.0;
    }
    let mut counts: HashMap<&str, usize> = HashMap::new();
    for w in b {
        *counts.entry(w.as_str()).or_default() += 1;
    }
    let mut common = 0usize;
    for w in a {
        if let Some(c) = counts.get_mut(w.as_str()).filter(|c| **c > 0) {
            *c -= 1;
            common += 1;
        }
    }
    if common == 0 {
        return 0.0;
    }
    let p = common as f64 / a.len() as f64;
    let r = common as f64 / b.len() as f64;
    2.0 * p * r / (p + r)
}

/// Length of the longest strictly increasing subsequence of `xs`.
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

/// The reference protocol's steps, or `invalid_input`.
fn reference_steps(sample: &Sample) -> Result<Vec<String>, Failure> {
    let bad = || {
        Failure::invalid_input(
            "protocol_match needs the reference protocol: `reference.steps` (a non-empty list of step texts) or a reference text of numbered steps",
        )
    };
    if let Some(v) = sample.reference.get("steps") {
        let Value::Array(items) = v else {
            return Err(bad());
        };
        let steps: Option<Vec<String>> = items
            .iter()
            .map(|s| s.as_str().map(str::to_string))
            .collect();
        return steps.filter(|s| !s.is_empty()).ok_or_else(bad);
    }
    let text = sample.reference_text().ok_or_else(bad)?;
    let steps = numbered_steps(&text);
    if steps.is_empty() {
        return Err(bad());
    }
    Ok(steps)
}

impl Reward for ProtocolMatch {
    fn score(&self, sample: &Sample, cx: &Ctx) -> Outcome {
        let reference: Vec<Vec<String>> = reference_steps(sample)?
            .iter()
            .map(|s| match_words(s))
            .collect();
        let region = answer_region(&sample.response)
            .ok_or_else(|| Failure::no_answer("the response's <think> block is never closed"))?;
        let response: Vec<Vec<String>> = numbered_steps(region)
            .iter()
            .map(|s| match_words(s))
            .collect();
        if response.is_empty() {
            return Err(Failure::no_answer("no numbered steps in the response"));
        }
        let tick = Ticker::new(cx.deadline, 256);
        let mut pairs: Vec<(f64, usize, usize)> = Vec::new();
        for (i, r) in reference.iter().enumerate() {
            for (j, s) in response.iter().enumerate() {
                tick.tick()?;
                let sim = word_f1(s, r);
                if sim >= self.min_similarity {
                    pairs.push((sim, i, j));
                }
            }
        }
        pairs.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)));
        let (n, m) = (reference.len(), response.len());
        let (mut ref_used, mut resp_used) = (vec![false; n], vec![false; m]);
        let mut matched: Vec<(usize, usize, f64)> = Vec::new();
        for (sim, i, j) in pairs {
            if !ref_used[i] && !resp_used[j] {
                ref_used[i] = true;
                resp_used[j] = true;
                matched.push((i, j, sim));
            }
        }
        matched.sort_by_key(|&(i, _, _)| i);
        let in_order = lis(&matched.iter().map(|&(_, j, _)| j).collect::<Vec<_>>());
        let granularity = matched.len() as f64 / n.max(m) as f64;
        let order = in_order as f64 / n as f64;
        let fidelity = matched.iter().map(|&(_, _, s)| s).sum::<f64>() / n as f64;
        let [wg, wo, wf] = self.weights;
        let value = (wg * granularity + wo * order + wf * fidelity) / (wg + wo + wf);
        Ok(Score::with_details(
            value,
            json!({
                "granularity": granularity,
                "order": order,
                "fidelity": fidelity,
                "reference_steps": n,
                "response_steps": m,
                "matched": matched.iter().map(|&(i, j, s)| json!([i, j, s])).collect::<Vec<_>>(),
            }),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbered_lines() {
        let steps = numbered_steps(
            "Intro\n1. Mix\n   gently\n2) Spin\nStep 3: Wash\n**4.** Dry\n10 - Store\nnot 5 a step",
        );
        assert_eq!(
            steps,
            [
                "Mix\n   gently",
                "Spin",
                "Wash",
                "Dry",
                "Store\nnot 5 a step"
            ]
        );
    }

    #[test]
    fn f1_of_words() {
        let w = |s: &str| match_words(s);
        assert_eq!(
            word_f1(
                &w("resuspend pellet in PBS buffer"),
                &w("resuspend the pellet in PBS")
            ),
            2.0 * 0.8 / 1.8
        );
        assert_eq!(word_f1(&w(""), &w("x")), 0.0);
    }
}
