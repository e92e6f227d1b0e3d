//! Process rewards: step-level scores aggregated, transformed and gated into a sample's reward.
//!
//! The step scores come from the sample (`step_scores`, one number per reasoning step, from a
//! process reward model), the token log-probs from `logprobs` and `meta.ref_logprobs`, the
//! per-turn answer probabilities from `meta.answer_probs`. What the rewards of the family share is
//! in [`steps`].

use plaudit_core::RewardInfo;

mod steps;

pub mod gated_process;
pub mod info_gain_turn;
pub mod prime_implicit;
pub mod process_aggregate;
pub mod process_transform;
pub mod pure_min_credit;
pub mod step_increment;

pub fn all() -> Vec<RewardInfo> {
    vec![
        process_aggregate::INFO,
        pure_min_credit::INFO,
        process_transform::INFO,
        step_increment::INFO,
        gated_process::INFO,
        prime_implicit::INFO,
        info_gain_turn::INFO,
    ]
}
