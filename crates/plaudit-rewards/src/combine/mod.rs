//! Combination and robustness: transforms, ensembles, gates and guards over other components and supplied scores.

use plaudit_core::RewardInfo;

pub mod group_normalize;
pub mod pareto_front;

pub fn all() -> Vec<RewardInfo> {
    vec![group_normalize::INFO, pareto_front::INFO]
}
