//! METEOR of the response against the reference text(s), exact-match stage only: the recall-weighted harmonic mean of unigram precision and recall, times a fragmentation penalty, as NLTK's `meteor_score` computes it.
//!
//! ## What it computes
//! Both texts are split into words (`tokenize: whitespace`: Python's `str.split()`; `words`:
//! maximal runs of letters and digits, punctuation dropped) and lower-cased word by word. Words
//! are aligned one to one by exact equality the way NLTK does it: each response word, from the
//! last to the first, takes the last still-unaligned reference word equal to it. With m aligned
//! words, c the response's and r the reference's word count, and `chunks` the number of runs of
//! alignments adjacent in both texts (alignments taken in response order):
//! ```text
//! P = m / c,   R = m / r,   Fmean = P·R / (α·P + (1 − α)·R)
//! penalty = γ · (chunks / m)^β
//! METEOR = (1 − penalty) · Fmean            (0 when m = 0 or either text has no words)
//! ```
//! With several references the highest score is returned (`meteor_score`'s maximum). Defaults
//! are NLTK's: α = 0.9, β = 3, γ = 0.5 (so Fmean = 10PR / (R + 9P)).
//!
//! Left out: METEOR's stem stage (Porter stemmer) and synonym stage (WordNet synsets). The stem
//! stage needs a stemmer Plaudit would have to match NLTK's, rule for rule, to stay comparable;
//! the synonym stage needs the WordNet database (a data download and a lemma lookup whose answers
//! change with WordNet versions). Without them, `walk` and `walked` or `big` and `large` do not
//! align, so scores are at most NLTK's full METEOR on the same texts. Exact-only METEOR equals
//! NLTK's `meteor_score([ref.split()], hyp.split(), stemmer=identity, wordnet=no synonyms)`;
//! `tests/papers_a.rs` checks values computed with NLTK 3.9 that way.
//!
//! ## Why
//! "SuperHF: Supervised Iterative Learning from Human Feedback" measures reward hacking (outputs
//! collapsing onto the same text) with a METEOR similarity between a model's completions; as a
//! reference-based score, METEOR ("METEOR: An Automatic Metric for MT Evaluation with Improved
//! Correlation with Human Judgments", Banerjee and Lavie, 2005) weights recall over precision and
//! penalises scrambled word order, which BLEU and ROUGE-L weigh differently.
//!
//! ## Parameters
//! - `extract` (auto | answer_tag | boxed | marker | last_line | none; default `none`): which part
//!   of the response is compared; `none` is the whole response.
//! - `answer_tag` (string; default `answer`): the tag name for `extract: answer_tag` / `auto`.
//! - `tokenize` (whitespace | words; default `whitespace`): how texts are split into words.
//! - `alpha` (number in [0, 1]; default 0.9): α, the weight of precision in Fmean's denominator.
//! - `beta` (number ≥ 0; default 3.0): β, the fragmentation penalty's exponent.
//! - `gamma` (number in [0, 1]; default 0.5): γ, the largest fragmentation penalty.
//!
//! ## Example
//! ```json
//! {"sample": {"response": "the cat sat on the mat", "reference": "the cat sat on the mat"}, "value": 0.9976851851851852}
//! {"sample": {"response": "on the mat sat the cat", "reference": "the cat sat on the mat"}, "value": 0.5}
//! {"sample": {"response": "the cat was on the mat", "reference": "the cat sat on the mat"}, "value": 0.8066666666666668}
//! {"sample": {"response": "The cat sat on the mat.", "reference": "the cat sat on the mat"}, "value": 0.8300000000000002}
//! {"params": {"tokenize": "words"}, "sample": {"response": "The cat sat on the mat.", "reference": "the cat sat on the mat"}, "value": 0.9976851851851852}
//! {"sample": {"response": "a dog", "reference": ["the cat sat", "a dog barked"]}, "value": 0.6465517241379309}
//! {"sample": {"response": "x", "reference": []}, "status": "invalid_input"}
//! ```

use std::collections::HashMap;
use std::sync::Arc;

use plaudit_core::deadline::Ticker;
use plaudit_core::{
    Ctx, Failure, Kind, Outcome, ParamSpec, Params, Reward, RewardInfo, Sample, Score,
};
use serde_json::json;

use super::texts::{hypothesis, py_split, references, EXTRACT_PARAM, TAG_PARAM};

pub const INFO: RewardInfo = RewardInfo {
    name: "meteor",
    family: "similarity",
    source: include_str!("meteor.rs"),
    params: PARAMS,
    build,
};

const PARAMS: &[ParamSpec] = &[
    EXTRACT_PARAM,
    TAG_PARAM,
    ParamSpec::new(
        "tokenize",
        Kind::Enum(&["whitespace", "words"]),
        "\"whitespace\"",
        "whitespace split, or runs of letters and digits",
    ),
    ParamSpec::new(
        "alpha",
        Kind::Float,
        "0.9",
        "α: precision's weight in Fmean",
    )
    .range(0.0, 1.0),
    ParamSpec::new("beta", Kind::Float, "3.0", "β: fragmentation exponent").min(0.0),
    ParamSpec::new(
        "gamma",
        Kind::Float,
        "0.5",
        "γ: largest fragmentation penalty",
    )
    .range(0.0, 1.0),
];

/// One reference's score and what it is made of.
#[derive(Default)]
struct Single {
    value: f64,
    precision: f64,
    recall: f64,
    chunks: usize,
    matches: usize,
}

struct Meteor {
    extract: String,
    tag: String,
    words: bool,
    alpha: f64,
    beta: f64,
    gamma: f64,
}

fn build(p: &Params) -> Result<Arc<dyn Reward>, String> {
    Ok(Arc::new(Meteor {
        extract: p.str("extract").to_string(),
        tag: p.str("answer_tag").to_string(),
        words: p.str("tokenize") == "words",
        alpha: p.f64("alpha"),
        beta: p.f64("beta"),
        gamma: p.f64("gamma"),
    }))
}

impl Meteor {
    fn tokens(&self, text: &str) -> Vec<String> {
        if self.words {
            text.to_lowercase()
                .split(|c: char| !c.is_alphanumeric())
                .filter(|w| !w.is_empty())
                .map(str::to_string)
                .collect()
        } else {
            py_split(text).map(str::to_lowercase).collect()
        }
    }

    /// METEOR of one hypothesis against one reference.
    fn single(
        &self,
        hyp: &[String],
        reference: &[String],
        tick: &Ticker,
    ) -> Result<Single, Failure> {
        if hyp.is_empty() || reference.is_empty() {
            return Ok(Single::default());
        }
        // Unaligned reference positions of each word, ascending: NLTK aligns a hypothesis word
        // (taken from the last) with the last unaligned equal reference word.
        let mut free: HashMap<&str, Vec<usize>> = HashMap::new();
        for (j, w) in reference.iter().enumerate() {
            free.entry(w.as_str()).or_default().push(j);
        }
        let mut pairs: Vec<(usize, usize)> = Vec::new();
        for (i, w) in hyp.iter().enumerate().rev() {
            tick.tick()?;
            if let Some(j) = free.get_mut(w.as_str()).and_then(Vec::pop) {
                pairs.push((i, j));
            }
        }
        let m = pairs.len();
        if m == 0 {
            return Ok(Single::default());
        }
        pairs.reverse(); // by hypothesis position
        let chunks = 1 + pairs
            .windows(2)
            .filter(|w| !(w[1].0 == w[0].0 + 1 && w[1].1 == w[0].1 + 1))
            .count();
        let precision = m as f64 / hyp.len() as f64;
        let recall = m as f64 / reference.len() as f64;
        let fmean = (precision * recall) / (self.alpha * precision + (1.0 - self.alpha) * recall);
        let penalty = self.gamma * (chunks as f64 / m as f64).powf(self.beta);
        Ok(Single {
            value: (1.0 - penalty) * fmean,
            precision,
            recall,
            chunks,
            matches: m,
        })
    }
}

impl Reward for Meteor {
    fn score(&self, sample: &Sample, cx: &Ctx) -> Outcome {
        let refs = references(sample)?;
        let hyp = self.tokens(hypothesis(sample, &self.extract, &self.tag)?);
        let tick = Ticker::new(cx.deadline, 4096);
        let mut best: Option<(Single, usize)> = None;
        for (i, r) in refs.iter().enumerate() {
            cx.deadline.check()?;
            let s = self.single(&hyp, &self.tokens(r), &tick)?;
            if best.as_ref().is_none_or(|(b, _)| s.value > b.value) {
                best = Some((s, i));
            }
        }
        let (s, i) = best.unwrap_or_default();
        Ok(Score::with_details(
            s.value,
            json!({"precision": s.precision, "recall": s.recall, "matches": s.matches, "chunks": s.chunks, "reference_index": i}),
        ))
    }
}
