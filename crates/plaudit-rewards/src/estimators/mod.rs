//! Group estimators and data selection: pass@k-style advantages, novelty sharpening, tree and turn credit (turn-group advantages and their rescaled accumulation), variance-aware selection, embedding diversity (Vendi).
//!
//! Every reward here is a group reward: its value for one rollout depends on the other rollouts
//! of the same prompt. Those that already compute an advantage are meant for specs with
//! `group: {advantage: reward}`, which passes the reward through as the advantage.
//!
//! Shared conventions ([`stats`], [`crate::components`]): a member whose input component failed
//! is left out of the group's statistics and gets `error` ("input component `…` has no value");
//! standard deviations follow the group stage (`std: sample`, n − 1, by default; `population`, n).

pub(crate) mod stats;

pub mod difficulty_scaled;
pub mod embedding_diversity;
pub mod group_stats;
pub mod novelty_sharpening;
pub mod pass_at_k_advantage;
pub mod tree_advantage;
pub mod turn_accumulate;
pub mod turn_advantage;

crate::rewards! {
    pass_at_k_advantage,
    novelty_sharpening,
    group_stats,
    difficulty_scaled,
    tree_advantage,
    turn_advantage,
    turn_accumulate,
    embedding_diversity,
}
