//! Tag count: partial format credit, 1/(2k) for each of the 2k opening and closing tags of k tags that appears exactly once.
//!
//! ## What it computes
//! For tags t₁…t_k (default `think`, `answer`), each opening and each closing tag pattern that occurs
//! exactly once in the response earns 1/(2k); the reward is their sum, in [0, 1]. With `newlines:
//! true` (the default) the patterns include the surrounding newlines exactly as open-r1's
//! `tag_count_reward` counts them: `<t₁>\n` for the first opening tag, `\n<tᵢ>\n` for the others,
//! `\n</tᵢ>\n` for every closing tag but the last, `\n</t_k>` for the last. With the default tags this
//! equals open-r1's reward (0.25 per pattern).
//!
//! ## Why
//! A binary format reward gives no signal until the whole structure is right; early in training a
//! model may produce none of it. Counting the tags gives partial credit that leads toward the full
//! format (open-r1's reproduction of "DeepSeek-R1: Incentivizing Reasoning Capability in LLMs via
//! Reinforcement Learning"). Requiring *exactly one* of each keeps a policy from farming credit by
//! repeating tags.
//!
//! ## Parameters
//! - `tags` (list of strings; default `["think", "answer"]`): the tag names, in order.
//! - `newlines` (boolean; default true): count open-r1's newline-delimited patterns; false counts
//!   the bare `<t>` and `</t>`.
//!
//! ## Example
//! ```json
//! {"sample": {"response": "<think>\nx\n</think>\n<answer>\n4\n</answer>"}, "value": 1.0}
//! {"sample": {"response": "<think>\nx\n</think>\nThe answer is 4."}, "value": 0.5}
//! {"sample": {"response": "<think>x</think><answer>4</answer>"}, "value": 0.0}
//! {"params": {"newlines": false}, "sample": {"response": "<think>x</think><answer>4</answer><answer>5</answer>"}, "value": 0.5}
//! ```

use std::sync::Arc;

use plaudit_core::{Ctx, Kind, Outcome, ParamSpec, Params, Reward, RewardInfo, Sample, Score};

pub const INFO: RewardInfo = RewardInfo {
    name: "tag_count",
    family: "format",
    source: include_str!("tag_count.rs"),
    params: PARAMS,
    build,
};

const PARAMS: &[ParamSpec] = &[
    ParamSpec::new(
        "tags",
        Kind::StrList,
        "[\"think\", \"answer\"]",
        "tag names, in order",
    ),
    ParamSpec::new(
        "newlines",
        Kind::Bool,
        "true",
        "count open-r1's newline-delimited patterns",
    ),
];

struct TagCount {
    patterns: Vec<String>,
}

fn build(p: &Params) -> Result<Arc<dyn Reward>, String> {
    let tags = p.strs("tags");
    if tags.is_empty() {
        return Err("`tags` must name at least one tag".into());
    }
    let nl = p.bool("newlines");
    let k = tags.len();
    let mut patterns = Vec::with_capacity(2 * k);
    for (i, t) in tags.iter().enumerate() {
        if !nl {
            patterns.push(format!("<{t}>"));
            patterns.push(format!("</{t}>"));
            continue;
        }
        patterns.push(if i == 0 {
            format!("<{t}>\n")
        } else {
            format!("\n<{t}>\n")
        });
        patterns.push(if i + 1 == k {
            format!("\n</{t}>")
        } else {
            format!("\n</{t}>\n")
        });
    }
    Ok(Arc::new(TagCount { patterns }))
}

impl Reward for TagCount {
    fn score(&self, sample: &Sample, _cx: &Ctx) -> Outcome {
        let per = 1.0 / self.patterns.len() as f64;
        let hits = self
            .patterns
            .iter()
            .filter(|p| sample.response.matches(p.as_str()).take(2).count() == 1)
            .count();
        Ok(Score::new(hits as f64 * per))
    }
}
