//! N-gram repetition penalty: `max_penalty` times the fraction of the response's n-grams that are repeats.
//!
//! ## What it computes
//! The response is lower-cased and split into the words a reader sees (or into characters with
//! `unit: chars`, for languages written without spaces): at whitespace and at characters that
//! show as a space though Unicode does not call them one (the Braille blank U+2800, the Hangul
//! filler U+3164), with invisible characters (zero-width joiners, controls, format characters)
//! dropped, so words told apart only by invisible suffixes are the same word, and a character
//! n-gram has no invisible characters in it; compatibility forms are their plain letters (NFKC:
//! fullwidth `ｇｏ` is `go`) and Cyrillic and Greek letters drawn like Latin ones are those
//! (`gо` with a Cyrillic `о` is `go`). With N the number of n-grams of size
//! `ngram_size` and U the number of distinct ones:
//! ```text
//! r = max_penalty · (1 − U / N)        (0 when the response has fewer than ngram_size units)
//! ```
//! `max_penalty` is ≤ 0, so r is in [max_penalty, 0]: 0 for text without repeated n-grams, near
//! `max_penalty` for text that loops.
//!
//! ## Why
//! "Demystifying Long Chain-of-Thought Reasoning in LLMs" finds that long-CoT RL can reward-hack
//! length by repeating itself and adds this n-gram repetition penalty. Same formula and defaults as
//! open-r1's `get_repetition_penalty_reward` (word n-grams of the lower-cased response). TRL's
//! version counts n-grams of token ids instead; on the same units the two agree value for value
//! (`tests/anchors/test_trl_shaping.py`).
//!
//! ## Parameters
//! - `ngram_size` (integer; default 3): n.
//! - `max_penalty` (number; default -1.0): the penalty when every n-gram is a repeat; must be ≤ 0.
//! - `unit` (words | chars; default `words`): what an n-gram is made of.
//!
//! ## Example
//! ```json
//! {"sample": {"response": "the cat sat on the mat"}, "value": 0.0}
//! {"sample": {"response": "go go go go go"}, "value": -0.6666666666666667}
//! {"params": {"ngram_size": 2, "max_penalty": -0.5}, "sample": {"response": "a b a b"}, "value": -0.16666666666666666}
//! {"sample": {"response": "too short"}, "value": 0.0}
//! {"sample": {"response": "go\u2800go\u2800go\u2800go\u2800go"}, "value": -0.6666666666666667}
//! {"sample": {"response": "go\u200c go\u200d go\u200c\u200d go go\u0001"}, "value": -0.6666666666666667}
//! {"sample": {"response": "go g\u043e \uff47\uff4f go \ud835\udc20\ud835\udc28"}, "value": -0.6666666666666667}
//! ```

use std::collections::HashSet;
use std::sync::Arc;

use plaudit_core::{
    Ctx, Kind, Outcome, ParamSpec, Params, Reward, RewardInfo, Sample, Score, Ticker,
};

use unicode_normalization::UnicodeNormalization;

use crate::util::{is_invisible, latin_lookalike, visible_words};

pub const INFO: RewardInfo = RewardInfo {
    name: "repetition_penalty",
    family: "text",
    source: include_str!("repetition_penalty.rs"),
    params: PARAMS,
    build,
};

const PARAMS: &[ParamSpec] = &[
    ParamSpec::new("ngram_size", Kind::Int, "3", "n-gram size n").min(1.0),
    ParamSpec::new(
        "max_penalty",
        Kind::Float,
        "-1.0",
        "penalty when every n-gram repeats (≤ 0)",
    )
    .max(0.0),
    ParamSpec::new(
        "unit",
        Kind::Enum(&["words", "chars"]),
        "\"words\"",
        "words or characters",
    ),
];

struct Repetition {
    n: usize,
    max_penalty: f64,
    chars: bool,
}

fn build(p: &Params) -> Result<Arc<dyn Reward>, String> {
    let n = p.usize("ngram_size")?;
    let max_penalty = p.f64("max_penalty");
    Ok(Arc::new(Repetition {
        n,
        max_penalty,
        chars: p.str("unit") == "chars",
    }))
}

/// 1 − distinct/total over the n-grams of `units`; `None` when there are fewer than n units.
fn repeat_fraction<T: std::hash::Hash + Eq>(
    units: &[T],
    n: usize,
    tick: &mut Ticker,
) -> Result<Option<f64>, plaudit_core::Failure> {
    if units.len() < n {
        return Ok(None);
    }
    let total = units.len() - n + 1;
    let mut seen: HashSet<&[T]> = HashSet::with_capacity(total.min(1 << 16));
    for w in units.windows(n) {
        tick.tick()?;
        seen.insert(w);
    }
    Ok(Some(1.0 - seen.len() as f64 / total as f64))
}

impl Reward for Repetition {
    fn score(&self, sample: &Sample, cx: &Ctx) -> Outcome {
        // What a reader sees: compatibility forms (fullwidth, mathematical letters) as their
        // plain letters, lower case, Cyrillic and Greek look-alikes as the Latin letters.
        let lower: String = sample
            .response
            .nfkc()
            .collect::<String>()
            .to_lowercase()
            .chars()
            .map(latin_lookalike)
            .collect();
        let mut tick = Ticker::new(cx.deadline, 4096);
        let frac = if self.chars {
            // What a reader sees: no spaces, no invisible characters between the letters.
            let cs: Vec<char> = lower
                .chars()
                .filter(|c| !c.is_whitespace() && !is_invisible(*c))
                .collect();
            repeat_fraction(&cs, self.n, &mut tick)?
        } else {
            let ws: Vec<_> = visible_words(&lower).collect();
            repeat_fraction(&ws, self.n, &mut tick)?
        };
        // `+ 0.0`: no repeat is 0, not the -0 of 0 × a negative penalty.
        Ok(Score::new(frac.map_or(0.0, |f| f * self.max_penalty) + 0.0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chars_unit_for_unspaced_text() {
        let p = Params::from_json(
            PARAMS,
            &serde_json::json!({"unit": "chars", "ngram_size": 2}),
            &[],
        )
        .unwrap();
        let r = build(&p).unwrap();
        let d = plaudit_core::Deadline::none();
        // 好好好好: bigrams 好好 ×3, distinct 1 → 1 − 1/3
        let s = r
            .score(
                &Sample::new("好好好好", serde_json::Value::Null),
                &Ctx::new(&d, &[]),
            )
            .unwrap();
        assert!((s.value + 2.0 / 3.0).abs() < 1e-12);
    }

    #[test]
    fn positive_penalty_is_refused() {
        assert_eq!(
            crate::spec_error(&INFO, serde_json::json!({"max_penalty": 1.0}), &[]),
            "parameter `max_penalty` must be ≤ 0, got 1"
        );
    }
}
