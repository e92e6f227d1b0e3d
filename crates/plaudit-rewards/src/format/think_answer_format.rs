//! Think/answer format: 1 when the response is one `<think>…</think>` block followed by one `<answer>…</answer>` block, else 0.
//!
//! ## What it computes
//! The response (surrounding whitespace ignored) must be exactly: `<think>`, non-empty reasoning,
//! `</think>`, optional whitespace, `<answer>`, a non-empty answer, `</answer>`, with each tag
//! appearing once and nothing else outside the blocks. `r = 1` if so, else `r = 0`, and the
//! result's details say which rule failed. Tag names are parameters; with `answer_tag: ""` the
//! answer is the non-empty text after `</think>` (DeepSeek-R1's template). With
//! `think_opened_in_prompt: true` the response starts inside the think block (chat templates that
//! put `<think>` in the prompt), so no opening tag is expected. `strict_newlines` requires the
//! exact layout of open-r1's `format_reward` regex
//! `^<think>\n.*?\n</think>\n<answer>\n.*?\n</answer>$`, and non-empty blocks still (the
//! regex alone pays for `<think>\n\n</think>`). A block is empty when it shows nothing:
//! whitespace, invisible characters (zero-width spaces and joiners, the byte-order mark, soft
//! hyphens, control and other format characters, unassigned code points, Hangul fillers, …) and
//! combining marks with no letter to sit on do not count as reasoning or as an answer.
//!
//! ## Why
//! "DeepSeek-R1: Incentivizing Reasoning Capability in LLMs via Reinforcement Learning" trains with
//! a format reward that makes the model put its reasoning between think tags and its answer after
//! them, so the answer can be extracted and verified. Unlike a bare regex, this check refuses
//! repeated or nested tags and empty blocks, two easy ways for a policy to collect format reward
//! without the structure.
//!
//! ## Parameters
//! - `think_tag` (string; default `think`): name of the reasoning tag.
//! - `answer_tag` (string; default `answer`): name of the answer tag; `""` for a bare answer
//!   after the reasoning.
//! - `think_opened_in_prompt` (boolean; default false): the opening think tag is in the prompt.
//! - `strict_newlines` (boolean; default false): require each tag on its own line exactly as in
//!   open-r1's regex.
//!
//! ## Example
//! ```json
//! {"sample": {"response": "<think>2 + 2 = 4</think>\n<answer>4</answer>"}, "value": 1.0}
//! {"sample": {"response": "<think>2 + 2 = 4</think> so <answer>4</answer>"}, "value": 0.0}
//! {"sample": {"response": "<think></think><answer>4</answer>"}, "value": 0.0}
//! {"sample": {"response": "<think>a</think><think>b</think><answer>4</answer>"}, "value": 0.0}
//! {"params": {"answer_tag": "", "think_opened_in_prompt": true}, "sample": {"response": "2 + 2 = 4</think>\nThe answer is 4."}, "value": 1.0}
//! {"params": {"strict_newlines": true}, "sample": {"response": "<think>\nx\n</think>\n<answer>\n4\n</answer>"}, "value": 1.0}
//! {"params": {"strict_newlines": true}, "sample": {"response": "<think>x</think><answer>4</answer>"}, "value": 0.0}
//! {"params": {"strict_newlines": true}, "sample": {"response": "<think>\n\n</think>\n<answer>\n\n</answer>"}, "value": 0.0}
//! {"sample": {"response": "<think>2 + 2 = 4</think>\n<answer>\u0001</answer>"}, "value": 0.0}
//! {"sample": {"response": "<think>2 + 2 = 4</think>\n<answer>\u200b</answer>"}, "value": 0.0}
//! ```

use std::sync::Arc;

use plaudit_core::{Ctx, Kind, Outcome, ParamSpec, Params, Reward, RewardInfo, Sample, Score};
use serde_json::json;

use crate::util::is_blank;

pub const INFO: RewardInfo = RewardInfo {
    name: "think_answer_format",
    family: "format",
    source: include_str!("think_answer_format.rs"),
    params: PARAMS,
    build,
};

const PARAMS: &[ParamSpec] = &[
    ParamSpec::new("think_tag", Kind::Str, "\"think\"", "reasoning tag name"),
    ParamSpec::new(
        "answer_tag",
        Kind::Str,
        "\"answer\"",
        "answer tag name; \"\" for a bare answer",
    ),
    ParamSpec::new(
        "think_opened_in_prompt",
        Kind::Bool,
        "false",
        "the prompt opened the think block",
    ),
    ParamSpec::new(
        "strict_newlines",
        Kind::Bool,
        "false",
        "open-r1's exact newline layout",
    ),
];

struct ThinkAnswer {
    think_open: String,
    think_close: String,
    answer: Option<(String, String)>,
    opened_in_prompt: bool,
    strict: bool,
}

fn valid_tag(t: &str) -> bool {
    !t.is_empty()
        && t.chars()
            .all(|c| c.is_alphanumeric() || c == '_' || c == '-' || c == ':')
}

fn build(p: &Params) -> Result<Arc<dyn Reward>, String> {
    let think = p.str("think_tag");
    let answer = p.str("answer_tag");
    if !valid_tag(think) {
        return Err(format!(
            "`think_tag` must be a non-empty tag name, got {think:?}"
        ));
    }
    if !answer.is_empty() && !valid_tag(answer) {
        return Err(format!(
            "`answer_tag` must be a tag name or \"\", got {answer:?}"
        ));
    }
    if answer == think {
        return Err("`answer_tag` must differ from `think_tag`".into());
    }
    Ok(Arc::new(ThinkAnswer {
        think_open: format!("<{think}>"),
        think_close: format!("</{think}>"),
        answer: (!answer.is_empty()).then(|| (format!("<{answer}>"), format!("</{answer}>"))),
        opened_in_prompt: p.bool("think_opened_in_prompt"),
        strict: p.bool("strict_newlines"),
    }))
}

impl ThinkAnswer {
    /// `Ok(())` when the structure holds, else the rule that failed.
    fn check(&self, response: &str) -> Result<(), String> {
        let s = if self.strict {
            response
        } else {
            response.trim()
        };
        let count = |t: &str| s.matches(t).count();
        let want_open = usize::from(!self.opened_in_prompt);
        if count(&self.think_open) != want_open {
            return Err(format!(
                "expected {want_open} `{}`, found {}",
                self.think_open,
                count(&self.think_open)
            ));
        }
        if count(&self.think_close) != 1 {
            return Err(format!(
                "expected one `{}`, found {}",
                self.think_close,
                count(&self.think_close)
            ));
        }
        let body = if self.opened_in_prompt {
            s
        } else {
            s.strip_prefix(self.think_open.as_str())
                .ok_or_else(|| format!("the response must start with `{}`", self.think_open))?
        };
        let (reasoning, rest) = body
            .split_once(self.think_close.as_str())
            .unwrap_or((body, ""));
        if is_blank(reasoning) {
            return Err("the reasoning block is empty".into());
        }
        if self.strict
            && !(reasoning.len() >= 2 && reasoning.starts_with('\n') && reasoning.ends_with('\n'))
        {
            return Err("the reasoning must sit on its own lines between the think tags".into());
        }
        match &self.answer {
            None => {
                if is_blank(rest) {
                    return Err("no answer after the reasoning".into());
                }
                Ok(())
            }
            Some((open, close)) => {
                if count(open) != 1 || count(close) != 1 {
                    return Err(format!("expected one `{open}` and one `{close}`"));
                }
                let after = if self.strict {
                    rest.strip_prefix('\n')
                        .ok_or("expected a newline after the reasoning block")?
                } else {
                    rest.trim_start()
                };
                let inner = after
                    .strip_prefix(open.as_str())
                    .ok_or_else(|| format!("expected `{open}` right after the reasoning block"))?;
                let inner = inner
                    .strip_suffix(close.as_str())
                    .ok_or_else(|| format!("expected nothing after `{close}`"))?;
                if is_blank(inner) {
                    return Err("the answer block is empty".into());
                }
                if self.strict
                    && !(inner.len() >= 2 && inner.starts_with('\n') && inner.ends_with('\n'))
                {
                    return Err(
                        "the answer must sit on its own lines between the answer tags".into(),
                    );
                }
                Ok(())
            }
        }
    }
}

impl Reward for ThinkAnswer {
    fn score(&self, sample: &Sample, _cx: &Ctx) -> Outcome {
        Ok(match self.check(&sample.response) {
            Ok(()) => Score::new(1.0),
            Err(reason) => Score::with_details(0.0, json!({ "reason": reason })),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reason(params: serde_json::Value, response: &str) -> Option<String> {
        let p = Params::from_json(PARAMS, &params, &[]).unwrap();
        let r = build(&p).unwrap();
        let d = plaudit_core::Deadline::none();
        let s = r
            .score(
                &Sample::new(response, serde_json::Value::Null),
                &Ctx::new(&d, &[]),
            )
            .unwrap();
        s.details.map(|d| d["reason"].as_str().unwrap().to_string())
    }

    #[test]
    fn reasons_name_the_broken_rule() {
        let p = json!({});
        assert_eq!(
            reason(p.clone(), " <think>x</think><answer>4</answer>\n"),
            None
        );
        assert_eq!(
            reason(p.clone(), "<answer>4</answer>").as_deref(),
            Some("expected 1 `<think>`, found 0")
        );
        assert_eq!(
            reason(p.clone(), "<think>x</think><answer>4</answer> trailing").as_deref(),
            Some("expected nothing after `</answer>`")
        );
        assert_eq!(
            reason(p.clone(), "<think>x</think><answer> </answer>").as_deref(),
            Some("the answer block is empty")
        );
        assert_eq!(
            reason(p, "pre <think>x</think><answer>4</answer>").as_deref(),
            Some("the response must start with `<think>`")
        );
    }

    #[test]
    fn custom_tags() {
        let p = json!({"think_tag": "reasoning", "answer_tag": "final"});
        assert_eq!(reason(p, "<reasoning>r</reasoning><final>f</final>"), None);
        let bad = Params::from_json(PARAMS, &json!({"think_tag": "a b"}), &[]).unwrap();
        assert!(build(&bad).is_err());
    }
}
