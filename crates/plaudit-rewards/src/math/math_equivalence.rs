//! Math equivalence: 1 when the response's final answer is mathematically equal to the reference, else 0.
//!
//! ## What it computes
//! The final answer is extracted from the response, after its last `</think>` if it has one (an
//! answer written inside the reasoning does not count, and a response cut off inside an unclosed
//! `<think>` is `no_answer`), by the methods of `extract` in order:
//! the `<answer>` block, the last `\boxed{}`/`\fbox{}` with nested braces (adjacent boxed answers
//! together), the text after "final answer is" / "answer:" / "####", the last math environment
//! `$…$` `$$…$$` `\(…\)` `\[…\]`, a short bare response, the last number. The reference (string,
//! number, list of acceptable answers, or `{"answer": …}`; bare or `$…$`-delimited) and the answer
//! are parsed from LaTeX or plain text into one expression tree and compared by `plaudit-math`:
//! exact big-rational arithmetic where the values are rational; relative tolerance `rel_tol`
//! otherwise (a decimal with 6 or more places also matches the value it rounds); expressions with
//! variables at seeded random real points (complex points when the real ones leave the domain),
//! skipping undefined points; sets and lists unordered, tuples ordered, intervals by bounds and
//! openness, matrices elementwise; equations equal when one is a non-zero multiple of the other;
//! `x = 3` against `3`; inequalities against intervals; a single-letter reference as a
//! multiple-choice option. The reward is 1.0 when the answer equals any reference, else 0.0.
//! No extractable answer is `no_answer`; an input beyond a structural limit (answer length,
//! nesting depth, digits) is `invalid_input` naming the limit; the deadline is `timeout`.
//! Details carry the extracted `answer`, its extraction `method`, the normalised forms
//! `answer_normalized` and `reference_normalized`, and the `basis` (`math`, `choice`, or `text`
//! when a side is not mathematics).
//!
//! ## Why
//! The verifiable reward of RLVR for mathematics ("DeepSeek-R1: Incentivizing Reasoning Capability
//! in LLMs via Reinforcement Learning"; "Tülu 3: Pushing Frontiers in Open Language Model
//! Post-Training"; "DAPO: An Open-Source LLM Reinforcement Learning System at Scale"). String
//! matching rejects correct answers written differently (`0.5` for `\frac12`); the usual Python
//! verifier (math-verify) is slow, relies on signal-based timeouts that break in threads, and
//! judges some different answers equal. This one is exact where it can be, bounded everywhere,
//! and asymmetric so that a policy cannot earn the reward by restating the question or listing
//! candidates.
//!
//! ## Parameters
//! - `extract` (list of strings from tag | boxed | marker | env | bare | number; default all six in
//!   that order): where the answer is, in priority order.
//! - `answer_tag` (string; default `answer`): the tag name for the `tag` method.
//! - `rel_tol` (number; default 1e-9): relative tolerance of numeric comparison (points with
//!   variables use at least 1e-8).
//! - `policy` (safe | symmetric; default `safe`): `safe` accepts a response equation or inequality
//!   against a value, interval or solved reference only in solved form (`x = 3`, `x > 2`, not
//!   `2x = 6`); `symmetric` accepts any equivalent relation. Under both, a response listing
//!   several candidates never matches a single reference.
//! - `seed` (integer; default 0): seed of the random evaluation points.
//!
//! ## Example
//! ```json
//! {"sample": {"response": "Adding the two parts, the probability is $\\boxed{\\dfrac{1}{2}}$.", "reference": "0.5"}, "value": 1.0}
//! {"sample": {"response": "So the limit is \\boxed{1+\\frac{1}{e}}", "reference": "1-1/e"}, "value": 0.0}
//! {"sample": {"response": "The line is $2x - y + 1 = 0$.", "reference": "y = 2x + 1"}, "value": 1.0}
//! {"sample": {"response": "The answer is y = 3x + 1", "reference": "y = 2x + 1"}, "value": 0.0}
//! {"sample": {"response": "\\boxed{x \\in (1, 2]}", "reference": "1 < x \\le 2"}, "value": 1.0}
//! {"sample": {"response": "\\boxed{3}, \\boxed{4} or \\boxed{5}", "reference": "4"}, "value": 0.0}
//! {"params": {"policy": "symmetric"}, "sample": {"response": "\\boxed{2x = 6}", "reference": "x = 3"}, "value": 1.0}
//! {"sample": {"response": "\\boxed{2x = 6}", "reference": "x = 3"}, "value": 0.0}
//! {"sample": {"response": "I am not sure.", "reference": "7"}, "status": "no_answer"}
//! {"sample": {"response": "<think>Is it \\boxed{7}? Let me check</think> No: the answer is 8.", "reference": "7"}, "value": 0.0}
//! {"sample": {"response": "<think>Is it \\boxed{7}? Let me check again, sinc", "reference": "7"}, "status": "no_answer"}
//! ```

use std::sync::Arc;

use plaudit_core::{
    Ctx, Failure, Kind, Outcome, ParamSpec, Params, Reward, RewardInfo, Sample, Score,
};
use plaudit_math::{CompareOptions, MathError, Method, Options, Policy, VerifyError};

pub const INFO: RewardInfo = RewardInfo {
    name: "math_equivalence",
    family: "math",
    source: include_str!("math_equivalence.rs"),
    params: PARAMS,
    build,
};

const PARAMS: &[ParamSpec] = &[
    ParamSpec::new(
        "extract",
        Kind::StrList,
        "[\"tag\", \"boxed\", \"marker\", \"env\", \"bare\", \"number\"]",
        "extraction methods in priority order",
    ),
    ParamSpec::new(
        "answer_tag",
        Kind::Str,
        "\"answer\"",
        "tag name of the answer block",
    ),
    ParamSpec::new(
        "rel_tol",
        Kind::Float,
        "1e-9",
        "relative tolerance of numeric comparison",
    )
    .min(0.0)
    .below(1.0),
    ParamSpec::new(
        "policy",
        Kind::Enum(&["safe", "symmetric"]),
        "\"safe\"",
        "asymmetry policy",
    ),
    ParamSpec::new(
        "seed",
        Kind::Int,
        "0",
        "seed of the random evaluation points",
    ),
];

struct MathEquivalence {
    opts: Options,
}

fn build(p: &Params) -> Result<Arc<dyn Reward>, String> {
    let mut extract = Vec::new();
    for name in p.strs("extract") {
        match Method::parse(&name) {
            Some(m) => extract.push(m),
            None => {
                return Err(format!(
                    "parameter `extract`: `{name}` is not one of: {}",
                    Method::NAMES.join(", ")
                ))
            }
        }
    }
    if extract.is_empty() {
        return Err("parameter `extract`: needs at least one method".into());
    }
    let rel_tol = p.f64("rel_tol");
    let policy = if p.str("policy") == "symmetric" {
        Policy::Symmetric
    } else {
        Policy::Safe
    };
    let opts = Options {
        compare: CompareOptions {
            rel_tol,
            policy,
            seed: p.i64("seed") as u64,
        },
        extract,
        tag: p.str("answer_tag").to_string(),
        ..Options::default()
    };
    Ok(Arc::new(MathEquivalence { opts }))
}

fn references(sample: &Sample) -> Result<Vec<String>, Failure> {
    let refs = sample.reference_texts();
    if refs.is_empty() || refs.iter().all(|r| r.trim().is_empty()) {
        return Err(Failure::invalid_input(
            "`reference` must be an answer string or number, a list of them, or {\"answer\": …}",
        ));
    }
    Ok(refs)
}

impl Reward for MathEquivalence {
    fn score(&self, sample: &Sample, cx: &Ctx) -> Outcome {
        let refs = references(sample)?;
        let Some(region) = crate::util::answer_region(&sample.response) else {
            return Err(Failure::no_answer(
                "the response ends inside an unclosed <think> block",
            ));
        };
        let mut last = None;
        for r in &refs {
            let res = plaudit_math::verify(r, region, &self.opts, cx.deadline);
            match res {
                Ok(v) => {
                    // As `json!` builds it, in the same key order, without regrowing the map.
                    let mut d = serde_json::Map::with_capacity(5);
                    d.insert("answer".into(), v.answer.into());
                    d.insert("method".into(), v.method.name().into());
                    d.insert("answer_normalized".into(), v.answer_form.into());
                    d.insert("reference_normalized".into(), v.reference_form.into());
                    d.insert("basis".into(), v.basis.into());
                    let details = serde_json::Value::Object(d);
                    if v.correct {
                        return Ok(Score::with_details(1.0, details));
                    }
                    last = Some(Ok(Score::with_details(0.0, details)));
                }
                Err(VerifyError::NoAnswer) => {
                    return Err(Failure::no_answer(format!(
                        "no answer found (extract: {})",
                        self.opts
                            .extract
                            .iter()
                            .map(|m| m.name())
                            .collect::<Vec<_>>()
                            .join(", ")
                    )))
                }
                Err(VerifyError::EmptyReference) => {
                    if last.is_none() {
                        last = Some(Err(Failure::invalid_input("`reference` is empty")));
                    }
                }
                Err(VerifyError::Math(MathError::Timeout)) => {
                    return Err(cx.deadline.timeout().into())
                }
                Err(VerifyError::Math(e)) => {
                    // A structural limit (length, depth, digits): the input is not one this
                    // verifier accepts, named in the message.
                    return Err(Failure::invalid_input(e.to_string()));
                }
            }
        }
        last.unwrap_or_else(|| Err(Failure::invalid_input("`reference` has no answer")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use plaudit_core::{Deadline, Status};
    use serde_json::{json, Value};
    use std::time::Duration;

    fn score(params: Value, response: &str, reference: Value) -> Outcome {
        let p = Params::from_json(PARAMS, &params, &[]).unwrap();
        let r = build(&p).unwrap();
        let d = Deadline::none();
        r.score(&Sample::new(response, reference), &Ctx::new(&d, &[]))
    }

    #[test]
    fn details_carry_answer_and_normal_forms() {
        let s = score(json!({}), "Thus $\\boxed{\\frac{2}{4}}$.", json!("0.5")).unwrap();
        assert_eq!(s.value, 1.0);
        let d = s.details.unwrap();
        assert_eq!(d["answer"], "\\frac{2}{4}");
        assert_eq!(d["method"], "boxed");
        assert_eq!(d["answer_normalized"], "1/2");
        assert_eq!(d["reference_normalized"], "1/2");
    }

    #[test]
    fn any_of_several_references_and_numbers() {
        assert_eq!(
            score(json!({}), "#### 12", json!(["11", "12"]))
                .unwrap()
                .value,
            1.0
        );
        assert_eq!(score(json!({}), "#### 12", json!(12)).unwrap().value, 1.0);
        assert_eq!(
            score(json!({}), "#### 12", json!({"answer": "13"}))
                .unwrap()
                .value,
            0.0
        );
    }

    #[test]
    fn failures_have_statuses() {
        assert_eq!(
            score(json!({}), "no idea", json!("3")).unwrap_err().status,
            Status::NoAnswer
        );
        assert_eq!(
            score(json!({}), "\\boxed{3}", json!({"x": 1}))
                .unwrap_err()
                .status,
            Status::InvalidInput
        );
        let deep = format!("\\boxed{{{}1{}}}", "{".repeat(10_000), "}".repeat(10_000));
        assert_eq!(
            score(json!({}), &deep, json!("1")).unwrap_err().status,
            Status::InvalidInput
        );
        let p = Params::from_json(PARAMS, &json!({"extract": ["boxed", "nope"]}), &[]).unwrap();
        assert!(build(&p).err().unwrap().contains("`nope` is not one of"));
    }

    #[test]
    fn deadline_is_a_timeout() {
        let p = Params::from_json(PARAMS, &json!({}), &[]).unwrap();
        let r = build(&p).unwrap();
        let d = Deadline::after(Duration::from_millis(0));
        let e = r
            .score(
                &Sample::new("\\boxed{x^2+1}", json!("(x+1)^2")),
                &Ctx::new(&d, &[]),
            )
            .unwrap_err();
        assert_eq!(e.status, Status::Timeout);
    }
}
