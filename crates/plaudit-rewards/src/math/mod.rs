//! Math answer verification (on top of `plaudit-math`).

use plaudit_core::RewardInfo;

pub mod math_equivalence;

pub fn all() -> Vec<RewardInfo> {
    vec![math_equivalence::INFO]
}
