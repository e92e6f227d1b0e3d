//! Differential test of the answer extractor: the one-pass scans from the end (issue 18) give
//! exactly what the extractor of before gave (kept as the oracle in `oracle/extract_v1.rs`), on
//! random texts built from the pieces the extractor looks for and on long generated responses.

#[allow(dead_code)]
#[path = "oracle/extract_v1.rs"]
mod old;

use plaudit_math::extract::{self as new, Method};
use proptest::prelude::*;

#[rustfmt::skip]
const PIECES: &[&str] = &[
    "answer", "Answer", "ANSWER", "aNsWeR", "answers", "answe", "nswer", "w", "W", " is", " IS",
    " Is:", " is:", "is", ":", "final ", "Final ", "FINAL", "final", " ", "  ", "\n", "\t", "####",
    "###", "#", "\\boxed", "\\boxed{", "\\fbox", "\\fbox{", "\\boxe", "box", "x", "{", "}", "$",
    "$$", "\\(", "\\)", "\\[", "\\]", "\\", "<answer>", "</answer>", "<ans>", "</ans>", "<think>",
    "</think>", "1", "42", "-3", "1,000", "2 500", "0.5", "\\frac{1}{2}", ".", ", ", " and ", " or ",
    "\\text{ and }", "The ", "the ", "is ", "I hope it is correct.", "é", "ß", "𝑥", "(B)", "B",
    "**", "; ", " because ", " since ", "option ", "Option ", "\\textbf{", "(C)", "J", "K", "a", "<", ">", "</", "<a>b>", "</a>b>", "<>", "</>", "<é>", "</é>",
];

fn text() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(PIECES), 0..60).prop_map(|v| v.concat())
}

fn order() -> impl Strategy<Value = Vec<Method>> {
    let all = vec![
        Method::Tag,
        Method::Boxed,
        Method::Marker,
        Method::Env,
        Method::Bare,
        Method::Number,
    ];
    prop::collection::vec(prop::sample::select(all), 0..7)
}

fn old_order(o: &[Method]) -> Vec<old::Method> {
    o.iter()
        .map(|m| old::Method::parse(m.name()).expect("same names"))
        .collect()
}

fn same(text: &str, order: &[Method], tag: &str) {
    for strict in [false, true] {
        assert_eq!(
            new::choice_letter(text, strict),
            old::choice_letter(text, strict),
            "choice_letter({text:?}, {strict})"
        );
    }
    let a = new::extract(text, order, tag).map(|(s, m)| (s, m.name()));
    let b = old::extract(text, &old_order(order), tag).map(|(s, m)| (s, m.name()));
    assert_eq!(a, b, "extract({text:?}, {order:?}, {tag:?})");
    assert_eq!(
        new::after_marker(text),
        old::after_marker(text),
        "after_marker({text:?})"
    );
    assert_eq!(
        new::last_boxed(text),
        old::last_boxed(text),
        "last_boxed({text:?})"
    );
}

/// The finders from the end against `str`'s.
fn same_finders(text: &str) {
    for tag in ["answer", "ans", "", "a>b", "think", "é"] {
        assert_eq!(
            new::tag_content(text, tag),
            old::tag_content(text, tag),
            "tag_content({text:?}, {tag:?})"
        );
    }
    for n in [
        "</think>", "<think>", "\\boxed", "\\fbox", "<", "", "answer", "é",
    ] {
        assert_eq!(
            new::rfind_by_first(text, n),
            text.rfind(n),
            "rfind({text:?}, {n:?})"
        );
        assert_eq!(new::contains_by_first(text, n), text.contains(n));
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(4000))]

    #[test]
    fn extract_matches_the_old_extractor(t in text(), o in order()) {
        same(&t, &o, "answer");
        same(&t, new::DEFAULT_ORDER, "answer");
        same(&t, new::DEFAULT_ORDER, "ans");
        same_finders(&t);
    }
}

/// Long chain-of-thought responses like scripts/gen/long_cot.py's (seeded, no dependencies):
/// kilobytes of prose and inline math with the answer near the end in every form.
#[test]
fn long_responses_match_the_old_extractor() {
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = move |n: usize| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state % n as u64) as usize
    };
    #[rustfmt::skip]
    let words = [
        "so", "we", "then", "compute", "answer", "Answer", "the", "answer is", "final", "wait",
        "$x$", "$3x + 5 = 2$", "\\(y = 2\\)", "$$\\frac{1}{2}$$", "12", "1,000", "\\boxed{7}",
        "\\fbox{8}", "####", "answers", "Final answer", "<answer>", "</answer>", "\n", "\n\n", "$",
        "answer:", "ANSWER IS:", "é", "\\text{ and }", "\\boxed{\\boxed{3}}", "\\boxed{unclosed",
    ];
    let endings = [
        "Therefore, the answer is $\\boxed{396 \\text{ cm}}$.",
        "Final Answer: The final answer is $\\frac{3}{4}$. I hope it is correct.",
        "**Final Answer**\n\\[\n\\boxed{(1, 2)}\n\\]",
        "So the answer is $x = 5$.",
        "<answer>\n\\{3, 4\\}\n</answer>",
        "<answer>The answer is $\\boxed{12}$.</answer>",
        "#### 1,250",
        "Hence we obtain \\(\\fbox{-7}\\).",
        "**Answer:** $2\\sqrt{3}$",
        "Putting everything together, we conclude that $$\\pi/4$$",
        "so $\\boxed{3}$ and $\\boxed{5}$.",
        "",
    ];
    for _ in 0..3000 {
        let n = 20 + next(1500);
        let mut t = String::new();
        for _ in 0..n {
            t.push_str(words[next(words.len())]);
            t.push(' ');
        }
        t.push_str(endings[next(endings.len())]);
        same(&t, new::DEFAULT_ORDER, "answer");
        same(&t, &[Method::Boxed, Method::Marker, Method::Env], "answer");
        same(&t, &[Method::Marker, Method::Number], "answer");
        same_finders(&t);
    }
}
