//! Answer matching: exact match, multiple choice, token F1.

use plaudit_core::RewardInfo;

pub mod exact_match;

pub fn all() -> Vec<RewardInfo> {
    vec![exact_match::INFO]
}
