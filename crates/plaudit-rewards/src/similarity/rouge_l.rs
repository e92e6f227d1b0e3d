//! ROUGE-L of the response against the reference text(s): the F-measure (or precision, or recall) of their longest common subsequence of words, as Google's `rouge-score` computes it.
//!
//! ## What it computes
//! Both texts are tokenised as `rouge-score` does without stemming: lower-cased, every run of
//! characters other than `a-z0-9` replaced by a space, split into words (so non-ASCII letters
//! separate words and are dropped). With LCS the length of the longest common subsequence of the
//! two word sequences, c the response's and r the reference's word count:
//! ```text
//! P = LCS / c,   R = LCS / r,   F = 2·P·R / (P + R)
//! ```
//! and 0 when either side has no words. With several references the one with the highest F is
//! used and its `measure` returned (`rouge_scorer.RougeScorer(['rougeL']).score_multi`), so with
//! the default `measure: f` this is the maximum over references. The LCS is computed in
//! O(c·r) time and O(min(c, r)) memory, checking the deadline on every row.
//!
//! ## Why
//! "ROUGE: A Package for Automatic Evaluation of Summaries" (Lin, 2004) defines ROUGE-L: the
//! longest in-order word overlap rewards a summary for keeping the reference's content in its
//! order without requiring contiguous n-grams. It is the usual reference-based reward for
//! summarisation and other open-ended generation in RL post-training (and the standard score of
//! summarisation RLHF baselines); matching `rouge-score` keeps rewards comparable with reported
//! ROUGE-L numbers.
//!
//! ## Parameters
//! - `extract` (auto | answer_tag | boxed | marker | last_line | none; default `none`): which part
//!   of the response is compared; `none` is the whole response, as it is.
//! - `answer_tag` (string; default `answer`): the tag name for `extract: answer_tag` / `auto`.
//! - `measure` (f | precision | recall; default `f`): which of F, P and R is the reward.
//!
//! ## Example
//! ```json
//! {"sample": {"response": "The cat sat on the mat.", "reference": "the cat sat on the mat"}, "value": 1.0}
//! {"sample": {"response": "the cat was found under the bed", "reference": "the cat was under the bed"}, "value": 0.923076923076923}
//! {"params": {"measure": "recall"}, "sample": {"response": "the cat was found under the bed", "reference": "the cat was under the bed"}, "value": 1.0}
//! {"sample": {"response": "police killed the gunman", "reference": ["the gunman kill police", "police kill the gunman"]}, "value": 0.75}
//! {"sample": {"response": "¡¿…!?", "reference": "anything"}, "value": 0.0}
//! {"sample": {"response": "x", "reference": []}, "status": "invalid_input"}
//! ```

use std::sync::Arc;

use plaudit_core::deadline::Ticker;
use plaudit_core::{
    Ctx, Deadline, Kind, Outcome, ParamSpec, Params, Reward, RewardInfo, Sample, Score,
};
use serde_json::json;

use super::ngrams::Interner;
use super::sequences::lcs_len;
use super::texts::{hypothesis, references, EXTRACT_PARAM, TAG_PARAM};

pub const INFO: RewardInfo = RewardInfo {
    name: "rouge_l",
    family: "similarity",
    source: include_str!("rouge_l.rs"),
    params: PARAMS,
    build,
};

const PARAMS: &[ParamSpec] = &[
    EXTRACT_PARAM,
    TAG_PARAM,
    ParamSpec::new(
        "measure",
        Kind::Enum(&["f", "precision", "recall"]),
        "\"f\"",
        "which of F, precision, recall",
    ),
];

struct RougeL {
    extract: String,
    tag: String,
    measure: String,
}

fn build(p: &Params) -> Result<Arc<dyn Reward>, String> {
    Ok(Arc::new(RougeL {
        extract: p.str("extract").to_string(),
        tag: p.str("answer_tag").to_string(),
        measure: p.str("measure").to_string(),
    }))
}

/// `rouge-score`'s tokeniser without stemming, applied to lower-cased text: the maximal runs of
/// `[a-z0-9]`. Lower-casing first matters: `K` (Kelvin sign) becomes `k`, `İ` becomes `i` + a
/// combining dot.
fn words(lower: &str) -> impl Iterator<Item = &str> {
    lower
        .split(|c: char| !(c.is_ascii_lowercase() || c.is_ascii_digit()))
        .filter(|w| !w.is_empty())
}

/// (precision, recall, F) of the LCS of two word-id sequences; zeros when either is empty.
fn lcs_scores(
    reference: &[u32],
    candidate: &[u32],
    deadline: &Deadline,
) -> Result<[f64; 3], plaudit_core::Failure> {
    if reference.is_empty() || candidate.is_empty() {
        return Ok([0.0; 3]);
    }
    let lcs = lcs_len(reference, candidate, deadline)? as f64;
    let p = lcs / candidate.len() as f64;
    let r = lcs / reference.len() as f64;
    let f = if p + r > 0.0 {
        2.0 * p * r / (p + r)
    } else {
        0.0
    };
    Ok([p, r, f])
}

impl Reward for RougeL {
    fn score(&self, sample: &Sample, cx: &Ctx) -> Outcome {
        let refs = references(sample)?;
        let hyp = hypothesis(sample, &self.extract, &self.tag)?;
        let mut ticker = Ticker::new(cx.deadline, 4096);
        let hyp = hyp.to_lowercase();
        let refs: Vec<String> = refs.iter().map(|r| r.to_lowercase()).collect();
        // Words are compared as small integers.
        let mut interner = Interner::default();
        let candidate = interner.ids(words(&hyp), &mut ticker)?;
        let mut best: Option<([f64; 3], usize)> = None;
        for (i, r) in refs.iter().enumerate() {
            cx.deadline.check()?;
            let reference = interner.ids(words(r), &mut ticker)?;
            let s = lcs_scores(&reference, &candidate, cx.deadline)?;
            if best.is_none_or(|(b, _)| s[2] > b[2]) {
                best = Some((s, i));
            }
        }
        let ([p, r, f], i) = best.unwrap_or(([0.0; 3], 0));
        let value = match self.measure.as_str() {
            "precision" => p,
            "recall" => r,
            _ => f,
        };
        Ok(Score::with_details(
            value,
            json!({"precision": p, "recall": r, "f": f, "reference_index": i}),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use plaudit_core::Status;
    use std::time::Duration;

    #[test]
    fn tokenizer_like_rouge_score() {
        let tokenize = |s: &str| {
            words(&s.to_lowercase())
                .map(str::to_string)
                .collect::<Vec<_>>()
        };
        assert_eq!(
            tokenize("The cat's 3.5-year-old HAT!"),
            vec!["the", "cat", "s", "3", "5", "year", "old", "hat"]
        );
        assert_eq!(
            tokenize("café \u{212a}elvin İstanbul"),
            vec!["caf", "kelvin", "i", "stanbul"]
        );
    }

    #[test]
    fn two_megabytes_each_time_out_promptly() {
        // Distinct pseudo-random words so neither prefix nor suffix stripping shortcuts the DP.
        let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut text = |n: usize| {
            let mut s = String::with_capacity(n + 16);
            while s.len() < n {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                s.push_str(&format!("w{} ", x % 5000));
            }
            s
        };
        let (a, b) = (text(2_000_000), text(2_000_000));
        let r = build(&Params::from_json(PARAMS, &json!({}), &[]).unwrap()).unwrap();
        let d = Deadline::after(Duration::from_millis(50));
        // Millions of tokens squared would take hours: returning at all, as `timeout`, is the
        // deadline at work.
        let out = r.score(&Sample::new(a, json!(b)), &Ctx::new(&d, &[]));
        assert_eq!(out.unwrap_err().status, Status::Timeout);
    }
}
