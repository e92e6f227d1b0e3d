//! Edit similarity: 1 − Levenshtein distance / length of the longer text, over characters or words, best over references.
//!
//! ## What it computes
//! With d the Levenshtein distance between the response and a reference (the fewest
//! single-element insertions, deletions and substitutions turning one into the other), counted
//! over Unicode characters (`level: chars`) or whitespace-separated words (`level: words`), and
//! n, m their lengths in that unit:
//! ```text
//! sim = 1 − d / max(n, m)        (1 when both are empty)
//! ```
//! so 1 is identical and 0 shares nothing position-wise. With several references the highest
//! similarity is used. The distance is computed in O(n·m) time and O(min(n, m)) memory after
//! stripping the common prefix and suffix, checking the deadline on every row.
//!
//! ## Why
//! Levenshtein's "Binary codes capable of correcting deletions, insertions, and reversals" (1966)
//! defines the distance. Normalised, it is a dense, order-aware, reference-based reward for
//! outputs that should reproduce a target text closely (string transformations, formatting,
//! transliteration, code or data rewrites, OCR-style copying) where exact match is too sparse to
//! learn from and n-gram metrics ignore order.
//!
//! ## Parameters
//! - `extract` (auto | answer_tag | boxed | marker | last_line | none; default `none`): which part
//!   of the response is compared; `none` is the whole response, as it is.
//! - `answer_tag` (string; default `answer`): the tag name for `extract: answer_tag` / `auto`.
//! - `level` (chars | words; default `chars`): the unit of edits.
//! - `lowercase` (boolean; default false): compare lower-cased texts.
//!
//! ## Example
//! ```json
//! {"sample": {"response": "kitten", "reference": "sitting"}, "value": 0.5714285714285714}
//! {"sample": {"response": "kitten", "reference": ["sitting", "mitten"]}, "value": 0.8333333333333334}
//! {"params": {"level": "words"}, "sample": {"response": "the big red fox", "reference": "the red fox"}, "value": 0.75}
//! {"params": {"lowercase": true}, "sample": {"response": "HELLO", "reference": "hello"}, "value": 1.0}
//! {"sample": {"response": "", "reference": "abc"}, "value": 0.0}
//! {"params": {"extract": "answer_tag"}, "sample": {"response": "<answer>abcd</answer>", "reference": "abce"}, "value": 0.75}
//! {"sample": {"response": "abc", "reference": []}, "status": "invalid_input"}
//! ```

use std::sync::Arc;

use plaudit_core::{
    Ctx, Deadline, Failure, Kind, Outcome, ParamSpec, Params, Reward, RewardInfo, Sample, Score,
};
use serde_json::json;

use super::sequences::levenshtein;
use super::texts::{hypothesis, references, EXTRACT_PARAM, TAG_PARAM};

pub const INFO: RewardInfo = RewardInfo {
    name: "edit_similarity",
    family: "similarity",
    source: include_str!("edit_similarity.rs"),
    params: PARAMS,
    build,
};

const PARAMS: &[ParamSpec] = &[
    EXTRACT_PARAM,
    TAG_PARAM,
    ParamSpec::new(
        "level",
        Kind::Enum(&["chars", "words"]),
        "\"chars\"",
        "unit of edits",
    ),
    ParamSpec::new(
        "lowercase",
        Kind::Bool,
        "false",
        "compare lower-cased texts",
    ),
];

struct EditSimilarity {
    extract: String,
    tag: String,
    words: bool,
    lowercase: bool,
}

fn build(p: &Params) -> Result<Arc<dyn Reward>, String> {
    Ok(Arc::new(EditSimilarity {
        extract: p.str("extract").to_string(),
        tag: p.str("answer_tag").to_string(),
        words: p.str("level") == "words",
        lowercase: p.bool("lowercase"),
    }))
}

/// 1 − d / max(n, m), and d; (1, 0) for two empty sequences.
fn similarity<T: PartialEq>(
    a: &[T],
    b: &[T],
    deadline: &Deadline,
) -> Result<(f64, usize), Failure> {
    let longest = a.len().max(b.len());
    if longest == 0 {
        return Ok((1.0, 0));
    }
    let d = levenshtein(a, b, deadline)?;
    Ok((1.0 - d as f64 / longest as f64, d))
}

impl EditSimilarity {
    /// The best (similarity, distance, reference index) over the references.
    fn best<T: PartialEq>(
        &self,
        hyp: &[T],
        refs: impl Iterator<Item = Vec<T>>,
        deadline: &Deadline,
    ) -> Result<(f64, usize, usize), Failure> {
        let mut best: Option<(f64, usize, usize)> = None;
        for (i, r) in refs.enumerate() {
            deadline.check()?;
            let (s, d) = similarity(hyp, &r, deadline)?;
            if best.is_none_or(|(b, _, _)| s > b) {
                best = Some((s, d, i));
            }
        }
        Ok(best.unwrap_or((0.0, 0, 0)))
    }
}

impl Reward for EditSimilarity {
    fn score(&self, sample: &Sample, cx: &Ctx) -> Outcome {
        let refs = references(sample)?;
        let hyp = hypothesis(sample, &self.extract, &self.tag)?;
        let prep = |s: &str| {
            if self.lowercase {
                s.to_lowercase()
            } else {
                s.to_string()
            }
        };
        let hyp = prep(hyp);
        let refs: Vec<String> = refs.iter().map(|r| prep(r)).collect();
        let (sim, dist, i) = if self.words {
            let h: Vec<&str> = hyp.split_whitespace().collect();
            self.best(
                &h,
                refs.iter().map(|r| r.split_whitespace().collect()),
                cx.deadline,
            )?
        } else {
            let h: Vec<char> = hyp.chars().collect();
            self.best(&h, refs.iter().map(|r| r.chars().collect()), cx.deadline)?
        };
        Ok(Score::with_details(
            sim,
            json!({"distance": dist, "reference_index": i}),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use plaudit_core::Status;
    use serde_json::Value;
    use std::time::Duration;

    fn reward(params: Value) -> Arc<dyn Reward> {
        build(&Params::from_json(PARAMS, &params, &[]).unwrap()).unwrap()
    }

    fn score(params: Value, response: &str, reference: Value) -> Outcome {
        let d = Deadline::none();
        reward(params).score(&Sample::new(response, reference), &Ctx::new(&d, &[]))
    }

    #[test]
    fn values() {
        assert_eq!(score(json!({}), "", json!("")).unwrap().value, 1.0);
        assert_eq!(score(json!({}), "abc", json!("xyz")).unwrap().value, 0.0);
        assert_eq!(
            score(json!({}), "naïve", json!("naive")).unwrap().value,
            0.8
        );
        let s = score(json!({}), "kitten", json!(["sitting", "mitten"])).unwrap();
        assert_eq!(
            s.details.unwrap(),
            json!({"distance": 1, "reference_index": 1})
        );
        let e = score(json!({}), "abc", json!({"tests": []})).unwrap_err();
        assert_eq!(e.status, Status::InvalidInput);
        assert!(e.message.contains("`reference`"), "{}", e.message);
        let e = score(json!({"extract": "boxed"}), "no box", json!("x")).unwrap_err();
        assert_eq!(e.status, Status::NoAnswer);
    }

    #[test]
    fn two_megabytes_each_time_out_promptly() {
        let mut x: u32 = 2_463_534_242;
        let mut text = |n: usize| -> String {
            (0..n)
                .map(|_| {
                    x ^= x << 13;
                    x ^= x >> 17;
                    x ^= x << 5;
                    char::from(b'a' + (x % 26) as u8)
                })
                .collect()
        };
        let (a, b) = (text(2_000_000), text(2_000_000));
        let d = Deadline::after(Duration::from_millis(50));
        // Millions of tokens squared would take hours: returning at all, as `timeout`, is the
        // deadline at work.
        let out = reward(json!({})).score(&Sample::new(a, json!(b)), &Ctx::new(&d, &[]));
        assert_eq!(out.unwrap_err().status, Status::Timeout);
    }
}
