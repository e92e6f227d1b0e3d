//! Soft overlong punishment (DAPO): 0 up to `max_len − buffer`, then a linear ramp down to −`penalty` at `max_len`, −`penalty` beyond.
//!
//! ## What it computes
//! With L the response length, M = `max_len`, B = `buffer` and p = `penalty`:
//! ```text
//! r = 0                       if L ≤ M − B
//! r = p · ((M − B) − L) / B   if M − B < L ≤ M
//! r = −p                      if L > M
//! ```
//! It is a shaping term: add it to a correctness reward in the spec's expression.
//!
//! ## Why
//! "DAPO: An Open-Source LLM Reinforcement Learning System at Scale" shows that giving truncated
//! samples the same reward as finished ones injects noise, and adds this length-aware penalty so the
//! model learns to stay inside the window. Same formula as TRL's `get_soft_overlong_punishment`
//! and verl's DAPO overlong buffer (verl's `overlong_penalty_factor` is `penalty` here; verl does
//! not clamp beyond M because its responses cannot exceed M; Plaudit clamps at −p). The
//! differential test `tests/anchors/test_trl_shaping.py` checks it against TRL value for value.
//!
//! ## Parameters
//! - `max_len` (integer; default 4096): M, the maximum length (the generation limit).
//! - `buffer` (integer; default 512): B, the length of the ramp before M; must be in 1..=M.
//! - `penalty` (number; default 1.0): p, the penalty at and beyond M.
//! - `unit` (tokens | chars | words; default `tokens`): how L is counted.
//!
//! ## Example
//! ```json
//! {"params": {"max_len": 100, "buffer": 20}, "sample": {"response": "…", "tokens": 80}, "value": 0.0}
//! {"params": {"max_len": 100, "buffer": 20}, "sample": {"response": "…", "tokens": 90}, "value": -0.5}
//! {"params": {"max_len": 100, "buffer": 20}, "sample": {"response": "…", "tokens": 130}, "value": -1.0}
//! {"params": {"max_len": 100, "buffer": 20, "penalty": 2.0}, "sample": {"response": "…", "tokens": 85}, "value": -0.5}
//! {"params": {"max_len": 100, "buffer": 20, "penalty": 2.0}, "sample": {"response": "…", "tokens": 130}, "value": -2.0}
//! {"params": {"max_len": 10, "buffer": 4, "unit": "words"}, "sample": {"response": "one two three four five six seven"}, "value": -0.25}
//! {"params": {"max_len": 100, "buffer": 20}, "sample": {"response": "no token count"}, "status": "invalid_input"}
//! ```

use std::sync::Arc;

use plaudit_core::{Ctx, Kind, Outcome, ParamSpec, Params, Reward, RewardInfo, Sample, Score};

use crate::util::{response_length, UNIT_PARAM};

pub const INFO: RewardInfo = RewardInfo {
    name: "soft_overlong_penalty",
    family: "length",
    source: include_str!("soft_overlong_penalty.rs"),
    params: PARAMS,
    build,
};

const PARAMS: &[ParamSpec] = &[
    ParamSpec::new("max_len", Kind::Int, "4096", "maximum length M").min(1.0),
    ParamSpec::new("buffer", Kind::Int, "512", "ramp length B before M").min(1.0),
    ParamSpec::new("penalty", Kind::Float, "1.0", "penalty p at and beyond M"),
    UNIT_PARAM,
];

struct SoftOverlong {
    max_len: f64,
    buffer: f64,
    penalty: f64,
    unit: String,
}

fn build(p: &Params) -> Result<Arc<dyn Reward>, String> {
    let max_len = p.i64("max_len");
    let buffer = p.i64("buffer");
    if buffer > max_len {
        return Err(format!(
            "`buffer` must be between 1 and max_len ({max_len}), got {buffer}"
        ));
    }
    Ok(Arc::new(SoftOverlong {
        max_len: max_len as f64,
        buffer: buffer as f64,
        penalty: p.f64("penalty"),
        unit: p.str("unit").to_string(),
    }))
}

/// The DAPO ramp for a length `l`.
pub(crate) fn soft_overlong(l: f64, max_len: f64, buffer: f64, penalty: f64) -> f64 {
    let start = max_len - buffer;
    if l <= start {
        0.0
    } else if l <= max_len {
        penalty * (start - l) / buffer
    } else {
        -penalty
    }
}

impl Reward for SoftOverlong {
    fn score(&self, sample: &Sample, _cx: &Ctx) -> Outcome {
        let l = response_length(sample, &self.unit)?;
        Ok(Score::new(soft_overlong(
            l,
            self.max_len,
            self.buffer,
            self.penalty,
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ramp_edges() {
        assert_eq!(soft_overlong(3584.0, 4096.0, 512.0, 1.0), 0.0);
        assert_eq!(soft_overlong(3840.0, 4096.0, 512.0, 1.0), -0.5);
        assert_eq!(soft_overlong(4096.0, 4096.0, 512.0, 1.0), -1.0);
        assert_eq!(soft_overlong(5000.0, 4096.0, 512.0, 2.0), -2.0);
    }

    #[test]
    fn buffer_out_of_range_is_a_spec_error() {
        let p = Params::from_json(
            PARAMS,
            &serde_json::json!({"max_len": 10, "buffer": 11}),
            &[],
        )
        .unwrap();
        assert_eq!(
            build(&p).err().unwrap(),
            "`buffer` must be between 1 and max_len (10), got 11"
        );
    }
}
