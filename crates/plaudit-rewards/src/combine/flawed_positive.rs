//! Flawed-positive detector: 1 when a correct answer was reached without reasoning (answer-guessing, jump-in-reasoning), by simple documented heuristics; weight or gate the correctness reward with it.
//!
//! ## What it computes
//! A sample is correct when the component `correctness` is ≥ `threshold`; a wrong sample is
//! never flawed (0.0). For a correct one, the final answer is extracted (as `exact_match` does,
//! see `extract`) and the reasoning is everything the response says before it, `<think>` and
//! answer tags removed. Both are lower-cased (NFKC) and cut into tokens: runs of letters and
//! digits (a number with a decimal point or thousands separators is one token), each CJK
//! character, and each other non-space character; the words are the letter-and-digit tokens
//! (LaTeX command names such as `\frac` do not count). The enabled `checks`:
//! - `short_reasoning`: the reasoning has fewer than `min_reasoning_words` words (answer-guessing);
//! - `answer_before_derivation`: the answer's tokens first appear in the reasoning before any
//!   derivation marker (`=`, `⇒`, "therefore", "so", "because", "we get", "所以" …, see
//!   `derivation_markers`), or the reasoning has no marker at all: the answer was stated, then
//!   justified (jump-in-reasoning);
//! - `answer_not_in_reasoning`: the answer's tokens never appear in the reasoning: the reasoning
//!   does not arrive at the answer it gives.
//!
//! The value is 1.0 when the sample is correct and at least one check fires, else 0.0. The
//! details list the flaws found, the number of reasoning words and the answer. A correct sample
//! with no extractable answer is `no_answer`. These are cheap surface heuristics, not a judge:
//! they match tokens, not meaning (an answer written `1/2` is not found in a reasoning that
//! derives `0.5`), so choose the `checks` that fit the task.
//!
//! ## Why
//! "FAPO: Flawed-Aware Policy Optimization for Efficient and Reliable Reasoning" shows that
//! flawed-positive rollouts, correct answers reached by answer-guessing or jump-in-reasoning, are
//! rewarded like fully correct ones; they help early in training and then reinforce unreliable
//! reasoning. FAPO penalises them (it detects them with a generative reward model that localises
//! reasoning errors). The abstract gives neither the detector as rules nor the penalty's form:
//! these heuristics are Plaudit's documented, model-free stand-in, reported as a component so
//! that the spec chooses the penalty, for example `correct * (1 - 0.5 * flawed)`.
//!
//! ## Parameters
//! - `correctness` (component name; default `correct`): the component that says whether the
//!   answer is right.
//! - `threshold` (number; default 0.5): the correctness value at or above which a sample is correct.
//! - `checks` (list of strings; default all three): which of `short_reasoning`,
//!   `answer_before_derivation`, `answer_not_in_reasoning` to run.
//! - `min_reasoning_words` (integer; default 5): fewer reasoning words than this is
//!   `short_reasoning`.
//! - `derivation_markers` (list of strings; default `=`, `≈`, `≡`, `⇒`, `→`, `⟹`, `∴`, `\implies`,
//!   `\rightarrow`, `\to`, `\approx`, `\equiv`, therefore, thus, hence, so, because, since, then,
//!   gives, get, equals, means, and 所以, 因此, 因为, 得, 等于, 故, よって, 따라서, donc, daher,
//!   por lo tanto, portanto, поэтому, значит): tokens (or token sequences) that mark a derivation
//!   step, matched as whole tokens.
//! - `extract` (auto | answer_tag | boxed | marker | last_line | none; default `auto`): where the
//!   answer is, as in `exact_match`.
//! - `answer_tag` (string; default `answer`): the tag name of the answer block.
//!
//! ## Example
//! ```json
//! {"components": {"correct": 1.0}, "sample": {"response": "<think>In April she sold 48. In May half as many: 48 / 2 = 24. Altogether 48 + 24 = 72.</think><answer>72</answer>"}, "value": 0.0}
//! {"components": {"correct": 0.0}, "sample": {"response": "<answer>96</answer>"}, "value": 0.0}
//! {"components": {"correct": 1.0}, "sample": {"response": "<answer>72</answer>"}, "value": 1.0}
//! {"components": {"correct": 1.0}, "sample": {"response": "72"}, "value": 1.0}
//! {"components": {"correct": 1.0}, "sample": {"response": "<think>It is 72. Check: 48 + 24 = 72.</think><answer>72</answer>"}, "value": 1.0}
//! {"components": {"correct": 1.0}, "sample": {"response": "<think>48 + 24 = 96, so it must be 96 clips in all.</think><answer>72</answer>"}, "value": 1.0}
//! {"components": {"correct": 1.0}, "sample": {"response": "First 48 / 2 = 24, then 48 + 24 = 72. The answer is 72."}, "value": 0.0}
//! {"components": {"correct": 1.0}, "sample": {"response": "Half of 48 is 24 and the total is 72.5 - 0.5 = 72, so \\boxed{72}"}, "value": 0.0}
//! {"components": {"correct": 1.0}, "sample": {"response": "Adding the two months gives one hundred and twenty. \\boxed{120}"}, "value": 1.0}
//! {"params": {"checks": ["short_reasoning"]}, "components": {"correct": 1.0}, "sample": {"response": "Adding the two months gives one hundred and twenty. \\boxed{120}"}, "value": 0.0}
//! {"params": {"checks": ["short_reasoning"], "min_reasoning_words": 20}, "components": {"correct": 1.0}, "sample": {"response": "<think>48 / 2 = 24; 48 + 24 = 72</think><answer>72</answer>"}, "value": 1.0}
//! {"params": {"threshold": 1.0}, "components": {"correct": 0.9}, "sample": {"response": "72"}, "value": 0.0}
//! {"components": {"correct": 1.0}, "sample": {"response": "<think>答案是 72，因为 48 加 24 等于 72</think><answer>72</answer>"}, "value": 1.0}
//! {"components": {"correct": 1.0}, "sample": {"response": "<think>48 加 24 等于 72，所以答案是 72。</think><answer>72</answer>"}, "value": 0.0}
//! {"components": {"correct": 1.0}, "sample": {"response": "<think>48 + 24 = 72 and that is all</think>"}, "status": "no_answer"}
//! ```

use std::sync::Arc;

use plaudit_core::{
    Ctx, Failure, Kind, Outcome, ParamSpec, Params, Reward, RewardInfo, Sample, Score,
};
use serde_json::json;

use crate::answer::extraction::EXTRACT_PARAM;
use crate::util::{extract_answer, normalize_basic};

pub const INFO: RewardInfo = RewardInfo {
    name: "flawed_positive",
    family: "combine",
    source: include_str!("flawed_positive.rs"),
    params: PARAMS,
    build,
};

const CHECKS: &[&str] = &[
    "short_reasoning",
    "answer_before_derivation",
    "answer_not_in_reasoning",
];

const PARAMS: &[ParamSpec] = &[
    ParamSpec::new(
        "correctness",
        Kind::Component,
        "\"correct\"",
        "component that says whether the answer is right",
    ),
    ParamSpec::new(
        "threshold",
        Kind::Float,
        "0.5",
        "correctness value counted as correct",
    ),
    ParamSpec::new(
        "checks",
        Kind::StrList,
        "[\"short_reasoning\", \"answer_before_derivation\", \"answer_not_in_reasoning\"]",
        "which flaw heuristics run",
    ),
    ParamSpec::new(
        "min_reasoning_words",
        Kind::Int,
        "5",
        "fewer reasoning words is `short_reasoning`",
    )
    .min(0.0),
    ParamSpec::new(
        "derivation_markers",
        Kind::StrList,
        r#"["=", "≈", "≡", "⇒", "→", "⟹", "∴", "\\implies", "\\rightarrow", "\\to", "\\approx", "\\equiv", "therefore", "thus", "hence", "so", "because", "since", "then", "gives", "get", "equals", "means", "所以", "因此", "因为", "得", "等于", "故", "よって", "따라서", "donc", "daher", "por lo tanto", "portanto", "поэтому", "значит"]"#,
        "tokens that mark a derivation step",
    ),
    EXTRACT_PARAM,
    ParamSpec::new(
        "answer_tag",
        Kind::Str,
        "\"answer\"",
        "tag name of the answer block",
    ),
];

struct FlawedPositive {
    correctness: (usize, String),
    threshold: f64,
    checks: Vec<String>,
    min_words: usize,
    /// Each marker's token string (see [`joined`]).
    markers: Vec<String>,
    extract: String,
    tag: String,
}

fn build(p: &Params) -> Result<Arc<dyn Reward>, String> {
    let Some(correctness) = p.component("correctness") else {
        return Err(
            "`correctness` must name the component that says whether the answer is right".into(),
        );
    };
    let checks = p.strs("checks");
    if checks.is_empty() {
        return Err("`checks` is empty: no flaw would ever be detected".into());
    }
    for c in &checks {
        if !CHECKS.contains(&c.as_str()) {
            return Err(format!(
                "`checks`: `{c}` is not one of: {}",
                CHECKS.join(", ")
            ));
        }
    }
    let mut markers = Vec::new();
    for m in p.strs("derivation_markers") {
        let norm = normalize_basic(&m, false);
        let t = tokens(&norm);
        if t.is_empty() {
            return Err(format!("`derivation_markers`: `{m}` is blank"));
        }
        markers.push(joined(&t));
    }
    Ok(Arc::new(FlawedPositive {
        correctness,
        threshold: p.f64("threshold"),
        checks,
        min_words: p.usize("min_reasoning_words")?,
        markers,
        extract: p.str("extract").to_string(),
        tag: p.str("answer_tag").to_string(),
    }))
}

/// One token of a text, and whether it counts as a word.
#[derive(Debug, PartialEq)]
struct Token<'a> {
    text: &'a str,
    word: bool,
}

fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x3040..=0x30FF      // Hiragana, Katakana
        | 0x3400..=0x4DBF    // CJK Extension A
        | 0x4E00..=0x9FFF    // CJK Unified Ideographs
        | 0xAC00..=0xD7AF    // Hangul syllables
        | 0xF900..=0xFAFF    // CJK Compatibility Ideographs
        | 0x20000..=0x2FFFF) // CJK Extensions B…
}

/// Tokens: runs of letters and digits (a digit run may continue over `.` or `,` followed by a
/// digit), each CJK character alone, each other non-space, non-control character alone.
/// A run right after a backslash (a LaTeX command name) is not a word.
fn tokens(text: &str) -> Vec<Token<'_>> {
    let mut out = Vec::new();
    let mut run: Option<usize> = None;
    let mut chars = text.char_indices().peekable();
    let mut prev: Option<char> = None;
    let mut run_after_backslash = false;
    fn close<'a>(
        text: &'a str,
        out: &mut Vec<Token<'a>>,
        run: &mut Option<usize>,
        end: usize,
        word: bool,
    ) {
        if let Some(s) = run.take() {
            out.push(Token {
                text: &text[s..end],
                word,
            });
        }
    }
    while let Some((i, c)) = chars.next() {
        let next = chars.peek().map(|&(_, n)| n);
        if c.is_alphanumeric() && !is_cjk(c) {
            if run.is_none() {
                run = Some(i);
                run_after_backslash = prev == Some('\\');
            }
        } else if run.is_some()
            && matches!(c, '.' | ',')
            && prev.is_some_and(|p| p.is_ascii_digit())
            && next.is_some_and(|n| n.is_ascii_digit())
        {
            // 12.5 and 1,000 stay one token.
        } else {
            close(text, &mut out, &mut run, i, !run_after_backslash);
            if !c.is_whitespace() && !c.is_control() {
                out.push(Token {
                    text: &text[i..i + c.len_utf8()],
                    word: is_cjk(c),
                });
            }
        }
        prev = Some(c);
    }
    close(text, &mut out, &mut run, text.len(), !run_after_backslash);
    out
}

/// Tokens joined with a separator on both sides, so that a substring search of one joined
/// sequence in another matches whole tokens only.
fn joined(tokens: &[Token]) -> String {
    let mut s = String::from("\u{1}");
    for t in tokens {
        s.push_str(t.text);
        s.push('\u{1}');
    }
    s
}

/// The byte offset of `answer` in `response` when it is a subslice of it.
fn offset_in(response: &str, answer: &str) -> Option<usize> {
    let off = (answer.as_ptr() as usize).checked_sub(response.as_ptr() as usize)?;
    (off + answer.len() <= response.len()).then_some(off)
}

impl Reward for FlawedPositive {
    fn score(&self, sample: &Sample, cx: &Ctx) -> Outcome {
        let (idx, name) = &self.correctness;
        let correct = cx.component(*idx, name)?;
        if correct < self.threshold {
            return Ok(Score::with_details(
                0.0,
                json!({"correct": false, "flawed": false}),
            ));
        }
        let response = sample.response.as_str();
        let Some(answer) = extract_answer(response, &self.extract, &self.tag) else {
            return Err(Failure::no_answer(format!(
                "`{name}` says the sample is correct, but no answer could be extracted (extract: {}) to check how it was reached",
                self.extract
            )));
        };
        let before = offset_in(response, answer)
            .and_then(|o| response.get(..o))
            .unwrap_or("");
        let mut reasoning = before.replace("<think>", " ").replace("</think>", " ");
        if !self.tag.is_empty() {
            reasoning = reasoning
                .replace(&format!("<{}>", self.tag), " ")
                .replace(&format!("</{}>", self.tag), " ");
        }
        let reasoning = normalize_basic(&reasoning, false);
        let r_tokens = tokens(&reasoning);
        let words = r_tokens.iter().filter(|t| t.word).count();
        let hay = joined(&r_tokens);
        let answer_norm = normalize_basic(answer, false);
        let a_tokens = tokens(&answer_norm);
        cx.deadline.check()?;
        let answer_at = if a_tokens.is_empty() {
            None
        } else {
            hay.find(&joined(&a_tokens))
        };
        let first_marker = self.markers.iter().filter_map(|m| hay.find(m)).min();
        cx.deadline.check()?;

        let mut flaws = Vec::new();
        for check in &self.checks {
            let fired = match check.as_str() {
                "short_reasoning" => words < self.min_words,
                "answer_before_derivation" => match (answer_at, first_marker) {
                    (Some(a), Some(m)) => a < m,
                    (Some(_), None) => true,
                    (None, _) => false,
                },
                _ => answer_at.is_none(),
            };
            if fired {
                flaws.push(check.as_str());
            }
        }
        let flawed = !flaws.is_empty();
        let shown: String = answer.chars().take(80).collect();
        Ok(Score::with_details(
            if flawed { 1.0 } else { 0.0 },
            json!({"correct": true, "flawed": flawed, "flaws": flaws, "reasoning_words": words, "answer": shown}),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use plaudit_core::Deadline;

    fn texts(s: &str) -> Vec<(&str, bool)> {
        tokens(s).into_iter().map(|t| (t.text, t.word)).collect()
    }

    #[test]
    fn tokenises_numbers_latex_and_cjk() {
        assert_eq!(
            texts("x=12.5, 1,000 and 3."),
            vec![
                ("x", true),
                ("=", false),
                ("12.5", true),
                (",", false),
                ("1,000", true),
                ("and", true),
                ("3", true),
                (".", false)
            ]
        );
        assert_eq!(
            texts("\\frac{1}{2}"),
            vec![
                ("\\", false),
                ("frac", false),
                ("{", false),
                ("1", true),
                ("}", false),
                ("{", false),
                ("2", true),
                ("}", false)
            ]
        );
        assert_eq!(
            texts("答案是72"),
            vec![("答", true), ("案", true), ("是", true), ("72", true)]
        );
        assert!(tokens(" \u{1}\t\n").is_empty());
    }

    #[test]
    fn whole_tokens_only() {
        let hay = joined(&tokens("the total is 120 or 12.5"));
        assert!(hay.find(&joined(&tokens("12"))).is_none());
        assert!(hay.find(&joined(&tokens("120"))).is_some());
        assert!(hay.find(&joined(&tokens("is  120"))).is_some());
    }

    #[test]
    fn details_name_the_flaws() {
        let p = Params::from_json(PARAMS, &json!({}), &["correct"]).unwrap();
        let r = build(&p).unwrap();
        let d = Deadline::none();
        let values = [Some(1.0)];
        let s = Sample::new("<think>It is 72.</think><answer>72</answer>", "72");
        let got = r.score(&s, &Ctx::new(&d, &values)).unwrap();
        assert_eq!(got.value, 1.0);
        assert_eq!(
            got.details.unwrap(),
            json!({"correct": true, "flawed": true, "flaws": ["short_reasoning", "answer_before_derivation"], "reasoning_words": 3, "answer": "72"})
        );
    }

    #[test]
    fn bad_checks_are_refused() {
        for (params, msg) in [
            (
                json!({"checks": ["short"]}),
                "`checks`: `short` is not one of: short_reasoning, answer_before_derivation, answer_not_in_reasoning",
            ),
            (
                json!({"checks": []}),
                "`checks` is empty: no flaw would ever be detected",
            ),
            (
                json!({"derivation_markers": [" "]}),
                "`derivation_markers`: ` ` is blank",
            ),
            (
                json!({"min_reasoning_words": -1}),
                "parameter `min_reasoning_words` must be ≥ 0, got -1",
            ),
        ] {
            assert_eq!(crate::spec_error(&INFO, params, &["correct"]), msg);
        }
    }
}
