//! Answer matching: exact match, answer match (math or exact by the reference), multiple choice, token F1.

use plaudit_core::RewardInfo;

pub(crate) mod extraction;

pub mod answer_match;
pub mod exact_match;
pub mod multiple_choice;
pub mod token_f1;

pub fn all() -> Vec<RewardInfo> {
    vec![
        exact_match::INFO,
        answer_match::INFO,
        multiple_choice::INFO,
        token_f1::INFO,
    ]
}
