//! Format rewards: regular expressions, think/answer structure, tag counting.

pub mod regex_match;
pub mod tag_count;
pub mod think_answer_format;

crate::rewards! {
    regex_match,
    think_answer_format,
    tag_count,
}
