//! Answer match: math equivalence when the reference is mathematical, else normalised exact match.
//!
//! ## What it computes
//! The default spec's reward for samples without a `task` (and tasks without a route). Each
//! sample is judged by the kind of its reference:
//! - **mathematical**: a JSON number; or a string holding a GSM8K answer marker `####`, a
//!   `\boxed{…}`, a LaTeX delimiter (`$`, `\(`, `\[`) or command (`\frac`, `\sqrt` …); or a short
//!   string with a digit whose only words are one-letter variables and math names (`sqrt`, `pi`,
//!   `log` …), such as `72`, `72.0`, `-3/4`, `x = 3`, `2^{10}`. These are scored by
//!   `math_equivalence` with its defaults: the reference's marked answer (`#### 72`, the last
//!   `\boxed{}` of a worked solution) against the response's final answer, equal as mathematics
//!   (`\frac12` = `0.5`, `72.0` = `72`).
//! - **anything else** (words, names, a single letter): `exact_match` with its defaults (the
//!   extracted final answer, `basic` normalisation).
//!
//! A list of acceptable answers is mathematical when any of its answers is. The details are those
//! of the verifier used, with `"verifier": "math_equivalence"` or `"exact_match"`; the statuses
//! are those of that verifier (no extractable answer is `no_answer`, a missing or empty reference
//! is `invalid_input`).
//!
//! ## Why
//! A user who scores GSM8K or MATH without naming a task should not get 0 for `\boxed{\frac12}`
//! against `0.5` or for `72` against GSM8K's `… #### 72` (exact match fails both), and a
//! plain-text answer should not go through a math parser. The reference, written by the dataset,
//! not by the policy, decides the verifier, so a response cannot choose the lenient one.
//!
//! ## Parameters
//! None.
//!
//! ## Example
//! ```json
//! {"sample": {"response": "So she sold \\boxed{72} clips.", "reference": "Natalia sold 48/2 = 24 clips in May.\nNatalia sold 48+24 = 72 clips altogether.\n#### 72"}, "value": 1.0}
//! {"sample": {"response": "The answer is 71.", "reference": "48+24 = 72\n#### 72"}, "value": 0.0}
//! {"sample": {"response": "so $\\boxed{\\frac12}$", "reference": "0.5"}, "value": 1.0}
//! {"sample": {"response": "The answer is 72.0", "reference": 72}, "value": 1.0}
//! {"sample": {"response": "The answer is 72", "reference": "72.0"}, "value": 1.0}
//! {"sample": {"response": "\\boxed{\\frac{\\sqrt{3}}{2}}", "reference": "The height is $\\frac{\\sqrt 3}{2}$, so the answer is $\\boxed{\\frac{\\sqrt{3}}{2}}$."}, "value": 1.0}
//! {"sample": {"response": "The answer is x = 3", "reference": "x=3"}, "value": 1.0}
//! {"sample": {"response": "The answer is Paris.", "reference": "paris"}, "value": 1.0}
//! {"sample": {"response": "The answer is Lyon.", "reference": "Paris"}, "value": 0.0}
//! {"sample": {"response": "The answer is 3 apples", "reference": "3 apples"}, "value": 1.0}
//! {"sample": {"response": "<think>Is it \\boxed{72}? Let me check", "reference": "#### 72"}, "status": "no_answer"}
//! {"sample": {"response": "72", "reference": ""}, "status": "invalid_input"}
//! {"sample": {"response": "72"}, "status": "invalid_input"}
//! ```

use std::sync::Arc;

use plaudit_core::{Ctx, Failure, Outcome, ParamSpec, Params, Reward, RewardInfo, Sample, Score};
use serde_json::{json, Value};

pub const INFO: RewardInfo = RewardInfo {
    name: "answer_match",
    family: "answer",
    source: include_str!("answer_match.rs"),
    params: PARAMS,
    build,
};

const PARAMS: &[ParamSpec] = &[];

struct AnswerMatch {
    math: Arc<dyn Reward>,
    exact: Arc<dyn Reward>,
}

fn defaults(info: &RewardInfo) -> Result<Arc<dyn Reward>, String> {
    let p = Params::from_json(info.params, &json!({}), &[]).map_err(|e| e.join("; "))?;
    (info.build)(&p)
}

fn build(_: &Params) -> Result<Arc<dyn Reward>, String> {
    Ok(Arc::new(AnswerMatch {
        math: defaults(&crate::math::math_equivalence::INFO)?,
        exact: defaults(&super::exact_match::INFO)?,
    }))
}

/// Words a mathematical answer may contain besides one-letter variables.
const MATH_WORDS: &[&str] = &[
    "sqrt", "pi", "inf", "infty", "infinity", "log", "ln", "exp", "sin", "cos", "tan", "and", "or",
    "i", "e",
];

/// Whether a reference answer is mathematical (see the module documentation).
pub fn is_mathematical(text: &str) -> bool {
    let t = text.trim();
    if t.contains("####")
        || t.contains("\\boxed")
        || t.contains('$')
        || t.contains("\\(")
        || t.contains("\\[")
    {
        return true;
    }
    let b = t.as_bytes();
    if b.windows(2)
        .any(|w| w[0] == b'\\' && w[1].is_ascii_alphabetic())
    {
        return true;
    }
    if t.is_empty() || t.chars().count() > 64 || !t.chars().any(|c| c.is_ascii_digit()) {
        return false;
    }
    let mut word = String::new();
    for c in t.chars().chain(std::iter::once(' ')) {
        if c.is_alphabetic() {
            word.push(c);
            continue;
        }
        if !word.is_empty() {
            let w = word.to_lowercase();
            if w.chars().count() > 1 && !MATH_WORDS.contains(&w.as_str()) {
                return false;
            }
            word.clear();
        }
        if !(c.is_ascii_digit() || c.is_whitespace() || "+-*/^()[]{}.,=<>%!:_|'".contains(c)) {
            return false;
        }
    }
    true
}

fn reference_is_mathematical(reference: &Value) -> bool {
    match reference {
        Value::Number(_) => true,
        Value::String(s) => is_mathematical(s),
        Value::Array(items) => items.iter().any(reference_is_mathematical),
        Value::Object(o) => o.get("answer").is_some_and(reference_is_mathematical),
        _ => false,
    }
}

impl Reward for AnswerMatch {
    fn score(&self, sample: &Sample, cx: &Ctx) -> Outcome {
        let refs = sample.reference_texts();
        if !refs.is_empty() && refs.iter().all(|r| r.trim().is_empty()) {
            return Err(Failure::invalid_input("`reference` is empty"));
        }
        let (inner, name) = if reference_is_mathematical(&sample.reference) {
            (&self.math, "math_equivalence")
        } else {
            (&self.exact, "exact_match")
        };
        let s = inner.score(sample, cx)?;
        let mut details = match s.details {
            Some(Value::Object(o)) => o,
            _ => Default::default(),
        };
        details.insert("verifier".into(), json!(name));
        Ok(Score::with_details(s.value, Value::Object(details)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_is_mathematical() {
        for t in [
            "72",
            "72.0",
            "-3/4",
            "x = 3",
            "2^{10}",
            "#### 72",
            "\\frac{1}{2}",
            "$5$",
            "sqrt(2)",
            "(1, 2]",
            "1,000",
        ] {
            assert!(is_mathematical(t), "{t}");
        }
        for t in ["paris", "3 apples", "B", "", "yes", "New York 2020"] {
            assert!(!is_mathematical(t), "{t}");
        }
        assert!(reference_is_mathematical(&json!(72)));
        assert!(reference_is_mathematical(&json!(["seventy-two", "72"])));
        assert!(!reference_is_mathematical(&json!({"answer": "Paris"})));
    }
}
