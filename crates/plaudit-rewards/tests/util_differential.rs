//! Differential test of the rewards' answer helpers: the one-pass marker scan from the end and
//! the byte-wise ASCII normalisation (issue 18) give exactly what the helpers of before gave
//! (kept as the oracle in `oracle/util_v1.rs`), on random texts built from the pieces they look
//! for.

#[allow(dead_code)]
#[path = "oracle/util_v1.rs"]
mod old;

use plaudit_rewards::util as new;
use proptest::prelude::*;

#[rustfmt::skip]
const PIECES: &[&str] = &[
    "answer", "Answer", "ANSWER", "aNsWeR", "answers", "answe", "w", "W", " is", " IS", " is:",
    ":", "final ", "Final ", " ", "  ", "\n", "\t", "\r", "\u{b}", "\u{c}", "####", "###", "#",
    "\\boxed", "\\boxed{", "\\fbox{", "{", "}", "$", "$$", "<answer>", "</answer>", "<think>",
    "</think>", "1", "42", "-3", ".", "..", ", ", "The ", "PARIS", "Paris", "é", "É", "ß", "ＡＢ",
    "ﬁ", "<", "</", "think>", "\\", "\u{a0}", "\u{2003}", "İ", "Σ", "$.", ".$",
];

fn text() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(PIECES), 0..50).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(4000))]

    #[test]
    fn helpers_match_the_old_ones(t in text()) {
        prop_assert_eq!(new::after_answer_marker(&t), old::after_answer_marker(&t));
        prop_assert_eq!(new::answer_region(&t), old::answer_region(&t));
        prop_assert_eq!(new::last_boxed(&t), old::last_boxed(&t));
        for cs in [false, true] {
            prop_assert_eq!(new::normalize_basic(&t, cs), old::normalize_basic(&t, cs));
        }
        for mode in new::EXTRACT_MODES {
            prop_assert_eq!(
                new::extract_answer(&t, mode, "answer"),
                old::extract_answer(&t, mode, "answer")
            );
        }
    }
}
