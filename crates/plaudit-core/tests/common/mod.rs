//! The test rewards several engine tests share.
#![allow(dead_code)] // each test binary uses its own part of this module

use std::sync::Arc;

use plaudit_core::{
    score_alone, Ctx, Failure, GroupCtx, Member, Outcome, Params, Reward, RewardInfo, Sample,
    Scope, Score,
};

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

/// Always its number.
pub struct Fixed(pub f64);

impl Reward for Fixed {
    fn score(&self, _s: &Sample, _cx: &Ctx) -> Outcome {
        Ok(Score::new(self.0))
    }
}

/// A group reward: 1 for every member.
pub struct Group;

impl Reward for Group {
    fn score(&self, s: &Sample, cx: &Ctx) -> Outcome {
        score_alone(self, s, cx)
    }
    fn scope(&self) -> Scope {
        Scope::Group
    }
    fn score_group(&self, members: &[Member], _cx: &GroupCtx) -> Vec<Outcome> {
        members.iter().map(|_| Ok(Score::new(1.0))).collect()
    }
}
