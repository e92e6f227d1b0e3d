//! Regex match: 1 when the response matches a regular expression, else 0.
//!
//! ## What it computes
//! `r = 1` if `pattern` matches the response (the whole response under `mode: full`, anywhere under
//! `mode: search`), else `r = 0`. With `count: true` it instead gives the number of non-overlapping
//! matches, capped at `max_count` and divided by it (partial credit in [0, 1]).
//!
//! ## Why
//! Format rewards are the cheapest verifiable signal: "DeepSeek-R1: Incentivizing Reasoning
//! Capability in LLMs via Reinforcement Learning" rewards the required output structure, and most
//! GRPO recipes add a regex check. Rust's `regex` engine runs in time linear in the input for every
//! pattern, so unlike Python's backtracking `re`, no pattern/response pair can hang a training step.
//!
//! ## Parameters
//! - `pattern` (string; required): the regular expression (Rust `regex` syntax: no look-around or
//!   back-references).
//! - `mode` (full | search; default `full`): match the whole response, or find the pattern anywhere.
//! - `dotall` (boolean; default true): `.` also matches newlines.
//! - `multiline` (boolean; default false): `^` and `$` match at line boundaries.
//! - `case_insensitive` (boolean; default false).
//! - `count` (boolean; default false): score the number of matches instead of a 0/1 verdict.
//! - `max_count` (integer; default 1): with `count`, the number of matches that earns 1.0.
//!
//! ## Example
//! ```json
//! {"params": {"pattern": "<think>.*?</think>\\s*<answer>.*?</answer>"}, "sample": {"response": "<think>2+2</think>\n<answer>4</answer>"}, "value": 1.0}
//! {"params": {"pattern": "<answer>.*?</answer>"}, "sample": {"response": "text <answer>4</answer>"}, "value": 0.0}
//! {"params": {"pattern": "<answer>.*?</answer>", "mode": "search"}, "sample": {"response": "text <answer>4</answer>"}, "value": 1.0}
//! {"params": {"pattern": "\\bstep \\d+", "count": true, "max_count": 4, "case_insensitive": true}, "sample": {"response": "Step 1 … step 2 … STEP 3"}, "value": 0.75}
//! ```

use std::sync::Arc;

use plaudit_core::{Ctx, Kind, Outcome, ParamSpec, Params, Reward, RewardInfo, Sample, Score};
use regex::{Regex, RegexBuilder};

pub const INFO: RewardInfo = RewardInfo {
    name: "regex_match",
    family: "format",
    source: include_str!("regex_match.rs"),
    params: PARAMS,
    build,
};

const PARAMS: &[ParamSpec] = &[
    ParamSpec::required("pattern", Kind::Str, "the regular expression"),
    ParamSpec::new(
        "mode",
        Kind::Enum(&["full", "search"]),
        "\"full\"",
        "whole response or anywhere",
    ),
    ParamSpec::new("dotall", Kind::Bool, "true", "`.` matches newlines"),
    ParamSpec::new(
        "multiline",
        Kind::Bool,
        "false",
        "`^`/`$` match at line boundaries",
    ),
    ParamSpec::new("case_insensitive", Kind::Bool, "false", "ignore case"),
    ParamSpec::new("count", Kind::Bool, "false", "score the number of matches"),
    ParamSpec::new(
        "max_count",
        Kind::Int,
        "1",
        "matches that earn 1.0 under `count`",
    )
    .min(1.0),
];

struct RegexMatch {
    re: Regex,
    count: bool,
    max_count: usize,
}

fn build(p: &Params) -> Result<Arc<dyn Reward>, String> {
    let pattern = p.str("pattern");
    let full = p.str("mode") == "full" && !p.bool("count");
    let src = if full {
        format!(r"\A(?:{pattern})\z")
    } else {
        pattern.to_string()
    };
    let re = RegexBuilder::new(&src)
        .dot_matches_new_line(p.bool("dotall"))
        .multi_line(p.bool("multiline"))
        .case_insensitive(p.bool("case_insensitive"))
        .size_limit(1 << 22)
        .build()
        .map_err(|e| format!("`pattern` is not a valid regular expression: {e}"))?;
    let max_count = p.usize("max_count")?;
    Ok(Arc::new(RegexMatch {
        re,
        count: p.bool("count"),
        max_count,
    }))
}

impl Reward for RegexMatch {
    fn score(&self, sample: &Sample, _cx: &Ctx) -> Outcome {
        if self.count {
            let n = self
                .re
                .find_iter(&sample.response)
                .take(self.max_count)
                .count();
            Ok(Score::new(n as f64 / self.max_count as f64))
        } else {
            Ok(Score::new(f64::from(u8::from(
                self.re.is_match(&sample.response),
            ))))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn invalid_pattern_is_a_spec_error() {
        let p = Params::from_json(PARAMS, &json!({"pattern": "(unclosed"}), &[]).unwrap();
        let e = build(&p).err().unwrap();
        assert!(
            e.starts_with("`pattern` is not a valid regular expression"),
            "{e}"
        );
    }

    #[test]
    fn pathological_pattern_is_linear() {
        // (a+)+$ on "aaaa…!" takes exponential time in a backtracking engine.
        let p = Params::from_json(PARAMS, &json!({"pattern": "(a+)+$", "mode": "search"}), &[])
            .unwrap();
        let r = build(&p).unwrap();
        let s = Sample::new(format!("{}!", "a".repeat(100_000)), json!(null));
        // A backtracking engine would need 2^100000 steps and meet this deadline (`timeout`, an
        // `Err`); a linear one answers.
        let d = plaudit_core::Deadline::after(std::time::Duration::from_secs(60));
        assert_eq!(r.score(&s, &Ctx::new(&d, &[])).unwrap().value, 0.0);
    }
}
