//! LASER step length reward: a bonus `alpha` when the response is at most `target` long (only for correct answers by default).
//!
//! ## What it computes
//! With L the length, T = `target` and a = `alpha`:
//! ```text
//! r = a · 1[L ≤ T] · g      where g = 1[correctness ≥ threshold] under gate: correct, 1 under gate: none
//! ```
//! It is a shaping term: add it to the correctness reward (`reward: correct + laser`), giving
//! `1 + a` to a correct answer within the target, `1` to a longer correct one, and 0 to wrong ones.
//!
//! ## Why
//! "Learn to Reason Efficiently with Adaptive Length-based Reward Shaping" unifies efficient-reasoning
//! methods as length-based reward shaping and proposes LASER, a step function of the length
//! controlled by a target length, which keeps accuracy while cutting tokens; its adaptive variant
//! (LASER-D) sets the target per difficulty. The abstract fixes only "step function" and "target
//! length"; gating the bonus on correctness (the default) is Plaudit's choice so that a short wrong
//! answer never earns anything, the brevity hack that an ungated bonus invites.
//!
//! ## Parameters
//! - `target` (integer; default 4096): T, the length at or under which the bonus is paid.
//! - `alpha` (number; default 0.5): a, the bonus.
//! - `gate` (correct | none; default `correct`): pay the bonus only to correct answers.
//! - `correctness` (component name; default `correct`): the component read under `gate: correct`.
//! - `threshold` (number; default 0.5): the correctness value counted as correct.
//! - `unit` (tokens | chars | words; default `tokens`): how L is counted.
//!
//! ## Example
//! ```json
//! {"params": {"target": 100}, "components": {"correct": 1.0}, "sample": {"response": "…", "tokens": 80}, "value": 0.5}
//! {"params": {"target": 100}, "components": {"correct": 1.0}, "sample": {"response": "…", "tokens": 120}, "value": 0.0}
//! {"params": {"target": 100}, "components": {"correct": 0.0}, "sample": {"response": "…", "tokens": 80}, "value": 0.0}
//! {"params": {"target": 3, "alpha": 1.0, "gate": "none", "correctness": "", "unit": "words"}, "sample": {"response": "x = 4"}, "value": 1.0}
//! ```

use std::sync::Arc;

use plaudit_core::{Ctx, Kind, Outcome, ParamSpec, Params, Reward, RewardInfo, Sample, Score};

use crate::components::{CORRECTNESS_PARAM, THRESHOLD_PARAM};
use crate::util::{response_length, UNIT_PARAM};

pub const INFO: RewardInfo = RewardInfo {
    name: "laser_length",
    family: "length",
    source: include_str!("laser_length.rs"),
    params: PARAMS,
    build,
};

const PARAMS: &[ParamSpec] = &[
    ParamSpec::new("target", Kind::Int, "4096", "target length T").min(1.0),
    ParamSpec::new("alpha", Kind::Float, "0.5", "bonus a within the target"),
    ParamSpec::new(
        "gate",
        Kind::Enum(&["correct", "none"]),
        "\"correct\"",
        "pay only correct answers",
    ),
    CORRECTNESS_PARAM,
    THRESHOLD_PARAM,
    UNIT_PARAM,
];

struct Laser {
    target: f64,
    alpha: f64,
    gate: Option<(usize, String)>,
    threshold: f64,
    unit: String,
}

fn build(p: &Params) -> Result<Arc<dyn Reward>, String> {
    let target = p.i64("target");
    let gate = match p.str("gate") {
        "correct" => Some(p.component("correctness").ok_or(
            "`gate: correct` needs `correctness` to name the component that says whether the answer is right",
        )?),
        _ => None,
    };
    Ok(Arc::new(Laser {
        target: target as f64,
        alpha: p.f64("alpha"),
        gate,
        threshold: p.f64("threshold"),
        unit: p.str("unit").to_string(),
    }))
}

impl Reward for Laser {
    fn score(&self, sample: &Sample, cx: &Ctx) -> Outcome {
        if let Some((idx, name)) = &self.gate {
            if cx.component(*idx, name)? < self.threshold {
                return Ok(Score::new(0.0));
            }
        }
        let l = response_length(sample, &self.unit)?;
        Ok(Score::new(if l <= self.target { self.alpha } else { 0.0 }))
    }
}
