//! Combination and robustness: transforms, ensembles, gates and guards over other components and supplied scores.
//!
//! The rewards that read supplied reward-model scores do so through [`scores`].

mod scores;

pub mod confidence_gate;
pub mod flawed_positive;
pub mod group_normalize;
pub mod master_key_guard;
pub mod pareto_front;
pub mod preference_sigmoid;
pub mod reward_noise;
pub mod rm_ensemble;

crate::rewards! {
    preference_sigmoid,
    rm_ensemble,
    confidence_gate,
    reward_noise,
    master_key_guard,
    flawed_positive,
    group_normalize,
    pareto_front,
}
