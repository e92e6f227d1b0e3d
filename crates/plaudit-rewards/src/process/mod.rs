//! Process rewards: step-level scores aggregated, transformed and gated into a sample's reward; likelihoods of reference continuations.
//!
//! The step scores come from the sample (`step_scores`, one number per reasoning step, from a
//! process reward model), the token log-probs from `logprobs` and `meta.ref_logprobs`, the
//! per-turn answer probabilities from `meta.answer_probs`, the log-probs of a reference continuation
//! from `meta.gold_logprobs`. What the rewards of the family share is
//! in [`steps`].

mod steps;

pub mod gated_process;
pub mod info_gain_turn;
pub mod likelihood_reward;
pub mod prime_implicit;
pub mod prl_process;
pub mod process_aggregate;
pub mod process_transform;
pub mod pure_min_credit;
pub mod step_increment;

crate::rewards! {
    process_aggregate,
    pure_min_credit,
    process_transform,
    step_increment,
    gated_process,
    prime_implicit,
    prl_process,
    info_gain_turn,
    likelihood_reward,
}
