//! Answer matching: exact match, multiple choice, token F1.

use plaudit_core::RewardInfo;

pub mod exact_match;
pub mod multiple_choice;
pub mod token_f1;

pub fn all() -> Vec<RewardInfo> {
    vec![exact_match::INFO, multiple_choice::INFO, token_f1::INFO]
}
