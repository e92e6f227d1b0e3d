//! Cosine-scaled length reward: correct answers earn more the shorter they are, wrong answers are penalised less the longer they are.
//!
//! ## What it computes
//! With L the length, M = `max_len`, progress p = min(L / M, 1) and c = cos(p·π):
//! ```text
//! correct: r = min_value_correct + ½ (max_value_correct − min_value_correct)(1 + c)
//! wrong:   r = max_value_wrong  + ½ (min_value_wrong  − max_value_wrong )(1 + c)
//! ```
//! so a correct answer goes from `max_value_correct` (L = 0) down to `min_value_correct` (L ≥ M), and
//! a wrong one from `min_value_wrong` (L = 0) up to `max_value_wrong` (L ≥ M). A sample is correct
//! when the component named by `correctness` is ≥ `threshold`. This reward replaces the correctness
//! reward in the expression (it already contains it).
//!
//! ## Why
//! "Demystifying Long Chain-of-Thought Reasoning in LLMs" shows that a cosine length-scaled reward
//! stabilises the growth of chain-of-thought length: short correct answers are preferred, and a
//! wrong answer is better given more thought than guessed quickly. Defaults and clamping are those of
//! TRL's `get_cosine_scaled_reward` (token lengths, L/M clamped at 1), which the differential test
//! `tests/anchors/test_trl_shaping.py` checks value for value. open-r1's original counts characters
//! (`unit: chars` matches it) and does not clamp, so past M its cosine rises again (`clamp: false`).
//!
//! ## Parameters
//! - `correctness` (component name; default `correct`): the component that says whether the answer
//!   is right.
//! - `threshold` (number; default 0.5): the correctness value at or above which a sample is correct.
//! - `max_len` (integer; default 1000): M.
//! - `min_value_correct` (number; default 0.5), `max_value_correct` (number; default 1.0): the range
//!   for correct answers.
//! - `min_value_wrong` (number; default -1.0), `max_value_wrong` (number; default -0.5): the range
//!   for wrong answers.
//! - `clamp` (boolean; default true): clamp L/M at 1.
//! - `unit` (tokens | chars | words; default `tokens`): how L is counted.
//!
//! ## Example
//! ```json
//! {"params": {"max_len": 100}, "components": {"correct": 1.0}, "sample": {"response": "…", "tokens": 0}, "value": 1.0}
//! {"params": {"max_len": 100}, "components": {"correct": 1.0}, "sample": {"response": "…", "tokens": 50}, "value": 0.75}
//! {"params": {"max_len": 100}, "components": {"correct": 0.0}, "sample": {"response": "…", "tokens": 50}, "value": -0.75}
//! {"params": {"max_len": 100}, "components": {"correct": 0.0}, "sample": {"response": "…", "tokens": 200}, "value": -0.5}
//! {"params": {"max_len": 100, "clamp": false}, "components": {"correct": 1.0}, "sample": {"response": "…", "tokens": 200}, "value": 1.0}
//! ```

use std::f64::consts::PI;
use std::sync::Arc;

use plaudit_core::{Ctx, Kind, Outcome, ParamSpec, Params, Reward, RewardInfo, Sample, Score};

use crate::components::{CORRECTNESS_PARAM, THRESHOLD_PARAM};
use crate::util::{response_length, UNIT_PARAM};

pub const INFO: RewardInfo = RewardInfo {
    name: "cosine_length",
    family: "length",
    source: include_str!("cosine_length.rs"),
    params: PARAMS,
    build,
};

const PARAMS: &[ParamSpec] = &[
    CORRECTNESS_PARAM,
    THRESHOLD_PARAM,
    ParamSpec::new(
        "max_len",
        Kind::Int,
        "1000",
        "length M at which the cosine ends",
    )
    .min(1.0),
    ParamSpec::new(
        "min_value_correct",
        Kind::Float,
        "0.5",
        "reward of a correct answer at L ≥ M",
    ),
    ParamSpec::new(
        "max_value_correct",
        Kind::Float,
        "1.0",
        "reward of a correct answer at L = 0",
    ),
    ParamSpec::new(
        "min_value_wrong",
        Kind::Float,
        "-1.0",
        "reward of a wrong answer at L = 0",
    ),
    ParamSpec::new(
        "max_value_wrong",
        Kind::Float,
        "-0.5",
        "reward of a wrong answer at L ≥ M",
    ),
    ParamSpec::new("clamp", Kind::Bool, "true", "clamp L/M at 1"),
    UNIT_PARAM,
];

struct CosineLength {
    correctness: Option<(usize, String)>,
    threshold: f64,
    max_len: f64,
    correct: (f64, f64),
    wrong: (f64, f64),
    clamp: bool,
    unit: String,
}

fn build(p: &Params) -> Result<Arc<dyn Reward>, String> {
    let max_len = p.i64("max_len");
    let correctness = p.component("correctness");
    if correctness.is_none() {
        return Err(
            "`correctness` must name the component that says whether the answer is right".into(),
        );
    }
    Ok(Arc::new(CosineLength {
        correctness,
        threshold: p.f64("threshold"),
        max_len: max_len as f64,
        correct: (p.f64("min_value_correct"), p.f64("max_value_correct")),
        wrong: (p.f64("min_value_wrong"), p.f64("max_value_wrong")),
        clamp: p.bool("clamp"),
        unit: p.str("unit").to_string(),
    }))
}

impl Reward for CosineLength {
    fn score(&self, sample: &Sample, cx: &Ctx) -> Outcome {
        let (idx, name) = self.correctness.as_ref().expect("checked at build");
        let correct = cx.component(*idx, name)? >= self.threshold;
        let l = response_length(sample, &self.unit)?;
        let mut progress = l / self.max_len;
        if self.clamp {
            progress = progress.min(1.0);
        }
        let cosine = (progress * PI).cos();
        // At L = 0 the reward is `hi`, at L = M it is `lo`.
        let (lo, hi) = if correct {
            self.correct
        } else {
            (self.wrong.1, self.wrong.0)
        };
        Ok(Score::new(lo + 0.5 * (hi - lo) * (1.0 + cosine)))
    }
}
