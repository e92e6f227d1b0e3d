//! Format rewards: regular expressions, think/answer structure, tag counting.

crate::rewards! {
    regex_match,
    think_answer_format,
    tag_count,
}
