//! chrF (or chrF++ with `word_order: 2`) of the response against the reference text(s), on a 0..1 scale (sacrebleu's `sentence_chrf` / 100).
//!
//! ## What it computes
//! sacrebleu's `sentence_chrf` (sacrebleu 2.x, same defaults), divided by 100. Character n-grams
//! of orders 1..`char_order` are taken from each side with whitespace removed (kept with
//! `whitespace: true`), and word n-grams of orders 1..`word_order` from the words with one
//! leading or trailing ASCII punctuation mark split off. For each order, precision P_n and recall
//! R_n count the n-grams in common (clipped counts). By default (sacrebleu's "effective order")
//! P and R are averaged over the orders that both sides have n-grams of, and
//! ```text
//! chrF = (1 + β²) · P · R / (β² · P + R)
//! ```
//! (0 when P + R = 0). With `eps_smoothing` it is instead the mean over all orders of the per-order
//! F_β, an order absent on one side counting as ε = 1e-16 (chrF++.py, Moses, NLTK). With several
//! references the one giving the highest score is used (sacrebleu's multi-reference chrF). The
//! result is clamped to [0, 1] against floating-point rounding.
//!
//! ## Why
//! "chrF: character n-gram F-score for automatic MT evaluation" (Popović, 2015) scores character
//! n-grams, so inflections, compounds and tokenisation differences get partial credit where
//! word-level BLEU gives none, and it correlates better with human judgements, especially for
//! morphologically rich languages; chrF++ ("chrF++: words helping character n-grams", 2017) adds
//! word uni- and bigrams. As an RL reward it is a smooth, reference-based signal for translation
//! and other open-ended generation with a gold text, informative even for short outputs where
//! sentence BLEU collapses to 0.
//!
//! ## Parameters
//! - `extract` (auto | answer_tag | boxed | marker | last_line | none; default `none`): which part
//!   of the response is compared; `none` is the whole response, as it is.
//! - `answer_tag` (string; default `answer`): the tag name for `extract: answer_tag` / `auto`.
//! - `char_order` (integer ≥ 0; default 6): the maximum character n-gram order.
//! - `word_order` (integer ≥ 0; default 0): the maximum word n-gram order; 2 is chrF++.
//! - `beta` (number ≥ 0; default 2): β, the weight of recall relative to precision.
//! - `lowercase` (boolean; default false): case-insensitive chrF.
//! - `whitespace` (boolean; default false): keep whitespace in character n-grams.
//! - `eps_smoothing` (boolean; default false): average per-order F-scores with ε smoothing
//!   instead of using the effective order.
//!
//! ## Example
//! ```json
//! {"sample": {"response": "The cat sat on the mat.", "reference": "The cat sat on the mat."}, "value": 1.0}
//! {"sample": {"response": "The cats sat on a mat", "reference": "The cat sat on the mat."}, "value": 0.4931936950478548}
//! {"params": {"word_order": 2}, "sample": {"response": "The cats sat on a mat", "reference": "The cat sat on the mat."}, "value": 0.4649870832461109}
//! {"sample": {"response": "colour", "reference": ["color", "colours"]}, "value": 0.7757103344229318}
//! {"sample": {"response": "", "reference": "a b c"}, "value": 0.0}
//! {"sample": {"response": "a b c", "reference": {"tests": []}}, "status": "invalid_input"}
//! ```

use std::hash::Hash;
use std::sync::Arc;

use plaudit_core::deadline::Ticker;
use plaudit_core::{
    Ctx, Deadline, Failure, Kind, Outcome, ParamSpec, Params, Reward, RewardInfo, Sample, Score,
};
use serde_json::json;

use super::ngrams::{Interner, RefGrams};
use super::texts::{hypothesis, py_is_space, py_split, references, EXTRACT_PARAM, TAG_PARAM};

pub const INFO: RewardInfo = RewardInfo {
    name: "chrf",
    family: "similarity",
    source: include_str!("chrf.rs"),
    params: PARAMS,
    build,
};

const PARAMS: &[ParamSpec] = &[
    EXTRACT_PARAM,
    TAG_PARAM,
    ParamSpec::new(
        "char_order",
        Kind::Int,
        "6",
        "maximum character n-gram order",
    )
    .range(0.0, 64.0),
    ParamSpec::new(
        "word_order",
        Kind::Int,
        "0",
        "maximum word n-gram order (2: chrF++)",
    )
    .range(0.0, 64.0),
    ParamSpec::new(
        "beta",
        Kind::Float,
        "2",
        "weight of recall relative to precision",
    )
    .min(0.0),
    ParamSpec::new("lowercase", Kind::Bool, "false", "lower-case both sides"),
    ParamSpec::new(
        "whitespace",
        Kind::Bool,
        "false",
        "keep whitespace in character n-grams",
    ),
    ParamSpec::new(
        "eps_smoothing",
        Kind::Bool,
        "false",
        "mean of per-order F-scores with epsilon smoothing",
    ),
];

struct Chrf {
    extract: String,
    tag: String,
    char_order: usize,
    word_order: usize,
    beta: f64,
    lowercase: bool,
    whitespace: bool,
    eps_smoothing: bool,
}

fn build(p: &Params) -> Result<Arc<dyn Reward>, String> {
    let char_order = p.usize("char_order")?;
    let word_order = p.usize("word_order")?;
    if char_order + word_order == 0 {
        return Err("`char_order` and `word_order` cannot both be 0".to_string());
    }
    let beta = p.f64("beta");
    Ok(Arc::new(Chrf {
        extract: p.str("extract").to_string(),
        tag: p.str("answer_tag").to_string(),
        char_order,
        word_order,
        beta,
        lowercase: p.bool("lowercase"),
        whitespace: p.bool("whitespace"),
        eps_smoothing: p.bool("eps_smoothing"),
    }))
}

/// Per order, sacrebleu's `[hyp count (0 when the reference has none), ref count, matches]`.
fn match_stats<T: Eq + Hash>(
    hyp: &[T],
    reference: &[T],
    max_order: usize,
    out: &mut Vec<[u64; 3]>,
    ticker: &mut Ticker,
) -> Result<(), Failure> {
    let mut grams = RefGrams::new(reference, max_order, ticker)?;
    let counts = grams.match_hypothesis(hyp, ticker)?;
    for ((n_hyp, matches), n_ref) in counts.into_iter().zip(grams.totals) {
        out.push([if n_ref == 0 { 0 } else { n_hyp }, n_ref, matches]);
    }
    Ok(())
}

/// Words for chrF++: whitespace-split, with one trailing (else leading) ASCII punctuation mark
/// split off words longer than one character (sacrebleu's `_remove_punctuation`).
fn words(s: &str) -> Vec<&str> {
    let mut out = Vec::new();
    for w in py_split(s) {
        let mut chars = w.chars();
        let first = chars.next();
        let last = chars.next_back();
        match (first, last) {
            (Some(_), Some(l)) if l.is_ascii_punctuation() => {
                out.extend([&w[..w.len() - l.len_utf8()], &w[w.len() - l.len_utf8()..]]);
            }
            (Some(f), Some(_)) if f.is_ascii_punctuation() => {
                out.extend([&w[..f.len_utf8()], &w[f.len_utf8()..]]);
            }
            _ => out.push(w),
        }
    }
    out
}

impl Chrf {
    /// sacrebleu's `_compute_f_score`, 0..100.
    fn f_score(&self, stats: &[[u64; 3]]) -> f64 {
        const EPS: f64 = 1e-16;
        let factor = self.beta * self.beta;
        let (mut score, mut avg_prec, mut avg_rec, mut effective) = (0.0, 0.0, 0.0, 0usize);
        for &[n_hyp, n_ref, n_match] in stats {
            let prec = if n_hyp > 0 {
                n_match as f64 / n_hyp as f64
            } else {
                EPS
            };
            let rec = if n_ref > 0 {
                n_match as f64 / n_ref as f64
            } else {
                EPS
            };
            let denom = factor * prec + rec;
            score += if denom > 0.0 {
                (1.0 + factor) * prec * rec / denom
            } else {
                EPS
            };
            if n_hyp > 0 && n_ref > 0 {
                avg_prec += prec;
                avg_rec += rec;
                effective += 1;
            }
        }
        if self.eps_smoothing {
            return 100.0 * score / stats.len() as f64;
        }
        if effective == 0 {
            avg_prec = 0.0;
            avg_rec = 0.0;
        } else {
            avg_prec /= effective as f64;
            avg_rec /= effective as f64;
        }
        if avg_prec + avg_rec != 0.0 {
            let s = (1.0 + factor) * avg_prec * avg_rec / (factor * avg_prec + avg_rec);
            100.0 * s
        } else {
            0.0
        }
    }

    /// The words for word n-grams; none unless `word_order` > 0 (chrF++).
    fn words<'a>(&self, s: &'a str) -> Vec<&'a str> {
        if self.word_order > 0 {
            words(s)
        } else {
            Vec::new()
        }
    }

    fn chars(&self, s: &str) -> Vec<char> {
        if self.whitespace {
            s.chars().collect()
        } else {
            s.chars().filter(|c| !py_is_space(*c)).collect()
        }
    }

    fn chrf(&self, hyp: &str, refs: &[String], deadline: &Deadline) -> Outcome {
        let mut ticker = Ticker::new(deadline, 4096);
        let lower = |s: &str| {
            if self.lowercase {
                s.to_lowercase()
            } else {
                s.to_string()
            }
        };
        let hyp = lower(hyp);
        let hyp_chars = self.chars(&hyp);
        let refs: Vec<String> = refs.iter().map(|r| lower(r)).collect();
        let mut interner = Interner::default();
        let hyp_words = interner.ids(self.words(&hyp), &mut ticker)?;
        let mut best: Option<(f64, usize)> = None;
        for (i, r) in refs.iter().enumerate() {
            deadline.check()?;
            let r_chars = self.chars(r);
            let r_words = interner.ids(self.words(r), &mut ticker)?;
            let mut stats = Vec::with_capacity(self.char_order + self.word_order);
            match_stats(
                &hyp_chars,
                &r_chars,
                self.char_order,
                &mut stats,
                &mut ticker,
            )?;
            match_stats(
                &hyp_words,
                &r_words,
                self.word_order,
                &mut stats,
                &mut ticker,
            )?;
            let f = self.f_score(&stats);
            if best.is_none_or(|(b, _)| f > b) {
                best = Some((f, i));
            }
        }
        let (f, i) = best.unwrap_or((0.0, 0));
        Ok(Score::with_details(
            (f / 100.0).clamp(0.0, 1.0),
            json!({"reference_index": i}),
        ))
    }
}

impl Reward for Chrf {
    fn score(&self, sample: &Sample, cx: &Ctx) -> Outcome {
        let refs = references(sample)?;
        let hyp = hypothesis(sample, &self.extract, &self.tag)?;
        self.chrf(hyp, &refs, cx.deadline)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    fn score(params: Value, response: &str, reference: Value) -> f64 {
        let r = build(&Params::from_json(PARAMS, &params, &[]).unwrap()).unwrap();
        let d = Deadline::none();
        r.score(&Sample::new(response, reference), &Ctx::new(&d, &[]))
            .unwrap()
            .value
    }

    #[test]
    fn chrf_plus_plus_words() {
        assert_eq!(
            words("(hi) there, x . ..."),
            vec!["(hi", ")", "there", ",", "x", ".", "..", "."]
        );
    }

    #[test]
    fn identical_is_one() {
        assert!(
            (score(json!({}), "Ein Haus am See", json!("Ein Haus am See")) - 1.0).abs() < 1e-12
        );
        assert!(
            (score(json!({"word_order": 2}), "a b c", json!(["x", "a b c"])) - 1.0).abs() < 1e-12
        );
        assert_eq!(score(json!({}), "abc", json!("xyz")), 0.0);
    }

    #[test]
    fn spec_errors() {
        assert!(crate::spec_error(&INFO, json!({"char_order": 0}), &[]).contains("both be 0"));
        assert_eq!(
            crate::spec_error(&INFO, json!({"beta": -1}), &[]),
            "parameter `beta` must be ≥ 0, got -1"
        );
        assert_eq!(
            crate::spec_error(&INFO, json!({"word_order": 65}), &[]),
            "parameter `word_order` must be in [0, 64], got 65"
        );
    }
}
