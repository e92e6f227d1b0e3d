//! Combination and robustness: transforms, ensembles, gates and guards over other components and supplied scores.
//!
//! The rewards that read supplied reward-model scores do so through [`scores`].

use plaudit_core::RewardInfo;

mod scores;

pub mod confidence_gate;
pub mod flawed_positive;
pub mod group_normalize;
pub mod master_key_guard;
pub mod pareto_front;
pub mod preference_sigmoid;
pub mod reward_noise;
pub mod rm_ensemble;

pub fn all() -> Vec<RewardInfo> {
    vec![
        preference_sigmoid::INFO,
        rm_ensemble::INFO,
        confidence_gate::INFO,
        reward_noise::INFO,
        master_key_guard::INFO,
        flawed_positive::INFO,
        group_normalize::INFO,
        pareto_front::INFO,
    ]
}
