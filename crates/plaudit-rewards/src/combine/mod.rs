//! Combination and robustness: transforms, ensembles, gates and guards over other components and supplied scores.

use plaudit_core::RewardInfo;

pub fn all() -> Vec<RewardInfo> {
    vec![]
}
