//! Multiple choice: 1 when the letter the response picks is the reference letter, else 0; hedging between letters earns 0.
//!
//! ## What it computes
//! The chosen letter is found, in order, in: the last `\boxed{…}`; the `<answer>` block; the text
//! after the last answer marker ("answer is", "answer:", "correct option is", "choice is"); a last
//! line that is only a letter (`B`, `(B)`, `B.`). Only letters in `choices` count, and a letter
//! must stand alone (`(B)`, `B.`, `B)`, `**B**`), not be part of a word; a lower-case letter
//! counts when it is the whole span (`<answer>b</answer>`) or in parentheses (`(b)`), never as the
//! article "a" in a sentence. `r = 1` when the letter
//! equals the reference, else `r = 0`. When the answer span names more than one distinct letter
//! ("A or C", "B, D") the response is hedging: `r = 0`, with `hedged` in the details. No letter
//! anywhere is `no_answer`. The reference is a letter (`"B"`, `"(b)"`) or `{"answer": "B"}`.
//!
//! ## Why
//! Multiple-choice data (MMLU, GPQA, science QA) is a large share of RLVR data ("Tülu 3: Pushing
//! Frontiers in Open Language Model Post-Training"; the matching reward of "Mixed-R1: Unified
//! Reward Perspective For Reasoning Capability in Multimodal Large Language Models"). A naive
//! "does the letter appear" check is hacked by listing every option; refusing hedged answers closes
//! that hole.
//!
//! ## Parameters
//! - `choices` (string; default `ABCDEFGHIJ`): the valid option letters.
//! - `answer_tag` (string; default `answer`): the tag name of the answer block.
//!
//! ## Example
//! ```json
//! {"sample": {"response": "Comparing the options, the answer is (B).", "reference": "B"}, "value": 1.0}
//! {"sample": {"response": "Reasoning…\n\\boxed{C}", "reference": "(b)"}, "value": 0.0}
//! {"sample": {"response": "Answer: A or B", "reference": "A"}, "value": 0.0}
//! {"sample": {"response": "It is a hard question.\nD", "reference": "D"}, "value": 1.0}
//! {"sample": {"response": "I am not sure.", "reference": "A"}, "status": "no_answer"}
//! ```

use std::sync::Arc;

use plaudit_core::{
    Ctx, Failure, Kind, Outcome, ParamSpec, Params, Reward, RewardInfo, Sample, Score,
};
use serde_json::json;

use crate::util::{last_boxed, tag_content};

use super::extraction::TAG_PARAM;

pub const INFO: RewardInfo = RewardInfo {
    name: "multiple_choice",
    family: "answer",
    source: include_str!("multiple_choice.rs"),
    params: PARAMS,
    build,
};

const PARAMS: &[ParamSpec] = &[
    ParamSpec::new(
        "choices",
        Kind::Str,
        "\"ABCDEFGHIJ\"",
        "valid option letters",
    ),
    TAG_PARAM,
];

struct MultipleChoice {
    choices: Vec<char>,
    tag: String,
}

fn build(p: &Params) -> Result<Arc<dyn Reward>, String> {
    let choices: Vec<char> = p
        .str("choices")
        .chars()
        .map(|c| c.to_ascii_uppercase())
        .collect();
    if choices.is_empty() || !choices.iter().all(char::is_ascii_alphabetic) {
        return Err(format!(
            "`choices` must be a non-empty string of letters, got {:?}",
            p.str("choices")
        ));
    }
    Ok(Arc::new(MultipleChoice {
        choices,
        tag: p.str("answer_tag").to_string(),
    }))
}

impl MultipleChoice {
    /// Distinct standalone choice letters in `span`, in order of appearance. Upper-case letters
    /// stand alone when not next to other letters or digits; a lower-case one only when in
    /// parentheses, `(b)`, so the article "a" is never read as a choice.
    fn letters(&self, span: &str) -> Vec<char> {
        let bare = span.trim_matches(|c: char| "()[]*.:".contains(c) || c.is_whitespace());
        let mut it = bare.chars();
        if let (Some(c), None) = (it.next(), it.next()) {
            let up = c.to_ascii_uppercase();
            return if self.choices.contains(&up) {
                vec![up]
            } else {
                Vec::new()
            };
        }
        let chars: Vec<char> = span.chars().collect();
        let mut out = Vec::new();
        for (i, &c) in chars.iter().enumerate() {
            let up = c.to_ascii_uppercase();
            if !self.choices.contains(&up) {
                continue;
            }
            let before = if i > 0 { chars[i - 1] } else { ' ' };
            let after = chars.get(i + 1).copied().unwrap_or(' ');
            if before.is_alphanumeric() || after.is_alphanumeric() || before == '\\' {
                continue;
            }
            if c.is_ascii_lowercase() && !(before == '(' && after == ')') {
                continue;
            }
            if !out.contains(&up) {
                out.push(up);
            }
        }
        out
    }

    /// The span holding the final choice.
    fn answer_span<'a>(&self, response: &'a str) -> Option<&'a str> {
        if let Some(b) = last_boxed(response) {
            return Some(b);
        }
        if let Some(t) = tag_content(response, &self.tag) {
            return Some(t);
        }
        let lower = response.to_ascii_lowercase();
        let markers = [
            "answer is",
            "answer:",
            "correct option is",
            "choice is",
            "option is",
        ];
        if let Some(end) = markers
            .iter()
            .filter_map(|m| lower.rfind(m).map(|p| p + m.len()))
            .max()
        {
            let rest = &response[end..];
            return Some(
                rest.split('\n')
                    .find(|l| !l.trim().is_empty())
                    .unwrap_or(""),
            );
        }
        let last = response.lines().map(str::trim).rfind(|l| !l.is_empty())?;
        let bare = last.trim_matches(|c: char| "()[]*.:".contains(c) || c.is_whitespace());
        (bare.chars().count() == 1).then_some(last)
    }
}

impl Reward for MultipleChoice {
    fn score(&self, sample: &Sample, _cx: &Ctx) -> Outcome {
        let reference = sample.reference_text().and_then(|r| {
            let l = self.letters(&r.trim().to_ascii_uppercase());
            (l.len() == 1).then(|| l[0])
        });
        let Some(reference) = reference else {
            return Err(Failure::invalid_input(format!(
                "`reference` must be one option letter among {}",
                self.choices.iter().collect::<String>()
            )));
        };
        let span = self.answer_span(&sample.response).unwrap_or("");
        let letters = self.letters(span);
        match letters.as_slice() {
            [] => Err(Failure::no_answer("no option letter found")),
            [one] => Ok(Score::with_details(
                f64::from(u8::from(*one == reference)),
                json!({"answer": one.to_string()}),
            )),
            many => Ok(Score::with_details(
                0.0,
                json!({"hedged": many.iter().map(|c| c.to_string()).collect::<Vec<_>>()}),
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pick(response: &str) -> Vec<char> {
        let p = Params::from_json(PARAMS, &json!({}), &[]).unwrap();
        let mc = MultipleChoice {
            choices: p.str("choices").chars().collect(),
            tag: "answer".into(),
        };
        mc.letters(mc.answer_span(response).unwrap_or(""))
    }

    #[test]
    fn extraction_forms() {
        assert_eq!(pick("The answer is **C**."), vec!['C']);
        assert_eq!(pick("<answer>(d)</answer>"), vec!['D']);
        assert_eq!(pick("\\boxed{\\text{E}}"), vec!['E']);
        assert_eq!(pick("Answer: a) because"), Vec::<char>::new());
        assert_eq!(pick("<answer> b. </answer>"), vec!['B']);
        assert_eq!(pick("The answer is a good one: (B)"), vec!['B']);
        assert_eq!(
            pick("Therefore the correct option is B, not D"),
            vec!['B', 'D']
        );
        assert_eq!(
            pick("A long line with A inside\nno answer"),
            Vec::<char>::new()
        );
    }
}
