//! Process rewards: step-level scores aggregated, transformed and gated into a sample's reward.

use plaudit_core::RewardInfo;

pub fn all() -> Vec<RewardInfo> {
    vec![]
}
