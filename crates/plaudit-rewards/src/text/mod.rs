//! Text rewards: n-gram repetition, reasoning phrases, redundant reasoning after the answer.

crate::rewards! {
    repetition_penalty,
    reasoning_phrases,
    redundancy_penalty,
}
