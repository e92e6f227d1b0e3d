//! Reasoning-pattern reward (RPR): credit for key reasoning phrases such as "first, I need to", capped.
//!
//! ## What it computes
//! Counts occurrences of the phrases in `phrases` (case-insensitive, whole words only, so "wait"
//! does not match "awaited"), within the `within_tag` block if one is given (e.g. `think`). With
//! `distinct: true` (the default) each phrase counts at most once. The reward is
//! `min(count, cap) / cap`, in [0, 1].
//!
//! ## Why
//! "The Climb Carves Wisdom Deeper Than the Summit: On the Noisy Rewards in Learning to Reason"
//! finds that rewarding only the appearance of key reasoning phrases, without checking the answer,
//! reaches downstream accuracy close to training with verified rewards, and that this reasoning
//! pattern reward (RPR) helps calibrate noisy reward models by mitigating their false negatives.
//! The abstract names the idea and one phrase; the phrase list, the distinct counting and the cap
//! are Plaudit's documented choices (the cap stops a policy from farming the reward by repetition).
//!
//! ## Parameters
//! - `phrases` (list of strings; default `["first, i need to", "let me", "wait", "let's verify",
//!   "double-check", "alternatively", "therefore", "step by step"]`): the key phrases.
//! - `cap` (integer; default 3): the count that earns 1.0.
//! - `distinct` (boolean; default true): count each phrase once.
//! - `within_tag` (string; default `""`): count only inside the last `<tag>…</tag>` block; `""`
//!   counts in the whole response.
//!
//! ## Example
//! ```json
//! {"sample": {"response": "First, I need to find x. Wait, let me check: x = 2. Therefore x = 2."}, "value": 1.0}
//! {"sample": {"response": "Wait... wait. WAIT. It is 4."}, "value": 0.3333333333333333}
//! {"params": {"distinct": false}, "sample": {"response": "Wait... wait. WAIT. It is 4."}, "value": 1.0}
//! {"sample": {"response": "The awaited answer is 4."}, "value": 0.0}
//! {"params": {"within_tag": "think"}, "sample": {"response": "<think>Let me see.</think> Therefore 4, wait."}, "value": 0.3333333333333333}
//! ```

use std::sync::Arc;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use plaudit_core::{Ctx, Kind, Outcome, ParamSpec, Params, Reward, RewardInfo, Sample, Score};

use crate::util::tag_content;

pub const INFO: RewardInfo = RewardInfo {
    name: "reasoning_phrases",
    family: "text",
    source: include_str!("reasoning_phrases.rs"),
    params: PARAMS,
    build,
};

const PARAMS: &[ParamSpec] = &[
    ParamSpec::new(
        "phrases",
        Kind::StrList,
        r#"["first, i need to", "let me", "wait", "let's verify", "double-check", "alternatively", "therefore", "step by step"]"#,
        "the key phrases",
    ),
    ParamSpec::new("cap", Kind::Int, "3", "count that earns 1.0").min(1.0),
    ParamSpec::new("distinct", Kind::Bool, "true", "count each phrase once"),
    ParamSpec::new(
        "within_tag",
        Kind::Str,
        "\"\"",
        "count only inside this tag's block",
    ),
];

struct Phrases {
    ac: AhoCorasick,
    n: usize,
    cap: usize,
    distinct: bool,
    tag: String,
}

fn build(p: &Params) -> Result<Arc<dyn Reward>, String> {
    let phrases: Vec<String> = p
        .strs("phrases")
        .into_iter()
        .filter(|s| !s.trim().is_empty())
        .collect();
    if phrases.is_empty() {
        return Err("`phrases` must hold at least one non-empty phrase".into());
    }
    let cap = p.usize("cap")?;
    let ac = AhoCorasickBuilder::new()
        .ascii_case_insensitive(true)
        .match_kind(MatchKind::LeftmostLongest)
        .build(&phrases)
        .map_err(|e| format!("`phrases`: {e}"))?;
    Ok(Arc::new(Phrases {
        ac,
        n: phrases.len(),
        cap,
        distinct: p.bool("distinct"),
        tag: p.str("within_tag").to_string(),
    }))
}

fn is_word(c: Option<char>) -> bool {
    c.is_some_and(|c| c.is_alphanumeric() || c == '_')
}

impl Reward for Phrases {
    fn score(&self, sample: &Sample, _cx: &Ctx) -> Outcome {
        let text = if self.tag.is_empty() {
            sample.response.as_str()
        } else {
            tag_content(&sample.response, &self.tag).unwrap_or("")
        };
        let mut seen = vec![false; self.n];
        let mut count = 0usize;
        for m in self.ac.find_iter(text) {
            let before = text[..m.start()].chars().next_back();
            let after = text[m.end()..].chars().next();
            let phrase_edges = &text[m.start()..m.end()];
            let starts_word = is_word(phrase_edges.chars().next());
            let ends_word = is_word(phrase_edges.chars().next_back());
            if (starts_word && is_word(before)) || (ends_word && is_word(after)) {
                continue;
            }
            let i = m.pattern().as_usize();
            if self.distinct && seen[i] {
                continue;
            }
            seen[i] = true;
            count += 1;
            if count >= self.cap {
                break;
            }
        }
        Ok(Score::new(count.min(self.cap) as f64 / self.cap as f64))
    }
}
