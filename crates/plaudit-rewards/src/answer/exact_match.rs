//! Exact match: 1 when the response's final answer equals a reference answer after normalisation, else 0.
//!
//! ## What it computes
//! The answer is extracted from the response (see `extract`), both it and each reference answer
//! are normalised (see `normalize`), and the reward is 1.0 when the answer equals any reference,
//! else 0.0. The reference may be a string, a number, a list of acceptable answers, or
//! `{"answer": …}`. No extractable answer is `no_answer`; a reference with no textual answer is
//! `invalid_input`.
//!
//! ## Why
//! The plain verifiable reward of RLVR ("DeepSeek-R1: Incentivizing Reasoning Capability in LLMs via
//! Reinforcement Learning"; "Tülu 3: Pushing Frontiers in Open Language Model Post-Training"), and
//! the fallback of the default spec for tasks without a dedicated verifier. Normalisation keeps a
//! correct answer from failing on case, spacing, `$…$` or a trailing period, without the string
//! tricks that let different answers pass.
//!
//! ## Parameters
//! - `extract` (auto | answer_tag | boxed | marker | last_line | none; default `auto`): where the
//!   answer is. `auto` tries the `<answer>` block, then the last `\boxed{}`, then an answer marker
//!   ("the answer is", "Answer:", "####"), then the whole response. Every mode but `none` looks
//!   only after the last `</think>`: an answer inside the reasoning does not count, and a response
//!   cut off inside an unclosed `<think>` has no answer.
//! - `answer_tag` (string; default `answer`): the tag name of the answer block.
//! - `normalize` (basic | squad | none; default `basic`): `basic` is NFKC, case folding, collapsed
//!   whitespace, no `$` delimiters or trailing period; `squad` is SQuAD's normalisation (lower case,
//!   no punctuation, no articles); `none` compares the extracted strings as they are (trimmed).
//! - `case_sensitive` (boolean; default false): keep case under `basic`.
//!
//! ## Example
//! ```json
//! {"sample": {"response": "Paris is the capital. The answer is Paris.", "reference": "paris"}, "value": 1.0}
//! {"sample": {"response": "<answer>Lyon</answer>", "reference": ["Paris", "paris, france"]}, "value": 0.0}
//! {"params": {"normalize": "squad"}, "sample": {"response": "<answer>The Eiffel Tower!</answer>", "reference": "eiffel tower"}, "value": 1.0}
//! {"params": {"extract": "answer_tag"}, "sample": {"response": "Paris", "reference": "Paris"}, "status": "no_answer"}
//! {"sample": {"response": "<think>Is it \\boxed{Paris}? Let me check the", "reference": "Paris"}, "status": "no_answer"}
//! ```

use std::sync::Arc;

use plaudit_core::{
    Ctx, Failure, Kind, Outcome, ParamSpec, Params, Reward, RewardInfo, Sample, Score,
};
use serde_json::{Map, Value};

use super::extraction::{references, EXTRACT_PARAM, TAG_PARAM};
use crate::util::{extract_answer, is_basic_normal, normalize_basic, normalize_squad};

pub const INFO: RewardInfo = RewardInfo {
    name: "exact_match",
    family: "answer",
    source: include_str!("exact_match.rs"),
    params: PARAMS,
    build,
};

const PARAMS: &[ParamSpec] = &[
    EXTRACT_PARAM,
    TAG_PARAM,
    ParamSpec::new(
        "normalize",
        Kind::Enum(&["basic", "squad", "none"]),
        "\"basic\"",
        "normalisation of both sides",
    ),
    ParamSpec::new(
        "case_sensitive",
        Kind::Bool,
        "false",
        "keep case under `basic`",
    ),
];

struct ExactMatch {
    extract: String,
    tag: String,
    normalize: String,
    case_sensitive: bool,
}

fn build(p: &Params) -> Result<Arc<dyn Reward>, String> {
    Ok(Arc::new(ExactMatch {
        extract: p.str("extract").to_string(),
        tag: p.str("answer_tag").to_string(),
        normalize: p.str("normalize").to_string(),
        case_sensitive: p.bool("case_sensitive"),
    }))
}

impl ExactMatch {
    /// Whether reference `r` normalises to `a`; a reference already in `basic` form is compared
    /// as it is.
    fn matches(&self, r: &str, a: &str) -> bool {
        if self.normalize == "basic" && is_basic_normal(r, self.case_sensitive) {
            return r == a;
        }
        self.norm(r) == a
    }

    fn norm(&self, s: &str) -> String {
        match self.normalize.as_str() {
            "squad" => normalize_squad(s),
            "none" => s.trim().to_string(),
            _ => normalize_basic(s, self.case_sensitive),
        }
    }
}

impl Reward for ExactMatch {
    fn score(&self, sample: &Sample, _cx: &Ctx) -> Outcome {
        // A string reference is the one reference answer, borrowed (no list of copies).
        let refs = match &sample.reference {
            Value::String(_) => Vec::new(),
            _ => references(sample)?,
        };
        let Some(answer) = extract_answer(&sample.response, &self.extract, &self.tag) else {
            return Err(Failure::no_answer(format!(
                "no answer found (extract: {})",
                self.extract
            )));
        };
        let a = self.norm(answer);
        let hit = match &sample.reference {
            Value::String(r) => self.matches(r, &a),
            _ => refs.iter().any(|r| self.matches(r, &a)),
        };
        let mut details = Map::with_capacity(2);
        details.insert("answer".into(), answer.into());
        details.insert("normalized".into(), a.into());
        Ok(Score::with_details(
            f64::from(u8::from(hit)),
            Value::Object(details),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use plaudit_core::Deadline;
    use serde_json::json;

    fn score(params: serde_json::Value, response: &str, reference: serde_json::Value) -> Outcome {
        let p = Params::from_json(PARAMS, &params, &[]).unwrap();
        let r = build(&p).unwrap();
        let d = Deadline::none();
        r.score(&Sample::new(response, reference), &Ctx::new(&d, &[]))
    }

    #[test]
    fn boxed_and_numbers() {
        assert_eq!(
            score(json!({}), "so \\boxed{42}", json!(42)).unwrap().value,
            1.0
        );
        assert_eq!(score(json!({}), "#### 42", json!("42")).unwrap().value, 1.0);
        assert_eq!(score(json!({}), "#### 41", json!("42")).unwrap().value, 0.0);
    }

    #[test]
    fn case_sensitivity_and_bad_reference() {
        assert_eq!(
            score(
                json!({"case_sensitive": true}),
                "Answer: paris",
                json!("Paris")
            )
            .unwrap()
            .value,
            0.0
        );
        let e = score(json!({}), "x", json!({"tests": []})).unwrap_err();
        assert_eq!(e.status, plaudit_core::Status::InvalidInput);
        assert!(
            e.message.starts_with("`reference` must be"),
            "{}",
            e.message
        );
    }

    #[test]
    fn details_carry_the_extracted_answer() {
        let s = score(json!({}), "The answer is  PARIS.", json!("paris")).unwrap();
        assert_eq!(
            s.details.unwrap(),
            json!({"answer": "PARIS", "normalized": "paris"})
        );
    }
}
