//! Text rewards: n-gram repetition, reasoning phrases.

crate::rewards! {
    repetition_penalty,
    reasoning_phrases,
    redundancy_penalty,
}
