//! Text rewards: n-gram repetition, reasoning phrases, redundant reasoning after the answer.

pub mod reasoning_phrases;
pub mod redundancy_penalty;
pub mod repetition_penalty;

crate::rewards! {
    repetition_penalty,
    reasoning_phrases,
    redundancy_penalty,
}
