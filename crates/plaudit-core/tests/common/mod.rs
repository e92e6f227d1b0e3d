//! The test reward several engine tests share.
#![allow(dead_code)] // each test binary uses its own part of this module

use std::sync::Arc;

use plaudit_core::{Ctx, Failure, Outcome, Params, Reward, RewardInfo, Sample, Score};

/// The response read as a number; `no_answer` ("not a number") when it is not one.
pub struct Num;

impl Reward for Num {
    fn score(&self, s: &Sample, _cx: &Ctx) -> Outcome {
        s.response
            .parse::<f64>()
            .map(Score::new)
            .map_err(|_| Failure::no_answer("not a number"))
    }
}

/// [`Num`] registered as `num` (family `test`, no parameters).
pub fn num_info() -> RewardInfo {
    RewardInfo {
        name: "num",
        family: "test",
        source: "//! Test reward.",
        params: &[],
        build: |_: &Params| Ok(Arc::new(Num) as Arc<dyn Reward>),
    }
}
