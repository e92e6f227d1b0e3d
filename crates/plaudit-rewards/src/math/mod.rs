//! Math answer verification (on top of `plaudit-math`).

use plaudit_core::RewardInfo;

pub fn all() -> Vec<RewardInfo> {
    vec![]
}
