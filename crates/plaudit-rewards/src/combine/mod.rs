//! Combination and robustness: transforms, ensembles, gates and guards over other components and supplied scores.
//!
//! The rewards that read supplied reward-model scores do so through [`scores`].

mod scores;

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
