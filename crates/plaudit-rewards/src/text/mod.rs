//! Text rewards: n-gram repetition, reasoning phrases.

use plaudit_core::RewardInfo;

pub mod reasoning_phrases;
pub mod repetition_penalty;

pub fn all() -> Vec<RewardInfo> {
    vec![repetition_penalty::INFO, reasoning_phrases::INFO]
}
