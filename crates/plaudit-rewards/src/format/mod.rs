//! Format rewards: regular expressions, think/answer structure, tag counting.

use plaudit_core::RewardInfo;

pub fn all() -> Vec<RewardInfo> {
    vec![]
}
