//! Edit efficiency (CSRP) for correction tasks: the share of a correction's edits to the source text that were needed, so over-correction (rewriting what was right) costs reward.
//!
//! ## What it computes
//! S is the source text (`reference.source`, else `meta.source`), H the corrected text (the
//! response, or its extracted answer: `extract`), d the Levenshtein distance over characters or
//! words (`level`). With `form: unnecessary` and the target corrections T (`reference.target`,
//! else `reference.answer`, else the reference itself: a text or a list of texts):
//! ```text
//! u = (d(S, H) + d(H, T) − d(S, T)) / 2      the edits H made off every shortest path S → T
//! e = 1 − u / d(S, H)                         (1 when H = S: no edit is unnecessary)
//! ```
//! best over the targets; by the triangle inequality 0 ≤ u ≤ d(S, H), so e is in [0, 1]: 1 when
//! every edit made moves the source toward a target, lower for each edit the target does not
//! need (a precision over edits, as F0.5 weighs it). With `form: minimal` no target is needed:
//! `e = 1 − d(S, H) / max(|S|, |H|)` (1 when both are empty), the fewer edits the better.
//! Under `gate: correct`, a sample whose `correctness` component is below `threshold` gets 0.
//! An exact-match correctness makes `unnecessary` 1 for every correct sample (a correct
//! correction needs no extra edit); gate on a graded correctness (an edit F-score, or
//! `edit_similarity` to the target, with a threshold) or use `gate: none` and add the term to
//! correctness. Details carry `edits` = d(S, H) and, for `unnecessary`, `unnecessary` = u.
//!
//! ## Why
//! "CSRP: Chain-of-Thought Reasoning for Chinese Text Correction via Reinforcement Learning with
//! Efficiency-Aware Rewards" finds that supervised fine-tuning of grammatical error correction
//! systematically over-corrects, and trains with GRPO and an "Efficiency-Aware Reward that
//! explicitly penalizes unnecessary edits", raising precision and F0.5. The abstract gives no
//! formula: counting unnecessary edits as the slack of the triangle inequality between source,
//! correction and target, and the target-free `minimal` form, are Plaudit's documented choices.
//! The distance is the deadline-checked Levenshtein that `edit_similarity` uses.
//!
//! ## Parameters
//! - `correctness` (component name; default `correct`): the component read under `gate: correct`.
//! - `threshold` (number; default 0.5): the correctness value counted as correct.
//! - `gate` (correct | none; default `correct`): score only correct samples (others get 0).
//! - `form` (unnecessary | minimal; default `unnecessary`): the share of edits a target needs, or
//!   the fewest edits.
//! - `extract` (auto | answer_tag | boxed | marker | last_line | none; default `auto`): which part
//!   of the response is the corrected text; `auto` takes the `<answer>` block, else the text
//!   after the reasoning.
//! - `answer_tag` (string; default `answer`): the tag name for `extract: answer_tag` / `auto`.
//! - `level` (chars | words; default `chars`): the unit of edits (characters suit Chinese).
//!
//! ## Example
//! ```json
//! {"params": {"gate": "none", "correctness": ""}, "sample": {"response": "I have an apple", "reference": {"source": "I has a apple", "answer": "I have an apple"}}, "value": 1.0}
//! {"params": {"gate": "none", "correctness": ""}, "sample": {"response": "We have an apple", "reference": {"source": "I has a apple", "answer": "I have an apple"}}, "value": 0.6}
//! {"params": {"gate": "none", "correctness": ""}, "sample": {"response": "I had an apple", "reference": {"source": "I has a apple", "target": ["I have an apple"]}}, "value": 0.75}
//! {"params": {"gate": "none", "correctness": ""}, "sample": {"response": "I has a apple", "reference": "I have an apple", "meta": {"source": "I has a apple"}}, "value": 1.0}
//! {"params": {"gate": "none", "correctness": "", "level": "words"}, "sample": {"response": "We have an apple", "reference": {"source": "I has a apple", "answer": "I have an apple"}}, "value": 0.6666666666666667}
//! {"params": {"form": "minimal", "threshold": 0.8}, "components": {"correct": 0.9}, "sample": {"response": "<think>has → have, a → an</think><answer>I have an apple</answer>", "reference": {"source": "I has a apple"}}, "value": 0.8}
//! {"components": {"correct": 0.0}, "sample": {"response": "We have an apple", "reference": {"source": "I has a apple", "answer": "I have an apple"}}, "value": 0.0}
//! {"components": {"correct": 1.0}, "sample": {"response": "I have an apple", "reference": "I have an apple"}, "status": "invalid_input"}
//! ```

use std::sync::Arc;

use plaudit_core::{
    Ctx, Failure, Kind, Outcome, ParamSpec, Params, Reward, RewardInfo, Sample, Score,
};
use serde_json::{json, Value};

use crate::components::{CORRECTNESS_PARAM, THRESHOLD_PARAM};
use crate::similarity::sequences::levenshtein;
use crate::similarity::texts::{hypothesis, TAG_PARAM};
use crate::util::EXTRACT_MODES;

pub const INFO: RewardInfo = RewardInfo {
    name: "edit_efficiency",
    family: "efficiency",
    source: include_str!("edit_efficiency.rs"),
    params: PARAMS,
    build,
};

const PARAMS: &[ParamSpec] = &[
    CORRECTNESS_PARAM,
    THRESHOLD_PARAM,
    ParamSpec::new(
        "gate",
        Kind::Enum(&["correct", "none"]),
        "\"correct\"",
        "score only correct samples",
    ),
    ParamSpec::new(
        "form",
        Kind::Enum(&["unnecessary", "minimal"]),
        "\"unnecessary\"",
        "share of needed edits, or fewest edits",
    ),
    ParamSpec::new(
        "extract",
        Kind::Enum(EXTRACT_MODES),
        "\"auto\"",
        "which part of the response is the corrected text",
    ),
    TAG_PARAM,
    ParamSpec::new(
        "level",
        Kind::Enum(&["chars", "words"]),
        "\"chars\"",
        "unit of edits",
    ),
];

struct EditEfficiency {
    gate: Option<(usize, String)>,
    threshold: f64,
    unnecessary: bool,
    extract: String,
    tag: String,
    words: bool,
}

fn build(p: &Params) -> Result<Arc<dyn Reward>, String> {
    let gate = match p.str("gate") {
        "correct" => Some(p.component("correctness").ok_or(
            "`gate: correct` needs `correctness` to name the component that says whether the correction is right",
        )?),
        _ => None,
    };
    Ok(Arc::new(EditEfficiency {
        gate,
        threshold: p.f64("threshold"),
        unnecessary: p.str("form") == "unnecessary",
        extract: p.str("extract").to_string(),
        tag: p.str("answer_tag").to_string(),
        words: p.str("level") == "words",
    }))
}

/// The source text: `reference.source`, else `meta.source`.
fn source(sample: &Sample) -> Result<&str, Failure> {
    let found = sample
        .reference
        .get("source")
        .or_else(|| sample.meta.get("source"));
    match found {
        Some(Value::String(s)) => Ok(s),
        None | Some(Value::Null) => Err(Failure::invalid_input(
            "edit_efficiency needs the source text being corrected, in `reference.source` or `meta.source`",
        )),
        Some(other) => Err(Failure::invalid_input(format!(
            "field `source`: expected the source text (a string), got {}",
            plaudit_core::sample::type_name(other)
        ))),
    }
}

/// A text or a list of texts.
fn texts(v: &Value) -> Option<Vec<String>> {
    match v {
        Value::String(s) => Some(vec![s.clone()]),
        Value::Array(items) if !items.is_empty() => items
            .iter()
            .map(|x| x.as_str().map(str::to_string))
            .collect(),
        _ => None,
    }
}

/// The target corrections: `reference.target`, else `reference.answer`, else the reference.
fn targets(sample: &Sample) -> Result<Vec<String>, Failure> {
    let r = &sample.reference;
    let found = match r {
        Value::Object(o) => o.get("target").or_else(|| o.get("answer")),
        other => Some(other),
    };
    found.and_then(texts).ok_or_else(|| {
        Failure::invalid_input(
            "form: unnecessary needs the target correction in `reference.target`, `reference.answer` or `reference` (a text or a list of texts); form: minimal needs none",
        )
    })
}

impl EditEfficiency {
    fn units<'a>(&self, s: &'a str) -> Vec<Unit<'a>> {
        if self.words {
            s.split_whitespace().map(Unit::Word).collect()
        } else {
            s.chars().map(Unit::Char).collect()
        }
    }
}

/// One unit of edits: a character or a word.
#[derive(PartialEq)]
enum Unit<'a> {
    Char(char),
    Word(&'a str),
}

impl Reward for EditEfficiency {
    fn score(&self, sample: &Sample, cx: &Ctx) -> Outcome {
        if let Some((i, name)) = &self.gate {
            if cx.component(*i, name)? < self.threshold {
                return Ok(Score::new(0.0));
            }
        }
        let src = source(sample)?;
        let targets = if self.unnecessary {
            targets(sample)?
        } else {
            Vec::new()
        };
        let hyp = hypothesis(sample, &self.extract, &self.tag)?;
        let (s, h) = (self.units(src), self.units(hyp));
        let d_sh = levenshtein(&s, &h, cx.deadline)?;
        if !self.unnecessary {
            let longest = s.len().max(h.len());
            let e = if longest == 0 {
                1.0
            } else {
                1.0 - d_sh as f64 / longest as f64
            };
            return Ok(Score::with_details(e, json!({"edits": d_sh})));
        }
        // The target that leaves the fewest unnecessary edits.
        let mut best: Option<f64> = None;
        for t in &targets {
            let t = self.units(t);
            let d_ht = levenshtein(&h, &t, cx.deadline)?;
            let d_st = levenshtein(&s, &t, cx.deadline)?;
            let u = (d_sh + d_ht).saturating_sub(d_st) as f64 / 2.0;
            if best.is_none_or(|b| u < b) {
                best = Some(u);
            }
        }
        let u = best.unwrap_or(0.0);
        let e = if d_sh == 0 {
            1.0
        } else {
            (1.0 - u / d_sh as f64).clamp(0.0, 1.0)
        };
        Ok(Score::with_details(
            e,
            json!({"edits": d_sh, "unnecessary": u}),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use plaudit_core::{Deadline, Status};
    use std::time::Duration;

    fn reward(params: Value) -> Arc<dyn Reward> {
        build(&Params::from_json(PARAMS, &params, &[]).unwrap()).unwrap()
    }

    fn score(params: Value, response: &str, reference: Value) -> Outcome {
        let d = Deadline::none();
        reward(params).score(&Sample::new(response, reference), &Ctx::new(&d, &[]))
    }

    #[test]
    fn best_target_and_details() {
        let ungated = json!({"gate": "none", "correctness": ""});
        let s = score(
            ungated.clone(),
            "I had an apple",
            json!({"source": "I has a apple", "target": ["I had an apple", "I have an apple"]}),
        )
        .unwrap();
        assert_eq!(s.value, 1.0);
        assert_eq!(s.details, Some(json!({"edits": 2, "unnecessary": 0.0})));
        let e = score(ungated.clone(), "x", json!({"source": 3, "answer": "y"})).unwrap_err();
        assert_eq!(e.status, Status::InvalidInput);
        assert_eq!(
            e.message,
            "field `source`: expected the source text (a string), got a number"
        );
        let e = score(ungated, "x", json!({"source": "y"})).unwrap_err();
        assert!(
            e.message.starts_with("form: unnecessary needs the target"),
            "{}",
            e.message
        );
    }

    #[test]
    fn gate_needs_a_correctness_component() {
        let p = Params::from_json(PARAMS, &json!({"correctness": ""}), &[]).unwrap();
        assert!(build(&p)
            .err()
            .unwrap()
            .starts_with("`gate: correct` needs"));
    }

    #[test]
    fn long_texts_stop_at_the_deadline() {
        let src: String = (0..200_000)
            .map(|i| char::from(b'a' + (i * 7 % 26) as u8))
            .collect();
        let hyp: String = (0..200_000)
            .map(|i| char::from(b'a' + (i * 11 % 26) as u8))
            .collect();
        // 200,000² cells would take hours: returning at all, as `timeout`, is the deadline at work.
        let d = Deadline::after(Duration::from_millis(50));
        let out = reward(json!({"gate": "none", "correctness": "", "form": "minimal"})).score(
            &Sample::new(hyp, json!({"source": src})),
            &Ctx::new(&d, &[]),
        );
        assert_eq!(out.unwrap_err().status, Status::Timeout);
    }
}
