//! Format rewards: regular expressions, think/answer structure, tag counting.

use plaudit_core::RewardInfo;

pub mod regex_match;
pub mod tag_count;
pub mod think_answer_format;

pub fn all() -> Vec<RewardInfo> {
    vec![
        regex_match::INFO,
        think_answer_format::INFO,
        tag_count::INFO,
    ]
}
